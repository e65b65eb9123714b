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
//! digest is the recorded one is not written at all (its modification time
//! stays); a new or changed file is written into the staging folder.
//!
//! **All or nothing.** Nothing in the output folder changes until every page
//! has succeeded: a failed build only removes the staging folder. Then
//! [`Stage::commit`] removes the files the site no longer has, renames the
//! staged ones into place (each a rename, so a server never sends half a
//! file), and writes the new manifest. Without a usable manifest (the first
//! build, `--no-cache`, another output folder, or a damaged manifest) every
//! file is staged and the staging folder replaces the output folder whole,
//! as [`super::output::write_site`] does.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::digest::{Digest, hex};
use super::output;
use super::{BuildConfig, BuildError, Bytes, Sink};

/// The file, in the cache folder, that records the last build's output.
pub const MANIFEST: &str = "manifest.json";

/// A build's files on their way to the output folder.
pub(crate) struct Stage {
    out: PathBuf,
    tmp: PathBuf,
    /// Where the manifest is kept; `None` without a cache folder.
    manifest: Option<PathBuf>,
    /// Files of the output folder whose bytes are known: path → the
    /// record the manifest holds and the disk still matches.
    known: HashMap<String, Record>,
    /// Staging holds every file and replaces the output folder whole.
    whole: bool,
    /// Paths written into the staging folder.
    staged: Mutex<HashSet<String>>,
    /// Folders already made in the staging folder.
    dirs: Mutex<HashSet<PathBuf>>,
    files_written: AtomicUsize,
    bytes_written: AtomicU64,
    committed: bool,
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

/// `out` joined with a relative `/` path.
fn local(out: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .fold(out.to_path_buf(), |p, part| p.join(part))
}

impl Stage {
    /// Makes a fresh staging folder beside the output folder and reads what
    /// the manifest at `manifest` (if any) says the output folder holds.
    pub fn begin(config: &BuildConfig, manifest: Option<PathBuf>) -> Result<Stage, BuildError> {
        let out = config.output_path();
        if out.exists() && !out.is_dir() {
            return Err(BuildError::io(
                &out,
                io::Error::new(io::ErrorKind::AlreadyExists, "exists and is not a folder"),
            ));
        }
        let (name, parent) = output::name_and_parent(&out);
        fs::create_dir_all(&parent).map_err(|e| BuildError::io(&parent, e))?;
        let tmp = parent.join(format!("{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            // Left over from an earlier crashed run with this process id.
            fs::remove_dir_all(&tmp).map_err(|e| BuildError::io(&tmp, e))?;
        }
        fs::create_dir(&tmp).map_err(|e| BuildError::io(&tmp, e))?;
        remove_orphans(&parent, &name);
        let known = match &manifest {
            Some(m) if out.is_dir() => known_files(m, &out),
            _ => HashMap::new(),
        };
        Ok(Stage {
            whole: known.is_empty(),
            out,
            tmp,
            manifest,
            known,
            staged: Mutex::new(HashSet::new()),
            dirs: Mutex::new(HashSet::new()),
            files_written: AtomicUsize::new(0),
            bytes_written: AtomicU64::new(0),
            committed: false,
        })
    }

    /// Puts the site in place: `listing` is every file of the new site with
    /// its digest. Returns what was written and removed.
    pub fn commit(mut self, listing: &BTreeMap<String, Digest>) -> Result<Written, BuildError> {
        self.committed = true;
        let tmp = self.tmp.clone();
        let result = self.put_in_place(listing);
        if tmp.exists() {
            let _ = fs::remove_dir_all(&tmp);
        }
        let (removed, records) = result?;
        if let Some(path) = &self.manifest {
            // Best effort: without a manifest the next build writes
            // everything, which is slower, never wrong.
            let _ = write_manifest(path, &self.out, records);
        }
        Ok(Written {
            files: self.files_written.load(Ordering::Relaxed),
            bytes: self.bytes_written.load(Ordering::Relaxed),
            removed,
        })
    }

    /// Moves the staged files into the output folder and removes what the
    /// new site does not have. Returns how many files went, and the records
    /// of the new manifest.
    fn put_in_place(
        &mut self,
        listing: &BTreeMap<String, Digest>,
    ) -> Result<(usize, BTreeMap<String, Record>), BuildError> {
        // A stale manifest must not outlive a half-done update.
        if let Some(path) = &self.manifest {
            match fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(BuildError::io(path, e)),
            }
        }
        let mut removed = 0;
        if self.whole {
            output::replace_folder(&self.tmp, &self.out)?;
        } else {
            removed = remove_others(&self.out, listing)?;
            let staged =
                std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
            let staged: BTreeSet<String> = staged.into_iter().collect();
            for rel in &staged {
                let to = local(&self.out, rel);
                if let Some(dir) = to.parent() {
                    fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
                }
                fs::rename(local(&self.tmp, rel), &to).map_err(|e| BuildError::io(&to, e))?;
            }
        }
        let mut records = BTreeMap::new();
        if self.manifest.is_some() {
            for (rel, digest) in listing {
                let record = match self.known.get(rel) {
                    Some(r) if r.digest == *digest => Some(*r),
                    _ => stat(&local(&self.out, rel)).map(|(size, mtime)| Record {
                        size,
                        mtime,
                        digest: *digest,
                    }),
                };
                if let Some(r) = record {
                    records.insert(rel.clone(), r);
                }
            }
        }
        Ok((removed, records))
    }
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
        let path = local(&self.tmp, rel);
        if let Some(dir) = path.parent() {
            // The lock is held while the folder is made: a folder is marked
            // made only once it exists, or a second page writing into it
            // could find it missing.
            let mut dirs = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
            if !dirs.contains(dir) {
                fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
                dirs.insert(dir.to_path_buf());
            }
        }
        fs::write(&path, bytes.as_slice()).map_err(|e| BuildError::io(&path, e))?;
        self.files_written.fetch_add(1, Ordering::Relaxed);
        self.bytes_written
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// Removes the staging and old folders (`NAME.tmp-PID`, `NAME.old-PID-N`)
/// that builds killed before they could clean up left beside the output
/// folder. Only on Linux, where `/proc` says whether that process still
/// runs (a live build's folders are never touched); best effort.
fn remove_orphans(parent: &Path, name: &str) {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(name)) else {
            continue;
        };
        let pid = match (rest.strip_prefix(".tmp-"), rest.strip_prefix(".old-")) {
            (Some(pid), _) => pid,
            (_, Some(tail)) => tail.split('-').next().unwrap_or(""),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

impl Drop for Stage {
    /// A build that failed (or panicked) leaves no staging folder behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// The files of the manifest at `manifest` that describe `out` and that
/// the disk still matches (same size, same modification time). A missing,
/// unreadable or damaged manifest, or one of another folder, knows nothing.
fn known_files(manifest: &Path, out: &Path) -> HashMap<String, Record> {
    let Ok(text) = fs::read(manifest) else {
        return HashMap::new();
    };
    let Ok(m) = serde_json::from_slice::<Manifest>(&text) else {
        return HashMap::new();
    };
    if std::path::absolute(out).ok().as_deref() != Some(m.out.as_path()) {
        return HashMap::new();
    }
    m.files
        .into_iter()
        .filter(|(rel, r)| {
            output::is_safe_relative(rel) && stat(&local(out, rel)) == Some((r.size, r.mtime))
        })
        .collect()
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

/// Removes every file and folder under `out` that the new site does not
/// have (folders left empty go too). Returns how many files it removed.
fn remove_others(out: &Path, listing: &BTreeMap<String, Digest>) -> Result<usize, BuildError> {
    // The folders the new site needs: every parent of every file.
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
    let mut removed = 0;
    let walk = walkdir::WalkDir::new(out).min_depth(1).contents_first(true);
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(out).to_path_buf();
            BuildError::io(path, io::Error::other(e.to_string()))
        })?;
        let Ok(rel) = entry.path().strip_prefix(out) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let rel = rel.join("/");
        let path = entry.path();
        if entry.file_type().is_dir() {
            if !dirs.contains(rel.as_str()) {
                // Its files are gone by now (contents first).
                fs::remove_dir(path).map_err(|e| BuildError::io(path, e))?;
            }
        } else if !listing.contains_key(&rel) || dirs.contains(rel.as_str()) {
            fs::remove_file(path).map_err(|e| BuildError::io(path, e))?;
            removed += 1;
        }
    }
    Ok(removed)
}
