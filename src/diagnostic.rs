//! One diagnostic type, and one way of printing it, for every command.
//!
//! An error or a warning with a place, printed the way rustc and gcc print
//! theirs, which editors and CI annotators already parse:
//!
//! ```text
//! content/index.md:7:14: error: unknown function `tahn`
//!   |
//! 7 | graph = "y = tahn(x)"
//!   |              ^^^^
//!   = expected: one of exp, log, recip, relu, tanh, sin, cos, sqrt, abs, linear, sigmoid, bce, mse
//!   = hint: did you mean `tanh`?
//! ```
//!
//! Lines and columns are computed in one place, [`Location::of`]; everything
//! that turns a byte offset into `file:line:col` goes through it.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad it is. A warning is printed like an error but does not fail the
/// build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where a byte offset falls in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The offset, moved back to a character boundary and clamped to the text.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Byte range of the line the offset is on, without its line ending.
    pub line_start: usize,
    pub line_end: usize,
}

impl Location {
    /// The line and column of byte `offset` of `text`. Out-of-range offsets
    /// are clamped to the end, offsets inside a multi-byte character move
    /// back to its start: a slightly wrong offset still gives a place.
    ///
    /// A UTF-8 byte order mark at the start of `text` (as Excel saves "CSV
    /// UTF-8") is not part of line 1, as editors show it: columns on that
    /// line count from after it, and an offset inside it is its end.
    pub fn of(text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        offset = offset.max(bom);
        // A line ends at `\n`, `\r\n` or a lone `\r` (as CommonMark and
        // old Mac files have it): a CSV saved with CR line ends is told
        // row by row, not as one line with raw CRs in it.
        let before = &text.as_bytes()[..offset];
        let is_break = |i: usize, b: &u8| {
            *b == b'\n' || (*b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'))
        };
        let line_start = before
            .iter()
            .enumerate()
            .rev()
            .find(|(i, b)| is_break(*i, b))
            .map_or(bom, |(i, _)| i + 1);
        let line_end = text.as_bytes()[offset..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .map_or(text.len(), |i| offset + i);
        Location {
            offset,
            line: before
                .iter()
                .enumerate()
                .filter(|(i, b)| is_break(*i, b))
                .count()
                + 1,
            col: text[line_start..offset].chars().count() + 1,
            line_start,
            line_end,
        }
    }
}

/// `text` with its control characters (but tabs) made visible, one
/// character for one: a raw carriage return or escape sequence in a
/// message would garble the terminal it is printed on.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let shown = |c: char| match c {
        '\t' => c,
        '\u{7f}' => '\u{2421}',
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        c if c.is_control() => '\u{fffd}',
        c => c,
    };
    if text.chars().all(|c| shown(c) == c) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().map(shown).collect())
    }
}

/// A file whose bytes are not UTF-8: its text with the bad bytes replaced
/// (to show the line), and where the first bad byte is. Pages, data files,
/// templates and `seen.toml` all say it the same way, at that byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUtf8 {
    /// The file's text, each invalid sequence replaced by U+FFFD.
    pub text: String,
    /// Byte offset of the first invalid byte, in `text` as in the file.
    pub offset: usize,
    /// That byte.
    pub byte: u8,
}

impl NotUtf8 {
    pub const EXPECTED: &str = "text saved as UTF-8";
    pub const HINT: &str =
        "save the file as UTF-8 (most editors offer it when saving, as an encoding)";

    pub fn message(&self) -> String {
        format!(
            "invalid UTF-8: the byte 0x{:02X} is not part of a character",
            self.byte
        )
    }

    /// The error at the first bad byte of `file`.
    pub fn diagnostic(&self, file: impl Into<PathBuf>) -> Diagnostic {
        Diagnostic::at(file, &self.text, self.offset, 1, self.message())
            .with_expected(Self::EXPECTED)
            .with_hint(Self::HINT)
    }
}

/// The bytes of a text file as a `String`, or where they stop being UTF-8.
pub fn utf8(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        NotUtf8 {
            byte: bytes[offset],
            // The text up to `offset` is valid, so the first replacement
            // character starts at `offset` in the lossy text too.
            text: String::from_utf8_lossy(&bytes).into_owned(),
            offset,
        }
    })
}

/// `file:line:col` of byte `offset` of `text`, the full text of `file`.
pub fn place(file: &Path, text: &str, offset: usize) -> String {
    let l = Location::of(text, offset);
    format!("{}:{}:{}", file.display(), l.line, l.col)
}

/// An error or warning with a place: `file:line:col`, the offending source
/// line, an underline, and optionally what was expected, a hint, and a note
/// pointing at a second place.
///
/// Lines and columns are 1-based; columns count characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file the error is in, as it should be shown to the author
    /// (relative to the site root when possible).
    pub file: PathBuf,
    /// 1-based line; 0 when the error has no position in the file.
    pub line: usize,
    /// 1-based column in characters; 0 when the error has no position.
    pub col: usize,
    pub message: String,
    /// The offending source line, without its line ending.
    pub snippet: String,
    /// Columns to underline: 1-based, start inclusive, end exclusive.
    pub underline: (usize, usize),
    pub expected: Option<String>,
    pub hint: Option<String>,
    /// A second place worth seeing, already as text: "`z` is defined at
    /// content/index.md:12:1".
    pub note: Option<String>,
}

impl Diagnostic {
    /// An error for the `len` bytes at `byte_offset` of `source_text`, the
    /// full text of `file`. The underline stops at the end of the line.
    pub fn at(
        file: impl Into<PathBuf>,
        source_text: &str,
        byte_offset: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let l = Location::of(source_text, byte_offset);
        let mut end = l.offset.saturating_add(len).min(l.line_end);
        while !source_text.is_char_boundary(end) {
            end -= 1;
        }
        let width = source_text[l.offset..end].chars().count().max(1);
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: l.line,
            col: l.col,
            message: message.into(),
            snippet: source_text[l.line_start..l.line_end]
                .trim_end_matches('\r')
                .to_string(),
            underline: (l.col, l.col + width),
            expected: None,
            hint: None,
            note: None,
        }
    }

    /// An error about a whole file (or no file at all): no line, no snippet.
    pub fn whole_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            col: 0,
            message: message.into(),
            snippet: String::new(),
            underline: (0, 0),
            expected: None,
            hint: None,
            note: None,
        }
    }

    /// Makes this a warning: printed the same way, but the build goes on.
    pub fn warning(mut self) -> Diagnostic {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sets what was expected at this place.
    pub fn with_expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }

    /// Sets a hint on how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Sets a note about a second place.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.note = Some(note.into());
        self
    }

    /// Orders diagnostics by file, then position, for stable reports.
    pub fn sort_key(&self) -> (&Path, usize, usize, Severity, &str) {
        (
            &self.file,
            self.line,
            self.col,
            self.severity,
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = self.severity.name();
        let pad = if self.line == 0 {
            let message = printable(&self.message);
            write!(f, "{}: {severity}: {message}", self.file.display())?;
            " ".to_string()
        } else {
            write!(
                f,
                "{}:{}:{}: {severity}: {}",
                self.file.display(),
                self.line,
                self.col,
                printable(&self.message)
            )?;
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            write!(f, "\n{pad} |\n{gutter} | {}", printable(&self.snippet))?;
            // Tabs are copied into the underline so it stays aligned with the
            // snippet however the terminal expands them.
            let lead: String = self
                .snippet
                .chars()
                .take(self.underline.0.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let carets = "^".repeat(self.underline.1.saturating_sub(self.underline.0).max(1));
            write!(f, "\n{pad} | {lead}{carets}")?;
            pad
        };
        if let Some(expected) = &self.expected {
            write!(f, "\n{pad} = expected: {expected}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n{pad} = hint: {hint}")?;
        }
        if let Some(note) = &self.note {
            write!(f, "\n{pad} = note: {note}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Every diagnostic, one after another with a blank line between, as every
/// command prints them.
pub fn render_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&format!("{d}\n\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_characters_and_clamp() {
        let text = "ab\nω = 1\n";
        let l = Location::of(text, 5);
        assert_eq!((l.line, l.col), (2, 2));
        // Inside `ω` (2 bytes): moved back to its start.
        assert_eq!(Location::of(text, 4).col, 1);
        let end = Location::of(text, 999);
        assert_eq!((end.line, end.col), (3, 1));
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let text = "x,y\r1,2\r3,a\r";
        let l = Location::of(text, 10);
        assert_eq!((l.line, l.col), (3, 3));
        assert_eq!(&text[l.line_start..l.line_end], "3,a");
        let crlf = "a\r\nb = 1\r\n";
        let l = Location::of(crlf, 7);
        assert_eq!((l.line, l.col), (2, 5));
        assert_eq!(&crlf[l.line_start..l.line_end], "b = 1");
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_line_one() {
        let text = "\u{feff}x,y\n1,a\n";
        // `y` is byte 5 (the mark is 3 bytes), column 3 as an editor shows it.
        let l = Location::of(text, 5);
        assert_eq!((l.line, l.col), (1, 3));
        assert_eq!(&text[l.line_start..l.line_end], "x,y");
        assert_eq!(Location::of(text, 0).offset, 3);
        assert_eq!(
            (Location::of(text, 1).line, Location::of(text, 1).col),
            (1, 1)
        );
        let l = Location::of(text, 9);
        assert_eq!((l.line, l.col), (2, 3));
        let d = Diagnostic::at("d.csv", text, 3, 1, "bad");
        assert_eq!((d.col, d.snippet.as_str()), (1, "x,y"));
        assert_eq!(Location::of("\u{feff}", 0).col, 1);
    }

    #[test]
    fn control_characters_are_never_printed_raw() {
        let d = Diagnostic::at("d.csv", "a\u{1b}[2Jb\r\tc\n", 0, 1, "bad `\u{1b}[31m`\r");
        let shown = d.to_string();
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\r'),
            "{shown:?}"
        );
        assert!(shown.contains("\u{241b}[2Jb"), "{shown}");
        assert!(shown.contains("bad `\u{241b}[31m`\u{240d}"), "{shown}");
    }

    #[test]
    fn invalid_utf8_is_found_at_its_byte() {
        let e = utf8(b"ok\nab\xFFc\n".to_vec()).unwrap_err();
        assert_eq!((e.offset, e.byte), (5, 0xFF));
        let d = e.diagnostic("p.md");
        assert_eq!((d.line, d.col), (2, 3));
        assert_eq!(
            d.message,
            "invalid UTF-8: the byte 0xFF is not part of a character"
        );
        assert_eq!(d.snippet, "ab\u{fffd}c");
        assert_eq!(utf8(b"fine".to_vec()).unwrap(), "fine");
    }

    #[test]
    fn one_format_for_errors_and_warnings() {
        let text = "x\ny = q\n";
        let d = Diagnostic::at("f.md", text, 6, 1, "unknown name `q`").with_expected("x");
        assert_eq!(
            d.to_string(),
            "f.md:2:5: error: unknown name `q`\n  |\n2 | y = q\n  |     ^\n  = expected: x"
        );
        let w = Diagnostic::at("f.md", text, 0, 1, "unused").warning();
        assert!(w.to_string().starts_with("f.md:1:1: warning: unused\n"));
        let whole = Diagnostic::whole_file("dir", "not found").with_hint("make it");
        assert_eq!(
            whole.to_string(),
            "dir: error: not found\n  = hint: make it"
        );
    }
}
