//! Many Snowman engines on virtual time: the simulated network (owner: network helper).
//!
//! [`Network`] owns N nodes, each an [`Engine`] over its own [`TimestampVm`], and the wire between
//! them: a message queue ordered by (deliver time, sequence number) (see `queue`), a seeded
//! latency in `[latency_min_ms, latency_max_ms]`, a seeded drop coin, an optional partition into
//! two groups, crashed nodes, and Byzantine nodes (the last `byzantine` indices). It plays the part
//! of avalanchego's networking layer: the sender registers a timeout for every query and delivers
//! `QueryFailed` when no answer came in time (`snow/networking/sender/sender.go`,
//! `snow/networking/timeout/manager.go`); messages to unreachable nodes are lost. The shape of the
//! simulation follows avalanchego's own `snow/consensus/snowman/network_test.go`, with real
//! engines and real messages instead of a shared in-memory poll.
//!
//! Commands (`propose`, `build`, `build_conflicting`, `build_on`, `gossip`, `crash`, `restart`,
//! `partition`) either happen or are refused with a [`ChainError`] that leaves the network
//! unchanged. Steps (`step_message`, `step_poll`, `step_round`, `run_until_decided`,
//! `run_until_quiet`, `run`) deliver messages; each one jumps virtual time to the message's
//! deliver time. Every send, delivery, drop and engine event becomes a [`ChainEvent`] (when
//! `trace` is on) and feeds the transcript hash (`transcript`). Views (`views`) read the nodes
//! and the per-block aggregates kept incrementally here.
//!
//! The wire, precisely: a message to oneself takes no time and is never lost; any other is
//! lost when sent across the partition or by the seeded coin (`MessageSent` then
//! `MessageDropped`), else arrives after a seeded latency, and is lost on arrival if its
//! recipient crashed since it was sent (even if it restarted: the connection died). Every query
//! and GetAncestors has a timer of `query_timeout_ms`; when no answer was delivered by then the
//! asker gets `QueryFailed { request_id, peer }`, shown as a `MessageDelivered` of kind
//! `QueryFailed` from the silent peer, with the timer's own sequence number and no
//! `MessageSent`. Answers go to the life of the asker that asked.
//!
//! Everything is deterministic: one ChaCha8 stream seeded from the config seed draws per-node
//! seeds, latencies and drops (several latencies or drop coins from each word, see
//! [`Digits`](super::digits)); maps that reach a result are ordered.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};

use crate::chain::digits::Digits;
use crate::chain::engine::byzantine::timestamp_conflict_data;
use crate::chain::engine::{
    send_order, Behavior, Engine, EngineEvent, Message, Millis, NodeIndex, Outbox, Outgoing,
    PollRecord, PollView, PullQueries, Validators,
};
use crate::chain::id::Id;
use crate::chain::params::{ParamError, Parameters};
use crate::chain::snowman::TreeView;
use crate::chain::timestampvm::{genesis_bytes, Data, TimestampVm};
use crate::chain::vm::{ChainVm, Status, Timestamp, VmError};

mod queue;
mod transcript;
mod views;
mod wire;

#[cfg(test)]
mod tests;

use queue::{widen, Due, Envelope, Queue, Timer};
use transcript::Transcript;
pub use views::InFlightMessage;
use wire::{Height, Position, Wire, WireTable};

/// How many finished polls of each node the confidence chart keeps.
pub const CONFIDENCE_HISTORY: usize = 200;
/// The largest network.
pub const MAX_NODES: u32 = 10_000;
// Every node of a network can be sampled.
const _: () = assert!(MAX_NODES as usize <= crate::chain::engine::sampler::MAX_VALIDATORS);
/// The largest one-way latency, in virtual milliseconds.
pub const MAX_LATENCY_MS: u32 = 60_000;

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
    /// Record events (the page and tests: true; benchmarks: false, for speed). Off, the engines
    /// build no events either, so what only events carry is not kept: the transcript hash
    /// ([`Id::EMPTY`]), poll records (`last_poll`), confidence histories, rejections (in
    /// `decisions` and `rejected_by`) and `known_by`. Accepts, `accepted_by`, acceptance
    /// histories, poll counts and every step work the same.
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
    /// Checks every field; the first broken rule is the error (the field is named as in the JSON).
    pub fn validate(&self) -> Result<(), ConfigError> {
        fn field(field: &'static str, reason: String) -> Result<(), ConfigError> {
            Err(ConfigError::Field { field, reason })
        }
        if self.nodes == 0 || self.nodes > MAX_NODES {
            return field(
                "nodes",
                format!("{} nodes: must be between 1 and {MAX_NODES}", self.nodes),
            );
        }
        if self.byzantine >= self.nodes {
            return field(
                "byzantine",
                format!(
                    "{} Byzantine nodes: must be fewer than the {} nodes (node 0 is always honest)",
                    self.byzantine, self.nodes
                ),
            );
        }
        self.params.validate()?;
        if self.params.k > self.nodes {
            return Err(ConfigError::Params(ParamError::Network(format!(
                "K = {} must be at most the number of nodes ({}): a poll samples K distinct nodes",
                self.params.k, self.nodes
            ))));
        }
        if self.latency_max_ms > MAX_LATENCY_MS {
            return field(
                "latencyMaxMs",
                format!(
                    "{} ms: must be at most {MAX_LATENCY_MS} ms",
                    self.latency_max_ms
                ),
            );
        }
        if self.latency_min_ms > self.latency_max_ms {
            return field(
                "latencyMinMs",
                format!(
                    "{} ms: must be at most latencyMaxMs ({} ms)",
                    self.latency_min_ms, self.latency_max_ms
                ),
            );
        }
        if self.drop_per_mille > 1000 {
            return field(
                "dropPerMille",
                format!("{}: must be at most 1000", self.drop_per_mille),
            );
        }
        if let Some(weights) = &self.weights {
            if weights.len() != self.nodes as usize {
                return field(
                    "weights",
                    format!(
                        "{} weights for {} nodes: give one per node",
                        weights.len(),
                        self.nodes
                    ),
                );
            }
            if let Some(position) = weights.iter().position(|weight| *weight == 0) {
                return field(
                    "weights",
                    format!("the weight of node {position} is 0: every weight must be positive"),
                );
            }
            if weights
                .iter()
                .try_fold(0u64, |total, weight| total.checked_add(*weight))
                .is_none()
            {
                return field(
                    "weights",
                    String::from("the total weight overflows 64 bits"),
                );
            }
        }
        if self.genesis_data.len() > 32 {
            return field(
                "genesisData",
                format!(
                    "{} bytes: genesis data is at most 32 bytes",
                    self.genesis_data.len()
                ),
            );
        }
        if self.query_timeout_ms == 0 {
            return field(
                "queryTimeoutMs",
                String::from("0 ms: must be at least 1 ms (twice latencyMaxMs is recommended)"),
            );
        }
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

/// Whether a node is reachable, read for every message: kept apart from [`NodeState`] in a
/// small dense array so that the check stays in cache for thousands of nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Link {
    /// Crashed: messages to it are lost, it does nothing.
    crashed: bool,
    /// Bumped at every crash and restart: messages and timers from an earlier life are lost.
    incarnation: u32,
    /// The network's next sequence number at the last crash or restart: everything numbered
    /// before it was sent in an earlier life.
    since: u64,
}

impl Link {
    /// Live, and still in the life `incarnation`.
    fn reaches(self, incarnation: u32) -> bool {
        !self.crashed && self.incarnation == incarnation
    }

    /// Live, and in the life it was in when sequence number `seq` was given out.
    #[inline(always)]
    fn reaches_since(self, seq: u64) -> bool {
        !self.crashed && seq >= self.since
    }

    /// Its incarnation when sequence number `seq` was given out, or, when that was in an
    /// earlier life, an earlier incarnation (all that matters of it is that the node has left
    /// it).
    #[inline(always)]
    fn incarnation_at(self, seq: u64) -> u32 {
        if seq >= self.since {
            self.incarnation
        } else {
            self.incarnation.saturating_sub(1)
        }
    }
}

/// A request (query or GetAncestors) being handled or answered: who asked, and its timer.
#[derive(Clone, Copy, Debug)]
struct Asked {
    /// The node that sent the request (and waits for the answer).
    asker: NodeIndex,
    /// Its request ID at the asker.
    request_id: u32,
    /// The request's sequence number (its timer's is the next; an answer goes to the asker's
    /// life that had it).
    seq: u64,
    /// When the request was sent.
    sent_at: Millis,
    /// An answer was put on the wire.
    answered: bool,
}

/// A node putting messages on the wire, with the settings that shape them (see
/// [`Network::sender`]).
#[derive(Clone, Copy, Debug)]
struct Sender {
    /// The node.
    from: NodeIndex,
    /// Its incarnation.
    incarnation: u32,
    /// Its side of the partition, and where the network is split.
    side: u8,
    split: Option<NodeIndex>,
    /// The send time.
    now: Millis,
    /// [`NetworkConfig::query_timeout_ms`].
    query_timeout: Millis,
    /// [`NetworkConfig::drop_per_mille`].
    drop_per_mille: u32,
    /// The least latency (the network's `latencies` draw what is added to it).
    latency_min: Millis,
    /// [`NetworkConfig::trace`], and whether timers are lazy ([`Network::lazy_timers`]).
    trace: bool,
    lazy_timers: bool,
}

/// Per-node bookkeeping the engine does not keep (read by views, not per message).
#[derive(Clone, Debug, Default)]
struct NodeState {
    /// The seed its first engine got; restarts derive theirs from it.
    seed: u64,
    /// Confidence after each finished poll, capped at [`CONFIDENCE_HISTORY`].
    confidence: VecDeque<u32>,
    /// The last finished poll.
    last_poll: Option<PollRecord>,
}

/// What the network knows about one block: its header and how many honest nodes know, accepted
/// and rejected it, kept up to date event by event.
#[derive(Clone, Debug)]
struct BlockInfo {
    parent: Id,
    height: u64,
    timestamp: Timestamp,
    bytes: Rc<[u8]>,
    fields: Vec<(&'static str, String)>,
    builder: Option<NodeIndex>,
    accepted_by: u32,
    rejected_by: u32,
    known_by: u32,
    /// (virtual time, accepted_by) at every change.
    history: Vec<(Millis, u32)>,
    /// When the network first saw it (a counter): "newest" means the largest.
    order: u64,
}

/// What a running step waits for. `repr(u8)`: a plain tag, as the run loop reads it before
/// every message (a niche in a `Vec` field would take several instructions to decode).
#[derive(Clone, Debug, Default)]
#[repr(u8)]
enum Watch {
    /// Nothing: deliver as asked.
    #[default]
    Idle,
    /// A poll finishing on this node (or any node); `seen` once one did.
    Poll { node: Option<NodeIndex>, seen: bool },
    /// Each flagged node finishing one poll.
    Round {
        pending: Vec<bool>,
        remaining: usize,
    },
    /// `block` decided on each flagged node.
    Decided {
        block: Id,
        height: u64,
        pending: Vec<bool>,
        remaining: usize,
    },
}

impl Watch {
    fn done(&self) -> bool {
        match self {
            Watch::Idle => false,
            Watch::Poll { seen, .. } => *seen,
            Watch::Round { remaining, .. } | Watch::Decided { remaining, .. } => *remaining == 0,
        }
    }
}

/// The simulated network.
#[derive(Debug)]
pub struct Network {
    config: NetworkConfig,
    engines: Vec<Engine<TimestampVm>>,
    now: Millis,
    events: Vec<ChainEvent>,
    /// Keep at most about this many undrained events (None: all).
    event_limit: Option<usize>,
    /// Events discarded by the limit (still in the transcript hash).
    events_discarded: u64,
    nodes: Vec<NodeState>,
    links: Vec<Link>,
    /// (polls finished, last accepted height) of each engine as last seen (trace off).
    observed: Vec<(u64, u64)>,
    /// Nodes `0..honest` are honest.
    honest: u32,
    validators: Rc<Validators>,
    genesis: Vec<u8>,
    genesis_id: Id,
    rng: ChaCha8Rng,
    /// Latencies above the minimum (`0..=latency_max_ms - latency_min_ms`), and per-mille drop
    /// coins, drawn from `rng`.
    latencies: Digits,
    drop_coins: Digits,
    queue: Queue,
    /// The block IDs queued messages name, numbered, and the block bytes they carry.
    wire: WireTable,
    /// Timers only for requests that will not be answered in time (see [`Queue`]): valid when
    /// any answer arrives before the timeout (`query_timeout_ms > 2 * latency_max_ms`), and then
    /// exactly equivalent to a timer per request cancelled by its answer, without the cost.
    lazy_timers: bool,
    /// The next sequence number.
    seq: u64,
    /// Reused between engine calls so steady-state steps allocate nothing here.
    outbox: Outbox,
    split: Option<NodeIndex>,
    byzantine_target: Option<Id>,
    transcript: Transcript,
    stats: NetworkStats,
    blocks: BTreeMap<Id, BlockInfo>,
    block_order: u64,
    decisions: Vec<DecisionRecord>,
    last_poll_node: Option<NodeIndex>,
    watch: Watch,
}

/// The request `asked` if a message to `to` about `request_id` is its first answer (marking it
/// answered).
#[inline]
fn answering(asked: Option<&mut Asked>, to: NodeIndex, request_id: u32) -> Option<Asked> {
    match asked {
        Some(asked) if to == asked.asker && request_id == asked.request_id && !asked.answered => {
            asked.answered = true;
            Some(*asked)
        }
        _ => None,
    }
}

/// A seed for `node`'s engine in its `incarnation`-th life, from its first seed.
fn engine_seed(seed: u64, incarnation: u32) -> u64 {
    if incarnation == 0 {
        return seed;
    }
    let mixed = seed.wrapping_add(u64::from(incarnation).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    ChaCha8Rng::seed_from_u64(mixed).next_u64()
}

/// Sets up a new engine: tracing as the network, and a Byzantine behavior on Byzantine nodes.
fn configure(
    engine: &mut Engine<TimestampVm>,
    byzantine: bool,
    config: &NetworkConfig,
    target: Option<Id>,
) {
    engine.set_trace(config.trace);
    if byzantine {
        engine.set_conflict_entry(timestamp_conflict_data);
        engine.set_behavior(config.byzantine_behavior, target);
    }
}

/// The side `node` is on when the network is split at `split` (nodes `split..` on side 1).
#[inline(always)]
fn side(split: Option<NodeIndex>, node: NodeIndex) -> u8 {
    match split {
        Some(split) if node >= split => 1,
        _ => 0,
    }
}

impl Network {
    /// A network from a valid config: every node's VM initialized from the same genesis.
    pub fn new(config: NetworkConfig) -> Result<Network, ConfigError> {
        config.validate()?;
        let genesis_error = |error: VmError| ConfigError::Field {
            field: "genesisData",
            reason: error.to_string(),
        };
        let genesis = genesis_bytes(config.genesis_data.as_bytes()).map_err(genesis_error)?;
        let count = config.nodes;
        let honest = count - config.byzantine;
        let validators = Rc::new(Validators {
            weights: config
                .weights
                .clone()
                .unwrap_or_else(|| vec![1; count as usize]),
        });
        let mut master = ChaCha8Rng::seed_from_u64(config.seed);
        let mut nodes = Vec::with_capacity(count as usize);
        let mut engines = Vec::with_capacity(count as usize);
        for index in 0..count {
            let seed = master.next_u64();
            let mut vm = TimestampVm::new();
            vm.initialize(&genesis, &[]).map_err(genesis_error)?;
            let mut engine = Engine::new(index, vm, config.params, validators.clone(), seed);
            configure(&mut engine, index >= honest, &config, None);
            engines.push(engine);
            nodes.push(NodeState {
                seed,
                ..NodeState::default()
            });
        }
        let rng = ChaCha8Rng::seed_from_u64(master.next_u64());
        // The config is valid: latency_min_ms <= latency_max_ms <= MAX_LATENCY_MS.
        let latencies = Digits::new(config.latency_max_ms - config.latency_min_ms + 1);
        let genesis_id = engines
            .first()
            .map(|engine| engine.vm().last_accepted())
            .unwrap_or(Id::EMPTY);
        let observed = engines
            .iter()
            .map(|engine| (engine.polls_finished(), engine.last_accepted().1))
            .collect();
        let mut network = Network {
            queue: Queue::new(config.latency_max_ms),
            wire: WireTable::default(),
            lazy_timers: u64::from(config.query_timeout_ms) > 2 * u64::from(config.latency_max_ms),
            config,
            engines,
            now: 0,
            events: Vec::new(),
            event_limit: None,
            events_discarded: 0,
            links: vec![Link::default(); nodes.len()],
            observed,
            nodes,
            honest,
            validators,
            genesis,
            genesis_id,
            rng,
            latencies,
            drop_coins: Digits::new(1000),
            seq: 0,
            outbox: Outbox::default(),
            split: None,
            byzantine_target: None,
            transcript: Transcript::default(),
            stats: NetworkStats::default(),
            blocks: BTreeMap::new(),
            block_order: 0,
            decisions: Vec::new(),
            last_poll_node: None,
            watch: Watch::Idle,
        };
        network.note_block(0, &genesis_id, None);
        if let Some(info) = network.blocks.get_mut(&genesis_id) {
            info.accepted_by = honest;
            info.known_by = honest;
            info.history.push((0, honest));
        }
        Ok(network)
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
    /// The genesis block's ID.
    pub fn genesis(&self) -> Id {
        self.genesis_id
    }
    /// The validator set every engine samples from.
    pub fn validators(&self) -> &Validators {
        &self.validators
    }

    // ----- commands -----

    /// The node exists and is not crashed.
    fn check_live(&self, node: NodeIndex) -> Result<(), ChainError> {
        match self.links.get(node as usize) {
            None => Err(ChainError::NoSuchNode {
                node,
                nodes: self.config.nodes,
            }),
            Some(link) if link.crashed => Err(ChainError::Crashed(node)),
            Some(_) => Ok(()),
        }
    }

    /// Runs one engine call with the reused outbox, then emits what it did (after `prelude`, for
    /// the command's own event). A refusal discards whatever the engine may have put in the
    /// outbox.
    fn with_engine<T>(
        &mut self,
        node: NodeIndex,
        call: impl FnOnce(&mut Engine<TimestampVm>, Millis, &mut Outbox) -> Result<T, VmError>,
        prelude: impl FnOnce(&mut Network, &T),
    ) -> Result<T, ChainError> {
        let now = self.now;
        let result = match self.engines.get_mut(node as usize) {
            Some(engine) => call(engine, now, &mut self.outbox),
            None => Err(VmError::NotRunning),
        };
        match result {
            Ok(value) => {
                // `prelude` emits the command's own event before what the engine did.
                let out = core::mem::take(&mut self.outbox);
                prelude(self, &value);
                self.outbox = out;
                // A command may change what `observe` reads in ways the engine does not count.
                self.outbox.polls_finished = self.outbox.polls_finished.max(1);
                self.finish(node, None);
                Ok(value)
            }
            Err(error) => {
                self.outbox.discard();
                Err(ChainError::Vm { node, error })
            }
        }
    }

    /// Proposes 32 bytes of data into `node`'s mempool (TimestampVM's `proposeBlock`). With
    /// `auto_build` the node then builds as avalanchego does on `PendingTxs`.
    pub fn propose(&mut self, node: NodeIndex, data: Data) -> Result<Id, ChainError> {
        self.check_live(node)?;
        let auto_build = self.config.auto_build;
        self.with_engine(
            node,
            |engine, now, out| engine.submit(data, now, auto_build, out),
            |network, id| network.emit(ChainEvent::Proposed { node, id: *id }),
        )
    }

    /// `node` builds one block on its preference and pushes it to K sampled nodes.
    pub fn build(&mut self, node: NodeIndex) -> Result<Id, ChainError> {
        self.check_live(node)?;
        self.with_engine(
            node,
            |engine, now, out| engine.build_block(now, out),
            |network, id| network.note_block(node, id, Some(node)),
        )
    }

    /// `node` builds a sibling of the newest processing block it knows (same parent), from its
    /// own mempool, to make a fork. A node that knows no processing block yet (the push query has
    /// not reached it) forks the newest block still processing in the network, when its parent
    /// is this node's last accepted block or processing here.
    pub fn build_conflicting(&mut self, node: NodeIndex) -> Result<Id, ChainError> {
        self.check_live(node)?;
        let parent = self.conflict_parent(node).ok_or_else(|| {
            ChainError::Precondition(format!(
                "node {node} knows no processing block to build a sibling of: build a block first"
            ))
        })?;
        self.with_engine(
            node,
            |engine, now, out| engine.build_block_on(parent, now, out),
            |network, id| network.note_block(node, id, Some(node)),
        )
    }

    /// `node` builds one block from its own mempool on `parent` (a block it knows that is
    /// processing, or its last accepted block) and pushes it to K sampled nodes (scenarios'
    /// random block trees).
    pub fn build_on(&mut self, node: NodeIndex, parent: Id) -> Result<Id, ChainError> {
        self.check_live(node)?;
        self.with_engine(
            node,
            |engine, now, out| engine.build_block_on(parent, now, out),
            |network, id| network.note_block(node, id, Some(node)),
        )
    }

    /// The parent for [`Network::build_conflicting`].
    fn conflict_parent(&self, node: NodeIndex) -> Option<Id> {
        let engine = self.engines.get(node as usize)?;
        let consensus = engine.consensus();
        let newest_here = self
            .blocks
            .iter()
            .filter(|(id, _)| consensus.processing(id))
            .max_by_key(|(_, info)| info.order);
        if let Some((_, info)) = newest_here {
            return Some(info.parent);
        }
        // Blocks this node has not seen yet that it could hold a sibling of.
        let (last_accepted, _) = consensus.last_accepted();
        self.blocks
            .values()
            .filter(|info| info.parent == last_accepted || consensus.processing(&info.parent))
            .max_by_key(|info| info.order)
            .map(|info| info.parent)
    }

    /// Hands block `id` (built somewhere) directly to `nodes`, as if gossiped (scenarios). Every
    /// node must exist and be live; the block must be known to some node.
    pub fn gossip(&mut self, id: Id, nodes: &[NodeIndex]) -> Result<(), ChainError> {
        let Some(info) = self.blocks.get(&id) else {
            return Err(ChainError::Precondition(format!(
                "block {id} is unknown to every node: build it first"
            )));
        };
        for node in nodes {
            self.check_live(*node)?;
        }
        let bytes = info.bytes.clone();
        let builder = info.builder;
        for node in nodes {
            let from = builder.unwrap_or(*node);
            let _ = self.with_engine(
                *node,
                |engine, now, out| {
                    engine.receive_block(from, bytes.clone(), now, out);
                    Ok(())
                },
                |_, _| {},
            );
        }
        Ok(())
    }

    /// Byzantine FixedVote/Equivocating nodes vote for `target` from now on.
    pub fn set_byzantine_target(&mut self, target: Id) {
        self.byzantine_target = Some(target);
        let behavior = self.config.byzantine_behavior;
        for engine in self.engines.iter_mut().skip(self.honest as usize) {
            engine.set_behavior(behavior, Some(target));
        }
    }

    /// Crashes a node: it loses its in-flight polls and messages to it are dropped.
    pub fn crash(&mut self, node: NodeIndex) -> Result<(), ChainError> {
        self.check_live(node)?;
        if let Some(link) = self.links.get_mut(node as usize) {
            link.crashed = true;
            link.incarnation += 1;
            link.since = self.seq;
        }
        self.emit(ChainEvent::Crashed(node));
        Ok(())
    }

    /// Restarts a crashed node from its last accepted block: a fresh VM initialized from genesis
    /// replays the old VM's accepted chain (parse, verify, accept, in height order); a fresh
    /// engine starts on it. Processing blocks, polls and the mempool are lost, as in avalanchego
    /// where only accepted blocks persist.
    pub fn restart(&mut self, node: NodeIndex) -> Result<(), ChainError> {
        let (Some(state), Some(link)) =
            (self.nodes.get(node as usize), self.links.get(node as usize))
        else {
            return Err(ChainError::NoSuchNode {
                node,
                nodes: self.config.nodes,
            });
        };
        if !link.crashed {
            return Err(ChainError::Precondition(format!(
                "node {node} is not crashed"
            )));
        }
        let incarnation = link.incarnation + 1;
        let seed = engine_seed(state.seed, incarnation);
        let Some(old) = self.engines.get(node as usize) else {
            return Err(ChainError::NoSuchNode {
                node,
                nodes: self.config.nodes,
            });
        };
        let vm = self
            .replay(old.vm())
            .map_err(|error| ChainError::Vm { node, error })?;
        let mut engine = Engine::new(node, vm, self.config.params, self.validators.clone(), seed);
        configure(
            &mut engine,
            node >= self.honest,
            &self.config,
            self.byzantine_target,
        );
        let Some(slot) = self.engines.get_mut(node as usize) else {
            return Ok(());
        };
        let fresh = (engine.polls_finished(), engine.last_accepted().1);
        let old = core::mem::replace(slot, engine);
        if let Some(seen) = self.observed.get_mut(node as usize) {
            *seen = fresh;
        }
        if node < self.honest {
            // The old life's processing and rejected blocks are forgotten; accepted ones persist.
            for (id, info) in self.blocks.iter_mut() {
                let Ok(before) = old.vm().get_block(id) else {
                    continue;
                };
                let known = before.verified || before.status.decided();
                let rejected = before.status == Status::Rejected;
                let accepted = before.status == Status::Accepted;
                if known && !accepted {
                    info.known_by = info.known_by.saturating_sub(1);
                }
                if rejected {
                    info.rejected_by = info.rejected_by.saturating_sub(1);
                }
            }
        }
        if let Some(link) = self.links.get_mut(node as usize) {
            *link = Link {
                crashed: false,
                incarnation,
                since: self.seq,
            };
        }
        self.emit(ChainEvent::Restarted(node));
        Ok(())
    }

    /// A fresh VM from genesis with `old`'s accepted chain replayed through the `ChainVm` trait.
    fn replay(&self, old: &TimestampVm) -> Result<TimestampVm, VmError> {
        let mut vm = TimestampVm::new();
        vm.initialize(&self.genesis, &[])?;
        let last = old.get_block(&old.last_accepted())?.height;
        let now = (self.now / 1000) as Timestamp;
        for height in 1..=last {
            let id = old.get_block_id_at_height(height)?;
            let bytes = &old.get_block(&id)?.bytes;
            let parsed = vm.parse_block(bytes)?;
            vm.verify(&parsed, now)?;
            vm.accept(&parsed)?;
        }
        Ok(vm)
    }

    /// Splits nodes into `0..split` and `split..` (messages across are dropped when sent); None
    /// heals. Messages already on the wire still arrive.
    pub fn partition(&mut self, split: Option<NodeIndex>) -> Result<(), ChainError> {
        if let Some(at) = split {
            if at == 0 || at >= self.config.nodes {
                return Err(ChainError::Precondition(format!(
                    "a partition at {at} leaves one side empty: split between 1 and {}",
                    self.config.nodes.saturating_sub(1)
                )));
            }
        }
        self.split = split;
        self.emit(ChainEvent::Partitioned(split));
        Ok(())
    }

    // ----- the wire -----

    /// The side of the partition `node` is on.
    fn side(&self, node: NodeIndex) -> u8 {
        side(self.split, node)
    }

    /// The timer that fires at the asker of `asked` when `peer` does not answer (lazy timers:
    /// queued only once it is known that the answer will not come).
    fn late_timer(&self, asked: Asked, peer: NodeIndex) -> Timer {
        Timer {
            at: asked.sent_at + u64::from(self.config.query_timeout_ms),
            seq: asked.seq + 1,
            node: asked.asker,
            peer,
            request_id: asked.request_id,
            incarnation: self
                .links
                .get(asked.asker as usize)
                .map_or(0, |link| link.incarnation_at(asked.seq)),
        }
    }

    /// Records an event (and hashes it) when tracing.
    fn emit(&mut self, event: ChainEvent) {
        if self.config.trace {
            self.transcript.record(&event);
            self.events.push(event);
            if let Some(limit) = self.event_limit {
                // Trim in halves so that each event is moved at most once on average.
                if self.events.len() >= limit.saturating_mul(2).max(1) {
                    let excess = self.events.len() - limit;
                    self.events.drain(..excess);
                    self.events_discarded += excess as u64;
                }
            }
        }
    }

    /// Emits what `node`'s engine did and puts its messages on the wire, leaving the outbox
    /// empty (its buffers kept for reuse; taken apart, not moved whole, as it is read per
    /// message). `asked` is the request the engine was handling: answers to it carry its timer
    /// (delivering them cancels it) and mark it answered. Out of line: most engine calls leave
    /// nothing to send, which [`Network::finish`] checks inline.
    #[inline(never)]
    fn flush(&mut self, node: NodeIndex, mut asked: Option<&mut Asked>) {
        if !self.outbox.events.is_empty() {
            let mut events = core::mem::take(&mut self.outbox.events);
            for event in events.drain(..) {
                self.on_engine_event(node, event);
            }
            self.outbox.events = events;
        }
        if let Some((to, chits)) = &self.outbox.answer {
            let to = *to;
            // Numbered before the drop decision (numbering has no effect beyond the table).
            let message = Wire::chits(chits, &mut self.wire);
            let answer = answering(asked.as_deref_mut(), to, chits.request_id);
            self.outbox.answer = None;
            self.post(node, to, answer, None, "Chits", |_| message);
        }
        if self.outbox.messages.is_empty() && self.outbox.pull_queries.is_empty() {
            return;
        }
        let mut messages = core::mem::take(&mut self.outbox.messages);
        let mut pull_queries = core::mem::take(&mut self.outbox.pull_queries);
        let mut peers = core::mem::take(&mut self.outbox.peers);
        for step in send_order(messages.len(), &pull_queries) {
            match step {
                Outgoing::Message(index) => {
                    if let Some((to, message)) = messages.get(index) {
                        self.send(node, *to, message, asked.as_deref_mut());
                    }
                }
                Outgoing::PullQueries(index) => {
                    if let Some(batch) = pull_queries.get(index) {
                        self.send_pull_queries(node, batch, peers.get(batch.start..batch.end));
                    }
                }
            }
        }
        pull_queries.clear();
        peers.clear();
        messages.clear();
        self.outbox.messages = messages;
        self.outbox.pull_queries = pull_queries;
        self.outbox.peers = peers;
    }

    /// Puts a poll's pull queries on the wire, numbering the block once for all of them.
    fn send_pull_queries(
        &mut self,
        from: NodeIndex,
        batch: &PullQueries,
        peers: Option<&[NodeIndex]>,
    ) {
        let block_id = self.wire.number(&batch.block_id);
        let sender = self.sender(from);
        for (index, to) in peers.unwrap_or(&[]).iter().enumerate() {
            // The peers are the poll's sample, in order: each query carries its position.
            let message = Wire::PullQuery {
                request_id: batch.request_id,
                block_id,
                requested_height: Height::new(batch.requested_height),
                position: Position::at(index),
            };
            self.post_from(
                &sender,
                *to,
                None,
                Some(batch.request_id),
                "PullQuery",
                |_| message,
            );
        }
    }

    /// Puts one message on the wire (see [`Network::post`]); `asked`, the request being
    /// handled, if the message may answer it.
    #[inline]
    fn send(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        message: &Message,
        asked: Option<&mut Asked>,
    ) {
        let answer = match message {
            Message::Chits { request_id, .. } | Message::Ancestors { request_id, .. } => {
                answering(asked, to, *request_id)
            }
            _ => None,
        };
        let request = match message {
            Message::PushQuery { request_id, .. }
            | Message::PullQuery { request_id, .. }
            | Message::GetAncestors { request_id, .. } => Some(*request_id),
            _ => None,
        };
        self.post(from, to, answer, request, message.kind(), |table| {
            Wire::pack(message, table)
        });
    }

    /// What putting messages on the wire from `from` reads besides the message: read once for
    /// a batch (a poll's pull queries), as the queue's writes keep the compiler from keeping
    /// the network's fields in registers across messages.
    #[inline(always)]
    fn sender(&self, from: NodeIndex) -> Sender {
        let config = &self.config;
        Sender {
            from,
            incarnation: self
                .links
                .get(from as usize)
                .map_or(0, |link| link.incarnation),
            side: self.side(from),
            split: self.split,
            now: self.now,
            query_timeout: u64::from(config.query_timeout_ms),
            drop_per_mille: config.drop_per_mille,
            latency_min: u64::from(config.latency_min_ms),
            trace: config.trace,
            lazy_timers: self.lazy_timers,
        }
    }

    /// Puts one message on the wire (see [`Network::post_from`]).
    #[inline(always)]
    fn post(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        answer: Option<Asked>,
        request: Option<u32>,
        kind: &'static str,
        pack: impl FnOnce(&mut WireTable) -> Wire,
    ) {
        let sender = self.sender(from);
        self.post_from(&sender, to, answer, request, kind, pack);
    }

    /// Puts one message from `sender` on the wire: latency, drops, and a timer for requests.
    /// `answer`: the request this message answers; `request`: the message's request ID if it is
    /// a request; `pack`: the message for the queue (called only if it is not lost).
    #[inline(always)]
    fn post_from(
        &mut self,
        sender: &Sender,
        to: NodeIndex,
        answer: Option<Asked>,
        request: Option<u32>,
        kind: &'static str,
        pack: impl FnOnce(&mut WireTable) -> Wire,
    ) {
        if to as usize >= self.links.len() {
            // An engine addressed a node that does not exist: nothing to deliver to.
            return;
        }
        let (from, sender_incarnation, now) = (sender.from, sender.incarnation, sender.now);
        let seq = self.seq;
        self.seq += 1;
        self.stats.sent += 1;
        let mut pending_request = None;
        if let Some(request_id) = request {
            // avalanchego's sender registers the request with the timeout manager as it sends
            // (a failed GetAncestors is delivered as QueryFailed too: the engine tells them apart
            // by request ID). The timer's sequence number, the request's plus one, is taken now
            // in both timer modes, so that both order the same.
            let timer_seq = self.seq;
            self.seq += 1;
            let pending = Timer {
                at: now + sender.query_timeout,
                seq: timer_seq,
                node: from,
                peer: to,
                request_id,
                incarnation: sender_incarnation,
            };
            if !sender.lazy_timers {
                self.queue.push_timer(pending);
            }
            pending_request = Some(pending);
        }
        let dropped = if from == to {
            None
        } else if sender.side != side(sender.split, to) {
            Some(DropReason::Partition)
        } else if sender.drop_per_mille > 0
            && self.drop_coins.draw(&mut self.rng) < sender.drop_per_mille
        {
            Some(DropReason::Random)
        } else {
            None
        };
        let deliver_at = match dropped {
            Some(_) => now,
            None if from == to => now,
            None => {
                let extra = self.latencies.draw(&mut self.rng);
                now + sender.latency_min + u64::from(extra)
            }
        };
        if sender.trace {
            self.emit(ChainEvent::MessageSent {
                seq,
                from,
                to,
                kind,
                deliver_at,
            });
        }
        if let Some(reason) = dropped {
            self.stats.dropped += 1;
            if sender.trace {
                self.emit(ChainEvent::MessageDropped {
                    seq,
                    from,
                    to,
                    kind,
                    reason,
                });
            }
            if sender.lazy_timers {
                // The request or its answer is lost: its timer will fire.
                if let Some(pending) = pending_request {
                    self.queue.push_late_timer(pending);
                } else if let Some(asked) = answer {
                    self.queue.push_late_timer(self.late_timer(asked, from));
                }
            }
            return;
        }
        let message = pack(&mut self.wire);
        // What delivery derives the request bookkeeping from (see `Envelope::aux`): a request's
        // latency gives its deadline, and its sequence number its timer's and the lives it was
        // sent between. An answer goes to the asker's life that asked, so it is checked against
        // the request's number; anything else against its own.
        let aux = if request.is_some() {
            (deliver_at - now) as u32
        } else {
            answer.map_or(seq, |asked| asked.seq) as u32
        };
        self.queue
            .push(deliver_at, seq, Envelope::new(from, to, aux, message));
    }

    /// Handles the next entry of the queue. False when nothing is due. Cancelled timers and
    /// timers of nodes that crashed since are skipped without counting.
    fn deliver_next(&mut self) -> bool {
        loop {
            let Some(due) = self.queue.pop() else {
                return false;
            };
            match due {
                Due::Timer(timer) => {
                    let live = self
                        .links
                        .get(timer.node as usize)
                        .is_some_and(|link| link.reaches(timer.incarnation));
                    if !live {
                        continue;
                    }
                    self.now = self.now.max(timer.at);
                    let message = Message::QueryFailed {
                        request_id: timer.request_id,
                        peer: timer.peer,
                    };
                    if self.config.trace {
                        self.emit(ChainEvent::MessageDelivered {
                            seq: timer.seq,
                            from: timer.peer,
                            to: timer.node,
                            kind: message.kind(),
                        });
                    }
                    self.handle(timer.peer, timer.node, message, None);
                    return true;
                }
                Due::Message { at, seq, envelope } => {
                    self.now = self.now.max(at);
                    self.deliver(at, seq, envelope);
                    return true;
                }
            }
        }
    }

    /// Delivers one message (or drops it: its recipient crashed since it was sent).
    fn deliver(&mut self, at: Millis, seq: u64, envelope: Envelope) {
        let (from, to, message) = (envelope.from(), envelope.to(), envelope.message);
        let request_id = message.request_id();
        // The sequence number the recipient's life is checked against (see `post_from`).
        let life = if request_id.is_some() {
            seq
        } else {
            widen(seq, envelope.aux)
        };
        let asked = request_id.map(|request_id| Asked {
            asker: from,
            request_id,
            seq,
            sent_at: at.saturating_sub(u64::from(envelope.aux)),
            answered: false,
        });
        let reachable = self
            .links
            .get(to as usize)
            .is_some_and(|link| link.reaches_since(life));
        if !reachable {
            self.stats.dropped += 1;
            if self.config.trace {
                self.emit(ChainEvent::MessageDropped {
                    seq,
                    from,
                    to,
                    kind: message.kind(),
                    reason: DropReason::Crashed,
                });
            }
            if let (true, Some(asked)) = (self.lazy_timers, asked) {
                self.queue.push_late_timer(self.late_timer(asked, to));
            }
            message.release(&mut self.wire);
            return;
        }
        self.stats.delivered += 1;
        if self.config.trace {
            self.emit(ChainEvent::MessageDelivered {
                seq,
                from,
                to,
                kind: message.kind(),
            });
        }
        if matches!(message, Wire::Chits { .. } | Wire::Ancestors { .. }) && !self.lazy_timers {
            // avalanchego's timeout manager: a response removes the request's timeout (an
            // answer not sent while its request was handled names no request's number, and
            // cancels nothing).
            self.queue.cancel_timer(life + 1);
        }
        if self.answer_usual_pull_query(from, to, message, asked) {
            return;
        }
        let now = self.now;
        let table = &mut self.wire;
        let out = &mut self.outbox;
        match self.engines.get_mut(to as usize) {
            // The two messages of every poll go to the engine without being rebuilt.
            Some(engine) => match message {
                Wire::PullQuery {
                    request_id,
                    block_id,
                    requested_height,
                    position: _,
                } => engine.pull_query(
                    from,
                    request_id,
                    table.id(block_id),
                    requested_height.get(),
                    now,
                    out,
                ),
                Wire::Chits {
                    request_id,
                    preferred,
                    preferred_at_height,
                    accepted: _,
                    position,
                } => engine.chits(
                    from,
                    request_id,
                    (table.id(preferred), table.id(preferred_at_height)),
                    position.get(),
                    now,
                    out,
                ),
                other => {
                    if let Some(message) = other.unpack(table) {
                        engine.handle(from, message, now, out);
                    }
                }
            },
            // (Never: every reachable node has an engine.)
            None => message.release(table),
        }
        self.handled(to, asked);
    }

    /// The usual PullQuery (see [`Engine::usual_pull_query`]) answered straight onto the wire,
    /// as `to`'s engine would answer it, without a call into the engine and its outbox: false
    /// when `message` is not a PullQuery, or not the usual one.
    #[inline(always)]
    fn answer_usual_pull_query(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        message: Wire,
        asked: Option<Asked>,
    ) -> bool {
        let Wire::PullQuery {
            request_id,
            block_id,
            requested_height,
            position,
        } = message
        else {
            return false;
        };
        let block = self.wire.id(block_id);
        let Some(accepted) = self
            .engines
            .get(to as usize)
            .and_then(|engine| engine.usual_pull_query(&block, requested_height.get()))
        else {
            return false;
        };
        // The chits name the block asked about twice: only the last accepted block needs a
        // number.
        let accepted = if accepted == block {
            block_id
        } else {
            self.wire.number(&accepted)
        };
        let chits = Wire::Chits {
            request_id,
            preferred: block_id,
            preferred_at_height: block_id,
            accepted,
            position,
        };
        let answer = asked.map(|asked| Asked {
            answered: true,
            ..asked
        });
        self.post(to, from, answer, None, "Chits", |_| chits);
        true
    }

    /// Hands a message to `to`'s engine and emits what it did.
    fn handle(&mut self, from: NodeIndex, to: NodeIndex, message: Message, asked: Option<Asked>) {
        if let Some(engine) = self.engines.get_mut(to as usize) {
            engine.handle(from, message, self.now, &mut self.outbox);
        }
        self.handled(to, asked);
    }

    /// After `to`'s engine handled a message: emits what it did, and a request it did not
    /// answer at once gets its timer now (lazy timers).
    #[inline(always)]
    fn handled(&mut self, to: NodeIndex, mut asked: Option<Asked>) {
        self.finish(to, asked.as_mut());
        if let (true, Some(asked)) = (self.lazy_timers, asked) {
            if !asked.answered {
                self.queue.push_late_timer(self.late_timer(asked, to));
            }
        }
    }

    /// Emits what `node`'s engine put in the outbox and puts its messages on the wire, leaving
    /// the outbox empty (its buffers kept for reuse).
    #[inline(always)]
    fn finish(&mut self, node: NodeIndex, asked: Option<&mut Asked>) {
        if self.outbox.polls_finished > 0 {
            self.outbox.polls_finished = 0;
            if !self.config.trace {
                self.observe(node);
            }
        }
        if self.outbox.events.is_empty() && self.outbox.nothing_to_send() {
            return;
        }
        self.flush(node, asked);
    }

    /// With `trace` off the engines build no events; what the network needs from them (polls
    /// finished, blocks accepted) is read from their state after each call and compared with
    /// what was seen last (a small dense array, so no engine is touched before its call).
    fn observe(&mut self, node: NodeIndex) {
        let Some(engine) = self.engines.get(node as usize) else {
            return;
        };
        let polls = engine.polls_finished();
        let (_, height) = engine.last_accepted();
        let Some(seen) = self.observed.get_mut(node as usize) else {
            return;
        };
        let (polls_before, height_before) = *seen;
        *seen = (polls, height);
        for _ in polls_before..polls {
            self.poll_finished(node);
        }
        if height > height_before {
            for accepted_height in height_before + 1..=height {
                let Some(id) = self
                    .engines
                    .get(node as usize)
                    .and_then(|engine| engine.vm().get_block_id_at_height(accepted_height).ok())
                else {
                    continue;
                };
                self.note_block(node, &id, None);
                self.decided(node, id, accepted_height, true);
            }
            self.update_decided_watch(node);
        }
    }

    // ----- engine events -----

    /// Adds `id` to the block aggregates if new, reading its header from `node`'s VM.
    fn note_block(&mut self, node: NodeIndex, id: &Id, builder: Option<NodeIndex>) {
        if let Some(info) = self.blocks.get_mut(id) {
            if info.builder.is_none() && builder.is_some() {
                info.builder = builder;
            }
            return;
        }
        let Some(vm) = self.engines.get(node as usize).map(|engine| engine.vm()) else {
            return;
        };
        let Ok(header) = vm.get_block(id) else {
            return;
        };
        let info = BlockInfo {
            parent: header.parent,
            height: header.height,
            timestamp: header.timestamp,
            bytes: Rc::from(header.bytes.as_slice()),
            fields: vm.block_fields(id).unwrap_or_default(),
            builder,
            accepted_by: 0,
            rejected_by: 0,
            known_by: 0,
            history: Vec::new(),
            order: self.block_order,
        };
        self.block_order += 1;
        self.blocks.insert(*id, info);
    }

    /// Updates the aggregates and the running step's watch for one engine event, then emits it.
    fn on_engine_event(&mut self, node: NodeIndex, event: EngineEvent) {
        let honest = node < self.honest;
        let now = self.now;
        match &event {
            EngineEvent::Built { id, .. } => self.note_block(node, id, Some(node)),
            EngineEvent::Issued { id, .. } => {
                self.note_block(node, id, None);
                if honest {
                    if let Some(info) = self.blocks.get_mut(id) {
                        info.known_by += 1;
                    }
                }
            }
            EngineEvent::PollStarted { .. } => {}
            EngineEvent::PollFinished(record) => {
                if let Some(state) = self.nodes.get_mut(node as usize) {
                    if state.confidence.len() >= CONFIDENCE_HISTORY {
                        state.confidence.pop_front();
                    }
                    state.confidence.push_back(record.confidence);
                }
                self.poll_finished(node);
            }
            EngineEvent::Accepted { id, height } | EngineEvent::Rejected { id, height } => {
                let accepted = matches!(event, EngineEvent::Accepted { .. });
                self.decided(node, *id, *height, accepted);
                self.update_decided_watch(node);
            }
            EngineEvent::PreferenceChanged { .. } | EngineEvent::Refused { .. } => {}
        }
        if self.config.trace {
            if let EngineEvent::PollFinished(record) = &event {
                if let Some(state) = self.nodes.get_mut(node as usize) {
                    state.last_poll = Some(record.clone());
                }
            }
            self.emit(ChainEvent::Node {
                node,
                at: now,
                event,
            });
        } else if let EngineEvent::PollFinished(record) = event {
            if let Some(state) = self.nodes.get_mut(node as usize) {
                state.last_poll = Some(record);
            }
        }
    }

    /// One poll finished on `node`: counters and the running step's watch.
    fn poll_finished(&mut self, node: NodeIndex) {
        self.stats.polls += 1;
        self.last_poll_node = Some(node);
        match &mut self.watch {
            Watch::Poll { node: wanted, seen } if wanted.is_none_or(|wanted| wanted == node) => {
                *seen = true;
            }
            Watch::Round { pending, remaining } => {
                if let Some(flag) = pending.get_mut(node as usize) {
                    if *flag {
                        *flag = false;
                        *remaining -= 1;
                    }
                }
            }
            _ => {}
        }
    }

    /// `node` accepted or rejected `block`: the decision log and the block's counts.
    fn decided(&mut self, node: NodeIndex, block: Id, height: u64, accepted: bool) {
        let now = self.now;
        self.decisions.push(DecisionRecord {
            node,
            block,
            height,
            accepted,
            at: now,
        });
        if node < self.honest {
            if let Some(info) = self.blocks.get_mut(&block) {
                if accepted {
                    info.accepted_by += 1;
                    info.history.push((now, info.accepted_by));
                } else {
                    info.rejected_by += 1;
                }
            }
        }
    }

    /// After a decision on `node`: is the watched block now decided there?
    fn update_decided_watch(&mut self, node: NodeIndex) {
        let (block, height) = match &self.watch {
            Watch::Decided {
                block,
                height,
                pending,
                ..
            } if pending.get(node as usize).copied().unwrap_or(false) => (*block, *height),
            _ => return,
        };
        if !self.decided_on(node, &block, height) {
            return;
        }
        if let Watch::Decided {
            pending, remaining, ..
        } = &mut self.watch
        {
            if let Some(flag) = pending.get_mut(node as usize) {
                *flag = false;
                *remaining -= 1;
            }
        }
    }

    /// Is `block` (at `height`) decided on `node`: accepted or rejected there, or at or below its
    /// last accepted height (avalanchego's `Decided`), or off its accepted chain (an ancestor
    /// conflicts with a block it accepted)?
    fn decided_on(&self, node: NodeIndex, block: &Id, height: u64) -> bool {
        let Some(engine) = self.engines.get(node as usize) else {
            return false;
        };
        if engine.vm().status(block).decided() {
            return true;
        }
        let (last_accepted, last_height) = engine.consensus().last_accepted();
        if height <= last_height {
            return true;
        }
        let mut ancestor = *block;
        loop {
            let Some(info) = self.blocks.get(&ancestor) else {
                return false;
            };
            if info.height <= last_height {
                return ancestor != last_accepted;
            }
            ancestor = info.parent;
        }
    }

    // ----- steps -----

    /// Delivers the next message (by deliver time, then sequence number); virtual time jumps to
    /// its deliver time. A query timer that fires counts as a message.
    pub fn step_message(&mut self) -> StepOutcome {
        // Every delivery goes through `run_watch`, its only caller, so that it inlines there.
        match self.run_watch(Watch::Idle, 1) {
            StepOutcome::Quiet => StepOutcome::Quiet,
            _ => StepOutcome::Progress,
        }
    }

    /// Delivers until the watch is satisfied (Progress), nothing is due (Quiet) or `budget`
    /// messages were delivered (Budget).
    fn run_watch(&mut self, watch: Watch, budget: u64) -> StepOutcome {
        self.watch = watch;
        let mut used = 0u64;
        let outcome = loop {
            if self.watch.done() {
                break StepOutcome::Progress;
            }
            if used >= budget {
                break StepOutcome::Budget;
            }
            if !self.deliver_next() {
                break StepOutcome::Quiet;
            }
            used += 1;
        };
        self.watch = Watch::Idle;
        outcome
    }

    /// Delivers messages until one poll finishes (on `node`, or on any node), at most `budget`
    /// messages. Progress: a poll finished; Quiet: nothing left to deliver first (also for a node
    /// that does not exist or is crashed); Budget: the budget ran out.
    pub fn step_poll(&mut self, node: Option<NodeIndex>, budget: u64) -> StepOutcome {
        if let Some(node) = node {
            if self.check_live(node).is_err() {
                return StepOutcome::Quiet;
            }
        }
        self.run_watch(Watch::Poll { node, seen: false }, budget)
    }

    /// Delivers messages until every live honest node that had polls in flight at the start
    /// finished at least one more (a round). With no poll in flight anywhere, it delivers until
    /// any poll finishes.
    pub fn step_round(&mut self, budget: u64) -> StepOutcome {
        let mut pending = vec![false; self.nodes.len()];
        let mut remaining = 0;
        for (index, (link, engine)) in self
            .links
            .iter()
            .zip(&self.engines)
            .enumerate()
            .take(self.honest as usize)
        {
            if !link.crashed && !engine.outstanding_polls().is_empty() {
                if let Some(flag) = pending.get_mut(index) {
                    *flag = true;
                    remaining += 1;
                }
            }
        }
        if remaining == 0 {
            return self.step_poll(None, budget);
        }
        self.run_watch(Watch::Round { pending, remaining }, budget)
    }

    /// Runs until `block` is decided (accepted, rejected, or below a conflicting accepted block)
    /// on every live honest node. Progress: it is; Quiet: nothing left to deliver first (or no
    /// node knows the block); Budget: the budget ran out.
    pub fn run_until_decided(&mut self, block: Id, budget: u64) -> StepOutcome {
        let Some(height) = self.blocks.get(&block).map(|info| info.height) else {
            return StepOutcome::Quiet;
        };
        let mut pending = vec![false; self.nodes.len()];
        let mut remaining = 0;
        for node in 0..self.honest {
            let live = self
                .links
                .get(node as usize)
                .is_some_and(|link| !link.crashed);
            if live && !self.decided_on(node, &block, height) {
                if let Some(flag) = pending.get_mut(node as usize) {
                    *flag = true;
                    remaining += 1;
                }
            }
        }
        self.run_watch(
            Watch::Decided {
                block,
                height,
                pending,
                remaining,
            },
            budget,
        )
    }

    /// Runs until nothing is in flight (Quiet), or `budget` messages (Budget).
    pub fn run_until_quiet(&mut self, budget: u64) -> StepOutcome {
        self.run_watch(Watch::Idle, budget)
    }

    /// Delivers up to `messages` messages (a time slice of Run): Quiet when nothing is left in
    /// flight afterwards, Progress otherwise.
    pub fn run(&mut self, messages: u64) -> StepOutcome {
        self.run_watch(Watch::Idle, messages);
        if self.queue.is_empty() {
            StepOutcome::Quiet
        } else {
            StepOutcome::Progress
        }
    }

    /// Queues a timer for every request, cancelled by its answer, even when lazy timers would
    /// do (tests compare the two).
    #[cfg(test)]
    fn force_eager_timers(&mut self) {
        self.lazy_timers = false;
    }

    /// Drains the events since the last call (only the newest `limit` when an event limit is
    /// set).
    pub fn take_events(&mut self) -> Vec<ChainEvent> {
        if let Some(limit) = self.event_limit {
            if self.events.len() > limit {
                let excess = self.events.len() - limit;
                self.events.drain(..excess);
                self.events_discarded += excess as u64;
            }
        }
        core::mem::take(&mut self.events)
    }

    /// Bounds the memory of undrained events: a long run between two `take_events` keeps only
    /// the newest `limit` (None: keep every event, the default). Discarded events still count in
    /// the transcript hash; [`Network::events_discarded`] counts them. The page, which drains
    /// once per frame and shows only recent events, sets one for big networks.
    pub fn set_event_limit(&mut self, limit: Option<usize>) {
        self.event_limit = limit;
    }

    /// How many events the event limit discarded so far.
    pub fn events_discarded(&self) -> u64 {
        self.events_discarded
    }

    /// SHA-256 over every event so far (in order): equal configs and commands give equal hashes.
    /// [`Id::EMPTY`] when `trace` is off (no events are built).
    pub fn transcript_hash(&self) -> Id {
        if self.config.trace {
            self.transcript.hash()
        } else {
            Id::EMPTY
        }
    }
}
