//! Rendering: SVG frames, figures, the stepper, PNG.
