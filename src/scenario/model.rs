//! The `label` and `model` keys: which input is the target, and which
//! computation the plots draw as the prediction. See `docs/language.md`,
//! "Labels and models".

use super::error::ScenarioError;
use super::expr::{Expr, ExprKind, Span, Stmt};
use super::lower::{Builder, Lowered, View};
use super::{Named, Scenario, names_in, suggest};
use std::collections::{BTreeSet, HashMap};

/// What the plots draw as the model's prediction.
#[derive(Clone, Debug)]
pub struct Model {
    /// The statement's name; `None` when the model is a part of a statement
    /// (`sigmoid(linear(w, x, b))` inside `loss = bce(…, y)`).
    pub name: Option<String>,
    /// The statements the expression may use: the first `uses` of them.
    pub uses: usize,
    /// The prediction's expression.
    pub expr: Expr,
    /// The inputs it depends on (none of them the label), in input order:
    /// the plot's axes.
    pub features: Vec<String>,
}

/// The leaves each statement depends on, directly or through earlier
/// statements.
fn statement_leaves(stmts: &[Stmt]) -> Vec<BTreeSet<String>> {
    let index = statement_index(stmts);
    let mut out: Vec<BTreeSet<String>> = Vec::with_capacity(stmts.len());
    for st in stmts {
        let deps = expr_leaves(&st.expr, &index, &out);
        out.push(deps);
    }
    out
}

/// Each statement name's first line, for hash lookups (a scan per name
/// made a 40,000-line block take seconds).
fn statement_index(stmts: &[Stmt]) -> HashMap<&str, usize> {
    let mut index = HashMap::with_capacity(stmts.len());
    for (k, st) in stmts.iter().enumerate() {
        index.entry(st.name.as_str()).or_insert(k);
    }
    index
}

/// The leaves an expression depends on, given those of the statements
/// before it.
fn expr_leaves(
    e: &Expr,
    index: &HashMap<&str, usize>,
    known: &[BTreeSet<String>],
) -> BTreeSet<String> {
    let mut used = Vec::new();
    names_in(e, &mut used);
    // A call of the block's net depends on the net's params: its name
    // counts as one (the caller lists it among the params).
    used.extend(calls_in(e));
    let mut deps = BTreeSet::new();
    for (n, _) in used {
        match index.get(n).copied().filter(|&k| k < known.len()) {
            Some(k) => deps.extend(known[k].iter().cloned()),
            None => {
                deps.insert(n.to_string());
            }
        }
    }
    deps
}

/// The names of the functions an expression calls, with their spans.
fn calls_in(e: &Expr) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Call {
                name,
                name_span,
                args,
            } => {
                out.push((name.as_str(), name_span.clone()));
                stack.extend(args.iter());
            }
            ExprKind::Neg(a) => stack.push(a),
            ExprKind::Bin(_, a, b) => {
                stack.push(a);
                stack.push(b);
            }
            ExprKind::Num(_) | ExprKind::Name(_) => {}
        }
    }
    out
}

/// The label: the input `label` names, else `y` when there is one.
pub(super) fn read_label(
    label: &Option<toml::Spanned<String>>,
    params: &[Named],
    inputs: &[Named],
    stmts: &[Stmt],
) -> Result<Option<String>, ScenarioError> {
    let Some(l) = label else {
        return Ok(inputs.iter().any(|i| i.name == "y").then(|| "y".into()));
    };
    let name = l.get_ref();
    if inputs.iter().any(|i| &i.name == name) {
        return Ok(Some(name.clone()));
    }
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let expected = if names.is_empty() {
        "an input (this block has none)".to_string()
    } else {
        format!("one of the inputs: {}", names.join(", "))
    };
    let what = if params.iter().any(|p| &p.name == name) {
        "a param, not an input"
    } else if stmts.iter().any(|s| &s.name == name) {
        "a statement, not an input"
    } else {
        "not an input"
    };
    let err = ScenarioError::new(l.span(), format!("`label` names `{name}`, which is {what}"))
        .expected(format!(
            "{expected} ({})",
            crate::help::see(crate::help::Section::Labels)
        ));
    Err(suggest(err, name, &names))
}

/// The model: the statement `model` names, else the last statement that
/// depends on a param and not on the label, else the outermost part of a
/// statement that depends on a param and an input but not on the label.
pub(super) fn read_model(
    model: &Option<toml::Spanned<String>>,
    label: Option<&str>,
    params: &[Named],
    inputs: &[Named],
    stmts: &[Stmt],
) -> Result<Option<Model>, ScenarioError> {
    let deps = statement_leaves(stmts);
    let is_param = |n: &String| params.iter().any(|p| &p.name == n);
    let features = |d: &BTreeSet<String>| -> Vec<String> {
        inputs
            .iter()
            .filter(|i| d.contains(&i.name) && Some(i.name.as_str()) != label)
            .map(|i| i.name.clone())
            .collect()
    };
    let on_label = |d: &BTreeSet<String>| label.is_some_and(|l| d.contains(l));
    let named = |k: usize| Model {
        name: Some(stmts[k].name.clone()),
        uses: k,
        expr: stmts[k].expr.clone(),
        features: features(&deps[k]),
    };
    if let Some(m) = model {
        let name = m.get_ref();
        let Some(k) = stmts.iter().position(|s| &s.name == name) else {
            return Err(unknown_model(m.span(), name, params, inputs, stmts));
        };
        if let Some(l) = label.filter(|_| on_label(&deps[k])) {
            let err = ScenarioError::new(
                m.span(),
                format!("`model` names `{name}`, which depends on the label `{l}`"),
            )
            .expected(format!(
                "a statement computed from the params and the features, not from the target ({})",
                crate::help::see(crate::help::Section::Labels)
            ));
            let fit = (0..stmts.len())
                .rev()
                .find(|&j| deps[j].iter().any(is_param) && !on_label(&deps[j]));
            return Err(match fit {
                Some(j) => err.hint(format!("`{}` does not use `{l}`", stmts[j].name)),
                None => err,
            });
        }
        return Ok(Some(named(k)));
    }
    if let Some(k) = (0..stmts.len())
        .rev()
        .find(|&k| deps[k].iter().any(is_param) && !on_label(&deps[k]))
    {
        return Ok(Some(named(k)));
    }
    // A part of a statement: the last statement first, outermost first.
    let index = statement_index(stmts);
    for (k, st) in stmts.iter().enumerate().rev() {
        let mut stack = vec![&st.expr];
        while let Some(e) = stack.pop() {
            let d = expr_leaves(e, &index, &deps[..k]);
            if d.iter().any(is_param) && !on_label(&d) && !features(&d).is_empty() {
                return Ok(Some(Model {
                    name: None,
                    uses: k,
                    expr: e.clone(),
                    features: features(&d),
                }));
            }
            match &e.kind {
                ExprKind::Neg(a) => stack.push(a),
                ExprKind::Bin(_, a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                ExprKind::Call { args, .. } => stack.extend(args.iter().rev()),
                ExprKind::Num(_) | ExprKind::Name(_) => {}
            }
        }
    }
    Ok(None)
}

fn unknown_model(
    span: Span,
    name: &str,
    params: &[Named],
    inputs: &[Named],
    stmts: &[Stmt],
) -> ScenarioError {
    let names: Vec<&str> = stmts.iter().map(|s| s.name.as_str()).collect();
    let what = if params.iter().any(|p| p.name == name) {
        "which is a param, not a statement"
    } else if inputs.iter().any(|i| i.name == name) {
        "which is an input, not a statement"
    } else {
        "which no statement defines"
    };
    let err = ScenarioError::new(span, format!("`model` names `{name}`, {what}"))
        .expected(format!("one of the statements: {}", names.join(", ")));
    suggest(err, name, &names)
}

impl Scenario {
    /// The model's graph for one example: the params, the inputs of the
    /// first example, the statements the model uses and the model as the
    /// output. Plots set its features and params and run it forward.
    pub fn model_graph(&self, view: View) -> Option<Lowered> {
        let m = self.model.as_ref()?;
        let mut stmts: Vec<Stmt> = self.stmts[..m.uses].to_vec();
        stmts.push(Stmt {
            name: m.name.clone().unwrap_or_else(|| "model".into()),
            name_span: m.expr.span.clone(),
            expr: m.expr.clone(),
            line: String::new(),
            line_start: 0,
        });
        self.lower_one(&stmts, view).ok()
    }

    /// `stmts` lowered over the params and the first example only, the
    /// last statement as the output: what the plots and the closed-form
    /// check evaluate, apart from the block's own output.
    pub(crate) fn lower_one(&self, stmts: &[Stmt], view: View) -> Result<Lowered, ScenarioError> {
        let params = Self::leaves(&self.params);
        let examples = vec![Self::leaves(&self.examples[0])];
        Builder {
            view,
            stmts,
            output: stmts.len() - 1,
            params: &params,
            examples: &examples,
            mean: self.mean,
            net: self.net.as_ref(),
            limit: self.node_limit(),
        }
        .build()
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse;

    const TANH: &str = r#"
id = "n"
params = { w1 = 0.5, w2 = -0.3, b = 0.1 }
examples = [ { x1 = 1.5, x2 = -0.5, t = 0.8 }, { x1 = -1.0, x2 = 0.5, t = -0.5 } ]
graph = """
a = w1 * x1 + w2 * x2 + b
y = tanh(a)
loss = (y - t) ^ 2
"""
"#;

    fn with(extra: &str) -> String {
        format!("{TANH}{extra}\n")
    }

    #[test]
    fn defaults_find_the_prediction_and_its_features() {
        let s = parse(&with("label = \"t\"")).unwrap();
        assert_eq!(s.label.as_deref(), Some("t"));
        let m = s.model.unwrap();
        assert_eq!(m.name.as_deref(), Some("y"));
        assert_eq!(m.features, ["x1", "x2"]);
        // Without a label every statement is a candidate: the loss.
        let s = parse(TANH).unwrap();
        assert_eq!(s.label, None);
        assert_eq!(s.model.unwrap().name.as_deref(), Some("loss"));
    }

    #[test]
    fn y_is_the_default_label_and_a_part_of_a_statement_can_be_the_model() {
        let s = parse(
            "id = \"b\"\nparams = { w = 1, b = 0 }\nexamples = [ { x = 1, y = 1 }, { x = -1, y = 0 } ]\ngraph = \"loss = bce(sigmoid(linear(w, x, b)), y)\"\n",
        )
        .unwrap();
        assert_eq!(s.label.as_deref(), Some("y"));
        let m = s.model.unwrap();
        assert_eq!(m.name, None);
        assert_eq!(m.features, ["x"]);
        assert!(
            matches!(&m.expr.kind, crate::scenario::expr::ExprKind::Call { name, .. } if name == "sigmoid")
        );
    }

    #[test]
    fn wrong_labels_and_models_are_errors_at_their_place() {
        let body = with("label = \"tt\"");
        let e = parse(&body).unwrap_err();
        assert_eq!(e.message, "`label` names `tt`, which is not an input");
        assert_eq!(&body[e.offset..e.offset + e.len], "\"tt\"");
        assert!(
            e.expected
                .unwrap()
                .starts_with("one of the inputs: x1, x2, t")
        );
        let e = parse(&with("label = \"w1\"")).unwrap_err();
        assert_eq!(
            e.message,
            "`label` names `w1`, which is a param, not an input"
        );
        let e = parse(&with("label = \"a\"")).unwrap_err();
        assert_eq!(
            e.message,
            "`label` names `a`, which is a statement, not an input"
        );
        let e = parse(&with("label = \"t\"\nmodel = \"lsos\"")).unwrap_err();
        assert_eq!(
            e.message,
            "`model` names `lsos`, which no statement defines"
        );
        assert_eq!(e.hint.as_deref(), Some("did you mean `loss`?"));
        let e = parse(&with("model = \"x1\"")).unwrap_err();
        assert_eq!(
            e.message,
            "`model` names `x1`, which is an input, not a statement"
        );
        let e = parse(&with("label = \"t\"\nmodel = \"loss\"")).unwrap_err();
        assert_eq!(
            e.message,
            "`model` names `loss`, which depends on the label `t`"
        );
        assert_eq!(e.hint.as_deref(), Some("`y` does not use `t`"));
        let s = parse(&with("label = \"t\"\nmodel = \"a\"")).unwrap();
        assert_eq!(s.model.unwrap().name.as_deref(), Some("a"));
    }
}
