//! The graph: nodes in an arena, created in topological order.
//!
//! A node's parents always have smaller ids than the node itself (the arena
//! only grows, and a node can only refer to nodes that already exist). So the
//! arena order *is* a topological order: forward walks it up, backward walks
//! it down, and neither needs recursion or a separate sort.

use super::ops::Op;

/// Index of a node in its graph's arena.
pub type NodeId = usize;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A trainable leaf: its gradient is shown and the update applies to it.
    Param,
    /// A data leaf: gradient computed, never updated.
    Input,
    /// A number literal.
    Const,
    /// An atomic rulebook op.
    Op,
    /// A module (linear, sigmoid, bce) drawn as one node.
    Module,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Param => "param",
            Kind::Input => "input",
            Kind::Const => "const",
            Kind::Op => "op",
            Kind::Module => "module",
        }
    }

    pub fn is_leaf(self) -> bool {
        matches!(self, Kind::Param | Kind::Input | Kind::Const)
    }
}

/// One node: its value, its parents in operand order, its op.
#[derive(Clone, Debug)]
pub struct Node {
    pub kind: Kind,
    pub op: Option<Op>,
    /// Operand order; the same parent may appear twice (`x * x`).
    pub parents: Vec<NodeId>,
    /// The statement or leaf name, if the node has one.
    pub name: Option<String>,
    /// The example index, for nodes built once per example.
    pub example: Option<usize>,
    pub value: f64,
    pub grad: f64,
}

/// The arena of nodes.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
}

/// A forward evaluation produced a value outside the op's domain or a
/// non-finite number.
#[derive(Clone, Debug, PartialEq)]
pub struct DomainError {
    pub node: NodeId,
    pub op: &'static str,
    pub args: Vec<f64>,
    pub message: String,
}

impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let args: Vec<String> = self.args.iter().map(|a| format!("{a}")).collect();
        write!(f, "{} ({}({}))", self.message, self.op, args.join(", "))
    }
}

/// One forward evaluation, in the order it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct ForwardStep {
    pub node: NodeId,
    pub value: f64,
}

impl Graph {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Adds a leaf with its value.
    pub fn leaf(&mut self, kind: Kind, name: Option<&str>, value: f64) -> NodeId {
        debug_assert!(kind.is_leaf());
        self.push(Node {
            kind,
            op: None,
            parents: Vec::new(),
            name: name.map(str::to_owned),
            example: None,
            value,
            grad: 0.0,
        })
    }

    /// Adds an op node over existing parents. Its value is computed by
    /// [`Graph::forward`], not here, so a graph can be built and then run.
    ///
    /// # Panics
    /// If a parent does not exist yet or the operand count is wrong: both are
    /// bugs in the caller (the scenario lowering checks arity first).
    pub fn op(&mut self, op: Op, parents: &[NodeId]) -> NodeId {
        let id = self.nodes.len();
        assert!(parents.iter().all(|&p| p < id), "parents must exist");
        assert!(op.accepts(parents.len()), "arity of {}", op.name());
        self.push(Node {
            kind: if op.is_module() {
                Kind::Module
            } else {
                Kind::Op
            },
            op: Some(op),
            parents: parents.to_vec(),
            name: None,
            example: None,
            value: f64::NAN,
            grad: 0.0,
        })
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Operand values of a node, in operand order.
    pub fn args(&self, id: NodeId) -> Vec<f64> {
        self.nodes[id]
            .parents
            .iter()
            .map(|&p| self.nodes[p].value)
            .collect()
    }

    /// Evaluates every op node in arena (topological) order, caching each
    /// value on its node. Stops at the first value outside an op's domain.
    pub fn forward(&mut self) -> Result<Vec<ForwardStep>, DomainError> {
        let mut steps = Vec::new();
        self.forward_with(|id, value| steps.push(ForwardStep { node: id, value }))?;
        Ok(steps)
    }

    /// Forward without recording, for big graphs and finite differences.
    pub fn forward_quiet(&mut self) -> Result<(), DomainError> {
        self.forward_with(|_, _| {})
    }

    /// Forward over the nodes up to and including `last` only: enough to
    /// read a statement's value without evaluating what comes after it (a
    /// model's prediction without its loss).
    pub fn forward_until(&mut self, last: NodeId) -> Result<(), DomainError> {
        self.forward_range(last + 1, |_, _| {})
    }

    fn forward_with(&mut self, record: impl FnMut(NodeId, f64)) -> Result<(), DomainError> {
        self.forward_range(self.nodes.len(), record)
    }

    fn forward_range(
        &mut self,
        end: NodeId,
        mut record: impl FnMut(NodeId, f64),
    ) -> Result<(), DomainError> {
        // One operand buffer for the whole pass: `linear` has any number.
        let mut x: Vec<f64> = Vec::with_capacity(8);
        for id in 0..end.min(self.nodes.len()) {
            let Some(op) = self.nodes[id].op else {
                continue;
            };
            x.clear();
            x.extend(self.nodes[id].parents.iter().map(|&p| self.nodes[p].value));
            let args = &x[..];
            let fail = |message: String| DomainError {
                node: id,
                op: op.name(),
                args: args.to_vec(),
                message,
            };
            if let Some(why) = op.domain_error(args) {
                return Err(fail(why.to_string()));
            }
            let value = op.forward(args);
            if !value.is_finite() {
                return Err(fail(format!("the result is {value}, not a finite number")));
            }
            self.nodes[id].value = value;
            record(id, value);
        }
        Ok(())
    }

    /// Ids of the leaves of a kind, in arena order.
    pub fn leaves(&self, kind: Kind) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len()).filter(move |&i| self.nodes[i].kind == kind)
    }

    /// Finds a node by name (the first one, for per-example names).
    pub fn find(&self, name: &str) -> Option<NodeId> {
        self.nodes
            .iter()
            .position(|n| n.name.as_deref() == Some(name))
    }
}
