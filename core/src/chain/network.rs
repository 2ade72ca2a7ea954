//! SEAM (owner: network helper): many Snowman engines on virtual time. Replace the stub bodies;
//! keep the public signatures (the RPC, the page, the CLI and the tests use them); add freely.

use alloc::string::String;
use alloc::vec::Vec;

use crate::chain::engine::{
    Behavior, Engine, EngineEvent, Millis, NodeIndex, PollRecord, PollView,
};
use crate::chain::id::Id;
use crate::chain::params::{ParamError, Parameters};
use crate::chain::snowman::TreeView;
use crate::chain::timestampvm::{Data, TimestampVm};
use crate::chain::vm::{Status, VmError};

/// Everything that defines a network. Same config + same commands => same transcript.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Number of nodes (1..=10,000; the page allows up to 2,000).
    pub nodes: u32,
    /// Consensus parameters of every node.
    pub params: Parameters,
    /// Seed of every random choice (latency, drops, samples).
    pub seed: u64,
    /// Smallest one-way latency in virtual milliseconds.
    pub latency_min_ms: u32,
    /// Largest one-way latency in virtual milliseconds (inclusive).
    pub latency_max_ms: u32,
    /// Chance that a message is lost, in parts per thousand (0..=1000).
    pub drop_per_mille: u32,
    /// How many nodes are Byzantine: the last ones by index.
    pub byzantine: u32,
    /// What the Byzantine nodes do.
    pub byzantine_behavior: Behavior,
    /// Stake per node (None: unit stake).
    pub weights: Option<Vec<u64>>,
    /// Genesis data (text, at most 32 bytes).
    pub genesis_data: String,
    /// Build as avalanchego does on `PendingTxs` (true), or only when asked (false: the page).
    pub auto_build: bool,
    /// A query not answered within this many virtual milliseconds fails.
    pub query_timeout_ms: u32,
    /// Record events (the page and tests: true; benchmarks: false, for speed).
    pub trace: bool,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            nodes: 20,
            params: Parameters::DEFAULT,
            seed: 1,
            latency_min_ms: 10,
            latency_max_ms: 100,
            drop_per_mille: 0,
            byzantine: 0,
            byzantine_behavior: Behavior::FixedVote,
            weights: None,
            genesis_data: String::from("SnowRV genesis"),
            auto_build: false,
            query_timeout_ms: 1000,
            trace: true,
        }
    }
}

/// Why a config is refused: the field and the rule.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ConfigError {
    /// A consensus parameter rule.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// Another field: its name and what is wrong.
    #[error("{field}: {reason}")]
    Field {
        /// The field (as in the form and the JSON: `nodes`, `latencyMaxMs`, ...).
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl NetworkConfig {
    /// Checks every field; the first broken rule is the error.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.params.validate()?;
        Ok(())
    }
}

/// Why a network command was refused (the network is unchanged).
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ChainError {
    /// No such node.
    #[error("there is no node {node} (the network has {nodes})")]
    NoSuchNode {
        /// The index given.
        node: NodeIndex,
        /// How many nodes there are.
        nodes: u32,
    },
    /// The node is crashed.
    #[error("node {0} is crashed; restart it first")]
    Crashed(NodeIndex),
    /// The VM refused.
    #[error("node {node}: {error}")]
    Vm {
        /// The node.
        node: NodeIndex,
        /// The VM's reason.
        error: VmError,
    },
    /// Nothing to conflict with, or another precondition in words.
    #[error("{0}")]
    Precondition(String),
    /// A bad config.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Why a message was lost.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DropReason {
    /// The seeded coin said so (`drop_per_mille`).
    Random,
    /// Sender and recipient are on different sides of the partition.
    Partition,
    /// The recipient is crashed.
    Crashed,
}

/// Everything that happens, in order. The page and the tests read these; the transcript hash
/// covers them.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ChainEvent {
    /// A message was put on the wire.
    MessageSent {
        /// Sequence number (unique, increasing).
        seq: u64,
        /// Sender.
        from: NodeIndex,
        /// Recipient.
        to: NodeIndex,
        /// `Message::kind`.
        kind: &'static str,
        /// When it will arrive.
        deliver_at: Millis,
    },
    /// A message arrived and was handled.
    MessageDelivered {
        /// Its sequence number.
        seq: u64,
        /// Sender.
        from: NodeIndex,
        /// Recipient.
        to: NodeIndex,
        /// `Message::kind`.
        kind: &'static str,
    },
    /// A message was lost.
    MessageDropped {
        /// Its sequence number.
        seq: u64,
        /// Sender.
        from: NodeIndex,
        /// Recipient.
        to: NodeIndex,
        /// `Message::kind`.
        kind: &'static str,
        /// Why.
        reason: DropReason,
    },
    /// Something a node's engine did.
    Node {
        /// The node.
        node: NodeIndex,
        /// Virtual time.
        at: Millis,
        /// What.
        event: EngineEvent,
    },
    /// The user proposed data on a node.
    Proposed {
        /// The node.
        node: NodeIndex,
        /// The entry's ID.
        id: Id,
    },
    /// A node crashed.
    Crashed(NodeIndex),
    /// A node restarted.
    Restarted(NodeIndex),
    /// The partition changed (None: healed).
    Partitioned(Option<NodeIndex>),
}

/// What one step did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StepOutcome {
    /// The step happened.
    Progress,
    /// Nothing is in flight: the network is quiet.
    Quiet,
    /// The budget ran out first.
    Budget,
}

/// One decision on one node, for the decision log.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DecisionRecord {
    /// The node.
    pub node: NodeIndex,
    /// The block.
    pub block: Id,
    /// Its height.
    pub height: u64,
    /// Accepted (true) or rejected.
    pub accepted: bool,
    /// Virtual time.
    pub at: Millis,
}

/// A block somewhere in the network, for the block tree.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BlockView {
    /// ID.
    pub id: Id,
    /// Parent.
    pub parent: Id,
    /// Height.
    pub height: u64,
    /// Timestamp (virtual seconds).
    pub timestamp: i64,
    /// The 82 bytes.
    pub bytes: Vec<u8>,
    /// The node that built it (None: genesis).
    pub builder: Option<NodeIndex>,
    /// Honest nodes that accepted it.
    pub accepted_by: u32,
    /// Honest nodes that rejected it.
    pub rejected_by: u32,
    /// Honest nodes that know it.
    pub known_by: u32,
    /// VM-specific fields (name, value).
    pub fields: Vec<(&'static str, String)>,
}

/// A node, for the node grid and inspector.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NodeView {
    /// Index.
    pub index: NodeIndex,
    /// Behavior.
    pub behavior: Behavior,
    /// Crashed.
    pub crashed: bool,
    /// Side of the partition (0 or 1; 0 when there is none).
    pub side: u8,
    /// Preference.
    pub preference: Id,
    /// Last accepted block.
    pub last_accepted: Id,
    /// Its height.
    pub last_accepted_height: u64,
    /// Blocks processing.
    pub processing: usize,
    /// Mempool entries, oldest first (32 bytes each).
    pub mempool: Vec<[u8; 32]>,
    /// Polls in flight.
    pub polls: Vec<PollView>,
    /// Polls finished.
    pub polls_finished: u64,
    /// Snowball trees.
    pub trees: Vec<TreeView>,
    /// Confidence after each finished poll (the chart), most recent last, capped.
    pub confidence_history: Vec<u32>,
}

/// Counters over the whole run.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct NetworkStats {
    /// Messages sent.
    pub sent: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Messages dropped.
    pub dropped: u64,
    /// Polls finished on all nodes.
    pub polls: u64,
    /// Messages in flight.
    pub in_flight: u64,
}

/// The simulated network.
#[derive(Debug)]
pub struct Network {
    config: NetworkConfig,
    engines: Vec<Engine<TimestampVm>>,
    now: Millis,
    events: Vec<ChainEvent>,
}

impl Network {
    /// A network from a valid config: every node's VM initialized from the same genesis.
    pub fn new(config: NetworkConfig) -> Result<Network, ConfigError> {
        config.validate()?;
        Ok(Network {
            config,
            engines: Vec::new(),
            now: 0,
            events: Vec::new(),
        })
    }
    /// Its config.
    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }
    /// Virtual now.
    pub fn now(&self) -> Millis {
        self.now
    }
    /// Number of nodes.
    pub fn node_count(&self) -> u32 {
        self.config.nodes
    }
    /// A node's engine (for views the typed API does not cover).
    pub fn engine(&self, node: NodeIndex) -> Option<&Engine<TimestampVm>> {
        self.engines.get(node as usize)
    }
    /// Proposes 32 bytes of data into `node`'s mempool (TimestampVM's `proposeBlock`).
    pub fn propose(&mut self, node: NodeIndex, data: Data) -> Result<Id, ChainError> {
        let _ = data;
        Err(ChainError::NoSuchNode {
            node,
            nodes: self.config.nodes,
        })
    }
    /// `node` builds one block on its preference and pushes it to K sampled nodes.
    pub fn build(&mut self, node: NodeIndex) -> Result<Id, ChainError> {
        Err(ChainError::NoSuchNode {
            node,
            nodes: self.config.nodes,
        })
    }
    /// `node` builds a sibling of the newest processing block it knows (same parent), from its
    /// own mempool, to make a fork.
    pub fn build_conflicting(&mut self, node: NodeIndex) -> Result<Id, ChainError> {
        Err(ChainError::NoSuchNode {
            node,
            nodes: self.config.nodes,
        })
    }
    /// Hands block `id` (built somewhere) directly to `nodes`, as if gossiped (scenarios).
    pub fn gossip(&mut self, id: Id, nodes: &[NodeIndex]) -> Result<(), ChainError> {
        let _ = (id, nodes);
        Ok(())
    }
    /// Byzantine FixedVote/Equivocating nodes vote for `target` from now on.
    pub fn set_byzantine_target(&mut self, target: Id) {
        let _ = target;
    }
    /// Crashes a node: it loses its in-flight polls and messages to it are dropped.
    pub fn crash(&mut self, node: NodeIndex) -> Result<(), ChainError> {
        Err(ChainError::NoSuchNode {
            node,
            nodes: self.config.nodes,
        })
    }
    /// Restarts a crashed node from its last accepted block.
    pub fn restart(&mut self, node: NodeIndex) -> Result<(), ChainError> {
        Err(ChainError::NoSuchNode {
            node,
            nodes: self.config.nodes,
        })
    }
    /// Splits nodes into `0..split` and `split..` (messages across are dropped); None heals.
    pub fn partition(&mut self, split: Option<NodeIndex>) -> Result<(), ChainError> {
        let _ = split;
        Ok(())
    }
    /// Delivers the next message (by deliver time, then sequence number).
    pub fn step_message(&mut self) -> StepOutcome {
        StepOutcome::Quiet
    }
    /// Delivers messages until one poll finishes (on `node`, or on any node), at most `budget`
    /// messages.
    pub fn step_poll(&mut self, node: Option<NodeIndex>, budget: u64) -> StepOutcome {
        let _ = (node, budget);
        StepOutcome::Quiet
    }
    /// Delivers messages until every live honest node with polls in flight finished one more.
    pub fn step_round(&mut self, budget: u64) -> StepOutcome {
        let _ = budget;
        StepOutcome::Quiet
    }
    /// Runs until `block` is decided on every live honest node.
    pub fn run_until_decided(&mut self, block: Id, budget: u64) -> StepOutcome {
        let _ = (block, budget);
        StepOutcome::Quiet
    }
    /// Runs until nothing is in flight.
    pub fn run_until_quiet(&mut self, budget: u64) -> StepOutcome {
        let _ = budget;
        StepOutcome::Quiet
    }
    /// Delivers up to `messages` messages (a time slice of Run).
    pub fn run(&mut self, messages: u64) -> StepOutcome {
        let _ = messages;
        StepOutcome::Quiet
    }
    /// Drains the events since the last call.
    pub fn take_events(&mut self) -> Vec<ChainEvent> {
        core::mem::take(&mut self.events)
    }
    /// SHA-256 over every event so far (in order): equal configs and commands give equal hashes.
    pub fn transcript_hash(&self) -> Id {
        Id::EMPTY
    }
    /// One node.
    pub fn node(&self, node: NodeIndex) -> Option<NodeView> {
        let _ = node;
        None
    }
    /// Each node's preference, by index (the grid; cheap for 2,000 nodes).
    pub fn preferences(&self) -> Vec<Id> {
        Vec::new()
    }
    /// Every block any node knows, by height then ID.
    pub fn blocks(&self) -> Vec<BlockView> {
        Vec::new()
    }
    /// A block's status on `node`.
    pub fn status_on(&self, node: NodeIndex, block: &Id) -> Status {
        let _ = (node, block);
        Status::Unknown
    }
    /// The last finished poll on any node, and on each node.
    pub fn last_poll(&self, node: Option<NodeIndex>) -> Option<&PollRecord> {
        let _ = node;
        None
    }
    /// Every accept and reject, in order.
    pub fn decisions(&self) -> &[DecisionRecord] {
        &[]
    }
    /// (virtual time, honest nodes that accepted `block`), one point per change.
    pub fn acceptance_history(&self, block: &Id) -> Vec<(Millis, u32)> {
        let _ = block;
        Vec::new()
    }
    /// Is `node` honest (not Byzantine)?
    pub fn is_honest(&self, node: NodeIndex) -> bool {
        node < self.config.nodes - self.config.byzantine
    }
    /// Counters.
    pub fn stats(&self) -> NetworkStats {
        NetworkStats::default()
    }
}
