//! Which files of `content/` make one language's pages: the default language's are the
//! `.md` files as always, another language's (`en`) are the translations beside them
//! (`q.en.md` next to `q.md`, `_index.en.md` next to `_index.md`), with the original's name;
//! a page without a translation is left out of that language (or, with `untranslated =
//! "original"`, shown there with the original's text). A translation whose original is gone
//! is a warning.

use std::path::{Path, PathBuf};

use super::{display_path as shown, file_name, Entry, INDEX_FILE};
use crate::config::{Config, Untranslated};
use crate::error::Diagnostic;

/// The language one load of the content is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The language's code when it is not the site's default one (its files: `X.<code>.md`).
    pub code: Option<String>,
    /// The codes of every language but the default (their files are no default pages).
    pub others: Vec<String>,
    pub untranslated: Untranslated,
    /// The site's default language: the originals' (`zh-CN`).
    pub site: String,
}

/// The pages of the other languages a page's `.md` link may name: source path → URL from
/// this language's root (`../02-x/q.html`, `en/02-x/q.html`). A link there crosses languages.
/// Only looked up (a hash map: at 10,000 pages a `BTreeMap` of paths cost 0.4 G instructions
/// to build, comparing paths component by component).
pub type Elsewhere = std::collections::HashMap<PathBuf, String>;

impl Selection {
    /// The selection `config` (the configuration of one language's build) asks for.
    pub fn of(config: &Config) -> Selection {
        let site = config.site_language();
        Selection {
            code: (config.language != site).then(|| config.language.clone()),
            others: config
                .languages
                .keys()
                .filter(|c| *c != site)
                .cloned()
                .collect(),
            untranslated: config.untranslated,
            site: site.to_string(),
        }
    }

    /// The language of the text of the page made from `source` when it is not this one's: an
    /// untranslated original shown in this language (`untranslated = "original"`) is in the
    /// site's default language; else "".
    pub fn text_language(&self, source: &Path) -> &str {
        let Some(code) = &self.code else {
            return "";
        };
        // The path's last bytes, not `Path::file_name` (which parses every component): asked
        // for each entry of each page's sidebar. A code holds no separator, so `.<code>.md` at
        // the end is inside the file's name.
        let path = source.as_os_str().as_encoded_bytes();
        let translated = path
            .strip_suffix(b".md")
            .and_then(|s| s.strip_suffix(code.as_bytes()))
            .is_some_and(|s| s.ends_with(b"."));
        if translated {
            ""
        } else {
            &self.site
        }
    }

    /// `X.md` → (`X`, its language's code) for a translation of a declared language; `None`
    /// for a default-language file (or one that is no Markdown).
    fn split<'n>(&self, name: &'n str) -> Option<(&'n str, &'n str)> {
        let stem = name.strip_suffix(".md")?;
        let (base, code) = stem.rsplit_once('.')?;
        self.others
            .iter()
            .any(|c| c == code)
            .then_some((base, code))
    }

    /// Whether `name` is the home or a chapter's intro in some language (`_index.md`,
    /// `_index.en.md`).
    pub(super) fn is_index(&self, name: &str) -> bool {
        name == INDEX_FILE || self.split(name).is_some_and(|(b, _)| b == "_index")
    }

    /// The intro file of folder `dir` in this language: its translation, else (with
    /// `untranslated = "original"`, or for the default language) `_index.md`.
    pub(super) fn index_in(&self, dir: &Path) -> PathBuf {
        let original = dir.join(INDEX_FILE);
        let Some(code) = &self.code else {
            return original;
        };
        let own = dir.join(format!("_index.{code}.md"));
        match self.untranslated {
            Untranslated::Original if !own.is_file() => original,
            _ => own,
        }
    }

    /// A chapter folder whose intro this language has no translation of is left out: a
    /// warning if some of its questions are translated (they are left out with it).
    pub(super) fn chapter_left_out(
        &self,
        dir: &Path,
        root: &Path,
        entries: &[Entry],
    ) -> Vec<Diagnostic> {
        let Some(code) = &self.code else {
            return Vec::new();
        };
        let translated = entries.iter().filter(|e| {
            let name = file_name(&e.path);
            !e.is_dir
                && self
                    .split(&name)
                    .is_some_and(|(b, c)| c == code && b != "_index")
        });
        match translated.count() {
            0 => Vec::new(),
            n => vec![Diagnostic::new(
                shown(&dir.join(format!("_index.{code}.md")), root),
                0,
                format!("{n} question(s) of this chapter are translated into {code}, but the chapter is not: they are left out"),
            )
            .warning()
            .hint(format!("add _index.{code}.md beside _index.md with the chapter's title in {code}"))],
        }
    }

    /// The question files of a folder's `entries` in this language, each with the name its
    /// URL is made from (the original's: `q.en.md` → `q`), and warnings for translations
    /// whose original is gone.
    pub(super) fn questions(
        &self,
        entries: Vec<Entry>,
        root: &Path,
        warnings: &mut Vec<Diagnostic>,
    ) -> Vec<(Entry, String)> {
        let names: std::collections::BTreeSet<String> =
            entries.iter().map(|e| file_name(&e.path)).collect();
        let mut out = Vec::new();
        for e in entries {
            let name = file_name(&e.path);
            if e.is_dir || !name.ends_with(".md") || self.is_index(&name) {
                continue;
            }
            let pick = match (&self.code, self.split(&name)) {
                (None, None) => Some(name.trim_end_matches(".md").to_string()),
                (None, Some(_)) => None,
                (Some(code), None) => {
                    let stem = name.trim_end_matches(".md");
                    let translated = names.contains(&format!("{stem}.{code}.md"));
                    (!translated && self.untranslated == Untranslated::Original)
                        .then(|| stem.to_string())
                }
                (Some(code), Some((base, c))) if c == code => {
                    if !names.contains(&format!("{base}.md")) {
                        warnings.push(orphan(&e.path, root, base));
                    }
                    Some(base.to_string())
                }
                (Some(_), Some(_)) => None,
            };
            if let Some(stem) = pick {
                out.push((e, stem));
            }
        }
        out
    }
}

/// The warning for a translation `path` whose original `<base>.md` is not there.
fn orphan(path: &Path, root: &Path, base: &str) -> Diagnostic {
    Diagnostic::new(
        shown(path, root),
        1,
        format!("this translation's original {base}.md is gone: the page is only in this language"),
    )
    .warning()
    .hint(format!(
        "rename it after its original's new name, or delete it if {base}.md was deleted on purpose"
    ))
}

/// The original of a translation's source path (`content/a/q.en.md` → `content/a/q.md`) for
/// language `code`; `None` for a path that is not one of its translations.
pub fn original_path(path: &Path, code: &str) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let base = name.strip_suffix(&format!(".{code}.md"))?;
    Some(path.with_file_name(format!("{base}.md")))
}

/// Every language of a site, the default first, with the pages each has: what the language
/// switcher, the `hreflang` links and the sitemap's alternates are made from.
#[derive(Debug, Default)]
pub struct Languages {
    pub list: Vec<LanguageSite>,
    /// `base_url` without its trailing slash, if set.
    pub base: Option<String>,
}

/// One language of a site.
#[derive(Debug)]
pub struct LanguageSite {
    pub code: String,
    /// The switcher's name (`English`).
    pub name: String,
    /// Its folder in the output, with a slash (`en/`); "" for the default language.
    pub prefix: String,
    /// Its pages' URLs from its root, in reading order (with `print.html`).
    pub urls: Vec<String>,
    /// Its pages in its own words: every URL of `urls` but the untranslated originals shown
    /// in it (`untranslated = "original"`), which are no version of a page in this language.
    known: std::collections::HashSet<String>,
}

/// A link to one language's version of a page, for a page's template context.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LanguageLink {
    /// `en`, `zh-CN`.
    pub code: String,
    pub name: String,
    /// From the page (`../en/02-x/q.html`); that language's home when it has no such page.
    pub href: String,
    /// Absolute with `base_url`, else `href`: for `hreflang` links.
    pub abs: String,
    /// The language of the page shown.
    pub current: bool,
    /// The language has this page (else `href` is its home).
    pub translated: bool,
    /// The site's default language (the first).
    pub default: bool,
}

impl LanguageSite {
    pub fn new(code: &str, name: String, prefix: String, content: &super::Content) -> LanguageSite {
        let mut urls: Vec<String> = content.pages.iter().map(|p| p.url.clone()).collect();
        urls.push("print.html".into());
        let own = content.pages.iter().filter(|p| {
            let lang = &content.language;
            lang.text_language(&p.source.path).is_empty()
        });
        LanguageSite {
            code: code.to_string(),
            name,
            prefix,
            known: own
                .map(|p| p.url.clone())
                .chain(["print.html".to_string()])
                .collect(),
            urls,
        }
    }

    /// Whether the language has page `url` in its own words (an untranslated original shown
    /// in it is not: the switcher leads to the language's home, `hreflang` leaves it out).
    pub fn has(&self, url: &str) -> bool {
        self.known.contains(url)
    }
}

impl Languages {
    /// Which of [`Languages::list`] `content` is in.
    pub fn index_of(&self, lang: &Selection) -> usize {
        match &lang.code {
            None => 0,
            Some(code) => self.list.iter().position(|l| &l.code == code).unwrap_or(0),
        }
    }

    /// The links to page `url` of language `current` in every language, for a page whose way
    /// up to its language's root is `root` (`../`, or the absolute root of a 404 page).
    pub fn links(&self, current: usize, url: &str, root: &str) -> Vec<LanguageLink> {
        let up = if self.list[current].prefix.is_empty() {
            ""
        } else {
            "../"
        };
        self.list
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let translated = l.has(url);
                let target = if translated { url } else { "index.html" };
                let path = format!(
                    "{}{}",
                    l.prefix,
                    if target == "index.html" { "" } else { target }
                );
                // A 404 page with `base_url` links from the site's absolute root.
                let href = match &self.base {
                    Some(base) if root.contains("://") => format!("{base}/{}{target}", l.prefix),
                    _ => format!("{root}{up}{}{target}", l.prefix),
                };
                LanguageLink {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    href,
                    abs: match &self.base {
                        Some(base) => format!("{base}/{}", crate::html::encode_path(&path)),
                        None => format!("{root}{up}{}{target}", l.prefix),
                    },
                    current: i == current,
                    translated,
                    default: i == 0,
                }
            })
            .collect()
    }

    /// The pages of every language but `current`, by source path, as links from `current`'s
    /// root reach them (a link there crosses languages). `sources`: each language's pages'
    /// source paths, in [`Languages::list`]'s order, matching its `urls`.
    /// `normalize` makes a path the key a link's resolved path is looked up by.
    pub fn elsewhere(
        &self,
        current: usize,
        sources: &[Vec<PathBuf>],
        normalize: impl Fn(&Path) -> PathBuf,
    ) -> Elsewhere {
        let up = if self.list[current].prefix.is_empty() {
            ""
        } else {
            "../"
        };
        let mut out = Elsewhere::with_capacity(sources.iter().map(Vec::len).sum());
        for (i, (l, paths)) in self.list.iter().zip(sources).enumerate() {
            if i == current {
                continue;
            }
            for (path, url) in paths.iter().zip(&l.urls) {
                let key = normalize(path);
                out.entry(key)
                    .or_insert_with(|| format!("{up}{}{url}", l.prefix));
            }
        }
        out
    }
}
