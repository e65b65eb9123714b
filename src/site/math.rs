//! `$…$` and `$$…$$` to MathML at build time, so pages need no JavaScript.
//!
//! pulldown-cmark finds the math (`Options::ENABLE_MATH`, which follows the
//! GitHub rules: `costs $5 and $6` stays text because a closing `$` may not
//! follow a space); latex2mathml converts it. Browsers render MathML Core
//! natively.

use latex2mathml::{DisplayStyle, latex_to_mathml};

use super::latex::{self, MAX_BYTES, MAX_DEPTH, Problem};

/// Why a formula was refused, for a diagnostic at the formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MathError {
    pub message: String,
    /// Where in the formula (bytes into the text given to [`to_mathml`]),
    /// when the mistake has a place of its own.
    pub offset: Option<usize>,
    pub expected: String,
    pub hint: String,
}

impl MathError {
    /// A mistake latex2mathml reports (or would panic on).
    fn syntax(message: String, offset: Option<usize>) -> MathError {
        MathError {
            message,
            offset,
            expected: "LaTeX that latex2mathml understands".into(),
            hint: "write a literal dollar sign as `\\$`".into(),
        }
    }
}

/// Converts one piece of LaTeX to a `<math>` element, or says why not.
/// A formula longer than [`MAX_BYTES`] or nested deeper than [`MAX_DEPTH`]
/// is refused before latex2mathml sees it (see [`super::latex`]).
pub fn to_mathml(latex: &str, display: bool) -> Result<String, MathError> {
    let style = if display {
        DisplayStyle::Block
    } else {
        DisplayStyle::Inline
    };
    let lead = latex.len() - latex.trim_start().len();
    let latex = latex.trim();
    if latex.is_empty() {
        return Err(MathError::syntax("empty math".into(), None));
    }
    if latex.len() > MAX_BYTES {
        return Err(MathError {
            message: format!(
                "the formula is {} bytes long, more than the limit of {MAX_BYTES}",
                latex.len()
            ),
            offset: None,
            expected: format!("a formula of at most {MAX_BYTES} bytes"),
            hint: "split it into several formulas".into(),
        });
    }
    match latex::measure(latex) {
        Ok(_) => {}
        Err(Problem::TooDeep { offset }) => {
            return Err(MathError {
                message: format!("the formula nests more than {MAX_DEPTH} levels deep"),
                offset: Some(lead + offset),
                expected: format!(
                    "at most {MAX_DEPTH} levels of `{{…}}`, `\\left…\\right`, environments, \
                     `^`, `_` and command arguments such as those of `\\frac` and `\\sqrt`"
                ),
                hint: "split the formula, or name a part of it and write the name".into(),
            });
        }
        Err(Problem::Middle { offset }) => {
            return Err(MathError {
                message: "`\\middle` is not followed by a delimiter".into(),
                offset: Some(lead + offset),
                expected: "a delimiter after `\\middle`, such as `\\middle|`".into(),
                hint: "write the delimiter right after `\\middle`".into(),
            });
        }
    }
    let mathml = latex_to_mathml(latex, style)
        .map_err(|e| MathError::syntax(e.to_string().replace("\".\"", "\""), None))?;
    // latex2mathml reports some mistakes inside its output instead of as errors.
    if let Some(at) = mathml.find("[PARSE ERROR") {
        let rest = &mathml[at + 1..];
        let end = rest.find("]<").unwrap_or(rest.len());
        return Err(MathError::syntax(
            rest[..end].replace("PARSE ERROR: ", "cannot parse: "),
            None,
        ));
    }
    // latex2mathml 0.2 closes the delimiter of `\bigl(` and friends with a
    // misspelt `</mro>`; the HTML parser then nests everything after it
    // wrongly. Repair it here rather than ask authors to avoid `\bigl`.
    let mathml = mathml.replace("</mro>", "</mo>");
    Ok(typeset_minus(&escape_text(&html_math(&mathml))))
}

/// The `<math>` start tag as HTML needs it: the HTML parser puts `<math>`
/// in the MathML namespace by itself, and `display="inline"` is the
/// default, so both attributes are bytes a reader downloads for nothing
/// (181 formulas in the bundled explainer: 0.5 KB gzip).
fn html_math(mathml: &str) -> String {
    let Some(end) = mathml.find('>') else {
        return mathml.to_string();
    };
    let tag = mathml[..end]
        .replacen(" xmlns=\"http://www.w3.org/1998/Math/MathML\"", "", 1)
        .replacen(" display=\"inline\"", "", 1);
    format!("{tag}{}", &mathml[end..])
}

/// latex2mathml writes a minus as the ASCII hyphen, `<mo>-</mo>`, whatever
/// its role: `b = -0.8` came out as `b = - 0.8` with binary spacing, and
/// `-\log p` with a hyphen. In MathML a minus is U+2212 and a negative number
/// is one token. So every `<mo>-</mo>` becomes `<mo>−</mo>`; where it is
/// unary (first in its row, or after an operator, an opening fence or a
/// separator such as `=`, `(`, `,`) it is marked `form="prefix"`, and if a
/// number follows it, the two become one `<mn>−0.8</mn>`. Runs on the
/// escaped output, so the last `<` before a point always starts a tag. A pure
/// function of its input: the output stays byte-for-byte deterministic.
fn typeset_minus(mathml: &str) -> String {
    const HYPHEN: &str = "<mo>-</mo>";
    let mut out = String::with_capacity(mathml.len() + 16);
    let mut rest = mathml;
    while let Some(at) = rest.find(HYPHEN) {
        out.push_str(&rest[..at]);
        rest = &rest[at + HYPHEN.len()..];
        if !is_unary_here(&out) {
            out.push_str("<mo>\u{2212}</mo>");
        } else if let Some(number) = leading_number(rest) {
            out.push_str("<mn>\u{2212}");
            out.push_str(number);
            out.push_str("</mn>");
            rest = &rest["<mn></mn>".len() + number.len()..];
        } else {
            out.push_str("<mo form=\"prefix\">\u{2212}</mo>");
        }
    }
    out.push_str(rest);
    out
}

/// True if a minus written after `before` has no left operand: it opens its
/// row (the last tag is an opening one) or follows an `<mo>` that is not a
/// closing fence, `!` or a prime.
fn is_unary_here(before: &str) -> bool {
    let before = before.trim_end();
    let Some(lt) = before.rfind('<') else {
        return true;
    };
    let tag = &before[lt..];
    if tag.ends_with("/>") {
        return false;
    }
    if !tag.starts_with("</") {
        return true;
    }
    if tag != "</mo>" {
        return false;
    }
    let Some(open) = before[..lt].rfind("<mo") else {
        return false;
    };
    let op = before[..lt][open..]
        .split_once('>')
        .map_or("", |(_, op)| op);
    !matches!(
        op,
        ")" | "]" | "}" | "|" | "\u{2016}" | "\u{27e9}" | "!" | "'" | "\u{2032}"
    )
}

/// The number of an `<mn>` that `s` starts with, if it is digits and points only.
fn leading_number(s: &str) -> Option<&str> {
    let body = s.strip_prefix("<mn>")?;
    let number = &body[..body.find("</mn>")?];
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.')).then_some(number)
}

/// latex2mathml writes operators verbatim (`<mo><</mo>` for `a < b`), which
/// is not valid HTML. Escapes `<`, `>` and `&` everywhere except in the tags
/// it generates (`<name …>`, `</name>`) and in character references.
fn escape_text(mathml: &str) -> String {
    let mut out = String::with_capacity(mathml.len() + 16);
    let mut rest = mathml;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                if let Some(len) = tag_len(rest) {
                    out.push_str(&rest[..len]);
                    rest = &rest[len..];
                    continue;
                }
                out.push_str("&lt;");
            }
            '>' => out.push_str("&gt;"),
            '&' if !is_char_ref(rest) => out.push_str("&amp;"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of the tag at the start of `s`, if it starts with one.
fn tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let name = if b.get(1) == Some(&b'/') { 2 } else { 1 };
    if !b.get(name)?.is_ascii_alphabetic() {
        return None;
    }
    let end = s[1..].find(['<', '>'])? + 1;
    (b[end] == b'>').then_some(end + 1)
}

/// True if `s` starts with a character reference such as `&amp;` or `&#x2061;`.
fn is_char_ref(s: &str) -> bool {
    let body = &s[1..];
    let end = body.find(';').unwrap_or(0);
    end > 0
        && end <= 10
        && body[..end]
            .trim_start_matches('#')
            .chars()
            .all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_display() {
        let inline = to_mathml(r"\frac{\partial L}{\partial w}", false).unwrap();
        assert!(inline.starts_with("<math><mfrac>"), "{inline}");
        assert!(inline.contains("<mfrac>"), "{inline}");
        let block = to_mathml("x^2", true).unwrap();
        assert!(block.starts_with("<math display=\"block\">"), "{block}");
    }

    #[test]
    fn operators_are_escaped() {
        let m = to_mathml("a < b > c", false).unwrap();
        assert!(m.contains("<mo>&lt;</mo>"), "{m}");
        assert!(m.contains("<mo>&gt;</mo>"), "{m}");
        let m = to_mathml("a <b", false).unwrap();
        assert!(m.contains("<mo>&lt;</mo><mi>b</mi>"), "{m}");
    }

    #[test]
    fn parse_errors_are_errors() {
        let e = to_mathml(r"\foo x", false).unwrap_err();
        assert!(e.message.contains("foo"), "{e:?}");
        assert!(to_mathml(r"\frac{a", false).is_err());
    }

    #[test]
    fn a_negative_number_is_one_token() {
        let m = to_mathml("b = -0.8", false).unwrap();
        assert!(
            m.ends_with("<mi>b</mi><mo>=</mo><mn>\u{2212}0.8</mn></math>"),
            "{m}"
        );
        assert!(!m.contains('-'), "{m}");
        let m = to_mathml("f(-0.5, -2)", false).unwrap();
        assert!(
            m.contains("<mo>(</mo><mn>\u{2212}0.5</mn><mo>,</mo><mn>\u{2212}2</mn><mo>)</mo>"),
            "{m}"
        );
        let m = to_mathml("10^{-13}", false).unwrap();
        assert!(m.contains("<mrow><mn>\u{2212}13</mn></mrow>"), "{m}");
    }

    #[test]
    fn a_binary_minus_is_u2212() {
        let m = to_mathml("a - b", false).unwrap();
        assert!(
            m.ends_with("<mi>a</mi><mo>\u{2212}</mo><mi>b</mi></math>"),
            "{m}"
        );
        // After a closing fence the minus is binary, and a number stays its own token.
        let m = to_mathml("(a) - 3", false).unwrap();
        assert!(m.contains("<mo>)</mo><mo>\u{2212}</mo><mn>3</mn>"), "{m}");
        let m = to_mathml("a - 3", false).unwrap();
        assert!(m.contains("<mi>a</mi><mo>\u{2212}</mo><mn>3</mn>"), "{m}");
    }

    #[test]
    fn a_prefix_minus_is_u2212() {
        let m = to_mathml(r"-\log p", false).unwrap();
        assert!(m.contains(">\u{2212}</mo><mi>log</mi>"), "{m}");
        assert!(m.contains("<mo form=\"prefix\">\u{2212}</mo>"), "{m}");
        let m = to_mathml("a + (-b)", false).unwrap();
        assert!(
            m.contains("<mo>(</mo><mo form=\"prefix\">\u{2212}</mo><mi>b</mi>"),
            "{m}"
        );
        let m = to_mathml("x - -2", false).unwrap();
        assert!(
            m.contains("<mi>x</mi><mo>\u{2212}</mo><mn>\u{2212}2</mn>"),
            "{m}"
        );
    }

    #[test]
    fn typesetting_is_deterministic() {
        let latex = r"p = \frac{1}{1 + e^{-z}}, \; L = -\log p, \; b = -0.8";
        assert_eq!(
            to_mathml(latex, true).unwrap(),
            to_mathml(latex, true).unwrap()
        );
    }

    #[test]
    fn big_delimiters_are_well_formed() {
        let m = to_mathml(r"a\bigl(1 - b\bigr)", true).unwrap();
        assert!(!m.contains("</mro>"), "{m}");
        assert_eq!(m.matches("<mo").count(), m.matches("</mo>").count(), "{m}");
    }

    #[test]
    fn deep_long_and_panicking_formulas_are_refused() {
        let deep = format!("{}x{}", "{".repeat(4_000), "}".repeat(4_000));
        let e = to_mathml(&deep, false).unwrap_err();
        assert_eq!(e.message, "the formula nests more than 32 levels deep");
        assert_eq!(e.offset, Some(33));
        let e = to_mathml(&format!("  {}x", r"\sqrt".repeat(100)), false).unwrap_err();
        assert_eq!(e.offset, Some(2 + 33 * 5));
        let long = "x + ".repeat(3000);
        assert!(
            to_mathml(&long, true)
                .unwrap_err()
                .message
                .contains("bytes long")
        );
        let e = to_mathml(r"a \middle x", false).unwrap_err();
        assert_eq!(e.offset, Some(2), "{e:?}");
        // Just within the limit: converted.
        let ok = format!("{}x{}", "{".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert!(to_mathml(&ok, false).is_ok());
    }

    #[test]
    fn empty_is_an_error() {
        assert!(to_mathml("  ", false).is_err());
    }
}
