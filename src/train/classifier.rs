//! Optimisation of an [`ImageClassifier`] (the explained [`Classifier`] or the [`Judge`]) on the
//! cross-entropy of labelled images.
//!
//! [`Classifier`]: crate::autoencoder::Classifier
//! [`Judge`]: crate::autoencoder::Judge

use burn::config::Config;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::Tensor;

use crate::autoencoder::{accuracy, cross_entropy, ensure_images, ImageClassifier};
use crate::error::{IinError, Result};

/// Optimiser settings.
#[derive(Config, Debug)]
pub struct ClassifierTrainerConfig {
    #[config(default = 1e-3)]
    pub lr: f64,
    #[config(default = 0.9)]
    pub beta_1: f32,
    #[config(default = 0.999)]
    pub beta_2: f32,
}

/// One step's batch loss and accuracy, before the update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassifierStepStats {
    /// Mean cross-entropy, in nats.
    pub loss: f32,
    /// Fraction of the batch classified correctly.
    pub accuracy: f32,
}

/// Holds a classifier on an autodiff device and its optimiser state.
pub struct ClassifierTrainer<M: ImageClassifier> {
    model: M,
    optim: ModuleOptimizer,
    lr: f64,
    step: usize,
}

impl<M: ImageClassifier> ClassifierTrainer<M> {
    /// `model` must live on an autodiff device (`device.autodiff()`).
    pub fn new(model: M, config: &ClassifierTrainerConfig) -> Self {
        let optim = AdamConfig::new()
            .with_beta_1(config.beta_1)
            .with_beta_2(config.beta_2)
            .init();
        Self {
            model,
            optim,
            lr: config.lr,
            step: 0,
        }
    }

    pub fn model(&self) -> &M {
        &self.model
    }

    /// The trained classifier, detached from autodiff (for inference).
    pub fn into_model(self) -> M {
        self.model.valid()
    }

    pub fn steps_done(&self) -> usize {
        self.step
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// One Adam step on images `[B, 3, 32, 32]` and their labels (`B` values below
    /// `classes`). A non-finite loss is refused with an error naming the step, and the weights
    /// are left as they were.
    pub fn step(&mut self, images: Tensor<4>, labels: &[u8]) -> Result<ClassifierStepStats> {
        ensure_images(&images, "classifier training images")?;
        let logits = self.model.logits(images);
        let loss = cross_entropy(logits.clone(), labels)?;
        let accuracy = accuracy(logits.detach(), labels)?;
        let value = loss.clone().detach().into_scalar::<f32>();
        if !value.is_finite() {
            return Err(IinError::NonFinite(format!(
                "the classifier's training loss at step {}",
                self.step + 1
            )));
        }
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model = self.optim.step(self.lr, self.model.clone(), grads);
        self.step += 1;
        Ok(ClassifierStepStats {
            loss: value,
            accuracy,
        })
    }
}
