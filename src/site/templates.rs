//! The page around the rendered body: tera 2 templates.
//!
//! The built-in `base.html`, `page.html` and `style.css` (the files in the
//! repository's `templates/`) are compiled into the binary; a site's own
//! `templates/` folder, read at build time, overrides any of them by name and
//! may add partials. `page.html` is rendered once per page with these
//! variables:
//!
//! | variable | value |
//! | --- | --- |
//! | `site_title` | the site's title |
//! | `title` | the page's front matter title |
//! | `description` | the front matter description, or `none` |
//! | `content` | the rendered body: print it with `{{ content \| safe }}` |
//! | `toc` | headings: `[{ level, id, title }]`, link as `#{{ h.id }}` |
//! | `root` | relative prefix to the site root: `""`, `"../"`, … |
//! | `home` | relative link to the home page (`{{ root }}index.html`) |
//! | `stylesheet` | relative link to `style.css` |
//! | `path` | the page's output path: `sub/bar.html` |
//! | `nav` | the course navigation: top-level items `{ kind, title, href, path, current, count, pages }` (see [`super::nav`]) |
//! | `pages` | the pages beside this one (its section's), items as in `nav` |
//! | `prev`, `next` | the previous and next page in reading order (`{ title, href, … }`), or `none` |
//! | `page_count` | how many pages the site has |

use std::collections::BTreeMap;
use std::path::PathBuf;

use tera::{Context, ErrorKind, Tera};
use walkdir::WalkDir;

use super::content::Page;
use super::markdown::RenderedPage;
use super::nav::Course;
use super::{BuildConfig, BuildError, Diagnostic, Folder, Origin};
use crate::page::PageCtx;

const DEFAULT_BASE: &str = include_str!("../../templates/base.html");
const DEFAULT_PAGE: &str = include_str!("../../templates/page.html");
const DEFAULT_STYLE: &[u8] = include_bytes!("../../templates/style.css");

/// The template rendered for every page.
pub const PAGE_TEMPLATE: &str = "page.html";
/// Where the stylesheet lands in the output.
pub const STYLESHEET: &str = "style.css";

/// The site icon, written beside the stylesheet (a site's own
/// `templates/favicon.svg` replaces it). Without one, browsers ask for
/// `/favicon.ico` and get a 404.
pub const FAVICON: &str = "favicon.svg";
const DEFAULT_FAVICON: &[u8] = include_bytes!("../../templates/favicon.svg");

/// A stylesheet as the site ships it: its comments are for the people who
/// edit `templates/style.css` (a third of the built-in file's gzip size),
/// not for readers' browsers. Strings are kept whole (a `/*` inside quotes
/// is not a comment), and the lines a comment leaves empty are dropped.
fn without_comments(css: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(css.len());
    let mut i = 0;
    let mut quote = None;
    while i < css.len() {
        let c = css[i];
        match quote {
            Some(q) => {
                out.push(c);
                if c == b'\\' && i + 1 < css.len() {
                    out.push(css[i + 1]);
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == b'/' && css.get(i + 1) == Some(&b'*') => {
                let end = css[i + 2..].windows(2).position(|w| w == b"*/");
                i = end.map_or(css.len(), |e| i + 2 + e + 2);
                continue;
            }
            None => {
                if c == b'"' || c == b'\'' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
        i += 1;
    }
    let mut lines = Vec::with_capacity(out.len());
    for line in out.split(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let end = line
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |e| e + 1);
        lines.extend_from_slice(&line[..end]);
        lines.push(b'\n');
    }
    lines
}

/// A stylesheet as the site ships it: without comments
/// ([`without_comments`]) and with its layout whitespace collapsed
/// ([`collapse_space`]).
fn shipped_css(css: &[u8]) -> Vec<u8> {
    collapse_space(&without_comments(css))
}

/// Whitespace outside strings collapsed: a run becomes one space, and none
/// at all next to the punctuation around which CSS never needs one (after
/// `{ } ; , :`, before `{ } ; ,`). A space that separates tokens (`a b`,
/// `calc(1px + 2px)`, a descendant selector `.a :is(.b)`) stays. About 0.3
/// KB of the built-in stylesheet's gzip size.
fn collapse_space(css: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(css.len());
    let mut quote = None;
    let mut space = false;
    let mut i = 0;
    while i < css.len() {
        let c = css[i];
        i += 1;
        if let Some(q) = quote {
            out.push(c);
            if c == b'\\' && i < css.len() {
                out.push(css[i]);
                i += 1;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_ascii_whitespace() {
            space = true;
            continue;
        }
        if space {
            let after_punct = out.last().is_none_or(|p| b"{};,:".contains(p));
            if !after_punct && !b"{};,".contains(&c) {
                out.push(b' ');
            }
            space = false;
        }
        if c == b'"' || c == b'\'' {
            quote = Some(c);
        }
        out.push(c);
    }
    if !out.is_empty() {
        out.push(b'\n');
    }
    out
}

/// The loaded templates and stylesheet of a site.
pub struct Templates {
    tera: Tera,
    /// Template name → (file as shown in diagnostics, source text).
    sources: BTreeMap<String, (PathBuf, String)>,
    stylesheet: Vec<u8>,
    /// The stylesheet without its course-navigation rules, for a site of
    /// one page (see [`without_course`]).
    single_page_stylesheet: Vec<u8>,
    favicon: Vec<u8>,
}

/// The markers around the course-navigation rules of the built-in
/// stylesheet (menu, previous / next, contents page).
const COURSE_BEGIN: &[u8] = b"/* BEGIN COURSE NAVIGATION";
const COURSE_END: &[u8] = b"/* END COURSE NAVIGATION */";

/// A stylesheet without what lies between its course-navigation markers:
/// a site of one page shows no navigation, and its readers need not
/// download the rules for it (0.3 KB gzip of the built-in stylesheet). A
/// stylesheet without the markers (a site's own) is returned whole.
fn without_course(css: &[u8]) -> Vec<u8> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    match find(css, COURSE_BEGIN) {
        Some(begin) => match find(&css[begin..], COURSE_END) {
            Some(len) => [&css[..begin], &css[begin + len + COURSE_END.len()..]].concat(),
            None => css.to_vec(),
        },
        None => css.to_vec(),
    }
}

impl Templates {
    /// Loads the built-in templates, then the site's `templates/*.html` over
    /// them (names are paths relative to the folder, with `/`).
    pub fn load(config: &BuildConfig) -> Result<Templates, BuildError> {
        let dir = config.templates_path();
        let display_dir = config.display_path(&dir);
        let mut sources: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        for (name, text) in [("base.html", DEFAULT_BASE), ("page.html", DEFAULT_PAGE)] {
            sources.insert(
                name.to_string(),
                (
                    PathBuf::from(format!("<built-in {name}>")),
                    text.to_string(),
                ),
            );
        }
        let mut stylesheet = DEFAULT_STYLE.to_vec();
        let mut favicon = DEFAULT_FAVICON.to_vec();
        // Without a templates folder the built-in templates are used, unless
        // seen.toml named one: a folder named there must be there.
        let name = config.folder_name(Folder::Templates);
        let wrong = if dir.exists() && !dir.is_dir() {
            Some((
                format!("the templates folder {name} is not a folder"),
                "name a folder of templates, or move the file away",
            ))
        } else if !dir.exists() && matches!(config.origins.templates, Origin::Config(_)) {
            Some((
                format!("templates folder {name} not found"),
                "create it, or remove `templates_dir` to use the built-in templates",
            ))
        } else {
            None
        };
        if let Some((message, hint)) = wrong {
            return Err(BuildError::Diagnostics(vec![
                config
                    .folder_error(Folder::Templates, message)
                    .with_hint(hint),
            ]));
        }
        if dir.is_dir() {
            for entry in WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.map_err(|e| BuildError::io(&dir, e.into()))?;
                let path = entry.path();
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = path
                    .strip_prefix(&dir)
                    .expect("walkdir stays inside its root");
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if name == STYLESHEET {
                    stylesheet = std::fs::read(path).map_err(|e| BuildError::io(path, e))?;
                } else if name == FAVICON {
                    favicon = std::fs::read(path).map_err(|e| BuildError::io(path, e))?;
                } else if name.ends_with(".html") {
                    let bytes = std::fs::read(path).map_err(|e| BuildError::io(path, e))?;
                    let display = config.display_path(path);
                    let text = crate::diagnostic::utf8(bytes)
                        .map_err(|bad| BuildError::Diagnostics(vec![bad.diagnostic(&display)]))?;
                    sources.insert(name, (display, text));
                }
            }
        }
        super::template_nesting::check(&sources).map_err(|d| BuildError::Diagnostics(vec![d]))?;
        let mut tera = Tera::new();
        let result = tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, (_, text))| (name.as_str(), text.as_str())),
        );
        let templates = Templates {
            tera,
            sources,
            single_page_stylesheet: shipped_css(&without_course(&stylesheet)),
            stylesheet: shipped_css(&stylesheet),
            favicon,
        };
        if let Err(e) = result {
            return Err(BuildError::Diagnostics(
                templates.diagnostics(&e, &display_dir),
            ));
        }
        if !templates.tera.contains_template(PAGE_TEMPLATE) {
            return Err(BuildError::Diagnostics(vec![Diagnostic::whole_file(
                display_dir,
                format!("no `{PAGE_TEMPLATE}` template"),
            )]));
        }
        Ok(templates)
    }

    /// A hash of the templates' sources (the pages' HTML depends on
    /// nothing else of them), for incremental rebuilds.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        self.sources.hash(&mut h);
        h.finish()
    }

    /// A digest of every template file (sources, stylesheet, favicon) that
    /// stays the same from one process to the next, for the figure cache
    /// on disk ([`super::cache`]).
    pub fn digest(&self) -> crate::util::digest::Digest {
        let mut f = crate::util::digest::Fields::new();
        for (name, (path, text)) in &self.sources {
            f.str(name)
                .bytes(path.as_os_str().as_encoded_bytes())
                .str(text);
        }
        f.bytes(&self.stylesheet).bytes(&self.favicon);
        f.finish()
    }

    /// The files to write at the output root: (path, bytes).
    /// `course`: the site shows course navigation (more than one page,
    /// or a generated contents page); without it the stylesheet leaves
    /// its rules out.
    pub fn root_files(&self, course: bool) -> [(&str, &[u8]); 2] {
        let css = if course {
            &self.stylesheet
        } else {
            &self.single_page_stylesheet
        };
        [(STYLESHEET, css), (FAVICON, &self.favicon)]
    }

    /// Renders `page.html` for one page: the page at `index` in the
    /// course's reading order, or `None` for the generated contents page.
    pub fn render_page(
        &self,
        config: &BuildConfig,
        page: &Page,
        ctx: &PageCtx,
        body: &RenderedPage,
        (course, index): (&Course, Option<usize>),
    ) -> Result<String, Diagnostic> {
        let root = &ctx.root;
        let nav = course.page_nav(index, root);
        let mut context = Context::new();
        context.insert("site_title", &config.site_title);
        context.insert("title", &page.front.title);
        context.insert("description", &page.front.description);
        context.insert("content", &body.html);
        context.insert("toc", &body.toc);
        context.insert("root", root);
        context.insert("home", &format!("{root}index.html"));
        context.insert("stylesheet", &format!("{root}{STYLESHEET}"));
        context.insert("path", &page.out_path);
        context.insert("nav", &nav.nav);
        context.insert("pages", &nav.pages);
        context.insert("prev", &nav.prev);
        context.insert("next", &nav.next);
        context.insert("page_count", &course.len());
        self.render_with_room(&context).map_err(|e| {
            let mut d = self.diagnostic(&e, &config.display_path(&config.templates_path()));
            d.message = format!("{} (rendering {})", d.message, page.display.display());
            d
        })
    }

    /// `page.html` rendered on a thread of its own with a large stack.
    ///
    /// tera renders an include, and a component (at most 20 deep), by
    /// recursion, about 70 KB of stack a level in an unoptimised build.
    /// Chains of templates are at most [`template_nesting::MAX_DEPTH`]
    /// long, but a recursive component may include such a chain at each
    /// of its 20 levels: some 350 levels, more than the 2 MB of a worker
    /// thread (or the 8 MB of the main one) hold. The stack is reserved,
    /// not used: the memory a page takes stays what it was.
    ///
    /// [`template_nesting::MAX_DEPTH`]: super::template_nesting::MAX_DEPTH
    fn render_with_room(&self, context: &Context) -> Result<String, tera::Error> {
        const STACK: usize = 64 << 20;
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("templates".into())
                .stack_size(STACK)
                .spawn_scoped(scope, || self.tera.render(PAGE_TEMPLATE, context))
                .map_or_else(
                    // No thread to be had: render here, as before.
                    |_| self.tera.render(PAGE_TEMPLATE, context),
                    |t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                )
        })
    }

    /// A tera error as diagnostics. Tera reports unknown filters, tests and
    /// functions as one message holding a `--> name:line:col` report per
    /// mistake; each becomes a diagnostic at its place.
    fn diagnostics(&self, e: &tera::Error, display_dir: &std::path::Path) -> Vec<Diagnostic> {
        let ErrorKind::Msg(text) = e.kind() else {
            return vec![self.diagnostic(e, display_dir)];
        };
        let mut out = Vec::new();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(message) = line.trim_start().strip_prefix("error: ") else {
                continue;
            };
            let place = lines
                .get(i + 1)
                .and_then(|l| l.trim_start().strip_prefix("--> "))
                .and_then(|p| {
                    let mut parts = p.rsplitn(3, ':');
                    let col: usize = parts.next()?.parse().ok()?;
                    let line: usize = parts.next()?.parse().ok()?;
                    Some((parts.next()?, line, col))
                });
            let Some((name, line_no, col)) = place else {
                continue;
            };
            let width = lines[i + 2..]
                .iter()
                .take(4)
                .find(|l| l.contains('^'))
                .map_or(1, |l| l.matches('^').count());
            let message = format!("template error: {message}");
            out.push(match self.sources.get(name) {
                Some((file, source)) => {
                    let at = offset_of(source, line_no, col);
                    Diagnostic::at(file, source, at, width, message)
                }
                None => Diagnostic::whole_file(display_dir.join(name), message),
            });
        }
        if out.is_empty() {
            out.push(self.diagnostic(e, display_dir));
        }
        out
    }

    /// Where `needle` (text a template put into a page) is written in the
    /// templates: (file as shown, its text, byte offset).
    pub fn locate(&self, needle: &str) -> Option<(&std::path::Path, &str, usize)> {
        let needle = needle.to_ascii_lowercase();
        self.sources.values().find_map(|(file, text)| {
            text.to_ascii_lowercase()
                .find(&needle)
                .map(|at| (file.as_path(), text.as_str(), at))
        })
    }

    /// A tera error as a diagnostic in the template file it names.
    fn diagnostic(&self, e: &tera::Error, display_dir: &std::path::Path) -> Diagnostic {
        match e.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let name = report.filename();
                let what = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                    "template syntax error"
                } else {
                    "template error"
                };
                let message = format!("{what}: {}", report.message());
                match self.sources.get(name) {
                    Some((file, text)) => {
                        let span = report.span();
                        Diagnostic::at(file, text, span.range.start, span.range.len(), message)
                    }
                    None => Diagnostic::whole_file(display_dir.join(name), message),
                }
            }
            _ => {
                let mut message = format!("template error: {e}");
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    message.push_str(&format!(": {s}"));
                    source = s.source();
                }
                Diagnostic::whole_file(display_dir, message)
            }
        }
    }
}

/// The byte offset of 1-based `line` and character `col` in `text`.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start
        + rest
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_stylesheet_has_no_comments_and_keeps_every_rule() {
        let css = b"/* head\n   two lines */\n:root { --a: 1; } /* why */\n\n.x::before { content: \"/* kept */\"; }\n  /* indented */\n.y { a: 'b/*' }\n";
        let out = String::from_utf8(without_comments(css)).unwrap();
        assert_eq!(
            out,
            ":root { --a: 1; }\n.x::before { content: \"/* kept */\"; }\n.y { a: 'b/*' }\n"
        );
        let source = String::from_utf8(DEFAULT_STYLE.to_vec()).unwrap();
        let built = String::from_utf8(without_comments(DEFAULT_STYLE)).unwrap();
        assert!(!built.contains("/*") && !built.contains("*/"));
        assert!(
            built.len() < source.len() * 3 / 4,
            "comments are a good part of it"
        );
        // Every line of the source that holds no comment ships unchanged.
        let mut in_comment = false;
        for line in source.lines() {
            let had = in_comment || line.contains("/*");
            if line.contains("/*") {
                in_comment = true;
            }
            if line.contains("*/") {
                in_comment = false;
            }
            if !had && !line.trim().is_empty() {
                assert!(built.contains(line.trim_end()), "lost: {line}");
            }
        }
    }

    #[test]
    fn a_single_page_stylesheet_leaves_out_the_course_navigation() {
        let all = String::from_utf8(shipped_css(DEFAULT_STYLE)).unwrap();
        let one = String::from_utf8(shipped_css(&without_course(DEFAULT_STYLE))).unwrap();
        for class in [".course-nav", ".pager", ".contents"] {
            assert!(all.contains(class) && !one.contains(class), "{class}");
        }
        // Only that section goes: everything before and after it stays.
        assert!(one.contains(".training-frame") && one.len() + 1000 < all.len());
        // A stylesheet without the markers ships whole.
        assert_eq!(without_course(b"a{b:c}"), b"a{b:c}");
    }

    #[test]
    fn collapsing_space_keeps_every_token_and_string() {
        let css = b".a :is(.b) > .c,\n.d {\n  width: calc(1px + 2px);\n  content: \"a  ;  b\";\n}\n@media (max-width: 30rem) { .e { margin: 0 auto; } }\n";
        let out = String::from_utf8(collapse_space(css)).unwrap();
        assert_eq!(
            out,
            ".a :is(.b) > .c,.d{width:calc(1px + 2px);content:\"a  ;  b\";}@media (max-width:30rem){.e{margin:0 auto;}}\n"
        );
        // On the built-in stylesheet: only whitespace goes, and some does.
        let plain = without_comments(DEFAULT_STYLE);
        let built = shipped_css(DEFAULT_STYLE);
        let tokens = |b: &[u8]| -> Vec<u8> {
            b.iter()
                .copied()
                .filter(|c| !c.is_ascii_whitespace())
                .collect()
        };
        assert_eq!(tokens(&built), tokens(&plain));
        assert!(built.len() < plain.len() * 95 / 100);
    }
}
