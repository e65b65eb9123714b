//! An engine run as an ordered list of steps, each with the state a frame
//! draws and a short narration with its numbers.
//!
//! Setup (leaves known) → one step per forward op → the seed on the output →
//! one step per backward message → every leaf's gradient → the update, if
//! the block asks for one.

use crate::engine::{Graph, Kind, Message, Node, NodeId, Op, Transcript, Update};
use crate::text::{
    Part, const_label, display_name, expr_label, net_param, neuron_label, subscript, wrt,
};

use crate::text::{formula, num, operand};

/// The most messages to one value whose sum a narration writes out whole;
/// past it (the examples of a big batch) the sum is told pair by pair.
const WHOLE_SUM: usize = 6;

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

/// One step: what it changes, what is active, and what to say.
///
/// A step keeps only what it changes ([`Change`]), not every node's value
/// and gradient: a story has a step per op and per message, so copies of
/// the whole state made it quadratic in the graph's size (a chain of 3,000
/// statements held 9,003 copies of 6,000 nodes). [`State`] replays the
/// changes up to a step.
#[derive(Clone, Debug)]
pub struct Step {
    pub phase: Phase,
    /// A few words: "Forward 3 of 8", "Backward: log → p".
    pub title: String,
    /// One or two plain sentences with the step's numbers.
    pub narration: String,
    /// The nodes whose value or gradient this step sets, in node order.
    pub changes: Vec<Change>,
    pub active_nodes: Vec<NodeId>,
    pub active_edges: Vec<Edge>,
    /// The text written on the active edge: `upstream × local = contribution`.
    pub edge_label: Option<String>,
}

/// A node's value and gradient from a step on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    pub node: NodeId,
    /// Its value, once computed (leaves from the start).
    pub value: Option<f64>,
    /// Its gradient so far (a running total while messages arrive).
    pub grad: Option<f64>,
}

/// Every node's value and gradient at one step of a story: the changes of
/// the steps up to it, applied in order.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub values: Vec<Option<f64>>,
    pub grads: Vec<Option<f64>>,
}

impl State {
    /// Before the first step: nothing known.
    pub fn new(nodes: usize) -> State {
        State {
            values: vec![None; nodes],
            grads: vec![None; nodes],
        }
    }

    /// Moves on past `step`.
    pub fn apply(&mut self, step: &Step) {
        for c in &step.changes {
            self.values[c.node] = c.value;
            self.grads[c.node] = c.grad;
        }
    }
}

/// The whole story of one run.
#[derive(Clone, Debug)]
pub struct Story {
    /// A short display label per node (its name, or a short expression).
    pub labels: Vec<String>,
    pub steps: Vec<Step>,
}

impl Story {
    /// Every node's value and gradient at step `k` (after its changes).
    pub fn state_at(&self, k: usize) -> State {
        let mut st = State::new(self.labels.len());
        for step in &self.steps[..=k] {
            st.apply(step);
        }
        st
    }
}

/// How many steps [`tell`] makes of a run, counted without telling it (a
/// story of a big graph is long, and its size is checked before it is
/// told): the leaves, one per forward op, the seed, one per message told
/// (not those to a constant, nor, unless `input_grads`, to an input), the
/// final gradients, and the update.
pub fn step_count<'a>(run: impl Into<Transcript<'a>>) -> usize {
    let run = run.into();
    let told = (run.messages.iter())
        .filter(|m| tells(run.graph.nodes[m.to].kind, run.input_grads))
        .count();
    1 + run.forward.len() + 1 + told + 1 + usize::from(run.update.is_some())
}

/// Display labels, one per node, deterministic: the name when the node has
/// one (with its example's number in a batch: `loss₂`); a constant's value (`1`, `1/3`); `sum` for the reduction over the
/// examples of a batch; otherwise what the node computes from its operands'
/// labels (`1 − p`, `w1·x1`, `exp(−z)`), with long operands shortened to
/// `…` (see [`expr_label`]). A net's params and neurons read `w₁,₂,₃`,
/// `b₁,₂`, `z₁,₂` and `h₁,₂` (see [`neuron_labels`]). Never an internal
/// number.
pub fn labels(g: &Graph) -> Vec<String> {
    let neurons = neuron_labels(g);
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
        let label =
            if n.op == Some(Op::Add) && n.example.is_none() && n.parents.iter().all(per_example) {
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
                let shown = display_name(name);
                match n.example.filter(|_| examples > 1) {
                    Some(e) if name.ends_with(|c: char| c.is_ascii_digit()) => {
                        format!("{shown}₍{}₎", subscript(e + 1))
                    }
                    Some(e) => format!("{shown}{}", subscript(e + 1)),
                    None => shown,
                }
            } else if let Some(neuron) = &neurons[id] {
                neuron.clone()
            } else if n.kind == Kind::Const {
                const_label(n.value)
            } else if let Some(op) = n.op {
                let parts: Vec<Part> = (n.parents.iter())
                    .map(|&p| Part {
                        label: &out[p],
                        elidable: g.nodes[p].name.is_none()
                            && neurons[p].is_none()
                            && g.nodes[p].op.is_some()
                            && !reduction[p],
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

/// The labels of a net's neurons, by node (`None` for every other node),
/// found by the params the net builds them from: neuron j of layer l sums
/// `linear(w…, h…, b)` with the bias `{net}.{l}.{j}.b` (in the atomic view,
/// the last add of that sum takes the bias), `z_{l,j}`; its output, the
/// activation over that sum, is `h_{l,j}` (a sigmoid's expansion ends in
/// the `recip` of `1 + exp(−z)`); the last layer has no activation, its
/// sum is its output `h`. The indices are those of the params' names.
fn neuron_labels(g: &Graph) -> Vec<Option<String>> {
    let mut out = vec![None; g.len()];
    let parsed = |i: NodeId| {
        let n = &g.nodes[i];
        (n.kind == Kind::Param)
            .then_some(())
            .and_then(|()| net_param(n.name.as_deref()?))
    };
    let Some(last) = (0..g.len())
        .filter_map(|i| parsed(i).map(|(l, _, _)| l))
        .max()
    else {
        return out;
    };
    let bias = |i: NodeId| match parsed(i) {
        Some((l, j, None)) => Some((l, j)),
        _ => None,
    };
    // The neuron whose sum each node is.
    let mut sum: Vec<Option<(usize, usize)>> = vec![None; g.len()];
    let hidden = |sum: &[Option<(usize, usize)>], i: NodeId| sum[i].filter(|&(l, _)| l < last);
    for (id, n) in g.nodes.iter().enumerate() {
        let Some(op) = n.op else { continue };
        let z = match op {
            Op::Linear => n.parents.last().and_then(|&p| bias(p)),
            Op::Add => n.parents.get(1).and_then(|&p| bias(p)),
            _ => None,
        };
        if let Some((l, j)) = z {
            sum[id] = Some((l, j));
            out[id] = Some(neuron_label(if l == last { 'h' } else { 'z' }, l, j));
            continue;
        }
        let h = match op {
            Op::Tanh | Op::Relu | Op::Sigmoid => hidden(&sum, n.parents[0]),
            Op::Recip => sigmoid_input(g, n.parents[0]).and_then(|z| hidden(&sum, z)),
            _ => None,
        };
        out[id] = h.map(|(l, j)| neuron_label('h', l, j));
    }
    out
}

/// `z` when node `a` is `1 + exp(−z)`, the denominator of a sigmoid's
/// atomic expansion.
fn sigmoid_input(g: &Graph, a: NodeId) -> Option<NodeId> {
    let node = |i: NodeId, op: Op| {
        let n = &g.nodes[i];
        (n.op == Some(op)).then_some(&n.parents)
    };
    let [one, e] = node(a, Op::Add)?[..] else {
        return None;
    };
    if g.nodes[one].kind != Kind::Const || g.nodes[one].value != 1.0 {
        return None;
    }
    let [minus] = node(e, Op::Exp)?[..] else {
        return None;
    };
    let [z] = node(minus, Op::Neg)?[..] else {
        return None;
    };
    Some(z)
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

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Param => "param",
        Kind::Input => "input",
        Kind::Const => "constant",
        Kind::Op => "op",
        Kind::Module => "module",
    }
}

/// Whether a story tells the messages to a node of `kind`: not to a
/// constant, which has nothing to learn; to an input (the data, which
/// frameworks leave without `requires_grad`) only with `input_grads`.
fn tells(kind: Kind, input_grads: bool) -> bool {
    match kind {
        Kind::Const => false,
        Kind::Input => input_grads,
        _ => true,
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
    /// The nodes whose value or gradient changed since the last step.
    changed: Vec<NodeId>,
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
            // The leaves are known from the first step.
            changed: (0..g.len())
                .filter(|&i| g.nodes[i].kind.is_leaf())
                .collect(),
            steps: Vec::new(),
        }
    }

    /// Records a step with what changed since the last one.
    fn push(&mut self, phase: Phase, title: String, narration: String, active: Active) {
        let mut changed = std::mem::take(&mut self.changed);
        changed.sort_unstable();
        changed.dedup();
        let changes = changed
            .into_iter()
            .map(|node| Change {
                node,
                value: self.values[node],
                grad: self.grads[node],
            })
            .collect();
        self.steps.push(Step {
            phase,
            title,
            narration,
            changes,
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
        n.map(|e| format!("{}: ", crate::text::capitalise(&example_word(e))))
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
            // Said once, at the first step: every value is kept.
            let cached = if k == 0 {
                " The value is cached for the backward pass, as every value computed on the way."
            } else {
                ""
            };
            let narration = format!(
                "{}{}.{cached}",
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
            self.changed.push(f.node);
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
        self.changed.push(out);
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
        (self.run.messages.iter()).filter(move |m| tells(g.nodes[m.to].kind, inputs))
    }

    /// Backward: one message at a time.
    fn backward(&mut self) {
        let total = self.told().count();
        // Per receiver: the examples its gradient has heard from so far.
        let mut heard: Vec<Vec<usize>> = vec![Vec::new(); self.g.len()];
        let mut received = vec![0usize; self.g.len()];
        let told: Vec<&Message> = self.told().collect();
        // Per receiver: how many messages it gets, and their contributions
        // so far (its last message says the whole sum).
        let mut expected = vec![0usize; self.g.len()];
        for m in &told {
            expected[m.to] += 1;
        }
        let mut sums: Vec<Vec<f64>> = vec![Vec::new(); self.g.len()];
        for (k, m) in told.into_iter().enumerate() {
            sums[m.to].push(m.contribution);
            let before = self.grads[m.to];
            self.grads[m.to] = Some(m.total);
            self.changed.push(m.to);
            received[m.to] += 1;
            let example = self.example(m.from).or(self.example(m.to));
            let (from, to) = (&self.labels[m.from], &self.labels[m.to]);
            let title = format!(
                "Backward {} of {total}: {from} → {to}{}",
                k + 1,
                self.example_suffix(example)
            );
            let before = before.filter(|_| received[m.to] > 1);
            let whole = (received[m.to] == expected[m.to]).then_some(sums[m.to].as_slice());
            let narration = format!(
                "{}{}",
                self.example_prefix(example),
                self.message_narration(m, (before, whole), &heard[m.to])
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
    fn message_narration(
        &self,
        m: &Message,
        (before, whole): (Option<f64>, Option<&[f64]>),
        heard: &[usize],
    ) -> String {
        let op = self.g.nodes[m.from].op.expect("messages come from ops");
        let (from, to) = (&self.labels[m.from], &self.labels[m.to]);
        let shared = self.example(m.to).is_none() && self.example(m.from).is_some();
        let acc = match (before, whole) {
            // The last of three or more messages: the whole sum, not the
            // last pair. A param shared by a batch's examples keeps saying
            // which examples its gradient has heard from, pair by pair.
            (Some(_), Some(all)) if !shared && (3..=WHOLE_SUM).contains(&all.len()) => {
                let terms: Vec<String> = (all.iter().enumerate())
                    .map(|(i, &c)| if i == 0 { num(c) } else { operand(c) })
                    .collect();
                format!(
                    " That is its last message: ∂{}/∂{} = {} = {}.",
                    wrt(&self.labels[self.run.output]),
                    wrt(to),
                    terms.join(" + "),
                    num(m.total)
                )
            }
            (Some(b), _) => format!(
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
            (None, _) => format!(
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
        let operands: Vec<String> = (self.g.nodes[m.from].parents.iter())
            .map(|&p| self.labels[p].clone())
            .collect();
        format!(
            "{from} sends {to} its upstream gradient {} times the local derivative {}: {} × {} = {}.{acc}",
            num(m.upstream),
            crate::text::rule::named_rule_with(op, m.slot, &operands, from, m.local),
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
                    "{} ← {} − {} × {} = {}",
                    display_name(name),
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
        self.changed = (0..self.g.len()).collect();
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
mod tests;
