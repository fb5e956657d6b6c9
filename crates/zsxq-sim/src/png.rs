//! A minimal PNG encoder for the simulator's images: 4-bit palette images, zlib "stored"
//! (uncompressed) blocks, CRC-32 and Adler-32 written out by hand. Real decoders (browsers, the
//! `png` crate) read them, which is all the sim needs; no compression library is pulled in.

use crate::rng::{Rng, tag};

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Renders the picture for `key` at `width`×`height`: soft diagonal bands in a palette derived
/// from the key, so every image looks different but the same key always gives the same bytes.
pub(crate) fn render(key: u64, width: u32, height: u32) -> Vec<u8> {
    let mut rng = Rng::keyed(&[tag::IMAGE, key]);
    let base = [
        rng.range(40, 215) as i32,
        rng.range(40, 215) as i32,
        rng.range(40, 215) as i32,
    ];
    let mut palette = Vec::with_capacity(16 * 3);
    for shade in 0..16i32 {
        for channel in base {
            palette.push((channel + (shade - 8) * 5).clamp(0, 255) as u8);
        }
    }
    let band = rng.range(6, 24) as u32;
    let tilt = rng.range(1, 3) as u32;
    let pixels = |x: u32, y: u32| -> u8 { (((x + y * tilt) / band) % 16) as u8 };
    encode_indexed4(width, height, &palette, pixels)
}

/// Encodes a 4-bit indexed image; `pixel(x, y)` gives a palette index below 16.
fn encode_indexed4(
    width: u32,
    height: u32,
    palette: &[u8],
    pixel: impl Fn(u32, u32) -> u8,
) -> Vec<u8> {
    let row_bytes = width.div_ceil(2) as usize;
    let mut raw = Vec::with_capacity((row_bytes + 1) * height as usize);
    for y in 0..height {
        raw.push(0); // filter type: none
        for pair in 0..row_bytes as u32 {
            let hi = pixel(pair * 2, y) & 0x0F;
            let lo = if pair * 2 + 1 < width {
                pixel(pair * 2 + 1, y) & 0x0F
            } else {
                0
            };
            raw.push((hi << 4) | lo);
        }
    }

    let mut out = SIGNATURE.to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[4, 3, 0, 0, 0]); // depth 4, indexed colour, no interlace
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"PLTE", palette);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of stored deflate blocks (each at most 65,535 bytes).
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// The size in bytes of [`render`]'s output for these dimensions, without rendering it.
pub(crate) fn encoded_len(width: u32, height: u32) -> u64 {
    let raw = (u64::from(width.div_ceil(2)) + 1) * u64::from(height);
    let blocks = raw.div_ceil(65_535).max(1);
    let zlib = 2 + blocks * 5 + raw + 4;
    // Signature, IHDR, PLTE (16 colours), IDAT, IEND; 12 bytes of framing per chunk.
    8 + (12 + 13) + (12 + 48) + (12 + zlib) + 12
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_known_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn images_are_deterministic_pngs() {
        let a = render(7, 33, 20);
        assert_eq!(&a[..8], &SIGNATURE);
        assert_eq!(a, render(7, 33, 20));
        assert_ne!(a, render(8, 33, 20));
        // Large enough to need several stored blocks.
        let big = render(1, 800, 400);
        assert!(big.len() > 65_535 * 2);
        for (w, h) in [(33, 20), (800, 400), (1, 1), (480, 640)] {
            assert_eq!(render(3, w, h).len() as u64, encoded_len(w, h));
        }
    }
}
