//! The "closest questions" of a sharded index: for each title key (a Chinese character or a
//! Latin word of a question's title), the questions whose titles hold it, written as
//! `search/c<k>.js` in the vocabularies' layout (a key's file is its first character's code
//! point modulo the shard count; the questions as packed gaps, `pack.rs`), so a query that finds nothing loads only the files of its
//! own characters to offer the questions that share the most of them. The one-file index
//! needs none of this: its titles are all at hand (`search.js`, `Engine.closest`).

use std::collections::BTreeMap;

use super::script::write_parts;
use super::shards::shard_of;
use super::{normalize, pack, IndexSink, SearchDoc};
use crate::error::Result;

/// Whether `c` is a Chinese character as `search.js` counts them (its `HAN` pattern).
fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// The keys titles are compared by, as `search.js`'s `titleKeys`: the normalised text's
/// Chinese characters one by one and its runs of ASCII letters and digits, each once.
pub fn keys(text: &str) -> Vec<String> {
    fn add(out: &mut Vec<String>, key: String) {
        if !out.contains(&key) {
            out.push(key);
        }
    }
    let mut out = Vec::new();
    let mut word = String::new();
    for c in normalize(text).chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            add(&mut out, std::mem::take(&mut word));
        }
        if is_han(c) {
            add(&mut out, c.to_string());
        }
    }
    if !word.is_empty() {
        add(&mut out, word);
    }
    out
}

/// Write `search/c<k>.js` for each of `shards` that holds a key; returns the files' content
/// hashes by shard ("" where no key falls: no file). The `stop` words (which the client drops
/// from queries) are left out.
pub fn write_files(
    docs: &[SearchDoc<'_>],
    shards: usize,
    stop: &[&str],
    sink: &dyn IndexSink,
) -> Result<Vec<String>> {
    let mut parts: Vec<BTreeMap<String, Vec<u32>>> = vec![BTreeMap::new(); shards];
    for (n, d) in docs.iter().enumerate() {
        for key in keys(d.title)
            .into_iter()
            .filter(|k| !stop.contains(&k.as_str()))
        {
            let part = &mut parts[shard_of(&key, shards)];
            part.entry(key).or_default().push(n as u32);
        }
    }
    let encoded = parts.into_iter().map(|part| {
        (!part.is_empty()).then(|| {
            part.into_iter()
                .map(|(key, docs)| (key, pack::gaps(&docs)))
                .collect::<BTreeMap<_, _>>()
        })
    });
    write_parts('c', encoded, sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_keys_are_chinese_characters_and_latin_words_once() {
        assert_eq!(
            keys("USB Key的初始口令（PIN码）？口令"),
            ["usb", "key", "的", "初", "始", "口", "令", "pin", "码"]
        );
        assert_eq!(keys("ＴＷ15 开头"), ["tw15", "开", "头"]);
    }
}
