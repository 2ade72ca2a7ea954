//! SEAM (owner: consensus helper): Topological consensus over one node's block tree, as
//! avalanchego's `snow/consensus/snowman/topological.go`. Replace the stub bodies; keep the
//! public signatures (the engine and the UI use them); add more public items freely.

use alloc::vec::Vec;

use crate::chain::id::Id;
use crate::chain::params::Parameters;
use crate::chain::snowball::Bag;

/// What consensus needs to know of a block.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BlockMeta {
    /// Its ID.
    pub id: Id,
    /// Its parent's ID.
    pub parent: Id,
    /// Its height.
    pub height: u64,
}

/// Why consensus refused a block.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ConsensusError {
    /// The block was already added.
    #[error("block {0} was already added")]
    Duplicate(Id),
    /// The parent is neither the last accepted block nor processing.
    #[error("block {id}'s parent {parent} is neither the last accepted block nor processing")]
    UnknownParent {
        /// The block.
        id: Id,
        /// Its parent.
        parent: Id,
    },
    /// The height is not the parent's height + 1.
    #[error("block {id} has height {height}, its parent is at {parent_height}")]
    BadHeight {
        /// The block.
        id: Id,
        /// Its height.
        height: u64,
        /// The parent's height.
        parent_height: u64,
    },
}

/// A block decided by a poll.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Decision {
    /// The block.
    pub block: BlockMeta,
    /// Accepted (true) or rejected.
    pub accepted: bool,
}

/// What recording one poll did.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PollResult {
    /// The poll had at least AlphaPreference votes for something processing (after bubbling).
    pub successful: bool,
    /// Blocks accepted and rejected, in the order they were decided (an accepted block before the
    /// rejections it causes; parents before children).
    pub decisions: Vec<Decision>,
    /// The preference before the poll.
    pub preference_before: Id,
    /// The preference after the poll.
    pub preference_after: Id,
    /// Confidence of the preferred child in the tree at the last accepted block, after the poll
    /// (before it was accepted, if it was); what the confidence chart plots.
    pub confidence: u32,
}

/// One node of a per-parent Snowball tree, for the node inspector.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TreeNodeView {
    /// "unary" or "binary".
    pub kind: &'static str,
    /// Depth in the tree (0 = root).
    pub depth: u32,
    /// First bit index this node covers (LSB-first numbering, as `Id::bit`).
    pub bit_start: u32,
    /// One past the last bit index this node covers (a binary node covers one bit).
    pub bit_end: u32,
    /// The node's preferred choice (a child block ID).
    pub preference: Id,
    /// Snowball strength per side: unary nodes fill index 0; binary nodes index by bit value.
    pub strength: [u64; 2],
    /// Snowflake confidence (consecutive successful polls for the current preference).
    pub confidence: u32,
    /// Finalized.
    pub finalized: bool,
    /// Whether a conflicting choice has ever been seen (the 2020 rule's "rogue").
    pub rogue: bool,
}

/// The Snowball tree owned by one block over its children.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TreeView {
    /// The block whose children this tree decides between.
    pub parent: Id,
    /// The children, in ID order.
    pub children: Vec<Id>,
    /// The trie's nodes, depth-first, preferred side first.
    pub nodes: Vec<TreeNodeView>,
}

/// Topological consensus for one node.
#[derive(Clone, Debug)]
pub struct Topological {
    params: Parameters,
    last_accepted: BlockMeta,
}

impl Topological {
    /// Consensus starting from an accepted block (genesis, or the last accepted one on restart).
    pub fn new(params: Parameters, last_accepted: Id, last_accepted_height: u64) -> Self {
        Topological {
            params,
            last_accepted: BlockMeta {
                id: last_accepted,
                parent: Id::EMPTY,
                height: last_accepted_height,
            },
        }
    }
    /// The parameters.
    pub fn parameters(&self) -> &Parameters {
        &self.params
    }
    /// Adds a verified block whose parent is the last accepted block or processing.
    pub fn add(&mut self, _block: BlockMeta) -> Result<(), ConsensusError> {
        Ok(())
    }
    /// Records one poll's votes (already bubbled to processing blocks by the engine).
    pub fn record_poll(&mut self, _votes: &Bag) -> PollResult {
        PollResult::default()
    }
    /// The preferred block: the leaf reached by following each tree's preference down from the
    /// last accepted block.
    pub fn preference(&self) -> Id {
        self.last_accepted.id
    }
    /// The preferred block at `height` on the preferred chain, if the chain reaches it
    /// (the last accepted block at its own height).
    pub fn preference_at_height(&self, _height: u64) -> Option<Id> {
        None
    }
    /// Is `id` on the preferred chain (processing blocks only)?
    pub fn is_preferred(&self, _id: &Id) -> bool {
        false
    }
    /// The last accepted block's ID and height.
    pub fn last_accepted(&self) -> (Id, u64) {
        (self.last_accepted.id, self.last_accepted.height)
    }
    /// Is `id` processing here?
    pub fn processing(&self, _id: &Id) -> bool {
        false
    }
    /// How many blocks are processing.
    pub fn num_processing(&self) -> usize {
        0
    }
    /// A processing block's meta.
    pub fn block(&self, _id: &Id) -> Option<BlockMeta> {
        None
    }
    /// Decided: at or below the last accepted height (avalanchego's `Decided`).
    pub fn decided(&self, height: u64) -> bool {
        height <= self.last_accepted.height
    }
    /// The Snowball trees of the last accepted block and every processing block with children.
    pub fn trees(&self) -> Vec<TreeView> {
        Vec::new()
    }
}
