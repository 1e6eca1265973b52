//! The int8 weight section (weight-file version 2): every parameter in the order burn visits a
//! module's fields, the large float matrices as int8 with one f32 scale per row, everything else
//! exactly (small float vectors as f32, integer parameters as i64).
//!
//! Per-row symmetric quantisation: row `r` of a matrix (the first dimension; for a convolution
//! that is one output channel) is stored as `q = round(w / s_r)` in `[-127, 127]` with
//! `s_r = max|w_r| / 127`, and read back as `q * s_r`: an error of at most `s_r / 2` per weight.
//! Half the bytes of f16, and it compresses better. Biases, ActNorm and the like stay exact,
//! and so do the flows' permutations. Measured on the shipped bundle in the README.
//!
//! Layout, little-endian: `u32` count, then per parameter a kind byte (0 = f32, 1 = int8 rows,
//! 2 = i64), a rank byte, the rank's `u32` dimensions, and the values (for int8: the `dims[0]`
//! f32 scales, then the int8 values).

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Int, Tensor, TensorData};

use crate::error::{IinError, Result};

/// Float parameters with at least this many values (and two or more dimensions) are int8.
pub const MIN_QUANTISED: usize = 256;

const KIND_F32: u8 = 0;
const KIND_I8: u8 = 1;
const KIND_I64: u8 = 2;

/// The int8 section of `module`'s parameters. Reads every parameter back from its device, so
/// this is for the native export (a synchronous read).
pub fn encode<M: Module>(module: &M) -> Result<Vec<u8>> {
    struct Writer {
        out: Vec<u8>,
        count: u32,
        error: Option<String>,
    }
    impl Writer {
        fn head(&mut self, kind: u8, dims: &[usize]) {
            self.count += 1;
            self.out.push(kind);
            self.out.push(dims.len() as u8);
            for &d in dims {
                self.out.extend_from_slice(&(d as u32).to_le_bytes());
            }
        }
    }
    impl ModuleVisitor for Writer {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let tensor = param.val();
            let dims = tensor.dims();
            let values = match tensor.into_data().convert::<f32>().try_into_vec::<f32>() {
                Ok(v) => v,
                Err(e) => {
                    self.error = Some(format!("reading a parameter: {e:?}"));
                    return;
                }
            };
            if D >= 2 && values.len() >= MIN_QUANTISED && dims[0] > 0 {
                self.head(KIND_I8, &dims);
                let row = values.len() / dims[0];
                let mut q = Vec::with_capacity(values.len());
                for chunk in values.chunks(row) {
                    let max = chunk.iter().fold(0f32, |m, v| m.max(v.abs()));
                    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
                    self.out.extend_from_slice(&scale.to_le_bytes());
                    q.extend(
                        chunk
                            .iter()
                            .map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8 as u8),
                    );
                }
                self.out.extend_from_slice(&q);
            } else {
                self.head(KIND_F32, &dims);
                for v in values {
                    self.out.extend_from_slice(&v.to_le_bytes());
                }
            }
        }

        fn visit_int<const D: usize>(&mut self, param: &Param<Tensor<D, Int>>) {
            let tensor = param.val();
            let dims = tensor.dims();
            match tensor.into_data().convert::<i64>().try_into_vec::<i64>() {
                Ok(values) => {
                    self.head(KIND_I64, &dims);
                    for v in values {
                        self.out.extend_from_slice(&v.to_le_bytes());
                    }
                }
                Err(e) => self.error = Some(format!("reading an integer parameter: {e:?}")),
            }
        }

        fn visit_bool<const D: usize>(&mut self, _: &Param<Tensor<D, burn::tensor::Bool>>) {
            self.error = Some("boolean parameters have no int8 storage".into());
        }
    }
    let mut w = Writer {
        out: Vec::new(),
        count: 0,
        error: None,
    };
    module.visit(&mut w);
    if let Some(e) = w.error {
        return Err(IinError::Record(e));
    }
    let mut out = w.count.to_le_bytes().to_vec();
    out.extend(w.out);
    Ok(out)
}

/// One stored parameter, decoded to host values.
enum Stored {
    Float(Vec<usize>, Vec<f32>),
    Int(Vec<usize>, Vec<i64>),
}

/// A cursor over the section's bytes that fails with a message instead of running off the end.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| {
            IinError::BadFile("the int8 weight section ends early (truncated file?)".into())
        })?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

fn parse(bytes: &[u8]) -> Result<Vec<Stored>> {
    let mut c = Cursor { bytes, at: 0 };
    let count = c.u32()? as usize;
    let mut out = Vec::with_capacity(count.min(4096));
    for _ in 0..count {
        let head = c.take(2)?;
        let (kind, rank) = (head[0], head[1] as usize);
        let dims = (0..rank)
            .map(|_| c.u32().map(|d| d as usize))
            .collect::<Result<Vec<_>>>()?;
        let n = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        let n = n.ok_or_else(|| IinError::BadFile("a parameter's shape overflows".into()))?;
        let floats = |raw: &[u8]| -> Vec<f32> {
            raw.chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        };
        out.push(match kind {
            KIND_F32 => Stored::Float(dims, floats(c.take(n * 4)?)),
            KIND_I8 => {
                let rows = *dims
                    .first()
                    .filter(|&&r| r > 0 && n % r == 0)
                    .ok_or_else(|| {
                        IinError::BadFile(format!("an int8 parameter of shape {dims:?}"))
                    })?;
                let scales = floats(c.take(rows * 4)?);
                let q = c.take(n)?;
                let row = n / rows;
                let values = q
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| v as i8 as f32 * scales[i / row])
                    .collect();
                Stored::Float(dims, values)
            }
            KIND_I64 => {
                let raw = c.take(n * 8)?;
                let values = raw
                    .chunks_exact(8)
                    .map(|b| i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
                    .collect();
                Stored::Int(dims, values)
            }
            other => {
                return Err(IinError::BadFile(format!(
                    "unknown parameter kind {other} in the int8 weight section"
                )))
            }
        });
    }
    if c.at != bytes.len() {
        return Err(IinError::BadFile(format!(
            "{} bytes after the last parameter of the int8 weight section",
            bytes.len() - c.at
        )));
    }
    Ok(out)
}

/// `module` (freshly built from the file's config) with the section's values, checked one by
/// one against the parameters' shapes and kinds.
pub fn decode<M: Module>(module: M, bytes: &[u8]) -> Result<M> {
    struct Reader {
        stored: std::vec::IntoIter<Stored>,
        index: usize,
        error: Option<String>,
    }
    impl Reader {
        fn mismatch(&mut self, what: String) {
            if self.error.is_none() {
                self.error = Some(format!("parameter {}: {what}", self.index));
            }
        }
    }
    impl ModuleMapper for Reader {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            self.index += 1;
            let dims = param.dims().to_vec();
            match self.stored.next() {
                Some(Stored::Float(stored, values)) if stored == dims => param.map(|t| {
                    let device = t.device();
                    Tensor::from_data(TensorData::new(values, stored), &device)
                }),
                Some(Stored::Float(stored, _)) => {
                    self.mismatch(format!("stored shape {stored:?}, the network has {dims:?}"));
                    param
                }
                Some(Stored::Int(..)) => {
                    self.mismatch("stored as integers, the network has floats".into());
                    param
                }
                None => {
                    self.mismatch("missing from the file".into());
                    param
                }
            }
        }

        fn map_int<const D: usize>(
            &mut self,
            param: Param<Tensor<D, Int>>,
        ) -> Param<Tensor<D, Int>> {
            self.index += 1;
            let dims = param.dims().to_vec();
            match self.stored.next() {
                Some(Stored::Int(stored, values)) if stored == dims => param.map(|t| {
                    let device = t.device();
                    Tensor::from_data(TensorData::new(values, stored), &device)
                }),
                _ => {
                    self.mismatch(format!("not an integer parameter of shape {dims:?}"));
                    param
                }
            }
        }
    }
    let mut reader = Reader {
        stored: parse(bytes)?.into_iter(),
        index: 0,
        error: None,
    };
    let module = module.map(&mut reader);
    if let Some(e) = reader.error {
        return Err(IinError::ArchitectureMismatch(e));
    }
    let left = reader.stored.len();
    if left > 0 {
        return Err(IinError::ArchitectureMismatch(format!(
            "the file holds {left} more parameters than the network"
        )));
    }
    Ok(module)
}
