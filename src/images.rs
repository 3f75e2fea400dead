//! Stage 4: images. Resolves every local image a page refers to, decodes it once, writes it
//! under `images/` with a content hash in its name, and replaces the markdown stage's markers
//! with final `<img>` markup that carries `width`/`height`.
//!
//! Rules: an image path is relative to the page's Markdown file, or else to the site's
//! `images/` folder. Absolute paths and paths that leave the site folder are refused.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::ImagesConfig;
use crate::content::{outside_link_error, Content};
use crate::error::{Diagnostic, Error, Result};
use crate::hash::short_hash;
use crate::html::{encode_path, escape};
use crate::markdown::{ImageRef, Rendered, IMAGE_MARKER};
use crate::output::OutputFile;
use crate::urls::{normalize_path, root_prefix};

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
/// Bump when the encoders or their settings change, so cached variants are not reused.
const ENCODER_VERSION: &str = "image-0.25/png-best/jpeg-85/libwebp-q90/fir-6-lanczos3/v2";
/// Quality of the (lossy) WebP variants: visually lossless for screenshots and photos.
const WEBP_QUALITY: f32 = 90.0;

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

/// Every image reference of every page, resolved.
struct ImageUses {
    uses: Vec<Use>,
    /// Each file used, with its first use (page, line) for messages about the file itself.
    files: BTreeMap<PathBuf, (PathBuf, usize)>,
    /// References without alt text (warnings) or that resolve to no file inside the site.
    diagnostics: Vec<Diagnostic>,
}

fn find_uses(
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

/// What processing every source image needs to know.
struct Sources<'a> {
    root: &'a Path,
    root_canon: &'a Path,
    config: &'a ImagesConfig,
    cache: &'a Cache<'a>,
    work: &'a Work,
    mode: Mode,
}

/// The image cache (`.faqsite-cache/images`): its entries are read through the gate
/// (`crate::paths`) and checked before use ([`cached`]); a cache folder that is a symbolic
/// link (or under one) is neither read nor written (`usable` false).
struct Cache<'a> {
    dir: PathBuf,
    usable: bool,
    root_canon: &'a Path,
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

/// Replace each page's image markers with the final markup (an image with a problem, not in
/// `done`, is left out).
fn fill_pages(
    content: &Content,
    rendered: &mut [Rendered],
    uses: &[Use],
    done: &BTreeMap<PathBuf, Processed>,
) {
    // `uses` is in page order: each page's own, then the pages filled in parallel (a large
    // site has thousands of pages with images, each tag a few formatted URLs).
    let mut by_page: Vec<&[Use]> = vec![&[]; rendered.len()];
    for group in uses.chunk_by(|a, b| a.page == b.page) {
        debug_assert!(by_page[group[0].page].is_empty(), "uses out of page order");
        by_page[group[0].page] = group;
    }
    rendered
        .par_iter_mut()
        .zip(by_page)
        .enumerate()
        .filter(|(_, (r, _))| !r.images.is_empty())
        .for_each(|(pi, (r, uses))| {
            let root = root_prefix(&content.pages[pi].url);
            let mut markup = vec![String::new(); r.images.len()];
            for u in uses {
                if let Some(p) = done.get(u.file.as_path()) {
                    markup[u.index] = img_tag(&root, &r.images[u.index], p, u.index > 0);
                }
            }
            r.html = fill_markers(&r.html, &markup).into();
        });
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

/// Images at most this tall that stand in a sentence are icons: the theme sizes them to the
/// line (`class="inline"`); a taller one keeps its size.
const INLINE_MAX_HEIGHT: u32 = 64;

/// The `<img>` (in a `<picture>` with WebP sources, in a link to the full-size original when
/// resized) of one image: every URL percent-encoded, every attribute value escaped.
fn img_tag(root: &str, img_ref: &ImageRef, p: &Processed, lazy: bool) -> String {
    let (alt, title) = (&img_ref.alt, &img_ref.title);
    let url = |u: &str| escape(&format!("{root}{}", encode_path(u)));
    let list = |c: &[(String, u32)]| {
        c.iter()
            .map(|(u, w)| format!("{} {w}w", url(u)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sizes = format!("(max-width: {w}px) 100vw, {w}px", w = p.width);
    let mut img = format!(
        "<img src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\"",
        url(&p.src),
        escape(alt),
        p.width,
        p.height
    );
    if !p.srcset.is_empty() {
        img.push_str(&format!(
            " srcset=\"{}\" sizes=\"{sizes}\"",
            list(&p.srcset)
        ));
    }
    if !title.is_empty() {
        img.push_str(&format!(" title=\"{}\"", escape(title)));
    }
    if img_ref.inline && p.height <= INLINE_MAX_HEIGHT {
        img.push_str(" class=\"inline\"");
    }
    if lazy {
        img.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    img.push('>');
    if !p.webp.is_empty() {
        let sizes_attr = if p.srcset.is_empty() {
            String::new()
        } else {
            format!(" sizes=\"{sizes}\"")
        };
        let webp = if p.srcset.is_empty() {
            url(&p.webp[0].0)
        } else {
            list(&p.webp)
        };
        img = format!(
            "<picture><source type=\"image/webp\" srcset=\"{webp}\"{sizes_attr}>{img}</picture>"
        );
    }
    if p.src != p.original {
        // A resized web copy: the full-size original is one click away.
        img = format!(
            "<a class=\"image-link\" href=\"{}\">{img}</a>",
            url(&p.original)
        );
    }
    img
}

/// `html` with each image marker `n` (a comment the Markdown stage wrote) replaced by
/// `markup[n]`, in one pass.
fn fill_markers(html: &str, markup: &[String]) -> String {
    let number = IMAGE_MARKER.trim_start_matches("<!--");
    crate::html::rewrite::replace_comments(html, |comment| {
        let n = comment.strip_prefix(number)?.parse::<usize>().ok()?;
        markup.get(n).map(String::as_str)
    })
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

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Png,
    Jpeg,
    Other,
}

/// Why an image cannot be used: what is wrong with it and what to do.
struct Unusable {
    message: String,
    hint: String,
}

const REPLACE_HINT: &str = "replace the file with a valid PNG, JPEG, GIF or WebP image";
const DAMAGED_HINT: &str = "save or export the image again from its source: browsers show the \
     missing part grey, or not at all";

impl From<String> for Unusable {
    fn from(message: String) -> Self {
        Unusable {
            message,
            hint: REPLACE_HINT.into(),
        }
    }
}

impl From<&str> for Unusable {
    fn from(message: &str) -> Self {
        message.to_string().into()
    }
}

/// A source image's files, and a message when it is damaged but usable (a warning).
type ProcessedOne = (Processed, Vec<OutputFile>, Option<String>);

/// One source image being processed: its bytes, what its header says, the names of the files
/// made from it, and its pixels once something needs them.
struct Source<'a> {
    bytes: Vec<u8>,
    format: Format,
    width: u32,
    height: u32,
    /// Content hash of `bytes`: in every file name made from it and in its cache keys.
    hash: String,
    /// Extension of the original and its resized copies (`png`, `jpg`, or as found).
    ext: String,
    /// `images/<stem>.<hash>`: every file made from it starts so.
    base: String,
    config: &'a ImagesConfig,
    /// Decoded only when the file was never found whole or some variant is not in the cache.
    decoded: OnceLock<image::DynamicImage>,
    /// Its resized copies by width, made once for both encodings (as the original, as WebP).
    resized: Mutex<Vec<(u32, std::sync::Arc<image::DynamicImage>)>>,
}

/// A file `<img>` may show at `width` pixels: the original, a resized copy or its WebP.
struct Candidate {
    url: String,
    width: u32,
    bytes: Vec<u8>,
}

impl<'a> Source<'a> {
    /// Read `file` and its header (format, size), refusing what is not an image this site can
    /// use or declares more than `[images] max_pixels`.
    fn read(
        file: &Path,
        root_canon: &Path,
        config: &'a ImagesConfig,
    ) -> std::result::Result<Self, Unusable> {
        let bytes =
            crate::paths::read(root_canon, file).map_err(|e| format!("cannot read: {e}"))?;
        let reader = image::ImageReader::new(std::io::Cursor::new(&bytes))
            .with_guessed_format()
            .map_err(|e| e.to_string())?;
        // The published name's extension is the decoded format's, never the file name's (a
        // GIF named pic.html is published as pic.<hash>.gif).
        let (format, ext) = match reader.format() {
            Some(image::ImageFormat::Png) => {
                check_png_profile(&bytes)?;
                (Format::Png, "png")
            }
            Some(image::ImageFormat::Jpeg) => (Format::Jpeg, "jpg"),
            Some(image::ImageFormat::Gif) => (Format::Other, "gif"),
            Some(image::ImageFormat::WebP) => (Format::Other, "webp"),
            _ => return Err("not an image this site can use (PNG, JPEG, GIF or WebP)".into()),
        };
        let (width, height) = reader
            .into_dimensions()
            .map_err(|e| format!("cannot decode: {e}"))?;
        check_pixels(width, height, config)?;
        let hash = short_hash(&bytes);
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = ext.to_string();
        let base = format!("{IMAGES_DIR}/{stem}.{hash}");
        Ok(Source {
            bytes,
            format,
            width,
            height,
            hash,
            ext,
            base,
            config,
            decoded: OnceLock::new(),
            resized: Mutex::new(Vec::new()),
        })
    }

    /// The full-size original as it is published.
    fn original(&self) -> Candidate {
        Candidate {
            url: format!("{}.{}", self.base, self.ext),
            width: self.width,
            bytes: self.bytes.clone(),
        }
    }

    /// Icons and animations (GIF, WebP sources) are used exactly as they are.
    fn used_as_is(&self) -> bool {
        let is_icon = self.width <= ICON_MAX && self.height <= ICON_MAX;
        is_icon || self.format == Format::Other
    }

    /// The decoded image (decoded on first use, within `[images] max_memory_mb`).
    fn decoded(&self) -> std::result::Result<&image::DynamicImage, Unusable> {
        if let Some(img) = self.decoded.get() {
            return Ok(img);
        }
        let img = decode_limited(&self.bytes, self.config)?;
        Ok(self.decoded.get_or_init(|| img))
    }

    /// The image at `width` pixels wide ([`lanczos3`], height to scale); itself at its own width.
    /// Each width is resized once (the copy is encoded as the original is and as WebP).
    fn resized(&self, width: u32) -> std::result::Result<Resized<'_>, Unusable> {
        let img = self.decoded()?;
        if width == self.width {
            return Ok(Resized::Original(img));
        }
        let mut made = self.resized.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, copy)) = made.iter().find(|(w, _)| *w == width) {
            return Ok(Resized::Copy(copy.clone()));
        }
        let height = scaled_height(self.width, self.height, width);
        let copy = std::sync::Arc::new(lanczos3(img, width, height));
        made.push((width, copy.clone()));
        Ok(Resized::Copy(copy))
    }
}

/// `img` resized to `width`×`height` with a Lanczos3 filter, by fast_image_resize (SIMD,
/// alpha premultiplied: 8 ms for a 1200×750 screenshot where the image crate takes 70 ms).
/// It takes every pixel type `DynamicImage` has today; the image crate's resize stays for
/// one that a later `image` may add (the enum is non-exhaustive), rather than a panic.
fn lanczos3(img: &image::DynamicImage, width: u32, height: u32) -> image::DynamicImage {
    use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
    let mut copy = image::DynamicImage::new(width, height, img.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    match Resizer::new().resize(img, &mut copy, &options) {
        Ok(()) => copy,
        Err(_) => img.resize_exact(width, height, image::imageops::FilterType::Lanczos3),
    }
}

/// An image at the width asked for: the decoded original, or a resized copy.
enum Resized<'a> {
    Original(&'a image::DynamicImage),
    Copy(std::sync::Arc<image::DynamicImage>),
}

impl std::ops::Deref for Resized<'_> {
    type Target = image::DynamicImage;
    fn deref(&self) -> &image::DynamicImage {
        match self {
            Resized::Original(img) => img,
            Resized::Copy(img) => img,
        }
    }
}

/// Read, check and (in [`Mode::Encode`]) publish one source image: the original, resized
/// copies when it is wider than `[images] max_width`, and WebP copies when they are smaller.
fn process_one(file: &Path, s: &Sources) -> std::result::Result<ProcessedOne, Unusable> {
    let (config, cache, work, mode) = (s.config, s.cache, s.work, s.mode);
    let source = Source::read(file, s.root_canon, config)?;
    let original = source.original();
    let mut p = Processed {
        width: source.width,
        height: source.height,
        original: original.url.clone(),
        src: original.url.clone(),
        srcset: Vec::new(),
        webp: Vec::new(),
    };
    let mut files = vec![OutputFile::new(&original.url, original.bytes.clone())];
    let damaged = check_whole(&source, cache, mode)?;
    // `check` encodes nothing.
    if source.used_as_is() || mode == Mode::Validate {
        return Ok((p, files, damaged));
    }
    let candidates = if source.width > config.max_width {
        let copies = resized_copies(&source, cache, work)?;
        let made = copies.iter().filter(|c| c.url != original.url);
        files.extend(made.map(|c| OutputFile::new(&c.url, c.bytes.clone())));
        p.width = copies[0].width;
        p.height = scaled_height(source.width, source.height, p.width);
        p.src = copies[0].url.clone();
        p.srcset = copies.iter().map(|c| (c.url.clone(), c.width)).collect();
        copies
    } else {
        vec![original]
    };
    if config.webp {
        let webp = webp_copies(&source, &candidates, cache, work)?;
        p.webp = webp.iter().map(|c| (c.url.clone(), c.width)).collect();
        files.extend(webp.into_iter().map(|c| OutputFile::new(c.url, c.bytes)));
    }
    Ok((p, files, damaged))
}

/// An image wider than `[images] max_width`: copies at `max_width` and at twice that (or the
/// original, when it is not wider than twice), encoded as the original is (or from the cache).
fn resized_copies(
    source: &Source,
    cache: &Cache,
    work: &Work,
) -> std::result::Result<Vec<Candidate>, Unusable> {
    let one = source.config.max_width;
    let two = (one * 2).min(source.width);
    [one, two]
        .into_iter()
        .map(|w| {
            if w == source.width {
                return Ok(source.original());
            }
            let (ext, format) = (&source.ext, source.format);
            let key = variant_key(&source.hash, &format!("w{w}.{ext}"));
            let expect = (image_format(format), w);
            let bytes = cached(cache, &key, expect, work, || {
                let resized = source.resized(w)?;
                Ok(encode(&resized, format)?)
            })?;
            let url = format!("{}.w{w}.{ext}", source.base);
            Ok(Candidate {
                url,
                width: w,
                bytes,
            })
        })
        .collect()
}

/// A WebP copy of each candidate, when every one of them is smaller than its candidate (else
/// none: a larger WebP is not worth offering).
fn webp_copies(
    source: &Source,
    candidates: &[Candidate],
    cache: &Cache,
    work: &Work,
) -> std::result::Result<Vec<Candidate>, Unusable> {
    let mut webp = Vec::new();
    for c in candidates {
        let key = variant_key(&source.hash, &format!("w{}.webp", c.width));
        let expect = (image::ImageFormat::WebP, c.width);
        let bytes = cached(cache, &key, expect, work, || {
            let resized = source.resized(c.width)?;
            Ok(encode_webp(&resized))
        })?;
        if bytes.len() >= c.bytes.len() {
            return Ok(Vec::new());
        }
        let stem = c.url.trim_end_matches(&format!(".{}", source.ext));
        webp.push(Candidate {
            url: format!("{stem}.webp"),
            width: c.width,
            bytes,
        });
    }
    Ok(webp)
}

/// Lossy WebP by libwebp: the image crate only writes lossless WebP, which is larger than a
/// well-compressed PNG for screenshots.
fn encode_webp(img: &image::DynamicImage) -> Vec<u8> {
    let rgba = img.to_rgba8();
    webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height())
        .encode(WEBP_QUALITY)
        .to_vec()
}

/// Refuse an image whose header declares more pixels than `[images] max_pixels`, before any
/// of it is decoded (a small file can declare gigabytes of pixels).
fn check_pixels(
    width: u32,
    height: u32,
    config: &ImagesConfig,
) -> std::result::Result<(), Unusable> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels <= config.max_pixels {
        return Ok(());
    }
    Err(Unusable {
        message: format!(
            "its header declares {width}×{height} pixels ({}), more than the limit of {}",
            megapixels(pixels),
            megapixels(config.max_pixels)
        ),
        hint: "scale the image down; if it is trusted and meant to be that large, raise \
               `max_pixels` under [images] in site.toml and build with --max-image-pixels"
            .into(),
    })
}

/// The most a PNG's embedded colour profile may inflate to: real ones are a few KiB to a
/// few hundred; nothing here uses them.
const MAX_PROFILE: usize = 4 << 20;

/// Refuse a PNG whose colour profile (its `iCCP` chunk) inflates past [`MAX_PROFILE`]. The PNG
/// decoder inflates the profile before any pixel, up to the whole memory limit (512 MiB from
/// a 0.5 MiB chunk), each time the file is read; it has no setting to skip it that the image
/// crate passes on, so the chunks before the pixels are walked here (length, type, data, CRC).
fn check_png_profile(bytes: &[u8]) -> std::result::Result<(), Unusable> {
    let mut rest = bytes.get(8..).unwrap_or_default();
    while let (Some(len), Some(kind)) = (rest.get(..4), rest.get(4..8)) {
        let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
        let Some(data) = rest.get(8..8 + len) else {
            break;
        };
        if kind == b"IDAT" {
            break;
        }
        if kind == b"iCCP" {
            // The profile's name, NUL, the compression method, then the zlib stream.
            let stream = data.splitn(2, |&b| b == 0).nth(1).and_then(|r| r.get(1..));
            if let Err(fdeflate::BoundedDecompressionError::OutputTooLarge { .. }) =
                fdeflate::decompress_to_vec_bounded(stream.unwrap_or_default(), MAX_PROFILE)
            {
                return Err(Unusable {
                    message: format!(
                        "its embedded colour profile (iCCP) is larger than {} MiB",
                        MAX_PROFILE >> 20
                    ),
                    hint: "save the image again without its colour profile (or with sRGB)".into(),
                });
            }
        }
        rest = rest.get(12 + len..).unwrap_or_default();
    }
    Ok(())
}

fn megapixels(pixels: u64) -> String {
    let mp = pixels as f64 / 1e6;
    if mp.fract() == 0.0 {
        format!("{mp:.0} megapixels")
    } else {
        format!("{mp:.1} megapixels")
    }
}

/// Decode `bytes`, allocating at most `[images] max_memory_mb`.
fn decode_limited(
    bytes: &[u8],
    config: &ImagesConfig,
) -> std::result::Result<image::DynamicImage, Unusable> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(config.max_memory_mb.saturating_mul(1 << 20));
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => Unusable {
            message: format!(
                "decoding it needs more memory than the limit of {} MiB",
                config.max_memory_mb
            ),
            hint: "scale the image down; if it is trusted, raise `max_memory_mb` under [images] \
                   in site.toml and build with --max-image-memory-mb"
                .into(),
        },
        e => format!("cannot decode: {e}").into(),
    })
}

/// Whether a PNG or JPEG file is whole. A PNG is decoded: one that cannot be is an error. A
/// JPEG is decoded strictly: a damaged or cut-short one is returned as a warning (the lenient
/// decoder that makes its variants, like a browser, fills what is missing with grey). A file
/// found whole is remembered in the cache by its content hash and not decoded again for this.
fn check_whole(
    source: &Source,
    cache: &Cache,
    mode: Mode,
) -> std::result::Result<Option<String>, Unusable> {
    let marker = cache.dir.join(variant_key(&source.hash, "whole"));
    let known = cache.usable && std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file());
    if source.format == Format::Other || known {
        return Ok(None);
    }
    let damaged = match source.format {
        Format::Png => source.decoded().map(|_| None)?,
        Format::Jpeg => strict_jpeg(&source.bytes).err(),
        Format::Other => None,
    };
    if damaged.is_none() && mode == Mode::Encode && cache.usable {
        // Failing to remember it only costs a decode next time. (`check` writes nothing.)
        let _ = crate::paths::write_cache_file(&marker, b"");
    }
    Ok(damaged.map(|e| format!("the file is damaged or cut short ({e})")))
}

/// Decode a JPEG with zune-jpeg in strict mode (the `image` crate's decoding is lenient).
fn strict_jpeg(bytes: &[u8]) -> std::result::Result<(), String> {
    // The size was checked against `max_pixels` already.
    let options = zune_core::options::DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(
        zune_core::bytestream::ZCursor::new(bytes),
        options,
    );
    decoder.decode().map(drop).map_err(|e| e.to_string())
}

fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    ((u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width)).max(1) as u32
}

fn encode(img: &image::DynamicImage, format: Format) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            let rgb = img.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
                .encode_image(&rgb)
                .map_err(|e| format!("cannot encode JPEG: {e}"))?;
        }
        _ => {
            use image::codecs::png::{CompressionType, FilterType, PngEncoder};
            use image::ImageEncoder;
            let rgba = img.to_rgba8();
            PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
                .write_image(
                    rgba.as_raw(),
                    img.width(),
                    img.height(),
                    image::ExtendedColorType::Rgba8,
                )
                .map_err(|e| format!("cannot encode PNG: {e}"))?;
        }
    }
    Ok(out)
}

/// The cache key of one variant of the source with content hash `hash`.
fn variant_key(hash: &str, variant: &str) -> String {
    let mut h = Sha256::new();
    h.update(ENCODER_VERSION.as_bytes());
    h.update(hash.as_bytes());
    h.update(variant.as_bytes());
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `image` crate's format of a variant encoded as `format` is.
fn image_format(format: Format) -> image::ImageFormat {
    match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        _ => image::ImageFormat::Png,
    }
}

/// The variant under `key` from the cache, or `make` it (and remember it). The cache folder
/// comes with the site (a pull request can commit one), so an entry is used only when the gate
/// reads it (a regular file inside the site), its last 32 bytes are the SHA-256 of the key and
/// the rest, and the rest is an image of the `expect`ed format and width; else it is made
/// again and replaced.
fn cached(
    cache: &Cache,
    key: &str,
    expect: (image::ImageFormat, u32),
    work: &Work,
    make: impl FnOnce() -> std::result::Result<Vec<u8>, Unusable>,
) -> std::result::Result<Vec<u8>, Unusable> {
    let path = cache.dir.join(key);
    let found = cache
        .usable
        .then(|| crate::paths::read(cache.root_canon, &path).ok())
        .flatten()
        .and_then(|entry| cache_entry(key, entry, expect));
    if let Some(bytes) = found {
        work.reused.fetch_add(1, Ordering::Relaxed);
        return Ok(bytes);
    }
    let bytes = make()?;
    work.encoded.fetch_add(1, Ordering::Relaxed);
    if !cache.usable {
        return Ok(bytes);
    }
    let mut entry = bytes.clone();
    entry.extend_from_slice(&entry_digest(key, &bytes));
    if let Err(e) = crate::paths::write_cache_file(&path, &entry) {
        if let Ok(mut errs) = work.cache_errors.lock() {
            if errs.is_empty() {
                errs.push(e.to_string());
            }
        }
    }
    Ok(bytes)
}

/// The SHA-256 of `key` and `bytes`: the last 32 bytes of a cache entry.
fn entry_digest(key: &str, bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(key.as_bytes());
    h.update([0]);
    h.update(bytes);
    h.finalize().into()
}

/// A cache entry's image, if the entry is one made for `key` (see [`cached`]).
fn cache_entry(
    key: &str,
    mut entry: Vec<u8>,
    expect: (image::ImageFormat, u32),
) -> Option<Vec<u8>> {
    let at = entry.len().checked_sub(32)?;
    if entry[at..] != entry_digest(key, &entry[..at]) {
        return None;
    }
    entry.truncate(at);
    let reader = image::ImageReader::new(std::io::Cursor::new(&entry))
        .with_guessed_format()
        .ok()?;
    if reader.format() != Some(expect.0) {
        return None;
    }
    let (width, _) = reader.into_dimensions().ok()?;
    (width == expect.1).then_some(entry)
}

fn unused_images(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A marker is a comment where HTML has one: the same bytes in a script's string or a
    /// `<textarea>` (raw HTML) are their text.
    #[test]
    fn markers_are_filled_only_where_they_are_comments() {
        let marker = crate::markdown::image_marker(0);
        let html = format!(
            "<p>{marker}</p><script>var m = \"{marker}\";</script><textarea>{marker}</textarea>"
        );
        assert_eq!(
            fill_markers(&html, &["<img>".to_string()]),
            format!(
                "<p><img></p><script>var m = \"{marker}\";</script><textarea>{marker}</textarea>"
            )
        );
    }
}
