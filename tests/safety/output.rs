//! The output folder is faqsite's or nothing: a build replaces a folder only if it does not
//! exist, is empty or was written by faqsite (`--replace-output` says "replace it anyway");
//! the site itself, its source folders and files are never replaced; leftovers of a killed
//! build are removed; an alias never replaces another page.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A folder someone keeps their own files in.
fn someones_folder(parent: &Path) -> PathBuf {
    let dir = parent.join("victim");
    std::fs::create_dir_all(dir.join(".ssh")).unwrap();
    std::fs::create_dir_all(dir.join("Documents")).unwrap();
    std::fs::write(dir.join(".ssh/id_ed25519"), "secret key").unwrap();
    std::fs::write(dir.join("Documents/letter.txt"), "dear").unwrap();
    dir
}

fn path_arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Files and folders directly in `dir` whose name contains `part`.
fn entries_named(dir: &Path, part: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(part))
        .collect()
}

#[test]
fn a_folder_holding_someones_files_is_refused_and_untouched() {
    let (tmp, site) = fixture("basic");
    let victim = someones_folder(tmp.path());
    let before = snapshot(&victim);
    let (ok, _, err) = run(&["build", "--output-dir", path_arg(&victim)], &site);
    assert!(
        !ok,
        "a folder faqsite did not write must be refused:\n{err}"
    );
    assert_eq!(snapshot(&victim), before, "nothing in it changed");
    for part in [path_arg(&victim), ".ssh", "Documents", "--replace-output"] {
        assert!(err.contains(part), "the message names {part:?}:\n{err}");
    }
    assert!(entries_named(tmp.path(), "victim.").is_empty());
}

/// `--output-dir DIR` (run in the site folder) is refused, even with `--replace-output`,
/// and leaves the site exactly as it was.
fn never_replaced(dir: &str, expected: &str) {
    let (_tmp, site) = fixture("basic");
    let before = snapshot(&site);
    for extra in [None, Some("--replace-output")] {
        let mut args = vec!["build", "--output-dir", dir];
        args.extend(extra);
        let (ok, _, err) = run(&args, &site);
        assert!(!ok, "{args:?} must be refused:\n{err}");
        assert!(err.contains(expected), "{args:?}: {expected:?} in:\n{err}");
        assert_eq!(snapshot(&site), before, "{args:?} left the site as it was");
        let left: Vec<_> = std::fs::read_dir(&site)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with('.') && n != ".faqsite-cache")
            .collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
}

#[test]
fn the_strings_folder_is_never_the_output() {
    never_replaced("strings", "strings/ holds the site's sources");
}

/// A marker committed into a folder (by a pull request) does not make the files in it
/// faqsite's: a folder of a maintainer's untracked notes that a contributor names as
/// `output_dir` is refused, whatever the committed marker says, and left as it is.
#[test]
fn a_committed_marker_does_not_make_someones_notes_removable() {
    let (_tmp, site) = fixture("basic");
    let notes = site.join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(notes.join("plans.txt"), "the maintainer's own notes").unwrap();
    let toml = read(&site.join("site.toml"));
    std::fs::write(
        site.join("site.toml"),
        format!("output_dir = \"notes\"\n{toml}"),
    )
    .unwrap();
    let empty = "0".repeat(64);
    let markers = [
        "faqsite-output 1\nThis folder was written by faqsite.\n".to_string(),
        format!("faqsite-output 2\nnote\n{empty} 26 \"plans.txt\"\n"),
        format!("faqsite-output 3\nnote\n{empty} 26 \"plans.txt\"\n"),
    ];
    for marker in markers {
        std::fs::write(notes.join(".faqsite-output"), &marker).unwrap();
        let before = snapshot(&notes);
        let (ok, _, err) = run(&["build"], &site);
        assert!(!ok, "{marker}: must be refused:\n{err}");
        assert!(
            err.contains("plans.txt") || err.contains("records no files"),
            "{err}"
        );
        assert_eq!(snapshot(&notes), before, "nothing in it changed");
    }
}

/// What a build records in its marker is enough to know its output again: `serve`'s updates
/// in place keep the record true, so the next build replaces the folder without the flag.
#[test]
fn the_record_follows_updates_in_place() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let mut cache = faqsite::serve::update::ServeCache::default();
    serve_build(&site, &out, &mut cache).unwrap();
    let page = site.join("content/01-basics/first.md");
    let text = read(&page);
    std::fs::write(&page, text.replace("+++\n\n", "+++\n\nAn edit.\n\n")).unwrap();
    serve_build(&site, &out, &mut cache).unwrap();
    // No build stamp to vouch for the folder: only the record can.
    std::fs::remove_dir_all(site.join(".faqsite-cache")).unwrap();
    let (ok, _, err) = run(&["build", "--output-dir", path_arg(&out)], &site);
    assert!(ok, "{err}");
}

#[test]
fn the_content_folder_is_never_the_output() {
    never_replaced("content", "content/ holds the site's sources");
    never_replaced("content/01-basics", "content/ holds the site's sources");
}

#[test]
fn the_images_folder_is_never_the_output() {
    never_replaced("images", "images/ holds the site's sources");
}

#[test]
fn a_file_is_never_the_output() {
    never_replaced("site.toml", "is a file");
}

#[test]
fn the_site_itself_and_its_parent_are_never_the_output() {
    never_replaced(".", "would contain the site itself");
    never_replaced("..", "would contain the site itself");
}

#[test]
fn site_toml_cannot_name_a_folder_outside_the_site() {
    let (tmp, site) = fixture("basic");
    let victim = someones_folder(tmp.path());
    let config = read(&site.join("site.toml"));
    std::fs::write(
        site.join("site.toml"),
        format!("{config}output_dir = \"../victim\"\n"),
    )
    .unwrap();
    let before = snapshot(&victim);
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok, "output_dir outside the site must be refused:\n{err}");
    assert_eq!(snapshot(&victim), before, "the folder outside is untouched");
    for part in ["site.toml:3", "outside the site", "--replace-output"] {
        assert!(err.contains(part), "the message names {part:?}:\n{err}");
    }
    // Even an empty folder outside the site is not taken on site.toml's word.
    std::fs::remove_dir_all(&victim).unwrap();
    std::fs::create_dir(&victim).unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok, "{err}");
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
    // Not even with --replace-output (CI may pass it to every build): the folder outside,
    // full or empty, stays as it was.
    let (ok, _, err) = run(&["build", "--replace-output"], &site);
    assert!(!ok && err.contains("--output-dir"), "{err}");
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
    std::fs::write(victim.join("notes.txt"), "mine").unwrap();
    let (ok, _, err) = run(&["build", "--replace-output"], &site);
    assert!(!ok, "{err}");
    assert_eq!(read(&victim.join("notes.txt")), "mine");
    std::fs::remove_file(victim.join("notes.txt")).unwrap();
    // Said on the command line, it is built; from then on it is faqsite's own.
    let (ok, _, err) = run(&["build", "--output-dir", path_arg(&victim)], &site);
    assert!(ok, "{err}");
    assert!(victim.join("index.html").is_file());
    let (ok, _, err) = run(&["build", "--force"], &site);
    assert!(
        ok,
        "faqsite's own output outside the site is rebuilt: {err}"
    );
}

#[test]
fn replace_output_replaces_a_folder_faqsite_did_not_write() {
    let (tmp, site) = fixture("basic");
    let victim = someones_folder(tmp.path());
    let (ok, _, err) = run(
        &[
            "build",
            "--output-dir",
            path_arg(&victim),
            "--replace-output",
        ],
        &site,
    );
    assert!(ok, "{err}");
    assert!(victim.join("index.html").is_file());
    assert!(!victim.join("Documents").exists() && !victim.join(".ssh").exists());
    assert!(entries_named(tmp.path(), "victim.").is_empty());
}

#[test]
fn faqsites_own_output_is_rebuilt_without_the_flag() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("out");
    let (ok, _, err) = run(&["build", "--output-dir", path_arg(&out)], &site);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["build", "--output-dir", path_arg(&out), "--force"], &site);
    assert!(ok, "{err}");
    // A file someone dropped into the output is not faqsite's to remove: the build names it,
    // and `--replace-output` says to remove it.
    std::fs::write(out.join("extra.txt"), "x").unwrap();
    let (ok, _, err) = run(&["build", "--output-dir", path_arg(&out), "--force"], &site);
    assert!(!ok && err.contains("extra.txt"), "{err}");
    assert_eq!(read(&out.join("extra.txt")), "x");
    let args = ["build", "--output-dir", path_arg(&out), "--replace-output"];
    let (ok, _, err) = run(&args, &site);
    assert!(ok, "{err}");
    assert!(out.join("index.html").is_file() && !out.join("extra.txt").exists());
    // The default folder too.
    for _ in 0..2 {
        let (ok, _, err) = run(&["build", "--force"], &site);
        assert!(ok, "{err}");
    }
}

/// An output whose record is of the version before (SHA-256 digests, faqsite before
/// 2026-12-05) is still faqsite's: rebuilt without the flag, and recorded anew; a file changed
/// since that record still makes it someone else's.
#[test]
fn an_output_recorded_with_sha_256_is_rebuilt_without_the_flag() {
    use sha2::Digest as _;
    let (_tmp, site) = fixture("basic");
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    let out = site.join("public");
    let marker = out.join(".faqsite-output");
    let as_sha256 = |out: &Path| {
        let text = read(&marker);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("faqsite-output 3"));
        let mut old = format!("faqsite-output 2\n{}\n", lines.next().unwrap());
        for line in lines {
            let (_, rest) = line.split_once(' ').unwrap();
            let path: String = serde_json::from_str(rest.split_once(' ').unwrap().1).unwrap();
            let sha = sha2::Sha256::digest(std::fs::read(out.join(path)).unwrap());
            let hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
            old.push_str(&format!("{hex} {rest}\n"));
        }
        std::fs::write(&marker, old).unwrap();
    };
    as_sha256(&out);
    let (ok, _, err) = run(&["build", "--force"], &site);
    assert!(ok, "{err}");
    assert!(
        read(&marker).starts_with("faqsite-output 3\n"),
        "recorded anew"
    );
    as_sha256(&out);
    std::fs::write(out.join("index.html"), "mine now").unwrap();
    let (ok, _, err) = run(&["build", "--force"], &site);
    assert!(!ok && err.contains("index.html"), "{err}");
    assert_eq!(read(&out.join("index.html")), "mine now");
}

/// An output written before faqsite marked its outputs has no marker; the build stamp of the
/// build that wrote it (inputs, folder, every file's size and time) still says it is faqsite's,
/// as long as nobody changed it.
#[test]
fn an_unmarked_output_is_known_by_the_build_stamp_of_the_build_that_wrote_it() {
    let (_tmp, site) = fixture("basic");
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    let out = site.join("public");
    std::fs::remove_file(out.join(".faqsite-output")).unwrap();
    faqsite::fresh::record(&site, &out, "inputs of an older faqsite");
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    assert!(out.join(".faqsite-output").is_file(), "marked from now on");
    // Unmarked and changed since: someone else's now.
    std::fs::remove_file(out.join(".faqsite-output")).unwrap();
    faqsite::fresh::record(&site, &out, "inputs of an older faqsite");
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok && err.contains("was not written by faqsite"), "{err}");
    assert_eq!(read(&out.join("notes.txt")), "mine");
}

#[test]
fn an_empty_folder_is_used() {
    let (tmp, site) = fixture("basic");
    let out = tmp.path().join("empty");
    std::fs::create_dir(&out).unwrap();
    let (ok, _, err) = run(&["build", "--output-dir", path_arg(&out)], &site);
    assert!(ok, "{err}");
    assert!(out.join("index.html").is_file());
}

#[test]
fn a_killed_builds_staging_folder_is_removed_by_the_next_build() {
    let (_tmp, site) = fixture("basic");
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    // What a build killed with SIGKILL leaves: a staging folder written as far as it got
    // (here, all of it), named with the pid of a process that no longer runs.
    let stale = site.join(".public.staging-99999999");
    copy_dir(&site.join("public"), &stale);
    // A folder that merely looks like one, holding someone's files, stays.
    let lookalike = site.join(".public.staging-mine");
    std::fs::create_dir(&lookalike).unwrap();
    std::fs::write(lookalike.join("notes.txt"), "mine").unwrap();
    // Leftover-looking folders with a forged marker (attack review row 6): only files their
    // record vouches for (path, size, digest) go; mine.txt is not in the record, or is
    // recorded with another digest, so it stays.
    let header = read(&site.join("public/.faqsite-output"));
    let header: String = header.lines().take(2).map(|l| format!("{l}\n")).collect();
    let forged = [
        (".public.old-1-0", header.clone()),
        (".public.staging-77777777", header.clone()),
        (
            ".public.old-2-0",
            format!("{header}{} 4 \"mine.txt\"\n", "0".repeat(64)),
        ),
    ];
    for (dir, marker) in &forged {
        std::fs::create_dir(site.join(dir)).unwrap();
        std::fs::write(site.join(dir).join(".faqsite-output"), marker).unwrap();
        std::fs::write(site.join(dir).join("mine.txt"), "mine").unwrap();
    }
    let (ok, _, err) = run(&["build", "--force"], &site);
    assert!(ok, "{err}");
    assert!(!stale.exists(), "the stale staging folder is gone");
    assert_eq!(read(&lookalike.join("notes.txt")), "mine");
    for (dir, _) in &forged {
        assert_eq!(read(&site.join(dir).join("mine.txt")), "mine", "{dir}");
        assert!(
            err.contains(dir) && err.contains("are not in its record: kept"),
            "a warning names {dir}:\n{err}"
        );
    }
}

/// Give `content/01-basics/second.md` these aliases (on line 4) and build: the build fails,
/// and every message of `expected` is in its output.
fn alias_fails(aliases: &str, expected: &[&str]) {
    let (_tmp, site) = fixture("basic");
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    let before = snapshot(&site.join("public"));
    std::fs::write(
        site.join("content/01-basics/second.md"),
        format!(
            "+++\ntitle = \"Second question\"\nweight = 20\naliases = {aliases}\n+++\n\nbody\n"
        ),
    )
    .unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok, "aliases = {aliases} must fail:\n{err}");
    for e in expected {
        assert!(err.contains(e), "{aliases}: {e:?} in:\n{err}");
    }
    assert_eq!(snapshot(&site.join("public")), before);
}

#[test]
fn an_alias_cannot_replace_a_generated_page() {
    let here = "content/01-basics/second.md:4";
    alias_fails(r#"["404.html"]"#, &[here, "404.html", "page not found"]);
    alias_fails(r#"["print.html"]"#, &[here, "print.html", "printable"]);
    alias_fails(r#"["./404.html"]"#, &[here, "./404.html"]);
    alias_fails(r#"["static/x.html"]"#, &[here, "static/", "theme"]);
}

#[test]
fn an_alias_cannot_replace_another_page_or_alias() {
    let here = "content/01-basics/second.md:4";
    alias_fails(
        r#"["01-basics/first.html"]"#,
        &[here, "01-basics/first.html", "content/01-basics/first.md"],
    );
    alias_fails(
        r#"["index.html"]"#,
        &[here, "index.html", "content/_index.md"],
    );
    // `02-more/third.md` gets an alias of its own; second.md's alias on line 4 takes it.
    let (_tmp, site) = fixture("basic");
    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"Third\"\n\naliases = [\"old.html\"]\n+++\nbody\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/01-basics/second.md"),
        "+++\ntitle = \"Second question\"\naliases = [\n  \"x.html\",\n  \"old.html\",\n]\n+++\nbody\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok, "{err}");
    for e in [
        "content/02-more/third.md:4",
        "content/01-basics/second.md:5",
        "old.html",
    ] {
        assert!(err.contains(e), "{e:?} in:\n{err}");
    }
}

#[test]
fn serve_refuses_a_folder_faqsite_did_not_write_before_serving_it() {
    let (tmp, site) = fixture("basic");
    let victim = someones_folder(tmp.path());
    let before = snapshot(&victim);
    let mut child = Command::new(env!("CARGO_BIN_EXE_faqsite"))
        .args(["serve", "--port", "0", "--output-dir", path_arg(&victim)])
        .current_dir(&site)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read stdout until the server announces itself (the old behaviour: it serves the folder)
    // or exits.
    let served = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .any(|l| l.contains("http://"));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!served, "serve must not serve someone's folder");
    assert!(!out.status.success());
    assert!(err.contains("--replace-output"), "{err}");
    assert_eq!(snapshot(&victim), before);
}

#[cfg(unix)]
#[test]
fn a_link_as_output_is_replaced_only_when_told_and_what_it_points_to_stays() {
    let (tmp, site) = fixture("basic");
    let victim = someones_folder(tmp.path());
    let before = snapshot(&victim);
    std::os::unix::fs::symlink(&victim, site.join("out")).unwrap();
    std::os::unix::fs::symlink(site.join("content"), site.join("sources")).unwrap();
    let (ok, _, err) = run(
        &["build", "--output-dir", "sources", "--replace-output"],
        &site,
    );
    assert!(
        !ok && err.contains("content/ holds the site's sources"),
        "{err}"
    );
    let (ok, _, err) = run(&["build", "--output-dir", "out"], &site);
    assert!(!ok && err.contains("symbolic link"), "{err}");
    let (ok, _, err) = run(&["build", "--output-dir", "out", "--replace-output"], &site);
    assert!(ok, "{err}");
    assert!(site.join("out/index.html").is_file());
    assert!(!std::fs::symlink_metadata(site.join("out"))
        .unwrap()
        .is_symlink());
    assert_eq!(snapshot(&victim), before, "the link's target is untouched");
}
