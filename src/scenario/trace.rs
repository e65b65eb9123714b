//! The `seen trace` JSON: the machine-readable run of every block of a file.
//! Field names are a contract (`docs/trace-json.md`); add, never rename.
//!
//! The document is serialized straight from borrowed views of the run
//! (structs deriving `Serialize`), not built as a `serde_json::Value` first:
//! a training block's trace holds every step's loss and the params of its
//! snapshots, and building a map per step was a quarter of a site build's
//! CPU time. The keys of every
//! object are printed in alphabetical order, as a `Value` (a sorted map)
//! printed them: the fields of each struct below are declared in that order.
//! Numbers are `f64`s printed by serde_json at full precision (the shortest
//! string that round-trips); non-finite values cannot occur (the engine
//! refuses them) and would print as `null`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{Run, Scenario};
use crate::engine::Graph;

/// The whole document for one file.
#[derive(Serialize)]
struct Doc<'a> {
    file: &'a str,
    scenarios: Vec<ScenarioJson<'a>>,
}

/// One scenario entry per view that was run.
#[derive(Serialize)]
struct ScenarioJson<'a> {
    figure: &'static str,
    id: &'a str,
    nodes: Nodes<'a>,
    output: Output<'a>,
    seed: f64,
    /// A variant's values (only in `variants`).
    #[serde(skip_serializing_if = "Option::is_none")]
    set: Option<SetJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    training: Option<TrainingJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update: Option<UpdateJson<'a>>,
    /// Every combination of `vary`, the first key changing slowest.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    variants: Vec<ScenarioJson<'a>>,
    view: &'static str,
}

/// A variant's values, in the order of the block's `vary` (as the author
/// wrote the keys, not sorted: the one object of the document whose keys
/// keep that order).
struct SetJson<'a>(&'a [(String, f64)]);

impl Serialize for SetJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct Output<'a> {
    name: &'a Option<String>,
    value: f64,
}

/// Every node of a graph, in arena order.
struct Nodes<'a>(&'a Graph);

impl Serialize for Nodes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.nodes.iter().enumerate().map(|(id, n)| NodeJson {
            example: n.example,
            grad: n.grad,
            id,
            kind: n.kind.name(),
            name: &n.name,
            op: n.op.map(|o| o.name()),
            parents: &n.parents,
            value: n.value,
        }))
    }
}

#[derive(Serialize)]
struct NodeJson<'a> {
    example: Option<usize>,
    grad: f64,
    id: usize,
    kind: &'static str,
    name: &'a Option<String>,
    op: Option<&'static str>,
    parents: &'a [usize],
    value: f64,
}

#[derive(Serialize)]
struct UpdateJson<'a> {
    lr: f64,
    output: f64,
    params: BTreeMap<&'a str, f64>,
}

/// Every step of a training run: the loss after k updates, and the params
/// at the steps a training figure shows (its snapshots). Params at every
/// step made 1.64 GB for 10,000 steps of a 2-64-64-1 net.
#[derive(Serialize)]
struct TrainingJson<'a> {
    /// The first step whose loss is not finite, for a run that diverged
    /// (`steps` then ends one before it).
    #[serde(skip_serializing_if = "Option::is_none")]
    diverged_at: Option<usize>,
    lr: f64,
    steps: Steps<'a>,
    zero_grad: bool,
}

struct Steps<'a> {
    t: &'a super::Training,
    /// The params in the order an object prints them: (name, index in
    /// `Snapshot::params`), sorted by name, the last of equal names kept
    /// (as a map built from the list would keep it). Worked out once for
    /// every step.
    order: Vec<(&'a str, usize)>,
}

impl Serialize for Steps<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.t.steps.iter().map(|step| StepJson {
            loss: step.loss,
            params: (self.t.snapshots.binary_search(&step.step).is_ok()).then_some(Params {
                order: &self.order,
                values: &step.params,
            }),
            step: step.step,
        }))
    }
}

#[derive(Serialize)]
struct StepJson<'a> {
    loss: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<Params<'a>>,
    step: usize,
}

struct Params<'a> {
    order: &'a [(&'a str, usize)],
    values: &'a [f64],
}

impl Serialize for Params<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.order.len()))?;
        for (name, i) in self.order {
            if let Some(v) = self.values.get(*i) {
                m.serialize_entry(name, v)?;
            }
        }
        m.end()
    }
}

fn training(t: &super::Training) -> TrainingJson<'_> {
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, n) in t.names.iter().enumerate() {
        by_name.insert(n, i);
    }
    TrainingJson {
        diverged_at: t.diverged.as_ref().map(|d| d.at),
        lr: t.lr,
        steps: Steps {
            t,
            order: by_name.into_iter().collect(),
        },
        zero_grad: t.zero_grad,
    }
}

fn scenario<'a>(s: &'a Scenario, run: &'a Run) -> ScenarioJson<'a> {
    let mut json = one(s, run);
    let view = (s.views().iter()).position(|&v| v == run.view);
    json.variants = (run.variants.iter())
        .filter_map(|v| {
            let r = v.runs.get(view?)?;
            let mut j = one(&v.scenario, r);
            j.set = Some(SetJson(&v.set));
            Some(j)
        })
        .collect();
    json
}

/// One run's fields, without variants.
fn one<'a>(s: &'a Scenario, run: &'a Run) -> ScenarioJson<'a> {
    let g = run.graph();
    let out = &g.nodes[run.output()];
    ScenarioJson {
        figure: s.figure.name(),
        id: &s.id,
        nodes: Nodes(g),
        output: Output {
            name: &out.name,
            value: out.value,
        },
        seed: s.seed,
        set: None,
        title: s.title.as_deref(),
        training: run.training.as_deref().map(training),
        update: run.update.as_ref().map(|u| UpdateJson {
            lr: u.lr,
            output: u.output_after,
            params: u
                .params
                .iter()
                .map(|(name, _, _, after)| (name.as_str(), *after))
                .collect(),
        }),
        variants: Vec::new(),
        view: run.view.name(),
    }
}

fn doc<'a>(file: &'a str, runs: &'a [(Scenario, Vec<Run>)]) -> Doc<'a> {
    Doc {
        file,
        scenarios: runs
            .iter()
            .flat_map(|(s, rs)| rs.iter().map(move |r| scenario(s, r)))
            .collect(),
    }
}

/// The whole document for one file, pretty-printed as `seen trace` prints
/// it (two-space indents, no newline at the end).
pub fn file_json_pretty(file: &str, runs: &[(Scenario, Vec<Run>)]) -> String {
    serde_json::to_string_pretty(&doc(file, runs)).expect("JSON of numbers and strings")
}

/// The document of one block's runs, compact (no spaces, no newlines but
/// the one at the end): the `trace.json` download beside a figure, the same
/// as [`file_json_pretty`] of that one block. Whitespace is not part of the
/// contract; the values, keys and their order are the same as
/// [`file_json_pretty`]'s.
pub fn block_json_compact(file: &str, s: &Scenario, runs: &[Run]) -> Vec<u8> {
    let mut out = Vec::new();
    write_block_json(&mut out, file, s, runs).expect("a Vec takes every byte");
    out
}

/// [`block_json_compact`] into `w` as it is serialised (a writer that
/// counts, to check its size against a budget without holding it).
pub fn write_block_json(
    mut w: impl std::io::Write,
    file: &str,
    s: &Scenario,
    runs: &[Run],
) -> std::io::Result<()> {
    let doc = Doc {
        file,
        scenarios: runs.iter().map(|r| scenario(s, r)).collect(),
    };
    serde_json::to_writer(&mut w, &doc)?;
    w.write_all(b"\n")
}
