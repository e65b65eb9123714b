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
//! - each block: its text, its info string and its byte offset in the file,
//!   and the lines of the file around the blocks with the line number they
//!   start at, since warnings point at `file:line:col` and show the line;
//!
//! and the entry itself lists the files the blocks read ([`Rendered::reads`])
//! with the digest of what was read. An entry is used only when every one
//! of those files still has those bytes, so an edited CSV is never served
//! stale. Besides the figure (its HTML, files, counts), an entry holds what
//! the run added to the page's [`FigureState`] (the ids it took and the
//! warnings), replayed on a hit; a hit whose ids the page already used is
//! treated as a miss, so the duplicate-id error comes from the renderer.
//! Only successful runs are stored: errors are always found afresh.
//!
//! Entries are files `figures/<key>` with a checksum at the end; a missing,
//! truncated, damaged or unreadable entry is a miss (never an error, never
//! wrong output), and every write is a rename of a complete file. The
//! folder can be deleted at any time. After a successful build, entries the
//! build did not use are deleted ([`FigureCache::finish`]), so the cache
//! holds one site's figures. `seen build --no-cache` neither reads nor
//! writes it.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::digest::{Digest, Fields, digest, hex};
use super::{
    Block, BuildConfig, Diagnostic, FigureHook, FigureState, FileRead, PageCtx, Rendered, Severity,
    templates,
};

/// The cache folder, in the site root.
pub const DIR: &str = ".seen-cache";

/// The first bytes of every entry; a new layout gets a new number.
const MAGIC: &[u8] = b"seen figure cache 1\n";

/// A site's figure cache.
#[derive(Debug)]
pub struct FigureCache {
    dir: PathBuf,
    /// The version and the templates, folded into every key.
    salt: Digest,
    /// Keys looked up or stored by this build.
    used: Mutex<HashSet<Digest>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
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
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
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

    /// `hook`, answering from the cache when it can and filling it.
    pub fn hook<'a>(&'a self, hook: &'a dyn FigureHook) -> Cached<'a> {
        Cached { cache: self, hook }
    }

    /// After a successful build: deletes the entries it did not use (and
    /// temporary files left by an interrupted one). Best effort: a file
    /// that cannot be deleted stays, which costs only space.
    pub fn finish(&self) {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = fs::read_dir(self.dir.join("figures")) else {
            return;
        };
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

    fn entry_path(&self, key: Digest) -> PathBuf {
        self.dir.join("figures").join(hex(key))
    }

    fn load(&self, key: Digest) -> Option<Entry> {
        let bytes = fs::read(self.entry_path(key)).ok()?;
        Entry::decode(&bytes)
    }

    /// Stores an entry: written whole beside its place, then renamed.
    /// Failures are ignored: the next build draws the figure again.
    fn store(&self, key: Digest, entry: &Entry) {
        let Some(bytes) = entry.encode() else {
            return;
        };
        let dir = self.dir.join("figures");
        if fs::create_dir_all(&dir).is_err() {
            return;
        }
        let n = self.writes.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{}.tmp-{}-{n}", hex(key), std::process::id()));
        if fs::write(&tmp, bytes).is_err() || fs::rename(&tmp, self.entry_path(key)).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }
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

    fn render_run(
        &self,
        blocks: &[Block],
        page: &PageCtx,
        state: &mut FigureState,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let key = key(self.cache.salt, blocks, page);
        self.cache
            .used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key);
        if let Some(entry) = self.cache.load(key)
            && let Some(rendered) = entry.replay(page, state)
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
        };
        self.cache.store(key, &entry);
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
        f.str(&b.source).str(&b.info).u64(b.body_offset as u64);
    }
    // The lines around the blocks (from the fence line before the first
    // to the line after the last), and the line they start at: all a
    // warning's `line:col` and shown line can depend on.
    let text = page.source.as_str();
    let first = blocks.first().map_or(0, |b| b.body_offset).min(text.len());
    let last = blocks
        .last()
        .map_or(0, |b| b.file_offset(text, b.source.len()))
        .min(text.len());
    let start = line_start(text, line_start(text, first).saturating_sub(1));
    let end = line_end(text, (line_end(text, last) + 1).min(text.len()));
    let (start, end) = (start.min(end), end);
    f.u64(
        text.as_bytes()[..start]
            .iter()
            .filter(|&&c| c == b'\n')
            .count() as u64,
    )
    .u64(start as u64)
    .bytes(&text.as_bytes()[start..end]);
    f.finish()
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
}

impl Entry {
    /// The figure, if every file it read still has the bytes it read (and
    /// is still inside the site folder, symlinks followed, as the renderer
    /// requires) and none of its ids is taken on the page; its ids and
    /// warnings are then added to `state`.
    fn replay(self, page: &PageCtx, state: &mut FigureState) -> Option<Rendered> {
        if !self.rendered.reads.is_empty() {
            let root = fs::canonicalize(&page.site_root).ok()?;
            for read in &self.rendered.reads {
                let bytes = fs::read(&read.path).ok()?;
                if digest(&bytes) != read.digest
                    || !fs::canonicalize(&read.path).ok()?.starts_with(&root)
                {
                    return None;
                }
            }
        }
        if self
            .ids
            .iter()
            .any(|(id, _)| state.ids.iter().any(|(seen, _)| seen == id))
        {
            return None;
        }
        state.ids.extend(self.ids);
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
        w.num(self.warnings.len());
        for d in &self.warnings {
            w.num(match d.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
            });
            w.bytes(d.file.to_str()?.as_bytes());
            w.num(d.line);
            w.num(d.col);
            w.bytes(d.message.as_bytes());
            w.bytes(d.snippet.as_bytes());
            w.num(d.underline.0);
            w.num(d.underline.1);
            for opt in [&d.expected, &d.hint, &d.note] {
                w.opt(opt.as_deref());
            }
        }
        let sum = digest(&w.0);
        w.0.extend_from_slice(&sum.to_le_bytes());
        Some(w.0)
    }

    /// Reads [`Entry::encode`]'s bytes back; `None` for anything else.
    fn decode(bytes: &[u8]) -> Option<Entry> {
        let body_len = bytes.len().checked_sub(16)?;
        let (body, sum) = bytes.split_at(body_len);
        if !body.starts_with(MAGIC) || digest(body).to_le_bytes() != sum {
            return None;
        }
        let mut r = Reader(&body[MAGIC.len()..]);
        let html = r.string()?;
        let mut assets = Vec::new();
        for _ in 0..r.count()? {
            assets.push((r.string()?, r.bytes()?.to_vec()));
        }
        let figures = r.num()?;
        let frames = r.num()?;
        let mut reads = Vec::new();
        for _ in 0..r.count()? {
            let path = PathBuf::from(r.string()?);
            let digest = u128::from_le_bytes(r.bytes()?.try_into().ok()?);
            reads.push(FileRead { path, digest });
        }
        let mut ids = Vec::new();
        for _ in 0..r.count()? {
            ids.push((r.string()?, r.num()?));
        }
        let mut warnings = Vec::new();
        for _ in 0..r.count()? {
            let severity = match r.num()? {
                0 => Severity::Error,
                1 => Severity::Warning,
                _ => return None,
            };
            warnings.push(Diagnostic {
                severity,
                file: PathBuf::from(r.string()?),
                line: r.num()?,
                col: r.num()?,
                message: r.string()?,
                snippet: r.string()?,
                underline: (r.num()?, r.num()?),
                expected: r.opt()?,
                hint: r.opt()?,
                note: r.opt()?,
            });
        }
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
        })
    }
}

/// Length-prefixed fields, little-endian.
struct Writer(Vec<u8>);

impl Writer {
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
        }
    }

    #[test]
    fn entries_round_trip() {
        let e = entry();
        let back = Entry::decode(&e.encode().unwrap()).unwrap();
        assert_eq!(back.rendered, e.rendered);
        assert_eq!(back.ids, e.ids);
        assert_eq!(back.warnings, e.warnings);
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
