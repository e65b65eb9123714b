//! The still figures of `docs/language.md` besides the step-through trace, one
//! file per kind: the whole graph at once ([`graph`]), the rulebook card
//! ([`rule`]), the two-view gradient table ([`compare`]), the batch
//! (contributions, update: [`batch`]; its plot: [`model_plot`]) and the step-size plot
//! ([`step_size`]).
//!
//! Every number drawn comes from an engine run: values, gradients and
//! messages of a [`Run`](crate::scenario::Run), the engine's forward pass
//! of the author's model for the batch plot, and the engine's finite
//! differences for the step-size plot. The SVG follows the frames' habits: drawn with the
//! kit of [`super::svg`] and [`super::node`] in the colours of
//! [`super::theme`], a class on every element, one element per line, no
//! `style`, `role="img"` with a `<title>` and `<desc>`; colour is never the
//! only cue (dashes, arrowheads and marker shapes carry meaning).

pub mod batch;
pub mod compare;
pub mod data_table;
pub mod graph;
pub mod model_plot;
pub mod modes;
pub mod rule;
pub mod step_size;
pub mod training;

pub use batch::{BatchParts, batch};
pub use compare::{gradient_table, view_note};
pub use graph::{graph_still, graph_still_in};
pub use rule::{rule_card, rule_card_narrow};
pub use step_size::{step_size, step_size_narrow};
pub use training::{
    TrainingFigure, WIDTH as TRAINING_WIDTH, training, training_frames, training_frames_at,
};

use super::svg::{Mode, Svg, open_img, paper};

/// Opens a still: the root with its accessible name (`<title>` and
/// `<desc>` with ids prefixed by `id`) and the paper background.
fn open(id: &str, class: &str, (w, h): (f64, f64), title: &str, desc: &str) -> Svg {
    let (tid, did) = (format!("{id}-title"), format!("{id}-desc"));
    let mut svg = open_img(
        (w, h),
        class,
        (&tid, title),
        Some((&did, desc)),
        Mode::WithLeanCopy,
    );
    paper(&mut svg, w, h);
    svg
}
