//! `vary = { x = [-2, 1.6, 3], lr = [0.01, 0.1] }`: what-if variants. The
//! block is run once for every combination of the listed values, each run
//! checked like the block itself; the page lets the reader pick among them
//! and `seen trace` lists them as `"variants"`. See docs/language.md,
//! "What if: variants".

use super::spec::{VaryList, VaryValue};
use super::*;
use rayon::prelude::*;

/// Most combinations a block's `vary` may make. Every combination is a
/// whole run of the block (and its drawing), so the block's budgets of
/// frames and training work are shared among them (see
/// [`Scenario::combinations`]); 16 keeps a page's pickers short enough to
/// read, and the worst block within `benches/budgets.rs`'s bounds.
pub const MAX_VARIANTS: usize = 16;

/// The figures that draw pickers for `vary`. A modes figure refuses it:
/// its point is the count of passes (forward mode one per param, reverse
/// mode one backward pass), which no value changes.
pub const DRAWN: [Figure; 7] = [
    Figure::Trace,
    Figure::Batch,
    Figure::Training,
    Figure::Graph,
    Figure::Rule,
    Figure::StepSize,
    Figure::Compare,
];

/// What a `vary` key sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The param at this index of `params`.
    Param(usize),
    /// An input shared by every example.
    Input,
    /// The learning rate of `update` or `train`.
    Lr,
}

/// One key of `vary`, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Varied {
    pub name: String,
    /// The key in the block body.
    pub span: Span,
    /// The values in the reader's order; the block's own among them.
    pub values: Vec<f64>,
    /// Which of `values` is the block's own (the default on the page).
    pub default: usize,
    pub target: Target,
}

/// One combination of a block's varied values, run.
#[derive(Clone, Debug)]
pub struct Variant {
    /// (key, value) in the order of `vary`.
    pub set: Vec<(String, f64)>,
    /// The index of each key's value in [`Varied::values`].
    pub picks: Vec<usize>,
    /// The block with these values (and no `vary`).
    pub scenario: Arc<Scenario>,
    /// Its runs, one per view, as the block's.
    pub runs: Vec<Run>,
}

/// Reads `vary` against the block's params, inputs (those in `inputs`,
/// which every example shares) and learning rate (`lr`, of `update` or of
/// `train`).
pub(super) fn read(
    spec: &Spec,
    params: &[Named],
    lr: Option<f64>,
    train: Option<&Train>,
    figure: Figure,
) -> Result<Vec<Varied>, ScenarioError> {
    let Some(vary) = &spec.vary else {
        return Ok(Vec::new());
    };
    if let Some(g) = &spec.group {
        return Err(ScenarioError::new(
            vary.span(),
            "`vary` on a block of a `group`",
        )
        .expected("`vary` on a block without `group`")
        .hint("a group's tabs already pick among blocks: give each value its own block in the group, or take the block out of the group")
        .see("`group` is set at", g.span().start));
    }
    if !DRAWN.contains(&figure) {
        let names: Vec<String> = DRAWN.iter().map(|f| format!("\"{}\"", f.name())).collect();
        return Err(ScenarioError::new(
            vary.span(),
            format!("`vary` is not drawn on a {} figure", figure.name()),
        )
        .expected(format!("`vary` on a figure of kind {}", names.join(" or ")))
        .hint(refused_because(figure)));
    }
    let inputs = named(&spec.inputs);
    let lr = train.map(|t| t.lr).or(lr);
    let mut out = Vec::new();
    for (key, list) in vary.get_ref() {
        let name = key.get_ref();
        let (target, own) = if let Some(k) = params.iter().position(|p| &p.name == name) {
            (Target::Param(k), params[k].value)
        } else if let Some(i) = inputs.iter().find(|i| &i.name == name) {
            (Target::Input, i.value)
        } else if name == "lr"
            && let Some(lr) = lr
        {
            (Target::Lr, lr)
        } else {
            return Err(unknown_key(key, params, &inputs, lr.is_some(), spec));
        };
        let (values, default) = read_values(name, list, own, target == Target::Lr)?;
        out.push(Varied {
            name: name.clone(),
            span: key.span(),
            values,
            default,
            target,
        });
    }
    let count = combinations(&out);
    if count > MAX_VARIANTS as u64 {
        let sizes: Vec<String> = out.iter().map(|v| v.values.len().to_string()).collect();
        return Err(ScenarioError::new(
            vary.span(),
            format!(
                "`vary` makes {count} combinations ({}), more than the limit of {MAX_VARIANTS}",
                sizes.join(" × ")
            ),
        )
        .expected(format!(
            "at most {MAX_VARIANTS} combinations: the product of the lists' lengths (the block's own value counts when it is not listed)"
        ))
        .hint("list fewer values, or vary fewer keys: every combination is a whole run of the block"));
    }
    Ok(out)
}

/// Why a figure has no pickers, for the refusal's hint.
fn refused_because(figure: Figure) -> &'static str {
    match figure {
        Figure::Modes => {
            "a modes figure shows how many passes each mode takes (forward mode one per param, reverse mode one backward pass), and no value changes that count: vary the values on a `trace` or `graph` of the same graph"
        }
        _ => "this figure has no pickers: write one block per value (a `group` shows them as tabs)",
    }
}

/// How many combinations `vary` makes (1 without it).
fn combinations(vary: &[Varied]) -> u64 {
    vary.iter()
        .fold(1u64, |n, v| n.saturating_mul(v.values.len() as u64))
}

/// A key of `vary` that is no param, no shared input and no learning rate.
fn unknown_key(
    key: &toml::Spanned<String>,
    params: &[Named],
    inputs: &[Named],
    has_lr: bool,
    spec: &Spec,
) -> ScenarioError {
    let name = key.get_ref();
    let mut known: Vec<&str> = params
        .iter()
        .chain(inputs)
        .map(|n| n.name.as_str())
        .collect();
    if has_lr {
        known.push("lr");
    }
    let what = if name == "lr" {
        "`vary` lists `lr`, but the block has no `update` or `train` to take a learning rate"
            .to_string()
    } else if spec.examples.is_some() || spec.data.is_some() {
        format!("`vary` names `{name}`, which is not a param or an input that every example shares")
    } else {
        format!("`vary` names `{name}`, which is not a param, an input or `lr`")
    };
    let expected = if known.is_empty() {
        "a param, an input (in `inputs`) or `lr`".to_string()
    } else {
        format!("one of {}", known.join(", "))
    };
    let err = ScenarioError::new(key.span(), what).expected(expected);
    match did_you_mean(name, &known) {
        Some(h) => err.hint(h),
        None if spec.examples.is_some() || spec.data.is_some() => err.hint(
            "an input written once in `inputs` is shared by every example and can be varied; one that each example sets cannot",
        ),
        None => err,
    }
}

/// The numbers of one key, with the block's own value `own` among them
/// (added before the first listed value above it when it is not listed),
/// and its index.
fn read_values(
    name: &str,
    list: &toml::Spanned<VaryList>,
    own: f64,
    lr: bool,
) -> Result<(Vec<f64>, usize), ScenarioError> {
    let expected = "a list of at least two numbers, such as [-2.0, 0.5, 3.0]";
    let items = match list.get_ref() {
        VaryList::List(items) => items,
        VaryList::NotList(kind) => {
            return Err(ScenarioError::new(
                list.span(),
                format!("`vary` gives `{name}` {kind}, not a list of numbers"),
            )
            .expected(expected));
        }
    };
    let mut values: Vec<f64> = Vec::with_capacity(items.len() + 1);
    for item in items {
        let v = match *item.get_ref() {
            VaryValue::Num(v) if v.is_finite() => v,
            VaryValue::Num(_) => {
                return Err(ScenarioError::new(
                    item.span(),
                    format!("a value of `{name}` in `vary` is not a finite number"),
                )
                .expected("finite numbers"));
            }
            VaryValue::Other(kind) => {
                return Err(ScenarioError::new(
                    item.span(),
                    format!("a value of `{name}` in `vary` is {kind}, not a number"),
                )
                .expected(expected));
            }
        };
        if lr && v <= 0.0 {
            return Err(ScenarioError::new(
                item.span(),
                format!(
                    "`lr` {v} in `vary`: a step of gradient descent needs a learning rate above 0"
                ),
            )
            .expected("learning rates greater than 0, such as [0.01, 0.1, 1.0]"));
        }
        if values.contains(&v) {
            return Err(ScenarioError::new(
                item.span(),
                format!("{v} is listed twice for `{name}` in `vary`"),
            )
            .expected("each value once"));
        }
        values.push(v);
    }
    if values.len() < 2 {
        return Err(ScenarioError::new(
            list.span(),
            format!(
                "`vary` lists {} for `{name}`; a reader needs at least two to choose from",
                match values.len() {
                    0 => "no value".to_string(),
                    _ => "one value".to_string(),
                }
            ),
        )
        .expected(expected)
        .hint(format!(
            "the block's own value ({}) is the default; list it with the others, or more",
            own
        )));
    }
    let default = match values.iter().position(|&v| v == own) {
        Some(i) => i,
        None => {
            let at = values.iter().position(|&v| v > own).unwrap_or(values.len());
            values.insert(at, own);
            at
        }
    };
    Ok((values, default))
}

impl Scenario {
    /// How many runs the block makes: one per combination of `vary` (1
    /// without it). The block's budgets of frames and training work are
    /// shared among them.
    pub fn combinations(&self) -> u64 {
        combinations(&self.vary)
    }

    /// Every combination's indices into the keys' values, the first key
    /// changing slowest.
    pub fn variant_picks(&self) -> Vec<Vec<usize>> {
        let mut all: Vec<Vec<usize>> = vec![Vec::new()];
        for v in &self.vary {
            all = all
                .into_iter()
                .flat_map(|p| {
                    (0..v.values.len()).map(move |i| {
                        let mut p = p.clone();
                        p.push(i);
                        p
                    })
                })
                .collect();
        }
        all
    }

    /// The block with the values `picks` chooses, and no `vary`.
    pub fn with_picks(&self, picks: &[usize]) -> Scenario {
        let mut s = self.clone();
        s.vary = Vec::new();
        s.warnings = Vec::new();
        for (v, &i) in self.vary.iter().zip(picks) {
            let x = v.values[i];
            match v.target {
                Target::Param(k) => s.params[k].value = x,
                Target::Input => {
                    for n in s.examples.iter_mut().flatten() {
                        if n.name == v.name {
                            n.value = x;
                        }
                    }
                }
                Target::Lr => match &mut s.train {
                    Some(t) => t.lr = x,
                    None => s.lr = Some(x),
                },
            }
        }
        s
    }

    /// Runs every combination of `vary` (the block's own from `runs`), in
    /// order; a run that fails is an error at `vary` naming its values.
    pub(super) fn run_variants(&self, runs: &[Run]) -> Result<Vec<Variant>, ScenarioError> {
        let own: Vec<usize> = self.vary.iter().map(|v| v.default).collect();
        self.variant_picks()
            .into_par_iter()
            .map(|picks| {
                let set: Vec<(String, f64)> = (self.vary.iter().zip(&picks))
                    .map(|(v, &i)| (v.name.clone(), v.values[i]))
                    .collect();
                let scenario = self.with_picks(&picks);
                let runs = if picks == own {
                    runs.to_vec()
                } else {
                    scenario
                        .analyze()
                        .map_err(|e| self.variant_error(&set, e))?
                };
                Ok(Variant {
                    set,
                    picks,
                    scenario: Arc::new(scenario),
                    runs,
                })
            })
            .collect()
    }

    /// A variant's failure, told at `vary` with its values.
    fn variant_error(&self, set: &[(String, f64)], e: ScenarioError) -> ScenarioError {
        let span = self.vary_span.clone();
        let mut err = ScenarioError::new(
            span,
            format!("the variant {} fails: {}", set_text(set), e.message),
        );
        err.expected = e.expected.clone();
        let err = err.hint(
            "drop these values from `vary`, or change the block so that every combination runs",
        );
        if e.file.is_none() && e.len > 0 {
            err.see("the failure is at", e.offset)
        } else {
            err
        }
    }

    /// Warnings for the variants whose training diverged: drawn up to
    /// their last finite step, like the block's own.
    pub fn variant_warnings(&self, runs: &[Run]) -> Vec<ScenarioError> {
        let Some(first) = runs.first() else {
            return Vec::new();
        };
        let own: Vec<usize> = self.vary.iter().map(|v| v.default).collect();
        (first.variants.iter())
            .filter(|v| v.picks != own)
            .filter_map(|v| {
                let w = v.scenario.divergence_warning(&v.runs)?;
                Some(ScenarioError {
                    offset: self.vary_span.start,
                    len: self.vary_span.len(),
                    message: format!("the variant {}: {}", set_text(&v.set), w.message),
                    ..w
                })
            })
            .collect()
    }
}

/// `x = -2, w = 1.2`.
pub fn set_text(set: &[(String, f64)]) -> String {
    let parts: Vec<String> = set.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    parts.join(", ")
}
