//! Writing the site: all or nothing.
//!
//! The whole site is written into a fresh sibling folder
//! (`public.tmp-<pid>` next to `public/`). Only when every file is written is
//! it swapped in: the old folder is renamed away (`public.old-<pid>`), the new
//! one renamed into place, and the old one deleted. A failed build never
//! touches the existing output, and nothing is ever written outside the
//! output folder and its two siblings.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{BuildConfig, BuildError, Bytes, Diagnostic};

/// Refuses layouts where replacing the output folder would destroy sources:
/// an output folder that is the site root, or that holds the content or
/// templates folder, or that lies inside the content folder.
pub fn check_layout(config: &BuildConfig) -> Result<(), BuildError> {
    let out = config.output_path();
    let bad = |message: String| {
        Err(BuildError::Diagnostics(vec![
            Diagnostic::whole_file(config.display_path(&out), message)
                .with_hint("use a dedicated folder such as `public/`"),
        ]))
    };
    if out.file_name().is_none() {
        return bad("the output folder must be a named folder".to_string());
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
                "the output folder would replace {what} ({})",
                dir.display()
            ));
        }
    }
    if out_n.starts_with(normalize(&config.content_path())) {
        return bad("the output folder is inside the content folder".to_string());
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

/// True for a plain relative path with `/` separators that stays inside the
/// output folder: no empty, `.` or `..` parts, no leading `/`, no `\` or `:`.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', ':', '\0'])
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
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

/// Writes `files` (relative path → bytes) as the new output folder,
/// replacing the old one only after every file is written.
pub fn write_site(config: &BuildConfig, files: &BTreeMap<String, Bytes>) -> Result<(), BuildError> {
    let out = config.output_path();
    let (name, parent) = name_and_parent(&out);
    if out.exists() && !out.is_dir() {
        return Err(BuildError::io(
            &out,
            io::Error::new(io::ErrorKind::AlreadyExists, "exists and is not a folder"),
        ));
    }
    fs::create_dir_all(&parent).map_err(|e| BuildError::io(&parent, e))?;
    let pid = std::process::id();
    let tmp = parent.join(format!("{name}.tmp-{pid}"));
    if tmp.exists() {
        // Left over from an earlier crashed run of this same process id.
        fs::remove_dir_all(&tmp).map_err(|e| BuildError::io(&tmp, e))?;
    }
    if let Err(e) = write_all(&tmp, files) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    replace_folder(&tmp, &out)
}

/// Puts the folder `tmp` in the place of the output folder `out`, which
/// may not exist. The old folder is moved aside and deleted in the
/// background; if the swap fails, the old folder is put back and `tmp`
/// removed.
pub(crate) fn replace_folder(tmp: &Path, out: &Path) -> Result<(), BuildError> {
    let (name, parent) = name_and_parent(out);
    // Each build of a process moves the old site to a name of its own, so a
    // background deletion never races the next build.
    static BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let nth = BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let pid = std::process::id();
    swap_in(tmp, out, &parent.join(format!("{name}.old-{pid}-{nth}")))
}

/// Deletions of replaced sites still running in the background.
static CLEANUP: std::sync::Mutex<Vec<std::thread::JoinHandle<()>>> =
    std::sync::Mutex::new(Vec::new());

/// Waits until every replaced output folder is deleted. The build returns
/// as soon as the new site is in place; the command line calls this before
/// it exits.
pub fn wait_for_cleanup() {
    let handles = std::mem::take(&mut *CLEANUP.lock().unwrap_or_else(|e| e.into_inner()));
    for h in handles {
        let _ = h.join();
    }
}

fn write_all(tmp: &Path, files: &BTreeMap<String, Bytes>) -> Result<(), BuildError> {
    use rayon::prelude::*;
    fs::create_dir(tmp).map_err(|e| BuildError::io(tmp, e))?;
    let mut paths = Vec::with_capacity(files.len());
    let mut dirs = std::collections::BTreeSet::new();
    for (rel, bytes) in files {
        if !is_safe_relative(rel) {
            return Err(BuildError::io(
                tmp.join(rel),
                io::Error::new(io::ErrorKind::InvalidInput, "unsafe output path"),
            ));
        }
        let path = rel
            .split('/')
            .fold(tmp.to_path_buf(), |p, part| p.join(part));
        if let Some(dir) = path.parent() {
            dirs.insert(dir.to_path_buf());
        }
        paths.push((path, bytes));
    }
    for dir in dirs {
        fs::create_dir_all(&dir).map_err(|e| BuildError::io(&dir, e))?;
    }
    // Files are independent: write them on every core.
    paths.par_iter().try_for_each(|(path, bytes)| {
        fs::write(path, bytes.as_slice()).map_err(|e| BuildError::io(path, e))
    })
}

/// Renames `tmp` to `out`, moving an existing `out` to `old` first and
/// deleting it afterwards. If the second rename fails, the old output is
/// put back.
fn swap_in(tmp: &Path, out: &Path, old: &Path) -> Result<(), BuildError> {
    if !out.exists() {
        return fs::rename(tmp, out).map_err(|e| {
            let _ = fs::remove_dir_all(tmp);
            BuildError::io(out, e)
        });
    }
    if old.exists() {
        fs::remove_dir_all(old).map_err(|e| BuildError::io(old, e))?;
    }
    if let Err(e) = fs::rename(out, old) {
        let _ = fs::remove_dir_all(tmp);
        return Err(BuildError::io(out, e));
    }
    if let Err(e) = fs::rename(tmp, out) {
        let _ = fs::rename(old, out);
        let _ = fs::remove_dir_all(tmp);
        return Err(BuildError::io(out, e));
    }
    // The new site is in place; deleting the old one can finish in the
    // background (a leftover old folder is untidy, not wrong).
    let old = old.to_path_buf();
    let handle = std::thread::spawn(move || {
        let _ = fs::remove_dir_all(old);
    });
    CLEANUP
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(handle);
    Ok(())
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
}
