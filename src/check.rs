//! `faqsite check`: the build without output ([`site::check`]: every stage runs, nothing is
//! written), so it reports exactly what `build` would, with the same words, places, severity
//! and hints; and, with `--external`, whether external links' hosts answer (only here: it
//! needs the network). Links are asked only of public addresses, decided on the address each
//! connection is made to ([`PublicOnly`]), not on the name: a pull request's link to
//! `http://169.254.169.254/` or to a name that resolves to 127.0.0.1 is not connected to.

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
    /// Connect to loopback, private and other non-public addresses too (`--allow-private-addresses`).
    pub allow_private: bool,
}

impl Default for ExternalLimits {
    fn default() -> Self {
        ExternalLimits {
            per_link: Duration::from_secs(10),
            per_run: Duration::from_secs(120),
            allow_private: false,
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
    /// Not asked: the host (or a redirect's) resolves only to non-public addresses.
    Private,
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
            Probe::Private => "not checked: it resolves to a private address".to_string(),
            _ => continue,
        };
        let hint = if r == Probe::Private {
            "loopback, private-network, link-local and other non-public addresses are never \
             connected to (an intranet site's own checks: --allow-private-addresses)"
        } else {
            "check the address, or remove the link if the page is gone"
        };
        found.push(
            Diagnostic::new(&links[url], 0, format!("external link {url}: {problem}"))
                .hint(hint)
                .warning(),
        );
    }
}

/// [`probe`] every URL, eight at a time, none started after `limits.per_run`.
fn probe_all(urls: &[String], limits: ExternalLimits) -> Vec<Probe> {
    let deadline = Instant::now() + limits.per_run;
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent("faqsite-check")
        // Connections go straight to the address the resolver vouched for: through a proxy
        // the proxy would resolve the name (and reach what it reaches).
        .proxy(None)
        .build();
    let resolver = PublicOnly {
        allow_private: limits.allow_private,
    };
    let agent = ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        resolver,
    );
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
            Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                Probe::Private
            }
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

/// ureq's resolver, keeping only public addresses: every connection, redirects included, is
/// made to an address this returned, so a name that resolves to a private address (or changes
/// to one between lookups) is never connected to. None left: a `PermissionDenied` error.
#[derive(Debug)]
struct PublicOnly {
    allow_private: bool,
}

impl ureq::unversioned::resolver::Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        use ureq::unversioned::resolver::DefaultResolver;
        let all = DefaultResolver::default().resolve(uri, config, timeout)?;
        if self.allow_private {
            return Ok(all);
        }
        let mut public = self.empty();
        for a in all.iter().filter(|a| is_public(a.ip())) {
            public.push(*a);
        }
        if public.is_empty() {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the host resolves only to non-public addresses",
            )));
        }
        Ok(public)
    }
}

/// Whether `ip` is a public unicast address: not loopback, private (RFC 1918, unique-local
/// IPv6), link-local (cloud metadata at 169.254.169.254), shared (100.64/10), unspecified,
/// broadcast, multicast, documentation, benchmarking or reserved; IPv4 inside IPv6
/// (mapped, compatible, NAT64, 6to4) is judged as the IPv4 address.
pub fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let embedded = |hi: usize| {
                std::net::Ipv4Addr::new(
                    (s[hi] >> 8) as u8,
                    s[hi] as u8,
                    (s[hi + 1] >> 8) as u8,
                    s[hi + 1] as u8,
                )
            };
            if let Some(v4) = v6.to_ipv4() {
                // ::ffff:a.b.c.d and ::a.b.c.d (also ::1 and ::, both refused as IPv4 0/8).
                return v6 != std::net::Ipv6Addr::LOCALHOST && is_public(IpAddr::V4(v4));
            }
            if s[0] == 0x64 && s[1] == 0xff9b {
                return is_public(IpAddr::V4(embedded(6)));
            }
            if s[0] == 0x2002 {
                return is_public(IpAddr::V4(embedded(1)));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0x2001 && s[1] == 0x0db8))
        }
    }
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
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "192.0.0.170",
            "198.18.0.1",
            "::1",
            "::",
            "fd00::1",
            "fc12::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "1.1.1.1",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
            "2002:0101:0101::",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
