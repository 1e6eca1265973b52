//! ColorMNIST (METHOD.md §7): a grey digit `g` in [-1, 1] times a colour `c ~ U[0, 1]^3`,
//! channel by channel: `x_k = g * c_k`, so the stroke is `+c` and the background `-c`.
//!
//! [`measure_colour`] reads `c` back from the pixels of any such image, also a decoded one, from
//! the background alone: per channel, minus the mean of the shortest interval that holds half of
//! the pixel values (the "shorth", a mode-seeking location estimate with 50 % breakdown). The
//! background is the largest and tightest cluster of every MNIST image (about 85 % of the padded
//! pixels; more than half even for thickened digits), so on clean images the interval has width
//! 0 and sits exactly at `-c_k`. Unlike an average over the ink it needs no threshold and ignores
//! anti-aliased edges (whose `g` is below 1) and blurry strokes; unlike the plain median it is
//! not pulled toward the ink when noise widens the background cluster.

use crate::rng::SplitMix64;

/// An RGB colour, each channel in [0, 1].
pub type Rgb = [f32; 3];

/// `c ~ U[0, 1]^3`.
pub fn random_colour(rng: &mut SplitMix64) -> Rgb {
    [0; 3].map(|_| rng.uniform() as f32)
}

/// A grey image in [-1, 1] (`n` pixels) coloured by `colour`: `3 * n` values, channel-major
/// (`[3, H, W]`), `x_k = g * c_k`.
pub fn colourise(grey: &[f32], colour: Rgb) -> Vec<f32> {
    colour
        .iter()
        .flat_map(|&c| grey.iter().map(move |&g| g * c))
        .collect()
}

/// The colour of a ColorMNIST image (`[3, H, W]`, channel-major): per channel, minus the mean of
/// the shortest interval holding half of the values. Precondition: at least half of the pixels
/// are background. Not clamped to [0, 1], so a decoder's errors stay visible.
pub fn measure_colour(image: &[f32]) -> Rgb {
    assert!(
        !image.is_empty() && image.len().is_multiple_of(3),
        "a colour image has 3 channels of at least one pixel"
    );
    let n = image.len() / 3;
    let mut out = [0.0; 3];
    for (k, c) in out.iter_mut().enumerate() {
        *c = -shorth(&image[k * n..(k + 1) * n]);
    }
    out
}

/// Largest absolute channel difference between two colours.
pub fn colour_error(a: Rgb, b: Rgb) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Mean of the shortest interval that holds half of `values` (the first one, on ties).
fn shorth(values: &[f32]) -> f32 {
    let mut v = values.to_vec();
    v.sort_unstable_by(f32::total_cmp);
    let h = v.len().div_ceil(2);
    let start = (0..=v.len() - h)
        .min_by(|&a, &b| (v[a + h - 1] - v[a]).total_cmp(&(v[b + h - 1] - v[b])))
        .unwrap_or(0);
    v[start..start + h].iter().sum::<f32>() / h as f32
}
