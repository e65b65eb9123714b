//! The rulebook: every operation the engine knows, its forward evaluation
//! written next to its local derivative, so the file reads as a table.
//!
//! `x` holds the operand values in operand order and `out` the cached forward
//! output; `c` is the constant exponent of `pow`. A local derivative is
//! ∂out/∂x[i] for each operand `i`.

/// Operand-wise local derivatives. At most three operands (`linear`).
pub type Locals = [f64; 3];

/// An operation: the nine atomic ops of the rulebook, then the three modules.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Add,
    Mul,
    Neg,
    Recip,
    Exp,
    Log,
    /// `a ^ c` with a constant exponent `c`.
    Pow(f64),
    Relu,
    Tanh,
    /// Module `linear(w, x, b) = w * x + b`.
    Linear,
    /// Module `sigmoid(z) = 1 / (1 + exp(-z))`.
    Sigmoid,
    /// Module `bce(p, y) = -(y log p + (1 - y) log(1 - p))`.
    Bce,
}

/// One line of the rulebook.
pub struct Rule {
    pub arity: usize,
    /// Forward: operand values (and the pow exponent) to the output.
    pub forward: fn(x: &[f64], c: f64) -> f64,
    /// Local derivatives from the operands, the cached output and the exponent.
    pub local: fn(x: &[f64], out: f64, c: f64) -> Locals,
}

const fn rule(
    arity: usize,
    forward: fn(&[f64], f64) -> f64,
    local: fn(&[f64], f64, f64) -> Locals,
) -> Rule {
    Rule {
        arity,
        forward,
        local,
    }
}

impl Op {
    /// The rulebook. Forward on the left, local derivative on the right.
    #[rustfmt::skip]
    pub fn rule(self) -> Rule {
        match self {
            //                    forward                              local derivative
            Op::Add    => rule(2, |x, _| x[0] + x[1],                  |_, _, _| [1.0, 1.0, 0.0]),
            Op::Mul    => rule(2, |x, _| x[0] * x[1],                  |x, _, _| [x[1], x[0], 0.0]),
            Op::Neg    => rule(1, |x, _| -x[0],                        |_, _, _| [-1.0, 0.0, 0.0]),
            Op::Recip  => rule(1, |x, _| 1.0 / x[0],                   |x, _, _| [-1.0 / (x[0] * x[0]), 0.0, 0.0]),
            Op::Exp    => rule(1, |x, _| x[0].exp(),                   |_, out, _| [out, 0.0, 0.0]),
            Op::Log    => rule(1, |x, _| x[0].ln(),                    |x, _, _| [1.0 / x[0], 0.0, 0.0]),
            Op::Pow(_) => rule(1, |x, c| x[0].powf(c),                 |x, _, c| [c * x[0].powf(c - 1.0), 0.0, 0.0]),
            Op::Relu   => rule(1, |x, _| x[0].max(0.0),                |x, _, _| [if x[0] > 0.0 { 1.0 } else { 0.0 }, 0.0, 0.0]),
            Op::Tanh   => rule(1, |x, _| x[0].tanh(),                  |_, t, _| [1.0 - t * t, 0.0, 0.0]),
            // Modules: larger nodes with closed-form backward rules.
            Op::Linear => rule(3, |x, _| x[0] * x[1] + x[2],           |x, _, _| [x[1], x[0], 1.0]),
            Op::Sigmoid=> rule(1, |x, _| 1.0 / (1.0 + (-x[0]).exp()),  |_, s, _| [s * (1.0 - s), 0.0, 0.0]),
            Op::Bce    => rule(2, |x, _| bce(x[0], x[1]),              |x, _, _| [(x[0] - x[1]) / (x[0] * (1.0 - x[0])), ((1.0 - x[0]) / x[0]).ln(), 0.0]),
        }
    }

    /// Whether this is a module (drawn as one node in the modules view).
    pub fn is_module(self) -> bool {
        matches!(self, Op::Linear | Op::Sigmoid | Op::Bce)
    }

    /// The name used in the scenario language and in `seen trace`.
    pub fn name(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Mul => "mul",
            Op::Neg => "neg",
            Op::Recip => "recip",
            Op::Exp => "exp",
            Op::Log => "log",
            Op::Pow(_) => "pow",
            Op::Relu => "relu",
            Op::Tanh => "tanh",
            Op::Linear => "linear",
            Op::Sigmoid => "sigmoid",
            Op::Bce => "bce",
        }
    }

    /// A short symbol or label for drawing the node.
    pub fn symbol(self) -> String {
        match self {
            Op::Add => "+".into(),
            Op::Mul => "×".into(),
            Op::Neg => "−".into(),
            Op::Recip => "1/a".into(),
            Op::Exp => "exp".into(),
            Op::Log => "log".into(),
            Op::Pow(c) => format!("^{}", crate::engine::fmt_num(c)),
            Op::Relu => "relu".into(),
            Op::Tanh => "tanh".into(),
            Op::Linear => "Linear".into(),
            Op::Sigmoid => "Sigmoid".into(),
            Op::Bce => "BCE".into(),
        }
    }

    /// Checks the operands are inside the op's domain, before evaluating.
    /// Returns what was expected when they are not.
    pub fn domain_error(self, x: &[f64]) -> Option<&'static str> {
        match self {
            Op::Log if x[0] <= 0.0 => Some("log needs a positive argument"),
            Op::Recip if x[0] == 0.0 => Some("recip needs a non-zero argument"),
            Op::Bce if !(x[0] > 0.0 && x[0] < 1.0) => {
                Some("bce needs a probability p strictly between 0 and 1")
            }
            _ => None,
        }
    }
}

fn bce(p: f64, y: f64) -> f64 {
    -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
}
