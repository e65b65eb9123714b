//! The still figures: graph, rule card, gradient table and view notes,
//! batch (contributions, update, plot) and step size. Each figure is checked
//! for well-formedness, for numbers that come from the engine run, for the
//! CSP rules (no `style`), for unique ids and for byte-identical rebuilds.
//! Every SVG is also rendered to `/tmp/figures-look/` for a human to look at.

use seen::engine::{Kind, Op};
use seen::render::figure::{
    ERROR_FLOOR, batch, gradient_table, graph_still, rule_card, step_size, step_size_data,
    view_note,
};
use seen::render::png;
use seen::scenario::{Run, Scenario, View, parse};
use seen::story::num;

const SINGLE: &str = r#"
id = "single"
title = "One positive example"
params = { w = 1.15, b = -0.8 }
inputs = { x = 1.6 }
view = "both"
graph = """
z = w * x + b
p = sigmoid(z)
loss = -log(p)
"""
"#;

const STEP: &str = r#"
id = "step"
figure = "step-size"
wrt = "w"
params = { w = 1.15, b = -0.8 }
inputs = { x = 1.6 }
graph = """
z = w * x + b
p = sigmoid(z)
loss = -log(p)
"""
"#;

const BATCH: &str = r#"
id = "clean"
title = "Clean separation"
figure = "batch"
params = { w = 1.2, b = -0.1 }
examples = [ { x = -2.2, y = 0 }, { x = -0.6, y = 0 }, { x = 2.0, y = 1 } ]
view = "modules"
update = { lr = 0.2 }
graph = "loss = bce(sigmoid(linear(w, x, b)), y)"
"#;

fn scenario(body: &str) -> Scenario {
    parse(body).unwrap_or_else(|e| panic!("{e:?}"))
}

fn runs(s: &Scenario) -> Vec<Run> {
    s.analyze().unwrap_or_else(|e| panic!("{e:?}"))
}

fn rule_body(graph: &str, params: &str) -> String {
    format!(
        "id = \"rule\"\nfigure = \"rule\"\nseed = 0.5\nparams = {{ {params} }}\ngraph = \"{graph}\"\n"
    )
}

/// Every `id="…"` value of a document.
fn ids(doc: &str) -> Vec<String> {
    doc.match_indices(" id=\"")
        .map(|(i, m)| {
            let rest = &doc[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The checks every SVG figure passes; writes its PNG for looking at.
fn check_svg(svg: &str, name: &str) {
    assert!(!svg.contains("style="), "{name}: a style attribute");
    assert!(!svg.contains("<style"), "{name}: a style element");
    assert!(svg.contains("role=\"img\""), "{name}: no role");
    // Unique ids, and the accessible name points at the title and desc.
    let all = ids(svg);
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), all.len(), "{name}: duplicate ids {all:?}");
    assert!(all.contains(&format!("{name}-title")), "{name}: {all:?}");
    assert!(all.contains(&format!("{name}-desc")), "{name}: {all:?}");
    assert!(svg.contains(&format!("aria-labelledby=\"{name}-title {name}-desc\"")));
    // One element per line.
    for l in svg.lines() {
        let starts = l.matches('<').count() - l.matches("</").count();
        assert!(starts <= 1, "{name}: more than one element on `{l}`");
    }
    png::tree(svg).unwrap_or_else(|e| panic!("{name}: {e}"));
    let pix = png::pixmap(svg, 1.0).unwrap();
    let inked = pix
        .pixels()
        .iter()
        .filter(|c| c.red() < 200 || c.green() < 200 || c.blue() < 200)
        .count();
    assert!(inked > 500, "{name}: almost blank ({inked} inked pixels)");
    let dir = std::path::Path::new("/tmp/figures-look");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png::png(svg, 1.5).unwrap()).unwrap();
}

/// A number as an operand: negatives in parentheses (as the figures print it).
fn operand(v: f64) -> String {
    let s = num(v);
    if s.starts_with('−') {
        format!("({s})")
    } else {
        s
    }
}

/// Text content of the cells with `class="{class}" data-param="{param}"`.
fn cells(html: &str, class: &str, param: &str) -> Vec<f64> {
    let key = format!("class=\"{class}\" data-param=\"{param}\">");
    html.match_indices(&key)
        .map(|(i, _)| {
            let rest = &html[i + key.len()..];
            let text = &rest[..rest.find("</td>").unwrap()];
            let text = text.replace("<strong>", "").replace("</strong>", "");
            text.replace('−', "-").parse::<f64>().unwrap()
        })
        .collect()
}

#[test]
fn graph_still_shows_every_value_and_gradient() {
    let s = scenario(SINGLE);
    for run in runs(&s) {
        let id = format!("graph-{}", run.view.name());
        let svg = graph_still(&run, &id, "The whole graph");
        check_svg(&svg, &id);
        assert_eq!(svg, graph_still(&run, &id, "The whole graph"));
        let g = run.graph();
        for node in &g.nodes {
            assert!(svg.contains(&format!(">{}<", num(node.value))), "value");
            if matches!(node.kind, Kind::Param | Kind::Input) || node.op.is_some() {
                assert!(svg.contains(&format!(">∇ {}<", num(node.grad))), "grad");
            }
        }
        assert!(svg.contains("forward: values"));
        assert!(svg.contains("backward: gradients"));
        assert!(svg.contains("stroke-dasharray=\"6 4\""), "dashed backward");
        for kind in ["param", "input", "const", "op", "module"] {
            assert!(svg.contains(&format!(">{kind}<")), "legend {kind}");
        }
    }
}

#[test]
fn rule_cards_show_seed_times_local_for_each_parent() {
    let cases = [
        ("mul", "c = a * b", "a = 2, b = 3", "c = a × b = 2 × 3 = 6"),
        (
            "add",
            "c = a + b",
            "a = 2, b = -3",
            "c = a + b = 2 + (−3) = −1",
        ),
        ("exp", "c = exp(a)", "a = 2", "c = exp(a) = exp(2) = 7.3891"),
        ("recip", "c = recip(a)", "a = 4", "c = 1 / a = 1 / 4 = 0.25"),
        ("log", "c = log(a)", "a = 2", "c = log(a) = log(2) = 0.6931"),
        (
            "tanh",
            "c = tanh(a)",
            "a = 0.5",
            "c = tanh(a) = tanh(0.5) = 0.4621",
        ),
        ("square", "c = a ^ 2", "a = 3", "c = a^2 = 3^2 = 9"),
    ];
    for (name, graph, params, forward) in cases {
        let s = scenario(&rule_body(graph, params));
        assert_eq!(s.seed, 0.5);
        let run = &runs(&s)[0];
        let id = format!("rule-{name}");
        let svg = rule_card(&s, run, &id);
        check_svg(&svg, &id);
        assert_eq!(svg, rule_card(&s, run, &id), "{name}: deterministic");
        assert!(svg.contains(forward), "{name}: forward row `{forward}`");
        assert!(svg.contains("∂L/∂c = 0.5"), "{name}: upstream is the seed");
        let op = run.graph().nodes[run.output()].op.unwrap();
        assert!(!run.messages.is_empty());
        for m in &run.messages {
            assert_eq!(m.upstream, s.seed);
            let line = format!(
                "{} × {} = {}",
                num(s.seed),
                operand(m.local),
                num(s.seed * m.local)
            );
            assert!(svg.contains(&line), "{name}: `{line}` in the card");
            let rule = seen::story::local_rule(op, m.slot);
            let words = rule.split(", ").next().unwrap();
            assert!(svg.contains(words), "{name}: rule `{words}`");
        }
    }
}

#[test]
fn rule_card_for_a_module_with_three_operands() {
    let body = "id = \"lin\"\nfigure = \"rule\"\nview = \"modules\"\nseed = 2\nparams = { w = 1.5, b = -1 }\ninputs = { x = 4 }\ngraph = \"z = linear(w, x, b)\"\n";
    let s = scenario(body);
    let run = &runs(&s)[0];
    let svg = rule_card(&s, run, "rule-linear");
    check_svg(&svg, "rule-linear");
    assert!(svg.contains("z = w × x + b = 1.5 × 4 + (−1) = 5"));
    assert!(svg.contains("2 × 4 = 8"), "to w: seed × x");
    assert!(svg.contains("2 × 1.5 = 3"), "to x: seed × w");
    assert!(svg.contains("2 × 1 = 2"), "to b: seed × 1");
}

#[test]
fn gradient_table_agrees_and_notes_count_nodes() {
    let s = scenario(SINGLE);
    let rs = runs(&s);
    let (atomic, modules) = (&rs[0], &rs[1]);
    assert_eq!((atomic.view, modules.view), (View::Atomic, View::Modules));
    let html = gradient_table(atomic, modules, "cmp");
    assert_eq!(html, gradient_table(atomic, modules, "cmp"));
    assert!(html.starts_with("<table"));
    assert!(html.contains("<caption>"));
    assert!(!html.contains("style="));
    for name in ["w", "b", "x"] {
        let a = atomic.graph().find(name).unwrap();
        let m = modules.graph().find(name).unwrap();
        let row = format!(
            "<tr><th scope=\"row\">{name}</th><td>{}</td><td>{}</td><td>{}</td><td class=\"agree\">✓ yes</td></tr>",
            atomic.graph().nodes[a].kind.name(),
            num(atomic.graph().nodes[a].grad),
            num(modules.graph().nodes[m].grad),
        );
        assert!(html.contains(&row), "row for {name}: {html}");
    }
    assert_eq!(html.matches("✓ yes").count(), 3);
    assert!(!html.contains("✗"));

    // The notes count what is in each run's graph.
    for run in &rs {
        let g = run.graph();
        let note = view_note(run);
        assert!(note.starts_with("<p"));
        let nodes = format!("{} nodes", g.len());
        let ops = g.nodes.iter().filter(|x| x.kind == Kind::Op).count();
        let msgs = format!("{} backward messages", run.messages.len());
        assert!(note.contains(&nodes), "{note}");
        assert!(note.contains(&format!("{ops} rulebook op")), "{note}");
        assert!(note.contains(&msgs), "{note}");
    }
    assert!(view_note(atomic).contains("Atomic view"));
    let m = view_note(modules);
    assert!(m.contains("Modules view"));
    assert!(m.contains("Sigmoid") && m.contains("1 module"), "{m}");
    // A graph of modules only: Linear, Sigmoid and BCE.
    let b = scenario(BATCH);
    let note = view_note(&runs(&b)[0]);
    assert!(
        note.contains("Linear, Sigmoid and BCE are one node each"),
        "{note}"
    );
}

#[test]
fn batch_contributions_add_up_to_the_gradients() {
    for (label, body) in [
        ("modules", BATCH.to_string()),
        (
            "atomic",
            BATCH.replace("view = \"modules\"", "view = \"atomic\""),
        ),
        (
            "sum",
            BATCH.replace("view = \"modules\"", "reduce = \"sum\""),
        ),
    ] {
        let s = scenario(&body);
        let run = &runs(&s)[0];
        let parts = batch(&s, run, &format!("batch-{label}"));
        assert_eq!(
            parts.contributions,
            batch(&s, run, &format!("batch-{label}")).contributions
        );
        let t = &parts.contributions;
        assert!(t.starts_with("<table") && t.contains("<caption>"));
        assert!(!t.contains("style="));
        if s.mean {
            assert!(t.contains("already includes the 1/3"), "{t}");
        }
        let g = run.graph();
        for name in ["w", "b"] {
            let grad = g.nodes[g.find(name).unwrap()].grad;
            let contributions = cells(t, "contribution", name);
            let running = cells(t, "running", name);
            let total = cells(t, "total", name);
            assert_eq!(contributions.len(), 3, "{label} {name}");
            assert_eq!(running.len(), 3);
            // Each running sum is the previous one plus the contribution
            // (to the 4 decimals printed).
            let mut acc = 0.0;
            for (c, r) in contributions.iter().zip(&running) {
                acc += c;
                assert!((acc - r).abs() < 2e-4, "{label} {name}: {acc} vs {r}");
            }
            assert_eq!(total.len(), 1);
            assert!(t.contains(&format!("<strong>{}</strong>", num(grad))));
            assert!((running[2] - total[0]).abs() < 1e-9, "{label} {name}");
            assert!((total[0] - grad).abs() < 1e-4);
        }
        // Each example appears once with its inputs.
        for x in ["−2.2", "−0.6", "<td>2</td>"] {
            assert!(t.contains(x), "{label}: {x}");
        }

        // The update: before − lr × grad = after, and the loss.
        let u = run.update.as_ref().unwrap();
        for (name, before, grad, after) in &u.params {
            let step = format!(
                "{name} ← {} − 0.2 × {} = {}",
                num(*before),
                operand(*grad),
                num(*after)
            );
            assert!(parts.update.contains(&step), "{label}: {step}");
        }
        assert!(parts.update.contains(&num(u.output_before)));
        assert!(parts.update.contains(&num(u.output_after)));
        assert!(!parts.update.contains("style="));

        let id = format!("batch-plot-{label}");
        let plot = batch(&s, run, &id).plot;
        check_svg(&plot, &id);
        assert_eq!(plot, batch(&s, run, &id).plot);
        assert!(plot.contains("class=\"curve before\""));
        assert!(plot.contains("class=\"curve after\""));
        assert_eq!(plot.matches("class=\"point y1\"").count(), 1);
        assert_eq!(plot.matches("class=\"point y0\"").count(), 2);
        for (_, before, _, after) in &u.params {
            assert!(plot.contains(&num(*before)) && plot.contains(&num(*after)));
        }
    }
}

#[test]
fn batch_plot_curve_comes_from_the_rulebook() {
    let s = scenario(BATCH);
    let run = &runs(&s)[0];
    let plot = batch(&s, run, "bp").plot;
    // The "after" curve's last point: σ(w·x + b) at the padded right end
    // x = 3, drawn at the plot's y scale. The plot maps y ∈ [−0.1, 1.1]
    // to [bottom, top]; here we only check the curve rises to the right.
    let path = plot
        .lines()
        .find(|l| l.contains("class=\"curve after\""))
        .unwrap();
    let d = &path[path.find(" d=\"").unwrap() + 4..];
    let d = &d[..d.find('"').unwrap()];
    let ys: Vec<f64> = d
        .split(['M', 'L'])
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(ys.len(), 61);
    assert!(
        ys.windows(2).all(|w| w[1] <= w[0]),
        "σ rises: y falls on screen"
    );
    let u = run.update.as_ref().unwrap();
    let (w, b) = (u.params[0].3, u.params[1].3);
    let sig = (Op::Sigmoid.rule().forward)(&[w * 3.0 + b], 0.0);
    assert!(sig > 0.9, "the updated curve is near 1 at x = 3");
}

#[test]
fn step_size_errors_show_truncation_and_round_off() {
    let s = scenario(STEP);
    let run = &runs(&s)[0];
    let data = step_size_data(&s, run);
    assert_eq!(data.len(), 25, "1e-13 … 1e-1 in half-decades");
    assert_eq!(data, step_size_data(&s, run));
    assert!(data.windows(2).all(|w| w[0].0 < w[1].0), "h increases");
    assert!(
        data.iter()
            .all(|d| d.1 >= ERROR_FLOOR && d.2 >= ERROR_FLOOR)
    );
    let at = |h: f64| {
        *data
            .iter()
            .find(|d| (d.0 / h - 1.0).abs() < 1e-9)
            .unwrap_or_else(|| panic!("no h = {h}"))
    };
    let (_, f5, c5) = at(1e-5);
    assert!(c5 * 100.0 < f5, "central {c5} ≪ forward {f5} at h = 1e-5");
    // Round-off: below 1e-10 both errors are larger than at their best.
    let min_f = data.iter().map(|d| d.1).fold(f64::INFINITY, f64::min);
    let min_c = data.iter().map(|d| d.2).fold(f64::INFINITY, f64::min);
    let (_, f13, c13) = at(1e-13);
    assert!(f13 > 100.0 * min_f && c13 > 100.0 * min_c);
    let small: Vec<_> = data.iter().filter(|d| d.0 < 1e-10).collect();
    assert!(
        small
            .iter()
            .all(|d| d.1 > 10.0 * min_f && d.2 > 10.0 * min_c)
    );
    // The best h is near the theory.
    let eps = f64::EPSILON;
    let best = |pick: fn(&(f64, f64, f64)) -> f64| {
        data.iter()
            .min_by(|a, b| pick(a).total_cmp(&pick(b)))
            .unwrap()
            .0
    };
    let (hf, hc) = (best(|d| d.1), best(|d| d.2));
    assert!((hf / eps.sqrt()).log10().abs() < 2.0, "forward best h {hf}");
    assert!((hc / eps.cbrt()).log10().abs() < 2.0, "central best h {hc}");

    let svg = step_size(&s, run, "step");
    check_svg(&svg, "step");
    assert_eq!(svg, step_size(&s, run, "step"));
    for text in [
        "truncation error",
        "round-off error",
        &format!("√ε ≈ {}", num(eps.sqrt())),
        &format!("ε^(1/3) ≈ {}", num(eps.cbrt())),
        ">1e−8<",
        ">1e−13<",
        &format!("smallest error at h = {}", num(hf).replace(".000e", "e")),
        &format!("smallest error at h = {}", num(hc).replace(".000e", "e")),
        "forward difference",
        "central difference",
    ] {
        assert!(svg.contains(text), "`{text}` in the step-size plot");
    }
    // Markers tell the curves apart without colour: squares and circles.
    assert_eq!(
        svg.matches("<rect class=\"point forward-diff\"").count(),
        25
    );
    assert_eq!(
        svg.matches("<circle class=\"point central-diff\"").count(),
        25
    );
}

#[test]
fn step_size_with_a_seed_compares_like_for_like() {
    let s = scenario(&STEP.replace("wrt = \"w\"", "wrt = \"w\"\nseed = 0.5"));
    let run = &runs(&s)[0];
    let data = step_size_data(&s, run);
    let (_, _, c) = *data
        .iter()
        .find(|d| (d.0 / 1e-5 - 1.0).abs() < 1e-9)
        .unwrap();
    assert!(
        c < 1e-8,
        "central difference × seed matches the seeded gradient: {c}"
    );
}
