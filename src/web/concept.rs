//! Concepts from two sketches in the page (issue #5): the same [`ConceptTrainer`] as
//! `iin concept`, driven one slice of steps per call so the page stays responsive (on the CPU
//! fallback a slice is one step; on WebGPU several), with every loss read asynchronously.
//!
//! - `startConcept` checks the name and both sketches and builds the trainer on the engine's
//!   device; nothing of the current model changes.
//! - `conceptSteps(k)` runs `k` steps and returns their losses. A non-finite loss rolls the
//!   trainer back to its last good state and rejects with the reason; learning can go on.
//! - `cancelConcept` drops the trainer: the model in use was never touched.
//! - `finishConcept` computes the new handles (on the CPU: they read results synchronously),
//!   installs the flow with the concept's head and the new factor, and scores the concept
//!   against the statistic the sketches change most (Spearman of the slider against the measured stroke
//!   width or slant of the examples, moved by known amounts), when that is width or slant.
//! - `exportConcept` / `importConcept`: a concept file (the flow with the concept's head, its
//!   factors and handles, and what it was learned from), refused when it was made on another bundle.

use std::cell::RefCell;
use std::rc::Rc;

use burn::module::Module;
use burn::tensor::{Device, Tensor};
use js_sys::Float32Array;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::js::{bytes, f32s, fail, object, read, yield_now};
use super::{Engine, Loaded};
use crate::bundle::{Bundle, ConceptRecord, Handle, FLOW_SUPERVISED};
use crate::concepts::{
    concept_spearman, normalise_named, pixel_hash, Against, ConceptTrainer, ConceptTrainerConfig,
    Preset, StyleShift,
};
use crate::factors::Factors;
use crate::flow::{Flow, FlowConfig};
use crate::weights::ModelFile;

/// Largest slice of steps per call (the trainer keeps this many states for a late rollback).
const MAX_SLICE: usize = 16;
/// Examples whose codes set the handles, and that the score moves and measures.
const SCORE_DIGITS: usize = 300;
/// The concept file's first bytes and its layout version.
const CONCEPT_MAGIC: &[u8; 8] = b"IINCONC1";
const CONCEPT_FORMAT_VERSION: u32 = 1;

/// A concept being learned.
pub(super) struct Learning {
    trainer: ConceptTrainer,
    record: ConceptRecord,
    /// The model it started from (the concept is installed only if this is still in use).
    base: Rc<Loaded>,
}

/// What a concept file holds besides the flow's weights.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ConceptHeader {
    format_version: u32,
    /// The bundle it was made on: its commit and the supervised flow's config.
    bundle_commit: String,
    flow_config: FlowConfig,
    factors: Factors,
    handles: Vec<Handle>,
    concept: ConceptRecord,
    score: Option<Score>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Score {
    against: String,
    spearman: f64,
}

#[wasm_bindgen]
impl Engine {
    /// The preset sketch pairs: `[{ name, a: {rgba, width, height}, b: {...} }]`.
    #[wasm_bindgen(js_name = conceptPresets)]
    pub fn concept_presets() -> js_sys::Array {
        Preset::ALL
            .iter()
            .map(|p| {
                let (a, b) = p.sketches();
                let image = |i: &crate::concepts::RgbaImage| {
                    object(&[
                        ("rgba", bytes(&i.pixels)),
                        ("width", i.width.into()),
                        ("height", i.height.into()),
                    ])
                };
                object(&[
                    ("name", p.name().into()),
                    ("a", image(&a)),
                    ("b", image(&b)),
                ])
            })
            .collect()
    }

    /// Starts learning concept `name` from sketch A and sketch B (the pads' `ImageData`).
    /// Rejects, changing nothing, when the name is taken or empty, a sketch is empty or all
    /// ink, or the two show no change. Returns `{ thickness, slant, colour }`: the change
    /// from A to B that will be learned.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = startConcept)]
    pub fn start_concept(
        &self,
        name: String,
        a: Vec<u8>,
        a_width: usize,
        a_height: usize,
        b: Vec<u8>,
        b_width: usize,
        b_height: usize,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let state = self.state()?;
        let name = name.trim().to_string();
        let sketch_a = normalise_named(&a, a_width, a_height, "A").map_err(to_js)?;
        let sketch_b = normalise_named(&b, b_width, b_height, "B").map_err(to_js)?;
        let shift = StyleShift::of_sketches(&sketch_a, &sketch_b).map_err(to_js)?;
        let config = ConceptTrainerConfig::new()
            .with_seed(seed.into())
            .with_batch(if self.backend == super::Backend::WebGpu {
                64
            } else {
                32
            });
        let (flow, factors) = crate::analysis::explore::supervised(&state.bundle).map_err(to_js)?;
        let trainer = ConceptTrainer::new(
            &state.bundle.autoencoder,
            flow,
            factors,
            &name,
            shift,
            (*state.digits).clone(),
            &config,
            &self.device,
        )
        .map_err(to_js)?;
        let record = ConceptRecord {
            name: name.clone(),
            dims: config.dims,
            sketches: [
                pixel_hash(&a, a_width, a_height),
                pixel_hash(&b, b_width, b_height),
            ],
            sources: ["sketch pad A".into(), "sketch pad B".into()],
            shift,
            steps: 0,
            batch: config.batch,
            lr: config.lr,
            seed: config.seed,
            data: format!(
                "the bundle's {} held-out example digits",
                state.examples.len()
            ),
            commit: state.bundle.manifest.provenance.commit.clone(),
            created: String::from(js_sys::Date::new_0().to_iso_string()),
        };
        *self.learning.borrow_mut() = Some(Learning {
            trainer,
            record,
            base: state,
        });
        Ok(object(&[
            ("thickness", shift.thickness.into()),
            ("slant", shift.slant.into()),
            ("colour", f32s(&shift.colour)),
            ("angularity", shift.angularity.into()),
        ]))
    }

    /// Runs `steps` (1 to 16) training steps and returns their losses (nats per pair). On a
    /// non-finite loss the trainer is rolled back to its last good state and the call rejects
    /// with the reason; the current model is untouched either way.
    #[wasm_bindgen(js_name = conceptSteps)]
    pub async fn concept_steps(&self, steps: usize) -> Result<Float32Array, JsError> {
        if !(1..=MAX_SLICE).contains(&steps) {
            return Err(JsError::new(&format!(
                "concept steps per call: between 1 and {MAX_SLICE}, got {steps}"
            )));
        }
        let (losses, first) = {
            let mut learning = self.learning.borrow_mut();
            let learning = learning
                .as_mut()
                .ok_or_else(|| JsError::new("no concept is being learned: start one first"))?;
            let first = learning.trainer.steps_done() + 1;
            let losses: Vec<Tensor<1>> = (0..steps).map(|_| learning.trainer.step()).collect();
            (Tensor::cat(losses, 0), first)
        };
        let values = read(losses).await?;
        let mut learning = self.learning.borrow_mut();
        let learning = learning
            .as_mut()
            .ok_or_else(|| JsError::new("the concept was cancelled"))?;
        for (i, &loss) in values.iter().enumerate() {
            learning
                .trainer
                .report(first + i, loss)
                .map_err(|e| JsError::new(&e.to_string()))?;
        }
        learning.record.steps = learning.trainer.steps_done();
        Ok(Float32Array::from(&values[..]))
    }

    /// Stops learning; the model in use is exactly as before `startConcept`.
    #[wasm_bindgen(js_name = cancelConcept)]
    pub fn cancel_concept(&self) {
        self.learning.borrow_mut().take();
    }

    /// Installs the concept learned so far: the flow with the concept's head, the new factor and
    /// fresh handles. Returns the new info (as `load`) with `concept` (the new factor's index) and
    /// `score` (`{ against, spearman }`, or `null` when the sketches change neither stroke
    /// width nor slant).
    ///
    /// `zt` (`[k, 64]` flattened, may be empty) are `z~` the page holds under the current flow;
    /// the result's `zt` are the same images' `z~` under the new one (same codes `z`).
    #[wasm_bindgen(js_name = finishConcept)]
    pub async fn finish_concept(&self, zt: Vec<f32>) -> Result<JsValue, JsError> {
        let learning = self
            .learning
            .borrow_mut()
            .take()
            .ok_or_else(|| JsError::new("no concept is being learned: start one first"))?;
        let state = self.state()?;
        if !Rc::ptr_eq(&state, &learning.base) {
            return Err(JsError::new(
                "the model changed while the concept was being learned; learn it again",
            ));
        }
        if learning.trainer.steps_done() == 0 {
            return Err(JsError::new("the concept has not been trained yet"));
        }
        let cpu = Device::flex();
        let codes = self.reference_codes(&state).await?;
        let d = state.factors.dim();
        let n = codes.len() / d;
        let codes = crate::tensor_util::tensor2(codes, n, d, &cpu);
        yield_now().await;
        let learned = learning
            .trainer
            .finish_on(codes, &cpu)
            .map_err(|e| fail("finishing the concept", e))?;
        yield_now().await;
        let score = score(&state, &learned, &learning.record, &cpu)?;
        let header = ConceptHeader {
            format_version: CONCEPT_FORMAT_VERSION,
            bundle_commit: state.bundle.manifest.provenance.commit.clone(),
            flow_config: learned.flow.config().clone(),
            factors: learned.factors,
            handles: learned.handles,
            concept: learning.record,
            score,
        };
        let flow = learned.flow.fork(&self.device);
        self.install(&state, flow, header, zt).await
    }

    /// The concept in use as a file (`.iinconcept`): the flow with the concept's head (int8
    /// weight file: the bundle's own int8 weights come back bit for bit, the head is rounded to
    /// int8 like them), its factors, handles, and how it was learned.
    #[wasm_bindgen(js_name = exportConcept)]
    pub fn export_concept(&self) -> Result<Vec<u8>, JsError> {
        let state = self.state()?;
        let header = state
            .concept
            .as_ref()
            .ok_or_else(|| JsError::new("no concept has been learned or imported yet"))?;
        let (flow, _) = crate::analysis::explore::supervised(&state.bundle).map_err(to_js)?;
        let weights = flow
            .to_bytes_int8()
            .map_err(|e| fail("writing the concept's weights", e))?;
        let json =
            serde_json::to_vec(header.as_ref()).map_err(|e| fail("writing the concept", e))?;
        let mut out = CONCEPT_MAGIC.to_vec();
        out.extend((json.len() as u32).to_le_bytes());
        out.extend(json);
        out.extend(weights);
        Ok(out)
    }

    /// Installs a concept file made by `exportConcept` on this same bundle. Refuses a file of
    /// another format version or another bundle, saying which.
    /// `zt` as for `finishConcept`.
    #[wasm_bindgen(js_name = importConcept)]
    pub async fn import_concept(&self, file: Vec<u8>, zt: Vec<f32>) -> Result<JsValue, JsError> {
        let state = self.state()?;
        let bad = |why: &str| JsError::new(&format!("not a concept file of this page: {why}"));
        if file.len() < 12 || &file[..8] != CONCEPT_MAGIC {
            return Err(bad("it does not start with the concept file's signature"));
        }
        let len = u32::from_le_bytes([file[8], file[9], file[10], file[11]]) as usize;
        let json = file
            .get(12..12 + len)
            .ok_or_else(|| bad("it is truncated"))?;
        #[derive(Deserialize)]
        struct Version {
            format_version: u32,
        }
        let version: Version =
            serde_json::from_slice(json).map_err(|e| bad(&format!("its header: {e}")))?;
        if version.format_version != CONCEPT_FORMAT_VERSION {
            return Err(JsError::new(&format!(
                "the concept file has format version {}, this page reads version {CONCEPT_FORMAT_VERSION}; export it again from this version of the page",
                version.format_version
            )));
        }
        let header: ConceptHeader =
            serde_json::from_slice(json).map_err(|e| bad(&format!("its header: {e}")))?;
        let commit = &state.bundle.manifest.provenance.commit;
        if &header.bundle_commit != commit {
            return Err(JsError::new(&format!(
                "the concept was learned on the model bundle of commit {}, this page runs {commit}; learn it again here",
                header.bundle_commit
            )));
        }
        let flow = Flow::from_bytes_expecting(&file[12 + len..], &header.flow_config, &self.device)
            .map_err(|e| fail("the concept's weights", e))?;
        if header.factors.dim() != state.factors.dim()
            || header.handles.len() != header.factors.len()
        {
            return Err(bad(
                "its factors do not match its handles or this model's codes",
            ));
        }
        self.install(&state, flow, header, zt).await
    }
}

impl Engine {
    /// The examples' codes (posterior means) that set the handles: the first of the cached
    /// example codes.
    async fn reference_codes(&self, state: &Loaded) -> Result<Vec<f32>, JsError> {
        let n = state.examples.len().min(SCORE_DIGITS * 2);
        let codes = self.example_codes(state).await?;
        Ok(codes[..n * state.factors.dim()].to_vec())
    }

    /// Replaces the supervised flow, its factors and handles; the rest of the bundle is shared.
    /// Maps the page's `z~` (`zt`, under the old flow) to the new flow through their codes.
    async fn install(
        &self,
        state: &Loaded,
        flow: Flow,
        header: ConceptHeader,
        zt: Vec<f32>,
    ) -> Result<JsValue, JsError> {
        let d = state.factors.dim();
        if !zt.len().is_multiple_of(d) || zt.iter().any(|v| !v.is_finite()) {
            return Err(JsError::new(&format!(
                "zt: expected finite values, a whole number of {d}-value rows, got {}",
                zt.len()
            )));
        }
        let mapped = if zt.is_empty() {
            vec![]
        } else {
            let (old, _) = crate::analysis::explore::supervised(&state.bundle).map_err(to_js)?;
            let t = crate::tensor_util::tensor2(zt.clone(), zt.len() / d, d, &self.device);
            read(flow.forward(old.inverse(t).0).0).await?
        };
        let mut manifest = state.bundle.manifest.clone();
        let entry = manifest
            .flows
            .get_mut(FLOW_SUPERVISED)
            .ok_or_else(|| JsError::new("the bundle has no supervised flow"))?;
        entry.factors = header.factors.clone();
        entry.handles = header.handles.clone();
        manifest.provenance.concepts.push(header.concept.clone());
        let mut flows = state.bundle.flows.clone();
        flows.insert(FLOW_SUPERVISED.into(), flow);
        let bundle = Bundle {
            manifest,
            autoencoder: state.bundle.autoencoder.clone(),
            classifier: state.bundle.classifier.clone(),
            flows,
        };
        let concept = header
            .factors
            .index_of(&header.concept.name)
            .map_err(to_js)?;
        let score = header.score.clone();
        let loaded = Loaded {
            bundle,
            examples: state.examples.clone(),
            digits: state.digits.clone(),
            factors: header.factors.clone(),
            handles: header.handles.clone(),
            // The autoencoder and the examples are the same: their codes stay valid.
            codes: RefCell::new(state.codes.borrow().clone()),
            embedded: RefCell::new(None),
            concept: Some(Rc::new(header)),
        };
        let info = loaded.info()?;
        *self.loaded.borrow_mut() = Some(Rc::new(loaded));
        let _ = js_sys::Reflect::set(&info, &"concept".into(), &concept.into());
        let score = match score {
            Some(s) => object(&[
                ("against", s.against.as_str().into()),
                ("spearman", s.spearman.into()),
            ]),
            None => JsValue::NULL,
        };
        let _ = js_sys::Reflect::set(&info, &"score".into(), &score);
        let _ = js_sys::Reflect::set(&info, &"zt".into(), &f32s(&mapped));
        Ok(info)
    }
}

/// Spearman of the new slider against the statistic the sketches change most (in units of
/// the smallest change that counts), or `None` when that is the colour.
fn score(
    state: &Loaded,
    learned: &crate::concepts::LearnedConcept,
    record: &ConceptRecord,
    cpu: &Device,
) -> Result<Option<Score>, JsError> {
    let Some(against) = Against::dominant(&record.shift) else {
        return Ok(None);
    };
    let n = state.examples.len().min(SCORE_DIGITS);
    let indices: Vec<usize> = (state.examples.len() - n..state.examples.len()).collect();
    let ae = state.bundle.autoencoder.clone().fork(cpu);
    let spearman = concept_spearman(
        &ae,
        &learned.flow,
        &learned.factors,
        &learned.handles,
        &record.name,
        against,
        &state.digits,
        &indices,
        1,
        cpu,
    )
    .map_err(|e| fail("scoring the concept", e))?;
    Ok(Some(Score {
        against: against.label().into(),
        spearman,
    }))
}

fn to_js(err: crate::error::IinError) -> JsError {
    JsError::new(&err.to_string())
}
