//! Known-factor transforms with a measured ground truth, in the spirit of Morpho-MNIST (Castro et
//! al. 2019): stroke thickness, slant and scale. Everything works on ink maps, `f32` in [0, 1]
//! (0 = background, 1 = full ink; [`super::image::signed_to_ink`] converts), row-major, `width`
//! columns, any height; pixels outside the image count as background.
//!
//! - Thickness: grey-scale dilation (max) or erosion (min) with a disk of integer radius `r`
//!   (offsets with `dx² + dy² <= r²`); a fractional amount blends the two nearest radii, so the
//!   change is continuous and monotone in the amount.
//!   Measured as `2 A / P`: `A` the ink area (sum of ink), `P` the perimeter as the image's
//!   isotropic total variation (sum of `|grad|`, forward differences), which is the edge length
//!   for binary shapes and needs no threshold. A stroke of length `L >> t` and width `t` has
//!   `A = L t`, `P ≈ 2 L`, so `2 A / P ≈ t`, in pixels. The measure ignores contrast (ink
//!   scaled by `a` scales `A` and `P` alike), so erosion past a stroke's half-width, which only
//!   fades it in a fractional blend, is not seen as thinning: thin by at most about one pixel.
//! - Slant: horizontal shear about the image centre, `x' = x + s (cy - y)` (rows above the centre
//!   move right for `s > 0`; `y` grows downwards), with linear interpolation along each row.
//!   Measured from second moments of the ink, `slant = -mu11 / mu02`: a shear adds `-s mu02` to
//!   `mu11` and leaves `mu02` alone, so it changes the slant by exactly `s` (while no ink leaves
//!   the image). Upright digits measure near 0; rightward-leaning ones positive.
//! - Scale: zoom about the image centre by a factor `k`, bilinear. Measured as the radius of
//!   gyration `sqrt((mu20 + mu02) / mu00)`, which a zoom multiplies by `k`.
//! - Squaring off (angular vs round): a radial warp about the centre of mass that moves each
//!   point along its ray by `g^a`, `g = |d|_2 / |d|_inf` (1 on the axes, sqrt 2 on the
//!   diagonals), so at `a = 1` a circle becomes a square: curves turn into straight runs that
//!   meet in corners. The digit's size is kept (the ink-weighted mean of `g^a` is divided out).
//!   Measured loosely by [`axis_alignment`], the share of edge strength running along the
//!   image's axes (`E[|grad| cos 4 theta] / E[|grad|]`: 1 for a square, 0 for a circle): a
//!   sketch's angularity. On handwritten digits a warp of 1 raises it on only about half of
//!   them (strokes at other angles dominate), so the concept score uses the warp's amount as
//!   its ground truth ([`crate::concepts::Against::Angularity`]).

/// Grey-scale dilation by a disk of integer radius `radius` (radius 0 is the identity).
pub fn dilate(ink: &[f32], width: usize, radius: usize) -> Vec<f32> {
    morph(ink, width, radius, f32::max, 0.0)
}

/// Grey-scale erosion by a disk of integer radius `radius` (outside counts as background).
pub fn erode(ink: &[f32], width: usize, radius: usize) -> Vec<f32> {
    morph(ink, width, radius, f32::min, 1.0)
}

/// Thicker strokes for `amount > 0` (dilation by a disk of that radius), thinner for
/// `amount < 0` (erosion); fractional amounts blend the two nearest integer radii.
pub fn thicken(ink: &[f32], width: usize, amount: f32) -> Vec<f32> {
    let op = if amount >= 0.0 { dilate } else { erode };
    let r = amount.abs();
    let lo = r.floor();
    let frac = r - lo;
    let a = op(ink, width, lo as usize);
    if frac == 0.0 {
        return a;
    }
    let b = op(ink, width, lo as usize + 1);
    a.iter()
        .zip(&b)
        .map(|(x, y)| (1.0 - frac) * x + frac * y)
        .collect()
}

/// Mean stroke thickness in pixels, `2 * area / perimeter` (0 for an empty image).
pub fn thickness(ink: &[f32], width: usize) -> f32 {
    let height = height_of(ink, width);
    let at = |x: usize, y: usize| {
        if x < width && y < height {
            ink[y * width + x]
        } else {
            0.0
        }
    };
    let (mut area, mut perimeter) = (0.0f64, 0.0f64);
    // One extra row and column so the right and bottom edges are counted.
    for y in 0..=height {
        for x in 0..=width {
            let v = at(x, y);
            area += v as f64;
            let dx = (at(x + 1, y) - v) as f64;
            let dy = (at(x, y + 1) - v) as f64;
            perimeter += (dx * dx + dy * dy).sqrt();
        }
    }
    // The left and top edges: differences into the image from the outside.
    for y in 0..height {
        perimeter += at(0, y) as f64;
    }
    for x in 0..width {
        perimeter += at(x, 0) as f64;
    }
    if perimeter <= 0.0 {
        0.0
    } else {
        (2.0 * area / perimeter) as f32
    }
}

/// Horizontal shear by `s` about the image centre: row `y` moves right by `s * (cy - y)`.
pub fn shear(ink: &[f32], width: usize, s: f32) -> Vec<f32> {
    let height = height_of(ink, width);
    let cy = (height as f32 - 1.0) * 0.5;
    let mut out = vec![0.0; ink.len()];
    for y in 0..height {
        let shift = s * (cy - y as f32);
        let row = &ink[y * width..(y + 1) * width];
        for (x, o) in out[y * width..(y + 1) * width].iter_mut().enumerate() {
            *o = sample_row(row, x as f32 - shift);
        }
    }
    out
}

/// Slant of the ink, `-mu11 / mu02` (horizontal shift per row upwards); 0 for an empty image.
pub fn slant(ink: &[f32], width: usize) -> f32 {
    let m = Moments::of(ink, width);
    if m.mu02 <= 0.0 {
        0.0
    } else {
        (-m.mu11 / m.mu02) as f32
    }
}

/// Zoom by `factor` about the image centre (bilinear; `factor > 1` enlarges).
pub fn scale(ink: &[f32], width: usize, factor: f32) -> Vec<f32> {
    assert!(factor > 0.0, "a zoom factor must be positive");
    let height = height_of(ink, width);
    let (cx, cy) = ((width as f32 - 1.0) * 0.5, (height as f32 - 1.0) * 0.5);
    let mut out = vec![0.0; ink.len()];
    for y in 0..height {
        for x in 0..width {
            let sx = cx + (x as f32 - cx) / factor;
            let sy = cy + (y as f32 - cy) / factor;
            out[y * width + x] = bilinear(ink, width, height, sx, sy);
        }
    }
    out
}

/// Radius of gyration of the ink in pixels, `sqrt((mu20 + mu02) / mu00)`; 0 for an empty image.
pub fn size(ink: &[f32], width: usize) -> f32 {
    let m = Moments::of(ink, width);
    if m.mass <= 0.0 {
        0.0
    } else {
        ((m.mu20 + m.mu02) / m.mass).sqrt() as f32
    }
}

/// Squared-off strokes: the radial warp `p -> c + (p - c) g^a / n` about the centre of mass
/// `c` (module docs), `n` keeping the size; bilinear, background outside. `amount` 0 is the
/// identity, 1 turns a circle into a square, negative amounts round corners off.
pub fn square_off(ink: &[f32], width: usize, amount: f32) -> Vec<f32> {
    let height = height_of(ink, width);
    let (mass, cx, cy) = centre(ink, width);
    if mass <= 0.0 {
        return ink.to_vec();
    }
    let (cx, cy) = (cx as f32, cy as f32);
    let squareness = |dx: f32, dy: f32| {
        let (l2, linf) = ((dx * dx + dy * dy).sqrt(), dx.abs().max(dy.abs()));
        (l2 + 1e-6) / (linf + 1e-6)
    };
    let pixels = || (0..height).flat_map(|y| (0..width).map(move |x| (x, y)));
    let norm = pixels()
        .map(|(x, y)| {
            let g = squareness(x as f32 - cx, y as f32 - cy);
            ink[y * width + x] as f64 * g.powf(amount) as f64
        })
        .sum::<f64>()
        / mass;
    pixels()
        .map(|(x, y)| {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let f = norm as f32 * squareness(dx, dy).powf(-amount);
            bilinear(ink, width, height, cx + dx * f, cy + dy * f)
        })
        .collect()
}

/// How much of the ink's edge strength runs along the image's axes: `sum |g| cos 4 theta /
/// sum |g|` over Sobel gradients `g` (outside is background): 1 for axis-aligned straight
/// edges, about 0 for a circle, -1 for diagonal ones; 0 for an empty image.
pub fn axis_alignment(ink: &[f32], width: usize) -> f32 {
    let height = height_of(ink, width);
    let at = |x: isize, y: isize| {
        if x >= 0 && y >= 0 && (x as usize) < width && (y as usize) < height {
            ink[y as usize * width + x as usize]
        } else {
            0.0
        }
    };
    let (mut aligned, mut total) = (0.0f64, 0.0f64);
    for y in -1..=height as isize {
        for x in -1..=width as isize {
            let gx = (at(x + 1, y - 1) + 2.0 * at(x + 1, y) + at(x + 1, y + 1))
                - (at(x - 1, y - 1) + 2.0 * at(x - 1, y) + at(x - 1, y + 1));
            let gy = (at(x - 1, y + 1) + 2.0 * at(x, y + 1) + at(x + 1, y + 1))
                - (at(x - 1, y - 1) + 2.0 * at(x, y - 1) + at(x + 1, y - 1));
            let (gx2, gy2) = ((gx * gx) as f64, (gy * gy) as f64);
            let m2 = gx2 + gy2;
            if m2 > 1e-12 {
                // |g| cos 4 theta = (gx^4 - 6 gx^2 gy^2 + gy^4) / |g|^3
                aligned += (gx2 * gx2 - 6.0 * gx2 * gy2 + gy2 * gy2) / m2.powf(1.5);
                total += m2.sqrt();
            }
        }
    }
    if total <= 0.0 {
        0.0
    } else {
        (aligned / total) as f32
    }
}

/// Ink mass and centre of mass `(mass, cx, cy)`; all 0 for an empty image.
fn centre(ink: &[f32], width: usize) -> (f64, f64, f64) {
    let (mut mass, mut sx, mut sy) = (0.0f64, 0.0f64, 0.0f64);
    for (i, &v) in ink.iter().enumerate() {
        let v = v as f64;
        mass += v;
        sx += v * (i % width) as f64;
        sy += v * (i / width) as f64;
    }
    if mass <= 0.0 {
        return (0.0, 0.0, 0.0);
    }
    (mass, sx / mass, sy / mass)
}

/// Central moments of the ink (sums, not normalised).
struct Moments {
    mass: f64,
    mu20: f64,
    mu02: f64,
    mu11: f64,
}

impl Moments {
    fn of(ink: &[f32], width: usize) -> Self {
        let height = height_of(ink, width);
        let pixels = || {
            (0..height).flat_map(move |y| {
                (0..width).map(move |x| (x as f64, y as f64, ink[y * width + x] as f64))
            })
        };
        let (mass, mx, my) = centre(ink, width);
        if mass <= 0.0 {
            return Self {
                mass: 0.0,
                mu20: 0.0,
                mu02: 0.0,
                mu11: 0.0,
            };
        }
        let (mut mu20, mut mu02, mut mu11) = (0.0, 0.0, 0.0);
        for (x, y, v) in pixels() {
            mu20 += v * (x - mx) * (x - mx);
            mu02 += v * (y - my) * (y - my);
            mu11 += v * (x - mx) * (y - my);
        }
        Self {
            mass,
            mu20,
            mu02,
            mu11,
        }
    }
}

fn morph(
    ink: &[f32],
    width: usize,
    radius: usize,
    pick: fn(f32, f32) -> f32,
    start: f32,
) -> Vec<f32> {
    let height = height_of(ink, width);
    let r = radius as isize;
    let disk: Vec<(isize, isize)> = (-r..=r)
        .flat_map(|dy| (-r..=r).map(move |dx| (dx, dy)))
        .filter(|(dx, dy)| dx * dx + dy * dy <= r * r)
        .collect();
    let mut out = vec![0.0; ink.len()];
    for y in 0..height as isize {
        for x in 0..width as isize {
            let mut acc = start;
            for &(dx, dy) in &disk {
                let (sx, sy) = (x + dx, y + dy);
                let v = if sx >= 0 && sy >= 0 && (sx as usize) < width && (sy as usize) < height {
                    ink[sy as usize * width + sx as usize]
                } else {
                    0.0
                };
                acc = pick(acc, v);
            }
            out[y as usize * width + x as usize] = acc;
        }
    }
    out
}

/// Linear interpolation in one row at position `x` (background outside).
fn sample_row(row: &[f32], x: f32) -> f32 {
    let x0 = x.floor();
    let f = x - x0;
    let at = |i: f32| {
        if i >= 0.0 && (i as usize) < row.len() {
            row[i as usize]
        } else {
            0.0
        }
    };
    (1.0 - f) * at(x0) + f * at(x0 + 1.0)
}

fn bilinear(ink: &[f32], width: usize, height: usize, x: f32, y: f32) -> f32 {
    let y0 = y.floor();
    let f = y - y0;
    let row = |i: f32| {
        if i >= 0.0 && (i as usize) < height {
            let i = i as usize;
            sample_row(&ink[i * width..(i + 1) * width], x)
        } else {
            0.0
        }
    };
    (1.0 - f) * row(y0) + f * row(y0 + 1.0)
}

fn height_of(ink: &[f32], width: usize) -> usize {
    assert!(
        width > 0 && ink.len().is_multiple_of(width),
        "an image of {} pixels cannot have {width} columns",
        ink.len()
    );
    ink.len() / width
}
