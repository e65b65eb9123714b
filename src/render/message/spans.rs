//! Where a label may go, row by row of the search grid, and the offsets
//! there, nearest first: the cheap tests that leave [`super::place`]'s
//! exact ones only the offsets that could pass them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{GRID, NEAR, Offset, ROW_SLACK, Rect, SEARCH_RADIUS, SEARCH_STEPS};
use crate::layout::Point;

/// Where, per grid row, a `w` × `h` box may be centred and still come
/// within [`NEAR`] of the anchor, lie inside the area and keep clear of
/// every node: a cheap test that leaves the exact ones (in [`super::place`]) only
/// the offsets that could pass them. Each bound allows a [`ROW_SLACK`]
/// more, far beyond any rounding, so that it turns away only what the exact
/// tests would. A dense graph leaves a label few places, and its search
/// then looks at those, not at every offset within reach.
pub(super) struct Spans {
    /// Per row (0 at the top), where in `free` its intervals are.
    pub(super) rows: Vec<(u32, u32)>,
    /// The x offsets that may pass, as closed intervals, row after row.
    free: Vec<(f64, f64)>,
    /// How far from the anchor the furthest offset that may pass is.
    pub(super) reach: f64,
}

impl Spans {
    pub(super) fn new((w, h): (f64, f64), anchor: Point, area: &Rect, nodes: &[Rect]) -> Spans {
        let near = NEAR + ROW_SLACK;
        let (left, right) = (
            area.l - anchor.x + w / 2.0 - ROW_SLACK,
            area.r - anchor.x - w / 2.0 + ROW_SLACK,
        );
        let (top, bottom) = (
            area.t - anchor.y + h / 2.0 - ROW_SLACK,
            area.b - anchor.y - h / 2.0 + ROW_SLACK,
        );
        let mut spans = Spans {
            rows: Vec::with_capacity(2 * SEARCH_STEPS as usize + 1),
            free: Vec::new(),
            reach: 0.0,
        };
        for j in -SEARCH_STEPS..=SEARCH_STEPS {
            let start = spans.free.len();
            let dy = j as f64 * GRID;
            let below = (dy.abs() - h / 2.0).max(0.0);
            if below <= near && top <= dy && dy <= bottom {
                let across = w / 2.0 + (near * near - below * below).sqrt();
                let (lo, hi) = ((-across).max(left), across.min(right));
                if lo <= hi {
                    spans.free.push((lo, hi));
                }
                // A box on this row spans the band from `t` to `b`, as
                // `Rect::around` computes them: a node the band meets
                // blocks the offsets that put the box across it.
                let cy = anchor.y + dy;
                let (t, b) = (cy - h / 2.0, cy + h / 2.0);
                for n in nodes.iter().filter(|n| n.t < b && t < n.b) {
                    let blocked = (
                        n.l - anchor.x - w / 2.0 + ROW_SLACK,
                        n.r - anchor.x + w / 2.0 - ROW_SLACK,
                    );
                    cut(&mut spans.free, start, blocked);
                }
                for &(lo, hi) in &spans.free[start..] {
                    let far = lo.abs().max(hi.abs()).hypot(dy) + ROW_SLACK;
                    spans.reach = spans.reach.max(far);
                }
            }
            spans.rows.push((start as u32, spans.free.len() as u32));
        }
        spans
    }

    /// Row `row`'s intervals.
    pub(super) fn row(&self, row: usize) -> &[(f64, f64)] {
        let (start, end) = self.rows[row];
        &self.free[start as usize..end as usize]
    }

    /// The offsets of the search grid (within [`SEARCH_RADIUS`]) that may
    /// pass, nearest first: those in a row's intervals, within
    /// [`Spans::reach`]. The same offsets, with the same arithmetic and in
    /// the same order, as a walk of every offset nearest first that skips
    /// the others, without the walk (it went through 936,000 offsets for
    /// the bundled explainer and skipped 96 % of them), and made only as
    /// the search asks for them: a search stops once no offset further out
    /// can beat its best, and the offsets past that are never made (on the
    /// bundled explainer that saved little, 6 M of 625 M instructions: most
    /// of a label's cost is in testing offsets, not in making them).
    ///
    /// In a row, the offsets an interval lets pass are a run of grid
    /// columns (the tests below are monotone in the column: `dx` grows
    /// with it, and `d` with its size); nearest first, the run is walked
    /// outward from its column nearest the middle, one way or both. The
    /// walks of all intervals are merged on a heap.
    pub(super) fn offsets(&self) -> Nearest<'_> {
        let k = SEARCH_STEPS;
        let mut near = Nearest {
            spans: self,
            walks: Vec::new(),
            heap: BinaryHeap::new(),
            last: None,
        };
        for row in 0..self.rows.len() {
            let j = row as i64 - k;
            for &(lo, hi) in self.row(row) {
                // The grid columns in [lo, hi], and one more each side for
                // the rounding of the division, trimmed to those inside: a
                // run, `dx` growing with the column.
                let first = ((lo / GRID).floor() as i64 - 1).max(-k);
                let last = ((hi / GRID).ceil() as i64 + 1).min(k);
                let inside = |i: i64| lo <= i as f64 * GRID && i as f64 * GRID <= hi;
                let (mut a, mut b) = (first, last);
                while a <= b && !inside(a) {
                    a += 1;
                }
                while a <= b && !inside(b) {
                    b -= 1;
                }
                if a > b {
                    continue;
                }
                near.start(
                    Walk {
                        row,
                        j,
                        ends: (a, b),
                    },
                    0.clamp(a, b),
                );
            }
        }
        near
    }
}

/// A run of grid columns `ends` (those in one interval of row `row`, grid
/// row `j`), walked outward from its column nearest the middle.
struct Walk {
    row: usize,
    j: i64,
    ends: (i64, i64),
}

/// [`Spans::offsets`], nearest first: the walks of the intervals, each on
/// the heap at its next column (keyed by its place in the order), so that
/// a search that stops early makes only the offsets it looked at.
pub(super) struct Nearest<'s> {
    spans: &'s Spans,
    walks: Vec<Walk>,
    /// (key, walk, column, step): step 0 at the column a walk starts from
    /// (then both ways), −1 or 1 on the way out.
    heap: BinaryHeap<Reverse<(u64, u32, i64, i64)>>,
    /// The last offset given: one on the shared end of two intervals is
    /// given once.
    last: Option<u64>,
}

impl Nearest<'_> {
    /// The offset at column `i` of walk `w`, if it passes (within the run,
    /// the search radius and the reach): its key and the offset.
    fn offset(&self, w: &Walk, i: i64) -> Option<(u64, Offset)> {
        let k = SEARCH_STEPS;
        let (dx, dy) = (i as f64 * GRID, w.j as f64 * GRID);
        let d = (dx * dx + dy * dy).sqrt();
        let passes =
            (w.ends.0..=w.ends.1).contains(&i) && d <= SEARCH_RADIUS && d <= self.spans.reach;
        // The offset's place in the order: d is GRID·√(i² + j²), so nearest
        // first is i² + j² first (as floats too: the squares are exact, √
        // is monotone, and neighbours this small stay apart), then y (j),
        // then x (i).
        let key = ((i * i + w.j * w.j) as u64) << 32 | ((w.j + k) as u64) << 16 | (i + k) as u64;
        passes.then_some((
            key,
            Offset {
                d,
                dx,
                dy,
                row: w.row,
            },
        ))
    }

    /// Walk `w`, from column `i`: on the heap if that column passes (no
    /// other column of the run does if it does not).
    fn start(&mut self, w: Walk, i: i64) {
        self.walks.push(w);
        self.push(self.walks.len() - 1, i, 0);
    }

    fn push(&mut self, w: usize, i: i64, step: i64) {
        if let Some((key, _)) = self.offset(&self.walks[w], i) {
            self.heap.push(Reverse((key, w as u32, i, step)));
        }
    }
}

impl Iterator for Nearest<'_> {
    type Item = Offset;

    fn next(&mut self) -> Option<Offset> {
        loop {
            let Reverse((key, w, i, step)) = self.heap.pop()?;
            let w = w as usize;
            // The next column out the same way (both ways from the column
            // a walk starts from): further from the middle, later in the
            // order. A walk that starts at an end of its run has no column
            // inward: `offset` turns it away, being outside the run.
            if step <= 0 {
                self.push(w, i - 1, -1);
            }
            if step >= 0 {
                self.push(w, i + 1, 1);
            }
            if self.last.replace(key) != Some(key) {
                return self.offset(&self.walks[w], i).map(|(_, o)| o);
            }
        }
    }
}

/// Takes the open interval `(bl, br)` out of the closed intervals
/// `free[start..]`, in place.
fn cut(free: &mut Vec<(f64, f64)>, start: usize, (bl, br): (f64, f64)) {
    if bl >= br {
        return;
    }
    let mut k = start;
    while k < free.len() {
        let (lo, hi) = free[k];
        if hi <= bl || lo >= br {
            k += 1;
            continue;
        }
        match (lo <= bl, br <= hi) {
            (true, true) => {
                free[k] = (lo, bl);
                free.insert(k + 1, (br, hi));
                k += 2;
            }
            (true, false) => {
                free[k] = (lo, bl);
                k += 1;
            }
            (false, true) => {
                free[k] = (br, hi);
                k += 1;
            }
            (false, false) => {
                free.remove(k);
            }
        }
    }
}
