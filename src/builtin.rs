//! What faqsite carries inside its binary: its name and version, and the default theme
//! (`themes/default/**`, embedded by `build.rs`). A leaf: imports nothing of faqsite's.

/// `faqsite <version>`: in the footer, in every freshness and cache key.
pub const GENERATOR: &str = concat!("faqsite ", env!("CARGO_PKG_VERSION"));

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
