//! A graph compiled for the loops that run it thousands of times: training
//! (forward, backward, step, again) and a model evaluated over a grid.
//!
//! The arena keeps what a figure needs of every node (kind, name, example,
//! a `Vec` of parents); a hot loop needs none of it. A [`Tape`] is the same
//! graph as flat arrays: the op nodes in arena order, each with its
//! rulebook functions, the exponent and a range of one shared parent index
//! array, and the values and gradients of every node in two contiguous
//! `f64` arrays. Nothing is allocated per node or per pass.
//!
//! The numbers are the arena's, bit for bit: the same rulebook functions
//! ([`Rule::forward`](super::ops::Rule::forward), [`Rule::local`](super::ops::Rule::local),
//! [`Rule::refuse`](super::ops::Rule::refuse)) on the same
//! operands, the nodes in the same order, each gradient accumulated in the
//! same order, and the same [`DomainError`] or [`Message`] where a value
//! leaves its domain or is not finite. The narrated passes
//! ([`Graph::forward`], [`Graph::backward`]) stay on the arena.

use super::backward::Message;
use super::graph::{DomainError, Graph, NodeId};
use super::ops::Op;

/// Runs `$body` with `$o` bound to `$op` in one arm per op, so that in
/// each arm the op is a constant: [`Op::forward`], [`Op::local`] and
/// [`Op::domain_error`] then call the rulebook row's own function directly
/// (and the compiler can inline it) instead of through the row's pointer.
/// The same functions on the same operands: the same bits.
macro_rules! with_op {
    ($op:expr, |$o:ident| $body:expr) => {
        match $op {
            Op::Add => {
                let $o = Op::Add;
                $body
            }
            Op::Mul => {
                let $o = Op::Mul;
                $body
            }
            Op::Neg => {
                let $o = Op::Neg;
                $body
            }
            Op::Recip => {
                let $o = Op::Recip;
                $body
            }
            Op::Exp => {
                let $o = Op::Exp;
                $body
            }
            Op::Log => {
                let $o = Op::Log;
                $body
            }
            Op::Pow(c) => {
                let $o = Op::Pow(c);
                $body
            }
            Op::Relu => {
                let $o = Op::Relu;
                $body
            }
            Op::Tanh => {
                let $o = Op::Tanh;
                $body
            }
            Op::Linear => {
                let $o = Op::Linear;
                $body
            }
            Op::Sigmoid => {
                let $o = Op::Sigmoid;
                $body
            }
            Op::Bce => {
                let $o = Op::Bce;
                $body
            }
            Op::Mse => {
                let $o = Op::Mse;
                $body
            }
        }
    };
}

/// One op node of the tape.
#[derive(Clone, Copy, Debug)]
struct Step {
    /// The node's id in the arena (and in [`Tape::values`]).
    node: u32,
    /// Its operands: `parents[start..end]`.
    start: u32,
    end: u32,
    op: Op,
}

/// A [`Graph`] compiled into flat arrays; see the module documentation.
#[derive(Clone, Debug)]
pub struct Tape {
    steps: Vec<Step>,
    parents: Vec<u32>,
    /// The nodes that are not leaves: backward resets their gradients.
    inner: Vec<u32>,
    /// Every node's value, by node id.
    pub values: Vec<f64>,
    /// Every node's gradient, by node id.
    pub grads: Vec<f64>,
    /// Operand values of the step being run (`linear` has any number).
    x: Vec<f64>,
    /// The steps backward runs from [`Tape::live_from`], in its order
    /// (see [`Tape::reach`]).
    live: Vec<u32>,
    live_from: Option<NodeId>,
}

impl Tape {
    /// Compiles `graph`, with its current values and gradients.
    pub fn new(graph: &Graph) -> Tape {
        let n = graph.nodes.len();
        assert!(n <= u32::MAX as usize, "a tape indexes nodes with u32");
        // One pass over the arena, every array sized up front: a tape is
        // compiled for each training run, which may be a single step.
        let mut steps = Vec::with_capacity(n);
        let mut parents = Vec::with_capacity(2 * n);
        let mut inner = Vec::with_capacity(n);
        let mut values = Vec::with_capacity(n);
        let mut grads = Vec::with_capacity(n);
        for (id, node) in graph.nodes.iter().enumerate() {
            values.push(node.value);
            grads.push(node.grad);
            if !node.kind.is_leaf() {
                inner.push(id as u32);
            }
            let Some(op) = node.op else { continue };
            let start = parents.len() as u32;
            parents.extend(node.parents.iter().map(|&p| p as u32));
            steps.push(Step {
                node: id as u32,
                start,
                end: parents.len() as u32,
                op,
            });
        }
        Tape {
            steps,
            parents,
            inner,
            values,
            grads,
            x: Vec::with_capacity(8),
            live: Vec::new(),
            live_from: None,
        }
    }

    /// Writes the tape's values and gradients back into `graph`, the graph
    /// it was compiled from.
    pub fn store(&self, graph: &mut Graph) {
        for (node, (&v, &g)) in graph
            .nodes
            .iter_mut()
            .zip(self.values.iter().zip(&self.grads))
        {
            node.value = v;
            node.grad = g;
        }
    }

    /// [`Graph::forward_quiet`].
    pub fn forward(&mut self) -> Result<(), DomainError> {
        self.forward_until(NodeId::MAX)
    }

    /// [`Graph::forward_until`]: the op nodes up to and including `last`.
    pub fn forward_until(&mut self, last: NodeId) -> Result<(), DomainError> {
        let Tape {
            steps,
            parents,
            values,
            x,
            ..
        } = self;
        for s in steps.iter() {
            let id = s.node as usize;
            if id > last {
                break;
            }
            // One or two operands (all but `linear`) are read onto the
            // stack; more go through the shared buffer.
            let pair;
            let args: &[f64] = match parents[s.start as usize..s.end as usize] {
                [a] => {
                    pair = [values[a as usize], 0.0];
                    &pair[..1]
                }
                [a, b] => {
                    pair = [values[a as usize], values[b as usize]];
                    &pair
                }
                ref many => {
                    x.clear();
                    x.extend(many.iter().map(|&p| values[p as usize]));
                    x
                }
            };
            let value = with_op!(s.op, |op| {
                if let Some(expected) = op.domain_error(args) {
                    return Err(domain_error(s, id, args, expected.to_string()));
                }
                op.forward(args)
            });
            if !value.is_finite() {
                let why = format!("the result is {value}, not a finite number");
                return Err(domain_error(s, id, args, why));
            }
            values[id] = value;
        }
        Ok(())
    }

    /// [`Graph::zero_grad`].
    pub fn zero_grad(&mut self) {
        self.grads.fill(0.0);
    }

    /// [`Graph::backward_accumulate`]: the op nodes' gradients reset, the
    /// leaves' kept, then backward from `output` with `seed`. Returns the
    /// first message whose contribution is not finite (the pass completes
    /// regardless).
    pub fn backward_accumulate(&mut self, output: NodeId, seed: f64) -> Option<Message> {
        for &i in &self.inner {
            self.grads[i as usize] = 0.0;
        }
        self.reach(output);
        let Tape {
            steps,
            parents,
            values,
            grads,
            x,
            live,
            ..
        } = self;
        grads[output] += seed;
        let mut bad = None;
        for &k in live.iter() {
            let s = &steps[k as usize];
            let id = s.node as usize;
            let operands = &parents[s.start as usize..s.end as usize];
            x.clear();
            x.extend(operands.iter().map(|&p| values[p as usize]));
            let (out, upstream) = (values[id], grads[id]);
            with_op!(s.op, |op| {
                for (slot, &to) in operands.iter().enumerate() {
                    let to = to as usize;
                    let local = op.local(x, out, slot);
                    let contribution = upstream * local;
                    grads[to] += contribution;
                    if bad.is_none() && !contribution.is_finite() {
                        bad = Some(Message {
                            from: id,
                            to,
                            slot,
                            upstream,
                            local,
                            contribution,
                            total: grads[to],
                        });
                    }
                }
            });
        }
        bad
    }

    /// Finds the steps backward from `output` runs, in the order it runs
    /// them: those `output` depends on, last first. Which nodes a pass
    /// reaches depends on the graph alone, not on its values, so this is
    /// done once per output rather than once per pass.
    fn reach(&mut self, output: NodeId) {
        if self.live_from == Some(output) {
            return;
        }
        let mut reached = vec![false; output + 1];
        reached[output] = true;
        self.live.clear();
        for (k, s) in self.steps.iter().enumerate().rev() {
            let id = s.node as usize;
            if id > output || !reached[id] {
                continue;
            }
            self.live.push(k as u32);
            for &p in &self.parents[s.start as usize..s.end as usize] {
                reached[p as usize] = true;
            }
        }
        self.live_from = Some(output);
    }

    /// [`Graph::sgd_step`], without the record of each param.
    pub fn sgd_step(&mut self, lr: f64, params: &[NodeId]) {
        for &p in params {
            self.values[p] -= lr * self.grads[p];
        }
    }
}

fn domain_error(s: &Step, node: NodeId, args: &[f64], message: String) -> DomainError {
    DomainError {
        node,
        op: s.op.name(),
        args: args.to_vec(),
        message,
    }
}
