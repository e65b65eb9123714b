//! The bundled explainer's prose quotes a few numbers about its own figures
//! (how many operations the single trace runs forward, how many messages it
//! sends back). Every number a reader sees must come from the engine, so
//! these are checked against the run: change the graph and this fails until
//! the prose says the new count.

use seen::story::{self, Phase};

use crate::support::explainer_md;

#[test]
fn the_prose_quotes_the_single_traces_own_counts() {
    let md = std::fs::read_to_string(explainer_md()).unwrap();
    let runs = seen::run_file(&explainer_md()).expect("the explainer runs");
    let (_, rs) = runs
        .iter()
        .find(|(s, _)| s.id == "single")
        .expect("the explainer has the single trace");
    let told = story::tell(&rs[0]);
    let count = |p: Phase| told.steps.iter().filter(|s| s.phase == p).count();
    let (forward, drawn) = (count(Phase::Forward), count(Phase::Backward));
    let g = rs[0].graph();
    // The engine's messages: all but the one to the constant; the figure
    // draws all but the one to the input too.
    let backward = (rs[0].messages.iter())
        .filter(|m| g.nodes[m.to].kind != seen::engine::Kind::Const)
        .count();
    let to_inputs = (rs[0].messages.iter())
        .filter(|m| g.nodes[m.to].kind == seen::engine::Kind::Input)
        .count();
    assert_eq!(drawn, backward - to_inputs);
    let ops = format!("{forward} forward operations");
    let messages = format!("{backward} backward messages");
    let figure = format!("the figure draws {drawn}");
    // Prose wraps lines: compare with whitespace collapsed.
    let flat = md.split_whitespace().collect::<Vec<_>>().join(" ");
    for quote in [ops, messages, figure] {
        assert!(flat.contains(&quote), "the prose should say \"{quote}\"");
    }
    // One message per edge, except the edge from the constant 1.
    let edges: usize = g.nodes.iter().map(|n| n.parents.len()).sum();
    let from_constants = g
        .nodes
        .iter()
        .flat_map(|n| n.parents.iter())
        .filter(|&&p| g.nodes[p].kind == seen::engine::Kind::Const)
        .count();
    assert_eq!(backward, edges - from_constants);
}

/// The network section says how many parameters its net has and that the
/// loss falls; both must hold for the run the page draws.
#[test]
fn the_prose_quotes_the_moons_nets_own_parameter_count() {
    let md = std::fs::read_to_string(explainer_md()).unwrap();
    let out = crate::support::seen(&[
        "trace",
        explainer_md().to_str().unwrap(),
        "--scenario",
        "moons",
    ]);
    assert!(out.status.success(), "{}", crate::support::describe(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps = json["scenarios"][0]["training"]["steps"]
        .as_array()
        .expect("the moons block trains");
    let params = steps[0]["params"].as_object().unwrap().len();
    let flat = md.split_whitespace().collect::<Vec<_>>().join(" ");
    let said = format!("{params} parameters)");
    assert!(flat.contains(&said), "the prose should say \"{said}\"");
    // "the loss falls again": the last loss is well under the first.
    let loss = |s: &serde_json::Value| s["loss"].as_f64().unwrap();
    let (first, last) = (loss(&steps[0]), loss(steps.last().unwrap()));
    assert!(last < first / 10.0, "loss {first} -> {last}");
}
