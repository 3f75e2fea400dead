//! The sidebar (`nav.html`) and a question's list of its chapter's other questions
//! (`related.html`): each rendered once for all the pages that show the same one (every page of
//! a chapter, unless the chapter is so long that each page lists only the questions around it)
//! and handed to them as finished HTML (`nav`, `related`), where the link to the page shown is
//! marked `aria-current="page"`. Rendering these loops again for each of 10,000 pages was most
//! of the templates stage.

use serde::Serialize;

use super::context::{BaseCtx, Html, NavChapter, NavQuestion, Renderer};
use super::key::{digest, Digest, PageKey};
use super::{CHAPTER_NAV_LIMIT, CHAPTER_NAV_QUESTIONS, FULL_NAV_LIMIT};
use crate::content::PageKind;
use crate::error::{Error, Result};
use crate::html::rewrite::LinkEnds;

/// The template of the sidebar.
pub const NAV_TEMPLATE: &str = "nav.html";
/// The template of a question's "other questions of this chapter" list.
pub const RELATED_TEMPLATE: &str = "related.html";

/// What a page's sidebar is made from besides which page it marks: pages at the same place
/// show the same sidebar.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct NavPlace {
    /// The page's path to the site root (`""`, `"../"`).
    pub root: String,
    /// The home page lists every chapter with its questions.
    pub home: bool,
    /// The page's chapter.
    pub chapter: Option<usize>,
    /// Where the listing of the chapter's questions starts (see `QuestionWindow`).
    pub start: usize,
}

/// What `nav.html` sees: every variable of the page's context but `page`, `breadcrumbs`,
/// `prev`, `next` and `jsonld`; `chapter` without its questions.
#[derive(Serialize)]
struct NavCtx<'a> {
    #[serde(flatten)]
    base: BaseCtx<'a>,
    chapter: Option<NavChapter<'a>>,
}

/// What `related.html` sees: every variable of the page's context but `page`, `breadcrumbs`,
/// `prev`, `next` and `jsonld`; `chapter` with the questions the page lists (without answers).
#[derive(Serialize)]
struct RelatedCtx<'a> {
    #[serde(flatten)]
    base: BaseCtx<'a>,
    chapter: NavChapter<'a>,
}

/// A fragment shared by the pages at one place, with its digest.
/// A rendered fragment, its digest, and where each of its links can be marked current.
type Fragment = (String, PageKey, LinkEnds);

/// The sidebar and related list the pages at one place show, with the place's way up to the
/// site root; none when the theme has neither `nav.html` nor `related.html` (a theme of its own
/// that lists `chapters` and `chapter.questions` in its pages).
pub struct Navs {
    root: String,
    shared: Option<(Fragment, Fragment)>,
}

impl Navs {
    /// The sidebar and the related list of the page at `url` (at this place).
    pub fn for_page(&self, url: &str) -> (PageNav<'_>, PageNav<'_>) {
        match &self.shared {
            Some((nav, related)) => {
                let href = format!("{}{url}", self.root);
                let shared = |f| PageNav::Shared {
                    nav: f,
                    href: href.clone(),
                };
                (shared(nav), shared(related))
            }
            None => (PageNav::Own(String::new()), PageNav::Own(String::new())),
        }
    }
}

/// A page's sidebar in its template context: the shared sidebar with the page's link marked
/// current, made only when the page is rendered; for the page's key, the shared sidebar's
/// digest and the link (hashing each page's copy of the sidebar again would cost more than
/// rendering it).
pub enum PageNav<'a> {
    Shared {
        nav: &'a Fragment,
        href: String,
    },
    /// A special page's own (404, print).
    Own(String),
}

impl Serialize for PageNav<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            PageNav::Shared { nav, href } if !s.is_human_readable() => {
                (Digest(&nav.1), href).serialize(s)
            }
            PageNav::Shared { nav, href } => {
                s.serialize_str(&nav.2.add_attribute(&nav.0, href, CURRENT))
            }
            PageNav::Own(html) => s.serialize_str(html),
        }
    }
}

impl Renderer<'_> {
    /// The sidebar and related list of `place`, rendered.
    pub fn render_navs(&self, place: &NavPlace) -> Result<Navs> {
        let fragment = |html: String| {
            let key = digest(&html);
            let links = LinkEnds::of(&html);
            (html, key, links)
        };
        let themed =
            self.theme.has_template(NAV_TEMPLATE) || self.theme.has_template(RELATED_TEMPLATE);
        let shared = match themed {
            true => Some((
                fragment(self.render_nav(place)?),
                fragment(self.render_related(place)?),
            )),
            false => None,
        };
        Ok(Navs {
            root: place.root.clone(),
            shared,
        })
    }

    /// The related list at `place` ("" without `related.html`, or for a page outside
    /// chapters), nothing marked current, without the file's last line break.
    fn render_related(&self, place: &NavPlace) -> Result<String> {
        if !self.theme.has_template(RELATED_TEMPLATE) {
            return Ok(String::new());
        }
        let Some(chapter) = self.chapter_window(place) else {
            return Ok(String::new());
        };
        let chapters = if self.theme.reads(RELATED_TEMPLATE, "chapters") {
            self.nav_at(place)
        } else {
            Vec::new()
        };
        let mut base = self.base_context(place.root.clone(), chapters);
        base.t.only = self.theme.strings_read(RELATED_TEMPLATE);
        let ctx = RelatedCtx { base, chapter };
        self.render_fragment(RELATED_TEMPLATE, &ctx)
    }

    /// The sidebar at `place`, nothing marked current ("" without `nav.html`), without the
    /// file's last line break.
    pub fn render_nav(&self, place: &NavPlace) -> Result<String> {
        if !self.theme.has_template(NAV_TEMPLATE) {
            return Ok(String::new());
        }
        // Only the UI words nav.html reads: all of them were most of each sidebar's context.
        let mut base = self.base_context(place.root.clone(), self.nav_at(place));
        base.t.only = self.theme.strings_read(NAV_TEMPLATE);
        let ctx = NavCtx {
            base,
            chapter: place.chapter.map(|ci| self.chapter_summary(ci)),
        };
        self.render_fragment(NAV_TEMPLATE, &ctx)
    }

    /// `template` rendered with `ctx`, without the file's last line break (not part of the
    /// fragment a page puts in its own markup). With a [`FragmentMemo`], a context the
    /// previous build rendered with the same templates is not rendered again.
    fn render_fragment(&self, template: &str, ctx: &impl Serialize) -> Result<String> {
        let Some(memo) = self.fragments else {
            return self.render_fresh(template, ctx);
        };
        let key = self.theme.fragment_key(template, ctx);
        if let Some(html) = memo.get(&key) {
            return Ok(html);
        }
        let html = self.render_fresh(template, ctx)?;
        memo.put(key, html.clone());
        Ok(html)
    }

    fn render_fresh(&self, template: &str, ctx: &impl Serialize) -> Result<String> {
        let ctx = tera::Context::from_serialize(ctx).map_err(|e| Error::Other(e.to_string()))?;
        let mut html = self.theme.render(template, &ctx)?;
        if html.ends_with('\n') {
            html.pop();
        }
        Ok(html)
    }
}

/// Which of a chapter's questions a page lists.
#[derive(Clone, Copy)]
pub(super) enum QuestionWindow {
    /// All of them.
    All,
    /// At most [`CHAPTER_NAV_QUESTIONS`], around the question at this position (the first
    /// ones when `None`).
    Around(Option<usize>),
    /// At most [`CHAPTER_NAV_QUESTIONS`], from this position (where `Around` starts).
    From(usize),
}

impl QuestionWindow {
    /// How many of a chapter of `len` questions are left out before and after the listed ones.
    pub(super) fn left_out(self, len: usize) -> (usize, usize) {
        let range = self.range(len);
        (range.start, len - range.end)
    }

    /// The positions listed of a chapter of `len` questions.
    pub(super) fn range(self, len: usize) -> std::ops::Range<usize> {
        match self {
            QuestionWindow::Around(at) if len > CHAPTER_NAV_QUESTIONS => {
                let start = at
                    .unwrap_or(0)
                    .saturating_sub(CHAPTER_NAV_QUESTIONS / 2)
                    .min(len - CHAPTER_NAV_QUESTIONS);
                start..start + CHAPTER_NAV_QUESTIONS
            }
            QuestionWindow::From(start) if len > CHAPTER_NAV_QUESTIONS => {
                start..start + CHAPTER_NAV_QUESTIONS
            }
            _ => 0..len,
        }
    }
}

impl Renderer<'_> {
    /// The chapter list for the sidebar; `current` is the page being rendered.
    pub fn nav(&self, current: Option<usize>) -> Vec<NavChapter<'_>> {
        let mut chapters = self.nav_at(&self.nav_place(current, String::new()));
        for ch in &mut chapters {
            ch.current = current == Some(self.content.chapters[ch.index].page);
            for q in &mut ch.questions {
                q.current = current == Some(q.index);
            }
        }
        chapters
    }

    /// Where page `current` (a special page when `None`) is, as far as its sidebar goes.
    pub(super) fn nav_place(&self, current: Option<usize>, root: String) -> NavPlace {
        let content = self.content;
        let (chapter, question) = match current.map(|i| content.pages[i].kind) {
            Some(PageKind::Chapter(c)) => (Some(c), None),
            Some(PageKind::Question(c, q)) => (Some(c), Some(q)),
            _ => (None, None),
        };
        let start = chapter.map_or(0, |ci| {
            QuestionWindow::Around(question)
                .range(content.chapters[ci].questions.len())
                .start
        });
        NavPlace {
            root,
            home: current == Some(0),
            chapter,
            start,
        }
    }

    /// The sidebar's chapter list at `place`, nothing marked current.
    pub(super) fn nav_at(&self, place: &NavPlace) -> Vec<NavChapter<'_>> {
        let content = self.content;
        let full = content.question_count() <= FULL_NAV_LIMIT;
        let home = place.home;
        let all_chapters = home || content.chapters.len() <= CHAPTER_NAV_LIMIT;
        content
            .chapters
            .iter()
            .enumerate()
            .filter(|(ci, _)| all_chapters || place.chapter == Some(*ci))
            .map(|(ci, _)| {
                let listing = if place.chapter == Some(ci) {
                    QuestionWindow::From(place.start)
                } else {
                    QuestionWindow::All
                };
                let with_questions = full || home || place.chapter == Some(ci);
                let (questions, before, after) = if with_questions {
                    self.listed_questions(ci, listing, None, false)
                } else {
                    (Vec::new(), 0, 0)
                };
                self.nav_chapter(ci, false, Html::EMPTY, questions, (before, after))
            })
            .collect()
    }

    /// The questions of chapter `ci` that `listing` lists, and how many it leaves out before
    /// and after them.
    pub(super) fn listed_questions(
        &self,
        ci: usize,
        listing: QuestionWindow,
        current: Option<usize>,
        with_content: bool,
    ) -> (Vec<NavQuestion<'_>>, usize, usize) {
        let all = &self.content.chapters[ci].questions;
        let (before, after) = listing.left_out(all.len());
        let questions = all[listing.range(all.len())]
            .iter()
            .map(|&q| self.nav_question(q, current, with_content))
            .collect();
        (questions, before, after)
    }

    /// The chapter of a page at `place` with the questions such a page lists, without answers
    /// or intro (what `related.html` shows); `None` outside chapters.
    pub(super) fn chapter_window(&self, place: &NavPlace) -> Option<NavChapter<'_>> {
        let ci = place.chapter?;
        let (questions, before, after) =
            self.listed_questions(ci, QuestionWindow::From(place.start), None, false);
        Some(self.nav_chapter(ci, false, Html::EMPTY, questions, (before, after)))
    }

    /// Chapter `ci` without its intro and questions (the sidebar's `chapter`).
    pub(super) fn chapter_summary(&self, ci: usize) -> NavChapter<'_> {
        self.nav_chapter(ci, false, Html::EMPTY, Vec::new(), (0, 0))
    }
}

/// What marks the page's own link in a shared sidebar.
const CURRENT: &str = " aria-current=\"page\"";

#[cfg(test)]
mod tests {
    use super::*;

    /// `nav` with ` aria-current="page"` added to its first link to `href` (a URL from the
    /// root of the page, as the template wrote it: `{{ root }}{{ url }}`), as a page shows it.
    fn mark_current(nav: &str, href: &str) -> String {
        LinkEnds::of(nav).add_attribute(nav, href, CURRENT)
    }

    #[test]
    fn only_the_first_link_to_the_page_is_marked() {
        let nav = r#"<a href="../a/index.html">A</a><a href="../a/x.html">x</a><a href="../a/index.html">more</a>"#;
        assert_eq!(
            mark_current(nav, "../a/index.html"),
            r#"<a href="../a/index.html" aria-current="page">A</a><a href="../a/x.html">x</a><a href="../a/index.html">more</a>"#
        );
        assert_eq!(mark_current(nav, "../b.html"), nav);
        // A theme's own way of writing the link; the same text in a comment is no link.
        let nav = r#"<!-- href="../a/x.html" --><a class="c" href='../a/x.html'>x</a>"#;
        assert_eq!(
            mark_current(nav, "../a/x.html"),
            r#"<!-- href="../a/x.html" --><a class="c" href='../a/x.html' aria-current="page">x</a>"#
        );
    }
}
