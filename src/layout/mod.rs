//! Layered layout of a computation graph, left to right or top to bottom.
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
//! 2. [`Layered::build`]: an edge spanning more than one rank becomes a chain
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
//! Both directions are one layout: phases 1–3 look at the graph only, and
//! phases 4–5 work on a *rank axis* (across the ranks) and a *cross axis*
//! (along a rank). Left to right, the rank axis is x and a node's extent on
//! it is its width; top to bottom ([`Direction::TopDown`], for a narrow
//! screen) the rank axis is y and the extents swap. The drawing is then the
//! same layering and the same order, transposed: slot 0 enters at the top
//! of a node's left side, or at the left of its top side.
//!
//! Nodes may carry a *lane* (the example of a batch): each rank then keeps
//! its lanes together and in lane order, so a batch reads as one row (or
//! column) per example, and the nodes they share sit where the lanes meet
//! ([`lanes`]).
//!
//! Nothing here recurses, no hash map is iterated, every sort is stable or
//! totally ordered, and ties are broken by position or id, so the same input
//! always gives the same floats. All work is bounded: a fixed number of
//! sweeps, transposition only while it improves, and budgets that shrink the
//! number of sweeps for very large graphs.

mod coords;
mod lanes;
mod layered;
mod order;
mod rank;

use coords::assign_y;
use layered::{Layered, Route, assign_ports};
use order::{Order, Scratch};
use rank::{SrcEdge, ranked_and_ordered, valid_edges};

/// One node to lay out. `parents` are operand ids in slot order; a parent id
/// that is out of range or not smaller than the node's own id cannot come
/// from a topologically numbered graph, so that edge is ignored (the other
/// operands keep their slot numbers).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayoutNode {
    pub parents: Vec<usize>,
    pub width: f64,
    pub height: f64,
    /// The lane the node belongs to (a batch's example), or `None` for a
    /// node the lanes share (a param, the reduction over the examples).
    pub lane: Option<usize>,
}

/// Which way the ranks run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Ranks are columns from left to right; a rank's nodes are stacked.
    #[default]
    LeftRight,
    /// Ranks are rows from top to bottom; a rank's nodes side by side. A
    /// graph's width is then its widest rank, and its depth the page's own
    /// vertical scroll: the layout for a narrow screen.
    TopDown,
}

/// Spacing, in the same units as node sizes. Negative or non-finite values
/// are treated as 0, as are negative or non-finite node sizes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutOptions {
    /// Gap between two ranks (room for the edges): horizontal left to
    /// right, vertical top to bottom.
    pub rank_gap: f64,
    /// Minimum gap between two node boxes in the same rank.
    pub node_gap: f64,
    /// Empty border around the drawing.
    pub margin: f64,
    pub direction: Direction,
    /// Top to bottom: the widest the drawing should be. A rank of leaves
    /// wider than that (with the edges passing through it) is wrapped onto
    /// rows above it ([`rank::wrap_rows`]); `None`: never.
    pub max_row: Option<f64>,
}

impl Default for LayoutOptions {
    /// Values that suit node boxes of roughly 40×28 with 12–14 px labels.
    fn default() -> Self {
        LayoutOptions {
            rank_gap: 56.0,
            node_gap: 22.0,
            margin: 16.0,
            direction: Direction::LeftRight,
            max_row: None,
        }
    }
}

/// A point in the drawing; y grows downwards as in SVG.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// The drawn path of one operand edge: from the middle of the parent's side
/// that faces the next rank (right, or bottom top to bottom) to the child's
/// facing side (left, or top) at the port of `slot`, through the dummy
/// positions of the ranks it crosses. Edges between the same two nodes
/// (`x * x`) leave the parent at ports of their own too, so that each reads
/// as a line of its own.
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
/// sifting, and the second (late) ranking. The explainers' graphs are a few
/// dozen vertices, where a better order is worth the milliseconds. (Restarts
/// from shuffled orders were tried too: they found no fewer crossings on any
/// bundled graph and made a debug layout 30 times slower.)
const RESTART_MAX_VERTICES: usize = 300;
/// Rounds of down-then-up coordinate refinement.
const COORD_PASSES: usize = 8;
/// Pull of a vertex towards where it already is, when it has no neighbour on
/// the side being looked at; small, so that it only decides otherwise free
/// positions.
const STAY_WEIGHT: f64 = 1e-3;

/// Lays out `nodes` (numbered in topological order) in `opts.direction`.
pub fn layout(nodes: &[LayoutNode], opts: &LayoutOptions) -> Layout {
    layout_spaced(nodes, opts, &[])
}

/// [`layout`] with the gap after rank `r` widened by `extra[r]` (ranks past
/// the end of `extra`, and negative or non-finite values, add nothing):
/// room for what a drawing writes in one gap (a long message beside its
/// edge) without widening them all. The ranks and the order are the same
/// as [`layout`]'s.
pub fn layout_spaced(nodes: &[LayoutNode], opts: &LayoutOptions, extra: &[f64]) -> Layout {
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
    let across = opts.direction == Direction::TopDown;
    // Extents on the rank axis (`long`) and on the cross axis (`wide`).
    let (long, wide): (Vec<f64>, Vec<f64>) = nodes
        .iter()
        .map(|v| {
            let (w, h) = (clean(v.width), clean(v.height));
            if across { (h, w) } else { (w, h) }
        })
        .unzip();
    let edges = valid_edges(nodes);
    let lanes: Vec<Option<usize>> = nodes.iter().map(|v| v.lane).collect();
    let laned = lanes.iter().any(Option::is_some);
    // Rows are wrapped top to bottom only, and never in lanes (each lane's
    // nodes share their ranks with the other lanes').
    let wrap = (opts.max_row)
        .filter(|_| across && !laned)
        .map(|m| (clean(m) - 2.0 * margin, node_gap));
    let (ranks, mut g, routes, mut order) = ranked_and_ordered(n, &edges, &wide, laned, wrap);
    if laned {
        order.group_lanes(&g, &routes, &lanes);
    }
    let port_off = assign_ports(&mut g, &order, &routes, &wide);
    let (cs, band) = assign_y(&g, &order, node_gap);

    // Shift so the first extent on the cross axis sits on the margin.
    let top = cs
        .iter()
        .zip(&g.ext)
        .map(|(y, e)| y - e)
        .fold(f64::INFINITY, f64::min);
    let top = if top.is_finite() { top } else { 0.0 };
    let cross_of = |v: usize| cs[v] - top + margin;
    let cross_len = band + 2.0 * margin;

    // Columns (rows top to bottom): one per rank, as long as its longest node.
    let mut col_w = vec![0.0f64; g.n_ranks];
    for v in 0..n {
        col_w[ranks[v]] = col_w[ranks[v]].max(long[v]);
    }
    let mut col_left = vec![0.0f64; g.n_ranks];
    let mut x = margin;
    for r in 0..g.n_ranks {
        col_left[r] = x;
        x += col_w[r] + rank_gap + extra.get(r).copied().map_or(0.0, clean);
    }
    let rank_len = col_left[g.n_ranks - 1] + col_w[g.n_ranks - 1] + margin;
    // (rank axis, cross axis) to a point of the drawing.
    let at = |r: f64, c: f64| {
        if across {
            Point { x: c, y: r }
        } else {
            Point { x: r, y: c }
        }
    };
    let mid: Vec<f64> = (0..n)
        .map(|v| col_left[ranks[v]] + col_w[ranks[v]] / 2.0)
        .collect();
    let centers: Vec<Point> = (0..n).map(|v| at(mid[v], cross_of(v))).collect();

    let out_off = out_ports(&g, &order, &routes, &port_off, &wide);
    let edges = routes
        .iter()
        .zip(&port_off)
        .zip(&out_off)
        .map(|((route, &off), &out)| {
            let (p, c) = (route.from, route.to);
            let mut pts: Vec<(f64, f64)> = Vec::with_capacity(4 + 2 * route.dummies.len());
            let rp = ranks[p];
            let rc = ranks[c];
            let pc = cross_of(p) + out;
            // The min/max only absorb rounding: a box never leaves its column.
            pts.push(((mid[p] + long[p] / 2.0).min(col_left[rp] + col_w[rp]), pc));
            pts.push((col_left[rp] + col_w[rp], pc));
            for d in route.dummies.clone() {
                let r = g.rank[d];
                let y = cross_of(d);
                pts.push((col_left[r], y));
                pts.push((col_left[r] + col_w[r], y));
            }
            let cc = cross_of(c) + off;
            pts.push((col_left[rc], cc));
            pts.push(((mid[c] - long[c] / 2.0).max(col_left[rc]), cc));
            let mut points: Vec<Point> = pts.into_iter().map(|(r, c)| at(r, c)).collect();
            points.dedup();
            EdgeRoute {
                from: p,
                to: c,
                slot: route.slot,
                points,
            }
        })
        .collect();

    let (width, height) = if across {
        (cross_len, rank_len)
    } else {
        (rank_len, cross_len)
    };
    Layout {
        centers,
        ranks,
        edges,
        width,
        height,
    }
}

/// Where each route leaves its parent, from the parent's middle. Most
/// edges leave from the middle; a parent with two edges to the same child
/// (`x * x`) spreads all its out-edges over its side instead, ordered like
/// the places they go (the next vertex's position, then the port there),
/// so the pair runs as two separate lines and nothing crosses that the
/// order did not already cross.
fn out_ports(
    g: &Layered,
    order: &Order,
    routes: &[Route],
    port_off: &[f64],
    wide: &[f64],
) -> Vec<f64> {
    let mut out = vec![0.0; routes.len()];
    let mut by_parent: Vec<usize> = (0..routes.len()).collect();
    by_parent.sort_by_key(|&k| (routes[k].from, routes[k].to, routes[k].slot));
    for run in by_parent.chunk_by(|&a, &b| routes[a].from == routes[b].from) {
        let parallel = run.windows(2).any(|w| routes[w[0]].to == routes[w[1]].to);
        if !parallel {
            continue;
        }
        // The vertex after the parent on each route: a dummy or the child.
        let next = |k: usize| {
            let r = &routes[k];
            let v = if r.dummies.is_empty() {
                r.to
            } else {
                r.dummies.start
            };
            let off = if r.dummies.is_empty() {
                port_off[k]
            } else {
                0.0
            };
            (g.rank[v], order.pos[v], off)
        };
        let mut sorted = run.to_vec();
        sorted.sort_by(|&a, &b| {
            let (ra, pa, oa) = next(a);
            let (rb, pb, ob) = next(b);
            (ra, pa)
                .cmp(&(rb, pb))
                .then(oa.total_cmp(&ob))
                .then(a.cmp(&b))
        });
        // Spread over the parent's side, never past it.
        let p = routes[run[0]].from;
        let m = sorted.len() as f64;
        for (i, &k) in sorted.iter().enumerate() {
            out[k] = wide[p] * ((i + 1) as f64 / (m + 1.0) - 0.5);
        }
    }
    out
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
