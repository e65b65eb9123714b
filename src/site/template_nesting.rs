//! How deeply a site's templates include and extend each other, checked
//! before tera compiles them.
//!
//! tera 2 refuses cycles and bounds the nesting inside one template, but
//! follows a chain of distinct templates (`a.html` includes `b.html`,
//! which includes `c.html`, …) by recursion: 200 of them overflowed the
//! stack and aborted the build, and a chain of 2,000 `extends` took a
//! minute. A chain longer than [`MAX_DEPTH`] is refused at the tag that
//! goes past it.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use super::Diagnostic;

/// Longest chain of templates that include or extend one another
/// (`page.html` extending `base.html` is a chain of 2).
pub const MAX_DEPTH: usize = 16;

/// One `{% include "name" %}` or `{% extends "name" %}`: the name and the
/// byte range of the tag.
struct Tag {
    name: String,
    start: usize,
    end: usize,
}

/// The include and extends tags of a template, skipping `{# comments #}`
/// and `{% raw %}` blocks.
fn tags(text: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find('{').map(|i| at + i) {
        let rest = &text[i..];
        if rest.starts_with("{#") {
            at = rest.find("#}").map_or(text.len(), |e| i + e + 2);
            continue;
        }
        if !rest.starts_with("{%") {
            at = i + 1;
            continue;
        }
        let end = rest.find("%}").map_or(text.len(), |e| i + e + 2);
        let inner = text[i + 2..end.saturating_sub(2).max(i + 2)]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        at = end;
        if inner == "raw" {
            let close = text[at..].find("endraw").map_or(text.len(), |e| at + e);
            at = text[close..]
                .find("%}")
                .map_or(text.len(), |e| close + e + 2);
            continue;
        }
        let Some(arg) = inner
            .strip_prefix("include")
            .or_else(|| inner.strip_prefix("extends"))
        else {
            continue;
        };
        let arg = arg.trim_start();
        let Some(quote) = arg.chars().next().filter(|q| matches!(q, '"' | '\'' | '`')) else {
            continue;
        };
        if let Some(len) = arg[1..].find(quote) {
            out.push(Tag {
                name: arg[1..1 + len].to_string(),
                start: i,
                end,
            });
        }
    }
    out
}

/// Refuses a chain of templates longer than [`MAX_DEPTH`], at the tag in
/// the first template of the longest chain that steps past it. Cycles are
/// left to tera, which names them.
pub fn check(sources: &BTreeMap<String, (PathBuf, String)>) -> Result<(), Diagnostic> {
    let edges: BTreeMap<&str, Vec<Tag>> = sources
        .iter()
        .map(|(name, (_, text))| (name.as_str(), tags(text)))
        .collect();
    // Longest chain from each template, found without recursion: a
    // template is finished once all it names are.
    let mut depth: BTreeMap<&str, (usize, Option<usize>)> = BTreeMap::new();
    for &root in edges.keys() {
        let mut stack = vec![(root, false)];
        let mut on_path: HashSet<&str> = HashSet::new();
        while let Some((name, expanded)) = stack.pop() {
            if depth.contains_key(name) {
                continue;
            }
            let tags = &edges[name];
            if !expanded {
                if !on_path.insert(name) {
                    continue;
                }
                stack.push((name, true));
                for t in tags {
                    let next = t.name.as_str();
                    if edges.contains_key(next) && !depth.contains_key(next) {
                        stack.push((edges.get_key_value(next).expect("checked").0, false));
                    }
                }
                continue;
            }
            on_path.remove(name);
            // A template on the path (a cycle) counts as 1 here.
            let best = tags
                .iter()
                .enumerate()
                .map(|(k, t)| (depth.get(t.name.as_str()).map_or(1, |d| d.0) + 1, Some(k)))
                .max_by_key(|&(d, k)| (d, std::cmp::Reverse(k)))
                .unwrap_or((1, None));
            depth.insert(name, best);
        }
    }
    let Some((&name, &(d, Some(k)))) = depth
        .iter()
        .filter(|(_, (d, _))| *d > MAX_DEPTH)
        .max_by_key(|(_, (d, _))| *d)
    else {
        return Ok(());
    };
    // The chain, for the message: follow the deepest tag of each template.
    let mut chain = vec![name];
    let mut here = (name, Some(k));
    while let (n, Some(k)) = here {
        let next = edges[n][k].name.as_str();
        match depth.get_key_value(next) {
            Some((&next, &(_, k))) if chain.len() <= MAX_DEPTH => {
                chain.push(next);
                here = (next, k);
            }
            _ => break,
        }
    }
    let (file, text) = &sources[name];
    let tag = &edges[name][k];
    Err(Diagnostic::at(
        file,
        text,
        tag.start,
        tag.end - tag.start,
        format!("templates include or extend each other {d} levels deep, more than the limit of {MAX_DEPTH}"),
    )
    .with_expected(format!("a chain of at most {MAX_DEPTH} templates"))
    .with_note(format!("the chain: {}{}", chain.join(" → "), if d > chain.len() { " → …" } else { "" }))
    .with_hint("include the innermost templates' text directly, or merge some templates"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, String)]) -> BTreeMap<String, (PathBuf, String)> {
        files
            .iter()
            .map(|(n, t)| {
                (
                    n.to_string(),
                    (PathBuf::from(format!("templates/{n}")), t.clone()),
                )
            })
            .collect()
    }

    fn chain(n: usize) -> Vec<(String, String)> {
        (0..n)
            .map(|i| {
                let body = if i + 1 < n {
                    format!("x {{%- include \"t{}.html\" -%}} y", i + 1)
                } else {
                    "end".into()
                };
                (format!("t{i}.html"), body)
            })
            .collect()
    }

    fn check_chain(n: usize) -> Result<(), Diagnostic> {
        let files = chain(n);
        let refs: Vec<(&str, String)> =
            files.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
        check(&sources(&refs))
    }

    #[test]
    fn finds_tags_but_not_in_comments_or_raw() {
        let t = tags(
            "{% extends 'base.html' %}{# {% include \"no.html\" %} #}{% raw %}{% include \"no2.html\" %}{% endraw %}{%- include `p.html` -%}{% if x %}{% endif %}",
        );
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["base.html", "p.html"]);
    }

    #[test]
    fn a_long_chain_is_refused_at_its_first_tag() {
        assert!(check_chain(MAX_DEPTH).is_ok());
        let e = check_chain(MAX_DEPTH + 1).unwrap_err();
        assert_eq!(e.file, PathBuf::from("templates/t0.html"));
        assert_eq!((e.line, e.col), (1, 3));
        assert!(e.message.contains("17 levels deep"), "{}", e.message);
        assert!(e.note.unwrap().contains("t0.html → t1.html → t2.html"));
        // Far longer chains are measured without recursion.
        let e = check_chain(100_000).unwrap_err();
        assert!(e.message.contains("100000 levels deep"), "{}", e.message);
    }

    #[test]
    fn cycles_are_left_to_tera() {
        let s = sources(&[
            ("a.html", "{% include \"b.html\" %}".into()),
            ("b.html", "{% include \"a.html\" %}".into()),
        ]);
        assert!(check(&s).is_ok());
    }
}
