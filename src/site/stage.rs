//! `seen build`'s writer: each page's files are written as soon as the page
//! is rendered, into a staging folder beside the output folder, and only
//! those whose bytes changed since the last build.
//!
//! A build never holds the whole site in memory: a page's files go to disk
//! from the thread that rendered it and are dropped, and what stays is one
//! path and one [`Digest`] per file, for the collision check ("two pages
//! may write the same path only with the same bytes") and for this writer.
//!
//! **What changed.** After a successful build the writer records, in a
//! manifest kept in the cache folder (`.seen-cache/manifest.json`), every
//! file of the output folder with its size, modification time and digest.
//! The next build trusts a record only while the file on disk still has
//! that size and that modification time (nanoseconds), so a file anyone
//! touched, replaced or removed since is simply written again; that costs a
//! `stat` per file instead of reading the whole output back. A file whose
//! digest is the recorded one is not written at all: it is hard-linked
//! from the output folder into the staging folder, so it keeps its
//! modification time; a new or changed file is written there.
//!
//! **All or nothing.** Nothing in the output folder changes until every page
//! has succeeded: a failed build only removes the staging folder. Then
//! [`Stage::commit`] swaps the staging folder in for the output folder in
//! one step ([`output::Staging::publish`]) and writes the new manifest. A
//! build that changed nothing leaves the output folder alone. Without a
//! usable manifest (the first build, `--no-cache`, another output folder,
//! or a damaged manifest, even one that is a folder) every file is written.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::output;
use super::{BuildConfig, BuildError, Bytes, Sink};
use crate::util::digest::{Digest, hex};

/// The file, in the cache folder, that records the last build's output.
pub const MANIFEST: &str = "manifest.json";

/// A build's files on their way to the output folder.
pub(crate) struct Stage {
    staging: output::Staging,
    /// Where the manifest is kept; `None` without a cache folder.
    manifest: Option<PathBuf>,
    /// Files of the output folder whose bytes are known: path → the
    /// record the manifest holds and the disk still matches.
    known: HashMap<String, Record>,
    /// Paths written into the staging folder.
    staged: Mutex<HashSet<String>>,
    files_written: AtomicUsize,
    bytes_written: AtomicU64,
}

/// What the manifest remembers of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Record {
    size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    mtime: u128,
    /// The digest as 32 hex digits (JSON has no 128-bit numbers).
    #[serde(with = "hex_digest")]
    digest: Digest,
}

/// The manifest: the output folder it describes, and its files.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    /// The output folder, absolute.
    out: PathBuf,
    files: BTreeMap<String, Record>,
}

mod hex_digest {
    use super::Digest;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Digest, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = String::deserialize(d)?;
        u128::from_str_radix(&s, 16).map_err(serde::de::Error::custom)
    }
}

/// What a commit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Written {
    /// Files written (new or changed).
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Files removed because the site no longer has them.
    pub removed: usize,
}

/// The size and modification time of a file, if it is a file.
fn stat(path: &Path) -> Option<(u64, u128)> {
    let meta = fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some((meta.len(), mtime.as_nanos()))
}

impl Stage {
    /// Makes a fresh staging folder beside the output folder (once the
    /// output folder is known to be seen's to replace, see
    /// [`output::claim`]) and reads what the manifest at `manifest` (if
    /// any) says the output folder holds.
    pub fn begin(config: &BuildConfig, manifest: Option<PathBuf>) -> Result<Stage, BuildError> {
        let staging = output::Staging::begin(config)?;
        let out = staging.out();
        let known = match &manifest {
            Some(m) if out.is_dir() => known_files(m, out),
            _ => HashMap::new(),
        };
        Ok(Stage {
            staging,
            manifest,
            known,
            staged: Mutex::new(HashSet::new()),
            files_written: AtomicUsize::new(0),
            bytes_written: AtomicU64::new(0),
        })
    }

    /// Puts the site in place: `listing` is every file of the new site with
    /// its digest. Returns what was written and removed.
    pub fn commit(self, listing: &BTreeMap<String, Digest>) -> Result<Written, BuildError> {
        let staged = self.staged.into_inner().unwrap_or_else(|e| e.into_inner());
        let out = self.staging.out().to_path_buf();
        let removed = self
            .known
            .keys()
            .filter(|rel| !listing.contains_key(*rel))
            .count();
        let written = Written {
            files: self.files_written.load(Ordering::Relaxed),
            bytes: self.bytes_written.load(Ordering::Relaxed),
            removed,
        };
        let unchanged = staged.is_empty()
            && listing.keys().all(|rel| self.known.contains_key(rel))
            && holds_exactly(&out, listing);
        if unchanged {
            // The output folder is this very site: dropping the staging
            // folder removes it, and the manifest still holds.
            return Ok(written);
        }
        // Unchanged files come over from the output folder.
        let kept: Vec<&String> = listing
            .keys()
            .filter(|rel| !staged.contains(*rel))
            .collect();
        let copied: Vec<&String> = {
            use rayon::prelude::*;
            let staging = &self.staging;
            kept.par_iter()
                .map(|rel| staging.keep(rel).map(|linked| (!linked).then_some(*rel)))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .collect()
        };
        self.staging.publish()?;
        if let Some(path) = &self.manifest {
            let mut records = BTreeMap::new();
            for (rel, digest) in listing {
                let record = match self.known.get(rel) {
                    Some(r) if r.digest == *digest && !copied.contains(&rel) => Some(*r),
                    _ => stat(&output::local(&out, rel)).map(|(size, mtime)| Record {
                        size,
                        mtime,
                        digest: *digest,
                    }),
                };
                if let Some(r) = record {
                    records.insert(rel.clone(), r);
                }
            }
            // Best effort: without a manifest the next build writes
            // everything, which is slower, never wrong.
            let _ = write_manifest(path, &out, records);
        }
        Ok(written)
    }
}

/// True if `out` holds exactly the files of `listing` and the marker, and
/// no other file or folder.
fn holds_exactly(out: &Path, listing: &BTreeMap<String, Digest>) -> bool {
    let mut dirs: HashSet<&str> = HashSet::new();
    for rel in listing.keys() {
        let mut s = rel.as_str();
        while let Some(i) = s.rfind('/') {
            s = &s[..i];
            if !dirs.insert(s) {
                break;
            }
        }
    }
    let mut files = 0;
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let Ok(entry) = entry else { return false };
        let Ok(rel) = entry.path().strip_prefix(out) else {
            return false;
        };
        let Some(rel) = rel
            .to_str()
            .map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"))
        else {
            return false;
        };
        let kind = entry.file_type();
        if kind.is_dir() && dirs.contains(rel.as_str()) {
            continue;
        }
        if kind.is_file() && (rel == output::MARKER || listing.contains_key(&rel)) {
            files += 1;
            continue;
        }
        return false;
    }
    files == listing.len() + 1
}

impl Sink for Stage {
    fn has(&self, rel: &str, digest: Digest) -> bool {
        self.known.get(rel).is_some_and(|r| r.digest == digest)
    }

    fn put(&self, rel: &str, bytes: &Bytes, digest: Digest) -> Result<(), BuildError> {
        if self.has(rel, digest) {
            return Ok(()); // the output folder has these very bytes
        }
        if !self
            .staged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string())
        {
            // Another page writes the same path: with the same bytes it is
            // the same file, and with others the build fails anyway.
            return Ok(());
        }
        self.staging.write(rel, bytes.as_slice())?;
        self.files_written.fetch_add(1, Ordering::Relaxed);
        self.bytes_written
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// The manifest at `manifest`, if it is one (a missing, unreadable or
/// damaged manifest, or a folder in its place, is none) and it describes
/// the output folder `out`.
fn read_manifest(manifest: &Path, out: &Path) -> Option<Manifest> {
    let text = fs::read(manifest).ok()?;
    let m = serde_json::from_slice::<Manifest>(&text).ok()?;
    output::same_place(out, &m.out).then_some(m)
}

/// The files of the manifest at `manifest` that describe `out` and that
/// the disk still matches (same size, same modification time). A missing,
/// unreadable or damaged manifest, or one of another folder, knows nothing.
fn known_files(manifest: &Path, out: &Path) -> HashMap<String, Record> {
    let Some(m) = read_manifest(manifest, out) else {
        return HashMap::new();
    };
    m.files
        .into_iter()
        .filter(|(rel, r)| {
            output::is_safe_relative(rel)
                && stat(&output::local(out, rel)) == Some((r.size, r.mtime))
        })
        .collect()
}

/// Every file the manifest at `manifest` lists for the output folder
/// `out`, whatever the disk holds now; `None` without a usable manifest of
/// that folder. A folder whose files are all listed was written by seen
/// (see [`output::claim`]).
pub(crate) fn listed_files(manifest: &Path, out: &Path) -> Option<BTreeSet<String>> {
    read_manifest(manifest, out).map(|m| m.files.into_keys().collect())
}

fn write_manifest(
    path: &Path,
    out: &Path,
    files: BTreeMap<String, Record>,
) -> Result<(), BuildError> {
    let m = Manifest {
        out: std::path::absolute(out).map_err(|e| BuildError::io(out, e))?,
        files,
    };
    let bytes = serde_json::to_vec(&m).expect("JSON of strings and numbers");
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&tmp, bytes).map_err(|e| BuildError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        BuildError::io(path, e)
    })
}
