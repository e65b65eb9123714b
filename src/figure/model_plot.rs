//! A model plot's data: the block's model run by the engine over its
//! inputs, before and after the step, and each example's prediction.
//! `render::figures::model_plot` draws it.

use super::contour::contour;
use crate::engine::{Kind, NodeId};
use crate::scenario::expr::{Expr, ExprKind};
use crate::scenario::{Lowered, Model, Run, Scenario};
use crate::text::num;

/// Samples along a one-feature curve.
pub const SAMPLES: usize = 60;
/// Cells per side of a two-feature grid.
pub const GRID: usize = 40;

/// The model's graph for one example, with handles on its features and
/// params.
struct Eval {
    pub lowered: Lowered,
    pub features: Vec<NodeId>,
    /// Params the model uses, with their values before and after the step.
    pub params: Vec<(String, NodeId, f64, Option<f64>)>,
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
pub enum Targets {
    /// No label: examples drawn by their features only.
    None,
    /// Exactly two values: two classes, (lower, higher).
    Classes(f64, f64),
    /// Anything else: numbers.
    Values,
}

/// What both kinds of plot show.
pub struct Data {
    /// The model's name for legends: `p`, or "the model".
    pub pred: String,
    pub label: Option<String>,
    pub features: Vec<String>,
    /// Per example: its feature values and its target.
    pub examples: Vec<(Vec<f64>, Option<f64>)>,
    pub targets: Targets,
    /// Whether there is a step to show.
    pub update: bool,
    /// The feature ranges, with a margin.
    pub ranges: Vec<(f64, f64)>,
    /// The model's middle value: where a two-feature plot draws its line.
    pub level: f64,
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
    pub fn when(&self) -> &'static str {
        if self.update {
            "before and after one step"
        } else {
            "and the examples"
        }
    }
}

/// Whether the model's last op is a sigmoid (through statements that only
/// rename another).
pub fn ends_in_sigmoid(s: &Scenario, e: &Expr, uses: usize) -> bool {
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

/// What one example's prediction did in the step: its features, its
/// target, and the model at it before and after.
pub struct Moved {
    pub features: Vec<(String, f64)>,
    pub target: Option<(String, f64)>,
    pub before: f64,
    pub after: f64,
}

/// The model's name (`p`, or "the model") and each example's prediction
/// before and after the block's update, run by the engine as the plot's
/// curves are; `None` without an update, a model, or a defined value.
fn moved(s: &Scenario, run: &Run) -> Option<(String, Vec<Moved>)> {
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

/// Polylines in data units.
pub type Lines = Vec<Vec<(f64, f64)>>;
/// Points `(x, y, value)` in data units.
pub type Spots = [(f64, f64, Option<f64>)];

/// What a batch's model plot draws, computed before drawing (the drawing
/// evaluates nothing).
pub struct PlotData {
    pub data: Data,
    /// The params before and after the step, as [`Eval::values`] writes
    /// them.
    pub values: (String, String),
    pub shape: Shape,
}

/// A model plot's lines, in data units.
pub enum Shape {
    /// One feature: the model's curve before the step and after it (in
    /// pieces where it is defined), and where each example is drawn:
    /// `(x, y, target)`, at its target, else on the model before the step.
    Curve {
        before: Lines,
        after: Option<Lines>,
        points: Vec<(f64, f64, Option<f64>)>,
    },
    /// Two features: the boundary before and after the step, and the model
    /// (after the step, or before without one) at [`SPOTS`] × [`SPOTS`]
    /// spots across the window, row by row: where the side labels may go.
    Plane {
        before: Lines,
        after: Option<Lines>,
        spots: Vec<(f64, f64, Option<f64>)>,
    },
}

/// Where a side label may go, as fractions of the window.
const SPOT_AT: [f64; 5] = [0.12, 0.3, 0.5, 0.7, 0.88];
/// Spots per side.
pub const SPOTS: usize = SPOT_AT.len();

impl PlotData {
    /// The model plot of block `s`'s `run`; `None` when there is none to
    /// draw (no model, not one or two features, or a model that cannot be
    /// built): the drawing says why.
    pub fn new(s: &Scenario, run: &Run) -> Option<PlotData> {
        let model = s.model.as_ref()?;
        if !(1..=2).contains(&model.features.len()) {
            return None;
        }
        let mut eval = Eval::new(s, run)?;
        let data = Data::new(s, run, model, &mut eval);
        let values = (eval.values(false), eval.values(true));
        let shape = if model.features.len() == 1 {
            let xr = data.ranges[0];
            eval.set(false);
            let before = curve(&mut eval, xr);
            let after = data.update.then(|| {
                eval.set(true);
                let c = curve(&mut eval, xr);
                eval.set(false);
                c
            });
            let points = (data.examples.iter())
                .filter_map(|(x, t)| Some((x[0], t.or_else(|| eval.at(&[x[0]]))?, *t)))
                .collect();
            Shape::Curve {
                before,
                after,
                points,
            }
        } else {
            let (before, after) = boundaries(&mut eval, &data);
            let (xr, yr) = (data.ranges[0], data.ranges[1]);
            eval.set(data.update);
            let mut spots = Vec::new();
            for fy in SPOT_AT {
                for fx in SPOT_AT {
                    let x = xr.0 + fx * (xr.1 - xr.0);
                    let y = yr.0 + fy * (yr.1 - yr.0);
                    spots.push((x, y, eval.at(&[x, y])));
                }
            }
            eval.set(false);
            Shape::Plane {
                before,
                after,
                spots,
            }
        };
        Some(PlotData {
            data,
            values,
            shape,
        })
    }
}

/// A batch's figure data, per run: its model plot and what the step did
/// to each example's prediction ([`moved`]).
pub struct BatchData {
    pub plot: Option<PlotData>,
    pub moved: Option<(String, Vec<Moved>)>,
}

impl BatchData {
    pub fn new(s: &Scenario, run: &Run) -> BatchData {
        BatchData {
            plot: PlotData::new(s, run),
            moved: moved(s, run),
        }
    }
}

/// A two-feature model's boundary (where it crosses `data.level`) over the
/// plot's window, before the step and, with an update, after it. Leaves
/// the params at their values before the step.
fn boundaries(eval: &mut Eval, data: &Data) -> (Lines, Option<Lines>) {
    let (xr, yr) = (data.ranges[0], data.ranges[1]);
    eval.set(false);
    let (xs, ys, v) = grid(eval, xr, yr);
    let before = contour(&xs, &ys, &v, data.level);
    let after = data.update.then(|| {
        eval.set(true);
        let (_, _, v) = grid(eval, xr, yr);
        eval.set(false);
        contour(&xs, &ys, &v, data.level)
    });
    (before, after)
}
