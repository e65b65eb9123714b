//! Central finite differences, to check the engine against.

use super::graph::{DomainError, Graph, NodeId};

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

/// One leaf whose autodiff gradient disagrees with central differences.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    pub leaf: NodeId,
    pub autodiff: f64,
    pub numeric: f64,
}

/// Checks every param's and input's gradient (after a backward with `seed`) against
/// central differences scaled by `seed`. Tolerance is relative, with an
/// absolute floor, because central differences carry O(h²) truncation and
/// O(ε/h) round-off error. The round-off grows with the magnitude of the
/// values the difference is taken through (`x * x + 1e8` loses the
/// derivative's digits to the `1e8`), so the largest value in the graph
/// sets an extra allowance of a few ε·|v|/h.
pub fn check_gradients(graph: &Graph, output: NodeId, seed: f64) -> Vec<Mismatch> {
    let h = 1e-5;
    let round_off = round_off(graph, h, seed);
    let mut bad = Vec::new();
    for leaf in 0..graph.len() {
        let node = &graph.nodes[leaf];
        if !matches!(node.kind, super::Kind::Param | super::Kind::Input) {
            continue;
        }
        let Ok(numeric) = central_difference(graph, output, leaf, h) else {
            // The leaf sits at a domain edge; a difference cannot be taken.
            continue;
        };
        if let Some(m) = compare(leaf, node.grad, numeric * seed, round_off) {
            bad.push(m);
        }
    }
    bad
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

fn compare(leaf: NodeId, autodiff: f64, numeric: f64, round_off: f64) -> Option<Mismatch> {
    let tol = 1e-5 * (1.0 + numeric.abs().max(autodiff.abs())) + round_off;
    ((numeric - autodiff).abs() > tol).then_some(Mismatch {
        leaf,
        autodiff,
        numeric,
    })
}

/// [`check_gradients`] for the given leaves only, on one scratch copy of
/// the graph: cheap enough for a graph of a million nodes. A leaf whose
/// shift by ±h moves any op's operand across a kink (relu at 0), where the
/// function has no derivative, is skipped, as is one the shift takes out of
/// an op's domain.
pub fn check_sample(graph: &Graph, output: NodeId, seed: f64, leaves: &[NodeId]) -> Vec<Mismatch> {
    let h = 1e-5;
    let round_off = round_off(graph, h, seed);
    let kinked: Vec<NodeId> = (0..graph.len())
        .filter(|&i| {
            graph.nodes[i]
                .op
                .is_some_and(|op| !op.rule().kinks.is_empty())
        })
        .collect();
    // Which side of each kink the first operand is on.
    let sides = |g: &Graph| -> Vec<usize> {
        kinked
            .iter()
            .map(|&i| {
                let op = g.nodes[i].op.expect("an op");
                let a = g.nodes[g.nodes[i].parents[0]].value;
                op.rule().kinks.iter().filter(|&&k| a > k).count()
                    + 2 * op.rule().kinks.iter().filter(|&&k| a == k).count()
            })
            .collect()
    };
    let base = sides(graph);
    let mut g = graph.clone();
    let mut bad = Vec::new();
    'leaves: for &leaf in leaves {
        let v = graph.nodes[leaf].value;
        let mut out = [0.0; 2];
        for (slot, shift) in [h, -h].into_iter().enumerate() {
            g.nodes[leaf].value = v + shift;
            let ok = g.forward_quiet().is_ok();
            g.nodes[leaf].value = v;
            if !ok || sides(&g) != base {
                continue 'leaves;
            }
            out[slot] = g.nodes[output].value;
        }
        let numeric = (out[0] - out[1]) / (2.0 * h) * seed;
        if let Some(m) = compare(leaf, graph.nodes[leaf].grad, numeric, round_off) {
            bad.push(m);
        }
    }
    bad
}
