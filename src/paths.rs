//! Reading the site's input folders without leaving the site: symbolic links are followed
//! only when they resolve inside the site root; those that lead outside are reported, never
//! read. A leaf module: it imports nothing of faqsite's.

/// The cache folder in the site (image variants, search segmentation, build stamp).
pub const CACHE_DIR: &str = ".faqsite-cache";

use std::path::{Component, Path, PathBuf};

/// A symbolic link under the site whose target lies outside the site root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideLink {
    /// The link, as found under the folder that was read.
    pub link: PathBuf,
    /// Where it points: the resolved target, or the link's text when it resolves nowhere.
    pub target: PathBuf,
}

impl OutsideLink {
    /// What to tell the user (the target's name only: its content is never read).
    pub fn message(&self) -> String {
        format!(
            "symbolic link points outside the site, to {}",
            self.target.display()
        )
    }

    pub const HINT: &'static str =
        "copy the file into the site folder, or point the link at a file inside the site";
}

/// `path`, if it is a symbolic link that resolves outside `root` (canonical); `None` for
/// anything else (a link inside the site, a plain file or folder, a missing path).
pub fn outside_link(path: &Path, root: &Path) -> Option<OutsideLink> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let target = path
        .canonicalize()
        .or_else(|_| dangling_target(path))
        .ok()?;
    (!target.starts_with(root)).then(|| OutsideLink {
        link: path.to_path_buf(),
        target,
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
    let mut walk = Walk::default();
    if std::fs::symlink_metadata(dir).is_err() {
        return walk;
    }
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
            match link.then(|| outside_link(e.path(), root)).flatten() {
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
                match outside_link(&path, root) {
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
}
