//! Words the search treats specially, written into the index options so `search.js` reads
//! them instead of keeping copies: stop words (dropped), question words and particles
//! (weighing little against a query's symptom words), and the site's synonym groups, which
//! become one extra term per group in every field that contains one of the group's words.

use serde::Serialize;

use super::normalize;

/// Dropped from text and queries (elasticlunr-rs's zh stop-word filter).
pub const STOP_WORDS: [&str; 2] = ["的", "了"];

/// Question words and particles: what a query asks, not what it is about. A query word's
/// weight counts in how many of the query's words a result matches.
pub const WEAK_WORDS: [(&str, f64); 14] = [
    ("怎么办", 0.2),
    ("怎么", 0.2),
    ("如何", 0.2),
    ("为什么", 0.2),
    ("请问", 0.2),
    ("吗", 0.2),
    ("呢", 0.2),
    ("啊", 0.2),
    ("吧", 0.2),
    ("怎样", 0.2),
    ("哪", 0.2),
    ("哪里", 0.2),
    ("在哪", 0.2),
    ("多少", 0.2),
];

/// One synonym group as the client sees it: the term the index holds for it and its words,
/// normalised (`search.js` matches them with spaces removed, so "USBKey" is "USB Key").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynonymGroup {
    pub term: String,
    pub words: Vec<String>,
}

/// The site's synonym groups (`[search] synonyms`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Synonyms {
    pub groups: Vec<SynonymGroup>,
}

/// Text with spaces removed, as synonym words are matched.
fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

impl Synonyms {
    /// Groups of fewer than two words are dropped; a group's term is `0` and its first word
    /// (digits and letters survive the index pipeline; no text term starts so).
    pub fn new(config: &[Vec<String>]) -> Synonyms {
        let groups = config
            .iter()
            .map(|g| {
                g.iter()
                    .map(|w| normalize(w.trim()))
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|words| words.len() >= 2)
            .map(|words| SynonymGroup {
                term: format!("0{}", compact(&words[0])),
                words,
            })
            .collect();
        Synonyms { groups }
    }

    /// The group terms of a normalised text, each as often as the group's words occur in it.
    pub fn terms(&self, text: &str) -> Vec<String> {
        if self.groups.is_empty() {
            return Vec::new();
        }
        let text = compact(text);
        let mut out = Vec::new();
        for g in &self.groups {
            let n: usize = g
                .words
                .iter()
                .map(|w| text.matches(compact(w).as_str()).count())
                .sum();
            out.extend(std::iter::repeat_n(g.term.clone(), n));
        }
        out
    }

    /// Bytes that change when the groups do (part of the segmentation cache's key).
    pub fn fingerprint(&self) -> String {
        self.groups
            .iter()
            .map(|g| g.words.join("\u{1f}"))
            .collect::<Vec<_>>()
            .join("\u{1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_of_a_group_counts_for_the_group_term() {
        let s = Synonyms::new(&[
            vec!["U盾".into(), "UKey".into(), "USB Key".into()],
            vec!["alone".into()],
        ]);
        assert_eq!(s.groups.len(), 1);
        assert_eq!(s.groups[0].term, "0u盾");
        assert_eq!(
            s.terms(&normalize("插入USBKey，U盾 与 ＵＳＢ Ｋｅｙ")),
            ["0u盾", "0u盾", "0u盾"]
        );
        assert!(s.terms("驱动").is_empty());
    }
}
