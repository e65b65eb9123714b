//! `seen.toml`: the site's settings, at the site root.
//!
//! ```toml
//! title = "Backpropagation, seen"   # the site title, shown in every page header
//! output_dir = "public"             # where `seen build` writes (default "public")
//! content_dir = "content"           # the markdown pages (default "content")
//! templates_dir = "templates"       # page.html, base.html, style.css (default "templates")
//! strict = true                     # dropped raw HTML, and copied files with scripts,
//!                                   # fail the build instead of warning (default false)
//! ```
//!
//! Every key is optional. Unknown keys are refused at their line and column,
//! so a typo such as `ouput_dir` is reported rather than silently ignored. A
//! site without a `seen.toml` uses the defaults. Relative folders are
//! resolved against the site root; command-line flags override the file.

#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{BuildConfig, BuildError, Diagnostic, Origin, Origins};

/// The name of the settings file at the site root.
pub const CONFIG_FILE: &str = "seen.toml";

/// The title of a site whose `seen.toml` does not give one.
pub const DEFAULT_TITLE: &str = "Untitled explainer";

/// The keys of `seen.toml`, for the "expected" line of an error.
const KEYS: &str = "`title`, `output_dir`, `content_dir`, `templates_dir`, `strict`";

/// `seen.toml`, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: Option<String>,
    pub output_dir: Option<Spanned<PathBuf>>,
    pub content_dir: Option<Spanned<PathBuf>>,
    pub templates_dir: Option<Spanned<PathBuf>>,
    pub strict: Option<bool>,
    /// Where each folder key is, for the errors about its folder (filled
    /// in by [`parse`]).
    #[serde(skip)]
    pub origins: Origins,
}

impl SiteConfig {
    /// The build settings for the site at `root`.
    pub fn into_build_config(self, root: &Path) -> BuildConfig {
        let mut config = BuildConfig::new(root, self.title.unwrap_or_else(|| DEFAULT_TITLE.into()));
        if let Some(d) = self.output_dir {
            config.output_dir = d.into_inner();
        }
        if let Some(d) = self.content_dir {
            config.content_dir = d.into_inner();
        }
        if let Some(d) = self.templates_dir {
            config.templates_dir = d.into_inner();
        }
        config.strict = self.strict.unwrap_or(false);
        config.origins = self.origins;
        config
    }
}

/// Parses the text of a `seen.toml`; `file` is how errors name it.
pub fn parse(file: &Path, text: &str) -> Result<SiteConfig, Diagnostic> {
    let config: SiteConfig = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let raw = e.message().trim_end();
        let x = crate::toml_errors::explain(raw);
        let mut d = Diagnostic::at(file, text, span.start, span.len(), x.message);
        if raw.contains("unknown field") {
            d = d.with_expected(format!("one of {KEYS}"));
        } else if let Some(expected) = x.expected {
            d = d.with_expected(expected);
        }
        if let Some(hint) = x.hint {
            d = d.with_hint(hint);
        } else if raw.contains("invalid type") {
            let line_start = text
                .get(..span.start)
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |i| i + 1);
            d = d.with_hint(if text[line_start..].trim_start().starts_with("strict") {
                "`strict` is `true` or `false`"
            } else {
                "folders and the title are strings: `output_dir = \"public\"`"
            });
        }
        d
    })?;
    let mut config = config;
    let place = |key: &str, dir: &Spanned<PathBuf>| {
        let (at, len) = key_span(text, dir.span());
        Diagnostic::at(file, text, at, len, format!("`{key}`"))
    };
    for (key, dir, origin) in [
        ("output_dir", &config.output_dir, &mut config.origins.output),
        (
            "content_dir",
            &config.content_dir,
            &mut config.origins.content,
        ),
        (
            "templates_dir",
            &config.templates_dir,
            &mut config.origins.templates,
        ),
    ] {
        let Some(dir) = dir else { continue };
        let at = place(key, dir);
        if dir.get_ref().as_os_str().is_empty() {
            return Err(Diagnostic {
                message: format!("`{key}` is empty"),
                ..at
            }
            .with_expected("a folder name such as \"public\""));
        }
        *origin = Origin::Config(Box::new(at));
    }
    Ok(config)
}

/// The place of `key = "value"` given the value's span: from the start of
/// the key (the first thing on the value's line) to the end of the value.
/// The value's own span when the key is not before it on its line.
fn key_span(text: &str, value: std::ops::Range<usize>) -> (usize, usize) {
    let start = value.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    if before.trim_end().ends_with('=') {
        let key = line_start + (before.len() - before.trim_start().len());
        return (key, value.end.saturating_sub(key));
    }
    (start, value.len())
}

/// The build settings of the site at `root`: its `seen.toml` if there is one,
/// the defaults otherwise.
pub fn load(root: &Path) -> Result<BuildConfig, BuildError> {
    let path = root.join(CONFIG_FILE);
    // Only a file is read: a FIFO named seen.toml would wait for a writer.
    let read = match std::fs::metadata(&path) {
        Ok(m) if !m.is_file() => {
            return Err(BuildError::Diagnostics(vec![
                Diagnostic::whole_file(CONFIG_FILE, "`seen.toml` is not a regular file")
                    .with_expected("a TOML file of settings"),
            ]));
        }
        _ => std::fs::read(&path),
    };
    let text = match read.map(crate::diagnostic::utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(bad)) => {
            return Err(BuildError::Diagnostics(vec![
                bad.diagnostic(Path::new(CONFIG_FILE)),
            ]));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if !root.is_dir() {
                return Err(BuildError::Diagnostics(vec![
                    Diagnostic::whole_file(root, "site folder not found").with_hint(
                        "pass the folder holding `seen.toml` and `content/` with --root, \
                         or create a site with `seen init DIR`",
                    ),
                ]));
            }
            return Ok(SiteConfig::default().into_build_config(root));
        }
        Err(e) => return Err(BuildError::io(path, e)),
    };
    let config =
        parse(Path::new(CONFIG_FILE), &text).map_err(|d| BuildError::Diagnostics(vec![d]))?;
    Ok(config.into_build_config(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let c = parse(Path::new("seen.toml"), "").unwrap();
        let b = c.into_build_config(Path::new("site"));
        assert_eq!(b.site_title, DEFAULT_TITLE);
        assert_eq!(b.output_dir, PathBuf::from("public"));
        let c = parse(
            Path::new("seen.toml"),
            "title = \"T\"\noutput_dir = \"out\"\ncontent_dir = \"pages\"\n",
        )
        .unwrap();
        let b = c.into_build_config(Path::new("site"));
        assert_eq!(b.site_title, "T");
        assert_eq!(b.output_path(), PathBuf::from("site/out"));
        assert_eq!(b.content_path(), PathBuf::from("site/pages"));
        assert_eq!(b.templates_path(), PathBuf::from("site/templates"));
        assert!(!b.strict);
        let c = parse(Path::new("seen.toml"), "strict = true\n").unwrap();
        assert!(c.into_build_config(Path::new("site")).strict);
    }

    #[test]
    fn strict_is_a_boolean() {
        let d = parse(Path::new("seen.toml"), "title = \"T\"\nstrict = \"yes\"\n").unwrap_err();
        assert_eq!((d.line, d.col), (2, 10), "{d}");
        assert!(
            d.hint.as_deref().unwrap().contains("`true` or `false`"),
            "{d}"
        );
    }

    #[test]
    fn unknown_key_has_its_place() {
        let d = parse(
            Path::new("seen.toml"),
            "title = \"T\"\n  ouput_dir = \"x\"\n",
        )
        .unwrap_err();
        assert_eq!((d.line, d.col), (2, 3), "{d}");
        assert!(d.message.contains("ouput_dir"), "{d}");
        assert!(d.expected.as_deref().unwrap().contains("output_dir"));
    }

    #[test]
    fn empty_folder_is_refused() {
        let d = parse(Path::new("seen.toml"), "title = \"T\"\noutput_dir = \"\"\n").unwrap_err();
        assert_eq!((d.line, d.col), (2, 1), "{d}");
    }
}
