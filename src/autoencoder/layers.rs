//! Seeded layer constructors shared by the autoencoder and the classifiers.
//!
//! burn's own initialisers draw from a global device RNG (and may initialise lazily), so two
//! builds of the same config need not agree. These draw every weight from a [`SplitMix64`]
//! instead: `U(-bound, bound)` with `bound = gain * sqrt(3 / fan_in)` (variance
//! `gain^2 / fan_in`, He/Kaiming scaling), biases zero. The same seed gives the same weights on
//! every platform.

use burn::module::Param;
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{Linear, PaddingConfig2d};
use burn::tensor::activation::leaky_relu;
use burn::tensor::{Device, Tensor, TensorData};

use crate::rng::SplitMix64;

/// Negative slope of every hidden LeakyReLU in these networks.
pub(crate) const LEAKY_SLOPE: f64 = 0.2;

/// Gain that keeps the activation variance constant through `LeakyReLU(LEAKY_SLOPE)`.
pub(crate) fn leaky_gain() -> f64 {
    (2.0 / (1.0 + LEAKY_SLOPE * LEAKY_SLOPE)).sqrt()
}

/// The hidden nonlinearity.
pub(crate) fn act<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    leaky_relu(x, LEAKY_SLOPE)
}

fn uniform(n: usize, fan_in: usize, gain: f64, rng: &mut SplitMix64) -> Vec<f32> {
    let bound = gain * (3.0 / fan_in as f64).sqrt();
    (0..n)
        .map(|_| ((rng.uniform() * 2.0 - 1.0) * bound) as f32)
        .collect()
}

fn zero_bias(n: usize, device: &Device) -> Option<Param<Tensor<1>>> {
    Some(Param::from_tensor(Tensor::zeros([n], device)))
}

/// A `k x k` convolution `[c_in, c_out]` with the given stride and symmetric padding.
pub(crate) fn conv2d(
    [c_in, c_out]: [usize; 2],
    kernel: usize,
    stride: usize,
    padding: usize,
    gain: f64,
    rng: &mut SplitMix64,
    device: &Device,
) -> Conv2d {
    let shape = [c_out, c_in, kernel, kernel];
    let values = uniform(shape.iter().product(), c_in * kernel * kernel, gain, rng);
    Conv2d {
        weight: Param::from_tensor(Tensor::from_data(TensorData::new(values, shape), device)),
        bias: zero_bias(c_out, device),
        stride: [stride, stride],
        kernel_size: [kernel, kernel],
        dilation: [1, 1],
        groups: 1,
        padding: PaddingConfig2d::Explicit(padding, padding, padding, padding),
    }
}

/// A `k x k` transposed convolution `[c_in, c_out]`; with `kernel = 4, stride = 2, padding = 1`
/// it doubles the height and width exactly.
pub(crate) fn conv_transpose2d(
    [c_in, c_out]: [usize; 2],
    kernel: usize,
    stride: usize,
    padding: usize,
    gain: f64,
    rng: &mut SplitMix64,
    device: &Device,
) -> ConvTranspose2d {
    // burn stores transposed-conv weights as [c_in, c_out, k, k].
    let shape = [c_in, c_out, kernel, kernel];
    // Each output pixel sums over c_in * (k / stride)^2 weights.
    let fan_in = (c_in * kernel * kernel / (stride * stride)).max(1);
    let values = uniform(shape.iter().product(), fan_in, gain, rng);
    ConvTranspose2d {
        weight: Param::from_tensor(Tensor::from_data(TensorData::new(values, shape), device)),
        bias: zero_bias(c_out, device),
        stride: [stride, stride],
        kernel_size: [kernel, kernel],
        dilation: [1, 1],
        groups: 1,
        padding: [padding, padding],
        padding_out: [0, 0],
        channels: [c_in, c_out],
    }
}

/// A dense layer `d_in -> d_out` (weight stored `[d_in, d_out]`, as burn's `Linear`).
pub(crate) fn linear(
    d_in: usize,
    d_out: usize,
    gain: f64,
    rng: &mut SplitMix64,
    device: &Device,
) -> Linear {
    let values = uniform(d_in * d_out, d_in, gain, rng);
    Linear {
        weight: Param::from_tensor(Tensor::from_data(
            TensorData::new(values, [d_in, d_out]),
            device,
        )),
        bias: zero_bias(d_out, device),
    }
}
