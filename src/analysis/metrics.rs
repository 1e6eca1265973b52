//! The evaluation measures of a bundle (issue: `iin eval`), written over tensors and host
//! vectors so the CLI, the tests and the page share them.
//!
//! - swap fidelity: put factor k of code b into code a (in `z~`), invert, decode, and ask the
//!   judge (digit) or the pixels (colour) what came out;
//! - Fréchet distance on judge features between real images and decoded samples;
//! - classifier response: how far the explained classifier's logits move when one factor of its
//!   feature is resampled from N(0, I).

use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::analysis::explore::{response_distances, response_features};
use crate::analysis::pca::Pca;
use crate::autoencoder::{Autoencoder, Classifier, ImageClassifier, Judge};
use crate::bundle::Handle;
use crate::data::color::{measure_colour, Rgb};
use crate::error::Result;
use crate::factors::Factors;
use crate::flow::Flow;
use crate::rng::SplitMix64;
use crate::tensor_util::{tensor2, to_vec};

/// Index of the largest value in each row of `[rows, cols]`.
pub fn argmax_rows(values: &[f32], cols: usize) -> Vec<usize> {
    values
        .chunks(cols)
        .map(|row| {
            row.iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i)
        })
        .collect()
}

/// The judge's digit for each image.
pub fn judge_digits(judge: &Judge, images: Tensor<4>) -> Result<Vec<usize>> {
    Ok(argmax_rows(&to_vec(judge.logits(images))?, judge.classes()))
}

/// The colour measured from the pixels of each `[B, 3, 32, 32]` image.
pub fn measured_colours(images: Tensor<4>) -> Result<Vec<Rgb>> {
    let values = to_vec(images)?;
    Ok(values.chunks(3 * 32 * 32).map(measure_colour).collect())
}

/// Swap fidelity of a supervised flow on the autoencoder (all fractions in [0, 1]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SwapReport {
    /// The digit factor from b: the judge reads b's digit.
    pub digit_follows: f32,
    /// The colour factor from b: mean absolute RGB error to b's colour.
    pub colour_error: f32,
    /// The colour factor from b: the judge still reads a's digit.
    pub digit_kept: f32,
}

/// Codes of images: the autoencoder's posterior mean (deterministic, for evaluation).
pub fn codes(ae: &Autoencoder, images: Tensor<4>) -> Tensor<2> {
    ae.encode(images).0
}

/// Factor `k` of `b` put into `a`, both given as `z~ = T(z)`, inverted and decoded.
pub fn swap_decode(
    ae: &Autoencoder,
    flow: &Flow,
    factors: &Factors,
    ta: Tensor<2>,
    tb: Tensor<2>,
    k: usize,
) -> Tensor<4> {
    let (z, _) = flow.inverse(factors.swap(ta, tb, k));
    ae.decode(z)
}

#[allow(clippy::too_many_arguments)]
pub fn swap_report(
    ae: &Autoencoder,
    flow: &Flow,
    factors: &Factors,
    judge: &Judge,
    images_a: Tensor<4>,
    images_b: Tensor<4>,
    labels_a: &[u8],
    labels_b: &[u8],
    colours_b: &[Rgb],
) -> Result<SwapReport> {
    let n = labels_a.len() as f32;
    let (ta, _) = flow.forward(codes(ae, images_a));
    let (tb, _) = flow.forward(codes(ae, images_b));
    let digit = factors.index_of("digit")?;
    let colour = factors.index_of("colour")?;
    let by_digit = swap_decode(ae, flow, factors, ta.clone(), tb.clone(), digit);
    let follows = judge_digits(judge, by_digit)?
        .iter()
        .zip(labels_b)
        .filter(|(d, &l)| **d == l as usize)
        .count();
    let by_colour = swap_decode(ae, flow, factors, ta, tb, colour);
    let kept = judge_digits(judge, by_colour.clone())?
        .iter()
        .zip(labels_a)
        .filter(|(d, &l)| **d == l as usize)
        .count();
    let colours = measured_colours(by_colour)?;
    let colour_error = colours
        .iter()
        .zip(colours_b)
        .map(|(m, t)| m.iter().zip(t).map(|(x, y)| (x - y).abs()).sum::<f32>() / 3.0)
        .sum::<f32>()
        / n;
    Ok(SwapReport {
        digit_follows: follows as f32 / n,
        colour_error,
        digit_kept: kept as f32 / n,
    })
}

/// Decoded samples: `z ~ N(0, I)` straight into the decoder, or `z~ ~ N(0, I)` through the
/// inverse of the unsupervised flow first.
pub fn samples(
    ae: &Autoencoder,
    flow: Option<&Flow>,
    n: usize,
    seed: u64,
    device: &Device,
) -> Tensor<4> {
    let d = ae.latent();
    let noise = tensor2(SplitMix64::new(seed).normals(n * d), n, d, device);
    let z = match flow {
        Some(flow) => flow.inverse(noise).0,
        None => noise,
    };
    ae.decode(z)
}

/// The classifier's response to each factor: the mean L2 distance between its logits before
/// and after resampling that factor's block of `z~ = T(feature)` from N(0, I).
pub fn classifier_response(
    classifier: &Classifier,
    flow: &Flow,
    factors: &Factors,
    images: Tensor<4>,
    seed: u64,
) -> Result<Vec<(String, f32)>> {
    let feature = classifier.feature(images);
    let n = feature.dims()[0];
    let features = response_features(flow, factors, feature, 1, &mut SplitMix64::new(seed));
    let logits = to_vec(classifier.head(features))?;
    let distances = response_distances(&logits, n, 1, classifier.classes());
    Ok(factors
        .factors()
        .iter()
        .map(|f| f.name.clone())
        .zip(distances)
        .collect())
}

/// The 1-D handle of every factor: the first principal axis of its block of `z~ = T(z)` over
/// reference codes `z` (`[n, D]`).
pub fn handles(flow: &Flow, factors: &Factors, z: Tensor<2>) -> Result<Vec<Handle>> {
    let (t, _) = flow.forward(z);
    let n = t.dims()[0];
    factors
        .split(t)
        .into_iter()
        .zip(factors.factors())
        .map(|(block, f)| {
            let values = to_vec(block)?;
            let pca = Pca::fit(&values, n, f.size, 1);
            Ok(Handle {
                factor: f.name.clone(),
                mean: pca.mean,
                axis: pca.axes[0].clone(),
                std: pca.variances[0].max(0.0).sqrt(),
            })
        })
        .collect()
}

/// Spearman's rank correlation of two equally long samples (ties get their mean rank); 0 when
/// either sample is constant or has fewer than two values.
pub fn spearman(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len(), "spearman: samples of different lengths");
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        cov += (x - ma) * (y - mb);
        va += (x - ma).powi(2);
        vb += (y - mb).powi(2);
    }
    if va <= 0.0 || vb <= 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

/// 1-based ranks, ties sharing their mean rank.
fn ranks(v: &[f32]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
    let mut out = vec![0.0; v.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && v[order[end]] == v[order[start]] {
            end += 1;
        }
        let rank = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            out[i] = rank;
        }
        start = end;
    }
    out
}
