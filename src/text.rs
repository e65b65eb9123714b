//! How numbers and ops read: the one place that turns the engine's numbers
//! and rulebook rows into text for people. Frames, figures and the story
//! all print through here.

use crate::engine::Op;

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

/// A number as the reader sees it: [`fmt_num`] with a true minus sign.
pub fn num(v: f64) -> String {
    fmt_num(v).replace('-', "−")
}

/// A number as an operand: negative numbers in parentheses.
pub fn operand(v: f64) -> String {
    let s = num(v);
    if s.starts_with('−') {
        format!("({s})")
    } else {
        s
    }
}

/// Parenthesises a label that has an operator outside any parentheses.
pub fn wrap(s: &str) -> String {
    let mut depth = 0i32;
    let mut top_level_op = false;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ' ' | '+' | '·' | '/' | '×' if depth == 0 => top_level_op = true,
            '−' if depth == 0 && i > 0 => top_level_op = true,
            _ => {}
        }
    }
    if top_level_op {
        format!("({s})")
    } else {
        s.to_string()
    }
}

/// Fills one of a rulebook row's text templates (see
/// [`crate::engine::ops::Text`]) with operands and pow's exponent `c`.
pub fn fill<S: AsRef<str>>(template: &str, a: &[S], c: f64) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("a closed placeholder");
        let spec = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if spec == "c" {
            out.push_str(&fmt_num(c));
            continue;
        }
        let digits = spec.trim_end_matches(['g', 's']);
        let flags = &spec[digits.len()..];
        let s = a[digits.parse::<usize>().expect("an operand index")].as_ref();
        let s = if flags.contains('s') && s.starts_with('−') {
            format!("({s})")
        } else if flags.contains('g') {
            wrap(s)
        } else {
            s.to_string()
        };
        if s.starts_with('−') && out.ends_with('+') {
            out.pop();
        }
        out.push_str(&s);
    }
    out.push_str(rest);
    out
}

/// The formula an op evaluates, on operand labels or on values. Operands of
/// infix operators are parenthesised when they have an operator or a sign
/// of their own; function arguments are not.
pub fn formula(op: Op, a: &[String]) -> String {
    fill(op.rule().text.formula, a, op.exponent())
}

/// A short label of an op over its operands' labels: `w·x`, `−z`, `exp(−z)`.
pub fn short_label(op: Op, a: &[&str]) -> String {
    fill(op.rule().text.short, a, op.exponent())
}

/// The local derivative of `op` with respect to operand `slot`, in words.
pub fn local_rule(op: Op, slot: usize) -> &'static str {
    let rules = op.rule().text.rules;
    rules[slot.min(rules.len() - 1)]
}

/// An op's name for a heading: "Multiply".
pub fn op_word(op: Op) -> &'static str {
    op.rule().text.word
}

impl Op {
    /// A short symbol or label for drawing the node. (An `Op` method so
    /// drawing code reads `op.symbol()`; it lives here because the engine
    /// does not format numbers, and pow's symbol shows its exponent.)
    pub fn symbol(self) -> String {
        fill::<&str>(self.rule().text.symbol, &[], self.exponent())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_group_sign_and_join() {
        assert_eq!(short_label(Op::Add, &["a", "−b"]), "a−b");
        assert_eq!(short_label(Op::Mul, &["a+b", "c"]), "(a+b)·c");
        assert_eq!(short_label(Op::Pow(-1.0), &["x"]), "x^-1");
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(formula(Op::Add, &s(&["−1", "2"])), "(−1) + 2");
        assert_eq!(formula(Op::Mul, &s(&["−1", "a b"])), "(−1) × (a b)");
        assert_eq!(formula(Op::Relu, &s(&["−1"])), "max(−1, 0)");
        assert_eq!(Op::Pow(2.5).symbol(), "^2.5");
        assert_eq!(local_rule(Op::Add, 1), local_rule(Op::Add, 0));
        assert_eq!(local_rule(Op::Linear, 2), "∂(w·x + b)/∂b = 1");
    }
}
