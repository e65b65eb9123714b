//! What the pages' Content-Security-Policy would block, in markup that seen
//! trusts and so does not sanitize: the templates (the site's own) and the
//! figure renderer's output. Either putting a script, a `<style>` element, a
//! `style` attribute or an event handler in a page is a mistake to report
//! at its source; raw HTML in markdown goes through the sanitizer instead
//! ([`super::sanitize`]).

/// Finds HTML that a `default-src 'none'; style-src 'self'` policy would
/// block: a `<script>` or `<style>` element, a `style` attribute, an `on…`
/// event handler attribute. Returns (byte offset, length, description).
///
/// A small tag scanner rather than a regex so that prose such as "the
/// `style=` attribute" (which is escaped in the HTML) is not flagged.
pub fn find_forbidden(html: &str) -> Option<(usize, usize, String)> {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|k| i + k) {
        let mut j = lt + 1;
        if b.get(j) == Some(&b'/') {
            j += 1;
        }
        let name_start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':') {
            j += 1;
        }
        let name = &html[name_start..j];
        if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
            return Some((
                lt,
                j - lt,
                format!("a `<{}>` element", name.to_ascii_lowercase()),
            ));
        }
        // Attributes, up to the end of the tag.
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let attr_start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            // Compared in place: a figure's HTML has hundreds of thousands
            // of attributes, and a lowercased copy of each was a sixth of a
            // cached build's time.
            let attr = &b[attr_start..j];
            if attr.eq_ignore_ascii_case(b"style") {
                return Some((
                    attr_start,
                    j - attr_start,
                    "a `style` attribute".to_string(),
                ));
            }
            if attr.len() > 2 && attr[..2].eq_ignore_ascii_case(b"on") {
                return Some((
                    attr_start,
                    j - attr_start,
                    format!(
                        "an event handler attribute `{}`",
                        html[attr_start..j].to_ascii_lowercase()
                    ),
                ));
            }
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if b.get(j) == Some(&b'=') {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                match b.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        j += 1;
                        j = memchr_from(b, j, q);
                        j += 1;
                    }
                    _ => {
                        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                            j += 1;
                        }
                    }
                }
            }
        }
        i = j.min(b.len());
        if i <= lt {
            i = lt + 1;
        }
    }
    None
}

/// The index of the first `byte` at or after `from` in `b`, or `b.len()`.
fn memchr_from(b: &[u8], from: usize, byte: u8) -> usize {
    let from = from.min(b.len());
    b[from..]
        .iter()
        .position(|&c| c == byte)
        .map_or(b.len(), |k| from + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_html() {
        assert!(find_forbidden("<p class=\"a\">x &lt;script&gt; style=1</p>").is_none());
        assert!(find_forbidden("<details open><summary>s</summary></details>").is_none());
        let (at, len, _) = find_forbidden("<p><SCRIPT>alert(1)</SCRIPT></p>").unwrap();
        assert_eq!((at, len), (3, 7));
        let (at, _, what) = find_forbidden("<img src='a' onerror=\"x\">").unwrap();
        assert_eq!(at, 13);
        assert!(what.contains("onerror"));
        assert!(find_forbidden("<div style=\"color:red\">").is_some());
        assert!(find_forbidden("<svg><style>.a{}</style></svg>").is_some());
        assert!(find_forbidden("<p title='<style>'>").is_none());
    }
}
