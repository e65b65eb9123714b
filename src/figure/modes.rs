//! What a modes figure shows: forward mode against reverse mode on one
//! graph. One forward-mode pass per param gives every node's derivative
//! along that param; one backward pass gives the output's derivative with
//! respect to every leaf. Each forward pass's answer is checked against the
//! backward pass's, on every build.

use crate::engine::{Kind, NodeId};
use crate::scenario::Run;

/// One forward-mode pass: the param seeded with 1, and each node's
/// derivative with respect to it.
pub struct Pass {
    pub leaf: NodeId,
    pub name: String,
    pub tangents: Vec<f64>,
}

/// A forward-mode pass per param, and the counts the comparison is about.
pub struct Modes {
    pub passes: Vec<Pass>,
    /// The operations one pass (either way) goes through.
    pub ops: usize,
    /// The edges: one product per edge in a forward-mode pass, one message
    /// per edge in the backward pass.
    pub edges: usize,
}

impl Modes {
    /// Runs a forward-mode pass per param of `run`'s graph (whose values
    /// and gradients are those of its forward and backward pass). Err: the
    /// words of a pass whose output derivative differs from the backward
    /// pass's by more than 1e-9 relative (a bug, never an author's mistake).
    pub fn new(run: &Run) -> Result<Modes, String> {
        let g = run.graph();
        let out = run.output();
        let mut passes = Vec::new();
        for (i, node) in g.nodes.iter().enumerate() {
            if node.kind != Kind::Param {
                continue;
            }
            let tangents = g.tangents(i);
            let (fwd, rev) = (tangents[out], node.grad);
            if (fwd - rev).abs() > 1e-9 * fwd.abs().max(rev.abs()).max(1e-300) {
                let name = node.name.clone().unwrap_or_default();
                return Err(format!(
                    "forward mode gives ∂/∂{name} = {fwd:e}, the backward pass {rev:e}"
                ));
            }
            passes.push(Pass {
                leaf: i,
                name: node.name.clone().unwrap_or_default(),
                tangents,
            });
        }
        let ops = g.nodes.iter().filter(|n| n.op.is_some()).count();
        let edges = g.nodes.iter().map(|n| n.parents.len()).sum();
        Ok(Modes { passes, ops, edges })
    }
}
