//! How a page's events are rewritten, one handler per kind (`PageRender`): text and code,
//! headings and their ids, links, images (a marker each), raw HTML (shown as text unless
//! allowed), then the page finished: phone numbers in the text linked (`link_phones`) and
//! images in a sentence marked inline.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

use super::links::{self, slugify, LinkTarget, Site};
use super::{
    image_marker, Events, Heading, Ids, ImageRef, Lines, OpenHeading, PageLink, PageRender,
    PageResult, Rendered, IMAGE_MARKER,
};
use crate::config::MarkdownConfig;
use crate::content::Page;
use crate::error::Diagnostic;
use crate::html::rewrite::{raw_pieces, ImgAttrs, RawPiece};
use crate::urls::{leaves_site, root_prefix};

impl<'a> PageRender<'a> {
    pub(super) fn new(
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
    pub(super) fn heading_start(
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
    pub(super) fn heading_end(&mut self, level: HeadingLevel) {
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
    pub(super) fn image(&mut self, tag: Tag<'a>, line: usize, iter: &mut impl Events<'a>) {
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
    pub(super) fn link(&mut self, tag: Tag<'a>, line: usize) {
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
    pub(super) fn html_block(&mut self, iter: &mut impl Events<'a>) {
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
    pub(super) fn raw(&mut self, html: &str, spans: &[(usize, usize)], block: bool) {
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
            // Raw HTML may hold any URL, and an id where it could spell one.
            self.out.holds_urls |= !out.is_empty();
            self.out.holds_ids |= may_spell_id(&out);
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
    pub(super) fn other(&mut self, event: Event<'a>) {
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
    pub(super) fn finish(mut self) -> PageResult {
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
        // Raw HTML set its own flags when it was written (`raw`); the HTML faqsite writes
        // itself (code, tables, callouts, image markers) holds no id and no URL.
        self.out.holds_ids |= self.events.iter().any(writes_id);
        self.out.holds_urls |= self.out.holds_ids
            || !self.out.images.is_empty()
            || self
                .events
                .iter()
                .any(|e| matches!(e, Event::Start(Tag::Link { .. } | Tag::Image { .. })));
        let mut html = String::new();
        html::push_html(&mut html, link_phones(self.events).into_iter());
        self.out.html = html.into();
        self.out.text = collapse_blank_lines(&self.text).into();
        (self.out, self.links, self.errors)
    }
}

/// Whether writing `event` writes an `id` or an in-page link: a heading (each has an id), a
/// footnote, a link to `#…`.
fn writes_id(event: &Event<'_>) -> bool {
    match event {
        Event::Start(Tag::Heading { .. } | Tag::FootnoteDefinition(_))
        | Event::FootnoteReference(_) => true,
        Event::Start(Tag::Link { dest_url, .. }) => dest_url.starts_with('#'),
        _ => false,
    }
}

/// Whether raw HTML kept as written may hold an `id` attribute or a `#` link: its text spells
/// `id` in some letter case, or holds a `#` or an entity (`&num;`, `&#35;`).
fn may_spell_id(raw: &str) -> bool {
    let raw = raw.as_bytes();
    raw.contains(&b'#')
        || raw.contains(&b'&')
        || raw.windows(2).any(|w| w.eq_ignore_ascii_case(b"id"))
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
