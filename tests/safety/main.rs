//! One test binary for the safety rules (README, "Safety"): one test per way content, config or a
//! typo could harm the machine or the user's files. Each module was a test binary of its own
//! (`safety_content`…); together they link once (`cargo test --test safety [MODULE::]`).

#[path = "../common/mod.rs"]
mod common;

mod content;
mod inputs;
mod output;
mod pdf;
mod serve;
mod templates;
