//! `data = "file.csv"`: examples from a CSV file beside the page. A header
//! row of input names, then one example per row, numbers only. Errors in
//! the file are reported at its own `file:line:col`.
//!
//! Files as spreadsheets save them: a UTF-8 byte order mark before the
//! header (Excel's "CSV UTF-8") is skipped, a file that looks `;`-separated
//! (spreadsheets set to a language with a decimal comma) gets a hint on
//! its first error, and a name that is not there gets "did you mean" over
//! the CSV files beside it.

use super::error::{OtherFile, ScenarioError};
use super::lower::MAX_TRAINING_NODES;
use crate::diagnostic::NotUtf8;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Largest data file read, in bytes: 16 MiB, checked before reading. Its
/// numbers could not fit in a block's graph anyway (see
/// [`MAX_TRAINING_NODES`]: every cell is a node).
pub const MAX_DATA_BYTES: u64 = 16 << 20;

/// Where the page being parsed lives on disk, so that `data` can be read
/// relative to it and kept inside the site.
#[derive(Clone, Copy, Debug)]
pub struct Files<'a> {
    /// The markdown file on disk.
    pub page: &'a Path,
    /// The site's root folder: `data` may not point outside it.
    pub root: &'a Path,
}

impl Files<'_> {
    /// For a markdown file outside a site build (`seen trace`): the nearest
    /// folder above it with a `seen.toml`, else its own folder.
    pub fn root_of(page: &Path) -> PathBuf {
        let abs = std::path::absolute(page).unwrap_or_else(|_| page.to_path_buf());
        let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        dir.ancestors()
            .find(|d| d.join("seen.toml").is_file())
            .map_or(dir.clone(), Path::to_path_buf)
    }
}

/// A data file, read and checked.
#[derive(Clone, Debug)]
pub struct Data {
    /// The file as shown in diagnostics, and its text.
    pub file: Arc<OtherFile>,
    /// Column names with the byte offset of each in the file.
    pub columns: Vec<(String, usize)>,
    /// Bytes of the header row in the file (after a byte order mark).
    pub header: std::ops::Range<usize>,
    /// One row of values per example, in column order.
    pub rows: Vec<Vec<f64>>,
}

impl Data {
    /// An error at `len` bytes from `offset` of the data file.
    pub fn error(&self, offset: usize, len: usize, message: impl Into<String>) -> ScenarioError {
        at(&self.file, offset, len, message)
    }
}

fn at(
    file: &Arc<OtherFile>,
    offset: usize,
    len: usize,
    message: impl Into<String>,
) -> ScenarioError {
    let mut e = ScenarioError::new(offset..offset + len, message);
    e.file = Some(file.clone());
    e
}

/// `path` with `.` and `name/..` taken out, without touching the disk.
/// A `..` that cannot be taken out stays.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

/// Reads the `data` file named by `value` (at `span` of the block body),
/// relative to the page. `display` is the page as shown in diagnostics.
pub fn read(
    value: &str,
    span: std::ops::Range<usize>,
    files: Option<&Files>,
    display: &Path,
) -> Result<Data, ScenarioError> {
    let refuse = |message: String, expected: &str| {
        ScenarioError::new(span.clone(), message).expected(expected.to_string())
    };
    let Some(files) = files else {
        return Err(refuse(
            "`data` is read relative to the page, but this block has no page".into(),
            "a block inside a markdown file",
        ));
    };
    let rel = Path::new(value);
    let inside =
        "a CSV file inside the site folder, named relative to this page, such as \"moons.csv\"";
    if value.is_empty() || rel.is_absolute() || rel.has_root() {
        return Err(refuse(
            format!("`data` names \"{value}\", not a file relative to this page"),
            inside,
        ));
    }
    let page_dir = files.page.parent().unwrap_or(Path::new(""));
    let abs = |p: &Path| normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    let path = abs(&page_dir.join(rel));
    let root = abs(files.root);
    let escapes = !path.starts_with(&root)
        || match (path.canonicalize(), root.canonicalize()) {
            (Ok(p), Ok(r)) => !p.starts_with(r),
            _ => false,
        };
    if escapes {
        return Err(refuse(
            format!("`data` names \"{value}\", which is outside the site folder"),
            inside,
        ));
    }
    let shown = normalize(&display.parent().unwrap_or(Path::new("")).join(rel));
    let csv = "a CSV file beside the page: a header row of input names, then one row of numbers per example";
    let cannot = |e: std::io::Error| {
        let missing = e.kind() == std::io::ErrorKind::NotFound;
        let why = if missing {
            "no such file".to_string()
        } else {
            e.to_string()
        };
        let err = refuse(
            format!("cannot read the data file {}: {why}", shown.display()),
            csv,
        );
        match missing.then(|| nearest_csv(value, &path)).flatten() {
            Some(hint) => err.hint(hint),
            None => err,
        }
    };
    // Looked at before it is opened: opening a FIFO waits for a writer
    // (`seen check` hung), and a device or a huge file never ends.
    let meta = std::fs::metadata(&path).map_err(cannot)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a FIFO, a socket or a device)"
        };
        return Err(refuse(
            format!("`data` names {}, which is {what}", shown.display()),
            csv,
        ));
    }
    let too_big = |len: u64| {
        refuse(
            format!(
                "the data file {} is {len} bytes, more than the limit of {MAX_DATA_BYTES} (16 MiB)",
                shown.display()
            ),
            "a data file of at most 16 MiB",
        )
        .hint(format!(
            "a block's graph holds at most {MAX_TRAINING_NODES} nodes, one per number of the file: use fewer rows"
        ))
    };
    if meta.len() > MAX_DATA_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_DATA_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_DATA_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    let text = match crate::diagnostic::utf8(bytes) {
        Ok(text) => text,
        Err(bad) => {
            let offset = bad.offset;
            let message = bad.message();
            let file = Arc::new(OtherFile {
                display: shown,
                text: bad.text,
                path,
            });
            return Err(at(&file, offset, 1, message)
                .expected(NotUtf8::EXPECTED)
                .hint(NotUtf8::HINT));
        }
    };
    parse(Arc::new(OtherFile {
        display: shown,
        text,
        path,
    }))
}

/// At most this many entries of a folder are looked at for "did you mean".
const MOST_ENTRIES: usize = 10_000;

/// "did you mean `points.csv`?" for a `data` value naming no file
/// (`path` on disk), over the CSV files in the folder it would be in.
/// Names are compared without `.csv`, which every candidate shares: with
/// it, `moons.csv` would pass for a typo of `points.csv`.
fn nearest_csv(value: &str, path: &Path) -> Option<String> {
    let dir = std::fs::read_dir(path.parent()?).ok()?;
    // Suggested as written: with the folders `value` names before the file.
    let (prefix, name) = value.rsplit_once('/').unwrap_or(("", value));
    let stem = |n: &str| -> String {
        let lower = n.to_ascii_lowercase();
        lower.strip_suffix(".csv").unwrap_or(&lower).to_string()
    };
    let names: Vec<String> = dir
        .take(MOST_ENTRIES)
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.to_ascii_lowercase().ends_with(".csv"))
        .collect();
    let stems: Vec<String> = names.iter().map(|n| stem(n)).collect();
    let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
    let wanted = stem(name);
    // A one- or two-letter name is too short to guess from, unless only
    // its case or `.csv` differs.
    let near = crate::toml_errors::closest(&wanted, &stems)
        .filter(|k| wanted.chars().count() > 2 || *k == wanted)?;
    let found = &names[stems.iter().position(|k| *k == near)?];
    let shown = if prefix.is_empty() {
        found.clone()
    } else {
        format!("{prefix}/{found}")
    };
    (found != name).then(|| format!("did you mean `{shown}`?"))
}

/// The hint for a file that looks `;`-separated: its header has a `;` and
/// no `,`.
fn semicolon_hint(header: &str) -> Option<&'static str> {
    (header.contains(';') && !header.contains(',')).then_some(
        "seen reads comma-separated values with `.` as the decimal point, and this file looks `;`-separated (as spreadsheets save CSV where the decimal point is a comma): export it again as CSV with `,` between cells and `.` in numbers",
    )
}

/// The lines of `text` from byte `start`, with the byte offset of each,
/// without their ends: `\n`, `\r\n` and a lone `\r` all end a line
/// (spreadsheets on old Macs save CSVs with CR alone).
fn lines(text: &str, start: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut start = start;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        let (len, end) = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => (i, i + 2),
            Some(i) => (i, i + 1),
            None => (rest.len(), rest.len()),
        };
        let line = (start, &rest[..len]);
        start += end;
        Some(line)
    })
}

/// Parses the text of a data file: the header, then the rows. The first
/// error of a file that looks `;`-separated says so.
pub fn parse(file: Arc<OtherFile>) -> Result<Data, ScenarioError> {
    // A byte order mark is skipped, not read as part of the first name;
    // offsets stay those of the file (see `Location::of`).
    let bom = if file.text.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    let header = lines(&file.text, bom).find(|(_, l)| !l.trim().is_empty());
    let hint = header.and_then(|(_, h)| semicolon_hint(h));
    parse_rows(&file, bom).map_err(|e| match hint {
        Some(hint) if e.hint.is_none() => e.hint(hint),
        _ => e,
    })
}

/// Reads the header, then the rows, of `file`'s text from byte `start`.
fn parse_rows(file: &Arc<OtherFile>, start: usize) -> Result<Data, ScenarioError> {
    let text = &file.text;
    // (byte offset of the line, the line without its ending), blank lines
    // left out.
    // Read as they come, not gathered first: a 16 MiB file has millions.
    let mut lines = lines(text, start)
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();
    let Some((h_start, header)) = lines.next() else {
        return Err(at(file, start, 0, "the data file is empty").expected(
            "a header row of input names, then one row of numbers per example, such as\nx1,x2,y\n0.5,1.0,1",
        ));
    };
    let header_span = h_start..h_start + header.len();
    let columns = parse_header(file, h_start, header)?;
    if lines.peek().is_none() {
        return Err(at(
            file,
            text.len(),
            0,
            "the data file has a header but no rows",
        )
        .expected("one row of numbers per example after the header"));
    }
    let names: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
    // Every number becomes an input node of the graph: a file with more
    // than a graph can hold is refused at the first row past it, before
    // its rows become examples.
    let most_rows = MAX_TRAINING_NODES / columns.len();
    let mut rows = Vec::new();
    for (l_start, line) in lines {
        if rows.len() == most_rows {
            return Err(at(
                file,
                l_start,
                line.len(),
                format!(
                    "the data file has more than {most_rows} rows of {} numbers, more than a block's graph can hold ({MAX_TRAINING_NODES} nodes, one per number)",
                    columns.len()
                ),
            )
            .expected(format!("at most {most_rows} rows")));
        }
        rows.push(parse_row(file, l_start, line, &names)?);
    }
    Ok(Data {
        file: file.clone(),
        columns,
        header: header_span,
        rows,
    })
}

/// Reads the header row (at byte `h_start` of the file): one valid input
/// name per column, each with its byte offset.
fn parse_header(
    file: &Arc<OtherFile>,
    h_start: usize,
    header: &str,
) -> Result<Vec<(String, usize)>, ScenarioError> {
    let mut columns: Vec<(String, usize)> = Vec::new();
    for (k, (off, cell)) in cells(header).enumerate() {
        let name = cell.trim().trim_matches('"');
        let offset = h_start + off + (cell.len() - cell.trim_start().len());
        if name.is_empty() {
            return Err(at(
                file,
                offset,
                0,
                format!("column {} of the header has no name", k + 1),
            )
            .expected("a name for every column, such as x1,x2,y"));
        }
        if !super::expr::is_name(name) {
            return Err(at(
                file,
                offset,
                cell.trim().len(),
                format!("`{name}` is not a valid input name"),
            )
            .expected("a header row of names of letters, digits and `_`, starting with a letter"));
        }
        if super::lower::FUNCTIONS.iter().any(|(f, _)| *f == name) {
            return Err(at(
                file,
                offset,
                name.len(),
                format!("`{name}` is the name of a function"),
            )
            .expected("input names that are not functions"));
        }
        if columns.iter().any(|(c, _)| c == name) {
            return Err(at(
                file,
                offset,
                name.len(),
                format!("the column `{name}` appears twice"),
            )
            .expected("each column named once"));
        }
        columns.push((name.to_string(), offset));
    }
    Ok(columns)
}

/// Reads one row (at byte `l_start` of the file): one finite number for
/// each of the columns `names`.
fn parse_row(
    file: &Arc<OtherFile>,
    l_start: usize,
    line: &str,
    names: &[&str],
) -> Result<Vec<f64>, ScenarioError> {
    let mut row = Vec::with_capacity(names.len());
    for (k, (off, cell)) in cells(line).enumerate() {
        let offset = l_start + off + (cell.len() - cell.trim_start().len());
        if k >= names.len() {
            return Err(at(
                file,
                l_start + off,
                cell.len(),
                format!(
                    "this row has more cells than the header's {} columns",
                    names.len()
                ),
            )
            .expected(format!("one number per column: {}", names.join(", "))));
        }
        row.push(parse_number(file, offset, cell.trim(), names[k])?);
    }
    if row.len() < names.len() {
        return Err(at(
            file,
            l_start + line.len(),
            0,
            format!(
                "this row has {} cell{}, but the header names {} columns",
                row.len(),
                if row.len() == 1 { "" } else { "s" },
                names.len()
            ),
        )
        .expected(format!("one number per column: {}", names.join(", "))));
    }
    Ok(row)
}

/// Reads the trimmed cell `c` (at byte `offset` of the file) of column
/// `column` as a finite number.
fn parse_number(
    file: &Arc<OtherFile>,
    offset: usize,
    c: &str,
    column: &str,
) -> Result<f64, ScenarioError> {
    let v: f64 = c.parse().map_err(|_| {
        let shown = if c.is_empty() {
            "an empty cell".to_string()
        } else {
            format!("`{c}`")
        };
        at(
            file,
            offset,
            c.len(),
            format!("{shown} in column `{column}` is not a number"),
        )
        .expected("a number such as 0.5, -2 or 1e-3")
    })?;
    if !v.is_finite() {
        return Err(at(
            file,
            offset,
            c.len(),
            format!("`{c}` in column `{column}` is not a finite number"),
        )
        .expected("a finite number such as 0.5, -2 or 1e-3"));
    }
    Ok(v)
}

/// The comma-separated cells of a line, each with its byte offset.
fn cells(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    line.split(',').map(move |c| {
        let at = start;
        start += c.len() + 1;
        (at, c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: &str) -> Result<Data, ScenarioError> {
        parse(Arc::new(OtherFile {
            display: "d.csv".into(),
            text: text.into(),
            path: PathBuf::new(),
        }))
    }

    #[test]
    fn reads_a_header_and_rows() {
        let d = data("x1, x2 ,y\r\n0.5,1,-1\n\n-2,3e-1,1\n").unwrap();
        let names: Vec<&str> = d.columns.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(names, ["x1", "x2", "y"]);
        assert_eq!(d.rows, [vec![0.5, 1.0, -1.0], vec![-2.0, 0.3, 1.0]]);
    }

    #[test]
    fn refuses_bad_cells_ragged_rows_and_empty_files() {
        let e = data("x,y\n1,abc\n").unwrap_err();
        assert_eq!(e.message, "`abc` in column `y` is not a number");
        assert_eq!(e.offset, 6);
        assert_eq!(
            data("x,y\n1\n").unwrap_err().message,
            "this row has 1 cell, but the header names 2 columns"
        );
        assert!(
            data("x,y\n1,2,3\n")
                .unwrap_err()
                .message
                .contains("more cells")
        );
        assert_eq!(data("").unwrap_err().message, "the data file is empty");
        assert_eq!(
            data("x\n").unwrap_err().message,
            "the data file has a header but no rows"
        );
        assert!(data("x,x\n1,2\n").unwrap_err().message.contains("twice"));
        assert!(data("x,nan\n1,2\n").is_ok(), "a name, not a number");
        assert!(
            data("x\nnan\n")
                .unwrap_err()
                .message
                .contains("not a finite number")
        );
    }

    #[test]
    fn cr_lf_and_crlf_all_end_rows() {
        for text in [
            "x,y\r1,2\r3,4\r",
            "x,y\n1,2\n3,4",
            "x,y\r\n1,2\r\n3,4\r\n",
            "x,y\r1,2\n3,4",
        ] {
            let d = data(text).unwrap();
            assert_eq!(d.rows, [vec![1.0, 2.0], vec![3.0, 4.0]], "{text:?}");
        }
        // An error in a CR-only file is at its row, without a raw CR.
        let e = data("x,y\r1,2\r3,abc\r").unwrap_err();
        let d = crate::diagnostic::Diagnostic::at(
            "d.csv",
            "x,y\r1,2\r3,abc\r",
            e.offset,
            e.len,
            e.message,
        );
        assert_eq!((d.line, d.col), (3, 3));
        assert_eq!(d.snippet, "3,abc");
    }

    #[test]
    fn a_file_with_more_numbers_than_a_graph_holds_is_refused() {
        let rows = MAX_TRAINING_NODES / 2 + 1;
        let text = format!("x,y\n{}", "1,2\n".repeat(rows));
        let e = data(&text).unwrap_err();
        assert!(
            e.message
                .contains(&format!("has more than {} rows of 2 numbers", rows - 1)),
            "{}",
            e.message
        );
        assert_eq!(e.offset, 4 + 4 * (rows - 1));
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_places_stay_right() {
        let text = "\u{feff}x,y\n1,2\n3,abc\n";
        let d = data("\u{feff}x,y\n1,2\n").unwrap();
        assert_eq!(d.columns, [("x".to_string(), 3), ("y".to_string(), 5)]);
        assert_eq!(d.header, 3..6);
        let e = data(text).unwrap_err();
        assert_eq!(e.offset, 13, "bytes of the file, the mark's 3 included");
        let d = crate::diagnostic::Diagnostic::at("d.csv", text, e.offset, e.len, e.message);
        assert_eq!((d.line, d.col, d.snippet.as_str()), (3, 3, "3,abc"));
        // An error on the header is at its column as an editor shows it.
        let e = data("\u{feff}x,sin\n1,2\n").unwrap_err();
        let d =
            crate::diagnostic::Diagnostic::at("d.csv", "\u{feff}x,sin", e.offset, e.len, e.message);
        assert_eq!((d.line, d.col, d.snippet.as_str()), (1, 3, "x,sin"));
        assert_eq!(
            data("\u{feff}").unwrap_err().message,
            "the data file is empty"
        );
        // Only at the start: elsewhere it is a character like any other.
        assert!(data("x,\u{feff}y\n1,2\n").is_err());
    }

    #[test]
    fn a_semicolon_separated_file_gets_a_hint_at_its_error() {
        for text in [
            "x;y\n1,5;0\n",
            "x;y\r\n1;0\r\n",
            "\u{feff}\"x\";\"y\"\n1;0\n",
        ] {
            let e = data(text).unwrap_err();
            assert!(
                e.message.contains("is not a valid input name"),
                "{}",
                e.message
            );
            let hint = e.hint.unwrap_or_default();
            assert!(
                hint.contains("comma-separated") && hint.contains("`;`-separated"),
                "{hint}"
            );
        }
        // A comma in the header: not taken for a `;` file.
        assert_eq!(data("x,y;z\n1,2\n").unwrap_err().hint, None);
        assert_eq!(data("x,y\n1;2\n").unwrap_err().hint, None);
    }

    #[test]
    fn a_missing_file_gets_the_nearest_csv_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("points.csv"), "x\n1\n").unwrap();
        std::fs::write(dir.path().join("point.txt"), "x\n1\n").unwrap();
        let missing = dir.path().join("point.csv");
        assert_eq!(
            nearest_csv("point.csv", &missing).as_deref(),
            Some("did you mean `points.csv`?")
        );
        assert_eq!(
            nearest_csv("./point.csv", &missing).as_deref(),
            Some("did you mean `./points.csv`?")
        );
        assert_eq!(
            nearest_csv("moons.csv", &dir.path().join("moons.csv")),
            None
        );
        assert_eq!(nearest_csv("a.csv", &dir.path().join("no/a.csv")), None);
        // Without `.csv`, or in another case, it is the same name.
        assert_eq!(
            nearest_csv("points", &dir.path().join("points")).as_deref(),
            Some("did you mean `points.csv`?")
        );
        assert_eq!(
            nearest_csv("Points.CSV", &dir.path().join("Points.CSV")).as_deref(),
            Some("did you mean `points.csv`?")
        );
        assert_eq!(nearest_csv("pt.csv", &dir.path().join("pt.csv")), None);
    }

    #[test]
    fn normalizes_without_the_disk() {
        assert_eq!(
            normalize(Path::new("content/./a/../moons.csv")),
            Path::new("content/moons.csv")
        );
        assert_eq!(normalize(Path::new("../x.csv")), Path::new("../x.csv"));
    }
}
