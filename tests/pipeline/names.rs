//! File and folder names as Chinese writers give them: Chinese and spaces build, with the
//! pinyin URLs `faqsite new` would have chosen; links to the Chinese names resolve; two files
//! whose URLs collide are an error naming both.

use crate::common::*;

/// The basic fixture plus a chapter `02-其他` holding `安装 驱动.md`, linked to by its
/// Chinese name from a question of the first chapter, both %-escaped and in `<…>`.
fn chinese_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, site) = fixture("basic");
    write(
        &site,
        "content/02-其他/_index.md",
        "+++\ntitle = \"其他\"\nweight = 15\n+++\n",
    );
    write(
        &site,
        "content/02-其他/安装 驱动.md",
        "+++\ntitle = \"如何安装驱动？\"\nweight = 10\n+++\n\n## 步骤\n\nSee [the other](../01-basics/second.md).\n",
    );
    write(
        &site,
        "content/02-其他/另一个.md",
        "+++\ntitle = \"另一个\"\nweight = 20\n+++\n\nSee [this](安装%20驱动.md), [steps](<安装 驱动.md#步骤>) and [that](<安装 驱动.md>).\n",
    );
    (tmp, site)
}

#[test]
fn chinese_and_spaced_names_build_with_pinyin_urls() {
    let (tmp, site) = chinese_site();
    let out = tmp.path().join("out");
    build(&site, &out);
    let page = out.join("02-qi-ta/an-zhuang-qu-dong.html");
    assert!(page.is_file(), "pinyin URL of 02-其他/安装 驱动.md");
    assert!(out.join("02-qi-ta/index.html").is_file());
    let other = read(&out.join("02-qi-ta/ling-yi-ge.html"));
    assert!(
        other.contains("href=\"../02-qi-ta/an-zhuang-qu-dong.html\""),
        "link to the Chinese file name resolves:\n{other}"
    );
    assert!(
        other.contains("an-zhuang-qu-dong.html#"),
        "link with anchor"
    );
    let problems = broken_links(&out);
    assert!(problems.is_empty(), "{problems:#?}");
    let (ok, _, err) = run(&["check"], &site);
    assert!(ok, "check agrees: {err}");
}

#[test]
fn colliding_urls_name_both_files() {
    let (_tmp, site) = chinese_site();
    write(
        &site,
        "content/02-其他/an-zhuang-qu-dong.md",
        "+++\ntitle = \"同名\"\nweight = 30\n+++\n\nbody\n",
    );
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok, "a collision must fail the build");
    assert!(
        err.contains("安装 驱动.md") && err.contains("an-zhuang-qu-dong.md"),
        "both files named:\n{err}"
    );
    assert!(err.contains("02-qi-ta/an-zhuang-qu-dong.html"), "{err}");
}

/// Two questions of one chapter with the same heading: the chapter page, which joins their
/// answers, still has every id once, and its in-page links find their targets.
#[test]
fn chapter_page_ids_are_unique() {
    let (tmp, site) = fixture("basic");
    for (name, w) in [("a", 30), ("b", 40)] {
        write(
            &site,
            &format!("content/01-basics/{name}.md"),
            &format!("+++\ntitle = \"{name}\"\nweight = {w}\n+++\n\n## 操作步骤\n\nsee [below](#操作步骤) and a note[^1].\n\n[^1]: note.\n"),
        );
    }
    let out = tmp.path().join("out");
    build(&site, &out);
    let html = read(&out.join("01-basics/index.html"));
    let all = attr_values(&html, "id");
    let mut seen = std::collections::BTreeSet::new();
    let dups: Vec<_> = all.iter().filter(|i| !seen.insert(*i)).collect();
    assert!(
        dups.is_empty(),
        "duplicate ids on the chapter page: {dups:?}"
    );
    let problems = broken_links(&out);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        read(&out.join("01-basics/a.html")).contains("id=\"操作步骤\""),
        "question pages keep their ids"
    );
}
