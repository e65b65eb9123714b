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

const NODE_H: f64 = 52.0;
const TOP: f64 = 34.0;
/// Average advance of DejaVu Sans at 12px is about 0.6em; bold 13px about
/// 0.68em. Widths are computed from these so boxes fit their text without
/// measuring fonts at build time.
const CH: f64 = 7.4;
const CH_BOLD: f64 = 9.0;

/// A graph laid out once, drawn for every step.
pub struct Scene {
    pub layout: Layout,
    pub sizes: Vec<(f64, f64)>,
    pub width: f64,
    pub height: f64,
}

fn text_w(s: &str, ch: f64) -> f64 {
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

    fn center(&self, i: usize) -> Point {
        let c = self.layout.centers[i];
        Point {
            x: c.x,
            y: c.y + TOP,
        }
    }
}

fn path_d(points: &[Point], dy: f64) -> String {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        d += if i == 0 { "M" } else { " L" };
        d += &format!("{} {}", n(p.x), n(p.y + dy));
    }
    d
}

/// An arrowhead at `tip`, pointing away from `from`.
fn arrow(svg: &mut Svg, from: Point, tip: Point, colour: &str, class: &str) {
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
fn node_shape(svg: &mut Svg, kind: Kind, x: f64, y: f64, w: f64, h: f64, active: bool) {
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
        &[
            ("role", "img"),
            ("aria-labelledby", &labelled),
            ("class", "frame"),
            ("font-family", FONT),
        ],
    );
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
    svg.text("desc", &[("id", &desc_id)], &step.narration);
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
    let backward = matches!(step.phase, Phase::Seed | Phase::Backward | Phase::Done);
    let caption_colour = if backward {
        BACKWARD
    } else if step.phase == Phase::Forward {
        FORWARD
    } else {
        INK
    };
    let caption_class = if backward {
        "caption bw"
    } else if step.phase == Phase::Forward {
        "caption fw"
    } else {
        "caption"
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

    // Edges first, so nodes sit on top of them.
    let active_fw: Vec<(usize, usize, usize)> = if step.phase == Phase::Forward {
        step.active_edges
            .iter()
            .map(|e| (e.from, e.to, e.slot))
            .collect()
    } else {
        Vec::new()
    };
    for e in &scene.layout.edges {
        let pts: Vec<Point> = e
            .points
            .iter()
            .map(|p| Point {
                x: p.x,
                y: p.y + TOP,
            })
            .collect();
        if pts.len() < 2 {
            continue;
        }
        let active = active_fw.contains(&(e.from, e.to, e.slot));
        let (colour, width, class) = if active {
            (FORWARD, "2.5", "edge fw active")
        } else {
            (LINE, "1.2", "edge")
        };
        let d = path_d(&pts, 0.0);
        svg.empty(
            "path",
            &[
                ("class", class),
                ("d", &d),
                ("fill", "none"),
                ("stroke", colour),
                ("stroke-width", width),
            ],
        );
        arrow(
            &mut svg,
            pts[pts.len() - 2],
            pts[pts.len() - 1],
            colour,
            if active { "arrow fw active" } else { "arrow" },
        );
    }
    // The backward message: the same route, dashed, arrow pointing back.
    if step.phase == Phase::Backward {
        for be in &step.active_edges {
            // Backward edges are stored child → parent; find the route parent → child.
            if let Some(e) = scene
                .layout
                .edges
                .iter()
                .find(|e| e.from == be.from && e.to == be.to && e.slot == be.slot)
            {
                let pts: Vec<Point> = e
                    .points
                    .iter()
                    .map(|p| Point {
                        x: p.x,
                        y: p.y + TOP,
                    })
                    .collect();
                if pts.len() < 2 {
                    continue;
                }
                let d = path_d(&pts, 0.0);
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
                arrow(&mut svg, pts[1], pts[0], BACKWARD, "arrow bw active");
                if let Some(label) = &step.edge_label {
                    message_band(&mut svg, scene, label);
                }
            }
        }
    }

    // Nodes.
    for (i, node) in g.nodes.iter().enumerate() {
        let c = scene.center(i);
        let (w, h) = scene.sizes[i];
        let (x, y) = (c.x - w / 2.0, c.y - h / 2.0);
        let active = step.active_nodes.contains(&i);
        node_shape(&mut svg, node.kind, x, y, w, h, active);
        let cx = n(c.x);
        svg.text(
            "text",
            &[
                ("class", "label"),
                ("x", &cx),
                ("y", &n(y + if node.kind == Kind::Const { 24.0 } else { 17.0 })),
                ("text-anchor", "middle"),
                ("font-size", "13"),
                ("font-weight", "bold"),
                ("fill", INK),
            ],
            &story.labels[i],
        );
        let (value, vclass, vcol) = match step.values[i] {
            // A constant's label is already its value.
            Some(_) if node.kind == Kind::Const => (String::new(), "value", INK),
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
        if let Some(d) = step.grads[i] {
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
                &format!("∇ {}", num(d)),
            );
        }
    }
    svg.finish()
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
    let fid = format!("{}-{}", s.id, run.view.name());
    let title = s.title.clone().unwrap_or_else(|| s.id.clone());
    (0..story.steps.len())
        .map(|k| {
            let id = format!("{fid}-f{k}");
            frame(
                run.graph(),
                &story,
                &scene,
                k,
                &FrameMeta {
                    id: &id,
                    figure_title: &title,
                },
            )
        })
        .collect()
}
