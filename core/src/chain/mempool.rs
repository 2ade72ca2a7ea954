//! SEAM (owner: vm helper): a reusable mempool. Replace the stub bodies; keep the signatures.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::chain::id::Id;

/// Something a mempool can hold: it has an ID used for de-duplication.
pub trait MempoolEntry {
    /// The entry's ID (TimestampVM: SHA-256 of its 32 data bytes).
    fn id(&self) -> Id;
}

/// Why the mempool refused an entry.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum MempoolError {
    /// The mempool already holds `capacity` entries.
    #[error("the mempool is full ({capacity} entries)")]
    Full {
        /// Its capacity.
        capacity: usize,
    },
    /// An entry with this ID is already pending.
    #[error("entry {0} is already pending")]
    Duplicate(Id),
    /// An entry with this ID is in a block that is processing.
    #[error("entry {id} is already in processing block {block}")]
    InBlock {
        /// The entry.
        id: Id,
        /// The block holding it.
        block: Id,
    },
}

/// Pending entries, oldest first, with the entries lent to processing blocks.
#[derive(Clone, Debug)]
pub struct Mempool<E> {
    capacity: usize,
    pending: VecDeque<E>,
}

impl<E: MempoolEntry + Clone> Mempool<E> {
    /// An empty mempool holding at most `capacity` pending entries.
    pub fn new(capacity: usize) -> Self {
        Mempool {
            capacity,
            pending: VecDeque::new(),
        }
    }
    /// Its capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
    /// Adds an entry at the back, or says why not.
    pub fn add(&mut self, entry: E) -> Result<Id, MempoolError> {
        let id = entry.id();
        self.pending.push_back(entry);
        Ok(id)
    }
    /// Pending entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &E> + '_ {
        self.pending.iter()
    }
    /// Number of pending entries.
    pub fn len(&self) -> usize {
        self.pending.len()
    }
    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
    /// Takes up to `max` oldest entries for a block being built (they stay de-duplicated until
    /// [`Mempool::issued`] records the block, or [`Mempool::give_back`] returns them).
    pub fn take_oldest(&mut self, max: usize) -> Vec<E> {
        let n = max.min(self.pending.len());
        self.pending.drain(..n).collect()
    }
    /// Records that `block` holds `entries` taken with [`Mempool::take_oldest`].
    pub fn issued(&mut self, _block: Id, _entries: Vec<E>) {}
    /// Returns entries taken with [`Mempool::take_oldest`] when building failed, to the front.
    pub fn give_back(&mut self, _entries: Vec<E>) {}
    /// `block` was accepted: its entries leave for good, and pending copies of `entry_ids` too.
    pub fn accepted(&mut self, _block: Id, _entry_ids: &[Id]) {}
    /// `block` was rejected: the entries it took from here return to the front, oldest first.
    pub fn rejected(&mut self, _block: Id) {}
}
