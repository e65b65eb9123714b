//! seen: a static-site generator for explainers of automatic differentiation
//! that a reader can watch.
//!
//! The modules follow the data through a build (see `../shared/ENGINEERING.md`):
//! `site::content` → `site::markdown` → [`scenario`] → [`engine`] → [`story`]
//! → [`layout`] → [`render`] → `site::templates` → `site::output`.

pub mod engine;
pub mod layout;
pub mod render;
pub mod scenario;
pub mod site;
pub mod story;
