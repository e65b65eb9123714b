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
    ("content/engine.md", "modes", "atomic", 0),
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
        "neuron-batch-whatif",
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
/// being 358). Top to bottom, a node's running sum is written in its
/// step's message, not in the node, so a value read twice is as narrow as
/// its total (the batches went from 734 to 525 px). The ones wider than
/// that are the batches (a rank holds every example's inputs and the
/// shared params, and lanes are not wrapped): their frames get a phone's view of
/// each step, centred on its subject. The tanh neuron's atomic view had
/// four leaves side by side (353 px) until a row of leaves wider than a
/// phone wraps onto a row above (`layout::rank::wrap_rows`): 326.
/// (file, block id, view, left-to-right width, top-to-bottom width), in px.
const WIDTHS: &[(&str, &str, &str, u32, u32)] = &[
    ("content/one-example.md", "single", "atomic", 1245, 326),
    ("content/one-example.md", "fork", "atomic", 604, 326),
    ("content/training.md", "batch-clean", "modules", 1187, 525),
    (
        "content/training.md",
        "batch-boundary",
        "modules",
        1195,
        525,
    ),
    (
        "content/training.md",
        "batch-disagree",
        "modules",
        1173,
        525,
    ),
    ("src/scaffold/index.md", "single", "atomic", 1245, 326),
    ("src/scaffold/index.md", "batch", "modules", 1187, 525),
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
        987,
    ),
    (
        "browser/sites/tanh/content/index.md",
        "neuron-batch-whatif",
        "modules",
        1994,
        987,
    ),
    (
        "browser/sites/tanh/content/index.md",
        "neuron-ten",
        "modules",
        2834,
        2331,
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

/// A value read by two consumers, top to bottom: the node is as narrow as
/// its texts without the running sum (the whole graph in a phone's column,
/// where a node wide enough for `∇ −0.2996 + (−0.2996) = −0.5991` made
/// this ten-node graph 485 px wide), and the step whose message adds to a
/// gradient the node already had writes the sum in its message instead.
#[test]
fn top_to_bottom_a_running_sum_goes_in_the_message_not_the_node() {
    use seen::render::frame::Direction;
    use seen::render::scene::PHONE_COLUMN;
    let dir = tempfile::tempdir().unwrap();
    let page = crate::support::write(
        dir.path(),
        "index.md",
        "+++\ntitle = \"Waves\"\n+++\n\n```autograd\nid = \"wave\"\nparams = { a = 0.7, b = -1.3 }\ninputs = { t = 2.0 }\ngraph = \"\"\"\nu = sin(a * t)\nv = cos(b * t)\nr = sqrt(u * u + v * v + 1)\nloss = abs(r - 2)\n\"\"\"\n```\n",
    );
    let runs = seen::run_file(Path::new(&page)).expect("the block runs");
    let run = &runs[0].1[0];
    let story = seen::story::tell(run);
    let tb = Scene::with(run.graph(), &story, Direction::TopDown);
    let lr = Scene::with(run.graph(), &story, Direction::LeftRight);
    assert_eq!(
        tb.width, PHONE_COLUMN,
        "the whole graph fits a phone's column"
    );
    assert!(tb.crops.is_empty());
    // The second message to `u` (and to `v`): its sum, in the message top
    // to bottom, in the node left to right.
    let u = (0..run.graph().len())
        .find(|&i| story.labels[i] == "u")
        .unwrap();
    let to_u: Vec<usize> = (0..story.steps.len())
        .filter(|&k| story.steps[k].phase == seen::story::Phase::Backward)
        .filter(|&k| story.steps[k].active_edges.iter().any(|e| e.from == u))
        .collect();
    assert_eq!(to_u.len(), 2, "u * u sends u two messages");
    let frame = |scene: &Scene, k: usize| {
        let meta = seen::render::frame::FrameMeta {
            id: "wave",
            figure_title: "wave",
        };
        seen::render::frame::frame(run.graph(), &story, scene, k, &meta)
    };
    let sum_line = |svg: &str| {
        svg.split("<text")
            .find(|t| t.contains("class=\"grad sum\""))
            .map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].to_string())
    };
    let (tb_svg, lr_svg) = (frame(&tb, to_u[1]), frame(&lr, to_u[1]));
    let in_node_lr = sum_line(&lr_svg).expect("left to right, the node shows its sum");
    let in_node_tb = sum_line(&tb_svg).expect("top to bottom, the node shows its total");
    let (terms, total) = in_node_lr.rsplit_once(" = ").unwrap();
    assert!(terms.contains(" + "), "{in_node_lr}");
    assert_eq!(in_node_tb, format!("∇ {total}"));
    let message: String = (tb_svg
        .split("<text")
        .filter(|t| t.contains("edge-label-text")))
    .map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].to_string())
    .collect::<Vec<_>>()
    .join(" ");
    assert!(message.ends_with(&format!("= {total}")), "{message}");
    for part in in_node_lr
        .split(' ')
        .filter(|p| p.chars().any(|c| c.is_ascii_digit()))
    {
        assert!(
            message.contains(part),
            "{part} missing from the message: {message}"
        );
    }
    assert_eq!(
        sum_line(&frame(&tb, to_u[0])),
        None,
        "the first message to u adds to nothing"
    );
}
