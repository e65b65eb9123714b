//! Malformed inputs, one row each: blocks, front matter, templates and
//! `seen.toml`. Each is built with the real binary over a site that built
//! before; the test asserts the message, its `FILE:LINE:COL`, and that the
//! previous output is byte for byte what it was.

use std::fs;
use std::path::Path;

use crate::support::{seen, snapshot};

/// A page whose `autograd` block body starts on line 8.
fn block(body: &str) -> String {
    format!("+++\ntitle = \"T\"\n+++\n\nText.\n\n```autograd\n{body}\n```\n")
}

struct Case {
    name: &'static str,
    /// Files written over the good site (relative to its root).
    files: Vec<(&'static str, String)>,
    /// Files written as bytes (text that is not UTF-8).
    bytes: Vec<(&'static str, Vec<u8>)>,
    /// `FILE:LINE:COL: error: message` (or `FILE: error: message` for a
    /// whole file), as printed; each string must appear in the output.
    expect: Vec<&'static str>,
}

fn case(name: &'static str, file: &'static str, text: String, expect: &[&'static str]) -> Case {
    Case {
        name,
        files: vec![(file, text)],
        bytes: vec![],
        expect: expect.to_vec(),
    }
}

/// A case built with `strict = true` in `seen.toml`.
fn strict(name: &'static str, file: &'static str, text: String, expect: &[&'static str]) -> Case {
    Case {
        name,
        files: vec![
            ("seen.toml", "title = \"Good\"\nstrict = true\n".to_string()),
            (file, text),
        ],
        bytes: vec![],
        expect: expect.to_vec(),
    }
}

/// A case whose one file is written as raw bytes.
fn raw(name: &'static str, file: &'static str, bytes: &[u8], expect: &[&'static str]) -> Case {
    Case {
        name,
        files: vec![],
        bytes: vec![(file, bytes.to_vec())],
        expect: expect.to_vec(),
    }
}

/// A page whose body (from line 5) is `text`.
fn page(text: &str) -> String {
    format!("+++\ntitle = \"T\"\n+++\n\n{text}\n")
}

fn blk(name: &'static str, body: &str, expect: &[&'static str]) -> Case {
    case(name, "content/index.md", block(body), expect)
}

fn cases() -> Vec<Case> {
    let s = |t: &str| t.to_string();
    vec![
        // ---- autograd blocks ----
        blk(
            "toml syntax",
            "id = \"a\ngraph = \"y = 1\"",
            &["content/index.md:8:8: error: invalid block: invalid basic string"],
        ),
        blk(
            "unknown key",
            "id = \"a\"\nfigur = \"trace\"\ngraph = \"y = 1\"",
            &[
                "content/index.md:9:1: error: invalid block: unknown key `figur`",
                "hint: did you mean `figure`?",
            ],
        ),
        blk(
            "missing id",
            "graph = \"y = 1\"",
            &["content/index.md:8:1: error: invalid block: missing key `id`"],
        ),
        blk(
            "missing graph",
            "id = \"a\"",
            &["content/index.md:8:1: error: invalid block: missing key `graph`"],
        ),
        blk(
            "bad id",
            "id = \"Bad Id\"\ngraph = \"y = 1\"",
            &[
                "content/index.md:8:6: error: `Bad Id` is not a valid id",
                "lowercase letters, digits and `-`",
            ],
        ),
        blk(
            "name used before it is defined",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"\"\"\ny = z * x\nz = x + 1\n\"\"\"",
            &[
                "content/index.md:11:5: error: `z` is used before it is defined",
                "`z` is defined at content/index.md:12:1",
            ],
        ),
        blk(
            "unknown name",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = x * q\"",
            &["content/index.md:10:18: error: unknown name `q`"],
        ),
        blk(
            "name defined twice",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"\"\"\ny = x\ny = x * 2\n\"\"\"",
            &[
                "content/index.md:12:1: error: `y` is defined twice",
                "`y` is first defined at content/index.md:11:1",
            ],
        ),
        blk(
            "leaf defined twice",
            "id = \"a\"\nparams = { x = 1 }\ninputs = { x = 1 }\ngraph = \"y = x * x\"",
            &["content/index.md:10:12: error: `x` is defined twice"],
        ),
        blk(
            "unknown vary key",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 2 }\ngraph = \"y = log(w * x)\"\nupdate = { lr = 0.1 }\nvary = { lrr = [0.1, 1] }",
            &[
                "content/index.md:13:10: error: `vary` names `lrr`, which is not a param, an input or `lr`",
                "one of w, x, lr",
                "did you mean `lr`?",
            ],
        ),
        blk(
            "vary with one value",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 2 }\ngraph = \"y = log(w * x)\"\nvary = { x = [2] }",
            &["content/index.md:12:14: error: `vary` lists one value for `x`; a reader needs at least two to choose from"],
        ),
        blk(
            "vary with a value that is not a number",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 2 }\ngraph = \"y = log(w * x)\"\nvary = { x = [1, true] }",
            &["content/index.md:12:18: error: a value of `x` in `vary` is true or false, not a number"],
        ),
        blk(
            "vary with too many combinations",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 2 }\ngraph = \"y = log(w * x)\"\nvary = { x = [1, 3, 4, 5], w = [2, 3, 4] }",
            &[
                "content/index.md:12:8: error: `vary` makes 20 combinations (5 × 4), more than the limit of 16",
            ],
        ),
        blk(
            "vary with a variant whose run fails",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 2 }\ngraph = \"y = log(w * x)\"\nvary = { x = [-1, 2] }",
            &[
                "content/index.md:12:8: error: the variant x = -1 fails: log needs a positive argument in statement `y`: log(-1)",
                "the failure is at content/index.md:11:14",
            ],
        ),
        blk(
            "vary on a figure without pickers",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 2 }\ngraph = \"y = w * x\"\nfigure = \"modes\"\nvary = { w = [1, 2] }",
            &[
                "content/index.md:13:8: error: `vary` is not drawn on a modes figure",
                "no value changes that count",
            ],
        ),
        blk(
            "unknown function",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = foo(x)\"",
            &[
                "content/index.md:10:14: error: unknown function `foo`",
                "one of exp, log, recip, relu, tanh, sin, cos, sqrt, abs, linear, sigmoid, bce, mse",
            ],
        ),
        blk(
            "wrong argument count",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = tanh(x, x)\"",
            &["content/index.md:10:14: error: `tanh` takes 1 argument, but 2 were given"],
        ),
        blk(
            "non-numeric exponent",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = x ^ x\"",
            &[
                "content/index.md:10:18: error: the exponent of `^` must be a number",
                "exp(b * log(a))",
            ],
        ),
        blk(
            "log of a negative number",
            "id = \"a\"\ninputs = { x = -1 }\ngraph = \"y = log(x)\"",
            &[
                "content/index.md:10:14: error: log needs a positive argument in statement `y`: log(-1)",
            ],
        ),
        blk(
            "sqrt of a negative number",
            "id = \"a\"\ninputs = { x = -1 }\ngraph = \"\"\"\nz = x * 2\ny = sqrt(z)\n\"\"\"",
            &[
                "content/index.md:12:5: error: sqrt needs a positive argument in statement `y`: sqrt(-2)",
                "expected: values inside every op's domain",
            ],
        ),
        blk(
            "sqrt of zero",
            "id = \"a\"\ninputs = { x = 0 }\ngraph = \"y = 3 * sqrt(x)\"",
            &[
                "content/index.md:10:14: error: sqrt needs a positive argument in statement `y`: sqrt(0)",
            ],
        ),
        blk(
            "a misspelt new function",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = sinn(x) + cos(x)\"",
            &[
                "content/index.md:10:14: error: unknown function `sinn`",
                "hint: did you mean `sin`?",
            ],
        ),
        blk(
            "division by zero",
            "id = \"a\"\ninputs = { x = 0 }\ngraph = \"y = 1 / x\"",
            &[
                "content/index.md:10:14: error: division by zero in `1 / x`: `x` is 0",
                "expected: a divisor that is not 0",
            ],
        ),
        blk(
            "unknown figure",
            "id = \"a\"\ninputs = { x = 0 }\ngraph = \"y = x\"\nfigure = \"movie\"",
            &[
                "content/index.md:11:10: error: unknown figure \"movie\"",
                "\"step-size\"",
            ],
        ),
        blk(
            "unknown view",
            "id = \"a\"\ninputs = { x = 0 }\ngraph = \"y = x\"\nview = \"all\"",
            &["content/index.md:11:8: error: unknown view \"all\""],
        ),
        blk(
            "step-size without wrt",
            "id = \"a\"\nparams = { x = 0 }\ngraph = \"y = x * x\"\nfigure = \"step-size\"",
            &["content/index.md:8:6: error: a step-size figure needs `wrt`"],
        ),
        blk(
            "wrt names nothing",
            "id = \"a\"\nparams = { x = 0 }\ngraph = \"y = x * x\"\nfigure = \"step-size\"\nwrt = \"w\"",
            &["content/index.md:12:7: error: `wrt` names `w`, which is not a param or an input"],
        ),
        blk(
            "examples disagree",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1 }, { y = 2 } ]\ngraph = \"l = w * x\"",
            &[
                "content/index.md:10:25: error: example 2 has no `x`",
                "expected: every example to set x (as example 1 does)",
            ],
        ),
        blk(
            "expression syntax",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = x * * x\"",
            &["content/index.md:10:18: error: unexpected `*`"],
        ),
        blk(
            "unclosed parenthesis",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = (x + 1\"",
            &[
                "content/index.md:10:20: error: unexpected end of the line",
                "`)` to close the parenthesis",
            ],
        ),
        blk(
            "statement without a name",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"x * x\"",
            &[
                "content/index.md:10:12: error: unexpected `*`",
                "`=` after the statement's name",
            ],
        ),
        blk(
            "bad character",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = x $ 2\"",
            &["content/index.md:10:16: error: unexpected character `$`"],
        ),
        blk(
            "unknown reduce",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1 } ]\nreduce = \"max\"\ngraph = \"l = w * x\"",
            &["content/index.md:11:10: error: unknown reduce \"max\""],
        ),
        blk(
            "batch without examples",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 1 }\ngraph = \"l = w * x\"\nfigure = \"batch\"",
            &["content/index.md:8:6: error: a batch figure needs `examples`"],
        ),
        blk(
            "modes without params",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"l = x * x\"\nfigure = \"modes\"",
            &["content/index.md:11:10: error: a modes figure needs `params`"],
        ),
        blk(
            "modes with examples",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1 }, { x = 2 } ]\ngraph = \"l = w * x\"\nfigure = \"modes\"",
            &["content/index.md:12:10: error: a modes figure draws one example"],
        ),
        blk(
            "modes with seven params",
            "id = \"a\"\nparams = { a = 1, b = 1, c = 1, d = 1, e = 1, f = 1, g = 1 }\ngraph = \"l = a + b + c + d + e + f + g\"\nfigure = \"modes\"",
            &["content/index.md:9:54: error: a modes figure seeds at most 6 params, one forward-mode pass each; this block has 7"],
        ),
        blk(
            "rule card with two ops",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"\"\"\ny = x * x\nz = y + 1\n\"\"\"\nfigure = \"rule\"",
            &["content/index.md:11:5: error: a rule card shows one op, but this graph has 2"],
        ),
        blk(
            "output names nothing",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = x * x\"\noutput = \"q\"",
            &["content/index.md:11:10: error: `output` names `q`, which no statement defines"],
        ),
        blk(
            "label is not an input",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1, t = 0 } ]\ngraph = \"l = (w * x - t) ^ 2\"\nlabel = \"tt\"",
            &[
                "content/index.md:12:9: error: `label` names `tt`, which is not an input",
                "expected: one of the inputs: x, t",
            ],
        ),
        blk(
            "model names nothing",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1, t = 0 } ]\ngraph = \"\"\"\npred = w * x\nl = (pred - t) ^ 2\n\"\"\"\nlabel = \"t\"\nmodel = \"prd\"",
            &[
                "content/index.md:16:9: error: `model` names `prd`, which no statement defines",
                "hint: did you mean `pred`?",
            ],
        ),
        blk(
            "model depends on the label",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1, t = 0 } ]\ngraph = \"\"\"\npred = w * x\nl = (pred - t) ^ 2\n\"\"\"\nlabel = \"t\"\nmodel = \"l\"",
            &["content/index.md:16:9: error: `model` names `l`, which depends on the label `t`"],
        ),
        blk(
            "seed is not a number",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = x * x\"\nseed = \"one\"",
            &[
                "content/index.md:11:8: error: invalid block: wrong type: found string \"one\"",
                "expected: a number",
            ],
        ),
        blk(
            "unknown key in update",
            "id = \"a\"\nparams = { x = 1 }\ngraph = \"y = x * x\"\nupdate = { rate = 0.1 }",
            &[
                "content/index.md:11:12: error: invalid block: unknown key `rate`",
                "expected: the key `lr`",
            ],
        ),
        case(
            "duplicate id on a page",
            "content/index.md",
            s(
                "+++\ntitle = \"T\"\n+++\n\n```autograd\nid = \"a\"\ninputs = { x = 1 }\ngraph = \"y = x\"\n```\n\nText\n\n```autograd\nid = \"a\"\ninputs = { x = 1 }\ngraph = \"y = x\"\n```\n",
            ),
            &[
                "content/index.md:14:6: error: duplicate id \"a\" on this page",
                "note: the id is first used at content/index.md:6:6",
            ],
        ),
        case(
            "nested block in a list",
            "content/index.md",
            s(
                "+++\ntitle = \"T\"\n+++\n\n- item\n\n  ```autograd\n  id = \"a\"\n  inputs = { x = 1 }\n  graph = \"y = nope(x)\"\n  ```\n",
            ),
            &["content/index.md:10:16: error: unknown function `nope`"],
        ),
        blk(
            "non-ASCII bare key",
            "id = \"a\"\nparams = { ω = 1 }\ngraph = \"y = ω * ω\"",
            &[
                "content/index.md:9:12: error: invalid block: invalid unquoted key",
                "hint: TOML keys beyond ASCII letters must be quoted: write \"ω\" = …",
            ],
        ),
        blk(
            "misspelled function",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = tahn(x)\"",
            &[
                "content/index.md:10:14: error: unknown function `tahn`",
                "hint: did you mean `tanh`?",
            ],
        ),
        blk(
            "misspelled figure",
            "id = \"a\"\nparams = { w = 1 }\ngraph = \"y = w * w\"\nfigure = \"step_size\"\nwrt = \"w\"",
            &[
                "content/index.md:11:10: error: unknown figure \"step_size\"",
                "hint: did you mean `step-size`?",
            ],
        ),
        blk(
            "division by zero names the division",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 0 }\ngraph = \"\"\"\ny = w + 1\nz = y * (w / x)\n\"\"\"",
            &[
                "content/index.md:13:10: error: division by zero in `w / x`: `x` is 0",
                "expected: a divisor that is not 0",
            ],
        ),
        blk(
            "an example without a key",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [\n  { x = 1, y = 2 },\n  { x = 2 },\n]\ngraph = \"l = w * x + y\"",
            &[
                "content/index.md:12:3: error: example 2 has no `y`",
                "expected: every example to set x, y (as example 1 does)",
            ],
        ),
        blk(
            "an example with an extra key",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [\n  { x = 1, y = 2 },\n  { y = 0, x = 2 },\n  { x = 1, y = 2, z = 3 },\n]\ngraph = \"l = w * x + y\"",
            &["content/index.md:13:3: error: example 3 has an extra key `z`"],
        ),
        blk(
            "negative learning rate",
            "id = \"a\"\nparams = { w = 1 }\ngraph = \"y = w * w\"\nupdate = { lr = -0.1 }",
            &[
                "content/index.md:11:17: error: `lr` is -0.1, but a step of gradient descent needs a learning rate above 0",
                "expected: a finite learning rate greater than 0, such as 0.2",
            ],
        ),
        blk(
            "closed form that disagrees with autodiff",
            "id = \"a\"\nparams = { w = 1.5 }\ninputs = { x = 2 }\ngraph = \"y = w * w * x\"\nfigure = \"step-size\"\nwrt = \"w\"\nclosed_form = \"w * x\"",
            &[
                "content/index.md:14:16: error: the closed form gives 3, but autodiff gives ∂y/∂w = 6",
                "expected: an expression equal to ∂y/∂w at the block's values",
            ],
        ),
        blk(
            "closed form on a figure other than step-size",
            "id = \"a\"\nparams = { w = 1.5 }\ngraph = \"y = w * w\"\nclosed_form = \"2 * w\"",
            &["content/index.md:11:15: error: `closed_form` is only used by a step-size figure"],
        ),
        blk(
            "closed form naming an unknown leaf",
            "id = \"a\"\nparams = { w = 1.5 }\ngraph = \"y = w * w\"\nfigure = \"step-size\"\nwrt = \"w\"\nclosed_form = \"2 * v\"",
            &["content/index.md:13:20: error: unknown name `v`"],
        ),
        blk(
            "zero learning rate",
            "id = \"a\"\nparams = { w = 1 }\ngraph = \"y = w * w\"\nupdate = { lr = 0 }",
            &[
                "content/index.md:11:17: error: `lr` is 0, but a step of gradient descent needs a learning rate above 0",
            ],
        ),
        case(
            "duplicate id in a block with other errors",
            "content/index.md",
            s(
                "+++\ntitle = \"T\"\n+++\n\n```autograd\nid = \"a\"\ninputs = { x = 1 }\ngraph = \"y = x\"\n```\n\nText\n\n```autograd\nid = \"a\"\ninputs = { x = 1 }\ngraph = \"y = nope(x)\"\n```\n",
            ),
            &[
                "content/index.md:14:6: error: duplicate id \"a\" on this page",
                "note: the id is first used at content/index.md:6:6",
                "content/index.md:16:14: error: unknown function `nope`",
                "2 errors; the output folder was left untouched",
            ],
        ),
        // ---- training: data files, nets, train ----
        Case {
            bytes: vec![],
            name: "data file with a bad cell",
            files: vec![
                ("content/d.csv", s("x,y\n1,2\n3,abc\n")),
                (
                    "content/index.md",
                    block(
                        "id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x * y\"",
                    ),
                ),
            ],
            expect: vec![
                "content/d.csv:3:3: error: `abc` in column `y` is not a number",
                "expected: a number such as 0.5, -2 or 1e-3",
            ],
        },
        Case {
            bytes: vec![],
            name: "data file with a ragged row",
            files: vec![
                ("content/d.csv", s("x,y\n1,2\n3\n")),
                (
                    "content/index.md",
                    block(
                        "id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x * y\"",
                    ),
                ),
            ],
            expect: vec![
                "content/d.csv:3:2: error: this row has 1 cell, but the header names 2 columns",
                "expected: one number per column: x, y",
            ],
        },
        Case {
            bytes: vec![],
            name: "data file without a column the graph uses",
            files: vec![
                ("content/d.csv", s("x,y\n1,2\n")),
                (
                    "content/index.md",
                    block(
                        "id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x * z\"",
                    ),
                ),
            ],
            expect: vec![
                "content/d.csv:1:1: error: the data has no column `z`, which `graph` uses",
                "note: `z` is used at content/index.md:11:22",
            ],
        },
        Case {
            bytes: vec![],
            name: "empty data file",
            files: vec![
                ("content/d.csv", s("")),
                (
                    "content/index.md",
                    block(
                        "id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x\"",
                    ),
                ),
            ],
            expect: vec!["content/d.csv:1:1: error: the data file is empty"],
        },
        blk(
            "missing data file",
            "id = \"a\"\nparams = { w = 1 }\ndata = \"nope.csv\"\ngraph = \"l = w * x\"",
            &[
                "content/index.md:10:8: error: cannot read the data file content/nope.csv: no such file",
            ],
        ),
        blk(
            "data file outside the site",
            "id = \"a\"\nparams = { w = 1 }\ndata = \"../../x.csv\"\ngraph = \"l = w * x\"",
            &[
                "content/index.md:10:8: error: `data` names \"../../x.csv\", which is outside the site folder",
            ],
        ),
        blk(
            "data together with examples",
            "id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\nexamples = [ { x = 1 } ]\ngraph = \"l = w * x\"",
            &[
                "content/index.md:10:8: error: `data` and `examples` cannot be used together",
                "note: `examples` is set at content/index.md:11:12",
            ],
        ),
        blk(
            "net sizes not ending in 1",
            "id = \"a\"\ninputs = { x = 1 }\nnet = { sizes = [1, 2, 3], act = \"tanh\", seed = 1 }\ngraph = \"l = mlp(x)\"",
            &[
                "content/index.md:10:24: error: `sizes` ends in 3, but a net has one output",
                "expected: a last size of 1: [inputs, hidden…, 1], such as [2, 16, 16, 1]",
            ],
        ),
        blk(
            "net called with the wrong number of inputs",
            "id = \"a\"\ninputs = { x = 1 }\nnet = { sizes = [2, 2, 1], act = \"tanh\", seed = 1 }\ngraph = \"l = mlp(x)\"",
            &[
                "content/index.md:11:14: error: the net `mlp` takes 2 inputs, but 1 was given",
                "note: the net's `sizes` are set at content/index.md:10:17",
            ],
        ),
        blk(
            "unknown activation",
            "id = \"a\"\ninputs = { x = 1 }\nnet = { sizes = [1, 1], act = \"tahn\", seed = 1 }\ngraph = \"l = mlp(x)\"",
            &[
                "content/index.md:10:31: error: unknown act \"tahn\"",
                "hint: did you mean `tanh`?",
            ],
        ),
        blk(
            "reference on a figure that is not a training figure",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 1 }\ngraph = \"y = w * x\"\nreference = \"sin(x)\"",
            &[
                "content/index.md:12:13: error: `reference` is drawn on the model panel of a training figure",
                "expected: a block with `train` and figure = \"training\", or no `reference`",
            ],
        ),
        blk(
            "reference that uses another name",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1, y = 2 }, { x = 2, y = 4 } ]\ngraph = \"\"\"\np = w * x\nloss = (p - y) ^ 2\n\"\"\"\ntrain = { steps = 2, lr = 0.1 }\nfigure = \"training\"\nreference = \"2 * x + w\"",
            &[
                "content/index.md:17:22: error: `reference` may use only the feature `x` and numbers, but uses `w`",
                "expected: an expression of `x`, such as \"sin(x)\"",
            ],
        ),
        blk(
            "reference with a syntax error inside the string",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1, y = 2 }, { x = 2, y = 4 } ]\ngraph = \"\"\"\np = w * x\nloss = (p - y) ^ 2\n\"\"\"\ntrain = { steps = 2, lr = 0.1 }\nfigure = \"training\"\nreference = \"sin(x * )\"",
            &["content/index.md:17:22: error: unexpected `)`"],
        ),
        blk(
            "reference with a misspelt function",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1, y = 2 }, { x = 2, y = 4 } ]\ngraph = \"\"\"\np = w * x\nloss = (p - y) ^ 2\n\"\"\"\ntrain = { steps = 2, lr = 0.1 }\nfigure = \"training\"\nreference = \"2 * sine(x)\"",
            &[
                "content/index.md:17:18: error: unknown function `sine`",
                "hint: did you mean `sin`?",
            ],
        ),
        blk(
            "reference on a model of two features",
            "id = \"a\"\nparams = { w = 1, v = 1 }\nexamples = [ { x1 = 1, x2 = 0, y = 2 }, { x1 = 2, x2 = 1, y = 4 } ]\ngraph = \"\"\"\np = w * x1 + v * x2\nloss = (p - y) ^ 2\n\"\"\"\ntrain = { steps = 2, lr = 0.1 }\nfigure = \"training\"\nreference = \"2 * x1\"",
            &[
                "content/index.md:17:13: error: `reference` draws a curve over one input, but the model `p` reads 2 (x1, x2)",
                "hint: with two inputs the model panel shows regions, not curves: remove `reference`",
            ],
        ),
        blk(
            "unknown activation near sigmoid",
            "id = \"a\"\ninputs = { x = 1 }\nnet = { sizes = [1, 2, 1], act = \"sigmod\", seed = 1 }\ngraph = \"l = mlp(x)\"",
            &[
                "content/index.md:10:34: error: unknown act \"sigmod\"",
                "expected: one of \"tanh\", \"relu\", \"sigmoid\"",
                "hint: did you mean `sigmoid`?",
            ],
        ),
        blk(
            "negative net seed",
            "id = \"a\"\ninputs = { x = 1 }\nnet = { sizes = [1, 1], act = \"tanh\", seed = -1 }\ngraph = \"l = mlp(x)\"",
            &[
                "content/index.md:10:46: error: the net's `seed` is -1, but a seed cannot be negative",
            ],
        ),
        blk(
            "fractional net seed",
            "id = \"a\"\ninputs = { x = 1 }\nnet = { sizes = [1, 1], act = \"tanh\", seed = 1.5 }\ngraph = \"l = mlp(x)\"",
            &["content/index.md:10:46: error: the net's `seed` is 1.5, not a whole number"],
        ),
        blk(
            "net named like an input",
            "id = \"a\"\ninputs = { x = 1 }\nnet = { name = \"x\", sizes = [1, 1], act = \"tanh\", seed = 1 }\ngraph = \"l = x(x)\"",
            &[
                "content/index.md:10:16: error: the net's name `x` is already a param or an input",
                "note: `x` is defined at content/index.md:9:12",
            ],
        ),
        blk(
            "zero training steps",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 1 }\ngraph = \"l = w * x\"\ntrain = { steps = 0, lr = 0.1 }",
            &["content/index.md:12:19: error: `steps` is 0, but training takes at least one step"],
        ),
        blk(
            "too many training steps",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 1 }\ngraph = \"l = w * x\"\ntrain = { steps = 100000, lr = 0.1 }",
            &[
                "content/index.md:12:19: error: `steps` is 100000, more than the limit of 10000",
                "expected: a whole number of steps from 1 to 10000, such as 100",
            ],
        ),
        blk(
            "training learning rate of 0",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 1 }\ngraph = \"l = w * x\"\ntrain = { steps = 10, lr = 0 }",
            &[
                "content/index.md:12:28: error: `lr` is 0, but a step of gradient descent needs a learning rate above 0",
            ],
        ),
        blk(
            "training learning rate not finite",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 1 }\ngraph = \"l = w * x\"\ntrain = { steps = 10, lr = inf }",
            &["content/index.md:12:28: error: `lr` is not a finite number"],
        ),
        blk(
            "train together with update",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 1 }\ngraph = \"l = w * x\"\ntrain = { steps = 10, lr = 0.1 }\nupdate = { lr = 0.1 }",
            &[
                "content/index.md:13:10: error: `update` and `train` cannot be used together",
                "note: `train` is set at content/index.md:12:9",
            ],
        ),
        blk(
            "training figure without train",
            "id = \"a\"\nparams = { w = 1 }\ninputs = { x = 1 }\ngraph = \"l = w * x\"\nfigure = \"training\"",
            &["content/index.md:8:6: error: a training figure needs `train`"],
        ),
        // A run that leaves the finite numbers after some steps is drawn
        // and warned (tests/it/training.rs); its first pass, the block as
        // written, outside an op's domain is still an error.
        blk(
            "training whose first pass leaves a domain",
            "id = \"a\"\nparams = { w = -1 }\nexamples = [ { x = 1, y = 2 } ]\ngraph = \"l = sqrt(w * x) - y\"\ntrain = { steps = 10, lr = 0.1 }",
            &[
                "content/index.md:11:14: error: sqrt needs a positive argument in statement `l`: sqrt(-1)",
                "expected: values inside every op's domain",
            ],
        ),
        // ---- budgets (docs/language.md, "Limits") ----
        blk(
            "a trace over the frame budget",
            &format!(
                "id = \"a\"\nparams = {{ w = 0.5 }}\ninputs = {{ x = 1 }}\ngraph = \"\"\"\na1 = w * x\n{}\"\"\"",
                (2..=700)
                    .map(|i| format!("a{i} = a{} + w\n", i - 1))
                    .collect::<String>()
            ),
            &[
                "content/index.md:11:9: error: this trace would draw 2,102 frames (limit 2,000)",
                "expected: at most 2,000 frames: one per forward op and per backward message, and 3 or 4 more",
                "hint: draw it as `figure = \"graph\"` (one picture of the whole graph), or split the graph into smaller blocks",
            ],
        ),
        blk(
            "a batch figure over the frame budget",
            &format!(
                "id = \"a\"\nparams = {{ w = 0.5 }}\nexamples = [ {} ]\ngraph = \"\"\"\ny = w * x\nloss = (y - t) ^ 2\n\"\"\"\nfigure = \"batch\"",
                vec!["{ x = 1, t = 2 }"; 190].join(", ")
            ),
            &[
                "content/index.md:10:12: error: this batch figure would draw 2,092 frames for 190 examples (limit 2,000)",
                "hint: use at most 181 examples (11 more frames each), or draw the graph as `figure = \"graph\"` (one picture)",
            ],
        ),
        // ---- groups ----
        case(
            "a group over the tab cap",
            "content/index.md",
            format!(
                "+++\ntitle = \"T\"\n+++\n\n{}",
                (0..25)
                    .map(|k| format!("```autograd\nid = \"b{k}\"\ngroup = \"g\"\nparams = {{ w = 1 }}\ngraph = \"y = w * 2\"\n```\n\n"))
                    .collect::<String>()
            ),
            &[
                "content/index.md:175:9: error: group `g` has 25 blocks in a row; a group has at most 24 (one tab each)",
                "expected: at most 24 adjacent blocks with the same `group`",
                "hint: give the later blocks another group, or none",
            ],
        ),
        case(
            "a group label without a group",
            "content/index.md",
            s("+++\ntitle = \"T\"\n+++\n\n```autograd\nid = \"a\"\ngroup_label = \"Rate\"\nparams = { w = 1 }\ngraph = \"y = w * 2\"\n```\n"),
            &[
                "content/index.md:7:15: error: `group_label` names the tabs of a group, and this block has no `group`",
                "expected: `group = \"…\"` beside it",
                "hint: give the blocks of the group the same `group`, or remove `group_label`",
            ],
        ),
        case(
            "a group label on a later block",
            "content/index.md",
            s("+++\ntitle = \"T\"\n+++\n\n```autograd\nid = \"a\"\ngroup = \"g\"\nparams = { w = 1 }\ngraph = \"y = w * 2\"\n```\n\n```autograd\nid = \"b\"\ngroup = \"g\"\ngroup_label = \"Rate\"\nparams = { w = 1 }\ngraph = \"y = w * 2\"\n```\n"),
            &[
                "content/index.md:15:15: error: `group_label` on a later block of group `g`",
                "expected: `group_label` on the group's first block only",
                "hint: move it to the first block of the group (its tabs' caption)",
            ],
        ),
        // ---- front matter and markdown ----
        case(
            "no front matter",
            "content/index.md",
            s("# Hello\n"),
            &["content/index.md:1:1: error: missing front matter"],
        ),
        case(
            "front matter never closed",
            "content/index.md",
            s("+++\ntitle = \"T\"\n\n# Hello\n"),
            &["content/index.md:1:1: error: front matter is never closed"],
        ),
        case(
            "front matter unknown key",
            "content/sub/page.md",
            s("+++\ntitel = \"T\"\n+++\n"),
            &[
                "content/sub/page.md:2:1: error: front matter: unknown key `titel`",
                "hint: did you mean `title`?",
            ],
        ),
        case(
            "front matter without title",
            "content/index.md",
            s("+++\norder = 1\n+++\n"),
            &["content/index.md:2:1: error: front matter: missing key `title`"],
        ),
        case(
            "front matter wrong type",
            "content/index.md",
            s("+++\ntitle = \"T\"\norder = \"one\"\n+++\n"),
            &["content/index.md:3:9: error: front matter: wrong type: found string \"one\""],
        ),
        case(
            "front matter TOML syntax",
            "content/index.md",
            s("+++\ntitle = T\n+++\n"),
            &["content/index.md:2:9: error: front matter:"],
        ),
        // ---- raw HTML and copied files, with `strict = true` ----
        strict(
            "script in markdown",
            "content/index.md",
            s("+++\ntitle = \"T\"\n+++\n\nHello <script>alert(1)</script>\n"),
            &[
                "content/index.md:5:7: error: dropped `<script>alert(1)</script>`: scripts never run on these pages",
            ],
        ),
        strict(
            "style attribute in markdown",
            "content/index.md",
            s("+++\ntitle = \"T\"\n+++\n\n<p style=\"color:red\">x</p>\n"),
            &[
                "content/index.md:5:4: error: dropped `style=\"color:red\"`: the pages' Content-Security-Policy blocks inline styles",
            ],
        ),
        strict(
            "javascript link in markdown",
            "content/index.md",
            s("+++\ntitle = \"T\"\n+++\n\nSee [this](javascript:alert(1)).\n"),
            &[
                "content/index.md:5:12: error: dropped `href=\"javascript:alert(1)\"`: `javascript:` URLs are not allowed",
            ],
        ),
        strict(
            "copied SVG with a script",
            "content/img/a.svg",
            s("<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <script>alert(1)</script>\n</svg>\n"),
            &[
                "content/img/a.svg:2:3: error: this file is copied as it is, and holds a `<script>` element",
            ],
        ),
        // ---- templates ----
        case(
            "template syntax",
            "templates/page.html",
            s("{% extends \"base.html\" %}\n{% block body %}\n{% if %}\n{% endblock body %}\n"),
            &["templates/page.html:3:7: error: template syntax error"],
        ),
        case(
            "template unknown variable",
            "templates/page.html",
            s(
                "{% extends \"base.html\" %}\n{% block body %}\n{{ nope.field }}\n{% endblock body %}\n",
            ),
            &[
                "templates/page.html:3:4: error: template error: Variable `nope` is not defined",
                "(rendering content/index.md)",
            ],
        ),
        case(
            "template unknown filter",
            "templates/base.html",
            s(
                "<html><head></head><body>{% block body %}{% endblock body %}\n{{ title | nofilter }}</body></html>\n",
            ),
            &["templates/base.html:2:12: error: template error: Unknown filter `nofilter`"],
        ),
        case(
            "template adds a script",
            "templates/page.html",
            s(
                "{% extends \"base.html\" %}\n{% block body %}\n<script>x</script>{{ content | safe }}\n{% endblock body %}\n",
            ),
            &[
                "templates/page.html:3:1: error: the templates put a `<script>` element into index.html",
            ],
        ),
        case(
            "template adds a handler",
            "templates/base.html",
            s(
                "<html><head></head>{% block body %}{% endblock body %}\n<p onclick=\"x\">{{ title }}</p></html>\n",
            ),
            &[
                "templates/base.html:2:4: error: the templates put an event handler attribute `onclick`",
            ],
        ),
        // ---- seen.toml ----
        case(
            "seen.toml unknown key",
            "seen.toml",
            s("title = \"T\"\nouput_dir = \"x\"\n"),
            &[
                "seen.toml:2:1: error: unknown key `ouput_dir`",
                "hint: did you mean `output_dir`?",
            ],
        ),
        case(
            "seen.toml strict not a boolean",
            "seen.toml",
            s("strict = \"yes\"\n"),
            &[
                "seen.toml:1:10: error: wrong type",
                "hint: `strict` is `true` or `false`",
            ],
        ),
        case(
            "seen.toml syntax",
            "seen.toml",
            s("title = \"T\n"),
            &["seen.toml:1:11: error: invalid basic string"],
        ),
        case(
            "seen.toml wrong type",
            "seen.toml",
            s("title = 3\n"),
            &[
                "seen.toml:1:9: error: wrong type: found integer `3`",
                "expected: a string",
            ],
        ),
        case(
            "seen.toml empty folder",
            "seen.toml",
            s("title = \"T\"\noutput_dir = \"\"\n"),
            &["seen.toml:2:1: error: `output_dir` is empty"],
        ),
        case(
            "seen.toml output over content",
            "seen.toml",
            s("title = \"T\"\noutput_dir = \"content\"\n"),
            &[
                "seen.toml:2:1: error: the output folder `content` would replace the content folder",
            ],
        ),
        case(
            "seen.toml missing content folder",
            "seen.toml",
            s("title = \"T\"\ncontent_dir = \"pages\"\n"),
            &["seen.toml:2:1: error: content folder `pages` not found"],
        ),
        case(
            "seen.toml content folder is a file",
            "seen.toml",
            s("title = \"T\"\ncontent_dir = \"seen.toml\"\n"),
            &["seen.toml:2:1: error: the content folder `seen.toml` is not a folder"],
        ),
        case(
            "seen.toml missing templates folder",
            "seen.toml",
            s("title = \"T\"\n\n  templates_dir = \"theme\"\n"),
            &["seen.toml:3:3: error: templates folder `theme` not found"],
        ),
        case(
            "seen.toml templates folder is a file",
            "seen.toml",
            s("title = \"T\"\ntemplates_dir = \"content/index.md\"\n"),
            &["seen.toml:2:1: error: the templates folder `content/index.md` is not a folder"],
        ),
        case(
            "seen.toml output folder is the root",
            "seen.toml",
            s("title = \"T\"\noutput_dir = \".\"\n"),
            &["seen.toml:2:1: error: the output folder `.` would replace the site root"],
        ),
        case(
            "seen.toml output folder is a file",
            "seen.toml",
            s("title = \"T\"\noutput_dir = \"seen.toml\"\n"),
            &["seen.toml:2:1: error: the output folder `seen.toml` exists and is not a folder"],
        ),
        case(
            "seen.toml output folder holds other files",
            "seen.toml",
            s("title = \"T\"\noutput_dir = \".seen-cache\"\n"),
            &[
                "seen.toml:2:1: error: the output folder `.seen-cache` holds files seen did not write",
                "hint: choose a new or empty folder, or pass `--force`",
            ],
        ),
        // ---- deep nesting: a clean error, never a stack overflow ----
        case(
            "math nested 4,000 braces deep",
            "content/index.md",
            page(&format!("Deep ${}x{}$ here.", "{".repeat(4000), "}".repeat(4000))),
            &[
                "content/index.md:5:40: error: math: the formula nests more than 32 levels deep",
                "expected: at most 32 levels of `{…}`, `\\left…\\right`, environments",
                "hint: split the formula",
            ],
        ),
        case(
            "math of 10,000 braces",
            "content/index.md",
            page(&format!("${}x{}$", "{".repeat(10_000), "}".repeat(10_000))),
            &["content/index.md:5:1: error: math: the formula is 20001 bytes long, more than the limit of 10000"],
        ),
        case(
            "math: deep fractions",
            "content/index.md",
            page(&format!("${}x{}$", r"\frac{".repeat(100), "}{y}".repeat(100))),
            &["content/index.md:5:103: error: math: the formula nests more than 32 levels deep"],
        ),
        case(
            "math: deep square roots",
            "content/index.md",
            page(&format!("$${}x{}$$", r"\sqrt{".repeat(100), "}".repeat(100))),
            &["content/index.md:5:104: error: math: the formula nests more than 32 levels deep"],
        ),
        case(
            "math: deep superscripts",
            "content/index.md",
            page(&format!("${}x{}$", "x^{".repeat(1000), "}".repeat(1000))),
            &["content/index.md:5:52: error: math: the formula nests more than 32 levels deep"],
        ),
        case(
            "math: deep fences",
            "content/index.md",
            page(&format!("${}x{}$", r"\left(".repeat(500), r"\right)".repeat(500))),
            &["content/index.md:5:200: error: math: the formula nests more than 32 levels deep"],
        ),
        case(
            "math: \\middle without a delimiter",
            "content/index.md",
            page(r"$\left( a \middle x \right)$"),
            &[
                "content/index.md:5:11: error: math: `\\middle` is not followed by a delimiter",
                "expected: a delimiter after `\\middle`, such as `\\middle|`",
            ],
        ),
        blk(
            "expression: 10,000 unary minuses",
            &format!("id = \"a\"\ninputs = {{ x = 1 }}\ngraph = \"y = {}x\"", "-".repeat(10_000)),
            &["content/index.md:10:214: error: expression nested too deeply (more than 200 levels)"],
        ),
        blk(
            "expression: a chain of 10,000 powers",
            &format!("id = \"a\"\ninputs = {{ x = 1 }}\ngraph = \"y = x{}\"", " ^ 2".repeat(10_000)),
            &["error: expression nested too deeply (more than 200 levels)"],
        ),
        blk(
            "expression: 10,000 nested calls",
            &format!(
                "id = \"a\"\ninputs = {{ x = 1 }}\ngraph = \"y = {}x{}\"",
                "tanh(".repeat(10_000),
                ")".repeat(10_000)
            ),
            &["content/index.md:10:514: error: expression nested too deeply (more than 200 levels)"],
        ),
        blk(
            "block TOML nested 100,000 arrays deep",
            &format!("id = \"a\"\nx = {}{}\ngraph = \"y = 1\"", "[".repeat(100_000), "]".repeat(100_000)),
            &[
                "content/index.md:9:85: error: invalid block: arrays and tables nested more than 80 levels deep",
                "expected: at most 80 levels of `[…]` and `{…}` inside one another",
            ],
        ),
        case(
            "front matter nested 100,000 tables deep",
            "content/index.md",
            format!("+++\ntitle = \"T\"\nx = {}1{}\n+++\n", "{a = ".repeat(100_000), "}".repeat(100_000)),
            &["content/index.md:3:"," error: front matter: arrays and tables nested more than 80 levels deep"],
        ),
        case(
            "seen.toml nested 100,000 arrays deep",
            "seen.toml",
            format!("title = \"T\"\nx = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            &["seen.toml:2:85: error: arrays and tables nested more than 80 levels deep"],
        ),
        Case {
            name: "templates including each other 17 deep",
            files: (0..17)
                .map(|i| {
                    let name: &'static str = Box::leak(format!("templates/t{i}.html").into_boxed_str());
                    let text = if i < 16 {
                        format!("<p>{{% include \"t{}.html\" %}}</p>", i + 1)
                    } else {
                        "end".to_string()
                    };
                    (name, text)
                })
                .collect(),
            bytes: vec![],
            expect: vec![
                "templates/t0.html:1:4: error: templates include or extend each other 17 levels deep, more than the limit of 16",
                "note: the chain: t0.html → t1.html → t2.html",
            ],
        },
        // ---- sizes, refused before anything that big is built ----
        blk(
            "a layer of a billion neurons",
            "id = \"a\"\ninputs = { x = 1, y = 2 }\nnet = { sizes = [2, 1000000000, 1], act = \"tanh\", seed = 1 }\ngraph = \"l = mlp(x, y)\"\ntrain = { steps = 1, lr = 0.1 }",
            &["content/index.md:10:21: error: a layer of 1000000000 neurons, more than the limit of 500000 nodes for the whole graph"],
        ),
        blk(
            "a net with more params than nodes allowed",
            "id = \"a\"\ninputs = { x = 1, y = 2 }\nnet = { sizes = [2, 2000, 2000, 1], act = \"tanh\", seed = 1 }\ngraph = \"l = mlp(x, y)\"\ntrain = { steps = 1, lr = 0.1 }",
            &[
                "content/index.md:10:17: error: the net has 4010001 params, more than the limit of 500000 nodes for the whole graph",
                "sizes [2, 2000, 2000, 1] give 4010001",
            ],
        ),
        blk(
            "a net over many examples, drawn",
            &format!(
                "id = \"a\"\nnet = {{ sizes = [1, 16, 16, 1], act = \"tanh\", seed = 1 }}\nexamples = [{}]\ngraph = \"l = mlp(x)\"\nfigure = \"graph\"",
                "{ x = 1 },".repeat(400)
            ),
            &[
                "content/index.md:10:12: error: the graph would have at least 27120 nodes (400 examples × 66 nodes, 399 nodes adding them up, 321 params), more than the limit of 20000",
                "hint: a block with `train` draws a training figure",
            ],
        ),
        blk(
            "training over its work budget",
            &format!(
                "id = \"a\"\nparams = {{ w = 1 }}\nexamples = [{}]\ngraph = \"l = (w * x - y) ^ 2\"\ntrain = {{ steps = 10000, lr = 0.01 }}",
                "{ x = 1, y = 0.5 },".repeat(8000)
            ),
            &[
                "content/index.md:12:19: error: training 56002 nodes for 10000 steps is 560020000 node-steps, more than the budget of 250000000",
                "expected: at most 4464 steps for a graph of 56002 nodes",
            ],
        ),
        blk(
            "an id of a megabyte",
            &format!("id = \"{}\"\ngraph = \"y = 1\"", "a".repeat(1 << 20)),
            &[
                "content/index.md:8:6: error: the id is 1048576 characters long, more than the limit of 64",
                "expected: a short id of at most 64 lowercase letters",
            ],
        ),
        // ---- training blocks draw a training figure ----
        blk(
            "a training block drawn as a trace",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1, y = 2 } ]\ngraph = \"l = (w * x - y) ^ 2\"\ntrain = { steps = 400, lr = 0.01 }\nfigure = \"trace\"",
            &[
                "content/index.md:13:10: error: a block with `train` cannot be drawn as a trace",
                "expected: figure = \"training\" (the default for a block with `train`), or no `figure`",
                "hint: a trace steps through one forward and backward pass op by op",
                "note: `train` is set at content/index.md:12:9",
            ],
        ),
        // ---- data files ----
        blk(
            "data that names a folder",
            "id = \"a\"\nparams = { w = 1 }\ndata = \"sub\"\ngraph = \"l = w * x\"",
            &["content/index.md:10:8: error: `data` names content/sub, which is a folder"],
        ),
        Case {
            name: "data file over 16 MiB",
            files: vec![
                ("content/big.csv", format!("x\n{}", "1\n".repeat(8 << 20 | 1))),
                (
                    "content/index.md",
                    block("id = \"a\"\nparams = { w = 1 }\ndata = \"big.csv\"\ngraph = \"l = w * x\""),
                ),
            ],
            bytes: vec![],
            expect: vec![
                "content/index.md:10:8: error: the data file content/big.csv is 16777220 bytes, more than the limit of 16777216 (16 MiB)",
            ],
        },
        Case {
            name: "data file with more numbers than a graph holds",
            files: vec![
                ("content/d.csv", format!("x\n{}", "1\n".repeat(500_001))),
                (
                    "content/index.md",
                    block("id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x\"\nfigure = \"training\"\ntrain = { steps = 1, lr = 0.1 }"),
                ),
            ],
            bytes: vec![],
            expect: vec![
                "content/d.csv:500002:1: error: the data file has more than 500000 rows of 1 numbers",
                "expected: at most 500000 rows",
            ],
        },
        Case {
            name: "data file with CR line ends and a bad cell",
            files: vec![
                ("content/d.csv", s("x,y\r1,2\r3,abc\r")),
                (
                    "content/index.md",
                    block("id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x * y\""),
                ),
            ],
            bytes: vec![],
            expect: vec!["content/d.csv:3:3: error: `abc` in column `y` is not a number"],
        },
        // ---- data files as spreadsheets save them ----
        Case {
            name: "data file with a byte order mark and a bad cell",
            files: vec![
                ("content/d.csv", s("\u{feff}x,y\r\n1,2\r\n3,abc\r\n")),
                (
                    "content/index.md",
                    block("id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x * y\""),
                ),
            ],
            bytes: vec![],
            expect: vec![
                "content/d.csv:3:3: error: `abc` in column `y` is not a number",
                "3 | 3,abc\n",
            ],
        },
        Case {
            name: "data file with a byte order mark and a bad header name",
            files: vec![
                ("content/d.csv", s("\u{feff}x,sin\n1,2\n")),
                (
                    "content/index.md",
                    block("id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x\""),
                ),
            ],
            bytes: vec![],
            // Column 3 as an editor shows it, the mark left out of the line.
            expect: vec![
                "content/d.csv:1:3: error: `sin` is the name of a function",
                "1 | x,sin\n",
            ],
        },
        Case {
            name: "data file separated by semicolons",
            files: vec![
                ("content/d.csv", s("x;y\n1,5;0\n2;1\n")),
                (
                    "content/index.md",
                    block("id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x * y\""),
                ),
            ],
            bytes: vec![],
            expect: vec![
                "content/d.csv:1:1: error: `x;y` is not a valid input name",
                "hint: seen reads comma-separated values with `.` as the decimal point, and this file looks `;`-separated",
            ],
        },
        Case {
            name: "data file misspelled",
            files: vec![
                ("content/points.csv", s("x,y\n1,2\n")),
                (
                    "content/index.md",
                    block("id = \"a\"\nparams = { w = 1 }\ndata = \"point.csv\"\ngraph = \"l = w * x * y\""),
                ),
            ],
            bytes: vec![],
            expect: vec![
                "content/index.md:10:8: error: cannot read the data file content/point.csv: no such file",
                "hint: did you mean `points.csv`?",
            ],
        },
        // ---- text that is not UTF-8: one message, at the first bad byte ----
        raw(
            "a page that is not UTF-8",
            "content/sub/page.md",
            b"+++\ntitle = \"Sub\"\n+++\n\nCaf\xe9 au lait.\n",
            &[
                "content/sub/page.md:5:4: error: invalid UTF-8: the byte 0xE9 is not part of a character",
                "expected: text saved as UTF-8",
            ],
        ),
        Case {
            name: "a data file that is not UTF-8",
            files: vec![(
                "content/index.md",
                block("id = \"a\"\nparams = { w = 1 }\ndata = \"d.csv\"\ngraph = \"l = w * x\""),
            )],
            bytes: vec![("content/d.csv", b"x\n1\n\xff2\n".to_vec())],
            expect: vec![
                "content/d.csv:3:1: error: invalid UTF-8: the byte 0xFF is not part of a character",
                "expected: text saved as UTF-8",
            ],
        },
        raw(
            "seen.toml that is not UTF-8",
            "seen.toml",
            b"title = \"Caf\xe9\"\n",
            &["seen.toml:1:13: error: invalid UTF-8: the byte 0xE9 is not part of a character"],
        ),
        raw(
            "a template that is not UTF-8",
            "templates/page.html",
            b"{% extends \"base.html\" %}\n{% block body %}\xc3\x28{{ content | safe }}{% endblock body %}\n",
            &["templates/page.html:2:17: error: invalid UTF-8: the byte 0xC3 is not part of a character"],
        ),
    ]
}

/// Builds the site: (exit code, stdout and stderr). A crash (an abort,
/// a panic) has another code than 1, or none.
fn build(root: &Path) -> (Option<i32>, String) {
    let o = seen(&["build", "--root", root.to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    (o.status.code(), text)
}

#[test]
fn every_malformed_input_is_reported_at_its_place_and_the_output_kept() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let good: Vec<(&str, String)> = vec![
        ("seen.toml", "title = \"Good\"\n".into()),
        (
            "content/index.md",
            block("id = \"ok\"\nparams = { w = 2 }\ninputs = { x = 3 }\ngraph = \"y = w * x\""),
        ),
        (
            "content/sub/page.md",
            "+++\ntitle = \"Sub\"\n+++\n\nHi.\n".into(),
        ),
    ];
    let write = |files: &[(&str, String)]| {
        for (rel, text) in files {
            let p = root.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
    };
    write(&good);
    let (code, out) = build(root);
    assert_eq!(code, Some(0), "the good site builds: {out}");
    let before = snapshot(&root.join("public"));
    assert!(before.contains_key(Path::new("index.html")));

    let cases = cases();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        write(&c.files);
        for (rel, bytes) in &c.bytes {
            let p = root.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, bytes).unwrap();
        }
        let (code, out) = build(root);
        if code != Some(1) {
            failures.push(format!(
                "[{}] the build exited with {code:?}, not 1:\n{out}",
                c.name
            ));
        }
        // No raw control character (a CR of a CR-only file, an escape)
        // reaches the terminal.
        if out
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            failures.push(format!("[{}] a raw control character in:\n{out:?}", c.name));
        }
        for e in &c.expect {
            if !out.contains(e) {
                failures.push(format!("[{}] expected `{e}` in:\n{out}", c.name));
            }
        }
        if !out.contains("the output folder was left untouched") {
            failures.push(format!("[{}] no summary line:\n{out}", c.name));
        }
        if snapshot(&root.join("public")) != before {
            failures.push(format!("[{}] the previous output changed", c.name));
        }
        // Put the good site back: restore or remove what the case wrote.
        let written = c
            .files
            .iter()
            .map(|(r, _)| r)
            .chain(c.bytes.iter().map(|(r, _)| r));
        for rel in written {
            match good.iter().find(|(g, _)| g == rel) {
                Some(g) => write(std::slice::from_ref(g)),
                None => fs::remove_file(root.join(rel)).unwrap(),
            }
        }
        let _ = fs::remove_dir(root.join("templates"));
    }
    let (code, out) = build(root);
    assert_eq!(code, Some(0), "the good site builds again: {out}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn warnings_are_printed_at_their_place_and_do_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("seen.toml"), "title = \"Good\"\n").unwrap();
    fs::create_dir_all(root.join("content")).unwrap();
    // Unicode names, quoted in TOML, are names like any other; `b` and `t`
    // are never used.
    let page = block(
        "id = \"neuron\"\nparams = { \"ω\" = 0.5, b = 1 }\ninputs = { x = 2, t = 1 }\ngraph = \"\"\"\nz = ω * x\nθ = tanh(z)\n\"\"\"",
    );
    fs::write(root.join("content/index.md"), page).unwrap();
    let warned = [
        "content/index.md:9:23: warning: param `b` is not used by any statement",
        "content/index.md:10:19: warning: input `t` is not used by any statement",
        "hint: use it in `graph`, or remove it (it would be drawn as a lone node)",
    ];
    for command in ["check", "build"] {
        let o = crate::support::seen_in(&[command], root);
        let err = String::from_utf8_lossy(&o.stderr);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{command}: {err}{out}");
        for w in warned {
            assert!(err.contains(w), "{command}: `{w}` not in\n{err}");
        }
        assert!(!err.contains("error"), "{command}: {err}");
    }
    let o = crate::support::seen_in(&["check"], root);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("no errors, 2 warnings"), "{out}");
}
