//! The model bundle the page ships (`www/assets/`): one JSON manifest and the weight files it
//! names, loaded by the same code natively and in the browser.
//!
//! The manifest carries the format version, each network's file (whose own header holds the
//! config that built it), the factors of each flow, the 1-D handle of every factor, the data
//! normalisation, and the provenance (commit, seeds, data, steps, the commands that made it).
//! A bundle of another format version, or whose files do not match the architectures the
//! manifest states, is refused with a message that says what differs.

use std::collections::BTreeMap;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::autoencoder::{Autoencoder, Classifier, ModelFile};
use crate::error::{IinError, Result};
use crate::factors::Factors;
use crate::flow::Flow;

/// The version of the bundle layout this build writes and reads.
pub const BUNDLE_FORMAT_VERSION: u32 = 1;
/// The manifest's file name inside the bundle folder.
pub const MANIFEST_FILE: &str = "bundle.json";

/// The names of the three flows a bundle holds.
pub const FLOW_UNSUPERVISED: &str = "unsupervised";
pub const FLOW_SUPERVISED: &str = "supervised";
pub const FLOW_CLASSIFIER: &str = "classifier";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// Dimension of the interpreted codes.
    pub latent_dim: usize,
    pub image: ImageSpec,
    pub autoencoder: NetworkEntry,
    pub classifier: NetworkEntry,
    pub flows: BTreeMap<String, FlowEntry>,
    pub examples: ExamplesEntry,
    pub provenance: Provenance,
    /// Outputs stored at export, which the current code must reproduce.
    pub reference: Reference,
}

/// The first few examples' codes, supervised `z~` and decoded-image channel means, as computed
/// at export time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub count: usize,
    /// `[count, latent_dim]`: the autoencoder's posterior means.
    pub codes: Vec<f32>,
    /// `[count, latent_dim]`: the supervised flow's `z~` of those codes.
    pub z_tilde: Vec<f32>,
    /// `[count, 3]`: per-channel means of the decoded images.
    pub decoded_means: Vec<f32>,
}

/// Bytes of one example record: 32 x 32 grey pixels (0 background, 255 ink), the label, and the
/// colour as three bytes.
pub const EXAMPLE_RECORD: usize = 1024 + 1 + 3;

/// One example of the bundle's examples file.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub label: u8,
    pub colour: [f32; 3],
    /// The ColorMNIST image, `3 x 32 x 32` in [-1, 1].
    pub image: Vec<f32>,
}

/// Parses the examples file: `count` records of [`EXAMPLE_RECORD`] bytes.
pub fn parse_examples(bytes: &[u8]) -> Result<Vec<Example>> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(EXAMPLE_RECORD) {
        return Err(IinError::BadFile(format!(
            "the examples file has {} bytes, not a whole number of {EXAMPLE_RECORD}-byte records",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks(EXAMPLE_RECORD)
        .map(|r| {
            let colour = [r[1025], r[1026], r[1027]].map(|v| v as f32 / 255.0);
            Example {
                label: r[1024],
                colour,
                image: crate::data::colourise(&crate::data::image::to_signed(&r[..1024]), colour),
            }
        })
        .collect())
}

/// Per-channel means of `[B, 3, H, W]` images, `[B, 3]` flattened.
pub fn channel_means(images: &[f32], count: usize) -> Vec<f32> {
    let per_channel = images.len() / count / 3;
    images
        .chunks(per_channel)
        .map(|c| c.iter().sum::<f32>() / per_channel as f32)
        .collect()
}

/// How images are laid out and normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageSpec {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
    /// Pixel values lie in `[range.0, range.1]`.
    pub range: (f32, f32),
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkEntry {
    pub file: String,
    /// Parameter storage in the file: "f32" or "f16".
    pub dtype: String,
    pub bytes: usize,
    pub parameters: usize,
    /// The config that built the network (the file's header holds the same).
    pub config: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowEntry {
    #[serde(flatten)]
    pub network: NetworkEntry,
    /// Which codes it interprets: "autoencoder" or "classifier".
    pub codes_of: String,
    pub factors: Factors,
    /// One 1-D handle per named factor (and the residual), in factor order.
    pub handles: Vec<Handle>,
}

/// A slider's meaning: the factor's first principal axis over held-out codes.
/// Slider value `t` sets the block to `mean + t * axis` along that axis (t in std units).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handle {
    pub factor: String,
    pub mean: Vec<f32>,
    pub axis: Vec<f32>,
    pub std: f32,
}

impl Handle {
    /// The slider position of a factor's block (`mean.len()` values): its coordinate along the
    /// axis, in units of `std`.
    pub fn value(&self, block: &[f32]) -> f32 {
        let along: f32 = block
            .iter()
            .zip(&self.mean)
            .zip(&self.axis)
            .map(|((v, m), a)| (v - m) * a)
            .sum();
        along / self.std.max(f32::EPSILON)
    }

    /// Moves `block` along the axis so that [`Handle::value`] becomes `t`; the block's part
    /// orthogonal to the axis is unchanged.
    pub fn set(&self, block: &mut [f32], t: f32) {
        let step = (t - self.value(block)) * self.std.max(f32::EPSILON);
        for (v, a) in block.iter_mut().zip(&self.axis) {
            *v += step * a;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamplesEntry {
    pub file: String,
    pub count: usize,
    /// Layout of one record in the file.
    pub layout: String,
    pub source: String,
    pub license: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub commit: String,
    pub created: String,
    pub data: String,
    pub seeds: BTreeMap<String, u64>,
    pub steps: BTreeMap<String, usize>,
    /// Each training run's `config.json`, as written by `iin train`.
    pub runs: BTreeMap<String, serde_json::Value>,
    pub commands: Vec<String>,
    /// Concepts learned from sketches after export (`iin concept`), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<ConceptRecord>,
}

/// How a concept factor of the supervised flow was made (`iin concept`, or the page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConceptRecord {
    pub name: String,
    /// Dimensions carved from the residual.
    pub dims: usize,
    /// Fingerprints of sketch A and sketch B ([`crate::concepts::pixel_hash`]), and where they
    /// came from (file names or a preset).
    pub sketches: [String; 2],
    pub sources: [String; 2],
    /// The change from A to B that was learned.
    pub shift: crate::concepts::StyleShift,
    pub steps: usize,
    pub batch: usize,
    pub lr: f64,
    pub seed: u64,
    /// The digits rendered for training.
    pub data: String,
    pub commit: String,
    pub created: String,
}

impl Manifest {
    /// Parses and checks the manifest's own consistency (version, flow dimensions, factors).
    pub fn from_json(text: &str) -> Result<Self> {
        #[derive(Deserialize)]
        struct Version {
            format_version: Option<u32>,
        }
        let version: Version = serde_json::from_str(text)
            .map_err(|e| IinError::BadFile(format!("{MANIFEST_FILE} is not JSON: {e}")))?;
        match version.format_version {
            Some(BUNDLE_FORMAT_VERSION) => {}
            Some(found) => {
                return Err(IinError::FormatVersion {
                    found,
                    expected: BUNDLE_FORMAT_VERSION,
                })
            }
            None => {
                return Err(IinError::BadFile(format!(
                "{MANIFEST_FILE} has no format_version; is this a bundle written by `iin export`?"
            )))
            }
        }
        let manifest: Manifest = serde_json::from_str(text)
            .map_err(|e| IinError::BadFile(format!("{MANIFEST_FILE}: {e}")))?;
        for name in [FLOW_UNSUPERVISED, FLOW_SUPERVISED, FLOW_CLASSIFIER] {
            let flow = manifest.flow(name)?;
            if flow.factors.dim() != manifest.latent_dim {
                return Err(IinError::ArchitectureMismatch(format!(
                    "flow {name:?}: factors cover {} dimensions, the codes have {}",
                    flow.factors.dim(),
                    manifest.latent_dim
                )));
            }
            if flow.handles.len() != flow.factors.len() {
                return Err(IinError::BadFile(format!(
                    "flow {name:?}: {} handles for {} factors",
                    flow.handles.len(),
                    flow.factors.len()
                )));
            }
        }
        Ok(manifest)
    }

    pub fn flow(&self, name: &str) -> Result<&FlowEntry> {
        self.flows
            .get(name)
            .ok_or_else(|| IinError::BadFile(format!("{MANIFEST_FILE} has no flow named {name:?}")))
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| IinError::Record(e.to_string()))
    }
}

/// Every network of a bundle, on one device.
pub struct Bundle {
    pub manifest: Manifest,
    pub autoencoder: Autoencoder,
    pub classifier: Classifier,
    pub flows: BTreeMap<String, Flow>,
}

impl Bundle {
    /// Loads a bundle from its manifest text and a way to fetch each named file's bytes (a
    /// folder natively, HTTP in the page). Each network's stored architecture must match what
    /// the manifest says, and each flow's dimension the codes it interprets.
    pub fn load(
        manifest_json: &str,
        mut file: impl FnMut(&str) -> Result<Vec<u8>>,
        device: &Device,
    ) -> Result<Self> {
        let manifest = Manifest::from_json(manifest_json)?;
        let autoencoder = load_network::<Autoencoder>(&manifest.autoencoder, &mut file, device)?;
        let classifier = load_network::<Classifier>(&manifest.classifier, &mut file, device)?;
        if autoencoder.latent() != manifest.latent_dim {
            return Err(IinError::ArchitectureMismatch(format!(
                "the autoencoder's code has {} dimensions, the manifest says {}",
                autoencoder.latent(),
                manifest.latent_dim
            )));
        }
        let mut flows = BTreeMap::new();
        for (name, entry) in &manifest.flows {
            let bytes = file(&entry.network.file)?;
            let stated: crate::flow::FlowConfig =
                serde_json::from_value(entry.network.config.clone())
                    .map_err(|e| IinError::BadFile(format!("flow {name:?} config: {e}")))?;
            let flow = Flow::from_bytes_expecting(&bytes, &stated, device).map_err(|e| {
                IinError::ArchitectureMismatch(format!(
                    "flow {name:?} ({}): {e}",
                    entry.network.file
                ))
            })?;
            if flow.dim() != manifest.latent_dim {
                return Err(IinError::ArchitectureMismatch(format!(
                    "flow {name:?} has dimension {}, the codes have {}",
                    flow.dim(),
                    manifest.latent_dim
                )));
            }
            flows.insert(name.clone(), flow);
        }
        Ok(Self {
            manifest,
            autoencoder,
            classifier,
            flows,
        })
    }

    /// Natively: loads the bundle in folder `dir`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_dir(dir: &std::path::Path, device: &Device) -> Result<Self> {
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .map_err(|e| IinError::BadFile(format!("{}: {e}", dir.join(name).display())))
        };
        let manifest = String::from_utf8(read(MANIFEST_FILE)?)
            .map_err(|_| IinError::BadFile(format!("{MANIFEST_FILE} is not UTF-8")))?;
        Self::load(&manifest, read, device)
    }

    pub fn flow(&self, name: &str) -> Result<&Flow> {
        self.flows
            .get(name)
            .ok_or_else(|| IinError::BadFile(format!("the bundle has no flow named {name:?}")))
    }
}

fn load_network<M: ModelFile>(
    entry: &NetworkEntry,
    file: &mut impl FnMut(&str) -> Result<Vec<u8>>,
    device: &Device,
) -> Result<M> {
    let bytes = file(&entry.file)?;
    let expected: M::Config = serde_json::from_value(entry.config.clone())
        .map_err(|e| IinError::BadFile(format!("{} config in the manifest: {e}", entry.file)))?;
    M::from_bytes_expecting(&bytes, &expected, device)
        .map_err(|e| IinError::ArchitectureMismatch(format!("{}: {e}", entry.file)))
}

#[cfg(test)]
mod handle_tests {
    use super::Handle;

    #[test]
    fn setting_a_handle_moves_only_along_its_axis() {
        let s = 0.5f32.sqrt();
        let handle = Handle {
            factor: "f".into(),
            mean: vec![1.0, 0.0, 0.0],
            axis: vec![s, s, 0.0],
            std: 2.0,
        };
        let mut block = vec![0.3, -0.4, 0.7];
        let before = block.clone();
        handle.set(&mut block, 1.5);
        assert!((handle.value(&block) - 1.5).abs() < 1e-5);
        // The part orthogonal to the axis is unchanged: (x - y) and z.
        assert!(((block[0] - block[1]) - (before[0] - before[1])).abs() < 1e-5);
        assert_eq!(block[2], before[2]);
        // The value is in std units: one std along the axis is 1.
        let at_mean_plus_std: Vec<f32> = vec![1.0 + 2.0 * s, 2.0 * s, 0.0];
        assert!((handle.value(&at_mean_plus_std) - 1.0).abs() < 1e-5);
    }
}
