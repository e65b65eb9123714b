//! `seen trace` as a tool sees it: the built binary, its JSON on stdout, its
//! errors on stderr and its exit code.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support::{seen, write};

const PAGE: &str = r#"# A page

Prose first, so the block is not at the top.

```autograd
id = "single"
title = "One positive example"
params = { w = 1.15, b = -0.8 }
inputs = { x = 1.6 }
update = { lr = 0.2 }
graph = """
z = w * x + b
p = sigmoid(z)
loss = -log(p)
"""
```

```autograd
id = "other"
inputs = { a = 2.0 }
graph = "c = a * a"
```
"#;

const BODY: &str = r#"id = "single"
title = "One positive example"
params = { w = 1.15, b = -0.8 }
inputs = { x = 1.6 }
update = { lr = 0.2 }
graph = """
z = w * x + b
p = sigmoid(z)
loss = -log(p)
"""
"#;

/// Every number following `"key": ` in the pretty-printed JSON, in document
/// order, with its byte position; parsed by Rust's correctly rounded `f64`
/// parser, so the check does not depend on serde_json's float parsing.
/// Occurrences followed by something else (an object, null) are skipped.
fn numbers_after(json: &str, key: &str) -> Vec<(usize, f64)> {
    let pat = format!("\"{key}\": ");
    json.match_indices(&pat)
        .filter_map(|(i, _)| {
            let rest = &json[i + pat.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
                .unwrap_or(rest.len());
            rest[..end].parse::<f64>().ok().map(|v| (i, v))
        })
        .collect()
}

fn only_numbers(v: Vec<(usize, f64)>) -> Vec<f64> {
    v.into_iter().map(|(_, x)| x).collect()
}

#[test]
fn trace_prints_the_run_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "page.md", PAGE);
    let out = seen(&["trace", &file, "--scenario", "single"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let json: Value = serde_json::from_str(&text).expect("stdout is JSON");

    assert_eq!(json["file"], file.as_str());
    let scenarios = json["scenarios"].as_array().expect("scenarios array");
    assert_eq!(scenarios.len(), 1, "only the asked-for block");
    let s = &scenarios[0];
    assert_eq!(s["id"], "single");
    assert_eq!(s["view"], "atomic");
    assert_eq!(s["output"]["name"], "loss");
    assert!(s["output"]["value"].is_f64());

    // The library's own run of the same block, to compare numbers with.
    let runs = seen::scenario::parse(BODY).unwrap().analyze().unwrap();
    let g = runs[0].graph();

    let nodes = s["nodes"].as_array().expect("nodes array");
    assert_eq!(nodes.len(), g.len());
    let kinds = ["param", "input", "const", "op", "module"];
    for (i, n) in nodes.iter().enumerate() {
        assert_eq!(n["id"], i);
        let kind = n["kind"].as_str().expect("kind");
        assert!(kinds.contains(&kind), "{kind}");
        let parents = n["parents"].as_array().expect("parents");
        match kind {
            "param" | "input" | "const" => {
                assert!(n["op"].is_null());
                assert!(parents.is_empty());
            }
            _ => {
                assert!(n["op"].is_string());
                assert!(!parents.is_empty());
                // Parents come before their node.
                assert!(parents.iter().all(|p| p.as_u64().unwrap() < i as u64));
            }
        }
        assert!(n["name"].is_null() || n["name"].is_string());
        assert!(n["example"].is_null(), "single example: {n}");
        if n["name"].is_string() {
            assert!(n["value"].is_f64() && n["grad"].is_f64(), "{n}");
        }
    }
    let named = |name: &str| {
        nodes
            .iter()
            .find(|n| n["name"] == name)
            .unwrap_or_else(|| panic!("no node {name}"))
    };
    for name in ["w", "b", "x", "z", "p", "loss"] {
        let _ = named(name);
    }
    assert_eq!(named("w")["kind"], "param");
    assert_eq!(named("x")["kind"], "input");
    assert_eq!(named("p")["op"], "recip");
    assert_eq!(named("loss")["op"], "neg");

    // Full precision: each value and gradient is exactly the library's f64.
    let grads = only_numbers(numbers_after(&text, "grad"));
    assert_eq!(grads.len(), g.len());
    for (i, (got, n)) in grads.iter().zip(&g.nodes).enumerate() {
        assert_eq!(got.to_bits(), n.grad.to_bits(), "grad of node {i}");
    }
    let w = g.find("w").unwrap();
    assert_eq!(grads[w], g.nodes[w].grad);
    // Rounded to 6 places it would differ: the JSON is not rounded.
    assert_ne!((g.nodes[w].grad * 1e6).round() / 1e6, g.nodes[w].grad);
    // One "value" per node, and one in the `output` object.
    let output_at = text.find("\"output\": {").expect("output object");
    let (output_values, node_values): (Vec<_>, Vec<_>) = numbers_after(&text, "value")
        .into_iter()
        .partition(|(i, _)| *i > output_at && text[output_at..*i].matches('}').count() == 0);
    assert_eq!(
        only_numbers(output_values),
        [g.nodes[runs[0].output()].value]
    );
    let node_values = only_numbers(node_values);
    assert_eq!(node_values.len(), g.len());
    for (got, n) in node_values.iter().zip(&g.nodes) {
        assert_eq!(got.to_bits(), n.value.to_bits());
    }

    let u = &s["update"];
    assert_eq!(u["lr"], 0.2);
    let lib = runs[0].update.as_ref().unwrap();
    let params = u["params"].as_object().expect("params object");
    // JSON objects are unordered: compare the key set.
    let mut keys: Vec<&String> = params.keys().collect();
    keys.sort();
    assert_eq!(keys, ["b", "w"]);
    assert_eq!(only_numbers(numbers_after(&text, "w")), [lib.params[0].3]);
    assert_eq!(only_numbers(numbers_after(&text, "b")), [lib.params[1].3]);
    assert_eq!(
        only_numbers(numbers_after(&text, "output")),
        [lib.output_after]
    );
    assert!(u["output"].is_f64());
}

#[test]
fn trace_without_scenario_runs_every_block_and_update_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "page.md", PAGE);
    let out = seen(&["trace", &file]);
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["single", "other"]);
    let other = &json["scenarios"][1];
    assert!(other.get("update").is_none());
    assert_eq!(other["output"]["value"], 4.0);
    assert_eq!(other["nodes"][0]["grad"], 4.0);
}

#[test]
fn trace_of_both_views_gives_one_entry_per_view() {
    let dir = tempfile::tempdir().unwrap();
    let page = "# P\n\n```autograd\nid = \"cmp\"\nfigure = \"compare\"\nparams = { w = 1.15, b = -0.8 }\ninputs = { x = 1.6 }\ngraph = \"\"\"\nz = linear(w, x, b)\np = sigmoid(z)\nloss = -log(p)\n\"\"\"\n```\n";
    let file = write(dir.path(), "cmp.md", page);
    let out = seen(&["trace", &file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let views: Vec<&str> = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["view"].as_str().unwrap())
        .collect();
    assert_eq!(views, ["atomic", "modules"]);
    let modules = json["scenarios"][1]["nodes"].as_array().unwrap();
    assert!(
        modules
            .iter()
            .any(|n| n["kind"] == "module" && n["op"] == "sigmoid")
    );
}

#[test]
fn a_bad_file_exits_non_zero_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let page = "# P\n\ntext\n\n```autograd\nid = \"bad\"\ngraph = \"y = cbrt(2)\"\n```\n";
    let file = write(dir.path(), "bad.md", page);
    let out = seen(&["trace", &file]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!("{file}:7:14: error: unknown function `cbrt`")),
        "{err}"
    );
}

#[test]
fn an_unknown_scenario_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "page.md", PAGE);
    let out = seen(&["trace", &file, "--scenario", "nope"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no autograd block with id \"nope\""), "{err}");
}

#[test]
fn a_missing_file_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.md").display().to_string();
    let out = seen(&["trace", &missing]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

/// A batch of four examples (84 steps) and a chain of 100 statements (300
/// steps), the page that once failed `seen check` and `seen build` ("more
/// than the 80 a stepper can show") while `seen trace` and `seen frames`
/// took it. The four commands accept and refuse the same blocks: the only
/// size limit they share is the graph's node limit.
const LONG: &str = r#"+++
title = "Long traces"
+++

# Long traces

```autograd
id = "batch"
params = { w1 = 0.5, w2 = -0.3, b = 0.1 }
examples = [
  { x1 = 1.5, x2 = -0.5, t = 0.8 },
  { x1 = -1.0, x2 = 0.5, t = -0.5 },
  { x1 = 0.5, x2 = 1.0, t = 0.2 },
  { x1 = -0.5, x2 = -1.5, t = -0.9 },
]
reduce = "mean"
graph = """
a = linear(w1, x1, linear(w2, x2, b))
y = tanh(a)
loss = (y - t) ^ 2
"""
view = "modules"
update = { lr = 0.1 }
figure = "batch"
```

```autograd
id = "chain"
params = { w = 0.5 }
inputs = { x = 1.5 }
input_grads = true
graph = """
GRAPH"""
```
"#;

/// `a1 = w * x`, then `a2 = a1 * w` … `aN = aN-1 * w`: 3N + 3 steps.
fn chain(n: usize) -> String {
    let mut g = String::from("a1 = w * x\n");
    for i in 2..=n {
        g += &format!("a{i} = a{} * w\n", i - 1);
    }
    g
}

/// The outcome of `seen check`, `build`, `trace` and `frames` on one page.
fn four_commands(dir: &Path, page: &str) -> [(String, Output); 4] {
    std::fs::create_dir_all(dir.join("content")).unwrap();
    write(dir, "seen.toml", "title = \"t\"\n");
    let md = write(&dir.join("content"), "index.md", page);
    let root = dir.display().to_string();
    let out = dir.join("out").display().to_string();
    let frames = dir.join("frames").display().to_string();
    [
        ("check", seen(&["check", "--root", &root])),
        (
            "build",
            seen(&["build", "--root", &root, "--output-dir", &out]),
        ),
        ("trace", seen(&["trace", &md])),
        ("frames", seen(&["frames", &md, "--out", &frames])),
    ]
    .map(|(c, o)| (c.to_string(), o))
}

#[test]
fn every_command_takes_a_four_example_batch_and_a_300_step_trace_and_refuses_the_same_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok");
    for (cmd, o) in four_commands(&ok, &LONG.replace("GRAPH", &chain(99))) {
        assert!(
            o.status.success(),
            "seen {cmd} refused the long traces:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // 1 + 28 + 1 + 39 + 1 + 1 steps for the batch (no message to the
    // constant 1/N, nor to the 12 inputs); 1 + 99 + 1 + 198 + 1 for the
    // chain (its message to x drawn: input_grads).
    let html = std::fs::read_to_string(ok.join("out/index.html")).unwrap();
    assert_eq!(html.matches("name=\"batch-modules-step\"").count(), 71);
    assert_eq!(html.matches("name=\"chain-atomic-step\"").count(), 300);
    assert!(html.contains("<span class=\"pos\">/ 300</span>"));
    let svgs = std::fs::read_dir(ok.join("frames"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("-step-")
        })
        .count();
    assert_eq!(svgs, 71 + 300);
    // Over the node limit (2500 examples of 8 nodes): all four say so, at
    // the same place (`examples`, before they are built).
    let big = dir.path().join("big");
    let rows = "  { x = 1.0 },\n".repeat(2500);
    let page = format!(
        "+++\ntitle = \"t\"\n+++\n\n```autograd\nid = \"many\"\nparams = {{ w = 0.5 }}\n\
         examples = [\n{rows}]\ngraph = \"y = w * x + w * x + w * x + w * x\"\n```\n"
    );
    let outcomes = four_commands(&big, &page);
    // The error line, from the file's place on (the commands name the file
    // as they were given it).
    let first_error = |o: &Output| {
        let err = String::from_utf8_lossy(&o.stderr);
        let line = err
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or_default();
        line[line.find("index.md").unwrap_or(0)..].to_string()
    };
    let expected = first_error(&outcomes[0].1);
    assert!(
        expected.contains("index.md:8:12: error: the graph would have at least 22500 nodes"),
        "{expected}"
    );
    for (cmd, o) in &outcomes {
        assert!(
            !o.status.success(),
            "seen {cmd} took a graph over the limit"
        );
        assert_eq!(first_error(o), expected, "seen {cmd}");
    }
    // Over the frame budget (a chain of 700: 2,103 steps): all four refuse
    // it, at the same place, before drawing anything.
    let long = dir.path().join("long");
    let outcomes = four_commands(&long, &LONG.replace("GRAPH", &chain(700)));
    let expected = first_error(&outcomes[0].1);
    assert!(
        expected.contains("this trace would draw 2,103 frames (limit 2,000)"),
        "{expected}"
    );
    for (cmd, o) in &outcomes {
        assert!(!o.status.success(), "seen {cmd} took 2,103 frames");
        assert_eq!(first_error(o), expected, "seen {cmd}");
    }
    assert!(!long.join("out").exists() && !long.join("frames/chain-atomic-step-01.svg").exists());
}

/// `seen frames` writes each frame as a whole picture: a trace whose frames
/// would be over the export budgets is refused before any is written, at
/// its place, while `seen build` (one frames file) takes it.
#[test]
fn seen_frames_refuses_a_trace_over_its_export_budgets_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Every statement reads `w`: its edges reach every rank, so each frame
    // of a 150-statement chain is about 0.4 MB (453 of them: 180 MB), and
    // one of 60 statements 19,000 × 1,500 px at twice its size.
    for (n, png, said) in [
        (150, false, "`seen frames` would write"),
        (60, true, "`seen frames --png` would draw"),
    ] {
        let site = dir.path().join(format!("c{n}"));
        let outcomes = four_commands(&site, &LONG.replace("GRAPH", &chain(n)));
        for (cmd, o) in &outcomes[..3] {
            assert!(
                o.status.success(),
                "seen {cmd}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let md = site.join("content/index.md").display().to_string();
        let out = site.join("png").display().to_string();
        let o = if png {
            seen(&["frames", &md, "--out", &out, "--png"])
        } else {
            outcomes[3].1.clone()
        };
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{err}");
        let line = 32; // the chain's `graph = """` line
        assert!(
            err.contains(&format!("index.md:{line}:9: error: {said}")),
            "{err}"
        );
        let folder = site.join(if png { "png" } else { "frames" });
        let written = std::fs::read_dir(folder).map_or(0, |d| d.count());
        assert_eq!(written, 0, "{err}");
    }
}

#[test]
fn trace_names_the_new_ops_and_their_values() {
    let dir = tempfile::tempdir().unwrap();
    let page = "# P\n\n```autograd\nid = \"f\"\ninputs = { a = -0.5 }\ngraph = \"\"\"\ns = sin(a)\nc = cos(a)\nr = sqrt(c)\nm = abs(s)\n\"\"\"\n```\n";
    let file = write(dir.path(), "f.md", page);
    let out = seen(&["trace", &file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let nodes = doc["scenarios"][0]["nodes"].as_array().unwrap();
    let by_name = |n: &str| nodes.iter().find(|x| x["name"] == n).unwrap();
    let a: f64 = -0.5;
    for (name, op, value) in [
        ("s", "sin", a.sin()),
        ("c", "cos", a.cos()),
        ("r", "sqrt", a.cos().sqrt()),
        ("m", "abs", a.sin().abs()),
    ] {
        assert_eq!(by_name(name)["op"], op, "{name}");
        // serde_json reads a float back to within an ulp, not always to it.
        let got = by_name(name)["value"].as_f64().unwrap();
        assert!(
            crate::support::close(got, value, 1e-15),
            "{name}: {got} against {value}"
        );
    }
    // ∂m/∂s = −1 (s < 0), and m is the output: m is the last statement.
    assert_eq!(by_name("s")["grad"].as_f64().unwrap(), -1.0);
    let grad = by_name("a")["grad"].as_f64().unwrap();
    assert!(crate::support::close(grad, -a.cos(), 1e-15), "{grad}");
}
