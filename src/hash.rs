//! Short content hashes shared by the stages (asset versions, image names, shard keys).
//! A leaf: imports nothing of faqsite's.

use sha2::{Digest, Sha256};

/// Ten hex digits of the SHA-256 of `bytes`.
pub fn short_hash(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().take(5).map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of one input file as the freshness key counts it: its path relative to the
/// site (`rel`), then its length and bytes. Computed by whoever reads the file first (the
/// content loader for the Markdown, `fresh::input_hash` for the rest), so no file is read
/// twice for it.
pub fn file_digest(rel: &std::path::Path, bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(rel.to_string_lossy().as_bytes());
    h.update([0]);
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
    h.finalize().into()
}

/// The digests ([`file_digest`]) of files already read, by path.
pub type Digests = rustc_hash::FxHashMap<std::path::PathBuf, [u8; 32]>;

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
