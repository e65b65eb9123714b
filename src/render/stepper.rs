//! The HTML of the JS-free widgets: a stepper (radio per step, prev/next,
//! jump list, play checkbox) and tabs. The markup and the CSS contract are
//! described in `templates/STEPPER.md`; `templates/style.css` serves every
//! figure without per-figure CSS.

use super::svg::esc;

/// The stylesheet has rules for at most this many steps or tabs.
pub const MAX_STEPS: usize = 80;

/// One step of a stepper.
pub struct StepPanel {
    /// The frame: inline SVG.
    pub frame: String,
    /// "Forward 3 of 8: −z", for the radio's name and the jump label's title.
    pub title: String,
    /// "forward", "backward", …
    pub phase: String,
    pub narration: String,
    /// Backward steps get a dashed jump label (not colour alone).
    pub backward: bool,
}

/// A stepper with `steps.len()` steps (at most [`MAX_STEPS`]). `wide` puts
/// the narration under the frame instead of beside it.
/// `defs` is put in the view before the frames: the drawing they share.
pub fn stepper(fid: &str, legend: &str, defs: &str, steps: &[StepPanel], wide: bool) -> String {
    let n = steps.len();
    let mut h = String::new();
    let wide = if wide { " wide" } else { "" };
    h += &format!(
        "<fieldset class=\"st stepper{wide} n{n}\">\n<legend>{}</legend>\n",
        esc(legend)
    );
    for (k, s) in steps.iter().enumerate() {
        h += &format!(
            "<input type=\"radio\" name=\"{fid}-step\" id=\"{fid}-s{k}\" class=\"s{k}\" aria-label=\"Step {} of {n}: {}\"{}>\n",
            k + 1,
            esc(&s.title),
            if k == 0 { " checked" } else { "" }
        );
    }
    h += &format!(
        "<input type=\"checkbox\" id=\"{fid}-play\" class=\"play\" aria-label=\"Play all {n} steps as an animation\">\n"
    );
    h += "<div class=\"view\">\n";
    h += defs;
    h += "<ol class=\"frames\">\n";
    for (k, s) in steps.iter().enumerate() {
        h += &format!(
            "<li class=\"k{k}\">\n{}<div class=\"nar\"><span class=\"sn\">Step {} of {n} · {}</span><p>{}</p></div>\n</li>\n",
            s.frame,
            k + 1,
            esc(&s.phase),
            esc(&s.narration)
        );
    }
    h += "</ol>\n</div>\n<div class=\"bar\" aria-hidden=\"true\">\n<div class=\"pn\">\n";
    for k in 0..n {
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
        h += &format!(
            "<div class=\"k{k}\">{prev}<span class=\"pos\">{} / {n}</span>{next}</div>\n",
            k + 1
        );
    }
    h += "</div>\n";
    h += &format!(
        "<label class=\"pl\" for=\"{fid}-play\"><span class=\"go\">Play</span><span class=\"stop\">Stop</span></label>\n"
    );
    h += "<div class=\"jl\">\n";
    for (k, s) in steps.iter().enumerate() {
        h += &format!(
            "<label class=\"j{k}{}\" for=\"{fid}-s{k}\">{}</label>\n",
            if s.backward { " b" } else { "" },
            k + 1
        );
    }
    h += "</div>\n</div>\n</fieldset>\n";
    h
}

/// Tabs: `tabs` is (label, panel HTML). `cap` is the word before the
/// label, e.g. "Selected rule" → "Selected rule: Multiply".
pub fn tabs(fid: &str, cap: &str, tabs: &[(String, String)]) -> String {
    let n = tabs.len();
    let mut h = format!(
        "<fieldset class=\"st tabs n{n}\">\n<legend>{}</legend>\n",
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
    h += "</div>\n</div>\n<div class=\"view\">\n<div class=\"frames\">\n";
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
