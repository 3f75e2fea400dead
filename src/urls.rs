//! URL and path arithmetic shared by the stages: a page's way back to the site root, and a path
//! with `.` and `..` resolved lexically.

use std::path::{Component, Path, PathBuf};

/// `"02-drivers/x.html"` → `"../"`; `"index.html"` → `""`.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
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
    fn normalize_resolves_dot_dot() {
        assert_eq!(
            normalize_path(Path::new("content/a/../b/./c.md")),
            PathBuf::from("content/b/c.md")
        );
    }
}
