//! One SVG per step of a story: the graph, laid out once ([`Scene`]),
//! drawn with the step's values, gradients and active parts.
//!
//! A standalone frame carries its colours as presentation attributes; the
//! page's inline frames are lean (classes only) and share one base drawing
//! through `<use>`; the filmstrip stacks those with a stylesheet of its own
//! ([`theme::image_css`]: the page's palette and dark mode), and the page
//! shows every step but the first as a view of it (`<img>`, loaded lazily). Nodes and edges are drawn by [`super::node`].

use super::node::{
    BACKWARD_ACTIVE, EdgeLook, FORWARD_ACTIVE, active_outline, draw_edge, node_dynamic, node_static,
};
use super::scene::PHONE_COLUMN;
use super::scene::running_sum;
pub use super::scene::{Direction, Scene};
use super::svg::{Svg, n, open_img, paper};
use super::theme::{self, BACKWARD, FORWARD, INK, PAPER};
use crate::engine::{Graph, Kind};
use crate::story::{Phase, Step, Story};

/// Ids and words for one frame's accessible name.
pub struct FrameMeta<'a> {
    /// Unique within the page: `single-atomic-f3`.
    pub id: &'a str,
    pub figure_title: &'a str,
}

/// The drawing every step of a trace shares: the paper, every edge, every
/// node's shape and label. Standalone frames include it; inline frames
/// refer to one copy of it with `<use>`, which keeps a page of many frames
/// small.
fn base(svg: &mut Svg, g: &Graph, story: &Story, scene: &Scene) {
    paper(svg, scene.width, scene.height);
    if !scene.crops.is_empty() {
        cue_gradients(svg);
    }
    scene.draw_edges(svg, g, &EdgeLook::quiet("edge"));
    for i in 0..g.len() {
        node_static(svg, &scene.node_draw(g, story, i, None));
    }
}

/// What one step adds on top of the base: the caption, the active edges
/// and nodes, every value and gradient known so far, the message band.
fn overlay(svg: &mut Svg, g: &Graph, story: &Story, scene: &Scene, k: usize) {
    let step: &Step = &story.steps[k];
    caption(svg, scene, step, k);
    active_edges(svg, g, scene, step);
    if let Some(Some(m)) = scene.messages.get(k) {
        super::message::draw(svg, m);
    }
    for i in 0..g.len() {
        let mut nd = scene.node_draw(g, story, i, Some(step));
        nd.sum = running_sum(g, story, k, i);
        if step.active_nodes.contains(&i) {
            let (w, h) = nd.size;
            let c = nd.center;
            active_outline(svg, nd.kind, c.x - w / 2.0, c.y - h / 2.0, w, h);
        }
        node_dynamic(svg, &nd);
    }
    cue(svg, scene, k);
}

/// The step's caption: its phase (with the direction), its place, its
/// title, on the lines the scene wrapped it to; at the left of the phone's
/// view of a frame wider than a phone.
fn caption(svg: &mut Svg, scene: &Scene, step: &Step, k: usize) {
    let backward = matches!(step.phase, Phase::Seed | Phase::Backward | Phase::Done);
    let (caption_class, caption_colour) = if backward {
        ("caption bw", BACKWARD)
    } else if step.phase == Phase::Forward {
        ("caption fw", FORWARD)
    } else {
        ("caption", INK)
    };
    let x = n(scene.crops.get(k).copied().unwrap_or(0.0) + 14.0);
    for (i, line) in scene.captions[k].iter().enumerate() {
        svg.text(
            "text",
            &[
                ("class", caption_class),
                ("x", &x),
                ("y", &n(21.0 + 17.0 * i as f64)),
                ("font-size", "13"),
                ("font-weight", "bold"),
                ("fill", caption_colour),
            ],
            line,
        );
    }
}

/// On a frame wider than a phone, the cue that more of the graph lies
/// beside the phone's view of step `k`: a fade and an arrow at each side
/// the view cuts. Drawn in every frame of the file; the file's stylesheet
/// shows it only when the image is as narrow as the view (a view is an
/// image [`PHONE_COLUMN`] wide).
fn cue(svg: &mut Svg, scene: &Scene, k: usize) {
    let Some(&x0) = scene.crops.get(k) else {
        return;
    };
    let (top, h) = (scene.top, scene.height - scene.top);
    let mid = scene.cue_y.get(k).copied().unwrap_or(top + h / 2.0);
    for (cut, x, dir) in [
        (x0 > 0.5, x0, -1.0),
        (
            x0 + PHONE_COLUMN < scene.width - 0.5,
            x0 + PHONE_COLUMN,
            1.0,
        ),
    ] {
        if !cut {
            continue;
        }
        let (fade, class) = if dir < 0.0 {
            ("cue-l", "cue l")
        } else {
            ("cue-r", "cue r")
        };
        let rx = if dir < 0.0 { x } else { x - CUE_W };
        svg.empty(
            "rect",
            &[
                ("class", class),
                ("x", &n(rx)),
                ("y", &n(top)),
                ("width", &n(CUE_W)),
                ("height", &n(h)),
                ("fill", &format!("url(#{fade})")),
            ],
        );
        // An arrowhead in a disc, pointing out of the view.
        let cx = x - dir * 13.0;
        svg.empty(
            "circle",
            &[
                ("class", "cue disc"),
                ("cx", &n(cx)),
                ("cy", &n(mid)),
                ("r", "11"),
                ("fill", INK),
            ],
        );
        let pts = format!(
            "{},{} {},{} {},{}",
            n(cx + dir * 5.0),
            n(mid),
            n(cx - dir * 3.0),
            n(mid - 6.0),
            n(cx - dir * 3.0),
            n(mid + 6.0)
        );
        svg.empty(
            "polygon",
            &[("class", "cue tip"), ("points", &pts), ("fill", PAPER)],
        );
    }
}

/// The cue's colours, and the rule that shows it only in a phone's view:
/// an image of the file is as wide as its view, so a view wider than a
/// phone's (the whole frame) hides it.
fn cue_css() -> String {
    format!(
        "stop.cue-stop {{ stop-color: var(--panel); }}\nrect.cue.l {{ fill: url(#cue-l); }}\nrect.cue.r {{ fill: url(#cue-r); }}\ncircle.cue {{ fill: var(--fg); }}\npolygon.cue {{ fill: var(--panel); }}\n@media (min-width: {}px) {{ .cue {{ display: none; }} }}",
        PHONE_COLUMN + 1.0
    )
}

/// Width of the fade at a cut side of a phone's view.
const CUE_W: f64 = 36.0;

/// The fades of [`cue`], once per file: paper to transparent, towards the
/// inside of the view.
fn cue_gradients(svg: &mut Svg) {
    for (id, x1, x2) in [("cue-l", "0", "1"), ("cue-r", "1", "0")] {
        svg.open(
            "linearGradient",
            &[("id", id), ("x1", x1), ("x2", x2), ("y1", "0"), ("y2", "0")],
        );
        svg.empty(
            "stop",
            &[
                ("class", "cue-stop"),
                ("offset", "0"),
                ("stop-color", PAPER),
            ],
        );
        svg.empty(
            "stop",
            &[
                ("class", "cue-stop"),
                ("offset", "1"),
                ("stop-color", PAPER),
                ("stop-opacity", "0"),
            ],
        );
        svg.close("linearGradient");
    }
}

/// The step's active edges, redrawn on top of the base: forward solid,
/// backward dashed. A constant is sent no drawn message.
fn active_edges(svg: &mut Svg, g: &Graph, scene: &Scene, step: &Step) {
    let backward = step.phase == Phase::Backward;
    let look = if backward {
        &BACKWARD_ACTIVE
    } else {
        &FORWARD_ACTIVE
    };
    for se in &step.active_edges {
        if backward && g.nodes[se.from].kind == Kind::Const {
            continue;
        }
        let Some(e) = scene
            .layout
            .edges
            .iter()
            .find(|e| e.from == se.from && e.to == se.to && e.slot == se.slot)
        else {
            continue;
        };
        let pts = scene.route(&e.points);
        if pts.len() < 2 {
            continue;
        }
        draw_edge(svg, &pts, look);
    }
}

/// Draws step `k` of `story` as a complete, standalone SVG document.
pub fn frame(g: &Graph, story: &Story, scene: &Scene, k: usize, meta: &FrameMeta) -> String {
    let mut svg = open_frame(story, scene, k, meta, false);
    base(&mut svg, g, story, scene);
    overlay(&mut svg, g, story, scene, k);
    svg.finish()
}

/// The shared base of a trace's inline frames, to put once in the page
/// (a zero-size SVG holding `<defs>`); `fid` is the trace's id prefix.
pub fn inline_base(g: &Graph, story: &Story, scene: &Scene, fid: &str) -> String {
    let mut svg = Svg::new(0.0, 0.0, &[("class", "defs"), ("aria-hidden", "true")]);
    svg.set_lean(true);
    svg.open("defs", &[]);
    svg.open("g", &[("id", &format!("{fid}-base"))]);
    base(&mut svg, g, story, scene);
    svg.close("g");
    svg.close("defs");
    svg.finish()
}

/// Step `k` for inline use in a page: the base by reference, then the
/// step's overlay, styled by the site's stylesheet (classes only).
pub fn inline_frame(
    g: &Graph,
    story: &Story,
    scene: &Scene,
    k: usize,
    meta: &FrameMeta,
    fid: &str,
) -> String {
    let mut svg = open_frame(story, scene, k, meta, true);
    svg.empty("use", &[("href", &format!("#{fid}-base"))]);
    overlay(&mut svg, g, story, scene, k);
    svg.finish()
}

/// Every frame of a trace in one standalone SVG file, stacked top to
/// bottom, with a `<view id="step-N">` per frame: `FILE.svg#step-3` shows
/// step 3 alone (the file itself is one frame in size, so as is it shows
/// step 1). A top-to-bottom frame wider than a phone also gets a view
/// `crop-N` as wide as a phone's column, centred on the step's subject,
/// with a cue at each side it cuts. It reuses the page's lean frames and their shared base
/// (`defs`, from [`inline_base`]) with a stylesheet of its own, so nothing
/// is drawn twice and the file stays small.
pub fn filmstrip(defs: &str, frames: &[String], scene: &Scene) -> String {
    let (w, h) = (scene.width, scene.height);
    // The root has one frame's size: a browser takes an image's intrinsic
    // size from the root even when a view is shown, and the page's
    // `<img src="…#step-N" width height>` must scale like the frame (print
    // fits frames to the paper). Opened as is, the file shows step 1; the
    // other frames lie below it, each shown by its view.
    // Its font on the root: the page's frames leave it to the page's
    // stylesheet, and a viewer that ignores `<style>` still inherits it.
    let mut svg = Svg::new(w, h, &[("font-family", theme::FONT)]);
    svg.open("style", &[]);
    for line in theme::image_css().lines() {
        svg.raw_line(line);
    }
    if !scene.crops.is_empty() {
        for line in cue_css().lines() {
            svg.raw_line(line);
        }
    }
    svg.close("style");
    for line in defs.lines() {
        svg.raw_line(line);
    }
    for (k, frame) in frames.iter().enumerate() {
        let y = h * k as f64;
        let vb = format!("0 {} {} {}", n(y), n(w), n(h));
        svg.empty(
            "view",
            &[("id", &format!("step-{}", k + 1)), ("viewBox", &vb)],
        );
        if let Some(&x0) = scene.crops.get(k) {
            let vb = format!("{} {} {} {}", n(x0), n(y), n(PHONE_COLUMN), n(h));
            svg.empty(
                "view",
                &[("id", &format!("crop-{}", k + 1)), ("viewBox", &vb)],
            );
        }
        for (i, line) in frame.lines().enumerate() {
            if i == 0 {
                // Placed at its offset.
                let line = line.replacen("<svg ", &format!("<svg y=\"{}\" ", n(y)), 1);
                svg.raw_line(&line);
            } else {
                svg.raw_line(line);
            }
        }
    }
    svg.finish()
}

/// A frame's accessible name: its `<title>` inline, its `alt` as an image.
pub fn frame_title(story: &Story, k: usize, figure_title: &str) -> String {
    format!(
        "{figure_title}, step {} of {}: {}",
        k + 1,
        story.steps.len(),
        story.steps[k].title
    )
}

fn open_frame(story: &Story, scene: &Scene, k: usize, meta: &FrameMeta, lean: bool) -> Svg {
    let step: &Step = &story.steps[k];
    let title_id = format!("{}-t", meta.id);
    let desc_id = format!("{}-d", meta.id);
    let title = frame_title(story, k, meta.figure_title);
    // A standalone frame describes itself; an inline frame is named by its
    // title alone: the narration beside it in the page is read next anyway.
    let desc = (!lean).then_some((desc_id.as_str(), step.narration.as_str()));
    open_img(
        (scene.width, scene.height),
        "frame",
        (&title_id, &title),
        desc,
        lean,
    )
}

/// Every frame of one run's trace, ids prefixed `ID-VIEW-fK`.
pub fn trace_frames(s: &crate::scenario::Scenario, run: &crate::scenario::Run) -> Vec<String> {
    let story = crate::story::tell(run);
    let scene = Scene::new(run.graph(), &story);
    render_frames(s, run, &story, &scene, false)
}

/// The frames of a story already told and laid out, drawn in parallel
/// (each frame is independent; the order of the result is the steps').
/// `inline`: frames for the page, referring to [`inline_base`] with the id
/// prefix `ID-VIEW`; otherwise standalone documents.
pub fn render_frames(
    s: &crate::scenario::Scenario,
    run: &crate::scenario::Run,
    story: &Story,
    scene: &Scene,
    inline: bool,
) -> Vec<String> {
    use rayon::prelude::*;
    let fid = format!("{}-{}", s.id, run.view.name());
    let title = s.title.clone().unwrap_or_else(|| s.id.clone());
    (0..story.steps.len())
        .into_par_iter()
        .map(|k| {
            let id = format!("{fid}-f{k}");
            let meta = FrameMeta {
                id: &id,
                figure_title: &title,
            };
            if inline {
                inline_frame(run.graph(), story, scene, k, &meta, &fid)
            } else {
                frame(run.graph(), story, scene, k, &meta)
            }
        })
        .collect()
}
