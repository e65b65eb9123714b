//! The site build.
