//! Axes, ticks and grids for the plots (the batch plot and the step-size
//! plot): one look for both.

use super::svg::{Font, Svg, font, line, p, text};
use super::theme::{GRID, INK, MUTED};
use crate::layout::Point;

/// The font of tick labels.
pub(crate) const TICK: Font = font(11.0, MUTED);

/// "Nice" tick step for a range: 1, 2 or 5 times a power of ten.
pub(crate) fn nice_step(range: f64, target: f64) -> f64 {
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

/// A vertical grid line at `px` from `top` to `bottom`, its tick below the
/// axis and the tick's label.
pub(crate) fn x_tick(svg: &mut Svg, px: f64, top: f64, bottom: f64, label: &str) {
    x_mark(svg, px, top, bottom, Some(label));
}

/// [`x_tick`], its label left out when `None` (a narrow plot labels every
/// few ticks).
pub(crate) fn x_mark(svg: &mut Svg, px: f64, top: f64, bottom: f64, label: Option<&str>) {
    line(svg, "grid", p(px, top), p(px, bottom), GRID, "1", "");
    line(
        svg,
        "tick",
        p(px, bottom),
        p(px, bottom + 5.0),
        MUTED,
        "1",
        "",
    );
    if let Some(label) = label {
        text(svg, "tick-label", px, bottom + 18.0, TICK.mid(), label);
    }
}

/// A horizontal grid line at `py` across `(left, right)`, its tick left of
/// the axis and, when given, the tick's label.
pub(crate) fn y_tick(svg: &mut Svg, (l, r): (f64, f64), py: f64, label: Option<&str>) {
    line(svg, "grid", p(l, py), p(r, py), GRID, "1", "");
    line(svg, "tick", p(l - 5.0, py), p(l, py), MUTED, "1", "");
    if let Some(label) = label {
        text(svg, "tick-label", l - 8.0, py + 4.0, TICK.end(), label);
    }
}

/// The two axis lines of a plot and the x axis's label at `label_y`.
pub(crate) fn axes(
    svg: &mut Svg,
    (l, r): (f64, f64),
    (top, bottom): (f64, f64),
    label_y: f64,
    label: &str,
) {
    line(svg, "axis", p(l, bottom), p(r, bottom), INK, "1", "");
    line(svg, "axis", p(l, top), p(l, bottom), INK, "1", "");
    text(
        svg,
        "axis-label",
        (l + r) / 2.0,
        label_y,
        font(12.0, INK).mid(),
        label,
    );
}

/// A linear map from data `(lo, hi)` onto the page `(from, to)`: an x axis
/// left to right, a y axis bottom to top. A log axis maps `log10` values.
#[derive(Clone, Copy)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub from: f64,
    pub to: f64,
}

impl Scale {
    pub(crate) fn at(self, v: f64) -> f64 {
        self.from - (v - self.lo) / (self.hi - self.lo) * (self.from - self.to)
    }
}

/// Ramer–Douglas–Peucker: the points of `pts` that keep the polyline within
/// `tol` px of itself (a straight boundary becomes two points). NaN points
/// (breaks between runs) are kept. Used by the model plots and the training
/// figure.
pub fn simplify(pts: &[Point], tol: f64) -> Vec<Point> {
    if pts.len() < 3 {
        return pts.to_vec();
    }
    let mut keep = vec![false; pts.len()];
    keep[0] = true;
    keep[pts.len() - 1] = true;
    let mut stack = vec![(0, pts.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        let (pa, pb) = (pts[a], pts[b]);
        let (dx, dy) = (pb.x - pa.x, pb.y - pa.y);
        let len = (dx * dx + dy * dy).sqrt();
        let mut worst = (0.0, a);
        for (i, q) in pts.iter().enumerate().take(b).skip(a + 1) {
            let d = if len < 1e-9 {
                ((q.x - pa.x).powi(2) + (q.y - pa.y).powi(2)).sqrt()
            } else {
                ((q.x - pa.x) * dy - (q.y - pa.y) * dx).abs() / len
            };
            if d > worst.0 || d.is_nan() {
                worst = (if d.is_nan() { f64::INFINITY } else { d }, i);
            }
        }
        if worst.0 > tol {
            keep[worst.1] = true;
            stack.push((a, worst.1));
            stack.push((worst.1, b));
        }
    }
    pts.iter()
        .zip(keep)
        .filter_map(|(q, k)| k.then_some(*q))
        .collect()
}
