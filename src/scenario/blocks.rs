//! Finding `autograd` blocks in a markdown file, with the byte offset of
//! each body so that errors point into the file.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// One fenced `autograd` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The body text, as pulldown-cmark hands it over.
    pub body: String,
    /// Byte offset of the body's first byte in the markdown file.
    pub offset: usize,
    /// Byte range of the whole block (fences included) in the file.
    pub range: std::ops::Range<usize>,
}

/// Whether a fence's info string names an autograd block.
pub fn is_autograd(info: &str) -> bool {
    info.split_whitespace().next() == Some("autograd")
}

/// Where the body of the fenced block at `range` starts: the byte after the
/// opening fence's line.
pub fn body_offset(markdown: &str, range: &std::ops::Range<usize>) -> usize {
    let start = range.start.min(markdown.len());
    markdown[start..]
        .find('\n')
        .map_or(markdown.len(), |i| start + i + 1)
}

/// Every `autograd` block of a markdown file, in order.
pub fn find_blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (ev, range) in Parser::new_ext(markdown, Options::all()).into_offset_iter() {
        match ev {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_autograd(&info) => {
                current = Some(Block {
                    body: String::new(),
                    offset: body_offset(markdown, &range),
                    range,
                });
            }
            Event::Text(t) => {
                if let Some(b) = &mut current {
                    b.body.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(b) = current.take() {
                    out.push(b);
                }
            }
            _ => {}
        }
    }
    out
}
