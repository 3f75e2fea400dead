//! Tags of questions (`tags` in front matter): each tag gets a page listing the questions that
//! share it, `tags/<slug>.html` (slug by [`crate::slug::slug`], so `证书` → `zheng-shu`), and
//! `tags/index.html` lists every tag. Tags whose slugs are equal are one tag, shown by the
//! spelling met first in reading order.

use std::collections::BTreeMap;

use super::{Content, PageKind};

/// The folder of the tag pages (no alias or chapter may take it).
pub const TAGS_DIR: &str = "tags";
/// The page listing every tag.
pub const TAGS_INDEX: &str = "tags/index.html";

/// One tag and the questions that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// As first written in reading order.
    pub name: String,
    pub slug: String,
    /// `tags/<slug>.html`.
    pub url: String,
    /// Indexes into [`Content::pages`], in reading order.
    pub questions: Vec<usize>,
}

/// The URL of the page of tag `name`.
pub fn url(name: &str) -> String {
    format!("{TAGS_DIR}/{}.html", crate::slug::slug(name, 60))
}

impl Content {
    /// Every tag of the questions, sorted by slug (pinyin order for Chinese tags).
    pub fn tags(&self) -> Vec<Tag> {
        let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
        for (i, page) in self.pages.iter().enumerate() {
            if !matches!(page.kind, PageKind::Question(..)) {
                continue;
            }
            for name in &page.tags {
                if name.trim().is_empty() {
                    continue;
                }
                let slug = crate::slug::slug(name, 60);
                let tag = by_slug.entry(slug.clone()).or_insert_with(|| Tag {
                    name: name.trim().to_string(),
                    url: format!("{TAGS_DIR}/{slug}.html"),
                    slug,
                    questions: Vec::new(),
                });
                if tag.questions.last() != Some(&i) {
                    tag.questions.push(i);
                }
            }
        }
        by_slug.into_values().collect()
    }
}
