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
    /// `FILE:LINE:COL: error: message` (or `FILE: error: message` for a
    /// whole file), as printed; each string must appear in the output.
    expect: Vec<&'static str>,
}

fn case(name: &'static str, file: &'static str, text: String, expect: &[&'static str]) -> Case {
    Case {
        name,
        files: vec![(file, text)],
        expect: expect.to_vec(),
    }
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
            "unknown function",
            "id = \"a\"\ninputs = { x = 1 }\ngraph = \"y = foo(x)\"",
            &[
                "content/index.md:10:14: error: unknown function `foo`",
                "one of exp, log, recip, relu, tanh, linear, sigmoid, bce",
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
        blk(
            "training that diverges",
            "id = \"a\"\nparams = { w = 1 }\nexamples = [ { x = 1, y = 2 } ]\ngraph = \"l = (w * x - y) ^ 2\"\ntrain = { steps = 1000, lr = 10 }",
            &[
                "content/index.md:11:14: error: training step 121 (after 121 updates with lr = 10): the result is inf, not a finite number in statement `l`: pow(5.360258266960214e154)",
                "expected: finite values at every step of training (a smaller `lr` may help)",
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
                "content/index.md:11:9: error: this trace would draw 2,103 frames (limit 2,000)",
                "expected: at most 2,000 frames: one per forward op and per backward message, and 3 or 4 more",
                "hint: draw it as `figure = \"graph\"` (one picture of the whole graph), or split the graph into smaller blocks",
            ],
        ),
        blk(
            "a batch figure over the frame budget",
            &format!(
                "id = \"a\"\nparams = {{ w = 0.5 }}\nexamples = [ {} ]\ngraph = \"\"\"\ny = w * x\nloss = (y - t) ^ 2\n\"\"\"\nfigure = \"batch\"",
                vec!["{ x = 1, t = 2 }"; 160].join(", ")
            ),
            &[
                "content/index.md:10:12: error: this batch figure would draw 2,082 frames for 160 examples (limit 2,000)",
                "hint: use at most 153 examples (13 more frames each), or draw the graph as `figure = \"graph\"` (one picture)",
            ],
        ),
        blk(
            "training over the work budget",
            &format!(
                "id = \"a\"\nparams = {{ w = 1 }}\nexamples = [ {} ]\ngraph = \"l = (w * x - y) ^ 2\"\ntrain = {{ steps = 10000, lr = 0.001 }}\nfigure = \"training\"",
                vec!["{ x = 1, y = 2 }"; 2000].join(", ")
            ),
            &[
                "content/index.md:12:9: error: training 10,000 steps of a graph of 14,002 nodes is 140,020,000 node-steps (limit 50,000,000)",
                "expected: nodes × steps at most 50,000,000",
                "hint: train for at most 3,570 steps, or use fewer examples or a smaller net",
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
        case(
            "script in markdown",
            "content/index.md",
            s("+++\ntitle = \"T\"\n+++\n\nHello <script>alert(1)</script>\n"),
            &["content/index.md:5:7: error: raw HTML uses a `<script>` element"],
        ),
        case(
            "style attribute in markdown",
            "content/index.md",
            s("+++\ntitle = \"T\"\n+++\n\n<p style=\"color:red\">x</p>\n"),
            &["content/index.md:5:4: error: raw HTML uses a `style` attribute"],
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
            &["content: error: the output folder would replace the content folder"],
        ),
        case(
            "seen.toml missing content folder",
            "seen.toml",
            s("title = \"T\"\ncontent_dir = \"pages\"\n"),
            &["pages: error: content folder not found"],
        ),
    ]
}

fn build(root: &Path) -> (bool, String) {
    let o = seen(&["build", "--root", root.to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    (o.status.success(), text)
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
    let (ok, out) = build(root);
    assert!(ok, "the good site builds: {out}");
    let before = snapshot(&root.join("public"));
    assert!(before.contains_key(Path::new("index.html")));

    let cases = cases();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        write(&c.files);
        let (ok, out) = build(root);
        if ok {
            failures.push(format!("[{}] the build succeeded:\n{out}", c.name));
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
        for (rel, _) in &c.files {
            match good.iter().find(|(g, _)| g == rel) {
                Some(g) => write(std::slice::from_ref(g)),
                None => fs::remove_file(root.join(rel)).unwrap(),
            }
        }
        let _ = fs::remove_dir(root.join("templates"));
    }
    let (ok, out) = build(root);
    assert!(ok, "the good site builds again: {out}");
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
