//! The still figures of `SCENARIOS.md` besides the step-through trace: the
//! whole graph at once, the rulebook card, the two-view gradient table, the
//! batch (contributions, update, plot) and the step-size plot.
//!
//! Every number drawn comes from an engine run: values, gradients and
//! messages of a [`Run`], the rulebook's forward functions for the sigmoid
//! curve, and the engine's finite differences for the step-size plot. The
//! SVG follows the frame renderer's habits (`frame.rs`): colours as
//! presentation attributes plus a class on every element, one element per
//! line, no `style`, `role="img"` with a `<title>` and `<desc>`; colour is
//! never the only cue (dashes, arrowheads and marker shapes carry meaning).

use super::frame::{
    BACKWARD, CH, CH_BOLD, FONT, FORWARD, INK, LINE, MUTED, NODE_H, NodeDraw, PAPER, Scene, TOP,
    arrow, draw_node, node_shape, path_d, text_w,
};
use super::svg::{Svg, esc, n};
use crate::engine::gradcheck::{central_difference, forward_difference};
use crate::engine::{Graph, Kind, NodeId, Op};
use crate::layout::Point;
use crate::scenario::{Run, Scenario, View};
use crate::story::{self, Phase, formula, local_rule, num, operand};

/// Text attributes: size, colour, anchor, weight.
#[derive(Clone, Copy)]
struct Font {
    size: f64,
    fill: &'static str,
    anchor: &'static str,
    bold: bool,
}

const fn font(size: f64, fill: &'static str) -> Font {
    Font {
        size,
        fill,
        anchor: "start",
        bold: false,
    }
}

impl Font {
    const fn mid(self) -> Font {
        Font {
            anchor: "middle",
            ..self
        }
    }
    const fn end(self) -> Font {
        Font {
            anchor: "end",
            ..self
        }
    }
    const fn bold(self) -> Font {
        Font { bold: true, ..self }
    }
    /// Estimated width of `s`: DejaVu Sans averages about 0.62 em
    /// (0.7 em bold), so boxes are sized without measuring fonts.
    fn width(self, s: &str) -> f64 {
        s.chars().count() as f64 * self.size * if self.bold { 0.7 } else { 0.62 }
    }
}

fn txt(svg: &mut Svg, class: &str, x: f64, y: f64, f: Font, s: &str) {
    let (xs, ys, size) = (n(x), n(y), n(f.size));
    let mut attrs = vec![
        ("class", class),
        ("x", xs.as_str()),
        ("y", ys.as_str()),
        ("font-size", size.as_str()),
        ("fill", f.fill),
    ];
    if f.anchor != "start" {
        attrs.push(("text-anchor", f.anchor));
    }
    if f.bold {
        attrs.push(("font-weight", "bold"));
    }
    svg.text("text", &attrs, s);
}

fn line(svg: &mut Svg, class: &str, a: Point, b: Point, stroke: &str, width: &str, dash: &str) {
    let (x1, y1, x2, y2) = (n(a.x), n(a.y), n(b.x), n(b.y));
    let mut attrs = vec![
        ("class", class),
        ("x1", x1.as_str()),
        ("y1", y1.as_str()),
        ("x2", x2.as_str()),
        ("y2", y2.as_str()),
        ("stroke", stroke),
        ("stroke-width", width),
    ];
    if !dash.is_empty() {
        attrs.push(("stroke-dasharray", dash));
    }
    svg.empty("line", &attrs);
}

fn rect(svg: &mut Svg, class: &str, (x, y, w, h): (f64, f64, f64, f64), fill: &str, stroke: &str) {
    let (xs, ys, ws, hs) = (n(x), n(y), n(w), n(h));
    let mut attrs = vec![
        ("class", class),
        ("x", xs.as_str()),
        ("y", ys.as_str()),
        ("width", ws.as_str()),
        ("height", hs.as_str()),
        ("fill", fill),
    ];
    if !stroke.is_empty() {
        attrs.push(("stroke", stroke));
        attrs.push(("stroke-width", "1"));
    }
    svg.empty("rect", &attrs);
}

fn p(x: f64, y: f64) -> Point {
    Point { x, y }
}

/// Opens a figure: the root with its accessible name (`<title>` and
/// `<desc>` with ids prefixed by `id`) and the paper background.
fn open(id: &str, class: &str, (w, h): (f64, f64), title: &str, desc: &str) -> Svg {
    let (tid, did) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled = format!("{tid} {did}");
    let mut svg = Svg::new(
        w,
        h,
        &[
            ("role", "img"),
            ("aria-labelledby", &labelled),
            ("class", class),
            ("font-family", FONT),
        ],
    );
    svg.text("title", &[("id", &tid)], title);
    svg.text("desc", &[("id", &did)], desc);
    let (ws, hs) = (n(w), n(h));
    svg.empty(
        "rect",
        &[
            ("class", "paper"),
            ("width", &ws),
            ("height", &hs),
            ("fill", PAPER),
        ],
    );
    svg
}

/// The op's name for a heading.
fn op_word(op: Op) -> &'static str {
    match op {
        Op::Add => "Add",
        Op::Mul => "Multiply",
        Op::Neg => "Negate",
        Op::Recip => "Reciprocal",
        Op::Exp => "Exponential",
        Op::Log => "Logarithm",
        Op::Pow(_) => "Power",
        Op::Relu => "ReLU",
        Op::Tanh => "Tanh",
        Op::Linear => "Linear",
        Op::Sigmoid => "Sigmoid",
        Op::Bce => "Binary cross-entropy",
    }
}

// ---------------------------------------------------------------------------
// Figure "graph": the whole graph, still.

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
    let scene = Scene::new(g, &story);
    let graph_bottom = TOP + scene.layout.height;
    let legend_w = 5.0 * 112.0 + 28.0;
    let width = scene.width.max(legend_w);
    let height = graph_bottom + 96.0;
    let out = run.output();
    let desc = format!(
        "Forward values flow left to right and are cached on each node; gradients flow right to left from {} with seed {}. {}",
        story.labels[out],
        num(g.nodes[out].grad),
        done.narration
    );
    let mut svg = open(id, "figure graph", (width, height), title, &desc);

    // Forward direction along the top.
    let fw = font(12.0, FORWARD).bold();
    txt(
        &mut svg,
        "direction fw",
        14.0,
        14.0,
        fw,
        "forward: values →",
    );
    line(
        &mut svg,
        "direction fw",
        p(14.0, 24.0),
        p(width - 16.0, 24.0),
        FORWARD,
        "1.5",
        "",
    );
    arrow(
        &mut svg,
        p(width - 30.0, 24.0),
        p(width - 14.0, 24.0),
        FORWARD,
        "arrow direction fw",
    );

    // Edges: all forward, solid, arrowheads into the consumer.
    for e in &scene.layout.edges {
        let pts: Vec<Point> = e.points.iter().map(|q| p(q.x, q.y + TOP)).collect();
        if pts.len() < 2 {
            continue;
        }
        let d = path_d(&pts, 0.0);
        svg.empty(
            "path",
            &[
                ("class", "edge fw"),
                ("d", &d),
                ("fill", "none"),
                ("stroke", LINE),
                ("stroke-width", "1.2"),
            ],
        );
        arrow(
            &mut svg,
            pts[pts.len() - 2],
            pts[pts.len() - 1],
            LINE,
            "arrow",
        );
    }
    for (d, &i) in scene.arena.iter().enumerate() {
        draw_node(
            &mut svg,
            &NodeDraw {
                kind: g.nodes[i].kind,
                center: scene.center(d),
                size: scene.sizes[d],
                label: &story.labels[i],
                value: done.values[i],
                grad: done.grads[i],
                active: false,
                copies: scene.copies[d],
            },
        );
    }

    // Backward direction along the bottom: dashed, pointing left.
    let y = graph_bottom + 10.0;
    line(
        &mut svg,
        "direction bw",
        p(16.0, y),
        p(width - 14.0, y),
        BACKWARD,
        "1.5",
        "6 4",
    );
    arrow(
        &mut svg,
        p(30.0, y),
        p(14.0, y),
        BACKWARD,
        "arrow direction bw",
    );
    let bw = font(12.0, BACKWARD).bold();
    txt(
        &mut svg,
        "direction bw",
        14.0,
        y + 18.0,
        bw,
        &format!(
            "← backward: gradients (∇ = ∂{}/∂node), from the seed {} on {}",
            story.labels[out],
            num(g.nodes[out].grad),
            story.labels[out]
        ),
    );

    // Legend: the node kinds, drawn with the frame's shapes.
    let ly = y + 34.0;
    let small = font(12.0, INK);
    let mut x = 14.0;
    for kind in [
        Kind::Param,
        Kind::Input,
        Kind::Const,
        Kind::Op,
        Kind::Module,
    ] {
        node_shape(&mut svg, kind, x, ly, 40.0, 22.0, false);
        txt(&mut svg, "legend", x + 46.0, ly + 15.0, small, kind.name());
        x += 112.0;
    }
    txt(
        &mut svg,
        "legend",
        14.0,
        ly + 44.0,
        font(11.0, MUTED),
        "Each node: its name, its forward value, and ∇ its gradient.",
    );
    svg.finish()
}

// ---------------------------------------------------------------------------
// Figure "rule": one rulebook card.

/// Splits a rule in words into the formula and a remark about the cache:
/// "∂eᵃ/∂a = eᵃ, the cached output" → ("∂eᵃ/∂a = eᵃ", "the cached output").
fn split_rule(rule: &str) -> (&str, Option<&str>) {
    match rule.split_once(", ") {
        Some((f, remark)) if remark.contains("cached") => (f, Some(remark)),
        _ => (rule, None),
    }
}

/// A rulebook card for the single op of `s`'s graph: the op on concrete
/// values, each operand's local derivative in words and in numbers, the
/// upstream gradient (the block's seed) and each parent's contribution.
pub fn rule_card(s: &Scenario, run: &Run, id: &str) -> String {
    let g = run.graph();
    let labels = story::labels(g);
    let out = run.output();
    let Some(opn) = std::iter::once(out)
        .chain(0..g.len())
        .find(|&i| g.nodes[i].op.is_some())
    else {
        let title = s.title.clone().unwrap_or_else(|| "Rulebook card".into());
        let mut svg = open(id, "figure rule", (360.0, 60.0), &title, "No operation.");
        txt(
            &mut svg,
            "note",
            14.0,
            34.0,
            font(13.0, MUTED),
            "This graph has no operation to show.",
        );
        return svg.finish();
    };
    let node = &g.nodes[opn];
    let op = node.op.expect("found an op node");
    let name = &labels[opn];
    let upstream = node.grad;
    let messages: Vec<_> = run.messages.iter().filter(|m| m.from == opn).collect();
    let names: Vec<String> = node.parents.iter().map(|&q| labels[q].clone()).collect();
    let vals: Vec<String> = node
        .parents
        .iter()
        .map(|&q| operand(g.nodes[q].value))
        .collect();
    let forward_row = format!(
        "{name} = {} = {} = {}",
        formula(op, &names),
        formula(op, &vals),
        num(node.value)
    );
    let seed_word = if opn == out {
        " (the block's seed)"
    } else {
        ""
    };
    let upstream_row = format!("∂L/∂{name} = {}{seed_word}", num(upstream));
    // Per message: the operand, its local rule and numbers, the product.
    let mut rows: Vec<(String, String)> = Vec::new();
    for m in &messages {
        let to = &labels[m.to];
        let (rule, remark) = split_rule(local_rule(op, m.slot));
        let rhs = rule.rsplit(" = ").next().unwrap_or(rule);
        let value = if rhs == num(m.local) {
            String::new()
        } else {
            format!(" = {}", num(m.local))
        };
        let remark = remark.map(|r| format!(" ({r})")).unwrap_or_default();
        rows.push((
            format!("to {to}: local derivative {rule}{value}{remark}"),
            format!(
                "sends upstream × local = {} × {} = {}",
                num(m.upstream),
                operand(m.local),
                num(m.contribution)
            ),
        ));
    }
    let title = s
        .title
        .clone()
        .unwrap_or_else(|| format!("Rulebook card: {}", op_word(op)));
    let mut desc = format!(
        "{} ({}). Forward: {forward_row}. Upstream gradient {upstream_row}.",
        op_word(op),
        op.name()
    );
    for (a, b) in &rows {
        desc += &format!(" {a}; it {b}.");
    }

    // Geometry: operands on the left, the op in the middle, the upstream
    // gradient arriving from the right.
    let body = font(13.0, INK);
    let mut parents: Vec<NodeId> = Vec::new();
    for &q in &node.parents {
        if !parents.contains(&q) {
            parents.push(q);
        }
    }
    let size_of = |i: NodeId| {
        let nd = &g.nodes[i];
        let w = text_w(&labels[i], CH_BOLD)
            .max(text_w(&num(nd.value), CH))
            .max(text_w(&format!("∇ {}", num(nd.grad)), CH));
        ((w + 20.0).max(64.0).ceil(), NODE_H)
    };
    let text_width = std::iter::once(forward_row.as_str())
        .chain(std::iter::once(upstream_row.as_str()))
        .chain(rows.iter().flat_map(|(a, b)| [a.as_str(), b.as_str()]))
        .map(|r| body.width(r) + 120.0)
        .fold(0.0, f64::max);
    let width = text_width.max(660.0).ceil();
    let gap = 52.0;
    let top = 70.0;
    let k = parents.len() as f64;
    let diagram_h = (k * (NODE_H + gap) - gap).max(NODE_H);
    let op_c = p(340.0, top + diagram_h / 2.0);
    let op_size = size_of(opn);
    let rows_top = top + diagram_h + 44.0;
    let height = rows_top + 22.0 * (2.0 + 2.0 * rows.len() as f64) + 8.0;
    let mut svg = open(id, "figure rule", (width, height), &title, &desc);
    txt(
        &mut svg,
        "caption",
        14.0,
        22.0,
        font(14.0, INK).bold(),
        &format!("Rulebook card: {} ({})", op_word(op), op.name()),
    );

    let centers: Vec<Point> = parents
        .iter()
        .enumerate()
        .map(|(j, &q)| {
            let (w, _) = size_of(q);
            p(
                24.0 + w / 2.0,
                top + NODE_H / 2.0 + j as f64 * (NODE_H + gap),
            )
        })
        .collect();
    let nslots = node.parents.len() as f64;
    let small = font(12.0, BACKWARD);
    for m in &messages {
        let j = parents.iter().position(|&q| q == m.to).unwrap_or(0);
        let (w, _) = size_of(m.to);
        let a = p(centers[j].x + w / 2.0, centers[j].y);
        let b = p(
            op_c.x - op_size.0 / 2.0,
            op_c.y + (m.slot as f64 - (nslots - 1.0) / 2.0) * 14.0,
        );
        // Forward edge, solid, into the op.
        line(&mut svg, "edge fw", a, b, FORWARD, "1.5", "");
        arrow(
            &mut svg,
            p(a.x + (b.x - a.x) * 0.9, a.y + (b.y - a.y) * 0.9),
            b,
            FORWARD,
            "arrow fw",
        );
        // Backward message, dashed, parallel, back to the operand.
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        let off = 7.0;
        let (ox, oy) = (dy / len * off, -dx / len * off);
        let (ba, bb) = (p(a.x + ox + 4.0, a.y + oy), p(b.x + ox, b.y + oy));
        line(&mut svg, "edge bw", bb, ba, BACKWARD, "1.5", "5 3");
        arrow(&mut svg, bb, ba, BACKWARD, "arrow bw");
        let label = format!(
            "{} × {} = {}",
            num(m.upstream),
            operand(m.local),
            num(m.contribution)
        );
        let lw = small.width(&label) + 12.0;
        let mid = p((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
        // Labels sit outside the fan of edges: above the upper edges, below
        // the lower ones, above a level one.
        let cy = if mid.y > op_c.y + 1.0 {
            a.y.max(b.y) + 22.0
        } else if mid.y < op_c.y - 1.0 {
            a.y.min(b.y) - 22.0
        } else {
            mid.y - 25.0
        };
        let cx = mid
            .x
            .clamp(lw / 2.0 + 4.0, op_c.x - op_size.0 / 2.0 - lw / 2.0 - 4.0);
        rect(
            &mut svg,
            "edge-label",
            (cx - lw / 2.0, cy - 10.0, lw, 20.0),
            PAPER,
            BACKWARD,
        );
        txt(
            &mut svg,
            "edge-label-text",
            cx,
            cy + 4.0,
            small.mid(),
            &label,
        );
    }
    for (j, &q) in parents.iter().enumerate() {
        let nd = &g.nodes[q];
        draw_node(
            &mut svg,
            &NodeDraw {
                kind: nd.kind,
                center: centers[j],
                size: size_of(q),
                label: &labels[q],
                value: Some(nd.value),
                grad: Some(nd.grad),
                active: false,
                copies: 1,
            },
        );
    }
    draw_node(
        &mut svg,
        &NodeDraw {
            kind: node.kind,
            center: op_c,
            size: op_size,
            label: name,
            value: Some(node.value),
            grad: Some(node.grad),
            active: true,
            copies: 1,
        },
    );
    txt(
        &mut svg,
        "op-symbol",
        op_c.x,
        op_c.y - NODE_H / 2.0 - 10.0,
        font(13.0, INK).bold().mid(),
        &if op.symbol().to_lowercase() == op.name() {
            op.symbol()
        } else {
            format!("{} {}", op.symbol(), op.name())
        },
    );
    // The upstream gradient arrives from the right.
    let right = op_c.x + op_size.0 / 2.0;
    line(
        &mut svg,
        "edge bw upstream",
        p(width - 20.0, op_c.y),
        p(right + 6.0, op_c.y),
        BACKWARD,
        "1.5",
        "5 3",
    );
    arrow(
        &mut svg,
        p(right + 20.0, op_c.y),
        p(right + 6.0, op_c.y),
        BACKWARD,
        "arrow bw upstream",
    );
    let ux = (right + width - 20.0) / 2.0;
    txt(
        &mut svg,
        "upstream",
        ux,
        op_c.y - 10.0,
        font(12.0, BACKWARD).bold().mid(),
        &format!("upstream ∂L/∂{name} = {}", num(upstream)),
    );
    if opn == out {
        txt(
            &mut svg,
            "upstream",
            ux,
            op_c.y + 20.0,
            font(12.0, BACKWARD).mid(),
            "the block's seed",
        );
    }

    // Text rows.
    let mut y = rows_top;
    rect(
        &mut svg,
        "rule-rows",
        (10.0, y - 22.0, width - 20.0, height - y + 12.0),
        "#f8fafc",
        LINE,
    );
    txt(&mut svg, "rule-forward", 20.0, y, body.bold(), "forward");
    txt(&mut svg, "rule-forward", 120.0, y, body, &forward_row);
    y += 22.0;
    txt(
        &mut svg,
        "rule-upstream",
        20.0,
        y,
        font(13.0, BACKWARD).bold(),
        "upstream",
    );
    txt(
        &mut svg,
        "rule-upstream",
        120.0,
        y,
        font(13.0, BACKWARD),
        &upstream_row,
    );
    for (a, b) in &rows {
        y += 22.0;
        txt(&mut svg, "rule-local", 20.0, y, body.bold(), "backward");
        txt(&mut svg, "rule-local", 120.0, y, body, a);
        y += 22.0;
        txt(
            &mut svg,
            "rule-contribution",
            120.0,
            y,
            font(13.0, BACKWARD),
            b,
        );
    }
    svg.finish()
}

// ---------------------------------------------------------------------------
// Figure "compare": the gradient table and the "what changed" notes.

fn leaf_label(g: &Graph, i: NodeId) -> String {
    let nd = &g.nodes[i];
    let name = nd.name.clone().unwrap_or_else(|| format!("#{i}"));
    match nd.example {
        Some(e) => format!("{name} (example {})", e + 1),
        None => name,
    }
}

/// An HTML table of every param's and input's gradient in both views, and
/// whether they agree (relative tolerance 1e-9, as the build checks).
pub fn gradient_table(atomic: &Run, modules: &Run, id: &str) -> String {
    let (ga, gm) = (atomic.graph(), modules.graph());
    let out = ga.nodes[atomic.output()]
        .name
        .clone()
        .unwrap_or_else(|| "L".into());
    let mut html = format!(
        "<table class=\"gradients\" id=\"{}-gradients\">\n<caption>Leaf gradients ∂{}/∂leaf in the atomic and the modules view</caption>\n",
        esc(id),
        esc(&out)
    );
    html += "<thead><tr><th scope=\"col\">leaf</th><th scope=\"col\">kind</th><th scope=\"col\">atomic view</th><th scope=\"col\">modules view</th><th scope=\"col\">agree?</th></tr></thead>\n<tbody>\n";
    for (i, nd) in ga.nodes.iter().enumerate() {
        if !matches!(nd.kind, Kind::Param | Kind::Input) {
            continue;
        }
        let other = gm
            .nodes
            .iter()
            .find(|m| m.kind == nd.kind && m.name == nd.name && m.example == nd.example);
        let (mtext, agree) = match other {
            Some(m) => (
                num(m.grad),
                (m.grad - nd.grad).abs() <= 1e-9 * (1.0 + nd.grad.abs()),
            ),
            None => ("—".to_string(), false),
        };
        html += &format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
            esc(&leaf_label(ga, i)),
            nd.kind.name(),
            num(nd.grad),
            mtext,
            if agree { "agree" } else { "disagree" },
            if agree { "✓ yes" } else { "✗ no" }
        );
    }
    html += "</tbody>\n</table>\n";
    html
}

/// Joins words as "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn plural(k: usize, one: &str, many: &str) -> String {
    format!("{k} {}", if k == 1 { one } else { many })
}

/// A short "what changed" paragraph for one view, with the run's counts.
pub fn view_note(run: &Run) -> String {
    let g = run.graph();
    let nodes = g.len();
    let ops = g.nodes.iter().filter(|x| x.kind == Kind::Op).count();
    let modules = g.nodes.iter().filter(|x| x.kind == Kind::Module).count();
    let messages = run.messages.len();
    let mut seen_ops: Vec<String> = Vec::new();
    let mut seen_modules: Vec<String> = Vec::new();
    for x in &g.nodes {
        if let Some(op) = x.op {
            let list = if op.is_module() {
                &mut seen_modules
            } else {
                &mut seen_ops
            };
            let w = if op.is_module() {
                op.symbol()
            } else {
                op.name().to_string()
            };
            if !list.contains(&w) {
                list.push(w);
            }
        }
    }
    let counts = format!(
        "{}, {}{}, {}",
        plural(nodes, "node", "nodes"),
        if modules > 0 {
            format!("{}, ", plural(modules, "module", "modules"))
        } else {
            String::new()
        },
        plural(ops, "rulebook op", "rulebook ops"),
        plural(messages, "backward message", "backward messages")
    );
    let body = match run.view {
        View::Atomic => format!(
            "<strong>Atomic view:</strong> {counts}. Every operation is one line of the rulebook ({}), so each backward message uses a one-line local derivative.",
            esc(&and_list(&seen_ops))
        ),
        View::Modules if modules > 0 => format!(
            "<strong>Modules view:</strong> {} {}; {counts}.",
            esc(&and_list(&seen_modules)),
            if seen_modules.len() == 1 {
                "is one node, with a closed-form backward rule"
            } else {
                "are one node each, with closed-form backward rules"
            }
        ),
        View::Modules => format!(
            "<strong>Modules view:</strong> {counts}. This graph uses no module, so it is the same as the atomic view."
        ),
    };
    format!("<p class=\"view-note\">{body}</p>\n")
}

// ---------------------------------------------------------------------------
// Figure "batch": contributions, update, plot.

/// The three parts of a batch figure.
pub struct BatchParts {
    /// HTML table: each example's contribution to each param, running sums.
    pub contributions: String,
    /// HTML: the SGD step per param and the loss before and after.
    pub update: String,
    /// SVG: the examples and the sigmoid curve before and after the update.
    pub plot: String,
}

/// The example a node belongs to (every non-shared node of a one-example
/// block belongs to example 0).
fn example_of(g: &Graph, i: NodeId, n_examples: usize) -> Option<usize> {
    let nd = &g.nodes[i];
    if n_examples > 1 {
        nd.example
    } else if nd.kind == Kind::Param {
        None
    } else {
        Some(0)
    }
}

/// Per-example rows of the contributions table, as the engine ran them.
struct ExampleRow {
    example: usize,
    inputs: Vec<(String, f64)>,
    prob: Option<f64>,
    output: Option<(f64, f64)>,
    /// Per param: (sum of this example's contributions, running total after).
    per_param: Vec<Option<(f64, f64)>>,
    first_message: usize,
}

fn example_rows(s: &Scenario, run: &Run, params: &[NodeId]) -> Vec<ExampleRow> {
    let g = run.graph();
    let k = s.examples.len();
    let out_name = &s.stmts[s.output].name;
    let mut rows: Vec<ExampleRow> = (0..k)
        .map(|e| {
            let mine = |i: &NodeId| example_of(g, *i, k) == Some(e);
            let inputs = (0..g.len())
                .filter(|i| g.nodes[*i].kind == Kind::Input && mine(i))
                .map(|i| {
                    (
                        g.nodes[i].name.clone().unwrap_or_default(),
                        g.nodes[i].value,
                    )
                })
                .collect();
            let named_p = (0..g.len())
                .find(|i| mine(i) && g.nodes[*i].name.as_deref() == Some("p"))
                .or_else(|| (0..g.len()).find(|i| mine(i) && g.nodes[*i].op == Some(Op::Sigmoid)));
            let output = if k == 1 {
                Some(run.output())
            } else {
                (0..g.len()).find(|i| mine(i) && g.nodes[*i].name.as_ref() == Some(out_name))
            };
            ExampleRow {
                example: e,
                inputs,
                prob: named_p.map(|i| g.nodes[i].value),
                output: output.map(|i| (g.nodes[i].value, g.nodes[i].grad)),
                per_param: vec![None; params.len()],
                first_message: usize::MAX,
            }
        })
        .collect();
    for (mi, m) in run.messages.iter().enumerate() {
        let Some(j) = params.iter().position(|&q| q == m.to) else {
            continue;
        };
        let Some(e) = example_of(g, m.from, k) else {
            continue;
        };
        let row = &mut rows[e];
        row.first_message = row.first_message.min(mi);
        let sum = row.per_param[j].map_or(0.0, |(c, _)| c) + m.contribution;
        row.per_param[j] = Some((sum, m.total));
    }
    // In the order the backward pass reached the examples.
    rows.sort_by_key(|r| (r.first_message, r.example));
    rows
}

/// The batch figure's parts for a scenario with `examples`.
pub fn batch(s: &Scenario, run: &Run, id: &str) -> BatchParts {
    let g = run.graph();
    let params: Vec<NodeId> = g.leaves(Kind::Param).collect();
    let pname = |i: NodeId| g.nodes[i].name.clone().unwrap_or_default();
    let rows = example_rows(s, run, &params);
    let k = s.examples.len();
    let out_name = s.stmts[s.output].name.clone();
    let show_p = rows.iter().any(|r| r.prob.is_some()) && out_name != "p";
    let input_names: Vec<String> = rows
        .first()
        .map(|r| r.inputs.iter().map(|(nm, _)| nm.clone()).collect())
        .unwrap_or_default();

    // Contributions table.
    let reduce = if s.mean {
        format!(
            "With reduce = mean, the backward pass first sends each example's {out_name} the upstream gradient {} (the seed × 1/{k}), so every contribution below already includes the 1/{k}.",
            rows.first()
                .and_then(|r| r.output)
                .map_or_else(String::new, |(_, gr)| num(gr))
        )
    } else {
        format!(
            "With reduce = sum, each example's {out_name} receives the seed itself as its upstream gradient."
        )
    };
    let mut t = format!(
        "<table class=\"batch-contributions\" id=\"{}-contributions\">\n<caption>Each example's contribution to the shared params {}, in the order the backward pass sent them (it walks the graph from the last node back). {} The running sums end in the final gradients.</caption>\n<thead><tr><th scope=\"col\">example</th>",
        esc(id),
        esc(&and_list(
            &params.iter().map(|&q| pname(q)).collect::<Vec<_>>()
        )),
        esc(&reduce)
    );
    for nm in &input_names {
        t += &format!("<th scope=\"col\">{}</th>", esc(nm));
    }
    if show_p {
        t += "<th scope=\"col\">p</th>";
    }
    t += &format!(
        "<th scope=\"col\">{0}</th><th scope=\"col\">upstream ∂L/∂{0}</th>",
        esc(&out_name)
    );
    for &q in &params {
        let nm = esc(&pname(q));
        t += &format!("<th scope=\"col\">to {nm}</th><th scope=\"col\">running ∂L/∂{nm}</th>");
    }
    t += "</tr></thead>\n<tbody>\n";
    let dash = "—".to_string();
    for r in &rows {
        t += &format!("<tr><th scope=\"row\">{}</th>", r.example + 1);
        for (_, v) in &r.inputs {
            t += &format!("<td>{}</td>", num(*v));
        }
        if show_p {
            t += &format!("<td>{}</td>", r.prob.map_or(dash.clone(), num));
        }
        let (ov, og) = r
            .output
            .map_or((dash.clone(), dash.clone()), |(v, gr)| (num(v), num(gr)));
        t += &format!("<td>{ov}</td><td>{og}</td>");
        for (j, &q) in params.iter().enumerate() {
            let nm = esc(&pname(q));
            let (c, run_total) =
                r.per_param[j].map_or((dash.clone(), dash.clone()), |(c, tt)| (num(c), num(tt)));
            t += &format!(
                "<td class=\"contribution\" data-param=\"{nm}\">{c}</td><td class=\"running\" data-param=\"{nm}\">{run_total}</td>"
            );
        }
        t += "</tr>\n";
    }
    t += "</tbody>\n<tfoot><tr><th scope=\"row\">";
    t += &if s.mean {
        format!("mean of {k} (× 1/{k}, already applied)")
    } else {
        format!("sum of {k}")
    };
    t += "</th>";
    let skip = input_names.len() + usize::from(show_p) + 2;
    if skip > 0 {
        t += &format!("<td colspan=\"{skip}\">final gradients</td>");
    }
    for &q in &params {
        let nm = esc(&pname(q));
        t += &format!(
            "<td></td><td class=\"total\" data-param=\"{nm}\"><strong>{}</strong></td>",
            num(g.nodes[q].grad)
        );
    }
    t += "</tr></tfoot>\n</table>\n";

    // Update.
    let update = match &run.update {
        None => "<p class=\"batch-update\">This block has no update.</p>\n".to_string(),
        Some(u) => {
            let lr = num(u.lr);
            let mut h = format!(
                "<div class=\"batch-update\">\n<table class=\"sgd-step\">\n<caption>One SGD step with learning rate {lr}: each param moves by −{lr} × its gradient</caption>\n<thead><tr><th scope=\"col\">param</th><th scope=\"col\">before</th><th scope=\"col\">∂L/∂param</th><th scope=\"col\">step</th><th scope=\"col\">after</th></tr></thead>\n<tbody>\n"
            );
            for (nm, before, grad, after) in &u.params {
                h += &format!(
                    "<tr><th scope=\"row\">{0}</th><td>{1}</td><td>{2}</td><td>{0} ← {1} − {lr} × {3} = {4}</td><td>{4}</td></tr>\n",
                    esc(nm),
                    num(*before),
                    num(*grad),
                    operand(*grad),
                    num(*after)
                );
            }
            let diff = u.output_after - u.output_before;
            let change = if diff < 0.0 {
                format!("lower by {}", num(-diff))
            } else if diff > 0.0 {
                format!("higher by {}", num(diff))
            } else {
                "unchanged".to_string()
            };
            h += &format!(
                "</tbody>\n</table>\n<p class=\"loss-change\">{0} before the step: {1}; after it (a fresh forward pass): {2}, {change}.</p>\n</div>\n",
                esc(&out_name),
                num(u.output_before),
                num(u.output_after)
            );
            h
        }
    };

    BatchParts {
        contributions: t,
        update,
        plot: batch_plot(s, run, id),
    }
}

/// The weight and bias names of `w·x + b` (or `linear(w, x, b)`), found in
/// the graph's structure, else the params named `w` and `b`.
fn slope_bias(g: &Graph) -> Option<(NodeId, NodeId)> {
    let is = |i: NodeId, k: Kind| g.nodes[i].kind == k;
    for nd in &g.nodes {
        match (nd.op, nd.parents.as_slice()) {
            (Some(Op::Linear), &[w, _, b]) if is(w, Kind::Param) && is(b, Kind::Param) => {
                return Some((w, b));
            }
            (Some(Op::Add), &[m, b]) if is(b, Kind::Param) && g.nodes[m].op == Some(Op::Mul) => {
                let mp = &g.nodes[m].parents;
                if let Some(&w) = mp.iter().find(|&&q| is(q, Kind::Param))
                    && mp.iter().any(|&q| is(q, Kind::Input))
                {
                    return Some((w, b));
                }
            }
            _ => {}
        }
    }
    Some((g.find("w")?, g.find("b")?)).filter(|(w, b)| is(*w, Kind::Param) && is(*b, Kind::Param))
}

/// "Nice" tick step for a range: 1, 2 or 5 times a power of ten.
fn nice_step(range: f64, target: f64) -> f64 {
    let raw = (range / target).max(1e-12);
    let mag = 10f64.powi(raw.log10().floor() as i32);
    let f = raw / mag;
    let nice = if f < 1.5 {
        1.0
    } else if f < 3.5 {
        2.0
    } else if f < 7.5 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

fn marker(svg: &mut Svg, class: &str, c: Point, square: bool, colour: &str, filled: bool) {
    let fill = if filled { colour } else { PAPER };
    if square {
        rect(svg, class, (c.x - 4.5, c.y - 4.5, 9.0, 9.0), fill, colour);
    } else {
        let (cx, cy) = (n(c.x), n(c.y));
        svg.empty(
            "circle",
            &[
                ("class", class),
                ("cx", &cx),
                ("cy", &cy),
                ("r", "5"),
                ("fill", fill),
                ("stroke", colour),
                ("stroke-width", "1.5"),
            ],
        );
    }
}

fn polyline(svg: &mut Svg, class: &str, pts: &[Point], colour: &str, width: &str, dash: &str) {
    let d = path_d(pts, 0.0);
    let mut attrs = vec![
        ("class", class),
        ("d", d.as_str()),
        ("fill", "none"),
        ("stroke", colour),
        ("stroke-width", width),
    ];
    if !dash.is_empty() {
        attrs.push(("stroke-dasharray", dash));
    }
    svg.empty("path", &attrs);
}

fn batch_plot(s: &Scenario, run: &Run, id: &str) -> String {
    let g = run.graph();
    let k = s.examples.len();
    let inputs: Vec<String> = s
        .examples
        .first()
        .map(|e| e.iter().map(|nm| nm.name.clone()).collect())
        .unwrap_or_default();
    let xname = if inputs.iter().any(|i| i == "x") {
        Some("x".to_string())
    } else {
        inputs.first().cloned()
    };
    let yname = if inputs.iter().any(|i| i == "y") {
        Some("y".to_string())
    } else {
        inputs.iter().find(|i| Some(*i) != xname.as_ref()).cloned()
    };
    // The points, read from the graph's input nodes.
    let value = |e: usize, name: &Option<String>| -> Option<f64> {
        let name = name.as_ref()?;
        (0..g.len())
            .find(|&i| {
                g.nodes[i].kind == Kind::Input
                    && g.nodes[i].name.as_ref() == Some(name)
                    && example_of(g, i, k) == Some(e)
            })
            .map(|i| g.nodes[i].value)
    };
    let points: Vec<(f64, f64)> = (0..k)
        .filter_map(|e| Some((value(e, &xname)?, value(e, &yname).unwrap_or(0.0))))
        .collect();
    let (xmin, xmax) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &(x, _)| {
            (a.min(x), b.max(x))
        });
    let (xmin, xmax) = if xmin.is_finite() {
        (xmin - 1.0, xmax + 1.0)
    } else {
        (-1.0, 1.0)
    };
    let xn = xname.clone().unwrap_or_else(|| "x".into());
    let yn = yname.clone().unwrap_or_else(|| "y".into());

    // Curves from the rulebook's sigmoid, before and after the update.
    let sb = slope_bias(g);
    let sigmoid = Op::Sigmoid.rule().forward;
    let samples = 60;
    let curve = |w: f64, b: f64| -> Vec<(f64, f64)> {
        (0..=samples)
            .map(|i| {
                let x = xmin + (xmax - xmin) * i as f64 / samples as f64;
                (x, sigmoid(&[w * x + b], 0.0))
            })
            .collect()
    };
    let before = sb.map(|(w, b)| (g.nodes[w].value, g.nodes[b].value));
    let after = sb.and_then(|(w, b)| {
        let u = run.update.as_ref()?;
        Some((u.graph.nodes[w].value, u.graph.nodes[b].value))
    });

    let (width, height) = (520.0, 340.0);
    let (l, r, top, bottom) = (56.0, width - 20.0, 56.0, height - 92.0);
    let (ylo, yhi) = (-0.1, 1.1);
    let sx = |x: f64| l + (x - xmin) / (xmax - xmin) * (r - l);
    let sy = |y: f64| bottom - (y - ylo) / (yhi - ylo) * (bottom - top);

    let wb = |v: Option<(f64, f64)>| {
        v.map_or_else(String::new, |(w, b)| {
            format!("w = {}, b = {}", num(w), num(b))
        })
    };
    let pts_desc: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("({}, {})", num(*x), num(*y)))
        .collect();
    let mut desc = format!(
        "The {} examples ({xn}, {yn}): {}.",
        points.len(),
        pts_desc.join(", ")
    );
    match (before, after) {
        (Some(bf), Some(af)) => {
            desc += &format!(
                " Sigmoid curve before the update ({}, dashed) and after it ({}, solid).",
                wb(Some(bf)),
                wb(Some(af))
            )
        }
        (Some(bf), None) => desc += &format!(" Sigmoid curve ({}).", wb(Some(bf))),
        _ => desc += " No curve: no weight and bias params found.",
    }
    let title = format!(
        "{}: the examples and the sigmoid before and after one step",
        s.title.clone().unwrap_or_else(|| s.id.clone())
    );
    let mut svg = open(id, "figure batch-plot", (width, height), &title, &desc);
    txt(
        &mut svg,
        "caption",
        14.0,
        22.0,
        font(13.0, INK).bold(),
        &format!("σ(w·{xn} + b) before and after one step"),
    );

    // Axes and ticks.
    let tick = font(11.0, MUTED);
    let step = nice_step(xmax - xmin, 6.0);
    let first = (xmin / step).ceil() as i64;
    let last = (xmax / step).floor() as i64;
    for t in first..=last {
        let x = t as f64 * step;
        let px = sx(x);
        x_tick(&mut svg, px, top, bottom, &tick, &num(x));
    }
    for y in [0.0, 0.5, 1.0] {
        y_tick(&mut svg, (l, r), sy(y), &tick, Some(&num(y)));
    }
    axes(&mut svg, (l, r), (top, bottom), bottom + 34.0, &xn);
    txt(
        &mut svg,
        "axis-label",
        l - 8.0,
        top - 8.0,
        font(12.0, INK).end(),
        &yn,
    );

    if let Some((w, b)) = before {
        let pts: Vec<Point> = curve(w, b).iter().map(|&(x, y)| p(sx(x), sy(y))).collect();
        polyline(&mut svg, "curve before", &pts, MUTED, "2", "6 4");
    }
    if let Some((w, b)) = after {
        let pts: Vec<Point> = curve(w, b).iter().map(|&(x, y)| p(sx(x), sy(y))).collect();
        polyline(&mut svg, "curve after", &pts, FORWARD, "2.5", "");
    }
    for &(x, y) in &points {
        let one = y >= 0.5;
        marker(
            &mut svg,
            if one { "point y1" } else { "point y0" },
            p(sx(x), sy(y)),
            !one,
            INK,
            one,
        );
    }

    // Legend, below the axis label.
    let ly = height - 34.0;
    let lf = font(11.0, INK);
    let mut x = 14.0;
    if before.is_some() {
        line(
            &mut svg,
            "legend curve before",
            p(x, ly - 4.0),
            p(x + 28.0, ly - 4.0),
            MUTED,
            "2",
            "6 4",
        );
        let label = format!("before ({})", wb(before));
        txt(&mut svg, "legend", x + 34.0, ly, lf, &label);
        x += 34.0 + lf.width(&label) + 18.0;
    }
    if after.is_some() {
        line(
            &mut svg,
            "legend curve after",
            p(x, ly - 4.0),
            p(x + 28.0, ly - 4.0),
            FORWARD,
            "2.5",
            "",
        );
        let label = format!("after ({})", wb(after));
        txt(&mut svg, "legend", x + 34.0, ly, lf, &label);
    }
    if before.is_none() {
        txt(
            &mut svg,
            "note",
            14.0,
            ly,
            font(11.0, MUTED),
            "No curve: the graph has no weight and bias params (w·x + b).",
        );
    }
    let ly2 = ly + 20.0;
    marker(
        &mut svg,
        "legend point y1",
        p(20.0, ly2 - 4.0),
        false,
        INK,
        true,
    );
    txt(&mut svg, "legend", 32.0, ly2, lf, &format!("{yn} = 1"));
    marker(
        &mut svg,
        "legend point y0",
        p(90.0, ly2 - 4.0),
        true,
        INK,
        false,
    );
    txt(&mut svg, "legend", 102.0, ly2, lf, &format!("{yn} = 0"));
    svg.finish()
}

// ---------------------------------------------------------------------------
// Figure "step-size": finite differences against autodiff.

/// Errors below this are drawn at this height (an error of exactly 0 has no
/// logarithm).
pub const ERROR_FLOOR: f64 = 1e-17;

/// The step sizes: 1e-1 down to 1e-13 in half-decades, parsed from decimal
/// text so every machine gets the same bits.
fn steps() -> Vec<f64> {
    (2..=26)
        .map(|k| {
            let e = k / 2;
            let text = if k % 2 == 0 {
                format!("1e-{e}")
            } else {
                // 10^-(e + 1/2) = 10^0.5 × 10^-(e + 1).
                format!("3.1622776601683795e-{}", e + 1)
            };
            text.parse::<f64>().expect("a decimal number")
        })
        .rev()
        .collect()
}

/// The leaf the step-size figure differentiates with respect to.
fn wrt_leaf(s: &Scenario, g: &Graph) -> Option<NodeId> {
    match &s.wrt {
        Some((name, _)) => g.find(name),
        None => g.leaves(Kind::Param).next(),
    }
}

/// (h, |forward-difference error|, |central-difference error|) for h from
/// 1e-13 to 1e-1 in half-decades, increasing. Errors are against the
/// autodiff gradient of the `wrt` leaf (differences scaled by the seed) and
/// clamped below at [`ERROR_FLOOR`]. Steps where a difference leaves an
/// op's domain are skipped.
pub fn step_size_data(s: &Scenario, run: &Run) -> Vec<(f64, f64, f64)> {
    let g = run.graph();
    let Some(leaf) = wrt_leaf(s, g) else {
        return Vec::new();
    };
    let grad = g.nodes[leaf].grad;
    let out = run.output();
    steps()
        .into_iter()
        .filter_map(|h| {
            let f = forward_difference(g, out, leaf, h).ok()?;
            let c = central_difference(g, out, leaf, h).ok()?;
            Some((
                h,
                (f * s.seed - grad).abs().max(ERROR_FLOOR),
                (c * s.seed - grad).abs().max(ERROR_FLOOR),
            ))
        })
        .collect()
}

/// A step size as the reader sees it: "1e−8", "3.162e−9".
fn h_text(h: f64) -> String {
    num(h).replace(".000e", "e")
}

/// "1e−8" for a power of ten.
fn decade(k: i32) -> String {
    format!("1e{k}").replace('-', "−")
}

/// Log–log plot of the finite-difference errors against h.
pub fn step_size(s: &Scenario, run: &Run, id: &str) -> String {
    let g = run.graph();
    let data = step_size_data(s, run);
    let name = wrt_leaf(s, g)
        .and_then(|i| g.nodes[i].name.clone())
        .unwrap_or_else(|| "w".into());
    let out_name = g.nodes[run.output()]
        .name
        .clone()
        .unwrap_or_else(|| "L".into());
    let grad = wrt_leaf(s, g).map_or(0.0, |i| g.nodes[i].grad);
    let eps = f64::EPSILON;
    let (best_f, best_c) = (eps.sqrt(), eps.cbrt());
    let min_of = |pick: fn(&(f64, f64, f64)) -> f64| {
        data.iter()
            .copied()
            .min_by(|a, b| pick(a).total_cmp(&pick(b)))
            .map(|d| (d.0, pick(&d)))
    };
    let min_f = min_of(|d| d.1);
    let min_c = min_of(|d| d.2);

    let (width, height) = (700.0, 480.0);
    let (l, r, top, bottom) = (70.0, width - 24.0, 74.0, height - 108.0);
    let (hx0, hx1) = (-13.25, -0.75);
    let lo = data
        .iter()
        .flat_map(|d| [d.1, d.2])
        .fold(f64::INFINITY, f64::min);
    let hi = data
        .iter()
        .flat_map(|d| [d.1, d.2])
        .fold(f64::NEG_INFINITY, f64::max);
    let (ey0, ey1) = if lo.is_finite() {
        // A decade of room under the lowest point for the region notes.
        (
            lo.log10().floor() - 1.0,
            hi.log10().ceil().max(lo.log10().floor() + 1.0),
        )
    } else {
        (-17.0, 0.0)
    };
    let sx = |h: f64| l + (h.log10() - hx0) / (hx1 - hx0) * (r - l);
    let sy = |e: f64| bottom - (e.log10() - ey0) / (ey1 - ey0) * (bottom - top);

    let title = s
        .title
        .clone()
        .unwrap_or_else(|| format!("Finite differences against autodiff for ∂{out_name}/∂{name}"));
    let fmt_min = |m: Option<(f64, f64)>| {
        m.map_or_else(String::new, |(h, e)| {
            format!("{} at h = {}", num(e), num(h))
        })
    };
    let desc = format!(
        "Log–log plot of the error of forward differences (f(w+h) − f(w)) / h and central differences (f(w+h) − f(w−h)) / 2h for ∂{out_name}/∂{name}, against the autodiff value {}, for h from 1e−13 to 1e−1. Large h: truncation error; small h: round-off error. Smallest forward error {}, near √ε ≈ {}; smallest central error {}, near ε^(1/3) ≈ {}.",
        num(grad),
        fmt_min(min_f),
        num(best_f),
        fmt_min(min_c),
        num(best_c)
    );
    let mut svg = open(id, "figure step-size", (width, height), &title, &desc);
    txt(
        &mut svg,
        "caption",
        14.0,
        22.0,
        font(13.0, INK).bold(),
        &format!(
            "|error| of finite differences for ∂{out_name}/∂{name} (autodiff: {})",
            num(grad)
        ),
    );

    // Grid, ticks and labels at decades.
    let tick = font(11.0, MUTED);
    for kx in -13..=-1 {
        let px = sx(10f64.powi(kx));
        x_tick(&mut svg, px, top, bottom, &tick, &decade(kx));
    }
    let decades = (ey1 - ey0) as i32;
    let every = if decades > 10 { 2 } else { 1 };
    for ky in (ey0 as i32)..=(ey1 as i32) {
        let label = ((ky - ey1 as i32) % every == 0).then(|| decade(ky));
        y_tick(
            &mut svg,
            (l, r),
            sy(10f64.powi(ky)),
            &tick,
            label.as_deref(),
        );
    }
    axes(
        &mut svg,
        (l, r),
        (top, bottom),
        bottom + 36.0,
        "step size h (log scale)",
    );
    txt(
        &mut svg,
        "axis-label",
        14.0,
        top - 30.0,
        font(12.0, INK),
        "|error| (log scale)",
    );
    if lo <= ERROR_FLOOR {
        let py = sy(ERROR_FLOOR);
        line(&mut svg, "floor", p(l, py), p(r, py), MUTED, "1", "1 3");
        txt(
            &mut svg,
            "floor-label",
            r - 4.0,
            py - 5.0,
            tick.end(),
            &format!("error exactly 0, drawn at {}", num(ERROR_FLOOR)),
        );
    }

    // Where the best h lies in theory.
    let gf = font(11.0, INK);
    for (h, label, sub, anchor_end) in [
        (
            best_f,
            format!("√ε ≈ {}", num(best_f)),
            "best h, forward",
            true,
        ),
        (
            best_c,
            format!("ε^(1/3) ≈ {}", num(best_c)),
            "best h, central",
            false,
        ),
    ] {
        let px = sx(h);
        line(
            &mut svg,
            "guide",
            p(px, top - 34.0),
            p(px, bottom),
            INK,
            "1",
            "2 3",
        );
        let (x, f) = if anchor_end {
            (px - 5.0, gf.end())
        } else {
            (px + 5.0, gf)
        };
        txt(&mut svg, "guide-label", x, top - 22.0, f.bold(), &label);
        txt(&mut svg, "guide-label", x, top - 8.0, f, sub);
    }
    // Which error dominates where: low in the plot, under the V.
    let note = font(12.0, MUTED);
    txt(
        &mut svg,
        "region",
        r - 6.0,
        bottom - 8.0,
        note.end(),
        "truncation error grows with h →",
    );
    txt(
        &mut svg,
        "region",
        l + 6.0,
        bottom - 8.0,
        note,
        "← round-off error grows as h shrinks",
    );

    // The curves: forward dashed with squares, central solid with circles.
    let fpts: Vec<Point> = data.iter().map(|d| p(sx(d.0), sy(d.1))).collect();
    let cpts: Vec<Point> = data.iter().map(|d| p(sx(d.0), sy(d.2))).collect();
    const FD: &str = "#b4420a";
    const CD: &str = "#1d4ed8";
    polyline(&mut svg, "curve forward-diff", &fpts, FD, "1.8", "6 4");
    polyline(&mut svg, "curve central-diff", &cpts, CD, "1.8", "");
    for q in &fpts {
        marker(&mut svg, "point forward-diff", *q, true, FD, false);
    }
    for q in &cpts {
        marker(&mut svg, "point central-diff", *q, false, CD, true);
    }
    // The measured minima: forward labelled on the left, central on the right.
    for (m, colour, class, left) in [
        (min_f, FD, "minimum forward-diff", true),
        (min_c, CD, "minimum central-diff", false),
    ] {
        if let Some((h, e)) = m {
            let c = p(sx(h), sy(e));
            let (cx, cy) = (n(c.x), n(c.y));
            svg.empty(
                "circle",
                &[
                    ("class", class),
                    ("cx", &cx),
                    ("cy", &cy),
                    ("r", "10"),
                    ("fill", "none"),
                    ("stroke", colour),
                    ("stroke-width", "1.5"),
                ],
            );
            let f = font(11.0, colour).bold();
            let (x, y, f) = if left {
                (c.x - 14.0, c.y + 4.0, f.end())
            } else {
                (c.x + 12.0, c.y + 16.0, f)
            };
            txt(
                &mut svg,
                "minimum-label",
                x,
                y,
                f,
                &format!("smallest error at h = {}", h_text(h)),
            );
        }
    }

    // Legend: one row per curve.
    let lf = font(12.0, INK);
    let rows = [
        (
            "forward-diff",
            FD,
            "6 4",
            true,
            format!("forward difference (f({name}+h) − f({name})) / h"),
        ),
        (
            "central-diff",
            CD,
            "",
            false,
            format!("central difference (f({name}+h) − f({name}−h)) / 2h"),
        ),
    ];
    for (k, (class, colour, dash, square, label)) in rows.iter().enumerate() {
        let ly = height - 38.0 + 20.0 * k as f64;
        let class = format!("legend {class}");
        line(
            &mut svg,
            &class,
            p(l, ly - 4.0),
            p(l + 36.0, ly - 4.0),
            colour,
            "1.8",
            dash,
        );
        marker(
            &mut svg,
            &class,
            p(l + 18.0, ly - 4.0),
            *square,
            colour,
            !*square,
        );
        txt(&mut svg, "legend", l + 44.0, ly, lf, label);
    }
    svg.finish()
}

/// A vertical grid line at `px` from `top` to `bottom`, its tick below the
/// axis and the tick's label: the x axes of both plots.
fn x_tick(svg: &mut Svg, px: f64, top: f64, bottom: f64, tick: &Font, label: &str) {
    line(svg, "grid", p(px, top), p(px, bottom), "#e2e8f0", "1", "");
    line(
        svg,
        "tick",
        p(px, bottom),
        p(px, bottom + 5.0),
        MUTED,
        "1",
        "",
    );
    txt(svg, "tick-label", px, bottom + 18.0, tick.mid(), label);
}

/// A horizontal grid line at `py` across `(left, right)`, its tick left of
/// the axis and, when given, the tick's label: the y axes of both plots.
fn y_tick(svg: &mut Svg, (l, r): (f64, f64), py: f64, tick: &Font, label: Option<&str>) {
    line(svg, "grid", p(l, py), p(r, py), "#e2e8f0", "1", "");
    line(svg, "tick", p(l - 5.0, py), p(l, py), MUTED, "1", "");
    if let Some(label) = label {
        txt(svg, "tick-label", l - 8.0, py + 4.0, tick.end(), label);
    }
}

/// The two axis lines of a plot and the x axis's label at `label_y`.
fn axes(svg: &mut Svg, (l, r): (f64, f64), (top, bottom): (f64, f64), label_y: f64, label: &str) {
    line(svg, "axis", p(l, bottom), p(r, bottom), INK, "1", "");
    line(svg, "axis", p(l, top), p(l, bottom), INK, "1", "");
    txt(
        svg,
        "axis-label",
        (l + r) / 2.0,
        label_y,
        font(12.0, INK).mid(),
        label,
    );
}
