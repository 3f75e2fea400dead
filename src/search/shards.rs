//! A sharded index's term files: which shard a term falls in (`shard_of`, `postings_shard_of`),
//! the postings files `search/t<k>.js` (packed, equal lists once) and the vocabularies
//! `search/v<k>.js`, each kept from the previous build when its input did not change.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::pack;
use super::postings::Bucket;
use super::script::{hash8, load_script};
use super::{IndexSink, ShardKeys, FIELDS};
use crate::error::Result;
use crate::output::OutputFile;

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

/// A shard file as written: its input key and its content hash.
pub(super) struct Written {
    pub(super) key: u64,
    pub(super) hash: String,
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
pub(super) fn write_term_shards(
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
pub(super) fn write_vocabularies(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
