//! The page's verbs (`analysis::explore`, what the wasm `Engine` calls) on the committed bundle,
//! natively on the CPU: the analogy grid moves digit and colour the way the page's classifier
//! and the pixels read them, both interpolation strips end at the two images, a sketch of a bar
//! reads as a one, and the embeddings place the examples by their factors.

use std::path::Path;

use burn::tensor::{Device, Tensor, TensorData};
use iin::analysis::explore::{self, Embedding};
use iin::analysis::metrics::argmax_rows;
use iin::bundle::{parse_examples, Bundle, Example, FLOW_SUPERVISED};
use iin::concepts::normalise_sketch;
use iin::data::color::measure_colour;
use iin::tensor_util::{tensor2, to_vec};

fn load() -> (Bundle, Vec<Example>, Device) {
    let device = Device::flex();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/assets");
    let bundle = Bundle::load_dir(&dir, &device).expect("the committed bundle loads");
    let examples =
        parse_examples(&std::fs::read(dir.join(&bundle.manifest.examples.file)).unwrap()).unwrap();
    (bundle, examples, device)
}

fn images(examples: &[&Example], device: &Device) -> Tensor<4> {
    let values: Vec<f32> = examples.iter().flat_map(|e| e.image.clone()).collect();
    Tensor::from_data(TensorData::new(values, [examples.len(), 3, 32, 32]), device)
}

fn classify(bundle: &Bundle, images: Tensor<4>) -> Vec<usize> {
    let logits = bundle.classifier.head(bundle.classifier.feature(images));
    argmax_rows(&to_vec(logits).unwrap(), 10)
}

/// Four examples of four different digits.
fn distinct_digits(examples: &[Example]) -> Vec<&Example> {
    let mut out: Vec<&Example> = vec![];
    for e in examples {
        if out.iter().all(|o| o.label != e.label) {
            out.push(e);
        }
        if out.len() == 4 {
            break;
        }
    }
    out
}

#[test]
fn the_analogy_grid_takes_digit_from_rows_and_colour_from_columns() {
    let (bundle, examples, device) = load();
    let factors = &bundle.manifest.flow(FLOW_SUPERVISED).unwrap().factors;
    let picked = distinct_digits(&examples);
    let (_, t) = explore::encode(&bundle, images(&picked, &device)).unwrap();
    let t = to_vec(t).unwrap();
    let digit = factors.index_of("digit").unwrap();
    let cells = explore::analogy_codes(&t, &t, factors, digit);
    let decoded = explore::decode(&bundle, tensor2(cells, 16, 64, &device)).unwrap();
    let digits = classify(&bundle, decoded.clone());
    let pixels = to_vec(decoded).unwrap();
    let (mut follows, mut colour_error) = (0, 0.0);
    for i in 0..4 {
        for j in 0..4 {
            let cell = i * 4 + j;
            follows += usize::from(digits[cell] == picked[i].label as usize);
            let measured = measure_colour(&pixels[cell * 3072..(cell + 1) * 3072]);
            colour_error += measured
                .iter()
                .zip(picked[j].colour)
                .map(|(m, c)| (m - c).abs())
                .sum::<f32>()
                / 3.0;
        }
    }
    assert!(
        follows >= 12,
        "digit follows the rows in {follows} of 16 cells"
    );
    assert!(
        colour_error / 16.0 < 0.1,
        "colour error {}",
        colour_error / 16.0
    );
}

#[test]
fn both_interpolations_run_between_the_same_two_images() {
    let (bundle, examples, device) = load();
    let picked = distinct_digits(&examples);
    let (_, t) = explore::encode(&bundle, images(&picked[..2], &device)).unwrap();
    let t = to_vec(t).unwrap();
    let (a, b) = t.split_at(64);
    let steps = 5;
    let strips = to_vec(explore::interpolation(&bundle, a, b, steps, &device).unwrap()).unwrap();
    let ends =
        to_vec(explore::decode(&bundle, tensor2(t.clone(), 2, 64, &device)).unwrap()).unwrap();
    let image = |v: &[f32], i: usize| v[i * 3072..(i + 1) * 3072].to_vec();
    let worst = |x: Vec<f32>, y: Vec<f32>| {
        x.iter()
            .zip(&y)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f32::max)
    };
    for strip in [0, 1] {
        assert!(worst(image(&strips, strip * steps), image(&ends, 0)) < 1e-3);
        assert!(worst(image(&strips, strip * steps + steps - 1), image(&ends, 1)) < 1e-3);
    }
    // The middles differ: one path is straight in z~, the other in z.
    assert!(worst(image(&strips, 2), image(&strips, steps + 2)) > 0.05);
}

#[test]
fn a_drawn_vertical_bar_reads_as_a_one() {
    let (bundle, _, device) = load();
    let size = 200;
    let rgba: Vec<u8> = (0..size * size)
        .flat_map(|i| {
            let (x, y) = (i % size, i / size);
            let ink = (92..108).contains(&x) && (30..170).contains(&y);
            if ink {
                [255, 200, 40, 255]
            } else {
                [20, 20, 20, 255]
            }
        })
        .collect();
    let sketch = normalise_sketch(&rgba, size, size).unwrap();
    let (_, t) = explore::encode(
        &bundle,
        images(
            &[&Example {
                label: 1,
                colour: sketch.colour,
                image: sketch.image(),
            }],
            &device,
        ),
    )
    .unwrap();
    let decoded = explore::decode(&bundle, t).unwrap();
    assert_eq!(classify(&bundle, decoded), vec![1]);
}

#[test]
fn the_embeddings_place_every_example_and_the_colour_handle_tracks_colour() {
    let (bundle, examples, device) = load();
    let entry = bundle.manifest.flow(FLOW_SUPERVISED).unwrap();
    let some: Vec<&Example> = examples.iter().take(300).collect();
    let (z, t) = explore::encode(&bundle, images(&some, &device)).unwrap();
    let (z, t) = (to_vec(z).unwrap(), to_vec(t).unwrap());
    let embedding = Embedding::fit(&entry.factors, &entry.handles, &z, &t);
    let placed = embedding.place(&z, &t);
    assert_eq!(placed.residual.len(), 600);
    assert_eq!(placed.z.len(), 600);
    assert_eq!(placed.factors.len(), 2 * 300);
    // The colour handle (row 1) tracks a colour statistic better than the digit handle does:
    // its absolute correlation with the examples' brightness is the larger of the two.
    let brightness: Vec<f32> = some.iter().map(|e| e.colour.iter().sum()).collect();
    let corr = |x: &[f32]| {
        let n = x.len() as f32;
        let (mx, my) = (
            x.iter().sum::<f32>() / n,
            brightness.iter().sum::<f32>() / n,
        );
        let cov: f32 = x
            .iter()
            .zip(&brightness)
            .map(|(a, b)| (a - mx) * (b - my))
            .sum();
        let vx: f32 = x.iter().map(|a| (a - mx).powi(2)).sum();
        let vy: f32 = brightness.iter().map(|b| (b - my).powi(2)).sum();
        (cov / (vx * vy).sqrt()).abs()
    };
    let (digit_row, colour_row) = (&placed.factors[..300], &placed.factors[300..]);
    assert!(
        corr(colour_row) > corr(digit_row),
        "colour handle {} vs digit handle {}",
        corr(colour_row),
        corr(digit_row)
    );
}
