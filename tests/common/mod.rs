//! Helpers shared by the integration tests: copy a fixture site into a temp dir, build it,
//! read the output, and check every link in it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of `tests/fixtures/<name>` in a fresh temp dir; returns (guard, site root).
pub fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("site");
    copy_dir(&repo_root().join("tests/fixtures").join(name), &dest);
    (tmp, dest)
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Run the faqsite binary; returns (success, stdout, stderr).
pub fn run(args: &[&str], cwd: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_faqsite"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run faqsite");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Write `text` to the site's file `rel`, making its folders.
pub fn write(site: &Path, rel: &str, text: &str) {
    write_file(&site.join(rel), text);
}

/// Write `text` to `path`, making its folders first.
pub fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Run the binary in `cwd`: its exit code (None when a signal ended it) and stderr.
pub fn exit_code(args: &[&str], cwd: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_faqsite"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Build the site at `root` with the library, into `out`.
pub fn build(root: &Path, out: &Path) -> faqsite::site::BuildReport {
    let opts = faqsite::site::BuildOptions {
        root: root.to_path_buf(),
        output_dir: Some(out.to_path_buf()),
        ..Default::default()
    };
    match faqsite::site::build(&opts) {
        Ok(r) => r,
        Err(e) => panic!("build failed:\n{e}"),
    }
}

/// The options `serve` builds `site` into `out` with (forced).
pub fn serve_options(site: &Path, out: &Path) -> faqsite::site::BuildOptions {
    faqsite::site::BuildOptions {
        root: site.to_path_buf(),
        output_dir: Some(out.to_path_buf()),
        // as `serve` does: it rebuilds after every change it sees
        force: true,
        ..Default::default()
    }
}

/// Build `site` into `out` as `serve` does, reusing `cache` between calls.
pub fn serve_build(
    site: &Path,
    out: &Path,
    cache: &mut faqsite::serve::update::ServeCache,
) -> faqsite::error::Result<faqsite::site::BuildReport> {
    faqsite::serve::update::build_then(&serve_options(site, out), cache, &mut |_| {})
}

/// The output of `site` in `out` equals a fresh build of a copy of it (with a cache of its
/// own; from a copy, as a build records its output in the site's cache folder and `serve`
/// trusts its keys only while that record names its own output), file for file.
pub fn assert_equals_fresh(tmp: &Path, site: &Path, out: &Path, what: &str) {
    let differences = differences_from_fresh(tmp, site, out, what);
    assert!(differences.is_empty(), "{what}: {}", differences.join("; "));
}

/// How the output of `site` in `out` differs from a fresh build of a copy of it (see
/// [`assert_equals_fresh`]); empty when they are equal.
pub fn differences_from_fresh(tmp: &Path, site: &Path, out: &Path, what: &str) -> Vec<String> {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("{}-{n}", what.replace(' ', "-"));
    let copy = tmp.join(format!("copy-{name}"));
    copy_dir(site, &copy);
    let fresh = tmp.join(format!("fresh-{name}"));
    serve_build(
        &copy,
        &fresh,
        &mut faqsite::serve::update::ServeCache::default(),
    )
    .unwrap_or_else(|e| panic!("{what}: fresh build failed:\n{e}"));
    let (rebuilt, full) = (snapshot(out), snapshot(&fresh));
    if rebuilt.keys().ne(full.keys()) {
        let names = |m: &BTreeMap<PathBuf, Vec<u8>>| format!("{:?}", m.keys().collect::<Vec<_>>());
        return vec![format!(
            "other files: {} vs {}",
            names(&rebuilt),
            names(&full)
        )];
    }
    rebuilt
        .iter()
        .filter(|(path, bytes)| *bytes != &full[*path])
        .map(|(path, _)| format!("{} differs from a fresh build", path.display()))
        .collect()
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Every file under `dir`, relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Values of `attr="…"` in `html`.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// Ids defined in `html`.
pub fn ids(html: &str) -> BTreeSet<String> {
    attr_values(html, "id").into_iter().collect()
}

/// `%XX` escapes decoded (a `%` without two hex digits stays itself; bytes that are not UTF-8
/// become U+FFFD), as a browser reads a link's path.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Every relative `href`/`src`/`srcset` in every HTML file under `out` must point to a file
/// that exists, and every `#fragment` to an id in that file. Returns the problems found.
pub fn broken_links(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let files = snapshot(out);
    for (rel, bytes) in &files {
        if rel.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let mut urls = attr_values(&html, "href");
        urls.extend(attr_values(&html, "src"));
        for srcset in attr_values(&html, "srcset") {
            urls.extend(
                srcset
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next().map(str::to_string)),
            );
        }
        for url in urls {
            if url.contains(':') || url.starts_with("//") || url.is_empty() {
                continue;
            }
            let (path, frag) = match url.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (url.clone(), None),
            };
            let path = path.split('?').next().unwrap().to_string();
            if path.starts_with('/') {
                problems.push(format!("{}: absolute link {url}", rel.display()));
                continue;
            }
            let target_rel = if path.is_empty() {
                rel.clone()
            } else {
                normalize(&rel.parent().unwrap().join(percent_decode(&path)))
            };
            let Some(target) = files.get(&target_rel) else {
                problems.push(format!(
                    "{}: {url} → missing {}",
                    rel.display(),
                    target_rel.display()
                ));
                continue;
            };
            if let Some(f) = frag {
                let f = percent_decode(&f);
                if !f.is_empty() && !ids(&String::from_utf8_lossy(target)).contains(&f) {
                    problems.push(format!("{}: {url} → no id {f:?}", rel.display()));
                }
            }
        }
    }
    problems
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The JSON-LD blocks of a page, parsed.
pub fn jsonld(html: &str) -> Vec<serde_json::Value> {
    let open = "<script type=\"application/ld+json\">";
    html.match_indices(open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            let end = rest.find("</script>").unwrap();
            serde_json::from_str(&rest[..end])
                .unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{}", &rest[..end]))
        })
        .collect()
}

/// The search index a build wrote (`search-index.js`, `window.FAQSITE_SEARCH = {…};`), parsed.
pub fn search_index(out: &Path) -> serde_json::Value {
    let js = read(&out.join("search-index.js"));
    let json = js.strip_prefix("window.FAQSITE_SEARCH = ").unwrap();
    serde_json::from_str(json.trim_end().strip_suffix(';').unwrap()).unwrap()
}

/// A running `faqsite serve`, killed when dropped (also when a test fails).
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(site: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faqsite"))
        .args(["serve", "--port", "0"])
        .current_dir(site)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut addr = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            addr = rest.split('/').next().unwrap().to_string();
            break;
        }
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    assert!(!addr.is_empty(), "serve printed its address");
    Server { child, addr }
}

/// GET `path`; returns (status, content type, body).
pub fn get(addr: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let ctype = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();
    (status, ctype, body.to_string())
}

/// Open the event stream; returns a reader of its lines.
pub fn events(addr: &str) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    write!(s, "GET /__faqsite/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    BufReader::new(s)
}

/// The one command that installs what the browser and PDF tests need on Debian.
pub const BROWSER_TOOLS_INSTALL: &str =
    "apt-get install chromium poppler-utils fonts-noto-cjk fonts-wqy-microhei nodejs npm nginx";

/// Set to `1` to skip the browser and PDF tests (each says so in the test output).
pub const SKIP_BROWSER_TESTS: &str = "FAQSITE_SKIP_BROWSER_TESTS";

/// Something a browser or PDF test runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tool {
    Node,
    /// `node_modules` as `package-lock.json` describes it (made with `npm ci` when not).
    NodeModules,
    Chromium,
    /// `pdftotext` and `pdfinfo` (poppler-utils).
    Poppler,
    /// A TrueType-outline Chinese font (fonts-wqy-microhei) for the PDF: Chromium embeds it as
    /// CID TrueType, while CFF-based fonts such as Noto CJK become Type 3 outlines.
    CjkFonts,
    /// nginx (the Debian package), for the feedback loop's access log.
    Nginx,
}

/// What [`require_browser_tools`] found.
pub struct BrowserTools {
    /// `$CHROMIUM`, else `chromium` or `chromium-browser` on PATH (if asked for).
    pub chromium: Option<PathBuf>,
}

/// The rule for every test that needs node, Chromium or poppler: `None` (skip, with a line in
/// the test output naming `test`) only when `FAQSITE_SKIP_BROWSER_TESTS=1`; otherwise every
/// tool in `needs` is there (`npm ci` is run when `node_modules` does not match
/// `package-lock.json`), or the test fails naming what is missing and the install command.
pub fn require_browser_tools(test: &str, needs: &[Tool]) -> Option<BrowserTools> {
    if std::env::var(SKIP_BROWSER_TESTS).as_deref() == Ok("1") {
        let line = format!("SKIPPED: {test} ({SKIP_BROWSER_TESTS}=1)");
        // libtest captures `eprintln!`; writing to stderr itself shows in every run.
        let _ = writeln!(std::io::stderr(), "{line}");
        println!("{line}");
        return None;
    }
    let mut missing = Vec::new();
    let mut chromium = None;
    for tool in needs {
        match tool {
            Tool::Node if !on_path("node") => missing.push("node (nodejs)"),
            Tool::Chromium => match find_chromium() {
                Some(c) => chromium = Some(c),
                None => missing.push("chromium ($CHROMIUM, or chromium on PATH)"),
            },
            Tool::Poppler if !on_path("pdftotext") || !on_path("pdfinfo") => {
                missing.push("pdftotext and pdfinfo (poppler-utils)")
            }
            Tool::Nginx if find_nginx().is_none() => missing.push("nginx"),
            Tool::CjkFonts if !have_cjk_font() => {
                missing.push("a TrueType CJK font (fonts-wqy-microhei)")
            }
            _ => {}
        }
    }
    assert!(
        missing.is_empty(),
        "{test} cannot run: {} not found. Install what the browser and PDF tests need \
         with:\n    {BROWSER_TOOLS_INSTALL}\n(or skip these tests with {SKIP_BROWSER_TESTS}=1)",
        missing.join(", ")
    );
    if needs.contains(&Tool::NodeModules) {
        ensure_node_modules();
    }
    Some(BrowserTools { chromium })
}

fn on_path(name: &str) -> bool {
    which(name).is_some()
}

fn which(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// nginx on PATH, else where Debian puts it (`/usr/sbin`, not on a user's PATH).
pub fn find_nginx() -> Option<PathBuf> {
    which("nginx").or_else(|| Some(PathBuf::from("/usr/sbin/nginx")).filter(|p| p.is_file()))
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(c) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(c)).filter(|p| p.is_file());
    }
    ["chromium", "chromium-browser"]
        .iter()
        .find_map(|n| which(n))
}

fn have_cjk_font() -> bool {
    Command::new("fc-list")
        .arg(":lang=zh:fontformat=TrueType")
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

/// Make `node_modules` match `package-lock.json`, running `npm ci` once if it does not. Test
/// binaries and their threads run at once: a lock file lets one of them install while the
/// others wait, then find it done.
fn ensure_node_modules() {
    static READY: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    READY.get_or_init(|| {
        let root = repo_root();
        if node_modules_mismatch(&root).is_none() {
            return;
        }
        let lock_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm-ci.lock");
        let lock = std::fs::File::create(&lock_path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", lock_path.display()));
        lock.lock()
            .unwrap_or_else(|e| panic!("locking {}: {e}", lock_path.display()));
        let Some(why) = node_modules_mismatch(&root) else {
            return; // another test binary installed them while this one waited
        };
        let modules = root.join("node_modules");
        if let Ok(target) = std::fs::read_link(&modules) {
            let owner = target.parent().unwrap_or(Path::new("/"));
            panic!(
                "node_modules is a link to {} and {why}: run `npm ci` in {} \
                 (npm ci here would replace a folder that other checkouts share)",
                target.display(),
                owner.display()
            );
        }
        let _ = writeln!(std::io::stderr(), "{why}: running npm ci in {}", root.display());
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&root)
            .output()
            .unwrap_or_else(|e| {
                panic!("{why}, and npm cannot run ({e}); install it with:\n    {BROWSER_TOOLS_INSTALL}")
            });
        assert!(
            out.status.success(),
            "npm ci failed ({why}):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(still) = node_modules_mismatch(&root) {
            panic!("after npm ci, {still}");
        }
    });
}

/// Why `node_modules` does not match `package-lock.json` (a package missing or at another
/// version), or `None` when it does. Compares contents, not times: a checkout sets the
/// lock file's time to when it was checked out.
fn node_modules_mismatch(root: &Path) -> Option<String> {
    let modules = root.join("node_modules");
    if !modules.is_dir() {
        return Some("node_modules is missing".into());
    }
    let lock: serde_json::Value = serde_json::from_str(&read(&root.join("package-lock.json")))
        .expect("package-lock.json is JSON");
    let packages = lock["packages"]
        .as_object()
        .expect("lockfileVersion 2 or 3");
    for (key, entry) in packages.iter().filter(|(k, _)| !k.is_empty()) {
        let manifest = root.join(key).join("package.json");
        let installed = std::fs::read_to_string(&manifest)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        let wanted = entry["version"].as_str();
        match installed {
            None if entry["optional"] == true => {}
            None => return Some(format!("{key} is not installed")),
            Some(m) if m["version"].as_str() != wanted => {
                return Some(format!(
                    "{key} is {} where package-lock.json wants {}",
                    m["version"],
                    wanted.unwrap_or("?")
                ))
            }
            Some(_) => {}
        }
    }
    None
}

/// `pdftotext FILE -` with all whitespace removed (Chinese text may be split anywhere).
pub fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext: {e} ({BROWSER_TOOLS_INSTALL})"));
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect()
}

/// Build this repo's site and run the Chromium script `script` (tests/js/…) on it; skipped
/// (as `require_browser_tools` says) without node, its modules or Chromium.
pub fn chromium_on_repo_site(test: &str, script: &str) {
    let tools = [Tool::Node, Tool::NodeModules, Tool::Chromium];
    let Some(tools) = require_browser_tools(test, &tools) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo_root(), &out);
    run_node(&[script, &out.to_string_lossy()], &[], &tools);
}

/// `node ARGS` in the repository (with `$CHROMIUM` set to the browser found), which must
/// succeed; its output is printed.
pub fn run_node(args: &[&str], env: &[(&str, &Path)], tools: &BrowserTools) {
    let mut cmd = Command::new("node");
    if let Some(chromium) = &tools.chromium {
        cmd.env("CHROMIUM", chromium);
    }
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

/// Every read the recorder saw (taken out) was of a file inside `site`, for `site`, not in
/// `.git/`; and there was at least one.
pub fn assert_reads_inside(site: &Path) {
    let site = site.canonicalize().unwrap();
    let reads = faqsite::paths::recorder::take();
    assert!(!reads.is_empty(), "{}: nothing recorded", site.display());
    for (root, file) in reads {
        assert!(
            root.starts_with(&site),
            "read for {} while building {}",
            root.display(),
            site.display()
        );
        assert!(
            file.starts_with(&site),
            "{} read, outside {}",
            file.display(),
            site.display()
        );
        assert!(
            !file.components().any(|c| c.as_os_str() == ".git"),
            "{}",
            file.display()
        );
    }
}
