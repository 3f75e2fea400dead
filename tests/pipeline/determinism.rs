//! The same input gives byte-identical output whatever the number of threads.

use crate::common::*;

fn build_with_threads(threads: usize, out: &std::path::Path) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| build(&repo_root(), out));
}

#[test]
fn one_and_two_threads_give_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("one"), tmp.path().join("two"));
    build_with_threads(1, &a);
    build_with_threads(2, &b);
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert!(sa.len() > 40, "the real site has many files");
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (path, bytes) in &sa {
        assert!(
            bytes == &sb[path],
            "{} differs between 1 and 2 threads",
            path.display()
        );
    }
}

/// A rebuild after one edit writes only the files that changed (the others are kept, same
/// inode and modification time) and its output is exactly what a build from scratch gives.
/// The edit is to a chapter's introduction, which the search index does not hold: an edit to
/// an answer changes the index, whose version every page names (`search-index.js?v=…`), so
/// then every page changes.
#[cfg(unix)]
#[test]
fn rebuild_after_an_edit_rewrites_only_what_changed_and_equals_a_full_build() {
    use std::os::unix::fs::MetadataExt;
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let first = build(&site, &out);
    assert_eq!(first.unchanged_files, 0, "nothing to keep in a first build");
    let ino = |rel: &str| std::fs::metadata(out.join(rel)).unwrap().ino();
    let untouched = "02-more/third.html";
    let edited = "01-basics/index.html";
    let (untouched_ino, edited_ino) = (ino(untouched), ino(edited));

    let page = site.join("content/01-basics/_index.md");
    let text = read(&page);
    std::fs::write(&page, format!("{text}\n新的一段说明。\n")).unwrap();
    let second = build(&site, &out);
    assert!(
        second.unchanged_files > 0 && second.unchanged_files < second.files,
        "some files kept, some written: {second:?}"
    );
    assert_eq!(ino(untouched), untouched_ino, "{untouched} was kept");
    assert_ne!(ino(edited), edited_ino, "{edited} was written");
    assert!(read(&out.join(edited)).contains("新的一段说明。"));

    let fresh = tmp.path().join("fresh");
    build(&site, &fresh);
    assert_eq!(
        snapshot(&out),
        snapshot(&fresh),
        "rebuild = build from scratch"
    );
}

/// `serve`'s rebuilds: after an edit to one answer only the pages that show it are rendered
/// again (the question, its chapter page); the search shards whose postings did not change are
/// kept; and the output is exactly what a fresh build gives. Checked with the one-file index
/// and with a sharded one.
#[test]
fn serve_rebuild_renders_only_what_changed_and_equals_a_fresh_build() {
    for shard_above in [2000, 1] {
        let (tmp, site) = fixture("basic");
        let config = site.join("site.toml");
        let text = read(&config);
        std::fs::write(
            &config,
            format!("{text}\n[search]\nshard_above = {shard_above}\n"),
        )
        .unwrap();
        let out = tmp.path().join("out");
        let mut cache = faqsite::serve::update::ServeCache::default();
        let first = serve_build(&site, &out, &mut cache).unwrap();
        assert_eq!(
            first.pages_rendered, first.pages,
            "a first build renders every page"
        );

        let page = site.join("content/01-basics/first.md");
        let text = read(&page);
        std::fs::write(&page, format!("{text}\n独一无二的新说明。\n")).unwrap();
        let second = serve_build(&site, &out, &mut cache).unwrap();
        assert_eq!(
            second.pages_rendered, 2,
            "shard_above {shard_above}: only the question and its chapter page are rendered: {second:?}"
        );
        assert!(read(&out.join("01-basics/first.html")).contains("独一无二的新说明"));
        assert!(read(&out.join("01-basics/index.html")).contains("独一无二的新说明"));
        assert!(read(&out.join("print.html")).contains("独一无二的新说明"));
        let index = if shard_above == 1 {
            snapshot(&out.join("search"))
                .values()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect::<String>()
        } else {
            read(&out.join("search-index.js"))
        };
        assert!(index.contains("独一无二"), "the index has the new words");

        let fresh = tmp.path().join("fresh");
        serve_build(
            &site,
            &fresh,
            &mut faqsite::serve::update::ServeCache::default(),
        )
        .unwrap();
        assert_eq!(snapshot(&out), snapshot(&fresh), "rebuild = fresh build");

        // What serve writes is what `build` writes, but for the index's `?v=` version.
        let cli = tmp.path().join("cli");
        build(&site, &cli);
        let unversioned = |bytes: &[u8]| {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(i) = rest.find(".js?v=") {
                out.push_str(&rest[..i + 3]);
                rest = &rest[i + 3..];
                let end = rest.find('"').unwrap_or(rest.len());
                let version = &rest[..end];
                if !(version.len() == 11 && version[3..].bytes().all(|b| b.is_ascii_hexdigit())) {
                    out.push_str(version);
                }
                rest = &rest[end..];
            }
            out.push_str(rest);
            out
        };
        let (served, built) = (snapshot(&out), snapshot(&cli));
        assert_eq!(
            served.keys().collect::<Vec<_>>(),
            built.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &served {
            if path.extension().is_some_and(|e| e == "html") {
                assert_eq!(
                    unversioned(bytes),
                    unversioned(&built[path]),
                    "{} differs between serve and build",
                    path.display()
                );
            }
        }

        // A build into another folder, or after the output was touched, renders everything.
        // (A file changed by hand is not faqsite's to replace: the build refuses the folder,
        // naming the file; a file removed is only missing.)
        std::fs::write(out.join("01-basics/second.html"), "touched").unwrap();
        let refused = serve_build(&site, &out, &mut cache)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("01-basics/second.html"), "{refused}");
        std::fs::remove_file(out.join("01-basics/second.html")).unwrap();
        let third = serve_build(&site, &out, &mut cache).unwrap();
        assert_eq!(third.pages_rendered, third.pages);
        assert_eq!(snapshot(&out), snapshot(&fresh));
    }
}

/// `serve`'s rebuild after each kind of edit, one after the other with the same cache, gives
/// exactly what a fresh build of the same sources gives: a question's title (shown in every
/// sidebar, its neighbours' pagers, print.html), its answer, its front matter (its place in
/// the reading order), a deleted question and a new one.
#[test]
fn serve_rebuild_after_each_kind_of_edit_equals_a_fresh_build() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let mut cache = faqsite::serve::update::ServeCache::default();
    serve_build(&site, &out, &mut cache).unwrap();
    let content = site.join("content");
    let replace = |rel: &str, from: &str, to: &str| {
        let p = content.join(rel);
        let text = read(&p);
        assert!(text.contains(from), "{rel} holds {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    type Edit<'e> = (&'static str, Box<dyn Fn() + 'e>);
    let edits: Vec<Edit> = vec![
        (
            "title",
            Box::new(|| replace("01-basics/first.md", "如何安装驱动？", "如何安装新的驱动？")),
        ),
        (
            "answer",
            Box::new(|| {
                replace(
                    "01-basics/second.md",
                    "+++\n\n",
                    "+++\n\n改过的回答开头。\n\n",
                )
            }),
        ),
        (
            "front matter",
            Box::new(|| replace("01-basics/first.md", "weight = 10", "weight = 90")),
        ),
        (
            "deletion",
            Box::new(|| std::fs::remove_file(content.join("02-more/third.md")).unwrap()),
        ),
        (
            "new file",
            Box::new(|| {
                std::fs::write(
                    content.join("02-more/fourth.md"),
                    "+++\ntitle = \"新加的问题？\"\n+++\n\n新加的回答。\n",
                )
                .unwrap()
            }),
        ),
    ];
    for (i, (what, edit)) in edits.iter().enumerate() {
        edit();
        let report = serve_build(&site, &out, &mut cache).unwrap();
        if *what == "answer" {
            assert_eq!(
                report.pages_rendered, 2,
                "only the question and its chapter page show the answer: {report:?}"
            );
        }
        assert_equals_fresh(tmp.path(), &site, &out, &format!("{i}-{what}"));
    }
}
