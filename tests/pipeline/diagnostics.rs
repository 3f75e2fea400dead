//! What a writer reads when something is wrong: `check` and `build` run on fixture sites with
//! one problem of each kind, their diagnostics (plain text, paths relative to the site) are
//! snapshots (tests/pipeline/snapshots/, reviewed with every change of wording), and the two commands
//! must report the very same list: `check` is the build without output.

use crate::common::*;
use std::path::Path;

/// Run `faqsite <args>` in `site` without colour: (success, stdout, stderr), the site's path
/// replaced by `[SITE]`.
fn cli(site: &Path, args: &[&str]) -> (bool, String, String) {
    let (ok, out, err) = run(args, site);
    let site_str = site.display().to_string();
    (
        ok,
        out.replace(&site_str, "[SITE]"),
        err.replace(&site_str, "[SITE]"),
    )
}

/// The diagnostics of a failed build's stderr: without the count and "build failed" lines.
fn build_diagnostics(ok: bool, err: &str) -> String {
    if ok {
        return err.to_string();
    }
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.len() >= 2 && lines[lines.len() - 1].starts_with("build failed"),
        "a failed build ends with the count and `build failed`:\n{err}"
    );
    let mut text = lines[..lines.len() - 2].join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

/// `check` then `build` (each with `extra` arguments) on `site`: asserts they agree (same exit
/// status, same diagnostics, byte for byte) and returns both transcripts for a snapshot.
fn check_and_build(site: &Path, extra: &[&str]) -> String {
    let (check_ok, check_out, check_err) = cli(site, &[&["check"], extra].concat());
    let (build_ok, build_out, build_err) = cli(site, &[&["build", "--force"], extra].concat());
    assert_eq!(
        check_err,
        build_diagnostics(build_ok, &build_err),
        "check and build report different diagnostics"
    );
    assert_eq!(check_ok, build_ok, "check and build disagree on success");
    let status = |ok: bool| if ok { "ok" } else { "failed" };
    format!(
        "$ faqsite check {extra}\n{check_err}{check_out}({})\n\n$ faqsite build --force {extra}\n{build_err}{build_out}({})\n",
        status(check_ok),
        status(build_ok),
        extra = extra.join(" "),
    )
}

/// The first line of every diagnostic in `stderr` ("file:line: error: …").
fn headlines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .collect()
}

#[test]
fn every_kind_of_problem() {
    let (_tmp, site) = fixture("problems");
    // Created here, not in the fixture: a repository with both names cannot be checked out on
    // Windows or macOS, which is the very problem reported.
    write(
        &site,
        "content/02-b/Q1.md",
        "+++\ntitle = \"Q1 大写\"\nweight = 10\n+++\n\n大写的文件名。\n",
    );
    write(
        &site,
        "content/02-b/q1.md",
        "+++\ntitle = \"q1 小写\"\nweight = 20\n+++\n\n小写的文件名。\n",
    );
    // A JPEG cut short: usable (browsers show grey), so a warning.
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x / 2) as u8, (y / 2) as u8, 60])
    })
    .write_to(&mut jpeg, image::ImageFormat::Jpeg)
    .unwrap();
    let jpeg = jpeg.into_inner();
    std::fs::write(site.join("images/cut.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    write(
        &site,
        "content/02-b/photo.md",
        "+++\ntitle = \"照片\"\nweight = 50\n+++\n\n![办公室照片](../../images/cut.jpg)\n",
    );
    insta::assert_snapshot!(check_and_build(&site, &[]));
    assert!(!site.join("public").exists(), "nothing written");
}

#[test]
fn the_library_gives_check_and_build_the_same_list() {
    let (tmp, site) = fixture("problems");
    let opts = faqsite::site::BuildOptions {
        root: site.clone(),
        output_dir: Some(tmp.path().join("out")),
        ..Default::default()
    };
    let checked = faqsite::site::check(&opts).expect("the stages run to the end");
    let built = faqsite::site::build(&opts).expect_err("the build fails");
    assert_eq!(checked.diagnostics, built.diagnostics());
    assert!(
        checked.diagnostics.len() >= 10,
        "{:#?}",
        checked.diagnostics
    );
}

#[test]
fn front_matter_problems() {
    let (_tmp, site) = fixture("basic");
    write(
        &site,
        "content/01-basics/first.md",
        "+++\ntitle = \"x\"\ntgas = [\"a\"]\n+++\nbody\n",
    );
    write(
        &site,
        "content/02-more/third.md",
        "+++\ntitle = \"y\"\nweight = ten\n+++\nbody\n",
    );
    insta::assert_snapshot!(check_and_build(&site, &[]));
}

#[test]
fn a_broken_template_override_fails_check_too() {
    let (_tmp, site) = fixture("basic");
    write(
        &site,
        "templates/question.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title | no_such_filter }}{% endblock %}\n",
    );
    let (ok, _, err) = cli(&site, &["check"]);
    assert!(!ok, "check loads the theme and renders every page:\n{err}");
    insta::assert_snapshot!(check_and_build(&site, &[]));
}

#[test]
fn warnings_pass_and_strict_fails_both() {
    let (_tmp, site) = fixture("basic");
    write(
        &site,
        "content/02-more/third.md",
        "+++\ntitle = \"t\"\n+++\n\n![](../../images/icon.png)\n",
    );
    write(
        &site,
        "content/02-more/empty.md",
        "+++\ntitle = \"还没有答案\"\nweight = 30\n+++\n",
    );
    let relaxed = check_and_build(&site, &[]);
    let strict = check_and_build(&site, &["--strict"]);
    insta::assert_snapshot!(format!("{relaxed}\n{strict}"));
}

/// Question B has `## 解决方法`, a dead link on line 11 and a dead anchor on line 13; A links
/// to `b.md#解决方法`. Exactly B:11 and B:13 are reported, in one run, by both commands.
#[test]
fn a_page_with_an_error_keeps_its_headings_and_links() {
    let (_tmp, site) = fixture("basic");
    write(
        &site,
        "content/01-basics/a.md",
        "+++\ntitle = \"问题 A\"\nweight = 30\n+++\n\n## 操作步骤\n\n参见 [B 的解决方法](b.md#解决方法)。\n",
    );
    write(
        &site,
        "content/01-basics/b.md",
        "+++\ntitle = \"问题 B\"\nweight = 40\n+++\n\n## 解决方法\n\n重新插入 USB Key。\n\n## 其他\n\
         见 [旧的页面](old.md)。\n\n见 [A 的说明](a.md#没有这个标题)。\n",
    );
    for cmd in ["check", "build"] {
        let (ok, _, err) = cli(&site, &[cmd]);
        assert!(!ok, "{cmd}");
        assert_eq!(
            headlines(&err),
            [
                "content/01-basics/b.md:11: error: link to old.md: content/01-basics/old.md does not exist",
                "content/01-basics/b.md:13: error: link to #没有这个标题 in content/01-basics/a.md: no such heading",
            ],
            "{cmd}:\n{err}"
        );
    }
}

#[test]
fn a_link_to_a_draft_says_it_is_a_draft() {
    let (_tmp, site) = fixture("basic");
    write(
        &site,
        "content/02-more/third.md",
        "+++\ntitle = \"t\"\n+++\n\nSee [the draft](draft.md).\n",
    );
    for cmd in ["check", "build"] {
        let (ok, _, err) = cli(&site, &[cmd]);
        assert!(!ok, "{cmd}");
        assert!(
            err.contains("content/02-more/third.md:5: error: link to draft.md: content/02-more/draft.md is a draft")
                && err.contains("--drafts")
                && !err.contains("does not exist"),
            "{cmd}:\n{err}"
        );
    }
    let (ok, _, err) = cli(&site, &["build", "--drafts"]);
    assert!(ok, "with --drafts the link is good: {err}");
}

#[test]
fn check_writes_nothing_not_even_the_image_cache() {
    let (_tmp, site) = fixture("basic");
    // Wide enough to need resized copies (and their cache entries) in a build.
    image::RgbImage::from_fn(1600, 900, |x, y| {
        image::Rgb([(x / 7) as u8, (y / 4) as u8, 90])
    })
    .save(site.join("images/wide.png"))
    .unwrap();
    write(
        &site,
        "content/02-more/third.md",
        "+++\ntitle = \"t\"\n+++\n\n![宽图](../../images/wide.png)\n",
    );
    let before = snapshot(&site);
    let (ok, out, err) = cli(&site, &["check"]);
    assert!(ok, "{out}{err}");
    let after = snapshot(&site);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "check wrote files"
    );
    assert!(after == before, "check changed a file of the site");
    assert!(!site.join(".faqsite-cache").exists());
    let (ok, _, err) = cli(&site, &["build"]);
    assert!(ok, "{err}");
    assert!(
        site.join(".faqsite-cache/images").is_dir(),
        "a build caches"
    );
}

#[test]
fn a_new_question_passes_check_and_build_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("help");
    let (ok, _, err) = cli(tmp.path(), &["init", site.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, _, err) = cli(
        &site,
        &[
            "new",
            "question",
            "--chapter",
            "01-getting-started",
            "如何安装驱动？",
        ],
    );
    assert!(ok, "{err}");
    insta::assert_snapshot!(check_and_build(&site, &[]));
}
