//! Scenario errors: a place inside the block body, a message, and what was
//! expected. [`BlockPlace`] turns the place into `file:line:col` of the
//! markdown, as a [`Diagnostic`].

use crate::diagnostic::Diagnostic;
use crate::page::{Block, PageCtx};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file other than the markdown page that a block reads (a `data` CSV),
/// for errors placed in it.
#[derive(Clone, Debug, PartialEq)]
pub struct OtherFile {
    /// As shown in diagnostics, like the page: `content/moons.csv`.
    pub display: PathBuf,
    pub text: String,
    /// Where it was read on disk (empty when it was not read from a file).
    pub path: PathBuf,
}

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
    pub see: Option<Box<(String, usize)>>,
    /// When set, `offset` and `len` are bytes of this file instead of the
    /// block body (and `see` still points into the body).
    pub file: Option<Arc<OtherFile>>,
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
            file: None,
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
        self.see = Some(Box::new((what.into(), offset)));
        self
    }

    /// Moves the error by `base` bytes (from a sub-text to the block body).
    pub fn shifted(mut self, base: usize) -> Self {
        self.offset += base;
        if let Some(see) = &mut self.see {
            let (_, o) = see.as_mut();
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

/// Where a block sits in its markdown file. This is the one place where a
/// block-relative [`ScenarioError`] becomes a [`Diagnostic`] at
/// `file:line:col` of the markdown file, for the site and for `seen trace`
/// alike.
pub struct BlockPlace<'a> {
    /// The file as shown to the author.
    pub file: &'a Path,
    /// The full text of the file.
    pub markdown: &'a str,
    /// The block, which maps a byte offset of its body to one in the file.
    pub block: &'a Block,
    /// The page on disk and the site root, for `data` files; `None` where
    /// there is no file to read beside.
    pub files: Option<super::data::Files<'a>>,
}

impl<'a> BlockPlace<'a> {
    /// `block` of the page `page`, reading `data` files beside the page.
    pub fn on_page(page: &'a PageCtx, block: &'a Block) -> BlockPlace<'a> {
        BlockPlace {
            file: &page.file,
            markdown: &page.source,
            block,
            files: Some(super::data::Files {
                page: &page.path,
                root: &page.site_root,
            }),
        }
    }

    /// The file offset of byte `body_offset` of the block body.
    pub fn to_file(&self, body_offset: usize) -> usize {
        self.block.file_offset(self.markdown, body_offset)
    }

    /// `file:line:col` of byte `body_offset` of the block body.
    pub fn place(&self, body_offset: usize) -> String {
        crate::diagnostic::place(self.file, self.markdown, self.to_file(body_offset))
    }

    /// The error at its place in the file, with the snippet and underline.
    pub fn diagnostic(&self, e: &ScenarioError) -> Diagnostic {
        let mut d = match &e.file {
            Some(f) => Diagnostic::at(&f.display, &f.text, e.offset, e.len, e.message.clone()),
            None => Diagnostic::at(
                self.file,
                self.markdown,
                self.to_file(e.offset),
                e.len,
                e.message.clone(),
            ),
        };
        d.expected = e.expected.clone();
        d.hint = e.hint.clone();
        d.note = e
            .see
            .as_ref()
            .map(|see| format!("{} {}", see.0, self.place(see.1)));
        d
    }

    /// The same, as a warning.
    pub fn warning(&self, e: &ScenarioError) -> Diagnostic {
        self.diagnostic(e).warning()
    }
}
