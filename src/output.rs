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

use std::fs::File;
use std::path::{Component, Path, PathBuf};
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

/// What the output folder was named by, and what the user allows (see [`check_output_dir`]).
#[derive(Debug, Clone, Copy)]
pub struct OutputTarget<'a> {
    /// The site folder.
    pub root: &'a Path,
    /// The output folder as given (relative to the current folder).
    pub out: &'a Path,
    /// Named by `output_dir` in site.toml (`Some(line)`, 0 when it is the default), not on the
    /// command line.
    pub from_config: Option<usize>,
    /// `--replace-output`: replace the folder even though faqsite did not write it.
    pub replace: bool,
    /// The build stamp says faqsite's last build left the folder exactly as it is now (an
    /// output written before faqsite marked its outputs).
    pub stamped: bool,
}

/// Decide whether a build may replace the output folder: only if it does not exist, is empty or
/// was written by faqsite (it holds [`MARKER_FILE`]), or `--replace-output` says so. Never the
/// site folder, a folder holding it, its source folders or anything inside them, nor a file;
/// a folder outside the site named by site.toml only when faqsite wrote it (a site's config may
/// come from anyone who can open a pull request).
pub fn check_output_dir(t: &OutputTarget) -> Result<()> {
    let root = t
        .root
        .canonicalize()
        .map_err(|e| Error::io("resolving", t.root, e))?;
    let out = resolve(t.out).map_err(|dir| {
        let why = never_output(&root, &dir)
            .unwrap_or_else(|| format!("{} names no folder of its own", t.out.display()));
        refusal(t, why)
    })?;
    // A link is checked where it points too (replacing it would leave the target alone, but a
    // link to the sources is a mistake worth stopping).
    let target = out.canonicalize().ok();
    if let Some(why) = never_output(&root, &out).or_else(|| {
        target
            .as_ref()
            .and_then(|target| never_output(&root, target))
    }) {
        return Err(refusal(t, why));
    }
    let found = Found::inspect(&out, t.stamped)?;
    match found {
        Found::File => Err(refusal(t, format!("{} is a file", out.display()))),
        Found::Ours => Ok(()),
        _ if t.replace => Ok(()),
        _ if t.from_config.is_some() && !out.starts_with(&root) => {
            Err(outside_the_site(t, &out, &found))
        }
        Found::Nothing | Found::Empty => Ok(()),
        Found::Link | Found::Foreign(..) => Err(not_faqsites(t, &out, &found)),
    }
}

/// Folders of a site that are never an output folder nor hold one, with what they hold.
const SITE_DIRS: &[(&str, &str)] = &[
    ("content", "the site's sources"),
    ("images", "the site's sources"),
    ("templates", "the site's sources"),
    ("static", "the site's sources"),
    ("themes", "the site's sources"),
    (crate::fresh::CACHE_DIR, "faqsite's cache"),
    (".git", "the site's history"),
];

/// Why `out` (resolved) can never be the output folder of the site at `root` (canonical).
fn never_output(root: &Path, out: &Path) -> Option<String> {
    if root.starts_with(out) {
        return Some("the output folder would contain the site itself".into());
    }
    let first = out.strip_prefix(root).ok()?.components().next()?;
    let first = first.as_os_str().to_string_lossy();
    // Compared without case: on macOS and Windows `Content` is `content`.
    SITE_DIRS
        .iter()
        .find(|(dir, _)| first.eq_ignore_ascii_case(dir))
        .map(|(dir, what)| {
            format!("{dir}/ holds {what}: the output folder can be neither it nor inside it")
        })
}

/// What is at the output folder's place now.
#[derive(Debug)]
enum Found {
    Nothing,
    Empty,
    /// Written by faqsite.
    Ours,
    /// A file, or a link to one.
    File,
    /// A symbolic link to a folder (faqsite never makes one).
    Link,
    /// A folder faqsite did not write: its first few entries (sorted) and how many it holds.
    Foreign(Vec<String>, usize),
}

impl Found {
    fn inspect(out: &Path, stamped: bool) -> Result<Found> {
        let meta = match std::fs::symlink_metadata(out) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
            Err(e) => return Err(Error::io("reading", out, e)),
            Ok(m) => m,
        };
        if meta.file_type().is_symlink() {
            return Ok(if out.is_dir() { Found::Link } else { Found::File });
        }
        if !meta.is_dir() {
            return Ok(Found::File);
        }
        if stamped || has_marker(out) {
            return Ok(Found::Ours);
        }
        let mut names = Vec::new();
        for e in std::fs::read_dir(out).map_err(|e| Error::io("reading folder", out, e))? {
            let e = e.map_err(|e| Error::io("reading folder", out, e))?;
            let slash = if e.file_type().is_ok_and(|t| t.is_dir()) { "/" } else { "" };
            names.push(format!("{}{slash}", e.file_name().to_string_lossy()));
        }
        if names.is_empty() {
            return Ok(Found::Empty);
        }
        names.sort();
        let total = names.len();
        names.truncate(5);
        Ok(Found::Foreign(names, total))
    }

    /// What the folder holds, for messages: "it holds .ssh/, Documents/ (2 entries)".
    fn holds(&self) -> String {
        match self {
            Found::Nothing => "it does not exist yet".into(),
            Found::Empty => "it is empty".into(),
            Found::Link => "it is a symbolic link".into(),
            Found::Foreign(names, total) => {
                let more = if *total > names.len() { ", …" } else { "" };
                let s = if *total == 1 { "y" } else { "ies" };
                format!("it holds {}{more} ({total} entr{s})", names.join(", "))
            }
            Found::Ours | Found::File => String::new(),
        }
    }
}

/// The output folder `out` cannot be used: said at site.toml's `output_dir` when it came from
/// there, else at the folder.
fn refusal(t: &OutputTarget, why: String) -> Error {
    let hint = "choose a folder of its own, e.g. --output-dir public (faqsite replaces the \
                output folder whole; --replace-output does not change this)";
    Error::one(place(t, why).hint(hint))
}

fn place(t: &OutputTarget, message: String) -> Diagnostic {
    match t.from_config {
        Some(line) => Diagnostic::new(
            t.root.join(crate::config::CONFIG_FILE),
            line,
            format!("output_dir {:?}: {message}", t.out.display().to_string()),
        ),
        None => Diagnostic::new(t.out, 0, message),
    }
}

fn not_faqsites(t: &OutputTarget, out: &Path, found: &Found) -> Error {
    let message = format!(
        "{} was not written by faqsite: {}, and no {MARKER_FILE} file",
        out.display(),
        found.holds()
    );
    let hint = format!(
        "a build replaces its output folder whole. Choose a new or empty folder, or pass \
         --replace-output to delete what {} holds and put the site there",
        out.display()
    );
    Error::one(place(t, message).hint(hint))
}

fn outside_the_site(t: &OutputTarget, out: &Path, found: &Found) -> Error {
    let message = format!(
        "{} is outside the site and was not written by faqsite ({})",
        out.display(),
        found.holds()
    );
    let hint = "site.toml may name only a folder inside the site, or faqsite's own output: \
                give this folder with --output-dir on the command line, or pass \
                --replace-output to let the build replace it";
    Error::one(place(t, message).hint(hint))
}

/// `path` made absolute, its parent folders resolved (symbolic links, `..`) as the system
/// will resolve them when the output is moved into place; the last component is kept as it is
/// (it may be a link, or not exist yet). Err (the folder it ends in) when `path` names no
/// folder of its own (`..`, `/`).
fn resolve(path: &Path) -> std::result::Result<PathBuf, PathBuf> {
    let Some(name) = path.file_name() else {
        return Err(resolve_dir(path));
    };
    let parent = path.parent().unwrap_or(Path::new(""));
    Ok(resolve_dir(parent).join(name))
}

/// `dir` made absolute: the part that exists is resolved by the system (links), the rest (to
/// be created, so without links) lexically.
fn resolve_dir(dir: &Path) -> PathBuf {
    let mut abs = std::env::current_dir().unwrap_or_default();
    for c in dir.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                abs.pop();
            }
            Component::Normal(n) => {
                abs.push(n);
                if let Ok(real) = abs.canonicalize() {
                    abs = real;
                }
            }
            Component::Prefix(_) | Component::RootDir => abs.push(c.as_os_str()),
        }
    }
    abs
}

/// The file that marks a folder as a faqsite output. Every output carries it at its top.
pub const MARKER_FILE: &str = ".faqsite-output";
/// Its text; the first line is what [`has_marker`] looks for.
const MARKER_TEXT: &str = "faqsite-output 1\nThis folder was written by faqsite: the next \
                           build replaces it whole. Keep your own files elsewhere.\n";

/// Whether `dir` holds faqsite's marker (a file, not a link, starting with the marker line).
fn has_marker(dir: &Path) -> bool {
    use std::io::Read;
    let p = dir.join(MARKER_FILE);
    if !std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let first = MARKER_TEXT.lines().next().unwrap_or_default();
    let mut head = Vec::new();
    std::fs::File::open(&p)
        .and_then(|f| f.take(first.len() as u64 + 1).read_to_end(&mut head))
        .is_ok()
        && head.strip_suffix(b"\n") == Some(first.as_bytes())
}

/// A build's output in the making. Dropped without [`Staging::commit`], it removes itself.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    old: PathBuf,
    committed: bool,
    files: AtomicUsize,
    linked: AtomicUsize,
    /// The staging folder's marker, open and locked while this build runs: a staging folder
    /// whose marker nobody locks was left by a build that was killed.
    _marker: File,
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
            _marker: marker,
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
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.dir);
        }
    }
}

/// Write the marker into a new staging folder; the file is returned open and locked.
fn mark(dir: &Path) -> Result<File> {
    use std::io::Write;
    let p = dir.join(MARKER_FILE);
    let mut f = File::create_new(&p).map_err(|e| Error::io("writing", &p, e))?;
    f.write_all(MARKER_TEXT.as_bytes())
        .map_err(|e| Error::io("writing", &p, e))?;
    // Where the file system has no locks, a concurrent build may take this folder for a
    // leftover; builds one at a time are unaffected.
    let _ = f.try_lock();
    Ok(f)
}

/// Remove what earlier builds left beside the output folder `parent/name`: the staging folder
/// of a build that was killed (its marker is not locked by a running build) and old outputs a
/// stopped `serve` was still removing. Only folders faqsite marked are removed (an old output
/// whose removal got as far as its marker is empty), never one that merely has such a name.
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
        if left {
            let _ = remove_tree(&path);
        }
    }
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

    fn target<'a>(root: &'a Path, out: &'a Path) -> OutputTarget<'a> {
        OutputTarget {
            root,
            out,
            from_config: None,
            replace: true,
            stamped: false,
        }
    }

    #[test]
    fn refuses_output_that_contains_the_site_even_when_told_to_replace() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        for out in [".", "..", "/", "content", "content/a/../b", "Content", "new/../content"] {
            let out = root.join(out);
            assert!(check_output_dir(&target(&root, &out)).is_err(), "{out:?}");
        }
        assert!(check_output_dir(&target(&root, &root.join("public"))).is_ok());
        assert!(check_output_dir(&target(&root, &root.join("new/../public"))).is_ok());
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
