//! The wasm-bindgen surface: one [`Engine`] that owns the device and the loaded bundle, with a
//! handful of coarse methods over flat typed arrays; the page's ES modules (`www/`) do the DOM
//! wiring. One gesture is one call: a whole analogy grid, both interpolation strips or a batch
//! of walk frames is one batch on the device and one read.
//!
//! Rules behind the JS boundary: every exported method returns `Result<_, JsError>` (no
//! `unwrap()`), a panic hook is installed at start, and every read from the device is
//! `into_data_async().await` (a synchronous read on WebGPU panics in the browser). Inputs are
//! checked before any tensor is built, so a wrong length is an error that names it, not a
//! panic inside burn. State set by [`Engine::load`] lives behind a `RefCell` of `Rc`s that is
//! never borrowed across an `await`, so the page may start a call while another is pending.
//!
//! `z~` ("zt") always means the supervised flow's `T(z)` of the autoencoder's code `z`: 64
//! values per image, the factor blocks in the manifest's order, residual last. Images go out as
//! RGBA bytes, 32 x 32 each ([`RGBA_BYTES`]).

mod concept;
mod device;
mod js;

use std::cell::RefCell;
use std::rc::Rc;

use burn::module::Module;
use burn::tensor::{Device, Distribution, Tensor, TensorData};
use js_sys::Float32Array;
use wasm_bindgen::prelude::*;

use crate::analysis::explore::{self, Embedded, Embedding, RGBA_BYTES};
use crate::analysis::metrics::argmax_rows;
use crate::bundle::{
    parse_examples, Bundle, Example, Handle, Manifest, FLOW_CLASSIFIER, FLOW_SUPERVISED,
};
use crate::concepts::{digits_from_examples, normalise_named};
use crate::data::color::measure_colour;
use crate::data::Mnist;
use crate::factors::Factors;
use crate::rng::SplitMix64;
use crate::tensor_util::tensor2;
use device::Backend;
use js::{bytes, f32s, fail, object, read, strings, yield_now};

/// Largest batch [`Engine::round_trip`] accepts (64 Ki latents of 64 floats: 16 MiB).
const MAX_BATCH: usize = 65_536;
/// Largest number of images one call decodes (an analogy grid of 16 x 16).
const MAX_IMAGES: usize = 256;
/// Examples encoded per slice by [`Engine::embeddings`]; the page paints between slices.
const EMBED_SLICE: usize = 100;
/// Resamples per factor for the classifier's response to the current image.
const RESPONSE_SAMPLES: usize = 16;
/// Per-frame autocorrelation of the walk inside a factor (a mean-reverting OU step).
const WALK_KEEP: f32 = 0.92;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds, in windows and workers alike.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Runs once when the module is instantiated: panics are reported on the console with their
/// message and location instead of a bare `unreachable`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The page's engine: the chosen device and, once loaded, the bundle on it.
#[wasm_bindgen]
pub struct Engine {
    device: Device,
    backend: Backend,
    label: String,
    reason: String,
    loaded: RefCell<Option<Rc<Loaded>>>,
    /// A concept being learned (`startConcept` .. `finishConcept`).
    learning: RefCell<Option<concept::Learning>>,
}

/// A bundle on the device, with what the page derives from it.
struct Loaded {
    bundle: Bundle,
    examples: Rc<Vec<Example>>,
    /// The examples as labelled digits, to learn concepts from.
    digits: Rc<Mnist>,
    factors: Factors,
    handles: Vec<Handle>,
    /// Every example's code `z` (posterior mean), `[n, D]` row-major: encoded once per page,
    /// and carried over when a concept replaces the flow (the autoencoder does not change).
    codes: RefCell<Option<Rc<Vec<f32>>>>,
    /// Filled by the first [`Engine::embeddings`]: every example's `z` and `z~`, placed.
    embedded: RefCell<Option<Rc<Embeddings>>>,
    /// The concept learned or imported into the supervised flow, if any.
    concept: Option<Rc<concept::ConceptHeader>>,
}

struct Embeddings {
    embedding: Embedding,
    z_tilde: Vec<f32>,
    placed: Embedded,
}

#[wasm_bindgen]
impl Engine {
    /// Picks the device: WebGPU when the browser gives an adapter and `prefer_cpu` is false,
    /// else the CPU, with the reason. burn's WebGPU runtime starts once per page; after a lost
    /// device, create a second engine with `prefer_cpu` and load the same bytes again.
    pub async fn create(prefer_cpu: bool) -> Result<Engine, JsError> {
        let chosen = device::choose(prefer_cpu).await;
        Ok(Engine {
            device: chosen.device,
            backend: chosen.backend,
            label: chosen.label,
            reason: chosen.reason,
            loaded: RefCell::new(None),
            learning: RefCell::new(None),
        })
    }

    /// The files a manifest (`bundle.json`'s text) refers to, relative to its folder.
    #[wasm_bindgen(js_name = bundleFiles)]
    pub fn bundle_files(manifest: &str) -> Result<js_sys::Array, JsError> {
        let manifest = Manifest::from_json(manifest).map_err(|e| fail("bundle.json", e))?;
        let mut files = vec![
            manifest.autoencoder.file.as_str(),
            manifest.classifier.file.as_str(),
            manifest.examples.file.as_str(),
        ];
        files.extend(manifest.flows.values().map(|f| f.network.file.as_str()));
        Ok(strings(files))
    }

    /// `"webgpu"` or `"cpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.as_str().into()
    }

    /// "WebGPU: <adapter>" or "CPU (WebAssembly)".
    #[wasm_bindgen(getter, js_name = deviceLabel)]
    pub fn device_label(&self) -> String {
        self.label.clone()
    }

    /// Why this device: the adapter's description, or why WebGPU was not used.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> String {
        self.reason.clone()
    }

    /// Loads the bundle: `manifest` is `bundle.json`'s text, `files` an object from each name
    /// of [`Engine::bundle_files`] to its bytes (`Uint8Array`). Returns what the page shows:
    /// `{ latentDim, imageSize, exampleCount, classes, factors: [{name, size, std, meaning}],
    /// classifierFactors: [{name, size}], parameters, commit, created }`.
    pub async fn load(&self, manifest: String, files: JsValue) -> Result<JsValue, JsError> {
        let fetch =
            |name: &str| js::file_bytes(&files, name).map_err(crate::error::IinError::BadFile);
        let bundle = Bundle::load(&manifest, fetch, &self.device)
            .map_err(|e| fail("the model bundle could not be loaded", e))?;
        let examples_bytes = js::file_bytes(&files, &bundle.manifest.examples.file)
            .map_err(|e| fail("the model bundle could not be loaded", e))?;
        let examples =
            parse_examples(&examples_bytes).map_err(|e| fail("the model bundle's examples", e))?;
        let entry = bundle
            .manifest
            .flow(FLOW_SUPERVISED)
            .map_err(|e| fail("bundle.json", e))?;
        let (factors, handles) = (entry.factors.clone(), entry.handles.clone());
        let digits = digits_from_examples(&examples_bytes)
            .map_err(|e| fail("the model bundle's examples", e))?;
        let loaded = Loaded {
            bundle,
            examples: Rc::new(examples),
            digits: Rc::new(digits),
            factors,
            handles,
            codes: RefCell::new(None),
            embedded: RefCell::new(None),
            concept: None,
        };
        let info = loaded.info()?;
        self.learning.borrow_mut().take();
        *self.loaded.borrow_mut() = Some(Rc::new(loaded));
        Ok(info)
    }

    /// The label of every example.
    #[wasm_bindgen(js_name = exampleLabels)]
    pub fn example_labels(&self) -> Result<Vec<u8>, JsError> {
        Ok(self.state()?.examples.iter().map(|e| e.label).collect())
    }

    /// The colour of every example, RGB in [0, 1], `[n, 3]` flattened.
    #[wasm_bindgen(js_name = exampleColours)]
    pub fn example_colours(&self) -> Result<Vec<f32>, JsError> {
        Ok(self
            .state()?
            .examples
            .iter()
            .flat_map(|e| e.colour)
            .collect())
    }

    /// The examples at `indices` as RGBA images (no device work).
    #[wasm_bindgen(js_name = exampleImages)]
    pub fn example_images(&self, indices: Vec<u32>) -> Result<Vec<u8>, JsError> {
        let state = self.state()?;
        let images = state.example_pixels(&indices)?;
        Ok(explore::to_rgba(&images))
    }

    /// `z~` of the examples at `indices`, `[k, 64]` flattened.
    #[wasm_bindgen(js_name = encodeExamples)]
    pub async fn encode_examples(&self, indices: Vec<u32>) -> Result<Float32Array, JsError> {
        let state = self.state()?;
        check_count(indices.len(), "examples to encode")?;
        if let Some(cached) = state.embedded.borrow().clone() {
            let d = state.factors.dim();
            let mut out = Vec::with_capacity(indices.len() * d);
            for &i in &indices {
                let i = i as usize;
                out.extend_from_slice(&cached.z_tilde[i * d..(i + 1) * d]);
            }
            return Ok(Float32Array::from(&out[..]));
        }
        let images = state.example_pixels(&indices)?;
        let (_, t) = explore::encode(&state.bundle, self.images(images)?)
            .map_err(|e| fail("encoding", e))?;
        Ok(Float32Array::from(&read(t).await?[..]))
    }

    /// `z~` of a drawing: `rgba` is the pad's `ImageData` (`width x height`, any colours); it is
    /// cropped and centred like MNIST (`concepts::sketch`). An empty or all-ink drawing is refused
    /// with a message.
    #[wasm_bindgen(js_name = encodeSketch)]
    pub async fn encode_sketch(
        &self,
        rgba: Vec<u8>,
        width: usize,
        height: usize,
    ) -> Result<Float32Array, JsError> {
        let state = self.state()?;
        let sketch = normalise_named(&rgba, width, height, "on the pad")
            .map_err(|e| JsError::new(&e.to_string()))?;
        let (_, t) = explore::encode(&state.bundle, self.images(sketch.image())?)
            .map_err(|e| fail("encoding the sketch", e))?;
        Ok(Float32Array::from(&read(t).await?[..]))
    }

    /// Decodes `z~` (`[k, 64]` flattened) to `k` RGBA images.
    pub async fn render(&self, zt: Vec<f32>) -> Result<Vec<u8>, JsError> {
        let state = self.state()?;
        let t = self.codes(&state, zt, "z~ to render")?;
        let images = explore::decode(&state.bundle, t).map_err(|e| fail("decoding", e))?;
        Ok(explore::to_rgba(&read(images).await?))
    }

    /// The slider position of factor `factor` of one `z~`, in std units along its handle.
    #[wasm_bindgen(js_name = handleValue)]
    pub fn handle_value(&self, zt: Vec<f32>, factor: usize) -> Result<f32, JsError> {
        let state = self.state()?;
        state.check_one(&zt)?;
        let range = state.factor_range(factor)?;
        Ok(state.handles[factor].value(&zt[range]))
    }

    /// One `z~` with factor `factor`'s handle set to `t`, everything else unchanged.
    #[wasm_bindgen(js_name = setHandle)]
    pub fn set_handle(&self, mut zt: Vec<f32>, factor: usize, t: f32) -> Result<Vec<f32>, JsError> {
        let state = self.state()?;
        state.check_one(&zt)?;
        if !t.is_finite() {
            return Err(JsError::new("the slider value must be a finite number"));
        }
        let range = state.factor_range(factor)?;
        state.handles[factor].set(&mut zt[range], t);
        Ok(zt)
    }

    /// The analogy grid: cell `(i, j)` (row-major) takes factor `factor` from `rows[i]` and
    /// everything else from `cols[j]`. Returns `{ rgba, digits, colours }`: the images, the
    /// page's classifier reading each cell, and the colour measured from each cell's pixels.
    pub async fn analogy(
        &self,
        rows: Vec<f32>,
        cols: Vec<f32>,
        factor: usize,
    ) -> Result<JsValue, JsError> {
        let state = self.state()?;
        let d = state.factors.dim();
        state.factor_range(factor)?;
        let (r, c) = (rows.len() / d, cols.len() / d);
        state.check_rows(&rows, "analogy rows")?;
        state.check_rows(&cols, "analogy columns")?;
        check_count(r * c, "analogy cells")?;
        let cells = explore::analogy_codes(&rows, &cols, &state.factors, factor);
        let images = explore::decode(&state.bundle, tensor2(cells, r * c, d, &self.device))
            .map_err(|e| fail("decoding the grid", e))?;
        let logits = state
            .bundle
            .classifier
            .head(state.bundle.classifier.feature(images.clone()));
        let classes = state.bundle.classifier.config().classes;
        let n = r * c;
        let all = read(Tensor::cat(
            vec![images.reshape([n, 3 * 1024]), logits.reshape([n, classes])],
            1,
        ))
        .await?;
        let (mut pixels, mut digits, mut colours) = (Vec::new(), Vec::new(), Vec::new());
        for row in all.chunks(3 * 1024 + classes) {
            let (image, logits) = row.split_at(3 * 1024);
            pixels.extend_from_slice(image);
            digits.push(argmax_rows(logits, classes)[0] as u8);
            colours.extend(measure_colour(image));
        }
        Ok(object(&[
            ("rgba", bytes(&explore::to_rgba(&pixels))),
            ("digits", bytes(&digits)),
            ("colours", f32s(&colours)),
        ]))
    }

    /// `steps` images from `a` to `b` (one `z~` each), linear in `z~` (`tilde`) and linear in
    /// `z` (`direct`), as `{ tilde, direct }` RGBA strips.
    pub async fn interpolate(
        &self,
        a: Vec<f32>,
        b: Vec<f32>,
        steps: usize,
    ) -> Result<JsValue, JsError> {
        let state = self.state()?;
        state.check_one(&a)?;
        state.check_one(&b)?;
        if !(2..=MAX_IMAGES / 2).contains(&steps) {
            return Err(JsError::new(&format!(
                "interpolation steps must be between 2 and {}, got {steps}",
                MAX_IMAGES / 2
            )));
        }
        let images = explore::interpolation(&state.bundle, &a, &b, steps, &self.device)
            .map_err(|e| fail("interpolating", e))?;
        let rgba = explore::to_rgba(&read(images).await?);
        let (tilde, direct) = rgba.split_at(steps * RGBA_BYTES);
        Ok(object(&[
            ("tilde", bytes(tilde)),
            ("direct", bytes(direct)),
        ]))
    }

    /// `frames` steps of a mean-reverting random walk inside factor `factor`, from one `z~`.
    /// Returns `{ zt, rgba }`: every frame's `z~` and image.
    pub async fn walk(
        &self,
        zt: Vec<f32>,
        factor: usize,
        frames: usize,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let state = self.state()?;
        state.check_one(&zt)?;
        let range = state.factor_range(factor)?;
        check_count(frames, "walk frames")?;
        let path = explore::ou_walk(
            &zt,
            range,
            frames,
            WALK_KEEP,
            &mut SplitMix64::new(seed.into()),
        );
        let t = tensor2(path.clone(), frames, zt.len(), &self.device);
        let images = explore::decode(&state.bundle, t).map_err(|e| fail("decoding the walk", e))?;
        let rgba = explore::to_rgba(&read(images).await?);
        Ok(object(&[("zt", f32s(&path)), ("rgba", bytes(&rgba))]))
    }

    /// `n` new samples from N(0, I) through the unsupervised flow: `{ zt, rgba }`.
    pub async fn sample(&self, n: usize, seed: u32) -> Result<JsValue, JsError> {
        let state = self.state()?;
        check_count(n, "samples")?;
        let (t, images) = explore::sample(&state.bundle, n, seed.into(), &self.device)
            .map_err(|e| fail("sampling", e))?;
        let d = state.factors.dim();
        let all = read(Tensor::cat(vec![t, images.reshape([n, 3 * 1024])], 1)).await?;
        let (mut zt, mut pixels) = (Vec::new(), Vec::new());
        for row in all.chunks(d + 3 * 1024) {
            zt.extend_from_slice(&row[..d]);
            pixels.extend_from_slice(&row[d..]);
        }
        Ok(object(&[
            ("zt", f32s(&zt)),
            ("rgba", bytes(&explore::to_rgba(&pixels))),
        ]))
    }

    /// The embeddings of every example (encoded once, in slices that let the page paint):
    /// `{ residual: [n, 2], factors: [named, n], z: [n, 2], labels, colours: [n, 3] }`.
    pub async fn embeddings(&self) -> Result<JsValue, JsError> {
        let state = self.state()?;
        let cached = state.embedded.borrow().clone();
        let cached = match cached {
            Some(cached) => cached,
            None => {
                let computed = Rc::new(self.embed_examples(&state).await?);
                *state.embedded.borrow_mut() = Some(computed.clone());
                computed
            }
        };
        let labels: Vec<u8> = state.examples.iter().map(|e| e.label).collect();
        let colours: Vec<f32> = state.examples.iter().flat_map(|e| e.colour).collect();
        Ok(object(&[
            ("residual", f32s(&cached.placed.residual)),
            ("factors", f32s(&cached.placed.factors)),
            ("z", f32s(&cached.placed.z)),
            ("labels", bytes(&labels)),
            ("colours", f32s(&colours)),
        ]))
    }

    /// Where one `z~` lies in the embeddings: `{ residual: [2], factors: [named], z: [2] }`.
    /// Call after [`Engine::embeddings`].
    #[wasm_bindgen(js_name = embedPoint)]
    pub async fn embed_point(&self, zt: Vec<f32>) -> Result<JsValue, JsError> {
        let state = self.state()?;
        state.check_one(&zt)?;
        let cached = state.embedded.borrow().clone().ok_or_else(|| {
            JsError::new("the embeddings are not computed yet: call embeddings() first")
        })?;
        let (flow, _) = explore::supervised(&state.bundle).map_err(|e| fail("embedding", e))?;
        let d = zt.len();
        let z = read(flow.inverse(tensor2(zt.clone(), 1, d, &self.device)).0).await?;
        let placed = cached.embedding.place(&z, &zt);
        Ok(object(&[
            ("residual", f32s(&placed.residual)),
            ("factors", f32s(&placed.factors)),
            ("z", f32s(&placed.z)),
        ]))
    }

    /// The classifier on the image decoded from one `z~`: `{ probs: [classes], response:
    /// [classifier factors] }`, where `response[k]` is the mean L2 distance its logits move when
    /// factor `k` of its own flow is resampled from N(0, I).
    pub async fn explain(&self, zt: Vec<f32>) -> Result<JsValue, JsError> {
        let state = self.state()?;
        state.check_one(&zt)?;
        let t = tensor2(zt.clone(), 1, zt.len(), &self.device);
        let logits = explore::explain(&state.bundle, t, RESPONSE_SAMPLES, 0)
            .map_err(|e| fail("explaining", e))?;
        let classes = state.bundle.classifier.config().classes;
        let logits = read(logits).await?;
        let probs = explore::softmax(&logits[..classes]);
        let response = explore::response_distances(&logits, 1, RESPONSE_SAMPLES, classes);
        Ok(object(&[
            ("probs", f32s(&probs)),
            ("response", f32s(&response)),
        ]))
    }

    /// Draws `batch` codes `z ~ N(0, I)`, runs `y = T(z)` and `z' = T^-1(y)` through the
    /// supervised flow, and reads back `max |z' - z|` and `max |log_det + inv_log_det|` (both 0
    /// for an exact bijection). The time includes the read-back.
    #[wasm_bindgen(js_name = roundTrip)]
    pub async fn round_trip(&self, batch: usize) -> Result<RoundTrip, JsError> {
        let state = self.state()?;
        if batch == 0 || batch > MAX_BATCH {
            return Err(JsError::new(&format!(
                "batch must be between 1 and {MAX_BATCH}, got {batch}"
            )));
        }
        let (flow, factors) = explore::supervised(&state.bundle).map_err(|e| fail("flow", e))?;
        let start = performance_now();
        let z = Tensor::<2>::random(
            [batch, factors.dim()],
            Distribution::Normal(0.0, 1.0),
            &self.device,
        );
        let (y, log_det) = flow.forward(z.clone());
        let (z_back, inv_log_det) = flow.inverse(y);
        let errors = Tensor::cat(
            vec![
                (z_back - z).abs().max(),
                (log_det + inv_log_det).abs().max(),
            ],
            0,
        );
        let values = read(errors).await?;
        let elapsed_ms = performance_now() - start;
        let [max_abs_error, max_log_det_error] = values[..] else {
            return Err(JsError::new(&format!(
                "expected 2 result values, got {}",
                values.len()
            )));
        };
        Ok(RoundTrip {
            batch,
            dim: factors.dim(),
            max_abs_error: max_abs_error.into(),
            max_log_det_error: max_log_det_error.into(),
            elapsed_ms,
        })
    }
}

impl Engine {
    fn state(&self) -> Result<Rc<Loaded>, JsError> {
        self.loaded
            .borrow()
            .clone()
            .ok_or_else(|| JsError::new("no model bundle is loaded yet: call load() first"))
    }

    /// `[k, 3, 32, 32]` host images as a tensor on this engine's device.
    fn images(&self, values: Vec<f32>) -> Result<Tensor<4>, JsError> {
        let n = values.len() / (3 * 1024);
        Ok(Tensor::from_data(
            TensorData::new(values, [n, 3, 32, 32]),
            &self.device,
        ))
    }

    /// `[k, D]` codes from host values, checked.
    fn codes(&self, state: &Loaded, values: Vec<f32>, what: &str) -> Result<Tensor<2>, JsError> {
        state.check_rows(&values, what)?;
        let d = state.factors.dim();
        check_count(values.len() / d, what)?;
        Ok(tensor2(values.clone(), values.len() / d, d, &self.device))
    }

    /// Every example's code, encoded in slices of [`EMBED_SLICE`] (yielding to the page between
    /// them) the first time, then from the cache.
    async fn example_codes(&self, state: &Loaded) -> Result<Rc<Vec<f32>>, JsError> {
        if let Some(codes) = state.codes.borrow().clone() {
            return Ok(codes);
        }
        let n = state.examples.len();
        let mut z = Vec::with_capacity(n * state.factors.dim());
        for start in (0..n).step_by(EMBED_SLICE) {
            let indices: Vec<u32> = (start..(start + EMBED_SLICE).min(n))
                .map(|i| i as u32)
                .collect();
            let images = self.images(state.example_pixels(&indices)?)?;
            z.extend(read(state.bundle.autoencoder.encode(images).0).await?);
            yield_now().await;
        }
        let z = Rc::new(z);
        *state.codes.borrow_mut() = Some(z.clone());
        Ok(z)
    }

    /// Every example's `z` and `z~` placed in the embeddings; `z~` through the current flow in
    /// slices of [`EMBED_SLICE`].
    async fn embed_examples(&self, state: &Loaded) -> Result<Embeddings, JsError> {
        let z = self.example_codes(state).await?;
        let d = state.factors.dim();
        let (flow, _) = explore::supervised(&state.bundle).map_err(|e| fail("embedding", e))?;
        let mut z_tilde = Vec::with_capacity(z.len());
        for rows in z.chunks(EMBED_SLICE * d) {
            let codes = tensor2(rows.to_vec(), rows.len() / d, d, &self.device);
            z_tilde.extend(read(flow.forward(codes).0).await?);
            yield_now().await;
        }
        let embedding = Embedding::fit(&state.factors, &state.handles, &z, &z_tilde);
        let placed = embedding.place(&z, &z_tilde);
        Ok(Embeddings {
            embedding,
            z_tilde,
            placed,
        })
    }
}

impl Loaded {
    /// What the page shows about the loaded model (see [`Engine::load`]).
    fn info(&self) -> Result<JsValue, JsError> {
        let bundle = &self.bundle;
        let (factors, handles, examples) = (&self.factors, &self.handles, &self.examples);
        let classifier_factors = bundle
            .manifest
            .flow(FLOW_CLASSIFIER)
            .map_err(|e| fail("bundle.json", e))?
            .factors
            .clone();
        let parameters = Module::num_params(&bundle.autoencoder)
            + Module::num_params(&bundle.classifier)
            + bundle.flows.values().map(Module::num_params).sum::<usize>();
        let factor_info: js_sys::Array = factors
            .factors()
            .iter()
            .zip(handles)
            .map(|(f, h)| {
                object(&[
                    ("name", f.name.as_str().into()),
                    ("size", f.size.into()),
                    ("std", h.std.into()),
                    ("meaning", meaning(&f.name, f.size, examples.len()).into()),
                ])
            })
            .collect();
        let classifier_info: js_sys::Array = classifier_factors
            .factors()
            .iter()
            .map(|f| object(&[("name", f.name.as_str().into()), ("size", f.size.into())]))
            .collect();
        let info = object(&[
            ("latentDim", bundle.manifest.latent_dim.into()),
            ("imageSize", bundle.manifest.image.width.into()),
            ("exampleCount", examples.len().into()),
            ("classes", bundle.classifier.config().classes.into()),
            ("factors", factor_info.into()),
            ("classifierFactors", classifier_info.into()),
            ("parameters", parameters.into()),
            ("commit", bundle.manifest.provenance.commit.as_str().into()),
            (
                "created",
                bundle.manifest.provenance.created.as_str().into(),
            ),
        ]);
        Ok(info)
    }

    /// `[k, 3, 32, 32]` pixels of the examples at `indices`.
    fn example_pixels(&self, indices: &[u32]) -> Result<Vec<f32>, JsError> {
        let mut out = Vec::with_capacity(indices.len() * 3 * 1024);
        for &i in indices {
            let example = self.examples.get(i as usize).ok_or_else(|| {
                JsError::new(&format!(
                    "example {i} does not exist: there are {}",
                    self.examples.len()
                ))
            })?;
            out.extend_from_slice(&example.image);
        }
        Ok(out)
    }

    fn check_one(&self, zt: &[f32]) -> Result<(), JsError> {
        let d = self.factors.dim();
        if zt.len() != d {
            return Err(JsError::new(&format!(
                "a z~ has {d} values, got {}",
                zt.len()
            )));
        }
        check_finite(zt)
    }

    fn check_rows(&self, values: &[f32], what: &str) -> Result<(), JsError> {
        let d = self.factors.dim();
        if values.is_empty() || !values.len().is_multiple_of(d) {
            return Err(JsError::new(&format!(
                "{what}: expected a whole number of {d}-value z~ rows, got {} values",
                values.len()
            )));
        }
        check_finite(values)
    }

    fn factor_range(&self, factor: usize) -> Result<std::ops::Range<usize>, JsError> {
        if factor >= self.factors.len() {
            return Err(JsError::new(&format!(
                "factor {factor} does not exist: there are {}",
                self.factors.len()
            )));
        }
        Ok(self.factors.range(factor))
    }
}

fn check_count(n: usize, what: &str) -> Result<(), JsError> {
    if n == 0 || n > MAX_IMAGES {
        return Err(JsError::new(&format!(
            "{what}: between 1 and {MAX_IMAGES} per call, got {n}"
        )));
    }
    Ok(())
}

fn check_finite(values: &[f32]) -> Result<(), JsError> {
    if values.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(JsError::new("z~ contains NaN or infinite values"))
    }
}

/// What a factor's slider does, in words for the page.
fn meaning(name: &str, size: usize, examples: usize) -> String {
    let what = match name {
        "digit" => "which digit is drawn",
        "colour" => "the colour of the stroke and background",
        "residual" => "everything the named factors leave: stroke width, slant, style",
        _ => "the concept it was trained on",
    };
    format!(
        "{what}. Moves the {size}-number {name} block along its main direction of variation \
         over {examples} test digits (in standard deviations); every other factor stays fixed"
    )
}

/// The outcome of one [`Engine::round_trip`].
#[wasm_bindgen]
#[derive(Clone, Copy, Debug)]
pub struct RoundTrip {
    /// Number of latents.
    #[wasm_bindgen(readonly)]
    pub batch: usize,
    /// Width of each latent.
    #[wasm_bindgen(readonly)]
    pub dim: usize,
    /// `max |T^-1(T(z)) - z|` over the batch.
    #[wasm_bindgen(readonly, js_name = maxAbsError)]
    pub max_abs_error: f64,
    /// `max |log_det + inv_log_det|` over the batch.
    #[wasm_bindgen(readonly, js_name = maxLogDetError)]
    pub max_log_det_error: f64,
    /// Wall time of sampling, forward, inverse and read-back, in milliseconds.
    #[wasm_bindgen(readonly, js_name = elapsedMs)]
    pub elapsed_ms: f64,
}
