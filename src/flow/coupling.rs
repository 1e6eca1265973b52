//! Double affine coupling (Dinh et al., RealNVP 2017; the IIN's published block).
//!
//! Split `x` into halves `a` (the first `D / 2` coordinates) and `b` (the other `D - D / 2`; one
//! more when `D` is odd). Then
//! `b <- b * exp(s1(a)) + t1(a)` and, with roles swapped, `a <- a * exp(s2(b)) + t2(b)`, where
//! every log-scale `s = tanh(S(.))` lies in (-1, 1) for stability. `log|det| = sum(s1) + sum(s2)`.
//! The inverse undoes the second half-step first: `a = (a - t2(b)) * exp(-s2(b))`, then `b`.
//! Output order is `[a, b]`: no half swap on output (the shuffle that follows mixes anyway).

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::tensor::activation::leaky_relu;
use burn::tensor::{Device, Tensor};

use super::Invertible;
use crate::rng::SplitMix64;
use crate::tensor_util::tensor2;

const LEAKY_SLOPE: f64 = 0.01;

/// An MLP `d_in -> hidden (x depth) -> d_out` with LeakyReLU(0.01) between layers. The last
/// layer starts at zero, so a fresh coupling block is the identity.
#[derive(Module, Debug)]
pub struct Subnet {
    layers: Vec<Linear>,
}

impl Subnet {
    /// Weights `U(-1/sqrt(fan_in), 1/sqrt(fan_in))` from `rng` (reproducible on every platform),
    /// last layer zero.
    pub fn new(
        d_in: usize,
        hidden: usize,
        depth: usize,
        d_out: usize,
        rng: &mut SplitMix64,
        device: &Device,
    ) -> Self {
        let mut widths = vec![d_in];
        widths.extend(std::iter::repeat_n(hidden, depth));
        widths.push(d_out);
        let n_layers = widths.len() - 1;
        let layers = (0..n_layers)
            .map(|i| {
                let (fan_in, fan_out) = (widths[i], widths[i + 1]);
                let bound = 1.0 / (fan_in as f64).sqrt();
                let last = i + 1 == n_layers;
                let mut draw = |n: usize| -> Vec<f32> {
                    (0..n)
                        .map(|_| {
                            if last {
                                0.0
                            } else {
                                ((rng.uniform() * 2.0 - 1.0) * bound) as f32
                            }
                        })
                        .collect()
                };
                let weight = tensor2(draw(fan_in * fan_out), fan_in, fan_out, device);
                let bias = Tensor::<1>::from_floats(draw(fan_out).as_slice(), device);
                Linear {
                    weight: Param::from_tensor(weight),
                    bias: Some(Param::from_tensor(bias)),
                }
            })
            .collect();
        Self { layers }
    }

    /// `[batch, d_in] -> [batch, d_out]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x, |h, (i, layer)| {
            let h = layer.forward(h);
            if i == last {
                h
            } else {
                leaky_relu(h, LEAKY_SLOPE)
            }
        })
    }
}

/// Two affine half-steps with separate scale (`s*`) and shift (`t*`) subnets.
#[derive(Module, Debug)]
pub struct DoubleAffineCoupling {
    s1: Subnet,
    t1: Subnet,
    s2: Subnet,
    t2: Subnet,
}

impl DoubleAffineCoupling {
    /// For `dim >= 2`; subnets of `depth` hidden layers of width `hidden`.
    pub fn new(
        dim: usize,
        hidden: usize,
        depth: usize,
        rng: &mut SplitMix64,
        device: &Device,
    ) -> Self {
        let (a, b) = (dim / 2, dim - dim / 2);
        let mut subnet = |d_in, d_out| Subnet::new(d_in, hidden, depth, d_out, rng, device);
        Self {
            s1: subnet(a, b),
            t1: subnet(a, b),
            s2: subnet(b, a),
            t2: subnet(b, a),
        }
    }

    fn halves(x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let dim = x.dims()[1];
        let half = dim / 2;
        (x.clone().narrow(1, 0, half), x.narrow(1, half, dim - half))
    }

    fn row_sum(s: Tensor<2>) -> Tensor<1> {
        s.sum_dim(1).squeeze_dim::<1>(1)
    }
}

impl Invertible for DoubleAffineCoupling {
    fn forward(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let (a, b) = Self::halves(x);
        let log_scale1 = self.s1.forward(a.clone()).tanh();
        let b = b * log_scale1.clone().exp() + self.t1.forward(a.clone());
        let log_scale2 = self.s2.forward(b.clone()).tanh();
        let a = a * log_scale2.clone().exp() + self.t2.forward(b.clone());
        let log_det = Self::row_sum(log_scale1) + Self::row_sum(log_scale2);
        (Tensor::cat(vec![a, b], 1), log_det)
    }

    fn inverse(&self, y: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let (a, b) = Self::halves(y);
        let log_scale2 = self.s2.forward(b.clone()).tanh();
        let a = (a - self.t2.forward(b.clone())) * log_scale2.clone().neg().exp();
        let log_scale1 = self.s1.forward(a.clone()).tanh();
        let b = (b - self.t1.forward(a.clone())) * log_scale1.clone().neg().exp();
        let log_det = (Self::row_sum(log_scale1) + Self::row_sum(log_scale2)).neg();
        (Tensor::cat(vec![a, b], 1), log_det)
    }
}
