//! Short content hashes shared by the stages (asset versions, image names, shard keys).
//! A leaf: imports nothing of faqsite's.

use sha2::{Digest, Sha256};

/// Ten hex digits of the SHA-256 of `bytes`.
pub fn short_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes)[..5])
}

/// Lower-case hex of `bytes` (one allocation: the output record writes a digest for each of
/// a build's files twice, and a `format!` per byte was 1.7 % of a build).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let want: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&all), want);
        assert_eq!(hex(&[]), "");
        assert_eq!(short_hash(b"").len(), 10);
        assert_eq!(short_hash(b""), "e3b0c44298");
    }
}
