//! Layered left-to-right layout of a computation graph.
//!
//! This is a Sugiyama-style layout written here rather than taken from a
//! crate. The job is small enough to own, and what it must know is specific
//! to autograd graphs: leaves sit next to the op that consumes them, an op's
//! operands keep their order (slot 0 above slot 1) through per-slot *ports*,
//! `x * x` is two edges, and the output must be byte-for-byte the same on
//! every run. The general-purpose graph layout crates promise none of that.
//!
//! The phases, each a function below:
//!
//! 1. [`assign_ranks`]: longest-path ranks for ops, then every leaf is
//!    pulled right to just before its first consumer.
//! 2. [`Graph::build`]: an edge spanning more than one rank becomes a chain
//!    through one dummy vertex per skipped rank, so that every edge of the
//!    layered graph joins adjacent ranks.
//! 3. [`Order`]: the order inside each rank. A depth-first walk back from the
//!    outputs (operands in slot order) gives a crossing-free start for any
//!    tree; median/barycenter sweeps and adjacent transposition then repair
//!    what sharing costs, keeping the best order seen.
//! 4. [`assign_y`]: vertical positions. Every rank is packed inside a band
//!    as tall as the fullest rank, so the drawing is as short as the order
//!    allows; inside it, vertices are pulled towards their neighbours to
//!    straighten edges, solved exactly per rank by pool-adjacent-violators.
//! 5. Columns, one per rank, as wide as the widest node in it, and edge
//!    polylines through the dummies.
//!
//! Nothing here recurses, no hash map is iterated, every sort is stable or
//! totally ordered, and ties are broken by position or id, so the same input
//! always gives the same floats. All work is bounded: a fixed number of
//! sweeps, transposition only while it improves, and budgets that shrink the
//! number of sweeps for very large graphs.

/// One node to lay out. `parents` are operand ids in slot order; a parent id
/// that is out of range or not smaller than the node's own id cannot come
/// from a topologically numbered graph, so that edge is ignored (the other
/// operands keep their slot numbers).
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutNode {
    pub parents: Vec<usize>,
    pub width: f64,
    pub height: f64,
}

/// Spacing, in the same units as node sizes. Negative or non-finite values
/// are treated as 0, as are negative or non-finite node sizes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutOptions {
    /// Horizontal gap between two rank columns (room for the edges).
    pub rank_gap: f64,
    /// Minimum vertical gap between two node boxes in the same rank.
    pub node_gap: f64,
    /// Empty border around the drawing.
    pub margin: f64,
}

impl Default for LayoutOptions {
    /// Values that suit node boxes of roughly 40×28 with 12–14 px labels.
    fn default() -> Self {
        LayoutOptions {
            rank_gap: 56.0,
            node_gap: 22.0,
            margin: 16.0,
        }
    }
}

/// A point in the drawing; y grows downwards as in SVG.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// The drawn path of one operand edge: from the middle of the parent's right
/// side to the child's left side at the port of `slot`, through the dummy
/// positions of the ranks it crosses.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRoute {
    pub from: usize,
    pub to: usize,
    /// Operand index in the child's `parents`.
    pub slot: usize,
    pub points: Vec<Point>,
}

/// The result: one center and rank per node, the edges (sorted by child id,
/// then slot), and the size of the drawing including margins.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub centers: Vec<Point>,
    pub ranks: Vec<usize>,
    pub edges: Vec<EdgeRoute>,
    pub width: f64,
    pub height: f64,
}

/// Ports of a node closer than this are spread out anyway, so that the edges
/// of `x * x` stay distinct even on a zero-height box.
const MIN_PORT_SPACING: f64 = 1.0;
/// Most sweep rounds in crossing reduction (Graphviz dot uses the same).
const MAX_ORDER_ITERS: usize = 24;
/// Stop crossing reduction after this many rounds without improvement.
const ORDER_PATIENCE: usize = 4;
/// Most passes of adjacent transposition per round.
const MAX_TRANSPOSE_PASSES: usize = 8;
/// Vertex-plus-edge visits allowed for crossing reduction; large graphs get
/// fewer rounds so that time stays roughly linear in size.
const ORDER_WORK_BUDGET: usize = 8_000_000;
/// Above this many dummy vertices (a pathological graph with very many long
/// edges), long edges are drawn straight instead, so memory stays bounded.
const MAX_DUMMIES: usize = 2_000_000;
/// Graphs up to this many vertices (dummies included) get extra searches:
/// sifting and [`RESTARTS`] restarts from shuffled orders. The explainers'
/// graphs are a few dozen vertices, where a better order is worth the
/// milliseconds.
const RESTART_MAX_VERTICES: usize = 300;
/// Extra shuffled starts tried on small graphs.
const RESTARTS: usize = 24;
/// Rounds of down-then-up coordinate refinement.
const COORD_PASSES: usize = 8;
/// Pull of a vertex towards where it already is, when it has no neighbour on
/// the side being looked at; small, so that it only decides otherwise free
/// positions.
const STAY_WEIGHT: f64 = 1e-3;

/// Lays out `nodes` (numbered in topological order) left to right.
pub fn layout(nodes: &[LayoutNode], opts: &LayoutOptions) -> Layout {
    let rank_gap = clean(opts.rank_gap);
    let node_gap = clean(opts.node_gap);
    let margin = clean(opts.margin);
    let n = nodes.len();
    if n == 0 {
        return Layout {
            centers: Vec::new(),
            ranks: Vec::new(),
            edges: Vec::new(),
            width: 2.0 * margin,
            height: 2.0 * margin,
        };
    }
    let widths: Vec<f64> = nodes.iter().map(|v| clean(v.width)).collect();
    let heights: Vec<f64> = nodes.iter().map(|v| clean(v.height)).collect();
    let edges = valid_edges(nodes);
    let (ranks, mut g, routes, order) = ranked_and_ordered(n, &edges, &heights);
    let port_off = assign_ports(&mut g, &order, &routes, &heights);
    let (ys, band) = assign_y(&g, &order, node_gap);

    // Shift so the topmost extent sits on the margin.
    let top = ys
        .iter()
        .zip(&g.ext)
        .map(|(y, e)| y - e)
        .fold(f64::INFINITY, f64::min);
    let top = if top.is_finite() { top } else { 0.0 };
    let y_of = |v: usize| ys[v] - top + margin;

    // Columns: one per rank, as wide as its widest node.
    let mut col_w = vec![0.0f64; g.n_ranks];
    for v in 0..n {
        col_w[ranks[v]] = col_w[ranks[v]].max(widths[v]);
    }
    let mut col_left = vec![0.0f64; g.n_ranks];
    let mut x = margin;
    for r in 0..g.n_ranks {
        col_left[r] = x;
        x += col_w[r] + rank_gap;
    }
    let width = col_left[g.n_ranks - 1] + col_w[g.n_ranks - 1] + margin;
    let height = band + 2.0 * margin;

    let centers: Vec<Point> = (0..n)
        .map(|v| Point {
            x: col_left[ranks[v]] + col_w[ranks[v]] / 2.0,
            y: y_of(v),
        })
        .collect();

    let edges = routes
        .iter()
        .zip(&port_off)
        .map(|(route, &off)| {
            let (p, c) = (route.from, route.to);
            let mut pts = Vec::with_capacity(4 + 2 * route.dummies.len());
            let py = centers[p].y;
            let rp = ranks[p];
            // The min/max only absorb rounding: a box never leaves its column.
            pts.push(Point {
                x: (centers[p].x + widths[p] / 2.0).min(col_left[rp] + col_w[rp]),
                y: py,
            });
            pts.push(Point {
                x: col_left[rp] + col_w[rp],
                y: py,
            });
            for d in route.dummies.clone() {
                let r = g.rank[d];
                let y = y_of(d);
                pts.push(Point { x: col_left[r], y });
                pts.push(Point {
                    x: col_left[r] + col_w[r],
                    y,
                });
            }
            let cy = centers[c].y + off;
            pts.push(Point {
                x: col_left[ranks[c]],
                y: cy,
            });
            pts.push(Point {
                x: (centers[c].x - widths[c] / 2.0).max(col_left[ranks[c]]),
                y: cy,
            });
            pts.dedup();
            EdgeRoute {
                from: p,
                to: c,
                slot: route.slot,
                points: pts,
            }
        })
        .collect();

    Layout {
        centers,
        ranks,
        edges,
        width,
        height,
    }
}

/// Ranks the nodes and orders every rank. Two rankings are tried when the
/// first one leaves crossings: nodes as early as their parents allow (with
/// leaves and cheap side chains pulled right, [`assign_ranks`]) and nodes
/// as late as their consumers allow ([`assign_ranks_late`]). The one with
/// fewer crossings wins, then the one with shorter edges, then the first.
fn ranked_and_ordered(
    n: usize,
    edges: &[SrcEdge],
    heights: &[f64],
) -> (Vec<usize>, Graph, Vec<Route>, Order) {
    let ranks = assign_ranks(n, edges);
    let (g, routes) = Graph::build(&ranks, heights, edges);
    let order = Order::best(&g);
    let mut s = Scratch::default();
    let c = order.total_crossings(&g, &mut s);
    if c == 0 || g.n_vertices() > RESTART_MAX_VERTICES {
        return (ranks, g, routes, order);
    }
    let late = assign_ranks_late(n, edges);
    if late == ranks {
        return (ranks, g, routes, order);
    }
    let (g2, routes2) = Graph::build(&late, heights, edges);
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
fn assign_ranks_late(n: usize, edges: &[SrcEdge]) -> Vec<usize> {
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

/// Counts proper crossings between segments of different edges: two
/// segments that cut through each other's interiors. Touching at a shared
/// endpoint (edges leaving the same parent) and overlapping collinear
/// segments do not count, as a reader sees neither as a crossing.
pub fn count_crossings(layout: &Layout) -> usize {
    struct Seg {
        edge: usize,
        a: Point,
        b: Point,
        min_x: f64,
        max_x: f64,
    }
    let mut segs = Vec::new();
    for (i, e) in layout.edges.iter().enumerate() {
        for w in e.points.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a == b || !(a.x.is_finite() && a.y.is_finite() && b.x.is_finite() && b.y.is_finite())
            {
                continue;
            }
            segs.push(Seg {
                edge: i,
                a,
                b,
                min_x: a.x.min(b.x),
                max_x: a.x.max(b.x),
            });
        }
    }
    // Sweep in x: only segments whose x ranges overlap can cross, and in a
    // layered drawing those are the few in the same column or gap.
    segs.sort_by(|s, t| s.min_x.total_cmp(&t.min_x));
    let mut count = 0;
    for i in 0..segs.len() {
        let s = &segs[i];
        for t in &segs[i + 1..] {
            if t.min_x > s.max_x {
                break;
            }
            if t.edge != s.edge && properly_cross(s.a, s.b, t.a, t.b) {
                count += 1;
            }
        }
    }
    count
}

fn orient(a: Point, b: Point, c: Point) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

fn opposite(p: f64, q: f64) -> bool {
    (p > 0.0 && q < 0.0) || (p < 0.0 && q > 0.0)
}

fn properly_cross(a: Point, b: Point, c: Point, d: Point) -> bool {
    opposite(orient(c, d, a), orient(c, d, b)) && opposite(orient(a, b, c), orient(a, b, d))
}

/// Sizes and gaps must be finite and non-negative for the geometry to hold.
fn clean(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

/// An operand edge of the input that refers to an earlier node.
#[derive(Clone, Copy, Debug)]
struct SrcEdge {
    from: usize,
    to: usize,
    slot: usize,
}

/// The edges worth drawing, sorted by child id then slot. A parent id that is
/// not smaller than the child's id is dropped: it is either out of range or
/// breaks the topological numbering the ranks rely on.
fn valid_edges(nodes: &[LayoutNode]) -> Vec<SrcEdge> {
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
fn assign_ranks(n: usize, edges: &[SrcEdge]) -> Vec<usize> {
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

/// Half the distance between the outer ports of a node with `k` inputs and
/// height `h`: ports spread over the box, or a little wider on a tiny box.
fn port_span(h: f64, k: usize) -> f64 {
    if k >= 2 {
        h.max((k + 1) as f64 * MIN_PORT_SPACING)
    } else {
        h
    }
}

/// Vertical offset from a child's center of the end of its `i`-th of `k`
/// input edges: evenly spread, slot 0 at the top, one input in the middle.
fn port_offset(h: f64, k: usize, i: usize) -> f64 {
    port_span(h, k) * ((i + 1) as f64 / (k + 1) as f64 - 0.5)
}

/// Where an input edge is drawn: its ends and the dummies it passes through.
struct Route {
    from: usize,
    to: usize,
    slot: usize,
    dummies: std::ops::Range<usize>,
    /// The layered-graph edge that enters the child, if the edge is in the
    /// layered graph at all (see [`MAX_DUMMIES`]).
    last: Option<usize>,
}

/// The layered graph: real nodes `0..n_real`, then dummies; every edge joins
/// adjacent ranks (except long edges in the over-budget fallback, which are
/// left out of it). Adjacency is stored compressed (CSR) to keep a
/// million-node chain cheap.
struct Graph {
    n_real: usize,
    n_ranks: usize,
    rank: Vec<usize>,
    /// Half the vertical room a vertex needs: half its box, or half its port
    /// spread if wider; 0 for a dummy.
    ext: Vec<f64>,
    /// Number of inputs: a real node's valid operand count, 1 for a dummy.
    nports: Vec<usize>,
    eu: Vec<usize>,
    ew: Vec<usize>,
    /// Rank of the edge's operand slot among the valid operands of `ew`
    /// (0 for an edge into a dummy): the order the reader expects.
    eslot: Vec<usize>,
    /// Vertical offset of the edge's end from the center of `ew`, set once
    /// the order is known (see [`assign_ports`]).
    eoff: Vec<f64>,
    /// How much straightening this edge is worth.
    ewt: Vec<f64>,
    out_start: Vec<usize>,
    out_list: Vec<usize>,
    in_start: Vec<usize>,
    in_list: Vec<usize>,
}

impl Graph {
    fn build(ranks: &[usize], heights: &[f64], edges: &[SrcEdge]) -> (Graph, Vec<Route>) {
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
            Graph {
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

    fn n_vertices(&self) -> usize {
        self.rank.len()
    }

    fn n_edges(&self) -> usize {
        self.eu.len()
    }

    /// Edges leaving `v` to the next rank.
    fn outs(&self, v: usize) -> &[usize] {
        &self.out_list[self.out_start[v]..self.out_start[v + 1]]
    }

    /// Edges entering `v` from the previous rank, in port order.
    fn ins(&self, v: usize) -> &[usize] {
        &self.in_list[self.in_start[v]..self.in_start[v + 1]]
    }
}

/// Groups item indices by `keys[item]` (a stable counting sort), so the
/// items of each key keep their original order.
fn csr(n: usize, keys: &[usize]) -> (Vec<usize>, Vec<usize>) {
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

/// Where the depth-first walk of [`Order::initial`] starts and which way it
/// goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    /// From the outputs back through operands in slot order.
    Sinks,
    /// From the outputs back through operands in reverse slot order.
    SinksReversed,
    /// From the leaves forward through consumers.
    Sources,
}

/// The order of the vertices inside each rank; index 0 is the top.
#[derive(Clone)]
struct Order {
    layers: Vec<Vec<usize>>,
    pos: Vec<usize>,
}

/// Buffers reused across the many small computations of crossing reduction.
#[derive(Default)]
struct Scratch {
    fenwick: Vec<usize>,
    keys: Vec<usize>,
    vals: Vec<f64>,
    a: Vec<usize>,
    b: Vec<usize>,
    pa: Vec<(usize, usize)>,
    pb: Vec<(usize, usize)>,
}

impl Order {
    /// Depth-first from each output (real vertices nobody consumes, by id),
    /// walking back through operands in slot order; each rank lists its
    /// vertices in the order first reached. For a tree that is already free
    /// of crossings with operands in slot order, which is most of what the
    /// explainers draw. The walk uses an explicit stack, so depth is no limit.
    fn initial(g: &Graph, start: Start) -> Order {
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
    fn reduce_crossings(&mut self, g: &Graph, s: &mut Scratch) -> usize {
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
    fn best(g: &Graph) -> Order {
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
            best_c = best.total_crossings(g, &mut s);
            for k in 0..RESTARTS {
                if best_c == 0 {
                    break;
                }
                let mut o = Order::shuffled(g, k as u64);
                o.reduce_crossings(g, &mut s);
                o.sift(g, &mut s);
                let c = o.total_crossings(g, &mut s);
                if c < best_c {
                    best = o;
                    best_c = c;
                }
            }
        }
        best.prefer_operand_order(g);
        best
    }

    /// A start for the restarts of small graphs: every rank in a
    /// pseudo-random order drawn from `seed` (SplitMix64, so the same seed
    /// gives the same order on every machine).
    fn shuffled(g: &Graph, seed: u64) -> Order {
        let mut o = Order::initial(g, Start::Sinks);
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5EED;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        for layer in &mut o.layers {
            // Fisher–Yates.
            for i in (1..layer.len()).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                layer.swap(i, j);
            }
        }
        for layer in &o.layers {
            for (i, &v) in layer.iter().enumerate() {
                o.pos[v] = i;
            }
        }
        o
    }

    /// Sifting: takes each vertex out of its rank and puts it back at the
    /// position where the crossings on both sides of the rank are fewest,
    /// repeating while that helps. It finds moves that adjacent
    /// transposition cannot (a vertex that must jump over several others).
    /// Quadratic in the rank size, so only used on small graphs.
    fn sift(&mut self, g: &Graph, s: &mut Scratch) {
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
    fn move_to(&mut self, l: usize, from: usize, to: usize) {
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
    fn total_crossings(&self, g: &Graph, s: &mut Scratch) -> usize {
        (0..g.n_ranks.saturating_sub(1))
            .map(|l| self.crossings_below(g, l, s))
            .sum()
    }

    /// Crossings between rank `l` and rank `l + 1`: inversions among the
    /// edge ends, counted with a Fenwick tree in O(E log E). Edges into the
    /// same vertex never cross, because its ports follow the order of the
    /// vertices they come from (see [`assign_ports`]).
    fn crossings_below(&self, g: &Graph, l: usize, s: &mut Scratch) -> usize {
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
    fn sweep(&mut self, g: &Graph, down: bool, barycenter: bool, s: &mut Scratch) {
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
    fn transpose(&mut self, g: &Graph, passes: usize, sideways: bool, s: &mut Scratch) {
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
    fn pair_crossings(&self, g: &Graph, u: usize, v: usize, s: &mut Scratch) -> (usize, usize) {
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
    fn pair_inversions(&self, g: &Graph, u: usize, v: usize, s: &mut Scratch) -> (usize, usize) {
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
    fn prefer_operand_order(&mut self, g: &Graph) {
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

/// Gives each child's inputs their ports, top to bottom in the order of the
/// vertices they come from (by slot for `x * x`, whose two edges share one),
/// so that edges into one node never cross. Returns each route's offset.
fn assign_ports(g: &mut Graph, order: &Order, routes: &[Route], heights: &[f64]) -> Vec<f64> {
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

/// For sorted `a` and `b`: the number of pairs with `a > b` (crossings when
/// a's owner is above b's) and with `a < b` (crossings the other way round).
/// Equal ends are a shared vertex or port and never cross.
fn count_inversions<T: Ord>(a: &[T], b: &[T]) -> (usize, usize) {
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

/// Vertical positions (centers, before the margin shift) and the height of
/// the band they fit in.
///
/// The band is as tall as the fullest rank stacked with its gaps, which is
/// the least any drawing with this order can use; every rank is then placed
/// inside it. A rank is solved exactly for "closest, in weighted least
/// squares, to where its neighbours want it" subject to the order, the gaps
/// and the band: subtracting the cumulative gaps turns that into isotonic
/// regression, which pool-adjacent-violators solves in linear time, and
/// clamping that solution to the band is still optimal. Rounds alternate
/// down (towards parents) and up (towards consumers) and end with both sides
/// at once, like the coordinate phase of Graphviz dot.
fn assign_y(g: &Graph, order: &Order, node_gap: f64) -> (Vec<f64>, f64) {
    let nv = g.n_vertices();
    let sep = |a: usize, b: usize| {
        let gap = if a < g.n_real && b < g.n_real {
            node_gap
        } else {
            node_gap / 2.0
        };
        g.ext[a] + g.ext[b] + gap
    };
    // Cumulative offsets per rank, and the band height.
    let mut offs: Vec<Vec<f64>> = Vec::with_capacity(g.n_ranks);
    let mut band = 0.0f64;
    for layer in &order.layers {
        let mut o = Vec::with_capacity(layer.len());
        let mut acc = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                acc += sep(layer[i - 1], v);
            }
            o.push(acc);
        }
        if let (Some(&f), Some(&l)) = (layer.first(), layer.last()) {
            band = band.max(g.ext[f] + acc + g.ext[l]);
        }
        offs.push(o);
    }

    let mut y = vec![band / 2.0; nv];
    let mut pav = Pav::default();
    let mut targets: Vec<(f64, f64)> = Vec::new();
    // Start: every rank stacked around the middle of the band.
    for (l, layer) in order.layers.iter().enumerate() {
        targets.clear();
        targets.extend(layer.iter().map(|_| (band / 2.0, 1.0)));
        pav.place(g, layer, &offs[l], &targets, band, &mut y);
    }
    let round = |down: bool, up: bool, y: &mut Vec<f64>, pav: &mut Pav| {
        let ranks: Vec<usize> = if down {
            (0..g.n_ranks).collect()
        } else {
            (0..g.n_ranks).rev().collect()
        };
        let mut targets: Vec<(f64, f64)> = Vec::new();
        for l in ranks {
            let layer = &order.layers[l];
            targets.clear();
            for &v in layer {
                let (mut sum, mut wt) = (0.0, 0.0);
                if down {
                    for &e in g.ins(v) {
                        sum += g.ewt[e] * (y[g.eu[e]] - g.eoff[e]);
                        wt += g.ewt[e];
                    }
                }
                if up {
                    for &e in g.outs(v) {
                        sum += g.ewt[e] * (y[g.ew[e]] + g.eoff[e]);
                        wt += g.ewt[e];
                    }
                }
                if wt > 0.0 {
                    targets.push((sum / wt, wt));
                } else {
                    targets.push((y[v], STAY_WEIGHT));
                }
            }
            pav.place(g, layer, &offs[l], &targets, band, y);
        }
    };
    for _ in 0..COORD_PASSES {
        round(true, false, &mut y, &mut pav);
        round(false, true, &mut y, &mut pav);
    }
    round(true, true, &mut y, &mut pav);
    round(false, true, &mut y, &mut pav);
    (y, band)
}

/// Weighted pool-adjacent-violators, with its block stack kept for reuse.
#[derive(Default)]
struct Pav {
    /// (total weight, weighted mean, number of members) per block.
    blocks: Vec<(f64, f64, usize)>,
}

impl Pav {
    /// Places one rank: `targets[i]` is (wanted center, weight) of
    /// `layer[i]`, `offs[i]` its least distance below the first center.
    fn place(
        &mut self,
        g: &Graph,
        layer: &[usize],
        offs: &[f64],
        targets: &[(f64, f64)],
        band: f64,
        y: &mut [f64],
    ) {
        let (Some(&first), Some(&last), Some(&span)) = (layer.first(), layer.last(), offs.last())
        else {
            return;
        };
        self.blocks.clear();
        for (i, &(t, w)) in targets.iter().enumerate() {
            let mut block = (w, t - offs[i], 1);
            while let Some(&prev) = self.blocks.last() {
                if prev.1 <= block.1 {
                    break;
                }
                self.blocks.pop();
                let total = prev.0 + block.0;
                let mean = if total > 0.0 {
                    (prev.0 * prev.1 + block.0 * block.1) / total
                } else {
                    (prev.1 + block.1) / 2.0
                };
                block = (total, mean, prev.2 + block.2);
            }
            self.blocks.push(block);
        }
        let lo = g.ext[first];
        let hi = (band - g.ext[last] - span).max(lo);
        let mut i = 0;
        for &(_, mean, len) in &self.blocks {
            let z = if mean.is_finite() {
                mean.clamp(lo, hi)
            } else {
                lo
            };
            for _ in 0..len {
                y[layer[i]] = z + offs[i];
                i += 1;
            }
        }
    }
}
