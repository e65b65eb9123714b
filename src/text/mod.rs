//! How numbers and ops read: the one place that turns the engine's numbers
//! and rulebook rows into text for people. Frames, figures and the story
//! all print through here.

pub mod expr;
pub mod rule;

use crate::engine::Op;

/// The `s` of a plural: `"s"` unless `n` is 1 (`{n} page{}`).
pub fn plural_s(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `n` and the word for that many: `1 node`, `3 nodes`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `s` in lines no wider than `room`, at `advance` px per character,
/// broken at spaces.
pub fn wrap_words(s: &str, room: f64, advance: f64) -> Vec<String> {
    wrap_by(s, room, |t| t.chars().count() as f64 * advance)
}

/// `s` in lines no wider than `room` as `width` measures them, broken at
/// spaces (a word wider than `room` gets a line of its own).
pub fn wrap_by(s: &str, room: f64, width: impl Fn(&str) -> f64) -> Vec<String> {
    let fits = |t: &str| width(t) <= room;
    let mut lines: Vec<String> = Vec::new();
    for word in s.split(' ') {
        match lines.last_mut() {
            Some(last) if fits(&format!("{last} {word}")) => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The text with its first letter in upper case.
/// A step size as the reader sees it: "1e−8", "3.162e−9" (a power of
/// ten without `.000`).
pub fn h_text(h: f64) -> String {
    num(h).replace(".000e", "e")
}

/// "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

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
        // `a + −b` reads `a − b`, and `a+−b` reads `a−b`.
        let s = match s.strip_prefix('−') {
            Some(rest) if out.ends_with("+ ") => {
                out.truncate(out.len() - 2);
                out.push_str("− ");
                rest.to_string()
            }
            Some(_) if out.ends_with('+') => {
                out.pop();
                s
            }
            _ => s,
        };
        out.push_str(&s);
    }
    out.push_str(rest);
    out
}

/// The formula an op evaluates, on operand labels or on values. Operands of
/// infix operators are parenthesised when they have an operator or a sign
/// of their own; function arguments are not.
pub fn formula(op: Op, a: &[String]) -> String {
    fill(
        &template(op, op.rule().text.formula, a.len()),
        a,
        op.exponent(),
    )
}

/// A short label of an op over its operands' labels: `w·x`, `−z`, `exp(−z)`.
pub fn short_label(op: Op, a: &[&str]) -> String {
    fill(
        &template(op, op.rule().text.short, a.len()),
        a,
        op.exponent(),
    )
}

/// A template's opening brace.
const OPEN: char = '\x7b';

/// A row's template for `n` operands. A row that takes pairs then one more
/// (`linear`) is written for one pair, `{0}·{1} + {2}`: the part before the
/// last ` + ` is repeated for every pair, and `{2}` becomes the last
/// operand.
fn template(op: Op, t: &'static str, n: usize) -> std::borrow::Cow<'static, str> {
    if op.rule().arity != crate::engine::ops::Arity::Pairs || n <= 3 {
        return t.into();
    }
    let Some((pair, tail)) = t.rsplit_once(" + ") else {
        return t.into();
    };
    // Slot 0 of the pair becomes slot 2k and slot 1 becomes slot 2k + 1
    // (each slot written as an opening brace and its number).
    let slot = |i: usize| format!("{OPEN}{i}");
    let terms: Vec<String> = (0..n / 2)
        .map(|k| {
            pair.replace(&slot(0), &slot(2 * k))
                .replace(&slot(1), &slot(2 * k + 1))
        })
        .collect();
    let tail = tail.replace(&slot(2), &slot(n - 1));
    format!("{} + {tail}", terms.join(" + ")).into()
}

/// Longest label an expression may have before operands give way to `…`.
pub const MAX_LABEL: usize = 14;

/// One operand of an expression label: its own label, and whether it may
/// give way to `…` when the whole is too long (an unnamed expression may; a
/// name or a number may not).
#[derive(Clone, Copy, Debug)]
pub struct Part<'a> {
    pub label: &'a str,
    pub elidable: bool,
}

/// The label of an unnamed op node, from its operands' labels: what it
/// computes, `1 − p`, `(1−y)·log(1−p)`, `exp(−z)`. Spaces are kept at the
/// top level only (an operand reads `1−p`, inside parentheses when it has an
/// operator of its own). Beyond [`MAX_LABEL`] characters the longest
/// elidable operands become `…` in turn, `log(…)`, `w1·x1 + …`, until the
/// label fits or nothing more may go.
pub fn expr_label(op: Op, parts: &[Part]) -> String {
    // A sum inside a sum keeps its spaces: `a + b − c`, not `a + b−c`.
    let in_sum = |l: &str| op == Op::Add && sum_head(l).is_some();
    // Each operand's forms, longest first: as it is, then (a sum in a sum)
    // its first term and `…`, then `…`.
    let forms: Vec<Vec<String>> = (parts.iter())
        .map(|p| {
            let mut f = if in_sum(p.label) {
                vec![p.label.to_string()]
            } else {
                vec![p.label.replace(' ', "")]
            };
            if p.elidable {
                if let Some(head) = sum_head(p.label).filter(|_| in_sum(p.label)) {
                    f.push(format!("{head} + …"));
                }
                f.push("…".into());
            }
            f
        })
        .collect();
    let mut at = vec![0usize; parts.len()];
    let label_at = |at: &[usize]| {
        let a: Vec<&str> = (forms.iter().zip(at))
            .map(|(f, &k)| f[k].as_str())
            .collect();
        fill(op.rule().text.short, &a, op.exponent())
    };
    let mut label = label_at(&at);
    while label.chars().count() > MAX_LABEL {
        // The longest operand that can still give way does, one step; the
        // first of equals.
        let next = (0..parts.len())
            .filter(|&i| at[i] + 1 < forms[i].len())
            .max_by_key(|&i| (forms[i][at[i]].chars().count(), std::cmp::Reverse(i)));
        let Some(i) = next else { break };
        at[i] += 1;
        label = label_at(&at);
    }
    label
}

/// The first term of a label that is a sum or difference at its top level
/// (`w1·x1` of `w1·x1 + w2·x2`), or `None`.
fn sum_head(label: &str) -> Option<&str> {
    let mut depth = 0i32;
    let mut prev = ' ';
    for (i, c) in label.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '+' | '−' if depth == 0 && i > 0 && prev == ' ' => {
                return Some(label[..i].trim_end());
            }
            _ => {}
        }
        prev = c;
    }
    None
}

/// A constant as a label: its value, or a simple fraction (`1/3`) when
/// the value has no short decimal.
pub fn const_label(v: f64) -> String {
    let exact = fmt_num(v).parse::<f64>().is_ok_and(|d| d == v);
    if !exact && v.is_finite() {
        for den in 2..=12u32 {
            let k = (v * den as f64).round();
            if k != 0.0 && k.abs() < 100.0 && (k / den as f64 - v).abs() < 1e-12 {
                return format!("{}/{den}", num(k));
            }
        }
    }
    num(v)
}

/// A whole number in subscript digits: 12 → `₁₂`.
pub fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| char::from_u32(0x2080 + d.to_digit(10).unwrap_or(0)).unwrap_or(d))
        .collect()
}

/// A neuron's quantity as figures name it: `h₁,₂` for the output of
/// neuron 2 of layer 1 (`letter` h), `z₁,₂` for its sum before the
/// activation, with the indices of its params' names.
pub fn neuron_label(letter: char, layer: usize, neuron: usize) -> String {
    format!("{letter}{},{}", subscript(layer), subscript(neuron))
}

/// The layer, neuron and weight index of a net param's name as the engine
/// and `seen trace` spell it, `{net}.{l}.{j}.w{i}` (the weight `Some(i)`)
/// or `{net}.{l}.{j}.b` (the bias, `None`); `None` for any other name (a
/// name the author writes has no `.`).
pub fn net_param(name: &str) -> Option<(usize, usize, Option<usize>)> {
    let mut parts = name.split('.');
    let (net, l, j, last) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if net.is_empty() || parts.next().is_some() {
        return None;
    }
    let (l, j) = (l.parse().ok()?, j.parse().ok()?);
    match last {
        "b" => Some((l, j, None)),
        w => Some((l, j, Some(w.strip_prefix('w')?.parse().ok()?))),
    }
}

/// A name as figures show it: a net's params read `w₁,₂,₃` (the weight of
/// neuron 2 of layer 1 from its input 3) and `b₁,₂` (its bias), with the
/// indices of their names (`mlp.1.2.w3`, `mlp.1.2.b`, unchanged in `seen
/// trace`); every other name as it is.
pub fn display_name(name: &str) -> String {
    match net_param(name) {
        Some((l, j, Some(i))) => format!("w{},{},{}", subscript(l), subscript(j), subscript(i)),
        Some((l, j, None)) => neuron_label('b', l, j),
        None => name.to_string(),
    }
}

/// A label as the variable of a derivative, `∂loss/∂LABEL`: in parentheses
/// when it has an operator or a sign (`∂loss/∂(1 − p)`, `∂loss/∂(−z)`).
pub fn wrt(label: &str) -> String {
    let w = wrap(label);
    if w == label && label.starts_with('−') {
        format!("({label})")
    } else {
        w
    }
}

/// The local derivative of `op` with respect to operand `slot`, in words.
pub fn local_rule(op: Op, slot: usize) -> &'static str {
    local_rule_in(op, slot, op.rule().arity.min())
}

/// [`local_rule`] for an op node with `operands` operands: a row that takes
/// pairs then one more (`linear`) has a rule for the first of a pair, one
/// for the second, and one for the last operand.
pub fn local_rule_in(op: Op, slot: usize, operands: usize) -> &'static str {
    let rules = op.rule().text.rules;
    let slot = if op.rule().arity == crate::engine::ops::Arity::Pairs {
        if slot + 1 == operands.max(3) {
            2
        } else {
            slot % 2
        }
    } else {
        slot
    };
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
        assert_eq!(short_label(Op::Add, &["a", "−b"]), "a − b");
        assert_eq!(short_label(Op::Mul, &["a+b", "c"]), "(a+b)·c");
        assert_eq!(short_label(Op::Mul, &["w", "−z"]), "w·(−z)");
        assert_eq!(short_label(Op::Neg, &["−z"]), "−(−z)");
        assert_eq!(short_label(Op::Pow(-1.0), &["x"]), "x^-1");
        assert_eq!(
            short_label(Op::Linear, &["w0", "h0", "w1", "h1", "b"]),
            "w0·h0 + w1·h1 + b"
        );
        assert_eq!(local_rule_in(Op::Linear, 4, 5), "∂(w·x + b)/∂b = 1");
        assert_eq!(local_rule_in(Op::Linear, 3, 5), "∂(w·x + b)/∂x = w");
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(formula(Op::Add, &s(&["−1", "2"])), "(−1) + 2");
        assert_eq!(formula(Op::Mul, &s(&["−1", "a b"])), "(−1) × (a b)");
        assert_eq!(formula(Op::Relu, &s(&["−1"])), "max(−1, 0)");
        assert_eq!(Op::Pow(2.5).symbol(), "^2.5");
        assert_eq!(local_rule(Op::Add, 1), local_rule(Op::Add, 0));
        assert_eq!(local_rule(Op::Linear, 2), "∂(w·x + b)/∂b = 1");
    }

    fn part(label: &str) -> Part<'_> {
        Part {
            label,
            elidable: true,
        }
    }

    fn name(label: &str) -> Part<'_> {
        Part {
            label,
            elidable: false,
        }
    }

    #[test]
    fn labels_say_what_a_node_computes() {
        assert_eq!(expr_label(Op::Add, &[name("1"), part("−p")]), "1 − p");
        assert_eq!(
            expr_label(Op::Add, &[name("1"), part("exp(−z)")]),
            "1 + exp(−z)"
        );
        assert_eq!(expr_label(Op::Mul, &[name("w1"), name("x1")]), "w1·x1");
        assert_eq!(expr_label(Op::Neg, &[name("z")]), "−z");
        assert_eq!(expr_label(Op::Exp, &[part("−z")]), "exp(−z)");
        assert_eq!(expr_label(Op::Log, &[part("1 − p")]), "log(1−p)");
        // Operands lose their spaces and gain parentheses.
        assert_eq!(
            expr_label(Op::Mul, &[part("1 − y"), part("log(1−p)")]),
            "(1−y)·log(1−p)"
        );
        assert_eq!(
            expr_label(Op::Recip, &[part("1 + exp(−z)")]),
            "1/(1+exp(−z))"
        );
        // A sum in a sum keeps its spaces.
        assert_eq!(
            expr_label(Op::Add, &[part("a − b"), name("c")]),
            "a − b + c"
        );
        assert_eq!(expr_label(Op::Add, &[name("y"), part("−t")]), "y − t");
        assert_eq!(
            expr_label(Op::Linear, &[name("w2"), name("x2"), name("b")]),
            "w2·x2 + b"
        );
    }

    #[test]
    fn long_labels_give_way_to_an_ellipsis() {
        assert_eq!(
            expr_label(Op::Add, &[part("w1·x1"), part("w2·x2")]),
            "w1·x1 + w2·x2"
        );
        assert_eq!(
            expr_label(Op::Add, &[part("w1·x1"), part("w2·x2 + b")]),
            "w1·x1 + …"
        );
        assert_eq!(expr_label(Op::Log, &[part("exp(exp(w1·x1))")]), "log(…)");
        assert_eq!(
            expr_label(Op::Add, &[part("y·log(p)"), part("(1−y)·log(1−p)")]),
            "y·log(p) + …"
        );
        // Everything that may go has gone: what is left stays.
        assert_eq!(
            expr_label(Op::Mul, &[part("exp(a)·exp(b)"), part("log(c)·log(d)")]),
            "…·…"
        );
        // A name is never elided, even when the label is long.
        assert_eq!(
            expr_label(Op::Log, &[name("probability")]),
            "log(probability)"
        );
        for l in ["w1·x1 + …", "log(…)", "y·log(p) + …"] {
            assert!(l.chars().count() <= MAX_LABEL, "{l}");
        }
    }

    #[test]
    fn a_nets_params_read_with_subscripts() {
        assert_eq!(display_name("mlp.1.2.w3"), "w₁,₂,₃");
        assert_eq!(display_name("mlp.1.2.b"), "b₁,₂");
        assert_eq!(display_name("f.12.0.w10"), "w₁₂,₀,₁₀");
        assert_eq!(neuron_label('h', 2, 0), "h₂,₀");
        for name in [
            "w",
            "mlp",
            "a.b",
            "mlp.1.2",
            "mlp.1.2.c",
            "mlp.x.2.b",
            ".1.2.b",
            "m.1.2.w3.4",
        ] {
            assert_eq!(display_name(name), name);
        }
        assert_eq!(net_param("mlp.3.1.w0"), Some((3, 1, Some(0))));
    }

    #[test]
    fn constants_read_as_their_value() {
        assert_eq!(const_label(1.0), "1");
        assert_eq!(const_label(-0.8), "−0.8");
        assert_eq!(const_label(0.25), "0.25");
        assert_eq!(const_label(1.0 / 3.0), "1/3");
        assert_eq!(const_label(-2.0 / 3.0), "−2/3");
        assert_eq!(const_label(std::f64::consts::PI), "3.1416");
    }

    #[test]
    fn numbers_after_an_operator_are_typeset() {
        // A negative number after an operator is one parenthesised token.
        assert_eq!(operand(-0.1), "(−0.1)");
        assert_eq!(operand(0.38), "0.38");
        assert_eq!(
            format!("1.2 − 0.2 × {}", operand(-0.1664)),
            "1.2 − 0.2 × (−0.1664)"
        );
        let s = |v: &[f64]| v.iter().map(|&x| num(x)).collect::<Vec<_>>();
        assert_eq!(
            formula(Op::Add, &s(&[0.0205, -0.3861])),
            "0.0205 + (−0.3861)"
        );
        assert_eq!(formula(Op::Neg, &s(&[-0.1])), "−(−0.1)");
        // The variable of a derivative.
        assert_eq!(wrt("p"), "p");
        assert_eq!(wrt("exp(−z)"), "exp(−z)");
        assert_eq!(wrt("1 − p"), "(1 − p)");
        assert_eq!(wrt("−z"), "(−z)");
        assert_eq!(wrt("w·x"), "(w·x)");
    }
}
