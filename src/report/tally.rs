//! The events of the logs counted (`faqsite report`): searches grouped by their folded form
//! (spacing, case, width and 繁/简 set aside), opened results, votes and contacts per page,
//! and each day's counts. Memory grows with the distinct queries and pages, not the lines.

use std::collections::{BTreeMap, HashMap};

use super::parse::{Event, Kind};

/// A query as searches are grouped by: full-width forms and case folded, Traditional
/// characters made Simplified, spaces dropped.
pub fn fold(query: &str) -> String {
    let normal = crate::search::normalize(query);
    let compact: String = normal.chars().filter(|c| !c.is_whitespace()).collect();
    fast2s::convert(&compact)
}

/// The search group of `query` (`folded`: each query as sent → its folded form, folded once).
fn group<'g>(
    folded: &mut HashMap<String, String>,
    searches: &'g mut HashMap<String, Group>,
    query: &str,
) -> &'g mut Group {
    if !folded.contains_key(query) {
        folded.insert(query.to_string(), fold(query));
    }
    let key = &folded[query];
    if !searches.contains_key(key) {
        searches.insert(key.clone(), Group::default());
    }
    searches.get_mut(key).expect("inserted above")
}

/// The searches of one folded form.
#[derive(Debug, Default, Clone)]
pub struct Group {
    /// Searches with no result.
    pub misses: u64,
    /// Searches that found something.
    pub found: u64,
    /// Results opened from it.
    pub opened: u64,
    /// Each way it was typed (as sent), and how often.
    pub forms: HashMap<String, u64>,
    /// The questions opened from it, and how often.
    pub pages: HashMap<String, u64>,
}

impl Group {
    /// The form typed most often (the first in text order of those typed as often).
    pub fn shown(&self) -> &str {
        self.forms
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map_or("", |(f, _)| f.as_str())
    }

    /// The forms, most often typed first.
    pub fn forms_by_count(&self) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.forms.iter().map(|(f, n)| (f.as_str(), *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v
    }
}

/// One day's counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub searches: u64,
    pub misses: u64,
    pub opened: u64,
    pub yes: u64,
    pub no: u64,
    pub contacts: u64,
}

/// Everything the logs said.
#[derive(Debug, Default)]
pub struct Tally {
    /// Lines read, and events among them.
    pub lines: u64,
    pub events: u64,
    /// Search groups by folded query.
    pub searches: HashMap<String, Group>,
    /// Votes per question URL: (yes, no).
    pub votes: HashMap<String, (u64, u64)>,
    /// Contacts used: page → contact → count.
    pub contacts: BTreeMap<String, BTreeMap<String, u64>>,
    pub days: BTreeMap<String, Day>,
    /// Each query as sent → its folded form (folded once, not once per line).
    folded: HashMap<String, String>,
}

impl Tally {
    pub fn add(&mut self, e: Event) {
        self.events += 1;
        let day = self.days.entry(e.day).or_default();
        match e.kind {
            Kind::Search { query, results } => {
                let g = group(&mut self.folded, &mut self.searches, &query);
                *g.forms.entry(query).or_default() += 1;
                day.searches += 1;
                if results == 0 {
                    g.misses += 1;
                    day.misses += 1;
                } else {
                    g.found += 1;
                }
            }
            Kind::Open { query, page } => {
                let g = group(&mut self.folded, &mut self.searches, &query);
                g.opened += 1;
                *g.pages.entry(page).or_default() += 1;
                day.opened += 1;
            }
            Kind::Vote { page, yes } => {
                let v = self.votes.entry(page).or_default();
                if yes {
                    v.0 += 1;
                    day.yes += 1;
                } else {
                    v.1 += 1;
                    day.no += 1;
                }
            }
            Kind::Contact { which, page } => {
                *self
                    .contacts
                    .entry(page)
                    .or_default()
                    .entry(which)
                    .or_default() += 1;
                day.contacts += 1;
            }
        }
    }

    /// The groups with searches that found nothing, most frequent first.
    pub fn misses(&self) -> Vec<(&str, &Group)> {
        let mut v: Vec<(&str, &Group)> = (self.searches.iter())
            .filter(|(_, g)| g.misses > 0)
            .map(|(k, g)| (k.as_str(), g))
            .collect();
        v.sort_by(|a, b| b.1.misses.cmp(&a.1.misses).then_with(|| a.0.cmp(b.0)));
        v
    }

    /// The groups whose searches found results none of which was opened, most frequent first.
    pub fn unopened(&self) -> Vec<(&str, &Group)> {
        let mut v: Vec<(&str, &Group)> = (self.searches.iter())
            .filter(|(_, g)| g.found > 0 && g.opened == 0)
            .map(|(k, g)| (k.as_str(), g))
            .collect();
        v.sort_by(|a, b| b.1.found.cmp(&a.1.found).then_with(|| a.0.cmp(b.0)));
        v
    }

    /// Questions with votes: (URL, yes, no), the largest share of "no" first, then the most
    /// "no" votes.
    pub fn votes_by_no(&self) -> Vec<(&str, u64, u64)> {
        let mut v: Vec<(&str, u64, u64)> = (self.votes.iter())
            .map(|(p, (y, n))| (p.as_str(), *y, *n))
            .collect();
        // n1/(y1+n1) > n2/(y2+n2) without division: n1·(y2+n2) > n2·(y1+n1).
        v.sort_by(|a, b| {
            (b.2 * (a.1 + a.2))
                .cmp(&(a.2 * (b.1 + b.2)))
                .then_with(|| b.2.cmp(&a.2))
                .then_with(|| a.0.cmp(b.0))
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_case_width_and_traditional_fold_together() {
        let forms = [
            "U盾 丢了",
            "u盾丢了",
            "Ｕ盾丢了",
            "U盾丟了",
            " U 盾  丢 了 ",
        ];
        let folded: Vec<String> = forms.iter().map(|f| fold(f)).collect();
        assert!(folded.iter().all(|f| f == "u盾丢了"), "{folded:?}");
        assert_ne!(fold("U盾坏了"), fold("U盾丢了"));
        assert_eq!(fold("證書過期"), "证书过期");
    }

    #[test]
    fn groups_count_misses_opens_and_the_shares_of_no() {
        let mut t = Tally::default();
        let ev = |kind| Event {
            day: "2026-12-05".into(),
            kind,
        };
        for q in ["U盾丢了", "u盾 丢了", "U盾丢了"] {
            t.add(ev(Kind::Search {
                query: q.into(),
                results: 0,
            }));
        }
        t.add(ev(Kind::Search {
            query: "密码".into(),
            results: 3,
        }));
        t.add(ev(Kind::Search {
            query: "驱动".into(),
            results: 2,
        }));
        t.add(ev(Kind::Open {
            query: "驱动".into(),
            page: "a.html".into(),
        }));
        for (page, yes) in [("a.html", true), ("a.html", false), ("b.html", false)] {
            t.add(ev(Kind::Vote {
                page: page.into(),
                yes,
            }));
        }
        let misses = t.misses();
        assert_eq!(misses.len(), 1);
        assert_eq!((misses[0].1.misses, misses[0].1.shown()), (3, "U盾丢了"));
        let unopened: Vec<&str> = t.unopened().iter().map(|(k, _)| *k).collect();
        assert_eq!(unopened, ["密码"]);
        assert_eq!(t.votes_by_no(), [("b.html", 0, 1), ("a.html", 1, 1)]);
        assert_eq!(t.days["2026-12-05"].misses, 3);
    }
}
