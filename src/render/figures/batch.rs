//! Figure "batch": each example's contribution to the shared params (a
//! table), the SGD step (a table), and the plot of the examples and the
//! model (drawn by [`super::model_plot`]).

use super::model_plot::{WIDTH, batch_plot};
use crate::engine::Update;
use crate::engine::{Graph, Kind, NodeId, Op};
use crate::figure::model_plot::{BatchData, Moved};
use crate::render::svg::Drawing;
use crate::render::svg::Svg;
use crate::scenario::{Run, Scenario};
use crate::text::and_list;
use crate::text::wrap_words;
use crate::text::{num, operand};
use crate::util::esc;

/// The parts of a batch figure.
pub struct BatchParts {
    /// HTML table: each example's contribution to each param, running sums.
    pub contributions: String,
    /// HTML: the SGD step per param and the loss before and after.
    pub update: String,
    /// SVG: the examples and the sigmoid curve before and after the update.
    pub plot: Drawing,
    /// SVG: the same plot a phone's column wide
    /// ([`crate::render::scene::PHONE_COLUMN`]), its text wrapped onto
    /// more lines.
    pub plot_narrow: Drawing,
    /// SVG: each example's prediction before and after the update, zoomed
    /// so that the step shows (on the plot it moves the curve by about a
    /// pixel); `None` without an update or a model.
    pub shift: Option<Drawing>,
}

/// The example a node belongs to (every non-shared node of a one-example
/// block belongs to example 0).
pub(super) fn example_of(g: &Graph, i: NodeId, n_examples: usize) -> Option<usize> {
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
pub fn batch(s: &Scenario, run: &Run, data: &BatchData, id: &str) -> BatchParts {
    let out_name = &s.stmts[s.output].name;
    BatchParts {
        contributions: contributions(s, run, id),
        update: match &run.update {
            None => "<p class=\"batch-update\">This block has no update.</p>\n".to_string(),
            Some(u) => update(u, out_name),
        },
        plot: batch_plot(s, data.plot.as_ref(), id, WIDTH),
        plot_narrow: batch_plot(s, data.plot.as_ref(), &format!("{id}-narrow"), SHIFT_W),
        shift: data
            .moved
            .as_ref()
            .and_then(|m| shift(m, &format!("{id}-shift"))),
    }
}

/// The shift strip's width: a phone's column, so it fits every screen.
const SHIFT_W: f64 = crate::render::scene::PHONE_COLUMN;
/// The ends of its tracks.
const TRACK_L: f64 = 20.0;
const TRACK_R: f64 = SHIFT_W - 20.0;
/// One example's rows: words, track, numbers.
const ROW_H: f64 = 62.0;

/// The step, per example: one track per example, zoomed to the same span
/// around its prediction before the step (a hollow ring) with an arrow to
/// the prediction after it (a filled dot), its numbers, and whether it
/// moved towards its label.
fn shift((pred, moved): &(String, Vec<Moved>), id: &str) -> Option<Drawing> {
    use crate::render::svg::{font, text};
    use crate::render::theme::{INK, MUTED};
    let span = moved
        .iter()
        .map(|m| (m.after - m.before).abs())
        .fold(0.0, f64::max)
        * 1.25;
    let title = format!("The step, example by example: {pred} before → after");
    let note = if span > 0.0 {
        format!(
            "Each track spans ±{} around {pred} before the step (ring); the dot is {pred} after it.",
            num(span)
        )
    } else {
        format!("The step left {pred} unchanged at every example.")
    };
    let title_lines = wrap_words(&title, SHIFT_W - 28.0, 13.0 * 0.7);
    let note_lines = wrap_words(&note, SHIFT_W - 28.0, 11.0 * 0.62);
    let head = 14.0 + 18.0 * title_lines.len() as f64 + 15.0 * note_lines.len() as f64 + 6.0;
    let height = head + ROW_H * moved.len() as f64 + 4.0;
    let desc = moved
        .iter()
        .enumerate()
        .map(|(e, m)| {
            format!(
                "Example {}: {pred} {} → {}.",
                e + 1,
                num(m.before),
                num(m.after)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut svg = super::open(id, "figure shift", (SHIFT_W, height), &title, &desc);
    let mut y = 14.0;
    for l in &title_lines {
        y += 4.0;
        text(
            &mut svg,
            "caption",
            14.0,
            y + 8.0,
            font(13.0, INK).bold(),
            l,
        );
        y += 14.0;
    }
    for l in &note_lines {
        text(&mut svg, "note", 14.0, y + 10.0, font(11.0, MUTED), l);
        y += 15.0;
    }
    for (e, m) in moved.iter().enumerate() {
        shift_row(&mut svg, pred, (e, m), head + ROW_H * e as f64, span);
    }
    Some(svg.drawing())
}

/// One example's row of the shift strip, from `top`: its inputs, its track
/// (`span` either side of the prediction before the step) and its numbers.
fn shift_row(svg: &mut Svg, pred: &str, (e, m): (usize, &Moved), top: f64, span: f64) {
    use crate::layout::Point;
    use crate::render::svg::{arrow, font, line, ring, text};
    use crate::render::theme::{FORWARD, INK, LINE, MUTED};
    let mid = (TRACK_L + TRACK_R) / 2.0;
    let half = (TRACK_R - TRACK_L) / 2.0;
    let mut words = m
        .features
        .iter()
        .map(|(n, v)| format!("{n} = {}", num(*v)))
        .collect::<Vec<_>>();
    if let Some((n, t)) = &m.target {
        words.push(format!("{n} = {}", num(*t)));
    }
    text(
        svg,
        "shift-example",
        14.0,
        top + 14.0,
        font(12.0, INK).bold(),
        &format!("example {}: {}", e + 1, words.join(", ")),
    );
    let ty = top + 32.0;
    line(
        svg,
        "shift-track",
        Point { x: TRACK_L, y: ty },
        Point { x: TRACK_R, y: ty },
        LINE,
        "1.5",
        "",
    );
    let d = m.after - m.before;
    let ax = if span > 0.0 {
        mid + d / span * half
    } else {
        mid
    };
    if (ax - mid).abs() > 10.0 {
        line(
            svg,
            "shift-move",
            Point { x: mid, y: ty },
            Point { x: ax, y: ty },
            FORWARD,
            "2.5",
            "",
        );
        arrow(
            svg,
            Point { x: mid, y: ty },
            Point {
                x: ax - (ax - mid).signum() * 5.0,
                y: ty,
            },
            FORWARD,
            "shift-arrow",
        );
    }
    ring(
        svg,
        "shift-before",
        Point { x: mid, y: ty },
        "6",
        "none",
        INK,
    );
    ring(
        svg,
        "shift-after",
        Point { x: ax, y: ty },
        "4.5",
        FORWARD,
        FORWARD,
    );
    let toward = m.target.as_ref().map_or(String::new(), |(n, t)| {
        let closer = (m.after - t).abs() < (m.before - t).abs();
        format!(", {} {n}", if closer { "towards" } else { "away from" })
    });
    text(
        svg,
        "shift-numbers",
        14.0,
        top + 52.0,
        font(11.0, MUTED),
        &format!(
            "{pred} {} → {} ({}{}){toward}",
            num(m.before),
            num(m.after),
            if d >= 0.0 { "+" } else { "−" },
            num(d.abs())
        ),
    );
}

/// What the contributions table shows, and in which columns.
struct Columns<'a> {
    g: &'a Graph,
    params: Vec<NodeId>,
    k: usize,
    out_name: &'a str,
    input_names: Vec<String>,
    /// A column for the probability `p`, when the output is something else.
    show_p: bool,
}

impl Columns<'_> {
    fn pname(&self, i: NodeId) -> String {
        crate::text::display_name(self.g.nodes[i].name.as_deref().unwrap_or_default())
    }
}

/// The contributions table: one row per example, in the order the backward
/// pass reached them, with its inputs, output, and per param its
/// contribution and the running sum.
fn contributions(s: &Scenario, run: &Run, id: &str) -> String {
    let g = run.graph();
    let params: Vec<NodeId> = g.leaves(Kind::Param).collect();
    let rows = example_rows(s, run, &params);
    let out_name = s.stmts[s.output].name.as_str();
    let cols = Columns {
        g,
        k: s.examples.len(),
        show_p: rows.iter().any(|r| r.prob.is_some()) && out_name != "p",
        input_names: rows
            .first()
            .map(|r| r.inputs.iter().map(|(nm, _)| nm.clone()).collect())
            .unwrap_or_default(),
        params,
        out_name,
    };
    let mut t = contributions_head(s, &cols, &rows, id);
    for r in &rows {
        t += &contribution_row(&cols, r);
    }
    t += &contributions_foot(s, &cols);
    t
}

/// The table's opening, caption and column headers.
fn contributions_head(s: &Scenario, cols: &Columns, rows: &[ExampleRow], id: &str) -> String {
    let (k, out_name) = (cols.k, cols.out_name);
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
            &cols
                .params
                .iter()
                .map(|&q| cols.pname(q))
                .collect::<Vec<_>>()
        )),
        esc(&reduce)
    );
    for nm in &cols.input_names {
        t += &format!("<th scope=\"col\">{}</th>", esc(nm));
    }
    if cols.show_p {
        t += "<th scope=\"col\">p</th>";
    }
    t += &format!(
        "<th scope=\"col\">{0}</th><th scope=\"col\">upstream ∂L/∂{0}</th>",
        esc(out_name)
    );
    for &q in &cols.params {
        let nm = esc(&cols.pname(q));
        t += &format!("<th scope=\"col\">to {nm}</th><th scope=\"col\">running ∂L/∂{nm}</th>");
    }
    t += "</tr></thead>\n<tbody>\n";
    t
}

/// One example's row.
fn contribution_row(cols: &Columns, r: &ExampleRow) -> String {
    let dash = "—".to_string();
    let mut t = format!("<tr><th scope=\"row\">{}</th>", r.example + 1);
    for (_, v) in &r.inputs {
        t += &format!("<td>{}</td>", num(*v));
    }
    if cols.show_p {
        t += &format!("<td>{}</td>", r.prob.map_or(dash.clone(), num));
    }
    let (ov, og) = r
        .output
        .map_or((dash.clone(), dash.clone()), |(v, gr)| (num(v), num(gr)));
    t += &format!("<td>{ov}</td><td>{og}</td>");
    for (j, &q) in cols.params.iter().enumerate() {
        let nm = esc(&cols.pname(q));
        let (c, run_total) =
            r.per_param[j].map_or((dash.clone(), dash.clone()), |(c, tt)| (num(c), num(tt)));
        t += &format!(
            "<td class=\"contribution\" data-param=\"{nm}\">{c}</td><td class=\"running\" data-param=\"{nm}\">{run_total}</td>"
        );
    }
    t += "</tr>\n";
    t
}

/// The footer: how the examples were reduced, and the final gradients.
fn contributions_foot(s: &Scenario, cols: &Columns) -> String {
    let k = cols.k;
    let mut t = "</tbody>\n<tfoot><tr><th scope=\"row\">".to_string();
    t += &if s.mean {
        format!("mean of {k} (× 1/{k}, already applied)")
    } else {
        format!("sum of {k}")
    };
    t += "</th>";
    let skip = cols.input_names.len() + usize::from(cols.show_p) + 2;
    if skip > 0 {
        t += &format!("<td colspan=\"{skip}\">final gradients</td>");
    }
    for &q in &cols.params {
        let nm = esc(&cols.pname(q));
        t += &format!(
            "<td></td><td class=\"total\" data-param=\"{nm}\"><strong>{}</strong></td>",
            num(cols.g.nodes[q].grad)
        );
    }
    t += "</tr></tfoot>\n</table>\n";
    t
}

/// The SGD step per param, and the output before and after it.
fn update(u: &Update, out_name: &str) -> String {
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
        esc(out_name),
        num(u.output_before),
        num(u.output_after)
    );
    h
}
