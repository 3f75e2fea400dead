//! Words the search treats specially, written into the index options so `search.js` reads
//! them instead of keeping copies: the stop words (dropped) and question words (weighing
//! little against a query's symptom words) of the site's `language`, and the site's synonym
//! groups, which become one extra term per group in every field that contains one of the
//! group's words.

use serde::Serialize;

use super::normalize;
use crate::config::SearchConfig;

/// The words of one language the search treats specially.
#[derive(Debug, PartialEq)]
pub struct LanguageWords {
    /// The primary language subtag (`zh`, `en`) of the `language`s it serves.
    pub code: &'static str,
    /// Dropped from text and queries: they say nothing about any answer.
    pub stop: &'static [&'static str],
    /// Question words and particles: what a query asks, not what it is about. A query word's
    /// weight scales what its matches add to a result's score and to the share of the query
    /// the result covers, so a query's symptom words decide its ranking.
    pub weak: &'static [(&'static str, f64)],
}

/// What a question word weighs against a symptom word (1).
const WEAK: f64 = 0.2;

/// The languages with special words; the site's `language` picks one by its primary subtag.
pub const LANGUAGES: [LanguageWords; 2] = [
    LanguageWords {
        code: "zh",
        stop: &["的", "了"],
        weak: &[
            ("怎么办", WEAK),
            ("怎么", WEAK),
            ("如何", WEAK),
            ("为什么", WEAK),
            ("请问", WEAK),
            ("吗", WEAK),
            ("呢", WEAK),
            ("啊", WEAK),
            ("吧", WEAK),
            ("怎样", WEAK),
            ("哪", WEAK),
            ("哪里", WEAK),
            ("在哪", WEAK),
            ("多少", WEAK),
        ],
    },
    LanguageWords {
        code: "en",
        // Articles, pronouns and linking verbs; never a negation ("not working" is a symptom).
        stop: &[
            "a", "an", "the", "i", "me", "my", "it", "its", "is", "are", "am", "was", "be", "to",
            "of", "and", "or", "this", "that", "s",
        ],
        weak: &[
            ("how", WEAK),
            ("what", WEAK),
            ("why", WEAK),
            ("when", WEAK),
            ("where", WEAK),
            ("which", WEAK),
            ("who", WEAK),
            ("do", WEAK),
            ("does", WEAK),
            ("did", WEAK),
            ("can", WEAK),
            ("could", WEAK),
            ("should", WEAK),
            ("would", WEAK),
            ("will", WEAK),
            ("we", WEAK),
            ("our", WEAK),
            ("you", WEAK),
            ("your", WEAK),
            ("please", WEAK),
            ("in", WEAK),
            ("on", WEAK),
            ("for", WEAK),
            ("with", WEAK),
        ],
    },
];

/// No special words: a language without a table.
const NONE: LanguageWords = LanguageWords {
    code: "",
    stop: &[],
    weak: &[],
};

/// The special words of `language` (`zh-CN`, `zh-TW` → `zh`; `en-GB` → `en`); none for a
/// language without a table (another language's stop words would drop real words).
pub fn language_words(language: &str) -> &'static LanguageWords {
    let primary = language.split(['-', '_']).next().unwrap_or("");
    LANGUAGES
        .iter()
        .find(|l| l.code.eq_ignore_ascii_case(primary))
        .unwrap_or(&NONE)
}

/// Everything that decides which words the index and the client treat specially: the site's
/// language's words and its synonym groups.
#[derive(Debug)]
pub struct Words {
    pub language: &'static LanguageWords,
    pub synonyms: Synonyms,
    /// Which bytes a stop word begins with: a token beginning with another is none, without
    /// comparing it with each (every token of every field is asked; a Chinese token against
    /// English stop words was a fifth of an English index's term counting).
    stop_starts: [bool; 256],
}

impl Words {
    pub fn new(config: &SearchConfig) -> Words {
        let language = language_words(&config.language);
        let mut stop_starts = [false; 256];
        for w in language.stop {
            if let Some(&b) = w.as_bytes().first() {
                stop_starts[usize::from(b)] = true;
            }
        }
        Words {
            language,
            synonyms: Synonyms::new(&config.synonyms),
            stop_starts,
        }
    }

    /// Whether `token` is one of the site language's stop words (never indexed).
    pub fn is_stop(&self, token: &str) -> bool {
        let may_be = match token.as_bytes().first() {
            Some(&b) => self.stop_starts[usize::from(b)],
            None => true,
        };
        may_be && self.language.stop.contains(&token)
    }

    /// Bytes that change when the words do (part of the segmentation cache's key).
    pub fn fingerprint(&self) -> String {
        let stop = self.language.stop.join("\u{1f}");
        format!("{stop}\u{1d}{}", self.synonyms.fingerprint())
    }
}

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

    #[test]
    fn the_site_language_picks_its_words_by_primary_subtag() {
        assert_eq!(language_words("zh-CN").code, "zh");
        assert_eq!(language_words("zh-TW").code, "zh");
        assert_eq!(language_words("en").code, "en");
        assert_eq!(language_words("EN-gb").code, "en");
        assert!(language_words("fr").stop.is_empty() && language_words("fr").weak.is_empty());
        assert!(language_words("en").stop.contains(&"the"));
        assert!(
            !language_words("en").stop.contains(&"not"),
            "negations are symptoms"
        );
    }

    /// The first-byte table only ever says "no" early: `is_stop` agrees with the word list.
    #[test]
    fn is_stop_agrees_with_the_list() {
        let others = [
            "", "thé", "theme", "a1", "的话", "了解", "驱动", "S", "ａ", "\u{0}",
        ];
        for language in ["zh-CN", "en", "fr"] {
            let w = Words::new(&SearchConfig {
                language: language.into(),
                ..Default::default()
            });
            let every = LANGUAGES.iter().flat_map(|l| l.stop.iter().copied());
            for token in every.chain(others) {
                assert_eq!(
                    w.is_stop(token),
                    w.language.stop.contains(&token),
                    "{language}: {token:?}"
                );
            }
        }
    }

    #[test]
    fn stop_words_of_the_site_language_are_dropped_from_a_field() {
        let words = |language: &str| {
            Words::new(&SearchConfig {
                language: language.into(),
                ..Default::default()
            })
        };
        let kept = |w: Words| -> Vec<&str> {
            ["the", "token", "的"]
                .into_iter()
                .filter(|t| !w.is_stop(t))
                .collect()
        };
        assert_eq!(kept(words("en")), ["token", "的"]);
        assert_eq!(kept(words("zh-CN")), ["the", "token"]);
        assert_ne!(words("en").fingerprint(), words("zh-CN").fingerprint());
    }
}
