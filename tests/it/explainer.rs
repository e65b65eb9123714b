//! The bundled explainer's prose quotes numbers about its own figures (how
//! many operations the single trace runs forward, how many messages it
//! sends back, the losses of its training runs, the gradients its Python
//! prints). Every number a reader sees must come from the engine, so each
//! is checked here against the run: change a block and this fails until the
//! prose says the new number.

use seen::engine::{Graph, Kind};
use seen::scenario::Run;
use seen::story::{self, Phase};
use seen::text::num;

use crate::support::{explainer_pages, explainer_runs, explainer_text, manifest_dir};

/// The prose of every page with whitespace collapsed (prose wraps lines).
fn flat() -> String {
    explainer_text()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first run of the block `id`.
fn run(id: &str) -> Run {
    let runs = explainer_runs();
    let (_, rs) = runs
        .into_iter()
        .find(|(s, _)| s.id == id)
        .unwrap_or_else(|| panic!("the explainer has no block {id}"));
    rs.into_iter().next().unwrap()
}

fn says(flat: &str, text: &str) {
    assert!(flat.contains(text), "the prose should say \"{text}\"");
}

#[test]
fn the_prose_quotes_the_single_traces_own_counts() {
    let flat = flat();
    let r = run("single");
    let g = r.graph();
    let told = story::tell(&r);
    let count = |p: Phase| told.steps.iter().filter(|s| s.phase == p).count();
    let (forward, backward) = (count(Phase::Forward), count(Phase::Backward));
    let edges: usize = g.nodes.iter().map(|n| n.parents.len()).sum();
    // The engine sends one message per edge; the story leaves out the one
    // to the constant and the one to the input, whose gradients the JSON
    // still lists.
    assert_eq!(r.messages.len(), edges);
    let constants: Vec<usize> = (0..g.len())
        .filter(|&i| g.nodes[i].kind == Kind::Const)
        .collect();
    assert_eq!(constants.len(), 1);
    let to_constant = r.messages.iter().filter(|m| m.to == constants[0]).count();
    let to_inputs = (r.messages.iter())
        .filter(|m| g.nodes[m.to].kind == Kind::Input)
        .count();
    assert_eq!((to_constant, to_inputs), (1, 1));
    assert_eq!(backward, edges - to_constant - to_inputs);
    says(&flat, &format!("{forward} operations and {edges} edges"));
    says(&flat, &format!("{edges} messages"));
    says(
        &flat,
        &format!("{forward} forward operations and {backward} backward messages"),
    );
    says(
        &flat,
        &format!("lists it, {})", num(g.nodes[constants[0]].grad)),
    );
    for name in ["w", "b"] {
        let grad = num(g.nodes[g.find(name).unwrap()].grad);
        says(
            &flat,
            &format!("L/\\partial {name} = {}$", grad.replace('−', "-")),
        );
    }
    // Page 4 repeats the counts in the cost argument.
    says(
        &flat,
        &format!(
            "{forward} forward operations and {edges} edges, so its backward pass sends {edges} messages (the figure draws {backward} of them"
        ),
    );
}

/// Backward twice on the fork graph, three ways: the engine's own
/// `backward` (starts from zero), its training pass (inner nodes reset,
/// leaves keep), and an engine whose inner nodes keep their gradients
/// (micrograd, the page's Python), replayed from the engine's messages.
#[test]
fn backward_twice_gives_what_the_page_says() {
    let flat = flat();
    let r = run("fork");
    let (x, u) = (r.graph().find("x").unwrap(), r.graph().find("u").unwrap());
    let out = r.output();
    let first = r.graph().nodes[x].grad;
    assert_eq!(first, 36.0);
    let mut g: Graph = r.graph().clone();
    g.backward(out, 1.0);
    g.backward(out, 1.0);
    assert_eq!(
        g.nodes[x].grad, first,
        "the engine's backward starts from zero"
    );
    says(&flat, &format!("a second call gives {} again", num(first)));
    g.backward(out, 1.0);
    g.backward_accumulate(out, 1.0);
    assert_eq!(
        g.nodes[x].grad,
        2.0 * first,
        "a training pass keeps the leaves"
    );
    says(&flat, &format!("exactly double, to {}", num(2.0 * first)));
    // Inner nodes keep their totals; the seed is assigned.
    let mut grads: Vec<f64> = r.graph().nodes.iter().map(|n| n.grad).collect();
    grads[out] = 1.0;
    for m in &r.messages {
        grads[m.to] += grads[m.from] * m.local;
    }
    says(
        &flat,
        &format!(
            "$u$ ends with {} instead of {}",
            num(grads[u]),
            num(r.graph().nodes[u].grad)
        ),
    );
    says(&flat, &format!("which ends at {}", num(grads[x])));
    says(
        &flat,
        &format!("print(x.grad) # {:.1}, not {:.1}", grads[x], 2.0 * first),
    );
}

/// The Python on page 2 is a part of `scripts/value.py`, which really runs
/// and prints the engine's gradients.
#[test]
fn the_pages_python_is_the_script_and_prints_the_engines_numbers() {
    let script = std::fs::read_to_string(manifest_dir().join("scripts/value.py")).unwrap();
    let mut blocks = 0;
    for page in explainer_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for part in text.split("```python\n").skip(1) {
            let code = &part[..part.find("```").unwrap()];
            assert!(
                script.contains(code),
                "{}: a python block is not in scripts/value.py:\n{code}",
                page.display()
            );
            blocks += 1;
        }
    }
    assert!(blocks >= 3, "only {blocks} python blocks");
    let single = run("single");
    let g = single.graph();
    let grad = |name: &str| g.nodes[g.find(name).unwrap()].grad;
    let expected = format!(
        "{:.4} {:.4}\n{:.1}\n",
        grad("w"),
        grad("b"),
        run("fork").graph().nodes[0].grad
    );
    assert!(script.contains(&format!("# {}", expected.lines().next().unwrap())));
    let out = match std::process::Command::new("python3")
        .arg(manifest_dir().join("scripts/value.py"))
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("python3 not found ({e}): scripts/value.py not run");
            return;
        }
    };
    assert!(out.status.success(), "{}", crate::support::describe(&out));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.starts_with(&expected), "{printed}");
    assert_eq!(printed.lines().nth(2), Some("140.0"), "{printed}");
}

/// The training section quotes both runs' losses and where the correct
/// one settles, which is the best any sigmoid can do on that data.
#[test]
fn the_prose_quotes_the_training_runs_losses() {
    let flat = flat();
    let losses = |id: &str| -> Vec<f64> { run(id).training.unwrap().losses().collect() };
    let (ok, bug) = (losses("train-disagree"), losses("train-forgot"));
    // The table: one row per step, the loss of each run.
    for k in [0, 1, 2, 3, 6, 13, 20, 30] {
        says(
            &flat,
            &format!("| {k} | {} | {} |", num(ok[k]), num(bug[k])),
        );
    }
    says(&flat, &format!("settles at a loss of {}", num(ok[30])));
    // Ahead at steps 2 and 3, then cycling between about 0.64 and 1.00.
    assert!(bug[2] < ok[2] && bug[3] < ok[3] && bug[4] > ok[4]);
    says(
        &flat,
        &format!(
            "({} and {}, against {} and {}",
            num(bug[2]),
            num(bug[3]),
            num(ok[2]),
            num(ok[3])
        ),
    );
    let peaks: Vec<usize> = (1..bug.len() - 1)
        .filter(|&k| bug[k] > bug[k - 1] && bug[k] > bug[k + 1])
        .collect();
    let troughs: Vec<usize> = (1..bug.len() - 1)
        .filter(|&k| bug[k] < bug[k - 1] && bug[k] < bug[k + 1])
        .collect();
    assert_eq!(&peaks[..3], &[6, 13, 20], "{peaks:?}");
    says(
        &flat,
        &format!(
            "highs of {} at step 6, {} at step 13 and {} at step 20",
            num(bug[6]),
            num(bug[13]),
            num(bug[20])
        ),
    );
    for k in &peaks[1..3] {
        assert_eq!(format!("{:.2}", bug[*k]), "1.00");
    }
    let low = troughs.iter().map(|&k| bug[k]).fold(f64::MAX, f64::min);
    assert_eq!(format!("{low:.2}"), "0.64");
    says(&flat, "between about 0.64 and about 1.00");
    // The plateau is the optimum: a longer run ends at the same loss, and
    // no (w, b) on a fine grid does better.
    let block = explainer_text();
    let at = block.find("id = \"train-disagree\"").unwrap();
    let body = &block[at..at + block[at..].find("```").unwrap()];
    let long = seen::scenario::parse(&body.replace("steps = 30", "steps = 2000")).unwrap();
    let runs = long.analyze().unwrap();
    let last = runs[0].training.as_ref().unwrap().losses().last().unwrap();
    assert_eq!(num(last), num(ok[30]));
    let data = [(-2.0, 0.0), (0.2, 1.0), (1.9, 0.0)];
    let bce = |w: f64, b: f64| -> f64 {
        data.iter()
            .map(|&(x, y): &(f64, f64)| {
                let p = 1.0 / (1.0 + (-(w * x + b)).exp());
                -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
            })
            .sum::<f64>()
            / 3.0
    };
    let mut best = f64::MAX;
    for i in -300..=300 {
        for j in -300..=300 {
            best = best.min(bce(i as f64 / 100.0, j as f64 / 100.0));
        }
    }
    assert_eq!(num(best), num(ok[30]), "grid minimum {best}");
}

/// The moons narration: the losses it quotes, and that the first ten
/// steps are where most of the drop happens.
#[test]
fn the_prose_quotes_the_moons_run() {
    let flat = flat();
    let r = run("moons");
    let t = r.training.as_ref().unwrap();
    let l: Vec<f64> = t.losses().collect();
    says(&flat, &format!("{} parameters)", t.names.len()));
    says(&flat, &format!("the loss is {}.", num(l[0])));
    says(
        &flat,
        &format!("by step 10 the loss is down to {}", num(l[10])),
    );
    says(&flat, &format!("({} at step 100)", num(l[100])));
    says(
        &flat,
        &format!(
            "to {} at step 130 and {} at step 200",
            num(l[130]),
            num(l[200])
        ),
    );
    assert!(
        l[0] - l[10] > 2.0 * (l[10] - l[100]),
        "the first steps are the big ones"
    );
    assert!(l[160] < l[170], "a jump on the way");
    // The examples right, as the snapshots count them (the engine's model
    // at each example, against the middle of the two classes).
    let (s, runs) = seen::run_file(&manifest_dir().join("content/training.md"))
        .unwrap()
        .into_iter()
        .find(|(s, _)| s.id == "moons")
        .unwrap();
    let frames = seen::training_frames(&s, &runs[0]).unwrap();
    let right = |step: usize| -> String {
        let f = (frames.iter())
            .find(|f| f.contains(&format!(">Step {step} of 200 · loss ")))
            .unwrap_or_else(|| panic!("no snapshot of step {step}"));
        let at = f.find(" of 100 examples right").expect("a count");
        let head = &f[..at];
        head[head.rfind(|c: char| !c.is_ascii_digit()).unwrap() + 1..].to_string()
    };
    says(
        &flat,
        &format!(
            "right: {} of 100 at step 0, {} at step 10, {} at step 100 and {} at step 200.",
            right(0),
            right(10),
            right(100),
            right(200)
        ),
    );
}

/// The batch section's input-scale lesson quotes the messages of the
/// "one disagreeing point" dataset to b and to w.
#[test]
fn the_prose_quotes_the_batch_messages_to_w_and_b() {
    let flat = flat();
    let r = run("batch-disagree");
    let g = r.graph();
    let (w, b) = (g.find("w").unwrap(), g.find("b").unwrap());
    // Each example's message, in the order of the examples.
    let sent = |to: usize| -> Vec<f64> {
        let mut by_example: Vec<(usize, f64)> = (r.messages.iter())
            .filter(|m| m.to == to)
            .map(|m| (g.nodes[m.from].example.unwrap(), m.contribution))
            .collect();
        by_example.sort_by_key(|&(e, _)| e);
        by_example.into_iter().map(|(_, c)| c).collect()
    };
    let (to_w, to_b) = (sent(w), sent(b));
    assert_eq!((to_w.len(), to_b.len()), (3, 3));
    says(
        &flat,
        &format!(
            "sends {} to $b$ but only {} to $w$",
            num(to_b[1]),
            num(to_w[1])
        ),
    );
    says(
        &flat,
        &format!("sends {} to $b$ and {} to $w$", num(to_b[2]), num(to_w[2])),
    );
    assert!(to_w[2] > 0.0 && to_w[0] < 0.0 && to_w[1] < 0.0);
}

/// The tanh card's numbers, as the rulebook's notes quote them.
#[test]
fn the_prose_quotes_the_tanh_card() {
    let r = run("rule-tanh");
    let a = r.graph().find("a").unwrap();
    says(
        &flat(),
        &format!("only {} goes on", num(r.graph().nodes[a].grad)),
    );
}

/// The floating-point facts of the modules section: where σ(z) computed as
/// 1/(1 + e^(−z)) rounds to exactly 1 (about 37 in binary64, about 17 in
/// binary32), where e^(−z) overflows, and where e^z underflows to 0.
#[test]
fn the_floating_point_facts_hold() {
    let sigma = |z: f64| 1.0 / (1.0 + (-z).exp());
    let sigma32 = |z: f32| 1.0f32 / (1.0f32 + (-z).exp());
    assert!(sigma(36.0) < 1.0 && sigma(37.0) == 1.0);
    assert!(sigma32(16.0) < 1.0 && sigma32(17.0) == 1.0);
    assert!(sigma(-709.0) > 0.0 && sigma(-710.0) == 0.0);
    assert!((-745.0f64).exp() > 0.0 && (-746.0f64).exp() == 0.0);
    let flat = flat();
    says(&flat, "above about 37 in 64-bit");
    says(&flat, "(about 17 in the 32-bit");
    says(&flat, "down to about $z = -745$");
    says(&flat, "near $z = -710$");
}

/// The tensor section reads the layer's gradients off the figure: the
/// entries of δ·xᵀ on the weights, δ on the biases, Wᵀδ on the input.
#[test]
fn the_prose_quotes_the_linear_layers_gradients() {
    let flat = flat();
    let r = run("layer");
    let g = r.graph();
    let at = |name: &str| g.nodes[g.find(name).unwrap()].clone();
    // As LaTeX writes them: an ASCII minus.
    let tex = |v: f64| num(v).replace('−', "-");
    for (w, d, x) in [
        ("11", "1", "1"),
        ("12", "1", "2"),
        ("21", "2", "1"),
        ("22", "2", "2"),
    ] {
        let (dv, xv) = (at(&format!("d{d}")).value, at(&format!("x{x}")).value);
        let grad = at(&format!("w{w}")).grad;
        assert_eq!(grad, dv * xv, "w{w}");
        says(
            &flat,
            &format!("$w_{{{w}}}$ holds $\\delta_{d} x_{x} = {}$", tex(grad)),
        );
    }
    says(
        &flat,
        &format!(
            "hold $\\delta$ itself, {} and {}",
            num(at("b1").grad),
            num(at("b2").grad)
        ),
    );
    says(
        &flat,
        &format!(
            "$w_{{11}}\\delta_1 + w_{{21}}\\delta_2 = {}$",
            tex(at("x1").grad)
        ),
    );
    says(
        &flat,
        &format!(
            "$\\delta = ({}, {})$",
            tex(at("d1").value),
            tex(at("d2").value)
        ),
    );
}

/// The what-if numbers: the single trace's gradients at other inputs, and
/// the four learning rates' runs.
#[test]
fn the_prose_quotes_the_variants() {
    let flat = flat();
    let single = run("single");
    let at = |x: f64, name: &str| -> String {
        let v = (single.variants.iter())
            .find(|v| v.set == [("x".to_string(), x)])
            .unwrap_or_else(|| panic!("no variant x = {x}"));
        let g = v.runs[0].graph();
        num(g.nodes[g.find(name).unwrap()].grad).replace('−', "-")
    };
    says(&flat, &format!("(${}$ at $x = 3$)", at(3.0, "b")));
    says(&flat, &format!("(${}$ at $x = -2$)", at(-2.0, "b")));
    says(&flat, &format!("at $x = -2$ it is ${}$", at(-2.0, "w")));
    assert!(!at(-2.0, "w").starts_with('-') && at(1.6, "w").starts_with('-'));
    let lrs = run("step-sizes");
    let t = |lr: f64| {
        let v = (lrs.variants.iter())
            .find(|v| v.set == [("lr".to_string(), lr)])
            .unwrap_or_else(|| panic!("no variant lr = {lr}"));
        v.runs[0].training.clone().unwrap()
    };
    let losses = |lr: f64| -> Vec<f64> { t(lr).losses().collect() };
    let lr: Vec<f64> = lrs.variants.iter().map(|v| v.set[0].1).collect();
    assert_eq!(lr, [0.002, 0.02, 0.15, 1.0]);
    says(
        &flat,
        &format!("starts at a loss of {}", num(losses(0.02)[0])),
    );
    says(
        &flat,
        &format!("the loss is still {}", num(losses(0.002)[200])),
    );
    says(
        &flat,
        &format!("At 0.02 it gets to {}", num(losses(0.02)[200])),
    );
    // The least squares line through (1, 2), (2, 4.5), (3, 5.5): w = 1.75,
    // b = 0.5, residuals −0.25, 0.5, −0.25.
    let best: f64 = (0.0625 + 0.25 + 0.0625) / 3.0;
    assert_eq!(num(losses(0.15)[100]), num(best));
    says(&flat, &format!("at 0.15 to {} by step 100", num(best)));
    says(
        &flat,
        &format!("the loss is {} after one step", num(losses(1.0)[1])),
    );
    let d = t(1.0).diverged.as_ref().unwrap().at;
    says(&flat, &format!("it overflows at step {d}"));
    says(&flat, &format!("draws that run up to step {}", d - 1));
    assert!(t(0.15).diverged.is_none());
}
