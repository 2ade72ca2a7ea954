//! SEAM (owner: engine helper): one node's Snowman engine, sans-I/O: messages and time in,
//! messages and events out, as avalanchego's `snow/engine/snowman/engine.go`. Replace the stub
//! bodies; keep the public signatures (the network and the UI use them); add freely.

use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::chain::id::Id;
use crate::chain::params::Parameters;
use crate::chain::snowball::Bag;
use crate::chain::snowman::{Topological, TreeView};
use crate::chain::vm::{ChainVm, VmError};

/// A node's index in the network (0-based).
pub type NodeIndex = u32;
/// Virtual time in milliseconds since the network started.
pub type Millis = u64;

/// A message between two nodes' engines (the subset of avalanchego's p2p messages Snowman uses).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Message {
    /// "Here is a block; what do you prefer?" Sent when a node issues a block it built.
    PushQuery {
        /// The poll's request ID at the sender.
        request_id: u32,
        /// The block's bytes.
        block: Rc<[u8]>,
        /// The height the poller asks about (the block's height).
        requested_height: u64,
    },
    /// "What do you prefer?" about a block the receiver may have to fetch. Repolls use it.
    PullQuery {
        /// The poll's request ID at the sender.
        request_id: u32,
        /// The block asked about.
        block_id: Id,
        /// The height the poller asks about.
        requested_height: u64,
    },
    /// The answer to a query.
    Chits {
        /// The request ID of the query answered.
        request_id: u32,
        /// The responder's preference.
        preferred: Id,
        /// The responder's preferred block at the requested height.
        preferred_at_height: Id,
        /// The responder's last accepted block.
        accepted: Id,
    },
    /// "Send me this block and its ancestors I may lack" (avalanchego's `GetAncestors`).
    GetAncestors {
        /// Request ID at the sender.
        request_id: u32,
        /// The block wanted.
        block_id: Id,
    },
    /// The answer to `GetAncestors`: the block first, then its ancestors, newest first.
    Ancestors {
        /// Request ID answered.
        request_id: u32,
        /// Block bytes.
        blocks: Vec<Rc<[u8]>>,
    },
    /// A request timed out (delivered by the network to the requester itself).
    QueryFailed {
        /// The request that timed out.
        request_id: u32,
        /// The peer that did not answer.
        peer: NodeIndex,
    },
}

impl Message {
    /// The message's kind in words, for events and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::PushQuery { .. } => "PushQuery",
            Message::PullQuery { .. } => "PullQuery",
            Message::Chits { .. } => "Chits",
            Message::GetAncestors { .. } => "GetAncestors",
            Message::Ancestors { .. } => "Ancestors",
            Message::QueryFailed { .. } => "QueryFailed",
        }
    }
}

/// How a node behaves.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Behavior {
    /// Follows the protocol.
    #[default]
    Honest,
    /// Always votes for one fixed conflicting block (its own sibling of the first processing
    /// block it sees, or the network's chosen target).
    FixedVote,
    /// Never answers queries.
    Silent,
    /// Answers different peers differently: even-numbered peers get its preference, odd-numbered
    /// ones its fixed conflicting block.
    Equivocating,
}

/// The validator set: one weight per node (unit stake by default).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Validators {
    /// Weight of each node, by index.
    pub weights: Vec<u64>,
}

/// What one finished poll looked like, for the poll inspector.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PollRecord {
    /// The polling node.
    pub node: NodeIndex,
    /// Its request ID.
    pub request_id: u32,
    /// The block the poll asked about.
    pub block: Id,
    /// The requested height.
    pub requested_height: u64,
    /// Virtual time it started and finished.
    pub started_at: Millis,
    /// Virtual time it finished.
    pub finished_at: Millis,
    /// Each sampled node with its vote: `None` when it did not answer (timed out or too late).
    pub voters: Vec<(NodeIndex, Option<Id>)>,
    /// The votes after bubbling to processing blocks.
    pub bag: Bag,
    /// Finished before every answer arrived (early termination).
    pub early: bool,
    /// What recording it did.
    pub successful: bool,
    /// Preference before and after.
    pub preference_before: Id,
    /// Preference after.
    pub preference_after: Id,
    /// Confidence after (see `PollResult::confidence`).
    pub confidence: u32,
    /// Blocks it decided: (block, accepted).
    pub decided: Vec<(Id, bool)>,
}

/// An outstanding poll, for the node inspector.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PollView {
    /// Request ID.
    pub request_id: u32,
    /// Block asked about.
    pub block: Id,
    /// Started at.
    pub started_at: Millis,
    /// Sampled nodes that have not answered.
    pub waiting_on: Vec<NodeIndex>,
    /// Votes received so far.
    pub votes: Vec<(NodeIndex, Id)>,
}

/// What an engine did while handling one input.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum EngineEvent {
    /// It built a block.
    Built {
        /// The block.
        id: Id,
        /// Its parent.
        parent: Id,
        /// Its height.
        height: u64,
    },
    /// A block was verified and added to consensus.
    Issued {
        /// The block.
        id: Id,
        /// Its height.
        height: u64,
    },
    /// A block could not be used (malformed, fails verify): shown, never fatal.
    Refused {
        /// The block, when its bytes parsed.
        id: Option<Id>,
        /// Why.
        error: VmError,
    },
    /// A poll started with these sampled nodes.
    PollStarted {
        /// Request ID.
        request_id: u32,
        /// Block asked about.
        block: Id,
        /// Sampled nodes.
        sampled: Vec<NodeIndex>,
    },
    /// A poll finished and was recorded.
    PollFinished(PollRecord),
    /// The preference changed.
    PreferenceChanged {
        /// Before.
        from: Id,
        /// After.
        to: Id,
    },
    /// A block was accepted.
    Accepted {
        /// The block.
        id: Id,
        /// Its height.
        height: u64,
    },
    /// A block was rejected.
    Rejected {
        /// The block.
        id: Id,
        /// Its height.
        height: u64,
    },
}

/// Where an engine puts what it wants sent and what it did; the network drains it.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    /// (recipient, message), in send order.
    pub messages: Vec<(NodeIndex, Message)>,
    /// Events in order.
    pub events: Vec<EngineEvent>,
}

/// One node's engine over its own VM.
#[derive(Debug)]
pub struct Engine<V: ChainVm> {
    node: NodeIndex,
    vm: V,
    consensus: Topological,
    behavior: Behavior,
}

impl<V: ChainVm> Engine<V> {
    /// An engine for `node` over an initialized `vm`; `seed` seeds its sampler (ChaCha).
    pub fn new(
        node: NodeIndex,
        vm: V,
        params: Parameters,
        validators: Rc<Validators>,
        seed: u64,
    ) -> Self {
        let _ = (validators, seed);
        let (id, height) = (vm.last_accepted(), 0);
        Engine {
            node,
            vm,
            consensus: Topological::new(params, id, height),
            behavior: Behavior::Honest,
        }
    }
    /// This node's index.
    pub fn node(&self) -> NodeIndex {
        self.node
    }
    /// The VM.
    pub fn vm(&self) -> &V {
        &self.vm
    }
    /// The consensus instance.
    pub fn consensus(&self) -> &Topological {
        &self.consensus
    }
    /// How it behaves.
    pub fn behavior(&self) -> Behavior {
        self.behavior
    }
    /// Sets how it behaves; `target` is the fixed conflicting block a FixedVote or Equivocating
    /// node votes for (None: its own sibling of the first processing block it sees).
    pub fn set_behavior(&mut self, behavior: Behavior, target: Option<Id>) {
        let _ = target;
        self.behavior = behavior;
    }
    /// Adds an entry to the VM's mempool; when `auto_build` is on, builds as avalanchego does on
    /// `PendingTxs` (while entries are pending and fewer than OptimalProcessing are processing).
    pub fn submit(
        &mut self,
        entry: V::Entry,
        now: Millis,
        auto_build: bool,
        out: &mut Outbox,
    ) -> Result<Id, VmError> {
        let _ = (now, auto_build, out);
        self.vm.submit(entry)
    }
    /// Builds one block on the preference and issues it (push query to K sampled nodes).
    pub fn build_block(&mut self, now: Millis, out: &mut Outbox) -> Result<Id, VmError> {
        let _ = (now, out);
        Err(VmError::NothingToBuild)
    }
    /// Builds one block on `parent` (a fork on purpose) and issues it.
    pub fn build_block_on(
        &mut self,
        parent: Id,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Id, VmError> {
        let _ = (parent, now, out);
        Err(VmError::NothingToBuild)
    }
    /// Hands the engine a block's bytes as if gossiped to it: parsed, fetched ancestors if
    /// needed, verified, issued (the scenarios use it to give nodes different first blocks).
    pub fn receive_block(
        &mut self,
        from: NodeIndex,
        bytes: Rc<[u8]>,
        now: Millis,
        out: &mut Outbox,
    ) {
        let _ = (from, bytes, now, out);
    }
    /// Handles one message from `from` at `now`.
    pub fn handle(&mut self, from: NodeIndex, message: Message, now: Millis, out: &mut Outbox) {
        let _ = (from, message, now, out);
    }
    /// Starts polls until ConcurrentRepolls are in flight while anything is processing.
    pub fn repoll(&mut self, now: Millis, out: &mut Outbox) {
        let _ = (now, out);
    }
    /// Polls in flight.
    pub fn outstanding_polls(&self) -> Vec<PollView> {
        Vec::new()
    }
    /// Polls finished so far.
    pub fn polls_finished(&self) -> u64 {
        0
    }
    /// The Snowball trees (see [`Topological::trees`]).
    pub fn trees(&self) -> Vec<TreeView> {
        self.consensus.trees()
    }
    /// The block this node votes for when asked about `requested_height`, and its preference
    /// (what its chits would say to `peer`).
    pub fn chits_for(&self, peer: NodeIndex, requested_height: u64) -> (Id, Id) {
        let _ = (peer, requested_height);
        (self.consensus.preference(), self.consensus.preference())
    }
}
