//! Data: MNIST from its raw IDX files, ColorMNIST, known-factor transforms and pair samplers.
//!
//! `idx` reads and checks the files, `mnist` holds a split (and, natively, `prepare` fetches
//! it), `image` turns 28 x 28 bytes into 32 x 32 floats in [-1, 1], `color` makes and measures
//! ColorMNIST, `morpho` thickens, thins, slants and scales digits and measures each, `pairs`
//! samples training pairs and batches, `batch` builds host vectors and `[B, C, 32, 32]` tensors.
//! Everything but `batch` works on plain host vectors, so it runs the same natively and in wasm.
//! MNIST is CC BY-SA 3.0 (Y. LeCun, C. Cortes, C. Burges): credit it wherever derived data ships.

pub mod batch;
pub mod color;
pub mod error;
pub mod idx;
pub mod image;
pub mod mnist;
pub mod morpho;
pub mod pairs;

pub use batch::{colour_batch, grey_batch, image_tensor, pair_tensors};
pub use color::{colourise, measure_colour, random_colour, Rgb};
pub use error::DataError;
#[cfg(not(target_arch = "wasm32"))]
pub use mnist::prepare;
pub use mnist::{Mnist, Prepared, Split, DEFAULT_DIR};
pub use pairs::{BatchSampler, PairBatch, PairSampler, Shared};
