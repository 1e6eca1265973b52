//! Ready-made sketch pairs, drawn by code: thin vs thick strokes, upright vs slanted, angular vs
//! round, and two ink colours. Each pair draws one abstract figure (a tall loop beside a bar, not
//! a digit) twice, changing only the one thing the concept is about, at 128 x 128 px on white,
//! anti-aliased. The angular loop is the round one's bounding rectangle.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{IinError, Result};

/// Side of a preset sketch in pixels.
pub const SIZE: usize = 128;

/// An RGBA image, row-major, 4 bytes per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaImage {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// The preset concepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Thin strokes (A) vs thick strokes (B).
    Thickness,
    /// Upright (A) vs leaning right (B).
    Slant,
    /// Angular strokes (A) vs round ones (B).
    Roundness,
    /// Red ink (A) vs blue ink (B).
    Colour,
}

impl FromStr for Preset {
    type Err = IinError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "thickness" => Ok(Self::Thickness),
            "slant" => Ok(Self::Slant),
            "roundness" | "angular" => Ok(Self::Roundness),
            "colour" | "color" => Ok(Self::Colour),
            other => Err(IinError::Concept(format!(
                "no preset called {other:?}; use thickness, slant, roundness or colour"
            ))),
        }
    }
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Preset::Thickness,
        Preset::Slant,
        Preset::Roundness,
        Preset::Colour,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Thickness => "thickness",
            Preset::Slant => "slant",
            Preset::Roundness => "roundness",
            Preset::Colour => "colour",
        }
    }

    /// Sketches A and B.
    pub fn sketches(self) -> (RgbaImage, RgbaImage) {
        const BLACK: [u8; 3] = [20, 20, 20];
        match self {
            Preset::Thickness => (draw(0.0, 5.0, BLACK), draw(0.0, 17.0, BLACK)),
            Preset::Slant => (draw(0.0, 10.0, BLACK), draw(0.45, 10.0, BLACK)),
            Preset::Roundness => (
                draw_shape(Loop::Rectangle, 0.0, 10.0, BLACK),
                draw(0.0, 10.0, BLACK),
            ),
            Preset::Colour => (
                draw(0.0, 10.0, [220, 30, 30]),
                draw(0.0, 10.0, [30, 60, 220]),
            ),
        }
    }
}

/// The loop's outline: an ellipse, or the rectangle around it.
#[derive(Clone, Copy)]
enum Loop {
    Ellipse,
    Rectangle,
}

/// The figure with a round loop.
fn draw(lean: f32, width: f32, ink: [u8; 3]) -> RgbaImage {
    draw_shape(Loop::Ellipse, lean, width, ink)
}

/// The figure: a tall loop and a bar beside it, sheared by `lean` (x moves right by
/// `lean * (cy - y)`), strokes `width` px wide, in colour `ink` on white.
fn draw_shape(outline: Loop, lean: f32, width: f32, ink: [u8; 3]) -> RgbaImage {
    let (cx, cy, rx, ry) = (0.38, 0.5, 0.15, 0.3);
    let loop_points: Vec<(f32, f32)> = match outline {
        Loop::Ellipse => (0..=48)
            .map(|i| {
                let t = i as f32 / 48.0 * std::f32::consts::TAU;
                (cx + rx * t.cos(), cy + ry * t.sin())
            })
            .collect(),
        Loop::Rectangle => [
            (-1.0, -1.0),
            (1.0, -1.0),
            (1.0, 1.0),
            (-1.0, 1.0),
            (-1.0, -1.0),
        ]
        .iter()
        .map(|(u, v)| (cx + rx * u, cy + ry * v))
        .collect(),
    };
    let bar = vec![(0.70, 0.2), (0.70, 0.8)];
    let strokes: Vec<Vec<(f32, f32)>> = [loop_points, bar]
        .into_iter()
        .map(|s| {
            s.into_iter()
                .map(|(x, y)| ((x + lean * (cy - y)) * SIZE as f32, y * SIZE as f32))
                .collect()
        })
        .collect();
    let mut pixels = Vec::with_capacity(SIZE * SIZE * 4);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let p = (x as f32 + 0.5, y as f32 + 0.5);
            let d = strokes
                .iter()
                .flat_map(|s| s.windows(2).map(|w| segment_distance(p, w[0], w[1])))
                .fold(f32::INFINITY, f32::min);
            let cover = (width / 2.0 - d + 0.5).clamp(0.0, 1.0);
            for c in ink {
                pixels.push((255.0 + cover * (c as f32 - 255.0)).round() as u8);
            }
            pixels.push(255);
        }
    }
    RgbaImage {
        width: SIZE,
        height: SIZE,
        pixels,
    }
}

fn segment_distance(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}
