//! The rulebook: every operation the engine knows, one row each. A row holds
//! everything the op means — its name, arity, forward evaluation next to its
//! local derivative, its domain, its atomic expansion if it is a module, and
//! how it reads — so the file reads as a table, like micrograd's `engine.py`.
//! Everything else (the scenario's callable functions, labels, formulas, the
//! rule text of a backward message, the heading of a rule card) is derived
//! from these rows.
//!
//! `x` holds the operand values in operand order and `out` the cached forward
//! output; `c` is the constant exponent of `pow` (0 for every other op). A
//! local derivative is ∂out/∂x[i], asked for one operand `i` at a time, so a
//! row serves any number of operands (`linear` takes 3, 5, 7, …). A local
//! derivative reads its operands through [`Operands`], by slot, so that a
//! compiled tape can hand it the values where they are and it reads only
//! those it needs (`linear`'s for a weight is its input, `tanh`'s none).

use std::borrow::Cow;
use std::ops::Index;

/// The operand values a local derivative reads, by slot: `x[i]` and
/// `x.len()`, whether they sit in a slice of their own or are read in
/// place from a tape's values through the node's parent indices.
#[derive(Clone, Copy, Debug)]
pub enum Operands<'a> {
    /// The operand values in slot order.
    Values(&'a [f64]),
    /// Operand `i` is `values[at[i]]`.
    At { values: &'a [f64], at: &'a [u32] },
}

impl Operands<'_> {
    /// How many operands the node has.
    pub fn len(self) -> usize {
        match self {
            Operands::Values(x) => x.len(),
            Operands::At { at, .. } => at.len(),
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl Index<usize> for Operands<'_> {
    type Output = f64;

    fn index(&self, i: usize) -> &f64 {
        match *self {
            Operands::Values(x) => &x[i],
            Operands::At { values, at } => &values[at[i] as usize],
        }
    }
}

/// How many operands an op takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    Exactly(usize),
    /// `w1, x1, …, wn, xn, b` for any n ≥ 1: an odd number, at least 3.
    Pairs,
}

impl Arity {
    pub const fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::Pairs => n >= 3 && n % 2 == 1,
        }
    }

    /// The fewest operands it takes.
    pub const fn min(self) -> usize {
        match self {
            Arity::Exactly(k) => k,
            Arity::Pairs => 3,
        }
    }
}

/// An operation: the thirteen atomic ops of the rulebook, then the four
/// modules.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Add,
    Mul,
    Neg,
    Recip,
    Exp,
    Log,
    /// `a ^ c` with a constant exponent `c`, carried by the op itself: the
    /// rulebook row is shared and receives `c` as an argument.
    Pow(f64),
    Relu,
    Tanh,
    Sin,
    Cos,
    /// `sqrt(a)` for a > 0: at 0 the derivative is infinite, so 0 is
    /// refused with the negative numbers.
    Sqrt,
    /// `|a|`: a kink at 0, like relu's.
    Abs,
    /// Module `linear(w1, x1, …, wn, xn, b) = w1 * x1 + … + wn * xn + b`.
    Linear,
    /// Module `sigmoid(z) = 1 / (1 + exp(-z))`.
    Sigmoid,
    /// Module `bce(p, y) = -(y log p + (1 - y) log(1 - p))`.
    Bce,
    /// Module `mse(p, t) = (p - t) ^ 2`.
    Mse,
}

/// A domain test: whether the operands lie outside the op's domain.
pub type Outside = fn(x: &[f64]) -> bool;

/// One line of the rulebook.
#[derive(Debug)]
pub struct Rule {
    /// The op this row describes (pow's exponent here is a placeholder; a
    /// node's own `Op::Pow(c)` carries the real one).
    pub op: Op,
    /// The name in the scenario language, in `seen trace` and in errors.
    pub name: &'static str,
    pub arity: Arity,
    /// Whether authors call it by name, `exp(z)`; the others are written
    /// with operators (`+ * - ^`).
    pub callable: bool,
    /// Forward: operand values (and the pow exponent) to the output.
    pub forward: fn(x: &[f64], c: f64) -> f64,
    /// The local derivative ∂out/∂x[i] from the operands, the cached output
    /// and the exponent.
    pub local: fn(x: Operands<'_>, out: f64, c: f64, i: usize) -> f64,
    /// Operands outside the domain, and what was expected instead.
    pub refuse: Option<(Outside, &'static str)>,
    /// Values of the first operand where the local derivative does not
    /// exist (relu's and abs's kink at 0, and sqrt's pole at the edge of
    /// its domain): no finite difference can check a gradient there.
    pub kinks: &'static [f64],
    /// For a module: the rulebook ops it stands for, in the order the atomic
    /// view builds them. `None` for an atomic op.
    pub expansion: Option<Expansion>,
    pub text: Text,
}

/// How an op reads. Templates are filled by `crate::text`: `{0}` `{1}` `{2}`
/// are the operands as they are; a `g` after the digit groups an operand
/// that has an operator of its own in parentheses, an `s` does the same for
/// one that starts with a minus sign; `{c}` is pow's exponent. A `+` right
/// before an operand that starts with a minus sign gives way to it (`a + −b`
/// reads `a − b`, `a+−b` reads `a−b`).
#[derive(Debug)]
pub struct Text {
    /// The op's name for a heading: "Multiply".
    pub word: &'static str,
    /// The glyph drawn on the node: "×" (filled by `Op::symbol`, in
    /// `crate::text`).
    pub symbol: &'static str,
    /// A short label over the operands' labels: "{0g}·{1gs}" gives `w·x`.
    pub short: &'static str,
    /// The formula over operand labels or values: "{0gs} × {1gs}".
    pub formula: &'static str,
    /// The local derivative in words, one per operand slot; the last one
    /// serves every later slot.
    pub rules: &'static [&'static str],
}

/// A module's atomic expansion: a fixed list of atoms, or, for a module of
/// variable arity, the list for a given number of operands.
#[derive(Clone, Copy, Debug)]
pub enum Expansion {
    Atoms(&'static [Atom]),
    ForArity(fn(operands: usize) -> Vec<Atom>),
}

impl Expansion {
    /// The atoms for a call with `operands` operands; the last atom is the
    /// module's output.
    pub fn atoms(self, operands: usize) -> Cow<'static, [Atom]> {
        match self {
            Expansion::Atoms(a) => Cow::Borrowed(a),
            Expansion::ForArity(f) => Cow::Owned(f(operands)),
        }
    }
}

/// One node of a module's atomic expansion.
#[derive(Clone, Debug)]
pub enum Atom {
    /// A rulebook op over the module's operands and earlier atoms.
    Op(Op, Cow<'static, [Ref]>),
    /// A constant leaf.
    Const(f64),
}

/// An op atom over a fixed list of operands, for the tables below.
const fn op(op: Op, refs: &'static [Ref]) -> Atom {
    Atom::Op(op, Cow::Borrowed(refs))
}

/// An operand of an [`Atom`]: the module's own operand `i`, or the node
/// built by atom `k` of the same expansion.
#[derive(Clone, Copy, Debug)]
pub enum Ref {
    Arg(usize),
    Atom(usize),
}

use Atom::Const;
use Ref::{Arg, Atom as At};

/// `w1·x1 + w2·x2 + … + wn·xn + b`, added from the left, for `2n + 1`
/// operands: `w1·x1 + b` is a multiply then an add.
fn linear(operands: usize) -> Vec<Atom> {
    let pairs = operands / 2;
    let mut atoms = Vec::with_capacity(2 * pairs);
    let mut sum = None;
    for k in 0..pairs {
        atoms.push(Atom::Op(
            Op::Mul,
            Cow::Owned(vec![Arg(2 * k), Arg(2 * k + 1)]),
        ));
        let product = At(atoms.len() - 1);
        if let Some(s) = sum {
            atoms.push(Atom::Op(Op::Add, Cow::Owned(vec![s, product])));
            sum = Some(At(atoms.len() - 1));
        } else {
            sum = Some(product);
        }
    }
    let sum = sum.expect("at least one pair");
    atoms.push(Atom::Op(Op::Add, Cow::Owned(vec![sum, Arg(operands - 1)])));
    atoms
}

/// `(p − t)²`.
const MSE: &[Atom] = &[
    op(Op::Neg, &[Arg(1)]),        // 0: −t
    op(Op::Add, &[Arg(0), At(0)]), // 1: p − t
    op(Op::Pow(2.0), &[At(1)]),    // 2: (p − t)²
];

/// `1 / (1 + exp(−z))`.
const SIGMOID: &[Atom] = &[
    op(Op::Neg, &[Arg(0)]),       // 0: −z
    op(Op::Exp, &[At(0)]),        // 1: exp(−z)
    Const(1.0),                   // 2
    op(Op::Add, &[At(2), At(1)]), // 3: 1 + exp(−z)
    op(Op::Recip, &[At(3)]),      // 4
];

/// `−(y·log p + (1 − y)·log(1 − p))`.
const BCE: &[Atom] = &[
    op(Op::Log, &[Arg(0)]),        // 0: log p
    op(Op::Mul, &[Arg(1), At(0)]), // 1: y·log p
    Const(1.0),                    // 2
    op(Op::Neg, &[Arg(1)]),        // 3: −y
    op(Op::Add, &[At(2), At(3)]),  // 4: 1 − y
    Const(1.0),                    // 5
    op(Op::Neg, &[Arg(0)]),        // 6: −p
    op(Op::Add, &[At(5), At(6)]),  // 7: 1 − p
    op(Op::Log, &[At(7)]),         // 8: log(1 − p)
    op(Op::Mul, &[At(4), At(8)]),  // 9: (1 − y)·log(1 − p)
    op(Op::Add, &[At(1), At(9)]),  // 10
    op(Op::Neg, &[At(10)]),        // 11
];

/// The rulebook. Forward on the left, local derivative ∂out/∂x[i] on the
/// right; under each, how the op reads: heading word, node glyph, short
/// label, formula, local rule per operand. Operators first, then the
/// callable functions in the order error messages list them, then the
/// modules.
#[rustfmt::skip]
const TABLE: [Rule; 17] = [
    //  op           name     arity              forward                        local derivative ∂out/∂x[i]
    row(Op::Add,     "add",    Arity::Exactly(2), |x, _| x[0] + x[1],            |_, _, _, _| 1.0)
        .reads("Add", "+", "{0} + {1}", "{0s} + {1s}", &["∂(a + b)/∂operand = 1"]),
    row(Op::Mul,     "mul",    Arity::Exactly(2), |x, _| x[0] * x[1],            |x, _, _, i| x[1 - i])
        .reads("Multiply", "×", "{0g}·{1gs}", "{0gs} × {1gs}", &["∂(a·b)/∂a = b", "∂(a·b)/∂b = a"]),
    row(Op::Neg,     "neg",    Arity::Exactly(1), |x, _| -x[0],                  |_, _, _, _| -1.0)
        .reads("Negate", "−", "−{0gs}", "−{0gs}", &["∂(−a)/∂a = −1"]),
    row(Op::Pow(0.0),"pow",    Arity::Exactly(1), |x, c| x[0].powf(c),           |x, _, c, _| c * x[0].powf(c - 1.0))
        .reads("Power", "^{c}", "{0g}^{c}", "{0gs}^{c}", &["∂aᶜ/∂a = c·aᶜ⁻¹"]),
    row(Op::Exp,     "exp",    Arity::Exactly(1), |x, _| x[0].exp(),             |_, out, _, _| out)
        .function()
        .reads("Exponential", "exp", "exp({0})", "exp({0})", &["∂eᵃ/∂a = eᵃ, the cached output"]),
    row(Op::Log,     "log",    Arity::Exactly(1), |x, _| x[0].ln(),              |x, _, _, _| 1.0 / x[0])
        .function()
        .refuse(|x| x[0] <= 0.0, "log needs a positive argument")
        .reads("Logarithm", "log", "log({0})", "log({0})", &["∂ln a/∂a = 1/a"]),
    row(Op::Recip,   "recip",  Arity::Exactly(1), |x, _| 1.0 / x[0],             |x, _, _, _| -1.0 / (x[0] * x[0]))
        .function()
        .refuse(|x| x[0] == 0.0, "recip needs a non-zero argument")
        .reads("Reciprocal", "1/a", "1/{0g}", "1 / {0gs}", &["∂(1/a)/∂a = −1/a²"]),
    row(Op::Relu,    "relu",   Arity::Exactly(1), |x, _| x[0].max(0.0),          |x, _, _, _| if x[0] > 0.0 { 1.0 } else { 0.0 })
        .function()
        .kinks(&[0.0])
        .reads("ReLU", "relu", "relu({0})", "max({0}, 0)", &["∂relu(a)/∂a = 1 if a > 0, else 0"]),
    row(Op::Tanh,    "tanh",   Arity::Exactly(1), |x, _| x[0].tanh(),            |_, t, _, _| 1.0 - t * t)
        .function()
        .reads("Tanh", "tanh", "tanh({0})", "tanh({0})", &["∂tanh a/∂a = 1 − t², t the cached output"]),
    row(Op::Sin,     "sin",    Arity::Exactly(1), |x, _| x[0].sin(),             |x, _, _, _| x[0].cos())
        .function()
        .reads("Sine", "sin", "sin({0})", "sin({0})", &["∂sin a/∂a = cos a"]),
    row(Op::Cos,     "cos",    Arity::Exactly(1), |x, _| x[0].cos(),             |x, _, _, _| -x[0].sin())
        .function()
        .reads("Cosine", "cos", "cos({0})", "cos({0})", &["∂cos a/∂a = −sin a"]),
    row(Op::Sqrt,    "sqrt",   Arity::Exactly(1), |x, _| x[0].sqrt(),            |_, r, _, _| 1.0 / (2.0 * r))
        .function()
        .refuse(|x| x[0] <= 0.0, "sqrt needs a positive argument")
        // Not a kink but a pole of the derivative: within a step of 0 no
        // finite difference can check it either.
        .kinks(&[0.0])
        .reads("Square root", "√", "√{0g}", "√{0g}", &["∂√a/∂a = 1/(2√a), from the cached output"]),
    row(Op::Abs,     "abs",    Arity::Exactly(1), |x, _| x[0].abs(),             |x, _, _, _| abs_local(x[0]))
        .function()
        .kinks(&[0.0])
        .reads("Absolute value", "abs", "|{0}|", "|{0}|", &["∂|a|/∂a = 1 if a > 0, −1 if a < 0, else 0"]),
    // Modules: larger nodes with closed-form backward rules, and the atomic
    // ops they stand for. `linear` takes any number of (w, x) pairs, then b.
    row(Op::Linear,  "linear", Arity::Pairs,      |x, _| linear_forward(Operands::Values(x)), |x, _, _, i| if i + 1 == x.len() { 1.0 } else { x[i ^ 1] })
        .module(Expansion::ForArity(linear))
        .reads("Linear", "Linear", "{0g}·{1gs} + {2}", "{0gs} × {1gs} + {2gs}",
               &["∂(w·x + b)/∂w = x", "∂(w·x + b)/∂x = w", "∂(w·x + b)/∂b = 1"]),
    row(Op::Sigmoid, "sigmoid", Arity::Exactly(1), |x, _| 1.0 / (1.0 + (-x[0]).exp()), |_, s, _, _| s * (1.0 - s))
        .module(Expansion::Atoms(SIGMOID))
        .reads("Sigmoid", "Sigmoid", "σ({0})", "σ({0})", &["∂σ/∂z = σ(1 − σ), from the cached output"]),
    row(Op::Bce,     "bce",    Arity::Exactly(2), |x, _| bce(x[0], x[1]),        |x, _, _, i| if i == 0 { (x[0] - x[1]) / (x[0] * (1.0 - x[0])) } else { ((1.0 - x[0]) / x[0]).ln() })
        .module(Expansion::Atoms(BCE))
        .refuse(|x| !(x[0] > 0.0 && x[0] < 1.0), "bce needs a probability p strictly between 0 and 1")
        .reads("Binary cross-entropy", "BCE", "bce({0}, {1})", "bce({0}, {1})",
               &["∂bce/∂p = (p − y) / (p(1 − p))", "∂bce/∂y = ln((1 − p)/p)"]),
    row(Op::Mse,     "mse",    Arity::Exactly(2), |x, _| (x[0] - x[1]).powi(2),  |x, _, _, i| if i == 0 { 2.0 * (x[0] - x[1]) } else { -2.0 * (x[0] - x[1]) })
        .module(Expansion::Atoms(MSE))
        .reads("Squared error", "MSE", "mse({0}, {1})", "mse({0}, {1})",
               &["∂(p − t)²/∂p = 2(p − t)", "∂(p − t)²/∂t = −2(p − t)"]),
];

/// The rows, in one place in memory for [`Op::rule`].
pub static RULES: [Rule; 17] = TABLE;

/// The functions authors may call, with their fewest operands: the callable
/// rows, in table order.
pub const FUNCTIONS: &[(&str, usize)] = &callable::<{ count_callable() }>();

const fn count_callable() -> usize {
    let (mut i, mut n) = (0, 0);
    while i < TABLE.len() {
        n += TABLE[i].callable as usize;
        i += 1;
    }
    n
}

const fn callable<const N: usize>() -> [(&'static str, usize); N] {
    let mut out = [("", 0); N];
    let (mut i, mut n) = (0, 0);
    while i < TABLE.len() {
        if TABLE[i].callable {
            out[n] = (TABLE[i].name, TABLE[i].arity.min());
            n += 1;
        }
        i += 1;
    }
    out
}

/// The field `$field` of `$op`'s row, read at compile time in each arm:
/// where the op is a constant (a tape runs each op in an arm of its own)
/// the call through it is a direct call the compiler can inline, where a
/// pointer read from [`RULES`] at run time would not be.
macro_rules! row_fn {
    ($op:expr, $field:ident) => {
        match $op {
            Op::Add => const { TABLE[Op::Add.row()].$field },
            Op::Mul => const { TABLE[Op::Mul.row()].$field },
            Op::Neg => const { TABLE[Op::Neg.row()].$field },
            Op::Pow(_) => const { TABLE[Op::Pow(0.0).row()].$field },
            Op::Exp => const { TABLE[Op::Exp.row()].$field },
            Op::Log => const { TABLE[Op::Log.row()].$field },
            Op::Recip => const { TABLE[Op::Recip.row()].$field },
            Op::Relu => const { TABLE[Op::Relu.row()].$field },
            Op::Tanh => const { TABLE[Op::Tanh.row()].$field },
            Op::Sin => const { TABLE[Op::Sin.row()].$field },
            Op::Cos => const { TABLE[Op::Cos.row()].$field },
            Op::Sqrt => const { TABLE[Op::Sqrt.row()].$field },
            Op::Abs => const { TABLE[Op::Abs.row()].$field },
            Op::Linear => const { TABLE[Op::Linear.row()].$field },
            Op::Sigmoid => const { TABLE[Op::Sigmoid.row()].$field },
            Op::Bce => const { TABLE[Op::Bce.row()].$field },
            Op::Mse => const { TABLE[Op::Mse.row()].$field },
        }
    };
}

impl Op {
    /// The op's row of the rulebook.
    pub fn rule(self) -> &'static Rule {
        &RULES[self.row()]
    }

    /// The index of the op's row: the one place that maps an op to its
    /// row; a unit test checks every row maps back to itself.
    const fn row(self) -> usize {
        match self {
            Op::Add => 0,
            Op::Mul => 1,
            Op::Neg => 2,
            Op::Pow(_) => 3,
            Op::Exp => 4,
            Op::Log => 5,
            Op::Recip => 6,
            Op::Relu => 7,
            Op::Tanh => 8,
            Op::Sin => 9,
            Op::Cos => 10,
            Op::Sqrt => 11,
            Op::Abs => 12,
            Op::Linear => 13,
            Op::Sigmoid => 14,
            Op::Bce => 15,
            Op::Mse => 16,
        }
    }

    /// The op authors call by `name`, if it is a function.
    pub fn function(name: &str) -> Option<Op> {
        RULES
            .iter()
            .find(|r| r.callable && r.name == name)
            .map(|r| r.op)
    }

    /// The exponent of `pow`; 0 for every other op.
    pub fn exponent(self) -> f64 {
        if let Op::Pow(c) = self { c } else { 0.0 }
    }

    /// Evaluates the op on its operand values.
    #[inline]
    pub fn forward(self, x: &[f64]) -> f64 {
        (row_fn!(self, forward))(x, self.exponent())
    }

    /// [`Op::forward`] with the operands read where they are, for the ops
    /// whose forward is written over [`Operands`] (`linear`, whose many
    /// operands a tape would otherwise copy); `None` for the others. Only
    /// ops without a domain to check: the caller checks only that the
    /// value is finite.
    #[inline]
    pub fn forward_in_place(self, x: Operands<'_>) -> Option<f64> {
        match self {
            Op::Linear => Some(linear_forward(x)),
            _ => None,
        }
    }

    /// The local derivative ∂out/∂x[i], from the operands and the cached
    /// output.
    #[inline]
    pub fn local(self, x: &[f64], out: f64, i: usize) -> f64 {
        self.local_at(Operands::Values(x), out, i)
    }

    /// [`Op::local`] with the operands read where they are: the same row's
    /// function, so the same bits.
    #[inline]
    pub fn local_at(self, x: Operands<'_>, out: f64, i: usize) -> f64 {
        (row_fn!(self, local))(x, out, self.exponent(), i)
    }

    /// Whether the op takes `n` operands.
    pub fn accepts(self, n: usize) -> bool {
        self.rule().arity.accepts(n)
    }

    /// A module's atomic expansion for `operands` operands.
    pub fn expansion(self, operands: usize) -> Option<Cow<'static, [Atom]>> {
        self.rule().expansion.map(|e| e.atoms(operands))
    }

    /// Whether this is a module (drawn as one node in the modules view).
    pub fn is_module(self) -> bool {
        self.rule().expansion.is_some()
    }

    /// The name used in the scenario language and in `seen trace`.
    pub fn name(self) -> &'static str {
        self.rule().name
    }

    /// Checks the operands are inside the op's domain, before evaluating.
    /// Returns what was expected when they are not.
    #[inline]
    pub fn domain_error(self, x: &[f64]) -> Option<&'static str> {
        let (outside, expected) = row_fn!(self, refuse)?;
        outside(x).then_some(expected)
    }

    /// Whether the first operand `a` sits within `tol` of a point where the
    /// local derivative does not exist.
    pub fn near_kink(self, a: f64, tol: f64) -> bool {
        self.rule().kinks.iter().any(|k| (a - k).abs() < tol)
    }
}

/// `0.0 + w1·x1 + … + wn·xn + b`, added from the left. (One loop per way
/// of holding the operands, so that the hot loop reads them directly.)
#[inline]
fn linear_forward(x: Operands<'_>) -> f64 {
    match x {
        Operands::Values(v) => {
            let n = v.len();
            (0..n / 2).fold(0.0, |s, k| s + v[2 * k] * v[2 * k + 1]) + v[n - 1]
        }
        Operands::At { values, at } => {
            let v = |i: usize| values[at[i] as usize];
            let n = at.len();
            (0..n / 2).fold(0.0, |s, k| s + v(2 * k) * v(2 * k + 1)) + v(n - 1)
        }
    }
}

/// The sign of `a` as |a|'s local derivative: 1, −1, and 0 at the kink
/// (as relu takes 0 there), not `f64::signum`'s ±1 for ±0.
fn abs_local(a: f64) -> f64 {
    if a > 0.0 {
        1.0
    } else if a < 0.0 {
        -1.0
    } else {
        0.0
    }
}

fn bce(p: f64, y: f64) -> f64 {
    -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
}

/// A row with its math; the builders below add the rest.
const fn row(
    op: Op,
    name: &'static str,
    arity: Arity,
    forward: fn(&[f64], f64) -> f64,
    local: fn(Operands<'_>, f64, f64, usize) -> f64,
) -> Rule {
    Rule {
        op,
        name,
        arity,
        callable: false,
        forward,
        local,
        refuse: None,
        kinks: &[],
        expansion: None,
        text: Text {
            word: "",
            symbol: "",
            short: "",
            formula: "",
            rules: &[],
        },
    }
}

impl Rule {
    const fn function(self) -> Rule {
        Rule {
            callable: true,
            ..self
        }
    }

    const fn module(self, expansion: Expansion) -> Rule {
        Rule {
            callable: true,
            expansion: Some(expansion),
            ..self
        }
    }

    const fn refuse(self, outside: Outside, expected: &'static str) -> Rule {
        Rule {
            refuse: Some((outside, expected)),
            ..self
        }
    }

    const fn kinks(self, kinks: &'static [f64]) -> Rule {
        Rule { kinks, ..self }
    }

    const fn reads(
        self,
        word: &'static str,
        symbol: &'static str,
        short: &'static str,
        formula: &'static str,
        rules: &'static [&'static str],
    ) -> Rule {
        Rule {
            text: Text {
                word,
                symbol,
                short,
                formula,
                rules,
            },
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_its_ops_row() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(std::ptr::eq(r.op.rule(), &RULES[i]), "row {i} ({})", r.name);
            assert!(
                !r.text.rules.is_empty() && !r.text.word.is_empty(),
                "{}",
                r.name
            );
        }
    }

    #[test]
    fn expansions_use_the_right_arities() {
        for r in RULES.iter() {
            for n in (1..=9).filter(|&n| r.arity.accepts(n)) {
                let atoms = r.op.expansion(n).unwrap_or_default();
                for (k, atom) in atoms.iter().enumerate() {
                    if let Atom::Op(op, refs) = atom {
                        assert!(op.accepts(refs.len()), "{} atom {k}", r.name);
                        assert!(!op.is_module());
                        for rf in refs.iter() {
                            match *rf {
                                Ref::Arg(i) => assert!(i < n, "{} atom {k}", r.name),
                                Ref::Atom(j) => assert!(j < k, "{} atom {k}", r.name),
                            }
                        }
                    }
                }
                // Every operand of a module is used.
                for i in (0..n).filter(|_| r.expansion.is_some()) {
                    assert!(
                        atoms.iter().any(|a| matches!(a, Atom::Op(_, refs)
                            if refs.iter().any(|rf| matches!(rf, Ref::Arg(j) if *j == i)))),
                        "{} with {n} operands ignores operand {i}",
                        r.name
                    );
                }
            }
        }
    }

    #[test]
    fn linear_takes_pairs_then_a_bias() {
        let x = [2.0, 3.0, -1.0, 4.0, 0.5];
        assert_eq!(Op::Linear.forward(&x), 2.0 * 3.0 + -4.0 + 0.5);
        let d: Vec<f64> = (0..5).map(|i| Op::Linear.local(&x, 0.0, i)).collect();
        assert_eq!(d, [3.0, 2.0, 4.0, -1.0, 1.0]);
        assert!(Op::Linear.accepts(3) && Op::Linear.accepts(7));
        assert!(!Op::Linear.accepts(2) && !Op::Linear.accepts(4) && !Op::Linear.accepts(1));
        assert_eq!(
            Op::Linear.expansion(5).unwrap().len(),
            4,
            "mul, mul, add, add"
        );
    }

    #[test]
    fn a_local_reads_the_same_operands_in_place_as_from_a_slice() {
        // The tape's values with the operands scattered (and one repeated),
        // against the same operands gathered into a slice.
        let values = [0.3, -1.7, 0.25, 2.5, 0.8, -0.4, 1e-3];
        let at = [4u32, 1, 6, 1, 2];
        let x: Vec<f64> = at.iter().map(|&i| values[i as usize]).collect();
        for r in RULES.iter() {
            let ops = [r.op, Op::Pow(2.5)];
            for op in ops.iter().filter(|o| o.rule().name == r.name) {
                for n in (1..=at.len()).filter(|&n| op.accepts(n)) {
                    let out = op.forward(&x[..n]);
                    let place = Operands::At {
                        values: &values,
                        at: &at[..n],
                    };
                    assert_eq!(place.len(), n);
                    for i in 0..n {
                        let (a, b) = (op.local_at(place, out, i), op.local(&x[..n], out, i));
                        assert_eq!(a.to_bits(), b.to_bits(), "{} slot {i} of {n}", r.name);
                    }
                }
            }
        }
    }

    #[test]
    fn a_forward_in_place_is_the_rows_forward() {
        let values = [0.3, -1.7, 0.25, 2.5, 0.8, -0.4, 1e-3, 7.0, -2.0];
        let at = [4u32, 1, 6, 1, 2, 8, 0, 3, 7];
        let x: Vec<f64> = at.iter().map(|&i| values[i as usize]).collect();
        let mut seen = 0;
        for r in RULES.iter() {
            for n in (1..=at.len()).filter(|&n| r.op.accepts(n)) {
                let place = Operands::At {
                    values: &values,
                    at: &at[..n],
                };
                if let Some(v) = r.op.forward_in_place(place) {
                    assert!(r.refuse.is_none(), "{} has a domain", r.name);
                    let want = r.op.forward(&x[..n]);
                    assert_eq!(v.to_bits(), want.to_bits(), "{} of {n}", r.name);
                    seen += 1;
                }
            }
        }
        assert_eq!(seen, 4, "linear of 3, 5, 7 and 9");
    }

    #[test]
    fn functions_are_the_callable_rows() {
        let names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "exp", "log", "recip", "relu", "tanh", "sin", "cos", "sqrt", "abs", "linear",
                "sigmoid", "bce", "mse"
            ]
        );
        assert_eq!(Op::function("linear"), Some(Op::Linear));
        assert_eq!(Op::function("add"), None);
    }
}
