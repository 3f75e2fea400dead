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

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Diagnostic, Error, Result};

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
    /// Keep the previous output's file at `rel` (known to be unchanged); false if it cannot.
    fn keep_previous(&self, _rel: &Path) -> bool {
        false
    }
}

/// A [`Sink`] that drops every file: the build without output.
#[derive(Debug, Default)]
pub struct DryRun;

impl Sink for DryRun {
    fn write(&self, _rel: &Path, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }
}

impl Sink for Staging {
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        Staging::write(self, rel, bytes)
    }
    fn keep_previous(&self, rel: &Path) -> bool {
        Staging::keep_previous(self, rel)
    }
}

/// Refuse output folders that would swallow the site itself.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<()> {
    let root_c = root
        .canonicalize()
        .map_err(|e| Error::io("resolving", root, e))?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name_ok = out.file_name().is_some();
    let parent_c = parent.canonicalize().ok();
    let out_c = parent_c
        .as_ref()
        .and_then(|p| out.file_name().map(|n| p.join(n)));
    let bad = !name_ok || out_c.as_ref().is_some_and(|o| root_c.starts_with(o));
    if bad {
        return Err(Error::one(
            Diagnostic::new(out, 0, "the output folder would contain the site itself")
                .hint("choose a folder of its own, e.g. --output-dir public"),
        ));
    }
    Ok(())
}

/// A build's output in the making. Dropped without [`Staging::commit`], it removes itself.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    old: PathBuf,
    committed: bool,
    files: AtomicUsize,
    linked: AtomicUsize,
}

impl Staging {
    /// Start a new staging folder beside `out`.
    pub fn new(out: &Path) -> Result<Staging> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
        let pid = std::process::id();
        // One process (`serve`) builds many times; an earlier build's old output may still be
        // being removed in the background.
        static BUILDS: AtomicUsize = AtomicUsize::new(0);
        let n = BUILDS.fetch_add(1, Ordering::Relaxed);
        let dir = parent.join(format!(".{name}.staging-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        // Old outputs another process left while removing them in the background (`serve`
        // stopped at that moment) go now.
        let own = format!(".{name}.old-{pid}-");
        let stale = format!(".{name}.old-");
        if let Ok(entries) = std::fs::read_dir(parent) {
            for e in entries.flatten() {
                let entry = e.file_name().to_string_lossy().into_owned();
                if entry.starts_with(&stale) && !entry.starts_with(&own) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            old,
            committed: false,
            files: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
        })
    }

    /// Write one file (thread-safe; parents are created as needed).
    pub fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        let p = self.staged(rel)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        if same_bytes(&self.out.join(rel), bytes) && self.link_previous(rel, &p) {
            return Ok(());
        }
        write_new_file(&p, bytes)
    }

    /// Keep the previous output's file at `rel` as it is (a hard link into the staging
    /// folder), for a file the caller knows is unchanged. False if there is none to keep.
    pub fn keep_previous(&self, rel: &Path) -> bool {
        let Ok(p) = self.staged(rel) else {
            return false;
        };
        let kept = self.link_previous(rel, &p);
        if kept {
            self.files.fetch_add(1, Ordering::Relaxed);
        }
        kept
    }

    /// Where `rel` goes in the staging folder, its parent folders created.
    fn staged(&self, rel: &Path) -> Result<PathBuf> {
        let p = self.dir.join(rel);
        if let Some(parent) = p.parent() {
            if !parent.is_dir() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
            }
        }
        Ok(p)
    }

    /// Hard-link the previous output's file at `rel` to `staged`; false if it cannot.
    fn link_previous(&self, rel: &Path, staged: &Path) -> bool {
        let linked = std::fs::hard_link(self.out.join(rel), staged).is_ok();
        if linked {
            self.linked.fetch_add(1, Ordering::Relaxed);
        }
        linked
    }

    pub fn write_file(&self, f: &OutputFile) -> Result<()> {
        self.write(&f.path, &f.bytes)
    }

    /// Files written so far.
    pub fn count(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Of those, files identical to the previous output's, linked instead of written.
    pub fn unchanged(&self) -> usize {
        self.linked.load(Ordering::Relaxed)
    }

    /// Where files are being written (for steps that read the new site before the swap).
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Swap the staging folder in as the output folder.
    pub fn commit(self) -> Result<()> {
        self.swap(false)
    }

    /// [`Staging::commit`], removing the previous output in a background thread (for a
    /// process that goes on, like `serve`: the new site is in place a little sooner).
    pub fn commit_removing_in_background(self) -> Result<()> {
        self.swap(true)
    }

    fn swap(mut self, background: bool) -> Result<()> {
        let (dir, out, old) = (&self.dir, &self.out, &self.old);
        if out.exists() {
            std::fs::rename(out, old)
                .map_err(|e| Error::io("moving the previous output aside", out, e))?;
            if let Err(e) = std::fs::rename(dir, out) {
                // Put the previous output back.
                let _ = std::fs::rename(old, out);
                return Err(Error::io("moving the new output into place", out, e));
            }
            self.committed = true;
            if background {
                let old = old.clone();
                std::thread::spawn(move || std::fs::remove_dir_all(old));
            } else {
                std::fs::remove_dir_all(old)
                    .map_err(|e| Error::io("removing the previous output", old, e))?;
            }
        } else {
            std::fs::rename(dir, out)
                .map_err(|e| Error::io("moving the new output into place", out, e))?;
            self.committed = true;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Write `bytes` to `path` as a new file. A file already there is unlinked first, never
/// truncated: in a staging folder it may be a hard link to the previous output's file, which
/// must stay as it was until the swap.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut file = match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path).map_err(|e| Error::io("replacing", path, e))?;
            create()
        }
        r => r,
    }
    .map_err(|e| Error::io("writing", path, e))?;
    file.write_all(bytes)
        .map_err(|e| Error::io("writing", path, e))
}

/// Whether the file at `path` (of the previous output) holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
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
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("a.html", "old")]).unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("a.html", "old")]).unwrap();
        {
            let s = Staging::new(&out).unwrap();
            s.write(Path::new("a.html"), b"new").unwrap();
            // dropped: the build failed after writing some files
        }
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_output_that_contains_the_site() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_output_dir(dir.path(), dir.path()).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("public")).is_ok());
    }
}
