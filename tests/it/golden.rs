//! Golden SVGs: every figure listed here is regenerated and compared byte
//! for byte with its file under `tests/golden/`. A mismatch prints a line
//! diff. `SEEN_BLESS=1 cargo test --test it golden` rewrites the files (look at
//! them as pictures before committing: `seen frames … --png` or the PNGs the
//! render test writes). A golden that no test produces fails the suite.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{
    describe, explainer_page_of, explainer_runs, manifest_dir, seen, snapshot, write,
};

fn golden_dir() -> PathBuf {
    manifest_dir().join("tests/golden")
}

/// The blocks of the bundled explainer, by id.
fn explainer() -> BTreeMap<String, (seen::scenario::Scenario, Vec<seen::scenario::Run>)> {
    explainer_runs()
        .into_iter()
        .map(|(s, r)| (s.id.clone(), (s, r)))
        .collect()
}

/// Every golden file this suite produces, built once for all the tests of
/// this module (the explainer's figures take seconds in a debug build).
fn produced() -> &'static BTreeMap<String, String> {
    static PRODUCED: std::sync::OnceLock<BTreeMap<String, String>> = std::sync::OnceLock::new();
    PRODUCED.get_or_init(build_produced)
}

/// Every golden file this suite produces: path under tests/golden → bytes.
fn build_produced() -> BTreeMap<String, String> {
    let blocks = explainer();
    let mut out = BTreeMap::new();
    let (single, runs) = &blocks["single"];
    for run in runs {
        for (k, svg) in seen::render::frame::trace_frames(single, run)
            .into_iter()
            .enumerate()
        {
            out.insert(
                format!("single/{}-step-{:02}.svg", run.view.name(), k + 1),
                svg,
            );
        }
    }
    use seen::figure::step_size::Errors;
    use seen::render::figures as figure;
    let (rule, runs) = &blocks["rule-mul"];
    out.insert(
        "rule/mul.svg".into(),
        figure::rule_card(rule, &runs[0], &rule.id).into(),
    );
    // The cards of sin, cos, sqrt and abs, from their fixture.
    let rules = manifest_dir().join("tests/fixtures/rules.md");
    for (s, runs) in seen::run_file(&rules).expect("the rule-card fixture runs") {
        let name = s.id.trim_start_matches("rule-");
        out.insert(
            format!("rule/{name}.svg"),
            figure::rule_card(&s, &runs[0], &s.id).into(),
        );
    }
    let (cmp, runs) = &blocks["modules"];
    for run in runs {
        let id = format!("{}-{}", cmp.id, run.view.name());
        out.insert(
            format!("compare/{}.svg", run.view.name()),
            figure::graph_still(run, &id, "compare").into(),
        );
    }
    let (batch, runs) = &blocks["batch-clean"];
    let run = &runs[0];
    out.insert(
        "batch/plot.svg".into(),
        figure::batch(
            batch,
            run,
            &seen::figure::model_plot::BatchData::new(batch, run),
            &batch.id,
        )
        .plot
        .into(),
    );
    let frames = seen::render::frame::trace_frames(batch, run);
    // The step where the last message reaches a shared param, and the update.
    out.insert(
        "batch/backward-done.svg".into(),
        frames[frames.len() - 2].clone(),
    );
    out.insert("batch/update.svg".into(), frames[frames.len() - 1].clone());
    // The first step where a message adds to a gradient the node already
    // had: the shared param shows its running sum.
    let story = seen::story::tell(run);
    let adds = (1..story.steps.len())
        .find(|&k| {
            let st = &story.steps[k];
            st.phase == seen::story::Phase::Backward
                && st.active_nodes.iter().any(|&i| {
                    run.graph().nodes[i].kind == seen::engine::Kind::Param
                        && story.state_at(k - 1).grads[i].is_some()
                })
        })
        .expect("a shared param receives a second message");
    out.insert("batch/accumulate.svg".into(), frames[adds].clone());
    // Top to bottom, as a phone shows them: the single trace's seed (the
    // loss at the bottom) and a message beside its edge; the fork's two
    // edges between x and u, each message its own; a batch step (lanes as
    // columns, the phone's view and its cue); the sketch and a rule card;
    // and the batch's step, example by example.
    use seen::render::frame::{Direction, FrameMeta, Scene};
    let phone = |s: &seen::scenario::Scenario, run: &seen::scenario::Run, k: usize| {
        let story = seen::story::tell(run);
        let scene = Scene::with(run.graph(), &story, Direction::TopDown);
        let id = format!("{}-{}-tb-f{k}", s.id, run.view.name());
        let meta = FrameMeta {
            id: &id,
            figure_title: "phone",
        };
        seen::render::frame::frame(run.graph(), &story, &scene, k, &meta)
    };
    let (single, runs) = &blocks["single"];
    let story = seen::story::tell(&runs[0]);
    let seed = (story.steps.iter())
        .position(|st| st.phase == seen::story::Phase::Seed)
        .unwrap();
    out.insert(
        "phone/single-seed.svg".into(),
        phone(single, &runs[0], seed),
    );
    out.insert(
        "phone/single-message.svg".into(),
        phone(single, &runs[0], seed + 3),
    );
    let (fork, runs) = &blocks["fork"];
    let story = seen::story::tell(&runs[0]);
    let to_x: Vec<usize> = (0..story.steps.len())
        .filter(|&k| {
            let st = &story.steps[k];
            st.phase == seen::story::Phase::Backward
                && st
                    .active_edges
                    .iter()
                    .any(|e| runs[0].graph().nodes[e.from].name.as_deref() == Some("x"))
        })
        .collect();
    assert_eq!(to_x.len(), 2, "x * x sends x two messages");
    for (i, &k) in to_x.iter().enumerate() {
        out.insert(
            format!("phone/fork-x-{}.svg", i + 1),
            phone(fork, &runs[0], k),
        );
        let frames = seen::render::frame::trace_frames(fork, &runs[0]);
        out.insert(format!("fork/x-{}.svg", i + 1), frames[k].clone());
    }
    out.insert("phone/batch-accumulate.svg".into(), phone(batch, run, adds));
    out.insert(
        "phone/sketch.svg".into(),
        figure::graph_still_in(
            &blocks["sketch"].1[0],
            "sketch-tb",
            "sketch",
            Direction::TopDown,
        )
        .into(),
    );
    out.insert(
        "phone/rule-mul.svg".into(),
        figure::rule_card_narrow(rule, &blocks["rule-mul"].1[0], "rule-mul-narrow").into(),
    );
    out.insert(
        "batch/shift.svg".into(),
        figure::batch(
            batch,
            run,
            &seen::figure::model_plot::BatchData::new(batch, run),
            &batch.id,
        )
        .shift
        .expect("the batch updates")
        .into(),
    );
    let (step, runs) = &blocks["step-size"];
    out.insert(
        "step-size/w.svg".into(),
        figure::step_size(step, &Errors::new(step, &runs[0]), &step.id).into(),
    );
    // Forward mode seeded at w, both layouts (the engine page's modes).
    let (modes_s, runs) = &blocks["modes"];
    let modes = seen::figure::modes::Modes::new(&runs[0]).expect("the modes agree");
    use seen::render::frame::Direction::{LeftRight, TopDown};
    for (name, id, dir) in [
        ("modes/forward-w.svg", "modes-lr", LeftRight),
        ("phone/modes-forward-w.svg", "modes-tb", TopDown),
    ] {
        let svg = figure::modes::forward_still(&runs[0], &modes, 0, id, &modes_s.id, dir);
        out.insert(name.into(), svg.into());
    }
    // The same plots a phone's column wide: the step-size plot, the
    // batch's, and each plot fixture's.
    out.insert(
        "phone/step-size.svg".into(),
        figure::step_size_narrow(step, &Errors::new(step, &runs[0]), "step-size-narrow").into(),
    );
    out.insert(
        "phone/batch-plot.svg".into(),
        figure::batch(
            batch,
            run,
            &seen::figure::model_plot::BatchData::new(batch, run),
            &batch.id,
        )
        .plot_narrow
        .into(),
    );
    let (sketch, runs) = &blocks["sketch"];
    out.insert(
        "graph/sketch.svg".into(),
        figure::graph_still(&runs[0], &sketch.id, "sketch").into(),
    );
    // A tiny net drawn whole, its params and neurons named by index.
    let nets = manifest_dir().join("tests/fixtures/net.md");
    for (s, runs) in seen::run_file(&nets).expect("the net fixture runs") {
        out.insert(
            format!("graph/{}.svg", s.id),
            figure::graph_still(&runs[0], &s.id, s.title.as_deref().unwrap_or(&s.id)).into(),
        );
    }
    out.extend(plots());
    out.extend(varied());
    // Training: the first, a middle and the last snapshot of each block of
    // the fixture (one feature, then two).
    let fixture = manifest_dir().join("tests/fixtures/training.md");
    for (s, runs) in seen::run_file(&fixture).expect("the training fixture runs") {
        let frames = seen::training_frames(&s, &runs[0]).expect("training frames");
        let shown = &runs[0].training.as_ref().unwrap().snapshots;
        for i in [0, frames.len() / 4, frames.len() - 1] {
            out.insert(
                format!("training/{}-step-{:02}.svg", s.id, shown[i]),
                frames[i].clone(),
            );
        }
        // A phone's drawing of the middle one.
        let phone = seen::render::scene::PHONE_COLUMN;
        let narrow = seen::training_frames_at(&s, &runs[0], phone).expect("training frames");
        let i = frames.len() / 4;
        out.insert(
            format!("phone/training-{}-step-{:02}.svg", s.id, shown[i]),
            narrow[i].clone(),
        );
    }
    out
}

/// The batch plots of `tests/fixtures/plots.md`: the author's model over
/// one or two features, with continuous or two-class targets, wide and a
/// phone's column wide.
fn plots() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plots.md");
    seen::run_file(&path)
        .expect("the plot fixtures run")
        .into_iter()
        .flat_map(|(s, runs)| {
            let id = format!("plot-{}", s.id);
            let parts = seen::render::figures::batch(
                &s,
                &runs[0],
                &seen::figure::model_plot::BatchData::new(&s, &runs[0]),
                &id,
            );
            [
                (format!("plots/{}.svg", s.id), parts.plot.into()),
                (format!("phone/plot-{}.svg", s.id), parts.plot_narrow.into()),
            ]
        })
        .collect()
}

/// A varied batch (`tests/fixtures/vary.md`): the combination furthest
/// from the block's own (w = 2.5, k = 3, lr = 1) as the page draws it: its
/// model plot, its step's shift and its trace's last frame (the update).
fn varied() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vary.md");
    let files = seen::run_file(&path).expect("the vary fixture runs");
    let (_, runs) = &files[0];
    let v = (runs[0].variants.iter())
        .find(|v| v.set.iter().map(|s| s.1).eq([2.5, 3.0, 1.0]))
        .expect("the combination w = 2.5, k = 3, lr = 1");
    let (s, run) = (&*v.scenario, &v.runs[0]);
    let parts = seen::render::figures::batch(
        s,
        run,
        &seen::figure::model_plot::BatchData::new(s, run),
        "vb-v11",
    );
    let frames = seen::render::frame::trace_frames(s, run);
    let name = "vary/batch-w-2.5-k-3-lr-1";
    BTreeMap::from([
        (format!("{name}-plot.svg"), parts.plot.into()),
        (
            format!("{name}-shift.svg"),
            parts.shift.expect("the batch updates").into(),
        ),
        (
            format!("{name}-update.svg"),
            frames[frames.len() - 1].clone(),
        ),
    ])
}

/// A readable line diff (the `similar` crate's): removed lines `-`, added
/// lines `+`, with a little context, so an inserted line reads as one
/// insertion rather than as every later line changed.
fn line_diff(expected: &str, actual: &str) -> String {
    let diff = similar::TextDiff::from_lines(expected, actual);
    let mut out = String::new();
    for group in diff.grouped_ops(1).iter().take(6) {
        for op in group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                let line = change.old_index().or(change.new_index()).unwrap_or(0) + 1;
                out += &format!("  {sign}{line:>5} {}", change.value());
                if change.missing_newline() {
                    out.push('\n');
                }
            }
        }
        out += "  …\n";
    }
    out
}

#[test]
fn a_golden_diff_shows_an_inserted_line_as_one_insertion() {
    let old = "a\nb\nc\nd\ne\n";
    let new = "a\nb\nX\nc\nd\ne\n";
    let diff = line_diff(old, new);
    let marked: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with("  +") || l.starts_with("  -"))
        .collect();
    assert_eq!(marked, ["  +    3 X"], "{diff}");
}

/// Whether this run rewrites the goldens: `SEEN_BLESS=1` only (not `0`,
/// not empty).
fn blessing() -> bool {
    blesses(std::env::var("SEEN_BLESS").ok().as_deref())
}

fn blesses(value: Option<&str>) -> bool {
    value == Some("1")
}

#[test]
fn only_seen_bless_1_rewrites_goldens() {
    assert!(blesses(Some("1")));
    for v in [None, Some("0"), Some(""), Some("false"), Some("no")] {
        assert!(!blesses(v), "SEEN_BLESS={v:?} must not bless");
    }
}

fn existing() -> Vec<String> {
    let root = golden_dir();
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "svg") {
                files.push(
                    p.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    files.sort();
    files
}

#[test]
fn goldens_match_and_none_is_orphaned() {
    let produced = produced();
    let root = golden_dir();
    if blessing() {
        for f in existing() {
            if !produced.contains_key(&f) {
                std::fs::remove_file(root.join(&f)).unwrap();
            }
        }
        for (path, svg) in produced {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, svg).unwrap();
        }
        return;
    }
    let mut failures = String::new();
    for (path, svg) in produced {
        match std::fs::read_to_string(root.join(path)) {
            Ok(expected) if expected == *svg => {}
            Ok(expected) => failures += &format!("{path} differs:\n{}", line_diff(&expected, svg)),
            Err(_) => {
                failures += &format!("{path} is missing (run with SEEN_BLESS=1 to write it)\n")
            }
        }
    }
    for f in existing() {
        if !produced.contains_key(&f) {
            failures += &format!("{f} is a golden that no test produces\n");
        }
    }
    assert!(failures.is_empty(), "golden mismatch:\n{failures}");
}

/// Fraction of pixels that are not (near) white.
fn ink(p: &resvg::tiny_skia::Pixmap) -> f64 {
    let px = p.pixels();
    let dark = px
        .iter()
        .filter(|c| c.alpha() > 0 && (c.red() < 200 || c.green() < 200 || c.blue() < 200))
        .count();
    dark as f64 / px.len() as f64
}

#[test]
fn every_golden_renders_with_its_text() {
    let files = existing();
    assert!(!files.is_empty(), "no goldens found");
    for f in files {
        let svg = std::fs::read_to_string(golden_dir().join(&f)).unwrap();
        let with_text = seen::render::png::pixmap(&svg, 1.0).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(ink(&with_text) > 0.005, "{f} renders blank");
        // The same picture with every <text> removed must have less ink:
        // proof that the bundled font drew the text.
        let no_text: String = svg
            .lines()
            .filter(|l| !l.trim_start().starts_with("<text"))
            .collect::<Vec<_>>()
            .join("\n");
        let without = seen::render::png::pixmap(&no_text, 1.0).unwrap();
        assert!(
            ink(&with_text) > ink(&without) + 0.001,
            "{f}: its text was not drawn"
        );
    }
}

#[test]
fn frames_are_identical_across_builds_and_processes() {
    let a = produced();
    let b = build_produced();
    assert_eq!(*a, b, "two builds in one process differ");
    let md = explainer_page_of("single");
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for d in &dirs {
        let run = seen(&[
            "frames",
            md.to_str().unwrap(),
            "--out",
            d.path().to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", describe(&run));
    }
    let (x, y) = (snapshot(dirs[0].path()), snapshot(dirs[1].path()));
    assert!(x.len() > 20, "seen frames wrote {} files", x.len());
    assert_eq!(x, y, "two processes wrote different frames");
    // The in-process frames are the same bytes as the exported files.
    for (path, svg) in a.iter().filter(|(p, _)| p.starts_with("single/")) {
        let name = format!("single-{}", path.trim_start_matches("single/"));
        let file = x
            .get(Path::new(&name))
            .unwrap_or_else(|| panic!("{name} not exported"));
        assert_eq!(file, svg.as_bytes(), "{name}");
    }
}

#[test]
fn ids_are_unique_within_each_frame_and_across_a_trace() {
    let mut all = std::collections::HashSet::new();
    for (path, svg) in produced() {
        let mut mine = std::collections::HashSet::new();
        for part in svg.split(" id=\"").skip(1) {
            let id = &part[..part.find('"').unwrap()];
            assert!(mine.insert(id.to_string()), "{path}: id {id} twice");
            assert!(
                all.insert(id.to_string()),
                "{path}: id {id} also in another frame"
            );
        }
        assert!(!mine.is_empty(), "{path} has no ids for its title and desc");
    }
}

#[test]
fn frames_carry_no_style_and_one_element_per_line() {
    for (path, svg) in produced() {
        assert!(!svg.contains("style="), "{path} has a style attribute");
        assert!(!svg.contains("<style"), "{path} has a style element");
        assert!(!svg.contains("<script"), "{path} has a script");
        for line in svg.lines() {
            assert!(
                line.trim_start().matches('<').count() <= 2,
                "{path}: more than one element on a line: {line}"
            );
        }
    }
}

/// A page with one small trace: `seen frames --png` renders every frame
/// through resvg, so the PNG check runs on this rather than on the 259
/// frames of the bundled explainer (40 s, one after another).
const SMALL: &str = r#"# A small trace

```autograd
id = "small"
params = { w = 1.5, b = -0.5 }
inputs = { x = 2.0 }
graph = """
z = w * x + b
loss = relu(z)
"""
```
"#;

#[test]
fn seen_frames_exports_pngs_and_an_animation_per_trace() {
    let dir = tempfile::tempdir().unwrap();
    let md = write(dir.path(), "small.md", SMALL);
    let out = dir.path().join("out");
    let run = seen(&["frames", &md, "--out", out.to_str().unwrap(), "--png"]);
    assert!(run.status.success(), "{}", describe(&run));
    // What should be there: per trace, an SVG and a PNG per step and one
    // animated SVG, and nothing else.
    let mut expected = std::collections::BTreeSet::new();
    let mut traces = Vec::new();
    for (s, runs) in seen::run_file(Path::new(&md)).unwrap() {
        for r in &runs {
            let steps = seen::story::tell(r).steps.len();
            assert!(steps > r.forward.len(), "{}: no backward steps", s.id);
            let stem = format!("{}-{}", s.id, r.view.name());
            for k in 1..=steps {
                expected.insert(format!("{stem}-step-{k:02}.svg"));
                expected.insert(format!("{stem}-step-{k:02}.png"));
            }
            expected.insert(format!("{stem}-animated.svg"));
            traces.push((stem, steps));
        }
    }
    assert_eq!(traces.len(), 1, "the fixture has one trace");
    let files = snapshot(&out);
    let names: std::collections::BTreeSet<String> = files
        .keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, expected);
    for (stem, steps) in &traces {
        for k in 1..=*steps {
            let png = &files[Path::new(&format!("{stem}-step-{k:02}.png"))];
            assert_eq!(&png[1..4], b"PNG", "step {k} is not a PNG");
            let svg =
                String::from_utf8(files[Path::new(&format!("{stem}-step-{k:02}.svg"))].clone())
                    .unwrap();
            // 2x scale: the PNG is twice the SVG's size.
            let attr = |name: &str| -> f64 {
                svg.split(&format!(" {name}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
            let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
            assert_eq!(width, (attr("width") * 2.0).round() as u32, "step {k}");
            assert_eq!(height, (attr("height") * 2.0).round() as u32, "step {k}");
        }
        let animated =
            String::from_utf8(files[Path::new(&format!("{stem}-animated.svg"))].clone()).unwrap();
        // The frames file's drawing (each part once), each step shown in
        // turn by an animation of `--t`; the last one under reduced motion.
        for k in 1..=*steps {
            assert!(
                animated.contains(&format!("<g class=\"at a{k} b{}\"", k + 1)),
                "no highlights of step {k}"
            );
        }
        assert_eq!(animated.matches("<g class=\"film\">").count(), 1);
        assert!(animated.contains(&format!(
            "@keyframes play {{ from {{ --t: 1; }} to {{ --t: {}; }} }}",
            steps + 1
        )));
        assert!(animated.contains(&format!("s steps({steps}) infinite; }}")));
        assert!(animated.contains(&format!(
            "@media (prefers-reduced-motion: reduce) {{ g.film {{ animation: none; --t: {steps}; }} }}"
        )));
        assert!(!animated.contains("<view"));
    }
}
