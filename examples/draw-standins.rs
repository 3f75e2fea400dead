//! Draws the stand-in screenshots `images/image{1..8,10}.png`: small tray icons (a shield for
//! the certificate tool, a key for the USB Key styles). The CA's original screenshots were not
//! available; replace any of these files with the real one under the same name.
//!
//! `cargo run --example draw-standins` (deterministic: same pixels every run).

use image::{Rgba, RgbaImage};

#[derive(Clone, Copy)]
enum Shape {
    Shield,
    Key,
}

struct Icon {
    name: &'static str,
    size: u32,
    shape: Shape,
    fill: [u8; 3],
    mark: [u8; 3],
}

const ICONS: &[Icon] = &[
    // 1.3 / 2.2: the two styles of the certificate tool's tray icon.
    Icon {
        name: "image1",
        size: 32,
        shape: Shape::Shield,
        fill: [27, 94, 186],
        mark: [255, 255, 255],
    },
    Icon {
        name: "image2",
        size: 32,
        shape: Shape::Key,
        fill: [196, 54, 45],
        mark: [255, 236, 179],
    },
    Icon {
        name: "image3",
        size: 32,
        shape: Shape::Shield,
        fill: [27, 94, 186],
        mark: [255, 255, 255],
    },
    Icon {
        name: "image4",
        size: 32,
        shape: Shape::Key,
        fill: [196, 54, 45],
        mark: [255, 236, 179],
    },
    Icon {
        name: "image5",
        size: 32,
        shape: Shape::Shield,
        fill: [27, 94, 186],
        mark: [255, 255, 255],
    },
    Icon {
        name: "image6",
        size: 32,
        shape: Shape::Key,
        fill: [196, 54, 45],
        mark: [255, 236, 179],
    },
    // 2.2 note: keys numbered TW15… and 000… show different icons.
    Icon {
        name: "image7",
        size: 48,
        shape: Shape::Shield,
        fill: [13, 71, 161],
        mark: [255, 213, 79],
    },
    Icon {
        name: "image8",
        size: 48,
        shape: Shape::Key,
        fill: [183, 28, 28],
        mark: [255, 255, 255],
    },
    // 5.1: the 天威盾 (iTrusChina shield) tray icon.
    Icon {
        name: "image10",
        size: 32,
        shape: Shape::Shield,
        fill: [46, 125, 50],
        mark: [255, 214, 0],
    },
];

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("images");
    std::fs::create_dir_all(&dir).unwrap();
    for icon in ICONS {
        let img = draw(icon);
        let path = dir.join(format!("{}.png", icon.name));
        img.save(&path).unwrap();
        println!("wrote {} ({}×{})", path.display(), icon.size, icon.size);
    }
}

fn draw(icon: &Icon) -> RgbaImage {
    let s = icon.size as f32;
    let [r, g, b] = icon.fill;
    let [mr, mg, mb] = icon.mark;
    RgbaImage::from_fn(icon.size, icon.size, |x, y| {
        // Sample at the pixel centre, in units of the icon size (0..1).
        let (u, v) = ((x as f32 + 0.5) / s, (y as f32 + 0.5) / s);
        let inside = match icon.shape {
            Shape::Shield => shield(u, v),
            Shape::Key => key(u, v),
        };
        if !inside {
            return Rgba([0, 0, 0, 0]);
        }
        let marked = match icon.shape {
            // a check mark across the shield
            Shape::Shield => {
                let on_short = (v - (0.52 + (u - 0.30))).abs() < 0.06 && (0.28..=0.45).contains(&u);
                let on_long =
                    (v - (0.69 - (u - 0.45) * 1.1)).abs() < 0.06 && (0.43..=0.72).contains(&u);
                on_short || on_long
            }
            // the key's ring hole
            Shape::Key => ((u - 0.32).powi(2) + (v - 0.32).powi(2)).sqrt() < 0.09,
        };
        // A light top edge gives the icon some depth.
        let shade = if v < 0.2 { 30 } else { 0 };
        if marked {
            if matches!(icon.shape, Shape::Key) {
                Rgba([0, 0, 0, 0])
            } else {
                Rgba([mr, mg, mb, 255])
            }
        } else {
            let lift = |c: u8| c.saturating_add(shade);
            let band = matches!(icon.shape, Shape::Key) && (0.62..0.70).contains(&u) && v > 0.55;
            if band {
                Rgba([mr, mg, mb, 255])
            } else {
                Rgba([lift(r), lift(g), lift(b), 255])
            }
        }
    })
}

/// A shield: flat top, straight sides, tapering to a point at the bottom.
fn shield(u: f32, v: f32) -> bool {
    if !(0.08..=0.94).contains(&v) {
        return false;
    }
    let half = if v < 0.5 {
        0.40
    } else {
        0.40 * (1.0 - (v - 0.5) / 0.46)
    };
    (u - 0.5).abs() <= half
}

/// A key: a ring at the top left and a shaft with two teeth to the bottom right.
fn key(u: f32, v: f32) -> bool {
    let ring = ((u - 0.32).powi(2) + (v - 0.32).powi(2)).sqrt() < 0.24;
    // shaft along the diagonal
    let d = ((u - v).abs()) / std::f32::consts::SQRT_2;
    let along = (u + v) / 2.0;
    let shaft = d < 0.07 && (0.3..0.9).contains(&along);
    let tooth1 = (0.70..0.78).contains(&along) && (v - u) > 0.0 && (v - u) < 0.22;
    let tooth2 = (0.82..0.90).contains(&along) && (v - u) > 0.0 && (v - u) < 0.18;
    ring || shaft || tooth1 || tooth2
}
