//! `faqsite check`: the build without output ([`site::check`]: every stage runs, nothing is
//! written), so it reports exactly what `build` would, with the same words, places, severity
//! and hints; and, with `--external`, whether external links' hosts answer (only here: it
//! needs the network).

use std::collections::BTreeMap;
use std::net::ToSocketAddrs;
use std::time::{Duration, Instant};

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

/// Check the site `opts` describes (as `build` would build it: `--drafts`, `--strict`); with
/// `external`, ask external links too, within its limits.
pub fn check(opts: &BuildOptions, external: Option<ExternalLimits>) -> CheckReport {
    let mut report = CheckReport::default();
    match site::check(opts) {
        Ok(checked) => {
            report.pages = Some(checked.content.pages.len());
            report.diagnostics = checked.diagnostics;
            if let Some(limits) = external {
                let mut found = Vec::new();
                external_links(
                    &checked.content,
                    &checked.rendered,
                    limits,
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

/// How long `check --external` may wait: for one link (name lookup, connection, redirects and
/// the answer's head together) and for all of them; links not asked by the end of the run are
/// listed in a note.
#[derive(Debug, Clone, Copy)]
pub struct ExternalLimits {
    pub per_link: Duration,
    pub per_run: Duration,
}

impl Default for ExternalLimits {
    fn default() -> Self {
        ExternalLimits {
            per_link: Duration::from_secs(10),
            per_run: Duration::from_secs(120),
        }
    }
}

/// What asking for one external link gave.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Probe {
    /// The host name does not resolve (or we are offline).
    Unresolved,
    /// Resolved, but no connection, or no answer that is HTTP.
    NoAnswer,
    /// No whole answer within the time limit of a link.
    TimedOut,
    /// The status of a HEAD request, or of a GET when HEAD was refused (after redirects).
    Status(u16),
    /// Not asked: the run's time limit was spent.
    NotAsked,
}

/// External links: each with a HEAD request (a GET when the server refuses HEAD), redirects
/// followed, eight at a time, within `limits`. Offline (no host of several resolves), they are
/// skipped with a note; a single host that does not resolve is reported (it may be the one
/// that is wrong).
fn external_links(
    content: &Content,
    rendered: &[Rendered],
    limits: ExternalLimits,
    found: &mut Vec<Diagnostic>,
    notes: &mut Vec<String>,
) {
    let mut links: BTreeMap<String, std::path::PathBuf> = BTreeMap::new();
    for (p, r) in content.pages.iter().zip(rendered) {
        for url in crate::html::rewrite::hrefs(&r.html) {
            if url.starts_with("http://") || url.starts_with("https://") {
                links.entry(url).or_insert_with(|| p.source.path.clone());
            }
        }
    }
    if links.is_empty() {
        return;
    }
    let urls: Vec<String> = links.keys().cloned().collect();
    let results = probe_all(&urls, limits);
    let hosts: std::collections::BTreeSet<_> = urls.iter().map(|u| host_of(u)).collect();
    if hosts.len() > 1 && results.iter().all(|r| *r == Probe::Unresolved) {
        notes.push(format!(
            "offline: none of the {} external links' {} hosts could be resolved, external links not checked",
            results.len(),
            hosts.len()
        ));
        return;
    }
    let not_asked = results.iter().filter(|r| **r == Probe::NotAsked).count();
    if not_asked > 0 {
        notes.push(format!(
            "{not_asked} external links not checked: the run's time limit of {} s was spent",
            limits.per_run.as_secs()
        ));
    }
    for (url, r) in urls.iter().zip(results) {
        let problem = match r {
            Probe::Unresolved => "its host name does not resolve".to_string(),
            Probe::NoAnswer => "its host does not answer".to_string(),
            Probe::TimedOut => format!("no answer within {} s", limits.per_link.as_secs_f32()),
            Probe::Status(s) if s >= 400 => format!("it answers HTTP {s}"),
            _ => continue,
        };
        found.push(
            Diagnostic::new(&links[url], 0, format!("external link {url}: {problem}"))
                .hint("check the address, or remove the link if the page is gone")
                .warning(),
        );
    }
}

/// [`probe`] every URL, eight at a time, none started after `limits.per_run`.
fn probe_all(urls: &[String], limits: ExternalLimits) -> Vec<Probe> {
    let deadline = Instant::now() + limits.per_run;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent("faqsite-check")
        .build()
        .into();
    let ask = |u: &String| probe(&agent, u, limits.per_link, deadline);
    match rayon::ThreadPoolBuilder::new().num_threads(8).build() {
        Ok(pool) => pool.install(|| urls.par_iter().map(ask).collect()),
        Err(_) => urls.iter().map(ask).collect(),
    }
}

/// The host of an http(s) URL, as written (empty if it has none).
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// Ask for `url`: HEAD, then GET if the server refuses HEAD (405, 501). The answer's body is
/// never read.
fn probe(agent: &ureq::Agent, url: &str, per_link: Duration, deadline: Instant) -> Probe {
    let end = (Instant::now() + per_link).min(deadline);
    if !resolves(url, end) {
        return if Instant::now() >= deadline {
            Probe::NotAsked
        } else {
            Probe::Unresolved
        };
    }
    let ask = |method: &str| {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Probe::TimedOut;
        }
        let request = match method {
            "HEAD" => agent.head(url).config(),
            _ => agent.get(url).config(),
        };
        match request.timeout_global(Some(left)).build().call() {
            Ok(answer) => Probe::Status(answer.status().as_u16()),
            Err(ureq::Error::Timeout(_)) => Probe::TimedOut,
            Err(_) => Probe::NoAnswer,
        }
    };
    match ask("HEAD") {
        Probe::Status(405 | 501) => ask("GET"),
        other => other,
    }
}

/// Whether the host of `url` resolves before `end` (looked up on a thread of its own: the
/// system's resolver has no time limit of ours).
fn resolves(url: &str, end: Instant) -> bool {
    let Some(addr) = url::Url::parse(url).ok().and_then(|u| {
        let port = u.port_or_known_default()?;
        Some((u.host_str()?.trim_matches(['[', ']']).to_string(), port))
    }) else {
        return false;
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let lookup = std::thread::Builder::new().spawn(move || {
        let found = addr.to_socket_addrs().is_ok_and(|mut a| a.next().is_some());
        let _ = tx.send(found);
    });
    lookup.is_ok() && rx.recv_timeout(end.saturating_duration_since(Instant::now())) == Ok(true)
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
}
