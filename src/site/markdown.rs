//! Markdown to HTML with pulldown-cmark, with three changes to its stream of
//! events:
//!
//! - ```` ```autograd ```` blocks are taken out and handed to a
//!   [`FigureHook`], whose HTML takes their place;
//! - `$…$` / `$$…$$` become MathML ([`super::math`]);
//! - headings get stable slug ids (and feed the table of contents), table
//!   alignment becomes a class instead of a `style=""` attribute, and
//!   relative links to `*.md` files point at the `*.html` pages.
//!
//! The body is then cleaned as a whole by [`super::sanitize`]: raw HTML is
//! kept where it is on the allow-list, and everything dropped is a warning at
//! its place in the file (an error with `strict = true` in `seen.toml`).
//! seen's own markup (MathML, figures) is not cleaned: it stands in the body
//! as placeholder tokens until the body is clean.

use std::collections::HashSet;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};
use serde::Serialize;

use super::content::Page;
use super::sanitize::{self, Dropped, Placeholders};
use super::{Diagnostic, csp, math};
use crate::page::{self, Block, FigureHook, PageCtx};
use crate::util::slugify;

/// One heading, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1 for `#`, 2 for `##`, ….
    pub level: u8,
    /// The heading's `id`, to link as `#id`.
    pub id: String,
    /// The heading's plain text.
    pub title: String,
}

/// A page body rendered to HTML, with what its figures produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderedPage {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub assets: Vec<(String, Vec<u8>)>,
    pub figures: usize,
    pub frames: usize,
    /// Warnings about the page's figure blocks, and the raw HTML the
    /// sanitizer dropped.
    pub warnings: Vec<Diagnostic>,
    /// The files the figure blocks read besides the page.
    pub reads: Vec<crate::page::FileRead>,
}

/// Renders the body of `page`. Every mistake on the page is reported, not
/// only the first. With `strict`, raw HTML that the sanitizer drops is an
/// error instead of a warning.
pub fn render(
    page: &Page,
    ctx: &PageCtx,
    hook: &dyn FigureHook,
    strict: bool,
) -> Result<RenderedPage, Vec<Diagnostic>> {
    let mut renderer = Renderer::new(page, ctx, hook, strict);
    // Every block of the page, placed as the runs will place them: the
    // hook may start them all at once (a page's last block may be its
    // longest).
    let runs: Vec<Vec<Block>> = (page::find_runs(page.body()).into_iter())
        .map(|run| {
            (run.into_iter())
                .map(|b| Block {
                    body_offset: renderer.base + b.body_offset,
                    ..b
                })
                .collect()
        })
        .collect();
    hook.prepare(&runs, ctx, &mut renderer.figure_state);
    renderer.run()
}

/// A figure block read but not yet rendered: info, fence range, body, and
/// where its first text starts.
type PendingFigure = (String, Range<usize>, String, Option<usize>);

struct Renderer<'p> {
    pending: Vec<PendingFigure>,
    figure_state: crate::page::FigureState,
    page: &'p Page,
    ctx: &'p PageCtx,
    hook: &'p dyn FigureHook,
    /// Byte offset of the body in the file: add it to pulldown's ranges.
    base: usize,
    out: Vec<Event<'p>>,
    diags: Vec<Diagnostic>,
    result: RenderedPage,
    used_ids: HashSet<String>,
    /// The construct being read, when it spans several events.
    state: State,
    table: Table,
    strict: bool,
    /// seen's own markup, out of the body while it is cleaned.
    tokens: Placeholders,
    generated: Vec<Generated>,
    /// Where the author wrote markup (raw HTML, links, images, headings),
    /// as body ranges: where a dropped piece is looked for.
    authored: Vec<Range<usize>>,
    /// How deeply the page's elements nest here: markdown's (quotes, lists,
    /// emphasis, links) and raw HTML's (see [`html_depth`]).
    depth: usize,
    raw_depth: usize,
    /// Whether the page was refused for nesting past [`MAX_NESTING`].
    too_deep: bool,
}

/// The deepest a page's elements may nest, markdown and raw HTML together.
/// The HTML parser of the sanitizer checks the whole stack of open
/// elements at many tags, so its time grows with depth × tags: 100,000
/// nested quotes took minutes. No page a person reads nests past a few
/// dozen levels.
pub const MAX_NESTING: usize = 256;

/// Elements that open without nesting: void elements, and those a
/// browser closes at the next of their kind (`<li>` after `<li>`), so
/// that a list written without end tags is not counted as deep.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "dd", "dt", "embed", "hr", "img", "input", "li", "link", "meta",
    "option", "p", "source", "td", "th", "tr", "track", "wbr",
];

/// The change of nesting depth across the raw HTML `html`, and the most it
/// rises inside it: +1 per start tag that nests, −1 per end tag (not a
/// parser: a bound on the work the sanitizer's parser will do).
pub(crate) fn html_depth(html: &str) -> (isize, usize) {
    let b = html.as_bytes();
    let mut d = 0isize;
    let mut peak = 0usize;
    let mut i = 0;
    while let Some(k) = b[i..].iter().position(|&c| c == b'<') {
        i += k + 1;
        match b.get(i) {
            Some(b'/') if FLAT.iter().all(|f| !tag_at(b, i + 1, f)) => d -= 1,
            Some(c) if c.is_ascii_alphabetic() => {
                let end = b[i..].iter().position(|&c| c == b'>').map(|e| i + e);
                let self_closing = end.is_some_and(|e| e > 0 && b[e - 1] == b'/');
                if !self_closing && FLAT.iter().all(|f| !tag_at(b, i, f)) {
                    d += 1;
                    peak = peak.max(d.max(0) as usize);
                }
            }
            _ => {}
        }
    }
    (d, peak)
}

/// Whether the tag name at `b[i..]` is `name` (ASCII, any case).
fn tag_at(b: &[u8], i: usize, name: &str) -> bool {
    let n = name.len();
    b.len() >= i + n
        && b[i..i + n].eq_ignore_ascii_case(name.as_bytes())
        && !b.get(i + n).is_some_and(|c| c.is_ascii_alphanumeric())
}

/// A piece of seen's own markup, standing in the body as a token.
struct Generated {
    /// The markup, without the line end that stays in the body with the
    /// token (pulldown-cmark's writer looks at it).
    html: String,
    /// What made it, as a body range.
    range: Range<usize>,
    /// "this formula", "this figure".
    what: &'static str,
}

/// Where we are inside a construct that spans several events.
enum State {
    Normal,
    /// Inside a heading: index of its `Start` in `out`, and its text so far.
    Heading {
        start: usize,
        text: String,
    },
    /// Inside a figure block: its info string, fence range, and body parts.
    Figure {
        info: String,
        fence: Range<usize>,
        body: String,
        first_text: Option<usize>,
    },
}

/// The table being read: its column alignments, whether we are in its
/// head, and the current cell's column.
#[derive(Default)]
struct Table {
    align: Vec<Alignment>,
    in_head: bool,
    cell: usize,
}

/// Whether `event` opens an ```` ```autograd ```` block.
fn starts_figure(event: &Event) -> bool {
    matches!(event, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
        if page::is_figure(info))
}

impl<'p> Renderer<'p> {
    fn new(page: &'p Page, ctx: &'p PageCtx, hook: &'p dyn FigureHook, strict: bool) -> Self {
        Renderer {
            page,
            ctx,
            hook,
            base: page.body_start,
            out: Vec::new(),
            diags: Vec::new(),
            result: RenderedPage::default(),
            used_ids: HashSet::new(),
            pending: Vec::new(),
            figure_state: crate::page::FigureState::default(),
            state: State::Normal,
            table: Table::default(),
            strict,
            tokens: Placeholders::new(&page.source),
            generated: Vec::new(),
            authored: Vec::new(),
            depth: 0,
            raw_depth: 0,
            too_deep: false,
        }
    }

    /// Keeps the page's nesting depth, and refuses the page (once) where it
    /// passes [`MAX_NESTING`].
    fn nesting(&mut self, event: &Event, range: &Range<usize>) {
        let mut peak = self.raw_depth;
        match event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Html(t) | Event::InlineHtml(t) => {
                let (change, rise) = html_depth(t);
                peak = self.raw_depth.saturating_add(rise);
                self.raw_depth = self.raw_depth.saturating_add_signed(change);
            }
            _ => return,
        }
        let depth = self.depth + self.raw_depth.max(peak);
        if depth > MAX_NESTING && !self.too_deep {
            self.too_deep = true;
            let d = self
                .diag(
                    range,
                    format!(
                        "the page nests more than {MAX_NESTING} levels deep here (quotes, lists, emphasis, links and HTML elements together)"
                    ),
                )
                .with_expected(format!("at most {MAX_NESTING} levels of nesting"))
                .with_hint("flatten the nesting: no reader follows it this deep");
            self.diags.push(d);
        }
    }

    fn diag(&self, range: &Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(
            &self.page.display,
            &self.page.source,
            self.base + range.start,
            range.len(),
            message,
        )
    }

    /// Reads the body's events one by one, then writes the HTML.
    fn run(mut self) -> Result<RenderedPage, Vec<Diagnostic>> {
        let events: Vec<(Event<'p>, Range<usize>)> =
            Parser::new_ext(self.page.body(), page::options())
                .into_offset_iter()
                .collect();
        self.reserve_explicit_ids(&events);
        for (event, range) in events {
            self.event(event, range);
        }
        self.finish()
    }

    /// Explicit `{#id}`s are reserved first, so generated slugs never take them.
    fn reserve_explicit_ids(&mut self, events: &[(Event<'p>, Range<usize>)]) {
        for (event, _) in events {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
                self.used_ids.insert(id.to_string());
            }
        }
    }

    /// One event of the body: kept, changed, or taken into a figure block.
    fn event(&mut self, event: Event<'p>, range: Range<usize>) {
        // Figure blocks swallow everything up to their end.
        if matches!(self.state, State::Figure { .. }) {
            self.figure_event(event, range);
            return;
        }
        // Adjacent figure blocks (nothing but blank lines between them)
        // go to the hook together, so it can group them into tabs.
        if !starts_figure(&event) {
            self.flush_figures();
        }
        self.nesting(&event, &range);
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if page::is_figure(&info) => {
                self.state = State::Figure {
                    info: info.to_string(),
                    fence: range,
                    body: String::new(),
                    first_text: None,
                };
            }
            Event::Start(Tag::Heading { .. }) => {
                self.authored.push(range);
                self.state = State::Heading {
                    start: self.out.len(),
                    text: String::new(),
                };
                self.out.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                if let State::Heading { start, text } =
                    std::mem::replace(&mut self.state, State::Normal)
                {
                    self.finish_heading(start, level as u8, text.trim());
                }
                self.out.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                self.heading_text(t);
                self.out.push(event);
            }
            Event::InlineMath(latex) | Event::DisplayMath(latex) => self.math(&latex, range),
            Event::Html(_) | Event::InlineHtml(_) => {
                self.authored.push(range);
                self.out.push(event);
            }
            Event::Start(Tag::Image { .. }) => {
                self.authored.push(range);
                self.out.push(event);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.authored.push(range);
                let dest_url = rewrite_md_link(&dest_url).map_or(dest_url, CowStr::from);
                self.out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::TableHead | TagEnd::TableCell) => self.table_event(event),
            other => self.out.push(other),
        }
    }

    /// An event inside a figure block: its text is the block's body; its end
    /// queues the block for the hook.
    fn figure_event(&mut self, event: Event<'p>, range: Range<usize>) {
        let State::Figure {
            body, first_text, ..
        } = &mut self.state
        else {
            return;
        };
        match event {
            Event::Text(t) => {
                first_text.get_or_insert(range.start);
                body.push_str(&t);
            }
            Event::End(TagEnd::CodeBlock) => self.end_figure(),
            _ => {}
        }
    }

    /// Queues the figure block being read, if any, for [`Self::flush_figures`].
    fn end_figure(&mut self) {
        if let State::Figure {
            info,
            fence,
            body,
            first_text,
        } = std::mem::replace(&mut self.state, State::Normal)
        {
            self.pending.push((info, fence, body, first_text));
        }
    }

    /// Text inside a heading also makes its slug and TOC title.
    fn heading_text(&mut self, text: &str) {
        if let State::Heading { text: heading, .. } = &mut self.state {
            heading.push_str(text);
        }
    }

    /// `$…$` and `$$…$$` as MathML, or an error at the formula.
    fn math(&mut self, latex: &str, range: Range<usize>) {
        let body = self.page.body();
        let display = range.len() >= 4 && body[range.clone()].starts_with("$$");
        self.heading_text(latex);
        match math::to_mathml(latex, display) {
            Ok(mathml) => {
                // A display formula wider than a phone scrolls sideways in a
                // box a keyboard can focus (WCAG 1.4.10: nothing but such a
                // box may be wider than the column).
                let mathml = if display {
                    format!(
                        "<span class=\"math-scroll\" tabindex=\"0\" role=\"group\" aria-label=\"formula\">{mathml}</span>"
                    )
                } else {
                    mathml
                };
                let token = self.generated(mathml, range, "this formula");
                self.out.push(Event::InlineHtml(token.into()));
            }
            Err(e) => {
                // The place inside the formula, where the text between the
                // dollars is the formula as written (not in a quote or a
                // list, whose markers pulldown-cmark takes out).
                let dollars = if display { 2 } else { 1 };
                let start = range.start + dollars;
                let at = e
                    .offset
                    .filter(|_| body.get(start..).is_some_and(|b| b.starts_with(latex)))
                    .map_or(range.clone(), |o| start + o..start + o + 1);
                let d = self
                    .diag(&at, format!("math: {}", e.message))
                    .with_expected(e.expected)
                    .with_hint(e.hint);
                self.diags.push(d);
            }
        }
    }

    /// Keeps `html`, seen's own markup made from `range`, out of the body
    /// until it is clean, and returns the token that stands for it.
    fn generated(&mut self, html: String, range: Range<usize>, what: &'static str) -> String {
        let mut token = self.tokens.token(self.generated.len());
        let html = match html.strip_suffix('\n') {
            Some(h) => {
                token.push('\n');
                h.to_string()
            }
            None => html,
        };
        self.generated.push(Generated { html, range, what });
        token
    }

    /// Tables: alignment as a class, since `style=""` is blocked.
    fn table_event(&mut self, event: Event<'p>) {
        let tag = if self.table.in_head { "th" } else { "td" };
        match event {
            Event::Start(Tag::Table(align)) => {
                self.out
                    .push(Event::Start(Tag::Table(vec![Alignment::None; align.len()])));
                self.table.align = align;
            }
            Event::Start(Tag::TableHead) => {
                self.table.in_head = true;
                self.table.cell = 0;
                self.out.push(event);
            }
            Event::End(TagEnd::TableHead) => {
                self.table.in_head = false;
                self.out.push(event);
            }
            Event::Start(Tag::TableRow) => {
                self.table.cell = 0;
                self.out.push(event);
            }
            Event::Start(Tag::TableCell) => {
                let class = match self.table.align.get(self.table.cell) {
                    Some(Alignment::Left) => " class=\"align-left\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-right\"",
                    _ => "",
                };
                self.out.push(Event::Html(format!("<{tag}{class}>").into()));
            }
            Event::End(TagEnd::TableCell) => {
                self.out.push(Event::Html(format!("</{tag}>\n").into()));
                self.table.cell += 1;
            }
            other => self.out.push(other),
        }
    }

    /// Hands the last figures to the hook and writes the HTML, or returns
    /// every error of the page.
    fn finish(mut self) -> Result<RenderedPage, Vec<Diagnostic>> {
        // An unclosed fence runs to the end of the document; pulldown-cmark
        // still closes it, but be safe if it ever does not.
        self.end_figure();
        self.flush_figures();

        if self.too_deep {
            return Err(self.diags);
        }
        let mut html = String::with_capacity(self.page.body().len() * 2);
        pulldown_cmark::html::push_html(&mut html, std::mem::take(&mut self.out).into_iter());
        let cleaned = sanitize::clean(&html, &self.tokens, self.generated.len());
        self.report_dropped(&cleaned.dropped);
        for &i in &cleaned.misplaced {
            let g = &self.generated[i];
            let d = self
                .diag(
                    &g.range,
                    format!(
                        "{} ends up inside raw HTML (an attribute, a comment or `<math>`), \
                         where seen cannot put its markup",
                        g.what
                    ),
                )
                .with_hint("close the raw HTML element, or the quote, before it");
            self.diags.push(d);
        }
        if !self.diags.is_empty() {
            return Err(self.diags);
        }
        let pieces: Vec<String> = self.generated.drain(..).map(|g| g.html).collect();
        let html = self.tokens.fill(&cleaned.html, &pieces);
        // A code block scrolls sideways when its lines are longer than the
        // screen is wide; a scrolling box must take keyboard focus to be
        // scrollable without a mouse (axe: scrollable-region-focusable),
        // and a focusable box a name (its language's code).
        self.result.html = named_code_blocks(&html);
        self.result.warnings.append(&mut self.figure_state.warnings);
        Ok(self.result)
    }

    /// Each piece the sanitizer dropped, at the place the author wrote it:
    /// a warning, or an error in strict mode. The places are found in
    /// document order, each at or after the one before.
    fn report_dropped(&mut self, dropped: &[Dropped]) {
        let body = self.page.body();
        let mut from = 0;
        for (n, d) in dropped.iter().enumerate() {
            let place = sanitize::locate(body, &self.authored, from, &d.needles())
                .or_else(|| {
                    let r = self.authored.iter().find(|r| r.end > from);
                    r.or(self.authored.first()).map(|r| r.start..r.start)
                })
                .unwrap_or(0..0);
            from = place.start + 1;
            let diag = if n == sanitize::MAX_REPORTED {
                self.diag(
                    &place,
                    format!(
                        "{} more pieces of raw HTML were dropped from this page",
                        dropped.len() - n
                    ),
                )
            } else {
                let d0 = self.diag(&place, format!("dropped `{}`: {}", d.text, d.reason));
                match d.hint {
                    Some(h) => d0.with_hint(h),
                    None => d0,
                }
            };
            if self.strict {
                self.diags.push(diag.with_note(
                    "`strict = true` in seen.toml makes everything the sanitizer drops an error",
                ));
            } else {
                self.result.warnings.push(diag.warning());
            }
            if n == sanitize::MAX_REPORTED {
                break;
            }
        }
    }

    /// Gives the heading at `out[start]` an id (its own `{#id}`, or a slug of
    /// its text made unique on the page) and records it in the TOC.
    fn finish_heading(&mut self, start: usize, level: u8, text: &str) {
        let Event::Start(Tag::Heading { id, .. }) = &mut self.out[start] else {
            return;
        };
        let id_str = match id {
            Some(id) => id.to_string(),
            None => {
                let base = slugify(text);
                let mut candidate = base.clone();
                let mut n = 1;
                while self.used_ids.contains(&candidate) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                self.used_ids.insert(candidate.clone());
                *id = Some(candidate.clone().into());
                candidate
            }
        };
        self.result.toc.push(TocEntry {
            level,
            id: id_str,
            title: text.to_string(),
        });
    }

    /// Hands the pending run of adjacent figure blocks to the hook.
    fn flush_figures(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let body = self.page.body();
        let blocks: Vec<Block> = pending
            .iter()
            .map(|(info, fence, source, first_text)| Block {
                source: source.clone(),
                body_offset: self.base + page::body_start(body, fence, *first_text),
                info: info.clone(),
            })
            .collect();
        let fence = pending[0].1.clone();
        let fence_diag = |this: &Self, msg: String| {
            let line_len = body[fence.start..].find('\n').unwrap_or(0);
            this.diag(&(fence.start..fence.start + line_len), msg)
        };
        let mut state = std::mem::take(&mut self.figure_state);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            self.hook.render_run(&blocks, self.ctx, &mut state)
        }));
        self.figure_state = state;
        match outcome {
            Ok(Ok(rendered)) => {
                if let Some((_, _, what)) = csp::find_forbidden(&rendered.html) {
                    let d = fence_diag(
                        self,
                        format!("the figure renderer produced HTML with {what}"),
                    )
                    .with_hint("this is a bug in the renderer: the CSP would block it");
                    self.diags.push(d);
                    return;
                }
                self.result.figures += rendered.figures;
                self.result.frames += rendered.frames;
                self.result.assets.extend(rendered.assets);
                self.result.reads.extend(rendered.reads);
                let token = self.generated(rendered.html, fence.clone(), "this figure");
                self.out.push(Event::Html(token.into()));
            }
            Ok(Err(d)) => self.diags.extend(d),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string());
                let d = fence_diag(self, format!("the figure renderer crashed: {msg}"));
                self.diags.push(d);
            }
        }
    }
}

/// `other.md#part` → `other.html#part` for relative links; `None` for
/// anything else (absolute URLs, `mailto:`, anchors, non-markdown files).
fn rewrite_md_link(dest: &str) -> Option<String> {
    if dest.starts_with('/') || dest.starts_with('#') || dest.contains("://") {
        return None;
    }
    let cut = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, rest) = dest.split_at(cut);
    if path.contains(':') {
        return None; // mailto:, data:, …
    }
    let stem = path.strip_suffix(".md")?;
    Some(format!("{stem}.html{rest}"))
}

/// Each `<pre><code …>` as a focusable group named by its language
/// (`Python code`, or `code` when the fence names none).
fn named_code_blocks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = rest.find("<pre><code") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + "<pre><code".len()..];
        let lang = tail
            .strip_prefix(" class=\"language-")
            .and_then(|t| t.split('"').next())
            .filter(|l| !l.is_empty());
        let name = match lang {
            Some(l) => format!("{} code", crate::text::capitalise(l)),
            None => "code".to_string(),
        };
        out.push_str(&format!(
            "<pre tabindex=\"0\" role=\"group\" aria-label=\"{}\"><code",
            crate::util::esc(&name)
        ));
        rest = tail;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_links() {
        assert_eq!(rewrite_md_link("foo.md").as_deref(), Some("foo.html"));
        assert_eq!(
            rewrite_md_link("../sub/bar.md#x").as_deref(),
            Some("../sub/bar.html#x")
        );
        assert_eq!(rewrite_md_link("https://e.com/a.md"), None);
        assert_eq!(rewrite_md_link("#top"), None);
        assert_eq!(rewrite_md_link("pic.png"), None);
    }

    #[test]
    fn code_blocks_are_focusable_and_named_by_their_language() {
        let html =
            "<pre><code class=\"language-python\">x = 1</code></pre><pre><code>y</code></pre>";
        assert_eq!(
            named_code_blocks(html),
            "<pre tabindex=\"0\" role=\"group\" aria-label=\"Python code\"><code class=\"language-python\">x = 1</code></pre><pre tabindex=\"0\" role=\"group\" aria-label=\"code\"><code>y</code></pre>"
        );
    }
}
