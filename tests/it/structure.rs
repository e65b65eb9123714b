//! The shape of the code (docs/contributing.md, "The stages"): the stages
//! import one way, and no source file grows past 900 lines.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn all() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).expect("in the crate");
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(&p).expect("read"))
        })
        .collect()
}

/// The lines of `text` that name `path` in code (comments left out).
fn uses<'a>(text: &'a str, path: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//") && l.contains(path))
        .collect()
}

#[test]
fn drawing_reads_no_site_no_syntax_tree_and_no_gradient_checker() {
    let mut bad = Vec::new();
    for (file, text) in all() {
        let forbidden: &[&str] = if file.starts_with("src/render/") {
            &["crate::site", "scenario::expr", "gradcheck"]
        } else if file == "src/page.rs" || file.starts_with("src/util/") {
            &["crate::site", "crate::render", "crate::scenario"]
        } else if file.starts_with("src/figure/") {
            &["crate::site", "crate::render", "crate::page"]
        } else {
            &[]
        };
        for f in forbidden {
            for l in uses(&text, f) {
                bad.push(format!("{file}: {}", l.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "imports against the stages:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_source_file_is_over_900_lines() {
    let long: Vec<String> = all()
        .into_iter()
        .filter_map(|(file, text)| {
            let n = text.lines().count();
            (n > 900).then(|| format!("{file}: {n} lines"))
        })
        .collect();
    assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
}
