//! The pipeline's stages as `Run::stages` calls them: loading the content, the Markdown, the
//! search index and the templates, each given what it needs of the run's `Purpose`.

use std::path::Path;

use rayon::prelude::*;

use super::{BuildCache, Run};
use crate::content::{self, Content, PageKind};
use crate::error::{Diagnostic, Error, Result};
use crate::fresh;
use crate::lint;
use crate::markdown::{self, Rendered};
use crate::output::{Recording, Sink};
use crate::paths;
use crate::print;
use crate::search::{self, SearchDoc, ShardKeys};
use crate::templates::{PageKeys, Renderer, Theme};

/// The callouts' labels of `theme` (its `callout_<kind>` strings).
fn callout_labels(theme: &Theme) -> Vec<String> {
    markdown::CALLOUT_KINDS
        .iter()
        .map(|k| theme.string(&format!("callout_{k}")).to_string())
        .collect()
}

impl Run<'_> {
    /// The site-wide checks (their time is counted in this stage), then every page's Markdown
    /// rendered (callouts labelled in `theme`'s words): the checks' problems, the pages, and the
    /// pages' problems.
    pub(super) fn markdown(
        &self,
        content: &mut Content,
        theme: Option<&Theme>,
        cache: &mut BuildCache,
    ) -> (Vec<Diagnostic>, Vec<Rendered>, Vec<Diagnostic>) {
        let config = crate::config::MarkdownConfig {
            callout_labels: theme.map(callout_labels).unwrap_or_default(),
            ..self.config.markdown.clone()
        };
        // Only `serve` builds again: keeping the pages for the next build would only raise
        // the peak memory of the others.
        let reuse = self.purpose.serving().then_some(&mut cache.markdown);
        // The checks first (a few ms; one reads the pages' Markdown, which rendering frees).
        let lint = lint::site(content);
        let (rendered, problems) = markdown::render_all(content, &config, reuse);
        (lint, rendered, problems)
    }

    /// The site's content. The word segmenter's dictionary (0.3 s on one core) loads beside
    /// it when the search stage will segment (no segmentation cache yet).
    pub(crate) fn load_content(&self, cache: &mut BuildCache) -> Result<Content> {
        let parsed = self.purpose.serving().then_some(&cache.content);
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
            && !self.purpose.defers_rest()
            && (!self.purpose.writes_cache() || !cache_file.exists())
    }

    /// The search script's URL when the index is made after the pages (a rebuild by `serve`,
    /// where it carries no version).
    pub(crate) fn deferred_search_url(&self, content: &Content) -> String {
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
    pub(crate) fn search<S: Sink>(
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
                    title_html: &p.title_html,
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
        // Each language's segmentation in a folder of its own (`.faqsite-cache/en/`).
        let sub = content.language.code.as_deref().unwrap_or("");
        let cache_dir = match sub {
            "" => self.opts.root.join(fresh::CACHE_DIR),
            code => self.opts.root.join(fresh::CACHE_DIR).join(code),
        };
        let usable = self
            .opts
            .root
            .canonicalize()
            .is_ok_and(|r| paths::cache_folder_usable(&r, sub));
        let cache_dir = (self.purpose.writes_cache() && usable).then_some(cache_dir.as_path());
        let segmenter = cache
            .segmenter
            .get_or_insert_with(search::FaqChinese::segmenter);
        let reuse = search::Reuse {
            segmenter,
            cache_dir,
            previous: self.purpose.previous().map(|p| &p.shards),
            memory: self.purpose.serving().then_some(&cache.terms),
        };
        let (script, shards) = search::build_into(&self.config.search, &docs, &reuse, sink)?;
        let url = if self.purpose.serving() {
            script.path
        } else {
            // Only `serve` builds again; a loaded dictionary (tens of MB) would only raise the
            // peak of the stages still to come.
            // (A site in several languages keeps it for the next language's index.)
            if content.languages.is_none() {
                cache.segmenter = None;
            }
            script.url()
        };
        Ok((url, shards))
    }

    /// The theme, every page and `print.html`, and the theme's static files, into `sink`.
    /// Returns the page keys and how many pages were rendered.
    pub(super) fn templates<S: Sink>(
        &self,
        theme: Result<Theme>,
        (content, rendered): (&Content, &[Rendered]),
        search_index_js: String,
        sink: &S,
        rest: &Recording<'_, S>,
        cache: &mut BuildCache,
    ) -> Result<(PageKeys, usize)> {
        let theme = theme?;
        let pdf = super::langs::pdf_file(content);
        let mut renderer = Renderer::new(&theme, self.config, content, rendered, search_index_js);
        if self.prints_pdf() {
            renderer = renderer.with_pdf(&pdf);
        }
        if self.purpose.serving() {
            renderer = renderer.with_fragments(&cache.fragments);
        }
        // The pages and the one large print page are rendered and written side by side (the
        // print page's answers are rewritten and written while the pages render).
        let (pages, manual) = rayon::join(
            || {
                let previous = self.purpose.previous().map(|p| &p.pages);
                renderer.render_pages(sink, self.purpose.serving(), previous)
            },
            || {
                (!self.purpose.defers_rest()).then(|| {
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
