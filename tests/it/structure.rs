//! The shape of the code (docs/contributing.md, "One block, from the
//! markdown to its SVG"): the stages import one way, no source file grows
//! past 900 lines and no function past 120.

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

/// The drawing takes the figure stage's data and runs nothing itself: no
/// model evaluated, no forward pass, no figure data computed in
/// `render/figures/` (the hook computes it with the block, before any
/// drawing: `figure::compute`).
#[test]
fn figures_draw_data_and_evaluate_nothing() {
    let calls = [
        "evaluator(",
        "eval_points(",
        "forward_quiet(",
        "tangents(",
        "Errors::new(",
        "Modes::new(",
        "TrainingData::new(",
        "BatchData::new(",
        "PlotData::new(",
        "figure::compute(",
        "figure::one(",
    ];
    let mut bad = Vec::new();
    for (file, text) in all() {
        if !file.starts_with("src/render/figures/") {
            continue;
        }
        // The unit tests at a file's end may build data to draw.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for c in calls {
            for l in uses(code, c) {
                bad.push(format!("{file}: {}", l.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "figure data computed while drawing:\n{}",
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

/// The functions of `text` longer than `max` lines, from `fn` to the
/// closing brace at the same indentation (rustfmt's layout).
fn long_functions(text: &str, max: usize) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let body = l.trim_start();
        let indent = &l[..l.len() - body.len()];
        let rest = ["pub(crate) ", "pub(super) ", "pub ", ""]
            .iter()
            .find_map(|v| body.strip_prefix(v))
            .unwrap_or(body);
        let rest = rest.strip_prefix("const ").unwrap_or(rest);
        let Some(sig) = rest.strip_prefix("fn ") else {
            continue;
        };
        if l.trim_end().ends_with(';') {
            continue;
        }
        let name: String = sig
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let close = format!("{indent}}}");
        if let Some(end) = (i + 1..lines.len()).find(|&j| lines[j] == close) {
            let n = end - i + 1;
            if n > max {
                out.push((i + 1, name, n));
            }
        }
    }
    out
}

#[test]
fn no_function_is_over_120_lines() {
    let long: Vec<String> = all()
        .into_iter()
        .flat_map(|(file, text)| {
            long_functions(&text, 120)
                .into_iter()
                .map(move |(line, name, n)| format!("{file}:{line} {name}: {n} lines"))
        })
        .collect();
    assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
    // The scan itself finds a long function.
    let long_fn = format!("fn f() {{\n{}}}\n", "    x();\n".repeat(121));
    assert_eq!(long_functions(&long_fn, 120), [(1, "f".to_string(), 123)]);
}
