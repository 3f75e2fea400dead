//! `faqsite new` on the fixture site and on this repository's layout: next weight, pinyin file
//! names that never collide, a chapter folder numbered after the last one, and a result that
//! builds once the answers are written.

use crate::common::*;

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
