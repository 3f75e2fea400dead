//! `faqsite check`: the build without output ([`site::check`]: every stage runs, nothing is
//! written), so it reports exactly what `build` would, with the same words, places, severity
//! and hints; and, with `--external`, whether external links' hosts answer (only here: it
//! needs the network).

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use rayon::prelude::*;

use crate::content::Content;
use crate::error::{self, Diagnostic, Error};
use crate::markdown::Rendered;
use crate::site::{self, BuildOptions};

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Errors first, then warnings (see [`site::check`]).
    pub diagnostics: Vec<Diagnostic>,
    /// Notices that are neither (e.g. external links not checked because offline).
    pub notes: Vec<String>,
    /// Pages checked; `None` when the content could not be loaded (later stages did not run).
    pub pages: Option<usize>,
}

impl CheckReport {
    /// "2 errors, 3 warnings in 40 pages".
    pub fn summary(&self) -> String {
        let counts = error::count(&self.diagnostics);
        match self.pages {
            Some(n) => format!("{counts} in {n} page{}", if n == 1 { "" } else { "s" }),
            None => format!("{counts}; the pages were not checked until these are fixed"),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Check the site `opts` describes (as `build` would build it: `--drafts`, `--strict`).
pub fn check(opts: &BuildOptions, external: bool) -> CheckReport {
    let mut report = CheckReport::default();
    match site::check(opts) {
        Ok(checked) => {
            report.pages = Some(checked.content.pages.len());
            report.diagnostics = checked.diagnostics;
            if external {
                let mut found = Vec::new();
                external_links(
                    &checked.content,
                    &checked.rendered,
                    &mut found,
                    &mut report.notes,
                );
                error::strict(&mut found, opts.strict);
                report.diagnostics.extend(found);
            }
        }
        Err(Error::Input(ds)) => report.diagnostics = ds,
        Err(other) => report
            .diagnostics
            .push(Diagnostic::new("", 0, other.to_string())),
    }
    report
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
fn external_links(
    content: &Content,
    rendered: &[Rendered],
    found: &mut Vec<Diagnostic>,
    notes: &mut Vec<String>,
) {
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
        notes.push(format!(
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
        found.push(
            Diagnostic::new(&links[url], 0, format!("external link {url}: {problem}"))
                .hint("check the address, or remove the link if the page is gone")
                .warning(),
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
            pages: Some(3),
            ..Default::default()
        };
        r.diagnostics.push(Diagnostic::new("a", 1, "x"));
        assert_eq!(r.summary(), "1 error, 0 warnings in 3 pages");
        r.pages = None;
        assert!(r
            .summary()
            .starts_with("1 error, 0 warnings; the pages were not"));
    }

    #[test]
    fn hrefs_are_found() {
        assert_eq!(
            hrefs("<a href=\"http://a/?x=1&amp;y=2\">a</a>"),
            vec!["http://a/?x=1&y=2"]
        );
    }
}
