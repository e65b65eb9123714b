//! Training blocks against independent references: SplitMix64 initial
//! weights, logistic regression against its closed-form gradient step by
//! step, a net's gradients against central differences at several steps,
//! `zero_grad = false` against the summed-gradient definition, the
//! evaluator, CSV data through `seen trace`, and a big graph.

use seen::engine::gradcheck::check_gradients;
use seen::engine::{Schedule, train};
use seen::scenario::{self, View};
use serde_json::Value;

use crate::support::{close, seen, write};

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `seen trace` of a page holding `block`, plus other files.
fn trace(block: &str, files: &[(&str, &str)]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    let page = write(
        dir.path(),
        "content/page.md",
        &format!("# Page\n\n```autograd\n{block}\n```\n"),
    );
    let o = seen(&["trace", &page]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn steps(doc: &Value) -> &Vec<Value> {
    doc["scenarios"][0]["training"]["steps"].as_array().unwrap()
}

fn param(step: &Value, name: &str) -> f64 {
    step["params"][name]
        .as_f64()
        .unwrap_or_else(|| panic!("no param {name} in {step}"))
}

#[test]
fn a_small_nets_initial_weights_are_splitmix64_in_layer_neuron_input_order() {
    let doc = trace(
        "id = \"n\"\ninputs = { a = 0.5, b = -1 }\nnet = { name = \"f\", sizes = [2, 2, 1], act = \"tanh\", seed = 1 }\ngraph = \"out = f(a, b)\"\ntrain = { steps = 1, lr = 0.1 }",
        &[],
    );
    // A block with `train` and no `figure` is a training figure (it was
    // drawn as a trace of its first pass, frame by frame).
    assert_eq!(doc["scenarios"][0]["figure"], "training");
    let s0 = &steps(&doc)[0];
    // SplitMix64 at seed 1, each weight 2u − 1 with u = (next >> 11)·2⁻⁵³,
    // from an independent Python implementation of the recipe.
    let expected = [
        ("f.1.0.w0", 0.1331231503445618),
        ("f.1.0.w1", 0.49156351452540226),
        ("f.1.0.b", 0.0),
        ("f.1.1.w0", 0.9420055071735924),
        ("f.1.1.w1", -0.11128156588845584),
        ("f.1.1.b", 0.0),
        ("f.2.0.w0", -0.1114705983472839),
        ("f.2.0.w1", 0.525788783823522),
        ("f.2.0.b", 0.0),
    ];
    assert_eq!(s0["params"].as_object().unwrap().len(), expected.len());
    for (name, v) in expected {
        assert_eq!(param(s0, name), v, "{name}");
    }
    // The output: tanh of each hidden neuron, then the linear last layer.
    let (a, b) = (0.5, -1.0);
    let h0 = (0.1331231503445618f64 * a + 0.49156351452540226 * b).tanh();
    let h1 = (0.9420055071735924f64 * a + -0.11128156588845584 * b).tanh();
    let out = -0.1114705983472839 * h0 + 0.525788783823522 * h1;
    assert!(close(s0["loss"].as_f64().unwrap(), out, 1e-15));
    // `nodes` is the first pass, at the initial params.
    let value = doc["scenarios"][0]["output"]["value"].as_f64().unwrap();
    assert_eq!(value, s0["loss"].as_f64().unwrap());
}

#[test]
fn a_sigmoid_net_computes_sigmoid_neurons_in_both_views() {
    // The same 2-2-1 net as above with act = "sigmoid": each hidden neuron
    // is σ(w·x + b), in the modules view one sigmoid node, in the atomic
    // view its expansion; the build checks both give the same gradients.
    let body = "id = \"n\"\ninputs = { a = 0.5, b = -1 }\nnet = { name = \"f\", sizes = [2, 2, 1], act = \"sigmoid\", seed = 1 }\ngraph = \"out = f(a, b)\"\ntrain = { steps = 1, lr = 0.1 }";
    let doc = trace(body, &[]);
    let s0 = &steps(&doc)[0];
    let (a, b) = (0.5, -1.0);
    let h0 = sigmoid(0.1331231503445618f64 * a + 0.49156351452540226 * b);
    let h1 = sigmoid(0.9420055071735924f64 * a + -0.11128156588845584 * b);
    let out = -0.1114705983472839 * h0 + 0.525788783823522 * h1;
    assert!(close(s0["loss"].as_f64().unwrap(), out, 1e-15));
    let s = scenario::parse(body).unwrap();
    let ops = |view| -> Vec<&'static str> {
        let l = s.lower(view).unwrap();
        l.graph
            .nodes
            .iter()
            .filter_map(|n| n.op.map(|o| o.name()))
            .collect()
    };
    let modules = ops(View::Modules);
    assert_eq!(modules.iter().filter(|o| **o == "sigmoid").count(), 2);
    let atomic = ops(View::Atomic);
    assert!(!atomic.contains(&"sigmoid") && !atomic.contains(&"linear"));
    assert_eq!(atomic.iter().filter(|o| **o == "exp").count(), 2);
    assert_eq!(atomic.iter().filter(|o| **o == "recip").count(), 2);
    s.analyze()
        .expect("both views agree and the gradients check");
}

#[test]
fn logistic_regression_follows_the_closed_form_gradient_over_many_steps() {
    let data: Vec<(f64, f64, f64)> = (0..20)
        .map(|i| {
            let t = i as f64 / 19.0;
            let x1 = 4.0 * t - 2.0;
            let x2 = (3.0 * t).sin();
            let y = if x1 + 0.5 * x2 + 0.3 * (7.0 * t).cos() > 0.0 {
                1.0
            } else {
                0.0
            };
            (x1, x2, y)
        })
        .collect();
    let csv: String = std::iter::once("x1,x2,y\n".to_string())
        .chain(data.iter().map(|(a, b, y)| format!("{a},{b},{y}\n")))
        .collect();
    let (n_steps, lr) = (300, 0.5);
    let doc = trace(
        &format!(
            "id = \"lr\"\nparams = {{ w1 = 0.1, w2 = -0.2, b = 0.05 }}\ndata = \"d.csv\"\ngraph = \"\"\"\np = sigmoid(w1 * x1 + w2 * x2 + b)\nloss = bce(p, y)\n\"\"\"\ntrain = {{ steps = {n_steps}, lr = {lr} }}\nfigure = \"training\""
        ),
        &[("content/d.csv", &csv)],
    );
    let got = steps(&doc);
    assert_eq!(got.len(), n_steps + 1);
    let (mut w1, mut w2, mut b) = (0.1, -0.2, 0.05);
    let n = data.len() as f64;
    for (k, entry) in got.iter().enumerate() {
        assert_eq!(entry["step"], k);
        // The params are there at the figure's snapshots (every 10th step
        // of 300), the loss at every step.
        assert_eq!(entry.get("params").is_some(), k % 10 == 0, "step {k}");
        for (name, v) in [("w1", w1), ("w2", w2), ("b", b)] {
            if k % 10 != 0 {
                continue;
            }
            assert!(
                close(param(entry, name), v, 1e-12),
                "step {k}: {name} = {}, closed form {v}",
                param(entry, name)
            );
        }
        let (mut g1, mut g2, mut gb, mut loss) = (0.0, 0.0, 0.0, 0.0);
        for &(x1, x2, y) in &data {
            let p = sigmoid(w1 * x1 + w2 * x2 + b);
            loss += -(y * p.ln() + (1.0 - y) * (1.0 - p).ln()) / n;
            // ∂bce/∂z = σ(z) − y.
            g1 += (p - y) * x1 / n;
            g2 += (p - y) * x2 / n;
            gb += (p - y) / n;
        }
        assert!(
            close(entry["loss"].as_f64().unwrap(), loss, 1e-12),
            "step {k}"
        );
        w1 -= lr * g1;
        w2 -= lr * g2;
        b -= lr * gb;
    }
    let last = got.last().unwrap()["loss"].as_f64().unwrap();
    assert!(last < got[0]["loss"].as_f64().unwrap() / 2.0, "it learns");
}

/// A tanh net over a few examples, squared error: smooth everywhere.
const NET: &str = r#"id = "net"
net = { sizes = [2, 3, 3, 1], act = "tanh", seed = 7 }
examples = [
  { a = 0.5, b = -1.0, t = 0.3 },
  { a = -1.5, b = 0.25, t = -0.6 },
  { a = 1.0, b = 1.0, t = 0.9 },
]
graph = """
s = mlp(a, b)
loss = mse(s, t)
"""
train = { steps = 40, lr = 0.1 }
"#;

#[test]
fn a_nets_gradients_match_central_differences_at_several_steps() {
    let s = scenario::parse(NET).unwrap();
    for view in [View::Atomic, View::Modules] {
        let l = s.lower(view).unwrap();
        let mut g = l.graph.clone();
        let params = g.params();
        assert_eq!(params.len(), 3 * 3 + 3 * 4 + 4);
        let mut done = 0;
        for at in [0, 5, 20, 40] {
            let schedule = Schedule {
                steps: at - done,
                lr: 0.1,
                zero_grad: true,
                seed: 1.0,
            };
            train(&mut g, l.output, &params, schedule).unwrap();
            done = at;
            g.forward_quiet().unwrap();
            g.backward_quiet(l.output, 1.0);
            let bad = check_gradients(&g, l.output, 1.0);
            assert!(bad.is_empty(), "{view:?} after {at} steps: {bad:?}");
        }
    }
}

#[test]
fn without_zero_grad_each_step_uses_the_sum_of_the_gradients_so_far() {
    let s = scenario::parse(&NET.replace("lr = 0.1 }", "lr = 0.02, zero_grad = false }")).unwrap();
    let runs = s.analyze().unwrap();
    let t = runs[0].training.as_ref().unwrap();
    assert!(!t.zero_grad);
    // The definition, by hand: a fresh gradient at every step, summed.
    let l = s.lower(View::Atomic).unwrap();
    let mut g = l.graph.clone();
    let params = g.params();
    let mut sum = vec![0.0; params.len()];
    for k in 0..=40 {
        g.forward_quiet().unwrap();
        let snap = &t.steps[k];
        assert_eq!(snap.step, k);
        assert!(close(snap.loss, g.nodes[l.output].value, 1e-12), "step {k}");
        // The params are kept at the figure's snapshots (every 2nd step of
        // 40).
        assert_eq!(t.snapshots.contains(&k), k % 2 == 0);
        if t.snapshots.contains(&k) {
            for (i, &p) in params.iter().enumerate() {
                assert!(close(snap.params[i], g.nodes[p].value, 1e-12), "step {k}");
            }
        } else {
            assert!(snap.params.is_empty(), "step {k}");
        }
        g.backward_quiet(l.output, 1.0);
        for (i, &p) in params.iter().enumerate() {
            sum[i] += g.nodes[p].grad;
            g.nodes[p].value -= 0.02 * sum[i];
        }
    }
    // And it differs from resetting the gradients.
    let reset = scenario::parse(&NET.replace("lr = 0.1 }", "lr = 0.02 }")).unwrap();
    let r = reset.analyze().unwrap();
    let a = &r[0].training.as_ref().unwrap().steps[40];
    assert!((a.loss - t.steps[40].loss).abs() > 1e-6);
}

#[test]
fn the_evaluator_gives_any_statement_at_the_params_of_any_step() {
    let s = scenario::parse(NET).unwrap();
    let runs = s.analyze().unwrap();
    let t = runs[0].training.as_ref().unwrap();
    let mut m = s.evaluator().unwrap();
    assert_eq!(m.inputs().collect::<Vec<_>>(), ["a", "b", "t"]);
    assert_eq!(m.statements().collect::<Vec<_>>(), ["s", "loss"]);
    // At the last step, the mean of the per-example losses is the loss.
    let k = t.steps.len() - 1;
    let mut mean = 0.0;
    for ex in [[0.5, -1.0, 0.3], [-1.5, 0.25, -0.6], [1.0, 1.0, 0.9]] {
        let s_val = m.eval(&t.steps[k].params, &ex, "s").unwrap();
        let loss = m.eval(&t.steps[k].params, &ex, "loss").unwrap();
        assert!(close(loss, (s_val - ex[2]).powi(2), 1e-14));
        mean += loss / 3.0;
    }
    assert!(close(mean, t.steps[k].loss, 1e-12));
    let names: Vec<&str> = t.params_at(0).map(|(n, _)| n).take(3).collect();
    assert_eq!(names, ["mlp.1.0.w0", "mlp.1.0.w1", "mlp.1.0.b"]);
}

#[test]
fn the_two_moons_block_trains_over_its_csv() {
    let csv =
        std::fs::read_to_string(crate::support::manifest_dir().join("content/moons.csv")).unwrap();
    assert_eq!(csv.lines().count(), 101, "a header and 100 points");
    let doc = trace(
        "id = \"moons\"\ndata = \"moons.csv\"\nnet = { name = \"mlp\", sizes = [2, 16, 16, 1], act = \"relu\", seed = 1 }\ngraph = \"\"\"\ns = mlp(x1, x2)\nloss = relu(1 - y * s)\n\"\"\"\ntrain = { steps = 5, lr = 0.05 }\nfigure = \"training\"",
        &[("content/moons.csv", &csv)],
    );
    let sc = &doc["scenarios"][0];
    let nodes = sc["nodes"].as_array().unwrap().len();
    assert!(nodes > 60_000, "{nodes} nodes, over the drawn limit");
    let st = steps(&doc);
    assert_eq!(st.len(), 6);
    assert_eq!(st[0]["params"].as_object().unwrap().len(), 337);
    // The losses micrograd gives for the same net, data and weights
    // (scripts/train_vs_micrograd.py).
    let loss: Vec<f64> = st.iter().map(|s| s["loss"].as_f64().unwrap()).collect();
    assert!(close(loss[0], 0.7313688934893687, 1e-12), "{loss:?}");
    assert!(close(loss[1], 0.6488007783866709, 1e-12), "{loss:?}");
    assert!(loss[5] < loss[0]);
}

#[test]
fn a_csv_saved_with_a_byte_order_mark_trains_as_without_it() {
    // Excel's "CSV UTF-8": a byte order mark, then CRLF rows. The mark is
    // not part of the first column's name: `x` is found by the graph.
    let block = "id = \"fit\"\nparams = { w = 0.5, b = 0 }\ndata = \"d.csv\"\ngraph = \"loss = (w * x + b - y) ^ 2\"\ntrain = { steps = 3, lr = 0.1 }";
    let plain = trace(block, &[("content/d.csv", "x,y\n-1,0\n0.5,1\n2,1\n")]);
    let excel = trace(
        block,
        &[("content/d.csv", "\u{feff}x,y\r\n-1,0\r\n0.5,1\r\n2,1\r\n")],
    );
    assert_eq!(steps(&excel), steps(&plain));
    assert_eq!(steps(&excel).len(), 4);
    let inputs: Vec<&str> = excel["scenarios"][0]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "input")
        .filter_map(|n| n["name"].as_str())
        .collect();
    assert!(inputs.contains(&"x"), "{inputs:?}");
}

#[test]
fn a_graph_past_the_drawn_limit_trains_when_not_drawn() {
    // Over 20,000 nodes: refused as a drawn figure, run as a training one.
    let examples: Vec<String> = (0..3000)
        .map(|i| format!("{{ x = {}, y = {} }}", i as f64 / 3000.0, (i % 2) as f64))
        .collect();
    let body = |figure: &str| {
        format!(
            "id = \"big\"\nparams = {{ w = 0.5, b = 0 }}\nexamples = [ {} ]\ngraph = \"\"\"\nz = tanh(w * x + b)\nd = z - y\nloss = d * d\n\"\"\"\ntrain = {{ steps = 3, lr = 0.1 }}\nfigure = \"{figure}\"",
            examples.join(", ")
        )
    };
    // Drawn, it is refused before its examples are built, with the count.
    let Err(e) = scenario::parse(&body("graph")) else {
        panic!("a drawn figure over the limit was accepted")
    };
    assert!(
        e.message
            .contains("at least 27001 nodes (3000 examples × 8 nodes, 2999 nodes adding them up, 2 params), more than the limit of 20000"),
        "{}",
        e.message
    );
    let s = scenario::parse(&body("training")).unwrap();
    let runs = s.analyze().unwrap();
    assert!(runs[0].graph().len() > 20_000);
    assert!(
        runs[0].messages.is_empty(),
        "a graph not drawn keeps no story"
    );
    assert_eq!(runs[0].training.as_ref().unwrap().steps.len(), 4);
}

#[test]
fn a_statement_calling_the_net_is_the_default_model_and_its_graph_runs() {
    let s = scenario::parse(
        "id = \"m\"\nnet = { sizes = [2, 3, 1], act = \"relu\", seed = 3 }\nexamples = [ { x1 = 0.5, x2 = -1, y = 1 }, { x1 = -0.5, x2 = 1, y = -1 } ]\ngraph = \"\"\"\ns = mlp(x1, x2)\nloss = relu(1 - y * s)\n\"\"\"\ntrain = { steps = 3, lr = 0.1 }\nfigure = \"training\"",
    )
    .unwrap();
    assert_eq!(s.label.as_deref(), Some("y"));
    let m = s.model.as_ref().unwrap();
    assert_eq!(m.name.as_deref(), Some("s"));
    assert_eq!(m.features, ["x1", "x2"]);
    // The model's graph holds the net's params in the training's order:
    // set them to step k's, and it gives the evaluator's prediction.
    let runs = s.analyze().unwrap();
    let t = runs[0].training.as_ref().unwrap();
    let mut g = s.model_graph(View::Modules).unwrap();
    let params = g.graph.params();
    assert_eq!(params.len(), t.names.len());
    for (&p, &v) in params.iter().zip(&t.steps[3].params) {
        g.graph.nodes[p].value = v;
    }
    g.graph.forward_quiet().unwrap();
    let mut e = s.evaluator().unwrap();
    let want = e.eval(&t.steps[3].params, &[0.5, -1.0], "s").unwrap();
    assert_eq!(g.graph.nodes[g.output].value, want);
}

#[test]
fn a_run_that_diverges_is_drawn_up_to_its_last_finite_step_and_warned() {
    // The lesson's net with a learning rate too large: the build succeeds
    // with a warning at the block's `train`, `seen trace` says where the
    // run left the finite numbers, and the figure marks it.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "seen.toml", "title = \"Diverging\"\n");
    let block = crate::support::sin_net(150, 2.0);
    let page = write(
        root,
        "content/index.md",
        &format!("+++\ntitle = \"T\"\n+++\n\n# Too large a step\n\n```autograd\n{block}\n```\n"),
    );
    // The block body starts on line 9; `train` is its seventh line.
    let warned = "content/index.md:15:9: warning: training diverged at step ";
    for command in ["check", "build"] {
        let o = crate::support::seen_in(&[command], root);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{command}: {err}");
        assert!(err.contains(warned), "{command}: {err}");
        assert!(err.contains("the loss overflowed to ∞"), "{command}: {err}");
        assert!(!err.contains("error"), "{command}: {err}");
    }
    let o = seen(&["trace", &page]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let t = &doc["scenarios"][0]["training"];
    let at = t["diverged_at"].as_u64().expect("diverged_at") as usize;
    assert!((50..150).contains(&at), "{at}");
    let run = steps(&doc);
    assert_eq!(run.len(), at, "steps 0 to diverged_at − 1");
    assert_eq!(run.last().unwrap()["step"], at - 1);
    assert!(
        run.iter()
            .all(|s| s["loss"].as_f64().is_some_and(f64::is_finite))
    );
    // The warning names the same step.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("diverged at step {at}: the loss overflowed to ∞")),
        "{err}"
    );
    // The figure: the marker on the loss plot (in the shared drawing of
    // both snapshot files, wide and a phone's) and the narration of the
    // last snapshot.
    let html = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    let mut strips = 0;
    for entry in walk(&root.join("public/figures")) {
        let name = entry.file_name().unwrap().to_string_lossy().to_string();
        if name == "snapshots.svg" || name == "snapshots-narrow.svg" {
            strips += 1;
            let svg = std::fs::read_to_string(&entry).unwrap();
            assert!(
                svg.contains(&format!(">diverged at step {at}</text>")),
                "no marker in {name}"
            );
            assert!(
                svg.contains(">reference: sin(x)</text>"),
                "no reference legend in {name}"
            );
            // Snapshots whose curve leaves the panel say how far it went.
            assert!(
                svg.contains("class=\"note tr-mut beyond\"")
                    && svg.contains(", off the panel</text>"),
                "no note of a curve off the panel in {name}"
            );
        }
    }
    assert_eq!(strips, 2, "the wide and the narrow snapshots");
    assert!(
        html.contains(&format!(
            "The last finite step: the run diverged at step {at}: the loss overflowed to ∞."
        )),
        "no narration"
    );
    // A run that does not diverge has neither.
    let calm = crate::support::sin_net(20, 0.1);
    let doc = trace(&calm, &[]);
    let frames = seen::training_frames(
        &seen::scenario::parse(&calm).unwrap(),
        &seen::scenario::parse(&calm).unwrap().analyze().unwrap()[0],
    )
    .unwrap();
    assert!(
        frames.iter().all(|f| !f.contains("off the panel")),
        "a calm run stays on its panel"
    );
    assert!(doc["scenarios"][0]["training"].get("diverged_at").is_none());
    assert_eq!(steps(&doc).len(), 21);
}

/// Every file under `dir`, recursively.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A phone's snapshots: every training figure of the bundled course is
/// also drawn a phone's column wide (`snapshots-narrow.svg`), with the
/// same text sizes (none under 11 px), every text starting inside the
/// frame, and as many views as the wide file. (That nothing overflows or
/// overlaps on screen is measured by `browser/fit.mjs`.)
#[test]
fn every_training_figure_has_a_phones_drawing_with_text_at_full_size() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let root = env!("CARGO_MANIFEST_DIR");
    let o = seen(&[
        "build",
        "--root",
        root,
        "--output-dir",
        out.to_str().unwrap(),
        "--no-cache",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let phone = seen::render::scene::PHONE_COLUMN;
    let mut narrow = 0;
    for path in walk(&out.join("figures")) {
        if path.file_name().unwrap() != "snapshots-narrow.svg" {
            continue;
        }
        narrow += 1;
        let svg = std::fs::read_to_string(&path).unwrap();
        let wide = std::fs::read_to_string(path.with_file_name("snapshots.svg")).unwrap();
        let root_tag = &svg[..svg.find('>').unwrap()];
        assert!(
            root_tag.contains(&format!(" width=\"{phone}\"")),
            "{}: {root_tag}",
            path.display()
        );
        assert_eq!(
            svg.matches("<view ").count(),
            wide.matches("<view ").count()
        );
        let attr = |tag: &str, name: &str| -> Option<f64> {
            let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            tag[at..at + tag[at..].find('"')?].parse().ok()
        };
        let mut texts = 0;
        for tag in svg.split("<text").skip(1) {
            let tag = &tag[..tag.find('>').unwrap()];
            texts += 1;
            if let Some(size) = attr(tag, "font-size") {
                assert!(size >= 11.0, "{}: {tag}", path.display());
            }
            let x = attr(tag, "x").unwrap_or(0.0);
            assert!((0.0..phone).contains(&x), "{}: {tag}", path.display());
        }
        assert!(texts > 20, "{}: {texts} texts", path.display());
    }
    assert_eq!(
        narrow, 7,
        "train-disagree, train-forgot, moons and the four runs of step-sizes"
    );
}
