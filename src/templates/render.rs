//! Every content page rendered in parallel (rayon), each handed to the output as soon as it is
//! made; with keys (`serve`), a page whose context did not change is kept, not rendered.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::context::Renderer;
use super::key::{PageKey, PageKeys};
use super::nav::{NavPlace, Navs};
use super::page::Reads;
use super::progress::progress_bar;
use crate::content::PageKind;
use crate::error::{Error, Result};
use crate::output::Sink;
use crate::urls::root_prefix;

/// One page's key (with its URL), when keys are asked for.
type PageResult = Result<Option<(String, PageKey)>>;

/// What every page of one `render_pages` shares.
struct PageRun<'s, 'p> {
    sink: &'s dyn Sink,
    /// Whether the pages' keys are computed.
    keys: bool,
    /// The previous build's keys (`serve`).
    previous: Option<&'p PageKeys>,
    /// What the home, chapter and question templates read.
    reads: [Reads<'p>; 3],
    rendered: AtomicUsize,
    progress: indicatif::ProgressBar,
}

impl<'a> Renderer<'a> {
    /// Render every content page (home, chapters, questions) in parallel, plus 404.html,
    /// handing each to `sink` (the staging folder) as soon as it is rendered. Returns the key of every page's
    /// template context (see [`PageKeys`]) and how many content pages were rendered.
    ///
    /// With `keys` the page keys are computed (`serve` keeps them between its rebuilds), and
    /// with `previous` (the keys of the build that made the current output) a page whose
    /// context is the same as then is not rendered again: the previous output's file is kept.
    pub fn render_pages(
        &self,
        sink: &dyn Sink,
        keys: bool,
        previous: Option<&PageKeys>,
    ) -> Result<(PageKeys, usize)> {
        let want_keys = keys || previous.is_some();
        if want_keys {
            // Before any key is computed, in parallel, rather than by the first page's key
            // while the other workers wait for it.
            self.digests.get();
        }
        let run = PageRun {
            sink,
            keys: want_keys,
            previous,
            reads: [
                PageKind::Home,
                PageKind::Chapter(0),
                PageKind::Question(0, 0),
            ]
            .map(|k| Reads::of(self.theme, k)),
            rendered: AtomicUsize::new(0),
            progress: progress_bar(self.content.pages.len()),
        };
        let results = self.render_by_place(&run);
        let progress = run.progress;
        progress.finish_and_clear();
        let page_keys = keys_of(results)?;
        let mut ctx = self.special_context("404", self.theme.string("not_found_title"))?;
        ctx.insert("site_dirs", &self.site_dirs());
        ctx.insert("root_probe", &self.root_probe());
        ctx.insert("base_path", &self.base_path());
        let not_found = self.theme.render("404.html", &ctx)?;
        sink.write(Path::new("404.html"), not_found.as_bytes())?;
        self.render_tag_pages(sink)?;
        Ok((page_keys, run.rendered.into_inner()))
    }

    /// Every content page rendered ([`Renderer::render_page`]), by place (see `NavPlace`): a
    /// place's sidebar and related list are rendered, then its pages, then the two are dropped.
    /// All kept for the whole stage, 100,000 questions' 40,000 of them and their links' tables
    /// were a third of the build's peak memory. Each page's result, in the pages' order.
    fn render_by_place(&self, run: &PageRun<'_, '_>) -> Vec<(usize, PageResult)> {
        let mut by_place: Vec<(NavPlace, usize)> = (0..self.content.pages.len())
            .into_par_iter()
            .map(|i| {
                (
                    self.nav_place(Some(i), root_prefix(&self.content.pages[i].url)),
                    i,
                )
            })
            .collect();
        by_place.par_sort_unstable();
        let groups: Vec<&[(NavPlace, usize)]> = by_place.chunk_by(|a, b| a.0 == b.0).collect();
        let mut results: Vec<(usize, PageResult)> = groups
            .into_par_iter()
            .map_init(Vec::new, |html, group| {
                let navs = match self.render_navs(&group[0].0) {
                    Ok(navs) => navs,
                    // The same template error at every place: reported once (see `keys_of`).
                    Err(e) => return vec![(group[0].1, Err(e))],
                };
                group
                    .iter()
                    .map(|&(_, i)| (i, self.render_page(i, &navs, run, html)))
                    .collect::<Vec<_>>()
            })
            .flatten()
            .collect();
        // Problems in the pages' order, whatever the threads did first.
        results.sort_unstable_by_key(|r| r.0);
        results
    }

    /// Page `i` rendered into `html` and handed to the run's sink, with the sidebar and related
    /// list of its place in `navs`; unless its key is the previous build's and its file kept.
    fn render_page(
        &self,
        i: usize,
        navs: &Navs,
        run: &PageRun<'_, '_>,
        html: &mut Vec<u8>,
    ) -> PageResult {
        let page = &self.content.pages[i];
        let reads = match page.kind {
            PageKind::Home => &run.reads[0],
            PageKind::Chapter(_) => &run.reads[1],
            PageKind::Question(..) => &run.reads[2],
        };
        let template = &reads.template;
        let ctx = self.page_context(i, navs, reads);
        let key = run.keys.then(|| self.theme.page_key(template, &ctx));
        let rel = Path::new(&page.url);
        let same = key.is_some() && run.previous.and_then(|p| p.get(&page.url)) == key.as_ref();
        if !(same && run.sink.keep_previous(rel)) {
            self.theme.render_into(template, &ctx.to_tera(), html)?;
            run.sink.write(rel, html)?;
            run.rendered.fetch_add(1, Ordering::Relaxed);
        }
        run.progress.inc(1);
        Ok(key.map(|k| (page.url.clone(), k)))
    }

    /// The site's top folders (chapters, `static`, `images`, `search`) as a JSON array safe
    /// inside `<script>`: the 404 page finds the site's root in its URL by them, so it works
    /// at any depth on a static server without `base_url`.
    pub(super) fn site_dirs(&self) -> String {
        let mut dirs: Vec<&str> = vec!["static", "images", "search"];
        for ch in &self.content.chapters {
            let url = &self.content.pages[ch.page].url;
            if let Some((dir, _)) = url.split_once('/') {
                dirs.push(dir);
            }
        }
        dirs.sort_unstable();
        dirs.dedup();
        crate::html::script_json(&serde_json::to_string(&dirs).expect("names serialize"))
    }

    /// The path of `base_url` (`/help/`), or "" without one, as a JSON string safe inside
    /// `<script>`: the 404 page of a site in several languages finds the language of an address
    /// in the folder after it.
    pub(super) fn base_path(&self) -> String {
        let path = self
            .config
            .base_url
            .as_deref()
            .and_then(|b| url::Url::parse(b).ok())
            .map(|u| u.path().to_string())
            .unwrap_or_default();
        crate::html::script_json(&serde_json::to_string(&path).expect("a string"))
    }

    /// The stylesheet's URL from the site root (with its version) as a JSON string safe inside
    /// `<script>`: the 404 page fetches it under each folder of its address, and the folder
    /// that has it is the site root (an address under no folder of the site, `/02-x/nope/`).
    pub(super) fn root_probe(&self) -> String {
        crate::html::script_json(&serde_json::to_string(&self.assets.css).expect("a string"))
    }
}

/// The pages' keys, by URL; or their problems, each once (the same template error repeats on
/// every page).
fn keys_of(results: Vec<(usize, PageResult)>) -> Result<PageKeys> {
    let mut errors = Vec::new();
    let mut page_keys = PageKeys::with_capacity(results.len());
    for (_, r) in results {
        match r {
            Ok(Some((url, key))) => {
                page_keys.insert(url, key);
            }
            Ok(None) => {}
            Err(Error::Input(ds)) => {
                for d in ds {
                    if !errors.contains(&d) {
                        errors.push(d);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if errors.is_empty() {
        Ok(page_keys)
    } else {
        Err(Error::Input(errors))
    }
}
