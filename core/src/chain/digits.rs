//! Several small uniform draws from each 32-bit word of a ChaCha stream.
//!
//! The network draws a latency for every message, and each engine draws K nodes for every poll.
//! Drawing a whole word for each of them made generating ChaCha words a tenth of a run in wasm,
//! where ChaCha has no SIMD. A word drawn uniformly from `0..n^k` (the largest power of `n` that
//! fits in 32 bits) is `k` independent uniform digits in base `n`, so one word now serves `k`
//! draws: 4 latencies in the default 10–100 ms range, or 3 nodes out of 1,000.
//!
//! Both steps are exact, so every digit is exactly uniform:
//! - The word comes from Lemire's multiply-and-reject method (D. Lemire, "Fast Random Integer
//!   Generation in an Interval", 2019): `x * n^k` for a 32-bit `x`, redrawn while its low half
//!   is below `2^32 mod n^k`.
//! - Digits come off it with a precomputed reciprocal instead of a division (D. Lemire, O. Kaser,
//!   N. Kurz, "Faster Remainder by Direct Computation", 2019): with `c = ceil(2^64 / n)`,
//!   `floor(x / n)` is the high 64 bits of `c * x` for every 32-bit `x`.
//!
//! Integer arithmetic only: a seed gives the same draws on every platform.

use rand::rngs::ChaCha8Rng;
use rand::Rng;

/// Uniform integers in `0..n` for one `n`, `k` of them from each 32-bit ChaCha word; digits
/// left over from one word are used by the next draws.
#[derive(Clone, Debug)]
pub(crate) struct Digits {
    /// The base.
    n: u32,
    /// `n^k`, at most `2^32`.
    range: u64,
    /// `2^32 mod range`: products whose low half is below it are redrawn.
    threshold: u64,
    /// `ceil(2^64 / n)`.
    reciprocal: u64,
    /// `k`, the digits in a word.
    per_word: u32,
    /// Digits left in `value`.
    left: u32,
    /// The digits not drawn yet, the next one lowest.
    value: u32,
}

impl Digits {
    /// Draws in `0..n` (`n <= 1`: always 0, without touching the generator).
    pub(crate) fn new(n: u32) -> Digits {
        let base = u64::from(n.max(2));
        let (mut range, mut per_word) = (base, 1);
        while let Some(next) = range.checked_mul(base).filter(|next| *next <= 1 << 32) {
            range = next;
            per_word += 1;
        }
        Digits {
            n,
            range,
            threshold: (1 << 32) % range,
            // ceil(2^64 / n): u64::MAX / n is floor(2^64 / n) unless n divides 2^64, when it is
            // one less; either way one more is the ceiling.
            reciprocal: u64::MAX / base + 1,
            per_word,
            left: 0,
            value: 0,
        }
    }

    /// The base `n` it was made for.
    pub(crate) fn base(&self) -> u32 {
        self.n
    }

    /// A uniform integer in `0..n`.
    #[inline(always)]
    pub(crate) fn draw(&mut self, rng: &mut ChaCha8Rng) -> u32 {
        if self.n <= 1 {
            return 0;
        }
        if self.left == 0 {
            self.refill(rng);
        }
        let quotient = divide(self.value, self.reciprocal);
        let digit = self.value - quotient * self.n;
        self.value = quotient;
        self.left -= 1;
        digit
    }

    /// Digits per word in base `n` (1 for `n` above 65,536).
    #[cfg(test)]
    fn per_word(&self) -> u32 {
        self.per_word
    }

    /// Draws a new word uniformly from `0..range`.
    #[inline(always)]
    fn refill(&mut self, rng: &mut ChaCha8Rng) {
        loop {
            let product = u64::from(rng.next_u32()) * self.range;
            if product & 0xffff_ffff >= self.threshold {
                // range <= 2^32, so the high half is below 2^32.
                self.value = (product >> 32) as u32;
                self.left = self.per_word;
                return;
            }
        }
    }
}

/// `floor(x / n)` from `reciprocal = ceil(2^64 / n)`, `n >= 2`: the high 64 bits of
/// `reciprocal * x`, with 64-bit multiplies only (a u128 multiply is a library call in wasm32).
#[inline(always)]
fn divide(x: u32, reciprocal: u64) -> u32 {
    let x = u64::from(x);
    // reciprocal = high * 2^32 + low; reciprocal * x = (high * x + (low * x >> 32)) * 2^32 + a
    // remainder below 2^32, which cannot carry into the high 64 bits. high <= 2^31, so no
    // partial sum overflows.
    let low = (reciprocal & 0xffff_ffff) * x;
    let high = (reciprocal >> 32) * x + (low >> 32);
    (high >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    fn reciprocal(n: u32) -> u64 {
        u64::MAX / u64::from(n) + 1
    }

    proptest! {
        #[test]
        fn the_reciprocal_divides_exactly(x in any::<u32>(), n in 2u32..) {
            prop_assert_eq!(divide(x, reciprocal(n)), x / n);
        }
    }

    #[test]
    fn the_reciprocal_divides_exactly_at_the_edges() {
        let divisors = [
            2,
            3,
            7,
            10,
            91,
            1000,
            65_535,
            65_536,
            65_537,
            1 << 31,
            u32::MAX,
        ];
        for n in divisors {
            for x in [0, 1, n - 1, n, n.wrapping_add(1), u32::MAX - 1, u32::MAX] {
                assert_eq!(divide(x, reciprocal(n)), x / n, "{x} / {n}");
            }
        }
    }

    #[test]
    fn a_word_holds_the_largest_power_of_n_that_fits() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for (n, per_word) in [
            (2, 32),
            (3, 20),
            (91, 4),
            (1000, 3),
            (2000, 2),
            (65_536, 2),
            (65_537, 1),
            (u32::MAX, 1),
        ] {
            let mut digits = Digits::new(n);
            digits.draw(&mut rng);
            assert_eq!(digits.per_word(), per_word, "base {n}");
        }
    }

    #[test]
    fn draws_stay_in_range_and_n_up_to_one_draws_nothing() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for n in [2u32, 3, 91, 1000, 65_537, u32::MAX] {
            let mut digits = Digits::new(n);
            for _ in 0..1000 {
                assert!(digits.draw(&mut rng) < n);
            }
        }
        let before = rng.get_word_pos();
        assert_eq!(Digits::new(1).draw(&mut rng), 0);
        assert_eq!(Digits::new(0).draw(&mut rng), 0);
        assert_eq!(rng.get_word_pos(), before, "no word drawn for n <= 1");
    }

    #[test]
    fn one_word_serves_k_draws() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut digits = Digits::new(91);
        // 91^4 < 2^32: the first 4 draws take one word (barring a rare redraw, not at this seed).
        for _ in 0..4 {
            digits.draw(&mut rng);
        }
        assert_eq!(rng.get_word_pos(), 1);
        digits.draw(&mut rng);
        assert_eq!(rng.get_word_pos(), 2, "the fifth draw starts a new word");
    }

    /// Every digit position is uniform, and the digits of one word are independent: the pairs
    /// of successive draws in base 7 (7^11 per word) spread evenly over the 49 pairs.
    #[test]
    fn digits_are_uniform_and_pairs_independent() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let mut digits = Digits::new(7);
        let draws = 490_000;
        let mut pairs = [0u32; 49];
        for _ in 0..draws / 2 {
            let a = digits.draw(&mut rng);
            let b = digits.draw(&mut rng);
            pairs[(a * 7 + b) as usize] += 1;
        }
        let expected = f64::from(draws / 2) / 49.0;
        let chi_square: f64 = pairs
            .iter()
            .map(|count| (f64::from(*count) - expected).powi(2) / expected)
            .sum();
        // 48 degrees of freedom: the 99.99th percentile is about 94.
        assert!(chi_square < 94.0, "chi-square {chi_square}: {pairs:?}");
    }

    #[test]
    fn same_seed_same_draws() {
        let (mut a, mut b) = (ChaCha8Rng::seed_from_u64(5), ChaCha8Rng::seed_from_u64(5));
        for n in 2..7 {
            let (mut x, mut y) = (Digits::new(n), Digits::new(n));
            for _ in 0..100 {
                assert_eq!(x.draw(&mut a), y.draw(&mut b));
            }
        }
    }
}
