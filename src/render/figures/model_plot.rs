//! The plot of a batch figure: the examples and the model before and
//! after the update.

use super::batch::example_of;
use super::open;
use crate::engine::{Graph, Kind, NodeId, Op};
use crate::layout::Point;
use crate::render::plot::{Scale, axes, nice_step, x_tick, y_tick};
use crate::render::svg::{Svg, font, line, marker, p, polyline, text};
use crate::render::theme::{FORWARD, INK, MUTED};
use crate::scenario::{Run, Scenario};
use crate::story::num;

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
pub(super) fn batch_plot(s: &Scenario, run: &Run, id: &str) -> String {
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
