//! Lists of small integers as text (postings and field lengths of a sharded index): one
//! printable ASCII character for a value under 64, a few more for larger ones. Gzip codes such
//! text close to its entropy; the same numbers as a JSON array cost about 1.3 to 2 times as
//! much (measured at 100,000 questions: a common term's counts 35.7 → 31.5 kB, the body
//! lengths 107.7 → 76.6 kB with [`ranked`]). `search.js` (`unpack`) reads them back.

use serde::Serialize;

/// The 88 characters of packed text, in digit order: `#` to `~` without `\`, `<`, `>` and `&`
/// (nothing a JSON string or an HTML-minded reader would escape).
pub const ALPHABET: &[u8; 88] =
    b"#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
/// Values below this are one character; the digit of a value's last character.
pub const LAST: u32 = 64;
/// The digits before the last character of a larger value.
const MORE: u32 = ALPHABET.len() as u32 - LAST;

/// Appends `v`: `v < 64` as the character of digit `v`; else `v - 64` as its quotient by 64
/// (base 24, most significant first, digits 64…87) and then its remainder (digits 0…63).
pub fn put(out: &mut String, v: u32) {
    if v < LAST {
        out.push(ALPHABET[v as usize] as char);
        return;
    }
    let v = v - LAST;
    let (mut high, low) = (v / LAST, v % LAST);
    let mut digits = [0u8; 8];
    let mut n = 0;
    loop {
        digits[n] = ALPHABET[(LAST + high % MORE) as usize];
        n += 1;
        high /= MORE;
        if high == 0 {
            break;
        }
    }
    out.extend(digits[..n].iter().rev().map(|&d| d as char));
    out.push(ALPHABET[low as usize] as char);
}

/// `values` as packed text.
pub fn pack(values: impl IntoIterator<Item = u32>) -> String {
    let mut out = String::new();
    for v in values {
        put(&mut out, v);
    }
    out
}

/// Ascending document numbers as their first number and the gaps between them, packed
/// (`ascending` in `search.js` reads them back).
pub fn gaps(docs: &[u32]) -> String {
    let mut prev = 0;
    pack(docs.iter().map(|&d| {
        let gap = d - prev;
        prev = d;
        gap
    }))
}

/// A list whose values repeat (field lengths): the distinct values, most frequent first (ties
/// by value), and the list as the packed positions of its values in that table, so the common
/// values are one character each.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Ranked(Vec<u32>, String);

/// `values` as a [`Ranked`] list.
pub fn ranked(values: &[u32]) -> Ranked {
    let mut counts: rustc_hash::FxHashMap<u32, usize> = Default::default();
    for &v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut table: Vec<u32> = counts.keys().copied().collect();
    table.sort_unstable_by_key(|v| (std::cmp::Reverse(counts[v]), *v));
    let rank: rustc_hash::FxHashMap<u32, u32> = table
        .iter()
        .enumerate()
        .map(|(i, &v)| (v, i as u32))
        .collect();
    Ranked(table, pack(values.iter().map(|v| rank[v])))
}

/// Reads packed text back (what `search.js` does).
#[cfg(test)]
pub fn unpack(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let (mut high, mut more) = (0u32, false);
    for b in text.bytes() {
        let d = ALPHABET.iter().position(|&a| a == b).expect("packed digit") as u32;
        if d >= LAST {
            high = high * MORE + (d - LAST);
            more = true;
        } else {
            out.push(if more { LAST + high * LAST + d } else { d });
            (high, more) = (0, false);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_as_they_went_in() {
        let values = [
            0,
            1,
            63,
            64,
            65,
            127,
            128,
            64 + 64 * 24 - 1,
            64 + 64 * 24,
            1_000_000,
            u32::MAX,
        ];
        assert_eq!(unpack(&pack(values)), values);
        // tests/js/sharded.test.mjs reads the same text with search.js.
        assert_eq!(pack(values), "#$fg#g$gfh#~fhg#hjjg#oqmsquf");
        let text = pack(0..5000);
        assert_eq!(unpack(&text), (0..5000).collect::<Vec<_>>());
        assert!(text.bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn small_values_are_one_character_and_nothing_needs_escaping() {
        assert_eq!(pack(0..LAST).len(), LAST as usize);
        assert_eq!(pack([LAST]).len(), 2);
        let json = serde_json::to_string(&pack(0..10_000)).unwrap();
        assert!(!json[1..json.len() - 1].contains(['"', '\\', '<', '>', '&']));
        let distinct: std::collections::BTreeSet<u8> = ALPHABET.iter().copied().collect();
        assert_eq!(distinct.len(), ALPHABET.len());
    }

    #[test]
    fn document_numbers_are_written_as_gaps() {
        assert_eq!(unpack(&gaps(&[3, 4, 10])), [3, 1, 6]);
    }

    #[test]
    fn ranked_lists_put_the_common_values_first() {
        let values = [300, 7, 300, 300, 9, 7];
        let r = ranked(&values);
        assert_eq!(r.0, [300, 7, 9]);
        let back: Vec<u32> = unpack(&r.1).iter().map(|&i| r.0[i as usize]).collect();
        assert_eq!(back, values);
    }
}
