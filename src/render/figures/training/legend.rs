//! The layer over every training snapshot: the examples and the legends
//! (the model's row, then the examples' row).

use super::*;

/// The drawing over every frame's own: the examples and the legend.
pub(super) fn over(svg: &mut Svg, d: &Data) {
    let (Some(view), Some(sx)) = (&d.view, d.sx) else {
        return;
    };
    let (ModelView::One { sy, .. } | ModelView::Two { sy, .. }) = view;
    let two = matches!(view, ModelView::Two { .. });
    for (f, lb) in &d.fig.points {
        let y = if two { Some(f[1]) } else { *lb };
        let Some(y) = y else { continue };
        let c = p(sx.at(f[0]), sy.at(y));
        match (d.fig.classes, lb) {
            (Classes::Two { hi, .. }, Some(v)) if *v == hi => {
                marker(svg, "point class-hi tr-fwd", c, false, FORWARD, true)
            }
            (Classes::Two { .. }, Some(_)) => {
                marker(svg, "point class-lo tr-hollow", c, true, BACKWARD, false)
            }
            _ => marker(svg, "point tr-ink", c, false, INK, true),
        }
    }
    let ly = sy.from + 56.0;
    model_legend(svg, d, view, ly);
    example_legend(svg, d, ly + 18.0);
}

/// The legend's first row: the model (its curve, or its regions and
/// boundary) and the reference curve.
fn model_legend(svg: &mut Svg, d: &Data, view: &ModelView, ly: f64) {
    let lf = font(11.0, INK);
    let m = d.fig.pick.model.clone().unwrap_or_default();
    let mut x = 14.0;
    let item = |svg: &mut Svg, x: &mut f64, label: &str| {
        text(svg, "legend tr-ink", *x + 20.0, ly, lf, label);
        *x += 20.0 + lf.width(label) + 16.0;
    };
    match view {
        ModelView::One { .. } => {
            legend_stroke(
                svg,
                "legend model-curve tr-fwd",
                (x, ly),
                14.0,
                (FORWARD, "2.5", ""),
            );
            item(svg, &mut x, &format!("{m} at this step"));
            if let Some(label) = d.reference_label() {
                let (rx, ry) = if d.reference_row() == 1 {
                    (14.0, ly + 36.0)
                } else {
                    (x, ly)
                };
                legend_stroke(
                    svg,
                    "legend reference tr-ink",
                    (rx, ry),
                    14.0,
                    (INK, "1.5", "4 2"),
                );
                text(svg, "legend tr-ink", rx + 20.0, ry, lf, &label);
            }
        }
        ModelView::Two { threshold, .. } => {
            let t = num(*threshold);
            swatch(svg, x, ly, FORWARD, ".22", "legend swatch tr-fwd");
            item(svg, &mut x, &format!("{m} ≥ {t}"));
            swatch(svg, x, ly, BACKWARD, ".1", "legend swatch tr-bwd");
            item(svg, &mut x, &format!("{m} < {t}"));
            legend_stroke(svg, "legend boundary tr-ink", (x, ly), 14.0, (INK, "2", ""));
            item(svg, &mut x, &format!("{m} = {t}"));
        }
    }
}

/// The legend's second row, at `ly2`: how the examples are marked.
fn example_legend(svg: &mut Svg, d: &Data, ly2: f64) {
    let lf = font(11.0, INK);
    let lb = d.label_name();
    match d.fig.classes {
        Classes::Two { lo, hi } => {
            marker(
                svg,
                "legend point class-hi tr-fwd",
                p(20.0, ly2 - 4.0),
                false,
                FORWARD,
                true,
            );
            let a = format!("{lb} = {}", num(hi));
            text(svg, "legend tr-ink", 32.0, ly2, lf, &a);
            let x2 = 32.0 + lf.width(&a) + 18.0;
            marker(
                svg,
                "legend point class-lo tr-hollow",
                p(x2 + 6.0, ly2 - 4.0),
                true,
                BACKWARD,
                false,
            );
            text(
                svg,
                "legend tr-ink",
                x2 + 18.0,
                ly2,
                lf,
                &format!("{lb} = {}", num(lo)),
            );
        }
        Classes::Numbers if d.fig.pick.label.is_some() => {
            marker(
                svg,
                "legend point tr-ink",
                p(20.0, ly2 - 4.0),
                false,
                INK,
                true,
            );
            text(
                svg,
                "legend tr-ink",
                32.0,
                ly2,
                lf,
                &format!("an example ({}, {lb})", d.fig.pick.features[0]),
            );
        }
        Classes::Numbers => {}
    }
}

/// A small tinted square for the legend, outlined.
pub(super) fn swatch(svg: &mut Svg, x: f64, ly: f64, colour: &str, opacity: &str, class: &str) {
    let (xs, ys) = (n(x), n(ly - 11.0));
    svg.empty(
        "rect",
        &[
            ("class", class),
            ("x", &xs),
            ("y", &ys),
            ("width", "14"),
            ("height", "12"),
            ("fill", colour),
            ("fill-opacity", opacity),
            ("stroke", colour),
            ("stroke-width", "1"),
        ],
    );
}

/// A legend's line swatch: `len` px of the stroke (colour, width, dash)
/// drawn at text height beside the entry whose baseline is `y`, from `x`.
pub(super) fn legend_stroke(
    svg: &mut Svg,
    class: &str,
    (x, y): (f64, f64),
    len: f64,
    (colour, width, dash): (&str, &str, &str),
) {
    line(
        svg,
        class,
        p(x, y - 4.0),
        p(x + len, y - 4.0),
        colour,
        width,
        dash,
    );
}
