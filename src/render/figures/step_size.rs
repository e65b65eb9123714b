//! Figure "step-size": the error of finite differences against autodiff,
//! over step sizes h from 1e−13 to 1e−1, on a log–log plot.

use super::open;
use crate::figure::step_size::{ERROR_FLOOR, Errors};
use crate::layout::Point;
use crate::render::plot::{Scale, TICK, axes, x_mark, y_tick};
use crate::render::scene::PHONE_COLUMN;
use crate::render::svg::Drawing;
use crate::render::svg::{Font, Svg, font, line, marker, p, polyline, ring, text};
use crate::render::theme::{BACKWARD, FORWARD, INK, MUTED};
use crate::scenario::Scenario;
use crate::text::{h_text, num};

/// "1e−8" for a power of ten.
fn decade(k: i32) -> String {
    format!("1e{k}").replace('-', "−")
}

/// The colours of the two curves: forward differences in the backward
/// colour, central differences in the forward one.
const FD: &str = BACKWARD;
const CD: &str = FORWARD;

/// The plot's size.
const SIZE: (f64, f64) = (700.0, 480.0);
/// Room for the closed-form line under the caption.
const CLOSED_HEAD: f64 = 22.0;

/// Where the plot's box lies and how values map onto it.
#[derive(Clone, Copy)]
struct Area {
    l: f64,
    r: f64,
    top: f64,
    bottom: f64,
    /// log10 h across, log10 |error| up.
    sx: Scale,
    sy: Scale,
}

impl Area {
    /// `head`: extra room above the plot (for the closed-form line), which
    /// shifts the whole plot down.
    fn new((ey0, ey1): (f64, f64), head: f64) -> Area {
        let (width, height) = SIZE;
        Area::at(
            (ey0, ey1),
            (70.0, width - 24.0, 74.0 + head, height - 108.0 + head),
        )
    }

    /// The plot's box at `(l, r, top, bottom)`.
    fn at((ey0, ey1): (f64, f64), (l, r, top, bottom): (f64, f64, f64, f64)) -> Area {
        Area {
            l,
            r,
            top,
            bottom,
            sx: Scale {
                lo: -13.25,
                hi: -0.75,
                from: l,
                to: r,
            },
            sy: Scale {
                lo: ey0,
                hi: ey1,
                from: bottom,
                to: top,
            },
        }
    }
    fn x(&self, h: f64) -> f64 {
        self.sx.at(h.log10())
    }
    fn y(&self, e: f64) -> f64 {
        self.sy.at(e.log10())
    }
}

/// Log–log plot of the finite-difference errors against h.
pub fn step_size(s: &Scenario, errors: &Errors, id: &str) -> Drawing {
    let (out_name, name) = (&errors.out_name, &errors.name);
    let decades = errors.decades();
    let closed = closed_form_line(s, errors.grad);
    let head = if closed.is_some() { CLOSED_HEAD } else { 0.0 };
    let area = Area::new(decades, head);
    let size = (SIZE.0, SIZE.1 + head);
    let title = s
        .title
        .clone()
        .unwrap_or_else(|| format!("Finite differences against autodiff for ∂{out_name}/∂{name}"));
    let mut svg = open(id, "figure step-size", size, &title, &errors.desc());
    text(
        &mut svg,
        "caption",
        14.0,
        22.0,
        font(13.0, INK).bold(),
        &caption_text(errors),
    );
    // Not classed `caption`: the page's and the files' stylesheet draws a
    // caption at 13 px bold, which made this line wider than the plot.
    if let Some(line) = closed {
        text(&mut svg, "closed-form", 14.0, 42.0, font(12.0, INK), &line);
    }
    grid(&mut svg, &area, decades, (1, area.top - 30.0));
    if errors.lowest() <= ERROR_FLOOR {
        floor(&mut svg, &area);
    }
    guides(&mut svg, &area, errors);
    regions(&mut svg, &area);
    curves(&mut svg, &area, errors);
    minima(&mut svg, &area, errors);
    legend(&mut svg, &area, name, size.1);
    svg.drawing()
}

/// The same plot at a phone's width ([`PHONE_COLUMN`]), in the same font
/// sizes: the caption and the closed-form line wrap, the h axis labels
/// every third decade, the two guides' labels stack (the central one above
/// the forward one, each left of its line), the region notes sit under the
/// h axis one per line, and the legend gives each curve two lines and
/// names the ringed minima in place of labels beside the rings. The
/// figure grows taller instead.
pub fn step_size_narrow(s: &Scenario, errors: &Errors, id: &str) -> Drawing {
    let width = PHONE_COLUMN;
    let (out_name, name) = (&errors.out_name, &errors.name);
    let decades = errors.decades();
    let room = width - 28.0;
    let caption = wrap_words(&caption_text(errors), CAPTION, room);
    // The closed form on one line, its value and autodiff's on the next
    // ("= −0.4178399903; autodiff −0.4178399903"), each wrapped if longer.
    let closed: Vec<String> = closed_form_line(s, errors.grad)
        .map(|c| {
            let at = c.rfind(" = ").unwrap_or(c.len());
            [&c[..at], c[at..].trim_start()]
                .into_iter()
                .filter(|part| !part.is_empty())
                .flat_map(|part| wrap_words(part, CLOSED, room))
                .collect()
        })
        .unwrap_or_default();
    let mut y = 22.0;
    let mut svg_lines = Vec::new();
    for line in &caption {
        svg_lines.push(("caption", y, CAPTION, line.clone()));
        y += 18.0;
    }
    for line in &closed {
        svg_lines.push(("closed-form", y, CLOSED, line.clone()));
        y += 16.0;
    }
    let axis_y = y + 6.0;
    let top = axis_y + 66.0;
    let bottom = top + 300.0;
    let area = Area::at(decades, (50.0, width - 14.0, top, bottom));
    let regions_y = bottom + 58.0;
    let legend_y = regions_y + 46.0;
    let height = legend_y + 112.0;
    let title = s
        .title
        .clone()
        .unwrap_or_else(|| format!("Finite differences against autodiff for ∂{out_name}/∂{name}"));
    let mut svg = open(
        id,
        "figure step-size",
        (width, height),
        &title,
        &errors.desc(),
    );
    for (class, y, f, line) in &svg_lines {
        text(&mut svg, class, 14.0, *y, *f, line);
    }
    grid(&mut svg, &area, decades, (3, axis_y));
    if errors.lowest() <= ERROR_FLOOR {
        floor(&mut svg, &area);
    }
    guides_narrow(&mut svg, &area, errors);
    let note = font(12.0, MUTED);
    text(
        &mut svg,
        "region",
        14.0,
        regions_y,
        note,
        "← round-off error grows as h shrinks",
    );
    text(
        &mut svg,
        "region",
        width - 14.0,
        regions_y + 18.0,
        note.end(),
        "truncation error grows with h →",
    );
    curves(&mut svg, &area, errors);
    for (m, colour, class) in [
        (errors.min_f, FD, "minimum forward-diff"),
        (errors.min_c, CD, "minimum central-diff"),
    ] {
        if let Some((h, e)) = m {
            ring(
                &mut svg,
                class,
                p(area.x(h), area.y(e)),
                "10",
                "none",
                colour,
            );
        }
    }
    legend_narrow(&mut svg, name, errors, legend_y);
    svg.drawing()
}

/// The fonts of the caption and the closed-form line.
const CAPTION: Font = font(13.0, INK).bold();
const CLOSED: Font = font(12.0, INK);

/// The caption: what is plotted, and the autodiff value.
fn caption_text(errors: &Errors) -> String {
    format!(
        "|error| of finite differences for ∂{}/∂{} (autodiff: {})",
        errors.out_name,
        errors.name,
        num(errors.grad)
    )
}

/// Splits `s` into lines no wider than `room` in font `f` (a word wider
/// than `room` gets a line of its own).
fn wrap_words(s: &str, f: Font, room: f64) -> Vec<String> {
    crate::text::wrap_by(s, room, |t| f.width(t))
}

/// The narrow plot's guides: each label left of its line, ending at it,
/// the central one (further right) two rows higher, where the forward
/// line has not begun, so neither line crosses a label.
fn guides_narrow(svg: &mut Svg, a: &Area, errors: &Errors) {
    let gf = font(11.0, INK);
    for (h, label, sub, rise) in [
        (
            errors.best_f,
            format!("√ε ≈ {}", num(errors.best_f)),
            "best h, forward",
            0.0,
        ),
        (
            errors.best_c,
            format!("ε^(1/3) ≈ {}", num(errors.best_c)),
            "best h, central",
            28.0,
        ),
    ] {
        let px = a.x(h);
        line(
            svg,
            "guide",
            p(px, a.top - 34.0 - rise),
            p(px, a.bottom),
            INK,
            "1",
            "2 3",
        );
        let (x, f) = (px - 5.0, gf.end());
        text(svg, "guide-label", x, a.top - 22.0 - rise, f.bold(), &label);
        text(svg, "guide-label", x, a.top - 8.0 - rise, f, sub);
    }
}

/// The narrow plot's legend from `top`: each curve's name, then its
/// formula, and a ring per curve with the h of its smallest error.
fn legend_narrow(svg: &mut Svg, name: &str, errors: &Errors, top: f64) {
    let lf = font(12.0, INK);
    let rows = [
        (
            "forward-diff",
            FD,
            "6 4",
            true,
            "forward difference",
            format!("(f({name}+h) − f({name})) / h"),
        ),
        (
            "central-diff",
            CD,
            "",
            false,
            "central difference",
            format!("(f({name}+h) − f({name}−h)) / 2h"),
        ),
    ];
    let mut y = top;
    for (class, colour, dash, square, words, formula) in &rows {
        let class = format!("legend {class}");
        line(
            svg,
            &class,
            p(14.0, y - 4.0),
            p(50.0, y - 4.0),
            colour,
            "1.8",
            dash,
        );
        marker(svg, &class, p(32.0, y - 4.0), *square, colour, !*square);
        text(svg, "legend", 58.0, y, lf, words);
        text(svg, "legend", 58.0, y + 18.0, lf, formula);
        y += 40.0;
    }
    for (m, colour, class, which) in [
        (errors.min_f, FD, "forward-diff", "forward"),
        (errors.min_c, CD, "central-diff", "central"),
    ] {
        let Some((h, _)) = m else {
            continue;
        };
        ring(
            svg,
            &format!("legend minimum {class}"),
            p(32.0, y - 4.0),
            "7",
            "none",
            colour,
        );
        text(
            svg,
            "minimum-label",
            58.0,
            y,
            font(11.0, colour).bold(),
            &format!("smallest {which} error: h = {}", h_text(h)),
        );
        y += 18.0;
    }
}

/// "closed form (sigmoid(w·x + b) − 1)·x = −0.4178397180, autodiff
/// −0.4178397180": the author's derivative by hand next to the engine's,
/// to ten decimals so the agreement is visible. The build has already
/// refused the block if they differ (`scenario::closed`).
fn closed_form_line(s: &Scenario, grad: f64) -> Option<String> {
    let value = s.closed_form_value()?.ok()?;
    let c = s.closed_form.as_ref()?;
    let written = c.line[c.line.find('=')? + 1..]
        .trim()
        .replace(" * ", "·")
        .replace('*', "·")
        .replace('-', "−");
    let ten = |v: f64| format!("{v:.10}").replace('-', "−");
    Some(format!(
        "closed form {written} = {}; autodiff {}",
        ten(value),
        ten(grad)
    ))
}

/// Grid, ticks and labels at decades (every other one on a tall y axis;
/// on the h axis every `every_x`th: a narrow plot's 262 px hold no 13
/// labels), the axes with their labels, the |error| label at `axis_y`.
fn grid(svg: &mut Svg, a: &Area, (ey0, ey1): (f64, f64), (every_x, axis_y): (i32, f64)) {
    let (l, r, top, bottom) = (a.l, a.r, a.top, a.bottom);
    for kx in -13..=-1 {
        let label = (kx % every_x == 0).then(|| decade(kx));
        x_mark(svg, a.x(10f64.powi(kx)), top, bottom, label.as_deref());
    }
    let decades = (ey1 - ey0) as i32;
    let every = if decades > 10 { 2 } else { 1 };
    for ky in (ey0 as i32)..=(ey1 as i32) {
        let label = ((ky - ey1 as i32) % every == 0).then(|| decade(ky));
        y_tick(svg, (l, r), a.y(10f64.powi(ky)), label.as_deref());
    }
    axes(
        svg,
        (l, r),
        (top, bottom),
        bottom + 36.0,
        "step size h (log scale)",
    );
    text(
        svg,
        "axis-label",
        14.0,
        axis_y,
        font(12.0, INK),
        "|error| (log scale)",
    );
}

/// The floor where errors of exactly 0 are drawn.
fn floor(svg: &mut Svg, a: &Area) {
    let py = a.y(ERROR_FLOOR);
    line(svg, "floor", p(a.l, py), p(a.r, py), MUTED, "1", "1 3");
    text(
        svg,
        "floor-label",
        a.r - 4.0,
        py - 5.0,
        TICK.end(),
        &format!("error exactly 0, drawn at {}", num(ERROR_FLOOR)),
    );
}

/// Where the best h lies in theory: a dotted vertical line each, labelled
/// above the plot.
fn guides(svg: &mut Svg, a: &Area, errors: &Errors) {
    let gf = font(11.0, INK);
    for (h, label, sub, anchor_end) in [
        (
            errors.best_f,
            format!("√ε ≈ {}", num(errors.best_f)),
            "best h, forward",
            true,
        ),
        (
            errors.best_c,
            format!("ε^(1/3) ≈ {}", num(errors.best_c)),
            "best h, central",
            false,
        ),
    ] {
        let px = a.x(h);
        line(
            svg,
            "guide",
            p(px, a.top - 34.0),
            p(px, a.bottom),
            INK,
            "1",
            "2 3",
        );
        let (x, f) = if anchor_end {
            (px - 5.0, gf.end())
        } else {
            (px + 5.0, gf)
        };
        text(svg, "guide-label", x, a.top - 22.0, f.bold(), &label);
        text(svg, "guide-label", x, a.top - 8.0, f, sub);
    }
}

/// The two region notes along the bottom of the plot: (text, anchored at
/// its end, x), at [`region_y`].
fn region_notes(a: &Area) -> [(&'static str, bool, f64); 2] {
    [
        ("truncation error grows with h →", true, a.r - 6.0),
        ("← round-off error grows as h shrinks", false, a.l + 6.0),
    ]
}

/// The baseline of the region notes.
fn region_y(a: &Area) -> f64 {
    a.bottom - 8.0
}

/// The region notes' boxes, which the minima's labels keep clear of.
fn region_boxes(a: &Area) -> Vec<Box4> {
    let f = font(12.0, MUTED);
    let y = region_y(a);
    (region_notes(a).iter())
        .map(|&(t, end, x)| {
            let w = f.width(t);
            let x0 = if end { x - w } else { x };
            (x0, y - 12.0, x0 + w, y + 3.0)
        })
        .collect()
}

/// Which error dominates where: low in the plot, under the V.
fn regions(svg: &mut Svg, a: &Area) {
    let note = font(12.0, MUTED);
    for (t, end, x) in region_notes(a) {
        let f = if end { note.end() } else { note };
        text(svg, "region", x, region_y(a), f, t);
    }
}

/// The curves: forward dashed with squares, central solid with circles.
fn curves(svg: &mut Svg, a: &Area, errors: &Errors) {
    let data = &errors.data;
    let fpts: Vec<Point> = data.iter().map(|d| p(a.x(d.0), a.y(d.1))).collect();
    let cpts: Vec<Point> = data.iter().map(|d| p(a.x(d.0), a.y(d.2))).collect();
    polyline(svg, "curve forward-diff", &fpts, FD, "1.8", "6 4");
    polyline(svg, "curve central-diff", &cpts, CD, "1.8", "");
    for q in &fpts {
        marker(svg, "point forward-diff", *q, true, FD, false);
    }
    for q in &cpts {
        marker(svg, "point central-diff", *q, false, CD, true);
    }
}

/// The measured minima, ringed and labelled: forward on the left of its
/// ring, central on the right, where that fits inside the plot; else on
/// the other side, or a line lower or higher, clear of the other label,
/// of the region notes along the bottom and of the frame's edge (both
/// minima at the largest h, as a linear function gives, once put one
/// label over the other and half of the second past the right edge).
fn minima(svg: &mut Svg, a: &Area, errors: &Errors) {
    let mut taken: Vec<Box4> = Vec::new();
    for (m, colour, class, left) in [
        (errors.min_f, FD, "minimum forward-diff", true),
        (errors.min_c, CD, "minimum central-diff", false),
    ] {
        let Some((h, e)) = m else {
            continue;
        };
        let c = p(a.x(h), a.y(e));
        ring(svg, class, c, "10", "none", colour);
        let f = font(11.0, colour).bold();
        let label = format!("smallest error at h = {}", h_text(h));
        let (x, y, at_end, b) = minimum_label_at(a, c, f.width(&label), left, &taken);
        taken.push(b);
        let f = if at_end { f.end() } else { f };
        text(svg, "minimum-label", x, y, f, &label);
    }
}

/// A label's box: left, top, right, bottom.
type Box4 = (f64, f64, f64, f64);

/// Where a minimum's label of width `w` goes beside its ring at `c`: the
/// text's anchor point, whether it is anchored at its end, and its box.
/// Tried in order: its own side (the central label a line low, as
/// before), level with the ring, then the other side, then higher or
/// lower by a line at a time.
fn minimum_label_at(
    a: &Area,
    c: Point,
    w: f64,
    left: bool,
    taken: &[Box4],
) -> (f64, f64, bool, Box4) {
    let at = |on_left: bool, y: f64| {
        let x0 = if on_left { c.x - 14.0 - w } else { c.x + 12.0 };
        let x = if on_left { c.x - 14.0 } else { x0 };
        (x, y, on_left, (x0, y - 11.0, x0 + w, y + 3.0))
    };
    let base = |on_left: bool| c.y + if on_left { 4.0 } else { 16.0 };
    let notes = region_boxes(a);
    let fits = |b: &Box4| {
        let apart = |t: &Box4| b.2 <= t.0 || t.2 <= b.0 || b.3 <= t.1 || t.3 <= b.1;
        b.0 >= a.l + 2.0
            // The plot's right margin (24 px) may hold a label's end.
            && b.2 <= a.r + 20.0
            && b.1 >= a.top
            && b.3 <= a.bottom - 2.0
            && taken.iter().chain(&notes).all(apart)
    };
    let mut tries = Vec::new();
    for side in [left, !left] {
        tries.extend([at(side, base(side)), at(side, c.y + 4.0)]);
    }
    for dy in [-18.0, 18.0, -36.0, 36.0, -54.0, 54.0] {
        tries.extend([at(left, base(left) + dy), at(!left, base(!left) + dy)]);
    }
    (tries.into_iter())
        .find(|(_, _, _, b)| fits(b))
        .unwrap_or_else(|| at(left, base(left)))
}

/// The legend: one row per curve, for the leaf `name`.
fn legend(svg: &mut Svg, a: &Area, name: &str, height: f64) {
    let l = a.l;
    let lf = font(12.0, INK);
    let rows = [
        (
            "forward-diff",
            FD,
            "6 4",
            true,
            format!("forward difference (f({name}+h) − f({name})) / h"),
        ),
        (
            "central-diff",
            CD,
            "",
            false,
            format!("central difference (f({name}+h) − f({name}−h)) / 2h"),
        ),
    ];
    for (k, (class, colour, dash, square, label)) in rows.iter().enumerate() {
        let ly = height - 38.0 + 20.0 * k as f64;
        let class = format!("legend {class}");
        line(
            svg,
            &class,
            p(l, ly - 4.0),
            p(l + 36.0, ly - 4.0),
            colour,
            "1.8",
            dash,
        );
        marker(
            svg,
            &class,
            p(l + 18.0, ly - 4.0),
            *square,
            colour,
            !*square,
        );
        text(svg, "legend", l + 44.0, ly, lf, label);
    }
}
