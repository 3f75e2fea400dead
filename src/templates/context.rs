//! The template context, the contract between Rust and the theme (ARCHITECTURE.md, "Template
//! context"), typed; page keys (what `serve` compares to keep unchanged pages); and the
//! rendering of every page in parallel.

use std::borrow::Cow;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use super::key::{Digest, KeyHasher};
use super::nav::{NavPlace, Navs, PageNav};
use super::{summary, Theme, CHAPTER_NAV_LIMIT, CHAPTER_NAV_QUESTIONS, FULL_NAV_LIMIT, GENERATOR};
use crate::config::{Config, Contact, FooterLine};
use crate::content::{Content, PageKind};
use crate::error::{Error, Result};
use crate::html::escape;
use crate::markdown::{root_prefix, Rendered};
use crate::output::Sink;

mod tags;

/// A hash of everything a page's HTML is made from: its template context and the theme.
pub type PageKey = [u8; 16];
/// The key of every content page, by URL.
pub type PageKeys = std::collections::HashMap<String, PageKey>;

impl Theme {
    /// The key of a page rendered with `template` and `ctx`: equal keys, equal HTML.
    pub fn page_key(&self, template: &str, ctx: &PageContext<'_, '_>) -> PageKey {
        KEY_MODE.with(|k| k.set(true));
        let key = self.fragment_key(template, ctx);
        KEY_MODE.with(|k| k.set(false));
        key
    }

    /// The key of HTML rendered with `template` from `ctx` (a page's context in key mode, a
    /// sidebar's or related list's whole): equal keys, equal HTML.
    pub(super) fn fragment_key(&self, template: &str, ctx: &impl Serialize) -> PageKey {
        let mut h = KeyHasher::new();
        h.add_bytes(&self.templates_hash);
        h.add_bytes(template.as_bytes());
        h.add(ctx).expect("a context serializes");
        h.finish()
    }
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    contact: &'a [Contact],
    /// The first `[[contact]]` with a phone number: the header's call button.
    phone: Option<Phone<'a>>,
    /// `[search] examples`: the search placeholder's and the 404 page's suggestions.
    examples: &'a [String],
    /// Lines at the foot of every page.
    footer: &'a [FooterLine],
    /// The site's logo, favicon, extra CSS and JS (`static/…?v=…`, empty when not set).
    added: &'a super::Added,
}

/// A contact entry that can be called: `href` is a `tel:` link.
#[derive(Serialize)]
struct Phone<'a> {
    label: &'a str,
    value: &'a str,
    href: String,
}

/// The first contact whose `href` is a `tel:` link, or whose value looks like a phone number
/// (digits with spaces, dashes, dots, parentheses or a leading +; at least five digits).
fn phone(contacts: &[Contact]) -> Option<Phone<'_>> {
    contacts.iter().find_map(|c| {
        let href = if c.href.starts_with("tel:") {
            c.href.clone()
        } else if c.href.is_empty() && looks_like_phone(&c.value) {
            let number: String = c.value.chars().filter(|ch| !ch.is_whitespace()).collect();
            format!("tel:{number}")
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

fn looks_like_phone(value: &str) -> bool {
    let v = value.trim();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    digits >= 5
        && v.chars()
            .enumerate()
            .all(|(i, ch)| ch.is_ascii_digit() || " -.()".contains(ch) || (i == 0 && ch == '+'))
}

/// Whether a context is being serialized for a page's key (see [`Theme::page_key`]).
pub(super) fn key_mode() -> bool {
    KEY_MODE.with(std::cell::Cell::get)
}

thread_local! {
    /// Set while a context is serialized for a page's key (see [`Theme::page_key`]).
    static KEY_MODE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Rendered HTML in a template context: the HTML itself when rendering; only its digest when
/// the context is serialized for the page's key (a chapter page's context holds the answers
/// of the whole chapter: hashing digests instead keeps keys cheap).
#[derive(Clone, Copy)]
pub struct Html<'a> {
    html: &'a str,
    /// The page it belongs to, for its digest.
    of: Option<(&'a Digests<'a>, usize)>,
    /// Prefixed to its ids and in-page links (an answer on the chapter page, see
    /// [`crate::html::prefix_ids`]).
    ids: Option<&'a str>,
}

impl Html<'static> {
    const EMPTY: Html<'static> = Html {
        html: "",
        of: None,
        ids: None,
    };
}

impl Serialize for Html<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.of {
            Some((digests, page)) if KEY_MODE.with(|k| k.get()) => {
                s.serialize_bytes(&digests.get()[page].0)
            }
            _ => match self.ids {
                Some(prefix) => s.serialize_str(&crate::html::prefix_ids(self.html, prefix)),
                None => s.serialize_str(self.html),
            },
        }
    }
}

/// Digests of every page's HTML and text, computed the first time a page key needs them
/// (only `serve` computes page keys).
pub struct Digests<'a> {
    rendered: &'a [Rendered],
    table: std::sync::OnceLock<Vec<(PageKey, PageKey)>>,
}

impl Digests<'_> {
    fn get(&self) -> &[(PageKey, PageKey)] {
        self.table.get_or_init(|| {
            self.rendered
                .par_iter()
                .map(|r| (digest(&r.html), digest(&r.text)))
                .collect()
        })
    }
}

/// A page's HTML or text, or a rendered sidebar, for a page's key: 64 bits of foldhash and the
/// length. Three times faster than SHA-256 over the 40 MB of a 10,000-page site, and these
/// keys only live in the memory of `serve`, where a collision would only show a page as it was
/// one edit ago.
pub(super) fn digest(text: &str) -> PageKey {
    use std::hash::BuildHasher;
    let hash = foldhash::quality::FixedState::with_seed(0x6661_7173_6974_6531).hash_one(text);
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&hash.to_le_bytes());
    key[8..].copy_from_slice(&(text.len() as u64).to_le_bytes());
    key
}

/// schema.org FAQPage JSON-LD of some question pages: built (as a string) only when the page
/// is rendered; for the key, the digests of what it is made of.
pub struct JsonLd<'r, 'a> {
    renderer: &'r Renderer<'a>,
    questions: Vec<usize>,
}

impl Serialize for JsonLd<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.questions.is_empty() {
            s.serialize_str("")
        } else if KEY_MODE.with(|k| k.get()) {
            use serde::ser::SerializeSeq;
            let digests = self.renderer.digests.get();
            let mut seq = s.serialize_seq(Some(self.questions.len()))?;
            for &q in &self.questions {
                seq.serialize_element(&(
                    &self.renderer.content.pages[q].title,
                    Digest(&digests[q].1),
                ))?;
            }
            seq.end()
        } else {
            s.serialize_str(&self.renderer.faq_jsonld(&self.questions))
        }
    }
}

/// A page's `description`: its own; else the first 120 characters of its text, else the
/// site's. The summary is made only when the page is rendered: for the page's key the text's
/// digest stands for it (`serve` computes the key of every page at each save).
enum Description<'a> {
    Given(String),
    Summary { text: &'a str, site: &'a str },
}

impl Serialize for Description<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Description::Given(d) => s.serialize_str(d),
            Description::Summary { text, .. } if KEY_MODE.with(|k| k.get()) => {
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
struct PageCtx<'a> {
    kind: &'a str,
    /// The title as text; `title_html` is the same as inline HTML (see `content::title`).
    title: &'a str,
    title_html: Cow<'a, str>,
    url: &'a str,
    number: &'a str,
    content: Html<'a>,
    description: Description<'a>,
    tags: &'a [String],
    /// The tags with the URLs of their pages (empty when the theme has no `tag.html`).
    tag_links: Vec<TagLink<'a>>,
    /// When the page last changed, `YYYY-MM-DD`, or "" (see [`crate::content::Page::updated`]).
    updated: &'a str,
    /// A question's `##` sections when it has three or more: the "on this page" list.
    sections: Vec<Section<'a>>,
}

impl<'a> PageCtx<'a> {
    /// A page that is no content page (404, print, tag pages).
    fn plain(kind: &'a str, title: &'a str, url: &'a str, description: String) -> Self {
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
        }
    }
}

#[derive(Serialize)]
struct TagLink<'a> {
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Section<'a> {
    id: &'a str,
    title: &'a str,
}

/// Answers with at least this many `##` sections list them at the top.
const SECTIONS_LISTED_FROM: usize = 3;

#[derive(Serialize, Clone)]
pub struct NavQuestion<'a> {
    /// Its page.
    #[serde(skip)]
    index: usize,
    title: &'a str,
    title_html: &'a str,
    url: &'a str,
    number: &'a str,
    slug: &'a str,
    current: bool,
    /// The answer HTML; only in `chapter`, not in the sidebar list.
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Html<'a>>,
}

#[derive(Serialize, Clone)]
pub struct NavChapter<'a> {
    /// Its place in `Content::chapters`.
    #[serde(skip)]
    index: usize,
    title: &'a str,
    title_html: &'a str,
    url: &'a str,
    number: &'a str,
    description: &'a str,
    slug: &'a str,
    current: bool,
    content: Html<'a>,
    questions: Vec<NavQuestion<'a>>,
    /// How many of the chapter's questions are left out of `questions` before and after the
    /// listed ones (a large chapter is listed around the current question).
    questions_before: usize,
    questions_after: usize,
}

/// Which of a chapter's questions a page lists.
#[derive(Clone, Copy)]
enum Listing {
    /// All of them.
    All,
    /// At most [`CHAPTER_NAV_QUESTIONS`], around the question at this position (the first
    /// ones when `None`).
    Around(Option<usize>),
    /// At most [`CHAPTER_NAV_QUESTIONS`], from this position (where `Around` starts).
    From(usize),
}

impl Listing {
    /// How many of a chapter of `len` questions are left out before and after the listed ones.
    fn left_out(self, len: usize) -> (usize, usize) {
        let range = self.range(len);
        (range.start, len - range.end)
    }

    /// The positions listed of a chapter of `len` questions.
    fn range(self, len: usize) -> std::ops::Range<usize> {
        match self {
            Listing::Around(at) if len > CHAPTER_NAV_QUESTIONS => {
                let start = at
                    .unwrap_or(0)
                    .saturating_sub(CHAPTER_NAV_QUESTIONS / 2)
                    .min(len - CHAPTER_NAV_QUESTIONS);
                start..start + CHAPTER_NAV_QUESTIONS
            }
            Listing::From(start) if len > CHAPTER_NAV_QUESTIONS => {
                start..start + CHAPTER_NAV_QUESTIONS
            }
            _ => 0..len,
        }
    }
}

#[derive(Serialize)]
struct LinkCtx<'a> {
    title: &'a str,
    title_html: Cow<'a, str>,
    url: &'a str,
    number: &'a str,
}

/// What every page's template sees (ARCHITECTURE.md, "Template context").
#[derive(Serialize)]
#[serde(remote = "Self")]
pub(super) struct BaseCtx<'a> {
    root: String,
    site: SiteCtx<'a>,
    chapters: Vec<NavChapter<'a>>,
    assets: &'a Assets,
    search_enabled: bool,
    print_url: &'static str,
    /// `manual.pdf` when this build prints it (`[print] pdf = true` or `--pdf`), else empty.
    pdf_url: &'a str,
    print: PrintCtx<'a>,
    generator: &'static str,
    /// The theme's UI words for the site's language (see `strings.rs`).
    t: UiWords<'a>,
    /// The words `search.js` shows (`search_*`, `list_separator`), as JSON for an attribute.
    search_strings: &'a str,
    /// Where the keys of the build's contexts without `chapters` are kept.
    #[serde(skip)]
    keys: &'a BaseKeys,
}

/// The key of each base context without `chapters` of a build, by its root and the UI words
/// its template reads (the rest is the same for every page): serialized once for the pages
/// that share it, not once per page (a sixth of a 10,000-page rebuild's templates stage).
#[derive(Default)]
pub(super) struct BaseKeys(std::sync::Mutex<std::collections::HashMap<(String, usize), PageKey>>);

impl Serialize for BaseCtx<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap};
        if !(key_mode() && self.chapters.is_empty()) {
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

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The UI words a template sees as `t`: all of them, or those it reads (a page's context is
/// made for each of 10,000 pages; the theme has some 60 words and a page reads a third).
pub(super) struct UiWords<'a> {
    all: &'a std::collections::BTreeMap<String, String>,
    only: Option<&'a std::collections::BTreeSet<String>>,
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

/// What a page template reads that changes what its context holds, looked up once per build
/// (per page it was a tenth of the templates stage of a rebuild at 10,000 pages).
struct Reads<'a> {
    /// `index.html`, `chapter.html` or `question.html`.
    template: String,
    /// Every chapter (the whole site's navigation), or left out.
    chapters: bool,
    /// The questions of the page's chapter.
    questions: bool,
    /// The UI words it reads; `None`: any.
    strings: Option<&'a std::collections::BTreeSet<String>>,
}

impl<'a> Reads<'a> {
    fn of(theme: &'a Theme, kind: PageKind) -> Reads<'a> {
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
}

impl PageContext<'_, '_> {
    pub fn to_tera(&self) -> Context {
        Context::from_serialize(self).expect("a page context is a map")
    }
}

#[derive(Serialize)]
struct Assets {
    css: String,
    search_css: String,
    search_js: String,
    search_index_js: String,
    copy_js: String,
    print_css: String,
    favicon: String,
}

#[derive(Serialize)]
struct PrintCtx<'a> {
    title: &'a str,
    subtitle: &'a str,
    edition: &'a str,
    date: &'a str,
    paper: &'a str,
}

/// Everything the page renderer needs, computed once per build.
pub struct Renderer<'a> {
    pub theme: &'a Theme,
    pub config: &'a Config,
    pub content: &'a Content,
    pub rendered: &'a [Rendered],
    /// The theme's asset URLs and the search index's (`search-index.js?v=…`, or empty when
    /// search is off): the same on every page, so made once.
    assets: Assets,
    digests: Digests<'a>,
    search_strings: String,
    /// Sidebars and related lists of the previous build (`serve`), by their context's key.
    pub(super) fragments: Option<&'a super::nav::FragmentMemo>,
    base_keys: BaseKeys,
    /// The PDF this build prints (`manual.pdf`), which the pages link beside the print page.
    pdf: &'a str,
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
            print_css: theme.asset("print.css"),
            favicon: theme.asset("favicon.svg"),
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
            digests: Digests {
                rendered,
                table: std::sync::OnceLock::new(),
            },
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
    pub fn with_fragments(mut self, memo: &'a super::nav::FragmentMemo) -> Self {
        memo.next_build();
        self.fragments = Some(memo);
        self
    }

    fn html(&self, page: usize) -> Html<'_> {
        Html {
            html: &self.rendered[page].html,
            of: Some((&self.digests, page)),
            ids: None,
        }
    }

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
            // Before any key is computed: the digests are computed in parallel, and a rayon
            // worker waiting for them may run another page's rendering, which must not happen
            // inside `page_key`'s key mode.
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
        let not_found = self.theme.render("404.html", &ctx)?;
        sink.write(Path::new("404.html"), not_found.as_bytes())?;
        self.render_tag_pages(sink)?;
        Ok((page_keys, rendered.into_inner()))
    }

    /// The site's top folders (chapters, `static`, `images`, `search`) as a JSON array safe
    /// inside `<script>`: the 404 page finds the site's root in its URL by them, so it works
    /// at any depth on a static server without `base_url`.
    fn site_dirs(&self) -> String {
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

    /// The stylesheet's URL from the site root (with its version) as a JSON string safe inside
    /// `<script>`: the 404 page fetches it under each folder of its address, and the folder
    /// that has it is the site root (an address under no folder of the site, `/02-x/nope/`).
    fn root_probe(&self) -> String {
        crate::html::script_json(&serde_json::to_string(&self.assets.css).expect("a string"))
    }

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
    fn plain_context<'r>(
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
        PageContext {
            languages: self.language_links(target, &root),
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
            Listing::Around(question)
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
                    Listing::From(place.start)
                } else {
                    Listing::All
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
    fn listed_questions(
        &self,
        ci: usize,
        listing: Listing,
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

    fn nav_question(
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
            content: with_content.then(|| Html {
                ids: Some(&p.slug),
                ..self.html(q)
            }),
        }
    }

    /// The current chapter. On the chapter page itself (`question` is `None`): every question
    /// with its answer. On a question page: the questions around it, without answers (a
    /// question page does not need its 49 siblings' answers, and copying them made large
    /// sites slow; listing all 5,000 questions of a chapter made each page 1 MB).
    ///
    /// Without `questions` (a template that never reads `chapter.questions`), the list is left
    /// empty; `questions_before` and `questions_after` stay what they would be.
    fn chapter_context(
        &self,
        ci: usize,
        question: Option<usize>,
        questions: bool,
    ) -> NavChapter<'_> {
        let (listing, with_answers) = match question {
            None => (Listing::All, true),
            Some(qi) => (Listing::Around(Some(qi)), false),
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

    /// Chapter `ci` as the templates see it, with the given intro HTML and questions.
    fn nav_chapter<'r>(
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
            content,
            questions,
            questions_before,
            questions_after,
        }
    }

    /// The chapter of a page at `place` with the questions such a page lists, without answers
    /// or intro (what `related.html` shows); `None` outside chapters.
    pub(super) fn chapter_window(&self, place: &NavPlace) -> Option<NavChapter<'_>> {
        let ci = place.chapter?;
        let (questions, before, after) =
            self.listed_questions(ci, Listing::From(place.start), None, false);
        Some(self.nav_chapter(ci, false, Html::EMPTY, questions, (before, after)))
    }

    /// Chapter `ci` without its intro and questions (the sidebar's `chapter`).
    pub(super) fn chapter_summary(&self, ci: usize) -> NavChapter<'_> {
        self.nav_chapter(ci, false, Html::EMPTY, Vec::new(), (0, 0))
    }

    /// Page `i`'s context for `template`, without the lists the template never reads (see
    /// [`Theme::reads`]): with the sidebar rendered once per chapter (`nav`), a question page's
    /// template needs neither `chapters` nor, in the default theme, its chapter's other
    /// questions, and building them for each of 10,000 pages cost more than rendering.
    fn page_context<'r>(
        &'r self,
        i: usize,
        navs: &'r Navs,
        reads: &Reads<'a>,
    ) -> PageContext<'r, 'a> {
        let page = &self.content.pages[i];
        let root = root_prefix(&page.url);
        let (nav, related) = navs.for_page(&self.nav_place(Some(i), root.clone()), &page.url);
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
            languages,
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
    fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
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
    fn page_ctx(&self, i: usize) -> PageCtx<'_> {
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
        }
    }

    /// Where page `i` sits: its chapter (see [`Self::chapter_context`]), the breadcrumbs to
    /// it, and the questions its JSON-LD describes.
    /// `questions`: whether the template reads `chapter.questions`.
    fn placement(
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

    /// Page `j`'s title: the home page without one has the site's.
    fn title(&self, j: usize) -> &str {
        let p = &self.content.pages[j];
        if p.kind == PageKind::Home && p.title.is_empty() {
            &self.config.title
        } else {
            &p.title
        }
    }

    /// Page `j`'s title as inline HTML.
    fn title_html(&self, j: usize) -> Cow<'_, str> {
        let p = &self.content.pages[j];
        if p.kind == PageKind::Home && p.title.is_empty() {
            Cow::Owned(escape(&self.config.title))
        } else {
            Cow::Borrowed(&p.title_html)
        }
    }

    /// A link to page `j` (prev, next, breadcrumbs).
    fn link(&self, j: usize) -> LinkCtx<'_> {
        let p = &self.content.pages[j];
        LinkCtx {
            title: self.title(j),
            title_html: self.title_html(j),
            url: &p.url,
            number: &p.number,
        }
    }

    /// The first breadcrumb: the home page.
    fn home_link(&self) -> LinkCtx<'_> {
        LinkCtx {
            title: self.theme.string("home"),
            title_html: Cow::Owned(escape(self.theme.string("home"))),
            url: &self.content.pages[0].url,
            number: "",
        }
    }

    /// The `##` sections of question page `i`, when it has at least
    /// [`SECTIONS_LISTED_FROM`] of them.
    fn sections(&self, i: usize) -> Vec<Section<'_>> {
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

    /// schema.org FAQPage JSON-LD for the given question pages (answers as plain text).
    fn faq_jsonld(&self, questions: &[usize]) -> String {
        #[derive(Serialize)]
        struct Answer<'a> {
            #[serde(rename = "@type")]
            kind: &'static str,
            text: &'a str,
        }
        #[derive(Serialize)]
        struct Question<'a> {
            #[serde(rename = "@type")]
            kind: &'static str,
            name: &'a str,
            #[serde(rename = "acceptedAnswer")]
            accepted_answer: Answer<'a>,
        }
        #[derive(Serialize)]
        struct FaqPage<'a> {
            #[serde(rename = "@context")]
            context: &'static str,
            #[serde(rename = "@type")]
            kind: &'static str,
            #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
            date_modified: Option<&'a str>,
            #[serde(rename = "mainEntity")]
            main_entity: Vec<Question<'a>>,
        }
        // A question page is as new as its answer (a chapter page's intro has no date).
        let date_modified = match questions {
            [q] => self.content.pages[*q].updated.as_deref(),
            _ => None,
        };
        let doc = FaqPage {
            context: "https://schema.org",
            kind: "FAQPage",
            date_modified,
            main_entity: questions
                .iter()
                .map(|&q| Question {
                    kind: "Question",
                    name: &self.content.pages[q].title,
                    accepted_answer: Answer {
                        kind: "Answer",
                        text: &self.rendered[q].text,
                    },
                })
                .collect(),
        };
        // Inside `<script>`: no text may end the element or open a comment in it.
        crate::html::script_json(&serde_json::to_string(&doc).expect("JSON-LD serializes"))
    }
}

/// Progress of page rendering for long builds on a terminal; hidden when stderr is not a
/// terminal, in CI, or for sites small enough to build in a blink.
fn progress_bar(pages: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let show = pages >= 2000 && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(pages as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("rendering {bar:30} {pos}/{len} pages")
    {
        bar.set_style(style);
    }
    bar
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
        assert!(!looks_like_phone("12-34"));
        assert!(!looks_like_phone("1+2345678"));
    }
}
