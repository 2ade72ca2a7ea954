//! Topological consensus over one node's block tree, as avalanchego's
//! `snow/consensus/snowman/topological.go`: every block with children (and the last accepted
//! block) owns a Snowball tree over its children; a poll's votes are credited to the voted block
//! and all its ancestors, applied to the trees from the last accepted block down, and a
//! finalized tree at the last accepted block accepts its preferred child and rejects the rest.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::chain::id::Id;
use crate::chain::params::Parameters;
use crate::chain::snowball::{Bag, Tree};

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
    /// The poll had at least AlphaPreference votes for something processing (after bubbling):
    /// some tree node received a quorum (avalanchego's `polls_successful` metric; a poll split
    /// evenly between two siblings with no shared prefix is not successful).
    pub successful: bool,
    /// Blocks accepted and rejected, in the order they were decided (an accepted block before the
    /// rejections it causes; parents before children).
    pub decisions: Vec<Decision>,
    /// The preference before the poll.
    pub preference_before: Id,
    /// The preference after the poll.
    pub preference_after: Id,
    /// Confidence of the preferred child in the tree at the last accepted block, after the poll
    /// (before it was accepted, if it was); what the confidence chart plots. It is
    /// `Tree::confidence`: the least confidence on the tree's preferred path, 0 after a failed
    /// poll.
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

/// One block known to consensus: the last accepted block or a processing one
/// (avalanchego `snowman_block.go`). Blocks live in a slab and link to each other by slot, so
/// walking the tree during a poll needs no ID lookups.
#[derive(Clone, Debug)]
struct SnowmanBlock {
    meta: BlockMeta,
    /// The parent's slot; None for the last accepted block.
    parent: Option<usize>,
    /// The Snowball tree over the children; None until the first child arrives.
    tree: Option<Tree>,
    /// The children and their slots, in ID order.
    children: Vec<(Id, usize)>,
    /// The tree must record an unsuccessful poll before its next poll (a lazy falter).
    should_falter: bool,
    /// Scratch during a poll: votes for this block and its descendants.
    votes: u64,
    /// Scratch during a poll: votes for this block itself.
    direct: u64,
}

/// Topological consensus for one node.
#[derive(Clone, Debug)]
pub struct Topological {
    params: Parameters,
    last_accepted: BlockMeta,
    /// The last accepted block's slot.
    root: usize,
    /// The last accepted block and every processing block; None marks a free slot.
    slots: Vec<Option<SnowmanBlock>>,
    free: Vec<usize>,
    /// Each known block's slot.
    index: BTreeMap<Id, usize>,
    /// The preferred chain above the last accepted block: index `i` is at height
    /// `last_accepted.height + 1 + i`.
    preferred: Vec<Id>,
    /// The leaf of the preferred chain (the last accepted block when nothing is processing).
    preference: Id,
    /// Scratch reused across polls so recording one does not allocate.
    touched: Vec<usize>,
    stack: Vec<usize>,
    votes: Vec<(Id, u64)>,
}

impl Topological {
    /// Consensus starting from an accepted block (genesis, or the last accepted one on restart).
    pub fn new(params: Parameters, last_accepted: Id, last_accepted_height: u64) -> Self {
        let meta = BlockMeta {
            id: last_accepted,
            parent: Id::EMPTY,
            height: last_accepted_height,
        };
        let mut index = BTreeMap::new();
        index.insert(last_accepted, 0);
        Topological {
            params,
            last_accepted: meta,
            root: 0,
            slots: alloc::vec![Some(SnowmanBlock {
                meta,
                parent: None,
                tree: None,
                children: Vec::new(),
                should_falter: false,
                votes: 0,
                direct: 0,
            })],
            free: Vec::new(),
            index,
            preferred: Vec::new(),
            preference: last_accepted,
            touched: Vec::new(),
            stack: Vec::new(),
            votes: Vec::new(),
        }
    }
    /// The parameters.
    pub fn parameters(&self) -> &Parameters {
        &self.params
    }
    /// Adds a verified block whose parent is the last accepted block or processing.
    // avalanchego topological.go, Add.
    pub fn add(&mut self, block: BlockMeta) -> Result<(), ConsensusError> {
        if self.index.contains_key(&block.id) {
            return Err(ConsensusError::Duplicate(block.id));
        }
        let unknown = ConsensusError::UnknownParent {
            id: block.id,
            parent: block.parent,
        };
        let Some(&parent_slot) = self.index.get(&block.parent) else {
            return Err(unknown);
        };
        let Some(parent) = self.slot(parent_slot) else {
            return Err(unknown);
        };
        if parent.meta.height.checked_add(1) != Some(block.height) {
            return Err(ConsensusError::BadHeight {
                id: block.id,
                height: block.height,
                parent_height: parent.meta.height,
            });
        }
        let entry = SnowmanBlock {
            meta: block,
            parent: Some(parent_slot),
            tree: None,
            children: Vec::new(),
            should_falter: false,
            votes: 0,
            direct: 0,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                if let Some(free) = self.slots.get_mut(slot) {
                    *free = Some(entry);
                }
                slot
            }
            None => {
                self.slots.push(Some(entry));
                self.slots.len() - 1
            }
        };
        self.index.insert(block.id, slot);
        let params = self.params;
        if let Some(parent) = self.slot_mut(parent_slot) {
            match parent.tree.as_mut() {
                Some(tree) => tree.add(block.id),
                None => parent.tree = Some(Tree::new(params, block.id)),
            }
            let at = parent
                .children
                .partition_point(|(child, _)| *child < block.id);
            parent.children.insert(at, (block.id, slot));
        }
        // Extending the preferred leaf: the new block is the preference.
        if self.preference == block.parent {
            self.preference = block.id;
            self.preferred.push(block.id);
        }
        Ok(())
    }
    /// Records one poll's votes (already bubbled to processing blocks by the engine); votes for
    /// blocks that are not processing are ignored.
    // avalanchego topological.go, RecordPoll.
    pub fn record_poll(&mut self, votes: &Bag) -> PollResult {
        let mut result = PollResult {
            preference_before: self.preference,
            ..PollResult::default()
        };
        let mut stack = core::mem::take(&mut self.stack);
        stack.clear();
        if votes.total() >= u64::from(self.params.alpha_preference) {
            // An alpha majority on some processing block is possible: find every block whose
            // children received at least AlphaPreference votes, transitively.
            self.push_votes(votes, &mut stack);
        }
        let new_preferred = self.vote(&stack, &mut result);
        self.clear_votes();
        self.stack = stack;

        // Only a changed branch needs the chain rebuilt: if the deepest preference the poll
        // reached was already preferred, following preferences down leads to the same leaf.
        // Usually it is the preferred leaf itself, preferred without a lookup when processing.
        let still_preferred = if new_preferred == self.preference {
            new_preferred != self.last_accepted.id
        } else {
            self.is_preferred(&new_preferred)
        };
        if !result.decisions.is_empty() || !still_preferred {
            self.rebuild_preferred();
        }
        result.preference_after = self.preference;
        result
    }
    /// The preferred block: the leaf reached by following each tree's preference down from the
    /// last accepted block.
    pub fn preference(&self) -> Id {
        self.preference
    }
    /// The preferred block at `height` on the preferred chain, if the chain reaches it
    /// (the last accepted block at its own height).
    pub fn preference_at_height(&self, height: u64) -> Option<Id> {
        if height == self.last_accepted.height {
            return Some(self.last_accepted.id);
        }
        let index = height
            .checked_sub(self.last_accepted.height)?
            .checked_sub(1)?;
        let index = usize::try_from(index).ok()?;
        self.preferred.get(index).copied()
    }
    /// Is `id` on the preferred chain (processing blocks only)?
    pub fn is_preferred(&self, id: &Id) -> bool {
        match self.block(id) {
            Some(meta) => self.preference_at_height(meta.height) == Some(*id),
            None => false,
        }
    }
    /// The last accepted block's ID and height.
    pub fn last_accepted(&self) -> (Id, u64) {
        (self.last_accepted.id, self.last_accepted.height)
    }
    /// Is `id` processing here?
    pub fn processing(&self, id: &Id) -> bool {
        *id != self.last_accepted.id && self.index.contains_key(id)
    }
    /// How many blocks are processing.
    pub fn num_processing(&self) -> usize {
        self.index.len().saturating_sub(1)
    }
    /// A processing block's meta.
    pub fn block(&self, id: &Id) -> Option<BlockMeta> {
        if *id == self.last_accepted.id {
            return None;
        }
        let slot = *self.index.get(id)?;
        self.slot(slot).map(|block| block.meta)
    }
    /// Every processing block, in ID order.
    pub fn processing_blocks(&self) -> impl Iterator<Item = &BlockMeta> + '_ {
        let root = self.root;
        self.index
            .values()
            .filter(move |slot| **slot != root)
            .filter_map(|slot| self.slot(*slot))
            .map(|block| &block.meta)
    }
    /// The processing children of `id` (the last accepted block or a processing one), in ID
    /// order; none for unknown blocks.
    pub fn children(&self, id: &Id) -> impl Iterator<Item = Id> + '_ {
        self.index
            .get(id)
            .and_then(|slot| self.slot(*slot))
            .into_iter()
            .flat_map(|block| block.children.iter().map(|(child, _)| *child))
    }
    /// Decided: at or below the last accepted height (avalanchego's `Decided`).
    pub fn decided(&self, height: u64) -> bool {
        height <= self.last_accepted.height
    }
    /// The confidence of the tree at the last accepted block (see `Tree::confidence`), with a
    /// pending falter counted as 0; 0 when nothing is processing.
    pub fn confidence(&self) -> u32 {
        match self.slot(self.root) {
            Some(block) if !block.should_falter => block.tree.as_ref().map_or(0, Tree::confidence),
            _ => 0,
        }
    }
    /// The Snowball trees of the last accepted block and every processing block with children,
    /// by height then ID.
    pub fn trees(&self) -> Vec<TreeView> {
        let mut owners: Vec<&SnowmanBlock> = self
            .slots
            .iter()
            .flatten()
            .filter(|block| block.tree.is_some())
            .collect();
        owners.sort_by_key(|block| (block.meta.height, block.meta.id));
        owners
            .into_iter()
            .filter_map(|block| {
                let tree = block.tree.as_ref()?;
                let mut nodes = tree.views();
                if block.should_falter {
                    // The falter is pending: the next poll resets the whole tree first.
                    for node in &mut nodes {
                        node.confidence = 0;
                    }
                }
                Some(TreeView {
                    parent: block.meta.id,
                    children: block.children.iter().map(|(id, _)| *id).collect(),
                    nodes,
                })
            })
            .collect()
    }

    fn slot(&self, slot: usize) -> Option<&SnowmanBlock> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    fn slot_mut(&mut self, slot: usize) -> Option<&mut SnowmanBlock> {
        self.slots.get_mut(slot).and_then(Option::as_mut)
    }

    /// Removes a block, freeing its slot.
    fn remove(&mut self, slot: usize) -> Option<SnowmanBlock> {
        let block = self.slots.get_mut(slot)?.take()?;
        self.index.remove(&block.meta.id);
        self.free.push(slot);
        Some(block)
    }

    /// Credits each valid vote to the voted block and all its ancestors up to the last accepted
    /// block, then lists (root first, breadth-first) every block whose children got
    /// AlphaPreference votes.
    // avalanchego topological.go, calculateInDegree and pushVotes: the same totals, computed by
    // walking up from each voted block (the live set is small). A block qualifies only if its
    // parent does, so a descent from the root finds them all.
    fn push_votes(&mut self, votes: &Bag, stack: &mut Vec<usize>) {
        let mut touched = core::mem::take(&mut self.touched);
        touched.clear();
        let root = self.root;
        for (id, count) in votes.iter() {
            let Some(&voted) = self.index.get(id) else {
                // Votes for unknown blocks are dropped.
                continue;
            };
            if count == 0 || voted == root {
                // So are votes for the last accepted block.
                continue;
            }
            if let Some(block) = self.slot_mut(voted) {
                block.direct = block.direct.saturating_add(count);
            }
            let mut current = Some(voted);
            while let Some(slot) = current {
                let Some(block) = self.slot_mut(slot) else {
                    break;
                };
                if block.votes == 0 {
                    touched.push(slot);
                }
                block.votes = block.votes.saturating_add(count);
                current = if slot == root { None } else { block.parent };
            }
        }
        self.touched = touched;

        let alpha = u64::from(self.params.alpha_preference);
        let qualifies = |block: &SnowmanBlock| block.votes.saturating_sub(block.direct) >= alpha;
        if !self.slot(root).is_some_and(qualifies) {
            return;
        }
        stack.push(root);
        let mut next = 0;
        while let Some(&slot) = stack.get(next) {
            next += 1;
            let Some(block) = self.slot(slot) else {
                continue;
            };
            for (_, child) in &block.children {
                if self.slot(*child).is_some_and(qualifies) {
                    stack.push(*child);
                }
            }
        }
    }

    /// Zeroes the per-poll vote totals.
    fn clear_votes(&mut self) {
        let touched = core::mem::take(&mut self.touched);
        for slot in &touched {
            if let Some(block) = self.slot_mut(*slot) {
                block.votes = 0;
                block.direct = 0;
            }
        }
        self.touched = touched;
        self.touched.clear();
    }

    /// Applies the votes to the trees listed in `stack` (root first), accepting and rejecting;
    /// returns the deepest preference reached along the preferred branch.
    // avalanchego topological.go, vote.
    fn vote(&mut self, stack: &[usize], result: &mut PollResult) -> Id {
        if stack.is_empty() {
            // No alpha majority anywhere: the whole tree falters, the preference stays.
            let root = self.root;
            if let Some(block) = self.slot_mut(root) {
                block.should_falter = true;
            }
            result.confidence = self.confidence();
            return self.preference;
        }
        let mut votes = core::mem::take(&mut self.votes);
        let mut new_preferred = self.last_accepted.id;
        let mut on_preferred_branch = true;
        for (index, &slot) in stack.iter().enumerate() {
            // This tree's bag: each child's votes (its own and its descendants').
            votes.clear();
            let Some(parent) = self.slot(slot) else {
                // Rejected by an acceptance earlier in this poll: stop applying votes.
                break;
            };
            for (child, child_slot) in &parent.children {
                if let Some(block) = self.slot(*child_slot) {
                    if block.votes > 0 {
                        votes.push((*child, block.votes));
                    }
                }
            }
            let Some(parent) = self.slot_mut(slot) else {
                break;
            };
            let falter = parent.should_falter;
            let Some(tree) = parent.tree.as_mut() else {
                break;
            };
            if falter {
                tree.record_unsuccessful_poll();
                parent.should_falter = false;
            }
            result.successful |= tree.record_poll_votes(&mut votes);
            let finalized = tree.finalized();
            let parent_preference = tree.preference();
            if index == 0 {
                result.confidence = tree.confidence();
            }

            // Children of this block that are not the next to record the poll (or all of
            // them, when this block faltered) lose confidence, lazily.
            let children = core::mem::take(&mut parent.children);
            let next = stack.get(index + 1).copied();
            for (_, child_slot) in &children {
                if !falter && Some(*child_slot) == next {
                    continue;
                }
                if let Some(block) = self.slot_mut(*child_slot) {
                    block.should_falter = true;
                }
            }
            let next_id = next.and_then(|next| self.slot(next)).map(|b| b.meta.id);
            if let Some(parent) = self.slot_mut(slot) {
                parent.children = children;
            }

            // Only a finalized tree at the last accepted block decides anything.
            if finalized && slot == self.root {
                self.accept_preferred_child(slot, parent_preference, &mut result.decisions);
            }
            if on_preferred_branch {
                new_preferred = parent_preference;
            }
            on_preferred_branch = on_preferred_branch && next_id == Some(parent_preference);
        }
        self.votes = votes;
        new_preferred
    }

    /// Accepts `preferred`, the finalized choice of the last accepted block's tree, rejects its
    /// siblings and every descendant of theirs, and drops the old last accepted block.
    // avalanchego topological.go, acceptPreferredChild and rejectTransitively.
    fn accept_preferred_child(
        &mut self,
        parent_slot: usize,
        preferred: Id,
        decisions: &mut Vec<Decision>,
    ) {
        let Some(parent) = self.slot(parent_slot) else {
            return;
        };
        let Some(child_slot) = parent
            .children
            .iter()
            .find(|(id, _)| *id == preferred)
            .map(|(_, slot)| *slot)
        else {
            // Cannot happen: a tree's choices are its block's processing children.
            return;
        };
        let Some(parent) = self.remove(parent_slot) else {
            return;
        };
        let Some(child) = self.slot_mut(child_slot) else {
            return;
        };
        child.parent = None;
        let accepted = child.meta;
        decisions.push(Decision {
            block: accepted,
            accepted: true,
        });
        self.last_accepted = accepted;
        self.root = child_slot;
        // The rest of the chain shifts down one height; `record_poll` rebuilds it.
        let mut rejected: Vec<usize> = Vec::new();
        for (_, sibling) in parent.children.iter().filter(|(id, _)| *id != preferred) {
            if let Some(block) = self.slot(*sibling) {
                decisions.push(Decision {
                    block: block.meta,
                    accepted: false,
                });
                rejected.push(*sibling);
            }
        }
        // Rejected blocks' descendants are rejected too, each after its parent.
        while let Some(slot) = rejected.pop() {
            let Some(block) = self.remove(slot) else {
                continue;
            };
            for (_, child) in &block.children {
                if let Some(descendant) = self.slot(*child) {
                    decisions.push(Decision {
                        block: descendant.meta,
                        accepted: false,
                    });
                    rejected.push(*child);
                }
            }
        }
    }

    /// Recomputes the preferred chain by following each tree's preference down from the last
    /// accepted block.
    fn rebuild_preferred(&mut self) {
        self.preferred.clear();
        let mut current = self.root;
        let mut preference = self.last_accepted.id;
        while let Some(block) = self.slot(current) {
            let Some(next) = block.tree.as_ref().map(Tree::preference) else {
                break;
            };
            let Some(next_slot) = block
                .children
                .iter()
                .find(|(id, _)| *id == next)
                .map(|(_, slot)| *slot)
            else {
                break;
            };
            self.preferred.push(next);
            preference = next;
            current = next_slot;
        }
        self.preference = preference;
    }
}

#[cfg(test)]
mod tests;
