//! The [`ChainVm`] trait: a blockchain's rules behind the consensus engine, in the shape of
//! avalanchego's `snow/engine/snowman/block/vm.go` (`ChainVM`) and `snow/engine/common/vm.go`
//! (`VM`).
//!
//! avalanchego hands the engine block *objects* with `Verify`/`Accept`/`Reject` methods. Here a
//! block is named by its [`Id`] and those operations are methods of the VM that owns it
//! ([`ChainVm::verify`], [`ChainVm::accept`], [`ChainVm::reject`]), which keeps ownership simple
//! and every state change in one place. [`BlockHeader`] is the common view of any VM's block.
//!
//! Ordering guarantees the engine respects and every VM enforces (a violation is a
//! [`VmError::Order`], never a silent state change):
//! - verify only after the parent was verified (or is the last accepted block);
//! - accept only after the parent was accepted;
//! - reject only after the parent was decided (accepted or rejected), or when a sibling was
//!   accepted;
//! - every verified block is eventually accepted or rejected.

use alloc::string::String;
use alloc::vec::Vec;

use crate::chain::id::Id;
use crate::chain::mempool::{MempoolEntry, MempoolError};

/// Seconds on the virtual clock (the network's milliseconds / 1000); block timestamps use it.
pub type Timestamp = i64;

/// Where a block stands, as avalanchego's `choices.Status`.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, serde::Serialize, serde::Deserialize,
)]
pub enum Status {
    /// The VM does not know the block.
    Unknown,
    /// Known (parsed or built) and not yet decided.
    Processing,
    /// Decided: not part of the chain.
    Rejected,
    /// Decided: part of the chain.
    Accepted,
}

impl Status {
    /// Accepted or rejected.
    pub fn decided(self) -> bool {
        matches!(self, Status::Accepted | Status::Rejected)
    }

    /// The word shown in the UI and in `data-status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unknown => "Unknown",
            Status::Processing => "Processing",
            Status::Rejected => "Rejected",
            Status::Accepted => "Accepted",
        }
    }
}

/// The fields every VM's block has, as avalanchego's `snowman.Block`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BlockHeader {
    /// SHA-256 of [`BlockHeader::bytes`].
    pub id: Id,
    /// The parent block's ID ([`Id::EMPTY`] for genesis).
    pub parent: Id,
    /// Genesis is height 0.
    pub height: u64,
    /// Seconds on the virtual clock when it was built.
    pub timestamp: Timestamp,
    /// The block's serialized bytes (what travels in `PushQuery` and `Put`).
    pub bytes: Vec<u8>,
    /// Where it stands.
    pub status: Status,
    /// Whether [`ChainVm::verify`] succeeded on it (genesis counts as verified).
    pub verified: bool,
}

/// How the VM feels (avalanchego's `HealthCheck`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Health {
    /// False after [`ChainVm::shutdown`] or before [`ChainVm::initialize`].
    pub healthy: bool,
    /// Details in words (for example "3 blocks processing, 2 entries pending").
    pub details: String,
}

/// Why a VM refused an operation.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum VmError {
    /// The VM has not been initialized, or was shut down.
    #[error("the VM is not running (initialize it first, or it was shut down)")]
    NotRunning,
    /// `initialize` was called twice.
    #[error("the VM is already initialized")]
    AlreadyInitialized,
    /// Bad genesis bytes.
    #[error("bad genesis: {0}")]
    Genesis(String),
    /// Bytes that are not a block of this VM: what is wrong and at which byte.
    #[error("malformed block: {0}")]
    Malformed(String),
    /// No block with this ID.
    #[error("unknown block {0}")]
    UnknownBlock(Id),
    /// No accepted block at this height.
    #[error("no accepted block at height {0}")]
    NoBlockAtHeight(u64),
    /// A block that breaks the chain's rules (height, timestamp, ...), with the rule in words.
    #[error("block {id} is invalid: {reason}")]
    Invalid {
        /// The block.
        id: Id,
        /// The rule it breaks.
        reason: String,
    },
    /// An operation out of the order the engine guarantees (see the module docs).
    #[error("out of order on block {id}: {reason}")]
    Order {
        /// The block.
        id: Id,
        /// What was expected first.
        reason: String,
    },
    /// Nothing to build from: the mempool is empty.
    #[error("nothing to build: the mempool is empty")]
    NothingToBuild,
    /// The mempool refused an entry.
    #[error(transparent)]
    Mempool(#[from] MempoolError),
}

/// A blockchain's rules behind the Snowman engine (`block.ChainVM` + `common.VM`).
pub trait ChainVm {
    /// What the mempool holds: TimestampVM's 32 data bytes, or a contract VM's transaction.
    type Entry: MempoolEntry + Clone;

    /// Sets the VM up from genesis bytes and config bytes; the genesis block is accepted.
    fn initialize(&mut self, genesis: &[u8], config: &[u8]) -> Result<(), VmError>;
    /// Stops the VM; every later call fails with [`VmError::NotRunning`].
    fn shutdown(&mut self);
    /// The VM's version text (for example `timestampvm/v1.3.3-snowrv`).
    fn version(&self) -> &'static str;
    /// Health report.
    fn health(&self) -> Health;

    /// Adds an entry to the mempool (TimestampVM's `proposeBlock`); returns the entry's ID.
    fn submit(&mut self, entry: Self::Entry) -> Result<Id, VmError>;
    /// How many entries wait in the mempool (the engine's "pending transactions").
    fn pending_count(&self) -> usize;
    /// The entries waiting in the mempool, oldest first (the mempool panel).
    fn pending_entries(&self) -> Vec<Self::Entry>;

    /// Builds a block on the preferred block from the oldest pending entries, at `now`; the block
    /// is Processing and already verified (as Go's `BuildBlock` verifies it). Fails with
    /// [`VmError::NothingToBuild`] when nothing is pending.
    fn build_block(&mut self, now: Timestamp) -> Result<Id, VmError>;
    /// Like [`ChainVm::build_block`] on an explicit parent (a known, verified block), to make a
    /// fork on purpose: the playground's "Build Conflicting Block" and Byzantine nodes use it.
    fn build_block_on(&mut self, parent: Id, now: Timestamp) -> Result<Id, VmError>;
    /// Parses block bytes; a new block becomes Processing (not yet verified), a known one is
    /// returned as it is. Malformed bytes are a [`VmError::Malformed`] saying what and where.
    fn parse_block(&mut self, bytes: &[u8]) -> Result<Id, VmError>;
    /// The block's header, or [`VmError::UnknownBlock`].
    fn get_block(&self, id: &Id) -> Result<&BlockHeader, VmError>;
    /// The block's status ([`Status::Unknown`] when the VM has never seen it).
    fn status(&self, id: &Id) -> Status;
    /// Verifies a block against its parent at `now`; on success it is verified and stays
    /// Processing.
    fn verify(&mut self, id: &Id, now: Timestamp) -> Result<(), VmError>;
    /// Accepts a verified block whose parent is the last accepted block; its entries leave the
    /// mempool. A block whose parent is accepted but no longer last accepted would fork the chain:
    /// [`VmError::Order`].
    fn accept(&mut self, id: &Id) -> Result<(), VmError>;
    /// Rejects a block whose parent is decided, or whose height already has another accepted
    /// block (a sibling was accepted; a restarted node replays such chains); entries it took from
    /// this VM's mempool return. Rejecting the preferred block moves the preference back to the
    /// last accepted block.
    fn reject(&mut self, id: &Id) -> Result<(), VmError>;
    /// Tells the VM which block the engine prefers; the next build goes on it.
    fn set_preference(&mut self, id: &Id) -> Result<(), VmError>;
    /// The preferred block (the last accepted one until the engine says otherwise).
    fn preference(&self) -> Id;
    /// The last accepted block.
    fn last_accepted(&self) -> Id;
    /// The accepted block at `height`.
    fn get_block_id_at_height(&self, height: u64) -> Result<Id, VmError>;
    /// VM-specific fields of a block, as (name, value) pairs for the block inspector (TimestampVM:
    /// its data in hex and as text).
    fn block_fields(&self, id: &Id) -> Result<Vec<(&'static str, String)>, VmError>;
}
