//! PLACEHOLDER until the layered layout lands: longest-path ranks, order
//! by id. Same API as the real one.

#[derive(Clone, Debug)]
pub struct LayoutNode {
    pub parents: Vec<usize>,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Debug)]
pub struct LayoutOptions {
    pub rank_gap: f64,
    pub node_gap: f64,
    pub margin: f64,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            rank_gap: 56.0,
            node_gap: 22.0,
            margin: 16.0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Debug)]
pub struct EdgeRoute {
    pub from: usize,
    pub to: usize,
    pub slot: usize,
    pub points: Vec<Point>,
}

#[derive(Clone, Debug)]
pub struct Layout {
    pub centers: Vec<Point>,
    pub ranks: Vec<usize>,
    pub edges: Vec<EdgeRoute>,
    pub width: f64,
    pub height: f64,
}

pub fn layout(nodes: &[LayoutNode], opts: &LayoutOptions) -> Layout {
    let n = nodes.len();
    let mut ranks = vec![0usize; n];
    for i in 0..n {
        ranks[i] = nodes[i]
            .parents
            .iter()
            .filter(|&&p| p < i)
            .map(|&p| ranks[p] + 1)
            .max()
            .unwrap_or(0);
    }
    let maxr = ranks.iter().copied().max().unwrap_or(0);
    let mut colw = vec![0f64; maxr + 1];
    for i in 0..n {
        colw[ranks[i]] = colw[ranks[i]].max(nodes[i].width);
    }
    let mut xs = vec![opts.margin; maxr + 1];
    for r in 1..=maxr {
        xs[r] = xs[r - 1] + colw[r - 1] + opts.rank_gap;
    }
    let mut ys = vec![opts.margin; maxr + 1];
    let mut centers = Vec::new();
    for i in 0..n {
        let r = ranks[i];
        centers.push(Point {
            x: xs[r] + colw[r] / 2.0,
            y: ys[r] + nodes[i].height / 2.0,
        });
        ys[r] += nodes[i].height + opts.node_gap;
    }
    let mut edges = Vec::new();
    for i in 0..n {
        for (slot, &p) in nodes[i].parents.iter().enumerate() {
            if p >= i {
                continue;
            }
            edges.push(EdgeRoute {
                from: p,
                to: i,
                slot,
                points: vec![
                    Point {
                        x: centers[p].x + nodes[p].width / 2.0,
                        y: centers[p].y,
                    },
                    Point {
                        x: centers[i].x - nodes[i].width / 2.0,
                        y: centers[i].y,
                    },
                ],
            });
        }
    }
    let width = xs[maxr] + colw[maxr] + opts.margin;
    let height = ys.iter().copied().fold(0.0, f64::max) + opts.margin;
    Layout {
        centers,
        ranks,
        edges,
        width,
        height,
    }
}
