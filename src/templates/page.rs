//! A page's whole template context (`PageContext`): the base every page sees, the page, its
//! place in its chapter, breadcrumbs, neighbours, JSON-LD, and its sidebar and related list
//! (`nav.rs`), serialized once for the page's key and into a Tera context only when rendered.

use serde::Serialize;
use tera::Context;

use super::context::{BaseCtx, Description, LinkCtx, NavChapter, PageCtx, Renderer, Section};
use super::jsonld::JsonLd;
use super::key::{KeyHasher, PageKey};
use super::nav::{Navs, PageNav, QuestionWindow};
use super::Theme;
use crate::content::PageKind;
use crate::error::Result;
use crate::urls::root_prefix;

/// Answers with at least this many `##` sections list them at the top.
const SECTIONS_LISTED_FROM: usize = 3;

/// What a page template reads that changes what its context holds, looked up once per build
/// (per page it was a tenth of the templates stage of a rebuild at 10,000 pages).
pub(super) struct Reads<'a> {
    /// `index.html`, `chapter.html` or `question.html`.
    pub(super) template: String,
    /// Every chapter (the whole site's navigation), or left out.
    pub(super) chapters: bool,
    /// The questions of the page's chapter.
    pub(super) questions: bool,
    /// The UI words it reads; `None`: any.
    pub(super) strings: Option<&'a std::collections::BTreeSet<String>>,
}

impl<'a> Reads<'a> {
    pub(super) fn of(theme: &'a Theme, kind: PageKind) -> Reads<'a> {
        let template = format!("{}.html", kind.name());
        Reads {
            chapters: theme.reads(&template, "chapters"),
            questions: theme.reads(&template, "chapter.questions"),
            strings: theme.strings_read(&template),
            template,
        }
    }
}

/// A page's whole template context, typed: serialized once for the page's key, and into a
/// Tera context only when the page is rendered.
#[derive(Serialize)]
pub struct PageContext<'r, 'a> {
    #[serde(flatten)]
    base: BaseCtx<'r>,
    page: PageCtx<'r>,
    /// The sidebar, rendered from `nav.html` (see `nav.rs`).
    nav: PageNav<'r>,
    /// A question's other questions of its chapter, rendered from `related.html` (see
    /// `nav.rs`); "" on other pages and without `related.html`.
    related: PageNav<'r>,
    chapter: Option<NavChapter<'r>>,
    breadcrumbs: Vec<LinkCtx<'r>>,
    prev: Option<LinkCtx<'r>>,
    next: Option<LinkCtx<'r>>,
    jsonld: JsonLd<'r, 'a>,
    /// This page in each language of the site (none for a site in one language): the
    /// switcher and the `hreflang` links.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    languages: Vec<crate::content::lang::LanguageLink>,
    /// The page's `hreflang` links, `x-default` last: none unless it exists in two languages
    /// or more and the site has a `base_url` (and never on a 404 page, which stands for every
    /// missing address).
    hreflang: Vec<Alternate>,
}

/// One `<link rel="alternate" hreflang>`: a language's code (or `x-default`) and its URL.
#[derive(Serialize)]
struct Alternate {
    code: String,
    href: String,
}

/// A page's `hreflang` links from its links to itself in each language: each language that
/// has it, then `x-default` (the default language's) — when two languages or more have it.
fn alternates(languages: &[crate::content::lang::LanguageLink]) -> Vec<Alternate> {
    let has: Vec<_> = languages.iter().filter(|l| l.translated).collect();
    if has.len() < 2 {
        return Vec::new();
    }
    let default = has.iter().find(|l| l.default).map(|l| Alternate {
        code: "x-default".to_string(),
        href: l.abs.clone(),
    });
    has.iter()
        .map(|l| Alternate {
            code: l.code.clone(),
            href: l.abs.clone(),
        })
        .chain(default)
        .collect()
}

impl PageContext<'_, '_> {
    pub fn to_tera(&self) -> Context {
        Context::from_serialize(self).expect("a page context is a map")
    }
}

impl<'a> Renderer<'a> {
    /// Context for a page that is not a content page (404, print).
    pub fn special_context(&self, kind: &str, title: &str) -> Result<Context> {
        // A server answers any missing URL, at any depth, with 404.html: with a base_url its
        // links are absolute so they work wherever it is shown.
        let root = match (kind, self.config.base_url_trimmed()) {
            ("404", Some(base)) => format!("{base}/"),
            _ => String::new(),
        };
        let page = PageCtx::plain(kind, title, "", self.config.description.clone());
        let nav = self.render_nav(&self.nav_place(None, root.clone()))?;
        Ok(self.plain_context(root, page, Vec::new(), nav).to_tera())
    }

    /// The context of a page that is no content page: no chapter, no pager, no JSON-LD; `nav`
    /// is its sidebar, rendered (`render_nav`) for its `root`.
    pub(super) fn plain_context<'r>(
        &'r self,
        root: String,
        page: PageCtx<'r>,
        breadcrumbs: Vec<LinkCtx<'r>>,
        nav: String,
    ) -> PageContext<'r, 'a> {
        let target = if page.kind == "print" {
            "print.html"
        } else {
            page.url
        };
        let languages = self.language_links(target, &root);
        PageContext {
            hreflang: if page.kind == "404" {
                Vec::new()
            } else {
                self.hreflang(&languages)
            },
            languages,
            base: self.base_context(root, self.nav(None)),
            nav: PageNav::Own(nav),
            related: PageNav::Own(String::new()),
            page,
            chapter: None,
            breadcrumbs,
            prev: None,
            next: None,
            jsonld: JsonLd {
                renderer: self,
                questions: Vec::new(),
            },
        }
    }

    /// The current chapter. On the chapter page itself (`question` is `None`): every question
    /// with its answer. On a question page: the questions around it, without answers (a
    /// question page does not need its 49 siblings' answers, and copying them made large
    /// sites slow; listing all 5,000 questions of a chapter made each page 1 MB).
    ///
    /// Without `questions` (a template that never reads `chapter.questions`), the list is left
    /// empty; `questions_before` and `questions_after` stay what they would be.
    pub(super) fn chapter_context(
        &self,
        ci: usize,
        question: Option<usize>,
        questions: bool,
    ) -> NavChapter<'_> {
        let (listing, with_answers) = match question {
            None => (QuestionWindow::All, true),
            Some(qi) => (QuestionWindow::Around(Some(qi)), false),
        };
        let (questions, before, after) = if questions {
            self.listed_questions(ci, listing, None, with_answers)
        } else {
            let (before, after) = listing.left_out(self.content.chapters[ci].questions.len());
            (Vec::new(), before, after)
        };
        let intro = self.html(self.content.chapters[ci].page);
        self.nav_chapter(ci, false, intro, questions, (before, after))
    }

    /// Page `i`'s context for `template`, without the lists the template never reads (see
    /// [`Theme::reads`]): with the sidebar rendered once per chapter (`nav`), a question page's
    /// template needs neither `chapters` nor, in the default theme, its chapter's other
    /// questions, and building them for each of 10,000 pages cost more than rendering.
    pub(super) fn page_context<'r>(
        &'r self,
        i: usize,
        navs: &'r Navs,
        reads: &Reads<'a>,
    ) -> PageContext<'r, 'a> {
        let page = &self.content.pages[i];
        let root = root_prefix(&page.url);
        let (nav, related) = navs.for_page(&page.url);
        let related = match page.kind {
            PageKind::Question(..) => related,
            _ => PageNav::Own(String::new()),
        };
        let chapters = if reads.chapters {
            self.nav(Some(i))
        } else {
            Vec::new()
        };
        let languages = self.language_links(&page.url, &root);
        let mut base = self.base_context(root, chapters);
        base.t.only = reads.strings;
        let (chapter, breadcrumbs, jsonld) = self.placement(i, reads.questions);
        let (prev, next) = self.neighbours(i);
        PageContext {
            base,
            page: self.page_ctx(i),
            nav,
            related,
            chapter,
            breadcrumbs,
            prev: prev.map(|j| self.link(j)),
            next: next.map(|j| self.link(j)),
            jsonld: JsonLd {
                renderer: self,
                questions: jsonld,
            },
            hreflang: self.hreflang(&languages),
            languages,
        }
    }

    /// A page's `hreflang` links ([`alternates`]): only with `base_url`, as search engines take
    /// only absolute URLs there (a relative one makes the page's alternates invalid).
    fn hreflang(&self, languages: &[crate::content::lang::LanguageLink]) -> Vec<Alternate> {
        match self.config.base_url_trimmed() {
            Some(_) => alternates(languages),
            None => Vec::new(),
        }
    }

    /// Page `url` in each language of the site, from a page whose root is `root`; empty for
    /// a site in one language.
    fn language_links(&self, url: &str, root: &str) -> Vec<crate::content::lang::LanguageLink> {
        match &self.content.languages {
            Some(l) => l.links(l.index_of(&self.content.language), url, root),
            None => Vec::new(),
        }
    }

    /// The pages before and after page `i` in reading order. A chapter page shows its
    /// questions' answers itself: its neighbours are the chapter pages around it (the first
    /// chapter's previous page is the home page), not its own first question.
    pub(super) fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
        let chapters = &self.content.chapters;
        match self.content.pages[i].kind {
            PageKind::Chapter(c) => (
                c.checked_sub(1)
                    .map_or(i.checked_sub(1), |c| Some(chapters[c].page)),
                chapters.get(c + 1).map(|ch| ch.page),
            ),
            _ => (
                i.checked_sub(1),
                (i + 1 < self.content.pages.len()).then_some(i + 1),
            ),
        }
    }

    /// `page` of page `i`'s context.
    pub(super) fn page_ctx(&self, i: usize) -> PageCtx<'_> {
        let page = &self.content.pages[i];
        let description = if page.description.is_empty() {
            Description::Summary {
                text: &self.rendered[i].text,
                site: &self.config.description,
            }
        } else {
            Description::Given(page.description.clone())
        };
        PageCtx {
            kind: page.kind.name(),
            title: self.title(i),
            title_html: self.title_html(i),
            url: &page.url,
            number: &page.number,
            content: self.html(i),
            description,
            tags: &page.tags,
            tag_links: self.tag_links(&page.tags),
            updated: page.updated.as_deref().unwrap_or(""),
            sections: self.sections(i),
            lang: self.content.language.text_language(&page.source.path),
        }
    }

    /// Where page `i` sits: its chapter (see [`Self::chapter_context`]), the breadcrumbs to
    /// it, and the questions its JSON-LD describes.
    /// `questions`: whether the template reads `chapter.questions`.
    pub(super) fn placement(
        &self,
        i: usize,
        questions: bool,
    ) -> (Option<NavChapter<'_>>, Vec<LinkCtx<'_>>, Vec<usize>) {
        let content = self.content;
        let home_link = self.home_link();
        match content.pages[i].kind {
            PageKind::Home => (None, vec![], Vec::new()),
            PageKind::Chapter(ci) => (
                Some(self.chapter_context(ci, None, questions)),
                vec![home_link],
                content.chapters[ci].questions.clone(),
            ),
            PageKind::Question(ci, qi) => {
                let crumbs = vec![home_link, self.link(content.chapters[ci].page)];
                (
                    Some(self.chapter_context(ci, Some(qi), questions)),
                    crumbs,
                    vec![i],
                )
            }
        }
    }

    /// The `##` sections of question page `i`, when it has at least
    /// [`SECTIONS_LISTED_FROM`] of them.
    pub(super) fn sections(&self, i: usize) -> Vec<Section<'_>> {
        if !matches!(self.content.pages[i].kind, PageKind::Question(..)) {
            return Vec::new();
        }
        let sections: Vec<Section> = self.rendered[i]
            .headings
            .iter()
            .filter(|h| h.level == 2)
            .map(|h| Section {
                id: &h.id,
                title: &h.text,
            })
            .collect();
        if sections.len() >= SECTIONS_LISTED_FROM {
            sections
        } else {
            Vec::new()
        }
    }
}

impl Theme {
    /// The key of a page rendered with `template` and `ctx`: equal keys, equal HTML. Rendered
    /// text in the context feeds its digest (see `KeyHasher::compact`).
    pub fn page_key(&self, template: &str, ctx: &PageContext<'_, '_>) -> PageKey {
        self.key_with(KeyHasher::compact(), template, ctx)
    }
}
