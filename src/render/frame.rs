//! One SVG per step of a story: the graph, laid out once, drawn with the
//! step's values, gradients and active parts.
//!
//! Colours are presentation attributes (so a standalone file or a PNG looks
//! right) and every element also carries a class, so the site's stylesheet
//! can restyle inline frames for dark mode. Colour is never the only cue:
//! forward edges are solid with arrowheads pointing right, backward messages
//! dashed with arrowheads pointing left and a written label; kinds of nodes
//! differ in shape; the active node has a dashed halo.

use super::svg::{Svg, n};
use crate::engine::{Graph, Kind, NodeId};
use crate::layout::{Layout, LayoutNode, LayoutOptions, Point, layout};
use crate::story::{Phase, Step, Story, num};

pub const FORWARD: &str = "#1d4ed8";
pub const BACKWARD: &str = "#b4420a";
pub const INK: &str = "#0f172a";
pub const MUTED: &str = "#64748b";
pub const LINE: &str = "#94a3b8";
pub const PAPER: &str = "#ffffff";

/// Font stack for SVG text. DejaVu Sans comes first because PNG export
/// bundles it; browsers fall back to their sans-serif.
pub const FONT: &str = "DejaVu Sans, Verdana, sans-serif";

pub(crate) const NODE_H: f64 = 52.0;
pub(crate) const TOP: f64 = 34.0;
/// Average advance of DejaVu Sans at 12px is about 0.6em; bold 13px about
/// 0.68em. Widths are computed from these so boxes fit their text without
/// measuring fonts at build time.
pub(crate) const CH: f64 = 7.4;
pub(crate) const CH_BOLD: f64 = 9.0;

/// A graph laid out once, drawn for every step.
pub struct Scene {
    /// Laid out over display nodes (see [`Scene::new`]).
    pub layout: Layout,
    /// The arena node each display node draws.
    pub arena: Vec<NodeId>,
    /// How many display copies the node has (1 unless it is a shared leaf).
    pub copies: Vec<usize>,
    pub sizes: Vec<(f64, f64)>,
    pub width: f64,
    pub height: f64,
}

pub(crate) fn text_w(s: &str, ch: f64) -> f64 {
    s.chars().count() as f64 * ch
}

impl Scene {
    /// Lays out `g`, sizing each node for the longest text any step shows.
    ///
    /// A leaf read by several different ops is drawn once beside each of
    /// them (its "tied copies", all showing the same value and running
    /// gradient, tagged "shared ×k"). A shared leaf drawn once would force
    /// edge crossings: a weight feeding three examples' `linear` modules, or
    /// `y` feeding both halves of an expanded `bce`, cannot be drawn left to
    /// right without one. `x * x` is one consumer, so `x` stays one node
    /// with two edges.
    pub fn new(g: &Graph, story: &Story) -> Scene {
        // Distinct consumers of every node, in arena order.
        let mut consumers: Vec<Vec<NodeId>> = vec![Vec::new(); g.len()];
        for (c, node) in g.nodes.iter().enumerate() {
            for &p in &node.parents {
                if consumers[p].last() != Some(&c) {
                    consumers[p].push(c);
                }
            }
        }
        let copy_of = |i: usize| g.nodes[i].kind.is_leaf() && consumers[i].len() > 1;
        // Display nodes: copies first take the leaf's place in arena order,
        // so every parent still comes before its consumers.
        let mut arena = Vec::new();
        let mut display_of: Vec<Vec<(NodeId, usize)>> = vec![Vec::new(); g.len()];
        for i in 0..g.len() {
            if copy_of(i) {
                for &c in &consumers[i] {
                    display_of[i].push((c, arena.len()));
                    arena.push(i);
                }
            } else {
                display_of[i].push((usize::MAX, arena.len()));
                arena.push(i);
            }
        }
        let parent_display = |p: NodeId, consumer: NodeId| {
            display_of[p]
                .iter()
                .find(|(c, _)| *c == consumer || *c == usize::MAX)
                .map_or(0, |(_, d)| *d)
        };
        // Each node's box fits the longest text any step shows on it. A node's
        // text only changes on the steps where it is active (or at the update),
        // so only those are measured: O(steps), not O(steps × nodes).
        let mut widths: Vec<f64> = (0..g.len())
            .map(|i| text_w(&story.labels[i], CH_BOLD))
            .collect();
        let all: Vec<NodeId> = (0..g.len()).collect();
        for st in &story.steps {
            let changed = if st.phase == Phase::Update {
                &all
            } else {
                &st.active_nodes
            };
            for &i in changed {
                if let Some(v) = st.values[i] {
                    widths[i] = widths[i].max(text_w(&num(v), CH));
                }
                if let Some(d) = st.grads[i] {
                    widths[i] = widths[i].max(text_w(&format!("∇ {}", num(d)), CH));
                }
            }
        }
        let widths: Vec<f64> = widths
            .into_iter()
            .map(|w| (w + 20.0).max(64.0).ceil())
            .collect();
        let nodes: Vec<LayoutNode> = arena
            .iter()
            .map(|&i| LayoutNode {
                parents: g.nodes[i]
                    .parents
                    .iter()
                    .map(|&p| parent_display(p, i))
                    .collect(),
                width: widths[i],
                height: NODE_H,
            })
            .collect();
        // Shared copies carry a tag above their box: leave room for it.
        let shared = arena.len() > g.len();
        let opts = LayoutOptions {
            rank_gap: 64.0,
            node_gap: if shared { 30.0 } else { 20.0 },
            margin: if shared { 20.0 } else { 14.0 },
        };
        let layout = layout(&nodes, &opts);
        // Room at the top for the step caption, and at the bottom for the
        // message band.
        let width = layout.width.max(360.0);
        let height = layout.height + TOP + 30.0;
        let copies = arena.iter().map(|&i| display_of[i].len()).collect();
        Scene {
            sizes: nodes.iter().map(|l| (l.width, l.height)).collect(),
            layout,
            arena,
            copies,
            width,
            height,
        }
    }

    /// Centre of display node `d` (a node, or one tied copy of a leaf).
    pub(crate) fn center(&self, d: usize) -> Point {
        let c = self.layout.centers[d];
        Point {
            x: c.x,
            y: c.y + TOP,
        }
    }
}

pub(crate) fn path_d(points: &[Point], dy: f64) -> String {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        d += if i == 0 { "M" } else { " L" };
        d += &format!("{} {}", n(p.x), n(p.y + dy));
    }
    d
}

/// An arrowhead at `tip`, pointing away from `from`.
pub(crate) fn arrow(svg: &mut Svg, from: Point, tip: Point, colour: &str, class: &str) {
    let (dx, dy) = (tip.x - from.x, tip.y - from.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (tip.x - ux * 8.0, tip.y - uy * 8.0);
    let pts = format!(
        "{},{} {},{} {},{}",
        n(tip.x),
        n(tip.y),
        n(bx - uy * 4.0),
        n(by + ux * 4.0),
        n(bx + uy * 4.0),
        n(by - ux * 4.0)
    );
    svg.empty(
        "polygon",
        &[("class", class), ("points", &pts), ("fill", colour)],
    );
}

/// Where node shapes differ, so kinds are told apart without colour.
pub(crate) fn node_shape(svg: &mut Svg, kind: Kind, x: f64, y: f64, w: f64, h: f64, active: bool) {
    let (class, fill, rx, dash) = match kind {
        Kind::Param => ("node param", "#eef2ff", h / 2.0, ""),
        Kind::Input => ("node input", "#f8fafc", h / 2.0, ""),
        Kind::Const => ("node const", PAPER, h / 2.0, "4 3"),
        Kind::Op => ("node op", PAPER, 5.0, ""),
        Kind::Module => ("node module", "#f0fdf4", 5.0, ""),
    };
    let class = if active {
        format!("{class} active")
    } else {
        class.to_string()
    };
    let sw = if active { "2.5" } else { "1.2" };
    let mut attrs = vec![
        ("class", class.as_str()),
        ("x", ""),
        ("y", ""),
        ("width", ""),
        ("height", ""),
        ("rx", ""),
        ("fill", fill),
        ("stroke", if active { INK } else { "#475569" }),
        ("stroke-width", sw),
    ];
    let (xs, ys, ws, hs, rxs) = (n(x), n(y), n(w), n(h), n(rx));
    attrs[1].1 = &xs;
    attrs[2].1 = &ys;
    attrs[3].1 = &ws;
    attrs[4].1 = &hs;
    attrs[5].1 = &rxs;
    if !dash.is_empty() {
        attrs.push(("stroke-dasharray", dash));
    }
    svg.empty("rect", &attrs);
    match kind {
        // A param has a second, inner outline: it learns.
        Kind::Param => {
            let (a, b, c, d, r) = (
                n(x + 3.0),
                n(y + 3.0),
                n(w - 6.0),
                n(h - 6.0),
                n(h / 2.0 - 3.0),
            );
            svg.empty(
                "rect",
                &[
                    ("class", "node-inner"),
                    ("x", &a),
                    ("y", &b),
                    ("width", &c),
                    ("height", &d),
                    ("rx", &r),
                    ("fill", "none"),
                    ("stroke", "#475569"),
                    ("stroke-width", "0.8"),
                ],
            );
        }
        // A module has a thick bar on its left: a larger node.
        Kind::Module => {
            let (a, b, d) = (n(x), n(y), n(h));
            svg.empty(
                "rect",
                &[
                    ("class", "node-bar"),
                    ("x", &a),
                    ("y", &b),
                    ("width", "6"),
                    ("height", &d),
                    ("rx", "2"),
                    ("fill", "#475569"),
                ],
            );
        }
        _ => {}
    }
    if active {
        halo(svg, x, y, w, h, rx);
    }
}

/// A node's corner radius by kind: leaves are pills, ops boxes.
fn radius(kind: Kind, h: f64) -> f64 {
    if kind.is_leaf() { h / 2.0 } else { 5.0 }
}

/// The dashed halo around an active node.
fn halo(svg: &mut Svg, x: f64, y: f64, w: f64, h: f64, rx: f64) {
    let (a, b, c, d, r) = (
        n(x - 5.0),
        n(y - 5.0),
        n(w + 10.0),
        n(h + 10.0),
        n(rx + 4.0),
    );
    svg.empty(
        "rect",
        &[
            ("class", "halo"),
            ("x", &a),
            ("y", &b),
            ("width", &c),
            ("height", &d),
            ("rx", &r),
            ("fill", "none"),
            ("stroke", INK),
            ("stroke-width", "1.2"),
            ("stroke-dasharray", "3 3"),
        ],
    );
}

/// Marks an active node drawn by the base: a thick outline and a halo.
fn active_outline(svg: &mut Svg, kind: Kind, x: f64, y: f64, w: f64, h: f64) {
    let rx = radius(kind, h);
    let (a, b, c, d, r) = (n(x), n(y), n(w), n(h), n(rx));
    svg.empty(
        "rect",
        &[
            ("class", "outline"),
            ("x", &a),
            ("y", &b),
            ("width", &c),
            ("height", &d),
            ("rx", &r),
            ("fill", "none"),
            ("stroke", INK),
            ("stroke-width", "2.5"),
        ],
    );
    halo(svg, x, y, w, h, rx);
}

/// Ids and words for one frame's accessible name.
pub struct FrameMeta<'a> {
    /// Unique within the page: `single-atomic-f3`.
    pub id: &'a str,
    pub figure_title: &'a str,
}

/// The drawing every step of a trace shares: the paper, every edge, every
/// node's shape and label. Standalone frames include it; inline frames
/// refer to one copy of it with `<use>`, which keeps a page of many frames
/// small.
fn base(svg: &mut Svg, g: &Graph, story: &Story, scene: &Scene) {
    let (w, h) = (n(scene.width), n(scene.height));
    svg.empty(
        "rect",
        &[
            ("class", "paper"),
            ("width", &w),
            ("height", &h),
            ("fill", PAPER),
        ],
    );
    for e in &scene.layout.edges {
        let pts = shifted(&e.points);
        if pts.len() < 2 {
            continue;
        }
        let d = path_d(&pts, 0.0);
        svg.empty(
            "path",
            &[
                ("class", "edge"),
                ("d", &d),
                ("fill", "none"),
                ("stroke", LINE),
                ("stroke-width", "1.2"),
            ],
        );
        arrow(svg, pts[pts.len() - 2], pts[pts.len() - 1], LINE, "arrow");
    }
    for (d, &i) in scene.arena.iter().enumerate() {
        node_static(svg, &scene.node_draw(g, story, d, i, None));
    }
}

fn shifted(points: &[Point]) -> Vec<Point> {
    points
        .iter()
        .map(|p| Point {
            x: p.x,
            y: p.y + TOP,
        })
        .collect()
}

impl Scene {
    fn node_draw<'a>(
        &self,
        g: &Graph,
        story: &'a Story,
        d: usize,
        i: NodeId,
        step: Option<&Step>,
    ) -> NodeDraw<'a> {
        NodeDraw {
            kind: g.nodes[i].kind,
            center: self.center(d),
            size: self.sizes[d],
            label: &story.labels[i],
            value: step.and_then(|s| s.values[i]),
            grad: step.and_then(|s| s.grads[i]),
            active: false,
            copies: self.copies[d],
        }
    }
}

/// What one step adds on top of the base: the caption, the active edges
/// and nodes, every value and gradient known so far, the message band.
fn overlay(svg: &mut Svg, g: &Graph, story: &Story, scene: &Scene, k: usize) {
    let step: &Step = &story.steps[k];
    let total = story.steps.len();
    let backward = matches!(step.phase, Phase::Seed | Phase::Backward | Phase::Done);
    let (caption_class, caption_colour) = if backward {
        ("caption bw", BACKWARD)
    } else if step.phase == Phase::Forward {
        ("caption fw", FORWARD)
    } else {
        ("caption", INK)
    };
    let phase_word = match step.phase {
        Phase::Setup => "setup",
        Phase::Forward => "forward →",
        Phase::Seed | Phase::Backward => "← backward",
        Phase::Done => "← backward done",
        Phase::Update => "update",
    };
    svg.text(
        "text",
        &[
            ("class", caption_class),
            ("x", "14"),
            ("y", "21"),
            ("font-size", "13"),
            ("font-weight", "bold"),
            ("fill", caption_colour),
        ],
        &format!("{} · {}/{total} · {}", phase_word, k + 1, step.title),
    );
    // Active edges, redrawn on top of the base: forward solid, backward dashed.
    for se in &step.active_edges {
        let Some(e) = scene.layout.edges.iter().find(|e| {
            scene.arena[e.from] == se.from && scene.arena[e.to] == se.to && e.slot == se.slot
        }) else {
            continue;
        };
        let pts = shifted(&e.points);
        if pts.len() < 2 {
            continue;
        }
        let d = path_d(&pts, 0.0);
        if step.phase == Phase::Backward {
            svg.empty(
                "path",
                &[
                    ("class", "edge bw active"),
                    ("d", &d),
                    ("fill", "none"),
                    ("stroke", BACKWARD),
                    ("stroke-width", "2.5"),
                    ("stroke-dasharray", "6 4"),
                ],
            );
            arrow(svg, pts[1], pts[0], BACKWARD, "arrow bw active");
        } else {
            svg.empty(
                "path",
                &[
                    ("class", "edge fw active"),
                    ("d", &d),
                    ("fill", "none"),
                    ("stroke", FORWARD),
                    ("stroke-width", "2.5"),
                ],
            );
            arrow(
                svg,
                pts[pts.len() - 2],
                pts[pts.len() - 1],
                FORWARD,
                "arrow fw active",
            );
        }
    }
    if step.phase == Phase::Backward
        && let Some(label) = &step.edge_label
    {
        message_band(svg, scene, label);
    }
    for (d, &i) in scene.arena.iter().enumerate() {
        let nd = scene.node_draw(g, story, d, i, Some(step));
        if step.active_nodes.contains(&i) {
            let (w, h) = nd.size;
            let c = nd.center;
            active_outline(svg, nd.kind, c.x - w / 2.0, c.y - h / 2.0, w, h);
        }
        node_dynamic(svg, &nd);
    }
}

/// Draws step `k` of `story` as a complete, standalone SVG document.
pub fn frame(g: &Graph, story: &Story, scene: &Scene, k: usize, meta: &FrameMeta) -> String {
    let mut svg = open_frame(story, scene, k, meta, false);
    base(&mut svg, g, story, scene);
    overlay(&mut svg, g, story, scene, k);
    svg.finish()
}

/// The shared base of a trace's inline frames, to put once in the page
/// (a zero-size SVG holding `<defs>`); `fid` is the trace's id prefix.
pub fn inline_base(g: &Graph, story: &Story, scene: &Scene, fid: &str) -> String {
    let mut svg = Svg::new(0.0, 0.0, &[("class", "defs"), ("aria-hidden", "true")]);
    svg.set_lean(true);
    svg.open("defs", &[]);
    svg.open("g", &[("id", &format!("{fid}-base"))]);
    base(&mut svg, g, story, scene);
    svg.close("g");
    svg.close("defs");
    svg.finish()
}

/// Step `k` for inline use in a page: the base by reference, then the
/// step's overlay, styled by the site's stylesheet (classes only).
pub fn inline_frame(
    g: &Graph,
    story: &Story,
    scene: &Scene,
    k: usize,
    meta: &FrameMeta,
    fid: &str,
) -> String {
    let mut svg = open_frame(story, scene, k, meta, true);
    svg.empty("use", &[("href", &format!("#{fid}-base"))]);
    overlay(&mut svg, g, story, scene, k);
    svg.finish()
}

/// The stylesheet a filmstrip carries: the light palette of the lean
/// classes (the site's stylesheet does the same for inline frames). A
/// `<style>` element is fine here: the file is a download, never inlined.
const FILM_CSS: &str = "text { font-family: DejaVu Sans, Verdana, sans-serif; }
rect.paper { fill: #ffffff; }
text.caption, text.label { font-size: 13px; font-weight: bold; }
text.label, text.value, text.caption { fill: #0f172a; }
text.label, text.value, text.grad, text.tag { text-anchor: middle; }
text.value, text.grad, text.edge-label-text { font-size: 12px; }
text.value.unknown, text.tag { fill: #64748b; }
text.tag { font-size: 10px; }
text.grad, text.edge-label-text, text.caption.bw { fill: #b4420a; }
text.caption.fw { fill: #1d4ed8; }
rect.node { fill: #ffffff; stroke: #475569; stroke-width: 1.2; }
rect.node.param { fill: #eef2ff; }
rect.node.input { fill: #f8fafc; }
rect.node.module { fill: #f0fdf4; }
rect.node.const { stroke-dasharray: 4 3; }
rect.node-inner { fill: none; stroke: #475569; stroke-width: 0.8; }
rect.node-bar { fill: #475569; }
rect.halo { fill: none; stroke: #0f172a; stroke-width: 1.2; stroke-dasharray: 3 3; }
rect.outline { fill: none; stroke: #0f172a; stroke-width: 2.5; }
rect.edge-label { fill: #ffffff; stroke: #b4420a; stroke-width: 1; }
path.edge { fill: none; stroke: #94a3b8; stroke-width: 1.2; }
polygon.arrow { fill: #94a3b8; }
path.edge.active { stroke-width: 2.5; }
path.edge.fw.active { stroke: #1d4ed8; }
polygon.arrow.fw.active { fill: #1d4ed8; }
path.edge.bw { stroke: #b4420a; stroke-dasharray: 6 4; }
polygon.arrow.bw.active { fill: #b4420a; }";

/// Every frame of a trace in one standalone SVG file, stacked top to
/// bottom, with a `<view id="step-N">` per frame: `FILE.svg#step-3` shows
/// step 3 alone. It reuses the page's lean frames and their shared base
/// (`defs`, from [`inline_base`]) with a stylesheet of its own, so nothing
/// is drawn twice and the file stays small.
pub fn filmstrip(defs: &str, frames: &[String], scene: &Scene) -> String {
    let (w, h) = (scene.width, scene.height);
    let mut svg = Svg::new(w, h * frames.len() as f64, &[]);
    svg.open("style", &[]);
    for line in FILM_CSS.lines() {
        svg.raw_line(line);
    }
    svg.close("style");
    for line in defs.lines() {
        svg.raw_line(line);
    }
    for (k, frame) in frames.iter().enumerate() {
        let y = h * k as f64;
        let vb = format!("0 {} {} {}", n(y), n(w), n(h));
        svg.empty(
            "view",
            &[("id", &format!("step-{}", k + 1)), ("viewBox", &vb)],
        );
        for (i, line) in frame.lines().enumerate() {
            if i == 0 {
                // Placed at its offset.
                let line = line.replacen("<svg ", &format!("<svg y=\"{}\" ", n(y)), 1);
                svg.raw_line(&line);
            } else {
                svg.raw_line(line);
            }
        }
    }
    svg.finish()
}

fn open_frame(story: &Story, scene: &Scene, k: usize, meta: &FrameMeta, lean: bool) -> Svg {
    let step: &Step = &story.steps[k];
    let total = story.steps.len();
    let title_id = format!("{}-t", meta.id);
    // A standalone frame describes itself; an inline frame is named by its
    // title alone: the narration beside it in the page is read next anyway.
    let desc_id = format!("{}-d", meta.id);
    let labelled = if lean {
        title_id.clone()
    } else {
        format!("{title_id} {desc_id}")
    };
    let mut svg = Svg::new(
        scene.width,
        scene.height,
        &[
            ("role", "img"),
            ("aria-labelledby", &labelled),
            ("class", "frame"),
            ("font-family", FONT),
        ],
    );
    svg.set_lean(lean);
    svg.text(
        "title",
        &[("id", &title_id)],
        &format!(
            "{}, step {} of {total}: {}",
            meta.figure_title,
            k + 1,
            step.title
        ),
    );
    if !lean {
        svg.text("desc", &[("id", &desc_id)], &step.narration);
    }
    svg
}

/// One node as a frame draws it: its shape, its label, its value (or `?`)
/// and its gradient (when known).
pub(crate) struct NodeDraw<'a> {
    pub kind: Kind,
    pub center: Point,
    pub size: (f64, f64),
    pub label: &'a str,
    pub value: Option<f64>,
    pub grad: Option<f64>,
    pub active: bool,
    /// Tied copies of a shared leaf (1 = not shared).
    pub copies: usize,
}

/// Draws one node: shape, label, value and gradient lines.
pub(crate) fn draw_node(svg: &mut Svg, d: &NodeDraw) {
    node_static(svg, d);
    node_dynamic(svg, d);
}

/// The parts of a node that never change during a trace: its shape, its
/// "shared" tag and its label.
fn node_static(svg: &mut Svg, d: &NodeDraw) {
    let c = d.center;
    let (w, h) = d.size;
    let (x, y) = (c.x - w / 2.0, c.y - h / 2.0);
    node_shape(svg, d.kind, x, y, w, h, d.active);
    let cx = n(c.x);
    if d.copies > 1 {
        svg.text(
            "text",
            &[
                ("class", "tag"),
                ("x", &cx),
                ("y", &n(y - 9.0)),
                ("text-anchor", "middle"),
                ("font-size", "10"),
                ("fill", MUTED),
            ],
            &format!("shared ×{}", d.copies),
        );
    }
    let constant = d.kind == Kind::Const;
    svg.text(
        "text",
        &[
            ("class", "label"),
            ("x", &cx),
            ("y", &n(y + if constant { 24.0 } else { 17.0 })),
            ("text-anchor", "middle"),
            ("font-size", "13"),
            ("font-weight", "bold"),
            ("fill", INK),
        ],
        d.label,
    );
}

/// The parts of a node a step changes: its value (or `?`) and its gradient.
fn node_dynamic(svg: &mut Svg, d: &NodeDraw) {
    let c = d.center;
    let (_, h) = d.size;
    let y = c.y - h / 2.0;
    let cx = n(c.x);
    let (value, vclass, vcol) = match d.value {
        // A constant's label is already its value.
        Some(_) if d.kind == Kind::Const => (String::new(), "value", INK),
        Some(v) => (num(v), "value", INK),
        None => ("?".to_string(), "value unknown", MUTED),
    };
    if !value.is_empty() {
        svg.text(
            "text",
            &[
                ("class", vclass),
                ("x", &cx),
                ("y", &n(y + 32.0)),
                ("text-anchor", "middle"),
                ("font-size", "12"),
                ("fill", vcol),
            ],
            &value,
        );
    }
    if let Some(g) = d.grad {
        svg.text(
            "text",
            &[
                ("class", "grad"),
                ("x", &cx),
                ("y", &n(y + 46.0)),
                ("text-anchor", "middle"),
                ("font-size", "12"),
                ("fill", BACKWARD),
            ],
            &format!("∇ {}", num(g)),
        );
    }
}

/// The message of a backward step, boxed in a band under the graph: the
/// edge itself is too short to carry the whole equation.
fn message_band(svg: &mut Svg, scene: &Scene, label: &str) {
    let w = text_w(label, CH) + 16.0;
    let y = scene.height - 26.0;
    let (x, ys, ws) = (n(14.0), n(y), n(w));
    svg.empty(
        "rect",
        &[
            ("class", "edge-label"),
            ("x", &x),
            ("y", &ys),
            ("width", &ws),
            ("height", "20"),
            ("rx", "4"),
            ("fill", PAPER),
            ("stroke", BACKWARD),
            ("stroke-width", "1"),
        ],
    );
    svg.text(
        "text",
        &[
            ("class", "edge-label-text"),
            ("x", &n(22.0)),
            ("y", &n(y + 14.0)),
            ("font-size", "12"),
            ("fill", BACKWARD),
        ],
        label,
    );
}

/// Every frame of one run's trace, ids prefixed `ID-VIEW-fK`.
pub fn trace_frames(s: &crate::scenario::Scenario, run: &crate::scenario::Run) -> Vec<String> {
    let story = crate::story::tell(run);
    let scene = Scene::new(run.graph(), &story);
    render_frames(s, run, &story, &scene, false)
}

/// The frames of a story already told and laid out, drawn in parallel
/// (each frame is independent; the order of the result is the steps').
/// `inline`: frames for the page, referring to [`inline_base`] with the id
/// prefix `ID-VIEW`; otherwise standalone documents.
pub fn render_frames(
    s: &crate::scenario::Scenario,
    run: &crate::scenario::Run,
    story: &Story,
    scene: &Scene,
    inline: bool,
) -> Vec<String> {
    use rayon::prelude::*;
    let fid = format!("{}-{}", s.id, run.view.name());
    let title = s.title.clone().unwrap_or_else(|| s.id.clone());
    (0..story.steps.len())
        .into_par_iter()
        .map(|k| {
            let id = format!("{fid}-f{k}");
            let meta = FrameMeta {
                id: &id,
                figure_title: &title,
            };
            if inline {
                inline_frame(run.graph(), story, scene, k, &meta, &fid)
            } else {
                frame(run.graph(), story, scene, k, &meta)
            }
        })
        .collect()
}
