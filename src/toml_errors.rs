//! serde's TOML messages, reworded for authors.
//!
//! `unknown field \`figur\`, expected one of \`id\`, …` becomes the message
//! "unknown key `figur`", the expected line "one of `id`, …", and the hint
//! "did you mean `figure`?". Type names such as `f64` become "a number".
//! Used for `autograd` blocks, front matter and `seen.toml` alike.

/// A TOML error message split into what went wrong, what was expected, and
/// a hint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Explained {
    pub message: String,
    pub expected: Option<String>,
    pub hint: Option<String>,
}

/// Rewords one message of `toml::de::Error::message()`.
pub fn explain(raw: &str) -> Explained {
    let raw = raw.trim();
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let (name, expected) = split_expected(rest);
        let known = backticked(expected.unwrap_or(""));
        let hint = closest(unquote(name), &known).map(|k| format!("did you mean `{k}`?"));
        return Explained {
            message: format!("unknown key {name}"),
            expected: expected.map(|e| {
                if known.len() == 1 {
                    format!("the key {e}")
                } else {
                    e.to_string()
                }
            }),
            hint,
        };
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        return Explained {
            message: format!("missing key {rest}"),
            ..Explained::default()
        };
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let (found, expected) = split_expected(rest);
        return Explained {
            message: format!("wrong type: found {found}"),
            expected: expected.map(type_name),
            hint: None,
        };
    }
    if raw.starts_with("cannot recurse further") {
        // The toml crate stops at 80 levels of arrays and inline tables
        // (its parser is recursive), with its own words for it.
        return Explained {
            message: format!("arrays and tables nested more than {TOML_DEPTH} levels deep"),
            expected: Some(format!(
                "at most {TOML_DEPTH} levels of `[…]` and `{{…}}` inside one another"
            )),
            hint: None,
        };
    }
    Explained {
        message: raw.to_string(),
        ..Explained::default()
    }
}

/// How deep the toml crate lets arrays and inline tables nest (its
/// `LIMIT`, in `toml/src/de/parser/mod.rs`).
pub const TOML_DEPTH: usize = 80;

/// `x, expected y` → (`x`, Some(`y`)).
fn split_expected(s: &str) -> (&str, Option<&str>) {
    match s.split_once(", expected ") {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches('`')
}

/// The `quoted` words of a text.
fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// serde's names for types, in the author's words.
fn type_name(t: &str) -> String {
    match t {
        "f64" | "f32" | "i64" | "u64" | "i32" | "u32" | "usize" | "a float" | "an integer" => {
            "a number".into()
        }
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        "a boolean" | "bool" => "true or false".into(),
        other => other.into(),
    }
}

/// "did you mean `tanh`?" when `word` is a plausible typo of one of `known`.
/// A one- or two-letter word is too short to guess from.
pub fn did_you_mean(word: &str, known: &[&str]) -> Option<String> {
    let k = closest(word, known)?;
    (word.chars().count() > 2 && k != word).then(|| format!("did you mean `{k}`?"))
}

/// The known key nearest to `word`, if it is a plausible typo.
pub fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_with_a_suggestion() {
        let e = explain("unknown field `figur`, expected one of `id`, `figure`, `wrt`");
        assert_eq!(e.message, "unknown key `figur`");
        assert_eq!(e.expected.as_deref(), Some("one of `id`, `figure`, `wrt`"));
        assert_eq!(e.hint.as_deref(), Some("did you mean `figure`?"));
        let e = explain("unknown field `rate`, expected `lr`");
        assert_eq!(e.expected.as_deref(), Some("the key `lr`"));
        assert_eq!(e.hint, None);
        let e = explain("unknown field `zzzzzz`, expected one of `id`, `graph`");
        assert_eq!(e.hint, None);
    }

    #[test]
    fn types_in_words() {
        let e = explain("invalid type: string \"one\", expected f64");
        assert_eq!(e.message, "wrong type: found string \"one\"");
        assert_eq!(e.expected.as_deref(), Some("a number"));
        assert_eq!(
            explain("missing field `title`").message,
            "missing key `title`"
        );
        assert_eq!(explain("whatever\n").message, "whatever");
    }
}
