//! `Staging`: a build's output in the making, beside the output folder, marked and locked
//! while the build runs; files written as made or hard-linked from the previous output when
//! their bytes are the same; on success swapped in whole, or (`serve`) each changed file moved
//! into place.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::files::{create_new_file, same_bytes, same_files, write_new_file};
use super::leftovers::{remove_leftovers, remove_tree};
use super::record::{self, Digest, Record};
use super::{lock, Fill, OutputFile, MARKER_FILE};
use crate::error::{Error, Result};

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
            // Its digests stand in for files kept as they are only if made with this
            // version's hash (an output of an older faqsite is digested again).
            previous: Record::read(out)
                .filter(|r| r.1 == record::Hash::default())
                .unwrap_or_default(),
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

    /// Write one file in pieces (see [`Sink::write_streamed`](super::Sink::write_streamed)); identical to the previous
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
