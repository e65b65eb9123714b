//! `reference`: a known curve beside the model on a training figure. A
//! lesson that fits a net to points of `sin(x)` may say so with
//! `reference = "sin(x)"`: an expression of the model's one feature,
//! parsed with the same parser as `graph` (errors at their place inside
//! the string), evaluated with the same engine (forward only) and drawn as
//! a dashed curve on the model panel.

use super::expr::{self, Stmt};
use super::lower::{Builder, Leaf, Lowered, MAX_NODES, View};
use super::model::Model;
use super::{Figure, ScenarioError, names_in, string_body, suggest};
use crate::engine::Graph;

/// The statement name the expression is lowered under.
const NAME: &str = "reference";

/// A checked `reference`.
#[derive(Clone, Debug)]
pub struct Reference {
    /// The expression as the author wrote it: "sin(x)".
    pub text: String,
    /// The feature it is a function of.
    pub feature: String,
    /// The expression over one input leaf (the feature), lowered.
    lowered: Lowered,
}

impl Reference {
    /// The curve's value at each of `xs`; NaN where the expression has no
    /// finite value (`log(x)` at x ≤ 0), which breaks the curve there.
    pub fn values(&self, xs: &[f64]) -> Vec<f64> {
        let mut g: Graph = self.lowered.graph.clone();
        let leaf = g.find(&self.feature).expect("the feature's leaf");
        xs.iter()
            .map(|&x| {
                g.nodes[leaf].value = x;
                match g.forward_quiet() {
                    Ok(()) => g.nodes[self.lowered.output].value,
                    Err(_) => f64::NAN,
                }
            })
            .collect()
    }
}

/// Checks `reference`: a training figure whose model reads one feature,
/// an expression that parses, uses only that feature and numbers, and
/// calls only rulebook functions.
pub fn read_reference(
    body: &str,
    spec: &Option<toml::Spanned<String>>,
    figure: Figure,
    model: Option<&Model>,
) -> Result<Option<Reference>, ScenarioError> {
    let Some(r) = spec else { return Ok(None) };
    if figure != Figure::Training {
        return Err(ScenarioError::new(
            r.span(),
            "`reference` is drawn on the model panel of a training figure",
        )
        .expected("a block with `train` and figure = \"training\", or no `reference`"));
    }
    let text = r.get_ref();
    // Parsed as the statement `reference = TEXT`, the base moved back by
    // the prefix so that spans land on the author's text (as `closed_form`).
    let prefix = format!("{NAME} = ");
    let stmt = match string_body(body, r.span(), text) {
        Some(base) if base >= prefix.len() => {
            expr::parse_stmt(&format!("{prefix}{text}"), base - prefix.len())?
        }
        _ => expr::parse_stmt(&format!("{prefix}{text}"), 0).map_err(|e| ScenarioError {
            offset: r.span().start,
            len: r.span().len(),
            ..e
        })?,
    };
    let feature = one_feature(r.span(), model)?;
    let mut used = Vec::new();
    names_in(&stmt.expr, &mut used);
    if let Some((name, span)) = used.into_iter().find(|(n, _)| *n != feature) {
        let err = ScenarioError::new(
            span,
            format!(
                "`reference` may use only the feature `{feature}` and numbers, but uses `{name}`"
            ),
        )
        .expected(format!(
            "an expression of `{feature}`, such as \"sin({feature})\""
        ));
        return Err(suggest(err, name, &[feature.as_str()]));
    }
    let lowered = lower(&stmt, &feature)?;
    Ok(Some(Reference {
        text: text.trim().to_string(),
        feature,
        lowered,
    }))
}

/// The one feature of the model panel, or why there is none.
fn one_feature(
    span: std::ops::Range<usize>,
    model: Option<&Model>,
) -> Result<String, ScenarioError> {
    let refuse = |message: String| {
        ScenarioError::new(span.clone(), message)
            .expected("a model of one input (a curve over it), such as `s = mlp(x)`")
    };
    let Some(m) = model.filter(|m| m.name.is_some()) else {
        return Err(refuse(
            "`reference` is drawn beside the model, but this block has no model statement to plot"
                .into(),
        ));
    };
    let name = m.name.as_deref().unwrap_or_default();
    match m.features.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(refuse(format!(
            "`reference` is drawn over the model's input, but `{name}` reads no input besides the target"
        ))),
        many => Err(refuse(format!(
            "`reference` draws a curve over one input, but the model `{name}` reads {} ({})",
            many.len(),
            many.join(", ")
        ))
        .hint("with two inputs the model panel shows regions, not curves: remove `reference`")),
    }
}

/// The expression over a single input leaf named `feature`.
fn lower(stmt: &Stmt, feature: &str) -> Result<Lowered, ScenarioError> {
    let examples = vec![vec![Leaf {
        name: feature,
        span: stmt.name_span.clone(),
        value: 0.0,
    }]];
    Builder {
        view: View::Modules,
        stmts: std::slice::from_ref(stmt),
        output: 0,
        params: &[],
        examples: &examples,
        mean: true,
        net: None,
        limit: MAX_NODES,
    }
    .build()
}
