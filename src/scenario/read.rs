//! Reading a block's keys one by one, for [`super::parse_in`]: the figure,
//! the graph, the examples, the seed, the learning rate and `wrt`, each
//! checked with an error at its place; and the checks across keys (names,
//! the figure's needs, unused leaves).

use super::*;

/// The figure a block draws: `figure`, or by default a training figure for
/// a block with `train` and a trace for any other. A trace of a training
/// block is refused: it would draw every op of the first pass one frame at
/// a time (400 steps' worth of a net gave 10,442 frames, 87 s, 10 GB), and
/// show nothing of the training.
pub(super) fn read_figure(
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
pub(super) fn read_spec(body: &str) -> Result<Spec, ScenarioError> {
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
pub(super) fn unquoted_key_hint(body: &str, at: usize) -> Option<String> {
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
pub(super) fn read_graph(
    body: &str,
    graph: &toml::Spanned<String>,
) -> Result<Vec<Stmt>, ScenarioError> {
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
pub(super) fn read_examples(
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
pub(super) fn check_net_name(net: &Net, leaves: &[&Named]) -> Result<(), ScenarioError> {
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
pub(super) fn check_statement_names(
    stmts: &[Stmt],
    leaves: &[&Named],
) -> Result<(), ScenarioError> {
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
pub(super) fn output_index(
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

pub(super) fn read_seed(seed: &Option<toml::Spanned<f64>>) -> Result<f64, ScenarioError> {
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
pub(super) fn learning_rate(
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
pub(super) fn read_wrt(
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
pub(super) fn check_figure_needs(
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
pub(super) fn unused_leaves(
    params: &[Named],
    inputs: &[Named],
    stmts: &[Stmt],
) -> Vec<ScenarioError> {
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
pub(super) fn id_of(body: &str) -> Option<toml::Spanned<String>> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: toml::Spanned<String>,
    }
    toml::from_str::<Id>(body).ok().map(|i| i.id)
}

/// The block's `group_label`: a caption for the tabs of its group, so
/// only with a `group`, and not blank.
pub(super) fn read_group_label(
    label: &Option<toml::Spanned<String>>,
    grouped: bool,
) -> Result<Option<(String, Span)>, ScenarioError> {
    let Some(label) = label else {
        return Ok(None);
    };
    if !grouped {
        return Err(ScenarioError::new(
            label.span(),
            "`group_label` names the tabs of a group, and this block has no `group`",
        )
        .expected("`group = \"…\"` beside it")
        .hint("give the blocks of the group the same `group`, or remove `group_label`"));
    }
    if label.get_ref().trim().is_empty() {
        return Err(ScenarioError::new(label.span(), "`group_label` is blank")
            .expected("the words that name the tabs, such as \"Learning rate\""));
    }
    Ok(Some((label.get_ref().trim().to_string(), label.span())))
}

/// The most params a modes figure seeds, one forward-mode pass (and one
/// tab) each.
pub const MAX_MODES_PARAMS: usize = 6;

/// A modes figure draws one example, seeding each of its params in turn:
/// it needs `params` (at most [`MAX_MODES_PARAMS`]) and no `examples`.
pub(super) fn check_modes(
    figure: Figure,
    spec: &Spec,
    n_params: usize,
    batched: bool,
) -> Result<(), ScenarioError> {
    if figure != Figure::Modes {
        return Ok(());
    }
    let at = spec.figure.as_ref().map_or(spec.id.span(), |f| f.span());
    if batched {
        return Err(ScenarioError::new(at, "a modes figure draws one example")
            .expected("`inputs = { … }` instead of `examples`"));
    }
    if n_params == 0 {
        return Err(
            ScenarioError::new(at, "a modes figure needs `params`").expected(
                "params = { w = 1.0, … }: each is seeded in a forward-mode pass of its own",
            ),
        );
    }
    if let Some((k, _)) = spec.params.get_index(MAX_MODES_PARAMS) {
        return Err(ScenarioError::new(
            k.span(),
            format!(
                "a modes figure seeds at most {MAX_MODES_PARAMS} params, one forward-mode pass each; this block has {n_params}"
            ),
        )
        .expected(format!("at most {MAX_MODES_PARAMS} params"))
        .hint("move the other params to `inputs`"));
    }
    Ok(())
}
