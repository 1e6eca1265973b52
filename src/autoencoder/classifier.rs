//! The classifier that the IIN explains (METHOD.md §6), and the shared classification helpers.
//!
//! `x [B, 3, 32, 32] -> feature [B, feature_dim] -> head -> logits [B, classes]`. Three `4x4`
//! stride-2 convolutions (widths `c, 2c, 4c`, 32 -> 16 -> 8 -> 4) and a dense layer give the
//! 64-d `feature`: the penultimate layer *before* its nonlinearity, so its distribution is
//! continuous (no pile of zeros from a ReLU) and every coordinate reaches the logits. The head is
//! `LeakyReLU -> dense`. The IIN runs on `feature(x)` and calls `head` on what it inverts, so
//! `head(feature(x)) == logits(x)` exactly.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::nn::Linear;
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Tensor};

use super::layers::{act, conv2d, leaky_gain, linear};
use crate::error::{IinError, Result};
use crate::rng::SplitMix64;
use crate::tensor_util::{tensor2, to_vec};

/// A network from images `[B, 3, 32, 32]` to class logits `[B, classes]`, trainable by
/// `ClassifierTrainer` (in `iin::train`).
pub trait ImageClassifier: Module {
    /// Number of classes.
    fn classes(&self) -> usize;
    /// Images `[B, 3, 32, 32]` to unnormalised logits `[B, classes]`.
    fn logits(&self, x: Tensor<4>) -> Tensor<2>;
}

/// Everything that fixes the explained classifier's architecture and its initial weights.
#[derive(Config, Debug, PartialEq)]
pub struct ClassifierConfig {
    /// Number of classes.
    #[config(default = 10)]
    pub classes: usize,
    /// Dimension of the explained feature.
    #[config(default = 64)]
    pub feature_dim: usize,
    /// Width `c` of the first convolution; the others are `2c` and `4c`.
    #[config(default = 16)]
    pub base_channels: usize,
    /// Seed of the initial weights.
    #[config(default = 1)]
    pub seed: u64,
}

impl ClassifierConfig {
    /// Fails on a zero size.
    pub fn validate(&self) -> Result<()> {
        if self.classes < 2 || self.feature_dim == 0 || self.base_channels == 0 {
            return Err(IinError::InvalidConfig(format!(
                "classifier needs classes >= 2 (got {}), feature_dim >= 1 (got {}) and \
                 base_channels >= 1 (got {})",
                self.classes, self.feature_dim, self.base_channels
            )));
        }
        Ok(())
    }

    /// A fresh classifier with seeded weights.
    pub fn init(&self, device: &Device) -> Result<Classifier> {
        self.validate()?;
        let mut rng = SplitMix64::new(self.seed);
        let c = self.base_channels;
        let g = leaky_gain();
        Ok(Classifier {
            conv1: conv2d([3, c], 4, 2, 1, g, &mut rng, device),
            conv2: conv2d([c, 2 * c], 4, 2, 1, g, &mut rng, device),
            conv3: conv2d([2 * c, 4 * c], 4, 2, 1, g, &mut rng, device),
            feature: linear(4 * c * 16, self.feature_dim, g, &mut rng, device),
            head: linear(self.feature_dim, self.classes, 1.0, &mut rng, device),
            config: self.clone(),
        })
    }
}

/// The classifier to explain: `logits(x) = head(feature(x))`.
#[derive(Module, Debug)]
pub struct Classifier {
    conv1: Conv2d,
    conv2: Conv2d,
    conv3: Conv2d,
    feature: Linear,
    head: Linear,
    #[module(skip)]
    config: ClassifierConfig,
}

impl Classifier {
    /// The configuration that built this classifier.
    pub fn config(&self) -> &ClassifierConfig {
        &self.config
    }

    /// Images `[B, 3, 32, 32]` to the explained feature `[B, feature_dim]` (pre-activation).
    pub fn feature(&self, x: Tensor<4>) -> Tensor<2> {
        let h = act(self.conv1.forward(x));
        let h = act(self.conv2.forward(h));
        let h = act(self.conv3.forward(h));
        self.feature.forward(h.flatten(1, 3))
    }

    /// Features `[B, feature_dim]` to logits `[B, classes]`.
    pub fn head(&self, feature: Tensor<2>) -> Tensor<2> {
        self.head.forward(act(feature))
    }
}

impl ImageClassifier for Classifier {
    fn classes(&self) -> usize {
        self.config.classes
    }

    fn logits(&self, x: Tensor<4>) -> Tensor<2> {
        self.head(self.feature(x))
    }
}

/// Mean cross-entropy of `logits` (`[B, K]`) against integer `labels` (`B` values below `K`).
pub fn cross_entropy(logits: Tensor<2>, labels: &[u8]) -> Result<Tensor<1>> {
    let [batch, classes] = logits.dims();
    let one_hot = one_hot(labels, batch, classes, &logits.device())?;
    Ok((log_softmax(logits, 1) * one_hot).sum().neg() / batch as f64)
}

/// Fraction of rows of `logits` (`[B, K]`) whose largest entry is at the label.
pub fn accuracy(logits: Tensor<2>, labels: &[u8]) -> Result<f32> {
    let [batch, classes] = logits.dims();
    check_labels(labels, batch, classes)?;
    let values = to_vec(logits)?;
    let correct = values
        .chunks(classes)
        .zip(labels)
        .filter(|(row, &label)| {
            let best = row
                .iter()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &v)| {
                    if v > bv {
                        (i, v)
                    } else {
                        (bi, bv)
                    }
                })
                .0;
            best == label as usize
        })
        .count();
    Ok(correct as f32 / batch as f32)
}

fn check_labels(labels: &[u8], batch: usize, classes: usize) -> Result<()> {
    if labels.len() != batch {
        return Err(IinError::Shape {
            what: "labels".into(),
            expected: format!("one label per image ({batch})"),
            got: vec![labels.len()],
        });
    }
    if let Some((i, &l)) = labels
        .iter()
        .enumerate()
        .find(|(_, &l)| l as usize >= classes)
    {
        return Err(IinError::InvalidConfig(format!(
            "label {l} at position {i} is out of range for {classes} classes"
        )));
    }
    Ok(())
}

fn one_hot(labels: &[u8], batch: usize, classes: usize, device: &Device) -> Result<Tensor<2>> {
    check_labels(labels, batch, classes)?;
    let mut values = vec![0.0f32; batch * classes];
    for (i, &l) in labels.iter().enumerate() {
        values[i * classes + l as usize] = 1.0;
    }
    Ok(tensor2(values, batch, classes, device))
}
