//! The images in the pages: each `<img>`/`<picture>` tag made from what an image became, put in
//! place of the Markdown stage's markers.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use super::{Processed, Use};
use crate::content::Content;
use crate::html::{encode_path, escape};
use crate::markdown::{ImageRef, Rendered, IMAGE_MARKER};
use crate::urls::root_prefix;

/// Replace each page's image markers with the final markup (an image with a problem, not in
/// `done`, is left out).
pub(super) fn fill_pages(
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
