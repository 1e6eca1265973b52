//! A strict reader for MNIST's IDX files (LeCun's format): a big-endian header, then raw bytes.
//!
//! Images: magic `0x00000803`, count, rows, cols (u32 each), then `count * rows * cols` pixels,
//! row-major, 0 = background, 255 = ink. Labels: magic `0x00000801`, count, then `count` bytes.
//! Only 28 x 28 images are accepted, the file's length must equal what its header says, and
//! every error names the file.

use std::path::Path;

use super::error::{DataError, Result};

/// Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
pub const IMAGE_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
pub const LABEL_MAGIC: u32 = 0x0000_0801;
/// MNIST's image side.
pub const SIDE: usize = 28;
/// Pixels in one MNIST image.
pub const PIXELS: usize = SIDE * SIDE;

const IMAGE_HEADER: usize = 16;
const LABEL_HEADER: usize = 8;

/// The pixels of an IDX image file, `count * 28 * 28` bytes, image after image, row-major.
pub fn parse_images(bytes: &[u8], file: &str) -> Result<Vec<u8>> {
    check_magic(bytes, file, "image", IMAGE_MAGIC, IMAGE_HEADER)?;
    let count = be_u32(bytes, 4);
    let (rows, cols) = (be_u32(bytes, 8), be_u32(bytes, 12));
    if rows as usize != SIDE || cols as usize != SIDE {
        return Err(DataError::BadDims {
            file: file.to_string(),
            rows,
            cols,
        });
    }
    let needed = body_end(IMAGE_HEADER, count as usize, PIXELS);
    check_length(bytes.len(), needed, file)?;
    Ok(bytes[IMAGE_HEADER..].to_vec())
}

/// The labels of an IDX label file, one digit 0..=9 per image.
pub fn parse_labels(bytes: &[u8], file: &str) -> Result<Vec<u8>> {
    check_magic(bytes, file, "label", LABEL_MAGIC, LABEL_HEADER)?;
    let count = be_u32(bytes, 4) as usize;
    check_length(bytes.len(), body_end(LABEL_HEADER, count, 1), file)?;
    let labels = bytes[LABEL_HEADER..].to_vec();
    if let Some((index, &label)) = labels.iter().enumerate().find(|(_, &l)| l > 9) {
        return Err(DataError::BadLabel {
            file: file.to_string(),
            index,
            label,
        });
    }
    Ok(labels)
}

/// [`parse_images`] on a file; a missing file says to run `iin prepare`.
pub fn read_images(path: &Path) -> Result<Vec<u8>> {
    parse_images(&read(path)?, &path.display().to_string())
}

/// [`parse_labels`] on a file; a missing file says to run `iin prepare`.
pub fn read_labels(path: &Path) -> Result<Vec<u8>> {
    parse_labels(&read(path)?, &path.display().to_string())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            DataError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            DataError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

fn check_magic(
    bytes: &[u8],
    file: &str,
    kind: &'static str,
    expected: u32,
    header: usize,
) -> Result<()> {
    if bytes.len() >= 4 && be_u32(bytes, 0) != expected {
        return Err(DataError::BadMagic {
            file: file.to_string(),
            kind,
            found: be_u32(bytes, 0),
            expected,
        });
    }
    if bytes.len() < header {
        return Err(DataError::Truncated {
            file: file.to_string(),
            got: bytes.len(),
            needed: header,
        });
    }
    Ok(())
}

/// Header plus `count` items of `item` bytes; saturates (then reads as truncated) on overflow.
fn body_end(header: usize, count: usize, item: usize) -> usize {
    count
        .checked_mul(item)
        .and_then(|n| n.checked_add(header))
        .unwrap_or(usize::MAX)
}

fn check_length(got: usize, needed: usize, file: &str) -> Result<()> {
    match got.cmp(&needed) {
        std::cmp::Ordering::Less => Err(DataError::Truncated {
            file: file.to_string(),
            got,
            needed,
        }),
        std::cmp::Ordering::Greater => Err(DataError::TrailingBytes {
            file: file.to_string(),
            extra: got - needed,
            needed,
        }),
        std::cmp::Ordering::Equal => Ok(()),
    }
}

fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}
