//! The figures of a block with `vary`: one picker per key (a radio group
//! named by the key, its values as labels), and the figure of every
//! combination, each element of a combination classed `va xK-I` for the
//! value I of key K. style.css hides every `.va` whose class does not match
//! a picker's checked radio (one generated rule per key and value, no rule
//! per page), so the figure shows the picked combination with CSS only.
//!
//! Every frame and still is a lazy image of a file, and a hidden image is not
//! fetched: the page at load fetches only the block's own combination's
//! frames. The other combinations' files are in `v1/`, `v2/`, … beside the
//! block's own.

use super::trace::{Drawn, can_share, trace_parts_drawn};
use super::*;
use crate::scenario::vary::set_text;
use crate::scenario::{Variant, vary::Target};

/// The combination the page opens on: the block's own values.
fn own(s: &Scenario, variants: &[Variant]) -> usize {
    let picks: Vec<usize> = s.vary.iter().map(|v| v.default).collect();
    variants.iter().position(|v| v.picks == picks).unwrap_or(0)
}

/// The classes of a combination's elements: `va x0-2 x1-0`.
fn classes(picks: &[usize]) -> String {
    let keys: String = (picks.iter().enumerate())
        .map(|(k, i)| format!(" x{k}-{i}"))
        .collect();
    format!("va{keys}")
}

/// A combination's part of a figure: classed to show while its values are
/// picked, headed by them ("x = −2, w = 1.2"; print shows the heading).
fn combination_div(var: &Variant, body: &str) -> String {
    format!(
        "<div class=\"{}\">\n<p class=\"tt\">{}</p>\n{body}</div>\n",
        classes(&var.picks),
        esc(&set_text(&var.set))
    )
}

/// Where combination `c`'s files go: the block's own folder for its own
/// values, `v{c}/` in it for the others.
fn variant_dir(dir: &str, c: usize, own: usize) -> String {
    if c == own {
        dir.to_string()
    } else {
        format!("{dir}/v{c}")
    }
}

/// The pickers: per key, a fieldset named by the key (its legend) holding
/// one radio per value, labelled by the value. The radios of a group share
/// a name, so the arrow keys move along the values like a slider's.
fn pickers(s: &Scenario) -> String {
    let mut h = String::from("<div class=\"picks\">\n");
    for (k, v) in s.vary.iter().enumerate() {
        let name = format!("{}-vary{k}", s.id);
        let what = match v.target {
            Target::Param(_) => "param",
            Target::Input => "input",
            Target::Lr => "learning rate",
        };
        h += &format!(
            "<fieldset class=\"pick p{k}\">\n<legend><span class=\"tt\">Pick the {what} </span>{}</legend>\n<div class=\"pv\">\n",
            esc(&v.name)
        );
        for (i, x) in v.values.iter().enumerate() {
            let id = format!("{name}-{i}");
            h += &format!(
                "<input type=\"radio\" name=\"{name}\" id=\"{id}\" class=\"i{i}\"{}><label for=\"{id}\">{}</label>\n",
                if i == v.default { " checked" } else { "" },
                esc(&crate::text::num(*x))
            );
        }
        h += "</div>\n</fieldset>\n";
    }
    h + "</div>\n"
}

/// The block's pickers and its figure, in one box that the pickers' rules
/// reach, and the table of every combination that print shows instead of
/// the pickers.
fn varied(s: &Scenario, variants: &[Variant], figure: &str) -> String {
    format!(
        "<div class=\"vary\">\n{}{figure}{}</div>\n",
        pickers(s),
        print_table(variants)
    )
}

/// Every combination's key numbers, for print (paper shows the block's own
/// combination and cannot pick): its values, then the output's value (a
/// training run's last loss) and each param's gradient.
fn print_table(variants: &[Variant]) -> String {
    let Some(first) = variants.first() else {
        return String::new();
    };
    let run = &first.runs[0];
    let g = run.graph();
    let out = g.nodes[run.output()]
        .name
        .clone()
        .unwrap_or_else(|| "output".into());
    let params: Vec<usize> = (0..g.len())
        .filter(|&i| g.nodes[i].kind == crate::engine::Kind::Param)
        .collect();
    let training = run.training.is_some();
    let mut h = String::from(
        "<table class=\"vary-print\">\n<caption>Every combination of the values (the figure shows the block's own)</caption>\n<thead><tr>",
    );
    for (key, _) in &first.set {
        h += &format!("<th scope=\"col\">{}</th>", esc(key));
    }
    if training {
        h += "<th scope=\"col\">last loss</th>";
    } else {
        h += &format!("<th scope=\"col\">{}</th>", esc(&out));
        for &i in &params {
            let name = g.nodes[i].name.as_deref().unwrap_or("?");
            h += &format!("<th scope=\"col\">∂{}/∂{}</th>", esc(&out), esc(name));
        }
    }
    h += "</tr></thead>\n<tbody>\n";
    for var in variants {
        h += "<tr>";
        for (_, v) in &var.set {
            h += &format!("<td class=\"num\">{}</td>", crate::text::num(*v));
        }
        let run = &var.runs[0];
        let g = run.graph();
        match &run.training {
            Some(t) => {
                let last = t.steps.last().map_or(f64::NAN, |s| s.loss);
                let diverged = (t.diverged.as_ref())
                    .map(|d| format!(" (diverged at step {})", d.at))
                    .unwrap_or_default();
                h += &format!(
                    "<td class=\"num\">{}{diverged}</td>",
                    crate::text::num(last)
                );
            }
            None => {
                h += &format!(
                    "<td class=\"num\">{}</td>",
                    crate::text::num(g.nodes[run.output()].value)
                );
                for &i in &params {
                    h += &format!(
                        "<td class=\"num\">{}</td>",
                        crate::text::num(g.nodes[i].grad)
                    );
                }
            }
        }
        h += "</tr>\n";
    }
    h + "</tbody>\n</table>\n"
}

/// A trace (or a batch, its parts under the stepper) with `vary`: per view, one stepper whose every step holds each
/// combination's frame and narration (the combinations run the same steps:
/// only numbers differ), so the step stays when a value changes.
pub(super) fn traces(
    s: &Scenario,
    runs: &[Run],
    data: &[FigureData],
    out: &mut Collected,
) -> Result<String, ScenarioError> {
    let mut views = Vec::new();
    for (v, run) in runs.iter().enumerate() {
        let own = own(s, &run.variants);
        let mut parts = Vec::new();
        let mut drawn = Vec::new();
        for (c, var) in run.variants.iter().enumerate() {
            let Some(vrun) = var.runs.get(v) else {
                continue;
            };
            let dir = variant_dir(&out.dir, c, own);
            let (t, files, d) = trace_parts_drawn(&var.scenario, vrun, out.page, &dir);
            drawn.push((vrun, d));
            if c == own {
                out.downloads.push(format!(
                    "<a href=\"{}\" download>all {} frames of the {} view (SVG)</a>",
                    out.page.href(&files[0].0),
                    t.frames.len(),
                    run.view.name()
                ));
            }
            out.frames += t.frames.len();
            out.assets.extend(files);
            parts.push(t);
        }
        let all: Vec<&[StepperParts]> = parts.iter().map(std::slice::from_ref).collect();
        if parts.len() != run.variants.len() || !can_share(&all) {
            return Err(ScenarioError::new(
                s.vary_span.clone(),
                "the variants of `vary` do not run the same steps, so they cannot share a stepper",
            )
            .expected("variants whose graphs differ only in their numbers")
            .hint("vary fewer values, or write a block per value"));
        }
        let first = &parts[own];
        let panels: Vec<StepPanel> = (0..first.steps.len())
            .map(|k| {
                let (frames, narration) = if same_step(&parts, &drawn, own, k) {
                    // Drawn and told alike whatever the values: one
                    // picture (the block's own file) and one narration,
                    // shown for every pick.
                    (
                        first.frames[k].html(),
                        crate::render::stepper::para(&first.steps[k].narration),
                    )
                } else {
                    let mut frames = String::new();
                    let mut narration = String::new();
                    for (var, t) in run.variants.iter().zip(&parts) {
                        let class = classes(&var.picks);
                        let name = set_text(&var.set);
                        frames += &t.frames[k].classed_html(&class, &name);
                        narration += &format!(
                            "<p class=\"{class}\"><span class=\"tt\">{}: </span>{}</p>",
                            esc(&name),
                            esc(&t.steps[k].narration)
                        );
                    }
                    (frames, narration)
                };
                let step = &first.steps[k];
                StepPanel {
                    frame: step_scroller(&first.fid, &frames),
                    title: step.title.clone(),
                    phase: step.phase.clone(),
                    narration,
                    backward: step.backward,
                }
            })
            .collect();
        let legend = format!(
            "{} ({} view), for the values picked: {}",
            first.title, first.view, first.counts
        );
        let mut html = stepper(&first.fid, &legend, "", &panels, &first.jumps, true);
        if s.figure == Figure::Batch {
            html += &batch_parts(run, (v, own), data, out);
        }
        views.push((view_label(run), html));
    }
    Ok(varied(s, &runs[0].variants, &one_or_tabs(s, views)))
}

/// Whether step `k` of every combination's trace is the block's own
/// (`own`): the same narration, and the same frame in every layout, byte
/// for byte (a block that varies only `lr` draws every step before the
/// update alike). The frames are drawn again only when the narrations
/// agree, which they do not where a value shown differs.
fn same_step(parts: &[StepperParts], drawn: &[(&Run, Drawn)], own: usize, k: usize) -> bool {
    let told = |t: &StepperParts| t.steps.get(k).map(|s| s.narration.clone());
    let Some(mine) = told(&parts[own]) else {
        return false;
    };
    if parts.iter().any(|t| told(t).as_ref() != Some(&mine)) {
        return false;
    }
    let (own_run, own_drawn) = &drawn[own];
    let frame = own_drawn.frame(own_run, k);
    (drawn.iter().enumerate())
        .filter(|(c, _)| *c != own)
        .all(|(_, (run, d))| d.frame(run, k) == frame)
}

/// A varied batch's parts under its shared stepper (view `v`), one set per
/// combination, shown while its values are picked: its tables, its model
/// plot and its step's shift, drawn from its own run into its own folder.
/// Only the block's own combination's shift is inline (in the first view);
/// every other drawing is a lazy image, and the downloads are the block's
/// own.
fn batch_parts(
    run: &Run,
    (v, own): (usize, usize),
    data: &[FigureData],
    out: &mut Collected,
) -> String {
    let dir = out.dir.clone();
    let mut html = String::new();
    for ((c, var), data) in run.variants.iter().enumerate().zip(data) {
        let (Some(vrun), FigureData::Batch(batch)) = (var.runs.get(v), data) else {
            continue;
        };
        let Some(b) = batch.get(v) else {
            continue;
        };
        out.dir = variant_dir(&dir, c, own);
        let downloads = out.stills.len();
        let mut id = format!("{}-{}", var.scenario.id, vrun.view.name());
        if c != own {
            id += &format!("-v{c}");
        }
        let body = super::trace::batch_parts((&var.scenario, vrun, b), &id, c != own || v > 0, out);
        if c != own {
            out.stills.truncate(downloads);
        }
        html += &combination_div(var, &body);
    }
    out.dir = dir;
    html
}

/// A training run with `vary`: one stepper over the block's own run's
/// snapshots, each holding every combination's snapshot at that step, so
/// the step stays when a value changes. A run that diverged before a step
/// shows its last finite snapshot there (its narration says which step it
/// is, and that it diverged).
pub(super) fn training(
    s: &Scenario,
    runs: &[Run],
    data: &[FigureData],
    out: &mut Collected,
) -> String {
    let Some(run) = runs.first() else {
        return String::new();
    };
    let own = own(s, &run.variants);
    let fid = format!("{}-training", s.id);
    // Per combination: its stepper's parts and the steps of its snapshots.
    let mut drawn = Vec::new();
    for ((c, var), data) in run.variants.iter().enumerate().zip(data) {
        let (Some(t), FigureData::Training(Some(data))) =
            (var.runs.first().and_then(|r| r.training.as_ref()), data)
        else {
            continue;
        };
        let dir = variant_dir(&out.dir, c, own);
        let path = format!("{dir}/snapshots.svg");
        let narrow_path = format!("{dir}/snapshots-narrow.svg");
        let (src, src_narrow) = (out.page.href(&path), out.page.href(&narrow_path));
        let vfid = format!("{fid}-v{c}");
        let fig = figures::training(&var.scenario, (t, data), &vfid, (&src, &src_narrow), &[]);
        if c == own {
            out.downloads.push(format!(
                "<a href=\"{src}\" download>all {} snapshots (SVG)</a>",
                fig.frames
            ));
        }
        out.frames += fig.frames;
        out.assets.push((path, fig.filmstrip.into_bytes()));
        out.assets
            .push((narrow_path, fig.filmstrip_narrow.into_bytes()));
        drawn.push((var, fig.parts, t.snapshots.clone()));
    }
    let Some(first) = drawn
        .iter()
        .find(|(v, _, _)| v.picks == run.variants[own].picks)
    else {
        return String::new();
    };
    let (_, parts, snapshots) = first;
    let panels: Vec<StepPanel> = (parts.steps.iter().zip(snapshots))
        .map(|(step, &at)| {
            let mut frames = String::new();
            let mut narration = String::new();
            for (var, p, snaps) in &drawn {
                let i = snaps.iter().rposition(|&k| k <= at).unwrap_or(0);
                let (Some(frame), Some(told)) = (p.frames.get(i), p.steps.get(i)) else {
                    continue;
                };
                let class = classes(&var.picks);
                let name = set_text(&var.set);
                frames += &frame.classed_html(&class, &name);
                narration += &format!(
                    "<p class=\"{class}\"><span class=\"tt\">{}: </span>{}</p>",
                    esc(&name),
                    esc(&told.narration)
                );
            }
            StepPanel {
                frame: step_scroller(&fid, &frames),
                title: step.title.clone(),
                phase: step.phase.clone(),
                narration,
                backward: step.backward,
            }
        })
        .collect();
    let legend = format!(
        "{}: the loss and the model, snapshot by snapshot, for the values picked",
        parts.title
    );
    // Each combination's losses as a table, shown with its values.
    let tables: String = (drawn.iter())
        .filter_map(|(var, _, _)| {
            let t = var.runs.first()?.training.as_deref()?;
            Some(format!(
                "<div class=\"{}\">{}</div>\n",
                classes(&var.picks),
                figures::data_table::loss_table(t)
            ))
        })
        .collect();
    let stepper = stepper(&fid, &legend, "", &panels, &parts.jumps, true);
    varied(s, &runs[0].variants, &(stepper + &tables))
}

/// A still figure with `vary` (graph, rule card, step-size, compare): each
/// combination's pictures, shown while its values are picked. Every
/// picture is a lazy image of its files (the combination's own folder), so
/// only the picked one's are fetched; the downloads are the block's own.
pub(super) fn stills(
    s: &Scenario,
    runs: &[Run],
    data: &[FigureData],
    out: &mut Collected,
) -> String {
    let Some(run) = runs.first() else {
        return String::new();
    };
    let own = own(s, &run.variants);
    let dir = out.dir.clone();
    let mut html = String::new();
    for ((c, var), data) in run.variants.iter().enumerate().zip(data) {
        out.dir = variant_dir(&dir, c, own);
        let downloads = out.stills.len();
        let body = super::stills(&var.scenario, &var.runs, data, out);
        if c != own {
            out.stills.truncate(downloads);
        }
        html += &combination_div(var, &body);
    }
    out.dir = dir;
    varied(s, &runs[0].variants, &html)
}

/// Writes each file of a varied figure once: a combination's file with the
/// bytes of a file already kept (the block's own first, then the
/// combinations in order) is left out, and `html`'s references to it point
/// at the kept one. Most combinations differ in every file (each frame
/// shows the varied value), but a drawing the varied key does not reach (a
/// graph's still when only `lr` varies) is the same file in every folder.
pub(super) fn share_files(out: &mut Collected, html: &str) -> String {
    let dir = out.dir.clone();
    let in_variant = |path: &str| {
        (path.strip_prefix(&format!("{dir}/v")))
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut order: Vec<usize> = (0..out.assets.len()).collect();
    order.sort_by_key(|&i| in_variant(&out.assets[i].0));
    let mut kept: std::collections::BTreeMap<&[u8], usize> = std::collections::BTreeMap::new();
    let mut same: Vec<(usize, usize)> = Vec::new();
    for &i in &order {
        let (path, bytes) = &out.assets[i];
        match kept.get(bytes.as_slice()) {
            Some(&k) if in_variant(path) => same.push((i, k)),
            Some(_) => {}
            None => {
                kept.insert(bytes.as_slice(), i);
            }
        }
    }
    let mut html = html.to_string();
    for &(i, k) in &same {
        let (from, to) = (
            out.page.href(&out.assets[i].0),
            out.page.href(&out.assets[k].0),
        );
        for end in ['"', '#', ' '] {
            html = html.replace(&format!("{from}{end}"), &format!("{to}{end}"));
        }
    }
    let dropped: std::collections::BTreeSet<usize> = same.iter().map(|&(i, _)| i).collect();
    let mut i = 0;
    out.assets.retain(|_| {
        i += 1;
        !dropped.contains(&(i - 1))
    });
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLE: &str = include_str!("../../../templates/style.css");

    /// Most keys a `vary` has (each lists at least two values, and they
    /// make at most [`crate::scenario::MAX_VARIANTS`] combinations):
    /// style.css has a rule per key up to here.
    const MAX_KEYS: usize = 4;

    /// style.css hides every combination but the picked one with one rule
    /// per key and value: as many as a `vary` may have.
    #[test]
    fn style_css_has_a_rule_per_key_and_value_a_vary_may_have() {
        let most = crate::scenario::MAX_VARIANTS;
        for k in 0..MAX_KEYS {
            for i in 0..most {
                let rule = format!(".vary:has(>.picks>.p{k} .i{i}:checked) .va:not(.x{k}-{i})");
                assert!(STYLE.contains(&rule), "{rule}");
            }
        }
        assert!(!STYLE.contains(&format!(".p{MAX_KEYS} ")));
        assert!(!STYLE.contains(&format!(".i{most}:checked) .va")));
        // Two values per key make the most keys.
        assert!((1usize << MAX_KEYS..1usize << (MAX_KEYS + 1)).contains(&most));
    }

    #[test]
    fn a_combination_is_classed_by_its_values_key_by_key() {
        assert_eq!(classes(&[2, 0]), "va x0-2 x1-0");
        assert_eq!(variant_dir("f/p/b", 3, 3), "f/p/b");
        assert_eq!(variant_dir("f/p/b", 1, 3), "f/p/b/v1");
    }
}
