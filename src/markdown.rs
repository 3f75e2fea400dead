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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::config::MarkdownConfig;
use crate::content::{Content, Page, PageKind};
use crate::error::Diagnostic;
use crate::html::rewrite::{raw_pieces, ImgAttrs, RawPiece};
use crate::urls::{leaves_site, normalize_path, root_prefix};

mod blocks;
mod cache;
mod callouts;
mod foreign;
mod links;
pub use cache::RenderCache;
pub use callouts::KINDS as CALLOUT_KINDS;
pub use links::slugify;
use links::{LinkTarget, Site};

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
    /// the theme sizes to the line (see [`mark_inline_images`]).
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
pub fn render_all(
    content: &Content,
    config: &MarkdownConfig,
    cache: Option<&mut RenderCache>,
) -> (Vec<Rendered>, Vec<Diagnostic>) {
    // Made the first time a page is rendered: after a save in `serve` most pages come from
    // the cache, and at 10,000 pages this map took longer than rendering the one page.
    let sources: std::sync::OnceLock<BTreeMap<PathBuf, usize>> = std::sync::OnceLock::new();
    let sources = || {
        sources.get_or_init(|| {
            let mut sources: BTreeMap<PathBuf, usize> = content
                .pages
                .iter()
                .enumerate()
                .map(|(i, p)| (normalize_path(&p.source.path), i))
                .collect();
            links::add_originals(&mut sources, content);
            sources
        })
    };
    let render = |p: &Page| {
        let site = Site {
            sources: sources(),
            content,
            outside: &config.links,
        };
        let (rendered, links, mut problems) = render_page(p, &site, config);
        problems.extend(foreign::warnings(p));
        (rendered, links, problems)
    };
    let results: Vec<PageResult> = match cache {
        Some(cache) => cache.render(content, config, render),
        None => content.pages.par_iter().map(render).collect(),
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

fn render_page<'a>(page: &'a Page, site: &'a Site<'a>, config: &'a MarkdownConfig) -> PageResult {
    // `:::tip` containers are read as GitHub alerts (the same lines, see `callouts`).
    let (body, callout_titles) = callouts::containers(&page.source.body);
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

impl<'a> PageRender<'a> {
    fn new(
        page: &'a Page,
        site: &'a Site<'a>,
        config: &'a MarkdownConfig,
        body: &str,
        callout_titles: HashMap<usize, String>,
    ) -> Self {
        PageRender {
            page,
            site,
            raw_html: config.raw_html,
            labels: &config.callout_labels,
            callout_titles,
            lines: Lines::new(body, page.source.body_line),
            root: root_prefix(&page.url),
            out: Rendered::default(),
            text: String::new(),
            events: Vec::new(),
            errors: Vec::new(),
            links: Vec::new(),
            ids: Ids::new(),
            local_anchors: Vec::new(),
            raw_warned: HashSet::new(),
            open_heading: None,
        }
    }

    /// A heading gets a unique id (its slug) and is listed in [`Rendered::headings`].
    /// A heading begins: a start event without its id yet; what it holds is handled by the
    /// page's own handlers, so a link or raw HTML in a heading follows the same rules as
    /// anywhere else.
    fn heading_start(
        &mut self,
        level: HeadingLevel,
        wanted: Option<String>,
        classes: Vec<CowStr<'a>>,
    ) {
        self.open_heading = Some(OpenHeading {
            at: self.events.len(),
            wanted,
            classes,
            text_from: self.text.len(),
        });
        self.events.push(Event::Start(Tag::Heading {
            level,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        }));
    }

    /// A heading ends: its id from `{#id}` or its text, made unique on the page.
    fn heading_end(&mut self, level: HeadingLevel) {
        let Some(open) = self.open_heading.take() else {
            return;
        };
        let text = self.text[open.text_from..].to_string();
        let id = self
            .ids
            .unique(&open.wanted.unwrap_or_else(|| slugify(&text)));
        self.out.headings.push(Heading {
            level: heading_level(level),
            id: id.clone(),
            text,
        });
        self.text.push('\n');
        self.events[open.at] = Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(id)),
            classes: open.classes,
            attrs: Vec::new(),
        });
        self.events.push(Event::End(TagEnd::Heading(level)));
    }

    /// A local image becomes a marker for the images stage; an external one stays.
    fn image(&mut self, tag: Tag<'a>, line: usize, iter: &mut impl Events<'a>) {
        let Tag::Image {
            dest_url,
            title,
            link_type,
            id,
        } = tag
        else {
            return;
        };
        let mut alt = String::new();
        let mut inner = Vec::new();
        for (e, _) in iter.by_ref() {
            if matches!(e, Event::End(TagEnd::Image)) {
                break;
            }
            if let Event::Text(t) | Event::Code(t) = &e {
                alt.push_str(t);
            }
            inner.push(e);
        }
        self.push_alt(&alt);
        if leaves_site(&dest_url) {
            let dest_url = self.safe_url(dest_url, true, line);
            self.events.push(Event::Start(Tag::Image {
                dest_url,
                title,
                link_type,
                id,
            }));
            self.events.extend(inner);
            self.events.push(Event::End(TagEnd::Image));
        } else {
            self.events.push(Event::InlineHtml(
                image_marker(self.out.images.len()).into(),
            ));
            self.out.images.push(ImageRef {
                src: dest_url.to_string(),
                alt,
                title: title.to_string(),
                line,
                inline: false,
            });
        }
    }

    /// A link to a `.md` file becomes a link to its page; a dead one is an error.
    fn link(&mut self, tag: Tag<'a>, line: usize) {
        let Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } = tag
        else {
            return;
        };
        let dest_url = self.safe_url(dest_url, false, line);
        let target = self
            .site
            .rewrite(&dest_url, &self.page.source.path, &self.root);
        let dest = match target {
            LinkTarget::Keep => dest_url,
            LinkTarget::Local(anchor) => {
                self.local_anchors.push((anchor, line));
                dest_url
            }
            LinkTarget::Page {
                url,
                target,
                anchor,
            } => {
                self.links.push(PageLink {
                    target,
                    anchor,
                    line,
                });
                CowStr::from(url)
            }
            LinkTarget::Outside(url) => CowStr::from(url),
            LinkTarget::OtherLanguage(url) => {
                self.errors.push(links::crosses_languages(
                    &self.page.source.path,
                    line,
                    &dest_url,
                    self.site.content,
                ));
                CowStr::from(url)
            }
            LinkTarget::Missing(path) => {
                let d =
                    links::missing_page(&self.page.source.path, line, &dest_url, &path, self.site);
                self.errors.push(d);
                dest_url
            }
            LinkTarget::NotUtf8 => {
                let d = Diagnostic::new(
                    &self.page.source.path,
                    line,
                    format!("link to {dest_url}: its %-escapes are not UTF-8 text"),
                );
                self.errors.push(d.hint(
                    "write the file name as it is ([链接](链接.md)), or escape every byte of its UTF-8 (%E9%93%BE…)",
                ));
                dest_url
            }
        };
        self.events.push(Event::Start(Tag::Link {
            link_type,
            dest_url: dest,
            title,
            id,
        }));
    }

    /// URLs [`crate::safe_url::check`] refuses (`javascript:`, other schemes than a link's,
    /// control characters) become `#`, with a warning.
    fn safe_url(&mut self, url: CowStr<'a>, image: bool, line: usize) -> CowStr<'a> {
        let Err(refused) = crate::safe_url::check(&url, image) else {
            return url;
        };
        let what = if image { "image" } else { "link" };
        let shown: String = url
            .chars()
            .take(60)
            .flat_map(|c| match c.is_control() {
                true => c.escape_default().collect::<Vec<_>>(),
                false => vec![c],
            })
            .collect();
        self.errors.push(
            Diagnostic::new(
                &self.page.source.path,
                line,
                format!("{what} URL {shown} was replaced by #: {}", refused.reason()),
            )
            .hint(format!(
                "link to a page ({}) or a web address (https://…)",
                links::example_link(&self.page.source.path, self.site)
            ))
            .warning(),
        );
        CowStr::Borrowed("#")
    }

    /// A block of raw HTML: its lines, handled as one text (a comment may span lines).
    fn html_block(&mut self, iter: &mut impl Events<'a>) {
        let mut html = String::new();
        // (offset in `html`, offset in the page's body) of each line.
        let mut spans = Vec::new();
        for (e, range) in iter.by_ref() {
            match e {
                Event::End(TagEnd::HtmlBlock) => break,
                Event::Html(h) | Event::InlineHtml(h) | Event::Text(h) => {
                    spans.push((html.len(), range.start));
                    html.push_str(&h);
                }
                _ => {}
            }
        }
        self.raw(&html, &spans, true);
    }

    /// An image's alt text where the image stood in the text (search snippets, descriptions,
    /// JSON-LD), in brackets: it reads as a picture's description, not as words of the
    /// sentence ("出现图标[托盘图标]或…").
    fn push_alt(&mut self, alt: &str) {
        if !alt.trim().is_empty() {
            self.text.push('[');
            self.text.push_str(alt.trim());
            self.text.push(']');
        }
    }

    /// Raw HTML (a block or one inline tag): local `<img>` tags become image markers; the rest
    /// is kept as HTML when `[markdown] raw_html` allows it, else shown as text (comments are
    /// dropped), with a warning on each line where that happened.
    fn raw(&mut self, html: &str, spans: &[(usize, usize)], block: bool) {
        let html = if block { html.trim_end() } else { html };
        let mut out = String::new();
        let mut shown = Vec::new();
        for (at, piece) in raw_pieces(html) {
            let line = self.line_in(html, spans, at);
            match piece {
                RawPiece::Img { tag, attrs } => match local_img(attrs, line) {
                    Some(img) => {
                        let marker = image_marker(self.out.images.len());
                        self.push_alt(&img.alt);
                        self.out.images.push(img);
                        if self.raw_html {
                            out.push_str(&marker);
                        } else {
                            shown.push(Event::InlineHtml(marker.into()));
                        }
                    }
                    None if self.raw_html => out.push_str(tag),
                    None => self.shown_as_text(tag, html, spans, at, &mut shown),
                },
                // A comment of the writer's that reads like an image marker is dropped: the
                // images stage would put an image in its place.
                RawPiece::Comment(c) if self.raw_html && !c.starts_with(IMAGE_MARKER) => {
                    out.push_str(c)
                }
                RawPiece::Comment(_) => {}
                RawPiece::Text(t) if self.raw_html => out.push_str(t),
                RawPiece::Text(t) => self.shown_as_text(t, html, spans, at, &mut shown),
            }
        }
        if self.raw_html {
            if block {
                out.push('\n');
                self.events.push(Event::Start(Tag::HtmlBlock));
                self.events.push(Event::Html(out.into()));
                self.events.push(Event::End(TagEnd::HtmlBlock));
            } else {
                self.events.push(Event::InlineHtml(out.into()));
            }
        } else if block && !shown.is_empty() {
            self.events.push(Event::Start(Tag::Paragraph));
            self.events.extend(shown);
            self.events.push(Event::End(TagEnd::Paragraph));
            self.text.push('\n');
        } else {
            self.events.extend(shown);
        }
    }

    /// Raw HTML `text` (at `at` in `html`) as escaped text, line breaks kept; warns once per
    /// line.
    fn shown_as_text(
        &mut self,
        text: &str,
        html: &str,
        spans: &[(usize, usize)],
        at: usize,
        shown: &mut Vec<Event<'a>>,
    ) {
        if let Some(first) = text.find(|c: char| !c.is_whitespace()) {
            let line = self.line_in(html, spans, at + first);
            if self.raw_warned.insert(line) {
                let snippet: String = text[first..]
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(40)
                    .collect();
                self.errors.push(
                    Diagnostic::new(
                        &self.page.source.path,
                        line,
                        format!("raw HTML {snippet} was shown as text"),
                    )
                    .hint("write it in Markdown; or, if every writer of this site is trusted, set `[markdown] raw_html = true` in site.toml (raw HTML can run scripts on the site's pages)")
                    .warning(),
                );
            }
        }
        self.text.push_str(text);
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                shown.push(Event::HardBreak);
            }
            if !line.is_empty() {
                shown.push(Event::Text(line.to_string().into()));
            }
        }
    }

    /// The source line of offset `at` in raw HTML made of the `spans` of the page's body.
    fn line_in(&self, html: &str, spans: &[(usize, usize)], at: usize) -> usize {
        let k = spans.partition_point(|&(start, _)| start <= at).max(1) - 1;
        let (start, source) = spans.get(k).copied().unwrap_or((0, 0));
        let from = start.min(html.len());
        let to = at.clamp(from, html.len());
        self.lines.line(source) + html[from..to].matches('\n').count()
    }

    /// Events kept as they are; their text goes to the page's plain text.
    fn other(&mut self, event: Event<'a>) {
        match &event {
            Event::Text(t) | Event::Code(t) => self.text.push_str(t),
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => self.text.push('\n'),
            _ => {}
        }
        self.events.push(event);
    }

    /// Check the page's own anchors, then write its HTML.
    fn finish(mut self) -> PageResult {
        let ids: HashSet<&str> = self.out.headings.iter().map(|h| h.id.as_str()).collect();
        for (anchor, line) in &self.local_anchors {
            if !links::anchor_found(anchor, |a| ids.contains(a)) {
                let ids: Vec<&str> = self.out.headings.iter().map(|h| h.id.as_str()).collect();
                self.errors.push(
                    Diagnostic::new(
                        &self.page.source.path,
                        *line,
                        format!("link to #{anchor}: no such heading on this page"),
                    )
                    .hint(links::anchor_hint(anchor, &ids)),
                );
            }
        }
        mark_inline_images(&self.events, &mut self.out.images);
        let mut html = String::new();
        html::push_html(&mut html, link_phones(self.events).into_iter());
        self.out.html = html.into();
        self.out.text = collapse_blank_lines(&self.text).into();
        (self.out, self.links, self.errors)
    }
}

/// Phone numbers written in the answer's text become `tel:` links (a tap calls on a phone):
/// not inside a link, code, a heading or an image's alt text. Adjacent text events are read
/// as one (the parser may split a number).
fn link_phones(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut text = Vec::new();
    let mut depth = 0usize; // inside links, headings, images, code blocks
    for event in events {
        match (event, depth) {
            (Event::Text(t), 0) => text.push(t),
            (event, _) => {
                flush_phones(&mut text, &mut out);
                match &event {
                    Event::Start(
                        Tag::Link { .. }
                        | Tag::Heading { .. }
                        | Tag::Image { .. }
                        | Tag::CodeBlock(_),
                    ) => depth += 1,
                    Event::End(
                        TagEnd::Link | TagEnd::Heading(_) | TagEnd::Image | TagEnd::CodeBlock,
                    ) => depth = depth.saturating_sub(1),
                    _ => {}
                }
                out.push(event);
            }
        }
    }
    flush_phones(&mut text, &mut out);
    out
}

/// The text events `pending` onto `out`: as they are when they hold no phone number, else as
/// one text with each number a `tel:` link.
fn flush_phones<'a>(pending: &mut Vec<CowStr<'a>>, out: &mut Vec<Event<'a>>) {
    let joined: String;
    let text: &str = match pending.len() {
        0 => return,
        1 => &pending[0],
        _ => {
            joined = pending.iter().map(|t| &**t).collect();
            &joined
        }
    };
    let found = crate::phone::find(text);
    if found.is_empty() {
        out.extend(pending.drain(..).map(Event::Text));
        return;
    }
    let text = text.to_string();
    pending.clear();
    let mut at = 0;
    for r in found {
        let href = crate::phone::tel_href(&text[r.clone()]).unwrap_or_default();
        if r.start > at {
            out.push(Event::Text(text[at..r.start].to_string().into()));
        }
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: href.into(),
            title: "".into(),
            id: "".into(),
        }));
        out.push(Event::Text(text[r.clone()].to_string().into()));
        out.push(Event::End(TagEnd::Link));
        at = r.end;
    }
    if at < text.len() {
        out.push(Event::Text(text[at..].to_string().into()));
    }
}

/// Mark the images that stand in a block with text (a paragraph, list item, table cell or
/// heading holding words besides images) as [`ImageRef::inline`]; an image alone in its
/// paragraph is a picture of its own.
fn mark_inline_images(events: &[Event<'_>], images: &mut [ImageRef]) {
    // Per open text block: whether it has words, and the images in it.
    let mut open: Vec<(bool, Vec<usize>)> = Vec::new();
    let mut in_external_image = 0usize;
    for e in events {
        match e {
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell | Tag::Heading { .. }) => {
                open.push((false, Vec::new()))
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_),
            ) => {
                if let Some((true, inside)) = open.pop() {
                    for n in inside {
                        images[n].inline = true;
                    }
                }
            }
            // An external image's alt text is not text of the block.
            Event::Start(Tag::Image { .. }) => in_external_image += 1,
            Event::End(TagEnd::Image) => in_external_image = in_external_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_external_image == 0 && !t.trim().is_empty() => {
                if let Some(block) = open.last_mut() {
                    block.0 = true;
                }
            }
            Event::InlineHtml(h) => {
                let n = h
                    .strip_prefix(IMAGE_MARKER)
                    .and_then(|r| r.strip_suffix("-->"))
                    .and_then(|n| n.parse::<usize>().ok());
                if let (Some(n), Some(block)) = (n, open.last_mut()) {
                    if n < images.len() {
                        block.1.push(n);
                    }
                }
            }
            _ => {}
        }
    }
}

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

/// The image a raw `<img>` tag shows, if it is a local file (the images stage writes its
/// markup: the tag's other attributes are not kept).
fn local_img(attrs: ImgAttrs, line: usize) -> Option<ImageRef> {
    let src = attrs.src.unwrap_or_default();
    if src.is_empty() || leaves_site(&src) {
        return None;
    }
    Some(ImageRef {
        src,
        alt: attrs.alt.unwrap_or_default(),
        title: attrs.title.unwrap_or_default(),
        line,
        inline: false,
    })
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

fn collapse_blank_lines(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
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
