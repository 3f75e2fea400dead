//! `serve`'s rebuilds (`serve::update::build_then` with one cache): the output folder is updated in
//! place (only what changed is written; a file no longer built is removed), what is kept from
//! the previous build (rendered Markdown, compiled templates, page keys) never shows: after every
//! kind of edit the output equals a fresh build of the same sources, file for file.

use crate::common::*;

use std::path::Path;

fn edit(site: &Path, rel: &str, from: &str, to: &str) {
    let p = site.join("content").join(rel);
    let text = read(&p);
    assert!(text.contains(from), "{rel} holds {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().ino()
}

/// A rebuild after an edit to one answer writes the files that show it and leaves the output
/// folder, its folders and every other file where they are (no new folder swapped in, no
/// file linked again); a question deleted from the sources disappears from the output, and a
/// chapter deleted takes its folder with it.
#[cfg(unix)]
#[test]
fn serve_rebuilds_update_the_output_folder_in_place() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let mut cache = faqsite::serve::update::ServeCache::default();
    serve_build(&site, &out, &mut cache).unwrap();
    let before = [
        inode(&out),
        inode(&out.join("01-basics")),
        inode(&out.join("02-more/third.html")),
    ];
    let third_time = std::fs::metadata(out.join("02-more/third.html"))
        .unwrap()
        .modified()
        .unwrap();

    edit(
        &site,
        "01-basics/second.md",
        "+++\n\n",
        "+++\n\n就地更新的回答。\n\n",
    );
    let report = serve_build(&site, &out, &mut cache).unwrap();
    assert!(read(&out.join("01-basics/second.html")).contains("就地更新的回答"));
    let after = [
        inode(&out),
        inode(&out.join("01-basics")),
        inode(&out.join("02-more/third.html")),
    ];
    assert_eq!(
        before, after,
        "the output folder, its chapter folder and an unchanged page stay the same files: {report:?}"
    );
    let third = std::fs::metadata(out.join("02-more/third.html")).unwrap();
    assert_eq!(
        third.modified().unwrap(),
        third_time,
        "unchanged page not written"
    );
    assert_eq!(
        std::os::unix::fs::MetadataExt::nlink(&third),
        1,
        "no link left elsewhere"
    );
    assert_equals_fresh(tmp.path(), &site, &out, "answer");

    std::fs::remove_file(site.join("content/02-more/third.md")).unwrap();
    serve_build(&site, &out, &mut cache).unwrap();
    assert!(!out.join("02-more/third.html").exists());
    assert_equals_fresh(tmp.path(), &site, &out, "deleted question");

    std::fs::remove_dir_all(site.join("content/02-more")).unwrap();
    edit(
        &site,
        "01-basics/second.md",
        " or [the other chapter](../02-more/_index.md)",
        "",
    );
    serve_build(&site, &out, &mut cache).unwrap();
    assert!(
        !out.join("02-more").exists(),
        "the deleted chapter's folder is gone"
    );
    assert_equals_fresh(tmp.path(), &site, &out, "deleted chapter");
    let beside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out"))
        .collect();
    assert!(beside.is_empty(), "no staging folder left: {beside:?}");
}

/// Edits whose effects reach pages that did not change themselves: the chapters' order and a
/// chapter's title (every sidebar, the home page, print.html), a link to another page's
/// heading, that heading renamed (the unchanged linking page now has a dead anchor: the save is
/// refused with the same error `check` gives, the output stays as it was) and renamed back.
#[test]
fn serve_rebuild_after_chapter_and_link_edits_equals_a_fresh_build() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let mut cache = faqsite::serve::update::ServeCache::default();
    serve_build(&site, &out, &mut cache).unwrap();

    edit(&site, "02-more/_index.md", "weight = 20", "weight = 5");
    serve_build(&site, &out, &mut cache).unwrap();
    assert_equals_fresh(tmp.path(), &site, &out, "chapter order");

    edit(
        &site,
        "02-more/_index.md",
        "title = \"More\"",
        "title = \"更多问题\"",
    );
    serve_build(&site, &out, &mut cache).unwrap();
    assert!(read(&out.join("index.html")).contains("更多问题"));
    assert_equals_fresh(tmp.path(), &site, &out, "chapter title");

    edit(
        &site,
        "02-more/third.md",
        "Plain answer",
        "See [the steps](../01-basics/first.md#安装步骤). Plain answer",
    );
    serve_build(&site, &out, &mut cache).unwrap();
    assert_equals_fresh(tmp.path(), &site, &out, "new link");

    let served = snapshot(&out);
    edit(&site, "01-basics/first.md", "## 安装步骤", "## 安装方法");
    let err = serve_build(&site, &out, &mut cache)
        .expect_err("the link in third.md names a heading that is gone")
        .to_string();
    assert!(
        err.contains("third.md") && err.contains("#安装步骤"),
        "the error names the unchanged page and its anchor: {err}"
    );
    let checked = faqsite::site::check(&faqsite::site::BuildOptions {
        root: site.clone(),
        output_dir: Some(out.clone()),
        ..Default::default()
    })
    .unwrap();
    let first_error = checked.diagnostics[0].to_string();
    assert!(
        err.contains(&first_error),
        "check says the same:\n{first_error}\nvs\n{err}"
    );
    assert_eq!(
        snapshot(&out),
        served,
        "a broken save leaves the output alone"
    );

    edit(&site, "01-basics/first.md", "## 安装方法", "## 安装步骤");
    serve_build(&site, &out, &mut cache).unwrap();
    assert_equals_fresh(tmp.path(), &site, &out, "heading back");
}

/// A rebuild puts the pages in place before it makes the search index and print.html (no page
/// needs them to show an edit, and they are most of a large site's rebuild): when it says the
/// pages are done, the edited page shows the edit and print.html is still the previous one;
/// when it returns, print.html and the index show it too, and the output equals a fresh build.
#[test]
fn a_rebuild_puts_the_pages_in_place_before_the_index_and_print_page() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let mut cache = faqsite::serve::update::ServeCache::default();
    serve_build(&site, &out, &mut cache).unwrap();
    edit(
        &site,
        "01-basics/second.md",
        "+++\n\n",
        "+++\n\n先放页面的回答。\n\n",
    );
    let mut seen = None;
    faqsite::serve::update::build_then(&serve_options(&site, &out), &mut cache, &mut |later| {
        seen = Some((
            read(&out.join("01-basics/second.html")).contains("先放页面的回答"),
            read(&out.join("print.html")).contains("先放页面的回答"),
            later.to_vec(),
        ));
    })
    .unwrap();
    let (page_then, print_then, later) = seen.expect("the pages were put in place first");
    assert!(
        page_then,
        "the edited page shows the edit when the pages are done"
    );
    assert!(!print_then, "print.html is made after the pages");
    for made_later in ["print.html", "search-index.js"] {
        assert!(
            later.iter().any(|p| p == Path::new(made_later)),
            "{made_later} is among the files made later: {later:?}"
        );
    }
    assert!(read(&out.join("print.html")).contains("先放页面的回答"));
    assert_equals_fresh(tmp.path(), &site, &out, "pages first");
}

/// A rebuild reads again only the content files whose entry changed (size, times, inode): an
/// edit that keeps the file's size, right after the previous build, still shows.
#[test]
fn an_edit_that_keeps_the_size_of_the_file_shows() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let mut cache = faqsite::serve::update::ServeCache::default();
    edit(
        &site,
        "01-basics/second.md",
        "+++\n\n",
        "+++\n\n旧的说明。\n\n",
    );
    serve_build(&site, &out, &mut cache).unwrap();
    edit(&site, "01-basics/second.md", "旧的说明", "新的说明");
    serve_build(&site, &out, &mut cache).unwrap();
    assert!(read(&out.join("01-basics/second.html")).contains("新的说明"));
    assert_equals_fresh(tmp.path(), &site, &out, "same size");
}
