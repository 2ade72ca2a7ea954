//! What Byzantine nodes need from outside the generic engine: the deterministic data of the
//! conflicting sibling a FixedVote or Equivocating node builds for itself.
//!
//! The behaviours themselves live in the engine ([`super::Behavior`]): a FixedVote node answers
//! every query with chits that all name its conflicting block; an Equivocating node answers
//! odd-numbered peers that way and even-numbered peers honestly; a Silent node never answers
//! and never polls. None of them runs polls. The conflicting block is the network's target when
//! one is set, otherwise a sibling the node builds (via `ChainVm::build_block_on`) the first
//! time it sees a processing block at a new height, on that block's parent, from data
//! SHA-256("byzantine" || node index as u32 big-endian || height as u64 big-endian), so that
//! the same seed gives the same fork everywhere.

use sha2::{Digest, Sha256};

use crate::chain::engine::NodeIndex;
use crate::chain::timestampvm::Data;

/// The 32 data bytes of `node`'s conflicting block at `height`.
pub fn conflict_seed(node: NodeIndex, height: u64) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"byzantine");
    hasher.update(node.to_be_bytes());
    hasher.update(height.to_be_bytes());
    hasher.finalize().into()
}

/// The TimestampVM entry of `node`'s conflicting block at `height`: pass it to
/// [`super::Engine::set_conflict_entry`].
pub fn timestamp_conflict_data(node: NodeIndex, height: u64) -> Data {
    Data(conflict_seed(node, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_depends_on_node_and_height_only() {
        assert_eq!(conflict_seed(3, 7), conflict_seed(3, 7));
        assert_ne!(conflict_seed(3, 7), conflict_seed(4, 7));
        assert_ne!(conflict_seed(3, 7), conflict_seed(3, 8));
        let mut hasher = Sha256::new();
        hasher.update(b"byzantine\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x07");
        let expected: [u8; 32] = hasher.finalize().into();
        assert_eq!(timestamp_conflict_data(3, 7), Data(expected));
    }
}
