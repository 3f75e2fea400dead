//! A small site's index: one script, `search-index.js`, holding elasticlunr's index, the
//! documents the result list shows, the options and the pinyin map.

use std::collections::BTreeMap;

use elasticlunr::{Index, IndexBuilder};
use serde::Serialize;

use super::script::write_global;
use super::segment::FaqChinese;
use super::terms::{tokens_of, DocTokens};
use super::words::Words;
use super::{
    options, pinyin, split_tokens, Options, SearchDoc, SearchScript, BODY_CHARS, FIELDS,
    FORMAT_VERSION, N_FIELDS, ONE_FILE_SCRIPT, SEP,
};
use crate::config::SearchConfig;
use crate::error::Result;

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

/// Builds a small site's index as `search-index.js`, handed to `sink`.
pub(super) fn build(
    config: &SearchConfig,
    docs: &[SearchDoc<'_>],
    lang: &FaqChinese,
    words: &Words,
    sink: &dyn super::IndexSink,
) -> Result<SearchScript> {
    let tokens = tokens_of(docs, lang, words);
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
        options: options(config, words),
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
    write_global("FAQSITE_SEARCH", ONE_FILE_SCRIPT, &file, sink)
}
