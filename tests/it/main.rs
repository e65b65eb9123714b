//! The integration tests, one binary with one module per area.
//!
//! Every `tests/*.rs` file is a crate of its own: cargo compiles and links
//! each one against `seen` and all its dependencies, which made a fresh
//! `cargo test` spend minutes linking fourteen test executables. Here they
//! are modules of one crate, linked once. Add a new area as a module below;
//! helpers used by more than one module live in `support`.

mod author_fuzz;
mod author_init;
mod cache;
mod contrast;
mod course;
mod engine;
mod errors;
mod errors_table;
mod explainer;
mod explainer_layout;
mod figures;
mod golden;
mod hostile_input;
mod layout;
mod output;
mod phone_plots;
mod sanitize;
mod scenario;
mod serve;
mod site;
mod site_pipeline;
mod structure;
mod support;
mod tape;
mod trace_cli;
mod training;
mod vary;
mod vary_batch;
