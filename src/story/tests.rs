//! The story's own tests: step counts, narration and labels.

use super::*;
use crate::scenario::{Run, View, parse};

fn run(body: &str, view: View) -> Run {
    parse(body).unwrap().run(view).unwrap()
}

const BCE: &str = "id = \"t\"\nparams = { w = 1.15, b = -0.8 }\ninputs = { x = 1.6, y = 1 }\ngraph = \"\"\"\nz = w * x + b\np = sigmoid(z)\nloss = bce(p, y)\n\"\"\"\n";

const BATCH: &str = "id = \"t\"\nparams = { w = 1.2, b = -0.1 }\nexamples = [ { x = -2.2 }, { x = -0.6 }, { x = 2.0 } ]\ngraph = \"\"\"\nz = w * x + b\nloss = z ^ 2\n\"\"\"\nupdate = { lr = 0.2 }\n";

#[test]
fn unnamed_nodes_are_labelled_by_what_they_compute() {
    let r = run(BCE, View::Atomic);
    let l = labels(r.graph());
    for want in [
        "w·x",
        "−z",
        "exp(−z)",
        "1 + exp(−z)",
        "y·log(p)",
        "1 − y",
        "1 − p",
        "log(1−p)",
        "(1−y)·log(1−p)",
        "y·log(p) + …",
    ] {
        assert!(l.iter().any(|x| x == want), "no label {want} in {l:?}");
    }
    for x in &l {
        assert!(!x.contains('#'), "an internal number: {x}");
        assert!(x.chars().count() <= crate::text::MAX_LABEL, "long: {x}");
    }
    // Deterministic.
    assert_eq!(l, labels(run(BCE, View::Atomic).graph()));
    // The story narrates with the same labels.
    let story = tell(&r);
    assert!(
        story
            .steps
            .iter()
            .any(|s| s.narration.contains("∂loss/∂(1 − p) is now"))
    );
    let tanh = "id = \"t\"\nparams = { w1 = 0.5, w2 = -0.3, b = 0.1 }\ninputs = { x1 = 1.5, x2 = -0.5 }\ngraph = \"y = tanh(w1 * x1 + w2 * x2 + b)\"\n";
    let l = labels(run(tanh, View::Atomic).graph());
    assert!(l.contains(&"w1·x1 + w2·x2".to_string()), "{l:?}");
    assert!(l.contains(&"w1·x1 + … + b".to_string()), "{l:?}");
    let l = labels(run(tanh, View::Modules).graph());
    assert!(!l.iter().any(|x| x.contains("lin(")), "{l:?}");
}

#[test]
fn a_nets_params_and_neurons_read_with_their_indices() {
    // Labels are by node: leaves, sums z, outputs h; the JSON names
    // (the nodes' names) stay `mlp.1.0.w0`.
    let net = |act: &str, graph: &str| {
        format!(
            "id = \"n\"\ninputs = {{ x = 0.5, y = 0.3 }}\nnet = {{ sizes = [1, 2, 1], act = \"{act}\", seed = 1 }}\ngraph = \"\"\"\n{graph}\n\"\"\"\n"
        )
    };
    let named = net("tanh", "s = mlp(x)\nloss = (s - y) ^ 2");
    for view in [View::Modules, View::Atomic] {
        let r = run(&named, view);
        let (g, l) = (r.graph(), labels(r.graph()));
        let of = |name: &str| l[g.find(name).unwrap()].as_str();
        assert_eq!(of("mlp.1.0.w0"), "w₁,₀,₀");
        assert_eq!(of("mlp.1.1.b"), "b₁,₁");
        assert_eq!(of("mlp.2.0.w1"), "w₂,₀,₁");
        // The output keeps its statement's name.
        assert_eq!(of("s"), "s");
        for want in ["z₁,₀", "z₁,₁", "h₁,₀", "h₁,₁"] {
            assert_eq!(
                l.iter().filter(|x| *x == want).count(),
                1,
                "{view:?}: {want} in {l:?}"
            );
        }
        // h is the tanh over z.
        let h = l.iter().position(|x| x == "h₁,₀").unwrap();
        assert_eq!(g.nodes[h].op, Some(Op::Tanh));
        assert_eq!(l[g.nodes[h].parents[0]], "z₁,₀");
        assert!(
            tell(&r)
                .steps
                .iter()
                .any(|s| s.narration.contains("w₁,₀,₀"))
        );
    }
    // A sigmoid net in the atomic view: h is the recip that ends the
    // expansion; the last layer's sum, unnamed, is its output h₂,₀.
    let r = run(&net("sigmoid", "loss = mse(mlp(x), y)"), View::Atomic);
    let (g, l) = (r.graph(), labels(r.graph()));
    let h = l.iter().position(|x| x == "h₁,₁").expect("h₁,₁");
    assert_eq!(g.nodes[h].op, Some(Op::Recip));
    for want in ["exp(−z₁,₁)", "1 + exp(−z₁,₁)", "h₂,₀", "h₂,₀ − y"] {
        assert!(l.iter().any(|x| x == want), "no {want} in {l:?}");
    }
    assert!(!l.iter().any(|x| x.contains("mlp.")), "{l:?}");
}

#[test]
fn batch_steps_name_their_example() {
    let r = run(BATCH, View::Atomic);
    let g = r.graph();
    let story = tell(&r);
    let mut per_example = 0;
    for s in &story.steps {
        let node = s.active_nodes[0];
        let edge = s.active_edges.first();
        let example = match s.phase {
            Phase::Forward => g.nodes[node].example,
            Phase::Backward => {
                let e = edge.unwrap();
                g.nodes[e.from].example.or(g.nodes[e.to].example)
            }
            _ => continue,
        };
        if let Some(e) = example {
            per_example += 1;
            let word = format!("Example {}: ", e + 1);
            assert!(s.narration.starts_with(&word), "{}", s.narration);
            assert!(s.title.ends_with(&format!("(example {})", e + 1)));
        } else {
            assert!(!s.narration.starts_with("Example"), "{}", s.narration);
        }
    }
    assert!(per_example > 0);
    // The reduction says whose losses it adds, and a shared param whose
    // gradients it has.
    let text: Vec<&str> = story.steps.iter().map(|s| s.narration.as_str()).collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("sum 1–2 = loss₁ (example 1) + loss₂ (example 2) =")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|t| t.contains("w already had")
            && t.contains("from examples 2 and 3, so its gradient is now")),
        "{text:#?}"
    );
}

#[test]
fn constants_get_no_messages_in_the_story() {
    for (body, view) in [(BCE, View::Atomic), (BATCH, View::Atomic)] {
        let r = run(body, view);
        let g = r.graph();
        let story = tell(&r);
        let to_consts = (r.messages.iter())
            .filter(|m| g.nodes[m.to].kind == Kind::Const)
            .count();
        assert!(to_consts > 0, "the engine still sends them");
        let to_inputs = (r.messages.iter())
            .filter(|m| g.nodes[m.to].kind == Kind::Input)
            .count();
        let backward = (story.steps.iter())
            .filter(|s| s.phase == Phase::Backward)
            .count();
        assert_eq!(backward, r.messages.len() - to_consts - to_inputs);
        let mut state = State::new(g.len());
        for s in &story.steps {
            state.apply(s);
            for (i, n) in g.nodes.iter().enumerate() {
                if n.kind == Kind::Const {
                    assert_eq!(state.grads[i], None, "{}", s.title);
                    assert!(!s.active_nodes.contains(&i) || s.phase == Phase::Setup);
                }
            }
        }
    }
}

/// The count checked before a story is told is the story's length, and
/// replaying the changes gives what the run computed: every value after
/// forward, every gradient at the end, the new values after the update.
#[test]
fn the_step_count_and_the_replayed_state_match_the_run() {
    for (body, view) in [
        (BCE, View::Atomic),
        (BATCH, View::Atomic),
        (BATCH, View::Modules),
    ] {
        let r = run(body, view);
        let g = r.graph();
        let story = tell(&r);
        assert_eq!(step_count(&r), story.steps.len());
        let done = story
            .steps
            .iter()
            .position(|s| s.phase == Phase::Done)
            .unwrap();
        let at_done = story.state_at(done);
        for (i, n) in g.nodes.iter().enumerate() {
            assert_eq!(at_done.values[i], Some(n.value), "value of node {i}");
            if n.kind != Kind::Const
                && n.kind != Kind::Input
                && (n.kind.is_leaf() || n.op.is_some())
            {
                assert_eq!(at_done.grads[i], Some(n.grad), "gradient of node {i}");
            }
        }
        if let Some(u) = &r.update {
            let last = story.state_at(story.steps.len() - 1);
            for (i, n) in u.graph.nodes.iter().enumerate() {
                assert_eq!(last.values[i], Some(n.value));
                assert_eq!(last.grads[i], None);
            }
        }
        // A step changes little: the leaves at the start, one node per
        // op or message, every node at the update.
        let changes: usize = story.steps.iter().map(|s| s.changes.len()).sum();
        let leaves = g.nodes.iter().filter(|n| n.kind.is_leaf()).count();
        let update = if r.update.is_some() { g.len() } else { 0 };
        let u = usize::from(r.update.is_some());
        assert_eq!(changes, leaves + story.steps.len() - 2 - u + update);
    }
}

/// Inputs are data: by default the story sends them no message, and
/// says no gradient of theirs; `input_grads = true` tells both. The
/// engine sends the messages either way.
#[test]
fn inputs_get_messages_only_with_input_grads() {
    for body in [BCE, BATCH] {
        let hidden = run(body, View::Atomic);
        let shown = run(&format!("{body}input_grads = true\n"), View::Atomic);
        assert_eq!(hidden.messages.len(), shown.messages.len());
        let g = hidden.graph();
        let inputs: Vec<usize> = (0..g.len())
            .filter(|&i| g.nodes[i].kind == Kind::Input)
            .collect();
        let to_inputs = |r: &Run| {
            tell(r)
                .steps
                .iter()
                .filter(|s| s.phase == Phase::Backward)
                .filter(|s| s.active_edges.iter().any(|e| inputs.contains(&e.from)))
                .count()
        };
        assert_eq!(to_inputs(&hidden), 0);
        assert!(to_inputs(&shown) > 0);
        // The story at its done step: the step, and every gradient so far.
        let done = |r: &Run| {
            let story = tell(r);
            let at = (story.steps.iter())
                .position(|s| s.phase == Phase::Done)
                .unwrap();
            (story.steps[at].clone(), story.state_at(at))
        };
        let ((h, h_state), (s, s_state)) = (done(&hidden), done(&shown));
        for &i in &inputs {
            assert_eq!(h_state.grads[i], None);
            assert!(s_state.grads[i].is_some());
        }
        assert!(
            !h.narration.contains("/∂x") && s.narration.contains("/∂x"),
            "{}",
            h.narration
        );
    }
}

#[test]
fn numbers_are_typeset_after_operators() {
    let r = run(BATCH, View::Atomic);
    let story = tell(&r);
    for s in &story.steps {
        for bad in ["+ −", "− −", "× −", "−−", "= + "] {
            assert!(!s.narration.contains(bad), "`{bad}` in {}", s.narration);
        }
    }
    let update = story.steps.last().unwrap();
    assert_eq!(update.phase, Phase::Update);
    assert!(
        update
            .narration
            .contains("b ← −0.1 − 0.2 × (−0.84) = 0.068"),
        "{}",
        update.narration
    );
    assert!(
        (story.steps.iter()).any(
            |s| s.narration.contains("so its gradient is now") && s.narration.contains(" + (−")
        ),
        "a negative contribution is parenthesised"
    );
}

/// A rule is told in the author's names (here params that are themselves
/// called `a` and `b`, where the rulebook's generic `∂(a·b)/∂a = b` would
/// read wrong), a value's last message says its whole sum, and "cached" is
/// said once.
#[test]
fn narration_speaks_the_authors_names_and_sums_whole() {
    let body = "id = \"t\"\nparams = { a = 0.5, b = -0.3 }\ninputs = { x = 1.5 }\ngraph = \"\"\"\nu = b * x\nv = u * u\nw = v + u\nloss = w * a\n\"\"\"\n";
    let r = run(body, View::Atomic);
    let story = tell(&r);
    let text: Vec<&str> = story.steps.iter().map(|s| s.narration.as_str()).collect();
    let all = text.join("\n");
    for want in [
        "times the local derivative ∂(w·a)/∂w = a = 0.5: 1 × 0.5 = 0.5.",
        "times the local derivative ∂(w·a)/∂a = w = −0.2475:",
        "times the local derivative ∂(v + u)/∂u = 1: 0.5 × 1 = 0.5.",
        "times the local derivative ∂(b·x)/∂b = x = 1.5:",
        "That is its last message: ∂loss/∂u = 0.5 + (−0.225) + (−0.225) = 0.05.",
    ] {
        assert!(all.contains(want), "no {want:?} in:\n{all}");
    }
    assert!(!all.contains("∂(a·b)"), "{all}");
    assert_eq!(
        all.matches("cached for the backward pass").count(),
        1,
        "{all}"
    );
}
