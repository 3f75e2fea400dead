//! Stage 5: the client-side search index, built with elasticlunr-rs and Chinese word
//! segmentation (jieba, elasticlunr's `zh` language).
//!
//! Text is normalised the same way here and in the browser (`search.js`, `normalize`): ASCII
//! in full width (ＵＳＢ１１１１) becomes half width, and everything is lower-cased, so "USB",
//! "usb" and "ＵＳＢ" are one term. One document per question page; the document store of the
//! output keeps what the result list needs (URL, title, chapter, number, a plain-text body for
//! snippets). Written as `search-index.json` and as `search-index.js`, which assigns the same
//! data to `window.FAQSITE_SEARCH` so search works from `file://`, where fetch() is blocked.

use std::collections::BTreeMap;

use elasticlunr::{Index, IndexBuilder};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::SearchConfig;
use crate::error::Result;

/// Format version of the files, bumped when the client must change with them.
pub const FORMAT_VERSION: u32 = 1;
/// The index fields, in the order documents are added.
pub const FIELDS: [&str; 4] = ["title", "body", "chapter", "tags"];
/// Characters of body text kept per document for snippets.
pub const BODY_CHARS: usize = 1500;

/// One question page, as the search stage sees it.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub id: String,
    pub url: String,
    pub title: String,
    pub chapter: String,
    pub number: String,
    pub tags: Vec<String>,
    /// Plain text: markup stripped, images dropped.
    pub body: String,
}

/// The index, ready to write.
pub struct SearchFiles {
    pub js: String,
    pub json: String,
}

#[derive(Serialize)]
struct Options {
    fields: BTreeMap<&'static str, f64>,
    max_results: usize,
    snippet_length: usize,
}

#[derive(Serialize)]
struct StoredDoc<'a> {
    url: &'a str,
    title: &'a str,
    chapter: &'a str,
    number: &'a str,
    body: String,
}

#[derive(Serialize)]
struct File<'a> {
    version: u32,
    options: Options,
    index: &'a Index,
    docs: BTreeMap<&'a str, StoredDoc<'a>>,
}

/// Full-width ASCII → half-width, ideographic space → space, then lower case.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// elasticlunr's Chinese language, except that its trimmer keeps digits: the stock `zh`
/// pipeline trims every token to Han and Latin letters, so phone numbers (0574-87304500), the
/// PIN 1111 or "TW15" could never be found.
#[derive(Clone)]
pub struct FaqChinese(elasticlunr::lang::Chinese);

impl elasticlunr::lang::Language for FaqChinese {
    fn name(&self) -> String {
        "Chinese".into()
    }
    fn code(&self) -> String {
        "zh".into()
    }
    fn tokenize(&self, text: &str) -> Vec<String> {
        self.0.tokenize(text)
    }
    fn make_pipeline(&self) -> elasticlunr::pipeline::Pipeline {
        let mut p = self.0.make_pipeline();
        p.queue[0] = Box::new(elasticlunr::lang::common::RegexTrimmer::new(
            "trimmer-zh",
            r"\p{Unified_Ideograph}\p{Latin}\p{Nd}",
        ));
        p
    }
}

/// Separator between pre-computed tokens handed to elasticlunr (never in normalised text).
const SEP: char = '\u{1F}';

/// Segment text into words with jieba's search mode (as elasticlunr's Chinese language does).
fn tokenize(lang: &FaqChinese, text: &str) -> String {
    use elasticlunr::lang::Language;
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for t in lang.tokenize(text) {
        if t.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(SEP);
        }
        out.push_str(&t);
    }
    out
}

fn split_tokens(s: &str) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split(SEP).map(str::to_string).collect()
    }
}

/// Build the index of `docs`.
pub fn build(config: &SearchConfig, docs: &[SearchDoc]) -> Result<SearchFiles> {
    // Word segmentation is the expensive part: do it for all documents in parallel, then hand
    // the tokens to elasticlunr (which runs its zh pipeline: trimmer, stop words, stemmer).
    let lang = FaqChinese(elasticlunr::lang::Chinese::new());
    let tokens: Vec<[String; 4]> = docs
        .par_iter()
        .map(|d| {
            [
                tokenize(&lang, &normalize(&d.title)),
                tokenize(&lang, &normalize(&d.body)),
                tokenize(&lang, &normalize(&d.chapter)),
                tokenize(&lang, &normalize(&d.tags.join(" "))),
            ]
        })
        .collect();
    let mut builder = IndexBuilder::with_language(Box::new(lang)).save_docs(false);
    for f in FIELDS {
        builder = builder.add_field_with_tokenizer(f, Box::new(split_tokens));
    }
    let mut index = builder.set_ref("id").build();
    for (d, t) in docs.iter().zip(&tokens) {
        index.add_doc(&d.id, t);
    }
    drop(tokens);

    let file = File {
        version: FORMAT_VERSION,
        options: Options {
            fields: BTreeMap::from([
                ("title", config.title_boost),
                ("body", config.body_boost),
                ("chapter", config.chapter_boost),
                ("tags", config.tags_boost),
            ]),
            max_results: config.max_results,
            snippet_length: config.snippet_length,
        },
        index: &index,
        docs: docs
            .iter()
            .map(|d| {
                (
                    d.id.as_str(),
                    StoredDoc {
                        url: &d.url,
                        title: &d.title,
                        chapter: &d.chapter,
                        number: &d.number,
                        body: d.body.chars().take(BODY_CHARS).collect(),
                    },
                )
            })
            .collect(),
    };
    let json = serde_json::to_string(&file).expect("the index serializes");
    // `</script>` must not end the script element when the file is inlined somewhere.
    let js = format!("window.FAQSITE_SEARCH = {};\n", json.replace("</", "<\\/"));
    Ok(SearchFiles { js, json })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            id: id.into(),
            url: format!("{id}.html"),
            title: title.into(),
            chapter: "驱动问题".into(),
            number: "2.1".into(),
            tags: vec!["驱动".into()],
            body: body.into(),
        }
    }

    fn terms(json: &str, field: &str) -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut out = Vec::new();
        fn walk(node: &serde_json::Value, prefix: String, out: &mut Vec<String>) {
            let Some(obj) = node.as_object() else { return };
            if obj
                .get("docs")
                .and_then(|d| d.as_object())
                .is_some_and(|d| !d.is_empty())
            {
                out.push(prefix.clone());
            }
            for (k, child) in obj {
                if k != "docs" && k != "df" {
                    walk(child, format!("{prefix}{k}"), out);
                }
            }
        }
        walk(&v["index"]["index"][field]["root"], String::new(), &mut out);
        out
    }

    #[test]
    fn normalize_folds_width_and_case() {
        assert_eq!(normalize("ＵＳＢ Key１１１１"), "usb key1111");
        assert_eq!(normalize("PIN码\u{3000}口令"), "pin码 口令");
    }

    #[test]
    fn chinese_words_are_terms_and_sentences_are_not() {
        let files = build(
            &SearchConfig::default(),
            &[
                doc(
                    "a",
                    "如何下载并安装数字证书驱动程序？",
                    "双击驱动程序，按默认设置点击下一步。",
                ),
                doc(
                    "b",
                    "USB Key的初始口令（PIN码）是多少？",
                    "初始密码为1111。",
                ),
                doc(
                    "c",
                    "不能进入业务网站，提示该窗口已被拦截？",
                    "登录时提示无可用黑名单。",
                ),
            ],
        )
        .unwrap();
        let title = terms(&files.json, "title");
        for w in ["驱动", "驱动程序", "口令", "拦截", "usb", "key", "pin"] {
            assert!(title.contains(&w.to_string()), "{w} in {title:?}");
        }
        let body = terms(&files.json, "body");
        assert!(body.contains(&"黑名单".to_string()));
        assert!(body.contains(&"1111".to_string()), "digits are kept: {body:?}");
        assert!(
            !title.iter().any(|t| t.chars().count() > 8),
            "no whole sentences: {title:?}"
        );
        assert!(!title.contains(&"USB".to_string()), "terms are lower-cased");
    }

    #[test]
    fn one_document_per_question_with_its_result_fields() {
        let files = build(
            &SearchConfig::default(),
            &[doc("a", "t1", "b1"), doc("b", "t2", "b2")],
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&files.json).unwrap();
        assert_eq!(v["index"]["documentStore"]["length"], 2);
        assert_eq!(v["docs"]["a"]["url"], "a.html");
        assert_eq!(v["docs"]["b"]["title"], "t2");
        assert_eq!(v["index"]["lang"], "Chinese");
        assert_eq!(v["index"]["pipeline"][0], "trimmer-zh");
        assert!(files.js.starts_with("window.FAQSITE_SEARCH = {"));
    }

    #[test]
    fn output_is_deterministic() {
        let docs = [
            doc("a", "安装驱动", "下载驱动程序"),
            doc("b", "忘记密码", "解锁"),
        ];
        let a = build(&SearchConfig::default(), &docs).unwrap().json;
        let b = build(&SearchConfig::default(), &docs).unwrap().json;
        assert_eq!(a, b);
    }

    #[test]
    fn script_end_tags_are_escaped_in_the_js() {
        let files = build(
            &SearchConfig::default(),
            &[doc("a", "</script><script>alert(1)", "x")],
        )
        .unwrap();
        assert!(!files.js.contains("</script>"));
    }
}
