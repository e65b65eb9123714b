//! Rendering: SVG frames, figures and plots, the HTML stepper, PNG export.

pub mod figure;
pub mod frame;
pub mod png;
pub mod svg;
