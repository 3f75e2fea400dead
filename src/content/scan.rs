//! The folder listings of `content/` kept between the loads of `serve`: a folder in which its
//! watcher saw nothing change is not read again, nor are its files' stamps (at 10,000
//! questions that was 10,000 `statx` calls per save). Without word from the watcher (a
//! build, a test, the first load) every folder is read.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::Entry;
use crate::error::{Diagnostic, Result};

/// A folder's entries and the problems found among them, as `read_dir_sorted` gave them.
pub(super) type FolderEntries = (Vec<Entry>, Vec<Diagnostic>);

#[derive(Default)]
pub(super) struct FolderListings {
    /// The last listing of each folder read, by its absolute path, and whether the folder
    /// had been read before that (see [`FolderListings::list`]).
    kept: Mutex<rustc_hash::FxHashMap<PathBuf, (FolderEntries, bool)>>,
    /// What may have changed since the last load began (absolute paths, as the watcher gives
    /// them), until the next load takes it; `None`: anything may have.
    pending: Mutex<Option<Vec<PathBuf>>>,
    /// What the load in progress took from `pending`.
    now: Mutex<Option<Vec<PathBuf>>>,
    /// Set when the watcher may have stopped watching some folder: nothing is kept after.
    stopped: std::sync::atomic::AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl FolderListings {
    /// Only `paths` may have changed since the last load began (all a watcher saw, which
    /// started before that load). Added to what the next load will take.
    pub(super) fn changed(&self, paths: &[PathBuf]) {
        lock(&self.pending)
            .get_or_insert_with(Vec::new)
            .extend(paths.iter().map(|p| absolute(p)));
    }

    /// A load of the folder `content` begins: it takes what may have changed (nothing said:
    /// anything). A change reported at `content` or above it means the watcher may no longer
    /// see every change (the folder was made, moved or removed, and its watch with it; lost
    /// events are reported as the site's folder): from then on every load reads every folder.
    pub(super) fn begin(&self, content: &Path) {
        let now = lock(&self.pending).take();
        let content = absolute(content);
        if now.iter().flatten().any(|p| content.starts_with(p)) {
            self.stopped
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        if self.stopped.load(std::sync::atomic::Ordering::Relaxed) {
            self.forget();
        }
        *lock(&self.now) = now;
    }

    /// A load failed: some folders may not have been read again although they changed, so
    /// the next load reads every folder.
    pub(super) fn forget(&self) {
        lock(&self.kept).clear();
    }

    /// The listing of `dir`: the one kept, unless something in it may have changed since;
    /// else `read` (and kept). A folder read for the first time, or made again where one was
    /// (restored, moved back), is read again by the next load too: the watcher starts
    /// watching a new folder only after it appears, and a file made in it meanwhile is seen
    /// by no event.
    pub(super) fn list(
        &self,
        dir: &Path,
        read: impl FnOnce() -> Result<FolderEntries>,
    ) -> Result<FolderEntries> {
        if self.stopped.load(std::sync::atomic::Ordering::Relaxed) {
            return read();
        }
        let abs = absolute(dir);
        let seen = self.seen(dir, &abs);
        if seen == Seen::Nothing {
            if let Some((listing, true)) = lock(&self.kept).get(&abs) {
                return Ok(listing.clone());
            }
        }
        let listing = read()?;
        let mut kept = lock(&self.kept);
        let known = kept.contains_key(&abs) && seen != Seen::AtOrAbove;
        kept.insert(abs, (listing.clone(), known));
        Ok(listing)
    }

    /// What the load in progress knows of changes to `dir` (`abs`). A folder reached through
    /// a symbolic link is always read again: a change in what it leads to is seen by the
    /// watcher under another path, if at all.
    fn seen(&self, dir: &Path, abs: &Path) -> Seen {
        let now = lock(&self.now);
        let Some(paths) = now.as_ref() else {
            return Seen::Unknown;
        };
        if paths.iter().any(|p| abs.starts_with(p)) {
            Seen::AtOrAbove
        } else if paths.iter().any(|p| p.parent() == Some(abs))
            || std::fs::symlink_metadata(dir).map_or(true, |m| m.file_type().is_symlink())
        {
            Seen::Inside
        } else {
            Seen::Nothing
        }
    }
}

/// What the watcher saw of a folder since the last load began.
#[derive(PartialEq)]
enum Seen {
    /// No word from a watcher: anything may have changed.
    Unknown,
    /// A change at the folder or above it: it was made, moved or removed.
    AtOrAbove,
    /// A change to an entry of the folder (or the folder is reached through a link).
    Inside,
    Nothing,
}

/// `p` made absolute the way the watcher reports paths (joined onto the current folder), `.`
/// components left out.
fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(name: &str) -> FolderEntries {
        (
            vec![Entry {
                path: PathBuf::from(name),
                is_dir: false,
                stamp: None,
            }],
            Vec::new(),
        )
    }

    fn listed(l: &FolderListings, dir: &Path, fresh: &str) -> String {
        let (entries, _) = l.list(dir, || Ok(listing(fresh))).unwrap();
        entries[0].path.display().to_string()
    }

    /// A load of `content` after a watcher reported `changed`: what it lists for `dir`.
    fn load(
        l: &FolderListings,
        content: &Path,
        changed: &[PathBuf],
        dir: &Path,
        fresh: &str,
    ) -> String {
        l.changed(changed);
        l.begin(content);
        listed(l, dir, fresh)
    }

    #[test]
    fn a_folder_is_read_again_only_when_something_in_or_above_it_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        let (a, b) = (content.join("a"), content.join("b"));
        for d in [&a, &b] {
            std::fs::create_dir_all(d).unwrap();
        }
        let l = FolderListings::default();
        // Nothing said: every folder is read.
        l.begin(&content);
        assert_eq!(listed(&l, &a, "a1"), "a1");
        assert_eq!(listed(&l, &b, "b1"), "b1");
        l.begin(&content);
        assert_eq!(
            listed(&l, &a, "a2"),
            "a2",
            "no word from a watcher: read again"
        );
        assert_eq!(listed(&l, &b, "b2"), "b2");
        // A file of `a` changed: `a` is read again, `b` is not.
        assert_eq!(load(&l, &content, &[a.join("q.md")], &a, "a3"), "a3");
        assert_eq!(listed(&l, &b, "b3"), "b2");
        // Changes seen before a load that failed early are still there for the next.
        l.changed(&[b.join("new.md")]);
        assert_eq!(load(&l, &content, &[], &a, "a4"), "a3");
        assert_eq!(listed(&l, &b, "b4"), "b4");
        // A folder that appeared is read by the next load as well, then kept.
        let c = content.join("c");
        std::fs::create_dir_all(&c).unwrap();
        assert_eq!(load(&l, &content, std::slice::from_ref(&c), &c, "c1"), "c1");
        assert_eq!(load(&l, &content, &[], &c, "c2"), "c2");
        assert_eq!(load(&l, &content, &[], &c, "c3"), "c2");
        // A folder made again where one was is read by the next load as well.
        assert_eq!(load(&l, &content, std::slice::from_ref(&c), &c, "c4"), "c4");
        assert_eq!(load(&l, &content, &[], &c, "c5"), "c5");
        // After a failed load nothing kept is used.
        l.forget();
        assert_eq!(load(&l, &content, &[], &a, "a6"), "a6");
        assert_eq!(load(&l, &content, &[], &a, "a7"), "a7");
        assert_eq!(load(&l, &content, &[], &a, "a8"), "a7");
        // The content folder itself or a folder above it changed (moved, or a rescan of the
        // whole site): all read again, and from then on at every load.
        assert_eq!(
            load(&l, &content, std::slice::from_ref(&content), &a, "a5"),
            "a5"
        );
        assert_eq!(listed(&l, &b, "b5"), "b5");
        for n in ["a9", "a10"] {
            assert_eq!(load(&l, &content, &[], &a, n), n);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_reached_through_a_link_is_always_read() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        std::fs::create_dir_all(&real).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let l = FolderListings::default();
        l.begin(tmp.path());
        assert_eq!(listed(&l, &link, "1"), "1");
        assert_eq!(load(&l, tmp.path(), &[], &link, "2"), "2");
    }
}
