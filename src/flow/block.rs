//! One flow block: `ActNorm -> DoubleAffineCoupling -> Shuffle`; the inverse runs the three
//! backwards.

use burn::module::Module;
use burn::tensor::{Device, Tensor};

use super::{ActNorm, DoubleAffineCoupling, Invertible, Shuffle};
use crate::rng::SplitMix64;

#[derive(Module, Debug)]
pub struct FlowBlock {
    pub actnorm: ActNorm,
    pub coupling: DoubleAffineCoupling,
    pub shuffle: Shuffle,
}

impl FlowBlock {
    pub fn new(
        dim: usize,
        hidden: usize,
        depth: usize,
        rng: &mut SplitMix64,
        device: &Device,
    ) -> Self {
        let coupling = DoubleAffineCoupling::new(dim, hidden, depth, rng, device);
        let shuffle_seed = rng.next_u64();
        Self {
            actnorm: ActNorm::new(dim, device),
            coupling,
            shuffle: Shuffle::new(dim, shuffle_seed, device),
        }
    }
}

impl Invertible for FlowBlock {
    fn forward(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let (x, ld_norm) = self.actnorm.forward(x);
        let (x, ld_coupling) = self.coupling.forward(x);
        let (x, ld_shuffle) = self.shuffle.forward(x);
        (x, ld_norm + ld_coupling + ld_shuffle)
    }

    fn inverse(&self, y: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let (y, ld_shuffle) = self.shuffle.inverse(y);
        let (y, ld_coupling) = self.coupling.inverse(y);
        let (y, ld_norm) = self.actnorm.inverse(y);
        (y, ld_shuffle + ld_coupling + ld_norm)
    }
}
