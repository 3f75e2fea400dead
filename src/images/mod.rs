//! Stage 4: images. Resolves every local image a page refers to, decodes it once, writes it
//! under `images/` with a content hash in its name, and replaces the markdown stage's markers
//! with final `<img>` markup that carries `width`/`height`.
//!
//! Rules: an image path is relative to the page's Markdown file, or else to the site's
//! `images/` folder. Absolute paths and paths that leave the site folder are refused.
//!
//! This file: the stage (`prepare`, `Prepared::apply`) and each source processed once. Beside
//! it: `find.rs` the references resolved and the unused images, `source.rs` reading and checking
//! one image, `encode.rs` its copies encoded, `cache.rs` the variants kept between builds,
//! `markup.rs` the `<img>` tags put in place of the markers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::Mutex;

use rayon::prelude::*;

mod cache;
mod encode;
mod find;
mod markup;
mod source;
use cache::Cache;
use encode::process_one;
use find::{find_uses, unused_images};
use markup::fill_pages;
use source::DAMAGED_HINT;

use crate::config::ImagesConfig;
use crate::content::{outside_link_error, Content};
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::Rendered;
use crate::output::OutputFile;

pub const IMAGES_DIR: &str = "images";

/// What the images stage is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Resolve, read and measure every image, and encode its variants (or take them from the
    /// cache, `.faqsite-cache/images/`, writing the new ones there): a build.
    Encode,
    /// Resolve, read and measure every image, with every problem [`Mode::Encode`] reports about
    /// the sources, but encode nothing and write nothing, not even to the cache: `check`.
    Validate,
}

/// What the images stage produced.
#[derive(Debug, Default)]
pub struct Images {
    pub files: Vec<OutputFile>,
    /// Every problem found (errors and warnings), in page order, then the unused images.
    pub diagnostics: Vec<Diagnostic>,
    /// Source images used by the site (each processed once, however many pages use it).
    pub processed: usize,
    /// Variants (resized copies, WebP) encoded in this build.
    pub encoded: usize,
    /// Variants taken from the cache instead of being encoded again.
    pub reused: usize,
}

/// One source image and the files made from it (URLs relative to the site root).
#[derive(Debug, Clone, PartialEq)]
struct Processed {
    /// Size the page shows it at (the web copy's size when the original is wider).
    width: u32,
    height: u32,
    /// The full-size original.
    original: String,
    /// What `<img src>` shows: the original, or its resized web copy.
    src: String,
    /// `url width` candidates for `srcset` (empty for images shown as they are).
    srcset: Vec<(String, u32)>,
    /// The same candidates as WebP, when every one of them is smaller.
    webp: Vec<(String, u32)>,
}

/// Counters of the encoding work, for the build report.
#[derive(Debug, Default)]
struct Work {
    encoded: AtomicUsize,
    reused: AtomicUsize,
    cache_errors: Mutex<Vec<String>>,
}

/// Images at most this big on both sides are icons: copied byte for byte, no variants.
pub const ICON_MAX: u32 = 128;

/// Where a page's image reference points.
struct Use {
    page: usize,
    index: usize,
    file: PathBuf,
}

/// Resolve every image of every page and process each file once (encode its variants, or
/// take them from the cache): what [`Prepared::apply`] then puts in the pages. It only reads
/// the pages, so it runs beside the search stage. Problems are reported in
/// [`Images::diagnostics`]; only an I/O failure of the site folder itself ends the stage.
pub fn prepare(
    root: &Path,
    config: &ImagesConfig,
    content: &Content,
    rendered: &[Rendered],
    mode: Mode,
) -> Result<Prepared> {
    let root_canon = root
        .canonicalize()
        .map_err(|e| Error::io("resolving site folder", root, e))?;
    let images_dir = root.join(IMAGES_DIR);
    let found = find_uses(content, rendered, &images_dir, &root_canon);
    let mut diagnostics = found.diagnostics;
    // Links in images/ that lead out of the site are refused even when no page uses them.
    let walk = crate::paths::walk_published(&images_dir, &root_canon);
    diagnostics.extend(walk.outside.iter().map(outside_link_error));

    let cache = Cache {
        dir: root.join(crate::paths::CACHE_DIR).join(IMAGES_DIR),
        usable: crate::paths::cache_folder_usable(&root_canon, IMAGES_DIR),
        root_canon: &root_canon,
    };
    let work = Work::default();
    if !cache.usable && mode == Mode::Encode {
        work.cache_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(
                "the cache folder is a symbolic link or not a folder; faqsite neither reads nor \
             writes through it"
                    .into(),
            );
    }
    let sources = Sources {
        root,
        root_canon: &root_canon,
        config,
        cache: &cache,
        work: &work,
        mode,
    };
    let (done, files) = sources.process_all(&found.files, &mut diagnostics);
    let done: BTreeMap<PathBuf, Processed> = done
        .into_iter()
        .map(|(f, p)| (f.to_path_buf(), p))
        .collect();

    diagnostics.extend(unused_images(&walk.files, &found.files, root));
    diagnostics.extend(cache_warning(
        &cache.dir,
        work.cache_errors.into_inner().unwrap_or_default(),
    ));
    Ok(Prepared {
        uses: found.uses,
        images: Images {
            processed: done.len(),
            encoded: work.encoded.into_inner(),
            reused: work.reused.into_inner(),
            files,
            diagnostics,
        },
        done,
    })
}

/// The images processed, not yet in the pages (see [`prepare`]).
pub struct Prepared {
    uses: Vec<Use>,
    done: BTreeMap<PathBuf, Processed>,
    images: Images,
}

impl Prepared {
    /// Replace each page's image markers with the final markup (an image with a problem is
    /// left out of its page).
    pub fn apply(self, content: &Content, rendered: &mut [Rendered]) -> Images {
        fill_pages(content, rendered, &self.uses, &self.done);
        self.images
    }
}

/// What processing every source image needs to know.
struct Sources<'a> {
    root: &'a Path,
    root_canon: &'a Path,
    config: &'a ImagesConfig,
    cache: &'a Cache<'a>,
    work: &'a Work,
    mode: Mode,
}

impl Sources<'_> {
    /// Process each file once (in parallel): what each became, and every file made, sorted by
    /// path; its problems go to `diagnostics`, in file order.
    fn process_all<'f>(
        &self,
        files: &'f BTreeMap<PathBuf, (PathBuf, usize)>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (BTreeMap<&'f Path, Processed>, Vec<OutputFile>) {
        let results: Vec<_> = files
            .par_iter()
            .map(|(file, (page, line))| {
                let at = |message: String| self.about(file, page, *line, message);
                process_one(file, self)
                    .map(|(p, f, damaged)| (p, f, damaged.map(|m| at(m).hint(DAMAGED_HINT))))
                    .map_err(|u| at(u.message).hint(u.hint))
            })
            .collect();
        let mut done = BTreeMap::new();
        let mut out_files = Vec::new();
        for ((file, _), r) in files.iter().zip(results) {
            match r {
                Ok((p, f, damaged)) => {
                    done.insert(file.as_path(), p);
                    out_files.extend(f);
                    // Damaged but usable: a warning (an error with --strict).
                    diagnostics.extend(damaged.map(Diagnostic::warning));
                }
                Err(d) => diagnostics.push(d),
            }
        }
        out_files.sort_by(|a, b| a.path.cmp(&b.path));
        out_files.dedup_by(|a, b| a.path == b.path);
        (done, out_files)
    }

    /// A problem with `file`, reported at its first use.
    fn about(&self, file: &Path, page: &Path, line: usize, message: String) -> Diagnostic {
        // The file as the writer knows it: relative to the site, not canonical.
        let shown = file.strip_prefix(self.root_canon).map_or_else(
            |_| file.to_path_buf(),
            |rel| crate::content::display_path(&self.root.join(rel), self.root),
        );
        Diagnostic::new(page, line, format!("image {}: {message}", shown.display()))
    }
}

/// The warning that the image cache could not be written (`cached` keeps only the first error).
fn cache_warning(cache: &Path, errors: Vec<String>) -> Vec<Diagnostic> {
    errors
        .into_iter()
        .map(|e| {
            Diagnostic::new(cache, 0, format!("image cache not written: {e}"))
                .hint("the build is complete; the next build will encode these images again")
                .warning()
        })
        .collect()
}
