//! `manual.pdf`: `print.html` printed by headless Chromium (chosen by `--browser`,
//! `$FAQSITE_BROWSER` or PATH, never site.toml) from the loopback [`PrintServer`], twice when
//! poppler can read the outline back (the contents then get their page numbers), and a warning
//! when the fonts came out as Type 3.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::server::PrintServer;
use super::{PDF_FILE, PRINT_PAGE};
use crate::error::{Diagnostic, Error, Result};

/// Print `site_dir/print.html` to `site_dir/manual.pdf` with headless Chromium: `browser`
/// (`build --browser`), else `FAQSITE_BROWSER`, else the first Chromium on PATH. The page is
/// served to Chromium by a [`PrintServer`] on loopback, which is also its only proxy: the print
/// reaches the files of `site_dir` and nothing else (see `server.rs`).
pub fn pdf(site_dir: &Path, browser: Option<&Path>, site_toml: &Path) -> Result<Printed> {
    pdf_named(site_dir, PDF_FILE, browser, site_toml)
}

/// [`pdf`] into `site_dir/<name>` (a language's manual: `manual.en.pdf`).
pub fn pdf_named(
    site_dir: &Path,
    name: &str,
    browser: Option<&Path>,
    site_toml: &Path,
) -> Result<Printed> {
    let browser = choose_browser(browser, std::env::var_os(BROWSER_ENV).as_deref())
        .map_err(|what| {
            Error::one(
                Diagnostic::new(site_toml, 0, format!("cannot write {PDF_FILE}: {what}"))
                    .hint("install one: apt-get install chromium fonts-wqy-microhei, or name it with --browser PATH or FAQSITE_BROWSER=PATH (the HTML site was still written)"),
            )
        })?;
    let server =
        PrintServer::start(site_dir, PRINT_PAGE).map_err(|e| Error::io("serving", site_dir, e))?;
    let page = site_dir.join(PRINT_PAGE);
    let out = site_dir.join(name);
    let chromium = Chromium {
        browser: &browser,
        proxy: server.origin(),
    };
    chromium.print(&server.open(), &out)?;
    // Second pass: the contents get the page each chapter and question landed on (read from
    // the PDF outline Chromium wrote, with poppler's pdftohtml), then the page is printed again.
    // The page-number boxes have a fixed width, so filling them moves nothing. Without
    // pdftohtml the manual keeps its contents without page numbers.
    if let Some(pages) = outline_pages(&out) {
        let html = std::fs::read_to_string(&page).map_err(|e| Error::io("reading", &page, e))?;
        let filled = fill_toc_pages(&html, &pages);
        if filled != html {
            // Never written in place: the staged print.html may be a hard link to the previous
            // output's (see output/files.rs).
            crate::output::write_new_file(&page, filled.as_bytes())?;
            chromium.print(&server.open(), &out)?;
        }
    }
    let warning = font_warning(&pdf_fonts(&out), site_toml);
    Ok(Printed { path: out, warning })
}

/// A printed `manual.pdf`, with a warning when its fonts are not what they should be.
#[derive(Debug)]
pub struct Printed {
    pub path: PathBuf,
    pub warning: Option<Diagnostic>,
}

/// The hint of the warning for Type 3 fonts in the PDF.
pub const FONT_HINT: &str = "install a TrueType Chinese font, which Chromium embeds as a small subset: apt-get install fonts-wqy-microhei (or your system's WenQuanYi Micro Hei package), then build again";

/// The (name, type) of each font of `pdf`, by poppler's `pdffonts`; empty when it is missing
/// or fails (then nothing is said about the fonts).
pub(super) fn pdf_fonts(pdf: &Path) -> Vec<(String, String)> {
    let Ok(out) = Command::new("pdffonts")
        .arg(pdf)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    if !out.status.success() {
        return Vec::new();
    }
    parse_pdffonts(&String::from_utf8_lossy(&out.stdout))
}

/// `pdffonts` output → (name, type): the name is the first column, the type the text up to
/// the encoding column (`Type 3`, `CID TrueType`, `Type 1C`…), placed by the header's dashes.
pub(super) fn parse_pdffonts(text: &str) -> Vec<(String, String)> {
    let mut lines = text.lines();
    let Some(dashes) = lines.nth(1) else {
        return Vec::new();
    };
    let columns: Vec<usize> = dashes
        .match_indices('-')
        .filter(|(i, _)| *i == 0 || dashes.as_bytes()[i - 1] == b' ')
        .map(|(i, _)| i)
        .collect();
    let (Some(&ty), Some(&enc)) = (columns.get(1), columns.get(2)) else {
        return Vec::new();
    };
    lines
        .filter(|l| l.len() > enc)
        .filter_map(|l| {
            let name = l.get(..ty)?.trim().to_string();
            Some((name, l.get(ty..enc)?.trim().to_string()))
        })
        .collect()
}

/// A warning when Chromium drew text with Type 3 fonts: no TrueType font had the characters
/// (a CFF font such as Noto Sans CJK becomes Type 3 outlines: a PDF three times larger,
/// blurred in some viewers). It names the fonts it did embed, and what to install.
pub(super) fn font_warning(fonts: &[(String, String)], site_toml: &Path) -> Option<Diagnostic> {
    let type3 = fonts.iter().filter(|(_, ty)| ty == "Type 3").count();
    if type3 == 0 {
        return None;
    }
    let mut named: Vec<&str> = fonts
        .iter()
        .filter(|(name, ty)| ty != "Type 3" && name != "[none]")
        .map(|(name, _)| name.split_once('+').map_or(name.as_str(), |(_, n)| n))
        .collect();
    named.dedup();
    let others = if named.is_empty() {
        String::new()
    } else {
        format!("; embedded as fonts: {}", named.join(", "))
    };
    Some(
        Diagnostic::new(
            site_toml,
            0,
            format!("{PDF_FILE}: {type3} of its {} fonts are Type 3 outlines (larger, blurred in some viewers): no TrueType font on this machine has the text's characters{others}", fonts.len()),
        )
        .warning()
        .hint(FONT_HINT),
    )
}

/// The environment variable that names the browser for the PDF.
pub const BROWSER_ENV: &str = "FAQSITE_BROWSER";

/// Headless Chromium, locked down for printing the site.
pub(super) struct Chromium<'a> {
    browser: &'a Path,
    /// The print server, Chromium's only way out.
    proxy: String,
}

impl Chromium<'_> {
    /// The command line of one run: no network but the print server (every host name
    /// unresolvable, every request through the server as proxy, loopback included, with no
    /// direct fallback), a fresh profile, no extensions, sync or background traffic.
    fn command(&self, profile: &Path, url: &str, out: &Path) -> Command {
        let mut cmd = Command::new(self.browser);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
            "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        ])
        .arg(format!("--proxy-server={}", self.proxy))
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
        cmd
    }

    /// One run: `url` → `out`, with a fresh profile and a time limit.
    fn print(&self, url: &str, out: &Path) -> Result<()> {
        let profile = tempfile::Builder::new()
            .prefix("faqsite-chromium-")
            .tempdir()
            .map_err(|e| Error::io("creating a browser profile in", &std::env::temp_dir(), e))?;
        let _ = std::fs::remove_file(out);
        let browser = self.browser.display();
        let mut child = self
            .command(profile.path(), url, out)
            .spawn()
            .map_err(|e| Error::Other(format!("starting {browser}: {e}")))?;
        // Read while it runs: a full stderr pipe would stall the browser.
        let stderr = child.stderr.take().map(|mut e| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = std::io::Read::read_to_string(&mut e, &mut text);
                text
            })
        });
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child
                .try_wait()
                .map_err(|e| Error::Other(format!("waiting for the browser: {e}")))?
            {
                break s;
            }
            if start.elapsed() > Duration::from_secs(180) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Other(format!(
                    "{browser} did not finish printing {PDF_FILE} within 180 s"
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        if status.success() && out.metadata().is_ok_and(|m| m.len() > 0) {
            return Ok(());
        }
        let err = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
        Err(Error::Other(format!(
            "{browser} could not print {PDF_FILE} ({status}): {}",
            err.lines().rev().take(5).collect::<Vec<_>>().join(" | ")
        )))
    }
}

/// Chapter/question number → page, from the PDF's outline (`pdftohtml -xml`; its items are
/// the headings, "2.1 标题"). None when pdftohtml is missing or fails.
pub(super) fn outline_pages(pdf: &Path) -> Option<Vec<(String, u32)>> {
    let out = Command::new("pdftohtml")
        .args(["-xml", "-i", "-q", "-stdout"])
        .arg(pdf)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let xml = String::from_utf8_lossy(&out.stdout);
    let pages = parse_outline(&xml);
    (!pages.is_empty()).then_some(pages)
}

pub(super) fn parse_outline(xml: &str) -> Vec<(String, u32)> {
    let mut pages = Vec::new();
    for item in xml.split("<item page=\"").skip(1) {
        let Some((n, rest)) = item.split_once('"') else {
            continue;
        };
        let Ok(n) = n.parse::<u32>() else { continue };
        let text = rest.trim_start_matches('>');
        let first = text.split([' ', '<', '\u{a0}']).next().unwrap_or("");
        if !first.is_empty()
            && first.chars().all(|c| c.is_ascii_digit() || c == '.')
            && !pages.iter().any(|(k, _): &(String, u32)| k == first)
        {
            pages.push((first.to_string(), n));
        }
    }
    pages
}

/// Fill `<span class="pg" data-n="2.1"></span>` in the contents with the page numbers.
pub fn fill_toc_pages(html: &str, pages: &[(String, u32)]) -> String {
    let pages: std::collections::HashMap<&str, u32> =
        pages.iter().map(|(n, p)| (n.as_str(), *p)).collect();
    crate::html::rewrite::fill_page_numbers(html, |n| pages.get(n).map(u32::to_string))
}

/// The browser to print with: the command line's, else the environment's, else the first of
/// the usual Chromium names on PATH. Never anything from site.toml or the content. The error
/// says what was looked for.
pub(super) fn choose_browser(
    cli: Option<&Path>,
    env: Option<&std::ffi::OsStr>,
) -> std::result::Result<PathBuf, String> {
    let named = |p: &Path, from: &str| {
        locate(p).ok_or_else(|| format!("the browser {} given {from} was not found", p.display()))
    };
    if let Some(p) = cli {
        return named(p, "with --browser");
    }
    if let Some(p) = env.filter(|e| !e.is_empty()) {
        return named(Path::new(p), &format!("in {BROWSER_ENV}"));
    }
    BROWSER_NAMES.iter().find_map(|n| which(n)).ok_or_else(|| {
        format!(
            "no Chromium or Chrome found on PATH (tried {})",
            BROWSER_NAMES.join(", ")
        )
    })
}

/// Looked for on PATH when no browser is named.
pub(super) const BROWSER_NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// A path to a file, or a bare name looked up on PATH.
pub(super) fn locate(p: &Path) -> Option<PathBuf> {
    if p.is_file() {
        return Some(p.to_path_buf());
    }
    p.to_str().and_then(which)
}

/// An executable called `name` (a bare name, not a path) on PATH.
pub(super) fn which(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return None;
    }
    which::which(name).ok()
}
