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
//!
//! A block's examples, the same nodes once per example, run as columns
//! (see the `columns` module): each node of one example is dispatched once
//! over all the examples, in the same bits.
//!
//! A model over a grid of points runs through [`Tape::forward_points`]:
//! node by node over a block of points (a column of values per node), so
//! that a node is dispatched once per block rather than once per point and
//! `linear`'s products run in loops over columns. Each point still gets
//! [`Tape::forward_until`]'s operations in its order: the same bits.

use std::ops::Range;

use super::backward::Message;
use super::graph::{DomainError, Graph, NodeId};
use super::ops::{Op, Operands};

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
            Op::Sin => {
                let $o = Op::Sin;
                $body
            }
            Op::Cos => {
                let $o = Op::Cos;
                $body
            }
            Op::Sqrt => {
                let $o = Op::Sqrt;
                $body
            }
            Op::Abs => {
                let $o = Op::Abs;
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

mod columns;
use columns::Columns;

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
    /// The leaves, whose gradients backward keeps (it resets the op
    /// nodes'), and those gradients as a pass found them.
    leaves: Vec<u32>,
    kept: Vec<f64>,
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
    /// The examples of a batch as columns, if the graph has them (see
    /// [`columns`]).
    columns: Option<Columns>,
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
        let mut leaves = Vec::new();
        let mut values = Vec::with_capacity(n);
        let mut grads = Vec::with_capacity(n);
        for (id, node) in graph.nodes.iter().enumerate() {
            values.push(node.value);
            grads.push(node.grad);
            if node.kind.is_leaf() {
                leaves.push(id as u32);
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
        let columns = Columns::of(graph, &steps, &parents);
        Tape {
            columns,
            steps,
            parents,
            kept: Vec::with_capacity(leaves.len()),
            leaves,
            values,
            grads,
            x: Vec::with_capacity(8),
            live: Vec::new(),
            live_from: None,
        }
    }

    /// How many examples the tape runs as columns (see the `columns`
    /// module), and whether its backward passes can run on them (the
    /// template reads each shared node once at most); `None` if it runs
    /// node by node.
    pub fn example_columns(&self) -> Option<(usize, bool)> {
        (self.columns.as_ref()).map(|c| (c.count, c.shared_once))
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
    /// A batch's examples run as columns when `last` is past them.
    pub fn forward_until(&mut self, last: NodeId) -> Result<(), DomainError> {
        let all = 0..self.steps.len();
        let examples = (self.columns.as_ref())
            .filter(|c| last >= c.nodes().end)
            .map(|c| c.steps.clone());
        if let Some(ex) = examples {
            self.run(0..ex.start, last)?;
            let columns = self.columns.as_mut().expect("columns");
            if columns.forward(&mut self.values) {
                return self.run(ex.end..all.end, last);
            }
            // A value left its domain: node by node, to report it.
        }
        self.run(all, last)
    }

    /// The steps `range` of the tape, node by node, up to node `last`.
    fn run(&mut self, range: Range<usize>, last: NodeId) -> Result<(), DomainError> {
        let Tape {
            steps,
            parents,
            values,
            x,
            ..
        } = self;
        for s in &steps[range] {
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
                    // `linear`: the sum read in place, the operands copied
                    // only to name them in an error (the checked path
                    // below gives the same value).
                    let value = with_op!(s.op, |op| {
                        op.forward_in_place(Operands::At { values, at: many })
                    });
                    if let Some(value) = value.filter(|v| v.is_finite()) {
                        values[id] = value;
                        continue;
                    }
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
    ///
    /// The pass runs without a check per message, noting only whether
    /// any contribution was not finite; if one was, it runs again from the
    /// same start (the leaves' gradients are kept for that) with the check,
    /// to find the first. Both send the same messages in the same order.
    pub fn backward_accumulate(&mut self, output: NodeId, seed: f64) -> Option<Message> {
        self.reach(output);
        self.kept.clear();
        self.kept
            .extend(self.leaves.iter().map(|&i| self.grads[i as usize]));
        self.reset(output, seed);
        if self.send_unchecked(output) {
            return None;
        }
        self.reset(output, seed);
        self.send::<true>(0..self.live.len()).1
    }

    /// Sends every message of the pass without the check, a batch's
    /// examples as columns when they can be (see [`columns`]). Returns
    /// whether every contribution was finite (it may stop at the first
    /// that is not: the pass is then run again with the check).
    fn send_unchecked(&mut self, output: NodeId) -> bool {
        let all = 0..self.live.len();
        let Some(columns) = &mut self.columns else {
            return self.send::<false>(all).0;
        };
        if !columns.backward_ready(output, &self.steps, &self.live) {
            return self.send::<false>(all).0;
        }
        // `live` runs last first: the reduction's steps, the examples',
        // then those before the examples.
        let ex = columns.steps.clone();
        let tail = self.live.partition_point(|&k| k as usize >= ex.end);
        let head = self.live.partition_point(|&k| k as usize >= ex.start);
        if !self.send::<false>(0..tail).0 {
            return false;
        }
        let Tape {
            columns,
            values,
            grads,
            ..
        } = self;
        let columns = columns.as_mut().expect("columns");
        columns.backward(values, grads) && self.send::<false>(head..all.end).0
    }

    /// The start of a backward pass: the op nodes' gradients zero, the
    /// leaves' as [`Tape::kept`] holds them, the seed on the output. (One
    /// fill and the leaves put back costs less than a store per op node.)
    fn reset(&mut self, output: NodeId, seed: f64) {
        self.grads.fill(0.0);
        for (&i, &g) in self.leaves.iter().zip(&self.kept) {
            self.grads[i as usize] = g;
        }
        self.grads[output] += seed;
    }

    /// Sends the messages of `live[range]` (the pass from [`Tape::live`]), each
    /// contribution added to its operand's gradient in the order the arena
    /// sends them. Without `CHECK`, returns whether every contribution was
    /// finite; with it, the first message whose contribution is not.
    fn send<const CHECK: bool>(&mut self, range: Range<usize>) -> (bool, Option<Message>) {
        let Tape {
            steps,
            parents,
            values,
            grads,
            live,
            ..
        } = self;
        let mut bad = None;
        let mut finite = true;
        for &k in &live[range] {
            let s = &steps[k as usize];
            let id = s.node as usize;
            let operands = &parents[s.start as usize..s.end as usize];
            let x = Operands::At {
                values,
                at: operands,
            };
            let (out, upstream) = (values[id], grads[id]);
            if !CHECK && s.op == Op::Linear {
                finite &= linear_backward(operands, values, grads, upstream);
                continue;
            }
            with_op!(s.op, |op| {
                for (slot, &to) in operands.iter().enumerate() {
                    let to = to as usize;
                    let local = op.local_at(x, out, slot);
                    let contribution = upstream * local;
                    grads[to] += contribution;
                    if !CHECK {
                        finite &= contribution.is_finite();
                    } else if bad.is_none() && !contribution.is_finite() {
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
        (finite, bad)
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

/// Sends a `linear` node's messages, as [`Tape::send`] does without its
/// check, in one loop over its operands: each weight gets its input's value
/// times `upstream`, each input its weight's, the bias `upstream` × 1, in
/// slot order (the rulebook's local derivatives, the same products added
/// in the same order: the same bits). Returns whether every contribution
/// was finite.
fn linear_backward(operands: &[u32], values: &[f64], grads: &mut [f64], upstream: f64) -> bool {
    let mut finite = true;
    let Some((&bias, pairs)) = operands.split_last() else {
        return true;
    };
    for pair in pairs.chunks_exact(2) {
        let (w, x) = (pair[0] as usize, pair[1] as usize);
        let to_w = upstream * values[x];
        grads[w] += to_w;
        let to_x = upstream * values[w];
        grads[x] += to_x;
        finite &= to_w.is_finite() & to_x.is_finite();
    }
    let to_b = upstream * 1.0;
    grads[bias as usize] += to_b;
    finite & to_b.is_finite()
}

/// Points evaluated together by [`Tape::forward_points`]: their columns
/// stay in the first cache level (a 2-8-8-1 net has about 40 of them).
const BLOCK: usize = 128;

/// Where a node's value is, in [`Tape::forward_points`]: the same at
/// every point (in [`Tape::values`]), or in a column of [`Points::data`].
const SAME: u32 = u32::MAX;

/// An operand of a step run over a block of points.
#[derive(Clone, Copy)]
enum Src {
    /// The same value at every point.
    Same(f64),
    /// A column: `data[at..at + BLOCK]`.
    Col(usize),
}

/// The plan and columns of [`Tape::forward_points`], kept between calls:
/// which steps differ from point to point depends only on the graph and
/// on which inputs vary, not on the values.
#[derive(Clone, Debug, Default)]
pub struct Points {
    /// The plan's key: the last node and the varying inputs.
    key: Option<(NodeId, Vec<NodeId>)>,
    /// Per node up to the last: its column, or [`SAME`].
    col: Vec<u32>,
    /// The steps whose operands are the same at every point, then those
    /// that vary, each in tape order.
    same: Vec<u32>,
    varying: Vec<u32>,
    /// `BLOCK` values per column.
    data: Vec<f64>,
}

impl Tape {
    /// [`Tape::forward_until`] at many points at once, node by node over a
    /// block of points rather than point by point: input `vary[i].0` takes
    /// the value `vary[i].1[p]` at point `p`, every other leaf keeps its
    /// value, and `out[p]` gets the value of `last` at point `p`. The steps
    /// that read no varying input are run once, not once per point.
    ///
    /// Each point's numbers are [`Tape::forward_until`]'s bit for bit: the
    /// same rulebook functions on the same operands in the same order
    /// (`linear` adds its products from the left, starting at 0.0, then
    /// the bias, as [`Op::forward`] does). Returns `false`, with `out`
    /// unspecified, if a value at some point leaves its op's domain or is
    /// not finite: the caller runs those points one by one to find the
    /// error [`Tape::forward_until`] reports.
    ///
    /// # Panics
    /// If the columns of `vary` are not all as long as `out`.
    pub fn forward_points(
        &mut self,
        last: NodeId,
        vary: &[(NodeId, &[f64])],
        out: &mut [f64],
        points: &mut Points,
    ) -> bool {
        let n = out.len();
        assert!(vary.iter().all(|(_, c)| c.len() == n), "a value per point");
        let last = last.min(self.values.len().saturating_sub(1));
        self.plan(last, vary, points);
        // The steps that do not vary: once, as forward does.
        let Tape {
            steps,
            parents,
            values,
            x,
            ..
        } = self;
        for &k in &points.same {
            let s = steps[k as usize];
            x.clear();
            x.extend(
                parents[s.start as usize..s.end as usize]
                    .iter()
                    .map(|&p| values[p as usize]),
            );
            let value = with_op!(s.op, |op| {
                if op.domain_error(x).is_some() {
                    return false;
                }
                op.forward(x)
            });
            if !value.is_finite() {
                return false;
            }
            values[s.node as usize] = value;
        }
        let at_last = points.col[last];
        for start in (0..n).step_by(BLOCK) {
            let len = BLOCK.min(n - start);
            for &(node, column) in vary {
                if node <= last {
                    let at = points.col[node] as usize * BLOCK;
                    points.data[at..at + len].copy_from_slice(&column[start..start + len]);
                }
            }
            for &k in &points.varying {
                let s = self.steps[k as usize];
                if !self.run_block(s, len, &points.col, &mut points.data) {
                    return false;
                }
            }
            let dst = &mut out[start..start + len];
            if at_last == SAME {
                dst.fill(self.values[last]);
            } else {
                let at = at_last as usize * BLOCK;
                dst.copy_from_slice(&points.data[at..at + len]);
            }
        }
        true
    }

    /// Which nodes up to `last` vary with the inputs in `vary`, and their
    /// columns; kept while `last` and the inputs stay the same.
    fn plan(&self, last: NodeId, vary: &[(NodeId, &[f64])], points: &mut Points) {
        let inputs: Vec<NodeId> = vary.iter().map(|&(i, _)| i).collect();
        if points.key.as_ref() == Some(&(last, inputs.clone())) {
            return;
        }
        let mut col = vec![SAME; last + 1];
        let mut next = 0u32;
        for &i in inputs.iter().filter(|&&i| i <= last) {
            if col[i] == SAME {
                col[i] = next;
                next += 1;
            }
        }
        let (mut same, mut varying) = (Vec::new(), Vec::new());
        for (k, s) in self.steps.iter().enumerate() {
            let id = s.node as usize;
            if id > last {
                break;
            }
            let operands = &self.parents[s.start as usize..s.end as usize];
            if operands.iter().any(|&p| col[p as usize] != SAME) {
                col[id] = next;
                next += 1;
                varying.push(k as u32);
            } else {
                same.push(k as u32);
            }
        }
        points.data = vec![0.0; next as usize * BLOCK];
        points.col = col;
        points.same = same;
        points.varying = varying;
        points.key = Some((last, inputs));
    }

    /// Step `s` over the first `len` points of the block: its column from
    /// its operands'. `false` if a value leaves the domain or is not finite.
    fn run_block(&self, s: Step, len: usize, cols: &[u32], data: &mut [f64]) -> bool {
        let operands = &self.parents[s.start as usize..s.end as usize];
        let src = |p: u32| match cols[p as usize] {
            SAME => Src::Same(self.values[p as usize]),
            c => Src::Col(c as usize * BLOCK),
        };
        // Operand columns come before the step's own: split there.
        let at = cols[s.node as usize] as usize * BLOCK;
        let (before, rest) = data.split_at_mut(at);
        let dst = &mut rest[..len];
        let col = |at: usize| &before[at..at + len];
        match (s.op, operands) {
            (Op::Linear, _) => {
                // Op::forward's sum: 0.0, plus each product from the left,
                // plus the bias.
                let (pairs, b) = operands.split_at(operands.len() - 1);
                dst.fill(0.0);
                for wx in pairs.chunks_exact(2) {
                    match (src(wx[0]), src(wx[1])) {
                        (Src::Same(w), Src::Col(x)) => {
                            for (d, &x) in dst.iter_mut().zip(col(x)) {
                                *d += w * x;
                            }
                        }
                        (Src::Col(w), Src::Same(x)) => {
                            for (d, &w) in dst.iter_mut().zip(col(w)) {
                                *d += w * x;
                            }
                        }
                        (Src::Col(w), Src::Col(x)) => {
                            for ((d, &w), &x) in dst.iter_mut().zip(col(w)).zip(col(x)) {
                                *d += w * x;
                            }
                        }
                        (Src::Same(w), Src::Same(x)) => {
                            let wx = w * x;
                            for d in dst.iter_mut() {
                                *d += wx;
                            }
                        }
                    }
                }
                match src(b[0]) {
                    Src::Same(b) => dst.iter_mut().for_each(|d| *d += b),
                    Src::Col(b) => dst.iter_mut().zip(col(b)).for_each(|(d, &b)| *d += b),
                }
            }
            (op, &[a]) => {
                let Src::Col(a) = src(a) else {
                    unreachable!("a varying step reads a varying operand")
                };
                let ok = with_op!(op, |op| {
                    let mut ok = true;
                    for (d, &a) in dst.iter_mut().zip(col(a)) {
                        ok &= op.domain_error(&[a]).is_none();
                        *d = op.forward(&[a]);
                    }
                    ok
                });
                if !ok {
                    return false;
                }
            }
            (op, &[a, b]) => {
                let (a, b) = (src(a), src(b));
                let at = |s: Src, p: usize| match s {
                    Src::Same(v) => v,
                    Src::Col(c) => before[c + p],
                };
                let ok = with_op!(op, |op| {
                    let mut ok = true;
                    for (p, d) in dst.iter_mut().enumerate() {
                        let x = [at(a, p), at(b, p)];
                        ok &= op.domain_error(&x).is_none();
                        *d = op.forward(&x);
                    }
                    ok
                });
                if !ok {
                    return false;
                }
            }
            (op, _) => unreachable!("{} takes one or two operands", op.name()),
        }
        // No early exit: a fold without a branch per point. (Every refused
        // operand of the rulebook also gives a value that is not finite,
        // but the domain checks above do not rely on it.)
        dst.iter().fold(true, |ok, v| ok & v.is_finite())
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
