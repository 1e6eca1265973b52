//! `iin eval`: measures a bundle on held-out MNIST test digits and writes a JSON report (and a
//! readable table): round trip, swap fidelity, Fréchet distances, the classifier's response.

use std::path::PathBuf;

use anyhow::{Context, Result};
use burn::tensor::{Device, Tensor};
use clap::Args;
use iin::analysis::fid::frechet_distance;
use iin::analysis::metrics::{
    classifier_response, codes, judge_digits, samples, swap_decode, swap_report,
};
use iin::autoencoder::{ImageClassifier, Judge, ModelFile};
use iin::bundle::{Bundle, FLOW_CLASSIFIER, FLOW_SUPERVISED, FLOW_UNSUPERVISED};
use iin::concepts::{concept_spearman, Against};
use iin::data::{self, Split};
use iin::rng::SplitMix64;
use iin::tensor_util::to_vec;
use serde_json::json;

use crate::png;
use crate::train::load_mnist;

#[derive(Args)]
pub struct EvalArgs {
    /// The bundle folder (`iin export`).
    #[arg(long, default_value = "www/assets")]
    bundle: PathBuf,
    /// The judge's run folder (`iin train judge`); it is not shipped in the bundle.
    #[arg(long, default_value = "runs/judge")]
    judge: PathBuf,
    #[arg(long, default_value = data::DEFAULT_DIR)]
    data: PathBuf,
    /// Where to write the JSON report.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Held-out digits (and samples) per measure.
    #[arg(long, default_value_t = 1000)]
    n: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder for figures: reconstructions, analogy grids for digit and colour, samples.
    #[arg(long)]
    figures: Option<PathBuf>,
    /// A concept factor of the supervised flow (`iin concept`) to measure: `concept.spearman`.
    #[arg(long, requires = "against")]
    concept: Option<String>,
    /// The ground truth the concept is compared with: thickness, slant (measured from pixels)
    /// or angularity (the squaring warp's amount).
    #[arg(long, requires = "concept")]
    against: Option<Against>,
}

pub fn run(args: &EvalArgs) -> Result<()> {
    let device = Device::flex();
    let bundle = Bundle::load_dir(&args.bundle, &device)
        .with_context(|| format!("loading the bundle in {}", args.bundle.display()))?;
    let judge_path = args.judge.join("model.bin");
    let judge = Judge::from_bytes(
        &std::fs::read(&judge_path).with_context(|| format!("reading {}", judge_path.display()))?,
        &device,
    )?;
    let test = load_mnist(&args.data, Split::Test)?;
    let mut rng = SplitMix64::new(args.seed);
    let n = args.n.min(test.len / 2);
    let order = rng.permutation(test.len);
    let (ia, ib) = (&order[..n], &order[n..2 * n]);
    let ca: Vec<data::Rgb> = (0..n).map(|_| data::random_colour(&mut rng)).collect();
    let cb: Vec<data::Rgb> = (0..n).map(|_| data::random_colour(&mut rng)).collect();
    let images = |idx: &[usize], c: &[data::Rgb]| -> Result<Tensor<4>> {
        Ok(data::image_tensor(
            data::colour_batch(&test, idx, c, None)?,
            3,
            &device,
        )?)
    };
    let (xa, xb) = (images(ia, &ca)?, images(ib, &cb)?);
    let (xa_fig, xb_fig) = (xa.clone().narrow(0, 0, 8), xb.clone().narrow(0, 0, 8));
    let labels = |idx: &[usize]| idx.iter().map(|&i| test.label(i)).collect::<Vec<u8>>();
    let (la, lb) = (labels(ia), labels(ib));

    // The judge itself, and the autoencoder's reconstruction.
    let judge_acc = accuracy(&judge_digits(&judge, xa.clone())?, &la);
    let ae = &bundle.autoencoder;
    let recon = ae.decode(codes(ae, xa.clone()));
    let recon_mse = (recon.clone() - xa.clone())
        .square()
        .mean()
        .into_scalar::<f32>();
    let recon_judged = accuracy(&judge_digits(&judge, recon)?, &la);

    // Round trip of every flow on held-out codes.
    let ae_codes = codes(ae, xa.clone());
    let clf_codes = bundle.classifier.feature(xa.clone());
    let mut round_trip = 0f32;
    for (name, z) in [
        (FLOW_UNSUPERVISED, &ae_codes),
        (FLOW_SUPERVISED, &ae_codes),
        (FLOW_CLASSIFIER, &clf_codes),
    ] {
        let flow = bundle.flow(name)?;
        let (back, _) = flow.inverse(flow.forward(z.clone()).0);
        round_trip = round_trip.max((back - z.clone()).abs().max().into_scalar::<f32>());
    }

    let supervised = bundle.flow(FLOW_SUPERVISED)?;
    let factors = &bundle.manifest.flow(FLOW_SUPERVISED)?.factors;
    let swap = swap_report(
        ae,
        supervised,
        factors,
        &judge,
        xa.clone(),
        xb,
        &la,
        &lb,
        &cb,
    )?;

    let real = to_vec(judge.features(xa.clone()))?;
    let dim = real.len() / n;
    let direct = to_vec(judge.features(samples(ae, None, n, args.seed, &device)))?;
    let unsupervised = bundle.flow(FLOW_UNSUPERVISED)?;
    let through = to_vec(judge.features(samples(ae, Some(unsupervised), n, args.seed, &device)))?;
    let fid_direct = frechet_distance(&real, n, &direct, n, dim);
    let fid_flow = frechet_distance(&real, n, &through, n, dim);

    let clf_factors = &bundle.manifest.flow(FLOW_CLASSIFIER)?.factors;
    let response = classifier_response(
        &bundle.classifier,
        bundle.flow(FLOW_CLASSIFIER)?,
        clf_factors,
        xa.clone(),
        args.seed,
    )?;
    let clf_acc = accuracy(
        &iin::analysis::metrics::argmax_rows(&to_vec(bundle.classifier.logits(xa))?, 10),
        &la,
    );

    let concept = match (&args.concept, args.against) {
        (Some(name), Some(against)) => {
            let entry = bundle.manifest.flow(FLOW_SUPERVISED)?;
            let rho = concept_spearman(
                ae,
                supervised,
                factors,
                &entry.handles,
                name,
                against,
                &test,
                ia,
                args.seed,
                &device,
            )?;
            Some((name.clone(), against, rho))
        }
        _ => None,
    };

    let mut report = json!({
        "n": n,
        "round_trip_max_abs": round_trip,
        "swap": {
            "digit_follows": swap.digit_follows,
            "colour_error": swap.colour_error,
            "digit_kept": swap.digit_kept,
        },
        "fid": { "direct": fid_direct, "flow": fid_flow, "features": format!("judge penultimate ({dim}-d)") },
        "response": response.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "autoencoder": { "test_mse": recon_mse, "judge_reads_reconstruction": recon_judged },
        "classifier_accuracy": clf_acc,
        "judge_accuracy": judge_acc,
        "factors": factors.factors().iter().map(|f| json!({"name": f.name, "size": f.size})).collect::<Vec<_>>(),
    });
    if let Some((name, against, rho)) = &concept {
        report["concept"] = json!({
            "name": name,
            "against": against,
            "spearman": rho,
            "n": n,
            "how": "held-out test digits moved by morpho::thicken in [-0.5, 2] px or morpho::shear in [-0.4, 0.4] (ground truth measured from their pixels), or squared off by morpho::square_off at 0, 1/2 and 1 (ground truth the amount; handles centred per digit), against the concept's 1-D handle of T(posterior mean)",
        });
    }
    println!("{:<40} {:>10}  goal", "measure", "value");
    let row = |name: &str, v: f64, goal: &str| println!("{name:<40} {v:>10.4}  {goal}");
    println!(
        "{:<40} {:>10.2e}  <= 1e-4",
        "round_trip_max_abs", round_trip
    );
    row("swap.digit_follows", swap.digit_follows as f64, ">= 0.95");
    row("swap.colour_error", swap.colour_error as f64, "<= 0.05");
    row("swap.digit_kept", swap.digit_kept as f64, ">= 0.95");
    row("fid.direct", fid_direct, "");
    row("fid.flow", fid_flow, "<= fid.direct / 2");
    for (k, v) in &response {
        row(&format!("response.{k}"), *v as f64, "");
    }
    row("autoencoder.test_mse", recon_mse as f64, "");
    row(
        "autoencoder.judge_reads_reconstruction",
        recon_judged as f64,
        "",
    );
    row("classifier_accuracy", clf_acc as f64, "");
    row("judge_accuracy", judge_acc as f64, "");
    if let Some((name, against, rho)) = &concept {
        row(
            &format!("concept.spearman ({name} vs {against:?})"),
            *rho,
            "|rho| >= 0.8",
        );
    }
    if let Some(dir) = &args.figures {
        figures(dir, &bundle, xa_fig, xb_fig, args.seed, &device)?;
        println!("figures written to {}", dir.display());
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("report written to {}", path.display());
    }
    Ok(())
}

fn accuracy(pred: &[usize], labels: &[u8]) -> f32 {
    pred.iter()
        .zip(labels)
        .filter(|(p, &l)| **p == l as usize)
        .count() as f32
        / labels.len() as f32
}

/// Rows of `3 x 32 x 32` host images from a `[B, 3, 32, 32]` tensor.
fn rows_of(images: Tensor<4>) -> Result<Vec<Vec<f32>>> {
    Ok(to_vec(images)?
        .chunks(3 * 32 * 32)
        .map(<[f32]>::to_vec)
        .collect())
}

fn figures(
    dir: &std::path::Path,
    bundle: &Bundle,
    xa: Tensor<4>,
    xb: Tensor<4>,
    seed: u64,
    device: &Device,
) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let ae = &bundle.autoencoder;
    let recon = ae.decode(codes(ae, xa.clone()));
    png::write_grid(
        &dir.join("reconstructions.png"),
        &[rows_of(xa.clone())?, rows_of(recon)?],
        1,
    )?;
    let flow = bundle.flow(FLOW_SUPERVISED)?;
    let factors = &bundle.manifest.flow(FLOW_SUPERVISED)?.factors;
    let n = 6;
    let (ta, _) = flow.forward(codes(ae, xa.clone().narrow(0, 0, n)));
    let (tb, _) = flow.forward(codes(ae, xb.clone().narrow(0, 0, n)));
    for name in ["digit", "colour"] {
        let k = factors.index_of(name)?;
        // Row 0: the targets (everything but the factor); column 0: the factor's sources.
        let blank = vec![1.0f32; 3 * 32 * 32];
        let targets = rows_of(xa.clone().narrow(0, 0, n))?;
        let sources = rows_of(xb.clone().narrow(0, 0, n))?;
        let mut grid = vec![std::iter::once(blank).chain(targets).collect::<Vec<_>>()];
        for (r, source) in sources.into_iter().enumerate() {
            let source_t = tb.clone().narrow(0, r, 1).repeat_dim(0, n);
            let swapped = swap_decode(ae, flow, factors, ta.clone(), source_t, k);
            grid.push(std::iter::once(source).chain(rows_of(swapped)?).collect());
        }
        png::write_grid(&dir.join(format!("analogy-{name}.png")), &grid, 1)?;
    }
    let unsupervised = bundle.flow(FLOW_UNSUPERVISED)?;
    png::write_grid(
        &dir.join("samples.png"),
        &[
            rows_of(samples(ae, None, 10, seed, device))?,
            rows_of(samples(ae, Some(unsupervised), 10, seed, device))?,
        ],
        1,
    )?;
    Ok(())
}
