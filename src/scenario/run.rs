//! Running a checked block: lowering it into an engine graph (atomic or
//! modules view), forward and backward with the gradient check against
//! central differences, the optional update or training run, and the
//! errors a run can meet (a value outside an op's domain, named as the
//! author wrote it).

use super::*;

impl Scenario {
    /// A rule card shows exactly one op.
    pub(super) fn check_rule_card(&self) -> Result<(), ScenarioError> {
        if self.figure != Figure::Rule {
            return Ok(());
        }
        let l = self.lower(View::Modules)?;
        let ops = l.graph.nodes.iter().filter(|n| n.op.is_some()).count();
        if ops != 1 {
            return Err(ScenarioError::new(
                self.stmts[0].expr.span.clone(),
                format!("a rule card shows one op, but this graph has {ops}"),
            )
            .expected("a single operation such as `c = a * b`"));
        }
        Ok(())
    }

    /// The views this block is drawn in.
    pub fn views(&self) -> Vec<View> {
        match (self.figure, self.view) {
            (Figure::Compare, _) | (_, ViewChoice::Both) => vec![View::Atomic, View::Modules],
            (_, ViewChoice::Modules) => vec![View::Modules],
            (_, ViewChoice::Atomic) => vec![View::Atomic],
        }
    }

    pub(crate) fn leaves(v: &[Named]) -> Vec<Leaf<'_>> {
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
            net: self.net.as_ref(),
            limit: self.node_limit(),
        }
        .build()
    }

    /// Most nodes the block's graph may have: more for a graph that is run
    /// but not drawn.
    pub fn node_limit(&self) -> usize {
        if self.figure.draws_graph() {
            MAX_NODES
        } else {
            MAX_TRAINING_NODES
        }
    }

    /// Turns a domain error into an error at the statement that caused it.
    pub(crate) fn domain(&self, l: &Lowered, e: crate::engine::DomainError) -> ScenarioError {
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
        if let Some(err) = self.division_error(l, &e, &example) {
            return err;
        }
        let args: Vec<String> = e.args.iter().map(|&a| value_text(a)).collect();
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

    /// A domain error of the `recip` that `a / b` lowers to, told as the
    /// division the author wrote: "division by zero in `w / x`: `x` is 0",
    /// at the `/` expression.
    fn division_error(
        &self,
        l: &Lowered,
        e: &crate::engine::DomainError,
        example: &str,
    ) -> Option<ScenarioError> {
        let d = l.divisions.iter().find(|d| d.recip == e.node)?;
        let st = &self.stmts[l.stmt_of.get(e.node).copied().flatten()?];
        // `(w / x)` is shown and underlined as `w / x`.
        let span = without_parens(st.text(&d.span)?, d.span.clone());
        let whole = st.text(&span)?;
        let divisor = st.text(&d.divisor)?;
        let value = *e.args.first()?;
        Some(if value == 0.0 {
            ScenarioError::new(
                span,
                format!("division by zero in `{whole}`{example}: `{divisor}` is 0"),
            )
            .expected("a divisor that is not 0")
        } else {
            ScenarioError::new(
                span,
                format!(
                    "{} in `{whole}`{example}: `{divisor}` is {value}",
                    e.message
                ),
            )
            .expected("values inside every op's domain")
        })
    }

    /// Runs one view forward and backward, applies the update if asked, and
    /// checks the gradients against central finite differences.
    pub fn run(&self, view: View) -> Result<Run, ScenarioError> {
        let mut lowered = self.lower(view)?;
        // Training runs on the first view (see `analyze`): its size is
        // checked against the budget before its first pass.
        if view == self.views()[0] {
            self.check_train_work(lowered.graph.len())?;
        }
        // A graph that is drawn keeps every forward step and backward
        // message for its story; one that is only run does not.
        let (forward, messages, bad) = if self.figure.draws_graph() {
            let forward = lowered
                .graph
                .forward()
                .map_err(|e| self.domain(&lowered, e))?;
            let messages = lowered.graph.backward(lowered.output, self.seed);
            let bad = messages.iter().find(|m| !m.total.is_finite()).cloned();
            (forward, messages, bad)
        } else {
            (lowered.graph.forward_quiet()).map_err(|e| self.domain(&lowered, e))?;
            lowered.graph.zero_grad();
            let bad = lowered.graph.backward_accumulate(lowered.output, self.seed);
            (Vec::new(), Vec::new(), bad)
        };
        // A finite forward pass can still send an infinite gradient (`x ^ 0.5`
        // at 0, `recip` of a tiny number): refuse it like a forward domain
        // error, at the op whose local derivative blew up.
        if let Some(m) = bad {
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
        let mismatches = if self.train.is_some() || !self.figure.draws_graph() {
            train::gradcheck_sample(&lowered, self.seed)
        } else {
            self.gradcheck(&lowered)
        };
        if let Some(m) = mismatches.first() {
            return Err(self.gradcheck_error(&lowered, m));
        }
        if view == View::Atomic {
            self.check_closed_form(&lowered.graph)?;
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
            training: None,
            input_grads: self.input_grads,
            variants: Arc::default(),
        })
    }

    /// The error of a failed gradient check. A disagreement between
    /// autodiff and stable finite differences is a bug of the engine; one
    /// where the differences with two step sizes disagree with each other
    /// (see [`crate::engine::gradcheck::classify`]) is the author's values
    /// making the check itself unreliable, and says what to change.
    fn gradcheck_error(&self, l: &Lowered, m: &Mismatch) -> ScenarioError {
        use crate::engine::gradcheck::{FINE_STEP, STEP};
        let name = l.graph.nodes[m.leaf]
            .name
            .clone()
            .unwrap_or_else(|| format!("node {}", m.leaf));
        match m.finer {
            Some(finer) if m.ill_conditioned => ScenarioError::new(
                self.id_span.clone(),
                format!(
                    "gradient check is ill-conditioned at these values: for ∂/∂{name}, central differences give {} with step {STEP:e} and {finer} with step {FINE_STEP:e}, so they cannot check autodiff's {}",
                    m.numeric, m.autodiff
                ),
            )
            .expected("central differences that agree with each other at two step sizes, to check autodiff against")
            .hint("the derivative changes too fast around these values (a long chain of products, a huge power, a value near a pole or a kink) for finite differences to be accurate; use smaller values or fewer statements"),
            _ => ScenarioError::new(
                self.id_span.clone(),
                format!(
                    "gradient check failed: autodiff gives ∂/∂{name} = {}, central differences give {}",
                    m.autodiff, m.numeric
                ),
            )
            .expected("autodiff and finite differences to agree (this is a bug in seen; please report it)"),
        }
    }

    /// Central-difference check of every param and input gradient. Skipped
    /// where an op sits at a kink (relu or abs at 0, sqrt near its pole at
    /// 0), where no derivative exists or no difference can judge one.
    fn gradcheck(&self, l: &Lowered) -> Vec<Mismatch> {
        let g = &l.graph;
        let at_kink = g.nodes.iter().any(|n| {
            n.op.is_some_and(|op| {
                op.near_kink(
                    g.nodes[n.parents[0]].value,
                    crate::engine::gradcheck::NEAR_KINK,
                )
            })
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
        // Before the story is told (docs/language.md, "Limits").
        self.check_frames(&runs)?;
        // The views' agreement is checked beside the training (on another
        // core): neither reads the other, and the disagreement, if any, is
        // the error given, as when it was checked first.
        let (agree, training) = rayon::join(
            || self.views_agree(&views, &runs),
            || self.train.is_some().then(|| self.train_on(&runs[0])),
        );
        agree?;
        if let Some(training) = training {
            let training = Arc::new(training?);
            for r in &mut runs {
                r.training = Some(training.clone());
            }
        }
        if !self.vary.is_empty() {
            let variants = Arc::new(self.run_variants(&runs)?);
            for r in &mut runs {
                r.variants = variants.clone();
            }
        }
        Ok(runs)
    }

    /// A graph with modules is run in both views (`runs` are the views
    /// drawn): each leaf must get the same gradient in both.
    fn views_agree(&self, views: &[View], runs: &[Run]) -> Result<(), ScenarioError> {
        let has_modules = self.net.is_some() || self.stmts.iter().any(|s| uses_module(&s.expr));
        if !has_modules {
            return Ok(());
        }
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
                .expected("identical leaf gradients (this is a bug in seen; please report it)"));
            }
        }
        Ok(())
    }
}

/// A value in an error message: as it is, unless it is huge or tiny
/// (diverging training), then in scientific notation (`5.36e157`).
fn value_text(a: f64) -> String {
    if a != 0.0 && a.is_finite() && !(1e-6..1e16).contains(&a.abs()) {
        format!("{a:e}")
    } else {
        format!("{a}")
    }
}

/// `span`, whose text is `text`, without the parentheses around all of it.
fn without_parens(text: &str, span: Span) -> Span {
    let (mut start, mut end) = (0, text.len());
    loop {
        let t = &text[start..end];
        let trimmed = t.trim();
        let lead = t.len() - t.trim_start().len();
        let Some(inner) = trimmed.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
            start += lead;
            end = start + trimmed.len();
            break;
        };
        // The first `(` must close at the last `)`: not `(a) / (b)`.
        let mut depth = 0i32;
        if inner.chars().any(|c| {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            depth < 0
        }) {
            start += lead;
            end = start + trimmed.len();
            break;
        }
        start += lead + 1;
        end = start + inner.len();
    }
    span.start + start..span.start + end
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
