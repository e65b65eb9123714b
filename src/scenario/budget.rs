//! Budgets: what one block may ask for, bounded so that no block takes
//! more than about 10 s or 1 GB of memory to build, or writes more than
//! 100 MB (`benches/budgets.rs` measures it). Each is checked before the
//! work it bounds and refused at the block with the numbers and the knob
//! to turn. The handbook lists them (docs/language.md, "Limits").
//!
//! - frames: a trace or batch figure draws one frame per step of its story
//!   ([`crate::story::step_count`]), counted from the run before the story
//!   is told;
//! - bytes: a figure's `trace.json` ([`MAX_JSON_BYTES`]) and everything it
//!   writes ([`MAX_FIGURE_BYTES`]), checked by the figure hook after the
//!   figure is drawn (which the budgets above keep small) and before
//!   anything is written.
//!
//! Training has its own budget of node-steps
//! ([`super::train::MAX_TRAIN_WORK`]).
//!
//! Frames are checked by [`Scenario::analyze`], so `seen check`, `build`,
//! `trace` and `frames` refuse the same blocks; the bytes only by what
//! draws the site (`build`, `check`, `serve`), and `seen frames`' own
//! ([`check_export`]) by `seen frames`.

use super::{Figure, Run, Scenario, ScenarioError};

/// Most frames one figure draws (all its views together). A trace's page
/// carries a step (a radio, a narration, an image of its frame) per frame,
/// and its frames file a view per frame; 2,000 is a few hundred operations,
/// far more than a reader steps through.
pub const MAX_FRAMES: usize = 2_000;

/// Most bytes of a figure's `trace.json` download.
pub const MAX_JSON_BYTES: usize = 20_000_000;

/// Most bytes one figure writes: its files (frames, stills, `trace.json`)
/// and its part of the page.
pub const MAX_FIGURE_BYTES: usize = 50_000_000;

/// Most bytes `seen frames` writes for one trace as SVG: every frame is a
/// whole picture of its own.
pub const MAX_EXPORT_BYTES: usize = 100_000_000;

/// Most pixels `seen frames --png` draws for one block (every frame at
/// twice its size): about 3 s of rasterising and encoding.
pub const MAX_EXPORT_PIXELS: u64 = 500_000_000;

/// Refuses `seen frames` on a trace whose frames would be over
/// [`MAX_EXPORT_BYTES`] (`frames` of up to `frame_bytes` each) or, with `png`, over [`MAX_EXPORT_PIXELS`] (`size` is a
/// frame's width and height), at the figure (or `graph`) value.
pub fn check_export(
    s: &Scenario,
    frames: usize,
    frame_bytes: usize,
    (width, height): (f64, f64),
    png: bool,
) -> Result<(), ScenarioError> {
    let bytes = frames.saturating_mul(frame_bytes);
    let knob = "draw a smaller graph, or take the one frames file `seen build` writes beside the page (a view per step)";
    if bytes > MAX_EXPORT_BYTES {
        return Err(ScenarioError::new(
            s.figure_span.clone(),
            format!(
                "`seen frames` would write {} for this trace: {} frames of about {} each (limit {})",
                megabytes(bytes),
                thousands(frames as u64),
                megabytes(frame_bytes),
                megabytes(MAX_EXPORT_BYTES)
            ),
        )
        .expected(format!("at most {} of SVG frames per trace", megabytes(MAX_EXPORT_BYTES)))
        .hint(knob));
    }
    let pixels = ((2.0 * width).round() * (2.0 * height).round()) as u64;
    let all = pixels.saturating_mul(frames as u64);
    if png && all > MAX_EXPORT_PIXELS {
        return Err(ScenarioError::new(
            s.figure_span.clone(),
            format!(
                "`seen frames --png` would draw {} pixels for this trace: {} frames of {} × {} (limit {})",
                thousands(all),
                thousands(frames as u64),
                (2.0 * width).round(),
                (2.0 * height).round(),
                thousands(MAX_EXPORT_PIXELS)
            ),
        )
        .expected(format!(
            "at most {} pixels of PNG per trace",
            thousands(MAX_EXPORT_PIXELS)
        ))
        .hint(format!("leave out `--png`, or {knob}")));
    }
    Ok(())
}

/// `n` with a comma between thousands: `9,003`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes as megabytes with one decimal: `136.2 MB`.
pub fn megabytes(n: usize) -> String {
    format!("{:.1} MB", n as f64 / 1e6)
}

impl Scenario {
    /// The frames the figure draws: one per step of each view's story for
    /// a trace or a batch figure; none for the others (a still is one
    /// picture, a training figure's snapshots are at most 31).
    pub fn frame_count(&self, runs: &[Run]) -> usize {
        match self.figure {
            Figure::Trace | Figure::Batch => runs.iter().map(crate::story::step_count).sum(),
            _ => 0,
        }
    }

    /// Refuses a figure over [`MAX_FRAMES`], at its `figure` (or `graph`)
    /// value, or at its examples for a batch figure, which then says how
    /// many examples fit.
    pub(crate) fn check_frames(&self, runs: &[Run]) -> Result<(), ScenarioError> {
        // Every variant of `vary` draws as many: they share the budget.
        let variants = self.combinations();
        let frames = (self.frame_count(runs) as u64).saturating_mul(variants);
        if frames <= MAX_FRAMES as u64 {
            return Ok(());
        }
        let (n, limit) = (thousands(frames), thousands(MAX_FRAMES as u64));
        let mut views = if runs.len() > 1 {
            format!(" in {} views", runs.len())
        } else {
            String::new()
        };
        if variants > 1 {
            views += &format!(" for {variants} variants of `vary`");
        }
        let expected = format!(
            "at most {limit} frames: one per forward op and per backward message, and 3 or 4 more"
        );
        let examples = self.examples.len();
        if self.figure == Figure::Batch && !self.examples_span.is_empty() {
            let knob = match self.examples_that_fit() {
                Some((fit, each)) => format!(
                    "use at most {} examples ({each} more frames each), or draw the graph as `figure = \"graph\"` (one picture)",
                    thousands(fit as u64)
                ),
                _ => "use fewer examples, or draw the graph as `figure = \"graph\"` (one picture)"
                    .to_string(),
            };
            return Err(ScenarioError::new(
                self.examples_span.clone(),
                format!(
                    "this batch figure would draw {n} frames{views} for {} examples (limit {limit})",
                    thousands(examples as u64)
                ),
            )
            .expected(expected)
            .hint(knob));
        }
        let kind = if self.figure == Figure::Batch {
            "batch figure"
        } else {
            "trace"
        };
        let views_knob = if runs.len() > 1 {
            ", draw one view (`view = \"atomic\"` or `\"modules\"`)"
        } else {
            ""
        };
        Err(ScenarioError::new(
            self.figure_span.clone(),
            format!("this {kind} would draw {n} frames{views} (limit {limit})"),
        )
        .expected(expected)
        .hint(format!(
            "draw it as `figure = \"graph\"` (one picture of the whole graph){views_knob}, or split the graph into smaller blocks"
        )))
    }

    /// How many examples fit in [`MAX_FRAMES`], and the frames each one
    /// adds: the same block run on its first two and three examples (a
    /// batch's frames grow by the same number with every example: its
    /// graph, and a step of the sum over the examples).
    fn examples_that_fit(&self) -> Option<(usize, usize)> {
        let frames = |k: usize| -> Option<usize> {
            let fewer = Scenario {
                examples: self.examples.get(..k)?.to_vec(),
                ..self.clone()
            };
            let runs: Option<Vec<Run>> = (fewer.views().into_iter())
                .map(|v| fewer.run(v).ok())
                .collect();
            Some(fewer.frame_count(&runs?))
        };
        let (two, three) = (frames(2)?, frames(3)?);
        let each = three.checked_sub(two).filter(|&e| e > 0)?;
        let room = MAX_FRAMES.checked_sub(two)?;
        Some((2 + room / each, each))
    }

    /// Where a figure's bytes are refused: its `train` table for a
    /// training run (the steps and the graph make its JSON), otherwise
    /// where the figure is chosen.
    pub fn bytes_span(&self) -> std::ops::Range<usize> {
        match &self.train {
            Some(t) => t.span.clone(),
            None => self.figure_span.clone(),
        }
    }
}

/// A writer that keeps the first `limit` bytes and counts the rest: a
/// download over its budget is measured without being held in memory.
pub struct Capped {
    pub bytes: Vec<u8>,
    pub limit: usize,
    /// Every byte written, kept or not.
    pub total: usize,
}

impl Capped {
    pub fn new(limit: usize) -> Capped {
        Capped {
            bytes: Vec::new(),
            limit,
            total: 0,
        }
    }

    /// Whether everything written was kept.
    pub fn fits(&self) -> bool {
        self.total <= self.limit
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.total = self.total.saturating_add(buf.len());
        if self.fits() {
            self.bytes.extend_from_slice(buf);
        } else if !self.bytes.is_empty() {
            self.bytes = Vec::new();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn thousands_are_separated_by_commas() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (9_003, "9,003"),
            (100_000_000, "100,000,000"),
        ] {
            assert_eq!(thousands(n), s);
        }
    }

    #[test]
    fn a_capped_writer_keeps_what_fits_and_counts_the_rest() {
        let mut w = Capped::new(10);
        w.write_all(b"12345").unwrap();
        w.write_all(b"67890").unwrap();
        assert!(w.fits());
        assert_eq!(w.bytes, b"1234567890");
        w.write_all(b"x").unwrap();
        w.write_all(&[b'y'; 1000]).unwrap();
        assert!(!w.fits());
        assert_eq!(w.total, 1011);
        assert!(w.bytes.is_empty(), "nothing kept once over");
    }
}
