//! A page title's inline Markdown (`code`, *emphasis*, ~~strike~~, links) rendered once, to
//! inline HTML for headings and lists and to clean text for `<title>`, JSON-LD, descriptions,
//! the search index and the PDF outline. A link in a title renders as its text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::html::escape;

/// A title rendered both ways.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Title {
    /// Inline HTML (escaped text, `<code>`, `<em>`, `<strong>`, `<del>`): safe to insert as is.
    pub html: String,
    /// The words alone: no backticks, no `*`, no `[text](url)`.
    pub text: String,
    /// Whether the title held a link (rendered as its text).
    pub has_link: bool,
}

/// The hint of the warning for a link in a title.
pub const LINK_HINT: &str =
    "links in titles are not clickable in lists and search results; move the link to the answer";

/// Render a title written in Markdown. Only inline markup counts: a title that reads like the
/// start of a block (`# …`, `- …`, `1. …`, `> …`) keeps those characters as text.
pub fn render(title: &str) -> Title {
    let source = inline_only(title.trim());
    let mut out = Title::default();
    for event in Parser::new_ext(&source, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) => {
                out.html.push_str(&escape(&t));
                out.text.push_str(&t);
            }
            Event::Code(t) => {
                out.html.push_str("<code>");
                out.html.push_str(&escape(&t));
                out.html.push_str("</code>");
                out.text.push_str(&t);
            }
            // Raw HTML in a title is shown as written, as text.
            Event::InlineHtml(t) | Event::Html(t) => {
                out.html.push_str(&escape(&t));
                out.text.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => {
                out.html.push(' ');
                out.text.push(' ');
            }
            Event::Start(tag) => out.html.push_str(open(&tag, &mut out.has_link)),
            Event::End(tag) => out.html.push_str(close(tag)),
            _ => {}
        }
    }
    out
}

fn open(tag: &Tag<'_>, has_link: &mut bool) -> &'static str {
    match tag {
        Tag::Emphasis => "<em>",
        Tag::Strong => "<strong>",
        Tag::Strikethrough => "<del>",
        Tag::Link { .. } | Tag::Image { .. } => {
            *has_link |= matches!(tag, Tag::Link { .. });
            ""
        }
        _ => "",
    }
}

fn close(tag: TagEnd) -> &'static str {
    match tag {
        TagEnd::Emphasis => "</em>",
        TagEnd::Strong => "</strong>",
        TagEnd::Strikethrough => "</del>",
        _ => "",
    }
}

/// `title` with a backslash before a character that would start a block (a heading, list,
/// quotation, thematic break or code fence), so that the parser reads one paragraph.
fn inline_only(title: &str) -> String {
    let bytes = title.as_bytes();
    let first = bytes.first().copied().unwrap_or(b' ');
    let then_space = bytes.get(1).is_none_or(|b| b.is_ascii_whitespace());
    let rule = title.len() >= 3 && title.bytes().all(|b| b" *-_".contains(&b));
    let digits = title.bytes().take_while(u8::is_ascii_digit).count();
    let mut s = String::with_capacity(title.len() + 1);
    let block = match first {
        b'#' => then_space || title.bytes().all(|b| b == b'#'),
        b'-' | b'+' | b'*' => then_space,
        b'>' => true,
        b'`' | b'~' => title.starts_with("```") || title.starts_with("~~~"),
        _ => false,
    };
    if block || rule {
        s.push('\\');
        s.push_str(title);
    } else if digits > 0 && matches!(bytes.get(digits), Some(b'.' | b')')) {
        s.push_str(&title[..digits]);
        s.push('\\');
        s.push_str(&title[digits..]);
    } else {
        s.push_str(title);
    }
    // A line break inside a title would end the paragraph.
    s.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_renders_to_html_and_clean_text() {
        let t = render("How do I run `brew` with *sudo* and **root**?");
        assert_eq!(
            t.html,
            "How do I run <code>brew</code> with <em>sudo</em> and <strong>root</strong>?"
        );
        assert_eq!(t.text, "How do I run brew with sudo and root?");
        assert!(!t.has_link);
    }

    #[test]
    fn a_link_renders_as_its_text_and_is_reported() {
        let t = render("See [the manual](https://example.com) for `x < y`");
        assert_eq!(t.html, "See the manual for <code>x &lt; y</code>");
        assert_eq!(t.text, "See the manual for x < y");
        assert!(t.has_link);
    }

    #[test]
    fn block_starts_and_html_stay_text() {
        for title in [
            "# not a heading",
            "- item",
            "1. first",
            "> quote",
            "***",
            "```x",
        ] {
            assert_eq!(render(title).text, title, "{title}");
        }
        let t = render("a <b>bold</b> & co");
        assert_eq!(t.html, "a &lt;b&gt;bold&lt;/b&gt; &amp; co");
        assert_eq!(t.text, "a <b>bold</b> & co");
        assert_eq!(render("证书过期怎么办？").html, "证书过期怎么办？");
        assert_eq!(render("*sudo* is bad").html, "<em>sudo</em> is bad");
    }
}
