//! An engine run as an ordered list of steps, each with the state a frame
//! draws and a short narration with its numbers.
//!
//! Setup (leaves known) → one step per forward op → the seed on the output →
//! one step per backward message → every leaf's gradient → the update, if
//! the block asks for one.

use crate::engine::{Graph, Kind, Message, NodeId, Op};
use crate::scenario::Run;
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

/// Builds the story of a run.
pub fn tell(run: &Run) -> Story {
    let g = run.graph();
    let out = run.output();
    let labels = labels(g);
    let n = g.len();
    let mut values: Vec<Option<f64>> = g
        .nodes
        .iter()
        .map(|node| node.kind.is_leaf().then_some(node.value))
        .collect();
    let mut grads: Vec<Option<f64>> = vec![None; n];
    let mut steps = Vec::new();
    let step = |phase,
                title: String,
                narration: String,
                values: &Vec<Option<f64>>,
                grads: &Vec<Option<f64>>,
                nodes: Vec<NodeId>,
                edges: Vec<Edge>,
                edge_label: Option<String>| Step {
        phase,
        title,
        narration,
        values: values.clone(),
        grads: grads.clone(),
        active_nodes: nodes,
        active_edges: edges,
        edge_label,
    };

    // Setup: the leaves are known. Inputs of a batch are listed per example.
    let mut known = Vec::new();
    let list = |pred: &dyn Fn(&crate::engine::Node) -> bool| -> Vec<String> {
        g.nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| pred(node))
            .map(|(i, node)| format!("{} = {}", labels[i], num(node.value)))
            .collect()
    };
    let plural = |k: Kind, n: usize| {
        if n == 1 {
            kind_word(k).to_string()
        } else {
            format!("{}s", kind_word(k))
        }
    };
    let params = list(&|node| node.kind == Kind::Param);
    if !params.is_empty() {
        known.push(format!(
            "{} {}",
            plural(Kind::Param, params.len()),
            params.join(", ")
        ));
    }
    let shared_inputs = list(&|node| node.kind == Kind::Input && node.example.is_none());
    if !shared_inputs.is_empty() {
        known.push(format!(
            "{} {}",
            plural(Kind::Input, shared_inputs.len()),
            shared_inputs.join(", ")
        ));
    }
    let examples = g
        .nodes
        .iter()
        .filter_map(|node| node.example)
        .max()
        .map_or(0, |m| m + 1);
    for e in 0..examples {
        let inputs = list(&|node| node.kind == Kind::Input && node.example == Some(e));
        if !inputs.is_empty() {
            known.push(format!("example {}: {}", e + 1, inputs.join(", ")));
        }
    }
    let leaves: Vec<NodeId> = (0..n).filter(|&i| g.nodes[i].kind.is_leaf()).collect();
    let ops = run.forward.len();
    steps.push(step(
        Phase::Setup,
        "The leaves".into(),
        format!(
            "Only the leaves are known: {}. The graph has {ops} operation{} to evaluate.",
            if known.is_empty() {
                "constants".into()
            } else {
                known.join("; ")
            },
            if ops == 1 { "" } else { "s" }
        ),
        &values,
        &grads,
        leaves,
        Vec::new(),
        None,
    ));

    // Forward: one op at a time.
    for (k, f) in run.forward.iter().enumerate() {
        let node = &g.nodes[f.node];
        let op = node.op.expect("forward steps are ops");
        let names: Vec<String> = node.parents.iter().map(|&p| labels[p].clone()).collect();
        let vals: Vec<String> = node
            .parents
            .iter()
            .map(|&p| num(g.nodes[p].value))
            .collect();
        values[f.node] = Some(f.value);
        let edges = node
            .parents
            .iter()
            .enumerate()
            .map(|(slot, &p)| Edge {
                from: p,
                to: f.node,
                slot,
            })
            .collect();
        steps.push(step(
            Phase::Forward,
            format!("Forward {} of {ops}: {}", k + 1, labels[f.node]),
            format!(
                "{} = {}{} = {}. The value is cached for the backward pass.",
                labels[f.node],
                // A label that is already the formula is not repeated.
                if formula(op, &names) == labels[f.node] {
                    String::new()
                } else {
                    format!("{} = ", formula(op, &names))
                },
                formula(op, &vals),
                num(f.value)
            ),
            &values,
            &grads,
            vec![f.node],
            edges,
            None,
        ));
    }

    // The seed.
    // Messages never reach the output (it has no consumers in the run), so
    // its final gradient is the seed itself.
    let seed = g.nodes[out].grad;
    grads[out] = Some(seed);
    steps.push(step(
        Phase::Seed,
        format!("Seed: ∂{0}/∂{0} = {1}", labels[out], num(seed)),
        format!(
            "Backward starts at the output {} with the seed gradient {}: how much the loss changes per unit of itself{}.",
            labels[out],
            num(seed),
            if seed == 1.0 { "" } else { ", scaled by the seed" }
        ),
        &values,
        &grads,
        vec![out],
        Vec::new(),
        None,
    ));

    // Backward: one message at a time.
    let total = run.messages.len();
    let mut received = vec![0usize; n];
    for (k, m) in run.messages.iter().enumerate() {
        let Message {
            from,
            to,
            slot,
            upstream,
            local,
            contribution,
            total: running,
        } = *m;
        let op = g.nodes[from].op.expect("messages come from ops");
        let before = grads[to];
        grads[to] = Some(running);
        received[to] += 1;
        let acc = match before {
            Some(b) if received[to] > 1 => format!(
                " {} already had {}, so its gradient is now {} + {} = {}.",
                labels[to],
                num(b),
                num(b),
                num(contribution),
                num(running)
            ),
            _ => format!(" ∂{}/∂{} is now {}.", labels[out], labels[to], num(running)),
        };
        steps.push(step(
            Phase::Backward,
            format!("Backward {} of {total}: {} → {}", k + 1, labels[from], labels[to]),
            format!(
                "{} sends {} its upstream gradient {} times the local derivative {} ({}): {} × {} = {}.{acc}",
                labels[from],
                labels[to],
                num(upstream),
                num(local),
                local_rule(op, slot),
                num(upstream),
                operand(local),
                num(contribution),
            ),
            &values,
            &grads,
            vec![to],
            vec![Edge { from: to, to: from, slot }],
            Some(format!("{} → {}: upstream {} × local {} = {}", labels[from], labels[to], num(upstream), operand(local), num(contribution))),
        ));
    }

    // Done: every leaf's gradient.
    let leaf_grads: Vec<String> = (0..n)
        .filter(|&i| matches!(g.nodes[i].kind, Kind::Param | Kind::Input))
        .map(|i| format!("∂{}/∂{} = {}", labels[out], labels[i], num(g.nodes[i].grad)))
        .collect();
    let params: Vec<NodeId> = g.leaves(Kind::Param).collect();
    steps.push(step(
        Phase::Done,
        "All gradients".into(),
        format!("Backward is done. {}.", leaf_grads.join(", ")),
        &values,
        &grads,
        params.clone(),
        Vec::new(),
        None,
    ));

    if let Some(u) = &run.update {
        let changes: Vec<String> = u
            .params
            .iter()
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
        let new_values: Vec<Option<f64>> =
            u.graph.nodes.iter().map(|node| Some(node.value)).collect();
        steps.push(step(
            Phase::Update,
            "One gradient step".into(),
            format!(
                "One SGD step with learning rate {}: {}. A fresh forward pass gives {} = {} (it was {}).",
                num(u.lr),
                changes.join("; "),
                labels[out],
                num(u.output_after),
                num(u.output_before)
            ),
            &new_values,
            &vec![None; n],
            params,
            Vec::new(),
            None,
        ));
    }
    Story { labels, steps }
}
