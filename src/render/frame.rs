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
use crate::engine::{Graph, Kind};
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
    pub layout: Layout,
    pub sizes: Vec<(f64, f64)>,
    pub width: f64,
    pub height: f64,
}

pub(crate) fn text_w(s: &str, ch: f64) -> f64 {
    s.chars().count() as f64 * ch
}

impl Scene {
    /// Lays out `g`, sizing each node for the longest text any step shows.
    pub fn new(g: &Graph, story: &Story) -> Scene {
        let nodes: Vec<LayoutNode> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let mut w = text_w(&story.labels[i], CH_BOLD);
                for st in &story.steps {
                    if let Some(v) = st.values[i] {
                        w = w.max(text_w(&num(v), CH));
                    }
                    if let Some(d) = st.grads[i] {
                        w = w.max(text_w(&format!("∇ {}", num(d)), CH));
                    }
                }
                let _ = node;
                LayoutNode {
                    parents: g.nodes[i].parents.clone(),
                    width: (w + 20.0).max(64.0).ceil(),
                    height: NODE_H,
                }
            })
            .collect();
        let opts = LayoutOptions {
            rank_gap: 64.0,
            node_gap: 20.0,
            margin: 14.0,
        };
        let layout = layout(&nodes, &opts);
        // Room at the top for the step caption, and at the bottom for an
        // edge label below the lowest node.
        let width = layout.width.max(360.0);
        let height = layout.height + TOP + 30.0;
        Scene {
            sizes: nodes.iter().map(|l| (l.width, l.height)).collect(),
            layout,
            width,
            height,
        }
    }

    pub(crate) fn center(&self, i: usize) -> Point {
        let c = self.layout.centers[i];
        Point { x: c.x, y: c.y + TOP }
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
    svg.empty("polygon", &[("class", class), ("points", &pts), ("fill", colour)]);
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
    let class = if active { format!("{class} active") } else { class.to_string() };
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
            let (a, b, c, d, r) = (n(x + 3.0), n(y + 3.0), n(w - 6.0), n(h - 6.0), n(h / 2.0 - 3.0));
            svg.empty(
                "rect",
                &[("class", "node-inner"), ("x", &a), ("y", &b), ("width", &c), ("height", &d), ("rx", &r), ("fill", "none"), ("stroke", "#475569"), ("stroke-width", "0.8")],
            );
        }
        // A module has a thick bar on its left: a larger node.
        Kind::Module => {
            let (a, b, d) = (n(x), n(y), n(h));
            svg.empty(
                "rect",
                &[("class", "node-bar"), ("x", &a), ("y", &b), ("width", "6"), ("height", &d), ("rx", "2"), ("fill", "#475569")],
            );
        }
        _ => {}
    }
    if active {
        let (a, b, c, d, r) = (n(x - 5.0), n(y - 5.0), n(w + 10.0), n(h + 10.0), n(rx + 4.0));
        svg.empty(
            "rect",
            &[("class", "halo"), ("x", &a), ("y", &b), ("width", &c), ("height", &d), ("rx", &r), ("fill", "none"), ("stroke", INK), ("stroke-width", "1.2"), ("stroke-dasharray", "3 3")],
        );
    }
}

/// Ids and words for one frame's accessible name.
pub struct FrameMeta<'a> {
    /// Unique within the page: `single-atomic-s3`.
    pub id: &'a str,
    pub figure_title: &'a str,
}

/// Draws step `k` of `story`.
pub fn frame(g: &Graph, story: &Story, scene: &Scene, k: usize, meta: &FrameMeta) -> String {
    let step: &Step = &story.steps[k];
    let total = story.steps.len();
    let title_id = format!("{}-t", meta.id);
    let desc_id = format!("{}-d", meta.id);
    let labelled = format!("{title_id} {desc_id}");
    let mut svg = Svg::new(
        scene.width,
        scene.height,
        &[("role", "img"), ("aria-labelledby", &labelled), ("class", "frame"), ("font-family", FONT)],
    );
    svg.text(
        "title",
        &[("id", &title_id)],
        &format!("{}, step {} of {total}: {}", meta.figure_title, k + 1, step.title),
    );
    svg.text("desc", &[("id", &desc_id)], &step.narration);
    let (w, h) = (n(scene.width), n(scene.height));
    svg.empty("rect", &[("class", "paper"), ("width", &w), ("height", &h), ("fill", PAPER)]);
    let backward = matches!(step.phase, Phase::Seed | Phase::Backward | Phase::Done);
    let caption_colour = if backward { BACKWARD } else if step.phase == Phase::Forward { FORWARD } else { INK };
    let phase_word = match step.phase {
        Phase::Setup => "setup",
        Phase::Forward => "forward →",
        Phase::Seed | Phase::Backward => "← backward",
        Phase::Done => "← backward done",
        Phase::Update => "update",
    };
    svg.text(
        "text",
        &[("class", "caption"), ("x", "14"), ("y", "21"), ("font-size", "13"), ("font-weight", "bold"), ("fill", caption_colour)],
        &format!("{} · {}/{total} · {}", phase_word, k + 1, step.title),
    );

    // Edges first, so nodes sit on top of them.
    let active_fw: Vec<(usize, usize, usize)> = if step.phase == Phase::Forward {
        step.active_edges.iter().map(|e| (e.from, e.to, e.slot)).collect()
    } else {
        Vec::new()
    };
    for e in &scene.layout.edges {
        let pts: Vec<Point> = e.points.iter().map(|p| Point { x: p.x, y: p.y + TOP }).collect();
        if pts.len() < 2 {
            continue;
        }
        let active = active_fw.contains(&(e.from, e.to, e.slot));
        let (colour, width, class) = if active { (FORWARD, "2.5", "edge fw active") } else { (LINE, "1.2", "edge") };
        let d = path_d(&pts, 0.0);
        svg.empty("path", &[("class", class), ("d", &d), ("fill", "none"), ("stroke", colour), ("stroke-width", width)]);
        arrow(&mut svg, pts[pts.len() - 2], pts[pts.len() - 1], colour, if active { "arrow fw active" } else { "arrow" });
    }
    // The backward message: the same route, dashed, arrow pointing back.
    if step.phase == Phase::Backward {
        for be in &step.active_edges {
            // Backward edges are stored child → parent; find the route parent → child.
            if let Some(e) = scene.layout.edges.iter().find(|e| e.from == be.from && e.to == be.to && e.slot == be.slot) {
                let pts: Vec<Point> = e.points.iter().map(|p| Point { x: p.x, y: p.y + TOP }).collect();
                if pts.len() < 2 {
                    continue;
                }
                let d = path_d(&pts, 0.0);
                svg.empty("path", &[("class", "edge bw active"), ("d", &d), ("fill", "none"), ("stroke", BACKWARD), ("stroke-width", "2.5"), ("stroke-dasharray", "6 4")]);
                arrow(&mut svg, pts[1], pts[0], BACKWARD, "arrow bw active");
                if let Some(label) = &step.edge_label {
                    edge_label(&mut svg, &pts, label, scene.width);
                }
            }
        }
    }

    // Nodes.
    for (i, node) in g.nodes.iter().enumerate() {
        draw_node(
            &mut svg,
            &NodeDraw {
                kind: node.kind,
                center: scene.center(i),
                size: scene.sizes[i],
                label: &story.labels[i],
                value: step.values[i],
                grad: step.grads[i],
                active: step.active_nodes.contains(&i),
            },
        );
    }
    svg.finish()
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
}

/// Draws one node: shape, label, value and gradient lines.
pub(crate) fn draw_node(svg: &mut Svg, d: &NodeDraw) {
    let c = d.center;
    let (w, h) = d.size;
    let (x, y) = (c.x - w / 2.0, c.y - h / 2.0);
    node_shape(svg, d.kind, x, y, w, h, d.active);
    let cx = n(c.x);
    svg.text(
        "text",
        &[("class", "label"), ("x", &cx), ("y", &n(y + 17.0)), ("text-anchor", "middle"), ("font-size", "13"), ("font-weight", "bold"), ("fill", INK)],
        d.label,
    );
    let (value, vclass, vcol) = match d.value {
        Some(v) => (num(v), "value", INK),
        None => ("?".to_string(), "value unknown", MUTED),
    };
    svg.text(
        "text",
        &[("class", vclass), ("x", &cx), ("y", &n(y + 32.0)), ("text-anchor", "middle"), ("font-size", "12"), ("fill", vcol)],
        &value,
    );
    if let Some(g) = d.grad {
        svg.text(
            "text",
            &[("class", "grad"), ("x", &cx), ("y", &n(y + 46.0)), ("text-anchor", "middle"), ("font-size", "12"), ("fill", BACKWARD)],
            &format!("∇ {}", num(g)),
        );
    }
}

/// A boxed label near the middle of a backward edge, kept inside the frame.
fn edge_label(svg: &mut Svg, pts: &[Point], label: &str, width: f64) {
    let mid = pts.len() / 2;
    let (a, b) = (pts[mid - 1], pts[mid]);
    let w = text_w(label, CH) + 12.0;
    let cx = ((a.x + b.x) / 2.0).clamp(w / 2.0 + 4.0, width - w / 2.0 - 4.0);
    let cy = (a.y + b.y) / 2.0 - 16.0;
    let (x, y, ws) = (n(cx - w / 2.0), n(cy - 10.0), n(w));
    svg.empty(
        "rect",
        &[("class", "edge-label"), ("x", &x), ("y", &y), ("width", &ws), ("height", "20"), ("rx", "4"), ("fill", PAPER), ("stroke", BACKWARD), ("stroke-width", "1")],
    );
    svg.text(
        "text",
        &[("class", "edge-label-text"), ("x", &n(cx)), ("y", &n(cy + 4.0)), ("text-anchor", "middle"), ("font-size", "12"), ("fill", BACKWARD)],
        label,
    );
}
