//! Lanes: the order inside every rank when nodes belong to lanes (the
//! examples of a batch). Each rank keeps a lane's vertices together and the
//! lanes in order, so lane k is one row left to right (one column top to
//! bottom); what the lanes share goes where they meet: a param that feeds
//! lanes 0 to 2 sits between two of them, and two such params between
//! different pairs, so their edges fan out evenly. Inside those bounds the
//! order is crossing-reduced as before (sweeps and transposition that never
//! move a vertex out of its place among the lanes).

use super::*;

/// Rounds of constrained sweeps (each followed by transposition).
const LANE_ROUNDS: usize = 8;

impl Order {
    /// Regroups the order by lane: `lanes` per real node; a dummy takes the
    /// lane of its edge's ends (either one, when the other is shared).
    pub(super) fn group_lanes(&mut self, g: &Layered, routes: &[Route], lanes: &[Option<usize>]) {
        let (mut keys, spans) = lane_keys(g, routes, lanes, self);
        let mut s = Scratch::default();
        self.sort_by_keys(g, &keys, None);
        let mut best = self.clone();
        let mut best_c = self.total_crossings(g, &mut s);
        for round in 0..LANE_ROUNDS {
            if best_c == 0 {
                break;
            }
            let down = round % 2 == 0;
            let bary = self.barycenters(g, down);
            self.sort_by_keys(g, &keys, Some(&bary));
            self.transpose_within(g, &keys, &mut s);
            let c = self.total_crossings(g, &mut s);
            if c < best_c {
                best_c = c;
                best = self.clone();
            }
        }
        *self = best;
        self.transpose_within(g, &keys, &mut s);
        if g.n_vertices() <= RESTART_MAX_VERTICES {
            self.sift_shared(g, &mut keys, &spans, &mut s);
        }
    }

    /// Moves each shared vertex to the meeting place of its lanes (any
    /// gap between two of the lanes it spans) where the crossings on both
    /// sides of its rank are fewest, while that helps; a few passes.
    fn sift_shared(
        &mut self,
        g: &Layered,
        keys: &mut [f64],
        spans: &[Option<(usize, usize)>],
        s: &mut Scratch,
    ) {
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
                for v in self.layers[l].clone() {
                    let Some((lo, hi)) = spans[v].filter(|(lo, hi)| hi > lo) else {
                        continue;
                    };
                    let start = keys[v];
                    let mut best = (local(self, l, s), start);
                    for gap in lo..hi {
                        let key = gap as f64 + 0.5;
                        if key == start {
                            continue;
                        }
                        keys[v] = key;
                        self.sort_rank(l, keys);
                        self.transpose_within(g, keys, s);
                        let c = local(self, l, s);
                        if c < best.0 {
                            best = (c, key);
                        }
                    }
                    keys[v] = best.1;
                    self.sort_rank(l, keys);
                    self.transpose_within(g, keys, s);
                    improved |= best.1 != start;
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Sorts rank `l` by lane key, keeping the current order among equals.
    fn sort_rank(&mut self, l: usize, keys: &[f64]) {
        let layer = &mut self.layers[l];
        let pos = &self.pos;
        layer.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]).then(pos[a].cmp(&pos[b])));
        for (i, &v) in layer.iter().enumerate() {
            self.pos[v] = i;
        }
    }

    /// Each vertex's mean neighbour position on the rank above (`down`) or
    /// below; its own position when it has no neighbour there.
    fn barycenters(&self, g: &Layered, down: bool) -> Vec<f64> {
        (0..g.n_vertices())
            .map(|v| {
                let ends: Vec<usize> = if down {
                    g.ins(v).iter().map(|&e| g.eu[e]).collect()
                } else {
                    g.outs(v).iter().map(|&e| g.ew[e]).collect()
                };
                if ends.is_empty() {
                    self.pos[v] as f64
                } else {
                    ends.iter().map(|&u| self.pos[u] as f64).sum::<f64>() / ends.len() as f64
                }
            })
            .collect()
    }

    /// Sorts every rank by lane key, then by `then` (or the current order).
    fn sort_by_keys(&mut self, g: &Layered, keys: &[f64], then: Option<&[f64]>) {
        for l in 0..g.n_ranks {
            let layer = &mut self.layers[l];
            let pos = &self.pos;
            layer.sort_by(|&a, &b| {
                keys[a].total_cmp(&keys[b]).then_with(|| match then {
                    Some(t) => t[a].total_cmp(&t[b]).then(pos[a].cmp(&pos[b])),
                    None => pos[a].cmp(&pos[b]),
                })
            });
            for (i, &v) in layer.iter().enumerate() {
                self.pos[v] = i;
            }
        }
    }

    /// Adjacent transposition among vertices of the same key: swaps while
    /// the crossings drop, or stay and the operands come back in slot
    /// order. Bounded passes.
    fn transpose_within(&mut self, g: &Layered, keys: &[f64], s: &mut Scratch) {
        for _ in 0..MAX_TRANSPOSE_PASSES {
            let mut improved = false;
            for l in 0..g.n_ranks {
                for i in 1..self.layers[l].len() {
                    let (u, v) = (self.layers[l][i - 1], self.layers[l][i]);
                    if keys[u] != keys[v] {
                        continue;
                    }
                    let (keep, swap) = self.pair_crossings(g, u, v, s);
                    let better = swap < keep || {
                        let (inv_keep, inv_swap) = self.pair_inversions(g, u, v, s);
                        swap == keep && inv_swap < inv_keep
                    };
                    if better {
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

/// Every vertex's place among the lanes: a lane's vertices its number; a
/// shared vertex next to lanes `lo..=hi` a half-way key between two of
/// them, spread with the others of its rank that span the same lanes; a
/// vertex with no lane near it the mean of its neighbours' keys. Also
/// returns the lanes each shared vertex spans.
#[allow(clippy::type_complexity)]
fn lane_keys(
    g: &Layered,
    routes: &[Route],
    lanes: &[Option<usize>],
    order: &Order,
) -> (Vec<f64>, Vec<Option<(usize, usize)>>) {
    let nv = g.n_vertices();
    let mut lane: Vec<Option<usize>> = vec![None; nv];
    lane[..g.n_real].copy_from_slice(&lanes[..g.n_real]);
    for r in routes {
        let l = match (lanes[r.from], lanes[r.to]) {
            (Some(a), Some(b)) if a == b => Some(a),
            (Some(a), None) | (None, Some(a)) => Some(a),
            _ => None,
        };
        for d in r.dummies.clone() {
            lane[d] = l;
        }
    }
    let mut key: Vec<Option<f64>> = lane.iter().map(|l| l.map(|l| l as f64)).collect();
    // Shared vertices next to lanes: the range of those lanes.
    let mut span: Vec<Option<(usize, usize)>> = vec![None; nv];
    for v in 0..nv {
        if lane[v].is_some() {
            continue;
        }
        let near = g
            .ins(v)
            .iter()
            .map(|&e| g.eu[e])
            .chain(g.outs(v).iter().map(|&e| g.ew[e]))
            .filter_map(|u| lane[u]);
        span[v] = near.fold(None, |acc, l| match acc {
            None => Some((l, l)),
            Some((lo, hi)) => Some((lo.min(l), hi.max(l))),
        });
    }
    for layer in &order.layers {
        // Spanning vertices of one rank with the same range, in their
        // current order, spread over the meeting places inside it.
        let mut spanning: Vec<usize> = layer
            .iter()
            .copied()
            .filter(|&v| span[v].is_some())
            .collect();
        spanning.sort_by_key(|&v| (span[v], order.pos[v]));
        for run in spanning.chunk_by(|&a, &b| span[a] == span[b]) {
            let Some((lo, hi)) = span[run[0]] else {
                continue;
            };
            let m = run.len();
            for (j, &v) in run.iter().enumerate() {
                key[v] = Some(if lo == hi {
                    lo as f64
                } else {
                    let t = lo as f64 + (j + 1) as f64 * (hi - lo) as f64 / (m + 1) as f64 - 0.5;
                    t.round().clamp(lo as f64, (hi - 1) as f64) + 0.5
                });
            }
        }
    }
    // The rest from their neighbours, a few sweeps each way.
    for pass in 0..4 {
        let ranks: Vec<usize> = if pass % 2 == 0 {
            (0..g.n_ranks).collect()
        } else {
            (0..g.n_ranks).rev().collect()
        };
        for l in ranks {
            for &v in &order.layers[l] {
                if lane[v].is_some() || span[v].is_some() {
                    continue;
                }
                let near: Vec<f64> = g
                    .ins(v)
                    .iter()
                    .map(|&e| g.eu[e])
                    .chain(g.outs(v).iter().map(|&e| g.ew[e]))
                    .filter_map(|u| key[u])
                    .collect();
                if !near.is_empty() {
                    key[v] = Some(near.iter().sum::<f64>() / near.len() as f64);
                }
            }
        }
    }
    let lanes_n = lanes.iter().flatten().max().map_or(0, |&m| m + 1);
    let middle = lanes_n.saturating_sub(1) as f64 / 2.0;
    (key.into_iter().map(|k| k.unwrap_or(middle)).collect(), span)
}
