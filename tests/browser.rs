//! JavaScript and real-browser tests, run from `cargo test`: the search engine's node tests
//! against this repo's built index, and an end-to-end search in headless Chromium from
//! file://. A missing tool fails the test with the command that installs it (node_modules
//! are installed with `npm ci`); see `common::require_browser_tools`.

mod common;
use common::*;
use std::path::Path;

const SEARCH_TOOLS: &[Tool] = &[Tool::Node];
const CHROMIUM_TOOLS: &[Tool] = &[Tool::Node, Tool::NodeModules, Tool::Chromium];

#[test]
fn search_engine_finds_the_right_answers() {
    let Some(tools) = require_browser_tools("search_engine_finds_the_right_answers", SEARCH_TOOLS)
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo_root(), &out);
    run_node(
        &["--test", "tests/js/search.test.mjs"],
        &[("FAQSITE_SEARCH_INDEX", &out.join("search-index.js"))],
        &tools,
    );
}

/// The ranking and highlighting rules of `search.js` on small indexes the test makes (no
/// build): an exact match of a rare word beats prefix matches, a compound query word matches
/// its parts, highlights cover whole words.
#[test]
fn search_engine_ranks_by_relevance() {
    let Some(tools) = require_browser_tools("search_engine_ranks_by_relevance", SEARCH_TOOLS)
    else {
        return;
    };
    run_node(&["--test", "tests/js/ranking.test.mjs"], &[], &tools);
}

/// An English site (`tests/fixtures/english`): its question words weigh little, so "How do I
/// reset my PIN?" finds the PIN answer, not "How do I install the driver?".
#[test]
fn english_site_ranks_symptom_words_first() {
    let Some(tools) = require_browser_tools("english_site_ranks_symptom_words_first", SEARCH_TOOLS)
    else {
        return;
    };
    let (tmp, site) = fixture("english");
    let out = tmp.path().join("public");
    build(&site, &out);
    run_node(
        &["--test", "tests/js/english.test.mjs"],
        &[("FAQSITE_SEARCH_INDEX", &out.join("search-index.js"))],
        &tools,
    );
}

/// The public FAQs of `tests/sites/`, each built into `<tmp>/<name>`: faqsite's search keeps
/// the right question in its top 3 for as many tuned customer queries as it did when measured
/// (`tests/js/sites.test.mjs`; benches/search-quality.mjs measures the rest).
#[test]
fn public_faq_sites_keep_their_search_quality() {
    let Some(tools) =
        require_browser_tools("public_faq_sites_keep_their_search_quality", SEARCH_TOOLS)
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for entry in std::fs::read_dir(repo_root().join("tests/sites")).unwrap() {
        let site = entry.unwrap().path();
        if site.join("site.toml").is_file() {
            // A copy: a build writes its cache into the site's folder.
            let name = site.file_name().unwrap();
            let copy = tmp.path().join("src").join(name);
            copy_dir(&site, &copy);
            build(&copy, &out.join(name));
        }
    }
    run_node(
        &["--test", "tests/js/sites.test.mjs"],
        &[("FAQSITE_SITES_OUT", &out)],
        &tools,
    );
}

#[test]
fn search_box_works_in_chromium_from_file_url() {
    chromium_on_repo_site(
        "search_box_works_in_chromium_from_file_url",
        "tests/js/e2e.mjs",
    );
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
    let Some(tools) = require_browser_tools(
        "sharded_index_gives_the_same_results_and_works_in_chromium",
        CHROMIUM_TOOLS,
    ) else {
        return;
    };
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
        &tools,
    );
    let s = sharded.to_string_lossy().into_owned();
    run_node(&["tests/js/e2e.mjs", &s], &[], &tools);
    // The phone's full-screen search on the sharded index, with its closest questions.
    run_node(&["tests/js/phone-search.mjs", &s], &[], &tools);
}

/// On a phone (390 px) the search opens full screen: IME typing, highlighted titles, the
/// contact answer, snippets without holes where icons were, the back button and the close
/// button close it (history and focus as they were), closest questions when nothing matches.
#[test]
fn phone_search_is_full_screen_and_back_closes_it_in_chromium() {
    chromium_on_repo_site(
        "phone_search_is_full_screen_and_back_closes_it_in_chromium",
        "tests/js/phone-search.mjs",
    );
}

/// The phone header (sticky, small, with a `tel:` call button), the contact card on the home
/// page and at the end of each answer, and the 404 page at a nested path over HTTP.
#[test]
fn phone_header_contact_and_nested_404_in_chromium() {
    chromium_on_repo_site(
        "phone_header_contact_and_nested_404_in_chromium",
        "tests/js/theme.mjs",
    );
}

#[test]
fn code_blocks_scroll_and_copy_in_chromium() {
    let Some(tools) =
        require_browser_tools("code_blocks_scroll_and_copy_in_chromium", CHROMIUM_TOOLS)
    else {
        return;
    };
    let (tmp, site) = fixture("docs");
    let out = tmp.path().join("public");
    build(&site, &out);
    run_node(&["tests/js/code.mjs", &out.to_string_lossy()], &[], &tools);
}

#[test]
fn languages_switch_remember_and_search_apart_in_chromium() {
    let Some(tools) = require_browser_tools(
        "languages_switch_remember_and_search_apart_in_chromium",
        CHROMIUM_TOOLS,
    ) else {
        return;
    };
    let (tmp, site) = fixture("bilingual");
    let out = tmp.path().join("public");
    build(&site, &out);
    run_node(
        &["tests/js/languages.mjs", &out.to_string_lossy()],
        &[],
        &tools,
    );
}
