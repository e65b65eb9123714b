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
    let largest = graph
        .nodes
        .iter()
        .map(|n| n.value.abs())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let round_off = 8.0 * f64::EPSILON * largest / h * seed.abs();
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
        let numeric = numeric * seed;
        let tol = 1e-5 * (1.0 + numeric.abs().max(node.grad.abs())) + round_off;
        if (numeric - node.grad).abs() > tol {
            bad.push(Mismatch {
                leaf,
                autodiff: node.grad,
                numeric,
            });
        }
    }
    bad
}
