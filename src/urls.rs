//! URL and path arithmetic shared by the stages: a page's way back to the site root, and a path
//! with `.` and `..` resolved lexically.

use std::path::{Component, Path, PathBuf};

/// `"02-drivers/x.html"` → `"../"`; `"index.html"` → `""`.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// Whether `url` leads out of the site: a scheme (`https:`, `mailto:`, `tel:`, `data:`…; a
/// one-letter "scheme" is a Windows drive, not one) or a host (`//…`). A path, from the page or
/// from the root (`/…`), and a fragment stay in the site.
pub fn leaves_site(url: &str) -> bool {
    url.starts_with("//")
        || url.starts_with("data:")
        || url.starts_with("mailto:")
        || url.starts_with("tel:")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                && scheme.len() > 1
        })
}

/// Whether `url` is a path relative to the page that holds it: it neither leaves the site nor
/// starts at the root (`/…`).
pub fn is_page_relative(url: &str) -> bool {
    !(leaves_site(url) || url.starts_with('/'))
}

/// Lexically resolve `.` and `..` (no file system access, so it works for missing files too).
pub fn normalize_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("02-drivers/x.html"), "../");
    }

    #[test]
    fn urls_that_leave_the_site_are_recognised() {
        assert!(leaves_site("https://a.b/c"));
        assert!(leaves_site("mailto:a@b"));
        assert!(leaves_site("//cdn.example.com/x.js"));
        assert!(!leaves_site("../x.md"));
        assert!(!leaves_site("images/a.png"));
        assert!(!leaves_site("C:/a.png"), "a drive, not a scheme");
        assert!(!leaves_site("/x.html"));
        assert!(!is_page_relative("/x.html"));
        assert!(!is_page_relative("https://a.b/c"));
        assert!(is_page_relative("../x.html"));
    }

    #[test]
    fn normalize_resolves_dot_dot() {
        assert_eq!(
            normalize_path(Path::new("content/a/../b/./c.md")),
            PathBuf::from("content/b/c.md")
        );
    }
}
