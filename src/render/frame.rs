//! One SVG per step of a story: the graph, laid out once ([`Scene`]),
//! drawn with the step's values, gradients and active parts.
//!
//! A standalone frame carries its colours as presentation attributes; the
//! page's inline frame is lean (classes only) and refers to its base
//! drawing through `<use>`; the filmstrip ([`filmstrip`]) holds every
//! frame in one file, lean, with a stylesheet of its own
//! ([`theme::image_css`]: the page's palette and dark mode), and the page
//! shows every step but the first as a view of it (`<img>`, loaded
//! lazily). Nodes and edges are drawn by [`super::node`].

use super::node::NodeDraw;
use super::node::{
    BACKWARD_ACTIVE, EdgeLook, FORWARD_ACTIVE, active_outline, draw_edge, node_dynamic, node_static,
};
use super::scene::PHONE_COLUMN;
use super::scene::running_sum;
pub use super::scene::{Direction, Scene};
use super::svg::{Mode, Svg, n, open_img, paper};
use super::theme::{self, BACKWARD, FORWARD, INK, PAPER};
use crate::engine::{Graph, Kind, NodeId};
use crate::story::{Phase, State, Step, Story};

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
/// `before` and `now`: every node's value and gradient before and after
/// step `k`.
fn overlay(
    svg: &mut Svg,
    g: &Graph,
    story: &Story,
    scene: &Scene,
    k: usize,
    (before, now): (&State, &State),
) {
    let step: &Step = &story.steps[k];
    caption(svg, scene, step, k);
    active_edges(svg, g, scene, step);
    message(svg, scene, k);
    let mut active = vec![false; g.len()];
    for &i in &step.active_nodes {
        active[i] = true;
    }
    for (i, &is_active) in active.iter().enumerate() {
        let mut nd = scene.node_draw(g, story, i, Some(now));
        nd.sum = running_sum(g, step, i, before.grads[i], now.grads[i]);
        if is_active {
            outline(svg, &nd);
        }
        node_dynamic(svg, &nd);
    }
    cue(svg, scene, k);
}

/// The message of a backward step, beside its edge (or in a band under
/// the graph when it found no room there), as the scene placed it.
fn message(svg: &mut Svg, scene: &Scene, k: usize) {
    if let Some(Some(m)) = scene.messages.get(k) {
        super::message::draw(svg, m);
    }
}

/// An active node's thick outline and halo.
fn outline(svg: &mut Svg, nd: &NodeDraw) {
    let (w, h) = nd.size;
    let c = nd.center;
    active_outline(svg, nd.kind, c.x - w / 2.0, c.y - h / 2.0, w, h);
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
        let Some(e) = scene.edge(se.from, se.to, se.slot) else {
            continue;
        };
        let pts = scene.route(&e.points);
        if pts.len() < 2 {
            continue;
        }
        draw_edge(svg, &pts, look);
    }
}

/// Every node's value and gradient before and after step `k`, replayed.
fn states_at(story: &Story, k: usize) -> (State, State) {
    let before = match k.checked_sub(1) {
        Some(prev) => story.state_at(prev),
        None => State::new(story.labels.len()),
    };
    let mut now = before.clone();
    now.apply(&story.steps[k]);
    (before, now)
}

/// Draws step `k` of `story` as a complete, standalone SVG document.
pub fn frame(g: &Graph, story: &Story, scene: &Scene, k: usize, meta: &FrameMeta) -> String {
    let mut svg = open_frame(story, scene, k, meta, false);
    base(&mut svg, g, story, scene);
    let (before, now) = states_at(story, k);
    overlay(&mut svg, g, story, scene, k, (&before, &now));
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
    let (before, now) = states_at(story, k);
    overlay(&mut svg, g, story, scene, k, (&before, &now));
    svg.finish()
}

/// Every frame of a trace in one standalone SVG file, with a `<view
/// id="step-K">` per frame: `FILE.svg#step-3` shows step 3 (opened as is,
/// the file shows step 1).
///
/// The file is linear in what it draws, not in frames × nodes: the base
/// (paper, edges, nodes' shapes and labels) is drawn once, and every
/// other part of a frame once for the steps it shows on: each step's
/// highlights (caption, active edges, message band, outlines) for that
/// step, each node's value and gradient from the step that sets them to
/// the step that changes them. Every such part is a group with its first
/// step and the step after its last (`--a`, `--b`, set by its classes);
/// the step a view targets sets `--t` (one rule per step, `:target`), and
/// a group is opaque exactly when `a ≤ t < b`. All frames share one
/// place, so every view has the same viewBox and a frame's pixels are the
/// standalone frame's. A viewer without CSS shows step 1: every group not
/// on it is also `opacity="0"`, which the stylesheet overrides.
///
/// Lean (classes only, like the page's frames) under a stylesheet of its
/// own ([`theme::image_css`]: the page's palette and dark mode).
pub fn filmstrip(g: &Graph, story: &Story, scene: &Scene) -> String {
    film(g, story, scene, None)
}

/// The frames of a trace as one animated SVG, for slides and READMEs (`seen
/// frames`): the frames file's drawing ([`filmstrip`]), each frame shown
/// for `dt` seconds in turn, looping, by an animation of `--t` (a
/// registered integer, stepped); under reduced motion the last frame
/// stands still. Drawn with presentation attributes and no stylesheet of
/// colours, like the standalone frames.
pub fn animated(g: &Graph, story: &Story, scene: &Scene, dt: f64) -> String {
    film(g, story, scene, Some(dt))
}

/// [`filmstrip`] (`animate` None) or [`animated`] (`Some(dt)`).
fn film(g: &Graph, story: &Story, scene: &Scene, animate: Option<f64>) -> String {
    let (w, h) = (scene.width, scene.height);
    let total = story.steps.len();
    // The root has one frame's size: a browser takes an image's intrinsic
    // size from the root even when a view is shown, and the page's
    // `<img src="…#step-N" width height>` must scale like the frame (print
    // fits frames to the paper).
    // Its font on the root: the page's frames leave it to the page's
    // stylesheet, and a viewer that ignores `<style>` still inherits it.
    let mut svg = match animate {
        None => Svg::new(w, h, &[("font-family", theme::FONT)]),
        Some(_) => Svg::new(w, h, &[("role", "img"), ("font-family", theme::FONT)]),
    };
    svg.open("style", &[]);
    match animate {
        None => {
            for line in theme::image_css().lines() {
                svg.raw_line(line);
            }
            if !scene.crops.is_empty() {
                for line in cue_css().lines() {
                    svg.raw_line(line);
                }
            }
            svg.raw_line("g.film { --t: 1; }");
        }
        Some(dt) => {
            // `<` escaped: the stylesheet is the text of an XML element.
            svg.raw_line(
                "@property --t { syntax: \"&lt;integer&gt;\"; inherits: true; initial-value: 1; }",
            );
            svg.raw_line(&format!(
                "@keyframes play {{ from {{ --t: 1; }} to {{ --t: {}; }} }}",
                total + 1
            ));
            svg.raw_line(&format!(
                "g.film {{ animation: play {}s steps({total}) infinite; }}",
                n(dt * total as f64)
            ));
            svg.raw_line(&format!(
                "@media (prefers-reduced-motion: reduce) {{ g.film {{ animation: none; --t: {total}; }} }}"
            ));
        }
    }
    for t in 1..=total {
        let target = match animate {
            None if scene.crops.is_empty() => format!("#step-{t}:target~g.film {{ --t: {t}; }} "),
            None => format!("#step-{t}:target~g.film, #crop-{t}:target~g.film {{ --t: {t}; }} "),
            Some(_) => String::new(),
        };
        svg.raw_line(&format!(
            "{target}g.a{t} {{ --a: {t}; }} g.b{} {{ --b: {}; }}",
            t + 1,
            t + 1
        ));
    }
    svg.raw_line(
        "g.at { opacity: clamp(0, min(var(--t) - var(--a) + 1, var(--b) - var(--t)), 1); }",
    );
    svg.close("style");
    let lean = animate.is_none();
    if lean {
        let vb = format!("0 0 {} {}", n(w), n(h));
        for t in 1..=total {
            svg.empty("view", &[("id", &format!("step-{t}")), ("viewBox", &vb)]);
            // A phone's view of a frame wider than its column: as wide as
            // the column, around the step's subject.
            if let Some(&x0) = scene.crops.get(t - 1) {
                let vb = format!("{} 0 {} {}", n(x0), n(PHONE_COLUMN), n(h));
                svg.empty("view", &[("id", &format!("crop-{t}")), ("viewBox", &vb)]);
            }
        }
    }
    svg.set_lean(lean);
    svg.open("g", &[("class", "film")]);
    base(&mut svg, g, story, scene);
    let shown = highlights_and_spans(&mut svg, g, story, scene);
    for span in shown {
        let mut nd = scene.node_draw(g, story, span.node, None);
        (nd.value, nd.grad, nd.sum) = (span.look.value, span.look.grad, span.look.sum);
        let mut part = Svg::fragment(svg.depth() + 1, lean);
        node_dynamic(&mut part, &nd);
        let part = part.take();
        if !part.is_empty() {
            open_at(&mut svg, span.from, span.to);
            svg.raw_block(&part);
            svg.close("g");
        }
    }
    svg.close("g");
    svg.finish()
}

/// What a node shows beyond its base: its value, its gradient, a running
/// sum.
#[derive(Clone, Copy, PartialEq)]
struct Look {
    value: Option<f64>,
    grad: Option<f64>,
    sum: Option<(f64, f64)>,
}

/// A node's look over the steps `from..to`.
struct Span {
    node: NodeId,
    look: Look,
    from: usize,
    to: usize,
}

/// Draws each step's highlights as a group shown on that step alone, and
/// returns every node's looks with the steps each is shown on, in the
/// order they end (then by node). A step changes the look of the nodes it
/// sets, of the node its message adds to (a running sum), and of the
/// nodes whose running sum the step before showed.
fn highlights_and_spans(svg: &mut Svg, g: &Graph, story: &Story, scene: &Scene) -> Vec<Span> {
    let total = story.steps.len();
    let mut state = State::new(g.len());
    // Each node's look, and the step it has been shown since.
    let mut open: Vec<Option<(Look, usize)>> = vec![None; g.len()];
    let mut spans = Vec::new();
    let mut summed: Vec<NodeId> = Vec::new();
    for (k, step) in story.steps.iter().enumerate() {
        open_at(svg, k, k + 1);
        caption(svg, scene, step, k);
        active_edges(svg, g, scene, step);
        message(svg, scene, k);
        let mut active = step.active_nodes.clone();
        active.sort_unstable();
        active.dedup();
        for &i in &active {
            outline(svg, &scene.node_draw(g, story, i, None));
        }
        cue(svg, scene, k);
        svg.close("g");
        // Every node has a look from the first step on (`?` until its value
        // is known).
        let mut touched: Vec<NodeId> = if k == 0 {
            (0..g.len()).collect()
        } else {
            step.changes.iter().map(|c| c.node).collect()
        };
        touched.append(&mut summed);
        touched.extend(step.active_edges.iter().map(|e| e.from));
        touched.sort_unstable();
        touched.dedup();
        let mut looks = Vec::with_capacity(touched.len());
        for &i in &touched {
            let (value, grad) = match step.changes.binary_search_by_key(&i, |c| c.node) {
                Ok(at) => (step.changes[at].value, step.changes[at].grad),
                Err(_) => (state.values[i], state.grads[i]),
            };
            let sum = running_sum(g, step, i, state.grads[i], grad);
            if sum.is_some() {
                summed.push(i);
            }
            looks.push((i, Look { value, grad, sum }));
        }
        for (i, look) in looks {
            match open[i] {
                Some((old, _)) if old == look => {}
                Some((old, from)) => {
                    spans.push(Span {
                        node: i,
                        look: old,
                        from,
                        to: k,
                    });
                    open[i] = Some((look, k));
                }
                None => open[i] = Some((look, k)),
            }
        }
        state.apply(step);
    }
    for (i, o) in open.into_iter().enumerate() {
        if let Some((look, from)) = o {
            spans.push(Span {
                node: i,
                look,
                from,
                to: total,
            });
        }
    }
    spans
}

/// Opens a group shown on the steps `from..to` (from 0): its classes `aA
/// bB` set `--a` and `--b`, counted from 1 like the views (classes and a
/// rule per step, not a `style` attribute: the site writes none). Not
/// shown on step 1 (a viewer without CSS): `opacity="0"`.
fn open_at(svg: &mut Svg, from: usize, to: usize) {
    let class = format!("at a{} b{}", from + 1, to + 1);
    if from == 0 {
        svg.open("g", &[("class", &class)]);
    } else {
        svg.open("g", &[("class", &class), ("opacity", "0")]);
    }
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
        if lean { Mode::Lean } else { Mode::Full },
    )
}

/// Every frame of one run's trace as a standalone document, ids prefixed
/// `ID-VIEW-fK`.
pub fn trace_frames(s: &crate::scenario::Scenario, run: &crate::scenario::Run) -> Vec<String> {
    let story = crate::story::tell(run);
    let scene = Scene::new(run.graph(), &story);
    (0..story.steps.len())
        .map(|k| trace_frame(s, run, &story, &scene, k))
        .collect()
}

/// Step `k` of one run's trace as a standalone document, its ids prefixed
/// `ID-VIEW-fK`: the story told and laid out once, each frame drawn on
/// its own (in parallel, by `seen frames`).
pub fn trace_frame(
    s: &crate::scenario::Scenario,
    run: &crate::scenario::Run,
    story: &Story,
    scene: &Scene,
    k: usize,
) -> String {
    let fid = format!("{}-{}", s.id, run.view.name());
    let title = s.title.clone().unwrap_or_else(|| s.id.clone());
    let id = format!("{fid}-f{k}");
    let meta = FrameMeta {
        id: &id,
        figure_title: &title,
    };
    frame(run.graph(), story, scene, k, &meta)
}
