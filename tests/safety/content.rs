//! Content cannot break or script a page: raw HTML is shown as text unless site.toml allows it
//! (and `build` and `check` say where), script URLs are neutralised, odd links are diagnostics
//! (never a panic), JSON inside `<script>` cannot open a comment or a script, image file names
//! are escaped and percent-encoded in the markup, and pages with tens of thousands of footnotes
//! or links build in time linear in their size.

use crate::common::*;
use std::path::{Path, PathBuf};

fn append_site_toml(site: &Path, text: &str) {
    let toml = read(&site.join("site.toml"));
    write(site, "site.toml", &format!("{toml}{text}"));
}

/// The basic fixture with one more question whose answer is `body` (line 5 is its first line).
fn site_with_answer(body: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, site) = fixture("basic");
    write(
        &site,
        "content/02-more/unsafe.md",
        &format!("+++\ntitle = \"不安全的内容\"\nweight = 40\n+++\n{body}"),
    );
    (tmp, site)
}

const RAW: &str = "答案开头。\n\n<script>alert(1)</script>\n\n行内 <svg onload=alert(2)> 与 <iframe src=\"file:///etc/hostname\"></iframe> 结尾。\n";

fn raw_warnings(report: &faqsite::site::BuildReport) -> Vec<&faqsite::error::Diagnostic> {
    report
        .warnings
        .iter()
        .filter(|w| w.message.contains("raw HTML"))
        .collect()
}

#[test]
fn raw_html_is_shown_as_text_and_reported_where() {
    let (tmp, site) = site_with_answer(RAW);
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    for page in ["02-more/unsafe.html", "02-more/index.html", "print.html"] {
        let html = read(&out.join(page));
        for tag in ["<script>alert", "<svg onload", "<iframe"] {
            assert!(!html.contains(tag), "{page} holds raw {tag}");
        }
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page} shows the script as text"
        );
        assert!(html.contains("&lt;svg onload=alert(2)&gt;"), "{page}");
    }
    // A raw local <img> (documented) is still an image, and is not reported.
    let second = read(&out.join("01-basics/second.html"));
    assert!(second.contains("<img src=\"../images/icon."), "{second}");

    let warnings = raw_warnings(&report);
    let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, vec![7, 9], "one warning per place: {warnings:#?}");
    for w in warnings {
        assert!(w.file.ends_with("content/02-more/unsafe.md"), "{w}");
        assert!(
            w.hint
                .as_deref()
                .unwrap_or("")
                .contains("[markdown] raw_html = true"),
            "{w}"
        );
    }
}

#[test]
fn raw_html_passes_through_when_site_toml_allows_it() {
    let (tmp, site) = site_with_answer(RAW);
    append_site_toml(&site, "\n[markdown]\nraw_html = true\n");
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    let html = read(&out.join("02-more/unsafe.html"));
    assert!(html.contains("<script>alert(1)</script>"), "{html}");
    assert!(html.contains("<svg onload=alert(2)>"), "{html}");
    assert!(raw_warnings(&report).is_empty(), "{:#?}", report.warnings);
}

/// With `raw_html = true`, the writer's HTML is read as a browser reads it: an `<img>` only
/// where there is an `<img>` tag (not in an attribute value or a script's string), its
/// attributes in any case, order or quoting, every entity decoded; a comment that reads like
/// faqsite's own image marker is not made an image.
#[test]
fn raw_html_is_read_as_a_browser_reads_it() {
    let body = "答案。\n\n<p title=\"<img src=&quot;nothing.png&quot;>\">标题</p>\n\n<script>var s = \"<img src=nothing.png>\", m = \"<!--faqsite:img:0-->\";</script>\n\n<IMG title=\"a src=nothing.png\" ALT='图标 &eacute;&#x56FE;' SRC='icon.png'>\n\n<!--faqsite:img:0-->\n";
    let (tmp, site) = site_with_answer(body);
    append_site_toml(&site, "\n[markdown]\nraw_html = true\n");
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    let html = read(&out.join("02-more/unsafe.html"));
    assert!(
        html.contains("var s = \"<img src=nothing.png>\", m = \"<!--faqsite:img:0-->\";"),
        "the script is as written: {html}"
    );
    assert_eq!(
        html.matches("<img src=\"../images/icon.").count(),
        1,
        "{html}"
    );
    assert!(
        html.contains("alt=\"图标 é图\"") && html.contains("title=\"a src=nothing.png\""),
        "{html}"
    );
}

#[test]
fn unknown_key_in_markdown_section_lists_the_valid_ones() {
    let (_tmp, site) = fixture("basic");
    append_site_toml(&site, "\n[markdown]\nraw_htm = true\n");
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok);
    assert!(
        err.contains("site.toml:5") && err.contains("raw_htm") && err.contains("`raw_html`"),
        "{err}"
    );
}

#[test]
fn check_says_where_raw_html_was_escaped() {
    let (_tmp, site) = site_with_answer(RAW);
    let (ok, out, err) = run(&["check"], &site);
    assert!(
        ok,
        "escaped raw HTML is a warning, not an error: {out}{err}"
    );
    for line in [7, 9] {
        let place = format!("content/02-more/unsafe.md:{line}");
        assert!(
            err.lines()
                .any(|l| l.contains(&place) && l.contains("warning") && l.contains("raw HTML")),
            "{place} missing in:\n{err}"
        );
    }
    assert!(err.contains("raw_html = true"), "{err}");
    assert!(out.contains("2 warnings"), "{out}");
}

#[test]
fn script_urls_in_links_and_images_become_hash_with_a_warning() {
    let body = "[一](javascript:alert(1))\n\n[二](<JaVaScRiPt:alert(2)>)\n\n[三](vbscript:msgbox)\n\n[四](data:text/html;base64,PHNjcmlwdD4=)\n\n<javascript:alert(5)>\n\n![图](javascript:alert(6))\n\n![小点](data:image/png;base64,iVBORw0KGgo=)\n\n[好](https://example.com/)\n";
    let (tmp, site) = site_with_answer(body);
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    let html = read(&out.join("02-more/unsafe.html"));
    let lower = html.to_ascii_lowercase();
    for bad in ["javascript:", "vbscript:", "data:text"] {
        assert!(
            !attr_values(&lower, "href").iter().any(|v| v.contains(bad))
                && !attr_values(&lower, "src").iter().any(|v| v.contains(bad)),
            "{bad} left in {html}"
        );
    }
    assert!(
        html.contains("src=\"data:image/png;base64,iVBORw0KGgo=\""),
        "{html}"
    );
    assert!(html.contains("href=\"https://example.com/\""), "{html}");
    let lines: Vec<usize> = report
        .warnings
        .iter()
        .filter(|w| w.file.ends_with("content/02-more/unsafe.md") && w.message.contains("URL"))
        .map(|w| w.line)
        .collect();
    assert_eq!(lines, vec![5, 7, 9, 11, 13, 15], "{:#?}", report.warnings);
}

#[test]
fn urls_from_site_toml_pass_the_check_markdown_links_do() {
    let (_tmp, site) = fixture("basic");
    let toml = read(&site.join("site.toml"));
    let first = toml.lines().count() + 1;
    append_site_toml(
        &site,
        "base_url = \"https://help.example.com/\\nDisallow: /\"\n\
         footer = [\"备案号\", { text = \"点我\", href = \" JaVa\\tScript:alert(1)\" }]\n\
         [[contact]]\nlabel = \"客服\"\nvalue = \"在线\"\nhref = \"vbscript:msgbox\"\n\
         [[contact]]\nlabel = \"文件\"\nvalue = \"x\"\nhref = \"file:///etc/passwd\"\n",
    );
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    for (line, what) in [
        (first, "control character"),
        (first + 1, "javascript: URLs can run scripts"),
        (first + 5, "vbscript: URLs can run scripts"),
        (first + 9, "file: is not a scheme"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("site.toml:{line}")) && l.contains(what)),
            "site.toml:{line} {what}:\n{err}"
        );
    }
    assert!(!site.join("public").exists(), "nothing was built");
    // `--base-url` is held to the same rule, and parsed as a URL.
    let (_tmp2, site) = fixture("basic");
    for bad in [
        "https://a.example/\nDisallow: /",
        "https://",
        "ftp://a.example/",
    ] {
        let (ok, _, err) = run(&["build", "--base-url", bad], &site);
        assert!(
            !ok && err.contains("--base-url") && err.contains("base_url"),
            "{bad:?}: {err}"
        );
    }
    // Markdown links: other schemes than a link's are refused too, and said where.
    let (tmp, site) = site_with_answer(
        "\n[文件](file:///etc/passwd) [设置](ms-settings:privacy) [好](tel:110)\n",
    );
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    let html = read(&out.join("02-more/unsafe.html"));
    assert!(
        !html.contains("file:") && !html.contains("ms-settings:"),
        "{html}"
    );
    assert!(html.contains("href=\"tel:110\""), "{html}");
    let refused = report
        .warnings
        .iter()
        .filter(|w| w.message.contains("is not a scheme"))
        .count();
    assert_eq!(refused, 2, "{:#?}", report.warnings);
}

/// A heading is Markdown like the rest of the answer: raw HTML in it is text, a `javascript:`
/// link in it is refused, each with its warning (headings once passed through unfiltered).
#[test]
fn headings_follow_the_same_rules_as_the_answer() {
    let (tmp, site) = site_with_answer(
        "\n## 标题 <img src=https://x.example/a.png onerror=alert(1)>\n\n\
         # [点我](javascript:alert(2)) 与 [好](../01-basics/first.md)\n\n正文。\n",
    );
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    let html = read(&out.join("02-more/unsafe.html"));
    assert!(
        !html.contains("<img src=https://x.example")
            && !html.contains("onerror=alert(1)>")
            && !html.contains("javascript:"),
        "{html}"
    );
    assert!(
        html.contains("&lt;img src=https://x.example/a.png onerror=alert(1)&gt;</h2>")
            && html.contains("<a href=\"#\">点我</a>")
            && html.contains("<a href=\"../01-basics/first.html\">好</a>"),
        "{html}"
    );
    let said = |what: &str| report.warnings.iter().any(|w| w.message.contains(what));
    assert!(
        said("raw HTML") && said("javascript: URLs can run scripts"),
        "{:#?}",
        report.warnings
    );
}

#[test]
fn odd_percent_escapes_in_links_are_diagnostics_not_panics() {
    let body = "[链接](%中.md)\n\n[断](%E4%B8.md)\n\n[短](a%2.md)\n\n[尾](b%.md)\n";
    let (_tmp, site) = site_with_answer(body);
    for cmd in ["build", "check"] {
        let (code, err) = exit_code(&[cmd], &site);
        assert_eq!(
            code,
            Some(1),
            "{cmd} exits with an error, not a panic:\n{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        for line in [5, 7, 9, 11] {
            let place = format!("content/02-more/unsafe.md:{line}");
            assert!(err.contains(&place), "{cmd}: {place} missing in:\n{err}");
        }
        assert!(err.contains("%E4%B8.md") && err.contains("UTF-8"), "{err}");
    }
}

/// The text of every `<script type="application/ld+json">` in `html`.
fn ld_json_blocks(html: &str) -> Vec<&str> {
    let open = "<script type=\"application/ld+json\">";
    html.match_indices(open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            &rest[..rest.find("</script>").unwrap()]
        })
        .collect()
}

#[test]
fn json_ld_cannot_open_a_comment_or_a_script() {
    let (tmp, site) = fixture("basic");
    let title = "标题 <!--<script> & </script>";
    write(
        &site,
        "content/02-more/unsafe.md",
        &format!(
            "+++\ntitle = {title:?}\nweight = 40\n+++\n答案 `<!--<script>` 与 `a > b & c`。\n"
        ),
    );
    let out = tmp.path().join("out");
    build(&site, &out);
    for page in ["02-more/unsafe.html", "02-more/index.html"] {
        let html = read(&out.join(page));
        let blocks = ld_json_blocks(&html);
        assert_eq!(blocks.len(), 1, "{page}");
        let block = blocks[0];
        for c in ['<', '>', '&'] {
            assert!(!block.contains(c), "{page}: {c} in the JSON-LD: {block}");
        }
        assert!(block.contains("\\u003c!--\\u003cscript\\u003e"), "{block}");
        // The escapes are JSON: the data is unchanged.
        let v: serde_json::Value = serde_json::from_str(block).unwrap();
        let names: Vec<&str> = v["mainEntity"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|q| q["name"].as_str())
            .collect();
        assert!(names.contains(&title), "{names:?}");
        let answer = v["mainEntity"].as_array().unwrap().last().unwrap();
        assert!(
            answer["acceptedAnswer"]["text"]
                .as_str()
                .unwrap()
                .contains("<!--<script>"),
            "{answer}"
        );
        // The rest of the page is still there, after the JSON-LD.
        let after = &html[html.find(block).unwrap() + block.len()..];
        assert!(
            after.contains("<main") && after.trim_end().ends_with("</html>"),
            "{page}"
        );
    }
}

/// A 300×200 photo-like JPEG: with `max_width = 100` it gets a 100 and a 200 wide copy, each
/// with a (smaller) WebP.
fn photo(path: &Path) {
    let img = image::RgbImage::from_fn(300, 200, |x, y| {
        image::Rgb([(x * 255 / 300) as u8, (y * 255 / 200) as u8, 128])
    });
    img.save(path).unwrap();
}

#[test]
fn image_file_names_are_escaped_and_percent_encoded() {
    let (tmp, site) = fixture("basic");
    append_site_toml(&site, "\n[images]\nmax_width = 100\n");
    let evil = "x\" onerror=\"alert(77)\" data-a=\".png";
    std::fs::copy(site.join("images/icon.png"), site.join("images").join(evil)).unwrap();
    photo(&site.join("images/my shot, 1.jpg"));
    write(
        &site,
        "content/02-more/pictures.md",
        &format!(
            "+++\ntitle = \"图片\"\nweight = 40\n+++\n![图](<../../images/{evil}>)\n\n![截图](<../../images/my shot, 1.jpg>)\n"
        ),
    );
    let out = tmp.path().join("out");
    build(&site, &out);
    for page in ["02-more/pictures.html", "02-more/index.html", "print.html"] {
        let html = read(&out.join(page));
        assert!(!html.contains("onerror=\""), "{page}: attribute injected");
        let srcsets = attr_values(&html, "srcset");
        assert!(
            srcsets.len() >= 2,
            "{page}: srcset and WebP srcset: {srcsets:?}"
        );
        for set in srcsets {
            for candidate in set.split(", ") {
                let parts: Vec<&str> = candidate.split_whitespace().collect();
                assert_eq!(parts.len(), 2, "{page}: a candidate is `url width`: {set}");
                assert!(parts[0].contains("my%20shot%2C%201."), "{page}: {set}");
            }
        }
    }
    let problems = broken_links(&out);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn twenty_thousand_footnotes_build() {
    let n = 20_000;
    let mut body = String::from("脚注很多的答案。\n\n");
    for i in 1..=n {
        body.push_str(&format!("第 {i} 句[^{i}]。\n"));
    }
    body.push('\n');
    for i in 1..=n {
        body.push_str(&format!("[^{i}]: 注释 {i}\n"));
    }
    let (tmp, site) = site_with_answer(&body);
    let out = tmp.path().join("out");
    build(&site, &out);
    let html = read(&out.join("02-more/unsafe.html"));
    assert!(html.contains(&format!("注释 {n}")));
    let print = read(&out.join("print.html"));
    assert!(print.contains(&format!("注释 {n}")));
}

#[test]
fn twenty_thousand_links_and_headings_build() {
    let n = 20_000;
    let mut body = String::from("链接很多的答案。\n\n");
    for i in 1..=n {
        body.push_str(&format!(
            "## 注意\n\n[上一节](#注意) [第二题](../01-basics/second.md#细节) [外部](https://example.com/{i})\n\n"
        ));
    }
    let (tmp, site) = site_with_answer(&body);
    let out = tmp.path().join("out");
    build(&site, &out);
    let html = read(&out.join("02-more/unsafe.html"));
    assert!(
        html.contains(&format!("id=\"注意-{}\"", n - 1)),
        "unique heading ids"
    );
    assert!(html.contains(&format!("https://example.com/{n}")));
}

/// NUL and the other characters no HTML or XML text may hold, from a TOML escape in the front
/// matter or site.toml or raw in an answer (attack review row 36's minor), are written as
/// U+FFFD, in pages, the print page and the JSON-LD.
#[test]
fn control_characters_are_never_written_raw() {
    let (_tmp, site) = fixture("basic");
    append_site_toml(&site, "\n[print]\nsubtitle = \"s\\u0000\\u001b\"\n");
    write(
        &site,
        "content/01-basics/ctl.md",
        "+++\ntitle = \"T\\u0000i\\u0001t\\u007f\\u0085le\"\ndescription = \"d\\u0000\"\n+++\n\
         body \u{0} nul \u{1b} esc \u{85} nel \u{FDD0} `co\u{1}de`\n",
    );
    let (ok, out, err) = run(&["build"], &site);
    assert!(ok, "{out}{err}");
    let forbidden = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
    };
    for (path, bytes) in snapshot(&site.join("public")) {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["html", "xml", "txt"].contains(&ext) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        let bad: Vec<char> = text.chars().filter(|&c| forbidden(c)).collect();
        assert!(bad.is_empty(), "{}: {bad:?}", path.display());
    }
    let page = read(&site.join("public/01-basics/ctl.html"));
    assert!(page.contains("T\u{FFFD}i\u{FFFD}t"), "{page}");
    assert!(page.contains("body \u{FFFD} nul"), "{page}");
}
