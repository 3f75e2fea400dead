//! The report as text for the terminal: one section per question the site's author asks.

use std::fmt::Write;

use super::{Report, ROWS};

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    head(r, &mut out);
    misses(r, &mut out);
    unopened(r, &mut out);
    opened(r, &mut out);
    votes(r, &mut out);
    contacts(r, &mut out);
    out
}

fn head(r: &Report, out: &mut String) {
    let t = &r.tally;
    let days = match (t.days.keys().next(), t.days.keys().next_back()) {
        (Some(a), Some(b)) => format!(", {a} to {b}"),
        _ => String::new(),
    };
    let files = if r.logs.len() == 1 { "file" } else { "files" };
    let _ = writeln!(
        out,
        "faqsite report: {} log {files}, {} lines, {} events{days}",
        r.logs.len(),
        t.lines,
        t.events
    );
    if let Err(why) = &r.site {
        let _ = writeln!(
            out,
            "(the site could not be read, so no titles or suggestions: {why})"
        );
    }
}

fn misses(r: &Report, out: &mut String) {
    let list = r.tally.misses();
    let total: u64 = list.iter().map(|(_, g)| g.misses).sum();
    let _ = writeln!(
        out,
        "\nSearches with no result ({total} searches, {} different)",
        list.len()
    );
    for (key, g) in list.iter().take(ROWS) {
        let _ = write!(out, "  {:>5}  {}", g.misses, g.shown());
        let others: Vec<String> = (g.forms_by_count().into_iter().skip(1))
            .map(|(f, n)| format!("{f} ×{n}"))
            .collect();
        if !others.is_empty() {
            let _ = write!(out, "  (also typed: {})", others.join(", "));
        }
        let _ = writeln!(out);
        if r.site.is_ok() {
            let _ = writeln!(out, "         → {}", suggestion(r, key));
        }
    }
}

/// What would have found a missed search (`key`: its folded form), as a line.
pub fn suggestion(r: &Report, key: &str) -> String {
    match r.suggest(key) {
        Some(s) if s.keywords.is_empty() => format!(
            "the closest question, {} ({}), has every word of it",
            s.question,
            s.file.display()
        ),
        Some(s) => {
            let mut line = format!(
                "add keywords = {:?} to {} ({})",
                s.keywords,
                s.file.display(),
                s.question
            );
            if let Some(word) = &s.synonym {
                let _ = write!(
                    line,
                    ", or [\"{}\", \"{word}\"] to [search] synonyms",
                    s.keywords[0]
                );
            }
            line
        }
        None => "no question is close: a new question may be needed".into(),
    }
}

fn unopened(r: &Report, out: &mut String) {
    let list = r.tally.unopened();
    let _ = writeln!(
        out,
        "\nSearches whose results were never opened ({})",
        list.len()
    );
    for (_, g) in list.iter().take(ROWS) {
        let _ = writeln!(out, "  {:>5}  {}", g.found, g.shown());
    }
}

fn opened(r: &Report, out: &mut String) {
    let mut list: Vec<(&str, &str, u64)> = Vec::new();
    for g in r.tally.searches.values() {
        for (page, n) in &g.pages {
            list.push((g.shown(), page, *n));
        }
    }
    list.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (a.0, a.1).cmp(&(b.0, b.1))));
    let total: u64 = list.iter().map(|x| x.2).sum();
    let _ = writeln!(out, "\nSearch results opened ({total})");
    for (query, page, n) in list.iter().take(ROWS) {
        let _ = writeln!(out, "  {n:>5}  {query} → {}", r.page_name(page));
    }
}

fn votes(r: &Report, out: &mut String) {
    let list = r.tally.votes_by_no();
    let total: u64 = list.iter().map(|(_, y, n)| y + n).sum();
    let _ = writeln!(
        out,
        "\nQuestions by share of \"no\" votes ({} questions, {total} votes)",
        list.len()
    );
    if !list.is_empty() {
        let _ = writeln!(out, "     no    yes  no %  question");
    }
    for (page, yes, no) in list.iter().take(ROWS) {
        let share = 100 * no / (yes + no).max(1);
        let _ = writeln!(
            out,
            "  {no:>5}  {yes:>5}  {share:>3}%  {}",
            r.page_name(page)
        );
    }
}

fn contacts(r: &Report, out: &mut String) {
    let total: u64 = r.tally.contacts.values().flat_map(|m| m.values()).sum();
    let _ = writeln!(out, "\nContacts used, per page ({total})");
    for (page, used) in &r.tally.contacts {
        let _ = writeln!(out, "  {}", r.page_name(page));
        for (which, n) in used {
            let _ = writeln!(out, "    {n:>5}  {which}");
        }
    }
}
