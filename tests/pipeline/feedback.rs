//! The feedback box and events (`[feedback]`) in the built pages, and `faqsite report` on the
//! fixture logs of each server's format (tests/fixtures/logs: nginx, Apache gzip-rotated,
//! Caddy JSON) for the site of tests/fixtures/feedback.

use crate::common::*;

#[test]
fn the_box_is_on_every_answer_and_events_need_feedback_enabled() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    build(&site, &out);
    let question = read(&out.join("01-basics/first.html"));
    assert!(question
        .contains("<div class=\"feedback\" role=\"group\" data-feedback=\"01-basics/first.html\""));
    assert!(question.contains("static/feedback.js?v="));
    assert!(
        !question.contains("data-events"),
        "events are off by default"
    );
    assert!(!out.join("_/e.gif").exists());

    let (tmp, site) = fixture("feedback");
    let out = tmp.path().join("out");
    build(&site, &out);
    let gif = std::fs::read(out.join("_/e.gif")).unwrap();
    assert!(gif.starts_with(b"GIF89a") && gif.len() == 43, "a 1x1 GIF");
    let chapter = read(&out.join("02-ukey/index.html"));
    assert!(chapter.contains("data-events=\"../_/e.gif\""), "events on");
    let boxes = attr_values(&chapter, "data-feedback");
    assert_eq!(
        boxes,
        ["02-ukey/ukey-lost.html", "02-ukey/ukey-no-response.html"]
    );
    assert!(chapter
        .contains("data-form=\"https://support.example.com/new?subject={title}&amp;page={url}\""));
    assert!(chapter.contains("<a href=\"tel:400-000-0000\" data-contact=\"客服电话\">"));

    write(
        &site,
        "site.toml",
        &read(&site.join("site.toml")).replace("enabled = true", "ask = false"),
    );
    build(&site, &out);
    let page = read(&out.join("02-ukey/ukey-lost.html"));
    assert!(
        !page.contains("class=\"feedback\"") && !page.contains("feedback.js"),
        "ask = false: no box"
    );
}

/// `faqsite report LOG --root tests/fixtures/feedback` (the site's copy), stdout.
fn report(log: &str, more: &[&str]) -> String {
    let (tmp, site) = fixture("feedback");
    let log = repo_root().join("tests/fixtures/logs").join(log);
    let mut args = vec![
        "report",
        log.to_str().unwrap(),
        "--root",
        site.to_str().unwrap(),
    ];
    args.extend(more);
    let (ok, out, err) = run(&args, tmp.path());
    assert!(ok, "{err}");
    out
}

#[test]
fn report_reads_nginx_combined_logs() {
    let expected = "faqsite report: 1 log file, 11 lines, 8 events, 2026-12-04 to 2026-12-05

Searches with no result (2 searches, 1 different)
      2  U盾丢了  (also typed: u盾 丢了 ×1)
         → add keywords = [\"u盾\"] to content/02-ukey/ukey-lost.md (2.1 UKey 丢失了怎么办？), or [\"u盾\", \"ukey\"] to [search] synonyms

Searches whose results were never opened (1)
      1  密码

Search results opened (1)
      1  手机号 → 1.2 如何更换绑定的手机号？ (01-account/change-phone.html)

Questions by share of \"no\" votes (2 questions, 2 votes)
     no    yes  no %  question
      1      0  100%  1.1 忘记登录密码怎么办？ (01-account/reset-password.html)
      0      1    0%  2.1 UKey 丢失了怎么办？ (02-ukey/ukey-lost.html)

Contacts used, per page (1)
  2.1 UKey 丢失了怎么办？ (02-ukey/ukey-lost.html)
        1  客服电话
";
    assert_eq!(report("nginx-access.log", &[]), expected);
}

#[test]
fn report_reads_gzip_rotated_apache_logs_and_folds_width_and_traditional() {
    let out = report("apache-access.log.1.gz", &[]);
    assert!(
        out.starts_with(
            "faqsite report: 1 log file, 3 lines, 3 events, 2026-12-05 to 2026-12-05\n"
        ),
        "{out}"
    );
    assert!(out.contains("      1  Ｕ盾丟了\n         → add keywords = [\"u盾\"] to content/02-ukey/ukey-lost.md"), "{out}");
    assert!(
        out.contains(
            "      1      0  100%  1.1 忘记登录密码怎么办？ (01-account/reset-password.html)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "  1.1 忘记登录密码怎么办？ (01-account/reset-password.html)\n        1  form\n"
        ),
        "{out}"
    );
}

#[test]
fn report_reads_caddy_json_logs() {
    let out = report("caddy-access.json", &[]);
    assert!(
        out.starts_with(
            "faqsite report: 1 log file, 4 lines, 3 events, 2026-12-06 to 2026-12-06\n"
        ),
        "{out}"
    );
    assert!(out.contains("      1  挂失 电话 [number]\n         → the closest question, 2.1 UKey 丢失了怎么办？ (content/02-ukey/ukey-lost.md), has every word of it\n"), "{out}");
    assert!(
        out.contains("Searches whose results were never opened (1)\n      1  手机号 换\n"),
        "{out}"
    );
    assert!(
        out.contains("      0      1    0%  1.1 忘记登录密码怎么办？"),
        "{out}"
    );
}

/// All three logs at once group the same search typed three ways, and `--html` writes one
/// page with the charts inline: no script, nothing loaded from elsewhere.
#[test]
fn report_groups_across_logs_and_writes_a_self_contained_page() {
    let (tmp, site) = fixture("feedback");
    let logs = repo_root().join("tests/fixtures/logs");
    let html = tmp.path().join("report.html");
    let files = [
        "nginx-access.log",
        "apache-access.log.1.gz",
        "caddy-access.json",
    ]
    .map(|f| logs.join(f));
    let mut args = vec!["report"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend([
        "--root",
        site.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    let (ok, out, err) = run(&args, tmp.path());
    assert!(ok, "{err}");
    assert!(
        out.contains("      3  U盾丢了  (also typed: u盾 丢了 ×1, Ｕ盾丟了 ×1)\n"),
        "{out}"
    );
    assert!(
        out.contains("      2      1   66%  1.1 忘记登录密码怎么办？"),
        "{out}"
    );
    let page = read(&html);
    assert!(page.contains("<svg") && page.contains("U盾丢了"), "{page}");
    for outside in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!page.contains(outside), "{outside} in the report page");
    }
}
