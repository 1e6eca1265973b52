//! The flow `T`: `n_blocks` [`FlowBlock`]s. Forward sums the blocks' log-dets; the inverse walks
//! the blocks backwards.

use burn::config::Config;
use burn::module::Module;
use burn::tensor::{Device, Tensor};

use super::{FlowBlock, Invertible};
use crate::error::{IinError, Result};
use crate::rng::SplitMix64;
use crate::tensor_util::{ensure_batch_of, ensure_finite};

/// Everything that fixes the flow's architecture and its initial weights.
#[derive(Config, Debug, PartialEq)]
pub struct FlowConfig {
    /// Dimension `D` of the code (even).
    pub dim: usize,
    /// Number of blocks.
    #[config(default = 4)]
    pub n_blocks: usize,
    /// Width `H` of the coupling subnets' hidden layers.
    #[config(default = 128)]
    pub hidden: usize,
    /// Number of hidden layers in each coupling subnet.
    #[config(default = 2)]
    pub depth: usize,
    /// Seed of the initial weights and of the shuffles.
    #[config(default = 0)]
    pub seed: u64,
}

impl FlowConfig {
    /// Fails on an odd or zero dimension, or a zero block count or width.
    pub fn validate(&self) -> Result<()> {
        if self.dim < 2 || !self.dim.is_multiple_of(2) {
            return Err(IinError::OddDimension(self.dim));
        }
        if self.n_blocks == 0 || self.hidden == 0 {
            return Err(IinError::InvalidConfig(format!(
                "n_blocks ({}) and hidden ({}) must be at least 1",
                self.n_blocks, self.hidden
            )));
        }
        Ok(())
    }

    /// A fresh flow: the identity map (every coupling's last layer is zero, every ActNorm is
    /// the identity until [`Flow::init_from_batch`]).
    pub fn init(&self, device: &Device) -> Result<Flow> {
        self.validate()?;
        let mut rng = SplitMix64::new(self.seed);
        let blocks = (0..self.n_blocks)
            .map(|_| FlowBlock::new(self.dim, self.hidden, self.depth, &mut rng, device))
            .collect();
        Ok(Flow {
            blocks,
            config: self.clone(),
        })
    }
}

/// The invertible network `T`: `z~ = T(z)`, `z = T^-1(z~)`.
#[derive(Module, Debug)]
pub struct Flow {
    pub blocks: Vec<FlowBlock>,
    #[module(skip)]
    config: FlowConfig,
}

impl Flow {
    /// The configuration that built this flow.
    pub fn config(&self) -> &FlowConfig {
        &self.config
    }

    pub fn dim(&self) -> usize {
        self.config.dim
    }

    /// `z` (`[batch, D]`) to `(z~, log|det dT/dz|)` with `log_det` of shape `[batch]`.
    pub fn forward(&self, z: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let batch = z.dims()[0];
        let init = (z.clone(), Tensor::zeros([batch], &z.device()));
        self.blocks.iter().fold(init, |(x, ld), block| {
            let (y, ld_block) = block.forward(x);
            (y, ld + ld_block)
        })
    }

    /// `z~` (`[batch, D]`) to `(z, log|det dT^-1/dz~|)`.
    pub fn inverse(&self, z_tilde: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let batch = z_tilde.dims()[0];
        let init = (z_tilde.clone(), Tensor::zeros([batch], &z_tilde.device()));
        self.blocks.iter().rev().fold(init, |(y, ld), block| {
            let (x, ld_block) = block.inverse(y);
            (x, ld + ld_block)
        })
    }

    /// [`Flow::forward`] for untrusted input: checks the shape and that every value is finite.
    pub fn forward_checked(&self, z: Tensor<2>) -> Result<(Tensor<2>, Tensor<1>)> {
        ensure_batch_of(&z, self.dim(), "flow input z")?;
        ensure_finite(&z, "flow input z")?;
        Ok(self.forward(z))
    }

    /// [`Flow::inverse`] for untrusted input: checks the shape and that every value is finite.
    pub fn inverse_checked(&self, z_tilde: Tensor<2>) -> Result<(Tensor<2>, Tensor<1>)> {
        ensure_batch_of(&z_tilde, self.dim(), "flow input z~")?;
        ensure_finite(&z_tilde, "flow input z~")?;
        Ok(self.inverse(z_tilde))
    }

    /// The data-dependent initialisation: each block's ActNorm is set from the batch as it
    /// arrives at that block, so every ActNorm sees standardised inputs. Call once before
    /// training, with a batch of real latents (`[n >= 2, D]`).
    pub fn init_from_batch(self, z: &Tensor<2>) -> Result<Self> {
        let Flow { blocks, config } = self;
        let mut x = z.clone().detach();
        let mut initialised = Vec::with_capacity(blocks.len());
        for mut block in blocks {
            block.actnorm = block.actnorm.init_from_batch(&x)?;
            x = block.forward(x).0.detach();
            initialised.push(block);
        }
        Ok(Flow {
            blocks: initialised,
            config,
        })
    }

    /// Whether [`Flow::init_from_batch`] has run (on every block).
    pub fn is_initialized(&self) -> bool {
        self.blocks.iter().all(|b| b.actnorm.is_initialized())
    }
}

impl Invertible for Flow {
    fn forward(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        Flow::forward(self, x)
    }

    fn inverse(&self, y: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        Flow::inverse(self, y)
    }
}
