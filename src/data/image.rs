//! MNIST's 28 x 28 grey bytes to the network's 32 x 32 floats in [-1, 1].
//!
//! 28 -> 32 by padding two background pixels on each side, not by resizing: it is exact (no
//! resampling blur, every pixel keeps its value), keeps MNIST's centring of the digit's centre of
//! mass, and is what LeNet-5 did to reach 32 x 32. The digit keeps its 20 x 20 box, now with a
//! 6-pixel margin, which also leaves room for thickening, shear and scale (`morpho`).
//!
//! Grey `v` in 0..=255 maps to `v / 127.5 - 1` (background -1, full ink +1). For training a
//! density model, [`dequantise`] spreads each grey level over its bin instead:
//! `2 (v + u) / 256 - 1` with `u ~ U[0, 1)` per pixel, values in [-1, 1) (Theis et al. 2016;
//! Dinh et al. 2017), so the model sees a continuous density and not 256 spikes.

use crate::rng::SplitMix64;

use super::idx::{PIXELS, SIDE};

/// Side of the network's images.
pub const SIDE_32: usize = 32;
/// Pixels in one 32 x 32 image.
pub const PIXELS_32: usize = SIDE_32 * SIDE_32;
const PAD: usize = (SIDE_32 - SIDE) / 2;

/// 28 x 28 grey bytes (`784`) to 32 x 32 (`1024`), two background (0) pixels on every side.
pub fn pad_to_32(image: &[u8]) -> Vec<u8> {
    assert_eq!(image.len(), PIXELS, "an MNIST image has 28 x 28 pixels");
    let mut out = vec![0u8; PIXELS_32];
    for (y, row) in image.chunks_exact(SIDE).enumerate() {
        let start = (y + PAD) * SIDE_32 + PAD;
        out[start..start + SIDE].copy_from_slice(row);
    }
    out
}

/// Grey bytes to [-1, 1]: `v / 127.5 - 1`.
pub fn to_signed(image: &[u8]) -> Vec<f32> {
    image.iter().map(|&v| v as f32 / 127.5 - 1.0).collect()
}

/// Grey bytes to [-1, 1) with one grey level of uniform noise per pixel: `2 (v + u) / 256 - 1`.
pub fn dequantise(image: &[u8], rng: &mut SplitMix64) -> Vec<f32> {
    image
        .iter()
        .map(|&v| ((v as f64 + rng.uniform()) / 128.0 - 1.0) as f32)
        .collect()
}

/// An MNIST digit as the network's clean grey input: padded to 32 x 32, in [-1, 1] (`1024`).
pub fn grey32(image28: &[u8]) -> Vec<f32> {
    to_signed(&pad_to_32(image28))
}

/// An MNIST digit as a training input: padded to 32 x 32 and dequantised (`1024`).
pub fn grey32_dequantised(image28: &[u8], rng: &mut SplitMix64) -> Vec<f32> {
    dequantise(&pad_to_32(image28), rng)
}

/// [-1, 1] to [0, 1] ink intensity (`morpho` works on ink).
pub fn signed_to_ink(image: &[f32]) -> Vec<f32> {
    image.iter().map(|&v| (v + 1.0) * 0.5).collect()
}

/// [0, 1] ink intensity back to [-1, 1].
pub fn ink_to_signed(ink: &[f32]) -> Vec<f32> {
    ink.iter().map(|&v| v * 2.0 - 1.0).collect()
}
