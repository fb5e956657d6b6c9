//! The simulator's only source of randomness: SplitMix64, written out here so that a seed gives
//! the same dataset on every platform and with every dependency version (library RNGs reserve the
//! right to change their streams between releases).
//!
//! Content is derived on demand from a key (`seed`, what, which…) rather than drawn from one long
//! stream, so topic 700,000 of a generated circle can be rendered without generating the 699,999
//! before it.

/// A SplitMix64 generator.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a strong 64-bit mixer.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of a sequence of words, order-sensitive.
pub(crate) fn hash(parts: &[u64]) -> u64 {
    parts.iter().fold(GOLDEN, |acc, &part| {
        mix(acc ^ mix(part.wrapping_add(GOLDEN)))
    })
}

impl Rng {
    /// A generator whose stream is determined by `parts` (typically the seed, a domain tag and
    /// indices).
    pub(crate) fn keyed(parts: &[u64]) -> Self {
        Self { state: hash(parts) }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// Uniform in `0..n` (`0` when `n` is 0). The modulo bias is irrelevant at these sizes.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// `true` with probability `percent`/100.
    pub(crate) fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// `true` with probability `p` (clamped to 0..=1).
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        // 53 random bits give a uniform float in [0, 1).
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        unit < p
    }

    /// An element of `items`.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // Callers only pass the non-empty tables of `dataset::corpus`.
        let index = self.below(items.len() as u64) as usize;
        &items[index.min(items.len().saturating_sub(1))]
    }
}

/// Domain tags, so that two derivations from the same indices never share a stream.
pub(crate) mod tag {
    pub(crate) const CIRCLE: u64 = 1;
    pub(crate) const TIMELINE: u64 = 2;
    pub(crate) const TOPIC: u64 = 3;
    pub(crate) const COMMENT: u64 = 4;
    pub(crate) const USER: u64 = 5;
    pub(crate) const ACTIVITY: u64 = 6;
    pub(crate) const FAULT: u64 = 7;
    pub(crate) const TOKEN: u64 = 8;
    pub(crate) const IMAGE: u64 = 9;
    pub(crate) const SIGNATURE: u64 = 10;
    pub(crate) const HAPPENING: u64 = 11;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_stream() {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        let mut rng = Rng { state: 0 };
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn keyed_streams_are_stable_and_distinct() {
        let a = Rng::keyed(&[42, tag::TOPIC, 7]).next_u64();
        assert_eq!(a, Rng::keyed(&[42, tag::TOPIC, 7]).next_u64());
        assert_ne!(a, Rng::keyed(&[42, tag::TOPIC, 8]).next_u64());
        assert_ne!(a, Rng::keyed(&[43, tag::TOPIC, 7]).next_u64());
        let mut rng = Rng::keyed(&[1]);
        for _ in 0..1000 {
            assert!((3..=5).contains(&rng.range(3, 5)));
        }
    }
}
