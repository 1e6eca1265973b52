//! A short seeded training run on synthetic latents whose factors are known: independent
//! Gaussian blocks `u = (u_a, u_b, u_residual)` pushed through a fixed random invertible mixing
//! `z = M u`. After training with the pair loss, swapping factor k between two codes in `z~` must
//! move ground-truth block k of `u` and leave the others; an untrained flow must fail the same
//! measure.

mod common;

use burn::tensor::Tensor;
use common::cpu;
use iin::factors::{Factors, Sharing};
use iin::flow::{Flow, FlowConfig};
use iin::rng::SplitMix64;
use iin::tensor_util::{tensor2, to_vec};
use iin::train::{FlowTrainer, FlowTrainerConfig};

const D: usize = 8;
const RHO: f64 = 0.975;
/// Ground-truth blocks, the same layout as the flow's factors: a (2), b (2), residual (4).
const BLOCKS: [std::ops::Range<usize>; 3] = [0..2, 2..4, 4..8];

struct Mixing {
    m: Vec<Vec<f64>>,
    m_inv: Vec<Vec<f64>>,
}

impl Mixing {
    fn new(seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let m: Vec<Vec<f64>> = (0..D)
            .map(|i| {
                (0..D)
                    .map(|j| rng.normal() / (D as f64).sqrt() + if i == j { 1.0 } else { 0.0 })
                    .collect()
            })
            .collect();
        let m_inv = invert(&m);
        Self { m, m_inv }
    }

    fn apply(mat: &[Vec<f64>], rows: &[f32]) -> Vec<f32> {
        rows.chunks(D)
            .flat_map(|u| {
                (0..D).map(move |i| (0..D).map(|j| mat[i][j] * u[j] as f64).sum::<f64>() as f32)
            })
            .collect()
    }
}

/// Gauss-Jordan inverse with partial pivoting.
fn invert(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = a.len();
    let mut aug: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
            r
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| aug[i][col].abs().total_cmp(&aug[j][col].abs()))
            .unwrap();
        aug.swap(col, pivot);
        let p = aug[col][col];
        aug[col].iter_mut().for_each(|v| *v /= p);
        for row in 0..n {
            if row != col {
                let f = aug[row][col];
                let pivot_row = aug[col].clone();
                aug[row]
                    .iter_mut()
                    .zip(pivot_row)
                    .for_each(|(v, pv)| *v -= f * pv);
            }
        }
    }
    aug.into_iter().map(|r| r[n..].to_vec()).collect()
}

/// A batch of pairs in u-space sharing ground-truth block k (correlation RHO), the rest independent.
fn pairs(n: usize, k: usize, rng: &mut SplitMix64) -> (Vec<f32>, Vec<f32>) {
    let a = rng.normals(n * D);
    let mut b = rng.normals(n * D);
    let keep = (1.0 - RHO * RHO).sqrt() as f32;
    for r in 0..n {
        for c in BLOCKS[k].clone() {
            b[r * D + c] = RHO as f32 * a[r * D + c] + keep * b[r * D + c];
        }
    }
    (a, b)
}

fn pearson(x: &[f32], y: &[f32]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (
        x.iter().sum::<f32>() as f64 / n,
        y.iter().sum::<f32>() as f64 / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let (a, b) = (a as f64 - mx, b as f64 - my);
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    sxy / (sxx * syy).sqrt()
}

/// Mean correlation, over the coordinates of ground-truth block `block`, between `u` and `target`.
fn block_correlation(u: &[f32], target: &[f32], block: usize) -> f64 {
    let n = u.len() / D;
    let cols = BLOCKS[block].clone();
    let count = cols.len() as f64;
    cols.map(|c| {
        let x: Vec<f32> = (0..n).map(|r| u[r * D + c]).collect();
        let y: Vec<f32> = (0..n).map(|r| target[r * D + c]).collect();
        pearson(&x, &y)
    })
    .sum::<f64>()
        / count
}

/// The worst, over named factors k and all ground-truth blocks, of: corr(swapped u_k, source u_k)
/// and corr(swapped u_j, target u_j) for j != k. 1 for a perfectly disentangled flow.
fn swap_fidelity(flow: &Flow, factors: &Factors, mixing: &Mixing) -> f64 {
    let mut rng = SplitMix64::new(777);
    let n = 1000;
    let (ua, ub) = (rng.normals(n * D), rng.normals(n * D));
    let to_z = |u: &[f32]| tensor2(Mixing::apply(&mixing.m, u), n, D, &cpu());
    let (ta, _) = flow.forward(to_z(&ua));
    let (tb, _) = flow.forward(to_z(&ub));
    let mut worst = f64::INFINITY;
    for k in 0..2 {
        let (z_swapped, _) = flow.inverse(factors.swap(ta.clone(), tb.clone(), k));
        let u_swapped = Mixing::apply(&mixing.m_inv, &to_vec(z_swapped).unwrap());
        for j in 0..3 {
            let source = if j == k { &ub } else { &ua };
            worst = worst.min(block_correlation(&u_swapped, source, j));
        }
    }
    worst
}

#[test]
fn pair_loss_training_disentangles_known_factors() {
    let device = cpu().autodiff();
    let mixing = Mixing::new(42);
    let factors = Factors::new(&[("a", 2), ("b", 2)], 4, D).unwrap();
    let mut rng = SplitMix64::new(1);
    let batch = 128;

    let z_init = tensor2(
        Mixing::apply(&mixing.m, &rng.normals(512 * D)),
        512,
        D,
        &device,
    );
    let untrained = FlowConfig::new(D)
        .with_n_blocks(4)
        .with_hidden(32)
        .with_seed(5)
        .init(&device)
        .unwrap()
        .init_from_batch(&z_init)
        .unwrap();
    let before = swap_fidelity(&untrained, &factors, &mixing);

    let mut trainer = FlowTrainer::new(untrained, &FlowTrainerConfig::new().with_lr(3e-3)).unwrap();
    let mut losses = Vec::new();
    for step in 0..400 {
        let k = step % 2;
        let (ua, ub) = pairs(batch, k, &mut rng);
        let za = tensor2(Mixing::apply(&mixing.m, &ua), batch, D, &device);
        let zb = tensor2(Mixing::apply(&mixing.m, &ub), batch, D, &device);
        let shared: Tensor<2> =
            factors.shared_mask_batch(&vec![Sharing::Factor(k); batch], &device);
        losses.push(trainer.step_pairs(za, zb, shared).unwrap());
    }
    let flow = trainer.into_flow();
    let after = swap_fidelity(&flow, &factors, &mixing);
    let first: f32 = losses[..20].iter().sum::<f32>() / 20.0;
    let last: f32 = losses[losses.len() - 20..].iter().sum::<f32>() / 20.0;
    println!("loss {first:.3} -> {last:.3}; swap fidelity {before:.3} -> {after:.3}");
    assert!(
        last < first - 1.0,
        "the pair loss did not fall: {first} -> {last}"
    );
    assert!(
        before < 0.6,
        "the untrained flow already passes ({before}): the measure is too weak"
    );
    assert!(
        after > 0.8,
        "swapping a factor does not move only its block: fidelity {after}"
    );
}
