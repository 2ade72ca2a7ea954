//! SEAM (owner: vm helper): the TimestampVM, byte-compatible with ava-labs/timestampvm.
//! Replace the stub bodies; keep the public names the network uses (`TimestampVm`, `Data`,
//! `TimestampVm::new`, `genesis_bytes`).

use alloc::string::String;
use alloc::vec::Vec;

use crate::chain::id::Id;
use crate::chain::mempool::MempoolEntry;
use crate::chain::vm::{BlockHeader, ChainVm, Health, Status, Timestamp, VmError};

/// A TimestampVM mempool entry and block payload: 32 bytes of data.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Data(pub [u8; 32]);

impl MempoolEntry for Data {
    fn id(&self) -> Id {
        Id::digest(&self.0)
    }
}

/// Genesis bytes for `data` (at most 32 bytes, zero-padded), or why not.
pub fn genesis_bytes(data: &[u8]) -> Result<Vec<u8>, VmError> {
    Ok(data.to_vec())
}

/// The TimestampVM of one node.
#[derive(Clone, Debug, Default)]
pub struct TimestampVm {
    running: bool,
}

impl TimestampVm {
    /// A VM that is not yet initialized.
    pub fn new() -> Self {
        TimestampVm::default()
    }
}

impl ChainVm for TimestampVm {
    type Entry = Data;
    fn initialize(&mut self, _genesis: &[u8], _config: &[u8]) -> Result<(), VmError> {
        self.running = true;
        Ok(())
    }
    fn shutdown(&mut self) {
        self.running = false;
    }
    fn version(&self) -> &'static str {
        "timestampvm"
    }
    fn health(&self) -> Health {
        Health {
            healthy: self.running,
            details: String::new(),
        }
    }
    fn submit(&mut self, entry: Data) -> Result<Id, VmError> {
        Ok(entry.id())
    }
    fn pending_count(&self) -> usize {
        0
    }
    fn pending_entries(&self) -> Vec<Data> {
        Vec::new()
    }
    fn build_block(&mut self, _now: Timestamp) -> Result<Id, VmError> {
        Err(VmError::NothingToBuild)
    }
    fn build_block_on(&mut self, _parent: Id, _now: Timestamp) -> Result<Id, VmError> {
        Err(VmError::NothingToBuild)
    }
    fn parse_block(&mut self, _bytes: &[u8]) -> Result<Id, VmError> {
        Err(VmError::Malformed(String::from("stub")))
    }
    fn get_block(&self, id: &Id) -> Result<&BlockHeader, VmError> {
        Err(VmError::UnknownBlock(*id))
    }
    fn status(&self, _id: &Id) -> Status {
        Status::Unknown
    }
    fn verify(&mut self, id: &Id, _now: Timestamp) -> Result<(), VmError> {
        Err(VmError::UnknownBlock(*id))
    }
    fn accept(&mut self, id: &Id) -> Result<(), VmError> {
        Err(VmError::UnknownBlock(*id))
    }
    fn reject(&mut self, id: &Id) -> Result<(), VmError> {
        Err(VmError::UnknownBlock(*id))
    }
    fn set_preference(&mut self, _id: &Id) -> Result<(), VmError> {
        Ok(())
    }
    fn preference(&self) -> Id {
        Id::EMPTY
    }
    fn last_accepted(&self) -> Id {
        Id::EMPTY
    }
    fn get_block_id_at_height(&self, height: u64) -> Result<Id, VmError> {
        Err(VmError::NoBlockAtHeight(height))
    }
    fn block_fields(&self, id: &Id) -> Result<Vec<(&'static str, String)>, VmError> {
        Err(VmError::UnknownBlock(*id))
    }
}
