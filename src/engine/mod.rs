//! The autograd engine.
