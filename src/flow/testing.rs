//! Testing helpers for bijections, shared by every layer's tests (in the spirit of nflows'
//! `TransformTest` and FrEIA's Jacobian check). Public so integration tests and benchmarks can
//! use them; they panic with a message on failure, as test helpers do.

use burn::tensor::Tensor;

use super::Invertible;
use crate::tensor_util::{tensor2, to_vec};

/// What [`assert_bijection`] measured.
#[derive(Debug, Clone, Copy)]
pub struct BijectionReport {
    /// `max |f^-1(f(x)) - x|`.
    pub round_trip: f32,
    /// `max |log_det_forward + log_det_inverse|` (they must cancel).
    pub log_det_cancel: f32,
    /// `max |f(x)[0] - f(x[0..1])|`: a batch of one gives the batch's first row.
    pub batch_of_one: f32,
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Asserts that `layer` is a bijection on the batch `x` (`[n, d]`): output shapes, finite
/// outputs, round trip within `tol`, log-dets of shape `[n]` that cancel within `tol`, and that a
/// batch of one gives the same result as the first row of the batch.
pub fn assert_bijection<L: Invertible>(layer: &L, x: Tensor<2>, tol: f32) -> BijectionReport {
    let [n, d] = x.dims();
    let (y, ld_fwd) = layer.forward(x.clone());
    assert_eq!(y.dims(), [n, d], "forward changed the shape");
    assert_eq!(
        ld_fwd.dims(),
        [n],
        "forward log_det must have shape [batch]"
    );
    let (x_back, ld_inv) = layer.inverse(y.clone());
    assert_eq!(x_back.dims(), [n, d], "inverse changed the shape");
    assert_eq!(
        ld_inv.dims(),
        [n],
        "inverse log_det must have shape [batch]"
    );

    let (xs, ys, xbs) = (
        to_vec(x.clone()).unwrap(),
        to_vec(y.clone()).unwrap(),
        to_vec(x_back).unwrap(),
    );
    let (lfs, lis) = (to_vec(ld_fwd).unwrap(), to_vec(ld_inv).unwrap());
    assert!(
        ys.iter().all(|v| v.is_finite()),
        "forward output is not finite"
    );
    assert!(
        lfs.iter().chain(&lis).all(|v| v.is_finite()),
        "log_det is not finite"
    );

    let round_trip = max_abs_diff(&xs, &xbs);
    assert!(round_trip <= tol, "round trip error {round_trip} > {tol}");
    let log_det_cancel = lfs
        .iter()
        .zip(&lis)
        .map(|(a, b)| (a + b).abs())
        .fold(0.0, f32::max);
    assert!(
        log_det_cancel <= tol * d as f32,
        "forward and inverse log-dets do not cancel: {log_det_cancel}"
    );

    let (y1, ld1) = layer.forward(x.narrow(0, 0, 1));
    assert_eq!(y1.dims(), [1, d], "a batch of one changed shape");
    let y1 = to_vec(y1).unwrap();
    let batch_of_one = max_abs_diff(&y1, &ys[..d]).max((to_vec(ld1).unwrap()[0] - lfs[0]).abs());
    assert!(
        batch_of_one <= tol,
        "a batch of one differs from the batch by {batch_of_one}"
    );

    BijectionReport {
        round_trip,
        log_det_cancel,
        batch_of_one,
    }
}

/// `log|det J|` of `layer.forward` at the point `x` (length d), with J estimated by central
/// differences of step `eps`: all 2d perturbed points go through the layer in one batch.
pub fn finite_difference_log_det<L: Invertible>(
    layer: &L,
    x: &[f32],
    eps: f32,
    device: &burn::tensor::Device,
) -> f64 {
    let d = x.len();
    let mut batch = Vec::with_capacity(2 * d * d);
    for j in 0..d {
        for sign in [1.0f32, -1.0] {
            let mut p = x.to_vec();
            p[j] += sign * eps;
            batch.extend(p);
        }
    }
    let (y, _) = layer.forward(tensor2(batch, 2 * d, d, device));
    let y = to_vec(y).unwrap();
    // jac[i][j] = d y_i / d x_j
    let mut jac = vec![vec![0f64; d]; d];
    for j in 0..d {
        let plus = &y[(2 * j) * d..(2 * j + 1) * d];
        let minus = &y[(2 * j + 1) * d..(2 * j + 2) * d];
        for i in 0..d {
            jac[i][j] = (plus[i] as f64 - minus[i] as f64) / (2.0 * eps as f64);
        }
    }
    log_abs_det(jac)
}

/// `log|det A|` by LU decomposition with partial pivoting, in f64.
pub fn log_abs_det(mut a: Vec<Vec<f64>>) -> f64 {
    let n = a.len();
    let mut log_det = 0.0;
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        let p = a[col][col];
        if p == 0.0 {
            return f64::NEG_INFINITY;
        }
        log_det += p.abs().ln();
        let pivot_row = a[col].clone();
        for row in a.iter_mut().skip(col + 1) {
            let factor = row[col] / p;
            for (v, pv) in row.iter_mut().zip(&pivot_row).skip(col) {
                *v -= factor * pv;
            }
        }
    }
    log_det
}

/// Adds `N(0, scale^2)` noise (seeded) to every float parameter of `module`, so that layers that
/// start as the identity can be tested as general bijections.
pub fn perturb<M: burn::module::Module>(module: M, scale: f64, seed: u64) -> M {
    struct Perturb {
        rng: crate::rng::SplitMix64,
        scale: f64,
    }
    impl burn::module::ModuleMapper for Perturb {
        fn map_float<const D: usize>(
            &mut self,
            param: burn::module::Param<Tensor<D>>,
        ) -> burn::module::Param<Tensor<D>> {
            param.map(|t| {
                let shape = t.shape();
                let n = shape.num_elements();
                let noise: Vec<f32> = (0..n)
                    .map(|_| (self.rng.normal() * self.scale) as f32)
                    .collect();
                let noise = Tensor::<D>::from_data(
                    burn::tensor::TensorData::new(noise, shape),
                    &t.device(),
                );
                t + noise
            })
        }
    }
    module.map(&mut Perturb {
        rng: crate::rng::SplitMix64::new(seed),
        scale,
    })
}
