//! Concepts from two sketches (issue 5): the sketch normaliser on tiny hand-made images, the
//! refusal of sketches that define nothing, the device renderer against the host measures, a
//! short seeded learning run on the thickness preset, and bit-identical cancel and rollback.

mod common;

use std::path::{Path, PathBuf};

use burn::tensor::{Tensor, TensorData};
use common::cpu;
use iin::analysis::metrics::codes;
use iin::autoencoder::ModelFile;
use iin::bundle::{parse_examples, Bundle, FLOW_SUPERVISED};
use iin::concepts::{
    concept_spearman, digits_from_examples, factors_with_concept, normalise_sketch, stylise,
    Against, ConceptTrainer, ConceptTrainerConfig, Preset, StyleShift, TOWARD_A, TOWARD_B,
};
use iin::data::image::{grey32, signed_to_ink, SIDE_32};
use iin::data::{image_tensor, morpho, Mnist};
use iin::tensor_util::{tensor2, to_vec};
use iin::IinError;

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("www/assets")
}

fn preset_shift(p: Preset) -> StyleShift {
    let (a, b) = p.sketches();
    let a = normalise_sketch(&a.pixels, a.width, a.height).unwrap();
    let b = normalise_sketch(&b.pixels, b.width, b.height).unwrap();
    StyleShift::of_sketches(&a, &b).unwrap()
}

// ---- The sketch normaliser ----

/// A `w x h` RGBA image of `background` with the pixels in `rects` (`x, y, width, height`)
/// painted `ink`.
fn paint(
    w: usize,
    h: usize,
    background: [u8; 4],
    ink: [u8; 4],
    rects: &[(usize, usize, usize, usize)],
) -> Vec<u8> {
    let mut rgba: Vec<u8> = background.iter().copied().cycle().take(w * h * 4).collect();
    for &(x0, y0, rw, rh) in rects {
        for y in y0..y0 + rh {
            for x in x0..x0 + rw {
                rgba[(y * w + x) * 4..(y * w + x) * 4 + 4].copy_from_slice(&ink);
            }
        }
    }
    rgba
}

fn paint_over(
    mut rgba: Vec<u8>,
    w: usize,
    ink: [u8; 4],
    rects: &[(usize, usize, usize, usize)],
) -> Vec<u8> {
    for &(x0, y0, rw, rh) in rects {
        for y in y0..y0 + rh {
            for x in x0..x0 + rw {
                rgba[(y * w + x) * 4..(y * w + x) * 4 + 4].copy_from_slice(&ink);
            }
        }
    }
    rgba
}

const WHITE: [u8; 4] = [255, 255, 255, 255];
const BLACK: [u8; 4] = [0, 0, 0, 255];

fn sketch_error(result: iin::error::Result<iin::concepts::Sketch>) -> String {
    match result {
        Err(e @ IinError::Sketch { .. }) => e.to_string(),
        other => panic!("expected a sketch error, got {other:?}"),
    }
}

#[test]
fn an_empty_or_all_ink_sketch_is_refused_with_a_reason() {
    let blank = paint(12, 10, WHITE, BLACK, &[]);
    assert!(sketch_error(normalise_sketch(&blank, 12, 10)).contains("empty"));
    // A transparent canvas is white: still empty.
    let clear = paint(12, 10, [0, 0, 0, 0], BLACK, &[]);
    assert!(sketch_error(normalise_sketch(&clear, 12, 10)).contains("empty"));
    // Ink everywhere but a one-pixel frame.
    let filled = paint(12, 10, WHITE, BLACK, &[(1, 1, 10, 8)]);
    assert!(sketch_error(normalise_sketch(&filled, 12, 10)).contains("all ink"));
    // Ink over most of the border: no background to find.
    let stripes = paint(12, 10, [255, 0, 0, 255], [0, 255, 0, 255], &[(4, 0, 4, 10)]);
    let stripes = paint_over(stripes, 12, [0, 0, 255, 255], &[(8, 0, 4, 10)]);
    assert!(sketch_error(normalise_sketch(&stripes, 12, 10)).contains("all ink"));
    // Bytes that are not the stated size.
    assert!(sketch_error(normalise_sketch(&blank[..20], 12, 10)).contains("expected"));
}

#[test]
fn the_normalised_sketch_ignores_size_position_and_colours() {
    // An "L": a 2 x 12 bar and a 8 x 2 foot, drawn small near one corner...
    let small = paint(30, 30, WHITE, BLACK, &[(5, 5, 2, 12), (5, 15, 8, 2)]);
    // ...and four times larger elsewhere on a wider canvas, red on blue.
    let (red, blue) = ([230, 20, 20, 255], [20, 40, 200, 255]);
    let large = paint(120, 90, blue, red, &[(40, 10, 8, 48), (40, 50, 32, 8)]);
    let a = normalise_sketch(&small, 30, 30).unwrap();
    let b = normalise_sketch(&large, 120, 90).unwrap();
    let worst = common::max_abs(&a.ink, &b.ink);
    assert!(
        worst < 1e-4,
        "the two Ls normalise differently (max diff {worst})"
    );
    // The ink fills the 20-pixel box's height, centred by its centre of mass.
    let rows: Vec<usize> = (0..32)
        .filter(|&y| a.ink[y * 32..(y + 1) * 32].iter().any(|&v| v > 0.0))
        .collect();
    assert_eq!(rows.len(), 20, "the L should be 20 rows tall");
    let mass: f32 = a.ink.iter().sum();
    let cy: f32 = a
        .ink
        .iter()
        .enumerate()
        .map(|(i, v)| v * ((i / 32) as f32 + 0.5))
        .sum::<f32>()
        / mass;
    assert!((cy - 16.0).abs() <= 0.5, "centre of mass row {cy}");
    assert!(
        a.colour.iter().all(|&c| c < 0.05),
        "black ink read as {:?}",
        a.colour
    );
    assert!(
        b.colour[0] > 0.85 && b.colour[2] < 0.1,
        "red ink read as {:?}",
        b.colour
    );
    assert!(
        b.background[2] > 0.7,
        "blue background read as {:?}",
        b.background
    );
}

#[test]
fn two_sketches_that_show_no_change_are_refused() {
    let l = paint(30, 30, WHITE, BLACK, &[(5, 5, 2, 12), (5, 15, 8, 2)]);
    let moved = paint(40, 30, WHITE, BLACK, &[(20, 9, 2, 12), (20, 19, 8, 2)]);
    let a = normalise_sketch(&l, 30, 30).unwrap();
    let b = normalise_sketch(&moved, 40, 30).unwrap();
    for (x, y) in [(&a, &a), (&a, &b)] {
        match StyleShift::of_sketches(x, y) {
            Err(IinError::Concept(m)) => assert!(m.contains("no change"), "{m}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    // A trainer refuses a zero shift too, and a name the flow already has.
    let factors = iin::factors::Factors::new(&[("digit", 14), ("colour", 15)], 35, 64).unwrap();
    for name in ["digit", "residual", " ", "colour"] {
        assert!(matches!(
            factors_with_concept(&factors, name, 4),
            Err(IinError::Concept(_))
        ));
    }
    let f = factors_with_concept(&factors, "bold", 4).unwrap();
    let names: Vec<(&str, usize)> = f
        .factors()
        .iter()
        .map(|f| (f.name.as_str(), f.size))
        .collect();
    assert_eq!(
        names,
        [("digit", 14), ("colour", 15), ("bold", 4), ("residual", 31)]
    );
}

// ---- The renderer ----

fn digits() -> Mnist {
    digits_from_examples(&std::fs::read(assets().join("examples.bin")).unwrap()).unwrap()
}

fn inks(digits: &Mnist, range: std::ops::Range<usize>) -> Vec<Vec<f32>> {
    range
        .map(|i| signed_to_ink(&grey32(digits.image(i))))
        .collect()
}

fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len() as f32
}

#[test]
fn the_device_measures_match_the_host_measures() {
    let device = cpu();
    let inks = inks(&digits(), 0..16);
    let batch = Tensor::<4>::from_data(
        TensorData::new(inks.concat(), [16, 1, SIDE_32, SIDE_32]),
        &device,
    );
    let t = to_vec(iin::concepts::stylise::thickness(&batch)).unwrap();
    let s = to_vec(iin::concepts::stylise::slant(&batch)).unwrap();
    for (i, ink) in inks.iter().enumerate() {
        let (th, sh) = (morpho::thickness(ink, 32), morpho::slant(ink, 32));
        assert!(
            (t[i] - th).abs() < 1e-3 * th.max(1.0),
            "thickness {} vs {th}",
            t[i]
        );
        assert!((s[i] - sh).abs() < 1e-4, "slant {} vs {sh}", s[i]);
    }
    // The device shear is morpho's shear.
    let sheared = to_vec(iin::concepts::stylise::shear(
        batch,
        tensor2(vec![0.3; 16], 16, 1, &device),
    ))
    .unwrap();
    let host = morpho::shear(&inks[3], 32, 0.3);
    assert!(common::max_abs(&sheared[3 * 1024..4 * 1024], &host) < 1e-5);
}

/// `inks` rendered by the device renderer at `lambda` (grey colour 0.5), back as ink maps.
fn render_inks(inks: &[Vec<f32>], lambda: f32, shift: &StyleShift) -> Vec<Vec<f32>> {
    let device = cpu();
    let n = inks.len();
    let batch = Tensor::<4>::from_data(TensorData::new(inks.concat(), [n, 1, 32, 32]), &device);
    let out = stylise(
        batch,
        tensor2(vec![0.5; n * 3], n, 3, &device),
        tensor2(vec![lambda; n], n, 1, &device),
        shift,
        None,
    );
    // Back from ColorMNIST (x = g * c, c = 0.5) to ink.
    to_vec(out)
        .unwrap()
        .chunks(3 * 1024)
        .map(|c| c[..1024].iter().map(|v| (v / 0.5 + 1.0) / 2.0).collect())
        .collect()
}

#[test]
fn rendering_toward_b_moves_digits_by_the_sketches_difference() {
    let inks = inks(&digits(), 0..32);
    let render = |lambda: f32, shift: &StyleShift| render_inks(&inks, lambda, shift);
    let thick = preset_shift(Preset::Thickness);
    assert!(thick.thickness > 1.5 && thick.slant == 0.0, "{thick:?}");
    let measure = |imgs: &[Vec<f32>], f: fn(&[f32], usize) -> f32| {
        mean(&imgs.iter().map(|i| f(i, 32)).collect::<Vec<_>>())
    };
    let unchanged = render(0.0, &thick);
    assert!(common::max_abs(&unchanged.concat(), &inks.concat()) < 1e-5);
    let gain = measure(&render(TOWARD_B, &thick), morpho::thickness)
        - measure(&render(TOWARD_A, &thick), morpho::thickness);
    assert!(
        (gain - thick.thickness).abs() < 0.25 * thick.thickness,
        "stroke width moved by {gain}, the sketches differ by {}",
        thick.thickness
    );
    let slant = preset_shift(Preset::Slant);
    assert!(slant.slant > 0.3 && slant.thickness == 0.0, "{slant:?}");
    let tilt = measure(&render(TOWARD_B, &slant), morpho::slant)
        - measure(&render(TOWARD_A, &slant), morpho::slant);
    assert!(
        (tilt - slant.slant).abs() < 0.05,
        "slant moved by {tilt}, not {}",
        slant.slant
    );
    // Angular A, round B: toward A the digits are squared off, toward B they are as drawn, and
    // the stroke width stays.
    let round = preset_shift(Preset::Roundness);
    let (angular, drawn) = (render(TOWARD_A, &round), render(TOWARD_B, &round));
    assert!(common::max_abs(&drawn.concat(), &inks.concat()) < 1e-5);
    let squarer =
        measure(&angular, morpho::axis_alignment) - measure(&drawn, morpho::axis_alignment);
    let wider = measure(&angular, morpho::thickness) - measure(&drawn, morpho::thickness);
    println!(
        "toward the angular sketch: axis alignment +{squarer:.3}, stroke width {wider:+.3} px"
    );
    assert!(squarer > 0.01, "axis alignment moved by {squarer}");
    assert!(wider.abs() < 0.1, "stroke width moved by {wider} px");
    // A ring rendered toward the angular sketch is squared off all the way (amount 1).
    let squared = morpho::axis_alignment(&render_inks(&[ring()], TOWARD_A, &round)[0], 32);
    assert!(
        squared > 0.6,
        "the ring rendered toward A: axis alignment {squared}"
    );
}

/// A ring of radius 8 and stroke width 2 at the centre of a 32 x 32 ink map, anti-aliased.
fn ring() -> Vec<f32> {
    (0..32 * 32)
        .map(|i| {
            let (x, y) = ((i % 32) as f32 - 15.5, (i / 32) as f32 - 15.5);
            (1.5 - ((x * x + y * y).sqrt() - 8.0).abs()).clamp(0.0, 1.0)
        })
        .collect()
}

#[test]
fn squaring_off_turns_a_ring_into_a_square_of_the_same_size() {
    let ring = ring();
    assert!(common::max_abs(&morpho::square_off(&ring, 32, 0.0), &ring) < 1e-5);
    let square = morpho::square_off(&ring, 32, 1.0);
    let (before, after) = (
        morpho::axis_alignment(&ring, 32),
        morpho::axis_alignment(&square, 32),
    );
    println!("axis alignment: ring {before:.3}, squared off {after:.3}");
    assert!(before.abs() < 0.1, "a ring's edges run every way: {before}");
    assert!(after > 0.4, "the squared-off ring is not square: {after}");
    let (r0, r1) = (morpho::size(&ring, 32), morpho::size(&square, 32));
    assert!((r1 / r0 - 1.0).abs() < 0.05, "size {r0} -> {r1}");
    // The corners sit on the diagonals: ink where the ring had none.
    let corner = |img: &[f32]| img[(16 + 7) * 32 + 16 + 7];
    assert!(corner(&ring) < 0.05 && corner(&square) > 0.3);

    // The device warp is the host's, on digits and for amounts of either sign.
    let device = cpu();
    let inks = inks(&digits(), 0..8);
    let amounts: Vec<f32> = (0..8).map(|i| -0.5 + 0.25 * i as f32).collect();
    let batch = Tensor::<4>::from_data(TensorData::new(inks.concat(), [8, 1, 32, 32]), &device);
    let warped = to_vec(iin::concepts::stylise::square_off(
        batch,
        tensor2(amounts.clone(), 8, 1, &device),
    ))
    .unwrap();
    for (i, ink) in inks.iter().enumerate() {
        let host = morpho::square_off(ink, 32, amounts[i]);
        let d = common::max_abs(&warped[i * 1024..(i + 1) * 1024], &host);
        assert!(
            d < 1e-4,
            "digit {i}, amount {}: device vs host {d}",
            amounts[i]
        );
    }
}

#[test]
fn each_preset_changes_only_its_own_statistic() {
    let shifts: Vec<(Preset, StyleShift)> =
        Preset::ALL.iter().map(|&p| (p, preset_shift(p))).collect();
    for (p, s) in &shifts {
        println!("{}: {s:?}", p.name());
        let own = |x: f32| x != 0.0;
        let moved = [
            own(s.thickness),
            own(s.slant),
            own(s.angularity),
            s.colour != [0.0; 3],
        ];
        let expected = match p {
            Preset::Thickness => [true, false, false, false],
            Preset::Slant => [false, true, false, false],
            Preset::Roundness => [false, false, true, false],
            Preset::Colour => [false, false, false, true],
        };
        assert_eq!(moved, expected, "{} preset: {s:?}", p.name());
    }
    // Angular A, round B.
    let round = preset_shift(Preset::Roundness);
    assert!(round.angularity < -0.3, "{round:?}");
    assert_eq!(Against::dominant(&round), Some(Against::Angularity));
    assert_eq!(
        Against::dominant(&preset_shift(Preset::Thickness)),
        Some(Against::Thickness)
    );
    assert_eq!(Against::dominant(&preset_shift(Preset::Colour)), None);
}

// ---- Learning ----

/// The committed bundle, its examples as digits (the first 800 to learn from, the rest held
/// out) and the reference codes of the learning digits.
struct Setup {
    bundle: Bundle,
    learn: Mnist,
    all: Mnist,
    held_out: Vec<usize>,
    reference: Tensor<2>,
}

fn setup() -> Setup {
    let device = cpu();
    let bundle = Bundle::load_dir(&assets(), &device).unwrap();
    let all = digits();
    let at = 800;
    let learn = Mnist {
        images: all.images[..at * 784].to_vec(),
        labels: all.labels[..at].to_vec(),
        len: at,
    };
    let bytes = std::fs::read(assets().join("examples.bin")).unwrap();
    let pixels: Vec<f32> = parse_examples(&bytes).unwrap()[..at]
        .iter()
        .flat_map(|e| e.image.clone())
        .collect();
    let reference = codes(
        &bundle.autoencoder,
        image_tensor(pixels, 3, &device).unwrap(),
    );
    Setup {
        held_out: (at..all.len).collect(),
        bundle,
        learn,
        all,
        reference,
    }
}

fn trainer(s: &Setup, preset: Preset, batch: usize, seed: u64) -> ConceptTrainer {
    let entry = s.bundle.manifest.flow(FLOW_SUPERVISED).unwrap();
    ConceptTrainer::new(
        &s.bundle.autoencoder,
        s.bundle.flow(FLOW_SUPERVISED).unwrap(),
        &entry.factors,
        "bold",
        preset_shift(preset),
        s.learn.clone(),
        &ConceptTrainerConfig::new()
            .with_batch(batch)
            .with_seed(seed)
            .with_lr(5e-3),
        &cpu(),
    )
    .unwrap()
}

fn spearman_of(s: &Setup, learned: &iin::concepts::LearnedConcept, against: Against) -> f64 {
    concept_spearman(
        &s.bundle.autoencoder,
        &learned.flow,
        &learned.factors,
        &learned.handles,
        "bold",
        against,
        &s.all,
        &s.held_out,
        1,
        &cpu(),
    )
    .unwrap()
}

#[test]
fn a_short_run_on_the_thickness_preset_learns_a_factor_that_tracks_stroke_width() {
    let s = setup();
    let mut t = trainer(&s, Preset::Thickness, 32, 3);
    // The factor carved from the residual, before any learning (the same slider recipe).
    let untrained = spearman_of(
        &s,
        &t.finish(s.reference.clone()).unwrap(),
        Against::Thickness,
    );
    let first = t.step_checked().unwrap();
    for _ in 1..STEPS {
        t.step_checked().unwrap();
    }
    let last = t.step_checked().unwrap();
    let learned = t.finish(s.reference.clone()).unwrap();
    let trained = spearman_of(&s, &learned, Against::Thickness);
    println!("spearman: untrained {untrained:.3}, after {} steps {trained:.3}; loss {first:.1} -> {last:.1}", STEPS + 1);
    assert!(last < first, "the loss did not fall: {first} -> {last}");
    assert!(
        trained >= MIN_RHO,
        "the learned factor tracks stroke width with rho {trained} < {MIN_RHO}"
    );
    assert!(
        trained - untrained.abs() >= MIN_GAIN,
        "learning gained too little over the untrained factor ({untrained} -> {trained})"
    );
    // The slider's positive side is sketch B's (thick strokes).
    let names: Vec<&str> = learned.handles.iter().map(|h| h.factor.as_str()).collect();
    assert_eq!(names, ["digit", "colour", "bold", "residual"]);

    // The concept is a head on the residual: digit and colour are exactly what they were, so
    // their swap fidelity cannot have moved; the residual's coordinates did change.
    let base = s.bundle.flow(FLOW_SUPERVISED).unwrap();
    let (before, _) = base.forward(s.reference.clone());
    let (after, _) = learned.flow.forward(s.reference.clone());
    let kept: usize = learned.factors.factors()[..learned.concept]
        .iter()
        .map(|f| f.size)
        .sum();
    let d = base.dim();
    assert_eq!(
        to_vec(before.clone().narrow(1, 0, kept)).unwrap(),
        to_vec(after.clone().narrow(1, 0, kept)).unwrap(),
        "learning a concept moved the digit or colour coordinates"
    );
    let moved = to_vec(
        (before.narrow(1, kept, d - kept) - after.narrow(1, kept, d - kept))
            .abs()
            .max(),
    )
    .unwrap()[0];
    assert!(
        moved > 1e-2,
        "the head left the residual unchanged (max change {moved})"
    );
}

#[test]
fn a_short_run_on_the_roundness_preset_learns_a_factor_that_tracks_squaring() {
    let s = setup();
    let mut t = trainer(&s, Preset::Roundness, 32, 3);
    // B is the round sketch, so the slider falls as a digit is squared off: negated.
    let untrained = -spearman_of(
        &s,
        &t.finish(s.reference.clone()).unwrap(),
        Against::Angularity,
    );
    for _ in 0..ROUND_STEPS {
        t.step_checked().unwrap();
    }
    let learned = t.finish(s.reference.clone()).unwrap();
    let trained = -spearman_of(&s, &learned, Against::Angularity);
    println!("roundness vs squaring (within digits): untrained {untrained:.3}, after {ROUND_STEPS} steps {trained:.3}");
    assert!(
        trained >= MIN_RHO_ROUND,
        "the learned factor follows squaring with rho {trained} < {MIN_RHO_ROUND}"
    );
    assert!(
        trained - untrained >= MIN_GAIN_ROUND,
        "learning gained too little over the untrained factor ({untrained} -> {trained})"
    );
}

/// The roundness run: the residual's first dimensions already follow squaring within a digit
/// (the untrained slider scores 0.65-0.69 over seeds 3-5); 60 steps do not beat that, 150 do.
/// Measured (seed 3): 0.650 before, 0.740 after 150 steps (0.746 after 400); on the bundle
/// whose flow trained 20000 steps, 0.638 before and 0.746 after 150; on the shipped bundle
/// 0.635 and 0.767.
const ROUND_STEPS: usize = 150;
const MIN_RHO_ROUND: f64 = 0.7;
const MIN_GAIN_ROUND: f64 = 0.05;

/// Steps of the short run, the Spearman correlation it must reach, and by how much it must
/// beat the same slider on the factor before learning (the A-to-B direction in the first four
/// residual dimensions, which already scores 0.2-0.4: the residual holds stroke width too).
/// Measured with the 4-block head (seed 3): on the bundle of fed2b7c 0.32 before, 0.73 after 61
/// steps; on a bundle whose flow trained 20000 steps 0.24 before, 0.56 after 61 steps and
/// 0.79 after 151, hence 150 steps; on the shipped bundle (from-scratch pipeline run) 0.32
/// before, 0.80 after 151.
const STEPS: usize = 150;
const MIN_RHO: f64 = 0.7;
const MIN_GAIN: f64 = 0.15;

#[test]
fn cancel_and_rollback_leave_the_model_bit_identical() {
    let s = setup();
    let original = s.bundle.flow(FLOW_SUPERVISED).unwrap().to_bytes().unwrap();
    let mut t = trainer(&s, Preset::Thickness, 8, 5);
    let start = t.snapshot();
    let fresh = t.flow().unwrap().to_bytes().unwrap();
    t.step_checked().unwrap();
    t.step_checked().unwrap();
    assert_ne!(
        t.flow().unwrap().to_bytes().unwrap(),
        fresh,
        "two steps changed nothing"
    );
    // Cancel: back to the start, bit for bit; the bundle's own flow never changed.
    t.restore(start);
    assert_eq!(t.flow().unwrap().to_bytes().unwrap(), fresh);
    assert_eq!(
        s.bundle.flow(FLOW_SUPERVISED).unwrap().to_bytes().unwrap(),
        original
    );
    assert_eq!(t.steps_done(), 0);

    // Rollback: a step with a NaN learning rate has a finite loss but poisons the weights; the
    // next loss is NaN, and the trainer goes back to the state before the poisoning step.
    let first = t.step_checked().unwrap();
    let good = t.flow().unwrap().to_bytes().unwrap();
    t.set_lr(f64::NAN);
    let poisoning = t.step_checked().unwrap();
    assert!(poisoning.is_finite());
    t.set_lr(1e-3);
    match t.step_checked() {
        Err(IinError::NonFinite(m)) => assert!(m.contains("rolled back"), "{m}"),
        other => panic!("expected a non-finite loss, got {other:?}"),
    }
    assert_eq!(
        t.flow().unwrap().to_bytes().unwrap(),
        good,
        "rollback must restore the weights exactly"
    );
    assert_eq!(t.steps_done(), 1);
    // The optimiser and the samplers came back too: the same step gives the same loss again.
    assert_eq!(t.step_checked().unwrap().to_bits(), poisoning.to_bits());

    // A loss read late (as the page does) is reported by step number.
    let mut t = trainer(&s, Preset::Thickness, 8, 5);
    let l1 = t.step();
    let after_one = t.flow().unwrap().to_bytes().unwrap();
    let l2 = t.step();
    let _ = t.step();
    assert_eq!(l1.into_scalar::<f32>().to_bits(), first.to_bits(), "seeded");
    t.report(1, first).unwrap();
    t.report(2, l2.into_scalar::<f32>()).unwrap();
    assert!(t.report(3, f32::INFINITY).is_err());
    assert_eq!(
        t.flow().unwrap().to_bytes().unwrap(),
        after_one,
        "step 2's loss was finite, so the weights it was computed with are the last good state"
    );
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
#[ignore = "exploration: STEPS=.. BATCH=.. cargo test --test concepts explore_train -- --ignored --nocapture"]
fn explore_train() {
    let device = cpu();
    let bundle = Bundle::load_dir(&assets(), &device).unwrap();
    let digits =
        digits_from_examples(&std::fs::read(assets().join("examples.bin")).unwrap()).unwrap();
    let (train, held) = split(&digits, 800);
    let examples = image_tensor(
        iin::bundle::parse_examples(&std::fs::read(assets().join("examples.bin")).unwrap())
            .unwrap()
            .iter()
            .take(800)
            .flat_map(|e| e.image.clone())
            .collect(),
        3,
        &device,
    )
    .unwrap();
    let reference = codes(&bundle.autoencoder, examples);
    let factors = &bundle.manifest.flow(FLOW_SUPERVISED).unwrap().factors;
    let flow = bundle.flow(FLOW_SUPERVISED).unwrap();
    let steps: usize = std::env::var("STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let batch: usize = std::env::var("BATCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(32);
    for p in [Preset::Thickness, Preset::Slant] {
        let against = if p == Preset::Thickness {
            Against::Thickness
        } else {
            Against::Slant
        };
        let lr: f64 = std::env::var("LR")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1e-3);
        let config = ConceptTrainerConfig::new()
            .with_batch(batch)
            .with_seed(3)
            .with_lr(lr);
        let mut t = ConceptTrainer::new(
            &bundle.autoencoder,
            flow,
            factors,
            "c",
            preset_shift(p),
            train.clone(),
            &config,
            &device,
        )
        .unwrap();
        let before = t.finish(reference.clone()).unwrap();
        let rho0 = concept_spearman(
            &bundle.autoencoder,
            &before.flow,
            &before.factors,
            &before.handles,
            "c",
            against,
            &digits,
            &held,
            1,
            &device,
        )
        .unwrap();
        let start = std::time::Instant::now();
        let mut losses = vec![];
        for _ in 0..steps {
            losses.push(t.step_checked().unwrap());
        }
        let secs = start.elapsed().as_secs_f32();
        let after = t.finish(reference.clone()).unwrap();
        let rho = concept_spearman(
            &bundle.autoencoder,
            &after.flow,
            &after.factors,
            &after.handles,
            "c",
            against,
            &digits,
            &held,
            1,
            &device,
        )
        .unwrap();
        println!("{p:?}: {steps} steps in {secs:.1}s, loss {:.1} -> {:.1}, spearman before {rho0:.3} after {rho:.3}", losses[0], losses[steps-1]);
    }
}
