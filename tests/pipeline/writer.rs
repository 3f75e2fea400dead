//! The writer's loop: `serve` (HTTP, live reload, error overlay, path safety), `check`, `new`,
//! `init`, all through the real binary.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Wait (up to 15 s) for an `event: NAME` line; returns the data line that follows.
fn wait_event(r: &mut BufReader<TcpStream>, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        match r.read_line(&mut line) {
            Ok(0) => panic!("event stream closed"),
            Ok(_) if line.trim() == format!("event: {name}") => {
                let mut data = String::new();
                r.read_line(&mut data).unwrap();
                return data;
            }
            _ => {}
        }
    }
    panic!("no {name} event within 15 s");
}

#[test]
fn serve_reloads_on_change_and_shows_errors_without_dying() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let (status, ctype, body) = get(&server.addr, "/01-basics/first.html");
    assert_eq!(status, 200);
    assert_eq!(ctype, "text/html; charset=utf-8");
    assert!(body.contains("/__faqsite/events"), "reload script injected");
    assert!(
        !std::fs::read_to_string(site.join("public/01-basics/first.html"))
            .unwrap()
            .contains("__faqsite"),
        "never in the built files"
    );

    let mut ev = events(&server.addr);
    let q = site.join("content/02-more/third.md");
    let text = std::fs::read_to_string(&q).unwrap();
    let saved = Instant::now();
    std::fs::write(&q, text.replace("Plain answer", "Edited answer")).unwrap();
    wait_event(&mut ev, "reload");
    println!("save → reload event: {} ms", saved.elapsed().as_millis());
    assert!(get(&server.addr, "/02-more/third.html")
        .2
        .contains("Edited answer"));

    // A broken save: the error reaches the browser, the last good site stays served.
    std::fs::write(&q, "+++\ntitle = \n+++\n").unwrap();
    let data = wait_event(&mut ev, "error-report");
    assert!(data.contains("content/02-more/third.md:2"), "{data}");
    assert!(get(&server.addr, "/02-more/third.html")
        .2
        .contains("Edited answer"));
    // Fixed: reload again.
    std::fs::write(&q, text).unwrap();
    wait_event(&mut ev, "reload");
    assert!(get(&server.addr, "/02-more/third.html")
        .2
        .contains("Plain answer"));
}

#[test]
fn serve_types_misses_and_traversal() {
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let (status, ctype, _) = get(&server.addr, "/static/style.css");
    assert_eq!((status, ctype.as_str()), (200, "text/css; charset=utf-8"));
    assert_eq!(
        get(&server.addr, "/search-index.js").1,
        "text/javascript; charset=utf-8"
    );
    let (status, _, body) = get(&server.addr, "/no/such/page.html");
    assert_eq!(status, 404);
    assert!(
        body.contains("页面未找到") || body.contains("404"),
        "404.html is served"
    );
    for evil in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/static/%2E%2E/%2E%2E/site.toml",
        "/..%5csite.toml",
    ] {
        let (status, _, body) = get(&server.addr, evil);
        assert!(status == 403 || status == 404, "{evil}: {status}");
        assert!(
            !body.contains("title = \"Fixture FAQ\""),
            "{evil} leaked site.toml"
        );
    }
}

#[test]
fn check_reports_every_kind_of_problem() {
    let (_tmp, site) = fixture("basic");
    let (ok, out, err) = run(&["check"], &site);
    assert!(ok, "the clean fixture passes: {out}{err}");
    assert!(out.contains("0 errors"), "{out}");

    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"如何安装驱动？\"\nweight = 1\n+++\n\n![](../../images/icon.png)\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/02-more/empty.md"),
        "+++\ntitle = \"Empty\"\nweight = 2\n+++\n",
    )
    .unwrap();
    std::fs::copy(site.join("images/icon.png"), site.join("images/spare.png")).unwrap();
    let (ok, out, err) = run(&["check", "--external"], &site);
    assert!(ok, "warnings only (as in a build): {out}{err}");
    assert!(
        err.contains("content/02-more/third.md:6") && err.contains("no alt text"),
        "{err}"
    );
    assert!(
        err.contains("content/02-more/empty.md") && err.contains("no answer"),
        "{err}"
    );
    assert!(
        err.contains("也 used by") || err.contains("is also used by"),
        "duplicate title: {err}"
    );
    assert!(
        err.contains("spare.png") && err.contains("not used"),
        "{err}"
    );
    assert!(out.contains("0 errors, 4 warnings"), "{out}");
    let (ok, out, _) = run(&["check", "--strict"], &site);
    assert!(!ok && out.contains("4 errors, 0 warnings"), "{out}");
    assert!(!site.join("public").exists(), "check writes no output");

    // Dead links and unknown keys, with "did you mean".
    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"t\"\nwieght = 1\n+++\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["check"], &site);
    assert!(
        !ok && err.contains("content/02-more/third.md:3") && err.contains("did you mean `weight`?"),
        "{err}"
    );
    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"t\"\n+++\n[x](gone.md)\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["check"], &site);
    assert!(
        !ok && err.contains("content/02-more/third.md:4") && err.contains("gone.md"),
        "{err}"
    );
}

#[test]
fn init_and_new_make_sites_that_build() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("help");
    let (ok, _, err) = run(&["init", dir.to_str().unwrap()], tmp.path());
    assert!(ok, "{err}");
    let (ok, out, err) = run(
        &[
            "new",
            "question",
            "--chapter",
            "01-getting-started",
            "USB Key 的初始口令是多少？",
        ],
        &dir,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("usb-key-de-chu-shi-kou-ling-shi-duo-shao.md"),
        "{out}"
    );
    let (ok, out, err) = run(&["new", "chapter", "证书更新问题"], &dir);
    assert!(
        ok && out.contains("02-zheng-shu-geng-xin-wen-ti"),
        "{out}{err}"
    );
    let (ok, out, err) = run(&["build"], &dir);
    assert!(ok, "{out}{err}");
    assert!(dir
        .join("public/01-getting-started/usb-key-de-chu-shi-kou-ling-shi-duo-shao.html")
        .is_file());
    let (ok, _, err) = run(&["init", dir.to_str().unwrap()], tmp.path());
    assert!(!ok && err.contains("already exists"), "{err}");
}
