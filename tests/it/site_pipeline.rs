//! The site pipeline end to end, with a stand-in figure renderer.

use std::fs;
use std::path::Path;

use seen::page::{Block, FigureHook, PageCtx, Rendered};
use seen::site::{self, BuildConfig, BuildError, Diagnostic};

use crate::support::{snapshot, write};

/// A stand-in for the figure renderer: one `<figure>` and one asset per
/// block, named after the block's `id = "…"` line; a block containing `FAIL`
/// is an error pointing at that word.
struct Dummy;

impl FigureHook for Dummy {
    fn render(&self, block: &Block, page: &PageCtx) -> Result<Rendered, Diagnostic> {
        if let Some(at) = block.source.find("FAIL") {
            // For a fence at the start of a line the body is a verbatim slice
            // of the file, so the plain `body_offset + i` arithmetic agrees
            // with the mapping that handles indented fences.
            let end = block.body_offset + block.source.len();
            if page.source.get(block.body_offset..end) == Some(block.source.as_str()) {
                let plain =
                    Diagnostic::at(&page.file, &page.source, block.body_offset + at, 4, "x");
                let mapped = page.diagnostic(block, at, 4, "x");
                assert_eq!((plain.line, plain.col), (mapped.line, mapped.col));
            }
            return Err(page
                .diagnostic(block, at, 4, "this block fails")
                .with_expected("a block that works"));
        }
        let id = block
            .source
            .lines()
            .find_map(|l| l.strip_prefix("id = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or("anon");
        let asset = format!("figures/{}/{id}.svg", page.stem);
        Ok(Rendered {
            html: format!(
                "<figure id=\"{id}\"><img src=\"{}\" alt=\"\"></figure>\n",
                page.href(&asset)
            ),
            assets: vec![(
                asset,
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
            )],
            figures: 1,
            frames: 3,
            reads: Vec::new(),
        })
    }
}

const INDEX: &str = r#"+++
title = "Home"
description = "Gradients, step by step."
order = 0
+++

# Backward pass: the chain rule

Inline math $\frac{\partial L}{\partial w}$ and display math:

$$z = w x + b$$

It costs $5 and $6 to buy two.

## A figure

```autograd
id = "single"
graph = "z = w * x"
```

| left | right |
| :--- | ----: |
| a    | b     |

See [the sub page](sub/bar.md#deep).
"#;

const SUB: &str = r#"+++
title = "Deeper"
order = 2
+++

## Deep

Back to [home](../index.md).
"#;

const OTHER: &str = r#"+++
title = "Other"
order = 1
+++

Some text.
"#;

const DRAFT: &str = r#"+++
title = "Draft"
draft = true
+++

Not published.
"#;

/// A small site in a temp dir; returns (guard, config).
fn site() -> (tempfile::TempDir, BuildConfig) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "content/index.md", INDEX);
    write(root, "content/sub/bar.md", SUB);
    write(root, "content/other.md", OTHER);
    write(root, "content/draft.md", DRAFT);
    let config = BuildConfig::new(root, "Seen test");
    (dir, config)
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn diagnostics(err: BuildError) -> Vec<Diagnostic> {
    match err {
        BuildError::Diagnostics(d) => d,
        other => panic!("expected diagnostics, got {other}"),
    }
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn builds_a_small_site() {
    let (dir, config) = site();
    let report = site::build(&config, &Dummy).unwrap();
    assert_eq!((report.pages, report.figures, report.frames), (3, 1, 3));
    let shown = report.to_string();
    assert!(
        shown.starts_with("Built 3 pages, 1 figure, 3 frames in "),
        "{shown}"
    );

    let out = dir.path().join("public");
    let files: Vec<String> = snapshot(&out)
        .keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(
        files,
        [
            ".seen-output",
            "favicon.svg",
            "figures/index/single.svg",
            "index.html",
            "other.html",
            "style.css",
            "sub/bar.html"
        ]
    );

    let index = read(&out, "index.html");
    let sub = read(&out, "sub/bar.html");
    for page in [&index, &sub, &read(&out, "other.html")] {
        assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
        assert!(page.contains(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'\">"
        ));
        let lower = page.to_lowercase();
        assert!(!lower.contains("<script"), "{page}");
        assert!(!lower.contains("style=\""), "{page}");
        assert!(site::csp::find_forbidden(page).is_none(), "{page}");
        assert!(page.contains("Built by seen"));
    }

    // Relative links, so the site works from file:// and any folder.
    assert!(index.contains("href=\"style.css\""), "{index}");
    assert!(sub.contains("href=\"../style.css\""), "{sub}");
    assert!(sub.contains("href=\"../index.html\""), "{sub}");
    assert!(sub.contains("href=\"../other.html\""), "{sub}");
    assert!(index.contains("href=\"sub/bar.html\""), "{index}");
    assert!(
        index.contains("href=\"sub/bar.html#deep\""),
        "markdown link rewritten: {index}"
    );
    assert!(sub.contains("href=\"../index.html\">home</a>"), "{sub}");
    // The navigation follows `order`: Home (0), Other (1), then the folder
    // `sub` as a section (the smallest order of its pages, 2), shown closed
    // as a link to its first page.
    let (h, o, d) = (
        index.find(">Home</a>").unwrap(),
        index.find(">Other</a>").unwrap(),
        index.find("<a href=\"sub/bar.html\">Sub</a>").unwrap(),
    );
    assert!(h < o && o < d, "{index}");
    assert!(index.contains("aria-current=\"page\">Home</a>"));
    assert!(
        sub.contains("<details open><summary>Sub</summary>"),
        "{sub}"
    );
    assert!(sub.contains("aria-current=\"page\">Deeper</a>"), "{sub}");
    // Previous and next follow the same order.
    assert!(
        index.contains("rel=\"next\" href=\"other.html\""),
        "{index}"
    );
    assert!(!index.contains("rel=\"prev\""), "{index}");
    assert!(sub.contains("rel=\"prev\" href=\"../other.html\""), "{sub}");
    assert!(!sub.contains("rel=\"next\""), "{sub}");

    // Front matter reaches the template.
    assert!(index.contains("<title>Home · Seen test</title>"), "{index}");
    assert!(index.contains("<meta name=\"description\" content=\"Gradients, step by step.\">"));
    assert!(!sub.contains("name=\"description\""));

    // Math, headings, the figure, tables.
    assert!(index.contains("<math"), "{index}");
    assert!(index.contains("display=\"block\""), "{index}");
    assert!(
        index.contains("costs $5 and $6"),
        "dollar amounts stay text: {index}"
    );
    assert!(
        index.contains("<h1 id=\"backward-pass-the-chain-rule\">"),
        "{index}"
    );
    assert!(index.contains("<h2 id=\"a-figure\">"), "{index}");
    assert!(index.contains("<figure id=\"single\"><img src=\"figures/index/single.svg\""));
    assert!(
        !index.contains("autograd"),
        "the block is replaced: {index}"
    );
    assert!(
        index.contains("<th class=\"align-left\">left</th>"),
        "{index}"
    );
    assert!(
        index.contains("<td class=\"align-right\">b</td>"),
        "{index}"
    );
    assert!(!index.contains("Not published"));
    assert!(!out.join("draft.html").exists());
}

#[test]
fn two_builds_give_identical_bytes() {
    let (dir, config) = site();
    site::build(&config, &Dummy).unwrap();
    let first = snapshot(&dir.path().join("public"));
    site::build(&config, &Dummy).unwrap();
    let second = snapshot(&dir.path().join("public"));
    assert_eq!(first, second);
    // Nothing is left next to the output folder once the replaced site's
    // background deletion has finished.
    site::output::wait_for_cleanup();
    let mut siblings: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    siblings.sort();
    assert_eq!(siblings, ["content", "public"]);
}

#[test]
fn check_writes_nothing() {
    let (dir, config) = site();
    let report = site::check(&config, &Dummy).unwrap();
    assert_eq!(report.pages, 3);
    assert!(!dir.path().join("public").exists());
}

#[test]
fn front_matter_error_points_into_the_file() {
    let (dir, config) = site();
    write(
        dir.path(),
        "content/broken.md",
        "+++\ntitle = \"Broken\"\n  colour = \"red\"\n+++\nText\n",
    );
    let diags = diagnostics(site::build(&config, &Dummy).unwrap_err());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.file, Path::new("content/broken.md"));
    assert_eq!((d.line, d.col), (3, 3), "{d}");
    assert_eq!(d.snippet, "  colour = \"red\"");
    let shown = d.to_string();
    assert!(
        shown.starts_with("content/broken.md:3:3: error: front matter:"),
        "{shown}"
    );
    assert!(shown.contains("colour"), "{shown}");
    assert!(shown.contains("\n  |   ^^^^^^"), "{shown}");
    assert!(shown.contains("expected: one of `title`"), "{shown}");
}

#[test]
fn failing_block_points_at_its_line_in_the_markdown_file() {
    let (dir, config) = site();
    let text = "+++\ntitle = \"Fails\"\n+++\n\nIntro.\n\n```autograd\nid = \"a\"\ngraph = \"\"\"\nz = FAIL(x)\n\"\"\"\n```\n";
    write(dir.path(), "content/fails.md", text);
    let diags = diagnostics(site::build(&config, &Dummy).unwrap_err());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.file, Path::new("content/fails.md"));
    assert_eq!(d.line, line_of(text, "z = FAIL"));
    assert_eq!(d.line, 10);
    assert_eq!(d.col, 5);
    assert_eq!(d.snippet, "z = FAIL(x)");
    assert_eq!(d.underline, (5, 9));
    assert!(d.to_string().contains("expected: a block that works"));
}

#[test]
fn blocks_in_lists_and_tilde_fences_map_to_the_file() {
    let (dir, config) = site();
    // A `~~~` fence indented inside a list item: the body lines lose their
    // indentation, and the error must still land on the right column.
    let text = "+++\ntitle = \"Nested\"\n+++\n\n- item\n\n   ~~~autograd\n   id = \"n\"\n   y = FAIL\n   ~~~\n";
    write(dir.path(), "content/nested.md", text);
    let diags = diagnostics(site::build(&config, &Dummy).unwrap_err());
    let d = &diags[0];
    assert_eq!((d.line, d.col), (9, 8), "{d}");
    assert_eq!(d.snippet, "   y = FAIL");
}

#[test]
fn failed_build_leaves_the_output_untouched() {
    let (dir, config) = site();
    let out = dir.path().join("public");
    fs::create_dir_all(out.join("old")).unwrap();
    fs::write(out.join("old/keep.txt"), "previous build").unwrap();
    fs::write(out.join("index.html"), "old index").unwrap();
    // A folder seen wrote: it holds the marker.
    fs::write(out.join(site::output::MARKER), "seen").unwrap();
    let before = snapshot(&out);

    write(
        dir.path(),
        "content/fails.md",
        "+++\ntitle = \"x\"\n+++\n```autograd\nFAIL\n```\n",
    );
    assert!(site::build(&config, &Dummy).is_err());
    assert_eq!(snapshot(&out), before);
    let siblings = fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(siblings, 2, "no temp folder left behind");

    // Fixing the error replaces the whole folder, old files included.
    fs::remove_file(dir.path().join("content/fails.md")).unwrap();
    site::build(&config, &Dummy).unwrap();
    assert!(!out.join("old/keep.txt").exists());
    assert!(read(&out, "index.html").starts_with("<!DOCTYPE html>"));
}

#[test]
fn all_errors_from_all_pages_are_reported() {
    let (dir, mut config) = site();
    // Raw HTML that the sanitizer drops is an error in strict mode only.
    config.strict = true;
    write(
        dir.path(),
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n```autograd\nFAIL one\n```\n\n```autograd\nok\nFAIL two\n```\n",
    );
    write(dir.path(), "content/b.md", "+++\ntitle = 3\n+++\n");
    write(
        dir.path(),
        "content/c.md",
        "+++\ntitle = \"C\"\n+++\nBad math $\\foo x$ here.\n\n<div onclick=\"x()\">hi</div>\n",
    );
    let err = site::build(&config, &Dummy).unwrap_err();
    let shown = err.to_string();
    let diags = diagnostics(err);
    let places: Vec<String> = diags
        .iter()
        .map(|d| format!("{}:{}:{}", d.file.display(), d.line, d.col))
        .collect();
    assert_eq!(
        places,
        [
            "content/a.md:5:1",
            "content/a.md:10:1",
            "content/b.md:2:9",
            "content/c.md:4:10",
            "content/c.md:6:6",
        ],
        "{shown}"
    );
    assert!(
        shown.ends_with("5 errors; the output folder was left untouched"),
        "{shown}"
    );
    assert!(!dir.path().join("public").exists());
}

#[test]
fn template_errors_name_the_template_file_and_line() {
    let (dir, config) = site();
    write(
        dir.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block body %}\n{{ content | safe }\n{% endblock body %}\n",
    );
    let diags = diagnostics(site::build(&config, &Dummy).unwrap_err());
    let d = &diags[0];
    assert_eq!(d.file, Path::new("templates/page.html"), "{d}");
    assert_eq!(d.line, 3, "{d}");
}

#[test]
fn a_site_can_bring_its_own_templates_and_stylesheet() {
    let (dir, config) = site();
    write(
        dir.path(),
        "templates/page.html",
        "<!DOCTYPE html><title>{{ title }}</title><link rel=\"stylesheet\" href=\"{{ stylesheet }}\">{{ content | safe }}{% for h in toc %}[{{ h.id }}]{% endfor %}\n",
    );
    write(
        dir.path(),
        "templates/style.css",
        "body { color: black; }\n",
    );
    site::build(&config, &Dummy).unwrap();
    let out = dir.path().join("public");
    // Shipped without its layout whitespace, as the built-in one is.
    assert_eq!(read(&out, "style.css"), "body{color:black;}\n");
    let sub = read(&out, "sub/bar.html");
    assert!(sub.contains("href=\"../style.css\""), "{sub}");
    assert!(sub.contains("[deep]"), "{sub}");
}

#[test]
fn diagnostic_at_counts_lines_and_chars() {
    let text = "first\nsecond ∂L/∂w here\nthird";
    let at = text.find("here").unwrap();
    let d = Diagnostic::at("f.md", text, at, 4, "bad");
    assert_eq!((d.line, d.col), (2, 14));
    assert_eq!(d.underline, (14, 18));
    assert_eq!(d.snippet, "second ∂L/∂w here");
    let shown = d.with_hint("fix it").to_string();
    assert_eq!(
        shown,
        "f.md:2:14: error: bad\n  |\n2 | second ∂L/∂w here\n  |              ^^^^\n  = hint: fix it"
    );
    // Offsets past the end are clamped rather than panicking.
    let d = Diagnostic::at("f.md", text, 999, 3, "eof");
    assert_eq!((d.line, d.col), (3, 6));
}

#[test]
fn crlf_files_map_errors_to_the_right_place() {
    let (dir, config) = site();
    let text = "+++\r\ntitle = \"Windows\"\r\n+++\r\n\r\n```autograd\r\nid = \"w\"\r\nx = 1\r\ny = FAIL\r\n```\r\n";
    write(dir.path(), "content/crlf.md", text);
    let diags = diagnostics(site::build(&config, &Dummy).unwrap_err());
    let d = &diags[0];
    assert_eq!((d.line, d.col), (8, 5), "{d}");
    assert_eq!(d.snippet, "y = FAIL");
}

struct Panics;

impl FigureHook for Panics {
    fn render(&self, _: &Block, _: &PageCtx) -> Result<Rendered, Diagnostic> {
        panic!("engine bug")
    }
}

#[test]
fn a_crashing_renderer_is_reported_at_the_block() {
    let (dir, config) = site();
    let diags = diagnostics(site::build(&config, &Panics).unwrap_err());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.file, Path::new("content/index.md"));
    assert_eq!(d.line, line_of(INDEX, "```autograd"));
    assert!(d.message.contains("engine bug"), "{d}");
    assert!(!dir.path().join("public").exists());
}

#[test]
fn templates_may_not_add_scripts() {
    let (dir, config) = site();
    write(
        dir.path(),
        "templates/page.html",
        "<!DOCTYPE html><body onload=\"go()\">{{ content | safe }}</body>\n",
    );
    let diags = diagnostics(site::build(&config, &Dummy).unwrap_err());
    assert_eq!(diags.len(), 3, "one per page: {diags:#?}");
    assert!(diags[0].message.contains("onload"), "{}", diags[0]);
    assert_eq!(diags[0].file, Path::new("templates/page.html"));
}
