//! The edge crossings of every graph the bundled markdown draws, one node
//! per value. A shared param drawn once (so the reader sees its messages
//! add up) costs a few crossings in a batch; these are the counts as
//! measured, each no more than Graphviz `dot` draws on the same graph
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
    ("content/training.md", "batch-clean", "modules", 4),
    ("content/training.md", "batch-boundary", "modules", 4),
    ("content/training.md", "batch-disagree", "modules", 4),
    ("src/scaffold/index.md", "single", "atomic", 0),
    ("src/scaffold/index.md", "overview", "modules", 0),
    ("src/scaffold/index.md", "rule-mul", "atomic", 0),
    ("src/scaffold/index.md", "compare", "atomic", 0),
    ("src/scaffold/index.md", "compare", "modules", 0),
    ("src/scaffold/index.md", "batch", "modules", 4),
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
        11,
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
