//! The compiled tape against the arena it is compiled from: the same
//! values, gradients, snapshots and errors, bit for bit. The reference
//! here is the arena's own passes (`forward_quiet`, `backward_accumulate`,
//! `sgd_step`), in the loop `engine::train` ran before it used the tape.

use seen::engine::{Graph, Kind, NodeId, Op, Schedule, Snapshot, Tape, TrainError, train_into};
use seen::scenario::{self, View};

use crate::support::sin_net;

/// `engine::train` as it was, pass by pass on the arena, keeping in `out`
/// the snapshots taken before it stops (as `engine::train_into` does).
fn train_arena(
    graph: &mut Graph,
    output: NodeId,
    params: &[NodeId],
    schedule: Schedule,
    out: &mut Vec<Snapshot>,
) -> Result<(), TrainError> {
    graph.zero_grad();
    for step in 0..=schedule.steps {
        graph
            .forward_quiet()
            .map_err(|error| TrainError::Forward { step, error })?;
        out.push(Snapshot {
            step,
            loss: graph.nodes[output].value,
            params: params.iter().map(|&p| graph.nodes[p].value).collect(),
        });
        if step == schedule.steps {
            break;
        }
        if schedule.zero_grad {
            graph.zero_grad();
        }
        if let Some(message) = graph.backward_accumulate(output, schedule.seed) {
            return Err(TrainError::Backward { step, message });
        }
        graph.sgd_step(schedule.lr, params);
        for &p in params {
            let n = &graph.nodes[p];
            if !n.grad.is_finite() || !n.value.is_finite() {
                return Err(TrainError::Param {
                    step,
                    param: p,
                    grad: n.grad,
                    value: n.value,
                });
            }
        }
    }
    Ok(())
}

fn bits(v: impl IntoIterator<Item = f64>) -> Vec<u64> {
    v.into_iter().map(f64::to_bits).collect()
}

/// Every value and gradient of the two graphs, as bits.
fn assert_same_graph(a: &Graph, b: &Graph, what: &str) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.nodes.iter().zip(&b.nodes).enumerate() {
        assert_eq!(
            x.value.to_bits(),
            y.value.to_bits(),
            "{what}: value of node {i}"
        );
        assert_eq!(
            x.grad.to_bits(),
            y.grad.to_bits(),
            "{what}: grad of node {i}"
        );
    }
}

fn assert_same_run(
    a: &Result<Vec<Snapshot>, TrainError>,
    b: &Result<Vec<Snapshot>, TrainError>,
    what: &str,
) {
    match (a, b) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.len(), b.len(), "{what}");
            for (x, y) in a.iter().zip(b) {
                assert_eq!(x.step, y.step);
                assert_eq!(
                    x.loss.to_bits(),
                    y.loss.to_bits(),
                    "{what}: loss at {}",
                    x.step
                );
                assert_eq!(
                    bits(x.params.clone()),
                    bits(y.params.clone()),
                    "{what}: {}",
                    x.step
                );
            }
        }
        // A TrainError compares its step, node, values and message; the
        // floats in it by value, so compare their bits through Debug too.
        (Err(x), Err(y)) => {
            assert_eq!(x, y, "{what}");
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "{what}");
        }
        _ => panic!("{what}: one run failed and the other did not: {a:?} against {b:?}"),
    }
}

/// Trains a copy of the block's lowered graph both ways and compares:
/// the snapshots (those before the stop too, for a run that stops), the
/// error, and every value and gradient the last pass left.
fn compare_block(block: &str, view: View, schedule: Schedule) -> Result<Vec<Snapshot>, TrainError> {
    let s = scenario::parse(block).unwrap();
    let l = s.lower(view).unwrap();
    let (mut tape_g, mut arena_g) = (l.graph.clone(), l.graph.clone());
    let params = tape_g.params();
    let mut tape = Tape::new(&tape_g);
    let (mut got, mut want) = (Vec::new(), Vec::new());
    let got_end = train_into(&mut tape, l.output, &params, schedule, &|_| true, &mut got);
    tape.store(&mut tape_g);
    let want_end = train_arena(&mut arena_g, l.output, &params, schedule, &mut want);
    let what = format!("{view:?}, {schedule:?}");
    assert_same_run(&Ok(got.clone()), &Ok(want), &what);
    let none = |()| Vec::new();
    assert_same_run(&got_end.clone().map(none), &want_end.map(none), &what);
    assert_same_graph(&tape_g, &arena_g, &what);
    got_end.map(|()| got)
}

/// A 2-8-8-1 tanh net with the hinge loss over 40 points, as the moons
/// block of the explainer; the points from SplitMix64, so the test needs
/// no file.
fn moons_like() -> String {
    let mut r = seen::engine::SplitMix64::new(5);
    let examples: Vec<String> = (0..40)
        .map(|i| {
            let (x1, x2) = (2.0 * r.next_weight(), r.next_weight());
            let y = if i % 2 == 0 { 1 } else { -1 };
            format!("{{ x1 = {x1}, x2 = {x2}, y = {y} }}")
        })
        .collect();
    format!(
        "id = \"m\"\nnet = {{ sizes = [2, 8, 8, 1], act = \"tanh\", seed = 1 }}\nexamples = [ {} ]\ngraph = \"\"\"\ns = mlp(x1, x2)\nloss = relu(1 - y * s)\n\"\"\"\nreduce = \"mean\"\ntrain = {{ steps = 30, lr = 0.3 }}\nfigure = \"training\"",
        examples.join(", ")
    )
}

/// How the tape of the block's lowered graph runs its examples: as how
/// many columns, and whether backward too (see `engine::tape::columns`).
fn columns_of(block: &str, view: View) -> Option<(usize, bool)> {
    let l = scenario::parse(block).unwrap().lower(view).unwrap();
    Tape::new(&l.graph).example_columns()
}

fn schedule(steps: usize, lr: f64, zero_grad: bool) -> Schedule {
    Schedule {
        steps,
        lr,
        zero_grad,
        seed: 1.0,
    }
}

#[test]
fn a_net_trains_to_the_same_bits_on_the_tape_as_on_the_arena() {
    let block = moons_like();
    for view in [View::Modules, View::Atomic] {
        // The 40 examples run as columns, forward and backward.
        assert_eq!(columns_of(&block, view), Some((40, true)), "{view:?}");
        for zero_grad in [true, false] {
            let run = compare_block(&block, view, schedule(30, 0.3, zero_grad));
            assert_eq!(run.unwrap().len(), 31);
        }
    }
}

#[test]
fn every_op_of_the_rulebook_runs_to_the_same_bits() {
    // sigmoid, bce, mse, pow, exp, log, recip, neg, relu, tanh, sin, cos,
    // sqrt and abs in one block, in both views (modules and their atomic
    // expansions).
    let block = "id = \"all\"\nparams = { w = 0.7, b = -0.2, c = 0.4 }\nexamples = [ { x = 0.5, y = 1, t = 0.3 }, { x = -1.25, y = 0, t = -0.1 } ]\ngraph = \"\"\"\nz = linear(w, x, b)\np = sigmoid(z)\nq = exp(c * x) + recip(2 + w * w) + log(1 + c * c) + relu(z) + tanh(z)\nu = sin(w * x) + cos(c - x) + sqrt(1 + b * b) + abs(z - c)\nr = (q + u - t) ^ 2\nloss = bce(p, y) + mse(q, t) + r\n\"\"\"\nreduce = \"mean\"\ntrain = { steps = 25, lr = 0.05 }\nfigure = \"training\"";
    for view in [View::Modules, View::Atomic] {
        // As columns forward; backward node by node (`w` and `c` are read
        // more than once).
        assert_eq!(columns_of(block, view), Some((2, false)), "{view:?}");
        for zero_grad in [true, false] {
            assert!(compare_block(block, view, schedule(25, 0.05, zero_grad)).is_ok());
        }
    }
    // Every row of the rulebook is in one view or the other: an op added
    // to the rulebook and not here fails this test.
    let s = scenario::parse(block).unwrap();
    let mut used: Vec<&str> = Vec::new();
    for view in [View::Modules, View::Atomic] {
        let l = s.lower(view).unwrap();
        used.extend(l.graph.nodes.iter().filter_map(|n| n.op.map(Op::name)));
    }
    for rule in seen::engine::ops::RULES.iter() {
        assert!(used.contains(&rule.name), "{} is not exercised", rule.name);
    }
}

#[test]
fn a_log_of_a_negative_reached_in_training_stops_both_at_the_same_step_and_node() {
    // loss = log(w): dloss/dw = 1/w, so with lr = 3 the first step takes
    // w from 1 to −2 and step 1's forward pass refuses the log.
    let block = "id = \"neg\"\nparams = { w = 1.0 }\nexamples = [ { x = 1.0 } ]\ngraph = \"\"\"\nloss = log(w * x)\n\"\"\"\ntrain = { steps = 5, lr = 3 }\nfigure = \"training\"";
    let Err(TrainError::Forward { step, error }) =
        compare_block(block, View::Atomic, schedule(5, 3.0, true))
    else {
        panic!("the log was not refused")
    };
    assert_eq!((step, error.op), (1, "log"));
    assert_eq!(bits(error.args), bits([-2.0]));
    // The same block through the scenario: the step took the run out of
    // the log's domain, a divergence drawn up to step 0, not an error.
    let runs = scenario::parse(block).unwrap().analyze().unwrap();
    let t = runs[0].training.as_ref().unwrap();
    assert_eq!(t.steps.len(), 1);
    let d = t.diverged.as_ref().expect("diverged");
    assert_eq!(d.at, 1);
    assert_eq!(
        d.why,
        "log needs a positive argument in statement `loss`: log(-2)"
    );
}

#[test]
fn a_diverging_run_stops_both_with_the_same_error() {
    // A learning rate that blows the weights up: a non-finite value,
    // gradient or parameter, the same one on both.
    let block = "id = \"big\"\nparams = { w = 3.0 }\nexamples = [ { x = 2.0, y = 1.0 } ]\ngraph = \"\"\"\nd = w * w * x - y\nloss = d * d\n\"\"\"\ntrain = { steps = 40, lr = 10 }\nfigure = \"training\"";
    for zero_grad in [true, false] {
        let run = compare_block(block, View::Atomic, schedule(40, 10.0, zero_grad));
        assert!(run.is_err(), "it diverges: {run:?}");
    }
}

#[test]
fn the_sin_net_diverges_at_the_same_step_with_the_same_snapshots_on_both() {
    // lr = 2 multiplies the output layer's error at every step until the
    // loss overflows: the tape and the arena stop at the same step, with
    // the same snapshots before it, bit for bit, in both views.
    let block = sin_net(150, 2.0);
    let mut stops = Vec::new();
    for view in [View::Modules, View::Atomic] {
        let run = compare_block(&block, view, schedule(150, 2.0, true));
        let Err(TrainError::Forward { step, error }) = run else {
            panic!("{view:?}: the loss did not overflow: {run:?}")
        };
        assert!(error.message.contains("not a finite number"), "{error:?}");
        stops.push(step);
    }
    // The views differ in rounding (a module against its expansion), not
    // in the story: both overflow within a step of each other.
    assert!(stops[0].abs_diff(stops[1]) <= 1, "{stops:?}");
    assert!((50..150).contains(&stops[0]), "{stops:?}");
}

#[test]
fn a_tape_reports_the_arenas_domain_errors_and_partial_values() {
    // recip(w − 1) at w = 1, behind a node that is computed first.
    let mut g = Graph::new();
    let w = g.leaf(Kind::Param, Some("w"), 1.0);
    let one = g.leaf(Kind::Const, None, 1.0);
    let n1 = g.op(Op::Neg, &[one]);
    let d = g.op(Op::Add, &[w, n1]);
    let t = g.op(Op::Tanh, &[w]);
    let r = g.op(Op::Recip, &[d]);
    let _after = g.op(Op::Exp, &[r]);
    let mut tape = Tape::new(&g);
    let mut arena = g.clone();
    assert_eq!(tape.forward(), arena.forward_quiet());
    assert!(tape.forward().is_err());
    let mut stored = g.clone();
    tape.store(&mut stored);
    assert_same_graph(&stored, &arena, "after the refused recip");
    assert_eq!(stored.nodes[t].value, 1f64.tanh());
    // forward_until stops before the refused node, on both.
    let (mut tape, mut arena) = (Tape::new(&g), g.clone());
    assert_eq!(tape.forward_until(t), arena.forward_until(t));
    assert_eq!(tape.values[t].to_bits(), arena.nodes[t].value.to_bits());
}

#[test]
fn the_evaluator_gives_the_arenas_bits_over_a_grid_at_every_step() {
    let s = scenario::parse(&moons_like()).unwrap();
    let runs = s.analyze().unwrap();
    let t = runs[0].training.as_ref().unwrap();
    let mut e = s.evaluator().unwrap();
    let mut m = s.model_graph(View::Modules).unwrap();
    let params = m.graph.params();
    let (x1, x2) = (m.graph.find("x1").unwrap(), m.graph.find("x2").unwrap());
    for k in [0, 7, 30] {
        for (&p, &v) in params.iter().zip(&t.steps[k].params) {
            m.graph.nodes[p].value = v;
        }
        for i in 0..=12 {
            for j in 0..=12 {
                let (a, b) = (-2.5 + i as f64 * 0.41, -1.5 + j as f64 * 0.27);
                let got = e.eval(&t.steps[k].params, &[a, b], "s").unwrap();
                m.graph.nodes[x1].value = a;
                m.graph.nodes[x2].value = b;
                m.graph.forward_quiet().unwrap();
                let want = m.graph.nodes[m.output].value;
                assert_eq!(got.to_bits(), want.to_bits(), "step {k} at ({a}, {b})");
            }
        }
    }
}

#[test]
fn a_gradient_that_overflows_stops_both_at_the_same_first_message() {
    // Forward stays finite (w·x = 1, u·v = 1), but with a seed of 1e10 the
    // messages to w and u overflow: the tape's unchecked pass notices and
    // runs again with the check, to name the first one as the arena does.
    let block = "id = \"ovf\"\nparams = { w = 1e300, u = 1e-300 }\nexamples = [ { x = 1e-300, v = 1e300 } ]\ngraph = \"\"\"\nloss = tanh(w * x) + u * v + w * x\n\"\"\"\ntrain = { steps = 3, lr = 0.1 }\nfigure = \"training\"";
    assert_overflows_at_step_0(block);
}

/// Trains `block` 3 steps with a seed of 1e10 in both views, with and
/// without zero_grad: both stop at step 0 on the same message, which
/// overflowed.
fn assert_overflows_at_step_0(block: &str) {
    for view in [View::Modules, View::Atomic] {
        for zero_grad in [true, false] {
            let schedule = Schedule {
                seed: 1e10,
                ..schedule(3, 0.1, zero_grad)
            };
            let run = compare_block(block, view, schedule);
            let Err(TrainError::Backward { step, message }) = run else {
                panic!("no message overflowed: {run:?}")
            };
            assert_eq!(step, 0);
            assert!(message.contribution.is_infinite(), "{message:?}");
        }
    }
}

#[test]
fn a_backward_pass_on_the_tape_gives_the_arenas_first_bad_message_and_gradients() {
    // Two bad messages, the first not the first sent, and a later finite
    // one into the same node: the tape names the first and ends with the
    // arena's gradients.
    let mut g = Graph::new();
    let a = g.leaf(Kind::Param, Some("a"), 1e300);
    let b = g.leaf(Kind::Param, Some("b"), 1e-300);
    let c = g.leaf(Kind::Param, Some("c"), 2.0);
    let ab = g.op(Op::Mul, &[a, b]);
    let ac = g.op(Op::Linear, &[c, b, a, b, c]);
    let out = g.op(Op::Add, &[ac, ab]);
    for seed in [1.0, 1e10, f64::INFINITY] {
        let mut tape = Tape::new(&g);
        let mut arena = g.clone();
        tape.grads[a] = 0.5;
        arena.nodes[a].grad = 0.5;
        let got = tape.backward_accumulate(out, seed);
        let want = arena.backward_accumulate(out, seed);
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "seed {seed}");
        assert_eq!(got.is_some(), seed != 1.0);
        let mut stored = g.clone();
        tape.store(&mut stored);
        assert_same_graph(&stored, &arena, &format!("seed {seed}"));
    }
}

#[test]
fn a_linear_that_overflows_is_reported_as_the_arena_reports_it() {
    // The tape sums a linear's operands in place and copies them only when
    // the sum is not finite, to name them in the error: the same error.
    let block = "id = \"lin\"\nparams = { w = 1e200, v = 2.0, b = 0.5 }\nexamples = [ { x = 3.0 }, { x = 1e200 } ]\ngraph = \"\"\"\nloss = tanh(linear(w, x, v, x, b))\n\"\"\"\nreduce = \"mean\"\ntrain = { steps = 2, lr = 0.1 }\nfigure = \"training\"";
    for view in [View::Modules, View::Atomic] {
        let run = compare_block(block, view, schedule(2, 0.1, true));
        let Err(TrainError::Forward { step, error }) = run else {
            panic!("the sum did not overflow: {run:?}")
        };
        assert_eq!(step, 0);
        if view == View::Modules {
            assert_eq!(error.op, "linear");
            assert_eq!(error.args.len(), 5);
        }
    }
}

#[test]
fn a_linear_that_reads_a_node_twice_sends_the_arenas_messages_in_its_order() {
    // `linear`'s backward runs in a loop of its own (weight and input of a
    // pair, then the bias): a param that is both a weight and an input,
    // and an input read by two pairs, must get each message in the order
    // the arena adds them.
    let block = "id = \"twice\"\nparams = { w = 0.7, v = -1.3, b = 0.25 }\nexamples = [ { x = 0.5, y = 1 }, { x = -1.5, y = 0 } ]\ngraph = \"\"\"\nz = linear(w, w, v, x, w, x, b)\nloss = (tanh(z) - y) ^ 2\n\"\"\"\nreduce = \"mean\"\ntrain = { steps = 12, lr = 0.1 }\nfigure = \"training\"";
    // Its examples run forward as columns; backward node by node, since
    // the template reads `w` three times (see engine::tape::columns).
    assert_eq!(columns_of(block, View::Modules), Some((2, false)));
    for zero_grad in [true, false] {
        let run = compare_block(block, View::Modules, schedule(12, 0.1, zero_grad));
        assert_eq!(run.unwrap().len(), 13);
    }
}

#[test]
fn a_refusal_in_a_middle_example_stops_the_columns_where_the_arena_stops() {
    // mean(log(w + x)): each step lowers w, and w + x leaves the log's
    // domain first in the second example (x = −0.5) at step 1, after a
    // pass that ran as columns. The tape runs that pass again node by
    // node: the same error, and the same values left behind.
    let block = "id = \"mid\"\nparams = { w = 1.0 }\nexamples = [ { x = 5 }, { x = -0.5 }, { x = 3 } ]\ngraph = \"\"\"\nloss = log(w + x)\n\"\"\"\nreduce = \"mean\"\ntrain = { steps = 5, lr = 1 }\nfigure = \"training\"";
    for view in [View::Modules, View::Atomic] {
        assert_eq!(columns_of(block, view), Some((3, true)));
        let run = compare_block(block, view, schedule(5, 1.0, true));
        let Err(TrainError::Forward { step, error }) = run else {
            panic!("the log was not refused: {run:?}")
        };
        assert_eq!((step, error.op), (1, "log"));
        assert!(error.args[0] < 0.0, "{error:?}");
    }
}

#[test]
fn a_message_that_overflows_in_a_middle_example_is_the_arenas_first() {
    // Forward is finite in every example; with a seed of 1e10 the message
    // to `u` overflows in the second example only (v = 1e300). The
    // columns notice, and the checked pass names the arena's first.
    let block = "id = \"ovf\"\nparams = { w = 0.5, u = 1e-300 }\nexamples = [ { x = 1, v = 1 }, { x = 2, v = 1e300 }, { x = 3, v = 2 } ]\ngraph = \"\"\"\nloss = tanh(w * x) + u * v\n\"\"\"\ntrain = { steps = 3, lr = 0.1 }\nfigure = \"training\"";
    for view in [View::Modules, View::Atomic] {
        assert_eq!(columns_of(block, view), Some((3, true)));
    }
    assert_overflows_at_step_0(block);
}

#[test]
fn random_batches_train_to_the_arenas_bits_as_columns() {
    // Blocks of random statements over two params and 2 to 6 examples:
    // every op, in both views, with and without zero_grad, stopped by a
    // refusal or an overflow or not.
    let mut r = seen::engine::SplitMix64::new(19);
    let mut pick = |n: usize| ((r.next_weight() + 1.0) / 2.0 * n as f64) as usize % n;
    let unary = [
        "tanh", "sin", "cos", "exp", "log", "sqrt", "abs", "relu", "sigmoid",
    ];
    let (mut columns, mut backward, mut stopped) = (0, 0, 0);
    for case in 0..40 {
        let mut names = vec!["w".to_string(), "b".to_string(), "x".to_string()];
        let mut stmts = Vec::new();
        // Half the cases read each param once (so that backward runs as
        // columns too): `w` and `b` in the first statement only.
        let once = case % 2 == 0;
        for k in 0..2 + pick(4) {
            let from = if once && k > 0 { 2 } else { 0 };
            let (a, b) = (
                &names[from + pick(names.len() - from)],
                &names[from + pick(names.len() - from)],
            );
            let (a, b) = if once && k == 0 {
                (&names[0], &names[1])
            } else {
                (a, b)
            };
            let e = match pick(6) {
                0 => format!("{a} * {b} + 0.5"),
                5 => format!("{a} / (1 + {b} * {b})"),
                1 => format!("{}({a} - {b})", unary[pick(unary.len())]),
                2 => format!("linear({a}, x, {b})"),
                3 => format!("({a} + {b}) ^ 2"),
                _ => format!("{}({a}) * {b}", unary[pick(unary.len())]),
            };
            stmts.push(format!("s{k} = {e}"));
            names.push(format!("s{k}"));
        }
        stmts.push(format!("loss = mse({}, y)", names.last().unwrap()));
        let examples: Vec<String> = (0..2 + pick(5))
            .map(|_| {
                format!(
                    "{{ x = {}, y = {} }}",
                    2.0 * (pick(9) as f64 - 4.0) / 4.0,
                    pick(3)
                )
            })
            .collect();
        let block = format!(
            "id = \"r{case}\"\nparams = {{ w = 0.7, b = -0.3 }}\nexamples = [ {} ]\ngraph = \"\"\"\n{}\n\"\"\"\nreduce = \"mean\"\ntrain = {{ steps = 8, lr = 0.5 }}\nfigure = \"training\"",
            examples.join(", "),
            stmts.join("\n")
        );
        let Ok(s) = scenario::parse(&block) else {
            continue;
        };
        for view in [View::Modules, View::Atomic] {
            if s.lower(view).is_err() {
                continue;
            }
            let c = columns_of(&block, view);
            columns += usize::from(c.is_some());
            backward += usize::from(c.is_some_and(|(_, b)| b));
            for zero_grad in [true, false] {
                let run = compare_block(&block, view, schedule(8, 0.5, zero_grad));
                stopped += usize::from(run.is_err());
            }
        }
    }
    // The cases ran as columns, and some stopped on the way.
    assert!(columns >= 60, "{columns} graphs ran as columns");
    assert!(backward >= 20, "{backward} graphs ran backward as columns");
    assert!(stopped > 0, "no run stopped");
}
