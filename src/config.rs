//! Stage 1: `site.toml` → [`Config`]. Unknown keys are errors that list the valid ones.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{line_col, Diagnostic, Error, Result};

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
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub images: ImagesConfig,
    #[serde(default)]
    pub print: PrintConfig,
    /// Contact details shown in the footer and on the manual's back page.
    #[serde(default)]
    pub contact: Vec<Contact>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub label: String,
    pub value: String,
    #[serde(default)]
    pub href: String,
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
        ImagesConfig {
            max_width: 960,
            webp: true,
            max_pixels: 40_000_000,
            max_memory_mb: 512,
        }
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
    /// Browser executable for the PDF; searched on PATH when empty.
    pub browser: String,
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
            browser: String::new(),
        }
    }
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_output_dir() -> PathBuf {
    PathBuf::from("public")
}

impl Config {
    /// Read `site.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
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
        let config: Config = toml::from_str(text).map_err(|e| toml_error(&e, text, path, 0))?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let mut errors = Vec::new();
        if self.title.trim().is_empty() {
            errors.push(Diagnostic::new(path, 0, "`title` must not be empty"));
        }
        if let Some(url) = &self.base_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                errors.push(
                    Diagnostic::new(
                        path,
                        0,
                        format!("`base_url` = {url:?} is not an absolute URL"),
                    )
                    .hint("write it like \"https://help.example.com/faq/\""),
                );
            }
        }
        if self.images.max_width < 16 {
            errors.push(Diagnostic::new(
                path,
                0,
                "`[images] max_width` must be at least 16",
            ));
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

    /// `base_url` without a trailing slash, if set.
    pub fn base_url_trimmed(&self) -> Option<&str> {
        self.base_url.as_deref().map(|u| u.trim_end_matches('/'))
    }
}

/// Turn a toml error into a diagnostic; `line_offset` is added to the line (for front matter
/// that starts below the first line of its file).
pub fn toml_error(e: &toml::de::Error, text: &str, path: &Path, line_offset: usize) -> Error {
    let (line, col) = e.span().map_or((1, 0), |s| line_col(text, s.start));
    let message = e.message().trim().to_string();
    let mut d = Diagnostic::new(path, line + line_offset, message.clone()).col(col);
    if message.starts_with("unknown field") {
        d = d.hint("remove the key or fix its spelling; the valid keys are listed above");
    }
    Error::one(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply() {
        let c = Config::parse("title = \"FAQ\"\n", Path::new("site.toml")).unwrap();
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.theme, "default");
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert!(c.search.enabled);
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
    fn relative_base_url_is_rejected() {
        let err = Config::parse(
            "title = \"FAQ\"\nbase_url = \"faq/\"\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("base_url"));
    }
}
