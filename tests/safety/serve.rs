//! `faqsite serve` under hostile or unlucky conditions: oversized requests, a `Location` that
//! could leave the site, builds that fail or panic (first or later), a busy port, and requests
//! that land while a rebuild swaps the output in.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A Markdown link whose target starts with `%` and a multi-byte character: it made the
/// Markdown stage panic (a byte index inside a character). Once that is fixed it is a dead
/// link instead; either way the build fails, which is all these tests need.
const PANICKING_LINK: &str = "[链接](%中.md)";

/// Send `raw` as the whole request; returns the response head (status line and headers).
fn raw_request(addr: &str, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    // The server may stop reading before all is sent; what it answered is what counts.
    let _ = s.write_all(raw);
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    let text = String::from_utf8_lossy(&got).into_owned();
    text.split("\r\n\r\n").next().unwrap_or("").to_string()
}

/// Wait (at most `limit`) for the next `event: <name>` on the stream; returns its data line.
fn next_event(r: &mut BufReader<TcpStream>, name: &str, limit: Duration) -> Option<String> {
    let deadline = Instant::now() + limit;
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        match r.read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) if line.trim() == format!("event: {name}") => {
                let mut data = String::new();
                r.read_line(&mut data).unwrap();
                return Some(data);
            }
            _ => {}
        }
    }
    None
}

#[test]
fn request_line_over_8_kb_is_answered_414() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let mut req = b"GET /".to_vec();
    req.extend(std::iter::repeat_n(b'a', 100 * 1024));
    req.extend(b" HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let head = raw_request(&server.addr, &req);
    assert!(head.starts_with("HTTP/1.1 414"), "{head:.200}");
    // The server is still there for the next request.
    assert_eq!(get(&server.addr, "/").0, 200);
}

#[test]
fn headers_over_8_kb_are_answered_431() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let mut req = String::from("GET / HTTP/1.1\r\nHost: localhost\r\n");
    for n in 0..20 {
        req.push_str(&format!("X-Filler-{n}: {}\r\n", "b".repeat(1000)));
    }
    req.push_str("\r\n");
    let head = raw_request(&server.addr, req.as_bytes());
    assert!(head.starts_with("HTTP/1.1 431"), "{head:.200}");
}

#[test]
fn an_endless_request_line_is_not_read_on() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(b"GET /").unwrap();
    // 64 MB without a line end: the old server kept all of it in memory (a 1 GB line took
    // 5 GB), waiting for the end of the line. Now it stops reading after 8 KB (and a bounded
    // drain), so the writes fail long before 64 MB are taken.
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0usize;
    while sent < 64 << 20 {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
    }
    assert!(
        sent < 64 << 20,
        "the server took all {sent} bytes of one line"
    );
    assert_eq!(get(&server.addr, "/").0, 200);
}

#[test]
fn double_slash_never_redirects_off_the_site() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let location = |path: &str| {
        let head = raw_request(
            &server.addr,
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert!(head.starts_with("HTTP/1.1 301"), "{path}: {head}");
        head.lines()
            .find_map(|l| l.strip_prefix("Location: "))
            .unwrap_or_else(|| panic!("{path}: no Location in {head}"))
            .to_string()
    };
    // `//01-basics/` would be read by a browser as the host `01-basics`.
    assert_eq!(location("//01-basics"), "/01-basics/");
    assert_eq!(location("///01-basics?x=1"), "/01-basics/?x=1");
    assert_eq!(location("/01-basics"), "/01-basics/");
    // A request target that is not a path is refused, never redirected.
    let head = raw_request(
        &server.addr,
        b"GET http://evil.example/01-basics HTTP/1.1\r\nHost: localhost\r\n\r\n",
    );
    assert!(head.starts_with("HTTP/1.1 400"), "{head}");
}

/// With nothing built, every page is the placeholder (with the reload script) and the event
/// stream reports the error; returns the stream and the report.
fn placeholder_and_error(server: &Server) -> (BufReader<TcpStream>, String) {
    let (status, _, body) = get(&server.addr, "/");
    assert_eq!(status, 404, "{body}");
    assert!(
        body.contains("/__faqsite/events"),
        "placeholder has the reload script"
    );
    let mut r = events(&server.addr);
    let report = next_event(&mut r, "error-report", Duration::from_secs(10));
    let report = report.expect("the error is reported to the browser");
    (r, report)
}

#[test]
fn first_build_that_panics_keeps_the_server_and_recovers() {
    let (_tmp, site) = fixture("basic");
    let page = site.join("content/01-basics/first.md");
    let good = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{good}\n{PANICKING_LINK}\n")).unwrap();
    // The old server died here (exit 101) before it printed its address.
    let server = serve(&site);
    let (mut r, _) = placeholder_and_error(&server);
    std::fs::write(&page, format!("{good}\nFixed.\n")).unwrap();
    assert!(
        next_event(&mut r, "reload", Duration::from_secs(30)).is_some(),
        "the fixed save rebuilt"
    );
    let (status, _, body) = get(&server.addr, "/01-basics/first.html");
    assert_eq!(status, 200);
    assert!(body.contains("Fixed."), "{body}");
}

#[test]
fn site_toml_broken_at_start_is_served_with_the_error_and_recovers() {
    let (_tmp, site) = fixture("basic");
    let config = site.join("site.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, "title = \n").unwrap();
    // The old server ended at once with the config error.
    let server = serve(&site);
    let (mut r, report) = placeholder_and_error(&server);
    assert!(
        report.contains("site.toml"),
        "the error names site.toml: {report}"
    );
    std::fs::write(&config, good).unwrap();
    assert!(
        next_event(&mut r, "reload", Duration::from_secs(30)).is_some(),
        "the fixed site.toml rebuilt"
    );
    assert_eq!(get(&server.addr, "/01-basics/first.html").0, 200);
}

#[test]
fn a_save_that_panics_leaves_the_watcher_alive() {
    let (_tmp, site) = fixture("basic");
    let page = site.join("content/01-basics/first.md");
    let good = std::fs::read_to_string(&page).unwrap();
    let server = serve(&site);
    let mut r = events(&server.addr);
    std::fs::write(&page, format!("{good}\n{PANICKING_LINK}\n")).unwrap();
    // The old watcher thread died in the panic: no report, and no rebuild ever again.
    let report = next_event(&mut r, "error-report", Duration::from_secs(30));
    assert!(report.is_some(), "the failed rebuild is reported");
    // The last good site is still served.
    assert_eq!(get(&server.addr, "/01-basics/first.html").0, 200);
    std::fs::write(&page, format!("{good}\nFixed again.\n")).unwrap();
    assert!(
        next_event(&mut r, "reload", Duration::from_secs(30)).is_some(),
        "the next save rebuilt"
    );
    let (_, _, body) = get(&server.addr, "/01-basics/first.html");
    assert!(body.contains("Fixed again."), "{body}");
}

#[cfg(unix)]
#[test]
fn busy_port_fails_before_touching_the_output() {
    use std::os::unix::fs::MetadataExt;
    let (_tmp, site) = fixture("basic");
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    // No output yet: none is made.
    let (ok, _, err) = run(&["serve", "--port", &port], &site);
    assert!(!ok, "serve on a busy port fails");
    assert!(err.contains(&port), "{err}");
    assert!(!site.join("public").exists(), "serve built before failing");
    // An earlier output stays exactly as it was.
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    let inode = |p: &Path| std::fs::metadata(p).unwrap().ino();
    let before = (
        inode(&site.join("public")),
        inode(&site.join("public/index.html")),
    );
    let (ok, _, _) = run(&["serve", "--port", &port], &site);
    assert!(!ok);
    let after = (
        inode(&site.join("public")),
        inode(&site.join("public/index.html")),
    );
    assert_eq!(before, after, "serve replaced the output before failing");
}

/// A site of `chapters` × `per_chapter` questions (plus their chapter pages).
fn generated_site(chapters: usize, per_chapter: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, site) = fixture("basic");
    for c in 1..=chapters {
        let dir = site.join(format!("content/{:02}-gen", c + 10));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_index.md"),
            format!("+++\ntitle = \"第{c}章\"\nweight = {}\n+++\n", c + 100),
        )
        .unwrap();
        for q in 1..=per_chapter {
            std::fs::write(
                dir.join(format!("q{q:03}.md")),
                format!(
                    "+++\ntitle = \"问题 {c}.{q}\"\nweight = {q}\n+++\n\n## 步骤\n\nAnswer {c}.{q}: 打开设置，然后重启。\n"
                ),
            )
            .unwrap();
        }
    }
    (tmp, site)
}

#[test]
fn no_404_while_rebuilds_swap_the_output() {
    let (_tmp, site) = generated_site(6, 50);
    let server = serve(&site);
    let urls = [
        "/",
        "/11-gen/",
        "/11-gen/q001.html",
        "/13-gen/q025.html",
        "/16-gen/q050.html",
        "/01-basics/first.html",
        "/static/style.css",
    ];
    for u in urls {
        assert_eq!(get(&server.addr, u).0, 200, "{u}");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::<(u16, String)>::new()));
    let clients: Vec<_> = (0..4)
        .map(|t| {
            let (stop, seen, addr) = (stop.clone(), seen.clone(), server.addr.clone());
            std::thread::spawn(move || {
                let mut n = t;
                // Bounded: at most 200,000 requests per client.
                while !stop.load(Ordering::Relaxed) && n < 200_000 {
                    let u = urls[n % urls.len()];
                    let status = get(&addr, u).0;
                    seen.lock().unwrap().push((status, u.to_string()));
                    n += 1;
                }
            })
        })
        .collect();
    let mut r = events(&server.addr);
    let page = site.join("content/11-gen/q001.md");
    let text = std::fs::read_to_string(&page).unwrap();
    for n in 0..20 {
        std::fs::write(&page, format!("{text}\nSave {n}.\n")).unwrap();
        assert!(
            next_event(&mut r, "reload", Duration::from_secs(60)).is_some(),
            "save {n} rebuilt"
        );
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let seen = seen.lock().unwrap();
    let bad: Vec<_> = seen.iter().filter(|(s, _)| *s != 200).collect();
    assert!(seen.len() > 20, "only {} requests made", seen.len());
    assert!(
        bad.is_empty(),
        "{} of {} requests failed: {:?}",
        bad.len(),
        seen.len(),
        &bad[..bad.len().min(10)]
    );
}

#[test]
fn only_loopback_host_names_are_answered() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let status = |host: &str| {
        let head = raw_request(
            &server.addr,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        head.split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    // A page of another site whose name an attacker points at 127.0.0.1 (DNS rebinding)
    // would send its own name.
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "localhost.evil.example",
    ] {
        assert_eq!(status(host), "421", "{host}");
    }
    let head = raw_request(&server.addr, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert!(head.starts_with("HTTP/1.1 421"), "no Host: {head}");
    // Two Host fields: the request names no one host (the last one once won).
    let head = raw_request(
        &server.addr,
        b"GET / HTTP/1.1\r\nHost: evil.example\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(head.starts_with("HTTP/1.1 421"), "two Hosts: {head}");
    for host in [
        "localhost",
        &format!("localhost:{port}"),
        &server.addr,
        &format!("[::1]:{port}"),
    ] {
        assert_eq!(status(host), "200", "{host}");
    }
}

#[test]
fn connections_past_the_limit_get_503_and_the_server_lives_on() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    // Connections that send nothing hold their place (for up to 10 s each).
    let held: Vec<TcpStream> = (0..64)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    let head = raw_request(
        &server.addr,
        b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    // Each held connection is answered once it speaks; then there is room again.
    for mut s in held {
        s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).unwrap();
        assert!(answer.starts_with(b"HTTP/1.1 200"));
    }
    assert_eq!(get(&server.addr, "/").0, 200);
}
