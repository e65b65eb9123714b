//! Rebuilds for `seen serve` that render and write only what changed.
//!
//! A full build of a 200-page site loads every figure of every page (from
//! the figure cache, [`super::cache`], at best) and renders every page:
//! too slow for an edit to one page. An [`Incremental`] keeps the last good
//! build in memory. The next build
//! still loads every source and settles the navigation, but renders only
//! the pages whose inputs changed, each page keyed by the digest of
//! everything its output depends on ([`cache::page_inputs`], the same key
//! the figure cache on disk uses): its file, its place in the navigation,
//! the page count, the settings and the templates; and the files its blocks
//! read are checked again. Then only files whose bytes changed are
//! written, into a staging folder where the unchanged ones are hard-linked
//! from the output folder, and the staging folder is swapped in for the
//! output folder in one step, as `seen build` does ([`output::Staging`]).
//!
//! The price is memory: the whole last good site stays in memory (handed
//! over by a [`Memory`] sink; about the size of the output folder), where
//! `seen build` writes each page's files as it goes and keeps only their
//! digests.
//!
//! A failed build writes nothing, as a full build does. The first build,
//! or one after a write failed, after the output folder went away or moved,
//! writes every file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use super::cache;
use super::{BuildConfig, BuildError, Bytes, PageOut, Report, Sink, output, render_site};
use crate::page::FigureHook;
use crate::util::digest::Digest;

/// Keeps every file of a build in memory, for [`update`] to compare with
/// the next build's.
#[derive(Default)]
struct Memory(std::sync::Mutex<BTreeMap<String, Bytes>>);

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &Bytes, _: Digest) -> Result<(), BuildError> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), Arc::clone(bytes));
        Ok(())
    }
}

/// The last good build, kept for the next one.
#[derive(Debug, Default)]
pub struct Incremental {
    /// Page output path → (key of its inputs, its output).
    pages: HashMap<String, (Digest, Arc<PageOut>)>,
    /// Every file of the last good build, as written.
    files: BTreeMap<String, Bytes>,
    /// The output folder those files are in; `None` until a build wrote
    /// it whole, and again after a failed write.
    written_to: Option<PathBuf>,
}

/// What an incremental build did, besides the usual report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reuse {
    /// Pages rendered again, of all pages.
    pub rendered: usize,
    pub pages: usize,
    /// Files written (or removed); `None` when the folder was replaced whole.
    pub written: Option<usize>,
}

impl Incremental {
    pub fn new() -> Incremental {
        Incremental::default()
    }

    /// The cached output of the page at `out_path`, if its key is `key`
    /// and every file its blocks read (a CSV, say) still has the bytes
    /// they read: the key covers the page's own file, not those.
    pub(crate) fn page(
        &self,
        out_path: &str,
        key: Digest,
        site_root: &Path,
    ) -> Option<Arc<PageOut>> {
        match self.pages.get(out_path) {
            Some((k, out)) if *k == key && cache::reads_unchanged(&out.reads, site_root) => {
                Some(Arc::clone(out))
            }
            _ => None,
        }
    }
}

/// Builds the site like [`super::build`], rendering and writing only what
/// changed since the last good build kept in `cache`.
pub fn build(
    config: &BuildConfig,
    hook: &dyn FigureHook,
    cache: &mut Incremental,
) -> Result<(Report, Reuse), BuildError> {
    let start = Instant::now();
    // Refused at once when the output folder is not seen's to replace,
    // before any page is rendered (publishing checks again).
    output::claim(config)?;
    let memory = Memory::default();
    let site = render_site(config, hook, (Some(cache), None), &memory)?;
    let files = memory.0.into_inner().unwrap_or_else(|e| e.into_inner());
    // A page reused is the very output kept from the last build.
    let rendered = site
        .pages
        .iter()
        .filter(|(path, _, out)| {
            !cache
                .pages
                .get(path)
                .is_some_and(|(_, kept)| Arc::ptr_eq(kept, out))
        })
        .count();
    let out = config.output_path();
    let same_folder = cache.written_to.as_ref() == Some(&out) && out.is_dir();
    cache.written_to = None; // until the new site is in place
    let written = publish(config, same_folder.then_some(&cache.files), &files)?;
    let written = same_folder.then_some(written);
    cache.written_to = Some(out);
    cache.pages = site
        .pages
        .into_iter()
        .map(|(path, key, page)| (path, (key, page)))
        .collect();
    cache.files = files;
    let reuse = Reuse {
        rendered,
        pages: site.report.pages,
        written,
    };
    Ok((
        Report {
            elapsed: start.elapsed(),
            ..site.report
        },
        reuse,
    ))
}

/// Publishes the site `new`: with `old`, the files the output folder
/// holds from the last build, only the files whose bytes differ are
/// written (the others are hard-linked from the output folder), and
/// nothing at all if none differ and none are gone. Returns how many files
/// were written or removed.
fn publish(
    config: &BuildConfig,
    old: Option<&BTreeMap<String, Bytes>>,
    new: &BTreeMap<String, Bytes>,
) -> Result<usize, BuildError> {
    let unchanged = |path: &String, bytes: &Bytes| {
        old.and_then(|old| old.get(path))
            .is_some_and(|before| Arc::ptr_eq(before, bytes) || before == bytes)
    };
    let changed: Vec<(&String, &Bytes)> = new
        .iter()
        .filter(|(path, bytes)| !unchanged(path, bytes))
        .collect();
    let gone = old.map_or(0, |old| {
        old.keys().filter(|p| !new.contains_key(*p)).count()
    });
    if old.is_some() && changed.is_empty() && gone == 0 {
        // Still claimed: the output folder must be seen's to be served.
        output::claim(config)?;
        return Ok(0);
    }
    let staging = output::Staging::begin(config)?;
    new.par_iter().try_for_each(|(rel, bytes)| {
        if unchanged(rel, bytes) {
            staging.keep(rel).map(|_| ())
        } else {
            staging.write(rel, bytes)
        }
    })?;
    staging.publish()?;
    Ok(changed.len() + gone)
}
