//! Inputs that once crashed or hung the binary, tried as a user runs it:
//! deep nesting in every recursive reader (markdown, expressions, TOML,
//! LaTeX), a reader that closes the pipe early, and a FIFO named as data.
//! Each must end cleanly: a success, or an error at its place; never an
//! abort, a panic or a wait without end. The malformed-input table
//! (`errors_table.rs`) holds the refusals' exact messages; this module the
//! behaviour of the process.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{describe, explainer_page_of, write};

/// Waits for `child` at most `secs` seconds; kills it and fails if it is
/// still running.
fn finish(mut child: Child, secs: u64, what: &str) -> Output {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!("{what} still running after {secs} s:\n{}", describe(&o));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn seen_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_seen"));
    c.args(args);
    c
}

/// A site of several pages (so that rayon's worker threads, with their
/// 2 MB stacks, render some of them): `pages` are (name, body).
fn site(root: &Path, pages: &[(&str, String)]) {
    write(root, "seen.toml", "title = \"Deep\"\n");
    for (name, body) in pages {
        write(
            root,
            &format!("content/{name}.md"),
            &format!("+++\ntitle = \"{name}\"\n+++\n\n{body}\n"),
        );
    }
}

#[test]
fn deep_markdown_is_refused_at_its_place_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 100_000;
    let pages = [
        ("quotes", format!("{} deep", ">".repeat(n))),
        ("lists", format!("{}deep", "- ".repeat(n))),
        ("mixed", format!("{}deep", "> 1. - ".repeat(n / 10))),
        ("emphasis", format!("{}a{}", "*".repeat(n), "*".repeat(n))),
        (
            "html",
            format!("{}a{}", "<div>".repeat(n / 10), "</div>".repeat(n / 10)),
        ),
        ("unclosed", format!("text\n\n{}", "<span>".repeat(n / 10))),
    ];
    site(root, &pages);
    let started = std::time::Instant::now();
    let o = seen_cmd(&["build", "--root", root.to_str().unwrap()])
        .output()
        .unwrap();
    // Minutes before the bound (the sanitizer's parser walks its stack of
    // open elements at many tags); a debug build takes well under this.
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for (name, _) in &pages {
        assert!(
            err.contains(&format!("content/{name}.md:")),
            "{name} not refused at its place:\n{err}"
        );
    }
    assert!(err.contains("levels deep"), "{err}");
    assert!(!root.join("public").exists());
}

#[test]
fn nesting_within_the_bound_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 200;
    site(
        root,
        &[
            ("quotes", format!("{} deep", ">".repeat(n))),
            // Brackets do not nest links: they stay text.
            (
                "links",
                format!("{}a{}", "[".repeat(100_000), "]".repeat(100_000)),
            ),
            (
                "html",
                format!("{}a{}", "<div>".repeat(n), "</div>".repeat(n)),
            ),
            // A list and paragraphs without end tags do not nest.
            (
                "flat",
                format!("<ul>{}</ul>", "<li>item<p>text".repeat(5_000)),
            ),
            // Math just within the limit.
            ("math", format!("${}x{}$", "{".repeat(32), "}".repeat(32))),
        ],
    );
    let o = seen_cmd(&["build", "--root", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    let quotes = std::fs::read_to_string(root.join("public/quotes.html")).unwrap();
    assert!(quotes.matches("<blockquote>").count() >= n);
}

#[test]
fn deep_nesting_everywhere_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let block = |body: String| format!("```autograd\n{body}\n```");
    let n = 10_000;
    site(
        root,
        &[
            (
                "braces",
                format!("${}x{}$", "{".repeat(4_000), "}".repeat(4_000)),
            ),
            // Each under the length limit of a formula (10,000 bytes).
            (
                "fracs",
                format!("$${}x{}$$", r"\frac{".repeat(500), "}{y}".repeat(500)),
            ),
            (
                "scripts",
                format!("${}x{}$", "x^{".repeat(2000), "}".repeat(2000)),
            ),
            (
                "fences",
                format!("${}x{}$", r"\left(".repeat(600), r"\right)".repeat(600)),
            ),
            (
                "parens",
                block(format!(
                    "id = \"p\"\ninputs = {{ x = 1 }}\ngraph = \"y = {}x{}\"",
                    "(".repeat(n),
                    ")".repeat(n)
                )),
            ),
            (
                "toml",
                block(format!(
                    "id = \"t\"\nx = {}{}\ngraph = \"y = 1\"",
                    "[".repeat(100_000),
                    "]".repeat(100_000)
                )),
            ),
        ],
    );
    for cmd in ["check", "build"] {
        let o = seen_cmd(&[cmd, "--root", root.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "seen {cmd}: {}", describe(&o));
        for (page, what) in [
            ("braces", "nests more than 32 levels deep"),
            ("fracs", "nests more than 32 levels deep"),
            ("scripts", "nests more than 32 levels deep"),
            ("fences", "nests more than 32 levels deep"),
            ("parens", "expression nested too deeply"),
            ("toml", "nested more than 80 levels deep"),
        ] {
            let found = err
                .lines()
                .any(|l| l.starts_with(&format!("content/{page}.md:")) && l.contains(what));
            assert!(found, "seen {cmd}: no `{what}` for {page}:\n{err}");
        }
    }
}

/// `seen trace FILE | head`: the reader goes away before the output is
/// written. Once a panic ("failed printing to stdout") with status 101.
#[test]
fn a_closed_stdout_ends_quietly() {
    let md = explainer_page_of("moons");
    let md = md.to_str().unwrap();
    for args in [
        vec!["trace", md],
        vec!["trace", md, "--scenario", "moons"],
        vec!["help", "language"],
    ] {
        let mut child = seen_cmd(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read a little, as `head -c 10` does, then close the pipe.
        let mut out = child.stdout.take().unwrap();
        let mut first = [0u8; 10];
        out.read_exact(&mut first).unwrap();
        drop(out);
        let o = finish(child, 120, &format!("seen {args:?}"));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "seen {args:?}: {err}");
        assert_eq!(o.status.code(), Some(0), "seen {args:?}: {}", describe(&o));
    }
}

/// A FIFO named as `data` made `seen check` wait for a writer forever.
#[cfg(unix)]
#[test]
fn a_fifo_named_as_data_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(
        root,
        &[(
            "index",
            "```autograd\nid = \"a\"\nparams = { w = 1 }\ndata = \"pipe.csv\"\ngraph = \"l = w * x\"\n```"
                .to_string(),
        )],
    );
    let fifo = root.join("content/pipe.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo");
    for cmd in ["check", "build"] {
        let child = seen_cmd(&[cmd, "--root", root.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let o = finish(child, 60, &format!("seen {cmd} with a FIFO as data"));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
        assert!(
            err.contains(
                "content/index.md:8:8: error: `data` names content/pipe.csv, which is not a regular file (a FIFO, a socket or a device)"
            ),
            "{err}"
        );
    }
}

/// The readers themselves, on a thread with the 2 MB stack of a rayon
/// worker (the binary's pages render on those): each deep input is a
/// clean error or a clean success.
#[test]
fn every_reader_stays_within_a_worker_threads_stack() {
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let n = 10_000;
            let graph =
                |g: String| format!("id = \"a\"\ninputs = {{ x = 1 }}\ngraph = \"y = {g}\"");
            for body in [
                graph(format!("{}x{}", "(".repeat(n), ")".repeat(n))),
                graph(format!("{}x", "-".repeat(n))),
                graph(format!("x{}", " ^ 2".repeat(n))),
                graph(format!("{}x{}", "tanh(".repeat(n), ")".repeat(n))),
                graph(format!("{}x{}", "linear(x, ".repeat(n), ", x)".repeat(n))),
            ] {
                let e = seen::scenario::parse(&body).unwrap_err();
                assert!(e.message.contains("nested too deeply"), "{}", e.message);
            }
            // The deepest expressions the parser takes, lowered, run and
            // checked: a clean success (lowering recursed with 11.8 KB
            // frames, and 180 minus signs overflowed this stack).
            let shapes: [&dyn Fn(usize) -> String; 4] = [
                &|k| format!("{}x", "- ".repeat(k)),
                &|k| format!("{}x{}", "tanh(".repeat(k), ")".repeat(k)),
                &|k| format!("x{}", " + x".repeat(k)),
                &|k| format!("{}x{}", "linear(x, ".repeat(k), ", 1)".repeat(k)),
            ];
            for shape in shapes {
                let deepest = (1..=300)
                    .rev()
                    .map(|k| graph(shape(k)))
                    .find_map(|b| seen::scenario::parse(&b).ok())
                    .expect("some depth is accepted");
                deepest.analyze().unwrap();
            }
            let deep_toml = [
                format!(
                    "id = \"a\"\nx = {}{}\ngraph = \"y = 1\"",
                    "[".repeat(100_000),
                    "]".repeat(100_000)
                ),
                format!(
                    "id = \"a\"\nx = {}1{}\ngraph = \"y = 1\"",
                    "{a = ".repeat(100_000),
                    "}".repeat(100_000)
                ),
            ];
            for body in deep_toml {
                let e = seen::scenario::parse(&body).unwrap_err();
                assert!(
                    e.message.contains("nested more than 80 levels"),
                    "{}",
                    e.message
                );
            }
            let quotes = ">".repeat(100_000) + " deep\n";
            let parser = pulldown_cmark::Parser::new_ext(&quotes, seen::page::options());
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, parser);
            assert!(html.contains("deep"));
            for latex in [
                format!("{}x{}", "{".repeat(4_000), "}".repeat(4_000)),
                format!("{}x", r"\sqrt".repeat(1_500)),
                format!("x{}", "^x".repeat(4_000)),
            ] {
                let e = seen::site::math::to_mathml(&latex, false).unwrap_err();
                assert!(
                    e.message.contains("nests more than 32 levels"),
                    "{}",
                    e.message
                );
            }
        })
        .unwrap();
    worker.join().expect("no stack overflow, no panic");
}

/// A batch figure writes its model out in its caption, expanding statement
/// names: 40 statements that each use the one before twice made a text of
/// 2⁴⁰ terms, and the build ran for minutes. The caption is now written
/// in bounded work.
#[test]
fn a_model_that_doubles_at_every_statement_is_captioned_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut graph = String::from("h0 = w * x\n");
    for i in 1..40 {
        graph += &format!("h{i} = h{} + h{}\n", i - 1, i - 1);
    }
    graph += "loss = (h39 - y) ^ 2\n";
    site(
        root,
        &[(
            "index",
            format!(
                "```autograd\nid = \"a\"\nparams = {{ w = 0.000000000001 }}\nexamples = [ {{ x = 1, y = 0 }}, {{ x = 2, y = 1 }} ]\ngraph = \"\"\"\n{graph}\"\"\"\nupdate = {{ lr = 0.0000000001 }}\nfigure = \"batch\"\n```"
            ),
        )],
    );
    let child = seen_cmd(&["check", "--root", root.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = finish(child, 60, "seen check of a doubling model");
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
}
