//! Figure text is drawn only in the colours whose contrast the theme's
//! unit test checks against everything they can lie on
//! (`render::theme`, `figure_text_has_at_least_4_5_to_1_…`): every
//! `<text>` of every golden figure and frame, wide and phone.

use seen::render::theme::{BACKWARD, FORWARD, INK, MUTED};
use std::path::Path;

fn svgs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read the goldens") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            svgs(&p, out);
        } else if p.extension().is_some_and(|x| x == "svg") {
            out.push(p);
        }
    }
}

#[test]
fn figure_text_uses_only_the_checked_colours() {
    let mut files = Vec::new();
    svgs(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden"),
        &mut files,
    );
    assert!(files.len() > 50, "the goldens are there");
    let checked = [INK, FORWARD, BACKWARD, MUTED];
    let mut texts = 0;
    let mut other = Vec::new();
    for f in &files {
        let svg = std::fs::read_to_string(f).unwrap();
        for line in svg.lines().filter(|l| l.trim_start().starts_with("<text ")) {
            texts += 1;
            let fill = line
                .split(" fill=\"")
                .nth(1)
                .and_then(|r| r.split('"').next());
            if let Some(fill) = fill
                && !checked.contains(&fill)
            {
                other.push(format!("{}: {fill}", f.display()));
            }
        }
    }
    assert!(texts > 1000, "{texts} texts");
    assert!(
        other.is_empty(),
        "unchecked text colours:\n{}",
        other.join("\n")
    );
}
