//! Callouts: GitHub alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`)
//! and `:::tip` … `:::` containers (VitePress, Docusaurus) become five kinds of boxes with an
//! icon and a label in the site's language; a plain blockquote stays a quotation.
//!
//! Containers are turned into GitHub alerts before the page is parsed (each line inside gets a
//! `> `, the opening line becomes `> [!KIND]`, the closing line an empty one), so the line
//! numbers of every message stay those of the file.

use std::borrow::Cow;
use std::collections::HashMap;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event};

use super::PageRender;
use crate::content::title;
use crate::html::escape;

/// The five kinds, in the order of [`crate::config::MarkdownConfig::callout_labels`]; their
/// UI strings are `callout_<kind>`.
pub const KINDS: [&str; 5] = ["note", "tip", "important", "warning", "caution"];

/// The labels used when the theme gives none (a theme of its own without the strings).
const DEFAULT_LABELS: [&str; 5] = ["Note", "Tip", "Important", "Warning", "Caution"];

fn index(kind: BlockQuoteKind) -> usize {
    match kind {
        BlockQuoteKind::Note => 0,
        BlockQuoteKind::Tip => 1,
        BlockQuoteKind::Important => 2,
        BlockQuoteKind::Warning => 3,
        BlockQuoteKind::Caution => 4,
    }
}

/// A container's name (`:::info`) → the alert it is written as.
fn container_kind(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "note" | "info" => "NOTE",
        "tip" | "hint" | "success" => "TIP",
        "important" => "IMPORTANT",
        "warning" | "attention" => "WARNING",
        "caution" | "danger" | "error" => "CAUTION",
        _ => return None,
    })
}

/// Icons (24×24, drawn with the text colour of the callout's title).
const ICONS: [&str; 5] = [
    // note: an "i" in a circle
    "<circle cx=\"12\" cy=\"12\" r=\"9\"/><path d=\"M12 11v6M12 7.5v.5\"/>",
    // tip: a light bulb
    "<path d=\"M9 18h6M10 21h4M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3z\"/>",
    // important: a speech bubble with "!"
    "<path d=\"M4 4h16v12H9l-5 4z\"/><path d=\"M12 7v4M12 13.5v.5\"/>",
    // warning: a triangle with "!"
    "<path d=\"M12 3 2 20h20z\"/><path d=\"M12 10v4M12 16.5v.5\"/>",
    // caution: an octagon with "!"
    "<path d=\"M8 3h8l5 5v8l-5 5H8l-5-5V8z\"/><path d=\"M12 8v5M12 15.5v.5\"/>",
];

/// The page's body with its `:::` containers written as GitHub alerts, and the titles given on
/// their opening lines (`:::warning Back up first`), by 0-based line of the body.
pub fn containers(body: &str) -> (Cow<'_, str>, HashMap<usize, String>) {
    if !body.contains(":::") {
        return (Cow::Borrowed(body), HashMap::new());
    }
    let mut out = String::with_capacity(body.len() + 64);
    let mut titles = HashMap::new();
    let mut depth = 0usize;
    let mut fence: Option<(u8, usize)> = None;
    for (n, line) in body.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start().len();
        let prefix = "> ".repeat(depth);
        if let Some((ch, len)) = fence {
            if code_fence(trimmed).is_some_and(|(c, l)| c == ch && l >= len)
                && trimmed.bytes().all(|b| b == ch)
            {
                fence = None;
            }
        } else if let Some(f) = code_fence(trimmed).filter(|_| indent < 4) {
            fence = Some(f);
        } else if let Some(rest) = trimmed.strip_prefix(":::").filter(|_| indent < 4) {
            let rest = rest.trim_start_matches(':');
            let name = rest.split_whitespace().next().unwrap_or("");
            if name.is_empty() && depth > 0 {
                depth -= 1;
                out.push_str(&"> ".repeat(depth));
                out.push('\n');
                continue;
            }
            if let Some(kind) = container_kind(name) {
                let title = rest.trim_start()[name.len()..].trim();
                if !title.is_empty() {
                    titles.insert(n, title.to_string());
                }
                out.push_str(&prefix);
                out.push_str("> [!");
                out.push_str(kind);
                out.push_str("]\n");
                depth += 1;
                continue;
            }
        }
        out.push_str(&prefix);
        out.push_str(line);
    }
    (Cow::Owned(out), titles)
}

/// A line opening or closing a code fence: its character and length.
fn code_fence(trimmed: &str) -> Option<(u8, usize)> {
    let ch = *trimmed.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = trimmed.bytes().take_while(|&b| b == ch).count();
    (len >= 3).then_some((ch, len))
}

impl PageRender<'_> {
    /// The start of a GitHub alert: the callout's box and title (a plain blockquote stays one).
    pub(super) fn callout_start(&mut self, kind: BlockQuoteKind, line: usize) {
        let i = index(kind);
        let given = line
            .checked_sub(self.page.source.body_line)
            .and_then(|n| self.callout_titles.get(&n));
        let title = match given {
            Some(t) => title::render(t).html,
            None => escape(
                self.labels
                    .get(i)
                    .filter(|l| !l.is_empty())
                    .map_or(DEFAULT_LABELS[i], String::as_str),
            ),
        };
        let html = format!(
            "<div class=\"callout callout-{}\" role=\"note\"><p class=\"callout-title\">\
             <svg class=\"callout-icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" \
             aria-hidden=\"true\" focusable=\"false\">{}</svg>{title}</p>\n",
            KINDS[i], ICONS[i]
        );
        self.events.push(Event::Html(html.into()));
    }

    /// The end of a callout.
    pub(super) fn callout_end(&mut self) {
        self.events.push(Event::Html(CowStr::Borrowed("</div>\n")));
        self.text.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_become_alerts_line_for_line() {
        let body = "a\n:::tip Back up\nx\n\n- one\n:::\nb\n";
        let (out, titles) = containers(body);
        assert_eq!(out, "a\n> [!TIP]\n> x\n> \n> - one\n\nb\n");
        assert_eq!(out.lines().count(), body.lines().count());
        assert_eq!(titles.get(&1).map(String::as_str), Some("Back up"));
    }

    #[test]
    fn containers_nest_and_skip_code_and_unknown_names() {
        let body = ":::warning\n:::note\nin\n:::\n```\n:::\n```\n:::\n:::details\nx\n:::\n";
        let (out, _) = containers(body);
        assert_eq!(
            out,
            "> [!WARNING]\n> > [!NOTE]\n> > in\n> \n> ```\n> :::\n> ```\n\n:::details\nx\n:::\n"
        );
        assert!(matches!(containers("none").0, Cow::Borrowed("none")));
    }
}
