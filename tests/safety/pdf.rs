//! The PDF step cannot be turned against the machine that builds: site.toml names no program to
//! run, and the print pass reaches nothing outside the staged site (no local file, no network,
//! no script), whatever an answer holds.

use crate::common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The site.toml of every fixture here, in one place. The attacks below are raw HTML in an
/// answer: where raw HTML is escaped by default, add `[markdown] raw_html = true` here so they
/// still reach print.html (each test checks that they did).
fn site_toml(print_extra: &str) -> String {
    // Raw HTML is allowed so that the attacks reach print.html: the sandbox is what is tested.
    format!("title = \"Safety FAQ\"\n\n[print]\npdf = true\n{print_extra}\n[markdown]\nraw_html = true\n")
}

/// The basic fixture with [`site_toml`] and `answer` (Markdown, raw HTML allowed) as the body of
/// its first question. A sentence the PDF must show proves the page was printed at all.
fn site_with_answer(answer: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, site) = fixture("basic");
    std::fs::write(site.join("site.toml"), site_toml("")).unwrap();
    std::fs::write(
        site.join("content/01-basics/first.md"),
        format!("+++\ntitle = \"Q\"\n+++\n\nCanaryParagraph.\n\n{answer}\n\nAfterTheAttack.\n"),
    )
    .unwrap();
    (tmp, site)
}

/// Run the faqsite binary with extra environment variables (and none of the caller's
/// `FAQSITE_BROWSER`); returns (success, stderr).
fn run_env(args: &[&str], cwd: &Path, env: &[(&str, &Path)]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faqsite"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("FAQSITE_BROWSER");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run faqsite");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A shell script that leaves `marker` behind when it is run, and fails.
fn marker_program(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let marker = dir.join(format!("{name}.ran"));
    let program = dir.join(name);
    std::fs::write(
        &program,
        format!("#!/bin/sh\necho \"$@\" > '{}'\nexit 3\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    (program, marker)
}

#[test]
fn site_toml_cannot_name_a_program_to_run() {
    let (tmp, site) = fixture("basic");
    let (program, marker) = marker_program(tmp.path(), "evil.sh");
    std::fs::write(
        site.join("site.toml"),
        site_toml(&format!("browser = \"{}\"\n", program.display())),
    )
    .unwrap();
    let (ok, err) = run_env(&["build", "--pdf"], &site, &[]);
    assert!(!marker.exists(), "site.toml made the build run {program:?}");
    assert!(
        !ok,
        "a site.toml with [print] browser must be refused:\n{err}"
    );
    for part in [
        "site.toml:5",
        "browser",
        "removed",
        "--browser",
        "FAQSITE_BROWSER",
    ] {
        assert!(err.contains(part), "stderr should contain {part:?}:\n{err}");
    }
    assert!(!site.join("public").exists(), "nothing built:\n{err}");
}

#[test]
fn the_browser_comes_from_the_command_line_or_the_environment() {
    let (tmp, site) = fixture("basic");
    let (cli, cli_ran) = marker_program(tmp.path(), "cli-browser.sh");
    let (env, env_ran) = marker_program(tmp.path(), "env-browser.sh");
    // Both given: the command line wins.
    let cli_arg = cli.to_str().unwrap();
    let (ok, err) = run_env(
        &["build", "--pdf", "--browser", cli_arg],
        &site,
        &[("FAQSITE_BROWSER", &env)],
    );
    assert!(!ok, "the stand-in browser prints nothing: {err}");
    assert!(cli_ran.exists() && !env_ran.exists(), "{err}");
    assert!(
        err.contains(cli_arg),
        "the error names the browser run:\n{err}"
    );
    // The environment alone.
    std::fs::remove_file(&cli_ran).unwrap();
    let (ok, err) = run_env(&["build", "--pdf"], &site, &[("FAQSITE_BROWSER", &env)]);
    assert!(!ok && env_ran.exists() && !cli_ran.exists(), "{err}");
    // A browser that is not there: the install hint, and the HTML site is still written.
    let (ok, err) = run_env(
        &[
            "build",
            "--pdf",
            "--force",
            "--browser",
            "/nonexistent/chromium",
        ],
        &site,
        &[],
    );
    assert!(!ok, "exit non-zero");
    assert!(err.contains("/nonexistent/chromium"), "{err}");
    assert!(err.contains("apt-get install chromium"), "{err}");
    assert!(site.join("public/print.html").is_file());
}

/// Build the site with `--pdf` (Chromium found on PATH); returns the PDF's text.
fn build_pdf(site: &Path) -> String {
    let (ok, err) = run_env(&["build", "--pdf"], site, &[]);
    assert!(ok, "build --pdf failed:\n{err}");
    pdf_text(&site.join("public/manual.pdf"))
}

/// The manual printed is the page with the attack (not a page it navigated to).
fn assert_answer_printed(text: &str) {
    assert!(
        text.contains("CanaryParagraph.") && text.contains("AfterTheAttack."),
        "the answer was printed: {text}"
    );
}

/// The attack reached print.html as markup (not escaped), so the test tests the print pass.
fn assert_in_print_page(site: &Path, markup: &str) {
    let html = read(&site.join("public/print.html"));
    assert!(
        html.contains(markup),
        "{markup} is not in print.html as HTML; turn raw HTML on in site_toml()"
    );
}

#[test]
fn printing_reads_no_file_outside_the_site() {
    if require_browser_tools(
        "printing_reads_no_file_outside_the_site",
        &[Tool::Chromium, Tool::Poppler, Tool::CjkFonts],
    )
    .is_none()
    {
        return;
    }
    let secret_text = "SECRETzq81fj3kq";
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, format!("{secret_text}\n")).unwrap();
    let url = format!("file://{}", secret.display());
    let (tmp, site) = site_with_answer(&format!(
        "<iframe src=\"{url}\"></iframe>\n\
         <object data=\"{url}\" type=\"text/plain\"></object>\n\
         <embed src=\"{url}\" type=\"text/plain\">\n\
         <iframe src=\"../secret-beside.txt\"></iframe>\n\
         <meta http-equiv=\"refresh\" content=\"0;url=01-basics/second.html\">"
    ));
    // A secret beside the site, reachable by a relative path from the staging folder.
    std::fs::write(tmp.path().join("secret-beside.txt"), "BESIDEx9z2\n").unwrap();
    let text = build_pdf(&site);
    assert_in_print_page(&site, &format!("<iframe src=\"{url}\">"));
    assert!(
        !text.contains(secret_text),
        "{secret:?} printed into the PDF"
    );
    assert!(
        !text.contains("BESIDEx9z2"),
        "a file beside the site printed"
    );
    assert_answer_printed(&text);
}

/// A loopback HTTP server that answers every request with 204 and records its request line.
struct Listener {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The request line [`Listener::finish`] sends to end the accept loop.
const STOP: &str = "STOP faqsite-test-listener";

impl Listener {
    fn start() -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let thread = std::thread::spawn(move || {
            // Blocks in accept; ends at the connection that sends STOP.
            for stream in listener.incoming() {
                if answer(stream.unwrap(), &s) == STOP {
                    break;
                }
            }
        });
        Listener {
            port,
            seen,
            thread: Some(thread),
        }
    }

    /// Stop listening; the request lines it received.
    fn finish(mut self) -> Vec<String> {
        // Called once Chromium has exited: every connection it made is already in the
        // kernel's accept queue, which is first in, first out, so the stop connection made now
        // is accepted after all of them.
        let mut stop = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stop.write_all(format!("{STOP}\r\n").as_bytes()).unwrap();
        self.thread.take().unwrap().join().unwrap();
        let mut seen = self.seen.lock().unwrap().clone();
        seen.retain(|line| line != STOP);
        seen
    }
}

/// Reads the request line, records it, answers 204; returns the line.
fn answer(stream: std::net::TcpStream, seen: &Mutex<Vec<String>>) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut line = String::new();
    let _ = BufReader::new(&stream).read_line(&mut line);
    let line = line.trim().to_string();
    seen.lock().unwrap().push(line.clone());
    let _ = (&stream).write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
    line
}

#[test]
fn printing_reaches_no_network() {
    if require_browser_tools(
        "printing_reaches_no_network",
        &[Tool::Chromium, Tool::Poppler, Tool::CjkFonts],
    )
    .is_none()
    {
        return;
    }
    let listener = Listener::start();
    let base = format!("http://127.0.0.1:{}", listener.port);
    let by_name = format!("http://localhost:{}", listener.port);
    let (_tmp, site) = site_with_answer(&format!(
        "<img src=\"{base}/img.png\" alt=\"x\">\n\
         <img src=\"{by_name}/by-name.png\" alt=\"x\">\n\
         <script>fetch(\"{base}/fetch\")</script>\n\
         <svg onload=\"fetch('{base}/onload')\"></svg>\n\
         <link rel=\"stylesheet\" href=\"{base}/style.css\">\n\
         <link rel=\"prefetch\" href=\"{base}/prefetch\">\n\
         <div style=\"background: url({base}/background.png)\">bg</div>\n\
         <iframe src=\"{base}/frame\"></iframe>\n\
         <meta http-equiv=\"refresh\" content=\"0;url={base}/refresh\">"
    ));
    let text = build_pdf(&site);
    assert_in_print_page(&site, &format!("<script>fetch(\"{base}/fetch\")</script>"));
    let seen = listener.finish();
    assert!(seen.is_empty(), "requests during the PDF build: {seen:?}");
    assert_answer_printed(&text);
}
