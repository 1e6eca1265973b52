//! `iin`: a disentangling invertible interpretation network (Esser, Rombach, Ommer, CVPR 2020),
//! small enough to run in a web page.
//!
//! A frozen network's hidden code `z` is mapped by a bijective flow `T` to named factors
//! `z~ = T(z)` and back, exactly. Data flows one way:
//! `flow`, `factors`, `loss` (depend on burn only) -> training -> bundle -> `web`.

pub mod analysis;
pub mod autoencoder;
pub mod bundle;
pub mod concepts;
pub mod data;
pub mod error;
pub mod factors;
pub mod flow;
pub mod loss;
pub mod rng;
pub mod tensor_util;
pub mod train;
pub mod weights;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::IinError;
