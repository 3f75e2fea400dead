//! Stage 2: `content/**.md` → [`Content`]: front matter, reading order, numbers, slugs, URLs.
//!
//! Layout: `content/_index.md` (home intro, optional), one folder per chapter with an
//! `_index.md`, one `.md` file per question. Pages are kept in one flat list in reading order
//! (home, chapter 1, its questions, chapter 2, …) so later stages can work on them in parallel
//! and refer to them by index.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Diagnostic, Error, Result};
use crate::paths::{self, OutsideLink};
use crate::slug;

mod alias;
mod dates;
pub mod lang;
mod parse;
mod scan;
mod tags;
pub mod title;
pub use alias::{Alias, GENERATED};
pub use lang::{Elsewhere, Selection};
pub use parse::ParseCache;
use parse::{parse_file, FrontMatter, Parsed, Stamp};
pub use tags::{url as tag_url, Tag, TAGS_DIR, TAGS_INDEX};

pub const CONTENT_DIR: &str = "content";
pub const INDEX_FILE: &str = "_index.md";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    /// A chapter; the index into [`Content::chapters`].
    Chapter(usize),
    /// A question: (chapter index, position within the chapter).
    Question(usize, usize),
}

impl PageKind {
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home => "index",
            PageKind::Chapter(_) => "chapter",
            PageKind::Question(..) => "question",
        }
    }
}

/// Where a page's Markdown came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file, as it should be shown in messages (e.g. `content/02-drivers/install.md`).
    pub path: PathBuf,
    /// The Markdown after the front matter.
    pub body: std::sync::Arc<str>,
    /// 1-based line of the file on which `body` starts.
    pub body_line: usize,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub kind: PageKind,
    /// The title as clean text (its inline Markdown rendered away, see [`title::render`]).
    pub title: String,
    /// The title as inline HTML (`<code>`, `<em>`, …), escaped: for headings and lists.
    pub title_html: String,
    pub description: String,
    /// "2" for a chapter, "2.1" for a question, "" for the home page.
    pub number: String,
    pub weight: i64,
    pub slug: String,
    /// Output path relative to the site root, e.g. `02-drivers/install-driver.html`.
    pub url: String,
    pub tags: Vec<String>,
    /// Search keywords from the front matter (indexed with the title's weight, never shown).
    pub keywords: Vec<String>,
    /// Extra output paths that redirect here (old URLs).
    pub aliases: Vec<Alias>,
    /// When the page last changed, `YYYY-MM-DD`: `updated` of its front matter, else the date
    /// of the last git commit that changed its file (questions only), else `None`.
    pub updated: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct Chapter {
    /// Index of the chapter's own page in [`Content::pages`].
    pub page: usize,
    /// Indexes of its questions in [`Content::pages`], in order.
    pub questions: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Content {
    /// Every page in reading order; `pages[0]` is the home page.
    pub pages: Vec<Page>,
    pub chapters: Vec<Chapter>,
    /// Files left out because they are drafts (as shown in messages), so that a link to one
    /// can say so.
    pub drafts: Vec<PathBuf>,
    /// Problems that leave the content whole (a git history that could not be read).
    pub warnings: Vec<Diagnostic>,
    /// The language these pages are in (see `lang.rs`; the default: `Selection::default()`).
    pub language: Selection,
    /// The pages of the site's other languages, which a link may reach (crossing languages).
    pub elsewhere: Elsewhere,
    /// Every language of the site and its pages; `None` for a site in one language.
    pub languages: Option<std::sync::Arc<lang::Languages>>,
}

impl Content {
    pub fn question_count(&self) -> usize {
        self.chapters.iter().map(|c| c.questions.len()).sum()
    }

    /// Free the Markdown text of every page once it has been rendered (a build needs only the
    /// rendered pages from then on; on a 10,000-page site that is 40 MB less at the peak).
    pub fn release_sources(&mut self) {
        self.take_sources();
    }

    /// Every page's Markdown text, in page order, taken out of the pages (left empty): for a
    /// stage that frees each once it has used it.
    pub fn take_sources(&mut self) -> Vec<std::sync::Arc<str>> {
        (self.pages.iter_mut())
            .map(|p| std::mem::take(&mut p.source.body))
            .collect()
    }
}

/// A chapter as read: its `_index.md`, its folder name, its questions with their file stems.
type LoadedChapter = (Parsed, String, Vec<(Parsed, String)>);

/// What one chapter folder gave: the chapter (unless it is broken or a draft left out), the
/// drafts left out, and the problems found in it.
#[derive(Default)]
struct ChapterDir {
    chapter: Option<LoadedChapter>,
    drafts: Vec<PathBuf>,
    errors: Vec<Diagnostic>,
    /// Problems that leave the chapter whole (a translation whose original is gone).
    warnings: Vec<Diagnostic>,
}

/// One chapter folder: its `_index.md` and its questions (drafts left out unless asked for),
/// or the problems found in it.
fn load_chapter(
    cdir: &Path,
    (root, root_canon): (&Path, &Path),
    (include_drafts, lang): (bool, &Selection),
    cache: Option<&ParseCache>,
) -> Result<ChapterDir> {
    let (entries, mut errors) = list_dir(cdir, root_canon, cache)?;
    let mut drafts = Vec::new();
    let mut warnings = Vec::new();
    let slug = slug::url_name(&file_name(cdir));
    let index = lang.index_in(cdir);
    let index_entry = entries.iter().find(|e| e.path == index);
    let index_outside = index_entry.is_none() && std::fs::symlink_metadata(&index).is_ok();
    let chapter = if index_outside {
        // A link out of the site, already reported.
        None
    } else if index.is_file() {
        match parse_file(
            &index,
            (root, root_canon),
            cache,
            index_entry.and_then(|e| e.stamp),
        ) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.extend(e);
                None
            }
        }
    } else if lang.code.is_some() {
        // A chapter not translated into this language: left out of it.
        return Ok(ChapterDir {
            warnings: lang.chapter_left_out(cdir, root, &entries),
            ..ChapterDir::default()
        });
    } else {
        errors.push(
            Diagnostic::new(
                display_path(cdir, root),
                0,
                "chapter folder has no _index.md",
            )
            .hint("add _index.md with +++ title = \"…\" weight = 10 +++"),
        );
        None
    };
    let mut questions = Vec::new();
    // Folders inside a chapter may hold images next to the Markdown: only the files of this
    // language are questions.
    for (Entry { path, stamp, .. }, stem) in lang.questions(entries, root, &mut warnings) {
        let qslug = slug::url_name(&stem);
        match parse_file(&path, (root, root_canon), cache, stamp) {
            Ok(p) if p.front.draft && !include_drafts => drafts.push(p.source.path),
            Ok(p) => questions.push((p, qslug)),
            Err(e) => errors.extend(e),
        }
    }
    let chapter = match chapter {
        Some(c) if c.front.draft && !include_drafts => {
            // A draft chapter leaves out its questions too.
            drafts.push(c.source.path);
            drafts.extend(questions.into_iter().map(|(q, _)| q.source.path));
            None
        }
        Some(c) => Some((c, slug, questions)),
        None => None,
    };
    Ok(ChapterDir {
        chapter,
        drafts,
        errors,
        warnings,
    })
}

/// Load every page under `root/content` (drafts only with `include_drafts`); every problem
/// found in any file is reported together. Answers without `updated` in their front matter
/// get the date of the last git commit that changed their file (one walk of the history).
/// With `cache` (`serve`), a file whose text is the same as at the previous load is not
/// parsed again.
pub fn load(root: &Path, include_drafts: bool, cache: Option<&ParseCache>) -> Result<Content> {
    load_language(root, (include_drafts, &Selection::default()), cache)
}

/// [`load`] the pages of one language (see `lang.rs`).
pub fn load_language(
    root: &Path,
    (include_drafts, lang): (bool, &Selection),
    cache: Option<&ParseCache>,
) -> Result<Content> {
    if let Some(c) = cache {
        c.listings.begin(&root.join(CONTENT_DIR));
    }
    let loaded = load_all(root, (include_drafts, lang), cache);
    if let (Some(c), Err(_)) = (cache, &loaded) {
        c.listings.forget();
    }
    loaded
}

fn load_all(
    root: &Path,
    (include_drafts, lang): (bool, &Selection),
    cache: Option<&ParseCache>,
) -> Result<Content> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        return Err(Error::one(
            Diagnostic::new(&dir, 0, "no content/ folder")
                .hint("create content/<chapter>/_index.md and content/<chapter>/<question>.md"),
        ));
    }
    let root_canon = root
        .canonicalize()
        .map_err(|e| Error::io("resolving site folder", root, e))?;
    if let Some(o) = paths::outside_link(&dir, &root_canon) {
        return Err(Error::one(outside_link_error(&o)));
    }
    let top = read_top(&dir, (root, &root_canon), lang, cache)?;
    let mut errors = top.errors;
    // Chapters are read and parsed in parallel; results (and errors) are merged in folder order.
    let loaded: Vec<Result<ChapterDir>> = top
        .chapter_dirs
        .par_iter()
        .map(|cdir| load_chapter(cdir, (root, &root_canon), (include_drafts, lang), cache))
        .collect();
    let mut chapters: Vec<LoadedChapter> = Vec::new();
    let mut drafts = Vec::new();
    let mut loaded_warnings = Vec::new();
    for r in loaded {
        let dir = r?;
        errors.extend(dir.errors);
        loaded_warnings.extend(dir.warnings);
        chapters.extend(dir.chapter);
        drafts.extend(dir.drafts);
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }
    let mut warnings = title_warnings(top.home.as_ref(), &chapters);
    warnings.append(&mut loaded_warnings);
    let home = top.home.map_or_else(|| empty_home(&dir, root), home_page);
    let (mut pages, chapters) = assemble(home, chapters);
    check_urls(&pages)?;
    alias::check(&pages)?;
    warnings.extend(dates::from_history(&mut pages, root, lang));
    Ok(Content {
        pages,
        chapters,
        drafts,
        warnings,
        language: lang.clone(),
        elsewhere: Elsewhere::new(),
        languages: None,
    })
}

/// The warnings about links in titles, in reading order of the files as loaded.
fn title_warnings(home: Option<&Parsed>, chapters: &[LoadedChapter]) -> Vec<Diagnostic> {
    let questions = chapters
        .iter()
        .flat_map(|(c, _, qs)| std::iter::once(c).chain(qs.iter().map(|(q, _)| q)));
    let mut warnings: Vec<Diagnostic> = home
        .into_iter()
        .chain(questions)
        .filter_map(|p| p.title_warning.clone())
        .collect();
    warnings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    warnings
}

/// What the top of `content/` holds: the home page, the chapter folders, misplaced files.
struct Top {
    home: Option<Parsed>,
    chapter_dirs: Vec<PathBuf>,
    errors: Vec<Diagnostic>,
}

fn read_top(
    dir: &Path,
    (root, root_canon): (&Path, &Path),
    lang: &Selection,
    cache: Option<&ParseCache>,
) -> Result<Top> {
    let home_file = lang.index_in(dir);
    let (entries, mut errors) = list_dir(dir, root_canon, cache)?;
    let mut home = None;
    let mut chapter_dirs = Vec::new();
    for Entry {
        path,
        is_dir,
        stamp,
    } in entries
    {
        let name = file_name(&path);
        if is_dir {
            chapter_dirs.push(path);
        } else if path == home_file {
            match parse_file(&path, (root, root_canon), cache, stamp) {
                Ok(p) => home = Some(p),
                Err(e) => errors.extend(e),
            }
        } else if name.ends_with(".md") && !lang.is_index(&name) {
            errors.push(
                Diagnostic::new(
                    display_path(&path, root),
                    0,
                    "a question must be inside a chapter folder",
                )
                .hint("move it to content/<chapter>/, next to that chapter's _index.md"),
            );
        }
    }
    Ok(Top {
        home,
        chapter_dirs,
        errors,
    })
}

/// The home page of a site without `content/_index.md`.
fn empty_home(dir: &Path, root: &Path) -> Page {
    Page {
        kind: PageKind::Home,
        title: String::new(),
        title_html: String::new(),
        description: String::new(),
        number: String::new(),
        weight: 0,
        slug: String::new(),
        url: "index.html".into(),
        tags: vec![],
        keywords: vec![],
        aliases: vec![],
        updated: None,
        source: Source {
            path: display_path(&dir.join(INDEX_FILE), root),
            body: "".into(),
            body_line: 1,
        },
    }
}

fn home_page(p: Parsed) -> Page {
    make_page(
        p,
        PageKind::Home,
        String::new(),
        String::new(),
        "index.html".into(),
    )
}

/// Every page in reading order (home, chapter 1, its questions, chapter 2, …), numbered, with
/// its URL; chapters and questions sorted by weight, then title, then file name.
fn assemble(home: Page, mut chapters: Vec<LoadedChapter>) -> (Vec<Page>, Vec<Chapter>) {
    chapters.sort_by(|a, b| order(&a.0.front, &a.1).cmp(&order(&b.0.front, &b.1)));
    // Sized once: a page is large, and regrowing a list of 10,000 moved each several times.
    let total = 1 + chapters.iter().map(|c| 1 + c.2.len()).sum::<usize>();
    let mut pages = Vec::with_capacity(total);
    pages.push(home);
    let mut out_chapters = Vec::with_capacity(chapters.len());
    for (ci, (chapter, cslug, mut questions)) in chapters.into_iter().enumerate() {
        questions.sort_by(|a, b| order(&a.0.front, &a.1).cmp(&order(&b.0.front, &b.1)));
        let number = (ci + 1).to_string();
        let url = format!("{cslug}/index.html");
        let page_index = pages.len();
        pages.push(make_page(
            chapter,
            PageKind::Chapter(ci),
            cslug.clone(),
            number.clone(),
            url,
        ));
        let mut qs = Vec::new();
        for (qi, (q, qslug)) in questions.into_iter().enumerate() {
            let url = format!("{cslug}/{qslug}.html");
            qs.push(pages.len());
            pages.push(make_page(
                q,
                PageKind::Question(ci, qi),
                qslug,
                format!("{number}.{}", qi + 1),
                url,
            ));
        }
        out_chapters.push(Chapter {
            page: page_index,
            questions: qs,
        });
    }
    (pages, out_chapters)
}

fn order<'a>(f: &'a FrontMatter, slug: &'a str) -> (i64, &'a str, &'a str) {
    (f.weight, f.title.as_str(), slug)
}

fn make_page(p: Parsed, kind: PageKind, slug: String, number: String, url: String) -> Page {
    Page {
        kind,
        title: p.front.title,
        title_html: p.title_html,
        description: p.front.description,
        number,
        weight: p.front.weight,
        slug,
        url,
        tags: p.front.tags,
        keywords: p.front.keywords,
        aliases: p.aliases,
        updated: p.updated,
        source: p.source,
    }
}

/// Two files whose URLs are the same (`安装 驱动.md` and `an-zhuang-qu-dong.md`) would
/// overwrite each other: an error naming both. A chapter folder named like a folder faqsite
/// fills (`tags`, `images`, …) would mix its pages with those files: an error too.
fn check_urls(pages: &[Page]) -> Result<()> {
    let mut seen: rustc_hash::FxHashMap<&str, &Path> = Default::default();
    seen.reserve(pages.len());
    let mut errors = Vec::new();
    for p in pages {
        match seen.get(p.url.as_str()) {
            Some(first) => errors.push(
                Diagnostic::new(
                    &p.source.path,
                    0,
                    format!(
                        "this file and {} both make the page {}",
                        first.display(),
                        p.url
                    ),
                )
                .hint("rename one of them; Chinese and spaced names become pinyin (安装 驱动.md → an-zhuang-qu-dong)"),
            ),
            None => {
                seen.insert(&p.url, &p.source.path);
            }
        }
        if let Some((folder, what)) = GENERATED
            .iter()
            .find(|(g, _)| g.ends_with('/') && p.url.starts_with(g))
        {
            errors.push(
                Diagnostic::new(
                    &p.source.path,
                    0,
                    format!("its page {} would be inside {folder}, {what}", p.url),
                )
                .hint("rename the chapter folder"),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(errors))
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// How a path under `root` is shown in messages: relative to `root` when `root` is ".".
pub fn display_path(path: &Path, root: &Path) -> PathBuf {
    if root == Path::new(".") || root == Path::new("") {
        path.strip_prefix(".")
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    }
}

/// One entry of a content folder, with what it is (a symbolic link: what it leads to).
#[derive(Clone)]
struct Entry {
    path: PathBuf,
    is_dir: bool,
    /// A file's stamp, read with the folder (when asked for; not for a link).
    stamp: Option<Stamp>,
}

/// [`read_dir_sorted`]; with `cache` (`serve`), the listing of the last load when its watcher
/// saw nothing change in the folder (see [`scan`]), with each file's stamp.
fn list_dir(
    dir: &Path,
    root_canon: &Path,
    cache: Option<&ParseCache>,
) -> Result<(Vec<Entry>, Vec<Diagnostic>)> {
    match cache {
        None => read_dir_sorted(dir, root_canon, false),
        Some(c) => c
            .listings
            .list(dir, || read_dir_sorted(dir, root_canon, true)),
    }
}

/// The entries of `dir` (hidden ones left out) in name order, and an error for each symbolic
/// link among them that leads outside the site (`root_canon`); those are left out too. The
/// folder listing says what each entry is, so only symbolic links cost a look of their own.
/// With `stamps`, each file's [`Stamp`] is read with the entry (relative to the open folder:
/// cheaper than a lookup of its path later).
fn read_dir_sorted(
    dir: &Path,
    root_canon: &Path,
    stamps: bool,
) -> Result<(Vec<Entry>, Vec<Diagnostic>)> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io("reading folder", dir, e))?;
    let mut v = Vec::new();
    let mut errors = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io("reading folder", dir, e))?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let file_type = entry
            .file_type()
            .map_err(|e| Error::io("reading folder", &path, e))?;
        if !file_type.is_symlink() {
            let is_dir = file_type.is_dir();
            let stamp = (stamps && file_type.is_file())
                .then(|| entry.metadata().ok().and_then(|m| Stamp::from_meta(&m)))
                .flatten();
            v.push((
                name,
                Entry {
                    path,
                    is_dir,
                    stamp,
                },
            ));
            continue;
        }
        match paths::outside_link(&path, root_canon) {
            Some(o) => errors.push((path, o)),
            None => {
                let is_dir = path.is_dir();
                v.push((
                    name,
                    Entry {
                        path,
                        is_dir,
                        stamp: None,
                    },
                ));
            }
        }
    }
    // One folder's entries: ordered by their names (as by their paths), by the names read
    // with them: neither the folder's path nor each path's last component is looked at again
    // for each pair (a folder of 100 files and translations is sorted for every language).
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let v = v.into_iter().map(|(_, e)| e).collect();
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    let errors = errors.iter().map(|(_, o)| outside_link_error(o)).collect();
    Ok((v, errors))
}

/// The error for a symbolic link that leads outside the site: it names the link and its
/// target (whose content is never read, so never shown).
pub fn outside_link_error(o: &OutsideLink) -> Diagnostic {
    let link = o.link.strip_prefix(".").unwrap_or(&o.link);
    Diagnostic::new(link, 0, o.message()).hint(OutsideLink::HINT)
}
