//! Concepts defined by two sketches (METHOD.md §5; issue 5): the user draws sketch A and
//! sketch B that differ in one way (thin vs thick strokes, upright vs slanted, angular vs round,
//! one ink colour vs another), and the supervised flow learns a new named factor that holds that
//! change.
//!
//! - [`sketch`]: any RGBA image to a 32 x 32 ink map normalised like MNIST, and its ink colour;
//! - [`style`]: the global style statistics of a sketch (stroke width, slant moment, angularity,
//!   ink colour) and the change `B - A` they define ([`StyleShift`]); two sketches without a
//!   change are refused;
//! - [`stylise`]: dataset digits re-rendered toward A or B on the device, batched: each digit
//!   moved from where it is by the difference, not set to the sketch's absolute values;
//! - [`pairs`]: same sketch + different digits share the concept; same digit + different
//!   sketches share everything but the concept;
//! - [`trainer`]: the learning, one step at a time, with snapshots and rollback;
//! - [`score`]: the concept's Spearman correlation with a measured ground truth;
//! - [`presets`]: sketch pairs drawn by code.
//!
//! **Where the new factor lives.** Its dimensions (4 by default) are carved out of the start of
//! the residual, which comes last in `z~` ([`crate::factors`]): `digit | colour | concept |
//! residual'`. The flow that learns them is a small head ([`crate::flow::FlowHead`], 4 blocks)
//! on exactly those coordinates, after the frozen supervised flow: `T' = H o T`. So every
//! existing factor keeps its coordinates *and its values*: digit and colour (and earlier
//! concepts) are bit-identical after learning, their swap fidelity cannot move, their handles
//! stay valid, and the new bundle loads with the same code (the head is part of the flow's
//! file and config). The residual shrinks (35 to 31 in the shipped flow).
//!
//! **Why a head and not fine-tuning the whole flow** (METHOD.md §5 fine-tunes it, mixing digit
//! and colour pairs into each batch to keep them working): we did that first and measured digit
//! swap fidelity fall from 0.907 to 0.74-0.77 for one concept, while a step back-propagated
//! through all 400k parameters. The head trains on concept pairs only, a step costs a fraction
//! of that, and it learned thickness and slant better (`README.md`). The price: a concept can
//! hold only what the residual holds; anything the flow put into digit or colour stays there.
//!
//! **Limits.** Only what the four global statistics can express is learned; Gram statistics of a
//! feature network (METHOD.md §5) are not used (see [`style`] for why). Angular vs round is a
//! single warp that squares curves off, measured on sketches by how much of their edges run
//! along the axes: it cannot add round curves to a digit, so the round end is the digit as
//! drawn, and it knows one kind of corner (a square's). A colour concept
//! overlaps the colour factor, which keeps the colour: the head finds little of it in the
//! residual.

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
