//! The image pipeline: sizes, variants, WebP, srcset, cache, and bad image references.

use crate::common::*;
use std::path::{Path, PathBuf};

/// The basic fixture plus a 2400×1500 PNG screenshot, a 1600×1000 JPEG and a page using them.
fn image_site() -> (tempfile::TempDir, PathBuf) {
    let (tmp, site) = fixture("basic");
    let shot = image::RgbaImage::from_fn(2400, 1500, |x, y| {
        // A screenshot-like picture: flat panels, a title bar, rows of "text" and a picture
        // in it (a gradient: what makes lossy WebP smaller than the best PNG).
        if y < 60 {
            image::Rgba([27, 94, 186, 255])
        } else if (y / 24) % 3 == 0 && (x / 6) % 9 < 7 && x > 100 && x < 1800 {
            image::Rgba([40, 40, 40, 255])
        } else if x < 360 {
            image::Rgba([236, 240, 245, 255])
        } else if y > 1100 {
            image::Rgba([(x / 10) as u8, (y / 6) as u8, 200, 255])
        } else {
            image::Rgba([255, 255, 255, 255])
        }
    });
    shot.save(site.join("images/screenshot.png")).unwrap();
    let photo = image::RgbImage::from_fn(1600, 1000, |x, y| {
        image::Rgb([(x / 7) as u8, (y / 4) as u8, 128])
    });
    photo.save(site.join("images/photo.jpg")).unwrap();
    std::fs::write(
        site.join("content/02-more/pictures.md"),
        "+++\ntitle = \"Pictures\"\nweight = 30\n+++\n\n![浏览器设置截图](../../images/screenshot.png)\n\n![照片](photo.jpg)\n\n![托盘图标](../../images/icon.png)\n",
    )
    .unwrap();
    (tmp, site)
}

fn find<'a>(files: &'a [String], prefix: &str, suffix: &str) -> &'a str {
    files
        .iter()
        .find(|f| f.starts_with(prefix) && f.ends_with(suffix))
        .unwrap_or_else(|| panic!("no images/{prefix}*{suffix} in {files:?}"))
}

fn image_files(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(out.join("images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn large_screenshots_get_web_copies_webp_and_srcset() {
    let (tmp, site) = image_site();
    let out = tmp.path().join("out");
    let report = build(&site, &out);
    let files = image_files(&out);
    let html = read(&out.join("02-more/pictures.html"));

    // 2400 wide → a 960 web copy (height in proportion) and a 1920 copy for 2x screens.
    let w960 = find(&files, "screenshot.", ".w960.png");
    let img = image::open(out.join("images").join(w960)).unwrap();
    assert_eq!((img.width(), img.height()), (960, 600));
    let w1920 = find(&files, "screenshot.", ".w1920.png");
    assert_eq!(
        image::open(out.join("images").join(w1920)).unwrap().width(),
        1920
    );
    assert!(
        html.contains(&format!(
            "src=\"../images/{w960}\" alt=\"浏览器设置截图\" width=\"960\" height=\"600\""
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "srcset=\"../images/{w960} 960w, ../images/{w1920} 1920w\""
        )),
        "{html}"
    );
    // The full-size original stays one click away.
    let original = files
        .iter()
        .find(|f| f.starts_with("screenshot.") && f.matches('.').count() == 2)
        .unwrap();
    assert!(html.contains(&format!(
        "<a class=\"image-link\" href=\"../images/{original}\">"
    )));
    assert_eq!(
        image::open(out.join("images").join(original))
            .unwrap()
            .width(),
        2400
    );

    // WebP variants exist, decode, are smaller, and are offered through <picture>.
    let webp = find(&files, "screenshot.", ".w960.webp");
    let decoded =
        image::load_from_memory(&std::fs::read(out.join("images").join(webp)).unwrap()).unwrap();
    assert_eq!(decoded.width(), 960);
    assert!(
        std::fs::metadata(out.join("images").join(webp))
            .unwrap()
            .len()
            < std::fs::metadata(out.join("images").join(w960))
                .unwrap()
                .len()
    );
    assert!(
        html.contains("<picture><source type=\"image/webp\" srcset=\"../images/screenshot."),
        "{html}"
    );

    // The JPEG: 1600 wide → 960 copy; its 2x candidate is the original itself.
    let jpg960 = find(&files, "photo.", ".w960.jpg");
    assert_eq!(
        image::open(out.join("images").join(jpg960))
            .unwrap()
            .height(),
        600
    );

    // The icon is untouched: same bytes, no variants, plain <img>.
    let icon = find(&files, "icon.", ".png");
    assert_eq!(
        std::fs::read(out.join("images").join(icon)).unwrap(),
        std::fs::read(site.join("images/icon.png")).unwrap()
    );
    assert_eq!(files.iter().filter(|f| f.starts_with("icon.")).count(), 1);
    assert!(html.contains(&format!("<img src=\"../images/{icon}\" alt=\"托盘图标\" width=\"24\" height=\"24\" loading=\"lazy\" decoding=\"async\">")));

    // Below the first image, images load lazily; the first one does not.
    let first_img = &html[html.find("<img").unwrap()..];
    assert!(!first_img[..first_img.find('>').unwrap()].contains("loading=\"lazy\""));
    assert!(report.images_encoded > 0);
    assert_eq!(
        broken_links(&out),
        Vec::<String>::new(),
        "every src/srcset resolves"
    );
}

/// Web copies of images with transparency and of 16-bit images: the right size, and no dark
/// fringe where a transparent area meets a coloured one (the resizer weights colour by alpha).
#[test]
fn web_copies_of_transparent_and_16_bit_images() {
    let (tmp, site) = fixture("basic");
    // Left half transparent black, right half opaque red.
    let badge = image::RgbaImage::from_fn(2000, 1000, |x, _| match x < 1000 {
        true => image::Rgba([0, 0, 0, 0]),
        false => image::Rgba([255, 0, 0, 255]),
    });
    badge.save(site.join("images/badge.png")).unwrap();
    let gray = image::ImageBuffer::<image::Luma<u16>, _>::from_fn(1600, 800, |x, _| {
        image::Luma([(x * 40) as u16])
    });
    gray.save(site.join("images/gray.png")).unwrap();
    std::fs::write(
        site.join("content/02-more/pictures.md"),
        "+++\ntitle = \"Pictures\"\n+++\n\n![徽章](../../images/badge.png)\n\n![灰度](../../images/gray.png)\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build(&site, &out);
    let files = image_files(&out);

    let w960 = find(&files, "badge.", ".w960.png");
    let copy = image::open(out.join("images").join(w960))
        .unwrap()
        .to_rgba8();
    assert_eq!(copy.dimensions(), (960, 480));
    let edge: Vec<_> = copy.pixels().filter(|p| p[3] > 0 && p[3] < 255).collect();
    assert!(!edge.is_empty(), "the edge is partly transparent");
    for p in copy.pixels().filter(|p| p[3] > 0) {
        assert!(
            p[0] >= 250 && p[1] <= 5 && p[2] <= 5,
            "red stays red: {p:?}"
        );
    }
    assert_eq!(
        copy.get_pixel(0, 0)[3],
        0,
        "the transparent half stays transparent"
    );

    let gray960 = find(&files, "gray.", ".w960.png");
    let copy = image::open(out.join("images").join(gray960))
        .unwrap()
        .to_luma16();
    assert_eq!(copy.dimensions(), (960, 480));
    // The gradient survives (to within the 8 bits a web copy keeps): 1600 → 960 wide.
    let at = |x: u32| f64::from(copy.get_pixel(x, 240)[0]);
    let want = |x: u32| f64::from(x) * 1600.0 / 960.0 * 40.0;
    for x in [100, 480, 900] {
        assert!(
            (at(x) - want(x)).abs() < 600.0,
            "x {x}: {} vs {}",
            at(x),
            want(x)
        );
    }
}

#[test]
fn second_build_reencodes_nothing_and_gives_the_same_bytes() {
    let (tmp, site) = image_site();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let first = build(&site, &a);
    assert!(first.images_encoded >= 4, "{first:?}");
    assert_eq!(first.images_reused, 0);
    let second = build(&site, &b);
    assert_eq!(second.images_encoded, 0, "nothing re-encoded: {second:?}");
    assert_eq!(second.images_reused, first.images_encoded);
    assert_eq!(
        snapshot(&a),
        snapshot(&b),
        "cached variants give identical output"
    );
}

#[test]
fn missing_alt_text_warns_and_strict_fails() {
    let (tmp, site) = fixture("basic");
    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"t\"\n+++\n\n![](../../images/icon.png)\n",
    )
    .unwrap();
    let report = build(&site, &tmp.path().join("out"));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.line == 5 && w.message.contains("no alt text")),
        "{:?}",
        report.warnings
    );
    let (ok, _, err) = run(&["build", "--strict"], &site);
    assert!(!ok);
    assert!(
        err.contains("content/02-more/third.md:5") && err.contains("no alt text"),
        "{err}"
    );
}

#[test]
fn unused_images_are_listed() {
    let (tmp, site) = fixture("basic");
    std::fs::copy(site.join("images/icon.png"), site.join("images/spare.png")).unwrap();
    let report = build(&site, &tmp.path().join("out"));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.file.ends_with("images/spare.png") && w.message.contains("not used")),
        "{:?}",
        report.warnings
    );
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_site_is_refused() {
    let (tmp, site) = fixture("basic");
    let outside = tmp.path().join("secret.png");
    std::fs::copy(site.join("images/icon.png"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, site.join("images/link.png")).unwrap();
    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"t\"\n+++\n![x](../../images/link.png)\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok);
    assert!(
        err.contains("content/02-more/third.md:4") && err.contains("leaves the site folder"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_an_image_is_an_error() {
    let (_tmp, site) = fixture("basic");
    std::fs::write(site.join("images/broken.png"), "this is not a png").unwrap();
    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"t\"\n+++\n\n![x](../../images/broken.png)\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok);
    assert!(
        err.contains("content/02-more/third.md:5") && err.contains("broken.png"),
        "{err}"
    );
}

#[test]
fn remote_images_are_left_alone() {
    let (tmp, site) = fixture("basic");
    std::fs::write(
        site.join("content/02-more/third.md"),
        "+++\ntitle = \"t\"\n+++\n![remote](https://example.com/a.png)\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build(&site, &out);
    assert!(read(&out.join("02-more/third.html"))
        .contains("<img src=\"https://example.com/a.png\" alt=\"remote\""));
}
