//! The TimestampVM, byte-compatible with ava-labs/timestampvm (Go: `timestampvm/block.go`,
//! `codec.go`, `vm.go`, `service.go`): each block holds 32 bytes of data and a timestamp.
//!
//! - The codec, [`Data`] and [`genesis_bytes`] live in [`block`]; block bytes and IDs match the
//!   Go VM's bit for bit.
//! - [`TimestampVm`] owns one node's blocks (every block it has seen, with its status), the
//!   accepted chain indexed by height, the preference, and a [`Mempool`] of [`Data`] (capacity
//!   [`MAX_MEMPOOL_SIZE`], Go's `MaxMempoolSize`).
//! - Virtual time replaces `time.Now()`: `now` is an argument of [`ChainVm::build_block`] and
//!   [`ChainVm::verify`].
//!
//! Where this VM goes beyond the Go one, it is to enforce the engine's ordering guarantees (see
//! [`crate::chain::vm`]) as [`VmError::Order`] instead of trusting them, to give a rejected
//! block's data back to the mempool (Go drops it), and to keep the built block's data when
//! building fails.

pub mod block;

#[cfg(test)]
mod tests;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::chain::id::Id;
use crate::chain::mempool::{Mempool, MempoolEntry};
use crate::chain::vm::{BlockHeader, ChainVm, Health, Status, Timestamp, VmError};

pub use block::{genesis_bytes, Block, Data, BLOCK_LEN, CODEC_VERSION, DATA_LEN};

/// Most pending entries (Go's `MaxMempoolSize`).
pub const MAX_MEMPOOL_SIZE: usize = 4096;

/// How far ahead of local time a block's timestamp may be, in seconds (`block.go` `Verify`:
/// one hour).
pub const MAX_FUTURE_SECONDS: Timestamp = 3600;

/// The text [`ChainVm::version`] returns.
pub const VERSION: &str = "timestampvm/v1.3.3 (snowrv)";

/// Where the VM is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Life {
    /// Made with [`TimestampVm::new`], not yet initialized.
    New,
    /// Initialized, not shut down.
    Running,
    /// [`ChainVm::shutdown`] was called.
    ShutDown,
}

/// One block the VM knows: the common header and the decoded fields.
#[derive(Clone, Debug)]
struct Known {
    header: BlockHeader,
    block: Block,
}

/// The TimestampVM of one node.
#[derive(Clone, Debug)]
pub struct TimestampVm {
    life: Life,
    /// Every block seen (built, parsed, genesis), with its status.
    blocks: BTreeMap<Id, Known>,
    /// Accepted block IDs, index = height.
    accepted: Vec<Id>,
    /// Blocks known and not decided.
    processing: usize,
    preference: Id,
    mempool: Mempool<Data>,
}

impl Default for TimestampVm {
    fn default() -> Self {
        TimestampVm::new()
    }
}

impl TimestampVm {
    /// A VM that is not yet initialized, with a mempool of [`MAX_MEMPOOL_SIZE`] entries.
    pub fn new() -> Self {
        TimestampVm::with_mempool_capacity(MAX_MEMPOOL_SIZE)
    }

    /// A VM that is not yet initialized, with a mempool of `capacity` entries.
    pub fn with_mempool_capacity(capacity: usize) -> Self {
        TimestampVm {
            life: Life::New,
            blocks: BTreeMap::new(),
            accepted: Vec::new(),
            processing: 0,
            preference: Id::EMPTY,
            mempool: Mempool::new(capacity),
        }
    }

    /// The mempool (pending entries and what processing blocks hold).
    pub fn mempool(&self) -> &Mempool<Data> {
        &self.mempool
    }

    /// The decoded fields of a known block.
    pub fn block(&self, id: &Id) -> Result<&Block, VmError> {
        self.known(id).map(|known| &known.block)
    }

    /// The data of a known block (for `timestampvm.getBlock` and the block inspector).
    pub fn block_data(&self, id: &Id) -> Result<Data, VmError> {
        self.block(id).map(|block| block.data)
    }

    /// How many known blocks are not yet decided.
    pub fn processing_count(&self) -> usize {
        self.processing
    }

    fn running(&self) -> Result<(), VmError> {
        match self.life {
            Life::Running => Ok(()),
            Life::New | Life::ShutDown => Err(VmError::NotRunning),
        }
    }

    fn known(&self, id: &Id) -> Result<&Known, VmError> {
        self.running()?;
        self.blocks.get(id).ok_or(VmError::UnknownBlock(*id))
    }

    /// Records a new block, `id` the digest of `bytes` (which the caller has computed), as
    /// Processing (or, for genesis, Accepted).
    fn insert(&mut self, id: Id, block: Block, bytes: Vec<u8>, status: Status, verified: bool) {
        let header = BlockHeader {
            id,
            parent: block.parent,
            height: block.height,
            timestamp: block.timestamp,
            bytes,
            status,
            verified,
        };
        if status == Status::Processing {
            self.processing += 1;
        }
        self.blocks.insert(id, Known { header, block });
    }

    /// The rules of `block.go` `Verify` for `block` on `parent` at `now`, with Go's reasons in
    /// words.
    fn check_rules(id: Id, block: &Block, parent: &Block, now: Timestamp) -> Result<(), VmError> {
        let invalid = |reason: String| VmError::Invalid { id, reason };
        let expected = parent.height.saturating_add(1);
        if block.height != expected {
            return Err(invalid(format!(
                "expected block to have height {expected} (its parent's height + 1), but found {}",
                block.height
            )));
        }
        if block.timestamp < parent.timestamp {
            return Err(invalid(format!(
                "block's timestamp {} is earlier than its parent's timestamp {}",
                block.timestamp, parent.timestamp
            )));
        }
        let limit = now.saturating_add(MAX_FUTURE_SECONDS);
        if block.timestamp >= limit {
            return Err(invalid(format!(
                "block's timestamp {} is more than 1 hour ahead of local time {now} (it must be \
                 before {limit})",
                block.timestamp
            )));
        }
        Ok(())
    }

    /// Checks that `parent` can carry a new or verified child: known, verified, not rejected.
    fn usable_parent(&self, child: Id, parent: &Id) -> Result<&Known, VmError> {
        let order = |reason: String| VmError::Order { id: child, reason };
        let known = self
            .blocks
            .get(parent)
            .ok_or_else(|| order(format!("its parent {parent} is unknown; fetch it first")))?;
        if known.header.status == Status::Rejected {
            return Err(order(format!("its parent {parent} was rejected")));
        }
        if !known.header.verified {
            return Err(order(format!(
                "its parent {parent} is not verified yet; verify it first"
            )));
        }
        Ok(known)
    }
}

impl ChainVm for TimestampVm {
    type Entry = Data;

    /// `vm.go` `Initialize`/`initGenesis`: the genesis data (at most 32 bytes, zero-padded)
    /// becomes block 0 (parent empty, timestamp 0), accepted and verified, and the preference.
    /// The config bytes are ignored, as the Go VM ignores them.
    fn initialize(&mut self, genesis: &[u8], _config: &[u8]) -> Result<(), VmError> {
        match self.life {
            Life::New => {}
            Life::Running => return Err(VmError::AlreadyInitialized),
            Life::ShutDown => return Err(VmError::NotRunning),
        }
        let data = Data::from_bytes(genesis).map_err(VmError::Genesis)?;
        let block = Block::genesis(data);
        let bytes = block.to_bytes().to_vec();
        let id = Id::digest(&bytes);
        self.insert(id, block, bytes, Status::Accepted, true);
        self.accepted = alloc::vec![id];
        self.preference = id;
        self.life = Life::Running;
        Ok(())
    }

    fn shutdown(&mut self) {
        self.life = Life::ShutDown;
    }

    fn version(&self) -> &'static str {
        VERSION
    }

    fn health(&self) -> Health {
        match self.life {
            Life::New => Health {
                healthy: false,
                details: String::from("not initialized"),
            },
            Life::ShutDown => Health {
                healthy: false,
                details: String::from("shut down"),
            },
            Life::Running => Health {
                healthy: true,
                details: format!(
                    "last accepted {} at height {}; {} blocks processing; {} entries pending, {} \
                     in processing blocks (capacity {})",
                    self.last_accepted(),
                    self.accepted.len().saturating_sub(1),
                    self.processing,
                    self.mempool.len(),
                    self.mempool.lent_len(),
                    self.mempool.capacity()
                ),
            },
        }
    }

    /// `service.go` `ProposeBlock` / `vm.go` `proposeBlock`.
    fn submit(&mut self, entry: Data) -> Result<Id, VmError> {
        self.running()?;
        Ok(self.mempool.add(entry)?)
    }

    fn pending_count(&self) -> usize {
        self.mempool.len()
    }

    fn pending_entries(&self) -> Vec<Data> {
        self.mempool.iter().copied().collect()
    }

    /// `vm.go` `BuildBlock`: the oldest entry, on the preferred block, at `now`, verified.
    fn build_block(&mut self, now: Timestamp) -> Result<Id, VmError> {
        self.running()?;
        let parent = self.preference;
        self.build_block_on(parent, now)
    }

    /// As [`ChainVm::build_block`] on `parent`, which must be known, verified and not rejected
    /// ([`VmError::Order`] otherwise). When the new block breaks a rule (for example `now` is
    /// before the parent's timestamp) or is identical to a block already known, its entry goes
    /// back to the front of the mempool and the error says why.
    fn build_block_on(&mut self, parent: Id, now: Timestamp) -> Result<Id, VmError> {
        self.running()?;
        if self.mempool.is_empty() {
            return Err(VmError::NothingToBuild);
        }
        let parent_block = {
            let known = self
                .blocks
                .get(&parent)
                .ok_or(VmError::UnknownBlock(parent))?;
            let order = |reason: &str| VmError::Order {
                id: parent,
                reason: String::from(reason),
            };
            if known.header.status == Status::Rejected {
                return Err(order(
                    "it was rejected; build on an accepted or processing block",
                ));
            }
            if !known.header.verified {
                return Err(order(
                    "it is not verified yet; blocks are built only on verified blocks",
                ));
            }
            known.block
        };
        let entries = self.mempool.take_oldest(1);
        let Some(data) = entries.first().copied() else {
            return Err(VmError::NothingToBuild);
        };
        let block = Block {
            parent,
            height: parent_block.height.saturating_add(1),
            timestamp: now,
            data,
        };
        let bytes = block.to_bytes();
        let id = Id::digest(&bytes);
        let checked = match self.blocks.get(&id) {
            Some(known) => Err(VmError::Invalid {
                id,
                reason: format!(
                    "an identical block (same parent, data and timestamp) is already {}",
                    known.header.status.as_str()
                ),
            }),
            None => Self::check_rules(id, &block, &parent_block, now),
        };
        if let Err(error) = checked {
            self.mempool.give_back(entries);
            return Err(error);
        }
        self.insert(id, block, bytes.to_vec(), Status::Processing, true);
        self.mempool.issued(id, entries);
        Ok(id)
    }

    /// `vm.go` `ParseBlock`: a known block is returned as it is; a new one is Processing and not
    /// verified.
    fn parse_block(&mut self, bytes: &[u8]) -> Result<Id, VmError> {
        self.running()?;
        let block = Block::from_bytes(bytes)?;
        let id = Id::digest(bytes);
        if !self.blocks.contains_key(&id) {
            self.insert(id, block, bytes.to_vec(), Status::Processing, false);
        }
        Ok(id)
    }

    fn get_block(&self, id: &Id) -> Result<&BlockHeader, VmError> {
        self.known(id).map(|known| &known.header)
    }

    fn status(&self, id: &Id) -> Status {
        self.known(id)
            .map_or(Status::Unknown, |known| known.header.status)
    }

    /// `block.go` `Verify`: the parent must be known and verified (and not rejected), else
    /// [`VmError::Order`]; then height = parent's + 1, timestamp >= parent's, and timestamp <
    /// `now` + 3600, else [`VmError::Invalid`] with the rule. Verifying a verified or accepted
    /// block again is Ok; a rejected one is an order error.
    fn verify(&mut self, id: &Id, now: Timestamp) -> Result<(), VmError> {
        let known = self.known(id)?;
        match known.header.status {
            Status::Rejected => {
                return Err(VmError::Order {
                    id: *id,
                    reason: String::from("it was already rejected"),
                })
            }
            Status::Accepted => return Ok(()),
            Status::Processing | Status::Unknown => {}
        }
        if known.header.verified {
            return Ok(());
        }
        let block = known.block;
        let parent = self.usable_parent(*id, &block.parent)?.block;
        Self::check_rules(*id, &block, &parent, now)?;
        if let Some(known) = self.blocks.get_mut(id) {
            known.header.verified = true;
        }
        Ok(())
    }

    /// `block.go` `Accept`: the block must be verified and its parent must be the last accepted
    /// block, else [`VmError::Order`] (a parent that is accepted but already has an accepted
    /// child would fork the chain). Sets the last accepted block and the height index; the
    /// block's data leaves the mempool (pending copies too). Accepting twice is Ok.
    fn accept(&mut self, id: &Id) -> Result<(), VmError> {
        let known = self.known(id)?;
        let order = |reason: String| VmError::Order { id: *id, reason };
        match known.header.status {
            Status::Accepted => return Ok(()),
            Status::Rejected => return Err(order(String::from("it was already rejected"))),
            Status::Processing | Status::Unknown => {}
        }
        if !known.header.verified {
            return Err(order(String::from("it is not verified; verify it first")));
        }
        let parent = known.block.parent;
        let data_id = known.block.data.id();
        let last = self.last_accepted();
        if parent != last {
            let reason = match self.blocks.get(&parent).map(|p| p.header.status) {
                Some(Status::Accepted) => format!(
                    "its parent {parent} is accepted but is not the last accepted block {last}: \
                     a block at its height is already accepted"
                ),
                Some(status) => format!(
                    "its parent {parent} is {}; accept the parent first",
                    status.as_str()
                ),
                None => format!("its parent {parent} is unknown"),
            };
            return Err(order(reason));
        }
        if let Some(known) = self.blocks.get_mut(id) {
            known.header.status = Status::Accepted;
        }
        self.processing = self.processing.saturating_sub(1);
        self.accepted.push(*id);
        self.mempool.accepted(*id, &[data_id]);
        Ok(())
    }

    /// `block.go` `Reject`. Allowed when the parent is decided (accepted or rejected): this is
    /// how the engine rejects the siblings of an accepted block (their parent is accepted) and
    /// the descendants of a rejected one. Also allowed when another block at this block's height
    /// is already accepted (the block lost, even if this VM never saw its parent decided, as
    /// after a restart replays only the accepted chain). Otherwise [`VmError::Order`].
    /// Rejecting an accepted block is an order error; rejecting twice is Ok. The data this VM's
    /// mempool lent to the block returns to the front of the mempool, even past capacity. If the
    /// block was the preference, the preference falls back to the last accepted block.
    fn reject(&mut self, id: &Id) -> Result<(), VmError> {
        let known = self.known(id)?;
        let order = |reason: String| VmError::Order { id: *id, reason };
        match known.header.status {
            Status::Rejected => return Ok(()),
            Status::Accepted => return Err(order(String::from("it was already accepted"))),
            Status::Processing | Status::Unknown => {}
        }
        let parent = known.block.parent;
        let height = known.block.height;
        let parent_status = self.status(&parent);
        let lost_at_height = usize::try_from(height)
            .ok()
            .and_then(|h| self.accepted.get(h))
            .is_some_and(|winner| winner != id);
        if !parent_status.decided() && !lost_at_height {
            return Err(order(format!(
                "its parent {parent} is {} and no block at its height {height} is accepted; \
                 decide the parent first",
                parent_status.as_str()
            )));
        }
        if let Some(known) = self.blocks.get_mut(id) {
            known.header.status = Status::Rejected;
        }
        self.processing = self.processing.saturating_sub(1);
        self.mempool.rejected(*id);
        if self.preference == *id {
            self.preference = self.last_accepted();
        }
        Ok(())
    }

    /// `vm.go` `SetPreference`, refusing IDs the VM does not know.
    fn set_preference(&mut self, id: &Id) -> Result<(), VmError> {
        self.known(id)?;
        self.preference = *id;
        Ok(())
    }

    fn preference(&self) -> Id {
        self.preference
    }

    fn last_accepted(&self) -> Id {
        self.accepted.last().copied().unwrap_or(Id::EMPTY)
    }

    fn get_block_id_at_height(&self, height: u64) -> Result<Id, VmError> {
        self.running()?;
        usize::try_from(height)
            .ok()
            .and_then(|h| self.accepted.get(h))
            .copied()
            .ok_or(VmError::NoBlockAtHeight(height))
    }

    /// The data in hex and (when it is UTF-8 once trailing zeros are trimmed) as text, the
    /// timestamp, the height and the codec version.
    fn block_fields(&self, id: &Id) -> Result<Vec<(&'static str, String)>, VmError> {
        let block = self.block(id)?;
        let mut fields = alloc::vec![("data (hex)", block.data.to_hex())];
        if let Some(text) = block.data.text() {
            fields.push(("data (text)", text));
        }
        fields.push(("timestamp", block.timestamp.to_string()));
        fields.push(("height", block.height.to_string()));
        fields.push(("codec version", CODEC_VERSION.to_string()));
        Ok(fields)
    }
}
