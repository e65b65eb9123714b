//! Copied files that could run code: an `*.html` or `*.svg` file in the
//! content folder is copied to the output as it is (it is the author's, and
//! an image shown with `<img>` never runs its scripts), but opened on its
//! own it is a page of the site's origin. One that holds a script, an event
//! handler or a `javascript:` URL gets a warning at its place (an error with
//! `strict = true`).
//!
//! HTML is read with html5ever, as a browser reads it. SVG is XML, read with
//! roxmltree (already in the build for resvg), which expands the entities of
//! an internal DTD as browsers do: a `<script>` hidden in an entity is found.
//! SVG that is not well-formed XML falls back to a plain text search for
//! `<script`, `on…=`, `javascript:` and `<foreignObject` (which can hold
//! HTML): cruder, but a browser shows such a file only up to its first
//! error, and the search finds anything that could run before it.

use std::ops::Range;

use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, parse_document};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

use super::sanitize::{Needle, locate};

/// One thing in a copied file that could run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Where it is, as a byte range of the file (lossily decoded as UTF-8).
    pub range: Range<usize>,
    /// "a `<script>` element", "an event handler attribute `onload`".
    pub what: String,
}

/// The most findings one file reports.
pub const MAX_PER_FILE: usize = 5;

/// What could run in the copied file `path` (relative, `/` separators)
/// holding `text`: nothing for files other than HTML and SVG.
pub fn scan(path: &str, text: &str) -> Vec<Finding> {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mut found = match ext.as_str() {
        // html5ever's time grows with depth × tags (it checks its stack of
        // open elements at many tags): a file nested past what any page
        // needs is searched as text instead, in linear time.
        "html" | "htm" if super::markdown::html_depth(text).1 > super::markdown::MAX_NESTING => {
            text_search(
                text,
                &format!(
                    "the file nests more than {} levels, too deep to parse",
                    super::markdown::MAX_NESTING
                ),
            )
        }
        "html" | "htm" => html(text),
        "svg" | "xhtml" => xml(text),
        _ => Vec::new(),
    };
    found.truncate(MAX_PER_FILE);
    found
}

/// `javascript:` or `vbscript:` in an attribute value, as a browser reads
/// a URL: ASCII case ignored, tabs, newlines and spaces taken out. Anywhere
/// in the value, so `values="a;javascript:…"` of an SVG animation and a
/// refresh's `content="0;url=javascript:…"` count.
fn script_url(value: &str) -> Option<&'static str> {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    ["javascript:", "vbscript:"]
        .into_iter()
        .find(|s| squeezed.contains(s))
}

fn is_handler(name: &str) -> bool {
    name.len() > 2 && name[..2].eq_ignore_ascii_case("on")
}

/// An HTML file, parsed as a document.
fn html(text: &str) -> Vec<Finding> {
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(text);
    let whole = 0..text.len();
    let mut found = Vec::new();
    let mut from = 0;
    let mut stack: Vec<Handle> = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let NodeData::Element {
            name,
            attrs,
            template_contents,
            ..
        } = &node.data
        {
            let tag = name.local.to_string();
            let mut what = Vec::new();
            if tag.eq_ignore_ascii_case("script") {
                what.push((Needle::Tag(tag.clone()), "a `<script>` element".to_string()));
            }
            for a in attrs.borrow().iter() {
                let attr = a.name.local.to_string();
                if is_handler(&attr) {
                    what.push((
                        Needle::Attribute(attr.clone()),
                        format!("an event handler attribute `{attr}`"),
                    ));
                } else if let Some(scheme) = script_url(&a.value) {
                    what.push((Needle::Attribute(attr.clone()), format!("a `{scheme}` URL")));
                }
            }
            for (needle, what) in what {
                let range = locate(
                    text,
                    std::slice::from_ref(&whole),
                    from,
                    &[needle, Needle::Tag(tag.clone())],
                )
                .unwrap_or(0..0);
                from = range.start + 1;
                found.push(Finding { range, what });
            }
            if let Some(t) = template_contents.borrow().as_ref() {
                stack.push(t.clone());
            }
        }
        stack.extend(node.children.borrow().iter().rev().cloned());
    }
    found
}

/// An SVG (or XHTML) file, parsed as XML.
fn xml(text: &str) -> Vec<Finding> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = match roxmltree::Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(e) => return text_search(text, &format!("the file is not well-formed XML: {e}")),
    };
    let mut found = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        if tag.eq_ignore_ascii_case("script") {
            let start = node.range().start;
            found.push(Finding {
                range: start..start + 1 + tag.len(),
                what: "a `<script>` element".to_string(),
            });
        }
        for a in node.attributes() {
            let what = if is_handler(a.name()) {
                format!("an event handler attribute `{}`", a.name())
            } else if let Some(scheme) = script_url(a.value()) {
                format!("a `{scheme}` URL")
            } else {
                continue;
            };
            found.push(Finding {
                range: a.range_qname(),
                what,
            });
        }
    }
    found
}

/// The fallback for SVG that is not well-formed: the first place of each
/// pattern, ASCII case ignored.
fn text_search(text: &str, why: &str) -> Vec<Finding> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut add = |at: usize, len: usize, what: &str| {
        found.push(Finding {
            range: at..at + len,
            what: format!("{what} (found by a text search: {why})"),
        });
    };
    for (pattern, what) in [
        ("<script", "a `<script>` element"),
        ("javascript:", "a `javascript:` URL"),
        ("vbscript:", "a `vbscript:` URL"),
        ("<foreignobject", "a `<foreignObject>`, which can hold HTML"),
    ] {
        if let Some(at) = lower.find(pattern) {
            add(at, pattern.len(), what);
        }
    }
    // ` onload=`: `on` and letters after a space, then `=`.
    let b = lower.as_bytes();
    let handler = (1..b.len().saturating_sub(2)).find(|&i| {
        b[i - 1].is_ascii_whitespace() && b[i] == b'o' && b[i + 1] == b'n' && {
            let end = b[i + 2..]
                .iter()
                .position(|c| !c.is_ascii_alphabetic())
                .map_or(b.len(), |k| i + 2 + k);
            end > i + 2 && lower[end..].trim_start().starts_with('=')
        }
    });
    if let Some(at) = handler {
        let len = b[at..]
            .iter()
            .position(|c| !c.is_ascii_alphabetic())
            .unwrap_or(0);
        add(at, len, "an event handler attribute");
    }
    found.sort_by_key(|f| f.range.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(path: &str, text: &str) -> Vec<String> {
        scan(path, text).into_iter().map(|f| f.what).collect()
    }

    #[test]
    fn html_files() {
        let page = "<!DOCTYPE html><p>Hi</p>\n<body onload=\"x()\"><a href=\"java\tscript:x\">a</a>\
                    <SCRIPT>x</SCRIPT>";
        let found = scan("demo/page.html", page);
        let w: Vec<&str> = found.iter().map(|f| f.what.as_str()).collect();
        assert_eq!(
            w,
            [
                "an event handler attribute `onload`",
                "a `javascript:` URL",
                "a `<script>` element"
            ]
        );
        assert_eq!(&page[found[0].range.clone()], "onload");
        assert_eq!(&page[found[2].range.clone()], "<SCRIPT");
        assert!(whats("a.html", "<p title=\"about scripts\">x</p>").is_empty());
        assert!(whats("notes.txt", "<script>").is_empty());
    }

    #[test]
    fn svg_files() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\" onclick=\"x()\"/>\
                   <a href=\" javascript:x\"><text>t</text></a><script>x</script></svg>";
        let found = scan("d.SVG", svg);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(&svg[found[0].range.clone()], "onclick");
        assert_eq!(&svg[found[2].range.clone()], "<script");
        // A script hidden in an entity of the internal DTD.
        let hidden = "<!DOCTYPE svg [<!ENTITY s \"<script>x</script>\">]>\
                      <svg xmlns=\"http://www.w3.org/2000/svg\">&s;</svg>";
        assert_eq!(whats("d.svg", hidden), ["a `<script>` element"]);
        let plain = "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\"/></svg>";
        assert!(whats("d.svg", plain).is_empty());
    }

    #[test]
    fn html_nested_too_deep_to_parse_is_searched_as_text_quickly() {
        let deep = format!(
            "{}<img src=x onerror=alert(1)>{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let started = std::time::Instant::now();
        let found = whats("deep.html", &deep);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        assert!(
            found
                .iter()
                .any(|w| w.contains("event handler") && w.contains("too deep")),
            "{found:?}"
        );
    }

    #[test]
    fn svg_that_is_not_xml_is_searched_as_text() {
        let w = whats("d.svg", "<svg><foreignObject><p onclick = 'x'>&nbsp;</svg>");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("a `<foreignObject>`"), "{w:?}");
        assert!(w[1].starts_with("an event handler"), "{w:?}");
    }
}
