//! The examples of a batch run as columns.
//!
//! A block with `examples` is lowered as the shared nodes (the params),
//! then the same nodes once per example, then the reduction over the
//! examples. Run node by node, a training step dispatches each op once per
//! example: a 2-8-8-1 net over 100 examples is 4,000 dispatches a pass,
//! each reading its operands through two indices. Here the nodes of one
//! example are a *template*, and each template node runs over all the
//! examples at once: a column of values per node, dispatched once, its
//! operands read from other columns or from one shared node.
//!
//! The numbers are [`Tape::forward_until`]'s and [`Tape::backward_accumulate`]'s
//! bit for bit:
//! - forward: each example's node gets the same rulebook function on the
//!   same operands; the order in which different nodes are computed does
//!   not change a value;
//! - backward: a node of an example receives messages only from later
//!   nodes of its example (template order, last first, as the tape sends
//!   them) after those of the reduction; a shared node (a param) receives
//!   from every example, last example first. The columns keep both orders:
//!   the template runs last node first, and a shared node is accumulated
//!   over the examples from the last. That is the tape's order only when a
//!   shared node is read by one operand slot of the template (true of every
//!   param of a net, of `w * x + b`, of `linear(w, x, b)`); a template that
//!   reads a shared node twice (`w * x + w`) runs node by node.
//!
//! A pass whose value leaves its op's domain, or that is not finite, stops
//! and leaves the tape as it was; the tape then runs node by node to find
//! the error it reports. The columns are written back into the tape's
//! arrays only after a pass succeeds.

use std::ops::Range;

use super::super::graph::{Graph, NodeId};
use super::super::ops::{Op, Operands};
use super::Step;

/// Where an operand of a template node is.
#[derive(Clone, Copy, Debug)]
enum Src {
    /// The column of the template node at this offset.
    Col(usize),
    /// A shared node, the same for every example.
    Node(usize),
}

/// An op node of the template.
#[derive(Clone, Copy, Debug)]
struct Cell {
    /// Its offset in an example (its column).
    at: usize,
    /// Its operands: `srcs[start..end]`.
    start: usize,
    end: usize,
    op: Op,
}

/// The examples of a tape as columns; see the module documentation.
#[derive(Clone, Debug)]
pub(super) struct Columns {
    /// The first node of the first example, the nodes per example, and
    /// the number of examples.
    first: usize,
    len: usize,
    pub(super) count: usize,
    /// The tape's steps that belong to the examples.
    pub(super) steps: Range<usize>,
    cells: Vec<Cell>,
    srcs: Vec<Src>,
    /// The template's leaves (inputs and constants), by offset: their
    /// values are copied into their columns at each pass.
    leaves: Vec<usize>,
    /// Whether every shared node is read by one operand slot of the
    /// template at most (see the module documentation).
    pub(super) shared_once: bool,
    /// Per cell, whether the backward pass from `live_of` runs it (the
    /// same in every example, or `live_of` is `None`).
    live: Vec<bool>,
    live_of: Option<NodeId>,
    /// Values and gradients, column by column: `[at * count + example]`.
    values: Vec<f64>,
    grads: Vec<f64>,
    /// Room for three columns (local derivatives, shared operands).
    scratch: [Vec<f64>; 3],
}

impl Columns {
    /// The columns of `graph` compiled into `steps`, if its op nodes are
    /// the same template in every example (two or more), every example's
    /// nodes contiguous, and nothing else between them.
    pub(super) fn of(graph: &Graph, steps: &[Step], parents: &[u32]) -> Option<Columns> {
        let nodes = &graph.nodes;
        let first = nodes.iter().position(|n| n.example.is_some())?;
        let count = nodes.iter().filter_map(|n| n.example).max()? + 1;
        let end = first
            + nodes[first..]
                .iter()
                .take_while(|n| n.example.is_some())
                .count();
        let len = (end - first) / count;
        if count < 2
            || len * count != end - first
            || nodes[end..].iter().any(|n| n.example.is_some())
        {
            return None;
        }
        if (first..end).any(|i| nodes[i].example != Some((i - first) / len)) {
            return None;
        }
        let in_steps = |range: Range<usize>| {
            let from = steps.partition_point(|s| (s.node as usize) < range.start);
            from..steps.partition_point(|s| (s.node as usize) < range.end)
        };
        let mut c = Columns {
            first,
            len,
            count,
            steps: in_steps(first..end),
            cells: Vec::new(),
            srcs: Vec::new(),
            leaves: Vec::new(),
            shared_once: true,
            live: Vec::new(),
            live_of: None,
            values: vec![0.0; len * count],
            grads: vec![0.0; len * count],
            scratch: [vec![0.0; count], vec![0.0; count], vec![0.0; count]],
        };
        // The template is the first example; each node of every other
        // example must be the same node over the same operands.
        let template = &steps[in_steps(first..first + len)];
        let mut reads = vec![0u32; first];
        for at in 0..len {
            let node = &nodes[first + at];
            if node.kind.is_leaf() {
                c.leaves.push(at);
            }
            for e in 1..count {
                let other = &nodes[first + e * len + at];
                if other.kind != node.kind || !same_op(other.op, node.op) {
                    return None;
                }
            }
        }
        for s in template {
            let at = s.node as usize - first;
            let start = c.srcs.len();
            for (slot, &p) in parents[s.start as usize..s.end as usize].iter().enumerate() {
                let p = p as usize;
                let src = if p >= first {
                    Src::Col(p - first)
                } else {
                    reads[p] += 1;
                    Src::Node(p)
                };
                // The same operand, moved by the example, in every example.
                for e in 1..count {
                    let theirs = &nodes[first + e * len + at].parents;
                    let want = match src {
                        Src::Col(j) => first + e * len + j,
                        Src::Node(p) => p,
                    };
                    if theirs.len() != s.end as usize - s.start as usize || theirs[slot] != want {
                        return None;
                    }
                }
                c.srcs.push(src);
            }
            c.cells.push(Cell {
                at,
                start,
                end: c.srcs.len(),
                op: s.op,
            });
        }
        c.shared_once = reads.iter().all(|&r| r <= 1);
        Some(c)
    }

    /// The node ids of the examples.
    pub(super) fn nodes(&self) -> Range<usize> {
        self.first..self.first + self.len * self.count
    }

    /// Whether backward from `output` can run on the columns: `output`
    /// comes after the examples, the template reads every shared node once
    /// at most, and each template node is run in every example or in none.
    /// `live` lists the tape's steps the pass runs, last first.
    pub(super) fn backward_ready(&mut self, output: NodeId, steps: &[Step], live: &[u32]) -> bool {
        if output < self.nodes().end || !self.shared_once {
            return false;
        }
        if self.live_of != Some(output) {
            let mut runs = vec![0usize; self.len];
            for &k in live.iter().filter(|&&k| self.steps.contains(&(k as usize))) {
                runs[(steps[k as usize].node as usize - self.first) % self.len] += 1;
            }
            self.live = (self.cells.iter())
                .map(|c| runs[c.at] == self.count)
                .collect();
            let uniform = (self.cells.iter()).all(|c| runs[c.at] == 0 || runs[c.at] == self.count);
            self.live_of = uniform.then_some(output);
        }
        self.live_of == Some(output)
    }

    /// The forward pass of the template over every example, from the
    /// tape's `values` (its shared nodes already computed). `false`, with
    /// `values` untouched, if a value leaves its op's domain or is not
    /// finite; otherwise the examples' values are written into `values`.
    pub(super) fn forward(&mut self, values: &mut [f64]) -> bool {
        let (n, len, first) = (self.count, self.len, self.first);
        for &at in &self.leaves {
            for e in 0..n {
                self.values[at * n + e] = values[first + e * len + at];
            }
        }
        for c in &self.cells {
            // A cell's operands are earlier columns: split there.
            let (before, rest) = self.values.split_at_mut(c.at * n);
            let dst = &mut rest[..n];
            let srcs = &self.srcs[c.start..c.end];
            if !forward_cell(c, srcs, (before, values), dst, &mut self.scratch) {
                return false;
            }
        }
        for c in &self.cells {
            for (e, &v) in self.values[c.at * n..][..n].iter().enumerate() {
                values[first + e * len + c.at] = v;
            }
        }
        true
    }

    /// The template's messages, last node first, from the gradients the
    /// reduction left in `grads`; a shared node's messages added to
    /// `grads`, an example node's kept in the columns and written back at
    /// the end. Returns whether every contribution was finite.
    pub(super) fn backward(&mut self, values: &[f64], grads: &mut [f64]) -> bool {
        let (n, len, first) = (self.count, self.len, self.first);
        for at in 0..len {
            for e in 0..n {
                self.grads[at * n + e] = grads[first + e * len + at];
            }
        }
        let mut finite = true;
        for (c, _) in (self.cells.iter().zip(&self.live).rev()).filter(|(_, live)| **live) {
            let srcs = &self.srcs[c.start..c.end];
            finite &= backward_cell(
                c,
                srcs,
                n,
                &self.values,
                values,
                &mut self.grads,
                grads,
                &mut self.scratch,
            );
        }
        for at in 0..len {
            for e in 0..n {
                grads[first + e * len + at] = self.grads[at * n + e];
            }
        }
        finite
    }
}

/// Two nodes' ops are the same op (`pow`'s exponent the same bits).
fn same_op(a: Option<Op>, b: Option<Op>) -> bool {
    match (a, b) {
        (Some(Op::Pow(x)), Some(Op::Pow(y))) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// One cell's column from its operands: `cols` holds the earlier columns,
/// `shared` the tape's values, `scratch` room for operand columns. `false`
/// if a value leaves its op's domain or is not finite.
fn forward_cell(
    c: &Cell,
    srcs: &[Src],
    (cols, shared): (&[f64], &[f64]),
    dst: &mut [f64],
    scratch: &mut [Vec<f64>; 3],
) -> bool {
    let n = dst.len();
    let at = |s: Src, e: usize| match s {
        Src::Col(j) => cols[j * n + e],
        Src::Node(p) => shared[p],
    };
    match (c.op, srcs) {
        (Op::Linear, _) => {
            // Op::forward's sum: 0.0, plus each product from the left,
            // plus the bias.
            let (pairs, b) = srcs.split_at(srcs.len() - 1);
            dst.fill(0.0);
            for wx in pairs.chunks_exact(2) {
                match (wx[0], wx[1]) {
                    (Src::Node(w), Src::Col(x)) => {
                        let w = shared[w];
                        for (d, &x) in dst.iter_mut().zip(&cols[x * n..][..n]) {
                            *d += w * x;
                        }
                    }
                    (a, b) => {
                        for (e, d) in dst.iter_mut().enumerate() {
                            *d += at(a, e) * at(b, e);
                        }
                    }
                }
            }
            for (e, d) in dst.iter_mut().enumerate() {
                *d += at(b[0], e);
            }
        }
        (op, &[a]) => {
            let a = column(a, cols, shared, &mut scratch[0]);
            let ok = with_op!(op, |op| {
                let mut ok = true;
                for (d, &x) in dst.iter_mut().zip(a) {
                    ok &= op.domain_error(&[x]).is_none();
                    *d = op.forward(&[x]);
                }
                ok
            });
            if !ok {
                return false;
            }
        }
        (op, &[a, b]) => {
            let [sa, sb, _] = scratch;
            let (a, b) = (column(a, cols, shared, sa), column(b, cols, shared, sb));
            let ok = with_op!(op, |op| {
                let mut ok = true;
                for ((d, &x), &y) in dst.iter_mut().zip(a).zip(b) {
                    let x = [x, y];
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
    dst.iter().fold(true, |ok, v| ok & v.is_finite())
}

/// One cell's messages over every example, operand slot by slot: to an
/// example's node in its column of `cols`, to a shared node in `grads`,
/// the last example first. `scratch` is room for three columns. Returns whether
/// every contribution was finite.
#[allow(clippy::too_many_arguments)]
fn backward_cell(
    c: &Cell,
    srcs: &[Src],
    n: usize,
    vals: &[f64],
    shared: &[f64],
    cols: &mut [f64],
    grads: &mut [f64],
    scratch: &mut [Vec<f64>; 3],
) -> bool {
    let val = |s: Src| match s {
        Src::Col(j) => Val::Col(&vals[j * n..][..n]),
        Src::Node(p) => Val::Same(shared[p]),
    };
    // Operands are earlier columns than the cell's own, the upstream.
    let (before, rest) = cols.split_at_mut(c.at * n);
    let up = &rest[..n];
    let mut finite = true;
    if c.op == Op::Linear {
        // The rulebook's locals: a weight's is its input's value, an
        // input's its weight's, the bias's 1.
        let (pairs, b) = srcs.split_at(srcs.len() - 1);
        for wx in pairs.chunks_exact(2) {
            finite &= send(wx[0], up, val(wx[1]), before, grads);
            finite &= send(wx[1], up, val(wx[0]), before, grads);
        }
        return finite & send(b[0], up, Val::Same(1.0), before, grads);
    }
    let out = &vals[c.at * n..][..n];
    let [local, sa, sb] = scratch;
    let a = column(srcs[0], vals, shared, sa);
    let b = column(*srcs.get(1).unwrap_or(&srcs[0]), vals, shared, sb);
    for (slot, &to) in srcs.iter().enumerate() {
        with_op!(c.op, |op| {
            if srcs.len() == 1 {
                for ((l, &x), &o) in local.iter_mut().zip(a).zip(out) {
                    *l = op.local_at(Operands::Values(&[x]), o, slot);
                }
            } else {
                for (((l, &x), &y), &o) in local.iter_mut().zip(a).zip(b).zip(out) {
                    *l = op.local_at(Operands::Values(&[x, y]), o, slot);
                }
            }
        });
        finite &= send(to, up, Val::Col(local), before, grads);
    }
    finite
}

/// An operand over the examples as a column: its own, or `room` filled
/// with a shared node's value.
fn column<'a>(s: Src, vals: &'a [f64], shared: &[f64], room: &'a mut [f64]) -> &'a [f64] {
    match s {
        Src::Col(j) => &vals[j * room.len()..][..room.len()],
        Src::Node(p) => {
            room.fill(shared[p]);
            room
        }
    }
}

/// A local derivative over the examples: a column, or the same at every
/// example.
#[derive(Clone, Copy)]
enum Val<'a> {
    Col(&'a [f64]),
    Same(f64),
}

/// The contributions `up × local` of one operand slot over every example:
/// added to the operand's column in `cols`, or to a shared node's
/// gradient from the last example to the first. Returns whether all were
/// finite.
fn send(to: Src, up: &[f64], local: Val, cols: &mut [f64], grads: &mut [f64]) -> bool {
    let n = up.len();
    let mut finite = true;
    match (to, local) {
        (Src::Col(j), Val::Col(l)) => {
            for ((g, &u), &l) in cols[j * n..][..n].iter_mut().zip(up).zip(l) {
                let contribution = u * l;
                *g += contribution;
                finite &= contribution.is_finite();
            }
        }
        (Src::Col(j), Val::Same(l)) => {
            for (g, &u) in cols[j * n..][..n].iter_mut().zip(up) {
                let contribution = u * l;
                *g += contribution;
                finite &= contribution.is_finite();
            }
        }
        (Src::Node(p), Val::Col(l)) => {
            let mut g = grads[p];
            for (&u, &l) in up.iter().zip(l).rev() {
                let contribution = u * l;
                g += contribution;
                finite &= contribution.is_finite();
            }
            grads[p] = g;
        }
        (Src::Node(p), Val::Same(l)) => {
            let mut g = grads[p];
            for &u in up.iter().rev() {
                let contribution = u * l;
                g += contribution;
                finite &= contribution.is_finite();
            }
            grads[p] = g;
        }
    }
    finite
}
