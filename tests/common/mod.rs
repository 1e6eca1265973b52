//! Shared fixtures for the integration tests.
#![allow(dead_code)]

use burn::tensor::{Device, Tensor};
use iin::rng::SplitMix64;
use iin::tensor_util::tensor2;

pub fn cpu() -> Device {
    Device::flex()
}

/// `[n, d]` samples of `N(mean, std^2)` per coordinate, seeded.
pub fn gaussian(n: usize, d: usize, mean: f32, std: f32, seed: u64) -> Tensor<2> {
    let v = SplitMix64::new(seed)
        .normals(n * d)
        .into_iter()
        .map(|x| mean + std * x)
        .collect();
    tensor2(v, n, d, &cpu())
}

pub fn max_abs(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}
