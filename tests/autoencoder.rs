//! The frozen networks: the VAE, the explained classifier and the judge. Shapes, seeded
//! initialisation, losses against hand computations, short seeded training runs on synthetic
//! coloured shapes, save and load, refusal of mismatched files and of non-finite losses.
//!
//! `cargo test --test autoencoder -- --ignored --nocapture throughput` prints training speeds.

mod common;

use std::time::Instant;

use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};
use common::{cpu, max_abs};
use iin::autoencoder::{
    vae_loss, Autoencoder, AutoencoderConfig, Classifier, ClassifierConfig, ImageClassifier, Judge,
    JudgeConfig, ModelFile,
};
use iin::rng::SplitMix64;
use iin::tensor_util::{tensor2, to_vec};
use iin::train::{
    AutoencoderTrainer, AutoencoderTrainerConfig, ClassifierTrainer, ClassifierTrainerConfig,
};
use iin::IinError;

const PIXELS: usize = 3 * 32 * 32;

/// `n` ColorMNIST-like images `[n, 3, 32, 32]` in `[-1, 1]` and their class (`0..classes`):
/// a grey "stroke" image `g` in `[-1, 1]` (background -1, stroke +1) times a random colour
/// `c` in `[0, 1]^3`. Class k is a bar: 0 horizontal, 1 vertical, 2 a square, 3 a diagonal,
/// placed with a random offset of up to +-4 pixels and a random thickness of 3 to 5.
fn shapes(n: usize, classes: usize, seed: u64) -> (Tensor<4>, Vec<u8>) {
    let mut rng = SplitMix64::new(seed);
    let mut values = Vec::with_capacity(n * PIXELS);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let class = rng.below(classes);
        let (dx, dy) = (rng.below(9) as i32 - 4, rng.below(9) as i32 - 4);
        let half = 1 + rng.below(2) as i32; // thickness 3 or 5
        let colour = [rng.uniform(), rng.uniform(), rng.uniform()];
        let inside = |x: i32, y: i32| -> bool {
            let (u, v) = (x - 16 - dx, y - 16 - dy);
            match class {
                0 => v.abs() <= half && u.abs() <= 10,
                1 => u.abs() <= half && v.abs() <= 10,
                2 => u.abs() <= 6 && v.abs() <= 6 && (u.abs() >= 6 - half || v.abs() >= 6 - half),
                _ => (u - v).abs() <= half && u.abs() <= 9,
            }
        };
        for c in colour {
            for y in 0..32 {
                for x in 0..32 {
                    let grey = if inside(x, y) { 1.0 } else { -1.0 };
                    values.push((grey * c) as f32);
                }
            }
        }
        labels.push(class as u8);
    }
    let images = Tensor::from_data(TensorData::new(values, [n, 3, 32, 32]), &cpu());
    (images, labels)
}

fn on(images: &Tensor<4>, device: &Device) -> Tensor<4> {
    Tensor::from_data(images.to_data(), device)
}

fn vals<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    to_vec(t).expect("readable tensor")
}

#[test]
fn shapes_ranges_and_sizes() {
    let device = cpu();
    let (x, _) = shapes(5, 4, 1);
    let vae = AutoencoderConfig::new().init(&device).unwrap();
    let (mean, log_var) = vae.encode(x.clone());
    assert_eq!(mean.dims(), [5, 64]);
    assert_eq!(log_var.dims(), [5, 64]);
    let noise = tensor2(SplitMix64::new(3).normals(5 * 64), 5, 64, &device);
    let z = Autoencoder::sample_latent(mean, log_var, noise);
    let decoded = vae.decode(z);
    assert_eq!(decoded.dims(), [5, 3, 32, 32]);
    assert!(vals(decoded).iter().all(|v| v.abs() <= 1.0));

    let classifier = ClassifierConfig::new().init(&device).unwrap();
    assert_eq!(classifier.feature(x.clone()).dims(), [5, 64]);
    assert_eq!(classifier.logits(x.clone()).dims(), [5, 10]);
    let judge = JudgeConfig::new().init(&device).unwrap();
    assert_eq!(judge.features(x.clone()).dims(), [5, 128]);
    assert_eq!(judge.logits(x).dims(), [5, 10]);

    let (n_vae, n_cls, n_judge) = (
        vae.num_params(),
        classifier.num_params(),
        judge.num_params(),
    );
    println!("parameters: autoencoder {n_vae}, classifier {n_cls}, judge {n_judge}");
    assert!(n_vae <= 1_500_000, "autoencoder has {n_vae} parameters");
    assert!(n_cls + n_judge <= 600_000);
}

#[test]
fn batch_of_one_matches_the_batch() {
    let device = cpu();
    let (x, _) = shapes(3, 4, 2);
    let vae = AutoencoderConfig::new().init(&device).unwrap();
    let (mean, _) = vae.encode(x.clone());
    let (mean_one, _) = vae.encode(x.narrow(0, 1, 1));
    let all = vals(mean);
    assert!(max_abs(&all[64..128], &vals(mean_one)) < 1e-5);
}

#[test]
fn same_seed_same_weights() {
    let device = cpu();
    let (x, _) = shapes(2, 4, 3);
    let decode = |seed| {
        let vae = AutoencoderConfig::new()
            .with_seed(seed)
            .init(&device)
            .unwrap();
        vals(vae.decode(vae.encode(x.clone()).0))
    };
    assert_eq!(decode(7), decode(7));
    assert!(max_abs(&decode(7), &decode(8)) > 1e-3);
    let logits = |seed| {
        let c = ClassifierConfig::new()
            .with_seed(seed)
            .init(&device)
            .unwrap();
        vals(c.logits(x.clone()))
    };
    assert_eq!(logits(4), logits(4));
    assert!(max_abs(&logits(4), &logits(5)) > 1e-4);
}

#[test]
fn sample_latent_is_the_reparameterisation() {
    let device = cpu();
    let mean = tensor2(vec![0.5, -1.0, 2.0, 0.0], 2, 2, &device);
    let log_var = tensor2(vec![0.0, 2.0_f32.ln() * 2.0, -2.0, 4.0], 2, 2, &device);
    let noise = tensor2(vec![1.0, -1.0, 0.5, 2.0], 2, 2, &device);
    let z = vals(Autoencoder::sample_latent(mean, log_var, noise));
    // mean + exp(log_var / 2) * noise, by hand.
    let expected = [1.5, -3.0, 2.0 + (-1.0f32).exp() * 0.5, 2.0f32.exp() * 2.0];
    assert!(max_abs(&z, &expected) < 1e-5, "{z:?}");
}

#[test]
fn vae_loss_matches_hand_computation() {
    let device = cpu();
    // Two images: the first reconstructed exactly, the second off by 0.5 in 4 values.
    let x = Tensor::<4>::zeros([2, 3, 32, 32], &device);
    let mut r = vec![0.0f32; 2 * PIXELS];
    for v in &mut r[PIXELS..PIXELS + 4] {
        *v = 0.5;
    }
    let recon = Tensor::from_data(TensorData::new(r, [2, 3, 32, 32]), &device);
    // KL per code: 0.5 * (mean^2 + exp(lv) - 1 - lv); codes (mean 1, lv 0) -> 0.5 and
    // (mean 0, lv ln 2) -> 0.5 * (1 - ln 2); the other two are N(0, 1) -> 0.
    let mean = tensor2(vec![1.0, 0.0, 0.0, 0.0], 2, 2, &device);
    let log_var = tensor2(vec![0.0, 2.0f32.ln(), 0.0, 0.0], 2, 2, &device);
    let terms = vae_loss(x, recon, mean, log_var, 0.25);
    let recon_expected = 4.0 * 0.25 / 2.0;
    let kl_expected = (0.5 + 0.5 * (1.0 - 2.0f32.ln())) / 2.0;
    let (l, rc, kl) = (vals(terms.loss), vals(terms.recon), vals(terms.kl));
    assert!((rc[0] - recon_expected).abs() < 1e-6, "recon {rc:?}");
    assert!((kl[0] - kl_expected).abs() < 1e-6, "kl {kl:?}");
    assert!((l[0] - (recon_expected + 0.25 * kl_expected)).abs() < 1e-6);
}

#[test]
fn vae_reconstruction_improves_with_training() {
    let device = cpu().autodiff();
    let (train, _) = shapes(256, 4, 10);
    let config = AutoencoderConfig::new()
        .with_base_channels(8)
        .with_latent(16);
    let mut trainer = AutoencoderTrainer::new(
        config.init(&device).unwrap(),
        &AutoencoderTrainerConfig::new().with_lr(3e-3),
    )
    .unwrap();
    let batch = 32;
    let mut first = None;
    let mut last = Vec::new();
    for step in 0..60 {
        let at = (step * batch) % 256;
        let stats = trainer
            .step(on(&train.clone().narrow(0, at, batch), &device))
            .unwrap();
        assert!(stats.kl >= 0.0);
        first.get_or_insert(stats.recon);
        last.push(stats.recon);
    }
    let first = first.unwrap();
    let last = last[last.len() - 8..].iter().sum::<f32>() / 8.0;
    println!("reconstruction error per image: {first} -> {last}");
    assert!(last < 0.4 * first, "recon {first} -> {last}");

    // The posterior mean decodes to something closer to held-out images than the untrained net.
    let (test, _) = shapes(32, 4, 11);
    let trained = trainer.into_model();
    let untrained = config.init(&cpu()).unwrap();
    let error = |vae: &Autoencoder| {
        let decoded = vae.decode(vae.encode(test.clone()).0);
        vals((decoded - test.clone()).powi_scalar(2).sum())[0] / 32.0
    };
    let (before, after) = (error(&untrained), error(&trained));
    assert!(after < 0.5 * before, "held-out recon {before} -> {after}");
}

fn train_classifier<M: ImageClassifier>(model: M, steps: usize) -> (M, f32) {
    let device = cpu().autodiff();
    let (train, labels) = shapes(512, 4, 20);
    let mut trainer = ClassifierTrainer::new(model, &ClassifierTrainerConfig::new().with_lr(3e-3));
    let batch = 32;
    for step in 0..steps {
        let at = (step * batch) % 512;
        let stats = trainer
            .step(
                on(&train.clone().narrow(0, at, batch), &device),
                &labels[at..at + batch],
            )
            .unwrap();
        assert!(stats.loss.is_finite() && (0.0..=1.0).contains(&stats.accuracy));
    }
    let model = trainer.into_model();
    let (test, test_labels) = shapes(200, 4, 21);
    let accuracy = iin::autoencoder::accuracy(model.logits(test), &test_labels).unwrap();
    (model, accuracy)
}

#[test]
fn classifier_and_judge_learn_synthetic_classes() {
    let device = cpu().autodiff();
    let classifier = ClassifierConfig::new()
        .with_classes(4)
        .init(&device)
        .unwrap();
    let (_, accuracy) = train_classifier(classifier, 40);
    println!("classifier held-out accuracy {accuracy}");
    assert!(
        accuracy > 0.8,
        "classifier accuracy {accuracy} (chance 0.25)"
    );

    let judge = JudgeConfig::new().with_classes(4).init(&device).unwrap();
    let (_, accuracy) = train_classifier(judge, 40);
    println!("judge held-out accuracy {accuracy}");
    assert!(accuracy > 0.8, "judge accuracy {accuracy} (chance 0.25)");
}

#[test]
fn head_of_feature_is_logits() {
    let (x, _) = shapes(4, 4, 30);
    let classifier = ClassifierConfig::new().init(&cpu()).unwrap();
    let via_head = vals(classifier.head(classifier.feature(x.clone())));
    assert_eq!(via_head, vals(classifier.logits(x)));
}

#[test]
fn save_and_load_give_identical_outputs() {
    let device = cpu();
    let (x, _) = shapes(3, 4, 40);
    // Train a few steps so the weights differ from any seeded init.
    let ad = device.clone().autodiff();
    let mut trainer = AutoencoderTrainer::new(
        AutoencoderConfig::new()
            .with_base_channels(8)
            .init(&ad)
            .unwrap(),
        &AutoencoderTrainerConfig::new(),
    )
    .unwrap();
    trainer.step(on(&x, &ad)).unwrap();
    let vae = trainer.into_model();
    let loaded = Autoencoder::from_bytes(&vae.to_bytes().unwrap(), &device).unwrap();
    assert_eq!(loaded.config(), vae.config());
    let (m1, v1) = vae.encode(x.clone());
    let (m2, v2) = loaded.encode(x.clone());
    assert_eq!(vals(m1.clone()), vals(m2));
    assert_eq!(vals(v1), vals(v2));
    assert_eq!(vals(vae.decode(m1.clone())), vals(loaded.decode(m1)));

    let classifier = ClassifierConfig::new().with_seed(9).init(&device).unwrap();
    let loaded = Classifier::from_bytes(&classifier.to_bytes().unwrap(), &device).unwrap();
    assert_eq!(
        vals(classifier.feature(x.clone())),
        vals(loaded.feature(x.clone()))
    );
    assert_eq!(
        vals(classifier.logits(x.clone())),
        vals(loaded.logits(x.clone()))
    );

    let judge = JudgeConfig::new().with_seed(9).init(&device).unwrap();
    let loaded = Judge::from_bytes(&judge.to_bytes().unwrap(), &device).unwrap();
    assert_eq!(vals(judge.features(x.clone())), vals(loaded.features(x)));
}

#[test]
fn mismatched_files_are_refused() {
    let device = cpu();
    let small = AutoencoderConfig::new().with_base_channels(8);
    let bytes = small.init(&device).unwrap().to_bytes().unwrap();

    // Another architecture than expected: the differing field is named.
    let expected = AutoencoderConfig::new().with_base_channels(16);
    let err = Autoencoder::from_bytes_expecting(&bytes, &expected, &device).unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, IinError::ArchitectureMismatch(_)),
        "{message}"
    );
    assert!(
        message.contains("base_channels: expected 16, found 8"),
        "{message}"
    );
    // The seed alone is not an architecture.
    Autoencoder::from_bytes_expecting(&bytes, &small.clone().with_seed(5), &device).unwrap();

    // Another kind of network.
    let classifier_bytes = ClassifierConfig::new()
        .init(&device)
        .unwrap()
        .to_bytes()
        .unwrap();
    let err = Autoencoder::from_bytes(&classifier_bytes, &device).unwrap_err();
    assert!(
        err.to_string()
            .contains("a classifier file, not an autoencoder file"),
        "{err}"
    );
    assert!(Judge::from_bytes(&bytes, &device).is_err());

    // A header that lies about the weights: the record does not fit the rebuilt network.
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let header = String::from_utf8(bytes[16..16 + header_len].to_vec()).unwrap();
    let forged_header = header.replace("\"base_channels\":8", "\"base_channels\":4");
    assert_ne!(header, forged_header);
    let mut forged = bytes[..12].to_vec();
    forged.extend_from_slice(&(forged_header.len() as u32).to_le_bytes());
    forged.extend_from_slice(forged_header.as_bytes());
    forged.extend_from_slice(&bytes[16 + header_len..]);
    let err = Autoencoder::from_bytes(&forged, &device).unwrap_err();
    assert!(matches!(err, IinError::ArchitectureMismatch(_)), "{err}");

    // Another format version, and a truncated file.
    let mut other_version = bytes.clone();
    other_version[8] = 99;
    assert!(matches!(
        Autoencoder::from_bytes(&other_version, &device),
        Err(IinError::FormatVersion { found: 99, .. })
    ));
    assert!(matches!(
        Autoencoder::from_bytes(&bytes[..20], &device),
        Err(IinError::BadFile(_))
    ));
}

#[test]
fn non_finite_loss_is_refused_and_weights_kept() {
    let device = cpu().autodiff();
    let (x, _) = shapes(4, 4, 50);
    let mut trainer = AutoencoderTrainer::new(
        AutoencoderConfig::new()
            .with_base_channels(8)
            .init(&device)
            .unwrap(),
        &AutoencoderTrainerConfig::new(),
    )
    .unwrap();
    trainer.step(on(&x, &device)).unwrap();
    let before = vals(trainer.model().valid().encode(x.clone()).0);
    let mut bad = vals(x.clone());
    bad[17] = f32::NAN;
    let bad = Tensor::from_data(TensorData::new(bad, [4, 3, 32, 32]), &device);
    let err = trainer.step(bad).unwrap_err();
    assert!(matches!(err, IinError::NonFinite(_)), "{err}");
    assert!(err.to_string().contains("step 2"), "{err}");
    assert_eq!(before, vals(trainer.model().valid().encode(x.clone()).0));
    assert_eq!(trainer.steps_done(), 1);

    let classifier = ClassifierConfig::new()
        .with_classes(4)
        .init(&device)
        .unwrap();
    let mut trainer = ClassifierTrainer::new(classifier, &ClassifierTrainerConfig::new());
    let mut bad = vals(x);
    bad[0] = f32::INFINITY;
    let bad = Tensor::from_data(TensorData::new(bad, [4, 3, 32, 32]), &device);
    let err = trainer.step(bad, &[0, 1, 2, 3]).unwrap_err();
    assert!(err.to_string().contains("step 1"), "{err}");
}

#[test]
fn wrong_shapes_and_labels_are_refused() {
    let device = cpu().autodiff();
    let mut trainer = AutoencoderTrainer::new(
        AutoencoderConfig::new()
            .with_base_channels(8)
            .init(&device)
            .unwrap(),
        &AutoencoderTrainerConfig::new(),
    )
    .unwrap();
    let wrong = Tensor::<4>::zeros([2, 1, 28, 28], &device);
    assert!(matches!(trainer.step(wrong), Err(IinError::Shape { .. })));

    let classifier = ClassifierConfig::new()
        .with_classes(4)
        .init(&device)
        .unwrap();
    let mut trainer = ClassifierTrainer::new(classifier, &ClassifierTrainerConfig::new());
    let (x, _) = shapes(2, 4, 60);
    let x = on(&x, &device);
    assert!(matches!(
        trainer.step(x.clone(), &[0]),
        Err(IinError::Shape { .. })
    ));
    let err = trainer.step(x, &[0, 4]).unwrap_err();
    assert!(err.to_string().contains("label 4"), "{err}");
    assert!(AutoencoderConfig::new()
        .with_latent(0)
        .init(&cpu())
        .is_err());
}

/// Training images per second at batch 64 (run with `--ignored --nocapture`).
#[test]
#[ignore]
fn throughput() {
    let device = cpu().autodiff();
    let batch = 64;
    let (x, labels) = shapes(batch, 4, 70);
    let x = on(&x, &device);
    let rate = |steps: usize, mut step: Box<dyn FnMut() + '_>| {
        step(); // warm-up
        let start = Instant::now();
        for _ in 0..steps {
            step();
        }
        (steps * batch) as f64 / start.elapsed().as_secs_f64()
    };
    for c in [16, 24, 32] {
        let config = AutoencoderConfig::new().with_base_channels(c);
        let model = config.init(&device).unwrap();
        let params = model.num_params();
        let mut trainer = AutoencoderTrainer::new(model, &AutoencoderTrainerConfig::new()).unwrap();
        let r = rate(
            5,
            Box::new(|| {
                trainer.step(x.clone()).unwrap();
            }),
        );
        println!("autoencoder base_channels {c} ({params} parameters): {r:.0} images/s");
    }
    let mut trainer = ClassifierTrainer::new(
        ClassifierConfig::new().init(&device).unwrap(),
        &ClassifierTrainerConfig::new(),
    );
    let r = rate(
        5,
        Box::new(|| {
            trainer.step(x.clone(), &labels).unwrap();
        }),
    );
    println!("classifier: {r:.0} images/s");
    let mut trainer = ClassifierTrainer::new(
        JudgeConfig::new().init(&device).unwrap(),
        &ClassifierTrainerConfig::new(),
    );
    let r = rate(
        5,
        Box::new(|| {
            trainer.step(x.clone(), &labels).unwrap();
        }),
    );
    println!("judge: {r:.0} images/s");
}
