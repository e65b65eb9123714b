//! The content folder: every `*.md` file becomes a page, with `+++`-delimited
//! TOML front matter on top.
//!
//! ```markdown
//! +++
//! title = "Backpropagation, one node at a time"
//! description = "Watch gradients flow."
//! order = 1
//! +++
//!
//! # The body
//! ```
//!
//! Other files (images, downloads) are copied to the output as they are;
//! names starting with `.` are skipped.
//!
//! Every folder directly under the content folder is a *section* of the
//! navigation. Its optional section file, `_index.md` (Zola's name), holds
//! only front matter: the section's `title`, `order`, `description` and
//! `draft`. Pages in deeper folders belong to their top-level folder's
//! section. [`load`] returns the pages in reading order (see
//! [`super::nav`]).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use walkdir::WalkDir;

use super::{BuildConfig, BuildError, Diagnostic, Folder};
use crate::page::PageCtx;

/// The front matter of a page. Unknown keys are an error, so a typo such as
/// `titel` is reported instead of silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Position in the navigation; ties are broken by path.
    #[serde(default)]
    pub order: i64,
    /// Drafts are left out of the build entirely.
    #[serde(default)]
    pub draft: bool,
}

/// The name of a section file, in a folder directly under the content folder.
pub const SECTION_FILE: &str = "_index.md";

/// A folder directly under the content folder: one section of the
/// navigation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The folder's name: `part-1`.
    pub dir: String,
    /// From the section file, or made from the folder name (`part-1` →
    /// "Part 1").
    pub title: String,
    /// From the section file, or the smallest `order` of its pages.
    pub order: i64,
    pub description: Option<String>,
}

/// One markdown page, read and split but not yet rendered.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file on disk.
    pub path: PathBuf,
    /// The file as shown in diagnostics (relative to the site root).
    pub display: PathBuf,
    /// The full text of the file.
    pub source: String,
    /// Byte offset in `source` where the markdown body starts (after the
    /// closing `+++` line).
    pub body_start: usize,
    pub front: FrontMatter,
    /// Output path relative to the output root, `/` separators:
    /// `index.html`, `sub/bar.html`.
    pub out_path: String,
}

impl Page {
    /// The markdown body, without the front matter.
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
    }

    /// How many folders deep the page's output is (0 for `index.html`).
    pub fn depth(&self) -> usize {
        self.out_path.matches('/').count()
    }

    /// Relative prefix from the page to the output root: `""`, `"../"`, ….
    pub fn root(&self) -> String {
        "../".repeat(self.depth())
    }

    /// The context a figure hook sees.
    pub fn ctx(&self) -> PageCtx {
        PageCtx {
            file: self.display.clone(),
            source: self.source.clone(),
            out_path: self.out_path.clone(),
            stem: self
                .out_path
                .strip_suffix(".html")
                .unwrap_or(&self.out_path)
                .to_string(),
            root: self.root(),
            title: self.front.title.clone(),
            path: self.path.clone(),
            // The page's own folder until the build says where the site is.
            site_root: self.path.parent().unwrap_or(Path::new("")).to_path_buf(),
        }
    }
}

/// Everything found in the content folder.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Published pages, in reading order (see [`super::nav`]).
    pub pages: Vec<Page>,
    /// The sections that hold published pages, sorted by folder name.
    pub sections: Vec<Section>,
    /// Non-markdown files: (output path, bytes), sorted by path.
    pub statics: Vec<(String, Vec<u8>)>,
    /// Front matter mistakes, one per broken file.
    pub diagnostics: Vec<Diagnostic>,
}

/// Walks the content folder (sorted, so the result never depends on the
/// file system's order) and reads every page.
pub fn load(config: &BuildConfig) -> Result<Loaded, BuildError> {
    let dir = config.content_path();
    if !dir.is_dir() {
        let name = config.folder_name(Folder::Content);
        let d = if dir.exists() {
            config
                .folder_error(
                    Folder::Content,
                    format!("the content folder {name} is not a folder"),
                )
                .with_hint("name a folder of markdown pages")
        } else {
            config
                .folder_error(Folder::Content, format!("content folder {name} not found"))
                .with_hint("create it and put an `index.md` in it")
        };
        return Err(BuildError::Diagnostics(vec![d]));
    }
    let mut loaded = Loaded::default();
    // The section files read: (folder, front matter).
    let mut section_files: Vec<(String, FrontMatter)> = Vec::new();
    let walker = WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().map_or_else(|| dir.clone(), Path::to_path_buf);
            BuildError::io(path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = path
            .strip_prefix(&dir)
            .expect("walkdir stays inside its root");
        let Some(rel_str) = slash_path(rel) else {
            loaded.diagnostics.push(Diagnostic::whole_file(
                config.display_path(path),
                "file name is not valid UTF-8",
            ));
            continue;
        };
        if path.extension().is_some_and(|e| e == "md") {
            let bytes = std::fs::read(path).map_err(|e| BuildError::io(path, e))?;
            let display = config.display_path(path);
            let source = match crate::diagnostic::utf8(bytes) {
                Ok(source) => source,
                Err(bad) => {
                    loaded.diagnostics.push(bad.diagnostic(&display));
                    continue;
                }
            };
            if entry.file_name() == SECTION_FILE {
                match section_file(&display, &rel_str, &source) {
                    Ok(s) => section_files.push(s),
                    Err(d) => loaded.diagnostics.push(d),
                }
                continue;
            }
            match parse_front_matter(&display, &source) {
                Ok((front, body_start)) => {
                    if !front.draft {
                        loaded.pages.push(Page {
                            path: path.to_path_buf(),
                            display,
                            out_path: out_path_for(&rel_str),
                            source,
                            body_start,
                            front,
                        });
                    }
                }
                Err(d) => loaded.diagnostics.push(d),
            }
        } else {
            let bytes = std::fs::read(path).map_err(|e| BuildError::io(path, e))?;
            loaded.statics.push((rel_str, bytes));
        }
    }
    // A draft section takes its pages with it.
    let drafts: Vec<&str> = section_files
        .iter()
        .filter(|(_, f)| f.draft)
        .map(|(d, _)| d.as_str())
        .collect();
    loaded
        .pages
        .retain(|p| !section_of(&p.out_path).is_some_and(|s| drafts.contains(&s)));
    loaded.sections = sections(&loaded.pages, &section_files);
    super::nav::sort_for_reading(&mut loaded.pages, &loaded.sections);
    Ok(loaded)
}

/// The section (top-level folder) an output path belongs to, if any:
/// `part-1/a.html` → `part-1`; `index.html` → none.
pub fn section_of(out_path: &str) -> Option<&str> {
    out_path.split_once('/').map(|(dir, _)| dir)
}

/// Reads a section file: front matter only, in a folder directly under the
/// content folder. Returns (folder, front matter).
fn section_file(
    display: &Path,
    rel: &str,
    source: &str,
) -> Result<(String, FrontMatter), Diagnostic> {
    let dir = match rel.rsplit_once('/') {
        Some((dir, _)) if !dir.contains('/') => dir.to_string(),
        _ => {
            return Err(Diagnostic::whole_file(
                display,
                format!("a section file `{SECTION_FILE}` belongs in a folder directly under the content folder"),
            )
            .with_hint("sections are the top-level folders; deeper folders are part of theirs"));
        }
    };
    let (front, body_start) = parse_front_matter(display, source)?;
    let body = &source[body_start..];
    if let Some(at) = body.find(|c: char| !c.is_whitespace()) {
        let at = body_start + at;
        return Err(Diagnostic::at(
            display,
            source,
            at,
            0,
            "a section file holds only front matter; this text would not be shown",
        )
        .with_hint("put the text in a page of the section, such as `intro.md`"));
    }
    Ok((dir, front))
}

/// The sections that hold pages, with their section files' settings.
fn sections(pages: &[Page], files: &[(String, FrontMatter)]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for page in pages {
        let Some(dir) = section_of(&page.out_path) else {
            continue;
        };
        match out.iter_mut().find(|s| s.dir == dir) {
            Some(s) => s.order = s.order.min(page.front.order),
            None => out.push(Section {
                dir: dir.to_string(),
                title: title_from_folder(dir),
                order: page.front.order,
                description: None,
            }),
        }
    }
    for section in &mut out {
        if let Some((_, f)) = files.iter().find(|(d, _)| *d == section.dir) {
            section.title = f.title.clone();
            section.order = f.order;
            section.description = f.description.clone();
        }
    }
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    out
}

/// `part-1` → "Part 1", `02_basics` → "02 basics": a folder name as a
/// title, for a section without a section file.
pub fn title_from_folder(dir: &str) -> String {
    let spaced = dir.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// `sub/bar.md` → `sub/bar.html`.
pub fn out_path_for(rel: &str) -> String {
    format!("{}.html", rel.strip_suffix(".md").unwrap_or(rel))
}

/// A relative path with `/` separators, or `None` if it is not UTF-8.
fn slash_path(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// Splits the front matter off `source` and parses it.
///
/// Returns the front matter and the byte offset where the body starts. The
/// opening `+++` must be the first line (a UTF-8 byte order mark before it is
/// allowed); the closing `+++` is the next line that is exactly `+++`.
/// TOML errors are moved from the TOML text to their place in the file.
pub fn parse_front_matter(file: &Path, source: &str) -> Result<(FrontMatter, usize), Diagnostic> {
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter::new(source, start);
    let first = lines.next();
    if first.map(|(_, l)| l.trim_end()) != Some("+++") {
        return Err(
            Diagnostic::at(file, source, start, 3, "missing front matter")
                .with_expected(
                    "a first line `+++`, then TOML with at least `title = \"…\"`, then `+++`",
                )
                .with_hint("start the file with:\n  +++\n  title = \"Page title\"\n  +++"),
        );
    }
    let (open_at, _) = first.expect("checked above");
    let toml_start = lines.pos;
    let mut toml_end = None;
    let mut body_start = source.len();
    for (at, line) in lines.by_ref() {
        if line.trim_end() == "+++" {
            toml_end = Some(at);
            body_start = at + line.len();
            if source[body_start..].starts_with("\r\n") {
                body_start += 2;
            } else if source[body_start..].starts_with('\n') {
                body_start += 1;
            }
            break;
        }
    }
    let Some(toml_end) = toml_end else {
        return Err(
            Diagnostic::at(file, source, open_at, 3, "front matter is never closed")
                .with_expected("a line `+++` after the front matter"),
        );
    };
    let text = &source[toml_start..toml_end];
    match toml::from_str::<FrontMatter>(text) {
        Ok(front) => Ok((front, body_start)),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let (at, len) = if span.is_empty() && span.start == 0 {
                (toml_start, 0)
            } else {
                (toml_start + span.start, span.len())
            };
            let raw = e.message().trim_end();
            let x = crate::toml_errors::explain(raw);
            let mut d = Diagnostic::at(
                file,
                source,
                at,
                len,
                format!("front matter: {}", x.message),
            );
            if let Some(expected) = x.expected {
                d = d.with_expected(expected);
            }
            if let Some(hint) = x.hint {
                d = d.with_hint(hint);
            } else if raw.contains("missing field") {
                d = d.with_hint("every page needs `title = \"…\"`");
            }
            Err(d)
        }
    }
}

/// Lines of `source` from byte `pos` on: (offset, line without `\n`).
struct LineIter<'a> {
    source: &'a str,
    pos: usize,
}

impl<'a> LineIter<'a> {
    fn new(source: &'a str, pos: usize) -> Self {
        LineIter { source, pos }
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.source.len() {
            return None;
        }
        let at = self.pos;
        let rest = &self.source[at..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((at, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_finds_body() {
        let src = "+++\ntitle = \"T\"\norder = 2\n+++\n# Body\n";
        let (fm, at) = parse_front_matter(Path::new("a.md"), src).unwrap();
        assert_eq!(fm.title, "T");
        assert_eq!(fm.order, 2);
        assert!(!fm.draft);
        assert_eq!(&src[at..], "# Body\n");
    }

    #[test]
    fn crlf_front_matter() {
        let src = "+++\r\ntitle = \"T\"\r\n+++\r\nBody\r\n";
        let (fm, at) = parse_front_matter(Path::new("a.md"), src).unwrap();
        assert_eq!(fm.title, "T");
        assert_eq!(&src[at..], "Body\r\n");
    }

    #[test]
    fn unknown_key_points_into_the_file() {
        let src = "+++\ntitle = \"T\"\ntitel = \"x\"\n+++\n";
        let d = parse_front_matter(Path::new("a.md"), src).unwrap_err();
        assert_eq!((d.line, d.col), (3, 1), "{d}");
        assert!(d.message.contains("titel"), "{d}");
    }

    #[test]
    fn missing_title_and_missing_fences() {
        let d = parse_front_matter(Path::new("a.md"), "+++\norder = 1\n+++\n").unwrap_err();
        assert!(d.message.contains("title"), "{d}");
        let d = parse_front_matter(Path::new("a.md"), "# no front matter\n").unwrap_err();
        assert_eq!((d.line, d.col), (1, 1));
        let d = parse_front_matter(Path::new("a.md"), "+++\ntitle = \"x\"\n").unwrap_err();
        assert!(d.message.contains("never closed"), "{d}");
    }

    #[test]
    fn section_titles_from_folders() {
        assert_eq!(title_from_folder("part-1"), "Part 1");
        assert_eq!(title_from_folder("02_basics"), "02 basics");
        assert_eq!(section_of("part-1/deep/a.html"), Some("part-1"));
        assert_eq!(section_of("index.html"), None);
    }

    #[test]
    fn section_files_hold_only_front_matter_at_the_top_level() {
        let (dir, front) = section_file(
            Path::new("c/p/_index.md"),
            "p/_index.md",
            "+++\ntitle = \"P\"\norder = 3\n+++\n\n",
        )
        .unwrap();
        assert_eq!(
            (dir.as_str(), front.title.as_str(), front.order),
            ("p", "P", 3)
        );
        let d = section_file(
            Path::new("a"),
            "p/_index.md",
            "+++\ntitle = \"P\"\n+++\nText\n",
        )
        .unwrap_err();
        assert_eq!((d.line, d.col), (4, 1), "{d}");
        let d = section_file(Path::new("a"), "_index.md", "+++\ntitle = \"P\"\n+++\n").unwrap_err();
        assert!(d.message.contains("directly under"), "{d}");
        assert!(
            section_file(Path::new("a"), "p/q/_index.md", "+++\ntitle = \"P\"\n+++\n").is_err()
        );
    }

    #[test]
    fn out_paths() {
        assert_eq!(out_path_for("index.md"), "index.html");
        assert_eq!(out_path_for("sub/bar.md"), "sub/bar.html");
    }
}
