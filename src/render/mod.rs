//! Rendering: SVG frames, figures and plots, the HTML stepper, PNG export.

pub mod animate;
pub mod figure;
pub mod frame;
pub mod hook;
pub mod png;
pub mod stepper;
pub mod svg;
