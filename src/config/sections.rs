//! The tables of site.toml besides its top-level keys (`[search]`, `[images]`, `[print]`,
//! `[feedback]`, `[feed]`, `[markdown]`, `[links]`, `[theme]`, `[[contact]]`, `footer`): each
//! one's keys and defaults.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::lines::KeyLines;
use super::{default_language, CONFIG_FILE};
use crate::error::Diagnostic;

/// Where the pages send their events (`[feedback] enabled`): a 1×1 GIF the build writes, so
/// each event is a line of the web server's own access log, which `faqsite report` reads.
pub const EVENT_FILE: &str = "_/e.gif";

/// The bytes of [`EVENT_FILE`]: a transparent 1×1 GIF (43 bytes).
pub const EVENT_GIF: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// The analytics services whose page API `feedback.js` can hand the same events to.
pub const ANALYTICS: &[&str] = &["plausible", "umami", "ga4", "baidu"];

/// `[feedback]`: "was this helpful?" under every answer (on unless `ask = false`), what a "no"
/// offers, and the events (off unless `enabled = true`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FeedbackConfig {
    /// Record events by requesting [`EVENT_FILE`] (searches, opened results, votes, contacts).
    pub enabled: bool,
    /// Show the "was this helpful?" box.
    pub ask: bool,
    /// A form, ticket or `mailto:` link offered after a "no": `{title}` and `{url}` are filled
    /// with the question's title and address, percent-encoded.
    pub form: String,
    /// Also hand the events to this service's page script (one of [`ANALYTICS`]), which the
    /// site loads itself (`extra_js` or a template).
    pub analytics: String,
}

impl Default for FeedbackConfig {
    fn default() -> Self {
        FeedbackConfig {
            enabled: false,
            ask: true,
            form: String::new(),
            analytics: String::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub label: String,
    pub value: String,
    #[serde(default)]
    pub href: String,
}

/// `[markdown]`: how answers are turned into HTML.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Let raw HTML in the Markdown through as HTML (it can run scripts on the site's pages).
    /// Off: it is shown as text, and `build` and `check` warn where.
    pub raw_html: bool,
    /// The site's `[links]` (filled from the top level, not read from `[markdown]`).
    #[serde(skip)]
    pub links: LinksConfig,
    /// The callouts' labels in the site's language, in the order of `markdown::CALLOUT_KINDS`:
    /// the theme's `callout_<kind>` strings, set by the build (not read from site.toml).
    #[serde(skip)]
    pub callout_labels: Vec<String>,
}

/// `[links]`: where links to documents that are not in the site go.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    /// The address of the site these docs come from: a link to a `.md` file under `content/`
    /// that is not in this site goes there (`a/b.md` → `{outside}a/b`), and is checked as an
    /// external link. Unset: such a link is an error.
    pub outside: Option<String>,
    /// What replaces `.md` in those addresses: none by default (an index file, `README.md`,
    /// `index.md` or `_index.md`, is then its folder), `".html"`, or `".md"` to keep it.
    pub outside_extension: String,
}

/// `[search]`: the client-side search index.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    pub enabled: bool,
    pub title_boost: f64,
    pub body_boost: f64,
    pub chapter_boost: f64,
    pub tags_boost: f64,
    /// Characters of context shown around the best hit in a result.
    pub snippet_length: usize,
    pub max_results: usize,
    /// Sites with more questions than this get a sharded index (loaded on demand per query).
    pub shard_above: usize,
    /// Groups of words that mean the same thing to this site's customers (`[["U盾", "UKey",
    /// "USB Key"], ...]`): a query with one of them finds pages with any of them.
    pub synonyms: Vec<Vec<String>>,
    /// Example queries the "nothing found" hint suggests.
    pub examples: Vec<String>,
    /// Words of a query asking how to reach the company (客服, 联系 …): it shows every
    /// `[[contact]]` entry first (other queries show the entries whose label or value they name).
    pub contact_words: Vec<String>,
    /// The site's `[[contact]]` entries (filled from the top level, not read from `[search]`).
    #[serde(skip)]
    pub contacts: Vec<Contact>,
    /// The site's `language` (filled from the top level): picks the search's stop and
    /// question words (`search::words`).
    #[serde(skip)]
    pub language: String,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            title_boost: 4.0,
            body_boost: 1.0,
            chapter_boost: 2.0,
            tags_boost: 2.0,
            snippet_length: 120,
            max_results: 10,
            shard_above: 2000,
            synonyms: Vec::new(),
            examples: Vec::new(),
            contact_words: Vec::new(),
            contacts: Vec::new(),
            language: default_language(),
        }
    }
}

/// `[images]`: screenshot processing.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Wider images get a resized web copy; the original stays available by clicking.
    pub max_width: u32,
    /// Offer a WebP variant (libwebp, lossy, quality 90) when it is smaller than the original.
    pub webp: bool,
    /// Images whose header declares more pixels (width × height) than this are refused before
    /// they are decoded: 40 megapixels by default (a 7680×5120 picture).
    pub max_pixels: u64,
    /// Memory the decoder may allocate for one image, in MiB (512 by default).
    pub max_memory_mb: u64,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        let ceiling = ImageCeiling::default();
        ImagesConfig {
            max_width: 960,
            webp: true,
            max_pixels: ceiling.max_pixels,
            max_memory_mb: ceiling.max_memory_mb,
        }
    }
}

/// The most `[images] max_pixels` and `max_memory_mb` may be: site.toml may lower its limits,
/// never raise them past this; only the command line can (`--max-image-pixels`,
/// `--max-image-memory-mb`), as content and config come from pull requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageCeiling {
    pub max_pixels: u64,
    pub max_memory_mb: u64,
}

impl Default for ImageCeiling {
    fn default() -> Self {
        ImageCeiling {
            max_pixels: 40_000_000,
            max_memory_mb: 512,
        }
    }
}

impl ImagesConfig {
    /// The limits above `ceiling`, each at its line of the site's site.toml (`lines`).
    pub fn above(&self, ceiling: ImageCeiling, root: &Path, lines: &KeyLines) -> Vec<Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let limits = [
            (
                "max_pixels",
                self.max_pixels,
                ceiling.max_pixels,
                "--max-image-pixels",
            ),
            (
                "max_memory_mb",
                self.max_memory_mb,
                ceiling.max_memory_mb,
                "--max-image-memory-mb",
            ),
        ];
        limits
            .into_iter()
            .filter(|(_, value, most, _)| value > most)
            .map(|(key, value, most, flag)| {
                Diagnostic::new(
                    &path,
                    lines.line(&format!("images.{key}")),
                    format!("`[images] {key}` = {value} is above the most site.toml may set ({most})"),
                )
                .hint(format!(
                    "lower it; if these images are trusted and meant to be that large, build with {flag} {value}"
                ))
            })
            .collect()
    }
}

/// `[print]`: the printable quick-start manual.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PrintConfig {
    /// Cover title; the site title when empty.
    pub title: String,
    pub subtitle: String,
    pub edition: String,
    pub date: String,
    /// CSS page size: `A4`, `A5`, `letter`, …
    pub paper: String,
    /// Also write `manual.pdf` with headless Chromium.
    pub pdf: bool,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            title: String::new(),
            subtitle: String::new(),
            edition: String::new(),
            date: String::new(),
            paper: "A4".into(),
            pdf: false,
        }
    }
}

fn default_theme() -> String {
    "default".into()
}

/// The theme to use and what the site adds to it (`theme = "name"` or `[theme]`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ThemeConfig {
    /// `themes/<name>/` of the site, or the built-in `default`.
    pub name: String,
    /// Style sheets of the site's `static/` linked after the theme's, on every page.
    pub extra_css: Vec<String>,
    /// Scripts of the site's `static/` loaded (deferred) on every page.
    pub extra_js: Vec<String>,
}

impl Default for ThemeConfig {
    fn default() -> Self {
        ThemeConfig {
            name: default_theme(),
            extra_css: Vec::new(),
            extra_js: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeTable {
    #[serde(default = "default_theme")]
    name: String,
    #[serde(default)]
    extra_css: Vec<String>,
    #[serde(default)]
    extra_js: Vec<String>,
}

impl<'de> Deserialize<'de> for ThemeConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ThemeConfig;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a theme name, or a [theme] table with name, extra_css, extra_js")
            }
            fn visit_str<E: serde::de::Error>(
                self,
                name: &str,
            ) -> std::result::Result<ThemeConfig, E> {
                Ok(ThemeConfig {
                    name: name.to_string(),
                    ..ThemeConfig::default()
                })
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                map: M,
            ) -> std::result::Result<ThemeConfig, M::Error> {
                let t = ThemeTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(ThemeConfig {
                    name: t.name,
                    extra_css: t.extra_css,
                    extra_js: t.extra_js,
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A footer line: plain text, or a link.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum FooterLine {
    Text(String),
    Link { text: String, href: String },
}

/// Each language's Atom feed, in its folder (`atom.xml`, `en/atom.xml`).
pub const FEED_FILE: &str = "atom.xml";

/// `[feed]`: an Atom feed (`atom.xml`, `en/atom.xml`) of each language's `limit` most
/// recently updated questions; on unless `enabled = false`, written only with `base_url`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FeedConfig {
    pub enabled: bool,
    /// How many questions, newest first.
    pub limit: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            enabled: true,
            limit: 20,
        }
    }
}

impl FeedConfig {
    pub(crate) fn is_default(&self) -> bool {
        *self == FeedConfig::default()
    }
}
