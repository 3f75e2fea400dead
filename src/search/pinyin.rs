//! The pinyin map of a search index: toneless full pinyin (`qudong`) → the index's own Chinese
//! terms that read so (`驱动`), made from the terms actually indexed, so it grows with the
//! site's vocabulary and not with a dictionary. `search.js` splits a Latin query into these
//! keys and searches for the terms.

use std::collections::{BTreeMap, BTreeSet};

use pinyin::ToPinyinMulti;

/// Readings kept per term at most (characters with several readings multiply them).
const MAX_READINGS: usize = 4;

/// pinyin → terms, sorted both ways (deterministic output).
pub type PinyinMap = BTreeMap<String, Vec<String>>;

/// The toneless readings of a term of two or more Chinese characters (none for anything else:
/// one syllable names too many characters to be worth a lookup). The first reading of each
/// character first; other readings while there are at most [`MAX_READINGS`].
pub fn readings(term: &str) -> Vec<String> {
    if term.chars().count() < 2 {
        return Vec::new();
    }
    let mut out = vec![String::new()];
    for multi in term.to_pinyin_multi() {
        let Some(multi) = multi else {
            return Vec::new();
        };
        let syllables: BTreeSet<&str> = multi.into_iter().map(|p| p.plain()).collect();
        let first = multi.get(0).plain();
        let mut next = Vec::new();
        for prefix in &out {
            next.push(format!("{prefix}{first}"));
        }
        for s in syllables.iter().filter(|s| **s != first) {
            for prefix in &out {
                if next.len() < MAX_READINGS {
                    next.push(format!("{prefix}{s}"));
                }
            }
        }
        out = next;
    }
    out
}

/// The pinyin map of `terms`.
/// [`map`] for an index in `language` (a primary subtag, `words::LanguageWords::code`): only
/// Chinese is searched by pinyin; another language's index has no map (a Chinese word in an
/// English answer is not looked for by its reading).
pub fn map_for<'a>(language: &str, terms: impl IntoIterator<Item = &'a str>) -> PinyinMap {
    if language == "zh" || language.is_empty() {
        map(terms)
    } else {
        PinyinMap::new()
    }
}

pub fn map<'a>(terms: impl IntoIterator<Item = &'a str>) -> PinyinMap {
    let mut map: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for t in terms {
        for r in readings(t) {
            map.entry(r).or_default().insert(t);
        }
    }
    map.into_iter()
        .map(|(k, v)| (k, v.into_iter().map(str::to_string).collect()))
        .collect()
}

/// A large site's map split by the key's first letter (`a` = 0 … `z` = 25), for the
/// `search/p<n>.js` files: a query loads the parts of the letters it contains.
pub fn by_letter(map: PinyinMap) -> Vec<PinyinMap> {
    let mut parts: Vec<PinyinMap> = (0..26).map(|_| PinyinMap::new()).collect();
    for (k, v) in map {
        if let Some(i) = k.bytes().next().map(|b| b.wrapping_sub(b'a') as usize) {
            if i < 26 {
                parts[i].insert(k, v);
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_keyed_by_their_toneless_pinyin() {
        let m = map(["驱动", "密码", "锁死", "驱", "usb", "黑名单"]);
        assert_eq!(m["qudong"], ["驱动"]);
        assert_eq!(m["mima"], ["密码"]);
        assert_eq!(m["suosi"], ["锁死"]);
        assert_eq!(m["heimingdan"], ["黑名单"]);
        assert!(!m.values().flatten().any(|t| t == "驱" || t == "usb"));
    }

    #[test]
    fn characters_with_two_readings_give_both() {
        let r = readings("银行");
        assert!(r.contains(&"yinhang".to_string()), "{r:?}");
        assert!(r.len() <= MAX_READINGS);
    }
}
