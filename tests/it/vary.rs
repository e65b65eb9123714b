//! `vary`: what-if variants. `seen trace` lists every combination in the
//! specified order, each one the same run as a block written with its
//! values; a diverging variant is drawn and warned about, not refused.

use serde_json::Value;

use crate::support::{close, seen, write};

const NEURON: &str = r#"id = "neuron-whatif"
params = { w = 1.2, b = -0.1 }
inputs = { x = 1.6, y = 1 }
graph = """
z = w * x + b
p = sigmoid(z)
loss = bce(p, y)
"""
update = { lr = 0.5 }
"#;

fn page(body: &str) -> String {
    format!("# Page\n\nSome prose.\n\n```autograd\n{body}```\n")
}

/// `seen trace` of one block, as JSON text and value, and its stderr.
fn trace(body: &str) -> (String, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "page.md", &page(body));
    let out = seen(&["trace", &file]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{err}");
    let text = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(&text).expect("stdout is JSON");
    (text, json, err)
}

/// A site whose one page is `markdown` (after its front matter), built:
/// its folder and the page's HTML.
fn built(markdown: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "seen.toml", "title = \"T\"\n");
    let page = format!("+++\ntitle = \"V\"\n+++\n\n{markdown}");
    write(dir.path(), "content/index.md", &page);
    let out = crate::support::seen_in(&["build"], dir.path());
    assert!(out.status.success(), "{}", crate::support::describe(&out));
    let html = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    (dir, html)
}

#[test]
fn variants_come_in_cartesian_order_first_key_slowest_with_the_default_added() {
    let body = format!("{NEURON}vary = {{ x = [-2.0, -0.5, 3.0], w = [-1.0, 1.2] }}\n");
    let (text, json, _) = trace(&body);
    let s = &json["scenarios"][0];
    let variants = s["variants"].as_array().expect("variants");
    let sets: Vec<(f64, f64)> = variants
        .iter()
        .map(|v| {
            let set = v["set"].as_object().unwrap();
            assert_eq!(set.len(), 2, "{v}");
            (set["x"].as_f64().unwrap(), set["w"].as_f64().unwrap())
        })
        .collect();
    // 1.6, the block's own `x`, is added in order; `x` (written first)
    // changes slowest.
    let mut expected = Vec::new();
    for x in [-2.0, -0.5, 1.6, 3.0] {
        for w in [-1.0, 1.2] {
            expected.push((x, w));
        }
    }
    assert_eq!(sets, expected);
    // `set` keeps the keys in the order of `vary`.
    let first = text.find("\"set\"").unwrap();
    assert!(text[first..].find("\"x\"").unwrap() < text[first..].find("\"w\"").unwrap());
    // The default is among them, with the block's own numbers.
    let own = &variants[5];
    assert_eq!(own["set"]["x"], 1.6);
    assert_eq!(own["set"]["w"], 1.2);
    assert_eq!(own["output"], s["output"]);
    assert_eq!(own["nodes"], s["nodes"]);
    assert_eq!(own["update"], s["update"]);
    // Each variant has a block's fields, and no variants of its own.
    for v in variants {
        for key in ["id", "figure", "view", "seed", "output", "nodes", "update"] {
            assert!(!v[key].is_null(), "{key} in {v}");
        }
        assert!(v["variants"].is_null());
    }
}

/// The block's text with `name = old` replaced by `name = new` (the first
/// occurrence, as the block writes its values).
fn with_value(body: &str, from: &str, to: String) -> String {
    assert!(body.contains(from), "{from}");
    body.replacen(from, &to, 1)
}

#[test]
fn each_variant_is_the_run_of_a_block_written_with_its_values() {
    let body = format!("{NEURON}vary = {{ w = [-1.0, 1.2], lr = [0.1, 0.5], x = [-2, 3] }}\n");
    let s = seen::scenario::parse(&body).unwrap();
    let runs = s.analyze().unwrap();
    let variants = &runs[0].variants;
    assert_eq!(variants.len(), 2 * 2 * 3);
    let (_, json, _) = trace(&body);
    let listed = json["scenarios"][0]["variants"].as_array().unwrap();
    assert_eq!(listed.len(), variants.len());
    for (v, j) in variants.iter().zip(listed) {
        let (w, lr, x) = (v.set[0].1, v.set[1].1, v.set[2].1);
        let alone = with_value(NEURON, "w = 1.2", format!("w = {w:?}"));
        let alone = with_value(&alone, "x = 1.6", format!("x = {x:?}"));
        let alone = with_value(&alone, "lr = 0.5", format!("lr = {lr:?}"));
        let own = seen::scenario::parse(&alone).unwrap().analyze().unwrap();
        let (a, b) = (v.runs[0].graph(), own[0].graph());
        assert_eq!(a.len(), b.len());
        for (m, n) in a.nodes.iter().zip(&b.nodes) {
            assert_eq!(m.value.to_bits(), n.value.to_bits(), "{:?}", v.set);
            assert_eq!(m.grad.to_bits(), n.grad.to_bits(), "{:?}", v.set);
        }
        let (ua, ub) = (v.runs[0].update.as_ref(), own[0].update.as_ref());
        assert_eq!(ua.unwrap().output_after, ub.unwrap().output_after);
        // And the JSON says the same.
        assert_eq!(j["set"]["w"].as_f64(), Some(w));
        assert_eq!(j["update"]["lr"].as_f64(), Some(lr));
        let out = j["output"]["value"].as_f64().unwrap();
        assert!(close(out, b.nodes[own[0].output()].value, 1e-12), "{out}");
    }
}

#[test]
fn a_diverging_training_variant_is_drawn_and_warned_about_not_refused() {
    let body = "id = \"fit\"\nparams = { w = 0.0 }\nexamples = [ { x = 1.0, y = 2.0 }, { x = 2.0, y = 3.0 } ]\ngraph = \"loss = (w * x - y) ^ 2\"\ntrain = { steps = 200, lr = 0.05 }\nvary = { lr = [0.01, 2.0] }\n";
    let (_, json, err) = trace(body);
    let variants = json["scenarios"][0]["variants"].as_array().unwrap();
    let lrs: Vec<f64> = variants
        .iter()
        .map(|v| v["set"]["lr"].as_f64().unwrap())
        .collect();
    assert_eq!(lrs, [0.01, 0.05, 2.0]);
    for v in &variants[..2] {
        assert!(v["training"]["diverged_at"].is_null(), "{v}");
        assert_eq!(v["training"]["lr"], v["set"]["lr"]);
    }
    let diverged = variants[2]["training"]["diverged_at"].as_u64();
    assert!(
        diverged.is_some_and(|d| d > 1),
        "{}",
        variants[2]["training"]
    );
    assert!(
        err.contains("warning: the variant lr = 2: training diverged at step"),
        "{err}"
    );
    // Too small a rate still learns, more slowly than the block's own.
    let last = |v: &Value| {
        v["training"]["steps"].as_array().unwrap().last().unwrap()["loss"]
            .as_f64()
            .unwrap()
    };
    assert!(last(&variants[0]) > last(&variants[1]));
}

#[test]
fn an_input_shared_by_every_example_can_vary_but_one_each_example_sets_cannot() {
    let body = "id = \"fit\"\nparams = { w = 0.5 }\ninputs = { k = 1.0 }\nexamples = [ { x = 1.0, y = 2.0 }, { x = 2.0, y = 3.0 } ]\ngraph = \"loss = (w * x * k - y) ^ 2\"\ntrain = { steps = 5, lr = 0.05 }\nvary = { k = [0.5, 2] }\n";
    let s = seen::scenario::parse(body).unwrap();
    let runs = s.analyze().unwrap();
    let ks: Vec<Vec<f64>> = (runs[0].variants.iter())
        .map(|v| {
            (v.scenario.examples.iter())
                .map(|e| e.iter().find(|n| n.name == "k").unwrap().value)
                .collect()
        })
        .collect();
    assert_eq!(ks, [vec![0.5, 0.5], vec![1.0, 1.0], vec![2.0, 2.0]]);
    let e = seen::scenario::parse(&body.replace("k = [0.5, 2]", "x = [0.5, 2]")).unwrap_err();
    assert_eq!(
        e.message,
        "`vary` names `x`, which is not a param or an input that every example shares"
    );
}

#[test]
fn the_frames_budget_is_shared_among_the_variants() {
    // 9 statements make about 40 frames; 16 variants of it stay within
    // 2,000, 16 of a chain five times as long do not.
    let chain = |n: usize| -> String {
        (1..=n)
            .map(|i| match i {
                1 => "a1 = w * x".to_string(),
                _ => format!("a{i} = a{} * w", i - 1),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let block = |n: usize| {
        format!(
            "id = \"c\"\nparams = {{ w = 1.0 }}\ninputs = {{ x = 1.0 }}\ngraph = \"\"\"\n{}\n\"\"\"\nvary = {{ w = [0.5, 1.0, 1.5, 2.0], x = [1.0, 2.0, 3.0, 4.0] }}\n",
            chain(n)
        )
    };
    let s = seen::scenario::parse(&block(9)).unwrap();
    assert_eq!(s.combinations(), 16);
    assert!(s.analyze().is_ok());
    let e = seen::scenario::parse(&block(45))
        .unwrap()
        .analyze()
        .unwrap_err();
    assert!(
        e.message
            .contains("for 16 variants of `vary` (limit 2,000)"),
        "{}",
        e.message
    );
}

/// Every combination is checked against central differences like the block
/// itself: `sin(1 / x)` passes at the block's own `x` and fails the check
/// at 0.001, where it oscillates too fast for finite differences.
#[test]
fn every_variant_is_gradient_checked_like_the_block() {
    let body = "id = \"a\"\ninputs = { x = 0.5 }\ngraph = \"y = sin(1 / x)\"\n";
    let own = seen::scenario::parse(body).unwrap().analyze();
    assert!(own.is_ok());
    let varied = format!("{body}vary = {{ x = [0.001, 1] }}\n");
    let e = seen::scenario::parse(&varied)
        .unwrap()
        .analyze()
        .unwrap_err();
    assert!(
        e.message
            .starts_with("the variant x = 0.001 fails: gradient check is ill-conditioned"),
        "{}",
        e.message
    );
    assert_eq!(e.offset, varied.find("{ x = [").unwrap());
    // The same value as the block's own is checked the same way.
    let alone = seen::scenario::parse(&body.replace("0.5", "0.001")).unwrap();
    assert!(
        alone
            .analyze()
            .unwrap_err()
            .message
            .starts_with("gradient check is ill-conditioned")
    );
}

/// A still figure with `vary`: per combination, a lazy picture of its own
/// files (the block's own in the figure's folder, the others in `vN/`),
/// shown by the picker; one picker with the block's own value checked; the
/// downloads are the block's own.
#[test]
fn a_varied_graph_is_a_lazy_picture_per_combination_in_its_own_folder() {
    let block = "id = \"g\"\nparams = { w = 1.15 }\ninputs = { x = 1.6 }\ngraph = \"y = w * x\"\nfigure = \"graph\"\nvary = { x = [-2, 3] }\n";
    let (dir, html) = built(&format!("```autograd\n{block}```\n"));
    let public = dir.path().join("public");
    assert_eq!(html.matches("name=\"g-vary0\"").count(), 3);
    assert!(html.contains("id=\"g-vary0-1\" class=\"i1\" checked>"));
    assert!(html.contains("<legend><span class=\"tt\">Pick the input </span>x</legend>"));
    for (c, folder) in [(0, "g/v0/"), (1, "g/"), (2, "g/v2/")] {
        let at = html
            .find(&format!("<div class=\"va x0-{c}\">"))
            .unwrap_or_else(|| panic!("no combination {c}"));
        let end = (html[at + 1..].find("<div class=\"va ")).map_or(html.len(), |n| at + 1 + n);
        let part = &html[at..end];
        let src = format!("src=\"figures/index/{folder}atomic.svg\"");
        assert!(part.contains(&src), "{c}: {part}");
        assert!(
            part.contains("loading=\"lazy\"") && !part.contains("<svg"),
            "{c}"
        );
        assert!(
            public
                .join(format!("figures/index/{folder}atomic.svg"))
                .is_file()
        );
        assert!(
            public
                .join(format!("figures/index/{folder}atomic-tb.svg"))
                .is_file()
        );
    }
    assert_eq!(html.matches("download>atomic (SVG)</a>").count(), 1);
    assert!(html.contains("href=\"figures/index/g/atomic.svg\" download>"));
}

/// A file that is the same in every combination is written once: when
/// only `lr` varies, a graph's stills (values and gradients, no step) are
/// the block's own in every folder, so no `vN/` is written and every
/// combination's picture shows the block's own files; a trace's frames
/// differ (the last one takes the step), so each combination keeps its own.
#[test]
fn a_file_the_same_in_every_combination_is_written_once() {
    let graph = "params = { w = 1.15 }\ninputs = { x = 1.6 }\ngraph = \"y = w * x\"\nupdate = { lr = 0.1 }\nvary = { lr = [0.5, 1] }\n";
    let (dir, html) = built(&format!(
        "```autograd\nid = \"g\"\nfigure = \"graph\"\n{graph}```\n\nText.\n\n```autograd\nid = \"t\"\n{graph}```\n"
    ));
    let public = dir.path().join("public");
    let figures = public.join("figures/index");
    assert!(figures.join("g/atomic.svg").is_file());
    for c in [1, 2] {
        assert!(!figures.join(format!("g/v{c}")).exists(), "g/v{c}");
        let at = html.find(&format!("<div class=\"va x0-{c}\">")).unwrap();
        let part = &html[at..at + html[at..].find("</div>").unwrap()];
        assert!(
            part.contains("src=\"figures/index/g/atomic.svg\""),
            "{part}"
        );
        // The trace's frames take each rate's step: written per combination.
        assert!(figures.join(format!("t/v{c}/atomic-frames.svg")).is_file());
    }
    assert!(!html.contains("figures/index/g/v"));
}

/// A step drawn and told alike in every combination is one picture and one
/// narration, shown whatever the pick: a trace varied only in `lr` shares
/// every step before its update (the block's own file), and only the
/// update's frame is each rate's own.
#[test]
fn a_step_the_same_in_every_combination_is_one_picture() {
    let block = format!("{NEURON}vary = {{ lr = [0.1, 2] }}\n");
    let (_dir, html) = built(&format!("```autograd\n{block}```\n"));
    let own = "figures/index/neuron-whatif/atomic-frames-tb.svg#step-";
    let steps = (1..200)
        .take_while(|k| html.contains(&format!("{own}{k}\"")))
        .count();
    assert!(steps > 10, "{steps} steps");
    // The combinations' own frames: only where a step differs.
    let theirs = |c: usize, k: usize| {
        html.contains(&format!(
            "figures/index/neuron-whatif/v{c}/atomic-frames-tb.svg#step-{k}\""
        ))
    };
    let differing: Vec<usize> = (1..=steps).filter(|&k| theirs(0, k)).collect();
    assert!(!differing.is_empty(), "the update differs by rate");
    assert!(
        differing.len() < 4,
        "only the step's frames differ: {differing:?}"
    );
    assert!(
        differing.iter().all(|&k| theirs(2, k)),
        "each other rate draws its own update: {differing:?}"
    );
    assert!(!theirs(0, 1) && !theirs(2, 1), "the first step is shared");
    // A shared step's picture and narration carry no combination's class
    // or values; a differing step's carry each rate's.
    assert_eq!(
        html.matches(&format!("{own}1\"")).count(),
        1,
        "one picture of step 1"
    );
    assert!(html.contains("<span class=\"tt\">lr = 2: </span>"));
    let lr_prefixes = html.matches("<span class=\"tt\">lr = 2: </span>").count();
    assert_eq!(
        lr_prefixes,
        differing.len(),
        "a narration per rate only where steps differ"
    );
}
