//! Static-file HTTP/1.1: reading one request head within fixed limits, mapping a request path
//! to a file that cannot leave the served folder, its content type, and writing the answer.
//! Used by `serve` and the print pass's loopback server (which reads proxy requests too), each
//! deciding what to answer; nothing here knows about builds.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

/// Request line and headers together may take this many bytes (nginx's default for a request
/// line or a header line; a browser's request is well under 2 KB).
pub const MAX_HEAD: usize = 8 * 1024;
/// The most header fields a request may have.
const MAX_HEADERS: usize = 64;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// After refusing a request whose head is too large, at most this much of what the client is
/// still sending is read and dropped (so it can read the answer instead of a reset), for at
/// most [`DRAIN_TIMEOUT`]; then the connection is closed.
const MAX_DRAIN: usize = 1 << 20;
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Which request targets [`read_head`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    /// Only a path (`/…`), what a browser sends to the server it asks directly; any other
    /// form (an absolute URL, `*`, `host:port`) is refused with 400. `serve` reads so.
    Path,
    /// Also every form a proxy is sent: an absolute URL (`http://host:port/…`), `host:port`
    /// (`CONNECT`) or `*`; the caller decides what to answer. The print server reads so.
    Any,
}

/// A well-formed request head.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// The header fields in order: names as sent, values as text (trimmed).
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The value of the last field called `name` (any case), as a proxy reading line by line
    /// would keep it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of the one field called `name`; None when there is none or more than one (two
    /// `Host` fields may name two servers: a request must not pass by the one it did not mean).
    pub fn single_header(&self, name: &str) -> Option<&str> {
        let mut found = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        match (found.next(), found.next()) {
            (Some((_, v)), None) => Some(v.as_str()),
            _ => None,
        }
    }
}

/// What came in on a connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Head {
    /// A well-formed request whose target is of a form [`Targets`] accepts.
    Request(Request),
    /// A request to refuse with this status (400, 414, 431), then close.
    Refuse(u16),
    /// The client went away (or was too slow) before sending a whole request head.
    Gone,
}

/// Read one request head from `stream`, never more than [`MAX_HEAD`] bytes.
pub fn read_head(stream: &mut TcpStream, targets: Targets) -> Head {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut buf = Vec::with_capacity(1024);
    loop {
        match parse_head(&buf, targets) {
            Some(head) => return head,
            None if buf.len() >= MAX_HEAD => return Head::Refuse(too_large(&buf)),
            None => {}
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Head::Gone;
        }
        let start = buf.len();
        buf.resize(MAX_HEAD, 0);
        match stream.read(&mut buf[start..]) {
            Ok(0) | Err(_) => return Head::Gone,
            Ok(n) => buf.truncate(start + n),
        }
    }
}

/// The request in `buf`, or None if it is not complete yet.
fn parse_head(buf: &[u8], targets: Targets) -> Option<Head> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(buf) {
        Ok(httparse::Status::Partial) => None,
        Ok(httparse::Status::Complete(_)) => {
            let (method, target) = (req.method?, req.path?);
            if targets == Targets::Path && !target.starts_with('/') {
                return Some(Head::Refuse(400));
            }
            let headers = req
                .headers
                .iter()
                .map(|h| {
                    let value = String::from_utf8_lossy(h.value).trim().to_string();
                    (h.name.to_string(), value)
                })
                .collect();
            Some(Head::Request(Request {
                method: method.to_string(),
                target: target.to_string(),
                headers,
            }))
        }
        Err(httparse::Error::TooManyHeaders) => Some(Head::Refuse(431)),
        Err(_) => Some(Head::Refuse(400)),
    }
}

/// 414 if the request line itself did not end within the limit, else 431.
fn too_large(buf: &[u8]) -> u16 {
    if buf.contains(&b'\n') {
        431
    } else {
        414
    }
}

/// Answer `status` to a request that is not read on, and close the connection.
pub fn refuse(mut stream: TcpStream, status: u16) {
    let text = reason(status);
    let _ = respond(
        &mut stream,
        status,
        "text/plain; charset=utf-8",
        text.as_bytes(),
        false,
    );
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + DRAIN_TIMEOUT;
    let mut scratch = [0u8; 8192];
    let mut drained = 0;
    while drained < MAX_DRAIN {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut scratch) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// Write a whole response (`Connection: close`; the body is left out for HEAD).
pub fn respond(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    )?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Redirect a folder asked for without its trailing slash (`/02-drivers` → `/02-drivers/`).
pub fn redirect_to_folder(stream: &mut TcpStream, path: &str, query: &str) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 301 Moved Permanently\r\nLocation: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        folder_location(path, query)
    )?;
    stream.flush()
}

/// The `Location` of [`redirect_to_folder`]: an absolute path with exactly one leading slash
/// (`//02-drivers/` would name the host `02-drivers` to a browser).
fn folder_location(path: &str, query: &str) -> String {
    format!("/{}/{query}", path.trim_start_matches('/'))
}

/// Split a request target into its path and the rest (`?query`, `#fragment`).
pub fn split_target(target: &str) -> (&str, &str) {
    target.split_at(target.find(['?', '#']).unwrap_or(target.len()))
}

/// Map a request path to a file inside `out`, refusing anything that could leave it.
pub fn resolve(out: &Path, url_path: &str) -> Option<PathBuf> {
    let (path, _) = split_target(url_path);
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
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

/// Whether a request's `Host` names this server as a browser on this machine reaches it:
/// `localhost` (or a name under it), a loopback address, or the address the connection came
/// in on (`local`, when bound to another one), any port. Any other name could be one an
/// attacker's DNS points at loopback (DNS rebinding), letting their page read the preview.
pub fn host_is_local(host: Option<&str>, local: std::net::IpAddr) -> bool {
    let Some(host) = host else { return false };
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || is_port(port) => ip,
            _ => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        },
    };
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix('.').unwrap_or(&name);
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback() || ip == local)
}

/// `:digits` after a host name.
fn is_port(rest: &str) -> bool {
    let digits = rest.strip_prefix(':').unwrap_or(rest);
    !digits.is_empty() && digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit())
}

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
    fn only_local_host_names_are_served() {
        let lo: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        let lan: std::net::IpAddr = "192.168.1.5".parse().unwrap();
        for host in [
            "localhost",
            "localhost:8000",
            "LocalHost.:8000",
            "a.localhost:1",
            "127.0.0.1:8000",
            "127.0.0.2",
            "[::1]:8000",
            "[::1]",
        ] {
            assert!(host_is_local(Some(host), lo), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "192.168.1.5:8000",
            "127.0.0.1:80:80",
            "[::1]x",
            "127.0.0.1:",
            "",
        ] {
            assert!(!host_is_local(Some(host), lo), "{host}");
        }
        assert!(!host_is_local(None, lo));
        let two = Request {
            method: "GET".into(),
            target: "/".into(),
            headers: vec![
                ("Host".into(), "evil.example".into()),
                ("host".into(), "localhost".into()),
            ],
        };
        assert_eq!(
            two.single_header("Host"),
            None,
            "two Host fields name no host"
        );
        assert_eq!(two.header("Host"), Some("localhost"));
        assert!(host_is_local(Some("192.168.1.5:8000"), lan));
        assert!(!host_is_local(Some("192.168.1.6:8000"), lan));
    }

    #[test]
    fn paths_cannot_leave_the_output() {
        let out = Path::new("/srv/public");
        assert!(resolve(out, "/../etc/passwd").is_none());
        assert!(resolve(out, "/%2e%2e/etc/passwd").is_none());
        assert!(resolve(out, "/a/%2E%2E/%2E%2E/x").is_none());
        assert!(resolve(out, "/a%5c..%5cb").is_none());
        assert!(resolve(out, "/%00").is_none());
        assert!(resolve(out, "/%ff").is_none(), "not UTF-8");
        assert_eq!(
            resolve(out, "/02-drivers/x.html?v=1").unwrap(),
            out.join("02-drivers/x.html")
        );
        assert_eq!(
            resolve(out, "/%E4%B8%AD.html").unwrap(),
            out.join("中.html")
        );
        // A `%` not followed by two hex digits is itself (the old decoder read `%+1` as 0x01).
        assert_eq!(resolve(out, "/%+1").unwrap(), out.join("%+1"));
        assert_eq!(resolve(out, "/%中").unwrap(), out.join("%中"));
    }

    #[test]
    fn folder_redirects_stay_on_the_site() {
        assert_eq!(folder_location("/02-drivers", ""), "/02-drivers/");
        assert_eq!(folder_location("//02-drivers", "?x=1"), "/02-drivers/?x=1");
        assert_eq!(folder_location("////evil.example", ""), "/evil.example/");
    }

    #[test]
    fn request_heads() {
        let paths = |b: &[u8]| parse_head(b, Targets::Path);
        let req = |m: &str, t: &str, headers: &[(&str, &str)]| {
            Some(Head::Request(Request {
                method: m.into(),
                target: t.into(),
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
            }))
        };
        assert_eq!(
            paths(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            req("GET", "/", &[("Host", "x")])
        );
        assert_eq!(
            paths(b"HEAD /a?b HTTP/1.0\r\n\r\n"),
            req("HEAD", "/a?b", &[])
        );
        assert_eq!(paths(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(paths(b"GET /aaaa"), None);
        assert_eq!(
            paths(b"GET http://h/ HTTP/1.1\r\n\r\n"),
            Some(Head::Refuse(400))
        );
        assert_eq!(
            paths(b"\x01\x02 / HTTP/1.1\r\n\r\n"),
            Some(Head::Refuse(400))
        );
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "A: b\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(paths(many.as_bytes()), Some(Head::Refuse(431)));
        assert_eq!(too_large(b"GET /aaaa"), 414);
        assert_eq!(too_large(b"GET / HTTP/1.1\r\nA: bbbb"), 431);
    }

    #[test]
    fn proxy_request_heads() {
        let any = |b: &[u8]| parse_head(b, Targets::Any);
        let target = |b: &[u8]| match any(b) {
            Some(Head::Request(r)) => (r.method, r.target),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            target(b"GET http://127.0.0.1:4000/a.png HTTP/1.1\r\n\r\n"),
            ("GET".into(), "http://127.0.0.1:4000/a.png".into())
        );
        assert_eq!(
            target(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
            ("CONNECT".into(), "example.com:443".into())
        );
        assert_eq!(target(b"OPTIONS * HTTP/1.1\r\n\r\n").1, "*");
        assert_eq!(any(b"\x01\x02 / HTTP/1.1\r\n\r\n"), Some(Head::Refuse(400)));
        let Some(Head::Request(r)) =
            any(b"GET / HTTP/1.1\r\nsec-fetch-dest: image\r\nSec-Fetch-Dest:  Document \r\n\r\n")
        else {
            panic!()
        };
        assert_eq!(r.header("SEC-FETCH-DEST"), Some("Document"), "the last one");
        assert_eq!(r.header("host"), None);
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime(Path::new("a.webp")), "image/webp");
        assert_eq!(mime(Path::new("a.js")), "text/javascript; charset=utf-8");
        assert_eq!(mime(Path::new("manual.pdf")), "application/pdf");
    }
}
