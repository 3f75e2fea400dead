//! The record of an output's files: every build writes, in the output's marker
//! ([`super::MARKER_FILE`]), the path, size and BLAKE3 digest of each file it wrote, and a later
//! build replaces (removes) a marked folder only when every file in it is in that record with
//! the same digest ([`verify`]). A marker committed by a contributor can list only files whose
//! bytes the contributor knows, so it never makes a folder of someone else's notes removable.
//! Markers of the version before (`faqsite-output 2`, SHA-256) are still read and checked with
//! their own hash: an output written by an older faqsite stays replaceable.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A file's digest (BLAKE3, or SHA-256 in a record of version 2).
pub type Digest = [u8; 32];

/// The marker's first line (this version; `faqsite-output 1` markers record no files).
pub const HEADER: &str = "faqsite-output 3";

/// The first line of a marker whose digests are SHA-256 (faqsite before 2026-12-05).
pub const HEADER_SHA256: &str = "faqsite-output 2";

/// Every marker's first line faqsite has written, with the hash of its record's digests
/// (`None`: version 1, which records no files): what marks a folder as faqsite's
/// ([`super::has_marker`]) and how its record is read ([`Record::parse`]).
pub const HEADERS: [(&str, Option<Hash>); 3] = [
    (HEADER, Some(Hash::Blake3)),
    (HEADER_SHA256, Some(Hash::Sha256)),
    ("faqsite-output 1", None),
];

/// The hash a record's digests were made with.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// Version 3 (this one): BLAKE3.
    #[default]
    Blake3,
    /// Version 2: SHA-256.
    Sha256,
}

impl Hash {
    /// The digest and size of the file at `path` (read a piece at a time).
    pub fn digest_file(self, path: &Path) -> std::io::Result<(u64, Digest)> {
        use sha2::Digest as _;
        let mut f = std::fs::File::open(path)?;
        match self {
            Hash::Blake3 => {
                let mut h = blake3::Hasher::new();
                let n = std::io::copy(&mut f, &mut h)?;
                Ok((n, *h.finalize().as_bytes()))
            }
            Hash::Sha256 => {
                let mut h = sha2::Sha256::new();
                let n = std::io::copy(&mut f, &mut h)?;
                Ok((n, h.finalize().into()))
            }
        }
    }
}

/// Path (relative, `/` separators) → (size, digest), and the hash of the digests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Record(pub HashMap<PathBuf, (u64, Digest)>, pub Hash);

/// The digest of `bytes`, as this version records it.
pub fn digest(bytes: &[u8]) -> Digest {
    *blake3::hash(bytes).as_bytes()
}

/// The digest and size of the file at `path`, as this version records it.
pub fn digest_file(path: &Path) -> std::io::Result<(u64, Digest)> {
    Hash::Blake3.digest_file(path)
}

/// A writer that hands its bytes on and digests them (for files written in pieces).
pub struct Digesting<W> {
    pub inner: W,
    hash: blake3::Hasher,
    len: u64,
}

impl<W> Digesting<W> {
    pub fn new(inner: W) -> Self {
        Digesting {
            inner,
            hash: blake3::Hasher::new(),
            len: 0,
        }
    }

    pub fn finish(self) -> (W, (u64, Digest)) {
        (self.inner, (self.len, *self.hash.finalize().as_bytes()))
    }
}

impl<W: std::io::Write> std::io::Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Record {
    /// The marker's text: the header, a note for people, then a line per file
    /// (`<digest hex> <size> <path as a JSON string>`), sorted by path. Always of this
    /// version: a record is made by a build of this version.
    pub fn text(&self) -> String {
        debug_assert_eq!(
            self.1,
            Hash::Blake3,
            "records are written with this version's hash"
        );
        use rayon::prelude::*;
        // Sorted and written on every thread: the build waits for it (a site in two
        // languages of 10,000 pages each: 22,000 lines).
        let mut files: Vec<_> = self.0.iter().collect();
        files.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        let lines: Vec<String> = files
            .par_iter()
            .map(|(path, d)| Record::line(path, **d))
            .collect();
        let mut s = format!(
            "{HEADER}\nThis folder was written by faqsite: the next build replaces it whole, \
             if it holds only the files listed here, unchanged. Keep your own files \
             elsewhere.\n"
        );
        s.reserve(lines.iter().map(String::len).sum());
        for line in lines {
            s.push_str(&line);
        }
        s
    }

    /// The marker's line for one file: `<digest hex> <size> <path as a JSON string>`.
    pub fn line(path: &Path, (len, d): (u64, Digest)) -> String {
        let path = serde_json::to_string(&path.to_string_lossy()).unwrap_or_default();
        format!("{} {len} {path}\n", crate::hash::hex(&d))
    }

    /// Whether the file at `path` is the one recorded as `rel` (same size and digest).
    pub fn vouches_for(&self, rel: &Path, path: &Path) -> bool {
        self.0
            .get(rel)
            .is_some_and(|want| self.1.digest_file(path).is_ok_and(|got| got == *want))
    }

    /// The record in the marker text `text`; `None` when it is not a marker of this version or
    /// the one before (whose digests are SHA-256).
    pub fn parse(text: &str) -> Option<Record> {
        let mut lines = text.lines();
        let first = lines.next()?;
        let hash = HEADERS.iter().find(|(header, _)| *header == first)?.1?;
        lines.next()?;
        let mut files = HashMap::new();
        for line in lines {
            let mut parts = line.splitn(3, ' ');
            let (hex, len, path) = (parts.next()?, parts.next()?, parts.next()?);
            let path: String = serde_json::from_str(path).ok()?;
            files.insert(PathBuf::from(path), (len.parse().ok()?, unhex(hex)?));
        }
        Some(Record(files, hash))
    }

    /// The record in `dir`'s marker, if it has one of this version or the one before.
    pub fn read(dir: &Path) -> Option<Record> {
        let p = dir.join(super::MARKER_FILE);
        std::fs::symlink_metadata(&p).ok().filter(|m| m.is_file())?;
        Record::parse(&std::fs::read_to_string(p).ok()?)
    }
}

fn unhex(s: &str) -> Option<Digest> {
    let mut d = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, b) in d.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(d)
}

/// Whether the folder `dir` holds only files of its marker's record, unchanged: `Err` names
/// the first (in path order) that is not (a file not in the record, changed since, a symbolic
/// link or anything else), or says the marker records no files.
pub fn verify(dir: &Path) -> Result<(), String> {
    use rayon::prelude::*;
    let record = Record::read(dir).ok_or_else(|| {
        format!(
            "its {} marker records no files (written by someone else, or by a faqsite \
             before 2026-12)",
            super::MARKER_FILE
        )
    })?;
    let mut files = Vec::new();
    list(dir, Path::new(""), &mut files)?;
    files.sort();
    let bad = files.par_iter().find_first(|rel| {
        let Some((len, want)) = record.0.get(*rel) else {
            return true;
        };
        !record
            .1
            .digest_file(&dir.join(rel))
            .is_ok_and(|(n, d)| n == *len && d == *want)
    });
    match bad {
        Some(rel) => Err(format!(
            "{} is not a file faqsite wrote there (not in the {} record, or changed since)",
            dir.join(rel).display(),
            super::MARKER_FILE
        )),
        None => Ok(()),
    }
}

/// The files under `dir` (relative paths; the top marker left out); `Err` names an entry
/// that is neither a file nor a folder (a symbolic link, …).
fn list(dir: &Path, rel: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for e in entries {
        let e = e.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = rel.join(e.file_name());
        let t = e
            .file_type()
            .map_err(|err| format!("{}: {err}", e.path().display()))?;
        if t.is_dir() {
            list(&e.path(), &name, files)?;
        } else if t.is_file() {
            if name.as_os_str() != std::ffi::OsStr::new(super::MARKER_FILE) {
                files.push(name);
            }
        } else {
            return Err(format!(
                "{} is not a file faqsite wrote there (a symbolic link or special file)",
                e.path().display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_checks_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir(out.join("a b")).unwrap();
        std::fs::write(out.join("a b/x.html"), "x").unwrap();
        let mut r = Record::default();
        r.0.insert(PathBuf::from("a b/x.html"), (1, digest(b"x")));
        assert_eq!(Record::parse(&r.text()), Some(r.clone()));
        std::fs::write(out.join(super::super::MARKER_FILE), r.text()).unwrap();
        assert_eq!(verify(out), Ok(()));
        std::fs::write(out.join("a b/x.html"), "y").unwrap();
        assert!(verify(out).unwrap_err().contains("x.html"));
        std::fs::write(out.join("a b/x.html"), "x").unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(verify(out).unwrap_err().contains("notes.txt"));
    }

    /// An output written by a faqsite of the version before (SHA-256 digests) is still known
    /// by its record, checked with its own hash, and a build of this version records its own.
    #[test]
    fn a_record_of_the_version_before_is_checked_with_sha_256() {
        use sha2::Digest as _;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::write(out.join("x.html"), "x").unwrap();
        let sha = crate::hash::hex(&sha2::Sha256::digest(b"x"));
        let text = format!("{HEADER_SHA256}\nnote\n{sha} 1 \"x.html\"\n");
        let r = Record::parse(&text).unwrap();
        assert_eq!(r.1, Hash::Sha256);
        std::fs::write(out.join(super::super::MARKER_FILE), &text).unwrap();
        assert_eq!(verify(out), Ok(()));
        assert!(r.vouches_for(Path::new("x.html"), &out.join("x.html")));
        // The same digest read as this version's (BLAKE3) vouches for nothing.
        let as_this = text.replacen(HEADER_SHA256, HEADER, 1);
        std::fs::write(out.join(super::super::MARKER_FILE), &as_this).unwrap();
        assert!(verify(out).unwrap_err().contains("x.html"));
        let sha: Digest = sha2::Sha256::digest(b"x").into();
        assert_ne!(digest(b"x"), sha);
        assert_eq!(digest_file(&out.join("x.html")).unwrap(), (1, digest(b"x")));
    }
}
