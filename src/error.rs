//! Typed errors for everything a user, a file or a caller can get wrong.

use thiserror::Error;

/// What went wrong, in words that say what to do about it.
#[derive(Debug, Error)]
pub enum IinError {
    /// Affine coupling splits the code into two equal halves.
    #[error("the flow's dimension must be even and at least 2 (got {0}); affine coupling splits the code into two equal halves")]
    OddDimension(usize),

    /// A configuration value that cannot build a model.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),

    /// Factor sizes that do not add up to the code's dimension.
    #[error("factor sizes {sizes:?} add up to {sum}, but the code has {dim} dimensions; the sizes (residual included) must sum to {dim}")]
    FactorSizes {
        sizes: Vec<usize>,
        sum: usize,
        dim: usize,
    },

    /// A factor name that is empty, repeated or unknown.
    #[error("factor error: {0}")]
    Factor(String),

    /// A tensor of the wrong shape at a checked entry point.
    #[error("{what}: expected shape {expected}, got {got:?}")]
    Shape {
        what: String,
        expected: String,
        got: Vec<usize>,
    },

    /// NaN or infinity where finite numbers are required.
    #[error("{0} contains non-finite values (NaN or infinity); check the input data")]
    NonFinite(String),

    /// A weight or bundle file that is not what it should be, or is damaged.
    #[error("not a valid weight file: {0}")]
    BadFile(String),

    /// A weight file written by another format version.
    #[error("weight file has format version {found}, this build reads version {expected}; re-export the weights with this version of `iin`")]
    FormatVersion { found: u32, expected: u32 },

    /// A weight file of another architecture than the one expected.
    #[error("weight file does not match the expected architecture: {0}")]
    ArchitectureMismatch(String),

    /// Failure inside burn's record (burnpack) reader or writer.
    #[error("weight record error: {0}")]
    Record(String),

    /// A sketch that cannot define a concept: no ink, all ink, or not an image.
    #[error("sketch {which}: {reason}")]
    Sketch { which: String, reason: String },

    /// A concept that cannot be learned or stored: two sketches that show no difference, a name
    /// that clashes with a factor, a bundle that cannot take it.
    #[error("concept: {0}")]
    Concept(String),

    /// A dataset that cannot give what was asked of it.
    #[error(transparent)]
    Dataset(#[from] crate::data::DataError),

    /// Reading tensor data back from the device failed.
    #[error("could not read tensor data: {0}")]
    Data(String),
}

pub type Result<T, E = IinError> = std::result::Result<T, E>;
