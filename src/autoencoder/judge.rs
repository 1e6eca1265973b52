//! An independent classifier that judges generated images: class accuracy of samples and the
//! Fréchet distance between feature statistics of real and generated images (an FID in the
//! spirit of Heusel et al. 2017, with this small network in place of Inception).
//!
//! Deliberately unlike [`super::Classifier`] so that it does not share its blind spots: `3x3`
//! kernels, a full-resolution first layer, four convolutions (widths `c, 2c, 4c, 4c`,
//! 32 -> 32 -> 16 -> 8 -> 4), a wider dense layer whose *activated* output is the feature
//! (as Inception's pooled features are), another seed.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::nn::Linear;
use burn::tensor::{Device, Tensor};

use super::classifier::ImageClassifier;
use super::layers::{act, conv2d, leaky_gain, linear};
use crate::error::{IinError, Result};
use crate::rng::SplitMix64;

/// Everything that fixes the judge's architecture and its initial weights.
#[derive(Config, Debug, PartialEq)]
pub struct JudgeConfig {
    /// Number of classes.
    #[config(default = 10)]
    pub classes: usize,
    /// Dimension of the penultimate feature used for Fréchet distances.
    #[config(default = 128)]
    pub feature_dim: usize,
    /// Width `c` of the first convolution; the others are `2c`, `4c`, `4c`.
    #[config(default = 16)]
    pub base_channels: usize,
    /// Seed of the initial weights.
    #[config(default = 2)]
    pub seed: u64,
}

impl JudgeConfig {
    /// Fails on a zero size.
    pub fn validate(&self) -> Result<()> {
        if self.classes < 2 || self.feature_dim == 0 || self.base_channels == 0 {
            return Err(IinError::InvalidConfig(format!(
                "judge needs classes >= 2 (got {}), feature_dim >= 1 (got {}) and \
                 base_channels >= 1 (got {})",
                self.classes, self.feature_dim, self.base_channels
            )));
        }
        Ok(())
    }

    /// A fresh judge with seeded weights.
    pub fn init(&self, device: &Device) -> Result<Judge> {
        self.validate()?;
        let mut rng = SplitMix64::new(self.seed);
        let c = self.base_channels;
        let g = leaky_gain();
        Ok(Judge {
            conv1: conv2d([3, c], 3, 1, 1, g, &mut rng, device),
            conv2: conv2d([c, 2 * c], 3, 2, 1, g, &mut rng, device),
            conv3: conv2d([2 * c, 4 * c], 3, 2, 1, g, &mut rng, device),
            conv4: conv2d([4 * c, 4 * c], 3, 2, 1, g, &mut rng, device),
            dense: linear(4 * c * 16, self.feature_dim, g, &mut rng, device),
            out: linear(self.feature_dim, self.classes, 1.0, &mut rng, device),
            config: self.clone(),
        })
    }
}

/// The judge: `logits(x) = out(features(x))`.
#[derive(Module, Debug)]
pub struct Judge {
    conv1: Conv2d,
    conv2: Conv2d,
    conv3: Conv2d,
    conv4: Conv2d,
    dense: Linear,
    out: Linear,
    #[module(skip)]
    config: JudgeConfig,
}

impl Judge {
    /// The configuration that built this judge.
    pub fn config(&self) -> &JudgeConfig {
        &self.config
    }

    /// Images `[B, 3, 32, 32]` to the penultimate feature `[B, feature_dim]` (activated).
    pub fn features(&self, x: Tensor<4>) -> Tensor<2> {
        let h = act(self.conv1.forward(x));
        let h = act(self.conv2.forward(h));
        let h = act(self.conv3.forward(h));
        let h = act(self.conv4.forward(h));
        act(self.dense.forward(h.flatten(1, 3)))
    }
}

impl ImageClassifier for Judge {
    fn classes(&self) -> usize {
        self.config.classes
    }

    fn logits(&self, x: Tensor<4>) -> Tensor<2> {
        self.out.forward(self.features(x))
    }
}
