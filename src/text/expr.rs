//! Expressions of a block written as text, for figure captions: the model
//! of a plot as `p = σ(w·x + b)`.

use super::num;
use crate::scenario::expr::{BinOp, Expr, ExprKind, Stmt};

/// Binding strength of what an expression's text shows at its top.
const ADD: u8 = 1;
const MUL: u8 = 2;
const NEG: u8 = 3;
const ATOM: u8 = 5;

/// Most expression nodes one [`show`] writes out. Expanding statement
/// names grows the text exponentially when a statement uses the one
/// before it twice (40 statements `h = g + g` took longer than two
/// minutes), and recursed once per level of every statement expanded. A
/// text of 500 nodes is far wider than any plot, so a depth that needs
/// more does not fit anyway.
const SHOW_NODES: usize = 500;

/// What a [`show`] may still write: nodes left, and whether it ran out.
struct ShowBudget {
    left: std::cell::Cell<usize>,
    ran_out: std::cell::Cell<bool>,
}

impl ShowBudget {
    fn new(nodes: usize) -> ShowBudget {
        ShowBudget {
            left: std::cell::Cell::new(nodes),
            ran_out: std::cell::Cell::new(false),
        }
    }

    /// Takes one node; false once there are none left.
    fn take(&self) -> bool {
        match self.left.get() {
            0 => {
                self.ran_out.set(true);
                false
            }
            n => {
                self.left.set(n - 1);
                true
            }
        }
    }
}

/// An expression as text, with statement names expanded `depth` levels
/// deep: `tanh(w1·x1 + w2·x2 + b)`, within `budget` (the text is cut short
/// with `…` past it, and the budget says so).
fn show(e: &Expr, stmts: &[Stmt], depth: usize, budget: &ShowBudget) -> (String, u8) {
    if !budget.take() {
        return ("…".to_string(), ATOM);
    }
    let wrap = |e: &Expr, min: u8| {
        let (t, p) = show(e, stmts, depth, budget);
        if p < min { format!("({t})") } else { t }
    };
    match &e.kind {
        ExprKind::Num(v) => (num(*v), if *v < 0.0 { NEG } else { ATOM }),
        ExprKind::Name(n) => match stmts.iter().position(|s| &s.name == n) {
            Some(k) if depth > 0 => show(&stmts[k].expr, &stmts[..k], depth - 1, budget),
            _ => (n.clone(), ATOM),
        },
        ExprKind::Neg(a) => (format!("−{}", wrap(a, NEG)), NEG),
        ExprKind::Bin(op, a, b) => match op {
            BinOp::Add => (format!("{} + {}", wrap(a, ADD), wrap(b, ADD)), ADD),
            BinOp::Sub => (format!("{} − {}", wrap(a, ADD), wrap(b, MUL)), ADD),
            BinOp::Mul => (format!("{}·{}", wrap(a, MUL), wrap(b, MUL)), MUL),
            BinOp::Div => (format!("{}/{}", wrap(a, MUL), wrap(b, NEG)), MUL),
            BinOp::Pow => {
                let c = match &b.kind {
                    ExprKind::Num(c) => *c,
                    ExprKind::Neg(n) => match n.kind {
                        ExprKind::Num(c) => -c,
                        _ => f64::NAN,
                    },
                    _ => f64::NAN,
                };
                let sup = match c {
                    2.0 => "²".to_string(),
                    3.0 => "³".to_string(),
                    -1.0 => "⁻¹".to_string(),
                    _ => format!("^{}", wrap(b, ATOM)),
                };
                (format!("{}{sup}", wrap(a, ATOM)), ATOM - 1)
            }
        },
        ExprKind::Call { name, args, .. } => match (name.as_str(), args.as_slice()) {
            ("linear", [w, x, b]) => (
                format!("{}·{} + {}", wrap(w, MUL), wrap(x, MUL), wrap(b, ADD)),
                ADD,
            ),
            (f, args) => {
                let f = if f == "sigmoid" { "σ" } else { f };
                let args: Vec<String> = args
                    .iter()
                    .map(|a| show(a, stmts, depth, budget).0)
                    .collect();
                (format!("{f}({})", args.join(", ")), ATOM)
            }
        },
    }
}

/// The model written out as far as `fits` allows: `y = tanh(w1·x1 + w2·x2
/// + b)` with every statement name expanded, or with fewer expanded, or
/// with names kept and the text cut short with `…`. `stmts` are the
/// statements the model may use; `name` is the model's own name.
pub fn model_text(
    expr: &Expr,
    stmts: &[Stmt],
    name: Option<&str>,
    fits: impl Fn(&str) -> bool,
) -> String {
    let named = |t: String| match name {
        Some(n) => format!("{n} = {t}"),
        None => t,
    };
    for depth in (0..=stmts.len()).rev() {
        let budget = ShowBudget::new(SHOW_NODES);
        let t = named(show(expr, stmts, depth, &budget).0);
        if !budget.ran_out.get() && fits(&t) {
            return t;
        }
    }
    // Without expanding names the text is as long as the statement.
    let mut t = named(show(expr, stmts, 0, &ShowBudget::new(usize::MAX)).0);
    while !fits(&t) && t.chars().count() > 2 {
        t.pop();
        t = t.trim_end_matches('…').to_string();
        t.push('…');
    }
    t
}
