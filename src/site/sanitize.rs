//! Raw HTML in a page's markdown, made safe with [ammonia] (an allow-list
//! sanitizer on html5ever, the HTML parser of Servo).
//!
//! pulldown-cmark hands raw HTML over one tag at a time (`<a href="…">`,
//! then the link text as markdown, then `</a>`; `<details>` in one block,
//! `</details>` three paragraphs later), so the pieces cannot be cleaned
//! one by one. Instead the whole rendered body is cleaned as one fragment,
//! the way a browser will parse it, with seen's own markup (MathML, figures)
//! taken out first: each generated piece is a [`Placeholders`] token in the
//! text, put back once the body is clean ([`Placeholders::fill`]). The
//! markup pulldown-cmark writes for the markdown goes through the sanitizer
//! too, which also covers what an author controls there: link targets
//! (`[x](javascript:…)`) and heading attributes (`# T {onclick=…}`).
//!
//! ammonia does not say what it removed, so [`clean`] finds out by itself:
//! it parses the body as the page will hold it and serializes that tree
//! with the same serializer. Equal to ammonia's output means nothing was
//! removed, and the body is published exactly as written (byte for byte:
//! quote style and `<br />` are not changes). Otherwise ammonia's output is
//! published, and the two trees are compared element by element to name
//! each removed element and attribute ([`Dropped`]) for a warning.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use html5ever::serialize::{SerializeOpts, TraversalScope, serialize};
use html5ever::tendril::TendrilSink;
use html5ever::{Attribute, ParseOpts, QualName, ns, parse_document};
use markup5ever_rcdom::{Handle, NodeData, RcDom, SerializableHandle};

/// The HTML elements an explainer's raw HTML may use: text-level markup,
/// sections, lists, tables, `details`, images and figures. Not here, and so
/// dropped: scripts and styles, forms and their controls, embedded pages
/// and plugins, media, `meta`, `base`, `link`, and inline SVG (show a
/// drawing with `<img src="drawing.svg">`).
#[rustfmt::skip]
const HTML_TAGS: &[&str] = &[
    "a", "abbr", "article", "aside", "b", "bdi", "bdo", "blockquote", "br",
    "caption", "cite", "code", "col", "colgroup", "data", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q",
    "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul", "var", "wbr",
];

/// MathML Core's presentation elements, for formulas typed as MathML.
/// `mglyph`, `malignmark` and `annotation-xml` are left out: they switch
/// the parser between HTML and MathML in ways that mutation-XSS attacks use.
#[rustfmt::skip]
const MATHML_TAGS: &[&str] = &[
    "math", "annotation", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo",
    "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt",
    "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder",
    "munderover", "none", "semantics",
];

/// The attributes of every MathML element above.
#[rustfmt::skip]
const MATHML_ATTRS: &[&str] = &[
    "accent", "accentunder", "alttext", "columnalign", "columnlines", "columnspacing",
    "columnspan", "depth", "display", "displaystyle", "encoding", "fence",
    "form", "frame", "framespacing", "height", "largeop", "linethickness",
    "lspace", "mathbackground", "mathcolor", "mathsize", "mathvariant", "maxsize",
    "minsize", "movablelimits", "notation", "rowalign", "rowlines", "rowspacing",
    "rowspan", "rspace", "scriptlevel", "separator", "stretchy", "symmetric",
    "voffset", "width", "xmlns",
];

/// Attributes any allowed element may carry. `aria-*` too (a prefix).
const GENERIC_ATTRS: &[&str] = &["class", "dir", "id", "lang", "role", "title"];

/// Attributes of one element each.
const TAG_ATTRS: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("blockquote", &["cite"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("data", &["value"]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    (
        "img",
        &["alt", "decoding", "height", "loading", "src", "width"],
    ),
    ("ins", &["cite", "datetime"]),
    ("li", &["value"]),
    ("ol", &["reversed", "start", "type"]),
    ("q", &["cite"]),
    ("td", &["colspan", "headers", "rowspan"]),
    ("th", &["abbr", "colspan", "headers", "rowspan", "scope"]),
    ("time", &["datetime"]),
];

/// Elements dropped with everything inside them, rather than unwrapped:
/// their content is code, or raw text that would show as stray markup.
#[rustfmt::skip]
const REMOVED_WITH_CONTENT: &[&str] = &[
    "applet", "embed", "frame", "frameset", "iframe", "noembed", "noframes", "noscript", "object",
    "plaintext", "script", "style", "template", "textarea", "title", "xmp",
];

/// The URL schemes a link or an image may use. Relative URLs (`other.html`,
/// `#part`, `img/a.png`) are kept exactly as written. Not here: `javascript:`,
/// `vbscript:`, `data:` and everything else.
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The sanitizer's settings, built once.
///
/// `link_rel` is off: ammonia would add `rel="noopener noreferrer"` to every
/// link, which only matters for links that open a new window (`target` is
/// not allowed, and browsers imply `noopener` for `_blank` anyway), would
/// stop the browser sending the referrer between the site's own pages, and
/// would make every page with a link differ from what the author wrote.
/// Comments are kept: they are inert, and an explainer keeps its sources in
/// them (the bundled one does).
static POLICY: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tag_attrs: HashMap<&str, HashSet<&str>> = TAG_ATTRS
        .iter()
        .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
        .chain(
            MATHML_TAGS
                .iter()
                .map(|tag| (*tag, MATHML_ATTRS.iter().copied().collect())),
        )
        .collect();
    let mut b = Builder::empty();
    b.add_tags(HTML_TAGS)
        .add_tags(MATHML_TAGS)
        .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRS.iter().copied().collect())
        .generic_attribute_prefixes(["aria-"].into_iter().collect())
        .tag_attributes(tag_attrs)
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(false);
    b
});

// ---------------------------------------------------------------------------
// Placeholders for seen's own markup
// ---------------------------------------------------------------------------

/// Tokens that stand for seen's own markup while the body is cleaned.
///
/// A token is plain text to the parser: `U+E000`, a number drawn from the
/// page's source, the piece's index, `U+E001`. An author cannot write one
/// by accident, nor on purpose (the number changes with the text that
/// would hold it).
#[derive(Debug, Clone)]
pub struct Placeholders {
    prefix: String,
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

impl Placeholders {
    /// The tokens of the page whose markdown file is `source`.
    pub fn new(source: &str) -> Placeholders {
        let nonce = crate::util::digest::digest(source.as_bytes()) as u64;
        Placeholders {
            prefix: format!("{OPEN}{nonce:016x}."),
        }
    }

    /// The token of generated piece `i`.
    pub fn token(&self, i: usize) -> String {
        format!("{}{i}{CLOSE}", self.prefix)
    }

    /// Every token in `text`: (byte range, index).
    fn find(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = text[from..].find(&self.prefix).map(|i| from + i) {
            let digits_at = at + self.prefix.len();
            let digits = text[digits_at..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(text.len(), |i| digits_at + i);
            from = digits_at;
            if text[digits..].starts_with(CLOSE)
                && let Ok(i) = text[digits_at..digits].parse()
            {
                found.push((at..digits + CLOSE.len_utf8(), i));
                from = digits + CLOSE.len_utf8();
            }
        }
        found
    }

    /// `html` with every token replaced by its piece of `pieces`.
    pub fn fill(&self, html: &str, pieces: &[String]) -> String {
        let mut out =
            String::with_capacity(html.len() + pieces.iter().map(String::len).sum::<usize>());
        let mut last = 0;
        for (range, i) in self.find(html) {
            out.push_str(&html[last..range.start]);
            out.push_str(pieces.get(i).map_or("", String::as_str));
            last = range.end;
        }
        out.push_str(&html[last..]);
        out
    }
}

// ---------------------------------------------------------------------------
// Cleaning a body
// ---------------------------------------------------------------------------

/// A page body after [`clean`].
#[derive(Debug)]
pub struct Cleaned<'a> {
    /// The body to publish, tokens still in: the input itself when nothing
    /// was removed, ammonia's output otherwise.
    pub html: Cow<'a, str>,
    /// What was removed, in document order (empty when `html` is the input).
    pub dropped: Vec<Dropped>,
    /// The generated pieces whose token did not end up alone in the text of
    /// plain HTML (inside an attribute, a comment, or raw `<math>`): seen's
    /// markup cannot go there without changing how the author's HTML
    /// around it is read.
    pub misplaced: Vec<usize>,
}

/// One thing the sanitizer removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub what: What,
    /// The markup, shortened, as parsed (entities decoded).
    pub text: String,
    /// Why it is not allowed.
    pub reason: String,
    /// What to do instead, when there is something.
    pub hint: Option<&'static str>,
}

/// What was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// An element (and what it held, for [`REMOVED_WITH_CONTENT`]).
    Element { name: String },
    /// An attribute of an element that was kept.
    Attribute { name: String, value: String },
    /// Something the comparison could not name: the markup was rewritten.
    Rewritten,
}

impl Dropped {
    /// Texts to look for, in order, to find where the author wrote it:
    /// `<script`, or an attribute's name, then its value.
    pub fn needles(&self) -> Vec<Needle> {
        match &self.what {
            What::Element { name } => vec![Needle::Tag(name.clone())],
            What::Attribute { name, value } => {
                let mut n = vec![Needle::Attribute(name.clone())];
                if !value.trim().is_empty() {
                    n.push(Needle::Text(value.trim().to_string()));
                }
                n
            }
            What::Rewritten => Vec::new(),
        }
    }
}

/// The most drops one page reports; past it, one more line says how many
/// were left out (a pasted page could hold thousands).
pub const MAX_REPORTED: usize = 20;

/// Cleans the body `html` (seen's own markup replaced by the `count`
/// tokens of `tokens`).
pub fn clean<'a>(html: &'a str, tokens: &Placeholders, count: usize) -> Cleaned<'a> {
    let before = Parsed::new(html);
    let sanitized = POLICY.clean(html).to_string();
    let (out, tree, dropped) = if before.untouched_by(&sanitized) {
        (Cow::Borrowed(html), before, Vec::new())
    } else {
        let after = Parsed::new(&sanitized);
        let mut dropped = diff(&before, &after);
        if dropped.is_empty() {
            dropped.push(Dropped {
                what: What::Rewritten,
                text: shorten(html),
                reason: "the sanitizer rewrote the raw HTML of this page".to_string(),
                hint: Some("check that every element is closed where it should be"),
            });
        }
        (Cow::Owned(sanitized), after, dropped)
    };
    let misplaced = misplaced_tokens(&out, &tree, tokens, count);
    Cleaned {
        html: out,
        dropped,
        misplaced,
    }
}

/// A body parsed the way the page will hold it: in the `<body>` of a
/// standards-mode document, where a stray `<body onload=…>` or
/// `<html …>` tag adds its attributes to the page's own elements.
struct Parsed {
    html: Option<Handle>,
    body: Option<Handle>,
    /// Kept alive: dropping the document empties every node under it, even
    /// those still referenced.
    _dom: RcDom,
}

impl Parsed {
    fn new(fragment: &str) -> Parsed {
        const START: &str = "<!DOCTYPE html><html><head></head><body>";
        let mut text = String::with_capacity(START.len() + fragment.len());
        text.push_str(START);
        text.push_str(fragment);
        let dom = parse_document(RcDom::default(), ParseOpts::default()).one(text);
        let html = child_element(&dom.document, "html");
        let body = html.as_ref().and_then(|h| child_element(h, "body"));
        Parsed {
            html,
            body,
            _dom: dom,
        }
    }

    /// True if cleaning removed nothing: the page's own elements got no
    /// attributes, and the body serializes to exactly what ammonia wrote.
    fn untouched_by(&self, sanitized: &str) -> bool {
        let (Some(html), Some(body)) = (&self.html, &self.body) else {
            return false;
        };
        attrs(html).is_empty()
            && attrs(body).is_empty()
            && serialized(body, TraversalScope::ChildrenOnly(None)) == sanitized
    }
}

/// The first child of `node` that is the HTML element `name`.
fn child_element(node: &Handle, name: &str) -> Option<Handle> {
    node.children
        .borrow()
        .iter()
        .find(|c| matches!(&c.data, NodeData::Element { name: n, .. } if n.ns == ns!(html) && &*n.local == name))
        .cloned()
}

fn attrs(node: &Handle) -> Vec<Attribute> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs.borrow().clone(),
        _ => Vec::new(),
    }
}

fn serialized(node: &Handle, scope: TraversalScope) -> String {
    let mut out = Vec::new();
    let opts = SerializeOpts {
        traversal_scope: scope,
        ..SerializeOpts::default()
    };
    // Writing to a Vec cannot fail.
    let _ = serialize(&mut out, &SerializableHandle::from(node.clone()), opts);
    String::from_utf8_lossy(&out).into_owned()
}

/// An element of a parsed body, in document order.
struct Element {
    handle: Handle,
    name: QualName,
    depth: usize,
}

/// The elements under `root`, in document order (iteratively: a body may
/// nest thousands deep).
fn elements(root: &Option<Handle>) -> Vec<Element> {
    let mut out = Vec::new();
    let Some(root) = root else {
        return out;
    };
    let mut stack: Vec<(Handle, usize)> = root
        .children
        .borrow()
        .iter()
        .rev()
        .map(|c| (c.clone(), 0))
        .collect();
    while let Some((node, depth)) = stack.pop() {
        if let NodeData::Element { name, .. } = &node.data {
            out.push(Element {
                name: name.clone(),
                handle: node.clone(),
                depth,
            });
            stack.extend(
                node.children
                    .borrow()
                    .iter()
                    .rev()
                    .map(|c| (c.clone(), depth + 1)),
            );
        }
    }
    out
}

/// What `before` has that `after` lost, in document order. `after` is
/// `before` with elements and attributes taken out, so the elements are
/// matched greedily by name and namespace. An element inside one that was
/// removed is part of that one's report.
fn diff(before: &Parsed, after: &Parsed) -> Vec<Dropped> {
    let mut dropped = Vec::new();
    for node in [&before.html, &before.body].into_iter().flatten() {
        let element = local_name(node);
        for a in attrs(node) {
            dropped.push(attribute_dropped(&element, &a));
        }
    }
    let kept = elements(&after.body);
    let mut j = 0;
    let mut removed_at: Vec<usize> = Vec::new();
    for e in elements(&before.body) {
        while removed_at.last().is_some_and(|&d| d >= e.depth) {
            removed_at.pop();
        }
        match kept.get(j) {
            Some(k) if k.name.ns == e.name.ns && k.name.local == e.name.local => {
                j += 1;
                let left: Vec<String> = attrs(&k.handle).iter().map(attr_name).collect();
                for a in attrs(&e.handle) {
                    if !left.contains(&attr_name(&a)) {
                        dropped.push(attribute_dropped(&e.name.local, &a));
                    }
                }
            }
            _ => {
                if removed_at.is_empty() {
                    dropped.push(element_dropped(&e));
                }
                removed_at.push(e.depth);
            }
        }
    }
    dropped
}

fn local_name(node: &Handle) -> String {
    match &node.data {
        NodeData::Element { name, .. } => name.local.to_string(),
        _ => String::new(),
    }
}

/// `xlink:href` as written.
fn attr_name(a: &Attribute) -> String {
    match &a.name.prefix {
        Some(p) => format!("{p}:{}", a.name.local),
        None => a.name.local.to_string(),
    }
}

fn element_dropped(e: &Element) -> Dropped {
    let name = e.name.local.to_string();
    let (reason, hint) = element_reason(&e.name);
    Dropped {
        text: shorten(&serialized(&e.handle, TraversalScope::IncludeNode)),
        what: What::Element { name },
        reason,
        hint,
    }
}

fn element_reason(name: &QualName) -> (String, Option<&'static str>) {
    let n = &*name.local;
    let foreign = match name.ns {
        ns!(html) => None,
        ns!(svg) => Some("<svg>"),
        _ => Some("<math>"),
    };
    match n {
        "script" => ("scripts never run on these pages".into(), None),
        "style" => (
            "the pages' Content-Security-Policy blocks `<style>`".into(),
            Some("use a class, and style it in templates/style.css"),
        ),
        "iframe" | "object" | "embed" | "applet" | "frame" | "frameset" | "noembed"
        | "noframes" => (
            format!("`<{n}>` would embed another page or a plugin"),
            Some("link to it instead"),
        ),
        "form" | "input" | "button" | "select" | "option" | "optgroup" | "textarea"
        | "datalist" | "fieldset" | "legend" | "label" | "output" => (
            format!("`<{n}>` is a form control; the pages take no input"),
            None,
        ),
        "meta" | "base" | "link" | "title" | "head" | "html" | "body" => (
            format!("`<{n}>` belongs to the templates, not to a page's text"),
            Some("change templates/base.html instead"),
        ),
        "svg" => (
            "inline SVG is not allowed in raw HTML".into(),
            Some("save the drawing as a file and show it with <img src=\"drawing.svg\" alt=\"…\">"),
        ),
        _ => match foreign {
            Some(parent) => (format!("`<{n}>` is not allowed inside `{parent}`"), None),
            None if MATHML_TAGS.contains(&n) => (format!("`<{n}>` belongs inside `<math>`"), None),
            None => (
                format!("`<{n}>` is not among the HTML elements a page may use"),
                Some("`seen help site raw` lists the allowed ones"),
            ),
        },
    }
}

fn attribute_dropped(element: &str, a: &Attribute) -> Dropped {
    let name = attr_name(a);
    let value = a.value.to_string();
    let lower = name.to_ascii_lowercase();
    let (reason, hint) = if lower.starts_with("on") {
        (
            "event handler attributes never run on these pages".to_string(),
            None,
        )
    } else if lower == "style" {
        (
            "the pages' Content-Security-Policy blocks inline styles".to_string(),
            Some("use a class, and style it in templates/style.css"),
        )
    } else if let Some(scheme) = url_scheme(&value).filter(|_| is_url_attribute(&lower)) {
        (
            format!("`{scheme}:` URLs are not allowed"),
            Some(
                "a link may be relative (`other.html`, `#part`) or use http:, https:, mailto: or tel:",
            ),
        )
    } else if element == "html" || element == "body" {
        (
            format!("a `<{element}>` tag would set `{name}` on the page itself"),
            None,
        )
    } else {
        (
            format!("`{name}` is not among the attributes `<{element}>` may have"),
            None,
        )
    };
    let text = if value.is_empty() {
        name.clone()
    } else {
        format!("{name}=\"{value}\"")
    };
    Dropped {
        text: shorten(&text),
        what: What::Attribute { name, value },
        reason,
        hint,
    }
}

/// Attributes whose value is a URL (ammonia checks the scheme of these).
fn is_url_attribute(name: &str) -> bool {
    matches!(
        name,
        "href" | "xlink:href" | "src" | "action" | "formaction" | "data" | "ping" | "poster"
    )
}

/// The scheme of `url` when it is absolute and not allowed: `javascript`.
/// A URL that does not parse at all counts as `?`.
fn url_scheme(url: &str) -> Option<String> {
    match ammonia::Url::parse(url) {
        Ok(u) if URL_SCHEMES.contains(&u.scheme()) => None,
        Ok(u) => Some(u.scheme().to_string()),
        Err(ammonia::url::ParseError::RelativeUrlWithoutBase) => None,
        Err(_) => Some("?".to_string()),
    }
}

/// `text` on one line, cut to about 60 characters.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// The generated pieces whose token is not alone in the text of plain
/// HTML (ancestors all HTML elements, none of them read as raw text),
/// once each, in both the tree and the string published.
fn misplaced_tokens(html: &str, tree: &Parsed, tokens: &Placeholders, count: usize) -> Vec<usize> {
    let mut in_text = vec![0usize; count];
    let mut bad: HashSet<usize> = HashSet::new();
    // The page's own `<html>` and `<body>` elements: attributes only.
    for node in [&tree.html, &tree.body].into_iter().flatten() {
        for a in attrs(node) {
            bad.extend(tokens.find(&a.value).into_iter().map(|(_, i)| i));
        }
    }
    let mut stack: Vec<(Handle, bool)> = match &tree.body {
        Some(body) => body
            .children
            .borrow()
            .iter()
            .map(|c| (c.clone(), true))
            .collect(),
        None => Vec::new(),
    };
    while let Some((node, plain)) = stack.pop() {
        match &node.data {
            NodeData::Text { contents } => {
                for (_, i) in tokens.find(&contents.borrow()) {
                    match in_text.get_mut(i) {
                        Some(n) if plain => *n += 1,
                        _ => {
                            bad.insert(i);
                        }
                    }
                }
            }
            NodeData::Comment { contents } => {
                bad.extend(tokens.find(contents).into_iter().map(|(_, i)| i));
            }
            NodeData::Element { name, attrs, .. } => {
                for a in attrs.borrow().iter() {
                    bad.extend(tokens.find(&a.value).into_iter().map(|(_, i)| i));
                }
                let plain =
                    plain && name.ns == ns!(html) && !REMOVED_WITH_CONTENT.contains(&&*name.local);
                stack.extend(node.children.borrow().iter().map(|c| (c.clone(), plain)));
            }
            _ => {}
        }
    }
    let mut in_string = vec![0usize; count];
    for (_, i) in tokens.find(html) {
        if let Some(n) = in_string.get_mut(i) {
            *n += 1;
        }
    }
    (0..count)
        .filter(|&i| bad.contains(&i) || in_text[i] > 1 || in_text[i] != in_string[i])
        .collect()
}

// ---------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------

/// Something to look for in the author's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needle {
    /// `<name`, followed by something that ends a tag name.
    Tag(String),
    /// An attribute name, between what can surround one in a tag.
    Attribute(String),
    /// Any text.
    Text(String),
}

/// Where the author wrote what a [`Dropped`] names: the first match of its
/// needles (in order) inside `ranges` of `text` (the places where the author
/// wrote markup: raw HTML, links, headings) at or after byte `from`, then
/// anywhere in them. Matching ignores ASCII case, as HTML does.
pub fn locate(
    text: &str,
    ranges: &[Range<usize>],
    from: usize,
    needles: &[Needle],
) -> Option<Range<usize>> {
    for needle in needles {
        for start in [from, 0] {
            for r in ranges {
                if r.end <= start {
                    continue;
                }
                let (mut lo, hi) = (r.start.max(start), r.end.min(text.len()));
                while lo < hi && !text.is_char_boundary(lo) {
                    lo += 1;
                }
                if lo >= hi || !text.is_char_boundary(hi) {
                    continue;
                }
                if let Some(found) = find_in(&text[lo..hi], needle) {
                    return Some(lo + found.start..lo + found.end);
                }
            }
        }
    }
    None
}

/// The first match of `needle` in `hay`.
fn find_in(hay: &str, needle: &Needle) -> Option<Range<usize>> {
    let lower = hay.to_ascii_lowercase();
    let b = lower.as_bytes();
    let pattern = match needle {
        Needle::Tag(name) => format!("<{}", name.to_ascii_lowercase()),
        Needle::Attribute(name) | Needle::Text(name) => name.to_ascii_lowercase(),
    };
    if pattern.is_empty() {
        return None;
    }
    let name_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b':' | b'_');
    let fits = |at: usize, end: usize| match needle {
        Needle::Tag(_) => b.get(end).is_none_or(|&c| !name_char(c)),
        // Heading attributes are written `{#id .class key=value}`.
        Needle::Attribute(_) => {
            at > 0
                && (b[at - 1].is_ascii_whitespace()
                    || matches!(b[at - 1], b'"' | b'\'' | b'/' | b'{'))
                && b.get(end).is_none_or(|&c| {
                    c.is_ascii_whitespace() || matches!(c, b'=' | b'>' | b'/' | b'}')
                })
        }
        Needle::Text(_) => true,
    };
    let mut from = 0;
    while let Some(at) = lower[from..].find(&pattern).map(|i| from + i) {
        let end = at + pattern.len();
        if fits(at, end) {
            return Some(at..end);
        }
        from = at + 1;
        while !lower.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean_str(html: &str) -> (String, Vec<Dropped>) {
        let c = clean(html, &Placeholders::new(""), 0);
        (c.html.into_owned(), c.dropped)
    }

    #[test]
    fn allowed_markup_is_published_as_written() {
        for html in [
            "<p>Plain <em>text</em> with a <a href=\"other.html#x\">link</a>.</p>\n",
            "<details open><summary>Why?</summary>\n<p>Because.</p>\n</details>\n",
            "<table><thead><tr><th scope=col>a</th></tr></thead><tbody><tr><td class='align-right'>1</td></tr></tbody></table>",
            "<img src=\"img/a.png\" alt=\"A\" width=10 /><br/><hr />",
            "<!-- source: a book, p. 3 -->\n",
            "<span class=\"note\" aria-label=\"x\" lang=fr>oui</span>",
            "<math display=\"block\"><mfrac><mi>a</mi><mn>2</mn></mfrac></math>",
            "<p>&quot;quoted&quot; &amp; &#39;single&#39;</p>",
        ] {
            let (out, dropped) = clean_str(html);
            assert_eq!(out, html);
            assert!(dropped.is_empty(), "{html}: {dropped:?}");
        }
    }

    #[test]
    fn scripts_handlers_and_bad_urls_are_dropped_and_named() {
        let (out, dropped) = clean_str(
            "<p onclick=\"x()\">a</p><script>alert(1)</script><a href=\" javascript:alert(1)\">b</a>",
        );
        assert_eq!(out, "<p>a</p><a>b</a>");
        let what: Vec<_> = dropped.iter().map(|d| d.what.clone()).collect();
        assert_eq!(
            what,
            [
                What::Attribute {
                    name: "onclick".into(),
                    value: "x()".into()
                },
                What::Element {
                    name: "script".into()
                },
                What::Attribute {
                    name: "href".into(),
                    value: " javascript:alert(1)".into()
                },
            ]
        );
        assert_eq!(dropped[1].text, "<script>alert(1)</script>");
        assert!(
            dropped[2].reason.contains("`javascript:`"),
            "{:?}",
            dropped[2]
        );
    }

    #[test]
    fn the_comment_trick_is_read_as_a_browser_reads_it() {
        let (out, dropped) =
            clean_str("<!-- <a title=\" --> <script>alert(1)</script> <!-- \" -->");
        assert!(!out.contains("<script"), "{out}");
        assert_eq!(dropped.len(), 1);
    }

    #[test]
    fn body_and_html_tags_cannot_set_attributes_on_the_page() {
        let (out, dropped) = clean_str("<body onload=\"x()\"><p>a</p>");
        assert_eq!(out, "<p>a</p>");
        assert_eq!(dropped.len(), 1, "{dropped:?}");
        assert!(dropped[0].reason.contains("never run"), "{:?}", dropped[0]);
    }

    #[test]
    fn elements_inside_a_removed_one_are_part_of_its_report() {
        let (_, dropped) =
            clean_str("<form action=\"/x\"><input name=a><button>Go</button></form>");
        assert_eq!(dropped.len(), 1, "{dropped:?}");
        assert_eq!(
            dropped[0].what,
            What::Element {
                name: "form".into()
            }
        );
    }

    #[test]
    fn tokens_are_found_filled_and_checked() {
        let t = Placeholders::new("page");
        let body = format!("<p>a {} b</p>\n{}\n", t.token(0), t.token(1));
        let c = clean(&body, &t, 2);
        assert!(c.misplaced.is_empty());
        let filled = t.fill(
            &c.html,
            &[
                "<math><mi>x</mi></math>".into(),
                "<figure>F</figure>".into(),
            ],
        );
        assert_eq!(
            filled,
            "<p>a <math><mi>x</mi></math> b</p>\n<figure>F</figure>\n"
        );
        // Inside raw MathML, an attribute or a comment, a token is misplaced.
        for body in [
            format!("<math><mi>{}</mi></math>", t.token(0)),
            format!("<p title=\"{}\">a</p>", t.token(0)),
            format!("<!-- {} -->", t.token(0)),
        ] {
            assert_eq!(clean(&body, &t, 1).misplaced, [0], "{body}");
        }
        // Another page's numbers are not tokens of this one.
        let other = Placeholders::new("other page");
        assert!(t.find(&other.token(0)).is_empty());
    }

    #[test]
    fn places_are_found_in_the_authors_markup_only() {
        let text =
            "Text about <script> in `<script>`.\n<p><SCRIPT>x</SCRIPT> <img src=x onError=y></p>";
        let authored = 35..text.len();
        let ranges = std::slice::from_ref(&authored);
        let tag = locate(text, ranges, 0, &[Needle::Tag("script".into())]).unwrap();
        assert_eq!(&text[tag], "<SCRIPT");
        let attr = locate(text, ranges, 0, &[Needle::Attribute("onerror".into())]).unwrap();
        assert_eq!(&text[attr], "onError");
        assert_eq!(
            locate(text, ranges, 0, &[Needle::Tag("scrip".into())]),
            None
        );
        // A search may start inside a character (one past the last find).
        let text = "<p title=\"é\" onclick=x>";
        let at = locate(
            text,
            std::slice::from_ref(&(0..text.len())),
            11,
            &[Needle::Attribute("onclick".into())],
        );
        assert_eq!(at, Some(14..21));
    }

    #[test]
    fn shortening() {
        assert_eq!(shorten("<p>\n  a\n</p>"), "<p> a </p>");
        let long = "x".repeat(100);
        assert_eq!(shorten(&long).chars().count(), 61);
    }
}
