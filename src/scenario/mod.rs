//! The scenario language: `autograd` blocks in markdown, their TOML, the
//! expression statements, and their lowering into engine graphs.
//! `docs/language.md` is the contract.

pub mod blocks;
pub mod error;
pub mod expr;
pub mod lower;
pub mod spec;
pub mod trace;

pub use blocks::{Block, find_blocks};
pub use error::{ScenarioError, line_col};
pub use lower::{Lowered, MAX_NODES, View};

use crate::engine::gradcheck::{Mismatch, check_gradients};
use crate::engine::{ForwardStep, Graph, Kind, Message, NodeId, Op, Transcript};
use expr::{Span, Stmt};
use lower::{Builder, Leaf};
use spec::{Spec, Values};

/// What a block draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    Trace,
    Graph,
    Rule,
    Compare,
    Batch,
    StepSize,
}

impl Figure {
    pub const ALL: [(&'static str, Figure); 6] = [
        ("trace", Figure::Trace),
        ("graph", Figure::Graph),
        ("rule", Figure::Rule),
        ("compare", Figure::Compare),
        ("batch", Figure::Batch),
        ("step-size", Figure::StepSize),
    ];

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
    pub params: Vec<Named>,
    /// One list of inputs per example; a block without `examples` has one.
    pub examples: Vec<Vec<Named>>,
    pub batched: bool,
    pub stmts: Vec<Stmt>,
    pub output: usize,
}

/// One view of a scenario, run forward and backward (and updated).
#[derive(Clone, Debug)]
pub struct Run {
    pub view: View,
    /// The graph with the values and gradients of the run (before any update).
    pub lowered: Lowered,
    pub forward: Vec<ForwardStep>,
    pub messages: Vec<Message>,
    pub update: Option<UpdateResult>,
}

/// One SGD step and the fresh forward pass after it (the engine's
/// [`crate::engine::Update`], under its old name here).
pub use crate::engine::Update as UpdateResult;

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
        }
    }
}

/// So `story::tell(&run)` reads as it says.
impl<'a> From<&'a Run> for Transcript<'a> {
    fn from(run: &'a Run) -> Self {
        run.transcript()
    }
}

fn check_id(id: &toml::Spanned<String>) -> Result<(), ScenarioError> {
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

fn choice<T: Copy>(
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
            ScenarioError::new(v.span(), format!("unknown {key} \"{}\"", v.get_ref()))
                .expected(format!("one of {}", names.join(", ")))
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
    for (i, n) in all.iter().enumerate() {
        let valid = n
            .name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && n.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
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
        if let Some(first) = all[..i].iter().find(|m| m.name == n.name) {
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
fn string_body(body: &str, span: Span, value: &str) -> Option<usize> {
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

/// Parses and checks one block body (the TOML between the fences).
pub fn parse(body: &str) -> Result<Scenario, ScenarioError> {
    let spec: Spec = toml::from_str(body).map_err(|e| {
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
        let err =
            ScenarioError::new(span, format!("invalid block: {}", x.message)).expected(expected);
        match x.hint {
            Some(h) => err.hint(h),
            None => err,
        }
    })?;
    check_id(&spec.id)?;

    let graph_text = spec.graph.get_ref();
    let stmts = match string_body(body, spec.graph.span(), graph_text) {
        Some(base) => expr::parse_graph(graph_text, base)?,
        None => expr::parse_graph(graph_text, 0).map_err(|e| {
            let s = spec.graph.span();
            ScenarioError {
                offset: s.start,
                len: 3,
                ..e
            }
        })?,
    };
    if stmts.is_empty() {
        return Err(
            ScenarioError::new(spec.graph.span(), "the graph has no statements")
                .expected("at least one line `name = expression`"),
        );
    }

    let params = named(&spec.params);
    let inputs = named(&spec.inputs);
    let (examples, batched) = match &spec.examples {
        None => (vec![inputs.clone()], false),
        Some(ex) => {
            if ex.get_ref().is_empty() {
                return Err(ScenarioError::new(ex.span(), "`examples` is empty")
                    .expected("at least one table of input values"));
            }
            let mut all = Vec::new();
            for table in ex.get_ref() {
                // Inputs given once apply to every example; the example's own
                // values come after them.
                let mut leaves = inputs.clone();
                leaves.extend(named(table));
                all.push(leaves);
            }
            let first: Vec<&str> = all[0].iter().map(|n| n.name.as_str()).collect();
            for leaves in &all[1..] {
                let names: Vec<&str> = leaves.iter().map(|n| n.name.as_str()).collect();
                if names != first {
                    return Err(ScenarioError::new(
                        ex.span(),
                        "the examples do not all give the same inputs",
                    )
                    .expected(format!("every example to set {}", first.join(", "))));
                }
            }
            (all, true)
        }
    };
    for leaves in &examples {
        let all: Vec<&Named> = params.iter().chain(leaves.iter()).collect();
        check_leaf_names(&all)?;
    }

    // Statements: unique names, not shadowing a leaf or a function.
    let leaf_names: Vec<&Named> = params.iter().chain(examples[0].iter()).collect();
    for (i, st) in stmts.iter().enumerate() {
        if let Some(prev) = stmts[..i].iter().find(|p| p.name == st.name) {
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
        if leaf_names.iter().any(|n| n.name == st.name) {
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
    // Names used before they are defined get a hint pointing at the definition.
    check_order(&stmts, &leaf_names)?;

    let output = match &spec.output {
        None => stmts.len() - 1,
        Some(o) => stmts
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
            })?,
    };

    let figure = choice(&spec.figure, "figure", &Figure::ALL, Figure::Trace)?;
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
    let seed = match &spec.seed {
        Some(s) if !s.get_ref().is_finite() => {
            return Err(
                ScenarioError::new(s.span(), "`seed` is not a finite number")
                    .expected("a finite number"),
            );
        }
        Some(s) => *s.get_ref(),
        None => 1.0,
    };
    let lr = match &spec.update {
        Some(u) => {
            let lr = &u.get_ref().lr;
            if !lr.get_ref().is_finite() {
                return Err(ScenarioError::new(lr.span(), "`lr` is not a finite number")
                    .expected("a finite learning rate such as 0.2"));
            }
            if params.is_empty() {
                return Err(
                    ScenarioError::new(u.span(), "`update` needs params to update")
                        .expected("a `params` table"),
                );
            }
            Some(*lr.get_ref())
        }
        None => None,
    };
    let wrt = spec.wrt.as_ref().map(|w| (w.get_ref().clone(), w.span()));
    if let Some((name, span)) = &wrt
        && !leaf_names.iter().any(|n| &n.name == name)
    {
        let names: Vec<&str> = leaf_names.iter().map(|n| n.name.as_str()).collect();
        return Err(ScenarioError::new(
            span.clone(),
            format!("`wrt` names `{name}`, which is not a param or an input"),
        )
        .expected(format!("one of {}", names.join(", "))));
    }
    if figure == Figure::StepSize && wrt.is_none() {
        return Err(
            ScenarioError::new(spec.id.span(), "a step-size figure needs `wrt`")
                .expected("wrt = \"w\", the param to differentiate with respect to"),
        );
    }
    if figure == Figure::Batch && !batched {
        return Err(
            ScenarioError::new(spec.id.span(), "a batch figure needs `examples`")
                .expected("examples = [ { x = 1.0, y = 1 }, … ]"),
        );
    }

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
        group: spec.group.map(|g| g.into_inner()),
        params,
        examples,
        batched,
        stmts,
        output,
    };
    if figure == Figure::Rule {
        let l = scenario.lower(View::Modules)?;
        let ops = l.graph.nodes.iter().filter(|n| n.op.is_some()).count();
        if ops != 1 {
            return Err(ScenarioError::new(
                scenario.stmts[0].expr.span.clone(),
                format!("a rule card shows one op, but this graph has {ops}"),
            )
            .expected("a single operation such as `c = a * b`"));
        }
    }
    Ok(scenario)
}

/// Parses and runs one block of a page, refusing an id the page already
/// used. `ids` holds every id seen so far with its byte offset in the
/// markdown file; `body_offset` maps an offset in this body to one in the
/// file; `file` names the file in the hint.
pub fn parse_on_page(
    body: &str,
    markdown: &str,
    file: &str,
    body_offset: impl Fn(usize) -> usize,
    ids: &mut Vec<(String, usize)>,
) -> Result<(Scenario, Vec<Run>), ScenarioError> {
    let s = parse(body)?;
    if let Some((_, first)) = ids.iter().find(|(id, _)| *id == s.id) {
        let (line, col, _) = line_col(markdown, *first);
        return Err(ScenarioError::new(
            s.id_span.clone(),
            format!("duplicate id \"{}\" on this page", s.id),
        )
        .expected("a unique id for each block of a page")
        .hint(format!("the id is first used at {file}:{line}:{col}")));
    }
    ids.push((s.id.clone(), body_offset(s.id_span.start)));
    let runs = s.analyze()?;
    Ok((s, runs))
}

/// A name used before its statement gets "defined on a later line" rather
/// than a bare "unknown name".
fn check_order(stmts: &[Stmt], leaves: &[&Named]) -> Result<(), ScenarioError> {
    fn names<'e>(e: &'e expr::Expr, out: &mut Vec<(&'e str, Span)>) {
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
    for (i, st) in stmts.iter().enumerate() {
        let mut used = Vec::new();
        names(&st.expr, &mut used);
        for (n, span) in used {
            if leaves.iter().any(|l| l.name == n) || stmts[..i].iter().any(|s| s.name == n) {
                continue;
            }
            let err = ScenarioError::new(span, format!("`{n}` is used before it is defined"));
            return Err(match stmts[i..].iter().find(|s| s.name == n) {
                Some(later) if later.name == st.name => err
                    .expected("a param, an input, or an earlier statement")
                    .hint(format!("`{n}` cannot use itself")),
                Some(later) => err
                    .expected("a param, an input, or an earlier statement")
                    .hint("move the line that defines it above this one")
                    .see(format!("`{n}` is defined at"), later.name_span.start),
                None => {
                    let known: Vec<&str> = leaves
                        .iter()
                        .map(|l| l.name.as_str())
                        .chain(stmts[..i].iter().map(|s| s.name.as_str()))
                        .collect();
                    ScenarioError::new(
                        err.offset..err.offset + err.len,
                        format!("unknown name `{n}`"),
                    )
                    .expected(if known.is_empty() {
                        "a param, an input, or an earlier statement".to_string()
                    } else {
                        format!("one of {}", known.join(", "))
                    })
                }
            });
        }
    }
    Ok(())
}

impl Scenario {
    /// The views this block is drawn in.
    pub fn views(&self) -> Vec<View> {
        match (self.figure, self.view) {
            (Figure::Compare, _) | (_, ViewChoice::Both) => vec![View::Atomic, View::Modules],
            (_, ViewChoice::Modules) => vec![View::Modules],
            (_, ViewChoice::Atomic) => vec![View::Atomic],
        }
    }

    fn leaves(v: &[Named]) -> Vec<Leaf<'_>> {
        v.iter()
            .map(|n| Leaf {
                name: &n.name,
                span: n.span.clone(),
                value: n.value,
            })
            .collect()
    }

    /// Builds the graph of one view, without running it.
    pub fn lower(&self, view: View) -> Result<Lowered, ScenarioError> {
        let params = Self::leaves(&self.params);
        let examples: Vec<Vec<Leaf>> = self.examples.iter().map(|e| Self::leaves(e)).collect();
        Builder {
            view,
            stmts: &self.stmts,
            output: self.output,
            params: &params,
            examples: &examples,
            mean: self.mean,
        }
        .build()
    }

    /// Turns a domain error into an error at the statement that caused it.
    fn domain(&self, l: &Lowered, e: crate::engine::DomainError) -> ScenarioError {
        let node = &l.graph.nodes[e.node];
        let (span, stmt) = match l.stmt_of.get(e.node).copied().flatten() {
            Some(k) => (
                self.stmts[k].expr.span.clone(),
                format!("statement `{}`", self.stmts[k].name),
            ),
            None => (
                self.stmts[self.output].name_span.clone(),
                "the reduction over examples".into(),
            ),
        };
        let example = node
            .example
            .map(|i| format!(" (example {})", i + 1))
            .unwrap_or_default();
        let args: Vec<String> = e.args.iter().map(|a| format!("{a}")).collect();
        ScenarioError::new(
            span,
            format!(
                "{} in {stmt}{example}: {}({})",
                e.message,
                e.op,
                args.join(", ")
            ),
        )
        .expected("values inside every op's domain")
    }

    /// Runs one view forward and backward, applies the update if asked, and
    /// checks the gradients against central finite differences.
    pub fn run(&self, view: View) -> Result<Run, ScenarioError> {
        let mut lowered = self.lower(view)?;
        let forward = lowered
            .graph
            .forward()
            .map_err(|e| self.domain(&lowered, e))?;
        let messages = lowered.graph.backward(lowered.output, self.seed);
        // A finite forward pass can still send an infinite gradient (`x ^ 0.5`
        // at 0, `recip` of a tiny number): refuse it like a forward domain
        // error, at the op whose local derivative blew up.
        if let Some(m) = messages.iter().find(|m| !m.total.is_finite()) {
            let op = lowered.graph.nodes[m.from]
                .op
                .expect("messages come from ops");
            let e = crate::engine::DomainError {
                node: m.from,
                op: op.name(),
                args: lowered.graph.args(m.from),
                message: format!(
                    "the gradient sent to operand {} is {}, not a finite number",
                    m.slot + 1,
                    m.total
                ),
            };
            return Err(self.domain(&lowered, e));
        }
        let mismatches = self.gradcheck(&lowered);
        if let Some(m) = mismatches.first() {
            let name = lowered.graph.nodes[m.leaf]
                .name
                .clone()
                .unwrap_or_else(|| format!("node {}", m.leaf));
            return Err(ScenarioError::new(self.id_span.clone(), format!(
                "gradient check failed: autodiff gives ∂/∂{name} = {}, central differences give {}",
                m.autodiff, m.numeric
            ))
            .expected("autodiff and finite differences to agree (this is a bug in seen; please report it)"));
        }
        let update = match self.lr {
            None => None,
            Some(lr) => Some(
                crate::engine::update(&lowered.graph, lowered.output, lr).map_err(|e| {
                    let mut err = self.domain(&lowered, e);
                    err.message = format!("after the update: {}", err.message);
                    err
                })?,
            ),
        };
        Ok(Run {
            view,
            lowered,
            forward,
            messages,
            update,
        })
    }

    /// Central-difference check of every param and input gradient. Skipped
    /// where an op sits at a kink (relu at 0), where no derivative exists.
    fn gradcheck(&self, l: &Lowered) -> Vec<Mismatch> {
        let g = &l.graph;
        let at_kink = g.nodes.iter().any(|n| {
            n.op.is_some_and(|op| op.near_kink(g.nodes[n.parents[0]].value, 1e-3))
        });
        if at_kink {
            return Vec::new();
        }
        check_gradients(g, l.output, self.seed)
            .into_iter()
            .filter(|m| g.nodes[m.leaf].kind != Kind::Const)
            .collect()
    }

    /// Runs every view the figure needs; when the graph has modules, also
    /// checks that both views give the same leaf gradients.
    pub fn analyze(&self) -> Result<Vec<Run>, ScenarioError> {
        let views = self.views();
        let mut runs = Vec::new();
        for &v in &views {
            runs.push(self.run(v)?);
        }
        let has_modules = self.stmts.iter().any(|s| uses_module(&s.expr));
        if has_modules {
            let other = if views.contains(&View::Atomic) && views.contains(&View::Modules) {
                None
            } else if views.contains(&View::Atomic) {
                Some(self.run(View::Modules)?)
            } else {
                Some(self.run(View::Atomic)?)
            };
            let a = other.as_ref().unwrap_or(&runs[runs.len() - 1]);
            let b = &runs[0];
            for (x, y) in leaf_grads(a.graph()).iter().zip(leaf_grads(b.graph())) {
                let tol = 1e-9 * (1.0 + x.1.abs());
                if (x.1 - y.1).abs() > tol {
                    return Err(ScenarioError::new(
                        self.id_span.clone(),
                        format!(
                            "the atomic and modules views disagree on ∂/∂{}: {} against {}",
                            x.0, x.1, y.1
                        ),
                    )
                    .expected(
                        "identical leaf gradients (this is a bug in seen; please report it)",
                    ));
                }
            }
        }
        Ok(runs)
    }
}

fn uses_module(e: &expr::Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            expr::ExprKind::Call { name, args, .. } => {
                if Op::function(name).is_some_and(Op::is_module) {
                    return true;
                }
                stack.extend(args.iter());
            }
            expr::ExprKind::Neg(a) => stack.push(a),
            expr::ExprKind::Bin(_, a, b) => {
                stack.push(a);
                stack.push(b);
            }
            _ => {}
        }
    }
    false
}

/// (name, gradient) of every param and input, in arena order.
pub fn leaf_grads(g: &Graph) -> Vec<(String, f64)> {
    g.nodes
        .iter()
        .filter(|n| matches!(n.kind, Kind::Param | Kind::Input))
        .map(|n| (n.name.clone().unwrap_or_default(), n.grad))
        .collect()
}
