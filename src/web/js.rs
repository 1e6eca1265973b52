//! Small bridges between Rust values and JS: plain result objects with typed-array fields, async
//! reads of tensors, a yield to the event loop, and errors in words.

use std::fmt::Display;

use burn::tensor::Tensor;
use js_sys::{Array, Float32Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsError, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A JS error from anything displayable, prefixed by what was being done.
pub fn fail(doing: &str, err: impl Display) -> JsError {
    JsError::new(&format!("{doing}: {err}"))
}

/// A plain JS object from key/value pairs.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (key, value) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&out, &JsValue::from_str(key), value);
    }
    out.into()
}

pub fn f32s(values: &[f32]) -> JsValue {
    Float32Array::from(values).into()
}

pub fn bytes(values: &[u8]) -> JsValue {
    Uint8Array::from(values).into()
}

pub fn strings<'a>(values: impl IntoIterator<Item = &'a str>) -> Array {
    values.into_iter().map(JsValue::from_str).collect()
}

/// All values of a tensor on the host, read asynchronously (the only read that works on WebGPU
/// in a page; on the CPU it returns at once).
pub async fn read<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, JsError> {
    let data = tensor.into_data_async().await.map_err(|e| {
        fail(
            "reading a result back from the device failed",
            format!("{e:?}"),
        )
    })?;
    data.convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| fail("unexpected result data", format!("{e:?}")))
}

/// Lets the browser run its event loop once (a `setTimeout(0)`), between slices of long CPU
/// work, so the page keeps painting and taking input.
pub async fn yield_now() {
    let promise = Promise::new(&mut |resolve, _| {
        let set_timeout = Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        match set_timeout {
            Some(set_timeout) => {
                let _ = set_timeout.call2(&JsValue::NULL, &resolve, &JsValue::from(0));
            }
            None => {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// `files[name]` as bytes, when it is a `Uint8Array` (or an `ArrayBuffer`).
pub fn file_bytes(files: &JsValue, name: &str) -> Result<Vec<u8>, String> {
    let value = Reflect::get(files, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() || value.is_null() {
        return Err(format!("the bundle file {name:?} was not given"));
    }
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        return Ok(array.to_vec());
    }
    if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    Err(format!(
        "the bundle file {name:?} must be a Uint8Array or an ArrayBuffer"
    ))
}
