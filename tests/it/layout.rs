//! Behaviour of `seen::layout`: ranks, operand order, crossings, compactness,
//! robustness and determinism, on the graphs the explainers draw and on
//! random DAGs.

use proptest::prelude::*;
use seen::layout::{Layout, LayoutNode, LayoutOptions, count_crossings, layout};

use crate::support::proptest_config;

/// Builds a graph in topological order, the way a trace records it.
#[derive(Default)]
struct G {
    nodes: Vec<LayoutNode>,
}

impl G {
    fn leaf(&mut self) -> usize {
        self.push(Vec::new(), 40.0)
    }
    fn op(&mut self, parents: &[usize]) -> usize {
        self.push(parents.to_vec(), 48.0)
    }
    fn push(&mut self, parents: Vec<usize>, width: f64) -> usize {
        self.nodes.push(LayoutNode {
            parents,
            width,
            height: 28.0,
        });
        self.nodes.len() - 1
    }
    fn lay(&self) -> Layout {
        layout(&self.nodes, &LayoutOptions::default())
    }
}

/// Ids of the logistic-regression trace, by name.
struct Logistic {
    w: usize,
    x: usize,
    b: usize,
    mul: usize,
    z: usize,
    one: usize,
    exp: usize,
    add: usize,
    loss: usize,
}

/// (a) loss = -log(1 / (1 + exp(-(w*x + b)))).
fn logistic() -> (G, Logistic) {
    let mut g = G::default();
    let w = g.leaf();
    let x = g.leaf();
    let b = g.leaf();
    let mul = g.op(&[w, x]);
    let z = g.op(&[mul, b]);
    let neg = g.op(&[z]);
    let exp = g.op(&[neg]);
    let one = g.leaf();
    let add = g.op(&[one, exp]);
    let p = g.op(&[add]);
    let log = g.op(&[p]);
    let loss = g.op(&[log]);
    let ids = Logistic {
        w,
        x,
        b,
        mul,
        z,
        one,
        exp,
        add,
        loss,
    };
    (g, ids)
}

/// (b) the same with modules: linear(w, x, b) → sigmoid → bce(p, y).
fn logistic_modules() -> G {
    let mut g = G::default();
    let w = g.leaf();
    let x = g.leaf();
    let b = g.leaf();
    let lin = g.op(&[w, x, b]);
    let p = g.op(&[lin]);
    let y = g.leaf();
    g.op(&[p, y]);
    g
}

/// sigmoid(z) expanded: 1 / (1 + exp(-z)).
fn sigmoid(g: &mut G, z: usize) -> usize {
    let neg = g.op(&[z]);
    let exp = g.op(&[neg]);
    let one = g.leaf();
    let add = g.op(&[one, exp]);
    g.op(&[add])
}

/// bce(p, y) expanded: -(y*log(p) + (1-y)*log(1-p)).
fn bce(g: &mut G, p: usize, y: usize) -> usize {
    let log_p = g.op(&[p]);
    let t1 = g.op(&[y, log_p]);
    let one_a = g.leaf();
    let one_minus_y = g.op(&[one_a, y]);
    let one_b = g.leaf();
    let one_minus_p = g.op(&[one_b, p]);
    let log_1mp = g.op(&[one_minus_p]);
    let t2 = g.op(&[one_minus_y, log_1mp]);
    let sum = g.op(&[t1, t2]);
    g.op(&[sum])
}

/// (c) a batch of three examples sharing w and b, mean loss.
fn batch() -> G {
    let mut g = G::default();
    let w = g.leaf();
    let b = g.leaf();
    let mut losses = Vec::new();
    for _ in 0..3 {
        let x = g.leaf();
        let y = g.leaf();
        let m = g.op(&[w, x]);
        let z = g.op(&[m, b]);
        let p = sigmoid(&mut g, z);
        losses.push(bce(&mut g, p, y));
    }
    let s01 = g.op(&[losses[0], losses[1]]);
    let s012 = g.op(&[s01, losses[2]]);
    let third = g.leaf();
    g.op(&[s012, third]);
    g
}

/// (d) x * x.
fn square() -> G {
    let mut g = G::default();
    let x = g.leaf();
    g.op(&[x, x]);
    g
}

/// (e) a rule card: a, b → mul.
fn rule_card() -> G {
    let mut g = G::default();
    let a = g.leaf();
    let b = g.leaf();
    g.op(&[a, b]);
    g
}

/// The checks every layout must pass, whatever the graph.
fn assert_well_formed(nodes: &[LayoutNode], l: &Layout, opts: &LayoutOptions) {
    let n = nodes.len();
    assert_eq!(l.centers.len(), n);
    assert_eq!(l.ranks.len(), n);
    let eps = 1e-6;
    // Boxes inside the drawing, and no two boxes of one rank closer than node_gap.
    for i in 0..n {
        let (c, nd) = (l.centers[i], &nodes[i]);
        assert!(
            c.x - nd.width / 2.0 >= opts.margin - eps,
            "node {i} left of margin"
        );
        assert!(c.x + nd.width / 2.0 <= l.width - opts.margin + eps);
        assert!(
            c.y - nd.height / 2.0 >= opts.margin - eps,
            "node {i} above margin"
        );
        assert!(c.y + nd.height / 2.0 <= l.height - opts.margin + eps);
        for (j, (&d, md)) in l.centers.iter().zip(nodes).enumerate().take(i) {
            let apart_x = (c.x - d.x).abs() >= (nd.width + md.width) / 2.0 - eps;
            let apart_y = (c.y - d.y).abs() >= (nd.height + md.height) / 2.0 + opts.node_gap - eps;
            assert!(apart_x || apart_y, "boxes of {i} and {j} overlap");
        }
    }
    // Ranks strictly left to right, whole columns apart.
    for i in 0..n {
        for j in 0..n {
            if l.ranks[j] == l.ranks[i] + 1 {
                assert!(l.centers[i].x < l.centers[j].x);
                let right_i = l.centers[i].x + nodes[i].width / 2.0;
                let left_j = l.centers[j].x - nodes[j].width / 2.0;
                assert!(right_i < left_j);
            }
        }
    }
    // One route per valid operand, in (child, slot) order, parent to child.
    let expected: Vec<(usize, usize, usize)> = nodes
        .iter()
        .enumerate()
        .flat_map(|(to, nd)| {
            nd.parents
                .iter()
                .enumerate()
                .filter(move |&(_, &p)| p < to)
                .map(move |(slot, &p)| (p, to, slot))
        })
        .collect();
    let got: Vec<(usize, usize, usize)> = l.edges.iter().map(|e| (e.from, e.to, e.slot)).collect();
    assert_eq!(got, expected);
    for e in &l.edges {
        assert!(l.ranks[e.from] < l.ranks[e.to], "edge {e:?} goes backwards");
        let (p, c) = (l.centers[e.from], l.centers[e.to]);
        let first = e.points[0];
        assert!((first.x - (p.x + nodes[e.from].width / 2.0)).abs() < eps);
        assert_eq!(first.y, p.y);
        let last = *e.points.last().unwrap();
        assert!((last.x - (c.x - nodes[e.to].width / 2.0)).abs() < eps);
        assert!((last.y - c.y).abs() <= nodes[e.to].height / 2.0 + eps);
        // Rightwards all the way, so a route never doubles back.
        for w in e.points.windows(2) {
            assert!(w[0].x <= w[1].x);
        }
    }
    // Leaves sit just before their first consumer.
    for v in 0..n {
        let consumers: Vec<usize> = l
            .edges
            .iter()
            .filter(|e| e.from == v)
            .map(|e| e.to)
            .collect();
        let is_leaf = !l.edges.iter().any(|e| e.to == v);
        if is_leaf {
            match consumers.iter().map(|&c| l.ranks[c]).min() {
                Some(first) => assert_eq!(l.ranks[v] + 1, first, "leaf {v}"),
                None => assert_eq!(l.ranks[v], 0),
            }
        } else {
            let max_parent = l
                .edges
                .iter()
                .filter(|e| e.to == v)
                .map(|e| l.ranks[e.from])
                .max();
            assert!(l.ranks[v] > max_parent.unwrap());
        }
    }
}

fn y(l: &Layout, v: usize) -> f64 {
    l.centers[v].y
}

#[test]
fn logistic_trace_has_no_crossings_and_keeps_operand_order() {
    let (g, ids) = logistic();
    let l = g.lay();
    assert_well_formed(&g.nodes, &l, &LayoutOptions::default());
    assert_eq!(count_crossings(&l), 0);
    // The chain from w*x to the loss is one rank per op.
    assert_eq!(l.ranks[ids.w], 0);
    assert_eq!(l.ranks[ids.mul], 1);
    assert_eq!(l.ranks[ids.loss], 8);
    // Leaves are pulled next to their consumer.
    assert_eq!(l.ranks[ids.b], 1);
    assert_eq!(l.ranks[ids.one], l.ranks[ids.add] - 1);
    // Operands in slot order, top to bottom.
    assert!(y(&l, ids.w) < y(&l, ids.x));
    assert!(y(&l, ids.mul) < y(&l, ids.b));
    assert!(y(&l, ids.one) < y(&l, ids.exp));
    // Nine columns of at most two nodes: compact.
    let opts = LayoutOptions::default();
    assert_eq!(
        l.width,
        2.0 * opts.margin + 40.0 + 8.0 * 48.0 + 8.0 * opts.rank_gap
    );
    assert_eq!(l.height, 2.0 * opts.margin + 2.0 * 28.0 + opts.node_gap);
    let _ = ids.z;
}

#[test]
fn logistic_with_modules_has_no_crossings() {
    let g = logistic_modules();
    let l = g.lay();
    assert_well_formed(&g.nodes, &l, &LayoutOptions::default());
    assert_eq!(count_crossings(&l), 0);
    // linear's three operands top to bottom, and y pulled next to bce.
    assert!(y(&l, 0) < y(&l, 1) && y(&l, 1) < y(&l, 2));
    assert_eq!(l.ranks[5], 2);
    assert!(y(&l, 4) < y(&l, 5));
}

/// The batch (w and b shared by three examples, y feeding both halves of
/// each expanded bce) cannot be drawn without crossings: whichever mul is in
/// the middle has its x_i cut off from it by one of w's edges. With ranks
/// tried both as early and as late as possible, the layout reaches 2 (it
/// was 5 with early ranks only, where each example's `1 - y` chain started
/// at the far left); the figure is pinned so that a change that makes it
/// worse fails here.
#[test]
fn batch_crossings_stay_at_the_figure_reached() {
    let g = batch();
    let l = g.lay();
    assert_well_formed(&g.nodes, &l, &LayoutOptions::default());
    let c = count_crossings(&l);
    assert!((1..=2).contains(&c), "{c} crossings");
}

#[test]
fn square_draws_two_distinct_edges() {
    let g = square();
    let l = g.lay();
    assert_well_formed(&g.nodes, &l, &LayoutOptions::default());
    assert_eq!(count_crossings(&l), 0);
    assert_eq!(l.edges.len(), 2);
    let (e0, e1) = (&l.edges[0], &l.edges[1]);
    assert_eq!((e0.slot, e1.slot), (0, 1));
    assert_ne!(e0.points, e1.points);
    // Slot 0 ends above slot 1.
    assert!(e0.points.last().unwrap().y < e1.points.last().unwrap().y);
}

#[test]
fn rule_card_is_two_leaves_and_an_op() {
    let g = rule_card();
    let l = g.lay();
    let opts = LayoutOptions::default();
    assert_well_formed(&g.nodes, &l, &opts);
    assert_eq!(count_crossings(&l), 0);
    assert_eq!(l.ranks, vec![0, 0, 1]);
    assert!(y(&l, 0) < y(&l, 1));
    assert_eq!(l.height, 2.0 * opts.margin + 2.0 * 28.0 + opts.node_gap);
    assert_eq!(l.width, 2.0 * opts.margin + 40.0 + opts.rank_gap + 48.0);
    // The mul sits between its operands.
    assert!(y(&l, 0) < y(&l, 2) && y(&l, 2) < y(&l, 1));
}

#[test]
fn empty_graph() {
    let l = layout(&[], &LayoutOptions::default());
    assert!(l.centers.is_empty() && l.ranks.is_empty() && l.edges.is_empty());
    assert_eq!(count_crossings(&l), 0);
}

#[test]
fn default_options() {
    let o = LayoutOptions::default();
    assert_eq!((o.rank_gap, o.node_gap, o.margin), (56.0, 22.0, 16.0));
}

#[test]
fn invalid_parents_are_ignored_and_slots_kept() {
    let nodes = vec![
        LayoutNode {
            parents: vec![0, 7],
            width: 30.0,
            height: 20.0,
        },
        LayoutNode {
            parents: vec![usize::MAX, 0, 1, 0],
            width: 30.0,
            height: 20.0,
        },
    ];
    let l = layout(&nodes, &LayoutOptions::default());
    let got: Vec<(usize, usize, usize)> = l.edges.iter().map(|e| (e.from, e.to, e.slot)).collect();
    assert_eq!(got, vec![(0, 1, 1), (0, 1, 3)]);
    assert_well_formed(&nodes, &l, &LayoutOptions::default());
}

#[test]
fn degenerate_sizes_and_options_do_not_panic() {
    let nodes = vec![
        LayoutNode {
            parents: vec![],
            width: f64::NAN,
            height: -3.0,
        },
        LayoutNode {
            parents: vec![0, 0],
            width: f64::INFINITY,
            height: 0.0,
        },
    ];
    let opts = LayoutOptions {
        rank_gap: f64::NAN,
        node_gap: -1.0,
        margin: f64::NEG_INFINITY,
    };
    let l = layout(&nodes, &opts);
    assert!(l.width.is_finite() && l.height.is_finite());
    // Even on a zero-height box, x*x stays two edges.
    assert_ne!(l.edges[0].points, l.edges[1].points);
}

#[test]
fn long_chain_without_recursion() {
    let n = 100_000;
    let nodes: Vec<LayoutNode> = (0..n)
        .map(|i| LayoutNode {
            parents: if i == 0 { vec![] } else { vec![i - 1] },
            width: 30.0,
            height: 20.0,
        })
        .collect();
    let l = layout(&nodes, &LayoutOptions::default());
    assert_eq!(l.ranks[n - 1], n - 1);
    assert_eq!(l.height, 2.0 * 16.0 + 20.0);
    assert!(l.centers.iter().all(|c| c.y == l.centers[0].y));
    assert_eq!(count_crossings(&l), 0);
}

#[test]
fn long_edges_pass_through_dummies_and_keep_clear() {
    // a feeds both the start and the end of a chain: the long edge bends
    // through one point per rank it crosses.
    let mut g = G::default();
    let a = g.leaf();
    let mut prev = g.op(&[a]);
    for _ in 0..4 {
        prev = g.op(&[prev]);
    }
    let last = g.op(&[prev, a]);
    let l = g.lay();
    assert_well_formed(&g.nodes, &l, &LayoutOptions::default());
    assert_eq!(count_crossings(&l), 0);
    let long = l
        .edges
        .iter()
        .find(|e| e.from == a && e.to == last)
        .unwrap();
    let spanned = l.ranks[last] - l.ranks[a] - 1;
    assert!(long.points.len() >= 2 * spanned + 2);
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn random_dags_lay_out_cleanly(
        spec in prop::collection::vec(
            (prop::collection::vec(0usize..80, 0..4), 8.0f64..90.0, 8.0f64..50.0),
            0..60,
        ),
        far in 0usize..3,
    ) {
        // Parents mostly close behind, sometimes anywhere, sometimes invalid.
        let nodes: Vec<LayoutNode> = spec
            .iter()
            .enumerate()
            .map(|(i, (ps, w, h))| LayoutNode {
                parents: ps
                    .iter()
                    .map(|&p| if i == 0 || p >= 70 { p } else if far == 0 { p % i } else { i - 1 - p % i.min(6) })
                    .collect(),
                width: *w,
                height: *h,
            })
            .collect();
        let opts = LayoutOptions::default();
        let l = layout(&nodes, &opts);
        assert_well_formed(&nodes, &l, &opts);
        let again = layout(&nodes, &opts);
        prop_assert_eq!(&l, &again);
        let _ = count_crossings(&l);
    }
}
