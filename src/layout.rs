//! Layered left-to-right layout of a computation graph.
