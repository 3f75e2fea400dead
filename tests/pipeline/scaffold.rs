//! `faqsite new` on the fixture site and on this repository's layout: next weight, pinyin file
//! names that never collide, a chapter folder numbered after the last one, and a result that
//! builds once the answers are written; `faqsite import` of this repository's FAQ as one long
//! Word and Markdown document (tests/fixtures/import), compared with content/.

use crate::common::*;
use std::path::Path;

#[test]
fn new_question_and_chapter_on_an_existing_site() {
    let (_tmp, site) = fixture("basic");
    // The fixture's 01-basics has weights 10 and 20: the next one is 30.
    let (ok, out, err) = run(
        &[
            "new",
            "question",
            "--chapter",
            "01-basics",
            "如何安装驱动？",
        ],
        &site,
    );
    assert!(ok, "{err}");
    let first = site.join("content/01-basics/ru-he-an-zhuang-qu-dong.md");
    assert!(out.contains("ru-he-an-zhuang-qu-dong.md"), "{out}");
    let text = std::fs::read_to_string(&first).unwrap();
    assert!(
        text.starts_with("+++\ntitle = \"如何安装驱动？\"\n"),
        "{text}"
    );
    let max = ["first.md", "second.md"]
        .iter()
        .filter_map(|f| {
            std::fs::read_to_string(site.join("content/01-basics").join(f))
                .unwrap()
                .lines()
                .find_map(|l| {
                    l.strip_prefix("weight = ")
                        .map(|w| w.parse::<i64>().unwrap())
                })
        })
        .max()
        .unwrap();
    assert!(text.contains(&format!("weight = {}", max + 10)), "{text}");

    // The same title again: a new file, never an overwrite.
    let (ok, out, _) = run(
        &[
            "new",
            "question",
            "--chapter",
            "01-basics",
            "如何安装驱动？",
        ],
        &site,
    );
    assert!(ok && out.contains("ru-he-an-zhuang-qu-dong-2.md"), "{out}");
    assert_eq!(std::fs::read_to_string(&first).unwrap(), text);

    // A title with nothing to spell still gets a name.
    let (ok, out, _) = run(
        &["new", "question", "--chapter", "01-basics", "？！"],
        &site,
    );
    assert!(ok && out.contains(".md"), "{out}");

    // An unknown chapter is refused, naming the ones there are.
    let (ok, _, err) = run(&["new", "question", "--chapter", "09-nope", "x"], &site);
    assert!(
        !ok && err.contains("01-basics") && err.contains("02-more"),
        "{err}"
    );

    // A chapter is numbered after the last one.
    let (ok, out, err) = run(&["new", "chapter", "证书更新问题"], &site);
    assert!(
        ok && out.contains("03-zheng-shu-geng-xin-wen-ti"),
        "{out}{err}"
    );

    // With the answers written, the site builds.
    for entry in walkdir::WalkDir::new(site.join("content/01-basics")) {
        let p = entry.unwrap().into_path();
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        if p.extension().is_some_and(|e| e == "md") && text.trim_end().ends_with("+++") {
            std::fs::write(&p, format!("{text}先插入 USB Key，再运行安装程序。\n")).unwrap();
        }
    }
    let (ok, out, err) = run(&["build"], &site);
    assert!(ok, "{out}{err}");
    assert!(site
        .join("public/01-basics/ru-he-an-zhuang-qu-dong-2.html")
        .is_file());
    assert!(site
        .join("public/03-zheng-shu-geng-xin-wen-ti/index.html")
        .is_file());
}

// ---------------------------------------------------------------- import

/// The first dozen letters of an answer, its Markdown syntax (images, link targets, list
/// markers, emphasis) left out: two answers compare "loosely" by it.
fn first_words(body: &str) -> String {
    let no_images = regex_lite_strip(body, "![", ")");
    let mut s = String::new();
    let mut skip = false;
    for c in no_images.chars() {
        match c {
            ']' => skip = true,
            ')' if skip => skip = false,
            _ if skip => {}
            c if c.is_alphanumeric() => s.push(c),
            _ => {}
        }
        if s.chars().count() >= 12 {
            break;
        }
    }
    s.trim_start_matches(|c: char| c.is_ascii_digit())
        .to_string()
}

/// `text` without every span from `open` to the next `close`.
fn regex_lite_strip(text: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        rest = rest[i..]
            .find(close)
            .map_or("", |j| &rest[i + j + close.len()..]);
    }
    out + rest
}

/// Chapter titles, and each chapter's question titles and answers' first words, in order.
fn outline(root: &Path) -> Vec<(String, Vec<(String, String)>)> {
    let content = faqsite::content::load(root, false, None).unwrap();
    content
        .chapters
        .iter()
        .map(|c| {
            let qs = c
                .questions
                .iter()
                .map(|&q| {
                    let p = &content.pages[q];
                    (p.title.clone(), first_words(&p.source.body))
                })
                .collect();
            (content.pages[c.page].title.clone(), qs)
        })
        .collect()
}

/// Import one fixture of this FAQ into a new folder: the same chapters and questions in the
/// same order as content/, answers that start alike, every screenshot extracted, links between
/// questions kept, a site that checks clean, and one note: the `preface`, which belongs to no
/// chapter.
fn import_matches_content(file: &str, preface: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let doc = repo_root().join("tests/fixtures/import").join(file);
    let report = faqsite::import::import(&[doc], &site, false).unwrap();
    assert_eq!(outline(&site), outline(&repo_root()), "{file}");
    assert_eq!(report.questions, 32, "{}", report.summary());
    let notes: Vec<String> = report.notes.iter().map(|d| d.to_string()).collect();
    let want = format!("{file}{preface}: text before the first chapter heading");
    assert!(
        notes.len() == 1 && notes[0].contains(&want),
        "{want}\n{notes:#?}"
    );
    let images = std::fs::read_dir(site.join("images")).unwrap().count();
    assert_eq!(images, 9, "every screenshot of the FAQ, once each");
    let linked = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| read(e.path()).contains("](../02-qu-dong-wen-ti/ru-he-xia-zai"))
        .count();
    assert_eq!(
        linked, 3,
        "the three links to the driver question lead to its new file"
    );
    let opts = faqsite::site::BuildOptions {
        root: site.clone(),
        ..Default::default()
    };
    let checked = faqsite::check::check(&opts, None);
    assert!(
        checked.diagnostics.is_empty(),
        "{file}: {:#?}",
        checked.diagnostics
    );
}

#[test]
fn import_of_this_faq_as_a_word_document_matches_content() {
    import_matches_content("faq.docx", ": warning: paragraph 1");
}

#[test]
fn import_of_this_faq_as_markdown_matches_content() {
    import_matches_content("faq.md", ":1: warning");
}

const LONG_DOC: &str = "\
# Setup

Read this first.

## Accounts

Accounts are made by an admin.

### How do I sign in?

Use your email. See [the reset](#2-i-forgot-my-password) and [other](other.md#billing).
Not imported: [x](elsewhere.md).

![Sign-in form](pics/sign-in.png)

### 2. I forgot my password

Ask an admin. ![gone](pics/missing.png) ![outside](../secret.png)

# Billing {#billing}

## How do I pay?

By card. Back to [signing in](#how-do-i-sign-in).
";

#[test]
fn import_markdown_places_questions_links_and_images_and_reports_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(docs.join("pics")).unwrap();
    std::fs::write(docs.join("faq.md"), LONG_DOC).unwrap();
    std::fs::write(
        docs.join("other.md"),
        "# Billing {#billing}\n\n## Refunds\n\nWithin 30 days.\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("secret.png"), b"x").unwrap();
    std::fs::copy(
        repo_root().join("images/image1.png"),
        docs.join("pics/sign-in.png"),
    )
    .unwrap();
    let site = tmp.path().join("site");
    let files = [docs.join("faq.md"), docs.join("other.md")];
    let report = faqsite::import::import(&files, &site, false).unwrap();
    let chapters: Vec<(&str, usize)> = report
        .chapters
        .iter()
        .map(|c| (c.title.as_str(), c.questions))
        .collect();
    assert_eq!(chapters, [("Setup", 2), ("Billing", 1), ("Billing", 1)]);
    let expected: [(&str, &[&str]); 4] = [
        (
            "01-setup/_index.md",
            &["Read this first.", "Accounts are made"],
        ),
        (
            "01-setup/how-do-i-sign-in.md",
            &[
                "+++\ntitle = \"How do I sign in?\"\nweight = 10\n+++\n",
                "[the reset](../01-setup/i-forgot-my-password.md)",
                "[other](../03-billing/_index.md)",
                "![Sign-in form](../../images/sign-in.png)",
            ],
        ),
        (
            "01-setup/i-forgot-my-password.md",
            &[
                "title = \"I forgot my password\"\nweight = 20",
                "](pics/missing.png)",
                "](../secret.png)",
            ],
        ),
        (
            "02-billing/how-do-i-pay.md",
            &["[signing in](../01-setup/how-do-i-sign-in.md)"],
        ),
    ];
    for (file, parts) in expected {
        let text = read(&site.join("content").join(file));
        for part in parts {
            assert!(text.contains(part), "{file} lacks {part:?}:\n{text}");
        }
    }
    assert!(site.join("images/sign-in.png").is_file());
    let notes: Vec<String> = report
        .notes
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {}",
                d.file.file_name().unwrap().to_string_lossy(),
                d.line,
                d.message
            )
        })
        .collect();
    assert_eq!(
        notes,
        [
            "faq.md:5: \"Accounts\" has sub-headings, so it is no question: its text went into the introduction of chapter \"Setup\"",
            "faq.md:12: link to elsewhere.md: not among the imported files; left as it was (import it too, or link to its web address)",
            "faq.md:18: image pics/missing.png: no such file next to the document; left as it was",
            "faq.md:18: image ../secret.png: outside the document's folder; left as it was",
        ]
    );
}

#[test]
fn import_never_overwrites_and_a_dry_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("faq.md");
    std::fs::write(&doc, "## Where is it?\n\nHere.\n").unwrap();
    let site = tmp.path().join("site");
    let mine = site.join("content/01-faq/where-is-it.md");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::fs::write(&mine, "mine").unwrap();
    let err = faqsite::import::import(std::slice::from_ref(&doc), &site, false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("where-is-it.md") && err.contains("would overwrite"),
        "{err}"
    );
    assert_eq!(read(&mine), "mine");
    assert!(
        !site.join("site.toml").exists(),
        "nothing written when anything collides"
    );

    let fresh = tmp.path().join("fresh");
    let (ok, out, err) = run(
        &["import", "--dry-run", "--into", "fresh", "faq.md"],
        tmp.path(),
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("would import 1 chapters, 1 questions") && out.contains("content/01-faq"),
        "{out}"
    );
    assert!(!fresh.exists(), "a dry run writes nothing");
    let (ok, out, err) = run(&["import", "--into", "fresh", "faq.md"], tmp.path());
    assert!(ok && out.contains("imported 1 chapters"), "{out}{err}");
    assert!(read(&fresh.join("site.toml")).contains("language = \"en\""));
    assert_eq!(
        read(&fresh.join("content/01-faq/where-is-it.md")),
        "+++\ntitle = \"Where is it?\"\nweight = 10\n+++\n\nHere.\n"
    );
}

#[test]
fn init_in_english_makes_an_english_site_that_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&["init", "help", "--language", "en-GB"], tmp.path());
    assert!(ok, "{err}");
    let site = tmp.path().join("help");
    assert!(read(&site.join("site.toml")).contains("language = \"en-GB\""));
    let question = read(&site.join("content/01-getting-started/first-question.md"));
    assert!(
        question.contains("title = \"How do I start?\""),
        "{question}"
    );
    let (ok, out, err) = run(&["check"], &site);
    assert!(ok && out.contains("0 errors, 0 warnings"), "{out}{err}");
}
