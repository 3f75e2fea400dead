//! `faqsite serve` regressions that need a quiet server: a build reads every source file, and
//! reading is no change (notify's inotify backend reports opens): an idle server must not
//! rebuild, or open pages would reload for ever.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Every `event:` line seen on the stream within `window`.
fn events_within(r: &mut BufReader<TcpStream>, window: Duration) -> Vec<String> {
    let deadline = Instant::now() + window;
    let mut seen = Vec::new();
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        match r.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) if line.starts_with("event:") => seen.push(line.trim().to_string()),
            _ => {}
        }
    }
    seen
}

#[test]
fn idle_server_does_not_rebuild_and_one_save_reloads_once() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        s,
        "GET /__faqsite/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let mut r = BufReader::new(s);
    // Idle: no events at all (the old watcher rebuilt on its own reads, every ~0.3 s).
    let idle = events_within(&mut r, Duration::from_millis(1500));
    assert!(idle.is_empty(), "idle server sent {idle:?}");
    // One save: exactly one reload, then quiet again.
    let page = site.join("content/01-basics/first.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nOne more line.\n")).unwrap();
    let after = events_within(&mut r, Duration::from_millis(2500));
    assert_eq!(after, vec!["event: reload".to_string()], "{after:?}");
}

#[test]
fn site_toml_saved_by_rename_rebuilds_every_time() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        s,
        "GET /__faqsite/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let config = site.join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    // Editors often save by writing a new file and renaming it over the old one; a watch on
    // the file itself saw only the first such save.
    for n in 0..3 {
        let tmp = site.join(".site.toml.swp");
        std::fs::write(&tmp, format!("{text}\n# save {n}\n")).unwrap();
        std::fs::rename(&tmp, &config).unwrap();
        let seen = events_within(&mut r, Duration::from_millis(2500));
        assert_eq!(
            seen,
            vec!["event: reload".to_string()],
            "save {n}: {seen:?}"
        );
    }
}

#[test]
fn folder_without_slash_redirects() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let head = |path: &str| {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut s, &mut text).unwrap();
        text.split("\r\n\r\n").next().unwrap().to_string()
    };
    let h = head("/01-basics?x=1");
    assert!(h.starts_with("HTTP/1.1 301"), "{h}");
    assert!(h.contains("Location: /01-basics/?x=1"), "{h}");
    assert!(head("/01-basics/").starts_with("HTTP/1.1 200"));
    assert!(head("/01-basics/index.html").starts_with("HTTP/1.1 200"));
    assert!(head("/01-basics/first.html").starts_with("HTTP/1.1 200"));
    assert!(head("/").starts_with("HTTP/1.1 200"));
}

#[test]
fn broken_site_at_start_is_served_with_the_error_and_recovers() {
    let (_tmp, site) = fixture("basic");
    let page = site.join("content/01-basics/first.md");
    let good = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, "+++\ntitle = \n+++\nbody\n").unwrap();
    let server = serve(&site);
    let get = |path: &str| {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut s, &mut text).unwrap();
        text
    };
    let home = get("/");
    assert!(home.starts_with("HTTP/1.1 404"), "{home}");
    assert!(
        home.contains("/__faqsite/events"),
        "placeholder has the reload script"
    );
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        s,
        "GET /__faqsite/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut data = String::new();
    while Instant::now() < deadline && data.is_empty() {
        line.clear();
        if r.read_line(&mut line).is_ok() && line.trim() == "event: error-report" {
            r.read_line(&mut data).unwrap();
        }
    }
    assert!(data.contains("first.md:2"), "error names file:line: {data}");
    std::fs::write(&page, good).unwrap();
    let seen = events_within(&mut r, Duration::from_millis(2500));
    assert!(seen.contains(&"event: reload".to_string()), "{seen:?}");
    assert!(get("/").starts_with("HTTP/1.1 200"));
}

#[test]
fn serve_never_prints_the_pdf() {
    let (_tmp, site) = fixture("basic");
    let config = site.join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[print]\npdf = true\n")).unwrap();
    // A build does try (and fails without the browser) …
    let (ok, _, err) = run(&["build", "--browser", "/no/such/chromium"], &site);
    assert!(!ok, "build prints the PDF: {err}");
    // … serve does not: no error, a page served.
    let server = serve(&site);
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        s,
        "GET /__faqsite/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let seen = events_within(&mut r, Duration::from_millis(800));
    assert!(seen.is_empty(), "{seen:?}");
    assert!(!site.join("public/manual.pdf").exists());
    assert!(site.join("public/index.html").is_file());
}

/// Read the event stream until the next reload (a build error fails the test), then wait for
/// the end of that build (the server holds `print.html` back until then); `false` when no
/// reload came before `deadline`.
fn reload_before(r: &mut BufReader<TcpStream>, addr: &str, what: &str, deadline: Instant) -> bool {
    let mut line = String::new();
    loop {
        if Instant::now() >= deadline {
            return false;
        }
        line.clear();
        match r.read_line(&mut line) {
            Ok(_) if line.starts_with("event: reload") => break,
            Ok(_) => assert!(!line.starts_with("event: error"), "{what}: {line}"),
            Err(_) => {}
        }
    }
    assert_eq!(get(addr, "/print.html").0, 200, "{what}");
    true
}

/// `serve` reads again only the folders its watcher saw a change in (the others' listings are
/// kept from the last build): after each kind of change the output is a fresh build's.
#[test]
fn every_kind_of_content_change_shows_as_in_a_fresh_build() {
    let (tmp, site) = fixture("basic");
    let server = serve(&site);
    let mut r = events(&server.addr);
    let write = |rel: &str, text: &str| {
        let p = site.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let first = site.join("content/01-basics/first.md");
    let steps: [(&str, &dyn Fn()); 4] = [
        ("an edit", &|| {
            let text = read(&first);
            std::fs::write(&first, format!("{text}\nOne more line.\n")).unwrap();
        }),
        ("a new question", &|| {
            write(
                "content/02-more/fourth.md",
                "+++\ntitle = \"Fourth\"\n+++\nNew.\n",
            );
        }),
        ("a removed question", &|| {
            std::fs::remove_file(site.join("content/02-more/third.md")).unwrap();
        }),
        ("a new chapter", &|| {
            write(
                "content/03-new/_index.md",
                "+++\ntitle = \"New\"\nweight = 30\n+++\n",
            );
            write("content/03-new/q.md", "+++\ntitle = \"Q\"\n+++\nAnswer.\n");
        }),
    ];
    let out = site.join("public");
    for (what, change) in steps {
        change();
        // A change may take more than one build to show (a new chapter: its folder, then its
        // files): each reload is awaited until the output is a fresh build's.
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut differences = vec!["no reload".to_string()];
        while !differences.is_empty() {
            assert!(
                reload_before(&mut r, &server.addr, what, deadline),
                "{what}: not a fresh build's output within 20 s: {}",
                differences.join("; ")
            );
            differences = differences_from_fresh(tmp.path(), &site, &out, what);
        }
    }
}
