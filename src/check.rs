//! `faqsite check`: every problem a build would hit, and a few it would let pass, without
//! writing any output. Runs the same stages as a build (config → content → markdown → images)
//! and adds site-wide checks: duplicate titles, questions without an answer, and (with
//! `--external`) whether external links' hosts answer.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Content, PageKind};
use crate::error::{Diagnostic, Error};
use crate::images;
use crate::markdown::{self, Rendered};

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// Notices that are neither (e.g. external links not checked because offline).
    pub notes: Vec<String>,
    pub pages: usize,
}

impl CheckReport {
    /// "2 errors, 3 warnings in 40 pages".
    pub fn summary(&self) -> String {
        format!(
            "{} error{}, {} warning{} in {} pages",
            self.errors.len(),
            if self.errors.len() == 1 { "" } else { "s" },
            self.warnings.len(),
            if self.warnings.len() == 1 { "" } else { "s" },
            self.pages
        )
    }
}

fn absorb(report: &mut CheckReport, e: Error) {
    match e {
        Error::Input(ds) => report.errors.extend(ds),
        other => report
            .errors
            .push(Diagnostic::new("", 0, other.to_string())),
    }
}

/// Check the site at `root`.
pub fn check(root: &Path, external: bool) -> CheckReport {
    let mut report = CheckReport::default();
    let config = match Config::load(root) {
        Ok(c) => c,
        Err(e) => {
            absorb(&mut report, e);
            return report;
        }
    };
    let content = match content::load(root, false) {
        Ok(c) => c,
        Err(e) => {
            absorb(&mut report, e);
            return report;
        }
    };
    report.pages = content.pages.len();
    duplicates_and_empty(&content, &mut report);
    let mut rendered = match markdown::render_all(&content, &config.markdown) {
        Ok(mut r) => {
            report.warnings.extend(markdown::take_warnings(&mut r));
            r
        }
        Err(e) => {
            absorb(&mut report, e);
            // The markdown stage is all or nothing; so that one run still shows every
            // problem, look at the images of the Markdown source directly.
            images_from_source(root, &content, &mut report);
            return report;
        }
    };
    match images::process(root, &config.images, &content, &mut rendered, false) {
        Ok(imgs) => {
            // Missing alt text is an error for `check` (a build only warns unless --strict).
            for w in imgs.warnings {
                if w.message.contains("no alt text") {
                    report.errors.push(w);
                } else {
                    report.warnings.push(w);
                }
            }
        }
        Err(e) => absorb(&mut report, e),
    }
    if external {
        external_links(&content, &rendered, &mut report);
    }
    report
}

/// Image checks straight from the Markdown (used when the markdown stage failed, e.g. on a
/// dead link): missing alt text and missing files are errors, files in images/ that no page
/// refers to are warnings, with the same messages as the images stage.
fn images_from_source(root: &Path, content: &Content, report: &mut CheckReport) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let images_dir = root.join(images::IMAGES_DIR);
    let mut used = std::collections::BTreeSet::new();
    for p in &content.pages {
        let body = &p.source.body;
        let mut open: Option<(String, usize, String)> = None;
        for (ev, range) in Parser::new_ext(body, pulldown_cmark::Options::all()).into_offset_iter()
        {
            match ev {
                Event::Start(Tag::Image { dest_url, .. }) => {
                    let line = p.source.body_line + body[..range.start].matches('\n').count();
                    open = Some((dest_url.to_string(), line, String::new()));
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, alt)) = open.as_mut() {
                        alt.push_str(&t);
                    }
                }
                Event::End(TagEnd::Image) => {
                    let Some((src, line, alt)) = open.take() else {
                        continue;
                    };
                    if markdown::is_external(&src) {
                        continue;
                    }
                    let path = &p.source.path;
                    if alt.trim().is_empty() {
                        report.errors.push(
                            Diagnostic::new(path, line, format!("image {src} has no alt text"))
                                .hint("describe what the image shows: ![证书管理工具图标](…)"),
                        );
                    }
                    let clean = src.split(['?', '#']).next().unwrap_or(&src);
                    let mut candidates = vec![path.parent().unwrap_or(Path::new("")).join(clean)];
                    if !clean.starts_with("..") {
                        candidates.push(images_dir.join(clean));
                    }
                    match candidates
                        .iter()
                        .find_map(|c| c.canonicalize().ok().filter(|c| c.is_file()))
                    {
                        Some(found) => {
                            used.insert(found);
                        }
                        None => report.errors.push(
                            Diagnostic::new(path, line, format!("image {src} not found")).hint(
                                "put the file in images/ and refer to it as ../../images/<name>",
                            ),
                        ),
                    }
                }
                _ => {}
            }
        }
    }
    for entry in walkdir::WalkDir::new(&images_dir).into_iter().flatten() {
        let f = entry.path();
        let is_image = f.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "png" | "jpg" | "jpeg" | "gif" | "webp"
            )
        });
        if is_image && !f.canonicalize().is_ok_and(|c| used.contains(&c)) {
            report.warnings.push(
                Diagnostic::new(content::shown(f, root), 0, "image is not used by any page")
                    .hint("delete it or refer to it from a question"),
            );
        }
    }
}

fn duplicates_and_empty(content: &Content, report: &mut CheckReport) {
    // Slugs (file and folder names) that differ only in case give URLs that are one file on
    // Windows and macOS: one page would overwrite the other when built or served there.
    let mut urls: BTreeMap<String, &Path> = BTreeMap::new();
    for p in &content.pages {
        let names = std::iter::once(&p.url).chain(p.aliases.iter().map(|a| &a.path));
        for url in names {
            match urls.get(&url.to_ascii_lowercase()) {
                Some(first) if *first != p.source.path.as_path() => report.errors.push(
                    Diagnostic::new(
                        &p.source.path,
                        0,
                        format!(
                            "the URL {url} differs only in case from one of {}",
                            first.display()
                        ),
                    )
                    .hint("on Windows and macOS they are the same file: rename one (lower case is usual)"),
                ),
                Some(_) => {}
                None => {
                    urls.insert(url.to_ascii_lowercase(), &p.source.path);
                }
            }
        }
    }
    let mut titles: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
    for p in &content.pages {
        if let PageKind::Question(..) = p.kind {
            titles
                .entry(p.title.trim())
                .or_default()
                .push(&p.source.path);
            if p.source.body.trim().is_empty() {
                report.errors.push(
                    Diagnostic::new(
                        &p.source.path,
                        p.source.body_line,
                        "this question has no answer",
                    )
                    .hint("write the answer below the front matter, or mark the page draft = true"),
                );
            }
        }
    }
    for (title, files) in titles {
        if files.len() > 1 {
            for f in &files[1..] {
                report.warnings.push(
                    Diagnostic::new(
                        *f,
                        2,
                        format!("the title {title:?} is also used by {}", files[0].display()),
                    )
                    .hint("readers and search results cannot tell the two apart: reword one"),
                );
            }
        }
    }
}

/// What asking for one external link gave.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Probe {
    /// The host name does not resolve (or we are offline).
    Unresolved,
    /// Resolved, but no connection within the timeout.
    NoAnswer,
    /// An http:// link: the status of a HEAD request.
    Status(u16),
    /// An https:// link: the host accepts connections (there is no TLS client here, so the
    /// page itself is not asked for).
    Reachable,
}

/// External links: http:// ones with a HEAD request, https:// ones by connecting to the host,
/// each with a 5 s timeout, eight at a time. Offline (no host resolves), they are skipped with a
/// note.
fn external_links(content: &Content, rendered: &[Rendered], report: &mut CheckReport) {
    let mut links: BTreeMap<String, std::path::PathBuf> = BTreeMap::new();
    for (p, r) in content.pages.iter().zip(rendered) {
        for url in hrefs(&r.html) {
            if url.starts_with("http://") || url.starts_with("https://") {
                links.entry(url).or_insert_with(|| p.source.path.clone());
            }
        }
    }
    if links.is_empty() {
        return;
    }
    let urls: Vec<String> = links.keys().cloned().collect();
    let results: Vec<Probe> = match rayon::ThreadPoolBuilder::new().num_threads(8).build() {
        Ok(pool) => pool.install(|| urls.par_iter().map(|u| probe(u)).collect()),
        Err(_) => urls.iter().map(|u| probe(u)).collect(),
    };
    if results.iter().all(|r| *r == Probe::Unresolved) {
        report.notes.push(format!(
            "offline: none of the {} external links' hosts could be resolved, external links not checked",
            results.len()
        ));
        return;
    }
    for (url, r) in urls.iter().zip(results) {
        let problem = match r {
            Probe::Unresolved => "its host name does not resolve".to_string(),
            Probe::NoAnswer => "its host does not answer".to_string(),
            Probe::Status(s) if s >= 400 && s != 405 => format!("it answers HTTP {s}"),
            _ => continue,
        };
        report.warnings.push(
            Diagnostic::new(&links[url], 0, format!("external link {url}: {problem}"))
                .hint("check the address, or remove the link if the page is gone"),
        );
    }
}

fn probe(url: &str) -> Probe {
    let (https, rest) = match url.strip_prefix("https://") {
        Some(r) => (true, r),
        None => (false, url.strip_prefix("http://").unwrap_or(url)),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, path) = rest.split_at(end);
    let host = host.rsplit('@').next().unwrap_or(host);
    let addr = if host.contains(':') && !host.ends_with(']') {
        host.to_string()
    } else {
        format!("{host}:{}", if https { 443 } else { 80 })
    };
    let Ok(addrs) = addr.to_socket_addrs() else {
        return Probe::Unresolved;
    };
    let timeout = Duration::from_secs(5);
    let Some(mut stream) = addrs
        .into_iter()
        .find_map(|a| TcpStream::connect_timeout(&a, timeout).ok())
    else {
        return Probe::NoAnswer;
    };
    if https {
        return Probe::Reachable;
    }
    let path = path.split('#').next().unwrap_or("");
    let path = if path.is_empty() { "/" } else { path };
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
    let request = format!(
        "HEAD {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: faqsite-check\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return Probe::NoAnswer;
    }
    let mut status_line = String::new();
    let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stream), &mut status_line);
    match status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
    {
        Some(s) => Probe::Status(s),
        None => Probe::NoAnswer,
    }
}

fn hrefs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts() {
        let mut r = CheckReport {
            pages: 3,
            ..Default::default()
        };
        r.errors.push(Diagnostic::new("a", 1, "x"));
        assert_eq!(r.summary(), "1 error, 0 warnings in 3 pages");
    }

    #[test]
    fn hrefs_are_found() {
        assert_eq!(
            hrefs("<a href=\"http://a/?x=1&amp;y=2\">a</a>"),
            vec!["http://a/?x=1&y=2"]
        );
    }
}
