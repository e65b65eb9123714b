//! Publishing the site: all or nothing, and only over a folder seen wrote.
//!
//! **Whose folder.** A build replaces the whole output folder, so it first
//! makes sure the folder is seen's to replace ([`claim`]): a missing or
//! empty folder, or one holding seen's marker file [`MARKER`] (written
//! into every output folder seen makes), or one that an earlier seen built
//! before there was a marker (every file in it is listed in the output
//! manifest, `.seen-cache/manifest.json`). Anything else is refused at the
//! place that named the folder, unless `--force`.
//!
//! **All or nothing.** The new site is made whole in a staging folder
//! beside the output folder ([`Staging`], `public.tmp-PID-N`, the marker
//! written first): new and changed files are written, unchanged ones
//! hard-linked from the output folder (copied where links are not
//! possible), so they keep their bytes and modification times. Then the
//! two folders are swapped in one step: on Linux by `renameat2` with
//! `RENAME_EXCHANGE`, so that the output folder is never missing nor
//! half-built, even for a build killed at any instant. Where that call is
//! not available (other systems, or a file system without it), by two
//! renames: the old folder aside (`public.old-PID-N`), the new one in;
//! between the two the output folder is missing for an instant, but never
//! a mix of two builds. The old site is deleted last, in the background.
//! A failed build never touches the output folder.
//!
//! Staging and old folders left by a killed build are removed by the next
//! one, on Linux, and only those with seen's names, of a process that no
//! longer runs, holding the marker (or empty).

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{BuildConfig, BuildError, Diagnostic, Folder};

/// The file seen writes into every output folder it makes. A folder
/// holding it is seen's to replace.
pub const MARKER: &str = ".seen-output";

/// The marker's text: the same in every build.
const MARKER_TEXT: &str = "\
This folder was written by seen, a static-site generator for explainers of
automatic differentiation. Every build replaces it whole: keep no other files
in it. seen replaces a folder only when it can tell that it wrote it (this
file says so) or when the folder is empty.
";

/// Refuses layouts where replacing the output folder would destroy sources:
/// an output folder that is the site root, or that holds the content or
/// templates folder, or that lies inside the content folder.
pub fn check_layout(config: &BuildConfig) -> Result<(), BuildError> {
    let out = config.output_path();
    let bad = |message: String| {
        Err(BuildError::Diagnostics(vec![
            config
                .folder_error(Folder::Output, message)
                .with_hint("use a dedicated folder such as `public/`"),
        ]))
    };
    if out.file_name().is_none() {
        return bad(format!(
            "the output folder {} must be a named folder",
            config.folder_name(Folder::Output)
        ));
    }
    let out_n = normalize(&out);
    for (what, dir) in [
        ("the site root", config.root.clone()),
        ("the content folder", config.content_path()),
        ("the templates folder", config.templates_path()),
    ] {
        let dir_n = normalize(&dir);
        if dir_n.starts_with(&out_n) {
            return bad(format!(
                "the output folder {} would replace {what} ({})",
                config.folder_name(Folder::Output),
                dir.display()
            ));
        }
    }
    if out_n.starts_with(normalize(&config.content_path())) {
        return bad(format!(
            "the output folder {} is inside the content folder",
            config.folder_name(Folder::Output)
        ));
    }
    Ok(())
}

/// An absolute, symlink-free form of `path` when it (or its parent) exists;
/// the path made absolute otherwise.
fn normalize(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    if let (Some(parent), Some(name)) = (path.parent(), path.file_name()) {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(p) = fs::canonicalize(parent) {
            return p.join(name);
        }
    }
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// True if `a` and `b` name the same place (the same absolute path, or the
/// same folder once symlinks are resolved).
pub(crate) fn same_place(a: &Path, b: &Path) -> bool {
    let abs = |p: &Path| std::path::absolute(p);
    matches!((abs(a), abs(b)), (Ok(x), Ok(y)) if x == y)
        || matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// True for a plain relative path with `/` separators that stays inside the
/// output folder: no empty, `.` or `..` parts, no leading `/`, no `\` or `:`.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', ':', '\0'])
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// `dir` joined with a relative `/` path.
pub(crate) fn local(dir: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .fold(dir.to_path_buf(), |p, part| p.join(part))
}

/// The output folder's name and the folder it is in (`.` for a bare
/// name): its staging and old copies are made beside it, in that folder.
pub(crate) fn name_and_parent(out: &Path) -> (String, PathBuf) {
    let name = out
        .file_name()
        .expect("check_layout ensures a named output folder")
        .to_string_lossy()
        .into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (name, parent)
}

/// True if `dir` holds seen's marker file.
fn is_marked(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

// ---------------------------------------------------------------------------
// Whose folder
// ---------------------------------------------------------------------------

/// How many of the files seen did not write an error names.
const STRANGERS_SHOWN: usize = 3;

/// Makes sure the output folder may be replaced: it is missing, empty,
/// holds [`MARKER`], or holds only files the output manifest lists (a
/// folder built by a seen from before the marker). Anything else is
/// refused, at the place that named the folder, unless `config.force`; a
/// file (not a folder) is refused even then.
pub fn claim(config: &BuildConfig) -> Result<(), BuildError> {
    let out = config.output_path();
    let name = config.folder_name(Folder::Output);
    let refuse = |d: Diagnostic| Err(BuildError::Diagnostics(vec![d]));
    let meta = match fs::symlink_metadata(&out) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(BuildError::io(&out, e)),
    };
    if meta.is_file() {
        return refuse(
            config
                .folder_error(
                    Folder::Output,
                    format!("the output folder {name} exists and is not a folder"),
                )
                .with_hint("choose another folder, or move the file away"),
        );
    }
    if config.force {
        return Ok(());
    }
    let hint = "choose a new or empty folder, or pass `--force` to replace this one \
                and everything in it";
    if meta.file_type().is_symlink() {
        return refuse(
            config
                .folder_error(
                    Folder::Output,
                    format!("the output folder {name} is a symbolic link, which seen did not make"),
                )
                .with_hint(hint),
        );
    }
    if is_marked(&out) {
        return Ok(());
    }
    let manifest = config
        .root
        .join(super::cache::DIR)
        .join(super::stage::MANIFEST);
    let listed = super::stage::listed_files(&manifest, &out).unwrap_or_default();
    let strangers = strangers(&out, &listed);
    if strangers.is_empty() {
        return Ok(());
    }
    let mut shown: Vec<String> = strangers
        .iter()
        .take(STRANGERS_SHOWN)
        .map(|s| format!("`{s}`"))
        .collect();
    if strangers.len() > STRANGERS_SHOWN {
        shown.push("…".to_string());
    }
    refuse(
        config
            .folder_error(
                Folder::Output,
                format!(
                    "the output folder {name} holds files seen did not write ({}); \
                     a build replaces the whole folder",
                    shown.join(", ")
                ),
            )
            .with_hint(hint)
            .with_note(format!(
                "seen replaces only a folder it wrote (one holding its `{MARKER}` file) \
                 or an empty one"
            )),
    )
}

/// The first few files and folders under `out` that `listed` (paths of
/// files, relative, with `/`) does not account for, sorted: a folder that
/// holds no listed file counts as one, and is not looked into. One more
/// than [`STRANGERS_SHOWN`] at most.
fn strangers(out: &Path, listed: &BTreeSet<String>) -> Vec<String> {
    let mut dirs: HashSet<&str> = HashSet::new();
    for rel in listed {
        let mut s = rel.as_str();
        while let Some(i) = s.rfind('/') {
            s = &s[..i];
            if !dirs.insert(s) {
                break;
            }
        }
    }
    let mut found = Vec::new();
    let mut walk = walkdir::WalkDir::new(out)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while found.len() <= STRANGERS_SHOWN {
        let Some(entry) = walk.next() else { break };
        let entry = match entry {
            Ok(e) => e,
            // Unreadable: not provably seen's.
            Err(e) => {
                let path = e.path().unwrap_or(out);
                found.push(relative(out, path));
                continue;
            }
        };
        let rel = relative(out, entry.path());
        let kind = entry.file_type();
        if kind.is_dir() {
            if !dirs.contains(rel.as_str()) {
                found.push(format!("{rel}/"));
                walk.skip_current_dir();
            }
        } else if !(kind.is_file() && listed.contains(&rel)) {
            found.push(rel);
        }
    }
    found
}

/// `path` relative to `out`, with `/`.
fn relative(out: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(out).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

// ---------------------------------------------------------------------------
// Staging and swapping
// ---------------------------------------------------------------------------

/// Names staging and old folders apart within one process (`seen serve`
/// publishes many times, and an old site may still be being deleted).
static NTH: AtomicUsize = AtomicUsize::new(0);

/// A new output folder in the making, beside the old one. Dropped without
/// [`Staging::publish`], it is removed and the output folder is untouched.
pub(crate) struct Staging {
    config: BuildConfig,
    out: PathBuf,
    tmp: PathBuf,
    /// Folders already made in the staging folder.
    dirs: Mutex<HashSet<PathBuf>>,
    published: bool,
}

impl Staging {
    /// Checks that the output folder is seen's to replace ([`claim`]),
    /// removes what killed builds left beside it, and makes a fresh
    /// staging folder holding the marker.
    pub fn begin(config: &BuildConfig) -> Result<Staging, BuildError> {
        claim(config)?;
        let out = config.output_path();
        let (name, parent) = name_and_parent(&out);
        fs::create_dir_all(&parent).map_err(|e| BuildError::io(&parent, e))?;
        remove_orphans(&parent, &name);
        let pid = std::process::id();
        let nth = NTH.fetch_add(1, Ordering::Relaxed);
        let tmp = parent.join(format!("{name}.tmp-{pid}-{nth}"));
        if is_marked(&tmp) {
            // Left by an earlier process that had this same id.
            fs::remove_dir_all(&tmp).map_err(|e| BuildError::io(&tmp, e))?;
        }
        fs::create_dir(&tmp).map_err(|e| BuildError::io(&tmp, e))?;
        let staging = Staging {
            config: config.clone(),
            out,
            tmp,
            dirs: Mutex::new(HashSet::new()),
            published: false,
        };
        let marker = staging.tmp.join(MARKER);
        fs::write(&marker, MARKER_TEXT).map_err(|e| BuildError::io(&marker, e))?;
        Ok(staging)
    }

    /// The output folder this staging folder will replace.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Makes the folder that `path` (in the staging folder) goes in.
    fn make_parent(&self, path: &Path) -> Result<(), BuildError> {
        if let Some(dir) = path.parent() {
            // The lock is held while the folder is made: a folder is marked
            // made only once it exists, or a second writer into it could
            // find it missing.
            let mut dirs = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
            if !dirs.contains(dir) {
                fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
                dirs.insert(dir.to_path_buf());
            }
        }
        Ok(())
    }

    /// Writes a new or changed file (`rel`: a plain relative path).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
        let path = self.path_of(rel)?;
        self.make_parent(&path)?;
        fs::write(&path, bytes).map_err(|e| BuildError::io(&path, e))
    }

    /// Keeps the output folder's file `rel` as it is: hard-linked into the
    /// staging folder, or copied with its modification time where links
    /// are not possible. Returns false if it was copied.
    pub fn keep(&self, rel: &str) -> Result<bool, BuildError> {
        let to = self.path_of(rel)?;
        let from = local(&self.out, rel);
        self.make_parent(&to)?;
        if fs::hard_link(&from, &to).is_ok() {
            return Ok(true);
        }
        let copy = || -> io::Result<()> {
            let modified = fs::metadata(&from)?.modified()?;
            fs::copy(&from, &to)?;
            fs::File::options()
                .write(true)
                .open(&to)?
                .set_modified(modified)
        };
        copy().map_err(|e| BuildError::io(&from, e))?;
        Ok(false)
    }

    /// `rel` in the staging folder, if it is a plain relative path.
    fn path_of(&self, rel: &str) -> Result<PathBuf, BuildError> {
        if !is_safe_relative(rel) {
            return Err(BuildError::io(
                self.tmp.join(rel),
                io::Error::new(io::ErrorKind::InvalidInput, "unsafe output path"),
            ));
        }
        Ok(local(&self.tmp, rel))
    }

    /// Puts the staging folder in the place of the output folder in one
    /// step, after checking again that the output folder is seen's to
    /// replace. The old site is deleted in the background.
    pub fn publish(mut self) -> Result<(), BuildError> {
        claim(&self.config)?;
        let out = &self.out;
        let old = match fs::symlink_metadata(out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::rename(&self.tmp, out).map_err(|e| BuildError::io(out, e))?;
                self.published = true;
                return Ok(());
            }
            _ => swap(&self.tmp, out).map_err(|e| BuildError::io(out, e))?,
        };
        self.published = true;
        // The old site was claimed: marked, it is cleaned up even if this
        // process is killed while deleting it. (A link, with `--force`, is
        // only unlinked: nothing is written where it points.)
        let real_dir = fs::symlink_metadata(&old).is_ok_and(|m| m.is_dir());
        if real_dir && !is_marked(&old) {
            let _ = fs::write(old.join(MARKER), MARKER_TEXT);
        }
        // The new site is in place; deleting the old one can finish in the
        // background (a leftover old folder is untidy, not wrong).
        let handle = std::thread::spawn(move || {
            let _ = fs::remove_dir_all(old);
        });
        CLEANUP
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle);
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that failed (or panicked) leaves no staging folder behind.
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Swaps the folder `new` into the place of the existing `out`; returns
/// where the old folder is now.
fn swap(new: &Path, out: &Path) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        if exchange(new, out).is_ok() {
            return Ok(new.to_path_buf());
        }
    }
    // Two renames: the output folder is missing between them.
    let (name, parent) = name_and_parent(out);
    let nth = NTH.fetch_add(1, Ordering::Relaxed);
    let old = parent.join(format!("{name}.old-{}-{nth}", std::process::id()));
    fs::rename(out, &old)?;
    if let Err(e) = fs::rename(new, out) {
        let _ = fs::rename(&old, out);
        return Err(e);
    }
    Ok(old)
}

/// Exchanges two paths in one step (`renameat2` with `RENAME_EXCHANGE`,
/// Linux 3.15 and later, on most local file systems). std has no such
/// call; the system call is made directly so that it works with any libc
/// version.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are to NUL-terminated strings that outlive the
    // call, which only reads them; the other arguments are plain integers.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Deletions of replaced sites still running in the background.
static CLEANUP: Mutex<Vec<std::thread::JoinHandle<()>>> = Mutex::new(Vec::new());

/// Waits until every replaced output folder is deleted. The build returns
/// as soon as the new site is in place; the command line calls this before
/// it exits.
pub fn wait_for_cleanup() {
    let handles = std::mem::take(&mut *CLEANUP.lock().unwrap_or_else(|e| e.into_inner()));
    for h in handles {
        let _ = h.join();
    }
}

/// Removes the staging and old folders (`NAME.tmp-PID-N`, `NAME.old-PID-N`)
/// that builds killed before they could clean up left beside the output
/// folder: only real folders (not links) with those names, of a process
/// that no longer runs, and holding the marker (or empty: a build killed
/// between making its staging folder and marking it). Only on Linux, where `/proc`
/// says whether a process runs (a live build's folders are never
/// touched); best effort.
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
        let Some(tail) = rest
            .strip_prefix(".tmp-")
            .or_else(|| rest.strip_prefix(".old-"))
        else {
            continue;
        };
        let mut parts = tail.split('-');
        let Some(Ok(pid)) = parts.next().map(str::parse::<u32>) else {
            continue;
        };
        if !parts.all(|n| n.parse::<u64>().is_ok()) {
            continue;
        }
        let path = entry.path();
        if pid == std::process::id()
            || Path::new(&format!("/proc/{pid}")).exists()
            || !entry.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        if is_marked(&path) {
            let _ = fs::remove_dir_all(path);
        } else {
            // Killed before it wrote the marker: removed only if empty.
            let _ = fs::remove_dir(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths() {
        assert!(is_safe_relative("figures/index/a.svg"));
        assert!(is_safe_relative("style.css"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "c:\\x",
            "a\\b",
        ] {
            assert!(!is_safe_relative(bad), "{bad}");
        }
    }

    #[test]
    fn refuses_to_replace_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = BuildConfig::new(dir.path(), "t");
        config.output_dir = PathBuf::from(".");
        assert!(check_layout(&config).is_err());
        config.output_dir = dir.path().to_path_buf();
        assert!(check_layout(&config).is_err());
        config.output_dir = PathBuf::from("content/public");
        assert!(check_layout(&config).is_err());
        config.output_dir = PathBuf::from("public");
        assert!(check_layout(&config).is_ok());
    }

    #[test]
    fn strangers_are_what_the_listing_lacks() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for rel in ["index.html", "figures/a/x.svg", ".git/HEAD", "notes.txt"] {
            let p = local(out, rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "x").unwrap();
        }
        let listed: BTreeSet<String> = ["index.html", "figures/a/x.svg"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(strangers(out, &listed), [".git/", "notes.txt"]);
        assert_eq!(
            strangers(out, &BTreeSet::new()),
            [".git/", "figures/", "index.html", "notes.txt"]
        );
        fs::remove_dir_all(out.join(".git")).unwrap();
        fs::remove_file(out.join("notes.txt")).unwrap();
        assert!(strangers(out, &listed).is_empty());
    }
}
