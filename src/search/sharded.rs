//! A large site's index: the manifest `search/manifest.js`, the documents' postings collected
//! a chunk at a time (from the segmentation cache where it can), the field lengths, the
//! document files `search/d<n>.js` and the pinyin map's parts; the term files are `shards.rs`'s.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::cache::{self, DocTerms, TermCache};
use super::postings::{Bucket, Posting};
use super::script::{hash8, load_script, write_global, write_parts};
use super::segment::FaqChinese;
use super::shards::{postings_shard_of, shard_count, write_term_shards, write_vocabularies};
use super::terms::doc_terms;
use super::words::Words;
use super::{closest, pack, pinyin};
use super::{
    options, IndexSink, Options, SearchDoc, SearchScript, ShardKeys, FIELDS, N_FIELDS,
    SHARDED_FORMAT_VERSION, SHARDED_SCRIPT,
};
use crate::config::SearchConfig;
use crate::error::Result;
use crate::output::OutputFile;

/// Documents per `search/d<N>.js` file of a sharded index.
pub const DOCS_PER_FILE: usize = 20;
/// Body characters kept per document in a sharded index (for snippets).
pub const SHARD_BODY_CHARS: usize = 300;

/// What a sharded build works with besides the documents.
pub(super) struct Env<'a> {
    pub(super) config: &'a SearchConfig,
    pub(super) lang: &'a FaqChinese,
    pub(super) words: &'a Words,
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
pub(super) fn build_sharded(
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
    let script = write_global("FAQSITE_SEARCH_MANIFEST", SHARDED_SCRIPT, &manifest, sink)?;
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
