//! Every error kind of `SCENARIOS.md` ("Errors"), reported at the
//! `file:line:col` of the markdown file. Each case is a real markdown file
//! with prose above the block, so a line number of the block body would be
//! wrong; the expected places are counted by hand from the text below.

use proptest::prelude::*;
use std::path::Path;

use crate::support::{proptest_config, write};

/// Five lines before the body: body line n is file line n + 5.
const BEFORE: &str = "# Errors\n\nSome prose before the block.\n\n```autograd\n";
const AFTER: &str = "```\n\nProse after the block.\n";

/// Runs `seen::trace_file` on the markdown and returns (file, rendered error).
fn error_of(dir: &Path, name: &str, markdown: &str) -> (String, String) {
    let file = write(dir, &format!("{name}.md"), markdown);
    match seen::trace_file(Path::new(&file), None) {
        Ok(json) => panic!("{name}: expected an error, got\n{json}"),
        Err(e) => (file, e),
    }
}

struct Case {
    name: &'static str,
    body: String,
    line: usize,
    col: usize,
    /// Fragments of the rendered error; `FILE` stands for the file's path.
    says: &'static [&'static str],
}

fn case(
    name: &'static str,
    body: impl Into<String>,
    line: usize,
    col: usize,
    says: &'static [&'static str],
) -> Case {
    Case {
        name,
        body: body.into(),
        line,
        col,
        says,
    }
}

fn cases() -> Vec<Case> {
    // Columns are 1-based characters. In `graph = "…"` on one line the
    // expression text starts at column 10; `y = ` puts the right-hand side
    // at column 14.
    vec![
        case(
            "toml-syntax",
            "id = \"syntax\"\ngraph = \"y = 1\"\nseed = @\n",
            8,
            8,
            &["invalid block", "expected: valid TOML"],
        ),
        case(
            "unknown-key",
            "id = \"colour\"\ncolour = \"red\"\ngraph = \"y = 1\"\n",
            7,
            1,
            &["unknown key `colour`", "`graph`, `output`"],
        ),
        case(
            "unknown-key-in-update",
            "id = \"upd\"\nparams = { w = 1.0 }\ngraph = \"y = w\"\nupdate = { lr = 0.1, momentum = 0.9 }\n",
            9,
            22,
            &["unknown key `momentum`"],
        ),
        case(
            "missing-graph",
            "id = \"nograph\"\nparams = { w = 1.0 }\n",
            6,
            1,
            &[
                "missing key `graph`",
                "every block to have `id` and `graph`",
            ],
        ),
        case(
            "missing-id",
            "params = { w = 1.0 }\ngraph = \"y = w\"\n",
            6,
            1,
            &["missing key `id`"],
        ),
        case(
            "used-before-defined",
            "id = \"early\"\ninputs = { x = 2.0 }\ngraph = \"\"\"\ny = z * 2\nz = x + 1\n\"\"\"\n",
            9,
            5,
            &[
                "`z` is used before it is defined",
                "hint: move the line that defines it above this one",
                "note: `z` is defined at FILE:10:1",
            ],
        ),
        case(
            "uses-itself",
            "id = \"self\"\ninputs = { x = 2.0 }\ngraph = \"y = y + x\"\n",
            8,
            14,
            &["`y` is used before it is defined", "`y` cannot use itself"],
        ),
        case(
            "unknown-name",
            "id = \"unknown\"\ninputs = { x = 2.0 }\ngraph = \"\"\"\na = x + 1\nb = a * q\n\"\"\"\n",
            10,
            9,
            &["unknown name `q`", "one of x, a"],
        ),
        case(
            "statement-twice",
            "id = \"twice\"\ninputs = { x = 2.0 }\ngraph = \"\"\"\ny = x + 1\ny = x * 2\n\"\"\"\n",
            10,
            1,
            &[
                "`y` is defined twice",
                "note: `y` is first defined at FILE:9:1",
            ],
        ),
        case(
            "param-and-input-same-name",
            "id = \"clash\"\nparams = { w = 1.0 }\ninputs = { w = 2.0 }\ngraph = \"y = w\"\n",
            8,
            12,
            &[
                "`w` is defined twice",
                "note: `w` is first defined at FILE:7:12",
            ],
        ),
        case(
            "statement-shadows-input",
            "id = \"shadow\"\ninputs = { x = 1.0 }\ngraph = \"x = 2\"\n",
            8,
            10,
            &["`x` is already a param or an input"],
        ),
        case(
            "unknown-function",
            "id = \"fn\"\ninputs = { x = 4.0 }\ngraph = \"y = sqr(x)\"\n",
            8,
            14,
            &[
                "unknown function `sqr`",
                "did you mean `sqrt`?",
                "one of exp, log, recip, relu, tanh, sin, cos, sqrt, abs, linear, sigmoid, bce, mse",
            ],
        ),
        case(
            "too-many-arguments",
            "id = \"arity\"\ninputs = { x = 4.0 }\ngraph = \"y = sigmoid(x, x)\"\n",
            8,
            14,
            &["`sigmoid` takes 1 argument, but 2 were given"],
        ),
        case(
            "too-few-arguments",
            "id = \"arity\"\ninputs = { x = 0.5 }\ngraph = \"\"\"\na = x * 2\nl = a + bce(x)\n\"\"\"\n",
            10,
            9,
            &["`bce` takes 2 arguments, but 1 was given"],
        ),
        case(
            "non-numeric-exponent",
            "id = \"pow\"\ninputs = { x = 4.0 }\ngraph = \"y = x ^ x\"\n",
            8,
            18,
            &["the exponent of `^` must be a number", "exp(b * log(a))"],
        ),
        case(
            "log-of-zero",
            "id = \"log0\"\ninputs = { x = 0.0 }\ngraph = \"y = log(x)\"\n",
            8,
            14,
            // Said once, with the statement and the values.
            &["error: log needs a positive argument in statement `y`: log(0)\n"],
        ),
        case(
            "log-of-negative-on-a-later-line",
            "id = \"logneg\"\ninputs = { x = 1.0 }\ngraph = \"\"\"\na = x + 1\nb = log(x - 3)\n\"\"\"\n",
            10,
            5,
            &["log needs a positive argument", "statement `b`", "log(-2)"],
        ),
        case(
            "log-in-one-example",
            "id = \"batch-log\"\nexamples = [\n  { x = 1.0 },\n  { x = -1.0 },\n]\ngraph = \"y = log(x)\"\n",
            11,
            14,
            &["statement `y` (example 2)", "log(-1)"],
        ),
        case(
            "division-by-zero",
            "id = \"div0\"\ninputs = { x = 0.0 }\ngraph = \"y = 1 / x\"\n",
            8,
            14,
            &["error: division by zero in `1 / x`: `x` is 0\n"],
        ),
        case(
            "recip-of-zero",
            "id = \"recip0\"\ninputs = { x = 0.0 }\ngraph = \"y = recip(x)\"\n",
            8,
            14,
            &["error: recip needs a non-zero argument in statement `y`: recip(0)\n"],
        ),
        case(
            "non-finite-result",
            "id = \"big\"\ninputs = { x = 1000.0 }\ngraph = \"y = exp(x)\"\n",
            8,
            14,
            &[
                "the result is inf, not a finite number",
                "statement `y`",
                "exp(1000)",
            ],
        ),
        case(
            "infinite-gradient",
            "id = \"sqrt0\"\ninputs = { x = 0.0 }\ngraph = \"y = x ^ 0.5\"\n",
            8,
            14,
            &[
                "the gradient sent to operand 1 is inf, not a finite number in statement `y`: pow(0)",
            ],
        ),
        case(
            "infinite-gradient-of-recip",
            "id = \"tiny\"\ninputs = { x = 1e-200 }\ngraph = \"\"\"\na = x * 1\nb = recip(a)\n\"\"\"\n",
            10,
            5,
            &["the gradient sent to operand 1 is -inf", "statement `b`"],
        ),
        case(
            "too-many-examples",
            {
                // No params, `z = x` builds no op: an input node per
                // example, and an add per example after the first to sum
                // them up; refused before the examples are built, at
                // `examples`.
                let mut b = String::from("id = \"many\"\ngraph = \"z = x\"\nexamples = [\n");
                for i in 0..20_010 {
                    b += &format!("  {{ x = {i}.0 }},\n");
                }
                b + "]\n"
            },
            8,
            12,
            &[
                "the graph would have at least 40019 nodes (20010 examples × 1 nodes, 20009 nodes adding them up, 0 params), more than the limit of 20000",
            ],
        ),
        case(
            "too-long-graph",
            {
                // x is node 0; statement k adds one node, id k + 1, so
                // statement 19999 makes node 20000, over the limit.
                let mut b = String::from(
                    "id = \"long\"\ninputs = { x = 1.0 }\ngraph = \"\"\"\ns0 = x + x\n",
                );
                for k in 1..20_005 {
                    b += &format!("s{k} = s{} + x\n", k - 1);
                }
                b + "\"\"\"\n"
            },
            // statement k is body line 4 + k; `s19999 = ` is 9 characters.
            20_008,
            10,
            &["the graph is over the size limit of 20000 nodes"],
        ),
        case(
            "deep-parentheses",
            format!(
                "id = \"deep\"\ninputs = {{ x = 1.0 }}\ngraph = \"y = {}x{}\"\n",
                "(".repeat(10_000),
                ")".repeat(10_000)
            ),
            // Each parenthesis costs two levels of 200: the 101st (index
            // 100) is refused, and the first is at column 14.
            8,
            114,
            &["expression nested too deeply (more than 200 levels)"],
        ),
        case(
            "deep-unary-minus",
            format!(
                "id = \"deep\"\ninputs = {{ x = 1.0 }}\ngraph = \"y = {}x\"\n",
                "-".repeat(10_000)
            ),
            // One level per minus: the 201st (index 200) is refused.
            8,
            214,
            &["expression nested too deeply"],
        ),
        case(
            "long-sum",
            format!(
                "id = \"deep\"\ninputs = {{ x = 1.0 }}\ngraph = \"y = {}\"\n",
                vec!["x"; 10_000].join(" + ")
            ),
            8,
            14,
            &["expression nested too deeply"],
        ),
        case(
            "bad-id",
            "id = \"Bad Id\"\ngraph = \"y = 1\"\n",
            6,
            6,
            &[
                "`Bad Id` is not a valid id",
                "lowercase letters, digits and `-`",
            ],
        ),
        case(
            "unknown-figure",
            "id = \"fig\"\nfigure = \"pie\"\ngraph = \"y = 1\"\n",
            7,
            10,
            &["unknown figure \"pie\"", "\"trace\", \"graph\", \"rule\""],
        ),
        case(
            "unknown-view",
            "id = \"v\"\ngraph = \"y = 1\"\nview = \"side\"\n",
            8,
            8,
            &["unknown view \"side\"", "\"atomic\", \"modules\", \"both\""],
        ),
        case(
            "unknown-reduce",
            "id = \"r\"\nexamples = [{ x = 1.0 }, { x = 2.0 }]\nreduce = \"max\"\ngraph = \"y = x\"\n",
            8,
            10,
            &["unknown reduce \"max\"", "\"mean\", \"sum\""],
        ),
        case(
            "output-missing",
            "id = \"out\"\ninputs = { x = 1.0 }\ngraph = \"\"\"\na = x + 1\nb = a * 2\n\"\"\"\noutput = \"nope\"\n",
            12,
            10,
            &[
                "`output` names `nope`, which no statement defines",
                "one of the statements: a, b",
            ],
        ),
    ]
}

#[test]
fn every_error_kind_has_its_place_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for c in cases() {
        let markdown = format!("{BEFORE}{}{AFTER}", c.body);
        let (file, err) = error_of(dir.path(), c.name, &markdown);
        let first = err.lines().next().unwrap_or("");
        let head = format!("{file}:{}:{}: error: ", c.line, c.col);
        if !first.starts_with(&head) {
            failures.push(format!(
                "{}: expected `{head}…`, got `{}`",
                c.name,
                first.chars().take(200).collect::<String>()
            ));
        }
        for s in c.says {
            let s = s.replace("FILE", &file);
            if !err.contains(&s) {
                failures.push(format!(
                    "{}: `{s}` missing from\n{}",
                    c.name,
                    err.chars().take(1000).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn duplicate_id_on_a_page_points_at_the_second() {
    let dir = tempfile::tempdir().unwrap();
    // Lines: 6 first id, 8 fence, 10 prose, 12 fence, 13 second id.
    let markdown = format!(
        "{BEFORE}id = \"same\"\ngraph = \"y = 1\"\n```\n\nMore prose.\n\n```autograd\nid = \"same\"\ngraph = \"y = 2\"\n```\n"
    );
    let (file, err) = error_of(dir.path(), "dup", &markdown);
    assert!(
        err.starts_with(&format!(
            "{file}:13:6: error: duplicate id \"same\" on this page"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("the id is first used at {file}:6:6")),
        "{err}"
    );
}

#[test]
fn errors_in_several_blocks_are_all_reported() {
    let dir = tempfile::tempdir().unwrap();
    let markdown = format!(
        "{BEFORE}id = \"a\"\ngraph = \"y = cbrt(1)\"\n```\n\n```autograd\nid = \"b\"\ngraph = \"y = log(0)\"\n```\n"
    );
    let (file, err) = error_of(dir.path(), "two", &markdown);
    let heads: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(heads.len(), 2, "{err}");
    assert!(heads[0].starts_with(&format!("{file}:7:14: error: unknown function")));
    assert!(heads[1].starts_with(&format!("{file}:12:14: error: log needs")));
}

#[test]
fn rendered_error_shows_the_line_and_underlines_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let markdown = format!("{BEFORE}id = \"fn\"\ngraph = \"y = cbrt(2)\"\n{AFTER}");
    let (_, err) = error_of(dir.path(), "render", &markdown);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[1], "  |");
    assert_eq!(lines[2], "7 | graph = \"y = cbrt(2)\"");
    // `cbrt` is underlined: columns 14..=17.
    assert_eq!(lines[3], format!("  | {}^^^^", " ".repeat(13)));
}

#[test]
fn deeply_nested_toml_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let markdown = format!(
        "{BEFORE}id = \"nest\"\ngraph = \"y = 1\"\nx = {}\n{AFTER}",
        "[".repeat(100_000)
    );
    let (file, err) = error_of(dir.path(), "nest", &markdown);
    assert!(
        err.starts_with(&format!("{file}:8:")),
        "{}",
        &err[..err.len().min(300)]
    );
}

fn no_panic(body: &str) {
    if let Ok(s) = seen::scenario::parse(body) {
        let _ = s.analyze();
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn arbitrary_bodies_never_panic(body in "\\PC{0,200}") {
        no_panic(&body);
    }

    #[test]
    fn toml_like_bodies_never_panic(body in "[a-z =\"\\[\\]{},.0-9\n#-]{0,200}") {
        no_panic(&body);
    }

    #[test]
    fn arbitrary_graph_lines_never_panic(
        lines in prop::collection::vec("[a-z0-9xyw +*/^(),=.#-]{0,40}", 1..6),
        x in -3.0f64..3.0,
    ) {
        let body = format!(
            "id = \"p\"\nparams = {{ w = 0.5 }}\ninputs = {{ x = {x:?}, y = 1.0 }}\nview = \"both\"\nupdate = {{ lr = 0.1 }}\ngraph = \"\"\"\n{}\n\"\"\"\n",
            lines.join("\n")
        );
        no_panic(&body);
    }

    #[test]
    fn well_formed_random_graphs_never_panic(
        ops in prop::collection::vec((0usize..12, 0usize..4, 0usize..4), 1..8),
        x in -3.0f64..3.0,
    ) {
        // Statements s_k = f(a, b) over earlier names, so they parse and
        // mostly lower: what is left to fail is the engine's domain checks.
        let fns = ["{a} + {b}", "{a} * {b}", "-{a}", "{a} / {b}", "exp({a})", "log({a})",
                   "{a} ^ 2", "{a} ^ 0.5", "relu({a})", "tanh({a})", "sigmoid({a})",
                   "bce(sigmoid({a}), y)"];
        let mut names = vec!["w".to_string(), "x".to_string()];
        let mut graph = String::new();
        for (k, (f, a, b)) in ops.iter().enumerate() {
            let a = &names[a % names.len()];
            let b = &names[b % names.len()];
            graph += &format!("s{k} = {}\n", fns[*f].replace("{a}", a).replace("{b}", b));
            names.push(format!("s{k}"));
        }
        let body = format!(
            "id = \"p\"\nparams = {{ w = 0.5 }}\ninputs = {{ x = {x:?}, y = 1.0 }}\nview = \"both\"\nupdate = {{ lr = 0.1 }}\ngraph = \"\"\"\n{graph}\"\"\"\n"
        );
        no_panic(&body);
    }
}
