//! Figure "graph": the whole graph, still, after backward.

use super::open;
use crate::engine::Kind;
use crate::render::node::{EdgeLook, draw_node, node_shape};
use crate::render::scene::{Direction, Scene};
use crate::render::svg::Drawing;
use crate::render::svg::{Svg, arrow, font, line, p, text};
use crate::render::theme::{BACKWARD, FORWARD, INK, MUTED};
use crate::render::theme::{EM, EM_BOLD};
use crate::scenario::Run;
use crate::story::{self, Phase};
use crate::text::num;
use crate::text::wrap_words;

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
pub fn graph_still(run: &Run, id: &str, title: &str) -> Drawing {
    graph_still_in(run, id, title, Direction::LeftRight)
}

/// [`graph_still`] in `direction`: top to bottom (a phone's), forward runs
/// down the left side and backward up the right, and the legend and notes
/// wrap to the phone's column.
pub fn graph_still_in(run: &Run, id: &str, title: &str, direction: Direction) -> Drawing {
    let g = run.graph();
    let story = story::tell(run);
    let at = (story.steps.iter())
        .rposition(|s| s.phase == Phase::Done)
        .expect("every story has a done step");
    let done = &story.steps[at];
    let state = story.state_at(at);
    let scene = Scene::still_with(g, &story, direction);
    let out = &story.labels[run.output()];
    let seed = num(g.nodes[run.output()].grad);
    let down = direction == Direction::TopDown;
    let (fw_words, bw_words) = if down {
        ("top to bottom", "bottom to top")
    } else {
        ("left to right", "right to left")
    };
    let desc = format!(
        "Forward values flow {fw_words} and are cached on each node; gradients flow {bw_words} from {out} with seed {seed}. {}",
        done.narration
    );
    let graph_bottom = scene.top + scene.layout.height;
    let columns = if down { 2 } else { KINDS.len() };
    let legend_w = columns as f64 * LEGEND_STEP + 28.0;
    let width = scene.width.max(legend_w);
    let bw_lines = backward_words(if down { "↑" } else { "←" }, out, &seed, width - 28.0);
    let legend_rows = KINDS.len().div_ceil(columns) as f64;
    let note_lines = wrap_words(NOTE, width - 28.0, 11.0 * EM).len() as f64;
    let legend_top = graph_bottom + 10.0 + 18.0 * bw_lines.len() as f64 + 16.0;
    let height = legend_top + 30.0 * legend_rows + 16.0 * note_lines + 6.0;
    let mut svg = open(id, "figure graph", (width, height), title, &desc);
    // Top to bottom, the directions run down the sides where there is room
    // beside the graph (their words say them anyway).
    let sides = down && scene.dx + (width - scene.width) / 2.0 >= 6.0;
    if down {
        if sides {
            forward_down(&mut svg, graph_bottom);
        } else {
            let fw = font(12.0, FORWARD).bold();
            text(
                &mut svg,
                "direction fw",
                14.0,
                14.0,
                fw,
                "forward: values ↓",
            );
        }
    } else {
        forward_direction(&mut svg, width);
    }
    // A phone's graph narrower than its frame is centred in it.
    let dx = if down {
        (width - scene.width) / 2.0
    } else {
        0.0
    };
    if dx > 0.0 {
        svg.open(
            "g",
            &[(
                "transform",
                &format!("translate({})", crate::render::svg::n(dx)),
            )],
        );
    }
    scene.draw_edges(&mut svg, g, &EdgeLook::quiet("edge fw"));
    for i in 0..g.len() {
        draw_node(&mut svg, &scene.node_draw(g, &story, i, Some(&state)));
    }
    if dx > 0.0 {
        svg.close("g");
    }
    let y = graph_bottom + 10.0;
    if down {
        if sides {
            backward_up(&mut svg, width, scene.top, graph_bottom);
        }
        let bw = font(12.0, BACKWARD).bold();
        for (i, line) in bw_lines.iter().enumerate() {
            text(
                &mut svg,
                "direction bw",
                14.0,
                y + 12.0 + 18.0 * i as f64,
                bw,
                line,
            );
        }
    } else {
        backward_direction(&mut svg, width, y, &bw_lines);
    }
    legend(&mut svg, legend_top, columns, width - 28.0);
    svg.drawing()
}

/// What the legend says under the shapes.
const NOTE: &str = "Each node: its name, its forward value, and ∇ its gradient.";

/// The backward direction's words, on as many lines as `room` needs.
fn backward_words(arrow: &str, out: &str, seed: &str, room: f64) -> Vec<String> {
    wrap_words(
        &format!("{arrow} backward: gradients (∇ = ∂{out}/∂node), from the seed {seed} on {out}"),
        room,
        12.0 * EM_BOLD,
    )
}

/// The forward direction down the left side, top to bottom.
fn forward_down(svg: &mut Svg, bottom: f64) {
    let fw = font(12.0, FORWARD).bold();
    text(svg, "direction fw", 14.0, 14.0, fw, "forward: values ↓");
    line(
        svg,
        "direction fw",
        p(8.0, 22.0),
        p(8.0, bottom),
        FORWARD,
        "1.5",
        "",
    );
    arrow(
        svg,
        p(8.0, bottom - 16.0),
        p(8.0, bottom),
        FORWARD,
        "arrow direction fw",
    );
}

/// The backward direction up the right side, bottom to top.
fn backward_up(svg: &mut Svg, width: f64, top: f64, bottom: f64) {
    let x = width - 8.0;
    line(
        svg,
        "direction bw",
        p(x, top + 2.0),
        p(x, bottom),
        BACKWARD,
        "1.5",
        "6 4",
    );
    arrow(
        svg,
        p(x, top + 18.0),
        p(x, top + 2.0),
        BACKWARD,
        "arrow direction bw",
    );
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
/// from the seed on the output, its words in `lines`.
fn backward_direction(svg: &mut Svg, width: f64, y: f64, lines: &[String]) {
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
    for (i, line) in lines.iter().enumerate() {
        text(
            svg,
            "direction bw",
            14.0,
            y + 18.0 * (i + 1) as f64,
            bw,
            line,
        );
    }
}

/// The legend at `ly`: the node kinds, drawn with the frame's shapes, in
/// rows of `columns`; then the note, wrapped to `room`.
fn legend(svg: &mut Svg, ly: f64, columns: usize, room: f64) {
    let small = font(12.0, INK);
    for (i, kind) in KINDS.into_iter().enumerate() {
        let x = 14.0 + (i % columns) as f64 * LEGEND_STEP;
        let y = ly + 30.0 * (i / columns) as f64;
        node_shape(svg, kind, x, y, 40.0, 22.0, false);
        text(svg, "legend", x + 46.0, y + 15.0, small, kind.name());
    }
    let rows = KINDS.len().div_ceil(columns) as f64;
    for (i, line) in wrap_words(NOTE, room, 11.0 * EM).iter().enumerate() {
        let y = ly + 30.0 * rows + 14.0 + 16.0 * i as f64;
        text(svg, "legend", 14.0, y, font(11.0, MUTED), line);
    }
}
