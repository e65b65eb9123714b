//! Ranks: which column every node goes in (phase 1), tried early and
//! late.

use super::*;
/// Ranks the nodes and orders every rank. Two rankings are tried when the
/// first one leaves crossings: nodes as early as their parents allow (with
/// leaves and cheap side chains pulled right, [`assign_ranks`]) and nodes
/// as late as their consumers allow ([`assign_ranks_late`]). The one with
/// fewer crossings wins, then the one with shorter edges, then the first.
/// With `lanes`, only the first: every lane's nodes start as early as they
/// can, so that the lanes' matching nodes (each example's loss) share a
/// rank and the lanes read as parallel rows.
/// With `wrap` (a row's widest, and the gap between two vertices of a
/// row), each ranking's wide rows of leaves are wrapped ([`wrap_rows`]).
pub(super) fn ranked_and_ordered(
    n: usize,
    edges: &[SrcEdge],
    heights: &[f64],
    lanes: bool,
    wrap: Option<(f64, f64)>,
) -> (Vec<usize>, Layered, Vec<Route>, Order) {
    let wrapped = |mut ranks: Vec<usize>| {
        if let Some((limit, gap)) = wrap {
            wrap_rows(&mut ranks, edges, heights, limit, gap);
        }
        ranks
    };
    let ranks = wrapped(assign_ranks(n, edges));
    let (g, routes) = Layered::build(&ranks, heights, edges);
    let order = Order::best(&g);
    let mut s = Scratch::default();
    let c = order.total_crossings(&g, &mut s);
    if c == 0 || lanes || g.n_vertices() > RESTART_MAX_VERTICES {
        return (ranks, g, routes, order);
    }
    let late = wrapped(assign_ranks_late(n, edges));
    if late == ranks {
        return (ranks, g, routes, order);
    }
    let (g2, routes2) = Layered::build(&late, heights, edges);
    let order2 = Order::best(&g2);
    let c2 = order2.total_crossings(&g2, &mut s);
    if (c2, g2.n_vertices()) < (c, g.n_vertices()) {
        (late, g2, routes2, order2)
    } else {
        (ranks, g, routes, order)
    }
}

/// Ranks as late as possible: the outputs (nodes nobody consumes) share
/// the last rank of the longest path, and every other node sits just
/// before its earliest consumer. Side chains that only feed the end of the
/// graph then start next to where they are used.
pub(super) fn assign_ranks_late(n: usize, edges: &[SrcEdge]) -> Vec<usize> {
    let early = assign_ranks(n, edges);
    let last = early.iter().copied().max().unwrap_or(0);
    let mut rank = vec![last; n];
    let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in edges {
        consumers[e.from].push(e.to);
    }
    let mut has_parent = vec![false; n];
    for e in edges {
        has_parent[e.to] = true;
    }
    for v in (0..n).rev() {
        match consumers[v].iter().map(|&c| rank[c]).min() {
            Some(first) => rank[v] = first.saturating_sub(1),
            // A lone leaf stays at the left, as in the other ranking.
            None if !has_parent[v] => rank[v] = 0,
            None => {}
        }
    }
    let lowest = rank.iter().copied().min().unwrap_or(0);
    for r in &mut rank {
        *r -= lowest;
    }
    rank
}

/// Wraps wide rows of leaves, for a drawing top to bottom on a narrow
/// screen: while a rank's nodes, and the edges passing through it (a
/// dummy each, `gap` apart), are wider than `limit` and it holds at least
/// two leaves, the first half of its leaves (by id: the order the author
/// declared them) moves onto a new rank just above it, every later rank
/// one further down. The new row is checked in turn, then the rest. A row
/// of ops is never split (its nodes' ranks follow from their parents).
/// `wide`: each node's extent across the ranks.
///
/// Each pass scans the graph, so a graph of more than [`WRAP_MAX_NODES`]
/// is left as is (the budgets' 20,000-node chain took seconds more; a
/// graph that big is shown on a phone through views of its steps anyway).
pub(super) fn wrap_rows(
    ranks: &mut [usize],
    edges: &[SrcEdge],
    wide: &[f64],
    limit: f64,
    gap: f64,
) {
    let n = ranks.len();
    if n > WRAP_MAX_NODES {
        return;
    }
    let mut leaf = vec![true; n];
    for e in edges {
        leaf[e.to] = false;
    }
    let mut r = 0;
    // A bound, not the expected count: every row is checked once, and a
    // move halves a row's leaves, so far fewer passes are ever needed.
    for _ in 0..4 * n + 4 {
        let n_ranks = ranks.iter().max().map_or(0, |m| m + 1);
        if r >= n_ranks {
            break;
        }
        let row: Vec<usize> = (0..n).filter(|&v| ranks[v] == r).collect();
        let through = (edges.iter())
            .filter(|e| ranks[e.from] < r && ranks[e.to] > r)
            .count();
        let width = row.iter().map(|&v| wide[v]).sum::<f64>()
            + gap * (row.len() + through).saturating_sub(1) as f64;
        let leaves: Vec<usize> = row.iter().copied().filter(|&v| leaf[v]).collect();
        if width <= limit || leaves.len() < 2 {
            r += 1;
            continue;
        }
        for rank in ranks.iter_mut() {
            if *rank >= r {
                *rank += 1;
            }
        }
        for &v in &leaves[..leaves.len() / 2] {
            ranks[v] = r;
        }
    }
}

/// The largest graph whose wide rows [`wrap_rows`] wraps.
const WRAP_MAX_NODES: usize = 2_000;

/// An operand edge of the input that refers to an earlier node.
#[derive(Clone, Copy, Debug)]
pub(super) struct SrcEdge {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) slot: usize,
}

/// The edges worth drawing, sorted by child id then slot. A parent id that is
/// not smaller than the child's id is dropped: it is either out of range or
/// breaks the topological numbering the ranks rely on.
pub(super) fn valid_edges(nodes: &[LayoutNode]) -> Vec<SrcEdge> {
    let mut out = Vec::new();
    for (to, node) in nodes.iter().enumerate() {
        for (slot, &from) in node.parents.iter().enumerate() {
            if from < to {
                out.push(SrcEdge { from, to, slot });
            }
        }
    }
    out
}

/// Ranks: an op (a node with parents) goes one rank right of its rightmost
/// parent, counting leaves as rank 0. Then, from the outputs back, a node
/// moves right to sit just before its earliest consumer when that does not
/// lengthen the edges in total (it has at least as many out-edges as
/// in-edges): every leaf, and side chains such as `1 - y` that only need
/// `y`, end up next to where they are used instead of dragging long edges
/// across the drawing. This is the cheap half of what network-simplex
/// ranking (Graphviz dot) achieves. A node that nobody consumes keeps its
/// rank. The minimum rank is 0.
pub(super) fn assign_ranks(n: usize, edges: &[SrcEdge]) -> Vec<usize> {
    let mut rank = vec![0usize; n];
    let mut indeg = vec![0usize; n];
    let mut outdeg = vec![0usize; n];
    for e in edges {
        indeg[e.to] += 1;
        outdeg[e.from] += 1;
    }
    // `edges` is sorted by child, and every parent id is smaller than its
    // child's, so a parent's rank is final before any of its edges is read.
    for e in edges {
        rank[e.to] = rank[e.to].max(rank[e.from] + 1);
    }
    // Earliest consumer's rank, for every node, from the outputs back: ids
    // are topological, so every consumer of `v` is final when `v` is read.
    let mut by_parent: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in edges {
        by_parent[e.from].push(e.to);
    }
    for v in (0..n).rev() {
        if outdeg[v] == 0 || outdeg[v] < indeg[v] {
            continue;
        }
        let first_use = by_parent[v].iter().map(|&c| rank[c]).min().unwrap_or(0);
        // Consumers are ops, whose rank is at least 1.
        if first_use > rank[v] + 1 {
            rank[v] = first_use - 1;
        }
    }
    let lowest = rank.iter().copied().min().unwrap_or(0);
    for r in &mut rank {
        *r -= lowest;
    }
    rank
}
