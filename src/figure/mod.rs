//! The figure stage, between the scenario and the drawing: what a figure
//! shows, computed from the engine's run as plain data, before anything is
//! drawn. [`compute`] runs right after a block's analysis, so a figure's
//! error is a scenario error at the block before any figure of the page is
//! drawn; `render::figures` takes this data and returns SVG: it does not
//! read the block's expressions, evaluate its model or run the gradient
//! checker itself.
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

use crate::scenario::{Figure, Run, Scenario, ScenarioError};

/// What one block's figure shows beyond its runs.
pub enum FigureData {
    /// Drawn from the runs alone: the steps of a trace (the `story`
    /// stage), a graph, a rule card, a comparison.
    Runs,
    /// A batch: per run (view), its model plot and the step's effect.
    Batch(Vec<model_plot::BatchData>),
    StepSize(step_size::Errors),
    Modes(modes::Modes),
    /// A training run's model view (`None`: the block does not train).
    Training(Option<training::TrainingData>),
}

/// A block's figure data, and each `vary` combination's (in the order of
/// `runs[0].variants`; empty without `vary`).
pub struct Figured {
    pub own: FigureData,
    pub variants: Vec<FigureData>,
}

/// The figure data of block `s` and of each of its combinations.
pub fn compute(s: &Scenario, runs: &[Run]) -> Result<Figured, ScenarioError> {
    let variants = match runs.first() {
        Some(run) => (run.variants.iter())
            .map(|v| one(&v.scenario, &v.runs))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    Ok(Figured {
        own: one(s, runs)?,
        variants,
    })
}

/// The figure data of block `s` (no combinations).
pub fn one(s: &Scenario, runs: &[Run]) -> Result<FigureData, ScenarioError> {
    let Some(run) = runs.first() else {
        return Ok(FigureData::Runs);
    };
    Ok(match s.figure {
        Figure::Batch => FigureData::Batch(
            runs.iter()
                .map(|r| model_plot::BatchData::new(s, r))
                .collect(),
        ),
        Figure::StepSize => FigureData::StepSize(step_size::Errors::new(s, run)),
        Figure::Modes => FigureData::Modes(
            modes::Modes::new(run).map_err(|m| ScenarioError::new(s.figure_span.clone(), m))?,
        ),
        Figure::Training => FigureData::Training(match &run.training {
            Some(t) => Some(training::TrainingData::new(s, t)?),
            None => None,
        }),
        _ => FigureData::Runs,
    })
}
