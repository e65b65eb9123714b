//! The bundled explainer, built for real into a temporary folder.

use seen::render::hook::Figures;
use seen::render::svg::PRESENTATION;
use seen::site::{BuildConfig, build};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{manifest_dir, snapshot};

/// Copies content/ and templates/ into a fresh site folder.
fn copy_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["content", "templates"] {
        for e in walkdir::WalkDir::new(manifest_dir().join(sub)) {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(manifest_dir()).unwrap();
            let to = dir.path().join(rel);
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
    }
    dir
}

/// A fresh build of the bundled explainer: (its site folder, every output
/// file).
fn build_fresh() -> (tempfile::TempDir, BTreeMap<PathBuf, Vec<u8>>) {
    let site = copy_site();
    let config = BuildConfig::new(site.path(), "Autograd, Seen");
    let report = build(&config, &Figures).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.pages >= 1 && report.figures >= 10, "{report}");
    // No page is over the weight goal (the only warning is the diverging
    // learning rate the training page shows on purpose).
    assert!(
        (report.warnings.iter()).all(|w| !w.message.contains("KB gzip")),
        "{report}"
    );
    let files = snapshot(&site.path().join("public"));
    (site, files)
}

/// The output files of one build of the bundled explainer, shared by the
/// tests that only read it (a debug build trains the page's networks, so
/// one build instead of one per test saves seconds of every `cargo test`).
fn built() -> &'static BTreeMap<PathBuf, Vec<u8>> {
    static BUILT: std::sync::OnceLock<BTreeMap<PathBuf, Vec<u8>>> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| build_fresh().1)
}

fn index(files: &BTreeMap<PathBuf, Vec<u8>>) -> String {
    page(files, "index.html")
}

/// One built page of the bundled explainer.
fn page(files: &BTreeMap<PathBuf, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[Path::new(name)].clone()).unwrap()
}

/// Every built page of the bundled explainer (a course of several), one
/// after the other.
fn all_pages(files: &BTreeMap<PathBuf, Vec<u8>>) -> String {
    let pages: Vec<String> = (files.keys())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| page(files, p.to_str().unwrap()))
        .collect();
    assert!(pages.len() > 1, "the bundled explainer is a course");
    pages.join("\n")
}

#[test]
fn every_section_of_the_outline_is_there() {
    let files = built();
    let html = all_pages(files);
    let headings: Vec<&str> = html
        .split("<h2")
        .skip(1)
        .map(|h| &h[..h.find("</h2>").unwrap()])
        .collect();
    for section in [
        "What autodiff is",
        "A graph sketch",
        "The rulebook",
        "One example",
        "modules",
        "Three examples",
        "What an engine really stores",
    ] {
        assert!(
            headings.iter().any(|h| h.contains(section)),
            "no section {section:?} in {headings:?}"
        );
    }
    for kind in ["trace", "graph", "rule", "compare", "batch", "step-size"] {
        assert!(
            html.contains(&format!("<figure class=\"fig {kind}\"")),
            "no {kind} figure"
        );
    }
}

#[test]
fn steppers_have_one_step_per_engine_step_and_show_the_engines_numbers() {
    let files = built();
    let html = all_pages(files);
    let runs = crate::support::explainer_runs();
    let mut traced = 0;
    for (s, rs) in &runs {
        for run in rs {
            let name = format!("name=\"{}-{}-step\"", s.id, run.view.name());
            let radios = html.matches(&name).count();
            if radios == 0 {
                continue;
            }
            traced += 1;
            // Messages to constants, and to inputs unless `input_grads`,
            // are computed but not told.
            let told = (run.messages.iter())
                .filter(|m| match run.graph().nodes[m.to].kind {
                    seen::engine::Kind::Const => false,
                    seen::engine::Kind::Input => run.input_grads,
                    _ => true,
                })
                .count();
            let expected = 1 + run.forward.len() + 1 + told + 1 + usize::from(run.update.is_some());
            assert_eq!(radios, expected, "{} {}", s.id, run.view.name());
            // The legend counts the same messages as the steps (one story).
            if s.group.is_none() {
                // A block with `vary` says its stepper shows the values picked.
                let picked = if s.vary.is_empty() {
                    ""
                } else {
                    ", for the values picked"
                };
                let legend = format!(
                    "{} ({} view){picked}: {} forward steps, then {told} backward messages",
                    s.title.as_deref().unwrap_or(&s.id),
                    run.view.name(),
                    run.forward.len()
                );
                assert!(html.contains(&legend), "no legend \"{legend}\"");
            }
            // Every param's gradient (and updated value) appears as the engine computed it.
            for id in run.graph().leaves(seen::engine::Kind::Param) {
                let grad = seen::text::num(run.graph().nodes[id].grad);
                assert!(html.contains(&grad), "{}: gradient {grad} not shown", s.id);
            }
            if let Some(u) = &run.update {
                for (name, _, _, after) in &u.params {
                    let after = seen::text::num(*after);
                    assert!(
                        html.contains(&after),
                        "{}: updated {name} = {after} not shown",
                        s.id
                    );
                }
                let out = seen::text::num(u.output_after);
                assert!(
                    html.contains(&out),
                    "{}: loss after the update {out} not shown",
                    s.id
                );
            }
        }
    }
    assert!(traced >= 1, "no stepper found");
    // The single example's final gradients, from the engine, in the ledger.
    let single = runs
        .iter()
        .find(|(s, _)| s.id == "single")
        .expect("block single");
    let g = single.1[0].graph();
    for name in ["w", "b"] {
        let id = g.find(name).unwrap();
        let text = format!("∂loss/∂{name} = {}", seen::text::num(g.nodes[id].grad));
        assert!(html.contains(&text), "ledger lacks {text}");
    }
}

#[test]
fn output_has_no_script_no_handlers_no_inline_style_and_a_csp_everywhere() {
    let files = built();
    let handler = |s: &str| {
        s.match_indices(" on").any(|(i, _)| {
            let rest = &s[i + 3..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            !name.is_empty() && rest[name.len()..].starts_with('=')
        })
    };
    let mut pages = 0;
    for (path, bytes) in files {
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let lower = text.to_lowercase();
        assert!(!lower.contains("<script"), "{path:?} has a script");
        assert!(
            !lower.contains("javascript:"),
            "{path:?} has a javascript: URL"
        );
        assert!(
            !lower.contains("style=\""),
            "{path:?} has a style attribute"
        );
        assert!(!handler(&lower), "{path:?} has an on…= handler");
        if path.extension().is_some_and(|e| e == "html") {
            pages += 1;
            assert!(
                text.contains(
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"
                ),
                "{path:?} lacks the CSP"
            );
            assert!(!lower.contains("<style"), "{path:?} has a style element");
        }
    }
    assert!(pages >= 1);
}

#[test]
fn two_builds_give_identical_bytes() {
    let x = built();
    let (_b, y) = build_fresh();
    assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
    for (k, v) in x {
        assert!(y[k] == *v, "{k:?} differs between builds");
    }
}

#[test]
fn a_failed_build_leaves_the_output_untouched() {
    let site = copy_site();
    let config = BuildConfig::new(site.path(), "Autograd, Seen");
    build(&config, &Figures).unwrap();
    let before = snapshot(&site.path().join("public"));
    let page = site.path().join("content/index.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text += "\n```autograd\nid = \"broken\"\ngraph = \"y = log(-1)\"\n```\n";
    std::fs::write(&page, &text).unwrap();
    let err = build(&config, &Figures).unwrap_err().to_string();
    let line = text.lines().count() - 1;
    assert!(
        err.contains(&format!("index.md:{line}:")),
        "error not at line {line}: {err}"
    );
    assert!(err.contains("log"), "{err}");
    assert_eq!(
        snapshot(&site.path().join("public")),
        before,
        "public/ changed after a failed build"
    );
}

#[test]
fn downloads_are_linked_relatively_and_exist() {
    let files = built();
    let mut links = 0;
    for name in [
        "index.html",
        "one-example.html",
        "training.html",
        "engine.html",
    ] {
        let html = page(files, name);
        for part in html.split("href=\"").skip(1) {
            let href = &part[..part.find('"').unwrap()];
            if href.starts_with('#') || href.starts_with("http") {
                continue;
            }
            assert!(!href.starts_with('/'), "{name}: absolute link {href}");
            let (target, anchor) = href.split_once('#').unwrap_or((href, ""));
            assert!(
                files.contains_key(Path::new(target)),
                "{name}: broken link {href}"
            );
            // A link to another page's part lands on an element of that page.
            if target.ends_with(".html") && !anchor.is_empty() {
                let there = page(files, target);
                assert!(
                    there.contains(&format!(" id=\"{anchor}\"")),
                    "{name}: {href} has no target"
                );
            }
            links += 1;
        }
    }
    assert!(links > 20, "only {links} relative links");
    let json = &files[Path::new("figures/one-example/single/trace.json")];
    let v: serde_json::Value = serde_json::from_slice(json).unwrap();
    assert_eq!(v["scenarios"][0]["id"], "single");
}

/// Every frame of every stepper is a lazily loaded picture of its layouts:
/// views of the frames files written beside the page (left to right, and
/// top to bottom for a narrow screen, with a phone's view of each step
/// when even that is wider than a phone), each source with its view's size
/// and the media query that shows it. The files carry the page's palette
/// with their own dark-mode rules. Nothing of a trace is drawn inline.
#[test]
fn every_frame_is_a_lazy_picture_of_its_layouts() {
    let files = built();
    let html = all_pages(files);
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag
            .find(&format!(" {name}=\""))
            .map(|i| i + name.len() + 3)?;
        Some(tag[at..at + tag[at..].find('"')?].to_string())
    };
    let view_exists = |url: &str| {
        let (file, view) = url.split_once('#').unwrap();
        let svg = String::from_utf8(files[Path::new(file)].clone()).unwrap();
        assert!(
            svg.contains(&format!("<view id=\"{view}\" ")),
            "{url}: no <view id=\"{view}\"> in the file"
        );
        file.to_string()
    };
    let mut imgs = 0;
    let mut strips = std::collections::BTreeSet::new();
    for tag in html.split("<img ").skip(1) {
        let tag = &format!(" {}", &tag[..tag.find('>').unwrap()]);
        let src = attr(tag, "src").unwrap();
        if !src.contains('#') {
            continue;
        }
        imgs += 1;
        assert_eq!(attr(tag, "loading").as_deref(), Some("lazy"), "{tag}");
        // The alt names the step (a shared stepper's, also its dataset);
        // the figure is named once, by the stepper's legend.
        assert!(
            attr(tag, "alt").is_some_and(|a| a.starts_with("Step ") || a.contains(", step ")),
            "{tag}"
        );
        assert!(
            attr(tag, "width").is_some() && attr(tag, "height").is_some(),
            "{tag}"
        );
        strips.insert(view_exists(&src));
    }
    assert!(imgs > 100, "only {imgs} image frames");
    let mut sources = 0;
    for tag in html.split("<source ").skip(1) {
        let tag = &format!(" {}", &tag[..tag.find('>').unwrap()]);
        let src = attr(tag, "srcset").unwrap();
        if !src.contains('#') {
            continue;
        }
        sources += 1;
        assert!(
            attr(tag, "media").is_some_and(|m| m.contains("max-width")),
            "{tag}"
        );
        assert!(
            attr(tag, "width").is_some() && attr(tag, "height").is_some(),
            "{tag}"
        );
        strips.insert(view_exists(&src));
    }
    assert!(sources >= imgs, "{sources} sources for {imgs} frames");
    for file in &strips {
        let svg = String::from_utf8(files[Path::new(file.as_str())].clone()).unwrap();
        assert!(
            svg.contains(
                &seen::render::theme::image_css()
                    .lines()
                    .next()
                    .unwrap()
                    .to_string()
            ),
            "{file}: not the page's palette"
        );
        let dark = svg.find("@media (prefers-color-scheme: dark)").expect(file);
        for (var, _, d) in seen::render::theme::PAGE_VARS {
            assert!(
                svg[dark..].contains(&format!("{var}: {d};")),
                "{file}: {var}"
            );
        }
    }
    // The single trace's first step: top to bottom until its left-to-right
    // frame fits the column (the viewport less 2 × 16 px), then that.
    let single = &html[html.find("id=\"single-atomic-s0\"").unwrap()..];
    let first = &single[..single.find("id=\"single-atomic-s1\"").unwrap()];
    assert!(!first.contains("<svg "), "an inline frame");
    // `single` varies `x` (−2, −0.5, 1.6, 3): each step holds a frame per
    // value, classed by it; the block's own, 1.6, is value 2, and its
    // files are the figure's own (the others' are in v0/, v1/, v3/).
    let pic = &first[first.find("<picture class=\"frame va x0-2\">").unwrap()..];
    let pic = &pic[..pic.find("</picture>").unwrap()];
    let source = &pic[pic.find("<source ").unwrap()..];
    let img = &pic[pic.find("<img ").unwrap()..];
    assert_eq!(
        attr(source, "srcset").as_deref(),
        Some("figures/one-example/single/atomic-frames-tb.svg#step-1")
    );
    assert_eq!(
        attr(img, "src").as_deref(),
        Some("figures/one-example/single/atomic-frames.svg#step-1")
    );
    let lr_w: f64 = attr(img, "width").unwrap().parse().unwrap();
    assert_eq!(
        attr(source, "media").unwrap(),
        format!("screen and (max-width: {}px)", (lr_w + 32.0).ceil() - 1.0)
    );
    // A tab hidden at load: nothing inline, its stills are lazy images of
    // files that carry the page's palette.
    let hidden = &html[html.find("id=\"batch-boundary\"").unwrap()..];
    let hidden = &hidden[..hidden.find("</figure>").unwrap()];
    assert!(
        !hidden.contains("<svg "),
        "an inline drawing in a hidden tab"
    );
    assert!(html.contains("batch-boundary/modules-frames.svg#step-1\""));
    // The batch plot is a picture of its two widths: a phone's below the
    // width where the wide one fits.
    assert!(hidden.contains(
        "<img class=\"still-img graph-img\" src=\"figures/training/batch-boundary/modules-plot.svg\""
    ));
    assert!(hidden.contains("srcset=\"figures/training/batch-boundary/modules-plot-tb.svg\""));
    let card = &html[html.find("id=\"rule-add\"").unwrap()..];
    assert!(
        card[..card.find("</figure>").unwrap()].contains("src=\"figures/index/rule-add/rule.svg\"")
    );
    let still =
        String::from_utf8(files[Path::new("figures/index/rule-add/rule.svg")].clone()).unwrap();
    assert!(
        still.contains("@media (prefers-color-scheme: dark)") && still.contains("svg .rule-rows")
    );
}

/// The three datasets of section VI run the same graph, so they share one
/// stepper: one set of step radios, controls and jump list for the group,
/// and in each step one frame and one narration per dataset (class
/// `vr vK`, K the dataset's tab), each frame a picture of views of its own
/// dataset's frames files. The dataset tabs keep the tables and plots.
#[test]
fn a_batch_group_shares_one_stepper_with_a_variant_per_dataset() {
    let files = built();
    let html = page(files, "training.html");
    let group = &html[html.find("<div class=\"group\" id=\"datasets\">").unwrap()..];
    let group = &group[..group.find("\n</fieldset>\n</div>\n").unwrap()];
    assert!(
        group.starts_with(
            "<div class=\"group\" id=\"datasets\">\n<fieldset class=\"st tabs ds n3\">"
        )
    );
    let datasets = ["batch-clean", "batch-boundary", "batch-disagree"];
    // One stepper in the group, before the dataset panels.
    assert_eq!(group.matches("<fieldset class=\"st stepper").count(), 1);
    let both = group.find("<figure class=\"fig trace both\">").unwrap();
    assert!(both < group.find("<section class=\"k0\">").unwrap());
    let n = 33;
    assert_eq!(group.matches("name=\"datasets-modules-step\"").count(), n);
    assert_eq!(group.matches("type=\"radio\"").count(), n + datasets.len());
    assert_eq!(group.matches("<div class=\"pn\"").count(), n);
    assert_eq!(group.matches("class=\"jump").count(), 12);
    for k in 0..n {
        let step = &group[group
            .find(&format!("id=\"datasets-modules-s{k}\""))
            .unwrap()..];
        let step = &step[step.find("<div class=\"step\">").unwrap()..];
        let step = &step[..step.find("<div class=\"pn\"").unwrap()];
        for (t, d) in datasets.iter().enumerate() {
            // One frame and one narration per dataset.
            assert_eq!(
                step.matches(&format!("class=\"frame vr v{t}\"")).count(),
                1,
                "step {k}"
            );
            assert_eq!(
                step.matches(&format!("<p class=\"vr v{t}\">")).count(),
                1,
                "step {k}"
            );
            let src = format!("figures/training/{d}/modules-frames.svg");
            let pic = &step[step
                .find(&format!("<picture class=\"frame vr v{t}\">"))
                .unwrap()..];
            let img = &pic[pic.find("<img class=\"frame\" src=\"").unwrap()..];
            assert!(
                img.contains(&format!("src=\"{src}#step-{}\"", k + 1)),
                "step {k}, {d}"
            );
            let svg = String::from_utf8(files[Path::new(&src)].clone()).unwrap();
            assert!(
                svg.contains(&format!("<view id=\"step-{}\" ", k + 1)),
                "{src}"
            );
        }
    }
    // Each dataset's panel keeps its figure (tables, plot, downloads) and
    // has no stepper of its own.
    for d in datasets {
        let fig = &group[group
            .find(&format!("<figure class=\"fig batch\" id=\"{d}\">"))
            .unwrap()..];
        let fig = &fig[..fig.find("</figure>").unwrap()];
        assert!(
            !fig.contains("stepper")
                && fig.contains("batch-contributions")
                && fig.contains("-plot")
        );
    }
    // The one stylesheet hides the other datasets' variants without a rule
    // per figure or step.
    let css = String::from_utf8(files[Path::new("style.css")].clone()).unwrap();
    assert!(css.contains(".ds>.s2:checked~.view .vr:not(.v2)"));
    // The explainer is a course: every page has its navigation, styled.
    assert!(css.contains(".course-nav") && html.contains("<nav class=\"course-nav\""));
}

/// Batches that do not run the same steps (here two examples against
/// three) cannot share a stepper: each tab keeps its own, as any tab group.
#[test]
fn a_batch_group_with_different_steps_keeps_a_stepper_per_tab() {
    let site = copy_site();
    let block = |id: &str, examples: &str| {
        format!(
            "```autograd\nid = \"{id}\"\ntitle = \"{id}\"\ngroup = \"sets\"\nparams = {{ w = 0.5 }}\nexamples = [ {examples} ]\ngraph = \"\"\"\ny = w * x\nloss = (y - t) ^ 2\n\"\"\"\nupdate = {{ lr = 0.1 }}\nfigure = \"batch\"\n```\n\n"
        )
    };
    let md = format!(
        "+++\ntitle = \"Sets\"\n+++\n\n# Sets\n\n{}{}",
        block("two", "{ x = 1.0, t = 2.0 }, { x = -1.0, t = 0.5 }"),
        block(
            "three",
            "{ x = 1.0, t = 2.0 }, { x = -1.0, t = 0.5 }, { x = 2.0, t = 1.0 }"
        )
    );
    for e in std::fs::read_dir(site.path().join("content")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    std::fs::write(site.path().join("content/index.md"), md).unwrap();
    let config = BuildConfig::new(site.path(), "Sets");
    build(&config, &Figures).unwrap_or_else(|e| panic!("{e}"));
    let html = index(&snapshot(&site.path().join("public")));
    assert!(html.contains("<fieldset class=\"st tabs n2\">"), "{html}");
    assert!(!html.contains(" ds ") && !html.contains("class=\"frame vr"));
    assert_eq!(html.matches("<fieldset class=\"st stepper").count(), 2);
    assert!(html.contains("id=\"two-atomic-s0\"") && html.contains("id=\"three-atomic-s0\""));
}

/// The two training runs of section VII (zero_grad and not) take the same
/// 30 steps, so they share one stepper: the reader switches runs and stays
/// at the same snapshot. A step's radio names the step without the loss
/// (which differs per run); each step holds each run's snapshot and
/// narration, the loss in both.
#[test]
fn a_training_group_shares_one_stepper_with_a_variant_per_run() {
    let files = built();
    // Each run's snapshots draw the other run's loss curve, dashed, and
    // name it (the whole title wide, its part before `:` on a phone).
    for (run, other, short) in [
        (
            "train-forgot",
            "Correct: zero_grad before every step",
            "Correct",
        ),
        (
            "train-disagree",
            "Forgotten: zero_grad = false",
            "Forgotten",
        ),
    ] {
        for (file, name) in [("snapshots.svg", other), ("snapshots-narrow.svg", short)] {
            let svg = page(files, &format!("figures/training/{run}/{file}"));
            assert_eq!(
                svg.matches("class=\"loss-peer\"").count(),
                1,
                "{run}/{file}"
            );
            assert!(
                svg.contains(&format!(">{name}</text>")),
                "{run}/{file}: no {name:?}"
            );
        }
    }
    let html = page(files, "training.html");
    let group = &html[html.find("<div class=\"group\" id=\"training\">").unwrap()..];
    let group = &group[..group.find("\n</fieldset>\n</div>\n").unwrap()];
    assert!(group.contains("<fieldset class=\"st tabs ds n2\">"));
    assert_eq!(group.matches("<fieldset class=\"st stepper").count(), 1);
    let both = group.find("<figure class=\"fig training both\">").unwrap();
    assert!(both < group.find("<section class=\"k0\">").unwrap());
    let n = 31;
    assert_eq!(group.matches("name=\"training-training-step\"").count(), n);
    for k in 0..n {
        let radio = &group[group
            .find(&format!("id=\"training-training-s{k}\""))
            .unwrap()..];
        let label = &radio[radio.find("aria-label=\"").unwrap() + 12..];
        let label = &label[..label.find('"').unwrap()];
        // A part's first step begins with its jump label (WCAG 2.5.3).
        let part = match k {
            0 => "Start: ",
            15 => "Halfway: ",
            30 => "Last step: ",
            _ => "",
        };
        assert_eq!(label, format!("{part}step {k} of 30"));
        let step = &radio[radio.find("<div class=\"step\">").unwrap()..];
        let step = &step[..step.find("<div class=\"pn\"").unwrap()];
        for (t, run) in ["Correct", "Forgotten"].iter().enumerate() {
            let p = &step[step.find(&format!("<p class=\"vr v{t}\">")).unwrap()..];
            assert!(
                p.contains(&format!("{run}: ")) && p.contains(&format!("Step {k} of 30: loss ")),
                "step {k}: {p}"
            );
            // Every snapshot is a picture: a phone's drawing on a narrow
            // screen, the wide one otherwise; neither inline.
            assert!(!step.contains("<svg "), "step {k}: an inline drawing");
            let pic = &step[step
                .find(&format!("<picture class=\"frame vr v{t}\">"))
                .unwrap()..];
            let pic = &pic[..pic.find("</picture>").unwrap()];
            assert!(
                pic.contains(&format!("snapshots-narrow.svg#step-{}\"", k + 1))
                    && pic.contains(&format!("snapshots.svg#step-{}\"", k + 1))
                    && pic.contains(&format!("alt=\"{run}")),
                "step {k}: {pic}"
            );
        }
    }
    // Each run's panel keeps its downloads and has no stepper of its own.
    for id in ["train-disagree", "train-forgot"] {
        let fig = &group[group
            .find(&format!("<figure class=\"fig training\" id=\"{id}\">"))
            .unwrap()..];
        let fig = &fig[..fig.find("</figure>").unwrap()];
        assert!(!fig.contains("stepper") && fig.contains("snapshots.svg\" download"));
    }
}

/// `(name, [(attribute, value)])` of the element a line of SVG opens, or
/// `None` for a line that opens none (text, a closing tag).
fn element(line: &str) -> Option<(&str, Vec<(&str, &str)>)> {
    let body = line.trim_start().strip_prefix('<')?;
    if !body.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let tag = &body[..body.find('>')?];
    let name_end = tag.find([' ', '/']).unwrap_or(tag.len());
    let mut attrs = Vec::new();
    let mut at = &tag[name_end..];
    while let Some(eq) = at.find("=\"") {
        let end = eq + 2 + at[eq + 2..].find('"')?;
        attrs.push((at[..eq].trim(), &at[eq + 2..end]));
        at = &at[end + 1..];
    }
    Some((&tag[..name_end], attrs))
}

/// The rules of a stylesheet, `(selector, declarations)`, media queries
/// flattened: the innermost `selectors { … }` blocks, each selector apart.
fn css_rules(css: &str) -> Vec<(String, String)> {
    let mut rules = Vec::new();
    let mut rest = css;
    while let Some(close) = rest.find('}') {
        let block = &rest[..close];
        if let Some(open) = block.rfind('{') {
            let start = block[..open].rfind(['}', '{', '/']).map_or(0, |i| i + 1);
            for sel in block[start..open].split(',') {
                rules.push((sel.trim().to_string(), block[open + 1..].to_string()));
            }
        }
        rest = &rest[close + 1..];
    }
    rules
}

/// Whether a rule of `rules` without ancestors (`:where(.c)` or
/// `tag.c.c`) sets `attr` on an element `name` of `classes`, to `value`
/// when it is a `:where` class standing for the attribute.
fn styled(
    rules: &[(String, String)],
    name: &str,
    classes: &[&str],
    attr: &str,
    value: &str,
) -> bool {
    let px = format!("{value}px");
    rules.iter().any(|(sel, decls)| {
        let set = |v: &str| {
            decls
                .split(';')
                .filter_map(|d| d.split_once(':'))
                .any(|(p, x)| p.trim() == attr && (v.is_empty() || x.trim() == v))
        };
        if let Some(c) = sel
            .strip_prefix(":where(.")
            .and_then(|s| s.strip_suffix(')'))
        {
            return classes.contains(&c)
                && (set(value) || set(&px) || (value == "bold" && set("bold")));
        }
        let mut parts = sel.split('.');
        let tag = parts.next().unwrap_or_default();
        let needs: Vec<&str> = parts.collect();
        tag == name && !needs.is_empty() && needs.iter().all(|c| classes.contains(c)) && set("")
    })
}

/// The page's inline stills (graph, rule card, compare, step size, batch
/// plot) and a training figure's shared drawing and first snapshot are
/// lean: no presentation attribute below the root. Each attribute their
/// standalone twin (the download, the lazily loaded file) carries is
/// instead given by a rule of style.css: the class standing for it, or a
/// class rule that always sets that property on the element.
#[test]
fn inline_stills_are_lean_and_style_css_styles_every_attribute_they_left_out() {
    let files = built();
    let html = all_pages(files);
    let css = String::from_utf8(files[Path::new("style.css")].clone()).unwrap();
    let rules = css_rules(&css);
    // Each inline drawing, from the line after its root: (the line its
    // standalone twin shares, the lines to compare).
    let mut drawings: Vec<(String, Vec<&str>)> = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for chunk in html.split("<svg ").skip(1) {
        let svg = &chunk[..chunk.find("</svg>").unwrap()];
        let root = &svg[..svg.find('>').unwrap()];
        let lines: Vec<&str> = svg.lines().skip(1).collect();
        let class = root
            .split("class=\"")
            .nth(1)
            .map(|c| &c[..c.find('"').unwrap()]);
        match class {
            Some(c) if c.starts_with("figure ") || c == "training-frame" => {
                kinds.insert(c.to_string());
                drawings.push((lines[0].trim().to_string(), lines));
            }
            Some("defs") if svg.contains("tr-") => {
                kinds.insert("training defs".to_string());
                drawings.push((lines[1].trim().to_string(), lines[1..].to_vec()));
            }
            _ => {}
        }
    }
    // (Graph stills, rule cards, training snapshots, the step-size plot
    // and the batch plot are pictures of their two layouts.)
    assert!(
        kinds.contains("figure shift"),
        "no inline shift drawing in the page: {kinds:?}"
    );
    let standalone: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "svg"))
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .collect();
    let mut checked = 0;
    for (first, lines) in &drawings {
        let twin = standalone
            .iter()
            .find_map(|f| {
                let at = f.find(&format!("{first}\n"))?;
                let start = f[..at].rfind('\n').map_or(0, |i| i + 1);
                Some(f[start..].lines().collect::<Vec<_>>())
            })
            .unwrap_or_else(|| panic!("no standalone file draws {first}"));
        for (inline, file) in lines.iter().zip(&twin) {
            let (Some((name, attrs)), Some((fname, fattrs))) = (element(inline), element(file))
            else {
                assert_eq!(inline.trim(), file.trim(), "{first}");
                continue;
            };
            assert_eq!(name, fname, "{first}: {inline} / {file}");
            for (k, v) in &attrs {
                assert!(
                    !PRESENTATION.contains(k),
                    "{first}: the inline copy carries {k}=\"{v}\": {inline}"
                );
            }
            let classes: Vec<&str> = attrs
                .iter()
                .find(|(k, _)| *k == "class")
                .map_or(Vec::new(), |(_, v)| v.split(' ').collect());
            for (k, v) in fattrs {
                if PRESENTATION.contains(&k) {
                    checked += 1;
                    assert!(
                        styled(&rules, name, &classes, k, v),
                        "{first}: nothing in style.css gives {name}.{} its {k}=\"{v}\"",
                        classes.join(".")
                    );
                } else if k != "class" {
                    assert!(
                        attrs.contains(&(k, v)),
                        "{first}: {k}=\"{v}\" lost: {inline}"
                    );
                }
            }
        }
    }
    // (The inline stills left are the batch's shift drawings: 59
    // attributes; 1000 and more when every plot and the first training
    // snapshot were inline.)
    assert!(checked > 40, "only {checked} attributes compared");
}

/// Math reads as it is meant: a function name is set apart from its
/// argument (`log p`, not `logp`), and words inside a formula from the
/// symbols beside them (`b uses a`, not `busesa`). MathML draws adjacent
/// tokens without a space, so the LaTeX must ask for one (`\,`, `\;`).
#[test]
fn math_keeps_words_and_function_names_apart_from_their_neighbours() {
    let html = all_pages(built());
    let mut formulas = 0;
    for math in html.split("<math").skip(1) {
        let math = &math[..math.find("</math>").unwrap()];
        formulas += 1;
        for f in ["log", "ln", "exp", "tanh", "min", "max"] {
            // The base of a power (`tanh²`) is followed by its exponent.
            let bare = math.replace(&format!("<msup><mi>{f}</mi>"), "");
            for next in ["<mi>", "<mn>", "<mi mathvariant"] {
                let glued = format!("<mi>{f}</mi>{next}");
                assert!(
                    !bare.contains(&glued),
                    "`{f}` glued to its argument in {math}"
                );
            }
        }
        assert!(
            !math.contains("</mi><mtext>") && !math.contains("</mtext><mi>"),
            "a word glued to a symbol in {math}"
        );
    }
    assert!(formulas > 100, "only {formulas} formulas");
}

/// Screen-reader and zoom readers (issue 24 items 5 and 6), on the built
/// course: every display formula is in a focusable box that scrolls
/// sideways, every code block a focusable group named by its language,
/// drawings' regions named in words (no file names), and the step-size
/// plot and every training run carry their numbers as a table.
#[test]
fn formulas_code_regions_and_plot_tables_for_every_reader() {
    let all = all_pages(built());
    let display = all.matches("<math display=\"block\"").count();
    assert!(display > 0);
    assert_eq!(
        all.matches("<span class=\"math-scroll\" tabindex=\"0\" role=\"group\" aria-label=\"formula\"><math display=\"block\"").count(),
        display,
        "every display formula in a focusable scroll box"
    );
    let pres = all.matches("<pre").count();
    assert!(pres > 0);
    assert_eq!(
        all.matches("<pre tabindex=\"0\" role=\"group\" aria-label=\"Python code\">")
            .count(),
        pres,
        "every code block focusable and named"
    );
    for name in all
        .split("aria-label=\"")
        .skip(1)
        .map(|t| &t[..t.find('"').unwrap()])
    {
        assert!(
            !name.contains("drawing:"),
            "a build word in a region name: {name}"
        );
    }
    // The step-size plot's 25 points, and a table per training run (the
    // zero_grad group's two runs and the moons).
    let index = page(built(), "index.html");
    let table = &index[index
        .find("<details class=\"data\">")
        .expect("the step-size table")..];
    let table = &table[..table.find("</details>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), 26, "a head and 25 points");
    let training = page(built(), "training.html");
    // The zero_grad group's two runs, the moons, and one per learning rate
    // of the varied run (each shown with its values).
    assert_eq!(
        training
            .matches("<summary>The loss as a table</summary>")
            .count(),
        3 + 4
    );
}

/// Paper cannot pick: a varied figure carries every combination's key
/// numbers in a table that only print shows, each row the engine's run of
/// that combination (the single trace's x = −2 flips ∂loss/∂w to positive).
#[test]
fn a_varied_figure_prints_every_combination_in_a_table() {
    let page = page(built(), "one-example.html");
    let table = &page[page
        .find("<table class=\"vary-print\">")
        .expect("the print table")..];
    let table = &table[..table.find("</table>").unwrap()];
    let runs = crate::support::explainer_runs();
    let (_, rs) = runs.iter().find(|(s, _)| s.id == "single").unwrap();
    let variants = &rs[0].variants;
    assert_eq!(table.matches("<tr>").count(), variants.len() + 1);
    for var in variants.iter() {
        let run = &var.runs[0];
        let g = run.graph();
        let w = (0..g.len())
            .find(|&i| g.nodes[i].name.as_deref() == Some("w"))
            .unwrap();
        let row = format!(
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            seen::text::num(var.set[0].1),
            seen::text::num(g.nodes[run.output()].value),
            seen::text::num(g.nodes[w].grad)
        );
        assert!(table.contains(&row), "{row} not in {table}");
    }
    let css = String::from_utf8(built()[&std::path::PathBuf::from("style.css")].clone()).unwrap();
    assert!(
        css.contains(".vary-print{display:none;}"),
        "hidden on screen"
    );
}

/// A page whose HTML is over 50 KB gzip is built, with a warning naming it
/// and its weight; the bundled explainer's pages get none.
#[test]
fn a_page_over_the_weight_goal_is_built_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::write(dir.path(), "seen.toml", "title = \"T\"\n");
    // Words gzip cannot shrink much: hex numbers from a xorshift.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut words = String::new();
    for _ in 0..40_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        words += &format!("{:x} ", x % 0xff_ffff);
    }
    crate::support::write(
        dir.path(),
        "content/index.md",
        &format!("+++\ntitle = \"Heavy\"\n+++\n\n{words}\n"),
    );
    let out = crate::support::seen_in(&["build"], dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("content/index.md: warning: the page's HTML is ")
            && err.contains("KB gzip, over the 50 KB a page should weigh at load"),
        "{err}"
    );
    assert!(dir.path().join("public/index.html").is_file());
}
