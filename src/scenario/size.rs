//! How big a block's graph will be, worked out from what the author wrote
//! before any of it is built: a net's params from its `sizes`, and every
//! example's nodes from the statements. `net = { sizes = [2, 1000000000,
//! 1] }` asked for 128 GB before the node limit was ever checked; now it is
//! refused at `sizes` with the numbers.
//!
//! The count is a lower bound of what lowering builds (a module is one
//! node, as in the modules view; the atomic view has more), so a block
//! refused here would be refused by lowering too, only later and after
//! the memory was taken. Lowering keeps its own exact check.

use super::data::Data;
use super::error::ScenarioError;
use super::expr::{BinOp, Expr, ExprKind, Stmt};
use super::lower::{MAX_NODES, MAX_TRAINING_NODES};
use super::net::Net;
use super::spec::Spec;
use super::{Figure, Named};

/// Fewest nodes `e` lowers to, besides the names it reads. `net_call`:
/// the nodes of one call of the block's net.
fn expr_nodes(e: &Expr, net: Option<(&str, u64)>) -> u64 {
    // Iterative: expressions are bounded in depth, but this keeps it
    // obviously safe.
    let mut stack = vec![e];
    let mut n: u64 = 0;
    while let Some(e) = stack.pop() {
        n = n.saturating_add(match &e.kind {
            ExprKind::Num(_) => 1,
            ExprKind::Name(_) => 0,
            ExprKind::Neg(inner) if matches!(inner.kind, ExprKind::Num(_)) => {
                // `-0.8` is one constant.
                1
            }
            ExprKind::Neg(inner) => {
                stack.push(inner);
                1
            }
            ExprKind::Bin(BinOp::Pow, base, _) => {
                // The exponent is a number folded into the op.
                stack.push(base);
                1
            }
            ExprKind::Bin(op, a, b) => {
                stack.push(a);
                stack.push(b);
                // `a - b` is `a + (-b)`, `a / b` is `a * recip(b)`.
                if matches!(op, BinOp::Sub | BinOp::Div) {
                    2
                } else {
                    1
                }
            }
            ExprKind::Call { name, args, .. } => {
                stack.extend(args.iter());
                match net {
                    Some((net, nodes)) if net == name => nodes,
                    _ => 1,
                }
            }
        });
    }
    n
}

/// Nodes of one call of `net`: a `linear` per neuron, and an activation
/// per hidden neuron.
fn net_call_nodes(net: &Net) -> u64 {
    let layers = &net.sizes[1..];
    let neurons: u64 = layers.iter().map(|&n| n as u64).sum();
    let hidden: u64 = layers[..layers.len() - 1].iter().map(|&n| n as u64).sum();
    neurons.saturating_add(hidden)
}

/// Refuses a block whose graph is sure to be over its node limit, before
/// the examples are built: the params, the net's params, and for every
/// example its inputs and the nodes of its statements.
pub fn check(
    spec: &Spec,
    params: &[Named],
    data: Option<&Data>,
    net: Option<&Net>,
    stmts: &[Stmt],
    figure: Figure,
) -> Result<(), ScenarioError> {
    let limit = if figure.draws_graph() {
        MAX_NODES
    } else {
        MAX_TRAINING_NODES
    } as u64;
    let net_params = net.map_or(0, |n| n.param_count());
    let shared = (params.len() as u64).saturating_add(net_params);
    let inputs = spec.inputs.len() as u64;
    // (examples, inputs of each, where the examples are written)
    let (count, per_inputs, span) = match (data, &spec.data, &spec.examples) {
        (Some(d), Some(key), _) => (
            d.rows.len() as u64,
            inputs + d.columns.len() as u64,
            key.span(),
        ),
        (_, _, Some(ex)) => (
            ex.get_ref().len() as u64,
            inputs + ex.get_ref().first().map_or(0, |t| t.get_ref().len() as u64),
            ex.span(),
        ),
        _ => (1, inputs, 0..0),
    };
    let call = net.map(|n| (n.name.as_str(), net_call_nodes(n)));
    let per_example = stmts.iter().fold(per_inputs, |n, st| {
        n.saturating_add(expr_nodes(&st.expr, call))
    });
    // The reduction: an add per example after the first (and the mean's
    // constant and multiply, not counted here).
    let reduce = count.saturating_sub(1);
    let total = per_example
        .saturating_mul(count)
        .saturating_add(reduce)
        .saturating_add(shared);
    // One example and no net: the graph is as big as the text that writes
    // it, and lowering refuses it at the very statement that goes over.
    if total <= limit || (count == 1 && net.is_none()) {
        return Ok(());
    }
    let hint = if figure.draws_graph() {
        format!(
            "a block with `train` draws a training figure, which runs its graph without drawing it and may have up to {MAX_TRAINING_NODES} nodes"
        )
    } else {
        "fewer examples, fewer statements, or a smaller net".to_string()
    };
    // The net alone is too big: said at its `sizes`.
    if let Some(n) = net.filter(|_| net_params > limit) {
        return Err(ScenarioError::new(
            n.sizes_span.clone(),
            format!(
                "the net has {net_params} params, more than the limit of {limit} nodes for the whole graph"
            ),
        )
        .expected(format!(
            "smaller layers: a layer of n neurons over m inputs has n × (m + 1) params (sizes {:?} give {net_params})",
            n.sizes
        ))
        .hint(hint));
    }
    let parts = if count == 1 {
        format!("{per_example} nodes of the statements and inputs, {shared} params")
    } else {
        format!(
            "{count} examples × {per_example} nodes, {reduce} nodes adding them up, {shared} params"
        )
    };
    // With one example, the net is what makes it big.
    let span = match net {
        Some(n) if count == 1 => n.sizes_span.clone(),
        _ => span,
    };
    Err(ScenarioError::new(
        span,
        format!(
            "the graph would have at least {total} nodes ({parts}), more than the limit of {limit}"
        ),
    )
    .expected(format!("a graph of at most {limit} nodes"))
    .hint(hint))
}
