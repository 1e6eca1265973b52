//! The page's verbs over a loaded bundle (METHOD.md §6): decode `z~` to pixels, move a factor
//! along its handle, swap a factor between codes (the analogy grid), interpolate in `z~` and in
//! `z`, walk inside one factor, sample, embed, and explain the classifier.
//!
//! Tensor functions build the work of one gesture as one batch and return tensors without
//! reading them, so the caller chooses how to read (asynchronously in the page, where a
//! synchronous read on WebGPU panics). Host functions shape the inputs and the outputs. `z~`
//! always means the supervised flow's `z~ = T(z)` of the autoencoder's code `z`.

use std::ops::Range;

use burn::tensor::{Device, Tensor};

use crate::analysis::pca::Pca;
use crate::bundle::{Bundle, Handle, FLOW_CLASSIFIER, FLOW_SUPERVISED, FLOW_UNSUPERVISED};
use crate::error::Result;
use crate::factors::Factors;
use crate::flow::Flow;
use crate::rng::SplitMix64;
use crate::tensor_util::tensor2;

/// Values per RGBA image of 32 x 32.
pub const RGBA_BYTES: usize = 32 * 32 * 4;
const PIXELS: usize = 32 * 32;

/// `[n, 3, 32, 32]` images in [-1, 1] (channel-major, host order) to `n` RGBA images of
/// 32 x 32 (row-major, opaque), the page's `ImageData` layout.
pub fn to_rgba(images: &[f32]) -> Vec<u8> {
    images
        .chunks(3 * PIXELS)
        .flat_map(|image| {
            (0..PIXELS).flat_map(move |p| {
                let byte =
                    |k: usize| ((image[k * PIXELS + p].clamp(-1.0, 1.0) + 1.0) * 127.5) as u8;
                [byte(0), byte(1), byte(2), 255]
            })
        })
        .collect()
}

/// The analogy grid's codes, row-major: cell `(i, j)` is `cols[j]` with factor `k`'s block
/// taken from `rows[i]`. `rows` and `cols` are `[r, D]` and `[c, D]`, flattened.
pub fn analogy_codes(rows: &[f32], cols: &[f32], factors: &Factors, k: usize) -> Vec<f32> {
    let d = factors.dim();
    let range = factors.range(k);
    let mut out = Vec::with_capacity(rows.len() / d * cols.len());
    for row in rows.chunks(d) {
        for col in cols.chunks(d) {
            let start = out.len();
            out.extend_from_slice(col);
            out[start + range.start..start + range.end].copy_from_slice(&row[range.clone()]);
        }
    }
    out
}

/// `steps >= 2` points from `a` to `b` (both ends included), flattened `[steps, D]`.
pub fn lerp(a: &[f32], b: &[f32], steps: usize) -> Vec<f32> {
    let steps = steps.max(2);
    (0..steps)
        .flat_map(|s| {
            let t = s as f32 / (steps - 1) as f32;
            a.iter().zip(b).map(move |(x, y)| x + t * (y - x))
        })
        .collect()
}

/// A mean-reverting (Ornstein-Uhlenbeck) random walk of `frames` steps inside the dimensions
/// `block` of `start` (a `z~`): each step `x <- keep x + sqrt(1 - keep^2) e`, `e ~ N(0, I)`,
/// which keeps N(0, I) stationary, so the walk stays where the flow put the data. Every other
/// dimension stays as in `start`. Returns `[frames, D]`, flattened, not including `start`.
pub fn ou_walk(
    start: &[f32],
    block: Range<usize>,
    frames: usize,
    keep: f32,
    rng: &mut SplitMix64,
) -> Vec<f32> {
    let noise = (1.0 - keep * keep).max(0.0).sqrt();
    let mut current = start.to_vec();
    let mut out = Vec::with_capacity(frames * start.len());
    for _ in 0..frames {
        for v in &mut current[block.clone()] {
            *v = keep * *v + noise * rng.normal() as f32;
        }
        out.extend_from_slice(&current);
    }
    out
}

/// The supervised flow of a bundle and its factors.
pub fn supervised(bundle: &Bundle) -> Result<(&Flow, &Factors)> {
    Ok((
        bundle.flow(FLOW_SUPERVISED)?,
        &bundle.manifest.flow(FLOW_SUPERVISED)?.factors,
    ))
}

/// Images `[B, 3, 32, 32]` to their codes `z` (posterior means) and `z~`.
pub fn encode(bundle: &Bundle, images: Tensor<4>) -> Result<(Tensor<2>, Tensor<2>)> {
    let (flow, _) = supervised(bundle)?;
    let z = bundle.autoencoder.encode(images).0;
    let (t, _) = flow.forward(z.clone());
    Ok((z, t))
}

/// `z~` `[B, D]` to decoded images `[B, 3, 32, 32]`.
pub fn decode(bundle: &Bundle, z_tilde: Tensor<2>) -> Result<Tensor<4>> {
    let (flow, _) = supervised(bundle)?;
    Ok(bundle.autoencoder.decode(flow.inverse(z_tilde).0))
}

/// Both interpolations between `a` and `b` (`z~`, `D` values each) as one batch of
/// `2 * steps` images: first linear in `z~`, then linear in `z` between the same two ends.
pub fn interpolation(
    bundle: &Bundle,
    a: &[f32],
    b: &[f32],
    steps: usize,
    device: &Device,
) -> Result<Tensor<4>> {
    let (flow, _) = supervised(bundle)?;
    let d = a.len();
    let ends = flow.inverse(tensor2([a, b].concat(), 2, d, device)).0;
    let [za, zb] = [0, 1].map(|i| ends.clone().narrow(0, i, 1));
    let weights: Vec<f32> = (0..steps)
        .map(|s| s as f32 / (steps - 1).max(1) as f32)
        .collect();
    let t = tensor2(weights, steps, 1, device);
    let direct = za.clone() + (zb - za) * t;
    let tilde = flow.inverse(tensor2(lerp(a, b, steps), steps, d, device)).0;
    Ok(bundle
        .autoencoder
        .decode(Tensor::cat(vec![tilde, direct], 0)))
}

/// `n` new samples: `u ~ N(0, I)` through the inverse of the unsupervised flow gives codes `z`
/// (METHOD.md: the flow fixes the prior mismatch). Returns their supervised `z~` and images.
pub fn sample(
    bundle: &Bundle,
    n: usize,
    seed: u64,
    device: &Device,
) -> Result<(Tensor<2>, Tensor<4>)> {
    let (flow, _) = supervised(bundle)?;
    let d = bundle.manifest.latent_dim;
    let u = tensor2(SplitMix64::new(seed).normals(n * d), n, d, device);
    let z = bundle.flow(FLOW_UNSUPERVISED)?.inverse(u).0;
    let t = flow.forward(z.clone()).0;
    Ok((t, bundle.autoencoder.decode(z)))
}

/// The features the classifier's head reads to measure its response to each factor: the
/// `n` features of `feature` (`[n, d]`), then for every factor `k` in order, `samples` copies
/// of them with factor `k` of `T(feature)` resampled from N(0, I) and mapped back. Returns
/// `[n (1 + K samples), d]`; [`response_distances`] reads the head's logits of it.
pub fn response_features(
    flow: &Flow,
    factors: &Factors,
    feature: Tensor<2>,
    samples: usize,
    rng: &mut SplitMix64,
) -> Tensor<2> {
    let [n, d] = feature.dims();
    let device = feature.device();
    let (t, _) = flow.forward(feature.clone());
    let t = t.repeat_dim(0, samples);
    let mut parts = vec![feature];
    for k in 0..factors.len() {
        let noise = tensor2(rng.normals(samples * n * d), samples * n, d, &device);
        parts.push(flow.inverse(factors.swap(t.clone(), noise, k)).0);
    }
    Tensor::cat(parts, 0)
}

/// From the logits of [`response_features`] (`classes` per row, host order): per factor, the
/// mean L2 distance between the original logits and the resampled ones.
pub fn response_distances(logits: &[f32], n: usize, samples: usize, classes: usize) -> Vec<f32> {
    let rows: Vec<&[f32]> = logits.chunks(classes).collect();
    let per_factor = n * samples;
    let factors = (rows.len() - n) / per_factor.max(1);
    (0..factors)
        .map(|k| {
            let moved = &rows[n + k * per_factor..n + (k + 1) * per_factor];
            moved
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let original = rows[i % n];
                    original
                        .iter()
                        .zip(*row)
                        .map(|(x, y)| (x - y).powi(2))
                        .sum::<f32>()
                        .sqrt()
                })
                .sum::<f32>()
                / per_factor as f32
        })
        .collect()
}

/// The classifier's logits for decoded `z~` (`[1, D]`), followed by its response batch with
/// `samples` resamples per factor of the classifier's flow (see [`response_features`]).
pub fn explain(
    bundle: &Bundle,
    z_tilde: Tensor<2>,
    samples: usize,
    seed: u64,
) -> Result<Tensor<2>> {
    let image = decode(bundle, z_tilde)?;
    let flow = bundle.flow(FLOW_CLASSIFIER)?;
    let factors = &bundle.manifest.flow(FLOW_CLASSIFIER)?.factors;
    let feature = bundle.classifier.feature(image);
    let features = response_features(flow, factors, feature, samples, &mut SplitMix64::new(seed));
    Ok(bundle.classifier.head(features))
}

/// Softmax of one row of logits.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = logits.iter().map(|v| (v - max).exp()).collect();
    let sum: f32 = exp.iter().sum();
    exp.iter().map(|v| v / sum).collect()
}

/// The embeddings of the page (METHOD.md §6): the residual block in 2-D and `z` in 2-D (each by
/// its two principal axes over the reference codes), and every named factor in 1-D (its
/// handle, the slider's coordinate).
#[derive(Debug, Clone)]
pub struct Embedding {
    factors: Factors,
    handles: Vec<Handle>,
    residual: Pca,
    z: Pca,
}

/// Points placed by an [`Embedding`], for `n` codes.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedded {
    /// `[n, 2]`.
    pub residual: Vec<f32>,
    /// `[named factors, n]`: row `f` holds factor `f`'s handle value of every code.
    pub factors: Vec<f32>,
    /// `[n, 2]`.
    pub z: Vec<f32>,
}

impl Embedding {
    /// Fits the 2-D views to reference codes `z` and their `z~` (`[n, D]` each).
    pub fn fit(factors: &Factors, handles: &[Handle], z: &[f32], z_tilde: &[f32]) -> Self {
        let d = factors.dim();
        let n = z.len() / d;
        let r = factors.residual_index();
        let residual = block_rows(z_tilde, d, factors.range(r));
        Self {
            factors: factors.clone(),
            handles: handles.to_vec(),
            residual: Pca::fit(&residual, n, factors.range(r).len(), 2),
            z: Pca::fit(z, n, d, 2),
        }
    }

    /// Places codes `z` and their `z~` (`[n, D]` each).
    pub fn place(&self, z: &[f32], z_tilde: &[f32]) -> Embedded {
        let d = self.factors.dim();
        let r = self.factors.residual_index();
        let factors = (0..self.factors.len())
            .filter(|&k| k != r)
            .flat_map(|k| {
                let range = self.factors.range(k);
                z_tilde
                    .chunks(d)
                    .map(move |row| self.handles[k].value(&row[range.clone()]))
                    .collect::<Vec<_>>()
            })
            .collect();
        Embedded {
            residual: self
                .residual
                .project(&block_rows(z_tilde, d, self.factors.range(r))),
            factors,
            z: self.z.project(z),
        }
    }
}

/// The columns `range` of every row of a `[n, d]` matrix, flattened.
fn block_rows(x: &[f32], d: usize, range: Range<usize>) -> Vec<f32> {
    x.chunks(d)
        .flat_map(|row| row[range.clone()].iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analogy_cells_take_the_factor_from_the_row_and_the_rest_from_the_column() {
        let factors = Factors::new(&[("a", 2)], 2, 4).unwrap();
        let rows = [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0];
        let cols = [5.0, 5.0, 5.0, 5.0, 6.0, 6.0, 6.0, 6.0, 7.0, 7.0, 7.0, 7.0];
        let cells = analogy_codes(&rows, &cols, &factors, 0);
        assert_eq!(cells.len(), 2 * 3 * 4);
        // Row 1, column 2: factor from rows[1] (2), the rest from cols[2] (7).
        assert_eq!(&cells[(3 + 2) * 4..(3 + 2) * 4 + 4], &[2.0, 2.0, 7.0, 7.0]);
    }

    #[test]
    fn the_walk_moves_only_its_block_and_stays_standard_normal() {
        let start = vec![0.5f32; 8];
        let mut rng = SplitMix64::new(3);
        let frames = ou_walk(&start, 2..5, 4000, 0.9, &mut rng);
        let mut values = vec![];
        for frame in frames.chunks(8) {
            assert_eq!(&frame[..2], &start[..2]);
            assert_eq!(&frame[5..], &start[5..]);
            values.extend_from_slice(&frame[2..5]);
        }
        let mean = values.iter().sum::<f32>() / values.len() as f32;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / values.len() as f32;
        assert!(
            mean.abs() < 0.1 && (var - 1.0).abs() < 0.15,
            "mean {mean}, var {var}"
        );
        // Consecutive frames are correlated by `keep` (a walk, not independent draws).
        let a: Vec<f32> = frames.chunks(8).map(|f| f[2]).collect();
        let lag1 = a.windows(2).map(|w| w[0] * w[1]).sum::<f32>() / (a.len() - 1) as f32;
        assert!(
            (lag1 / var - 0.9).abs() < 0.1,
            "lag-1 correlation {}",
            lag1 / var
        );
    }

    #[test]
    fn rgba_maps_minus_one_to_zero_and_one_to_255_and_is_opaque() {
        let mut image = vec![-1.0f32; 3 * PIXELS];
        image[PIXELS] = 1.0; // green of pixel 0
        let rgba = to_rgba(&image);
        assert_eq!(rgba.len(), RGBA_BYTES);
        assert_eq!(&rgba[..4], &[0, 255, 0, 255]);
        assert_eq!(&rgba[4..8], &[0, 0, 0, 255]);
    }

    #[test]
    fn response_distances_average_per_factor() {
        // n = 1, 2 samples, 2 factors, 2 classes: original [0, 0]; factor 0 moves by 3 and 5
        // (mean 4), factor 1 by 0 and 0.
        let logits = [0.0, 0.0, 3.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0];
        assert_eq!(response_distances(&logits, 1, 2, 2), vec![4.0, 0.0]);
    }
}
