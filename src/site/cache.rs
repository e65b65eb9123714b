//! The figure cache: every rendered run of figure blocks, kept on disk in
//! the site's `.seen-cache/` folder, so that `seen build` and `seen check`
//! draw again only the figures whose inputs changed.
//!
//! A figure depends on its blocks and on nothing else of its page but what
//! the hook is shown of it ([`PageCtx`]); on the version of seen that drew
//! it; and on the files its blocks read beside the page (a `data` CSV). So
//! an entry is stored under a digest ([`key`]) of:
//!
//! - the version string [`FigureCache::open`] was given (the command line
//!   passes seen's version and the size and modification time of its own
//!   executable, so that a rebuilt seen never reuses an older one's
//!   figures) and the templates' [`digest`](super::templates::Templates::digest);
//! - the page's context: the file as shown, its path on disk, the site
//!   root, the output path, the stem and the relative root;
//! - each block: its text and its info string, and the lines of the file
//!   around the blocks (the text only, not where it stands: an edit above
//!   a figure, which moves it, does not draw it again);
//!
//! and the entry itself lists the files the blocks read ([`Rendered::reads`])
//! with the digest of what was read. An entry is used only when every one
//! of those files still has those bytes, so an edited CSV is never served
//! stale. Besides the figure (its HTML, files, counts), an entry holds what
//! the run added to the page's [`FigureState`] (the ids it took and the
//! warnings), replayed on a hit; a hit whose ids the page already used is
//! treated as a miss, so the duplicate-id error comes from the renderer.
//! An entry also records where its run stood (the byte offset of its first
//! block and the line of the fence before it): on a hit at another place
//! the ids' offsets are moved by the same distance, and an entry with
//! warnings (which name a `line:col`) is used only at its own place.
//! Only successful runs are stored: errors are always found afresh.
//!
//! `seen build` keeps whole pages too (`pages/<key>`, see
//! [`FigureCache::reuse_page`]): the paths and digests of a page's files,
//! its warnings and the files its blocks read, keyed by what the page
//! depends on. When the output folder still holds every one of those files
//! with those bytes (the manifest of [`super::stage`] says so), the page is
//! not rendered and its figures are not even read.
//!
//! Entries are files `figures/<key>` and `pages/<key>` with a checksum at
//! the end; a missing,
//! truncated, damaged or unreadable entry is a miss (never an error, never
//! wrong output), and every write is a rename of a complete file. The
//! folder can be deleted at any time. After a successful build, entries the
//! build did not use are deleted ([`FigureCache::finish`]), so the cache
//! holds one site's figures. `seen build --no-cache` neither reads nor
//! writes it.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{BuildConfig, Diagnostic, PageOut, Severity, templates};
use crate::page::{Block, FigureHook, FigureState, FileRead, PageCtx, Rendered};
use crate::util::digest::{Digest, Fields, digest, hex};

/// The largest entry read back, decompressed: bigger than any figure
/// (a drawn block has at most 20,000 nodes), small enough that a damaged
/// size field cannot ask for gigabytes.
const MAX_ENTRY: usize = 1 << 30;

/// The cache folder, in the site root.
pub const DIR: &str = ".seen-cache";

/// The first bytes of every entry; a new layout gets a new number.
const MAGIC: &[u8] = b"seen figure cache 3\n";

/// A site's figure cache.
#[derive(Debug)]
pub struct FigureCache {
    dir: PathBuf,
    /// The version and the templates, folded into every key.
    salt: Digest,
    /// Keys looked up or stored by this build (figures and pages).
    used: Mutex<HashSet<Digest>>,
    /// The figure keys of each page rendered so far: output path → keys.
    by_page: Mutex<HashMap<String, Vec<Digest>>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    pages_reused: AtomicUsize,
    /// For unique temporary file names.
    writes: AtomicUsize,
}

impl FigureCache {
    /// The cache of the site `config` describes, in `ROOT/.seen-cache/`.
    /// `version` identifies the renderer: entries made with another
    /// version are never used.
    pub fn open(config: &BuildConfig, version: &str) -> FigureCache {
        // Broken templates fail the build anyway; the figures do not
        // depend on them.
        let templates = templates::Templates::load(config).map_or(0, |t| t.digest());
        let salt = Fields::new()
            .bytes(MAGIC)
            .str(version)
            .bytes(&templates.to_le_bytes())
            .finish();
        FigureCache {
            dir: config.root.join(DIR),
            salt,
            used: Mutex::new(HashSet::new()),
            by_page: Mutex::new(HashMap::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            pages_reused: AtomicUsize::new(0),
            writes: AtomicUsize::new(0),
        }
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `seen build` records what it wrote (see [`super::stage`]).
    pub fn manifest_path(&self) -> PathBuf {
        self.dir.join(super::stage::MANIFEST)
    }

    /// Runs of figure blocks found in the cache so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Runs drawn because the cache did not have them.
    pub fn misses(&self) -> usize {
        self.misses.load(Ordering::Relaxed)
    }

    /// Pages `seen build` did not render at all: their files were in the
    /// output folder already (see [`FigureCache::reuse_page`]).
    pub fn pages_reused(&self) -> usize {
        self.pages_reused.load(Ordering::Relaxed)
    }

    /// `hook`, answering from the cache when it can and filling it.
    pub fn hook<'a>(&'a self, hook: &'a dyn FigureHook) -> Cached<'a> {
        Cached { cache: self, hook }
    }

    /// After a successful build: deletes the entries it did not use (and
    /// temporary files left by an interrupted one). Best effort: a file
    /// that cannot be deleted stays, which costs only space.
    pub fn finish(&self) {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let entries = ["figures", "pages"]
            .iter()
            .filter_map(|d| fs::read_dir(self.dir.join(d)).ok())
            .flatten();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let keep = name
                .to_str()
                .and_then(|n| u128::from_str_radix(n, 16).ok().filter(|_| n.len() == 32))
                .is_some_and(|k| used.contains(&k));
            if !keep {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Whether the figures of `key` have an entry (not whether it is
    /// still good: [`FigureCache::load`] and the replay decide that).
    fn has(&self, key: Digest) -> bool {
        self.dir.join("figures").join(hex(key)).is_file()
    }

    fn load(&self, key: Digest) -> Option<Entry> {
        let bytes = fs::read(self.dir.join("figures").join(hex(key))).ok()?;
        Entry::decode(&bytes)
    }

    /// Stores an entry's bytes in `folder`: written whole beside its
    /// place, then renamed. Failures are ignored: the next build does the
    /// work again.
    fn store(&self, folder: &str, key: Digest, bytes: Option<Vec<u8>>) {
        let Some(bytes) = bytes else {
            return;
        };
        let dir = self.dir.join(folder);
        if fs::create_dir_all(&dir).is_err() {
            return;
        }
        let n = self.writes.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{}.tmp-{}-{n}", hex(key), std::process::id()));
        if fs::write(&tmp, bytes).is_err() || fs::rename(&tmp, dir.join(hex(key))).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }

    fn mark_used(&self, keys: impl IntoIterator<Item = Digest>) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(keys);
    }

    /// The key of a whole page in this cache: its [`page_inputs`] with
    /// the cache's version salt.
    pub(crate) fn page_key(&self, inputs: Digest) -> Digest {
        Fields::new()
            .bytes(&self.salt.to_le_bytes())
            .bytes(&inputs.to_le_bytes())
            .finish()
    }

    /// A page `seen build` need not render: the one stored under `key`,
    /// if every file it read still has the bytes it read and every file it
    /// writes is in the output folder with the same bytes already
    /// (`on_disk`). Only its paths and digests come back: nothing is
    /// written for it.
    pub(crate) fn reuse_page(
        &self,
        key: Digest,
        site_root: &Path,
        on_disk: impl Fn(&str, Digest) -> bool,
    ) -> Option<PageOut> {
        let bytes = fs::read(self.dir.join("pages").join(hex(key))).ok()?;
        let (out, figure_keys) = decode_page(&bytes)?;
        if !reads_unchanged(&out.reads, site_root)
            || !out.paths.iter().all(|(path, d)| on_disk(path, *d))
        {
            return None;
        }
        self.mark_used(figure_keys.into_iter().chain([key]));
        self.pages_reused.fetch_add(1, Ordering::Relaxed);
        Some(out)
    }

    /// Stores a page just rendered, for [`FigureCache::reuse_page`].
    pub(crate) fn store_page(&self, key: Digest, out: &PageOut) {
        let figure_keys = self
            .by_page
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&out.paths[0].0)
            .unwrap_or_default();
        self.mark_used([key]);
        self.store("pages", key, encode_page(out, &figure_keys));
    }
}

/// The digest of everything a page's output depends on, besides the files
/// its blocks read (a `data` CSV, listed in its output's `reads` and checked
/// on use by [`reads_unchanged`]): the settings, the templates (`templates`,
/// [`super::templates::Templates::digest`]), the page's file and its text,
/// its place in the navigation, and the number of pages (templates can read
/// `page_count`). The one key of a page, for the figure cache on disk
/// (`seen build`) and for the pages `seen serve` keeps in memory alike.
pub(crate) fn page_inputs(
    config: &BuildConfig,
    templates: Digest,
    page: &super::content::Page,
    (nav, page_count): (&super::nav::PageNav, usize),
) -> Digest {
    Fields::new()
        .bytes(&templates.to_le_bytes())
        .str(&config.key_text())
        .bytes(page.path.as_os_str().as_encoded_bytes())
        .str(&page.out_path)
        .str(&page.source)
        .str(&format!("{nav:?}"))
        .u64(page_count as u64)
        .finish()
}

/// True if every file of `reads` still has the bytes read, and is still
/// inside the site folder (symlinks followed, as the renderer requires).
pub(crate) fn reads_unchanged(reads: &[FileRead], site_root: &Path) -> bool {
    if reads.is_empty() {
        return true;
    }
    let Ok(root) = fs::canonicalize(site_root) else {
        return false;
    };
    reads.iter().all(|read| {
        // A data file replaced by a FIFO would block the read: only a
        // regular file can be unchanged.
        fs::metadata(&read.path).is_ok_and(|m| m.is_file())
            && fs::read(&read.path).is_ok_and(|b| digest(&b) == read.digest)
            && fs::canonicalize(&read.path).is_ok_and(|p| p.starts_with(&root))
    })
}

/// A [`FigureHook`] in front of another, with a [`FigureCache`].
pub struct Cached<'a> {
    cache: &'a FigureCache,
    hook: &'a dyn FigureHook,
}

impl FigureHook for Cached<'_> {
    fn render(&self, block: &Block, page: &PageCtx) -> Result<Rendered, Diagnostic> {
        self.hook.render(block, page)
    }

    /// The runs with no entry in the cache go to the hook behind, to be
    /// worked on ahead (all at once, on all cores); the others are replayed
    /// at their run. (A run whose entry turns out stale, a data file it
    /// read changed, is worked on at its run, as without a cache.)
    fn prepare(&self, runs: &[Vec<Block>], page: &PageCtx, state: &mut FigureState) {
        let missing: Vec<Vec<Block>> = (runs.iter())
            .filter(|run| !self.cache.has(key(self.cache.salt, run, page)))
            .cloned()
            .collect();
        if !missing.is_empty() {
            self.hook.prepare(&missing, page, state);
        }
    }

    fn render_run(
        &self,
        blocks: &[Block],
        page: &PageCtx,
        state: &mut FigureState,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let key = key(self.cache.salt, blocks, page);
        self.cache.mark_used([key]);
        self.cache
            .by_page
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(page.out_path.clone())
            .or_default()
            .push(key);
        let at = origin(blocks, page);
        if let Some(entry) = self.cache.load(key)
            && let Some(rendered) = entry.replay(page, state, at)
        {
            self.cache.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(rendered);
        }
        self.cache.misses.fetch_add(1, Ordering::Relaxed);
        let (ids, warnings) = (state.ids.len(), state.warnings.len());
        let rendered = self.hook.render_run(blocks, page, state)?;
        let entry = Entry {
            rendered,
            ids: state.ids[ids..].to_vec(),
            warnings: state.warnings[warnings..].to_vec(),
            at,
        };
        self.cache.store("figures", key, entry.encode());
        Ok(entry.rendered)
    }
}

/// The key of a run of blocks on a page (see the module's documentation).
fn key(salt: Digest, blocks: &[Block], page: &PageCtx) -> Digest {
    let mut f = Fields::new();
    f.bytes(&salt.to_le_bytes())
        .bytes(page.file.as_os_str().as_encoded_bytes())
        .bytes(page.path.as_os_str().as_encoded_bytes())
        .bytes(page.site_root.as_os_str().as_encoded_bytes())
        .str(&page.out_path)
        .str(&page.stem)
        .str(&page.root)
        .u64(blocks.len() as u64);
    for b in blocks {
        f.str(&b.source).str(&b.info);
    }
    // The lines around the blocks (from the fence line before the first
    // to the line after the last): with where they stand ([`origin`]), all
    // a warning's `line:col` and shown line can depend on.
    let text = page.source.as_str();
    let (start, end) = around(blocks, text);
    f.bytes(&text.as_bytes()[start..end]);
    f.finish()
}

/// The byte range of the lines around a run of blocks: from the fence
/// line before the first to the line after the last.
fn around(blocks: &[Block], text: &str) -> (usize, usize) {
    let first = blocks.first().map_or(0, |b| b.body_offset).min(text.len());
    let last = blocks
        .last()
        .map_or(0, |b| b.file_offset(text, b.source.len()))
        .min(text.len());
    let start = line_start(text, line_start(text, first).saturating_sub(1));
    let end = line_end(text, (line_end(text, last) + 1).min(text.len()));
    (start.min(end), end)
}

/// Where a run of blocks stands in its file: the byte offset of its first
/// block's body and the line number (from 0) of the fence line before it.
fn origin(blocks: &[Block], page: &PageCtx) -> (usize, usize) {
    let text = page.source.as_str();
    let (start, _) = around(blocks, text);
    let line = text.as_bytes()[..start]
        .iter()
        .filter(|&&c| c == b'\n')
        .count();
    (blocks.first().map_or(0, |b| b.body_offset), line)
}

/// The start of the line holding byte `at` of `text`.
fn line_start(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1)
}

/// The end (the `\n`, or the end of the text) of the line holding `at`.
fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[at..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(text.len(), |i| at + i)
}

/// What a cache entry holds: the figure, and what it added to the page's
/// [`FigureState`].
struct Entry {
    rendered: Rendered,
    ids: Vec<(String, usize)>,
    warnings: Vec<Diagnostic>,
    /// Where the run stood when it was drawn ([`origin`]).
    at: (usize, usize),
}

impl Entry {
    /// The figure, if every file it read still has the bytes it read (and
    /// is still inside the site folder, symlinks followed, as the renderer
    /// requires) and none of its ids is taken on the page; its ids and
    /// warnings are then added to `state`.
    /// `at` is where the run stands now ([`origin`]): the ids' file
    /// offsets move with it, and warnings are kept only in place.
    fn replay(
        self,
        page: &PageCtx,
        state: &mut FigureState,
        at: (usize, usize),
    ) -> Option<Rendered> {
        if !reads_unchanged(&self.rendered.reads, &page.site_root) {
            return None;
        }
        if !self.warnings.is_empty() && at != self.at {
            return None;
        }
        if self
            .ids
            .iter()
            .any(|(id, _)| state.ids.iter().any(|(seen, _)| seen == id))
        {
            return None;
        }
        let moved = |o: usize| (o + at.0).checked_sub(self.at.0);
        let ids: Option<Vec<(String, usize)>> = self
            .ids
            .into_iter()
            .map(|(id, o)| Some((id, moved(o)?)))
            .collect();
        state.ids.extend(ids?);
        state.warnings.extend(self.warnings);
        Some(self.rendered)
    }

    /// The entry's bytes: [`MAGIC`], the fields, then the digest of all
    /// that. `None` for what cannot be stored (a path that is not UTF-8).
    fn encode(&self) -> Option<Vec<u8>> {
        let r = &self.rendered;
        let mut w = Writer(MAGIC.to_vec());
        w.bytes(r.html.as_bytes());
        w.num(r.assets.len());
        for (path, bytes) in &r.assets {
            w.bytes(path.as_bytes());
            w.bytes(bytes);
        }
        w.num(r.figures);
        w.num(r.frames);
        w.num(r.reads.len());
        for read in &r.reads {
            w.bytes(read.path.to_str()?.as_bytes());
            w.bytes(&read.digest.to_le_bytes());
        }
        w.num(self.ids.len());
        for (id, at) in &self.ids {
            w.bytes(id.as_bytes());
            w.num(*at);
        }
        w.diagnostics(&self.warnings)?;
        w.num(self.at.0);
        w.num(self.at.1);
        Some(w.sealed())
    }

    /// Reads [`Entry::encode`]'s bytes back; `None` for anything else.
    fn decode(bytes: &[u8]) -> Option<Entry> {
        let plain = Reader::unseal(bytes)?;
        let mut r = Reader(&plain);
        let html = r.string()?;
        let mut assets = Vec::new();
        for _ in 0..r.count()? {
            assets.push((r.string()?, r.bytes()?.to_vec()));
        }
        let figures = r.num()?;
        let frames = r.num()?;
        let reads = r.reads()?;
        let mut ids = Vec::new();
        for _ in 0..r.count()? {
            ids.push((r.string()?, r.num()?));
        }
        let warnings = r.diagnostics()?;
        let at = (r.num()?, r.num()?);
        if !r.0.is_empty() {
            return None;
        }
        Some(Entry {
            rendered: Rendered {
                html,
                assets,
                figures,
                frames,
                reads,
            },
            ids,
            warnings,
            at,
        })
    }
}

/// A page entry: its files' paths and digests, its counts, warnings and
/// the files it read, and the keys of its figures' entries (kept while the
/// page is).
fn encode_page(out: &PageOut, figure_keys: &[Digest]) -> Option<Vec<u8>> {
    let mut w = Writer(MAGIC.to_vec());
    w.bytes(b"page");
    w.num(out.paths.len());
    for (path, d) in &out.paths {
        w.bytes(path.as_bytes());
        w.bytes(&d.to_le_bytes());
    }
    w.num(out.figures);
    w.num(out.frames);
    w.diagnostics(&out.warnings)?;
    w.num(out.reads.len());
    for read in &out.reads {
        w.bytes(read.path.to_str()?.as_bytes());
        w.bytes(&read.digest.to_le_bytes());
    }
    w.num(figure_keys.len());
    for k in figure_keys {
        w.bytes(&k.to_le_bytes());
    }
    Some(w.sealed())
}

fn decode_page(bytes: &[u8]) -> Option<(PageOut, Vec<Digest>)> {
    let plain = Reader::unseal(bytes)?;
    let mut r = Reader(&plain);
    if r.bytes()? != b"page" {
        return None;
    }
    let mut paths = Vec::new();
    for _ in 0..r.count()? {
        paths.push((r.string()?, r.digest()?));
    }
    if paths.is_empty() {
        return None;
    }
    let figures = r.num()?;
    let frames = r.num()?;
    let warnings = r.diagnostics()?;
    let reads = r.reads()?;
    let mut keys = Vec::new();
    for _ in 0..r.count()? {
        keys.push(r.digest()?);
    }
    if !r.0.is_empty() {
        return None;
    }
    let out = PageOut {
        paths,
        bytes: Vec::new(),
        figures,
        frames,
        warnings,
        reads,
    };
    Some((out, keys))
}

/// Length-prefixed fields, little-endian.
struct Writer(Vec<u8>);

impl Writer {
    /// The bytes, with the digest of all of them at the end.
    /// [`MAGIC`], the fields compressed (LZ4), then the digest of both.
    fn sealed(self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend(lz4_flex::compress_prepend_size(&self.0[MAGIC.len()..]));
        let sum = digest(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Diagnostics; `None` for a file name that is not UTF-8.
    fn diagnostics(&mut self, diags: &[Diagnostic]) -> Option<()> {
        self.num(diags.len());
        for d in diags {
            self.num(match d.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
            });
            self.bytes(d.file.to_str()?.as_bytes());
            self.num(d.line);
            self.num(d.col);
            self.bytes(d.message.as_bytes());
            self.bytes(d.snippet.as_bytes());
            self.num(d.underline.0);
            self.num(d.underline.1);
            for opt in [&d.expected, &d.hint, &d.note] {
                self.opt(opt.as_deref());
            }
        }
        Some(())
    }

    fn num(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u64).to_le_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.num(b.len());
        self.0.extend_from_slice(b);
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            None => self.num(0),
            Some(s) => {
                self.num(1);
                self.bytes(s.as_bytes());
            }
        }
    }
}

/// Reads [`Writer`]'s fields; every read checks the bounds.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    /// The fields of [`Writer::sealed`]'s bytes, if the digest at the end
    /// and the magic at the start are right.
    /// The fields of a sealed entry ([`Writer::sealed`]), decompressed;
    /// `None` unless the magic and the digest match and the fields
    /// decompress (to at most [`MAX_ENTRY`] bytes).
    fn unseal(bytes: &[u8]) -> Option<Vec<u8>> {
        let body_len = bytes.len().checked_sub(16)?;
        let (body, sum) = bytes.split_at(body_len);
        if !body.starts_with(MAGIC) || digest(body).to_le_bytes() != sum {
            return None;
        }
        let packed = &body[MAGIC.len()..];
        let size = u32::from_le_bytes(packed.get(..4)?.try_into().ok()?) as usize;
        if size > MAX_ENTRY {
            return None;
        }
        lz4_flex::decompress_size_prepended(packed).ok()
    }

    /// The files a run read, as [`Writer`] wrote them: a count, then a
    /// path and a digest each.
    fn reads(&mut self) -> Option<Vec<FileRead>> {
        let mut reads = Vec::new();
        for _ in 0..self.count()? {
            let path = PathBuf::from(self.string()?);
            reads.push(FileRead {
                path,
                digest: self.digest()?,
            });
        }
        Some(reads)
    }

    fn digest(&mut self) -> Option<Digest> {
        Some(u128::from_le_bytes(self.bytes()?.try_into().ok()?))
    }

    fn diagnostics(&mut self) -> Option<Vec<Diagnostic>> {
        let mut out = Vec::new();
        for _ in 0..self.count()? {
            let severity = match self.num()? {
                0 => Severity::Error,
                1 => Severity::Warning,
                _ => return None,
            };
            out.push(Diagnostic {
                severity,
                file: PathBuf::from(self.string()?),
                line: self.num()?,
                col: self.num()?,
                message: self.string()?,
                snippet: self.string()?,
                underline: (self.num()?, self.num()?),
                expected: self.opt()?,
                hint: self.opt()?,
                note: self.opt()?,
            });
        }
        Some(out)
    }

    fn num(&mut self) -> Option<usize> {
        let (n, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        usize::try_from(u64::from_le_bytes(*n)).ok()
    }

    /// A count of items that each take at least a byte: never more than
    /// the bytes left, so a damaged count cannot ask for a huge loop.
    fn count(&mut self) -> Option<usize> {
        self.num().filter(|&n| n <= self.0.len())
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.num()?;
        if n > self.0.len() {
            return None;
        }
        let (b, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(b)
    }

    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    fn opt(&mut self) -> Option<Option<String>> {
        match self.num()? {
            0 => Some(None),
            1 => self.string().map(Some),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            rendered: Rendered {
                html: "<figure>é</figure>\n".into(),
                assets: vec![("figures/a/b.svg".into(), b"<svg/>".to_vec())],
                figures: 2,
                frames: 7,
                reads: vec![FileRead {
                    path: PathBuf::from("/site/content/moons.csv"),
                    digest: digest(b"x,y\n1,2\n"),
                }],
            },
            ids: vec![("moons".into(), 120)],
            warnings: vec![
                Diagnostic::at("content/index.md", "a\nbcd\n", 3, 1, "unused")
                    .with_hint("remove it")
                    .warning(),
            ],
            at: (100, 7),
        }
    }

    #[test]
    fn entries_round_trip() {
        let e = entry();
        let back = Entry::decode(&e.encode().unwrap()).unwrap();
        assert_eq!(back.rendered, e.rendered);
        assert_eq!(back.ids, e.ids);
        assert_eq!(back.warnings, e.warnings);
        assert_eq!(back.at, e.at);
    }

    /// A run moved by an edit above it is reused with its ids moved along;
    /// one with warnings (which name a line) only where it was drawn.
    #[test]
    fn a_moved_run_is_reused_with_its_ids_moved_and_warnings_only_in_place() {
        let page = PageCtx {
            file: PathBuf::from("content/index.md"),
            source: String::new(),
            out_path: "index.html".into(),
            stem: "index".into(),
            root: String::new(),
            title: "t".into(),
            path: PathBuf::from("/site/content/index.md"),
            site_root: PathBuf::from("/site"),
        };
        let quiet = || Entry {
            rendered: Rendered {
                reads: Vec::new(),
                ..entry().rendered
            },
            warnings: Vec::new(),
            ..entry()
        };
        let mut state = FigureState::default();
        assert!(quiet().replay(&page, &mut state, (150, 9)).is_some());
        assert_eq!(state.ids, vec![("moons".to_string(), 170)]);

        let mut state = FigureState::default();
        let loud = || Entry {
            rendered: quiet().rendered,
            ..entry()
        };
        assert!(loud().replay(&page, &mut state, (150, 9)).is_none());
        assert!(state.ids.is_empty() && state.warnings.is_empty());
        assert!(loud().replay(&page, &mut state, (100, 7)).is_some());
        assert_eq!(state.ids, vec![("moons".to_string(), 120)]);
        assert_eq!(state.warnings.len(), 1);
    }

    #[test]
    fn damaged_entries_are_misses() {
        let bytes = entry().encode().unwrap();
        // Every truncation, and a flipped bit at every position.
        for n in 0..bytes.len() {
            assert!(Entry::decode(&bytes[..n]).is_none(), "truncated at {n}");
            let mut b = bytes.clone();
            b[n] ^= 0x10;
            assert!(Entry::decode(&b).is_none(), "bit flipped at {n}");
        }
        assert!(Entry::decode(b"").is_none());
    }
}
