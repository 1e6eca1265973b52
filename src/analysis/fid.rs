//! Fréchet distance between two sets of features (Heusel et al. 2017), as used for FID:
//! `||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2)`.
//! The symmetric form `(S1^1/2 S2 S1^1/2)^1/2` has the same trace as `(S1 S2)^1/2` and needs
//! only symmetric eigen-decompositions.

use super::linalg::{matmul, mean_and_covariance, sqrt_psd};

/// Fréchet distance between Gaussians fitted to `a` (`rows_a x dim`) and `b` (`rows_b x dim`).
pub fn frechet_distance(a: &[f32], rows_a: usize, b: &[f32], rows_b: usize, dim: usize) -> f64 {
    let (mu1, s1) = mean_and_covariance(a, rows_a, dim);
    let (mu2, s2) = mean_and_covariance(b, rows_b, dim);
    let mean_term: f64 = mu1.iter().zip(&mu2).map(|(x, y)| (x - y).powi(2)).sum();
    let root1 = sqrt_psd(&s1, dim);
    let middle = matmul(&matmul(&root1, &s2, dim), &root1, dim);
    let cross = sqrt_psd(&middle, dim);
    let trace = |m: &[f64]| (0..dim).map(|i| m[i * dim + i]).sum::<f64>();
    mean_term + trace(&s1) + trace(&s2) - 2.0 * trace(&cross)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn gaussian(n: usize, d: usize, shift: f32, scale: f32, seed: u64) -> Vec<f32> {
        SplitMix64::new(seed)
            .normals(n * d)
            .into_iter()
            .map(|x| x * scale + shift)
            .collect()
    }

    /// For isotropic Gaussians the closed form is `d * shift^2 + d * (s1 - s2)^2`.
    #[test]
    fn matches_the_closed_form_for_isotropic_gaussians() {
        let (n, d) = (20_000, 4);
        let a = gaussian(n, d, 0.0, 1.0, 1);
        let b = gaussian(n, d, 0.5, 2.0, 2);
        let fd = frechet_distance(&a, n, &b, n, d);
        let expected = d as f64 * 0.25 + d as f64 * 1.0;
        assert!((fd - expected).abs() < 0.15, "{fd} vs {expected}");
        let same = frechet_distance(&a, n, &gaussian(n, d, 0.0, 1.0, 3), n, d);
        assert!(same < 0.02, "{same}");
    }
}
