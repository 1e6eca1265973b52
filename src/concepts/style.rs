//! The style statistics of a sketch, and the change from sketch A to sketch B that defines a
//! concept (METHOD.md §5).
//!
//! Global statistics, each with a transform on the dataset's digits that moves it (see
//! [`super::stylise`]):
//! - stroke width, `2 A / P` in pixels ([`crate::data::morpho::thickness`]), moved by grey-scale
//!   dilation or erosion;
//! - slant, `-mu11 / mu02` ([`crate::data::morpho::slant`]), moved exactly by a shear;
//! - ink colour, the mean RGB of the ink, moved by recolouring;
//! - angularity, [`crate::data::morpho::axis_alignment`] of the sketch once its slant is
//!   sheared away (so a leaning sketch does not read as less angular), moved by squaring the
//!   digit's curves off ([`crate::data::morpho::square_off`]). This is the "angular vs round"
//!   concept: the rounder end is the digit as drawn (handwriting is round already), the angular
//!   end its squared-off version.
//!
//! A small experiment (METHOD.md §5) found that Gram matrices of a feature network, the classic
//! style statistics, do not move slant at all, and that copying a sketch's absolute values onto
//! a digit distorts it (an upright "1" tilts to an abstract scribble's slant). So a concept is
//! the *difference* B - A of the statistics, and each digit is moved by it from where it is.
//! Components of the difference too small to be intended (below [`MIN_SHIFT`]) are set to zero,
//! so a sketch pair about stroke width does not also carry a stray tilt; if nothing is left, the
//! two sketches show no change and nothing can be learned.

use serde::{Deserialize, Serialize};

use super::sketch::Sketch;
use crate::data::color::Rgb;
use crate::data::image::SIDE_32;
use crate::data::morpho;
use crate::error::{IinError, Result};

/// Smallest difference that counts: stroke width (pixels), slant (shift per row), colour
/// (largest channel difference, RGB in [0, 1]).
pub const MIN_SHIFT: StyleStats = StyleStats {
    thickness: 0.3,
    slant: 0.1,
    colour: [0.1; 3],
    angularity: 0.15,
};

/// Global style statistics of one sketch or digit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StyleStats {
    /// Mean stroke width in pixels (at the dataset's scale: 20 x 20 box in 32 x 32).
    pub thickness: f32,
    /// Horizontal shift per row upwards (0 upright, > 0 leaning right).
    pub slant: f32,
    /// Ink colour, RGB in [0, 1].
    pub colour: Rgb,
    /// Axis alignment of the de-slanted ink's edges (1 square, 0 round).
    #[serde(default)]
    pub angularity: f32,
}

impl StyleStats {
    /// The statistics of a normalised sketch.
    pub fn of(sketch: &Sketch) -> Self {
        Self {
            thickness: morpho::thickness(&sketch.ink, SIDE_32),
            slant: morpho::slant(&sketch.ink, SIDE_32),
            colour: sketch.colour,
            angularity: angularity(&sketch.ink),
        }
    }
}

/// What moving from sketch A to sketch B changes: `B - A` per statistic, negligible parts zeroed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StyleShift {
    pub thickness: f32,
    pub slant: f32,
    /// Change of the ink colour, in the displayed RGB in [0, 1].
    pub colour: [f32; 3],
    /// Change of angularity (concept files written before it existed read 0).
    #[serde(default)]
    pub angularity: f32,
}

impl StyleShift {
    /// `B - A`; fails if the two sketches differ in none of the statistics.
    pub fn between(a: &StyleStats, b: &StyleStats) -> Result<Self> {
        let keep = |d: f32, min: f32| if d.abs() >= min { d } else { 0.0 };
        let colour_diff = [0, 1, 2].map(|k| b.colour[k] - a.colour[k]);
        let colour_moves = colour_diff.iter().any(|d| d.abs() >= MIN_SHIFT.colour[0]);
        let shift = Self {
            thickness: keep(b.thickness - a.thickness, MIN_SHIFT.thickness),
            slant: keep(b.slant - a.slant, MIN_SHIFT.slant),
            colour: if colour_moves { colour_diff } else { [0.0; 3] },
            angularity: keep(b.angularity - a.angularity, MIN_SHIFT.angularity),
        };
        if shift.is_zero() {
            return Err(IinError::Concept(format!(
                "the two sketches show no change to learn: stroke width {:.2} vs {:.2} px, slant {:.2} vs {:.2}, angularity {:.2} vs {:.2}, ink colour {:?} vs {:?} (differences need at least {} px, {}, {}, {} per channel); draw two sketches that differ in one way",
                a.thickness, b.thickness, a.slant, b.slant, a.angularity, b.angularity,
                a.colour.map(|v| (v * 100.0).round() / 100.0),
                b.colour.map(|v| (v * 100.0).round() / 100.0),
                MIN_SHIFT.thickness, MIN_SHIFT.slant, MIN_SHIFT.angularity, MIN_SHIFT.colour[0]
            )));
        }
        Ok(shift)
    }

    /// The shift between two normalised sketches.
    pub fn of_sketches(a: &Sketch, b: &Sketch) -> Result<Self> {
        Self::between(&StyleStats::of(a), &StyleStats::of(b))
    }

    pub fn is_zero(&self) -> bool {
        self.thickness == 0.0
            && self.slant == 0.0
            && self.colour == [0.0; 3]
            && self.angularity == 0.0
    }
}

/// Angularity of a 32 x 32 ink map: the axis alignment of its edges with its slant sheared away.
pub fn angularity(ink: &[f32]) -> f32 {
    let upright = morpho::shear(ink, SIDE_32, -morpho::slant(ink, SIDE_32));
    morpho::axis_alignment(&upright, SIDE_32)
}
