//! The step-size plot and the batch plot drawn a phone's column wide
//! (issue 21): the page shows these files below the width where the wide
//! drawings fit, so they must be [`PHONE_COLUMN`] wide, keep every text at
//! 11 px or more, and lay their text out inside the width without two
//! lines on top of each other, by the crate's own text-width estimate.

use seen::figure::step_size::Errors;
use seen::render::figures::{batch, step_size_narrow};
use seen::render::scene::PHONE_COLUMN;
use seen::render::svg::font;

use crate::support::{explainer_runs, manifest_dir};

/// Every narrow plot the tests check: the explainer's step-size and batch
/// blocks, and the plot fixtures (one and two features, classes and
/// values): (name, svg).
fn narrow_plots() -> Vec<(String, String)> {
    let mut out: Vec<(String, seen::render::svg::Drawing)> = Vec::new();
    for (s, runs) in explainer_runs() {
        match s.figure {
            seen::scenario::Figure::StepSize => out.push((
                format!("step-size {}", s.id),
                step_size_narrow(&s, &Errors::new(&s, &runs[0]), &s.id),
            )),
            seen::scenario::Figure::Batch => {
                for run in &runs {
                    out.push((
                        format!("batch {} {}", s.id, run.view.name()),
                        batch(
                            &s,
                            run,
                            &seen::figure::model_plot::BatchData::new(&s, run),
                            &s.id,
                        )
                        .plot_narrow,
                    ));
                }
            }
            _ => {}
        }
    }
    let fixtures = manifest_dir().join("tests/fixtures/plots.md");
    for (s, runs) in seen::run_file(&fixtures).expect("the plot fixtures run") {
        out.push((
            format!("plot {}", s.id),
            batch(
                &s,
                &runs[0],
                &seen::figure::model_plot::BatchData::new(&s, &runs[0]),
                &s.id,
            )
            .plot_narrow,
        ));
    }
    assert!(
        out.len() >= 6,
        "the explainer has step-size and batch blocks"
    );
    out.into_iter().map(|(k, v)| (k, v.into())).collect()
}

/// The value of attribute `name` in the tag text `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// A line of text as the crate estimates it: its box (left, right, top,
/// bottom) and its words.
struct Line {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    words: String,
}

/// Every `<text>` of `svg` with its box by [`seen::render::svg::Font::width`]:
/// the font size and weight as drawn, the anchor moving the box.
fn lines(svg: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for part in svg.split("<text").skip(1) {
        let Some(end) = part.find('>') else { continue };
        let tag = &part[..end];
        let words = part[end + 1..part.find("</text>").unwrap()]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        let num = |k: &str| attr(tag, k).unwrap().parse::<f64>().unwrap();
        let (x, y, mut size) = (num("x"), num("y"), num("font-size"));
        let mut bold = attr(tag, "font-weight") == Some("bold");
        // The page's stylesheet, which the files carry too, draws a text
        // classed `caption` or `label` at 13 px bold whatever it says.
        let classes = attr(tag, "class").unwrap_or("");
        if classes.split(' ').any(|c| c == "caption" || c == "label") {
            (size, bold) = (13.0, true);
        }
        let mut f = font(size, "");
        if bold {
            f = f.bold();
        }
        let w = f.width(&words);
        let left = match attr(tag, "text-anchor") {
            Some("end") => x - w,
            Some("middle") => x - w / 2.0,
            _ => x,
        };
        out.push(Line {
            left,
            right: left + w,
            top: y - 0.8 * size,
            bottom: y + 0.2 * size,
            words,
        });
    }
    out
}

/// Where `svg`'s text breaks the phone's layout: lines past the edges,
/// and pairs of lines on top of each other.
fn layout_faults(svg: &str) -> Vec<String> {
    let width = attr(svg, "width").unwrap().parse::<f64>().unwrap();
    let ls = lines(svg);
    let mut faults = Vec::new();
    for l in &ls {
        if l.left < 2.0 || l.right > width - 2.0 {
            faults.push(format!(
                "`{}` spans {:.0}..{:.0} of {width}",
                l.words, l.left, l.right
            ));
        }
    }
    for (i, a) in ls.iter().enumerate() {
        for b in &ls[i + 1..] {
            let across = a.right.min(b.right) - a.left.max(b.left);
            let down = a.bottom.min(b.bottom) - a.top.max(b.top);
            if across > 1.0 && down > 1.0 {
                faults.push(format!("`{}` overlaps `{}`", a.words, b.words));
            }
        }
    }
    faults
}

#[test]
fn the_narrow_plots_are_a_phones_column_wide_in_text_of_11_px_or_more() {
    for (name, svg) in narrow_plots() {
        let root = &svg[..svg.find('>').unwrap()];
        assert_eq!(
            attr(root, "width").map(|w| w.parse::<f64>().unwrap()),
            Some(PHONE_COLUMN),
            "{name}: {root}"
        );
        let sizes: Vec<f64> = (svg.split(" font-size=\"").skip(1))
            .map(|p| p[..p.find('"').unwrap()].parse().unwrap())
            .collect();
        assert!(!sizes.is_empty(), "{name} has text");
        for size in sizes {
            assert!(size >= 11.0, "{name}: a font-size of {size}");
        }
    }
}

#[test]
fn the_narrow_plots_text_fits_the_width_and_no_two_lines_overlap() {
    for (name, svg) in narrow_plots() {
        let faults = layout_faults(&svg);
        assert!(faults.is_empty(), "{name}:\n{}", faults.join("\n"));
    }
}

/// The check itself catches what it is for: the wide plots' one-line
/// captions and legends are wider than a phone.
#[test]
fn the_layout_check_fails_a_line_past_the_edge_or_two_on_top_of_each_other() {
    let too_wide = format!(
        "<svg width=\"{PHONE_COLUMN}\"><text x=\"14\" y=\"22\" font-size=\"13\" font-weight=\"bold\">|error| of finite differences for ∂loss/∂w (autodiff: −0.4178)</text></svg>"
    );
    assert_eq!(layout_faults(&too_wide).len(), 1, "{too_wide}");
    let on_top = format!(
        "<svg width=\"{PHONE_COLUMN}\"><text x=\"14\" y=\"40\" font-size=\"12\">forward difference</text><text x=\"60\" y=\"44\" font-size=\"12\">central</text></svg>"
    );
    assert_eq!(layout_faults(&on_top).len(), 1, "{on_top}");
    let apart = format!(
        "<svg width=\"{PHONE_COLUMN}\"><text x=\"14\" y=\"40\" font-size=\"12\">forward difference</text><text x=\"14\" y=\"58\" font-size=\"12\">central</text></svg>"
    );
    assert!(layout_faults(&apart).is_empty(), "{apart}");
}
