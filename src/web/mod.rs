//! The wasm-bindgen surface: one [`Engine`] that owns the device and the flow, with a few coarse
//! async methods; the page's ES modules (`www/`) do the DOM wiring.
//!
//! Rules behind the JS boundary: every exported method returns `Result<_, JsError>` (no
//! `unwrap()`), a panic hook is installed at start, and every read from the device is
//! `into_data_async().await` (a synchronous read on WebGPU panics in the browser).

mod device;

use burn::module::Module;
use burn::tensor::{Device, Distribution, Tensor};
use wasm_bindgen::prelude::*;

use crate::flow::testing::perturb;
use crate::flow::{Flow, FlowConfig};
use device::Backend;

/// Latent width of the flow the page builds.
const DIM: usize = 64;
const N_BLOCKS: usize = 4;
const HIDDEN: usize = 128;
/// Standard deviation of the noise added to every weight of the fresh flow. A fresh flow is the
/// identity (zero last layers), whose round trip is trivially exact; with untrained random
/// weights it is a general bijection. Until the page loads a trained bundle.
const DEMO_WEIGHT_NOISE: f64 = 0.05;
/// Largest batch [`Engine::round_trip`] accepts (64 Ki latents of 64 floats: 16 MiB).
const MAX_BATCH: usize = 65_536;

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

/// The page's engine: the chosen device and a flow on it.
#[wasm_bindgen]
pub struct Engine {
    device: Device,
    backend: Backend,
    label: String,
    reason: String,
    config: FlowConfig,
    flow: Flow,
}

#[wasm_bindgen]
impl Engine {
    /// Picks the device (WebGPU when the browser gives an adapter, else the CPU) and builds a
    /// flow with random, untrained weights on it. Call once per page: burn's wgpu runtime can be started only once.
    pub async fn create() -> Result<Engine, JsError> {
        let chosen = device::choose().await;
        let config = FlowConfig::new(DIM)
            .with_n_blocks(N_BLOCKS)
            .with_hidden(HIDDEN);
        let flow = config
            .init(&chosen.device)
            .map_err(|err| JsError::new(&format!("could not build the flow: {err}")))?;
        let flow = perturb(flow, DEMO_WEIGHT_NOISE, config.seed.wrapping_add(1));
        Ok(Engine {
            device: chosen.device,
            backend: chosen.backend,
            label: chosen.label,
            reason: chosen.reason,
            config,
            flow,
        })
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

    /// Width of the latent `z`.
    #[wasm_bindgen(getter)]
    pub fn dim(&self) -> usize {
        self.config.dim
    }

    /// Number of coupling blocks in the flow.
    #[wasm_bindgen(getter, js_name = nBlocks)]
    pub fn n_blocks(&self) -> usize {
        self.config.n_blocks
    }

    /// Hidden width of each coupling network.
    #[wasm_bindgen(getter)]
    pub fn hidden(&self) -> usize {
        self.config.hidden
    }

    /// Number of scalar parameters in the flow.
    #[wasm_bindgen(getter, js_name = numParams)]
    pub fn num_params(&self) -> usize {
        Module::num_params(&self.flow)
    }

    /// Draws `batch` latents `z ~ N(0, I)` of shape `[batch, dim]`, runs `y = T(z)` and
    /// `z' = T^-1(y)`, and reads back `max |z' - z|` and `max |log_det + inv_log_det|`
    /// (both 0 for an exact bijection). The time includes the read-back, so on WebGPU it
    /// covers the GPU work, not only its submission.
    #[wasm_bindgen(js_name = roundTrip)]
    pub async fn round_trip(&self, batch: usize) -> Result<RoundTrip, JsError> {
        if batch == 0 || batch > MAX_BATCH {
            return Err(JsError::new(&format!(
                "batch must be between 1 and {MAX_BATCH}, got {batch}"
            )));
        }
        let start = performance_now();
        let z = Tensor::<2>::random(
            [batch, self.config.dim],
            Distribution::Normal(0.0, 1.0),
            &self.device,
        );
        let (y, log_det) = self.flow.forward(z.clone());
        let (z_back, inv_log_det) = self.flow.inverse(y);
        let errors = Tensor::cat(
            vec![
                (z_back - z).abs().max(),
                (log_det + inv_log_det).abs().max(),
            ],
            0,
        );
        let data = errors
            .into_data_async()
            .await
            .map_err(|err| JsError::new(&format!("reading the result back failed: {err:?}")))?;
        let elapsed_ms = performance_now() - start;
        let values = data
            .try_to_vec::<f32>()
            .map_err(|err| JsError::new(&format!("unexpected result data: {err:?}")))?;
        let [max_abs_error, max_log_det_error] = values[..] else {
            return Err(JsError::new(&format!(
                "expected 2 result values, got {}",
                values.len()
            )));
        };
        Ok(RoundTrip {
            batch,
            dim: self.config.dim,
            max_abs_error: max_abs_error.into(),
            max_log_det_error: max_log_det_error.into(),
            elapsed_ms,
        })
    }
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
