//! A graph laid out once, to be drawn for every step of its story (and as
//! a still): display nodes, their boxes, their places.

use super::node::{
    EdgeLook, NODE_H, NodeDraw, box_width, draw_edge, grad_width, label_width, value_width,
};
use super::svg::Svg;
use crate::engine::{Graph, NodeId};
use crate::layout::{Layout, LayoutNode, LayoutOptions, Point, layout};
use crate::story::{Phase, Step, Story};

/// Room at the top of a frame for the step caption.
pub(crate) const TOP: f64 = 34.0;

/// A graph laid out once, drawn for every step.
pub struct Scene {
    /// Laid out over display nodes (see [`Scene::new`]).
    pub layout: Layout,
    /// The arena node each display node draws.
    pub arena: Vec<NodeId>,
    /// How many display copies the node has (1 unless it is a shared leaf).
    pub copies: Vec<usize>,
    pub sizes: Vec<(f64, f64)>,
    pub width: f64,
    pub height: f64,
}

/// The display nodes of a graph: arena nodes, with a shared leaf split
/// into one tied copy per consumer.
struct Display {
    /// The arena node each display node draws.
    arena: Vec<NodeId>,
    /// Per arena node: (consumer, display node), the consumer `usize::MAX`
    /// for a node drawn once.
    display_of: Vec<Vec<(NodeId, usize)>>,
}

impl Display {
    fn new(g: &Graph) -> Display {
        // Distinct consumers of every node, in arena order.
        let mut consumers: Vec<Vec<NodeId>> = vec![Vec::new(); g.len()];
        for (c, node) in g.nodes.iter().enumerate() {
            for &p in &node.parents {
                if consumers[p].last() != Some(&c) {
                    consumers[p].push(c);
                }
            }
        }
        let copy_of = |i: usize| g.nodes[i].kind.is_leaf() && consumers[i].len() > 1;
        // Copies take the leaf's place in arena order, so every parent still
        // comes before its consumers.
        let mut arena = Vec::new();
        let mut display_of: Vec<Vec<(NodeId, usize)>> = vec![Vec::new(); g.len()];
        for i in 0..g.len() {
            if copy_of(i) {
                for &c in &consumers[i] {
                    display_of[i].push((c, arena.len()));
                    arena.push(i);
                }
            } else {
                display_of[i].push((usize::MAX, arena.len()));
                arena.push(i);
            }
        }
        Display { arena, display_of }
    }

    /// The display node of `p` that `consumer` reads.
    fn parent(&self, p: NodeId, consumer: NodeId) -> usize {
        self.display_of[p]
            .iter()
            .find(|(c, _)| *c == consumer || *c == usize::MAX)
            .map_or(0, |(_, d)| *d)
    }
}

/// Each node's box width: it fits the longest text any step shows on it. A
/// node's text only changes on the steps where it is active (or at the
/// update), so only those are measured: O(steps), not O(steps × nodes).
fn node_widths(g: &Graph, story: &Story) -> Vec<f64> {
    let mut widths: Vec<f64> = (0..g.len())
        .map(|i| label_width(&story.labels[i]))
        .collect();
    let all: Vec<NodeId> = (0..g.len()).collect();
    for st in &story.steps {
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
        }
    }
    widths.into_iter().map(box_width).collect()
}

impl Scene {
    /// Lays out `g`, sizing each node for the longest text any step shows.
    ///
    /// A leaf read by several different ops is drawn once beside each of
    /// them (its "tied copies", all showing the same value and running
    /// gradient, tagged "shared ×k"). A shared leaf drawn once would force
    /// edge crossings: a weight feeding three examples' `linear` modules, or
    /// `y` feeding both halves of an expanded `bce`, cannot be drawn left to
    /// right without one. `x * x` is one consumer, so `x` stays one node
    /// with two edges.
    pub fn new(g: &Graph, story: &Story) -> Scene {
        let display = Display::new(g);
        let widths = node_widths(g, story);
        let nodes: Vec<LayoutNode> = display
            .arena
            .iter()
            .map(|&i| LayoutNode {
                parents: g.nodes[i]
                    .parents
                    .iter()
                    .map(|&p| display.parent(p, i))
                    .collect(),
                width: widths[i],
                height: NODE_H,
            })
            .collect();
        // Shared copies carry a tag above their box: leave room for it.
        let shared = display.arena.len() > g.len();
        let opts = LayoutOptions {
            rank_gap: 64.0,
            node_gap: if shared { 30.0 } else { 20.0 },
            margin: if shared { 20.0 } else { 14.0 },
        };
        let layout = layout(&nodes, &opts);
        // Room at the top for the step caption, and at the bottom for the
        // message band.
        let width = layout.width.max(360.0);
        let height = layout.height + TOP + 30.0;
        let copies = display
            .arena
            .iter()
            .map(|&i| display.display_of[i].len())
            .collect();
        Scene {
            sizes: nodes.iter().map(|l| (l.width, l.height)).collect(),
            layout,
            arena: display.arena,
            copies,
            width,
            height,
        }
    }

    /// Centre of display node `d` (a node, or one tied copy of a leaf).
    pub(crate) fn center(&self, d: usize) -> Point {
        let c = self.layout.centers[d];
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

    /// Display node `d` (drawing arena node `i`) with the values and
    /// gradients of `step`, or bare without one.
    pub(crate) fn node_draw<'a>(
        &self,
        g: &Graph,
        story: &'a Story,
        d: usize,
        i: NodeId,
        step: Option<&Step>,
    ) -> NodeDraw<'a> {
        NodeDraw {
            kind: g.nodes[i].kind,
            center: self.center(d),
            size: self.sizes[d],
            label: &story.labels[i],
            value: step.and_then(|s| s.values[i]),
            grad: step.and_then(|s| s.grads[i]),
            active: false,
            copies: self.copies[d],
        }
    }

    /// Every edge, quiet, with its arrowhead into the consumer.
    pub(crate) fn draw_edges(&self, svg: &mut Svg, look: &EdgeLook) {
        for e in &self.layout.edges {
            let pts = self.route(&e.points);
            if pts.len() < 2 {
                continue;
            }
            draw_edge(svg, &pts, look);
        }
    }
}
