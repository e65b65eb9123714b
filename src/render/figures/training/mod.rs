//! Figure "training": the loss against the step, and a stepper over
//! snapshots of the model as it learns: the examples with the model's curve
//! (one feature) or its decision regions and boundary (two features),
//! marked by their label. More features: the loss curve alone.
//!
//! Every number drawn comes from the run: the loss and params of each
//! snapshot from [`Training`], the model's values from [`Model::eval`](crate::scenario::Model::eval) at
//! that snapshot's params. The boundary is traced by marching squares on a
//! [`CELLS`]² grid and drawn as one path (a few closed loops), not as cells.
//!
//! Bytes: what every snapshot shares (the loss curve, the axes, the
//! examples, the legend) is drawn once, in a zero-size SVG of `<defs>`
//! before the frames, and each frame refers to it with `<use>`; a frame
//! adds its curve or region, the marker on the loss curve and its caption.
//! Colours are presentation attributes from the palette, so dark mode and
//! standalone files follow without per-figure CSS.

use super::and_list;
use crate::figure::contour::region_loops;
use crate::figure::training::{Pick, pick};
use crate::layout::Point;
use crate::render::plot::{Scale, TICK, nice_step, simplify};
use crate::render::stepper::{StepPanel, StepperParts, stepper};
use crate::render::svg::{Svg, font, line, marker, n, open_img, p, paper, ring, text};
use crate::render::theme::{self, BACKWARD, FORWARD, INK, MUTED, PAPER};
use crate::scenario::{Run, Scenario, ScenarioError, Training};
use crate::text::num;
use rayon::prelude::*;
use std::collections::BTreeSet;

mod draw;
mod legend;
pub use draw::{training, training_frames, training_frames_at};

/// The frame's width on a screen wide enough for it; a phone's column
/// gets the same figure drawn [`crate::render::scene::PHONE_COLUMN`] wide
/// (text at the same sizes, the plots narrower).
const WIDTH: f64 = 520.0;
/// The plot areas' left edge; the right edge is 24 px inside the frame.
const LEFT: f64 = 56.0;
/// Room right of the plot areas.
const RIGHT_MARGIN: f64 = 24.0;
/// The loss plot's top and bottom.
const LOSS_TOP: f64 = 62.0;
const LOSS_BOTTOM: f64 = 152.0;
/// The model view's title line and top.
const MODEL_TITLE: f64 = 212.0;
const MODEL_TOP: f64 = 238.0;
/// Which snapshots a stepper shows: chosen with the run, which keeps the
/// params of those steps only (see [`crate::scenario::train::shown`]).
pub use crate::scenario::train::{MAX_SNAPSHOTS, shown};
/// Cells per side of the grid a boundary is traced on, and samples of a
/// curve.
const CELLS: usize = 40;
const SAMPLES: usize = 80;
/// Most params listed by name in a caption.
const LISTED: usize = 6;
/// Tolerance, in px, of the simplification of curves and loops.
const TOLERANCE: f64 = 0.4;

/// A training figure for the page.
pub struct TrainingFigure {
    /// The stepper: the shared drawing, then a panel per snapshot.
    pub html: String,
    /// Every snapshot in one standalone SVG, a `<view id="step-K">` each.
    pub filmstrip: String,
    /// The same, drawn a phone's column wide.
    pub filmstrip_narrow: String,
    /// Snapshots drawn.
    pub frames: usize,
    /// The stepper's pieces before they are put together, for a group of
    /// runs that share one stepper (`render::hook`, "Shared steppers").
    pub parts: StepperParts,
}

/// How the examples are marked: two classes (the higher value filled
/// circles, the lower hollow squares), or all alike.
#[derive(Clone, Copy)]
enum Classes {
    Two { lo: f64, hi: f64 },
    Numbers,
}

/// The model view of one feature or two.
enum ModelView {
    /// One feature: the curve at each shown snapshot, in px (a NaN point
    /// breaks it); the block's `reference` curve, if any; and whether a
    /// curve leaves the panel (a value far beyond the targets, as a run
    /// that diverges reaches) and is clipped at its edges.
    One {
        curves: Vec<Vec<Point>>,
        sy: Scale,
        reference: Option<Vec<Point>>,
        clipped: bool,
        /// Per snapshot: the model's value farthest beyond the panel, when
        /// its curve leaves it (named on the frame, so a clipped curve
        /// still says how far it went).
        beyond: Vec<Option<f64>>,
    },
    /// Two features: the closed loops around the region where the model is
    /// at or above `threshold`, in px, at each shown snapshot.
    Two {
        loops: Vec<Vec<Vec<Point>>>,
        sy: Scale,
        threshold: f64,
    },
}

/// The model at a snapshot's params, at points given input by input (the
/// plotted features); NaN where it cannot be evaluated.
type Evaluate<'e> = dyn Fn(&[f64], &[Vec<f64>]) -> Vec<f64> + Sync + 'e;

/// Everything the frames draw, computed once.
struct Data<'a> {
    s: &'a Scenario,
    t: &'a Training,
    pick: Pick,
    shown: Vec<usize>,
    loss_sy: Scale,
    log: bool,
    sx_step: Scale,
    /// The feature axis (x), and the model view, when there is one.
    sx: Option<Scale>,
    view: Option<ModelView>,
    /// The examples: feature values and label value.
    points: Vec<(Vec<f64>, Option<f64>)>,
    classes: Classes,
    /// Why there is no model view.
    note: Option<String>,
    /// The other runs of its group: title and (step, loss) of each, drawn
    /// dashed under this run's loss curve.
    peers: Vec<(String, Vec<(usize, f64)>)>,
    /// Per shown snapshot, with two classes of targets: how many examples
    /// the model puts on their own side of the middle value (empty
    /// otherwise).
    right: Vec<usize>,
    height: f64,
    /// The frame's width: [`WIDTH`], or a phone's column.
    width: f64,
}

/// The other runs' losses, (step, loss), over the steps this run `t` has:
/// the peers' curves share its axis.
fn peer_losses(t: &Training, peers: &[(String, &Training)]) -> Vec<(String, Vec<(usize, f64)>)> {
    let last_step = t.steps.last().map_or(0, |snap| snap.step);
    (peers.iter())
        .map(|(title, p)| {
            let pts = (p.steps.iter())
                .filter(|snap| snap.step <= last_step)
                .map(|snap| (snap.step, snap.loss))
                .collect();
            (title.clone(), pts)
        })
        .collect()
}

/// A scale over `(lo, hi)` padded by `pad` of the span (at least `min`).
fn padded(lo: f64, hi: f64, pad: f64, min: f64) -> (f64, f64) {
    let span = (hi - lo).max(min);
    let mid = (lo + hi) / 2.0;
    let half = span / 2.0 * (1.0 + 2.0 * pad);
    (mid - half, mid + half)
}

impl<'a> Data<'a> {
    fn new(
        s: &'a Scenario,
        t: &'a Training,
        width: f64,
        peers: &[(String, &Training)],
    ) -> Result<Data<'a>, ScenarioError> {
        let right = width - RIGHT_MARGIN;
        let pick = pick(s);
        let shown = t.snapshots.clone();
        let peers = peer_losses(t, peers);
        let losses: Vec<f64> = (t.losses())
            .chain(peers.iter().flat_map(|(_, pts)| pts.iter().map(|q| q.1)))
            .filter(|l| l.is_finite())
            .collect();
        let (lmin, lmax) = losses
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &l| {
                (a.min(l), b.max(l))
            });
        let log = lmin > 0.0 && lmax / lmin > 100.0;
        let (lo, hi) = if log {
            (lmin.log10().floor(), lmax.log10().ceil())
        } else {
            let lo = if lmin >= 0.0 { 0.0 } else { lmin };
            let hi = if lmax > lo { lmax } else { lo + 1.0 };
            let st = nice_step(hi - lo, 4.0);
            ((lo / st).floor() * st, (hi / st).ceil() * st)
        };
        let loss_sy = Scale {
            lo,
            hi,
            from: LOSS_BOTTOM,
            to: LOSS_TOP,
        };
        // A run that diverged ends at the step where it did: its marker
        // stands at the axis' end.
        let last = t
            .diverged
            .as_ref()
            .map_or(t.steps.len() - 1, |d| d.at)
            .max(1) as f64;
        let sx_step = Scale {
            lo: 0.0,
            hi: last,
            from: LEFT,
            to: right,
        };
        let value = |e: &[crate::scenario::Named], nm: &str| {
            e.iter().find(|v| v.name == nm).map(|v| v.value)
        };
        let points: Vec<(Vec<f64>, Option<f64>)> = s
            .examples
            .iter()
            .map(|e| {
                let f = pick
                    .features
                    .iter()
                    .map(|nm| value(e, nm).unwrap_or(0.0))
                    .collect();
                (f, pick.label.as_ref().and_then(|l| value(e, l)))
            })
            .collect();
        let labels: BTreeSet<u64> = points
            .iter()
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
        let mut d = Data {
            s,
            t,
            pick,
            shown,
            loss_sy,
            log,
            sx_step,
            sx: None,
            view: None,
            points,
            classes,
            note: None,
            peers,
            right: Vec::new(),
            height: MODEL_TITLE + 26.0,
            width,
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
            (Some(_), 1 | 2) => d.model_view()?,
            (Some(m), k) => {
                d.note = Some(format!(
                    "No model view: {m} reads {k} inputs ({}); a plot shows one or two.",
                    and_list(&d.pick.features)
                ))
            }
        }
        Ok(d)
    }

    /// The model's values at every shown snapshot: a curve over one
    /// feature, or the region at or above the middle value over two.
    fn model_view(&mut self) -> Result<(), ScenarioError> {
        let model = self.s.evaluator()?;
        let stmt = self.pick.model.clone().expect("a model");
        let names: Vec<String> = model.inputs().map(str::to_string).collect();
        let first: Vec<f64> = names
            .iter()
            .map(|nm| {
                self.s.examples[0]
                    .iter()
                    .find(|v| &v.name == nm)
                    .map_or(0.0, |v| v.value)
            })
            .collect();
        let slot = |f: &str| names.iter().position(|nm| nm == f);
        let slots: Vec<Option<usize>> = self.pick.features.iter().map(|f| slot(f)).collect();
        let range = |i: usize| {
            let (lo, hi) = self
                .points
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (f, _)| {
                    (a.min(f[i]), b.max(f[i]))
                });
            if lo.is_finite() {
                padded(lo, hi, 0.08, 1.0)
            } else {
                (-1.0, 1.0)
            }
        };
        // The snapshots are independent: each is evaluated on its own copy
        // of the model, in parallel (the same numbers in any order), all
        // its points in one batch (`Evaluator::eval_points`): the inputs
        // are `first` but the plotted features, which take each point's
        // values. A point the model cannot evaluate is NaN.
        let eval = |params: &[f64], at: &[Vec<f64>]| -> Vec<f64> {
            let vary: Vec<(usize, &[f64])> = slots
                .iter()
                .zip(at)
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
            values
                .into_iter()
                .map(|v| v.ok().filter(|v| v.is_finite()).unwrap_or(f64::NAN))
                .collect()
        };
        let (xlo, xhi) = range(0);
        let yr = (self.pick.features.len() != 1).then(|| range(1));
        let sx = Scale {
            lo: xlo,
            hi: xhi,
            from: LEFT,
            to: self.right(),
        };
        self.sx = Some(sx);
        let t = self.t;
        let snaps: Vec<&[f64]> = self
            .shown
            .iter()
            .map(|&k| t.steps[k].params.as_slice())
            .collect();
        if let Classes::Two { lo, hi } = self.classes {
            self.right = self.classified_right(&eval, &snaps, (lo + hi) / 2.0);
        }
        match yr {
            None => self.one_feature(&eval, &snaps, sx),
            Some(yr) => self.two_features(&eval, &snaps, sx, yr),
        }
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

    /// "18 of 20 examples right" at shown snapshot `i`, with two classes.
    fn right_text(&self, i: usize) -> Option<String> {
        let c = *self.right.get(i)?;
        Some(format!("{c} of {} examples right", self.points.len()))
    }

    /// The model view of one feature: the model's curve at each shown
    /// snapshot (and the block's `reference`), over a range that reads.
    fn one_feature(&mut self, eval: &Evaluate, snaps: &[&[f64]], sx: Scale) {
        let (xlo, xhi) = (sx.lo, sx.hi);
        let xs: Vec<f64> = (0..=SAMPLES)
            .map(|i| xlo + (xhi - xlo) * i as f64 / SAMPLES as f64)
            .collect();
        let at = [xs.clone()];
        let values: Vec<Vec<f64>> = snaps.par_iter().map(|ps| eval(ps, &at)).collect();
        let reference = self.s.reference.as_ref().map(|r| r.values(&xs));
        // The range: the targets, the curves and the reference, but
        // not a value far beyond the targets (a run on its way to
        // diverging reaches 1e150): such a curve is clipped at the
        // panel's edge rather than flattening every other one.
        let targets: Vec<f64> = (self.points.iter())
            .filter_map(|(_, l)| *l)
            .filter(|v| v.is_finite())
            .collect();
        let bound = (!targets.is_empty()).then(|| {
            let (lo, hi) = targets
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                });
            let span = (hi - lo).max(1.0);
            (lo - 10.0 * span, hi + 10.0 * span)
        });
        let inside = |v: f64| v.is_finite() && bound.is_none_or(|(a, b)| a <= v && v <= b);
        let curves_and_reference = || values.iter().chain(reference.iter()).flatten().copied();
        let clipped = curves_and_reference().any(|v| v.is_finite() && !inside(v));
        let all = curves_and_reference()
            .chain(targets.iter().copied())
            .filter(|&v| inside(v));
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let (lo, hi) = if lo.is_finite() {
            padded(lo, hi, 0.06, 0.5)
        } else {
            (-1.0, 1.0)
        };
        let bottom = MODEL_TOP + 170.0;
        let sy = Scale {
            lo,
            hi,
            from: bottom,
            to: MODEL_TOP,
        };
        // A value beyond the panel is drawn a little past its edge
        // (and clipped there), never at 1e150 px.
        let (top_px, bottom_px) = (MODEL_TOP - 1000.0, bottom + 1000.0);
        let curve = |vs: &Vec<f64>| -> Vec<Point> {
            xs.iter()
                .zip(vs)
                .map(|(&x, &v)| {
                    let y = if v.is_nan() {
                        v
                    } else {
                        sy.at(v).clamp(top_px, bottom_px)
                    };
                    p(sx.at(x), y)
                })
                .collect()
        };
        let curves = values.iter().map(curve).collect();
        let reference = reference.as_ref().map(curve);
        let beyond = values
            .iter()
            .map(|vs| {
                (vs.iter().copied())
                    .filter(|v| v.is_finite() && (*v < lo || *v > hi))
                    .max_by(|a, b| a.abs().total_cmp(&b.abs()))
            })
            .collect();
        self.view = Some(ModelView::One {
            curves,
            sy,
            reference,
            clipped,
            beyond,
        });
        self.height = bottom + 92.0 + self.reference_row() as f64 * 18.0;
    }

    /// The model view of two features: the region at or above the
    /// threshold, as closed loops, at each shown snapshot.
    fn two_features(
        &mut self,
        eval: &Evaluate,
        snaps: &[&[f64]],
        sx: Scale,
        (ylo, yhi): (f64, f64),
    ) {
        let (xlo, xhi) = (sx.lo, sx.hi);
        let bottom = MODEL_TOP + 220.0;
        let sy = Scale {
            lo: ylo,
            hi: yhi,
            from: bottom,
            to: MODEL_TOP,
        };
        let threshold = match self.classes {
            Classes::Two { lo, hi } => (lo + hi) / 2.0,
            Classes::Numbers => {
                let mut ls: Vec<f64> = self.points.iter().filter_map(|(_, l)| *l).collect();
                ls.sort_by(f64::total_cmp);
                ls.get(ls.len() / 2).copied().unwrap_or(0.5)
            }
        };
        let gx: Vec<f64> = (0..=CELLS)
            .map(|i| sx.at(xlo + (xhi - xlo) * i as f64 / CELLS as f64))
            .collect();
        let gy: Vec<f64> = (0..=CELLS)
            .map(|j| sy.at(ylo + (yhi - ylo) * j as f64 / CELLS as f64))
            .collect();
        // The grid's points, x by x and y by y within each x.
        let (mut px, mut py) = (Vec::new(), Vec::new());
        for i in 0..=CELLS {
            for j in 0..=CELLS {
                px.push(xlo + (xhi - xlo) * i as f64 / CELLS as f64);
                py.push(ylo + (yhi - ylo) * j as f64 / CELLS as f64);
            }
        }
        let at = [px, py];
        let loops = snaps
            .par_iter()
            .map(|ps| {
                let v: Vec<Vec<f64>> = eval(ps, &at)
                    .chunks_exact(CELLS + 1)
                    .map(|row| row.iter().map(|z| z - threshold).collect())
                    .collect();
                region_loops(&v, &gx, &gy)
                    .into_iter()
                    .map(|l| simplify(&l, TOLERANCE))
                    .filter(|l| l.len() > 2)
                    .collect()
            })
            .collect();
        self.view = Some(ModelView::Two {
            loops,
            sy,
            threshold,
        });
        self.height = bottom + 92.0;
    }

    /// The reference's legend entry: "reference: sin(x)".
    fn reference_label(&self) -> Option<String> {
        let r = self.s.reference.as_ref()?;
        Some(format!("reference: {}", r.text))
    }

    /// 1 when the reference's legend entry needs a row of its own (it does
    /// not fit beside the model's), else 0.
    fn reference_row(&self) -> usize {
        let Some(label) = self.reference_label() else {
            return 0;
        };
        let lf = font(11.0, INK);
        let model = format!(
            "{} at this step",
            self.pick.model.clone().unwrap_or_default()
        );
        let end = 14.0 + 20.0 + lf.width(&model) + 16.0 + 20.0 + lf.width(&label);
        usize::from(end > self.width - 14.0)
    }

    /// About how many ticks an x axis gets: 6 on the wide frame, 4 on a
    /// phone's (whose labels would otherwise touch).
    fn ticks(&self) -> f64 {
        if self.width < WIDTH { 4.0 } else { 6.0 }
    }

    /// The plot areas' right edge.
    fn right(&self) -> f64 {
        self.width - RIGHT_MARGIN
    }

    /// Whether `text` in font `f` fits on one line inside the frame from
    /// `x` (14 px from its right edge).
    fn fits(&self, f: crate::render::svg::Font, x: f64, text: &str) -> bool {
        x + f.width(text) <= self.width - 14.0
    }

    /// The last step on the loss plot's axis: the run's last snapshot, or
    /// the step where it diverged.
    fn last_step(&self) -> usize {
        match &self.t.diverged {
            Some(d) => d.at,
            None => self.t.steps.len() - 1,
        }
    }

    fn model_bottom(&self) -> f64 {
        match &self.view {
            Some(ModelView::One { sy, .. } | ModelView::Two { sy, .. }) => sy.from,
            None => MODEL_TOP,
        }
    }

    fn label_name(&self) -> String {
        self.pick.label.clone().unwrap_or_else(|| "target".into())
    }

    /// The params of snapshot `k` as "w = 1.2, b = −0.1", or their count.
    fn params_text(&self, k: usize) -> String {
        if self.t.names.len() <= LISTED {
            self.t
                .params_at(k)
                .map(|(nm, v)| format!("{} = {}", crate::text::display_name(nm), num(v)))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            format!("{} params", self.t.names.len())
        }
    }

    /// "Step 12 of 30: loss 0.4123; w = 1.53, b = −0.21".
    fn narration(&self, k: usize) -> String {
        let last = self.t.steps.len() - 1;
        let snap = &self.t.steps[k];
        let mut s = format!(
            "Step {} of {last}: loss {}; {}.",
            snap.step,
            num(snap.loss),
            self.params_text(k)
        );
        if let Some(right) =
            (self.shown.iter().position(|&j| j == k)).and_then(|i| self.right_text(i))
        {
            s += &format!(" The model has {right}.");
        }
        if let Some(d) = self
            .t
            .diverged
            .as_ref()
            .filter(|_| k + 1 == self.t.steps.len())
        {
            s += &format!(
                " The last finite step: the run diverged at step {}: {}.",
                d.at, d.why
            );
        }
        if k == 0 {
            s += &format!(
                " The initial params; each step moves every param by −{} × its gradient{}.",
                num(self.t.lr),
                if self.t.zero_grad {
                    ""
                } else {
                    " summed over all steps so far (zero_grad = false: gradients are never reset)"
                }
            );
        }
        s
    }

    fn title(&self) -> String {
        self.s.title.clone().unwrap_or_else(|| self.s.id.clone())
    }

    /// What every frame shows, for the standalone files' description.
    fn desc(&self) -> String {
        let last = self.t.steps.len() - 1;
        let mut d = format!(
            "The loss against the step over {last} steps of gradient descent with lr = {}{}",
            num(self.t.lr),
            if self.log { " (log scale)" } else { "" }
        );
        if let Some(dv) = &self.t.diverged {
            d += &format!(
                ", marked where the run diverged at step {}: {}",
                dv.at, dv.why
            );
        }
        for (title, steps) in &self.peers {
            if let Some(&(step, loss)) = steps.last() {
                d += &format!(
                    "; dashed, the loss of {title} for comparison ({} at step {step})",
                    num(loss)
                );
            }
        }

        let m = self.pick.model.clone().unwrap_or_default();
        let f = &self.pick.features;
        match &self.view {
            Some(ModelView::One { .. }) => {
                d += &format!(
                    ", and the model {m} against {} with the {} examples ({}, {}).",
                    f[0],
                    self.points.len(),
                    f[0],
                    self.label_name()
                )
            }
            Some(ModelView::Two { threshold, .. }) => {
                d += &format!(
                    ", and the plane of {} and {}: the region where {m} ≥ {} and its boundary, with the {} examples marked by {}.",
                    f[0],
                    f[1],
                    num(*threshold),
                    self.points.len(),
                    self.label_name()
                )
            }
            None => d += ".",
        }
        if let (
            Some(ModelView::One {
                reference: Some(_), ..
            }),
            Some(r),
        ) = (&self.view, &self.s.reference)
        {
            d += &format!(" The dashed curve is the reference {}.", r.text);
        }
        d
    }
}

// ---------------------------------------------------------------------------
// Path data.

/// Compact path data: `M` at the start and after every break (a NaN
/// point), implicit line-tos between; `close` ends each run with `Z`.
fn path_data(runs: &[Vec<Point>], close: bool) -> String {
    let mut d = String::new();
    for run in runs {
        let mut pen = false;
        for q in run {
            if q.x.is_nan() || q.y.is_nan() {
                pen = false;
                continue;
            }
            if !d.is_empty() {
                d.push(' ');
            }
            if !pen {
                d.push('M');
            }
            d += &format!("{} {}", n(q.x), n(q.y));
            pen = true;
        }
        if close && pen {
            d.push('Z');
        }
    }
    d
}

// ---------------------------------------------------------------------------
// Drawing.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_keeps_the_first_and_last_and_at_most_31() {
        assert_eq!(shown(31), (0..31).collect::<Vec<_>>());
        assert_eq!(shown(5), vec![0, 1, 2, 3, 4]);
        for n in [2, 31, 32, 41, 61, 101, 1001, 10_001] {
            let v = shown(n);
            assert!(v.len() <= MAX_SNAPSHOTS, "{n}: {}", v.len());
            assert_eq!(v[0], 0);
            assert_eq!(*v.last().unwrap(), n - 1);
            assert!(v.windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(shown(41), (0..=40).step_by(2).collect::<Vec<_>>());
        // Round steps: 200 steps every 10 (not every 7), 1000 every 50.
        assert_eq!(shown(201), (0..=200).step_by(10).collect::<Vec<_>>());
        assert_eq!(shown(1001), (0..=1000).step_by(50).collect::<Vec<_>>());
        assert_eq!(
            shown(62),
            [(0..=60).step_by(5).collect::<Vec<_>>(), vec![61]].concat()
        );
    }

    #[test]
    fn a_log_axis_labels_at_most_six_decades() {
        assert_eq!(draw::decade_step(0), 1);
        assert_eq!(draw::decade_step(5), 1);
        assert_eq!(draw::decade_step(6), 2);
        assert_eq!(draw::decade_step(30), 10);
        // A run that diverged: from 0.1 to 1e306.
        assert_eq!(draw::decade_step(307), 100);
        for span in 0..400 {
            assert!(span / draw::decade_step(span) <= 5, "{span}");
        }
    }

    #[test]
    fn a_disc_gives_one_closed_loop_and_a_half_plane_runs_along_the_border() {
        let g = 20;
        let xs: Vec<f64> = (0..=g).map(|i| i as f64 * 10.0).collect();
        let disc: Vec<Vec<f64>> = (0..=g)
            .map(|i| {
                (0..=g)
                    .map(|j| 36.0 - ((i as f64 - 10.0).powi(2) + (j as f64 - 10.0).powi(2)))
                    .collect()
            })
            .collect();
        let loops = region_loops(&disc, &xs, &xs);
        assert_eq!(loops.len(), 1);
        let l = &loops[0];
        assert_eq!(l.first().unwrap().x, l.last().unwrap().x);
        for q in l {
            let r = ((q.x - 100.0).powi(2) + (q.y - 100.0).powi(2)).sqrt();
            assert!((r - 60.0).abs() < 3.0, "{r}");
        }
        let half: Vec<Vec<f64>> = (0..=g)
            .map(|i| (0..=g).map(|_| i as f64 - 7.5).collect())
            .collect();
        let loops = region_loops(&half, &xs, &xs);
        assert_eq!(loops.len(), 1);
        let xs_on: Vec<f64> = loops[0].iter().map(|q| q.x).collect();
        assert!(xs_on.iter().all(|&x| (75.0..=200.0).contains(&x)));
        assert!(xs_on.contains(&200.0) && xs_on.contains(&75.0));
    }

    #[test]
    fn simplify_drops_collinear_points_and_keeps_corners() {
        let pts: Vec<Point> = (0..=10)
            .map(|i| p(i as f64, 0.0))
            .chain((1..=10).map(|j| p(10.0, j as f64)))
            .collect();
        assert_eq!(
            simplify(&pts, 0.1),
            vec![p(0.0, 0.0), p(10.0, 0.0), p(10.0, 10.0)]
        );
    }
}
