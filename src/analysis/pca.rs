//! Principal axes of a set of vectors: the 2-D embeddings of the page and the 1-D handle of a
//! factor's slider (its first principal axis over a reference set, METHOD.md §6).

use super::linalg::{mean_and_covariance, symmetric_eigen};

/// The mean and the first `k` principal axes (unit vectors, by decreasing variance) of
/// `rows x dim` samples, with the variance along each.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pca {
    pub mean: Vec<f32>,
    /// `k` axes of length `dim`.
    pub axes: Vec<Vec<f32>>,
    pub variances: Vec<f32>,
}

impl Pca {
    pub fn fit(x: &[f32], rows: usize, dim: usize, k: usize) -> Self {
        let (mean, cov) = mean_and_covariance(x, rows, dim);
        let (values, vectors) = symmetric_eigen(&cov, dim);
        let k = k.min(dim);
        let axes = (0..k)
            .map(|c| {
                // Fix the sign so that the largest component is positive (stable across runs).
                let axis: Vec<f64> = (0..dim).map(|r| vectors[r * dim + c]).collect();
                let big = axis
                    .iter()
                    .cloned()
                    .fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m });
                let sign = if big < 0.0 { -1.0 } else { 1.0 };
                axis.iter().map(|v| (v * sign) as f32).collect()
            })
            .collect();
        Self {
            mean: mean.iter().map(|&m| m as f32).collect(),
            axes,
            variances: values[..k].iter().map(|&v| v as f32).collect(),
        }
    }

    /// Coordinates of each row of `x` (`rows x dim`) on the axes: `rows x k`.
    pub fn project(&self, x: &[f32]) -> Vec<f32> {
        let dim = self.mean.len();
        x.chunks(dim)
            .flat_map(|row| {
                self.axes.iter().map(move |axis| {
                    row.iter()
                        .zip(&self.mean)
                        .zip(axis)
                        .map(|((v, m), a)| (v - m) * a)
                        .sum::<f32>()
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    #[test]
    fn finds_the_direction_of_largest_variance() {
        let mut rng = SplitMix64::new(4);
        let n = 4000;
        let mut x = Vec::with_capacity(n * 3);
        for _ in 0..n {
            let (big, small) = (rng.normal() * 3.0, rng.normal() * 0.3);
            // Big variance along (1, 1, 0)/sqrt 2.
            let s = std::f64::consts::FRAC_1_SQRT_2;
            x.extend([
                (big * s + small * s) as f32,
                (big * s - small * s) as f32,
                (rng.normal() * 0.1) as f32,
            ]);
        }
        let pca = Pca::fit(&x, n, 3, 2);
        let a = &pca.axes[0];
        assert!(
            (a[0] - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.02
                && (a[1] - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.02,
            "{a:?}"
        );
        assert!((pca.variances[0] - 9.0).abs() < 0.6);
        let proj = pca.project(&x[..3]);
        assert_eq!(proj.len(), 2);
    }
}
