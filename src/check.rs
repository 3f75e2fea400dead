//! `faqsite check`: every problem a build would hit, and a few it would let pass, without
//! writing any output. Runs the same stages as a build (config → content → markdown → images)
//! and adds site-wide checks: duplicate titles, questions without an answer, and (with
//! `--external`) whether external links' hosts answer.

use std::collections::BTreeMap;
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
    let mut rendered = match markdown::render_all(&content) {
        Ok(r) => r,
        Err(e) => {
            absorb(&mut report, e);
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

fn duplicates_and_empty(content: &Content, report: &mut CheckReport) {
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

/// External links, checked by connecting to their host (HTTP or HTTPS port) with a short
/// timeout, eight at a time. Offline (no host resolves), they are skipped with a note.
fn external_links(content: &Content, rendered: &[Rendered], report: &mut CheckReport) {
    let mut links: BTreeMap<String, (std::path::PathBuf, String)> = BTreeMap::new();
    for (p, r) in content.pages.iter().zip(rendered) {
        for url in hrefs(&r.html) {
            let Some((scheme, rest)) = url.split_once("://") else {
                continue;
            };
            if scheme != "http" && scheme != "https" {
                continue;
            }
            let host = rest.split(['/', '?', '#']).next().unwrap_or("").to_string();
            let port = if scheme == "https" { 443 } else { 80 };
            let addr = if host.contains(':') {
                host.clone()
            } else {
                format!("{host}:{port}")
            };
            links.entry(addr).or_insert((p.source.path.clone(), url));
        }
    }
    if links.is_empty() {
        return;
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(8).build();
    let probe = |addr: &String| -> Option<bool> {
        let addrs: Vec<_> = addr.to_socket_addrs().ok()?.collect();
        Some(
            addrs
                .iter()
                .any(|a| TcpStream::connect_timeout(a, Duration::from_secs(5)).is_ok()),
        )
    };
    let results: Vec<(String, Option<bool>)> = match pool {
        Ok(pool) => pool.install(|| {
            links
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|a| {
                    let r = probe(&a);
                    (a, r)
                })
                .collect()
        }),
        Err(_) => links.keys().map(|a| (a.clone(), probe(a))).collect(),
    };
    if results.iter().all(|(_, r)| r.is_none()) {
        report.notes.push(format!(
            "offline: none of the {} external hosts could be resolved, external links not checked",
            results.len()
        ));
        return;
    }
    for (addr, r) in results {
        if r != Some(true) {
            let (file, url) = &links[&addr];
            report.warnings.push(
                Diagnostic::new(
                    file,
                    0,
                    format!("external link {url}: host {addr} does not answer"),
                )
                .hint("check the address, or remove the link if the site is gone"),
            );
        }
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
