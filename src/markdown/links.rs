//! Links between pages, and anchors: `.md` links resolved (relative to the linking file, or
//! root-relative from `content/`), links to documents not in the site sent to `[links]
//! outside`, heading ids by GitHub's rule, and the hints of a dead link or anchor (built from
//! the site's own pages).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::config::LinksConfig;
use crate::urls::normalize_path;
use pulldown_cmark::CowStr;

use crate::content::{Content, Page};
use crate::error::Diagnostic;

pub(super) enum LinkTarget {
    Keep,
    /// `#anchor` on the same page.
    Local(String),
    Page {
        url: String,
        target: usize,
        anchor: Option<String>,
    },
    /// A document not in the site, sent to `[links] outside`: the absolute URL.
    Outside(String),
    Missing(PathBuf),
    /// A page of another language of the site (`content.elsewhere`): its URL from this
    /// page.
    OtherLanguage(String),
    /// A `.md` link whose %-escapes do not decode to UTF-8.
    NotUtf8,
}

/// Every page's normalized source path (and, in a translation, its original's) → the page:
/// looked up for each link; walked in order only by a dead link's hints (so a hint names the
/// same page in every run), sorted once, when first asked.
pub(super) struct Sources {
    by_path: HashMap<PathBuf, usize>,
    in_order: OnceLock<Vec<PathBuf>>,
}

impl Sources {
    pub fn new(content: &Content) -> Sources {
        let mut by_path: HashMap<PathBuf, usize> = content
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (normalize_path(&p.source.path), i))
            .collect();
        add_originals(&mut by_path, content);
        Sources {
            by_path,
            in_order: OnceLock::new(),
        }
    }

    fn in_order(&self) -> &[PathBuf] {
        self.in_order.get_or_init(|| {
            let mut paths: Vec<PathBuf> = self.by_path.keys().cloned().collect();
            paths.sort_unstable();
            paths
        })
    }
}

/// What a page's links are resolved against.
pub(super) struct Site<'a> {
    pub sources: &'a Sources,
    pub content: &'a Content,
    pub outside: &'a LinksConfig,
}

impl Site<'_> {
    /// The content folder as page paths show it (the home page's folder).
    fn content_dir(&self) -> PathBuf {
        let home = &self.content.pages[0].source.path;
        normalize_path(home.parent().unwrap_or(Path::new("")))
    }

    /// Where link `dest`, written in the file `from`, leads; `root` is the page's way up to the
    /// site's root (`../`).
    pub fn rewrite(&self, dest: &str, from: &Path, root: &str) -> LinkTarget {
        if let Some(anchor) = dest.strip_prefix('#').filter(|a| !a.is_empty()) {
            return LinkTarget::Local(anchor.to_string());
        }
        if dest == "#" || crate::urls::leaves_site(dest) {
            return LinkTarget::Keep;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (dest, None),
        };
        if !path.ends_with(".md") {
            return LinkTarget::Keep;
        }
        let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
            return LinkTarget::NotUtf8;
        };
        let resolved = match decoded.strip_prefix('/') {
            Some(rooted) => normalize_path(&self.content_dir().join(rooted)),
            None => normalize_path(&from.parent().unwrap_or(Path::new("")).join(&*decoded)),
        };
        let Some(&target) = self.sources.by_path.get(&resolved) else {
            if let Some(url) = self.content.elsewhere.get(&resolved) {
                let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
                return LinkTarget::OtherLanguage(format!("{root}{url}{anchor}"));
            }
            return match self.outside_url(&resolved, anchor.as_deref()) {
                Some(url) => LinkTarget::Outside(url),
                None => LinkTarget::Missing(resolved),
            };
        };
        let mut url = format!("{root}{}", self.content.pages[target].url);
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

    /// The address on the site the docs came from of `path`, a document not in this site:
    /// `None` without `[links] outside`, for a draft (it is in the site, not yet published) and
    /// for a file outside `content/`.
    fn outside_url(&self, path: &Path, anchor: Option<&str>) -> Option<String> {
        let base = self.outside.outside.as_deref()?;
        if self
            .content
            .drafts
            .iter()
            .any(|d| normalize_path(d) == path)
        {
            return None;
        }
        let rel = path.strip_prefix(self.content_dir()).ok()?;
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        let mut url = base.trim_end_matches('/').to_string();
        url.push('/');
        url.push_str(&crate::html::encode_path(&outside_path(&rel, self.outside)));
        if let Some(a) = anchor {
            url.push('#');
            url.push_str(&utf8_percent_encode(a, FRAGMENT).to_string());
        }
        Some(url)
    }
}

/// The path on the original site of `rel` (a `.md` path under `content/`): its `.md` replaced
/// by `[links] outside_extension`; with the default (none), an index file (`index.md`,
/// `_index.md`, `README.md`) is its folder (`guide/README.md` → `guide/`).
fn outside_path(rel: &str, links: &LinksConfig) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    if links.outside_extension.is_empty() {
        let (dir, name) = stem.rsplit_once('/').unwrap_or(("", stem));
        if ["index", "_index", "README", "readme"].contains(&name) {
            return if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
        }
    }
    format!("{stem}{}", links.outside_extension)
}

/// Bytes a fragment keeps (it is written as the link had it: its `%` escapes stay).
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'`');

/// A link to a `.md` file that is not among the pages built: a draft left out, or no file.
pub(super) fn missing_page(
    from: &Path,
    line: usize,
    dest: &str,
    path: &Path,
    site: &Site,
) -> Diagnostic {
    if site
        .content
        .drafts
        .iter()
        .any(|d| normalize_path(d) == path)
    {
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
    .hint(nearby_hint(from, path, site))
}

fn nearby_hint(from: &Path, path: &Path, site: &Site) -> String {
    let name = path.file_name();
    if let Some(p) = site
        .sources
        .in_order()
        .iter()
        .find(|p| p.file_name() == name)
    {
        return format!(
            "a file with that name exists at {}: from this page, link to {}",
            p.display(),
            relative(from, p)
        );
    }
    let outside = if site.outside.outside.is_some() {
        " (and it is not under content/, so `[links] outside` cannot send it to the original site)"
    } else {
        "; if it is a page of the site these docs come from, set `[links] outside = \"https://…/\"` in site.toml to link there"
    };
    match closest_page(from, path, site) {
        Some(p) => format!(
            "link to a page's .md file, relative to this file or to content/ when it starts with /: the closest is {}{outside}",
            relative(from, p)
        ),
        None => format!("link to a page's .md file, relative to this file or to content/ when it starts with /{outside}"),
    }
}

/// The page (other than `from`) whose file path is the most like `path`.
fn closest_page<'s>(from: &Path, path: &Path, site: &'s Site) -> Option<&'s Path> {
    let wanted = path.to_string_lossy();
    let me = normalize_path(from);
    site.sources
        .in_order()
        .iter()
        .filter(|p| **p != me)
        .map(|p| {
            (
                strsim::normalized_levenshtein(&wanted, &p.to_string_lossy()),
                p,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, p)| p.as_path())
}

/// How the file `from` links to the file `to` (both as pages show them): `../02-b/x.md`.
pub(super) fn relative(from: &Path, to: &Path) -> String {
    let from_dir = normalize_path(from.parent().unwrap_or(Path::new("")));
    let to = normalize_path(to);
    let common = from_dir
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".into(); from_dir.components().count() - common];
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A link this page could write to another real page, for hints (`../01-a/b.md`): a question
/// if the site has one; a web address when it has no other page.
pub(super) fn example_link(from: &Path, site: &Site) -> String {
    let from = normalize_path(from);
    let pages = &site.content.pages;
    let question =
        |p: &&crate::content::Page| matches!(p.kind, crate::content::PageKind::Question(..));
    pages
        .iter()
        .filter(question)
        .chain(pages.iter())
        .map(|p| normalize_path(&p.source.path))
        .find(|p| *p != from)
        .map_or_else(|| "https://…".into(), |p| relative(&from, &p))
}

/// The hint for a link to `#anchor` that no heading has: the ids the page has, closest first.
pub(super) fn anchor_hint(anchor: &str, ids: &[&str]) -> String {
    const SHOWN: usize = 6;
    const RULE: &str = "ids follow GitHub's rule: the heading text in lower case, spaces as '-', punctuation dropped; or write `## Heading {#id}`";
    if ids.is_empty() {
        return format!("that page has no headings; {RULE}");
    }
    let wanted = percent_encoding::percent_decode_str(anchor).decode_utf8_lossy();
    let mut ranked: Vec<(f64, usize, &str)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (strsim::normalized_levenshtein(&wanted, id), i, *id))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let shown: Vec<String> = ranked
        .iter()
        .take(SHOWN)
        .map(|(_, _, id)| format!("#{id}"))
        .collect();
    let more = match ids.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "the ids there, closest first: {}{more}; {RULE}",
        shown.join(", ")
    )
}

/// Whether `anchor` (as written in a link: it may be %-escaped) names one of `ids`.
pub(super) fn anchor_found(anchor: &str, has: impl Fn(&str) -> bool) -> bool {
    has(anchor)
        || (anchor.contains('%')
            && percent_encoding::percent_decode_str(anchor)
                .decode_utf8()
                .is_ok_and(|a| has(&a)))
}

/// A warning for a heading's `{…}` attributes other than `#id` and `.class`, which are
/// dropped (an attribute could run a script; a word in braces was probably text).
pub(super) fn dropped_attributes(
    attrs: &[(CowStr<'_>, Option<CowStr<'_>>)],
    page: &Page,
    line: usize,
) -> Option<Diagnostic> {
    let first = attrs
        .iter()
        .find(|(k, v)| !(k.as_ref() == ":" && v.is_none()))?;
    let shown = match &first.1 {
        Some(v) => format!("{}={v}", first.0),
        None => first.0.to_string(),
    };
    Some(
        Diagnostic::new(
            &page.source.path,
            line,
            format!("heading attribute {shown} in {{…}} was dropped"),
        )
        .hint("a heading's {…} at its end sets only its id ({#id}) and classes ({.class}); to show braces, escape the first: \\{")
        .warning(),
    )
}

/// A heading id by GitHub's rule (github-slugger): lower case; letters, digits, marks, `_`
/// and `-` kept (Chinese too); each space becomes `-`; everything else dropped. Never empty.
pub fn slugify(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c == ' ' || c == '-' {
            s.push('-');
        } else if c.is_alphanumeric() || is_connector(c) || is_mark(c) {
            s.extend(c.to_lowercase());
        }
    }
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

/// Unicode's connector punctuation (`_` and its kin), which GitHub keeps in ids.
fn is_connector(c: char) -> bool {
    matches!(
        c,
        '_' | '\u{203F}' | '\u{2040}' | '\u{2054}' | '\u{FE33}' | '\u{FE34}' | '\u{FE4D}'
            ..='\u{FE4F}' | '\u{FF3F}'
    )
}

/// Combining marks not counted as letters (accents written as a second character).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// A translation's pages are also reached by their originals' paths: a link to `q.md` from
/// an English page goes to the English `q` (`q.en.md`) when it exists.
fn add_originals(sources: &mut HashMap<PathBuf, usize>, content: &Content) {
    let Some(code) = &content.language.code else {
        return;
    };
    for (i, p) in content.pages.iter().enumerate() {
        if let Some(original) = crate::content::lang::original_path(&p.source.path, code) {
            sources.entry(normalize_path(&original)).or_insert(i);
        }
    }
}

/// The warning for a link to a page of another language (or to an untranslated original).
pub(super) fn crosses_languages(
    file: &Path,
    line: usize,
    dest: &str,
    content: &Content,
) -> Diagnostic {
    let here = content
        .language
        .code
        .as_deref()
        .unwrap_or("the site's default language");
    Diagnostic::new(
        file,
        line,
        format!("link to {dest} leads to a page in another language: this page is in {here}"),
    )
    .warning()
    .hint("link the page of this page's language (q.md from a translation reaches its translation when it exists), or translate the page linked")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_github() {
        assert_eq!(slugify("USB Key 的初始口令"), "usb-key-的初始口令");
        assert_eq!(slugify("  Hello, World!  "), "hello-world");
        assert_eq!(slugify("tidb_mem_quota_query"), "tidb_mem_quota_query");
        assert_eq!(slugify("a - b"), "a---b");
        assert_eq!(slugify("Why `brew` (sudo)?"), "why-brew-sudo");
        assert_eq!(slugify("如何安装驱动？"), "如何安装驱动");
        assert_eq!(slugify("Cafe\u{301} 1.0"), "cafe\u{301}-10");
        assert_eq!(slugify("？？"), "section");
    }

    #[test]
    fn relative_paths_between_pages() {
        let (a, b) = (
            Path::new("content/01-a/x.md"),
            Path::new("content/02-b/y.md"),
        );
        assert_eq!(relative(a, b), "../02-b/y.md");
        assert_eq!(relative(a, Path::new("content/01-a/z.md")), "z.md");
        assert_eq!(relative(Path::new("content/_index.md"), b), "02-b/y.md");
    }

    #[test]
    fn outside_paths_drop_md_and_index_names() {
        let mut links = LinksConfig::default();
        assert_eq!(outside_path("sql/select.md", &links), "sql/select");
        assert_eq!(outside_path("guide/README.md", &links), "guide/");
        assert_eq!(outside_path("_index.md", &links), "");
        links.outside_extension = ".html".into();
        assert_eq!(outside_path("guide/index.md", &links), "guide/index.html");
    }

    #[test]
    fn anchor_hints_list_the_closest_ids_first() {
        let ids = [
            "install",
            "tidb-mem-quota-query",
            "faq",
            "tidb_mem_quota_query",
        ];
        let hint = anchor_hint("tidb_mem_quota", &ids);
        assert!(
            hint.starts_with(
                "the ids there, closest first: #tidb_mem_quota_query, #tidb-mem-quota-query, "
            ),
            "{hint}"
        );
        assert!(anchor_hint("x", &[]).starts_with("that page has no headings"));
        assert!(anchor_found("%E6%AD%A5%E9%AA%A4", |a| a == "步骤"));
    }
}
