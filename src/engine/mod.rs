//! The autograd engine: a scalar graph in an arena, the rulebook of local
//! derivatives, modules with closed-form backward rules, reverse-mode
//! backward, the SGD step, and finite-difference checking. Numbers are
//! computed here and formatted for people in [`crate::text`].

pub mod backward;
pub mod gradcheck;
pub mod graph;
pub mod ops;
pub mod sgd;
pub mod tangent;
pub mod tape;
pub mod train;

pub use backward::Message;
pub use graph::{DomainError, ForwardStep, Graph, Kind, Node, NodeId};
pub use ops::{Op, Operands};
pub use sgd::{ParamStep, Update, update};
pub use tape::{Points, Tape};
pub use train::{
    Schedule, Snapshot, SplitMix64, TrainError, train, train_into, train_tape, train_tape_keeping,
};

/// One run of a graph as it happened, borrowed: what a story is told from.
#[derive(Clone, Copy, Debug)]
pub struct Transcript<'a> {
    /// The graph with the values and gradients of the run.
    pub graph: &'a Graph,
    pub output: NodeId,
    /// Every op evaluated by forward, in order.
    pub forward: &'a [ForwardStep],
    /// Every backward message, in order.
    pub messages: &'a [Message],
    /// The SGD step after backward, if one was taken.
    pub update: Option<&'a Update>,
    /// Whether a story of the run tells the messages to inputs (the data);
    /// by default it tells those to params and ops only.
    pub input_grads: bool,
}
