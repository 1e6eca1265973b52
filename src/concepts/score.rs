//! Does the learned factor track the concept? Held-out digits are moved by a known-factor
//! transform ([`crate::data::morpho`], independent of the training renderer), the ground truth is
//! measured from their pixels, and the factor's 1-D handle value of `T(code)` is compared with it
//! by Spearman's rank correlation (`concept.spearman` of `iin eval`).
//!
//! Also here: the concept's handle, the direction from sketch A's renderings to sketch B's.

use std::str::FromStr;

use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::pairs::{TOWARD_A, TOWARD_B};
use super::style::StyleShift;
use super::stylise::{stylise, Anchor};
use crate::analysis::metrics::{codes, spearman};
use crate::autoencoder::Autoencoder;
use crate::bundle::Handle;
use crate::data::color::random_colour;
use crate::data::image::{grey32, ink_to_signed, signed_to_ink, PIXELS_32, SIDE_32};
use crate::data::{colourise, image_tensor, morpho, Mnist};
use crate::error::{IinError, Result};
use crate::factors::Factors;
use crate::flow::Flow;
use crate::rng::SplitMix64;
use crate::tensor_util::{tensor2, to_vec};

/// The measured ground truth a concept is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Against {
    /// Stroke width: digits thickened or thinned by `morpho::thicken` in [-0.5, 2] pixels,
    /// measured by `morpho::thickness`.
    Thickness,
    /// Slant: digits sheared by `morpho::shear` in [-0.4, 0.4], measured by `morpho::slant`.
    Slant,
    /// Angularity: each digit squared off by `morpho::square_off` at the amounts
    /// [`ANGULAR_LEVELS`], the amount being the truth, and each digit its own reference: the
    /// handle's values minus their mean over the digit's levels. No pixel measure tracks
    /// squaring on handwriting well enough to compare across digits (`morpho::axis_alignment`
    /// rises on only about half of them, and says little about how round a digit was drawn), so
    /// this score asks only whether the slider follows the squaring applied to the same digit.
    Angularity,
}

impl Against {
    /// The ground truth for a concept: the statistic the sketches change most, in units of the
    /// smallest change that counts ([`super::style::MIN_SHIFT`]); `None` when that is the ink
    /// colour, which has none.
    pub fn dominant(shift: &StyleShift) -> Option<Self> {
        let min = super::style::MIN_SHIFT;
        let colour = shift.colour.iter().fold(0.0f32, |m, c| m.max(c.abs())) / min.colour[0];
        [
            (Self::Thickness, shift.thickness.abs() / min.thickness),
            (Self::Slant, shift.slant.abs() / min.slant),
            (Self::Angularity, shift.angularity.abs() / min.angularity),
        ]
        .into_iter()
        .filter(|(_, size)| *size > 0.0 && *size >= colour)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(against, _)| against)
    }

    /// What the page calls it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Thickness => "measured stroke width",
            Self::Slant => "measured slant",
            Self::Angularity => "squaring applied",
        }
    }
}

impl FromStr for Against {
    type Err = IinError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "thickness" => Ok(Self::Thickness),
            "slant" => Ok(Self::Slant),
            "angularity" => Ok(Self::Angularity),
            other => Err(IinError::Concept(format!(
                "no ground truth called {other:?}; use thickness, slant or angularity"
            ))),
        }
    }
}

/// The squaring amounts each digit is rendered at for [`Against::Angularity`].
pub const ANGULAR_LEVELS: [f32; 3] = [0.0, 0.5, 1.0];

/// Held-out digits moved by a random amount of the known factor (for [`Against::Angularity`],
/// by each of [`ANGULAR_LEVELS`] in turn): ColorMNIST images (host,
/// `[n, 3, 32, 32]` in [-1, 1], random colours) and the factor measured from each image's ink.
pub fn varied_digits(
    digits: &Mnist,
    indices: &[usize],
    against: Against,
    seed: u64,
) -> (Vec<f32>, Vec<f32>) {
    let mut rng = SplitMix64::new(seed);
    let mut images = Vec::with_capacity(indices.len() * 3 * PIXELS_32);
    let mut truth = Vec::with_capacity(indices.len());
    for &i in indices {
        let ink = signed_to_ink(&grey32(digits.image(i)));
        // Each rendering: the moved ink and its ground truth.
        let renderings: Vec<(Vec<f32>, f32)> = match against {
            Against::Thickness => {
                let moved = morpho::thicken(&ink, SIDE_32, -0.5 + 2.5 * rng.uniform() as f32);
                let t = morpho::thickness(&moved, SIDE_32);
                vec![(moved, t)]
            }
            Against::Slant => {
                let moved = morpho::shear(&ink, SIDE_32, -0.4 + 0.8 * rng.uniform() as f32);
                let t = morpho::slant(&moved, SIDE_32);
                vec![(moved, t)]
            }
            Against::Angularity => ANGULAR_LEVELS
                .iter()
                .map(|&a| (morpho::square_off(&ink, SIDE_32, a), a))
                .collect(),
        };
        let colour = random_colour(&mut rng);
        for (moved, t) in renderings {
            images.extend(colourise(&ink_to_signed(&moved), colour));
            truth.push(t);
        }
    }
    (images, truth)
}

/// The 1-D handle value of factor `k` for each image: `(block - mean) . axis / std`.
pub fn handle_values(
    autoencoder: &Autoencoder,
    flow: &Flow,
    factors: &Factors,
    k: usize,
    handle: &Handle,
    images: Tensor<4>,
) -> Result<Vec<f32>> {
    let (t, _) = flow.forward(codes(autoencoder, images));
    let block = to_vec(factors.split(t).swap_remove(k))?;
    let std = handle.std.max(1e-6);
    Ok(block
        .chunks(handle.axis.len())
        .map(|row| {
            row.iter()
                .zip(&handle.mean)
                .zip(&handle.axis)
                .map(|((v, m), a)| (v - m) * a)
                .sum::<f32>()
                / std
        })
        .collect())
}

/// Spearman's correlation between the handle of factor `name` and the measured `against` on
/// held-out `digits` (`indices`), moved by random amounts (seeded). Images go through in
/// batches of 250.
#[allow(clippy::too_many_arguments)]
pub fn concept_spearman(
    autoencoder: &Autoencoder,
    flow: &Flow,
    factors: &Factors,
    handles: &[Handle],
    name: &str,
    against: Against,
    digits: &Mnist,
    indices: &[usize],
    seed: u64,
    device: &Device,
) -> Result<f64> {
    let k = factors.index_of(name)?;
    let handle = handles
        .get(k)
        .filter(|h| h.factor == name)
        .ok_or_else(|| IinError::Concept(format!("no handle for factor {name:?}")))?;
    let (images, truth) = varied_digits(digits, indices, against, seed);
    let mut values = Vec::with_capacity(truth.len());
    for chunk in images.chunks(250 * 3 * PIXELS_32) {
        let batch = image_tensor(chunk.to_vec(), 3, device)?;
        values.extend(handle_values(autoencoder, flow, factors, k, handle, batch)?);
    }
    if against == Against::Angularity {
        // Each digit its own reference.
        for group in values.chunks_mut(ANGULAR_LEVELS.len()) {
            let mean = group.iter().sum::<f32>() / group.len() as f32;
            group.iter_mut().for_each(|v| *v -= mean);
        }
    }
    Ok(spearman(&values, &truth))
}

/// The concept's slider: the direction in factor `k`'s block from digits rendered toward
/// sketch A to the same digits rendered toward sketch B (mean difference, unit length), so the
/// slider moves along the change the sketches show, from A (negative) to B (positive). `mean`
/// and `std` are those of the handle already computed over the reference codes (`handle`'s
/// first principal axis is replaced). Uses `n` digits of `digits`, clean, in random colours.
#[allow(clippy::too_many_arguments)]
pub fn concept_handle(
    handle: &mut Handle,
    autoencoder: &Autoencoder,
    flow: &Flow,
    factors: &Factors,
    k: usize,
    shift: &StyleShift,
    anchor: Option<Anchor>,
    digits: &Mnist,
    reference_codes: Tensor<2>,
    n: usize,
    seed: u64,
    device: &Device,
) -> Result<()> {
    let mut rng = SplitMix64::new(seed);
    let n = n.min(digits.len).max(1);
    let picks: Vec<usize> = (0..n).map(|_| rng.below(digits.len)).collect();
    let ink: Vec<f32> = picks
        .iter()
        .flat_map(|&i| signed_to_ink(&grey32(digits.image(i))))
        .collect();
    let colours: Vec<f32> = (0..n).flat_map(|_| random_colour(&mut rng)).collect();
    let ink = Tensor::<4>::from_data(TensorData::new(ink, [n, 1, SIDE_32, SIDE_32]), device);
    let colours = tensor2(colours, n, 3, device);
    let block_mean = |lambda: f32| -> Result<Vec<f32>> {
        let images = stylise(
            ink.clone(),
            colours.clone(),
            tensor2(vec![lambda; n], n, 1, device),
            shift,
            anchor,
        );
        let (t, _) = flow.forward(codes(autoencoder, images));
        let block = factors.split(t).swap_remove(k).mean_dim(0);
        to_vec(block)
    };
    let (a, b) = (block_mean(TOWARD_A)?, block_mean(TOWARD_B)?);
    let diff: Vec<f32> = b.iter().zip(&a).map(|(b, a)| b - a).collect();
    let norm = diff.iter().map(|d| d * d).sum::<f32>().sqrt();
    if norm.is_nan() || norm <= 1e-6 {
        return Err(IinError::Concept(
            "the learned factor does not separate the two sketches' renderings".into(),
        ));
    }
    handle.axis = diff.iter().map(|d| d / norm).collect();
    let (t, _) = flow.forward(reference_codes);
    let block = to_vec(factors.split(t).swap_remove(k))?;
    let dims = handle.axis.len();
    handle.mean = (0..dims)
        .map(|j| block.iter().skip(j).step_by(dims).sum::<f32>() / (block.len() / dims) as f32)
        .collect();
    let values: Vec<f32> = block
        .chunks(dims)
        .map(|row| {
            row.iter()
                .zip(&handle.mean)
                .zip(&handle.axis)
                .map(|((v, m), a)| (v - m) * a)
                .sum()
        })
        .collect();
    handle.std = (values.iter().map(|v| v * v).sum::<f32>() / values.len().max(1) as f32).sqrt();
    Ok(())
}
