//! JavaScript and real-browser tests, run from `cargo test`: the search engine's node tests
//! against this repo's built index, and an end-to-end search in headless Chromium from
//! file://. Outside CI a missing node/chromium skips with a notice; in CI it is a failure.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the browser tooling is there; panics in CI when it is not.
fn tooling_ready(need_browser: bool) -> bool {
    let mut missing = Vec::new();
    if !have("node") {
        missing.push("node");
    }
    if need_browser && !Path::new("/usr/bin/chromium").exists() {
        missing.push("/usr/bin/chromium");
    }
    if need_browser && !repo_root().join("node_modules/playwright-core").is_dir() {
        missing.push("node_modules/playwright-core (npm ci)");
    }
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("browser test tooling missing in CI: {missing:?} (.ci/run installs it)");
    }
    eprintln!("skipping: {missing:?} not available (run .ci/run's install steps)");
    false
}

fn run_node(args: &[&str], env: &[(&str, &Path)]) {
    let mut cmd = Command::new("node");
    cmd.args(args).current_dir(repo_root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "node {args:?} failed:\n{stdout}\n{stderr}"
    );
    println!("{stdout}");
}

#[test]
fn search_engine_finds_the_right_answers() {
    if !tooling_ready(false) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo_root(), &out);
    run_node(
        &["--test", "tests/js/search.test.mjs"],
        &[("FAQSITE_SEARCH_INDEX", &out.join("search-index.js"))],
    );
}

#[test]
fn search_box_works_in_chromium_from_file_url() {
    if !tooling_ready(true) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo_root(), &out);
    let out_s = out.to_string_lossy().into_owned();
    run_node(&["tests/js/e2e.mjs", &out_s], &[]);
}

/// This repo's site with `[search] shard_above = 0`: the sharded index layout of large sites.
fn sharded_copy(tmp: &Path) -> std::path::PathBuf {
    let site = tmp.join("sharded");
    copy_dir(&repo_root().join("content"), &site.join("content"));
    copy_dir(&repo_root().join("images"), &site.join("images"));
    let toml =
        read(&repo_root().join("site.toml")).replace("[search]\n", "[search]\nshard_above = 0\n");
    assert!(toml.contains("shard_above = 0"));
    std::fs::write(site.join("site.toml"), toml).unwrap();
    build(&site, &site.join("public"));
    site.join("public")
}

#[test]
fn sharded_index_gives_the_same_results_and_works_in_chromium() {
    if !tooling_ready(true) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full");
    build(&repo_root(), &full);
    let sharded = sharded_copy(tmp.path());
    assert!(sharded.join("search/manifest.js").is_file());
    assert!(!sharded.join("search-index.js").exists());
    run_node(
        &["--test", "tests/js/sharded.test.mjs"],
        &[
            ("FAQSITE_SEARCH_INDEX", &full.join("search-index.js")),
            ("FAQSITE_SHARDED_SITE", &sharded),
        ],
    );
    let s = sharded.to_string_lossy().into_owned();
    run_node(&["tests/js/e2e.mjs", &s], &[]);
}
