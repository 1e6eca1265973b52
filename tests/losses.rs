//! Loss values against numbers computed by hand and by the textbook bivariate normal density.

mod common;

use common::cpu;
use iin::factors::{Factors, Sharing};
use iin::loss::{nll, PairLoss, LOG_2PI};
use iin::tensor_util::{tensor2, to_vec};
use iin::IinError;

fn scalar(t: burn::tensor::Tensor<1>) -> f64 {
    to_vec(t).unwrap()[0] as f64
}

fn vec1(v: Vec<f32>) -> burn::tensor::Tensor<1> {
    burn::tensor::Tensor::from_floats(v.as_slice(), &cpu())
}

#[test]
fn nll_at_the_origin_is_half_d_log_two_pi() {
    let loss = nll(tensor2(vec![0.0; 8], 2, 4, &cpu()), vec1(vec![0.0, 0.0]));
    assert!((scalar(loss) - 2.0 * (2.0 * std::f64::consts::PI).ln()).abs() < 1e-5);
}

#[test]
fn nll_by_hand() {
    // Per sample: 0.5 * (1 + 4) - 0.5 = 2.0 and 0 - (-1) = 1.0; mean 1.5; plus 0.5 * 2 * log 2pi.
    let loss = scalar(nll(
        tensor2(vec![1.0, 2.0, 0.0, 0.0], 2, 2, &cpu()),
        vec1(vec![0.5, -1.0]),
    ));
    assert!((loss - (1.5 + LOG_2PI)).abs() < 1e-5, "{loss}");
}

/// `-log N2((a, b); 0, [[1, rho], [rho, 1]])`, the textbook bivariate normal density.
fn bivariate_nll(a: f64, b: f64, rho: f64) -> f64 {
    let q = (a * a - 2.0 * rho * a * b + b * b) / (1.0 - rho * rho);
    LOG_2PI + 0.5 * (1.0 - rho * rho).ln() + 0.5 * q
}

fn univariate_pair_nll(a: f64, b: f64) -> f64 {
    LOG_2PI + 0.5 * (a * a + b * b)
}

#[test]
fn pair_loss_matches_the_joint_gaussian_density() {
    let rho = 0.5;
    let loss = PairLoss::new(rho).unwrap();
    // One pair, D = 2: coordinate 0 shared, coordinate 1 independent.
    let (za, zb) = ([1.0f32, 0.0], [1.0f32, 2.0]);
    let (lda, ldb) = (0.1f32, 0.2f32);
    let value = scalar(loss.forward(
        tensor2(za.to_vec(), 1, 2, &cpu()),
        vec1(vec![lda]),
        tensor2(zb.to_vec(), 1, 2, &cpu()),
        vec1(vec![ldb]),
        tensor2(vec![1.0, 0.0], 1, 2, &cpu()),
    ));
    let expected = bivariate_nll(1.0, 1.0, rho) + univariate_pair_nll(0.0, 2.0) - 0.3;
    assert!((value - expected).abs() < 1e-5, "{value} vs {expected}");
    // Hand arithmetic of the same number: 0.5 + [0.25 / 1.5 + 0.5 ln 0.75] + 2 - 0.3 + 2 ln 2pi.
    let by_hand = 0.5 + (0.25 / 1.5 + 0.5 * 0.75f64.ln()) + 2.0 - 0.3 + 2.0 * LOG_2PI;
    assert!((value - by_hand).abs() < 1e-5);
}

#[test]
fn pair_loss_masks_come_from_factors_and_average_over_pairs() {
    let factors = Factors::new(&[("digit", 1)], 1, 2).unwrap();
    let loss = PairLoss::default();
    let rho = loss.rho();
    let za = tensor2(vec![0.3, -0.7, 1.2, 0.4], 2, 2, &cpu());
    let zb = tensor2(vec![0.1, 0.9, 1.0, 0.5], 2, 2, &cpu());
    let shared = factors.shared_mask_batch(&[Sharing::Factor(0), Sharing::AllBut(0)], &cpu());
    assert_eq!(to_vec(shared.clone()).unwrap(), vec![1.0, 0.0, 0.0, 1.0]);
    let value = scalar(loss.forward(za, vec1(vec![0.0, 0.0]), zb, vec1(vec![0.0, 0.0]), shared));
    let first = bivariate_nll(0.3, 0.1, rho) + univariate_pair_nll(-0.7, 0.9);
    let second = univariate_pair_nll(1.2, 1.0) + bivariate_nll(0.4, 0.5, rho);
    let expected = (first + second) / 2.0;
    assert!((value - expected).abs() < 1e-4, "{value} vs {expected}");
}

#[test]
fn rho_must_lie_in_the_open_unit_interval() {
    for rho in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(
            PairLoss::new(rho),
            Err(IinError::InvalidConfig(_))
        ));
    }
    assert_eq!(PairLoss::default().rho(), 0.975);
}
