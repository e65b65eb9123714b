//! `seen help`: the handbook in `docs/`, compiled into the binary so that an
//! installed `seen` carries its own documentation, and the pointers that
//! error messages give into it (`see: seen help language, section "Keys"`).
//!
//! The pages are printed as the markdown they are written in: it reads well
//! in a terminal, and the same files render on any git host.

use crate::toml_errors::closest;

/// One page of the handbook.
#[derive(Debug)]
pub struct Topic {
    /// What to type after `seen help`.
    pub name: &'static str,
    /// One line for the list of topics.
    pub summary: &'static str,
    /// The file in `docs/`.
    pub file: &'static str,
    /// The page itself.
    pub text: &'static str,
}

/// Every page of the handbook, in the order `seen help` lists them.
pub const TOPICS: &[Topic] = &[
    Topic {
        name: "language",
        summary: "autograd blocks: every key, expressions, the rulebook, modules, figures, errors, limits",
        file: "docs/language.md",
        text: include_str!("../docs/language.md"),
    },
    Topic {
        name: "trace",
        summary: "the JSON printed by `seen trace`, field by field",
        file: "docs/trace-json.md",
        text: include_str!("../docs/trace-json.md"),
    },
    Topic {
        name: "site",
        summary: "the site folder, seen.toml, front matter, templates and every command",
        file: "docs/site.md",
        text: include_str!("../docs/site.md"),
    },
    Topic {
        name: "contributing",
        summary: "the code's layout by data flow, tests, golden files, benchmarks",
        file: "docs/contributing.md",
        text: include_str!("../docs/contributing.md"),
    },
];

/// The topic called `name`, if there is one.
pub fn topic(name: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|t| t.name.eq_ignore_ascii_case(name))
}

/// Declares [`Section`] from one table, so that the list a test walks is
/// complete by construction.
macro_rules! sections {
    ($($variant:ident => $heading:literal,)*) => {
        /// A section of `seen help language` that an error message may point
        /// to. Each names a `##` heading of `docs/language.md`; a unit test
        /// checks that every one of them exists.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Section {
            $($variant,)*
        }

        impl Section {
            /// Every section errors may cite.
            pub const ALL: &[Section] = &[$(Section::$variant,)*];

            /// The heading's text.
            pub const fn heading(self) -> &'static str {
                match self {
                    $(Section::$variant => $heading,)*
                }
            }
        }
    };
}

sections! {
    Blocks => "Blocks",
    Keys => "Keys",
    Examples => "Examples and batches",
    Labels => "Labels and models",
    Expressions => "Expressions",
    Rulebook => "Rulebook",
    Modules => "Modules",
    Views => "Views",
    Figures => "Figures",
    Errors => "Errors",
    Limits => "Limits",
}

/// The pointer an error message ends with:
/// `see: seen help language, section "Keys"`.
pub fn see(section: Section) -> String {
    format!("see: seen help language, section \"{}\"", section.heading())
}

/// What a block's TOML error expects when serde has no better words (a
/// syntax error): `valid TOML (see: seen help language, section "Blocks")`.
pub fn valid_toml() -> String {
    format!("valid TOML ({})", see(Section::Blocks))
}

/// The `##` headings of a page, outside code blocks: (heading text, byte
/// offset of its line).
pub fn headings(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        let marker = ["````", "```"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(open), Some(m)) if m == open && trimmed == m => fence = None,
            (None, None) => {
                if let Some(h) = trimmed.strip_prefix("## ") {
                    out.push((h.trim(), at));
                }
            }
            _ => {}
        }
        at += line.len();
    }
    out
}

/// The section of `text` under the `##` heading that `name` names: its exact
/// text (any case), or the start of exactly one heading (`keys`,
/// `examples`). The section runs to the next `##` heading.
pub fn section<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let hs = headings(text);
    let wanted = name.trim().to_lowercase();
    let exact = hs.iter().position(|(h, _)| h.to_lowercase() == wanted);
    let index = exact.or_else(|| {
        let starts: Vec<usize> = (0..hs.len())
            .filter(|&i| hs[i].0.to_lowercase().starts_with(&wanted))
            .collect();
        (starts.len() == 1 && !wanted.is_empty()).then(|| starts[0])
    })?;
    let start = hs[index].1;
    let end = hs.get(index + 1).map_or(text.len(), |h| h.1);
    Some(&text[start..end])
}

/// What `seen help` prints with no topic.
pub fn overview() -> String {
    let width = TOPICS.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let mut s = String::from(
        "seen help TOPIC [SECTION]: the seen handbook, built into this binary.\n\nTopics:\n",
    );
    for t in TOPICS {
        s += &format!("  {:width$}  {}\n", t.name, t.summary);
    }
    s += "\nA SECTION is one `##` heading of the topic, or its first word:\n  \
          seen help language keys\n  \
          seen help language \"examples and batches\"\n\
          \n`seen help COMMAND` (or `seen COMMAND --help`) shows a command's options.\n\
          The same pages are in the docs/ folder of seen's source.\n";
    s
}

/// What `seen help TOPIC [SECTION]` prints, or the error to show: an unknown
/// topic or section, with a "did you mean" when one is close.
pub fn render(topic_name: Option<&str>, section_name: Option<&str>) -> Result<String, String> {
    let Some(name) = topic_name else {
        return Ok(overview());
    };
    let Some(t) = topic(name) else {
        return Err(unknown_topic(name, &[]));
    };
    let Some(sec) = section_name else {
        return Ok(t.text.to_string());
    };
    section(t.text, sec).map(str::to_string).ok_or_else(|| {
        let hs: Vec<&str> = headings(t.text).into_iter().map(|(h, _)| h).collect();
        let head = format!("unknown section \"{sec}\" of topic \"{}\"", t.name);
        unknown(&head, sec, &hs)
    })
}

/// The error for `seen help NAME` when NAME is no topic; `commands` are the
/// command names, also accepted after `seen help`.
pub fn unknown_topic(name: &str, commands: &[&str]) -> String {
    let mut known: Vec<&str> = TOPICS.iter().map(|t| t.name).collect();
    known.extend(commands.iter().filter(|c| topic(c).is_none()));
    unknown(&format!("unknown topic \"{name}\""), name, &known)
}

/// `head`, the known names, and the one closest to `name`, if any is close.
fn unknown(head: &str, name: &str, known: &[&str]) -> String {
    let mut s = format!("{head}\n  expected: one of ");
    let quoted: Vec<String> = known.iter().map(|k| format!("\"{k}\"")).collect();
    s += &quoted.join(", ");
    let lower: Vec<String> = known.iter().map(|k| k.to_lowercase()).collect();
    let lower_refs: Vec<&str> = lower.iter().map(String::as_str).collect();
    if let Some(k) = closest(&name.to_lowercase(), &lower_refs) {
        let i = lower_refs.iter().position(|l| *l == k).unwrap_or(0);
        s += &format!("\n  hint: did you mean \"{}\"?", known[i]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Figure;
    use crate::scenario::lower::FUNCTIONS;
    use serde::de::DeserializeOwned;
    use std::collections::BTreeSet;

    fn language() -> &'static str {
        topic("language").unwrap().text
    }

    /// The keys a serde struct with `deny_unknown_fields` accepts, read from
    /// the error it gives for a key it does not know: derived from the code,
    /// so a new field cannot go undocumented.
    fn accepted_keys<T: DeserializeOwned + std::fmt::Debug>() -> BTreeSet<String> {
        let err = toml::from_str::<T>("not_a_key_of_seen = 1\n").unwrap_err();
        let msg = err.message().to_string();
        let (_, expected) = msg
            .split_once("expected ")
            .unwrap_or_else(|| panic!("no key list in {msg:?}"));
        let keys: BTreeSet<String> = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        assert!(!keys.is_empty(), "no keys in {msg:?}");
        keys
    }

    /// The first cells written as `` `key` `` of every table row of a text.
    fn table_keys(text: &str) -> BTreeSet<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`'))
            .map(|(k, _)| k.to_string())
            .collect()
    }

    fn sec(text: &'static str, name: &str) -> &'static str {
        section(text, name).unwrap_or_else(|| panic!("no section {name:?}"))
    }

    #[test]
    fn every_topic_prints_and_overview_lists_them() {
        let all = render(None, None).unwrap();
        for t in TOPICS {
            let text = render(Some(t.name), None).unwrap();
            assert!(text.starts_with("# "), "{} has a title", t.name);
            assert!(text.len() > 1000, "{} is a real page", t.name);
            assert!(all.contains(t.name), "`seen help` lists {}", t.name);
            for (h, _) in headings(t.text) {
                let one = render(Some(t.name), Some(h)).unwrap();
                assert!(one.starts_with(&format!("## {h}\n")), "{}: {h}", t.name);
            }
        }
    }

    #[test]
    fn every_block_key_the_parser_accepts_is_documented_and_no_other() {
        let mut accepted = accepted_keys::<crate::scenario::spec::Spec>();
        accepted.extend(accepted_keys::<crate::scenario::spec::Update>());
        accepted.extend(accepted_keys::<crate::scenario::spec::NetSpec>());
        accepted.extend(accepted_keys::<crate::scenario::spec::TrainSpec>());
        assert!(accepted.contains("graph") && accepted.contains("lr"));
        let mut documented = table_keys(sec(language(), "Keys"));
        documented.extend(table_keys(sec(language(), "Training and networks")));
        assert_eq!(
            documented, accepted,
            "the tables of docs/language.md, section \"Keys\", against the keys of spec.rs"
        );
    }

    #[test]
    fn every_figure_kind_is_documented() {
        let figures = sec(language(), "Figures");
        let documented = table_keys(figures);
        let kinds: BTreeSet<String> = Figure::ALL
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect();
        assert_eq!(documented, kinds, "docs/language.md, section \"Figures\"");
    }

    #[test]
    fn every_function_is_documented() {
        let rules = format!(
            "{}{}",
            sec(language(), "Rulebook"),
            sec(language(), "Modules")
        );
        for (f, arity) in FUNCTIONS {
            let call = format!("`{f}(");
            let at = rules
                .find(&call)
                .unwrap_or_else(|| panic!("`{f}` is not documented"));
            let args = rules[at..].split_once(')').unwrap().0;
            assert_eq!(args.matches(',').count() + 1, *arity, "arity of `{f}`");
        }
    }

    #[test]
    fn every_site_and_front_matter_key_is_documented() {
        let site = topic("site").unwrap().text;
        let config = accepted_keys::<crate::site::config::SiteConfig>();
        assert_eq!(table_keys(sec(site, "seen.toml")), config);
        let front = accepted_keys::<crate::site::content::FrontMatter>();
        assert_eq!(table_keys(sec(site, "Front matter")), front);
    }

    #[test]
    fn every_command_is_documented() {
        let commands = sec(topic("site").unwrap().text, "Commands");
        for c in ["build", "check", "serve", "init", "trace", "frames", "help"] {
            assert!(
                commands.contains(&format!("| `seen {c}"))
                    || commands.contains(&format!(" or `seen {c}")),
                "`seen {c}` in docs/site.md, section \"Commands\""
            );
        }
    }

    #[test]
    fn every_cited_section_exists() {
        let hs: Vec<&str> = headings(language()).into_iter().map(|(h, _)| h).collect();
        for s in Section::ALL {
            assert!(hs.contains(&s.heading()), "no heading {:?}", s.heading());
            assert_eq!(
                see(*s),
                format!("see: seen help language, section \"{}\"", s.heading())
            );
        }
    }

    #[test]
    fn a_toml_error_points_into_the_handbook() {
        let e = crate::scenario::parse("id = \"a\"\ngraph = \"y = 1\"\nseed = @\n").unwrap_err();
        let expected = e.expected.unwrap();
        assert!(expected.starts_with("valid TOML"), "{expected}");
        assert!(expected.contains(&see(Section::Blocks)), "{expected}");
    }

    #[test]
    fn limits_match_the_code() {
        let limits = sec(language(), "Limits");
        let nodes = crate::scenario::MAX_NODES;
        let nodes = format!("{},{:03}", nodes / 1000, nodes % 1000);
        assert!(limits.contains(&format!("**{nodes} nodes**")), "{nodes}");
        use crate::scenario::budget::{self, thousands};
        let big = thousands(crate::scenario::MAX_TRAINING_NODES as u64);
        assert!(limits.contains(&format!("**{big} nodes**")), "{big}");
        // The budgets' table.
        let frames = thousands(budget::MAX_FRAMES as u64);
        assert!(
            limits.contains(&format!("| **{frames} frames** |")),
            "{frames}"
        );
        let mb = |b: usize| format!("| **{} MB** |", b / 1_000_000);
        assert!(limits.contains(&mb(budget::MAX_JSON_BYTES)));
        assert!(limits.contains(&mb(budget::MAX_FIGURE_BYTES)));
        let export = format!(
            "| **{} MB** per trace |",
            budget::MAX_EXPORT_BYTES / 1_000_000
        );
        assert!(limits.contains(&export), "{export}");
        let pixels = thousands(budget::MAX_EXPORT_PIXELS);
        assert!(
            limits.contains(&format!("| **{pixels} pixels** per trace |")),
            "{pixels}"
        );
        let steps = crate::scenario::MAX_TRAIN_STEPS;
        let steps = format!("{},{:03}", steps / 1000, steps % 1000);
        assert!(limits.contains(&format!("**{steps} steps**")), "{steps}");
        let depth = crate::scenario::expr::MAX_DEPTH;
        assert!(limits.contains(&format!("**{depth} levels**")), "{depth}");
        let work = crate::scenario::train::MAX_TRAIN_WORK;
        assert_eq!(work, 250_000_000);
        assert!(limits.contains("**250,000,000 node-steps**"));
        assert_eq!(crate::scenario::data::MAX_DATA_BYTES, 16 << 20);
        assert!(limits.contains("**16 MiB**"));
        let id = crate::scenario::MAX_ID_LEN;
        assert!(limits.contains(&format!("**{id} characters**")), "{id}");
        let variants = crate::scenario::MAX_VARIANTS;
        assert!(
            limits.contains(&format!("| **{variants} combinations** |")),
            "{variants}"
        );
        let toml = crate::toml_errors::TOML_DEPTH;
        assert!(limits.contains(&format!("**{toml} levels**")), "{toml}");
        // The site's own limits, in the site page.
        let site = sec(topic("site").expect("the site page").text, "Limits");
        let math = crate::site::latex::MAX_DEPTH;
        assert!(site.contains(&format!("**{math} levels**")), "{math}");
        assert!(site.contains("**10,000 bytes**"));
        assert_eq!(crate::site::latex::MAX_BYTES, 10_000);
        let chain = crate::site::template_nesting::MAX_DEPTH;
        assert!(site.contains(&format!("**{chain} templates**")), "{chain}");
    }

    #[test]
    fn sections_by_name_or_first_word() {
        let keys = render(Some("language"), Some("KEYS")).unwrap();
        assert!(keys.starts_with("## Keys\n") && !keys.contains("## Expressions"));
        let ex = render(Some("language"), Some("examples")).unwrap();
        assert!(ex.starts_with("## Examples and batches\n"));
        // Headings inside code blocks do not count.
        assert_eq!(headings("```\n## No\n```\n## Yes\n"), vec![("Yes", 14)]);
    }

    #[test]
    fn unknown_topics_and_sections_get_a_suggestion() {
        let e = render(Some("langauge"), None).unwrap_err();
        assert!(e.contains("unknown topic \"langauge\""), "{e}");
        assert!(e.contains("did you mean \"language\"?"), "{e}");
        let e = render(Some("language"), Some("figurs")).unwrap_err();
        assert!(e.contains("did you mean \"Figures\"?"), "{e}");
        let e = render(Some("zzzzzz"), None).unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
        let e = unknown_topic("buidl", &["build", "check"]);
        assert!(
            e.contains("\"check\"") && e.contains("did you mean \"build\"?"),
            "{e}"
        );
    }

    #[test]
    fn nothing_points_outside_the_repository() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let outside = concat!("..", "/shared");
        let mut files = vec![root.join("README.md"), root.join("Cargo.toml")];
        for dir in ["docs", "src", "templates", "content"] {
            for e in walkdir::WalkDir::new(root.join(dir)) {
                let e = e.unwrap();
                if e.file_type().is_file() {
                    files.push(e.into_path());
                }
            }
        }
        for f in files {
            let text = std::fs::read(&f).unwrap();
            let text = String::from_utf8_lossy(&text);
            assert!(
                !text.contains(outside),
                "{} mentions {outside}",
                f.display()
            );
        }
    }

    #[test]
    fn docs_links_name_existing_pages() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let index = std::fs::read_to_string(root.join("docs/README.md")).unwrap();
        for t in TOPICS {
            assert!(root.join(t.file).is_file(), "{}", t.file);
            let page = t.file.strip_prefix("docs/").unwrap();
            assert!(
                index.contains(&format!("]({page})")),
                "docs/README.md links {page}"
            );
        }
    }
}
