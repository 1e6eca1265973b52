//! The flow's training losses (METHOD.md §3), exact negative log-likelihoods in nats.
//!
//! Unsupervised: `z~ = T(z) ~ N(0, I)`, so
//! `-log p(z) = 0.5 ||z~||^2 + 0.5 D log(2 pi) - log|det dT/dz|`.
//!
//! Pairs: in the shared coordinates the two codes are correlated Gaussians,
//! `z~_b | z~_a ~ N(rho z~_a, (1 - rho^2) I)`; elsewhere `z~_b ~ N(0, I)`, independent. Per pair
//! `-log p(z_a, z_b) = 0.5||z~_a||^2 - logdet_a - logdet_b + D log(2 pi)
//!   + sum_shared [0.5 (z~_b - rho z~_a)^2 / (1 - rho^2) + 0.5 log(1 - rho^2)]
//!   + sum_other 0.5 z~_b^2`.
//! Both losses are means over the batch and return a tensor of shape `[1]`.

use burn::tensor::Tensor;

use crate::error::{IinError, Result};

/// `log(2 pi)`.
pub const LOG_2PI: f64 = 1.837_877_066_409_345_3;

/// The default correlation of a shared factor (published value).
pub const DEFAULT_RHO: f64 = 0.975;

/// Mean unsupervised negative log-likelihood of `z` given `z~ = T(z)` (`[batch, D]`) and
/// `log_det` (`[batch]`).
pub fn nll(z_tilde: Tensor<2>, log_det: Tensor<1>) -> Tensor<1> {
    let d = z_tilde.dims()[1] as f64;
    let energy = z_tilde
        .square()
        .sum_dim(1)
        .squeeze_dim::<1>(1)
        .mul_scalar(0.5);
    (energy - log_det).mean().add_scalar(0.5 * d * LOG_2PI)
}

/// The pair loss with correlation `rho` in the shared coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairLoss {
    rho: f64,
}

impl Default for PairLoss {
    fn default() -> Self {
        Self { rho: DEFAULT_RHO }
    }
}

impl PairLoss {
    /// `rho` must lie strictly between 0 and 1.
    pub fn new(rho: f64) -> Result<Self> {
        if !(rho > 0.0 && rho < 1.0) {
            return Err(IinError::InvalidConfig(format!(
                "the pair correlation rho must lie in (0, 1), got {rho}"
            )));
        }
        Ok(Self { rho })
    }

    pub fn rho(&self) -> f64 {
        self.rho
    }

    /// Mean pair NLL. `shared` (`[batch, D]`, 0 or 1) marks the coordinates each pair shares,
    /// e.g. from [`crate::factors::Factors::shared_mask_batch`].
    pub fn forward(
        &self,
        z_tilde_a: Tensor<2>,
        log_det_a: Tensor<1>,
        z_tilde_b: Tensor<2>,
        log_det_b: Tensor<1>,
        shared: Tensor<2>,
    ) -> Tensor<1> {
        let d = z_tilde_a.dims()[1] as f64;
        let one_minus_rho2 = 1.0 - self.rho * self.rho;
        let energy_a = z_tilde_a.clone().square().mul_scalar(0.5);
        let correlated = (z_tilde_b.clone() - z_tilde_a.mul_scalar(self.rho))
            .square()
            .mul_scalar(0.5 / one_minus_rho2)
            .add_scalar(0.5 * one_minus_rho2.ln());
        let independent = z_tilde_b.square().mul_scalar(0.5);
        let energy_b = shared.clone() * correlated + (shared.neg().add_scalar(1.0)) * independent;
        let per_pair = (energy_a + energy_b).sum_dim(1).squeeze_dim::<1>(1) - log_det_a - log_det_b;
        per_pair.mean().add_scalar(d * LOG_2PI)
    }
}
