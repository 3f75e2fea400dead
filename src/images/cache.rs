//! The image cache (`.faqsite-cache/images`): encoded variants kept by the source's content
//! hash and the encoder's settings, each entry checked before use.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use sha2::{Digest, Sha256};

use super::source::Unusable;
use super::Work;

/// Bump when the encoders or their settings change, so cached variants are not reused.
const ENCODER_VERSION: &str = "image-0.25/png-best/jpeg-85/libwebp-q90/fir-6-lanczos3/v2";

/// The image cache (`.faqsite-cache/images`): its entries are read through the gate
/// (`crate::paths`) and checked before use ([`cached`]); a cache folder that is a symbolic
/// link (or under one) is neither read nor written (`usable` false).
pub(super) struct Cache<'a> {
    pub(super) dir: PathBuf,
    pub(super) usable: bool,
    pub(super) root_canon: &'a Path,
}

/// The cache key of one variant of the source with content hash `hash`.
pub(super) fn variant_key(hash: &str, variant: &str) -> String {
    let mut h = Sha256::new();
    h.update(ENCODER_VERSION.as_bytes());
    h.update(hash.as_bytes());
    h.update(variant.as_bytes());
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The variant under `key` from the cache, or `make` it (and remember it). The cache folder
/// comes with the site (a pull request can commit one), so an entry is used only when the gate
/// reads it (a regular file inside the site), its last 32 bytes are the SHA-256 of the key and
/// the rest, and the rest is an image of the `expect`ed format and width; else it is made
/// again and replaced.
pub(super) fn cached(
    cache: &Cache,
    key: &str,
    expect: (image::ImageFormat, u32),
    work: &Work,
    make: impl FnOnce() -> std::result::Result<Vec<u8>, Unusable>,
) -> std::result::Result<Vec<u8>, Unusable> {
    let path = cache.dir.join(key);
    let found = cache
        .usable
        .then(|| crate::paths::read(cache.root_canon, &path).ok())
        .flatten()
        .and_then(|entry| cache_entry(key, entry, expect));
    if let Some(bytes) = found {
        work.reused.fetch_add(1, Ordering::Relaxed);
        return Ok(bytes);
    }
    let bytes = make()?;
    work.encoded.fetch_add(1, Ordering::Relaxed);
    if !cache.usable {
        return Ok(bytes);
    }
    let mut entry = bytes.clone();
    entry.extend_from_slice(&entry_digest(key, &bytes));
    if let Err(e) = crate::paths::write_cache_file(&path, &entry) {
        if let Ok(mut errs) = work.cache_errors.lock() {
            if errs.is_empty() {
                errs.push(e.to_string());
            }
        }
    }
    Ok(bytes)
}

/// The SHA-256 of `key` and `bytes`: the last 32 bytes of a cache entry.
fn entry_digest(key: &str, bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(key.as_bytes());
    h.update([0]);
    h.update(bytes);
    h.finalize().into()
}

/// A cache entry's image, if the entry is one made for `key` (see [`cached`]).
fn cache_entry(
    key: &str,
    mut entry: Vec<u8>,
    expect: (image::ImageFormat, u32),
) -> Option<Vec<u8>> {
    let at = entry.len().checked_sub(32)?;
    if entry[at..] != entry_digest(key, &entry[..at]) {
        return None;
    }
    entry.truncate(at);
    let reader = image::ImageReader::new(std::io::Cursor::new(&entry))
        .with_guessed_format()
        .ok()?;
    if reader.format() != Some(expect.0) {
        return None;
    }
    let (width, _) = reader.into_dimensions().ok()?;
    (width == expect.1).then_some(entry)
}
