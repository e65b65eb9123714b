//! A graph laid out once, to be drawn for every step of its story (and as
//! a still): display nodes, their boxes, their places, in either direction
//! (left to right, or top to bottom for a narrow screen), and where each
//! backward step writes its message.

use super::message::{self, BAND_H, Obstacles, Placed, Rect};
use super::node::{
    EdgeLook, NODE_H, NodeDraw, box_width, draw_edge, grad_width, label_width, sum_text, sum_width,
    value_width,
};
use super::svg::Svg;
use super::theme::text_w;
use crate::engine::{Graph, Kind, NodeId};
pub use crate::layout::Direction;
use crate::layout::{EdgeRoute, Layout, LayoutNode, LayoutOptions, Point, layout_spaced};
use crate::story::{Phase, State, Step, Story};
use std::collections::HashMap;

/// Room at the top of a frame for a one-line step caption, and for each
/// further line of a caption wrapped on a narrow frame.
pub(crate) const TOP: f64 = 34.0;
const CAPTION_LINE: f64 = 17.0;
/// Advance of the caption's 13 px bold text, per character.
const CAPTION_CH: f64 = 8.4;
/// Room under the graph: a little air at the bottom of the frame.
const BOTTOM: f64 = 8.0;
/// The narrowest a left-to-right frame is drawn (its caption needs room).
const MIN_WIDTH: f64 = 360.0;
/// The column a phone shows a figure in: 360 px (the narrowest common
/// phone) less the page's 1 rem of padding on each side. A top-to-bottom
/// frame is at least this wide (a narrow graph centred in it, with room
/// beside its edges for their messages); a wider one is shown on a phone
/// as a view this wide around each step's subject ([`Scene::crops`]).
pub const PHONE_COLUMN: f64 = 326.0;

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
    pub direction: Direction,
    /// Room above the graph: the step caption, and a strip for messages.
    pub(crate) top: f64,
    /// Where the caption ends: messages may go below it.
    pub(crate) caption_h: f64,
    /// How far right of the frame's left edge the layout is drawn: a graph
    /// narrower than its frame is centred in it.
    pub(crate) dx: f64,
    /// Per step of the story the scene was made for: its message, placed
    /// beside its edge (none for a still, or a step with no message).
    pub(crate) messages: Vec<Option<Placed>>,
    /// Per step: the text of its message. Top to bottom, a message adding
    /// to a gradient the node already had ends in a line with the running
    /// sum, which a left-to-right frame writes in the node itself: a node
    /// as wide as `∇ −0.2996 + (−0.2996) = −0.5991` would make a small
    /// graph wider than a phone.
    pub(crate) texts: Vec<Option<String>>,
    /// Per step: the caption's lines, wrapped to the width it is read at.
    pub(crate) captions: Vec<Vec<String>>,
    /// Per step, for a top-to-bottom frame wider than [`PHONE_COLUMN`]: the
    /// left edge of the phone's view of it, which centres the step's
    /// subject; empty otherwise.
    pub crops: Vec<f64>,
    /// Per step with a crop: how far down its subject is (where the cue
    /// that more lies beside the view is drawn).
    pub(crate) cue_y: Vec<f64>,
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

/// The message a frame draws for step `st`: a backward step's, unless it
/// goes to a constant (which is sent no drawn message).
pub(crate) fn drawn_message<'a>(g: &Graph, st: &'a Step) -> Option<&'a str> {
    let to_const = st
        .active_edges
        .iter()
        .any(|e| g.nodes[e.from].kind == Kind::Const);
    if st.phase != Phase::Backward || to_const {
        return None;
    }
    st.edge_label.as_deref()
}

/// Per step, the text its message is drawn with: the story's message, and
/// with `sums` a line with the running sum of the node it adds to (see
/// [`Scene::texts`]).
fn message_texts(g: &Graph, story: &Story, sums: bool) -> Vec<Option<String>> {
    let mut state = State::new(g.len());
    let mut out = Vec::with_capacity(story.steps.len());
    for st in &story.steps {
        let text = drawn_message(g, st).map(|m| {
            let sum = (st.active_edges.first().filter(|_| sums)).and_then(|e| {
                running_sum(
                    g,
                    st,
                    e.from,
                    state.grads[e.from],
                    grad_after(st, &state, e.from),
                )
            });
            match sum {
                Some(sum) => format!("{m}\n{}", sum_text(sum)),
                None => m.to_string(),
            }
        });
        out.push(text);
        state.apply(st);
    }
    out
}

/// Room made for messages that found none: per rank gap, what it adds;
/// above the graph, a strip.
#[derive(Default)]
struct Room {
    gaps: Vec<f64>,
    above: f64,
}

/// How a scene's graph is laid out: wide gaps between columns left to
/// right (an edge's message may sit in one), narrower between rows top to
/// bottom, where the page scrolls anyway and a one-line message fits; and
/// top to bottom, where every px of a rank's width counts on a phone,
/// nodes of a rank closer (their halos still clear) and a thinner border
/// (the tanh neuron's atomic view, four leaves wide, is then whole in a
/// tab's column at 390 px).
fn options(direction: Direction) -> LayoutOptions {
    if direction == Direction::TopDown {
        LayoutOptions {
            rank_gap: 40.0,
            node_gap: 14.0,
            margin: 8.0,
            direction,
            // A row of leaves wider than a phone's column wraps.
            max_row: Some(PHONE_COLUMN),
        }
    } else {
        LayoutOptions {
            rank_gap: 56.0,
            node_gap: 20.0,
            margin: 14.0,
            direction,
            max_row: None,
        }
    }
}

/// The nodes to lay out, `widths` wide; a batch's examples are lanes, one
/// row (or column) each.
fn layout_nodes(g: &Graph, widths: Vec<f64>) -> Vec<LayoutNode> {
    let batched = g.nodes.iter().any(|nd| nd.example.is_some_and(|e| e > 0));
    g.nodes
        .iter()
        .zip(widths)
        .map(|(nd, width)| LayoutNode {
            parents: nd.parents.clone(),
            width,
            height: NODE_H,
            lane: nd.example.filter(|_| batched),
        })
        .collect()
}

/// A step's caption: its phase (with the direction), its place, its title.
pub(crate) fn caption_text(step: &Step, k: usize, total: usize) -> (String, String) {
    let phase_word = match step.phase {
        Phase::Setup => "setup",
        Phase::Forward => "forward →",
        Phase::Seed | Phase::Backward => "← backward",
        Phase::Done => "← backward done",
        Phase::Update => "update",
    };
    (
        format!("{phase_word} · {}/{total}", k + 1),
        step.title.clone(),
    )
}

/// The caption on one line when it fits in `room` px, else its phase and
/// place over its title, the title wrapped at spaces.
fn caption_lines(step: &Step, k: usize, total: usize, room: f64) -> Vec<String> {
    let (head, title) = caption_text(step, k, total);
    let one = format!("{head} · {title}");
    let fits = |s: &str| text_w(s, CAPTION_CH) <= room;
    if fits(&one) {
        return vec![one];
    }
    let mut lines = vec![head];
    let mut line = String::new();
    // Words, with "(example 2)" kept as one.
    let mut words: Vec<String> = Vec::new();
    for w in title.split(' ') {
        match words.last_mut() {
            Some(last) if last.starts_with('(') && !last.ends_with(')') => {
                last.push(' ');
                last.push_str(w);
            }
            _ => words.push(w.to_string()),
        }
    }
    for word in &words {
        let next = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&next) || line.is_empty() {
            line = next;
        } else {
            lines.push(std::mem::replace(&mut line, word.clone()));
        }
    }
    lines.push(line);
    lines
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
        Scene::with(g, story, Direction::LeftRight)
    }

    /// [`Scene::new`] in `direction`. Every backward step's message is
    /// placed beside its edge; where one finds no room, the gap its edge
    /// crosses is widened (and a left-to-right frame made taller) and the
    /// graph laid out again.
    pub fn with(g: &Graph, story: &Story, direction: Direction) -> Scene {
        let sums_in_nodes = direction == Direction::LeftRight;
        let nodes = layout_nodes(g, node_widths(g, story, sums_in_nodes));
        let texts = message_texts(g, story, !sums_in_nodes);
        let mut room = Room::default();
        let mut scene = Scene::laid(&nodes, direction, &room, Some(story));
        scene.texts = texts.clone();
        let mut unplaced = scene.place_messages(g, story);
        // Left to right, first a strip above the graph, where a message can
        // sit over its edge; then (or top to bottom, at once) wider gaps.
        // Top to bottom, a second try leaves a little slack around the
        // message: beside a slanted edge, a tall box fits only where the
        // edge leans away from it.
        for (pass, widen) in [direction == Direction::TopDown, true]
            .into_iter()
            .enumerate()
        {
            if unplaced.is_empty() {
                break;
            }
            let slack = if pass > 0 && direction == Direction::TopDown {
                24.0
            } else {
                0.0
            };
            scene.room_for(&unplaced, story, widen, slack, &mut room);
            scene = Scene::laid(&nodes, direction, &room, Some(story));
            scene.texts = texts.clone();
            unplaced = scene.place_messages(g, story);
        }
        if !unplaced.is_empty() {
            scene.band_messages(story);
        }
        scene.crops = scene.phone_crops(story);
        if !scene.crops.is_empty() {
            let mid = (scene.top + scene.height) / 2.0;
            scene.cue_y = (0..story.steps.len())
                .map(|k| scene.subject(story, k).map_or(mid, |r| (r.t + r.b) / 2.0))
                .collect();
        }
        scene
    }

    /// The same graph for a still, which shows no running sum: boxes fit
    /// the values and final gradients only.
    pub fn still(g: &Graph, story: &Story) -> Scene {
        Scene::still_with(g, story, Direction::LeftRight)
    }

    /// [`Scene::still`] in `direction`.
    pub fn still_with(g: &Graph, story: &Story, direction: Direction) -> Scene {
        Scene::still_fitting(g, story, direction, &[])
    }

    /// [`Scene::still_with`], each node `i` also as wide as a line of
    /// `texts[i]` px (a figure's own line under the value).
    pub fn still_fitting(g: &Graph, story: &Story, direction: Direction, texts: &[f64]) -> Scene {
        let mut widths = node_widths(g, story, false);
        for (w, &t) in widths.iter_mut().zip(texts) {
            *w = w.max(box_width(t));
        }
        let nodes = layout_nodes(g, widths);
        Scene::laid(&nodes, direction, &Room::default(), None)
    }

    /// The frame around a layout of `nodes` with `room` for messages, and
    /// the captions of `story`'s steps.
    fn laid(
        nodes: &[LayoutNode],
        direction: Direction,
        room: &Room,
        story: Option<&Story>,
    ) -> Scene {
        let layout = layout_spaced(nodes, &options(direction), &room.gaps);
        let across = direction == Direction::TopDown;
        let width = layout
            .width
            .max(if across { PHONE_COLUMN } else { MIN_WIDTH });
        let dx = if across {
            (width - layout.width) / 2.0
        } else {
            0.0
        };
        let edge_at = (layout.edges.iter().enumerate())
            .map(|(k, e)| ((e.from, e.to, e.slot), k))
            .collect();
        // A caption is read at the frame's width, or a phone's.
        let line_room = width.min(if across { PHONE_COLUMN } else { width }) - 28.0;
        let captions: Vec<Vec<String>> = story.map_or_else(Vec::new, |st| {
            (0..st.steps.len())
                .map(|k| caption_lines(&st.steps[k], k, st.steps.len(), line_room))
                .collect()
        });
        let lines = captions.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let caption_h = TOP + (lines - 1) as f64 * CAPTION_LINE;
        let top = caption_h + room.above;
        Scene {
            sizes: nodes.iter().map(|l| (l.width, l.height)).collect(),
            height: layout.height + top + BOTTOM,
            layout,
            width,
            edge_at,
            direction,
            top,
            caption_h,
            dx,
            messages: Vec::new(),
            texts: Vec::new(),
            captions,
            crops: Vec::new(),
            cue_y: Vec::new(),
        }
    }

    /// Node `i`'s box as drawn.
    pub(crate) fn node_rect(&self, i: NodeId) -> Rect {
        let (w, h) = self.sizes[i];
        Rect::around(self.center(i), w, h)
    }

    /// The index into `layout.edges` of a step's active edge.
    pub(crate) fn edge_index(&self, e: &crate::story::Edge) -> Option<usize> {
        self.edge_at.get(&(e.from, e.to, e.slot)).copied()
    }

    /// The laid-out edge from `from` into operand `slot` of `to`.
    pub(crate) fn edge(&self, from: NodeId, to: NodeId, slot: usize) -> Option<&EdgeRoute> {
        self.edge_at
            .get(&(from, to, slot))
            .map(|&k| &self.layout.edges[k])
    }

    /// Places every backward step's message beside its edge. Returns the
    /// steps whose message found no room (their entry stays `None`).
    fn place_messages(&mut self, g: &Graph, story: &Story) -> Vec<usize> {
        let nodes: Vec<Rect> = (0..g.len()).map(|i| self.node_rect(i)).collect();
        let edges: Vec<Vec<Point>> = self
            .layout
            .edges
            .iter()
            .map(|e| self.route(&e.points))
            .collect();
        let frame = Rect {
            l: 2.0,
            t: self.caption_h,
            r: self.width - 2.0,
            b: self.height - 2.0,
        };
        let index = message::Index::new(&nodes, &edges);
        // Each step's message is placed on its own (in parallel): the
        // obstacles are the graph's, not the other messages.
        use rayon::prelude::*;
        let messages: Vec<(bool, Option<Placed>)> = (story.steps.par_iter())
            .zip(self.texts.par_iter())
            .map(|(st, label)| {
                let Some(label) = label.as_deref() else {
                    return (false, None);
                };
                let Some(own) = st.active_edges.first().and_then(|e| self.edge_index(e)) else {
                    return (false, None);
                };
                // On a frame wider than a phone, the message stays inside
                // the phone's view around the node it reaches, so the view
                // can show both.
                // (nearer that node than its edge's middle).
                let (area, at) = match st.active_nodes.first() {
                    Some(&i) if self.needs_crops() => {
                        let l = self.phone_view(self.center(i).x);
                        let area = Rect {
                            l: l + 4.0,
                            r: l + PHONE_COLUMN - 4.0,
                            ..frame
                        };
                        (area, 0.3)
                    }
                    _ => (frame, 0.5),
                };
                let obs = Obstacles {
                    nodes: &nodes,
                    edges: &edges,
                    area,
                    index: &index,
                };
                let placed = message::place(label, own, at, &obs);
                (placed.is_none(), placed)
            })
            .collect();
        let unplaced = (messages.iter().enumerate())
            .filter(|(_, (missed, _))| *missed)
            .map(|(k, _)| k)
            .collect();
        self.messages = messages.into_iter().map(|(_, m)| m).collect();
        unplaced
    }

    /// More room for the messages of steps `unplaced`: a strip above the
    /// graph as tall as the tallest of them on two lines (left to right
    /// only); with `widen`, per rank gap, what to add for the widest of
    /// them wrapped as narrow as it goes to sit beside its edge in the gap
    /// it crosses, and `slack` more.
    fn room_for(
        &self,
        unplaced: &[usize],
        story: &Story,
        widen: bool,
        slack: f64,
        room: &mut Room,
    ) {
        let n_ranks = self.layout.ranks.iter().max().map_or(0, |r| r + 1);
        room.gaps.resize(n_ranks, 0.0);
        let across = self.direction == Direction::TopDown;
        let clear = 2.0 * message::NODE_CLEAR + 2.0 * message::EDGE_CLEAR;
        let gap_now = options(self.direction).rank_gap;
        for &k in unplaced {
            let st = &story.steps[k];
            let (Some(label), Some(e)) = (self.texts[k].as_deref(), st.active_edges.first()) else {
                continue;
            };
            let Some(j) = self.edge_index(e) else {
                continue;
            };
            if !across {
                room.above = room.above.max(message::two_lines(label).1 + clear);
            }
            if widen {
                let route = &self.layout.edges[j];
                let (rp, rc) = (self.layout.ranks[route.from], self.layout.ranks[route.to]);
                let gap = (rp + rc - 1) / 2;
                let (w, h) = message::narrowest(label);
                let need = if across { h } else { w } + clear + slack;
                room.gaps[gap] = room.gaps[gap].max(need - gap_now);
            }
        }
    }

    /// The messages that fit nowhere near their edge, in a band added
    /// under the graph.
    /// On a frame wider than a phone, each in the phone's view around the
    /// node it reaches, wrapped as narrow as it goes.
    fn band_messages(&mut self, story: &Story) {
        let band_top = self.height;
        let mut band = 0.0f64;
        for (k, st) in story.steps.iter().enumerate() {
            if self.messages[k].is_some() {
                continue;
            }
            let Some(label) = self.texts[k].clone() else {
                continue;
            };
            let label = label.as_str();
            let placed = match st.active_nodes.first() {
                Some(&i) if self.needs_crops() => {
                    let left = self.phone_view(self.center(i).x) + 14.0;
                    let (m, h) = message::in_narrow_band(label, band_top, left);
                    band = band.max(h);
                    m
                }
                // Top to bottom, the band is a phone's column wide too.
                _ if self.direction == Direction::TopDown => {
                    let (m, h) = message::in_narrow_band(label, band_top, 14.0);
                    band = band.max(h);
                    m
                }
                _ => {
                    band = band.max(BAND_H);
                    message::in_band(label, band_top)
                }
            };
            self.messages[k] = Some(placed);
        }
        self.height += band;
    }

    /// What step `k` is about, as a box: its active nodes (with their
    /// halos) and its message; `None` when nothing is active (the setup).
    pub(crate) fn subject(&self, story: &Story, k: usize) -> Option<Rect> {
        let st = &story.steps[k];
        let mut out: Option<Rect> = None;
        let mut add = |r: Rect| out = Some(out.map_or(r, |o| o.union(r)));
        for &i in &st.active_nodes {
            let (w, h) = self.sizes[i];
            add(Rect::around(self.center(i), w + 12.0, h + 12.0));
        }
        if let Some(Some(m)) = self.messages.get(k) {
            let (x, y, w, h) = m.rect;
            add(Rect {
                l: x,
                t: y,
                r: x + w,
                b: y + h,
            });
        }
        out
    }

    /// The phone's view of each step of a top-to-bottom frame wider than
    /// [`PHONE_COLUMN`]: its left edge, so that the view is centred on the
    /// step's subject (on its active node alone when the subject is wider
    /// than the view), inside the frame. Empty when the frame fits.
    fn phone_crops(&self, story: &Story) -> Vec<f64> {
        if !self.needs_crops() {
            return Vec::new();
        }
        (0..story.steps.len())
            .map(|k| {
                let st = &story.steps[k];
                let centre = match self.subject(story, k) {
                    Some(r) if r.r - r.l <= PHONE_COLUMN => (r.l + r.r) / 2.0,
                    Some(_) => st
                        .active_nodes
                        .first()
                        .map_or(self.width / 2.0, |&i| self.center(i).x),
                    None => self.width / 2.0,
                };
                self.phone_view(centre)
            })
            .collect()
    }

    /// Whether a phone shows this frame through views narrower than it.
    fn needs_crops(&self) -> bool {
        self.direction == Direction::TopDown && self.width > PHONE_COLUMN
    }

    /// The left edge of a phone's view centred at `x`, kept in the frame.
    fn phone_view(&self, x: f64) -> f64 {
        (x - PHONE_COLUMN / 2.0)
            .clamp(0.0, (self.width - PHONE_COLUMN).max(0.0))
            .round()
    }

    /// Centre of node `i`.
    pub(crate) fn center(&self, i: NodeId) -> Point {
        let c = self.layout.centers[i];
        Point {
            x: c.x + self.dx,
            y: c.y + self.top,
        }
    }

    /// The drawn route of a laid-out edge (below the caption).
    pub(crate) fn route(&self, points: &[Point]) -> Vec<Point> {
        points
            .iter()
            .map(|p| Point {
                x: p.x + self.dx,
                y: p.y + self.top,
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
            sum_in_message: self.direction == Direction::TopDown,
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
