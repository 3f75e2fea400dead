//! faqsite: a static site generator for FAQ and help-center sites.
//! The build pipeline is in [`site::build`]; see ARCHITECTURE.md.

pub mod config;
pub mod error;
