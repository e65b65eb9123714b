//! Figure "modes": forward mode against reverse mode on one graph. A still
//! per param, each node with its value and its derivative along that param
//! (one forward-mode pass); the reverse tab is the `graph` still (one
//! backward pass, every leaf's gradient).

use super::open;
use crate::engine::Kind;
use crate::figure::modes::Modes;
use crate::render::node::{EdgeLook, NodeDraw, draw_node};
use crate::render::scene::{Direction, Scene};
use crate::render::svg::{Drawing, Svg, font, n, text};
use crate::render::theme::{CH, EM, EM_BOLD, FORWARD, INK, MUTED, text_w};
use crate::scenario::Run;
use crate::story;
use crate::text::{num, wrap_words};

/// A node's derivative along `name`, as the still writes it under its value.
fn tangent_text(name: &str, t: f64) -> String {
    format!("∂/∂{name} {}", num(t))
}

/// The still of forward-mode pass `k` of `modes` over `run`'s graph.
pub fn forward_still(
    run: &Run,
    modes: &Modes,
    k: usize,
    id: &str,
    title: &str,
    direction: Direction,
) -> Drawing {
    let g = run.graph();
    let story = story::tell(run);
    let pass = &modes.passes[k];
    let name = &pass.name;
    let texts: Vec<f64> = (pass.tangents.iter())
        .map(|&t| text_w(&tangent_text(name, t), CH))
        .collect();
    let scene = Scene::still_fitting(g, &story, direction, &texts);
    let down = direction == Direction::TopDown;
    let width = scene.width;
    let out = &story.labels[run.output()];
    let d_out = num(pass.tangents[run.output()]);
    let head = format!(
        "forward mode, seeded at {name} {}",
        if down { "↓" } else { "→" }
    );
    let seed = format!("∂{name}/∂{name} = 1, every other leaf 0");
    let others = modes.passes.len() - 1;
    let foot = format!(
        "One pass through the {} operations, one product per edge ({}), gives ∂{out}/∂{name} = {d_out} and every node's derivative along {name}. {} Reverse mode gives ∂{out}/∂leaf for every leaf at once, in one backward pass of {} messages.",
        modes.ops,
        modes.edges,
        match others {
            0 => "It is the only param.".to_string(),
            1 => "The other param needs a pass of its own.".to_string(),
            n => format!("The other {n} params need a pass each."),
        },
        modes.edges
    );
    let mut head_lines: Vec<(String, bool)> = (wrap_words(&head, width - 28.0, 12.0 * EM_BOLD)
        .into_iter())
    .map(|l| (l, true))
    .collect();
    head_lines.extend(
        wrap_words(&seed, width - 28.0, 12.0 * EM)
            .into_iter()
            .map(|l| (l, false)),
    );
    let foot_lines = wrap_words(&foot, width - 28.0, 12.0 * EM);
    let lift = 18.0 * (head_lines.len() as f64 - 1.0);
    let graph_bottom = lift + scene.top + scene.layout.height;
    let height = graph_bottom + 14.0 + 18.0 * foot_lines.len() as f64;
    let desc = format!("{head}: {seed}. {foot}");
    let mut svg = open(id, "figure graph modes", (width, height), title, &desc);
    for (i, (line, bold)) in head_lines.iter().enumerate() {
        let f = font(12.0, FORWARD);
        let f = if *bold { f.bold() } else { f };
        text(
            &mut svg,
            "direction fw",
            14.0,
            16.0 + 18.0 * i as f64,
            f,
            line,
        );
    }
    svg.open("g", &[("transform", &format!("translate(0,{})", n(lift)))]);
    scene.draw_edges(&mut svg, g, &EdgeLook::quiet("edge fw"));
    for i in 0..g.len() {
        let mut nd: NodeDraw = scene.node_draw(g, &story, i, None);
        nd.value = Some(g.nodes[i].value);
        nd.active = i == pass.leaf;
        draw_node(&mut svg, &nd);
        tangent(
            &mut svg,
            &nd,
            &tangent_text(name, pass.tangents[i]),
            pass.tangents[i],
        );
    }
    svg.close("g");
    for (i, line) in foot_lines.iter().enumerate() {
        let y = graph_bottom + 14.0 + 18.0 * i as f64;
        text(&mut svg, "modes-note", 14.0, y, font(12.0, INK), line);
    }
    svg.drawing()
}

/// A node's derivative along the pass, where a gradient line would be: in
/// the forward colour, muted where it is 0 (the pass does not reach it).
fn tangent(svg: &mut Svg, nd: &NodeDraw, s: &str, t: f64) {
    if nd.kind == Kind::Const {
        return;
    }
    let (_, h) = nd.size;
    let y = nd.center.y - h / 2.0 + 46.0;
    let colour = if t == 0.0 { MUTED } else { FORWARD };
    text(svg, "tangent", nd.center.x, y, font(12.0, colour).mid(), s);
}
