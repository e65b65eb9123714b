//! Drawing the training figure: the shared base (loss curve, axes,
//! examples, legend), each snapshot's overlay, the stepper and the
//! filmstrip download.

use super::legend::{legend_stroke, over};
use super::*;
use crate::render::stepper::{Frame, FrameSource};

/// A log-scale tick label: 0.01, 1, 100, or 1e−7.
pub(super) fn decade(e: i32) -> String {
    if (-4..=5).contains(&e) {
        num(10f64.powi(e))
    } else {
        format!("1e{}", e).replace('-', "−")
    }
}

/// Decades between the labelled ticks of a log axis over `span` decades:
/// 1, 2, 5, 10, 20, 50, … the smallest that keeps five labels or fewer (a
/// run that diverges spans 300 decades).
pub(super) fn decade_step(span: i32) -> i32 {
    (0..)
        .flat_map(|e: u32| [1, 2, 5].map(|m| m * 10i32.saturating_pow(e)))
        .find(|&k| span / k <= 5)
        .unwrap_or(1)
}

/// A vertical grid line at `px` from `top` to `bottom`, its tick and label
/// (as [`crate::render::plot::x_tick`], with classes the stylesheet
/// restyles inside a `<use>`).
pub(super) fn tick_x(svg: &mut Svg, px: f64, top: f64, bottom: f64, label: &str) {
    line(
        svg,
        "grid tr-grid",
        p(px, top),
        p(px, bottom),
        theme::GRID,
        "1",
        "",
    );
    line(
        svg,
        "tick tr-mut",
        p(px, bottom),
        p(px, bottom + 5.0),
        MUTED,
        "1",
        "",
    );
    text(
        svg,
        "tick-label tr-mut",
        px,
        bottom + 18.0,
        TICK.mid(),
        label,
    );
}

/// A horizontal grid line at `py`, its tick and label (as
/// [`crate::render::plot::y_tick`]).
pub(super) fn tick_y(svg: &mut Svg, (l, r): (f64, f64), py: f64, label: &str) {
    line(
        svg,
        "grid tr-grid",
        p(l, py),
        p(r, py),
        theme::GRID,
        "1",
        "",
    );
    line(svg, "tick tr-mut", p(l - 5.0, py), p(l, py), MUTED, "1", "");
    text(
        svg,
        "tick-label tr-mut",
        l - 8.0,
        py + 4.0,
        TICK.end(),
        label,
    );
}

/// The drawing under every frame's own: the paper, the loss plot and its
/// curve, the model view's axes and the tint of the region below the
/// boundary. `clip`: the id of the clip of the boundary's stroke.
pub(super) fn under(svg: &mut Svg, d: &Data, clip: &str) {
    paper(svg, d.width, d.height);
    loss_panel(svg, d);
    model_panel(svg, d, clip);
}

/// The loss curves of the other runs of the group, dashed and muted under
/// this run's (named by [`peer_legend`]): the runs compared on one plot,
/// not by switching tabs.
fn peer_curves(svg: &mut Svg, d: &Data) {
    let sy = d.loss_sy;
    for (_, steps) in &d.peers {
        let pts: Vec<Point> = (steps.iter())
            .map(|&(step, loss)| {
                let v = if d.log { loss.log10() } else { loss };
                p(
                    d.sx_step.at(step as f64),
                    if v.is_finite() { sy.at(v) } else { f64::NAN },
                )
            })
            .collect();
        path(
            svg,
            "loss-peer",
            &path_data(&[simplify(&pts, TOLERANCE / 2.0)], false),
            &[
                ("fill", "none"),
                ("stroke", MUTED),
                ("stroke-width", "1.5"),
                ("stroke-dasharray", "5 3"),
            ],
        );
    }
    peer_legend(svg, d);
}

/// The peers' legend, under the loss plot's axis left of "step": a dashed
/// swatch and each peer's title (or its part before a `:` where the whole
/// does not fit).
fn peer_legend(svg: &mut Svg, d: &Data) {
    let f = font(11.0, MUTED);
    let y = LOSS_BOTTOM + 34.0;
    let room = d.right() - f.width("step") - 12.0;
    let mut x = LEFT;
    for (title, _) in &d.peers {
        let short = title.split(':').next().unwrap_or(title).trim().to_string();
        let Some(words) = [title.clone(), short]
            .into_iter()
            .find(|w| x + 22.0 + f.width(w) <= room)
        else {
            break;
        };
        legend_stroke(svg, "legend loss-peer", (x, y), 16.0, (MUTED, "1.5", "5 3"));
        text(svg, "legend tr-mut peer", x + 22.0, y, f, &words);
        x += 22.0 + f.width(&words) + 14.0;
    }
}

/// The loss plot: its ticks, axes, label and the loss curve of the run,
/// with the step where it diverged.
fn loss_panel(svg: &mut Svg, d: &Data) {
    // The loss plot.
    let (l, r) = (LEFT, d.right());
    let last = d.last_step();
    let st = nice_step(last.max(1) as f64, d.ticks()).max(1.0);
    let mut s = 0.0;
    while s <= last as f64 + 1e-9 {
        tick_x(svg, d.sx_step.at(s), LOSS_TOP, LOSS_BOTTOM, &num(s));
        s += st;
    }
    let sy = d.loss_sy;
    if d.log {
        let k = decade_step(sy.hi as i32 - sy.lo as i32);
        for e in (sy.lo as i32..=sy.hi as i32).filter(|e| e % k == 0) {
            tick_y(svg, (l, r), sy.at(e as f64), &decade(e));
        }
    } else {
        let st = nice_step(sy.hi - sy.lo, 4.0);
        let mut v = sy.lo;
        while v <= sy.hi + st * 1e-6 {
            tick_y(svg, (l, r), sy.at(v), &num((v / st).round() * st));
            v += st;
        }
    }
    axes(svg, d.right(), (LOSS_TOP, LOSS_BOTTOM));
    text(
        svg,
        "axis-label tr-ink",
        r,
        LOSS_BOTTOM + 34.0,
        font(12.0, INK).end(),
        "step",
    );
    let out = &d.s.stmts[d.s.output].name;
    let reduce = if d.s.examples.len() > 1 {
        if d.s.mean {
            format!(" (mean over {} examples)", d.s.examples.len())
        } else {
            format!(" (sum over {} examples)", d.s.examples.len())
        }
    } else {
        String::new()
    };
    let scale = if d.log { ", log scale" } else { "" };
    let axis = font(12.0, INK);
    // On a narrow frame, the reduction is left to the caption when the
    // label would not fit.
    let label = Some(format!("{out}{reduce}{scale}"))
        .filter(|t| d.fits(axis, l, t))
        .unwrap_or_else(|| format!("{out}{scale}"));
    text(svg, "axis-label tr-ink", l, LOSS_TOP - 8.0, axis, &label);
    peer_curves(svg, d);
    let pts: Vec<Point> =
        d.t.steps
            .iter()
            .map(|snap| {
                let v = if d.log { snap.loss.log10() } else { snap.loss };
                p(
                    d.sx_step.at(snap.step as f64),
                    if v.is_finite() { sy.at(v) } else { f64::NAN },
                )
            })
            .collect();
    path(
        svg,
        "loss-curve tr-ink",
        &path_data(&[simplify(&pts, TOLERANCE / 2.0)], false),
        &[("fill", "none"), ("stroke", INK), ("stroke-width", "1.5")],
    );
    if let Some(dv) = &d.t.diverged {
        diverged_marker(svg, d, dv.at, pts.last().map_or(LOSS_BOTTOM, |q| q.y));
    }
}

/// The model view's title, axes and ticks, and what lies under every
/// snapshot (the reference curve, the tint below the boundary); or the
/// note saying why there is no model view.
fn model_panel(svg: &mut Svg, d: &Data, clip: &str) {
    // The model view's title, axes and ticks.
    let m = d.fig.pick.model.clone().unwrap_or_default();
    let f = &d.fig.pick.features;
    let (l, r) = (LEFT, d.right());
    let (Some(view), Some(sx)) = (&d.view, d.sx) else {
        if let Some(note) = &d.fig.note {
            text(
                svg,
                "note tr-mut",
                14.0,
                MODEL_TITLE,
                font(12.0, MUTED),
                note,
            );
        }
        return;
    };
    let bottom = d.model_bottom();
    let title_font = font(13.0, INK).bold();
    let title = model_title(d, view, title_font);
    text(svg, "caption tr-ink", 14.0, MODEL_TITLE, title_font, &title);
    let st = nice_step(sx.hi - sx.lo, d.ticks());
    for t in (sx.lo / st).ceil() as i64..=(sx.hi / st).floor() as i64 {
        let x = t as f64 * st;
        tick_x(svg, sx.at(x), MODEL_TOP, bottom, &num(x));
    }
    let (ModelView::One { sy, .. } | ModelView::Two { sy, .. }) = view;
    let st = nice_step(sy.hi - sy.lo, 5.0);
    for t in (sy.lo / st).ceil() as i64..=(sy.hi / st).floor() as i64 {
        let y = t as f64 * st;
        tick_y(svg, (l, r), sy.at(y), &num(y));
    }
    model_under(svg, d, view, clip, bottom);
    axes(svg, d.right(), (MODEL_TOP, bottom));
    text(
        svg,
        "axis-label tr-ink",
        r,
        bottom + 34.0,
        font(12.0, INK).end(),
        &f[0],
    );
    let ylabel = match view {
        ModelView::One { .. } => match &d.fig.pick.label {
            Some(lb) => format!("{m} and {lb}"),
            None => m.clone(),
        },
        ModelView::Two { .. } => f[1].clone(),
    };
    text(
        svg,
        "axis-label tr-ink",
        l,
        MODEL_TOP - 6.0,
        font(12.0, INK),
        &ylabel,
    );
}

/// The model view's title, shorter on a narrow frame where the long one
/// would not fit.
fn model_title(d: &Data, view: &ModelView, title_font: crate::render::svg::Font) -> String {
    let m = d.fig.pick.model.clone().unwrap_or_default();
    let f = &d.fig.pick.features;
    let title = match view {
        ModelView::One { .. } => format!("The model {m} against {} and the examples", f[0]),
        ModelView::Two { threshold, .. } => format!(
            "Where {m} ≥ {}, over {} and {}, and the examples",
            num(*threshold),
            f[0],
            f[1]
        ),
    };
    // A narrow frame's title is shorter where the long one would not fit.
    if d.fits(title_font, 14.0, &title) {
        title
    } else {
        match view {
            ModelView::One { .. } => format!("{m} against {}", f[0]),
            ModelView::Two { threshold, .. } => {
                format!("Where {m} ≥ {}", num(*threshold))
            }
        }
    }
}

/// Under the snapshots of the model view: the reference curve (one
/// feature), or the tint below the boundary (two), with the panel's clip.
fn model_under(svg: &mut Svg, d: &Data, view: &ModelView, clip: &str, bottom: f64) {
    let (l, r) = (LEFT, d.right());
    if let ModelView::One {
        reference, clipped, ..
    } = view
    {
        if *clipped {
            model_clip(svg, d, clip, bottom);
        }
        if let Some(curve) = reference {
            let url = format!("url(#{clip})");
            let mut attrs = vec![
                ("fill", "none"),
                ("stroke", INK),
                ("stroke-width", "1.5"),
                ("stroke-dasharray", "6 4"),
            ];
            if *clipped {
                attrs.push(("clip-path", &url));
            }
            path(
                svg,
                "reference tr-ink",
                &path_data(&[simplify(curve, TOLERANCE)], false),
                &attrs,
            );
        }
    }
    if let ModelView::Two { .. } = view {
        // Below the boundary: the whole plot, tinted; the region above it
        // is painted over by each frame.
        let (w, h) = (n(r - l), n(bottom - MODEL_TOP));
        let (x, y) = (n(l), n(MODEL_TOP));
        svg.empty(
            "rect",
            &[
                ("class", "region below tr-tint"),
                ("x", &x),
                ("y", &y),
                ("width", &w),
                ("height", &h),
                ("fill", BACKWARD),
                ("fill-opacity", ".1"),
            ],
        );
        model_clip(svg, d, clip, bottom);
    }
}

/// The clip of the model panel, `clip`: its inside, for a boundary or a
/// curve that runs along or past its edges.
fn model_clip(svg: &mut Svg, d: &Data, clip: &str, bottom: f64) {
    let (l, r) = (LEFT, d.right());
    svg.open("clipPath", &[("id", clip)]);
    let (w, h) = (n(r - l - 3.0), n(bottom - MODEL_TOP - 3.0));
    let (x, y) = (n(l + 1.5), n(MODEL_TOP + 1.5));
    svg.empty(
        "rect",
        &[("x", &x), ("y", &y), ("width", &w), ("height", &h)],
    );
    svg.close("clipPath");
}

/// Where a run left the finite numbers, on the loss plot: a dashed line at
/// step `at` (the axis' end) and its label, "diverged at step 101", inside
/// the plot where the curve is not: at the bottom when the curve's last
/// point `last_y` is in the upper half, else at the top.
fn diverged_marker(svg: &mut Svg, d: &Data, at: usize, last_y: f64) {
    let x = d.sx_step.at(at as f64);
    line(
        svg,
        "diverged tr-bwd",
        p(x, LOSS_TOP),
        p(x, LOSS_BOTTOM),
        BACKWARD,
        "2",
        "2 3",
    );
    let y = if last_y < (LOSS_TOP + LOSS_BOTTOM) / 2.0 {
        LOSS_BOTTOM - 8.0
    } else {
        LOSS_TOP + 16.0
    };
    text(
        svg,
        "diverged tr-bwd",
        x - 6.0,
        y,
        font(12.0, BACKWARD).bold().end(),
        &format!("diverged at step {at}"),
    );
}

/// The plot's two axis lines.
pub(super) fn axes(svg: &mut Svg, right: f64, (top, bottom): (f64, f64)) {
    line(
        svg,
        "axis tr-ink",
        p(LEFT, bottom),
        p(right, bottom),
        INK,
        "1",
        "",
    );
    line(
        svg,
        "axis tr-ink",
        p(LEFT, top),
        p(LEFT, bottom),
        INK,
        "1",
        "",
    );
}

/// A `<path>` with `d` and further attributes.
pub(super) fn path(svg: &mut Svg, class: &str, d: &str, attrs: &[(&str, &str)]) {
    let mut all = vec![("class", class), ("d", d)];
    all.extend_from_slice(attrs);
    svg.empty("path", &all);
}

/// A snapshot whose curve leaves the model panel says how far it went
/// (`v`, its value farthest off), on a paper backing in the panel's top
/// right corner: the panel keeps the targets' range, so the snapshots stay
/// comparable, and the clipped curve still tells its size.
fn beyond_note(svg: &mut Svg, d: &Data, v: f64) {
    let m = d.fig.pick.model.clone().unwrap_or_default();
    let v = num(v);
    let f = font(11.0, MUTED).end();
    let Some(words) = [
        format!("{m} reaches {v} here, off the panel"),
        format!("{m} reaches {v}, off the panel"),
        format!("{m} = {v}, off the panel"),
    ]
    .into_iter()
    .find(|w| d.fits(f, LEFT + 8.0, w)) else {
        return;
    };
    let w = f.width(&words) + 8.0;
    let r = d.right() - 1.5;
    crate::render::svg::rect(
        svg,
        "note-back tr-paper",
        (r - w, MODEL_TOP + 1.5, w, 17.0),
        PAPER,
        "none",
    );
    text(
        svg,
        "note tr-mut beyond",
        r - 4.0,
        MODEL_TOP + 14.0,
        f,
        &words,
    );
}

/// Snapshot `i` (of the shown ones) on top of the shared drawing: the model
/// at its params, the marker on the loss curve, the caption.
/// `region`: the id its region path gets; `clip`: the boundary's clip.
pub(super) fn overlay(svg: &mut Svg, d: &Data, i: usize, region: &str, clip: &str) {
    let k = d.shown[i];
    let snap = &d.t.steps[k];
    match &d.view {
        Some(ModelView::One {
            curves,
            clipped,
            beyond,
            ..
        }) => {
            let url = format!("url(#{clip})");
            let mut attrs = vec![
                ("fill", "none"),
                ("stroke", FORWARD),
                ("stroke-width", "2.5"),
            ];
            if *clipped {
                attrs.push(("clip-path", &url));
            }
            path(
                svg,
                "model-curve",
                &path_data(&[simplify(&curves[i], TOLERANCE)], false),
                &attrs,
            );
            if let Some(v) = beyond[i] {
                beyond_note(svg, d, v);
            }
        }
        Some(ModelView::Two { loops, .. }) if !loops[i].is_empty() => {
            // The region at or above the middle: painted paper over the
            // shared tint, then tinted, then its boundary stroked inside
            // the plot (the loops also run along the plot's edges).
            let href = format!("#{region}");
            svg.open("g", &[("fill", PAPER)]);
            path(
                svg,
                "region above",
                &path_data(&loops[i], true),
                &[("id", region), ("fill-rule", "evenodd")],
            );
            svg.close("g");
            svg.empty(
                "use",
                &[("href", &href), ("fill", FORWARD), ("fill-opacity", ".22")],
            );
            let url = format!("url(#{clip})");
            svg.empty(
                "use",
                &[
                    ("class", "boundary"),
                    ("href", &href),
                    ("fill", "none"),
                    ("stroke", INK),
                    ("stroke-width", "2"),
                    ("clip-path", &url),
                ],
            );
        }
        _ => {}
    }
    // Where the stepper is on the loss curve.
    let x = d.sx_step.at(snap.step as f64);
    let v = if d.log { snap.loss.log10() } else { snap.loss };
    line(
        svg,
        "now",
        p(x, LOSS_TOP),
        p(x, LOSS_BOTTOM),
        FORWARD,
        "1",
        "4 3",
    );
    if v.is_finite() {
        ring(svg, "now", p(x, d.loss_sy.at(v)), "5", FORWARD, INK);
    }
    let last = d.t.steps.len() - 1;
    text(
        svg,
        "caption",
        14.0,
        20.0,
        font(13.0, INK).bold(),
        &format!("Step {} of {last} · loss {}", snap.step, num(snap.loss)),
    );
    // On a narrow frame, params that do not fit on the line are counted
    // (the narration lists them).
    let pf = font(12.0, MUTED);
    let listed = d.params_text(k);
    let params = if d.fits(pf, 14.0, &listed) {
        listed
    } else {
        crate::text::count(d.t.names.len(), "param", "params")
    };
    // With two classes: how many examples the model gets right, beside
    // the loss it is trained on.
    let params = match d.right_text(i) {
        Some(right) if d.fits(pf, 14.0, &format!("{params} · {right}")) => {
            format!("{params} · {right}")
        }
        Some(right) => right,
        None => params,
    };
    text(svg, "params", 14.0, 38.0, pf, &params);
}

/// A snapshot's accessible name: its `<title>` inline, its `alt` as an
/// image.
fn frame_title(d: &Data, i: usize) -> String {
    let k = d.shown[i];
    format!(
        "{}, step {} of {}: loss {}",
        d.title(),
        d.t.steps[k].step,
        d.t.steps.len() - 1,
        num(d.t.steps[k].loss)
    )
}

/// An image snapshot's alt: the step and its loss (the figure is named
/// once, by the stepper's legend).
fn step_alt(d: &Data, i: usize) -> String {
    let k = d.shown[i];
    format!(
        "Step {} of {}: loss {}",
        d.t.steps[k].step,
        d.t.steps.len() - 1,
        num(d.t.steps[k].loss)
    )
}

/// Opens a frame: the root with its accessible name, and in a standalone
/// file its description.
pub(super) fn open_frame(d: &Data, i: usize, id: &str, standalone: bool) -> Svg {
    let k = d.shown[i];
    let title = frame_title(d, i);
    let (tid, did) = (format!("{id}-t"), format!("{id}-d"));
    let desc = format!("{} {}", d.narration(k), d.desc());
    // A frame of the filmstrip (not standalone) sits under the ones before.
    let y = (!standalone).then_some(d.height * i as f64);
    open_img_at(
        y,
        (d.width, d.height),
        "training-frame",
        (&tid, &title),
        standalone.then_some((did.as_str(), desc.as_str())),
        crate::render::svg::Mode::Full,
    )
}

/// Every shown snapshot of run `t` as a standalone SVG document (for
/// `seen frames` and the goldens), ids prefixed `ID-training-fK`.
pub fn training_frames(s: &Scenario, t: &Training, fig: &TrainingData) -> Vec<String> {
    training_frames_at(s, t, fig, WIDTH)
}

/// [`training_frames`] drawn `width` px wide (a phone's column:
/// [`crate::render::scene::PHONE_COLUMN`]).
pub fn training_frames_at(
    s: &Scenario,
    t: &Training,
    fig: &TrainingData,
    width: f64,
) -> Vec<String> {
    let d = Data::new(s, t, fig, width, &[]);
    // A phone's drawing has ids of its own (each file is a document of its
    // own, but a reader may open both).
    let narrow = if width < WIDTH { "-narrow" } else { "" };
    (0..d.shown.len())
        .map(|i| {
            let id = format!("{}-training{narrow}-f{i}", s.id);
            let mut svg = open_frame(&d, i, &id, true);
            let clip = format!("{id}-clip");
            under(&mut svg, &d, &clip);
            overlay(&mut svg, &d, i, &format!("{id}-r"), &clip);
            over(&mut svg, &d);
            svg.finish()
        })
        .collect()
}

/// The training figure for the page: a stepper panel per shown snapshot,
/// each a picture of its two drawings, and their filmstrips (the files
/// whose views the page shows; the wide one is also a download). The
/// figure is drawn [`WIDTH`] wide and a phone's column wide; a screen
/// narrower than the wide drawing (with the page's padding) is shown the
/// narrow one, and only the file it shows is fetched, lazily (so no
/// snapshot is inline). `src` and `src_narrow` are the two filmstrips'
/// URLs. `None` for a run without training.
pub fn training(
    s: &Scenario,
    (t, fig): (&Training, &TrainingData),
    fid: &str,
    (src, src_narrow): (&str, &str),
    peers: &[(String, &Training)],
) -> TrainingFigure {
    // The wide and the phone's drawings, each on a core of its own.
    let at = |width: f64| {
        let d = Data::new(s, t, fig, width, peers);
        let drawn = drawn(&d, fid);
        (d, drawn)
    };
    let ((d, (frames, filmstrip)), (narrow, (_, filmstrip_narrow))) =
        rayon::join(|| at(WIDTH), || at(crate::render::scene::PHONE_COLUMN));
    let last = t.steps.len() - 1;
    let mut panels = Vec::new();
    let mut shown = Vec::new();
    let mut bare = Vec::new();
    // The narrow drawing until the wide one fits the column (the viewport
    // less the page's 2 × 16 px of padding); print fits the wide one.
    let media = format!(
        "screen and (max-width: {}px)",
        (d.width + 32.0).ceil() - 1.0
    );
    for (i, &k) in d.shown.iter().enumerate() {
        let sources = [
            FrameSource {
                url: format!("{src_narrow}#step-{}", i + 1),
                size: (narrow.width, narrow.height),
                media: Some(media.clone()),
            },
            FrameSource {
                url: format!("{src}#step-{}", i + 1),
                size: (d.width, d.height),
                media: None,
            },
        ];
        let frame = Frame {
            sources: sources.to_vec(),
            alt: step_alt(&d, i),
        };
        panels.push(StepPanel {
            frame: crate::render::hook::step_scroller(fid, &frame.html()),
            title: format!(
                "step {} of {last}, loss {}",
                t.steps[k].step,
                num(t.steps[k].loss)
            ),
            phase: "snapshot".to_string(),
            narration: crate::render::stepper::para(&d.narration(k)),
            backward: false,
        });
        bare.push(StepPanel {
            frame: String::new(),
            title: format!("step {} of {last}", t.steps[k].step),
            phase: "snapshot".to_string(),
            narration: d.narration(k),
            backward: false,
        });
        shown.push(frame);
    }
    let every = if d.shown.len() < t.steps.len() {
        format!(", every {} steps shown", d.shown[1] - d.shown[0])
    } else {
        String::new()
    };
    let diverged = match &t.diverged {
        Some(dv) => format!(", diverging at step {}", dv.at),
        None => String::new(),
    };
    let counts = format!(
        "the loss and the model over {last} steps of gradient descent (lr = {}){every}{diverged}",
        num(t.lr)
    );
    let legend = format!("{}: {counts}", d.title());
    TrainingFigure {
        html: stepper(fid, &legend, "", &panels, &jumps(panels.len()), true),
        filmstrip,
        filmstrip_narrow,
        frames: frames.len(),
        parts: StepperParts {
            view: "training".to_string(),
            fid: fid.to_string(),
            title: d.title().to_string(),
            counts,
            defs: String::new(),
            frames: shown,
            steps: bare,
            jumps: jumps(panels.len()),
        },
    }
}

/// Every shown snapshot of `d` drawn on the shared drawing (the loss
/// curve, axes, examples and legend, once), and the filmstrip of them.
fn drawn(d: &Data, fid: &str) -> (Vec<String>, String) {
    let (under_id, over_id, clip) = (
        format!("{fid}-under"),
        format!("{fid}-over"),
        format!("{fid}-clip"),
    );
    let mut defs = Svg::new(0.0, 0.0, &[("class", "defs"), ("aria-hidden", "true")]);
    defs.open("defs", &[]);
    defs.open("g", &[("id", &under_id)]);
    under(&mut defs, d, &clip);
    defs.close("g");
    defs.open("g", &[("id", &over_id)]);
    over(&mut defs, d);
    defs.close("g");
    defs.close("defs");
    let defs = defs.finish();
    let frames: Vec<String> = (0..d.shown.len())
        .into_par_iter()
        .map(|i| {
            let id = format!("{fid}-f{i}");
            let mut svg = open_frame(d, i, &id, false);
            svg.empty("use", &[("href", &format!("#{under_id}"))]);
            overlay(&mut svg, d, i, &format!("{id}-r"), &clip);
            svg.empty("use", &[("href", &format!("#{over_id}"))]);
            svg.finish()
        })
        .collect();
    let strip = filmstrip(&defs, &frames, (d.width, d.height));
    (frames, strip)
}

/// Jumps for a training stepper: its start, halfway and its end.
pub(super) fn jumps(n: usize) -> Vec<crate::render::stepper::Jump> {
    let jump = |step: usize, label: &str| crate::render::stepper::Jump {
        step,
        label: label.to_string(),
        backward: false,
    };
    let mut j = vec![jump(0, "Start")];
    if n > 2 {
        j.push(jump(n / 2, "Halfway"));
    }
    if n > 1 {
        j.push(jump(n - 1, "Last step"));
    }
    j
}

/// The frames stacked top to bottom in one file, with a `<view
/// id="step-N">` each (`FILE.svg#step-3` shows the third alone), sharing
/// the one copy of the shared drawing, styled like the page's snapshots in
/// light and dark mode ([`crate::render::theme::image_css`]).
pub(super) fn filmstrip(defs: &str, frames: &[String], (w, h): (f64, f64)) -> String {
    // One frame in size, like a trace's frames file (see
    // `render::frame::filmstrip`): the page's images take their intrinsic
    // size from the root.
    let mut svg = Svg::new(w, h, &[("font-family", crate::render::theme::FONT)]);
    svg.open("style", &[]);
    for line in crate::render::theme::image_css().lines() {
        svg.raw_line(line);
    }
    svg.close("style");
    for l in defs.lines() {
        svg.raw_line(l);
    }
    for (k, frame) in frames.iter().enumerate() {
        let y = h * k as f64;
        let vb = format!("0 {} {} {}", n(y), n(w), n(h));
        svg.empty(
            "view",
            &[("id", &format!("step-{}", k + 1)), ("viewBox", &vb)],
        );
        for l in frame.lines() {
            svg.raw_line(l);
        }
    }
    svg.finish()
}
