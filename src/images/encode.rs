//! Processing one source image: checked whole, its resized copies and WebP copies encoded (or
//! taken from the cache), and the files it becomes.

use std::path::Path;

use super::cache::{cached, variant_key, Cache};
use super::source::{scaled_height, Candidate, Format, Source, Unusable};
use super::{Mode, Processed, Sources, Work};
use crate::output::OutputFile;

/// A source image's files, and a message when it is damaged but usable (a warning).
pub(super) type ProcessedOne = (Processed, Vec<OutputFile>, Option<String>);

/// Read, check and (in [`Mode::Encode`]) publish one source image: the original, resized
/// copies when it is wider than `[images] max_width`, and WebP copies when they are smaller.
pub(super) fn process_one(file: &Path, s: &Sources) -> std::result::Result<ProcessedOne, Unusable> {
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

/// Quality of the (lossy) WebP variants: visually lossless for screenshots and photos.
const WEBP_QUALITY: f32 = 90.0;

/// Lossy WebP by libwebp: the image crate only writes lossless WebP, which is larger than a
/// well-compressed PNG for screenshots.
fn encode_webp(img: &image::DynamicImage) -> Vec<u8> {
    let rgba = img.to_rgba8();
    webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height())
        .encode(WEBP_QUALITY)
        .to_vec()
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

/// The `image` crate's format of a variant encoded as `format` is.
fn image_format(format: Format) -> image::ImageFormat {
    match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        _ => image::ImageFormat::Png,
    }
}
