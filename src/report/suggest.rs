//! For a search that found nothing, the existing question it was probably after and the
//! keyword that would have found it (`faqsite report`): the site is read as `check` reads it
//! (site.toml, `content/`), its text segmented by the search's own segmenter and stop words.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::PageKind;
use crate::error::Result;
use crate::search::{normalize, FaqChinese, Words};

/// A question of the site, with the words its search knows it by.
struct Question {
    url: String,
    number: String,
    title: String,
    file: PathBuf,
    /// Words of the title, tags and keywords (weighed more).
    title_terms: HashSet<String>,
    /// Words of the answer.
    body_terms: HashSet<String>,
}

/// The site's questions and words.
pub struct Site {
    questions: Vec<Question>,
    vocabulary: HashSet<String>,
    words: Words,
    segmenter: FaqChinese,
}

/// The question a missed search was probably after, and the words of the search the site's
/// index lacks (the keywords to add to that question).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub file: PathBuf,
    pub question: String,
    pub keywords: Vec<String>,
    /// A word of that question's title the first keyword may mean (a synonym group). No
    /// keywords: the site has every word of the search (it missed on a masked number).
    pub synonym: Option<String>,
}

impl Site {
    /// The site at `root`, read as `check` reads it (drafts left out).
    pub fn load(root: &Path) -> Result<Site> {
        let config = Config::load(root)?;
        let content = crate::content::load(root, false, None)?;
        let segmenter = FaqChinese::segmenter();
        let terms = |text: &str| -> HashSet<String> {
            let normal = normalize(text);
            segmenter
                .terms(&normal)
                .into_iter()
                .map(str::to_string)
                .collect()
        };
        let questions: Vec<Question> = (content.pages.iter())
            .filter(|p| matches!(p.kind, PageKind::Question(..)))
            .map(|p| {
                let named = format!("{} {} {}", p.title, p.tags.join(" "), p.keywords.join(" "));
                Question {
                    url: p.url.clone(),
                    number: p.number.clone(),
                    title: p.title.clone(),
                    file: (p.source.path.strip_prefix(root))
                        .unwrap_or(&p.source.path)
                        .to_path_buf(),
                    title_terms: terms(&named),
                    body_terms: terms(&p.source.body),
                }
            })
            .collect();
        let vocabulary = (questions.iter())
            .flat_map(|q| q.title_terms.iter().chain(&q.body_terms).cloned())
            .collect();
        Ok(Site {
            questions,
            vocabulary,
            words: Words::new(&config.search),
            segmenter,
        })
    }

    /// "2.1 Title" of the question at `url`, or `None` when the site has none there.
    pub fn title(&self, url: &str) -> Option<String> {
        let q = self.questions.iter().find(|q| q.url == url)?;
        Some(format!("{} {}", q.number, q.title))
    }

    /// The question closest to `query` and the query's words the index lacks; `None` when no
    /// question shares enough with it.
    pub fn suggest(&self, query: &str) -> Option<Suggestion> {
        let mut normal = normalize(query);
        for masked in MASKS {
            normal = normal.replace(masked, " ");
        }
        let words: Vec<(&str, bool)> = (self.segmenter.terms(&normal).into_iter())
            .filter(|w| !self.words.is_stop(w))
            .map(|w| (w, self.vocabulary.contains(w)))
            .collect();
        let best = self.closest(&words)?;
        let mut keywords: Vec<String> = Vec::new();
        for run in words.split(|(_, known)| *known) {
            let run: Vec<&str> = run.iter().map(|(w, _)| *w).collect();
            let word = trim_title_chars(&joined(&run), &normalize(&best.title));
            if !word.is_empty() && !keywords.contains(&word) {
                keywords.push(word);
            }
        }
        let synonym = keywords.iter().find_map(|k| partner(k, best));
        Some(Suggestion {
            file: best.file.clone(),
            question: format!("{} {}", best.number, best.title),
            keywords,
            synonym,
        })
    }

    /// The question that shares the most with the query's `words` (known to the index or
    /// not), if it shares enough: a known word in its title counts 4, in its answer 2, a
    /// character of an unknown word in its title 2, an unknown Latin word that begins a word
    /// of its title 2 (`u` of `U盾`, `ukey`).
    fn closest(&self, words: &[(&str, bool)]) -> Option<&Question> {
        let score = |q: &Question| {
            let mut points = 0;
            for (w, known) in words {
                if *known {
                    points += 4 * usize::from(q.title_terms.contains(*w))
                        + 2 * usize::from(q.body_terms.contains(*w));
                } else if w.is_ascii() {
                    let begins = q.title_terms.iter().any(|t| t.starts_with(w) && t != w);
                    points += 2 * usize::from(begins);
                } else {
                    let title = normalize(&q.title);
                    points += 2 * w.chars().filter(|c| title.contains(*c)).count();
                }
            }
            points
        };
        let (best, points) = (self.questions.iter()).map(|q| (q, score(q))).fold(
            None,
            |best: Option<(&Question, usize)>, (q, s)| match best {
                Some((_, b)) if b >= s => best,
                _ => Some((q, s)),
            },
        )?;
        (points >= 4).then_some(best)
    }
}

/// The words `feedback.js` puts where it masked a query's personal data.
const MASKS: [&str; 3] = ["[number]", "[email]", "[id]"];

/// Words of a run joined as they were typed: a space only between two Latin words.
fn joined(run: &[&str]) -> String {
    let mut out = String::new();
    for w in run {
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(out.chars().last()) && latin(w.chars().next()) {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// `word` without the Chinese characters at its ends that the title has (丢 of `u盾丢`, when
/// the title says 丢失): what is left is what the site does not say.
fn trim_title_chars(word: &str, title: &str) -> String {
    let drop = |c: char| !c.is_ascii() && title.contains(c);
    word.trim_start_matches(drop)
        .trim_end_matches(drop)
        .to_string()
}

/// A word of the question's title that `keyword` may stand for: one it shares its first
/// letter or a character with, the longest shared beginning first (`u盾` → `ukey`).
fn partner(keyword: &str, q: &Question) -> Option<String> {
    let first = keyword.chars().next()?;
    let mut terms: Vec<&String> = (q.title_terms.iter())
        .filter(|t| t.chars().count() > 1 && t.as_str() != keyword)
        .filter(|t| t.starts_with(first) || t.chars().any(|c| !c.is_ascii() && keyword.contains(c)))
        .collect();
    terms.sort_by_key(|t| {
        (
            std::cmp::Reverse(common_prefix(keyword, t)),
            t.len(),
            t.to_string(),
        )
    });
    terms.first().map(|t| t.to_string())
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missed_search_gets_the_closest_question_and_the_word_it_lacks() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feedback");
        let site = Site::load(&root).unwrap();
        let s = site.suggest("u盾丢了").unwrap();
        assert!(s.file.ends_with("ukey-lost.md"), "{s:?}");
        assert_eq!(s.keywords, ["u盾"]);
        assert_eq!(s.synonym.as_deref(), Some("ukey"));
        // Masked personal data is no keyword; known words find their question.
        let s = site.suggest("挂失电话 [number]").unwrap();
        assert!(s.file.ends_with("ukey-lost.md"), "{s:?}");
        assert!(s.keywords.is_empty() && s.synonym.is_none(), "{s:?}");
        assert_eq!(site.suggest("天气预报"), None);
        assert_eq!(
            site.title("01-account/reset-password.html").as_deref(),
            Some("1.1 忘记登录密码怎么办？")
        );
    }
}
