//! `train = { steps, lr, zero_grad }`: many steps of full-batch gradient
//! descent on the block's graph, built once and re-run. What a training
//! figure draws comes from here: [`Training`] holds the loss and the params
//! of every step, and [`Evaluator`] evaluates any statement at the params of
//! any step, for any input values.

use super::error::ScenarioError;
use super::lower::{Lowered, MAX_TRAINING_NODES, View};
use super::spec::{Number, TrainSpec, Update};
use super::{Run, Scenario};
use crate::engine::gradcheck::{Mismatch, check_sample};
use crate::engine::{DomainError, Graph, NodeId, Points, Schedule, Snapshot, Tape, TrainError};
use crate::text::num;
use toml::Spanned;

/// Most steps a block may train for. A step runs the whole graph forward
/// and backward; how many a graph may take is also bounded by
/// [`MAX_TRAIN_WORK`] (the 65,000-node two-moons net: about 3,800).
pub const MAX_TRAIN_STEPS: usize = 10_000;

/// Most snapshots a stepper shows: every k-th step, the first and the last.
pub const MAX_SNAPSHOTS: usize = 31;

/// The snapshots a stepper shows for a run of `steps + 1` snapshots: every
/// k-th, with the first and the last, at most [`MAX_SNAPSHOTS`]. k is a
/// round number (1, 2, 5, 10, 20, 50, …), the smallest that keeps the
/// count within the cap: a reader follows steps 0, 10, 20 … more easily
/// than 0, 7, 14 …, and a long run shows 16 to 31 snapshots, not always 31.
pub fn shown(snapshots: usize) -> Vec<usize> {
    let last = snapshots.saturating_sub(1);
    let need = last.div_ceil(MAX_SNAPSHOTS - 1).max(1);
    let k = (0..)
        .flat_map(|e: u32| [1, 2, 5].map(|m| m * 10usize.saturating_pow(e)))
        .find(|&k| k >= need)
        .unwrap_or(need);
    let mut v: Vec<usize> = (0..=last).step_by(k).collect();
    if v.last() != Some(&last) {
        if v.len() == MAX_SNAPSHOTS {
            v.pop();
        }
        v.push(last);
    }
    v
}

/// Most node-steps a training run may take: the graph's nodes times its
/// steps. A node-step is 10 to 16 ns in a release build (one step of a
/// million-node graph takes 10.5 ms, `cargo bench --features bench --bench
/// train`; 500,000,000 node-steps of a 56,000-node graph took 8.2 s of CPU
/// on a loaded 2-core machine), so the budget is 2.5 to 4 s of training.
pub const MAX_TRAIN_WORK: u64 = 250_000_000;

/// A checked `train`.
#[derive(Clone, Debug, PartialEq)]
pub struct Train {
    pub steps: usize,
    pub lr: f64,
    pub zero_grad: bool,
    /// The `train` table in the block body.
    pub span: std::ops::Range<usize>,
    /// The `steps` value in the block body.
    pub steps_span: std::ops::Range<usize>,
}

/// Checks `train`: a whole number of steps from 1 to [`MAX_TRAIN_STEPS`], a
/// learning rate above 0, params to train, and no `update` beside it.
pub fn read(
    train: &Option<Spanned<TrainSpec>>,
    update: &Option<Spanned<Update>>,
    has_params: bool,
) -> Result<Option<Train>, ScenarioError> {
    let Some(t) = train else { return Ok(None) };
    if let Some(u) = update {
        return Err(
            ScenarioError::new(u.span(), "`update` and `train` cannot be used together")
                .expected("`train` for many steps of gradient descent, or `update` for one")
                .see("`train` is set at", t.span().start),
        );
    }
    let spec = t.get_ref();
    let expected = format!("a whole number of steps from 1 to {MAX_TRAIN_STEPS}, such as 100");
    let steps = &spec.steps;
    let bad = |message: String| Err(ScenarioError::new(steps.span(), message).expected(&expected));
    let steps = match *steps.get_ref() {
        Number::Float(f) => return bad(format!("`steps` is {f}, not a whole number")),
        Number::Int(n) if n < 1 => {
            return bad(format!(
                "`steps` is {n}, but training takes at least one step"
            ));
        }
        Number::Int(n) if n as u64 > MAX_TRAIN_STEPS as u64 => {
            return bad(format!(
                "`steps` is {n}, more than the limit of {MAX_TRAIN_STEPS}"
            ));
        }
        Number::Int(n) => n as usize,
    };
    let lr = super::check_lr(&spec.lr)?;
    if !has_params {
        return Err(
            ScenarioError::new(t.span(), "`train` needs params to train")
                .expected("a `params` table or a `net`"),
        );
    }
    Ok(Some(Train {
        steps,
        lr,
        zero_grad: spec.zero_grad.as_ref().is_none_or(|z| *z.get_ref()),
        span: t.span(),
        steps_span: spec.steps.span(),
    }))
}

/// A training run: the loss at each of its `steps + 1` snapshots, and the
/// params at the snapshots a figure shows. This is the data a training
/// figure draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Training {
    pub lr: f64,
    pub zero_grad: bool,
    /// The view the run was trained on (the block's first).
    pub view: View,
    /// Every param's name, in the order of [`Snapshot::params`]: the
    /// block's `params`, then the net's (layer, neuron, weights then bias).
    pub names: Vec<String>,
    /// Entry k: the params after k updates and the loss at those params;
    /// the params only at the steps of [`Training::snapshots`], empty
    /// elsewhere. Every loss here is finite: a run that diverged ends
    /// before it.
    pub steps: Vec<Snapshot>,
    /// The steps whose params are kept, the snapshots a training figure
    /// shows: [`shown`] of the run, and for a run that diverged, those of
    /// them before it and its last finite step.
    pub snapshots: Vec<usize>,
    /// Where and how the run left the finite numbers, if it did.
    pub diverged: Option<Divergence>,
}

/// A run that left the finite numbers: a loss, a gradient or a param that
/// overflowed or became NaN, or a value that a too-large step took out of
/// an op's domain. It is drawn up to its last finite step, not refused.
#[derive(Clone, Debug, PartialEq)]
pub struct Divergence {
    /// The first step whose loss is not finite; [`Training::steps`] ends
    /// at step `at − 1`.
    pub at: usize,
    /// What happened, for the figure and the warning: "the loss
    /// overflowed to ∞", "the gradient of `w` became NaN", "log needs a
    /// positive argument in statement `loss`: log(−2)".
    pub why: String,
}

impl Training {
    /// The loss of every snapshot, from the initial params on.
    pub fn losses(&self) -> impl Iterator<Item = f64> + '_ {
        self.steps.iter().map(|s| s.loss)
    }

    /// (name, value) of every param after `k` updates; nothing unless `k`
    /// is one of [`Training::snapshots`].
    pub fn params_at(&self, k: usize) -> impl Iterator<Item = (&str, f64)> + '_ {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.steps[k].params.iter().copied())
    }
}

/// The block's statements over one example, to evaluate at any params and
/// input values: the model's prediction over a grid, at the params of step
/// k of a [`Training`]. Built once (in the modules view, the smallest), run
/// per point.
#[derive(Clone, Debug)]
pub struct Evaluator {
    /// The lowered graph, compiled: a point is one pass over flat arrays.
    tape: Tape,
    /// The param nodes, in the order of [`Training::names`].
    params: Vec<NodeId>,
    /// The input names and nodes, in the order of the block's inputs (the
    /// data file's columns).
    inputs: Vec<(String, NodeId)>,
    /// Each statement's name and node.
    stmts: Vec<(String, NodeId)>,
    /// The plan and columns of [`Evaluator::eval_points`].
    points: Points,
}

impl Evaluator {
    /// The input names, in the order [`Evaluator::eval`] takes their values.
    pub fn inputs(&self) -> impl Iterator<Item = &str> + '_ {
        self.inputs.iter().map(|(n, _)| n.as_str())
    }

    /// The statement names.
    pub fn statements(&self) -> impl Iterator<Item = &str> + '_ {
        self.stmts.iter().map(|(n, _)| n.as_str())
    }

    /// The value of statement `stmt` with the params set to `params` (as in
    /// [`Snapshot::params`]) and the inputs to `inputs` (in the order of
    /// [`Evaluator::inputs`]; an input not given keeps the first example's
    /// value). Only the nodes up to `stmt`'s are evaluated, so a
    /// prediction is found without its loss.
    ///
    /// # Panics
    /// If `stmt` is not a statement of the block, or `params` is not one
    /// value per param.
    pub fn eval(&mut self, params: &[f64], inputs: &[f64], stmt: &str) -> Result<f64, DomainError> {
        let node = self.set(params, inputs, stmt);
        let t = &mut self.tape;
        t.forward_until(node)?;
        Ok(t.values[node])
    }

    /// [`Evaluator::eval`] at many points with the same params: at point
    /// `p`, the inputs are `inputs` with input slot `vary[i].0` set to
    /// `vary[i].1[p]`. Entry `p` of the answer is what `eval` returns for
    /// that point, value or error, bit for bit.
    ///
    /// The points run together, node by node ([`Tape::forward_points`]):
    /// the params are set once, and a step that reads no varying input
    /// runs once. If a value at any point leaves its domain or is not
    /// finite, every point is run again through `eval`, which finds the
    /// error of each.
    ///
    /// # Panics
    /// As [`Evaluator::eval`]; also if a slot is not one of `inputs`, or
    /// the columns of `vary` are not all as long.
    pub fn eval_points(
        &mut self,
        params: &[f64],
        inputs: &[f64],
        vary: &[(usize, &[f64])],
        stmt: &str,
    ) -> Vec<Result<f64, DomainError>> {
        let n = vary.first().map_or(1, |(_, c)| c.len());
        assert!(
            vary.iter().all(|&(slot, _)| slot < inputs.len()),
            "a slot of `inputs`"
        );
        let node = self.set(params, inputs, stmt);
        let columns: Vec<(NodeId, &[f64])> = vary
            .iter()
            .map(|&(slot, c)| (self.inputs[slot].1, c))
            .collect();
        let mut out = vec![0.0; n];
        if self
            .tape
            .forward_points(node, &columns, &mut out, &mut self.points)
        {
            return out.into_iter().map(Ok).collect();
        }
        let mut at = inputs.to_vec();
        (0..n)
            .map(|p| {
                for &(slot, c) in vary {
                    at[slot] = c[p];
                }
                self.eval(params, &at, stmt)
            })
            .collect()
    }

    /// Sets the params and inputs (see [`Evaluator::eval`]) and returns the
    /// node of `stmt`.
    fn set(&mut self, params: &[f64], inputs: &[f64], stmt: &str) -> NodeId {
        assert_eq!(params.len(), self.params.len(), "one value per param");
        let node = self
            .stmts
            .iter()
            .find(|(n, _)| n == stmt)
            .unwrap_or_else(|| panic!("no statement `{stmt}`"))
            .1;
        let t = &mut self.tape;
        for (&p, &v) in self.params.iter().zip(params) {
            t.values[p] = v;
        }
        for (&(_, i), &v) in self.inputs.iter().zip(inputs) {
            t.values[i] = v;
        }
        node
    }
}

impl Scenario {
    /// The block's statements over its first example, ready to evaluate at
    /// any params (see [`Evaluator::eval`]).
    pub fn evaluator(&self) -> Result<Evaluator, ScenarioError> {
        let one = Scenario {
            examples: vec![self.examples[0].clone()],
            batched: false,
            figure: super::Figure::Training,
            ..self.clone()
        };
        let lowered = one.lower(View::Modules)?;
        debug_assert!(lowered.graph.len() <= MAX_TRAINING_NODES);
        let g = &lowered.graph;
        let params = g.params();
        let inputs = g
            .leaves(crate::engine::Kind::Input)
            .map(|i| (g.nodes[i].name.clone().unwrap_or_default(), i))
            .collect();
        // A statement's node carries its name; `y = x` names no new node,
        // so it is `x`'s.
        let mut stmts: Vec<(String, NodeId)> = Vec::new();
        for st in &self.stmts {
            let node = match &st.expr.kind {
                super::expr::ExprKind::Name(n) => stmts
                    .iter()
                    .find(|(s, _)| s == n)
                    .map(|(_, id)| *id)
                    .or_else(|| g.find(n)),
                _ => g.find(&st.name),
            };
            if let Some(id) = node {
                stmts.push((st.name.clone(), id));
            }
        }
        Ok(Evaluator {
            tape: Tape::new(&lowered.graph),
            params,
            inputs,
            stmts,
            points: Points::default(),
        })
    }

    /// Trains a copy of `run`'s graph (after its first pass) for the
    /// block's `train`, checking every step.
    pub(crate) fn train_on(&self, run: &Run) -> Result<Training, ScenarioError> {
        let t = self.train.as_ref().expect("a block with `train`");
        let lowered = &run.lowered;
        // Trained on a tape of the run's graph, which stays as it was: no
        // copy of the graph unless a step fails and its error needs one.
        let g = &lowered.graph;
        let mut tape = Tape::new(g);
        let params = g.params();
        let schedule = Schedule {
            steps: t.steps,
            lr: t.lr,
            zero_grad: t.zero_grad,
            seed: self.seed,
        };
        let planned = shown(t.steps + 1);
        let keep = |step: usize| planned.binary_search(&step).is_ok();
        let mut steps = Vec::with_capacity(t.steps + 1);
        let ran = crate::engine::train_into(
            &mut tape,
            lowered.output,
            &params,
            schedule,
            &keep,
            &mut steps,
        );
        let diverged = match ran {
            Ok(()) => None,
            // At step 0 the block is as written: its forward pass or its
            // first backward pass fails, an error at its statement (the
            // first run already met it).
            Err(
                e @ (TrainError::Forward { step: 0, .. } | TrainError::Backward { step: 0, .. }),
            ) => {
                let mut failed = g.clone();
                tape.store(&mut failed);
                return Err(self.train_error(lowered, &failed, t, e));
            }
            // Later, the steps took it there: the run is drawn up to the
            // last finite step.
            Err(e) => {
                let mut failed = g.clone();
                tape.store(&mut failed);
                Some(Divergence {
                    at: steps.len(),
                    why: self.divergence_why(lowered, &failed, e),
                })
            }
        };
        // The snapshots the run reached, and its last step (whose params
        // `train_into` always keeps) when it stopped early.
        let mut snapshots: Vec<usize> = planned
            .iter()
            .copied()
            .filter(|&k| k < steps.len())
            .collect();
        if let Some(last) = steps.len().checked_sub(1)
            && snapshots.last() != Some(&last)
        {
            snapshots.push(last);
        }
        Ok(Training {
            lr: t.lr,
            zero_grad: t.zero_grad,
            view: run.view,
            names: params
                .iter()
                .map(|&p| g.nodes[p].name.clone().unwrap_or_default())
                .collect(),
            steps,
            snapshots,
            diverged,
        })
    }

    /// What left the finite numbers, in a few words (see
    /// [`Divergence::why`]). `g` holds the values of the failed pass.
    fn divergence_why(&self, l: &Lowered, g: &Graph, e: TrainError) -> String {
        // ∞, −∞ or NaN, as "overflowed to ∞" or "became NaN".
        let went = |v: f64| {
            if v.is_nan() {
                "became NaN".to_string()
            } else {
                format!("overflowed to {}", num(v))
            }
        };
        // The statement a node belongs to: "the loss" for the output's
        // statement and the reduction over examples, else its name.
        let whose = |node: NodeId| match l.stmt_of.get(node).copied().flatten() {
            Some(k) if k != self.output => format!("`{}`", self.stmts[k].name),
            _ => "the loss".to_string(),
        };
        match e {
            TrainError::Forward { error, .. } => {
                let op = g.nodes[error.node].op.expect("forward fails at an op");
                if op.domain_error(&error.args).is_some() {
                    // A value the step took out of the op's domain, told as
                    // the error at the statement would tell it.
                    self.domain(l, error).message
                } else {
                    format!("{} {}", whose(error.node), went(op.forward(&error.args)))
                }
            }
            TrainError::Backward { message, .. } => {
                let op = g.nodes[message.from].op.expect("messages come from ops");
                format!(
                    "a gradient {} (sent back through {} in {})",
                    went(message.contribution),
                    op.name(),
                    whose(message.from)
                )
            }
            TrainError::Param {
                param, grad, value, ..
            } => {
                let name = g.nodes[param].name.clone().unwrap_or_default();
                if grad.is_finite() {
                    format!("the param `{name}` {}", went(value))
                } else {
                    format!("the gradient of `{name}` {}", went(grad))
                }
            }
        }
    }

    /// Refuses a run over [`MAX_TRAIN_WORK`], at its `steps`, once the
    /// graph's size is known (before its first pass).
    pub(crate) fn check_train_work(&self, nodes: usize) -> Result<(), ScenarioError> {
        let Some(t) = &self.train else { return Ok(()) };
        // Every variant of `vary` trains too: they share the budget.
        let runs = self.combinations();
        let work = (nodes as u64)
            .saturating_mul(t.steps as u64)
            .saturating_mul(runs);
        if work <= MAX_TRAIN_WORK {
            return Ok(());
        }
        let most = MAX_TRAIN_WORK / (nodes.max(1) as u64).saturating_mul(runs);
        let (times, each) = if runs > 1 {
            (format!(" in {runs} variants"), " in each variant")
        } else {
            (String::new(), "")
        };
        Err(ScenarioError::new(
            t.steps_span.clone(),
            format!(
                "training {nodes} nodes for {} steps{times} is {work} node-steps, more than the budget of {MAX_TRAIN_WORK}",
                t.steps
            ),
        )
        .expected(format!("at most {most} steps for a graph of {nodes} nodes{each}"))
        .hint("fewer steps, fewer examples or a smaller net: the budget keeps a block's training to a few seconds"))
    }

    /// A step that went wrong, at the statement where it did, naming the
    /// step and the values.
    fn train_error(&self, l: &Lowered, g: &Graph, t: &Train, e: TrainError) -> ScenarioError {
        let when = |step: usize| {
            format!(
                "training step {step} (after {step} update{} with lr = {})",
                if step == 1 { "" } else { "s" },
                t.lr
            )
        };
        let expected = "finite values at every step of training (a smaller `lr` may help)";
        match e {
            TrainError::Forward { step, error } => {
                let mut err = self.domain(l, error);
                err.message = format!("{}: {}", when(step), err.message);
                err.expected(expected)
            }
            TrainError::Backward { step, message } => {
                let op = g.nodes[message.from].op.expect("messages come from ops");
                let error = DomainError {
                    node: message.from,
                    op: op.name(),
                    args: g.args(message.from),
                    message: format!(
                        "the gradient sent to operand {} is {} ({} × {}), not a finite number",
                        message.slot + 1,
                        message.contribution,
                        message.upstream,
                        message.local
                    ),
                };
                let mut err = self.domain(l, error);
                err.message = format!("{}: {}", when(step), err.message);
                err.expected(expected)
            }
            TrainError::Param {
                step,
                param,
                grad,
                value,
            } => {
                let name = g.nodes[param].name.clone().unwrap_or_default();
                ScenarioError::new(
                    t.span.clone(),
                    format!(
                        "{}: the gradient of `{name}` is {grad} and the update moves it to {value}",
                        when(step)
                    ),
                )
                .expected(expected)
            }
        }
    }
}

/// The gradient check of a big or training graph: central differences for
/// a sample of at most eight params (spread over all of them) rather than
/// every leaf, each on one scratch copy of the graph. A param whose
/// difference would step across a kink (relu at 0) is left out.
pub(crate) fn gradcheck_sample(l: &Lowered, seed: f64) -> Vec<Mismatch> {
    let params = l.graph.params();
    let n = params.len();
    let sample: Vec<NodeId> = (0..n.min(8)).map(|k| params[k * n / n.min(8)]).collect();
    check_sample(&l.graph, l.output, seed, &sample)
}

#[cfg(test)]
mod tests {
    use crate::engine::DomainError;
    use crate::scenario;

    /// A 2-8-8-1 tanh net on 30 points, trained 20 steps, with `extra`
    /// statements after its prediction `s`.
    fn block(extra: &str) -> String {
        let mut r = crate::engine::SplitMix64::new(9);
        let examples: Vec<String> = (0..30)
            .map(|i| {
                let (x1, x2) = (2.0 * r.next_weight(), r.next_weight());
                format!("{{ x1 = {x1}, x2 = {x2}, y = {} }}", 2 * (i % 2) - 1)
            })
            .collect();
        format!(
            "id = \"m\"\nnet = {{ sizes = [2, 8, 8, 1], act = \"tanh\", seed = 1 }}\nexamples = [ {} ]\ngraph = \"\"\"\ns = mlp(x1, x2)\n{extra}loss = relu(1 - y * s)\n\"\"\"\nreduce = \"mean\"\ntrain = {{ steps = 20, lr = 0.3 }}\nfigure = \"training\"",
            examples.join(", ")
        )
    }

    /// A grid of 41 × 41 points (not a whole number of blocks) over
    /// x1 in [-2.5, 2.5] and x2 in [-1.5, 1.5], x1 outer.
    fn grid() -> [Vec<f64>; 2] {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for i in 0..=40 {
            for j in 0..=40 {
                a.push(-2.5 + 5.0 * i as f64 / 40.0);
                b.push(-1.5 + 3.0 * j as f64 / 40.0);
            }
        }
        [a, b]
    }

    /// Value bits, or the error with its args as bits (NaN ≠ NaN).
    fn key(r: &Result<f64, DomainError>) -> String {
        match r {
            Ok(v) => format!("ok {:x}", v.to_bits()),
            Err(e) => {
                let args: Vec<u64> = e.args.iter().map(|a| a.to_bits()).collect();
                format!("err {} {} {args:x?} {}", e.node, e.op, e.message)
            }
        }
    }

    /// `eval_points` against `eval` point by point, for `stmt` of `body`
    /// at steps 0, 7 and 20; returns how many points were errors.
    fn compare(body: &str, stmt: &str) -> usize {
        let s = scenario::parse(body).unwrap();
        let runs = s.analyze().unwrap();
        let t = runs[0].training.as_ref().unwrap();
        let (mut batched, mut scalar) = (s.evaluator().unwrap(), s.evaluator().unwrap());
        assert_eq!(batched.inputs().collect::<Vec<_>>(), ["x1", "x2", "y"]);
        let [a, b] = grid();
        let base = [0.25, -0.5, 1.0];
        let mut errors = 0;
        for k in [0, 7, 20] {
            let ps = &t.steps[k].params;
            let got = batched.eval_points(ps, &base, &[(0, &a), (1, &b)], stmt);
            assert_eq!(got.len(), a.len());
            for (p, g) in got.iter().enumerate() {
                let want = scalar.eval(ps, &[a[p], b[p], 1.0], stmt);
                assert_eq!(
                    key(g),
                    key(&want),
                    "step {k}, point {p} ({}, {})",
                    a[p],
                    b[p]
                );
                errors += want.is_err() as usize;
            }
        }
        errors
    }

    /// Where and why `body` diverged.
    fn diverged(body: &str) -> (usize, String, usize) {
        let runs = scenario::parse(body).unwrap().analyze().unwrap();
        let t = runs[0].training.as_ref().unwrap();
        let d = t.diverged.clone().expect("it diverges");
        (d.at, d.why, t.steps.len())
    }

    #[test]
    fn a_diverged_run_keeps_params_at_its_snapshots_and_its_last_step() {
        let body = "id = \"d\"\nparams = { w = 3.0 }\nexamples = [ { x = 2.0, y = 1.0 } ]\ngraph = \"\"\"\nd = w * x - y\nloss = d * d\n\"\"\"\ntrain = { steps = 200, lr = 1.0 }\nfigure = \"training\"";
        let runs = scenario::parse(body).unwrap().analyze().unwrap();
        let t = runs[0].training.as_ref().unwrap();
        let at = t.diverged.as_ref().expect("it diverges").at;
        assert!(at < 200 && at > 2, "diverged at {at}");
        let last = t.steps.len() - 1;
        assert_eq!(t.snapshots.last(), Some(&last));
        for k in 0..t.steps.len() {
            let kept = !t.steps[k].params.is_empty();
            assert_eq!(kept, t.snapshots.contains(&k), "step {k}");
        }
    }

    #[test]
    fn a_divergence_says_what_left_the_finite_numbers() {
        let run = |graph: &str, params: &str, lr: f64| {
            diverged(&format!(
                "id = \"d\"\nparams = {{ {params} }}\nexamples = [ {{ x = 2.0, y = 1.0 }} ]\ngraph = \"\"\"\n{graph}\n\"\"\"\ntrain = {{ steps = 200, lr = {lr} }}\nfigure = \"training\""
            ))
        };
        // The loss itself overflows: steps 0..at−1 are kept, every one
        // finite.
        let (at, why, kept) = run("d = w * x - y\nloss = d * d", "w = 3.0", 1.0);
        assert_eq!(why, "the loss overflowed to ∞");
        assert_eq!(kept, at);
        // Another statement overflows first, named.
        let (at, why, _) = run("e = exp(w * x)\nloss = y - e", "w = 1.0", 100.0);
        assert_eq!((at, why.as_str()), (1, "`e` overflowed to ∞"));
        // A step out of a domain, told as the domain error would tell it.
        let (at, why, _) = run("loss = log(w * x)", "w = 1.0", 3.0);
        assert_eq!(
            (at, why.as_str()),
            (
                1,
                "log needs a positive argument in statement `loss`: log(-4)"
            )
        );
        // An update past the largest float: the param overflows.
        let (at, why, kept) = run("loss = w * x * 1e300", "w = 1.0", 1e10);
        assert_eq!((at, kept), (1, 1));
        assert_eq!(why, "the param `w` overflowed to −∞");
    }

    #[test]
    fn params_are_kept_at_the_snapshots_only() {
        // 200 steps: every 10th, as a figure shows them.
        let body = block("").replace("steps = 20", "steps = 200");
        let s = scenario::parse(&body).unwrap();
        let t = s.analyze().unwrap()[0].training.clone().unwrap();
        assert_eq!(t.steps.len(), 201);
        assert_eq!(t.snapshots, (0..=200).step_by(10).collect::<Vec<_>>());
        for (k, step) in t.steps.iter().enumerate() {
            let kept = k % 10 == 0;
            assert_eq!(
                step.params.len(),
                if kept { t.names.len() } else { 0 },
                "step {k}"
            );
            assert!(step.loss.is_finite());
        }
    }

    #[test]
    fn points_in_a_batch_have_the_bits_of_points_one_by_one() {
        let body = block("");
        assert_eq!(compare(&body, "s"), 0);
        // `loss` reads `y`, which keeps its value from `inputs`.
        assert_eq!(compare(&body, "loss"), 0);
        // One input varying, the other kept.
        let s = scenario::parse(&body).unwrap();
        let t = s.analyze().unwrap()[0].training.clone().unwrap();
        let (mut batched, mut scalar) = (s.evaluator().unwrap(), s.evaluator().unwrap());
        let xs: Vec<f64> = (0..=80).map(|i| -2.0 + i as f64 / 20.0).collect();
        let ps = &t.steps[20].params;
        let got = batched.eval_points(ps, &[0.0, 0.3, -1.0], &[(0, &xs)], "s");
        for (g, &x) in got.iter().zip(&xs) {
            let want = scalar.eval(ps, &[x, 0.3, -1.0], "s");
            assert_eq!(key(g), key(&want), "at {x}");
        }
    }

    #[test]
    fn a_batch_with_a_point_outside_a_domain_gives_each_points_error() {
        // log of a negative number where x1 < -2.2 (the grid's edge, not
        // an example), inside the model.
        let n = compare(&block("q = log(x1 + 2.2) + s\n"), "q");
        assert!(n > 0 && n < 3 * 41 * 41, "{n} errors");
        // A value that is not finite (exp overflows at x1 = 2.5, the
        // grid's last column) before the statement evaluated, which does
        // not read it.
        let n = compare(&block("e = exp(2000 * (x1 - 2.1))\nr = s + 1\n"), "r");
        assert!(n > 0 && n < 3 * 41 * 41, "{n} errors");
    }
}
