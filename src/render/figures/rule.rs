//! Figure "rule": one rulebook card. The op on concrete values, each
//! operand's local derivative in words and in numbers, the upstream
//! gradient and each parent's contribution: a small diagram above, the
//! same in a ledger of rows below.

use super::open;
use crate::engine::{Graph, Message, NodeId, Op};
use crate::layout::Point;
use crate::render::node::{NODE_H, NodeDraw, box_size, draw_node};
use crate::render::svg::Drawing;
use crate::render::svg::{Svg, arrow, font, line, p, rect, text};
use crate::render::theme::{BACKWARD, FORWARD, INK, LINE, MUTED, PANEL, PAPER};
use crate::scenario::{Run, Scenario};
use crate::story;
use crate::text::wrap_words;
use crate::text::{formula, local_rule, num, operand};
use crate::text::{op_word, wrt};

/// Splits a rule in words into the formula and a remark about the cache:
/// "∂eᵃ/∂a = eᵃ, the cached output" → ("∂eᵃ/∂a = eᵃ", "the cached output").
fn split_rule(rule: &str) -> (&str, Option<&str>) {
    match rule.split_once(", ") {
        Some((f, remark)) if remark.contains("cached") => (f, Some(remark)),
        _ => (rule, None),
    }
}

/// The body text of the card.
const BODY: crate::render::svg::Font = font(13.0, INK);

/// A rulebook card for the single op of `s`'s graph (the output if it is
/// an op, else the first op): the op on concrete values, each operand's
/// local derivative in words and in numbers, the upstream gradient (the
/// block's seed) and each parent's contribution.
pub fn rule_card(s: &Scenario, run: &Run, id: &str) -> Drawing {
    let g = run.graph();
    let labels = story::labels(g);
    let out = run.output();
    let Some(opn) = std::iter::once(out)
        .chain(0..g.len())
        .find(|&i| g.nodes[i].op.is_some())
    else {
        return no_op_card(s, id);
    };
    let card = Card::new(s, run, &labels, opn);
    let geo = Geometry::new(g, &labels, opn, &card);
    let mut svg = open(
        id,
        "figure rule",
        (geo.width, geo.height),
        &card.title,
        &card.desc,
    );
    text(
        &mut svg,
        "caption",
        14.0,
        22.0,
        font(14.0, INK).bold(),
        &format!("Rulebook card: {} ({})", op_word(card.op), card.op.name()),
    );
    let nslots = g.nodes[opn].parents.len() as f64;
    for m in &card.messages {
        message(&mut svg, &geo, m, nslots);
    }
    nodes(&mut svg, g, &labels, opn, &geo);
    upstream(&mut svg, &card, &geo, opn == out);
    ledger(&mut svg, &card, &geo);
    svg.drawing()
}

/// [`rule_card`] for a phone's column: the operands side by side above
/// the op, the upstream gradient arriving from below, each message beside
/// its edge on the outer side, and the ledger's rows wrapped under their
/// names. As wide as a phone's column (wider only for an op with more
/// operands than a row of it holds).
pub fn rule_card_narrow(s: &Scenario, run: &Run, id: &str) -> Drawing {
    let g = run.graph();
    let labels = story::labels(g);
    let out = run.output();
    let Some(opn) = std::iter::once(out)
        .chain(0..g.len())
        .find(|&i| g.nodes[i].op.is_some())
    else {
        return no_op_card(s, id);
    };
    let card = Card::new(s, run, &labels, opn);
    let geo = Narrow::new(g, &labels, &card, opn);
    let mut svg = open(
        id,
        "figure rule",
        (geo.width, geo.height),
        &card.title,
        &card.desc,
    );
    for (i, line) in geo.caption_lines.iter().enumerate() {
        text(
            &mut svg,
            "caption",
            14.0,
            22.0 + 18.0 * i as f64,
            font(14.0, INK).bold(),
            line,
        );
    }
    narrow_messages(&mut svg, g, &card, &geo, opn);
    narrow_nodes(&mut svg, g, &labels, &card, &geo, opn);
    narrow_upstream(&mut svg, &card, &geo, opn == out);
    narrow_ledger(&mut svg, &geo);
    svg.drawing()
}

/// Where the pieces of a phone's rule card go.
struct Narrow {
    width: f64,
    height: f64,
    caption_lines: Vec<String>,
    /// The op's operands (each once), their box sizes and centres.
    parents: Vec<NodeId>,
    sizes: Vec<(f64, f64)>,
    centers: Vec<Point>,
    /// The op's box: centre, size and bottom edge.
    op_c: Point,
    op_size: (f64, f64),
    op_bottom: f64,
    /// The ledger: per row its tag (empty under a backward row), its
    /// lines, and whether it is about the backward pass.
    rows: Vec<(&'static str, Vec<String>, bool)>,
    ledger_top: f64,
    ledger_h: f64,
}

impl Narrow {
    fn new(g: &Graph, labels: &[String], card: &Card, opn: NodeId) -> Narrow {
        let size_of = |i: NodeId| box_size(&labels[i], g.nodes[i].value, g.nodes[i].grad);
        let mut parents: Vec<NodeId> = Vec::new();
        for &q in &g.nodes[opn].parents {
            if !parents.contains(&q) {
                parents.push(q);
            }
        }
        let sizes: Vec<(f64, f64)> = parents.iter().map(|&q| size_of(q)).collect();
        let row_w: f64 = sizes.iter().map(|s| s.0 + 24.0).sum::<f64>() + 28.0;
        let width = row_w.max(crate::render::scene::PHONE_COLUMN).ceil();
        let room = width - 40.0;
        let caption = format!("Rulebook card: {} ({})", op_word(card.op), card.op.name());
        let caption_lines = wrap_words(&caption, width - 28.0, 14.0 * 0.7);
        let top = 14.0 + 18.0 * caption_lines.len() as f64 + 20.0;
        // Operands spread over the row, the op below them.
        let k = parents.len() as f64;
        let centers: Vec<Point> = (0..parents.len())
            .map(|j| p(width * (j as f64 + 1.0) / (k + 1.0), top + NODE_H / 2.0))
            .collect();
        let op_c = p(width / 2.0, top + NODE_H + 110.0 + NODE_H / 2.0);
        let op_bottom = op_c.y + NODE_H / 2.0;
        let rows: Vec<(&str, Vec<String>, bool)> =
            std::iter::once(("forward", card.forward_row.as_str(), false))
                .chain(std::iter::once((
                    "upstream",
                    card.upstream_row.as_str(),
                    true,
                )))
                .chain(
                    card.rows.iter().flat_map(|(a, b)| {
                        [("backward", a.as_str(), false), ("", b.as_str(), true)]
                    }),
                )
                .map(|(tag, row, bw)| (tag, wrap_words(row, room, 13.0 * 0.62), bw))
                .collect();
        let ledger_top = op_bottom + 96.0;
        let ledger_h: f64 = rows
            .iter()
            .map(|(tag, lines, _)| if tag.is_empty() { 0.0 } else { 20.0 } + 18.0 * lines.len() as f64)
            .sum::<f64>()
            + 12.0;
        Narrow {
            width,
            height: ledger_top + ledger_h + 10.0,
            caption_lines,
            parents,
            sizes,
            centers,
            op_c,
            op_size: size_of(opn),
            op_bottom,
            rows,
            ledger_top,
            ledger_h,
        }
    }
}

/// Each message of a phone's rule card: the forward edge, the message
/// back beside it, and its arithmetic on the edge's outer side.
fn narrow_messages(svg: &mut Svg, g: &Graph, card: &Card, geo: &Narrow, opn: NodeId) {
    let nslots = g.nodes[opn].parents.len() as f64;
    let per_side = |m: &Message| {
        let j = geo.parents.iter().position(|&q| q == m.to).unwrap_or(0);
        let dx = geo.centers[j].x - geo.op_c.x;
        if dx.abs() > 1.0 {
            dx.signum()
        } else if m.slot == 0 && nslots > 1.0 {
            -1.0
        } else {
            1.0
        }
    };
    for (mi, m) in card.messages.iter().enumerate() {
        let j = geo.parents.iter().position(|&q| q == m.to).unwrap_or(0);
        let a = p(geo.centers[j].x, geo.centers[j].y + NODE_H / 2.0);
        let b = p(
            geo.op_c.x + (m.slot as f64 - (nslots - 1.0) / 2.0) * 16.0,
            geo.op_c.y - NODE_H / 2.0,
        );
        line(svg, "edge fw", a, b, FORWARD, "1.5", "");
        arrow(
            svg,
            p(a.x + (b.x - a.x) * 0.9, a.y + (b.y - a.y) * 0.9),
            b,
            FORWARD,
            "arrow fw",
        );
        let side = per_side(m);
        let (ba, bb) = (p(a.x + side * 7.0, a.y + 4.0), p(b.x + side * 7.0, b.y));
        line(svg, "edge bw", bb, ba, BACKWARD, "1.5", "5 3");
        arrow(svg, bb, ba, BACKWARD, "arrow bw");
        let small = font(12.0, BACKWARD);
        let label = format!(
            "{} × {} = {}",
            num(m.upstream),
            operand(m.local),
            num(m.contribution)
        );
        let lw = small.width(&label) + 12.0;
        // Beside the message, on its outer side; two on one side stacked.
        let same_side_before = card.messages[..mi]
            .iter()
            .filter(|o| per_side(o) == side)
            .count();
        let mid = p((ba.x + bb.x) / 2.0, (ba.y + bb.y) / 2.0);
        let cx =
            (mid.x + side * (lw / 2.0 + 8.0)).clamp(lw / 2.0 + 4.0, geo.width - lw / 2.0 - 4.0);
        let cy = mid.y - 12.0 + 26.0 * same_side_before as f64;
        rect(
            svg,
            "edge-label",
            (cx - lw / 2.0, cy - 10.0, lw, 20.0),
            PAPER,
            BACKWARD,
        );
        text(svg, "edge-label-text", cx, cy + 4.0, small.mid(), &label);
    }
}

/// The operands and the op of a phone's rule card.
fn narrow_nodes(
    svg: &mut Svg,
    g: &Graph,
    labels: &[String],
    card: &Card,
    geo: &Narrow,
    opn: NodeId,
) {
    for (j, &q) in geo.parents.iter().enumerate() {
        let nd = &g.nodes[q];
        draw_node(
            svg,
            &NodeDraw {
                kind: nd.kind,
                center: geo.centers[j],
                size: geo.sizes[j],
                label: &labels[q],
                value: Some(nd.value),
                grad: Some(nd.grad),
                active: false,
                sum: None,
                sum_in_message: false,
            },
        );
    }
    let node = &g.nodes[opn];
    draw_node(
        svg,
        &NodeDraw {
            kind: node.kind,
            center: geo.op_c,
            size: geo.op_size,
            label: &labels[opn],
            value: Some(node.value),
            grad: Some(node.grad),
            active: true,
            sum: None,
            sum_in_message: false,
        },
    );
    text(
        svg,
        "op-symbol",
        geo.op_c.x + geo.op_size.0 / 2.0 + 12.0,
        geo.op_c.y + 5.0,
        font(13.0, INK).bold(),
        &op_symbol(card.op),
    );
}

/// The upstream gradient arriving at the op from below.
fn narrow_upstream(svg: &mut Svg, card: &Card, geo: &Narrow, is_output: bool) {
    // The upstream gradient, arriving from below.
    line(
        svg,
        "edge bw upstream",
        p(geo.op_c.x, geo.op_bottom + 44.0),
        p(geo.op_c.x, geo.op_bottom + 6.0),
        BACKWARD,
        "1.5",
        "5 3",
    );
    arrow(
        svg,
        p(geo.op_c.x, geo.op_bottom + 20.0),
        p(geo.op_c.x, geo.op_bottom + 6.0),
        BACKWARD,
        "arrow bw upstream",
    );
    let up = format!("upstream ∂L/∂{} = {}", wrt(&card.name), num(card.upstream));
    let seed = if is_output { " (the block's seed)" } else { "" };
    for (i, l) in wrap_words(&format!("{up}{seed}"), geo.width - 28.0, 12.0 * 0.7)
        .iter()
        .enumerate()
    {
        text(
            svg,
            "upstream",
            geo.op_c.x,
            geo.op_bottom + 62.0 + 16.0 * i as f64,
            font(12.0, BACKWARD).bold().mid(),
            l,
        );
    }
}

/// The ledger under a phone's rule card: each row wrapped under its tag.
fn narrow_ledger(svg: &mut Svg, geo: &Narrow) {
    // The ledger.
    rect(
        svg,
        "rule-rows",
        (10.0, geo.ledger_top - 8.0, geo.width - 20.0, geo.ledger_h),
        PANEL,
        LINE,
    );
    let mut y = geo.ledger_top + 8.0;
    for (tag, lines, bw) in &geo.rows {
        if !tag.is_empty() {
            let f = if *bw {
                font(13.0, BACKWARD).bold()
            } else {
                BODY.bold()
            };
            text(svg, &format!("rule-{tag}"), 20.0, y + 6.0, f, tag);
            y += 20.0;
        }
        let f = if *bw { font(13.0, BACKWARD) } else { BODY };
        for l in lines {
            text(svg, "rule-row", 28.0, y + 6.0, f, l);
            y += 18.0;
        }
    }
}

/// The op's symbol and name (`× mul`), or its symbol alone when that is its name.
fn op_symbol(op: Op) -> String {
    if op.symbol().to_lowercase() == op.name() {
        op.symbol()
    } else {
        format!("{} {}", op.symbol(), op.name())
    }
}

/// The card of a graph without an op: a note.
fn no_op_card(s: &Scenario, id: &str) -> Drawing {
    let title = s.title.clone().unwrap_or_else(|| "Rulebook card".into());
    let mut svg = open(id, "figure rule", (360.0, 60.0), &title, "No operation.");
    text(
        &mut svg,
        "note",
        14.0,
        34.0,
        font(13.0, MUTED),
        "This graph has no operation to show.",
    );
    svg.drawing()
}

/// What the card says, in words and numbers: its rows, title and
/// description.
struct Card<'r> {
    op: Op,
    /// The op node's name.
    name: String,
    upstream: f64,
    messages: Vec<&'r Message>,
    forward_row: String,
    upstream_row: String,
    /// Per message: (the operand's local rule, its contribution).
    rows: Vec<(String, String)>,
    title: String,
    desc: String,
}

impl<'r> Card<'r> {
    fn new(s: &Scenario, run: &'r Run, labels: &[String], opn: NodeId) -> Card<'r> {
        let g = run.graph();
        let node = &g.nodes[opn];
        let op = node.op.expect("found an op node");
        let name = labels[opn].clone();
        let upstream = node.grad;
        let messages: Vec<_> = run.messages.iter().filter(|m| m.from == opn).collect();
        let names: Vec<String> = node.parents.iter().map(|&q| labels[q].clone()).collect();
        // The values as they are: the templates parenthesise a negative
        // operand of an operator (`2 × (−1.5)`), not a function's
        // argument (`|−1.5|`, `max(−1, 0)`).
        let vals: Vec<String> = node
            .parents
            .iter()
            .map(|&q| num(g.nodes[q].value))
            .collect();
        let forward_row = format!(
            "{name} = {} = {} = {}",
            formula(op, &names),
            formula(op, &vals),
            num(node.value)
        );
        let seed_word = if opn == run.output() {
            " (the block's seed)"
        } else {
            ""
        };
        let upstream_row = format!("∂L/∂{} = {}{seed_word}", wrt(&name), num(upstream));
        let rows: Vec<(String, String)> = messages
            .iter()
            .map(|m| message_rows(op, m, &labels[m.to]))
            .collect();
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
        Card {
            op,
            name,
            upstream,
            messages,
            forward_row,
            upstream_row,
            rows,
            title,
            desc,
        }
    }

    /// Every row of the ledger.
    fn all_rows(&self) -> impl Iterator<Item = &str> {
        [self.forward_row.as_str(), self.upstream_row.as_str()]
            .into_iter()
            .chain(self.rows.iter().flat_map(|(a, b)| [a.as_str(), b.as_str()]))
    }
}

/// The two ledger rows of one message to the operand `to`: its local rule
/// and numbers, then the product it sends.
fn message_rows(op: Op, m: &Message, to: &str) -> (String, String) {
    let (rule, remark) = split_rule(local_rule(op, m.slot));
    let rhs = rule.rsplit(" = ").next().unwrap_or(rule);
    let value = if rhs == num(m.local) {
        String::new()
    } else {
        format!(" = {}", num(m.local))
    };
    let remark = remark.map(|r| format!(" ({r})")).unwrap_or_default();
    (
        format!("to {to}: local derivative {rule}{value}{remark}"),
        format!(
            "sends upstream × local = {} × {} = {}",
            num(m.upstream),
            operand(m.local),
            num(m.contribution)
        ),
    )
}

/// Where things go: operands on the left, the op in the middle, the
/// upstream gradient arriving from the right, the ledger below.
struct Geometry {
    /// The op's distinct operands, top to bottom.
    parents: Vec<NodeId>,
    /// Their boxes and centres.
    sizes: Vec<(f64, f64)>,
    centers: Vec<Point>,
    op_c: Point,
    op_size: (f64, f64),
    width: f64,
    height: f64,
    rows_top: f64,
}

impl Geometry {
    fn new(g: &Graph, labels: &[String], opn: NodeId, card: &Card) -> Geometry {
        let size_of = |i: NodeId| box_size(&labels[i], g.nodes[i].value, g.nodes[i].grad);
        let mut parents: Vec<NodeId> = Vec::new();
        for &q in &g.nodes[opn].parents {
            if !parents.contains(&q) {
                parents.push(q);
            }
        }
        let text_width = card
            .all_rows()
            .map(|r| BODY.width(r) + 120.0)
            .fold(0.0, f64::max);
        let width = text_width.max(660.0).ceil();
        let gap = 52.0;
        let top = 70.0;
        let k = parents.len() as f64;
        let diagram_h = (k * (NODE_H + gap) - gap).max(NODE_H);
        let rows_top = top + diagram_h + 44.0;
        let height = rows_top + 22.0 * (2.0 + 2.0 * card.rows.len() as f64) + 8.0;
        let sizes: Vec<(f64, f64)> = parents.iter().map(|&q| size_of(q)).collect();
        let centers = sizes
            .iter()
            .enumerate()
            .map(|(j, &(w, _))| {
                p(
                    24.0 + w / 2.0,
                    top + NODE_H / 2.0 + j as f64 * (NODE_H + gap),
                )
            })
            .collect();
        Geometry {
            parents,
            sizes,
            centers,
            op_c: p(340.0, top + diagram_h / 2.0),
            op_size: size_of(opn),
            width,
            height,
            rows_top,
        }
    }
}

/// One message of the diagram: the forward edge from the operand into the
/// op (solid), the message back beside it (dashed) and its numbers, boxed.
fn message(svg: &mut Svg, geo: &Geometry, m: &Message, nslots: f64) {
    let (op_c, op_size) = (geo.op_c, geo.op_size);
    let j = geo.parents.iter().position(|&q| q == m.to).unwrap_or(0);
    let (w, _) = geo.sizes[j];
    let a = p(geo.centers[j].x + w / 2.0, geo.centers[j].y);
    let b = p(
        op_c.x - op_size.0 / 2.0,
        op_c.y + (m.slot as f64 - (nslots - 1.0) / 2.0) * 14.0,
    );
    // Forward edge, solid, into the op.
    line(svg, "edge fw", a, b, FORWARD, "1.5", "");
    arrow(
        svg,
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
    line(svg, "edge bw", bb, ba, BACKWARD, "1.5", "5 3");
    arrow(svg, bb, ba, BACKWARD, "arrow bw");
    let small = font(12.0, BACKWARD);
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
        svg,
        "edge-label",
        (cx - lw / 2.0, cy - 10.0, lw, 20.0),
        PAPER,
        BACKWARD,
    );
    text(svg, "edge-label-text", cx, cy + 4.0, small.mid(), &label);
}

/// The operands, then the op (active), with its symbol above it.
fn nodes(svg: &mut Svg, g: &Graph, labels: &[String], opn: NodeId, geo: &Geometry) {
    for (j, &q) in geo.parents.iter().enumerate() {
        let nd = &g.nodes[q];
        draw_node(
            svg,
            &NodeDraw {
                kind: nd.kind,
                center: geo.centers[j],
                size: geo.sizes[j],
                label: &labels[q],
                value: Some(nd.value),
                grad: Some(nd.grad),
                active: false,
                sum: None,
                sum_in_message: false,
            },
        );
    }
    let node = &g.nodes[opn];
    draw_node(
        svg,
        &NodeDraw {
            kind: node.kind,
            center: geo.op_c,
            size: geo.op_size,
            label: &labels[opn],
            value: Some(node.value),
            grad: Some(node.grad),
            active: true,
            sum: None,
            sum_in_message: false,
        },
    );
    let op = node.op.expect("an op node");
    text(
        svg,
        "op-symbol",
        geo.op_c.x,
        geo.op_c.y - NODE_H / 2.0 - 10.0,
        font(13.0, INK).bold().mid(),
        &op_symbol(op),
    );
}

/// The upstream gradient, arriving at the op from the right; `seed` when
/// it is the block's seed.
fn upstream(svg: &mut Svg, card: &Card, geo: &Geometry, seed: bool) {
    let (op_c, width) = (geo.op_c, geo.width);
    let right = op_c.x + geo.op_size.0 / 2.0;
    line(
        svg,
        "edge bw upstream",
        p(width - 20.0, op_c.y),
        p(right + 6.0, op_c.y),
        BACKWARD,
        "1.5",
        "5 3",
    );
    arrow(
        svg,
        p(right + 20.0, op_c.y),
        p(right + 6.0, op_c.y),
        BACKWARD,
        "arrow bw upstream",
    );
    let ux = (right + width - 20.0) / 2.0;
    text(
        svg,
        "upstream",
        ux,
        op_c.y - 10.0,
        font(12.0, BACKWARD).bold().mid(),
        &format!("upstream ∂L/∂{} = {}", wrt(&card.name), num(card.upstream)),
    );
    if seed {
        text(
            svg,
            "upstream",
            ux,
            op_c.y + 20.0,
            font(12.0, BACKWARD).mid(),
            "the block's seed",
        );
    }
}

/// The ledger under the diagram: forward, upstream, then per message its
/// local rule and its contribution.
fn ledger(svg: &mut Svg, card: &Card, geo: &Geometry) {
    let mut y = geo.rows_top;
    rect(
        svg,
        "rule-rows",
        (10.0, y - 22.0, geo.width - 20.0, geo.height - y + 12.0),
        PANEL,
        LINE,
    );
    text(svg, "rule-forward", 20.0, y, BODY.bold(), "forward");
    text(svg, "rule-forward", 120.0, y, BODY, &card.forward_row);
    y += 22.0;
    let bw = font(13.0, BACKWARD);
    text(svg, "rule-upstream", 20.0, y, bw.bold(), "upstream");
    text(svg, "rule-upstream", 120.0, y, bw, &card.upstream_row);
    for (a, b) in &card.rows {
        y += 22.0;
        text(svg, "rule-local", 20.0, y, BODY.bold(), "backward");
        text(svg, "rule-local", 120.0, y, BODY, a);
        y += 22.0;
        text(svg, "rule-contribution", 120.0, y, bw, b);
    }
}
