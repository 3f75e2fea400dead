//! "Last updated" dates of pages: `updated` of the front matter (checked, an error at its line
//! when it is not a date), else, for answers, the date of the last git commit that changed the
//! file ([`crate::history`], one walk for the whole site), else none. Never the build time: the
//! same sources give the same pages.

use std::path::Path;

use super::{Page, PageKind, Selection};
use crate::error::{line_col, Diagnostic};

const HINT: &str = "write the date as year-month-day: updated = 2024-05-01";

/// `updated` of a front matter (`fm_text`, which starts on the file's second line) as
/// `YYYY-MM-DD`: a TOML date (`2024-05-01`, or a date and time: its date) or a string holding
/// one; anything else is an error at its line.
pub(super) fn front_matter(
    value: &toml::Spanned<toml::Value>,
    fm_text: &str,
    path: &Path,
) -> Result<String, Diagnostic> {
    let line = 1 + line_col(fm_text, value.span().start).0;
    let text = match value.get_ref() {
        toml::Value::Datetime(dt) => dt.date.map(|d| d.to_string()),
        toml::Value::String(s) => Some(s.trim().to_string()),
        _ => None,
    };
    let problem = match text {
        Some(t) => match t.parse::<jiff::civil::Date>() {
            Ok(d) if t.len() == 10 => return Ok(d.to_string()),
            Ok(_) => format!("`updated` is {t:?}, not a date of the form 2024-05-01"),
            Err(e) => format!("`updated` is {t:?}, which is not a date: {e}"),
        },
        None => format!(
            "`updated` must be a date, not {}",
            value.get_ref().type_str()
        ),
    };
    Err(Diagnostic::new(path, line, problem).hint(HINT))
}

/// Give each answer without a front-matter date the date of the last commit that changed its
/// file. A history that cannot be read leaves the dates out, with a warning. The default
/// language of a site in several (`lang`) asks for its answers' translations too: the other
/// languages' loads then find their dates in the same walk.
pub(super) fn from_history(pages: &mut [Page], root: &Path, lang: &Selection) -> Vec<Diagnostic> {
    let undated: Vec<usize> = (0..pages.len())
        .filter(|&i| matches!(pages[i].kind, PageKind::Question(..)) && pages[i].updated.is_none())
        .collect();
    if undated.is_empty() {
        return Vec::new();
    }
    // Paths relative to the site (as shown in messages when the site is the current folder).
    let rel = |p: &Page| {
        let path = p.source.path.strip_prefix(root).unwrap_or(&p.source.path);
        path.to_string_lossy().replace('\\', "/")
    };
    let files: Vec<String> = undated.iter().map(|&i| rel(&pages[i])).collect();
    let mut asked = files.clone();
    if lang.code.is_none() && !lang.others.is_empty() {
        let questions = pages
            .iter()
            .filter(|p| matches!(p.kind, PageKind::Question(..)));
        asked.extend(translations(root, questions, &lang.others));
    }
    match crate::history::last_changed(root, &asked) {
        Ok(dates) => {
            for (&i, file) in undated.iter().zip(&files) {
                pages[i].updated = dates.get(file).cloned();
            }
            Vec::new()
        }
        Err(e) => vec![crate::error::Diagnostic::new(root, 0, e.to_string())
            .warning()
            .hint("answers show no \"last updated\" date from git; `updated = 2024-05-01` in a page's front matter still gives one")],
    }
}

/// The translations into languages `codes` in the folders of `pages` (`q.en.md`, also one
/// whose original is gone), as paths relative to the site.
fn translations<'p>(
    root: &Path,
    pages: impl Iterator<Item = &'p Page>,
    codes: &[String],
) -> Vec<String> {
    let dirs: std::collections::BTreeSet<&Path> =
        pages.filter_map(|p| p.source.path.parent()).collect();
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with("_index."))
            .filter(|n| codes.iter().any(|c| n.ends_with(&format!(".{c}.md"))))
            .collect();
        names.sort();
        for name in names {
            let t = dir.join(name);
            let rel = t.strip_prefix(root).unwrap_or(&t);
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(fm: &str) -> Result<String, Diagnostic> {
        #[derive(serde::Deserialize)]
        struct F {
            updated: toml::Spanned<toml::Value>,
        }
        let f: F = toml::from_str(fm).unwrap();
        front_matter(&f.updated, fm, Path::new("a.md"))
    }

    #[test]
    fn dates_strings_and_datetimes_are_accepted() {
        assert_eq!(date("updated = 2024-05-01").unwrap(), "2024-05-01");
        assert_eq!(date("updated = \"2024-05-01\"").unwrap(), "2024-05-01");
        assert_eq!(
            date("updated = 2024-05-01T10:00:00+08:00").unwrap(),
            "2024-05-01"
        );
    }

    #[test]
    fn anything_else_is_an_error_at_its_line() {
        let e = date("\nupdated = \"2024-02-30\"").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("2024-02-30"), "{e}");
        assert!(date("updated = \"yesterday\"").is_err());
        assert!(date("updated = \"2024-5-1\"").is_err());
        assert!(date("updated = 20240501").is_err());
        assert!(date("updated = 10:00:00").is_err());
    }
}
