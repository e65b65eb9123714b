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

use crate::figure::contour::region_loops;
pub(super) use crate::figure::training::Classes;
use crate::figure::training::{CELLS, TrainingData, Values};
use crate::layout::Point;
use crate::render::plot::{Scale, TICK, nice_step, simplify};
use crate::render::stepper::{StepPanel, StepperParts, stepper};
use crate::render::svg::{Svg, font, line, marker, n, open_img_at, p, paper, ring, text};
use crate::render::theme::{self, BACKWARD, FORWARD, INK, MUTED, PAPER};
use crate::scenario::{Scenario, Training};
use crate::text::num;
use rayon::prelude::*;

mod draw;
mod legend;
pub use draw::{training, training_frames, training_frames_at};

/// The frame's width on a screen wide enough for it; a phone's column
/// gets the same figure drawn [`crate::render::scene::PHONE_COLUMN`] wide
/// (text at the same sizes, the plots narrower).
pub const WIDTH: f64 = 520.0;
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

/// Everything the frames draw, computed once per width.
struct Data<'a> {
    s: &'a Scenario,
    t: &'a Training,
    /// The figure stage's data: the examples and the model's values.
    fig: &'a TrainingData,
    shown: Vec<usize>,
    loss_sy: Scale,
    log: bool,
    sx_step: Scale,
    /// The feature axis (x), and the model view, when there is one.
    sx: Option<Scale>,
    view: Option<ModelView>,
    /// The other runs of its group: title and (step, loss) of each, drawn
    /// dashed under this run's loss curve.
    peers: Vec<(String, Vec<(usize, f64)>)>,
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

impl<'a> Data<'a> {
    fn new(
        s: &'a Scenario,
        t: &'a Training,
        fig: &'a TrainingData,
        width: f64,
        peers: &[(String, &Training)],
    ) -> Data<'a> {
        let right = width - RIGHT_MARGIN;
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
        let mut d = Data {
            s,
            t,
            fig,
            shown,
            loss_sy,
            log,
            sx_step,
            sx: None,
            view: None,
            peers,
            height: MODEL_TITLE + 26.0,
            width,
        };
        if let Some(values) = &fig.values {
            d.model_view(values);
        }
        d
    }

    /// The model view in px: a curve over one feature, or the region at
    /// or above the threshold over two, at every shown snapshot.
    fn model_view(&mut self, values: &Values) {
        let (xlo, xhi) = self.fig.xr;
        let sx = Scale {
            lo: xlo,
            hi: xhi,
            from: LEFT,
            to: self.right(),
        };
        self.sx = Some(sx);
        match values {
            Values::One {
                xs,
                values,
                reference,
                yr,
                clipped,
                beyond,
            } => self.one_feature(
                sx,
                xs,
                (values, reference.as_ref()),
                *yr,
                (*clipped, beyond),
            ),
            Values::Two {
                yr,
                grid,
                threshold,
            } => self.two_features(sx, *yr, grid, *threshold),
        }
    }

    /// "18 of 20 examples right" at shown snapshot `i`, with two classes.
    fn right_text(&self, i: usize) -> Option<String> {
        let c = *self.fig.right.get(i)?;
        Some(format!("{c} of {} examples right", self.fig.points.len()))
    }

    /// The model view of one feature: the model's curve at each shown
    /// snapshot (and the block's `reference`), drawn over `yr`.
    fn one_feature(
        &mut self,
        sx: Scale,
        xs: &[f64],
        (values, reference): (&[Vec<f64>], Option<&Vec<f64>>),
        (lo, hi): (f64, f64),
        (clipped, beyond): (bool, &[Option<f64>]),
    ) {
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
        self.view = Some(ModelView::One {
            curves: values.iter().map(curve).collect(),
            sy,
            reference: reference.map(curve),
            clipped,
            beyond: beyond.to_vec(),
        });
        self.height = bottom + 92.0 + self.reference_row() as f64 * 18.0;
    }

    /// The model view of two features: the region at or above the
    /// threshold, as closed loops traced on the grid, at each shown
    /// snapshot.
    fn two_features(
        &mut self,
        sx: Scale,
        (ylo, yhi): (f64, f64),
        grid: &[Vec<Vec<f64>>],
        threshold: f64,
    ) {
        let (xlo, xhi) = (sx.lo, sx.hi);
        let bottom = MODEL_TOP + 220.0;
        let sy = Scale {
            lo: ylo,
            hi: yhi,
            from: bottom,
            to: MODEL_TOP,
        };
        let gx: Vec<f64> = (0..=CELLS)
            .map(|i| sx.at(xlo + (xhi - xlo) * i as f64 / CELLS as f64))
            .collect();
        let gy: Vec<f64> = (0..=CELLS)
            .map(|j| sy.at(ylo + (yhi - ylo) * j as f64 / CELLS as f64))
            .collect();
        let loops = (grid.par_iter())
            .map(|v| {
                region_loops(v, &gx, &gy)
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
            self.fig.pick.model.clone().unwrap_or_default()
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
        self.fig
            .pick
            .label
            .clone()
            .unwrap_or_else(|| "target".into())
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

        let m = self.fig.pick.model.clone().unwrap_or_default();
        let f = &self.fig.pick.features;
        match &self.view {
            Some(ModelView::One { .. }) => {
                d += &format!(
                    ", and the model {m} against {} with the {} examples ({}, {}).",
                    f[0],
                    self.fig.points.len(),
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
                    self.fig.points.len(),
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
