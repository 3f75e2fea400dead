//! Bad input: a clear error with file and line, a non-zero exit, and the previous output
//! folder left exactly as it was.

use crate::common::*;
use std::path::Path;

/// Build once (good), break the site with `breakage`, build again through the CLI and check
/// that it fails with `expected` in stderr and leaves the output untouched.
fn fails_cleanly(breakage: impl FnOnce(&Path), expected: &[&str]) -> String {
    let (_tmp, site) = fixture("basic");
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "first build: {err}");
    let before = snapshot(&site.join("public"));
    assert!(!before.is_empty());
    breakage(&site);
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok, "the broken build must exit non-zero");
    for e in expected {
        assert!(err.contains(e), "stderr should contain {e:?}:\n{err}");
    }
    assert_eq!(
        snapshot(&site.join("public")),
        before,
        "previous output untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "half-written folders left behind: {leftovers:?}"
    );
    err
}

#[test]
fn bad_front_matter() {
    fails_cleanly(
        |s| {
            write(
                s,
                "content/01-basics/first.md",
                "+++\ntitle = \"x\"\nweight = ten\n+++\nbody\n",
            )
        },
        &["content/01-basics/first.md:3", "weight = ten"],
    );
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    fails_cleanly(
        |s| {
            write(
                s,
                "content/01-basics/first.md",
                "+++\ntitle = \"x\"\ntgas = [\"a\"]\n+++\nbody\n",
            )
        },
        &[
            "content/01-basics/first.md:3",
            "tgas",
            "did you mean `tags`?",
        ],
    );
}

#[test]
fn missing_front_matter() {
    fails_cleanly(
        |s| write(s, "content/02-more/third.md", "# no front matter\n"),
        &["content/02-more/third.md:1", "missing front matter"],
    );
}

#[test]
fn unknown_site_toml_key_lists_valid_keys() {
    fails_cleanly(
        |s| {
            write(
                s,
                "site.toml",
                "title = \"t\"\n\nbase_ulr = \"https://x/\"\n",
            )
        },
        &["site.toml:3", "base_ulr", "base_url", "output_dir"],
    );
}

#[test]
fn dead_link_names_file_and_line() {
    fails_cleanly(
        |s| {
            write(
                s,
                "content/02-more/third.md",
                "+++\ntitle = \"t\"\n+++\n\nfirst line\n\nsee [gone](../01-basics/gone.md)\n",
            )
        },
        &["content/02-more/third.md:7", "gone.md", "does not exist"],
    );
}

#[test]
fn dead_anchor_names_file_and_line() {
    fails_cleanly(
        |s| {
            write(
                s,
                "content/02-more/third.md",
                "+++\ntitle = \"t\"\n+++\n[x](../01-basics/second.md#nope)\n",
            )
        },
        &["content/02-more/third.md:4", "#nope"],
    );
}

#[test]
fn missing_image_names_file_and_line() {
    fails_cleanly(
        |s| {
            write(
                s,
                "content/02-more/third.md",
                "+++\ntitle = \"t\"\n+++\n\n![alt](../../images/missing.png)\n",
            )
        },
        &["content/02-more/third.md:5", "missing.png", "not found"],
    );
}

#[test]
fn image_path_escaping_the_site_is_refused() {
    fails_cleanly(
        |s| {
            write(
                s,
                "content/02-more/third.md",
                "+++\ntitle = \"t\"\n+++\n![a](../../../../../../etc/passwd)\n![b](/etc/passwd)\n",
            )
        },
        &[
            "content/02-more/third.md:4",
            "content/02-more/third.md:5",
            "absolute",
        ],
    );
}

#[test]
fn unknown_template_variable_names_the_template_line() {
    fails_cleanly(
        |s| {
            std::fs::create_dir_all(s.join("templates")).unwrap();
            write(
                s,
                "templates/404.html",
                "<p>ok</p>\n<p>{{ no_such_variable }}</p>\n",
            );
        },
        &["templates/404.html:2", "no_such_variable"],
    );
}

#[test]
fn several_errors_are_reported_together() {
    let err = fails_cleanly(
        |s| {
            write(s, "content/01-basics/first.md", "+++\ntitle = 1\n+++\n");
            write(
                s,
                "content/02-more/third.md",
                "+++\ntitle = \"t\"\nweight = \n+++\n",
            );
        },
        &[
            "content/01-basics/first.md:2",
            "content/02-more/third.md:3",
            "2 errors",
        ],
    );
    assert!(err.contains("build failed"));
}

#[test]
fn help_describes_the_build_command() {
    let (ok, out, _) = run(&["build", "--help"], &repo_root());
    assert!(ok);
    for flag in ["--root", "--output-dir", "--base-url", "--drafts"] {
        assert!(out.contains(flag), "{flag} in --help:\n{out}");
    }
}
