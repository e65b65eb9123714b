//! Small helpers that pages and figures share: the one escaper for HTML
//! and SVG text, heading slugs, content digests, and the order work runs
//! in on all cores.

pub mod digest;
pub mod schedule;

/// Escapes text for HTML and SVG element content and for attribute values
/// in double quotes (every attribute `seen` writes is): `&`, `<`, `>` and
/// `"`. A `'` is left as it is (no attribute is single-quoted), so prose
/// such as "the block's seed" stays readable in the SVG source.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    esc_into(&mut out, s);
    out
}

/// [`esc`], written at the end of `out` (the SVG writer's attributes: no
/// string allocated per attribute).
pub fn esc_into(out: &mut String, s: &str) {
    let special = |b: &u8| matches!(b, b'&' | b'<' | b'>' | b'"');
    if !s.as_bytes().iter().any(special) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// A heading's text as an id: lowercase letters and digits, words joined by
/// `-`. `"Backward pass: the chain rule"` → `backward-pass-the-chain-rule`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' || c.is_ascii_punctuation() {
            dash = true;
        }
    }
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Backward pass: the chain rule"),
            "backward-pass-the-chain-rule"
        );
        assert_eq!(slugify("  Σ and ∂L/∂w "), "σ-and-l-w");
        assert_eq!(slugify("!!!"), "section");
        assert_eq!(slugify("a_b--c"), "a-b-c");
    }

    #[test]
    fn escapes_for_content_and_double_quoted_attributes() {
        assert_eq!(esc(r#"a<b>&"c" it's"#), "a&lt;b&gt;&amp;&quot;c&quot; it's");
    }
}
