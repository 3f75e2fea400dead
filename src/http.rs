//! Pieces of static-file HTTP shared by `serve` and the print pass's loopback server: a request
//! path mapped to a file that cannot leave the served folder, and the content type of a file.

use std::path::{Component, Path, PathBuf};

/// Map a request path to a file inside `out`, refusing anything that could leave it.
pub fn resolve(out: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = out.join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    Some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` of a file, from its extension.
pub fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_output() {
        let out = Path::new("/srv/public");
        assert!(resolve(out, "/../etc/passwd").is_none());
        assert!(resolve(out, "/%2e%2e/etc/passwd").is_none());
        assert!(resolve(out, "/a/%2E%2E/%2E%2E/x").is_none());
        assert!(resolve(out, "/a%5c..%5cb").is_none());
        assert!(resolve(out, "/%00").is_none());
        assert_eq!(
            resolve(out, "/02-drivers/x.html?v=1").unwrap(),
            out.join("02-drivers/x.html")
        );
        assert_eq!(
            resolve(out, "/%E4%B8%AD.html").unwrap(),
            out.join("中.html")
        );
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime(Path::new("a.webp")), "image/webp");
        assert_eq!(mime(Path::new("a.js")), "text/javascript; charset=utf-8");
        assert_eq!(mime(Path::new("manual.pdf")), "application/pdf");
    }
}
