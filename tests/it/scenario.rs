//! Scenarios against values computed independently in the test: the
//! explainer's single example in closed form, batches as means and sums of
//! single-example runs, the update as a fresh run, `output`, and both views.

use seen::engine::{Graph, Kind};
use seen::scenario::{self, Run, View};

use crate::support::close;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[track_caller]
fn assert_close(what: &str, got: f64, expected: f64) {
    assert!(
        close(got, expected, 1e-12),
        "{what}: got {got}, expected {expected}"
    );
}

fn runs(body: &str) -> Vec<Run> {
    let s = scenario::parse(body).unwrap_or_else(|e| panic!("parse: {e}\n{body}"));
    s.analyze()
        .unwrap_or_else(|e| panic!("analyze: {e}\n{body}"))
}

fn run(body: &str) -> Run {
    let mut r = runs(body);
    assert_eq!(r.len(), 1, "one view expected");
    r.remove(0)
}

/// The node a name ends up on: the shared param, the single-example
/// statement, or the batch reduction (the one without an example index).
fn node<'g>(g: &'g Graph, name: &str) -> &'g seen::engine::Node {
    g.nodes
        .iter()
        .find(|n| n.name.as_deref() == Some(name) && n.example.is_none())
        .unwrap_or_else(|| panic!("no node named {name}"))
}

fn grad(r: &Run, name: &str) -> f64 {
    node(r.graph(), name).grad
}

fn output(r: &Run) -> f64 {
    r.graph().nodes[r.output()].value
}

const SINGLE: &str = r#"id = "single"
title = "One positive example"
params = { w = 1.15, b = -0.8 }
inputs = { x = 1.6 }
graph = """
z = w * x + b
p = sigmoid(z)
loss = -log(p)
"""
"#;

#[test]
fn single_example_matches_the_closed_form() {
    let (w, b, x) = (1.15, -0.8, 1.6);
    let z: f64 = w * x + b;
    let s = sigmoid(z);
    let r = run(SINGLE);
    assert_eq!(r.view, View::Atomic);
    let out = &r.graph().nodes[r.output()];
    assert_eq!(out.name.as_deref(), Some("loss"));
    // −log σ(z) = ln(1 + e^{−z})
    assert_close("loss", out.value, (1.0 + (-z).exp()).ln());
    assert_close("z", node(r.graph(), "z").value, z);
    assert_close("p", node(r.graph(), "p").value, s);
    assert_close("dL/dw", grad(&r, "w"), (s - 1.0) * x);
    assert_close("dL/db", grad(&r, "b"), s - 1.0);
    assert_close("dL/dx", grad(&r, "x"), (s - 1.0) * w);
    assert_close("dL/dz", grad(&r, "z"), s - 1.0);
    assert_close("dL/dp", grad(&r, "p"), -1.0 / s);
    // The contract's example JSON shows these, rounded.
    assert!((out.value - 0.302660).abs() < 5e-7);
    assert!((grad(&r, "w") - -0.417840).abs() < 5e-7);
}

#[test]
fn atomic_sigmoid_is_neg_exp_add_recip() {
    let s = scenario::parse(SINGLE).unwrap();
    let ops_of_statement = |view: View, k: usize| -> Vec<&'static str> {
        let l = s.lower(view).unwrap();
        l.graph
            .nodes
            .iter()
            .zip(&l.stmt_of)
            .filter(|(n, st)| **st == Some(k) && n.op.is_some())
            .map(|(n, _)| n.op.unwrap().name())
            .collect()
    };
    assert_eq!(
        ops_of_statement(View::Atomic, 1),
        ["neg", "exp", "add", "recip"]
    );
    assert_eq!(ops_of_statement(View::Modules, 1), ["sigmoid"]);
    assert_eq!(ops_of_statement(View::Atomic, 0), ["mul", "add"]);
    assert_eq!(ops_of_statement(View::Atomic, 2), ["log", "neg"]);
    // The atomic sigmoid's `1` is a constant leaf.
    let l = s.lower(View::Atomic).unwrap();
    assert_eq!(l.graph.leaves(Kind::Const).count(), 1);
}

const BATCH_GRAPH: &str =
    "graph = \"\"\"\nz = w * x + b\np = sigmoid(z)\nloss = bce(p, y)\n\"\"\"\n";

fn batch_body(w: f64, b: f64, data: &[(f64, f64)], reduce: &str, extra: &str) -> String {
    let examples: Vec<String> = data
        .iter()
        .map(|(x, y)| format!("  {{ x = {x:?}, y = {y:?} }},"))
        .collect();
    format!(
        "id = \"batch\"\nparams = {{ w = {w:?}, b = {b:?} }}\nreduce = \"{reduce}\"\n{extra}examples = [\n{}\n]\n{BATCH_GRAPH}",
        examples.join("\n")
    )
}

fn single_body(w: f64, b: f64, x: f64, y: f64) -> String {
    format!(
        "id = \"one\"\nparams = {{ w = {w:?}, b = {b:?} }}\ninputs = {{ x = {x:?}, y = {y:?} }}\n{BATCH_GRAPH}"
    )
}

const DATA: [(f64, f64); 4] = [(-1.3, 0.0), (0.4, 1.0), (2.2, 1.0), (0.9, 0.0)];

#[test]
fn batch_mean_is_the_mean_of_single_example_runs() {
    let (w, b) = (0.7, 0.3);
    let singles: Vec<Run> = DATA
        .iter()
        .map(|&(x, y)| run(&single_body(w, b, x, y)))
        .collect();
    let n = DATA.len() as f64;
    let r = run(&batch_body(w, b, &DATA, "mean", ""));
    let mean = |f: &dyn Fn(&Run) -> f64| singles.iter().map(f).sum::<f64>() / n;
    assert_close("mean loss", output(&r), mean(&|s| output(s)));
    assert_close("dL/dw", grad(&r, "w"), mean(&|s| grad(s, "w")));
    assert_close("dL/db", grad(&r, "b"), mean(&|s| grad(s, "b")));
    // Each example's inputs get their own nodes with their example index.
    let xs: Vec<_> = r
        .graph()
        .nodes
        .iter()
        .filter(|n| n.name.as_deref() == Some("x"))
        .collect();
    assert_eq!(xs.len(), DATA.len());
    for (i, (xn, s)) in xs.iter().zip(&singles).enumerate() {
        assert_eq!(xn.example, Some(i));
        assert_eq!(xn.kind, Kind::Input);
        assert_close("dL/dx_i", xn.grad, grad(s, "x") / n);
    }
}

#[test]
fn batch_sum_is_the_sum_of_single_example_runs() {
    let (w, b) = (-0.4, 1.1);
    let singles: Vec<Run> = DATA
        .iter()
        .map(|&(x, y)| run(&single_body(w, b, x, y)))
        .collect();
    let r = run(&batch_body(w, b, &DATA, "sum", ""));
    let sum = |f: &dyn Fn(&Run) -> f64| singles.iter().map(f).sum::<f64>();
    assert_close("sum loss", output(&r), sum(&|s| output(s)));
    assert_close("dL/dw", grad(&r, "w"), sum(&|s| grad(s, "w")));
    assert_close("dL/db", grad(&r, "b"), sum(&|s| grad(s, "b")));
}

#[test]
fn update_steps_against_the_gradient_and_reruns() {
    let lr = 0.2;
    let body = batch_body(0.7, 0.3, &DATA, "mean", "update = { lr = 0.2 }\n");
    let r = run(&body);
    let u = r.update.as_ref().expect("update");
    assert_eq!(u.lr, lr);
    let names: Vec<&str> = u.params.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(names, ["w", "b"]);
    for (name, before, g, after) in &u.params {
        assert_eq!(*before, node(r.graph(), name).value);
        assert_eq!(*g, grad(&r, name));
        assert_close(name, *after, before - lr * g);
    }
    assert_eq!(u.output_before, output(&r));
    // A fresh run of the scenario with the updated values.
    let (w1, b1) = (u.params[0].3, u.params[1].3);
    let fresh = run(&batch_body(w1, b1, &DATA, "mean", ""));
    assert_close("loss after", u.output_after, output(&fresh));
    // A small step against the gradient lowers the loss here.
    assert!(u.output_after < u.output_before);
}

#[test]
fn output_can_name_an_earlier_statement() {
    let body = SINGLE.replace("graph =", "output = \"p\"\ngraph =");
    let r = run(&body);
    let (w, b, x) = (1.15, -0.8, 1.6);
    let s = sigmoid(w * x + b);
    let out = &r.graph().nodes[r.output()];
    assert_eq!(out.name.as_deref(), Some("p"));
    assert_close("p", out.value, s);
    assert_close("dp/dw", grad(&r, "w"), s * (1.0 - s) * x);
    assert_close("dp/db", grad(&r, "b"), s * (1.0 - s));
    assert_eq!(grad(&r, "p"), 1.0);
    // The statement after the output still runs forward but gets no gradient.
    let l = &r.lowered;
    let later: Vec<_> = (0..l.graph.len())
        .filter(|&i| l.stmt_of[i] == Some(2))
        .collect();
    assert_eq!(later.len(), 2);
    for i in later {
        assert_eq!(l.graph.nodes[i].grad, 0.0, "node {i}");
        assert!(l.graph.nodes[i].value.is_finite());
    }
    assert_close("loss", node(r.graph(), "loss").value, -s.ln());
    assert!(r.messages.iter().all(|m| l.stmt_of[m.from] != Some(2)));
}

#[test]
fn seed_scales_the_gradients_of_a_scenario() {
    let body = SINGLE.replace("graph =", "seed = -2.5\ngraph =");
    let r = run(&body);
    let s = sigmoid(1.15 * 1.6 - 0.8);
    assert_close("dL/dw", grad(&r, "w"), -2.5 * (s - 1.0) * 1.6);
    assert_close("dL/db", grad(&r, "b"), -2.5 * (s - 1.0));
}

/// Section VI of the explainer: three datasets, w = 1.2, b = −0.1, mean
/// BCE, lr 0.2. For BCE after a sigmoid, dL/dz = σ(z) − y.
#[test]
fn explainer_datasets_match_the_closed_form() {
    let datasets: [(&str, [(f64, f64); 3]); 3] = [
        ("clean separation", [(-2.2, 0.0), (-0.6, 0.0), (2.0, 1.0)]),
        ("near the boundary", [(-0.9, 0.0), (0.15, 1.0), (0.85, 1.0)]),
        (
            "one disagreeing point",
            [(-2.0, 0.0), (0.2, 1.0), (1.9, 0.0)],
        ),
    ];
    let (w, b, lr) = (1.2, -0.1, 0.2);
    let loss = |w: f64, b: f64, data: &[(f64, f64)]| {
        data.iter()
            .map(|&(x, y)| {
                let p = sigmoid(w * x + b);
                -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
            })
            .sum::<f64>()
            / 3.0
    };
    for (label, data) in datasets {
        let gw = data
            .iter()
            .map(|&(x, y)| (sigmoid(w * x + b) - y) * x)
            .sum::<f64>()
            / 3.0;
        let gb = data
            .iter()
            .map(|&(x, y)| sigmoid(w * x + b) - y)
            .sum::<f64>()
            / 3.0;
        let body = batch_body(
            w,
            b,
            &data,
            "mean",
            "update = { lr = 0.2 }\nview = \"both\"\n",
        );
        let both = runs(&body);
        assert_eq!(both.len(), 2, "{label}");
        for r in &both {
            let what = format!("{label} ({})", r.view.name());
            assert_close(&format!("{what} loss"), output(r), loss(w, b, &data));
            assert_close(&format!("{what} dL/dw"), grad(r, "w"), gw);
            assert_close(&format!("{what} dL/db"), grad(r, "b"), gb);
            let u = r.update.as_ref().unwrap();
            let (w1, b1) = (w - lr * gw, b - lr * gb);
            assert_close(&format!("{what} w after"), u.params[0].3, w1);
            assert_close(&format!("{what} b after"), u.params[1].3, b1);
            assert_close(
                &format!("{what} loss after"),
                u.output_after,
                loss(w1, b1, &data),
            );
        }
    }
}

#[test]
fn compare_and_both_give_two_views_with_equal_leaf_gradients() {
    let modules = "id = \"cmp\"\nparams = { w = 1.15, b = -0.8 }\ninputs = { x = 1.6, y = 1 }\n\
        graph = \"\"\"\nz = linear(w, x, b)\np = sigmoid(z)\nloss = bce(p, y)\n\"\"\"\n";
    for extra in ["figure = \"compare\"\n", "view = \"both\"\n"] {
        let body = format!("{extra}{modules}");
        let r = runs(&body);
        let views: Vec<View> = r.iter().map(|r| r.view).collect();
        assert_eq!(views, [View::Atomic, View::Modules], "{extra}");
        // The views really differ: modules are one node each.
        assert!(r[1].graph().len() < r[0].graph().len());
        assert_eq!(
            r[1].graph()
                .nodes
                .iter()
                .filter(|n| n.kind == Kind::Module)
                .count(),
            3
        );
        assert_eq!(
            r[0].graph()
                .nodes
                .iter()
                .filter(|n| n.kind == Kind::Module)
                .count(),
            0
        );
        let a = scenario::leaf_grads(r[0].graph());
        let m = scenario::leaf_grads(r[1].graph());
        assert_eq!(a.len(), 4);
        let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["w", "b", "x", "y"]);
        for ((na, ga), (nm, gm)) in a.iter().zip(&m) {
            assert_eq!(na, nm);
            assert!(close(*ga, *gm, 1e-12), "{na}: {ga} against {gm}");
        }
        // And both equal the closed form: with y = 1, dL/dw = (σ − 1)·x.
        let s = sigmoid(1.15 * 1.6 - 0.8);
        assert_close("dL/dw", a[0].1, (s - 1.0) * 1.6);
        // dL/dy = −logit(p) = −z.
        assert_close("dL/dy", a[3].1, -(1.15 * 1.6 - 0.8));
    }
}

#[test]
fn reused_name_is_one_node_with_two_edges() {
    let r = run("id = \"sq\"\ninputs = { x = 3.0 }\ngraph = \"y = x * x\"\n");
    let g = r.graph();
    let x = g.find("x").unwrap();
    let y = g.find("y").unwrap();
    assert_eq!(g.nodes[y].parents, vec![x, x]);
    assert_eq!(g.nodes[x].grad, 6.0);
    let to_x: Vec<f64> = r
        .messages
        .iter()
        .filter(|m| m.to == x)
        .map(|m| m.total)
        .collect();
    assert_eq!(to_x, [3.0, 6.0]);
}

#[test]
fn sugar_expands_into_the_rulebook() {
    // a − b = a + (−b), a / b = a · recip(b), −x^2 = −(x²).
    let r = run(
        "id = \"sugar\"\ninputs = { a = 5.0, b = 2.0 }\ngraph = \"\"\"\nd = a - b\nq = a / b\nn = -a^2\n\"\"\"\noutput = \"q\"\n",
    );
    let g = r.graph();
    assert_eq!(node(g, "d").value, 3.0);
    assert_eq!(node(g, "q").value, 2.5);
    assert_eq!(node(g, "n").value, -25.0);
    let ops: Vec<&str> = g
        .nodes
        .iter()
        .filter_map(|n| n.op.map(|o| o.name()))
        .collect();
    assert_eq!(ops, ["neg", "add", "recip", "mul", "pow", "neg"]);
    // dq/db = −a/b²
    assert_close("dq/db", grad(&r, "b"), -5.0 / 4.0);
}

#[test]
fn a_large_constant_does_not_fail_the_gradient_check() {
    // The central difference of x² + 1e8 loses digits to the 1e8; the
    // build's own gradient check must not call that a bug.
    let r = run("id = \"big\"\ninputs = { x = 0.001 }\ngraph = \"y = x * x + 100000000\"\n");
    assert_eq!(grad(&r, "x"), 2.0 * 0.001);
    let r = run("id = \"cancel\"\ninputs = { x = 0.5 }\ngraph = \"y = (x + 1e9) - 1e9\"\n");
    assert_eq!(grad(&r, "x"), 1.0);
}

/// `h1 = w * x`, `h2 = w * h1`, …, `hN = w * h(N-1)`.
fn chain_body(n: usize, w: f64) -> String {
    let mut graph = String::from("h1 = w * x\n");
    for i in 2..=n {
        graph += &format!("h{i} = w * h{}\n", i - 1);
    }
    format!(
        "id = \"chain\"\nparams = {{ w = {w} }}\ninputs = {{ x = 1.0 }}\ngraph = \"\"\"\n{graph}\"\"\"\n"
    )
}

#[test]
fn an_ill_conditioned_gradient_check_says_so_and_does_not_blame_seen() {
    // w^10000 at w = 1.0001: central differences are off by 45 with
    // h = 1e-5 and by 0.45 with 1e-6, on a derivative of 27,179; autodiff
    // is right, and the error must say the check cannot judge it.
    let s = scenario::parse(&chain_body(10_000, 1.0001)).unwrap();
    let Err(e) = s.analyze() else {
        panic!("the check cannot pass at h = 1e-5");
    };
    assert!(
        e.message.starts_with(
            "gradient check is ill-conditioned at these values: for ∂/∂w, central differences give 27224.0"
        ),
        "{}",
        e.message
    );
    assert!(e.message.contains("and 27179.19"), "{}", e.message);
    assert!(e.message.contains("with step 1e-6"), "{}", e.message);
    assert!(e.message.contains("autodiff's 27178.74"), "{}", e.message);
    let said = format!("{e:?}");
    assert!(!said.contains("bug in seen"), "{said}");
    let hint = e.hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains("use smaller values or fewer statements"),
        "{hint}"
    );
    // The same chain, shorter, is checked and passes.
    let r = run(&chain_body(100, 1.0001));
    assert_close("dh100/dw", grad(&r, "w"), 100.0 * 1.0001f64.powi(99));
}
