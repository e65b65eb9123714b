//! `$…$` and `$$…$$` to MathML at build time, so pages need no JavaScript.
//!
//! pulldown-cmark finds the math (`Options::ENABLE_MATH`, which follows the
//! GitHub rules: `costs $5 and $6` stays text because a closing `$` may not
//! follow a space); latex2mathml converts it. Browsers render MathML Core
//! natively.

use latex2mathml::{DisplayStyle, latex_to_mathml};

/// Converts one piece of LaTeX to a `<math>` element.
///
/// The error is latex2mathml's message, for a diagnostic.
pub fn to_mathml(latex: &str, display: bool) -> Result<String, String> {
    let style = if display {
        DisplayStyle::Block
    } else {
        DisplayStyle::Inline
    };
    let latex = latex.trim();
    if latex.is_empty() {
        return Err("empty math".to_string());
    }
    let mathml = latex_to_mathml(latex, style).map_err(|e| e.to_string().replace("\".\"", "\""))?;
    // latex2mathml reports some mistakes inside its output instead of as errors.
    if let Some(at) = mathml.find("[PARSE ERROR") {
        let rest = &mathml[at + 1..];
        let end = rest.find("]<").unwrap_or(rest.len());
        return Err(rest[..end].replace("PARSE ERROR: ", "cannot parse: "));
    }
    Ok(escape_text(&mathml))
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
        assert!(inline.starts_with("<math"), "{inline}");
        assert!(inline.contains("<mfrac>"), "{inline}");
        let block = to_mathml("x^2", true).unwrap();
        assert!(block.contains("display=\"block\""), "{block}");
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
        assert!(e.contains("foo"), "{e}");
        assert!(to_mathml(r"\frac{a", false).is_err());
    }

    #[test]
    fn empty_is_an_error() {
        assert!(to_mathml("  ", false).is_err());
    }
}
