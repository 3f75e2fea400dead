//! Last stage: the files of a build go into a staging folder next to the output folder as soon
//! as they are made (so a 10,000-page site is never held in memory at once), and the staging
//! folder is swapped in only when the whole build succeeded. A failed build leaves the
//! previous output exactly as it was, and no half-written folder behind.
//!
//! A file whose bytes equal the previous output's file at the same path is not written again:
//! it is hard-linked from the previous output into the staging folder. Unchanged files keep
//! their modification time (caches and rsync see no change), a rebuild after a small edit
//! writes only what changed, and no new inode is needed for them (on ext4 without a journal,
//! creating thousands of files soon after deleting thousands scans the recently deleted
//! inodes for every new one: creating files is what makes a rebuild slow there).
//!
//! Every output carries [`MARKER_FILE`] at its top: it is how a later build knows the folder
//! is faqsite's to replace (`guard.rs` decides which folders may be replaced). A staging
//! folder's marker stays locked while its build runs, so the next build can tell the staging
//! folder of a killed build (removed) from a running one's (left alone).
//!
//! This file: `OutputFile` and the sinks (`Sink`, `DryRun`, `Recording`); `staging.rs` the
//! staging folder, `files.rs` one file written or compared, `leftovers.rs` faqsite's folders
//! removed, `record.rs` the record of the files, `guard.rs` which folder may be replaced.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

mod files;
mod guard;
mod leftovers;
mod record;
mod staging;
pub use files::write_new_file;
pub use guard::{check_output_dir, OutputTarget};
pub use staging::Staging;

/// A file of the built site; `path` is relative to the output folder, with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Where the files of a build go as they are made: the [`Staging`] folder of a build, or
/// [`DryRun`] for `check`, which runs every stage and writes nothing.
pub trait Sink: Sync {
    /// Take one file (`rel` relative to the output folder).
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()>;
    fn write_file(&self, f: &OutputFile) -> Result<()> {
        self.write(&f.path, &f.bytes)
    }
    /// Take one large file, written by `fill` in pieces (never held in memory whole where the
    /// sink is a folder).
    fn write_streamed(&self, rel: &Path, fill: &mut Fill<'_>) -> Result<()> {
        let mut bytes = Vec::new();
        fill(&mut bytes).map_err(|e| Error::io("writing", rel, e))?;
        self.write(rel, &bytes)
    }
    /// Keep the previous output's file at `rel` (known to be unchanged); false if it cannot.
    fn keep_previous(&self, _rel: &Path) -> bool {
        false
    }
}

/// What writes a streamed file's bytes (see [`Sink::write_streamed`]).
pub type Fill<'a> = dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()> + 'a;

/// A [`Sink`] that drops every file: the build without output.
#[derive(Debug, Default)]
pub struct DryRun;

impl Sink for DryRun {
    fn write(&self, _rel: &Path, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }
    fn write_streamed(&self, rel: &Path, fill: &mut Fill<'_>) -> Result<()> {
        fill(&mut std::io::sink()).map_err(|e| Error::io("writing", rel, e))
    }
}

impl Sink for Staging {
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        Staging::write(self, rel, bytes)
    }
    fn write_streamed(&self, rel: &Path, fill: &mut Fill<'_>) -> Result<()> {
        Staging::write_streamed(self, rel, fill)
    }
    fn keep_previous(&self, rel: &Path) -> bool {
        Staging::keep_previous(self, rel)
    }
}

/// A [`Sink`] that hands every file on to another and remembers its path: which files a
/// stage made (`serve` makes the search index and `print.html` after the pages are in place).
pub struct Recording<'a, S: Sink> {
    inner: &'a S,
    paths: std::sync::Mutex<Vec<PathBuf>>,
}

impl<'a, S: Sink> Recording<'a, S> {
    pub fn new(inner: &'a S) -> Self {
        Recording {
            inner,
            paths: Default::default(),
        }
    }

    /// The paths of the files handed on, in no particular order.
    pub fn into_paths(self) -> Vec<PathBuf> {
        self.paths
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn record(&self, rel: &Path) {
        lock(&self.paths).push(rel.to_path_buf());
    }
}

impl<S: Sink> Sink for Recording<'_, S> {
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        self.record(rel);
        self.inner.write(rel, bytes)
    }
    fn write_streamed(&self, rel: &Path, fill: &mut Fill<'_>) -> Result<()> {
        self.record(rel);
        self.inner.write_streamed(rel, fill)
    }
    fn keep_previous(&self, rel: &Path) -> bool {
        let kept = self.inner.keep_previous(rel);
        if kept {
            self.record(rel);
        }
        kept
    }
}

/// The file that marks a folder as a faqsite output. Every output carries it at its top, with
/// the record of the build's files (`record.rs`).
pub const MARKER_FILE: &str = ".faqsite-output";

/// Whether `dir` holds faqsite's marker (a file, not a link, whose first line is a marker
/// line of any version): a staging folder or an old output of faqsite's. Which
/// folder a build may replace is decided by its record (`guard.rs`).
fn has_marker(dir: &Path) -> bool {
    use std::io::Read;
    let p = dir.join(MARKER_FILE);
    if !std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let longest = record::HEADERS
        .iter()
        .map(|(h, _)| h.len())
        .max()
        .unwrap_or(0);
    let mut head = Vec::new();
    std::fs::File::open(&p)
        .and_then(|f| f.take(longest as u64 + 1).read_to_end(&mut head))
        .is_ok()
        && head.split(|&b| b == b'\n').next().is_some_and(|line| {
            head.len() > line.len()
                && (record::HEADERS.iter()).any(|(header, _)| header.as_bytes() == line)
        })
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Write `files` as the whole new content of `out`, atomically replacing what was there.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<()> {
    use rayon::prelude::*;
    let staging = Staging::new(out)?;
    files.par_iter().try_for_each(|f| staging.write_file(f))?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::leftovers::{abandoned, remove_recorded};
    use super::*;

    #[test]
    fn swaps_in_new_output_and_removes_old_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &out,
            &[
                OutputFile::new("a.html", "1"),
                OutputFile::new("d/b.html", "2"),
            ],
        )
        .unwrap();
        write_site(&out, &[OutputFile::new("c.html", "3")]).unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("c.html")).unwrap(), "3");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging or old folders left behind");
    }

    #[test]
    fn a_new_output_gets_its_nested_folders_and_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files: Vec<OutputFile> = (0..40)
            .map(|i| OutputFile::new(format!("c{}/d{}/q{i}.html", i % 3, i % 2), i.to_string()))
            .chain([OutputFile::new("top.html", "t")])
            .collect();
        write_site(&out, &files).unwrap();
        for f in &files {
            assert_eq!(std::fs::read(out.join(&f.path)).unwrap(), f.bytes);
        }
        // Written again into the existing folder: the files are compared with it, and kept.
        write_site(&out, &files).unwrap();
        assert_eq!(std::fs::read(out.join("c1/d1/q1.html")).unwrap(), b"1");
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_not_rewritten() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &out,
            &[
                OutputFile::new("same.html", "1"),
                OutputFile::new("d/changed.html", "2"),
            ],
        )
        .unwrap();
        let inode = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        let (same, changed) = (inode("same.html"), inode("d/changed.html"));
        let s = Staging::new(&out).unwrap();
        s.write(Path::new("same.html"), b"1").unwrap();
        s.write(Path::new("d/changed.html"), b"3").unwrap();
        assert_eq!((s.count(), s.unchanged()), (2, 1));
        s.commit().unwrap();
        assert_eq!(
            inode("same.html"),
            same,
            "the unchanged file is the same file"
        );
        assert_ne!(inode("d/changed.html"), changed);
        assert_eq!(
            std::fs::read_to_string(out.join("d/changed.html")).unwrap(),
            "3"
        );
        assert_eq!(std::fs::metadata(out.join("same.html")).unwrap().nlink(), 1);
    }

    #[test]
    fn failed_build_after_linking_leaves_the_previous_output_whole() {
        let (dir, out) = old_output();
        {
            let s = Staging::new(&out).unwrap();
            s.write(Path::new("a.html"), b"old").unwrap();
            assert_eq!(s.unchanged(), 1);
        }
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn rewriting_a_linked_file_leaves_the_previous_output_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("print.html", "old")]).unwrap();
        {
            let s = Staging::new(&out).unwrap();
            s.write(Path::new("print.html"), b"old").unwrap();
            // a later step fills in the staged file (as the PDF step does with print.html)
            write_new_file(&s.path().join("print.html"), b"filled").unwrap();
            assert_eq!(
                std::fs::read_to_string(s.path().join("print.html")).unwrap(),
                "filled"
            );
            s.write(Path::new("print.html"), b"again").unwrap();
            // dropped: the build failed
        }
        assert_eq!(
            std::fs::read_to_string(out.join("print.html")).unwrap(),
            "old"
        );
    }

    #[test]
    fn dropped_staging_leaves_output_and_no_folder_behind() {
        let (dir, out) = old_output();
        {
            let s = Staging::new(&out).unwrap();
            s.write(Path::new("a.html"), b"new").unwrap();
            // dropped: the build failed after writing some files
        }
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn marks_its_output_and_knows_it_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("a.html", "1")]).unwrap();
        assert!(has_marker(&out));
        std::fs::write(out.join(MARKER_FILE), "faqsite-output 1 but not quite\n").unwrap();
        assert!(!has_marker(&out), "only the marker's own line counts");
    }

    /// A temporary folder holding an output `public/` with `a.html` ("old").
    fn old_output() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("a.html", "old")]).unwrap();
        (dir, out)
    }

    #[test]
    fn a_killed_builds_marker_vouches_for_every_file_written_so_far() {
        let (_dir, out) = old_output();
        let s = Staging::new(&out).unwrap();
        s.write(Path::new("a.html"), b"new").unwrap();
        s.write(Path::new("d/b.html"), b"b").unwrap();
        let staged = s.path().to_path_buf();
        // Killed: no commit, no drop.
        std::mem::forget(s);
        std::fs::write(staged.join("d/mine.txt"), "mine").unwrap();
        assert_eq!(remove_recorded(&staged), [PathBuf::from("d/mine.txt")]);
        assert!(!staged.join("a.html").exists() && !staged.join("d/b.html").exists());
        std::fs::remove_file(staged.join("d/mine.txt")).unwrap();
        assert!(remove_recorded(&staged).is_empty());
        assert!(!staged.exists());
    }

    #[test]
    fn a_running_builds_staging_folder_is_no_leftover() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let running = Staging::new(&out).unwrap();
        assert!(!abandoned(running.path()), "its marker is locked");
        let copy = dir.path().join(".public.staging-1");
        std::fs::create_dir(&copy).unwrap();
        std::fs::copy(running.path().join(MARKER_FILE), copy.join(MARKER_FILE)).unwrap();
        assert!(abandoned(&copy), "nobody holds this one");
    }
}
