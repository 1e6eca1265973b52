//! Named blocks of z~: construction, split/join, swap, masks and the dimension estimate.

mod common;

use common::{cpu, gaussian};
use iin::factors::{Factors, Sharing, RESIDUAL};
use iin::rng::SplitMix64;
use iin::tensor_util::{tensor2, to_vec};
use iin::IinError;

#[test]
fn sizes_must_sum_to_the_dimension() {
    let err = Factors::new(&[("digit", 13), ("colour", 17)], 30, 64).unwrap_err();
    assert!(matches!(
        err,
        IinError::FactorSizes {
            sum: 60,
            dim: 64,
            ..
        }
    ));
    assert!(err.to_string().contains("add up to 60"));
    assert!(Factors::new(&[("digit", 13), ("digit", 17)], 34, 64).is_err());
    assert!(Factors::new(&[(RESIDUAL, 13)], 51, 64).is_err());
    assert!(Factors::new(&[("digit", 0)], 64, 64).is_err());
}

#[test]
fn residual_is_last_and_ranges_are_contiguous() {
    let f = Factors::new(&[("digit", 13), ("colour", 17)], 34, 64).unwrap();
    assert_eq!(f.residual_index(), 2);
    assert_eq!(f.factors()[2].name, RESIDUAL);
    assert_eq!(f.range(0), 0..13);
    assert_eq!(f.range(1), 13..30);
    assert_eq!(f.range(2), 30..64);
    assert_eq!(f.index_of("colour").unwrap(), 1);
    assert!(f
        .index_of("slant")
        .unwrap_err()
        .to_string()
        .contains("known"));
}

#[test]
fn split_join_round_trip_and_swap_moves_one_block() {
    let f = Factors::new(&[("a", 2), ("b", 3)], 1, 6).unwrap();
    let x = gaussian(4, 6, 0.0, 1.0, 1);
    let y = gaussian(4, 6, 0.0, 1.0, 2);
    let blocks = f.split(x.clone());
    assert_eq!(
        blocks.iter().map(|b| b.dims()[1]).collect::<Vec<_>>(),
        vec![2, 3, 1]
    );
    assert_eq!(
        to_vec(f.join(blocks).unwrap()).unwrap(),
        to_vec(x.clone()).unwrap()
    );
    assert!(f.join(vec![x.clone()]).is_err());

    let swapped = to_vec(f.swap(x.clone(), y.clone(), 1)).unwrap();
    let (xv, yv) = (to_vec(x).unwrap(), to_vec(y).unwrap());
    for r in 0..4 {
        for c in 0..6 {
            let expected = if (2..5).contains(&c) {
                yv[r * 6 + c]
            } else {
                xv[r * 6 + c]
            };
            assert_eq!(swapped[r * 6 + c], expected);
        }
    }
}

#[test]
fn masks_mark_shared_coordinates() {
    let f = Factors::new(&[("a", 2), ("b", 1)], 2, 5).unwrap();
    assert_eq!(
        f.shared_mask(Sharing::Factor(1)),
        vec![0.0, 0.0, 1.0, 0.0, 0.0]
    );
    assert_eq!(
        f.shared_mask(Sharing::AllBut(0)),
        vec![0.0, 0.0, 1.0, 1.0, 1.0]
    );
}

#[test]
fn equal_split_gives_the_rest_to_the_residual() {
    let f = Factors::equal_split(&["digit", "colour"], 64).unwrap();
    let sizes: Vec<usize> = f.factors().iter().map(|x| x.size).collect();
    assert_eq!(sizes, vec![21, 21, 22]);
}

/// Pairs that share k coordinates exactly (the rest independent) have score k / D; the sizes are
/// floor(D * softmax(scores, 1)).
#[test]
fn dimension_estimate_follows_the_formula() {
    let (n, d) = (2000, 64);
    let make_pairs = |shared: usize, seed: u64| {
        let a = to_vec(gaussian(n, d, 0.0, 1.0, seed)).unwrap();
        let mut b = to_vec(gaussian(n, d, 0.0, 1.0, seed + 1)).unwrap();
        let dims = SplitMix64::new(seed).permutation(d);
        for r in 0..n {
            for &c in &dims[..shared] {
                b[r * d + c] = a[r * d + c];
            }
        }
        (tensor2(a, n, d, &cpu()), tensor2(b, n, d, &cpu()))
    };
    let pairs = vec![make_pairs(40, 10), make_pairs(4, 20)];
    let (f, scores) = Factors::estimate(&["big", "small"], &pairs, d).unwrap();
    assert!((scores[0] - 40.0 / 64.0).abs() < 0.05, "{scores:?}");
    assert!((scores[1] - 4.0 / 64.0).abs() < 0.05, "{scores:?}");
    assert_eq!(scores[2], 1.0);
    let exps: Vec<f64> = scores.iter().map(|s| s.exp()).collect();
    let total: f64 = exps.iter().sum();
    let expect = |k: usize| (d as f64 * exps[k] / total).floor() as usize;
    let sizes: Vec<usize> = f.factors().iter().map(|x| x.size).collect();
    assert_eq!(sizes, vec![expect(0), expect(1), d - expect(0) - expect(1)]);
    assert!(sizes[0] > sizes[1]);
}
