//! Stage 5: the client-side search index, built with elasticlunr-rs and Chinese word
//! segmentation (jieba, elasticlunr's `zh` language).
//!
//! Text is normalised the same way here and in the browser (`search.js`, `normalize`): ASCII
//! in full width (ＵＳＢ１１１１) becomes half width, and everything is lower-cased, so "USB",
//! "usb" and "ＵＳＢ" are one term. One document per question page; the document store of the
//! output keeps what the result list needs (URL, title, chapter, number, a plain-text body for
//! snippets). Written once, as `search-index.js`, which assigns the index to
//! `window.FAQSITE_SEARCH`: a script works from `file://`, where fetch() of a JSON file is
//! blocked.
//!
//! This file: the fields, the documents, `normalize`, and `build_into`, which picks one of
//! `one_file.rs` (a small site) or `sharded.rs` (a large one: manifest, postings, documents;
//! its term files `shards.rs`). Beside them: `terms.rs` a document's terms, `segment.rs` the
//! segmenter and its cache `cache.rs`, `words.rs` word lists and synonyms, `pinyin.rs`,
//! `closest.rs`, `pack.rs` and `postings.rs`; `script.rs` the bytes of an index file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

mod cache;
mod closest;
mod one_file;
mod pack;
mod pinyin;
mod postings;
mod script;
mod segment;
mod sharded;
mod shards;
mod terms;
mod words;
use cache::TermCache;
pub use cache::TermMemory;
pub use segment::FaqChinese;
pub use sharded::{DOCS_PER_FILE, SHARD_BODY_CHARS};
pub use shards::{postings_shard_of, shard_count, shard_of};
pub use words::{language_words, LanguageWords, Synonyms, Words};

use crate::config::SearchConfig;
use crate::error::Result;
use crate::output::{OutputFile, Sink};

/// Format version of the files, bumped when the client must change with them.
pub const FORMAT_VERSION: u32 = 2;
/// Format version of a sharded index's files (3: compact postings, vocabularies and field
/// lengths in files of their own; 4: postings by their terms' first two characters, as packed
/// text, equal lists once per shard, lengths packed by rank).
pub const SHARDED_FORMAT_VERSION: u32 = 4;

/// One field of the index: its name (in the index and the options `search.js` reads), and its
/// boost.
pub struct Field {
    pub name: &'static str,
    pub boost: fn(&SearchConfig) -> f64,
    /// Its text in a document.
    text: fn(&SearchDoc<'_>) -> String,
}

/// The index fields, in the order documents are added: the one description of them, for the
/// index, the segmentation cache and (through the options) the client.
pub const FIELDS: [Field; 5] = [
    Field {
        name: "title",
        boost: |c| c.title_boost,
        text: |d| d.title.to_string(),
    },
    Field {
        name: "body",
        boost: |c| c.body_boost,
        text: |d| d.body.to_string(),
    },
    Field {
        name: "chapter",
        boost: |c| c.chapter_boost,
        text: |d| d.chapter.to_string(),
    },
    Field {
        name: "tags",
        boost: |c| c.tags_boost,
        text: |d| d.tags.join(" "),
    },
    // Front-matter keywords: the customers' words for the question, weighing like its title.
    Field {
        name: "keywords",
        boost: |c| c.title_boost,
        text: |d| d.keywords.join(" "),
    },
];
/// How many fields the index has.
pub const N_FIELDS: usize = FIELDS.len();
/// Characters of body text kept per document for snippets.
pub const BODY_CHARS: usize = 1500;

/// One question page, as the search stage sees it (borrowed from the earlier stages' data:
/// a 10,000-page site's text is not copied).
#[derive(Debug, Clone, Copy)]
pub struct SearchDoc<'a> {
    pub id: &'a str,
    pub url: &'a str,
    pub title: &'a str,
    /// The title's inline HTML (`content::title`: escaped text, `<code>`, `<em>`…).
    pub title_html: &'a str,
    pub chapter: &'a str,
    pub number: &'a str,
    pub tags: &'a [String],
    /// Front-matter `keywords`: searched, never shown.
    pub keywords: &'a [String],
    /// Plain text: markup stripped, each image by its alt text.
    pub body: &'a str,
}

impl<'a> SearchDoc<'a> {
    /// The title's inline HTML when it has markup (escaped text alone has no `<`).
    fn title_markup(&self) -> Option<&'a str> {
        self.title_html.contains('<').then_some(self.title_html)
    }
}

/// The one script every page loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchScript {
    /// Path relative to the site root: `search-index.js`, or `search/manifest.js` when the
    /// index is sharded.
    pub path: String,
    /// Content hash of that file (8 hex digits), for `?v=` cache busting.
    pub version: String,
}

impl SearchScript {
    /// `search-index.js?v=1a2b3c4d`: what pages put in their `<script src>`.
    pub fn url(&self) -> String {
        format!("{}?v={}", self.path, self.version)
    }
}

/// The index files in memory (script first, then by path), and the script: for tests and
/// small tools; the build uses [`build_into`], which hands each file on as it is made.
pub struct SearchFiles {
    pub files: Vec<OutputFile>,
    pub script: String,
}

/// Where [`build_into`] puts each file as soon as it is made (the staging folder, in a build).
pub trait IndexSink: Sync {
    fn write(&self, file: OutputFile) -> Result<()>;
    /// Keep the previous build's file at `path` (known to be unchanged); false if it cannot.
    fn keep(&self, _path: &str) -> bool {
        false
    }
}

impl<S: Sink> IndexSink for S {
    fn write(&self, file: OutputFile) -> Result<()> {
        self.write_file(&file)
    }
    fn keep(&self, path: &str) -> bool {
        self.keep_previous(Path::new(path))
    }
}

/// Collects the files in memory (tests, [`build`]).
impl IndexSink for std::sync::Mutex<Vec<OutputFile>> {
    fn write(&self, file: OutputFile) -> Result<()> {
        self.lock().expect("not poisoned").push(file);
        Ok(())
    }
}

/// The input key and content hash of every term shard a build wrote, by file: a rebuild in the
/// same process (`serve`) keeps the shards whose postings did not change instead of building,
/// serializing and writing them again.
pub type ShardKeys = std::collections::HashMap<String, (u64, String)>;

/// What `search.js` needs to know besides the index: fields and boosts, the words it treats
/// specially, result-list settings.
#[derive(Serialize)]
struct Options<'a> {
    fields: BTreeMap<&'static str, f64>,
    max_results: usize,
    snippet_length: usize,
    /// The primary subtag of the language whose words these are (`zh`, `en`; empty: none).
    language: &'static str,
    stop_words: &'static [&'static str],
    weak_words: BTreeMap<&'static str, f64>,
    synonyms: &'a [words::SynonymGroup],
    examples: &'a [String],
    contacts: &'a [crate::config::Contact],
    contact_words: &'a [String],
}

/// Full-width ASCII → half-width, ideographic space → space, then lower case. ASCII and the
/// CJK Unified Ideographs block (nearly all of a Chinese site's text, and caseless) are decided
/// without Unicode's case tables.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        };
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Longer terms are not indexed: elasticlunr's index is a tree with a level per character of
/// a term, which it writes (and frees) recursively, so one 30,000-character word overflowed
/// the stack. Nobody types a longer word into the search box.
pub(crate) const MAX_TERM_CHARS: usize = 64;

/// Separator between pre-computed tokens handed to elasticlunr (never in normalised text).
pub(crate) const SEP: char = '\u{1F}';

fn split_tokens(s: &str) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split(SEP).map(str::to_string).collect()
    }
}

fn options<'a>(config: &'a SearchConfig, words: &'a Words) -> Options<'a> {
    Options {
        fields: FIELDS.iter().map(|f| (f.name, (f.boost)(config))).collect(),
        max_results: config.max_results,
        snippet_length: config.snippet_length,
        language: words.language.code,
        stop_words: words.language.stop,
        weak_words: words.language.weak.iter().copied().collect(),
        synonyms: &words.synonyms.groups,
        examples: &config.examples,
        contacts: &config.contacts,
        contact_words: &config.contact_words,
    }
}

/// Build the index of `docs` in memory (see [`build_into`]).
pub fn build(config: &SearchConfig, docs: &[SearchDoc<'_>]) -> Result<SearchFiles> {
    let files = std::sync::Mutex::new(Vec::new());
    let reuse = Reuse {
        segmenter: &FaqChinese::segmenter(),
        cache_dir: None,
        previous: None,
        memory: None,
    };
    let (script, _) = build_into(config, docs, &reuse, &files)?;
    let mut files = files.into_inner().expect("not poisoned");
    files.sort_by(|a, b| {
        (a.path != Path::new(&script.path), &a.path)
            .cmp(&(b.path != Path::new(&script.path), &b.path))
    });
    Ok(SearchFiles {
        files,
        script: script.path,
    })
}

/// What the search stage may reuse from earlier builds.
pub struct Reuse<'a> {
    /// The jieba dictionary, loaded once (`serve` keeps it between rebuilds).
    pub segmenter: &'a FaqChinese,
    /// The site's `.faqsite-cache`, where a large site's segmentation is kept (`cache.rs`).
    pub cache_dir: Option<&'a Path>,
    /// The shard keys of the build that wrote the current output, if this process made it.
    pub previous: Option<&'a ShardKeys>,
    /// Where `serve` keeps the documents' terms between its builds (see [`TermMemory`]).
    pub memory: Option<&'a TermMemory>,
}

/// Build the index of `docs`, one file or shards when the site is large, handing every file
/// to `sink` as soon as it is made, so a large index is never held in memory at once.
pub fn build_into(
    config: &SearchConfig,
    docs: &[SearchDoc<'_>],
    reuse: &Reuse<'_>,
    sink: &dyn IndexSink,
) -> Result<(SearchScript, ShardKeys)> {
    let lang = reuse.segmenter;
    let words = Words::new(config);
    if script_path(config, docs.len()) == SHARDED_SCRIPT {
        let file = reuse.cache_dir.map(|dir| dir.join(TERMS_CACHE_FILE));
        let cache = TermCache::open(file.as_deref(), reuse.memory);
        let env = sharded::Env {
            config,
            lang,
            words: &words,
        };
        return sharded::build_sharded(&env, docs, cache, reuse.previous, sink);
    }
    one_file::build(config, docs, lang, &words, sink).map(|script| (script, ShardKeys::new()))
}

/// The script pages load: a small site's whole index, or a large one's manifest.
const ONE_FILE_SCRIPT: &str = "search-index.js";
const SHARDED_SCRIPT: &str = "search/manifest.js";

/// The path of the script pages load for an index of `n_docs` documents (what
/// [`build_into`] returns as [`SearchScript::path`]), known before the index is built.
pub fn script_path(config: &SearchConfig, n_docs: usize) -> &'static str {
    if n_docs > config.shard_above {
        SHARDED_SCRIPT
    } else {
        ONE_FILE_SCRIPT
    }
}

/// The segmentation cache's file in the site's cache folder.
pub const TERMS_CACHE_FILE: &str = "search-terms.bin";

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &'static str, title: &'static str, body: &'static str) -> SearchDoc<'static> {
        // Test documents live for the whole test run.
        let tags: &'static [String] = Box::leak(vec!["驱动".to_string()].into_boxed_slice());
        SearchDoc {
            id,
            url: Box::leak(format!("{id}.html").into_boxed_str()),
            title,
            title_html: title,
            chapter: "驱动问题",
            number: "2.1",
            tags,
            keywords: &[],
            body,
        }
    }

    /// The index's JSON, from `search-index.js`.
    fn json(f: &SearchFiles) -> String {
        let js = js(f);
        let json = js.strip_prefix("window.FAQSITE_SEARCH = ").unwrap();
        json.strip_suffix(";\n").unwrap().to_string()
    }

    fn js(f: &SearchFiles) -> String {
        String::from_utf8(f.files[0].bytes.clone()).unwrap()
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
    fn normalize_lowers_every_character_as_unicode_does() {
        let text: String = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        let reference: String = text
            .chars()
            .map(|c| match c {
                '\u{3000}' => ' ',
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                c => c,
            })
            .flat_map(char::to_lowercase)
            .collect();
        assert_eq!(normalize(&text), reference);
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
        let title = terms(&json(&files), "title");
        for w in ["驱动", "驱动程序", "口令", "拦截", "usb", "key", "pin"] {
            assert!(title.contains(&w.to_string()), "{w} in {title:?}");
        }
        let body = terms(&json(&files), "body");
        assert!(body.contains(&"黑名单".to_string()));
        assert!(
            body.contains(&"1111".to_string()),
            "digits are kept: {body:?}"
        );
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
        let v: serde_json::Value = serde_json::from_str(&json(&files)).unwrap();
        assert_eq!(v["index"]["documentStore"]["length"], 2);
        assert_eq!(v["docs"]["a"]["url"], "a.html");
        assert_eq!(v["docs"]["b"]["title"], "t2");
        assert_eq!(v["index"]["lang"], "Chinese");
        assert_eq!(v["index"]["pipeline"][0], "trimmer-zh");
        assert!(js(&files).starts_with("window.FAQSITE_SEARCH = {"));
    }

    /// The index is written once, as the script (`search-index.js`); a title with inline
    /// markup carries its HTML for the result list, a plain one does not.
    #[test]
    fn the_index_is_one_script_with_titles_markup_only_where_there_is_some() {
        let mut code = doc("c", "Run brew with sudo", "b");
        code.title_html = "Run <code>brew</code> with <em>sudo</em>";
        let files = build(&SearchConfig::default(), &[doc("a", "t1", "b1"), code]).unwrap();
        let paths: Vec<_> = files
            .files
            .iter()
            .map(|f| f.path.to_str().unwrap())
            .collect();
        assert_eq!(paths, ["search-index.js"]);
        let v: serde_json::Value = serde_json::from_str(&json(&files)).unwrap();
        assert_eq!(v["docs"]["c"]["html"], code.title_html);
        assert!(v["docs"]["a"].get("html").is_none());
    }

    #[test]
    fn large_sites_get_a_sharded_index_with_every_term_in_its_shard() {
        let config = SearchConfig {
            shard_above: 1,
            ..Default::default()
        };
        let docs = [
            doc("a", "安装驱动", "下载驱动程序 USB Key"),
            doc("b", "忘记密码", "解锁 1111"),
        ];
        let files = build(&config, &docs).unwrap();
        assert_eq!(files.script, "search/manifest.js");
        let shards = shard_count(2);
        let manifest = String::from_utf8(files.files[0].bytes.clone()).unwrap();
        assert!(manifest.starts_with("window.FAQSITE_SEARCH_MANIFEST = {"));
        assert!(manifest.contains(&format!("\"shards\":{shards}")));
        assert!(manifest.contains("\"n\":2"));
        for (term, field) in [
            ("驱动", "title"),
            ("usb", "body"),
            ("1111", "body"),
            ("密码", "title"),
        ] {
            let k = postings_shard_of(term, shards);
            let shard = files
                .files
                .iter()
                .find(|f| f.path == std::path::Path::new(&format!("search/t{k}.js")))
                .unwrap();
            let text = String::from_utf8(shard.bytes.clone()).unwrap();
            let json: serde_json::Value = serde_json::from_str(
                text.trim_end()
                    .trim_end_matches(");")
                    .split_once(',')
                    .unwrap()
                    .1
                    .split_once(',')
                    .unwrap()
                    .1,
            )
            .unwrap();
            let gaps = json[field][term][0].as_str();
            assert!(gaps.is_some_and(|g| !g.is_empty()), "{term} in shard {k}");
            let k = shard_of(term, shards);
            let vocab = files
                .files
                .iter()
                .find(|f| f.path == std::path::Path::new(&format!("search/v{k}.js")))
                .unwrap();
            let vocab = String::from_utf8(vocab.bytes.clone()).unwrap();
            assert!(vocab.contains(&format!("\"{term}\"")), "{term} in {vocab}");
        }
        assert!(files
            .files
            .iter()
            .any(|f| f.path == std::path::Path::new("search/d0.js")));
    }

    #[test]
    fn a_sharded_index_from_the_segmentation_cache_is_the_same_index() {
        let config = SearchConfig {
            shard_above: 1,
            ..Default::default()
        };
        let docs = [
            doc("a", "安装驱动", "下载驱动程序 USB Key 驱动"),
            doc("b", "忘记密码", "解锁 1111"),
            doc("c", "证书过期", "续期 驱动"),
        ];
        let dir = tempfile::tempdir().unwrap();
        let run = |docs: &[SearchDoc<'_>]| {
            let files = std::sync::Mutex::new(Vec::new());
            let reuse = Reuse {
                segmenter: &FaqChinese::segmenter(),
                cache_dir: Some(dir.path()),
                previous: None,
                memory: None,
            };
            build_into(&config, docs, &reuse, &files).unwrap();
            let mut files = files.into_inner().unwrap();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            files
        };
        let cold = run(&docs);
        assert!(dir.path().join(TERMS_CACHE_FILE).is_file());
        let warm = run(&docs);
        assert_eq!(cold, warm);
        // One document changed: the cache serves the others, the index is a fresh build's.
        let changed = [docs[0], doc("b", "忘记密码", "解锁 1111 重新设置"), docs[2]];
        let from_cache = run(&changed);
        let fresh = build(&config, &changed).unwrap();
        let mut fresh = fresh.files;
        fresh.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(from_cache, fresh);
    }

    #[test]
    fn output_is_deterministic() {
        let docs = [
            doc("a", "安装驱动", "下载驱动程序"),
            doc("b", "忘记密码", "解锁"),
        ];
        let a = json(&build(&SearchConfig::default(), &docs).unwrap());
        let b = json(&build(&SearchConfig::default(), &docs).unwrap());
        assert_eq!(a, b);
    }

    #[test]
    fn script_end_tags_are_escaped_in_the_js() {
        let files = build(
            &SearchConfig::default(),
            &[doc("a", "</script><script>alert(1)", "x")],
        )
        .unwrap();
        assert!(!js(&files).contains("</script>"));
    }
}
