//! An engine run as an ordered list of steps, each with the state a frame
//! draws and a short narration with its numbers.
//!
//! Setup (leaves known) → one step per forward op → the seed on the output →
//! one step per backward message → every leaf's gradient → the update, if
//! the block asks for one.

use crate::engine::{Graph, Kind, Message, Node, NodeId, Op, Transcript, Update};
use crate::text::{Part, const_label, expr_label, wrt};

// The text helpers frames and figures print with, at their old paths.
pub use crate::text::{formula, local_rule, num, operand};

/// What a step is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Setup,
    Forward,
    Seed,
    Backward,
    Done,
    Update,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Setup => "setup",
            Phase::Forward => "forward",
            Phase::Seed => "seed",
            Phase::Backward => "backward",
            Phase::Done => "done",
            Phase::Update => "update",
        }
    }
}

/// An edge of the graph: parent `from` feeds operand `slot` of `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    pub slot: usize,
}

/// One step: what is known, what is active, and what to say.
#[derive(Clone, Debug)]
pub struct Step {
    pub phase: Phase,
    /// A few words: "Forward 3 of 8", "Backward: log → p".
    pub title: String,
    /// One or two plain sentences with the step's numbers.
    pub narration: String,
    /// Each node's value, once computed (leaves from the start).
    pub values: Vec<Option<f64>>,
    /// Each node's gradient so far (a running total while messages arrive).
    pub grads: Vec<Option<f64>>,
    pub active_nodes: Vec<NodeId>,
    pub active_edges: Vec<Edge>,
    /// The text written on the active edge: `upstream × local = contribution`.
    pub edge_label: Option<String>,
}

/// The whole story of one run.
#[derive(Clone, Debug)]
pub struct Story {
    /// A short display label per node (its name, or a short expression).
    pub labels: Vec<String>,
    pub steps: Vec<Step>,
}

/// Display labels, one per node, deterministic: the name when the node has
/// one (with its example's number in a batch: `loss₂`); a constant's value (`1`, `1/3`); `sum` for the reduction over the
/// examples of a batch; otherwise what the node computes from its operands'
/// labels (`1 − p`, `w1·x1`, `exp(−z)`), with long operands shortened to
/// `…` (see [`expr_label`]). Never an internal number.
pub fn labels(g: &Graph) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(g.len());
    let mut reduction = vec![false; g.len()];
    // How many examples a node of the reduction has summed.
    let mut covered = vec![0usize; g.len()];
    let examples = g
        .nodes
        .iter()
        .filter_map(|n| n.example)
        .max()
        .map_or(0, |m| m + 1);
    for (id, n) in g.nodes.iter().enumerate() {
        let per_example = |p: &usize| g.nodes[*p].example.is_some() || reduction[*p];
        let label = if n.op == Some(Op::Add)
            && n.example.is_none()
            && n.parents.iter().all(per_example)
        {
            // The reduction over examples: a running sum, `sum 1–2`, until
            // it holds them all, `sum` (or the output's name, if it is the
            // output).
            reduction[id] = true;
            covered[id] = n.parents.iter().map(|&p| covered[p].max(1)).sum();
            match &n.name {
                Some(name) => name.clone(),
                None if covered[id] == examples => "sum".into(),
                None => format!("sum 1–{}", covered[id]),
            }
        } else if let Some(name) = &n.name {
            // A batch's nodes are named by their example: `loss₂`.
            // A name that ends in a digit keeps it apart: `x1₍₂₎`.
            match n.example.filter(|_| examples > 1) {
                Some(e) if name.ends_with(|c: char| c.is_ascii_digit()) => {
                    format!("{name}₍{}₎", subscript(e + 1))
                }
                Some(e) => format!("{name}{}", subscript(e + 1)),
                None => name.clone(),
            }
        } else if n.kind == Kind::Const {
            const_label(n.value)
        } else if let Some(op) = n.op {
            let parts: Vec<Part> = (n.parents.iter())
                .map(|&p| Part {
                    label: &out[p],
                    elidable: g.nodes[p].name.is_none() && g.nodes[p].op.is_some() && !reduction[p],
                })
                .collect();
            expr_label(op, &parts)
        } else {
            kind_word(n.kind).to_string()
        };
        out.push(label);
    }
    out
}

/// `n` in subscript digits: 12 → `₁₂`.
fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

/// "example 2" for a node built once per example (examples count from 1).
fn example_word(e: usize) -> String {
    format!("example {}", e + 1)
}

/// "examples 1, 2 and 3".
fn examples_words(es: &[usize]) -> String {
    let n: Vec<String> = es.iter().map(|e| (e + 1).to_string()).collect();
    match n.as_slice() {
        [] => String::new(),
        [one] => format!("example {one}"),
        [rest @ .., last] => format!("examples {} and {last}", rest.join(", ")),
    }
}

/// Capitalises the first letter: "Example 2: …".
fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Param => "param",
        Kind::Input => "input",
        Kind::Const => "constant",
        Kind::Op => "op",
        Kind::Module => "module",
    }
}

/// Builds the story of a run: from a [`Transcript`], or from anything that
/// gives one (a `scenario::Run` does).
pub fn tell<'a>(run: impl Into<Transcript<'a>>) -> Story {
    let run = run.into();
    let mut t = Teller::new(run);
    t.setup();
    t.forward();
    t.seed();
    t.backward();
    t.done();
    if let Some(u) = run.update {
        t.update(u);
    }
    Story {
        labels: t.labels,
        steps: t.steps,
    }
}

/// The state a story is told from, step by step: what is known so far.
struct Teller<'a> {
    run: Transcript<'a>,
    g: &'a Graph,
    labels: Vec<String>,
    /// Each node's value once computed.
    values: Vec<Option<f64>>,
    /// Each node's gradient so far.
    grads: Vec<Option<f64>>,
    steps: Vec<Step>,
}

impl<'a> Teller<'a> {
    fn new(run: Transcript<'a>) -> Self {
        let g = run.graph;
        Teller {
            run,
            g,
            labels: labels(g),
            values: g
                .nodes
                .iter()
                .map(|node| node.kind.is_leaf().then_some(node.value))
                .collect(),
            grads: vec![None; g.len()],
            steps: Vec::new(),
        }
    }

    /// Records a step with the values and gradients known now.
    fn push(&mut self, phase: Phase, title: String, narration: String, active: Active) {
        self.steps.push(Step {
            phase,
            title,
            narration,
            values: self.values.clone(),
            grads: self.grads.clone(),
            active_nodes: active.nodes,
            active_edges: active.edges,
            edge_label: active.edge_label,
        });
    }

    /// `name = value, …` for the leaves `pred` picks.
    fn list(&self, pred: impl Fn(&Node) -> bool) -> Vec<String> {
        let g = self.g;
        g.nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| pred(node))
            .map(|(i, node)| format!("{} = {}", self.labels[i], num(node.value)))
            .collect()
    }

    /// Setup: the leaves are known. Inputs of a batch are listed per example.
    fn setup(&mut self) {
        let g = self.g;
        let plural = |k: Kind, n: usize| {
            if n == 1 {
                kind_word(k).to_string()
            } else {
                format!("{}s", kind_word(k))
            }
        };
        let mut known = Vec::new();
        let params = self.list(|node| node.kind == Kind::Param);
        if !params.is_empty() {
            let kinds = plural(Kind::Param, params.len());
            known.push(format!("{kinds} {}", params.join(", ")));
        }
        let shared = self.list(|node| node.kind == Kind::Input && node.example.is_none());
        if !shared.is_empty() {
            let kinds = plural(Kind::Input, shared.len());
            known.push(format!("{kinds} {}", shared.join(", ")));
        }
        let examples = g.nodes.iter().filter_map(|node| node.example).max();
        for e in 0..examples.map_or(0, |m| m + 1) {
            let inputs = self.list(|node| node.kind == Kind::Input && node.example == Some(e));
            if !inputs.is_empty() {
                known.push(format!("example {}: {}", e + 1, inputs.join(", ")));
            }
        }
        let leaves = (0..g.len())
            .filter(|&i| g.nodes[i].kind.is_leaf())
            .collect();
        let ops = self.run.forward.len();
        let narration = format!(
            "Only the leaves are known: {}. The graph has {ops} operation{} to evaluate.",
            if known.is_empty() {
                "constants".into()
            } else {
                known.join("; ")
            },
            if ops == 1 { "" } else { "s" }
        );
        self.push(
            Phase::Setup,
            "The leaves".into(),
            narration,
            Active::nodes(leaves),
        );
    }

    /// The example a node belongs to, if it was built once per example.
    fn example(&self, n: NodeId) -> Option<usize> {
        self.g.nodes[n].example
    }

    /// "Example 2: " before the narration of a step about `n`, or nothing.
    fn example_prefix(&self, n: Option<usize>) -> String {
        n.map(|e| format!("{}: ", capitalized(&example_word(e))))
            .unwrap_or_default()
    }

    /// " (example 2)" after the title of a step about `n`, or nothing.
    fn example_suffix(&self, n: Option<usize>) -> String {
        n.map(|e| format!(" ({})", example_word(e)))
            .unwrap_or_default()
    }

    /// Forward: one op at a time.
    fn forward(&mut self) {
        let (g, ops) = (self.g, self.run.forward.len());
        for (k, f) in self.run.forward.iter().enumerate() {
            let node = &g.nodes[f.node];
            let op = node.op.expect("forward steps are ops");
            let label = &self.labels[f.node];
            let example = node.example;
            // An operand from an example, read by a node of no example (the
            // reduction), says whose it is.
            let names: Vec<String> = (node.parents.iter())
                .map(|&p| match (example, self.example(p)) {
                    (None, Some(e)) => format!("{} ({})", self.labels[p], example_word(e)),
                    _ => self.labels[p].clone(),
                })
                .collect();
            let vals: Vec<String> = node
                .parents
                .iter()
                .map(|&p| num(g.nodes[p].value))
                .collect();
            // label = by name = by value = result, each said once.
            let mut chain: Vec<String> = vec![label.clone()];
            for term in [formula(op, &names), formula(op, &vals), num(f.value)] {
                if chain.last() != Some(&term) {
                    chain.push(term);
                }
            }
            let narration = format!(
                "{}{}. The value is cached for the backward pass.",
                self.example_prefix(example),
                chain.join(" = ")
            );
            let title = format!(
                "Forward {} of {ops}: {label}{}",
                k + 1,
                self.example_suffix(example)
            );
            let edges = (node.parents.iter().enumerate())
                .map(|(slot, &p)| Edge {
                    from: p,
                    to: f.node,
                    slot,
                })
                .collect();
            self.values[f.node] = Some(f.value);
            self.push(
                Phase::Forward,
                title,
                narration,
                Active {
                    nodes: vec![f.node],
                    edges,
                    edge_label: None,
                },
            );
        }
    }

    /// The seed. Messages never reach the output (it has no consumers in the
    /// run), so its final gradient is the seed itself.
    fn seed(&mut self) {
        let out = self.run.output;
        let seed = self.g.nodes[out].grad;
        let label = &self.labels[out];
        self.grads[out] = Some(seed);
        let title = format!("Seed: ∂{0}/∂{0} = {1}", wrt(label), num(seed));
        let narration = format!(
            "Backward starts at the output {label} with the seed gradient {}: how much the loss changes per unit of itself{}.",
            num(seed),
            if seed == 1.0 {
                ""
            } else {
                ", scaled by the seed"
            }
        );
        self.push(Phase::Seed, title, narration, Active::nodes(vec![out]));
    }

    /// The messages the story tells: every one but those to a constant,
    /// which has nothing to learn, and (unless `input_grads`) those to an
    /// input, the data, which frameworks leave without `requires_grad`. The
    /// engine still sends them, and `seen trace` lists them.
    fn told(&self) -> impl Iterator<Item = &'a Message> + '_ {
        let g = self.g;
        let inputs = self.run.input_grads;
        (self.run.messages.iter()).filter(move |m| match g.nodes[m.to].kind {
            Kind::Const => false,
            Kind::Input => inputs,
            _ => true,
        })
    }

    /// Backward: one message at a time.
    fn backward(&mut self) {
        let total = self.told().count();
        // Per receiver: the examples its gradient has heard from so far.
        let mut heard: Vec<Vec<usize>> = vec![Vec::new(); self.g.len()];
        let mut received = vec![0usize; self.g.len()];
        let told: Vec<&Message> = self.told().collect();
        for (k, m) in told.into_iter().enumerate() {
            let before = self.grads[m.to];
            self.grads[m.to] = Some(m.total);
            received[m.to] += 1;
            let example = self.example(m.from).or(self.example(m.to));
            let (from, to) = (&self.labels[m.from], &self.labels[m.to]);
            let title = format!(
                "Backward {} of {total}: {from} → {to}{}",
                k + 1,
                self.example_suffix(example)
            );
            let before = before.filter(|_| received[m.to] > 1);
            let narration = format!(
                "{}{}",
                self.example_prefix(example),
                self.message_narration(m, before, &heard[m.to])
            );
            if let Some(e) = example
                && let Err(at) = heard[m.to].binary_search(&e)
            {
                heard[m.to].insert(at, e);
            }
            let edge_label = format!(
                "{from} → {to}: upstream {} × local {} = {}",
                num(m.upstream),
                operand(m.local),
                num(m.contribution)
            );
            let active = Active {
                nodes: vec![m.to],
                edges: vec![Edge {
                    from: m.to,
                    to: m.from,
                    slot: m.slot,
                }],
                edge_label: Some(edge_label),
            };
            self.push(Phase::Backward, title, narration, active);
        }
    }

    /// What one message says; `before` is the receiver's gradient when it
    /// already had one, which the contribution adds to. A receiver shared by
    /// the examples of a batch (a param) says which examples its gradient
    /// came from: `heard`, before this message.
    fn message_narration(&self, m: &Message, before: Option<f64>, heard: &[usize]) -> String {
        let op = self.g.nodes[m.from].op.expect("messages come from ops");
        let (from, to) = (&self.labels[m.from], &self.labels[m.to]);
        let shared = self.example(m.to).is_none() && self.example(m.from).is_some();
        let acc = match before {
            Some(b) => format!(
                " {to} already had {}{}, so its gradient is now {} + {} = {}.",
                num(b),
                if shared && !heard.is_empty() {
                    format!(" from {}", examples_words(heard))
                } else {
                    String::new()
                },
                num(b),
                operand(m.contribution),
                num(m.total)
            ),
            None => format!(
                " ∂{}/∂{} is now {}{}.",
                wrt(&self.labels[self.run.output]),
                wrt(to),
                num(m.total),
                if shared && self.batched() {
                    ", from this example so far"
                } else {
                    ""
                }
            ),
        };
        format!(
            "{from} sends {to} its upstream gradient {} times the local derivative {} ({}): {} × {} = {}.{acc}",
            num(m.upstream),
            num(m.local),
            crate::text::local_rule_in(op, m.slot, self.run.graph.nodes[m.from].parents.len()),
            num(m.upstream),
            operand(m.local),
            num(m.contribution),
        )
    }

    /// Whether the graph was built once per example.
    fn batched(&self) -> bool {
        self.g.nodes.iter().any(|n| n.example.is_some())
    }

    /// Done: every leaf's gradient the story told, shared leaves first,
    /// then each example's inputs (with `input_grads`).
    fn done(&mut self) {
        let g = self.g;
        let out = wrt(&self.labels[self.run.output]);
        let inputs = self.run.input_grads;
        let grads = |pred: &dyn Fn(&Node) -> bool| -> Vec<String> {
            (0..g.len())
                .filter(|&i| match g.nodes[i].kind {
                    Kind::Param => true,
                    Kind::Input => inputs,
                    _ => false,
                })
                .filter(|&i| pred(&g.nodes[i]))
                .map(|i| {
                    format!(
                        "∂{out}/∂{} = {}",
                        wrt(&self.labels[i]),
                        num(g.nodes[i].grad)
                    )
                })
                .collect()
        };
        let mut parts = Vec::new();
        let shared = grads(&|n| n.example.is_none());
        if !shared.is_empty() {
            parts.push(shared.join(", "));
        }
        let examples = g.nodes.iter().filter_map(|n| n.example).max();
        for e in 0..examples.map_or(0, |m| m + 1) {
            let own = grads(&|n| n.example == Some(e));
            if !own.is_empty() {
                parts.push(format!("{}: {}", example_word(e), own.join(", ")));
            }
        }
        let narration = format!("Backward is done. {}.", parts.join("; "));
        let params = g.params();
        self.push(
            Phase::Done,
            "All gradients".into(),
            narration,
            Active::nodes(params),
        );
    }

    /// The SGD step and the fresh forward pass after it: the new values,
    /// no gradients yet.
    fn update(&mut self, u: &Update) {
        let changes: Vec<String> = (u.params.iter())
            .map(|(name, before, grad, after)| {
                format!(
                    "{name} ← {} − {} × {} = {}",
                    num(*before),
                    num(u.lr),
                    operand(*grad),
                    num(*after)
                )
            })
            .collect();
        let narration = format!(
            "One SGD step with learning rate {}: {}. A fresh forward pass gives {} = {} (it was {}).",
            num(u.lr),
            changes.join("; "),
            self.labels[self.run.output],
            num(u.output_after),
            num(u.output_before)
        );
        self.values = u.graph.nodes.iter().map(|node| Some(node.value)).collect();
        self.grads = vec![None; self.g.len()];
        let params = self.g.params();
        self.push(
            Phase::Update,
            "One gradient step".into(),
            narration,
            Active::nodes(params),
        );
    }
}

/// What a step highlights.
struct Active {
    nodes: Vec<NodeId>,
    edges: Vec<Edge>,
    edge_label: Option<String>,
}

impl Active {
    fn nodes(nodes: Vec<NodeId>) -> Self {
        Active {
            nodes,
            edges: Vec::new(),
            edge_label: None,
        }
    }
}

#[cfg(test)]
mod tests {
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
            for s in &story.steps {
                for (i, n) in g.nodes.iter().enumerate() {
                    if n.kind == Kind::Const {
                        assert_eq!(s.grads[i], None, "{}", s.title);
                        assert!(!s.active_nodes.contains(&i) || s.phase == Phase::Setup);
                    }
                }
            }
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
            let done = |r: &Run| {
                tell(r)
                    .steps
                    .iter()
                    .find(|s| s.phase == Phase::Done)
                    .unwrap()
                    .clone()
            };
            let (h, s) = (done(&hidden), done(&shown));
            for &i in &inputs {
                assert_eq!(h.grads[i], None);
                assert!(s.grads[i].is_some());
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
            (story.steps.iter())
                .any(|s| s.narration.contains("so its gradient is now")
                    && s.narration.contains(" + (−")),
            "a negative contribution is parenthesised"
        );
    }
}
