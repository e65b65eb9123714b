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
    if a != 0.0 && !(1e-4..1e6).contains(&a) {
        return format!("{v:.3e}");
    }
    // Fixed point through integers: exact float formatting is the slowest
    // thing a big build does, and frames print thousands of numbers.
    let decimals: u32 = if a >= 100.0 { 2 } else { 4 };
    let scale = 10i64.pow(decimals);
    let units = (v * scale as f64).round() as i64;
    if units == 0 {
        return "0".into();
    }
    let sign = if units < 0 { "-" } else { "" };
    let (int, frac) = (units.abs() / scale, units.abs() % scale);
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let frac = format!("{frac:0width$}", width = decimals as usize);
    format!("{sign}{int}.{}", frac.trim_end_matches('0'))
}
