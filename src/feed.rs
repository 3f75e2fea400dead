//! `atom.xml`: an Atom feed of one language's most recently updated questions (`[feed]`),
//! by the "last updated" date each page already has (`content::dates`); pages without a date
//! are not in it. Written only with `base_url` (a feed's links must be absolute), into each
//! language's folder (`atom.xml`, `en/atom.xml`).

use crate::config::{Config, FEED_FILE};
use crate::content::{Content, PageKind};
use crate::html::{encode_path, escape};
use crate::markdown::Rendered;
use crate::output::OutputFile;

/// The summary of an entry without a `description`: its answer's first characters.
const SUMMARY_CHARS: usize = 200;

/// `atom.xml` of `content` (one language's pages, `config` that language's), if written.
pub fn feed(config: &Config, content: &Content, rendered: &[Rendered]) -> Option<OutputFile> {
    let self_url = config.feed_url()?;
    let base = config.base_url_trimmed()?;
    let entries = newest(content, config.feed.limit);
    // The newest entry's date, else none at all: a feed of no dated page is still valid
    // Atom with the earliest date (deterministic: never the build's time).
    let updated = entries.first().map_or("1970-01-01", |&i| {
        content.pages[i].updated.as_deref().unwrap_or("1970-01-01")
    });
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape(&config.language)
    ));
    xml.push_str(&format!("  <title>{}</title>\n", escape(&config.title)));
    if !config.description.is_empty() {
        xml.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape(&config.description)
        ));
    }
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&self_url)
    ));
    let home = format!("{base}/");
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{0}\"/>\n  <id>{0}</id>\n",
        escape(&home)
    ));
    xml.push_str(&format!(
        "  <updated>{}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
        escape(updated),
        escape(&config.title)
    ));
    for i in entries {
        xml.push_str(&entry(base, content, rendered, i));
    }
    xml.push_str("</feed>\n");
    Some(OutputFile::new(FEED_FILE, xml))
}

/// The questions with a date, newest first (the same date: in reading order), at most `limit`.
fn newest(content: &Content, limit: usize) -> Vec<usize> {
    let mut dated: Vec<usize> = (0..content.pages.len())
        .filter(|&i| {
            let p = &content.pages[i];
            matches!(p.kind, PageKind::Question(..)) && p.updated.is_some()
        })
        .collect();
    // Stable: pages of one date keep their reading order.
    dated.sort_by(|&a, &b| content.pages[b].updated.cmp(&content.pages[a].updated));
    dated.truncate(limit);
    dated
}

/// One question's `<entry>`.
fn entry(base: &str, content: &Content, rendered: &[Rendered], i: usize) -> String {
    let p = &content.pages[i];
    let link = escape(&format!("{base}/{}", encode_path(&p.url)));
    let summary = if p.description.is_empty() {
        rendered
            .get(i)
            .map(|r| crate::templates::summary(&r.text, SUMMARY_CHARS))
            .unwrap_or_default()
    } else {
        p.description.clone()
    };
    // An untranslated original shown in this language: its text's own language.
    let lang = match content.language.text_language(&p.source.path) {
        "" => String::new(),
        l => format!(" xml:lang=\"{}\"", escape(l)),
    };
    let mut out = format!(
        "  <entry{lang}>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n    <id>{link}</id>\n    <updated>{}T00:00:00Z</updated>\n",
        escape(&p.title),
        escape(p.updated.as_deref().unwrap_or_default()),
    );
    if !summary.is_empty() {
        out.push_str(&format!("    <summary>{}</summary>\n", escape(&summary)));
    }
    out.push_str("  </entry>\n");
    out
}
