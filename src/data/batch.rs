//! Batches of MNIST / ColorMNIST digits as host vectors and as burn tensors `[B, C, 32, 32]`.
//! With an `rng`, pixels are dequantised (training); without, clean (evaluation).

use burn::tensor::{Device, Tensor, TensorData};

use crate::rng::SplitMix64;

use super::color::{colourise, Rgb};
use super::error::{DataError, Result};
use super::image::{grey32, grey32_dequantised, PIXELS_32, SIDE_32};
use super::mnist::Mnist;
use super::pairs::PairBatch;

/// Grey digits `indices` of `mnist`, 32 x 32 in [-1, 1]: `[B, 1, 32, 32]` row-major.
pub fn grey_batch(mnist: &Mnist, indices: &[usize], mut rng: Option<&mut SplitMix64>) -> Vec<f32> {
    indices
        .iter()
        .flat_map(|&i| grey(mnist, i, rng.as_deref_mut()))
        .collect()
}

/// ColorMNIST digits: digit `indices[i]` in colour `colours[i]`, `[B, 3, 32, 32]` row-major.
pub fn colour_batch(
    mnist: &Mnist,
    indices: &[usize],
    colours: &[Rgb],
    mut rng: Option<&mut SplitMix64>,
) -> Result<Vec<f32>> {
    if indices.len() != colours.len() {
        return Err(DataError::Invalid(format!(
            "{} images but {} colours",
            indices.len(),
            colours.len()
        )));
    }
    Ok(indices
        .iter()
        .zip(colours)
        .flat_map(|(&i, &c)| colourise(&grey(mnist, i, rng.as_deref_mut()), c))
        .collect())
}

/// The two `[B, 3, 32, 32]` batches of a [`PairBatch`].
pub fn pair_tensors(
    mnist: &Mnist,
    pairs: &PairBatch,
    mut rng: Option<&mut SplitMix64>,
    device: &Device,
) -> Result<(Tensor<4>, Tensor<4>)> {
    let a = colour_batch(
        mnist,
        &pairs.first,
        &pairs.first_colours,
        rng.as_deref_mut(),
    )?;
    let b = colour_batch(mnist, &pairs.second, &pairs.second_colours, rng)?;
    Ok((image_tensor(a, 3, device)?, image_tensor(b, 3, device)?))
}

/// Host images (`B * channels * 32 * 32` values) as a `[B, channels, 32, 32]` tensor.
pub fn image_tensor(values: Vec<f32>, channels: usize, device: &Device) -> Result<Tensor<4>> {
    let per_image = channels * PIXELS_32;
    if per_image == 0 || values.is_empty() || !values.len().is_multiple_of(per_image) {
        return Err(DataError::Invalid(format!(
            "{} values are not a whole non-empty batch of {channels} x 32 x 32 images",
            values.len()
        )));
    }
    let batch = values.len() / per_image;
    Ok(Tensor::from_data(
        TensorData::new(values, [batch, channels, SIDE_32, SIDE_32]),
        device,
    ))
}

fn grey(mnist: &Mnist, i: usize, rng: Option<&mut SplitMix64>) -> Vec<f32> {
    match rng {
        Some(rng) => grey32_dequantised(mnist.image(i), rng),
        None => grey32(mnist.image(i)),
    }
}
