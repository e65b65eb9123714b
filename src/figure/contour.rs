//! Marching squares over a grid of model values: the lines where a model
//! crosses a level ([`contour`], the boundary of a model plot), and the
//! closed loops around the region at or above it ([`region_loops`], the
//! shaded region of a training snapshot).
//!
//! Two walks over the same cell cases, kept apart on purpose: `contour`
//! skips cells with a value outside the model's domain and returns open
//! lines in data units, ready to be clipped; `region_loops` pads the grid
//! so that every region closes along the border and returns loops in px
//! for an even-odd fill. One in terms of the other would reorder the
//! points of every drawn path (a byte change to every such figure) without
//! changing a pixel.

use crate::layout::Point;
use std::collections::BTreeMap;

/// A crossing on a grid edge: (vertical?, i, j) of the edge's first corner.
type Edge = (bool, usize, usize);

/// A cell's edge: its key, the values at its ends, and the ends.
type CellEdge = (Edge, f64, f64, (f64, f64), (f64, f64));

/// The lines where the grid's values cross `level` (marching squares, a
/// saddle resolved by the cell's mean), joined into polylines.
pub fn contour(xs: &[f64], ys: &[f64], v: &[Vec<Option<f64>>], level: f64) -> Vec<Vec<(f64, f64)>> {
    let mut points: BTreeMap<Edge, (f64, f64)> = BTreeMap::new();
    let mut segments: Vec<(Edge, Edge)> = Vec::new();
    let crossing = |a: f64, b: f64| (level - a) / (b - a);
    for j in 0..ys.len() - 1 {
        for i in 0..xs.len() - 1 {
            let (Some(c0), Some(c1), Some(c2), Some(c3)) =
                (v[j][i], v[j][i + 1], v[j + 1][i + 1], v[j + 1][i])
            else {
                continue;
            };
            let inside = [c0, c1, c2, c3].map(|c| c >= level);
            // The cell's edges: bottom, right, top, left, with their ends.
            let edges: [CellEdge; 4] = [
                ((false, i, j), c0, c1, (xs[i], ys[j]), (xs[i + 1], ys[j])),
                (
                    (true, i + 1, j),
                    c1,
                    c2,
                    (xs[i + 1], ys[j]),
                    (xs[i + 1], ys[j + 1]),
                ),
                (
                    (false, i, j + 1),
                    c3,
                    c2,
                    (xs[i], ys[j + 1]),
                    (xs[i + 1], ys[j + 1]),
                ),
                ((true, i, j), c0, c3, (xs[i], ys[j]), (xs[i], ys[j + 1])),
            ];
            let corners = [(0, 1), (1, 2), (3, 2), (0, 3)];
            let mut cut = Vec::new();
            for (k, &(key, a, b, pa, pb)) in edges.iter().enumerate() {
                if inside[corners[k].0] != inside[corners[k].1] {
                    let t = crossing(a, b);
                    points.insert(key, (pa.0 + (pb.0 - pa.0) * t, pa.1 + (pb.1 - pa.1) * t));
                    cut.push(k);
                }
            }
            match cut.len() {
                2 => segments.push((edges[cut[0]].0, edges[cut[1]].0)),
                4 => {
                    let centre = (c0 + c1 + c2 + c3) / 4.0 >= level;
                    let pairs = if centre == inside[0] {
                        [(0, 1), (2, 3)]
                    } else {
                        [(3, 0), (1, 2)]
                    };
                    for (a, b) in pairs {
                        segments.push((edges[a].0, edges[b].0));
                    }
                }
                _ => {}
            }
        }
    }
    chain(&segments, &points)
}

/// Joins segments that share an end into polylines: open ones first (from
/// an end used once), then closed loops.
fn chain(segments: &[(Edge, Edge)], points: &BTreeMap<Edge, (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let mut at: BTreeMap<Edge, Vec<usize>> = BTreeMap::new();
    for (k, (a, b)) in segments.iter().enumerate() {
        at.entry(*a).or_default().push(k);
        at.entry(*b).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    let ends: Vec<Edge> = at
        .iter()
        .filter(|(_, s)| s.len() == 1)
        .map(|(e, _)| *e)
        .collect();
    let starts = ends
        .into_iter()
        .chain(segments.iter().map(|s| s.0))
        .collect::<Vec<_>>();
    for start in starts {
        let mut cur = start;
        let mut line = vec![points[&cur]];
        while let Some(&k) = at[&cur].iter().find(|&&k| !used[k]) {
            used[k] = true;
            let (a, b) = segments[k];
            cur = if a == cur { b } else { a };
            line.push(points[&cur]);
        }
        if line.len() > 1 {
            lines.push(line);
        }
    }
    lines
}

/// A cell's segments of the boundary, as pairs of its four edges (in the
/// order [`region_loops`] lists them), for its `case` (bit k set when
/// corner k is inside); `centre` decides a saddle (cases 5 and 10).
fn cell_segments(case: usize, centre: impl Fn() -> bool) -> &'static [(usize, usize)] {
    match case {
        1 | 14 => &[(3, 0)],
        2 | 13 => &[(0, 1)],
        3 | 12 => &[(3, 1)],
        4 | 11 => &[(1, 2)],
        6 | 9 => &[(0, 2)],
        7 | 8 => &[(3, 2)],
        5 if centre() => &[(0, 1), (2, 3)],
        5 => &[(3, 0), (1, 2)],
        10 if centre() => &[(3, 0), (1, 2)],
        10 => &[(0, 1), (2, 3)],
        _ => &[],
    }
}

/// The closed loops around the cells' region where `v ≥ 0`, `v[i][j]` at
/// `(gx[i], gy[j])`. The grid is padded with a ring below 0 placed on its
/// border, so a region that reaches the border is closed along it; filled
/// with the even-odd rule, the loops are exactly the region (holes too).
/// A NaN counts as below.
pub fn region_loops(v: &[Vec<f64>], gx: &[f64], gy: &[f64]) -> Vec<Vec<Point>> {
    let m = v.len() + 2;
    // The padded grid's values, point (a, b) at `a * m + b`.
    let value = |a: usize, b: usize| {
        let (i, j) = (a.clamp(1, m - 2) - 1, b.clamp(1, m - 2) - 1);
        let pad = a == 0 || b == 0 || a == m - 1 || b == m - 1;
        if pad || v[i][j].is_nan() {
            -1.0
        } else {
            v[i][j]
        }
    };
    let values: Vec<f64> = (0..m * m).map(|k| value(k / m, k % m)).collect();
    let at = |a: usize, b: usize| -> (f64, Point) {
        let (i, j) = (a.clamp(1, m - 2) - 1, b.clamp(1, m - 2) - 1);
        (values[a * m + b], Point { x: gx[i], y: gy[j] })
    };
    let inside = |a: usize, b: usize| values[a * m + b] >= 0.0;
    // An edge: (a, b, 0) from (a, b) to (a + 1, b); (a, b, 1) to (a, b + 1).
    type Edge = (usize, usize, u8);
    let cross = |e: Edge| -> Point {
        let (a, b, d) = e;
        let (va, pa) = at(a, b);
        let (vb, pb) = if d == 0 { at(a + 1, b) } else { at(a, b + 1) };
        let t = if (vb - va).abs() < 1e-300 {
            0.5
        } else {
            (-va / (vb - va)).clamp(0.0, 1.0)
        };
        Point {
            x: pa.x + (pb.x - pa.x) * t,
            y: pa.y + (pb.y - pa.y) * t,
        }
    };
    // Edges are walked as numbers (`slot`): each edge's neighbours along
    // the loops, at most one per cell beside it, in the order the cells
    // found them, and the edges in the order first met, in dense arrays
    // rather than a map (a snapshot's grid is 1,800 cells, and a figure
    // draws dozens of snapshots).
    let slot = |(a, b, d): Edge| ((a * m + b) * 2 + usize::from(d)) as u32;
    let edge = |k: u32| {
        let k = k as usize;
        (k / 2 / m, k / 2 % m, (k % 2) as u8)
    };
    let mut next: Vec<([u32; 2], u8)> = vec![([0; 2], 0); m * m * 2];
    let mut order: Vec<u32> = Vec::new();
    for a in 0..m - 1 {
        for b in 0..m - 1 {
            let c = [
                inside(a, b),
                inside(a + 1, b),
                inside(a + 1, b + 1),
                inside(a, b + 1),
            ];
            let case = usize::from(c[0])
                | usize::from(c[1]) << 1
                | usize::from(c[2]) << 2
                | usize::from(c[3]) << 3;
            let e = [(a, b, 0), (a + 1, b, 1), (a, b + 1, 0), (a, b, 1)];
            let centre =
                || (at(a, b).0 + at(a + 1, b).0 + at(a + 1, b + 1).0 + at(a, b + 1).0) / 4.0 >= 0.0;
            let segs = cell_segments(case, centre);
            for &(x, y) in segs {
                for (f, t) in [(slot(e[x]), slot(e[y])), (slot(e[y]), slot(e[x]))] {
                    let (list, n) = &mut next[f as usize];
                    if *n == 0 {
                        order.push(f);
                    }
                    // An edge borders two cells, and each cell's segments
                    // meet it once at most.
                    list[usize::from(*n)] = t;
                    *n += 1;
                }
            }
        }
    }
    let neighbours = |e: u32| {
        let (list, n) = &next[e as usize];
        list[..usize::from(*n)].iter().copied()
    };
    let mut seen = vec![false; m * m * 2];
    let mut loops = Vec::new();
    for &start in &order {
        if seen[start as usize] {
            continue;
        }
        let mut pts = Vec::new();
        let (mut prev, mut cur) = (start, start);
        loop {
            seen[cur as usize] = true;
            pts.push(cross(edge(cur)));
            let Some(nx) = neighbours(cur)
                .find(|&e| e != prev && !seen[e as usize])
                .or_else(|| neighbours(cur).find(|&e| e != prev))
            else {
                break;
            };
            if nx == start || seen[nx as usize] {
                break;
            }
            (prev, cur) = (cur, nx);
        }
        pts.push(pts[0]);
        loops.push(pts);
    }
    loops
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `region_loops` as it was, with a map and a set, for the test below.
    fn region_loops_mapped(v: &[Vec<f64>], gx: &[f64], gy: &[f64]) -> Vec<Vec<Point>> {
        let m = v.len() + 2;
        let at = |a: usize, b: usize| -> (f64, Point) {
            let (i, j) = (a.clamp(1, m - 2) - 1, b.clamp(1, m - 2) - 1);
            let pad = a == 0 || b == 0 || a == m - 1 || b == m - 1;
            let val = if pad || v[i][j].is_nan() {
                -1.0
            } else {
                v[i][j]
            };
            (val, Point { x: gx[i], y: gy[j] })
        };
        let inside = |a: usize, b: usize| at(a, b).0 >= 0.0;
        // An edge: (a, b, 0) from (a, b) to (a + 1, b); (a, b, 1) to (a, b + 1).
        type Edge = (usize, usize, u8);
        let cross = |e: Edge| -> Point {
            let (a, b, d) = e;
            let (va, pa) = at(a, b);
            let (vb, pb) = if d == 0 { at(a + 1, b) } else { at(a, b + 1) };
            let t = if (vb - va).abs() < 1e-300 {
                0.5
            } else {
                (-va / (vb - va)).clamp(0.0, 1.0)
            };
            Point {
                x: pa.x + (pb.x - pa.x) * t,
                y: pa.y + (pb.y - pa.y) * t,
            }
        };
        let mut next: std::collections::HashMap<Edge, Vec<Edge>> = std::collections::HashMap::new();
        let mut order: Vec<Edge> = Vec::new();
        for a in 0..m - 1 {
            for b in 0..m - 1 {
                let c = [
                    inside(a, b),
                    inside(a + 1, b),
                    inside(a + 1, b + 1),
                    inside(a, b + 1),
                ];
                let case = usize::from(c[0])
                    | usize::from(c[1]) << 1
                    | usize::from(c[2]) << 2
                    | usize::from(c[3]) << 3;
                let e = [(a, b, 0), (a + 1, b, 1), (a, b + 1, 0), (a, b, 1)];
                let centre = || {
                    (at(a, b).0 + at(a + 1, b).0 + at(a + 1, b + 1).0 + at(a, b + 1).0) / 4.0 >= 0.0
                };
                let segs = cell_segments(case, centre);
                for &(x, y) in segs {
                    for (f, t) in [(e[x], e[y]), (e[y], e[x])] {
                        let list = next.entry(f).or_default();
                        if list.is_empty() {
                            order.push(f);
                        }
                        list.push(t);
                    }
                }
            }
        }
        let mut seen: std::collections::BTreeSet<Edge> = std::collections::BTreeSet::new();
        let mut loops = Vec::new();
        for &start in &order {
            if seen.contains(&start) {
                continue;
            }
            let mut pts = Vec::new();
            let (mut prev, mut cur) = (start, start);
            loop {
                seen.insert(cur);
                pts.push(cross(cur));
                let Some(&nx) = next[&cur]
                    .iter()
                    .find(|&&e| e != prev && !seen.contains(&e))
                    .or_else(|| next[&cur].iter().find(|&&e| e != prev))
                else {
                    break;
                };
                if nx == start || seen.contains(&nx) {
                    break;
                }
                (prev, cur) = (cur, nx);
            }
            pts.push(pts[0]);
            loops.push(pts);
        }
        loops
    }

    /// The loops are those of the version with a map and a set, point for
    /// point and in the same order, over random grids with islands, holes,
    /// saddles, NaNs and regions along the border.
    #[test]
    fn dense_arrays_give_the_loops_of_the_map() {
        let mut r = crate::engine::SplitMix64::new(3);
        let mut shapes = 0;
        for case in 0..60 {
            let n = 3 + case % 20;
            let gx: Vec<f64> = (0..n).map(|i| 7.0 * i as f64 + 0.5).collect();
            let gy: Vec<f64> = (0..n).map(|j| 300.0 - 5.5 * j as f64).collect();
            let v: Vec<Vec<f64>> = (0..n)
                .map(|_| {
                    (0..n)
                        .map(|_| match r.next_weight() {
                            w if w > 0.95 => f64::NAN,
                            w => w + 0.1,
                        })
                        .collect()
                })
                .collect();
            let got = region_loops(&v, &gx, &gy);
            let want = region_loops_mapped(&v, &gx, &gy);
            shapes += got.len();
            assert_eq!(got.len(), want.len(), "case {case}");
            for (a, b) in got.iter().zip(&want) {
                let bits = |l: &[Point]| -> Vec<(u64, u64)> {
                    l.iter().map(|p| (p.x.to_bits(), p.y.to_bits())).collect()
                };
                assert_eq!(bits(a), bits(b), "case {case}");
            }
        }
        assert!(shapes > 200, "{shapes} loops");
    }
}
