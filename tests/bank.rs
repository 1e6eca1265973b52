//! The code bank flows train from: colour pairs share a colour and differ in digit, digit pairs
//! share a label and differ in image, refreshing replaces the oldest pairs, and all of it is
//! reproducible from the seed.

mod common;

use burn::tensor::Tensor;
use common::cpu;
use iin::data::{Mnist, Shared};
use iin::rng::SplitMix64;
use iin::tensor_util::to_vec;
use iin::train::{CodeBank, Encoded};

/// 60 random "digits" with plenty of ink, labels 0..=4.
fn digits() -> Mnist {
    let mut rng = SplitMix64::new(1);
    let len = 60;
    Mnist {
        images: (0..len * 784).map(|_| 128 + rng.below(128) as u8).collect(),
        labels: (0..len).map(|i| (i % 5) as u8).collect(),
        len,
    }
}

/// A stand-in encoder: each image's per-channel pixel sums. ColorMNIST multiplies one grey image
/// by the colour, so the code is `colour * sum(grey)`: its direction is the colour.
fn encode(images: Tensor<4>) -> iin::error::Result<Encoded> {
    let [b, c, h, w] = images.dims();
    let v = to_vec(images)?;
    let sums = v
        .chunks(h * w)
        .map(|ch| ch.iter().sum::<f32>())
        .collect::<Vec<_>>();
    assert_eq!(sums.len(), b * c);
    Ok((sums, None))
}

fn entry_of(bank: &CodeBank, code: &[f32]) -> usize {
    (0..bank.len())
        .find(|&e| bank.code(e) == code)
        .expect("a drawn code is a bank entry (no posterior noise here)")
}

#[test]
fn pairs_share_what_they_should_and_nothing_else() {
    let mnist = digits();
    let bank = CodeBank::build(&mnist, 40, 16, 3, &cpu(), encode, |_| {}).unwrap();
    assert_eq!(bank.len(), 80);
    assert_eq!(bank.dim(), 3);
    for k in 0..40 {
        assert_ne!(
            bank.label(2 * k),
            bank.label(2 * k + 1),
            "a colour pair of one digit"
        );
    }
    let pairs = bank.pairs(64, &mut SplitMix64::new(9));
    let (mut digit, mut colour) = (0, 0);
    for i in 0..pairs.len() {
        let (a, b) = (&pairs.a[i * 3..i * 3 + 3], &pairs.b[i * 3..i * 3 + 3]);
        let (ea, eb) = (entry_of(&bank, a), entry_of(&bank, b));
        match pairs.shared[i] {
            Shared::Digit => {
                digit += 1;
                assert_eq!(bank.label(ea), bank.label(eb));
                assert_ne!(bank.image(ea), bank.image(eb), "a digit pair of one image");
            }
            Shared::Colour => {
                colour += 1;
                assert_eq!(ea / 2, eb / 2, "a colour pair from two stored pairs");
                assert_ne!(ea, eb);
                // One colour: the codes point the same way.
                let unit = |c: &[f32]| {
                    let n = c.iter().map(|v| v * v).sum::<f32>().sqrt();
                    [c[0] / n, c[1] / n, c[2] / n]
                };
                let (ua, ub) = (unit(a), unit(b));
                let gap = (0..3).map(|k| (ua[k] - ub[k]).abs()).fold(0f32, f32::max);
                assert!(gap < 1e-4, "colours {ua:?} vs {ub:?}");
            }
        }
    }
    assert_eq!((digit, colour), (32, 32));
    // Digit pairs have independent colours (the check above is not vacuous).
    let i = (0..pairs.len())
        .find(|&i| pairs.shared[i] == Shared::Digit)
        .unwrap();
    assert_ne!(
        pairs.a[i * 3] / pairs.a[i * 3 + 2],
        pairs.b[i * 3] / pairs.b[i * 3 + 2]
    );
}

#[test]
fn refresh_replaces_the_oldest_pairs_and_everything_is_seeded() {
    let mnist = digits();
    let build = || CodeBank::build(&mnist, 20, 7, 5, &cpu(), encode, |_| {}).unwrap();
    let mut a = build();
    let b = build();
    let codes = |bank: &CodeBank| {
        (0..bank.len())
            .map(|e| bank.code(e).to_vec())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&a), codes(&b), "the same seed gives the same bank");
    assert_eq!(
        a.pairs(8, &mut SplitMix64::new(1)).a,
        b.pairs(8, &mut SplitMix64::new(1)).a
    );
    let before = codes(&a);
    a.refresh(&mnist, 6, &cpu(), encode).unwrap();
    let after = codes(&a);
    assert!(
        (0..12).all(|e| before[e] != after[e]),
        "the 6 oldest pairs were replaced"
    );
    assert_eq!(before[12..], after[12..], "the others stayed");
    // The ring goes on where it stopped, and wraps.
    a.refresh(&mnist, 20, &cpu(), encode).unwrap();
    let wrapped = codes(&a);
    assert!((12..40).all(|e| wrapped[e] != after[e]));
    for k in 0..20 {
        assert_ne!(a.label(2 * k), a.label(2 * k + 1));
    }
    // Too few pairs or an empty chunk is refused with a reason.
    let err = CodeBank::build(&mnist, 1, 4, 0, &cpu(), encode, |_| {}).unwrap_err();
    assert!(err.to_string().contains("at least 2 pairs"), "{err}");
}
