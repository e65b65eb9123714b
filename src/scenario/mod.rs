//! The scenario language: `autograd` blocks in markdown, their TOML, the
//! expression statements, and their lowering into engine graphs.
//! `docs/language.md` is the contract.

pub mod budget;
pub mod closed;
pub mod data;
pub mod error;
pub mod expr;
pub mod lower;
pub mod model;
pub mod net;
pub mod reference;
mod run;
mod size;
pub mod spec;
pub mod trace;
pub mod train;

pub use data::Files;
pub use error::{BlockPlace, ScenarioError};
pub use lower::{Lowered, MAX_NODES, MAX_TRAINING_NODES, View};
pub use model::Model;
pub use net::Net;
pub use reference::Reference;
pub use train::{Divergence, Evaluator, MAX_TRAIN_STEPS, Train, Training};

use crate::diagnostic::Diagnostic;
use crate::engine::gradcheck::{Mismatch, check_gradients};
use crate::engine::{ForwardStep, Graph, Kind, Message, NodeId, Op, Transcript};
use crate::toml_errors::did_you_mean;
use expr::{Span, Stmt};
use lower::{Builder, Leaf};
use spec::{Spec, Values};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// What a block draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    Trace,
    Graph,
    Rule,
    Compare,
    Batch,
    StepSize,
    /// A block with `train`: the loss against the step and the model as it
    /// learns. Its graph is run, not drawn.
    Training,
}

impl Figure {
    pub const ALL: [(&'static str, Figure); 7] = [
        ("trace", Figure::Trace),
        ("graph", Figure::Graph),
        ("rule", Figure::Rule),
        ("compare", Figure::Compare),
        ("batch", Figure::Batch),
        ("step-size", Figure::StepSize),
        ("training", Figure::Training),
    ];

    /// Whether the figure draws the graph (and so keeps to [`MAX_NODES`]).
    pub fn draws_graph(self) -> bool {
        self != Figure::Training
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("trace", |(n, _)| n)
    }
}

/// Which views a block asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewChoice {
    Atomic,
    Modules,
    Both,
}

/// A named value with the span that defined it.
#[derive(Clone, Debug)]
pub struct Named {
    pub name: String,
    pub span: Span,
    pub value: f64,
}

/// A block, checked: every key valid, the statements parsed.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: String,
    pub id_span: Span,
    pub title: Option<String>,
    pub figure: Figure,
    pub view: ViewChoice,
    pub mean: bool,
    pub seed: f64,
    pub lr: Option<f64>,
    pub wrt: Option<(String, Span)>,
    pub group: Option<String>,
    /// Where the `group` value stands in the body (empty without one), for
    /// an error about the group.
    pub group_span: Span,
    /// Where the figure is chosen, for an error about its size: the
    /// `figure` value, or the `graph` value without one (a trace is the
    /// default).
    pub figure_span: Span,
    /// Where the examples are given: the `examples` or `data` value (empty
    /// without either).
    pub examples_span: Span,
    pub params: Vec<Named>,
    /// One list of inputs per example; a block without `examples` has one.
    pub examples: Vec<Vec<Named>>,
    pub batched: bool,
    pub stmts: Vec<Stmt>,
    pub output: usize,
    /// The block's net: its params come after `params` in the graph.
    pub net: Option<Net>,
    /// `train`: many steps of gradient descent.
    pub train: Option<Train>,
    /// The `data` file the examples came from (its rows are in `examples`).
    pub data: Option<Arc<error::OtherFile>>,
    /// The input that is the target (`label`, default `y` when there is
    /// one).
    pub label: Option<String>,
    /// What the plots draw as the prediction (`model`, or its default).
    pub model: Option<Model>,
    /// `closed_form`: the hand-derived derivative for `wrt`, as an
    /// expression (kept as a statement named `closed_form`).
    pub closed_form: Option<Stmt>,
    /// `reference`: a known curve of the model's feature, drawn beside it
    /// on a training figure.
    pub reference: Option<Reference>,
    /// What is worth telling the author but does not stop the build: a
    /// param or input that no statement uses.
    pub warnings: Vec<ScenarioError>,
    /// `input_grads`: the figures draw messages to inputs too.
    pub input_grads: bool,
}

/// One view of a scenario, run forward and backward (and updated).
#[derive(Clone, Debug)]
pub struct Run {
    pub view: View,
    /// The graph with the values and gradients of the run (before any update).
    pub lowered: Lowered,
    pub forward: Vec<ForwardStep>,
    pub messages: Vec<Message>,
    pub update: Option<crate::engine::Update>,
    /// For a block with `train`: every step of the run, shared by the
    /// block's views (trained once, on the first view).
    pub training: Option<Arc<Training>>,
    /// The block's `input_grads`: its story tells the messages to inputs.
    pub input_grads: bool,
}

impl Run {
    pub fn graph(&self) -> &Graph {
        &self.lowered.graph
    }

    pub fn output(&self) -> NodeId {
        self.lowered.output
    }

    /// The run as the story reads it.
    pub fn transcript(&self) -> Transcript<'_> {
        Transcript {
            graph: self.graph(),
            output: self.output(),
            forward: &self.forward,
            messages: &self.messages,
            update: self.update.as_ref(),
            input_grads: self.input_grads,
        }
    }
}

/// So `story::tell(&run)` reads as it says.
impl<'a> From<&'a Run> for Transcript<'a> {
    fn from(run: &'a Run) -> Self {
        run.transcript()
    }
}

/// Longest `id`: it names files (`ID-01.svg`, `ID.trace.json`) and
/// anchors, and a file name has at most 255 bytes.
pub const MAX_ID_LEN: usize = 64;

fn check_id(id: &toml::Spanned<String>) -> Result<(), ScenarioError> {
    let len = id.get_ref().chars().count();
    if len > MAX_ID_LEN {
        // Not echoed: an id of a megabyte would fill the terminal.
        return Err(ScenarioError::new(
            id.span().start..id.span().start + 1,
            format!("the id is {len} characters long, more than the limit of {MAX_ID_LEN}"),
        )
        .expected(format!(
            "a short id of at most {MAX_ID_LEN} lowercase letters, digits and `-`, such as \"single-example\""
        ))
        .hint("the id names the figure's files and its anchor: keep it to a few words"));
    }
    let ok = !id.get_ref().is_empty()
        && id
            .get_ref()
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(
            ScenarioError::new(id.span(), format!("`{}` is not a valid id", id.get_ref()))
                .expected("lowercase letters, digits and `-` only, such as \"single-example\""),
        )
    }
}

/// Adds "did you mean …?" when `word` looks like a typo of one of `known`.
fn suggest(err: ScenarioError, word: &str, known: &[&str]) -> ScenarioError {
    match did_you_mean(word, known) {
        Some(h) => err.hint(h),
        None => err,
    }
}

pub(crate) fn choice<T: Copy>(
    v: &Option<toml::Spanned<String>>,
    key: &str,
    options: &[(&str, T)],
    default: T,
) -> Result<T, ScenarioError> {
    let Some(v) = v else { return Ok(default) };
    options
        .iter()
        .find(|(n, _)| *n == v.get_ref())
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            let names: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
            let known: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            let err = ScenarioError::new(v.span(), format!("unknown {key} \"{}\"", v.get_ref()))
                .expected(format!("one of {}", names.join(", ")));
            suggest(err, v.get_ref(), &known)
        })
}

fn named(values: &Values) -> Vec<Named> {
    values
        .iter()
        .map(|(k, v)| Named {
            name: k.get_ref().clone(),
            span: k.span(),
            value: *v.get_ref(),
        })
        .collect()
}

fn check_leaf_names(all: &[&Named]) -> Result<(), ScenarioError> {
    // Each name's first definition, looked up rather than searched for: a
    // block of 6,600 params spent 0.3 s comparing names pairwise.
    let mut first: HashMap<&str, &Named> = HashMap::with_capacity(all.len());
    for n in all {
        if !expr::is_name(&n.name) {
            return Err(ScenarioError::new(
                n.span.clone(),
                format!("`{}` is not a valid name", n.name),
            )
            .expected("a name of letters, digits and `_`, starting with a letter"));
        }
        if lower::FUNCTIONS.iter().any(|(f, _)| *f == n.name) {
            return Err(ScenarioError::new(
                n.span.clone(),
                format!("`{}` is the name of a function", n.name),
            )
            .expected("a name that is not a function"));
        }
        if let Some(first) = first.get(n.name.as_str()) {
            return Err(ScenarioError::new(
                n.span.clone(),
                format!("`{}` is defined twice", n.name),
            )
            .expected("each param and input defined once")
            .see(
                format!("`{}` is first defined at", n.name),
                first.span.start,
            ));
        }
        first.insert(&n.name, n);
        if !n.value.is_finite() {
            return Err(ScenarioError::new(
                n.span.clone(),
                format!("`{}` is not a finite number", n.name),
            )
            .expected("a finite number"));
        }
    }
    Ok(())
}

/// Where the text of a TOML string value starts inside the block body, if
/// the body bytes and the decoded value line up one to one (no escapes).
/// Otherwise every expression error points at the start of the string.
pub(crate) fn string_body(body: &str, span: Span, value: &str) -> Option<usize> {
    let raw = body.get(span.clone())?;
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if let Some(inner) = raw.strip_prefix(quote).and_then(|r| r.strip_suffix(quote)) {
            let mut start = span.start + quote.len();
            let mut inner = inner;
            if quote.len() == 3 {
                // TOML trims a newline right after the opening quotes.
                if let Some(rest) = inner.strip_prefix("\r\n") {
                    inner = rest;
                    start += 2;
                } else if let Some(rest) = inner.strip_prefix('\n') {
                    inner = rest;
                    start += 1;
                }
            }
            return (inner == value).then_some(start);
        }
    }
    None
}

/// Parses and checks one block body (the TOML between the fences), step by
/// step: the TOML, the id, the statements, the leaves, the statement names
/// and their order, the output, the settings, and what the figure needs.
pub fn parse(body: &str) -> Result<Scenario, ScenarioError> {
    parse_in(body, None)
}

/// [`parse`] for a block of a page: `page` is the markdown file as shown
/// in diagnostics and where it is on disk, for a `data` file beside it.
pub fn parse_in(body: &str, page: Option<(&Path, Files)>) -> Result<Scenario, ScenarioError> {
    let spec = read_spec(body)?;
    check_id(&spec.id)?;
    let stmts = read_graph(body, &spec.graph)?;
    let params = named(&spec.params);
    let data = match &spec.data {
        None => None,
        Some(d) => {
            if let Some(ex) = &spec.examples {
                return Err(ScenarioError::new(
                    d.span(),
                    "`data` and `examples` cannot be used together",
                )
                .expected("examples from `data` (a CSV file) or written as `examples`, not both")
                .see("`examples` is set at", ex.span().start));
            }
            let (display, files) = match &page {
                Some((display, files)) => (*display, Some(files)),
                None => (Path::new(""), None),
            };
            Some(data::read(d.get_ref(), d.span(), files, display)?)
        }
    };
    // The net, the training and the figure come before the examples are
    // built: together they say how big the graph will be, and a block
    // over the limit is refused before anything that size is allocated.
    let net = spec.net.as_ref().map(Net::read).transpose()?;
    let has_params = !params.is_empty() || net.is_some();
    let train = train::read(&spec.train, &spec.update, has_params)?;
    let figure = read_figure(&spec.figure, train.as_ref())?;
    size::check(&spec, &params, data.as_ref(), net.as_ref(), &stmts, figure)?;
    let (examples, batched) = read_examples(&spec, &params, data.as_ref())?;
    let leaves: Vec<&Named> = params.iter().chain(examples[0].iter()).collect();
    if let Some(n) = &net {
        check_net_name(n, &leaves)?;
    }
    check_statement_names(&stmts, &leaves)?;
    if let Some(n) = &net
        && let Some(st) = stmts.iter().find(|st| st.name == n.name)
    {
        return Err(ScenarioError::new(
            st.name_span.clone(),
            format!("`{}` is the name of the net", st.name),
        )
        .expected("a name for the statement that is not the net's"));
    }
    check_order(&stmts, &leaves, data.as_ref())?;
    let output = output_index(&spec.output, &stmts)?;

    let view = choice(
        &spec.view,
        "view",
        &[
            ("atomic", ViewChoice::Atomic),
            ("modules", ViewChoice::Modules),
            ("both", ViewChoice::Both),
        ],
        ViewChoice::Atomic,
    )?;
    let mean = choice(
        &spec.reduce,
        "reduce",
        &[("mean", true), ("sum", false)],
        true,
    )?;
    let seed = read_seed(&spec.seed)?;
    let lr = learning_rate(&spec.update, has_params)?;
    let wrt = read_wrt(&spec.wrt, &leaves)?;
    check_figure_needs(figure, &spec.id, wrt.is_some(), batched)?;
    if figure == Figure::Training && train.is_none() {
        return Err(
            ScenarioError::new(spec.id.span(), "a training figure needs `train`")
                .expected("train = { steps = 100, lr = 0.05 }"),
        );
    }
    let warnings = unused_leaves(&params, &examples[0], &stmts);
    let label = model::read_label(&spec.label, &params, &examples[0], &stmts)?;
    // A net's params are not in `params`, but a statement that calls the
    // net depends on them: its name stands for them.
    let mut fitted = params.clone();
    if let Some(n) = &net {
        fitted.push(Named {
            name: n.name.clone(),
            span: n.name_span.clone(),
            value: 0.0,
        });
    }
    let model = model::read_model(&spec.model, label.as_deref(), &fitted, &examples[0], &stmts)?;
    let closed_form = closed::read_closed_form(body, &spec.closed_form, figure)?;
    let reference = reference::read_reference(body, &spec.reference, figure, model.as_ref())?;

    let scenario = Scenario {
        id: spec.id.get_ref().clone(),
        id_span: spec.id.span(),
        title: spec.title.map(|t| t.into_inner()),
        figure,
        view,
        mean,
        seed,
        lr,
        wrt,
        group_span: spec.group.as_ref().map_or(0..0, |g| g.span()),
        figure_span: spec.figure.as_ref().map_or(spec.graph.span(), |f| f.span()),
        examples_span: (spec.examples.as_ref().map(|e| e.span()))
            .or(spec.data.as_ref().map(|d| d.span()))
            .unwrap_or(0..0),
        group: spec.group.map(|g| g.into_inner()),
        params,
        examples,
        batched,
        stmts,
        output,
        net,
        train,
        data: data.map(|d| d.file),
        label,
        model,
        closed_form,
        reference,
        warnings,
        input_grads: spec.input_grads.is_some_and(|b| *b.get_ref()),
    };
    scenario.check_rule_card()?;
    Ok(scenario)
}

/// The figure a block draws: `figure`, or by default a training figure for
/// a block with `train` and a trace for any other. A trace of a training
/// block is refused: it would draw every op of the first pass one frame at
/// a time (400 steps' worth of a net gave 10,442 frames, 87 s, 10 GB), and
/// show nothing of the training.
fn read_figure(
    figure: &Option<toml::Spanned<String>>,
    train: Option<&Train>,
) -> Result<Figure, ScenarioError> {
    let default = if train.is_some() {
        Figure::Training
    } else {
        Figure::Trace
    };
    let chosen = choice(figure, "figure", &Figure::ALL, default)?;
    match (figure, train) {
        (Some(f), Some(t)) if chosen == Figure::Trace => Err(ScenarioError::new(
            f.span(),
            "a block with `train` cannot be drawn as a trace",
        )
        .expected("figure = \"training\" (the default for a block with `train`), or no `figure`")
        .hint("a trace steps through one forward and backward pass op by op; to show one step of gradient descent that way, write `update = { lr = … }` instead of `train`")
        .see("`train` is set at", t.span.start)),
        _ => Ok(chosen),
    }
}

/// The TOML of the block, with serde's messages reworded for authors.
fn read_spec(body: &str) -> Result<Spec, ScenarioError> {
    toml::from_str(body).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let raw = e.message().trim();
        let x = crate::toml_errors::explain(raw);
        let expected = x.expected.unwrap_or_else(|| {
            if raw.starts_with("missing field") {
                "every block to have `id` and `graph`".into()
            } else {
                crate::help::valid_toml()
            }
        });
        let err = ScenarioError::new(span.clone(), format!("invalid block: {}", x.message))
            .expected(expected);
        match x.hint.or_else(|| unquoted_key_hint(body, span.start)) {
            Some(h) => err.hint(h),
            None => err,
        }
    })
}

/// TOML bare keys are ASCII only: `params = { ω = 1 }` is a syntax error.
/// When the error sits on such a name, say how to write it.
fn unquoted_key_hint(body: &str, at: usize) -> Option<String> {
    let mut at = at.min(body.len());
    while !body.is_char_boundary(at) {
        at -= 1;
    }
    let start = body[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| expr::is_name_continue(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = body[at..]
        .char_indices()
        .find(|(_, c)| !expr::is_name_continue(*c))
        .map_or(body.len(), |(i, _)| at + i);
    let word = &body[start..end];
    (!word.is_ascii() && expr::is_name(word))
        .then(|| format!("TOML keys beyond ASCII letters must be quoted: write \"{word}\" = …"))
}

/// The statements of `graph`, with spans into the block body.
fn read_graph(body: &str, graph: &toml::Spanned<String>) -> Result<Vec<Stmt>, ScenarioError> {
    let text = graph.get_ref();
    let stmts = match string_body(body, graph.span(), text) {
        Some(base) => expr::parse_graph(text, base)?,
        None => expr::parse_graph(text, 0).map_err(|e| ScenarioError {
            offset: graph.span().start,
            len: 3,
            ..e
        })?,
    };
    if stmts.is_empty() {
        return Err(
            ScenarioError::new(graph.span(), "the graph has no statements")
                .expected("at least one line `name = expression`"),
        );
    }
    Ok(stmts)
}

/// The inputs of every example (one list for a block without `examples`),
/// each checked together with the params, and whether the block is batched.
/// Every example must give the inputs of the first; they are put in its
/// order.
fn read_examples(
    spec: &Spec,
    params: &[Named],
    data: Option<&data::Data>,
) -> Result<(Vec<Vec<Named>>, bool), ScenarioError> {
    let inputs = named(&spec.inputs);
    let check = |leaves: &[Named]| {
        let all: Vec<&Named> = params.iter().chain(leaves).collect();
        check_leaf_names(&all)
    };
    if let (Some(d), Some(key)) = (data, &spec.data) {
        // Each row is an example, as if written in `examples`; the values
        // point at the `data` key.
        let mut all = Vec::with_capacity(d.rows.len());
        for row in &d.rows {
            let mut leaves = inputs.clone();
            leaves.extend(d.columns.iter().zip(row).map(|((name, _), v)| Named {
                name: name.clone(),
                span: key.span(),
                value: *v,
            }));
            if all.is_empty() {
                check(&leaves)?;
            }
            all.push(leaves);
        }
        return Ok((all, true));
    }
    let Some(ex) = &spec.examples else {
        check(&inputs)?;
        return Ok((vec![inputs], false));
    };
    if ex.get_ref().is_empty() {
        return Err(ScenarioError::new(ex.span(), "`examples` is empty")
            .expected("at least one table of input values"));
    }
    let mut all = Vec::new();
    for table in ex.get_ref() {
        // Inputs given once apply to every example; the example's own
        // values come after them.
        let mut leaves = inputs.clone();
        leaves.extend(named(table.get_ref()));
        check(&leaves)?;
        all.push(leaves);
    }
    let first: Vec<String> = all[0].iter().map(|n| n.name.clone()).collect();
    for (k, (leaves, table)) in all.iter_mut().zip(ex.get_ref()).enumerate().skip(1) {
        let wrong = |what: String| {
            ScenarioError::new(table.span(), format!("example {} {what}", k + 1)).expected(format!(
                "every example to set {} (as example 1 does)",
                first.join(", ")
            ))
        };
        if let Some(missing) = first.iter().find(|n| !leaves.iter().any(|l| &l.name == *n)) {
            return Err(wrong(format!("has no `{missing}`")));
        }
        if let Some(extra) = leaves.iter().find(|l| !first.contains(&l.name)) {
            return Err(wrong(format!("has an extra key `{}`", extra.name)));
        }
        leaves.sort_by_key(|l| first.iter().position(|n| *n == l.name));
    }
    Ok((all, true))
}

/// The net's name is new: not a param or an input.
fn check_net_name(net: &Net, leaves: &[&Named]) -> Result<(), ScenarioError> {
    match leaves.iter().find(|l| l.name == net.name) {
        Some(l) => Err(ScenarioError::new(
            net.name_span.clone(),
            format!(
                "the net's name `{}` is already a param or an input",
                net.name
            ),
        )
        .expected("a name for the net that no param or input has, such as \"mlp\"")
        .see(format!("`{}` is defined at", l.name), l.span.start)),
        None => Ok(()),
    }
}

/// Statements define new names: not twice, not a leaf, not a function.
fn check_statement_names(stmts: &[Stmt], leaves: &[&Named]) -> Result<(), ScenarioError> {
    // Hash lookups, not scans: a block of 200,000 statements is refused in
    // linear time (it is over the node limit, but must be told so quickly).
    let leaf_names: HashSet<&str> = leaves.iter().map(|n| n.name.as_str()).collect();
    let mut seen: HashMap<&str, &Stmt> = HashMap::with_capacity(stmts.len());
    for st in stmts {
        if let Some(prev) = seen.get(st.name.as_str()).copied() {
            return Err(ScenarioError::new(
                st.name_span.clone(),
                format!("`{}` is defined twice", st.name),
            )
            .expected("each statement to define a new name")
            .see(
                format!("`{}` is first defined at", st.name),
                prev.name_span.start,
            ));
        }
        seen.insert(st.name.as_str(), st);
        if leaf_names.contains(st.name.as_str()) {
            return Err(ScenarioError::new(
                st.name_span.clone(),
                format!("`{}` is already a param or an input", st.name),
            )
            .expected("a new name for the statement"));
        }
        if lower::FUNCTIONS.iter().any(|(f, _)| *f == st.name) {
            return Err(ScenarioError::new(
                st.name_span.clone(),
                format!("`{}` is the name of a function", st.name),
            )
            .expected("a name that is not a function"));
        }
    }
    Ok(())
}

/// Which statement is the output: the one `output` names, else the last.
fn output_index(
    output: &Option<toml::Spanned<String>>,
    stmts: &[Stmt],
) -> Result<usize, ScenarioError> {
    let Some(o) = output else {
        return Ok(stmts.len() - 1);
    };
    stmts
        .iter()
        .position(|s| &s.name == o.get_ref())
        .ok_or_else(|| {
            let names: Vec<&str> = stmts.iter().map(|s| s.name.as_str()).collect();
            ScenarioError::new(
                o.span(),
                format!(
                    "`output` names `{}`, which no statement defines",
                    o.get_ref()
                ),
            )
            .expected(format!("one of the statements: {}", names.join(", ")))
        })
}

fn read_seed(seed: &Option<toml::Spanned<f64>>) -> Result<f64, ScenarioError> {
    match seed {
        Some(s) if !s.get_ref().is_finite() => Err(ScenarioError::new(
            s.span(),
            "`seed` is not a finite number",
        )
        .expected("a finite number")),
        Some(s) => Ok(*s.get_ref()),
        None => Ok(1.0),
    }
}

/// The learning rate of `update`: a finite number above 0, and params to
/// apply it to.
fn learning_rate(
    update: &Option<toml::Spanned<spec::Update>>,
    has_params: bool,
) -> Result<Option<f64>, ScenarioError> {
    let Some(u) = update else { return Ok(None) };
    let v = check_lr(&u.get_ref().lr)?;
    if !has_params {
        return Err(
            ScenarioError::new(u.span(), "`update` needs params to update")
                .expected("a `params` table"),
        );
    }
    Ok(Some(v))
}

/// A learning rate: a finite number above 0.
pub(crate) fn check_lr(lr: &toml::Spanned<f64>) -> Result<f64, ScenarioError> {
    let v = *lr.get_ref();
    if !v.is_finite() {
        return Err(ScenarioError::new(lr.span(), "`lr` is not a finite number")
            .expected("a finite learning rate such as 0.2"));
    }
    if v <= 0.0 {
        return Err(ScenarioError::new(
            lr.span(),
            format!("`lr` is {v}, but a step of gradient descent needs a learning rate above 0"),
        )
        .expected("a finite learning rate greater than 0, such as 0.2"));
    }
    Ok(v)
}

/// The leaf `wrt` names, if any.
fn read_wrt(
    wrt: &Option<toml::Spanned<String>>,
    leaves: &[&Named],
) -> Result<Option<(String, Span)>, ScenarioError> {
    let Some(w) = wrt else { return Ok(None) };
    let name = w.get_ref();
    if !leaves.iter().any(|n| &n.name == name) {
        let names: Vec<&str> = leaves.iter().map(|n| n.name.as_str()).collect();
        let err = ScenarioError::new(
            w.span(),
            format!("`wrt` names `{name}`, which is not a param or an input"),
        )
        .expected(format!("one of {}", names.join(", ")));
        return Err(suggest(err, name, &names));
    }
    Ok(Some((name.clone(), w.span())))
}

/// A step-size figure needs `wrt`, a batch figure `examples`.
fn check_figure_needs(
    figure: Figure,
    id: &toml::Spanned<String>,
    has_wrt: bool,
    batched: bool,
) -> Result<(), ScenarioError> {
    if figure == Figure::StepSize && !has_wrt {
        return Err(
            ScenarioError::new(id.span(), "a step-size figure needs `wrt`")
                .expected("wrt = \"w\", the param to differentiate with respect to"),
        );
    }
    if figure == Figure::Batch && !batched {
        return Err(
            ScenarioError::new(id.span(), "a batch figure needs `examples`")
                .expected("examples = [ { x = 1.0, y = 1 }, … ]"),
        );
    }
    Ok(())
}

/// Warnings for params and inputs that no statement uses: they would be
/// drawn as lone nodes.
fn unused_leaves(params: &[Named], inputs: &[Named], stmts: &[Stmt]) -> Vec<ScenarioError> {
    let mut used = Vec::new();
    for st in stmts {
        names_in(&st.expr, &mut used);
    }
    let kinds = params
        .iter()
        .map(|p| ("param", p))
        .chain(inputs.iter().map(|i| ("input", i)));
    kinds
        .filter(|(_, n)| !used.iter().any(|(u, _)| *u == n.name))
        .map(|(kind, n)| {
            ScenarioError::new(
                n.span.clone(),
                format!("{kind} `{}` is not used by any statement", n.name),
            )
            .hint("use it in `graph`, or remove it (it would be drawn as a lone node)")
        })
        .collect()
}

/// The id of a block, read on its own so that a duplicate id is reported
/// even when the rest of the block has errors. `None` when the TOML is too
/// broken to say.
fn id_of(body: &str) -> Option<toml::Spanned<String>> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: toml::Spanned<String>,
    }
    toml::from_str::<Id>(body).ok().map(|i| i.id)
}

/// Parses and runs one block of a page. Every error of the block comes back
/// as a diagnostic at its place in the file, an id the page already used
/// among them, even when the block has other errors; warnings are added to
/// `warnings`. `ids` holds every id seen so far on the page with its byte
/// offset in the file.
pub fn parse_on_page(
    body: &str,
    place: &BlockPlace,
    ids: &mut Vec<(String, usize)>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Scenario, Vec<Run>), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if let Some(id) = id_of(body) {
        match ids.iter().find(|(seen, _)| seen == id.get_ref()) {
            Some((_, first)) => {
                let e = ScenarioError::new(
                    id.span(),
                    format!("duplicate id \"{}\" on this page", id.get_ref()),
                )
                .expected("a unique id for each block of a page");
                let first = crate::diagnostic::place(place.file, place.markdown, *first);
                errors.push(
                    place
                        .diagnostic(&e)
                        .with_note(format!("the id is first used at {first}")),
                );
            }
            None => ids.push((id.get_ref().clone(), place.to_file(id.span().start))),
        }
    }
    let page = place.files.map(|f| (place.file, f));
    let result = parse_in(body, page).and_then(|s| {
        let runs = s.analyze()?;
        Ok((s, runs))
    });
    match result {
        Ok((s, runs)) if errors.is_empty() => {
            warnings.extend(s.warnings.iter().map(|w| place.warning(w)));
            if let Some(w) = s.divergence_warning(&runs) {
                warnings.push(place.warning(&w));
            }
            Ok((s, runs))
        }
        Ok(_) => Err(errors),
        Err(e) => {
            errors.push(place.diagnostic(&e));
            errors.sort_by_key(|d| (d.line, d.col));
            Err(errors)
        }
    }
}

impl Scenario {
    /// The warning of a training run that diverged, at the block's `train`:
    /// the build goes on and draws the run up to its last finite step.
    pub fn divergence_warning(&self, runs: &[Run]) -> Option<ScenarioError> {
        let t = runs.first()?.training.as_ref()?;
        let d = t.diverged.as_ref()?;
        let train = self.train.as_ref()?;
        Some(
            ScenarioError::new(
                train.span.clone(),
                format!("training diverged at step {}: {}", d.at, d.why),
            )
            .hint(format!(
                "the figure draws the run up to step {}; a smaller `lr` (now {}) keeps it finite",
                d.at - 1,
                train.lr
            )),
        )
    }
}

/// Every name an expression uses, with its span, in reading order.
fn names_in<'e>(e: &'e expr::Expr, out: &mut Vec<(&'e str, Span)>) {
    // Iterative walk: expressions are bounded in depth, but an explicit
    // stack keeps this obviously safe.
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            expr::ExprKind::Name(n) => out.push((n, e.span.clone())),
            expr::ExprKind::Num(_) => {}
            expr::ExprKind::Neg(a) => stack.push(a),
            expr::ExprKind::Bin(_, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            expr::ExprKind::Call { args, .. } => stack.extend(args.iter().rev()),
        }
    }
}

/// A name used before its statement gets "defined on a later line" rather
/// than a bare "unknown name".
fn check_order(
    stmts: &[Stmt],
    leaves: &[&Named],
    data: Option<&data::Data>,
) -> Result<(), ScenarioError> {
    // Each name's first statement, and the leaves, as hash lookups: the
    // check is linear in the block's size (see check_statement_names).
    let leaf_names: HashSet<&str> = leaves.iter().map(|l| l.name.as_str()).collect();
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(stmts.len());
    for (i, st) in stmts.iter().enumerate() {
        first.entry(st.name.as_str()).or_insert(i);
    }
    let mut used = Vec::new();
    for (i, st) in stmts.iter().enumerate() {
        used.clear();
        names_in(&st.expr, &mut used);
        for (n, span) in used.drain(..) {
            if leaf_names.contains(n) || first.get(n).is_some_and(|&k| k < i) {
                continue;
            }
            let err = ScenarioError::new(span, format!("`{n}` is used before it is defined"));
            let later = first.get(n).map(|&k| &stmts[k]);
            return Err(match later {
                Some(later) if later.name == st.name => err
                    .expected("a param, an input, or an earlier statement")
                    .hint(format!("`{n}` cannot use itself")),
                Some(later) => err
                    .expected("a param, an input, or an earlier statement")
                    .hint("move the line that defines it above this one")
                    .see(format!("`{n}` is defined at"), later.name_span.start),
                None if data.is_some() => {
                    // With a data file, a name nothing defines is a column
                    // the file lacks: said at its header.
                    let d = data.expect("checked");
                    let columns: Vec<&str> = d.columns.iter().map(|(c, _)| c.as_str()).collect();
                    let header = d.file.text.lines().next().unwrap_or("").len();
                    let err = d
                        .error(0, header, format!("the data has no column `{n}`, which `graph` uses"))
                        .expected(format!(
                            "a column `{n}` beside {}, or a param or an earlier statement of that name",
                            columns.join(", ")
                        ))
                        .see(format!("`{n}` is used at"), err.offset);
                    suggest(err, n, &columns)
                }
                None => {
                    let known: Vec<&str> = leaves
                        .iter()
                        .map(|l| l.name.as_str())
                        .chain(stmts[..i].iter().map(|s| s.name.as_str()))
                        .collect();
                    let err = ScenarioError::new(
                        err.offset..err.offset + err.len,
                        format!("unknown name `{n}`"),
                    )
                    .expected(if known.is_empty() {
                        "a param, an input, or an earlier statement".to_string()
                    } else {
                        format!("one of {}", known.join(", "))
                    });
                    suggest(err, n, &known)
                }
            });
        }
    }
    Ok(())
}

/// (name, gradient) of every param and input, in arena order.
pub fn leaf_grads(g: &Graph) -> Vec<(String, f64)> {
    g.nodes
        .iter()
        .filter(|n| matches!(n.kind, Kind::Param | Kind::Input))
        .map(|n| (n.name.clone().unwrap_or_default(), n.grad))
        .collect()
}
