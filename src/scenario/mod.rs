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
mod read;
pub mod reference;
mod run;
mod size;
pub mod spec;
pub mod trace;
pub mod train;
pub mod vary;

pub use data::Files;
pub use error::{BlockPlace, ScenarioError};
pub use lower::{Lowered, MAX_NODES, MAX_TRAINING_NODES, View};
pub use model::Model;
pub use net::Net;
pub use reference::Reference;
pub use train::{Divergence, Evaluator, MAX_TRAIN_STEPS, Train, Training};
pub use vary::{MAX_VARIANTS, Variant, Varied};

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

use read::*;

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
    /// Forward mode against reverse mode on one graph: a still per param
    /// with every node's derivative along it (one forward-mode pass each),
    /// and the still of one backward pass.
    Modes,
}

impl Figure {
    pub const ALL: [(&'static str, Figure); 8] = [
        ("trace", Figure::Trace),
        ("graph", Figure::Graph),
        ("rule", Figure::Rule),
        ("compare", Figure::Compare),
        ("batch", Figure::Batch),
        ("step-size", Figure::StepSize),
        ("training", Figure::Training),
        ("modes", Figure::Modes),
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
    /// The caption of the group's tabs (`group_label`), with its place.
    pub group_label: Option<(String, Span)>,
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
    /// `vary`: the values to try, key by key (empty without it).
    pub vary: Vec<Varied>,
    /// Where the `vary` value stands in the body (empty without one).
    pub vary_span: Span,
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
    /// Every combination of the block's `vary`, in order (shared by its
    /// views; empty without `vary`).
    pub variants: Arc<Vec<Variant>>,
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
    let data = read_data(&spec, page)?;
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
    check_names(net.as_ref(), &stmts, &leaves)?;
    check_order(&stmts, &leaves, data.as_ref())?;
    let output = output_index(&spec.output, &stmts)?;

    let view = read_view(&spec.view)?;
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
    check_modes(figure, &spec, params.len(), batched)?;
    if figure == Figure::Training && train.is_none() {
        return Err(
            ScenarioError::new(spec.id.span(), "a training figure needs `train`")
                .expected("train = { steps = 100, lr = 0.05 }"),
        );
    }
    let warnings = unused_leaves(&params, &examples[0], &stmts);
    let label = model::read_label(&spec.label, &params, &examples[0], &stmts)?;
    let fitted = fitted_names(&params, net.as_ref());
    let model = model::read_model(&spec.model, label.as_deref(), &fitted, &examples[0], &stmts)?;
    let closed_form = closed::read_closed_form(body, &spec.closed_form, figure)?;
    let reference = reference::read_reference(body, &spec.reference, figure, model.as_ref())?;
    let vary = vary::read(&spec, &params, lr, train.as_ref(), figure)?;

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
        group_label: read_group_label(&spec.group_label, spec.group.is_some())?,
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
        vary,
        vary_span: spec.vary.as_ref().map_or(0..0, |v| v.span()),
    };
    scenario.check_rule_card()?;
    Ok(scenario)
}

/// Reads the block's `data` file, if it names one, relative to `page`
/// (refused beside `examples`).
fn read_data(
    spec: &Spec,
    page: Option<(&Path, Files)>,
) -> Result<Option<data::Data>, ScenarioError> {
    let Some(d) = &spec.data else {
        return Ok(None);
    };
    if let Some(ex) = &spec.examples {
        return Err(
            ScenarioError::new(d.span(), "`data` and `examples` cannot be used together")
                .expected("examples from `data` (a CSV file) or written as `examples`, not both")
                .see("`examples` is set at", ex.span().start),
        );
    }
    let (display, files) = match &page {
        Some((display, files)) => (*display, Some(files)),
        None => (Path::new(""), None),
    };
    Ok(Some(data::read(d.get_ref(), d.span(), files, display)?))
}

/// Checks the names the statements and the net take against the leaves'
/// and each other's.
fn check_names(net: Option<&Net>, stmts: &[Stmt], leaves: &[&Named]) -> Result<(), ScenarioError> {
    if let Some(n) = net {
        check_net_name(n, leaves)?;
    }
    check_statement_names(stmts, leaves)?;
    if let Some(n) = net
        && let Some(st) = stmts.iter().find(|st| st.name == n.name)
    {
        return Err(ScenarioError::new(
            st.name_span.clone(),
            format!("`{}` is the name of the net", st.name),
        )
        .expected("a name for the statement that is not the net's"));
    }
    Ok(())
}

/// Reads `view`: atomic (the default), modules or both.
fn read_view(view: &Option<toml::Spanned<String>>) -> Result<ViewChoice, ScenarioError> {
    choice(
        view,
        "view",
        &[
            ("atomic", ViewChoice::Atomic),
            ("modules", ViewChoice::Modules),
            ("both", ViewChoice::Both),
        ],
        ViewChoice::Atomic,
    )
}

/// The names a model may fit: the params, and the net's name, which stands
/// for its params (they are not in `params`, but a statement that calls
/// the net depends on them).
fn fitted_names(params: &[Named], net: Option<&Net>) -> Vec<Named> {
    let mut fitted = params.to_vec();
    if let Some(n) = net {
        fitted.push(Named {
            name: n.name.clone(),
            span: n.name_span.clone(),
            value: 0.0,
        });
    }
    fitted
}

/// Parses and runs one block of a page. Every error of the block comes back
/// as a diagnostic at its place in the file, an id the page already used
/// among them, even when the block has other errors; warnings are added to
/// `warnings`. `ids` holds every id seen so far on the page with its byte
/// offset in the file. [`check_page_id`] then [`analyze_on_page`], which
/// the site runs for the blocks of a page in parallel.
pub fn parse_on_page(
    body: &str,
    place: &BlockPlace,
    ids: &mut Vec<(String, usize)>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Scenario, Vec<Run>), Vec<Diagnostic>> {
    let id_error = check_page_id(body, place, ids);
    let (result, w) = analyze_on_page(body, place);
    on_page(id_error, result, w, warnings)
}

/// The error of a block whose id the page already used (`ids`: every id
/// seen so far, with its byte offset in the file), or `None` after noting
/// its id. Blocks are checked in page order.
pub fn check_page_id(
    body: &str,
    place: &BlockPlace,
    ids: &mut Vec<(String, usize)>,
) -> Option<Diagnostic> {
    let id = id_of(body)?;
    match ids.iter().find(|(seen, _)| seen == id.get_ref()) {
        Some((_, first)) => {
            let e = ScenarioError::new(
                id.span(),
                format!("duplicate id \"{}\" on this page", id.get_ref()),
            )
            .expected("a unique id for each block of a page");
            let first = crate::diagnostic::place(place.file, place.markdown, *first);
            Some(
                place
                    .diagnostic(&e)
                    .with_note(format!("the id is first used at {first}")),
            )
        }
        None => {
            ids.push((id.get_ref().clone(), place.to_file(id.span().start)));
            None
        }
    }
}

/// A block parsed, with its runs.
pub type Parsed = (Scenario, Vec<Run>);

/// A block parsed and run on its own (any block of a page, in any order),
/// with its warnings; the error, if any, at its place in the file.
pub fn analyze_on_page(
    body: &str,
    place: &BlockPlace,
) -> (Result<Parsed, Diagnostic>, Vec<Diagnostic>) {
    let page = place.files.map(|f| (place.file, f));
    let result = parse_in(body, page).and_then(|s| {
        let runs = s.analyze()?;
        Ok((s, runs))
    });
    match result {
        Ok((s, runs)) => {
            let mut warnings: Vec<Diagnostic> =
                s.warnings.iter().map(|w| place.warning(w)).collect();
            if let Some(w) = s.divergence_warning(&runs) {
                warnings.push(place.warning(&w));
            }
            warnings.extend(s.variant_warnings(&runs).iter().map(|w| place.warning(w)));
            (Ok((s, runs)), warnings)
        }
        Err(e) => (Err(place.diagnostic(&e)), Vec::new()),
    }
}

/// A block's outcome on its page: its id error ([`check_page_id`]) and
/// its own ([`analyze_on_page`]), sorted by place; the block's warnings
/// (`found`) go to `warnings` when it has no error.
pub fn on_page<T>(
    id_error: Option<Diagnostic>,
    result: Result<T, Diagnostic>,
    found: Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<T, Vec<Diagnostic>> {
    match (id_error, result) {
        (None, Ok(ok)) => {
            warnings.extend(found);
            Ok(ok)
        }
        (Some(d), Ok(_)) => Err(vec![d]),
        (id, Err(e)) => {
            let mut errors: Vec<Diagnostic> = id.into_iter().collect();
            errors.push(e);
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
                    let err = d
                        .error(d.header.start, d.header.len(), format!("the data has no column `{n}`, which `graph` uses"))
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
