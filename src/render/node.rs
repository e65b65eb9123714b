//! Nodes and the edges between them, as every frame and still draws them.
//!
//! Colour is never the only cue: kinds of nodes differ in shape (leaves are
//! pills, a param has an inner ring, a module a bar, a constant a dashed
//! outline), the active node has a dashed halo, forward edges are solid with
//! arrowheads pointing right and backward messages dashed with arrowheads
//! pointing left.

use super::svg::{Svg, arrow, n, polyline, rounded};
use super::theme::{
    BACKWARD, CH, CH_BOLD, FORWARD, INK, LINE, MODULE_FILL, MUTED, OUTLINE, PANEL, PAPER,
    PARAM_FILL, text_w,
};
use crate::engine::Kind;
use crate::layout::Point;
use crate::text::{num, operand};

/// A node's height.
pub(crate) const NODE_H: f64 = 52.0;

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
    /// A message adding to a gradient the node already had: (before,
    /// after), shown as the sum `∇ before + contribution = after`.
    pub sum: Option<(f64, f64)>,
    /// The sum is written in the step's message (a top-to-bottom frame):
    /// the node shows only its new total, in bold.
    pub sum_in_message: bool,
}

// ---------------------------------------------------------------------------
// Sizes: a box fits the longest text it shows.

/// A gradient line as a node shows it.
fn grad_text(g: f64) -> String {
    format!("∇ {}", num(g))
}

/// Width of a node's bold label.
pub(crate) fn label_width(label: &str) -> f64 {
    text_w(label, CH_BOLD)
}

/// Width of a node's value line.
pub(crate) fn value_width(v: f64) -> f64 {
    text_w(&num(v), CH)
}

/// A running sum as a node shows it: `∇ −0.0607 + (−0.0612) = −0.1219`.
pub(crate) fn sum_text((before, after): (f64, f64)) -> String {
    format!(
        "∇ {} + {} = {}",
        num(before),
        operand(after - before),
        num(after)
    )
}

/// Width of a node's running-sum line.
pub(crate) fn sum_width(sum: (f64, f64)) -> f64 {
    text_w(&sum_text(sum), CH)
}

/// Width of a node's gradient line.
pub(crate) fn grad_width(g: f64) -> f64 {
    text_w(&grad_text(g), CH)
}

/// A node's box width for its widest text: padded, at least 64, whole.
pub(crate) fn box_width(text: f64) -> f64 {
    (text + 20.0).max(64.0).ceil()
}

/// The box of a node showing `label`, `value` and gradient `grad`.
pub(crate) fn box_size(label: &str, value: f64, grad: f64) -> (f64, f64) {
    let w = label_width(label)
        .max(value_width(value))
        .max(grad_width(grad));
    (box_width(w), NODE_H)
}

// ---------------------------------------------------------------------------
// Drawing a node.

/// Draws one node: shape, label, value and gradient lines.
pub(crate) fn draw_node(svg: &mut Svg, d: &NodeDraw) {
    node_static(svg, d);
    node_dynamic(svg, d);
}

/// A node's corner radius by kind: leaves are pills, ops boxes.
fn radius(kind: Kind, h: f64) -> f64 {
    if kind.is_leaf() { h / 2.0 } else { 5.0 }
}

/// Where node shapes differ, so kinds are told apart without colour.
pub(crate) fn node_shape(svg: &mut Svg, kind: Kind, x: f64, y: f64, w: f64, h: f64, active: bool) {
    let (class, fill, dash) = match kind {
        Kind::Param => ("node param", PARAM_FILL, ""),
        Kind::Input => ("node input", PANEL, ""),
        Kind::Const => ("node const", PAPER, "4 3"),
        Kind::Op => ("node op", PAPER, ""),
        Kind::Module => ("node module", MODULE_FILL, ""),
    };
    let rx = radius(kind, h);
    let class = if active {
        format!("{class} active")
    } else {
        class.to_string()
    };
    let stroke = if active {
        (INK, "2.5")
    } else {
        (OUTLINE, "1.2")
    };
    rounded(svg, &class, (x, y, w, h), rx, fill, Some(stroke), dash);
    match kind {
        // A param has a second, inner outline: it learns.
        Kind::Param => rounded(
            svg,
            "node-inner",
            (x + 3.0, y + 3.0, w - 6.0, h - 6.0),
            h / 2.0 - 3.0,
            "none",
            Some((OUTLINE, "0.8")),
            "",
        ),
        // A module has a thick bar on its left: a larger node.
        Kind::Module => rounded(svg, "node-bar", (x, y, 6.0, h), 2.0, OUTLINE, None, ""),
        _ => {}
    }
    if active {
        halo(svg, x, y, w, h, rx);
    }
}

/// The dashed halo around an active node.
fn halo(svg: &mut Svg, x: f64, y: f64, w: f64, h: f64, rx: f64) {
    rounded(
        svg,
        "halo",
        (x - 5.0, y - 5.0, w + 10.0, h + 10.0),
        rx + 4.0,
        "none",
        Some((INK, "1.2")),
        "3 3",
    );
}

/// Marks an active node drawn by a frame's base: a thick outline and a halo.
pub(crate) fn active_outline(svg: &mut Svg, kind: Kind, x: f64, y: f64, w: f64, h: f64) {
    let rx = radius(kind, h);
    rounded(
        svg,
        "outline",
        (x, y, w, h),
        rx,
        "none",
        Some((INK, "2.5")),
        "",
    );
    halo(svg, x, y, w, h, rx);
}

/// The parts of a node that never change during a trace: its shape and its
/// label.
pub(crate) fn node_static(svg: &mut Svg, d: &NodeDraw) {
    let c = d.center;
    let (w, h) = d.size;
    let (x, y) = (c.x - w / 2.0, c.y - h / 2.0);
    node_shape(svg, d.kind, x, y, w, h, d.active);
    let cx = n(c.x);
    let constant = d.kind == Kind::Const;
    svg.text(
        "text",
        &[
            ("class", if constant { "label const" } else { "label" }),
            ("x", &cx),
            ("y", &n(y + if constant { 24.0 } else { 17.0 })),
            ("text-anchor", "middle"),
            ("font-size", "13"),
            ("font-weight", "bold"),
            ("fill", if constant { MUTED } else { INK }),
        ],
        d.label,
    );
}

/// The parts of a node a step changes: its value (or `?`) and its gradient.
pub(crate) fn node_dynamic(svg: &mut Svg, d: &NodeDraw) {
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
    // A constant is part of the graph, not of the story: no gradient.
    let grad = d.grad.filter(|_| d.kind != Kind::Const);
    let (class, text) = match (d.sum, grad) {
        (Some((_, after)), _) if d.sum_in_message => ("grad sum", grad_text(after)),
        (Some(sum), _) => ("grad sum", sum_text(sum)),
        (None, Some(g)) => ("grad", grad_text(g)),
        (None, None) => return,
    };
    let y = n(y + 46.0);
    let mut attrs = vec![
        ("class", class),
        ("x", cx.as_str()),
        ("y", y.as_str()),
        ("text-anchor", "middle"),
        ("font-size", "12"),
        ("fill", BACKWARD),
    ];
    if d.sum.is_some() {
        // The accumulation is what the reader watches.
        attrs.push(("font-weight", "bold"));
    }
    svg.text("text", &attrs, &text);
}

// ---------------------------------------------------------------------------
// Drawing an edge.

/// How an edge is drawn: its route's class and stroke, its arrowhead's
/// class, and which way the arrowhead points.
pub(crate) struct EdgeLook {
    pub class: &'static str,
    pub arrow: &'static str,
    pub colour: &'static str,
    pub width: &'static str,
    pub dash: &'static str,
    /// The arrowhead sits at the route's start, pointing back to the source.
    pub backward: bool,
}

impl EdgeLook {
    /// A quiet edge of the drawing every step shares (or of a still);
    /// `class` tells the two apart.
    pub const fn quiet(class: &'static str) -> EdgeLook {
        EdgeLook {
            class,
            arrow: "arrow",
            colour: LINE,
            width: "1.4",
            dash: "",
            backward: false,
        }
    }

    /// The same quiet edge out of a constant: dotted, so a constant reads
    /// as part of the graph but not of the story.
    pub fn out_of_const(&self) -> EdgeLook {
        EdgeLook {
            class: match self.class {
                "edge fw" => "edge fw const",
                _ => "edge const",
            },
            dash: "2 3",
            ..*self
        }
    }
}

/// The edge a forward step is sending a value along.
pub(crate) const FORWARD_ACTIVE: EdgeLook = EdgeLook {
    class: "edge fw active",
    arrow: "arrow fw active",
    colour: FORWARD,
    width: "2.5",
    dash: "",
    backward: false,
};

/// The edge a backward step is sending a message along.
pub(crate) const BACKWARD_ACTIVE: EdgeLook = EdgeLook {
    class: "edge bw active",
    arrow: "arrow bw active",
    colour: BACKWARD,
    width: "2.5",
    dash: "6 4",
    backward: true,
};

/// Draws an edge along its route `pts` (at least two points) with its
/// arrowhead.
pub(crate) fn draw_edge(svg: &mut Svg, pts: &[Point], look: &EdgeLook) {
    polyline(svg, look.class, pts, look.colour, look.width, look.dash);
    let k = pts.len();
    let (from, tip) = if look.backward {
        (pts[1], pts[0])
    } else {
        (pts[k - 2], pts[k - 1])
    };
    arrow(svg, from, tip, look.colour, look.arrow);
}
