//! A bank of precomputed codes of the frozen network, so a flow trains on codes instead of
//! re-encoding two batches of images at every step.
//!
//! Encoding `2 x batch` images costs a training step about as much as the flow itself. The bank
//! holds `pairs` encoded colour pairs (two images of different digits in one random colour,
//! dequantised) with each code's posterior mean and log-variance, and is a ring: [`refresh`]
//! replaces the oldest pairs with freshly drawn ones, so a run keeps seeing new images and
//! colours at a fraction of the encoding cost. (A bank encoded once and never refreshed let an
//! 8-block flow overfit it: its loss fell far below the per-step-encoded run's while
//! digit_follows did not move and colour_error rose from 0.035 to 0.045.) Training draws
//! pairs from it:
//! - colour pairs: the two entries of one stored pair, in random order;
//! - digit pairs: any two entries of the same label from different images (their colours are
//!   independent, because no stored pair holds two images of one digit), so digit pairs are far
//!   more varied than the stored pairs;
//!
//! and every drawn code is a fresh sample `mean + exp(log_var / 2) * eps` of the posterior (the
//! classifier's feature has no posterior and is used as is).
//!
//! [`refresh`]: CodeBank::refresh

use burn::tensor::{Device, Tensor};

use crate::data::{self, Mnist, PairSampler, Shared};
use crate::error::{IinError, Result};
use crate::rng::SplitMix64;
use crate::tensor_util::tensor2;

/// Host codes of a batch: the posterior mean `[B * dim]` and, for a stochastic encoder, the
/// log-variance.
pub type Encoded = (Vec<f32>, Option<Vec<f32>>);

/// Pairs of codes drawn from a [`CodeBank`], as host vectors `[batch * dim]`.
#[derive(Debug, Clone)]
pub struct CodePairs {
    pub a: Vec<f32>,
    pub b: Vec<f32>,
    pub shared: Vec<Shared>,
    pub dim: usize,
}

impl CodePairs {
    pub fn len(&self) -> usize {
        self.shared.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shared.is_empty()
    }

    /// The two `[batch, dim]` tensors.
    pub fn into_tensors(self, device: &Device) -> (Tensor<2>, Tensor<2>) {
        let n = self.len();
        (
            tensor2(self.a, n, self.dim, device),
            tensor2(self.b, n, self.dim, device),
        )
    }
}

/// Freshly encoded pairs, before they enter the bank.
struct Fresh {
    dim: usize,
    mean: Vec<f32>,
    std: Option<Vec<f32>>,
    labels: Vec<u8>,
    images: Vec<usize>,
}

/// Codes of colour pairs: entries `2k` and `2k + 1` share a colour and differ in digit.
#[derive(Debug, Clone)]
pub struct CodeBank {
    dim: usize,
    mean: Vec<f32>,
    /// `exp(log_var / 2)`, the posterior's standard deviation, when the encoder has one.
    std: Option<Vec<f32>>,
    labels: Vec<u8>,
    images: Vec<usize>,
    by_label: Vec<Vec<usize>>,
    sampler: PairSampler,
    rng: SplitMix64,
    /// The next pair [`CodeBank::refresh`] replaces.
    next: usize,
}

impl CodeBank {
    /// Encodes `pairs` colour pairs of `mnist` (seeded) in chunks of `chunk` pairs with `encode`
    /// (`[B, 3, 32, 32]` images to host codes); `progress` is told how many pairs are done.
    pub fn build(
        mnist: &Mnist,
        pairs: usize,
        chunk: usize,
        seed: u64,
        device: &Device,
        mut encode: impl FnMut(Tensor<4>) -> Result<Encoded>,
        mut progress: impl FnMut(usize),
    ) -> Result<Self> {
        if pairs < 2 || chunk == 0 {
            return Err(IinError::InvalidConfig(format!(
                "a code bank needs at least 2 pairs and a chunk of at least 1 (got {pairs} pairs, chunk {chunk})"
            )));
        }
        let mut bank = Self {
            dim: 0,
            mean: Vec::new(),
            std: None,
            labels: Vec::with_capacity(2 * pairs),
            images: Vec::with_capacity(2 * pairs),
            by_label: Vec::new(),
            sampler: PairSampler::new(&mnist.labels, seed)?,
            rng: SplitMix64::new(seed ^ 0x6261_6e6b),
            next: 0,
        };
        let mut done = 0;
        while done < pairs {
            let n = chunk.min(pairs - done);
            let fresh = bank.encode_pairs(mnist, n, device, &mut encode)?;
            bank.dim = fresh.dim;
            bank.mean.extend(fresh.mean);
            match (&mut bank.std, fresh.std) {
                (None, Some(std)) if done == 0 => bank.std = Some(std),
                (Some(all), Some(std)) => all.extend(std),
                (None, None) => {}
                _ => {
                    return Err(IinError::InvalidConfig(
                        "the encoder gave a log-variance for some batches only".into(),
                    ))
                }
            }
            bank.labels.extend(fresh.labels);
            bank.images.extend(fresh.images);
            done += n;
            progress(done);
        }
        bank.index()?;
        Ok(bank)
    }

    /// Replaces the `pairs` oldest colour pairs with freshly drawn and encoded ones.
    pub fn refresh(
        &mut self,
        mnist: &Mnist,
        pairs: usize,
        device: &Device,
        mut encode: impl FnMut(Tensor<4>) -> Result<Encoded>,
    ) -> Result<()> {
        let total = self.len() / 2;
        let n = pairs.min(total);
        if n == 0 {
            return Ok(());
        }
        let fresh = self.encode_pairs(mnist, n, device, &mut encode)?;
        if fresh.dim != self.dim || fresh.std.is_some() != self.std.is_some() {
            return Err(IinError::InvalidConfig(
                "the encoder's codes changed shape while refreshing the bank".into(),
            ));
        }
        let d = self.dim;
        for k in 0..2 * n {
            let e = (2 * self.next + k) % self.len();
            self.mean[e * d..(e + 1) * d].copy_from_slice(&fresh.mean[k * d..(k + 1) * d]);
            if let (Some(all), Some(std)) = (&mut self.std, &fresh.std) {
                all[e * d..(e + 1) * d].copy_from_slice(&std[k * d..(k + 1) * d]);
            }
            self.labels[e] = fresh.labels[k];
            self.images[e] = fresh.images[k];
        }
        self.next = (self.next + n) % total;
        self.index()
    }

    /// `n` fresh colour pairs, encoded: entries `2k` and `2k + 1` are pair `k`.
    fn encode_pairs(
        &mut self,
        mnist: &Mnist,
        n: usize,
        device: &Device,
        encode: &mut impl FnMut(Tensor<4>) -> Result<Encoded>,
    ) -> Result<Fresh> {
        let batch = self.sampler.sample_of(Shared::Colour, n);
        let (a, b) = data::pair_tensors(mnist, &batch, Some(&mut self.rng), device)?;
        let (mean_a, lv_a) = encode(a)?;
        let (mean_b, lv_b) = encode(b)?;
        let dim = mean_a.len() / n;
        if dim == 0 || mean_a.len() != n * dim || mean_b.len() != n * dim {
            return Err(IinError::InvalidConfig(format!(
                "the encoder returned {} and {} values for {n} images each",
                mean_a.len(),
                mean_b.len()
            )));
        }
        if self.dim != 0 && self.dim != dim {
            return Err(IinError::InvalidConfig(format!(
                "the encoder's code size changed from {} to {dim}",
                self.dim
            )));
        }
        let mut fresh = Fresh {
            dim,
            mean: Vec::with_capacity(2 * n * dim),
            std: lv_a.is_some().then(Vec::new),
            labels: Vec::with_capacity(2 * n),
            images: Vec::with_capacity(2 * n),
        };
        for k in 0..n {
            for (mean, lv, image) in [
                (&mean_a, &lv_a, batch.first[k]),
                (&mean_b, &lv_b, batch.second[k]),
            ] {
                fresh.mean.extend_from_slice(&mean[k * dim..(k + 1) * dim]);
                match (lv, &mut fresh.std) {
                    (Some(lv), Some(std)) => {
                        std.extend(lv[k * dim..(k + 1) * dim].iter().map(|v| (0.5 * v).exp()))
                    }
                    (None, None) => {}
                    _ => {
                        return Err(IinError::InvalidConfig(
                            "the encoder gave a log-variance for one side of a pair only".into(),
                        ))
                    }
                }
                fresh.labels.push(mnist.label(image));
                fresh.images.push(image);
            }
        }
        if fresh.mean.iter().any(|v| !v.is_finite()) {
            return Err(IinError::NonFinite("a code in the bank".into()));
        }
        Ok(fresh)
    }

    /// Rebuilds the entries-by-label index; every label present needs two different images.
    fn index(&mut self) -> Result<()> {
        let classes = self
            .labels
            .iter()
            .map(|&l| l as usize + 1)
            .max()
            .unwrap_or(0);
        self.by_label = vec![Vec::new(); classes];
        for (e, &l) in self.labels.iter().enumerate() {
            self.by_label[l as usize].push(e);
        }
        for (label, entries) in self.by_label.iter().enumerate() {
            let first = entries.first().map(|&e| self.images[e]);
            if !entries.is_empty() && entries.iter().all(|&e| Some(self.images[e]) == first) {
                return Err(IinError::InvalidConfig(format!(
                    "the bank holds a single image of digit {label}; build it with more pairs"
                )));
            }
        }
        Ok(())
    }

    /// Entries (codes) in the bank.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn label(&self, entry: usize) -> u8 {
        self.labels[entry]
    }

    /// The posterior mean of an entry.
    pub fn code(&self, entry: usize) -> &[f32] {
        &self.mean[entry * self.dim..(entry + 1) * self.dim]
    }

    /// The MNIST index of an entry's image.
    pub fn image(&self, entry: usize) -> usize {
        self.images[entry]
    }

    /// A fresh posterior sample of entry `e`, appended to `out`.
    fn draw(&self, e: usize, rng: &mut SplitMix64, out: &mut Vec<f32>) {
        let row = e * self.dim..(e + 1) * self.dim;
        match &self.std {
            Some(std) => out.extend(
                self.mean[row.clone()]
                    .iter()
                    .zip(&std[row])
                    .map(|(m, s)| m + s * rng.normal() as f32),
            ),
            None => out.extend_from_slice(&self.mean[row]),
        }
    }

    /// `batch` codes of random entries, `[batch * dim]` (for the unsupervised flow).
    pub fn codes(&self, batch: usize, rng: &mut SplitMix64) -> Vec<f32> {
        let mut out = Vec::with_capacity(batch * self.dim);
        for _ in 0..batch {
            let e = rng.below(self.len());
            self.draw(e, rng, &mut out);
        }
        out
    }

    /// `batch` pairs: digit pairs at even positions, colour pairs at odd ones (as
    /// [`PairSampler::sample`]).
    pub fn pairs(&self, batch: usize, rng: &mut SplitMix64) -> CodePairs {
        let mut out = CodePairs {
            a: Vec::with_capacity(batch * self.dim),
            b: Vec::with_capacity(batch * self.dim),
            shared: Vec::with_capacity(batch),
            dim: self.dim,
        };
        for i in 0..batch {
            let (first, second, shared) = if i % 2 == 0 {
                let e = rng.below(self.len());
                let class = &self.by_label[self.labels[e] as usize];
                // `build` checked that every class holds two different images.
                let f = loop {
                    let f = class[rng.below(class.len())];
                    if self.images[f] != self.images[e] {
                        break f;
                    }
                };
                (e, f, Shared::Digit)
            } else {
                let k = rng.below(self.len() / 2);
                let flip = rng.below(2);
                (2 * k + flip, 2 * k + 1 - flip, Shared::Colour)
            };
            self.draw(first, rng, &mut out.a);
            self.draw(second, rng, &mut out.b);
            out.shared.push(shared);
        }
        out
    }
}
