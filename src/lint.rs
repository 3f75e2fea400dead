//! Site-wide checks on the loaded content that no single page shows: URLs that differ only in
//! case, questions without an answer, duplicate titles. Part of every build and of `check`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::content::{Content, PageKind};
use crate::error::Diagnostic;

/// Every site-wide problem of `content`, in reading order.
pub fn site(content: &Content) -> Vec<Diagnostic> {
    // Three passes over every page, side by side (each is a few ms at 10,000 pages, and
    // `serve` runs them after every save).
    let (mut out, (empty, titles)) = rayon::join(
        || url_case(content),
        || rayon::join(|| empty_answers(content), || duplicate_titles(content)),
    );
    out.extend(empty);
    out.extend(titles);
    out
}

/// Slugs (file and folder names) that differ only in case give URLs that are one file on
/// Windows and macOS: one page would overwrite the other when built or served there.
fn url_case(content: &Content) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut urls: rustc_hash::FxHashMap<String, (&str, &Path)> = Default::default();
    urls.reserve(content.pages.len());
    for p in &content.pages {
        for url in std::iter::once(&p.url).chain(p.aliases.iter().map(|a| &a.path)) {
            let lower = url.to_lowercase();
            match urls.get(&lower) {
                Some((other, first)) if *first != p.source.path.as_path() => out.push(
                    Diagnostic::new(
                        &p.source.path,
                        0,
                        format!(
                            "the URL {url} differs only in case from {other} (of {})",
                            first.display()
                        ),
                    )
                    .hint("on Windows and macOS they are the same file: rename one (lower case is usual)"),
                ),
                Some(_) => {}
                None => {
                    urls.insert(lower, (url, &p.source.path));
                }
            }
        }
    }
    out
}

/// A question whose answer is still empty (as `faqsite new question` writes it): a warning,
/// so a new page builds while it is being written; `--strict` makes it an error.
fn empty_answers(content: &Content) -> Vec<Diagnostic> {
    content
        .pages
        .iter()
        .filter(|p| matches!(p.kind, PageKind::Question(..)) && p.source.body.trim().is_empty())
        .map(|p| {
            Diagnostic::new(
                &p.source.path,
                title_line(&p.source.path),
                "this question has no answer yet",
            )
            .hint("write the answer below the front matter, or mark the page draft = true")
            .warning()
        })
        .collect()
}

/// Questions with the same title: readers and search results cannot tell them apart.
fn duplicate_titles(content: &Content) -> Vec<Diagnostic> {
    let mut titles: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
    for p in &content.pages {
        if let PageKind::Question(..) = p.kind {
            titles
                .entry(p.title.trim())
                .or_default()
                .push(&p.source.path);
        }
    }
    let mut out = Vec::new();
    for (title, files) in titles {
        for f in files.iter().skip(1) {
            out.push(
                Diagnostic::new(
                    *f,
                    title_line(f),
                    format!("the title {title:?} is also used by {}", files[0].display()),
                )
                .hint("readers and search results cannot tell the two apart: reword one")
                .warning(),
            );
        }
    }
    out
}

/// The line of the front matter's `title = …` in `file` (0 when it cannot be read).
fn title_line(file: &Path) -> usize {
    // Only a file the gate lets be read (`file` is a page's source, already read through it).
    let text = std::path::absolute(file)
        .ok()
        .and_then(|f| crate::paths::read_site_text(f.parent()?, &f).ok())
        .unwrap_or_default();
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix("title")
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map_or(0, |i| i + 1)
}
