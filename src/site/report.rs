//! What a run reports: a build's counts, warnings and timings (`BuildReport`), and what
//! `check` found (`Checked`).

use std::path::PathBuf;

use super::{Lap, Made, Timer};
use crate::content::Content;
use crate::error::Diagnostic;
use crate::markdown::Rendered;

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub output_dir: PathBuf,
    /// Nothing changed since the last build into this folder: nothing was written.
    pub up_to_date: bool,
    pub pages: usize,
    pub files: usize,
    /// Files identical to the previous output's, kept (hard-linked) instead of written.
    pub unchanged_files: usize,
    /// Content pages rendered with their template (under `serve`, pages whose template
    /// context did not change since the previous build are kept, not rendered).
    pub pages_rendered: usize,
    pub images_processed: usize,
    /// Image variants encoded in this build / taken from the cache.
    pub images_encoded: usize,
    pub images_reused: usize,
    pub warnings: Vec<Diagnostic>,
    /// Wall time per stage, in pipeline order.
    pub timings: Vec<Lap>,
}

impl BuildReport {
    /// What a build that made the output did (`files`: written, and unchanged of those).
    pub(crate) fn made(
        output_dir: PathBuf,
        made: &Made,
        (files, unchanged_files): (usize, usize),
        warnings: Vec<Diagnostic>,
        t: Timer,
    ) -> Self {
        BuildReport {
            output_dir,
            up_to_date: false,
            pages: made.content.pages.len() + made.other_pages,
            files,
            unchanged_files,
            pages_rendered: made.pages_rendered,
            images_processed: made.images.processed,
            images_encoded: made.images.encoded,
            images_reused: made.images.reused,
            warnings,
            timings: t.laps,
        }
    }

    /// Nothing changed since the last build into `output_dir`: nothing was written.
    pub(crate) fn up_to_date(output_dir: PathBuf, timings: Vec<Lap>) -> Self {
        BuildReport {
            output_dir,
            up_to_date: true,
            pages: 0,
            files: 0,
            unchanged_files: 0,
            pages_rendered: 0,
            images_processed: 0,
            images_encoded: 0,
            images_reused: 0,
            warnings: Vec::new(),
            timings,
        }
    }
}

/// What `check` found: every problem a build would report (the same words, places, severity
/// and hints), and the pages, for the checks only `check` makes (external links).
#[derive(Debug)]
pub struct Checked {
    /// Errors and warnings, errors first, each kind by file and line.
    pub diagnostics: Vec<Diagnostic>,
    pub content: Content,
    pub rendered: Vec<Rendered>,
}
