//! The plot of a batch figure: the author's `model` over the features, with
//! the examples marked by their `label`, before and after the update.
//!
//! The model is not assumed: every curve and boundary is the engine's
//! forward pass of the model's statements ([`Scenario::model_graph`]) with
//! the feature values set at each sample point, once with the params before
//! the step and once with the params after it. One feature gives curves
//! over it; two give the plane of the two with the line where the model
//! crosses its middle value (marching squares on a small grid); more give a
//! note instead of a plot.

use super::open;
use crate::engine::{Kind, NodeId};
use crate::layout::Point;
use crate::render::plot::{Scale, axes, nice_step, simplify, x_tick, y_tick};
use crate::render::svg::{Font, Svg, font, line, marker, p, polyline, text};
use crate::render::theme::{BACKWARD, FORWARD, INK, MUTED};
use crate::scenario::expr::{BinOp, Expr, ExprKind, Stmt};
use crate::scenario::{Lowered, Model, Run, Scenario};
use crate::story::num;
use std::collections::BTreeMap;

/// The plot's width on a wide screen; a phone gets one [`PHONE_COLUMN`]
/// wide (`crate::render::scene::PHONE_COLUMN`), everything that does not
/// fit it wrapped onto more lines.
pub(super) const WIDTH: f64 = 520.0;
/// The plot area's left edge, and its right edge in a plot `width` wide.
const LEFT: f64 = 56.0;
fn right(width: f64) -> f64 {
    width - 24.0
}
/// About how many ticks the x axis gets in a plot `width` wide: six
/// across the wide plot's 440 px, four across a phone's.
fn x_ticks(width: f64) -> f64 {
    if width < WIDTH { 4.0 } else { 6.0 }
}
/// Samples of a curve, and cells per side of the grid a boundary is traced
/// on.
const SAMPLES: usize = 60;
const GRID: usize = 40;

/// Fonts: the caption, its second line, the legend and notes, value labels.
const CAPTION: Font = font(13.0, INK).bold();
const SUB: Font = font(12.0, MUTED);
const LEGEND: Font = font(11.0, INK);
const NOTE: Font = font(11.0, MUTED);

/// The examples and the model before and after the update, in a plot
/// `width` wide.
pub(super) fn batch_plot(s: &Scenario, run: &Run, id: &str, width: f64) -> String {
    let Some(model) = &s.model else {
        return note_only(
            s,
            id,
            width,
            "The examples and the model",
            &["No plot: no statement computes a prediction from the params without the label. Name one with `model`.".to_string()],
        );
    };
    let title = model_title(s, model, width);
    let features = &model.features;
    match features.len() {
        1 | 2 => {}
        0 => {
            return note_only(
                s,
                id,
                width,
                &title,
                &["No plot: the model uses no input besides the label, so there is no axis to draw it over.".to_string()],
            );
        }
        n => {
            return note_only(
                s,
                id,
                width,
                &title,
                &[format!(
                    "No plot: the model uses {n} inputs ({}); a plot shows one or two.{}",
                    features.join(", "),
                    if s.label.is_none() {
                        " If one of them is the target, name it with `label`."
                    } else {
                        ""
                    }
                )],
            );
        }
    }
    let Some(mut eval) = Eval::new(s, run) else {
        return note_only(
            s,
            id,
            width,
            &title,
            &["No plot: the model could not be built.".to_string()],
        );
    };
    let data = Data::new(s, run, model, &mut eval);
    if features.len() == 1 {
        curve_plot(s, id, width, &title, &data, &mut eval)
    } else {
        plane_plot(s, id, width, &title, &data, &mut eval)
    }
}

// ---------------------------------------------------------------------------
// The model, run by the engine.

/// The model's graph for one example, with handles on its features and
/// params.
struct Eval {
    lowered: Lowered,
    features: Vec<NodeId>,
    /// Params the model uses, with their values before and after the step.
    params: Vec<(String, NodeId, f64, Option<f64>)>,
}

impl Eval {
    fn new(s: &Scenario, run: &Run) -> Option<Eval> {
        let model = s.model.as_ref()?;
        let lowered = s.model_graph(run.view)?;
        let g = &lowered.graph;
        let features = model
            .features
            .iter()
            .map(|f| {
                (0..g.len()).find(|&i| {
                    g.nodes[i].kind == Kind::Input && g.nodes[i].name.as_deref() == Some(f)
                })
            })
            .collect::<Option<Vec<_>>>()?;
        // The params the output depends on, in arena order.
        let mut used = vec![false; g.len()];
        used[lowered.output] = true;
        for i in (0..g.len()).rev() {
            if used[i] {
                for &q in &g.nodes[i].parents {
                    used[q] = true;
                }
            }
        }
        let params = (0..g.len())
            .filter(|&i| used[i] && g.nodes[i].kind == Kind::Param)
            .map(|i| {
                let name = g.nodes[i].name.clone().unwrap_or_default();
                let after = run
                    .update
                    .as_ref()
                    .and_then(|u| u.params.iter().find(|q| q.0 == name).map(|q| q.3));
                (name, i, g.nodes[i].value, after)
            })
            .collect();
        Some(Eval {
            lowered,
            features,
            params,
        })
    }

    /// Sets the params to their values before (`false`) or after (`true`)
    /// the step.
    fn set(&mut self, after: bool) {
        for (_, i, before, aft) in &self.params {
            self.lowered.graph.nodes[*i].value = if after {
                aft.unwrap_or(*before)
            } else {
                *before
            };
        }
    }

    /// The model at feature values `x`; `None` outside an op's domain.
    fn at(&mut self, x: &[f64]) -> Option<f64> {
        for (&i, &v) in self.features.iter().zip(x) {
            self.lowered.graph.nodes[i].value = v;
        }
        self.lowered.graph.forward_quiet().ok()?;
        Some(self.lowered.graph.nodes[self.lowered.output].value).filter(|v| v.is_finite())
    }

    /// "w = 1.2, b = −0.1" before or after, or a plain phrase when there
    /// are too many params to list.
    fn values(&self, after: bool) -> String {
        if self.params.len() > 4 {
            return String::new();
        }
        self.params
            .iter()
            .map(|(n, _, b, a)| {
                let v = if after { a.unwrap_or(*b) } else { *b };
                format!("{} = {}", crate::text::display_name(n), num(v))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How the examples' targets are drawn.
#[derive(Clone, Copy, PartialEq)]
enum Targets {
    /// No label: examples drawn by their features only.
    None,
    /// Exactly two values: two classes, (lower, higher).
    Classes(f64, f64),
    /// Anything else: numbers.
    Values,
}

/// What both kinds of plot show.
struct Data {
    /// The model's name for legends: `p`, or "the model".
    pred: String,
    label: Option<String>,
    features: Vec<String>,
    /// Per example: its feature values and its target.
    examples: Vec<(Vec<f64>, Option<f64>)>,
    targets: Targets,
    /// Whether there is a step to show.
    update: bool,
    /// The feature ranges, with a margin.
    ranges: Vec<(f64, f64)>,
    /// The model's middle value: where a two-feature plot draws its line.
    level: f64,
}

impl Data {
    fn new(s: &Scenario, run: &Run, model: &Model, eval: &mut Eval) -> Data {
        let value =
            |e: &[crate::scenario::Named], n: &str| e.iter().find(|v| v.name == n).map(|v| v.value);
        let examples: Vec<(Vec<f64>, Option<f64>)> = s
            .examples
            .iter()
            .map(|e| {
                let x = model
                    .features
                    .iter()
                    .map(|f| value(e, f).unwrap_or(0.0))
                    .collect();
                (x, s.label.as_deref().and_then(|l| value(e, l)))
            })
            .collect();
        let mut distinct: Vec<f64> = examples.iter().filter_map(|e| e.1).collect();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let targets = match (s.label.is_some(), distinct.as_slice()) {
            (false, _) => Targets::None,
            (true, &[lo, hi]) => Targets::Classes(lo, hi),
            _ => Targets::Values,
        };
        let ranges = (0..model.features.len())
            .map(|k| {
                let (lo, hi) = examples
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |r, e| {
                        (r.0.min(e.0[k]), r.1.max(e.0[k]))
                    });
                let margin = ((hi - lo) * 0.25).max(0.5);
                (lo - margin, hi + margin)
            })
            .collect();
        let level = match targets {
            Targets::Classes(lo, hi) => (lo + hi) / 2.0,
            _ if ends_in_sigmoid(s, &model.expr, model.uses) => 0.5,
            _ => 0.0,
        };
        eval.set(false);
        Data {
            pred: model
                .name
                .clone()
                .unwrap_or_else(|| "the model".to_string()),
            label: s.label.clone(),
            features: model.features.clone(),
            examples,
            targets,
            update: run.update.is_some(),
            ranges,
            level,
        }
    }

    /// The caption's second part.
    fn when(&self) -> &'static str {
        if self.update {
            "before and after one step"
        } else {
            "and the examples"
        }
    }
}

/// Whether the model's last op is a sigmoid (through statements that only
/// rename another).
fn ends_in_sigmoid(s: &Scenario, e: &Expr, uses: usize) -> bool {
    let mut e = e;
    loop {
        match &e.kind {
            ExprKind::Call { name, .. } => return name == "sigmoid",
            ExprKind::Name(n) => match s.stmts[..uses].iter().position(|st| &st.name == n) {
                Some(k) => e = &s.stmts[k].expr,
                None => return false,
            },
            _ => return false,
        }
    }
}

// ---------------------------------------------------------------------------
// The title: the model written out.

/// Binding strength of what an expression's text shows at its top.
const ADD: u8 = 1;
const MUL: u8 = 2;
const NEG: u8 = 3;
const ATOM: u8 = 5;

/// Most expression nodes one [`show`] writes out. Expanding statement
/// names grows the text exponentially when a statement uses the one
/// before it twice (40 statements `h = g + g` took longer than two
/// minutes), and recursed once per level of every statement expanded. A
/// text of 500 nodes is far wider than any plot, so a depth that needs
/// more does not fit anyway.
const SHOW_NODES: usize = 500;

/// What a [`show`] may still write: nodes left, and whether it ran out.
struct ShowBudget {
    left: std::cell::Cell<usize>,
    ran_out: std::cell::Cell<bool>,
}

impl ShowBudget {
    fn new(nodes: usize) -> ShowBudget {
        ShowBudget {
            left: std::cell::Cell::new(nodes),
            ran_out: std::cell::Cell::new(false),
        }
    }

    /// Takes one node; false once there are none left.
    fn take(&self) -> bool {
        match self.left.get() {
            0 => {
                self.ran_out.set(true);
                false
            }
            n => {
                self.left.set(n - 1);
                true
            }
        }
    }
}

/// An expression as text, with statement names expanded `depth` levels
/// deep: `tanh(w1·x1 + w2·x2 + b)`, within `budget` (the text is cut short
/// with `…` past it, and the budget says so).
fn show(e: &Expr, stmts: &[Stmt], depth: usize, budget: &ShowBudget) -> (String, u8) {
    if !budget.take() {
        return ("…".to_string(), ATOM);
    }
    let wrap = |e: &Expr, min: u8| {
        let (t, p) = show(e, stmts, depth, budget);
        if p < min { format!("({t})") } else { t }
    };
    match &e.kind {
        ExprKind::Num(v) => (num(*v), if *v < 0.0 { NEG } else { ATOM }),
        ExprKind::Name(n) => match stmts.iter().position(|s| &s.name == n) {
            Some(k) if depth > 0 => show(&stmts[k].expr, &stmts[..k], depth - 1, budget),
            _ => (n.clone(), ATOM),
        },
        ExprKind::Neg(a) => (format!("−{}", wrap(a, NEG)), NEG),
        ExprKind::Bin(op, a, b) => match op {
            BinOp::Add => (format!("{} + {}", wrap(a, ADD), wrap(b, ADD)), ADD),
            BinOp::Sub => (format!("{} − {}", wrap(a, ADD), wrap(b, MUL)), ADD),
            BinOp::Mul => (format!("{}·{}", wrap(a, MUL), wrap(b, MUL)), MUL),
            BinOp::Div => (format!("{}/{}", wrap(a, MUL), wrap(b, NEG)), MUL),
            BinOp::Pow => {
                let c = match &b.kind {
                    ExprKind::Num(c) => *c,
                    ExprKind::Neg(n) => match n.kind {
                        ExprKind::Num(c) => -c,
                        _ => f64::NAN,
                    },
                    _ => f64::NAN,
                };
                let sup = match c {
                    2.0 => "²".to_string(),
                    3.0 => "³".to_string(),
                    -1.0 => "⁻¹".to_string(),
                    _ => format!("^{}", wrap(b, ATOM)),
                };
                (format!("{}{sup}", wrap(a, ATOM)), ATOM - 1)
            }
        },
        ExprKind::Call { name, args, .. } => match (name.as_str(), args.as_slice()) {
            ("linear", [w, x, b]) => (
                format!("{}·{} + {}", wrap(w, MUL), wrap(x, MUL), wrap(b, ADD)),
                ADD,
            ),
            (f, args) => {
                let f = if f == "sigmoid" { "σ" } else { f };
                let args: Vec<String> = args
                    .iter()
                    .map(|a| show(a, stmts, depth, budget).0)
                    .collect();
                (format!("{f}({})", args.join(", ")), ATOM)
            }
        },
    }
}

/// The model written out as far as fits the plot's width:
/// `y = tanh(w1·x1 + w2·x2 + b)`, or with statement names kept when the
/// full expansion is too long.
fn model_text(s: &Scenario, m: &Model, room: f64) -> String {
    let stmts = &s.stmts[..m.uses];
    let named = |t: String| match &m.name {
        Some(n) => format!("{n} = {t}"),
        None => t,
    };
    for depth in (0..=stmts.len()).rev() {
        let budget = ShowBudget::new(SHOW_NODES);
        let t = named(show(&m.expr, stmts, depth, &budget).0);
        if !budget.ran_out.get() && CAPTION.width(&t) <= room {
            return t;
        }
    }
    // Without expanding names the text is as long as the statement.
    let mut t = named(show(&m.expr, stmts, 0, &ShowBudget::new(usize::MAX)).0);
    while CAPTION.width(&t) > room && t.chars().count() > 2 {
        t.pop();
        t = t.trim_end_matches('…').to_string();
        t.push('…');
    }
    t
}

/// The caption: what is drawn.
fn model_title(s: &Scenario, m: &Model, width: f64) -> String {
    model_text(s, m, width - 28.0)
}

// ---------------------------------------------------------------------------
// Layout helpers.

/// Opens the SVG with its accessible title and description, and writes the
/// caption (one line, or two when it does not fit). Returns the SVG and the
/// y below the caption.
fn start(
    s: &Scenario,
    id: &str,
    (width, height): (f64, f64),
    caption: &str,
    when: &str,
    desc: &str,
) -> Svg {
    let title = format!(
        "{}: {caption} {when}",
        s.title.clone().unwrap_or_else(|| s.id.clone())
    );
    let mut svg = open(id, "figure batch-plot", (width, height), &title, desc);
    let one = format!("{caption} {when}");
    if CAPTION.width(&one) <= width - 28.0 {
        text(&mut svg, "caption", 14.0, 22.0, CAPTION, &one);
    } else {
        text(&mut svg, "caption", 14.0, 22.0, CAPTION, caption);
        text(&mut svg, "caption-more", 14.0, 40.0, SUB, when);
    }
    svg
}

/// How far down the caption reaches.
fn caption_bottom(caption: &str, when: &str, width: f64) -> f64 {
    if CAPTION.width(&format!("{caption} {when}")) <= width - 28.0 {
        28.0
    } else {
        46.0
    }
}

/// Splits `s` into lines no wider than `room` in font `f`.
fn wrap_words(s: &str, f: Font, room: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in s.split(' ') {
        let next = if cur.is_empty() {
            w.to_string()
        } else {
            format!("{cur} {w}")
        };
        if f.width(&next) > room && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
            cur = w.to_string();
        } else {
            cur = next;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Splits a legend entry into lines no wider than `room` in font `f`,
/// breaking first before its parenthesis and after the commas of the
/// values in it ("before: y = 0" / "(w1 = 0.5, w2 = −0.3, b = 0.1)"),
/// and between words only within a phrase wider than `room`.
fn wrap_phrases(s: &str, f: Font, room: f64) -> Vec<String> {
    // The phrases, a comma kept at the end of its phrase: rejoined with
    // single spaces they give `s` back.
    let mut phrases: Vec<String> = Vec::new();
    for (k, part) in s.split(" (").enumerate() {
        let part = if k == 0 {
            part.to_string()
        } else {
            format!("({part}")
        };
        let pieces: Vec<&str> = part.split(", ").collect();
        for (j, piece) in pieces.iter().enumerate() {
            let comma = if j + 1 < pieces.len() { "," } else { "" };
            phrases.push(format!("{piece}{comma}"));
        }
    }
    let mut lines: Vec<String> = Vec::new();
    for phrase in &phrases {
        match lines.last_mut() {
            Some(last) if f.width(&format!("{last} {phrase}")) <= room => {
                last.push(' ');
                last.push_str(phrase);
            }
            _ => lines.extend(wrap_words(phrase, f, room)),
        }
    }
    lines
}

/// A small figure with the caption and a note instead of a plot.
fn note_only(s: &Scenario, id: &str, width: f64, caption: &str, notes: &[String]) -> String {
    let lines: Vec<String> = notes
        .iter()
        .flat_map(|n| wrap_words(n, NOTE, width - 28.0))
        .collect();
    let top = caption_bottom(caption, "", width);
    let height = top + 16.0 + 18.0 * lines.len() as f64;
    let mut svg = start(s, id, (width, height), caption, "", &notes.join(" "));
    for (k, l) in lines.iter().enumerate() {
        text(
            &mut svg,
            "note",
            14.0,
            top + 18.0 + 18.0 * k as f64,
            NOTE,
            l,
        );
    }
    svg.finish()
}

/// What a legend entry shows before its words. The examples' entries
/// (markers) start a line of their own.
enum Glyph {
    Line(&'static str, &'static str, &'static str),
    Marker(bool, &'static str, bool),
}

/// The width of a legend entry's glyph.
fn glyph_width(g: &Glyph) -> f64 {
    match g {
        Glyph::Line(..) => 28.0,
        Glyph::Marker(..) => 10.0,
    }
}

/// Where legend entries go when flowed into lines of a plot `width` wide:
/// (x, first line, the entry's words in lines) of each. An entry wider
/// than the plot wraps its words under themselves and ends its line.
fn flow(items: &[(Glyph, String, &str)], width: f64) -> Vec<(f64, usize, Vec<String>)> {
    let (mut x, mut row) = (14.0, 0);
    let mut out = Vec::new();
    let mut last_line = true;
    for (glyph, words, _) in items {
        let gw = glyph_width(glyph) + 6.0;
        let lines = if 14.0 + gw + LEGEND.width(words) > width - 14.0 {
            wrap_phrases(words, LEGEND, width - 28.0 - gw)
        } else {
            vec![words.clone()]
        };
        let w = gw + lines.iter().map(|l| LEGEND.width(l)).fold(0.0, f64::max);
        let first_marker = last_line && matches!(glyph, Glyph::Marker(..));
        last_line = matches!(glyph, Glyph::Line(..));
        if x > 14.0 && (x + w > width - 14.0 || first_marker || lines.len() > 1) {
            x = 14.0;
            row += 1;
        }
        let n = lines.len();
        out.push((x, row, lines));
        if n > 1 {
            // The next entry starts under the wrapped one.
            row += n;
            x = 14.0;
        } else {
            x += w + 18.0;
        }
    }
    out
}

/// How many lines the legend takes in a plot `width` wide.
fn legend_lines(items: &[(Glyph, String, &str)], width: f64) -> f64 {
    flow(items, width)
        .last()
        .map_or(0.0, |l| (l.1 + l.2.len()) as f64)
}

/// Legend entries flowed into lines of a plot `width` wide from `top`;
/// returns the y of the last line.
fn legend(svg: &mut Svg, items: &[(Glyph, String, &str)], top: f64, width: f64) -> f64 {
    let mut y = top;
    for ((glyph, _, class), (x, row, lines)) in items.iter().zip(flow(items, width)) {
        y = top + 20.0 * row as f64;
        let gw = glyph_width(glyph);
        match glyph {
            Glyph::Line(colour, width, dash) => line(
                svg,
                &format!("legend {class}"),
                p(x, y - 4.0),
                p(x + 28.0, y - 4.0),
                colour,
                width,
                dash,
            ),
            Glyph::Marker(square, colour, filled) => marker(
                svg,
                &format!("legend {class}"),
                p(x + 5.0, y - 4.0),
                *square,
                colour,
                *filled,
            ),
        }
        for (k, words) in lines.iter().enumerate() {
            if k > 0 {
                y += 20.0;
            }
            text(svg, "legend", x + gw + 6.0, y, LEGEND, words);
        }
    }
    y
}

/// The legend entries of the two models.
fn model_entries(data: &Data, eval: &Eval, what: &str) -> Vec<(Glyph, String, &'static str)> {
    let with = |after: bool| {
        let v = eval.values(after);
        if v.is_empty() {
            String::new()
        } else {
            format!(" ({v})")
        }
    };
    if data.update {
        vec![
            (
                Glyph::Line(MUTED, "2", "6 4"),
                format!("before{what}{}", with(false)),
                "curve before",
            ),
            (
                Glyph::Line(FORWARD, "2.5", ""),
                format!("after{what}{}", with(true)),
                "curve after",
            ),
        ]
    } else {
        vec![(
            Glyph::Line(FORWARD, "2.5", ""),
            format!("the model{what}{}", with(false)),
            "curve after",
        )]
    }
}

/// The legend entries of the examples.
fn example_entries(data: &Data) -> Vec<(Glyph, String, &'static str)> {
    match (data.targets, &data.label) {
        (Targets::Classes(lo, hi), Some(l)) => vec![
            (
                Glyph::Marker(false, INK, true),
                format!("{l} = {}", num(hi)),
                "point y1",
            ),
            (
                Glyph::Marker(true, BACKWARD, false),
                format!("{l} = {}", num(lo)),
                "point y0",
            ),
        ],
        (Targets::Values, Some(l)) if data.features.len() == 1 => vec![(
            Glyph::Marker(false, INK, true),
            format!("example at its target {l}"),
            "point value",
        )],
        (Targets::Values, Some(l)) => vec![(
            Glyph::Marker(false, INK, true),
            format!("example, labelled with its target {l}"),
            "point value",
        )],
        _ => vec![(
            Glyph::Marker(false, INK, true),
            "example".to_string(),
            "point value",
        )],
    }
}

/// The marker of an example with target `t`: (class, square, colour,
/// filled).
fn example_marker(data: &Data, t: Option<f64>) -> (&'static str, bool, &'static str, bool) {
    match (data.targets, t) {
        (Targets::Classes(_, hi), Some(t)) if t == hi => ("point y1", false, INK, true),
        (Targets::Classes(..), Some(_)) => ("point y0", true, BACKWARD, false),
        _ => ("point value", false, INK, true),
    }
}

/// Ticks over `(lo, hi)`: about `n` of them, at multiples of a nice step.
fn ticks(lo: f64, hi: f64, n: f64) -> Vec<f64> {
    let step = nice_step(hi - lo, n);
    let (first, last) = ((lo / step).ceil() as i64, (hi / step).floor() as i64);
    (first..=last).map(|t| t as f64 * step).collect()
}

/// The examples as text, for the description.
fn examples_desc(data: &Data) -> String {
    let names = match &data.label {
        Some(l) => format!("{}, {l}", data.features.join(", ")),
        None => data.features.join(", "),
    };
    let pts: Vec<String> = data
        .examples
        .iter()
        .map(|(x, t)| {
            let mut v: Vec<String> = x.iter().map(|v| num(*v)).collect();
            v.extend(t.map(num));
            format!("({})", v.join(", "))
        })
        .collect();
    format!(
        "The {} examples ({names}): {}.",
        data.examples.len(),
        pts.join(", ")
    )
}

// ---------------------------------------------------------------------------
// One feature: curves.

/// The model's curve over the feature, in pieces where it is defined.
fn curve(eval: &mut Eval, (lo, hi): (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut pieces: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for i in 0..=SAMPLES {
        let x = lo + (hi - lo) * i as f64 / SAMPLES as f64;
        match eval.at(&[x]) {
            Some(y) => pieces.last_mut().expect("a piece").push((x, y)),
            None if pieces.last().is_some_and(|c| !c.is_empty()) => pieces.push(Vec::new()),
            None => {}
        }
    }
    pieces.retain(|c| !c.is_empty());
    pieces
}

fn curve_plot(
    s: &Scenario,
    id: &str,
    width: f64,
    caption: &str,
    data: &Data,
    eval: &mut Eval,
) -> String {
    let xr = data.ranges[0];
    eval.set(false);
    let before = curve(eval, xr);
    let after = if data.update {
        eval.set(true);
        let c = curve(eval, xr);
        eval.set(false);
        Some(c)
    } else {
        None
    };
    // Where each example is drawn: at its target, else on the model.
    let points: Vec<(f64, f64, Option<f64>)> = data
        .examples
        .iter()
        .filter_map(|(x, t)| Some((x[0], t.or_else(|| eval.at(&[x[0]]))?, *t)))
        .collect();
    // The y range covers the curves and the points.
    let ys = before
        .iter()
        .chain(after.iter().flatten())
        .flatten()
        .map(|q| q.1)
        .chain(points.iter().map(|q| q.1));
    let (mut ylo, mut yhi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |r, y| {
        (r.0.min(y), r.1.max(y))
    });
    if !ylo.is_finite() {
        (ylo, yhi) = (0.0, 1.0);
    }
    if yhi - ylo < 1e-9 {
        (ylo, yhi) = (ylo - 0.5, yhi + 0.5);
    }
    let step = nice_step(yhi - ylo, 4.0);
    let (tlo, thi) = ((ylo / step).floor() * step, (yhi / step).ceil() * step);
    let pad = (thi - tlo) * 0.06;

    let when = data.when();
    let top = caption_bottom(caption, when, width) + 34.0;
    let bottom = top + 220.0;
    let mut legend_items = model_entries(data, eval, "");
    legend_items.extend(example_entries(data));
    let legend_lines = legend_lines(&legend_items, width);
    let legend_top = bottom + 64.0;
    let height = legend_top + 20.0 * (legend_lines - 1.0) + 16.0;

    let mut desc = examples_desc(data);
    desc += &format!(
        " The curve of {} over {}{}.",
        caption,
        data.features[0],
        when_desc(data, eval)
    );
    let mut svg = start(s, id, (width, height), caption, when, &desc);
    let sx = Scale {
        lo: xr.0,
        hi: xr.1,
        from: LEFT,
        to: right(width),
    };
    let sy = Scale {
        lo: tlo - pad,
        hi: thi + pad,
        from: bottom,
        to: top,
    };
    for x in ticks(xr.0, xr.1, x_ticks(width)) {
        x_tick(&mut svg, sx.at(x), top, bottom, &num(x));
    }
    let mut y = tlo;
    while y <= thi + step * 1e-6 {
        y_tick(&mut svg, (LEFT, right(width)), sy.at(y), Some(&num(y)));
        y += step;
    }
    axes(
        &mut svg,
        (LEFT, right(width)),
        (top, bottom),
        bottom + 36.0,
        &data.features[0],
    );
    let ylabel = match &data.label {
        Some(l) => format!("{} (curve) and {l} (examples)", data.pred),
        None => data.pred.clone(),
    };
    text(
        &mut svg,
        "axis-label",
        14.0,
        top - 12.0,
        font(12.0, INK),
        &ylabel,
    );
    let at = |(x, y): (f64, f64)| p(sx.at(x), sy.at(y));
    before_and_after(&mut svg, "curve", &before, after.as_deref(), |piece| {
        piece.iter().map(|&q| at(q)).collect()
    });
    for &(x, y, t) in &points {
        let (class, square, colour, filled) = example_marker(data, t);
        marker(&mut svg, class, at((x, y)), square, colour, filled);
    }
    legend(&mut svg, &legend_items, legend_top, width);
    svg.finish()
}

// ---------------------------------------------------------------------------
// Two features: the plane and the boundary.

/// The model on a grid over the plane: `v[j][i]` at `(xs[i], ys[j])`.
fn grid(
    eval: &mut Eval,
    xr: (f64, f64),
    yr: (f64, f64),
) -> (Vec<f64>, Vec<f64>, Vec<Vec<Option<f64>>>) {
    let along = |(lo, hi): (f64, f64)| -> Vec<f64> {
        (0..=GRID)
            .map(|i| lo + (hi - lo) * i as f64 / GRID as f64)
            .collect()
    };
    let (xs, ys) = (along(xr), along(yr));
    let v = ys
        .iter()
        .map(|&y| xs.iter().map(|&x| eval.at(&[x, y])).collect())
        .collect();
    (xs, ys, v)
}

/// A crossing on a grid edge: (vertical?, i, j) of the edge's first corner.
type Edge = (bool, usize, usize);

/// A cell's edge: its key, the values at its ends, and the ends.
type CellEdge = (Edge, f64, f64, (f64, f64), (f64, f64));

/// The lines where the grid's values cross `level` (marching squares, a
/// saddle resolved by the cell's mean), joined into polylines.
fn contour(xs: &[f64], ys: &[f64], v: &[Vec<Option<f64>>], level: f64) -> Vec<Vec<(f64, f64)>> {
    let mut points: BTreeMap<Edge, (f64, f64)> = BTreeMap::new();
    let mut segments: Vec<(Edge, Edge)> = Vec::new();
    let crossing = |a: f64, b: f64| (level - a) / (b - a);
    for j in 0..ys.len() - 1 {
        for i in 0..xs.len() - 1 {
            let (Some(c0), Some(c1), Some(c2), Some(c3)) =
                (v[j][i], v[j][i + 1], v[j + 1][i + 1], v[j + 1][i])
            else {
                continue;
            };
            let inside = [c0, c1, c2, c3].map(|c| c >= level);
            // The cell's edges: bottom, right, top, left, with their ends.
            let edges: [CellEdge; 4] = [
                ((false, i, j), c0, c1, (xs[i], ys[j]), (xs[i + 1], ys[j])),
                (
                    (true, i + 1, j),
                    c1,
                    c2,
                    (xs[i + 1], ys[j]),
                    (xs[i + 1], ys[j + 1]),
                ),
                (
                    (false, i, j + 1),
                    c3,
                    c2,
                    (xs[i], ys[j + 1]),
                    (xs[i + 1], ys[j + 1]),
                ),
                ((true, i, j), c0, c3, (xs[i], ys[j]), (xs[i], ys[j + 1])),
            ];
            let corners = [(0, 1), (1, 2), (3, 2), (0, 3)];
            let mut cut = Vec::new();
            for (k, &(key, a, b, pa, pb)) in edges.iter().enumerate() {
                if inside[corners[k].0] != inside[corners[k].1] {
                    let t = crossing(a, b);
                    points.insert(key, (pa.0 + (pb.0 - pa.0) * t, pa.1 + (pb.1 - pa.1) * t));
                    cut.push(k);
                }
            }
            match cut.len() {
                2 => segments.push((edges[cut[0]].0, edges[cut[1]].0)),
                4 => {
                    let centre = (c0 + c1 + c2 + c3) / 4.0 >= level;
                    let pairs = if centre == inside[0] {
                        [(0, 1), (2, 3)]
                    } else {
                        [(3, 0), (1, 2)]
                    };
                    for (a, b) in pairs {
                        segments.push((edges[a].0, edges[b].0));
                    }
                }
                _ => {}
            }
        }
    }
    chain(&segments, &points)
}

/// Joins segments that share an end into polylines: open ones first (from
/// an end used once), then closed loops.
fn chain(segments: &[(Edge, Edge)], points: &BTreeMap<Edge, (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let mut at: BTreeMap<Edge, Vec<usize>> = BTreeMap::new();
    for (k, (a, b)) in segments.iter().enumerate() {
        at.entry(*a).or_default().push(k);
        at.entry(*b).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    let ends: Vec<Edge> = at
        .iter()
        .filter(|(_, s)| s.len() == 1)
        .map(|(e, _)| *e)
        .collect();
    let starts = ends
        .into_iter()
        .chain(segments.iter().map(|s| s.0))
        .collect::<Vec<_>>();
    for start in starts {
        let mut cur = start;
        let mut line = vec![points[&cur]];
        while let Some(&k) = at[&cur].iter().find(|&&k| !used[k]) {
            used[k] = true;
            let (a, b) = segments[k];
            cur = if a == cur { b } else { a };
            line.push(points[&cur]);
        }
        if line.len() > 1 {
            lines.push(line);
        }
    }
    lines
}

/// Where to write which side of the line a region is on (`p > 0.5`): of a
/// few spots inside the plane on that side, the one farthest from the
/// examples and the drawn line, if any is clear of them.
fn side_label(
    eval: &mut Eval,
    data: &Data,
    (sx, sy): (Scale, Scale),
    above: bool,
    avoid: &[Point],
) -> Option<(f64, f64)> {
    let spots = [0.12, 0.3, 0.5, 0.7, 0.88];
    let mut best: Option<((f64, f64), f64)> = None;
    for fy in spots {
        for fx in spots {
            let x = sx.lo + fx * (sx.hi - sx.lo);
            let y = sy.lo + fy * (sy.hi - sy.lo);
            let Some(v) = eval.at(&[x, y]) else { continue };
            if (v > data.level) != above {
                continue;
            }
            let (px, py) = (sx.at(x), sy.at(y));
            let clear = avoid
                .iter()
                .map(|m| ((m.x - px).powi(2) + (m.y - py).powi(2)).sqrt())
                .fold(f64::INFINITY, f64::min);
            if best.is_none_or(|b| clear > b.1) {
                best = Some(((x, y), clear));
            }
        }
    }
    best.filter(|b| b.1 >= 40.0).map(|b| b.0)
}

fn plane_plot(
    s: &Scenario,
    id: &str,
    width: f64,
    caption: &str,
    data: &Data,
    eval: &mut Eval,
) -> String {
    let (xr, yr) = (data.ranges[0], data.ranges[1]);
    eval.set(false);
    let (xs, ys, v) = grid(eval, xr, yr);
    let before = contour(&xs, &ys, &v, data.level);
    let after = if data.update {
        eval.set(true);
        let (_, _, v) = grid(eval, xr, yr);
        eval.set(false);
        Some(contour(&xs, &ys, &v, data.level))
    } else {
        None
    };

    let when = data.when();
    let top = caption_bottom(caption, when, width) + 34.0;
    let bottom = top + 300.0;
    let level = format!(": {} = {}", data.pred, num(data.level));
    let mut legend_items = model_entries(data, eval, &level);
    legend_items.extend(example_entries(data));
    let legend_lines = legend_lines(&legend_items, width);
    let mut notes = Vec::new();
    let missing = |c: &[Vec<(f64, f64)>], which: &str| {
        c.is_empty().then(|| {
            format!(
                "{which}, {} does not cross {} in this window.",
                data.pred,
                num(data.level)
            )
        })
    };
    if let Some(a) = &after {
        notes.extend(missing(&before, "Before the step"));
        notes.extend(missing(a, "After the step"));
    } else {
        notes.extend(missing(&before, "The model"));
    }
    // The notes wrapped to the plot's width.
    let note_lines: Vec<String> = (notes.iter())
        .flat_map(|n| wrap_words(n, NOTE, width - 28.0))
        .collect();
    let legend_top = bottom + 64.0;
    let height = legend_top + 20.0 * (legend_lines - 1.0 + note_lines.len() as f64) + 16.0;

    let mut desc = examples_desc(data);
    desc += &format!(
        " The plane of {} and {} with the line where {caption} equals {}{}.",
        data.features[0],
        data.features[1],
        num(data.level),
        when_desc(data, eval)
    );
    for n in &notes {
        desc += &format!(" {n}");
    }
    let mut svg = start(s, id, (width, height), caption, when, &desc);
    let sx = Scale {
        lo: xr.0,
        hi: xr.1,
        from: LEFT,
        to: right(width),
    };
    let sy = Scale {
        lo: yr.0,
        hi: yr.1,
        from: bottom,
        to: top,
    };
    for x in ticks(xr.0, xr.1, x_ticks(width)) {
        x_tick(&mut svg, sx.at(x), top, bottom, &num(x));
    }
    for y in ticks(yr.0, yr.1, 5.0) {
        y_tick(&mut svg, (LEFT, right(width)), sy.at(y), Some(&num(y)));
    }
    axes(
        &mut svg,
        (LEFT, right(width)),
        (top, bottom),
        bottom + 36.0,
        &data.features[0],
    );
    text(
        &mut svg,
        "axis-label",
        14.0,
        top - 12.0,
        font(12.0, INK),
        &data.features[1],
    );
    let at = |(x, y): (f64, f64)| p(sx.at(x), sy.at(y));
    before_and_after(&mut svg, "boundary", &before, after.as_deref(), |piece| {
        simplify(&piece.iter().map(|&q| at(q)).collect::<Vec<_>>(), 0.3)
    });
    for (x, t) in &data.examples {
        let c = at((x[0], x[1]));
        let (class, square, colour, filled) = example_marker(data, *t);
        marker(&mut svg, class, c, square, colour, filled);
        if let (Targets::Values, Some(t)) = (data.targets, t) {
            text(
                &mut svg,
                "value-label",
                c.x + 8.0,
                c.y - 6.0,
                LEGEND,
                &num(*t),
            );
        }
    }
    let lines = after.as_ref().unwrap_or(&before);
    eval.set(data.update);
    let avoid: Vec<Point> = (data.examples.iter())
        .map(|(x, _)| at((x[0], x[1])))
        .chain(lines.iter().flatten().map(|&q| at(q)))
        .collect();
    for (above, sign) in [(true, ">"), (false, "<")] {
        if let Some(c) = side_label(eval, data, (sx, sy), above, &avoid) {
            let words = format!("{} {sign} {}", data.pred, num(data.level));
            let (x, y) = (sx.at(c.0), sy.at(c.1));
            text(&mut svg, "side-label", x, y + 4.0, NOTE.mid(), &words);
        }
    }
    eval.set(false);
    let y = legend(&mut svg, &legend_items, legend_top, width);
    for (k, n) in note_lines.iter().enumerate() {
        text(&mut svg, "note", 14.0, y + 20.0 * (k + 1) as f64, NOTE, n);
    }
    svg.finish()
}

/// The model's lines before the step (dashed, muted) and after it (solid):
/// with no step, the one set of lines is drawn solid. `to_px` turns a piece
/// of data coordinates into drawn points.
fn before_and_after(
    svg: &mut Svg,
    what: &str,
    before: &[Vec<(f64, f64)>],
    after: Option<&[Vec<(f64, f64)>]>,
    to_px: impl Fn(&[(f64, f64)]) -> Vec<Point>,
) {
    let mut draw = |c: &[Vec<(f64, f64)>], solid: bool| {
        for piece in c {
            let pts = to_px(piece);
            if solid {
                polyline(svg, &format!("{what} after"), &pts, FORWARD, "2.5", "");
            } else {
                polyline(svg, &format!("{what} before"), &pts, MUTED, "2", "6 4");
            }
        }
    };
    match after {
        Some(a) => {
            draw(before, false);
            draw(a, true);
        }
        None => draw(before, true),
    }
}

/// For a plot's description: the params the lines are drawn at, before and
/// after the update when there is one.
fn when_desc(data: &Data, eval: &Eval) -> String {
    if data.update {
        format!(
            ", before the update ({}, dashed) and after it ({}, solid)",
            eval.values(false),
            eval.values(true)
        )
    } else {
        format!(" ({})", eval.values(false))
    }
}

// ---------------------------------------------------------------------------
// The step, per example.

/// What one example's prediction did in the step: its features, its
/// target, and the model at it before and after.
pub(super) struct Moved {
    pub features: Vec<(String, f64)>,
    pub target: Option<(String, f64)>,
    pub before: f64,
    pub after: f64,
}

/// The model's name (`p`, or "the model") and each example's prediction
/// before and after the block's update, run by the engine as the plot's
/// curves are; `None` without an update, a model, or a defined value.
pub(super) fn moved(s: &Scenario, run: &Run) -> Option<(String, Vec<Moved>)> {
    run.update.as_ref()?;
    let model = s.model.as_ref()?;
    let mut eval = Eval::new(s, run)?;
    let data = Data::new(s, run, model, &mut eval);
    let mut out = Vec::new();
    for (x, t) in &data.examples {
        eval.set(false);
        let before = eval.at(x)?;
        eval.set(true);
        let after = eval.at(x)?;
        out.push(Moved {
            features: data
                .features
                .iter()
                .cloned()
                .zip(x.iter().copied())
                .collect(),
            target: data.label.clone().zip(*t),
            before,
            after,
        });
    }
    eval.set(false);
    Some((data.pred, out))
}
