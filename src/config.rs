//! Stage 1: `site.toml` → [`Config`]. Unknown keys are errors that list the valid ones.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{line_col, Diagnostic, Error, Result};

mod languages;
pub use languages::{native_name, LanguageConfig, Untranslated};

pub const CONFIG_FILE: &str = "site.toml";

/// The whole of `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// Absolute URL the site is served from; enables `sitemap.xml` and `robots.txt`.
    #[serde(default)]
    pub base_url: Option<String>,
    /// `theme = "name"`, or a `[theme]` table with `name`, `extra_css`, `extra_js`.
    #[serde(default)]
    pub theme: ThemeConfig,
    /// A file of the site's `static/` shown in the header instead of the theme's mark.
    #[serde(default)]
    pub logo: String,
    /// A file of the site's `static/` used as the favicon instead of the theme's.
    #[serde(default)]
    pub favicon: String,
    /// Lines at the foot of every page (an ICP number…): text, or `{ text, href }` for a link.
    #[serde(default)]
    pub footer: Vec<FooterLine>,
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub links: LinksConfig,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub images: ImagesConfig,
    #[serde(default)]
    pub print: PrintConfig,
    /// Contact details shown in the footer and on the manual's back page.
    #[serde(default)]
    pub contact: Vec<Contact>,
    /// `[strings]`: the theme's UI words this site changes (key → text; the keys are those of
    /// the theme's `strings/<language>.toml`).
    #[serde(default)]
    pub strings: std::collections::BTreeMap<String, String>,
    /// `[feedback]`: the "was this helpful?" box and the events of `faqsite report`.
    #[serde(default)]
    pub feedback: FeedbackConfig,
    /// `[feed]`: each language's `atom.xml` of its last updated questions (with `base_url`).
    #[serde(default, skip_serializing_if = "FeedConfig::is_default")]
    pub feed: FeedConfig,
    /// `[languages.<code>]`: the languages the site is translated into besides `language`
    /// (see `config/languages.rs`); none for a site in one language.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub languages: std::collections::BTreeMap<String, LanguageConfig>,
    /// A page without a translation: left out of that language (`"omit"`) or shown there with
    /// the original's text (`"original"`).
    #[serde(default, skip_serializing_if = "is_omit")]
    pub untranslated: Untranslated,
    /// The site's default `language` (a language's build changes `language`, not this).
    #[serde(skip)]
    site_language: String,
    /// Where its keys are in site.toml, for messages about their values.
    #[serde(skip)]
    pub lines: KeyLines,
}

/// Each language's Atom feed, in its folder (`atom.xml`, `en/atom.xml`).
pub const FEED_FILE: &str = "atom.xml";

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
    fn is_default(&self) -> bool {
        *self == FeedConfig::default()
    }
}

fn is_omit(u: &Untranslated) -> bool {
    *u == Untranslated::Omit
}

/// The 1-based line of every key and array element set in site.toml, by its path
/// (`output_dir`, `images.max_pixels`, `contact.0.href`, `footer.1`), read once with the file:
/// a message about a value points at its line without reading and parsing the file again.
#[derive(Debug, Clone, Default)]
pub struct KeyLines(std::collections::BTreeMap<String, usize>);

impl KeyLines {
    /// The lines of `text` (none when it is not TOML: its parse error is reported anyway).
    pub fn read(text: &str) -> KeyLines {
        let mut lines = KeyLines::default();
        if let Ok(top) = toml::from_str::<TomlNode>(text) {
            lines.walk(text, "", &top);
        }
        lines
    }

    fn walk(&mut self, text: &str, prefix: &str, node: &TomlNode) {
        let children: Vec<(String, &toml::Spanned<TomlNode>)> = match node {
            TomlNode::Table(entries) => entries.iter().map(|(k, v)| (k.clone(), v)).collect(),
            TomlNode::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            TomlNode::Leaf => return,
        };
        for (name, value) in children {
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}.{name}")
            };
            self.0
                .insert(path.clone(), line_col(text, value.span().start).0);
            self.walk(text, &path, value.get_ref());
        }
    }

    /// The line of `key` (`output_dir`, `images.max_pixels`); 0 when it is not set.
    pub fn line(&self, key: &str) -> usize {
        self.0.get(key).copied().unwrap_or(0)
    }
}

/// A TOML value as far as [`KeyLines`] needs it: tables and arrays with where each entry
/// starts, everything else a leaf.
enum TomlNode {
    Table(Vec<(String, toml::Spanned<TomlNode>)>),
    Array(Vec<toml::Spanned<TomlNode>>),
    Leaf,
}

impl<'de> Deserialize<'de> for TomlNode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(TomlNodeVisitor)
    }
}

struct TomlNodeVisitor;

impl<'de> serde::de::Visitor<'de> for TomlNodeVisitor {
    type Value = TomlNode;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<TomlNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(TomlNode::Table(entries))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<TomlNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(TomlNode::Array(items))
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
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

/// An error at each key site.toml no longer has, with what to do instead: `[print] browser`
/// (a config file that contributors edit must not name a program for the build to run). A
/// file that does not parse is left to the full parse.
fn removed_keys(lines: &KeyLines, path: &Path) -> Result<()> {
    match lines.line("print.browser") {
        0 => Ok(()),
        line => Err(Error::one(
            Diagnostic::new(path, line, REMOVED_BROWSER).hint(REMOVED_BROWSER_HINT),
        )),
    }
}

/// The message for a site.toml that still has `[print] browser`.
pub const REMOVED_BROWSER: &str = "`[print] browser` was removed for safety: site.toml can no longer name a program for faqsite to run";
const REMOVED_BROWSER_HINT: &str = "delete this line; choose the browser for the PDF on the build machine instead: `faqsite build --pdf --browser PATH`, or FAQSITE_BROWSER=PATH in the environment (by default chromium, chromium-browser or google-chrome is found on PATH)";

fn default_language() -> String {
    "zh-CN".into()
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
fn default_output_dir() -> PathBuf {
    PathBuf::from("public")
}

impl Config {
    /// Read `site.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        // Through the gate: a site.toml that is a link out of the site (to /proc/self/environ)
        // is refused unread, so no line of it can be quoted in a message.
        let text = crate::paths::read_site_text(root, &path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound && !root.is_dir() {
                Error::one(
                    Diagnostic::new(root, 0, "the site folder does not exist").hint(format!(
                        "check the path, or create a new site there with: faqsite init {}",
                        root.display()
                    )),
                )
            } else if e.kind() == std::io::ErrorKind::NotFound {
                Error::one(
                    Diagnostic::new(&path, 0, "no site.toml found")
                        .hint("run faqsite in the site's folder or pass --root DIR"),
                )
            } else {
                Error::io("reading", &path, e)
            }
        })?;
        Config::parse(&text, &path)
    }

    /// Parse the text of a `site.toml`; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let lines = KeyLines::read(text);
        removed_keys(&lines, path)?;
        let mut config: Config = toml::from_str(text).map_err(|e| toml_error(&e, text, path, 0))?;
        config.lines = lines;
        config.validate(path)?;
        config.check_paths(path)?;
        config.search.contacts = config.contact.clone();
        config.search.language = config.language.clone();
        config.site_language = config.language.clone();
        config.markdown.links = config.links.clone();
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let mut errors = self.url_problems(path);
        errors.extend(self.language_problems(path));
        if self.title.trim().is_empty() {
            errors.push(Diagnostic::new(path, 0, "`title` must not be empty"));
        }
        if self.images.max_width < 16 {
            errors.push(Diagnostic::new(
                path,
                0,
                "`[images] max_width` must be at least 16",
            ));
        }
        for group in &self.search.synonyms {
            let words = group.iter().filter(|w| !w.trim().is_empty()).count();
            if words < 2 {
                errors.push(
                    Diagnostic::new(
                        path,
                        0,
                        format!("`[search] synonyms` group {group:?} has fewer than two words"),
                    )
                    .hint("a group lists words that mean the same, e.g. [\"U盾\", \"UKey\"]"),
                );
            }
        }
        let analytics = &self.feedback.analytics;
        if !analytics.is_empty() && !ANALYTICS.contains(&analytics.as_str()) {
            errors.push(
                Diagnostic::new(
                    path,
                    self.lines.line("feedback.analytics"),
                    format!(
                        "`[feedback] analytics` = {analytics:?} is not a service faqsite knows"
                    ),
                )
                .hint(format!(
                    "use one of {}, or leave it out",
                    ANALYTICS.join(", ")
                )),
            );
        }
        if self.images.max_pixels == 0 || self.images.max_memory_mb == 0 {
            errors.push(
                Diagnostic::new(
                    path,
                    0,
                    "`[images] max_pixels` and `max_memory_mb` must be more than 0",
                )
                .hint("leave them out for the defaults (40 megapixels, 512 MiB)"),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Input(errors))
        }
    }

    /// Config values that name a file or folder of the site are plain relative paths inside it
    /// (`crate::paths::site_relative`); `theme` and `language` are names, not paths.
    fn check_paths(&self, path: &Path) -> Result<()> {
        let mut errors = Vec::new();
        let names = [("theme", &self.theme.name), ("language", &self.language)];
        for (key, value) in names {
            let why = crate::paths::site_relative(value)
                .err()
                .or_else(|| value.contains('/').then_some("is a path, not a name"));
            if let Some(why) = why {
                errors.push(
                    Diagnostic::new(path, 0, format!("`{key}` = {value:?} {why}"))
                        .hint(format!("`{key}` is a name, like \"default\" or \"zh-CN\"")),
                );
            }
        }
        let files = [("logo", &self.logo), ("favicon", &self.favicon)];
        let extra = (self.theme.extra_css.iter().map(|f| ("extra_css", f)))
            .chain(self.theme.extra_js.iter().map(|f| ("extra_js", f)));
        for (key, value) in files
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .chain(extra)
        {
            if let Err(why) = crate::paths::site_relative(value) {
                errors.push(
                    Diagnostic::new(path, 0, format!("`{key}` = {value:?} {why}"))
                        .hint("name a file of the site's static/ folder, e.g. \"static/logo.png\""),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Input(errors))
        }
    }

    /// The site's default language (`language` of site.toml, whichever language's build
    /// this configuration is for).
    pub fn site_language(&self) -> &str {
        &self.site_language
    }

    /// `base_url` without a trailing slash, if set.
    pub fn base_url_trimmed(&self) -> Option<&str> {
        self.base_url.as_deref().map(|u| u.trim_end_matches('/'))
    }

    /// The absolute URL of this language's Atom feed: `None` when none is written (`[feed]
    /// enabled = false`, or no `base_url`: a feed's links must be absolute).
    pub fn feed_url(&self) -> Option<String> {
        let base = self.base_url_trimmed().filter(|_| self.feed.enabled)?;
        Some(format!("{base}/{FEED_FILE}"))
    }
}

impl Config {
    /// The URLs of site.toml that are refused, each at its line: `base_url` and
    /// `[links] outside` must be absolute http(s) URLs; footer links and `[[contact]] href`
    /// and `[feedback] form` must pass [`crate::safe_url::check`].
    fn url_problems(&self, path: &Path) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let absolute = [
            (
                "`base_url`",
                "base_url",
                &self.base_url,
                "https://help.example.com/faq/",
            ),
            (
                "`[links] outside`",
                "links.outside",
                &self.links.outside,
                "https://docs.example.com/",
            ),
        ];
        for (name, key, url, example) in absolute {
            let Some(url) = url else { continue };
            if let Err(problem) = check_absolute_url(name, url) {
                found.push(
                    Diagnostic::new(path, self.lines.line(key), problem)
                        .hint(format!("write it like \"{example}\"")),
                );
            }
        }
        let footer = self.footer.iter().enumerate().filter_map(|(i, f)| match f {
            FooterLine::Link { href, .. } => Some(("a `footer` link", href, format!("footer.{i}"))),
            FooterLine::Text(_) => None,
        });
        let contact = (self.contact.iter().enumerate())
            .map(|(i, c)| ("a `[[contact]] href`", &c.href, format!("contact.{i}.href")))
            .filter(|(_, _, key)| self.lines.line(key) != 0);
        let form = (!self.feedback.form.is_empty()).then(|| {
            let key = "feedback.form".to_string();
            ("`[feedback] form`", &self.feedback.form, key)
        });
        for (what, href, key) in footer.chain(contact).chain(form) {
            if let Err(refused) = crate::safe_url::check(href, false) {
                found.push(
                    Diagnostic::new(path, self.lines.line(&key), format!("{what} {href:?} is refused: {}", refused.reason()))
                        .hint("link to a web address (https://…), an e-mail (mailto:…) or a phone number (tel:…)"),
                );
            }
        }
        found
    }
}

/// `base_url` (from site.toml or `--base-url`): an absolute http(s) URL with a host, no
/// control character, that a URL parser reads; else what is wrong with it.
pub fn check_base_url(url: &str) -> std::result::Result<(), String> {
    check_absolute_url("`base_url`", url)
}

/// A URL of site.toml that must be an absolute http(s) URL (`key` names it in the message).
fn check_absolute_url(key: &str, url: &str) -> std::result::Result<(), String> {
    if let Err(refused) = crate::safe_url::check(url, false) {
        return Err(format!("{key} = {url:?} is refused: {}", refused.reason()));
    }
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(()),
        Ok(_) | Err(_) => Err(format!("{key} = {url:?} is not an absolute URL")),
    }
}

/// Turn a toml error into a diagnostic; `line_offset` is added to the line (for front matter
/// that starts below the first line of its file).
pub fn toml_error(e: &toml::de::Error, text: &str, path: &Path, line_offset: usize) -> Error {
    let (line, col) = e.span().map_or((1, 0), |s| line_col(text, s.start));
    let message = e.message().trim().to_string();
    let mut d = Diagnostic::new(path, line + line_offset, message.clone()).col(col);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default();
        // "…, expected one of `a`, `b`": the names between backticks after "expected".
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        d = d.hint(match crate::error::closest(key, &expected) {
            Some(k) => format!("did you mean `{k}`?"),
            None => "remove the key or fix its spelling; the valid keys are listed above".into(),
        });
    }
    Error::one(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_knows_the_lines_of_its_keys() {
        let text = "title = \"t\"\n\noutput_dir = \"out\"\nfooter = [\"a\",\n  { text = \"b\", href = \"https://b\" }]\n[images]\nmax_pixels = 5\n[[contact]]\nlabel = \"x\"\nvalue = \"y\"\n\n[[contact]]\nlabel = \"p\"\nvalue = \"q\"\nhref = \"tel:1\"\n";
        let c = Config::parse(text, Path::new("site.toml")).unwrap();
        assert_eq!(c.lines.line("output_dir"), 3);
        assert_eq!(c.lines.line("footer.1"), 5);
        assert_eq!(c.lines.line("images.max_pixels"), 7);
        assert_eq!(c.lines.line("contact.1.href"), 15);
        assert_eq!(c.lines.line("contact.0.href"), 0, "not set");
        assert_eq!(c.lines.line("base_url"), 0);
        assert_eq!(c.lines.line("max_pixels"), 0, "not at the top level");
    }

    #[test]
    fn defaults_apply() {
        let c = Config::parse("title = \"FAQ\"\n", Path::new("site.toml")).unwrap();
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.theme.name, "default");
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert!(c.search.enabled);
        assert!(!c.markdown.raw_html);
        assert_eq!(c.images.max_width, 960);
        assert_eq!(c.print.paper, "A4");
    }

    #[test]
    fn unknown_key_names_line_and_valid_keys() {
        let err =
            Config::parse("title = \"FAQ\"\ntheem = \"x\"\n", Path::new("site.toml")).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.line, 2);
        assert!(d.message.contains("theem"), "{}", d.message);
        assert!(
            d.message.contains("theme"),
            "lists valid keys: {}",
            d.message
        );
    }

    #[test]
    fn a_synonym_group_of_one_word_is_an_error() {
        let err = Config::parse(
            "title = \"FAQ\"\n[search]\nsynonyms = [[\"U盾\", \"UKey\"], [\"密码\"]]\n",
            Path::new("site.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("[\"密码\"] has fewer than two words"), "{err}");
    }

    #[test]
    fn unknown_key_in_table_is_an_error() {
        let err = Config::parse(
            "title = \"FAQ\"\n[search]\nenabled = true\nboost = 3\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        assert_eq!(err.diagnostics()[0].line, 4);
        assert!(err.diagnostics()[0].message.contains("snippet_length"));
    }

    #[test]
    fn print_browser_is_refused_at_its_line() {
        let err = Config::parse(
            "title = \"FAQ\"\n[print]\npdf = true\nbrowser = \"/bin/sh\"\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!((d.line, d.message.as_str()), (4, REMOVED_BROWSER));
        assert!(d.hint.as_ref().unwrap().contains("FAQSITE_BROWSER"));
        // Not offered as a valid key when another key is misspelt.
        let err = Config::parse(
            "title = \"FAQ\"\n[print]\npapr = \"A5\"\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        assert!(!err.to_string().contains("browser"), "{err}");
    }

    #[test]
    fn feedback_is_asked_and_events_are_off_by_default() {
        let c = Config::parse("title = \"FAQ\"\n", Path::new("site.toml")).unwrap();
        assert!(c.feedback.ask && !c.feedback.enabled);
        let c = Config::parse(
            "title = \"FAQ\"\n[feedback]\nenabled = true\nanalytics = \"plausible\"\nform = \"https://t.example.com/new?s={title}&u={url}\"\n",
            Path::new("site.toml"),
        )
        .unwrap();
        assert!(c.feedback.enabled);
        assert_eq!(c.feedback.analytics, "plausible");
    }

    #[test]
    fn feedback_problems_are_errors_at_their_line() {
        let err = Config::parse(
            "title = \"FAQ\"\n[feedback]\nenabled = true\nform = \"javascript:alert(1)\"\nanalytics = \"matomo\"\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        let found: Vec<(usize, &str)> = err
            .diagnostics()
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert!(
            found
                .iter()
                .any(|(l, m)| *l == 4 && m.contains("`[feedback] form`")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|(l, m)| *l == 5 && m.contains("matomo")),
            "{found:?}"
        );
        let err = Config::parse(
            "title = \"FAQ\"\n[feedback]\nenable = true\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        assert_eq!(err.diagnostics()[0].line, 3);
        assert!(err.to_string().contains("enabled"), "{err}");
    }

    #[test]
    fn relative_base_url_is_rejected() {
        let err = Config::parse(
            "title = \"FAQ\"\nbase_url = \"faq/\"\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("base_url"));
    }
}
