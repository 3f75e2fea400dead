//! A term shard's inverted indexes (one per field) as JSON, written straight from its
//! postings: the bytes serializing elasticlunr-rs's `InvertedIndex` filled with them would give
//! (tested below), without building its tree of maps first (a node per character of every
//! term and a `String` per document reference: most of the time of writing the shards).

use std::io::Write;

/// One posting: the field's number, the term, the document and the term's count in it.
pub(super) struct Entry<'a> {
    pub field: usize,
    pub term: &'a str,
    pub doc: u32,
    pub count: u32,
}

/// `{"<field>":{"root":{…}},…}` for the fields `names` (in the order of their names, as a
/// `BTreeMap` serializes them), each the JSON of the `InvertedIndex` that gets
/// `add_token(doc, term, sqrt(count))` for each of its entries, in order.
pub(super) fn inverted_indexes(names: &[&str], entries: Vec<Entry<'_>>) -> String {
    let mut by_field: Vec<Vec<(&str, String, f64, usize)>> =
        names.iter().map(|_| Vec::new()).collect();
    for (i, e) in entries.into_iter().enumerate() {
        by_field[e.field].push((e.term, e.doc.to_string(), f64::from(e.count).sqrt(), i));
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&f| names[f]);
    let mut out = Vec::with_capacity(4096);
    out.push(b'{');
    for (n, &f) in order.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        json_str(&mut out, names[f]);
        out.extend_from_slice(b":{\"root\":");
        trie(&mut out, std::mem::take(&mut by_field[f]));
        out.push(b'}');
    }
    out.push(b'}');
    String::from_utf8(out).expect("JSON of UTF-8 strings")
}

/// One index's tree: terms in order of their characters (a term before the longer ones it
/// starts), each node `{"docs":{…},"df":n,"<char>":{…},…}`, documents in string order; a
/// document given twice for a term keeps its last tf, counted once (as `add_token` does).
fn trie(out: &mut Vec<u8>, mut postings: Vec<(&str, String, f64, usize)>) {
    postings.sort_by(|a, b| (a.0, &a.1, a.3).cmp(&(b.0, &b.1, b.3)));
    // The last of each (term, document): the value `add_token` leaves.
    postings.dedup_by(|later, earlier| {
        let same = later.0 == earlier.0 && later.1 == earlier.1;
        if same {
            std::mem::swap(later, earlier);
        }
        same
    });
    out.extend_from_slice(b"{\"docs\":{},\"df\":0");
    // The characters of the nodes open below the root.
    let mut open: Vec<char> = Vec::new();
    let mut i = 0;
    while i < postings.len() {
        let term = postings[i].0;
        let end = i + postings[i..].iter().take_while(|p| p.0 == term).count();
        let chars: Vec<char> = term.chars().collect();
        let common = open.iter().zip(&chars).take_while(|(a, b)| a == b).count();
        for _ in common..open.len() {
            out.push(b'}');
        }
        open.truncate(common);
        for (k, &c) in chars.iter().enumerate().skip(common) {
            out.push(b',');
            json_str(out, c.encode_utf8(&mut [0; 4]));
            out.extend_from_slice(b":{\"docs\":{");
            if k + 1 == chars.len() {
                docs(out, &postings[i..end]);
                write!(out, "}},\"df\":{}", end - i).expect("writes to a Vec");
            } else {
                out.extend_from_slice(b"},\"df\":0");
            }
            open.push(c);
        }
        i = end;
    }
    for _ in 0..open.len() {
        out.push(b'}');
    }
    out.push(b'}');
}

/// `"<doc>":{"tf":<tf>},…` of one term's postings.
fn docs(out: &mut Vec<u8>, postings: &[(&str, String, f64, usize)]) {
    for (n, (_, doc, tf, _)) in postings.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        json_str(out, doc);
        out.extend_from_slice(b":{\"tf\":");
        serde_json::to_writer(&mut *out, tf).expect("a finite number");
        out.push(b'}');
    }
}

fn json_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(out, s).expect("a string serializes");
}

#[cfg(test)]
mod tests {
    use super::*;
    use elasticlunr::inverted_index::InvertedIndex;
    use std::collections::BTreeMap;

    /// What the shards were written as before: elasticlunr-rs's own indexes, serialized.
    fn reference(names: &[&str], entries: &[(usize, &str, u32, u32)]) -> String {
        let mut fields: Vec<InvertedIndex> = names.iter().map(|_| InvertedIndex::new()).collect();
        for &(f, term, doc, count) in entries {
            fields[f].add_token(&doc.to_string(), term, f64::from(count).sqrt());
        }
        let named: BTreeMap<&str, InvertedIndex> = names.iter().copied().zip(fields).collect();
        serde_json::to_string(&named).unwrap()
    }

    fn ours(names: &[&str], entries: &[(usize, &str, u32, u32)]) -> String {
        let entries = entries
            .iter()
            .map(|&(field, term, doc, count)| Entry {
                field,
                term,
                doc,
                count,
            })
            .collect();
        inverted_indexes(names, entries)
    }

    #[test]
    fn the_json_is_that_of_elasticlunrs_inverted_index() {
        let names = ["title", "body", "tags"];
        let cases: Vec<Vec<(usize, &str, u32, u32)>> = vec![
            vec![],
            vec![(1, "驱动", 3, 2)],
            vec![
                (0, "驱动程序", 10, 1),
                (0, "驱动", 9, 3),
                (0, "驱", 2, 1),
                (1, "驱动", 9, 1),
                (1, "安装", 100, 4),
                (1, "安", 11, 1),
                (1, "驱动", 1, 7),
                (2, "usb", 5, 1),
                (2, "u", 5, 2),
                (2, "ukey", 12, 1),
                (2, "1111", 3, 1),
                (1, "驱动", 9, 5),
                (0, "\"引号\"", 4, 1),
                (0, "𠀀x", 4, 9),
            ],
        ];
        for entries in cases {
            assert_eq!(
                ours(&names, &entries),
                reference(&names, &entries),
                "{entries:?}"
            );
        }
    }

    #[test]
    fn many_documents_and_terms_give_the_same_json() {
        let words = [
            "证书",
            "证书管理",
            "证",
            "管理工具",
            "pin",
            "pin码",
            "1",
            "10",
            "口令",
        ];
        let mut entries = Vec::new();
        for doc in 0..120u32 {
            for (w, word) in words.iter().enumerate() {
                if !(doc as usize + w).is_multiple_of(3) {
                    entries.push(((doc as usize + w) % 2, *word, doc, (doc % 5) + 1));
                }
            }
        }
        let names = ["body", "title"];
        assert_eq!(ours(&names, &entries), reference(&names, &entries));
    }
}
