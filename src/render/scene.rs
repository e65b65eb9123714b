//! A graph laid out once, to be drawn for every step of its story (and as
//! a still): display nodes, their boxes, their places.

use super::node::{
    EdgeLook, NODE_H, NodeDraw, box_width, draw_edge, grad_width, label_width, sum_width,
    value_width,
};
use super::svg::Svg;
use crate::engine::{Graph, Kind, NodeId};
use crate::layout::{EdgeRoute, Layout, LayoutNode, LayoutOptions, Point, layout};
use crate::story::{Phase, State, Step, Story};
use std::collections::HashMap;

/// Room at the top of a frame for the step caption.
pub(crate) const TOP: f64 = 34.0;

/// A graph laid out once, drawn for every step: one drawn node per value.
pub struct Scene {
    /// Laid out over the graph's nodes, in arena order.
    pub layout: Layout,
    pub sizes: Vec<(f64, f64)>,
    pub width: f64,
    pub height: f64,
    /// Each laid-out edge's place in `layout.edges`, by (from, to, slot):
    /// a step finds its active edges without a scan of every edge.
    edge_at: HashMap<(NodeId, NodeId, usize), usize>,
}

/// The running sum node `i` shows at `step`: (its gradient before, after)
/// when the step delivers a message to `i` that adds to a gradient it
/// already had (a value read by several consumers, or twice by one).
/// `before` and `after` are `i`'s gradient before and after the step.
pub(crate) fn running_sum(
    g: &Graph,
    step: &Step,
    i: NodeId,
    before: Option<f64>,
    after: Option<f64>,
) -> Option<(f64, f64)> {
    if step.phase != Phase::Backward || g.nodes[i].kind == Kind::Const {
        return None;
    }
    // A backward step's active edge runs from the receiver to its consumer.
    if !step.active_edges.iter().any(|e| e.from == i) {
        return None;
    }
    Some((before?, after?))
}

/// Node `i`'s gradient after `step`, which `state` is still before.
pub(crate) fn grad_after(step: &Step, state: &State, i: NodeId) -> Option<f64> {
    match step.changes.binary_search_by_key(&i, |c| c.node) {
        Ok(at) => step.changes[at].grad,
        Err(_) => state.grads[i],
    }
}

/// Each node's box width: it fits the longest text any step shows on it. A
/// node's text only changes on the steps that change it, so only those
/// are measured: O(steps + changes), not O(steps × nodes).
/// `sums`: also fit the running sums the frames show (a still shows none).
fn node_widths(g: &Graph, story: &Story, sums: bool) -> Vec<f64> {
    let mut widths: Vec<f64> = (0..g.len())
        .map(|i| label_width(&story.labels[i]))
        .collect();
    let mut state = State::new(g.len());
    for st in &story.steps {
        for c in &st.changes {
            let i = c.node;
            if let Some(v) = c.value {
                widths[i] = widths[i].max(value_width(v));
            }
            if let Some(d) = c.grad {
                widths[i] = widths[i].max(grad_width(d));
            }
        }
        for e in st.active_edges.iter().filter(|_| sums) {
            let i = e.from;
            let sum = running_sum(g, st, i, state.grads[i], grad_after(st, &state, i));
            if let Some(sum) = sum {
                widths[i] = widths[i].max(sum_width(sum));
            }
        }
        state.apply(st);
    }
    widths.into_iter().map(box_width).collect()
}

impl Scene {
    /// Lays out `g`, sizing each node for the longest text any step shows.
    ///
    /// One node per value: a node read by k consumers is drawn once with k
    /// out-edges (a weight shared by three examples, `y` in both halves of
    /// an expanded `bce`, `x` in `x * x`), so the reader sees its messages
    /// arrive and add up. The layout keeps the crossings this costs low.
    pub fn new(g: &Graph, story: &Story) -> Scene {
        Scene::sized(g, node_widths(g, story, true))
    }

    /// The same graph for a still, which shows no running sum: boxes fit
    /// the values and final gradients only.
    pub fn still(g: &Graph, story: &Story) -> Scene {
        Scene::sized(g, node_widths(g, story, false))
    }

    fn sized(g: &Graph, widths: Vec<f64>) -> Scene {
        let nodes: Vec<LayoutNode> = g
            .nodes
            .iter()
            .zip(&widths)
            .map(|(nd, &width)| LayoutNode {
                parents: nd.parents.clone(),
                width,
                height: NODE_H,
            })
            .collect();
        let opts = LayoutOptions {
            rank_gap: 56.0,
            node_gap: 20.0,
            margin: 14.0,
        };
        let layout = layout(&nodes, &opts);
        // Room at the top for the step caption, and at the bottom for the
        // message band.
        let width = layout.width.max(360.0);
        let height = layout.height + TOP + 30.0;
        let edge_at = (layout.edges.iter().enumerate())
            .map(|(k, e)| ((e.from, e.to, e.slot), k))
            .collect();
        Scene {
            sizes: nodes.iter().map(|l| (l.width, l.height)).collect(),
            layout,
            width,
            height,
            edge_at,
        }
    }

    /// The laid-out edge from `from` into operand `slot` of `to`.
    pub(crate) fn edge(&self, from: NodeId, to: NodeId, slot: usize) -> Option<&EdgeRoute> {
        self.edge_at
            .get(&(from, to, slot))
            .map(|&k| &self.layout.edges[k])
    }

    /// Centre of node `i`.
    pub(crate) fn center(&self, i: NodeId) -> Point {
        let c = self.layout.centers[i];
        Point {
            x: c.x,
            y: c.y + TOP,
        }
    }

    /// The drawn route of a laid-out edge (below the caption).
    pub(crate) fn route(&self, points: &[Point]) -> Vec<Point> {
        points
            .iter()
            .map(|p| Point {
                x: p.x,
                y: p.y + TOP,
            })
            .collect()
    }

    /// Node `i` with the values and gradients of `state`, or bare without
    /// one.
    pub(crate) fn node_draw<'a>(
        &self,
        g: &Graph,
        story: &'a Story,
        i: NodeId,
        state: Option<&State>,
    ) -> NodeDraw<'a> {
        NodeDraw {
            kind: g.nodes[i].kind,
            center: self.center(i),
            size: self.sizes[i],
            label: &story.labels[i],
            value: state.and_then(|s| s.values[i]),
            grad: state.and_then(|s| s.grads[i]),
            active: false,
            sum: None,
        }
    }

    /// Every edge, quiet, with its arrowhead into the consumer; an edge out
    /// of a constant dotted.
    pub(crate) fn draw_edges(&self, svg: &mut Svg, g: &Graph, look: &EdgeLook) {
        let quiet = look.out_of_const();
        for e in &self.layout.edges {
            let pts = self.route(&e.points);
            if pts.len() < 2 {
                continue;
            }
            let look = if g.nodes[e.from].kind == Kind::Const {
                &quiet
            } else {
                look
            };
            draw_edge(svg, &pts, look);
        }
    }
}
