//! A minimal PNG writer (8-bit RGB, zlib "stored" blocks, no compression library) for the
//! figures `iin eval` draws: grids of 32 x 32 images in [-1, 1].

use std::path::Path;

use anyhow::{Context, Result};

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + x as u32) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

/// Encodes `width x height` RGB bytes (row-major) as a PNG file.
pub fn encode_rgb(width: usize, height: usize, rgb: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(height * (1 + 3 * width));
    for row in rgb.chunks(3 * width) {
        raw.push(0); // filter: none
        raw.extend(row);
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend(len.to_le_bytes());
        zlib.extend((!len).to_le_bytes());
        zlib.extend(*block);
    }
    zlib.extend(adler32(&raw).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend((width as u32).to_be_bytes());
    header.extend((height as u32).to_be_bytes());
    header.extend([8, 2, 0, 0, 0]); // 8-bit, truecolour, deflate, no filter, no interlace
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Writes rows of `3 x 32 x 32` images (values in [-1, 1]) as one PNG, each image scaled by
/// `zoom` and separated by a 2-pixel gap.
pub fn write_grid(path: &Path, rows: &[Vec<Vec<f32>>], zoom: usize) -> Result<()> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let (side, gap) = (32 * zoom, 2);
    let (width, height) = (cols * (side + gap) + gap, rows.len() * (side + gap) + gap);
    let mut rgb = vec![255u8; width * height * 3];
    for (r, row) in rows.iter().enumerate() {
        for (c, image) in row.iter().enumerate() {
            for y in 0..side {
                for x in 0..side {
                    let (py, px) = (gap + r * (side + gap) + y, gap + c * (side + gap) + x);
                    for ch in 0..3 {
                        let v = image[ch * 1024 + (y / zoom) * 32 + x / zoom];
                        rgb[(py * width + px) * 3 + ch] =
                            ((v.clamp(-1.0, 1.0) + 1.0) * 127.5) as u8;
                    }
                }
            }
        }
    }
    std::fs::write(path, encode_rgb(width, height, &rgb))
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_known_values() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let png = encode_rgb(1, 1, &[255, 0, 0]);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}
