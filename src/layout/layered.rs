//! The layered graph (phase 2): long edges cut into chains of dummy
//! vertices so every edge joins adjacent ranks, and the ports where
//! edges enter their node.

use super::*;
/// Half the distance between the outer ports of a node with `k` inputs and
/// height `h`: ports spread over the box, or a little wider on a tiny box.
pub(super) fn port_span(h: f64, k: usize) -> f64 {
    if k >= 2 {
        h.max((k + 1) as f64 * MIN_PORT_SPACING)
    } else {
        h
    }
}

/// Vertical offset from a child's center of the end of its `i`-th of `k`
/// input edges: evenly spread, slot 0 at the top, one input in the middle.
pub(super) fn port_offset(h: f64, k: usize, i: usize) -> f64 {
    port_span(h, k) * ((i + 1) as f64 / (k + 1) as f64 - 0.5)
}

/// Where an input edge is drawn: its ends and the dummies it passes through.
pub(super) struct Route {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) slot: usize,
    pub(super) dummies: std::ops::Range<usize>,
    /// The layered-graph edge that enters the child, if the edge is in the
    /// layered graph at all (see [`MAX_DUMMIES`]).
    pub(super) last: Option<usize>,
}

/// The layered graph: real nodes `0..n_real`, then dummies; every edge joins
/// adjacent ranks (except long edges in the over-budget fallback, which are
/// left out of it). Adjacency is stored compressed (CSR) to keep a
/// million-node chain cheap.
pub(super) struct Layered {
    pub(super) n_real: usize,
    pub(super) n_ranks: usize,
    pub(super) rank: Vec<usize>,
    /// Half the vertical room a vertex needs: half its box, or half its port
    /// spread if wider; 0 for a dummy.
    pub(super) ext: Vec<f64>,
    /// Number of inputs: a real node's valid operand count, 1 for a dummy.
    pub(super) nports: Vec<usize>,
    pub(super) eu: Vec<usize>,
    pub(super) ew: Vec<usize>,
    /// Rank of the edge's operand slot among the valid operands of `ew`
    /// (0 for an edge into a dummy): the order the reader expects.
    pub(super) eslot: Vec<usize>,
    /// Vertical offset of the edge's end from the center of `ew`, set once
    /// the order is known (see [`assign_ports`]).
    pub(super) eoff: Vec<f64>,
    /// How much straightening this edge is worth.
    pub(super) ewt: Vec<f64>,
    pub(super) out_start: Vec<usize>,
    pub(super) out_list: Vec<usize>,
    pub(super) in_start: Vec<usize>,
    pub(super) in_list: Vec<usize>,
}

impl Layered {
    pub(super) fn build(
        ranks: &[usize],
        heights: &[f64],
        edges: &[SrcEdge],
    ) -> (Layered, Vec<Route>) {
        let n = ranks.len();
        let mut k = vec![0usize; n];
        for e in edges {
            k[e.to] += 1;
        }
        let long: usize = edges
            .iter()
            .map(|e| ranks[e.to] - ranks[e.from] - 1)
            .fold(0usize, |a, b| a.saturating_add(b));
        let use_dummies = long <= MAX_DUMMIES;

        let mut rank = ranks.to_vec();
        let mut ext: Vec<f64> = (0..n).map(|v| port_span(heights[v], k[v]) / 2.0).collect();
        let mut nports = k.clone();
        let cap = edges.len() + if use_dummies { long } else { 0 };
        let (mut eu, mut ew, mut eslot) = (
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
            Vec::with_capacity(cap),
        );
        let (mut eoff, mut ewt) = (Vec::with_capacity(cap), Vec::with_capacity(cap));
        let mut routes = Vec::with_capacity(edges.len());
        let mut next_port = vec![0usize; n];
        for e in edges {
            let port = next_port[e.to];
            next_port[e.to] += 1;
            let start = rank.len();
            let span = ranks[e.to] - ranks[e.from];
            if span == 1 || use_dummies {
                // Dot's weights: straight long edges matter most.
                let mut prev = e.from;
                for r in ranks[e.from] + 1..ranks[e.to] {
                    let d = rank.len();
                    rank.push(r);
                    ext.push(0.0);
                    nports.push(1);
                    eu.push(prev);
                    ew.push(d);
                    eslot.push(0);
                    eoff.push(0.0);
                    ewt.push(if prev < n { 2.0 } else { 8.0 });
                    prev = d;
                }
                eu.push(prev);
                ew.push(e.to);
                eslot.push(port);
                eoff.push(0.0);
                ewt.push(if prev < n { 1.0 } else { 2.0 });
            }
            let last = (span == 1 || use_dummies).then(|| eu.len() - 1);
            routes.push(Route {
                from: e.from,
                to: e.to,
                slot: e.slot,
                dummies: start..rank.len(),
                last,
            });
        }
        let nv = rank.len();
        let (out_start, out_list) = csr(nv, &eu);
        let (in_start, in_list) = csr(nv, &ew);
        let n_ranks = ranks.iter().copied().max().map_or(0, |r| r + 1);
        (
            Layered {
                n_real: n,
                n_ranks,
                rank,
                ext,
                nports,
                eu,
                ew,
                eslot,
                eoff,
                ewt,
                out_start,
                out_list,
                in_start,
                in_list,
            },
            routes,
        )
    }

    pub(super) fn n_vertices(&self) -> usize {
        self.rank.len()
    }

    pub(super) fn n_edges(&self) -> usize {
        self.eu.len()
    }

    /// Edges leaving `v` to the next rank.
    pub(super) fn outs(&self, v: usize) -> &[usize] {
        &self.out_list[self.out_start[v]..self.out_start[v + 1]]
    }

    /// Edges entering `v` from the previous rank, in port order.
    pub(super) fn ins(&self, v: usize) -> &[usize] {
        &self.in_list[self.in_start[v]..self.in_start[v + 1]]
    }
}

/// Groups item indices by `keys[item]` (a stable counting sort), so the
/// items of each key keep their original order.
pub(super) fn csr(n: usize, keys: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut start = vec![0usize; n + 1];
    for &k in keys {
        start[k + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut list = vec![0usize; keys.len()];
    for (i, &k) in keys.iter().enumerate() {
        list[fill[k]] = i;
        fill[k] += 1;
    }
    (start, list)
}

/// Gives each child's inputs their ports, top to bottom in the order of the
/// vertices they come from (by slot for `x * x`, whose two edges share one),
/// so that edges into one node never cross. Returns each route's offset.
pub(super) fn assign_ports(
    g: &mut Layered,
    order: &Order,
    routes: &[Route],
    heights: &[f64],
) -> Vec<f64> {
    let mut offs = vec![0.0; routes.len()];
    let mut keyed: Vec<((usize, usize, usize), usize)> = Vec::new();
    let mut start = 0;
    while start < routes.len() {
        let c = routes[start].to;
        let end = start + routes[start..].iter().take_while(|r| r.to == c).count();
        keyed.clear();
        for (i, r) in routes[start..end].iter().enumerate() {
            // Edges left out of the layered graph go below, in slot order.
            let key = match r.last {
                Some(e) => (0, order.pos[g.eu[e]], r.slot),
                None => (1, 0, r.slot),
            };
            keyed.push((key, start + i));
        }
        keyed.sort_unstable();
        let k = end - start;
        for (port, &(_, ri)) in keyed.iter().enumerate() {
            let off = port_offset(heights[c], k, port);
            offs[ri] = off;
            if let Some(e) = routes[ri].last {
                g.eoff[e] = off;
            }
        }
        start = end;
    }
    offs
}
