//! `faqsite check` on `tests/fixtures/check` (one problem of each kind) and on the clean
//! `tests/fixtures/basic`: every problem in one run, file:line for each, a summary line,
//! exit status, no output written. And on the public FAQs of `tests/sites/`: no errors.

use crate::common::*;

#[test]
fn every_problem_in_one_run() {
    let (_tmp, site) = fixture("check");
    let (ok, out, err) = run(&["check"], &site);
    assert!(!ok, "errors exit non-zero");
    let expect = [
        ("content/01-a/links.md:6", "gone.md"),
        ("content/01-a/same.md:6", "#nowhere"),
        ("content/01-a/links.md:8", "no alt text"),
        ("content/01-a/links.md:10", "missing.png not found"),
        ("images/spare.png", "not used by any page"),
        ("content/01-a/empty.md", "no answer"),
        ("content/01-a/same.md", "also used by"),
    ];
    for (place, what) in expect {
        assert!(
            err.lines().any(|l| l.contains(place) && l.contains(what)),
            "{place}: {what} missing in:\n{err}"
        );
    }
    // Missing alt text, an unanswered question, a duplicate title and an unused image are
    // warnings (as in a build); the dead link, the dead anchor and the missing image errors.
    assert!(out.contains("3 errors, 4 warnings"), "summary: {out}");
    assert!(!site.join("public").exists(), "check writes no output");
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let (_tmp, site) = fixture("check");
    std::fs::write(
        site.join("content/01-a/empty.md"),
        "+++\ntitle = \"没有答案\"\nwieght = 30\n+++\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["check"], &site);
    assert!(!ok);
    assert!(
        err.contains("content/01-a/empty.md:3") && err.contains("did you mean `weight`?"),
        "{err}"
    );
}

#[test]
fn external_links_are_skipped_with_a_notice_when_offline() {
    let (_tmp, site) = fixture("basic");
    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"外部链接\"\nweight = 1\n+++\n\nSee [the vendor](https://no-such-host.invalid/help).\n",
    )
    .unwrap();
    let (ok, out, err) = run(&["check", "--external"], &site);
    assert!(
        ok,
        "an unreachable or unresolvable host is not an error: {out}{err}"
    );
    assert!(
        err.contains("external") || out.contains("external"),
        "a notice or warning about external links: {out}{err}"
    );
}

#[test]
fn clean_site_passes() {
    let (_tmp, site) = fixture("basic");
    let (ok, out, err) = run(&["check"], &site);
    assert!(ok, "{out}{err}");
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
}

/// The public FAQs converted in `tests/sites/` (Chinese and English, answers as their authors
/// wrote them) pass `check` with no error, every page of them checked. Their warnings are true
/// ones (raw HTML shown as text, an image without alt text; see each SOURCE.md).
#[test]
fn public_faq_test_sites_have_no_errors() {
    let sites = [
        ("dolphinscheduler-faq-zh", 61),
        ("logingov-help-en", 81),
        ("rust-faq-en", 148),
        ("rust-faq-zh", 148),
    ];
    let dir = repo_root().join("tests/sites");
    let found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("site.toml").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        found.len(),
        sites.len(),
        "every test site is listed: {found:?}"
    );
    for (name, pages) in sites {
        let root = dir.join(name);
        let (ok, out, err) = run(&["check", "--root", &root.to_string_lossy()], &repo_root());
        assert!(ok, "{name}:\n{out}{err}");
        assert!(
            out.contains("0 errors,") && out.contains(&format!(" in {pages} pages")),
            "{name}: {out}"
        );
    }
}

#[test]
fn slugs_differing_only_in_case_are_errors() {
    let (_tmp, site) = fixture("basic");
    std::fs::write(
        site.join("content/01-basics/Second.md"),
        "+++\ntitle = \"大写的文件名\"\nweight = 90\n+++\n\nAn answer.\n",
    )
    .unwrap();
    let (ok, out, err) = run(&["check"], &site);
    assert!(!ok, "{out}");
    assert!(
        err.contains("content/01-basics/") && err.contains("differs only in case"),
        "{err}"
    );
    assert!(out.contains("1 error,"), "{out}");
}

#[test]
fn external_http_links_are_asked_with_head() {
    // A local server stands in for the web: /gone answers 404, everything else 200.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let line = request_line(&s);
            let status = if line.starts_with("HEAD /gone ") {
                "404 Not Found"
            } else {
                "200 OK"
            };
            let _ = std::io::Write::write_all(
                &mut &s,
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    let (_tmp, site) = fixture("basic");
    std::fs::write(
        site.join("content/02-more/third.md"),
        format!(
            "+++\ntitle = \"外部链接\"\nweight = 1\n+++\n\n[ok](http://127.0.0.1:{port}/fine) \
             [gone](http://127.0.0.1:{port}/gone) [nohost](https://no-such-host.invalid/)\n"
        ),
    )
    .unwrap();
    let (ok, out, err) = run(&["check", "--external", "--allow-private-addresses"], &site);
    assert!(ok, "external problems are warnings: {out}{err}");
    assert!(err.contains("/gone: it answers HTTP 404"), "{err}");
    assert!(!err.contains("/fine"), "{err}");
    assert!(
        err.contains("no-such-host.invalid/: its host name does not resolve"),
        "{err}"
    );
    assert!(out.contains("0 errors, 2 warnings"), "{out}");
}

#[test]
fn external_links_are_asked_within_a_time_limit_and_get_after_a_refused_head() {
    // One local server answers a byte a second (it would take a minute); another refuses HEAD
    // (405) and answers GET with 404 on /gone, 200 elsewhere.
    let slow = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let slow_port = slow.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in slow.incoming().flatten() {
            std::thread::spawn(move || {
                for b in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                    .iter()
                    .cycle()
                    .take(60)
                {
                    if std::io::Write::write_all(&mut &s, &[*b]).is_err() {
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
            });
        }
    });
    let no_head = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let no_head_port = no_head.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in no_head.incoming().flatten() {
            let line = request_line(&s);
            let status = match line.split_whitespace().collect::<Vec<_>>()[..] {
                ["HEAD", ..] => "405 Method Not Allowed",
                [_, "/gone", ..] => "404 Not Found",
                _ => "200 OK",
            };
            let _ = std::io::Write::write_all(
                &mut &s,
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    let (_tmp, site) = fixture("basic");
    std::fs::write(
        site.join("content/02-more/third.md"),
        format!(
            "+++\ntitle = \"外部链接\"\nweight = 1\n+++\n\n[slow](http://127.0.0.1:{slow_port}/) \
             [fine](http://127.0.0.1:{no_head_port}/fine) [gone](http://127.0.0.1:{no_head_port}/gone)\n"
        ),
    )
    .unwrap();
    let (ok, out, err) = run(
        &[
            "check",
            "--external",
            "--link-timeout",
            "2",
            "--allow-private-addresses",
        ],
        &site,
    );
    assert!(ok, "external problems are warnings: {out}{err}");
    assert!(
        err.contains(&format!("{slow_port}/: no answer within 2 s")),
        "{err}"
    );
    assert!(err.contains("/gone: it answers HTTP 404"), "{err}");
    assert!(!err.contains("/fine"), "{err}");
    assert!(out.contains("0 errors, 2 warnings"), "{out}");
}

#[test]
fn a_site_whose_only_external_host_fails_is_not_called_offline() {
    let (_tmp, site) = fixture("basic");
    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"外部链接\"\nweight = 1\n+++\n\n[a](https://no-such-host.invalid/a) [b](https://no-such-host.invalid/b)\n",
    )
    .unwrap();
    let (ok, out, err) = run(&["check", "--external"], &site);
    assert!(ok, "{out}{err}");
    assert!(!err.contains("offline"), "{err}");
    assert!(
        err.contains("no-such-host.invalid/a: its host name does not resolve"),
        "{err}"
    );
}

/// `check --external` never connects to a loopback, private or link-local address (attack
/// review row 8: in CI a link to 169.254.169.254 or an internal host would be fetched), decided
/// on the address the name resolves to (`localhost` too), each a warning; the server sees
/// nothing.
#[test]
fn external_links_to_private_addresses_are_not_connected_to() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (_tmp, site) = fixture("basic");
    let links = [
        format!("http://127.0.0.1:{port}/ip"),
        format!("http://localhost:{port}/name"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.1/".to_string(),
    ];
    let md: Vec<String> = links.iter().map(|l| format!("[x]({l})")).collect();
    write(
        &site,
        "content/02-more/third.md",
        &format!(
            "+++\ntitle = \"外部链接\"\nweight = 1\n+++\n\n{}\n",
            md.join(" ")
        ),
    );
    let (ok, out, err) = run(&["check", "--external", "--link-timeout", "3"], &site);
    assert!(ok, "warnings: {out}{err}");
    for l in &links {
        assert!(
            err.contains(&format!(
                "{l}: not checked: it resolves to a private address"
            )),
            "{l}:\n{err}"
        );
    }
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the loopback server was connected to"
    );
}

/// The request line of the HTTP request on `s`, read with the rest of the request: a socket
/// closed with bytes of the request unread is reset, and the client then sees no answer (the
/// servers of these tests answer with `Connection: close`).
fn request_line(s: &std::net::TcpStream) -> String {
    let mut r = std::io::BufReader::new(s);
    let mut line = String::new();
    let _ = std::io::BufRead::read_line(&mut r, &mut line);
    let mut header = String::new();
    while std::io::BufRead::read_line(&mut r, &mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    line
}
