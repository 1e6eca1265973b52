//! The invertible network `T` (METHOD.md §2): a stack of blocks, each
//! `ActNorm -> double affine coupling -> fixed shuffle`.
//!
//! Every layer and the stack implement [`Invertible`]: `forward(z) -> (z~, log_det)` and
//! `inverse(z~) -> (z, log_det of the inverse)`, with `log_det` of shape `[batch]`, so that
//! `forward` followed by `inverse` is the identity and the two log-dets cancel.

mod actnorm;
mod block;
mod coupling;
mod shuffle;
mod stack;
pub mod testing;

use burn::tensor::Tensor;

pub use actnorm::ActNorm;
pub use block::FlowBlock;
pub use coupling::{DoubleAffineCoupling, Subnet};
pub use shuffle::Shuffle;
pub use stack::{Flow, FlowConfig, FlowHead, HeadConfig};

/// An exactly invertible layer on `[batch, dim]` codes.
pub trait Invertible {
    /// `y = f(x)` and `log|det df/dx|` per sample (`[batch]`).
    fn forward(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<1>);
    /// `x = f^-1(y)` and `log|det df^-1/dy|` per sample (`[batch]`), the negative of the forward one.
    fn inverse(&self, y: Tensor<2>) -> (Tensor<2>, Tensor<1>);
}
