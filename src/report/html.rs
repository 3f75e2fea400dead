//! The report as one self-contained HTML page (`faqsite report --html FILE`): inline CSS, the
//! charts as inline SVG (votes and searches with no result per day), the same lists as the
//! text; no script, nothing loaded from elsewhere. Light and dark.

use std::fmt::Write;

use super::tally::Day;
use super::{text, Report, ROWS};
use crate::html::escape;

const STYLE: &str = "
:root { color-scheme: light dark; --bg: #f6f8fb; --fg: #1d2733; --muted: #4f5d6e; --line: #dfe5ec;
  --yes: #2da44e; --no: #cf222e; --miss: #b45309; --card: #fff; }
@media (prefers-color-scheme: dark) { :root { --bg: #0f141a; --fg: #e3e8ee; --muted: #a9b4c0;
  --line: #2b3642; --yes: #3fb950; --no: #f85149; --miss: #f0b35a; --card: #171e27; } }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.6 -apple-system, \"PingFang SC\",
  \"Microsoft YaHei\", \"Noto Sans CJK SC\", \"Segoe UI\", Roboto, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .5rem 1rem 1rem; margin: 1rem 0; overflow-x: auto; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; }
.lead, .hint, .empty { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.hint { font-size: .9rem; overflow-wrap: anywhere; } p.hint { margin: .2rem 0 0; }
svg text { fill: var(--muted); font-size: 11px; }
.key span { display: inline-block; width: .8em; height: .8em; margin: 0 .3em 0 1em; border-radius: 2px; }
.bar { display: inline-block; height: .7em; background: var(--no); border-radius: 2px; }
";

pub fn render(r: &Report) -> String {
    let mut out =
        String::from("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = write!(
        out,
        "<title>faqsite report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
    );
    let t = &r.tally;
    let _ = writeln!(
        out,
        "<h1>faqsite report</h1>\n<p class=\"lead\">{} log file(s), {} lines, {} events{}</p>",
        r.logs.len(),
        t.lines,
        t.events,
        match (t.days.keys().next(), t.days.keys().next_back()) {
            (Some(a), Some(b)) => format!(", {} to {}", escape(a), escape(b)),
            _ => String::new(),
        }
    );
    chart(r, &mut out);
    misses(r, &mut out);
    unopened(r, &mut out);
    votes(r, &mut out);
    contacts(r, &mut out);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Bars per day: "yes" and "no" votes side by side, searches with no result beside them.
fn chart(r: &Report, out: &mut String) {
    let days: Vec<(&String, &Day)> = r.tally.days.iter().collect();
    out.push_str("<section><h2>Over time</h2>\n<p class=\"key\"><span style=\"background:var(--yes)\"></span>helpful<span style=\"background:var(--no)\"></span>not helpful<span style=\"background:var(--miss)\"></span>searches with no result</p>\n");
    if days.is_empty() {
        out.push_str("<p class=\"empty\">No events.</p></section>\n");
        return;
    }
    let most = (days.iter().flat_map(|(_, d)| [d.yes, d.no, d.misses]))
        .max()
        .unwrap_or(0)
        .max(1);
    let step = 36usize;
    let (w, h) = (40 + step * days.len(), 180usize);
    let _ = writeln!(
        out,
        "<svg role=\"img\" aria-label=\"votes and searches with no result per day\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    let _ = writeln!(
        out,
        "<text x=\"0\" y=\"12\">{most}</text><text x=\"0\" y=\"150\">0</text>"
    );
    for (i, (day, d)) in days.iter().enumerate() {
        let x = 40 + i * step;
        for (k, (n, colour)) in [(d.yes, "yes"), (d.no, "no"), (d.misses, "miss")]
            .into_iter()
            .enumerate()
        {
            let bar = (n * 140 / most) as usize;
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"9\" height=\"{bar}\" fill=\"var(--{colour})\"><title>{}: {n}</title></rect>",
                x + k * 10,
                150 - bar,
                escape(day)
            );
        }
        let label = day.get(5..).unwrap_or(day);
        let _ = writeln!(out, "<text x=\"{x}\" y=\"170\">{}</text>", escape(label));
    }
    out.push_str("</svg></section>\n");
}

fn misses(r: &Report, out: &mut String) {
    let list = r.tally.misses();
    let _ = writeln!(
        out,
        "<section><h2>Searches with no result ({})</h2>",
        list.len()
    );
    if list.is_empty() {
        out.push_str("<p class=\"empty\">None.</p></section>\n");
        return;
    }
    out.push_str(
        "<table><tr><th>searches</th><th>query, as typed, and what would have found it</th></tr>\n",
    );
    for (key, g) in list.iter().take(ROWS) {
        let forms: Vec<String> = (g.forms_by_count().into_iter())
            .map(|(f, n)| format!("{} ×{n}", escape(f)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td>{}<br><span class=\"hint\">{}</span><p class=\"hint\">→ {}</p></td></tr>",
            g.misses,
            escape(g.shown()),
            forms.join(", "),
            escape(&text::suggestion(r, key))
        );
    }
    out.push_str("</table></section>\n");
}

fn unopened(r: &Report, out: &mut String) {
    let list = r.tally.unopened();
    let _ = writeln!(
        out,
        "<section><h2>Searches whose results were never opened ({})</h2>",
        list.len()
    );
    out.push_str("<table><tr><th>searches</th><th>query</th></tr>\n");
    for (_, g) in list.iter().take(ROWS) {
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td>{}</td></tr>",
            g.found,
            escape(g.shown())
        );
    }
    out.push_str("</table></section>\n");
}

fn votes(r: &Report, out: &mut String) {
    let list = r.tally.votes_by_no();
    let _ = writeln!(
        out,
        "<section><h2>Questions by share of “no” votes ({})</h2>",
        list.len()
    );
    out.push_str("<table><tr><th>no</th><th>yes</th><th>share of no</th><th>question</th></tr>\n");
    for (page, yes, no) in list.iter().take(ROWS) {
        let share = 100 * no / (yes + no).max(1);
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{no}</td><td class=\"n\">{yes}</td><td class=\"n\">{share}% <span class=\"bar\" style=\"width:{}px\"></span></td><td>{}</td></tr>",
            share / 2,
            escape(&r.page_name(page))
        );
    }
    out.push_str("</table></section>\n");
}

fn contacts(r: &Report, out: &mut String) {
    let _ = writeln!(out, "<section><h2>Contacts used, per page</h2>");
    out.push_str("<table><tr><th>page</th><th>contact</th><th>used</th></tr>\n");
    for (page, used) in &r.tally.contacts {
        for (which, n) in used {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{n}</td></tr>",
                escape(&r.page_name(page)),
                escape(which)
            );
        }
    }
    out.push_str("</table></section>\n");
}
