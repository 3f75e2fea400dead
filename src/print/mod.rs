//! The printable quick-start manual: `print.html` (the whole FAQ as one document in reading
//! order, styled with CSS paged media) and, on request, `manual.pdf` printed from it by
//! headless Chromium, which reaches only the staged site (served by `print/server.rs`).
//!
//! The answers were rendered for pages one folder deep; here their links to other pages become
//! anchors inside the print page, image URLs are re-rooted, and heading ids get a per-question
//! prefix so the one long page has unique ids.

use std::borrow::Cow;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::content::Content;
use crate::error::{Error, Result};
use crate::html::rewrite::{attribute_value, fragment_as_written, UrlAttr};
use crate::markdown::Rendered;
use crate::templates::Renderer;
use crate::urls::is_page_relative;

mod pdf;
pub mod server;

pub use pdf::{fill_toc_pages, pdf, pdf_named, Printed, BROWSER_ENV, FONT_HINT};

pub const PRINT_PAGE: &str = "print.html";
pub const PDF_FILE: &str = "manual.pdf";

/// The anchor of a page inside the print page.
pub fn anchor(url: &str) -> String {
    let stem = url.trim_end_matches(".html").trim_end_matches("/index");
    format!("p-{}", stem.replace('/', "-"))
}

#[derive(Serialize)]
struct PrintQuestion<'a> {
    number: &'a str,
    title: &'a str,
    title_html: &'a str,
    anchor: String,
    content: String,
    /// The answer shows a screenshot: print it on one page with its question.
    keep: bool,
    /// The language of its text when it is not the page's (an untranslated original's).
    #[serde(skip_serializing_if = "str::is_empty")]
    lang: &'a str,
}

#[derive(Serialize)]
struct PrintChapter<'a> {
    number: &'a str,
    title: &'a str,
    title_html: &'a str,
    description: &'a str,
    anchor: String,
    content: String,
    questions: Vec<PrintQuestion<'a>>,
    /// The language of its text when it is not the page's (an untranslated original's).
    #[serde(skip_serializing_if = "str::is_empty")]
    lang: &'a str,
}

/// `print.html` rendered but for the answers: each answer stands as a placeholder in
/// `skeleton`, and is rewritten only when the page is written ([`PrintPage::write_to`]). At
/// 100,000 questions the answers are ~300 MB of HTML: held once more in the template's context
/// and again in the rendered page, they were most of the build's peak memory.
pub struct PrintPage<'a> {
    skeleton: String,
    content: &'a Content,
    rendered: &'a [Rendered],
    /// The page index of each placeholder's answer, by placeholder number.
    pages: Vec<usize>,
}

/// What an answer's placeholder starts and ends with: private-use characters that HTML
/// escaping leaves alone and that page titles do not contain.
const HOLE_START: &str = "\u{E000}faqsite-print-";
const HOLE_END: char = '\u{E001}';

/// Render `print.html` (see [`PrintPage`]).
pub fn render<'a>(
    renderer: &Renderer,
    content: &'a Content,
    rendered: &'a [Rendered],
) -> Result<PrintPage<'a>> {
    let mut pages = Vec::new();
    let manual = chapters(content, rendered, &mut |page| {
        if rendered[page].html.is_empty() {
            return String::new();
        }
        pages.push(page);
        format!("{HOLE_START}{}{HOLE_END}", pages.len() - 1)
    });
    let skeleton = render_chapters(renderer, manual)?;
    if holes_in_order(&skeleton, pages.len()) {
        return Ok(PrintPage {
            skeleton,
            content,
            rendered,
            pages,
        });
    }
    // A theme that shows an answer twice or not at all, or a title that reads like a
    // placeholder: the answers go into the context itself.
    let manual = chapters(content, rendered, &mut |page: usize| {
        for_print(&rendered[page], &content.pages[page].url).into_owned()
    });
    Ok(PrintPage {
        skeleton: render_chapters(renderer, manual)?,
        content,
        rendered,
        pages: Vec::new(),
    })
}

/// The manual's chapters, each answer (by page index) as `answer` makes it.
fn chapters<'a>(
    content: &'a Content,
    rendered: &[Rendered],
    answer: &mut dyn FnMut(usize) -> String,
) -> Vec<PrintChapter<'a>> {
    let mut chapters = Vec::with_capacity(content.chapters.len());
    for ch in &content.chapters {
        let p = &content.pages[ch.page];
        let chapter_answer = answer(ch.page);
        let questions = ch
            .questions
            .iter()
            .map(|&q| question(content, rendered, q, answer(q)))
            .collect();
        chapters.push(PrintChapter {
            number: &p.number,
            title: &p.title,
            title_html: &p.title_html,
            description: &p.description,
            anchor: anchor(&p.url),
            content: chapter_answer,
            questions,
            lang: content.language.text_language(&p.source.path),
        });
    }
    chapters
}

fn render_chapters(renderer: &Renderer, chapters: Vec<PrintChapter<'_>>) -> Result<String> {
    let title = renderer.print_title();
    let mut ctx = renderer.special_context("print", &title)?;
    // Room for the page at once (a kilobyte a page; what is not written is never touched):
    // grown by doubling, its last copy held the old and the new buffer together, 100,000
    // questions' 42 MB page took 96 MB at that moment.
    let pages: usize = chapters.iter().map(|c| 1 + c.questions.len()).sum();
    ctx.insert("manual", &chapters);
    drop(chapters);
    ctx.insert("running_head", &css_string(&title));
    let mut out = Vec::with_capacity(pages * 1024 + 64 * 1024);
    renderer.theme.render_into(PRINT_PAGE, &ctx, &mut out)?;
    drop(ctx);
    String::from_utf8(out).map_err(|e| Error::Other(format!("template {PRINT_PAGE}: {e}")))
}

/// Whether `skeleton` holds the placeholders 0, 1, … `n - 1` in this order, each once, and
/// nothing else that starts like one.
fn holes_in_order(skeleton: &str, n: usize) -> bool {
    let mut next = 0;
    for piece in skeleton.split(HOLE_START).skip(1) {
        let expected = format!("{next}{HOLE_END}");
        if !piece.starts_with(&expected) {
            return false;
        }
        next += 1;
    }
    next == n
}

impl PrintPage<'_> {
    /// Writes the page, each answer rewritten for the print page in its placeholder's place
    /// (a few hundred at a time, in parallel).
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let (pieces, last) = self.pieces();
        for chunk in pieces.chunks(256) {
            let answers: Vec<Option<Cow<str>>> = chunk
                .par_iter()
                .map(|(_, page)| {
                    page.map(|p| for_print(&self.rendered[p], &self.content.pages[p].url))
                })
                .collect();
            for ((text, _), answer) in chunk.iter().zip(answers) {
                out.write_all(text.as_bytes())?;
                if let Some(answer) = answer {
                    out.write_all(answer.as_bytes())?;
                }
            }
        }
        out.write_all(last.as_bytes())
    }

    /// The skeleton cut at its placeholders: each piece of text with the answer (page index)
    /// that follows it, if any, and the text after the last one.
    fn pieces(&self) -> (Vec<(&str, Option<usize>)>, &str) {
        let mut pieces = Vec::with_capacity(self.pages.len());
        let mut rest = self.skeleton.as_str();
        while let Some(i) = rest.find(HOLE_START) {
            let after = &rest[i + HOLE_START.len()..];
            let page = after.split_once(HOLE_END).and_then(|(n, tail)| {
                let page = *self.pages.get(n.parse::<usize>().ok()?)?;
                Some((page, tail))
            });
            let Some((page, tail)) = page else {
                // Not a placeholder of ours: written as it is.
                pieces.push((&rest[..i + HOLE_START.len()], None));
                rest = after;
                continue;
            };
            pieces.push((&rest[..i], Some(page)));
            rest = tail;
        }
        (pieces, rest)
    }

    /// The whole page as a string (tests, small tools).
    pub fn to_html(&self) -> String {
        let mut out = Vec::new();
        self.write_to(&mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
    }
}

fn question<'a>(
    content: &'a Content,
    rendered: &[Rendered],
    q: usize,
    content_hole: String,
) -> PrintQuestion<'a> {
    let qp = &content.pages[q];
    PrintQuestion {
        number: &qp.number,
        title: &qp.title,
        title_html: &qp.title_html,
        anchor: anchor(&qp.url),
        content: content_hole,
        keep: has_screenshot(&rendered[q].html),
        lang: content.language.text_language(&qp.source.path),
    }
}

/// Wider than this (in CSS pixels), an image is a screenshot rather than an icon in the text.
const SCREENSHOT_WIDTH: u32 = 120;

/// Whether the answer shows an image wider than [`SCREENSHOT_WIDTH`] (the images stage
/// writes every local image's `width`).
fn has_screenshot(html: &str) -> bool {
    crate::html::rewrite::widest_img(html).is_some_and(|w| w > SCREENSHOT_WIDTH)
}

/// `text` as a CSS string literal that is also safe inside `<style>` (`"`, `\\` and `<`
/// escaped, line breaks as spaces).
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '&' => out.push_str(&format!("\\{:x} ", c as u32)),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Page `r` (rendered for `page_url`) as the print page shows it: rewritten ([`rewrite`])
/// unless it holds nothing to rewrite.
fn for_print<'r>(r: &'r Rendered, page_url: &str) -> Cow<'r, str> {
    if r.holds_urls {
        Cow::Owned(rewrite(&r.html, page_url))
    } else {
        Cow::Borrowed(&r.html)
    }
}

/// Rewrite one page's HTML (rendered for `page_url`) for the print page at the site root:
/// links to pages become anchors in the print page, ids get the page's prefix, image URLs
/// are rebased; a link whose text is its address gets `class="bare-url"` (print CSS must not
/// repeat the URL after it).
pub fn rewrite(html: &str, page_url: &str) -> String {
    let base = page_url.rsplit_once('/').map_or("", |(dir, _)| dir);
    let own = anchor(page_url);
    let edit = |attr: UrlAttr, value: &str| {
        let new = match attr {
            UrlAttr::Href => rewrite_href(value, base, &own),
            UrlAttr::Id => format!("{own}-{value}"),
            UrlAttr::Srcset => value
                .split(", ")
                .map(|c| rebase(c, base))
                .collect::<Vec<_>>()
                .join(", "),
            UrlAttr::Src => rebase(value, base),
        };
        (new != value).then_some(new)
    };
    crate::html::rewrite::edit_urls(html, edit, same_address, "bare-url")
}

/// Whether a link's text says its address: equal but for the scheme (`http://`, `https://`,
/// `mailto:`), a trailing `/` and letter case.
fn same_address(text: &str, url: &str) -> bool {
    fn bare(s: &str) -> String {
        let s = s.trim();
        let lower = s.to_ascii_lowercase();
        let s = ["https://", "http://", "mailto:"]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .unwrap_or(&lower);
        s.trim_end_matches('/').to_string()
    }
    !text.contains('<') && !text.trim().is_empty() && bare(text) == bare(url)
}

/// A relative URL written for a page in `base` (a folder under the root), made root-relative.
fn rebase(url: &str, base: &str) -> String {
    let read = attribute_value(url);
    if !is_page_relative(&read) || read.starts_with('#') || read.is_empty() {
        return url.to_string();
    }
    let joined = if base.is_empty() {
        url.to_string()
    } else {
        format!("{base}/{url}")
    };
    crate::urls::normalize_path(Path::new(&joined))
        .to_string_lossy()
        .replace('\\', "/")
}

fn rewrite_href(href: &str, base: &str, own: &str) -> String {
    // Decided on the value as a browser reads it (entities decoded), edited as written.
    if let Some(frag) = fragment_as_written(href) {
        return format!("#{own}-{frag}");
    }
    if !is_page_relative(&attribute_value(href)) {
        return href.to_string();
    }
    let (path, frag) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (href, None),
    };
    let target = rebase(path, base);
    if target.ends_with(".html") {
        let a = anchor(&target);
        return match frag {
            Some(f) => format!("#{a}-{f}"),
            None => format!("#{a}"),
        };
    }
    target
}

impl Renderer<'_> {
    /// The manual's title: `[print] title`, else the site title.
    pub fn print_title(&self) -> String {
        if self.config.print.title.is_empty() {
            self.config.title.clone()
        } else {
            self.config.print.title.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    /// `pdffonts` output as poppler prints it: a Type 3 font is a warning that names the
    /// fonts embedded besides and what to install; TrueType fonts alone are none.
    #[test]
    fn type_3_fonts_in_the_pdf_are_a_warning() {
        let head = "name                                 type              encoding         emb sub uni object ID\n------------------------------------ ----------------- ---------------- --- --- --- ---------\n";
        let truetype = "AAAAAA+WenQuanYiMicroHei             CID TrueType      Identity-H       yes yes yes      5  0\n";
        let type3 = "[none]                               Type 3            Custom           yes no  yes      6  0\n";
        let toml = Path::new("site.toml");
        let fonts = parse_pdffonts(&format!("{head}{truetype}{type3}{type3}"));
        assert_eq!(
            fonts[0],
            ("AAAAAA+WenQuanYiMicroHei".into(), "CID TrueType".into())
        );
        let w = font_warning(&fonts, toml).expect("a warning");
        assert!(
            w.message.contains("2 of its 3 fonts are Type 3"),
            "{}",
            w.message
        );
        assert!(
            w.message.contains("embedded as fonts: WenQuanYiMicroHei"),
            "{}",
            w.message
        );
        assert_eq!(w.hint.as_deref(), Some(FONT_HINT));
        assert!(font_warning(&parse_pdffonts(&format!("{head}{truetype}")), toml).is_none());
        assert!(font_warning(&parse_pdffonts(""), toml).is_none());
    }

    use super::pdf::*;
    use super::*;

    #[test]
    fn anchors_from_urls() {
        assert_eq!(
            anchor("02-drivers/install-driver.html"),
            "p-02-drivers-install-driver"
        );
        assert_eq!(anchor("02-drivers/index.html"), "p-02-drivers");
    }

    #[test]
    fn links_become_print_anchors_and_images_are_rerooted() {
        let html = r##"<h2 id="步骤">步骤</h2><p><a href="../02-drivers/install-driver.html">a</a> <a href="../05-usb-key/index.html">b</a> <a href="../02-drivers/x.html#细节">c</a> <a href="#步骤">d</a> <a href="https://e.com/">e</a> <img src="../images/i.1.png" srcset="../images/i.1.png 1x, ../images/i.2.png 2x" alt="x" data-id="k"></p>"##;
        let out = rewrite(html, "05-usb-key/q.html");
        assert!(out.contains(r#"id="p-05-usb-key-q-步骤""#), "{out}");
        assert!(
            out.contains("href=\"#p-02-drivers-install-driver\""),
            "{out}"
        );
        assert!(out.contains("href=\"#p-05-usb-key\""), "{out}");
        assert!(out.contains("href=\"#p-02-drivers-x-细节\""), "{out}");
        assert!(out.contains("href=\"#p-05-usb-key-q-步骤\""), "{out}");
        assert!(out.contains("href=\"https://e.com/\""));
        assert!(out.contains("src=\"images/i.1.png\""), "{out}");
        assert!(
            out.contains("srcset=\"images/i.1.png 1x, images/i.2.png 2x\""),
            "{out}"
        );
        assert!(out.contains("data-id=\"k\""), "data-id untouched");
        let auto = rewrite(
            "<a href=\"http://x.cn/u/\">http://x.cn/u/</a> <a href=\"http://y.cn/\">y</a>",
            "a/b.html",
        );
        assert!(
            auto.contains("<a class=\"bare-url\" href=\"http://x.cn/u/\">"),
            "{auto}"
        );
        assert!(auto.contains("<a href=\"http://y.cn/\">y</a>"), "{auto}");
        // The text is the address but for its scheme and trailing slash: printed once too.
        let named = rewrite(
            "<a href=\"http://www.x.cn/\">www.x.cn</a> <a href=\"https://x.cn/a\">x.cn/b</a> <a href=\"mailto:a@x.cn\">A@x.cn</a>",
            "a/b.html",
        );
        assert_eq!(named.matches("class=\"bare-url\"").count(), 2, "{named}");
        assert!(
            named.contains("<a href=\"https://x.cn/a\">x.cn/b</a>"),
            "{named}"
        );
    }

    #[test]
    fn screenshots_are_told_from_icons() {
        assert!(!has_screenshot(
            "<p>点击 <img src=\"i.png\" alt=\"\" width=\"32\" height=\"32\"> 图标</p>"
        ));
        assert!(has_screenshot(
            "<p><picture><img src=\"s.png\" alt=\"\" width=\"960\" height=\"540\"></picture></p>"
        ));
        assert!(!has_screenshot("<p>no images, width=\"999\"</p>"));
        // Raw HTML (`raw_html = true`) writes tags as it likes.
        assert!(has_screenshot("<IMG SRC=s.png WIDTH='960'>"));
        assert!(!has_screenshot(
            "<img alt='a > b' width=\"32\"><code>&lt;img width=\"999\"&gt;</code>"
        ));
    }

    /// Tags written otherwise than pulldown-cmark writes them (raw HTML): upper case, single
    /// quotes, attributes in another order, attribute-like text inside a value, markup that
    /// is only text (in a comment, a code block).
    #[test]
    fn the_print_rewrite_reads_tags_as_html() {
        let html = r##"<A HREF='../02-drivers/x.html' id=n title="see src=&quot;a&quot;">x</A><p title='a id="z"' ID=k>t</p><IMG ALT=i SRC=../images/i.png><!-- <a href="../02-drivers/y.html"> --><code>&lt;a href="#k"&gt;</code>"##;
        assert_eq!(
            rewrite(html, "05-usb-key/q.html"),
            r##"<A HREF="#p-02-drivers-x" id="p-05-usb-key-q-n" title="see src=&quot;a&quot;">x</A><p title='a id="z"' ID="p-05-usb-key-q-k">t</p><IMG ALT=i SRC="images/i.png"><!-- <a href="../02-drivers/y.html"> --><code>&lt;a href="#k"&gt;</code>"##
        );
        // A bare address is marked whatever the link's other attributes; a link holding
        // markup is not bare.
        let links = r#"<a title="t" href="http://x.cn/">http://x.cn/</a><a href="http://y.cn/"><code>http://y.cn/</code></a>"#;
        assert_eq!(
            rewrite(links, "a/b.html"),
            r#"<a class="bare-url" title="t" href="http://x.cn/">http://x.cn/</a><a href="http://y.cn/"><code>http://y.cn/</code></a>"#
        );
    }

    #[test]
    fn the_running_head_is_a_safe_css_string() {
        assert_eq!(css_string("手册"), "\"手册\"");
        assert_eq!(css_string("a\"b</style>"), "\"a\\22 b\\3c /style\\3e \"");
    }

    #[test]
    fn outline_pages_fill_the_contents() {
        let xml = "<outline>\n<item page=\"1\">手册</item>\n<outline><item page=\"4\">1 前提条件</item><outline><item page=\"5\">1.2 电脑</item></outline></outline>";
        let pages = parse_outline(xml);
        assert_eq!(pages, vec![("1".to_string(), 4), ("1.2".to_string(), 5)]);
        let html = r##"<a href="#x">1 前提<span class="pg" data-n="1"></span></a><span class="pg" data-n="1.2"></span><span class="pg" data-n="1.1"></span>"##;
        let out = fill_toc_pages(html, &pages);
        assert!(out.contains(r#"data-n="1">4</span>"#), "{out}");
        assert!(out.contains(r#"data-n="1.2">5</span>"#), "{out}");
        assert!(out.contains(r#"data-n="1.1"></span>"#), "{out}");
        // The theme may write the span's attributes in any order and quoting; a span in a
        // comment is no span.
        let other = r#"<span data-n='1.2' class='pg x'></span><!-- <span class="pg" data-n="1"></span> -->"#;
        assert_eq!(
            fill_toc_pages(other, &pages),
            r#"<span data-n='1.2' class='pg x'>5</span><!-- <span class="pg" data-n="1"></span> -->"#
        );
    }

    #[test]
    fn the_browser_comes_from_the_command_line_then_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let (cli, env) = (dir.path().join("cli"), dir.path().join("env"));
        std::fs::write(&cli, "").unwrap();
        std::fs::write(&env, "").unwrap();
        let env_os = Some(env.as_os_str());
        assert_eq!(choose_browser(Some(&cli), env_os), Ok(cli.clone()));
        assert_eq!(choose_browser(None, env_os), Ok(env.clone()));
        let err = choose_browser(Some(Path::new("/nonexistent/chromium")), env_os).unwrap_err();
        assert!(
            err.contains("/nonexistent/chromium") && err.contains("--browser"),
            "{err}"
        );
        let err = choose_browser(None, Some("/nonexistent/c".as_ref())).unwrap_err();
        assert!(err.contains(BROWSER_ENV), "{err}");
    }

    #[test]
    fn missing_browser_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PRINT_PAGE), "<p>x</p>").unwrap();
        let err = pdf(
            dir.path(),
            Some(Path::new("/nonexistent/chromium")),
            Path::new("site.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("apt-get install chromium fonts-wqy-microhei"),
            "{err}"
        );
    }
}
