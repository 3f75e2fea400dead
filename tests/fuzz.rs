//! Fuzz target for "no panic, ever": random sites (site.toml, front matter, Markdown with
//! links, images, headings, raw HTML and footnotes, odd file names) written into a temp dir and
//! given to `site::build` and `check::check` in-process. An `Err` is a fine answer; a panic, in
//! any thread, fails the test and proptest shrinks it to a small reproducer (the site's files,
//! printed in full).
//!
//! `faqsite import` gets the same treatment: random long documents, split and written.
//!
//! The seed is fixed, so every run tries the same cases. `FAQSITE_FUZZ_CASES` (default 256)
//! sets how many, `FAQSITE_FUZZ_SEED` (a number) picks other cases for a longer exploration,
//! `FAQSITE_FUZZ_VERBOSE=1` (with `--nocapture`) prints the first line of each build error,
//! to see which stage the cases reach when tuning the strategies.

mod common;

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// The chapters and questions every generated site may hold (content/<dir>/<file>).
const PAGES: &[(&str, &str)] = &[
    ("", "_index.md"),
    ("01-a", "_index.md"),
    ("01-a", "first.md"),
    ("01-a", "second.md"),
    ("02-b", "_index.md"),
    ("02-b", "third.md"),
];

/// Files that are rarely there: Chinese and clashing names, a question outside a chapter,
/// a sub-folder, a chapter without `_index.md`.
const ODD_FILES: &[&str] = &[
    "content/stray.md",
    "content/01-a/中文 问题.md",
    "content/03-其他/_index.md",
    "content/01-a/Q1.md",
    "content/01-a/q1.md",
    "content/01-a/sub/deep.md",
    "content/04-empty/notes.txt",
    "content/01-a/.hidden.md",
    "content/01-a/a b.md",
];

const IMAGE_FILES: &[&str] = &[
    "images/icon.png",
    "images/a b.png",
    "images/中.png",
    "images/x\" onerror=\"y.png",
    "images/bad.png",
    "images/trunc.png",
    "content/01-a/local.png",
];

// The vocabulary the strategies draw from (kept one list per line, not one item per line).

/// Words that text is made of: CJK, markup that must be escaped, template syntax, characters
/// whose lower case is longer than they are, percent signs, invisible characters.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "安装", "驱动", "操作步骤", "解决方法", "Same", "same", "a b", "", " ", "x\"y", "it's",
    "<b>", "</script>", "<!--", "-->", "&amp;", "&", "{{ x }}", "{% if %}", "\\", "%", "%中",
    "%E4%B8", "#", "..", "😀", "\t", "İ", "ß", "\u{200b}", "\u{feff}", "é", "1.", "-", "*",
    "_", "`", "[", "]", "(", ")", "|", "$", "~",
];

/// TOML numbers, booleans and dates at the edges of their types.
#[rustfmt::skip]
const TOML_SCALARS: &[&str] = &[
    "0", "1", "-1", "16", "960", "2000", "4294967295", "4294967296", "9223372036854775807",
    "-9223372036854775808", "99999999999999999999", "0.5", "1e400", "nan", "inf", "-inf",
    "true", "false", "1979-05-27", "0x10",
];

/// Broken or odd TOML values.
#[rustfmt::skip]
const TOML_JUNK: &[&str] = &["{}", "{ a = 1 }", "[[]]", "[1, \"a\"]", "", "=", "[", "\"\"\"", "{"];

/// Aliases that clash with pages or generated files, or try to leave the site.
#[rustfmt::skip]
const WILD_ALIASES: &[&str] = &[
    "old/x.html", "old/x.html", "index.html", "404.html", "print.html", "01-a/first.html",
    "01-a/index.html", "../x.html", "/x.html", "a\\b.html", "x", "", ".html", "旧/问题.html",
    "a b.html", "https://h/x.html", "search-index.js", "old/x.html/y.html", "static/x.html",
];

#[rustfmt::skip]
const WEIGHTS: &[&str] = &["-5", "0", "10", "20", "9223372036854775807", "-9223372036854775808"];

#[rustfmt::skip]
const WILD_FRONT_KEYS: &[&str] = &[
    "title", "weight", "tags", "aliases", "draft", "titel", "", "a.b", "\"引号\"",
];

/// Heading ids a link may ask for: some exist (see [`heading`]), some cannot.
#[rustfmt::skip]
const ANCHORS: &[&str] = &[
    "", "操作步骤", "解决方法", "same", "section", "same-1", "%E6%93%8D%E4%BD%9C", "a#b", "#",
    " ", "%", "%中", "first", "third", "fn-1",
];

/// Link paths, right and wrong from where they are used.
#[rustfmt::skip]
const WILD_LINK_PATHS: &[&str] = &[
    "first.md", "second.md", "_index.md", "../01-a/first.md", "../02-b/third.md",
    "../02-b/_index.md", "../_index.md", "01-a/first.md", "./first.md", "a/../first.md",
    "../../x.md", "../../../../../etc/passwd.md", "中文 问题.md", "../03-其他/_index.md",
    "a b.md", "", ".md", "first.MD", "first.md/", "..", "../", "/abs.md", "/", "first",
    "q1.md", "Q1.md", "draft.md", "image.png",
];

#[rustfmt::skip]
const SCHEMES: &[&str] = &[
    "javascript:", "http://h/", "https:", "mailto:", "tel:", "data:", "file://", "a:", ":",
    "//", "ftp+x.y-z:", "中:", "HTTP://", "\\\\",
];

#[rustfmt::skip]
const BAD_ESCAPES: &[&str] = &["%", "%z", "%中", "%e4", "%E4%B8", "%%", "%0", "%00"];

/// Image sources that exist from every page.
#[rustfmt::skip]
const GOOD_IMAGES: &[&str] = &[
    "icon.png", "a b.png", "中.png", "x\" onerror=\"y.png", "../../images/icon.png",
];

/// Image sources that are broken, missing, outside the site, absolute, external or odd.
#[rustfmt::skip]
const WILD_IMAGES: &[&str] = &[
    "local.png", "../../images/a b.png", "../../images/a%20b.png", "../../images/中.png",
    "../../images/%E4%B8%AD.png", "../../images/%中.png", "%中.png",
    "../../images/x\" onerror=\"y.png", "bad.png", "../../images/bad.png",
    "../../images/trunc.png", "../../images/missing.png", "../../images/", "../../images",
    "../../site.toml", "../../../outside.png", "/images/icon.png", "http://h/i.png",
    "data:image/png;base64,iVBORw0KGgo=", "", "icon.PNG", "icon.png?x=1#f", "#", "..",
    "\\images\\icon.png", "C:/x.png", "images/icon.png",
];

#[rustfmt::skip]
const HEADINGS: &[&str] = &["操作步骤", "解决方法", "Same", "same", "", " ", "section", "1", "a-b", "#"];

#[rustfmt::skip]
const HEADING_IDS: &[&str] = &["x", "操作步骤", "", "same", "a b", "search", "main"];

/// Raw HTML, whole and in pieces.
#[rustfmt::skip]
const HTML: &[&str] = &[
    "<div>", "</div>", "<script>alert(1)</script>", "<!--", "<!--<script>", "-->",
    "<svg onload=alert(1)>", "<iframe src=\"file:///etc/passwd\"></iframe>",
    "<a href=\"javascript:alert(1)\">x</a>", "<img", "<img src='", "<img src=>",
    "<img src=\"\">", "<IMG SRC=\"icon.png\">", "<img src=\"icon.png\" alt=\"a\"/>",
    "<details><summary>s</summary>", "</details>", "<br>", "<p", "<table><tr><td>",
    "<style>body{}</style>", "&", "&#0;", "&#x110000;", "<?php ?>", "<![CDATA[x]]>",
];

#[rustfmt::skip]
const FOOTNOTE_LABELS: &[&str] = &["1", "1", "2", "注", "a b", "", "^", "x]"];

/// Other Markdown structure, some of it left open.
#[rustfmt::skip]
const STRUCTURE: &[&str] = &[
    "```", "```rust\nfn x() {}\n```", "> quote", "- item", "1. item", "- [x] done",
    "| a | b |\n| - | - |\n| c | d |", "| a |\n| - |", "---", "***", "~~old~~", "$x$",
    "    code", "\\", "[", "![", "](", "*a _b* c_", "<https://e.com>", "term\n: def", "",
    "\n", "  \n",
];

#[rustfmt::skip]
const FRONT_OPENERS: &[&str] = &["---\n", "++\n", "+++ \n", "\u{feff}+++\n", "+++\r\n", "++++\n", ""];
#[rustfmt::skip]
const FRONT_CLOSERS: &[&str] = &["", "++\n", "+++", "+++\r\n", "---\n", " +++\n"];
#[rustfmt::skip]
const TITLE_WORDS: &[&str] = &["问", "Q", "安装驱动？", "<b>"];

// Values for site.toml keys, as TOML.
const BOOLS: &[&str] = &["true", "false"];
const SIZES: &[&str] = &["0", "1", "10", "2000", "9223372036854775807"];
const BOOSTS: &[&str] = &["0.0", "1.0", "-1.0", "4.5", "1e308", "nan", "inf"];
const MAX_WIDTHS: &[&str] = &["16", "17", "960", "4294967295"];
#[rustfmt::skip]
const STRINGS: &[&str] = &[
    "\"\"", "\"打印手册\"", "\"<b>&amp;\\\"\"", "\"{{ x }}\"", "\"A0\"", "\"-1mm\"",
];
#[rustfmt::skip]
const LANGUAGES: &[&str] = &["\"en\"", "\"zh-CN\"", "\"\"", "\"<x>\\\"\""];
#[rustfmt::skip]
const BASE_URLS: &[&str] = &[
    "\"https://h.example/faq/\"", "\"http://x\"", "\"https://例子.com/a b/?<\"",
    "\"https://h/\\\"'\"",
];
#[rustfmt::skip]
const THEMES: &[&str] = &["\"default\"", "\"default\"", "\"default\"", "\"nope\""];
#[rustfmt::skip]
const CONTACT_HREFS: &[&str] = &[
    // Mostly good ones: a refused href is an error, and a case that fails early tests little.
    "\"tel:1\"", "\"javascript:alert(1)\"", "\"\\\"><script>\"", "\"mailto:a@b\"",
    "\"tel:+86 574 1\"", "\"https://x.example/a?b=1\"", "\"mailto:a@b\"", "\"tel:1\"",
];
#[rustfmt::skip]
const WILD_CONFIG_KEYS: &[&str] = &["titel", "x", "", "enabled.x", "中"];

/// One generated site: its files (path relative to the site, text) and the build options.
#[derive(Clone)]
struct Site {
    files: Vec<(String, String)>,
    drafts: bool,
    strict: bool,
    serving: bool,
}

impl fmt::Debug for Site {
    /// The files in full, so a failure prints a site one can write out and build.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (drafts, strict, serving) = (self.drafts, self.strict, self.serving);
        writeln!(
            f,
            "Site (drafts {drafts}, strict {strict}, serving {serving})"
        )?;
        for (path, text) in &self.files {
            writeln!(f, "----- {path} -----\n{text}")?;
        }
        Ok(())
    }
}

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    select(items).prop_map(str::to_string)
}

/// A short text: mostly words from [`WORDS`], sometimes any printable characters.
fn text() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => vec(pick(WORDS), 0..4).prop_map(|w| w.join(" ")),
        1 => "\\PC{0,12}",
    ]
}

/// Text for inside `[…]`: no brackets, so the link stays a link.
fn link_text() -> impl Strategy<Value = String> + Clone {
    text().prop_map(|t| t.replace(['[', ']'], ""))
}

/// `t` as a TOML basic string.
fn quote(t: &str) -> String {
    let mut q = String::from("\"");
    for c in t.chars() {
        match c {
            '"' | '\\' => {
                q.push('\\');
                q.push(c);
            }
            c if c.is_control() => q.push_str(&format!("\\u{:04X}", c as u32)),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// A TOML string literal, mostly well formed.
fn toml_string() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        8 => text().prop_map(|t| quote(&t)),
        1 => text().prop_map(|t| format!("'{}'", t.replace(['\'', '\n'], ""))),
        1 => text().prop_map(|t| format!("\"{t}")),
        1 => text().prop_map(|t| format!("'''{t}\n{t}'''")),
    ]
}

/// Any TOML-ish value: strings, numbers at the edges of their types, arrays, tables, junk.
fn toml_value() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => toml_string(),
        2 => pick(TOML_SCALARS),
        2 => vec(toml_string(), 0..3).prop_map(|v| format!("[{}]", v.join(", "))),
        1 => pick(TOML_JUNK),
    ]
}

/// Aliases: mostly good ones; else ones that clash with pages, or try to leave the site.
fn alias() -> impl Strategy<Value = String> + Clone {
    let good = (0..1000u32).prop_map(|n| quote(&format!("old/{n}.html")));
    prop_oneof![10 => good, 1 => pick(WILD_ALIASES).prop_map(|a| quote(&a))]
}

/// Well-formed front matter entries: each key at most once, values of its type.
fn front_entries() -> impl Strategy<Value = Vec<String>> + Clone {
    let tags = vec(text(), 0..3).prop_map(|t| {
        let t: Vec<String> = t.iter().map(|t| quote(t)).collect();
        format!("tags = [{}]", t.join(", "))
    });
    let aliases = vec(alias(), 0..3).prop_map(|a| format!("aliases = [{}]", a.join(", ")));
    (
        prop::option::of(pick(WEIGHTS).prop_map(|w| format!("weight = {w}"))),
        prop::option::of(text().prop_map(|d| format!("description = {}", quote(&d)))),
        prop::option::of(tags),
        prop::option::weighted(0.1, aliases),
        prop::option::weighted(0.2, any::<bool>().prop_map(|d| format!("draft = {d}"))),
    )
        .prop_map(|(w, d, t, a, dr)| [w, d, t, a, dr].into_iter().flatten().collect())
}

/// Anything in front matter: known and unknown keys with values of any type, repeated keys.
fn wild_front_entries() -> impl Strategy<Value = Vec<String>> + Clone {
    let entry = prop_oneof![
        3 => (pick(WILD_FRONT_KEYS), toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => text(),
    ];
    vec(entry, 0..4)
}

/// Front matter: mostly `+++` with a title and well-formed keys; rarely (each about 1 in 100
/// files) broken delimiters, no title, or anything at all.
fn front_matter() -> impl Strategy<Value = String> + Clone {
    let open = prop_oneof![150 => Just("+++\n".to_string()), 1 => pick(FRONT_OPENERS)];
    let close = prop_oneof![150 => Just("+++\n".to_string()), 1 => pick(FRONT_CLOSERS)];
    let title = prop_oneof![
        100 => (pick(TITLE_WORDS), text())
            .prop_map(|(w, t)| format!("title = {}\n", quote(&format!("{w}{t}")))),
        1 => prop_oneof![toml_value().prop_map(|v| format!("title = {v}\n")), Just(String::new())],
    ];
    let entries = prop_oneof![100 => front_entries(), 1 => wild_front_entries()];
    (open, close, title, entries).prop_map(|(open, close, title, rest)| {
        let mut s = format!("{open}{title}");
        for line in rest {
            s.push_str(&line);
            s.push('\n');
        }
        s.push_str(&close);
        s
    })
}

/// Percent-escape every byte of `s` outside [A-Za-z0-9./_-].
fn percent_encode(s: &str, upper: bool) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"./_-".contains(&b) {
                (b as char).to_string()
            } else if upper {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            }
        })
        .collect()
}

/// How a link's path is written.
#[derive(Clone, Debug, PartialEq)]
enum Escape {
    Plain,
    /// Every byte outside [A-Za-z0-9./_-] percent-escaped, in upper or lower case hex.
    Upper,
    Lower,
    /// `bad` (a `%` not followed by two hex digits, or escapes of half a character) inserted
    /// at the character boundary `at` (modulo the number of boundaries).
    Broken {
        bad: String,
        at: usize,
    },
}

impl Escape {
    fn apply(&self, path: &str) -> String {
        match self {
            Escape::Plain => path.to_string(),
            Escape::Upper => percent_encode(path, true),
            Escape::Lower => percent_encode(path, false),
            Escape::Broken { bad, at } => {
                let cuts: Vec<usize> = path.char_indices().map(|(i, _)| i).collect();
                let i = cuts
                    .get(at % (cuts.len() + 1))
                    .copied()
                    .unwrap_or(path.len());
                format!("{}{bad}{}", &path[..i], &path[i..])
            }
        }
    }

    /// A form that fits in a page-link marker (see [`MARK`]); [`Escape::from_mark`] reads it.
    fn to_mark(&self) -> String {
        match self {
            Escape::Plain => "P".into(),
            Escape::Upper => "U".into(),
            Escape::Lower => "L".into(),
            Escape::Broken { bad, at } => format!("B{at} {bad}"),
        }
    }

    fn from_mark(mark: &str) -> Escape {
        match mark {
            "U" => Escape::Upper,
            "L" => Escape::Lower,
            _ => match mark.strip_prefix('B').and_then(|m| m.split_once(' ')) {
                Some((at, bad)) => Escape::Broken {
                    bad: bad.to_string(),
                    at: at.parse().unwrap(),
                },
                None => Escape::Plain,
            },
        }
    }
}

fn broken_escape() -> impl Strategy<Value = Escape> + Clone {
    (pick(BAD_ESCAPES), 0..64usize).prop_map(|(bad, at)| Escape::Broken { bad, at })
}

/// Mostly plain; escaped now and then; broken rarely (a link with a broken escape is dead).
fn escape() -> impl Strategy<Value = Escape> + Clone {
    prop_oneof![
        60 => Just(Escape::Plain),
        15 => Just(Escape::Upper),
        15 => Just(Escape::Lower),
        3 => broken_escape(),
    ]
}

/// Marks a link to a page of the site in a generated body; [`site`] replaces it with the
/// relative path from the linking file.
const MARK: char = '\u{1}';

/// A link to a page of the site (as a marker: see [`MARK`]), sometimes percent-escaped,
/// sometimes with an anchor.
fn page_link() -> impl Strategy<Value = String> + Clone {
    let anchor = prop::option::weighted(0.08, pick(ANCHORS));
    (0..PAGES.len(), escape(), anchor).prop_map(|(page, escape, anchor)| {
        let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
        format!("{MARK}{page}{MARK}{}{MARK}{anchor}", escape.to_mark())
    })
}

/// `body` with every page-link marker replaced by the path from `from_dir` (a folder under
/// content/) to that page.
fn resolve_marks(body: &str, from_dir: &str) -> String {
    let mut parts = body.split(MARK);
    let mut out = parts.next().unwrap_or_default().to_string();
    while let (Some(page), Some(escape), Some(rest)) = (parts.next(), parts.next(), parts.next()) {
        let (dir, name) = PAGES[page.parse::<usize>().unwrap()];
        let path = if from_dir == dir {
            name.to_string()
        } else {
            let up = Path::new(from_dir).components().count();
            let target = Path::new(dir).join(name);
            format!("{}{}", "../".repeat(up), target.display())
        };
        out.push_str(&Escape::from_mark(escape).apply(&path));
        out.push_str(rest);
    }
    out
}

/// A link target: mostly a page of the site; else wrong relative paths, Chinese names, `..`
/// beyond the root, anchors, percent-escapes good and broken, schemes good and odd.
fn link_dest() -> impl Strategy<Value = String> + Clone {
    prop_oneof![12 => page_link(), 1 => wild_link_dest()]
}

fn wild_link_dest() -> impl Strategy<Value = String> + Clone {
    let scheme = prop_oneof![6 => Just(String::new()), 1 => pick(SCHEMES)];
    let anchor = prop::option::of(pick(ANCHORS));
    let escape = prop_oneof![2 => escape(), 1 => broken_escape()];
    (scheme, pick(WILD_LINK_PATHS), anchor, escape).prop_map(|(scheme, path, anchor, escape)| {
        let path = escape.apply(&path);
        match anchor {
            Some(a) => format!("{scheme}{path}#{a}"),
            None => format!("{scheme}{path}"),
        }
    })
}

/// A link in one of Markdown's forms.
fn link() -> impl Strategy<Value = String> + Clone {
    (0..6u8, link_text(), link_dest()).prop_map(|(form, t, d)| match form {
        0 => format!("[{t}](<{d}>)"),
        1 => format!("[{t}]({d} \"title\")"),
        2 => format!("[{t}][r]\n\n[r]: {d}"),
        3 => format!("<{d}>"),
        4 => format!("<a href=\"{d}\">{t}</a>"),
        _ => format!("[{t}]({d})"),
    })
}

/// An image: Markdown (plain, in angle brackets, with a title, inside a link) or a raw `<img>`
/// tag (quoted, bare, unclosed); its source mostly one of the site's images.
fn image() -> impl Strategy<Value = String> + Clone {
    let src = prop_oneof![10 => pick(GOOD_IMAGES), 1 => pick(WILD_IMAGES)];
    (0..7u8, text(), src).prop_map(|(form, alt, src)| match form {
        0 => format!("![{alt}](<{src}>)"),
        1 => format!("![{alt}]({src} \"t\")"),
        2 => format!("<img src=\"{src}\" alt=\"{alt}\">"),
        3 => format!("<img src={src} alt={alt}>"),
        4 => format!("<img alt='{alt}' src='{src}'"),
        5 => format!("[![{alt}]({src})]({src})"),
        _ => format!("![{alt}]({src})"),
    })
}

/// A heading: ATX (levels 1 to 7) or setext, texts that repeat across pages, with or without
/// an `{#id}`.
fn heading() -> impl Strategy<Value = String> + Clone {
    let title = prop_oneof![3 => pick(HEADINGS), 1 => text()];
    let id = prop::option::of(pick(HEADING_IDS));
    (1..8usize, title, id, any::<bool>()).prop_map(|(n, t, id, setext)| {
        let id = id.map(|i| format!(" {{#{i}}}")).unwrap_or_default();
        if setext {
            format!("{t}{id}\n===")
        } else {
            format!("{} {t}{id}", "#".repeat(n))
        }
    })
}

/// Footnote references and definitions, with labels that may be missing or repeated.
fn footnote() -> impl Strategy<Value = String> + Clone {
    (0..4u8, pick(FOOTNOTE_LABELS), text()).prop_map(|(form, l, t)| match form {
        0 => format!("[^{l}]: {t}"),
        1 => format!("text[^{l}] and[^{l}]"),
        2 => format!("[^{l}]: see[^{l}]"),
        _ => format!("A note[^{l}].\n\n[^{l}]: {t}"),
    })
}

/// A Markdown body: blocks separated by one or two newlines.
fn body() -> impl Strategy<Value = String> + Clone {
    let block = prop_oneof![
        3 => link(),
        2 => image(),
        2 => heading(),
        1 => pick(HTML),
        1 => footnote(),
        1 => pick(STRUCTURE),
        2 => text(),
    ];
    vec((block, any::<bool>()), 0..8).prop_map(|blocks| {
        let mut s = String::new();
        for (b, tight) in blocks {
            s.push_str(&b);
            s.push_str(if tight { "\n" } else { "\n\n" });
        }
        s
    })
}

/// `key = value` lines, each key at most once, with values of its type (edge values too).
fn typed_entries(
    keys: &'static [(&'static str, &'static [&'static str])],
) -> impl Strategy<Value = String> + Clone {
    let lines: Vec<_> = keys
        .iter()
        .map(|&(k, values)| prop::option::of(pick(values).prop_map(move |v| format!("{k} = {v}"))))
        .collect();
    lines.prop_map(|l| l.into_iter().flatten().collect::<Vec<_>>().join("\n"))
}

/// A `site.toml` whose keys all exist and whose values have their type: never
/// `[print] pdf = true` or `browser` (they would start a browser or another program);
/// `output_dir` is overridden by the build options.
fn valid_site_toml() -> impl Strategy<Value = String> + Clone {
    let top = typed_entries(&[
        ("description", STRINGS),
        ("language", LANGUAGES),
        ("base_url", BASE_URLS),
        ("theme", THEMES),
    ]);
    let search = typed_entries(&[
        ("enabled", BOOLS),
        ("title_boost", BOOSTS),
        ("body_boost", BOOSTS),
        ("snippet_length", SIZES),
        ("max_results", SIZES),
        ("shard_above", SIZES),
    ]);
    let images = typed_entries(&[("max_width", MAX_WIDTHS), ("webp", BOOLS)]);
    let print = typed_entries(&[
        ("title", STRINGS),
        ("subtitle", STRINGS),
        ("paper", STRINGS),
        ("pdf", &["false"]),
    ]);
    let contact = typed_entries(&[("href", CONTACT_HREFS)]);
    let title = prop_oneof![
        50 => text().prop_map(|t| quote(&format!("T{t}"))),
        1 => Just("\" \"".to_string()),
    ];
    let parts = (title, top, search, images, print, vec(contact, 0..3));
    parts.prop_map(|(title, top, search, images, print, contacts)| {
        let mut s = format!("title = {title}\n{top}\n[search]\n{search}\n");
        s.push_str(&format!("[images]\n{images}\n[print]\n{print}\n"));
        for c in contacts {
            s.push_str(&format!(
                "[[contact]]\nlabel = \"电话\"\nvalue = \"<1>\"\n{c}\n"
            ));
        }
        s
    })
}

/// One `key = value` line for a `site.toml` section: any key, any value.
fn wild_entry(keys: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => (pick(keys), toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => (pick(WILD_CONFIG_KEYS), toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => text(),
    ]
}

/// A `site.toml` of anything: unknown keys, wrong types, repeated keys, broken lines.
fn wild_site_toml() -> impl Strategy<Value = String> + Clone {
    let section = |name: &'static str, keys: &'static [&'static str]| {
        vec(wild_entry(keys), 0..4)
            .prop_map(move |lines| format!("[{name}]\n{}\n", lines.join("\n")))
    };
    let sections = vec(
        prop_oneof![
            section(
                "search",
                &["enabled", "title_boost", "snippet_length", "shard_above"]
            ),
            section("images", &["max_width", "webp"]),
            section("print", &["title", "paper"]),
            section("[contact]", &["label", "value", "href"]),
            section("unknown", &["x"]),
        ],
        0..4,
    );
    let top = vec(
        wild_entry(&["title", "description", "language", "base_url", "theme"]),
        0..4,
    );
    (top, sections)
        .prop_map(|(top, sections)| format!("{}\n{}", top.join("\n"), sections.join("\n")))
}

fn site_toml() -> impl Strategy<Value = String> + Clone {
    prop_oneof![20 => valid_site_toml(), 1 => wild_site_toml()]
}

/// A whole site: site.toml, the six pages (each sometimes left out), now and then odd files.
fn site() -> impl Strategy<Value = Site> {
    let page = (prop::bool::weighted(0.98), front_matter(), body());
    let odd = vec((pick(ODD_FILES), front_matter(), body()), 0..2);
    let pages = vec(page, PAGES.len());
    let flags = (any::<bool>(), prop::bool::weighted(0.2), any::<bool>());
    (site_toml(), pages, prop::option::weighted(0.1, odd), flags).prop_map(
        |(toml, pages, odd, (drafts, strict, serving))| {
            let mut files = vec![("site.toml".to_string(), toml)];
            for ((dir, name), (present, front, body)) in PAGES.iter().zip(pages) {
                if present {
                    let path = Path::new("content").join(dir).join(name);
                    let body = resolve_marks(&body, dir);
                    files.push((path.to_string_lossy().into_owned(), front + &body));
                }
            }
            for (path, front, body) in odd.unwrap_or_default() {
                let dir = Path::new(&path)
                    .parent()
                    .unwrap()
                    .strip_prefix("content")
                    .unwrap();
                let body = resolve_marks(&body, &dir.to_string_lossy());
                files.push((path, front + &body));
            }
            Site {
                files,
                drafts,
                strict,
                serving,
            }
        },
    )
}

/// Write `site` under `root`, with the images every site has (good, broken, truncated).
fn write_site(site: &Site, root: &Path) {
    let icon = std::fs::read(common::repo_root().join("tests/fixtures/basic/images/icon.png"))
        .expect("fixture icon");
    for image in IMAGE_FILES {
        let bytes: &[u8] = match *image {
            "images/bad.png" => b"not a png",
            "images/trunc.png" => &icon[..icon.len() / 2],
            _ => &icon,
        };
        write(&root.join(image), bytes);
    }
    for (path, text) in &site.files {
        write(&root.join(path), text.as_bytes());
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Panics seen by the panic hook, in any thread (one that a thread pool or a `join` swallowed
/// would otherwise go unnoticed).
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// How far the cases got, printed at the end so a change that makes every case fail early
/// (and so test nothing) shows.
#[derive(Default)]
struct Tally {
    built: usize,
    build_errors: usize,
    checked_clean: usize,
}

fn run_case(site: &Site, tally: &mut Tally) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write_site(site, &root);
    let before = PANICS.load(Ordering::SeqCst);
    let opts = faqsite::site::BuildOptions {
        root: root.clone(),
        output_dir: Some(tmp.path().join("out")),
        drafts: site.drafts,
        strict: site.strict,
        force: true,
        ..Default::default()
    };
    let built = match site.serving {
        true => faqsite::serve::update::build_then(&opts, &mut Default::default(), &mut |_| {}),
        false => faqsite::site::build(&opts),
    };
    match &built {
        Ok(_) => tally.built += 1,
        Err(e) => {
            tally.build_errors += 1;
            if std::env::var_os("FAQSITE_FUZZ_VERBOSE").is_some() {
                eprintln!(
                    "build error: {}",
                    e.to_string().lines().next().unwrap_or("")
                );
            }
        }
    }
    let checked = faqsite::check::check(&opts, None);
    // Every file the build and check read was inside the case's site.
    common::assert_reads_inside(&root);
    if !checked.has_errors() {
        tally.checked_clean += 1;
    }
    // `check` is the build without output: the same problems, whatever the input.
    let build_diagnostics = match &built {
        Ok(report) => report.warnings.as_slice(),
        Err(e) => e.diagnostics(),
    };
    if matches!(&built, Ok(_) | Err(faqsite::error::Error::Input(_))) {
        prop_assert_eq!(&checked.diagnostics[..], build_diagnostics);
    }
    prop_assert_eq!(
        PANICS.load(Ordering::SeqCst),
        before,
        "a panic was caught inside the build or check (see the message above)"
    );
    Ok(())
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// The read-recording harness and the fuzz cases, one at a time (each asserts what the
/// recorder saw while it ran).
static HARNESS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The read-recording harness: every file the build opens of the site, through the gate, is
/// recorded with the site folder it was read for; all must be inside the site (and never
/// under `.git/`), and read for this site, on every fixture site and this repository's site.
#[test]
fn every_file_read_is_inside_the_site() {
    let _alone = HARNESS.lock().unwrap_or_else(|e| e.into_inner());
    faqsite::paths::recorder::start();
    let _ = faqsite::paths::recorder::take();
    let mut sites: Vec<(tempfile::TempDir, std::path::PathBuf)> =
        ["basic", "check", "english", "problems"]
            .iter()
            .map(|name| common::fixture(name))
            .collect();
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo-site");
    std::fs::create_dir_all(&repo).unwrap();
    for part in ["site.toml", "content", "images", "themes"] {
        let from = common::repo_root().join(part);
        if from.is_dir() {
            common::copy_dir(&from, &repo.join(part));
        } else {
            std::fs::copy(&from, repo.join(part)).unwrap();
        }
    }
    sites.push((tmp, repo));
    for (tmp, site) in &sites {
        let opts = faqsite::site::BuildOptions {
            root: site.clone(),
            output_dir: Some(tmp.path().join("out")),
            ..Default::default()
        };
        let _ = faqsite::site::build(&opts);
        let _ = faqsite::check::check(&opts, None);
        common::assert_reads_inside(site);
    }
}

#[test]
fn no_input_makes_build_or_check_panic() {
    let _alone = HARNESS.lock().unwrap_or_else(|e| e.into_inner());
    faqsite::paths::recorder::start();
    let _ = faqsite::paths::recorder::take();
    let cases = env_number("FAQSITE_FUZZ_CASES", 256) as u32;
    let seed = env_number("FAQSITE_FUZZ_SEED", 10);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));
    let config = Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        // Each case is a build; shrinking a failure stays within a minute or two.
        max_shrink_iters: 300,
        ..Config::default()
    };
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let tally = std::cell::RefCell::new(Tally::default());
    let result = runner.run(&site(), |site| run_case(&site, &mut tally.borrow_mut()));
    let t = tally.borrow();
    // Written to stderr itself, not with `eprintln!` (which libtest captures), so that every
    // run shows how many cases reached each stage.
    let _ = writeln!(
        std::io::stderr(),
        "fuzz: {cases} cases (seed {seed}) and their shrinking: {} built, {} refused with errors, \
         {} passed check",
        t.built,
        t.build_errors,
        t.checked_clean
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // Most cases hold a mistake somewhere; enough must build that the later stages (images,
    // search, templates, output) are fuzzed too.
    assert!(
        t.built * 10 >= cases as usize,
        "only {} of {cases} cases built: the strategies make too many sites that fail early",
        t.built
    );
}

/// A long document for `import`: headings of any level, paragraphs, links between sections and
/// to the other document, images inside and outside its folder, structure left open.
fn long_document() -> impl Strategy<Value = String> {
    let heading = (1usize..5, prop_oneof![pick(HEADINGS), text()])
        .prop_map(|(n, t)| format!("{} {t}", "#".repeat(n)));
    let block = prop_oneof![
        3 => heading,
        3 => text(),
        1 => pick(STRUCTURE),
        1 => pick(FRONT_OPENERS),
        1 => (link_text(), pick(HEADINGS)).prop_map(|(t, h)| format!("[{t}](#{h})")),
        1 => link_text().prop_map(|t| format!("[{t}](other.md#a) ![{t}](pics/a.png) ![x](../x.png)")),
    ];
    vec(block, 0..24).prop_map(|b| b.join("\n\n"))
}

#[test]
fn no_document_makes_import_panic() {
    let config = Config {
        cases: 128,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7u8; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&(long_document(), long_document()), |(a, b)| {
        let tmp = tempfile::tempdir().unwrap();
        let docs = tmp.path().join("docs");
        std::fs::create_dir_all(docs.join("pics")).unwrap();
        std::fs::write(docs.join("pics/a.png"), b"png").unwrap();
        let files = [docs.join("faq.md"), docs.join("other.md")];
        std::fs::write(&files[0], a).unwrap();
        std::fs::write(&files[1], b).unwrap();
        let _ = faqsite::import::import(&files, &tmp.path().join("site"), false);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
