//! The figure stage, between the scenario and the drawing: what a figure
//! shows, computed from the engine's run as plain data, before anything is
//! drawn. `render::figures` takes this data and returns SVG; it does not
//! read the block's expressions or run the gradient checker itself.
//!
//! - [`step_size`]: finite-difference errors against autodiff;
//! - [`model_plot`]: the model evaluated over its inputs, before and after
//!   the step;
//! - [`modes`]: forward-mode passes against the backward pass;
//! - [`training`]: what a training figure's model view shows;
//! - [`contour`]: marching squares, for the plots and the training runs.

pub mod contour;
pub mod model_plot;
pub mod modes;
pub mod step_size;
pub mod training;
