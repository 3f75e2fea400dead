//! The printable manual: print.html from this repo's content, and manual.pdf via Chromium.

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn question_titles(out: &Path) -> Vec<String> {
    // The home page lists every question in reading order.
    let home = read(&out.join("index.html"));
    let list = home
        .split("class=\"chapter-grid\"")
        .nth(1)
        .unwrap()
        .to_string();
    list.split("<li><a href=\"")
        .skip(1)
        .map(|s| {
            let text = &s[s.find("</span>").unwrap() + 7..s.find("</a>").unwrap()];
            text.trim().replace("&quot;", "\"")
        })
        .collect()
}

#[test]
fn print_page_has_every_question_in_order_with_images() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo_root(), &out);
    let html = read(&out.join("print.html"));
    let titles = question_titles(&out);
    assert_eq!(titles.len(), 32);
    let mut at = 0;
    for t in &titles {
        let t = t.replace('"', "&quot;");
        let pos = html[at..]
            .find(&t)
            .unwrap_or_else(|| panic!("{t} missing or out of order in print.html"));
        at += pos;
    }
    // Numbers come from the order: 1 … 7, 1.1 … 7.5.
    for n in [
        "<span class=\"num\">1.1</span>",
        "<span class=\"num\">5.4</span>",
        "<span class=\"num\">7.5</span>",
    ] {
        assert!(html.contains(n), "{n}");
    }
    let answers = &html[html.find("class=\"chapter\"").unwrap()..];
    assert_eq!(answers.matches("<img ").count(), 9, "the nine images");
    // Links inside the manual stay inside it.
    assert!(
        html.contains("href=\"#p-02-drivers-install-driver\""),
        "cross-question link is an in-page anchor"
    );
    assert!(
        !html.contains(".html#") && !html.contains("href=\"../"),
        "no links to other pages from the answers"
    );
    assert_eq!(
        broken_links(&out),
        Vec::<String>::new(),
        "every anchor and image of print.html resolves"
    );
    // Heading ids of different answers cannot collide: every id is unique on the page.
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids in print.html");
    // Contact details on the back page, cover from [print].
    assert!(html.contains("0574-87304500") && html.contains("企业数字证书快速使用手册"));
    // No site chrome: no sidebar, search box or pager in the manual.
    for chrome in ["data-search", "class=\"sidebar\"", "class=\"pager\""] {
        assert!(!html.contains(chrome), "{chrome} in print.html");
    }
    let css = read(&out.join("static/print.css"));
    assert!(
        css.contains("@media print") && css.contains(".screen-only { display: none !important; }")
    );
    assert!(css.contains("break-after: page") && css.contains("counter(page)"));
    assert!(html.contains("@page { size: A4; }"));
    // Every page of the site links to the manual; to no PDF, which this build does not print.
    let page = read(&out.join("02-drivers/install-driver.html"));
    assert!(page.contains("href=\"../print.html\""));
    assert!(!page.contains("manual.pdf") && !html.contains("manual.pdf"));
    // A real print button (shown by the page's script).
    assert!(html.contains("<button type=\"button\" class=\"print-button\" hidden>"));
}

/// When the build prints `manual.pdf`, every page links it beside the print page (header and
/// footer), and so does the print page.
#[test]
fn pdf_is_linked_wherever_the_print_page_is() {
    let Some(out) = repo_pdf("pdf_is_linked_wherever_the_print_page_is") else {
        return;
    };
    assert!(out.join("manual.pdf").is_file());
    let page = read(&out.join("02-drivers/install-driver.html"));
    let pdf_links = page
        .matches("href=\"../manual.pdf\" type=\"application/pdf\"")
        .count();
    assert_eq!(
        page.matches("href=\"../print.html\"").count(),
        2,
        "header and footer"
    );
    assert_eq!(pdf_links, 2, "a PDF link beside each print link");
    assert!(read(&out.join("index.html")).contains("href=\"manual.pdf\""));
    assert!(read(&out.join("print.html")).contains("href=\"manual.pdf\""));
}

/// This repo's site built once with `--pdf` for every PDF test of this file (each Chromium
/// print takes seconds): the output folder, or None when the browser tests are skipped.
fn repo_pdf(test: &str) -> Option<&'static Path> {
    let needs = [Tool::Chromium, Tool::Poppler, Tool::CjkFonts];
    require_browser_tools(test, &needs)?;
    static BUILT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let tmp = BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let opts = faqsite::site::BuildOptions {
            root: repo_root(),
            output_dir: Some(tmp.path().join("public")),
            pdf: true,
            ..Default::default()
        };
        faqsite::site::build(&opts).unwrap_or_else(|e| panic!("{e}"));
        tmp
    });
    Some(Box::leak(tmp.path().join("public").into_boxed_path()))
}

/// `pdfinfo`'s page count.
fn page_count(pdf: &Path) -> usize {
    let info = Command::new("pdfinfo").arg(pdf).output().unwrap();
    String::from_utf8_lossy(&info.stdout)
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap()
}

/// The text of pages `first..=last`, whitespace removed.
fn pages_text(pdf: &Path, first: usize, last: usize) -> String {
    let o = Command::new("pdftotext")
        .args(["-f", &first.to_string(), "-l", &last.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .collect()
}

#[test]
fn pdf_is_a4_with_selectable_chinese_text() {
    let Some(out) = repo_pdf("pdf_is_a4_with_selectable_chinese_text") else {
        return;
    };
    let pdf = out.join("manual.pdf");
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "{info}");
    let pages = page_count(&pdf);
    assert!(
        (7..=60).contains(&pages),
        "cover + contents + 7 chapters: {pages} pages"
    );
    let text = pdf_text(&pdf);
    for t in question_titles(out) {
        let t: String = t.split_whitespace().collect();
        assert!(text.contains(&t), "{t} not found as text in the PDF");
    }
    for fact in [
        "0574-87304500",
        "1111",
        "https://ica-enroll.itrus.com.cn/nbgaoxin1",
    ] {
        assert!(text.contains(fact), "{fact} in the PDF text");
    }
    // The contents carry real page numbers (second pass): each entry's number is the page on
    // which pdftotext finds that heading.
    let html = std::fs::read_to_string(out.join("print.html")).unwrap();
    let page_text = |p: usize| pages_text(&pdf, p, p);
    let mut checked = 0;
    for part in html.split("<span class=\"pg\" data-n=\"").skip(1) {
        let (num, rest) = part.split_once("\">").unwrap();
        let page: usize = rest
            .split('<')
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("contents entry {num} has no page number"));
        assert!(page > 2 && page <= pages, "{num} on page {page}");
        if num.contains('.') {
            let title = html
                .split(&format!(
                    "<span class=\"num\">{num}</span> <span class=\"t\">"
                ))
                .nth(1)
                .and_then(|t| t.split('<').next())
                .unwrap();
            let head: String = title
                .split_whitespace()
                .collect::<String>()
                .chars()
                .take(8)
                .collect();
            assert!(
                page_text(page).contains(&format!("{num}{head}")),
                "{num} {title} not on page {page}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, question_titles(out).len());
}

#[test]
fn missing_browser_fails_with_install_hint_and_keeps_the_html() {
    let (_tmp, site) = fixture("basic");
    let toml = read(&site.join("site.toml"));
    std::fs::write(
        site.join("site.toml"),
        format!("{toml}\n[print]\npdf = true\n"),
    )
    .unwrap();
    let (ok, _, err) = run(&["build", "--browser", "/nonexistent/chromium"], &site);
    assert!(!ok, "exit non-zero");
    assert!(
        err.contains("apt-get install chromium fonts-wqy-microhei"),
        "{err}"
    );
    assert!(
        site.join("public/index.html").is_file() && site.join("public/print.html").is_file(),
        "HTML output complete"
    );
    assert!(!site.join("public/manual.pdf").exists());
}

/// Measured on 76963f6/b88dcfa: every font Type 3 (CFF-based Noto CJK), 1,159,134 bytes,
/// 13 pages. A TrueType CJK font is embedded as a CID TrueType subset.
#[test]
fn pdf_embeds_real_fonts_and_stays_small() {
    let Some(out) = repo_pdf("pdf_embeds_real_fonts_and_stays_small") else {
        return;
    };
    let pdf = out.join("manual.pdf");
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(
        !fonts.contains("Type 3"),
        "Type 3 fonts in the PDF:\n{fonts}"
    );
    assert!(fonts.contains("CID TrueType"), "{fonts}");
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 600_000, "manual.pdf is {size} bytes");
}

/// Before: every chapter began a new page, 13 pages with pages 3, 7 and 10 mostly empty.
#[test]
fn chapters_flow_without_mostly_empty_pages() {
    let Some(out) = repo_pdf("chapters_flow_without_mostly_empty_pages") else {
        return;
    };
    let pdf = out.join("manual.pdf");
    let pages = page_count(&pdf);
    assert!(
        pages <= 9,
        "{pages} pages (13 when every chapter began a page; 8 measured)"
    );
    // No page but the last is mostly empty: each holds at least a third of the text a full
    // page of answers holds.
    let texts: Vec<String> = (1..=pages).map(|p| pages_text(&pdf, p, p)).collect();
    let full = texts.iter().map(|t| t.chars().count()).max().unwrap();
    for (i, t) in texts.iter().enumerate().skip(2).take(pages - 3) {
        let n = t.chars().count();
        assert!(
            n * 3 >= full,
            "page {} holds {n} characters of {full}",
            i + 1
        );
    }
}

#[test]
fn cover_has_logo_title_edition_and_contacts() {
    let Some(out) = repo_pdf("cover_has_logo_title_edition_and_contacts") else {
        return;
    };
    let cover = pages_text(&out.join("manual.pdf"), 1, 1);
    for want in [
        "企业数字证书快速使用手册",
        "第1版",
        "2026年11月",
        "0574-87304500",
        "宁波市海曙区华楼街8号世纪广场C座609室",
        "www.nbca.com.cn",
    ] {
        assert!(cover.contains(want), "{want} not on the cover: {cover}");
    }
    let html = read(&out.join("print.html"));
    let cover = html.split("class=\"cover\"").nth(1).unwrap();
    let cover = &cover[..cover.find("</section>").unwrap()];
    assert!(
        cover.contains("class=\"cover-logo"),
        "no logo on the cover: {cover}"
    );
}

/// `[www.nbca.com.cn](http://www.nbca.com.cn/)` printed "www.nbca.com.cn (http://www.nbca.com.cn/)".
#[test]
fn a_link_whose_text_is_its_address_prints_once() {
    let Some(out) = repo_pdf("a_link_whose_text_is_its_address_prints_once") else {
        return;
    };
    let text = pdf_text(&out.join("manual.pdf"));
    assert!(text.contains("www.nbca.com.cn"), "{text}");
    assert!(
        !text.contains("(http://www.nbca.com.cn/)"),
        "the address printed twice"
    );
}

/// The basic fixture in Chinese with a logo, a contact and a chapter of four questions, each
/// with a 900×900 screenshot between two paragraphs (and bold, italic and code in the text),
/// built with `--pdf`.
fn screenshot_site_pdf() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, site) = fixture("basic");
    let toml = read(&site.join("site.toml"));
    let toml = format!(
        "language = \"zh-CN\"\nlogo = \"logo.svg\"\n{toml}\n[[contact]]\nlabel = \"电话\"\nvalue = \"010-12345678\"\nhref = \"tel:010-12345678\"\n"
    );
    std::fs::write(site.join("site.toml"), toml).unwrap();
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(
        site.join("static/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><circle cx=\"5\" cy=\"5\" r=\"5\" fill=\"#c00\"/></svg>",
    )
    .unwrap();
    let shot = image::RgbImage::from_fn(900, 900, |x, y| {
        if y < 40 {
            image::Rgb([27, 94, 186])
        } else if (y / 20) % 3 == 0 && x > 60 && x < 800 {
            image::Rgb([60, 60, 60])
        } else {
            image::Rgb([250, 250, 250])
        }
    });
    shot.save(site.join("images/shot.png")).unwrap();
    let chapter = site.join("content/03-shots");
    std::fs::create_dir_all(&chapter).unwrap();
    std::fs::write(
        chapter.join("_index.md"),
        "+++\ntitle = \"截图\"\nweight = 30\n+++\n\n每个问题一张截图。\n",
    )
    .unwrap();
    for (i, name) in ["甲", "乙", "丙", "丁"].iter().enumerate() {
        std::fs::write(
            chapter.join(format!("q{i}.md")),
            format!(
                "+++\ntitle = \"截图问题{name}\"\nweight = {i}\n+++\n\n打开**设置**窗口，选择*高级*，输入 `certutil`，如下图所示：\n\n![设置窗口截图{name}](../../images/shot.png)\n\n然后点击“确定”。\n"
            ),
        )
        .unwrap();
    }
    let opts = faqsite::site::BuildOptions {
        root: site.clone(),
        pdf: true,
        ..Default::default()
    };
    faqsite::site::build(&opts).unwrap_or_else(|e| panic!("{e}"));
    (tmp, site.join("public"))
}

/// Before: a question's screenshot went to the next page when it did not fit under its
/// heading (3 of the 4 here), and bold text was printed with a Type 3 (synthesized) face.
#[test]
fn screenshots_print_on_the_page_of_their_question() {
    let needs = [Tool::Chromium, Tool::Poppler, Tool::CjkFonts];
    if require_browser_tools("screenshots_print_on_the_page_of_their_question", &needs).is_none() {
        return;
    }
    let (_tmp, out) = screenshot_site_pdf();
    let pdf = out.join("manual.pdf");
    // `pdfimages -list`: one row per image drawn, its page first.
    let list = Command::new("pdfimages")
        .arg("-list")
        .arg(&pdf)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    let shot_pages: Vec<usize> = list
        .lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(3) == Some("900"))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(shot_pages.len(), 4, "{list}");
    let pages = page_count(&pdf);
    let texts: Vec<String> = (1..=pages).map(|p| pages_text(&pdf, p, p)).collect();
    for (name, shot_page) in ["甲", "乙", "丙", "丁"].iter().zip(&shot_pages) {
        let title = format!("截图问题{name}");
        // The contents name it too: the answer's page is the last one with the title.
        let page = texts.iter().rposition(|t| t.contains(&title)).unwrap() + 1;
        assert_eq!(
            page, *shot_page,
            "{title} on page {page}, its screenshot on {shot_page}"
        );
    }
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(
        !fonts.contains("Type 3"),
        "Type 3 fonts in the PDF:\n{fonts}"
    );
    let html = read(&out.join("print.html"));
    let cover = &html[html.find("class=\"cover\"").unwrap()..html.find("class=\"toc\"").unwrap()];
    assert!(
        cover.contains("class=\"cover-logo\" src=\"static/logo.svg?v=")
            && cover.contains("010-12345678"),
        "the site's logo and contact on the cover: {cover}"
    );
}

/// The answers reach print.html only when it is written (so the whole manual is never held in
/// memory at once); a theme whose print template shows each answer twice, and a question title
/// that reads like the placeholder an answer stands as meanwhile, still print as written.
#[test]
fn a_print_template_showing_answers_twice_and_a_placeholder_like_title_print_as_written() {
    let (tmp, site) = fixture("basic");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/print.html"),
        "{% for c in manual %}{% for q in c.questions %}<h3>{{ q.title }}</h3>\
         <div>{{ q.content | safe }}</div><div>{{ q.content | safe }}</div>\
         {% endfor %}{% endfor %}",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build(&site, &out);
    let html = read(&out.join("print.html"));
    assert_eq!(
        html.matches("<h2 id=\"p-01-basics-first-安装步骤\">")
            .count(),
        2,
        "{html}"
    );
    assert!(!html.contains('\u{E000}'), "no placeholder left: {html}");

    // The theme's own template, and a title holding the placeholder's text.
    std::fs::remove_file(site.join("templates/print.html")).unwrap();
    let page = site.join("content/01-basics/second.md");
    let text = read(&page);
    let title = "\u{E000}faqsite-print-0\u{E001}";
    let text = text.replacen("title = \"", &format!("title = \"{title}"), 1);
    std::fs::write(&page, text).unwrap();
    build(&site, &out);
    let html = read(&out.join("print.html"));
    assert!(html.contains(title), "the title printed as it is");
    assert_eq!(
        html.matches("<h2 id=\"p-01-basics-first-安装步骤\">")
            .count(),
        1
    );
}

/// On a machine whose only Chinese font is a CFF one (Noto Sans CJK, here by a fontconfig
/// that lists only its folder), Chromium draws the text as Type 3 outlines (this site's PDF:
/// 848 KB instead of 250 KB): the build says so, with the fonts it did embed and what to
/// install. It used to say nothing. (With the TrueType font there is none: `print.rs`'s unit
/// tests.)
#[test]
fn a_pdf_of_type_3_fonts_is_a_warning_naming_what_to_install() {
    if require_browser_tools(
        "a_pdf_of_type_3_fonts_is_a_warning_naming_what_to_install",
        &[Tool::Chromium, Tool::Poppler, Tool::CjkFonts],
    )
    .is_none()
    {
        return;
    }
    let listed = Command::new("fc-list")
        .args([":", "file"])
        .output()
        .unwrap();
    let noto = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .find(|l| l.contains("NotoSansCJK"))
        .map(|l| {
            Path::new(l.trim_end_matches([':', ' ']))
                .parent()
                .unwrap()
                .to_path_buf()
        })
        .expect("Noto Sans CJK (apt-get install fonts-noto-cjk)");
    let (tmp, site) = fixture("basic");
    let conf = tmp.path().join("fonts.conf");
    let fc = format!(
        "<?xml version=\"1.0\"?>\n<fontconfig><dir>{}</dir><cachedir>{}</cachedir></fontconfig>\n",
        noto.display(),
        tmp.path().join("fc-cache").display()
    );
    std::fs::write(&conf, fc).unwrap();
    let pdf_build = |fonts: Option<&Path>, out: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_faqsite"));
        cmd.args(["build", "--pdf", "--output-dir", out])
            .current_dir(&site);
        if let Some(conf) = fonts {
            cmd.env("FONTCONFIG_FILE", conf);
        }
        let done = cmd.output().unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        String::from_utf8_lossy(&done.stderr).into_owned()
    };
    let err = pdf_build(Some(&conf), "cff");
    assert!(
        err.contains("warning: manual.pdf:")
            && err.contains("Type 3")
            && err.contains("apt-get install fonts-wqy-microhei"),
        "{err}"
    );
}

#[test]
fn answers_are_prefixed_and_rebased_only_where_they_hold_ids_or_urls() {
    // The chapter page and the print page join answers: each answer's ids (and the links to
    // them) take the answer's prefix, and the print page rebases its URLs. An answer that holds
    // neither (plain text, a table, a phone number) is shown as its own page shows it; one
    // whose id is written in raw HTML, in any letter case, is still prefixed, and so is a link
    // to it whose `#` is written as an entity.
    let (tmp, site) = fixture("basic");
    write(
        &site,
        "site.toml",
        "title = \"T\"\n[markdown]\nraw_html = true\n",
    );
    write(
        &site,
        "content/01-basics/plain.md",
        "+++\ntitle = \"Plain\"\n+++\n\nCall 0574-87304500 any day.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n",
    );
    write(
        &site,
        "content/01-basics/raw.md",
        "+++\ntitle = \"Raw\"\n+++\n\nA <span ID=\"spot\">spot</span>, <a href=\"#spot\">back</a> and <a href=\"&num;spot\">again</a>.\n",
    );
    let out = tmp.path().join("out");
    build(&site, &out);
    let own = read(&out.join("01-basics/plain.html"));
    let plain = "<p>Call <a href=\"tel:0574-87304500\">0574-87304500</a> any day.</p>";
    assert!(own.contains(plain), "{own}");
    assert!(read(&out.join("01-basics/raw.html")).contains("<span ID=\"spot\">"));
    let chapter = read(&out.join("01-basics/index.html"));
    let print = read(&out.join("print.html"));
    for (page, html, prefix) in [
        ("chapter", &chapter, "raw"),
        ("print", &print, "p-01-basics-raw"),
    ] {
        assert!(html.contains(plain), "{page}: the plain answer as written");
        assert!(
            html.contains(&format!("<span ID=\"{prefix}-spot\">"))
                && html
                    .matches(&format!("<a href=\"#{prefix}-spot\">"))
                    .count()
                    == 2,
            "{page}: the raw id and both links to it (one written `&num;spot`) prefixed"
        );
        // first.md's heading id is prefixed as before.
        assert!(
            !ids(html).contains("安装步骤"),
            "{page}: a heading id left as is"
        );
    }
}
