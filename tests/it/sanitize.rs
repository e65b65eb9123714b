//! Raw HTML in markdown and copied HTML/SVG files: the classic XSS vectors
//! (the issue's, and the OWASP filter-evasion cheat sheet's) are each a page
//! of one site built with the real binary. Nothing live may reach `public/`
//! (checked on the parsed output, so no encoding can hide a script from the
//! check), each drop is a warning at its place, and `strict = true` fails
//! the build and leaves `public/` as it was. The markup explainers use
//! comes out exactly as written.

use std::fs;
use std::path::Path;

use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, parse_document};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

use crate::support::{describe, seen_in, snapshot, write};

/// (page name, markdown, the text the warning must point at; `None` when
/// only the line is sure).
const VECTORS: &[(&str, &str, Option<&str>)] = &[
    (
        "script",
        "Hello <script>alert(1)</script> there.",
        Some("<script"),
    ),
    ("script-case", "<ScRiPt>alert(1)</ScRiPt>", Some("<ScRiPt")),
    (
        "img-onerror",
        "<img src=x onerror=alert(1)>",
        Some("onerror"),
    ),
    (
        "img-onerror-upper",
        "<IMG SRC=x ONERROR=\"alert(1)\">",
        Some("ONERROR"),
    ),
    ("svg-onload", "<svg onload=alert(1)>", Some("<svg")),
    (
        "img-tab-javascript",
        "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
        Some("SRC"),
    ),
    (
        "entity-javascript",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
        Some("href"),
    ),
    (
        "colon-entity",
        "<a href=\"javascript&colon;alert(1)\">x</a>",
        Some("href"),
    ),
    (
        "spaces-javascript",
        "<a href=\"  javascript:alert(1)\">x</a>",
        Some("href"),
    ),
    (
        "mixed-case-javascript",
        "<a href=\"jAvAsCrIpT:alert(1)\">x</a>",
        Some("href"),
    ),
    (
        "img-src-javascript",
        "<img src=\"javascript:alert(1)\">",
        Some("src"),
    ),
    (
        "iframe",
        "<iframe src=\"https://evil.example/\"></iframe>",
        Some("<iframe"),
    ),
    (
        "iframe-srcdoc",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        Some("<iframe"),
    ),
    (
        "object",
        "<object data=\"x.swf\"></object>",
        Some("<object"),
    ),
    ("embed", "<embed src=\"x.swf\">", Some("<embed")),
    (
        "style-expression",
        "<style>p { width: expression(alert(1)); }</style>",
        Some("<style"),
    ),
    (
        "style-attribute",
        "<p style=\"width: expression(alert(1))\">x</p>",
        Some("style"),
    ),
    (
        "link-stylesheet",
        "<link rel=stylesheet href=\"javascript:alert(1)\">",
        Some("<link"),
    ),
    (
        "meta-refresh",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        Some("<meta"),
    ),
    (
        "base",
        "<base href=\"https://evil.example/\">",
        Some("<base"),
    ),
    (
        "form",
        "<form action=\"https://evil.example/\"><button>Go</button></form>",
        Some("<form"),
    ),
    (
        "input",
        "<input autofocus onfocus=alert(1)>",
        Some("<input"),
    ),
    (
        "details-ontoggle",
        "<details open ontoggle=alert(1)>",
        Some("ontoggle"),
    ),
    (
        "mxss-math",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        None,
    ),
    (
        "comment-img",
        "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
        Some("onerror"),
    ),
    (
        "comment-trick",
        "<!-- <a title=\" --> <script>alert(1)</script> <!-- \" -->",
        Some("<script"),
    ),
    (
        "comment-trick-lines",
        "<!-- <a title=\"\n-->\n<script>alert(1)</script>\n<!-- \" -->",
        Some("<script"),
    ),
    (
        "noscript-trick",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        Some("<noscript"),
    ),
    (
        "svg-script",
        "<svg><script>alert(1)</script></svg>",
        Some("<svg"),
    ),
    (
        "svg-animate",
        "<svg><a><animate attributeName=href values=javascript:alert(1) /><text x=20 y=20>X</text></a></svg>",
        Some("<svg"),
    ),
    (
        "data-link",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        Some("href"),
    ),
    (
        "vbscript",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        Some("href"),
    ),
    (
        "eval-src",
        "<img src=x:alert(alt) onerror=eval(src) alt=0>",
        Some("onerror"),
    ),
    (
        "template",
        "<div><template><script>alert(1)</script></template></div>",
        Some("<template"),
    ),
    (
        "video-source",
        "<video><source onerror=\"alert(1)\"></video>",
        Some("<video"),
    ),
    ("body-onload", "<body onload=alert(1)>", Some("onload")),
    ("html-attribute", "<html onclick=alert(1)>", Some("onclick")),
    // Markdown that writes HTML for the author.
    (
        "md-link",
        "See [this](javascript:alert(1)).",
        Some("javascript:alert(1)"),
    ),
    (
        "md-image",
        "![x](javascript:alert(1))",
        Some("javascript:alert(1)"),
    ),
    (
        "md-autolink",
        "<javascript:alert(1)>",
        Some("javascript:alert(1)"),
    ),
    (
        "md-heading-attribute",
        "# Title {onclick=alert(1)}",
        Some("onclick"),
    ),
];

/// The line every vector is on: after the front matter and a blank line.
const LINE: usize = 5;

fn page(text: &str) -> String {
    format!("+++\ntitle = \"T\"\n+++\n\n{text}\n\nAfter.\n")
}

/// The site of every vector, one page each, beside an index.
fn vector_site(root: &Path, strict: bool) {
    let config = if strict {
        "title = \"XSS\"\nstrict = true\n"
    } else {
        "title = \"XSS\"\n"
    };
    write(root, "seen.toml", config);
    write(root, "content/index.md", &page("The vectors."));
    for (name, text, _) in VECTORS {
        write(root, &format!("content/{name}.md"), &page(text));
    }
}

/// Everything in `html` (a whole page, parsed as a browser parses it) that
/// could run or send the reader elsewhere: script-ish elements, `<base>`,
/// a refresh, forms, event handlers, inline styles, and `javascript:`,
/// `vbscript:` or `data:` URLs.
fn live(html: &str) -> Vec<String> {
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(html);
    let mut found = Vec::new();
    let mut stack: Vec<Handle> = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let NodeData::Element {
            name,
            attrs,
            template_contents,
            ..
        } = &node.data
        {
            let tag = name.local.to_string().to_ascii_lowercase();
            if [
                "script", "style", "base", "form", "input", "button", "iframe", "object", "embed",
                "frame", "frameset", "applet", "noscript", "template", "svg", "textarea",
            ]
            .contains(&tag.as_str())
            {
                found.push(format!("<{tag}>"));
            }
            for a in attrs.borrow().iter() {
                let attr = a.name.local.to_string().to_ascii_lowercase();
                let value: String = a
                    .value
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if attr.starts_with("on") || attr == "style" || attr == "srcdoc" {
                    found.push(format!("<{tag} {attr}>"));
                }
                if tag == "meta" && attr == "http-equiv" && value != "content-security-policy" {
                    found.push(format!("<meta http-equiv={value}>"));
                }
                if ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| value.contains(s))
                {
                    found.push(format!("<{tag} {attr}={value}>"));
                }
            }
            if let Some(t) = template_contents.borrow().as_ref() {
                stack.push(t.clone());
            }
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    found
}

/// Line and column (1-based, characters) of `needle` in `text`.
fn place_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in {text}"));
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count() + 1)
}

#[test]
fn the_check_finds_what_is_live() {
    // The check itself must see through case, entities and whitespace.
    for (html, expect) in [
        ("<p>fine <a href=\"x.html\">x</a></p>", 0),
        ("<SCRIPT>x</SCRIPT>", 1),
        ("<a href=\"&#106;avascript:x\">a</a>", 1),
        ("<img src=x oNeRrOr=y>", 1),
        ("<meta http-equiv=Refresh content=0>", 1),
        ("<!-- <script>x</script> --><p>&lt;script&gt;</p>", 0),
    ] {
        assert_eq!(live(html).len(), expect, "{html}: {:?}", live(html));
    }
}

#[test]
fn no_vector_reaches_the_output_and_each_is_reported_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    vector_site(root, false);
    let o = seen_in(&["build", "--no-cache"], root);
    assert!(o.status.success(), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    let mut failures = Vec::new();
    for (name, text, needle) in VECTORS {
        let out = root.join(format!("public/{name}.html"));
        let html = fs::read_to_string(&out).unwrap_or_else(|e| panic!("{out:?}: {e}"));
        let found = live(&html);
        if !found.is_empty() {
            failures.push(format!("[{name}] live in the output: {found:?}"));
        }
        // The mutation-XSS vector's `<style>` is never closed: it holds the
        // rest of the page, in a browser too.
        if !html.contains("After.") && *name != "mxss-math" {
            failures.push(format!(
                "[{name}] the text after the vector is gone:\n{html}"
            ));
        }
        let want = match needle {
            Some(n) => {
                let (line, col) = place_of(&page(text), n);
                format!("content/{name}.md:{line}:{col}: warning: dropped")
            }
            None => format!("content/{name}.md:{LINE}:"),
        };
        if !err.contains(&want) {
            failures.push(format!("[{name}] no `{want}` in the warnings"));
        }
    }
    assert!(failures.is_empty(), "{}\n\n{err}", failures.join("\n"));
    // The index has no raw HTML: no warning names it.
    assert!(!err.contains("content/index.md"), "{err}");
}

#[test]
fn strict_mode_fails_and_leaves_the_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "content/index.md", &page("Fine."));
    let o = seen_in(&["build", "--no-cache"], root);
    assert!(o.status.success(), "{}", describe(&o));
    let before = snapshot(&root.join("public"));

    vector_site(root, true);
    let o = seen_in(&["build", "--no-cache"], root);
    assert!(!o.status.success(), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for (name, _, _) in VECTORS {
        let want = format!("content/{name}.md:");
        assert!(
            err.lines()
                .any(|l| l.starts_with(&want) && l.contains(": error: ")),
            "[{name}] no error in\n{err}"
        );
    }
    assert!(
        err.contains("the output folder was left untouched"),
        "{err}"
    );
    assert_eq!(snapshot(&root.join("public")), before);
}

/// The markup explainers use, written as raw HTML between markdown.
const ALLOWED: &str = r##"<details>
<summary>Why does it work?</summary>

Because **markdown** works inside, and so does math: $x^2$.

</details>

<table class="data">
<thead><tr><th scope="col">x</th><th>y</th></tr></thead>
<tbody><tr><td>1</td><td colspan="2">2</td></tr></tbody>
</table>

<img src="img/a.png" alt="A picture" width="10" height="20">

<figure id="fig-1"><img src="img/b.png" alt="B"><figcaption>A caption</figcaption></figure>

A <a href="other.html#part">relative link</a>, <a href="#top">an anchor</a>, <span class="note" aria-label="note">a span</span>, <abbr title="automatic differentiation">AD</abbr>, <kbd>Ctrl</kbd>, x<sub>1</sub> and x<sup>2</sup>, <a href="https://example.org/">a link out</a>.

<math display="block"><mrow><mi>y</mi><mo>=</mo><msup><mi>x</mi><mn>2</mn></msup></mrow></math>

<!-- source: a comment stays -->
"##;

#[test]
fn the_markup_explainers_use_comes_out_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "seen.toml", "title = \"Allowed\"\nstrict = true\n");
    write(
        root,
        "content/index.md",
        &format!("+++\ntitle = \"A\"\n+++\n\n{ALLOWED}"),
    );
    let o = seen_in(&["build", "--no-cache"], root);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("warning"),
        "{}",
        describe(&o)
    );
    let html = fs::read_to_string(root.join("public/index.html")).unwrap();
    // Every raw HTML line is in the page byte for byte.
    for line in ALLOWED.lines().filter(|l| l.starts_with('<')) {
        assert!(html.contains(line), "`{line}` is not in\n{html}");
    }
    for inline in [
        "<a href=\"other.html#part\">relative link</a>",
        "<span class=\"note\" aria-label=\"note\">a span</span>",
        "<abbr title=\"automatic differentiation\">AD</abbr>",
        "x<sub>1</sub> and x<sup>2</sup>",
        "<a href=\"https://example.org/\">a link out</a>",
    ] {
        assert!(html.contains(inline), "`{inline}` is not in\n{html}");
    }
    // The markdown inside `<details>` is rendered, with seen's MathML.
    assert!(
        html.contains("<p>Because <strong>markdown</strong> works inside"),
        "{html}"
    );
    assert!(
        html.contains("<math><msup><mi>x</mi><mn>2</mn></msup></math>"),
        "{html}"
    );
    assert!(live(&html).is_empty(), "{:?}", live(&html));
}

#[test]
fn seens_markup_next_to_raw_html_stays_seens() {
    // Math inside raw `<math>` cannot be placed: an error at the formula.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "content/index.md",
        "+++\ntitle = \"A\"\n+++\n\n<p title=\"\n\nA formula $x$ here.\n\n\">x</p>\n",
    );
    let o = seen_in(&["build", "--no-cache"], root);
    assert!(!o.status.success(), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("content/index.md:7:11: error: this formula ends up inside raw HTML"),
        "{err}"
    );
}

#[test]
fn copied_files_that_could_run_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "content/index.md",
        &page("<img src=\"d.svg\" alt=\"D\">"),
    );
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<rect width=\"1\" onclick=\"alert(1)\"/>\n</svg>\n";
    let html = "<!DOCTYPE html>\n<p>Demo</p>\n<script>alert(1)</script>\n";
    write(root, "content/d.svg", svg);
    write(root, "content/demo/page.html", html);
    write(
        root,
        "content/fine.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let o = seen_in(&["build", "--no-cache"], root);
    assert!(o.status.success(), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for want in [
        "content/d.svg:2:17: warning: this file is copied as it is, and holds an event handler attribute `onclick`",
        "content/demo/page.html:3:1: warning: this file is copied as it is, and holds a `<script>` element",
    ] {
        assert!(err.contains(want), "no `{want}` in\n{err}");
    }
    assert!(!err.contains("fine.svg"), "{err}");
    // Copied as they are.
    assert_eq!(fs::read_to_string(root.join("public/d.svg")).unwrap(), svg);

    let before = snapshot(&root.join("public"));
    write(root, "seen.toml", "title = \"T\"\nstrict = true\n");
    let o = seen_in(&["build", "--no-cache"], root);
    assert!(!o.status.success(), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("content/d.svg:2:17: error:"), "{err}");
    assert_eq!(snapshot(&root.join("public")), before);
}

#[test]
fn a_page_reports_at_most_twenty_drops() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let lines: String = (0..25)
        .map(|i| format!("<p onclick=\"f{i}()\">{i}</p>\n"))
        .collect();
    write(root, "content/index.md", &page(&lines));
    let o = seen_in(&["build", "--no-cache"], root);
    assert!(o.status.success(), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches(": warning: dropped `onclick=").count(),
        20,
        "{err}"
    );
    // Each at its own line, in order.
    assert!(
        err.contains("content/index.md:24:4: warning: dropped `onclick=\"f19()\"`"),
        "{err}"
    );
    assert!(
        err.contains(
            "content/index.md:25:4: warning: 5 more pieces of raw HTML were dropped from this page"
        ),
        "{err}"
    );
}
