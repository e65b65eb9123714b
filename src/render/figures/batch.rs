//! Figure "batch": each example's contribution to the shared params (a
//! table), the SGD step (a table), and the examples with the sigmoid curve
//! before and after the step (a plot).

use super::{and_list, open};
use crate::engine::{Graph, Kind, NodeId, Op};
use crate::layout::Point;
use crate::render::plot::{Scale, axes, nice_step, x_tick, y_tick};
use crate::render::svg::{Svg, esc, font, line, marker, p, polyline, text};
use crate::render::theme::{FORWARD, INK, MUTED};
use crate::scenario::{Run, Scenario, UpdateResult};
use crate::story::{num, operand};

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
    let out_name = &s.stmts[s.output].name;
    BatchParts {
        contributions: contributions(s, run, id),
        update: match &run.update {
            None => "<p class=\"batch-update\">This block has no update.</p>\n".to_string(),
            Some(u) => update(u, out_name),
        },
        plot: batch_plot(s, run, id),
    }
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
        self.g.nodes[i].name.clone().unwrap_or_default()
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
fn update(u: &UpdateResult, out_name: &str) -> String {
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

// ---------------------------------------------------------------------------
// The plot.

/// The plot's size.
const PLOT: (f64, f64) = (520.0, 340.0);

/// What the plot shows: the examples as points and the curve's params.
struct PlotData {
    /// The x and y axes' input names.
    xn: String,
    yn: String,
    points: Vec<(f64, f64)>,
    /// The x range: the points with a margin of 1.
    xmin: f64,
    xmax: f64,
    /// (w, b) before and after the update, when found.
    before: Option<(f64, f64)>,
    after: Option<(f64, f64)>,
}

/// The axes' names: `x` and `y` when the examples have them, else the
/// first two inputs.
fn axis_names(s: &Scenario) -> (Option<String>, Option<String>) {
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
    (xname, yname)
}

impl PlotData {
    fn new(s: &Scenario, run: &Run) -> PlotData {
        let g = run.graph();
        let k = s.examples.len();
        let (xname, yname) = axis_names(s);
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
        let sb = slope_bias(g);
        PlotData {
            xn: xname.unwrap_or_else(|| "x".into()),
            yn: yname.unwrap_or_else(|| "y".into()),
            points,
            xmin,
            xmax,
            before: sb.map(|(w, b)| (g.nodes[w].value, g.nodes[b].value)),
            after: sb.and_then(|(w, b)| {
                let u = run.update.as_ref()?;
                Some((u.graph.nodes[w].value, u.graph.nodes[b].value))
            }),
        }
    }

    /// The sigmoid curve for `(w, b)` across the x range, from the
    /// rulebook's forward function.
    fn curve(&self, (w, b): (f64, f64)) -> Vec<(f64, f64)> {
        let sigmoid = Op::Sigmoid.rule().forward;
        let samples = 60;
        let (xmin, xmax) = (self.xmin, self.xmax);
        (0..=samples)
            .map(|i| {
                let x = xmin + (xmax - xmin) * i as f64 / samples as f64;
                (x, sigmoid(&[w * x + b], 0.0))
            })
            .collect()
    }

    /// The plot's description: the points and the curves.
    fn desc(&self) -> String {
        let (xn, yn) = (&self.xn, &self.yn);
        let pts_desc: Vec<String> = self
            .points
            .iter()
            .map(|(x, y)| format!("({}, {})", num(*x), num(*y)))
            .collect();
        let mut desc = format!(
            "The {} examples ({xn}, {yn}): {}.",
            self.points.len(),
            pts_desc.join(", ")
        );
        match (self.before, self.after) {
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
        desc
    }
}

/// "w = 1.15, b = −0.8", or nothing.
fn wb(v: Option<(f64, f64)>) -> String {
    v.map_or_else(String::new, |(w, b)| {
        format!("w = {}, b = {}", num(w), num(b))
    })
}

/// The examples and the sigmoid curve before and after the update.
fn batch_plot(s: &Scenario, run: &Run, id: &str) -> String {
    let data = PlotData::new(s, run);
    let (width, height) = PLOT;
    let (l, r, top, bottom) = (56.0, width - 20.0, 56.0, height - 92.0);
    let sx = Scale {
        lo: data.xmin,
        hi: data.xmax,
        from: l,
        to: r,
    };
    let sy = Scale {
        lo: -0.1,
        hi: 1.1,
        from: bottom,
        to: top,
    };
    let title = format!(
        "{}: the examples and the sigmoid before and after one step",
        s.title.clone().unwrap_or_else(|| s.id.clone())
    );
    let mut svg = open(
        id,
        "figure batch-plot",
        (width, height),
        &title,
        &data.desc(),
    );
    text(
        &mut svg,
        "caption",
        14.0,
        22.0,
        font(13.0, INK).bold(),
        &format!("σ(w·{} + b) before and after one step", data.xn),
    );
    // Axes and ticks.
    let step = nice_step(data.xmax - data.xmin, 6.0);
    let first = (data.xmin / step).ceil() as i64;
    let last = (data.xmax / step).floor() as i64;
    for t in first..=last {
        let x = t as f64 * step;
        x_tick(&mut svg, sx.at(x), top, bottom, &num(x));
    }
    for y in [0.0, 0.5, 1.0] {
        y_tick(&mut svg, (l, r), sy.at(y), Some(&num(y)));
    }
    axes(&mut svg, (l, r), (top, bottom), bottom + 34.0, &data.xn);
    text(
        &mut svg,
        "axis-label",
        l - 8.0,
        top - 8.0,
        font(12.0, INK).end(),
        &data.yn,
    );
    curves_and_points(&mut svg, &data, sx, sy);
    legend(&mut svg, &data, height - 34.0);
    svg.finish()
}

/// The curves (before dashed, after solid) and the examples (y = 1 filled
/// circles, y = 0 hollow squares).
fn curves_and_points(svg: &mut Svg, data: &PlotData, sx: Scale, sy: Scale) {
    let at = |(x, y): (f64, f64)| p(sx.at(x), sy.at(y));
    if let Some(wb) = data.before {
        let pts: Vec<Point> = data.curve(wb).into_iter().map(at).collect();
        polyline(svg, "curve before", &pts, MUTED, "2", "6 4");
    }
    if let Some(wb) = data.after {
        let pts: Vec<Point> = data.curve(wb).into_iter().map(at).collect();
        polyline(svg, "curve after", &pts, FORWARD, "2.5", "");
    }
    for &(x, y) in &data.points {
        let one = y >= 0.5;
        marker(
            svg,
            if one { "point y1" } else { "point y0" },
            at((x, y)),
            !one,
            INK,
            one,
        );
    }
}

/// The legend at `ly`, below the axis label: the curves, then the markers.
fn legend(svg: &mut Svg, data: &PlotData, ly: f64) {
    let lf = font(11.0, INK);
    let mut x = 14.0;
    if data.before.is_some() {
        line(
            svg,
            "legend curve before",
            p(x, ly - 4.0),
            p(x + 28.0, ly - 4.0),
            MUTED,
            "2",
            "6 4",
        );
        let label = format!("before ({})", wb(data.before));
        text(svg, "legend", x + 34.0, ly, lf, &label);
        x += 34.0 + lf.width(&label) + 18.0;
    }
    if data.after.is_some() {
        line(
            svg,
            "legend curve after",
            p(x, ly - 4.0),
            p(x + 28.0, ly - 4.0),
            FORWARD,
            "2.5",
            "",
        );
        let label = format!("after ({})", wb(data.after));
        text(svg, "legend", x + 34.0, ly, lf, &label);
    }
    if data.before.is_none() {
        text(
            svg,
            "note",
            14.0,
            ly,
            font(11.0, MUTED),
            "No curve: the graph has no weight and bias params (w·x + b).",
        );
    }
    let ly2 = ly + 20.0;
    let yn = &data.yn;
    marker(svg, "legend point y1", p(20.0, ly2 - 4.0), false, INK, true);
    text(svg, "legend", 32.0, ly2, lf, &format!("{yn} = 1"));
    marker(svg, "legend point y0", p(90.0, ly2 - 4.0), true, INK, false);
    text(svg, "legend", 102.0, ly2, lf, &format!("{yn} = 0"));
}
