//! Backward: from a seed on the output, in reverse topological (arena)
//! order, without recursion, accumulating wherever paths meet.

use super::graph::{Graph, NodeId};

/// One backward message, as a teacher would narrate it: the child sends
/// `upstream × local = contribution` to one parent, whose running total
/// becomes `total`.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The node sending the message (the consumer).
    pub from: NodeId,
    /// The parent receiving it.
    pub to: NodeId,
    /// Which operand of `from` the parent is (0-based).
    pub slot: usize,
    /// ∂L/∂from, complete by the time it is sent.
    pub upstream: f64,
    /// ∂from/∂to: the local derivative from the rulebook.
    pub local: f64,
    /// upstream × local.
    pub contribution: f64,
    /// The parent's gradient after adding this contribution.
    pub total: f64,
}

impl Graph {
    /// Sets every gradient to zero. Backward does this itself, so a graph
    /// built once can be run (forward, backward, step) again and again.
    pub fn zero_grad(&mut self) {
        for n in &mut self.nodes {
            n.grad = 0.0;
        }
    }

    /// Runs backward from `output` with gradient `seed`, resetting every
    /// gradient first. Returns each message in the order it was sent.
    pub fn backward(&mut self, output: NodeId, seed: f64) -> Vec<Message> {
        let mut messages = Vec::new();
        self.zero_grad();
        self.backward_with(output, seed, |m| messages.push(m));
        messages
    }

    /// Backward without recording the messages.
    pub fn backward_quiet(&mut self, output: NodeId, seed: f64) {
        self.zero_grad();
        self.backward_with(output, seed, |_| {});
    }

    /// Backward that adds to the leaves' gradients instead of starting
    /// from zero, as an engine that rebuilds its graph every step does (its
    /// op nodes are new, its params are not): the op nodes' gradients are
    /// reset, the leaves keep what they had. With [`Graph::zero_grad`]
    /// before it, this is [`Graph::backward_quiet`]; without, gradients add
    /// up over the steps. Returns the first message whose contribution is
    /// not a finite number, if any (the pass completes regardless).
    pub fn backward_accumulate(&mut self, output: NodeId, seed: f64) -> Option<Message> {
        for n in &mut self.nodes {
            if !n.kind.is_leaf() {
                n.grad = 0.0;
            }
        }
        let mut bad = None;
        self.backward_with(output, seed, |m| {
            if bad.is_none() && !m.contribution.is_finite() {
                bad = Some(m);
            }
        });
        bad
    }

    /// Backward from `output`, adding to the current gradients. The op
    /// nodes' gradients must be 0 when it starts.
    fn backward_with(&mut self, output: NodeId, seed: f64, mut record: impl FnMut(Message)) {
        // Only nodes the output depends on take part; a statement after the
        // output gets no gradient and sends no message.
        let mut reached = vec![false; output + 1];
        reached[output] = true;
        self.nodes[output].grad += seed;
        // One operand buffer for the whole pass: `linear` has any number.
        let mut x: Vec<f64> = Vec::with_capacity(8);
        for id in (0..=output).rev() {
            if !reached[id] {
                continue;
            }
            let Some(op) = self.nodes[id].op else {
                continue;
            };
            let node = &self.nodes[id];
            let n = node.parents.len();
            x.clear();
            x.extend(node.parents.iter().map(|&p| self.nodes[p].value));
            let (out, upstream) = (node.value, node.grad);
            for slot in 0..n {
                let local = op.local(&x, out, slot);
                let to = self.nodes[id].parents[slot];
                let contribution = upstream * local;
                self.nodes[to].grad += contribution;
                reached[to] = true;
                record(Message {
                    from: id,
                    to,
                    slot,
                    upstream,
                    local,
                    contribution,
                    total: self.nodes[to].grad,
                });
            }
        }
    }
}
