//! Seeded samplers for training on ColorMNIST (METHOD.md §7).
//!
//! [`PairSampler`] draws pairs that share exactly one factor, half of each batch of each kind:
//! - digit pairs: two different images of the same digit, with independent colours;
//! - colour pairs: two images of different digits, with one colour for both.
//!
//! The first image of a pair is uniform over the dataset. Colour pairs take the second image from
//! another class (not merely another image), so no pair shares both factors and the pair loss
//! never treats a shared digit as independent. [`BatchSampler`] gives plain shuffled batches
//! (epochs without replacement) with a fresh random colour per image.

use crate::rng::SplitMix64;

use super::color::{random_colour, Rgb};
use super::error::{DataError, Result};

/// Which factor the two images of a pair share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shared {
    Digit,
    Colour,
}

impl Shared {
    /// The factor's name, as in [`crate::factors::Factors`].
    pub fn name(self) -> &'static str {
        match self {
            Shared::Digit => "digit",
            Shared::Colour => "colour",
        }
    }
}

/// A batch of pairs: image `first[i]` in colour `first_colours[i]` pairs with `second[i]` in
/// `second_colours[i]`, and they share `shared[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PairBatch {
    pub first: Vec<usize>,
    pub second: Vec<usize>,
    pub first_colours: Vec<Rgb>,
    pub second_colours: Vec<Rgb>,
    pub shared: Vec<Shared>,
}

impl PairBatch {
    pub fn len(&self) -> usize {
        self.shared.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shared.is_empty()
    }
}

/// Digit and colour pairs over labelled images, reproducible from a seed.
#[derive(Debug, Clone)]
pub struct PairSampler {
    labels: Vec<u8>,
    by_label: Vec<Vec<usize>>,
    rng: SplitMix64,
}

impl PairSampler {
    /// Needs at least two images of every label present, and two labels.
    pub fn new(labels: &[u8], seed: u64) -> Result<Self> {
        let classes = labels.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
        let mut by_label = vec![Vec::new(); classes];
        for (i, &l) in labels.iter().enumerate() {
            by_label[l as usize].push(i);
        }
        let present: Vec<&Vec<usize>> = by_label.iter().filter(|c| !c.is_empty()).collect();
        if present.len() < 2 || present.iter().any(|c| c.len() < 2) {
            return Err(DataError::Invalid(format!(
                "pairs need two or more labels with at least two images each; got class sizes {:?}",
                by_label.iter().map(Vec::len).collect::<Vec<_>>()
            )));
        }
        Ok(Self {
            labels: labels.to_vec(),
            by_label,
            rng: SplitMix64::new(seed),
        })
    }

    /// `batch` pairs: digit pairs at even positions, colour pairs at odd ones (50/50).
    pub fn sample(&mut self, batch: usize) -> PairBatch {
        self.sample_with(batch, |i| {
            if i % 2 == 0 {
                Shared::Digit
            } else {
                Shared::Colour
            }
        })
    }

    /// `batch` pairs that all share `shared` (e.g. for the dimension estimate of one factor).
    pub fn sample_of(&mut self, shared: Shared, batch: usize) -> PairBatch {
        self.sample_with(batch, |_| shared)
    }

    fn sample_with(&mut self, batch: usize, kind: impl Fn(usize) -> Shared) -> PairBatch {
        let mut out = PairBatch {
            first: Vec::with_capacity(batch),
            second: Vec::with_capacity(batch),
            first_colours: Vec::with_capacity(batch),
            second_colours: Vec::with_capacity(batch),
            shared: Vec::with_capacity(batch),
        };
        for i in 0..batch {
            let shared = kind(i);
            let (a, b, ca, cb) = self.pair(shared);
            out.first.push(a);
            out.second.push(b);
            out.first_colours.push(ca);
            out.second_colours.push(cb);
            out.shared.push(shared);
        }
        out
    }

    /// One pair sharing `shared`: `(first, second, first colour, second colour)`.
    pub fn pair(&mut self, shared: Shared) -> (usize, usize, Rgb, Rgb) {
        let a = self.rng.below(self.labels.len());
        let label = self.labels[a];
        match shared {
            Shared::Digit => {
                let class = &self.by_label[label as usize];
                // A different image of the same class: draw from the class without `a`.
                let mut j = self.rng.below(class.len() - 1);
                if class[j] == a {
                    j = class.len() - 1;
                }
                let b = class[j];
                let ca = random_colour(&mut self.rng);
                let cb = random_colour(&mut self.rng);
                (a, b, ca, cb)
            }
            Shared::Colour => {
                let b = loop {
                    let b = self.rng.below(self.labels.len());
                    if self.labels[b] != label {
                        break b;
                    }
                };
                let c = random_colour(&mut self.rng);
                (a, b, c, c)
            }
        }
    }
}

/// Shuffled batches of indices, each epoch a fresh permutation, each image a fresh colour.
#[derive(Debug, Clone)]
pub struct BatchSampler {
    order: Vec<usize>,
    next: usize,
    epoch: usize,
    rng: SplitMix64,
}

impl BatchSampler {
    pub fn new(len: usize, seed: u64) -> Result<Self> {
        if len == 0 {
            return Err(DataError::Invalid(
                "cannot sample batches from an empty dataset".into(),
            ));
        }
        let mut rng = SplitMix64::new(seed);
        let order = rng.permutation(len);
        Ok(Self {
            order,
            next: 0,
            epoch: 0,
            rng,
        })
    }

    /// Epochs completed so far.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// The next `batch` indices; an epoch boundary inside a batch reshuffles and continues.
    pub fn indices(&mut self, batch: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(batch);
        while out.len() < batch {
            let take = (batch - out.len()).min(self.order.len() - self.next);
            out.extend_from_slice(&self.order[self.next..self.next + take]);
            self.next += take;
            if self.next == self.order.len() {
                self.order = self.rng.permutation(self.order.len());
                self.next = 0;
                self.epoch += 1;
            }
        }
        out
    }

    /// The next `batch` indices, each with a random colour.
    pub fn colour_batch(&mut self, batch: usize) -> (Vec<usize>, Vec<Rgb>) {
        let indices = self.indices(batch);
        let colours = (0..batch).map(|_| random_colour(&mut self.rng)).collect();
        (indices, colours)
    }
}
