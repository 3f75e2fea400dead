//! The same input gives byte-identical output whatever the number of threads.

mod common;
use common::*;

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
