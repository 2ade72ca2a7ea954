//! One node's Snowman engine, sans-I/O: messages and virtual time in, messages and events out
//! (an [`Outbox`] the caller drains after every call), as avalanchego's
//! `snow/engine/snowman/engine.go` with `voter.go` and `issuer.go`.
//!
//! What it does, in avalanchego's terms:
//! - **Build** ([`Engine::build_block`], `buildBlocks`): the VM builds (and verifies) a block on
//!   the preference; it is added to consensus and, being preferred, issued with a PushQuery (its
//!   bytes) to K validators sampled by stake without replacement ([`sampler`]). With
//!   `auto_build`, [`Engine::submit`] builds while entries are pending and fewer than
//!   OptimalProcessing blocks are processing, after every input.
//! - **Issue** (`issueFrom`, `issue`, `deliver`): a block received in a PushQuery, an Ancestors
//!   answer or [`Engine::receive_block`] is parsed by the VM. If an ancestor is unknown, a
//!   GetAncestors goes to the peer that told us about the block and the block waits, blocked on
//!   its parent (`pending` + `blocked`); when the parent is issued the block is verified and
//!   added to consensus. Blocks at a decided height, or whose parent was rejected, are dropped
//!   (the VM rejects them), and so is every block waiting for one of them.
//!   A block that becomes preferred when added starts a poll about it (PullQuery; PushQuery for
//!   blocks built here).
//! - **Answer** (`sendChits`): queries are answered at once with Chits {preference, preferred
//!   block at the requested height, last accepted}. As in today's engine.go, a PushQuery is
//!   answered *before* its block is issued, so the answer describes what the node preferred when
//!   the query arrived; a PullQuery about an unknown block also fetches it from the querier.
//! - **Poll** (`poll`, `poll/set.go` + `early_term_traversal.go`): a vote is the first of
//!   (preferred, preferred-at-height) that bubbles (through blocks the VM knows) to a processing
//!   block (`getProcessingAncestor`, voter.go `bubbleVotes`); unknown voted blocks are fetched
//!   from the voter. Unlike avalanchego, a chit is applied at once instead of waiting for its
//!   blocks to be fetched: a vote whose chain reaches an unknown or decided block is dropped.
//!   Polls end early (transitive traversal), finished polls are recorded oldest first, each with
//!   votes bubbled again at that moment; decisions go to the VM in order; then the engine repolls
//!   its preference until ConcurrentRepolls polls are in flight.
//! - **Byzantine** behaviours ([`Behavior`], [`byzantine`]).
//!
//! A node may sample itself: it then sends the query to itself through the [`Outbox`] like to
//! any other peer (the network delivers self-addressed messages without latency) and answers it
//! when it arrives. Each sampled node carries one vote.
//!
//! Costs per handled message: no allocation except the outgoing messages (and their bytes when a
//! block is pushed), lookups in ordered maps, and O(K) work for a chit; sampling is O(K)
//! expected. Nothing here scans every block.

pub mod byzantine;
mod poll;
pub mod sampler;

#[cfg(test)]
mod tests;

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::rc::Rc;
use alloc::string::ToString;
use alloc::vec::Vec;

use rand::rngs::ChaCha8Rng;
use rand::SeedableRng;

use crate::chain::id::Id;
use crate::chain::params::Parameters;
use crate::chain::snowball::Bag;
use crate::chain::snowman::{BlockMeta, Topological, TreeView};
use crate::chain::vm::{ChainVm, Status, Timestamp, VmError};

use poll::{Answer, Poll, PollSet, Scratch, Thresholds, PAIRS};
use sampler::Sampler;
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

/// A [`Message::Chits`] answer, held in the [`Outbox`] without building the message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Chits {
    /// The request ID of the query answered.
    pub request_id: u32,
    /// The responder's preference.
    pub preferred: Id,
    /// The responder's preferred block at the requested height.
    pub preferred_at_height: Id,
    /// The responder's last accepted block.
    pub accepted: Id,
}

impl From<Chits> for Message {
    fn from(chits: Chits) -> Message {
        Message::Chits {
            request_id: chits.request_id,
            preferred: chits.preferred,
            preferred_at_height: chits.preferred_at_height,
            accepted: chits.accepted,
        }
    }
}

/// A poll's [`Message::PullQuery`]s, held in the [`Outbox`] as one header for all its peers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PullQueries {
    /// Where they go among [`Outbox::messages`]: before the message at this index (or after
    /// the last one).
    pub at: usize,
    /// The poll's request ID.
    pub request_id: u32,
    /// The block asked about.
    pub block_id: Id,
    /// The height asked about.
    pub requested_height: u64,
    /// The peers, `Outbox::peers[start..end]`, in send order.
    pub start: usize,
    /// See `start`.
    pub end: usize,
}

/// One step of an [`Outbox`]'s send order after its `answer`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outgoing {
    /// `messages[i]`.
    Message(usize),
    /// The pull queries of `pull_queries[i]`.
    PullQueries(usize),
}

/// The send order of `messages` messages and `batches` of pull queries: each batch goes before
/// the message at its `at` (after the last message when `at` is past it), batches in order.
pub fn send_order(messages: usize, batches: &[PullQueries]) -> impl Iterator<Item = Outgoing> + '_ {
    let (mut message, mut batch) = (0, 0);
    core::iter::from_fn(move || {
        if let Some(next) = batches.get(batch) {
            if message >= next.at.min(messages) {
                batch += 1;
                return Some(Outgoing::PullQueries(batch - 1));
            }
        }
        (message < messages).then(|| {
            message += 1;
            Outgoing::Message(message - 1)
        })
    })
}

/// Where an engine puts what it wants sent and what it did; the network drains it.
///
/// A query's chits and a poll's pull queries, the two messages of almost every exchange, are
/// held in a compact form (`answer`, `pull_queries`), so that the network can put them on the
/// wire without building a [`Message`] each; [`Outbox::take_messages`] gives every message in
/// send order as a [`Message`].
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    /// Chits sent before anything else in the call (an honest node answers a query first).
    pub answer: Option<(NodeIndex, Chits)>,
    /// (recipient, message), in send order, apart from `answer` and `pull_queries`.
    pub messages: Vec<(NodeIndex, Message)>,
    /// Polls' pull queries, in send order, each placed among `messages` by its `at`.
    pub pull_queries: Vec<PullQueries>,
    /// Their recipients.
    pub peers: Vec<NodeIndex>,
    /// Events in order.
    pub events: Vec<EngineEvent>,
    /// Polls the engine recorded into consensus during the call (only then can its poll count
    /// or last accepted block have changed): lets the network skip looking at the engine
    /// otherwise. The network resets it.
    pub polls_finished: u32,
}

impl Outbox {
    /// Nothing to send.
    #[inline]
    pub fn nothing_to_send(&self) -> bool {
        self.answer.is_none() && self.messages.is_empty() && self.pull_queries.is_empty()
    }

    /// Forgets everything the call put in it.
    pub fn discard(&mut self) {
        self.answer = None;
        self.messages.clear();
        self.pull_queries.clear();
        self.peers.clear();
        self.events.clear();
        self.polls_finished = 0;
    }

    /// Every message to send, in send order, as [`Message`]s; leaves nothing to send.
    pub fn take_messages(&mut self) -> Vec<(NodeIndex, Message)> {
        let mut all = Vec::new();
        all.extend(
            self.answer
                .take()
                .map(|(to, chits)| (to, Message::from(chits))),
        );
        let messages = core::mem::take(&mut self.messages);
        for step in send_order(messages.len(), &self.pull_queries) {
            match step {
                Outgoing::Message(index) => all.extend(messages.get(index).cloned()),
                Outgoing::PullQueries(index) => {
                    let Some(batch) = self.pull_queries.get(index) else {
                        continue;
                    };
                    let peers = self.peers.get(batch.start..batch.end).unwrap_or(&[]);
                    all.extend(peers.iter().map(|peer| {
                        (
                            *peer,
                            Message::PullQuery {
                                request_id: batch.request_id,
                                block_id: batch.block_id,
                                requested_height: batch.requested_height,
                            },
                        )
                    }));
                }
            }
        }
        self.pull_queries.clear();
        self.peers.clear();
        all
    }
}

/// Ancestors sent with a block in an [`Message::Ancestors`] answer, at most (not counting the
/// block itself). avalanchego bounds the answer by bytes; a small count keeps messages short.
pub const MAX_ANCESTORS: usize = 8;

/// A fetch (GetAncestors) not answered within this many virtual milliseconds may be sent again
/// when the block is wanted again. The network times out queries, not fetches, and may drop
/// messages, so without this one lost GetAncestors would leave a block unfetchable forever.
pub const FETCH_RETRY_MS: Millis = 1_000;

/// An outstanding GetAncestors.
#[derive(Clone, Copy, Debug)]
struct Fetch {
    /// Asked of.
    peer: NodeIndex,
    /// The block wanted.
    block: Id,
    /// When it was sent.
    sent_at: Millis,
}

/// One node's engine over its own VM.
///
/// The fields every message reads come first and the struct starts on a cache line (`repr(C)`
/// keeps the declared order): with a thousand engines each delivery finds its engine cold in
/// cache, so what a message costs is mostly how many lines it touches. A query is answered, and
/// a chit finds its poll, from the first two lines: line 0 holds the preference and the last
/// accepted block, line 1 the poll set, the preference's height, the behavior and whether to
/// build (on 64-bit targets; on wasm32 they take less room).
#[derive(Debug)]
#[repr(C, align(64))]
pub struct Engine<V: ChainVm> {
    // ----- line 0 -----
    /// The preference the VM was last told about (always consensus's after a call returns):
    /// most queries and chits name it, and comparing with it saves lookups.
    preference: Id,
    /// Consensus's last accepted block, copied after every poll (chits carry it, and votes
    /// below it are dropped).
    accepted: Id,
    // ----- line 1 -----
    polls: PollSet,
    /// The preference's height.
    preference_height: u64,
    behavior: Behavior,
    /// Build after every input while entries are pending (avalanchego `PendingTxs`).
    auto_build: bool,
    /// Build events (false: only messages, for speed).
    trace: bool,
    // ----- read per poll or less -----
    /// The last accepted block's height.
    accepted_height: u64,
    node: NodeIndex,
    /// The last request ID used, for polls and fetches alike (avalanchego `requestID`).
    request_id: u32,
    params: Parameters,
    polls_finished: u64,
    scratch: Scratch,
    // ----- read per poll or less -----
    consensus: Topological,
    sampler: Sampler,
    rng: ChaCha8Rng,
    vm: V,
    validators: Rc<Validators>,
    /// Blocks queued for issue, waiting for an ancestor (avalanchego `pending`).
    pending: BTreeSet<Id>,
    /// Dependency -> blocks waiting for it to be issued (avalanchego's `blocked` scheduler).
    blocked: BTreeMap<Id, Vec<Id>>,
    /// Outstanding fetches by request ID, and the request ID of each fetched block
    /// (avalanchego `blkReqs`, a bimap).
    fetches: BTreeMap<u32, Fetch>,
    fetching: BTreeMap<Id, u32>,
    /// The conflicting block FixedVote/Equivocating nodes vote for, when given.
    target: Option<Id>,
    /// The sibling this Byzantine node built itself, and its height.
    conflict: Option<(Id, u64)>,
    /// Makes the mempool entry of a Byzantine sibling from (node, height).
    conflict_entry: Option<fn(NodeIndex, u64) -> V::Entry>,
    sample: Vec<NodeIndex>,
    work: Vec<Id>,
}

/// Virtual milliseconds to block-timestamp seconds.
fn seconds(now: Millis) -> Timestamp {
    Timestamp::try_from(now / 1000).unwrap_or(Timestamp::MAX)
}

impl<V: ChainVm> Engine<V> {
    /// An engine for `node` over an initialized `vm`; `seed` seeds its sampler (ChaCha).
    /// Consensus starts from the VM's last accepted block (avalanchego `Start`).
    pub fn new(
        node: NodeIndex,
        mut vm: V,
        params: Parameters,
        validators: Rc<Validators>,
        seed: u64,
    ) -> Self {
        let last_accepted = vm.last_accepted();
        let height = vm.get_block(&last_accepted).map_or(0, |block| block.height);
        // Start: the VM builds on the last accepted block until consensus prefers another.
        let _ = vm.set_preference(&last_accepted);
        let sampler = Sampler::new(&validators.weights);
        Engine {
            node,
            vm,
            consensus: Topological::new(params, last_accepted, height),
            behavior: Behavior::Honest,
            params,
            validators,
            sampler,
            rng: ChaCha8Rng::seed_from_u64(seed),
            request_id: 0,
            polls: PollSet::default(),
            polls_finished: 0,
            pending: BTreeSet::new(),
            blocked: BTreeMap::new(),
            fetches: BTreeMap::new(),
            fetching: BTreeMap::new(),
            auto_build: false,
            trace: true,
            preference: last_accepted,
            accepted: last_accepted,
            accepted_height: height,
            preference_height: height,
            target: None,
            conflict: None,
            conflict_entry: None,
            scratch: Scratch::default(),
            sample: Vec::new(),
            work: Vec::new(),
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
    /// The VM, giving up the engine (a restart replays its accepted chain into a fresh VM).
    pub fn into_vm(self) -> V {
        self.vm
    }
    /// The consensus instance.
    pub fn consensus(&self) -> &Topological {
        &self.consensus
    }
    /// The validator set it samples from.
    pub fn validators(&self) -> &Validators {
        &self.validators
    }
    /// How it behaves.
    pub fn behavior(&self) -> Behavior {
        self.behavior
    }
    /// Sets how it behaves; `target` is the fixed conflicting block a FixedVote or Equivocating
    /// node votes for (None: its own sibling of the first processing block it sees at each
    /// height). A node that stops being honest forgets its polls: Byzantine nodes do not poll.
    pub fn set_behavior(&mut self, behavior: Behavior, target: Option<Id>) {
        self.behavior = behavior;
        self.target = target;
        if behavior != Behavior::Honest {
            self.polls.clear();
        }
    }
    /// How a Byzantine node makes the mempool entry of its own conflicting sibling at `height`
    /// (the engine is generic over the VM, so it cannot make one itself). For the TimestampVM:
    /// [`byzantine::timestamp_conflict_data`]. Without it, a FixedVote node with no target builds
    /// from whatever its mempool holds, and votes for its last accepted block (a vote that counts
    /// for nothing) while it has no sibling.
    pub fn set_conflict_entry(&mut self, make: fn(NodeIndex, u64) -> V::Entry) {
        self.conflict_entry = Some(make);
    }
    /// Whether events are built ([`Outbox::events`]); off, the engine only sends messages, which
    /// is faster (benchmarks). On by default.
    pub fn set_trace(&mut self, trace: bool) {
        self.trace = trace;
    }
    /// Adds an entry to the VM's mempool; when `auto_build` is on, builds as avalanchego does on
    /// `PendingTxs` (while entries are pending and fewer than OptimalProcessing are processing),
    /// now and after every later input.
    pub fn submit(
        &mut self,
        entry: V::Entry,
        now: Millis,
        auto_build: bool,
        out: &mut Outbox,
    ) -> Result<Id, VmError> {
        let id = self.vm.submit(entry)?;
        if auto_build {
            self.auto_build = true;
            self.build_blocks(now, out);
        }
        Ok(id)
    }
    /// Builds one block on the preference and issues it (push query to K sampled nodes).
    pub fn build_block(&mut self, now: Millis, out: &mut Outbox) -> Result<Id, VmError> {
        let id = self.vm.build_block(seconds(now))?;
        self.issue_built(id, false, now, out)?;
        Ok(id)
    }
    /// Builds one block on `parent` (a fork on purpose) and issues it. Unlike avalanchego, which
    /// queries only about preferred blocks, an honest node pushes the block to K sampled nodes
    /// even when it does not prefer it, so that the fork reaches the network.
    pub fn build_block_on(
        &mut self,
        parent: Id,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Id, VmError> {
        let id = self.vm.build_block_on(parent, seconds(now))?;
        self.issue_built(id, true, now, out)?;
        Ok(id)
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
        self.receive(from, &bytes, now, out);
        self.build_blocks(now, out);
    }
    /// Handles one message from `from` at `now`.
    pub fn handle(&mut self, from: NodeIndex, message: Message, now: Millis, out: &mut Outbox) {
        if self.behavior == Behavior::Silent {
            // A silent node neither answers nor polls; it does not even fetch.
            return;
        }
        match message {
            Message::PushQuery {
                request_id,
                block,
                requested_height,
            } => {
                if self.behavior == Behavior::Honest {
                    // engine.go PushQuery: answer first, then issue the pushed block.
                    self.send_chits(from, request_id, requested_height, out);
                    self.receive(from, &block, now, out);
                } else {
                    // A Byzantine node looks at the block first: it may build its sibling.
                    self.receive(from, &block, now, out);
                    self.send_chits(from, request_id, requested_height, out);
                }
            }
            Message::PullQuery {
                request_id,
                block_id,
                requested_height,
            } => return self.pull_query(from, request_id, block_id, requested_height, now, out),
            Message::Chits {
                request_id,
                preferred,
                preferred_at_height,
                accepted: _,
            } => {
                return self.chits(
                    from,
                    request_id,
                    (preferred, preferred_at_height),
                    None,
                    now,
                    out,
                )
            }
            Message::GetAncestors {
                request_id,
                block_id,
            } => self.on_get_ancestors(from, request_id, block_id, out),
            Message::Ancestors { request_id, blocks } => {
                self.on_ancestors(from, request_id, &blocks, now, out)
            }
            Message::QueryFailed { request_id, peer } => {
                self.on_query_failed(peer, request_id, now, out)
            }
        }
        // engine.go executeDeferredWork.
        self.build_blocks(now, out);
    }
    /// Handles a [`Message::PullQuery`] (what [`Engine::handle`] does with one, without building
    /// the message: the network calls it straight from the queue, as it does most often).
    /// Inlined into the network's delivery, which saves a call per message (most in wasm).
    #[inline(always)]
    pub fn pull_query(
        &mut self,
        from: NodeIndex,
        request_id: u32,
        block_id: Id,
        requested_height: u64,
        now: Millis,
        out: &mut Outbox,
    ) {
        match self.behavior {
            Behavior::Silent => return,
            Behavior::Honest => {
                // engine.go PullQuery: answer first, then issue (or fetch) the block.
                self.send_chits(from, request_id, requested_height, out);
                self.issue_from_by_id(from, block_id, now, out);
            }
            Behavior::FixedVote | Behavior::Equivocating => {
                self.issue_from_by_id(from, block_id, now, out);
                self.send_chits(from, request_id, requested_height, out);
            }
        }
        self.build_blocks(now, out);
    }

    /// The usual PullQuery, answered without the outbox: when an honest node that does not
    /// build by itself is asked about its own preference at or above the preference's height,
    /// [`Engine::pull_query`] would only send chits naming the preference twice (issuing the
    /// preference does nothing) and nothing else. Returns the last accepted block those chits
    /// carry, or None when the query needs [`Engine::pull_query`].
    #[inline(always)]
    pub fn usual_pull_query(&self, block_id: &Id, requested_height: u64) -> Option<Id> {
        let usual = self.behavior == Behavior::Honest
            && !self.auto_build
            && requested_height >= self.preference_height
            && *block_id == self.preference;
        usual.then_some(self.accepted)
    }

    /// Handles a [`Message::Chits`] (as [`Engine::pull_query`] does a PullQuery; inlined the
    /// same way). `position`: where `from` sits in the poll's sample, if the caller knows (a
    /// hint that saves a search; a wrong one is ignored).
    #[inline(always)]
    pub fn chits(
        &mut self,
        from: NodeIndex,
        request_id: u32,
        (preferred, preferred_at_height): (Id, Id),
        position: Option<usize>,
        now: Millis,
        out: &mut Outbox,
    ) {
        if self.behavior == Behavior::Silent {
            return;
        }
        self.on_chits(
            from,
            request_id,
            (preferred, preferred_at_height),
            position,
            now,
            out,
        );
        self.build_blocks(now, out);
    }

    /// Starts polls until ConcurrentRepolls are in flight while anything is processing
    /// (engine.go `repoll`: a PullQuery about the preference, at the preference's height).
    pub fn repoll(&mut self, now: Millis, out: &mut Outbox) {
        if self.behavior != Behavior::Honest {
            return;
        }
        let preference = self.consensus.preference();
        while self.consensus.num_processing() > 0
            && self.polls.len() < self.params.concurrent_repolls as usize
        {
            if !self.send_query(preference, false, now, out) {
                break;
            }
        }
    }
    /// Polls in flight (finished ones waiting for older ones included), oldest first.
    pub fn outstanding_polls(&self) -> Vec<PollView> {
        self.polls
            .iter()
            .map(|poll| PollView {
                request_id: poll.request_id,
                block: poll.block,
                started_at: poll.started_at,
                waiting_on: poll
                    .slots()
                    .filter(|slot| slot.answer == Answer::Waiting)
                    .map(|slot| slot.node)
                    .collect(),
                votes: poll
                    .slots()
                    .filter_map(|slot| match slot.answer {
                        Answer::Chits {
                            preferred, vote, ..
                        } => Some((slot.node, vote.unwrap_or(preferred))),
                        Answer::Waiting | Answer::Failed => None,
                    })
                    .collect(),
            })
            .collect()
    }
    /// Polls finished (and recorded) so far.
    pub fn polls_finished(&self) -> u64 {
        self.polls_finished
    }
    /// The Snowball trees (see [`Topological::trees`]).
    pub fn trees(&self) -> Vec<TreeView> {
        self.consensus.trees()
    }
    /// The block this node votes for when asked about `requested_height`, and its preference
    /// (what its chits would say to `peer`).
    pub fn chits_for(&self, peer: NodeIndex, requested_height: u64) -> (Id, Id) {
        let (preferred, at_height) = self.answer(peer, requested_height);
        (at_height, preferred)
    }
    /// The consensus preference.
    pub fn preference(&self) -> Id {
        self.consensus.preference()
    }
    /// The last accepted block and its height.
    pub fn last_accepted(&self) -> (Id, u64) {
        (self.accepted, self.accepted_height)
    }
    /// Blocks parsed and waiting for an ancestor before they can be issued, in ID order.
    pub fn pending_blocks(&self) -> Vec<Id> {
        self.pending.iter().copied().collect()
    }
    /// Blocks being fetched, with the peer asked, in ID order.
    pub fn fetching(&self) -> Vec<(Id, NodeIndex)> {
        self.fetching
            .iter()
            .filter_map(|(block, request)| self.fetches.get(request).map(|f| (*block, f.peer)))
            .collect()
    }
    /// The conflicting block this node votes for when Byzantine (the target, else its own
    /// sibling), if it has one.
    pub fn conflict_block(&self) -> Option<Id> {
        self.target.or(self.conflict.map(|(id, _)| id))
    }

    // ----- answering -----

    /// What this node's chits say to `peer` about `requested_height`: (preferred, at height).
    fn answer(&self, peer: NodeIndex, requested_height: u64) -> (Id, Id) {
        let honest = || self.honest_answer(requested_height);
        match self.behavior {
            Behavior::Honest | Behavior::Silent => honest(),
            Behavior::FixedVote => {
                let fixed = self.conflict_block().unwrap_or(self.accepted);
                (fixed, fixed)
            }
            Behavior::Equivocating => match self.conflict_block() {
                Some(fixed) if peer % 2 == 1 => (fixed, fixed),
                _ => honest(),
            },
        }
    }

    /// engine.go `sendChits`: the preference, and the block at the requested height (accepted
    /// ones from the VM below the last accepted height; else the preferred chain's, or the
    /// preference when the chain does not reach that height).
    #[inline(always)]
    fn honest_answer(&self, requested_height: u64) -> (Id, Id) {
        let preference = self.preference;
        let (last_accepted, last_height) = (self.accepted, self.accepted_height);
        let at_height = if requested_height >= self.preference_height {
            // The usual case: asked about our preference's height (or above our chain's tip).
            preference
        } else if requested_height < last_height {
            self.vm
                .get_block_id_at_height(requested_height)
                .unwrap_or(last_accepted)
        } else {
            self.consensus
                .preference_at_height(requested_height)
                .unwrap_or(preference)
        };
        (preference, at_height)
    }

    fn send_chits(&self, to: NodeIndex, request_id: u32, requested_height: u64, out: &mut Outbox) {
        let (preferred, preferred_at_height) = self.answer(to, requested_height);
        let chits = Chits {
            request_id,
            preferred,
            preferred_at_height,
            accepted: self.accepted,
        };
        if out.nothing_to_send() {
            out.answer = Some((to, chits));
        } else {
            out.messages.push((to, chits.into()));
        }
    }

    /// getter.go `GetAncestors`: the block, then its ancestors that are not accepted (at most
    /// [`MAX_ANCESTORS`]), newest first. An unknown block gets an empty answer, so the asker can
    /// give up at once instead of waiting.
    fn on_get_ancestors(
        &mut self,
        from: NodeIndex,
        request_id: u32,
        block_id: Id,
        out: &mut Outbox,
    ) {
        let mut blocks = Vec::new();
        if let Ok(block) = self.vm.get_block(&block_id) {
            blocks.push(Rc::from(block.bytes.as_slice()));
            let mut parent = block.parent;
            while blocks.len() <= MAX_ANCESTORS {
                match self.vm.get_block(&parent) {
                    Ok(ancestor) if ancestor.status == Status::Processing => {
                        blocks.push(Rc::from(ancestor.bytes.as_slice()));
                        parent = ancestor.parent;
                    }
                    _ => break,
                }
            }
        }
        out.messages
            .push((from, Message::Ancestors { request_id, blocks }));
    }

    // ----- issuing -----

    fn refused(&self, id: Option<Id>, error: VmError, out: &mut Outbox) {
        if self.trace {
            out.events.push(EngineEvent::Refused { id, error });
        }
    }

    /// Parses `bytes` and issues the block (Refused when they are not a block).
    fn receive(&mut self, from: NodeIndex, bytes: &[u8], now: Millis, out: &mut Outbox) {
        match self.vm.parse_block(bytes) {
            Ok(id) => self.issue_from(from, id, now, out),
            Err(error) => self.refused(None, error, out),
        }
    }

    /// engine.go `issueFromByID`: issue a block the VM knows; fetch one it does not.
    #[inline(always)]
    fn issue_from_by_id(&mut self, from: NodeIndex, id: Id, now: Millis, out: &mut Outbox) {
        if id == self.preference {
            // Issued already (processing, or the last accepted block): the common case, checked
            // inline in every query and chit.
            return;
        }
        self.issue_other_by_id(from, id, now, out);
    }

    /// [`Engine::issue_from_by_id`] for a block other than the preference.
    #[inline(never)]
    fn issue_other_by_id(&mut self, from: NodeIndex, id: Id, now: Millis, out: &mut Outbox) {
        if self.vm.status(&id) == Status::Unknown {
            self.fetch(from, id, now, out);
        } else {
            self.issue_from(from, id, now, out);
        }
    }

    /// engine.go `isDecided`: at or below the last accepted height, or one above it on another
    /// parent than the last accepted block (its parent was rejected).
    fn is_decided(&self, parent: &Id, height: u64) -> bool {
        let (last_accepted, last_height) = (self.accepted, self.accepted_height);
        height <= last_height || (height == last_height + 1 && *parent != last_accepted)
    }

    /// engine.go `canIssueChildOn`.
    fn can_issue_child_on(&self, parent: &Id) -> bool {
        *parent == self.accepted || self.consensus.processing(parent)
    }

    /// engine.go `issueFrom`: walk from `id` up its ancestry, queueing every block that should
    /// be issued, until an issued block (then deliver the queued chain top-down), a queued one
    /// (wait for it), an unknown one (fetch it from `from` and wait) or a decided one (drop the
    /// chain).
    fn issue_from(&mut self, from: NodeIndex, id: Id, now: Millis, out: &mut Outbox) {
        let mut current = id;
        let mut child: Option<Id> = None;
        loop {
            if self.can_issue_child_on(&current) {
                if let Some(child) = child {
                    self.fulfill_one(child, now, out);
                }
                return;
            }
            if self.pending.contains(&current) {
                if let Some(child) = child {
                    self.block_on(current, child);
                }
                return;
            }
            let Ok(block) = self.vm.get_block(&current) else {
                if let Some(child) = child {
                    self.block_on(current, child);
                }
                self.fetch(from, current, now, out);
                return;
            };
            let (parent, height) = (block.parent, block.height);
            if self.is_decided(&parent, height) {
                // "Effectively rejected" (engine.go `deliver`): so is everything built on it,
                // both the chain walked here and whatever already waited for the block, as
                // engine.go `issueFrom` abandons the dependencies of a block it finds decided
                // (say, a pushed child that arrived while this block was being fetched, the
                // fetch coming back after the block's height was decided).
                self.abandon(current, Some(out));
                if let Some(child) = child {
                    self.abandon(child, Some(out));
                }
                return;
            }
            self.pending.insert(current);
            if let Some(child) = child {
                self.block_on(current, child);
            }
            self.fetch_done(&current);
            child = Some(current);
            current = parent;
        }
    }

    fn block_on(&mut self, dependency: Id, child: Id) {
        self.blocked.entry(dependency).or_default().push(child);
    }

    /// A block arrived: its fetch, if any, is over.
    fn fetch_done(&mut self, id: &Id) {
        if let Some(request) = self.fetching.remove(id) {
            self.fetches.remove(&request);
        }
    }

    /// engine.go `sendRequest`: ask `peer` for `id` unless a fetch of it is already out (and
    /// not older than [`FETCH_RETRY_MS`]).
    fn fetch(&mut self, peer: NodeIndex, id: Id, now: Millis, out: &mut Outbox) {
        if peer == self.node {
            return;
        }
        if let Some(request) = self.fetching.get(&id) {
            let fresh = self
                .fetches
                .get(request)
                .is_some_and(|f| now < f.sent_at.saturating_add(FETCH_RETRY_MS));
            if fresh {
                return;
            }
            let request = *request;
            self.fetches.remove(&request);
        }
        self.request_id = self.request_id.wrapping_add(1);
        let request_id = self.request_id;
        self.fetches.insert(
            request_id,
            Fetch {
                peer,
                block: id,
                sent_at: now,
            },
        );
        self.fetching.insert(id, request_id);
        out.messages.push((
            peer,
            Message::GetAncestors {
                request_id,
                block_id: id,
            },
        ));
    }

    /// The Ancestors answer to a fetch: parse every block, then issue the first one (its
    /// ancestors are now known to the VM). A wrong first block or an empty answer fails the
    /// fetch (engine.go `Put` -> `GetFailed`).
    fn on_ancestors(
        &mut self,
        from: NodeIndex,
        request_id: u32,
        blocks: &[Rc<[u8]>],
        now: Millis,
        out: &mut Outbox,
    ) {
        let expected = match self.fetches.get(&request_id) {
            Some(fetch) if fetch.peer == from => Some(fetch.block),
            _ => None,
        };
        if let Some(wanted) = expected {
            self.fetches.remove(&request_id);
            self.fetching.remove(&wanted);
        }
        let mut first = None;
        for (index, bytes) in blocks.iter().enumerate() {
            match self.vm.parse_block(bytes) {
                Ok(id) => {
                    if index == 0 {
                        first = Some(id);
                    }
                }
                Err(error) => self.refused(None, error, out),
            }
        }
        match (expected, first) {
            (Some(wanted), Some(got)) if got != wanted => self.abandon(wanted, None),
            (Some(wanted), None) => self.abandon(wanted, None),
            (_, Some(got)) => self.issue_from(from, got, now, out),
            (None, None) => {}
        }
    }

    /// Delivers `first` (whose parent is issued) and then every block that waited for it,
    /// depth first, as avalanchego's scheduler fulfills dependencies; then repolls.
    fn fulfill_one(&mut self, first: Id, now: Millis, out: &mut Outbox) {
        let mut work = core::mem::take(&mut self.work);
        work.clear();
        work.push(first);
        while let Some(id) = work.pop() {
            if self.deliver(id, false, now, out).is_ok() {
                if let Some(children) = self.blocked.remove(&id) {
                    work.extend(children);
                }
            }
        }
        self.work = work;
        self.repoll(now, out);
    }

    /// engine.go `deliver` for one block whose parent was issued: verify, add to consensus,
    /// update the preference, query if preferred. On failure the block and everything waiting
    /// for it are abandoned, and the reason is returned.
    fn deliver(
        &mut self,
        id: Id,
        push: bool,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<(), VmError> {
        self.pending.remove(&id);
        let (parent, height) = match self.vm.get_block(&id) {
            Ok(block) => (block.parent, block.height),
            Err(error) => {
                self.abandon(id, None);
                return Err(error);
            }
        };
        if !self.can_issue_child_on(&parent) || self.consensus.processing(&id) {
            // The parent was decided meanwhile (the block is effectively rejected), or the
            // block is already in consensus.
            let decided = self.is_decided(&parent, height);
            self.abandon(id, decided.then_some(&mut *out));
            return Err(VmError::Order {
                id,
                reason: "its parent is neither the last accepted block nor processing, or it was \
                         already issued"
                    .to_string(),
            });
        }
        if let Err(error) = self.vm.verify(&id, seconds(now)) {
            self.refused(Some(id), error.clone(), out);
            self.abandon(id, None);
            return Err(error);
        }
        if let Err(error) = self.consensus.add(BlockMeta { id, parent, height }) {
            let error = VmError::Invalid {
                id,
                reason: error.to_string(),
            };
            self.refused(Some(id), error.clone(), out);
            self.abandon(id, None);
            return Err(error);
        }
        self.fetch_done(&id);
        if self.trace {
            out.events.push(EngineEvent::Issued { id, height });
        }
        self.sync_preference(out);
        if self.consensus.is_preferred(&id) {
            self.send_query(id, push, now, out);
        }
        self.build_conflict(id, parent, height, now, out);
        Ok(())
    }

    /// avalanchego `blocked.Abandon`: `id` will not be issued, nor anything waiting for it.
    /// With `reject` (the blocks are at a decided height or on a rejected parent), the VM also
    /// rejects each of them, parents first, so that no block stays Processing forever.
    fn abandon(&mut self, id: Id, mut reject: Option<&mut Outbox>) {
        let mut work = core::mem::take(&mut self.work);
        let base = work.len();
        work.push(id);
        while work.len() > base {
            let Some(next) = work.pop() else { break };
            self.pending.remove(&next);
            if let Some(out) = reject.as_deref_mut() {
                self.reject_dropped(next, out);
            }
            if let Some(children) = self.blocked.remove(&next) {
                work.extend(children);
            }
        }
        self.work = work;
    }

    /// Rejects in the VM a block the engine dropped as decided (never in consensus), when the
    /// VM still has it Processing; the VM refuses when the order is not yet right, which is
    /// then harmless.
    fn reject_dropped(&mut self, id: Id, out: &mut Outbox) {
        let Ok(block) = self.vm.get_block(&id) else {
            return;
        };
        if block.status != Status::Processing {
            return;
        }
        let height = block.height;
        if self.vm.reject(&id).is_ok() && self.trace {
            out.events.push(EngineEvent::Rejected { id, height });
        }
    }

    /// Tells the VM about a new preference, and the UI.
    fn sync_preference(&mut self, out: &mut Outbox) {
        let preference = self.consensus.preference();
        if preference != self.preference || self.vm.preference() != preference {
            if let Err(error) = self.vm.set_preference(&preference) {
                self.refused(Some(preference), error, out);
            }
            if preference != self.preference && self.trace {
                out.events.push(EngineEvent::PreferenceChanged {
                    from: self.preference,
                    to: preference,
                });
            }
            self.preference = preference;
            self.preference_height = match self.consensus.block(&preference) {
                Some(meta) => meta.height,
                None => self.accepted_height,
            };
        }
    }

    // ----- building -----

    /// Adds a block this node built (verified by the VM) to consensus and queries about it with
    /// its bytes (PushQuery). `always_query`: even when it is not preferred.
    fn issue_built(
        &mut self,
        id: Id,
        always_query: bool,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<(), VmError> {
        let (parent, height) = {
            let block = self.vm.get_block(&id)?;
            (block.parent, block.height)
        };
        if self.trace {
            out.events.push(EngineEvent::Built { id, parent, height });
        }
        self.deliver(id, true, now, out)?;
        if always_query && !self.consensus.is_preferred(&id) {
            self.send_query(id, true, now, out);
        }
        if let Some(children) = self.blocked.remove(&id) {
            // Blocks received earlier that happen to build on this one.
            let mut work = core::mem::take(&mut self.work);
            work.clear();
            work.extend(children);
            while let Some(child) = work.pop() {
                if self.deliver(child, false, now, out).is_ok() {
                    if let Some(more) = self.blocked.remove(&child) {
                        work.extend(more);
                    }
                }
            }
            self.work = work;
        }
        self.repoll(now, out);
        Ok(())
    }

    /// engine.go `buildBlocks`, when auto-building: while entries are pending and fewer than
    /// OptimalProcessing blocks are processing.
    #[inline]
    fn build_blocks(&mut self, now: Millis, out: &mut Outbox) {
        if self.auto_build {
            self.build_pending(now, out);
        }
    }

    /// The building loop of [`Engine::build_blocks`].
    fn build_pending(&mut self, now: Millis, out: &mut Outbox) {
        while self.vm.pending_count() > 0
            && self.consensus.num_processing() < self.params.optimal_processing as usize
        {
            if self.build_block(now, out).is_err() {
                break;
            }
        }
    }

    /// A FixedVote or Equivocating node without a target builds its own sibling of the first
    /// processing block it sees at each new height, on the same parent, with deterministic data
    /// ([`Engine::set_conflict_entry`]), and keeps it to vote for and to serve on GetAncestors.
    fn build_conflict(&mut self, id: Id, parent: Id, height: u64, now: Millis, out: &mut Outbox) {
        let wants = matches!(self.behavior, Behavior::FixedVote | Behavior::Equivocating)
            && self.target.is_none()
            && self.conflict.is_none_or(|(_, h)| height > h);
        if !wants {
            return;
        }
        if let Some(make) = self.conflict_entry {
            // A refusal (say, the same data already pending) still leaves something to build.
            let _ = self.vm.submit(make(self.node, height));
        }
        if let Ok(sibling) = self.vm.build_block_on(parent, seconds(now)) {
            if sibling != id {
                self.conflict = Some((sibling, height));
                if self.trace {
                    out.events.push(EngineEvent::Built {
                        id: sibling,
                        parent,
                        height,
                    });
                }
                let _ = self.deliver(sibling, false, now, out);
            }
        }
    }

    // ----- polling -----

    /// engine.go `sendQuery`: sample K validators, open a poll, send each a PushQuery (with the
    /// block's bytes) or a PullQuery about `block` at its height. False when nothing could be
    /// sampled (or the node does not poll).
    fn send_query(&mut self, block: Id, push: bool, now: Millis, out: &mut Outbox) -> bool {
        if self.behavior != Behavior::Honest {
            return false;
        }
        let (height, bytes) = if !push && block == self.preference {
            // A repoll, about the preference: the engine keeps its height (the VM has it, as
            // it has every issued block), so no lookup is needed.
            (self.preference_height, None)
        } else {
            match self.vm.get_block(&block) {
                Ok(header) => (
                    header.height,
                    push.then(|| Rc::from(header.bytes.as_slice())),
                ),
                Err(_) => return false,
            }
        };
        let mut sample = core::mem::take(&mut self.sample);
        self.sampler
            .sample(&mut self.rng, self.params.k, &mut sample);
        if sample.is_empty() {
            self.sample = sample;
            return false;
        }
        self.request_id = self.request_id.wrapping_add(1);
        let request_id = self.request_id;
        // One message per sampled node, written in place (one reservation, no clones of a
        // whole message).
        match bytes {
            Some(block_bytes) => out.messages.extend(sample.iter().map(|peer| {
                (
                    *peer,
                    Message::PushQuery {
                        request_id,
                        block: Rc::clone(&block_bytes),
                        requested_height: height,
                    },
                )
            })),
            None => {
                let start = out.peers.len();
                out.peers.extend_from_slice(&sample);
                out.pull_queries.push(PullQueries {
                    at: out.messages.len(),
                    request_id,
                    block_id: block,
                    requested_height: height,
                    start,
                    end: out.peers.len(),
                });
            }
        }
        if self.trace {
            out.events.push(EngineEvent::PollStarted {
                request_id,
                block,
                sampled: sample.clone(),
            });
        }
        self.polls.add(Poll::new(
            request_id,
            block,
            height,
            &sample,
            now,
            self.thresholds(),
        ));
        self.sample = sample;
        true
    }

    /// engine.go `getProcessingAncestor`: `vote` if it is processing, else the nearest
    /// processing ancestor through blocks the VM knows; None when the chain reaches an unknown
    /// or decided block.
    #[inline(always)]
    fn processing_ancestor(&self, vote: Id) -> Option<Id> {
        if vote == self.preference {
            // The common case, without a lookup (inlined into every chit): the preference is
            // processing unless it is the last accepted block.
            return (vote != self.accepted).then_some(vote);
        }
        self.processing_ancestor_walk(vote)
    }

    /// [`Engine::processing_ancestor`] for a vote other than the preference: walk up through
    /// the VM's blocks.
    fn processing_ancestor_walk(&self, vote: Id) -> Option<Id> {
        let mut current = vote;
        loop {
            if self.consensus.processing(&current) {
                return Some(current);
            }
            let block = self.vm.get_block(&current).ok()?;
            if self.is_decided(&block.parent, block.height) {
                return None;
            }
            current = block.parent;
        }
    }

    /// voter.go: the first of the response options (preferred, then preferred at height) that
    /// can be applied. Inlined, as [`Engine::processing_ancestor`] is: every chit asks, and
    /// the usual answer (the preference) takes two comparisons.
    #[inline(always)]
    fn vote_for(&self, preferred: Id, at_height: Id) -> Option<Id> {
        self.processing_ancestor(preferred).or_else(|| {
            if at_height == preferred {
                None
            } else {
                self.processing_ancestor(at_height)
            }
        })
    }

    /// engine.go `Chits` + voter.go: fetch what is unknown, then vote.
    fn on_chits(
        &mut self,
        from: NodeIndex,
        request_id: u32,
        (preferred, at_height): (Id, Id),
        position: Option<usize>,
        now: Millis,
        out: &mut Outbox,
    ) {
        if self.behavior != Behavior::Honest {
            return;
        }
        // Most chits name our preference twice: nothing to issue, only the one block to bubble,
        // and a vote for it or none (what the general path finds too, with more ID
        // comparisons).
        let usual = at_height == preferred && preferred == self.preference;
        let vote = if usual {
            self.processing_ancestor(preferred)
        } else {
            self.issue_from_by_id(from, preferred, now, out);
            if at_height != preferred {
                self.issue_from_by_id(from, at_height, now, out);
            }
            self.vote_for(preferred, at_height)
        };
        let consensus = &self.consensus;
        let Some(poll) = self.polls.get_mut(request_id) else {
            return;
        };
        let counted = if usual {
            poll.vote_usual(from, position, preferred, vote.is_some())
        } else {
            poll.vote(from, position, preferred, at_height, vote)
        };
        if !counted {
            return;
        }
        let parent_of = |id: &Id| consensus.block(id).map(|meta| meta.parent);
        if poll.check_finished(now, parent_of, &mut self.scratch) {
            self.apply_finished(now, out);
        }
    }

    /// A query to `peer` failed: it counts as answered without a vote (engine.go `QueryFailed`;
    /// avalanchego first tries the peer's last known accepted block, which is a vote for a
    /// decided block almost always, so this drops it). A failed fetch abandons what waited.
    fn on_query_failed(&mut self, peer: NodeIndex, request_id: u32, now: Millis, out: &mut Outbox) {
        if let Some(fetch) = self.fetches.remove(&request_id) {
            self.fetching.remove(&fetch.block);
            self.abandon(fetch.block, None);
            return;
        }
        let consensus = &self.consensus;
        let Some(poll) = self.polls.get_mut(request_id) else {
            return;
        };
        if !poll.drop_node(peer) {
            return;
        }
        let parent_of = |id: &Id| consensus.block(id).map(|meta| meta.parent);
        if poll.check_finished(now, parent_of, &mut self.scratch) {
            self.apply_finished(now, out);
        }
    }

    fn thresholds(&self) -> Thresholds {
        Thresholds {
            alpha_preference: self.params.alpha_preference,
            alpha_confidence: self.params.alpha_confidence,
        }
    }

    /// voter.go: `poll`'s chits bubbled again now (`bubbleVotes`; older polls may have decided
    /// blocks since they arrived), counted into `bag`; with `voters`, each sampled node is also
    /// listed with the block its chits count for (its preference when dropped; None without
    /// chits), for the poll inspector.
    ///
    /// Nothing changes while a poll is recorded, so chits naming the same blocks bubble to the
    /// same vote, and the answers of a poll name one or two blocks almost always: answers are
    /// counted per (preferred, at height) pair of the poll's first two interned IDs
    /// ([`Poll::count_pairs`]), each pair is bubbled once and added to the bag with its count,
    /// and only other answers are bubbled one by one.
    fn bubble_votes(
        &self,
        poll: &Poll,
        bag: &mut Bag,
        voters: Option<&mut Vec<(NodeIndex, Option<Id>)>>,
    ) {
        let bubble = |preferred: u32, at_height: u32| {
            self.vote_for(poll.id_at(preferred), poll.id_at(at_height))
        };
        let counts = poll.count_pairs(|preferred, at_height| {
            if let Some(vote) = bubble(preferred, at_height) {
                bag.add(vote, 1);
            }
        });
        // Pair `preferred * 2 + at_height`, as counted.
        let mut votes = [None; PAIRS];
        for (pair, (count, vote)) in (0u32..).zip(counts.iter().zip(&mut votes)) {
            if *count > 0 {
                *vote = bubble(pair / 2, pair % 2);
                if let Some(vote) = vote {
                    bag.add(*vote, *count);
                }
            }
        }
        let Some(voters) = voters else {
            return;
        };
        for (node, chits) in poll.chits() {
            let shown = chits.map(|(preferred, at_height)| {
                let vote = if preferred < 2 && at_height < 2 {
                    votes
                        .get((preferred * 2 + at_height) as usize)
                        .copied()
                        .flatten()
                } else {
                    bubble(preferred, at_height)
                };
                vote.unwrap_or_else(|| poll.id_at(preferred))
            });
            voters.push((node, shown));
        }
    }

    /// poll/set.go + voter.go: record every finished poll at the front of the set, oldest first,
    /// with its votes bubbled now; apply the decisions to the VM; then repoll.
    fn apply_finished(&mut self, now: Millis, out: &mut Outbox) {
        let mut applied = false;
        // The bag is scratch reused across polls (the inspector gets a copy).
        let mut bag = core::mem::take(&mut self.scratch.bag);
        while let Some(poll) = self.polls.front_finished() {
            // Recorded where it is in the set, then dropped (a poll is big: never moved).
            bag.clear();
            let mut voters = Vec::new();
            self.bubble_votes(poll, &mut bag, self.trace.then_some(&mut voters));
            let (request_id, block, requested_height, started_at, early) = (
                poll.request_id,
                poll.block,
                poll.requested_height,
                poll.started_at,
                poll.early,
            );
            let finished_at = poll.finished_at().unwrap_or(now);
            self.polls.remove_front();
            applied = true;
            self.polls_finished += 1;
            out.polls_finished = out.polls_finished.saturating_add(1);
            let result = self.consensus.record_poll(&bag);
            (self.accepted, self.accepted_height) = self.consensus.last_accepted();
            let mut decided = Vec::new();
            for decision in &result.decisions {
                let id = decision.block.id;
                let height = decision.block.height;
                let applied_to_vm = if decision.accepted {
                    self.vm.accept(&id)
                } else {
                    self.vm.reject(&id)
                };
                if let Err(error) = applied_to_vm {
                    // The VM and consensus disagree: shown, never fatal.
                    self.refused(Some(id), error, out);
                }
                if self.trace {
                    decided.push((id, decision.accepted));
                    out.events.push(if decision.accepted {
                        EngineEvent::Accepted { id, height }
                    } else {
                        EngineEvent::Rejected { id, height }
                    });
                }
            }
            if self.trace {
                out.events.push(EngineEvent::PollFinished(PollRecord {
                    node: self.node,
                    request_id,
                    block,
                    requested_height,
                    started_at,
                    finished_at,
                    voters,
                    bag: bag.clone(),
                    early,
                    successful: result.successful,
                    preference_before: result.preference_before,
                    preference_after: result.preference_after,
                    confidence: result.confidence,
                    decided,
                }));
            }
            self.sync_preference(out);
        }
        self.scratch.bag = bag;
        if applied {
            self.repoll(now, out);
        }
    }
}
