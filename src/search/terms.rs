//! A document's terms: each field's text normalised, segmented, stop words dropped and synonym
//! groups added (`for_each_field`), as tokens (the one-file index) or term counts (shards, the
//! segmentation cache).

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::cache::DocTerms;
use super::segment::FaqChinese;
use super::words::Words;
use super::{normalize, SearchDoc, FIELDS, MAX_TERM_CHARS, N_FIELDS};

/// Tokens of the fields of one document, after elasticlunr's zh pipeline (running it
/// again inside elasticlunr changes nothing: trimming and stop words are idempotent).
pub(super) type DocTokens = [Vec<String>; N_FIELDS];

pub(super) fn tokens_of(
    docs: &[SearchDoc<'_>],
    lang: &FaqChinese,
    words: &Words,
) -> Vec<DocTokens> {
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
pub(super) fn doc_terms(d: &SearchDoc<'_>, lang: &FaqChinese, words: &Words) -> DocTerms {
    let mut out = DocTerms::default();
    for_each_field(d, lang, words, |fi, tokens| {
        out.push_field(fi, term_counts(tokens))
    });
    out
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
