//! Which folder a build may replace: one that does not exist, is empty or was written by
//! faqsite (it holds the marker), or one the user said to replace (`--replace-output`); never
//! the site itself, a folder holding it, its source folders or a file. See
//! [`check_output_dir`].

use std::path::{Component, Path, PathBuf};

use super::{has_marker, record, MARKER_FILE};
use crate::error::{Diagnostic, Error, Result};

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
/// a folder outside the site named by site.toml only when faqsite wrote it, `--replace-output`
/// or not (a site's config may come from anyone who can open a pull request).
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
    let found = AtOutput::inspect(&out, t.stamped)?;
    match found {
        AtOutput::File => Err(refusal(
            t,
            format!("{} is a file; faqsite never replaces a file", out.display()),
        )),
        AtOutput::Ours => Ok(()),
        // Not even with --replace-output: CI may pass the flag to every build, and site.toml
        // comes from whoever opened the pull request.
        _ if t.from_config.is_some() && outside(&root, &out, target.as_deref()) => {
            Err(outside_the_site(t, &out, &found))
        }
        _ if t.replace => Ok(()),
        AtOutput::Unrecorded(ref why) => Err(unrecorded(t, &out, why)),
        AtOutput::Nothing | AtOutput::Empty => Ok(()),
        AtOutput::Link | AtOutput::Foreign(..) => Err(not_faqsites(t, &out, &found)),
    }
}

/// Whether the output folder `out` (or the folder a link there leads to) is outside the site.
fn outside(root: &Path, out: &Path, target: Option<&Path>) -> bool {
    !out.starts_with(root) || target.is_some_and(|t| !t.starts_with(root))
}

/// Folders of a site that are never an output folder nor hold one, with what they hold.
const SITE_DIRS: &[(&str, &str)] = &[
    ("content", "the site's sources"),
    ("images", "the site's sources"),
    ("templates", "the site's sources"),
    ("static", "the site's sources"),
    ("themes", "the site's sources"),
    ("strings", "the site's sources"),
    (crate::paths::CACHE_DIR, "faqsite's cache"),
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
enum AtOutput {
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
    /// A marked folder holding something its marker's record does not list (or a marker
    /// that records no files): why.
    Unrecorded(String),
}

impl AtOutput {
    fn inspect(out: &Path, stamped: bool) -> Result<AtOutput> {
        let meta = match std::fs::symlink_metadata(out) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AtOutput::Nothing),
            Err(e) => return Err(Error::io("reading", out, e)),
            Ok(m) => m,
        };
        if meta.file_type().is_symlink() {
            return Ok(if out.is_dir() {
                AtOutput::Link
            } else {
                AtOutput::File
            });
        }
        if !meta.is_dir() {
            return Ok(AtOutput::File);
        }
        // The build stamp names every file with its size and modification time (to the
        // nanosecond): faqsite's last build left the folder exactly so.
        if stamped {
            return Ok(AtOutput::Ours);
        }
        // A marker may be committed by anyone: the folder is faqsite's only if it holds
        // exactly files of the marker's record, unchanged (`record.rs`).
        if has_marker(out) {
            return Ok(match record::verify(out) {
                Ok(()) => AtOutput::Ours,
                Err(why) => AtOutput::Unrecorded(why),
            });
        }
        let mut names = Vec::new();
        for e in std::fs::read_dir(out).map_err(|e| Error::io("reading folder", out, e))? {
            let e = e.map_err(|e| Error::io("reading folder", out, e))?;
            let slash = if e.file_type().is_ok_and(|t| t.is_dir()) {
                "/"
            } else {
                ""
            };
            names.push(format!("{}{slash}", e.file_name().to_string_lossy()));
        }
        if names.is_empty() {
            return Ok(AtOutput::Empty);
        }
        names.sort();
        let total = names.len();
        names.truncate(5);
        Ok(AtOutput::Foreign(names, total))
    }

    /// What the folder holds, for messages: "it holds .ssh/, Documents/ (2 entries)".
    fn holds(&self) -> String {
        match self {
            AtOutput::Nothing => "it does not exist yet".into(),
            AtOutput::Empty => "it is empty".into(),
            AtOutput::Link => "it is a symbolic link".into(),
            AtOutput::Foreign(names, total) => {
                let more = if *total > names.len() { ", …" } else { "" };
                let s = if *total == 1 { "y" } else { "ies" };
                format!("it holds {}{more} ({total} entr{s})", names.join(", "))
            }
            AtOutput::Unrecorded(why) => why.clone(),
            AtOutput::Ours | AtOutput::File => String::new(),
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
            format!("output_dir {:?}: {message}", configured(t)),
        ),
        None => Diagnostic::new(t.out, 0, message),
    }
}

/// `output_dir` as written in site.toml (the output path is the site folder joined to it).
fn configured(t: &OutputTarget) -> String {
    let rel = t.out.strip_prefix(t.root).unwrap_or(t.out);
    rel.display().to_string()
}

fn not_faqsites(t: &OutputTarget, out: &Path, found: &AtOutput) -> Error {
    let shown = out.display();
    let (message, hint) = if let AtOutput::Link = found {
        (
            format!("{shown} is a symbolic link; faqsite never makes one"),
            format!(
                "choose a folder of its own, or pass --replace-output to put the site in \
                 place of the link {shown} (what it points to stays as it is)"
            ),
        )
    } else {
        (
            format!(
                "{shown} was not written by faqsite: {}, and no {MARKER_FILE} file",
                found.holds()
            ),
            format!(
                "a build replaces its output folder whole. Choose a new or empty folder, or \
                 pass --replace-output to delete what {shown} holds and put the site there"
            ),
        )
    };
    Error::one(place(t, message).hint(hint))
}

fn unrecorded(t: &OutputTarget, out: &Path, why: &str) -> Error {
    let shown = out.display();
    let message = format!("{shown} holds a {MARKER_FILE} marker, but {why}");
    let hint = format!(
        "faqsite removes only files it wrote: move your own files out of {shown}, or pass \
         --replace-output to delete everything it holds and put the site there"
    );
    Error::one(place(t, message).hint(hint))
}

fn outside_the_site(t: &OutputTarget, out: &Path, found: &AtOutput) -> Error {
    let message = format!(
        "{} is outside the site and was not written by faqsite: {}",
        out.display(),
        found.holds()
    );
    let hint = "site.toml may name only a folder inside the site, or faqsite's own output: \
                give this folder with --output-dir on the command line (with --replace-output \
                to let the build replace what it holds)";
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

#[cfg(test)]
mod tests {
    use super::*;

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
        for out in [
            ".",
            "..",
            "/",
            "content",
            "content/a/../b",
            "Content",
            "new/../content",
        ] {
            let out = root.join(out);
            assert!(check_output_dir(&target(&root, &out)).is_err(), "{out:?}");
        }
        assert!(check_output_dir(&target(&root, &root.join("public"))).is_ok());
        assert!(check_output_dir(&target(&root, &root.join("new/../public"))).is_ok());
    }
}
