//! A reusable mempool: pending entries in FIFO order (oldest first), de-duplicated by
//! [`MempoolEntry::id`], with the entries lent to blocks that are still processing.
//!
//! It follows the life of an entry in ava-labs/timestampvm (`timestampvm/vm.go`: `proposeBlock`
//! appends to `vm.mempool` up to `MaxMempoolSize`, `BuildBlock` takes `vm.mempool[0]`) and adds
//! what the Go VM leaves out, so that the next VM (signed contract transactions) can reuse it
//! unchanged:
//!
//! 1. [`Mempool::add`] puts an entry at the back, or says why not ([`MempoolError`]).
//! 2. [`Mempool::take_oldest`] hands the oldest entries to a block being built; while the block is
//!    being built they still count as known, so a copy cannot slip in.
//! 3. [`Mempool::issued`] records which block holds them ("lent"), or [`Mempool::give_back`] puts
//!    them back at the front when building failed.
//! 4. [`Mempool::accepted`] lets a block's entries go for good (and drops pending or lent copies
//!    of entries another node's accepted block included); [`Mempool::rejected`] returns a
//!    rejected block's entries to the front, oldest first.
//!
//! Capacity bounds what users can add. Entries coming back from a rejected block or a failed
//! build are never lost to it: they return even when that takes the pending count past capacity
//! (a rejection must not destroy what a user proposed), and new entries are then refused until
//! the count falls below capacity again.
//!
//! Look-ups are `BTreeMap`/`BTreeSet` (ordered, deterministic), so de-duplication costs
//! O(log n) per entry, never a scan.

use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;

use crate::chain::id::Id;

#[cfg(test)]
mod tests;

/// Something a mempool can hold: it has an ID used for de-duplication.
pub trait MempoolEntry {
    /// The entry's ID (TimestampVM: SHA-256 of its 32 data bytes).
    fn id(&self) -> Id;
}

/// Why the mempool refused an entry.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum MempoolError {
    /// The mempool already holds `capacity` pending entries (occurs on [`Mempool::add`] only).
    #[error("the mempool is full ({capacity} entries)")]
    Full {
        /// Its capacity.
        capacity: usize,
    },
    /// An entry with this ID is already pending, or is being built into a block right now
    /// (taken with [`Mempool::take_oldest`] and not yet issued or given back).
    #[error("entry {0} is already pending")]
    Duplicate(Id),
    /// An entry with this ID is in a block that is processing (lent with [`Mempool::issued`]).
    #[error("entry {id} is already in processing block {block}")]
    InBlock {
        /// The entry.
        id: Id,
        /// The block holding it.
        block: Id,
    },
}

/// Pending entries, oldest first, with the entries lent to processing blocks.
///
/// Invariants (checked by the property test): no ID is in two places at once among pending,
/// being built and lent; pending keeps the order entries were added in (returns go to the
/// front); `len() <= capacity()` unless entries came back from a rejection or a failed build.
#[derive(Clone, Debug)]
pub struct Mempool<E> {
    /// Most entries [`Mempool::add`] accepts.
    capacity: usize,
    /// Waiting entries, oldest at the front.
    pending: VecDeque<E>,
    /// IDs of `pending`, for O(log n) de-duplication.
    pending_ids: BTreeSet<Id>,
    /// IDs taken by [`Mempool::take_oldest`] and not yet issued or given back.
    building: BTreeSet<Id>,
    /// Processing block -> the entries it holds, in the order they were taken.
    lent: BTreeMap<Id, Vec<E>>,
    /// Entry ID -> the processing block holding it.
    lent_ids: BTreeMap<Id, Id>,
}

impl<E: MempoolEntry + Clone> Mempool<E> {
    /// An empty mempool holding at most `capacity` pending entries.
    pub fn new(capacity: usize) -> Self {
        Mempool {
            capacity,
            pending: VecDeque::new(),
            pending_ids: BTreeSet::new(),
            building: BTreeSet::new(),
            lent: BTreeMap::new(),
            lent_ids: BTreeMap::new(),
        }
    }

    /// Its capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Adds an entry at the back, or says why not: a copy is pending or being built
    /// ([`MempoolError::Duplicate`]), a copy is in a processing block ([`MempoolError::InBlock`]),
    /// or `capacity` entries are pending ([`MempoolError::Full`]). De-duplication is checked
    /// first because it names the more specific reason.
    pub fn add(&mut self, entry: E) -> Result<Id, MempoolError> {
        let id = entry.id();
        if self.pending_ids.contains(&id) || self.building.contains(&id) {
            return Err(MempoolError::Duplicate(id));
        }
        if let Some(block) = self.lent_ids.get(&id) {
            return Err(MempoolError::InBlock { id, block: *block });
        }
        if self.pending.len() >= self.capacity {
            return Err(MempoolError::Full {
                capacity: self.capacity,
            });
        }
        self.pending_ids.insert(id);
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

    /// True when an entry with this ID is pending (not lent, not being built).
    pub fn contains(&self, id: &Id) -> bool {
        self.pending_ids.contains(id)
    }

    /// The processing block an entry with this ID is lent to, if any.
    pub fn lent_to(&self, id: &Id) -> Option<Id> {
        self.lent_ids.get(id).copied()
    }

    /// Number of entries lent to processing blocks.
    pub fn lent_len(&self) -> usize {
        self.lent_ids.len()
    }

    /// The entries lent to `block`, in the order they were taken (empty when none).
    pub fn lent_entries(&self, block: &Id) -> &[E] {
        self.lent.get(block).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Takes up to `max` oldest entries for a block being built (they stay de-duplicated until
    /// [`Mempool::issued`] records the block, or [`Mempool::give_back`] returns them).
    pub fn take_oldest(&mut self, max: usize) -> Vec<E> {
        let n = max.min(self.pending.len());
        let taken: Vec<E> = self.pending.drain(..n).collect();
        for entry in &taken {
            let id = entry.id();
            self.pending_ids.remove(&id);
            self.building.insert(id);
        }
        taken
    }

    /// Records that `block` holds `entries` taken with [`Mempool::take_oldest`]; they are lent to
    /// it until [`Mempool::accepted`] or [`Mempool::rejected`]. Issuing to a block that already
    /// holds entries appends to them.
    pub fn issued(&mut self, block: Id, entries: Vec<E>) {
        if entries.is_empty() {
            return;
        }
        for entry in &entries {
            let id = entry.id();
            self.building.remove(&id);
            self.lent_ids.insert(id, block);
        }
        self.lent.entry(block).or_default().extend(entries);
    }

    /// Returns entries taken with [`Mempool::take_oldest`] when building failed, to the front, in
    /// their order (so the next build takes them first again). Capacity does not apply. An entry
    /// whose ID is pending or lent meanwhile is dropped rather than duplicated.
    pub fn give_back(&mut self, entries: Vec<E>) {
        for entry in &entries {
            self.building.remove(&entry.id());
        }
        self.return_to_front(entries);
    }

    /// `block` was accepted: the entries lent to it leave for good, and so do entries with one of
    /// `entry_ids` wherever they wait here (pending, or lent to another processing block): the
    /// block may come from another node and include entries this node also holds, and an entry
    /// that is on the chain must not come back when that other block is rejected.
    pub fn accepted(&mut self, block: Id, entry_ids: &[Id]) {
        if let Some(entries) = self.lent.remove(&block) {
            for entry in &entries {
                self.lent_ids.remove(&entry.id());
            }
        }
        let mut any_pending = false;
        for id in entry_ids {
            any_pending |= self.pending_ids.remove(id);
            if let Some(holder) = self.lent_ids.remove(id) {
                if let Some(entries) = self.lent.get_mut(&holder) {
                    entries.retain(|entry| entry.id() != *id);
                    if entries.is_empty() {
                        self.lent.remove(&holder);
                    }
                }
            }
        }
        // One scan of the pending queue, and only when a pending copy was found: the usual
        // case (this node built the block) costs no scan at all.
        if any_pending {
            let pending_ids = &self.pending_ids;
            self.pending
                .retain(|entry| pending_ids.contains(&entry.id()));
        }
    }

    /// `block` was rejected: the entries it took from here return to the front, oldest first,
    /// ahead of everything pending, even when that takes the pending count past capacity (a
    /// rejection must not lose what a user proposed; new entries are refused until it falls
    /// below capacity). A block that holds nothing here changes nothing.
    pub fn rejected(&mut self, block: Id) {
        if let Some(entries) = self.lent.remove(&block) {
            for entry in &entries {
                self.lent_ids.remove(&entry.id());
            }
            self.return_to_front(entries);
        }
    }

    /// Puts `entries` at the front in their order, skipping IDs already pending or lent.
    fn return_to_front(&mut self, entries: Vec<E>) {
        for entry in entries.into_iter().rev() {
            let id = entry.id();
            if self.pending_ids.contains(&id) || self.lent_ids.contains_key(&id) {
                continue;
            }
            self.pending_ids.insert(id);
            self.pending.push_front(entry);
        }
    }
}
