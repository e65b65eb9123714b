//! The order inside every rank (phase 3): crossing reduction.

use super::*;
/// Where the depth-first walk of [`Order::initial`] starts and which way it
/// goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Start {
    /// From the outputs back through operands in slot order.
    Sinks,
    /// From the outputs back through operands in reverse slot order.
    SinksReversed,
    /// From the leaves forward through consumers.
    Sources,
}

/// The order of the vertices inside each rank; index 0 is the top.
#[derive(Clone)]
pub(super) struct Order {
    pub(super) layers: Vec<Vec<usize>>,
    pub(super) pos: Vec<usize>,
}

/// Buffers reused across the many small computations of crossing reduction.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) fenwick: Vec<usize>,
    pub(super) keys: Vec<usize>,
    pub(super) vals: Vec<f64>,
    pub(super) a: Vec<usize>,
    pub(super) b: Vec<usize>,
    pub(super) pa: Vec<(usize, usize)>,
    pub(super) pb: Vec<(usize, usize)>,
}

impl Order {
    /// Depth-first from each output (real vertices nobody consumes, by id),
    /// walking back through operands in slot order; each rank lists its
    /// vertices in the order first reached. For a tree that is already free
    /// of crossings with operands in slot order, which is most of what the
    /// explainers draw. The walk uses an explicit stack, so depth is no limit.
    pub(super) fn initial(g: &Layered, start: Start) -> Order {
        let nv = g.n_vertices();
        let mut seen = vec![false; nv];
        let mut layers = vec![Vec::new(); g.n_ranks];
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let from_sources = start == Start::Sources;
        let roots = (0..g.n_real)
            .filter(|&v| {
                if from_sources {
                    g.ins(v).is_empty()
                } else {
                    g.outs(v).is_empty()
                }
            })
            .chain(0..nv);
        for root in roots {
            if seen[root] {
                continue;
            }
            seen[root] = true;
            layers[g.rank[root]].push(root);
            stack.push((root, 0));
            while let Some(top) = stack.last_mut() {
                let (v, i) = *top;
                let next = match start {
                    Start::Sinks => g.ins(v).get(i).map(|&e| g.eu[e]),
                    Start::SinksReversed => g.ins(v).iter().rev().nth(i).map(|&e| g.eu[e]),
                    Start::Sources => g.outs(v).get(i).map(|&e| g.ew[e]),
                };
                if let Some(u) = next {
                    top.1 += 1;
                    if !seen[u] {
                        seen[u] = true;
                        layers[g.rank[u]].push(u);
                        stack.push((u, 0));
                    }
                } else {
                    stack.pop();
                }
            }
        }
        let mut pos = vec![0usize; nv];
        for layer in &layers {
            for (i, &v) in layer.iter().enumerate() {
                pos[v] = i;
            }
        }
        Order { layers, pos }
    }

    /// Crossing reduction: a round is one median sweep (down on even rounds,
    /// up on odd ones) followed by adjacent transposition; the first round
    /// only transposes, to polish the depth-first start before a sweep can
    /// disturb it. The best order by total crossings wins, and a new order
    /// must be strictly better, so a crossing-free start is never changed.
    pub(super) fn reduce_crossings(&mut self, g: &Layered, s: &mut Scratch) -> usize {
        let mut best_c = self.total_crossings(g, s);
        if best_c == 0 {
            return 0;
        }
        let work = g.n_vertices() + g.n_edges();
        let iters = (ORDER_WORK_BUDGET / work.max(1)).clamp(1, MAX_ORDER_ITERS);
        let passes = (ORDER_WORK_BUDGET / work.max(1)).clamp(1, MAX_TRANSPOSE_PASSES);
        let mut best = self.clone();
        let mut stale = 0;
        for round in 0..=iters {
            if round > 0 {
                self.sweep(g, round % 2 == 1, round % 4 >= 2, s);
            }
            self.transpose(g, passes, round % 3 == 2, s);
            let c = self.total_crossings(g, s);
            if c < best_c {
                best_c = c;
                best = self.clone();
                stale = 0;
            } else {
                stale += 1;
            }
            if best_c == 0 || stale >= ORDER_PATIENCE {
                break;
            }
        }
        *self = best;
        best_c
    }

    /// The order with the fewest crossings from a few deterministic starts,
    /// each refined by [`Order::reduce_crossings`]; the first start wins
    /// ties, and it is the one that keeps operands in slot order.
    pub(super) fn best(g: &Layered) -> Order {
        let mut s = Scratch::default();
        let mut best = Order::initial(g, Start::Sinks);
        let mut best_c = best.reduce_crossings(g, &mut s);
        for start in [Start::SinksReversed, Start::Sources] {
            if best_c == 0 {
                break;
            }
            let mut o = Order::initial(g, start);
            let c = o.reduce_crossings(g, &mut s);
            if c < best_c {
                best = o;
                best_c = c;
            }
        }
        if best_c > 0 && g.n_vertices() <= RESTART_MAX_VERTICES {
            best.sift(g, &mut s);
        }
        best.prefer_operand_order(g);
        best
    }

    /// Sifting: takes each vertex out of its rank and puts it back at the
    /// position where the crossings on both sides of the rank are fewest,
    /// repeating while that helps. It finds moves that adjacent
    /// transposition cannot (a vertex that must jump over several others).
    /// Quadratic in the rank size, so only used on small graphs.
    pub(super) fn sift(&mut self, g: &Layered, s: &mut Scratch) {
        let local = |o: &Order, l: usize, s: &mut Scratch| {
            let above = if l > 0 {
                o.crossings_below(g, l - 1, s)
            } else {
                0
            };
            let below = if l + 1 < g.n_ranks {
                o.crossings_below(g, l, s)
            } else {
                0
            };
            above + below
        };
        for _ in 0..MAX_TRANSPOSE_PASSES {
            let mut improved = false;
            for l in 0..g.n_ranks {
                let len = self.layers[l].len();
                for v in self.layers[l].clone() {
                    let mut best_c = local(self, l, s);
                    let mut at = self.pos[v];
                    let start = at;
                    let mut cur = at;
                    for target in 0..len {
                        self.move_to(l, cur, target);
                        cur = target;
                        let c = local(self, l, s);
                        if c < best_c {
                            best_c = c;
                            at = target;
                        }
                    }
                    self.move_to(l, cur, at);
                    improved |= at != start;
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Moves the vertex at index `from` of rank `l` to index `to`, shifting
    /// the ones between.
    pub(super) fn move_to(&mut self, l: usize, from: usize, to: usize) {
        let layer = &mut self.layers[l];
        if from < to {
            layer[from..=to].rotate_left(1);
        } else if to < from {
            layer[to..=from].rotate_right(1);
        }
        let lo = from.min(to);
        for (i, &v) in layer
            .iter()
            .enumerate()
            .skip(lo)
            .take(from.max(to) - lo + 1)
        {
            self.pos[v] = i;
        }
    }

    /// Crossings in the whole layered graph, counted with ports: an edge
    /// ends at (child position, port), so operands out of slot order cross.
    pub(super) fn total_crossings(&self, g: &Layered, s: &mut Scratch) -> usize {
        (0..g.n_ranks.saturating_sub(1))
            .map(|l| self.crossings_below(g, l, s))
            .sum()
    }

    /// Crossings between rank `l` and rank `l + 1`: inversions among the
    /// edge ends, counted with a Fenwick tree in O(E log E). Edges into the
    /// same vertex never cross, because its ports follow the order of the
    /// vertices they come from (see [`assign_ports`]).
    pub(super) fn crossings_below(&self, g: &Layered, l: usize, s: &mut Scratch) -> usize {
        let size = self.layers[l + 1].len();
        s.fenwick.clear();
        s.fenwick.resize(size + 1, 0);
        let mut crossings = 0;
        let mut inserted = 0;
        for &u in &self.layers[l] {
            s.keys.clear();
            for &e in g.outs(u) {
                s.keys.push(self.pos[g.ew[e]]);
            }
            // Edges leaving the same vertex never cross each other, so all
            // of them are counted against earlier vertices before inserting.
            for &k in &s.keys {
                let mut at_most = 0;
                let mut i = k + 1;
                while i > 0 {
                    at_most += s.fenwick[i];
                    i &= i - 1;
                }
                crossings += inserted - at_most;
            }
            for &k in &s.keys {
                let mut i = k + 1;
                while i <= size {
                    s.fenwick[i] += 1;
                    i += i & i.wrapping_neg();
                }
            }
            inserted += s.keys.len();
        }
        crossings
    }

    /// Reorders every rank by the median position of its neighbours in the
    /// rank just visited (above when going `down`, i.e. rightwards in the
    /// drawing). Ties keep the current order; a vertex with no neighbour
    /// there keeps its place.
    pub(super) fn sweep(&mut self, g: &Layered, down: bool, barycenter: bool, s: &mut Scratch) {
        let n_ranks = g.n_ranks;
        if n_ranks < 2 {
            return;
        }
        let ranks: Vec<usize> = if down {
            (1..n_ranks).collect()
        } else {
            (0..n_ranks - 1).rev().collect()
        };
        let mut movable: Vec<(f64, usize, usize)> = Vec::new();
        for l in ranks {
            movable.clear();
            let layer = &self.layers[l];
            let mut fixed = vec![false; layer.len()];
            for (i, &v) in layer.iter().enumerate() {
                s.vals.clear();
                if down {
                    for &e in g.ins(v) {
                        s.vals.push(self.pos[g.eu[e]] as f64);
                    }
                } else {
                    for &e in g.outs(v) {
                        let w = g.ew[e];
                        let frac = (g.eslot[e] + 1) as f64 / (g.nports[w] + 1) as f64;
                        s.vals.push(self.pos[w] as f64 + frac);
                    }
                }
                if s.vals.is_empty() {
                    fixed[i] = true;
                    continue;
                }
                s.vals.sort_by(f64::total_cmp);
                let m = s.vals.len();
                let median = if barycenter {
                    s.vals.iter().sum::<f64>() / m as f64
                } else if m % 2 == 1 {
                    s.vals[m / 2]
                } else {
                    (s.vals[m / 2 - 1] + s.vals[m / 2]) / 2.0
                };
                movable.push((median, i, v));
            }
            movable.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut next = movable.iter();
            let mut new_layer = Vec::with_capacity(layer.len());
            for (i, &v) in layer.iter().enumerate() {
                if fixed[i] {
                    new_layer.push(v);
                } else if let Some(&(_, _, m)) = next.next() {
                    new_layer.push(m);
                }
            }
            for (i, &v) in new_layer.iter().enumerate() {
                self.pos[v] = i;
            }
            self.layers[l] = new_layer;
        }
    }

    /// Swaps adjacent vertices while that strictly lowers the crossings on
    /// both sides of their rank, for at most `passes` passes.
    pub(super) fn transpose(
        &mut self,
        g: &Layered,
        passes: usize,
        sideways: bool,
        s: &mut Scratch,
    ) {
        for pass in 0..passes {
            let mut improved = false;
            for l in 0..g.n_ranks {
                for i in 1..self.layers[l].len() {
                    let (u, v) = (self.layers[l][i - 1], self.layers[l][i]);
                    let (keep, swap) = self.pair_crossings(g, u, v, s);
                    // A sideways move (equal cost) on the first pass of some
                    // rounds lets the search leave a plateau; it does not
                    // count as progress, so the loop still ends.
                    let sideways_ok = sideways && pass == 0 && keep > 0 && swap == keep;
                    if swap < keep || sideways_ok {
                        self.layers[l].swap(i - 1, i);
                        self.pos[u] = i;
                        self.pos[v] = i - 1;
                        improved |= swap < keep;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Crossings among the edges of `u` and `v` with `u` above `v`, and with
    /// `v` above `u`.
    pub(super) fn pair_crossings(
        &self,
        g: &Layered,
        u: usize,
        v: usize,
        s: &mut Scratch,
    ) -> (usize, usize) {
        s.a.clear();
        s.a.extend(g.ins(u).iter().map(|&e| self.pos[g.eu[e]]));
        s.a.sort_unstable();
        s.b.clear();
        s.b.extend(g.ins(v).iter().map(|&e| self.pos[g.eu[e]]));
        s.b.sort_unstable();
        let (k1, s1) = count_inversions(&s.a, &s.b);
        s.a.clear();
        s.a.extend(g.outs(u).iter().map(|&e| self.pos[g.ew[e]]));
        s.a.sort_unstable();
        s.b.clear();
        s.b.extend(g.outs(v).iter().map(|&e| self.pos[g.ew[e]]));
        s.b.sort_unstable();
        let (k2, s2) = count_inversions(&s.a, &s.b);
        (k1 + k2, s1 + s2)
    }

    /// Operands out of slot order among the edges of `u` and `v` into a
    /// common child, with `u` above `v` and the other way round.
    pub(super) fn pair_inversions(
        &self,
        g: &Layered,
        u: usize,
        v: usize,
        s: &mut Scratch,
    ) -> (usize, usize) {
        s.pa.clear();
        s.pa.extend(g.outs(u).iter().map(|&e| (self.pos[g.ew[e]], g.eslot[e])));
        s.pa.sort_unstable();
        s.pb.clear();
        s.pb.extend(g.outs(v).iter().map(|&e| (self.pos[g.ew[e]], g.eslot[e])));
        s.pb.sort_unstable();
        let (mut keep, mut swap) = (0, 0);
        let (mut i, mut j) = (0, 0);
        while i < s.pa.len() && j < s.pb.len() {
            let (wa, wb) = (s.pa[i].0, s.pb[j].0);
            if wa < wb {
                i += 1;
            } else if wb < wa {
                j += 1;
            } else {
                let ie = i + s.pa[i..].iter().take_while(|p| p.0 == wa).count();
                let je = j + s.pb[j..].iter().take_while(|p| p.0 == wa).count();
                let (gt, lt) = count_inversions(&s.pa[i..ie], &s.pb[j..je]);
                keep += gt;
                swap += lt;
                i = ie;
                j = je;
            }
        }
        (keep, swap)
    }

    /// Puts operands back in slot order wherever that costs no crossing:
    /// swaps adjacent vertices when the crossings stay the same and the
    /// operand inversions drop. Each swap lowers the inversions, so this
    /// ends; the passes are bounded all the same.
    pub(super) fn prefer_operand_order(&mut self, g: &Layered) {
        let mut s = Scratch::default();
        for _ in 0..MAX_TRANSPOSE_PASSES {
            let mut improved = false;
            for l in 0..g.n_ranks {
                for i in 1..self.layers[l].len() {
                    let (u, v) = (self.layers[l][i - 1], self.layers[l][i]);
                    let (inv_keep, inv_swap) = self.pair_inversions(g, u, v, &mut s);
                    if inv_swap >= inv_keep {
                        continue;
                    }
                    let (keep, swap) = self.pair_crossings(g, u, v, &mut s);
                    if swap <= keep {
                        self.layers[l].swap(i - 1, i);
                        self.pos[u] = i;
                        self.pos[v] = i - 1;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
}

/// For sorted `a` and `b`: the number of pairs with `a > b` (crossings when
/// a's owner is above b's) and with `a < b` (crossings the other way round).
/// Equal ends are a shared vertex or port and never cross.
pub(super) fn count_inversions<T: Ord>(a: &[T], b: &[T]) -> (usize, usize) {
    let (mut below, mut at_most) = (0, 0);
    let (mut gt, mut lt) = (0, 0);
    for x in a {
        while below < b.len() && b[below] < *x {
            below += 1;
        }
        while at_most < b.len() && b[at_most] <= *x {
            at_most += 1;
        }
        gt += below;
        lt += b.len() - at_most;
    }
    (gt, lt)
}
