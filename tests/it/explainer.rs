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
    let (forward, backward) = (count(Phase::Forward), count(Phase::Backward));
    let ops = format!("{forward} forward operations");
    let messages = format!("{backward} backward messages");
    // Prose wraps lines: compare with whitespace collapsed.
    let flat = md.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&ops), "the prose should say \"{ops}\"");
    assert!(
        flat.contains(&messages),
        "the prose should say \"{messages}\""
    );
    // One message per edge, except the edge from the constant 1.
    let g = rs[0].graph();
    let edges: usize = g.nodes.iter().map(|n| n.parents.len()).sum();
    let from_constants = g
        .nodes
        .iter()
        .flat_map(|n| n.parents.iter())
        .filter(|&&p| g.nodes[p].kind == seen::engine::Kind::Const)
        .count();
    assert_eq!(backward, edges - from_constants);
}
