//! Figure "graph": the whole graph, still, after backward.

use super::open;
use crate::engine::Kind;
use crate::render::node::{EdgeLook, draw_node, node_shape};
use crate::render::scene::Scene;
use crate::render::svg::{Svg, arrow, font, line, p, text};
use crate::render::theme::{BACKWARD, FORWARD, INK, MUTED};
use crate::scenario::Run;
use crate::story::{self, Phase, num};

/// The node kinds of the legend, one every `LEGEND_STEP`.
const KINDS: [Kind; 5] = [
    Kind::Param,
    Kind::Input,
    Kind::Const,
    Kind::Op,
    Kind::Module,
];
const LEGEND_STEP: f64 = 112.0;

/// One still frame of the whole graph after backward: every forward value
/// and every gradient, forward marked by solid arrows to the right, backward
/// by a dashed arrow to the left, and a legend of node kinds.
pub fn graph_still(run: &Run, id: &str, title: &str) -> String {
    let g = run.graph();
    let story = story::tell(run);
    let done = story
        .steps
        .iter()
        .rev()
        .find(|s| s.phase == Phase::Done)
        .expect("every story has a done step");
    let scene = Scene::still(g, &story);
    let graph_bottom = scene.top + scene.layout.height;
    let legend_w = KINDS.len() as f64 * LEGEND_STEP + 28.0;
    let width = scene.width.max(legend_w);
    let height = graph_bottom + 96.0;
    let out = &story.labels[run.output()];
    let seed = num(g.nodes[run.output()].grad);
    let desc = format!(
        "Forward values flow left to right and are cached on each node; gradients flow right to left from {out} with seed {seed}. {}",
        done.narration
    );
    let mut svg = open(id, "figure graph", (width, height), title, &desc);
    forward_direction(&mut svg, width);
    scene.draw_edges(&mut svg, g, &EdgeLook::quiet("edge fw"));
    for i in 0..g.len() {
        draw_node(&mut svg, &scene.node_draw(g, &story, i, Some(done)));
    }
    let y = graph_bottom + 10.0;
    backward_direction(&mut svg, width, y, out, &seed);
    legend(&mut svg, y + 34.0);
    svg.finish()
}

/// The forward direction along the top.
fn forward_direction(svg: &mut Svg, width: f64) {
    let fw = font(12.0, FORWARD).bold();
    text(svg, "direction fw", 14.0, 14.0, fw, "forward: values →");
    line(
        svg,
        "direction fw",
        p(14.0, 24.0),
        p(width - 16.0, 24.0),
        FORWARD,
        "1.5",
        "",
    );
    arrow(
        svg,
        p(width - 30.0, 24.0),
        p(width - 14.0, 24.0),
        FORWARD,
        "arrow direction fw",
    );
}

/// The backward direction along the bottom at `y`: dashed, pointing left,
/// from the seed on the output `out`.
fn backward_direction(svg: &mut Svg, width: f64, y: f64, out: &str, seed: &str) {
    line(
        svg,
        "direction bw",
        p(16.0, y),
        p(width - 14.0, y),
        BACKWARD,
        "1.5",
        "6 4",
    );
    arrow(svg, p(30.0, y), p(14.0, y), BACKWARD, "arrow direction bw");
    let bw = font(12.0, BACKWARD).bold();
    text(
        svg,
        "direction bw",
        14.0,
        y + 18.0,
        bw,
        &format!("← backward: gradients (∇ = ∂{out}/∂node), from the seed {seed} on {out}"),
    );
}

/// The legend at `ly`: the node kinds, drawn with the frame's shapes.
fn legend(svg: &mut Svg, ly: f64) {
    let small = font(12.0, INK);
    let mut x = 14.0;
    for kind in KINDS {
        node_shape(svg, kind, x, ly, 40.0, 22.0, false);
        text(svg, "legend", x + 46.0, ly + 15.0, small, kind.name());
        x += LEGEND_STEP;
    }
    text(
        svg,
        "legend",
        14.0,
        ly + 44.0,
        font(11.0, MUTED),
        "Each node: its name, its forward value, and ∇ its gradient.",
    );
}
