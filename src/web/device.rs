//! Device choice in the browser: WebGPU when `navigator.gpu` gives an adapter and burn's wgpu
//! runtime starts on it, the CPU (`Device::flex()`, WebAssembly) otherwise, with the reason.
//!
//! The adapter is probed through plain JS reflection first (WebGPU is an unstable web-sys API,
//! behind `--cfg=web_sys_unstable_apis`), so a browser without WebGPU never reaches wgpu, and
//! the page can name the adapter (`GPUAdapter.info`: vendor, architecture, description).
//! burn's wgpu runtime can be started once per page: [`choose`] is called once, by `Engine::create`.

use burn::tensor::Device;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Which compute the page runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    WebGpu,
    Cpu,
}

impl Backend {
    /// The short name the page and its tests read: `"webgpu"` or `"cpu"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::WebGpu => "webgpu",
            Backend::Cpu => "cpu",
        }
    }
}

/// The chosen device, and what the page says about it.
pub struct Chosen {
    pub device: Device,
    pub backend: Backend,
    /// "WebGPU: google swiftshader" or "CPU (WebAssembly)".
    pub label: String,
    /// Why this device: the adapter's description, or why WebGPU was not used.
    pub reason: String,
}

/// Picks WebGPU when the browser gives an adapter and burn starts on it, the CPU otherwise (or
/// when `prefer_cpu`).
pub async fn choose(prefer_cpu: bool) -> Chosen {
    if prefer_cpu {
        return cpu("the page asked for the CPU".into());
    }
    let adapter = match request_adapter().await {
        Ok(adapter) => adapter,
        Err(why) => return cpu(why),
    };
    match Device::wgpu_options().init_async().await {
        Ok(device) => Chosen {
            device,
            backend: Backend::WebGpu,
            label: format!("WebGPU: {}", adapter.name()),
            reason: adapter.details(),
        },
        Err(err) => cpu(format!(
            "WebGPU adapter {} found, but burn could not start on it: {err}",
            adapter.name()
        )),
    }
}

fn cpu(reason: String) -> Chosen {
    Chosen {
        device: Device::flex(),
        backend: Backend::Cpu,
        label: "CPU (WebAssembly)".into(),
        reason,
    }
}

/// What `GPUAdapter.info` says (all fields may be empty: browsers hide them at will).
struct AdapterInfo {
    vendor: String,
    architecture: String,
    description: String,
    fallback: bool,
}

impl AdapterInfo {
    fn name(&self) -> String {
        let name = [self.vendor.as_str(), self.architecture.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            "unnamed adapter".into()
        } else {
            name
        }
    }

    fn details(&self) -> String {
        let mut parts = vec![];
        if !self.description.is_empty() {
            parts.push(self.description.clone());
        }
        if self.fallback {
            parts.push("software fallback adapter".into());
        }
        if parts.is_empty() {
            "navigator.gpu gave an adapter".into()
        } else {
            parts.join("; ")
        }
    }
}

/// `await navigator.gpu.requestAdapter({ powerPreference: "high-performance" })`, with the
/// reason in words when there is none.
async fn request_adapter() -> Result<AdapterInfo, String> {
    let navigator = get(&js_sys::global(), "navigator");
    let gpu = get(&navigator, "gpu");
    if gpu.is_undefined() || gpu.is_null() {
        return Err("no WebGPU in this browser (navigator.gpu is missing)".into());
    }
    let request = get(&gpu, "requestAdapter")
        .dyn_into::<Function>()
        .map_err(|_| "navigator.gpu.requestAdapter is not a function".to_string())?;
    let options = js_sys::Object::new();
    // Setting a property on a fresh object cannot fail.
    let _ = Reflect::set(
        &options,
        &"powerPreference".into(),
        &"high-performance".into(),
    );
    let promise = request
        .call1(&gpu, &options)
        .and_then(|p| p.dyn_into::<Promise>())
        .map_err(|e| format!("navigator.gpu.requestAdapter failed: {}", describe(&e)))?;
    let adapter = JsFuture::from(promise)
        .await
        .map_err(|e| format!("navigator.gpu.requestAdapter failed: {}", describe(&e)))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("no WebGPU adapter".into());
    }
    let info = get(&adapter, "info");
    let text = |key: &str| get(&info, key).as_string().unwrap_or_default();
    Ok(AdapterInfo {
        vendor: text("vendor"),
        architecture: text("architecture"),
        description: text("description"),
        fallback: get(&info, "isFallbackAdapter").as_bool().unwrap_or(false)
            || get(&adapter, "isFallbackAdapter")
                .as_bool()
                .unwrap_or(false),
    })
}

/// `target[key]`, or `undefined` when `target` is not an object.
fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A JS exception in words.
fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
