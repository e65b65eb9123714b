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
    pub fn of(text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        Location {
            offset,
            line: text[..offset].matches('\n').count() + 1,
            col: text[line_start..offset].chars().count() + 1,
            line_start,
            line_end,
        }
    }
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
            write!(f, "{}: {severity}: {}", self.file.display(), self.message)?;
            " ".to_string()
        } else {
            write!(
                f,
                "{}:{}:{}: {severity}: {}",
                self.file.display(),
                self.line,
                self.col,
                self.message
            )?;
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            write!(f, "\n{pad} |\n{gutter} | {}", self.snippet)?;
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
