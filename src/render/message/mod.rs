//! A backward step's message, written beside the edge it travels along.
//!
//! The label (`p → z: upstream −0.6 × local 0.24 = −0.144`) is placed where
//! the eye already is: as close to the middle of its edge as it fits, on a
//! paper-coloured backing, never over a node (nor the active node's halo),
//! never over its own edge, and across as few other edges as it can. A
//! label that does not fit on one line near its edge is tried on two or
//! three. Placements are found once per scene, for every step, so that all
//! frames share one drawing size; the rare label that fits nowhere goes in
//! a band under the graph, as every label once did.

use super::svg::{Svg, font, rounded, text};
use super::theme::{BACKWARD, CH, PAPER, text_w};
use crate::layout::Point;

mod spans;
use spans::Spans;

/// Height of one line of a label, and the padding around its lines.
const LINE_H: f64 = 15.0;
const PAD_X: f64 = 8.0;
const PAD_Y: f64 = 4.0;
/// Room kept clear around a node: its active halo is drawn 5 px outside it.
pub(crate) const NODE_CLEAR: f64 = 7.0;
/// Room kept between a label and its own edge.
pub(crate) const EDGE_CLEAR: f64 = 3.0;
/// How far from its edge's middle a label's centre is looked for, and the
/// grid step.
const SEARCH_RADIUS: f64 = 200.0;
/// How far a label's box may be from its edge's middle and still read as
/// beside it.
const NEAR: f64 = 60.0;
const GRID: f64 = 6.0;
/// Grid steps from the middle to the edge of the search.
const SEARCH_STEPS: i64 = (SEARCH_RADIUS / GRID) as i64;
/// What crossing another edge costs, in px of distance from the edge.
const CROSSING_COST: f64 = 80.0;
/// What each extra line costs, in px: one line reads best.
const LINE_COST: f64 = 14.0;
/// A label this close to its edge, on one line, is taken without trying
/// the wrapped ones.
const GOOD_ENOUGH: f64 = 36.0;
/// Height of the band under the graph for a label that fits nowhere else.
pub(crate) const BAND_H: f64 = 30.0;

/// A message placed in a frame: its lines and its box.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Placed {
    pub lines: Vec<String>,
    /// x, y, width, height.
    pub rect: (f64, f64, f64, f64),
}

/// An axis-aligned box: left, top, right, bottom.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub l: f64,
    pub t: f64,
    pub r: f64,
    pub b: f64,
}

impl Rect {
    pub(crate) fn around(c: Point, w: f64, h: f64) -> Rect {
        Rect {
            l: c.x - w / 2.0,
            t: c.y - h / 2.0,
            r: c.x + w / 2.0,
            b: c.y + h / 2.0,
        }
    }

    fn grow(self, d: f64) -> Rect {
        Rect {
            l: self.l - d,
            t: self.t - d,
            r: self.r + d,
            b: self.b + d,
        }
    }

    fn overlaps(&self, o: &Rect) -> bool {
        self.l < o.r && o.l < self.r && self.t < o.b && o.t < self.b
    }

    fn inside(&self, o: &Rect) -> bool {
        self.l >= o.l && self.r <= o.r && self.t >= o.t && self.b <= o.b
    }

    /// Whether the segment `a`–`b` passes through the box (Liang–Barsky).
    fn cut_by(&self, a: Point, b: Point) -> bool {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.x - self.l),
            (dx, self.r - a.x),
            (-dy, a.y - self.t),
            (dy, self.b - a.y),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }

    /// How far `p` is from the box (0 inside it).
    #[cfg(test)]
    fn distance_to(&self, p: Point) -> f64 {
        self.distance_squared_to(p).sqrt()
    }

    /// The square of [`Rect::distance_to`]: the placement's inner loop
    /// compares it without a square root.
    fn distance_squared_to(&self, p: Point) -> f64 {
        let dx = (self.l - p.x).max(p.x - self.r).max(0.0);
        let dy = (self.t - p.y).max(p.y - self.b).max(0.0);
        dx * dx + dy * dy
    }

    pub(crate) fn union(self, o: Rect) -> Rect {
        Rect {
            l: self.l.min(o.l),
            t: self.t.min(o.t),
            r: self.r.max(o.r),
            b: self.b.max(o.b),
        }
    }
}

/// What a frame holds that a label must keep clear of or avoid crossing.
pub(crate) struct Obstacles<'a> {
    /// Every node's box.
    pub nodes: &'a [Rect],
    /// Every edge's route.
    pub edges: &'a [Vec<Point>],
    /// Where labels may go: the frame below its caption.
    pub area: Rect,
    /// `nodes` and `edges` by where they lie ([`Index::new`] of them).
    pub index: &'a Index,
}

/// Side of a cell of an [`Index`], in px: a few labels wide.
const CELL: f64 = 256.0;

/// Nodes and edge segments by the cells of a grid they touch, so that a
/// label looks only at what lies within its reach: placing every message
/// of a scene is then linear in the scene, not messages × edges (a
/// 665-statement chain whose every statement reads `w` has 220,000
/// segments; a scan of all of them per message took a minute).
pub(crate) struct Index {
    cells: std::collections::HashMap<(i64, i64), Cell>,
}

/// What one cell of an [`Index`] holds: node numbers, and (edge, segment)
/// pairs, segment `s` running from point `s` to `s + 1` of its edge.
#[derive(Default)]
struct Cell {
    nodes: Vec<usize>,
    segments: Vec<(usize, usize)>,
}

impl Index {
    pub(crate) fn new(nodes: &[Rect], edges: &[Vec<Point>]) -> Index {
        let mut cells: std::collections::HashMap<(i64, i64), Cell> = Default::default();
        for (i, r) in nodes.iter().enumerate() {
            for key in cells_of(&r.grow(NODE_CLEAR)) {
                cells.entry(key).or_default().nodes.push(i);
            }
        }
        for (e, route) in edges.iter().enumerate() {
            for (s, w) in route.windows(2).enumerate() {
                let r = Rect {
                    l: w[0].x.min(w[1].x),
                    t: w[0].y.min(w[1].y),
                    r: w[0].x.max(w[1].x),
                    b: w[0].y.max(w[1].y),
                };
                for key in cells_of(&r) {
                    cells.entry(key).or_default().segments.push((e, s));
                }
            }
        }
        Index { cells }
    }

    /// The nodes and segments in the cells `r` touches (a superset of
    /// those that meet `r`), each once, in order.
    fn near(&self, r: &Rect) -> (Vec<usize>, Vec<(usize, usize)>) {
        let (mut nodes, mut segments) = (Vec::new(), Vec::new());
        for key in cells_of(r) {
            if let Some(c) = self.cells.get(&key) {
                nodes.extend_from_slice(&c.nodes);
                segments.extend_from_slice(&c.segments);
            }
        }
        nodes.sort_unstable();
        nodes.dedup();
        segments.sort_unstable();
        segments.dedup();
        (nodes, segments)
    }
}

/// The cells of an [`Index`] that box `r` touches.
fn cells_of(r: &Rect) -> impl Iterator<Item = (i64, i64)> {
    let cell = |v: f64| (v / CELL).floor() as i64;
    let (x0, x1, y0, y1) = (cell(r.l), cell(r.r), cell(r.t), cell(r.b));
    (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
}

/// The ways a label may be broken into lines, widest first: whole; its
/// head (`p → z:`) over the rest; head, product and result; head,
/// upstream, local and result on four lines.
fn wrappings(label: &str) -> Vec<Vec<String>> {
    // A running sum on a line of its own (see `Scene::texts`): whole under
    // each wrapping of the message, then, under its narrowest, broken
    // before its `=` and then also before its `+`.
    if let Some((first, sum)) = label.split_once('\n') {
        let mut out = wrappings(first);
        let narrowest = out.last().cloned().unwrap_or_default();
        for lines in &mut out {
            lines.push(sum.to_string());
        }
        if let Some((terms, total)) = sum.rsplit_once(" = ") {
            let total = format!("= {total}");
            let mut two = narrowest.clone();
            two.extend([terms.to_string(), total.clone()]);
            out.push(two);
            if let Some((before, added)) = terms.split_once(" + ") {
                let mut three = narrowest;
                three.extend([before.to_string(), format!("+ {added}"), total]);
                out.push(three);
            }
        }
        return out;
    }
    let mut out = vec![vec![label.to_string()]];
    if let Some((head, body)) = label.split_once(": ") {
        let head = format!("{head}:");
        out.push(vec![head.clone(), body.to_string()]);
        if let Some((product, result)) = body.rsplit_once(" = ") {
            let result = format!("= {result}");
            out.push(vec![head.clone(), product.to_string(), result.clone()]);
            if let Some((upstream, local)) = product.split_once(" × ") {
                out.push(vec![
                    head,
                    upstream.to_string(),
                    format!("× {local}"),
                    result,
                ]);
            }
        }
    }
    out
}

/// The size of `label` on (at most) two lines.
pub(crate) fn two_lines(label: &str) -> (f64, f64) {
    wrappings(label)
        .get(1)
        .map_or_else(|| box_size(&[label.to_string()]), |l| box_size(l))
}

/// The size of `label` wrapped as narrow as it goes.
pub(crate) fn narrowest(label: &str) -> (f64, f64) {
    wrappings(label)
        .iter()
        .map(|l| box_size(l))
        .fold((f64::INFINITY, 0.0), |a, b| if b.0 < a.0 { b } else { a })
}

/// The size of a label box holding `lines`.
fn box_size(lines: &[String]) -> (f64, f64) {
    let w = lines.iter().map(|l| text_w(l, CH)).fold(0.0, f64::max);
    (w + 2.0 * PAD_X, lines.len() as f64 * LINE_H + 2.0 * PAD_Y)
}

/// The point a fraction `at` of the way along a route, by length.
pub(crate) fn along(pts: &[Point], at: f64) -> Point {
    let len = |a: Point, b: Point| ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
    let total: f64 = pts.windows(2).map(|w| len(w[0], w[1])).sum();
    let mut left = total * at;
    for w in pts.windows(2) {
        let l = len(w[0], w[1]);
        if l >= left && l > 0.0 {
            let t = left / l;
            return Point {
                x: w[0].x + t * (w[1].x - w[0].x),
                y: w[0].y + t * (w[1].y - w[0].y),
            };
        }
        left -= l;
    }
    pts.first().copied().unwrap_or(Point { x: 0.0, y: 0.0 })
}

/// An offset of the search grid: its distance from the middle, its x and
/// y, and the grid row it is on (0 at the top).
#[derive(Clone, Copy)]
struct Offset {
    d: f64,
    dx: f64,
    dy: f64,
    row: usize,
}

/// Places `label` beside the edge `own` (an index into `obs.edges`): its
/// box at most [`NEAR`] from the point a fraction `at` along the edge from
/// where it starts (the node the message goes to); `None` when it fits
/// nowhere there.
pub(crate) fn place(label: &str, own: usize, at: f64, obs: &Obstacles) -> Option<Placed> {
    let route = &obs.edges[own];
    let anchor = along(route, at);
    let mut best: Option<(f64, Placed)> = None;
    for (extra, lines) in wrappings(label).into_iter().enumerate() {
        let (w, h) = box_size(&lines);
        let extra_cost = extra as f64 * LINE_COST;
        if best.as_ref().is_some_and(|(s, _)| *s <= extra_cost) {
            break;
        }
        let near = Near::new(obs, own, anchor, w, h);
        let mut rows: Vec<Option<Row>> = (0..=2 * SEARCH_STEPS).map(|_| None).collect();
        let spans = Spans::new((w, h), anchor, &obs.area, &near.nodes);
        for Offset { d, dx, dy, row } in spans.offsets() {
            let score = d + extra_cost;
            if best.as_ref().is_some_and(|(s, _)| *s <= score) {
                break;
            }
            let c = Point {
                x: anchor.x + dx,
                y: anchor.y + dy,
            };
            let r = Rect::around(c, w, h);
            if r.distance_squared_to(anchor) > NEAR * NEAR || !r.inside(&obs.area) {
                continue;
            }
            let row = rows[row].get_or_insert_with(|| near.row(&r));
            if row.nodes.iter().any(|n| n.overlaps(&r)) {
                continue;
            }
            let clear = r.grow(EDGE_CLEAR);
            if row.own.iter().any(|&(a, b)| clear.cut_by(a, b)) {
                continue;
            }
            // Crossings counted only while they could still beat the best.
            let limit = best.as_ref().map_or(usize::MAX, |(s, _)| {
                ((s - score) / CROSSING_COST).ceil().max(0.0) as usize
            });
            let crossed = (row.others.iter())
                .filter(|&&(a, b)| r.cut_by(a, b))
                .take(limit)
                .count();
            if crossed == limit {
                continue;
            }
            let score = score + crossed as f64 * CROSSING_COST;
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                best = Some((
                    score,
                    Placed {
                        lines: lines.clone(),
                        rect: (r.l, r.t, w, h),
                    },
                ));
            }
        }
        if extra == 0 && best.as_ref().is_some_and(|(s, _)| *s <= GOOD_ENOUGH) {
            break;
        }
    }
    best.map(|(_, p)| p)
}

/// What lies within reach of a `w` × `h` label around its anchor: the nodes
/// (grown by [`NODE_CLEAR`]) and other edges' segments it could touch, and
/// the segments of its own edge it could come near.
struct Near {
    nodes: Vec<Rect>,
    own: Vec<(Point, Point)>,
    others: Vec<(Point, Point)>,
}

/// What of a [`Near`] can touch a label whose centre is on one row of the
/// search grid: a label's box spans the row's band top to bottom, so
/// whatever lies wholly above or below the band is never in its way. The
/// segments are kept with a pixel of slack (a segment further than that
/// from the band cannot be found crossing it, whatever the rounding), so
/// that every test in [`place`] gives what it gave against everything.
struct Row {
    nodes: Vec<Rect>,
    own: Vec<(Point, Point)>,
    others: Vec<(Point, Point)>,
}

/// A row's slack, in px (see [`Row`]).
const ROW_SLACK: f64 = 1.0;

impl Near {
    fn new(obs: &Obstacles, own: usize, anchor: Point, w: f64, h: f64) -> Near {
        let reach = Rect::around(anchor, 2.0 * SEARCH_RADIUS + w, 2.0 * SEARCH_RADIUS + h);
        let (near_nodes, near_segments) = obs.index.near(&reach);
        let nodes = (near_nodes.iter())
            .map(|&i| obs.nodes[i].grow(NODE_CLEAR))
            .filter(|r| r.overlaps(&reach))
            .collect();
        let others = (near_segments.iter())
            .filter(|&&(e, _)| e != own)
            .map(|&(e, s)| (obs.edges[e][s], obs.edges[e][s + 1]))
            .filter(|&(a, b)| reach.cut_by(a, b))
            .collect();
        // Of its own edge, the segments a box within reach can come near.
        let near_own = reach.grow(EDGE_CLEAR);
        let own = (obs.edges[own].windows(2))
            .map(|s| (s[0], s[1]))
            .filter(|&(a, b)| near_own.cut_by(a, b))
            .collect();
        Near { nodes, own, others }
    }

    /// What can touch a label box `r` or any box on its row.
    fn row(&self, r: &Rect) -> Row {
        let spans = |(a, b): &(Point, Point), t: f64, bottom: f64| {
            a.y.max(b.y) >= t - ROW_SLACK && a.y.min(b.y) <= bottom + ROW_SLACK
        };
        let clear = r.grow(EDGE_CLEAR);
        Row {
            nodes: (self.nodes.iter())
                .filter(|n| n.t < r.b && r.t < n.b)
                .copied()
                .collect(),
            own: (self.own.iter())
                .filter(|s| spans(s, clear.t, clear.b))
                .copied()
                .collect(),
            others: (self.others.iter())
                .filter(|s| spans(s, r.t, r.b))
                .copied()
                .collect(),
        }
    }
}

/// A label in the band under the graph, at the frame's left (`band_top`:
/// where the band starts).
pub(crate) fn in_band(label: &str, band_top: f64) -> Placed {
    let (w, h) = box_size(&[label.to_string()]);
    Placed {
        lines: vec![label.to_string()],
        rect: (14.0, band_top + (BAND_H - h) / 2.0, w, h),
    }
}

/// A label in a band under the graph, wrapped as narrow as it goes, at
/// `left`: where a phone's view of the step shows it. Returns it and the
/// band's height.
pub(crate) fn in_narrow_band(label: &str, band_top: f64, left: f64) -> (Placed, f64) {
    let lines = wrappings(label)
        .into_iter()
        .min_by(|a, b| box_size(a).0.total_cmp(&box_size(b).0))
        .unwrap_or_else(|| vec![label.to_string()]);
    let (w, h) = box_size(&lines);
    let placed = Placed {
        lines,
        rect: (left, band_top + 6.0, w, h),
    };
    (placed, h + 12.0)
}

/// Draws a placed message: its backing, outlined in the backward colour,
/// and its lines, centred.
pub(crate) fn draw(svg: &mut Svg, m: &Placed) {
    let (x, y, w, h) = m.rect;
    rounded(
        svg,
        "edge-label",
        (x, y, w, h),
        4.0,
        PAPER,
        Some((BACKWARD, "1")),
        "",
    );
    let mut f = font(12.0, BACKWARD);
    f.anchor = "middle";
    for (i, line) in m.lines.iter().enumerate() {
        let base = y + PAD_Y + (i as f64 + 1.0) * LINE_H - 3.5;
        text(svg, "edge-label-text", x + w / 2.0, base, f, line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Offsets of a label's centre from its edge's middle, nearest first
    /// (by distance, then y, then x): every offset of the grid within
    /// [`SEARCH_RADIUS`], which the search once walked and the exhaustive
    /// search below still does.
    fn search_offsets() -> &'static [Offset] {
        static OFFSETS: std::sync::OnceLock<Vec<Offset>> = std::sync::OnceLock::new();
        OFFSETS.get_or_init(|| {
            let k = SEARCH_STEPS;
            let mut out = Vec::new();
            for i in -k..=k {
                for j in -k..=k {
                    let (dx, dy) = (i as f64 * GRID, j as f64 * GRID);
                    let d = (dx * dx + dy * dy).sqrt();
                    if d <= SEARCH_RADIUS {
                        let row = (j + k) as usize;
                        out.push(Offset { d, dx, dy, row });
                    }
                }
            }
            out.sort_by(|a, b| {
                (a.d.total_cmp(&b.d))
                    .then(a.dy.total_cmp(&b.dy))
                    .then(a.dx.total_cmp(&b.dx))
            });
            out
        })
    }

    fn p(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    fn rect(l: f64, t: f64, r: f64, b: f64) -> Rect {
        Rect { l, t, r, b }
    }

    /// `f` of what `nodes` and `edges` put in the way of a label in `area`.
    fn among<R>(
        nodes: &[Rect],
        edges: &[Vec<Point>],
        area: Rect,
        f: impl FnOnce(&Obstacles) -> R,
    ) -> R {
        let index = Index::new(nodes, edges);
        f(&Obstacles {
            nodes,
            edges,
            area,
            index: &index,
        })
    }

    /// The search as it was before it looked only where a label can go:
    /// every offset within reach, every test against every node and edge.
    /// [`place`] must give what this gives.
    fn place_everywhere(label: &str, own: usize, at: f64, obs: &Obstacles) -> Option<Placed> {
        let anchor = along(&obs.edges[own], at);
        let segments = |e: &Vec<Point>| e.windows(2).map(|s| (s[0], s[1])).collect::<Vec<_>>();
        let own_route = segments(&obs.edges[own]);
        let others: Vec<(Point, Point)> = (obs.edges.iter().enumerate())
            .filter(|&(e, _)| e != own)
            .flat_map(|(_, r)| segments(r))
            .collect();
        let mut best: Option<(f64, Placed)> = None;
        for (extra, lines) in wrappings(label).into_iter().enumerate() {
            let (w, h) = box_size(&lines);
            let extra_cost = extra as f64 * LINE_COST;
            if best.as_ref().is_some_and(|(s, _)| *s <= extra_cost) {
                break;
            }
            let reach_d = NEAR + (w / 2.0).hypot(h / 2.0);
            for o in search_offsets() {
                let score = o.d + extra_cost;
                if o.d > reach_d || best.as_ref().is_some_and(|(s, _)| *s <= score) {
                    break;
                }
                let r = Rect::around(p(anchor.x + o.dx, anchor.y + o.dy), w, h);
                let clear = r.grow(EDGE_CLEAR);
                if r.distance_squared_to(anchor) > NEAR * NEAR
                    || !r.inside(&obs.area)
                    || obs.nodes.iter().any(|n| n.grow(NODE_CLEAR).overlaps(&r))
                    || own_route.iter().any(|&(a, b)| clear.cut_by(a, b))
                {
                    continue;
                }
                let crossed = others.iter().filter(|&&(a, b)| r.cut_by(a, b)).count();
                let score = score + crossed as f64 * CROSSING_COST;
                if best.as_ref().is_none_or(|(s, _)| score < *s) {
                    let rect = (r.l, r.t, w, h);
                    best = Some((
                        score,
                        Placed {
                            lines: lines.clone(),
                            rect,
                        },
                    ));
                }
            }
            if extra == 0 && best.as_ref().is_some_and(|(s, _)| *s <= GOOD_ENOUGH) {
                break;
            }
        }
        best.map(|(_, p)| p)
    }

    /// The offsets a search looks at are those the walk of every offset
    /// (nearest first, skipping the offsets outside a row's intervals,
    /// stopping past the reach) looked at, in its order: over random boxes,
    /// anchors, areas and nodes, some rows cut in several intervals.
    #[test]
    fn the_offsets_of_the_spans_are_those_the_walk_of_every_offset_met() {
        let mut r = crate::engine::SplitMix64::new(7);
        let mut u = move |lo: f64, hi: f64| lo + (hi - lo) * (r.next_weight() + 1.0) / 2.0;
        let mut split_rows = 0;
        for _ in 0..300 {
            let (w, h) = (u(20.0, 260.0), [19.0, 34.0, 49.0][u(0.0, 2.99) as usize]);
            let anchor = p(u(50.0, 550.0), u(40.0, 300.0));
            let area = rect(u(0.0, 40.0), u(0.0, 30.0), u(300.0, 640.0), u(300.0, 400.0));
            let nodes: Vec<Rect> = (0..u(0.0, 14.0) as usize)
                .map(|_| {
                    let c = p(anchor.x + u(-150.0, 150.0), anchor.y + u(-90.0, 90.0));
                    Rect::around(c, u(10.0, 80.0), u(10.0, 50.0))
                })
                .collect();
            let spans = Spans::new((w, h), anchor, &area, &nodes);
            split_rows += (0..spans.rows.len())
                .filter(|&k| spans.row(k).len() > 1)
                .count();
            let bits = |o: &Offset| (o.dx.to_bits(), o.dy.to_bits(), o.d.to_bits(), o.row);
            let walked: Vec<_> = (search_offsets().iter())
                .take_while(|o| o.d <= spans.reach)
                .filter(|o| (spans.row(o.row).iter()).any(|&(lo, hi)| lo <= o.dx && o.dx <= hi))
                .map(bits)
                .collect();
            let got: Vec<_> = spans.offsets().map(|o| bits(&o)).collect();
            assert_eq!(got, walked);
        }
        assert!(split_rows > 100, "{split_rows} rows in several intervals");
    }

    #[test]
    fn the_search_finds_what_a_search_of_every_offset_finds() {
        // Random crowded scenes: nodes on a loose grid, edges between them
        // with a bend, labels of three lengths, areas of three widths.
        let mut r = crate::engine::SplitMix64::new(19);
        let mut u = move |lo: f64, hi: f64| lo + (hi - lo) * (r.next_weight() + 1.0) / 2.0;
        let labels = [
            "a → b: upstream 1 × local 2 = 2",
            "w → z: upstream −0.6 × local 0.24 = −0.144",
            "x → p: upstream 12.5 × local −0.0625 = −0.78125\n−0.1 + −0.78125 = −0.88125",
        ];
        let (mut placed, mut nowhere) = (0, 0);
        for scene in 0..60 {
            let n = 4 + scene % 9;
            let nodes: Vec<Rect> = (0..n)
                .map(|i| {
                    let c = p(
                        60.0 + 90.0 * (i % 4) as f64 + u(-20.0, 20.0),
                        60.0 + 70.0 * (i / 4) as f64 + u(-15.0, 15.0),
                    );
                    Rect::around(c, u(40.0, 90.0), u(30.0, 50.0))
                })
                .collect();
            let centre = |i: usize| {
                p(
                    (nodes[i].l + nodes[i].r) / 2.0,
                    (nodes[i].t + nodes[i].b) / 2.0,
                )
            };
            let edges: Vec<Vec<Point>> = (1..n)
                .map(|i| {
                    let (a, b) = (centre(i), centre((i * 7 + scene) % i));
                    vec![
                        a,
                        p((a.x + b.x) / 2.0 + u(-30.0, 30.0), (a.y + b.y) / 2.0),
                        b,
                    ]
                })
                .collect();
            let width = [300.0, 420.0, 600.0][scene % 3];
            let area = rect(u(0.0, 40.0), 20.0, width, 340.0);
            among(&nodes, &edges, area, |obs| {
                for (e, label) in labels.iter().enumerate() {
                    let own = (e * 5 + scene) % edges.len();
                    let at = [0.3, 0.5][scene % 2];
                    let got = place(label, own, at, obs);
                    assert_eq!(
                        got,
                        place_everywhere(label, own, at, obs),
                        "scene {scene}, label {e}"
                    );
                    if got.is_some() {
                        placed += 1
                    } else {
                        nowhere += 1
                    }
                }
            });
        }
        // Both outcomes were exercised.
        assert!(
            placed > 20 && nowhere > 5,
            "{placed} placed, {nowhere} nowhere"
        );
    }

    #[test]
    fn a_label_goes_beside_its_edge_clear_of_nodes() {
        // Two nodes joined by a horizontal edge, room above and below.
        let nodes = [
            Rect::around(p(60.0, 100.0), 64.0, 52.0),
            Rect::around(p(300.0, 100.0), 64.0, 52.0),
        ];
        let edges = vec![vec![p(92.0, 100.0), p(268.0, 100.0)]];
        let area = rect(0.0, 34.0, 400.0, 200.0);
        let label = "b → a: upstream 1 × local 2 = 2";
        let m = among(&nodes, &edges, area, |obs| place(label, 0, 0.5, obs)).unwrap();
        let (x, y, w, h) = m.rect;
        let r = rect(x, y, x + w, y + h);
        assert!(nodes.iter().all(|n| !n.grow(NODE_CLEAR).overlaps(&r)));
        assert!(!r.grow(EDGE_CLEAR).cut_by(edges[0][0], edges[0][1]));
        // Beside the middle of the edge: centred over it, above or below
        // it (the nodes leave no room level with it), within NEAR.
        assert!((x + w / 2.0 - 180.0).abs() < 12.0, "{m:?}");
        assert!(r.b <= 100.0 || r.t >= 100.0);
        assert!(r.distance_to(p(180.0, 100.0)) <= NEAR, "{m:?}");
    }

    #[test]
    fn a_label_with_no_room_on_one_line_wraps_or_gives_up() {
        // A narrow frame: the one-line label cannot fit, four lines can.
        let nodes = [Rect::around(p(40.0, 60.0), 40.0, 40.0)];
        let edges = vec![vec![p(60.0, 60.0), p(60.0, 300.0)]];
        let long = "some node → other node: upstream −0.1234 × local 0.5678 = −0.0701";
        let area = rect(0.0, 34.0, 270.0, 320.0);
        let m = among(&nodes, &edges, area, |obs| place(long, 0, 0.5, obs)).unwrap();
        assert!(m.lines.len() > 1, "{m:?}");
        // A frame too small for any wrapping: no place.
        let tiny = rect(0.0, 34.0, 80.0, 90.0);
        assert_eq!(
            among(&nodes, &edges, tiny, |obs| place(long, 0, 0.5, obs)),
            None
        );
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let w = wrappings("p → z: upstream −0.6 × local 0.24 = −0.144");
        assert_eq!(w.len(), 4);
        assert_eq!(w[1], ["p → z:", "upstream −0.6 × local 0.24 = −0.144"]);
        assert_eq!(w[2], ["p → z:", "upstream −0.6 × local 0.24", "= −0.144"]);
        assert_eq!(
            w[3],
            ["p → z:", "upstream −0.6", "× local 0.24", "= −0.144"]
        );
        assert_eq!(
            narrowest("p → z: upstream −0.6 × local 0.24 = −0.144"),
            box_size(&w[3])
        );
    }
}
