//! The autograd engine: a scalar graph in an arena, the rulebook of local
//! derivatives, modules with closed-form backward rules, reverse-mode
//! backward, and finite-difference checking.

pub mod backward;
pub mod gradcheck;
pub mod graph;
pub mod ops;

pub use backward::Message;
pub use graph::{DomainError, ForwardStep, Graph, Kind, Node, NodeId};
pub use ops::Op;

/// Formats a number for people: up to 4 significant decimals, no `-0`,
/// no trailing zeros. Deterministic on every machine (Rust's float
/// formatting is exact and platform-independent).
pub fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let a = v.abs();
    let s = if a != 0.0 && !(1e-4..1e6).contains(&a) {
        format!("{v:.3e}")
    } else {
        let decimals = if a >= 100.0 { 2 } else { 4 };
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if s == "-0" { "0".into() } else { s }
}
