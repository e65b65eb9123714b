//! What a training figure's model view shows, read from the block: the
//! target, the model statement and its features.

use crate::scenario::Scenario;
use crate::scenario::expr::{Expr, ExprKind};
use std::collections::BTreeSet;

/// What the model view draws, chosen from the block: the target input
/// (`y` when there is one), the model (the last statement that depends on
/// a param and not on the target) and its features (the inputs it uses
/// besides the target).
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub label: Option<String>,
    pub model: Option<String>,
    pub features: Vec<String>,
}

/// The names an expression reads, and whether it calls the net.
fn reads(e: &Expr, net: Option<&str>, names: &mut BTreeSet<String>, calls_net: &mut bool) {
    match &e.kind {
        ExprKind::Num(_) => {}
        ExprKind::Name(nm) => {
            names.insert(nm.clone());
        }
        ExprKind::Neg(a) => reads(a, net, names, calls_net),
        ExprKind::Bin(_, a, b) => {
            reads(a, net, names, calls_net);
            reads(b, net, names, calls_net);
        }
        ExprKind::Call { name, args, .. } => {
            *calls_net |= Some(name.as_str()) == net;
            for a in args {
                reads(a, net, names, calls_net);
            }
        }
    }
}

/// The target, the model and its features (see [`Pick`]).
pub fn pick(s: &Scenario) -> Pick {
    // The block's own `label` and `model` (docs: "Labels and models") when
    // the model is a whole statement; a model that is part of a statement
    // has no name to evaluate, so the defaults below pick one instead.
    if let Some(m) = &s.model
        && let Some(name) = &m.name
    {
        return Pick {
            label: s.label.clone(),
            model: Some(name.clone()),
            features: m.features.clone(),
        };
    }
    let inputs: Vec<String> = s
        .examples
        .first()
        .map(|e| e.iter().map(|nm| nm.name.clone()).collect())
        .unwrap_or_default();
    let label = inputs.iter().find(|i| *i == "y").cloned();
    let params: BTreeSet<&str> = s.params.iter().map(|nm| nm.name.as_str()).collect();
    let net = s.net.as_ref().map(|n| n.name.as_str());
    // Per statement: does it depend on a param, and which inputs it reads.
    let mut deps: Vec<(String, bool, BTreeSet<String>)> = Vec::new();
    for st in &s.stmts {
        let (mut names, mut calls) = (BTreeSet::new(), false);
        reads(&st.expr, net, &mut names, &mut calls);
        let (mut param, mut ins) = (calls, BTreeSet::new());
        for nm in names {
            if let Some((_, pp, ii)) = deps.iter().rev().find(|(d, _, _)| *d == nm) {
                param |= *pp;
                ins.extend(ii.iter().cloned());
            } else if params.contains(nm.as_str()) {
                param = true;
            } else if inputs.contains(&nm) {
                ins.insert(nm);
            }
        }
        deps.push((st.name.clone(), param, ins));
    }
    let model = deps
        .iter()
        .rev()
        .find(|(_, param, ins)| *param && label.as_ref().is_none_or(|l| !ins.contains(l)));
    let features = model.map_or_else(Vec::new, |(_, _, ins)| {
        inputs
            .iter()
            .filter(|i| ins.contains(*i) && Some(*i) != label.as_ref())
            .cloned()
            .collect()
    });
    Pick {
        label,
        model: model.map(|(m, _, _)| m.clone()),
        features,
    }
}
