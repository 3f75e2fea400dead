//! Stage 4: images. Resolves every local image a page refers to, decodes it once, writes it
//! under `images/` with a content hash in its name, and replaces the markdown stage's markers
//! with final `<img>` markup that carries `width`/`height`.
//!
//! Rules: an image path is relative to the page's Markdown file, or else to the site's
//! `images/` folder. Absolute paths and paths that leave the site folder are refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::ImagesConfig;
use crate::content::Content;
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::{image_marker, root_prefix, Rendered};
use crate::output::OutputFile;

pub const IMAGES_DIR: &str = "images";

/// What the images stage produced.
#[derive(Debug, Default)]
pub struct Images {
    pub files: Vec<OutputFile>,
    pub warnings: Vec<Diagnostic>,
    /// Source images processed (each decoded once, however many pages use it).
    pub processed: usize,
}

/// One decoded source image and the files made from it.
#[derive(Debug, Clone)]
struct Processed {
    width: u32,
    height: u32,
    /// Output path of the original, relative to the site root.
    url: String,
}

/// Where a page's image reference points.
struct Use {
    page: usize,
    index: usize,
    file: PathBuf,
}

pub fn process(
    root: &Path,
    config: &ImagesConfig,
    content: &Content,
    rendered: &mut [Rendered],
    strict: bool,
) -> Result<Images> {
    let _ = config;
    let root_canon = root
        .canonicalize()
        .map_err(|e| Error::io("resolving site folder", root, e))?;
    let images_dir = root.join(IMAGES_DIR);

    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut uses = Vec::new();
    // First use of each file, for messages about the file itself.
    let mut files: BTreeMap<PathBuf, (PathBuf, usize)> = BTreeMap::new();
    for (pi, (page, r)) in content.pages.iter().zip(rendered.iter()).enumerate() {
        let src_path = &page.source.path;
        for (ii, img) in r.images.iter().enumerate() {
            if img.alt.trim().is_empty() {
                let d = Diagnostic::new(
                    src_path,
                    img.line,
                    format!("image {} has no alt text", img.src),
                )
                .hint("describe what the image shows: ![证书管理工具图标](…)");
                if strict {
                    errors.push(d);
                } else {
                    warnings.push(d);
                }
            }
            match resolve(&img.src, src_path, &images_dir, &root_canon) {
                Ok(file) => {
                    files
                        .entry(file.clone())
                        .or_insert((src_path.clone(), img.line));
                    uses.push(Use {
                        page: pi,
                        index: ii,
                        file,
                    });
                }
                Err(msg) => errors.push(Diagnostic::new(src_path, img.line, msg.0).hint(msg.1)),
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }

    let results: Vec<_> = files
        .par_iter()
        .map(|(file, (page, line))| {
            process_one(file).map_err(|m| {
                Diagnostic::new(page, *line, format!("image {}: {m}", file.display()))
                    .hint("replace the file with a valid PNG, JPEG, GIF or WebP image")
            })
        })
        .collect();
    let mut done: BTreeMap<&Path, Processed> = BTreeMap::new();
    let mut out_files = Vec::new();
    for ((file, _), r) in files.iter().zip(results) {
        match r {
            Ok((p, f)) => {
                done.insert(file.as_path(), p);
                out_files.extend(f);
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }
    out_files.sort_by(|a, b| a.path.cmp(&b.path));
    out_files.dedup_by(|a, b| a.path == b.path);

    let mut markup: Vec<Vec<String>> = rendered
        .iter()
        .map(|r| vec![String::new(); r.images.len()])
        .collect();
    for u in &uses {
        let page = &content.pages[u.page];
        let img = &rendered[u.page].images[u.index];
        let p = &done[u.file.as_path()];
        markup[u.page][u.index] = img_tag(
            &root_prefix(&page.url),
            &img.alt,
            &img.title,
            p,
            u.index > 0,
        );
    }
    for (r, m) in rendered.iter_mut().zip(markup) {
        for (i, tag) in m.iter().enumerate() {
            r.html = r.html.replacen(&image_marker(i), tag, 1);
        }
    }

    warnings.extend(unused_images(&images_dir, &files, root));
    Ok(Images {
        processed: done.len(),
        files: out_files,
        warnings,
    })
}

fn img_tag(root: &str, alt: &str, title: &str, p: &Processed, lazy: bool) -> String {
    let mut s = format!(
        "<img src=\"{root}{}\" alt=\"{}\" width=\"{}\" height=\"{}\"",
        p.url,
        escape(alt),
        p.width,
        p.height
    );
    if !title.is_empty() {
        s.push_str(&format!(" title=\"{}\"", escape(title)));
    }
    if lazy {
        s.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    s.push('>');
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Resolve `src` (as written in `page`) to a canonical file inside the site.
fn resolve(
    src: &str,
    page: &Path,
    images_dir: &Path,
    root_canon: &Path,
) -> std::result::Result<PathBuf, (String, String)> {
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
        if let Ok(canon) = c.canonicalize() {
            if !canon.starts_with(root_canon) {
                return Err((
                    format!("image path {src} leaves the site folder"),
                    "keep images inside the site, e.g. in images/".into(),
                ));
            }
            if canon.is_file() {
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
                .map(|c| c.display().to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    ))
}

fn process_one(file: &Path) -> std::result::Result<(Processed, Vec<OutputFile>), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let reader = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| format!("cannot decode: {e}"))?;
    let hash = short_hash(&bytes);
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = file
        .extension()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let url = format!("{IMAGES_DIR}/{stem}.{hash}.{ext}");
    Ok((
        Processed {
            width,
            height,
            url: url.clone(),
        },
        vec![OutputFile {
            path: PathBuf::from(url),
            bytes,
        }],
    ))
}

/// Ten hex digits of the SHA-256 of `bytes`.
pub fn short_hash(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().take(5).map(|b| format!("{b:02x}")).collect()
}

fn unused_images(
    images_dir: &Path,
    used: &BTreeMap<PathBuf, (PathBuf, usize)>,
    root: &Path,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !images_dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(images_dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let p = entry.path();
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
                    crate::content::shown(p, root),
                    0,
                    "image is not used by any page",
                )
                .hint("delete it or refer to it from a question"),
            );
        }
    }
    out
}
