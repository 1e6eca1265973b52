//! Concepts defined by two sketches (METHOD.md §5; issue 5): the user draws sketch A and
//! sketch B that differ in one way (thin vs thick strokes, upright vs slanted, one ink colour vs
//! another), and the supervised flow learns a new named factor that holds that change.
//!
//! - [`sketch`]: any RGBA image to a 32 x 32 ink map normalised like MNIST, and its ink colour;
//! - [`style`]: the global style statistics of a sketch (stroke width, slant moment, ink colour)
//!   and the change `B - A` they define ([`StyleShift`]); two sketches without a change are
//!   refused;
//! - [`stylise`]: dataset digits re-rendered toward A or B on the device, batched: each digit
//!   moved from where it is by the difference, not set to the sketch's absolute values;
//! - [`pairs`]: same sketch + different digits share the concept; same digit + different
//!   sketches share everything but the concept;
//! - [`trainer`]: the fine-tuning, one step at a time, with snapshots and rollback;
//! - [`score`]: the concept's Spearman correlation with a measured ground truth;
//! - [`presets`]: sketch pairs drawn by code.
//!
//! **Where the new factor lives.** Its dimensions (4 by default) are carved out of the start of
//! the residual, which comes last in `z~` ([`crate::factors`]): `digit | colour | concept |
//! residual'`. The flow's architecture and weights stay as they are and every existing factor
//! keeps its coordinates, so the fine-tuning starts from the trained flow, the old handles of
//! digit and colour stay meaningful, and the new bundle loads with the same code. The residual
//! is never shared by pairs, so taking a few of its dimensions needs no other change. The cost:
//! the residual shrinks (35 to 31 in the shipped flow), and the concept's dimensions start out
//! holding whatever the residual put there, which the fine-tuning must reorganise. A fresh,
//! wider flow per concept would be cleaner and much slower; the page could not afford it.
//!
//! **Training mix.** Each step's batch is half concept pairs (half of each kind) and half the
//! usual digit and colour pairs ([`crate::data::PairSampler`]), so digit and colour keep working
//! while the concept is learned.
//!
//! **Limits.** Only what the three global statistics can express is learned: local texture such
//! as angular vs round strokes (Gram statistics in METHOD.md §5) is not used. A colour concept
//! overlaps the colour factor; it is learned, but the two then compete.

pub mod pairs;
pub mod presets;
pub mod score;
pub mod sketch;
pub mod style;
pub mod stylise;
pub mod trainer;

pub use pairs::{ConceptPairBatch, ConceptPairKind, ConceptPairSampler, TOWARD_A, TOWARD_B};
pub use presets::{Preset, RgbaImage};
pub use score::{concept_handle, concept_spearman, handle_values, varied_digits, Against};
pub use sketch::{normalise_named, normalise_sketch, pixel_hash, Sketch};
pub use style::{StyleShift, StyleStats};
pub use stylise::{stylise, Anchor};
pub use trainer::{
    dataset_anchor, factors_with_concept, ConceptTrainer, ConceptTrainerConfig, LearnedConcept,
    Snapshot,
};

use crate::bundle::EXAMPLE_RECORD;
use crate::data::Mnist;
use crate::error::{IinError, Result};

/// The bundle's examples file as labelled digits (28 x 28, the 2-pixel pad removed), to learn
/// from in the page, which has no MNIST training split.
pub fn digits_from_examples(bytes: &[u8]) -> Result<Mnist> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(EXAMPLE_RECORD) {
        return Err(IinError::BadFile(format!(
            "the examples file has {} bytes, not a whole number of {EXAMPLE_RECORD}-byte records",
            bytes.len()
        )));
    }
    let mut images = Vec::with_capacity(bytes.len() / EXAMPLE_RECORD * 784);
    let mut labels = Vec::new();
    for record in bytes.chunks(EXAMPLE_RECORD) {
        for row in record[..1024].chunks(32).skip(2).take(28) {
            images.extend_from_slice(&row[2..30]);
        }
        labels.push(record[1024]);
    }
    Ok(Mnist {
        len: labels.len(),
        images,
        labels,
    })
}
