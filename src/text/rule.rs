//! A local derivative written in the author's own names: `∂(w·a)/∂w = a`
//! for the message from `loss = w * a` to `w`, where the rulebook writes
//! the generic `∂(a·b)/∂a = b` (which reads wrong when the author's params
//! are themselves called `a` and `b`).

use super::{num, wrap};
use crate::engine::Op;

/// The local derivative of `op` with respect to its operand `slot`, with
/// the operands' labels (`operands`, in slot order) and the node's own
/// label (`out`, for the rules that use the cached output), and its value
/// `local`: `∂(w·a)/∂w = a = 0.5`, or `∂(v + u)/∂u = 1` where the rule is
/// the number itself; a remark on the cached output comes last.
pub fn named_rule_with(op: Op, slot: usize, operands: &[String], out: &str, local: f64) -> String {
    let (rule, remark) = rule_and_remark(op, slot, operands, out);
    let value = num(local);
    if rule.ends_with(&format!(" = {value}")) {
        format!("{rule}{remark}")
    } else {
        format!("{rule} = {value}{remark}")
    }
}

/// [`named_rule_with`] without the value.
pub fn named_rule(op: Op, slot: usize, operands: &[String], out: &str) -> String {
    let (rule, remark) = rule_and_remark(op, slot, operands, out);
    format!("{rule}{remark}")
}

/// ", from the cached output h".
fn from_cached(out: &str) -> String {
    format!(", from the cached output {out}")
}

/// The rule in the author's names, and apart from it its remark on the
/// cached output (empty for most ops), so that a value can go between.
fn rule_and_remark(op: Op, slot: usize, operands: &[String], out: &str) -> (String, String) {
    let rule = {
        let name = |i: usize| operands.get(i).map_or("?", String::as_str);
        let w = |i: usize| wrap(name(i));
        let a = name(slot);
        let wa = w(slot);
        let o = wrap(out);
        match op {
            Op::Add => {
                let sum: Vec<&str> = operands.iter().map(String::as_str).collect();
                format!("∂({})/∂{wa} = 1", sum.join(" + "))
            }
            Op::Mul => {
                let other = w(1 - slot.min(1));
                format!("∂({}·{})/∂{wa} = {other}", w(0), w(1))
            }
            Op::Neg => format!("∂(−{wa})/∂{wa} = −1"),
            Op::Recip => format!("∂(1/{wa})/∂{wa} = −1/{wa}²"),
            Op::Exp => {
                return (
                    format!("∂exp({a})/∂{wa} = exp({a})"),
                    format!(", the cached output {o}"),
                );
            }
            Op::Log => format!("∂ln {wa}/∂{wa} = 1/{wa}"),
            Op::Pow(2.0) => format!("∂{wa}²/∂{wa} = 2·{wa}"),
            Op::Pow(c) => format!(
                "∂{wa}^{}/∂{wa} = {}·{wa}^{}",
                num(c),
                num(c),
                super::operand(c - 1.0)
            ),
            Op::Relu => format!("∂relu({a})/∂{wa} = 1 if {wa} > 0, else 0"),
            Op::Tanh => return (format!("∂tanh({a})/∂{wa} = 1 − {o}²"), from_cached(&o)),
            Op::Sin => format!("∂sin({a})/∂{wa} = cos({a})"),
            Op::Cos => format!("∂cos({a})/∂{wa} = −sin({a})"),
            Op::Sqrt => return (format!("∂√{wa}/∂{wa} = 1/(2·{o})"), from_cached(&o)),
            Op::Abs => format!("∂|{a}|/∂{wa} = 1 if {wa} > 0, −1 if {wa} < 0, else 0"),
            Op::Linear => {
                let n = operands.len();
                let to = if slot + 1 == n {
                    "1".to_string()
                } else if slot.is_multiple_of(2) {
                    w(slot + 1)
                } else {
                    w(slot - 1)
                };
                format!("∂{o}/∂{wa} = {to}")
            }
            Op::Sigmoid => return (format!("∂σ({a})/∂{wa} = {o}·(1 − {o})"), from_cached(&o)),
            Op::Bce => {
                let (p, y) = (w(0), w(1));
                if slot == 0 {
                    format!("∂bce/∂{p} = ({p} − {y}) / ({p}·(1 − {p}))")
                } else {
                    format!("∂bce/∂{y} = ln((1 − {p})/{p})")
                }
            }
            Op::Mse => {
                let (p, t) = (w(0), w(1));
                if slot == 0 {
                    format!("∂({p} − {t})²/∂{p} = 2·({p} − {t})")
                } else {
                    format!("∂({p} − {t})²/∂{t} = −2·({p} − {t})")
                }
            }
        }
    };
    (rule, String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rules_read_in_the_authors_names() {
        // The author's own `a` and `b` are not the rulebook's.
        assert_eq!(
            named_rule(Op::Mul, 0, &names(&["w", "a"]), "loss"),
            "∂(w·a)/∂w = a"
        );
        assert_eq!(
            named_rule(Op::Mul, 1, &names(&["w", "a"]), "loss"),
            "∂(w·a)/∂a = w"
        );
        assert_eq!(
            named_rule(Op::Mul, 1, &names(&["b", "x"]), "u"),
            "∂(b·x)/∂x = b"
        );
        assert_eq!(
            named_rule(Op::Add, 1, &names(&["v", "u"]), "w"),
            "∂(v + u)/∂u = 1"
        );
        assert_eq!(
            named_rule(Op::Tanh, 0, &names(&["z"]), "h"),
            "∂tanh(z)/∂z = 1 − h², from the cached output h"
        );
        // An unnamed operand keeps its parentheses.
        assert_eq!(
            named_rule(Op::Mul, 0, &names(&["b + c", "x"]), "y"),
            "∂((b + c)·x)/∂(b + c) = x"
        );
        assert_eq!(
            named_rule(Op::Linear, 1, &names(&["w", "x", "b"]), "z"),
            "∂z/∂x = w"
        );
        assert_eq!(
            named_rule(Op::Linear, 2, &names(&["w", "x", "b"]), "z"),
            "∂z/∂b = 1"
        );
        assert_eq!(
            named_rule(Op::Pow(3.0), 0, &names(&["d"]), "e"),
            "∂d^3/∂d = 3·d^2"
        );
        // With the value: once, before a remark on the cached output.
        assert_eq!(
            named_rule_with(Op::Mul, 0, &names(&["w", "a"]), "loss", 0.5),
            "∂(w·a)/∂w = a = 0.5"
        );
        assert_eq!(
            named_rule_with(Op::Add, 0, &names(&["v", "u"]), "w", 1.0),
            "∂(v + u)/∂v = 1"
        );
        assert_eq!(
            named_rule_with(Op::Tanh, 0, &names(&["z"]), "h", 0.25),
            "∂tanh(z)/∂z = 1 − h² = 0.25, from the cached output h"
        );
    }
}
