//! Reading one source image: its header checked (format, declared pixels, colour profile)
//! before any of it is decoded, decoding within the memory limit, and resizing.

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use super::{ICON_MAX, IMAGES_DIR};
use crate::config::ImagesConfig;
use crate::hash::short_hash;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Format {
    Png,
    Jpeg,
    Other,
}

/// Why an image cannot be used: what is wrong with it and what to do.
pub(super) struct Unusable {
    pub(super) message: String,
    pub(super) hint: String,
}

const REPLACE_HINT: &str = "replace the file with a valid PNG, JPEG, GIF or WebP image";

pub(super) const DAMAGED_HINT: &str =
    "save or export the image again from its source: browsers show the \
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

/// One source image being processed: its bytes, what its header says, the names of the files
/// made from it, and its pixels once something needs them.
pub(super) struct Source<'a> {
    pub(super) bytes: Vec<u8>,
    pub(super) format: Format,
    pub(super) width: u32,
    pub(super) height: u32,
    /// Content hash of `bytes`: in every file name made from it and in its cache keys.
    pub(super) hash: String,
    /// Extension of the original and its resized copies (`png`, `jpg`, or as found).
    pub(super) ext: String,
    /// `images/<stem>.<hash>`: every file made from it starts so.
    pub(super) base: String,
    pub(super) config: &'a ImagesConfig,
    /// Decoded only when the file was never found whole or some variant is not in the cache.
    decoded: OnceLock<image::DynamicImage>,
    /// Its resized copies by width, made once for both encodings (as the original, as WebP).
    resized: Mutex<Vec<(u32, std::sync::Arc<image::DynamicImage>)>>,
}

/// A file `<img>` may show at `width` pixels: the original, a resized copy or its WebP.
pub(super) struct Candidate {
    pub(super) url: String,
    pub(super) width: u32,
    pub(super) bytes: Vec<u8>,
}

impl<'a> Source<'a> {
    /// Read `file` and its header (format, size), refusing what is not an image this site can
    /// use or declares more than `[images] max_pixels`.
    pub(super) fn read(
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
    pub(super) fn original(&self) -> Candidate {
        Candidate {
            url: format!("{}.{}", self.base, self.ext),
            width: self.width,
            bytes: self.bytes.clone(),
        }
    }

    /// Icons and animations (GIF, WebP sources) are used exactly as they are.
    pub(super) fn used_as_is(&self) -> bool {
        let is_icon = self.width <= ICON_MAX && self.height <= ICON_MAX;
        is_icon || self.format == Format::Other
    }

    /// The decoded image (decoded on first use, within `[images] max_memory_mb`).
    pub(super) fn decoded(&self) -> std::result::Result<&image::DynamicImage, Unusable> {
        if let Some(img) = self.decoded.get() {
            return Ok(img);
        }
        let img = decode_limited(&self.bytes, self.config)?;
        Ok(self.decoded.get_or_init(|| img))
    }

    /// The image at `width` pixels wide ([`lanczos3`], height to scale); itself at its own width.
    /// Each width is resized once (the copy is encoded as the original is and as WebP).
    pub(super) fn resized(&self, width: u32) -> std::result::Result<Resized<'_>, Unusable> {
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
pub(super) enum Resized<'a> {
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

pub(super) fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    ((u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width)).max(1) as u32
}
