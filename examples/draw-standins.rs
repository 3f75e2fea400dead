//! Draws the stand-in pictures `images/image{1..8,10}.png` for the FAQ's screenshots.
//!
//! The CA's original screenshots (small tray icons of the certificate tool) were not
//! available, so each file is drawn here as a small icon that is visibly different per image:
//!
//! | file     | stand-in                                   | original (question)                          |
//! | -------- | ------------------------------------------ | -------------------------------------------- |
//! | image1   | blue shield with a check mark, 32×32       | tool icon, keys numbered TW15… (1.3)          |
//! | image2   | red key, 32×32                             | tool icon, keys numbered 000… (1.3)           |
//! | image3   | image1 greyed out ("icon not there")       | same icon as image1, "若没有出现图标" (1.3)   |
//! | image4   | image2 greyed out                          | same icon as image2 (1.3)                     |
//! | image5   | image1 on a dark taskbar tile              | taskbar icon after installing (2.2)           |
//! | image6   | image2 on a dark taskbar tile              | taskbar icon after installing (2.2)           |
//! | image7   | navy shield, gold check, 48×48             | icon of keys numbered TW15… (2.2 note)        |
//! | image8   | dark red key, white band, 48×48            | icon of keys numbered 000… (2.2 note)         |
//! | image10  | green shield with a gold ring, 32×32       | the 天威盾 tray icon (5.1)                    |
//!
//! Replace any of them with the real screenshot under the same name; no Markdown changes.
//!
//! Run from the crate root: `cargo run --example draw-standins`. The output is deterministic
//! (no randomness, no time stamps): the same pixels and the same PNG bytes on every run.

use image::{Rgba, RgbaImage};

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// Shield with a check mark (certificate tool, TW15… keys).
    CheckShield,
    /// Key with a ring hole and a band on the shaft (certificate tool, 000… keys).
    Key,
    /// Shield with a ring (天威盾).
    RingShield,
}

struct Icon {
    name: &'static str,
    size: u32,
    shape: Shape,
    fill: [u8; 3],
    mark: [u8; 3],
    /// Drawn on a dark, rounded taskbar tile instead of a transparent background.
    taskbar: bool,
    /// Greyed out and half transparent: the icon that is missing / not running.
    greyed: bool,
}

const BLUE: [u8; 3] = [27, 94, 186];
const RED: [u8; 3] = [196, 54, 45];
const WHITE: [u8; 3] = [255, 255, 255];
const CREAM: [u8; 3] = [255, 236, 179];
const TASKBAR: [u8; 3] = [33, 40, 48];

const fn icon(name: &'static str, size: u32, shape: Shape, fill: [u8; 3], mark: [u8; 3]) -> Icon {
    Icon {
        name,
        size,
        shape,
        fill,
        mark,
        taskbar: false,
        greyed: false,
    }
}

const ICONS: &[Icon] = &[
    // 1.3: the certificate tool is running.
    icon("image1", 32, Shape::CheckShield, BLUE, WHITE),
    icon("image2", 32, Shape::Key, RED, CREAM),
    // 1.3: "若没有出现图标 … 或 …" — the same icons, greyed as "not there".
    Icon {
        greyed: true,
        ..icon("image3", 32, Shape::CheckShield, BLUE, WHITE)
    },
    Icon {
        greyed: true,
        ..icon("image4", 32, Shape::Key, RED, CREAM)
    },
    // 2.2: the icons in the taskbar after installing the driver.
    Icon {
        taskbar: true,
        ..icon("image5", 32, Shape::CheckShield, BLUE, WHITE)
    },
    Icon {
        taskbar: true,
        ..icon("image6", 32, Shape::Key, RED, CREAM)
    },
    // 2.2 note: keys numbered TW15… and 000… show these icons.
    icon(
        "image7",
        48,
        Shape::CheckShield,
        [13, 71, 161],
        [255, 213, 79],
    ),
    icon("image8", 48, Shape::Key, [183, 28, 28], WHITE),
    // 5.1: the 天威盾 tray icon (the seed has no image9).
    icon(
        "image10",
        32,
        Shape::RingShield,
        [46, 125, 50],
        [255, 214, 0],
    ),
];

/// Samples per pixel along each axis (anti-aliasing).
const SS: u32 = 4;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("images");
    std::fs::create_dir_all(&dir).expect("create images/");
    for icon in ICONS {
        let img = draw(icon);
        let path = dir.join(format!("{}.png", icon.name));
        img.save(&path)
            .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        println!("wrote {} ({}×{})", path.display(), icon.size, icon.size);
    }
}

/// Renders the icon with SS×SS supersampling, averaging in premultiplied alpha.
fn draw(icon: &Icon) -> RgbaImage {
    let s = icon.size as f32;
    RgbaImage::from_fn(icon.size, icon.size, |x, y| {
        let mut acc = [0.0f32; 4];
        for sy in 0..SS {
            for sx in 0..SS {
                let u = (x as f32 + (sx as f32 + 0.5) / SS as f32) / s;
                let v = (y as f32 + (sy as f32 + 0.5) / SS as f32) / s;
                let [r, g, b, a] = sample(icon, u, v);
                acc[0] += r * a;
                acc[1] += g * a;
                acc[2] += b * a;
                acc[3] += a;
            }
        }
        let n = (SS * SS) as f32;
        let a = acc[3] / n;
        if a <= 0.0 {
            return Rgba([0, 0, 0, 0]);
        }
        let c = |v: f32| (v / n / a).round().clamp(0.0, 255.0) as u8;
        Rgba([c(acc[0]), c(acc[1]), c(acc[2]), (a * 255.0).round() as u8])
    })
}

/// Colour (0..255) and alpha (0..1) at a point in icon units (0..1 on both axes).
fn sample(icon: &Icon, u: f32, v: f32) -> [f32; 4] {
    let background = if icon.taskbar && rounded_square(u, v, 0.16) {
        let [r, g, b] = TASKBAR;
        [r as f32, g as f32, b as f32, 1.0]
    } else {
        [0.0, 0.0, 0.0, 0.0]
    };
    // On a taskbar tile the glyph is a little smaller, leaving a margin.
    let (gu, gv) = if icon.taskbar {
        (0.5 + (u - 0.5) / 0.8, 0.5 + (v - 0.5) / 0.8)
    } else {
        (u, v)
    };
    let Some(rgb) = glyph(icon, gu, gv) else {
        return background;
    };
    if icon.greyed {
        // Luminance, lightened, half transparent.
        let l = 0.299 * rgb[0] as f32 + 0.587 * rgb[1] as f32 + 0.114 * rgb[2] as f32;
        let l = 110.0 + l * 0.45;
        return [l, l, l, 0.5];
    }
    [rgb[0] as f32, rgb[1] as f32, rgb[2] as f32, 1.0]
}

/// The glyph's colour at (u, v), or None where it is transparent.
fn glyph(icon: &Icon, u: f32, v: f32) -> Option<[u8; 3]> {
    let lift = |[r, g, b]: [u8; 3]| {
        // A lighter top edge gives the icon some depth.
        let k = if v < 0.22 { 28 } else { 0 };
        [
            r.saturating_add(k),
            g.saturating_add(k),
            b.saturating_add(k),
        ]
    };
    match icon.shape {
        Shape::CheckShield => {
            if !shield(u, v) {
                return None;
            }
            Some(if check_mark(u, v) {
                icon.mark
            } else {
                lift(icon.fill)
            })
        }
        Shape::RingShield => {
            if !shield(u, v) {
                return None;
            }
            let d = dist(u, v, 0.5, 0.45);
            Some(if (0.11..0.19).contains(&d) {
                icon.mark
            } else {
                lift(icon.fill)
            })
        }
        Shape::Key => {
            if !key(u, v) || dist(u, v, 0.32, 0.32) < 0.09 {
                return None; // outside, or the ring's hole
            }
            let along = (u + v) / 2.0;
            let band = (0.58..0.64).contains(&along) && (u - v).abs() < 0.1;
            Some(if band { icon.mark } else { lift(icon.fill) })
        }
    }
}

fn dist(u: f32, v: f32, cu: f32, cv: f32) -> f32 {
    ((u - cu).powi(2) + (v - cv).powi(2)).sqrt()
}

/// Distance from (u, v) to the segment a–b.
fn dist_to_segment(u: f32, v: f32, a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let t = (((u - a.0) * dx + (v - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    dist(u, v, a.0 + t * dx, a.1 + t * dy)
}

/// A check mark: a short stroke down to the right, then a long one up to the right.
fn check_mark(u: f32, v: f32) -> bool {
    let w = 0.065;
    dist_to_segment(u, v, (0.30, 0.48), (0.45, 0.64)) < w
        || dist_to_segment(u, v, (0.45, 0.64), (0.71, 0.33)) < w
}

/// A shield: flat top, straight sides, tapering to a point at the bottom.
fn shield(u: f32, v: f32) -> bool {
    if !(0.07..=0.95).contains(&v) {
        return false;
    }
    let half = if v < 0.5 {
        0.40
    } else {
        0.40 * (1.0 - ((v - 0.5) / 0.45).powf(1.4))
    };
    (u - 0.5).abs() <= half
}

/// A key: a ring at the top left and a shaft with two teeth to the bottom right.
fn key(u: f32, v: f32) -> bool {
    let ring = dist(u, v, 0.32, 0.32) < 0.24;
    let d = (u - v).abs() / std::f32::consts::SQRT_2; // distance from the diagonal
    let along = (u + v) / 2.0;
    let shaft = d < 0.07 && (0.3..0.9).contains(&along);
    let tooth1 = (0.70..0.78).contains(&along) && (v - u) > 0.0 && (v - u) < 0.22;
    let tooth2 = (0.82..0.90).contains(&along) && (v - u) > 0.0 && (v - u) < 0.18;
    ring || shaft || tooth1 || tooth2
}

/// A square with rounded corners (radius r) filling the icon.
fn rounded_square(u: f32, v: f32, r: f32) -> bool {
    let cu = u.clamp(r, 1.0 - r);
    let cv = v.clamp(r, 1.0 - r);
    dist(u, v, cu, cv) <= r
}
