//! Code blocks and tables: a fenced block in a known language is highlighted at build time
//! (syntect; its tokens get `hl-…` classes that the theme colours, light and dark), any other
//! stays plain escaped text (the theme's script adds a copy button to each); a table is wrapped in a box that scrolls sideways on its own.

use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::{Events, PageRender};
use crate::html::escape;

/// The grammars, loaded the first time a page has a code block in a language (~20 ms).
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The prefix of every token class (`hl-keyword`, `hl-string`, …).
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The language named by a fence's info string (`python`, `sh {.line-numbers}`, `js,ignore`).
fn language(info: &str) -> &str {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or("")
}

/// `code` as highlighted HTML (the inside of `<code>`), when `lang` is a language syntect
/// knows; `None` for any other (shown as plain text).
pub fn highlight(lang: &str, code: &str) -> Option<String> {
    if lang.is_empty() || lang.eq_ignore_ascii_case("text") || lang.eq_ignore_ascii_case("txt") {
        return None;
    }
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        html.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(html.finalize())
}

impl<'a> PageRender<'a> {
    /// A code block: its text read to its end, written highlighted or escaped.
    pub(super) fn code_block(&mut self, kind: CodeBlockKind<'a>, iter: &mut impl Events<'a>) {
        let mut code = String::new();
        for (e, _) in iter.by_ref() {
            match e {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => code.push_str(&t),
                _ => {}
            }
        }
        self.text.push_str(&code);
        self.text.push('\n');
        let lang = match &kind {
            CodeBlockKind::Fenced(info) => language(info),
            CodeBlockKind::Indented => "",
        };
        let mut html = String::with_capacity(code.len() * 2 + 64);
        html.push_str("<div class=\"code-block\"><pre class=\"code\" tabindex=\"0\"");
        if !lang.is_empty() {
            let lang = escape(lang);
            html.push_str(" data-lang=\"");
            html.push_str(&lang);
            html.push_str("\"><code class=\"language-");
            html.push_str(&lang);
            html.push_str("\">");
        } else {
            html.push_str("><code>");
        }
        match highlight(lang, &code) {
            Some(h) => html.push_str(&h),
            None => html.push_str(&escape(&code)),
        }
        html.push_str("</code></pre></div>\n");
        self.events.push(Event::Html(html.into()));
    }

    /// The start of a table, in a box of its own that scrolls sideways (the theme shades the
    /// side with more to see).
    pub(super) fn table_start(&mut self, start: Event<'a>) {
        self.events.push(Event::Html(CowStr::Borrowed(
            "<div class=\"table-wrap\" tabindex=\"0\">",
        )));
        self.events.push(start);
    }

    /// The end of a table and of its box.
    pub(super) fn table_end(&mut self, end: Event<'a>) {
        self.events.push(end);
        self.events.push(Event::Html(CowStr::Borrowed("</div>\n")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_token_classes() {
        let h = highlight("python", "def f():\n    return \"x < y\"  # note\n").unwrap();
        assert!(h.contains("hl-keyword"), "{h}");
        assert!(h.contains("hl-string"), "{h}");
        assert!(h.contains("hl-comment"), "{h}");
        assert!(h.contains("&lt;"), "escaped: {h}");
        assert!(highlight("sh", "echo \"$HOME\"\n").is_some());
    }

    #[test]
    fn unknown_languages_and_plain_text_are_not_highlighted() {
        assert_eq!(highlight("klingon", "x"), None);
        assert_eq!(highlight("text", "x"), None);
        assert_eq!(highlight("", "x"), None);
        assert_eq!(language("js,ignore"), "js");
        assert_eq!(language("sh {.numbered}"), "sh");
    }
}
