//! The template context, the contract between Rust and the theme (ARCHITECTURE.md, "Template
//! context"), typed: what every page sees (`BaseCtx`), a page, a chapter, a link; and the
//! [`Renderer`] that holds what they are made from. A page's whole context is `page.rs`, the
//! sidebar `nav.rs`, the render loop `render.rs`.

use std::borrow::Cow;

use serde::Serialize;

use super::key::{digest, Digest, Digests, FragmentMemo, KeyHasher, PageKey};
use super::{summary, Theme, GENERATOR};
use crate::config::{Config, Contact, FooterLine};
use crate::content::{Content, PageKind};
use crate::html::escape;
use crate::markdown::Rendered;

#[derive(Serialize)]
pub(super) struct SiteCtx<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) language: &'a str,
    pub(super) base_url: &'a str,
    pub(super) contact: &'a [Contact],
    /// The first `[[contact]]` with a phone number: the header's call button.
    pub(super) phone: Option<Phone<'a>>,
    /// `[search] examples`: the search placeholder's and the 404 page's suggestions.
    pub(super) examples: &'a [String],
    /// Lines at the foot of every page.
    pub(super) footer: &'a [FooterLine],
    /// The site's logo, favicon, extra CSS and JS (`static/…?v=…`, empty when not set).
    pub(super) added: &'a super::Added,
    /// `[feedback]`: the "was this helpful?" box, its form link, events and analytics.
    pub(super) feedback: &'a crate::config::FeedbackConfig,
}

/// A contact entry that can be called: `href` is a `tel:` link.
#[derive(Serialize)]
pub(super) struct Phone<'a> {
    pub(super) label: &'a str,
    pub(super) value: &'a str,
    pub(super) href: String,
}

/// The first contact whose `href` is a `tel:` link, or whose value looks like a phone number
/// (see [`crate::phone::looks_like_phone`]).
fn phone(contacts: &[Contact]) -> Option<Phone<'_>> {
    contacts.iter().find_map(|c| {
        let href = if c.href.starts_with("tel:") {
            c.href.clone()
        } else if c.href.is_empty() {
            crate::phone::tel_href(&c.value)?
        } else {
            return None;
        };
        Some(Phone {
            label: &c.label,
            value: &c.value,
            href,
        })
    })
}

/// Rendered HTML in a template context: the HTML itself when rendering; only its digest when
/// the context is serialized for the page's key (a chapter page's context holds the answers
/// of the whole chapter: hashing digests instead keeps keys cheap).
#[derive(Clone, Copy)]
pub struct Html<'a> {
    pub(super) html: &'a str,
    /// The page it belongs to, for its digest.
    pub(super) of: Option<(&'a Digests<'a>, usize)>,
    /// Prefixed to its ids and in-page links (an answer on the chapter page, see
    /// [`crate::html::prefix_ids`]).
    pub(super) ids: Option<&'a str>,
}

impl Html<'static> {
    pub(super) const EMPTY: Html<'static> = Html {
        html: "",
        of: None,
        ids: None,
    };
}

impl Serialize for Html<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.of {
            Some((digests, page)) if !s.is_human_readable() => {
                s.serialize_bytes(&digests.get()[page].0)
            }
            _ => match self.ids {
                Some(prefix) => s.serialize_str(&crate::html::prefix_ids(self.html, prefix)),
                None => s.serialize_str(self.html),
            },
        }
    }
}

/// A page's `description`: its own; else the first 120 characters of its text, else the
/// site's. The summary is made only when the page is rendered: for the page's key the text's
/// digest stands for it (`serve` computes the key of every page at each save).
pub(super) enum Description<'a> {
    Given(String),
    Summary { text: &'a str, site: &'a str },
}

impl Serialize for Description<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Description::Given(d) => s.serialize_str(d),
            Description::Summary { text, .. } if !s.is_human_readable() => {
                Digest(&digest(text)).serialize(s)
            }
            Description::Summary { text, site } => {
                let summary = summary(text, 120);
                s.serialize_str(if summary.is_empty() { site } else { &summary })
            }
        }
    }
}

#[derive(Serialize)]
pub(super) struct PageCtx<'a> {
    pub(super) kind: &'a str,
    /// The title as text; `title_html` is the same as inline HTML (see `content::title`).
    pub(super) title: &'a str,
    pub(super) title_html: Cow<'a, str>,
    pub(super) url: &'a str,
    pub(super) number: &'a str,
    pub(super) content: Html<'a>,
    pub(super) description: Description<'a>,
    pub(super) tags: &'a [String],
    /// The tags with the URLs of their pages (empty when the theme has no `tag.html`).
    pub(super) tag_links: Vec<TagLink<'a>>,
    /// When the page last changed, `YYYY-MM-DD`, or "" (see [`crate::content::Page::updated`]).
    pub(super) updated: &'a str,
    /// A question's `##` sections when it has three or more: the "on this page" list.
    pub(super) sections: Vec<Section<'a>>,
    /// The language of its text when it is not the page's: an untranslated original's.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub(super) lang: &'a str,
}

impl<'a> PageCtx<'a> {
    /// A page that is no content page (404, print, tag pages).
    pub(super) fn plain(kind: &'a str, title: &'a str, url: &'a str, description: String) -> Self {
        PageCtx {
            kind,
            title,
            title_html: Cow::Owned(escape(title)),
            url,
            number: "",
            content: Html::EMPTY,
            description: Description::Given(description),
            tags: &[],
            tag_links: Vec::new(),
            updated: "",
            sections: Vec::new(),
            lang: "",
        }
    }
}

#[derive(Serialize)]
pub(super) struct TagLink<'a> {
    pub(super) name: &'a str,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct Section<'a> {
    pub(super) id: &'a str,
    pub(super) title: &'a str,
}

#[derive(Serialize, Clone)]
pub struct NavQuestion<'a> {
    /// Its page.
    #[serde(skip)]
    pub(super) index: usize,
    pub(super) title: &'a str,
    pub(super) title_html: &'a str,
    pub(super) url: &'a str,
    pub(super) number: &'a str,
    pub(super) slug: &'a str,
    pub(super) current: bool,
    /// The language of its text when it is not the page's (see [`PageCtx::lang`]).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub(super) lang: &'a str,
    /// The answer HTML; only in `chapter`, not in the sidebar list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) content: Option<Html<'a>>,
}

#[derive(Serialize, Clone)]
pub struct NavChapter<'a> {
    /// Its place in `Content::chapters`.
    #[serde(skip)]
    pub(super) index: usize,
    pub(super) title: &'a str,
    pub(super) title_html: &'a str,
    pub(super) url: &'a str,
    pub(super) number: &'a str,
    pub(super) description: &'a str,
    pub(super) slug: &'a str,
    pub(super) current: bool,
    /// The language of its text when it is not the page's (see [`PageCtx::lang`]).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub(super) lang: &'a str,
    pub(super) content: Html<'a>,
    pub(super) questions: Vec<NavQuestion<'a>>,
    /// How many of the chapter's questions are left out of `questions` before and after the
    /// listed ones (a large chapter is listed around the current question).
    pub(super) questions_before: usize,
    pub(super) questions_after: usize,
}

#[derive(Serialize)]
pub(super) struct LinkCtx<'a> {
    pub(super) title: &'a str,
    pub(super) title_html: Cow<'a, str>,
    pub(super) url: &'a str,
    pub(super) number: &'a str,
    /// The language of the title when it is not the page's (see [`PageCtx::lang`]).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub(super) lang: &'a str,
}

/// What every page's template sees (ARCHITECTURE.md, "Template context").
#[derive(Serialize)]
#[serde(remote = "Self")]
pub(super) struct BaseCtx<'a> {
    pub(super) root: String,
    pub(super) site: SiteCtx<'a>,
    pub(super) chapters: Vec<NavChapter<'a>>,
    pub(super) assets: &'a Assets,
    pub(super) search_enabled: bool,
    pub(super) print_url: &'static str,
    /// `manual.pdf` when this build prints it (`[print] pdf = true` or `--pdf`), else empty.
    pub(super) pdf_url: &'a str,
    pub(super) print: PrintCtx<'a>,
    pub(super) generator: &'static str,
    /// The theme's UI words for the site's language (see `strings.rs`).
    pub(super) t: UiWords<'a>,
    /// The words `search.js` shows (`search_*`, `list_separator`), as JSON for an attribute.
    pub(super) search_strings: &'a str,
    /// Where the keys of the build's contexts without `chapters` are kept.
    #[serde(skip)]
    pub(super) keys: &'a BaseKeys,
}

/// The key of each base context without `chapters` of a build, by its root and the UI words
/// its template reads (the rest is the same for every page): serialized once for the pages
/// that share it, not once per page (a sixth of a 10,000-page rebuild's templates stage).
#[derive(Default)]
pub(super) struct BaseKeys(std::sync::Mutex<std::collections::HashMap<(String, usize), PageKey>>);

impl Serialize for BaseCtx<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap};
        if s.is_human_readable() || !self.chapters.is_empty() {
            return BaseCtx::serialize(self, s);
        }
        let words = self.t.only.map_or(0, |w| w as *const _ as usize);
        let id = (self.root.clone(), words);
        let known = lock(&self.keys.0).get(&id).copied();
        let key = match known {
            Some(key) => key,
            None => {
                struct Whole<'c, 'a>(&'c BaseCtx<'a>);
                impl Serialize for Whole<'_, '_> {
                    fn serialize<S: serde::Serializer>(
                        &self,
                        s: S,
                    ) -> std::result::Result<S::Ok, S::Error> {
                        BaseCtx::serialize(self.0, s)
                    }
                }
                let mut h = KeyHasher::new();
                h.add(&Whole(self)).map_err(S::Error::custom)?;
                let key = h.finish();
                lock(&self.keys.0).insert(id, key);
                key
            }
        };
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("base", &Digest(&key))?;
        map.end()
    }
}

pub(super) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The UI words a template sees as `t`: all of them, or those it reads (a page's context is
/// made for each of 10,000 pages; the theme has some 60 words and a page reads a third).
pub(super) struct UiWords<'a> {
    pub(super) all: &'a std::collections::BTreeMap<String, String>,
    pub(super) only: Option<&'a std::collections::BTreeSet<String>>,
}

impl Serialize for UiWords<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.only {
            None => self.all.serialize(s),
            Some(keys) => s.collect_map(
                keys.iter()
                    .filter_map(|k| self.all.get_key_value(k.as_str())),
            ),
        }
    }
}

#[derive(Serialize)]
pub(super) struct Assets {
    pub(super) css: String,
    pub(super) search_css: String,
    pub(super) search_js: String,
    pub(super) search_index_js: String,
    pub(super) copy_js: String,
    pub(super) feedback_js: String,
    pub(super) print_css: String,
    pub(super) favicon: String,
    /// The language switcher's style and script (`static/languages/`), or "" in a site in
    /// one language (which does not publish them).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(super) languages_css: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(super) languages_js: String,
    /// The language's Atom feed, absolute (`[feed]`, with `base_url`), or "".
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(super) feed: String,
}

#[derive(Serialize)]
pub(super) struct PrintCtx<'a> {
    pub(super) title: &'a str,
    pub(super) subtitle: &'a str,
    pub(super) edition: &'a str,
    pub(super) date: &'a str,
    pub(super) paper: &'a str,
}

/// Everything the page renderer needs, computed once per build.
pub struct Renderer<'a> {
    pub theme: &'a Theme,
    pub config: &'a Config,
    pub content: &'a Content,
    pub rendered: &'a [Rendered],
    /// The theme's asset URLs and the search index's (`search-index.js?v=…`, or empty when
    /// search is off): the same on every page, so made once.
    pub(super) assets: Assets,
    pub(super) digests: Digests<'a>,
    pub(super) search_strings: String,
    /// Sidebars and related lists of the previous build (`serve`), by their context's key.
    pub(super) fragments: Option<&'a FragmentMemo>,
    pub(super) base_keys: BaseKeys,
    /// The PDF this build prints (`manual.pdf`), which the pages link beside the print page.
    pub(super) pdf: &'a str,
}

impl<'a> Renderer<'a> {
    pub fn new(
        theme: &'a Theme,
        config: &'a Config,
        content: &'a Content,
        rendered: &'a [Rendered],
        search_index_js: String,
    ) -> Self {
        let assets = Assets {
            css: theme.asset("style.css"),
            search_css: theme.asset("search.css"),
            search_js: theme.asset("search.js"),
            search_index_js,
            copy_js: theme.asset("copy.js"),
            feedback_js: theme.asset("feedback.js"),
            print_css: theme.asset("print.css"),
            favicon: theme.asset("favicon.svg"),
            languages_css: theme.published_asset("languages/switch.css"),
            languages_js: theme.published_asset("languages/remember.js"),
            feed: config.feed_url().unwrap_or_default(),
        };
        let search_strings: std::collections::BTreeMap<&str, &str> = theme
            .strings
            .iter()
            .filter(|(k, _)| {
                let page_only = *k == "search_label" || k.starts_with("search_placeholder");
                (k.starts_with("search_") && !page_only) || *k == "list_separator"
            })
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Renderer {
            theme,
            config,
            content,
            rendered,
            assets,
            search_strings: serde_json::to_string(&search_strings).expect("strings serialize"),
            digests: Digests::new(rendered),
            fragments: None,
            base_keys: BaseKeys::default(),
            pdf: "",
        }
    }

    /// The pages link `pdf` (`manual.pdf`), which this build prints.
    pub fn with_pdf(mut self, pdf: &'a str) -> Self {
        self.pdf = pdf;
        self
    }

    /// Keeps the sidebars and related lists it renders in `memo`, and takes those whose
    /// context is the same as in the previous build from it (`serve`).
    pub fn with_fragments(mut self, memo: &'a FragmentMemo) -> Self {
        memo.next_build();
        self.fragments = Some(memo);
        self
    }

    pub(super) fn html(&self, page: usize) -> Html<'_> {
        Html {
            html: &self.rendered[page].html,
            of: Some((&self.digests, page)),
            ids: None,
        }
    }

    pub(super) fn base_context<'r>(
        &'r self,
        root: String,
        chapters: Vec<NavChapter<'r>>,
    ) -> BaseCtx<'r> {
        let c = self.config;
        BaseCtx {
            root,
            site: SiteCtx {
                title: &c.title,
                description: &c.description,
                language: &c.language,
                base_url: c.base_url.as_deref().unwrap_or(""),
                contact: &c.contact,
                phone: phone(&c.contact),
                examples: &c.search.examples,
                footer: &c.footer,
                added: &self.theme.added,
                feedback: &c.feedback,
            },
            t: UiWords {
                all: &self.theme.strings,
                only: None,
            },
            search_strings: &self.search_strings,
            keys: &self.base_keys,
            chapters,
            assets: &self.assets,
            search_enabled: c.search.enabled && !self.assets.search_index_js.is_empty(),
            print_url: "print.html",
            pdf_url: self.pdf,
            print: PrintCtx {
                title: if c.print.title.is_empty() {
                    &c.title
                } else {
                    &c.print.title
                },
                subtitle: &c.print.subtitle,
                edition: &c.print.edition,
                date: &c.print.date,
                paper: &c.print.paper,
            },
            generator: GENERATOR,
        }
    }

    pub(super) fn nav_question(
        &self,
        q: usize,
        current: Option<usize>,
        with_content: bool,
    ) -> NavQuestion<'_> {
        let p = &self.content.pages[q];
        NavQuestion {
            index: q,
            title: &p.title,
            title_html: &p.title_html,
            url: &p.url,
            number: &p.number,
            slug: &p.slug,
            current: current == Some(q),
            lang: self.content.language.text_language(&p.source.path),
            content: with_content.then(|| Html {
                ids: self.rendered[q].holds_ids.then_some(p.slug.as_str()),
                ..self.html(q)
            }),
        }
    }

    /// Chapter `ci` as the templates see it, with the given intro HTML and questions.
    pub(super) fn nav_chapter<'r>(
        &'r self,
        ci: usize,
        current: bool,
        content: Html<'r>,
        questions: Vec<NavQuestion<'r>>,
        (questions_before, questions_after): (usize, usize),
    ) -> NavChapter<'r> {
        let p = &self.content.pages[self.content.chapters[ci].page];
        NavChapter {
            index: ci,
            title: &p.title,
            title_html: &p.title_html,
            url: &p.url,
            number: &p.number,
            description: &p.description,
            slug: &p.slug,
            current,
            lang: self.content.language.text_language(&p.source.path),
            content,
            questions,
            questions_before,
            questions_after,
        }
    }

    /// Page `j`'s title: the home page without one has the site's.
    pub(super) fn title(&self, j: usize) -> &str {
        let p = &self.content.pages[j];
        if p.kind == PageKind::Home && p.title.is_empty() {
            &self.config.title
        } else {
            &p.title
        }
    }

    /// Page `j`'s title as inline HTML.
    pub(super) fn title_html(&self, j: usize) -> Cow<'_, str> {
        let p = &self.content.pages[j];
        if p.kind == PageKind::Home && p.title.is_empty() {
            Cow::Owned(escape(&self.config.title))
        } else {
            Cow::Borrowed(&p.title_html)
        }
    }

    /// A link to page `j` (prev, next, breadcrumbs).
    pub(super) fn link(&self, j: usize) -> LinkCtx<'_> {
        let p = &self.content.pages[j];
        LinkCtx {
            title: self.title(j),
            title_html: self.title_html(j),
            url: &p.url,
            number: &p.number,
            lang: self.content.language.text_language(&p.source.path),
        }
    }

    /// The first breadcrumb: the home page.
    pub(super) fn home_link(&self) -> LinkCtx<'_> {
        LinkCtx {
            title: self.theme.string("home"),
            title_html: Cow::Owned(escape(self.theme.string("home"))),
            url: &self.content.pages[0].url,
            number: "",
            lang: "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(value: &str, href: &str) -> Contact {
        Contact {
            label: "Phone".into(),
            value: value.into(),
            href: href.into(),
        }
    }

    #[test]
    fn the_call_button_is_the_first_contact_with_a_phone() {
        let list = [
            contact("www.example.com", "https://www.example.com/"),
            contact("Street 1", ""),
            contact("+86 (574) 8730-4500", ""),
            contact("0574-1", "tel:05741"),
        ];
        assert_eq!(phone(&list).unwrap().href, "tel:+86(574)8730-4500");
        assert_eq!(phone(&list[3..]).unwrap().href, "tel:05741");
        assert!(phone(&list[..2]).is_none());
    }
}
