//! Builds the small fixture site in tests/fixtures/basic and checks the output.

use crate::common::*;

#[test]
fn builds_pages_for_home_chapters_and_questions() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    // home + 2 chapters + 3 questions (the draft is left out)
    assert_eq!(report.pages, 6);
    for f in [
        "index.html",
        "404.html",
        "01-basics/index.html",
        "01-basics/first.html",
        "01-basics/second.html",
        "02-more/index.html",
        "02-more/third.html",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert!(
        !out.join("02-more/draft.html").exists(),
        "drafts are not built"
    );
    assert!(
        !out.join("sitemap.xml").exists(),
        "no sitemap without base_url"
    );
    assert!(!out.join("robots.txt").exists());
}

#[test]
fn drafts_flag_includes_drafts() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let opts = faqsite::site::BuildOptions {
        root: site,
        output_dir: Some(out.clone()),
        drafts: true,
        ..Default::default()
    };
    faqsite::site::build(&opts).unwrap();
    assert!(out.join("02-more/draft.html").is_file());
}

#[test]
fn markdown_features_and_link_rewriting() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    build(&site, &out);
    let first = read(&out.join("01-basics/first.html"));
    assert!(first.contains("<table>"), "tables");
    assert!(first.contains("<del>old</del>"), "strikethrough");
    assert!(first.contains("type=\"checkbox\""), "task lists");
    assert!(first.contains("footnote-definition"), "footnotes");
    assert!(first.contains("id=\"安装步骤\""), "Chinese heading id");
    assert!(
        first.contains("href=\"../01-basics/second.html\""),
        "md link rewritten: {first}"
    );
    assert!(
        first.contains("href=\"../01-basics/second.html#%E7%BB%86%E8%8A%82\""),
        "anchor kept (percent-encoded)"
    );
    let second = read(&out.join("01-basics/second.html"));
    assert!(
        second.contains("id=\"细节\"") && second.contains("id=\"细节-1\""),
        "unique ids"
    );
    assert!(
        second.contains("href=\"../02-more/index.html\""),
        "_index.md → chapter page"
    );
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

#[test]
fn images_get_dimensions_and_hashed_names() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    assert_eq!(
        report.images_processed, 1,
        "one file, used twice, processed once"
    );
    let first = read(&out.join("01-basics/first.html"));
    assert!(first.contains("width=\"24\" height=\"24\""), "{first}");
    assert!(first.contains("alt=\"托盘图标\""));
    let second = read(&out.join("01-basics/second.html"));
    assert!(
        second.contains("alt=\"raw icon\""),
        "raw <img> resolved via images/"
    );
    let imgs: Vec<_> = std::fs::read_dir(out.join("images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        imgs.iter().any(|n| n.starts_with("icon.")
            && n.ends_with(".png")
            && n.len() > "icon..png".len() + 8),
        "{imgs:?}"
    );
}

#[test]
fn titles_are_escaped() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    build(&site, &out);
    let third = read(&out.join("02-more/third.html"));
    assert!(
        !third.contains("<script>alert(1)</script>"),
        "raw script from a title"
    );
    assert!(third.contains("&lt;script&gt;"));
}

#[test]
fn aliases_redirect_to_the_page() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    build(&site, &out);
    let alias = read(&out.join("old/second.html"));
    assert!(alias.contains("url=../01-basics/second.html"), "{alias}");
}

/// Also: every URL is ASCII, the sitemap too (ü in pinyin is `v`: `略` → `lve`).
#[test]
fn base_url_adds_sitemap_and_robots() {
    let (tmp, site) = fixture("basic");
    write(
        &site,
        "content/01-basics/省略号.md",
        "+++\ntitle = \"省略号\"\nweight = 30\n+++\n\nbody\n",
    );
    let out = tmp.path().join("out");
    let opts = faqsite::site::BuildOptions {
        root: site,
        output_dir: Some(out.clone()),
        base_url: Some("https://help.example.com/faq/".into()),
        ..Default::default()
    };
    faqsite::site::build(&opts).unwrap();
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(
        sitemap.contains("<loc>https://help.example.com/faq/01-basics/first.html</loc>"),
        "{sitemap}"
    );
    assert!(
        read(&out.join("robots.txt")).contains("Sitemap: https://help.example.com/faq/sitemap.xml")
    );
    assert!(sitemap.is_ascii(), "{sitemap}");
    assert!(
        sitemap.contains("/01-basics/sheng-lve-hao.html</loc>"),
        "{sitemap}"
    );
}

#[test]
fn chapter_and_question_pages_carry_faq_jsonld() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    build(&site, &out);
    let q = jsonld(&read(&out.join("01-basics/first.html")));
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["@type"], "FAQPage");
    assert_eq!(q[0]["mainEntity"][0]["name"], "如何安装驱动？");
    let text = q[0]["mainEntity"][0]["acceptedAnswer"]["text"]
        .as_str()
        .unwrap();
    assert!(
        text.contains("Download the driver") && !text.contains('<'),
        "answer as text: {text}"
    );
    let c = jsonld(&read(&out.join("01-basics/index.html")));
    assert_eq!(c[0]["mainEntity"].as_array().unwrap().len(), 2);
}

#[test]
fn site_overrides_replace_theme_files() {
    let (tmp, site) = fixture("basic");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/404.html"),
        "custom 404 for {{ site.title }}",
    )
    .unwrap();
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(site.join("static/extra.txt"), "hello").unwrap();
    let out = tmp.path().join("out");
    build(&site, &out);
    assert_eq!(read(&out.join("404.html")), "custom 404 for Fixture FAQ");
    assert_eq!(read(&out.join("static/extra.txt")), "hello");
}

#[test]
fn unchanged_rebuild_is_skipped_and_changes_rebuild() {
    let (_tmp, site) = fixture("basic");
    let (ok, out1, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    assert!(out1.contains("built"), "{out1}");
    let before = snapshot(&site.join("public"));
    let (ok, out2, _) = run(&["build"], &site);
    assert!(ok && out2.contains("up to date"), "{out2}");
    assert_eq!(snapshot(&site.join("public")), before);
    // --force rebuilds and gives the same bytes as the full build.
    let (ok, out3, _) = run(&["build", "--force"], &site);
    assert!(ok && out3.contains("built"), "{out3}");
    assert_eq!(snapshot(&site.join("public")), before);
    // Any change to the input rebuilds.
    let q = site.join("content/02-more/third.md");
    let text = std::fs::read_to_string(&q).unwrap();
    std::fs::write(&q, text.replace("Plain answer", "Changed answer")).unwrap();
    let (ok, out4, _) = run(&["build"], &site);
    assert!(ok && out4.contains("built"), "{out4}");
    assert!(read(&site.join("public/02-more/third.html")).contains("Changed answer"));
    // A damaged output folder is rebuilt even though the input did not change.
    std::fs::remove_file(site.join("public/02-more/third.html")).unwrap();
    let (ok, out5, _) = run(&["build"], &site);
    assert!(ok && out5.contains("built"), "{out5}");
    assert!(site.join("public/02-more/third.html").is_file());
}

#[test]
fn not_found_page_links_absolutely_when_base_url_is_set() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let opts = faqsite::site::BuildOptions {
        root: site,
        output_dir: Some(out.clone()),
        base_url: Some("https://help.example.com/faq/".into()),
        ..Default::default()
    };
    faqsite::site::build(&opts).unwrap();
    let nf = read(&out.join("404.html"));
    assert!(
        nf.contains("href=\"https://help.example.com/faq/index.html\""),
        "{nf}"
    );
    assert!(nf.contains("https://help.example.com/faq/static/style.css?v="));
}

/// A question of the fixture's second chapter with `body` as its answer.
fn third(site: &std::path::Path, body: &str) {
    write(
        site,
        "content/02-more/third.md",
        &format!("+++\ntitle = \"Third\"\nweight = 10\n+++\n\n{body}\n"),
    );
}

/// `check` on the fixture with `body` as the third question's answer: (success, stderr).
fn checked(site: &std::path::Path, body: &str) -> (bool, String) {
    third(site, body);
    let (ok, _, err) = run(&["check"], site);
    (ok, err)
}

/// The first line of each warning in `check`'s output.
fn warnings(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.contains(": warning: ")).collect()
}

#[test]
fn root_relative_links_resolve_from_content() {
    let (tmp, site) = fixture("basic");
    third(
        &site,
        "See [details](/01-basics/second.md#细节) and [the first](/01-basics/first.md).",
    );
    let out = tmp.path().join("out");
    build(&site, &out);
    let html = read(&out.join("02-more/third.html"));
    assert!(
        html.contains("href=\"../01-basics/second.html#%E7%BB%86%E8%8A%82\"")
            && html.contains("href=\"../01-basics/first.html\""),
        "{html}"
    );
    assert_eq!(broken_links(&out), Vec::<String>::new());

    let (ok, err) = checked(
        &site,
        "See [gone](/01-basics/gone.md).\n\n[x](/01-basics/second.md#nope)",
    );
    assert!(!ok, "a dead root-relative link is an error:\n{err}");
    assert!(
        err.contains("content/02-more/third.md:6: error: link to /01-basics/gone.md: content/01-basics/gone.md does not exist")
            && err.contains("third.md:8: error: link to #nope in content/01-basics/second.md"),
        "{err}"
    );
    // The hint cites a page of this site, from this page, and names the setting.
    assert!(
        err.contains("the closest is ../01-basics/")
            && err.contains("[links] outside")
            && !err.contains("install-driver"),
        "{err}"
    );
}

#[test]
fn links_to_documents_not_in_the_site_go_to_links_outside() {
    let (tmp, site) = fixture("basic");
    let toml = read(&site.join("site.toml"));
    write(
        &site,
        "site.toml",
        &format!("{toml}\n[links]\noutside = \"https://docs.example.com/v1\"\n"),
    );
    third(
        &site,
        "[a](../sql/select.md#tidb_mem_quota) [b](/guide/README.md) [c](/01-basics/first.md) [d](<../03 更多/安装.md>)",
    );
    let out = tmp.path().join("out");
    build(&site, &out);
    let html = read(&out.join("02-more/third.html"));
    for href in [
        "https://docs.example.com/v1/sql/select#tidb_mem_quota",
        "https://docs.example.com/v1/guide/",
        "../01-basics/first.html",
        "https://docs.example.com/v1/03%20%E6%9B%B4%E5%A4%9A/%E5%AE%89%E8%A3%85",
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "{href}:\n{html}"
        );
    }
    // Out of content/ there is no page of the original site to send it to.
    let (ok, err) = checked(&site, "[up](../../../README.md)");
    assert!(!ok && err.contains("README.md does not exist"), "{err}");
    assert!(err.contains("not under content/"), "{err}");
}

#[test]
fn heading_ids_follow_github_and_dead_anchors_list_the_ids() {
    let (tmp, site) = fixture("basic");
    third(
        &site,
        "## tidb_mem_quota (SQL)\n\n## Set it {#custom}\n\n## A - B\n\n\
         [1](#tidb_mem_quota-sql) [2](#custom) [3](#a---b) [4](/01-basics/second.md#%E7%BB%86%E8%8A%82)",
    );
    let out = tmp.path().join("out");
    build(&site, &out);
    let html = read(&out.join("02-more/third.html"));
    for id in ["tidb_mem_quota-sql", "custom", "a---b"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}:\n{html}");
    }
    assert_eq!(broken_links(&out), Vec::<String>::new());

    // Only {#id} and {.class} are read: other attributes are dropped, with a warning.
    let (ok, err) = checked(
        &site,
        "## 设置 {重要}\n\n## Click {onclick=alert(1)}\n\n## Kramdown {: #k}\n\n[k](#k)",
    );
    assert!(ok, "{err}");
    assert_eq!(
        warnings(&err),
        [
            "content/02-more/third.md:6: warning: heading attribute 重要 in {…} was dropped",
            "content/02-more/third.md:8: warning: heading attribute onclick=alert(1) in {…} was dropped",
        ],
        "{err}"
    );
    build(&site, &out);
    assert!(!read(&out.join("02-more/third.html")).contains("onclick"));

    let (ok, err) = checked(
        &site,
        "## tidb_mem_quota\n\n[x](#tidb-mem-quota) [y](../01-basics/second.md#细)",
    );
    assert!(!ok, "{err}");
    assert!(
        err.contains("help: the ids there, closest first: #tidb_mem_quota;")
            && err.contains("help: the ids there, closest first: #细节, #细节-1;"),
        "{err}"
    );
}

#[test]
fn foreign_syntax_is_a_warning_at_its_line() {
    let (_tmp, site) = fixture("basic");
    let (ok, err) = checked(
        &site,
        "{{< copyable \"shell-regular\" >}}\n\n```shell\n{{< kept >}}\n```\n\n\
         Ask {{{ .company }}} and `{{ .Site.x }}`.\n\n* TOC\n{:toc}\n\n{% include a.html %}",
    );
    assert!(ok, "warnings only:\n{err}");
    assert_eq!(
        warnings(&err),
        [
            "content/02-more/third.md:6:1: warning: Hugo shortcode {{< copyable \"shell-regular\" >}} is shown as text",
            "content/02-more/third.md:12:5: warning: template variable {{{ .company }}} is shown as text",
            "content/02-more/third.md:15:1: warning: kramdown attribute {:toc} is shown as text",
            "content/02-more/third.md:17:1: warning: Liquid tag {% include a.html %} is shown as text",
        ],
        "{err}"
    );
}

// tests/fixtures/docs: Markdown as help docs write it (issue 25).

/// The docs fixture built, with its warnings.
fn docs() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    faqsite::site::BuildReport,
) {
    let (tmp, site) = fixture("docs");
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    (tmp, out, report)
}

#[test]
fn titles_render_inline_markdown_as_html_and_clean_text() {
    let (_tmp, out, report) = docs();
    let q = read(&out.join("01-cli/run-with-sudo.html"));
    let html = "Can I run <code>toolbox</code> with <em>sudo</em>?";
    let text = "Can I run toolbox with sudo?";
    assert!(
        q.contains(&format!("<h1><span class=\"num\">1.1</span> {html}</h1>")),
        "{q}"
    );
    assert!(
        q.contains(&format!("<title>{text} - Toolbox Docs</title>")),
        "{q}"
    );
    assert!(
        q.contains(&format!("<span aria-current=\"location\">{html}</span>")),
        "crumb"
    );
    let ld = jsonld(&q);
    assert!(
        ld.iter()
            .any(|v| v.to_string().contains(&format!("\"{text}\""))),
        "{ld:?}"
    );
    // The sidebar, the chapter's list, the next question's related list (its pager leaves only
    // the chapter) and the print page show the HTML.
    let chapter = read(&out.join("01-cli/index.html"));
    assert!(
        chapter.matches(html).count() >= 2,
        "list and heading: {chapter}"
    );
    let next = read(&out.join("01-cli/see-the-manual.html"));
    assert!(next.contains(html), "related list: {next}");
    let print = read(&out.join("print.html"));
    assert!(print.matches(html).count() >= 2, "contents and heading");
    // No Markdown left where text is needed.
    for (name, page) in [("question", &q), ("chapter", &chapter), ("print", &print)] {
        assert!(!page.contains("`toolbox`"), "backticks in {name}");
        assert!(
            !page.contains("](https://example.com/manual)"),
            "link syntax in {name}"
        );
    }
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    assert!(
        index.contains(text) && !index.contains("`toolbox`"),
        "search index title"
    );
    // A link in a title: its text, and a warning at the title's line with what to do.
    assert!(next.contains("Where is the manual?</h1>"), "{next}");
    let w = report
        .warnings
        .iter()
        .find(|d| d.message.contains("link in the title"))
        .expect("a warning for the link in the title");
    assert!(w.file.ends_with("01-cli/see-the-manual.md"), "{w:?}");
    assert_eq!(w.line, 2);
    assert!(w
        .hint
        .as_deref()
        .unwrap_or("")
        .contains("move the link to the answer"));
}

#[test]
fn github_alerts_and_containers_are_five_callouts_and_a_quote_stays_a_quote() {
    let (_tmp, out, report) = docs();
    let page = read(&out.join("02-notes/callouts.html"));
    for (kind, label) in [
        ("note", "Note"),
        ("tip", "Tip"),
        ("important", "Important"),
        ("warning", "Warning"),
        ("caution", "Caution"),
    ] {
        let open = format!("<div class=\"callout callout-{kind}\" role=\"note\">");
        assert!(page.contains(&open), "{kind}: {page}");
        assert!(page.contains(&format!("</svg>{label}</p>")), "{label}");
    }
    assert!(!page.contains("[!NOTE]") && !page.contains(":::"), "{page}");
    // A plain blockquote is a quotation.
    assert!(
        page.contains("<blockquote>\n<p>Simplicity is prerequisite"),
        "{page}"
    );
    // `:::` containers: their kind, their own title, their Markdown inside.
    for kind in ["tip", "caution"] {
        let open = format!("callout callout-{kind}\"");
        assert_eq!(
            page.matches(&open).count(),
            2,
            "> [!…] and :::{kind} (or :::danger)"
        );
    }
    assert!(
        page.contains("</svg>Back up first</p>"),
        "a container's title"
    );
    assert!(page.contains("<strong>bold</strong>") && page.contains("<li>two</li>"));
    // The print page shows them too; no label or marker reaches the search text.
    let print = read(&out.join("print.html"));
    assert!(print.contains("callout callout-important"));
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    assert!(!index.contains("[!NOTE]") && !index.contains(":::tip"));
    assert!(
        report
            .warnings
            .iter()
            .all(|w| !w.file.ends_with("callouts.md")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn callout_labels_follow_the_site_language() {
    let (tmp, site) = fixture("docs");
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    std::fs::write(
        site.join("site.toml"),
        toml.replace("language = \"en\"", "language = \"zh-CN\""),
    )
    .unwrap();
    let out = tmp.path().join("out");
    build(&site, &out);
    let page = read(&out.join("02-notes/callouts.html"));
    for label in ["说明", "提示", "重要", "警告", "注意"] {
        assert!(page.contains(&format!("</svg>{label}</p>")), "{label}");
    }
}

#[test]
fn code_is_highlighted_at_build_time_and_scrolls_with_a_copy_button() {
    let (_tmp, out, _) = docs();
    let page = read(&out.join("01-cli/run-with-sudo.html"));
    // Known languages: token classes, no script needed to colour them.
    assert!(page.contains("<pre class=\"code\" tabindex=\"0\" data-lang=\"python\"><code class=\"language-python\"><span class=\"hl-source hl-python\">"), "{page}");
    assert!(page.contains("hl-keyword"), "keywords");
    assert!(page.contains("hl-comment"), "comments");
    // Unknown language and plain text: escaped, untouched.
    assert!(
        page.contains(
            "<code class=\"language-klingon\">&lt;qaStaH nuq?&gt; &amp; &quot;Heghlu&#39;meH"
        ),
        "{page}"
    );
    assert!(
        page.contains("         Name: toolbox\n      Version: 2.4.1\n"),
        "aligned output kept"
    );
    // Each block in a box the copy script gives a button, labelled from the UI strings.
    assert_eq!(page.matches("<div class=\"code-block\">").count(), 5);
    assert!(page.contains("data-copy=\"Copy code\""), "copy label");
    let js = std::fs::read_to_string(out.join("static/copy.js")).unwrap();
    assert!(js.contains("navigator.clipboard") && js.contains("execCommand"));
    let css = std::fs::read_to_string(out.join("static/style.css")).unwrap();
    assert!(
        css.contains("white-space: pre; overflow-x: auto"),
        "code scrolls, no wrapping"
    );
    // The code's text is searchable.
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    assert!(index.contains("refusing to run as root"));
}

#[test]
fn tables_sit_in_a_box_that_scrolls_with_a_cue() {
    let (_tmp, out, _) = docs();
    let chapter = read(&out.join("01-cli/index.html"));
    assert!(
        chapter.contains("<div class=\"table-wrap\" tabindex=\"0\"><table>"),
        "{chapter}"
    );
    let print = read(&out.join("print.html"));
    assert!(print.contains("<div class=\"table-wrap\" tabindex=\"0\"><table>"));
    let css = std::fs::read_to_string(out.join("static/style.css")).unwrap();
    assert!(
        css.contains(".answer .table-wrap {") && css.contains("no-repeat local"),
        "shadow cue"
    );
}

/// An English site: Latin faces before CJK ones (a CJK font sets ’ full-width: "don’ t"), and
/// "1 question found", not "1 questions found".
#[test]
fn english_sites_get_latin_fonts_first_and_a_singular_count() {
    let (tmp, site) = fixture("english");
    let out = tmp.path().join("out");
    build(&site, &out);
    let index = read(&out.join("index.html"));
    assert!(index.contains("<html lang=\"en"), "{index}");
    assert!(
        index.contains("search_count&quot;:&quot;{n} question found|{n} questions found&quot;"),
        "{index}"
    );
    let css = std::fs::read_to_string(out.join("static/style.css")).unwrap();
    let rule = css
        .split("html:not(:lang(zh)):not(:lang(ja)):not(:lang(ko)) {")
        .nth(1)
        .expect("a rule for sites in other languages");
    let font = rule.split(';').next().unwrap();
    let latin = font.find("Arial").unwrap();
    assert!(latin < font.find("Noto Sans CJK SC").unwrap(), "{font}");
    let js = std::fs::read_to_string(out.join("static/search.js")).unwrap();
    assert!(js.contains("t('search_count', { n: results.length })"));
}

/// A question page of a 200-question chapter stays under 30 KB (issue 25; it was 54 KB with
/// every question of every chapter in the sidebar and 101 of its own): the sidebar lists the
/// questions around the page and links the other chapters, whose questions it leaves out;
/// what it leaves out of the page's own chapter is one link away.
#[test]
fn a_question_page_of_a_200_question_chapter_is_under_30_kb() {
    let (tmp, site) = fixture("basic");
    for (c, n) in [(3, 200), (4, 30)] {
        let dir = format!("content/{c:02}-big");
        write(
            &site,
            &format!("{dir}/_index.md"),
            &format!("+++\ntitle = \"第{c}章 常见问题分类\"\nweight = {c}0\n+++\n"),
        );
        for q in 0..n {
            let front = format!("+++\ntitle = \"如何在第{q}号终端上安装证书驱动并检查是否成功？\"\nweight = {q}\n+++\n");
            write(
                &site,
                &format!("{dir}/q{q:03}.md"),
                &format!("{front}\n打开设备管理器，确认驱动第{q}号已经安装，然后重启浏览器。\n"),
            );
        }
    }
    let out = tmp.path().join("out");
    build(&site, &out);
    let page = read(&out.join("03-big/q100.html"));
    assert!(page.len() < 30 * 1024, "{} bytes", page.len());
    let nav =
        &page[page.find("<details class=\"sidebar\"").unwrap()..page.find("</details>").unwrap()];
    for near in ["q080.html", "q099.html", "q101.html", "q120.html"] {
        assert!(
            nav.contains(&format!("href=\"../03-big/{near}\"")),
            "{near} in the sidebar"
        );
    }
    assert!(!nav.contains("q079.html") && !nav.contains("q121.html"));
    assert!(
        nav.contains("前面另有 80 个问题") && nav.contains("后面另有 79 个问题"),
        "{nav}"
    );
    // The other chapters: linked, their questions left out.
    assert!(
        nav.contains("href=\"../04-big/index.html\"")
            && !nav.contains("href=\"../04-big/q000.html\"")
    );
    assert!(nav.contains("href=\"../01-basics/index.html\"") && !nav.contains("first.html"));
}

/// A phone number written in an answer becomes a `tel:` link, as customers write it (spaces,
/// dashes, brackets, +86, 400 numbers, other countries'), but not in code, not inside a link
/// or a heading, and dates, versions and order numbers stay text.
#[test]
fn phone_numbers_in_answers_become_tel_links() {
    let (tmp, site) = fixture("basic");
    let body = "+++\ntitle = \"怎么联系我们？\"\n+++\n\n\
        请拨打 0574-87304500、(0574) 8730 4500 或 400-882-1234，手机 138 1234 5678；\
        海外请拨 +86 574 8730 4500，美国 (555) 123-4567。\n\n\
        - 表格里也可以：020 7946 0958\n\n\
        更新于 2026-11-26，版本 10.0.19041，订单号 20261205123456，2019-2026 年。\n\n\
        代码 `0574-87304500` 与[客服 0574-87304501](https://example.com/)不变。\n\n\
        ```\n0574-87304502\n```\n\n## 热线 0574-87304503\n";
    write(&site, "content/01-basics/phone.md", body);
    let out = tmp.path().join("out");
    build(&site, &out);
    let html = read(&out.join("01-basics/phone.html"));
    let answer = &html[html.find("class=\"answer\"").unwrap()..];
    for (href, text) in [
        ("tel:0574-87304500", "0574-87304500"),
        ("tel:(0574)87304500", "(0574) 8730 4500"),
        ("tel:400-882-1234", "400-882-1234"),
        ("tel:13812345678", "138 1234 5678"),
        ("tel:+8657487304500", "+86 574 8730 4500"),
        ("tel:(555)123-4567", "(555) 123-4567"),
        ("tel:02079460958", "020 7946 0958"),
    ] {
        let link = format!("<a href=\"{href}\">{text}</a>");
        assert!(answer.contains(&link), "{link} in {answer}");
    }
    assert_eq!(answer.matches("href=\"tel:").count(), 7, "{answer}");
    assert!(answer.contains("<code>0574-87304500</code>"));
    assert!(answer.contains(">客服 0574-87304501</a>"));
}
