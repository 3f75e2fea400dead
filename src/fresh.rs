//! Skipping a build that would change nothing: a hash of every input (site.toml, content/,
//! images/, templates/, static/, the theme, the build options, faqsite's own version and the
//! git commit the site is at, whose history dates the answers) is
//! recorded after each successful build together with a fingerprint of the output folder.
//! When both still match, the output folder already is exactly what a full build would write.

use std::path::{Path, PathBuf};

use blake3::Hasher;

use crate::config::CONFIG_FILE;
use crate::hash::hex;

pub use crate::paths::CACHE_DIR;
const STAMP_FILE: &str = "build-stamp";

/// Hash of everything a build reads (BLAKE3, as the output record's digests: the site's
/// files are tens of MB at 10,000 questions; a stamp of an older version, made with SHA-256,
/// only costs one rebuild). `extra` carries the build options.
pub fn input_hash(root: &Path, theme: &str, extra: &str) -> String {
    let mut h = Hasher::new();
    h.update(crate::builtin::GENERATOR.as_bytes());
    h.update(extra.as_bytes());
    // Answers are dated by the last commit that changed them: a new commit can change a date.
    h.update(crate::history::head(root).unwrap_or_default().as_bytes());
    h.update(&[0]);
    for (rel, bytes) in crate::builtin::DEFAULT_THEME {
        h.update(rel.as_bytes());
        h.update(bytes);
    }
    let mut files = vec![root.join(CONFIG_FILE)];
    // Symbolic links inside the site are followed (what they point to is hashed); one that
    // leads outside is hashed by its name and target only (the build refuses it anyway).
    let root_canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut outside = Vec::new();
    let mut dirs = ["content", "images", "templates", "static", "strings"]
        .map(|d| root.join(d))
        .to_vec();
    dirs.push(root.join("themes").join(theme));
    for dir in dirs {
        let walk = crate::paths::walk_files(&dir, &root_canon);
        files.extend(walk.files);
        outside.extend(walk.outside);
    }
    // Files are read and hashed in parallel (a large site is tens of MB); the digests are
    // combined in file order.
    use rayon::prelude::*;
    let digests: Vec<[u8; 32]> = files
        .par_iter()
        .map(|path| {
            let mut fh = Hasher::new();
            hash_file(&mut fh, root, &root_canon, path);
            *fh.finalize().as_bytes()
        })
        .collect();
    for d in digests {
        h.update(&d);
    }
    for o in outside {
        h.update(o.link.to_string_lossy().as_bytes());
        h.update(&[0]);
        h.update(o.target.to_string_lossy().as_bytes());
        h.update(&[0]);
    }
    hex(h.finalize().as_bytes())
}

fn hash_file(h: &mut Hasher, root: &Path, root_canon: &Path, path: &Path) {
    let rel = path.strip_prefix(root).unwrap_or(path);
    h.update(rel.to_string_lossy().as_bytes());
    h.update(&[0]);
    match crate::paths::read(root_canon, path) {
        Ok(bytes) => {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        }
        Err(_) => {
            h.update(b"<unreadable>");
        }
    }
}

/// Paths (relative to the output folder), sizes and modification times of every file in the
/// output folder, by path: what its fingerprint is made of. Keyed by the path's bytes
/// (ordering paths by their components made building it a third of the walk at 10,000
/// files); any fixed order gives the same fingerprint for the same files.
#[derive(Debug, Clone, Default)]
pub struct OutputListing(std::collections::BTreeMap<std::ffi::OsString, (u64, u128)>);

impl OutputListing {
    /// The output folder's files (10,000 on a large site): each folder's entries are read
    /// with their metadata (relative to the open folder, not by a path looked up from the
    /// root each time), the subfolders in parallel.
    fn read(out: &Path) -> Option<OutputListing> {
        if !out.is_dir() {
            return None;
        }
        let files = list_dir(out, Path::new(""))?;
        Some(OutputListing(
            files
                .into_iter()
                .map(|(p, meta)| (p.into_os_string(), meta))
                .collect(),
        ))
    }

    /// The listing after a build changed the files `changed` (relative paths; each one there
    /// now is looked at again, the others are gone), without reading the whole folder again.
    pub fn updated(mut self, out: &Path, changed: &[PathBuf]) -> OutputListing {
        for rel in changed {
            match file_meta(&out.join(rel)) {
                Some(meta) => self.0.insert(rel.clone().into_os_string(), meta),
                None => self.0.remove(rel.as_os_str()),
            };
        }
        self
    }

    /// SHA-256 of the listing, as every faqsite since the stamp's start wrote it: the guard
    /// trusts an output folder whose fingerprint matches its stamp (the one way an output
    /// without a record is known), so a stamp written by an older version must still match.
    /// It hashes only the listing, a few hundred KB at 10,000 files.
    fn fingerprint(&self) -> String {
        use sha2::{Digest as _, Sha256};
        let mut h = Sha256::new();
        for (path, (len, modified)) in &self.0 {
            h.update(path.to_string_lossy().as_bytes());
            h.update(len.to_le_bytes());
            h.update(modified.to_le_bytes());
        }
        h.update((self.0.len() as u64).to_le_bytes());
        hex(&h.finalize())
    }
}

/// The files under `dir` (`rel` in the output folder) with their [`file_meta`]; links are not
/// followed, and left out as in [`file_meta`]. `None` if any entry cannot be read.
fn list_dir(dir: &Path, rel: &Path) -> Option<Vec<(PathBuf, (u64, u128))>> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let file_type = entry.file_type().ok()?;
        if file_type.is_dir() {
            dirs.push((entry.path(), rel.join(entry.file_name())));
        } else if file_type.is_file() {
            let meta = entry.metadata().ok()?;
            files.push((rel.join(entry.file_name()), meta_of(&meta)));
        }
    }
    let below: Vec<Option<Vec<_>>> = dirs.par_iter().map(|(d, r)| list_dir(d, r)).collect();
    for b in below {
        files.extend(b?);
    }
    Some(files)
}

/// A file's size and modification time; `None` if it is not a file.
fn file_meta(p: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::symlink_metadata(p).ok().filter(|m| m.is_file())?;
    Some(meta_of(&meta))
}

fn meta_of(meta: &std::fs::Metadata) -> (u64, u128) {
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    (meta.len(), modified)
}

fn stamp_path(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join(STAMP_FILE)
}

/// The output folder as it is now: its absolute path and its listing (one walk).
fn output_now(out: &Path) -> Option<(String, OutputListing)> {
    let out_abs = out.canonicalize().ok()?;
    Some((out_abs.display().to_string(), OutputListing::read(out)?))
}

/// The stamp's text: inputs, output folder, fingerprint, a line each.
fn stamp(out: &str, fingerprint: &str, inputs: &str) -> String {
    format!("{inputs}\n{out}\n{fingerprint}\n")
}

/// What the last recorded build left, compared with the output folder as it is now (the
/// output is walked once).
pub struct OutputState {
    recorded: Option<String>,
    /// The output folder's absolute path, its fingerprint and listing.
    now: Option<(String, String, OutputListing)>,
}

impl OutputState {
    pub fn read(root: &Path, out: &Path) -> OutputState {
        let recorded = crate::paths::read_site_text(root, &stamp_path(root)).ok();
        // The folder is walked only if the stamp is about it (it may be any folder the command
        // line named, a large one the build will refuse).
        let about_out = |r: &String| {
            let named = r.lines().nth(1);
            out.canonicalize()
                .is_ok_and(|o| named == Some(o.display().to_string().as_str()))
        };
        let now = recorded
            .as_ref()
            .filter(|r| about_out(r))
            .and_then(|_| output_now(out))
            .map(|(out, listing)| (out, listing.fingerprint(), listing));
        OutputState { recorded, now }
    }

    /// Whether the output holds the result of a build of exactly these inputs, untouched since.
    pub fn is_fresh(&self, inputs: &str) -> bool {
        match (&self.recorded, &self.now) {
            (Some(r), Some((out, fp, _))) => *r == stamp(out, fp, inputs),
            _ => false,
        }
    }

    /// The output folder's files as this read found them, if it is untouched.
    pub fn listing(&self) -> Option<&OutputListing> {
        self.now
            .as_ref()
            .filter(|_| self.untouched())
            .map(|(_, _, listing)| listing)
    }

    /// Whether the output is exactly as the last recorded build left it (whatever its inputs).
    pub fn untouched(&self) -> bool {
        match (&self.recorded, &self.now) {
            (Some(r), Some((out, fp, _))) => {
                let mut lines = r.lines().skip(1);
                lines.next() == Some(out.as_str()) && lines.next() == Some(fp.as_str())
            }
            _ => false,
        }
    }
}

/// Remember that `out` was built from `inputs`. Failing to write the stamp only costs a
/// rebuild next time, so errors are ignored.
pub fn record(root: &Path, out: &Path, inputs: &str) {
    if let Some((abs, listing)) = output_now(out) {
        write_stamp(root, &stamp(&abs, &listing.fingerprint(), inputs));
    }
}

/// [`record`] for a build that changed only the files `listing` was updated with (see
/// [`OutputListing::updated`]): the folder is not read again.
pub fn record_listed(root: &Path, out: &Path, inputs: &str, listing: &OutputListing) {
    if let Ok(abs) = out.canonicalize() {
        let abs = abs.display().to_string();
        write_stamp(root, &stamp(&abs, &listing.fingerprint(), inputs));
    }
}

/// Whether the site's cache folder may be written (never through a folder committed as a
/// symbolic link: that would write or remove files elsewhere; see `paths`).
fn cache_usable(root: &Path) -> bool {
    root.canonicalize()
        .is_ok_and(|r| crate::paths::cache_folder_usable(&r, ""))
}

fn write_stamp(root: &Path, text: &str) {
    if cache_usable(root) {
        let _ = crate::paths::write_cache_file(&stamp_path(root), text.as_bytes());
    }
}

/// Forget the stamp (before a build that may fail half-way, or after one that did).
pub fn clear(root: &Path) {
    if cache_usable(root) {
        let _ = std::fs::remove_file(stamp_path(root));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint's bytes never change between versions: a stamp written by an older
    /// faqsite vouches for the output it describes (see `OutputListing::fingerprint`).
    #[test]
    fn the_fingerprint_is_the_one_older_stamps_hold() {
        use sha2::{Digest as _, Sha256};
        let mut listing = std::collections::BTreeMap::new();
        listing.insert(
            "a/index.html".into(),
            (12u64, 1_700_000_000_123_456_789u128),
        );
        listing.insert("b.css".into(), (3u64, 7u128));
        let mut h = Sha256::new();
        for (p, l, m) in [
            ("a/index.html", 12u64, 1_700_000_000_123_456_789u128),
            ("b.css", 3, 7),
        ] {
            h.update(p);
            h.update(l.to_le_bytes());
            h.update(m.to_le_bytes());
        }
        h.update(2u64.to_le_bytes());
        assert_eq!(OutputListing(listing).fingerprint(), hex(&h.finalize()));
    }

    #[test]
    fn any_input_change_changes_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        std::fs::write(root.join("site.toml"), "title = \"t\"").unwrap();
        std::fs::write(root.join("content/a/q.md"), "x").unwrap();
        let h1 = input_hash(root, "default", "");
        assert_eq!(h1, input_hash(root, "default", ""), "stable");
        std::fs::write(root.join("content/a/q.md"), "y").unwrap();
        let h2 = input_hash(root, "default", "");
        assert_ne!(h1, h2);
        assert_ne!(h2, input_hash(root, "default", "--drafts"));
        std::fs::create_dir_all(root.join("images")).unwrap();
        std::fs::write(root.join("images/i.png"), "png").unwrap();
        let h3 = input_hash(root, "default", "");
        assert_ne!(h2, h3);
        // The site's UI strings overrides are inputs too.
        std::fs::create_dir_all(root.join("strings")).unwrap();
        std::fs::write(root.join("strings/en.toml"), "home = \"Start\"").unwrap();
        assert_ne!(h3, input_hash(root, "default", ""));
    }

    #[test]
    fn touching_the_output_makes_it_stale() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let out = root.join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "a").unwrap();
        record(root, &out, "h");
        assert!(OutputState::read(root, &out).is_fresh("h"));
        assert!(!OutputState::read(root, &out).is_fresh("other"));
        std::fs::write(out.join("extra.html"), "b").unwrap();
        assert!(!OutputState::read(root, &out).is_fresh("h"));
    }

    /// A listing updated with the files a build changed is the listing of the folder read
    /// again: the stamp `serve` records without reading the folder is the one a read finds.
    #[test]
    fn an_updated_listing_is_the_folder_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path(), dir.path().join("public"));
        std::fs::create_dir_all(out.join("a")).unwrap();
        for f in ["index.html", "a/one.html", "a/two.html"] {
            std::fs::write(out.join(f), "old").unwrap();
        }
        record(root, &out, "h");
        let state = OutputState::read(root, &out);
        let listing = state.listing().expect("untouched").clone();
        std::fs::write(out.join("a/one.html"), "new, longer").unwrap();
        std::fs::remove_file(out.join("a/two.html")).unwrap();
        std::fs::write(out.join("a/three.html"), "added").unwrap();
        let changed = ["a/one.html", "a/two.html", "a/three.html"].map(PathBuf::from);
        record_listed(root, &out, "h", &listing.updated(&out, &changed));
        assert!(OutputState::read(root, &out).is_fresh("h"));
        // A change it was not told about is still seen.
        std::fs::write(out.join("index.html"), "changed by hand").unwrap();
        assert!(!OutputState::read(root, &out).untouched());
    }
}
