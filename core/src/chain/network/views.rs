//! Read-only views of the network for the page, the RPC and the tests: one node, every node's
//! preference, the block tree with per-block counts, polls, decisions, counters.
//!
//! Per-block counts (`accepted_by`, `rejected_by`, `known_by`) are kept event by event in the
//! network, so [`Network::blocks`] is O(blocks), not O(nodes x blocks).

use alloc::vec::Vec;

use super::{BlockView, DecisionRecord, Network, NetworkStats, NodeView};
use crate::chain::engine::{Millis, NodeIndex, PollRecord};
use crate::chain::id::Id;
use crate::chain::vm::{ChainVm, Status};

/// A message on the wire, for the page's in-flight list.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct InFlightMessage {
    /// Sequence number.
    pub seq: u64,
    /// Sender.
    pub from: NodeIndex,
    /// Recipient.
    pub to: NodeIndex,
    /// `Message::kind`.
    pub kind: &'static str,
    /// When it arrives.
    pub deliver_at: Millis,
}

impl Network {
    /// One node (None: no such node).
    pub fn node(&self, node: NodeIndex) -> Option<NodeView> {
        let engine = self.engines.get(node as usize)?;
        let state = self.nodes.get(node as usize)?;
        let consensus = engine.consensus();
        let (last_accepted, last_accepted_height) = consensus.last_accepted();
        Some(NodeView {
            index: node,
            behavior: engine.behavior(),
            crashed: self.is_crashed(node),
            side: self.side(node),
            preference: consensus.preference(),
            last_accepted,
            last_accepted_height,
            processing: consensus.num_processing(),
            mempool: engine
                .vm()
                .pending_entries()
                .into_iter()
                .map(|data| data.0)
                .collect(),
            polls: engine.outstanding_polls(),
            polls_finished: engine.polls_finished(),
            trees: engine.trees(),
            confidence_history: state.confidence.iter().copied().collect(),
        })
    }

    /// Each node's preference, by index (the grid; one copy per node).
    pub fn preferences(&self) -> Vec<Id> {
        self.engines
            .iter()
            .map(|engine| engine.consensus().preference())
            .collect()
    }

    /// Each node's last accepted block and its height, by index.
    pub fn last_accepted_all(&self) -> Vec<(Id, u64)> {
        self.engines
            .iter()
            .map(|engine| engine.consensus().last_accepted())
            .collect()
    }

    fn block_view(&self, id: &Id, info: &super::BlockInfo) -> BlockView {
        BlockView {
            id: *id,
            parent: info.parent,
            height: info.height,
            timestamp: info.timestamp,
            bytes: info.bytes.to_vec(),
            builder: info.builder,
            accepted_by: info.accepted_by,
            rejected_by: info.rejected_by,
            known_by: info.known_by,
            fields: info.fields.clone(),
        }
    }

    /// Every block any node knows, by height then ID.
    pub fn blocks(&self) -> Vec<BlockView> {
        let mut views: Vec<BlockView> = self
            .blocks
            .iter()
            .map(|(id, info)| self.block_view(id, info))
            .collect();
        views.sort_unstable_by_key(|view| (view.height, view.id));
        views
    }

    /// One block any node knows.
    pub fn block(&self, id: &Id) -> Option<BlockView> {
        self.blocks.get(id).map(|info| self.block_view(id, info))
    }

    /// A block's status on `node` (Unknown for a node that does not exist).
    pub fn status_on(&self, node: NodeIndex, block: &Id) -> Status {
        self.engines
            .get(node as usize)
            .map_or(Status::Unknown, |engine| engine.vm().status(block))
    }

    /// The last finished poll on any node (None), or on `node`.
    pub fn last_poll(&self, node: Option<NodeIndex>) -> Option<&PollRecord> {
        let node = node.or(self.last_poll_node)?;
        self.nodes.get(node as usize)?.last_poll.as_ref()
    }

    /// Every accept and reject on every node (Byzantine ones too), in order.
    pub fn decisions(&self) -> &[DecisionRecord] {
        &self.decisions
    }

    /// (virtual time, honest nodes that accepted `block`), one point per change; genesis has one
    /// point at time 0.
    pub fn acceptance_history(&self, block: &Id) -> Vec<(Millis, u32)> {
        self.blocks
            .get(block)
            .map(|info| info.history.clone())
            .unwrap_or_default()
    }

    /// Is `block` decided on every live honest node (see [`Network::run_until_decided`])?
    pub fn decided_everywhere(&self, block: &Id) -> bool {
        let Some(height) = self.blocks.get(block).map(|info| info.height) else {
            return false;
        };
        (0..self.honest).all(|node| self.is_crashed(node) || self.decided_on(node, block, height))
    }

    /// Is `node` honest (not Byzantine)? False for a node that does not exist.
    pub fn is_honest(&self, node: NodeIndex) -> bool {
        node < self.honest
    }

    /// How many nodes are honest (indices `0..honest_count()`).
    pub fn honest_count(&self) -> u32 {
        self.honest
    }

    /// Is `node` crashed? False for a node that does not exist.
    pub fn is_crashed(&self, node: NodeIndex) -> bool {
        self.links
            .get(node as usize)
            .is_some_and(|link| link.crashed)
    }

    /// Where the network is split (None: no partition).
    pub fn partition_split(&self) -> Option<NodeIndex> {
        self.split
    }

    /// The block Byzantine nodes were told to vote for, if any.
    pub fn byzantine_target(&self) -> Option<Id> {
        self.byzantine_target
    }

    /// Up to `max` messages on the wire, in delivery order (O(in flight); query timers are not
    /// listed).
    pub fn in_flight(&self, max: usize) -> Vec<InFlightMessage> {
        self.queue
            .in_flight(max)
            .into_iter()
            .map(|(at, seq, envelope)| InFlightMessage {
                seq,
                from: envelope.from(),
                to: envelope.to(),
                kind: envelope.message.kind(),
                deliver_at: at,
            })
            .collect()
    }

    /// When the next message (or query timer) is due, if anything is in flight.
    pub fn next_due(&mut self) -> Option<Millis> {
        self.queue.peek().map(|(at, _)| at)
    }

    /// Counters. `sent == delivered + dropped + in_flight` always holds.
    pub fn stats(&self) -> NetworkStats {
        NetworkStats {
            in_flight: self.queue.messages() as u64,
            ..self.stats
        }
    }
}
