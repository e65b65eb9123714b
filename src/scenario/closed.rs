//! `closed_form`: an author's hand-derived derivative, checked against the
//! engine. For `figure = "step-size"` the block may say what calculus gives
//! for ∂output/∂wrt as an expression of the leaves, e.g.
//! `closed_form = "(sigmoid(w * x + b) - 1) * x"`. The build evaluates it
//! with the same engine (forward only), refuses the block if it disagrees
//! with autodiff, and the figure shows both numbers: the reader sees the
//! yardstick the finite-difference errors are measured against confirmed
//! by a second, independent route.

use super::expr::{self, Stmt};
use super::lower::View;
use super::{Figure, Scenario, ScenarioError, string_body};
use crate::engine::Graph;

/// Relative tolerance between autodiff and the closed form: both are exact
/// up to a few roundings, so anything looser would hide a wrong formula.
const TOLERANCE: f64 = 1e-9;

/// The statement name the closed form is lowered under.
const NAME: &str = "closed_form";

/// Parses `closed_form` into a statement whose spans point into the block.
pub fn read_closed_form(
    body: &str,
    spec: &Option<toml::Spanned<String>>,
    figure: Figure,
) -> Result<Option<Stmt>, ScenarioError> {
    let Some(c) = spec else { return Ok(None) };
    if figure != Figure::StepSize {
        return Err(ScenarioError::new(
            c.span(),
            "`closed_form` is only used by a step-size figure",
        )
        .expected("figure = \"step-size\" with `wrt`, or no `closed_form`"));
    }
    let text = c.get_ref();
    // The expression is parsed as the statement `closed_form = TEXT`, with
    // the base moved back by the prefix so spans land on the author's text.
    let prefix = format!("{NAME} = ");
    let stmt = match string_body(body, c.span(), text) {
        Some(base) if base >= prefix.len() => {
            expr::parse_stmt(&format!("{prefix}{text}"), base - prefix.len())?
        }
        _ => expr::parse_stmt(&format!("{prefix}{text}"), 0).map_err(|e| ScenarioError {
            offset: c.span().start,
            len: c.span().len(),
            ..e
        })?,
    };
    Ok(Some(stmt))
}

impl Scenario {
    /// The closed form's value at the block's leaves, if it has one.
    pub fn closed_form_value(&self) -> Option<Result<f64, ScenarioError>> {
        let c = self.closed_form.as_ref()?;
        let mut stmts: Vec<Stmt> = self.stmts.clone();
        stmts.push(c.clone());
        let built = self.lower_one(&stmts, View::Atomic);
        Some(built.and_then(|mut lowered| {
            lowered
                .graph
                .forward()
                .map_err(|e| self.domain(&lowered, e))?;
            Ok(lowered.graph.nodes[lowered.output].value)
        }))
    }

    /// Refuses the block when the closed form and autodiff disagree.
    pub(super) fn check_closed_form(&self, g: &Graph) -> Result<(), ScenarioError> {
        let (Some(c), Some((wrt, _))) = (&self.closed_form, &self.wrt) else {
            return Ok(());
        };
        let Some(value) = self.closed_form_value() else {
            return Ok(());
        };
        let value = value?;
        let Some(leaf) = g.nodes.iter().find(|n| n.name.as_deref() == Some(wrt)) else {
            return Ok(());
        };
        let grad = leaf.grad;
        let scale = grad.abs().max(value.abs()).max(1.0);
        if (grad - value).abs() <= TOLERANCE * scale {
            return Ok(());
        }
        Err(ScenarioError::new(
            c.expr.span.clone(),
            format!(
                "the closed form gives {}, but autodiff gives ∂{}/∂{wrt} = {}",
                crate::text::num(value),
                self.stmts[self.output].name,
                crate::text::num(grad)
            ),
        )
        .expected(format!(
            "an expression equal to ∂{}/∂{wrt} at the block's values",
            self.stmts[self.output].name
        )))
    }
}
