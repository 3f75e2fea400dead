//! Every content page rendered in parallel (rayon), each handed to the output as soon as it is
//! made; with keys (`serve`), a page whose context did not change is kept, not rendered.

use std::path::Path;

use rayon::prelude::*;

use super::context::Renderer;
use super::key::{PageKey, PageKeys};
use super::page::Reads;
use super::progress::progress_bar;
use crate::content::PageKind;
use crate::error::{Error, Result};
use crate::output::Sink;
use crate::urls::root_prefix;

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
        let places = (0..self.content.pages.len())
            .into_par_iter()
            .map(|i| self.nav_place(Some(i), root_prefix(&self.content.pages[i].url)))
            .collect();
        let navs = self.render_navs(places)?;
        let progress = progress_bar(self.content.pages.len());
        let rendered = std::sync::atomic::AtomicUsize::new(0);
        let [home, chapter, question] = [
            PageKind::Home,
            PageKind::Chapter(0),
            PageKind::Question(0, 0),
        ]
        .map(|k| Reads::of(self.theme, k));
        let results: Vec<Result<Option<(String, PageKey)>>> = (0..self.content.pages.len())
            .into_par_iter()
            .map_init(Vec::new, |html, i| {
                let page = &self.content.pages[i];
                let reads = match page.kind {
                    PageKind::Home => &home,
                    PageKind::Chapter(_) => &chapter,
                    PageKind::Question(..) => &question,
                };
                let template = &reads.template;
                let ctx = self.page_context(i, &navs, reads);
                let key = want_keys.then(|| self.theme.page_key(template, &ctx));
                let rel = Path::new(&page.url);
                let same = key.is_some() && previous.and_then(|p| p.get(&page.url)) == key.as_ref();
                if !(same && sink.keep_previous(rel)) {
                    self.theme.render_into(template, &ctx.to_tera(), html)?;
                    sink.write(rel, html)?;
                    rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                progress.inc(1);
                Ok(key.map(|k| (page.url.clone(), k)))
            })
            .collect();
        progress.finish_and_clear();
        let mut errors = Vec::new();
        let mut page_keys = PageKeys::with_capacity(results.len());
        for r in results {
            match r {
                Ok(Some((url, key))) => {
                    page_keys.insert(url, key);
                }
                Ok(None) => {}
                Err(Error::Input(ds)) => {
                    // The same template error repeats on every page: report it once.
                    for d in ds {
                        if !errors.contains(&d) {
                            errors.push(d);
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Input(errors));
        }
        let mut ctx = self.special_context("404", self.theme.string("not_found_title"))?;
        ctx.insert("site_dirs", &self.site_dirs());
        ctx.insert("root_probe", &self.root_probe());
        ctx.insert("base_path", &self.base_path());
        let not_found = self.theme.render("404.html", &ctx)?;
        sink.write(Path::new("404.html"), not_found.as_bytes())?;
        self.render_tag_pages(sink)?;
        Ok((page_keys, rendered.into_inner()))
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
