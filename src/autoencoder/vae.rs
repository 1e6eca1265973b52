//! The frozen autoencoder that the IIN explains: a compact convolutional VAE
//! (Kingma & Welling 2014) on `[B, 3, 32, 32]` images in `[-1, 1]` with a 64-d code.
//!
//! Encoder: three `4x4` stride-2 convolutions (32 -> 16 -> 8 -> 4, widths `c, 2c, 4c`), then a
//! dense layer to the posterior's mean and log-variance. Decoder: the mirror image, a dense
//! layer to `[4c, 4, 4]` and three `4x4` stride-2 transposed convolutions back to 32x32
//! (widths `2c, c, 3`; DCGAN's generator in small), `tanh` to `[-1, 1]`. Nothing runs at full
//! resolution but the last layer: on a CPU, 32x32 feature maps cost more than everything else.
//! LeakyReLU(0.2) between layers, no normalisation layers (nothing batch-dependent, nothing
//! that behaves differently in the page).
//!
//! Loss ([`vae_loss`]): `recon + beta * KL`, where `recon` is the sum of squared errors over
//! the image's 3072 values (a Gaussian decoder of fixed variance) and `KL` the closed-form
//! `KL(N(mean, exp(log_var)) || N(0, I))` summed over the code, both averaged over the batch.
//! `beta < 1` trades a less regular code for crisper reconstructions; the IIN models the
//! aggregate posterior itself, so it does not need the code to be exactly `N(0, I)`.
//! No perceptual or adversarial term is used (the published autoencoders had one; at 32x32 and
//! on a 2-core CPU budget, squared error alone gives sharp enough digits).

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::Linear;
use burn::tensor::{Device, Tensor};

use super::layers::{act, conv2d, conv_transpose2d, leaky_gain, linear};
use crate::error::{IinError, Result};
use crate::rng::SplitMix64;

/// Image channels, height and width the networks in this module take.
pub const IMAGE_SHAPE: [usize; 3] = [3, 32, 32];

/// Log-variances are clamped to this range so `exp` stays finite.
const LOG_VAR_RANGE: (f32, f32) = (-16.0, 8.0);

/// Everything that fixes the autoencoder's architecture and its initial weights.
#[derive(Config, Debug, PartialEq)]
pub struct AutoencoderConfig {
    /// Dimension of the code `z`.
    #[config(default = 64)]
    pub latent: usize,
    /// Width `c` of the first convolution; the others are `2c` and `4c`.
    #[config(default = 32)]
    pub base_channels: usize,
    /// Seed of the initial weights.
    #[config(default = 0)]
    pub seed: u64,
}

impl AutoencoderConfig {
    /// Fails on a zero code size or width.
    pub fn validate(&self) -> Result<()> {
        if self.latent == 0 || self.base_channels == 0 {
            return Err(IinError::InvalidConfig(format!(
                "autoencoder latent ({}) and base_channels ({}) must be at least 1",
                self.latent, self.base_channels
            )));
        }
        Ok(())
    }

    /// A fresh autoencoder with seeded weights (the same seed gives the same weights).
    pub fn init(&self, device: &Device) -> Result<Autoencoder> {
        self.validate()?;
        let mut rng = SplitMix64::new(self.seed);
        let c = self.base_channels;
        let g = leaky_gain();
        let flat = 4 * c * 16;
        let encoder = Encoder {
            conv1: conv2d([3, c], 4, 2, 1, g, &mut rng, device),
            conv2: conv2d([c, 2 * c], 4, 2, 1, g, &mut rng, device),
            conv3: conv2d([2 * c, 4 * c], 4, 2, 1, g, &mut rng, device),
            // Gain 1 and then halved: the code starts small and the log-variance near 0.
            posterior: linear(flat, 2 * self.latent, 0.5, &mut rng, device),
            latent: self.latent,
        };
        let decoder = Decoder {
            dense: linear(self.latent, flat, g, &mut rng, device),
            up1: conv_transpose2d([4 * c, 2 * c], 4, 2, 1, g, &mut rng, device),
            up2: conv_transpose2d([2 * c, c], 4, 2, 1, g, &mut rng, device),
            out: conv_transpose2d([c, 3], 4, 2, 1, 1.0, &mut rng, device),
            base_channels: c,
        };
        Ok(Autoencoder {
            encoder,
            decoder,
            config: self.clone(),
        })
    }
}

/// Image to posterior parameters.
#[derive(Module, Debug)]
pub struct Encoder {
    conv1: Conv2d,
    conv2: Conv2d,
    conv3: Conv2d,
    posterior: Linear,
    latent: usize,
}

impl Encoder {
    /// `[B, 3, 32, 32]` to `(mean, log_var)`, each `[B, latent]`.
    pub fn forward(&self, x: Tensor<4>) -> (Tensor<2>, Tensor<2>) {
        let h = act(self.conv1.forward(x));
        let h = act(self.conv2.forward(h));
        let h = act(self.conv3.forward(h));
        let h: Tensor<2> = h.flatten(1, 3);
        let out = self.posterior.forward(h);
        let mean = out.clone().narrow(1, 0, self.latent);
        let log_var = out
            .narrow(1, self.latent, self.latent)
            .clamp(LOG_VAR_RANGE.0, LOG_VAR_RANGE.1);
        (mean, log_var)
    }
}

/// Code to image.
#[derive(Module, Debug)]
pub struct Decoder {
    dense: Linear,
    up1: ConvTranspose2d,
    up2: ConvTranspose2d,
    out: ConvTranspose2d,
    base_channels: usize,
}

impl Decoder {
    /// `[B, latent]` to `[B, 3, 32, 32]` in `[-1, 1]`.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<4> {
        let batch = z.dims()[0];
        let h = act(self.dense.forward(z)).reshape([batch, 4 * self.base_channels, 4, 4]);
        let h = act(self.up1.forward(h));
        let h = act(self.up2.forward(h));
        self.out.forward(h).tanh()
    }
}

/// The VAE: `encode`, `sample_latent`, `decode`.
#[derive(Module, Debug)]
pub struct Autoencoder {
    pub encoder: Encoder,
    pub decoder: Decoder,
    #[module(skip)]
    config: AutoencoderConfig,
}

impl Autoencoder {
    /// The configuration that built this autoencoder.
    pub fn config(&self) -> &AutoencoderConfig {
        &self.config
    }

    /// Dimension of the code.
    pub fn latent(&self) -> usize {
        self.config.latent
    }

    /// Images `[B, 3, 32, 32]` in `[-1, 1]` to the posterior `(mean, log_var)`, each
    /// `[B, latent]`.
    pub fn encode(&self, x: Tensor<4>) -> (Tensor<2>, Tensor<2>) {
        self.encoder.forward(x)
    }

    /// The reparameterised sample `mean + exp(log_var / 2) * noise`; `noise` is `[B, latent]`
    /// standard normal (e.g. from [`standard_normal`]), a zero tensor gives the mean.
    pub fn sample_latent(mean: Tensor<2>, log_var: Tensor<2>, noise: Tensor<2>) -> Tensor<2> {
        mean + (log_var * 0.5).exp() * noise
    }

    /// A sample of the posterior of each image (`[B, latent]`), its noise drawn from `rng`:
    /// the codes the flows are trained on.
    pub fn sample_posterior(&self, x: Tensor<4>, rng: &mut SplitMix64) -> Tensor<2> {
        let (mean, log_var) = self.encode(x);
        let [b, d] = mean.dims();
        let noise = standard_normal(b, d, rng, &mean.device());
        Self::sample_latent(mean, log_var, noise)
    }

    /// Codes `[B, latent]` to images `[B, 3, 32, 32]` in `[-1, 1]`.
    pub fn decode(&self, z: Tensor<2>) -> Tensor<4> {
        self.decoder.forward(z)
    }

    /// Encode, sample with `noise` (`[B, latent]`) and decode: `(reconstruction, mean, log_var)`.
    pub fn reconstruct(&self, x: Tensor<4>, noise: Tensor<2>) -> (Tensor<4>, Tensor<2>, Tensor<2>) {
        let (mean, log_var) = self.encode(x);
        let z = Self::sample_latent(mean.clone(), log_var.clone(), noise);
        (self.decode(z), mean, log_var)
    }
}

/// `[rows, cols]` standard normal values from a seeded generator (deterministic noise for
/// [`Autoencoder::sample_latent`]).
pub fn standard_normal(
    rows: usize,
    cols: usize,
    rng: &mut SplitMix64,
    device: &Device,
) -> Tensor<2> {
    crate::tensor_util::tensor2(rng.normals(rows * cols), rows, cols, device)
}

/// The three terms of the VAE objective, each a scalar tensor (`[1]`), averaged over the batch.
#[derive(Debug, Clone)]
pub struct VaeLoss {
    /// `recon + beta * kl`.
    pub loss: Tensor<1>,
    /// Sum of squared errors per image.
    pub recon: Tensor<1>,
    /// `KL(q(z|x) || N(0, I))` per image, in nats.
    pub kl: Tensor<1>,
}

/// The VAE objective: `recon = sum (x_hat - x)^2` per image,
/// `kl = 0.5 * sum (mean^2 + exp(log_var) - 1 - log_var)` per image, `loss = recon + beta * kl`.
pub fn vae_loss(
    x: Tensor<4>,
    reconstruction: Tensor<4>,
    mean: Tensor<2>,
    log_var: Tensor<2>,
    beta: f64,
) -> VaeLoss {
    let batch = x.dims()[0] as f64;
    let recon = (reconstruction - x).powi_scalar(2).sum() / batch;
    let kl = (mean.powi_scalar(2) + log_var.clone().exp() - 1.0 - log_var).sum() * (0.5 / batch);
    VaeLoss {
        loss: recon.clone() + kl.clone() * beta,
        recon,
        kl,
    }
}

/// Fails with [`IinError::Shape`] unless `x` is `[B >= 1, 3, 32, 32]`.
pub fn ensure_images(x: &Tensor<4>, what: &str) -> Result<()> {
    let dims = x.dims();
    if dims[0] == 0 || dims[1..] != IMAGE_SHAPE {
        return Err(IinError::Shape {
            what: what.to_string(),
            expected: "[batch >= 1, 3, 32, 32]".into(),
            got: dims.to_vec(),
        });
    }
    Ok(())
}
