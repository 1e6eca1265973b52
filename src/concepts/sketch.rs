//! A user's sketch, normalised the way MNIST normalised its digits, so its statistics are
//! comparable with the dataset's: any size, any colours in; a 32 x 32 ink map out.
//!
//! 1. Transparent pixels are composited over white (a canvas starts transparent).
//! 2. The background is the border's dominant colour: border pixels are binned (3 bits per
//!    channel) and the fullest bin's mean colour is taken. If no bin holds half of the border,
//!    there is no plain background to draw on: refused as "all ink".
//! 3. Ink is the distance from the background (Euclidean in RGB, scaled so the farthest pixel is
//!    full ink); values below [`INK_FLOOR`] count as background (noise, JPEG ringing). A sketch
//!    whose farthest pixel is closer than [`MIN_CONTRAST`] has no ink; one where more than half
//!    of the pixels are ink is refused as "all ink" (strokes on a background, not a fill).
//! 4. As MNIST (LeCun et al. 1998): crop to the ink's bounding box, fit it into 20 x 20 keeping
//!    the aspect (area resampling, so thin strokes stay anti-aliased, not dropped), place it in
//!    28 x 28 so its centre of mass is at the centre, and pad to 32 x 32 like the dataset
//!    ([`crate::data::image::pad_to_32`]).
//! 5. The ink's colour is the mean RGB of the pixels that are at least half ink.

use crate::data::color::Rgb;
use crate::data::image::{PIXELS_32, SIDE_32};
use crate::error::{IinError, Result};

/// Side of the box the ink is fitted into (MNIST: 20 x 20 inside 28 x 28).
pub const BOX: usize = 20;
/// Side of MNIST's field, before the 2-pixel pad to 32.
const FIELD: usize = 28;
/// Ink below this (relative to the farthest pixel) is background.
pub const INK_FLOOR: f32 = 0.15;
/// The farthest pixel must differ from the background by this much (RGB distance / sqrt 3).
pub const MIN_CONTRAST: f32 = 0.1;
/// More than this fraction of pixels at half ink or more is "all ink".
pub const MAX_INK_FRACTION: f32 = 0.5;

/// A normalised sketch.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    /// `32 x 32` ink in [0, 1] (0 background), row-major, like the dataset's digits.
    pub ink: Vec<f32>,
    /// Mean colour of the ink, RGB in [0, 1].
    pub colour: Rgb,
    /// The background colour found on the border, RGB in [0, 1].
    pub background: Rgb,
}

impl Sketch {
    /// The ColorMNIST image `[3, 32, 32]` in [-1, 1]: the grey digit times the ink's colour
    /// (what the autoencoder encodes).
    pub fn image(&self) -> Vec<f32> {
        crate::data::colourise(&crate::data::image::ink_to_signed(&self.ink), self.colour)
    }
}

/// Normalises an RGBA image (`width * height * 4` bytes, row-major, any size) into a
/// [`Sketch`]. `which` names the sketch in errors ("A", "B", a file name).
pub fn normalise_sketch(rgba: &[u8], width: usize, height: usize) -> Result<Sketch> {
    normalise_named(rgba, width, height, "")
}

/// [`normalise_sketch`] with a name for the error messages.
pub fn normalise_named(rgba: &[u8], width: usize, height: usize, which: &str) -> Result<Sketch> {
    let fail = |reason: String| IinError::Sketch {
        which: which.to_string(),
        reason,
    };
    if width < 2 || height < 2 || width.checked_mul(height).map(|n| n * 4) != Some(rgba.len()) {
        return Err(fail(format!(
            "expected {width} x {height} RGBA pixels ({} bytes) of an image at least 2 x 2, got {} bytes",
            width.saturating_mul(height).saturating_mul(4),
            rgba.len()
        )));
    }
    let rgb = composite_over_white(rgba);
    let background = border_background(&rgb, width, height).ok_or_else(|| {
        fail("all ink: its border has no dominant background colour; draw strokes on a plain background".into())
    })?;
    let distance: Vec<f32> = rgb
        .iter()
        .map(|p| {
            let d2: f32 = p.iter().zip(background).map(|(a, b)| (a - b).powi(2)).sum();
            (d2 / 3.0).sqrt()
        })
        .collect();
    let farthest = distance.iter().cloned().fold(0.0, f32::max);
    if farthest < MIN_CONTRAST {
        return Err(fail(
            "empty: no ink (every pixel has the background colour)".into(),
        ));
    }
    let ink: Vec<f32> = distance
        .iter()
        .map(|&d| {
            let v = d / farthest;
            if v < INK_FLOOR {
                0.0
            } else {
                v
            }
        })
        .collect();
    let solid = ink.iter().filter(|&&v| v >= 0.5).count();
    if solid as f32 > MAX_INK_FRACTION * ink.len() as f32 {
        return Err(fail(format!(
            "all ink: {:.0} % of the pixels are ink; draw strokes on a plain background",
            100.0 * solid as f32 / ink.len() as f32
        )));
    }
    let colour = ink_colour(&rgb, &ink);
    let (x0, y0, x1, y1) = bounding_box(&ink, width).ok_or_else(|| fail("empty: no ink".into()))?;
    let (bw, bh) = (x1 - x0, y1 - y0);
    let crop: Vec<f32> = (y0..y1)
        .flat_map(|y| ink[y * width + x0..y * width + x1].iter().copied())
        .collect();
    let longest = bw.max(bh) as f32;
    let gw = ((bw as f32 * BOX as f32 / longest).round() as usize).clamp(1, BOX);
    let gh = ((bh as f32 * BOX as f32 / longest).round() as usize).clamp(1, BOX);
    let glyph = resample(&crop, bw, bh, gw, gh);
    Ok(Sketch {
        ink: place_by_centre_of_mass(&glyph, gw, gh),
        colour,
        background,
    })
}

/// A short, stable fingerprint of an image's pixels (FNV-1a, 64 bits, hex), for provenance.
pub fn pixel_hash(rgba: &[u8], width: usize, height: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let size = [(width as u64).to_le_bytes(), (height as u64).to_le_bytes()];
    for &b in size.iter().flatten().chain(rgba) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// RGB in [0, 1] of each pixel, transparent parts composited over white.
fn composite_over_white(rgba: &[u8]) -> Vec<[f32; 3]> {
    rgba.chunks_exact(4)
        .map(|p| {
            let a = p[3] as f32 / 255.0;
            [0, 1, 2].map(|k| (p[k] as f32 / 255.0) * a + (1.0 - a))
        })
        .collect()
}

/// The mean colour of the fullest 3-bit-per-channel bin of the border, if it holds at least
/// half of the border's pixels.
fn border_background(rgb: &[[f32; 3]], width: usize, height: usize) -> Option<Rgb> {
    let border = (0..height).flat_map(|y| {
        (0..width)
            .filter(move |&x| y == 0 || y == height - 1 || x == 0 || x == width - 1)
            .map(move |x| y * width + x)
    });
    let bin = |p: &[f32; 3]| {
        p.iter()
            .fold(0usize, |acc, &v| acc * 8 + ((v * 7.999) as usize).min(7))
    };
    let mut sums = vec![([0f64; 3], 0usize); 512];
    let mut total = 0usize;
    for i in border {
        let p = &rgb[i];
        let s = &mut sums[bin(p)];
        for (acc, &v) in s.0.iter_mut().zip(p) {
            *acc += v as f64;
        }
        s.1 += 1;
        total += 1;
    }
    let (sum, count) = sums.iter().max_by_key(|s| s.1)?;
    if 2 * count < total {
        return None;
    }
    Some([0, 1, 2].map(|k| (sum[k] / *count as f64) as f32))
}

fn ink_colour(rgb: &[[f32; 3]], ink: &[f32]) -> Rgb {
    let mut sum = [0f64; 3];
    let mut weight = 0f64;
    for (p, &v) in rgb.iter().zip(ink) {
        if v >= 0.5 {
            for k in 0..3 {
                sum[k] += (v * p[k]) as f64;
            }
            weight += v as f64;
        }
    }
    if weight <= 0.0 {
        return [0.0; 3];
    }
    sum.map(|s| (s / weight) as f32)
}

/// `(x0, y0, x1, y1)`, exclusive ends, of the pixels with any ink.
fn bounding_box(ink: &[f32], width: usize) -> Option<(usize, usize, usize, usize)> {
    let mut bb: Option<(usize, usize, usize, usize)> = None;
    for (i, _) in ink.iter().enumerate().filter(|(_, &v)| v > 0.0) {
        let (x, y) = (i % width, i / width);
        bb = Some(match bb {
            None => (x, y, x + 1, y + 1),
            Some((a, b, c, d)) => (a.min(x), b.min(y), c.max(x + 1), d.max(y + 1)),
        });
    }
    bb
}

/// Area resampling of `[h, w]` to `[th, tw]`: each target pixel is the mean of the source area
/// it covers (separable, fractional coverage at the edges).
fn resample(src: &[f32], w: usize, h: usize, tw: usize, th: usize) -> Vec<f32> {
    let wx = coverage(w, tw);
    let wy = coverage(h, th);
    let mut rows = vec![0f32; h * tw];
    for y in 0..h {
        for (t, weights) in wx.iter().enumerate() {
            rows[y * tw + t] = weights.iter().map(|&(k, c)| c * src[y * w + k]).sum();
        }
    }
    let mut out = vec![0f32; th * tw];
    for (t, weights) in wy.iter().enumerate() {
        for x in 0..tw {
            out[t * tw + x] = weights.iter().map(|&(k, c)| c * rows[k * tw + x]).sum();
        }
    }
    out
}

/// For each of `to` target cells over `from` source cells: `(source index, weight)`, weights
/// summing to 1.
fn coverage(from: usize, to: usize) -> Vec<Vec<(usize, f32)>> {
    let step = from as f64 / to as f64;
    (0..to)
        .map(|t| {
            let (a, b) = (t as f64 * step, (t + 1) as f64 * step);
            (a.floor() as usize..(b.ceil() as usize).min(from))
                .filter_map(|k| {
                    let overlap = (b.min(k as f64 + 1.0) - a.max(k as f64)).max(0.0);
                    (overlap > 0.0).then_some((k, (overlap / step) as f32))
                })
                .collect()
        })
        .collect()
}

/// The `[gh, gw]` glyph in the 28 x 28 field with its centre of mass at the centre (whole-pixel
/// shift, kept inside the field), padded by 2 to 32 x 32.
fn place_by_centre_of_mass(glyph: &[f32], gw: usize, gh: usize) -> Vec<f32> {
    let (mut mass, mut mx, mut my) = (0f64, 0f64, 0f64);
    for (i, &v) in glyph.iter().enumerate() {
        mass += v as f64;
        mx += v as f64 * ((i % gw) as f64 + 0.5);
        my += v as f64 * ((i / gw) as f64 + 0.5);
    }
    let (cx, cy) = if mass > 0.0 {
        (mx / mass, my / mass)
    } else {
        (gw as f64 / 2.0, gh as f64 / 2.0)
    };
    let half = FIELD as f64 / 2.0;
    let ox = ((half - cx).round().max(0.0) as usize).min(FIELD - gw);
    let oy = ((half - cy).round().max(0.0) as usize).min(FIELD - gh);
    let pad = (SIDE_32 - FIELD) / 2;
    let mut out = vec![0f32; PIXELS_32];
    for y in 0..gh {
        for x in 0..gw {
            out[(oy + y + pad) * SIDE_32 + ox + x + pad] = glyph[y * gw + x];
        }
    }
    out
}
