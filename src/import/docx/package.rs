//! The `.docx` package: a zip archive read part by part within caps (entries, bytes per part,
//! bytes in all; no entry name ever becomes a path), and its relationships (pictures'
//! parts, hyperlinks' addresses).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::xml::{attr, walk, Ev};

/// At most this many entries in the archive.
const MAX_ENTRIES: usize = 10_000;

/// At most this many bytes in one part, uncompressed.
const MAX_PART: u64 = 64 << 20;

/// At most this many bytes read from the archive in all, uncompressed.
const MAX_TOTAL: u64 = 256 << 20;

/// The zip archive, read part by part within the caps.
pub(super) struct Archive {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    total: u64,
}

impl Archive {
    pub(super) fn open(bytes: Vec<u8>) -> Result<Self, String> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("not a Word document (not a zip archive: {e})"))?;
        if zip.len() > MAX_ENTRIES {
            return Err(format!(
                "the archive holds {} entries (at most {MAX_ENTRIES}): not imported",
                zip.len()
            ));
        }
        Ok(Archive { zip, total: 0 })
    }

    /// A part's bytes, `None` when there is no such part.
    pub(super) fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let file = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("{name}: {e}")),
        };
        let mut buf = Vec::new();
        file.take(MAX_PART + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("{name}: {e}"))?;
        self.total += buf.len() as u64;
        if buf.len() as u64 > MAX_PART || self.total > MAX_TOTAL {
            return Err(format!(
                "{name}: uncompressed, the document is larger than {} MB: not imported",
                MAX_TOTAL >> 20
            ));
        }
        Ok(Some(buf))
    }

    pub(super) fn text(&mut self, name: &str) -> Result<Option<String>, String> {
        self.part(name)?
            .map(|b| String::from_utf8(b).map_err(|_| format!("{name}: not UTF-8")))
            .transpose()
    }
}

/// Relationship id → target: a part name (pictures) or a web address (hyperlinks).
pub(super) fn rels(xml: &str) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    walk(xml, &mut |ev| {
        if let Ev::Start(n, a) = ev {
            if n == "Relationship" {
                let target = attr(&a, "Target");
                let target = if attr(&a, "TargetMode") == "External" {
                    Some(target.to_string())
                } else {
                    part_name(target)
                };
                if let Some(t) = target {
                    out.insert(attr(&a, "Id").to_string(), t);
                }
            }
        }
    })?;
    Ok(out)
}

/// The archive name of a target relative to `word/` (or absolute), `None` if it leaves the
/// archive's root.
fn part_name(target: &str) -> Option<String> {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("word/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_never_leave_the_archive() {
        assert_eq!(part_name("../../etc/passwd"), None);
        assert_eq!(
            part_name("/word/media/x.png").as_deref(),
            Some("word/media/x.png")
        );
    }

    #[test]
    fn archives_past_the_caps_are_refused() {
        use std::io::Write;
        use zip::write::SimpleFileOptions;
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..=MAX_ENTRIES {
            w.start_file(format!("f{i}"), stored).unwrap();
        }
        let many = w.finish().unwrap().into_inner();
        let err = Archive::open(many).err().unwrap();
        assert!(err.contains("10001 entries"), "{err}");

        // A zip bomb: a small archive whose one part inflates past the cap.
        let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("word/document.xml", deflated).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..=(MAX_PART >> 20) {
            w.write_all(&zeros).unwrap();
        }
        let bomb = w.finish().unwrap().into_inner();
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        let err = Archive::open(bomb)
            .unwrap()
            .part("word/document.xml")
            .unwrap_err();
        assert!(err.contains("larger than"), "{err}");
    }
}
