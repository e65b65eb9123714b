//! The engine against independent references: central finite differences on
//! random inputs for every rulebook op and module, the atomic expansions of
//! the modules, hand-derived closed forms for reuse, seeds and long chains.

use proptest::prelude::*;
use seen::engine::gradcheck::{central_difference, check_gradients};
use seen::engine::{Graph, Kind, NodeId, Op};
use seen::scenario::{self, View};

use crate::support::{close, proptest_config};

/// Step for the central differences: truncation O(h²·f''') and round-off
/// O(ε·|f|/h) both stay far below the tolerance on the domains used here.
const H: f64 = 1e-5;

/// Builds `op` over fresh input leaves holding `args`, runs forward and
/// backward, and compares every leaf gradient with central differences.
fn check_op(op: Op, args: &[f64]) -> Result<(), TestCaseError> {
    let mut g = Graph::new();
    let leaves: Vec<NodeId> = args.iter().map(|&v| g.leaf(Kind::Input, None, v)).collect();
    let out = g.op(op, &leaves);
    g.forward()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    g.backward(out, 1.0);
    for &leaf in &leaves {
        let numeric =
            central_difference(&g, out, leaf, H).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let autodiff = g.nodes[leaf].grad;
        prop_assert!(
            close(autodiff, numeric, 1e-6),
            "{}({:?}): leaf {leaf}: autodiff {autodiff}, central difference {numeric}",
            op.name(),
            args
        );
    }
    Ok(())
}

/// Any float in [lo, hi].
fn r(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    lo..=hi
}

/// A float with |v| in [lo, hi], either sign.
fn away_from_zero(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo..=hi, any::<bool>()).prop_map(|(v, neg)| if neg { -v } else { v })
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn add_matches_central_differences(a in r(-50.0, 50.0), b in r(-50.0, 50.0)) {
        check_op(Op::Add, &[a, b])?;
    }

    #[test]
    fn mul_matches_central_differences(a in r(-50.0, 50.0), b in r(-50.0, 50.0)) {
        check_op(Op::Mul, &[a, b])?;
    }

    #[test]
    fn neg_matches_central_differences(a in r(-50.0, 50.0)) {
        check_op(Op::Neg, &[a])?;
    }

    #[test]
    fn recip_matches_central_differences(a in away_from_zero(0.1, 50.0)) {
        check_op(Op::Recip, &[a])?;
    }

    #[test]
    fn exp_matches_central_differences(a in r(-20.0, 20.0)) {
        check_op(Op::Exp, &[a])?;
    }

    #[test]
    fn log_matches_central_differences(a in r(0.05, 100.0)) {
        check_op(Op::Log, &[a])?;
    }

    #[test]
    fn pow_integer_exponents_match_central_differences(
        a in r(-10.0, 10.0),
        c in prop::sample::select(vec![2.0, 3.0, 1.0, 0.0]),
    ) {
        check_op(Op::Pow(c), &[a])?;
    }

    #[test]
    fn pow_fractional_and_negative_exponents_match_central_differences(
        a in r(0.05, 50.0),
        c in prop::sample::select(vec![0.5, -1.0, -2.0, 1.5, -0.5]),
    ) {
        check_op(Op::Pow(c), &[a])?;
    }

    #[test]
    fn relu_matches_central_differences(a in away_from_zero(1e-3, 50.0)) {
        check_op(Op::Relu, &[a])?;
    }

    #[test]
    fn tanh_matches_central_differences(a in r(-5.0, 5.0)) {
        check_op(Op::Tanh, &[a])?;
    }

    #[test]
    fn sin_matches_central_differences(a in r(-20.0, 20.0)) {
        check_op(Op::Sin, &[a])?;
    }

    #[test]
    fn cos_matches_central_differences(a in r(-20.0, 20.0)) {
        check_op(Op::Cos, &[a])?;
    }

    #[test]
    fn sqrt_matches_central_differences(a in r(0.01, 100.0)) {
        // Away from 0, where the derivative grows without bound (the
        // build's check skips within 1e-3 of it).
        check_op(Op::Sqrt, &[a])?;
    }

    #[test]
    fn abs_matches_central_differences(a in away_from_zero(1e-3, 50.0)) {
        check_op(Op::Abs, &[a])?;
    }

    #[test]
    fn linear_module_matches_central_differences(
        w in r(-10.0, 10.0), x in r(-10.0, 10.0), b in r(-10.0, 10.0),
    ) {
        check_op(Op::Linear, &[w, x, b])?;
    }

    #[test]
    fn sigmoid_module_matches_central_differences(z in r(-15.0, 15.0)) {
        check_op(Op::Sigmoid, &[z])?;
    }

    #[test]
    fn bce_module_matches_central_differences(p in r(0.01, 0.99), y in r(0.0, 1.0)) {
        check_op(Op::Bce, &[p, y])?;
    }

    #[test]
    fn mse_module_matches_central_differences(p in r(-10.0, 10.0), t in r(-10.0, 10.0)) {
        check_op(Op::Mse, &[p, t])?;
    }

    #[test]
    fn linear_with_many_pairs_matches_central_differences(
        x in proptest::collection::vec(r(-10.0, 10.0), 1..6), b in r(-10.0, 10.0),
    ) {
        // Pairs (w, x) then the bias: 3, 5, 7, … operands.
        let mut args: Vec<f64> = x.iter().flat_map(|v| [v * 0.5 - 1.0, *v]).collect();
        args.push(b);
        check_op(Op::Linear, &args)?;
    }
}

#[test]
fn n_ary_linear_and_mse_agree_in_both_views() {
    let body = "id = \"m\"\nparams = { w1 = 0.3, w2 = -1.2, w3 = 0.7, b = 0.1 }\ninputs = { x1 = 1.5, x2 = -0.5, x3 = 2.0, t = 0.4 }\ngraph = \"\"\"\np = linear(w1, x1, w2, x2, w3, x3, b)\nloss = mse(p, t)\n\"\"\"\n";
    let atomic = leaf_grads_of(body, View::Atomic);
    let modules = leaf_grads_of(body, View::Modules);
    for (a, m) in atomic.iter().zip(&modules) {
        assert_eq!(a.0, m.0);
        assert!(close(a.1, m.1, 1e-12), "{a:?} against {m:?}");
    }
    // ∂loss/∂w2 = 2(p − t)·x2 by hand.
    let p = 0.3 * 1.5 + -1.2 * -0.5 + 0.7 * 2.0 + 0.1;
    let w2 = atomic.iter().find(|(n, _)| n == "w2").unwrap().1;
    assert!(close(w2, 2.0 * (p - 0.4) * -0.5, 1e-12));
}

/// Leaf (name, gradient) pairs of one view of a block.
fn leaf_grads_of(body: &str, view: View) -> Vec<(String, f64)> {
    let s = scenario::parse(body).unwrap_or_else(|e| panic!("{e}\n{body}"));
    let run = s.run(view).unwrap_or_else(|e| panic!("{e}\n{body}"));
    scenario::leaf_grads(run.graph())
}

/// The modules view and the atomic expansion give the same leaf gradients.
fn same_in_both_views(body: &str) -> Result<(), TestCaseError> {
    let atomic = leaf_grads_of(body, View::Atomic);
    let modules = leaf_grads_of(body, View::Modules);
    prop_assert_eq!(atomic.len(), modules.len());
    prop_assert!(!atomic.is_empty());
    for ((na, ga), (nm, gm)) in atomic.iter().zip(&modules) {
        prop_assert_eq!(na, nm);
        prop_assert!(
            close(*ga, *gm, 1e-10),
            "∂/∂{}: atomic {} against modules {}\n{}",
            na,
            ga,
            gm,
            body
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn linear_module_equals_its_expansion(
        w in r(-10.0, 10.0), x in r(-10.0, 10.0), b in r(-10.0, 10.0),
    ) {
        same_in_both_views(&format!(
            "id = \"l\"\nparams = {{ w = {w:?}, b = {b:?} }}\ninputs = {{ x = {x:?} }}\ngraph = \"y = linear(w, x, b) * x\"\n"
        ))?;
    }

    #[test]
    fn sigmoid_module_equals_its_expansion(z in r(-15.0, 15.0), k in r(-3.0, 3.0)) {
        same_in_both_views(&format!(
            "id = \"s\"\nparams = {{ k = {k:?} }}\ninputs = {{ z = {z:?} }}\ngraph = \"y = sigmoid(z) * k\"\n"
        ))?;
    }

    #[test]
    fn bce_module_equals_its_expansion(p in r(0.01, 0.99), y in r(0.0, 1.0)) {
        same_in_both_views(&format!(
            "id = \"b\"\nparams = {{ p = {p:?} }}\ninputs = {{ y = {y:?} }}\ngraph = \"l = bce(p, y)\"\n"
        ))?;
    }

    #[test]
    fn all_modules_together_equal_their_expansion(
        w in r(-3.0, 3.0), b in r(-3.0, 3.0), x in r(-3.0, 3.0), y in r(0.0, 1.0),
    ) {
        same_in_both_views(&format!(
            "id = \"m\"\nparams = {{ w = {w:?}, b = {b:?} }}\ninputs = {{ x = {x:?}, y = {y:?} }}\n\
             graph = \"\"\"\nz = linear(w, x, b)\np = sigmoid(z)\nl = bce(p, y)\n\"\"\"\n"
        ))?;
    }

    /// A seed s multiplies every gradient by s.
    #[test]
    fn seed_scales_every_gradient(
        a in r(-2.0, 2.0), b in r(0.5, 3.0), s in r(-100.0, 100.0),
    ) {
        let mut g = Graph::new();
        let xa = g.leaf(Kind::Param, Some("a"), a);
        let xb = g.leaf(Kind::Input, Some("b"), b);
        let m = g.op(Op::Mul, &[xa, xb]);
        let t = g.op(Op::Tanh, &[m]);
        let l = g.op(Op::Log, &[xb]);
        let e = g.op(Op::Exp, &[t]);
        let out = g.op(Op::Add, &[e, l]);
        g.forward().unwrap();
        g.backward(out, 1.0);
        let unit: Vec<f64> = g.nodes.iter().map(|n| n.grad).collect();
        g.backward(out, s);
        for (id, (u, n)) in unit.iter().zip(&g.nodes).enumerate() {
            prop_assert!(
                (n.grad - s * u).abs() <= 1e-12 * (1.0 + (s * u).abs()),
                "node {id}: seed {s} gives {}, expected {s} × {u}", n.grad
            );
        }
        // And the seeded gradient is the seeded derivative: d/da = s·e^t·(1−t²)·b.
        let tt = (a * b).tanh();
        let expected = s * tt.exp() * (1.0 - tt * tt) * b;
        prop_assert!(close(g.nodes[xa].grad, expected, 1e-12));
    }
}

#[test]
fn x_times_x_sends_two_messages_and_accumulates_2x() {
    let x = 3.5;
    let mut g = Graph::new();
    let xi = g.leaf(Kind::Input, Some("x"), x);
    let y = g.op(Op::Mul, &[xi, xi]);
    g.forward().unwrap();
    assert_eq!(g.nodes[y].value, x * x);
    let messages = g.backward(y, 1.0);
    let to_x: Vec<_> = messages.iter().filter(|m| m.to == xi).collect();
    assert_eq!(to_x.len(), 2, "{messages:?}");
    assert_eq!((to_x[0].slot, to_x[1].slot), (0, 1));
    assert_eq!((to_x[0].from, to_x[1].from), (y, y));
    assert_eq!(to_x[0].local, x);
    assert_eq!(to_x[0].total, x);
    assert_eq!(to_x[1].total, 2.0 * x);
    assert_eq!(g.nodes[xi].grad, 2.0 * x);
}

#[test]
fn a_node_on_two_paths_accumulates_both() {
    // y = t·x + t with t = tanh(x): dy/dx = (1 − t²)·x + t + (1 − t²).
    let x: f64 = 0.7;
    let mut g = Graph::new();
    let xi = g.leaf(Kind::Input, Some("x"), x);
    let t = g.op(Op::Tanh, &[xi]);
    let tx = g.op(Op::Mul, &[t, xi]);
    let y = g.op(Op::Add, &[tx, t]);
    g.forward().unwrap();
    let messages = g.backward(y, 1.0);
    let th = x.tanh();
    let d = 1.0 - th * th;
    assert!(close(g.nodes[t].grad, x + 1.0, 1e-15));
    assert!(close(g.nodes[xi].grad, d * x + th + d, 1e-14));
    // t receives two messages (from the mul and from the add).
    assert_eq!(messages.iter().filter(|m| m.to == t).count(), 2);
    // x receives one directly from the mul and one through tanh.
    assert_eq!(messages.iter().filter(|m| m.to == xi).count(), 2);
}

#[test]
fn backward_resets_gradients_between_runs() {
    let mut g = Graph::new();
    let xi = g.leaf(Kind::Input, Some("x"), 2.0);
    let y = g.op(Op::Mul, &[xi, xi]);
    g.forward().unwrap();
    g.backward(y, 1.0);
    g.backward(y, 1.0);
    assert_eq!(g.nodes[xi].grad, 4.0);
}

/// y ← c·y + d, m times, from y = x: dy/dx = cᵐ, dy/dd = (cᵐ − 1)/(c − 1),
/// y = cᵐ·x + d·(cᵐ − 1)/(c − 1). 2m + 3 nodes.
fn long_chain(m: usize, x: f64, c: f64, d: f64) {
    let mut g = Graph::new();
    let xi = g.leaf(Kind::Param, Some("x"), x);
    let ci = g.leaf(Kind::Const, None, c);
    let di = g.leaf(Kind::Const, None, d);
    let mut y = xi;
    for _ in 0..m {
        let a = g.op(Op::Mul, &[y, ci]);
        y = g.op(Op::Add, &[a, di]);
    }
    assert_eq!(g.len(), 2 * m + 3);
    let steps = g.forward().expect("forward");
    assert_eq!(steps.len(), 2 * m);
    g.backward_quiet(y, 1.0);
    let cm = c.powi(m as i32);
    let geometric = (cm - 1.0) / (c - 1.0);
    assert!(
        close(g.nodes[y].value, cm * x + d * geometric, 1e-7),
        "value {} against {}",
        g.nodes[y].value,
        cm * x + d * geometric
    );
    assert!(
        close(g.nodes[xi].grad, cm, 1e-9),
        "dy/dx {} against {cm}",
        g.nodes[xi].grad
    );
    assert!(
        close(g.nodes[di].grad, geometric, 1e-7),
        "dy/dd {} against {geometric}",
        g.nodes[di].grad
    );
}

#[test]
fn a_million_node_chain_runs_on_a_small_stack() {
    // 256 KiB of stack: any recursion proportional to depth would overflow.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| long_chain(500_000, 0.3, 1.000_001, 0.25))
        .unwrap();
    handle.join().expect("the chain panicked or overflowed");
}

#[test]
fn domain_errors_name_the_node() {
    let cases: [(Op, f64, &str); 7] = [
        (Op::Log, 0.0, "log"),
        (Op::Log, -1.0, "log"),
        (Op::Sqrt, 0.0, "sqrt"),
        (Op::Sqrt, -1.0, "sqrt"),
        (Op::Recip, 0.0, "recip"),
        (Op::Exp, 1000.0, "exp"),
        (Op::Pow(0.5), -4.0, "pow"),
    ];
    for (op, arg, name) in cases {
        let mut g = Graph::new();
        let a = g.leaf(Kind::Input, Some("a"), 1.0);
        let x = g.leaf(Kind::Input, Some("x"), arg);
        let fine = g.op(Op::Exp, &[a]);
        let bad = g.op(op, &[x]);
        let after = g.op(Op::Add, &[fine, bad]);
        let e = g.forward().expect_err(&format!("{name}({arg}) must fail"));
        assert_eq!(e.node, bad, "{name}({arg})");
        assert_eq!(e.op, name);
        assert_eq!(e.args, vec![arg]);
        // Forward stopped there: the earlier node has its value, the later not.
        assert_eq!(g.nodes[fine].value, 1f64.exp());
        assert!(g.nodes[after].value.is_nan());
    }
}

#[test]
fn domain_error_in_a_module_names_the_node() {
    let mut g = Graph::new();
    let p = g.leaf(Kind::Input, Some("p"), 1.0);
    let y = g.leaf(Kind::Input, Some("y"), 1.0);
    let l = g.op(Op::Bce, &[p, y]);
    let e = g.forward().unwrap_err();
    assert_eq!((e.node, e.op), (l, "bce"));
}

#[test]
fn check_gradients_flags_a_wrong_gradient_and_passes_a_right_one() {
    // y = x·x + 1e8 at x = 0.001: dy/dx = 0.002, a difference loses most
    // of its digits to the 1e8 yet must not be reported.
    let mut g = Graph::new();
    let x = g.leaf(Kind::Input, Some("x"), 0.001);
    let big = g.leaf(Kind::Const, None, 1e8);
    let sq = g.op(Op::Mul, &[x, x]);
    let y = g.op(Op::Add, &[sq, big]);
    g.forward().unwrap();
    g.backward(y, 1.0);
    assert_eq!(check_gradients(&g, y, 1.0), vec![]);
    // A gradient off by 10% is caught even on a well-scaled graph.
    let mut g = Graph::new();
    let x = g.leaf(Kind::Input, Some("x"), 1.3);
    let y = g.op(Op::Tanh, &[x]);
    g.forward().unwrap();
    g.backward(y, 2.0);
    assert_eq!(check_gradients(&g, y, 2.0), vec![]);
    g.nodes[x].grad *= 1.1;
    let bad = check_gradients(&g, y, 2.0);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].leaf, x);
    let t = 1.3f64.tanh();
    assert!(close(bad[0].numeric, 2.0 * (1.0 - t * t), 1e-8));
}

/// Leaf gradients of a block as `analyze` (the build) runs it: its views,
/// the gradient check, training.
fn built_grads(body: &str) -> Vec<(String, f64)> {
    let s = scenario::parse(body).unwrap_or_else(|e| panic!("{e}\n{body}"));
    let runs = s.analyze().unwrap_or_else(|e| panic!("{e}\n{body}"));
    scenario::leaf_grads(runs[0].graph())
}

#[test]
fn abs_at_its_kink_and_sqrt_near_its_pole_build_without_a_gradcheck_failure() {
    // abs at 0 sends 0, as relu does at its kink; a finite difference
    // there would give 0 too, but one step beside it gives ±1.
    for (x, want) in [(0.0, 0.0), (1e-9, 1.0), (-1e-9, -1.0), (-2.5, -1.0)] {
        let g = built_grads(&format!(
            "id = \"a\"\ninputs = {{ x = {x:?} }}\ngraph = \"y = abs(x)\""
        ));
        assert_eq!(g, [("x".to_string(), want)], "abs at {x}");
    }
    // sqrt just above 0: the derivative 1/(2√w) is huge and changes fast;
    // within 1e-3 of 0 the differences cannot judge it, and the build
    // does not pretend to, in a drawn block or in a training run (whose
    // check samples the params).
    for w in [1e-12f64, 1e-8, 1e-6, 1e-4, 2e-3, 0.5] {
        for extra in ["", "\ntrain = { steps = 1, lr = 1e-20 }"] {
            let g = built_grads(&format!(
                "id = \"s\"\nparams = {{ w = {w:?} }}\ngraph = \"y = sqrt(w)\"{extra}"
            ));
            let want = 1.0 / (2.0 * w.sqrt());
            assert!(close(g[0].1, want, 1e-12), "∂/∂w at {w}{extra}: {:?}", g[0]);
        }
    }
}

#[test]
fn sin_cos_sqrt_and_abs_lower_and_agree_in_both_views() {
    let body = "id = \"f\"\nparams = { a = 0.7, b = -1.3 }\ninputs = { x = 2.0 }\ngraph = \"\"\"\nu = sin(a * x) + cos(b)\nv = sqrt(u * u + 1) * abs(b) + sigmoid(u)\n\"\"\"\n";
    let atomic = leaf_grads_of(body, View::Atomic);
    let modules = leaf_grads_of(body, View::Modules);
    assert_eq!(atomic, modules);
    // ∂v/∂b by hand: u = sin(ax) + cos b, v = √(u²+1)·|b| + σ(u).
    let (a, b, x) = (0.7f64, -1.3f64, 2.0f64);
    let u = (a * x).sin() + b.cos();
    let s = 1.0 / (1.0 + (-u).exp());
    let du_db = -b.sin();
    let dv_du = u / (u * u + 1.0).sqrt() * b.abs() + s * (1.0 - s);
    let want = dv_du * du_db - (u * u + 1.0).sqrt(); // ∂|b|/∂b = −1 at b < 0
    let got = atomic.iter().find(|(n, _)| n == "b").unwrap().1;
    assert!(close(got, want, 1e-12), "{got} against {want}");
}
