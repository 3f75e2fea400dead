//! One test binary for the pipeline's end-to-end tests (fixture sites, this repository's site,
//! errors, images, print, search words, determinism, scaffolding): each module was a test
//! binary of its own; together they link once (`cargo test --test pipeline [MODULE::]`).

#[path = "../common/mod.rs"]
mod common;

mod determinism;
mod errors;
mod feedback;
mod fixture_site;
mod images;
mod languages;
mod names;
mod newcomer;
mod print;
mod repo_site;
mod scaffold;
mod search_words;
mod sharded_index;
mod writer;
