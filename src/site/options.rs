//! What the command line asks a build for (`BuildOptions`), and the part of it that changes
//! what is built, for the freshness key.

use std::path::{Path, PathBuf};

use super::Run;
use crate::fresh;

/// What the command line asks for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holds site.toml).
    pub root: PathBuf,
    /// Overrides `output_dir` of site.toml (relative to the current folder, not the site).
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    /// Include pages with `draft = true`.
    pub drafts: bool,
    /// Warnings (e.g. missing alt text) become errors.
    pub strict: bool,
    /// Build even when nothing changed since the last build into the same folder.
    pub force: bool,
    /// Replace the output folder even though faqsite did not write it (`--replace-output`).
    /// Never the site, its source folders or a file (see [`crate::output::check_output_dir`]).
    pub replace_output: bool,
    /// Also print `manual.pdf` with headless Chromium (as `[print] pdf = true` does).
    pub pdf: bool,
    /// The browser for the PDF (`build --browser`); else `FAQSITE_BROWSER`, else PATH.
    pub browser: Option<PathBuf>,
    /// How far site.toml may raise its image limits (`--max-image-pixels`…).
    pub image_ceiling: crate::config::ImageCeiling,
}

/// The options that change what a build makes, named one by one for the freshness key
/// (`--force` changes whether to build and `--replace-output` what may be replaced, not what
/// is built). Its `Debug` text is what the key hashes (rustc does not count that as a read).
#[allow(dead_code)]
#[derive(Debug)]
struct OutputOptions<'a> {
    root: &'a Path,
    output_dir: Option<&'a Path>,
    base_url: Option<&'a str>,
    drafts: bool,
    strict: bool,
    pdf: bool,
    browser: Option<&'a Path>,
    image_ceiling: crate::config::ImageCeiling,
    /// Built by `serve` (see [`Purpose::Serve`]).
    serving: bool,
}

impl Run<'_> {
    /// The freshness key of this run's inputs (see [`fresh::input_hash`]).
    pub(crate) fn inputs_key(&self) -> String {
        let o = self.opts;
        let options = OutputOptions {
            root: &o.root,
            output_dir: o.output_dir.as_deref(),
            base_url: o.base_url.as_deref(),
            drafts: o.drafts,
            strict: o.strict,
            pdf: o.pdf,
            browser: o.browser.as_deref(),
            image_ceiling: o.image_ceiling,
            serving: self.purpose.serving(),
        };
        fresh::input_hash(&o.root, &self.config.theme.name, &format!("{options:?}"))
    }
}
