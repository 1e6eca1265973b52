//! A drawing (the page's sketch pad, or any PNG) to a ColorMNIST image, the way MNIST itself was
//! made: the ink's bounding box is fitted into 20 x 20 pixels keeping its aspect ratio, placed
//! in 28 x 28 with its centre of mass at the centre, and padded to 32 x 32 like every dataset
//! image ([`super::image`]).
//!
//! Any size and any colours: the background is the median colour of the border pixels (pixels
//! are first composited over white, so a transparent canvas counts as white), and the ink of a
//! pixel is its largest channel distance from that background, scaled so the strongest stroke is
//! full ink. The colour is the mean colour of the inked pixels. An image with no ink, or one that
//! is mostly ink (no background left to tell the digit from), is refused with a message.

use crate::data::color::{colourise, Rgb};
use crate::data::image::{ink_to_signed, PIXELS_32, SIDE_32};
use crate::error::{IinError, Result};

/// Largest side accepted (a 4096 x 4096 canvas is 64 MiB of RGBA).
pub const MAX_SIDE: usize = 4096;
/// A pixel whose channel distance from the background is below this (of 255) is background.
const INK_FLOOR: f32 = 0.1;
/// Refused when more than this fraction of the pixels is ink.
const MAX_INK_FRACTION: f32 = 0.6;
/// The box MNIST fits each digit into, and the canvas it centres it in.
const BOX: usize = 20;
const CANVAS: usize = 28;
/// Supersampling per axis when shrinking a drawing to the 20 x 20 box.
const SUPERSAMPLE: usize = 4;

/// A normalised drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    /// 32 x 32 ink in [0, 1], row-major (0 background).
    pub ink: Vec<f32>,
    /// The ink's colour, RGB in [0, 1].
    pub colour: Rgb,
}

impl Sketch {
    /// The ColorMNIST image `[3, 32, 32]` in [-1, 1]: the grey digit times the colour.
    pub fn image(&self) -> Vec<f32> {
        colourise(&ink_to_signed(&self.ink), self.colour)
    }
}

/// Normalises an RGBA drawing of `width x height` pixels (row-major, 4 bytes a pixel).
pub fn normalise_sketch(rgba: &[u8], width: usize, height: usize) -> Result<Sketch> {
    if width < 8 || height < 8 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(IinError::InvalidConfig(format!(
            "a sketch must be between 8 and {MAX_SIDE} pixels on each side, got {width} x {height}"
        )));
    }
    if rgba.len() != width * height * 4 {
        return Err(IinError::InvalidConfig(format!(
            "a {width} x {height} RGBA sketch has {} bytes, got {}",
            width * height * 4,
            rgba.len()
        )));
    }
    // Composite over white.
    let rgb: Vec<[f32; 3]> = rgba
        .chunks_exact(4)
        .map(|p| {
            let a = p[3] as f32 / 255.0;
            [0, 1, 2].map(|k| (p[k] as f32 * a + 255.0 * (1.0 - a)) / 255.0)
        })
        .collect();
    let background = border_median(&rgb, width, height);
    let distance: Vec<f32> = rgb
        .iter()
        .map(|p| {
            (0..3)
                .map(|k| (p[k] - background[k]).abs())
                .fold(0.0, f32::max)
        })
        .collect();
    let strongest = distance.iter().cloned().fold(0.0, f32::max);
    if strongest < INK_FLOOR {
        return Err(IinError::InvalidConfig(
            "the sketch is empty: draw a digit or a few strokes first".into(),
        ));
    }
    let ink: Vec<f32> = distance
        .iter()
        .map(|&d| {
            if d < INK_FLOOR {
                0.0
            } else {
                (d / strongest).min(1.0)
            }
        })
        .collect();
    let inked = ink.iter().filter(|&&v| v > 0.5).count();
    if inked as f32 > MAX_INK_FRACTION * (width * height) as f32 {
        return Err(IinError::InvalidConfig(format!(
            "the sketch is {:.0} % ink: leave most of the pad empty so the strokes stand out",
            100.0 * inked as f32 / (width * height) as f32
        )));
    }
    let colour = ink_colour(&rgb, &ink);

    // Bounding box of the ink.
    let (mut x0, mut y0, mut x1, mut y1) = (width, height, 0, 0);
    for (i, &v) in ink.iter().enumerate() {
        if v > 0.0 {
            let (x, y) = (i % width, i / width);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x + 1);
            y1 = y1.max(y + 1);
        }
    }
    let (bw, bh) = (x1 - x0, y1 - y0);
    let scale = BOX as f32 / bw.max(bh) as f32;
    let (tw, th) = (
        ((bw as f32 * scale).round() as usize).clamp(1, BOX),
        ((bh as f32 * scale).round() as usize).clamp(1, BOX),
    );
    let small = resample(&ink, width, [x0, y0, bw, bh], tw, th);

    // Centre of mass to the middle of 28 x 28, then pad to 32 x 32.
    let mass: f32 = small.iter().sum();
    let (mut cx, mut cy) = (0.0, 0.0);
    for (i, &v) in small.iter().enumerate() {
        cx += v * ((i % tw) as f32 + 0.5);
        cy += v * ((i / tw) as f32 + 0.5);
    }
    let (cx, cy) = (cx / mass, cy / mass);
    let pad = (SIDE_32 - CANVAS) as isize / 2;
    let left = (CANVAS as f32 / 2.0 - cx).round() as isize + pad;
    let top = (CANVAS as f32 / 2.0 - cy).round() as isize + pad;
    let mut out = vec![0.0f32; PIXELS_32];
    for (i, &v) in small.iter().enumerate() {
        let (x, y) = ((i % tw) as isize + left, (i / tw) as isize + top);
        if (0..SIDE_32 as isize).contains(&x) && (0..SIDE_32 as isize).contains(&y) {
            out[y as usize * SIDE_32 + x as usize] = v;
        }
    }
    Ok(Sketch { ink: out, colour })
}

/// Per-channel median of the border pixels.
fn border_median(rgb: &[[f32; 3]], width: usize, height: usize) -> [f32; 3] {
    let border: Vec<[f32; 3]> = (0..width * height)
        .filter(|i| {
            let (x, y) = (i % width, i / width);
            x == 0 || y == 0 || x == width - 1 || y == height - 1
        })
        .map(|i| rgb[i])
        .collect();
    [0, 1, 2].map(|k| {
        let mut values: Vec<f32> = border.iter().map(|p| p[k]).collect();
        values.sort_unstable_by(f32::total_cmp);
        values[values.len() / 2]
    })
}

/// Ink-weighted mean colour of the pixels that are at least half ink.
fn ink_colour(rgb: &[[f32; 3]], ink: &[f32]) -> Rgb {
    let mut sum = [0.0f32; 3];
    let mut weight = 0.0;
    for (p, &v) in rgb.iter().zip(ink) {
        if v > 0.5 {
            for k in 0..3 {
                sum[k] += v * p[k];
            }
            weight += v;
        }
    }
    sum.map(|s| (s / weight).clamp(0.0, 1.0))
}

/// The box `[x0, y0, w, h]` of `src` (`width` columns) resampled to `tw x th` by averaging
/// `SUPERSAMPLE^2` bilinear samples per target pixel (an area filter when shrinking).
fn resample(src: &[f32], width: usize, area: [usize; 4], tw: usize, th: usize) -> Vec<f32> {
    let [x0, y0, w, h] = area;
    let height = src.len() / width;
    let at = |x: isize, y: isize| -> f32 {
        if x < 0 || y < 0 || x as usize >= width || y as usize >= height {
            0.0
        } else {
            src[y as usize * width + x as usize]
        }
    };
    let bilinear = |x: f32, y: f32| -> f32 {
        let (fx, fy) = (x - 0.5, y - 0.5);
        let (ix, iy) = (fx.floor(), fy.floor());
        let (ax, ay) = (fx - ix, fy - iy);
        let (ix, iy) = (ix as isize, iy as isize);
        (1.0 - ax) * (1.0 - ay) * at(ix, iy)
            + ax * (1.0 - ay) * at(ix + 1, iy)
            + (1.0 - ax) * ay * at(ix, iy + 1)
            + ax * ay * at(ix + 1, iy + 1)
    };
    let (sx, sy) = (w as f32 / tw as f32, h as f32 / th as f32);
    let n = SUPERSAMPLE as f32;
    let mut out = vec![0.0; tw * th];
    for ty in 0..th {
        for tx in 0..tw {
            let mut acc = 0.0;
            for j in 0..SUPERSAMPLE {
                for i in 0..SUPERSAMPLE {
                    let x = x0 as f32 + (tx as f32 + (i as f32 + 0.5) / n) * sx;
                    let y = y0 as f32 + (ty as f32 + (j as f32 + 0.5) / n) * sy;
                    acc += bilinear(x, y);
                }
            }
            out[ty * tw + tx] = (acc / (n * n)).clamp(0.0, 1.0);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `size x size` RGBA canvas of `background` with a filled rectangle of `ink`.
    fn canvas(size: usize, background: [u8; 3], ink: [u8; 3], rect: [usize; 4]) -> Vec<u8> {
        let [x0, y0, x1, y1] = rect;
        (0..size * size)
            .flat_map(|i| {
                let (x, y) = (i % size, i / size);
                let c = if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
                    ink
                } else {
                    background
                };
                [c[0], c[1], c[2], 255]
            })
            .collect()
    }

    #[test]
    fn a_bar_is_fitted_and_centred_whatever_its_size_position_and_colours() {
        // A vertical bar, 1:4, at two sizes and positions, light-on-dark and dark-on-light.
        let a =
            normalise_sketch(&canvas(64, [0, 0, 0], [255, 0, 0], [4, 4, 12, 36]), 64, 64).unwrap();
        let b = normalise_sketch(
            &canvas(256, [255, 255, 255], [0, 0, 255], [150, 100, 182, 228]),
            256,
            256,
        )
        .unwrap();
        assert_eq!(a.ink.len(), PIXELS_32);
        for s in [&a, &b] {
            let rows: Vec<usize> = (0..32)
                .filter(|y| (0..32).any(|x| s.ink[y * 32 + x] > 0.5))
                .collect();
            let cols: Vec<usize> = (0..32)
                .filter(|x| (0..32).any(|y| s.ink[y * 32 + x] > 0.5))
                .collect();
            assert_eq!(rows.len(), 20, "the long side fills the 20-pixel box");
            assert_eq!(cols.len(), 5, "the aspect ratio is kept");
            let mid = |v: &[usize]| (v[0] + v[v.len() - 1]) as f32 / 2.0;
            assert!((mid(&rows) - 15.5).abs() <= 1.0 && (mid(&cols) - 15.5).abs() <= 1.0);
        }
        // Same shape, same ink up to the resampling of the edges: under 5 % of the ink mass.
        let diff: f32 = a.ink.iter().zip(&b.ink).map(|(x, y)| (x - y).abs()).sum();
        let mass: f32 = a.ink.iter().sum();
        assert!(diff < 0.05 * mass, "differ by {diff} of {mass}");
        assert!(
            a.colour[0] > 0.95 && a.colour[1] < 0.05,
            "red ink: {:?}",
            a.colour
        );
        assert!(
            b.colour[2] > 0.95 && b.colour[0] < 0.05,
            "blue ink on white: {:?}",
            b.colour
        );
    }

    #[test]
    fn empty_all_ink_and_malformed_sketches_are_refused_with_a_reason() {
        let empty = canvas(32, [10, 10, 10], [10, 10, 10], [0, 0, 0, 0]);
        let err = normalise_sketch(&empty, 32, 32).unwrap_err().to_string();
        assert!(err.contains("empty"), "{err}");
        let full = canvas(32, [0, 0, 0], [255, 255, 255], [1, 1, 31, 31]);
        let err = normalise_sketch(&full, 32, 32).unwrap_err().to_string();
        assert!(err.contains("ink"), "{err}");
        assert!(normalise_sketch(&empty[..100], 32, 32).is_err());
        assert!(normalise_sketch(&[], 0, 0).is_err());
    }

    #[test]
    fn the_image_is_the_grey_digit_times_the_colour() {
        let s = normalise_sketch(
            &canvas(40, [0, 0, 0], [255, 128, 0], [10, 5, 20, 35]),
            40,
            40,
        )
        .unwrap();
        let image = s.image();
        assert_eq!(image.len(), 3 * PIXELS_32);
        // Background pixel: -colour; stroke centre: +colour.
        assert!((image[0] + s.colour[0]).abs() < 1e-6);
        let centre = 16 * 32 + 16;
        assert!((image[centre] - s.colour[0]).abs() < 1e-3);
    }
}
