//! The still figures: graph, rule card, gradient table and view notes,
//! batch (contributions, update, plot) and step size. Each figure is checked
//! for well-formedness, for numbers that come from the engine run, for the
//! CSP rules (no `style`), for unique ids and for byte-identical rebuilds.
//! Every SVG is also rendered to `/tmp/figures-look/` for a human to look at.

use seen::engine::{Kind, Op};
use seen::figure::step_size::{ERROR_FLOOR, Errors, step_size_data};
use seen::render::figures::{batch, gradient_table, graph_still, rule_card, step_size, view_note};
use seen::render::png;
use seen::scenario::{Run, Scenario, View, parse};
use seen::text::num;

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
    // Named by its title, described by its desc: each read once.
    assert!(svg.contains(&format!(
        "aria-labelledby=\"{name}-title\" aria-describedby=\"{name}-desc\""
    )));
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
        // Every value; every gradient but the inputs' (the data's, drawn
        // only with `input_grads`).
        for node in &g.nodes {
            assert!(svg.contains(&format!(">{}<", num(node.value))), "value");
            if node.kind == Kind::Param || node.op.is_some() {
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
            let rule = seen::text::local_rule(op, m.slot);
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
        // The messages drawn: none to a constant (the atomic sigmoid's 1).
        let to_consts = (run.messages.iter())
            .filter(|m| g.nodes[m.to].kind == Kind::Const)
            .count();
        assert!(run.view != View::Atomic || to_consts > 0);
        let msgs = format!("{} backward messages", run.messages.len() - to_consts);
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
        let parts = batch_parts(&s, run, &format!("batch-{label}"));
        assert_eq!(
            parts.contributions,
            batch_parts(&s, run, &format!("batch-{label}")).contributions
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
        let plot = batch_parts(&s, run, &id).plot;
        check_svg(&plot, &id);
        assert_eq!(plot, batch_parts(&s, run, &id).plot);
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
    let plot = batch_parts(&s, run, "bp").plot;
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

    let svg = step_size(&s, &Errors::new(&s, run), "step");
    check_svg(&svg, "step");
    assert_eq!(svg, step_size(&s, &Errors::new(&s, run), "step"));
    assert_legible(&svg);
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

// ---------------------------------------------------------------------------
// The batch plot draws the model the author wrote.

/// The tanh neuron of the issue: two inputs, a squared error against `t`.
fn neuron(extra: &str, examples: &str) -> String {
    format!(
        r#"
id = "neuron"
figure = "batch"
params = {{ w1 = 0.5, w2 = -0.3, b = 0.1 }}
examples = [ {examples} ]
graph = """
a = linear(w1, x1, linear(w2, x2, b))
y = tanh(a)
loss = (y - t) ^ 2
"""
view = "modules"
{extra}
"#
    )
}

/// A batch figure's parts: its figure data computed, then drawn.
fn batch_parts(
    s: &seen::scenario::Scenario,
    run: &seen::scenario::Run,
    id: &str,
) -> seen::render::figures::BatchParts {
    batch(
        s,
        run,
        &seen::figure::model_plot::BatchData::new(s, run),
        id,
    )
}

const NEURON_EXAMPLES: &str = "{ x1 = 1.5, x2 = -0.5, t = 0.8 }, { x1 = -1.0, x2 = 0.5, t = -0.5 }, { x1 = 0.5, x2 = 1.0, t = 0.2 }, { x1 = -0.5, x2 = -1.5, t = -0.9 }";

fn plot_of(body: &str) -> String {
    let s = scenario(body);
    let run = &runs(&s)[0];
    let id = format!("plot-{}", s.id);
    let plot = batch_parts(&s, run, &id).plot;
    check_svg(&plot, &id);
    plot.into()
}

/// (cx, cy) of every example marker; squares by their centre.
fn markers(svg: &str) -> Vec<(f64, f64)> {
    let attr = |l: &str, a: &str| -> f64 {
        let i = l.find(&format!(" {a}=\"")).unwrap() + a.len() + 3;
        l[i..i + l[i..].find('"').unwrap()].parse().unwrap()
    };
    svg.lines()
        .filter(|l| l.contains("class=\"point "))
        .map(|l| {
            if l.contains("<circle") {
                (attr(l, "cx"), attr(l, "cy"))
            } else {
                (attr(l, "x") + 4.5, attr(l, "y") + 4.5)
            }
        })
        .collect()
}

/// The plot area: (left, right, top, bottom) of the two axis lines.
fn axes_box(svg: &str) -> (f64, f64, f64, f64) {
    let lines: Vec<&str> = svg
        .lines()
        .filter(|l| l.contains("class=\"axis\""))
        .collect();
    let attr = |l: &str, a: &str| -> f64 {
        let i = l.find(&format!(" {a}=\"")).unwrap() + a.len() + 3;
        l[i..i + l[i..].find('"').unwrap()].parse().unwrap()
    };
    let (h, v) = (lines[0], lines[1]);
    (attr(h, "x1"), attr(h, "x2"), attr(v, "y1"), attr(v, "y2"))
}

fn assert_inside(svg: &str) {
    let (l, r, t, b) = axes_box(svg);
    for (x, y) in markers(svg) {
        assert!(
            (l..=r).contains(&x) && (t..=b).contains(&y),
            "a point at ({x}, {y}) outside the axes {l}..{r} × {t}..{b}"
        );
    }
}

/// Every font size of a plot is at least 11 px at natural size.
fn assert_legible(svg: &str) {
    for part in svg.split("font-size=\"").skip(1) {
        let size: f64 = part[..part.find('"').unwrap()].parse().unwrap();
        assert!(size >= 11.0, "a text of {size} px");
    }
}

#[test]
fn a_tanh_neuron_with_two_inputs_is_drawn_as_a_plane_with_its_boundary() {
    let plot = plot_of(&neuron(
        "label = \"t\"\nupdate = { lr = 0.1 }",
        NEURON_EXAMPLES,
    ));
    assert!(plot.contains("y = tanh(w1·x1 + w2·x2 + b) before and after one step"));
    assert!(!plot.contains("σ"), "no sigmoid in a tanh plot");
    assert!(!plot.contains("No curve"));
    assert!(plot.contains("class=\"boundary before\""));
    assert!(plot.contains("class=\"boundary after\""));
    // Continuous targets: one kind of marker, each labelled with its value.
    assert_eq!(plot.matches("class=\"point value\"").count(), 4);
    for t in ["0.8", "−0.5", "0.2", "−0.9"] {
        assert!(plot.contains(&format!(">{t}</text>")), "{t}");
    }
    assert!(!plot.contains("t = 1") && !plot.contains("t = 0<"));
    // x2 is an axis, not the target.
    assert!(plot.contains(">x2</text>") && plot.contains(">x1</text>"));
    assert_inside(&plot);
    assert_legible(&plot);
    let w: f64 = plot
        .split("width=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(w <= 560.0, "the plot is {w} wide");
}

#[test]
fn without_an_update_the_title_promises_no_step() {
    let plot = plot_of(&neuron("label = \"t\"", NEURON_EXAMPLES));
    assert!(!plot.contains("before and after"), "{plot}");
    assert!(plot.contains("and the examples"));
    assert!(!plot.contains("boundary before"));
    assert!(plot.contains("boundary after"));
}

#[test]
fn one_feature_curves_cover_their_targets_and_say_what_they_are() {
    let examples = "{ x = -2.0, t = -0.5 }, { x = 0.0, t = 0.1 }, { x = 2.0, t = 0.8 }";
    let tanh = format!(
        "id = \"one\"\nfigure = \"batch\"\nparams = {{ w = 0.7, b = 0.0 }}\nexamples = [ {examples} ]\ngraph = \"\"\"\ny = tanh(w * x + b)\nloss = (y - t) ^ 2\n\"\"\"\nlabel = \"t\"\nupdate = {{ lr = 0.3 }}\n"
    );
    let plot = plot_of(&tanh);
    assert!(plot.contains("y = tanh(w·x + b) before and after one step"));
    assert!(plot.contains("class=\"curve before\"") && plot.contains("class=\"curve after\""));
    assert!(plot.contains("example at its target t"));
    assert_inside(&plot);
    assert_legible(&plot);
    // A target outside [0, 1] stays inside the axes.
    let far = tanh.replace("t = -0.5", "t = -3.5");
    assert_inside(&plot_of(&far));

    // A line.
    let line = tanh.replace("y = tanh(w * x + b)", "y = w * x + b");
    let plot = plot_of(&line);
    assert!(plot.contains("y = w·x + b before"));
    let path = plot
        .lines()
        .find(|l| l.contains("class=\"curve after\""))
        .unwrap();
    let d = &path[path.find(" d=\"").unwrap() + 4..];
    let pts: Vec<(f64, f64)> = d[..d.find('"').unwrap()]
        .split(['M', 'L'])
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let mut it = p.split_whitespace().map(|v| v.parse::<f64>().unwrap());
            (it.next().unwrap(), it.next().unwrap())
        })
        .collect();
    // Straight: every point on the line through the first and the last.
    let (a, b) = (pts[0], pts[pts.len() - 1]);
    for q in &pts {
        let cross = (q.0 - a.0) * (b.1 - a.1) - (q.1 - a.1) * (b.0 - a.0);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        assert!((cross / len).abs() < 0.2, "{q:?} off the line");
    }
}

#[test]
fn a_two_valued_target_is_two_classes_in_the_authors_words() {
    let body = neuron(
        "label = \"t\"\nupdate = { lr = 0.1 }",
        "{ x1 = 1.5, x2 = -0.5, t = 1 }, { x1 = -1.0, x2 = 0.5, t = -1 }, { x1 = 0.5, x2 = 1.0, t = 1 }",
    );
    let plot = plot_of(&body);
    assert_eq!(plot.matches("class=\"point y1\"").count(), 2);
    assert_eq!(plot.matches("class=\"point y0\"").count(), 1);
    assert!(plot.contains(">t = 1</text>") && plot.contains(">t = −1</text>"));
    // The boundary sits at the classes' midpoint, 0.
    assert!(plot.contains("y = 0 ("), "{plot}");
}

#[test]
fn a_curved_boundary_is_traced_as_one_closed_line() {
    let body = r#"
id = "ring"
figure = "batch"
params = { w = -1.0, b = 1.0 }
examples = [ { x1 = 0.0, x2 = 0.0, y = 1 }, { x1 = 2.0, x2 = 0.0, y = 0 }, { x1 = -2.0, x2 = 1.5, y = 0 }, { x1 = 0.0, x2 = -2.0, y = 0 } ]
graph = """
p = sigmoid(w * (x1 ^ 2 + x2 ^ 2) + b)
loss = bce(p, y)
"""
"#;
    let plot = plot_of(body);
    let paths: Vec<&str> = plot
        .lines()
        .filter(|l| l.contains("class=\"boundary after\""))
        .collect();
    assert_eq!(paths.len(), 1, "one boundary: {paths:?}");
    let d = &paths[0][paths[0].find(" d=\"").unwrap() + 4..];
    let d = &d[..d.find('"').unwrap()];
    let pts: Vec<&str> = d
        .split(['M', 'L'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    assert!(pts.len() > 12, "a circle, not a line: {d}");
    assert_eq!(pts.first(), pts.last(), "closed");
    assert!(plot.contains("p = σ(w·(x1² + x2²) + b)"), "{plot}");
}

#[test]
fn without_a_label_or_with_too_many_features_a_note_says_why() {
    // No label: x1, x2 and t all feed the loss.
    let plot = plot_of(&neuron("", NEURON_EXAMPLES));
    assert!(plot.contains("No plot: the model uses 3 inputs (x1, x2, t)"));
    assert!(plot.contains("name it with `label`"));
    assert!(!plot.contains("class=\"point"));
    let plot = plot_of(
        &neuron(
            "label = \"t\"",
            "{ x1 = 1, x2 = 2, x3 = 0, t = 1 }, { x1 = 0, x2 = 1, x3 = 1, t = 0 }",
        )
        .replace(
            "linear(w1, x1, linear(w2, x2, b))",
            "linear(w1, x1, linear(w2, x2, b)) + x3",
        ),
    );
    assert!(plot.contains("No plot: the model uses 3 inputs (x1, x2, x3)"));
    assert_legible(&plot);
}

/// One node per value: a node read by several consumers (the batch's shared
/// `w` and `b`, `x` in `x * x`, `y` in an expanded `bce`) is laid out once,
/// with one edge per use; in the backward pass every message into it has a
/// frame of its own, and each frame after the first shows the running sum
/// `∇ before + (message) = after` on the node.
#[test]
fn a_shared_node_is_drawn_once_and_every_message_into_it_shows_the_running_sum() {
    use seen::render::frame::{Scene, trace_frames};
    use seen::story::{self, Phase};
    let cases: [(&str, &str, &[&str]); 3] = [
        (
            "id = \"b\"\nparams = { w = 1.2, b = -0.1 }\nexamples = [ { x = -2.2, y = 0 }, { x = -0.6, y = 0 }, { x = 2.0, y = 1 } ]\ngraph = \"\"\"\nz = linear(w, x, b)\np = sigmoid(z)\nloss = bce(p, y)\n\"\"\"\nview = \"modules\"",
            "modules",
            &["w", "b"],
        ),
        (
            "id = \"sq\"\nparams = { x = 3 }\ngraph = \"y = x * x\"",
            "atomic",
            &["x"],
        ),
        (
            // (`y` is an input: its messages are drawn with `input_grads`.)
            "id = \"c\"\nparams = { w = 1.15, b = -0.8 }\ninputs = { x = 1.6, y = 1 }\ninput_grads = true\ngraph = \"\"\"\nz = linear(w, x, b)\np = sigmoid(z)\nloss = bce(p, y)\n\"\"\"",
            "atomic",
            &["y", "p"],
        ),
    ];
    for (body, view, shared) in cases {
        let s = seen::scenario::parse(body).unwrap();
        let runs = s.analyze().unwrap();
        let run = runs.iter().find(|r| r.view.name() == view).unwrap();
        let g = run.graph();
        let told = story::tell(run);
        let scene = Scene::new(g, &told);
        // Laid out once: one box per arena node, no copies.
        assert_eq!(
            scene.layout.centers.len(),
            g.len(),
            "{view}: one box per node"
        );
        let frames = trace_frames(&s, run);
        for name in shared {
            let id = g
                .nodes
                .iter()
                .position(|n| n.name.as_deref() == Some(*name))
                .unwrap_or_else(|| panic!("{name} in the graph"));
            let uses: usize = g
                .nodes
                .iter()
                .map(|n| n.parents.iter().filter(|&&p| p == id).count())
                .sum();
            assert!(uses >= 2, "{name} is shared ({uses} uses)");
            let edges = scene.layout.edges.iter().filter(|e| e.from == id).count();
            assert_eq!(edges, uses, "{name}: one drawn edge per use");
            // Every message into it is a backward step of its own.
            let steps: Vec<usize> = told
                .steps
                .iter()
                .enumerate()
                .filter(|(_, st)| {
                    st.phase == Phase::Backward && st.active_edges.iter().any(|e| e.from == id)
                })
                .map(|(k, _)| k)
                .collect();
            assert_eq!(steps.len(), uses, "{name}: one backward frame per message");
            // From the second message on, the frame shows before + message = after.
            for &k in &steps[1..] {
                let after = told.state_at(k).grads[id].unwrap();
                let before = told.state_at(k - 1).grads[id].unwrap();
                let shown = format!("= {}", seen::text::num(after));
                assert!(
                    frames[k].contains("∇ ") && frames[k].contains(&shown),
                    "{name} at step {k}: running sum {before} -> {after} not drawn"
                );
            }
        }
    }
}

/// The two minima's labels stay inside the plot and apart. A linear loss
/// has both smallest errors at the largest h, in the plot's right corner:
/// the labels were drawn one over the other, the central one half past the
/// frame's right edge.
#[test]
fn step_size_minimum_labels_stay_inside_and_apart() {
    let s = scenario(
        r#"
id = "lin"
figure = "step-size"
wrt = "w"
params = { w = 2.0, b = 0.5 }
inputs = { x = 3.0 }
graph = "loss = w * x + b"
"#,
    );
    let run = &runs(&s)[0];
    let errors = Errors::new(&s, run);
    assert_eq!(
        errors.min_f.map(|m| m.0),
        errors.min_c.map(|m| m.0),
        "both at one h"
    );
    let svg = step_size(&s, &errors, "lin").to_string();
    let attr = |t: &str, k: &str| -> f64 {
        t.split(&format!(" {k}=\""))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let width = attr(&svg, "width");
    // Each label's box, from its anchor, at the theme's bold advance.
    let boxes: Vec<(f64, f64, f64, f64)> = (svg.split("<text").skip(1))
        .filter(|t| t.contains("minimum-label"))
        .map(|t| {
            let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            let w = body.chars().count() as f64 * 11.0 * seen::render::theme::EM_BOLD;
            let (x, y) = (attr(t, "x"), attr(t, "y"));
            let x0 = if t.contains("text-anchor=\"end\"") {
                x - w
            } else {
                x
            };
            (x0, y - 11.0, x0 + w, y + 3.0)
        })
        .collect();
    assert_eq!(boxes.len(), 2);
    for b in &boxes {
        assert!(b.0 >= 0.0 && b.2 <= width, "{b:?} outside 0..{width}");
    }
    let (a, b) = (boxes[0], boxes[1]);
    assert!(
        a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1,
        "the labels overlap: {a:?} {b:?}"
    );
}

/// Forward mode: each pass's derivative of every node along its param
/// agrees with central differences of that node's value (h = 1e-6), and
/// the output's with the backward pass's gradient; the still shows each
/// node's derivative, and the page's counts are the graph's.
#[test]
fn modes_tangents_are_central_differences_and_the_still_shows_them() {
    use seen::figure::modes::Modes;
    use seen::render::figures::modes::forward_still;
    use seen::render::frame::Direction;
    let s = scenario(
        r#"
id = "modes"
figure = "modes"
params = { w = 1.15, b = -0.8 }
inputs = { x = 1.6 }
graph = """
z = w * x + b
p = sigmoid(z)
loss = -log(p)
"""
"#,
    );
    let run = &runs(&s)[0];
    let modes = Modes::new(run).expect("forward and reverse agree");
    assert_eq!(modes.passes.len(), 2, "one pass per param");
    let g = run.graph();
    let h = 1e-6;
    for pass in &modes.passes {
        let at = |d: f64| {
            let mut g2 = g.clone();
            g2.nodes[pass.leaf].value += d;
            g2.forward().unwrap();
            g2.nodes.iter().map(|n| n.value).collect::<Vec<f64>>()
        };
        let (up, down) = (at(h), at(-h));
        for i in 0..g.len() {
            let fd = (up[i] - down[i]) / (2.0 * h);
            assert!(
                (fd - pass.tangents[i]).abs() < 1e-6,
                "node {i} along {}: forward mode {} against {fd}",
                pass.name,
                pass.tangents[i]
            );
        }
        // The same products in another order: equal to rounding.
        let (t, grad) = (pass.tangents[run.output()], g.nodes[pass.leaf].grad);
        assert!((t - grad).abs() <= 1e-12 * grad.abs(), "{t} against {grad}");
    }
    assert_eq!(modes.ops, g.nodes.iter().filter(|n| n.op.is_some()).count());
    let svg = forward_still(run, &modes, 0, "m", "t", Direction::LeftRight).to_string();
    let tangents: Vec<&str> = (svg.split("<text").skip(1))
        .filter(|t| t.contains("class=\"tangent\""))
        .map(|t| &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()])
        .collect();
    assert!(tangents.contains(&"∂/∂w 1"), "the seed: {tangents:?}");
    assert!(
        tangents.contains(&"∂/∂w −0.4178"),
        "the output: {tangents:?}"
    );
    assert!(
        tangents.contains(&"∂/∂w 0"),
        "b and x are not reached: {tangents:?}"
    );
}
