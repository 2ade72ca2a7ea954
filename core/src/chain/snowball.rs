//! Snowball: the vote bag, the Snowflake/Snowball counters (`unary`, `binary`, `nnary`), the
//! per-parent bit tree Snowman runs over each block's children (`tree`), the flat n-ary
//! alternative (`flat`) and a color-network harness comparing them (`sim`).
//!
//! avalanchego `snow/consensus/snowball/` (`parameters.go` lives in `chain::params`).

use alloc::vec::Vec;

use crate::chain::id::Id;

pub mod binary;
pub mod flat;
pub mod nnary;
pub mod sim;
pub mod tree;
pub mod unary;

pub use flat::Flat;
pub use tree::Tree;

/// A bag of votes: how much weight each block received in one poll (avalanchego's `bag.Bag`).
///
/// Kept as a vector sorted by ID: a poll's votes name a handful of blocks (usually one), so a
/// binary search over a short vector beats a map, and a bag that is cleared and filled again
/// allocates nothing.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Bag {
    /// Each voted block with its votes, in ID order.
    counts: Vec<(Id, u64)>,
    total: u64,
}

impl Bag {
    /// An empty bag.
    pub fn new() -> Self {
        Bag::default()
    }
    /// Adds `weight` votes for `id`.
    pub fn add(&mut self, id: Id, weight: u64) {
        match self.counts.binary_search_by(|(known, _)| known.cmp(&id)) {
            Ok(at) => {
                if let Some((_, count)) = self.counts.get_mut(at) {
                    *count = count.saturating_add(weight);
                }
            }
            Err(at) => self.counts.insert(at, (id, weight)),
        }
        self.total = self.total.saturating_add(weight);
    }
    /// Votes for `id`.
    pub fn count(&self, id: &Id) -> u64 {
        match self.counts.binary_search_by(|(known, _)| known.cmp(id)) {
            Ok(at) => self.counts.get(at).map_or(0, |(_, count)| *count),
            Err(_) => 0,
        }
    }
    /// Empties the bag, keeping it for reuse.
    pub fn clear(&mut self) {
        self.counts.clear();
        self.total = 0;
    }
    /// All votes.
    pub fn total(&self) -> u64 {
        self.total
    }
    /// Each voted block with its votes, in ID order.
    pub fn iter(&self) -> impl Iterator<Item = (&Id, u64)> + '_ {
        self.counts.iter().map(|(id, count)| (id, *count))
    }
    /// How many distinct blocks received votes.
    pub fn len(&self) -> usize {
        self.counts.len()
    }
    /// True when nobody voted.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
    /// The block with the most votes (lowest ID on a tie) and its votes.
    pub fn mode(&self) -> Option<(Id, u64)> {
        let mut best: Option<(Id, u64)> = None;
        for (id, count) in self.iter() {
            if best.is_none_or(|(_, most)| count > most) {
                best = Some((*id, count));
            }
        }
        best
    }
}
