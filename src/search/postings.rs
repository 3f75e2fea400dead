//! The postings of a sharded index while it is built: every (document, field, term) with its
//! count, grouped by shard, packed as variable-length integers (about 5 bytes a posting
//! instead of 16: at 100,000 questions, ~35 million postings are held until the shards are
//! written).

/// One (document, field, term) of a sharded index: the term as an id into the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    pub term: u32,
    pub count: u32,
    pub field: u8,
}

/// One shard's postings in the order they were added (documents in ascending order), each as
/// the gap to the previous posting's document, `term * 8 + field` and the count.
#[derive(Debug, Default)]
pub struct Bucket {
    bytes: Vec<u8>,
    last_doc: u32,
}

impl Bucket {
    /// Adds a posting; documents come in ascending order.
    pub fn push(&mut self, p: Posting) {
        debug_assert!(p.doc >= self.last_doc && p.field < 8);
        put(&mut self.bytes, p.doc - self.last_doc);
        put(&mut self.bytes, p.term << 3 | p.field as u32);
        put(&mut self.bytes, p.count);
        self.last_doc = p.doc;
    }

    /// The postings, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = Posting> + '_ {
        let mut at = 0;
        let mut doc = 0;
        std::iter::from_fn(move || {
            if at >= self.bytes.len() {
                return None;
            }
            doc += take(&self.bytes, &mut at);
            let tf = take(&self.bytes, &mut at);
            let count = take(&self.bytes, &mut at);
            Some(Posting {
                doc,
                term: tf >> 3,
                count,
                field: (tf & 7) as u8,
            })
        })
    }
}

/// LEB128: seven bits a byte, low first, the high bit set on all but the last.
fn put(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take(bytes: &[u8], at: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        v |= ((b & 0x7f) as u32) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_come_back_as_they_went_in() {
        let list = [
            (0, 0, 1, 0),
            (0, 300, 2, 4),
            (5, 70_000, 1, 1),
            (5, 1, 128, 0),
            (1_000_000, u32::MAX >> 3, u32::MAX, 4),
        ]
        .map(|(doc, term, count, field)| Posting {
            doc,
            term,
            count,
            field,
        });
        let mut b = Bucket::default();
        for p in list {
            b.push(p);
        }
        assert_eq!(b.iter().collect::<Vec<_>>(), list);
    }
}
