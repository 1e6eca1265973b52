//! A fixed random permutation of the coordinates (log-det 0). The permutation and its inverse
//! are stored as (non-trainable) integer parameters, so they travel with the weights; a loaded
//! flow never depends on re-drawing them.

use burn::module::{Module, Param, ParamId};
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::Invertible;
use crate::rng::SplitMix64;

/// `y[:, i] = x[:, perm[i]]`.
#[derive(Module, Debug)]
pub struct Shuffle {
    perm: Param<Tensor<1, Int>>,
    inv_perm: Param<Tensor<1, Int>>,
}

impl Shuffle {
    /// A permutation of `dim` coordinates drawn from `seed`.
    pub fn new(dim: usize, seed: u64, device: &Device) -> Self {
        Self::from_permutation(&SplitMix64::new(seed).permutation(dim), device)
    }

    /// From an explicit permutation of `0..dim` (the caller guarantees it is one).
    pub fn from_permutation(perm: &[usize], device: &Device) -> Self {
        let mut inv = vec![0usize; perm.len()];
        for (i, &p) in perm.iter().enumerate() {
            inv[p] = i;
        }
        let to_tensor = |v: &[usize]| {
            let data = TensorData::new(v.iter().map(|&i| i as i64).collect(), [v.len()]);
            Param::initialized(ParamId::new(), Tensor::<1, Int>::from_data(data, device))
        };
        Self {
            perm: to_tensor(perm),
            inv_perm: to_tensor(&inv),
        }
    }

    /// The permutation as host indices.
    pub fn permutation(&self) -> Vec<usize> {
        self.perm
            .val()
            .into_data()
            .convert::<i64>()
            .try_into_vec::<i64>()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i as usize)
            .collect()
    }

    fn zero_log_det(x: &Tensor<2>) -> Tensor<1> {
        Tensor::zeros([x.dims()[0]], &x.device())
    }
}

impl Invertible for Shuffle {
    fn forward(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let log_det = Self::zero_log_det(&x);
        (x.select(1, self.perm.val()), log_det)
    }

    fn inverse(&self, y: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let log_det = Self::zero_log_det(&y);
        (y.select(1, self.inv_perm.val()), log_det)
    }
}
