//! A graph laid out once, to be drawn for every step of its story (and as
//! a still): display nodes, their boxes, their places.

use super::node::{
    EdgeLook, NODE_H, NodeDraw, box_width, draw_edge, grad_width, label_width, sum_width,
    value_width,
};
use super::svg::Svg;
use crate::engine::{Graph, Kind, NodeId};
use crate::layout::{Layout, LayoutNode, LayoutOptions, Point, layout};
use crate::story::{Phase, Step, Story};

/// Room at the top of a frame for the step caption.
pub(crate) const TOP: f64 = 34.0;

/// A graph laid out once, drawn for every step: one drawn node per value.
pub struct Scene {
    /// Laid out over the graph's nodes, in arena order.
    pub layout: Layout,
    pub sizes: Vec<(f64, f64)>,
    pub width: f64,
    pub height: f64,
}

/// The running sum node `i` shows at step `k`: (its gradient before, after)
/// when the step delivers a message to `i` that adds to a gradient it
/// already had (a value read by several consumers, or twice by one).
pub(crate) fn running_sum(g: &Graph, story: &Story, k: usize, i: NodeId) -> Option<(f64, f64)> {
    let st = &story.steps[k];
    if st.phase != Phase::Backward || g.nodes[i].kind == Kind::Const {
        return None;
    }
    // A backward step's active edge runs from the receiver to its consumer.
    if !st.active_edges.iter().any(|e| e.from == i) {
        return None;
    }
    let before = story.steps[k.checked_sub(1)?].grads[i]?;
    Some((before, st.grads[i]?))
}

/// Each node's box width: it fits the longest text any step shows on it. A
/// node's text only changes on the steps where it is active (or at the
/// update), so only those are measured: O(steps), not O(steps × nodes).
/// `sums`: also fit the running sums the frames show (a still shows none).
fn node_widths(g: &Graph, story: &Story, sums: bool) -> Vec<f64> {
    let mut widths: Vec<f64> = (0..g.len())
        .map(|i| label_width(&story.labels[i]))
        .collect();
    let all: Vec<NodeId> = (0..g.len()).collect();
    for (k, st) in story.steps.iter().enumerate() {
        let changed = if st.phase == Phase::Update {
            &all
        } else {
            &st.active_nodes
        };
        for &i in changed {
            if let Some(v) = st.values[i] {
                widths[i] = widths[i].max(value_width(v));
            }
            if let Some(d) = st.grads[i] {
                widths[i] = widths[i].max(grad_width(d));
            }
            if let Some(sum) = running_sum(g, story, k, i).filter(|_| sums) {
                widths[i] = widths[i].max(sum_width(sum));
            }
        }
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
                lane: None,
            })
            .collect();
        let opts = LayoutOptions {
            rank_gap: 56.0,
            node_gap: 20.0,
            margin: 14.0,
            ..LayoutOptions::default()
        };
        let layout = layout(&nodes, &opts);
        // Room at the top for the step caption, and at the bottom for the
        // message band.
        let width = layout.width.max(360.0);
        let height = layout.height + TOP + 30.0;
        Scene {
            sizes: nodes.iter().map(|l| (l.width, l.height)).collect(),
            layout,
            width,
            height,
        }
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

    /// Node `i` with the values and gradients of `step`, or bare without
    /// one.
    pub(crate) fn node_draw<'a>(
        &self,
        g: &Graph,
        story: &'a Story,
        i: NodeId,
        step: Option<&Step>,
    ) -> NodeDraw<'a> {
        NodeDraw {
            kind: g.nodes[i].kind,
            center: self.center(i),
            size: self.sizes[i],
            label: &story.labels[i],
            value: step.and_then(|s| s.values[i]),
            grad: step.and_then(|s| s.grads[i]),
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
