//! The tag pages: `tags/<slug>.html` lists the questions of one tag, `tags/index.html` every
//! tag (see [`crate::content::Tag`]). Rendered only when the theme has `tag.html` and
//! `tags.html` (a theme of its own may have none: its questions then link no tag page).

use std::path::Path;

use serde::Serialize;

use super::context::{LinkCtx, PageCtx, Renderer, TagLink};
use crate::content::{Tag, TAGS_INDEX};
use crate::error::Result;
use crate::output::Sink;

/// A tag as `tag.html` and `tags.html` see it (ARCHITECTURE.md, "Template context").
#[derive(Serialize)]
struct TagCtx<'a> {
    name: &'a str,
    url: &'a str,
    /// How many questions carry it.
    count: usize,
    /// Its questions, in reading order (on its own page only).
    questions: Vec<TagQuestion<'a>>,
}

#[derive(Serialize)]
struct TagQuestion<'a> {
    title: &'a str,
    title_html: &'a str,
    url: &'a str,
    number: &'a str,
    /// The title of its chapter.
    chapter: &'a str,
    updated: &'a str,
}

impl Renderer<'_> {
    /// Whether the theme makes tag pages.
    pub(super) fn has_tag_pages(&self) -> bool {
        self.theme.has_template("tag.html") && self.theme.has_template("tags.html")
    }

    /// `page.tag_links`: each (non-blank) tag with its page's URL, when there are tag pages.
    pub(super) fn tag_links<'r>(&self, tags: &'r [String]) -> Vec<TagLink<'r>> {
        if !self.has_tag_pages() {
            return Vec::new();
        }
        tags.iter()
            .filter(|t| !t.trim().is_empty())
            .map(|t| TagLink {
                name: t,
                url: crate::content::tag_url(t),
            })
            .collect()
    }

    /// Every tag's page and the tags index, into `sink`.
    pub(super) fn render_tag_pages(&self, sink: &dyn Sink) -> Result<()> {
        if !self.has_tag_pages() {
            return Ok(());
        }
        let tags = self.content.tags();
        if tags.is_empty() {
            return Ok(());
        }
        // Every tag page sits at tags/, outside any chapter: one sidebar serves them all.
        let nav = self.render_nav(&self.nav_place(None, "../".into()))?;
        for tag in &tags {
            let html = self.render_tag(tag, nav.clone())?;
            sink.write(Path::new(&tag.url), html.as_bytes())?;
        }
        let title = self.theme.string("tags_title");
        let page = PageCtx::plain("tags", title, TAGS_INDEX, self.config.description.clone());
        let mut ctx = self
            .plain_context("../".into(), page, vec![self.home_link()], nav)
            .to_tera();
        let all: Vec<TagCtx> = tags.iter().map(|t| self.tag_ctx(t, false)).collect();
        ctx.insert("tags", &all);
        let html = self.theme.render("tags.html", &ctx)?;
        sink.write(Path::new(TAGS_INDEX), html.as_bytes())
    }

    fn render_tag(&self, tag: &Tag, nav: String) -> Result<String> {
        let title = super::strings::fill_one(self.theme.string("tag_title"), "tag", &tag.name);
        let description =
            super::strings::fill_one(self.theme.string("tag_description"), "tag", &tag.name);
        let page = PageCtx::plain("tag", &title, &tag.url, description);
        let crumbs = vec![
            self.home_link(),
            LinkCtx {
                title: self.theme.string("tags_title"),
                title_html: std::borrow::Cow::Owned(crate::html::escape(
                    self.theme.string("tags_title"),
                )),
                url: TAGS_INDEX,
                number: "",
                lang: "",
            },
        ];
        let mut ctx = self
            .plain_context("../".into(), page, crumbs, nav)
            .to_tera();
        ctx.insert("tag", &self.tag_ctx(tag, true));
        self.theme.render("tag.html", &ctx)
    }

    fn tag_ctx<'t>(&'t self, tag: &'t Tag, with_questions: bool) -> TagCtx<'t> {
        let content = self.content;
        let questions = tag
            .questions
            .iter()
            .filter(|_| with_questions)
            .map(|&q| {
                let p = &content.pages[q];
                let chapter = match p.kind {
                    crate::content::PageKind::Question(ci, _) => {
                        content.pages[content.chapters[ci].page].title.as_str()
                    }
                    _ => "",
                };
                TagQuestion {
                    title: &p.title,
                    title_html: &p.title_html,
                    url: &p.url,
                    number: &p.number,
                    chapter,
                    updated: p.updated.as_deref().unwrap_or(""),
                }
            })
            .collect();
        TagCtx {
            name: &tag.name,
            url: &tag.url,
            count: tag.questions.len(),
            questions,
        }
    }
}
