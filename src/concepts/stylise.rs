//! Re-rendering a batch of dataset digits "in the style of" a sketch, on the device, batched.
//!
//! Each digit `i` is moved from where it is by `lambda_i * (B - A)` ([`super::StyleShift`]):
//! `lambda = -1/2` renders it toward sketch A, `+1/2` toward sketch B, so the two renderings of
//! one digit differ by exactly the sketches' difference and neither strays far from the data.
//! The moves, in this order:
//! - **stroke width**: the digit at four levels, eroded by a disk of radius 1, as is, dilated by
//!   radius 1 and 2 (max/min over shifted copies), each level's width `2 A / P` measured on the
//!   device; the amount in [-1, 2] that reaches `width_i + lambda_i * dwidth` is read off the
//!   piecewise-linear curve through the four levels, and the digit is the matching blend of its
//!   two neighbouring levels (as [`crate::data::morpho::thicken`], but per image and batched);
//! - **slant**: a horizontal shear by `lambda_i * dslant`, which changes `-mu11 / mu02` by
//!   exactly that (see [`crate::data::morpho`]); linear interpolation along rows, written as one
//!   batched matrix product with per-image interpolation weights;
//! - **angularity**: the digit's curves squared off by the radial warp of
//!   [`crate::data::morpho::square_off`] (bilinear, one gather per corner), by an amount that is
//!   0 at the rounder sketch's end and [`angular_amount`] at the angular one, then brought back
//!   to its own stroke width (the warp thins diagonal strokes) so that only the shape changes;
//! - **colour**: ColorMNIST's colour `c` (stroke `+c`, displayed `(1 + c) / 2`) moves by
//!   `2 * lambda_i * dcolour` (the displayed change), clamped to [0, 1].
//!
//! No host reads: everything stays on the device, so the page's WebGPU path can use it as is.

use burn::tensor::ops::PadMode;
use burn::tensor::{Device, Tensor, TensorData};

use super::style::StyleShift;
use crate::data::image::SIDE_32;

/// Radius-`r` disk offsets `(dx, dy)`, `dx^2 + dy^2 <= r^2` (as `morpho`).
fn disk(r: isize) -> Vec<(isize, isize)> {
    (-r..=r)
        .flat_map(|dy| (-r..=r).map(move |dx| (dx, dy)))
        .filter(|(dx, dy)| dx * dx + dy * dy <= r * r)
        .collect()
}

/// Max (dilation) or min (erosion) of `ink` (`[B, 1, H, W]`) over a disk of radius `r`;
/// pixels outside the image count as background (0).
fn morph(ink: &Tensor<4>, r: usize, dilate: bool) -> Tensor<4> {
    let [_, _, h, w] = ink.dims();
    let padded = ink.clone().pad([(r, r), (r, r)], PadMode::Constant(0.0));
    let ri = r as isize;
    disk(ri)
        .into_iter()
        .map(|(dx, dy)| {
            padded
                .clone()
                .narrow(2, (ri + dy) as usize, h)
                .narrow(3, (ri + dx) as usize, w)
        })
        .reduce(|acc, s| {
            if dilate {
                acc.max_pair(s)
            } else {
                acc.min_pair(s)
            }
        })
        .unwrap_or_else(|| ink.clone())
}

/// Mean stroke width `2 A / P` of each image of `[B, 1, H, W]` ink, `[B, 1]`; the same measure
/// as [`crate::data::morpho::thickness`] (isotropic total variation, outside is background).
pub fn thickness(ink: &Tensor<4>) -> Tensor<2> {
    let [b, _, h, w] = ink.dims();
    let area = ink.clone().reshape([b, h * w]).sum_dim(1);
    // One pixel of background before, two after: forward differences at positions -1..=H.
    let p = ink.clone().pad([(1, 2), (1, 2)], PadMode::Constant(0.0));
    let base = p.clone().narrow(2, 0, h + 2).narrow(3, 0, w + 2);
    let dx = p.clone().narrow(2, 0, h + 2).narrow(3, 1, w + 2) - base.clone();
    let dy = p.narrow(2, 1, h + 2).narrow(3, 0, w + 2) - base;
    let perimeter = (dx.square() + dy.square())
        .sqrt()
        .reshape([b, (h + 2) * (w + 2)])
        .sum_dim(1);
    area.mul_scalar(2.0) / perimeter.clamp_min(1e-6)
}

/// Slant `-mu11 / mu02` of each image of `[B, 1, H, W]` ink, `[B, 1]` (as
/// [`crate::data::morpho::slant`]).
pub fn slant(ink: &Tensor<4>) -> Tensor<2> {
    let [b, _, h, w] = ink.dims();
    let m = ink.clone().reshape([b, h * w]);
    let centred = Centred::of(&m, h, w);
    let mu11 = (m.clone() * centred.dx * centred.dy.clone()).sum_dim(1);
    let mu02 = (m * centred.dy.square()).sum_dim(1);
    mu11.neg() / mu02.clamp_min(1e-6)
}

/// Every pixel's position relative to each image's centre of mass, for `[B, H * W]` ink.
struct Centred {
    /// Ink mass of each image (at least 1e-6), `[B, 1]`.
    mass: Tensor<2>,
    /// Centre of mass, `[B, 1]` each.
    cx: Tensor<2>,
    cy: Tensor<2>,
    /// Pixel position minus the centre, `[B, H * W]` each.
    dx: Tensor<2>,
    dy: Tensor<2>,
}

impl Centred {
    fn of(m: &Tensor<2>, h: usize, w: usize) -> Self {
        let device = m.device();
        let x = ramp(w, &device)
            .reshape([1, w])
            .repeat_dim(0, h)
            .reshape([1, h * w]);
        let y = ramp(h, &device)
            .reshape([h, 1])
            .repeat_dim(1, w)
            .reshape([1, h * w]);
        let mass = m.clone().sum_dim(1).clamp_min(1e-6);
        let cx = (m.clone() * x.clone()).sum_dim(1) / mass.clone();
        let cy = (m.clone() * y.clone()).sum_dim(1) / mass.clone();
        Self {
            dx: x - cx.clone(),
            dy: y - cy.clone(),
            mass,
            cx,
            cy,
        }
    }
}

/// `0, 1, ..., n - 1` as floats, `[n]`.
fn ramp(n: usize, device: &Device) -> Tensor<1> {
    Tensor::from_data(
        TensorData::new((0..n).map(|i| i as f32).collect(), [n]),
        device,
    )
}

/// Thicker or thinner strokes: `target` (`[B, 1]`) stroke widths, reached within radius -1..2.
fn restroke(ink: Tensor<4>, target: Tensor<2>) -> Tensor<4> {
    let b = ink.dims()[0];
    let levels = [
        morph(&ink, 1, false),
        ink.clone(),
        morph(&ink, 1, true),
        morph(&ink, 2, true),
    ];
    let widths: Vec<Tensor<2>> = levels.iter().map(thickness).collect();
    // Amount in [-1, 2]: one unit per segment of the width curve the target has passed.
    let mut amount = Tensor::<2>::zeros([b, 1], &ink.device()).sub_scalar(1.0);
    for j in 0..3 {
        let rise = (widths[j + 1].clone() - widths[j].clone()).clamp_min(1e-3);
        amount = amount + ((target.clone() - widths[j].clone()) / rise).clamp(0.0, 1.0);
    }
    levels
        .into_iter()
        .enumerate()
        .map(|(j, level)| {
            let node = j as f32 - 1.0;
            let weight =
                (amount.clone().sub_scalar(node).abs().neg().add_scalar(1.0)).clamp_min(0.0);
            level * weight.reshape([b, 1, 1, 1])
        })
        .reduce(|a, l| a + l)
        .unwrap_or(ink)
}

/// Horizontal shear of `[B, 1, H, W]` ink by `s` (`[B, 1]`) about the centre row:
/// `out[y, x] = in[y, x - s (cy - y)]`, linear interpolation, background outside.
pub fn shear(ink: Tensor<4>, s: Tensor<2>) -> Tensor<4> {
    let [b, _, h, w] = ink.dims();
    let device = ink.device();
    let cy = (h as f32 - 1.0) * 0.5;
    let above = ramp(h, &device).neg().add_scalar(cy).reshape([1, h, 1, 1]);
    let x = ramp(w, &device).reshape([1, 1, w, 1]);
    let source_x = ramp(w, &device).reshape([1, 1, 1, w]);
    let from = x - s.reshape([b, 1, 1, 1]) * above; // [B, H, W, 1]
    let weights = (source_x - from).abs().neg().add_scalar(1.0).clamp_min(0.0); // [B, H, W, W]
    weights
        .matmul(ink.reshape([b, h, w, 1]))
        .reshape([b, 1, h, w])
}

/// The squaring warp of each image of `[B, 1, H, W]` ink by `amount` (`[B, 1]`), as
/// [`crate::data::morpho::square_off`].
pub fn square_off(ink: Tensor<4>, amount: Tensor<2>) -> Tensor<4> {
    let [b, _, h, w] = ink.dims();
    let m = ink.reshape([b, h * w]);
    let Centred {
        mass,
        cx,
        cy,
        dx,
        dy,
    } = Centred::of(&m, h, w);
    let l2 = (dx.clone().square() + dy.clone().square()).sqrt();
    let linf = dx.clone().abs().max_pair(dy.clone().abs());
    let log_g = (l2.add_scalar(1e-6) / linf.add_scalar(1e-6)).log();
    let norm = (m.clone() * (log_g.clone() * amount.clone()).exp()).sum_dim(1) / mass;
    let f = norm * (log_g * amount.neg()).exp();
    let sx = cx + dx * f.clone();
    let sy = cy + dy * f;
    // Bilinear: the four neighbours, each weighted, background outside the image.
    let (x0, y0) = (sx.clone().floor(), sy.clone().floor());
    let (fx, fy) = (sx - x0.clone(), sy - y0.clone());
    let corner = |ox: f32, oy: f32, weight: Tensor<2>| {
        let (cx, cy) = (x0.clone().add_scalar(ox), y0.clone().add_scalar(oy));
        let inside = cx.clone().greater_equal_elem(0.0).float()
            * cx.clone().lower_elem(w as f32).float()
            * cy.clone().greater_equal_elem(0.0).float()
            * cy.clone().lower_elem(h as f32).float();
        let index = (cy.clamp(0.0, (h - 1) as f32).mul_scalar(w as f32)
            + cx.clamp(0.0, (w - 1) as f32))
        .int();
        m.clone().gather(1, index) * weight * inside
    };
    let (gx, gy) = (
        fx.clone().neg().add_scalar(1.0),
        fy.clone().neg().add_scalar(1.0),
    );
    let out = corner(0.0, 0.0, gx.clone() * gy.clone())
        + corner(1.0, 0.0, fx.clone() * gy)
        + corner(0.0, 1.0, gx * fy.clone())
        + corner(1.0, 1.0, fx * fy);
    out.reshape([b, 1, h, w])
}

/// The squaring warp at the angular sketch's end for an angularity change `d`: three times the
/// change, at most 1 (a square out of a circle). The smallest change that counts (0.15) squares
/// a digit off by 0.45; the roundness preset's (0.37) by 1: a digit squared off less than that
/// hardly changes at 32 x 32 pixels, and the learned factor then tracks little of it.
pub fn angular_amount(d: f32) -> f32 {
    (3.0 * d.abs()).min(1.0)
}

/// Where the moves start from: each digit's own stroke width and slant (`None`), or a common
/// `anchor` (the dataset's mean): with an anchor, every digit is first brought to the anchor's
/// value of each statistic the shift changes, so two digits rendered at the same `lambda` share
/// it exactly. That matters when the dataset's own spread of a statistic is as large as the
/// sketches' difference (MNIST's slants spread about as much as two sketches differ): moved
/// only from where they are, "same sketch" pairs would then share little of the concept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub thickness: f32,
    pub slant: f32,
}

/// Renders grey digits as ColorMNIST images moved by `lambda * shift`.
///
/// - `ink`: `[B, 1, 32, 32]` in [0, 1] (0 background);
/// - `colours`: `[B, 3]`, each digit's ColorMNIST colour in [0, 1];
/// - `lambda`: `[B, 1]`, -1/2 toward sketch A, +1/2 toward sketch B (any value works);
/// - `anchor`: where the moves start ([`Anchor`]).
///
/// Returns `[B, 3, 32, 32]` in [-1, 1], the autoencoder's input.
pub fn stylise(
    ink: Tensor<4>,
    colours: Tensor<2>,
    lambda: Tensor<2>,
    shift: &StyleShift,
    anchor: Option<Anchor>,
) -> Tensor<4> {
    let b = ink.dims()[0];
    debug_assert_eq!(ink.dims()[2..], [SIDE_32, SIDE_32]);
    let mut ink = ink;
    if shift.angularity != 0.0 {
        // 0 at the rounder sketch's end, the full amount at the angular one.
        let full = angular_amount(shift.angularity);
        let toward_angular = if shift.angularity > 0.0 {
            lambda.clone().add_scalar(0.5)
        } else {
            lambda.clone().neg().add_scalar(0.5)
        };
        let width = thickness(&ink);
        ink = restroke(square_off(ink, toward_angular.mul_scalar(full)), width);
    }
    if shift.thickness != 0.0 {
        let start = match anchor {
            Some(a) => Tensor::<2>::zeros([b, 1], &ink.device()).add_scalar(a.thickness),
            None => thickness(&ink),
        };
        let target = start + lambda.clone().mul_scalar(shift.thickness);
        ink = restroke(ink, target);
    }
    if shift.slant != 0.0 {
        let mut s = lambda.clone().mul_scalar(shift.slant);
        if let Some(a) = anchor {
            s = s + slant(&ink).neg().add_scalar(a.slant);
        }
        ink = shear(ink, s);
    }
    let mut colours = colours;
    if shift.colour != [0.0; 3] {
        let d = Tensor::<1>::from_data(
            TensorData::new(shift.colour.map(|c| 2.0 * c).to_vec(), [3]),
            &lambda.device(),
        )
        .reshape([1, 3]);
        colours = (colours + lambda * d).clamp(0.0, 1.0);
    }
    ink.mul_scalar(2.0).sub_scalar(1.0) * colours.reshape([b, 3, 1, 1])
}
