//! Finding the images: every page's image references resolved to files inside the site
//! (relative to the page, else to `images/`; never absolute, outside or hidden), and the images
//! no page uses.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::Use;
use crate::content::Content;
use crate::error::Diagnostic;
use crate::markdown::Rendered;
use crate::urls::normalize_path;

/// Every image reference of every page, resolved.
pub(super) struct ImageUses {
    pub(super) uses: Vec<Use>,
    /// Each file used, with its first use (page, line) for messages about the file itself.
    pub(super) files: BTreeMap<PathBuf, (PathBuf, usize)>,
    /// References without alt text (warnings) or that resolve to no file inside the site.
    pub(super) diagnostics: Vec<Diagnostic>,
}

pub(super) fn find_uses(
    content: &Content,
    rendered: &[Rendered],
    images_dir: &Path,
    root_canon: &Path,
) -> ImageUses {
    let mut found = ImageUses {
        uses: Vec::new(),
        files: BTreeMap::new(),
        diagnostics: Vec::new(),
    };
    // Resolved page by page in parallel (a large site has thousands of references, each a
    // few system calls), each path looked up once; merged in page order.
    let canon = Canonical::default();
    let resolved: Vec<Vec<Resolved>> = content
        .pages
        .par_iter()
        .zip(rendered.par_iter())
        .map(|(page, r)| {
            r.images
                .iter()
                .map(|img| resolve(&img.src, &page.source.path, images_dir, root_canon, &canon))
                .collect()
        })
        .collect();
    for (pi, ((page, r), resolved)) in content.pages.iter().zip(rendered).zip(resolved).enumerate()
    {
        let src_path = &page.source.path;
        for (ii, (img, res)) in r.images.iter().zip(resolved).enumerate() {
            if img.alt.trim().is_empty() {
                let d = Diagnostic::new(
                    src_path,
                    img.line,
                    format!("image {} has no alt text", img.src),
                )
                .hint("describe what the image shows: ![what the reader sees](…)")
                .warning();
                found.diagnostics.push(d);
            }
            match res {
                Ok(file) => {
                    found
                        .files
                        .entry(file.clone())
                        .or_insert((src_path.clone(), img.line));
                    found.uses.push(Use {
                        page: pi,
                        index: ii,
                        file,
                    });
                }
                Err(msg) => found
                    .diagnostics
                    .push(Diagnostic::new(src_path, img.line, msg.0).hint(msg.1)),
            }
        }
    }
    found
}

/// An image reference resolved: the file, or the problem (message, hint).
type Resolved = std::result::Result<PathBuf, (String, String)>;

/// Paths looked up by [`resolve`] in one build: each one's canonical form and whether it is a
/// file (`None`: it does not resolve).
#[derive(Default)]
struct Canonical(Mutex<HashMap<PathBuf, Option<(PathBuf, bool)>>>);

impl Canonical {
    fn of(&self, path: &Path) -> Option<(PathBuf, bool)> {
        let lock = || {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(known) = lock().get(path) {
            return known.clone();
        }
        let found = path.canonicalize().ok().map(|c| {
            let is_file = c.is_file();
            (c, is_file)
        });
        lock().insert(path.to_path_buf(), found.clone());
        found
    }
}

/// Resolve `src` (as written in `page`) to a canonical file inside the site.
fn resolve(
    src: &str,
    page: &Path,
    images_dir: &Path,
    root_canon: &Path,
    canonical: &Canonical,
) -> Resolved {
    let clean = src.split(['?', '#']).next().unwrap_or(src);
    if clean.starts_with('/') || clean.starts_with('\\') || Path::new(clean).is_absolute() {
        return Err((
            format!("image path {src} is absolute"),
            "write it relative to the Markdown file (../../images/x.png) or to images/ (x.png)"
                .into(),
        ));
    }
    let mut candidates = vec![page.parent().unwrap_or(Path::new("")).join(clean)];
    if !clean.starts_with("..") {
        candidates.push(images_dir.join(clean));
    }
    for c in &candidates {
        if let Some((canon, is_file)) = canonical.of(c) {
            if !canon.starts_with(root_canon) {
                return Err((
                    format!("image path {src} leaves the site folder"),
                    "keep images inside the site, e.g. in images/".into(),
                ));
            }
            if hidden(&canon, root_canon) {
                return Err((
                    format!("image path {src} leads to a hidden (dot) file or folder"),
                    "faqsite never publishes hidden files: move the image to images/".into(),
                ));
            }
            if is_file {
                return Ok(canon);
            }
        }
    }
    Err((
        format!("image {src} not found"),
        format!(
            "looked for {}; put the file in images/ or next to the Markdown file",
            candidates
                .iter()
                .map(|c| normalize_path(c).display().to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    ))
}

/// Whether an answer's image at `canon` (canonical, inside the site) is reached through a
/// dot-file or dot-folder (`.env`, `.git/`…): never published (the rule of
/// `paths::walk_published`, for images named by a path rather than found by a walk). Images
/// elsewhere in the site stay usable (imported FAQs keep theirs in `img/`).
fn hidden(canon: &Path, root_canon: &Path) -> bool {
    let rel = canon.strip_prefix(root_canon).unwrap_or(canon);
    rel.components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
}

pub(super) fn unused_images(
    images: &[PathBuf],
    used: &BTreeMap<PathBuf, (PathBuf, usize)>,
    root: &Path,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in images {
        let is_image = p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "png" | "jpg" | "jpeg" | "gif" | "webp"
            )
        });
        if !is_image {
            continue;
        }
        let used_here = p.canonicalize().is_ok_and(|c| used.contains_key(&c));
        if !used_here {
            out.push(
                Diagnostic::new(
                    crate::content::display_path(p, root),
                    0,
                    "image is not used by any page",
                )
                .hint("delete it or refer to it from a question")
                .warning(),
            );
        }
    }
    out
}
