//! The two kinds of training pairs a concept gives (METHOD.md §5), reproducible from a seed:
//! - **same sketch**: two *different* digits (of different classes, with independent colours)
//!   rendered toward the *same* sketch share the concept ([`Sharing::Factor`]);
//! - **same image**: *one* digit in one colour rendered toward sketch A and toward sketch B
//!   shares everything but the concept ([`Sharing::AllBut`]).
//!
//! A rendering is given by its `lambda`: -1/2 toward A, +1/2 toward B ([`super::stylise`]),
//! and any value between for a point on the way. The sampler draws `lambda` uniformly in
//! [-1/2, 1/2] rather than only the two ends: "same sketch" then means "same point between the
//! sketches", and the factor learns the change as a continuous amount, which is what a slider
//! shows (with only the two ends it is free to learn a two-valued label).

use crate::data::color::{random_colour, Rgb};
use crate::data::error::{DataError, Result};
use crate::factors::Sharing;
use crate::rng::SplitMix64;

/// Toward sketch A.
pub const TOWARD_A: f32 = -0.5;
/// Toward sketch B.
pub const TOWARD_B: f32 = 0.5;

/// Which kind of concept pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConceptPairKind {
    /// Different digits, same sketch: they share the concept.
    SameSketch,
    /// Same digit, different sketches: they share everything but the concept.
    SameImage,
}

impl ConceptPairKind {
    /// The pair loss's sharing for a concept at factor index `concept`.
    pub fn sharing(self, concept: usize) -> Sharing {
        match self {
            Self::SameSketch => Sharing::Factor(concept),
            Self::SameImage => Sharing::AllBut(concept),
        }
    }
}

/// One side of a batch of pairs: digit indices, their colours, their renderings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Renderings {
    pub digits: Vec<usize>,
    pub colours: Vec<Rgb>,
    pub lambdas: Vec<f32>,
}

/// A batch of concept pairs: `first` and `second` renderings, one kind per pair.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConceptPairBatch {
    pub first: Renderings,
    pub second: Renderings,
    pub kinds: Vec<ConceptPairKind>,
}

impl ConceptPairBatch {
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

/// Draws concept pairs over labelled digits.
#[derive(Debug, Clone)]
pub struct ConceptPairSampler {
    labels: Vec<u8>,
    rng: SplitMix64,
}

impl ConceptPairSampler {
    /// Needs digits of at least two classes (same-sketch pairs take two classes).
    pub fn new(labels: &[u8], seed: u64) -> Result<Self> {
        let first = labels.first().copied();
        if first.is_none() || labels.iter().all(|&l| Some(l) == first) {
            return Err(DataError::Invalid(format!(
                "concept pairs need digits of at least two classes; got {} digits",
                labels.len()
            )));
        }
        Ok(Self {
            labels: labels.to_vec(),
            rng: SplitMix64::new(seed),
        })
    }

    /// `batch` pairs, same-sketch at even positions and same-image at odd ones (50/50).
    pub fn sample(&mut self, batch: usize) -> ConceptPairBatch {
        let mut out = ConceptPairBatch::default();
        for i in 0..batch {
            let a = self.rng.below(self.labels.len());
            let la = self.lambda();
            let lb = self.lambda();
            let (kind, b, ca, cb, lb) = if i % 2 == 0 {
                let b = loop {
                    let b = self.rng.below(self.labels.len());
                    if self.labels[b] != self.labels[a] {
                        break b;
                    }
                };
                let ca = random_colour(&mut self.rng);
                let cb = random_colour(&mut self.rng);
                (ConceptPairKind::SameSketch, b, ca, cb, la)
            } else {
                let c = random_colour(&mut self.rng);
                (ConceptPairKind::SameImage, a, c, c, lb)
            };
            out.first.digits.push(a);
            out.first.colours.push(ca);
            out.first.lambdas.push(la);
            out.second.digits.push(b);
            out.second.colours.push(cb);
            out.second.lambdas.push(lb);
            out.kinds.push(kind);
        }
        out
    }

    /// Uniform in [`TOWARD_A`, `TOWARD_B`].
    fn lambda(&mut self) -> f32 {
        TOWARD_A + (TOWARD_B - TOWARD_A) * self.rng.uniform() as f32
    }
}
