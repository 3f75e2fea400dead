//! The build pipeline, top to bottom: config → content → markdown → images → search →
//! templates → output. Each stage is a module; data flows forward as plain structs. What a run
//! is for (`check`, `build`, a build by `serve`) is one `Purpose`; `serve`'s update of its
//! output in place is `crate::serve::update`, made of the pieces here.

mod langs;
mod options;
mod report;
mod stages;
mod timer;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::{Config, CONFIG_FILE};
use crate::content::{self, Content};
use crate::error::{self, Diagnostic, Error, Result};
use crate::fresh;
use crate::images::{self, Images};
use crate::markdown::{self, Rendered};
use crate::output::{self, DryRun, OutputFile, Recording, Sink, Staging};
use crate::print;
use crate::search::{self, ShardKeys};
use crate::sitemap;
use crate::templates::{self, CompiledTemplates, PageKeys, Theme};

pub use options::BuildOptions;
pub use report::{BuildReport, Checked};
pub use timer::Lap;
pub(crate) use timer::Timer;

/// What a run is for. Each stage derives from it what it does; nothing else says it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purpose<'a> {
    /// `check`: every stage runs and nothing is written, not even a cache; images are
    /// resolved, read and measured, not encoded.
    Check,
    /// `build`: the output made whole.
    Build,
    /// A build by `serve`, which builds again on every save: never `manual.pdf` (seconds of
    /// Chromium per save, or an error where it is missing), the search index named without a
    /// `?v=` version (the dev server sends `Cache-Control: no-store`; an edit to one answer
    /// then changes only the pages that show it), the stages' work kept for the next build.
    /// `previous`: the keys of this process's build that made the current output, which this
    /// one updates in place (the pages first, then the search index and `print.html`).
    Serve { previous: Option<&'a Keys> },
}

impl<'a> Purpose<'a> {
    fn images(self) -> images::Mode {
        match self {
            Purpose::Check => images::Mode::Validate,
            Purpose::Build | Purpose::Serve { .. } => images::Mode::Encode,
        }
    }

    /// Whether the run may write the site's cache folder (`check` writes nothing).
    fn writes_cache(self) -> bool {
        !matches!(self, Purpose::Check)
    }

    pub(crate) fn serving(self) -> bool {
        matches!(self, Purpose::Serve { .. })
    }

    /// The keys of the build that made the output this run updates in place.
    fn previous(self) -> Option<&'a Keys> {
        match self {
            Purpose::Serve { previous } => previous,
            Purpose::Check | Purpose::Build => None,
        }
    }

    /// The search index and `print.html` are left to `serve::update`, after the pages.
    fn defers_rest(self) -> bool {
        self.previous().is_some()
    }
}

/// The keys of a build's pages and search shards: what a rebuild by `serve` compares to keep
/// what did not change.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    pub(crate) pages: PageKeys,
    pub(crate) shards: ShardKeys,
}

/// What one build leaves for the next in the same process (`serve`): every stage's cache, so
/// what did not change is kept instead of made again.
#[derive(Default)]
pub struct BuildCache {
    /// The jieba dictionary, loaded by the first build that needs it.
    segmenter: Option<search::FaqChinese>,
    /// The theme's templates, compiled.
    pub(crate) templates: CompiledTemplates,
    /// Every content file parsed, with its text.
    content: content::ParseCache,
    /// Every page's Markdown rendered, with what it was rendered from.
    markdown: markdown::RenderCache,
    /// The search documents' terms (a large site's segmentation cache, in memory).
    terms: search::TermMemory,
    /// The sidebars and related lists rendered, by what they were rendered from.
    fragments: templates::FragmentMemo,
}

impl BuildCache {
    /// `serve`: only `paths` (absolute, as its watcher saw them) may have changed since the
    /// last build with this cache began loading the content (see `content::ParseCache`).
    pub fn changed(&self, paths: &[PathBuf]) {
        self.content.changed(paths);
    }
}

impl std::fmt::Debug for BuildCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildCache")
            .field("segmenter", &self.segmenter.is_some())
            .field("templates", &self.templates.is_some())
            .field("content", &self.content)
            .field("markdown", &self.markdown)
            .finish()
    }
}

/// Load the configuration with the command line's overrides applied.
pub fn load_config(opts: &BuildOptions) -> Result<(Config, PathBuf)> {
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        crate::config::check_base_url(url).map_err(|problem| {
            Error::one(
                Diagnostic::new("--base-url", 0, problem)
                    .hint("write it like \"https://help.example.com/faq/\""),
            )
        })?;
        config.base_url = Some(url.clone());
    }
    let above = config
        .images
        .above(opts.image_ceiling, &opts.root, &config.lines);
    if !above.is_empty() {
        return Err(Error::Input(above));
    }
    let out = match &opts.output_dir {
        Some(d) => d.clone(),
        None => opts.root.join(&config.output_dir),
    };
    Ok((config, out))
}

/// [`load_config`], and the output folder as it is now, refused unless this build may replace
/// it (see [`output::check_output_dir`]).
pub(crate) fn load_checked(opts: &BuildOptions) -> Result<(Config, PathBuf, fresh::OutputState)> {
    let (config, out) = load_config(opts)?;
    let state = check_output(opts, &config, &out)?;
    Ok((config, out, state))
}

/// Refuse the output folder `out` unless this build may replace it (see
/// [`output::check_output_dir`]); returns it as it is now, for the freshness check.
pub fn check_output(
    opts: &BuildOptions,
    config: &Config,
    out: &Path,
) -> Result<fresh::OutputState> {
    let state = fresh::OutputState::read(&opts.root, out);
    let from_config = opts
        .output_dir
        .is_none()
        .then(|| config.lines.line("output_dir"));
    output::check_output_dir(&output::OutputTarget {
        root: &opts.root,
        out,
        from_config,
        replace: opts.replace_output,
        stamped: state.untouched(),
    })?;
    Ok(state)
}

/// Build the site under `opts.root`. On error nothing in the output folder changes.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    Ok(build_for(opts, Purpose::Build, &mut BuildCache::default())?.report)
}

/// A build for `purpose` (`build`, or the first of `serve`) into a new staging folder, unless
/// nothing changed since the last build into the same folder (then `made` is `None`).
pub(crate) fn build_for(
    opts: &BuildOptions,
    purpose: Purpose,
    cache: &mut BuildCache,
) -> Result<Whole> {
    let mut t = Timer::new();
    let (config, out_dir, state) = load_checked(opts)?;
    let run = Run::new(opts, &config, purpose);
    let inputs = run.inputs_key();
    if !opts.force && state.is_fresh(&inputs) {
        t.lap("config");
        return Ok(Whole {
            report: BuildReport::up_to_date(out_dir, t.laps),
            made: None,
            paths: Vec::new(),
        });
    }
    fresh::clear(&opts.root);
    t.lap("config");
    let content = run.load_content(cache);
    run.build_whole(content, &out_dir, &inputs, cache, t)
}

/// What a build into a new staging folder made: the report, what the stages made (`None`: it
/// was up to date), and every file of the output (`serve` only).
pub(crate) struct Whole {
    pub(crate) report: BuildReport,
    pub(crate) made: Option<Made>,
    pub(crate) paths: Vec<PathBuf>,
}

/// What [`commit`] did.
pub(crate) struct Committed {
    pub(crate) files: usize,
    pub(crate) unchanged_files: usize,
    /// Every file of the new output (`serve` only).
    pub(crate) paths: Vec<PathBuf>,
    /// What an update in place moved in or removed.
    pub(crate) changed: Option<Vec<PathBuf>>,
    /// What the PDF's fonts call for (`print::Printed::warning`).
    pub(crate) pdf_warning: Option<Diagnostic>,
}

/// Print the PDF if asked for, and put the staging folder in place, keeping the files `kept`
/// (the search index and `print.html`, which a rebuild by `serve` makes after).
pub(crate) fn commit(
    run: &Run,
    staging: Staging,
    kept: &[PathBuf],
    t: &mut Timer,
) -> Result<Committed> {
    let pdf_result = run.print_pdf(&staging, t);
    if let Some(Ok(_)) = &pdf_result {
        staging.adopt(Path::new(print::PDF_FILE))?;
    }
    let files = staging.count() + usize::from(matches!(pdf_result, Some(Ok(_))));
    let unchanged_files = staging.unchanged();
    let paths = if run.purpose.serving() {
        staging.paths()
    } else {
        Vec::new()
    };
    if !kept.is_empty() {
        staging.keep_listed(kept);
    }
    let changed = if run.purpose.serving() {
        staging.commit_removing_in_background()?
    } else {
        staging.commit()?;
        None
    };
    let pdf_warning = match pdf_result {
        Some(Err(e)) => return Err(e),
        Some(Ok(printed)) => printed.warning,
        None => None,
    };
    t.lap("write");
    Ok(Committed {
        files,
        unchanged_files,
        paths,
        changed,
        pdf_warning,
    })
}

/// The build without output: every stage of [`build`] runs (images are resolved and measured,
/// not encoded), and nothing is written, not even a cache. `Err` only when the stages could
/// not run to the end (the content cannot be loaded, a file cannot be read); problems in pages,
/// images and templates are in [`Checked::diagnostics`].
pub fn check(opts: &BuildOptions) -> Result<Checked> {
    let mut t = Timer::new();
    // The output folder is refused here as in a build (a folder faqsite may not replace).
    let (config, _, _) = load_checked(opts)?;
    let run = Run::new(opts, &config, Purpose::Check);
    let mut cache = BuildCache::default();
    let content = run.load_content(&mut cache)?;
    let made = run.every_language(content, &DryRun, None, &mut cache, &mut t)?;
    Ok(Checked {
        diagnostics: made.diagnostics,
        content: made.content,
        rendered: made.rendered,
    })
}

impl Made {
    /// What the other languages' builds made, added to this build's: their problems among
    /// these, in the order they are shown, and their pages.
    fn add(&mut self, others: langs::Made, strict: bool) {
        self.other_pages += others.pages;
        self.pages_rendered += others.pages_rendered;
        if others.diagnostics.is_empty() {
            return;
        }
        // A file shared by languages (an untranslated original shown in another language)
        // gives its problems once.
        for d in others.diagnostics {
            if !self.diagnostics.contains(&d) {
                self.diagnostics.push(d);
            }
        }
        self.diagnostics = in_report_order(std::mem::take(&mut self.diagnostics), strict);
    }
}

/// One run of the stages, shared by [`build`], [`check`] and `serve`'s builds.
pub(crate) struct Run<'a> {
    pub(crate) opts: &'a BuildOptions,
    pub(crate) config: &'a Config,
    pub(crate) purpose: Purpose<'a>,
}

/// What the stages made.
pub(crate) struct Made {
    pub(crate) content: Content,
    pub(crate) rendered: Vec<Rendered>,
    pub(crate) images: Images,
    /// Every problem of every stage, `--strict` applied, in the order they are shown.
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) page_keys: PageKeys,
    pub(crate) shard_keys: ShardKeys,
    pub(crate) pages_rendered: usize,
    /// The pages of the site's other languages (see `langs.rs`).
    pub(crate) other_pages: usize,
    /// The files of the search index and `print.html` (empty when deferred).
    pub(crate) rest_files: Vec<PathBuf>,
}

impl<'a> Run<'a> {
    pub(crate) fn new(opts: &'a BuildOptions, config: &'a Config, purpose: Purpose<'a>) -> Self {
        Run {
            opts,
            config,
            purpose,
        }
    }

    /// The output made whole (not updated in place): every stage into a new staging folder,
    /// put in place, stamped with `inputs`.
    pub(crate) fn build_whole(
        &self,
        content: Result<Content>,
        out_dir: &Path,
        inputs: &str,
        cache: &mut BuildCache,
        mut t: Timer,
    ) -> Result<Whole> {
        // Every file goes straight into the staging folder; it is swapped in at the end, or
        // removed (by Drop) if any stage fails.
        let staging = Staging::new(out_dir)?;
        let mut made = self.every_language(content?, &staging, Some(&staging), cache, &mut t)?;
        let mut warnings = Error::check(std::mem::take(&mut made.diagnostics))?;
        let committed = commit(self, staging, &[], &mut t)?;
        warnings.extend(committed.pdf_warning);
        fresh::record(&self.opts.root, out_dir, inputs);
        t.lap("stamp");
        let counts = (committed.files, committed.unchanged_files);
        let report = BuildReport::made(out_dir.to_path_buf(), &made, counts, warnings, t);
        Ok(Whole {
            report,
            made: Some(made),
            paths: committed.paths,
        })
    }

    /// The files beside the pages and images: alias redirects, `sitemap.xml`, `robots.txt`
    /// and `atom.xml` (with `base_url`), and the events' `_/e.gif` (with `[feedback] enabled`).
    fn other_files(&self, content: &Content, rendered: &[Rendered]) -> Vec<OutputFile> {
        let mut files: Vec<OutputFile> = sitemap::aliases(content);
        if let Some(base) = self.config.base_url_trimmed() {
            files.extend(sitemap::sitemap(base, content));
        }
        files.extend(crate::feed::feed(self.config, content, rendered));
        if self.config.feedback.enabled {
            // The pages' events are requests for this file: lines of the server's access log.
            let gif = crate::config::EVENT_GIF.to_vec();
            files.push(OutputFile::new(crate::config::EVENT_FILE.to_string(), gif));
        }
        files
    }

    /// content → site-wide checks → markdown → images → search → templates → assets, every
    /// file handed to `sink` as it is made. A stage with problems in the user's input does not
    /// stop the later ones (a page with a dead link is rendered, an image that is missing is
    /// left out), so one run reports every problem; only content that cannot be loaded, or an
    /// I/O failure, ends it early.
    pub(crate) fn stages<S: Sink>(
        &self,
        mut content: Content,
        sink: &S,
        cache: &mut BuildCache,
        t: &mut Timer,
    ) -> Result<Made> {
        let root = self.opts.root.as_path();
        t.lap("load");

        // The theme first: the callouts' labels are its UI strings.
        let theme = Theme::load(root, self.config, &mut cache.templates);
        let (mut diagnostics, mut rendered, problems) =
            self.markdown(&mut content, theme.as_ref().ok(), cache);
        diagnostics.append(&mut content.warnings);
        diagnostics.extend(problems);
        diagnostics.extend(self.config.feed_warning(&root.join(CONFIG_FILE)));
        diagnostics.extend(theme.iter().flat_map(|t| t.warnings.iter().cloned()));
        content.release_sources();
        t.lap("markdown");

        // Images and the search index need only the pages' text and image references: they
        // are made side by side (each stage's own time is shown), and the images' markup is
        // put in the pages after.
        let rest = Recording::new(sink);
        let ((prepared, images_time), searched) = rayon::join(
            || {
                let start = Instant::now();
                let p = images::prepare(
                    root,
                    &self.config.images,
                    &content,
                    &rendered,
                    self.purpose.images(),
                );
                (p, start.elapsed())
            },
            || match self.purpose.defers_rest() {
                true => Ok((self.deferred_search_url(&content), ShardKeys::new())),
                false => self.search(&content, &rendered, &rest, cache),
            },
        );
        let mut images = prepared?.apply(&content, &mut rendered);
        diagnostics.extend(std::mem::take(&mut images.diagnostics));
        let (search_index_js, shard_keys) = searched?;
        if self.purpose.defers_rest() {
            t.lap("images");
        } else {
            t.side_by_side("images", images_time, "search");
        }

        let pages = (&content, &rendered[..]);
        let made = self.templates(theme, pages, search_index_js, sink, &rest, cache);
        let (page_keys, pages_rendered) = match made {
            Ok(done) => done,
            Err(Error::Input(ds)) => {
                diagnostics.extend(ds);
                (PageKeys::new(), 0)
            }
            Err(e) => return Err(e),
        };
        t.lap("templates");
        let mut files = self.other_files(&content, &rendered);
        files.extend(std::mem::take(&mut images.files));
        files.par_iter().try_for_each(|f| sink.write_file(f))?;
        t.lap("assets");

        Ok(Made {
            content,
            rendered,
            images,
            diagnostics: in_report_order(diagnostics, self.opts.strict),
            page_keys,
            shard_keys,
            pages_rendered,
            other_pages: 0,
            rest_files: rest.into_paths(),
        })
    }

    /// [`Run::stages`] for this language, then for each other language of the site (none for
    /// a site in one language) into its folder of `sink`, its PDF printed into `staging`
    /// (`None`: `check`).
    pub(crate) fn every_language<S: Sink>(
        &self,
        mut content: Content,
        sink: &S,
        staging: Option<&Staging>,
        cache: &mut BuildCache,
        t: &mut Timer,
    ) -> Result<Made> {
        let others = langs::load(self.opts, self.config, &mut content)?;
        let mut made = self.stages(content, sink, cache, t)?;
        if !others.is_empty() && matches!(self.purpose, Purpose::Build) {
            // Only `check` (its report) and `serve` (its next build) read the pages' HTML
            // after the stages: freed, the next language's pages take its memory instead of
            // new memory from the system (10,000 questions in two languages: half the minor
            // page faults, 21,700 -> 11,000, and a peak 20 MB lower).
            made.rendered = Vec::new();
        }
        let more = langs::build(self, others, (sink, staging), cache, t)?;
        made.add(more, self.opts.strict);
        Ok(made)
    }

    /// This run prints `manual.pdf`: asked for, and not under `serve`.
    fn prints_pdf(&self) -> bool {
        !self.purpose.serving() && (self.opts.pdf || self.config.print.pdf)
    }

    /// `manual.pdf`, printed from the staging folder when asked for (never under `serve`), so
    /// it is part of the one swap. If printing fails, the (complete) HTML site is still put in
    /// place and the error is reported.
    fn print_pdf(&self, staging: &Staging, t: &mut Timer) -> Option<Result<print::Printed>> {
        if !self.prints_pdf() {
            return None;
        }
        let r = print::pdf(
            staging.path(),
            self.opts.browser.as_deref(),
            &self.opts.root.join(CONFIG_FILE),
        );
        t.lap("pdf");
        Some(r)
    }
}

/// The diagnostics as every command shows them: `--strict` applied, errors first, then by
/// file, line and column (a stable order: the same list whatever the thread count).
fn in_report_order(mut diagnostics: Vec<Diagnostic>, strict: bool) -> Vec<Diagnostic> {
    error::strict(&mut diagnostics, strict);
    diagnostics.sort_by(|a, b| {
        (a.severity, &a.file, a.line, a.col).cmp(&(b.severity, &b.file, b.line, b.col))
    });
    diagnostics
}

/// The folder a relative `--root` resolves to, for messages.
pub fn display_root(root: &Path) -> String {
    if root == Path::new(".") {
        "this folder".into()
    } else {
        root.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The freshness key counts each option that changes what is built, `serve`'s builds apart
    /// from `build`'s, and not `--force` or `--replace-output`.
    #[test]
    fn the_freshness_key_counts_the_options_that_change_the_output() {
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join("site.toml"), "title = \"t\"").unwrap();
        let base = BuildOptions {
            root: site.path().to_path_buf(),
            ..Default::default()
        };
        let config = Config::load(&base.root).unwrap();
        let key = |opts: &BuildOptions, purpose| Run::new(opts, &config, purpose).inputs_key();
        let plain = key(&base, Purpose::Build);
        let same = BuildOptions {
            force: true,
            replace_output: true,
            ..base.clone()
        };
        assert_eq!(key(&same, Purpose::Build), plain);
        let serving = Purpose::Serve { previous: None };
        assert_ne!(key(&base, serving), plain, "serve's output differs");
        for changed in [
            BuildOptions {
                drafts: true,
                ..base.clone()
            },
            BuildOptions {
                strict: true,
                ..base.clone()
            },
            BuildOptions {
                base_url: Some("https://example.com/".into()),
                ..base.clone()
            },
            BuildOptions {
                pdf: true,
                ..base.clone()
            },
        ] {
            assert_ne!(key(&changed, Purpose::Build), plain, "{changed:?}");
        }
    }

    /// The files and folders no alias may take are the ones the later stages write.
    #[test]
    fn aliases_know_every_file_the_stages_write() {
        let generated: Vec<&str> = crate::content::GENERATED.iter().map(|g| g.0).collect();
        for name in [
            crate::print::PRINT_PAGE,
            crate::print::PDF_FILE,
            crate::output::MARKER_FILE,
            "404.html",
        ] {
            assert!(generated.contains(&name), "{name} is missing");
        }
    }
}
