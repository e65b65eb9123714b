//! The HTML of the JS-free widgets: a stepper (radio per step, prev/next,
//! jump list, play checkbox) and tabs. The markup and the CSS contract are
//! described in `templates/STEPPER.md`; `templates/style.css` serves every
//! figure without per-figure CSS.

use crate::engine::Graph;
use crate::story::{Phase, Step, Story};
use crate::util::esc;

/// Up to this many steps, the jump list also has a number per step.
pub const NUMBERED_UP_TO: usize = 24;

/// A frame shown as an image: a view (`#step-K`) of the one standalone
/// file that holds every frame of its stepper. `loading="lazy"` keeps it
/// out of the page load: the browser fetches the file the first time one
/// of its views is displayed, and every later step comes from its image
/// cache (one file, one request; the fragment only picks the view). `alt`
/// is what the inline frame's `<title>` would say; `width` × `height` is
/// the view's natural size, so the image is drawn at one CSS px per unit
/// like an inline frame.
pub fn lazy_frame(src: &str, k: usize, alt: &str, (width, height): (f64, f64)) -> String {
    format!(
        "<img class=\"frame\" src=\"{}#step-{}\" alt=\"{}\" width=\"{}\" height=\"{}\" loading=\"lazy\">\n",
        esc(src),
        k + 1,
        esc(alt),
        px(width),
        px(height)
    )
}

/// An HTML `width` or `height`: a whole number of CSS px (the attribute
/// takes no fraction); the drawing's own size may have one, and scales to
/// it.
pub(crate) fn px(v: f64) -> String {
    format!("{}", v.round().max(0.0) as u64)
}

/// One way a frame may be shown: a view of a frames file (`FILE#VIEW`),
/// its natural size, and the media query under which it is shown (`None`:
/// otherwise, the fallback).
#[derive(Clone, Debug, PartialEq)]
pub struct FrameSource {
    pub url: String,
    pub size: (f64, f64),
    pub media: Option<String>,
}

/// A frame as a picture of its layouts: each `<source>` is chosen by its
/// media query, the last source is the `<img>` (the fallback). Only the one
/// shown is downloaded, lazily as for [`lazy_frame`]; `width` × `height`
/// is each view's natural size, so whichever is shown is drawn at one CSS
/// px per unit. With one source it is a plain [`lazy_frame`].
pub fn picture_frame(sources: &[FrameSource], alt: &str) -> String {
    frame_html(sources, alt, "frame")
}

/// [`picture_frame`] with `class` on its outer element (the `<picture>`,
/// or the `<img>` when there is one source).
fn frame_html(sources: &[FrameSource], alt: &str, class: &str) -> String {
    let Some((img, rest)) = sources.split_last() else {
        return String::new();
    };
    let img_class = if rest.is_empty() { class } else { "frame" };
    let img_tag = format!(
        "<img class=\"{img_class}\" src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\" loading=\"lazy\">",
        esc(&img.url),
        esc(alt),
        px(img.size.0),
        px(img.size.1)
    );
    if rest.is_empty() {
        return format!("{img_tag}\n");
    }
    let mut h = format!("<picture class=\"{class}\">");
    for s in rest {
        h += &format!(
            "<source media=\"{}\" srcset=\"{}\" width=\"{}\" height=\"{}\">",
            esc(s.media.as_deref().unwrap_or("all")),
            esc(&s.url),
            px(s.size.0),
            px(s.size.1)
        );
    }
    h + &img_tag + "</picture>\n"
}

/// A step's frame before it is written: its sources and its alt text
/// ("Step 3 of 8: …"). Written alone ([`Frame::html`]), or as the variant
/// of one tab of a shared stepper ([`Frame::variant_html`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub sources: Vec<FrameSource>,
    pub alt: String,
}

impl Frame {
    /// The frame as a picture ([`picture_frame`]).
    pub fn html(&self) -> String {
        picture_frame(&self.sources, &self.alt)
    }

    /// The frame as the variant of tab `t` (dataset or run `name`) of a
    /// shared step: shown while that tab is checked, its alt saying which
    /// dataset it shows ("moons, step 3 of 8: …").
    pub fn variant_html(&self, t: usize, name: &str) -> String {
        self.classed_html(&format!("vr v{t}"), name)
    }

    /// The frame with `class` beside `frame`, its alt starting with `name`
    /// ("x = 3, step 3 of 8: …"): a variant of a shared step.
    pub fn classed_html(&self, class: &str, name: &str) -> String {
        let alt = match self.alt.strip_prefix("Step ") {
            Some(rest) => format!("{name}, step {rest}"),
            None => self.alt.clone(),
        };
        frame_html(&self.sources, &alt, &format!("frame {class}"))
    }
}

/// A narration as the one paragraph of a step.
pub fn para(text: &str) -> String {
    format!("<p>{}</p>", esc(text))
}

/// One step of a stepper.
pub struct StepPanel {
    /// The frame: inline SVG, or an image ([`lazy_frame`]).
    pub frame: String,
    /// "Forward 3 of 8: −z", the radio's name.
    pub title: String,
    /// "forward", "backward", …
    pub phase: String,
    /// The narration's HTML after the step number: one `<p>` ([`para`]),
    /// or one per dataset of a shared stepper.
    pub narration: String,
    /// Backward steps get a dashed jump label (not colour alone).
    pub backward: bool,
}

/// One run's stepper before it is put together: its frames (the first
/// inline unless hidden, the others lazy images of its frames file), its
/// steps and parts. A figure makes it a stepper ([`stepper`]); a group of
/// figures that run the same steps (a batch's datasets, a training's runs)
/// shares one stepper between them (`render::hook`, "Shared steppers").
pub struct StepperParts {
    /// The run's view ("modules"; "training" for a training run).
    pub view: String,
    pub fid: String,
    /// What the stepper shows, after the figure's name in its legend:
    /// "12 forward steps, then 26 backward messages".
    pub counts: String,
    /// The shared drawing of the inline frame ("" when hidden).
    pub defs: String,
    /// The figure's title.
    pub title: String,
    /// Per step: the frame.
    pub frames: Vec<Frame>,
    /// Per step: its panel but the frame (title, phase, narration text).
    /// The titles leave out what differs between runs that share a
    /// stepper (a training step's loss).
    pub steps: Vec<StepPanel>,
    pub jumps: Vec<Jump>,
}

/// A place worth jumping to: the first step of a part of the story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jump {
    /// The step (from 0) the part starts at.
    pub step: usize,
    /// "Forward", "Example 3", "Seed", …
    pub label: String,
    /// A part of the backward pass (seed, backward, done): drawn dashed.
    pub backward: bool,
}

/// The parts of a story a reader jumps between: the start, the forward
/// pass, each example's first forward step, the batch loss, the seed, the
/// backward pass, each example's first backward message, done, the update.
/// A part starts where the previous one ends; two starting at the same step
/// keep the first name (the forward pass begins with example 1).
///
/// A step belongs to an example through the graph's `example` field: a
/// forward step through the node it computes, a backward step through the
/// node that sends the message: the active edge's `to` (the message goes
/// against the edge). The sum over the examples is the batch's own, so its
/// messages to each example's loss stay in the "Backward" part.
pub fn jumps(story: &Story, g: &Graph) -> Vec<Jump> {
    let example = |s: &Step| -> Option<usize> {
        let node = match s.phase {
            Phase::Backward => s
                .active_edges
                .first()
                .map(|e| e.to)
                .or(s.active_nodes.first().copied()),
            Phase::Forward => s.active_nodes.first().copied(),
            _ => None,
        };
        node.and_then(|n| g.nodes.get(n)).and_then(|n| n.example)
    };
    let mut out: Vec<Jump> = Vec::new();
    let mut push = |step: usize, label: String, backward: bool| {
        if out.last().is_none_or(|j| j.step < step) {
            out.push(Jump {
                step,
                label,
                backward,
            });
        }
    };
    let mut seen: Vec<usize> = Vec::new();
    let mut prev: Option<(Phase, Option<usize>)> = None;
    for (k, s) in story.steps.iter().enumerate() {
        let ex = example(s);
        let backward = matches!(s.phase, Phase::Seed | Phase::Backward | Phase::Done);
        if prev.map(|p| p.0) != Some(s.phase) {
            seen.clear();
            let name = match s.phase {
                Phase::Setup => "Start",
                Phase::Forward => "Forward",
                Phase::Seed => "Seed",
                Phase::Backward => "Backward",
                Phase::Done => "Done",
                Phase::Update => "Update",
            };
            push(k, name.to_string(), backward);
        }
        if let Some(e) = ex
            && !seen.contains(&e)
        {
            seen.push(e);
            push(k, format!("Example {}", e + 1), backward);
        }
        // The forward pass of a batch ends with the loss over all examples.
        if s.phase == Phase::Forward
            && ex.is_none()
            && matches!(prev, Some((Phase::Forward, Some(_))))
        {
            push(k, "Batch loss".to_string(), false);
        }
        prev = Some((s.phase, ex));
    }
    out
}

/// The class list that tells the play animation the number of steps `n`:
/// one class `nB` per bit B of `n` (`n4 n8` for 12). `style.css` sums them,
/// so it needs one rule per bit, not one per step count.
fn count_classes(n: usize) -> String {
    (0..usize::BITS)
        .map(|b| 1usize << b)
        .filter(|bit| n & bit != 0)
        .map(|bit| format!(" n{bit}"))
        .collect()
}

/// A stepper with `steps.len()` steps, any number of them. `wide` puts the
/// narration under the frame instead of beside it. `defs` is put in the
/// view before the frames: the drawing they share. `jumps` (from
/// [`jumps`], sorted by step, the first at step 0) name the parts of the
/// jump list; a short stepper (up to [`NUMBERED_UP_TO`] steps) also gets a
/// number per step.
///
/// Every step is a radio followed by its panel, and every control a later
/// sibling, so the stylesheet needs no rule per step (templates/STEPPER.md).
pub fn stepper(
    fid: &str,
    legend: &str,
    defs: &str,
    steps: &[StepPanel],
    jumps: &[Jump],
    wide: bool,
) -> String {
    let n = steps.len();
    let numbered = n <= NUMBERED_UP_TO;
    let mut h = String::new();
    let wide = if wide { " wide" } else { "" };
    h += &format!(
        "<fieldset class=\"st stepper{wide}{}\">\n<legend id=\"{fid}-lg\">{}</legend>\n<p class=\"keys\">Keyboard: Tab into the steps, then the arrow keys step through them.</p>\n",
        count_classes(n),
        esc(legend)
    );
    h += "<div class=\"view\">\n";
    h += defs;
    h += "<div class=\"frames\">\n";
    for (k, s) in steps.iter().enumerate() {
        let part = jumps.iter().position(|j| j.step == k);
        if numbered && let Some(p) = part {
            h += &format!(
                "<span class=\"cap\" aria-hidden=\"true\">{}</span>\n",
                esc(&jumps[p].label)
            );
        }
        // The radio's name is the step's title: a screen reader says its
        // place itself ("3 of 21"), as for any radio in a group. Where the
        // jump list shows the step's number, the name begins with it, so a
        // speech user's "click 3" finds it (WCAG 2.5.3, label in name). Its
        // description is the step's narration, numbers and all, read as
        // the arrow keys reach it (no Tab forward and back per step).
        // Without numbers, a part's first step is the one its jump label
        // ("Start", "Seed", "Halfway") stands for: its name begins with it.
        let name = match part {
            _ if numbered => format!("{}. {}", k + 1, s.title),
            Some(p) if !s.title.starts_with(&jumps[p].label) => {
                format!("{}: {}", jumps[p].label, s.title)
            }
            _ => s.title.clone(),
        };
        h += &format!(
            "<input type=\"radio\" name=\"{fid}-step\" id=\"{fid}-s{k}\" aria-label=\"{}\" aria-describedby=\"{fid}-n{k}\"{}>\n",
            esc(&name),
            if k == 0 { " checked" } else { "" }
        );
        let prev = if k == 0 {
            "<span class=\"prev off\">← Previous</span>".to_string()
        } else {
            format!(
                "<label class=\"prev\" for=\"{fid}-s{}\">← Previous</label>",
                k - 1
            )
        };
        let next = if k + 1 == n {
            "<span class=\"next off\">Next →</span>".to_string()
        } else {
            format!(
                "<label class=\"next\" for=\"{fid}-s{}\">Next →</label>",
                k + 1
            )
        };
        // The frame inside carries its own focusable scroll region (see
        // hook.rs), so the panel itself takes no tab stop.
        h += &format!(
            "<div class=\"step\">\n{}<div class=\"nar\" id=\"{fid}-n{k}\"><span class=\"sn\">{}</span>{}</div>\n\
             <div class=\"pn\" aria-hidden=\"true\">{prev}<span class=\"pos\">/ {n}</span>{next}</div>\n</div>\n",
            s.frame,
            esc(&s.phase),
            s.narration,
        );
        let b = |yes: bool| if yes { " b" } else { "" };
        if numbered {
            h += &format!(
                "<span class=\"jw\" aria-hidden=\"true\"><label class=\"num{}\" for=\"{fid}-s{k}\"></label></span>\n",
                b(s.backward),
            );
        } else if let Some(p) = jumps.iter().rposition(|j| j.step <= k)
            && (k + 1 == n || jumps.get(p + 1).is_some_and(|j| j.step == k + 1))
        {
            // The part's last step: its jump label follows, so that the
            // checked radio's first later jump label is its own part's. The
            // wrapper is aria-hidden (the radios are the accessible story),
            // which a label tied to a radio may not be itself.
            let j = &jumps[p];
            h += &format!(
                "<span class=\"jw\" aria-hidden=\"true\"><label class=\"jump{}\" for=\"{fid}-s{}\">{}</label></span>\n",
                b(j.backward),
                j.step,
                esc(&j.label)
            );
        }
    }
    // One Play / Stop button per stepper, under the frames: it stays put
    // while the frames slide (the view clips them, not it).
    // The play checkbox comes after the view, as its button is drawn: the
    // tab order is the steps, then Play, as the reader sees them (WCAG
    // 2.4.3); the style reaches the view through `:has`.
    h += &format!(
        "</div>\n<div class=\"pw\" aria-hidden=\"true\"><label class=\"pl\" for=\"{fid}-play\"><span class=\"go\">Play</span><span class=\"stop\">Stop</span></label></div>\n</div>\n<input type=\"checkbox\" id=\"{fid}-play\" class=\"play\" aria-label=\"Play all {n} steps as an animation\">\n</fieldset>\n"
    );
    h
}

/// Tabs: `tabs` is (label, panel HTML). `cap` is the word before the
/// label, e.g. "Selected rule" → "Selected rule: Multiply".
pub fn tabs(fid: &str, cap: &str, tabs: &[(String, String)]) -> String {
    tabs_sharing(fid, cap, tabs, "")
}

/// Tabs whose panels share `shared` (HTML put in the view before the
/// panels, shown whichever tab is checked): the steppers of a batch group,
/// whose steps hold a variant per tab (class `vr vK`). The fieldset gets
/// class `ds`, and the checked radio `sK` hides every variant but `vK`
/// under it (`.ds>.sK:checked~.view .vr:not(.vK)`, templates/STEPPER.md).
pub fn tabs_sharing(fid: &str, cap: &str, tabs: &[(String, String)], shared: &str) -> String {
    let n = tabs.len();
    let ds = if shared.is_empty() { "" } else { " ds" };
    let mut h = format!(
        "<fieldset class=\"st tabs{ds} n{n}\">\n<legend>{}</legend>\n",
        esc(cap)
    );
    for k in 0..n {
        h += &format!(
            "<input type=\"radio\" name=\"{fid}-tab\" id=\"{fid}-s{k}\" class=\"s{k}\" aria-labelledby=\"{fid}-l{k}\"{}>\n",
            if k == 0 { " checked" } else { "" }
        );
    }
    h += &format!(
        "<div class=\"bar\" aria-hidden=\"true\">\n<div class=\"jl\"><span class=\"cap\">{}</span>\n",
        esc(cap)
    );
    for (k, (label, _)) in tabs.iter().enumerate() {
        h += &format!(
            "<label class=\"j{k}\" for=\"{fid}-s{k}\" id=\"{fid}-l{k}\">{}</label>\n",
            esc(label)
        );
    }
    h += "</div>\n</div>\n<div class=\"view\">\n";
    h += shared;
    h += "<div class=\"frames\">\n";
    for (k, (label, panel)) in tabs.iter().enumerate() {
        h += &format!(
            "<section class=\"k{k}\">\n<h3 class=\"tt\">{}: {}</h3>\n{panel}</section>\n",
            esc(cap),
            esc(label)
        );
    }
    h += "</div>\n</div>\n</fieldset>\n";
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{View, parse};
    use crate::story::tell;

    /// Two examples, one weight, one update: 1 setup + 2×3 forward + the
    /// batch loss, the seed, the messages, done, update.
    const BATCH: &str = r#"
id = "pair"
params = { w = 0.5 }
examples = [ { x = 1.0, t = 2.0 }, { x = -1.0, t = 0.5 } ]
graph = """
y = w * x
loss = (y - t) ^ 2
"""
update = { lr = 0.1 }
"#;

    fn story() -> (Story, crate::scenario::Run) {
        let run = parse(BATCH).unwrap().run(View::Atomic).unwrap();
        (tell(&run), run)
    }

    #[test]
    fn a_batch_jumps_to_each_pass_and_each_example_in_both_passes() {
        let (story, run) = story();
        let j = jumps(&story, run.graph());
        let got: Vec<(usize, &str, bool)> = j
            .iter()
            .map(|j| (j.step, j.label.as_str(), j.backward))
            .collect();
        // The story: 0 the leaves; 1–4 example 1's y, −t, y−t, loss;
        // 5–8 example 2's; 9–10 the sum and the mean; 11 the seed; 12–14
        // the mean's message to the sum (the constant 1/N is told none) and
        // the sum's to each example's loss; 15–18 example 2's messages (the
        // last example's loss is reached first; the inputs x and t are told
        // none); 19–22 example 1's; 23 done; 24 the update.
        let expected = vec![
            (0, "Start", false),
            (1, "Forward", false),
            (5, "Example 2", false),
            (9, "Batch loss", false),
            (11, "Seed", true),
            (12, "Backward", true),
            (15, "Example 2", true),
            (19, "Example 1", true),
            (23, "Done", true),
            (24, "Update", false),
        ];
        assert_eq!(got, expected);
        // The same places, read off the story itself.
        let first = |p: Phase| story.steps.iter().position(|s| s.phase == p).unwrap();
        let at = |label: &str| j.iter().find(|j| j.label == label).unwrap().step;
        assert_eq!(at("Forward"), first(Phase::Forward));
        assert_eq!(at("Seed"), first(Phase::Seed));
        assert_eq!(at("Backward"), first(Phase::Backward));
        assert_eq!(at("Done"), first(Phase::Done));
        assert_eq!(at("Update"), first(Phase::Update));
        assert_eq!(story.steps.len(), 25);
        let g = run.graph();
        // Example 2 starts where its forward step computes an example-2 node,
        // and its backward part where an example-2 node first sends a message.
        let step = &story.steps[5];
        assert_eq!(g.nodes[step.active_nodes[0]].example, Some(1));
        assert!(
            story.steps[1..5]
                .iter()
                .all(|s| g.nodes[s.active_nodes[0]].example == Some(0))
        );
        assert_eq!(g.nodes[story.steps[16].active_edges[0].to].example, Some(1));
        assert_eq!(g.nodes[story.steps[22].active_edges[0].to].example, Some(0));
    }

    #[test]
    fn one_example_jumps_to_the_passes_only() {
        let body =
            "id = \"one\"\nparams = { w = 2.0 }\ninputs = { x = 3.0 }\ngraph = \"y = w * x\"\n";
        let run = parse(body).unwrap().run(View::Atomic).unwrap();
        let story = tell(&run);
        let labels: Vec<String> = jumps(&story, run.graph())
            .into_iter()
            .map(|j| j.label)
            .collect();
        assert_eq!(labels, ["Start", "Forward", "Seed", "Backward", "Done"]);
    }

    fn panels(n: usize) -> Vec<StepPanel> {
        (0..n)
            .map(|k| StepPanel {
                frame: format!("<svg>{k}</svg>\n"),
                title: format!("t{k}"),
                phase: "forward".into(),
                narration: format!("<p>n{k}</p>"),
                backward: false,
            })
            .collect()
    }

    fn jump_at(step: usize, label: &str) -> Jump {
        Jump {
            step,
            label: label.into(),
            backward: false,
        }
    }

    /// The CSS contract: radio k is followed by its own panel, and the
    /// first jump label after it points at the start of k's part.
    #[test]
    fn a_long_stepper_puts_each_parts_label_after_its_last_step() {
        let n = 300;
        let parts = [
            jump_at(0, "Start"),
            jump_at(1, "Forward"),
            jump_at(150, "Seed"),
            jump_at(151, "Backward"),
        ];
        let h = stepper("f", "legend", "", &panels(n), &parts, true);
        assert_eq!(h.matches("type=\"radio\"").count(), n);
        assert_eq!(h.matches("class=\"jump").count(), parts.len());
        assert!(
            !h.contains("class=\"num"),
            "no numbers past {NUMBERED_UP_TO} steps"
        );
        assert!(h.contains("<fieldset class=\"st stepper wide n4 n8 n32 n256\">"));
        for k in 0..n {
            let radio = h.find(&format!("id=\"f-s{k}\"")).unwrap();
            let after = &h[radio..];
            let panel = after.find("<div class=\"step\">").unwrap();
            assert!(
                !after[..panel].contains('<') && after[..panel].ends_with(">\n"),
                "step {k}: the radio is not right before its panel"
            );
            assert!(after[panel..].starts_with(&format!("<div class=\"step\">\n<svg>{k}</svg>")));
            let label = &after[after.find("class=\"jump").unwrap()..];
            let part = parts.iter().rposition(|j| j.step <= k).unwrap();
            assert!(
                label.contains(&format!("for=\"f-s{}\"", parts[part].step))
                    && label[..label.find("</label>").unwrap()].ends_with(&parts[part].label),
                "step {k}: the next jump label is not its part's"
            );
            let pos = format!("<span class=\"pos\">/ {n}</span>");
            assert!(
                after[panel..].find(&pos).unwrap() < after[panel..].find("</div>\n</div>").unwrap()
            );
        }
        // Nothing in the markup that the CSP forbids.
        assert!(!h.contains("style=") && !h.contains("<style") && !h.contains("<script"));
    }

    #[test]
    fn a_short_stepper_numbers_every_step_under_its_parts_names() {
        let parts = [
            jump_at(0, "Start"),
            jump_at(1, "Forward"),
            jump_at(3, "Seed"),
        ];
        let h = stepper("f", "legend", "", &panels(4), &parts, false);
        assert_eq!(h.matches("class=\"num").count(), 4);
        assert_eq!(h.matches("class=\"cap\"").count(), 3);
        assert!(!h.contains("class=\"jump"));
        for k in 0..4 {
            // radio, its panel, its number: the number follows the panel.
            let radio = h.find(&format!("id=\"f-s{k}\"")).unwrap();
            let num = h
                .find(&format!(
                    "<span class=\"jw\" aria-hidden=\"true\"><label class=\"num\" for=\"f-s{k}\""
                ))
                .unwrap();
            let panel = radio + h[radio..].find("<div class=\"step\">").unwrap();
            assert!(radio < panel && panel < num);
            assert!(
                h[panel..num].ends_with("</div>\n</div>\n"),
                "step {k}: something between the panel and its number"
            );
        }
        assert!(h.find(">Forward</span>").unwrap() < h.find("id=\"f-s1\"").unwrap());
        assert!(h.contains("<fieldset class=\"st stepper n4\">"));
    }

    #[test]
    fn the_count_classes_add_up_to_the_number_of_steps() {
        for n in [1, 12, 22, 84, 100, 300, 65_535, 1_000_000] {
            let sum: usize = count_classes(n)
                .split_whitespace()
                .map(|c| c[1..].parse::<usize>().unwrap())
                .sum();
            assert_eq!(sum, n);
        }
    }

    /// WCAG 2.5.3 and 1.3.1: a numbered step's radio is named starting with
    /// the number its jump label shows, and every step's radio is described
    /// by its narration; the keys are said once, visibly.
    #[test]
    fn step_radios_begin_with_their_number_and_are_described_by_their_narration() {
        for (n, numbered) in [(4, true), (NUMBERED_UP_TO + 1, false)] {
            let h = stepper("f", "legend", "", &panels(n), &[jump_at(0, "Start")], false);
            assert_eq!(h.matches("<p class=\"keys\">").count(), 1);
            for k in 0..n {
                let radio = &h[h.find(&format!("id=\"f-s{k}\"")).unwrap()..];
                let radio = &radio[..radio.find('>').unwrap()];
                let name = &radio[radio.find("aria-label=\"").unwrap() + 12..];
                let name = &name[..name.find('"').unwrap()];
                assert_eq!(
                    name.starts_with(&format!("{}. ", k + 1)),
                    numbered,
                    "{name}"
                );
                // Unnumbered, the part's first step carries its jump label.
                assert_eq!(name.starts_with("Start: "), !numbered && k == 0, "{name}");
                assert!(
                    radio.contains(&format!("aria-describedby=\"f-n{k}\"")),
                    "{radio}"
                );
                let nar = &h[h
                    .find(&format!("<div class=\"nar\" id=\"f-n{k}\">"))
                    .unwrap()..];
                assert!(
                    nar[..nar.find("</div>").unwrap()].contains(&format!("<p>n{k}</p>")),
                    "{nar}"
                );
            }
        }
    }
}
