//! An engine run as an ordered list of steps, each with the state a frame
//! draws and a short narration with its numbers.
//!
//! Setup (leaves known) → one step per forward op → the seed on the output →
//! one step per backward message → every leaf's gradient → the update, if
//! the block asks for one.

use crate::engine::{Graph, Kind, Message, Node, NodeId, Op, Transcript, Update};
use crate::text::{fmt_num, short_label};

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

/// Longest expression label before falling back to the op's name.
const MAX_LABEL: usize = 10;

/// Display labels: the name when the node has one; otherwise a short
/// expression of its parents' labels (`w·x`, `−z`, `exp(−z)`), or, when
/// that would be long, the op's name and id (`add #8`).
pub fn labels(g: &Graph) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(g.len());
    for (id, n) in g.nodes.iter().enumerate() {
        let per_example = |p: &usize| g.nodes[*p].example.is_some() || out[*p] == "sum";
        let label = if let Some(name) = &n.name {
            name.clone()
        } else if n.op == Some(Op::Add) && n.example.is_none() && n.parents.iter().all(per_example)
        {
            // The reduction over examples.
            "sum".to_string()
        } else if n.kind == Kind::Const {
            fmt_num(n.value)
        } else if let Some(op) = n.op {
            let a: Vec<&str> = n.parents.iter().map(|&p| out[p].as_str()).collect();
            let e = short_label(op, &a);
            if e.chars().count() <= MAX_LABEL {
                e
            } else {
                format!("{} #{id}", op.name())
            }
        } else {
            format!("#{id}")
        };
        out.push(label);
    }
    out
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

    /// Forward: one op at a time.
    fn forward(&mut self) {
        let (g, ops) = (self.g, self.run.forward.len());
        for (k, f) in self.run.forward.iter().enumerate() {
            let node = &g.nodes[f.node];
            let op = node.op.expect("forward steps are ops");
            let label = &self.labels[f.node];
            let names: Vec<String> = node
                .parents
                .iter()
                .map(|&p| self.labels[p].clone())
                .collect();
            let vals: Vec<String> = node
                .parents
                .iter()
                .map(|&p| num(g.nodes[p].value))
                .collect();
            let by_name = formula(op, &names);
            let narration = format!(
                "{label} = {}{} = {}. The value is cached for the backward pass.",
                // A label that is already the formula is not repeated.
                if by_name == *label {
                    String::new()
                } else {
                    format!("{by_name} = ")
                },
                formula(op, &vals),
                num(f.value)
            );
            let title = format!("Forward {} of {ops}: {label}", k + 1);
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
        let title = format!("Seed: ∂{label}/∂{label} = {}", num(seed));
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

    /// Backward: one message at a time.
    fn backward(&mut self) {
        let total = self.run.messages.len();
        let mut received = vec![0usize; self.g.len()];
        for (k, m) in self.run.messages.iter().enumerate() {
            let before = self.grads[m.to];
            self.grads[m.to] = Some(m.total);
            received[m.to] += 1;
            let (from, to) = (&self.labels[m.from], &self.labels[m.to]);
            let title = format!("Backward {} of {total}: {from} → {to}", k + 1);
            let narration = self.message_narration(m, before.filter(|_| received[m.to] > 1));
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
    /// already had one, which the contribution adds to.
    fn message_narration(&self, m: &Message, before: Option<f64>) -> String {
        let op = self.g.nodes[m.from].op.expect("messages come from ops");
        let (from, to) = (&self.labels[m.from], &self.labels[m.to]);
        let acc = match before {
            Some(b) => format!(
                " {to} already had {}, so its gradient is now {} + {} = {}.",
                num(b),
                num(b),
                num(m.contribution),
                num(m.total)
            ),
            None => format!(
                " ∂{}/∂{to} is now {}.",
                self.labels[self.run.output],
                num(m.total)
            ),
        };
        format!(
            "{from} sends {to} its upstream gradient {} times the local derivative {} ({}): {} × {} = {}.{acc}",
            num(m.upstream),
            num(m.local),
            local_rule(op, m.slot),
            num(m.upstream),
            operand(m.local),
            num(m.contribution),
        )
    }

    /// Done: every leaf's gradient.
    fn done(&mut self) {
        let g = self.g;
        let out = &self.labels[self.run.output];
        let leaf_grads: Vec<String> = (0..g.len())
            .filter(|&i| matches!(g.nodes[i].kind, Kind::Param | Kind::Input))
            .map(|i| format!("∂{out}/∂{} = {}", self.labels[i], num(g.nodes[i].grad)))
            .collect();
        let narration = format!("Backward is done. {}.", leaf_grads.join(", "));
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
                    num(*grad),
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
