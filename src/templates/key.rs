//! Keys of template contexts: a serde serializer that feeds a value's structure straight into
//! a hash, instead of formatting it as JSON first (no text is escaped, no number printed,
//! nothing allocated). Every value starts with a tag byte and every string, byte string and
//! name is length-prefixed, and sequences, maps and structs end with a byte no tag uses, so
//! two different values never feed the same bytes.

use std::collections::HashMap;
use std::hash::{BuildHasher as _, Hasher as _};

use rayon::prelude::*;
use serde::ser::{self, Serialize};

use super::Theme;
use crate::markdown::Rendered;

/// A hash of everything a page's HTML is made from: its template context and the theme.
pub type PageKey = [u8; 16];
/// The key of every content page, by URL.
pub type PageKeys = std::collections::HashMap<String, PageKey>;

impl Theme {
    /// The key of HTML rendered with `template` from `ctx` (a sidebar's or related list's
    /// whole context): equal keys, equal HTML.
    pub(super) fn fragment_key(&self, template: &str, ctx: &impl Serialize) -> PageKey {
        self.key_with(KeyHasher::new(), template, ctx)
    }

    /// The key of `template` rendered from `ctx`, fed into `h` after the templates' hash.
    pub(super) fn key_with(
        &self,
        mut h: KeyHasher,
        template: &str,
        ctx: &impl Serialize,
    ) -> PageKey {
        h.add_bytes(&self.templates_hash);
        h.add_bytes(template.as_bytes());
        h.add(ctx).expect("a context serializes");
        h.finish()
    }
}

/// The hash of everything serialized into it so far: 64 bits of foldhash (fed piece by piece,
/// as the serializer walks the value) and the number of bytes fed, as [`digest`]
/// keys a page's HTML. These keys only live in `serve`'s memory, where a collision would only
/// show a page as it was one edit ago; SHA-256 here, with its block buffer filled a few bytes
/// at a time, was a third of the time of the keys of 10,000 pages.
///
/// A compact hasher (see [`KeyHasher::compact`]) tells the values it is given that it is not
/// human-readable (`serde::Serializer::is_human_readable`): rendered HTML, JSON-LD, a summary
/// and a shared sidebar then feed their digests instead of their text (`context.rs`).
pub struct KeyHasher {
    hash: foldhash::quality::FoldHasher<'static>,
    len: u64,
    compact: bool,
}

/// Digests of every page's HTML and text, computed the first time a page key needs them
/// (only `serve` computes page keys).
pub struct Digests<'a> {
    rendered: &'a [Rendered],
    table: std::sync::OnceLock<Vec<(PageKey, PageKey)>>,
}

impl<'a> Digests<'a> {
    pub(super) fn new(rendered: &'a [Rendered]) -> Self {
        Digests {
            rendered,
            table: std::sync::OnceLock::new(),
        }
    }

    pub(super) fn get(&self) -> &[(PageKey, PageKey)] {
        self.table.get_or_init(|| {
            self.rendered
                .par_iter()
                .map(|r| (digest(&r.html), digest(&r.text)))
                .collect()
        })
    }
}

/// A page's HTML or text, or a rendered sidebar, for a page's key: 64 bits of foldhash and the
/// length. Three times faster than SHA-256 over the 40 MB of a 10,000-page site, and these
/// keys only live in the memory of `serve`, where a collision would only show a page as it was
/// one edit ago.
pub(super) fn digest(text: &str) -> PageKey {
    use std::hash::BuildHasher;
    let hash = foldhash::quality::FixedState::with_seed(0x6661_7173_6974_6531).hash_one(text);
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&hash.to_le_bytes());
    key[8..].copy_from_slice(&(text.len() as u64).to_le_bytes());
    key
}

/// The sidebars and related lists of the last build (`serve`), by the key of what they were
/// rendered from (`Theme::fragment_key`): after an edit to an answer, all 200 of a
/// large site's sidebars are the same, and rendering them was a third of a rebuild's templates.
/// Only the last build's are kept.
#[derive(Default)]
pub struct FragmentMemo(std::sync::Mutex<FragmentMaps>);

#[derive(Default)]
struct FragmentMaps {
    last: HashMap<PageKey, String>,
    this: HashMap<PageKey, String>,
}

impl FragmentMemo {
    fn maps(&self) -> std::sync::MutexGuard<'_, FragmentMaps> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A build starts: what the one before used becomes the last build's.
    pub(super) fn next_build(&self) {
        let mut maps = self.maps();
        maps.last = std::mem::take(&mut maps.this);
    }

    pub(super) fn get(&self, key: &PageKey) -> Option<String> {
        let mut maps = self.maps();
        let html = match maps.this.get(key) {
            Some(html) => html.clone(),
            None => maps.last.remove(key)?,
        };
        maps.this.insert(*key, html.clone());
        Some(html)
    }

    pub(super) fn put(&self, key: PageKey, html: String) {
        self.maps().this.insert(key, html);
    }
}

/// Ends a sequence, tuple, map or struct (no tag is this byte).
const END: u8 = 0xff;

/// The hasher's fixed seed: the same value always gets the same key, in every process.
static SEED: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0x6b65_7973);

impl KeyHasher {
    pub fn new() -> KeyHasher {
        KeyHasher {
            hash: SEED.build_hasher(),
            len: 0,
            compact: false,
        }
    }

    /// A hasher for a page's key: what stands for rendered text feeds its digest (a chapter
    /// page's context holds the answers of the whole chapter: hashing digests keeps keys
    /// cheap).
    pub fn compact() -> KeyHasher {
        KeyHasher {
            compact: true,
            ..KeyHasher::new()
        }
    }

    /// Feed `value`'s structure.
    pub fn add<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), KeyError> {
        value.serialize(&mut *self)
    }

    /// Feed raw bytes (length-prefixed).
    pub fn add_bytes(&mut self, bytes: &[u8]) {
        self.hash.write_u64(bytes.len() as u64);
        self.hash.write(bytes);
        self.len += 8 + bytes.len() as u64;
    }

    pub fn finish(self) -> PageKey {
        let mut key = [0u8; 16];
        key[..8].copy_from_slice(&self.hash.finish().to_le_bytes());
        key[8..].copy_from_slice(&self.len.to_le_bytes());
        key
    }

    fn tag(&mut self, tag: u8) {
        self.hash.write_u8(tag);
        self.len += 1;
    }

    fn tagged(&mut self, tag: u8, bytes: &[u8]) {
        self.tag(tag);
        self.hash.write(bytes);
        self.len += bytes.len() as u64;
    }

    fn name(&mut self, tag: u8, name: &str) {
        self.tag(tag);
        self.add_bytes(name.as_bytes());
    }
}

/// A key or digest in a context serialized for a key: fed as one byte string (serde would
/// feed an array as 16 numbers).
pub struct Digest<'a>(pub &'a PageKey);

impl Serialize for Digest<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// A context that would not serialize (a custom `Serialize` failed).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(String);

impl ser::Error for KeyError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        KeyError(msg.to_string())
    }
}

type R = Result<(), KeyError>;

impl<'a> ser::Serializer for &'a mut KeyHasher {
    type Ok = ();
    type Error = KeyError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn is_human_readable(&self) -> bool {
        !self.compact
    }

    fn serialize_bool(self, v: bool) -> R {
        self.tagged(1, &[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> R {
        self.tagged(2, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> R {
        self.tagged(3, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> R {
        self.tagged(4, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> R {
        self.tagged(5, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> R {
        self.tagged(6, &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> R {
        self.tagged(7, &u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> R {
        self.tag(8);
        self.add_bytes(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        self.tag(9);
        self.add_bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> R {
        self.tag(10);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        self.tag(11);
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.tag(12);
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> R {
        self.name(13, name);
        Ok(())
    }
    fn serialize_unit_variant(self, name: &'static str, _: u32, variant: &'static str) -> R {
        self.name(14, name);
        self.add_bytes(variant.as_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, v: &T) -> R {
        self.name(15, name);
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> R {
        self.name(16, name);
        self.add_bytes(variant.as_bytes());
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, KeyError> {
        self.tag(17);
        Ok(Compound(self))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, KeyError> {
        self.tag(18);
        Ok(Compound(self))
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, KeyError> {
        self.name(19, name);
        Ok(Compound(self))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, KeyError> {
        self.name(20, name);
        self.add_bytes(variant.as_bytes());
        Ok(Compound(self))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, KeyError> {
        self.tag(21);
        Ok(Compound(self))
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Compound<'a>, KeyError> {
        self.name(22, name);
        Ok(Compound(self))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, KeyError> {
        self.name(23, name);
        self.add_bytes(variant.as_bytes());
        Ok(Compound(self))
    }
}

/// A sequence, tuple, map or struct being fed: its items, then [`END`].
pub struct Compound<'a>(&'a mut KeyHasher);

impl Compound<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut *self.0)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
        self.0.name(24, key);
        value.serialize(&mut *self.0)
    }

    fn end(self) -> R {
        self.0.tag(END);
        Ok(())
    }
}

macro_rules! items {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = KeyError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
                self.item(value)
            }
            fn end(self) -> R {
                Compound::end(self)
            }
        }
    )*};
}
items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        self.item(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.item(value)
    }
    fn end(self) -> R {
        Compound::end(self)
    }
}

macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = KeyError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
                self.field(key, value)
            }
            fn skip_field(&mut self, key: &'static str) -> R {
                self.0.name(25, key);
                Ok(())
            }
            fn end(self) -> R {
                Compound::end(self)
            }
        }
    )*};
}
fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;

    fn key<T: Serialize + ?Sized>(v: &T) -> PageKey {
        let mut h = KeyHasher::new();
        h.add(v).unwrap();
        h.finish()
    }

    #[test]
    fn different_values_give_different_keys() {
        // The pairs a plain concatenation of the text would confuse.
        assert_ne!(key(&("ab", "c")), key(&("a", "bc")));
        assert_ne!(key(&vec!["a", "b"]), key(&vec!["ab"]));
        assert_ne!(key(&(vec!["a"], "b")), key(&(vec!["a", "b"],)));
        assert_ne!(key(&Some("")), key(&None::<&str>));
        assert_ne!(key(&""), key(&()));
        let mut a = std::collections::BTreeMap::new();
        a.insert("k", "v");
        let mut b = std::collections::BTreeMap::new();
        b.insert("kv", "");
        assert_ne!(key(&a), key(&b));
    }

    /// A build finds what the build before it rendered, and nothing older: the memo holds
    /// one build's fragments, not every sidebar a long `serve` session ever made.
    #[test]
    fn the_fragment_memo_keeps_the_last_builds_fragments_only() {
        let memo = FragmentMemo::default();
        let (a, b) = ([1u8; 16], [2u8; 16]);
        memo.next_build();
        memo.put(a, "A".into());
        memo.put(b, "B".into());
        memo.next_build();
        assert_eq!(
            memo.get(&a).as_deref(),
            Some("A"),
            "kept for the next build"
        );
        assert_eq!(
            memo.get(&a).as_deref(),
            Some("A"),
            "found twice in one build"
        );
        memo.next_build();
        assert_eq!(memo.get(&a).as_deref(), Some("A"), "used by the last build");
        assert_eq!(memo.get(&b), None, "unused by the last build: gone");
    }

    #[test]
    fn equal_values_give_equal_keys() {
        assert_eq!(
            key(&("標題", 3u8, vec![1.5f64])),
            key(&("標題", 3u8, vec![1.5f64]))
        );
        // The width of an integer does not matter, as in the JSON the templates see.
        assert_eq!(key(&7u8), key(&7u64));
    }
}
