//! The trace figures of the hook: a block's views as steppers (one per
//! view, or one shared by a group of batches), each step a frame of the
//! graph, drawn for a wide screen and for a phone.

use super::*;
use crate::figure::model_plot::BatchData;
use crate::render::stepper::Frame;

/// A trace per view (a batch figure adds its tables and plot under each).
/// Only the first view's first frame is inline unless `hidden`.
/// `shared`: the steppers are left out, their traces kept in `out.traces`.
pub(super) fn traces(
    (s, runs, data): (&Scenario, &[Run], &FigureData),
    hidden: bool,
    shared: bool,
    out: &mut Collected,
) -> Result<String, ScenarioError> {
    let mut views = Vec::new();
    for (v, run) in runs.iter().enumerate() {
        let (mut html, files, steps) = if shared {
            let (t, files) = trace_parts(s, run, out.page, &out.dir, hidden || v > 0);
            let n = t.frames.len();
            out.traces.push(t);
            (String::new(), files, n)
        } else {
            trace(s, run, out.page, &out.dir, hidden || v > 0)?
        };
        let strip = out.page.href(&files[0].0);
        out.downloads.push(format!(
            "<a href=\"{strip}\" download>all {steps} frames of the {} view (SVG)</a>",
            run.view.name()
        ));
        out.frames += steps;
        out.assets.extend(files);
        if let FigureData::Batch(batch) = data
            && let Some(b) = batch.get(v)
        {
            let id = format!("{}-{}", s.id, run.view.name());
            html += &batch_parts((s, run, b), &id, hidden || v > 0, out);
        }
        views.push((view_label(run), html));
    }
    Ok(one_or_tabs(s, views))
}

/// A batch figure's parts under its stepper: the contributions and update
/// tables, the plot of the examples and the model (in two widths) and the
/// step's shift, drawn into `out.dir`. `id` names the tables and drawings;
/// `hidden`: not shown at load, so the shift is a lazy image too.
pub(super) fn batch_parts(
    (s, run, data): (&Scenario, &Run, &BatchData),
    id: &str,
    hidden: bool,
    out: &mut Collected,
) -> String {
    let parts = figures::batch(s, run, data, id);
    // The plot in two widths: a phone gets one its column wide.
    let plot = out.two_layouts(
        &format!("{}-plot", run.view.name()),
        parts.plot,
        parts.plot_narrow,
    );
    // The tables are wider than a phone (10 columns): each scrolls
    // sideways in its own region instead of widening the page. A
    // scroller must take keyboard focus to be scrollable without a
    // pointer, and a focusable region needs a name.
    let shift = match parts.shift {
        Some(svg) => out.still(&format!("{}-shift", run.view.name()), svg, hidden),
        None => String::new(),
    };
    format!(
        "<div class=\"batch-parts\">\n{}{}{plot}{shift}</div>\n",
        scroll_wrap(&parts.contributions, "Contributions table"),
        scroll_wrap(&parts.update, "Update table")
    )
}

/// Both views' graphs with their notes, then the gradient table.
pub(super) fn compare(s: &Scenario, runs: &[Run], title: &str, out: &mut Collected) -> String {
    let pick = |v: View| runs.iter().find(|r| r.view == v).unwrap_or(&runs[0]);
    let (atomic, modules) = (pick(View::Atomic), pick(View::Modules));
    let mut views = Vec::new();
    for run in [atomic, modules] {
        let fid = format!("{}-{}", s.id, run.view.name());
        let lr = figures::graph_still(run, &fid, title);
        let tb = figures::graph_still_in(run, &fid, title, Direction::TopDown);
        let pic = out.two_layouts(run.view.name(), lr, tb);
        views.push((view_label(run), format!("{}{pic}", figures::view_note(run))));
    }
    let table = figures::gradient_table(atomic, modules, &s.id);
    let table = super::scroll_wrap(&table, "Leaf gradients in both views");
    format!("{}{table}", one_or_tabs(s, views))
}

/// The step-through of one run: a stepper whose first frame is inline
/// (unless `hidden`: the stepper is not shown at load) and whose other
/// frames are lazily loaded views of the run's frames file, written beside
/// the page (also a download).
#[allow(clippy::type_complexity)]
pub(super) fn trace(
    s: &Scenario,
    run: &Run,
    page: &PageCtx,
    dir: &str,
    hidden: bool,
) -> Result<(String, Vec<(String, Vec<u8>)>, usize), ScenarioError> {
    let (t, files) = trace_parts(s, run, page, dir, hidden);
    let n = t.frames.len();
    let panels: Vec<StepPanel> = t
        .steps
        .into_iter()
        .zip(&t.frames)
        .map(|(p, frame)| StepPanel {
            frame: step_scroller(&t.fid, &frame.html()),
            narration: crate::render::stepper::para(&p.narration),
            ..p
        })
        .collect();
    let legend = format!("{} ({} view): {}", t.title, t.view, t.counts);
    // The frame sits above its narration with the figure's whole width: a
    // graph squeezed into a column beside text loses half its width.
    Ok((
        stepper(&t.fid, &legend, &t.defs, &panels, &t.jumps, true),
        files,
        n,
    ))
}

/// The widest a figure's column gets: style.css's `--wide` (100rem).
pub(super) const WIDEST_COLUMN: f64 = 1600.0;
/// The page's padding each side of a figure's column (style.css, 1rem).
pub(super) const PAGE_PADDING: f64 = 32.0;

/// One layout of a trace's frames: its scene and its frames file.
pub(super) struct Layout {
    scene: Scene,
    path: String,
    src: String,
}

/// A trace's frames in the layouts a reader may see, each in its own file
/// (a view per step), narrowest screen first: top to bottom (with a phone's
/// view of each step when it is wider than a phone), then left to right
/// unless that is wider than any column. Only the one a screen shows is
/// downloaded (see [`frame_sources`]).
pub(super) fn frame_layouts(
    run: &Run,
    story: &crate::story::Story,
    page: &PageCtx,
    dir: &str,
) -> Vec<Layout> {
    let view = run.view.name();
    let mut out = Vec::new();
    for (direction, suffix) in [(Direction::TopDown, "-tb"), (Direction::LeftRight, "")] {
        let scene = Scene::with(run.graph(), story, direction);
        if direction == Direction::LeftRight && scene.width > WIDEST_COLUMN {
            continue;
        }
        let path = format!("{dir}/{view}-frames{suffix}.svg");
        let src = page.href(&path);
        out.push(Layout { scene, path, src });
    }
    out
}

/// A frame's sources for [`picture_frame`]: the phone's view of the step
/// (a top-to-bottom frame wider than a phone) while the whole top-to-bottom
/// frame does not fit the column; the whole of it while the left-to-right
/// one does not; the left-to-right one otherwise. The column is the
/// viewport less the page's padding (style.css).
pub(super) fn frame_sources(layouts: &[Layout], k: usize) -> Vec<FrameSource> {
    let mut out = Vec::new();
    let fits_from = |w: f64| (w + PAGE_PADDING).ceil();
    for (i, l) in layouts.iter().enumerate() {
        let sc = &l.scene;
        if !sc.crops.is_empty() {
            out.push(FrameSource {
                url: format!("{}#crop-{}", l.src, k + 1),
                size: (PHONE_COLUMN, sc.height),
                // On screen only: print shows whole frames.
                media: Some(format!(
                    "screen and (max-width: {}px)",
                    fits_from(sc.width) - 1.0
                )),
            });
        }
        // Shown until the next, wider layout fits; on screen only: print
        // fits the widest to the paper instead (style.css).
        let media = layouts.get(i + 1).map(|next| {
            format!(
                "screen and (max-width: {}px)",
                fits_from(next.scene.width) - 1.0
            )
        });
        out.push(FrameSource {
            url: format!("{}#step-{}", l.src, k + 1),
            size: (sc.width, sc.height),
            media,
        });
    }
    out
}

#[allow(clippy::type_complexity)]
pub(super) fn trace_parts(
    s: &Scenario,
    run: &Run,
    page: &PageCtx,
    dir: &str,
    _hidden: bool,
) -> (StepperParts, Vec<(String, Vec<u8>)>) {
    let (parts, files, _) = trace_parts_drawn(s, run, page, dir);
    (parts, files)
}

/// A trace's story and its layouts, kept to draw one of its frames again
/// ([`Drawn::frame`]).
pub(super) struct Drawn {
    story: crate::story::Story,
    layouts: Vec<Layout>,
}

impl Drawn {
    /// Step `k` of `run` in every layout, as standalone documents with the
    /// same ids whatever the run: two runs whose step `k` is drawn alike
    /// give the same bytes.
    pub(super) fn frame(&self, run: &Run, k: usize) -> Vec<String> {
        let meta = crate::render::frame::FrameMeta {
            id: "f",
            figure_title: "",
        };
        (self.layouts.iter())
            .map(|l| crate::render::frame::frame(run.graph(), &self.story, &l.scene, k, &meta))
            .collect()
    }
}

/// [`trace_parts`], with the story and layouts it drew.
pub(super) fn trace_parts_drawn(
    s: &Scenario,
    run: &Run,
    page: &PageCtx,
    dir: &str,
) -> (StepperParts, Vec<(String, Vec<u8>)>, Drawn) {
    let story = tell(run);
    let fid = format!("{}-{}", s.id, run.view.name());
    let title = s.title.clone().unwrap_or_else(|| s.id.clone());
    // Every frame of each layout in one file, a view per step: the page's
    // images, and a download.
    let layouts = frame_layouts(run, &story, page, dir);
    let files: Vec<(String, Vec<u8>)> = layouts
        .iter()
        .map(|l| {
            (
                l.path.clone(),
                crate::render::frame::filmstrip(run.graph(), &story, &l.scene).into_bytes(),
            )
        })
        .collect();
    let mut frames = Vec::new();
    let mut steps = Vec::new();
    for (k, step) in story.steps.iter().enumerate() {
        // The alt names the step; the figure is named once, by the
        // stepper's legend.
        let alt = format!("Step {} of {}: {}", k + 1, story.steps.len(), step.title);
        frames.push(Frame {
            sources: frame_sources(&layouts, k),
            alt,
        });
        steps.push(StepPanel {
            frame: String::new(),
            title: step.title.clone(),
            phase: step.phase.name().to_string(),
            narration: step.narration.clone(),
            backward: matches!(step.phase, Phase::Seed | Phase::Backward | Phase::Done),
        });
    }
    let told = |p: Phase| story.steps.iter().filter(|s| s.phase == p).count();
    let counts = format!(
        "{} forward steps, then {} backward messages",
        told(Phase::Forward),
        told(Phase::Backward)
    );
    let jumps = jumps(&story, run.graph());
    // Every frame is an image: the page holds no drawing of its own.
    let defs = String::new();
    (
        StepperParts {
            view: run.view.name().to_string(),
            fid,
            counts,
            defs,
            title,
            frames,
            steps,
            jumps,
        },
        files,
        Drawn { story, layouts },
    )
}

/// Whether the datasets' traces (per dataset, one per view) can share
/// steppers: the same views, and per view the same steps (titles, phases,
/// parts); only the values in the frames and narrations differ.
pub(super) fn can_share(traces: &[&[StepperParts]]) -> bool {
    let first = traces[0];
    !first.is_empty()
        && traces.iter().all(|ts| {
            ts.len() == first.len()
                && ts.iter().zip(first).all(|(a, b)| {
                    a.view == b.view
                        && a.counts == b.counts
                        && a.jumps == b.jumps
                        && a.steps.len() == b.steps.len()
                        && a.steps
                            .iter()
                            .zip(&b.steps)
                            .all(|(x, y)| x.title == y.title && x.phase == y.phase)
                })
        })
}

/// One stepper per view for a group of datasets (`names`: the tabs'
/// labels): each step holds one frame and one narration per dataset, and
/// the group's checked tab shows its own (see [`tabs_sharing`]). The step
/// radios, controls and jump list are the group's, once; the step stays
/// when the reader switches datasets.
pub(super) fn shared_steppers(
    group: &str,
    kind: Figure,
    names: &[String],
    traces: &[&[StepperParts]],
) -> String {
    // What the tabs hold: datasets of one batch, or runs of one training.
    let training = kind == Figure::Training;
    let mut views = Vec::new();
    for (v, first) in traces[0].iter().enumerate() {
        let fid = format!("{group}-{}", first.view);
        let n = first.steps.len();
        let panels: Vec<StepPanel> = (0..n)
            .map(|k| {
                let frames: String = traces
                    .iter()
                    .enumerate()
                    .map(|(t, ts)| ts[v].frames[k].variant_html(t, &names[t]))
                    .collect();
                let narration: String = traces
                    .iter()
                    .enumerate()
                    .map(|(t, ts)| {
                        format!(
                            "<p class=\"vr v{t}\"><span class=\"tt\">{}: </span>{}</p>",
                            esc(&names[t]),
                            esc(&ts[v].steps[k].narration)
                        )
                    })
                    .collect();
                let s = &first.steps[k];
                StepPanel {
                    frame: step_scroller(&fid, &frames),
                    title: s.title.clone(),
                    phase: s.phase.clone(),
                    narration,
                    backward: s.backward,
                }
            })
            .collect();
        let legend = if training {
            format!("The selected run: {}", first.counts)
        } else {
            format!(
                "The selected dataset, step by step ({} view): {}",
                first.view, first.counts
            )
        };
        views.push((
            format!("{} view", crate::text::capitalise(&first.view)),
            stepper(&fid, &legend, &first.defs, &panels, &first.jumps, true),
        ));
    }
    let html = if views.len() == 1 {
        views.remove(0).1
    } else {
        tabs(&format!("{group}-views"), "Selected view", &views)
    };
    // A figure of its own, so that the figure styles reach its frames.
    let (class, caption) = if training {
        (
            "training",
            "The selected run, snapshot by snapshot: the snapshot stays when you switch runs.",
        )
    } else {
        (
            "trace",
            "The selected dataset, step by step: the step stays when you switch datasets.",
        )
    };
    format!(
        "<figure class=\"fig {class} both\">\n{html}<figcaption>{caption}</figcaption>\n</figure>\n"
    )
}
