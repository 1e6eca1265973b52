//! The flow `T`: `n_blocks` [`FlowBlock`]s, then any number of heads. Forward sums the blocks'
//! log-dets; the inverse walks the blocks backwards.
//!
//! A head ([`FlowHead`]) is a small flow on a contiguous range of `z~` (the coordinates
//! `offset..offset + dim`), applied after the base blocks. A concept is learned as a head on the
//! residual (`crate::concepts`): it changes nothing outside its range, so the factors before it
//! (digit, colour, earlier concepts) stay exactly what they were.

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
    /// Dimension `D` of the code (at least 2).
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
    /// Heads after the base blocks, in order (absent in flows without one).
    pub heads: Option<Vec<HeadConfig>>,
}

/// A head: `n_blocks` blocks on `z~[offset..offset + dim]`.
#[derive(Config, Debug, PartialEq)]
pub struct HeadConfig {
    pub offset: usize,
    /// At least 2.
    pub dim: usize,
    #[config(default = 2)]
    pub n_blocks: usize,
    #[config(default = 64)]
    pub hidden: usize,
    #[config(default = 2)]
    pub depth: usize,
    #[config(default = 0)]
    pub seed: u64,
}

impl HeadConfig {
    fn init(&self, device: &Device) -> FlowHead {
        let mut rng = SplitMix64::new(self.seed);
        FlowHead {
            blocks: (0..self.n_blocks)
                .map(|_| FlowBlock::new(self.dim, self.hidden, self.depth, &mut rng, device))
                .collect(),
            offset: self.offset,
            dim: self.dim,
        }
    }
}

impl FlowConfig {
    /// Fails on a dimension under 2, a zero block count or width, or a head outside the code.
    pub fn validate(&self) -> Result<()> {
        if self.dim < 2 {
            return Err(IinError::OddDimension(self.dim));
        }
        if self.n_blocks == 0 || self.hidden == 0 {
            return Err(IinError::InvalidConfig(format!(
                "n_blocks ({}) and hidden ({}) must be at least 1",
                self.n_blocks, self.hidden
            )));
        }
        for h in self.heads.iter().flatten() {
            if h.dim < 2 || h.offset + h.dim > self.dim || h.n_blocks == 0 || h.hidden == 0 {
                return Err(IinError::InvalidConfig(format!(
                    "a head of {} dimensions at offset {} ({} blocks of width {}) does not fit a flow of dimension {}; heads need at least 2 dimensions, 1 block and width 1",
                    h.dim, h.offset, h.n_blocks, h.hidden, self.dim
                )));
            }
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
        let heads = self
            .heads
            .iter()
            .flatten()
            .map(|h| h.init(device))
            .collect();
        Ok(Flow {
            blocks,
            heads,
            config: self.clone(),
        })
    }
}

/// A small flow on the coordinates `offset..offset + dim` of `z~`; the others pass through.
#[derive(Module, Debug)]
pub struct FlowHead {
    pub blocks: Vec<FlowBlock>,
    #[module(skip)]
    offset: usize,
    #[module(skip)]
    dim: usize,
}

impl FlowHead {
    /// The head's range of coordinates.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.dim
    }

    /// `(before, inside, after)` of `x` around the head's range (burn cannot narrow to an
    /// empty range, so an empty side is `None`).
    fn split(&self, x: Tensor<2>) -> (Option<Tensor<2>>, Tensor<2>, Option<Tensor<2>>) {
        let d = x.dims()[1];
        let end = self.offset + self.dim;
        let before = (self.offset > 0).then(|| x.clone().narrow(1, 0, self.offset));
        let after = (end < d).then(|| x.clone().narrow(1, end, d - end));
        (before, x.narrow(1, self.offset, self.dim), after)
    }

    fn join(before: Option<Tensor<2>>, inside: Tensor<2>, after: Option<Tensor<2>>) -> Tensor<2> {
        match (before, after) {
            (None, None) => inside,
            (before, after) => {
                Tensor::cat(before.into_iter().chain([inside]).chain(after).collect(), 1)
            }
        }
    }

    /// The head alone on its own coordinates (`[batch, dim]`).
    pub fn forward_inside(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        forward_blocks(&self.blocks, x)
    }

    /// The data-dependent initialisation of the head's ActNorms, from a batch of its own
    /// coordinates (`[n >= 2, dim]`).
    pub fn init_from_batch(self, inside: &Tensor<2>) -> Result<Self> {
        let (blocks, _) = init_blocks(self.blocks, inside)?;
        Ok(FlowHead { blocks, ..self })
    }
}

impl Invertible for FlowHead {
    /// On full codes `[batch, D]`: the head's range is transformed, the rest passes through.
    fn forward(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let (before, inside, after) = self.split(x);
        let (inside, ld) = self.forward_inside(inside);
        (Self::join(before, inside, after), ld)
    }

    fn inverse(&self, y: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let (before, inside, after) = self.split(y);
        let (inside, ld) = inverse_blocks(&self.blocks, inside);
        (Self::join(before, inside, after), ld)
    }
}

/// The invertible network `T`: `z~ = T(z)`, `z = T^-1(z~)`.
#[derive(Module, Debug)]
pub struct Flow {
    pub blocks: Vec<FlowBlock>,
    pub heads: Vec<FlowHead>,
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
        let base = forward_blocks(&self.blocks, z);
        self.heads.iter().fold(base, |(x, ld), head| {
            let (y, ld_head) = head.forward(x);
            (y, ld + ld_head)
        })
    }

    /// `z~` (`[batch, D]`) to `(z, log|det dT^-1/dz~|)`.
    pub fn inverse(&self, z_tilde: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
        let batch = z_tilde.dims()[0];
        let init = (z_tilde.clone(), Tensor::zeros([batch], &z_tilde.device()));
        let (y, ld_heads) = self.heads.iter().rev().fold(init, |(y, ld), head| {
            let (x, ld_head) = head.inverse(y);
            (x, ld + ld_head)
        });
        let (z, ld_blocks) = inverse_blocks(&self.blocks, y);
        (z, ld_heads + ld_blocks)
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
        let Flow {
            blocks,
            heads,
            config,
        } = self;
        let (initialised, mut x) = init_blocks(blocks, z)?;
        let mut initialised_heads = Vec::with_capacity(heads.len());
        for head in heads {
            let inside = x.clone().narrow(1, head.offset, head.dim);
            let head = head.init_from_batch(&inside)?;
            x = head.forward(x).0.detach();
            initialised_heads.push(head);
        }
        Ok(Flow {
            blocks: initialised,
            heads: initialised_heads,
            config,
        })
    }

    /// Whether [`Flow::init_from_batch`] has run (on every block).
    pub fn is_initialized(&self) -> bool {
        self.blocks.iter().all(|b| b.actnorm.is_initialized())
            && self
                .heads
                .iter()
                .all(|h| h.blocks.iter().all(|b| b.actnorm.is_initialized()))
    }

    /// A fresh head (`config`, on this flow's device), initialised from the flow's own `z~` of
    /// the codes `z` (`[n >= 2, D]`); a fresh head is the identity on its range up to ActNorm.
    pub fn new_head(&self, config: &HeadConfig, z: &Tensor<2>) -> Result<FlowHead> {
        let mut with = self.config.clone();
        with.heads = Some(vec![config.clone()]);
        with.validate()?;
        let z_tilde = self.forward(z.clone().detach()).0.detach();
        config
            .init(&z.device())
            .init_from_batch(&z_tilde.narrow(1, config.offset, config.dim))
    }

    /// This flow followed by `head` (made by [`Flow::new_head`] with `config`).
    pub fn with_head(self, config: HeadConfig, head: FlowHead) -> Result<Flow> {
        if head.range() != (config.offset..config.offset + config.dim) {
            return Err(IinError::InvalidConfig(format!(
                "the head covers {:?} but its config says {}..{}",
                head.range(),
                config.offset,
                config.offset + config.dim
            )));
        }
        let Flow {
            blocks,
            mut heads,
            config: mut config_of,
        } = self;
        config_of.heads.get_or_insert_with(Vec::new).push(config);
        config_of.validate()?;
        heads.push(head);
        Ok(Flow {
            blocks,
            heads,
            config: config_of,
        })
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

/// `blocks` in order: `x` (`[batch, d]`) to `(y, the blocks' summed log-det)`.
fn forward_blocks(blocks: &[FlowBlock], x: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
    let batch = x.dims()[0];
    let init = (x.clone(), Tensor::zeros([batch], &x.device()));
    blocks.iter().fold(init, |(x, ld), block| {
        let (y, ld_block) = block.forward(x);
        (y, ld + ld_block)
    })
}

/// `blocks` backwards: `y` to `(x, the summed log-det of the inverse)`.
fn inverse_blocks(blocks: &[FlowBlock], y: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
    let batch = y.dims()[0];
    let init = (y.clone(), Tensor::zeros([batch], &y.device()));
    blocks.iter().rev().fold(init, |(y, ld), block| {
        let (x, ld_block) = block.inverse(y);
        (x, ld + ld_block)
    })
}

/// Sets each block's ActNorm from the batch as it arrives at that block, so every ActNorm sees
/// standardised inputs; returns the blocks and the batch after the last one (detached).
fn init_blocks(blocks: Vec<FlowBlock>, x: &Tensor<2>) -> Result<(Vec<FlowBlock>, Tensor<2>)> {
    let mut x = x.clone().detach();
    let mut initialised = Vec::with_capacity(blocks.len());
    for mut block in blocks {
        block.actnorm = block.actnorm.init_from_batch(&x)?;
        x = block.forward(x).0.detach();
        initialised.push(block);
    }
    Ok((initialised, x))
}
