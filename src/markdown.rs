//! Stage 3: Markdown → HTML, plain text, headings and image references, per page (in parallel).
//!
//! - heading ids follow GitHub's rule (Chinese kept), unique within the page;
//! - links to other `.md` files (relative, or from `content/` when they start with `/`) become
//!   relative links to the built page, and a link to a file or anchor that does not exist is an
//!   error naming the file and line (`links.rs`; `[links] outside` sends links to documents not
//!   in the site to the site they come from);
//! - other generators' syntax outside code is a warning (`foreign.rs`);
//! - local images (Markdown `![alt](src)` and raw `<img src>`) are replaced by a marker and
//!   listed in [`Rendered::images`]; the images stage resolves them and writes the final markup.
//! - raw HTML is shown as text unless `[markdown] raw_html = true` (complete comments are
//!   dropped, local `<img>` tags stay images), and `javascript:`/`vbscript:`/`data:` URLs
//!   become `#`; both are warnings, reported with the page's other problems.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::config::MarkdownConfig;
use crate::content::{Content, Page, PageKind};
use crate::error::Diagnostic;

mod blocks;
mod cache;
mod callouts;
mod events;
mod foreign;
mod links;
pub use cache::RenderCache;
pub use callouts::KINDS as CALLOUT_KINDS;
pub use links::slugify;
use links::Site;

/// Ids the theme uses itself; headings never take them.
const RESERVED_IDS: &[&str] = &["main", "search-input", "search-results", "top", "content"];

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Body HTML; local images are `<!--faqsite:img:N-->` markers until the images stage.
    /// Shared (`Arc`), as the text: `serve` keeps every page rendered and hands each build
    /// its own copy of the list.
    pub html: std::sync::Arc<str>,
    /// Plain text (markup stripped, an image's alt text where it stood) for search, snippets
    /// and JSON-LD.
    pub text: std::sync::Arc<str>,
    pub headings: Vec<Heading>,
    pub images: Vec<ImageRef>,
    /// Whether the HTML may hold an `id` or an in-page link (`href="#…"`): false only when no
    /// heading, footnote, `#` link or raw HTML that could write one was written. A page that
    /// joins answers (the chapter page) prefixes the ids of those that may.
    pub holds_ids: bool,
    /// Whether the HTML may hold a URL or an id that a page elsewhere must rewrite to show it
    /// (the print page): false only when no link, image, raw HTML, heading or footnote was
    /// written. The links made of phone numbers (`tel:`) are none.
    pub holds_urls: bool,
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A local image a page refers to.
#[derive(Debug, Clone)]
pub struct ImageRef {
    /// `src` exactly as written.
    pub src: String,
    pub alt: String,
    pub title: String,
    /// 1-based line in the page's source file.
    pub line: usize,
    /// In a paragraph (list item, table cell, heading) with text: an icon in a sentence, which
    /// the theme sizes to the line (see `mark_inline_images` in `events.rs`).
    pub inline: bool,
}

/// The marker that stands for `page.images[n]` in [`Rendered::html`].
pub fn image_marker(n: usize) -> String {
    format!("{IMAGE_MARKER}{n}-->")
}

/// How every image marker begins.
pub const IMAGE_MARKER: &str = "<!--faqsite:img:";

/// A link to another page, checked once every page's headings are known.
#[derive(Clone)]
struct PageLink {
    target: usize,
    anchor: Option<String>,
    line: usize,
}

/// Render every page of `content`, with every problem of every page (errors, and warnings
/// such as raw HTML shown as text). A page with a problem is still rendered whole (a dead link
/// stays as written), so its headings and its other links count: no false "no such heading"
/// elsewhere, no problem hidden behind another.
///
/// With `cache` (`serve`), a page rendered by the previous call from the same inputs is taken
/// from it instead of rendered again (see [`RenderCache`]).
///
/// Without `cache` each page's Markdown is taken out of `content` and freed as soon as the
/// page is rendered (`Content::release_sources` would free them all only after the last page:
/// at 100,000 questions the sources, ~180 MB, stood beside the rendered pages).
pub fn render_all(
    content: &mut Content,
    config: &MarkdownConfig,
    cache: Option<&mut RenderCache>,
) -> (Vec<Rendered>, Vec<Diagnostic>) {
    let bodies = cache.is_none().then(|| content.take_sources());
    let content = &*content;
    // Made the first time a page is rendered: after a save in `serve` most pages come from
    // the cache, and at 10,000 pages this map took longer than rendering the one page.
    let sources = std::sync::OnceLock::new();
    let sources = || sources.get_or_init(|| links::Sources::new(content));
    let render = |p: &Page, body: &str| {
        let site = Site {
            sources: sources(),
            content,
            outside: &config.links,
        };
        let (rendered, links, mut problems) = render_page(p, body, &site, config);
        problems.extend(foreign::warnings(p, body));
        (rendered, links, problems)
    };
    let results: Vec<PageResult> = match (cache, bodies) {
        (Some(cache), _) => cache.render(content, config, |p| render(p, &p.source.body)),
        (None, Some(bodies)) => (content.pages.par_iter().zip(bodies))
            .map(|(p, body)| render(p, &body))
            .collect(),
        (None, None) => unreachable!("the sources are taken when there is no cache"),
    };

    let mut problems = Vec::with_capacity(results.len());
    let mut rendered = Vec::with_capacity(results.len());
    let mut links = Vec::with_capacity(results.len());
    for (page, l, d) in results {
        rendered.push(page);
        links.push(l);
        problems.push(d);
    }
    // Anchors: `other.md#id` must name a heading of that page (or, on a chapter page, one of
    // its questions, which the chapter template gives the question's slug as id).
    let mut anchors: HashMap<usize, HashSet<&str>> = HashMap::new();
    for (from, page_links) in links.iter().enumerate() {
        for link in page_links {
            let Some(anchor) = &link.anchor else { continue };
            let known = anchors
                .entry(link.target)
                .or_insert_with(|| anchors_of(content, &rendered, link.target));
            if !links::anchor_found(anchor, |a| known.contains(a)) {
                let ids = ids_of(content, &rendered, link.target);
                problems[from].push(
                    Diagnostic::new(
                        &content.pages[from].source.path,
                        link.line,
                        format!(
                            "link to #{anchor} in {}: no such heading",
                            content.pages[link.target].source.path.display()
                        ),
                    )
                    .hint(links::anchor_hint(anchor, &ids)),
                );
            }
        }
    }
    // Each page's problems in line order, pages in reading order.
    let mut diagnostics = Vec::new();
    for mut d in problems {
        d.sort_by_key(|d| (d.line, d.col));
        diagnostics.extend(d);
    }
    (rendered, diagnostics)
}

/// The ids a link into page `target` may name.
fn anchors_of<'r>(
    content: &'r Content,
    rendered: &'r [Rendered],
    target: usize,
) -> HashSet<&'r str> {
    ids_of(content, rendered, target).into_iter().collect()
}

/// The ids of page `target` in page order: its headings' (and, on a chapter page, its
/// questions', which the chapter template gives the question's slug as id).
fn ids_of<'r>(content: &'r Content, rendered: &'r [Rendered], target: usize) -> Vec<&'r str> {
    let mut ids: Vec<&str> = rendered[target]
        .headings
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    if let PageKind::Chapter(ci) = content.pages[target].kind {
        ids.extend(
            content.chapters[ci]
                .questions
                .iter()
                .map(|&q| content.pages[q].slug.as_str()),
        );
    }
    ids
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// One page rendered, the links it makes to other pages, and every problem in it.
type PageResult = (Rendered, Vec<PageLink>, Vec<Diagnostic>);

/// Page `page` rendered from `source`, its Markdown after the front matter.
fn render_page<'a>(
    page: &'a Page,
    source: &'a str,
    site: &'a Site<'a>,
    config: &'a MarkdownConfig,
) -> PageResult {
    // `:::tip` containers are read as GitHub alerts (the same lines, see `callouts`).
    let (body, callout_titles) = callouts::containers(source);
    let body = &*body;
    let mut r = PageRender::new(page, site, config, body, callout_titles);
    let mut iter = Parser::new_ext(body, options()).into_offset_iter();
    while let Some((event, range)) = iter.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let wanted = id.map(|s| s.to_string());
                // `{#id .class}` only: other attributes (`{onclick=…}`) are never written.
                if let Some(d) =
                    links::dropped_attributes(&attrs, r.page, r.lines.line(range.start))
                {
                    r.errors.push(d);
                }
                r.heading_start(level, wanted, classes);
            }
            Event::Start(Tag::Image {
                dest_url,
                title,
                link_type,
                id,
            }) => {
                let line = r.lines.line(range.start);
                r.image(
                    Tag::Image {
                        dest_url,
                        title,
                        link_type,
                        id,
                    },
                    line,
                    &mut iter,
                );
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let line = r.lines.line(range.start);
                r.link(
                    Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    },
                    line,
                );
            }
            Event::End(TagEnd::Heading(level)) => r.heading_end(level),
            Event::Start(Tag::HtmlBlock) => r.html_block(&mut iter),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                r.callout_start(kind, r.lines.line(range.start))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => r.callout_end(),
            Event::Start(Tag::CodeBlock(kind)) => r.code_block(kind, &mut iter),
            e @ Event::Start(Tag::Table(_)) => r.table_start(e),
            e @ Event::End(TagEnd::Table) => r.table_end(e),
            Event::Html(h) | Event::InlineHtml(h) => r.raw(&h, &[(0, range.start)], false),
            event => r.other(event),
        }
    }
    r.finish()
}

/// The state of one page while its events are rewritten.
struct PageRender<'a> {
    page: &'a Page,
    site: &'a Site<'a>,
    raw_html: bool,
    /// The callouts' labels (`[markdown] callout_labels`).
    labels: &'a [String],
    /// Titles of `:::` containers, by 0-based line of the body.
    callout_titles: HashMap<usize, String>,
    lines: Lines,
    root: String,
    /// The headings and images found so far (its HTML and text are set by `finish`).
    out: Rendered,
    /// The page's plain text so far.
    text: String,
    events: Vec<Event<'a>>,
    /// Every problem of the page: errors, and warnings (raw HTML shown as text, …).
    errors: Vec<Diagnostic>,
    links: Vec<PageLink>,
    ids: Ids,
    /// In-page `#anchor` links, checked once all headings of the page are known.
    local_anchors: Vec<(String, usize)>,
    /// Lines where raw HTML was shown as text (one warning per line).
    raw_warned: HashSet<usize>,
    /// The heading being read: its contents go through the same handlers as the rest of the
    /// page (links, images, raw HTML), its id is set when it ends.
    open_heading: Option<OpenHeading<'a>>,
}

/// A heading between its start and end events (see [`PageRender::heading_start`]).
struct OpenHeading<'a> {
    /// Where its start event stands in `events`.
    at: usize,
    wanted: Option<String>,
    classes: Vec<CowStr<'a>>,
    /// Where its text starts in the page's text.
    text_from: usize,
}

/// An iterator over a page's events with their byte ranges.
trait Events<'a>: Iterator<Item = (Event<'a>, Range<usize>)> {}
impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Events<'a> for I {}

/// Byte offset → 1-based line of the page's file, by binary search over the body's line ends
/// (counting the newlines before each link again was quadratic in the number of links).
struct Lines {
    first: usize,
    newlines: Vec<usize>,
}

impl Lines {
    fn new(body: &str, first: usize) -> Self {
        let newlines = body.match_indices('\n').map(|(i, _)| i).collect();
        Lines { first, newlines }
    }

    fn line(&self, offset: usize) -> usize {
        self.first + self.newlines.partition_point(|&n| n < offset)
    }
}

/// Heading ids of one page: unique, never one the theme uses. Remembers the next free number
/// of each wanted id, so 20,000 headings of one name cost no more than 20,000 of different
/// names.
struct Ids {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Ids {
    fn new() -> Self {
        Ids {
            used: RESERVED_IDS.iter().map(|s| s.to_string()).collect(),
            next: HashMap::new(),
        }
    }

    fn unique(&mut self, wanted: &str) -> String {
        if self.used.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let n = self.next.entry(wanted.to_string()).or_insert(1);
        loop {
            let id = format!("{wanted}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_avoid_reserved() {
        let mut ids = Ids::new();
        assert_eq!(ids.unique("注意"), "注意");
        assert_eq!(ids.unique("注意"), "注意-1");
        assert_eq!(ids.unique("注意-2"), "注意-2");
        assert_eq!(ids.unique("注意"), "注意-3");
        assert_eq!(ids.unique("main"), "main-1");
    }

    #[test]
    fn lines_count_from_the_body_start() {
        let lines = Lines::new("a\nb\n\nc", 5);
        assert_eq!(lines.line(0), 5);
        assert_eq!(lines.line(2), 6);
        assert_eq!(lines.line(5), 8);
    }
}
