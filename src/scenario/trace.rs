//! The `seen trace` JSON: the machine-readable run of every block of a file.
//! Field names are a contract (`docs/trace-json.md`); add, never rename.

use super::{Run, Scenario};
use crate::engine::Graph;
use serde_json::{Map, Value, json};

/// f64 to JSON at full precision (serde_json prints the shortest string that
/// round-trips). Non-finite values cannot occur: the engine refuses them.
fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

fn nodes(g: &Graph) -> Value {
    Value::Array(
        g.nodes
            .iter()
            .enumerate()
            .map(|(id, n)| {
                json!({
                    "id": id,
                    "name": n.name,
                    "kind": n.kind.name(),
                    "op": n.op.map(|o| o.name()),
                    "parents": n.parents,
                    "value": num(n.value),
                    "grad": num(n.grad),
                    "example": n.example,
                })
            })
            .collect(),
    )
}

/// Every step of a training run: the params after k updates and the loss
/// at them.
fn training(t: &super::Training) -> Value {
    let steps: Vec<Value> = t
        .steps
        .iter()
        .map(|s| {
            let params: Map<String, Value> = t
                .names
                .iter()
                .zip(&s.params)
                .map(|(n, v)| (n.clone(), num(*v)))
                .collect();
            json!({ "step": s.step, "loss": num(s.loss), "params": params })
        })
        .collect();
    json!({ "lr": num(t.lr), "zero_grad": t.zero_grad, "steps": steps })
}

/// One scenario entry per view that was run.
pub fn scenario_json(s: &Scenario, run: &Run) -> Value {
    let g = run.graph();
    let out = &g.nodes[run.output()];
    let mut m = Map::new();
    m.insert("id".into(), json!(s.id));
    if let Some(t) = &s.title {
        m.insert("title".into(), json!(t));
    }
    m.insert("figure".into(), json!(s.figure.name()));
    m.insert("view".into(), json!(run.view.name()));
    m.insert("seed".into(), num(s.seed));
    m.insert(
        "output".into(),
        json!({ "name": out.name, "value": num(out.value) }),
    );
    m.insert("nodes".into(), nodes(g));
    if let Some(u) = &run.update {
        let params: Map<String, Value> = u
            .params
            .iter()
            .map(|(name, _, _, after)| (name.clone(), num(*after)))
            .collect();
        m.insert(
            "update".into(),
            json!({ "lr": num(u.lr), "params": params, "output": num(u.output_after) }),
        );
    }
    if let Some(t) = &run.training {
        m.insert("training".into(), training(t));
    }
    Value::Object(m)
}

/// The whole document for one file.
pub fn file_json(file: &str, runs: &[(Scenario, Vec<Run>)]) -> Value {
    let scenarios: Vec<Value> = runs
        .iter()
        .flat_map(|(s, rs)| rs.iter().map(move |r| scenario_json(s, r)))
        .collect();
    json!({ "file": file, "scenarios": scenarios })
}
