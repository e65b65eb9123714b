//! Rendering: SVG frames, figures and plots, the HTML stepper, PNG export.
//!
//! - [`theme`]: the palette and font metrics, and the CSS that depends on them;
//! - [`svg`]: the deterministic writer and its primitives (text, line, rect,
//!   polyline, marker, arrow); [`node`]: nodes and edges; [`plot`]: axes and ticks;
//! - [`scene`] and [`frame`]: a trace's graph laid out once, one SVG per step;
//! - [`figures`]: one file per still figure kind;
//! - [`stepper`], [`hook`], [`png`]: around the drawings.

pub mod figures;
pub mod frame;
pub mod hook;
pub(crate) mod message;
pub(crate) mod node;
pub(crate) mod plot;
pub mod png;
pub mod scene;
pub mod stepper;
pub mod svg;
pub mod theme;
