//! The frozen networks that the IIN explains, and a judge of generated images.
//!
//! - [`Autoencoder`]: a compact convolutional VAE with a 64-d code (METHOD.md §3: the IIN
//!   samples `z` from its posterior).
//! - [`Classifier`]: a small CNN whose 64-d pre-logit [`Classifier::feature`] the IIN explains,
//!   with a separate [`Classifier::head`] (METHOD.md §6).
//! - [`Judge`]: an independent classifier of another architecture, for sample accuracy and
//!   Fréchet distances on its [`Judge::features`].
//!
//! All take images `[B, 3, 32, 32]` in `[-1, 1]` (ColorMNIST, METHOD.md §7), are built from a
//! `*Config` with seeded weights (`config.init(&device)`), and are saved with the config that
//! built them ([`ModelFile`]).

mod classifier;
mod judge;
mod layers;
mod vae;

pub use crate::weights::{ModelFile, MODEL_FILE_VERSION};
pub use classifier::{accuracy, cross_entropy, Classifier, ClassifierConfig, ImageClassifier};
pub use judge::{Judge, JudgeConfig};
pub use vae::{
    ensure_images, standard_normal, vae_loss, Autoencoder, AutoencoderConfig, Decoder, Encoder,
    VaeLoss, IMAGE_SHAPE,
};
