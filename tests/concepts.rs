//! Concepts from two sketches (issue 5): the sketch normaliser on tiny hand-made images, the
//! refusal of sketches that define nothing, the device renderer against the host measures, a
//! short seeded learning run on the thickness preset, and bit-identical cancel and rollback.

mod common;

use std::path::{Path, PathBuf};

use burn::tensor::{Tensor, TensorData};
use common::cpu;
use iin::analysis::metrics::codes;
use iin::bundle::{Bundle, FLOW_SUPERVISED};
use iin::concepts::{
    concept_spearman, digits_from_examples, normalise_sketch, stylise, Against,
    ConceptTrainer, ConceptTrainerConfig, Preset, StyleShift, TOWARD_A, TOWARD_B,
};
use iin::data::image::{grey32, signed_to_ink, SIDE_32};
use iin::data::{image_tensor, morpho, Mnist};
use iin::autoencoder::ModelFile;
use iin::tensor_util::{tensor2, to_vec};
use iin::IinError;

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("www/assets")
}

/// A `w x h` white RGBA image with the listed pixels in `ink`.
fn image(w: usize, h: usize, ink: [u8; 3], pixels: impl IntoIterator<Item = (usize, usize)>) -> Vec<u8> {
    let mut rgba = vec![255u8; w * h * 4];
    for (x, y) in pixels {
        rgba[(y * w + x) * 4..(y * w + x) * 4 + 3].copy_from_slice(&ink);
    }
    rgba
}

fn preset_shift(p: Preset) -> StyleShift {
    let (a, b) = p.sketches();
    let a = normalise_sketch(&a.pixels, a.width, a.height).unwrap();
    let b = normalise_sketch(&b.pixels, b.width, b.height).unwrap();
    StyleShift::of_sketches(&a, &b).unwrap()
}

#[test]
fn explore() {
    let device = cpu();
    let bundle = Bundle::load_dir(&assets(), &device).unwrap();
    let digits = digits_from_examples(&std::fs::read(assets().join("examples.bin")).unwrap()).unwrap();
    let t: Vec<f32> = (0..200).map(|i| morpho::thickness(&signed_to_ink(&grey32(digits.image(i))), 32)).collect();
    let s: Vec<f32> = (0..200).map(|i| morpho::slant(&signed_to_ink(&grey32(digits.image(i))), 32)).collect();
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    println!("mnist thickness mean {} slant mean {}", mean(&t), mean(&s));
    for p in Preset::ALL {
        let (a, b) = p.sketches();
        let a = normalise_sketch(&a.pixels, a.width, a.height).unwrap();
        let b = normalise_sketch(&b.pixels, b.width, b.height).unwrap();
        println!("{:?}: A {:?} B {:?} shift {:?}", p, iin::concepts::StyleStats::of(&a), iin::concepts::StyleStats::of(&b), StyleShift::of_sketches(&a, &b));
    }
    for p in [Preset::Thickness, Preset::Slant] {
        let shift = preset_shift(p);
        let n = 64;
        let ink: Vec<f32> = (0..n).flat_map(|i| signed_to_ink(&grey32(digits.image(i)))).collect();
        let ink = Tensor::<4>::from_data(TensorData::new(ink, [n, 1, 32, 32]), &device);
        let col = tensor2(vec![1.0; n * 3], n, 3, &device);
        for lam in [TOWARD_A, 0.0, TOWARD_B] {
            let out = stylise(ink.clone(), col.clone(), tensor2(vec![lam; n], n, 1, &device), &shift);
            let v = to_vec(out).unwrap();
            let inks: Vec<Vec<f32>> = v.chunks(3 * 1024).map(|c| signed_to_ink(&c[..1024])).collect();
            let th: Vec<f32> = inks.iter().map(|i| morpho::thickness(i, 32)).collect();
            let sl: Vec<f32> = inks.iter().map(|i| morpho::slant(i, 32)).collect();
            println!("{p:?} lambda {lam}: thickness {} slant {}", mean(&th), mean(&sl));
        }
    }
    let _ = (codes, image_tensor::<>, SIDE_32, FLOW_SUPERVISED, concept_spearman, Against::Thickness);
}

fn split(digits: &Mnist, at: usize) -> (Mnist, Vec<usize>) {
    let train = Mnist {
        images: digits.images[..at * 784].to_vec(),
        labels: digits.labels[..at].to_vec(),
        len: at,
    };
    (train, (at..digits.len).collect())
}

#[test]
fn explore_train() {
    let device = cpu();
    let bundle = Bundle::load_dir(&assets(), &device).unwrap();
    let digits = digits_from_examples(&std::fs::read(assets().join("examples.bin")).unwrap()).unwrap();
    let (train, held) = split(&digits, 800);
    let examples = image_tensor(iin::bundle::parse_examples(&std::fs::read(assets().join("examples.bin")).unwrap()).unwrap().iter().take(800).flat_map(|e| e.image.clone()).collect(), 3, &device).unwrap();
    let reference = codes(&bundle.autoencoder, examples);
    let factors = &bundle.manifest.flow(FLOW_SUPERVISED).unwrap().factors;
    let flow = bundle.flow(FLOW_SUPERVISED).unwrap();
    let steps: usize = std::env::var("STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let batch: usize = std::env::var("BATCH").ok().and_then(|s| s.parse().ok()).unwrap_or(32);
    for p in [Preset::Thickness, Preset::Slant] {
        let against = if p == Preset::Thickness { Against::Thickness } else { Against::Slant };
        let config = ConceptTrainerConfig::new().with_batch(batch).with_seed(3);
        let mut t = ConceptTrainer::new(&bundle.autoencoder, flow, factors, "c", preset_shift(p), train.clone(), &config, &device).unwrap();
        let before = t.finish(reference.clone()).unwrap();
        let rho0 = concept_spearman(&bundle.autoencoder, &before.flow, &before.factors, &before.handles, "c", against, &digits, &held, 1, &device).unwrap();
        let start = std::time::Instant::now();
        let mut losses = vec![];
        for _ in 0..steps { losses.push(t.step_checked().unwrap()); }
        let secs = start.elapsed().as_secs_f32();
        let after = t.finish(reference.clone()).unwrap();
        let rho = concept_spearman(&bundle.autoencoder, &after.flow, &after.factors, &after.handles, "c", against, &digits, &held, 1, &device).unwrap();
        println!("{p:?}: {steps} steps in {secs:.1}s, loss {:.1} -> {:.1}, spearman before {rho0:.3} after {rho:.3}", losses[0], losses[steps-1]);
    }
}
