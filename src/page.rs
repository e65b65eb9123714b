//! The seam between pages and figures: what the site hands a figure hook
//! (a [`Block`] of a page, the page's [`PageCtx`]) and what it gets back
//! ([`Rendered`]). The site (`site/`) calls a [`FigureHook`] and never looks
//! inside a figure; the figures (`render::hook`) implement it and never look
//! inside the site. `seen trace` and `seen frames` find blocks with the same
//! [`find_blocks`], so a block means the same thing everywhere.

// `Diagnostic` is ~150 bytes, over clippy's 128-byte `result_large_err`
// threshold; errors are the cold path, so they are returned unboxed.
#![allow(clippy::result_large_err)]

use std::path::PathBuf;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::diagnostic::Diagnostic;
use crate::util::digest::Digest;

/// The info string's first word that marks a figure block.
pub const FIGURE_INFO: &str = "autograd";

/// The pulldown-cmark extensions the site uses, and so the ones a block
/// finder must use to see the same fences.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_MATH
        | Options::ENABLE_STRIKETHROUGH
}

/// Whether a fence's info string names a figure block.
pub fn is_figure(info: &str) -> bool {
    info.split_whitespace().next() == Some(FIGURE_INFO)
}

/// Where the body of a fenced block starts in `markdown`: at its first text
/// (after any indentation the container strips), or for an empty body on
/// the line after the opening fence.
pub fn body_start(
    markdown: &str,
    fence: &std::ops::Range<usize>,
    first_text: Option<usize>,
) -> usize {
    first_text.unwrap_or_else(|| {
        let start = fence.start.min(markdown.len());
        markdown[start..]
            .find('\n')
            .map_or(fence.end, |i| start + i + 1)
            .min(fence.end)
    })
}

/// Every figure block of a markdown text, in order, found with the site's
/// parser [`options`] and placed as the site places them.
pub fn find_blocks(markdown: &str) -> Vec<Block> {
    find_runs(markdown).concat()
}

/// [`find_blocks`], in runs: the blocks with nothing but blank lines
/// between them, which the page renderer hands to a hook together (so
/// that it can group them into tabs).
pub fn find_runs(markdown: &str) -> Vec<Vec<Block>> {
    let mut runs: Vec<Vec<Block>> = Vec::new();
    let mut run = Vec::new();
    let mut current: Option<(String, std::ops::Range<usize>, String, Option<usize>)> = None;
    for (ev, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_figure(&info) => {
                current = Some((info.to_string(), range, String::new(), None));
            }
            Event::Text(t) if current.is_some() => {
                if let Some((_, _, body, first)) = &mut current {
                    first.get_or_insert(range.start);
                    body.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) if current.is_some() => {
                if let Some((info, fence, source, first)) = current.take() {
                    run.push(Block {
                        body_offset: body_start(markdown, &fence, first),
                        source,
                        info,
                    });
                }
            }
            // Anything else between two blocks ends a run.
            _ if current.is_none() && !run.is_empty() => runs.push(std::mem::take(&mut run)),
            _ => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// A fenced ```` ```autograd ```` block taken out of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The body text, exactly as pulldown-cmark gives it (container
    /// indentation and `>` markers removed, ends with a newline when
    /// non-empty).
    pub source: String,
    /// Byte offset of the first byte of the body within the markdown FILE.
    ///
    /// For a fence at the start of a line (the usual case) the body is a
    /// verbatim slice of the file, so `body_offset + i` is the file offset of
    /// body byte `i`. For fences nested in lists or quotes use
    /// [`Block::file_offset`], which accounts for the stripped prefixes.
    pub body_offset: usize,
    /// The full info string, e.g. `autograd` or `autograd {.wide}`.
    pub info: String,
}

impl Block {
    /// Maps byte `body_byte` of [`Block::source`] to a byte offset in the
    /// markdown file whose full text is `file_text`.
    ///
    /// Each body line is the tail of its file line (pulldown-cmark only strips
    /// a prefix: indentation, `>` markers), so the mapping is found line by line.
    pub fn file_offset(&self, file_text: &str, body_byte: usize) -> usize {
        let body_byte = body_byte.min(self.source.len());
        let line_idx = self.source[..body_byte].matches('\n').count();
        let body_line_start = self.source[..body_byte].rfind('\n').map_or(0, |i| i + 1);
        let col_bytes = body_byte - body_line_start;
        if line_idx == 0 {
            return (self.body_offset + col_bytes).min(file_text.len());
        }
        // Start of the file line holding body line `line_idx`.
        let mut file_line_start = self.body_offset.min(file_text.len());
        for _ in 0..line_idx {
            match file_text[file_line_start..].find('\n') {
                Some(i) => file_line_start += i + 1,
                None => return file_text.len(),
            }
        }
        let file_line_end = file_text[file_line_start..]
            .find('\n')
            .map_or(file_text.len(), |i| file_line_start + i);
        let file_line = file_text[file_line_start..file_line_end].trim_end_matches('\r');
        let body_line_end = self.source[body_line_start..]
            .find('\n')
            .map_or(self.source.len(), |i| body_line_start + i);
        let body_line = self.source[body_line_start..body_line_end].trim_end_matches('\r');
        let prefix = if file_line.ends_with(body_line) {
            file_line.len() - body_line.len()
        } else {
            // A tab split by the indentation: the body line is not a verbatim
            // tail. Point past the leading whitespace instead.
            file_line.len() - file_line.trim_start().len()
        };
        (file_line_start + prefix + col_bytes).min(file_text.len())
    }
}

/// What a page looks like to a [`FigureHook`].
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// The markdown file as shown in diagnostics (relative to the site root
    /// when possible), e.g. `content/index.md`.
    pub file: PathBuf,
    /// The full text of the markdown file (front matter included), which
    /// [`Block::body_offset`] indexes into.
    pub source: String,
    /// The page's output path, relative to the output root, with `/`
    /// separators: `index.html`, `sub/bar.html`.
    pub out_path: String,
    /// The output path without `.html`: `index`, `sub/bar`. A natural
    /// namespace for a page's asset file names.
    pub stem: String,
    /// Relative prefix from this page to the output root: `""` or `"../"`.
    pub root: String,
    /// The page title from the front matter.
    pub title: String,
    /// The markdown file on disk, for files a block reads beside it.
    pub path: PathBuf,
    /// The site's root folder: files a block reads must be inside it.
    pub site_root: PathBuf,
}

impl PageCtx {
    /// A diagnostic for `len` bytes at byte `offset_in_body` of `block`'s
    /// body, placed at the right line and column of the markdown file.
    pub fn diagnostic(
        &self,
        block: &Block,
        offset_in_body: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let at = block.file_offset(&self.source, offset_in_body);
        Diagnostic::at(&self.file, &self.source, at, len, message)
    }

    /// A relative URL from this page to `asset`, a path relative to the
    /// output root (as in [`Rendered::assets`]).
    pub fn href(&self, asset: &str) -> String {
        format!("{}{}", self.root, asset)
    }
}

/// What a [`FigureHook`] made of one block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// HTML put in place of the block, verbatim.
    pub html: String,
    /// Extra files: (path relative to the output root with `/` separators,
    /// bytes). Two pages may write the same path only with the same bytes.
    pub assets: Vec<(String, Vec<u8>)>,
    /// How many figures the block produced (for the build report).
    pub figures: usize,
    /// How many frames those figures hold (for the build report).
    pub frames: usize,
    /// The files the blocks read besides the page (a `data` CSV), each
    /// with the digest of the bytes read: a cached figure is reused only
    /// while every one of them still has those bytes (see `site::cache`).
    pub reads: Vec<FileRead>,
}

/// A file a block read besides its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// Where it was read, as the hook opened it.
    pub path: PathBuf,
    /// The digest ([`crate::util::digest::digest`]) of the bytes read.
    pub digest: Digest,
}

/// Turns an `autograd` block into HTML. Called from several threads at once
/// (one page per thread), so it must be `Sync`.
pub trait FigureHook: Sync {
    fn render(&self, block: &Block, page: &PageCtx) -> Result<Rendered, Diagnostic>;

    /// Called once per page, before its runs, with every figure block of
    /// the page, run by run ([`find_runs`]): a hook may start their work
    /// at once (on all cores, the longest first) and keep it in `state` for
    /// [`FigureHook::render_run`] (see [`Prepared`]). By default it does
    /// nothing.
    fn prepare(&self, runs: &[Vec<Block>], page: &PageCtx, state: &mut FigureState) {
        let _ = (runs, page, state);
    }

    /// Renders a run of adjacent blocks (only blank lines between them), so
    /// that a hook can combine them into one figure. `state` lives for one
    /// page (e.g. to refuse a duplicate id). By default each block is
    /// rendered on its own and every error is reported.
    fn render_run(
        &self,
        blocks: &[Block],
        page: &PageCtx,
        state: &mut FigureState,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let _ = state;
        let mut all = Rendered::default();
        let mut diags = Vec::new();
        for b in blocks {
            match self.render(b, page) {
                Ok(r) => {
                    all.html.push_str(&r.html);
                    all.assets.extend(r.assets);
                    all.figures += r.figures;
                    all.frames += r.frames;
                    all.reads.extend(r.reads);
                }
                Err(d) => diags.push(d),
            }
        }
        if diags.is_empty() {
            Ok(all)
        } else {
            Err(diags)
        }
    }
}

/// What a figure hook remembers across the blocks of one page.
#[derive(Debug, Clone, Default)]
pub struct FigureState {
    /// Figure ids used so far on the page, with the file offset of each.
    pub ids: Vec<(String, usize)>,
    /// Warnings about the page's blocks: printed, but the build goes on.
    pub warnings: Vec<Diagnostic>,
    /// What [`FigureHook::prepare`] computed ahead, per block.
    pub prepared: Prepared,
}

/// A hook's work on a page's blocks done ahead of their runs, each kept
/// with the block it is for (its place and source) until its run takes it.
/// The work is the hook's own type. A copy of a state keeps none of it.
#[derive(Default)]
pub struct Prepared {
    done: Vec<(usize, String, Box<dyn std::any::Any + Send>)>,
}

impl Prepared {
    /// Keeps `work` for `block`.
    pub fn keep(&mut self, block: &Block, work: Box<dyn std::any::Any + Send>) {
        self.done
            .push((block.body_offset, block.source.clone(), work));
    }

    /// The work kept for `block`, if any and of type `T`, taken out (work of
    /// another type is dropped).
    pub fn take<T: 'static>(&mut self, block: &Block) -> Option<T> {
        let at = (self.done.iter())
            .position(|(o, s, _)| *o == block.body_offset && *s == block.source)?;
        let (_, _, work) = self.done.swap_remove(at);
        work.downcast::<T>().ok().map(|w| *w)
    }
}

impl Clone for Prepared {
    fn clone(&self) -> Prepared {
        Prepared::default()
    }
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Prepared({} blocks)", self.done.len())
    }
}

/// A hook that shows each block as its source code, for builds without the
/// figure renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct SourceOnly;

impl FigureHook for SourceOnly {
    fn render(&self, block: &Block, _page: &PageCtx) -> Result<Rendered, Diagnostic> {
        Ok(Rendered {
            html: format!(
                "<pre><code class=\"language-autograd\">{}</code></pre>\n",
                crate::util::esc(&block.source)
            ),
            ..Rendered::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(at: usize, source: &str) -> Block {
        Block {
            source: source.to_string(),
            body_offset: at,
            info: "autograd".to_string(),
        }
    }

    /// Runs end at anything but blank lines between two blocks: prose, a
    /// heading, another fence; their blocks are `find_blocks`'s, in order.
    #[test]
    fn runs_are_the_blocks_with_only_blank_lines_between() {
        let fence = |id: &str| format!("```autograd\nid = \"{id}\"\n```\n");
        let md = format!(
            "# T\n\n{}\n{}\n\n\n{}Some prose.\n\n{}\n```python\nx = 1\n```\n\n{}\n## H\n",
            fence("a"),
            fence("b"),
            fence("c"),
            fence("d"),
            fence("e")
        );
        let runs = find_runs(&md);
        let ids: Vec<Vec<&str>> = (runs.iter())
            .map(|r| r.iter().map(|b| &b.source[6..7]).collect())
            .collect();
        assert_eq!(ids, [vec!["a", "b", "c"], vec!["d"], vec!["e"]]);
        assert_eq!(runs.concat(), find_blocks(&md));
        assert!(find_runs("no blocks\n").is_empty());
    }

    /// Work kept for a block is taken once, by that block only (same place
    /// and source), as the type it was kept as; a copy of a state has none.
    #[test]
    fn prepared_work_goes_to_its_own_block_once() {
        let mut p = Prepared::default();
        p.keep(&block(10, "id = \"a\""), Box::new(1u32));
        p.keep(&block(50, "id = \"b\""), Box::new(2u32));
        assert_eq!(p.clone().take::<u32>(&block(10, "id = \"a\"")), None);
        // Another place, another source, another type: not this work.
        assert_eq!(p.take::<u32>(&block(11, "id = \"a\"")), None);
        assert_eq!(p.take::<u32>(&block(10, "id = \"c\"")), None);
        assert_eq!(p.take::<u32>(&block(50, "id = \"b\"")), Some(2));
        assert_eq!(p.take::<u32>(&block(50, "id = \"b\"")), None);
        assert_eq!(p.take::<u32>(&block(10, "id = \"a\"")), Some(1));
    }
}
