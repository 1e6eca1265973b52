//! Weight files of every network (the flows, the autoencoder, the classifier and the judge): a
//! small versioned header and burn's burnpack record.
//!
//! Layout: an 8-byte magic naming the kind of network, format version (u32 LE), header length
//! (u32 LE), the header (JSON: the config that built the network), then the burnpack bytes.
//! The loader rebuilds the network from the header's config and applies the record.
//! Version 2 files have the same header and, instead of burnpack, the int8 section of
//! [`quantised`] (what the page's bundle ships: half the bytes of f16).

mod quantised;

use burn::module::Module;
use burn::tensor::{Bytes, DType, Device};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::autoencoder::{
    Autoencoder, AutoencoderConfig, Classifier, ClassifierConfig, Judge, JudgeConfig,
};
use crate::error::{IinError, Result};
use crate::flow::{Flow, FlowConfig};

/// The version of the weight-file layout this build writes and reads (burnpack weights).
pub const MODEL_FILE_VERSION: u32 = 1;
/// The version of weight files whose weights are the int8 section of [`quantised`].
pub const INT8_FILE_VERSION: u32 = 2;

/// Magic and name of every kind of file, to say what a file of the wrong kind is.
const KINDS: [(&[u8; 8], &str); 4] = [
    (Flow::MAGIC, Flow::NAME),
    (Autoencoder::MAGIC, Autoencoder::NAME),
    (Classifier::MAGIC, Classifier::NAME),
    (Judge::MAGIC, Judge::NAME),
];

/// Saving and loading a network together with the config that built it.
pub trait ModelFile: Module + Sized {
    /// The config stored in the header.
    type Config: Serialize + DeserializeOwned + Clone;
    /// The file's first 8 bytes, one value per kind of network.
    const MAGIC: &'static [u8; 8];
    /// What the network is, with its article ("an autoencoder"), for messages.
    const NAME: &'static str;

    /// The config that built this network.
    fn file_config(&self) -> &Self::Config;
    /// A fresh network of that config.
    fn build(config: &Self::Config, device: &Device) -> Result<Self>;

    /// Serialises the network (config and weights, f32) to bytes.
    fn to_bytes(&self) -> Result<Vec<u8>> {
        self.to_bytes_as(DType::F32)
    }

    /// Serialises the network with its float parameters stored as `dtype` (F32 or F16); the
    /// loader casts them back to the network's own precision.
    fn to_bytes_as(&self, dtype: DType) -> Result<Vec<u8>> {
        struct CastTo(DType);
        impl burn::module::ModuleMapper for CastTo {
            fn map_float<const D: usize>(
                &mut self,
                param: burn::module::Param<burn::tensor::Tensor<D>>,
            ) -> burn::module::Param<burn::tensor::Tensor<D>> {
                let dtype = self.0;
                param.map(|t| t.cast(dtype))
            }
        }
        let record = self
            .clone()
            .map(&mut CastTo(dtype))
            .into_record()
            .into_bytes()
            .map_err(|e| IinError::Record(e.to_string()))?;
        self.with_header(MODEL_FILE_VERSION, &record)
    }

    /// Serialises the network with its large matrices in int8 (one scale per row) and every
    /// other parameter exact (weight-file version 2, [`quantised`]). Reads the weights back
    /// synchronously: native only.
    fn to_bytes_int8(&self) -> Result<Vec<u8>> {
        self.with_header(INT8_FILE_VERSION, &quantised::encode(self)?)
    }

    /// Magic, `version`, the config header and `weights`.
    fn with_header(&self, version: u32, weights: &[u8]) -> Result<Vec<u8>> {
        let header = serde_json::to_vec(self.file_config())
            .map_err(|e| IinError::Record(format!("config to JSON: {e}")))?;
        let mut out = Vec::with_capacity(16 + header.len() + weights.len());
        out.extend_from_slice(Self::MAGIC);
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(weights);
        Ok(out)
    }

    /// Reads the config stored in a weight file without loading the weights.
    fn config_from_bytes(bytes: &[u8]) -> Result<Self::Config> {
        Ok(split_file::<Self::Config>(bytes, Self::MAGIC, Self::NAME)?.0)
    }

    /// Loads a network from [`ModelFile::to_bytes`] output onto `device`.
    fn from_bytes(bytes: &[u8], device: &Device) -> Result<Self> {
        let (config, record, version) = split_file::<Self::Config>(bytes, Self::MAGIC, Self::NAME)?;
        if version == INT8_FILE_VERSION {
            return quantised::decode(Self::build(&config, device)?, record);
        }
        let record = burn::store::ModuleRecord::from_bytes(Bytes::from_bytes_vec(record.to_vec()))
            .map_err(|e| IinError::BadFile(format!("weights section: {e}")))?
            .cast_to_module_dtype();
        Self::build(&config, device)?
            .try_load_record(record)
            .map_err(|e| IinError::ArchitectureMismatch(e.to_string()))
    }

    /// Like [`ModelFile::from_bytes`], but refuses a file whose architecture differs from
    /// `expected`, naming each field that differs (the seed is not compared).
    fn from_bytes_expecting(
        bytes: &[u8],
        expected: &Self::Config,
        device: &Device,
    ) -> Result<Self> {
        let found = Self::config_from_bytes(bytes)?;
        let diff = config_differences(expected, &found);
        if !diff.is_empty() {
            return Err(IinError::ArchitectureMismatch(format!(
                "{} of another architecture: {}",
                Self::NAME,
                diff.join("; ")
            )));
        }
        Self::from_bytes(bytes, device)
    }
}

impl ModelFile for Flow {
    type Config = FlowConfig;
    const MAGIC: &'static [u8; 8] = b"IINFLOW\0";
    const NAME: &'static str = "a flow";

    fn file_config(&self) -> &FlowConfig {
        self.config()
    }

    fn build(config: &FlowConfig, device: &Device) -> Result<Self> {
        config.init(device)
    }
}

impl ModelFile for Autoencoder {
    type Config = AutoencoderConfig;
    const MAGIC: &'static [u8; 8] = b"IINVAE\0\0";
    const NAME: &'static str = "an autoencoder";

    fn file_config(&self) -> &AutoencoderConfig {
        self.config()
    }

    fn build(config: &AutoencoderConfig, device: &Device) -> Result<Self> {
        config.init(device)
    }
}

impl ModelFile for Classifier {
    type Config = ClassifierConfig;
    const MAGIC: &'static [u8; 8] = b"IINCLSF\0";
    const NAME: &'static str = "a classifier";

    fn file_config(&self) -> &ClassifierConfig {
        self.config()
    }

    fn build(config: &ClassifierConfig, device: &Device) -> Result<Self> {
        config.init(device)
    }
}

impl ModelFile for Judge {
    type Config = JudgeConfig;
    const MAGIC: &'static [u8; 8] = b"IINJUDGE";
    const NAME: &'static str = "a judge";

    fn file_config(&self) -> &JudgeConfig {
        self.config()
    }

    fn build(config: &JudgeConfig, device: &Device) -> Result<Self> {
        config.init(device)
    }
}

/// `"field: expected A, found B"` for every top-level config field (but `seed`) that differs.
fn config_differences<C: Serialize>(expected: &C, found: &C) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(expected), serde_json::to_value(found))
    else {
        return vec!["configs are not JSON objects".into()];
    };
    a.iter()
        .filter(|(key, _)| key.as_str() != "seed")
        .filter_map(|(key, value)| {
            let other = b.get(key).unwrap_or(&serde_json::Value::Null);
            (value != other).then(|| format!("{key}: expected {value}, found {other}"))
        })
        .collect()
}

fn split_file<'a, C: DeserializeOwned>(
    bytes: &'a [u8],
    magic: &[u8; 8],
    name: &str,
) -> Result<(C, &'a [u8], u32)> {
    if bytes.len() < 16 || &bytes[..8] != magic {
        let found = KINDS
            .iter()
            .find(|(m, _)| bytes.len() >= 8 && &bytes[..8] == *m)
            .map(|(_, other)| format!("this is {other} file, not {name} file"))
            .unwrap_or_else(|| {
                format!("missing the header of {name} file; is this a file written by `iin`?")
            });
        return Err(IinError::BadFile(found));
    }
    let word =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let version = word(8);
    if version != MODEL_FILE_VERSION && version != INT8_FILE_VERSION {
        return Err(IinError::FormatVersion {
            found: version,
            expected: MODEL_FILE_VERSION,
        });
    }
    let header_len = word(12) as usize;
    let header_end = 16usize
        .checked_add(header_len)
        .filter(|&end| end <= bytes.len())
        .ok_or_else(|| {
            IinError::BadFile(format!(
                "the header of {name} file runs past the end of the file (truncated?)"
            ))
        })?;
    let config = serde_json::from_slice(&bytes[16..header_end])
        .map_err(|e| IinError::BadFile(format!("the header is not the config of {name}: {e}")))?;
    Ok((config, &bytes[header_end..], version))
}
