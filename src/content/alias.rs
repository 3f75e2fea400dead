//! `aliases` in front matter: old URLs of a page, each written as a small redirect file. An
//! alias may only take a URL nothing else uses: not a page's, not another alias's, not a file
//! or folder faqsite writes itself (the redirect would silently replace it).

use std::collections::BTreeMap;
use std::path::Path;

use super::Page;
use crate::error::{Diagnostic, Error, Result};

/// An old URL of a page (relative to the site root), where a redirect to the page is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub path: String,
    /// The line of the page's file that names it.
    pub line: usize,
}

/// What faqsite writes at the top of the output besides the pages (a name ending in `/` is a
/// folder it fills), and what it is. No alias may take their place; a test in `site.rs` keeps
/// this list in step with the stages that write them.
pub const GENERATED: &[(&str, &str)] = &[
    ("404.html", "the \"page not found\" page"),
    ("print.html", "the printable manual"),
    ("manual.pdf", "the PDF manual"),
    ("sitemap.xml", "the sitemap"),
    ("robots.txt", "the robots.txt file"),
    ("atom.xml", "the Atom feed"),
    ("search-index.js", "the search index"),
    (".faqsite-output", "the mark of faqsite's output folder"),
    ("search/", "the search index of a large site"),
    ("static/", "the theme's and the site's static files"),
    ("images/", "the processed images"),
    ("tags/", "the pages listing the questions of each tag"),
];

/// Who already uses a URL.
#[derive(Clone, Copy)]
struct Claim<'a> {
    file: &'a Path,
    /// 0 for the page's own URL, else the line of the alias.
    line: usize,
}

/// Every alias must be a relative `.html` path that no page, other alias or file of faqsite's
/// own uses; all problems are reported together, each naming both sides.
pub(super) fn check(pages: &[Page]) -> Result<()> {
    let mut errors = Vec::new();
    let mut taken: BTreeMap<&str, Claim> = pages
        .iter()
        .map(|p| {
            let claim = Claim {
                file: &p.source.path,
                line: 0,
            };
            (p.url.as_str(), claim)
        })
        .collect();
    for p in pages {
        for a in &p.aliases {
            match problem(a, taken.get(a.path.as_str())) {
                Some((message, hint)) => {
                    errors.push(Diagnostic::new(&p.source.path, a.line, message).hint(hint))
                }
                None => {
                    let claim = Claim {
                        file: &p.source.path,
                        line: a.line,
                    };
                    taken.insert(&a.path, claim);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(errors))
    }
}

/// What is wrong with alias `a` (the message and a hint), given who already uses its URL.
fn problem(a: &Alias, claim: Option<&Claim>) -> Option<(String, &'static str)> {
    let name = &a.path;
    if !well_formed(name) {
        let hint = "write aliases like \"old/question-12.html\" (relative to the site root)";
        return Some((format!("alias {name:?} is not a relative .html path"), hint));
    }
    if let Some((file, what)) = generated(name) {
        let message = if file.ends_with('/') {
            format!("alias {name:?} would go into {file}, where faqsite writes {what}")
        } else {
            format!("alias {name:?} would replace {file}, {what}, which faqsite writes")
        };
        return Some((
            message,
            "choose another old URL: faqsite writes this one itself",
        ));
    }
    let claim = claim?;
    Some(if claim.line == 0 {
        (
            format!(
                "alias {name:?} would replace the page {name} of {}",
                claim.file.display()
            ),
            "a page's own URL cannot redirect elsewhere: remove the alias",
        )
    } else {
        (
            format!(
                "alias {name:?} is also an alias at {}:{}",
                claim.file.display(),
                claim.line
            ),
            "an old URL can lead to one page only: remove one of the two",
        )
    })
}

/// A relative `.html` path with no empty, `.` or `..` part (so no two spellings of one file).
fn well_formed(a: &str) -> bool {
    a.ends_with(".html")
        && !a.contains('\\')
        && !a.contains(':')
        && a.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// The file or folder of [`GENERATED`] that `a` would replace or go into. Compared without
/// case: on macOS and Windows `404.HTML` is `404.html`.
fn generated(a: &str) -> Option<(&'static str, &'static str)> {
    let a = a.to_ascii_lowercase();
    GENERATED.iter().copied().find(|(name, _)| {
        if name.ends_with('/') {
            a.starts_with(name)
        } else {
            a == *name
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_html_paths_are_aliases() {
        for ok in ["old.html", "a/b-1.html"] {
            assert!(well_formed(ok), "{ok}");
        }
        for bad in [
            "/x.html",
            "./x.html",
            "a//x.html",
            "../x.html",
            "a\\x.html",
            "c:/x.html",
            "x.htm",
        ] {
            assert!(!well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn generated_files_and_folders_are_taken() {
        assert_eq!(generated("404.HTML").map(|g| g.0), Some("404.html"));
        assert_eq!(generated("static/a.html").map(|g| g.0), Some("static/"));
        assert_eq!(generated("statics/a.html"), None);
    }
}
