//! The one gate for reading the site: every file faqsite reads of a site (site.toml, content,
//! images, static files, templates, themes, strings, the cache folder) is opened by
//! [`read`] / [`read_to_string`] here, which resolve the path and refuse anything leading
//! outside the site folder (symbolic links at any depth, absolute paths, `..`), anything under
//! `.git/` (only `history.rs` reads the history, with gix) and anything that is not a regular
//! file; folders are walked by [`walk_files`], which follows symbolic links only when they
//! resolve inside the site. Config values that name files are checked by [`site_relative`].
//! A leaf module: it imports nothing of faqsite's.

/// The cache folder in the site (image variants, search segmentation, build stamp).
pub const CACHE_DIR: &str = ".faqsite-cache";

use std::path::{Component, Path, PathBuf};

/// Why the gate refused a path (as an `io::Error` of kind `PermissionDenied`, so callers
/// report it as any other read error: the refused file's content is never read, so never
/// shown).
#[derive(Debug)]
pub struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn refused(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::PermissionDenied, Refused(message))
}

/// Whether `e` is the gate's refusal (rather than a missing or unreadable file).
pub fn is_refusal(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Refused>())
}

/// `path` (a file of the site at `root_canon`, the canonical site folder) resolved, if it may be
/// read: its canonical form lies inside the site, not under `.git/` nor a file elsewhere. The
/// error is a [`Refused`] (or the file system's, e.g. `NotFound`).
pub fn resolve(root_canon: &Path, path: &Path) -> std::io::Result<PathBuf> {
    let real = path.canonicalize()?;
    if !real.starts_with(root_canon) {
        return Err(refused(format!(
            "{} leads outside the site, to {}; faqsite reads only files inside the site folder",
            path.display(),
            real.display()
        )));
    }
    let rel = real.strip_prefix(root_canon).unwrap_or(&real);
    if in_git(rel) {
        return Err(refused(format!(
            "{} is (or leads to) a file of .git/, which faqsite never reads",
            path.display()
        )));
    }
    if !std::fs::metadata(&real)?.is_file() {
        return Err(refused(format!("{} is not a regular file", path.display())));
    }
    recorder::note(root_canon, &real);
    Ok(real)
}

/// Whether the site's path `rel` (relative to the site folder, as resolved) is under `.git/`,
/// in any letter case: never read (only `history.rs` reads the history, with gix).
fn in_git(rel: &Path) -> bool {
    rel.components()
        .any(|c| c.as_os_str().eq_ignore_ascii_case(".git"))
}

/// The bytes of the site's file `path` (see [`resolve`]; `root_canon`: the canonical site
/// folder).
pub fn read(root_canon: &Path, path: &Path) -> std::io::Result<Vec<u8>> {
    match plain::read(root_canon, path) {
        Some(bytes) => Ok(bytes),
        None => std::fs::read(resolve(root_canon, path)?),
    }
}

/// The text of the site's file `path` (see [`read`]).
pub fn read_to_string(root_canon: &Path, path: &Path) -> std::io::Result<String> {
    match plain::read(root_canon, path).map(String::from_utf8) {
        Some(Ok(text)) => Ok(text),
        // Not text: read again the usual way, for its usual error.
        _ => std::fs::read_to_string(resolve(root_canon, path)?),
    }
}

/// The common case of [`read`] in one system call: a file reached through no symbolic link.
/// Then its absolute path, without `.` or `..`, is its canonical path, and what [`resolve`]
/// checks can be checked on that path; the kernel (`openat2` with `RESOLVE_NO_SYMLINKS`)
/// refuses to open it if any of its components is a link. Every other case (a link anywhere,
/// `..`, `.git/`, not a regular file, an error, an old kernel, another system) is `None` and
/// goes through [`resolve`], which decides and reports it.
mod plain {
    use std::path::Path;

    #[cfg(target_os = "linux")]
    pub(super) fn read(root_canon: &Path, path: &Path) -> Option<Vec<u8>> {
        use rustix::fs::{FileType, Mode, OFlags, ResolveFlags};
        use std::path::{Component, PathBuf};
        // Absolute (a relative path from the working folder, its leading `./` dropped), and
        // already in the form its components make: no `.` inside, no `//`, no trailing `/`
        // (which the system reads differently: `q.md/` is no file).
        let joined = match path.is_absolute() {
            true => path.to_path_buf(),
            false => {
                let mut rel = path;
                while let Ok(inner) = rel.strip_prefix(".") {
                    rel = inner;
                }
                cwd()?.join(rel)
            }
        };
        let abs: PathBuf = joined.components().collect();
        if abs.as_os_str() != joined.as_os_str()
            || abs.components().any(|c| c == Component::ParentDir)
        {
            return None;
        }
        let rel = abs.strip_prefix(root_canon).ok()?;
        if rel.as_os_str().is_empty() || super::in_git(rel) {
            return None;
        }
        // Non-blocking: a FIFO opens at once (and is refused below) instead of waiting.
        let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
        let resolve = ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
        let fd = rustix::fs::openat2(rustix::fs::CWD, &abs, flags, Mode::empty(), resolve).ok()?;
        let stat = rustix::fs::fstat(&fd).ok()?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            return None;
        }
        // Read to the end into room for the whole file and one byte more (the end is seen
        // without growing); no seek or second stat, as `File::read_to_end` makes.
        let size = usize::try_from(stat.st_size).unwrap_or(0);
        let mut bytes = Vec::with_capacity(size + 1);
        loop {
            if bytes.len() == bytes.capacity() {
                bytes.reserve(bytes.len().max(8192));
            }
            let spare = rustix::buffer::spare_capacity(&mut bytes);
            if rustix::io::read(&fd, spare).ok()? == 0 {
                break;
            }
        }
        super::recorder::note(root_canon, &abs);
        Some(bytes)
    }

    /// The working folder, asked once (faqsite never changes it): a relative path is read
    /// from it.
    #[cfg(target_os = "linux")]
    fn cwd() -> Option<&'static Path> {
        static CWD: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
        CWD.get_or_init(|| std::env::current_dir().ok()).as_deref()
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn read(_root_canon: &Path, _path: &Path) -> Option<Vec<u8>> {
        None
    }
}

/// [`read_to_string`] with a site folder not yet made canonical.
pub fn read_site_text(root: &Path, path: &Path) -> std::io::Result<String> {
    read_to_string(&root.canonicalize()?, path)
}

/// A config value naming a file or folder of the site (`theme`, `language`, `logo`…): `Err`
/// with what is wrong when it is not a plain relative path inside the site (absolute, a drive
/// or UNC prefix, `..`, a backslash, a control character, empty).
pub fn site_relative(value: &str) -> Result<(), &'static str> {
    if value.trim().is_empty() {
        return Err("is empty");
    }
    if value.chars().any(char::is_control) {
        return Err("holds a control character");
    }
    if value.contains('\\') || value.contains(':') {
        return Err("is not a relative path with / between folders (no \\ or drive letter)");
    }
    for c in Path::new(value).components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err("goes up with `..`, out of its folder"),
            Component::RootDir | Component::Prefix(_) => return Err("is an absolute path"),
        }
    }
    Ok(())
}

/// Whether faqsite may read and write its cache folder `CACHE_DIR/<sub>` (`sub` may be empty)
/// of the site at `root_canon`: each folder of it either does not exist yet (made as a plain
/// folder when written) or is a plain folder, not a symbolic link (a cache folder committed as
/// a link must not make the build write elsewhere).
pub fn cache_folder_usable(root_canon: &Path, sub: &str) -> bool {
    let mut dir = root_canon.join(CACHE_DIR);
    let subs = Path::new(sub)
        .components()
        .map(|c| c.as_os_str().to_owned());
    for next in std::iter::once(None).chain(subs.map(Some)) {
        if let Some(name) = next {
            dir.push(name);
        }
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return false,
            Err(_) => return true,
        }
    }
    true
}

/// Write a file of the cache folder (one [`cache_folder_usable`] said yes to): into a new
/// temporary file beside it (never through a file or link already there), renamed over it.
pub fn write_cache_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static TMP: AtomicUsize = AtomicUsize::new(0);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let n = TMP.fetch_add(1, Ordering::Relaxed);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}-{n}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Whether the text of `file` may be quoted in a message: it is reached through no symbolic
/// link (a diagnostic's file is a file of the site; a link, even one the gate accepted, is not
/// quoted, so a message never shows another file's lines).
pub fn quotable(file: &Path) -> bool {
    let Ok(abs) = std::path::absolute(file) else {
        return false;
    };
    let mut plain = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => return false,
            Component::CurDir => {}
            c => plain.push(c),
        }
    }
    std::fs::symlink_metadata(&plain).is_ok_and(|m| m.is_file())
        && plain.canonicalize().is_ok_and(|real| real == plain)
}

/// The test harness's record of every file the gate let be read (`tests/fuzz.rs`):
/// off unless [`recorder::start`] was called; then each read is noted with the site folder it
/// was read for.
pub mod recorder {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    static ON: AtomicBool = AtomicBool::new(false);
    static READS: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

    /// Start recording (for the rest of the process).
    pub fn start() {
        ON.store(true, Ordering::SeqCst);
    }

    pub(super) fn note(root: &Path, file: &Path) {
        if ON.load(Ordering::Relaxed) {
            lock().push((root.to_path_buf(), file.to_path_buf()));
        }
    }

    /// Every (site folder, file) read since the last call, taken out.
    pub fn take() -> Vec<(PathBuf, PathBuf)> {
        std::mem::take(&mut *lock())
    }

    fn lock() -> std::sync::MutexGuard<'static, Vec<(PathBuf, PathBuf)>> {
        READS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A symbolic link under the site that leads where it may not: outside the site root, or (for
/// a folder whose files are published, [`walk_published`]) out of that folder or into a
/// dot-file or dot-folder (`static/env.txt -> ../.env`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideLink {
    /// The link, as found under the folder that was read.
    pub link: PathBuf,
    /// Where it points: the resolved target, or the link's text when it resolves nowhere.
    pub target: PathBuf,
    /// The folder it had to stay in (relative to the site; `None`: the site).
    pub within: Option<PathBuf>,
}

impl OutsideLink {
    /// What to tell the user: the link's own text, never the resolved target (a link to
    /// `/proc/self/cwd` would print the build machine's folders); the target is never read.
    pub fn message(&self) -> String {
        let text = std::fs::read_link(&self.link)
            .map_or_else(|_| "?".to_string(), |t| t.display().to_string());
        match &self.within {
            None => format!("symbolic link points outside the site (to {text})"),
            Some(dir) if dir.as_os_str().is_empty() => format!(
                "symbolic link leads to a hidden (dot) file or folder (to {text}), which faqsite \
                 never publishes"
            ),
            Some(dir) => format!(
                "symbolic link leads out of {}/ or to a hidden (dot) file (to {text}); files \
                 published from a folder must be in it",
                dir.display()
            ),
        }
    }

    pub const HINT: &'static str =
        "copy the file into the folder it is published from, or point the link at a file there";
}

/// `path`, if it is a symbolic link that resolves outside `root` (canonical) or to a hidden
/// (dot) file or folder in it; `None` for anything else (a link inside the site, a plain file
/// or folder, a missing path).
pub fn outside_link(path: &Path, root: &Path) -> Option<OutsideLink> {
    escaping_link(path, root, root)
}

/// `path`, if it is a symbolic link that resolves outside `within` (canonical: `root` or a
/// folder in it), or to a name starting with `.` under `root` (`.env`, `.git/`, `.ssh/`);
/// `None` for anything else.
pub fn escaping_link(path: &Path, within: &Path, root: &Path) -> Option<OutsideLink> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let target = path
        .canonicalize()
        .or_else(|_| dangling_target(path))
        .ok()?;
    let Ok(rel) = target.strip_prefix(root) else {
        return Some(OutsideLink {
            link: path.to_path_buf(),
            target,
            within: None,
        });
    };
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    (hidden || !target.starts_with(within)).then(|| OutsideLink {
        link: path.to_path_buf(),
        target: target.clone(),
        within: Some(within.strip_prefix(root).unwrap_or(within).to_path_buf()),
    })
}

/// Where a link that resolves nowhere points: its text, taken from the link's (canonical)
/// folder, with `..` and `.` applied.
fn dangling_target(link: &Path) -> std::io::Result<PathBuf> {
    let raw = std::fs::read_link(link)?;
    let from = match link.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.canonicalize()?,
        _ => Path::new(".").canonicalize()?,
    };
    let mut out = PathBuf::new();
    for c in from.join(raw).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The files under a folder, read by [`walk_files`].
#[derive(Debug, Default)]
pub struct Walk {
    /// Every file, in file-name order (a linked file or folder is listed under the link's
    /// name), links inside the site followed.
    pub files: Vec<PathBuf>,
    /// Links that lead outside the site: not followed.
    pub outside: Vec<OutsideLink>,
    /// Entries that could not be read (e.g. a link that loops), with the reason.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Every file under `dir` (nothing when it does not exist), following symbolic links that
/// resolve inside `root` (canonical) and reporting those that do not.
pub fn walk_files(dir: &Path, root: &Path) -> Walk {
    walk_within(dir, root, false)
}

/// [`walk_files`] for a folder whose files are published as they are (`static/`, `templates/`,
/// a theme, `images/`): the one rule for what a link there may publish: a link is followed
/// only when it resolves inside that folder and to no dot-file or dot-folder (a link to the
/// site's untracked `.env` or `notes/` is reported, not published).
pub fn walk_published(dir: &Path, root: &Path) -> Walk {
    walk_within(dir, root, true)
}

fn walk_within(dir: &Path, root: &Path, published: bool) -> Walk {
    let mut walk = Walk::default();
    if std::fs::symlink_metadata(dir).is_err() {
        return walk;
    }
    // The folder itself under a link out of the site (`themes/` committed as a link).
    if let Ok(real) = dir.canonicalize() {
        if !real.starts_with(root) {
            walk.outside.push(OutsideLink {
                link: dir.to_path_buf(),
                target: real,
                within: None,
            });
            return walk;
        }
    }
    let within = match dir.canonicalize() {
        Ok(real) if published => real,
        _ => root.to_path_buf(),
    };
    let within = within.as_path();
    let mut outside = Vec::new();
    let mut dangling = Vec::new();
    let entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        // Only a link can lead outside: walkdir knows which entries are links (the folder
        // itself is looked at whatever it is), so a plain file costs no extra stat (10,000 of
        // them were most of the walk).
        .filter_entry(|e| {
            let link = e.depth() == 0 || e.path_is_symlink();
            match link
                .then(|| escaping_link(e.path(), within, root))
                .flatten()
            {
                Some(o) => {
                    outside.push(o);
                    false
                }
                None => true,
            }
        });
    for entry in entries {
        match entry {
            Ok(e) if e.file_type().is_file() => walk.files.push(e.into_path()),
            Ok(_) => {}
            Err(e) => {
                // A link whose target does not exist is an error here, before the filter.
                let path = e.path().unwrap_or(dir).to_path_buf();
                match escaping_link(&path, within, root) {
                    Some(o) => dangling.push(o),
                    None => walk.unreadable.push((path, e.to_string())),
                }
            }
        }
    }
    outside.extend(dangling);
    outside.sort_by(|a, b| a.link.cmp(&b.link));
    walk.outside = outside;
    walk
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_are_followed_and_links_outside_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let dir = root.join("content");
        std::fs::create_dir_all(root.join("shared")).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(root.join("shared/a.md"), "a").unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        std::fs::write(dir.join("plain.md"), "p").unwrap();
        symlink("../shared/a.md", dir.join("in.md")).unwrap();
        symlink(tmp.path().join("secret"), dir.join("out.md")).unwrap();
        symlink("../../nowhere", dir.join("dangling.md")).unwrap();
        symlink("../shared", dir.join("sub")).unwrap();
        let root = root.canonicalize().unwrap();
        let w = walk_files(&root.join("content"), &root);
        let names: Vec<_> = w
            .files
            .iter()
            .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            ["content/in.md", "content/plain.md", "content/sub/a.md"]
        );
        let links: Vec<_> = w.outside.iter().map(|o| o.link.clone()).collect();
        assert_eq!(
            links,
            [
                root.join("content/dangling.md"),
                root.join("content/out.md")
            ]
        );
        assert_eq!(
            w.outside[1].target,
            tmp.path().canonicalize().unwrap().join("secret")
        );
    }

    /// Whether this system lets a process call `openat2` (Linux 5.6 and later; a container's
    /// filter may refuse it): else every read takes the canonicalizing way, which the test
    /// below checks all the same.
    fn openat2_works(dir: &Path) -> bool {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{Mode, OFlags, ResolveFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let opened = rustix::fs::openat2(
                rustix::fs::CWD,
                dir,
                flags,
                Mode::empty(),
                ResolveFlags::empty(),
            );
            if let Err(e) = &opened {
                eprintln!("openat2 refused here ({e}): the one-call read is not taken");
            }
            opened.is_ok()
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = dir;
            false
        }
    }

    /// The one-call read and the canonicalizing one agree: the first takes only plain files
    /// reached through no link, no `..` and not under `.git/`, and gives up on everything else
    /// (which the second then decides, as before).
    #[test]
    fn the_plain_read_takes_only_what_resolve_would_accept_as_is() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        for d in ["content/a", ".git", "GIT/.Git", "linked"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("content/a/q.md"), "q").unwrap();
        std::fs::write(root.join("content/empty.md"), "").unwrap();
        std::fs::write(root.join(".git/config"), "c").unwrap();
        std::fs::write(root.join("GIT/.Git/x"), "x").unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        symlink("../content/a/q.md", root.join("linked/in.md")).unwrap();
        symlink(tmp.path().join("secret"), root.join("linked/out.md")).unwrap();
        symlink("../content", root.join("linked/dir")).unwrap();
        let fifo = root.join("content/fifo.md");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let root = root.canonicalize().unwrap();
        // Taken in one call (where the system has it).
        for (rel, text) in [("content/a/q.md", "q"), ("content/empty.md", "")] {
            let p = root.join(rel);
            if openat2_works(&root) {
                assert_eq!(
                    plain::read(&root, &p).as_deref(),
                    Some(text.as_bytes()),
                    "{rel}"
                );
            }
            assert_eq!(read_to_string(&root, &p).unwrap(), text, "{rel}");
        }
        // Left to `resolve`: links (inside or out), `..`, `.git/` in any case, a FIFO, a
        // folder, a file outside, the site folder itself, a missing file.
        let left = [
            "linked/in.md",
            "linked/out.md",
            "linked/dir/a/q.md",
            "content/a/../a/q.md",
            ".git/config",
            "GIT/.Git/x",
            "content/fifo.md",
            "content/a",
            "../secret",
            "",
            "content/missing.md",
            "content/a/q.md/",
            "content/a/q.md/.",
            "content/./a/q.md",
            "content//a/q.md",
        ];
        for rel in left {
            let p = root.join(rel);
            assert_eq!(plain::read(&root, &p), None, "{rel}");
            assert_eq!(
                read(&root, &p).ok(),
                resolve(&root, &p).ok().map(|r| std::fs::read(r).unwrap()),
                "{rel}"
            );
        }
        // What `resolve` accepts of those is still read (a link inside, `..` inside).
        assert_eq!(
            read_to_string(&root, &root.join("linked/in.md")).unwrap(),
            "q"
        );
        assert_eq!(
            read_to_string(&root, &root.join("content/a/../a/q.md")).unwrap(),
            "q"
        );
        assert!(read(&root, &root.join("linked/out.md")).is_err());
        assert!(
            read(&root, &fifo).is_err(),
            "a FIFO is refused, not waited on"
        );
        assert!(read(&root, &root.join("GIT/.Git/x")).is_err());
    }
}
