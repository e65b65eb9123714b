//! Scenario errors: a place inside the block body, a message, and what was
//! expected. The site turns the place into `file:line:col` of the markdown.

/// An error in one block. `offset` and `len` are bytes within the block
/// body (the text between the fences).
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub expected: Option<String>,
    pub hint: Option<String>,
    /// A second place worth showing, as (what it is, byte offset in the
    /// body), e.g. ("`z` is defined at", 120). Rendered as `file:line:col`.
    pub see: Option<(String, usize)>,
}

impl ScenarioError {
    pub fn new(span: std::ops::Range<usize>, message: impl Into<String>) -> Self {
        ScenarioError {
            offset: span.start,
            len: span.end.saturating_sub(span.start),
            message: message.into(),
            expected: None,
            hint: None,
            see: None,
        }
    }

    pub fn expected(mut self, what: impl Into<String>) -> Self {
        self.expected = Some(what.into());
        self
    }

    pub fn hint(mut self, what: impl Into<String>) -> Self {
        self.hint = Some(what.into());
        self
    }

    pub fn see(mut self, what: impl Into<String>, offset: usize) -> Self {
        self.see = Some((what.into(), offset));
        self
    }

    /// Moves the error by `base` bytes (from a sub-text to the block body).
    pub fn shifted(mut self, base: usize) -> Self {
        self.offset += base;
        if let Some((_, o)) = &mut self.see {
            *o += base;
        }
        self
    }
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(e) = &self.expected {
            write!(f, "; expected {e}")?;
        }
        Ok(())
    }
}

/// Where a byte offset falls in a text: 1-based line and column (columns in
/// characters), plus the whole line it is on.
pub fn line_col(text: &str, offset: usize) -> (usize, usize, &str) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[..offset].matches('\n').count() + 1;
    let col = text[line_start..offset].chars().count() + 1;
    (line, col, text[line_start..line_end].trim_end_matches('\r'))
}

/// Renders an error of the block whose body starts at `body_offset` in the
/// markdown file `file`: `file:line:col: message`, the line, an underline,
/// then what was expected.
pub fn render(file: &str, markdown: &str, body_offset: usize, e: &ScenarioError) -> String {
    let at = body_offset + e.offset;
    let (line, col, text) = line_col(markdown, at);
    let width = markdown
        .get(at..(at + e.len.max(1)).min(markdown.len()))
        .map_or(1, |s| s.lines().next().unwrap_or("").chars().count().max(1));
    let gutter = line.to_string().len();
    let mut s = format!("{file}:{line}:{col}: error: {}\n", e.message);
    s += &format!("{:gutter$} |\n{line} | {text}\n", "");
    s += &format!(
        "{:gutter$} | {}{}\n",
        "",
        " ".repeat(col - 1),
        "^".repeat(width)
    );
    if let Some(x) = &e.expected {
        s += &format!("{:gutter$} = expected {x}\n", "");
    }
    if let Some(h) = &e.hint {
        s += &format!("{:gutter$} = hint: {h}\n", "");
    }
    if let Some((what, off)) = &e.see {
        let (l, c, _) = line_col(markdown, body_offset + off);
        s += &format!("{:gutter$} = note: {what} {file}:{l}:{c}\n", "");
    }
    s
}
