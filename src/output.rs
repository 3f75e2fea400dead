//! Last stage: write the files of a build into a staging folder next to the output folder, and
//! swap it in only when everything was written. A failed build leaves the previous output
//! exactly as it was.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

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

/// Write `files` as the new content of `out`, atomically replacing what was there.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<()> {
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
    let staging = parent.join(format!(".{name}.staging-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);

    let result = write_all(&staging, files).and_then(|()| swap(&staging, out, &old));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(staging: &Path, files: &[OutputFile]) -> Result<()> {
    std::fs::create_dir_all(staging).map_err(|e| Error::io("creating", staging, e))?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| f.path.parent().map(|p| staging.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(|e| Error::io("creating", d, e))?;
    }
    files.par_iter().try_for_each(|f| {
        let p = staging.join(&f.path);
        std::fs::write(&p, &f.bytes).map_err(|e| Error::io("writing", &p, e))
    })
}

fn swap(staging: &Path, out: &Path, old: &Path) -> Result<()> {
    if out.exists() {
        std::fs::rename(out, old)
            .map_err(|e| Error::io("moving the previous output aside", out, e))?;
        if let Err(e) = std::fs::rename(staging, out) {
            // Put the previous output back.
            let _ = std::fs::rename(old, out);
            return Err(Error::io("moving the new output into place", out, e));
        }
        std::fs::remove_dir_all(old)
            .map_err(|e| Error::io("removing the previous output", old, e))?;
    } else {
        std::fs::rename(staging, out)
            .map_err(|e| Error::io("moving the new output into place", out, e))?;
    }
    Ok(())
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
    fn refuses_output_that_contains_the_site() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_output_dir(dir.path(), dir.path()).is_err());
        assert!(
            check_output_dir(&dir.path().join("site"), dir.path()).is_err()
                || !dir.path().join("site").exists()
        );
        assert!(check_output_dir(dir.path(), &dir.path().join("public")).is_ok());
    }
}
