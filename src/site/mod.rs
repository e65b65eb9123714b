//! The site build: markdown in, a folder of static HTML out.
//!
//! The steps follow the data (see `docs/contributing.md`):
//!
//! 1. [`content`] walks the content folder and splits the `+++` TOML front matter;
//! 2. [`markdown`] renders each page with pulldown-cmark, turns `$…$` math into
//!    MathML and hands every ```` ```autograd ```` block to a [`FigureHook`];
//! 3. [`templates`] wraps the rendered body in `templates/page.html` (tera 2);
//! 4. [`stage`] writes each page's files as soon as the page is rendered,
//!    beside the output folder, and puts them in place only when every page
//!    succeeded (only the files whose bytes changed, with a cache folder).
//!
//! [`cache`] keeps each rendered figure on disk between builds.
//!
//! The figure renderer is not part of this module: it plugs in through
//! [`crate::page::FigureHook`], so the pipeline can be built and tested on its own.
//!
//! Every mistake becomes a [`Diagnostic`] that points at `file:line:col`, and a
//! build reports all of them at once rather than stopping at the first.

// `Diagnostic` is ~150 bytes, over clippy's 128-byte `result_large_err`
// threshold. Errors are the cold path of a build and the field layout is the
// shared contract with the scenario code, so they are returned unboxed.
#![allow(clippy::result_large_err)]

mod assemble;
pub mod cache;
pub mod config;
pub mod content;
pub mod copied;
pub mod csp;
pub mod incremental;
pub mod init;
pub(crate) mod latex;
pub mod markdown;
pub mod math;
pub mod nav;
pub mod output;
pub mod sanitize;
pub mod serve;
pub mod stage;
pub(crate) mod template_nesting;
pub mod templates;
pub mod weight;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::page::{FigureHook, FileRead};
use crate::util::digest::{self, Digest};
use assemble::*;

// ---------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------

// The type and its printing live in `crate::diagnostic`, shared with the
// commands that run one markdown file (`seen trace`, `seen frames`).
pub use crate::diagnostic::{Diagnostic, Severity};

/// Why a build failed: every diagnostic found, or an I/O error.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Mistakes in the sources, all of them, sorted by file and position.
    #[error("{}", render_diagnostics(.0))]
    Diagnostics(Vec<Diagnostic>),
    /// Reading the sources or writing the output failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl BuildError {
    /// The diagnostics, if the build failed because of the sources.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            BuildError::Diagnostics(d) => d,
            BuildError::Io { .. } => &[],
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> BuildError {
        BuildError::Io {
            path: path.into(),
            source,
        }
    }
}

fn render_diagnostics(diags: &[Diagnostic]) -> String {
    let mut out = crate::diagnostic::render_all(diags);
    let n = diags.iter().filter(|d| d.is_error()).count();
    out.push_str(&format!(
        "{n} error{}; the output folder was left untouched",
        if n == 1 { "" } else { "s" }
    ));
    out
}

// ---------------------------------------------------------------------------
// The build
// ---------------------------------------------------------------------------

/// Where a site lives. Relative directories are resolved against `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildConfig {
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub templates_dir: PathBuf,
    pub output_dir: PathBuf,
    pub site_title: String,
    /// Raw HTML that the sanitizer drops, and copied files that could run
    /// code, fail the build instead of warning (`strict = true`).
    pub strict: bool,
    /// Where each folder was named, for the errors about it.
    pub origins: Origins,
    /// Replace the output folder even if seen did not write it (`--force`;
    /// see [`output::claim`]).
    pub force: bool,
}

/// The three folders of a site, for [`BuildConfig::folder_error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    Content,
    Templates,
    Output,
}

/// Where each folder of a [`BuildConfig`] was named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    pub content: Origin,
    pub templates: Origin,
    pub output: Origin,
}

/// Where a folder was named: its default, a key of `seen.toml`, or a flag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    #[default]
    Default,
    /// A key of `seen.toml`: a diagnostic already at the key's place
    /// (`seen.toml:LINE:COL`), its message left to fill in.
    Config(Box<Diagnostic>),
    /// A command-line flag, such as `--output-dir`.
    Flag(&'static str),
}

impl BuildConfig {
    /// The usual layout: `content/`, `templates/`, `public/` under `root`.
    pub fn new(root: impl Into<PathBuf>, site_title: impl Into<String>) -> BuildConfig {
        BuildConfig {
            root: root.into(),
            content_dir: PathBuf::from("content"),
            templates_dir: PathBuf::from("templates"),
            output_dir: PathBuf::from("public"),
            site_title: site_title.into(),
            strict: false,
            origins: Origins::default(),
            force: false,
        }
    }

    pub fn content_path(&self) -> PathBuf {
        self.root.join(&self.content_dir)
    }

    pub fn templates_path(&self) -> PathBuf {
        self.root.join(&self.templates_dir)
    }

    pub fn output_path(&self) -> PathBuf {
        self.root.join(&self.output_dir)
    }

    /// `path` as shown in diagnostics: relative to the root when inside it.
    pub(crate) fn display_path(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }

    /// What the pages' output depends on of the settings, as text, for the
    /// keys of cached pages: not where the folders were named, nor
    /// `--force`.
    pub(crate) fn key_text(&self) -> String {
        format!(
            "{:?}",
            (
                &self.root,
                &self.content_dir,
                &self.templates_dir,
                &self.output_dir,
                &self.site_title
            )
        )
    }

    /// An error about one of the site's folders, at the place that named
    /// it: the key's `seen.toml:LINE:COL` when the folder came from
    /// there, the folder itself (and the flag) otherwise. `message` names
    /// the folder.
    pub(crate) fn folder_error(&self, which: Folder, message: impl Into<String>) -> Diagnostic {
        let (origin, path) = match which {
            Folder::Content => (&self.origins.content, self.content_path()),
            Folder::Templates => (&self.origins.templates, self.templates_path()),
            Folder::Output => (&self.origins.output, self.output_path()),
        };
        let message = message.into();
        let mut shown = self.display_path(&path);
        if shown.as_os_str().is_empty() {
            shown = PathBuf::from(".");
        }
        match origin {
            Origin::Config(at) => Diagnostic {
                message,
                ..(**at).clone()
            },
            Origin::Flag(flag) => {
                Diagnostic::whole_file(shown, format!("{message} (given with `{flag}`)"))
            }
            Origin::Default => Diagnostic::whole_file(shown, message),
        }
    }

    /// A folder as named in messages, as it was given: "`public`".
    pub(crate) fn folder_name(&self, which: Folder) -> String {
        let dir = match which {
            Folder::Content => &self.content_dir,
            Folder::Templates => &self.templates_dir,
            Folder::Output => &self.output_dir,
        };
        format!("`{}`", dir.display())
    }
}

/// What a successful build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub pages: usize,
    pub figures: usize,
    pub frames: usize,
    pub elapsed: Duration,
    /// Warnings found on the way (they do not fail the build), sorted by
    /// file and position.
    pub warnings: Vec<Diagnostic>,
    /// Files the build wrote into the output folder (new or changed ones),
    /// and their bytes; 0 for `seen check`.
    pub files_written: usize,
    pub bytes_written: u64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn n(count: usize, one: &str, many: &str) -> String {
            format!("{count} {}", if count == 1 { one } else { many })
        }
        write!(
            f,
            "Built {}, {}, {} in {} ms",
            n(self.pages, "page", "pages"),
            n(self.figures, "figure", "figures"),
            n(self.frames, "frame", "frames"),
            self.elapsed.as_millis()
        )
    }
}

/// Builds the site into `config.output_dir`, replacing it only if every page
/// succeeded. On failure, returns every diagnostic from every page.
pub fn build(config: &BuildConfig, hook: &dyn FigureHook) -> Result<Report, BuildError> {
    build_with(config, hook, None)
}

/// [`build`], with a figure cache: figures whose inputs did not change are
/// read from the cache instead of drawn, a page whose inputs did not change
/// and whose files are all still in the output folder is not rendered at
/// all, and only the output files whose bytes changed since the last build
/// are written (see [`cache`] and [`stage`]).
pub fn build_with(
    config: &BuildConfig,
    hook: &dyn FigureHook,
    cache: Option<&cache::FigureCache>,
) -> Result<Report, BuildError> {
    let start = Instant::now();
    output::check_layout(config)?;
    let stage = stage::Stage::begin(config, cache.map(cache::FigureCache::manifest_path))?;
    let mut slot = None;
    let hook = cached_hook(hook, cache, &mut slot);
    // On an error the stage is dropped, which removes the staging folder.
    let site = render_site(config, hook, (None, cache), &stage)?;
    let written = stage.commit(&site.listing)?;
    if let Some(c) = cache {
        c.finish();
    }
    Ok(Report {
        elapsed: start.elapsed(),
        files_written: written.files,
        bytes_written: written.bytes,
        ..site.report
    })
}

/// `hook` behind `cache` when there is one (the wrapper lives in `slot`).
fn cached_hook<'a>(
    hook: &'a dyn FigureHook,
    cache: Option<&'a cache::FigureCache>,
    slot: &'a mut Option<cache::Cached<'a>>,
) -> &'a dyn FigureHook {
    match cache {
        Some(c) => slot.insert(c.hook(hook)),
        None => hook,
    }
}

/// Runs the whole build (content, markdown, figures, templates) without
/// writing anything.
pub fn check(config: &BuildConfig, hook: &dyn FigureHook) -> Result<Report, BuildError> {
    check_with(config, hook, None)
}

/// [`check`], with a figure cache (read, and filled with what was drawn;
/// the output folder is not touched).
pub fn check_with(
    config: &BuildConfig,
    hook: &dyn FigureHook,
    cache: Option<&cache::FigureCache>,
) -> Result<Report, BuildError> {
    let start = Instant::now();
    let mut slot = None;
    let hook = cached_hook(hook, cache, &mut slot);
    let site = render_site(config, hook, (None, None), &Discard)?;
    if let Some(c) = cache {
        c.finish();
    }
    Ok(Report {
        elapsed: start.elapsed(),
        ..site.report
    })
}

/// The bytes of one output file, shared between a build and the pages that
/// `seen serve` keeps from it (see [`incremental`]).
pub type Bytes = Arc<Vec<u8>>;

/// Where the files of a build go as they are rendered: written at once
/// ([`stage::Stage`]), kept in memory ([`incremental`]), or dropped
/// (`seen check`). Called from many threads at once, each file once per
/// page that produces it, with its digest; only with plain relative paths
/// ([`output::is_safe_relative`]).
pub(crate) trait Sink: Sync {
    fn put(&self, path: &str, bytes: &Bytes, digest: digest::Digest) -> Result<(), BuildError>;

    /// True if the output folder holds `path` with these bytes already, so
    /// that a page whose files all are there need not be rendered.
    fn has(&self, path: &str, digest: digest::Digest) -> bool {
        let _ = (path, digest);
        false
    }
}

/// `seen check`'s sink: writes nothing.
struct Discard;

impl Sink for Discard {
    fn put(&self, _: &str, _: &Bytes, _: digest::Digest) -> Result<(), BuildError> {
        Ok(())
    }
}

/// What is left of a rendered site once its files went to the sink.
struct RenderedSite {
    /// Output path (relative, `/` separators) → digest of its bytes, for
    /// every file of the site. A BTreeMap, so that everything done with it
    /// is in a deterministic order.
    listing: BTreeMap<String, digest::Digest>,
    /// Each page's output with the key of its inputs, when a cache asked
    /// for them: (output path, key, output).
    pages: Vec<(String, Digest, Arc<PageOut>)>,
    report: Report,
}

/// One page's share of the output.
#[derive(Debug)]
pub struct PageOut {
    /// Its HTML first, then its figures' files: (output path, digest).
    paths: Vec<(String, digest::Digest)>,
    /// The bytes of those files, in the same order; kept only by
    /// `seen serve` (a build drops them once written).
    bytes: Vec<Bytes>,
    figures: usize,
    frames: usize,
    warnings: Vec<Diagnostic>,
    /// The files its figure blocks read besides it.
    reads: Vec<FileRead>,
}

/// Renders every page (in parallel) and hands each page's files to `sink`
/// as soon as the page is done. With `cache` (an incremental rebuild), a
/// page whose inputs hash to the key of its cached output is not rendered
/// again: its source, its place in the navigation, the settings and the
/// templates are all its HTML and figures depend on; and every page's
/// output is kept for the next rebuild. With `on_disk` (`seen build` with
/// a figure cache), the same goes for a page whose files are all in the
/// output folder already ([`cache::FigureCache::reuse_page`]).
fn render_site(
    config: &BuildConfig,
    hook: &dyn FigureHook,
    (cache, on_disk): (
        Option<&incremental::Incremental>,
        Option<&cache::FigureCache>,
    ),
    sink: &dyn Sink,
) -> Result<RenderedSite, BuildError> {
    output::check_layout(config)?;
    let mut diags = Vec::new();

    let loaded = content::load(config)?;
    diags.extend(loaded.diagnostics);
    let copied_warnings = check_copied(config, &loaded.statics, &mut diags);
    let templates = match templates::Templates::load(config) {
        Ok(t) => Some(t),
        Err(BuildError::Diagnostics(d)) => {
            diags.extend(d);
            None
        }
        Err(e) => return Err(e),
    };
    let pages = loaded.pages;
    let course = nav::Course::new(&pages, &loaded.sections);
    let run = SiteRun {
        config,
        hook,
        cache,
        on_disk,
        sink,
        templates: templates.as_ref(),
        templates_digest: templates.as_ref().map(templates::Templates::digest),
        course: &course,
    };

    // Pages render in parallel, the one with the most work first (a page
    // that trains a net is the build's longest chain); each page's files
    // go to the sink from the thread that rendered it. The results come
    // back in page order.
    let indexed: Vec<(usize, &content::Page)> = pages.iter().enumerate().collect();
    let results: Result<Vec<(Option<Digest>, PageResult)>, BuildError> =
        crate::util::schedule::longest_first(
            &indexed,
            |(_, page)| crate::util::schedule::effort(&page.source),
            |&(i, page)| run.page(i, page),
        )
        .into_iter()
        .collect();
    let results = results?;

    let pages_out: std::collections::BTreeSet<String> =
        pages.iter().map(|p| p.out_path.clone()).collect();
    let mut site = gather_pages(&pages, results, &pages_out, &mut diags);
    let extra = extra_files(
        config,
        templates.as_ref(),
        &course,
        &pages_out,
        loaded.statics,
        &site.listing,
        &mut diags,
    );
    if !diags.is_empty() {
        diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diags.dedup();
        return Err(BuildError::Diagnostics(diags));
    }
    put_extra_files(sink, extra, &mut site.listing)?;
    let warnings = &mut site.report.warnings;
    warnings.extend(copied_warnings);
    warnings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(site)
}

/// What every page of one [`render_site`] shares: the settings, the hook,
/// the caches, the sink, the templates and the navigation.
struct SiteRun<'a> {
    config: &'a BuildConfig,
    hook: &'a dyn FigureHook,
    cache: Option<&'a incremental::Incremental>,
    on_disk: Option<&'a cache::FigureCache>,
    sink: &'a dyn Sink,
    /// `None` when the templates are broken (already reported).
    templates: Option<&'a templates::Templates>,
    /// The templates' digest, for the keys of the pages' inputs.
    templates_digest: Option<Digest>,
    course: &'a nav::Course,
}

impl SiteRun<'_> {
    /// Renders page `i` (or reuses it from a cache) and hands its files to
    /// the sink; returns it with its key when the incremental cache is on.
    fn page(
        &self,
        i: usize,
        page: &content::Page,
    ) -> Result<(Option<Digest>, PageResult), BuildError> {
        let (config, sink, cache) = (self.config, self.sink, self.cache);
        let inputs = self.templates_digest.map(|t| {
            let nav = self.course.page_nav(Some(i), &page.root());
            cache::page_inputs(config, t, page, (&nav, self.course.len()))
        });
        let key = inputs.filter(|_| cache.is_some());
        let page_key = self.on_disk.zip(inputs).map(|(c, k)| (c, c.page_key(k)));
        if let Some((c, k)) = page_key
            && let Some(out) = c.reuse_page(k, &config.root, |p, d| sink.has(p, d))
        {
            return Ok((key, Ok(Arc::new(out))));
        }
        let out = match (cache, key) {
            (Some(cache), Some(key))
                if let Some(out) = cache.page(&page.out_path, key, &config.root) =>
            {
                out
            }
            _ => {
                let nav = (self.course, Some(i));
                match render_page(config, page, self.hook, self.templates, nav) {
                    Ok(out) => {
                        if let Some((c, k)) = page_key {
                            c.store_page(k, &out);
                        }
                        Arc::new(out)
                    }
                    Err(d) => return Ok((key, Err(d))),
                }
            }
        };
        // The files on all cores; the first error in the page's order.
        let put: Vec<Result<(), BuildError>> = {
            use rayon::prelude::*;
            (out.paths.par_iter().zip(&out.bytes))
                .filter(|((path, _), _)| output::is_safe_relative(path))
                .map(|((path, digest), bytes)| sink.put(path, bytes, *digest))
                .collect()
        };
        put.into_iter().collect::<Result<(), BuildError>>()?;
        if cache.is_some() {
            return Ok((key, Ok(out)));
        }
        Ok((key, Ok(without_bytes(out))))
    }
}

/// A page's output once written: only the paths and digests stay.
fn without_bytes(out: Arc<PageOut>) -> Arc<PageOut> {
    let out = Arc::try_unwrap(out).map_or_else(
        |shared| PageOut {
            paths: shared.paths.clone(),
            bytes: Vec::new(),
            figures: shared.figures,
            frames: shared.frames,
            warnings: shared.warnings.clone(),
            reads: shared.reads.clone(),
        },
        |out| PageOut {
            bytes: Vec::new(),
            ..out
        },
    );
    Arc::new(out)
}

impl PageOut {
    /// A page's files: its HTML first, then its figures' files.
    fn new(files: Vec<(String, Bytes)>, body: markdown::RenderedPage) -> PageOut {
        use rayon::prelude::*;
        let (paths, bytes) = files
            .into_par_iter()
            .map(|(path, bytes)| {
                let d = digest::digest(&bytes);
                ((path, d), bytes)
            })
            .unzip();
        PageOut {
            paths,
            bytes,
            figures: body.figures,
            frames: body.frames,
            warnings: body.warnings,
            reads: body.reads,
        }
    }
}

/// Renders one page: markdown and figures, then the templates around them,
/// then a last check that the templates added nothing the CSP would block.
fn render_page(
    config: &BuildConfig,
    page: &content::Page,
    hook: &dyn FigureHook,
    templates: Option<&templates::Templates>,
    nav: (&nav::Course, Option<usize>),
) -> Result<PageOut, Vec<Diagnostic>> {
    let mut ctx = page.ctx();
    ctx.site_root = config.root.clone();
    let body = markdown::render(page, &ctx, hook, config.strict)?;
    let html = match templates {
        Some(templates) => {
            let html = templates
                .render_page(config, page, &ctx, &body, nav)
                .map_err(|d| vec![d])?;
            check_templates_output(config, templates, page, html, &body.html)?
        }
        // Templates are broken (already reported): the markdown was still
        // rendered, so that its mistakes are reported too.
        None => String::new(),
    };
    let mut body = body;
    let html = Arc::new(html.into_bytes());
    let mut files = Vec::with_capacity(1 + body.assets.len());
    files.push((page.out_path.clone(), html.clone()));
    files.extend(
        std::mem::take(&mut body.assets)
            .into_iter()
            .map(|(p, b)| (p, Arc::new(b))),
    );
    // The page's weight (gzip) while its files are digested: the end of a
    // page's work is the build's longest chain.
    let (heavy, mut out) = rayon::join(
        || weight::warning(&ctx.file, &html),
        || PageOut::new(files, body),
    );
    out.warnings.extend(heavy);
    Ok(out)
}
