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

/// feedback.js masks personal data in queries before sending them (`tests/js/feedback.test.mjs`).
#[test]
fn feedback_masks_phone_numbers_e_mail_and_id_numbers() {
    let Some(tools) = require_browser_tools(
        "feedback_masks_phone_numbers_e_mail_and_id_numbers",
        SEARCH_TOOLS,
    ) else {
        return;
    };
    run_node(&["--test", "tests/js/feedback.test.mjs"], &[], &tools);
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

/// nginx serving `public` on a free loopback port with its own configuration in `dir`, its
/// access log in `dir/access.log`; stopped on drop. Started in the background as nginx does
/// by default: the command returns once the port is bound, so nothing waits for it.
struct Nginx {
    conf: std::path::PathBuf,
    nginx: std::path::PathBuf,
    port: u16,
}

impl Nginx {
    fn start(dir: &Path, public: &Path) -> Nginx {
        let nginx = find_nginx().expect("require_browser_tools found nginx");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // As root the workers run as nobody: they read the site through these modes.
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        for d in [dir.parent().unwrap(), dir, public] {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let d = dir.display();
        let conf = format!(
            "{user}pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\n\
             http {{\n  access_log {d}/access.log combined;\n  client_body_temp_path {d}/body;\n  \
             proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  \
             scgi_temp_path {d}/scgi;\n  types {{ text/html html; text/css css; application/javascript js; \
             application/json json; image/gif gif; image/svg+xml svg; }}\n  \
             server {{ listen 127.0.0.1:{port}; root {public}; }}\n}}\n",
            user = if root { "user nobody nogroup;\n" } else { "" },
            public = public.display()
        );
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let out = std::process::Command::new(&nginx)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf_path)
            .output()
            .expect("run nginx");
        assert!(
            out.status.success(),
            "nginx did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Nginx {
            conf: conf_path,
            nginx,
            port,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = std::process::Command::new(&self.nginx)
            .args(["-s", "stop", "-c"])
            .arg(&self.conf)
            .output();
    }
}

/// The help center's loop with real parts: the feedback fixture built and served by nginx,
/// Chromium at 390 px searching (once for nothing), opening a result, voting no then yes and
/// tapping a contact (`tests/js/feedback-loop.mjs`), then `faqsite report` on nginx's access
/// log printing exactly those events.
#[test]
fn feedback_events_reach_the_report_through_nginx() {
    let needs = [Tool::Node, Tool::NodeModules, Tool::Chromium, Tool::Nginx];
    let Some(tools) =
        require_browser_tools("feedback_events_reach_the_report_through_nginx", &needs)
    else {
        return;
    };
    let (tmp, site) = fixture("feedback");
    let public = tmp.path().join("public");
    build(&site, &public);
    let server = tmp.path().join("nginx");
    std::fs::create_dir(&server).unwrap();
    let nginx = Nginx::start(&server, &public);
    let base = format!("http://127.0.0.1:{}/", nginx.port);
    let shots = std::env::var("FAQSITE_SCREENSHOTS").unwrap_or_default();
    let public_arg = public.to_string_lossy().into_owned();
    let (_basic_tmp, basic) = fixture("basic");
    let ask_only = basic.join("public");
    build(&basic, &ask_only);
    let ask_arg = ask_only.to_string_lossy().into_owned();
    run_node(
        &[
            "tests/js/feedback-loop.mjs",
            &base,
            &public_arg,
            &shots,
            &ask_arg,
        ],
        &[],
        &tools,
    );
    drop(nginx);
    let log = server.join("access.log");
    let (ok, out, err) = run(
        &[
            "report",
            &log.to_string_lossy(),
            "--root",
            &site.to_string_lossy(),
        ],
        tmp.path(),
    );
    assert!(ok, "{err}");
    let body = out.split_once('\n').map_or("", |(_, rest)| rest);
    assert!(out.contains(" 6 events"), "{out}");
    let expected = "
Searches with no result (1 searches, 1 different)
      1  信用卡年费
         → no question is close: a new question may be needed

Searches whose results were never opened (0)

Search results opened (1)
      1  忘记密码 → 1.1 忘记登录密码怎么办？ (01-account/reset-password.html)

Questions by share of \"no\" votes (2 questions, 2 votes)
     no    yes  no %  question
      1      0  100%  1.1 忘记登录密码怎么办？ (01-account/reset-password.html)
      0      1    0%  2.1 UKey 丢失了怎么办？ (02-ukey/ukey-lost.html)

Contacts used, per page (1)
  1.1 忘记登录密码怎么办？ (01-account/reset-password.html)
        1  客服电话
";
    assert_eq!(body, expected, "the report of nginx's log:\n{out}");
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
    // The same site for a folder whose path begins with a language's code.
    let toml = read(&site.join("site.toml"));
    let under_en = toml.replace("help.example.com/faq/", "help.example.com/en/help/");
    assert_ne!(under_en, toml);
    write(&site, "site.toml", &under_en);
    let out_en = tmp.path().join("public-en-help");
    build(&site, &out_en);
    run_node(
        &[
            "tests/js/languages.mjs",
            &out.to_string_lossy(),
            &out_en.to_string_lossy(),
        ],
        &[],
        &tools,
    );
}
