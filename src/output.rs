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

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

mod guard;
mod record;
pub use guard::{check_output_dir, OutputTarget};
use record::{Digest, Record};

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
/// line, of this version or the first): a staging folder or an old output of faqsite's. Which
/// folder a build may replace is decided by its record (`guard.rs`).
fn has_marker(dir: &Path) -> bool {
    use std::io::Read;
    let p = dir.join(MARKER_FILE);
    if !std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::new();
    std::fs::File::open(&p)
        .and_then(|f| {
            f.take(record::HEADER.len() as u64 + 1)
                .read_to_end(&mut head)
        })
        .is_ok()
        && [record::HEADER.as_bytes(), &b"faqsite-output 1"[..]]
            .contains(&head.strip_suffix(b"\n").unwrap_or_default())
}

/// A build's output in the making. Dropped without [`Staging::commit`], it removes itself.
///
/// Made with [`Staging::update`] (`serve`, whose previous build wrote the output folder),
/// only the files that changed go into the staging folder, and the commit moves each of them
/// into the output folder (one atomic rename each: a request never finds a file missing) and
/// removes the files the new build no longer has, instead of swapping whole folders: a save
/// on a 10,000-page site then touches a handful of files, not 10,000 links.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    old: PathBuf,
    committed: bool,
    files: AtomicUsize,
    linked: AtomicUsize,
    /// Every file of the new output (relative paths), as handed to [`Staging::write`] and
    /// [`Staging::keep_previous`].
    paths: std::sync::Mutex<Vec<PathBuf>>,
    /// With [`Staging::update`]: the files of the output folder now, and the files this build
    /// wrote into the staging folder (changed or new), which the commit moves into place.
    update: Option<Update>,
    /// Whether the output folder was there when this build started: when it was not, no file
    /// of it can be compared with (a build into a new folder looks up none of its files).
    out_existed: bool,
    /// The folders made in the staging folder so far (relative paths): a folder is looked up
    /// and made once, not once for each of its files.
    made_dirs: std::sync::Mutex<rustc_hash::FxHashSet<PathBuf>>,
    /// The staging folder's marker, open and locked while this build runs: a staging folder
    /// whose marker nobody locks was left by a build that was killed. The commit writes the
    /// record of the build's files into it.
    marker: File,
    /// The size and digest of each file of the new output known so far (for the record).
    digests: std::sync::Mutex<rustc_hash::FxHashMap<PathBuf, (u64, Digest)>>,
    /// The record of the output folder as it is (a file kept from it keeps its digest).
    previous: Record,
}

impl Staging {
    /// Start a new staging folder beside `out`, marked as faqsite's (see [`MARKER_FILE`]).
    /// Leftovers of earlier builds beside `out` are removed first (see [`remove_leftovers`]).
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
        remove_leftovers(parent, &name);
        let pid = std::process::id();
        // One process (`serve`) builds many times; an earlier build's old output may still be
        // being removed in the background.
        static BUILDS: AtomicUsize = AtomicUsize::new(0);
        let n = BUILDS.fetch_add(1, Ordering::Relaxed);
        let dir = parent.join(format!(".{name}.staging-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}-{n}"));
        std::fs::create_dir(&dir).map_err(|e| Error::io("creating", &dir, e))?;
        let marker = match mark(&dir) {
            Ok(f) => f,
            Err(e) => {
                let _ = remove_tree(&dir);
                return Err(e);
            }
        };
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            old,
            committed: false,
            files: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            paths: Default::default(),
            update: None,
            out_existed: out.exists(),
            made_dirs: Default::default(),
            marker,
            digests: Default::default(),
            previous: Record::read(out).unwrap_or_default(),
        })
    }

    /// A staging folder that holds only what changes in `out`, whose files are exactly
    /// `current` (relative paths; the caller knows, e.g. the previous build of the same process
    /// wrote them and nothing touched the folder since). See [`Staging`].
    pub fn update(out: &Path, current: Vec<PathBuf>) -> Result<Staging> {
        let mut s = Staging::new(out)?;
        s.update = Some(Update {
            current: current.into_iter().collect(),
            written: Default::default(),
        });
        Ok(s)
    }

    /// Write one file (thread-safe; parents are created as needed).
    pub fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        lock(&self.paths).push(rel.to_path_buf());
        let digest = (bytes.len() as u64, record::digest(bytes));
        self.vouch(rel, digest);
        let same = self.out_existed && same_bytes(&self.out.join(rel), bytes);
        if let Some(update) = &self.update {
            if same {
                self.linked.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            lock(&update.written).push(rel.to_path_buf());
        }
        let p = self.staged(rel)?;
        if same && self.link_previous(rel, &p) {
            return Ok(());
        }
        write_new_file(&p, bytes)
    }

    /// Write one file in pieces (see [`Sink::write_streamed`]); identical to the previous
    /// output's file, it becomes a link to that, as in [`Staging::write`].
    pub fn write_streamed(&self, rel: &Path, fill: &mut Fill<'_>) -> Result<()> {
        use std::io::Write;
        let p = self.staged(rel)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        lock(&self.paths).push(rel.to_path_buf());
        let file = std::io::BufWriter::with_capacity(1 << 20, create_new_file(&p)?);
        let mut w = record::Digesting::new(file);
        fill(&mut w)
            .and_then(|()| w.flush())
            .map_err(|e| Error::io("writing", &p, e))?;
        let (file, digest) = w.finish();
        drop(file);
        self.vouch(rel, digest);
        let old = self.out.join(rel);
        if let Some(update) = &self.update {
            // Updating in place: an unchanged file stays where it is, a changed one is moved
            // in by the commit.
            if same_files(&old, &p) {
                std::fs::remove_file(&p).map_err(|e| Error::io("removing", &p, e))?;
                self.linked.fetch_add(1, Ordering::Relaxed);
            } else {
                lock(&update.written).push(rel.to_path_buf());
            }
            return Ok(());
        }
        // Identical to the previous output's file: that file, linked over the new one.
        let linking = p.with_extension("faqsite-linking");
        if self.out_existed
            && same_files(&old, &p)
            && std::fs::hard_link(&old, &linking).is_ok()
            && std::fs::rename(&linking, &p).is_ok()
        {
            self.linked.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Keep the previous output's file at `rel` as it is (a hard link into the staging
    /// folder, or, with [`Staging::update`], the file where it is), for a file the caller
    /// knows is unchanged. False if there is none to keep.
    pub fn keep_previous(&self, rel: &Path) -> bool {
        let kept = if let Some(update) = &self.update {
            // The caller of `update` knows these are the output's files.
            let there = update.current.contains(rel);
            if there {
                self.linked.fetch_add(1, Ordering::Relaxed);
            }
            there
        } else {
            let linked =
                self.out_existed && self.staged(rel).is_ok_and(|p| self.link_previous(rel, &p));
            if let Some(d) = self.previous.0.get(rel).filter(|_| linked) {
                self.vouch(rel, *d);
            }
            linked
        };
        if kept {
            self.files.fetch_add(1, Ordering::Relaxed);
            lock(&self.paths).push(rel.to_path_buf());
        }
        kept
    }

    /// With [`Staging::update`]: keep the output's files at `paths` where they are, unlooked
    /// at (and not counted), as part of the new output; the caller knows the build that made them wrote them
    /// (`serve` keeps the search index and `print.html` while it puts the pages in place, and
    /// makes them after).
    pub fn keep_listed(&self, paths: &[PathBuf]) {
        debug_assert!(
            self.update.is_some(),
            "only an update keeps files unlooked at"
        );
        lock(&self.paths).extend_from_slice(paths);
    }

    /// Take `rel`, a file a step wrote into the staging folder itself (`manual.pdf`), into the
    /// new output (and its record).
    pub fn adopt(&self, rel: &Path) -> Result<()> {
        let p = self.dir.join(rel);
        let digest = record::digest_file(&p).map_err(|e| Error::io("reading", &p, e))?;
        lock(&self.paths).push(rel.to_path_buf());
        self.vouch(rel, digest);
        Ok(())
    }

    /// Note `rel`'s size and digest for the record, and add its line to the staging folder's
    /// marker at once: a build killed before its commit leaves a folder whose marker vouches
    /// for every file written so far, which the next build removes ([`remove_leftovers`]).
    fn vouch(&self, rel: &Path, digest: (u64, Digest)) {
        use std::io::Write;
        let mut digests = lock(&self.digests);
        digests.insert(rel.to_path_buf(), digest);
        // Under the lock: one line at a time.
        let _ = (&self.marker).write_all(Record::line(rel, digest).as_bytes());
    }

    /// The record of the new output: each file's digest as written, else as the previous
    /// record has it (a file kept), else read from `dir` (the folder it is in now).
    fn record(&self, mut base: Record, dir: &Path, stale: &[PathBuf]) -> Record {
        let mut digests = lock(&self.digests);
        for rel in stale {
            base.0.remove(rel);
        }
        for rel in lock(&self.paths).iter() {
            let known = digests
                .remove(rel)
                .or_else(|| self.previous.0.get(rel).copied());
            if let Some(d) = known.or_else(|| record::digest_file(&dir.join(rel)).ok()) {
                base.0.insert(rel.clone(), d);
            }
        }
        base
    }

    /// Every file of the new output so far (relative paths, in no particular order; the
    /// marker not included).
    pub fn paths(&self) -> Vec<PathBuf> {
        lock(&self.paths).clone()
    }

    /// Where `rel` goes in the staging folder, its parent folders created (once each).
    fn staged(&self, rel: &Path) -> Result<PathBuf> {
        let p = self.dir.join(rel);
        let Some(parent) = rel.parent().filter(|d| !d.as_os_str().is_empty()) else {
            return Ok(p);
        };
        if !lock(&self.made_dirs).contains(parent) {
            let dir = self.dir.join(parent);
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
            lock(&self.made_dirs).insert(parent.to_path_buf());
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
        self.swap(false).map(drop)
    }

    /// [`Staging::commit`], removing the previous output in a background thread (for a
    /// process that goes on, like `serve`: the new site is in place a little sooner). With
    /// [`Staging::update`], returns the files it changed in the output folder (moved in or
    /// removed); `None` when it swapped whole folders.
    pub fn commit_removing_in_background(self) -> Result<Option<Vec<PathBuf>>> {
        self.swap(true)
    }

    fn swap(mut self, background: bool) -> Result<Option<Vec<PathBuf>>> {
        if let Some(update) = self.update.take() {
            let (mut new, stale) = update.split(lock(&self.paths).as_slice());
            move_into(&self.dir, &self.out, &new)?;
            remove_stale(&self.out, &stale)?;
            // The output's record, with what this update changed.
            let record = self.record(self.previous.clone(), &self.out, &stale);
            let marker = self.out.join(MARKER_FILE);
            let tmp = self.dir.join(".faqsite-output.new");
            std::fs::write(&tmp, record.text())
                .and_then(|()| std::fs::rename(&tmp, &marker))
                .map_err(|e| Error::io("writing", &marker, e))?;
            self.committed = true;
            let _ = remove_tree(&self.dir);
            new.extend(stale);
            // The marker changed too (the build stamp lists it).
            new.push(PathBuf::from(MARKER_FILE));
            return Ok(Some(new));
        }
        let record = self.record(Record::default(), &self.dir, &[]);
        write_marker(&self.marker, &record).map_err(|e| Error::io("writing", &self.dir, e))?;
        let (dir, out, old) = (&self.dir, &self.out, &self.old);
        if std::fs::symlink_metadata(out).is_ok() {
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
                std::thread::spawn(move || remove_tree(&old));
            } else {
                remove_tree(old).map_err(|e| Error::io("removing the previous output", old, e))?;
            }
        } else {
            std::fs::rename(dir, out)
                .map_err(|e| Error::io("moving the new output into place", out, e))?;
            self.committed = true;
        }
        Ok(None)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.dir);
        }
    }
}

/// What a [`Staging::update`] changes in the output folder.
struct Update {
    /// The files of the output folder before this build.
    current: std::collections::HashSet<PathBuf>,
    /// The files written into the staging folder.
    written: std::sync::Mutex<Vec<PathBuf>>,
}

impl Update {
    /// The files to move into place, and those of the output folder the new build no longer
    /// has (`paths`: every file of the new build).
    fn split(self, paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let new: std::collections::HashSet<&PathBuf> = paths.iter().collect();
        let stale = self
            .current
            .into_iter()
            .filter(|p| !new.contains(p))
            .collect();
        let written = self
            .written
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (written, stale)
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Move each of `files` from the folder `from` to the same place under `to` (one rename each,
/// replacing the file there), creating folders as needed.
fn move_into(from: &Path, to: &Path, files: &[PathBuf]) -> Result<()> {
    for rel in files {
        let target = to.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
        }
        // Not renamed over the old file: ext4 (auto_da_alloc) would flush the new file's data
        // to disk first, tens of ms per save; a request in between waits for the build.
        match std::fs::remove_file(&target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io("replacing", &target, e))
            }
            _ => {}
        }
        std::fs::rename(from.join(rel), &target)
            .map_err(|e| Error::io("moving the new file into place", &target, e))?;
    }
    Ok(())
}

/// Remove `files` (relative to `out`), and the folders that leaves empty.
fn remove_stale(out: &Path, files: &[PathBuf]) -> Result<()> {
    for rel in files {
        let p = out.join(rel);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io("removing", &p, e))
            }
            _ => {}
        }
        let mut dir = p.parent();
        while let Some(d) = dir.filter(|d| *d != out) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(())
}

/// Write the marker into a new staging folder; the file is returned open and locked.
fn mark(dir: &Path) -> Result<File> {
    use std::io::Write;
    let p = dir.join(MARKER_FILE);
    let mut f = File::create_new(&p).map_err(|e| Error::io("writing", &p, e))?;
    f.write_all(Record::default().text().as_bytes())
        .map_err(|e| Error::io("writing", &p, e))?;
    // Where the file system has no locks, a concurrent build may take this folder for a
    // leftover; builds one at a time are unaffected.
    let _ = f.try_lock();
    Ok(f)
}

/// The staging folder's (open) marker rewritten with the record of its files.
fn write_marker(mut marker: &File, record: &Record) -> std::io::Result<()> {
    use std::io::{Seek, Write};
    marker.set_len(0)?;
    marker.seek(std::io::SeekFrom::Start(0))?;
    marker.write_all(record.text().as_bytes())
}

/// Remove what earlier builds left beside the output folder `parent/name`: the staging folder
/// of a build that was killed (its marker is not locked by a running build) and old outputs a
/// stopped `serve` was still removing. Only folders faqsite marked are looked at (an old output
/// whose removal got as far as its marker is empty), never one that merely has such a name, and
/// of those only the files their marker's record vouches for (path, size, SHA-256) are removed
/// ([`remove_recorded`]): a marker committed by someone else cannot have a maintainer's files
/// removed.
fn remove_leftovers(parent: &Path, name: &str) {
    let staging = format!(".{name}.staging-");
    let old = format!(".{name}.old-");
    let own_old = format!(".{name}.old-{}-", std::process::id());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        // Not following links: a link is never a leftover.
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let entry = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        let left = if entry.starts_with(&staging) {
            abandoned(&path)
        } else {
            entry.starts_with(&old)
                && !entry.starts_with(&own_old)
                && (has_marker(&path) || is_empty_dir(&path))
        };
        if !left {
            continue;
        }
        let kept = remove_recorded(&path);
        if let Some(first) = kept.first() {
            eprintln!(
                "warning: {} looks like an earlier build's leftover, but {} of its files \
                 ({}…) are not in its record: kept; remove the folder if it is yours",
                path.display(),
                kept.len(),
                first.display()
            );
        }
    }
}

/// Remove the files of the leftover folder `dir` that its marker's record vouches for, then
/// the folders left empty, and the folder with its marker when nothing else is left (links are
/// removed, never followed). Returns the files kept, relative to `dir`.
fn remove_recorded(dir: &Path) -> Vec<PathBuf> {
    let record = Record::read(dir).unwrap_or_default();
    let mut kept = Vec::new();
    let entries = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .contents_first(true)
        .sort_by_file_name()
        .into_iter();
    for e in entries.flatten() {
        let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
        if rel.as_os_str() == MARKER_FILE {
            continue;
        }
        if e.file_type().is_dir() {
            // Fails, as it should, when something was kept in it.
            let _ = std::fs::remove_dir(e.path());
        } else if e.file_type().is_file() && record.vouches_for(rel, e.path()) {
            let _ = std::fs::remove_file(e.path());
        } else {
            kept.push(rel.to_path_buf());
        }
    }
    if kept.is_empty() {
        let _ = std::fs::remove_file(dir.join(MARKER_FILE));
        let _ = std::fs::remove_dir(dir);
    }
    kept
}

/// Whether `dir` is a staging folder no running build holds: marked, and its marker not locked.
fn abandoned(dir: &Path) -> bool {
    has_marker(dir) && File::open(dir.join(MARKER_FILE)).is_ok_and(|f| f.try_lock().is_ok())
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// Remove a folder faqsite wrote, its marker last: a removal cut short leaves a folder still
/// marked as faqsite's, which a later build removes. A link is removed, never followed.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(dir)?.file_type().is_symlink() {
        // (remove_dir_all removes a link itself, on every system)
        return std::fs::remove_dir_all(dir);
    }
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if e.file_name() == MARKER_FILE {
            continue;
        }
        if e.file_type()?.is_dir() {
            std::fs::remove_dir_all(e.path())?;
        } else {
            std::fs::remove_file(e.path())?;
        }
    }
    match std::fs::remove_file(dir.join(MARKER_FILE)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
}

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
fn create_new_file(path: &Path) -> Result<File> {
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
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Whether the regular files `a` and `b` hold the same bytes (read a piece at a time).
fn same_files(a: &Path, b: &Path) -> bool {
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
