//! Vertical positions (phase 4), solved exactly per rank.

use super::*;
/// Vertical positions (centers, before the margin shift) and the height of
/// the band they fit in.
///
/// The band is as tall as the fullest rank stacked with its gaps, which is
/// the least any drawing with this order can use; every rank is then placed
/// inside it. A rank is solved exactly for "closest, in weighted least
/// squares, to where its neighbours want it" subject to the order, the gaps
/// and the band: subtracting the cumulative gaps turns that into isotonic
/// regression, which pool-adjacent-violators solves in linear time, and
/// clamping that solution to the band is still optimal. Rounds alternate
/// down (towards parents) and up (towards consumers) and end with both sides
/// at once, like the coordinate phase of Graphviz dot.
pub(super) fn assign_y(g: &Layered, order: &Order, node_gap: f64) -> (Vec<f64>, f64) {
    let nv = g.n_vertices();
    let sep = |a: usize, b: usize| {
        let gap = if a < g.n_real && b < g.n_real {
            node_gap
        } else {
            node_gap / 2.0
        };
        g.ext[a] + g.ext[b] + gap
    };
    // Cumulative offsets per rank, and the band height.
    let mut offs: Vec<Vec<f64>> = Vec::with_capacity(g.n_ranks);
    let mut band = 0.0f64;
    for layer in &order.layers {
        let mut o = Vec::with_capacity(layer.len());
        let mut acc = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                acc += sep(layer[i - 1], v);
            }
            o.push(acc);
        }
        if let (Some(&f), Some(&l)) = (layer.first(), layer.last()) {
            band = band.max(g.ext[f] + acc + g.ext[l]);
        }
        offs.push(o);
    }

    let mut y = vec![band / 2.0; nv];
    let mut pav = Pav::default();
    let mut targets: Vec<(f64, f64)> = Vec::new();
    // Start: every rank stacked around the middle of the band.
    for (l, layer) in order.layers.iter().enumerate() {
        targets.clear();
        targets.extend(layer.iter().map(|_| (band / 2.0, 1.0)));
        pav.place(g, layer, &offs[l], &targets, band, &mut y);
    }
    let round = |down: bool, up: bool, y: &mut Vec<f64>, pav: &mut Pav| {
        let ranks: Vec<usize> = if down {
            (0..g.n_ranks).collect()
        } else {
            (0..g.n_ranks).rev().collect()
        };
        let mut targets: Vec<(f64, f64)> = Vec::new();
        for l in ranks {
            let layer = &order.layers[l];
            targets.clear();
            for &v in layer {
                let (mut sum, mut wt) = (0.0, 0.0);
                if down {
                    for &e in g.ins(v) {
                        sum += g.ewt[e] * (y[g.eu[e]] - g.eoff[e]);
                        wt += g.ewt[e];
                    }
                }
                if up {
                    for &e in g.outs(v) {
                        sum += g.ewt[e] * (y[g.ew[e]] + g.eoff[e]);
                        wt += g.ewt[e];
                    }
                }
                if wt > 0.0 {
                    targets.push((sum / wt, wt));
                } else {
                    targets.push((y[v], STAY_WEIGHT));
                }
            }
            pav.place(g, layer, &offs[l], &targets, band, y);
        }
    };
    for _ in 0..COORD_PASSES {
        round(true, false, &mut y, &mut pav);
        round(false, true, &mut y, &mut pav);
    }
    round(true, true, &mut y, &mut pav);
    round(false, true, &mut y, &mut pav);
    (y, band)
}

/// Weighted pool-adjacent-violators, with its block stack kept for reuse.
#[derive(Default)]
pub(super) struct Pav {
    /// (total weight, weighted mean, number of members) per block.
    pub(super) blocks: Vec<(f64, f64, usize)>,
}

impl Pav {
    /// Places one rank: `targets[i]` is (wanted center, weight) of
    /// `layer[i]`, `offs[i]` its least distance below the first center.
    pub(super) fn place(
        &mut self,
        g: &Layered,
        layer: &[usize],
        offs: &[f64],
        targets: &[(f64, f64)],
        band: f64,
        y: &mut [f64],
    ) {
        let (Some(&first), Some(&last), Some(&span)) = (layer.first(), layer.last(), offs.last())
        else {
            return;
        };
        self.blocks.clear();
        for (i, &(t, w)) in targets.iter().enumerate() {
            let mut block = (w, t - offs[i], 1);
            while let Some(&prev) = self.blocks.last() {
                if prev.1 <= block.1 {
                    break;
                }
                self.blocks.pop();
                let total = prev.0 + block.0;
                let mean = if total > 0.0 {
                    (prev.0 * prev.1 + block.0 * block.1) / total
                } else {
                    (prev.1 + block.1) / 2.0
                };
                block = (total, mean, prev.2 + block.2);
            }
            self.blocks.push(block);
        }
        let lo = g.ext[first];
        let hi = (band - g.ext[last] - span).max(lo);
        let mut i = 0;
        for &(_, mean, len) in &self.blocks {
            let z = if mean.is_finite() {
                mean.clamp(lo, hi)
            } else {
                lo
            };
            for _ in 0..len {
                y[layer[i]] = z + offs[i];
                i += 1;
            }
        }
    }
}
