//! One test binary for the pipeline's end-to-end tests (fixture sites, this repository's site,
//! errors, images, print, search words, determinism, scaffolding; `check` and the diagnostics'
//! snapshots, the theme, reading, `serve`'s rebuilds): each module was a test binary of its own; together they
//! link once (`cargo test --test pipeline [MODULE::]`).

#[path = "../common/mod.rs"]
mod common;

mod check;
mod determinism;
mod diagnostics;
mod errors;
mod feedback;
mod fixture_site;
mod images;
mod languages;
mod names;
mod newcomer;
mod print;
mod reading;
mod repo_site;
mod scaffold;
mod search_words;
mod serve_rebuild;
mod sharded_index;
mod theme;
mod writer;
