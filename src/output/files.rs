//! One output file: written new (never truncated: it may be a hard link to the previous
//! output's file), and compared byte for byte with the previous output's.

use std::fs::File;
use std::path::Path;

use crate::error::{Error, Result};

/// Write `bytes` to `path` as a new file. A file already there is unlinked first, never
/// truncated: in a staging folder it may be a hard link to the previous output's file, which
/// must stay as it was until the swap.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    create_new_file(path)?
        .write_all(bytes)
        .map_err(|e| Error::io("writing", path, e))
}

/// A new file at `path`; one already there is removed first, never written through (it may
/// be a hard link to the previous output's file).
pub(super) fn create_new_file(path: &Path) -> Result<File> {
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path).map_err(|e| Error::io("replacing", path, e))?;
            create()
        }
        r => r,
    }
    .map_err(|e| Error::io("writing", path, e))
}

/// Whether the file at `path` (of the previous output) holds exactly `bytes`.
pub(super) fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Whether the regular files `a` and `b` hold the same bytes (read a piece at a time).
pub(super) fn same_files(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let len = |p: &Path| {
        std::fs::symlink_metadata(p)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    };
    if len(a).is_none() || len(a) != len(b) {
        return false;
    }
    let (Ok(fa), Ok(fb)) = (File::open(a), File::open(b)) else {
        return false;
    };
    let (mut ra, mut rb) = (
        std::io::BufReader::with_capacity(1 << 16, fa),
        std::io::BufReader::with_capacity(1 << 16, fb),
    );
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = match ra.read(&mut ba) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if n == 0 {
            return true;
        }
        if rb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}
