//! Trust and reading (issue 13): "last updated" dates on answers (front matter `updated`, else
//! the last git commit that changed the file, read without running git, else none), tag pages,
//! "on this page" section lists, icons in sentences sized to the line, the home page without a
//! pager card, pagers in reading order without repeated links, and in Chromium at 390 and
//! 1280 px: the sticky header with its call button, chapters in reading order, icon height; what
//! a phone's first screen shows, touch targets, search loaded when wanted, the print page.

use crate::common::*;
use std::path::Path;
use std::process::Command;

/// `git` in `dir` with fixed names and dates (the fixture is made with the git binary; the
/// build under test never runs it).
fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.com")
        .env("GIT_COMMITTER_NAME", "A")
        .env("GIT_COMMITTER_EMAIL", "a@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("run git (the test makes its fixture repository with it)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `site` made a repository of one commit of everything, 2024-01-01.
fn first_commit(site: &Path) {
    let date = "2024-01-01T10:00:00+08:00";
    git(site, &["init", "-q"], date);
    git(site, &["add", "-A"], date);
    git(site, &["commit", "-qm", "one"], date);
}

/// `faqsite build` with no `git` anywhere on PATH: what the build does, it does in-process.
fn build_without_git(site: &Path) -> (bool, String, String) {
    let empty = site.parent().unwrap().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_faqsite"))
        .arg("build")
        .current_dir(site)
        .env_clear()
        .env("PATH", &empty)
        .output()
        .expect("run faqsite");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn updated(html: &str) -> Option<String> {
    let at = html.find("<time datetime=\"")? + "<time datetime=\"".len();
    Some(html[at..at + 10].to_string())
}

#[test]
fn updated_in_front_matter_is_shown_as_time_and_date_modified() {
    let (_tmp, site) = fixture("basic");
    let first = site.join("content/01-basics/first.md");
    let text = read(&first).replace("weight = 10\n", "weight = 10\nupdated = 2024-05-01\n");
    write_file(&first, &text);
    let out = site.join("public");
    build(&site, &out);
    let html = read(&out.join("01-basics/first.html"));
    assert!(
        html.contains(r#"最后更新：<time datetime="2024-05-01">2024-05-01</time>"#),
        "{html}"
    );
    let ld = jsonld(&html);
    assert_eq!(ld[0]["dateModified"], "2024-05-01", "{ld:?}");
    // Not in a git repository: the other answers have no date, and no error.
    assert_eq!(updated(&read(&out.join("01-basics/second.html"))), None);
    assert!(jsonld(&read(&out.join("01-basics/second.html")))[0]["dateModified"].is_null());
}

#[test]
fn an_updated_that_is_no_date_is_an_error_at_its_line() {
    let (_tmp, site) = fixture("basic");
    let first = site.join("content/01-basics/first.md");
    let text = read(&first).replace("weight = 10\n", "weight = 10\nupdated = \"2024-02-30\"\n");
    write_file(&first, &text);
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok);
    assert!(err.contains("first.md:4"), "file:line: {err}");
    assert!(err.contains("2024-02-30"), "{err}");
    assert!(err.contains("updated = 2024-05-01"), "hint: {err}");
}

/// A site in two languages: each translation has the date of the last commit that changed
/// its own file (found in the walk that dated the originals).
#[test]
fn git_dates_of_translations_are_their_own_files() {
    let (_tmp, site) = fixture("bilingual");
    first_commit(&site);
    let en = site.join("content/01-start/install.en.md");
    write_file(&en, &(read(&en) + "\nMore.\n"));
    git(
        &site,
        &["commit", "-qam", "two"],
        "2024-03-15T10:00:00+08:00",
    );
    // One walk of the history dates both languages: the default language's load asks for the
    // translations' dates too, and the English load finds them.
    let config = faqsite::config::Config::load(&site).unwrap();
    let load = |config: &faqsite::config::Config| {
        let lang = faqsite::content::Selection::of(config);
        faqsite::content::load_language(&site, (false, &lang), None).unwrap()
    };
    let walks = faqsite::history::walks();
    load(&config);
    let en = load(&config.for_language("en"));
    assert_eq!(faqsite::history::walks(), walks + 1, "one walk");
    let install = en.pages.iter().find(|p| p.url == "01-start/install.html");
    assert_eq!(install.unwrap().updated.as_deref(), Some("2024-03-15"));
    let out = site.join("public");
    build(&site, &out);
    let date = |page: &str| updated(&read(&out.join(page)));
    assert_eq!(date("01-start/install.html").as_deref(), Some("2024-01-01"));
    assert_eq!(
        date("en/01-start/install.html").as_deref(),
        Some("2024-03-15")
    );
    assert_eq!(date("en/01-start/visa.html").as_deref(), Some("2024-01-01"));
}

#[test]
fn git_dates_come_from_the_last_commit_that_changed_each_answer() {
    let (_tmp, site) = fixture("basic");
    first_commit(&site);
    let second = site.join("content/01-basics/second.md");
    write_file(&second, &(read(&second) + "\nMore.\n"));
    git(
        &site,
        &["commit", "-qam", "two"],
        "2024-03-15T23:30:00+08:00",
    );
    // A later commit that changes another file leaves both dates as they are.
    write_file(
        &site.join("site.toml"),
        &(read(&site.join("site.toml")) + "\n"),
    );
    git(
        &site,
        &["commit", "-qam", "three"],
        "2024-06-01T09:00:00+00:00",
    );
    // A new answer no commit has yet, and a front-matter date that wins over git's.
    write_file(
        &site.join("content/02-more/new.md"),
        "+++\ntitle = \"New\"\n+++\n\nNot committed.\n",
    );
    let third = site.join("content/02-more/third.md");
    write_file(
        &third,
        &read(&third).replace("weight = 10\n", "weight = 10\nupdated = 2023-12-24\n"),
    );

    let (ok, _, err) = build_without_git(&site);
    assert!(ok, "{err}");
    let out = site.join("public");
    let date = |page: &str| updated(&read(&out.join(page)));
    assert_eq!(date("01-basics/first.html").as_deref(), Some("2024-01-01"));
    assert_eq!(
        date("01-basics/second.html").as_deref(),
        Some("2024-03-15"),
        "the commit's own time zone"
    );
    assert_eq!(date("02-more/new.html"), None, "never the build time");
    assert_eq!(date("02-more/third.html").as_deref(), Some("2023-12-24"));

    // Freshness: nothing changed → up to date; a new commit → rebuilt with the new date.
    let (ok, stdout, _) = build_without_git(&site);
    assert!(ok && stdout.contains("up to date"), "{stdout}");
    write_file(&second, &(read(&second) + "\nEven more.\n"));
    git(
        &site,
        &["commit", "-qam", "four"],
        "2024-07-02T08:00:00+08:00",
    );
    let (ok, stdout, err) = build_without_git(&site);
    assert!(ok && !stdout.contains("up to date"), "{stdout}{err}");
    assert_eq!(date("01-basics/second.html").as_deref(), Some("2024-07-02"));
    assert_eq!(date("01-basics/first.html").as_deref(), Some("2024-01-01"));
}

#[test]
fn a_site_in_a_sub_folder_of_a_repository_gets_its_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(
        &repo_root().join("tests/fixtures/basic"),
        &repo.join("docs/faq"),
    );
    git(&repo, &["init", "-q"], "2024-02-02T12:00:00+00:00");
    git(&repo, &["add", "-A"], "2024-02-02T12:00:00+00:00");
    git(
        &repo,
        &["commit", "-qm", "one"],
        "2024-02-02T12:00:00+00:00",
    );
    let site = repo.join("docs/faq");
    let out = tmp.path().join("out");
    build(&site, &out);
    let html = read(&out.join("01-basics/first.html"));
    assert_eq!(updated(&html).as_deref(), Some("2024-02-02"));
}

#[test]
fn tags_link_to_pages_listing_the_questions_that_share_them() {
    let (_tmp, site) = fixture("basic");
    let third = site.join("content/02-more/third.md");
    write_file(
        &third,
        &read(&third).replace(
            "weight = 10\n",
            "weight = 10\ntags = [\"驱动\", \"Other tag\"]\n",
        ),
    );
    let out = site.join("public");
    build(&site, &out);
    let first = read(&out.join("01-basics/first.html"));
    assert!(
        first.contains(r#"<a href="../tags/qu-dong.html">驱动</a>"#),
        "{first}"
    );
    let tag = read(&out.join("tags/qu-dong.html"));
    assert!(tag.contains("<h1>标签：驱动</h1>"), "{tag}");
    let list = &tag[tag.find("class=\"tag-questions\"").expect("the tag's list")..];
    let links = attr_values(&list[..list.find("</ol>").unwrap()], "href");
    assert!(
        links.contains(&"../01-basics/first.html".to_string()),
        "{links:?}"
    );
    assert!(
        links.contains(&"../02-more/third.html".to_string()),
        "{links:?}"
    );
    assert!(!links.contains(&"../01-basics/second.html".to_string()));
    let index = read(&out.join("tags/index.html"));
    for href in ["qu-dong.html", "install.html", "other-tag.html"] {
        assert!(
            index.contains(&format!("href=\"../tags/{href}\"")),
            "{href}: {index}"
        );
    }
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

#[test]
fn a_chapter_folder_named_tags_is_an_error() {
    let (_tmp, site) = fixture("basic");
    write_file(
        &site.join("content/tags/_index.md"),
        "+++\ntitle = \"Tags\"\nweight = 90\n+++\n",
    );
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok);
    assert!(
        err.contains("tags/index.html would be inside tags/"),
        "{err}"
    );
}

#[test]
fn answers_with_three_sections_list_them_at_the_top() {
    let (_tmp, site) = fixture("basic");
    write_file(
        &site.join("content/02-more/long.md"),
        "+++\ntitle = \"Long\"\nweight = 20\n+++\n\nIntro.\n\n## Before you start\n\nA.\n\n## Steps\n\nB.\n\n### Detail\n\nC.\n\n## If it fails\n\nD.\n",
    );
    let out = site.join("public");
    build(&site, &out);
    let long = read(&out.join("02-more/long.html"));
    let nav = &long[long.find("class=\"on-this-page\"").expect("a section list")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(nav.contains("本页内容"), "{nav}");
    let hrefs = attr_values(nav, "href");
    assert_eq!(
        hrefs,
        ["#before-you-start", "#steps", "#if-it-fails"],
        "{nav}"
    );
    for id in ["before-you-start", "steps", "if-it-fails"] {
        assert!(ids(&long).contains(id));
    }
    // Two sections: no list.
    assert!(!read(&out.join("01-basics/second.html")).contains("on-this-page"));
}

#[test]
fn icons_in_a_sentence_are_inline_and_a_picture_alone_is_not() {
    let (_tmp, site) = fixture("basic");
    write_file(
        &site.join("content/02-more/icons.md"),
        "+++\ntitle = \"Icons\"\nweight = 30\n+++\n\nClick the icon ![tray icon](../../images/icon.png) in the tray.\n\n![tray icon alone](../../images/icon.png)\n\n- Or this one ![list icon](../../images/icon.png)\n",
    );
    let out = site.join("public");
    build(&site, &out);
    let html = read(&out.join("02-more/icons.html"));
    let img = |alt: &str| {
        let at = html.find(&format!("alt=\"{alt}\"")).unwrap();
        let start = html[..at].rfind("<img").unwrap();
        html[start..start + html[start..].find('>').unwrap()].to_string()
    };
    assert!(
        img("tray icon").contains("class=\"inline\""),
        "{}",
        img("tray icon")
    );
    assert!(img("list icon").contains("class=\"inline\""));
    assert!(
        !img("tray icon alone").contains("class="),
        "{}",
        img("tray icon alone")
    );
}

#[test]
fn the_home_page_has_no_pager_card() {
    let (_tmp, site) = fixture("basic");
    let out = site.join("public");
    build(&site, &out);
    assert!(!read(&out.join("index.html")).contains("class=\"pager\""));
    assert!(read(&out.join("01-basics/index.html")).contains("class=\"pager\""));
}

/// A chapter page shows its questions' answers itself: its next card leads to the next
/// chapter, not to its own first question; a question page's pager only leaves the chapter
/// (its related list links the chapter's other questions).
#[test]
fn pagers_follow_reading_order_without_repeating_links() {
    let (_tmp, site) = fixture("basic");
    let out = site.join("public");
    build(&site, &out);
    let chapter = read(&out.join("01-basics/index.html"));
    assert!(chapter.contains("rel=\"next\" href=\"../02-more/index.html\""));
    assert!(chapter.contains("rel=\"prev\" href=\"../index.html\""));
    let first = read(&out.join("01-basics/first.html"));
    assert!(!first.contains("rel=\"prev\"") && !first.contains("rel=\"next\""));
    let second = read(&out.join("01-basics/second.html"));
    assert!(second.contains("rel=\"next\" href=\"../02-more/index.html\""));
    assert!(!second.contains("rel=\"prev\""));
}

/// In Chromium on this repo's site: search loads only when first wanted (and the bytes of a
/// question page before it), the print page's button and dark mode, every target of every
/// page kind 44 × 44 px and 8 px apart at 390 px, and what the first screen shows.
#[test]
fn first_screen_targets_lazy_search_and_print_page_in_chromium() {
    chromium_on_repo_site(
        "first_screen_targets_lazy_search_and_print_page_in_chromium",
        "tests/js/reader.mjs",
    );
}

/// At 390 × 844 and 1280 × 900 in Chromium: the header stays in view with the `tel:` call
/// button (first viewport and after scrolling), the home page's chapters are in reading order
/// row by row, icons in sentences are as tall as the text line, and on a phone the chapter
/// page's breadcrumb names the chapter.
#[test]
fn reading_in_chromium_at_390_and_1280() {
    chromium_on_repo_site(
        "reading_in_chromium_at_390_and_1280",
        "tests/js/reading.mjs",
    );
}
