//! One content file read and parsed: its TOML front matter (between `+++` lines, unknown keys
//! refused with the closest known one) and its Markdown body; and `serve`'s cache of parsed
//! files (`ParseCache`), by each file's stamp and text.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::alias::Alias;
use super::{dates, display_path, scan, title, Source};
use crate::config::toml_error;
use crate::error::{closest, line_col, Diagnostic};
use crate::paths;

const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "weight",
    "description",
    "tags",
    "keywords",
    "aliases",
    "draft",
    "updated",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FrontMatter {
    pub(super) title: String,
    #[serde(default)]
    pub(super) weight: i64,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) tags: Vec<String>,
    /// Words customers search with: indexed like the title, shown nowhere.
    #[serde(default)]
    pub(super) keywords: Vec<String>,
    #[serde(default)]
    pub(super) aliases: Vec<toml::Spanned<String>>,
    #[serde(default)]
    pub(super) draft: bool,
    /// A date (`2024-05-01`, or the string "2024-05-01"): shown as "last updated".
    #[serde(default)]
    pub(super) updated: Option<toml::Spanned<toml::Value>>,
}

/// A Markdown file split into its front matter and body.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    /// Its `aliases` are taken out into [`Parsed::aliases`].
    pub(super) front: FrontMatter,
    pub(super) aliases: Vec<Alias>,
    /// `updated` of the front matter, checked (`YYYY-MM-DD`).
    pub(super) updated: Option<String>,
    /// The title as inline HTML (`front.title` holds it as clean text).
    pub(super) title_html: String,
    /// A link in the title (rendered as its text).
    pub(super) title_warning: Option<Diagnostic>,
    pub(super) source: Source,
}

/// Files parsed by an earlier [`load`](super::load) of this process (`serve`), each with its text and what
/// its file system entry said then (size, times, inode): a file whose entry says the same is
/// not read again, one whose text is the same is not parsed again (only files that parsed are
/// kept).
#[derive(Default)]
pub struct ParseCache {
    files: std::sync::RwLock<CachedFiles>,
    /// The folders' listings (see [`scan`]).
    pub(super) listings: scan::FolderListings,
}

struct Cached {
    stamp: Option<Stamp>,
    text: String,
    parsed: Parsed,
}

/// What a file's entry says about its contents: a save changes the size or the modification
/// and change times (nanoseconds), and an editor that writes a new file and renames it over the
/// old one changes the inode too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: std::time::SystemTime,
    changed: (i64, i64),
    inode: (u64, u64),
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        Stamp::from_meta(&std::fs::metadata(path).ok()?)
    }

    pub(super) fn from_meta(m: &std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok()?,
            changed: (m.ctime(), m.ctime_nsec()),
            inode: (m.dev(), m.ino()),
        })
    }
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ParseCache")
    }
}

/// By the path's bytes (hashing a `Path` walks its components: at 10,000 files that was most
/// of the lookups' time); the paths of one site are always made the same way.
type CachedFiles = rustc_hash::FxHashMap<std::ffi::OsString, Cached>;

impl ParseCache {
    /// `serve`: only `paths` (as its watcher saw them) may have changed since the last load
    /// began; the folders none of them is in are not read again (see [`scan`]).
    pub fn changed(&self, paths: &[PathBuf]) {
        self.listings.changed(paths);
    }

    /// For looking up: the chapters are loaded in parallel, and most files are found.
    fn files(&self) -> std::sync::RwLockReadGuard<'_, CachedFiles> {
        self.files
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn files_mut(&self) -> std::sync::RwLockWriteGuard<'_, CachedFiles> {
        self.files
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `path` parsed; with `cache`, taken from it when the file's stamp (`known`, or read now)
/// is the one it was parsed at.
pub(super) fn parse_file(
    path: &Path,
    (root, root_canon): (&Path, &Path),
    cache: Option<&ParseCache>,
    known: Option<Stamp>,
) -> Result<Parsed, Vec<Diagnostic>> {
    let stamp = cache.and_then(|_| known.or_else(|| Stamp::of(path)));
    if let (Some(cache), Some(stamp)) = (cache, stamp) {
        if let Some(c) = cache
            .files()
            .get(path.as_os_str())
            .filter(|c| c.stamp == Some(stamp))
        {
            return Ok(c.parsed.clone());
        }
    }
    let shown_path = display_path(path, root);
    let text = paths::read_to_string(root_canon, path).map_err(|e| {
        vec![
            Diagnostic::new(&shown_path, 0, format!("cannot read file: {e}"))
                .hint("content files must be UTF-8 Markdown"),
        ]
    })?;
    // NUL and other control characters become U+FFFD as the text enters (CommonMark's rule
    // for NUL; none may be written into HTML).
    let text = crate::html::clean_text(text);
    let Some(cache) = cache else {
        return parse(&text, &shown_path);
    };
    if let Some(c) = cache
        .files_mut()
        .get_mut(path.as_os_str())
        .filter(|c| c.text == text)
    {
        c.stamp = stamp;
        return Ok(c.parsed.clone());
    }
    let parsed = parse(&text, &shown_path)?;
    let cached = Cached {
        stamp,
        text,
        parsed: parsed.clone(),
    };
    cache
        .files_mut()
        .insert(path.as_os_str().to_os_string(), cached);
    Ok(parsed)
}

/// Split `text` into TOML front matter (between `+++` lines) and Markdown body.
fn parse(text: &str, path: &Path) -> Result<Parsed, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err(vec![Diagnostic::new(path, 1, "missing front matter").hint(
            "start the file with a line +++, then title = \"…\", then a closing +++ line",
        )]);
    }
    let mut offset = first.len();
    let fm_start = offset;
    let mut line_no = 1;
    let mut close = None;
    for l in lines {
        line_no += 1;
        if l.trim_end() == "+++" {
            close = Some((offset, offset + l.len(), line_no));
            break;
        }
        offset += l.len();
    }
    let Some((fm_end, body_start, close_line)) = close else {
        return Err(vec![Diagnostic::new(path, 1, "front matter is not closed")
            .hint("add a line +++ after the front matter keys")]);
    };
    let fm_text = &text[fm_start..fm_end];
    let mut front: FrontMatter = toml::from_str(fm_text).map_err(|e| {
        let mut ds = toml_error(&e, fm_text, path, 1).diagnostics().to_vec();
        for d in &mut ds {
            if let Some(key) = unknown_key(&d.message) {
                if let Some(s) = closest(&key, FRONT_MATTER_KEYS) {
                    d.hint = Some(format!("did you mean `{s}`?"));
                }
            }
            if d.message.contains("missing field `title`") {
                d.line = 1;
                d.hint = Some("every page needs title = \"…\" in its front matter".into());
            }
        }
        ds
    })?;
    if front.title.trim().is_empty() {
        return Err(vec![Diagnostic::new(path, 2, "`title` is empty")]);
    }
    // The front matter starts on the file's second line.
    let aliases = std::mem::take(&mut front.aliases)
        .into_iter()
        .map(|a| Alias {
            line: 1 + line_col(fm_text, a.span().start).0,
            path: a.into_inner(),
        })
        .collect();
    let updated = match front.updated.take() {
        Some(v) => Some(dates::front_matter(&v, fm_text, path).map_err(|d| vec![d])?),
        None => None,
    };
    let rendered = title::render(&front.title);
    let title_warning = rendered.has_link.then(|| {
        let line = fm_text
            .lines()
            .position(|l| l.trim_start().starts_with("title"))
            .map_or(1, |n| n + 2);
        Diagnostic::new(path, line, "link in the title: shown as its text")
            .warning()
            .hint(title::LINK_HINT)
    });
    front.title = rendered.text;
    Ok(Parsed {
        front,
        aliases,
        updated,
        title_html: rendered.html,
        title_warning,
        source: Source {
            path: path.to_path_buf(),
            body: text[body_start..].into(),
            body_line: close_line + 1,
        },
    })
}

fn unknown_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(t: &str) -> Parsed {
        parse(t, Path::new("x.md"))
            .map_err(|e| e[0].to_string())
            .unwrap()
    }

    #[test]
    fn splits_front_matter_and_body() {
        let p = parse_ok("+++\ntitle = \"问\"\nweight = 3\ntags = [\"a\"]\n+++\n\nbody\n");
        assert_eq!(p.front.title, "问");
        assert_eq!(p.front.weight, 3);
        assert_eq!(&*p.source.body, "\nbody\n");
        assert_eq!(p.source.body_line, 6);
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let p = parse_ok("\u{feff}+++\r\ntitle = \"t\"\r\n+++\r\nbody");
        assert_eq!(p.front.title, "t");
        assert_eq!(&*p.source.body, "body");
    }

    #[test]
    fn bad_toml_names_the_file_line() {
        let e = parse("+++\ntitle = \"t\"\nweight = \n+++\n", Path::new("a.md")).unwrap_err();
        assert_eq!(e[0].line, 3, "{}", e[0]);
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let e = parse("+++\ntitle = \"t\"\nwieght = 1\n+++\n", Path::new("a.md")).unwrap_err();
        assert_eq!(e[0].line, 3);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_an_error() {
        assert!(parse("# hi\n", Path::new("a.md")).is_err());
        assert!(parse("+++\ntitle = \"t\"\n", Path::new("a.md")).is_err());
    }
}
