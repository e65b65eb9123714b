//! Central finite differences, to check the engine against.

use super::graph::{DomainError, Graph, NodeId};
use super::tape::Tape;

/// Central difference (f(v+h) − f(v−h)) / 2h of `output` with respect to the
/// leaf `leaf`, re-running forward on a copy of the graph.
pub fn central_difference(
    graph: &Graph,
    output: NodeId,
    leaf: NodeId,
    h: f64,
) -> Result<f64, DomainError> {
    let (plus, minus) = (
        shifted(graph, output, leaf, h)?,
        shifted(graph, output, leaf, -h)?,
    );
    Ok((plus - minus) / (2.0 * h))
}

/// Forward difference (f(v+h) − f(v)) / h.
pub fn forward_difference(
    graph: &Graph,
    output: NodeId,
    leaf: NodeId,
    h: f64,
) -> Result<f64, DomainError> {
    let base = shifted(graph, output, leaf, 0.0)?;
    Ok((shifted(graph, output, leaf, h)? - base) / h)
}

/// The output's value with one leaf moved by `h`.
pub fn shifted(graph: &Graph, output: NodeId, leaf: NodeId, h: f64) -> Result<f64, DomainError> {
    let mut g = graph.clone();
    g.nodes[leaf].value += h;
    g.forward_quiet()?;
    Ok(g.nodes[output].value)
}

/// The step of the central differences the gradients are checked with.
/// Where that estimate disagrees with autodiff, it is taken again with a
/// step ten times smaller ([`FINE_STEP`]) to judge the estimate itself.
pub const STEP: f64 = 1e-5;
/// The second, finer step: see [`classify`].
pub const FINE_STEP: f64 = 1e-6;

/// One leaf whose autodiff gradient disagrees with central differences.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    pub leaf: NodeId,
    pub autodiff: f64,
    /// The central difference with [`STEP`], times the seed.
    pub numeric: f64,
    /// The central difference with [`FINE_STEP`], times the seed, when it
    /// could be taken.
    pub finer: Option<f64>,
    /// The two differences disagree with each other: finite differences
    /// cannot judge autodiff at this point ([`Verdict::IllConditioned`]),
    /// which is not evidence of a wrong gradient.
    pub ill_conditioned: bool,
}

/// What a gradient check concludes about one leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Autodiff agrees with a central difference.
    Agree,
    /// Both central differences agree with each other, and autodiff with
    /// neither: the engine computed a wrong gradient.
    Disagree,
    /// The central differences with the two steps disagree with each other
    /// by more than the tolerance: the reference itself is unreliable here.
    IllConditioned,
}

/// Judges autodiff's `autodiff` against the central differences `coarse`
/// (step [`STEP`]) and `fine` (step [`FINE_STEP`], `None` when it could not
/// be taken), given the round-off allowance `round_off` at [`STEP`].
///
/// A central difference is D(h) = f′ + f‴·h²/6 + O(h⁴) (truncation) plus
/// about ε·|f|/h (round-off). Going from h to h/10 shrinks the truncation
/// a hundredfold and grows the round-off tenfold, so D(h) − D(h/10) is, up
/// to a factor near 1, the larger of the two estimates' errors: the
/// truncation of D(h) or the round-off of D(h/10). Hence the rule:
///
/// - autodiff within the tolerance of D(h), or of D(h/10) (the truncation
///   of D(h) was what differed), agrees;
/// - otherwise, if D(h) and D(h/10) differ by more than the tolerance, at
///   least one of them is off by more than autodiff is judged by, and which
///   one cannot be told: the check is ill-conditioned at this point (a
///   long product like `w^10000`, whose higher derivatives are huge; a
///   kink or a pole within h of the point), and says nothing about autodiff;
/// - if they agree with each other and not with autodiff, both are
///   accurate to the tolerance and autodiff is wrong.
///
/// Without `fine` there is nothing to doubt the first estimate with, and a
/// mismatch is a disagreement, as it always was.
pub fn classify(autodiff: f64, coarse: f64, fine: Option<f64>, round_off: f64) -> Verdict {
    if within(autodiff, coarse, round_off) {
        return Verdict::Agree;
    }
    let Some(fine) = fine else {
        return Verdict::Disagree;
    };
    // The round-off of a difference grows as 1/h.
    let fine_round_off = round_off * STEP / FINE_STEP;
    if within(autodiff, fine, fine_round_off) {
        Verdict::Agree
    } else if !within(coarse, fine, fine_round_off) {
        Verdict::IllConditioned
    } else {
        Verdict::Disagree
    }
}

/// Whether `a` and `b` agree: relative tolerance 1e-5 with an absolute
/// floor, plus the round-off allowance.
fn within(a: f64, b: f64, round_off: f64) -> bool {
    let tol = 1e-5 * (1.0 + a.abs().max(b.abs())) + round_off;
    (a - b).abs() <= tol
}

/// A [`Mismatch`] for `leaf` unless autodiff agrees; `fine` is only taken
/// (two more forward passes) when the first difference disagrees.
fn judge(
    leaf: NodeId,
    autodiff: f64,
    coarse: f64,
    fine: impl FnOnce() -> Option<f64>,
    round_off: f64,
) -> Option<Mismatch> {
    if within(autodiff, coarse, round_off) {
        return None;
    }
    let finer = fine();
    let verdict = classify(autodiff, coarse, finer, round_off);
    (verdict != Verdict::Agree).then_some(Mismatch {
        leaf,
        autodiff,
        numeric: coarse,
        finer,
        ill_conditioned: verdict == Verdict::IllConditioned,
    })
}

/// Checks every param's and input's gradient (after a backward with `seed`) against
/// central differences scaled by `seed`. Tolerance is relative, with an
/// absolute floor, because central differences carry O(h²) truncation and
/// O(ε/h) round-off error. The round-off grows with the magnitude of the
/// values the difference is taken through (`x * x + 1e8` loses the
/// derivative's digits to the `1e8`), so the largest value in the graph
/// sets an extra allowance of a few ε·|v|/h. A mismatch is classified by
/// [`classify`].
///
/// The differences run on one scratch [`Tape`] of the graph (the same
/// values as [`central_difference`], bit for bit): a copy of the graph per
/// leaf made a block of 6,600 params and 20,000 nodes take 30 s.
pub fn check_gradients(graph: &Graph, output: NodeId, seed: f64) -> Vec<Mismatch> {
    let round_off = round_off(graph, STEP, seed);
    let mut g = Tape::new(graph);
    let mut bad = Vec::new();
    for leaf in 0..graph.len() {
        let node = &graph.nodes[leaf];
        if !matches!(node.kind, super::Kind::Param | super::Kind::Input) {
            continue;
        }
        let Ok(numeric) = tape_difference(&mut g, output, leaf, STEP) else {
            // The leaf sits at a domain edge; a difference cannot be taken.
            continue;
        };
        let fine = || {
            tape_difference(&mut g, output, leaf, FINE_STEP)
                .ok()
                .map(|d| d * seed)
        };
        if let Some(m) = judge(leaf, node.grad, numeric * seed, fine, round_off) {
            bad.push(m);
        }
    }
    bad
}

/// [`central_difference`] on the scratch tape `g` (whose leaf is left as it
/// was; its other values are recomputed by each pass).
fn tape_difference(g: &mut Tape, output: NodeId, leaf: NodeId, h: f64) -> Result<f64, DomainError> {
    let v = g.values[leaf];
    let mut out = [0.0; 2];
    for (slot, shift) in [h, -h].into_iter().enumerate() {
        g.values[leaf] = v + shift;
        let pass = g.forward();
        // Read before the leaf is put back: the output may be the leaf.
        out[slot] = g.values[output];
        g.values[leaf] = v;
        pass?;
    }
    Ok((out[0] - out[1]) / (2.0 * h))
}

/// The round-off allowance of a difference with step `h` through the
/// graph's largest value.
fn round_off(graph: &Graph, h: f64, seed: f64) -> f64 {
    let largest = graph
        .nodes
        .iter()
        .map(|n| n.value.abs())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    8.0 * f64::EPSILON * largest / h * seed.abs()
}

/// [`check_gradients`] for the given leaves only, on one scratch copy of
/// the graph: cheap enough for a graph of a million nodes. A leaf whose
/// shift by ±h moves any op's operand across a kink (relu at 0), where the
/// function has no derivative, is skipped, as is one the shift takes out of
/// an op's domain. Where an operand sits within [`NEAR_KINK`] of a kink
/// (sqrt near 0, whose derivative grows without bound), an ill-conditioned
/// difference says nothing about autodiff and is not reported; a
/// disagreement still is.
pub fn check_sample(graph: &Graph, output: NodeId, seed: f64, leaves: &[NodeId]) -> Vec<Mismatch> {
    let round_off = round_off(graph, STEP, seed);
    let kinked: Vec<NodeId> = (0..graph.len())
        .filter(|&i| {
            graph.nodes[i]
                .op
                .is_some_and(|op| !op.rule().kinks.is_empty())
        })
        .collect();
    let base = kink_sides(graph, &kinked);
    let near = kinked.iter().any(|&i| {
        let op = graph.nodes[i].op.expect("an op");
        op.near_kink(graph.nodes[graph.nodes[i].parents[0]].value, NEAR_KINK)
    });
    // The scratch copy as a tape: each difference is two forward passes.
    let mut g = Tape::new(graph);
    let mut bad = Vec::new();
    for &leaf in leaves {
        let Some(numeric) = smooth_difference(graph, &mut g, &kinked, &base, output, leaf, STEP)
        else {
            continue;
        };
        let autodiff = graph.nodes[leaf].grad;
        let fine = || {
            smooth_difference(graph, &mut g, &kinked, &base, output, leaf, FINE_STEP)
                .map(|d| d * seed)
        };
        if let Some(m) = judge(leaf, autodiff, numeric * seed, fine, round_off)
            && !(near && m.ill_conditioned)
        {
            bad.push(m);
        }
    }
    bad
}

/// How close to a kink an operand must be for a gradient check to be
/// skipped there ([`check_sample`]; the full check of a drawn block skips
/// the same way).
pub const NEAR_KINK: f64 = 1e-3;

/// Which side of each kink the first operand of each op in `kinked` is on.
fn kink_sides(g: &Graph, kinked: &[NodeId]) -> Vec<usize> {
    kinked
        .iter()
        .map(|&i| side(g, i, g.nodes[g.nodes[i].parents[0]].value))
        .collect()
}

/// Which side of the kinks of node `i`'s op its first operand `a` is on.
fn side(g: &Graph, i: NodeId, a: f64) -> usize {
    let op = g.nodes[i].op.expect("an op");
    op.rule().kinks.iter().filter(|&&k| a > k).count()
        + 2 * op.rule().kinks.iter().filter(|&&k| a == k).count()
}

/// [`kink_sides`] with the values of the scratch tape `t` of `g`, compared
/// with `base` without collecting them.
fn same_sides(g: &Graph, t: &Tape, kinked: &[NodeId], base: &[usize]) -> bool {
    kinked
        .iter()
        .zip(base)
        .all(|(&i, &b)| side(g, i, t.values[g.nodes[i].parents[0]]) == b)
}

/// The central difference with step `h` on the scratch tape `g` of `graph`
/// (whose leaf is left as it was), or `None` when a shift leaves an op's domain or
/// moves an operand across a kink (`base`: the sides at the point itself).
fn smooth_difference(
    graph: &Graph,
    g: &mut Tape,
    kinked: &[NodeId],
    base: &[usize],
    output: NodeId,
    leaf: NodeId,
    h: f64,
) -> Option<f64> {
    let v = g.values[leaf];
    let mut out = [0.0; 2];
    for (slot, shift) in [h, -h].into_iter().enumerate() {
        g.values[leaf] = v + shift;
        let ok = g.forward().is_ok();
        g.values[leaf] = v;
        if !ok || !same_sides(graph, g, kinked, base) {
            return None;
        }
        out[slot] = g.values[output];
    }
    Some((out[0] - out[1]) / (2.0 * h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Kind, Op};

    #[test]
    fn classify_separates_a_wrong_gradient_from_an_unreliable_difference() {
        // Autodiff agrees with the first difference, or with the finer one
        // when the first is off by its truncation error.
        assert_eq!(classify(2.0, 2.0 + 1e-7, Some(2.0), 0.0), Verdict::Agree);
        assert_eq!(classify(2.0, 2.01, Some(2.00001), 0.0), Verdict::Agree);
        // Both differences agree with each other, autodiff is 10% off: a bug.
        assert_eq!(classify(2.2, 2.0, Some(2.0), 0.0), Verdict::Disagree);
        assert_eq!(classify(2.2, 2.0, None, 0.0), Verdict::Disagree);
        // The differences move by more than the tolerance with the step:
        // they cannot judge autodiff, whatever it says.
        assert_eq!(classify(2.0, 2.5, Some(2.1), 0.0), Verdict::IllConditioned);
        assert_eq!(classify(9.0, 2.5, Some(2.1), 0.0), Verdict::IllConditioned);
        // The round-off allowance of the finer step is ten times that of
        // the first: a difference it explains is not ill-conditioned.
        assert_eq!(classify(4.0, 2.3, Some(2.6), 0.0), Verdict::IllConditioned);
        assert_eq!(classify(4.0, 2.3, Some(2.6), 0.05), Verdict::Disagree);
        assert_eq!(classify(2.0, 2.3, Some(2.4), 0.05), Verdict::Agree);
    }

    /// `h_n = w * h_{n-1}`, `h_1 = w * x`: the output is w^n·x.
    fn chain(n: usize, w: f64) -> (Graph, NodeId, NodeId) {
        let mut g = Graph::new();
        let w_id = g.leaf(Kind::Param, Some("w"), w);
        let mut h = g.leaf(Kind::Input, Some("x"), 1.0);
        for _ in 0..n {
            h = g.op(Op::Mul, &[w_id, h]);
        }
        g.forward().unwrap();
        g.backward(h, 1.0);
        (g, w_id, h)
    }

    #[test]
    fn a_long_product_is_ill_conditioned_not_wrong() {
        // w^10000 at w = 1.0001: f‴·h²/6 ≈ 45 on a derivative of 27,179,
        // so the difference with h = 1e-5 is off by far more than the
        // tolerance, and the one with h/10 by a hundredth of that.
        let (g, w, y) = chain(10_000, 1.0001);
        let exact = 10_000.0 * 1.0001f64.powi(9_999);
        assert!((g.nodes[w].grad - exact).abs() < 1e-6 * exact);
        for bad in [check_gradients(&g, y, 1.0), check_sample(&g, y, 1.0, &[w])] {
            assert_eq!(bad.len(), 1, "{bad:?}");
            let m = &bad[0];
            assert_eq!(m.leaf, w);
            assert!(m.ill_conditioned, "{m:?}");
            assert!((m.numeric - exact - 45.3).abs() < 1.0, "{m:?}");
            let finer = m.finer.expect("a finer difference");
            assert!((finer - exact - 0.453).abs() < 0.05, "{m:?}");
        }
    }

    #[test]
    fn a_wrong_gradient_on_the_same_chain_is_still_a_disagreement() {
        // A short chain where differences are stable: a gradient off by
        // 1% is a bug of the engine, reported as such by both checks.
        let (mut g, w, y) = chain(10, 1.0001);
        assert_eq!(check_gradients(&g, y, 1.0), vec![]);
        g.nodes[w].grad *= 1.01;
        for bad in [check_gradients(&g, y, 1.0), check_sample(&g, y, 1.0, &[w])] {
            assert_eq!(bad.len(), 1, "{bad:?}");
            assert!(!bad[0].ill_conditioned, "{bad:?}");
        }
    }

    /// The check's differences on one tape are the copy-per-leaf ones, bit
    /// for bit, for every leaf, a `linear` with many operands included,
    /// and the tape is back at the point after each.
    #[test]
    fn differences_on_a_tape_are_those_on_a_copy() {
        let mut g = Graph::new();
        let w = g.leaf(Kind::Param, Some("w"), 0.37);
        let b = g.leaf(Kind::Param, Some("b"), -1.3);
        let xs: Vec<NodeId> = (0..5)
            .map(|i| g.leaf(Kind::Input, None, 0.5 * i as f64 - 1.1))
            .collect();
        let mut args = Vec::new();
        for &x in &xs {
            args.extend([w, x]);
        }
        args.push(b);
        let z = g.op(Op::Linear, &args);
        let t = g.op(Op::Tanh, &[z]);
        let y = g.op(Op::Mul, &[t, w]);
        g.forward().unwrap();
        let mut tape = Tape::new(&g);
        let before = tape.values.clone();
        // The output itself a leaf too (`y = x`).
        for (leaf, out) in [(w, y), (b, y), (xs[0], y), (xs[4], y), (w, w)] {
            for h in [STEP, FINE_STEP] {
                let copy = central_difference(&g, out, leaf, h).unwrap();
                let on_tape = tape_difference(&mut tape, out, leaf, h).unwrap();
                assert_eq!(copy.to_bits(), on_tape.to_bits(), "leaf {leaf}, h {h}");
                assert_eq!(tape.values[leaf], before[leaf]);
            }
        }
    }
}
