//! Small helpers between tensors and host memory, shared by the library, the CLI and tests.

use burn::tensor::{Device, Tensor, TensorData};

use crate::error::{IinError, Result};

/// A `[rows, cols]` tensor from row-major host data.
pub fn tensor2(values: Vec<f32>, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values, [rows, cols]), device)
}

/// All values of a tensor on the host, row-major (a synchronous read; not for WebGPU in a page).
pub fn to_vec<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>> {
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| IinError::Data(format!("{e:?}")))
}

/// Fails with [`IinError::NonFinite`] if any value is NaN or infinite.
pub fn ensure_finite<const D: usize>(t: &Tensor<D>, what: &str) -> Result<()> {
    let all_finite = t.clone().is_finite().all().into_scalar::<bool>();
    if all_finite {
        Ok(())
    } else {
        Err(IinError::NonFinite(what.to_string()))
    }
}

/// Fails with [`IinError::Shape`] unless `t` is `[batch >= 1, dim]`.
pub fn ensure_batch_of(t: &Tensor<2>, dim: usize, what: &str) -> Result<()> {
    let dims = t.dims();
    if dims[1] != dim || dims[0] == 0 {
        return Err(IinError::Shape {
            what: what.to_string(),
            expected: format!("[batch >= 1, {dim}]"),
            got: dims.to_vec(),
        });
    }
    Ok(())
}
