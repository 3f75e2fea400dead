//! A help center in two languages (`tests/fixtures/bilingual`: zh-CN and en, pages missing in
//! each): URLs, the switcher, `hreflang`, one sitemap with alternates, a search index per
//! language, links between languages, and a site in one language built as before.

use crate::common::*;
use std::path::Path;

/// The bilingual fixture built; (guard, site, output).
fn built() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let (tmp, site) = fixture("bilingual");
    let out = tmp.path().join("public");
    build(&site, &out);
    (tmp, site, out)
}

/// The switcher's links of a page: (language, href, title attribute present).
fn switcher(html: &str) -> Vec<(String, String, bool)> {
    let Some(start) = html.find("<nav class=\"lang-switch\"") else {
        return Vec::new();
    };
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    nav.split("<a ")
        .skip(1)
        .map(|a| {
            let attr = |name: &str| {
                let at = a.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                a[at..at + a[at..].find('"').unwrap()].to_string()
            };
            (attr("data-lang"), attr("href"), a.contains("title=\""))
        })
        .collect()
}

/// The `hreflang` links of a page's head: (hreflang, href).
fn hreflang(html: &str) -> Vec<(String, String)> {
    html.split("<link rel=\"alternate\" hreflang=\"")
        .skip(1)
        .map(|s| {
            let (lang, rest) = s.split_once('"').unwrap();
            let href = rest
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (lang.to_string(), href.to_string())
        })
        .collect()
}

#[test]
fn each_language_has_its_pages_under_its_folder_and_a_switcher() {
    let (_tmp, _site, out) = built();
    let built = [
        "index.html",
        "01-start/install.html",
        "01-start/invoice.html",
        "02-billing/renew.html",
        "en/index.html",
        "en/01-start/install.html",
        "en/01-start/visa.html",
        "en/print.html",
        "en/404.html",
    ];
    let missing: Vec<_> = built.iter().filter(|p| !out.join(p).is_file()).collect();
    assert!(missing.is_empty(), "not built: {missing:?}");
    // Missing translations both ways: left out, with their chapter when it has none.
    for missing in [
        "en/01-start/invoice.html",
        "en/02-billing/index.html",
        "01-start/visa.html",
        "01-start/install.en.html",
    ] {
        assert!(!out.join(missing).exists(), "{missing} should not be built");
    }
    let zh = read(&out.join("01-start/install.html"));
    let en = read(&out.join("en/01-start/install.html"));
    assert!(zh.starts_with("<!doctype html>\n<html lang=\"zh-CN\">"));
    assert!(en.starts_with("<!doctype html>\n<html lang=\"en\">"));
    assert!(en.contains("How do I install the driver?") && en.contains("Help Center"));
    let en_home = read(&out.join("en/index.html"));
    assert!(
        !en_home.contains("如何开具发票") && !en_home.contains("费用与续期"),
        "no untranslated page in the English navigation"
    );
    assert_eq!(
        switcher(&zh),
        [("en".into(), "../en/01-start/install.html".into(), false)]
    );
    assert_eq!(
        switcher(&en),
        [("zh-CN".into(), "../../01-start/install.html".into(), false)]
    );
    // No translation: the language's home page, said so in the link's title.
    let invoice = read(&out.join("01-start/invoice.html"));
    assert_eq!(
        switcher(&invoice),
        [("en".into(), "../en/index.html".into(), true)]
    );
    let visa = read(&out.join("en/01-start/visa.html"));
    assert_eq!(
        switcher(&visa),
        [("zh-CN".into(), "../../index.html".into(), true)]
    );
    assert_eq!(
        switcher(&read(&out.join("index.html"))),
        [("en".into(), "en/index.html".into(), false)]
    );
    // Every page of both languages has the switcher's style and script (and the links
    // resolve, from every page of both languages); only the default language's home page
    // sends a reader to the remembered language.
    for page in built
        .iter()
        .filter(|p| !p.ends_with("404.html") && !p.ends_with("print.html"))
    {
        let html = read(&out.join(page));
        let (css, js) = (
            attr_values(&html, "href")
                .into_iter()
                .any(|h| h.contains("static/languages/switch.css?v=")),
            attr_values(&html, "src")
                .into_iter()
                .any(|h| h.contains("static/languages/remember.js?v=")),
        );
        assert!(css && js, "{page}: style {css}, script {js}");
        assert_eq!(
            html.contains(" data-home>"),
            *page == "index.html",
            "{page}"
        );
    }
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

#[test]
fn hreflang_and_one_sitemap_with_alternates() {
    let (_tmp, _site, out) = built();
    let base = "https://help.example.com/faq/";
    let expected = vec![
        ("zh-CN".to_string(), format!("{base}01-start/install.html")),
        ("en".to_string(), format!("{base}en/01-start/install.html")),
        (
            "x-default".to_string(),
            format!("{base}01-start/install.html"),
        ),
    ];
    assert_eq!(
        hreflang(&read(&out.join("01-start/install.html"))),
        expected
    );
    assert_eq!(
        hreflang(&read(&out.join("en/01-start/install.html"))),
        expected
    );
    assert!(
        hreflang(&read(&out.join("01-start/invoice.html"))).is_empty(),
        "one version: no alternates"
    );
    assert!(
        read(&out.join("en/01-start/install.html")).contains(&format!(
            "<link rel=\"canonical\" href=\"{base}en/01-start/install.html\">"
        ))
    );

    assert!(!out.join("en/sitemap.xml").exists() && !out.join("en/robots.txt").exists());
    let xml = read(&out.join("sitemap.xml"));
    assert!(xml.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let urls: Vec<&str> = xml.split("<url>").skip(1).collect();
    let locs: Vec<&str> = urls
        .iter()
        .map(|u| {
            u.split("<loc>")
                .nth(1)
                .unwrap()
                .split("</loc>")
                .next()
                .unwrap()
        })
        .collect();
    let unique: std::collections::BTreeSet<_> = locs.iter().collect();
    assert_eq!(unique.len(), locs.len(), "every page once");
    for page in [
        "01-start/invoice.html",
        "en/01-start/visa.html",
        "en/01-start/install.html",
        "02-billing/renew.html",
    ] {
        assert!(
            locs.contains(&format!("{base}{page}").as_str()),
            "{page} in the sitemap"
        );
    }
    let entry = |loc: &str| urls[locs.iter().position(|l| *l == loc).unwrap()];
    let install = entry(&format!("{base}en/01-start/install.html"));
    for (lang, href) in &expected {
        assert!(
            install.contains(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\"/>"
            )),
            "{lang} in {install}"
        );
    }
    assert!(!entry(&format!("{base}01-start/invoice.html")).contains("xhtml:link"));
}

#[test]
fn each_language_has_its_own_search_index() {
    let (_tmp, _site, out) = built();
    let (zh, en) = (search_index(&out), search_index(&out.join("en")));
    let titles = |v: &serde_json::Value| -> Vec<String> {
        v["docs"]
            .as_object()
            .unwrap()
            .values()
            .map(|d| d["title"].as_str().unwrap().to_string())
            .collect()
    };
    let (zh_titles, en_titles) = (titles(&zh), titles(&en));
    assert_eq!(zh_titles.len(), 4, "{zh_titles:?}");
    assert_eq!(en_titles.len(), 3, "{en_titles:?}");
    assert!(
        zh_titles
            .iter()
            .all(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
        "{zh_titles:?}"
    );
    assert!(en_titles.iter().all(|t| t.is_ascii()), "{en_titles:?}");
    // Pinyin only in the Chinese index; each language's own synonyms.
    assert!(!zh["pinyin"].as_object().unwrap().is_empty());
    assert!(en["pinyin"].as_object().unwrap().is_empty());
    let options = |v: &serde_json::Value| v["options"].to_string();
    assert!(options(&en).contains("usb key") && !options(&en).contains("u盾"));
    assert!(options(&zh).contains("u盾") && !options(&zh).contains("usb key"));
    // The English pages load the English index.
    assert!(read(&out.join("en/index.html")).contains("data-index=\"search-index.js?v="));
}

#[test]
fn links_follow_the_language_and_check_reports_crossings_and_lost_originals() {
    let (tmp, site) = fixture("bilingual");
    // An English page linking the English `password.md` and the untranslated `invoice.md`.
    write(
        &site,
        "content/01-start/password.en.md",
        "+++\ntitle = \"How do I change the password?\"\n+++\nSee [install](install.md) and\n[the invoice](invoice.md).\n",
    );
    let out = tmp.path().join("public");
    let report = build(&site, &out);
    let page = read(&out.join("en/01-start/password.html"));
    assert!(
        page.contains("href=\"../01-start/install.html\""),
        "the English install page"
    );
    assert!(
        page.contains("href=\"../../01-start/invoice.html\""),
        "the Chinese invoice page"
    );
    let opts = faqsite::site::BuildOptions {
        root: site.clone(),
        output_dir: Some(tmp.path().join("checked")),
        ..Default::default()
    };
    let checked = faqsite::site::check(&opts).unwrap();
    let shown: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| format!("{}:{}: {}", d.file.display(), d.line, d.message))
        .collect();
    let crossing = shown
        .iter()
        .find(|d| d.contains("another language"))
        .unwrap_or_else(|| panic!("{shown:?}"));
    assert!(crossing.contains("password.en.md:5:"), "{crossing}");
    let lost = shown
        .iter()
        .find(|d| d.contains("original visa.md is gone"))
        .unwrap_or_else(|| panic!("{shown:?}"));
    assert!(lost.contains("visa.en.md:1:"), "{lost}");
    assert_eq!(
        report.warnings.len(),
        checked.diagnostics.len(),
        "build and check report the same"
    );
}

#[test]
fn untranslated_pages_may_show_the_original() {
    let (tmp, site) = fixture("bilingual");
    let toml = read(&site.join("site.toml"));
    write(
        &site,
        "site.toml",
        &toml.replacen("[search]", "untranslated = \"original\"\n\n[search]", 1),
    );
    dated(&site, "01-start/invoice.md", "2024-04-01");
    dated(&site, "01-start/install.en.md", "2024-06-01");
    let out = tmp.path().join("public");
    build(&site, &out);
    let invoice = read(&out.join("en/01-start/invoice.html"));
    assert!(
        invoice.contains("如何开具发票"),
        "the original's text in the English site"
    );
    assert!(out.join("en/02-billing/renew.html").is_file());
    assert_eq!(broken_links(&out), Vec::<String>::new());
    // The original's text carries its language in the English pages (not their English UI
    // words around it); translations do not.
    let original = [
        "<h1 lang=\"zh-CN\">",
        "<div class=\"answer\" lang=\"zh-CN\">",
    ];
    let renew = read(&out.join("en/02-billing/renew.html"));
    for page in [&invoice, &renew] {
        assert!(original.iter().all(|o| page.contains(o)), "{page}");
        assert!(page.contains("<article class=\"question\">"));
    }
    let chapter = read(&out.join("en/02-billing/index.html"));
    assert!(chapter.contains("<h1 lang=\"zh-CN\">"), "{chapter}");
    let install = read(&out.join("en/01-start/install.html"));
    assert!(!install.contains("<h1 lang=") && !install.contains("class=\"answer\" lang="));
    assert!(invoice.starts_with("<!doctype html>\n<html lang=\"en\">"));
    // Links to an original from English pages: the sidebar's, and the chapter's list.
    let start = read(&out.join("en/01-start/index.html"));
    let invoice_link = "01-start/invoice.html\" lang=\"zh-CN\" hreflang=\"zh-CN\"";
    assert!(start.contains(invoice_link), "{start}");
    assert!(!start.contains("01-start/install.html\" lang="));
    assert!(install.contains("02-billing/index.html\" lang=\"zh-CN\" hreflang=\"zh-CN\""));
    // The breadcrumb: the chapter of an original, and the page itself.
    assert!(
        renew.contains("<span aria-current=\"location\" lang=\"zh-CN\">"),
        "{renew}"
    );
    assert!(
        renew.contains("href=\"../02-billing/index.html\" lang=\"zh-CN\" hreflang=\"zh-CN\">2 "),
        "{renew}"
    );
    // The print page's answers too.
    let print = read(&out.join("en/print.html"));
    assert!(
        print.contains("lang=\"zh-CN\""),
        "the original's answers in en/print.html"
    );
    // The feed's entry of it too (an `updated` date puts it there).
    let feed = parse_xml(&read(&out.join("en/atom.xml")));
    let langs: Vec<(&str, Option<&str>)> = feed
        .all("entry")
        .map(|e| (e.child("title").text.as_str(), e.attr("xml:lang")))
        .collect();
    assert!(
        langs.contains(&("如何开具发票？", Some("zh-CN"))),
        "{langs:?}"
    );
    assert!(langs
        .iter()
        .filter(|l| l.1.is_some())
        .all(|l| l.0 != "How do I install the driver?"));
    // No English version of it: the Chinese page names none (no hreflang), its switcher leads
    // to the English home, and the sitemap lists the English address without alternates.
    let zh_invoice = read(&out.join("01-start/invoice.html"));
    assert!(hreflang(&zh_invoice).is_empty(), "{zh_invoice}");
    assert_eq!(
        switcher(&zh_invoice),
        [("en".into(), "../en/index.html".into(), true)]
    );
    assert!(hreflang(&invoice).is_empty());
    let sitemap = read(&out.join("sitemap.xml"));
    let en_invoice = "<url><loc>https://help.example.com/faq/en/01-start/invoice.html</loc></url>";
    assert!(sitemap.contains(en_invoice), "{sitemap}");
    assert!(sitemap.contains("<url><loc>https://help.example.com/faq/en/</loc>"));
    // Nothing of the sort in the default language.
    assert!(!read(&out.join("01-start/invoice.html")).contains("lang=\"zh-CN\" hreflang"));
}

#[test]
fn a_site_declaring_only_its_own_language_builds_as_before() {
    let (tmp, site) = fixture("basic");
    let before = tmp.path().join("before");
    build(&site, &before);
    let toml = read(&site.join("site.toml"));
    write(
        &site,
        "site.toml",
        &format!("{toml}\n[languages.zh-CN]\nname = \"中文\"\n"),
    );
    let after = tmp.path().join("after");
    build(&site, &after);
    let (a, b) = (snapshot(&before), snapshot(&after));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs", path.display());
    }
    assert!(!read(&after.join("index.html")).contains("lang-switch"));
}

/// `--pdf` prints a manual per language (one build: Chromium takes seconds).
#[test]
fn each_language_prints_its_manual() {
    let needs = [Tool::Chromium, Tool::Poppler, Tool::CjkFonts];
    if require_browser_tools("each_language_prints_its_manual", &needs).is_none() {
        return;
    }
    let (tmp, site) = fixture("bilingual");
    let out = tmp.path().join("public");
    let opts = faqsite::site::BuildOptions {
        root: site,
        output_dir: Some(out.clone()),
        pdf: true,
        ..Default::default()
    };
    faqsite::site::build(&opts).unwrap_or_else(|e| panic!("{e}"));
    let (zh, en) = (
        pdf_text(&out.join("manual.pdf")),
        pdf_text(&out.join("en/manual.en.pdf")),
    );
    assert!(
        zh.contains("使用手册") && zh.contains("如何开具发票"),
        "{zh}"
    );
    assert!(!zh.contains("Howdo"), "{zh}");
    assert!(
        en.contains("Usermanual") && en.contains("HowdoIinstallthedriver?"),
        "{en}"
    );
    assert!(!en.contains("如何"), "{en}");
    assert!(read(&out.join("en/index.html")).contains("href=\"manual.en.pdf\""));
    assert!(Path::new(&out.join("manual.pdf")).is_file());
}

/// `serve` rebuilds every language after an edit to a translation, and its output is a fresh
/// build's.
#[test]
fn serve_rebuilds_a_translation_like_a_fresh_build() {
    let (tmp, site) = fixture("bilingual");
    let out = tmp.path().join("public");
    let mut cache = faqsite::serve::update::ServeCache::default();
    serve_build(&site, &out, &mut cache).unwrap_or_else(|e| panic!("{e}"));
    let edited = "content/01-start/password.en.md";
    write(
        &site,
        edited,
        "+++\ntitle = \"How do I reset the password?\"\nweight = 20\n+++\nUse the tool.\n",
    );
    cache.changed(&[site.canonicalize().unwrap().join(edited)]);
    serve_build(&site, &out, &mut cache).unwrap_or_else(|e| panic!("{e}"));
    assert!(read(&out.join("en/01-start/password.html")).contains("How do I reset the password?"));
    assert!(read(&out.join("en/search-index.js")).contains("reset"));
    assert_equals_fresh(tmp.path(), &site, &out, "after an English edit");
}

/// A large site's sharded index and segmentation cache are per language too: each language
/// keeps its own cache (one shared file would be the other language's at every build).
#[test]
fn sharded_indexes_keep_a_segmentation_cache_per_language() {
    let (tmp, site) = fixture("bilingual");
    let toml = read(&site.join("site.toml"));
    write(
        &site,
        "site.toml",
        &toml.replacen("[search]\n", "[search]\nshard_above = 2\n", 1),
    );
    let out = tmp.path().join("public");
    build(&site, &out);
    for file in ["search/manifest.js", "en/search/manifest.js"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let cache = site.join(".faqsite-cache");
    let (zh, en) = (
        cache.join("search-terms.bin"),
        cache.join("en/search-terms.bin"),
    );
    assert!(zh.is_file() && en.is_file());
    let before = (std::fs::read(&zh).unwrap(), std::fs::read(&en).unwrap());
    std::fs::remove_dir_all(&out).unwrap();
    build(&site, &out);
    let after = (std::fs::read(&zh).unwrap(), std::fs::read(&en).unwrap());
    assert!(before == after, "each language's cache stays its own");
    assert!(read(&out.join("en/index.html")).contains("search/manifest.js"));
}

/// An XML element: its name, attributes, text and children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The children named `name`.
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child(&self, name: &str) -> &Element {
        let found = self.children.iter().find(|c| c.name == name);
        found.unwrap_or_else(|| panic!("no <{name}> in <{}>", self.name))
    }
}

/// `xml` parsed by an XML parser (the test fails unless it is well-formed): its root element.
fn parse_xml(xml: &str) -> Element {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(xml);
    r.config_mut().expand_empty_elements = true;
    let mut stack = vec![Element::default()];
    loop {
        let ev = r.read_event();
        let ev = ev.unwrap_or_else(|e| panic!("bad XML near {}: {e}\n{xml}", r.buffer_position()));
        match ev {
            Event::Start(e) => {
                let attrs = e.attributes().map(|a| {
                    let a = a.unwrap();
                    let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
                    let key = a.key.as_ref().to_string();
                    (key, v.unwrap().into_owned())
                });
                stack.push(Element {
                    name: e.name().as_ref().to_string(),
                    attrs: attrs.collect(),
                    ..Default::default()
                });
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text += &t.xml10_content(),
            Event::GeneralRef(e) => {
                let c = match &*e.xml10_content() {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => e
                        .resolve_char_ref()
                        .unwrap()
                        .expect("only the predefined entities"),
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut top = stack.pop().unwrap();
    assert!(
        stack.is_empty() && top.children.len() == 1,
        "one root element"
    );
    top.children.pop().unwrap()
}

/// The sitemap parses as XML, and each of its addresses and alternates is a page of the output.
#[test]
fn the_sitemap_is_xml_whose_every_alternate_is_a_page() {
    let (_tmp, _site, out) = built();
    let base = "https://help.example.com/faq/";
    let urlset = parse_xml(&read(&out.join("sitemap.xml")));
    assert_eq!(urlset.name, "urlset");
    let mut alternates = 0;
    for url in urlset.all("url") {
        let loc = &url.child("loc").text;
        let links = url.all("xhtml:link").map(|l| l.attr("href").unwrap());
        for href in std::iter::once(loc.as_str()).chain(links) {
            let rel = href.strip_prefix(base).unwrap_or_else(|| panic!("{href}"));
            let file = if rel.is_empty() || rel.ends_with('/') {
                out.join(rel).join("index.html")
            } else {
                out.join(rel)
            };
            assert!(file.is_file(), "{href} (in {loc}) is no page");
        }
        alternates += url.all("xhtml:link").count();
    }
    assert!(alternates > 0, "the translated pages have alternates");
}

/// Front matter `updated = <date>` given to `content/<rel>`.
fn dated(site: &Path, rel: &str, date: &str) {
    let text = read(&site.join("content").join(rel));
    let text = text.replacen("+++\n", &format!("+++\nupdated = {date}\n"), 1);
    write(site, &format!("content/{rel}"), &text);
}

/// Each language's `atom.xml`: XML, its language's dated questions newest first (undated ones
/// left out), none of the other language's, absolute links to pages that exist, a hostile
/// title kept as text; every page of the language links it in its head.
#[test]
fn each_language_has_a_feed_of_its_last_updated_questions() {
    let (tmp, site) = fixture("bilingual");
    dated(&site, "01-start/install.md", "2024-03-01");
    dated(&site, "01-start/password.md", "2024-05-01");
    dated(&site, "01-start/invoice.md", "2024-04-01");
    dated(&site, "01-start/install.en.md", "2024-06-01");
    dated(&site, "01-start/visa.en.md", "2024-02-01");
    let hostile = "Visa </title><script>alert(1)</script> & ]]> \"copy\"";
    let visa = read(&site.join("content/01-start/visa.en.md"));
    let visa = visa.replace(
        "title = \"Do foreign customers need a visa copy?\"",
        &format!("title = {hostile:?}"),
    );
    write(&site, "content/01-start/visa.en.md", &visa);
    let out = tmp.path().join("public");
    build(&site, &out);
    let base = "https://help.example.com/faq/";
    let entries = |file: &str, lang: &str, title: &str| {
        let feed = parse_xml(&read(&out.join(file)));
        assert_eq!(feed.attr("xmlns"), Some("http://www.w3.org/2005/Atom"));
        assert_eq!(feed.attr("xml:lang"), Some(lang));
        assert_eq!(feed.child("title").text, title);
        let entries: Vec<(String, String, String)> = feed
            .all("entry")
            .map(|e| {
                let href = e.child("link").attr("href").unwrap().to_string();
                let rel = href.strip_prefix(base).unwrap();
                assert!(out.join(rel).is_file(), "{href} is no page");
                assert_eq!(e.child("id").text, href);
                (
                    e.child("title").text.clone(),
                    rel.to_string(),
                    e.child("updated").text.clone(),
                )
            })
            .collect();
        let newest = entries.first().map(|e| e.2.clone()).unwrap_or_default();
        assert_eq!(
            feed.child("updated").text,
            newest,
            "the feed's date is its newest entry's"
        );
        entries
    };
    let rels = |entries: &[(String, String, String)]| -> Vec<String> {
        entries.iter().map(|e| e.1.clone()).collect()
    };
    let zh_entries = entries("atom.xml", "zh-CN", "帮助中心");
    assert_eq!(
        rels(&zh_entries),
        [
            "01-start/password.html",
            "01-start/invoice.html",
            "01-start/install.html"
        ],
        "newest first, the undated renew.html left out"
    );
    assert_eq!(zh_entries[0].2, "2024-05-01T00:00:00Z");
    let en_entries = entries("en/atom.xml", "en", "Help Center");
    assert_eq!(
        rels(&en_entries),
        ["en/01-start/install.html", "en/01-start/visa.html"]
    );
    assert_eq!(en_entries[0].0, "How do I install the driver?");
    assert!(
        en_entries[1]
            .0
            .contains("</title><script>alert(1)</script> & ]]> \"copy\""),
        "the hostile title is text: {:?}",
        en_entries[1].0
    );
    let link = |lang_root: &str| {
        format!("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{}\" href=\"{base}{lang_root}atom.xml\">",
            if lang_root.is_empty() { "帮助中心" } else { "Help Center" })
    };
    for (page, root) in [
        ("index.html", ""),
        ("02-billing/renew.html", ""),
        ("en/index.html", "en/"),
        ("en/01-start/visa.html", "en/"),
        ("print.html", ""),
        ("en/print.html", "en/"),
        ("en/404.html", "en/"),
    ] {
        assert!(
            read(&out.join(page)).contains(&link(root)),
            "{page} links its language's feed"
        );
    }
    assert!(!read(&out.join("en/index.html")).contains(&link("")));
}

/// `[feed] enabled = false` writes no feed and links none; `limit` keeps the newest; without
/// `base_url` there is no feed (its links must be absolute).
#[test]
fn the_feed_can_be_limited_or_turned_off_and_needs_base_url() {
    let (tmp, site) = fixture("bilingual");
    dated(&site, "01-start/install.md", "2024-03-01");
    dated(&site, "01-start/password.md", "2024-05-01");
    let toml = read(&site.join("site.toml"));
    let with = |extra: &str, name: &str| {
        write(&site, "site.toml", &format!("{toml}\n{extra}"));
        let out = tmp.path().join(name);
        build(&site, &out);
        out
    };
    let limited = with("[feed]\nlimit = 1\n", "limited");
    let feed = parse_xml(&read(&limited.join("atom.xml")));
    let hrefs: Vec<&str> = feed
        .all("entry")
        .map(|e| e.child("link").attr("href").unwrap())
        .collect();
    assert_eq!(
        hrefs,
        ["https://help.example.com/faq/01-start/password.html"]
    );
    let off = with("[feed]\nenabled = false\n", "off");
    assert!(!off.join("atom.xml").exists() && !off.join("en/atom.xml").exists());
    assert!(!read(&off.join("index.html")).contains("application/atom+xml"));
    let no_base = toml.replace("base_url = \"https://help.example.com/faq/\"\n", "");
    assert_ne!(no_base, toml);
    write(&site, "site.toml", &no_base);
    let out = tmp.path().join("no-base");
    build(&site, &out);
    assert!(!out.join("atom.xml").exists() && !out.join("en/atom.xml").exists());
    assert!(!read(&out.join("index.html")).contains("application/atom+xml"));
    // Asked for, a feed that cannot be written is a warning at [feed], once; the build goes on.
    write(
        &site,
        "site.toml",
        &format!("{no_base}\n[feed]\nlimit = 5\n"),
    );
    let line = read(&site.join("site.toml"))
        .lines()
        .position(|l| l == "[feed]")
        .unwrap()
        + 1;
    let (ok, _, err) = run(&["build", "--output-dir", "asked"], &site);
    assert!(ok, "{err}");
    assert_eq!(err.matches("no Atom feed is written").count(), 1, "{err}");
    assert!(err.contains(&format!("site.toml:{line}")), "{err}");
    assert!(err.contains("base_url"), "{err}");
}

/// Without `base_url` a page names no `hreflang` alternates: search engines take only absolute
/// URLs there, and a relative one makes the page's alternates invalid (Lighthouse: "Document
/// doesn't have a valid hreflang"). The switcher is the same.
#[test]
fn hreflang_needs_base_url() {
    let (tmp, site) = fixture("bilingual");
    let toml = read(&site.join("site.toml"));
    let without: String = toml
        .lines()
        .filter(|l| !l.starts_with("base_url"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, toml);
    write(&site, "site.toml", &without);
    let out = tmp.path().join("public");
    build(&site, &out);
    let zh = read(&out.join("01-start/install.html"));
    assert!(hreflang(&zh).is_empty(), "{zh}");
    assert!(hreflang(&read(&out.join("en/01-start/install.html"))).is_empty());
    assert_eq!(
        switcher(&zh),
        [("en".into(), "../en/01-start/install.html".into(), false)]
    );
}
