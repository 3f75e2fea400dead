//! Short content hashes shared by the stages (asset versions, image names, shard keys).
//! A leaf: imports nothing of faqsite's.

use sha2::{Digest, Sha256};

/// Ten hex digits of the SHA-256 of `bytes`.
pub fn short_hash(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().take(5).map(|b| format!("{b:02x}")).collect()
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
