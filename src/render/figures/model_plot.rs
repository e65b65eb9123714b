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
use crate::figure::model_plot::{Data, Lines, PlotData, Shape, Spots, Targets};
use crate::layout::Point;
use crate::render::plot::{Scale, axes, nice_step, simplify, x_tick, y_tick};
use crate::render::svg::Drawing;
use crate::render::svg::{Font, Svg, font, line, marker, p, polyline, text};
use crate::render::theme::{BACKWARD, FORWARD, INK, MUTED};
use crate::scenario::{Model, Scenario};
use crate::text::num;

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

/// Fonts: the caption, its second line, the legend and notes, value labels.
const CAPTION: Font = font(13.0, INK).bold();
const SUB: Font = font(12.0, MUTED);
const LEGEND: Font = font(11.0, INK);
const NOTE: Font = font(11.0, MUTED);

/// The examples and the model before and after the update, in a plot
/// `width` wide.
pub(super) fn batch_plot(s: &Scenario, plot: Option<&PlotData>, id: &str, width: f64) -> Drawing {
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
    let Some(plot) = plot else {
        return note_only(
            s,
            id,
            width,
            &title,
            &["No plot: the model could not be built.".to_string()],
        );
    };
    match &plot.shape {
        Shape::Curve {
            before,
            after,
            points,
        } => curve_plot(s, id, width, &title, plot, (before, after.as_ref(), points)),
        Shape::Plane {
            before,
            after,
            spots,
        } => plane_plot(s, id, width, &title, plot, (before, after.as_ref(), spots)),
    }
}

// ---------------------------------------------------------------------------
// The title: the model written out (`text::expr`).

/// The model written out as far as fits `room` px of the caption.
fn model_text(s: &Scenario, m: &Model, room: f64) -> String {
    crate::text::expr::model_text(&m.expr, &s.stmts[..m.uses], m.name.as_deref(), |t: &str| {
        CAPTION.width(t) <= room
    })
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
fn note_only(s: &Scenario, id: &str, width: f64, caption: &str, notes: &[String]) -> Drawing {
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
    svg.drawing()
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
fn model_entries(plot: &PlotData, what: &str) -> Vec<(Glyph, String, &'static str)> {
    let data = &plot.data;
    let with = |after: bool| {
        let v = if after {
            &plot.values.1
        } else {
            &plot.values.0
        };
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

fn curve_plot(
    s: &Scenario,
    id: &str,
    width: f64,
    caption: &str,
    plot: &PlotData,
    (before, after, points): (&Lines, Option<&Lines>, &Spots),
) -> Drawing {
    let data = &plot.data;
    let xr = data.ranges[0];
    // The y range covers the curves and the points.
    let ys = before
        .iter()
        .chain(after.iter().copied().flatten())
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
    let mut legend_items = model_entries(plot, "");
    legend_items.extend(example_entries(data));
    let legend_lines = legend_lines(&legend_items, width);
    let legend_top = bottom + 64.0;
    let height = legend_top + 20.0 * (legend_lines - 1.0) + 16.0;

    let mut desc = examples_desc(data);
    desc += &format!(
        " The curve of {} over {}{}.",
        caption,
        data.features[0],
        when_desc(plot)
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
    before_and_after(
        &mut svg,
        "curve",
        before,
        after.map(Vec::as_slice),
        |piece| piece.iter().map(|&q| at(q)).collect(),
    );
    for &(x, y, t) in points {
        let (class, square, colour, filled) = example_marker(data, t);
        marker(&mut svg, class, at((x, y)), square, colour, filled);
    }
    legend(&mut svg, &legend_items, legend_top, width);
    svg.drawing()
}

// ---------------------------------------------------------------------------
// Two features: the plane and the boundary.

/// Where to write which side of the line a region is on (`p > 0.5`): of a
/// few spots inside the plane on that side, the one farthest from the
/// examples and the drawn line, if any is clear of them.
fn side_label(
    spots: &Spots,
    level: f64,
    (sx, sy): (Scale, Scale),
    above: bool,
    avoid: &[Point],
) -> Option<(f64, f64)> {
    let mut best: Option<((f64, f64), f64)> = None;
    for &(x, y, v) in spots {
        let Some(v) = v else { continue };
        if (v > level) != above {
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
    best.filter(|b| b.1 >= 40.0).map(|b| b.0)
}

/// The notes of a plane where a boundary does not cross the window.
fn missing_notes(
    data: &Data,
    before: &[Vec<(f64, f64)>],
    after: Option<&[Vec<(f64, f64)>]>,
) -> Vec<String> {
    let missing = |c: &[Vec<(f64, f64)>], which: &str| {
        c.is_empty().then(|| {
            format!(
                "{which}, {} does not cross {} in this window.",
                data.pred,
                num(data.level)
            )
        })
    };
    let mut notes = Vec::new();
    if let Some(a) = after {
        notes.extend(missing(before, "Before the step"));
        notes.extend(missing(a, "After the step"));
    } else {
        notes.extend(missing(before, "The model"));
    }
    notes
}

/// A plane's ticks, axes and axis names.
fn plane_axes(svg: &mut Svg, data: &Data, (sx, sy): (Scale, Scale), width: f64) {
    let (xr, yr) = (data.ranges[0], data.ranges[1]);
    let (top, bottom) = (sy.to, sy.from);
    for x in ticks(xr.0, xr.1, x_ticks(width)) {
        x_tick(svg, sx.at(x), top, bottom, &num(x));
    }
    for y in ticks(yr.0, yr.1, 5.0) {
        y_tick(svg, (LEFT, right(width)), sy.at(y), Some(&num(y)));
    }
    axes(
        svg,
        (LEFT, right(width)),
        (top, bottom),
        bottom + 36.0,
        &data.features[0],
    );
    text(
        svg,
        "axis-label",
        14.0,
        top - 12.0,
        font(12.0, INK),
        &data.features[1],
    );
}

/// "p > 0.5" and "p < 0.5" on the two sides of the boundary after the
/// step, each where it is clear of the examples and the line (`avoid`).
fn side_labels(svg: &mut Svg, spots: &Spots, data: &Data, scales: (Scale, Scale), avoid: &[Point]) {
    let (sx, sy) = scales;
    for (above, sign) in [(true, ">"), (false, "<")] {
        if let Some(c) = side_label(spots, data.level, scales, above, avoid) {
            let words = format!("{} {sign} {}", data.pred, num(data.level));
            let (x, y) = (sx.at(c.0), sy.at(c.1));
            text(svg, "side-label", x, y + 4.0, NOTE.mid(), &words);
        }
    }
}

fn plane_plot(
    s: &Scenario,
    id: &str,
    width: f64,
    caption: &str,
    plot: &PlotData,
    (before, after, spots): (&Lines, Option<&Lines>, &Spots),
) -> Drawing {
    let data = &plot.data;
    let (xr, yr) = (data.ranges[0], data.ranges[1]);

    let when = data.when();
    let top = caption_bottom(caption, when, width) + 34.0;
    let bottom = top + 300.0;
    let level = format!(": {} = {}", data.pred, num(data.level));
    let mut legend_items = model_entries(plot, &level);
    legend_items.extend(example_entries(data));
    let legend_lines = legend_lines(&legend_items, width);
    let notes = missing_notes(data, before, after.map(Vec::as_slice));
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
        when_desc(plot)
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
    plane_axes(&mut svg, data, (sx, sy), width);
    let at = |(x, y): (f64, f64)| p(sx.at(x), sy.at(y));
    before_and_after(
        &mut svg,
        "boundary",
        before,
        after.map(Vec::as_slice),
        |piece| simplify(&piece.iter().map(|&q| at(q)).collect::<Vec<_>>(), 0.3),
    );
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
    let avoid: Vec<Point> = (data.examples.iter())
        .map(|(x, _)| at((x[0], x[1])))
        .chain(after.unwrap_or(before).iter().flatten().map(|&q| at(q)))
        .collect();
    side_labels(&mut svg, spots, data, (sx, sy), &avoid);
    let y = legend(&mut svg, &legend_items, legend_top, width);
    for (k, n) in note_lines.iter().enumerate() {
        text(&mut svg, "note", 14.0, y + 20.0 * (k + 1) as f64, NOTE, n);
    }
    svg.drawing()
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
fn when_desc(plot: &PlotData) -> String {
    if plot.data.update {
        format!(
            ", before the update ({}, dashed) and after it ({}, solid)",
            plot.values.0, plot.values.1
        )
    } else {
        format!(" ({})", plot.values.0)
    }
}
