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

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::path::Path;

use elasticlunr::{Index, IndexBuilder};
use rayon::prelude::*;
use serde::Serialize;

mod cache;
mod closest;
mod pack;
mod pinyin;
mod postings;
mod segment;
mod words;
pub use cache::TermMemory;
use cache::{DocTerms, TermCache};
use postings::{Bucket, Posting};
pub use segment::FaqChinese;
pub use words::{language_words, LanguageWords, Synonyms, Words};

use crate::config::SearchConfig;
use crate::error::Result;
use crate::hash::short_hash;
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

fn hash8(bytes: &[u8]) -> String {
    short_hash(bytes)[..8].to_string()
}

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

#[derive(Serialize)]
struct StoredDoc<'a> {
    url: &'a str,
    title: &'a str,
    /// The title's inline HTML, only when it has markup (`search.js` shows it as the page does).
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<&'a str>,
    chapter: &'a str,
    number: &'a str,
    body: String,
}

#[derive(Serialize)]
struct File<'a> {
    version: u32,
    options: Options<'a>,
    index: &'a Index,
    docs: BTreeMap<&'a str, StoredDoc<'a>>,
    /// Toneless pinyin → the index's terms that read so.
    pinyin: pinyin::PinyinMap,
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

/// Tokens of the fields of one document, after elasticlunr's zh pipeline (running it
/// again inside elasticlunr changes nothing: trimming and stop words are idempotent).
type DocTokens = [Vec<String>; N_FIELDS];

fn tokens_of(docs: &[SearchDoc<'_>], lang: &FaqChinese, words: &Words) -> Vec<DocTokens> {
    // Word segmentation is the expensive part: all documents in parallel.
    docs.par_iter()
        .map(|d| {
            let mut fields = FIELDS.map(|_| Vec::new());
            for_each_field(d, lang, words, |fi, tokens| {
                fields[fi] = tokens.iter().map(|t| t.to_string()).collect();
            });
            fields
        })
        .collect()
}

/// The tokens of each of a document's fields, handed to `f` with the field's number:
/// normalised, segmented, through the zh pipeline ([`FaqChinese::terms`]), then the terms of
/// the synonym groups whose words the field contains.
fn for_each_field(
    d: &SearchDoc<'_>,
    lang: &FaqChinese,
    words: &Words,
    mut f: impl FnMut(usize, &[&str]),
) {
    for (fi, field) in FIELDS.iter().enumerate() {
        let text = normalize(&(field.text)(d));
        let mut tokens = lang.terms(&text);
        tokens.retain(|t| !words.is_stop(t));
        let groups = words.synonyms.terms(&text);
        tokens.extend(groups.iter().map(String::as_str));
        tokens.retain(|t| t.chars().nth(MAX_TERM_CHARS).is_none());
        f(fi, &tokens);
    }
}

/// The term counts of one document's fields.
fn doc_terms(d: &SearchDoc<'_>, lang: &FaqChinese, words: &Words) -> DocTerms {
    let mut out = DocTerms::default();
    for_each_field(d, lang, words, |fi, tokens| {
        out.push_field(fi, term_counts(tokens))
    });
    out
}

fn new_index() -> Index {
    let mut builder =
        IndexBuilder::with_language(Box::new(FaqChinese::pre_segmented())).save_docs(false);
    for f in &FIELDS {
        builder = builder.add_field_with_tokenizer(f.name, Box::new(split_tokens));
    }
    builder.set_ref("id").build()
}

fn joined(t: &DocTokens) -> [String; N_FIELDS] {
    let sep = SEP.to_string();
    std::array::from_fn(|i| t[i].join(&sep))
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
        let env = Env {
            config,
            lang,
            words: &words,
        };
        return build_sharded(&env, docs, cache, reuse.previous, sink);
    }
    let tokens = tokens_of(docs, lang, &words);
    let mut index = new_index();
    for (d, t) in docs.iter().zip(&tokens) {
        index.add_doc(d.id, joined(t));
    }
    let pinyin = pinyin::map_for(
        words.language.code,
        tokens.iter().flatten().flatten().map(String::as_str),
    );
    drop(tokens);
    let file = File {
        version: FORMAT_VERSION,
        options: options(config, &words),
        pinyin,
        index: &index,
        docs: docs
            .iter()
            .map(|d| {
                (
                    d.id,
                    StoredDoc {
                        url: d.url,
                        title: d.title,
                        html: d.title_markup(),
                        chapter: d.chapter,
                        number: d.number,
                        body: d.body.chars().take(BODY_CHARS).collect(),
                    },
                )
            })
            .collect(),
    };
    let json = serde_json::to_string(&file).expect("the index serializes");
    let js = format!(
        "window.FAQSITE_SEARCH = {};\n",
        crate::html::script_json(&json)
    );
    let script = SearchScript {
        path: ONE_FILE_SCRIPT.into(),
        version: hash8(js.as_bytes()),
    };
    sink.write(OutputFile::new("search-index.js", js))?;
    Ok((script, ShardKeys::new()))
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

/// Documents per `search/d<N>.js` file of a sharded index.
pub const DOCS_PER_FILE: usize = 20;
/// Body characters kept per document in a sharded index (for snippets).
pub const SHARD_BODY_CHARS: usize = 300;

/// How many term shards for `n` documents: about 40 documents' worth of terms per shard.
pub fn shard_count(n: usize) -> usize {
    (n / 40).next_power_of_two().clamp(16, 1024)
}

/// The vocabulary shard of a term: its first character's code point modulo the shard count
/// (the client computes the same with `codePointAt(0) % shards`).
pub fn shard_of(term: &str, shards: usize) -> usize {
    term.chars().next().map_or(0, |c| c as usize % shards)
}

/// The postings shard of a term: from its first two characters' code points, `(first * 31 +
/// second) % shards` (second 0 for a one-character term; `postingsShard` in `search.js`). A
/// query loads the postings of the terms it needs, not of every term sharing their first
/// character (at 100,000 questions, `安装` no longer brings `安全`'s 39 kB), and a term and its
/// longer forms (`驱动`, `驱动程序`) share a shard.
pub fn postings_shard_of(term: &str, shards: usize) -> usize {
    let mut cs = term.chars().map(|c| c as u64);
    let first = cs.next().unwrap_or(0);
    let second = cs.next().unwrap_or(0);
    ((first * 31 + second) % shards as u64) as usize
}

/// What a sharded build works with besides the documents.
struct Env<'a> {
    config: &'a SearchConfig,
    lang: &'a FaqChinese,
    words: &'a Words,
}

#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    options: Options<'a>,
    /// Number of documents (for idf).
    n: usize,
    shards: usize,
    docs_per_file: usize,
    /// Content hashes of the term shards `search/t<k>.js` (postings) and their vocabularies
    /// `search/v<k>.js`, for `?v=` cache busting.
    terms: Vec<String>,
    vocab: Vec<String>,
    /// One version for all document files (a hash of their hashes): a query loads a few of
    /// them, and a hash each made the manifest grow with the site.
    docs: String,
    /// Content hashes of the pinyin map's parts `search/p<n>.js`, by the keys' first letter
    /// (`a` = 0); empty where no key starts with the letter (no file).
    pinyin: Vec<String>,
    /// Every term with a Latin letter and no other script (`usb`, `tw15`): the client splits
    /// run-together Latin (`usbkey`) against them before it loads any shard.
    latin: Vec<&'a str>,
    /// Content hash of `search/l0.js`: the field lengths (tokens) of every document, by field
    /// (what elasticlunr's docInfo holds), loaded with a query's postings.
    lengths: String,
    /// Content hashes of the closest-questions files `search/c<k>.js` by shard ("": none).
    closest: Vec<String>,
}

/// A large site's index: each term shard `search/t<k>.js` holds the postings (per field) of
/// the terms whose first two characters fall in it ([`postings_shard_of`]), over all
/// documents, so df and tf are those of the whole index; each vocabulary `search/v<k>.js` the
/// terms whose first character falls in it ([`shard_of`]); the field lengths of every document
/// are `search/l0.js`; documents are stored 20 to a file in `search/d<N>.js`; a small
/// `search/manifest.js` holds the rest. A query downloads the manifest, the vocabularies of its
/// characters, the postings of its words (and of their longer forms), the field lengths and
/// the document files of its top results.
///
/// Memory stays small at 100,000 documents: documents are segmented a chunk at a time, their
/// terms interned and their postings packed (about 5 bytes each, `postings.rs`), and each
/// shard's files exist only while they are serialized and handed to `sink`.
fn build_sharded(
    env: &Env<'_>,
    docs: &[SearchDoc<'_>],
    cache: TermCache,
    previous: Option<&ShardKeys>,
    sink: &dyn IndexSink,
) -> Result<(SearchScript, ShardKeys)> {
    let shards = shard_count(docs.len());
    // The document files and the closest questions need no segmentation: they are written
    // while the dictionary loads and the documents are segmented.
    let ((doc_hashes, closest), postings) = rayon::join(
        || {
            rayon::join(
                || write_doc_files(docs, sink),
                || closest::write_files(docs, shards, env.words.language.stop, sink),
            )
        },
        || collect_postings(env, docs, cache, shards),
    );
    let Postings {
        terms,
        buckets,
        lengths,
    } = postings;
    let (term_files, vocab_files) = rayon::join(
        || write_term_shards(buckets, &terms, shards, previous, sink),
        || write_vocabularies(&terms, shards, previous, sink),
    );
    let (term_files, vocab_files) = (term_files?, vocab_files?);
    let lengths: BTreeMap<&str, pack::Ranked> = lengths
        .iter()
        .map(|(field, list)| (*field, pack::ranked(list)))
        .collect();
    let lengths = write_parts('l', std::iter::once(Some(lengths)), sink)?.remove(0);
    let pinyin = pinyin::map_for(env.words.language.code, terms.iter().map(String::as_str));
    let pinyin = write_pinyin_parts(pinyin, sink)?;
    let closest = closest?;
    let manifest = Manifest {
        version: SHARDED_FORMAT_VERSION,
        options: options(env.config, env.words),
        n: docs.len(),
        shards,
        docs_per_file: DOCS_PER_FILE,
        terms: term_files.iter().map(|f| f.hash.clone()).collect(),
        vocab: vocab_files.iter().map(|f| f.hash.clone()).collect(),
        docs: hash8(doc_hashes?.concat().as_bytes()),
        pinyin,
        latin: latin_terms(&terms),
        lengths,
        closest,
    };
    let json = serde_json::to_string(&manifest).expect("serializes");
    let js = format!(
        "window.FAQSITE_SEARCH_MANIFEST = {};\n",
        crate::html::script_json(&json)
    );
    let script = SearchScript {
        path: SHARDED_SCRIPT.into(),
        version: hash8(js.as_bytes()),
    };
    sink.write(OutputFile::new(SHARDED_SCRIPT, js))?;
    let keys = [('t', term_files), ('v', vocab_files)]
        .into_iter()
        .flat_map(|(kind, files)| {
            files
                .into_iter()
                .enumerate()
                .map(move |(k, f)| (format!("search/{kind}{k}.js"), (f.key, f.hash)))
        })
        .collect();
    Ok((script, keys))
}

/// What a sharded index is made from: the vocabulary (term ids in order of first occurrence),
/// each shard's postings in document order, and the field lengths of every document.
struct Postings {
    terms: Vec<String>,
    buckets: Vec<Bucket>,
    lengths: BTreeMap<&'static str, Vec<u32>>,
}

impl Postings {
    fn new(shards: usize, n_docs: usize) -> Postings {
        Postings {
            terms: Vec::new(),
            buckets: (0..shards).map(|_| Bucket::default()).collect(),
            lengths: FIELDS
                .iter()
                .map(|f| (f.name, Vec::with_capacity(n_docs)))
                .collect(),
        }
    }

    /// Adds document `doc`'s terms (documents in order), interning them through `vocab`.
    fn add(&mut self, doc: u32, doc_terms: &DocTerms, vocab: &mut FxHashMap<String, u32>) {
        let shards = self.buckets.len();
        let mut field_len = [0u32; N_FIELDS];
        for (fi, t, count) in doc_terms.iter() {
            field_len[fi] += count;
            let term = match vocab.get(t) {
                Some(&id) => id,
                None => {
                    let id = self.terms.len() as u32;
                    self.terms.push(t.to_string());
                    vocab.insert(t.to_string(), id);
                    id
                }
            };
            self.buckets[postings_shard_of(t, shards)].push(Posting {
                doc,
                term,
                count,
                field: fi as u8,
            });
        }
        for (fi, n) in field_len.into_iter().enumerate() {
            self.lengths
                .get_mut(FIELDS[fi].name)
                .expect("field")
                .push(n);
        }
    }
}

/// Segments every document (or takes its terms from the segmentation cache, which is rewritten
/// with this build's documents) and collects the postings. Memory stays small at 10,000+
/// documents: documents are segmented a chunk at a time, and their terms interned.
fn collect_postings(
    env: &Env<'_>,
    docs: &[SearchDoc<'_>],
    mut cache: TermCache,
    shards: usize,
) -> Postings {
    /// Documents segmented at a time: bounds the memory of the tokens.
    const CHUNK: usize = 512;
    let salt = env.words.fingerprint();
    let mut out = Postings::new(shards, docs.len());
    let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
    let old = cache.take_old();
    let chunks: Vec<&[SearchDoc<'_>]> = docs.chunks(CHUNK).collect();
    // Segmentation and term counts in parallel (or from the cache); interning in document
    // order, one chunk's beside the segmentation of the next.
    let segment = |chunk: &[SearchDoc<'_>]| {
        let keys: Vec<cache::Key> = chunk.par_iter().map(|d| cache::key(d, &salt)).collect();
        let counted = segment_chunk(env, chunk, &keys, &old);
        (keys, counted)
    };
    let mut next = chunks.first().map(|c| segment(c));
    for c in 0..chunks.len() {
        let (keys, counted) = next.take().unwrap_or_default();
        let ((), following) = rayon::join(
            || {
                for (j, (k, doc_terms)) in keys.iter().zip(counted).enumerate() {
                    cache.keep(k, &doc_terms);
                    out.add((c * CHUNK + j) as u32, &doc_terms, &mut vocab);
                }
            },
            || chunks.get(c + 1).map(|ch| segment(ch)),
        );
        next = following;
    }
    cache.save();
    out
}

/// The term counts of a chunk of documents, in parallel: from the previous build's (`old`),
/// or segmented.
fn segment_chunk(
    env: &Env<'_>,
    chunk: &[SearchDoc<'_>],
    keys: &[cache::Key],
    old: &std::collections::HashMap<cache::Key, DocTerms>,
) -> Vec<DocTerms> {
    chunk
        .par_iter()
        .zip(keys)
        .map(|(d, k)| match old.get(k) {
            Some(t) => t.clone(),
            None => doc_terms(d, env.lang, env.words),
        })
        .collect()
}

/// A shard file as written: its input key and its content hash.
struct Written {
    key: u64,
    hash: String,
}

/// Writes `path` (made by `make`) unless the previous build wrote it from the same input `key`
/// and the sink can keep that file.
fn write_or_keep(
    path: String,
    key: u64,
    previous: Option<&ShardKeys>,
    sink: &dyn IndexSink,
    make: impl FnOnce() -> String,
) -> Result<Written> {
    let old = previous
        .and_then(|p| p.get(&path))
        .filter(|(old_key, _)| *old_key == key);
    if let Some((_, hash)) = old {
        if sink.keep(&path) {
            let hash = hash.clone();
            return Ok(Written { key, hash });
        }
    }
    let js = make();
    let hash = hash8(js.as_bytes());
    sink.write(OutputFile::new(path, js))?;
    Ok(Written { key, hash })
}

/// Writes `search/t<k>.js` for every shard, in parallel, keeping the previous build's files
/// where the shard's postings did not change.
fn write_term_shards(
    buckets: Vec<Bucket>,
    terms: &[String],
    shards: usize,
    previous: Option<&ShardKeys>,
    sink: &dyn IndexSink,
) -> Result<Vec<Written>> {
    buckets
        .into_par_iter()
        .enumerate()
        .map(|(k, bucket)| {
            let key = shard_key(k, shards, &bucket, terms);
            write_or_keep(format!("search/t{k}.js"), key, previous, sink, || {
                shard_js(k, bucket, terms)
            })
        })
        .collect()
}

/// Writes the vocabularies `search/v<k>.js`: the terms of each first-character shard, sorted
/// (what a query is segmented against before it knows which postings it needs).
fn write_vocabularies(
    terms: &[String],
    shards: usize,
    previous: Option<&ShardKeys>,
    sink: &dyn IndexSink,
) -> Result<Vec<Written>> {
    let mut groups: Vec<Vec<&str>> = vec![Vec::new(); shards];
    for t in terms {
        groups[shard_of(t, shards)].push(t);
    }
    groups
        .into_par_iter()
        .enumerate()
        .map(|(k, mut group)| {
            use std::hash::{Hash, Hasher};
            group.sort_unstable();
            let mut h = rustc_hash::FxHasher::default();
            (k, shards, &group).hash(&mut h);
            write_or_keep(
                format!("search/v{k}.js"),
                h.finish(),
                previous,
                sink,
                || load_script('v', k, &group),
            )
        })
        .collect()
}

/// A shard is a function of its postings alone: their hash is its key (compared only within
/// one process, so a fast hash).
fn shard_key(k: usize, shards: usize, bucket: &Bucket, terms: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (k, shards).hash(&mut h);
    for p in bucket.iter() {
        (p.doc, p.field, p.count, &terms[p.term as usize]).hash(&mut h);
    }
    h.finish()
}

/// One term's postings in a field of a shard file, while they are gathered: the documents in
/// ascending order and each one's count of the term.
#[derive(Default)]
struct TermPostings {
    docs: Vec<u32>,
    counts: Vec<u32>,
}

/// One term's postings in a shard file: `[gaps]`, or `[gaps, counts]` when a count is not 1,
/// each [`pack`]ed (the documents as the distance from the one before, the first from 0; each
/// count less 1); or, when an earlier term of the same field has the very same postings, that
/// term (`驱动程序` → `驱动`: stored once).
#[derive(Serialize)]
#[serde(untagged)]
enum Listed<'a> {
    Gaps((&'a str,)),
    Counted((&'a str, &'a str)),
    Same(&'a str),
}

/// Shard `k`'s `t<k>.js`: each field's terms (of the shard) with their postings (see
/// [`Listed`]; `search.js` rebuilds elasticlunr's inverted index from them, tf = the square
/// root of the count, df = the number of documents).
fn shard_js(k: usize, bucket: Bucket, terms: &[String]) -> String {
    let mut fields: Vec<BTreeMap<&str, TermPostings>> =
        FIELDS.iter().map(|_| BTreeMap::new()).collect();
    for p in bucket.iter() {
        let e = fields[p.field as usize]
            .entry(terms[p.term as usize].as_str())
            .or_default();
        e.docs.push(p.doc);
        e.counts.push(p.count);
    }
    drop(bucket);
    let packed: Vec<Vec<(&str, String, String)>> = fields
        .into_iter()
        .map(|f| f.into_iter().map(|(t, p)| packed(t, p)).collect())
        .collect();
    let named: BTreeMap<&str, BTreeMap<&str, Listed<'_>>> = FIELDS
        .iter()
        .zip(&packed)
        .map(|(f, list)| (f.name, listed(list)))
        .collect();
    load_script('t', k, &named)
}

/// A term's postings as packed gaps and counts less 1 ("" when every count is 1).
fn packed(term: &str, p: TermPostings) -> (&str, String, String) {
    let gaps = pack::gaps(&p.docs);
    let counts = if p.counts.iter().all(|&c| c == 1) {
        String::new()
    } else {
        pack::pack(p.counts.iter().map(|c| c - 1))
    };
    (term, gaps, counts)
}

/// A field's packed postings as written, each list that equals an earlier term's as that term.
fn listed<'a>(list: &'a [(&'a str, String, String)]) -> BTreeMap<&'a str, Listed<'a>> {
    let mut first: FxHashMap<(&str, &str), &str> = FxHashMap::default();
    list.iter()
        .map(|(term, gaps, counts)| {
            let earlier = *first.entry((gaps, counts)).or_insert(term);
            let entry = if earlier != *term {
                Listed::Same(earlier)
            } else if counts.is_empty() {
                Listed::Gaps((gaps,))
            } else {
                Listed::Counted((gaps, counts))
            };
            (*term, entry)
        })
        .collect()
}

/// Every Latin term (see [`is_latin`]), sorted.
fn latin_terms(terms: &[String]) -> Vec<&str> {
    let mut latin: Vec<&str> = terms
        .iter()
        .map(String::as_str)
        .filter(|t| is_latin(t))
        .collect();
    latin.sort_unstable();
    latin
}

/// `search/d<n>.js`: documents 20n…20n+19 as `[url, title, chapter, number, body, html]` (the
/// body cut for snippets; html: the title's inline HTML when it has markup, else empty);
/// returns their content hashes.
fn write_doc_files(docs: &[SearchDoc<'_>], sink: &dyn IndexSink) -> Result<Vec<String>> {
    docs.par_chunks(DOCS_PER_FILE)
        .enumerate()
        .map(|(n, chunk)| {
            let rows: Vec<[&str; 6]> = chunk
                .iter()
                .map(|d| {
                    let end = d
                        .body
                        .char_indices()
                        .nth(SHARD_BODY_CHARS)
                        .map_or(d.body.len(), |(i, _)| i);
                    let html = d.title_markup().unwrap_or_default();
                    [d.url, d.title, d.chapter, d.number, &d.body[..end], html]
                })
                .collect();
            let js = load_script('d', n, &rows);
            let hash = hash8(js.as_bytes());
            sink.write(OutputFile::new(format!("search/d{n}.js"), js))?;
            Ok(hash)
        })
        .collect()
}

/// A term of ASCII letters and digits with at least one letter (what `search.js` calls Latin).
fn is_latin(t: &str) -> bool {
    t.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && t.bytes().any(|b| b.is_ascii_lowercase())
}

/// A large site's pinyin map as `search/p<n>.js`, one per first letter of its keys; returns
/// their content hashes ("" for a letter without keys, which gets no file).
fn write_pinyin_parts(map: pinyin::PinyinMap, sink: &dyn IndexSink) -> Result<Vec<String>> {
    let parts = pinyin::by_letter(map);
    write_parts(
        'p',
        parts.into_iter().map(|p| (!p.is_empty()).then_some(p)),
        sink,
    )
}

/// A sharded index's file `search/<kind><n>.js`: a script handing `data` to
/// `FAQSITE_SEARCH_LOAD` of `search.js`.
fn load_script(kind: char, n: usize, data: &impl Serialize) -> String {
    let json = serde_json::to_string(data).expect("serializes");
    format!(
        "FAQSITE_SEARCH_LOAD(\"{kind}\",{n},{});\n",
        crate::html::script_json(&json)
    )
}

/// Each part as `search/<kind><n>.js` ([`load_script`]); returns the files' content hashes by part ("" for `None`: no file).
fn write_parts<T: Serialize>(
    kind: char,
    parts: impl Iterator<Item = Option<T>>,
    sink: &dyn IndexSink,
) -> Result<Vec<String>> {
    parts
        .enumerate()
        .map(|(n, part)| {
            let Some(part) = part else {
                return Ok(String::new());
            };
            let js = load_script(kind, n, &part);
            let hash = hash8(js.as_bytes());
            sink.write(OutputFile::new(format!("search/{kind}{n}.js"), js))?;
            Ok(hash)
        })
        .collect()
}

/// Each distinct token with its number of occurrences, in token order of first occurrence.
fn term_counts<'t>(tokens: &[&'t str]) -> Vec<(&'t str, u32)> {
    let mut seen: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(tokens.len(), Default::default());
    let mut out: Vec<(&str, u32)> = Vec::new();
    for &t in tokens {
        match seen.get(t) {
            Some(&i) => out[i].1 += 1,
            None => {
                seen.insert(t, out.len());
                out.push((t, 1));
            }
        }
    }
    out
}

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
    fn shard_postings_are_packed_and_equal_lists_stored_once() {
        let posting = |docs: &[u32], counts: &[u32]| TermPostings {
            docs: docs.to_vec(),
            counts: counts.to_vec(),
        };
        let list = [
            packed("驱动", posting(&[3, 70, 200], &[1, 2, 1])),
            packed("驱动程序", posting(&[3, 70, 200], &[1, 2, 1])),
            packed("驱逐", posting(&[3, 70, 200], &[1, 1, 1])),
        ];
        assert_eq!(pack::unpack(&list[0].1), [3, 67, 130]);
        assert_eq!(pack::unpack(&list[0].2), [0, 1, 0]);
        assert_eq!(list[2].2, "", "counts of 1 are left out");
        let json = serde_json::to_string(&listed(&list)).unwrap();
        let gaps = pack::pack([3, 67, 130]);
        assert_eq!(
            json,
            format!(
                r#"{{"驱动":["{gaps}","{}"],"驱动程序":"驱动","驱逐":["{gaps}"]}}"#,
                pack::pack([0, 1, 0])
            )
        );
        assert_eq!(
            postings_shard_of("驱动程序", 1024),
            postings_shard_of("驱动", 1024)
        );
        assert_eq!(postings_shard_of("驱", 1024), ('驱' as usize * 31) % 1024);
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
