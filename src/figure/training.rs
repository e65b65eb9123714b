//! What a training figure's model view shows: the target, the model
//! statement and its features, read from the block ([`pick`]); and the
//! model's values at every shown snapshot, run by the engine
//! ([`TrainingData`]), in the data's units. `render::figures::training`
//! draws it, once a wide screen's width and once a phone's.

use crate::scenario::expr::{Expr, ExprKind};
use crate::scenario::{Scenario, ScenarioError, Training};
use crate::text::and_list;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Cells per side of the grid a boundary is traced on, and samples of a
/// curve.
pub const CELLS: usize = 40;
pub const SAMPLES: usize = 80;

/// How the examples are marked: two classes (the higher value filled
/// circles, the lower hollow squares), or all alike.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Classes {
    Two { lo: f64, hi: f64 },
    Numbers,
}

/// The model's values at the shown snapshots, over one feature or two.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// One feature: the model at `xs` per shown snapshot (NaN where it
    /// cannot be evaluated), the block's `reference` at `xs`, the value
    /// range drawn (`yr`), whether a curve leaves it (a run on its way to
    /// diverging reaches 1e150: such a curve is clipped at the panel's
    /// edge rather than flattening every other one), and per snapshot the
    /// value farthest beyond it.
    One {
        xs: Vec<f64>,
        values: Vec<Vec<f64>>,
        reference: Option<Vec<f64>>,
        yr: (f64, f64),
        clipped: bool,
        beyond: Vec<Option<f64>>,
    },
    /// Two features: per shown snapshot, the model less `threshold` on a
    /// grid of [`CELLS`] + 1 points per side over `xr` × `yr`, x by x and y
    /// by y within each x (a boundary is where it crosses 0).
    Two {
        yr: (f64, f64),
        grid: Vec<Vec<Vec<f64>>>,
        threshold: f64,
    },
}

/// What a training figure shows of the model, computed before drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingData {
    pub pick: Pick,
    /// The examples: feature values and label value.
    pub points: Vec<(Vec<f64>, Option<f64>)>,
    pub classes: Classes,
    /// Why there is no model view, when there is none.
    pub note: Option<String>,
    /// The feature axis' range (x), when there is a model view.
    pub xr: (f64, f64),
    pub values: Option<Values>,
    /// Per shown snapshot, with two classes of targets: how many examples
    /// the model puts on their own side of the middle value (empty
    /// otherwise).
    pub right: Vec<usize>,
}

/// A range `(lo, hi)` padded by `pad` of the span (at least `min`).
fn padded(lo: f64, hi: f64, pad: f64, min: f64) -> (f64, f64) {
    let span = (hi - lo).max(min);
    let mid = (lo + hi) / 2.0;
    let half = span / 2.0 * (1.0 + 2.0 * pad);
    (mid - half, mid + half)
}

/// The smallest and largest of `vs`, (∞, −∞) when empty.
fn extent(vs: impl Iterator<Item = f64>) -> (f64, f64) {
    vs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    })
}

/// The model at a snapshot's params, at points given input by input (the
/// plotted features); NaN where it cannot be evaluated.
type Evaluate<'e> = dyn Fn(&[f64], &[Vec<f64>]) -> Vec<f64> + Sync + 'e;

impl TrainingData {
    /// The examples, their classes and the model's values at the shown
    /// snapshots of run `t`, or why there is no model view.
    pub fn new(s: &Scenario, t: &Training) -> Result<TrainingData, ScenarioError> {
        let pick = pick(s);
        let value = |e: &[crate::scenario::Named], nm: &str| {
            e.iter().find(|v| v.name == nm).map(|v| v.value)
        };
        let points: Vec<(Vec<f64>, Option<f64>)> = (s.examples.iter())
            .map(|e| {
                let f = (pick.features.iter())
                    .map(|nm| value(e, nm).unwrap_or(0.0))
                    .collect();
                (f, pick.label.as_ref().and_then(|l| value(e, l)))
            })
            .collect();
        let labels: BTreeSet<u64> = (points.iter())
            .filter_map(|(_, l)| l.map(f64::to_bits))
            .collect();
        let classes = match labels
            .iter()
            .map(|b| f64::from_bits(*b))
            .collect::<Vec<_>>()[..]
        {
            [a, b] => Classes::Two {
                lo: a.min(b),
                hi: a.max(b),
            },
            _ => Classes::Numbers,
        };
        let mut d = TrainingData {
            pick,
            points,
            classes,
            note: None,
            xr: (-1.0, 1.0),
            values: None,
            right: Vec::new(),
        };
        let nf = d.pick.features.len();
        match (&d.pick.model, nf) {
            (None, _) => {
                d.note = Some(
                    "No model view: no statement computes a prediction from the params without the target."
                        .into(),
                )
            }
            (Some(_), 0) => {
                d.note = Some("No model view: the model reads no input besides the target.".into())
            }
            (Some(_), 1 | 2) => d.model_view(s, t)?,
            (Some(m), k) => {
                d.note = Some(format!(
                    "No model view: {m} reads {k} inputs ({}); a plot shows one or two.",
                    and_list(&d.pick.features)
                ))
            }
        }
        Ok(d)
    }

    /// The feature range `i` of the examples, padded.
    fn range(&self, i: usize) -> (f64, f64) {
        let (lo, hi) = extent(self.points.iter().map(|(f, _)| f[i]));
        if lo.is_finite() {
            padded(lo, hi, 0.08, 1.0)
        } else {
            (-1.0, 1.0)
        }
    }

    /// The model's values at every shown snapshot: a curve over one
    /// feature, or the grid of two.
    fn model_view(&mut self, s: &Scenario, t: &Training) -> Result<(), ScenarioError> {
        let model = s.evaluator()?;
        let stmt = self.pick.model.clone().expect("a model");
        let names: Vec<String> = model.inputs().map(str::to_string).collect();
        let first: Vec<f64> = (names.iter())
            .map(|nm| {
                (s.examples[0].iter())
                    .find(|v| &v.name == nm)
                    .map_or(0.0, |v| v.value)
            })
            .collect();
        let slot = |f: &str| names.iter().position(|nm| nm == f);
        let slots: Vec<Option<usize>> = self.pick.features.iter().map(|f| slot(f)).collect();
        // The snapshots are independent: each is evaluated on its own copy
        // of the model, in parallel (the same numbers in any order), all
        // its points in one batch (`Evaluator::eval_points`): the inputs
        // are `first` but the plotted features, which take each point's
        // values. A point the model cannot evaluate is NaN.
        let eval = |params: &[f64], at: &[Vec<f64>]| -> Vec<f64> {
            let vary: Vec<(usize, &[f64])> = (slots.iter().zip(at))
                .filter_map(|(s, c)| Some(((*s)?, c.as_slice())))
                .collect();
            let n = at[0].len();
            let values = if vary.is_empty() {
                // No plotted feature is an input of the graph: one value.
                let one = model.clone().eval_points(params, &first, &[], &stmt);
                vec![one[0].clone(); n]
            } else {
                model.clone().eval_points(params, &first, &vary, &stmt)
            };
            (values.into_iter())
                .map(|v| v.ok().filter(|v| v.is_finite()).unwrap_or(f64::NAN))
                .collect()
        };
        self.xr = self.range(0);
        let snaps: Vec<&[f64]> = (t.snapshots.iter())
            .map(|&k| t.steps[k].params.as_slice())
            .collect();
        if let Classes::Two { lo, hi } = self.classes {
            self.right = self.classified_right(&eval, &snaps, (lo + hi) / 2.0);
        }
        self.values = Some(if self.pick.features.len() == 1 {
            self.one_feature(s, &eval, &snaps)
        } else {
            self.two_features(&eval, &snaps)
        });
        Ok(())
    }

    /// Per snapshot: the examples whose model value lies on their own
    /// label's side of `mid` (the middle of the two classes), evaluated by
    /// the engine at the examples' own features.
    fn classified_right(&self, eval: &Evaluate, snaps: &[&[f64]], mid: f64) -> Vec<usize> {
        let at: Vec<Vec<f64>> = (0..self.pick.features.len())
            .map(|f| self.points.iter().map(|(x, _)| x[f]).collect())
            .collect();
        snaps
            .par_iter()
            .map(|ps| {
                let v = eval(ps, &at);
                (v.iter().zip(&self.points))
                    .filter(|(p, (_, l))| l.is_some_and(|l| (**p >= mid) == (l >= mid)))
                    .count()
            })
            .collect()
    }

    /// One feature: the model's curve at each shown snapshot (and the
    /// block's `reference`), over a range that reads.
    fn one_feature(&self, s: &Scenario, eval: &Evaluate, snaps: &[&[f64]]) -> Values {
        let (xlo, xhi) = self.xr;
        let xs: Vec<f64> = (0..=SAMPLES)
            .map(|i| xlo + (xhi - xlo) * i as f64 / SAMPLES as f64)
            .collect();
        let at = [xs.clone()];
        let values: Vec<Vec<f64>> = snaps.par_iter().map(|ps| eval(ps, &at)).collect();
        let reference = s.reference.as_ref().map(|r| r.values(&xs));
        // The range: the targets, the curves and the reference, but not a
        // value far beyond the targets.
        let targets: Vec<f64> = (self.points.iter())
            .filter_map(|(_, l)| *l)
            .filter(|v| v.is_finite())
            .collect();
        let bound = (!targets.is_empty()).then(|| {
            let (lo, hi) = extent(targets.iter().copied());
            let span = (hi - lo).max(1.0);
            (lo - 10.0 * span, hi + 10.0 * span)
        });
        let inside = |v: f64| v.is_finite() && bound.is_none_or(|(a, b)| a <= v && v <= b);
        let curves_and_reference = || values.iter().chain(reference.iter()).flatten().copied();
        let clipped = curves_and_reference().any(|v| v.is_finite() && !inside(v));
        let all = curves_and_reference()
            .chain(targets.iter().copied())
            .filter(|&v| inside(v));
        let (lo, hi) = extent(all);
        let (lo, hi) = if lo.is_finite() {
            padded(lo, hi, 0.06, 0.5)
        } else {
            (-1.0, 1.0)
        };
        let beyond = (values.iter())
            .map(|vs| {
                (vs.iter().copied())
                    .filter(|v| v.is_finite() && (*v < lo || *v > hi))
                    .max_by(|a, b| a.abs().total_cmp(&b.abs()))
            })
            .collect();
        Values::One {
            xs,
            values,
            reference,
            yr: (lo, hi),
            clipped,
            beyond,
        }
    }

    /// Two features: the model less the threshold (the middle of two
    /// classes, or the median target) on a grid, at each shown snapshot.
    fn two_features(&self, eval: &Evaluate, snaps: &[&[f64]]) -> Values {
        let (xlo, xhi) = self.xr;
        let (ylo, yhi) = self.range(1);
        let threshold = match self.classes {
            Classes::Two { lo, hi } => (lo + hi) / 2.0,
            Classes::Numbers => {
                let mut ls: Vec<f64> = self.points.iter().filter_map(|(_, l)| *l).collect();
                ls.sort_by(f64::total_cmp);
                ls.get(ls.len() / 2).copied().unwrap_or(0.5)
            }
        };
        // The grid's points, x by x and y by y within each x.
        let (mut px, mut py) = (Vec::new(), Vec::new());
        for i in 0..=CELLS {
            for j in 0..=CELLS {
                px.push(xlo + (xhi - xlo) * i as f64 / CELLS as f64);
                py.push(ylo + (yhi - ylo) * j as f64 / CELLS as f64);
            }
        }
        let at = [px, py];
        let grid = snaps
            .par_iter()
            .map(|ps| {
                eval(ps, &at)
                    .chunks_exact(CELLS + 1)
                    .map(|row| row.iter().map(|z| z - threshold).collect())
                    .collect()
            })
            .collect();
        Values::Two {
            yr: (ylo, yhi),
            grid,
            threshold,
        }
    }
}

/// What the model view draws, chosen from the block: the target input
/// (`y` when there is one), the model (the last statement that depends on
/// a param and not on the target) and its features (the inputs it uses
/// besides the target).
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub label: Option<String>,
    pub model: Option<String>,
    pub features: Vec<String>,
}

/// The names an expression reads, and whether it calls the net.
fn reads(e: &Expr, net: Option<&str>, names: &mut BTreeSet<String>, calls_net: &mut bool) {
    match &e.kind {
        ExprKind::Num(_) => {}
        ExprKind::Name(nm) => {
            names.insert(nm.clone());
        }
        ExprKind::Neg(a) => reads(a, net, names, calls_net),
        ExprKind::Bin(_, a, b) => {
            reads(a, net, names, calls_net);
            reads(b, net, names, calls_net);
        }
        ExprKind::Call { name, args, .. } => {
            *calls_net |= Some(name.as_str()) == net;
            for a in args {
                reads(a, net, names, calls_net);
            }
        }
    }
}

/// The target, the model and its features (see [`Pick`]).
pub fn pick(s: &Scenario) -> Pick {
    // The block's own `label` and `model` (docs: "Labels and models") when
    // the model is a whole statement; a model that is part of a statement
    // has no name to evaluate, so the defaults below pick one instead.
    if let Some(m) = &s.model
        && let Some(name) = &m.name
    {
        return Pick {
            label: s.label.clone(),
            model: Some(name.clone()),
            features: m.features.clone(),
        };
    }
    let inputs: Vec<String> = s
        .examples
        .first()
        .map(|e| e.iter().map(|nm| nm.name.clone()).collect())
        .unwrap_or_default();
    let label = inputs.iter().find(|i| *i == "y").cloned();
    let params: BTreeSet<&str> = s.params.iter().map(|nm| nm.name.as_str()).collect();
    let net = s.net.as_ref().map(|n| n.name.as_str());
    // Per statement: does it depend on a param, and which inputs it reads.
    let mut deps: Vec<(String, bool, BTreeSet<String>)> = Vec::new();
    for st in &s.stmts {
        let (mut names, mut calls) = (BTreeSet::new(), false);
        reads(&st.expr, net, &mut names, &mut calls);
        let (mut param, mut ins) = (calls, BTreeSet::new());
        for nm in names {
            if let Some((_, pp, ii)) = deps.iter().rev().find(|(d, _, _)| *d == nm) {
                param |= *pp;
                ins.extend(ii.iter().cloned());
            } else if params.contains(nm.as_str()) {
                param = true;
            } else if inputs.contains(&nm) {
                ins.insert(nm);
            }
        }
        deps.push((st.name.clone(), param, ins));
    }
    let model = deps
        .iter()
        .rev()
        .find(|(_, param, ins)| *param && label.as_ref().is_none_or(|l| !ins.contains(l)));
    let features = model.map_or_else(Vec::new, |(_, _, ins)| {
        inputs
            .iter()
            .filter(|i| ins.contains(*i) && Some(*i) != label.as_ref())
            .cloned()
            .collect()
    });
    Pick {
        label,
        model: model.map(|(m, _, _)| m.clone()),
        features,
    }
}
