//! Optimisation of the [`Autoencoder`] on the VAE objective ([`vae_loss`]).

use burn::config::Config;
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::Tensor;

use crate::autoencoder::{ensure_images, standard_normal, vae_loss, Autoencoder};
use crate::error::{IinError, Result};
use crate::rng::SplitMix64;
use crate::tensor_util::to_vec;

/// Optimiser and loss settings.
#[derive(Config, Debug)]
pub struct AutoencoderTrainerConfig {
    #[config(default = 1e-3)]
    pub lr: f64,
    #[config(default = 0.9)]
    pub beta_1: f32,
    #[config(default = 0.999)]
    pub beta_2: f32,
    /// Weight `beta` of the KL term: `loss = sum squared error + beta * KL` per image.
    #[config(default = 0.1)]
    pub kl_weight: f64,
    /// Seed of the posterior noise drawn at each step.
    #[config(default = 0)]
    pub seed: u64,
}

/// Batch means of one step's objective, before the update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoencoderStepStats {
    /// `recon + kl_weight * kl`.
    pub loss: f32,
    /// Sum of squared errors per image (3072 values in `[-1, 1]`).
    pub recon: f32,
    /// `KL(q(z|x) || N(0, I))` per image, in nats.
    pub kl: f32,
}

/// Holds an autoencoder on an autodiff device, its optimiser state and the noise generator.
pub struct AutoencoderTrainer {
    model: Autoencoder,
    optim: ModuleOptimizer,
    rng: SplitMix64,
    lr: f64,
    kl_weight: f64,
    step: usize,
}

impl AutoencoderTrainer {
    /// `model` must live on an autodiff device (`device.autodiff()`).
    pub fn new(model: Autoencoder, config: &AutoencoderTrainerConfig) -> Result<Self> {
        if !(config.kl_weight >= 0.0 && config.kl_weight.is_finite()) {
            return Err(IinError::InvalidConfig(format!(
                "kl_weight must be finite and >= 0 (got {})",
                config.kl_weight
            )));
        }
        let optim = AdamConfig::new()
            .with_beta_1(config.beta_1)
            .with_beta_2(config.beta_2)
            .init();
        Ok(Self {
            model,
            optim,
            rng: SplitMix64::new(config.seed),
            lr: config.lr,
            kl_weight: config.kl_weight,
            step: 0,
        })
    }

    pub fn model(&self) -> &Autoencoder {
        &self.model
    }

    /// The trained autoencoder, detached from autodiff (for inference).
    pub fn into_model(self) -> Autoencoder {
        self.model.valid()
    }

    pub fn steps_done(&self) -> usize {
        self.step
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// One Adam step on a batch of images `[B, 3, 32, 32]` in `[-1, 1]`. A non-finite loss is
    /// refused with an error naming the step, and the weights are left as they were.
    pub fn step(&mut self, images: Tensor<4>) -> Result<AutoencoderStepStats> {
        ensure_images(&images, "autoencoder training images")?;
        let batch = images.dims()[0];
        let noise = standard_normal(batch, self.model.latent(), &mut self.rng, &images.device());
        let (reconstruction, mean, log_var) = self.model.reconstruct(images.clone(), noise);
        let terms = vae_loss(images, reconstruction, mean, log_var, self.kl_weight);
        let values = to_vec(Tensor::cat(
            vec![
                terms.loss.clone().detach(),
                terms.recon.detach(),
                terms.kl.detach(),
            ],
            0,
        ))?;
        if values.iter().any(|v| !v.is_finite()) {
            return Err(IinError::NonFinite(format!(
                "the autoencoder's training loss at step {}",
                self.step + 1
            )));
        }
        let grads = GradientsParams::from_grads(terms.loss.backward(), &self.model);
        self.model = self.optim.step(self.lr, self.model.clone(), grads);
        self.step += 1;
        Ok(AutoencoderStepStats {
            loss: values[0],
            recon: values[1],
            kl: values[2],
        })
    }
}
