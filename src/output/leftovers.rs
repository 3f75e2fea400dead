//! Removing faqsite's folders: a staging or old output folder removed with its marker last, and
//! the leftovers of earlier builds (`.NAME.staging-…`, `.NAME.old-…`), of which only the files
//! their record vouches for.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::record::Record;
use super::{has_marker, MARKER_FILE};

/// Remove what earlier builds left beside the output folder `parent/name`: the staging folder
/// of a build that was killed (its marker is not locked by a running build) and old outputs a
/// stopped `serve` was still removing. Only folders faqsite marked are looked at (an old output
/// whose removal got as far as its marker is empty), never one that merely has such a name, and
/// of those only the files their marker's record vouches for (path, size, digest) are removed
/// ([`remove_recorded`]): a marker committed by someone else cannot have a maintainer's files
/// removed.
pub(super) fn remove_leftovers(parent: &Path, name: &str) {
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
pub(super) fn remove_recorded(dir: &Path) -> Vec<PathBuf> {
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
pub(super) fn abandoned(dir: &Path) -> bool {
    has_marker(dir) && File::open(dir.join(MARKER_FILE)).is_ok_and(|f| f.try_lock().is_ok())
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// Remove a folder faqsite wrote, its marker last: a removal cut short leaves a folder still
/// marked as faqsite's, which a later build removes. A link is removed, never followed.
pub(super) fn remove_tree(dir: &Path) -> std::io::Result<()> {
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
