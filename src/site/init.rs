//! `seen init DIR`: a new explainer project that builds at once.
//!
//! The scaffold is compiled into the binary (`src/scaffold/` and the built-in
//! templates), so `seen init` needs nothing but the executable.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::config::CONFIG_FILE;

/// Every file of a new project: (path relative to the project, contents).
pub const SCAFFOLD: &[(&str, &str)] = &[
    (CONFIG_FILE, include_str!("../scaffold/seen.toml")),
    (".gitignore", include_str!("../scaffold/gitignore")),
    ("content/index.md", include_str!("../scaffold/index.md")),
    ("content/points.csv", include_str!("../scaffold/points.csv")),
    // The built-in templates, for the author to edit.
    (
        "templates/base.html",
        include_str!("../../templates/base.html"),
    ),
    (
        "templates/page.html",
        include_str!("../../templates/page.html"),
    ),
    (
        "templates/style.css",
        include_str!("../../templates/style.css"),
    ),
    (
        "templates/favicon.svg",
        include_str!("../../templates/favicon.svg"),
    ),
];

/// Why `seen init` did nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{}: the folder is not empty; seen init only writes into a new or empty folder\n  \
         hint: pick another folder, or pass --force to write the scaffold into it \
         (files with the same names are overwritten, others are kept)",
        .0.display()
    )]
    NotEmpty(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Writes a new project into `dir` (created if missing) and returns the
/// files written. Refuses a folder with anything in it unless `force`.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>, InitError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::Io {
                path: dir.to_path_buf(),
                source: io::Error::new(io::ErrorKind::AlreadyExists, "exists and is not a folder"),
            });
        }
        let mut entries = fs::read_dir(dir).map_err(io_err(dir))?;
        if entries.next().is_some() && !force {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    }
    let mut written = Vec::new();
    for (rel, text) in SCAFFOLD {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        fs::write(&path, text).map_err(io_err(&path))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_non_empty_folder_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let e = init(dir.path(), false).unwrap_err();
        assert!(e.to_string().contains("--force"), "{e}");
        assert!(!dir.path().join(CONFIG_FILE).exists());
        init(dir.path(), true).unwrap();
        assert!(dir.path().join("content/index.md").is_file());
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn the_scaffold_config_parses() {
        let (_, text) = SCAFFOLD[0];
        super::super::config::parse(Path::new(CONFIG_FILE), text).unwrap();
    }
}
