//! Stochastic gradient descent: move every param against its gradient.
//!
//! A graph is built once and can be run any number of times: forward
//! recomputes every op from the leaves, backward zeroes the gradients
//! before it starts, and [`Graph::sgd_step`] changes only the params'
//! values. A training loop is
//!
//! ```text
//! let params = graph.params();
//! loop { graph.forward_quiet()?; graph.backward_quiet(out, 1.0); graph.sgd_step(lr, &params); }
//! ```

use super::graph::{DomainError, Graph, Kind, NodeId};

/// What one step did to one param.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamStep {
    pub node: NodeId,
    pub before: f64,
    pub grad: f64,
    pub after: f64,
}

/// One SGD step taken after a backward pass, and the fresh forward pass
/// after it.
#[derive(Clone, Debug)]
pub struct Update {
    pub lr: f64,
    /// (name, before, gradient, after) for every param.
    pub params: Vec<(String, f64, f64, f64)>,
    pub output_before: f64,
    pub output_after: f64,
    /// The graph after the step, with its fresh forward values (and the
    /// gradients of the backward pass the step was taken from).
    pub graph: Graph,
}

impl Graph {
    /// The trainable leaves, in arena order.
    pub fn params(&self) -> Vec<NodeId> {
        self.leaves(Kind::Param).collect()
    }

    /// One SGD step: each of `params` moves to `value − lr × grad`, using
    /// the gradients of the last backward pass. Op values are stale until
    /// the next forward pass.
    pub fn sgd_step(&mut self, lr: f64, params: &[NodeId]) -> Vec<ParamStep> {
        params
            .iter()
            .map(|&node| {
                let n = &mut self.nodes[node];
                let before = n.value;
                n.value = before - lr * n.grad;
                ParamStep {
                    node,
                    before,
                    grad: n.grad,
                    after: n.value,
                }
            })
            .collect()
    }
}

/// Takes one SGD step with learning rate `lr` on a copy of `graph` (which
/// has been through backward), then a fresh forward pass on the copy. The
/// original keeps the values and gradients of its run.
pub fn update(graph: &Graph, output: NodeId, lr: f64) -> Result<Update, DomainError> {
    let mut after = graph.clone();
    let steps = after.sgd_step(lr, &graph.params());
    after.forward_quiet()?;
    let params = steps
        .iter()
        .map(|s| {
            let name = graph.nodes[s.node].name.clone().unwrap_or_default();
            (name, s.before, s.grad, s.after)
        })
        .collect();
    Ok(Update {
        lr,
        params,
        output_before: graph.nodes[output].value,
        output_after: after.nodes[output].value,
        graph: after,
    })
}

#[cfg(test)]
mod tests {
    use crate::engine::{Graph, Kind, Op};

    /// loss = (w·x − y)², built once and trained by re-running it.
    fn square_error() -> (Graph, usize) {
        let mut g = Graph::new();
        let w = g.leaf(Kind::Param, Some("w"), 0.5);
        let x = g.leaf(Kind::Input, Some("x"), 2.0);
        let y = g.leaf(Kind::Input, Some("y"), 3.0);
        let wx = g.op(Op::Mul, &[w, x]);
        let ny = g.op(Op::Neg, &[y]);
        let d = g.op(Op::Add, &[wx, ny]);
        let loss = g.op(Op::Pow(2.0), &[d]);
        (g, loss)
    }

    #[test]
    fn a_graph_built_once_trains_by_rerunning_it() {
        let (mut g, loss) = square_error();
        let params = g.params();
        let mut last = f64::INFINITY;
        for _ in 0..20 {
            g.forward_quiet().unwrap();
            let l = g.nodes[loss].value;
            assert!(l < last, "the loss falls every step: {l} after {last}");
            last = l;
            g.backward_quiet(loss, 1.0);
            g.sgd_step(0.05, &params);
        }
        // w converges to y / x = 1.5; inputs never move.
        assert!(
            (g.nodes[0].value - 1.5).abs() < 1e-3,
            "{}",
            g.nodes[0].value
        );
        assert_eq!((g.nodes[1].value, g.nodes[2].value), (2.0, 3.0));
    }

    #[test]
    fn update_steps_a_copy_and_runs_it_forward() {
        let (mut g, loss) = square_error();
        g.forward_quiet().unwrap();
        g.backward_quiet(loss, 1.0);
        // dloss/dw = 2(w·x − y)·x = 2·(−2)·2 = −8.
        let u = super::update(&g, loss, 0.1).unwrap();
        assert_eq!(u.params, vec![("w".to_string(), 0.5, -8.0, 1.3)]);
        assert_eq!(
            (u.output_before, u.output_after),
            (4.0, (1.3f64 * 2.0 - 3.0).powf(2.0))
        );
        assert_eq!(g.nodes[0].value, 0.5, "the original keeps its run");
        assert_eq!(u.graph.nodes[0].value, 1.3);
    }
}
