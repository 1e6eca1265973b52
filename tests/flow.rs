//! The invertible network: every layer is a bijection with the right log-determinant, a fresh
//! flow is the identity, and weights survive saving and loading exactly.

mod common;

use burn::module::Module;
use common::{cpu, gaussian, max_abs};
use iin::flow::testing::{assert_bijection, finite_difference_log_det, perturb};
use iin::flow::{ActNorm, DoubleAffineCoupling, Flow, FlowConfig, HeadConfig, Invertible, Shuffle};
use iin::rng::SplitMix64;
use iin::tensor_util::{tensor2, to_vec};
use iin::weights::{ModelFile, INT8_FILE_VERSION};
use iin::IinError;

/// Round-trip tolerance for f32: a handful of exp/tanh/affine steps per block keep relative error
/// near 1e-6 on O(1) values; 1e-4 leaves room for 4 blocks of accumulation.
const TOL: f32 = 1e-4;

fn trained_like_flow(dim: usize, hidden: usize, n_blocks: usize) -> Flow {
    perturbed_flow(dim, hidden, n_blocks, 0.2)
}

/// A flow initialised from data, then every weight moved by `N(0, scale^2)`.
fn perturbed_flow(dim: usize, hidden: usize, n_blocks: usize, scale: f64) -> Flow {
    let flow = FlowConfig::new(dim)
        .with_hidden(hidden)
        .with_n_blocks(n_blocks)
        .with_seed(3)
        .init(&cpu())
        .unwrap()
        .init_from_batch(&gaussian(64, dim, 0.5, 2.0, 11))
        .unwrap();
    perturb(flow, scale, 5)
}

#[test]
fn actnorm_is_a_bijection_and_standardises_its_init_batch() {
    let batch = gaussian(256, 6, 3.0, 0.5, 1);
    let layer = ActNorm::new(6, &cpu()).init_from_batch(&batch).unwrap();
    assert!(layer.is_initialized());
    let (y, log_det) = layer.forward(batch.clone());
    let y = to_vec(y).unwrap();
    for d in 0..6 {
        let col: Vec<f32> = (0..256).map(|r| y[r * 6 + d]).collect();
        let mean = col.iter().sum::<f32>() / 256.0;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / 256.0;
        assert!(mean.abs() < 1e-4, "mean {mean}");
        assert!((var - 1.0).abs() < 1e-3, "var {var}");
    }
    // log|det| = sum log(1/std) ~= 6 * log(1/0.5), the same for every sample.
    let ld = to_vec(log_det).unwrap();
    assert!((ld[0] - 6.0 * 2f32.ln()).abs() < 0.15, "log_det {}", ld[0]);
    assert!(ld.iter().all(|v| (v - ld[0]).abs() < 1e-6));
    assert_bijection(&layer, gaussian(16, 6, 0.0, 1.0, 2), TOL);
}

#[test]
fn actnorm_refuses_a_batch_of_one_and_non_finite_data() {
    let layer = ActNorm::new(4, &cpu());
    assert!(matches!(
        layer.clone().init_from_batch(&gaussian(1, 4, 0.0, 1.0, 1)),
        Err(IinError::InvalidConfig(_))
    ));
    let bad = tensor2(
        vec![0.0, 1.0, f32::NAN, 2.0, 1.0, 1.0, 1.0, 1.0],
        2,
        4,
        &cpu(),
    );
    assert!(matches!(
        layer.init_from_batch(&bad),
        Err(IinError::NonFinite(_))
    ));
}

#[test]
fn coupling_is_a_bijection() {
    let mut rng = SplitMix64::new(9);
    let layer = perturb(
        DoubleAffineCoupling::new(8, 16, 2, &mut rng, &cpu()),
        0.3,
        1,
    );
    let report = assert_bijection(&layer, gaussian(32, 8, 0.0, 1.5, 3), TOL);
    // The layer must actually do something, or the test proves nothing.
    let (y, _) = layer.forward(gaussian(32, 8, 0.0, 1.5, 3));
    let moved = max_abs(
        &to_vec(y).unwrap(),
        &to_vec(gaussian(32, 8, 0.0, 1.5, 3)).unwrap(),
    );
    assert!(
        moved > 0.1,
        "perturbed coupling is still the identity ({moved})"
    );
    assert!(report.round_trip < TOL);
}

#[test]
fn shuffle_permutes_and_inverts() {
    let layer = Shuffle::from_permutation(&[2, 0, 3, 1], &cpu());
    let x = tensor2(vec![10.0, 11.0, 12.0, 13.0], 1, 4, &cpu());
    let (y, log_det) = layer.forward(x.clone());
    assert_eq!(to_vec(y).unwrap(), vec![12.0, 10.0, 13.0, 11.0]);
    assert_eq!(to_vec(log_det).unwrap(), vec![0.0]);
    assert_bijection(
        &Shuffle::new(10, 4, &cpu()),
        gaussian(8, 10, 0.0, 1.0, 4),
        0.0,
    );
}

#[test]
fn block_and_stack_are_bijections() {
    let flow = trained_like_flow(16, 32, 3);
    assert_bijection(&flow.blocks[0], gaussian(64, 16, 0.5, 2.0, 6), TOL);
    let report = assert_bijection(&flow, gaussian(64, 16, 0.5, 2.0, 7), TOL);
    assert!(report.round_trip < TOL);
}

/// Odd dimensions split into halves of `D / 2` and `D - D / 2` (a concept's head covers the
/// residual, whose size is whatever the dimension estimate gave).
#[test]
fn odd_dimensions_are_bijections_too() {
    let mut rng = SplitMix64::new(2);
    let layer = perturb(
        DoubleAffineCoupling::new(7, 16, 2, &mut rng, &cpu()),
        0.3,
        1,
    );
    let x = gaussian(32, 7, 0.0, 1.5, 3);
    assert_bijection(&layer, x.clone(), TOL);
    let (y, _) = layer.forward(x.clone());
    assert!(max_abs(&to_vec(y).unwrap(), &to_vec(x).unwrap()) > 0.1);
    let flow = trained_like_flow(7, 16, 2);
    assert_bijection(&flow, gaussian(64, 7, 0.5, 2.0, 7), TOL);
}

/// A head acts on its range of `z~` only: the coordinates before and after it are the base
/// flow's, bit for bit; the whole is a bijection with the right log-det; and it saves and loads.
#[test]
fn a_head_changes_only_its_range_and_is_a_bijection() {
    let base = trained_like_flow(10, 16, 2);
    let z = gaussian(64, 10, 0.5, 2.0, 12);
    let config = HeadConfig::new(3, 5).with_hidden(8).with_seed(4);
    // (a head that ends at the last coordinate, as a concept's does, is checked in tests/concepts.rs)
    let head = perturb(base.new_head(&config, &z).unwrap(), 0.3, 6);
    let flow = base.clone().with_head(config, head).unwrap();
    let (before, ld_base) = base.forward(z.clone());
    let (after, ld) = flow.forward(z.clone());
    let (b, a) = (to_vec(before).unwrap(), to_vec(after).unwrap());
    for row in 0..64 {
        for col in (0..3).chain(8..10) {
            assert_eq!(b[row * 10 + col], a[row * 10 + col], "({row}, {col})");
        }
    }
    assert!(max_abs(&a, &b) > 0.1, "the head did nothing");
    assert!(max_abs(&to_vec(ld).unwrap(), &to_vec(ld_base).unwrap()) > 1e-3);
    assert_bijection(&flow, gaussian(32, 10, 0.5, 2.0, 13), TOL);
    let point = to_vec(gaussian(1, 10, 0.5, 2.0, 14)).unwrap();
    let (_, ld) = flow.forward(tensor2(point.clone(), 1, 10, &cpu()));
    let numeric = finite_difference_log_det(&flow, &point, 1e-2, &cpu());
    let analytic = to_vec(ld).unwrap()[0] as f64;
    assert!((analytic - numeric).abs() < 5e-3, "{analytic} vs {numeric}");

    let loaded = Flow::from_bytes(&flow.to_bytes().unwrap(), &cpu()).unwrap();
    assert_eq!(loaded.config(), flow.config());
    let (y1, _) = flow.forward(z.clone());
    let (y2, _) = loaded.forward(z);
    assert_eq!(to_vec(y1).unwrap(), to_vec(y2).unwrap());

    // A head on a range that does not match its config is refused.
    let wrong = base
        .new_head(&HeadConfig::new(2, 4), &gaussian(8, 10, 0.0, 1.0, 1))
        .unwrap();
    assert!(base.with_head(HeadConfig::new(3, 4), wrong).is_err());
}

/// The flow's log-det against `log|det J|` with J from central differences, at small width.
/// Tolerance: f32 central differences with step 1e-2 have truncation error ~eps^2 * f''' (~1e-4
/// relative for these smooth, O(1)-curvature maps) and rounding error ~1e-7 / eps = 1e-5 per
/// entry; over a 6x6 log-det that is well under 5e-3, while a log-det that forgot one coupling
/// half-step or the ActNorm term is off by O(0.1-1).
#[test]
fn log_det_matches_finite_difference_jacobian() {
    let flow = trained_like_flow(6, 8, 2);
    let points = to_vec(gaussian(4, 6, 0.5, 2.0, 8)).unwrap();
    for x in points.chunks(6) {
        let (_, ld) = flow.forward(tensor2(x.to_vec(), 1, 6, &cpu()));
        let analytic = to_vec(ld).unwrap()[0] as f64;
        let numeric = finite_difference_log_det(&flow, x, 1e-2, &cpu());
        assert!(
            (analytic - numeric).abs() < 5e-3,
            "analytic log_det {analytic} vs finite differences {numeric}"
        );
        assert!(
            analytic.abs() > 0.1,
            "log_det is trivially small: {analytic}"
        );
    }
}

/// A fresh coupling block and a fresh ActNorm are exactly the identity, so a fresh flow is just
/// its stored shuffles: a pure permutation of the coordinates with log-det 0.
#[test]
fn a_fresh_flow_is_the_identity_up_to_its_shuffles() {
    let x = gaussian(10, 8, 1.0, 3.0, 9);
    let xs = to_vec(x.clone()).unwrap();
    let mut rng = SplitMix64::new(1);
    let coupling = DoubleAffineCoupling::new(8, 16, 2, &mut rng, &cpu());
    let (y, ld) = coupling.forward(x.clone());
    assert_eq!(to_vec(y).unwrap(), xs);
    assert!(to_vec(ld).unwrap().iter().all(|&v| v == 0.0));
    let (y, _) = ActNorm::new(8, &cpu()).forward(x.clone());
    assert_eq!(to_vec(y).unwrap(), xs);

    let flow = FlowConfig::new(8).init(&cpu()).unwrap();
    assert!(!flow.is_initialized());
    let (y, log_det) = flow.forward(x);
    let mut expected = xs.clone();
    for block in &flow.blocks {
        let perm = block.shuffle.permutation();
        expected = expected
            .chunks(8)
            .flat_map(|row| perm.iter().map(|&p| row[p]).collect::<Vec<_>>())
            .collect();
    }
    assert_ne!(expected, xs, "the shuffles should not all be the identity");
    assert_eq!(to_vec(y).unwrap(), expected);
    assert!(to_vec(log_det).unwrap().iter().all(|&v| v == 0.0));
}

#[test]
fn save_and_load_reproduce_outputs_on_new_data() {
    let flow = trained_like_flow(16, 32, 3);
    let bytes = flow.to_bytes().unwrap();
    let loaded = Flow::from_bytes(&bytes, &cpu()).unwrap();
    assert!(loaded.is_initialized(), "ActNorm state was lost on load");
    assert_eq!(loaded.config(), flow.config());
    for (a, b) in flow.blocks.iter().zip(&loaded.blocks) {
        assert_eq!(a.shuffle.permutation(), b.shuffle.permutation());
    }
    let fresh = gaussian(20, 16, 0.0, 1.0, 99);
    let (y1, l1) = flow.forward(fresh.clone());
    let (y2, l2) = loaded.forward(fresh.clone());
    assert_eq!(to_vec(y1).unwrap(), to_vec(y2).unwrap());
    assert_eq!(to_vec(l1).unwrap(), to_vec(l2).unwrap());
    // Loading into a flow built with another seed must still give the saved permutations.
    let other = FlowConfig::new(16)
        .with_hidden(32)
        .with_n_blocks(3)
        .with_seed(7);
    let mut relabelled = bytes.clone();
    let old = serde_json::to_vec(flow.config()).unwrap();
    let new = serde_json::to_vec(&other).unwrap();
    assert_eq!(old.len(), new.len(), "test assumes equal header lengths");
    relabelled[16..16 + old.len()].copy_from_slice(&new);
    let reseeded = Flow::from_bytes(&relabelled, &cpu()).unwrap();
    let (y3, _) = reseeded.forward(fresh);
    let (y1, _) = flow.forward(gaussian(20, 16, 0.0, 1.0, 99));
    assert_eq!(to_vec(y3).unwrap(), to_vec(y1).unwrap());
    assert_eq!(flow.num_params(), reseeded.num_params());
}

#[test]
fn bad_configs_and_files_are_refused_with_reasons() {
    assert!(matches!(
        FlowConfig::new(1).init(&cpu()),
        Err(IinError::OddDimension(1))
    ));
    // A head must fit inside the code.
    let mut outside = FlowConfig::new(8);
    outside.heads = Some(vec![HeadConfig::new(5, 4)]);
    assert!(matches!(
        outside.init(&cpu()),
        Err(IinError::InvalidConfig(_))
    ));
    assert!(matches!(
        FlowConfig::new(8).with_n_blocks(0).init(&cpu()),
        Err(IinError::InvalidConfig(_))
    ));

    let flow = trained_like_flow(8, 16, 2);
    let bytes = flow.to_bytes().unwrap();
    let expected = FlowConfig::new(8).with_hidden(32).with_n_blocks(2);
    let err = Flow::from_bytes_expecting(&bytes, &expected, &cpu()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("hidden: expected 32, found 16"), "{msg}");

    let mut wrong_version = bytes.clone();
    wrong_version[8..12].copy_from_slice(&(INT8_FILE_VERSION + 1).to_le_bytes());
    assert!(matches!(
        Flow::from_bytes(&wrong_version, &cpu()),
        Err(IinError::FormatVersion { .. })
    ));
    assert!(matches!(
        Flow::from_bytes(b"hello world, not a flow", &cpu()),
        Err(IinError::BadFile(_))
    ));
    assert!(Flow::from_bytes(&bytes[..bytes.len() / 2], &cpu()).is_err());
}

#[test]
fn checked_entry_points_refuse_bad_input() {
    let flow = FlowConfig::new(4).init(&cpu()).unwrap();
    let nan = tensor2(vec![0.0, f32::INFINITY, 0.0, 0.0], 1, 4, &cpu());
    assert!(matches!(
        flow.forward_checked(nan.clone()),
        Err(IinError::NonFinite(_))
    ));
    assert!(matches!(
        flow.inverse_checked(nan),
        Err(IinError::NonFinite(_))
    ));
    let wrong = tensor2(vec![0.0; 6], 1, 6, &cpu());
    assert!(matches!(
        flow.forward_checked(wrong),
        Err(IinError::Shape { .. })
    ));
    assert!(flow.forward_checked(gaussian(3, 4, 0.0, 1.0, 1)).is_ok());
}

/// f16 storage halves the file, loads back as f32, and moves outputs only by f16 rounding.
#[test]
fn f16_files_are_half_the_size_and_close() {
    let flow = trained_like_flow(16, 32, 3);
    let full = flow.to_bytes().unwrap();
    let half = flow.to_bytes_as(burn::tensor::DType::F16).unwrap();
    // Floats halve; the integer permutations and the per-tensor metadata do not.
    assert!(
        half.len() * 3 < full.len() * 2,
        "{} vs {} bytes",
        half.len(),
        full.len()
    );
    let loaded = Flow::from_bytes(&half, &cpu()).unwrap();
    let x = gaussian(20, 16, 0.0, 1.0, 5);
    let (a, _) = flow.forward(x.clone());
    let (b, _) = loaded.forward(x);
    let (a, b) = (to_vec(a).unwrap(), to_vec(b).unwrap());
    let diff = max_abs(&a, &b);
    assert!(diff > 0.0, "f16 rounding should change something");
    assert!(diff < 0.05, "f16 weights moved outputs by {diff}");
    assert_bijection(&loaded, gaussian(8, 16, 0.0, 1.0, 6), TOL);
}

/// Int8 files (weight-file version 2): the subnet matrices in int8 with a scale per row, the
/// rest exact. Every weight comes back within half its row's step, outputs stay close, the
/// permutations are exact, and a truncated or mismatched file is refused with the reason.
#[test]
fn int8_files_are_small_exact_where_it_matters_and_close_elsewhere() {
    // Perturbed less than `trained_like_flow`, whose random 0.2 noise on every weight makes a
    // chaotic map that amplifies any rounding (f16 moves its outputs by 0.1 of 40); 0.05 is
    // closer to trained weights (about 1/sqrt(fan_in)).
    let flow = perturbed_flow(16, 64, 3, 0.05);
    let half = flow.to_bytes_as(burn::tensor::DType::F16).unwrap();
    let int8 = flow.to_bytes_int8().unwrap();
    assert!(
        int8.len() * 10 < half.len() * 6,
        "int8 {} bytes vs f16 {} bytes",
        int8.len(),
        half.len()
    );
    let loaded = Flow::from_bytes(&int8, &cpu()).unwrap();
    assert_eq!(loaded.config(), flow.config());
    for (a, b) in flow.blocks.iter().zip(&loaded.blocks) {
        assert_eq!(a.shuffle.permutation(), b.shuffle.permutation());
        // ActNorm vectors are small, so stored exactly.
        assert_eq!(
            to_vec(a.actnorm.log_scale.val()).unwrap(),
            to_vec(b.actnorm.log_scale.val()).unwrap()
        );
    }
    assert!(loaded.is_initialized());
    let x = gaussian(20, 16, 0.0, 1.0, 5);
    let (a, _) = flow.forward(x.clone());
    let (b, _) = loaded.forward(x);
    let (a, b) = (to_vec(a).unwrap(), to_vec(b).unwrap());
    let diff = max_abs(&a, &b);
    let size = a.iter().fold(0f32, |m, v| m.max(v.abs()));
    println!("int8: max output change {diff} of outputs up to {size}");
    assert!(diff > 0.0, "int8 rounding should change something");
    assert!(
        diff < 0.01 * size,
        "int8 weights moved outputs by {diff} (outputs up to {size})"
    );
    assert_bijection(&loaded, gaussian(8, 16, 0.0, 1.0, 6), TOL);
    // Saving the loaded network again gives the same bytes: the grid is stable.
    assert_eq!(loaded.to_bytes_int8().unwrap(), int8);

    let truncated = &int8[..int8.len() - 7];
    let err = Flow::from_bytes(truncated, &cpu()).unwrap_err().to_string();
    assert!(err.contains("ends early"), "{err}");
    // The 64-wide flow's header with the 32-wide flow's weights: the shapes disagree.
    let other = trained_like_flow(16, 32, 3).to_bytes_int8().unwrap();
    let header_end = |b: &[u8]| 16 + u32::from_le_bytes([b[12], b[13], b[14], b[15]]) as usize;
    let mut mixed = int8[..header_end(&int8)].to_vec();
    mixed.extend_from_slice(&other[header_end(&other)..]);
    let err = Flow::from_bytes(&mixed, &cpu()).unwrap_err().to_string();
    assert!(err.contains("shape"), "{err}");
}
