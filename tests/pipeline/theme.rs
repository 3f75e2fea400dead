//! The default theme for any FAQ: its UI words come from a strings file per language (chosen by
//! `language`, overridable from the site), suggestions from site.toml; extension points
//! (blocks, extra CSS/JS, logo, favicon, footer lines) need no copied template.

use crate::common::*;
use std::path::Path;

/// Any CJK ideograph or CJK/full-width punctuation.
fn cjk(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        matches!(c as u32, 0x3000..=0x303f | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xff00..=0xffef)
    })
}

/// The output files a reader's browser shows or runs (HTML, JS, CSS) with their text; not the
/// search index (content, and the search's own word lists, which are never shown).
fn ui_files(out: &Path) -> Vec<(std::path::PathBuf, String)> {
    snapshot(out)
        .into_iter()
        .filter(|(p, _)| {
            let index = p.to_string_lossy().contains("search-index");
            !index
                && p.extension()
                    .is_some_and(|e| e == "html" || e == "js" || e == "css")
        })
        .map(|(p, bytes)| (p, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// `faqsite init`, then the site's own words made English and `language = "en"`.
fn english_site(tmp: &Path) -> std::path::PathBuf {
    let site = tmp.join("site");
    let (ok, _, err) = run(&["init", &site.to_string_lossy()], tmp);
    assert!(ok, "init failed: {err}");
    let toml = read(&site.join("site.toml"));
    assert!(toml.contains("language = \"zh-CN\""), "{toml}");
    std::fs::write(
        site.join("site.toml"),
        "title = \"Help\"\ndescription = \"Answers\"\nlanguage = \"en\"\n\n[[contact]]\nlabel = \"Phone\"\nvalue = \"+1 555 0100\"\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/_index.md"),
        "+++\ntitle = \"Help\"\n+++\n\nWelcome.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/01-getting-started/_index.md"),
        "+++\ntitle = \"Getting started\"\nweight = 10\n+++\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/01-getting-started/first-question.md"),
        "+++\ntitle = \"How do I start?\"\nweight = 10\ntags = [\"start\"]\n+++\n\nAdd Markdown files.\n",
    )
    .unwrap();
    site
}

#[test]
fn an_english_site_has_no_chinese_ui_text() {
    let tmp = tempfile::tempdir().unwrap();
    let site = english_site(tmp.path());
    let out = site.join("public");
    build(&site, &out);
    let files = ui_files(&out);
    assert!(files.len() > 5, "{files:?}");
    for (f, text) in files {
        if let Some(c) = cjk(&text) {
            let at = text.find(c).unwrap();
            let from = text[..at]
                .char_indices()
                .rev()
                .nth(40)
                .map_or(0, |(i, _)| i);
            panic!(
                "{} has {c:?}: …{}…",
                f.display(),
                &text[from..(at + 40).min(text.len())]
            );
        }
    }
    let q = read(&out.join("01-getting-started/first-question.html"));
    assert!(q.contains("Still need help?"), "English help box");
    assert!(
        q.contains(r#"href="tel:+15550100""#),
        "a phone-like value becomes a tel: link"
    );
    assert!(read(&out.join("404.html")).contains("<title>Page not found - Help</title>"));
}

#[test]
fn strings_are_overridden_from_the_site_and_examples_come_from_site_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let site = english_site(tmp.path());
    std::fs::write(
        site.join("site.toml"),
        "title = \"Help\"\nlanguage = \"en\"\n\n[search]\nexamples = [\"token\", \"password\", \"renewal\"]\n\n[strings]\nhelp_title = \"Stuck? Call us\"\n\n[[contact]]\nlabel = \"Phone\"\nvalue = \"+1 555 0100\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(site.join("strings")).unwrap();
    std::fs::write(site.join("strings/en.toml"), "home = \"Start\"\n").unwrap();
    let out = site.join("public");
    build(&site, &out);
    let q = read(&out.join("01-getting-started/first-question.html"));
    assert!(q.contains("Stuck? Call us"), "[strings] in site.toml");
    assert!(q.contains(">Start</a>"), "strings/en.toml of the site: {q}");
    assert!(
        q.contains(r#"placeholder="Search, e.g. token, password""#),
        "placeholder examples"
    );
    let nf = read(&out.join("404.html"));
    assert!(
        nf.contains("for example token, password, renewal"),
        "404 suggestions: {nf}"
    );
}

#[test]
fn an_unknown_string_key_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let site = english_site(tmp.path());
    let toml = read(&site.join("site.toml"));
    std::fs::write(
        site.join("site.toml"),
        format!("{toml}\n[strings]\nhelp_titel = \"x\"\n"),
    )
    .unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok);
    assert!(err.contains("unknown UI string `help_titel`"), "{err}");
    assert!(err.contains("help_title"), "lists the known keys: {err}");
}

/// `search_count_one` (the search's singular count before `search_count` held both forms) set
/// by a site: a warning at its line with what to write instead, once, in `build` and `check`
/// alike; the build goes on and the count keeps its singular from `search_count`.
#[test]
fn the_old_singular_search_count_is_a_warning_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = english_site(tmp.path());
    let toml = read(&site.join("site.toml"));
    let line = toml.lines().count() + 3;
    std::fs::write(
        site.join("site.toml"),
        format!("{toml}\n[strings]\nsearch_count_one = \"{{n}} hit\"\n"),
    )
    .unwrap();
    for command in ["build", "check"] {
        let (ok, _, err) = run(&[command], &site);
        assert!(ok, "{command}: {err}");
        let at =
            format!("site.toml:{line}: warning: UI string `search_count_one` is no longer used");
        assert_eq!(err.matches(&at).count(), 1, "{command}: {err}");
        assert!(
            err.contains("search_count = \"{n} question found|{n} questions found\""),
            "{err}"
        );
    }
    let index = read(&site.join("public/index.html"));
    assert!(
        index.contains("search_count&quot;:&quot;{n} question found|{n} questions found&quot;"),
        "{index}"
    );
    assert!(!index.contains("search_count_one"), "{index}");
}

#[test]
fn the_chinese_site_keeps_its_words_and_its_own_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo_root(), &out);
    let html = read(&out.join("index.html"));
    assert!(html.contains(r#"placeholder="搜索问题，如：驱动、PIN码""#));
    assert!(html.contains(">跳到正文</a>"));
    assert!(read(&out.join("404.html")).contains("驱动、PIN码、证书更新、无法显示该网页"));
}

#[test]
fn a_site_extends_the_theme_without_copying_it() {
    let tmp = tempfile::tempdir().unwrap();
    let site = english_site(tmp.path());
    std::fs::write(
        site.join("site.toml"),
        "title = \"Help\"\nlanguage = \"en\"\nlogo = \"logo.svg\"\nfavicon = \"static/icon.png\"\nfooter = [\"ICP 12345678\", { text = \"Licence\", href = \"https://example.com/l\" }]\n\n[theme]\nextra_css = [\"brand.css\"]\nextra_js = [\"stats.js\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(site.join("static")).unwrap();
    for (f, body) in [
        ("logo.svg", "<svg/>"),
        ("icon.png", "png"),
        ("brand.css", "a{}"),
        ("stats.js", "1"),
    ] {
        std::fs::write(site.join("static").join(f), body).unwrap();
    }
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/index.html"),
        "{% extends \"base.html\" %}{% block extra_head %}<meta name=\"verify\" content=\"x\">{% endblock extra_head %}{% block extra_footer %}<p>extra foot</p>{% endblock extra_footer %}",
    )
    .unwrap();
    std::fs::write(
        site.join("templates/extra_head.html"),
        "<meta name=\"every\" content=\"page\">",
    )
    .unwrap();
    let out = site.join("public");
    build(&site, &out);
    let home = read(&out.join("index.html"));
    let q = read(&out.join("01-getting-started/first-question.html"));
    for (html, root) in [(&home, ""), (&q, "../")] {
        for want in [
            format!(r#"<img class="brand-logo" src="{root}static/logo.svg?v="#),
            format!(r#"<link rel="icon" href="{root}static/icon.png?v="#),
            format!(r#"<link rel="stylesheet" href="{root}static/brand.css?v="#),
            format!(r#"<script src="{root}static/stats.js?v="#),
            "<p class=\"footer-line\">ICP 12345678</p>".to_string(),
            r#"<a href="https://example.com/l">Licence</a>"#.to_string(),
        ] {
            assert!(html.contains(&want), "{want} in\n{html}");
        }
    }
    assert!(
        home.contains(r#"<meta name="verify" content="x">"#),
        "extra_head block"
    );
    assert!(home.contains("<p>extra foot</p>"), "extra_footer block");
    assert!(!q.contains("extra foot"));
    assert!(
        q.contains(r#"<meta name="every" content="page">"#),
        "templates/extra_head.html"
    );
}

#[test]
fn a_missing_extra_file_is_an_error_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = english_site(tmp.path());
    std::fs::write(
        site.join("site.toml"),
        "title = \"Help\"\n\n[theme]\nextra_css = [\"nope.css\"]\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok);
    assert!(err.contains("site.toml:4"), "{err}");
    assert!(
        err.contains("\"nope.css\", which is not a file of the site's static/ folder"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_strings_file_linked_from_outside_the_site_is_an_error_never_read() {
    let tmp = tempfile::tempdir().unwrap();
    let site = english_site(tmp.path());
    std::fs::write(tmp.path().join("secret.toml"), "home = \"SECRET\"\n").unwrap();
    std::fs::create_dir_all(site.join("strings")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.toml"), site.join("strings/en.toml"))
        .unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok, "{err}");
    assert!(err.contains("en.toml"), "{err}");
    assert!(!site.join("public/index.html").exists());
}

/// A page's context leaves out the lists its template never reads (`chapters`,
/// `chapter.questions`); a site's own template that reads them, itself or through what it
/// extends or includes, still gets them.
#[test]
fn a_template_that_reads_chapters_and_chapter_questions_gets_them() {
    let (_tmp, site) = fixture("basic");
    let templates = site.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("question.html"),
        "{% extends \"base.html\" %}{% block content %}{% include \"lists.html\" %}{% endblock content %}",
    )
    .unwrap();
    std::fs::write(
        templates.join("lists.html"),
        "<p id=\"chapters\">{% for c in chapters %}[{{ c.title }}]{% endfor %}</p>\
         <p id=\"questions\">{% for q in chapter.questions %}[{{ q.title }}]{% endfor %}</p>",
    )
    .unwrap();
    let out = site.join("public");
    build(&site, &out);
    let html = read(&out.join("01-basics/first.html"));
    assert!(
        html.contains("<p id=\"chapters\">[基础问题][")
            && html.contains("<p id=\"questions\">[如何安装驱动？][Second question]</p>"),
        "{html}"
    );
}
