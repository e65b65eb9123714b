//! The TOML of an `autograd` block, as serde reads it. Every key keeps its
//! span so that errors point at the text the author wrote.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

/// Name → number, in the order the author wrote them.
pub type Values = IndexMap<Spanned<String>, Spanned<f64>>;

/// One `autograd` block, exactly as written. See `docs/language.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub id: Spanned<String>,
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub params: Values,
    #[serde(default)]
    pub inputs: Values,
    pub examples: Option<Spanned<Vec<Spanned<Values>>>>,
    pub reduce: Option<Spanned<String>>,
    pub graph: Spanned<String>,
    pub output: Option<Spanned<String>>,
    pub seed: Option<Spanned<f64>>,
    pub view: Option<Spanned<String>>,
    pub update: Option<Spanned<Update>>,
    pub figure: Option<Spanned<String>>,
    /// For `figure = "step-size"`: the leaf to differentiate with respect to.
    pub wrt: Option<Spanned<String>>,
    /// Consecutive blocks of a page with the same `group` are shown as one
    /// figure with a tab per block (labelled by its `title`): the rule cards,
    /// the datasets of a batch.
    pub group: Option<Spanned<String>>,
    /// The input that is the target (default `y` when there is one).
    pub label: Option<Spanned<String>>,
    /// The statement the plots draw as the prediction.
    pub model: Option<Spanned<String>>,
    /// For `figure = "step-size"`: the derivative by hand, an expression of
    /// the leaves that must equal the autodiff gradient for `wrt`.
    pub closed_form: Option<Spanned<String>>,
}

/// `update = { lr = 0.2 }`: one SGD step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    pub lr: Spanned<f64>,
}
