//! ActNorm (Kingma & Dhariwal, Glow 2018): `y = exp(log_scale) * (x + shift)` per dimension.
//!
//! `log|det| = sum_d log_scale_d`, the same for every sample. A fresh layer is the identity;
//! [`ActNorm::init_from_batch`] is the explicit data-dependent initialisation step (METHOD.md §2:
//! `shift = -mean`, `scale = 1 / (std + 1e-6)`) that training calls once. Whether that step has
//! run is stored as a parameter, so it survives saving and loading.

use burn::module::{Module, Param, ParamId};
use burn::tensor::{Device, Int, Tensor};

use super::Invertible;
use crate::error::{IinError, Result};
use crate::tensor_util::{ensure_batch_of, ensure_finite};

/// Per-dimension affine normalisation with a data-dependent initialisation.
#[derive(Module, Debug)]
pub struct ActNorm {
    /// `b`, shape `[dim]`.
    pub shift: Param<Tensor<1>>,
    /// `log s`, shape `[dim]`; the scale is kept positive by construction.
    pub log_scale: Param<Tensor<1>>,
    /// `[1]`: 1 once [`ActNorm::init_from_batch`] has run, else 0. Not trainable.
    initialized: Param<Tensor<1, Int>>,
}

impl ActNorm {
    /// The identity on `dim` coordinates, not yet initialised from data.
    pub fn new(dim: usize, device: &Device) -> Self {
        Self {
            shift: Param::from_tensor(Tensor::zeros([dim], device)),
            log_scale: Param::from_tensor(Tensor::zeros([dim], device)),
            initialized: Param::initialized(ParamId::new(), Tensor::zeros([1], device)),
        }
    }

    /// Whether [`ActNorm::init_from_batch`] has set this layer from data.
    pub fn is_initialized(&self) -> bool {
        self.initialized.val().into_scalar::<i64>() != 0
    }

    /// Sets `shift` and `log_scale` so that `batch` (`[n >= 2, dim]`) comes out with mean 0 and
    /// standard deviation 1 per dimension.
    pub fn init_from_batch(self, batch: &Tensor<2>) -> Result<Self> {
        let dim = self.shift.dims()[0];
        ensure_batch_of(batch, dim, "ActNorm initialisation batch")?;
        ensure_finite(batch, "ActNorm initialisation batch")?;
        if batch.dims()[0] < 2 {
            return Err(IinError::InvalidConfig(
                "ActNorm needs a batch of at least 2 latents to estimate a standard deviation"
                    .into(),
            ));
        }
        let device = batch.device();
        let batch = batch.clone().detach();
        let mean = batch.clone().mean_dim(0).squeeze_dim::<1>(0);
        let std = batch.var_bias(0).squeeze_dim::<1>(0).sqrt();
        let log_scale = (std + 1e-6).log().neg();
        Ok(Self {
            shift: Param::from_tensor(mean.neg()),
            log_scale: Param::from_tensor(log_scale),
            initialized: Param::initialized(ParamId::new(), Tensor::ones([1], &device)),
        })
    }

    fn log_det(&self, batch: usize) -> Tensor<1> {
        self.log_scale.val().sum().expand([batch])
    }
}

impl Invertible for ActNorm {
    fn forward(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let batch = x.dims()[0];
        let shift = self.shift.val().unsqueeze_dim::<2>(0);
        let scale = self.log_scale.val().exp().unsqueeze_dim::<2>(0);
        ((x + shift) * scale, self.log_det(batch))
    }

    fn inverse(&self, y: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let batch = y.dims()[0];
        let shift = self.shift.val().unsqueeze_dim::<2>(0);
        let inv_scale = self.log_scale.val().neg().exp().unsqueeze_dim::<2>(0);
        (y * inv_scale - shift, self.log_det(batch).neg())
    }
}
