//! The loopback HTTP server the print pass points Chromium at, and Chromium's only proxy: it
//! serves the files of one folder (the staged site) on `http://127.0.0.1:PORT/` and refuses
//! every other request, so the page being printed can reach nothing else.
//!
//! A page loaded over http cannot read `file://` URLs (a `file://` page can read any local
//! file). Every response carries [`CSP`]: no script, no frame or object, subresources only from
//! the site. Chromium sends all its traffic, loopback included, through this server as proxy;
//! a request for another host is answered `204 No Content` (a navigation to it, such as a
//! `<meta http-equiv="refresh">`, then leaves the page where it is) and `CONNECT` is refused.
//! The page opens once per [`PrintServer::open`]; any other navigation also gets 204, so
//! nothing in it can replace or reload the document being printed.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::http::{self, mime, resolve, Head, Request, Targets};

/// The policy of every page served: what the page may load, and nothing runs.
pub const CSP: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
font-src 'self' data:; script-src 'none'; frame-src 'none'; object-src 'none'; \
connect-src 'none'; base-uri 'none'; form-action 'none'";

/// A running server; stopped when dropped.
pub struct PrintServer {
    addr: SocketAddr,
    site: Arc<Site>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl PrintServer {
    /// Serve the files under `root` on a free loopback port; `page` (a file under `root`) is
    /// the document to print.
    pub fn start(root: &Path, page: &str) -> std::io::Result<PrintServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let site = Arc::new(Site {
            root: root.canonicalize()?,
            origin: format!("http://{addr}"),
            page: format!("/{page}"),
            opens: AtomicUsize::new(0),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (stopped, served) = (stop.clone(), site.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let site = served.clone();
                // Chromium opens a few connections at once; each is answered on its own.
                let _ = std::thread::Builder::new().spawn(move || site.handle(stream));
            }
        });
        Ok(PrintServer {
            addr,
            site,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn origin(&self) -> String {
        self.site.origin.clone()
    }

    /// Let the page be opened (navigated to) once more; its URL.
    pub fn open(&self) -> String {
        self.site.opens.store(1, Ordering::SeqCst);
        format!("{}{}", self.site.origin, self.site.page)
    }
}

impl Drop for PrintServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag (without that, leave the thread be).
        if TcpStream::connect(self.addr).is_ok() {
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }
}

struct Site {
    /// Canonical, so a file is inside only if its canonical path starts with it.
    root: PathBuf,
    /// `http://127.0.0.1:PORT`: the only host answered.
    origin: String,
    /// `/print.html`: the only document.
    page: String,
    /// How many more times the page may be navigated to (see [`PrintServer::open`]).
    opens: AtomicUsize,
}

/// What a request gets.
#[derive(Debug, PartialEq)]
enum Answer {
    File(PathBuf),
    NotFound,
    /// Another host: `204 No Content`.
    Elsewhere,
    /// `CONNECT` (a tunnel) or a method other than GET/HEAD.
    Refused,
}

impl Site {
    fn handle(&self, mut stream: TcpStream) {
        let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
        // Requests as a proxy gets them (absolute URLs, CONNECT's `host:port`); a head that is
        // malformed or longer than `http::MAX_HEAD` gets no answer at all.
        let Head::Request(request) = http::read_head(&mut stream, Targets::Any) else {
            return;
        };
        let answer = self.answer(&request);
        let _ = respond(stream, &answer, request.method == "HEAD");
    }

    fn answer(&self, request: &Request) -> Answer {
        if request.method != "GET" && request.method != "HEAD" {
            return Answer::Refused;
        }
        let target = request.target.as_str();
        // Through the proxy the target is absolute (`http://host:port/path`); a request made
        // to this port directly has only the path.
        let path = match target.strip_prefix(&self.origin) {
            Some(p) if p.starts_with('/') => p,
            Some(_) => return Answer::Elsewhere,
            None if target.starts_with('/') => target,
            None => return Answer::Elsewhere,
        };
        // `Sec-Fetch-Dest: document` is a navigation.
        let dest = request.header("sec-fetch-dest").unwrap_or("");
        if dest.eq_ignore_ascii_case("document")
            && (path != self.page || self.opens.swap(0, Ordering::SeqCst) == 0)
        {
            return Answer::Elsewhere;
        }
        match resolve(&self.root, path).and_then(|f| f.canonicalize().ok()) {
            Some(f) if f.starts_with(&self.root) && f.is_file() => Answer::File(f),
            _ => Answer::NotFound,
        }
    }
}

fn respond(mut stream: TcpStream, answer: &Answer, head_only: bool) -> std::io::Result<()> {
    let (status, ctype, body) = match answer {
        Answer::File(f) => match std::fs::read(f) {
            Ok(bytes) => ("200 OK", mime(f), bytes),
            Err(_) => ("404 Not Found", "text/plain", Vec::new()),
        },
        Answer::NotFound => ("404 Not Found", "text/plain", Vec::new()),
        Answer::Elsewhere => ("204 No Content", "text/plain", Vec::new()),
        Answer::Refused => ("403 Forbidden", "text/plain", Vec::new()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Content-Security-Policy: {CSP}\r\nX-Content-Type-Options: nosniff\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head_only {
        stream.write_all(&body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn site() -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("images")).unwrap();
        std::fs::write(root.join("print.html"), "<p>manual</p>").unwrap();
        std::fs::write(root.join("index.html"), "<p>home</p>").unwrap();
        std::fs::write(root.join("images/a.png"), "png").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        let site = Site {
            root: root.canonicalize().unwrap(),
            origin: "http://127.0.0.1:4000".into(),
            page: "/print.html".into(),
            opens: AtomicUsize::new(0),
        };
        (dir, site)
    }

    fn req(method: &str, target: &str, dest: &str) -> Request {
        Request {
            method: method.into(),
            target: target.into(),
            headers: vec![("Sec-Fetch-Dest".into(), dest.into())],
        }
    }

    #[test]
    fn only_files_of_the_site_on_its_own_origin() {
        let (_dir, site) = site();
        let get = |target: &str| site.answer(&req("GET", target, "image"));
        let file = |p: &str| Answer::File(site.root.join(p));
        assert_eq!(get("http://127.0.0.1:4000/print.html"), file("print.html"));
        assert_eq!(get("/images/a.png?v=1"), file("images/a.png"));
        for outside in [
            "http://127.0.0.1:4000/../secret.txt",
            "/%2e%2e/secret.txt",
            "/link.txt",
            "/images",
            "/missing.html",
        ] {
            assert_eq!(get(outside), Answer::NotFound, "{outside}");
        }
        for elsewhere in [
            "http://127.0.0.1:4001/print.html",
            "http://127.0.0.1:40000/print.html",
            "http://localhost:4000/print.html",
            "http://example.com/x.png",
            "file:///etc/passwd",
        ] {
            assert_eq!(get(elsewhere), Answer::Elsewhere, "{elsewhere}");
        }
        let refused = |m: &str, t: &str| site.answer(&req(m, t, ""));
        assert_eq!(refused("CONNECT", "example.com:443"), Answer::Refused);
        assert_eq!(refused("POST", "/print.html"), Answer::Refused);
    }

    #[test]
    fn the_page_opens_once_per_open_and_is_the_only_document() {
        let (_dir, site) = site();
        let nav = |target: &str| site.answer(&req("GET", target, "document"));
        let page = Answer::File(site.root.join("print.html"));
        assert_eq!(nav("/print.html"), Answer::Elsewhere, "not opened yet");
        site.opens.store(1, Ordering::SeqCst);
        assert_eq!(nav("/index.html"), Answer::Elsewhere, "another document");
        assert_eq!(nav("/print.html"), page);
        assert_eq!(nav("/print.html"), Answer::Elsewhere, "a reload");
    }

    #[test]
    fn serves_over_http_with_the_policy() {
        let (dir, _) = site();
        let server = PrintServer::start(&dir.path().join("site"), "print.html").unwrap();
        let send = |head: &str| {
            let mut s = TcpStream::connect(server.addr).unwrap();
            s.write_all(head.as_bytes()).unwrap();
            let mut text = String::new();
            s.read_to_string(&mut text).unwrap();
            text
        };
        let get = |target: &str| {
            send(&format!(
                "GET {target} HTTP/1.1\r\nHost: x\r\nSec-Fetch-Dest: document\r\n\r\n"
            ))
        };
        let page = get(&server.open());
        assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
        assert!(page.contains(&format!("Content-Security-Policy: {CSP}\r\n")));
        assert!(page.ends_with("\r\n\r\n<p>manual</p>"), "{page}");
        assert!(get(&server.open()).starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(
            get("/print.html").starts_with("HTTP/1.1 204 "),
            "opened once"
        );
        assert!(get("http://example.com/").starts_with("HTTP/1.1 204 "));
        // As Chromium's proxy: its own origin in absolute form, a tunnel refused.
        let image = format!(
            "GET {}/images/a.png HTTP/1.1\r\nHost: x\r\n\r\n",
            server.origin()
        );
        assert!(send(&image).ends_with("\r\n\r\npng"));
        let tunnel = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n";
        assert!(send(tunnel).starts_with("HTTP/1.1 403 "));
        let mut s = TcpStream::connect(server.addr).unwrap();
        s.write_all(&vec![b'a'; 20_000]).unwrap();
        let mut rest = String::new();
        let _ = s.read_to_string(&mut rest);
        assert!(rest.is_empty(), "an over-long head gets no answer: {rest}");
    }
}
