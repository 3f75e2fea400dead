//! Stage 3: Markdown → HTML, plain text, headings and image references, per page (in parallel).
//!
//! - heading ids are stable slugs that keep Chinese characters, unique within the page;
//! - links to other `.md` files become relative links to the built page, and a link to a file
//!   or anchor that does not exist is an error naming the file and line;
//! - local images (Markdown `![alt](src)` and raw `<img src>`) are replaced by a marker and
//!   listed in [`Rendered::images`]; the images stage resolves them and writes the final markup.

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::content::{Content, Page, PageKind};
use crate::error::Diagnostic;

/// Ids the theme uses itself; headings never take them.
const RESERVED_IDS: &[&str] = &["main", "search-input", "search-results", "top", "content"];

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Body HTML; local images are `<!--faqsite:img:N-->` markers until the images stage.
    pub html: String,
    /// Plain text (markup stripped, images dropped) for search, snippets and JSON-LD.
    pub text: String,
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
}

/// The marker that stands for `page.images[n]` in [`Rendered::html`].
pub fn image_marker(n: usize) -> String {
    format!("<!--faqsite:img:{n}-->")
}

/// A link to another page, checked once every page's headings are known.
struct PageLink {
    target: usize,
    anchor: Option<String>,
    line: usize,
}

/// Render every page of `content`, with every problem of every page. A page with a problem
/// is still rendered whole (a dead link stays as written), so its headings and its other
/// links count: no false "no such heading" elsewhere, no problem hidden behind another.
pub fn render_all(content: &Content) -> (Vec<Rendered>, Vec<Diagnostic>) {
    let sources: BTreeMap<PathBuf, usize> = content
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (normalize_path(&p.source.path), i))
        .collect();
    let results: Vec<PageResult> = content
        .pages
        .par_iter()
        .map(|p| render_page(p, content, &sources))
        .collect();

    let mut problems = Vec::new();
    let mut rendered = Vec::with_capacity(results.len());
    let mut links = Vec::with_capacity(results.len());
    for (page, l, d) in results {
        rendered.push(page);
        links.push(l);
        problems.push(d);
    }
    // Anchors: `other.md#id` must name a heading of that page (or, on a chapter page, one of
    // its questions, which the chapter template gives the question's slug as id).
    for (from, page_links) in links.iter().enumerate() {
        for link in page_links {
            let Some(anchor) = &link.anchor else { continue };
            if !anchor_exists(content, &rendered, link.target, anchor) {
                problems[from].push(
                    Diagnostic::new(
                        &content.pages[from].source.path,
                        link.line,
                        format!(
                            "link to #{anchor} in {}: no such heading",
                            content.pages[link.target].source.path.display()
                        ),
                    )
                    .hint(ANCHOR_HINT),
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

const ANCHOR_HINT: &str =
    "check the heading text; ids are the heading text in lower case with spaces as '-'";

fn anchor_exists(content: &Content, rendered: &[Rendered], target: usize, anchor: &str) -> bool {
    if rendered[target].headings.iter().any(|h| h.id == anchor) {
        return true;
    }
    if let PageKind::Chapter(ci) = content.pages[target].kind {
        return content.chapters[ci]
            .questions
            .iter()
            .any(|&q| content.pages[q].slug == anchor);
    }
    false
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// One page rendered, the links it makes to other pages, and every problem in it.
type PageResult = (Rendered, Vec<PageLink>, Vec<Diagnostic>);

fn render_page(page: &Page, content: &Content, sources: &BTreeMap<PathBuf, usize>) -> PageResult {
    let body = &page.source.body;
    let line_of = |offset: usize| page.source.body_line + body[..offset].matches('\n').count();
    let source_dir = page.source.path.parent().unwrap_or(Path::new(""));
    let root = root_prefix(&page.url);

    let mut errors = Vec::new();
    let mut out = Rendered::default();
    let mut links = Vec::new();
    let mut used_ids: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    let mut events: Vec<Event> = Vec::new();
    // In-page `#anchor` links, checked once all headings of the page are known.
    let mut local_anchors: Vec<(String, usize)> = Vec::new();

    let mut iter = Parser::new_ext(body, options())
        .into_offset_iter()
        .peekable();
    while let Some((event, range)) = iter.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let mut inner = Vec::new();
                let mut text = String::new();
                for (e, _) in iter.by_ref() {
                    if matches!(e, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                    if let Event::Text(t) | Event::Code(t) = &e {
                        text.push_str(t);
                    }
                    inner.push(e);
                }
                let wanted = id.map(|s| s.to_string()).unwrap_or_else(|| slugify(&text));
                let id = unique_id(&wanted, &mut used_ids);
                out.headings.push(Heading {
                    level: heading_level(level),
                    id: id.clone(),
                    text: text.clone(),
                });
                out.text.push_str(&text);
                out.text.push('\n');
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes,
                    attrs,
                }));
                events.extend(inner);
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Image {
                dest_url,
                title,
                link_type,
                id,
            }) => {
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
                if is_external(&dest_url) {
                    events.push(Event::Start(Tag::Image {
                        dest_url,
                        title,
                        link_type,
                        id,
                    }));
                    events.extend(inner);
                    events.push(Event::End(TagEnd::Image));
                } else {
                    events.push(Event::InlineHtml(image_marker(out.images.len()).into()));
                    out.images.push(ImageRef {
                        src: dest_url.to_string(),
                        alt,
                        title: title.to_string(),
                        line: line_of(range.start),
                    });
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let line = line_of(range.start);
                let dest = match rewrite_link(&dest_url, source_dir, sources, content, &root) {
                    LinkTarget::Keep => dest_url,
                    LinkTarget::Local(anchor) => {
                        local_anchors.push((anchor, line));
                        dest_url
                    }
                    LinkTarget::Page {
                        url,
                        target,
                        anchor,
                    } => {
                        links.push(PageLink {
                            target,
                            anchor,
                            line,
                        });
                        CowStr::from(url)
                    }
                    LinkTarget::Missing(path) => {
                        errors.push(missing_page(
                            &page.source.path,
                            line,
                            &dest_url,
                            &path,
                            content,
                            sources,
                        ));
                        dest_url
                    }
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::Html(h) | Event::InlineHtml(h) if h.contains("<img") => {
                let inline = matches!(iter.peek(), Some((Event::Text(_), _)));
                let replaced = replace_raw_images(&h, &mut out.images, line_of(range.start));
                if inline {
                    events.push(Event::InlineHtml(replaced.into()));
                } else {
                    events.push(Event::Html(replaced.into()));
                }
            }
            Event::Text(t) => {
                out.text.push_str(&t);
                events.push(Event::Text(t));
            }
            Event::Code(t) => {
                out.text.push_str(&t);
                events.push(Event::Code(t));
            }
            Event::SoftBreak | Event::HardBreak => {
                out.text.push(' ');
                events.push(event);
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => {
                out.text.push('\n');
                events.push(event);
            }
            other => events.push(other),
        }
    }
    for (anchor, line) in local_anchors {
        if !out.headings.iter().any(|h| h.id == anchor) {
            errors.push(
                Diagnostic::new(
                    &page.source.path,
                    line,
                    format!("link to #{anchor}: no such heading on this page"),
                )
                .hint(ANCHOR_HINT),
            );
        }
    }
    html::push_html(&mut out.html, events.into_iter());
    out.text = collapse_blank_lines(&out.text);
    (out, links, errors)
}

/// A link to a `.md` file that is not among the pages built: a draft left out, or no file.
fn missing_page(
    from: &Path,
    line: usize,
    dest: &str,
    path: &Path,
    content: &Content,
    sources: &BTreeMap<PathBuf, usize>,
) -> Diagnostic {
    if content.drafts.iter().any(|d| normalize_path(d) == path) {
        return Diagnostic::new(
            from,
            line,
            format!(
                "link to {dest}: {} is a draft (draft = true), so it is not built",
                path.display()
            ),
        )
        .hint(
            "build with --drafts to include drafts, or remove the link until the page is published",
        );
    }
    Diagnostic::new(
        from,
        line,
        format!("link to {dest}: {} does not exist", path.display()),
    )
    .hint(nearby_hint(path, sources))
}

enum LinkTarget {
    Keep,
    /// `#anchor` on the same page.
    Local(String),
    Page {
        url: String,
        target: usize,
        anchor: Option<String>,
    },
    Missing(PathBuf),
}

fn rewrite_link(
    dest: &str,
    source_dir: &Path,
    sources: &BTreeMap<PathBuf, usize>,
    content: &Content,
    root: &str,
) -> LinkTarget {
    if let Some(anchor) = dest.strip_prefix('#') {
        return LinkTarget::Local(anchor.to_string());
    }
    if is_external(dest) || dest.starts_with('/') {
        return LinkTarget::Keep;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    if !path.ends_with(".md") {
        return LinkTarget::Keep;
    }
    let resolved = normalize_path(&source_dir.join(percent_decode(path)));
    match sources.get(&resolved) {
        Some(&target) => {
            let mut url = format!("{root}{}", content.pages[target].url);
            if let Some(a) = &anchor {
                url.push('#');
                url.push_str(a);
            }
            LinkTarget::Page {
                url,
                target,
                anchor,
            }
        }
        None => LinkTarget::Missing(resolved),
    }
}

fn nearby_hint(path: &Path, sources: &BTreeMap<PathBuf, usize>) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let same_name: Vec<_> = sources
        .keys()
        .filter(|p| p.file_name().map(|n| n.to_string_lossy()) == Some(name.as_str().into()))
        .collect();
    match same_name.first() {
        Some(p) => format!("a file with that name exists at {}; links are relative to the linking file", p.display()),
        None => "links to other pages are relative paths to their .md files, e.g. ../02-drivers/install-driver.md".into(),
    }
}

/// `"02-drivers/x.html"` → `"../"`; `"index.html"` → `""`.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

pub fn is_external(url: &str) -> bool {
    url.starts_with("//")
        || url.starts_with("data:")
        || url.starts_with("mailto:")
        || url.starts_with("tel:")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                && scheme.len() > 1
        })
}

/// Lexically resolve `.` and `..` (no file system access, so it works for missing files too).
pub fn normalize_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

/// A heading id: lower-case, letters and digits of any script kept, spaces become '-'.
pub fn slugify(text: &str) -> String {
    let mut s = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !s.ends_with('-') && !s.is_empty()
        {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

fn unique_id(wanted: &str, used: &mut HashSet<String>) -> String {
    let mut id = wanted.to_string();
    let mut n = 1;
    while used.contains(&id) {
        id = format!("{wanted}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

fn collapse_blank_lines(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replace each local `<img …>` in raw HTML by a marker, recording it in `images`.
fn replace_raw_images(html: &str, images: &mut Vec<ImageRef>, line: usize) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<img") {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + len + 1];
        out.push_str(&rest[..start]);
        let src = attr(tag, "src").unwrap_or_default();
        if src.is_empty() || is_external(&src) {
            out.push_str(tag);
        } else {
            out.push_str(&image_marker(images.len()));
            let before = html.len() - rest.len() + start;
            images.push(ImageRef {
                src,
                alt: attr(tag, "alt").unwrap_or_default(),
                title: attr(tag, "title").unwrap_or_default(),
                line: line + html[..before].matches('\n').count(),
            });
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The value of attribute `name` in one HTML start tag (quoted or bare).
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = lower[..at].ends_with(|c: char| c.is_whitespace());
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let v = tag[value_start..].trim_start();
        let value = match v.chars().next() {
            Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or(""),
            _ => v
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or(""),
        };
        return Some(html_unescape(value));
    }
    None
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_chinese_and_lowercase_ascii() {
        assert_eq!(slugify("USB Key 的初始口令"), "usb-key-的初始口令");
        assert_eq!(slugify("  Hello, World!  "), "hello-world");
        assert_eq!(slugify("？？"), "section");
    }

    #[test]
    fn ids_are_unique_and_avoid_reserved() {
        let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
        assert_eq!(unique_id("注意", &mut used), "注意");
        assert_eq!(unique_id("注意", &mut used), "注意-1");
        assert_eq!(unique_id("main", &mut used), "main-1");
    }

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("02-drivers/x.html"), "../");
    }

    #[test]
    fn external_urls_are_recognised() {
        assert!(is_external("https://a.b/c"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("../x.md"));
        assert!(!is_external("images/a.png"));
    }

    #[test]
    fn raw_img_tags_become_markers() {
        let mut imgs = Vec::new();
        let out = replace_raw_images(
            "<p><img src=\"a.png\" alt='图 1'> and <img src=\"https://x/y.png\"></p>",
            &mut imgs,
            4,
        );
        assert_eq!(imgs.len(), 1);
        assert_eq!(imgs[0].src, "a.png");
        assert_eq!(imgs[0].alt, "图 1");
        assert!(out.contains(&image_marker(0)));
        assert!(out.contains("https://x/y.png"));
    }

    #[test]
    fn normalize_resolves_dot_dot() {
        assert_eq!(
            normalize_path(Path::new("content/a/../b/./c.md")),
            PathBuf::from("content/b/c.md")
        );
    }
}
