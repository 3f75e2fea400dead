//! Stage 1: `site.toml` → [`Config`]. Unknown keys are errors that list the valid ones.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{line_col, Diagnostic, Error, Result};

mod languages;
mod lines;
mod sections;
pub use languages::{native_name, LanguageConfig, Untranslated};
pub use lines::KeyLines;
pub use sections::{
    Contact, FeedConfig, FeedbackConfig, FooterLine, ImageCeiling, ImagesConfig, LinksConfig,
    MarkdownConfig, PrintConfig, SearchConfig, ThemeConfig, ANALYTICS, EVENT_FILE, EVENT_GIF,
    FEED_FILE,
};

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

fn is_omit(u: &Untranslated) -> bool {
    *u == Untranslated::Omit
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

    /// A warning at `[feed]` of site.toml (`path`) when the site asks for a feed none is
    /// written for: it has no `base_url` (after `--base-url`), and a feed's links are absolute.
    pub fn feed_warning(&self, path: &Path) -> Option<Diagnostic> {
        let line = self.lines.line("feed");
        (line > 0 && self.feed.enabled && self.base_url.is_none()).then(|| {
            Diagnostic::new(
                path,
                line,
                "no Atom feed is written: a feed's links are absolute and the site has no base_url",
            )
            .hint("set base_url = \"https://…/\" in site.toml (or build --base-url), or remove [feed]")
            .warning()
        })
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
        assert_eq!(c.lines.line("images"), 6, "a table at its header");
        assert_eq!(c.lines.line("contact.1.href"), 15);
        assert_eq!(c.lines.line("contact.0.href"), 0, "not set");
        assert_eq!(c.lines.line("base_url"), 0);
        assert_eq!(c.lines.line("max_pixels"), 0, "not at the top level");
        // Tables named by dotted headers (serde's Spanned refused them, and with them every line).
        let text = "title = \"t\"\n[languages.en]\ntitle = \"T\"\n\n[[languages.en.contact]]\nlabel = \"x\"\nvalue = \"y\"\n[feed]\nlimit = 2\n";
        let c = Config::parse(text, Path::new("site.toml")).unwrap();
        assert_eq!(c.lines.line("languages.en"), 2);
        assert_eq!(c.lines.line("languages.en.title"), 3);
        assert_eq!(c.lines.line("languages.en.contact.0.value"), 7);
        assert_eq!(c.lines.line("feed"), 8);
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
