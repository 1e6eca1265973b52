//! The named blocks of `z~` (METHOD.md §1, §4).
//!
//! `z~` of length `D` is cut into contiguous blocks in a fixed order: the named factors first, in
//! the order given (e.g. digit, colour, then any concepts), and **the residual always last**,
//! under the name [`RESIDUAL`]. Keeping the residual last means a new concept can take its
//! dimensions from the start of the residual without moving any other factor.

use std::ops::Range;

use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::error::{IinError, Result};
use crate::tensor_util::{tensor2, to_vec};

/// The name of the block that holds everything not named.
pub const RESIDUAL: &str = "residual";

/// One named block of `z~`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    pub name: String,
    pub size: usize,
}

/// The partition of `z~` into named factors and the residual (last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factors {
    factors: Vec<Factor>,
}

/// Which coordinates a training pair shares (METHOD.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// The two codes share factor `k` (e.g. same digit); all else independent.
    Factor(usize),
    /// The two codes share every block but `k` (one image rendered two ways).
    AllBut(usize),
}

impl Factors {
    /// Named factors of the given sizes, and a residual of `residual` dimensions; the sizes must
    /// add up to `dim`.
    pub fn new(named: &[(&str, usize)], residual: usize, dim: usize) -> Result<Self> {
        let mut factors = Vec::with_capacity(named.len() + 1);
        for &(name, size) in named {
            if name.trim().is_empty() || name == RESIDUAL {
                return Err(IinError::Factor(format!(
                    "a factor name must be non-empty and not {RESIDUAL:?} (got {name:?})"
                )));
            }
            if factors.iter().any(|f: &Factor| f.name == name) {
                return Err(IinError::Factor(format!("factor {name:?} is named twice")));
            }
            if size == 0 {
                return Err(IinError::Factor(format!("factor {name:?} has size 0")));
            }
            factors.push(Factor {
                name: name.to_string(),
                size,
            });
        }
        factors.push(Factor {
            name: RESIDUAL.to_string(),
            size: residual,
        });
        let sizes: Vec<usize> = factors.iter().map(|f| f.size).collect();
        let sum: usize = sizes.iter().sum();
        if sum != dim {
            return Err(IinError::FactorSizes { sizes, sum, dim });
        }
        Ok(Self { factors })
    }

    /// The fallback split: every named factor gets `floor(D / (K + 1))`, the residual the rest.
    pub fn equal_split(names: &[&str], dim: usize) -> Result<Self> {
        let each = dim / (names.len() + 1);
        let named: Vec<(&str, usize)> = names.iter().map(|&n| (n, each)).collect();
        Self::new(&named, dim - each * names.len(), dim)
    }

    /// The dimension `D` of the code.
    pub fn dim(&self) -> usize {
        self.factors.iter().map(|f| f.size).sum()
    }

    /// All blocks, residual last.
    pub fn factors(&self) -> &[Factor] {
        &self.factors
    }

    /// Number of blocks, residual included.
    pub fn len(&self) -> usize {
        self.factors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.factors.is_empty()
    }

    /// Index of the residual block (always the last).
    pub fn residual_index(&self) -> usize {
        self.factors.len() - 1
    }

    /// Index of the block called `name`.
    pub fn index_of(&self, name: &str) -> Result<usize> {
        self.factors
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = self.factors.iter().map(|f| f.name.as_str()).collect();
                IinError::Factor(format!("no factor named {name:?}; known: {known:?}"))
            })
    }

    /// The coordinates of block `k` in `z~`.
    pub fn range(&self, k: usize) -> Range<usize> {
        let start: usize = self.factors[..k].iter().map(|f| f.size).sum();
        start..start + self.factors[k].size
    }

    /// `[batch, D]` into one `[batch, size_k]` tensor per block.
    pub fn split(&self, z_tilde: Tensor<2>) -> Vec<Tensor<2>> {
        (0..self.len())
            .map(|k| {
                let r = self.range(k);
                z_tilde.clone().narrow(1, r.start, r.len())
            })
            .collect()
    }

    /// The inverse of [`Factors::split`].
    pub fn join(&self, blocks: Vec<Tensor<2>>) -> Result<Tensor<2>> {
        if blocks.len() != self.len() {
            return Err(IinError::Factor(format!(
                "join needs {} blocks, got {}",
                self.len(),
                blocks.len()
            )));
        }
        for (k, b) in blocks.iter().enumerate() {
            if b.dims()[1] != self.factors[k].size {
                return Err(IinError::Shape {
                    what: format!("block {:?}", self.factors[k].name),
                    expected: format!("[batch, {}]", self.factors[k].size),
                    got: b.dims().to_vec(),
                });
            }
        }
        Ok(Tensor::cat(blocks, 1))
    }

    /// `target` with block `k` replaced by that of `source` (both `[batch, D]`).
    pub fn swap(&self, target: Tensor<2>, source: Tensor<2>, k: usize) -> Tensor<2> {
        let mut blocks = self.split(target);
        blocks[k] = self.split(source).swap_remove(k);
        Tensor::cat(blocks, 1)
    }

    /// A length-`D` mask with 1 on the coordinates a pair of this kind shares, 0 elsewhere.
    pub fn shared_mask(&self, sharing: Sharing) -> Vec<f32> {
        let mut mask = vec![0f32; self.dim()];
        let (k, shared) = match sharing {
            Sharing::Factor(k) => (k, 1.0),
            Sharing::AllBut(k) => (k, 0.0),
        };
        for (j, m) in mask.iter_mut().enumerate() {
            *m = if self.range(k).contains(&j) {
                shared
            } else {
                1.0 - shared
            };
        }
        mask
    }

    /// The `[batch, D]` mask for a batch of pairs, one [`Sharing`] per pair.
    pub fn shared_mask_batch(&self, sharings: &[Sharing], device: &Device) -> Tensor<2> {
        let rows: Vec<f32> = sharings.iter().flat_map(|&s| self.shared_mask(s)).collect();
        tensor2(rows, sharings.len(), self.dim(), device)
    }

    /// The dimension estimate of METHOD.md §4. `pairs[k]` holds codes `(z_a, z_b)` (`[n, D]`
    /// each) of pairs that share named factor `k`. Score `s_k = sum_i Cov(z_a,i, z_b,i) /
    /// sum_i Var(z_i)`, the residual scores 1, and `N_k = floor(D * softmax(s)_k)` (at least 1)
    /// for the named factors; the residual takes the rest. Returns the factors and the scores.
    pub fn estimate(
        names: &[&str],
        pairs: &[(Tensor<2>, Tensor<2>)],
        dim: usize,
    ) -> Result<(Self, Vec<f64>)> {
        if names.len() != pairs.len() {
            return Err(IinError::Factor(format!(
                "{} factor names but {} sets of pairs",
                names.len(),
                pairs.len()
            )));
        }
        let mut scores = Vec::with_capacity(names.len() + 1);
        for (name, (za, zb)) in names.iter().zip(pairs) {
            let [n, d] = za.dims();
            if za.dims() != zb.dims() || d != dim || n < 2 {
                return Err(IinError::Shape {
                    what: format!("pairs for factor {name:?}"),
                    expected: format!("two tensors [n >= 2, {dim}]"),
                    got: zb.dims().to_vec(),
                });
            }
            let (a, b) = (to_vec(za.clone())?, to_vec(zb.clone())?);
            scores.push(pair_covariance_score(&a, &b, n, d));
        }
        scores.push(1.0);
        let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let exps: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
        let total: f64 = exps.iter().sum();
        let sizes: Vec<usize> = exps[..names.len()]
            .iter()
            .map(|e| ((dim as f64 * e / total).floor() as usize).max(1))
            .collect();
        let used: usize = sizes.iter().sum();
        if used >= dim {
            return Err(IinError::Factor(format!(
                "the estimate leaves no room for the residual ({used} of {dim} dimensions)"
            )));
        }
        let named: Vec<(&str, usize)> = names.iter().cloned().zip(sizes).collect();
        Ok((Self::new(&named, dim - used, dim)?, scores))
    }
}

/// `sum_i Cov(a_i, b_i) / sum_i Var(z_i)`, with `Var` over the pooled codes of both sides.
fn pair_covariance_score(a: &[f32], b: &[f32], n: usize, d: usize) -> f64 {
    let mut cov_sum = 0.0;
    let mut var_sum = 0.0;
    for i in 0..d {
        fn col(z: &[f32], n: usize, d: usize, i: usize) -> impl Iterator<Item = f64> + '_ {
            (0..n).map(move |r| z[r * d + i] as f64)
        }
        let col_a = || col(a, n, d, i);
        let col_b = || col(b, n, d, i);
        let mean_a = col_a().sum::<f64>() / n as f64;
        let mean_b = col_b().sum::<f64>() / n as f64;
        cov_sum += col_a()
            .zip(col_b())
            .map(|(x, y)| (x - mean_a) * (y - mean_b))
            .sum::<f64>()
            / n as f64;
        let mean = (mean_a + mean_b) / 2.0;
        var_sum += col_a()
            .chain(col_b())
            .map(|x| (x - mean).powi(2))
            .sum::<f64>()
            / (2 * n) as f64;
    }
    if var_sum > 0.0 {
        cov_sum / var_sum
    } else {
        0.0
    }
}
