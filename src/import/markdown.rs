//! Import of Markdown: reading a `.md` input, and finding in any document's Markdown (a
//! converted `.docx` too) its headings (level, title as written, where the text under each
//! starts), the ids links may use for them, and where each link's and image's destination is
//! written, with pulldown-cmark.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Document, Media};
use crate::error::Diagnostic;

#[derive(Clone, Debug)]
pub struct Heading {
    pub level: u8,
    /// The title as written (inline Markdown kept), its leading number stripped.
    pub title: String,
    /// 1-based line.
    pub line: usize,
    /// Byte offset of the heading, and of the text after it.
    pub start: usize,
    pub body_start: usize,
}

#[derive(Debug)]
pub struct Link {
    /// The destination as pulldown-cmark read it.
    pub url: String,
    /// Where it is written in the text.
    pub at: Range<usize>,
    pub image: bool,
    pub line: usize,
}

pub struct Parsed {
    /// Every heading with a title, in order.
    pub headings: Vec<Heading>,
    /// Links and images whose destination is written inline, in the order of the text.
    pub links: Vec<Link>,
    /// Heading ids (GitHub's rule, faqsite's, and the document's own anchors) → heading.
    pub ids: HashMap<String, usize>,
    /// Lines of headings without a title.
    pub empty: Vec<usize>,
}

/// Read a Markdown input (at most [`super::MAX_INPUT`] bytes of UTF-8); its images are files beside it.
pub fn read(path: &Path) -> Result<Document, Diagnostic> {
    let bad = |m: String| Diagnostic::new(path, 0, m);
    let bytes = super::read_input(path)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        bad("not UTF-8 text".into()).hint("save the file as UTF-8 and import it again")
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n");
    let text = blank_front_matter(text);
    Ok(Document {
        media: Media::Folder(path.parent().unwrap_or(Path::new(".")).to_path_buf()),
        path: path.to_path_buf(),
        text,
        paragraphs: None,
        anchors: HashMap::new(),
        notes: Vec::new(),
    })
}

/// The text with its front matter (`---` YAML or `+++` TOML, another generator's) made blank
/// lines, so that it becomes no heading or introduction and the line numbers stay.
fn blank_front_matter(text: String) -> String {
    let Some(fence) = ["---\n", "+++\n"].into_iter().find(|f| text.starts_with(f)) else {
        return text;
    };
    let close = format!("\n{}", fence);
    let Some(end) = text[3..].find(&close).map(|i| 3 + i + close.len()) else {
        return text;
    };
    "\n".repeat(text[..end].matches('\n').count()) + &text[end..]
}

/// 1-based line of byte `offset`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line number of every offset, counted once over the text.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        Lines(text.match_indices('\n').map(|(i, _)| i).collect())
    }
    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&nl| nl < offset) + 1
    }
}

/// A heading being read: its level, start, and the extent and text of its content.
struct Open {
    level: u8,
    range: Range<usize>,
    content: Option<Range<usize>>,
    plain: String,
    /// The id written with the heading (`## Title {#id}`).
    id: Option<String>,
}

pub fn parse(text: &str, anchors: &HashMap<usize, Vec<String>>) -> Parsed {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let lines = Lines::new(text);
    let mut headings = Vec::new();
    let mut plains = Vec::new();
    let mut links = Vec::new();
    let mut empty = Vec::new();
    let mut open: Option<Open> = None;
    for (ev, r) in Parser::new_ext(text, opts).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { level, ref id, .. }) => {
                let id = id.as_ref().map(|i| i.to_string());
                open = Some(Open {
                    level: level as u8,
                    range: r,
                    content: None,
                    plain: String::new(),
                    id,
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(o) = open.take() {
                    let title = o.content.map_or("", |c| text[c].trim());
                    let line = lines.of(o.range.start);
                    if title.is_empty() {
                        empty.push(line);
                    } else {
                        headings.push(Heading {
                            level: o.level,
                            title: super::strip_number(title).to_string(),
                            line,
                            start: o.range.start,
                            body_start: o.range.end,
                        });
                        plains.push((o.plain, o.id));
                    }
                }
                continue;
            }
            Event::Start(Tag::Link { ref dest_url, .. })
            | Event::Start(Tag::Image { ref dest_url, .. }) => {
                let image = matches!(ev, Event::Start(Tag::Image { .. }));
                links.extend(link(text, r.clone(), dest_url, image, &lines));
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some(o) = open.as_mut() {
                    o.plain.push_str(t);
                }
            }
            _ => {}
        }
        if let Some(o) = open.as_mut() {
            let c = o.content.get_or_insert(r.clone());
            c.start = c.start.min(r.start);
            c.end = c.end.max(r.end);
        }
    }
    links.sort_by_key(|l| l.at.start);
    let ids = ids(&headings, &plains, anchors);
    Parsed {
        headings,
        links,
        ids,
        empty,
    }
}

/// Where the destination `dest` of the link or image at `r` is written, if it is written
/// there (not in a reference definition elsewhere).
fn link(text: &str, r: Range<usize>, dest: &str, image: bool, lines: &Lines) -> Option<Link> {
    if dest.is_empty() {
        return None;
    }
    let pos = text[r.clone()].rfind(dest)?;
    Some(Link {
        url: dest.to_string(),
        at: r.start + pos..r.start + pos + dest.len(),
        image,
        line: lines.of(r.start),
    })
}

/// The ids a link may use for each heading: GitHub's (numbered when repeated; also without the
/// title's number), faqsite's, the id written with it and the anchors the document gave the
/// heading's line. The first heading keeps a shared id.
fn ids(
    headings: &[Heading],
    plains: &[(String, Option<String>)],
    anchors: &HashMap<usize, Vec<String>>,
) -> HashMap<String, usize> {
    let mut ids = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, (h, (plain, id))) in headings.iter().zip(plains).enumerate() {
        let base = github_id(plain);
        let n = seen.entry(base.clone()).or_insert(0);
        let gh = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        let own = anchors
            .get(&h.line)
            .into_iter()
            .flatten()
            .chain(id)
            .cloned();
        let stripped = github_id(super::strip_number(plain));
        let made = [gh, stripped, crate::markdown::slugify(plain)];
        for id in made.into_iter().chain(own) {
            ids.entry(id).or_insert(i);
        }
    }
    ids
}

/// GitHub's heading id: lower case, letters, digits, '-' and '_' kept, spaces become '-',
/// everything else dropped.
pub fn github_id(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_becomes_blank_lines() {
        let t = blank_front_matter("---\ntitle: A\n---\n# B\n".into());
        assert_eq!(t, "\n\n\n# B\n");
        let t = blank_front_matter("+++\ntitle = \"A\"\n+++\n\n# B\n".into());
        assert_eq!(t, "\n\n\n\n# B\n");
        assert_eq!(
            blank_front_matter("---\n\nno end\n".into()),
            "---\n\nno end\n"
        );
    }

    #[test]
    fn headings_links_and_ids_are_found() {
        let text = "intro\n\n# 1 Chapter\n\n## 1.1 `code` title {#own}\n\nSee [it](#code-title) and ![a](img/x.png \"t\").\n\n##\n\n## Again\n";
        let p = parse(text, &HashMap::from([(11, vec!["bm".to_string()])]));
        let titles: Vec<&str> = p.headings.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(titles, ["Chapter", "`code` title", "Again"]);
        assert_eq!(p.headings[1].line, 5);
        assert_eq!(p.empty, [9]);
        assert_eq!(p.links.len(), 2);
        assert_eq!(&text[p.links[0].at.clone()], "#code-title");
        assert_eq!(&text[p.links[1].at.clone()], "img/x.png");
        assert!(p.links[1].image);
        assert_eq!(p.ids["code-title"], 1);
        assert_eq!(p.ids["11-code-title"], 1);
        assert_eq!(p.ids["bm"], 2);
        assert_eq!(p.ids["own"], 1);
    }
}
