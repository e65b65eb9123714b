//! The edge crossings of every graph the bundled markdown draws, one node
//! per value. A shared param drawn once (so the reader sees its messages
//! add up) costs a few crossings in a batch, and so do the lanes that keep
//! each example in a row of its own; these are the counts as measured,
//! each no more than Graphviz `dot` draws on the same graph
//! (`cargo run --release --example crossings -- FILE…`, run by `.ci/run`).
//! A change to the layout that moves one of them must update this table,
//! and should only ever lower it.

use seen::layout::count_crossings;

use seen::render::frame::Scene;
use std::path::Path;

/// (file, block id, view, crossings).
const EXPECTED: &[(&str, &str, &str, usize)] = &[
    ("content/engine.md", "layer", "modules", 1),
    ("content/index.md", "step-size", "atomic", 0),
    ("content/index.md", "sketch", "modules", 0),
    ("content/index.md", "rule-mul", "atomic", 0),
    ("content/index.md", "rule-add", "atomic", 0),
    ("content/index.md", "rule-exp", "atomic", 0),
    ("content/index.md", "rule-recip", "atomic", 0),
    ("content/index.md", "rule-log", "atomic", 0),
    ("content/index.md", "rule-tanh", "atomic", 0),
    ("content/index.md", "rule-relu", "atomic", 0),
    ("content/index.md", "rule-sigmoid", "modules", 0),
    ("content/one-example.md", "single", "atomic", 0),
    ("content/one-example.md", "fork", "atomic", 0),
    ("content/training.md", "modules", "atomic", 0),
    ("content/training.md", "modules", "modules", 0),
    ("content/training.md", "batch-clean", "modules", 5),
    ("content/training.md", "batch-boundary", "modules", 5),
    ("content/training.md", "batch-disagree", "modules", 5),
    ("src/scaffold/index.md", "single", "atomic", 0),
    ("src/scaffold/index.md", "overview", "modules", 0),
    ("src/scaffold/index.md", "rule-mul", "atomic", 0),
    ("src/scaffold/index.md", "compare", "atomic", 0),
    ("src/scaffold/index.md", "compare", "modules", 0),
    ("src/scaffold/index.md", "batch", "modules", 5),
    ("src/scaffold/index.md", "step-size", "atomic", 0),
    ("browser/sites/tanh/content/index.md", "neuron", "atomic", 0),
    (
        "browser/sites/tanh/content/index.md",
        "neuron-graph",
        "modules",
        0,
    ),
    (
        "browser/sites/tanh/content/index.md",
        "neuron-compare",
        "atomic",
        0,
    ),
    (
        "browser/sites/tanh/content/index.md",
        "neuron-compare",
        "modules",
        0,
    ),
    (
        "browser/sites/tanh/content/index.md",
        "neuron-batch",
        "modules",
        14,
    ),
    (
        "browser/sites/tanh/content/index.md",
        "neuron-ten",
        "modules",
        125,
    ),
];

#[test]
fn every_bundled_graph_has_its_measured_crossings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut measured = Vec::new();
    // Every page of the bundled explainer (content/, by path), then the
    // scaffold and the tanh site.
    let mut files: Vec<String> = (crate::support::explainer_pages().iter())
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    files.extend(
        [
            "src/scaffold/index.md",
            "browser/sites/tanh/content/index.md",
        ]
        .map(String::from),
    );
    for file in &files {
        let runs = seen::run_file(&root.join(file)).expect("the bundled markdown runs");
        for (s, rs) in &runs {
            // A training block's graph is run, not drawn.
            if !s.figure.draws_graph() {
                continue;
            }
            for run in rs {
                let story = seen::story::tell(run);
                let scene = Scene::new(run.graph(), &story);
                measured.push((
                    file.to_string(),
                    s.id.clone(),
                    run.view.name().to_string(),
                    count_crossings(&scene.layout),
                ));
            }
        }
    }
    let expected: Vec<(String, String, String, usize)> = EXPECTED
        .iter()
        .map(|&(f, id, v, c)| (f.to_string(), id.to_string(), v.to_string(), c))
        .collect();
    let show = |rows: &[(String, String, String, usize)]| {
        rows.iter()
            .map(|(f, id, v, c)| format!("    (\"{f}\", \"{id}\", \"{v}\", {c}),"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        measured == expected,
        "crossings changed; measured:\n{}\nexpected:\n{}",
        show(&measured),
        show(&expected)
    );
}

/// Every bundled graph's frames, top to bottom as a phone shows them: the
/// width is the widest rank (nodes sized for every step's text), at least
/// [`PHONE_COLUMN`] (326: a 360-px phone's column, the column at 390 px
/// being 358). The ones wider than that are the batches (a rank holds
/// every example's inputs and the shared params, each with its running
/// sum, and lanes are not wrapped): their frames get a phone's view of
/// each step, centred on its subject. The tanh neuron's atomic view had
/// four leaves side by side (353 px) until a row of leaves wider than a
/// phone wraps onto a row above (`layout::rank::wrap_rows`): 326.
/// (file, block id, view, left-to-right width, top-to-bottom width), in px.
const WIDTHS: &[(&str, &str, &str, u32, u32)] = &[
    ("content/one-example.md", "single", "atomic", 1245, 326),
    ("content/one-example.md", "fork", "atomic", 604, 326),
    ("content/training.md", "batch-clean", "modules", 1187, 734),
    (
        "content/training.md",
        "batch-boundary",
        "modules",
        1195,
        734,
    ),
    (
        "content/training.md",
        "batch-disagree",
        "modules",
        1173,
        720,
    ),
    ("src/scaffold/index.md", "single", "atomic", 1245, 326),
    ("src/scaffold/index.md", "batch", "modules", 1187, 734),
    (
        "browser/sites/tanh/content/index.md",
        "neuron",
        "atomic",
        1001,
        326,
    ),
    (
        "browser/sites/tanh/content/index.md",
        "neuron-batch",
        "modules",
        1994,
        1150,
    ),
    (
        "browser/sites/tanh/content/index.md",
        "neuron-ten",
        "modules",
        2834,
        2494,
    ),
];

#[test]
fn every_bundled_trace_top_to_bottom_and_its_width() {
    use seen::render::frame::Direction;
    use seen::render::scene::PHONE_COLUMN;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut measured = Vec::new();
    for file in [
        "content/index.md",
        "content/one-example.md",
        "content/training.md",
        "content/engine.md",
        "src/scaffold/index.md",
        "browser/sites/tanh/content/index.md",
    ] {
        let runs = seen::run_file(&root.join(file)).expect("the bundled markdown runs");
        for (s, rs) in &runs {
            if !matches!(
                s.figure,
                seen::scenario::Figure::Trace | seen::scenario::Figure::Batch
            ) {
                continue;
            }
            for run in rs {
                let story = seen::story::tell(run);
                let lr = Scene::with(run.graph(), &story, Direction::LeftRight);
                let tb = Scene::with(run.graph(), &story, Direction::TopDown);
                // Wider than a phone: a phone's view per step, else none.
                assert_eq!(
                    tb.crops.is_empty(),
                    tb.width <= PHONE_COLUMN,
                    "{file} {}",
                    s.id
                );
                assert!(tb.width >= PHONE_COLUMN);
                measured.push((
                    file.to_string(),
                    s.id.clone(),
                    run.view.name().to_string(),
                    lr.width.round() as u32,
                    tb.width.round() as u32,
                ));
            }
        }
    }
    let expected: Vec<(String, String, String, u32, u32)> = WIDTHS
        .iter()
        .map(|&(f, id, v, a, b)| (f.to_string(), id.to_string(), v.to_string(), a, b))
        .collect();
    let show = |rows: &[(String, String, String, u32, u32)]| {
        rows.iter()
            .map(|(f, id, v, a, b)| format!("    (\"{f}\", \"{id}\", \"{v}\", {a}, {b}),"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        measured == expected,
        "widths changed; measured:\n{}\nexpected:\n{}",
        show(&measured),
        show(&expected)
    );
}
