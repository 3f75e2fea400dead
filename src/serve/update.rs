//! `serve`'s builds: the first makes the output whole (as `build` does, keeping the keys of
//! its pages and shards); each later one updates that output in place, the pages first (then
//! `serve` sends the reload), the search index and `print.html` after, in a staging update of
//! their own. The output is always the same as a fresh build's (`tests/pipeline/serve_rebuild.rs`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::fresh;
use crate::output::Staging;
use crate::print;
use crate::search::ShardKeys;
use crate::site::{
    self, commit, load_config, BuildCache, BuildOptions, BuildReport, Committed, Keys, Made,
    Purpose, Run, Timer, Whole,
};
use crate::templates::{Renderer, Theme};

/// What `serve` keeps between its builds: every stage's cache, and what the build that made
/// the current output left for an update in place.
#[derive(Default, Debug)]
pub struct ServeCache {
    stages: BuildCache,
    previous: Option<Previous>,
}

impl ServeCache {
    /// Only `paths` (absolute, as the watcher saw them) may have changed since the last build
    /// with this cache began loading the content (see `content::ParseCache`).
    pub fn changed(&self, paths: &[PathBuf]) {
        self.stages.changed(paths);
    }
}

/// The build of this process that made the current output.
#[derive(Debug)]
struct Previous {
    out_dir: PathBuf,
    keys: Keys,
    /// Every file it wrote but those of `rest` (relative to `out_dir`; the marker not
    /// included).
    files: Vec<PathBuf>,
    /// The files of the search index and `print.html`, which a rebuild makes after the pages
    /// are in place (see [`build_then`]).
    rest: Vec<PathBuf>,
}

/// The freshness key of a rebuild: it follows a change `serve` saw, so it is never up to date,
/// and reading and hashing every input (tens of MB on a large site) would tell nothing. Its
/// stamp still records the output's fingerprint (see `OutputState::untouched`).
const REBUILT: &str = "(rebuilt by serve after a change)";

/// A build for `serve`, reusing what its earlier builds left in `cache`. A rebuild (an earlier
/// build of this process made the output, untouched since) puts the pages in place first and
/// calls `pages_done` with the files it still makes after them: the search index and
/// `print.html`, which no page needs to show an edit (pages load the index by a fixed name
/// under `serve`). `serve` sends the reload there, and holds back requests for those files
/// until the build ends. The output is the same as a build's.
pub fn build_then(
    opts: &BuildOptions,
    cache: &mut ServeCache,
    pages_done: &mut dyn FnMut(&[PathBuf]),
) -> Result<BuildReport> {
    if cache.previous.is_none() {
        let first = site::build_for(opts, Purpose::Serve { previous: None }, &mut cache.stages)?;
        return Ok(keep(first, cache));
    }
    let mut t = Timer::new();
    let (config, out_dir) = load_config(opts)?;
    // The content loads beside the walk of the output folder instead of after it (its time is
    // then shown under "load").
    t.lap("config");
    let keys = cache.previous.as_ref().map(|p| &p.keys);
    let loader = Run::new(opts, &config, Purpose::Serve { previous: keys });
    let (state, content) = rayon::join(
        || site::check_output(opts, &config, &out_dir),
        || loader.load_content(&mut cache.stages),
    );
    let state = state?;
    if !opts.force && state.is_fresh(REBUILT) {
        return Ok(BuildReport::up_to_date(out_dir, t.laps));
    }
    // Keys of an earlier build count only if the output is still what that build wrote.
    let previous = cache
        .previous
        .take()
        .filter(|p| p.out_dir == out_dir && state.untouched());
    fresh::clear(&opts.root);
    let Some(previous) = previous else {
        let run = Run::new(opts, &config, Purpose::Serve { previous: None });
        let whole = run.build_whole(content, &out_dir, REBUILT, &mut cache.stages, t)?;
        return Ok(keep(whole, cache));
    };
    let update = Update {
        opts,
        config: &config,
        out_dir: &out_dir,
        state: &state,
    };
    update.run(previous, content?, cache, pages_done, t)
}

/// The report of a build into a new staging folder (the first of `serve`, or one after the
/// output changed under it); what it made is kept for the next.
fn keep(whole: Whole, cache: &mut ServeCache) -> BuildReport {
    let Whole {
        report,
        made,
        mut paths,
    } = whole;
    if let Some(mut made) = made {
        let rest = rest_made(&mut made, &mut paths);
        let out_dir = report.output_dir.clone();
        cache.previous = Some(Previous::new(out_dir, made.page_keys, rest, paths));
    }
    report
}

/// An update in place of the output `previous` made.
struct Update<'a> {
    opts: &'a BuildOptions,
    config: &'a Config,
    out_dir: &'a Path,
    state: &'a fresh::OutputState,
}

impl Update<'_> {
    /// The pages staged and moved into place; `pages_done`; then the search index and
    /// `print.html` ([`rest`]); the stamp.
    fn run(
        &self,
        mut previous: Previous,
        content: crate::content::Content,
        cache: &mut ServeCache,
        pages_done: &mut dyn FnMut(&[PathBuf]),
        mut t: Timer,
    ) -> Result<BuildReport> {
        let (opts, out_dir) = (self.opts, self.out_dir);
        // Only what changed is staged and moved into place.
        let mut current = std::mem::take(&mut previous.files);
        current.extend_from_slice(&previous.rest);
        let staging = Staging::update(out_dir, current)?;
        let keys = Some(&previous.keys);
        let run = Run::new(opts, self.config, Purpose::Serve { previous: keys });
        let mut made =
            run.every_language(content, &staging, Some(&staging), &mut cache.stages, &mut t)?;
        let warnings = Error::check(std::mem::take(&mut made.diagnostics))?;
        let Committed {
            mut files,
            mut unchanged_files,
            paths,
            mut changed,
            .. // serve never prints the PDF: no font warning
        } = commit(&run, staging, &previous.rest, &mut t)?;
        pages_done(&previous.rest);
        let done = rest(&run, &made, out_dir, previous.rest.clone(), cache, &mut t);
        // On failure nothing of the search index or print.html moved: the output is the new
        // pages beside the previous index, and the next build starts afresh.
        let rest = done.inspect_err(|_| fresh::record(&opts.root, out_dir, REBUILT))?;
        files += rest.written;
        unchanged_files += rest.unchanged;
        if let Some(changed) = changed.as_mut() {
            changed.extend_from_slice(&rest.changed);
        }
        stamp(&opts.root, out_dir, self.state, changed.as_deref());
        t.lap("stamp");
        let counts = (files, unchanged_files);
        let report = BuildReport::made(out_dir.to_path_buf(), &made, counts, warnings, t);
        let pages = made.page_keys;
        cache.previous = Some(Previous::new(out_dir.to_path_buf(), pages, rest, paths));
        Ok(report)
    }
}

impl Previous {
    fn new(
        out_dir: PathBuf,
        pages: crate::templates::PageKeys,
        rest: Rest,
        files: Vec<PathBuf>,
    ) -> Previous {
        Previous {
            out_dir,
            keys: Keys {
                pages,
                shards: rest.shards,
            },
            files,
            rest: rest.files,
        }
    }
}

/// What [`rest`] made: the files of the search index and `print.html`, the shard keys, and
/// how many files it wrote and how many of those were unchanged.
struct Rest {
    files: Vec<PathBuf>,
    shards: ShardKeys,
    written: usize,
    unchanged: usize,
    /// The files it moved into the output folder or removed from it.
    changed: Vec<PathBuf>,
}

/// The search index and `print.html` of a build that made them with the pages, taken out of
/// `paths` (every file of the build).
fn rest_made(made: &mut Made, paths: &mut Vec<PathBuf>) -> Rest {
    let rest: std::collections::HashSet<&PathBuf> = made.rest_files.iter().collect();
    paths.retain(|p| !rest.contains(p));
    Rest {
        files: std::mem::take(&mut made.rest_files),
        shards: std::mem::take(&mut made.shard_keys),
        written: 0,
        unchanged: 0,
        changed: Vec::new(),
    }
}

/// The search index and `print.html` of a rebuild (see [`build_then`]), into a staging folder
/// of their own (`old`: their files in the output now), moved into place.
fn rest(
    run: &Run,
    made: &Made,
    out_dir: &Path,
    old: Vec<PathBuf>,
    cache: &mut ServeCache,
    t: &mut Timer,
) -> Result<Rest> {
    let staging = Staging::update(out_dir, old)?;
    let theme = Theme::load(&run.opts.root, run.config, &mut cache.stages.templates)?;
    // Side by side: print.html links the index by its fixed name under `serve`, the one the
    // pages were rendered with.
    let url = run.deferred_search_url(&made.content);
    let stages = &mut cache.stages;
    let (searched, (printed, print_time)) = rayon::join(
        || run.search(&made.content, &made.rendered, &staging, stages),
        || {
            let start = Instant::now();
            let renderer = Renderer::new(&theme, run.config, &made.content, &made.rendered, url);
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

/// Record the build's stamp. An update in place knows what it `changed` (the files moved in
/// or removed): the output is not read again, the listing read at the start is updated.
fn stamp(root: &Path, out_dir: &Path, state: &fresh::OutputState, changed: Option<&[PathBuf]>) {
    match (state.listing(), changed) {
        (Some(listing), Some(changed)) => {
            let listing = listing.clone().updated(out_dir, changed);
            fresh::record_listed(root, out_dir, REBUILT, &listing);
        }
        _ => fresh::record(root, out_dir, REBUILT),
    }
}
