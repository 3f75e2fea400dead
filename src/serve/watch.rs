//! `serve`'s watcher: the site's source folders watched with notify (folders made later are
//! added as they appear), changes gathered for a short debounce and handed to the rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::PoisonError;
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use crate::error::{Error, Result};

/// The source folders watched (recursively), besides site.toml.
pub(super) const WATCHED: [&str; 5] = ["content", "images", "themes", "templates", "static"];

/// A source folder made while serving (the site's first `templates/`) is watched from now on:
/// its first file was seen through the site folder's watch, later saves would not be.
pub(super) fn watch_new_folders(
    watcher: &std::sync::Mutex<RecommendedWatcher>,
    root: &Path,
    watched: &mut Vec<&'static str>,
) {
    for dir in WATCHED {
        let p = root.join(dir);
        if !watched.contains(&dir) && p.is_dir() {
            let mut watcher = watcher.lock().unwrap_or_else(PoisonError::into_inner);
            if watcher.watch(&p, RecursiveMode::Recursive).is_ok() {
                watched.push(dir);
            }
        }
    }
}

/// Watch the sources under `root`; each change sends the paths it touched.
pub(super) fn watch(root: &Path, tx: Sender<Vec<PathBuf>>) -> Result<RecommendedWatcher> {
    // notify reports absolute paths (it joins relative ones onto the current folder).
    let watch_root = std::env::current_dir()
        .map(|d| d.join(root))
        .unwrap_or_else(|_| root.to_path_buf());
    // site.toml is watched through the site folder (a watch on the file itself ends when an
    // editor saves by writing a new file and renaming it over the old one); of that folder's own
    // entries only site.toml counts (not public/, its staging folder or .faqsite-cache).
    let everything = vec![watch_root.clone()];
    let source = move |p: &Path| {
        p.file_name()
            .is_some_and(|n| n == crate::config::CONFIG_FILE)
            || WATCHED.iter().any(|d| p.starts_with(watch_root.join(d)))
    };
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        match ev {
            // Reading a file is no change, and every build reads them all: notify's inotify
            // backend reports opens as Access events, which would rebuild forever.
            Ok(ev) if matches!(ev.kind, notify::EventKind::Access(_)) => {}
            // Events were lost (the kernel's queue overflowed): anything may have changed.
            Ok(ev) if ev.need_rescan() => {
                let _ = tx.send(everything.clone());
            }
            Ok(ev) => {
                let paths: Vec<PathBuf> = ev.paths.into_iter().filter(|p| source(p)).collect();
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
            Err(_) => {
                let _ = tx.send(everything.clone());
            }
        }
    })
    .map_err(|e| Error::Other(format!("cannot watch files: {e}")))?;
    for dir in WATCHED {
        let p = root.join(dir);
        if p.is_dir() {
            watcher
                .watch(&p, RecursiveMode::Recursive)
                .map_err(|e| Error::Other(format!("cannot watch {}: {e}", p.display())))?;
        }
    }
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::Other(format!("cannot watch {}: {e}", root.display())))?;
    Ok(watcher)
}

/// How long a burst of changes must have been quiet before the rebuild starts. An editor's
/// save is a few events within a millisecond or two (write and close, or a new file renamed
/// over the old one); a longer wait would be most of the save → reload time of a small site,
/// and a burst cut in two only costs a second rebuild.
pub(super) const DEBOUNCE_MS: u64 = 10;

/// Call `rebuild` after each burst of relevant changes (`DEBOUNCE_MS` of quiet), until the watcher
/// is gone, with every path seen since the last call (the ones ignored too).
pub(super) fn watch_loop(rx: Receiver<Vec<PathBuf>>, mut rebuild: impl FnMut(Vec<PathBuf>)) {
    let ignored = |p: &Path| {
        p.components().any(|c| {
            let s = c.as_os_str().to_string_lossy();
            s == crate::fresh::CACHE_DIR
                || s.starts_with(".public")
                || s.ends_with('~')
                || s.starts_with(".#")
        })
    };
    let mut seen = Vec::new();
    while let Ok(paths) = rx.recv() {
        let mut relevant = paths.iter().any(|p| !ignored(p));
        seen.extend(paths);
        // Debounce: editors write several events per save.
        let deadline = Instant::now() + Duration::from_millis(DEBOUNCE_MS);
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(more) => {
                    relevant |= more.iter().any(|p| !ignored(p));
                    seen.extend(more);
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if relevant {
            rebuild(std::mem::take(&mut seen));
        }
    }
}
