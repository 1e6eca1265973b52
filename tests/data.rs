//! The data layer: IDX reading and its refusals, 28 -> 32, ColorMNIST and its colour measure,
//! known-factor transforms and their measures, pair and batch samplers, tensor batches, and
//! (when `data/mnist` is prepared) the real files.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::cpu;
use iin::data::color::colour_error;
use iin::data::idx::{read_images, read_labels, PIXELS};
use iin::data::image::{
    dequantise, grey32, ink_to_signed, pad_to_32, signed_to_ink, to_signed, PIXELS_32,
};
use iin::data::mnist::{license_text, FILES};
use iin::data::morpho::{dilate, erode, scale, shear, size, slant, thicken, thickness};
use iin::data::{
    colour_batch, colourise, image_tensor, measure_colour, random_colour, BatchSampler, DataError,
    Mnist, PairSampler, Shared, Split, DEFAULT_DIR,
};
use iin::rng::SplitMix64;
use iin::tensor_util::to_vec;

// ---------------------------------------------------------------------------------------------
// Hand-made IDX files

/// A fresh, empty folder under the system temp dir, unique to this test; removed on drop.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("iin-data-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

fn image_file(count: u32, rows: u32, cols: u32, pixels: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    for v in [0x0000_0803u32, count, rows, cols] {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b.extend_from_slice(pixels);
    b
}

fn label_file(labels: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    for v in [0x0000_0801u32, labels.len() as u32] {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b.extend_from_slice(labels);
    b
}

/// Three 28 x 28 images: image `i` has pixel `p` equal to `(i * 7 + p) % 256`.
fn three_images() -> Vec<u8> {
    (0..3 * PIXELS)
        .map(|k| ((k / PIXELS) * 7 + k % PIXELS) as u8)
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The error's message names the file and says what to do.
fn assert_names(err: &DataError, path: &Path, advice: &str) {
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()),
        "{msg:?} should name {}",
        path.display()
    );
    assert!(msg.contains(advice), "{msg:?} should say {advice:?}");
}

#[test]
fn idx_reads_hand_made_files() {
    let dir = temp_dir("good");
    let images = write(&dir, "img", &image_file(3, 28, 28, &three_images()));
    let labels = write(&dir, "lab", &label_file(&[3, 1, 4]));
    let m = Mnist::from_files(&images, &labels).unwrap();
    assert_eq!(m.len, 3);
    assert_eq!(m.labels, vec![3, 1, 4]);
    assert_eq!(m.label(2), 4);
    assert_eq!(m.image(1)[0], 7);
    assert_eq!(m.image(2)[100], 114);
    assert_eq!(m.image(0)[PIXELS - 1], (PIXELS - 1) as u8);
    assert_eq!(m.take(2).len, 2);
    assert_eq!(m.class_counts()[1], 1);
    let from_bytes = Mnist::from_bytes(
        &image_file(3, 28, 28, &three_images()),
        &label_file(&[3, 1, 4]),
        "test",
    )
    .unwrap();
    assert_eq!(from_bytes, m);
}

#[test]
fn idx_refuses_a_wrong_magic_number() {
    let dir = temp_dir("magic");
    let labels_as_images = write(&dir, "swapped-images", &label_file(&[1, 2]));
    let err = read_images(&labels_as_images).unwrap_err();
    assert!(matches!(
        err,
        DataError::BadMagic {
            found: 0x801,
            expected: 0x803,
            ..
        }
    ));
    assert_names(&err, &labels_as_images, "iin prepare");

    let images_as_labels = write(&dir, "swapped-labels", &image_file(0, 28, 28, &[]));
    let err = read_labels(&images_as_labels).unwrap_err();
    assert!(matches!(
        err,
        DataError::BadMagic {
            found: 0x803,
            expected: 0x801,
            ..
        }
    ));
    assert_names(&err, &images_as_labels, "iin prepare");
}

#[test]
fn idx_refuses_truncated_and_overlong_files() {
    let dir = temp_dir("truncated");
    let full = image_file(3, 28, 28, &three_images());

    let cut = write(&dir, "cut", &full[..full.len() - 100]);
    let err = read_images(&cut).unwrap_err();
    assert!(matches!(err, DataError::Truncated { needed, .. } if needed == 16 + 3 * PIXELS));
    assert_names(&err, &cut, "iin prepare");

    let header_only = write(&dir, "header", &full[..10]);
    let err = read_images(&header_only).unwrap_err();
    assert!(matches!(
        err,
        DataError::Truncated {
            got: 10,
            needed: 16,
            ..
        }
    ));
    assert_names(&err, &header_only, "truncated");

    let empty = write(&dir, "empty", &[]);
    assert!(matches!(
        read_labels(&empty).unwrap_err(),
        DataError::Truncated { got: 0, .. }
    ));

    let mut long = label_file(&[1, 2, 3]);
    long.push(0);
    let long = write(&dir, "long", &long);
    let err = read_labels(&long).unwrap_err();
    assert!(matches!(err, DataError::TrailingBytes { extra: 1, .. }));
    assert_names(&err, &long, "iin prepare");
}

#[test]
fn idx_refuses_images_that_are_not_28_by_28() {
    let dir = temp_dir("dims");
    let path = write(&dir, "small", &image_file(1, 27, 28, &[0; 27 * 28]));
    let err = read_images(&path).unwrap_err();
    assert!(matches!(
        err,
        DataError::BadDims {
            rows: 27,
            cols: 28,
            ..
        }
    ));
    assert_names(&err, &path, "28 x 28");
}

#[test]
fn idx_refuses_mismatched_counts_and_bad_labels() {
    let dir = temp_dir("counts");
    let images = write(&dir, "img", &image_file(3, 28, 28, &three_images()));
    let labels = write(&dir, "two-labels", &label_file(&[3, 1]));
    let err = Mnist::from_files(&images, &labels).unwrap_err();
    assert!(matches!(err, DataError::Count { .. }));
    assert_names(
        &err,
        &labels,
        "holds 2 labels but its image file holds 3 images",
    );

    let bad = write(&dir, "bad-label", &label_file(&[3, 10, 4]));
    let err = read_labels(&bad).unwrap_err();
    assert!(matches!(
        err,
        DataError::BadLabel {
            index: 1,
            label: 10,
            ..
        }
    ));
    assert_names(&err, &bad, "iin prepare");

    // Well-formed but not MNIST-sized files in a prepared-looking folder.
    write(
        &dir,
        Split::Test.image_file(),
        &image_file(3, 28, 28, &three_images()),
    );
    write(&dir, Split::Test.label_file(), &label_file(&[3, 1, 4]));
    let err = Mnist::load(&dir, Split::Test).unwrap_err();
    assert_names(&err, &dir.join(Split::Test.image_file()), "has 10000");
}

#[test]
fn missing_data_says_to_run_prepare() {
    let dir = temp_dir("missing");
    let err = Mnist::load(&dir, Split::Train).unwrap_err();
    assert!(matches!(err, DataError::Missing { .. }));
    assert_names(
        &err,
        &dir.join(Split::Train.image_file()),
        "run `iin prepare` first",
    );
}

// ---------------------------------------------------------------------------------------------
// 28 -> 32 and value ranges

#[test]
fn padding_places_the_digit_in_the_middle_of_32_by_32() {
    let image: Vec<u8> = (0..PIXELS).map(|p| (p % 251) as u8 + 1).collect();
    let padded = pad_to_32(&image);
    assert_eq!(padded.len(), PIXELS_32);
    for y in 0..32 {
        for x in 0..32 {
            let inside = (2..30).contains(&x) && (2..30).contains(&y);
            let expected = if inside {
                image[(y - 2) * 28 + (x - 2)]
            } else {
                0
            };
            assert_eq!(padded[y * 32 + x], expected, "pixel ({x}, {y})");
        }
    }
    let grey = grey32(&image);
    assert_eq!(grey[0], -1.0);
    assert_eq!(to_signed(&[0, 255]), vec![-1.0, 1.0]);
    assert!((to_signed(&[51])[0] - (51.0 / 127.5 - 1.0)).abs() < 1e-7);
    let back = ink_to_signed(&signed_to_ink(&grey));
    assert!(back.iter().zip(&grey).all(|(a, b)| (a - b).abs() < 1e-6));
}

#[test]
fn dequantisation_stays_in_the_grey_level_bin_and_is_seeded() {
    let levels: Vec<u8> = (0..=255u8).cycle().take(256 * 40).collect();
    let a = dequantise(&levels, &mut SplitMix64::new(3));
    assert_eq!(a, dequantise(&levels, &mut SplitMix64::new(3)));
    assert_ne!(a, dequantise(&levels, &mut SplitMix64::new(4)));
    let mut mean_offset = 0.0f64;
    for (&v, &x) in levels.iter().zip(&a) {
        let lo = v as f32 / 128.0 - 1.0;
        assert!(x >= lo && x < lo + 1.0 / 128.0 + 1e-6, "level {v} -> {x}");
        assert!((-1.0..1.0).contains(&x));
        mean_offset += ((x - lo) * 128.0) as f64;
    }
    mean_offset /= a.len() as f64;
    assert!(
        (mean_offset - 0.5).abs() < 0.02,
        "mean offset {mean_offset}"
    );
}

// ---------------------------------------------------------------------------------------------
// Synthetic digits: anti-aliased strokes on a 32 x 32 ink map in [0, 1]

fn segment_distance(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (vx, vy) = (b.0 - a.0, b.1 - a.1);
    let t = (((p.0 - a.0) * vx + (p.1 - a.1) * vy) / (vx * vx + vy * vy)).clamp(0.0, 1.0);
    let (dx, dy) = (p.0 - a.0 - t * vx, p.1 - a.1 - t * vy);
    (dx * dx + dy * dy).sqrt()
}

/// A polyline of stroke width `width`, anti-aliased, on 32 x 32.
fn draw(points: &[(f32, f32)], width: f32) -> Vec<f32> {
    let mut ink = vec![0.0f32; 32 * 32];
    for y in 0..32 {
        for x in 0..32 {
            let p = (x as f32, y as f32);
            let d = points
                .windows(2)
                .map(|s| segment_distance(p, s[0], s[1]))
                .fold(f32::INFINITY, f32::min);
            ink[y * 32 + x] = (width * 0.5 + 0.5 - d).clamp(0.0, 1.0);
        }
    }
    ink
}

fn seven() -> Vec<f32> {
    draw(&[(9.0, 8.0), (22.0, 8.0), (13.0, 24.0)], 2.5)
}

fn zero() -> Vec<f32> {
    let ring: Vec<(f32, f32)> = (0..=24)
        .map(|k| {
            let t = k as f32 / 24.0 * std::f32::consts::TAU;
            (15.5 + 5.5 * t.cos(), 15.5 + 8.5 * t.sin())
        })
        .collect();
    draw(&ring, 2.5)
}

fn one() -> Vec<f32> {
    draw(&[(15.5, 6.0), (15.5, 25.0)], 2.5)
}

// ---------------------------------------------------------------------------------------------
// ColorMNIST

#[test]
fn colourised_digits_have_stroke_c_and_background_minus_c() {
    let grey = ink_to_signed(&seven());
    let c = [0.2, 0.7, 0.9];
    let x = colourise(&grey, c);
    assert_eq!(x.len(), 3 * 1024);
    for k in 0..3 {
        assert_eq!(x[k * 1024], -c[k], "background, channel {k}");
        let stroke = 8 * 32 + 15; // on the top bar of the seven
        assert!(
            (x[k * 1024 + stroke] - c[k]).abs() < 1e-6,
            "stroke, channel {k}"
        );
    }
}

#[test]
fn colour_is_measured_back_from_clean_and_noisy_images() {
    let mut rng = SplitMix64::new(11);
    for digit in [seven(), zero(), one(), thicken(&zero(), 32, 2.0)] {
        let grey = ink_to_signed(&digit);
        for _ in 0..20 {
            let c = random_colour(&mut rng);
            assert!(c.iter().all(|v| (0.0..1.0).contains(v)));
            let x = colourise(&grey, c);
            assert!(colour_error(measure_colour(&x), c) < 0.02);
            // A decoder's output: noise everywhere and a weaker, blurred stroke.
            let noisy: Vec<f32> = x
                .iter()
                .map(|&v| if v > 0.0 { 0.7 * v } else { v } + 0.05 * rng.normal() as f32)
                .collect();
            let err = colour_error(measure_colour(&noisy), c);
            assert!(err < 0.03, "noisy colour error {err}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Morpho-MNIST-style factors

#[test]
fn dilation_and_erosion_by_a_disk() {
    let mut dot = vec![0.0f32; 9 * 9];
    dot[4 * 9 + 4] = 1.0;
    assert_eq!(dilate(&dot, 9, 0), dot);
    let plus = dilate(&dot, 9, 1);
    assert_eq!(plus.iter().sum::<f32>(), 5.0); // radius 1: the centre and its 4 neighbours
    assert_eq!(dilate(&dot, 9, 2).iter().sum::<f32>(), 13.0);
    assert_eq!(erode(&plus, 9, 1), dot);
    assert_eq!(erode(&dot, 9, 1).iter().sum::<f32>(), 0.0);
    let half = thicken(&dot, 9, 0.5);
    assert!((half[4 * 9 + 5] - 0.5).abs() < 1e-6 && half[4 * 9 + 4] == 1.0);
}

#[test]
fn thickness_of_a_bar_is_its_width() {
    for t in [2usize, 3, 4] {
        let mut bar = vec![0.0f32; 32 * 32];
        for y in 10..10 + t {
            for x in 4..28 {
                bar[y * 32 + x] = 1.0;
            }
        }
        // 2 A / P of a t x 24 rectangle; the total variation counts its bottom-right corner
        // pixel as sqrt(2) in place of 2.
        let expected = (2 * 24 * t) as f32 / ((2 * 24 + 2 * t - 2) as f32 + 2f32.sqrt());
        assert!((thickness(&bar, 32) - expected).abs() < 1e-4);
    }
    assert_eq!(thickness(&[0.0; 64], 8), 0.0);
}

#[test]
fn thickening_increases_measured_thickness_monotonically() {
    for (name, digit) in [("seven", seven()), ("zero", zero()), ("one", one())] {
        let measured: Vec<f32> = [-0.5f32, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
            .iter()
            .map(|&a| thickness(&thicken(&digit, 32, a), 32))
            .collect();
        assert!(
            measured.windows(2).all(|w| w[1] > w[0] + 0.05),
            "{name}: {measured:?}"
        );
        // Each radius of dilation adds about two pixels of width.
        let step = thickness(&thicken(&digit, 32, 2.0), 32) - thickness(&digit, 32);
        assert!((2.5..5.0).contains(&step), "{name}: +{step} for radius 2");
    }
}

#[test]
fn shear_changes_measured_slant_by_the_shear() {
    for digit in [seven(), zero(), one()] {
        let base = slant(&digit, 32);
        for s in [-0.3f32, -0.1, 0.05, 0.2, 0.3] {
            let change = slant(&shear(&digit, 32, s), 32) - base;
            assert!(
                (change - s).abs() < 0.01,
                "shear {s}: slant changed by {change}"
            );
        }
    }
    assert!(
        slant(&one(), 32).abs() < 1e-3,
        "an upright one has no slant"
    );
    // Rows above the centre move right for s > 0.
    let leaning = shear(&one(), 32, 0.3);
    let top_x = |img: &[f32]| (0..32).map(|x| x as f32 * img[7 * 32 + x]).sum::<f32>();
    assert!(top_x(&leaning) / leaning[7 * 32..8 * 32].iter().sum::<f32>() > 18.0);
}

#[test]
fn scale_multiplies_the_measured_size() {
    for digit in [seven(), zero()] {
        let base = size(&digit, 32);
        for k in [0.8f32, 1.2] {
            let ratio = size(&scale(&digit, 32, k), 32) / base;
            assert!((ratio - k).abs() < 0.03 * k, "zoom {k}: size ratio {ratio}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Samplers

fn labels() -> Vec<u8> {
    (0..200u32).map(|i| ((i * 7 + i / 13) % 10) as u8).collect()
}

#[test]
fn pair_sampler_is_seeded_and_pairs_share_exactly_one_factor() {
    let labels = labels();
    let batch = PairSampler::new(&labels, 5).unwrap().sample(64);
    assert_eq!(batch, PairSampler::new(&labels, 5).unwrap().sample(64));
    assert_ne!(batch, PairSampler::new(&labels, 6).unwrap().sample(64));
    assert_eq!(batch.len(), 64);
    let digit = batch.shared.iter().filter(|&&s| s == Shared::Digit).count();
    assert_eq!(digit, 32, "half digit pairs, half colour pairs");
    for i in 0..64 {
        let (a, b) = (batch.first[i], batch.second[i]);
        let (ca, cb) = (batch.first_colours[i], batch.second_colours[i]);
        match batch.shared[i] {
            Shared::Digit => {
                assert_eq!(labels[a], labels[b]);
                assert_ne!(a, b, "a digit pair is two different images");
                assert_ne!(ca, cb, "independent colours");
            }
            Shared::Colour => {
                assert_ne!(
                    labels[a], labels[b],
                    "a colour pair is two different digits"
                );
                assert_eq!(ca, cb);
            }
        }
    }
    assert_eq!(Shared::Digit.name(), "digit");
    assert_eq!(Shared::Colour.name(), "colour");
}

#[test]
fn pair_sampler_needs_two_images_per_class_and_two_classes() {
    assert!(PairSampler::new(&[3, 3, 3], 0).is_err());
    assert!(PairSampler::new(&[1, 1, 2], 0).is_err());
    assert!(PairSampler::new(&[], 0).is_err());
    let mut s = PairSampler::new(&[1, 2, 1, 2], 0).unwrap();
    for _ in 0..50 {
        let (a, b, _, _) = s.pair(Shared::Digit);
        assert_ne!(a, b);
        assert_eq!(a % 2, b % 2);
    }
}

#[test]
fn batch_sampler_covers_each_epoch_once_and_is_seeded() {
    let mut s = BatchSampler::new(10, 9).unwrap();
    let first: Vec<usize> = (0..5).flat_map(|_| s.indices(2)).collect();
    let mut sorted = first.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..10).collect::<Vec<_>>());
    assert_eq!(s.epoch(), 1);
    let straddle = s.indices(15);
    assert_eq!(s.epoch(), 2);
    assert_eq!(straddle.len(), 15);
    let mut again = BatchSampler::new(10, 9).unwrap();
    assert_eq!(
        (0..5).flat_map(|_| again.indices(2)).collect::<Vec<_>>(),
        first
    );
    let (idx, colours) = BatchSampler::new(10, 1).unwrap().colour_batch(4);
    assert_eq!((idx.len(), colours.len()), (4, 4));
    assert!(BatchSampler::new(0, 1).is_err());
}

// ---------------------------------------------------------------------------------------------
// Tensors

#[test]
fn colour_batches_become_b_3_32_32_tensors() {
    let m = Mnist::from_bytes(
        &image_file(3, 28, 28, &three_images()),
        &label_file(&[3, 1, 4]),
        "test",
    )
    .unwrap();
    let colours = [[0.1, 0.5, 0.9], [1.0, 0.0, 0.3]];
    let host = colour_batch(&m, &[2, 0], &colours, None).unwrap();
    assert_eq!(host.len(), 2 * 3 * 1024);
    let t = image_tensor(host.clone(), 3, &cpu()).unwrap();
    assert_eq!(t.dims(), [2, 3, 32, 32]);
    assert_eq!(to_vec(t).unwrap(), host);
    // Image 1 (digit 0), channel 2, a padding pixel: background -c.
    assert!((host[3 * 1024 + 2 * 1024] + 0.3).abs() < 1e-6);
    assert!(image_tensor(vec![0.0; 1000], 3, &cpu()).is_err());
    assert!(colour_batch(&m, &[0], &colours, None).is_err());
    let noisy = colour_batch(&m, &[2, 0], &colours, Some(&mut SplitMix64::new(1))).unwrap();
    assert!(noisy.iter().zip(&host).all(|(a, b)| (a - b).abs() < 0.01));
}

// ---------------------------------------------------------------------------------------------
// Real MNIST, when prepared

fn mnist_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_DIR)
}

fn real_data() -> Option<(Mnist, Mnist)> {
    let dir = mnist_dir();
    if !FILES.iter().all(|(name, _)| dir.join(name).is_file()) {
        // Straight to stderr, past the test harness's capture, so the skip is always seen.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: real MNIST checks; no data in {} (run `iin prepare`, or \
             `cargo test --test data -- --ignored prepare`) ***\n",
            dir.display()
        );
        return None;
    }
    Some((
        Mnist::load(&dir, Split::Train).unwrap(),
        Mnist::load(&dir, Split::Test).unwrap(),
    ))
}

#[test]
fn real_mnist_has_the_published_class_counts() {
    let Some((train, test)) = real_data() else {
        return;
    };
    assert_eq!((train.len, test.len), (60_000, 10_000));
    assert_eq!(
        train.class_counts(),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        test.class_counts(),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    assert!(license_text().contains("CC BY-SA 3.0"));
}

#[test]
fn real_digits_colour_and_thickness_measures_behave() {
    let Some((_, test)) = real_data() else {
        return;
    };
    let mut rng = SplitMix64::new(2);
    for i in 0..200 {
        let grey = grey32(test.image(i));
        let c = random_colour(&mut rng);
        assert!(colour_error(measure_colour(&colourise(&grey, c)), c) < 0.02);
        // Even a digit thickened by two pixels keeps more than half of the image as background.
        let thick = ink_to_signed(&thicken(&signed_to_ink(&grey), 32, 2.0));
        let noisy: Vec<f32> = colourise(&thick, c)
            .iter()
            .map(|&v| v + 0.05 * rng.normal() as f32)
            .collect();
        let err = colour_error(measure_colour(&noisy), c);
        assert!(
            err < 0.03,
            "digit {i}, thickened and noisy: colour error {err}"
        );
    }
    for i in 0..20 {
        let ink = signed_to_ink(&grey32(test.image(i)));
        let measured: Vec<f32> = [-0.5f32, 0.0, 1.0, 2.0]
            .iter()
            .map(|&a| thickness(&thicken(&ink, 32, a), 32))
            .collect();
        assert!(
            measured.windows(2).all(|w| w[1] > w[0]),
            "digit {i}: {measured:?}"
        );
        let change = slant(&shear(&ink, 32, 0.2), 32) - slant(&ink, 32);
        assert!(
            (change - 0.2).abs() < 0.02,
            "digit {i}: slant changed by {change}"
        );
    }
}

/// Fetches MNIST into `data/mnist` (network): `cargo test --test data -- --ignored prepare`.
#[cfg(not(target_arch = "wasm32"))]
#[test]
#[ignore]
fn prepare_fetches_mnist() {
    let dir = mnist_dir();
    let outcome = iin::data::prepare(&dir).unwrap();
    eprintln!("prepare: {outcome:?} in {}", dir.display());
    for (name, size) in FILES {
        assert_eq!(std::fs::metadata(dir.join(name)).unwrap().len(), size);
    }
    assert!(dir.join("LICENSE-MNIST.txt").is_file());
    assert_eq!(
        iin::data::prepare(&dir).unwrap(),
        iin::data::Prepared::AlreadyThere
    );
}
