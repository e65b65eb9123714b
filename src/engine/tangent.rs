//! Forward mode: the derivative of every node with respect to one leaf, in
//! one pass in the order the nodes were computed, from the same local
//! derivatives the backward pass multiplies (Griewank & Walther,
//! "Evaluating Derivatives", 2nd ed., SIAM 2008, ch. 3).

use super::graph::{Graph, NodeId};

impl Graph {
    /// Each node's derivative with respect to leaf `seed` (its tangent),
    /// from the values of the last forward pass: the seed's is 1, every
    /// other leaf's 0, and an op's is the sum over its operands of
    /// `local × the operand's tangent`, one product per edge. One pass
    /// gives ∂node/∂seed for every node; the output's is one entry of the
    /// gradient, which reverse mode gives for every leaf in one pass.
    pub fn tangents(&self, seed: NodeId) -> Vec<f64> {
        let mut t = vec![0.0; self.nodes.len()];
        let mut x: Vec<f64> = Vec::with_capacity(8);
        for (i, node) in self.nodes.iter().enumerate() {
            let Some(op) = node.op else {
                t[i] = if i == seed { 1.0 } else { 0.0 };
                continue;
            };
            x.clear();
            x.extend(node.parents.iter().map(|&p| self.nodes[p].value));
            t[i] = (node.parents.iter().enumerate())
                .map(|(slot, &p)| op.local(&x, node.value, slot) * t[p])
                .sum();
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Graph, Kind, Op};

    /// f = w·x + w², at w = 3, x = 2: df/dw = x + 2w = 8, df/dx = w = 3.
    #[test]
    fn tangents_are_the_derivatives_along_one_leaf() {
        let mut g = Graph::default();
        let w = g.leaf(Kind::Param, Some("w"), 3.0);
        let x = g.leaf(Kind::Input, Some("x"), 2.0);
        let wx = g.op(Op::Mul, &[w, x]);
        let ww = g.op(Op::Mul, &[w, w]);
        let f = g.op(Op::Add, &[wx, ww]);
        g.forward().unwrap();
        let tw = g.tangents(w);
        assert_eq!(
            (tw[w], tw[x], tw[wx], tw[ww], tw[f]),
            (1.0, 0.0, 2.0, 6.0, 8.0)
        );
        let tx = g.tangents(x);
        assert_eq!((tx[wx], tx[ww], tx[f]), (3.0, 0.0, 3.0));
        // The same numbers as one backward pass gives for every leaf.
        g.backward(f, 1.0);
        assert_eq!((g.nodes[w].grad, g.nodes[x].grad), (tw[f], tx[f]));
    }
}
