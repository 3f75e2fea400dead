//! The segmentation cache of large (sharded) indexes: word segmentation (jieba) is most of the
//! search stage's time, and a rebuild after a small edit segments the same text again. The term
//! counts of every document are kept in `.faqsite-cache/search-terms.bin`, keyed by a hash of
//! the document's text (and faqsite's version), so the next build segments only the documents
//! whose text changed. The file is rewritten with this build's documents only, so it never
//! grows beyond the site. A missing, stale or damaged file is an empty cache, never an error.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{SearchDoc, N_FIELDS, SEP};

const MAGIC: &[u8] = b"FAQSITE-TERMS-2\n";

pub type Key = [u8; 16];

/// The distinct terms of one document's four fields with their counts, compactly: the terms
/// of all fields in one string (separated by `SEP`), `fields[f]` terms per field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocTerms {
    pub terms: String,
    pub counts: Vec<u32>,
    pub fields: [u32; N_FIELDS],
}

impl DocTerms {
    /// Appends field `fi`'s distinct terms and their counts (fields in order).
    pub fn push_field(&mut self, fi: usize, counts: Vec<(&str, u32)>) {
        self.fields[fi] = counts.len() as u32;
        for (t, n) in counts {
            if !self.counts.is_empty() {
                self.terms.push(SEP);
            }
            self.terms.push_str(t);
            self.counts.push(n);
        }
    }

    /// (field, term, count) in field order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &str, u32)> + '_ {
        let field_of = self
            .fields
            .iter()
            .enumerate()
            .flat_map(|(fi, &n)| std::iter::repeat_n(fi, n as usize));
        let terms = self.terms.split(SEP).take(self.counts.len());
        field_of
            .zip(terms)
            .zip(&self.counts)
            .map(|((fi, t), &n)| (fi, t, n))
    }
}

/// The cache key of a document: its text as the index sees it, and `salt` (what else the
/// terms depend on: the language's stop words and the synonym groups).
pub fn key(d: &SearchDoc<'_>, salt: &str) -> Key {
    let mut h = Sha256::new();
    h.update(crate::builtin::GENERATOR.as_bytes());
    for part in [d.title, d.body, d.chapter] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    for list in [d.tags, d.keywords] {
        for t in list {
            h.update(t.as_bytes());
            h.update([0x1e]);
        }
        h.update([0x1d]);
    }
    h.update(salt.as_bytes());
    h.update([N_FIELDS as u8]);
    let full = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&full[..16]);
    k
}

/// The documents' terms of the last build of this process (`serve`), kept in memory: the next
/// build takes them from here instead of reading the cache file, and writes no file.
#[derive(Default)]
pub struct TermMemory(std::sync::Mutex<Option<HashMap<Key, DocTerms>>>);

impl TermMemory {
    fn take(&self) -> Option<HashMap<Key, DocTerms>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    fn put(&self, terms: HashMap<Key, DocTerms>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(terms);
    }
}

/// The cache of the previous build, and the writer of this build's (streamed to a temporary
/// file beside the cache file, renamed over it at the end; or kept in a [`TermMemory`]).
pub struct TermCache<'m> {
    path: Option<PathBuf>,
    old: HashMap<Key, DocTerms>,
    new: Option<(PathBuf, std::io::BufWriter<std::fs::File>)>,
    /// This build's documents, for `memory`.
    remembered: Option<(&'m TermMemory, HashMap<Key, DocTerms>)>,
}

impl<'m> TermCache<'m> {
    /// No cache (tests, sites without a cache folder).
    pub fn none() -> TermCache<'m> {
        TermCache {
            path: None,
            old: HashMap::new(),
            new: None,
            remembered: None,
        }
    }

    /// The cache file at `path` (if any): read, and rewritten with this build's documents;
    /// with `memory` (`serve`), those are kept there too, and a build that finds them there
    /// neither reads nor writes the file.
    pub fn open(path: Option<&Path>, memory: Option<&'m TermMemory>) -> TermCache<'m> {
        let mut cache = match (memory.and_then(TermMemory::take), path) {
            (Some(old), _) => {
                let mut cache = TermCache::none();
                cache.old = old;
                cache
            }
            (None, Some(path)) => TermCache::load(path),
            (None, None) => TermCache::none(),
        };
        cache.remembered = memory.map(|m| (m, HashMap::new()));
        cache
    }

    pub fn load(path: &Path) -> TermCache<'m> {
        // Read through the gate (the cache folder comes with the site: a link in it must not
        // be followed out of the site); the file is `<site>/.faqsite-cache/<name>`.
        let site = path
            .parent()
            .and_then(Path::parent)
            .and_then(|r| r.canonicalize().ok());
        let old = site
            .and_then(|site| crate::paths::read(&site, path).ok())
            .and_then(|b| parse(&b))
            .unwrap_or_default();
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        // A new file (never through a file or link already there).
        let _ = std::fs::remove_file(&tmp);
        let new = std::fs::File::create_new(&tmp).ok().and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            w.write_all(MAGIC).ok()?;
            Some((tmp, w))
        });
        TermCache {
            path: Some(path.to_path_buf()),
            old,
            new,
            remembered: None,
        }
    }

    #[cfg(test)]
    pub fn get(&self, k: &Key) -> Option<&DocTerms> {
        self.old.get(k)
    }

    /// The documents of the previous build, taken out (looked up while this build's are
    /// recorded with [`TermCache::keep`]).
    pub fn take_old(&mut self) -> HashMap<Key, DocTerms> {
        std::mem::take(&mut self.old)
    }

    /// Record a document of this build (in document order).
    pub fn keep(&mut self, k: &Key, d: &DocTerms) {
        if let Some((_, kept)) = &mut self.remembered {
            kept.insert(*k, d.clone());
        }
        let Some((_, w)) = &mut self.new else { return };
        let mut b = Vec::with_capacity(32 + d.counts.len() * 4 + d.terms.len());
        b.extend_from_slice(k);
        for n in d.fields {
            b.extend_from_slice(&n.to_le_bytes());
        }
        b.extend_from_slice(&(d.counts.len() as u32).to_le_bytes());
        for n in &d.counts {
            b.extend_from_slice(&n.to_le_bytes());
        }
        b.extend_from_slice(&(d.terms.len() as u32).to_le_bytes());
        b.extend_from_slice(d.terms.as_bytes());
        if w.write_all(&b).is_err() {
            // A cache that cannot be written only makes the next build slower.
            self.discard();
        }
    }

    fn discard(&mut self) {
        if let Some((tmp, _)) = self.new.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }

    /// Replace the cache file with this build's documents (best effort, as above).
    pub fn save(mut self) {
        if let Some((memory, kept)) = self.remembered.take() {
            memory.put(kept);
        }
        let (Some(path), Some((tmp, w))) = (self.path.take(), self.new.take()) else {
            return;
        };
        let ok = w
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|_| std::fs::rename(&tmp, &path));
        if ok.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

impl Drop for TermCache<'_> {
    /// A build that stopped half-way leaves no temporary file.
    fn drop(&mut self) {
        self.discard();
    }
}

/// Reads a cache file; `None` if it is not one or is damaged.
fn parse(b: &[u8]) -> Option<HashMap<Key, DocTerms>> {
    struct Reader<'a>(&'a [u8]);
    impl<'a> Reader<'a> {
        fn take(&mut self, n: usize) -> Option<&'a [u8]> {
            if self.0.len() < n {
                return None;
            }
            let (a, r) = self.0.split_at(n);
            self.0 = r;
            Some(a)
        }
        fn u32(&mut self) -> Option<u32> {
            Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
        }
    }
    let mut r = Reader(b.strip_prefix(MAGIC)?);
    let mut map = HashMap::new();
    while !r.0.is_empty() {
        let key: Key = r.take(16)?.try_into().ok()?;
        let mut fields = [0u32; N_FIELDS];
        for f in &mut fields {
            *f = r.u32()?;
        }
        let n = r.u32()? as usize;
        let counts: Vec<u32> = r
            .take(n.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let len = r.u32()? as usize;
        let terms = String::from_utf8(r.take(len)?.to_vec()).ok()?;
        if fields.iter().map(|&f| f as usize).sum::<usize>() != counts.len() {
            return None;
        }
        map.insert(
            key,
            DocTerms {
                terms,
                counts,
                fields,
            },
        );
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> DocTerms {
        let mut t = DocTerms::default();
        t.push_field(0, vec![("安装", 1), ("驱动", 2)]);
        t.push_field(1, vec![("usb", 3)]);
        t.push_field(2, vec![]);
        t.push_field(3, vec![("驱动", 1)]);
        t.push_field(4, vec![("装驱动", 1)]);
        t
    }

    #[test]
    fn doc_terms_iterate_by_field() {
        let t = terms();
        let got: Vec<_> = t.iter().collect();
        assert_eq!(
            got,
            vec![
                (0, "安装", 1),
                (0, "驱动", 2),
                (1, "usb", 3),
                (3, "驱动", 1),
                (4, "装驱动", 1),
            ]
        );
        assert_eq!(DocTerms::default().iter().count(), 0);
    }

    #[test]
    fn saved_cache_loads_back_and_damage_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c/search-terms.bin");
        let mut c = TermCache::load(&path);
        assert!(c.get(&[1; 16]).is_none());
        c.keep(&[1; 16], &terms());
        c.keep(&[2; 16], &DocTerms::default());
        c.save();
        let c = TermCache::load(&path);
        assert_eq!(c.get(&[1; 16]), Some(&terms()));
        assert_eq!(c.get(&[2; 16]), Some(&DocTerms::default()));
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, &bytes).unwrap();
        assert!(TermCache::load(&path).get(&[1; 16]).is_none());
    }
}
