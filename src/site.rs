//! The build pipeline, top to bottom: config → content → markdown → images → search →
//! templates → output. Each stage is a module; data flows forward as plain structs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Content, PageKind};
use crate::error::{self, Diagnostic, Error, Result};
use crate::fresh;
use crate::images::{self, Images};
use crate::lint;
use crate::markdown::{self, Rendered};
use crate::output::{self, DryRun, OutputFile, Recording, Sink, Staging};
use crate::paths;
use crate::print;
use crate::search::{self, SearchDoc, ShardKeys};
use crate::sitemap;
use crate::templates::{self, CompiledTemplates, PageKeys, Renderer, Theme};

mod langs;

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
    /// Never the site, its source folders or a file (see [`output::check_output_dir`]).
    pub replace_output: bool,
    /// Also print `manual.pdf` with headless Chromium (as `[print] pdf = true` does).
    pub pdf: bool,
    /// The browser for the PDF (`build --browser`); else `FAQSITE_BROWSER`, else PATH.
    pub browser: Option<PathBuf>,
    /// Built for `serve`, which rebuilds on every save: never print `manual.pdf`, whatever
    /// `[print] pdf` says (seconds of Chromium per save, or an error where it is missing, would
    /// get in the way), and name the search index without a `?v=` version (the dev server
    /// sends `Cache-Control: no-store`), so an edit to one answer changes only the pages that
    /// show it, not every page.
    pub serving: bool,
    /// How far site.toml may raise its image limits (`--max-image-pixels`…).
    pub image_ceiling: crate::config::ImageCeiling,
}

/// What one build leaves for the next in the same process (`serve`): the key of every page's
/// template context and of every search shard, so those that did not change are kept instead
/// of made again, and the word segmenter's dictionary.
#[derive(Default)]
pub struct BuildCache {
    previous: Option<Previous>,
    /// The jieba dictionary, loaded by the first build that needs it.
    segmenter: Option<search::FaqChinese>,
    /// The theme's templates, compiled.
    templates: CompiledTemplates,
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
            .field("previous", &self.previous)
            .field("segmenter", &self.segmenter.is_some())
            .field("templates", &self.templates.is_some())
            .field("content", &self.content)
            .field("markdown", &self.markdown)
            .finish()
    }
}

#[derive(Debug)]
struct Previous {
    out_dir: PathBuf,
    pages: PageKeys,
    shards: ShardKeys,
    /// Every file it wrote but those of `rest` (relative to `out_dir`; the marker not
    /// included).
    files: Vec<PathBuf>,
    /// The files of the search index and `print.html`, which a rebuild makes after the pages
    /// are in place (see [`build_then`]).
    rest: Vec<PathBuf>,
}

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

/// One stage's wall time, and the CPU time the process spent in it (all threads).
#[derive(Debug, Clone, Copy)]
pub struct Lap {
    pub stage: &'static str,
    pub wall: Duration,
    pub cpu: Duration,
}

struct Timer {
    last: Instant,
    last_cpu: Duration,
    laps: Vec<Lap>,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            last: Instant::now(),
            last_cpu: process_cpu_time(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let (now, cpu) = (Instant::now(), process_cpu_time());
        self.laps.push(Lap {
            stage,
            wall: now - self.last,
            cpu: cpu.saturating_sub(self.last_cpu),
        });
        (self.last, self.last_cpu) = (now, cpu);
    }

    /// Two stages that ran side by side: `first` took `first_time`, `second` until now (the
    /// CPU time of both is counted under `second`).
    fn side_by_side(&mut self, first: &'static str, first_time: Duration, second: &'static str) {
        self.laps.push(Lap {
            stage: first,
            wall: first_time,
            cpu: Duration::ZERO,
        });
        self.lap(second);
    }
}

/// The CPU time this process has used so far, all threads (less sensitive than wall time to
/// other work on the machine; std has no process clock).
fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill in.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
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
    let above = config.images.above(opts.image_ceiling, &opts.root);
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
fn load_checked(opts: &BuildOptions) -> Result<(Config, PathBuf, fresh::OutputState)> {
    let (config, out) = load_config(opts)?;
    let state = check_output(opts, &out)?;
    Ok((config, out, state))
}

/// Refuse the output folder `out` unless this build may replace it (see
/// [`output::check_output_dir`]); returns it as it is now, for the freshness check.
pub fn check_output(opts: &BuildOptions, out: &Path) -> Result<fresh::OutputState> {
    let state = fresh::OutputState::read(&opts.root, out);
    let from_config = opts
        .output_dir
        .is_none()
        .then(|| crate::config::key_line(&opts.root, "output_dir"));
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
    build_cached(opts, &mut BuildCache::default())
}

/// [`build`], reusing what an earlier build in this process left in `cache` (and leaving
/// this build's there when it succeeds).
pub fn build_cached(opts: &BuildOptions, cache: &mut BuildCache) -> Result<BuildReport> {
    build_then(opts, cache, &mut |_| {})
}

/// [`build_cached`]; a rebuild by `serve` (an earlier build of this process made the output)
/// puts the pages in place first and calls `pages_done` with the files it still makes after
/// them: the search index and `print.html`, which no page needs to show an edit (pages load
/// the index by a fixed name under `serve`). `serve` sends the reload there, and holds back
/// requests for those files until the build ends. The output is the same as a build's.
pub fn build_then(
    opts: &BuildOptions,
    cache: &mut BuildCache,
    pages_done: &mut dyn FnMut(&[PathBuf]),
) -> Result<BuildReport> {
    let mut t = Timer::new();
    let root = opts.root.as_path();

    let (config, out_dir) = load_config(opts)?;
    let (state, loaded) = output_and_content(opts, &config, &out_dir, cache, &mut t)?;
    let inputs = inputs_key(opts, &config, cache);
    if !opts.force && state.is_fresh(&inputs) {
        t.lap("config");
        return Ok(BuildReport::up_to_date(out_dir, t.laps));
    }
    // Keys of an earlier build count only if the output is still what that build wrote.
    let mut previous = cache
        .previous
        .take()
        .filter(|p| p.out_dir == out_dir && state.untouched());
    fresh::clear(root);
    if loaded.is_none() {
        t.lap("config");
    }

    // Every file goes straight into the staging folder; it is swapped in at the end, or
    // removed (by Drop) if any stage fails. After a build of this process into the same,
    // untouched folder (`serve`), only what changed is staged and moved into place.
    let staging = staging_for(&out_dir, previous.as_mut())?;
    let run = Run {
        opts,
        config: &config,
        mode: images::Mode::Encode,
        previous: previous.as_ref(),
        defer: previous.is_some(),
    };
    let content = match loaded {
        Some(content) => content?,
        None => run.load_content(cache)?,
    };
    let mut made = run.every_language(content, &staging, Some(&staging), cache, &mut t)?;
    let warnings = Error::check(std::mem::take(&mut made.diagnostics))?;
    let kept = previous.as_ref().map_or(&[][..], |p| &p.rest);
    let Committed {
        mut files,
        mut unchanged_files,
        mut paths,
        mut changed,
    } = commit(opts, &config, staging, kept, &mut t)?;
    let rest = match &previous {
        Some(p) => {
            pages_done(&p.rest);
            let done = run.rest(&made, &out_dir, p.rest.clone(), cache, &mut t);
            // On failure nothing of the search index or print.html moved: the output is the
            // new pages beside the previous index, and the next build starts afresh.
            done.inspect_err(|_| fresh::record(root, &out_dir, &inputs))?
        }
        None => made.rest_made(&mut paths),
    };
    files += rest.written;
    unchanged_files += rest.unchanged;
    if let Some(changed) = changed.as_mut() {
        changed.extend_from_slice(&rest.changed);
    }
    stamp(root, &out_dir, &inputs, &state, changed.as_deref());
    t.lap("stamp");
    let report = BuildReport::made(
        out_dir.clone(),
        &made,
        (files, unchanged_files),
        warnings,
        t,
    );
    if opts.serving {
        let pages = made.page_keys;
        cache.previous = Some(Previous::new(out_dir, pages, rest, paths));
    }
    Ok(report)
}

impl Previous {
    fn new(out_dir: PathBuf, pages: PageKeys, rest: Rest, files: Vec<PathBuf>) -> Previous {
        Previous {
            out_dir,
            pages,
            shards: rest.shards,
            files,
            rest: rest.files,
        }
    }
}

/// What [`commit`] did.
struct Committed {
    files: usize,
    unchanged_files: usize,
    /// Every file of the new output (`serve` only).
    paths: Vec<PathBuf>,
    /// What an update in place moved in or removed.
    changed: Option<Vec<PathBuf>>,
}

/// The output folder as it is now, refused unless this build may replace it (see
/// [`check_output`]). A rebuild by `serve` (never up to date, see [`inputs_key`]) also loads
/// the content, beside the walk of the output folder instead of after it (its time is then
/// shown under "load").
fn output_and_content(
    opts: &BuildOptions,
    config: &Config,
    out_dir: &Path,
    cache: &mut BuildCache,
    t: &mut Timer,
) -> Result<(fresh::OutputState, Option<Result<Content>>)> {
    if !rebuild_by_serve(opts, cache) {
        return Ok((check_output(opts, out_dir)?, None));
    }
    t.lap("config");
    let loader = Run {
        opts,
        config,
        mode: images::Mode::Encode,
        previous: None,
        defer: true,
    };
    let (state, content) = rayon::join(
        || check_output(opts, out_dir),
        || loader.load_content(cache),
    );
    Ok((state?, Some(content)))
}

/// Print the PDF if asked for, and put the staging folder in place, keeping the files `kept`
/// (the search index and `print.html`, which a rebuild by `serve` makes after).
fn commit(
    opts: &BuildOptions,
    config: &Config,
    staging: Staging,
    kept: &[PathBuf],
    t: &mut Timer,
) -> Result<Committed> {
    let pdf_result = print_pdf(opts, config, &staging, t);
    if let Some(Ok(_)) = &pdf_result {
        staging.adopt(Path::new(print::PDF_FILE))?;
    }
    let files = staging.count() + usize::from(matches!(pdf_result, Some(Ok(_))));
    let unchanged_files = staging.unchanged();
    let paths = if opts.serving {
        staging.paths()
    } else {
        Vec::new()
    };
    if !kept.is_empty() {
        staging.keep_listed(kept);
    }
    let changed = if opts.serving {
        staging.commit_removing_in_background()?
    } else {
        staging.commit()?;
        None
    };
    if let Some(Err(e)) = pdf_result {
        return Err(e);
    }
    t.lap("write");
    Ok(Committed {
        files,
        unchanged_files,
        paths,
        changed,
    })
}

/// The staging folder of a build: an update of the output in place when `previous` (a build
/// of this process) made it, else a new folder.
fn staging_for(out_dir: &Path, previous: Option<&mut Previous>) -> Result<Staging> {
    match previous {
        Some(p) => {
            let mut current = std::mem::take(&mut p.files);
            current.extend_from_slice(&p.rest);
            Staging::update(out_dir, current)
        }
        None => Staging::new(out_dir),
    }
}

/// Record the build's stamp. An update in place knows what it `changed` (the files moved in
/// or removed): the output is not read again, the listing read at the start is updated.
fn stamp(
    root: &Path,
    out_dir: &Path,
    inputs: &str,
    state: &fresh::OutputState,
    changed: Option<&[PathBuf]>,
) {
    match (state.listing(), changed) {
        (Some(listing), Some(changed)) => {
            let listing = listing.clone().updated(out_dir, changed);
            fresh::record_listed(root, out_dir, inputs, &listing);
        }
        _ => fresh::record(root, out_dir, inputs),
    }
}

/// Whether this build is a rebuild by `serve`: an earlier build of this process made the
/// output (its keys are in `cache`), and a change the watcher saw started this one.
fn rebuild_by_serve(opts: &BuildOptions, cache: &BuildCache) -> bool {
    opts.serving && cache.previous.is_some()
}

/// The freshness key of this build's inputs (see [`fresh::input_hash`]).
fn inputs_key(opts: &BuildOptions, config: &Config, cache: &BuildCache) -> String {
    // A rebuild by `serve` follows a change it saw, so it is never up to date: reading and
    // hashing every input (tens of MB on a large site) would tell nothing. Its stamp still
    // records the output's fingerprint (see `OutputState::untouched`).
    if rebuild_by_serve(opts, cache) {
        return String::from("(rebuilt by serve after a change)");
    }
    // (`--replace-output` changes what may be replaced and `--force` whether to build, not
    // what is built)
    let built = BuildOptions {
        replace_output: false,
        force: false,
        ..opts.clone()
    };
    fresh::input_hash(&opts.root, &config.theme.name, &format!("{built:?}"))
}

/// This build prints `manual.pdf`: asked for, and not under `serve`.
fn prints_pdf(opts: &BuildOptions, config: &Config) -> bool {
    !opts.serving && (opts.pdf || config.print.pdf)
}

/// `manual.pdf`, printed from the staging folder when asked for (never under `serve`), so it
/// is part of the one swap. If printing fails, the (complete) HTML site is still put in place
/// and the error is reported.
fn print_pdf(
    opts: &BuildOptions,
    config: &Config,
    staging: &Staging,
    t: &mut Timer,
) -> Option<Result<PathBuf>> {
    if !prints_pdf(opts, config) {
        return None;
    }
    let r = print::pdf(
        staging.path(),
        opts.browser.as_deref(),
        &opts.root.join(crate::config::CONFIG_FILE),
    );
    t.lap("pdf");
    Some(r)
}

impl BuildReport {
    /// What a build that made the output did (`files`: written, and unchanged of those).
    fn made(
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
    fn up_to_date(output_dir: PathBuf, timings: Vec<Lap>) -> Self {
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

/// The build without output: every stage of [`build`] runs (images are resolved and measured,
/// not encoded), and nothing is written, not even a cache. `Err` only when the stages could
/// not run to the end (the content cannot be loaded, a file cannot be read); problems in pages,
/// images and templates are in [`Checked::diagnostics`].
pub fn check(opts: &BuildOptions) -> Result<Checked> {
    let mut t = Timer::new();
    // The output folder is refused here as in a build (a folder faqsite may not replace).
    let (config, _, _) = load_checked(opts)?;
    let run = Run {
        opts,
        config: &config,
        mode: images::Mode::Validate,
        previous: None,
        defer: false,
    };
    let mut cache = BuildCache::default();
    let content = run.load_content(&mut cache)?;
    let made = run.every_language(content, &DryRun, None, &mut cache, &mut t)?;
    Ok(Checked {
        diagnostics: made.diagnostics,
        content: made.content,
        rendered: made.rendered,
    })
}

/// One run of the stages, shared by [`build`] and [`check`].
struct Run<'a> {
    opts: &'a BuildOptions,
    config: &'a Config,
    mode: images::Mode,
    /// The keys of the build that made the current output (`serve`).
    previous: Option<&'a Previous>,
    /// Leave the search index and `print.html` to [`Run::rest`] (a rebuild by `serve`).
    defer: bool,
}

/// What [`Run::rest`] made: the files of the search index and `print.html`, the shard keys,
/// and how many files it wrote and how many of those were unchanged.
struct Rest {
    files: Vec<PathBuf>,
    shards: ShardKeys,
    written: usize,
    unchanged: usize,
    /// The files it moved into the output folder or removed from it.
    changed: Vec<PathBuf>,
}

/// What the stages made.
struct Made {
    content: Content,
    rendered: Vec<Rendered>,
    images: Images,
    /// Every problem of every stage, `--strict` applied, in the order they are shown.
    diagnostics: Vec<Diagnostic>,
    page_keys: PageKeys,
    shard_keys: ShardKeys,
    pages_rendered: usize,
    /// The pages of the site's other languages (see `langs.rs`).
    other_pages: usize,
    /// The files of the search index and `print.html` (empty when deferred).
    rest_files: Vec<PathBuf>,
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
        self.diagnostics.extend(others.diagnostics);
        self.diagnostics = shown(std::mem::take(&mut self.diagnostics), strict);
    }

    /// The search index and `print.html` of a build that made them with the pages, taken out
    /// of `paths` (every file of the build).
    fn rest_made(&mut self, paths: &mut Vec<PathBuf>) -> Rest {
        let rest: std::collections::HashSet<&PathBuf> = self.rest_files.iter().collect();
        paths.retain(|p| !rest.contains(p));
        Rest {
            files: std::mem::take(&mut self.rest_files),
            shards: std::mem::take(&mut self.shard_keys),
            written: 0,
            unchanged: 0,
            changed: Vec::new(),
        }
    }
}

/// The callouts' labels of `theme` (its `callout_<kind>` strings).
fn callout_labels(theme: &Theme) -> Vec<String> {
    markdown::CALLOUT_KINDS
        .iter()
        .map(|k| theme.string(&format!("callout_{k}")).to_string())
        .collect()
}

impl Run<'_> {
    /// content → site-wide checks → markdown → images → search → templates → assets, every
    /// file handed to `sink` as it is made. A stage with problems in the user's input does not
    /// stop the later ones (a page with a dead link is rendered, an image that is missing is
    /// left out), so one run reports every problem; only content that cannot be loaded, or an
    /// I/O failure, ends it early.
    fn stages<S: Sink>(
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
            self.markdown(&content, theme.as_ref().ok(), cache);
        diagnostics.append(&mut content.warnings);
        diagnostics.extend(problems);
        content.release_sources();
        t.lap("markdown");

        // Images and the search index need only the pages' text and image references: they
        // are made side by side (each stage's own time is shown), and the images' markup is
        // put in the pages after.
        let rest = Recording::new(sink);
        let ((prepared, images_time), searched) = rayon::join(
            || {
                let start = Instant::now();
                let p = images::prepare(root, &self.config.images, &content, &rendered, self.mode);
                (p, start.elapsed())
            },
            || match self.defer {
                true => Ok((self.deferred_search_url(&content), ShardKeys::new())),
                false => self.search(&content, &rendered, &rest, cache),
            },
        );
        let mut images = prepared?.apply(&content, &mut rendered);
        diagnostics.extend(std::mem::take(&mut images.diagnostics));
        let (search_index_js, shard_keys) = searched?;
        if self.defer {
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
        let mut files: Vec<OutputFile> = sitemap::aliases(&content);
        if let Some(base) = self.config.base_url_trimmed() {
            files.extend(sitemap::sitemap(base, &content));
        }
        files.extend(std::mem::take(&mut images.files));
        files.par_iter().try_for_each(|f| sink.write_file(f))?;
        t.lap("assets");

        Ok(Made {
            content,
            rendered,
            images,
            diagnostics: shown(diagnostics, self.opts.strict),
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
    fn every_language<S: Sink>(
        &self,
        mut content: Content,
        sink: &S,
        staging: Option<&Staging>,
        cache: &mut BuildCache,
        t: &mut Timer,
    ) -> Result<Made> {
        let others = langs::load(self.opts, self.config, &mut content)?;
        let mut made = self.stages(content, sink, cache, t)?;
        let more = langs::build(self.opts, others, sink, staging, t)?;
        made.add(more, self.opts.strict);
        Ok(made)
    }

    /// Every page's Markdown rendered (callouts labelled in `theme`'s words), beside the
    /// site-wide checks (their time is counted in this stage): the checks' problems, the pages,
    /// and the pages' problems.
    fn markdown(
        &self,
        content: &Content,
        theme: Option<&Theme>,
        cache: &mut BuildCache,
    ) -> (Vec<Diagnostic>, Vec<Rendered>, Vec<Diagnostic>) {
        let config = crate::config::MarkdownConfig {
            callout_labels: theme.map(callout_labels).unwrap_or_default(),
            ..self.config.markdown.clone()
        };
        // Only `serve` builds again: keeping the pages for the next build would only raise
        // the peak memory of the others.
        let reuse = self.opts.serving.then_some(&mut cache.markdown);
        let (lint, (rendered, problems)) = rayon::join(
            || lint::site(content),
            || markdown::render_all(content, &config, reuse),
        );
        (lint, rendered, problems)
    }

    /// The search index and `print.html` of a rebuild by `serve` (see [`build_then`]), into a
    /// staging folder of their own (`old`: their files in the output now), moved into place.
    fn rest(
        &self,
        made: &Made,
        out_dir: &Path,
        old: Vec<PathBuf>,
        cache: &mut BuildCache,
        t: &mut Timer,
    ) -> Result<Rest> {
        let staging = Staging::update(out_dir, old)?;
        let theme = Theme::load(&self.opts.root, self.config, &mut cache.templates)?;
        // Side by side: print.html links the index by its fixed name under `serve`, the one
        // the pages were rendered with.
        let url = self.deferred_search_url(&made.content);
        let (searched, (printed, print_time)) = rayon::join(
            || self.search(&made.content, &made.rendered, &staging, cache),
            || {
                let start = Instant::now();
                let renderer =
                    Renderer::new(&theme, self.config, &made.content, &made.rendered, url);
                let page = print::render(&renderer, &made.content, &made.rendered);
                let written = page.and_then(|page| {
                    staging.write_streamed(Path::new(print::PRINT_PAGE), &mut |w| page.write_to(w))
                });
                (written, start.elapsed())
            },
        );
        let (_, shards) = searched?;
        printed?;
        t.side_by_side("print", print_time, "search");
        let (files, written, unchanged) = (staging.paths(), staging.count(), staging.unchanged());
        let changed = staging.commit_removing_in_background()?.unwrap_or_default();
        Ok(Rest {
            files,
            shards,
            written,
            unchanged,
            changed,
        })
    }

    /// The site's content. The word segmenter's dictionary (0.3 s on one core) loads beside
    /// it when the search stage will segment (no segmentation cache yet).
    fn load_content(&self, cache: &mut BuildCache) -> Result<Content> {
        let parsed = self.opts.serving.then_some(&cache.content);
        let lang = content::Selection::of(self.config);
        let preload = self.segments_from_scratch();
        let segmenter = cache
            .segmenter
            .get_or_insert_with(search::FaqChinese::segmenter);
        let (content, ()) = rayon::join(
            || content::load_language(&self.opts.root, (self.opts.drafts, &lang), parsed),
            || {
                if preload {
                    segmenter.preload();
                }
            },
        );
        content
    }

    /// Whether the search stage will segment every document: search is on, not deferred, and
    /// the site has no segmentation cache (a first build, `check`, or a small site).
    fn segments_from_scratch(&self) -> bool {
        let cache_file = self
            .opts
            .root
            .join(fresh::CACHE_DIR)
            .join(search::TERMS_CACHE_FILE);
        self.config.search.enabled
            && !self.defer
            && (self.mode == images::Mode::Validate || !cache_file.exists())
    }

    /// The search script's URL when the index is made after the pages (a rebuild by `serve`,
    /// where it carries no version).
    fn deferred_search_url(&self, content: &Content) -> String {
        if !self.config.search.enabled {
            return String::new();
        }
        let questions = content
            .pages
            .iter()
            .filter(|p| matches!(p.kind, PageKind::Question(..)))
            .count();
        search::script_path(&self.config.search, questions).to_string()
    }

    /// The search index (unless search is off), into `sink`; its script's URL for the pages.
    fn search<S: Sink>(
        &self,
        content: &Content,
        rendered: &[Rendered],
        sink: &S,
        cache: &mut BuildCache,
    ) -> Result<(String, ShardKeys)> {
        if !self.config.search.enabled {
            return Ok((String::new(), ShardKeys::new()));
        }
        let docs: Vec<SearchDoc> = content
            .pages
            .iter()
            .zip(rendered)
            .filter_map(|(p, r)| {
                let PageKind::Question(ci, _) = p.kind else {
                    return None;
                };
                Some(SearchDoc {
                    id: &p.url,
                    url: &p.url,
                    title: &p.title,
                    chapter: &content.pages[content.chapters[ci].page].title,
                    number: &p.number,
                    tags: &p.tags,
                    keywords: &p.keywords,
                    body: &r.text,
                })
            })
            .collect();
        // `check` writes nothing, not even the segmentation cache.
        // Never through a cache folder committed as a symbolic link (see `paths`).
        let cache_dir = self.opts.root.join(fresh::CACHE_DIR);
        let usable = self
            .opts
            .root
            .canonicalize()
            .is_ok_and(|r| paths::cache_folder_usable(&r, ""));
        let cache_dir =
            (self.mode == images::Mode::Encode && usable).then_some(cache_dir.as_path());
        let segmenter = cache
            .segmenter
            .get_or_insert_with(search::FaqChinese::segmenter);
        let reuse = search::Reuse {
            segmenter,
            cache_dir,
            previous: self.previous.map(|p| &p.shards),
            memory: self.opts.serving.then_some(&cache.terms),
        };
        let (script, shards) = search::build_into(&self.config.search, &docs, &reuse, sink)?;
        let url = if self.opts.serving {
            script.path
        } else {
            // Only `serve` builds again; a loaded dictionary (tens of MB) would only raise the
            // peak of the stages still to come.
            cache.segmenter = None;
            script.url()
        };
        Ok((url, shards))
    }

    /// The theme, every page and `print.html`, and the theme's static files, into `sink`.
    /// Returns the page keys and how many pages were rendered.
    fn templates<S: Sink>(
        &self,
        theme: Result<Theme>,
        (content, rendered): (&Content, &[Rendered]),
        search_index_js: String,
        sink: &S,
        rest: &Recording<'_, S>,
        cache: &mut BuildCache,
    ) -> Result<(PageKeys, usize)> {
        let theme = theme?;
        let pdf = langs::pdf_file(content);
        let mut renderer = Renderer::new(&theme, self.config, content, rendered, search_index_js);
        if prints_pdf(self.opts, self.config) {
            renderer = renderer.with_pdf(&pdf);
        }
        if self.opts.serving {
            renderer = renderer.with_fragments(&cache.fragments);
        }
        // The pages and the one large print page are rendered and written side by side (the
        // print page's answers are rewritten and written while the pages render).
        let (pages, manual) = rayon::join(
            || renderer.render_pages(sink, self.opts.serving, self.previous.map(|p| &p.pages)),
            || {
                (!self.defer).then(|| {
                    print::render(&renderer, content, rendered).and_then(|page| {
                        rest.write_streamed(Path::new(print::PRINT_PAGE), &mut |w| page.write_to(w))
                    })
                })
            },
        );
        let mut errors = Vec::new();
        let mut done = (PageKeys::new(), 0);
        match pages {
            Ok(p) => done = p,
            Err(Error::Input(ds)) => errors.extend(ds),
            Err(e) => return Err(e),
        }
        match manual {
            None | Some(Ok(())) => {}
            // print.html shows the same template error as the pages: report it once.
            Some(Err(Error::Input(ds))) => {
                for d in ds {
                    if !errors.contains(&d) {
                        errors.push(d);
                    }
                }
            }
            Some(Err(e)) => return Err(e),
        }
        theme
            .static_files
            .par_iter()
            .try_for_each(|f| sink.write_file(f))?;
        if errors.is_empty() {
            Ok(done)
        } else {
            Err(Error::Input(errors))
        }
    }
}

/// The diagnostics as every command shows them: `--strict` applied, errors first, then by
/// file, line and column (a stable order: the same list whatever the thread count).
fn shown(mut diagnostics: Vec<Diagnostic>, strict: bool) -> Vec<Diagnostic> {
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
