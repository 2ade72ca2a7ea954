//! Sampling K validators for a poll: weighted sampling without replacement, as the validator
//! manager's `Sample` in avalanchego (`snow/validators/manager.go` over
//! `utils/sampler/weighted_without_replacement.go`), with one difference: a validator is drawn at
//! most once, so every sampled node carries one vote. With unit stake the two agree.
//!
//! Cost per poll is O(K) expected draws: unit stake draws a uniform index and redraws repeats;
//! weighted stake draws a point on the cumulative-weight line, finds its validator by binary
//! search and redraws repeats. When repeats get frequent (K close to the number of validators,
//! or a few validators holding most of the stake) it switches to an exact O(N) method, so a
//! sample always finishes. Every draw comes from the engine's seeded ChaCha stream through
//! integer arithmetic only, so a seed gives the same sample on every platform; unit-stake draws
//! take several nodes from each ChaCha word ([`Digits`]: three out of 1,000).

use alloc::vec::Vec;

use rand::rngs::ChaCha8Rng;
use rand::Rng;

use crate::chain::digits::Digits;
use crate::chain::engine::NodeIndex;

/// Validators a sampler draws from: the first 16,384 (the network has at most
/// [`MAX_NODES`](crate::chain::network::MAX_NODES) = 10,000). A poll keeps each sampled node in
/// 16 bits and the number of an answer it could not pack in 14 ([`Poll`](super::poll::Poll)).
pub const MAX_VALIDATORS: usize = 1 << 14;

/// Draws that may be wasted on repeats before the exact fallback takes over, per sampled node.
const REDRAWS_PER_NODE: usize = 16;

/// A uniform integer in `0..n` (`n > 0`) from `rng`, by Lemire's multiply-and-reject method:
/// exact, branch-light, and the same on every platform.
pub(crate) fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    Below::new(n).draw(rng)
}

/// [`below`] for one bound drawn from many times (a sample's K draws): the rejection threshold,
/// a division, is computed once. The draws are exactly those of [`below`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Below {
    n: u64,
    /// Values of the low half below it would make some results more likely than others.
    threshold: u64,
}

impl Below {
    /// Draws in `0..n` (`n <= 1`: always 0, without touching the generator).
    pub(crate) fn new(n: u64) -> Below {
        let threshold = if n <= 1 { 0 } else { n.wrapping_neg() % n };
        Below { n, threshold }
    }

    /// One draw.
    #[inline]
    pub(crate) fn draw(&self, rng: &mut ChaCha8Rng) -> u64 {
        if self.n <= 1 {
            return 0;
        }
        loop {
            let (high, low) = wide_mul(rng.next_u64(), self.n);
            if low >= self.threshold {
                return high;
            }
        }
    }
}

/// The 128-bit product `x * n` as (high, low) 64-bit halves.
#[cfg(target_pointer_width = "64")]
#[inline]
fn wide_mul(x: u64, n: u64) -> (u64, u64) {
    let product = u128::from(x) * u128::from(n);
    ((product >> 64) as u64, product as u64)
}

/// The 128-bit product `x * n` as (high, low) 64-bit halves. On 32-bit targets (wasm32) a u128
/// multiply is a library call; with `n` below 2^32, which covers unit stake, two 64-bit
/// multiplies of 32-bit halves give the same product.
#[cfg(not(target_pointer_width = "64"))]
#[inline]
fn wide_mul(x: u64, n: u64) -> (u64, u64) {
    wide_mul_split(x, n)
}

/// [`wide_mul`] by halves when `n < 2^32`, else through u128.
#[cfg_attr(target_pointer_width = "64", allow(dead_code))]
#[inline]
fn wide_mul_split(x: u64, n: u64) -> (u64, u64) {
    if n > u64::from(u32::MAX) {
        let product = u128::from(x) * u128::from(n);
        return ((product >> 64) as u64, product as u64);
    }
    // x * n = (high_x * n) << 32 + low_x * n, each partial product below 2^64.
    let low_part = (x & 0xffff_ffff) * n;
    let high_part = (x >> 32) * n + (low_part >> 32);
    (
        high_part >> 32,
        (high_part << 32) | (low_part & 0xffff_ffff),
    )
}

/// Draws with `draw` until `out` holds `want` distinct validators, redrawing repeats. False
/// when repeats got frequent before that: [`Sampler::exact`] completes the sample then.
#[inline]
fn fill(
    rng: &mut ChaCha8Rng,
    want: usize,
    out: &mut Vec<NodeIndex>,
    mut draw: impl FnMut(&mut ChaCha8Rng) -> NodeIndex,
) -> bool {
    let mut redraws = want.saturating_mul(REDRAWS_PER_NODE);
    // One bit per residue mod 64 of the nodes drawn so far: a clear bit proves a draw new
    // without scanning `out` (with K = 20, most draws).
    let mut drawn_mod_64 = 0u64;
    while out.len() < want {
        let drawn = draw(rng);
        let bit = 1u64 << (drawn % 64);
        let repeat = drawn_mod_64 & bit != 0 && out.contains(&drawn);
        if !repeat {
            drawn_mod_64 |= bit;
            out.push(drawn);
        } else if redraws == 0 {
            return false;
        } else {
            redraws -= 1;
        }
    }
    true
}

/// How the validators' stake is laid out.
#[derive(Clone, Debug)]
enum Stake {
    /// Every validator has the same positive weight: draws are uniform over `0..n`, several per
    /// ChaCha word, `n` the number of validators (the digits' base).
    Unit(Digits),
    /// Different weights: `cumulative[i]` is the total weight of validators `0..=i`.
    Weighted {
        /// Running sums of the weights.
        cumulative: Vec<u64>,
        /// How many validators have a positive weight (the most a sample can hold).
        positive: u32,
    },
}

/// Samples distinct validators by stake.
#[derive(Clone, Debug)]
pub struct Sampler {
    stake: Stake,
}

impl Sampler {
    /// A sampler over `weights` (index = node; only the first [`MAX_VALIDATORS`] are drawn
    /// from). Equal positive weights take the unit-stake path, which needs no table.
    pub fn new(weights: &[u64]) -> Sampler {
        let weights = weights.get(..MAX_VALIDATORS).unwrap_or(weights);
        let n = u32::try_from(weights.len()).unwrap_or(u32::MAX);
        let uniform = weights
            .first()
            .is_some_and(|first| *first > 0 && weights.iter().all(|w| w == first));
        if uniform || weights.is_empty() {
            return Sampler {
                stake: Stake::Unit(Digits::new(n)),
            };
        }
        let mut total = 0u64;
        let mut positive = 0u32;
        let cumulative = weights
            .iter()
            .map(|w| {
                if *w > 0 {
                    positive = positive.saturating_add(1);
                }
                total = total.saturating_add(*w);
                total
            })
            .collect();
        Sampler {
            stake: Stake::Weighted {
                cumulative,
                positive,
            },
        }
    }

    /// How many distinct validators a sample can hold at most.
    pub fn capacity(&self) -> u32 {
        match &self.stake {
            Stake::Unit(digits) => digits.base(),
            Stake::Weighted { positive, .. } => *positive,
        }
    }

    /// Fills `out` (cleared first) with `min(k, capacity)` distinct validators, in draw order.
    pub fn sample(&mut self, rng: &mut ChaCha8Rng, k: u32, out: &mut Vec<NodeIndex>) {
        out.clear();
        let want = k.min(self.capacity()) as usize;
        if want == 0 {
            return;
        }
        out.reserve(want);
        let complete = match &mut self.stake {
            Stake::Unit(digits) => fill(rng, want, out, |rng| digits.draw(rng)),
            Stake::Weighted { cumulative, .. } => {
                let line = Below::new(cumulative.last().copied().unwrap_or(0));
                fill(rng, want, out, |rng| {
                    let point = line.draw(rng);
                    // The validator whose stretch of the line holds `point`.
                    cumulative.partition_point(|c| *c <= point) as NodeIndex
                })
            }
        };
        if !complete {
            self.exact(rng, want, out);
        }
    }

    /// Completes `out` to `want` validators with one O(N) pass per draw over the validators not
    /// yet sampled: always terminates, used only when redraws became frequent.
    fn exact(&self, rng: &mut ChaCha8Rng, want: usize, out: &mut Vec<NodeIndex>) {
        while out.len() < want {
            let remaining: u64 = (0..self.len())
                .filter(|i| !out.contains(i))
                .map(|i| self.weight(i))
                .sum();
            if remaining == 0 {
                return;
            }
            let mut point = below(rng, remaining);
            let mut chosen = None;
            for i in (0..self.len()).filter(|i| !out.contains(i)) {
                let w = self.weight(i);
                if point < w {
                    chosen = Some(i);
                    break;
                }
                point -= w;
            }
            match chosen {
                Some(i) => out.push(i),
                None => return,
            }
        }
    }

    /// Number of validators.
    fn len(&self) -> NodeIndex {
        match &self.stake {
            Stake::Unit(digits) => digits.base(),
            Stake::Weighted { cumulative, .. } => {
                NodeIndex::try_from(cumulative.len()).unwrap_or(NodeIndex::MAX)
            }
        }
    }

    /// Weight of validator `i` (unit stake: 1).
    fn weight(&self, i: NodeIndex) -> u64 {
        match &self.stake {
            Stake::Unit(_) => 1,
            Stake::Weighted { cumulative, .. } => {
                let i = i as usize;
                let upto = cumulative.get(i).copied().unwrap_or(0);
                let before = i
                    .checked_sub(1)
                    .and_then(|j| cumulative.get(j))
                    .copied()
                    .unwrap_or(0);
                upto - before
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn distinct(sample: &[NodeIndex]) -> bool {
        let mut sorted = sample.to_vec();
        sorted.sort_unstable();
        sorted.windows(2).all(|w| w[0] != w[1])
    }

    #[test]
    fn unit_stake_samples_k_distinct_nodes_in_range() {
        let mut sampler = Sampler::new(&[1; 100]);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut out = Vec::new();
        for _ in 0..200 {
            sampler.sample(&mut rng, 20, &mut out);
            assert_eq!(out.len(), 20);
            assert!(distinct(&out));
            assert!(out.iter().all(|i| *i < 100));
        }
    }

    #[test]
    fn k_equal_to_n_samples_everyone_and_k_above_n_is_capped() {
        let mut sampler = Sampler::new(&[1; 5]);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut out = Vec::new();
        sampler.sample(&mut rng, 5, &mut out);
        let mut sorted = out.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, [0, 1, 2, 3, 4]);
        sampler.sample(&mut rng, 20, &mut out);
        assert_eq!(out.len(), 5);
        assert!(distinct(&out));
    }

    #[test]
    fn only_the_first_max_validators_are_drawn_from() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut out = Vec::new();
        let weights: [Vec<u64>; 2] = [alloc::vec![1; 20_000], (1..=20_000).collect()];
        for weights in weights {
            let mut sampler = Sampler::new(&weights);
            assert_eq!(sampler.capacity() as usize, MAX_VALIDATORS);
            for _ in 0..200 {
                sampler.sample(&mut rng, 50, &mut out);
                assert_eq!(out.len(), 50);
                assert!(out.iter().all(|node| (*node as usize) < MAX_VALIDATORS));
            }
        }
    }

    #[test]
    fn zero_weight_validators_are_never_sampled() {
        let mut sampler = Sampler::new(&[0, 5, 0, 1, 1]);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut out = Vec::new();
        for _ in 0..100 {
            sampler.sample(&mut rng, 4, &mut out);
            assert_eq!(out.len(), 3, "only three validators have stake");
            assert!(!out.contains(&0) && !out.contains(&2));
            assert!(distinct(&out));
        }
    }

    #[test]
    fn heavier_validators_are_sampled_more_often() {
        let mut weights = [1u64; 10];
        weights[3] = 50;
        let mut sampler = Sampler::new(&weights);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut out = Vec::new();
        let (mut heavy_first, mut light_first) = (0u32, 0u32);
        for _ in 0..1000 {
            sampler.sample(&mut rng, 2, &mut out);
            if out[0] == 3 {
                heavy_first += 1;
            } else if out[0] == 4 {
                light_first += 1;
            }
        }
        // Expected 50/59 versus 1/59 of the first draws.
        assert!(heavy_first > 700, "heavy first {heavy_first}");
        assert!(light_first < 60, "light first {light_first}");
    }

    /// Unit stake draws several nodes from each ChaCha word: every node is still sampled equally
    /// often, in every position of the sample.
    #[test]
    fn unit_stake_samples_every_node_equally_often() {
        let mut sampler = Sampler::new(&[1; 50]);
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        let mut out = Vec::new();
        let (samples, k) = (10_000, 10);
        let mut anywhere = [0u32; 50];
        let mut first = [0u32; 50];
        for _ in 0..samples {
            sampler.sample(&mut rng, k, &mut out);
            for node in &out {
                anywhere[*node as usize] += 1;
            }
            first[out[0] as usize] += 1;
        }
        let chi_square = |counts: &[u32; 50], total: u32| -> f64 {
            let expected = f64::from(total) / 50.0;
            counts
                .iter()
                .map(|count| (f64::from(*count) - expected).powi(2) / expected)
                .sum()
        };
        // 49 degrees of freedom: the 99.99th percentile is about 95.
        let spread = chi_square(&anywhere, samples * k);
        assert!(spread < 95.0, "all positions: chi-square {spread}");
        let spread = chi_square(&first, samples);
        assert!(spread < 95.0, "first position: chi-square {spread}");
    }

    #[test]
    fn same_seed_gives_the_same_sample() {
        let mut sampler = Sampler::new(&[2, 3, 5, 7, 11, 13, 17]);
        let (mut a, mut b) = (ChaCha8Rng::seed_from_u64(5), ChaCha8Rng::seed_from_u64(5));
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..50 {
            sampler.sample(&mut a, 6, &mut x);
            sampler.sample(&mut b, 6, &mut y);
            assert_eq!(x, y);
        }
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for n in [1u64, 2, 3, 7, 1000, u64::MAX] {
            for _ in 0..100 {
                assert!(below(&mut rng, n) < n);
            }
        }
        assert_eq!(below(&mut rng, 0), 0);
    }

    #[test]
    fn the_split_product_is_the_u128_product() {
        let mut rng = ChaCha8Rng::seed_from_u64(13);
        for n in [
            2u64,
            3,
            1000,
            1 << 31,
            u64::from(u32::MAX),
            1 << 32,
            u64::MAX,
        ] {
            for _ in 0..1000 {
                let x = rng.next_u64();
                let product = u128::from(x) * u128::from(n);
                let expected = ((product >> 64) as u64, product as u64);
                assert_eq!(wide_mul_split(x, n), expected, "{x} * {n}");
                assert_eq!(wide_mul(x, n), expected, "{x} * {n}");
            }
        }
    }
}
