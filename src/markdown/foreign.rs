//! Syntax of other site generators that faqsite would publish as text: Hugo shortcodes
//! (`{{< … >}}`, `{{% … %}}`), template variables (`{{{ .x }}}`, `{{ .Site.… }}`), Liquid tags
//! (`{% … %}`) and kramdown attributes (`{:toc}`, `{: .class}`); a warning at file:line for
//! each, except inside code spans and blocks, where they are examples.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::{options, Lines};
use crate::content::Page;
use crate::error::Diagnostic;

/// One warning per piece of foreign syntax in `page`'s Markdown outside code.
pub(super) fn warnings(page: &Page, body: &str) -> Vec<Diagnostic> {
    let found = occurrences(body);
    if found.is_empty() {
        return Vec::new();
    }
    let lines = Lines::new(body, page.source.body_line);
    let warning = |(kind, at): (Kind, Range<usize>)| {
        let col = crate::error::line_col(body, at.start).1;
        let shown: String = body[at.clone()].chars().take(60).collect();
        Diagnostic::new(
            &page.source.path,
            lines.line(at.start),
            format!("{} {shown} is shown as text", kind.name()),
        )
        .col(col)
        .hint(kind.hint())
        .warning()
    };
    found.into_iter().map(warning).collect()
}

/// Every piece of foreign syntax in `body` outside code, in order.
fn occurrences(body: &str) -> Vec<(Kind, Range<usize>)> {
    // Most pages have none of it: they are not parsed a second time.
    if !body
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'{' && matches!(w[1], b'{' | b'%' | b':'))
    {
        return Vec::new();
    }
    let code = code_ranges(body);
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(i) = body[at..].find('{') {
        let start = at + i;
        let Some((kind, end)) = foreign_at(body, start) else {
            at = start + 1;
            continue;
        };
        at = end;
        if !code.iter().any(|r| r.contains(&start)) && !ends_heading(body, kind, start..end) {
            found.push((kind, start..end));
        }
    }
    found
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Shortcode,
    Variable,
    Liquid,
    Kramdown,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Shortcode => "Hugo shortcode",
            Kind::Variable => "template variable",
            Kind::Liquid => "Liquid tag",
            Kind::Kramdown => "kramdown attribute",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Kind::Shortcode => "faqsite runs no shortcodes: write what it stands for in Markdown (a fenced code block for a command), or delete it; in `code` it is kept as an example",
            Kind::Variable => "faqsite fills in no template variables: write the value itself; in `code` it is kept as an example",
            Kind::Liquid => "faqsite runs no Liquid (Jekyll) tags: write the content in Markdown, or delete it; in `code` it is kept as an example",
            Kind::Kramdown => "faqsite reads no kramdown attributes: delete it (for a heading's id write `## Heading {#id}`)",
        }
    }
}

/// The foreign syntax that starts at `start` (a `{`), and where it ends.
fn foreign_at(body: &str, start: usize) -> Option<(Kind, usize)> {
    let rest = &body[start..];
    let (kind, open, close) = if rest.starts_with("{{<") {
        (Kind::Shortcode, 3, ">}}")
    } else if rest.starts_with("{{%") {
        (Kind::Shortcode, 3, "%}}")
    } else if rest.starts_with("{{{") {
        (Kind::Variable, 3, "}}}")
    } else if rest.starts_with("{{") {
        (Kind::Variable, 2, "}}")
    } else if rest.starts_with("{%") {
        (Kind::Liquid, 2, "%}")
    } else if rest.starts_with("{:") {
        (Kind::Kramdown, 2, "}")
    } else {
        return None;
    };
    // On one line, and not too long: a `{{` in prose is not a template.
    let mut cut = rest.find('\n').unwrap_or(rest.len()).min(400);
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    let line = &rest[..cut];
    let inner_end = line.get(open..)?.find(close)? + open;
    let inner = line[open..inner_end].trim().trim_matches('-').trim();
    let begins = |f: fn(char) -> bool| inner.chars().next().is_some_and(f);
    let plausible = match kind {
        Kind::Shortcode => !inner.is_empty(),
        Kind::Variable => begins(|c| c == '.' || c == '$' || c == '_' || c.is_ascii_alphabetic()),
        Kind::Liquid => begins(|c| c.is_ascii_alphabetic()),
        Kind::Kramdown => {
            let inner = inner.trim_start_matches(':').trim_start();
            inner
                .chars()
                .next()
                .is_some_and(|c| c == '.' || c == '#' || c.is_ascii_alphabetic())
        }
    };
    plausible.then_some((kind, start + inner_end + close.len()))
}

/// Whether `{: …}` at `at` ends an ATX heading's line: there it is the heading's attributes,
/// which set its id (`## Title {: #id}`).
fn ends_heading(body: &str, kind: Kind, at: Range<usize>) -> bool {
    let line_start = body[..at.start].rfind('\n').map_or(0, |n| n + 1);
    let line_end = body[at.end..].find('\n').map_or(body.len(), |n| at.end + n);
    kind == Kind::Kramdown
        && body[line_start..at.start].trim_start().starts_with('#')
        && body[at.end..line_end].trim().is_empty()
}

/// The byte ranges of `body`'s code spans and code blocks.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, r)| r)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Vec<(Kind, &str)> {
        occurrences(body)
            .into_iter()
            .map(|(k, r)| (k, &body[r]))
            .collect()
    }

    #[test]
    fn foreign_syntax_is_found_outside_code() {
        let body = "{{< copyable \"shell-regular\" >}}\n\n```shell\n{{< not this >}}\n```\n\n\
                    Ask {{{ .company }}} or {{ .Site.Params.x }} and `{{% code %}}`.\n\n\
                    {{% notice tip %}}\n\n## Title {: #id}\n\n* [TOC]\n{:toc}\n\nText {: .note} {% include x.html %}\n\n\
                    Sets {a, b} and {{}} and {% and JSON {\"a\": 1} and {:}.\n";
        let kinds: Vec<(Kind, &str)> = found(body);
        assert_eq!(
            kinds,
            [
                (Kind::Shortcode, "{{< copyable \"shell-regular\" >}}"),
                (Kind::Variable, "{{{ .company }}}"),
                (Kind::Variable, "{{ .Site.Params.x }}"),
                (Kind::Shortcode, "{{% notice tip %}}"),
                (Kind::Kramdown, "{:toc}"),
                (Kind::Kramdown, "{: .note}"),
                (Kind::Liquid, "{% include x.html %}"),
            ]
        );
        // Cut at 400 bytes inside a character: no panic, and nothing found.
        assert!(found(&format!("{{{{x{}", "中".repeat(200))).is_empty());
    }
}
