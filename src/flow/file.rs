//! The flow's weight file: a small versioned header and burn's burnpack record.
//!
//! Layout: `b"IINFLOW\0"` (8 bytes), format version (u32 LE), header length (u32 LE), the
//! header (JSON: the [`FlowConfig`] that built the flow), then the burnpack bytes of the
//! record. The loader rebuilds the flow from the header's config and applies the record, so the
//! permutations and the ActNorm state (stored as parameters) come back exactly.

use burn::module::Module;
use burn::tensor::{Bytes, Device};

use super::{Flow, FlowConfig};
use crate::error::{IinError, Result};

const MAGIC: &[u8; 8] = b"IINFLOW\0";
/// The version of the weight-file layout this build writes and reads.
pub const FLOW_FILE_VERSION: u32 = 1;

impl Flow {
    /// Serialises the flow (config and weights) to bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let header = serde_json::to_vec(self.config())
            .map_err(|e| IinError::Record(format!("config to JSON: {e}")))?;
        let record = self
            .clone()
            .into_record()
            .into_bytes()
            .map_err(|e| IinError::Record(e.to_string()))?;
        let mut out = Vec::with_capacity(16 + header.len() + record.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FLOW_FILE_VERSION.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&record);
        Ok(out)
    }

    /// Reads the config stored in a weight file without loading the weights.
    pub fn config_from_bytes(bytes: &[u8]) -> Result<FlowConfig> {
        Ok(split_file(bytes)?.0)
    }

    /// Loads a flow from [`Flow::to_bytes`] output onto `device`.
    pub fn from_bytes(bytes: &[u8], device: &Device) -> Result<Flow> {
        let (config, record) = split_file(bytes)?;
        let record = burn::store::ModuleRecord::from_bytes(Bytes::from_bytes_vec(record.to_vec()))
            .map_err(|e| IinError::BadFile(format!("weights section: {e}")))?;
        config
            .init(device)?
            .try_load_record(record)
            .map_err(|e| IinError::ArchitectureMismatch(e.to_string()))
    }

    /// Like [`Flow::from_bytes`], but refuses a file whose architecture differs from `expected`,
    /// naming each field that differs.
    pub fn from_bytes_expecting(
        bytes: &[u8],
        expected: &FlowConfig,
        device: &Device,
    ) -> Result<Flow> {
        let found = Self::config_from_bytes(bytes)?;
        let diff = expected.differences(&found);
        if !diff.is_empty() {
            return Err(IinError::ArchitectureMismatch(diff.join("; ")));
        }
        Self::from_bytes(bytes, device)
    }
}

fn split_file(bytes: &[u8]) -> Result<(FlowConfig, &[u8])> {
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return Err(IinError::BadFile(
            "missing the IINFLOW header; is this a flow file written by `iin`?".into(),
        ));
    }
    let word =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let version = word(8);
    if version != FLOW_FILE_VERSION {
        return Err(IinError::FormatVersion {
            found: version,
            expected: FLOW_FILE_VERSION,
        });
    }
    let header_len = word(12) as usize;
    let header_end = 16usize
        .checked_add(header_len)
        .filter(|&end| end <= bytes.len())
        .ok_or_else(|| {
            IinError::BadFile("the header runs past the end of the file (truncated?)".into())
        })?;
    let config: FlowConfig = serde_json::from_slice(&bytes[16..header_end])
        .map_err(|e| IinError::BadFile(format!("header is not a flow config: {e}")))?;
    config.validate()?;
    Ok((config, &bytes[header_end..]))
}
