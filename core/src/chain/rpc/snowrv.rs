//! The `snowrv.*` methods: read every node, block, poll and decision of the simulated network and
//! drive it (propose, build, step, crash, partition, reconfigure) through the playground's
//! commands, so the RPC and the page change the network in exactly the same ways.
//!
//! Encodings: IDs in CB58, bytes as `0x`-prefixed lowercase hex, virtual times in milliseconds,
//! field names in camelCase.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;

use super::config_patch::patch_config;
use super::params::Params;
use super::{reply, Reply, RpcError};
use crate::chain::engine::{Millis, NodeIndex, PollRecord, PollView};
use crate::chain::id::Id;
use crate::chain::network::{BlockView, NetworkStats, NodeView, StepOutcome};
use crate::chain::snowman::{TreeNodeView, TreeView};
use crate::playground::chain::{ChainCommand, ChainPlayground};

/// `0x` + lowercase hex.
fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// An ID in CB58.
fn cb58(id: &Id) -> String {
    id.to_cb58()
}

/// The counters.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    sent: u64,
    delivered: u64,
    dropped: u64,
    polls: u64,
    in_flight: u64,
}

impl From<NetworkStats> for Stats {
    fn from(stats: NetworkStats) -> Stats {
        Stats {
            sent: stats.sent,
            delivered: stats.delivered,
            dropped: stats.dropped,
            polls: stats.polls,
            in_flight: stats.in_flight,
        }
    }
}

/// `snowrv.status`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    now: Millis,
    nodes: u32,
    honest: u32,
    byzantine: u32,
    crashed: Vec<NodeIndex>,
    partition: Option<NodeIndex>,
    genesis: String,
    blocks: usize,
    newest_processing: Option<String>,
    last_built: Option<String>,
    decisions: usize,
    stats: Stats,
    transcript_hash: String,
}

/// `snowrv.status`: virtual time, the node count, counters and where things stand.
pub(super) fn status(playground: &ChainPlayground, params: Params) -> Reply {
    params.bind(&[])?;
    let network = playground.network();
    reply(&Status {
        now: network.now(),
        nodes: network.node_count(),
        honest: network.honest_count(),
        byzantine: network.node_count().saturating_sub(network.honest_count()),
        crashed: (0..network.node_count())
            .filter(|node| network.is_crashed(*node))
            .collect(),
        partition: network.partition_split(),
        genesis: cb58(&network.genesis()),
        blocks: network.blocks().len(),
        newest_processing: playground.newest_processing().ok().as_ref().map(cb58),
        last_built: playground.last_built().as_ref().map(cb58),
        decisions: network.decisions().len(),
        stats: network.stats().into(),
        transcript_hash: cb58(&network.transcript_hash()),
    })
}

/// One outstanding poll.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Poll {
    request_id: u32,
    block: String,
    started_at: Millis,
    waiting_on: Vec<NodeIndex>,
    votes: Vec<Vote>,
}

/// One vote of a poll (None: no answer).
#[derive(Serialize)]
struct Vote {
    node: NodeIndex,
    block: Option<String>,
}

impl From<&PollView> for Poll {
    fn from(poll: &PollView) -> Poll {
        Poll {
            request_id: poll.request_id,
            block: cb58(&poll.block),
            started_at: poll.started_at,
            waiting_on: poll.waiting_on.clone(),
            votes: poll
                .votes
                .iter()
                .map(|(node, block)| Vote {
                    node: *node,
                    block: Some(cb58(block)),
                })
                .collect(),
        }
    }
}

/// One node of a Snowball tree.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TreeNode {
    kind: &'static str,
    depth: u32,
    bit_start: u32,
    bit_end: u32,
    preference: String,
    strength: [u64; 2],
    confidence: u32,
    finalized: bool,
    rogue: bool,
}

impl From<&TreeNodeView> for TreeNode {
    fn from(node: &TreeNodeView) -> TreeNode {
        TreeNode {
            kind: node.kind,
            depth: node.depth,
            bit_start: node.bit_start,
            bit_end: node.bit_end,
            preference: cb58(&node.preference),
            strength: node.strength,
            confidence: node.confidence,
            finalized: node.finalized,
            rogue: node.rogue,
        }
    }
}

/// One block's Snowball tree over its children.
#[derive(Serialize)]
struct Tree {
    parent: String,
    children: Vec<String>,
    nodes: Vec<TreeNode>,
}

impl From<&TreeView> for Tree {
    fn from(tree: &TreeView) -> Tree {
        Tree {
            parent: cb58(&tree.parent),
            children: tree.children.iter().map(cb58).collect(),
            nodes: tree.nodes.iter().map(TreeNode::from).collect(),
        }
    }
}

/// `snowrv.node`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    index: NodeIndex,
    behavior: crate::chain::engine::Behavior,
    honest: bool,
    crashed: bool,
    side: u8,
    preference: String,
    last_accepted: String,
    last_accepted_height: u64,
    processing: usize,
    mempool: Vec<String>,
    polls: Vec<Poll>,
    polls_finished: u64,
    confidence_history: Vec<u32>,
    trees: Vec<Tree>,
}

/// `snowrv.node {node?}` (default: the serving node): everything the node inspector shows.
pub(super) fn node(playground: &ChainPlayground, serving: NodeIndex, params: Params) -> Reply {
    let mut args = params.bind(&["node"])?;
    let index = args.opt_node("node", playground)?.unwrap_or(serving);
    let network = playground.network();
    let view: NodeView = network
        .node(index)
        .ok_or_else(|| RpcError::param("node", format!("there is no node {index}")))?;
    reply(&Node {
        index: view.index,
        behavior: view.behavior,
        honest: network.is_honest(index),
        crashed: view.crashed,
        side: view.side,
        preference: cb58(&view.preference),
        last_accepted: cb58(&view.last_accepted),
        last_accepted_height: view.last_accepted_height,
        processing: view.processing,
        mempool: view.mempool.iter().map(|data| hex0x(data)).collect(),
        polls: view.polls.iter().map(Poll::from).collect(),
        polls_finished: view.polls_finished,
        confidence_history: view.confidence_history,
        trees: view.trees.iter().map(Tree::from).collect(),
    })
}

/// One row of `snowrv.nodes`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NodeRow {
    index: NodeIndex,
    honest: bool,
    crashed: bool,
    preference: String,
    last_accepted: String,
    last_accepted_height: u64,
}

/// `snowrv.nodes`: every node's preference and last accepted block (the node grid).
pub(super) fn nodes(playground: &ChainPlayground, params: Params) -> Reply {
    params.bind(&[])?;
    let network = playground.network();
    let rows: Vec<NodeRow> = network
        .preferences()
        .iter()
        .zip(network.last_accepted_all())
        .zip(0..)
        .map(|((preference, (last_accepted, height)), index)| NodeRow {
            index,
            honest: network.is_honest(index),
            crashed: network.is_crashed(index),
            preference: cb58(preference),
            last_accepted: cb58(&last_accepted),
            last_accepted_height: height,
        })
        .collect();
    reply(&rows)
}

/// One block of `snowrv.blocks`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Block {
    id: String,
    #[serde(rename = "parentID")]
    parent_id: String,
    height: u64,
    timestamp: i64,
    bytes: String,
    builder: Option<NodeIndex>,
    accepted_by: u32,
    rejected_by: u32,
    known_by: u32,
    /// The block's status on the serving node.
    status: &'static str,
    fields: BTreeMap<&'static str, String>,
}

/// `snowrv.blocks`: every block any node knows, by height then ID, with the serving node's
/// status of each.
pub(super) fn blocks(playground: &ChainPlayground, serving: NodeIndex, params: Params) -> Reply {
    params.bind(&[])?;
    let network = playground.network();
    let blocks: Vec<Block> = network
        .blocks()
        .into_iter()
        .map(|view: BlockView| Block {
            id: cb58(&view.id),
            parent_id: cb58(&view.parent),
            height: view.height,
            timestamp: view.timestamp,
            bytes: hex0x(&view.bytes),
            builder: view.builder,
            accepted_by: view.accepted_by,
            rejected_by: view.rejected_by,
            known_by: view.known_by,
            status: network.status_on(serving, &view.id).as_str(),
            fields: view.fields.into_iter().collect(),
        })
        .collect();
    reply(&blocks)
}

/// `snowrv.getParameters`: the network's config, as `snowrv.setParameters` takes it.
pub(super) fn get_parameters(playground: &ChainPlayground, params: Params) -> Reply {
    params.bind(&[])?;
    reply(playground.config())
}

/// `snowrv.setParameters {…config fields}`: a new network from the current config with the given
/// fields replaced (nested `params` fields one by one). Validated first: on any error nothing
/// changes and the message names the field.
pub(super) fn set_parameters(playground: &mut ChainPlayground, params: Params) -> Reply {
    let patch = params.into_object()?;
    let config = patch_config(playground.config(), patch)?;
    playground
        .apply(ChainCommand::Configure(config))
        .map_err(|error| RpcError::param("params", error))?;
    reply(playground.config())
}

/// The reply of `snowrv.propose`.
#[derive(Serialize)]
struct Proposed {
    node: NodeIndex,
    id: String,
    data: String,
}

/// `snowrv.propose {data, node?}`: like `timestampvm.proposeBlock` on any node, and in the
/// page's text-or-hex form; returns the entry's ID.
pub(super) fn propose(
    playground: &mut ChainPlayground,
    serving: NodeIndex,
    params: Params,
) -> Reply {
    let mut args = params.bind(&["data", "node"])?;
    let text = args.str("data", "text of at most 32 bytes, or 32 bytes as hex")?;
    let data =
        super::timestampvm::parse_data(&text).map_err(|what| RpcError::param("data", what))?;
    let node = args.opt_node("node", playground)?.unwrap_or(serving);
    let id = playground.propose(node, &data.to_hex())?;
    reply(&Proposed {
        node,
        id: cb58(&id),
        data: hex0x(&data.0),
    })
}

/// The reply of `snowrv.build` and `snowrv.buildConflicting`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Built {
    node: NodeIndex,
    id: String,
    #[serde(rename = "parentID")]
    parent_id: Option<String>,
    height: Option<u64>,
}

/// `snowrv.build {node?}` / `snowrv.buildConflicting {node?}` (default: the serving node).
pub(super) fn build(
    playground: &mut ChainPlayground,
    serving: NodeIndex,
    params: Params,
    conflicting: bool,
) -> Reply {
    let mut args = params.bind(&["node"])?;
    let node = args.opt_node("node", playground)?.unwrap_or(serving);
    let id = if conflicting {
        playground.build_conflicting(node)?
    } else {
        playground.build(node)?
    };
    let view = playground.network().block(&id);
    reply(&Built {
        node,
        id: cb58(&id),
        parent_id: view.as_ref().map(|view| cb58(&view.parent)),
        height: view.map(|view| view.height),
    })
}

/// The reply of `snowrv.step`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stepped {
    /// "progress", "quiet" or "budget".
    outcome: &'static str,
    /// The block waited for (granularity "decided").
    #[serde(skip_serializing_if = "Option::is_none")]
    block: Option<String>,
    now: Millis,
    delivered: u64,
    dropped: u64,
    polls: u64,
    decisions: usize,
    stats: Stats,
}

/// `snowrv.step {granularity, node?, block?, messages?}`: one of the page's step buttons.
/// `node` goes with "poll", `block` with "decided", `messages` with "run".
pub(super) fn step(playground: &mut ChainPlayground, params: Params) -> Reply {
    let mut args = params.bind(&["granularity", "node", "block", "messages"])?;
    const GRANULARITIES: &str = r#""message", "poll", "round", "decided", "quiet" or "run""#;
    let granularity = args.str("granularity", GRANULARITIES)?;
    let node = args.opt_node("node", playground)?;
    let block = args.opt_id("block")?;
    let messages = args.opt_u64("messages")?;
    let only = |name: &str, given: bool, with: &str| {
        if given {
            Err(RpcError::param(
                name,
                format!("only goes with granularity {with:?}"),
            ))
        } else {
            Ok(())
        }
    };
    only("node", node.is_some() && granularity != "poll", "poll")?;
    only(
        "block",
        block.is_some() && granularity != "decided",
        "decided",
    )?;
    only(
        "messages",
        messages.is_some() && granularity != "run",
        "run",
    )?;
    let mut waited_for = None;
    let command = match granularity.as_str() {
        "message" => ChainCommand::StepMessage,
        "poll" => ChainCommand::StepPoll { node },
        "round" => ChainCommand::StepRound,
        "decided" => {
            let block = match block {
                Some(block) => block,
                None => playground.newest_processing()?,
            };
            waited_for = Some(block);
            ChainCommand::RunUntilDecided { block: Some(block) }
        }
        "quiet" => ChainCommand::RunUntilQuiet,
        "run" => ChainCommand::Run {
            messages: messages
                .ok_or_else(|| RpcError::param("messages", "missing (how many to deliver)"))?,
        },
        other => {
            return Err(RpcError::param(
                "granularity",
                format!("{other:?} is not one of {GRANULARITIES}"),
            ))
        }
    };
    let before = playground.network().stats();
    let decisions_before = playground.network().decisions().len();
    let outcome = playground.apply(command)?;
    let network = playground.network();
    let after = network.stats();
    reply(&Stepped {
        outcome: match outcome {
            StepOutcome::Progress => "progress",
            StepOutcome::Quiet => "quiet",
            StepOutcome::Budget => "budget",
        },
        block: waited_for.as_ref().map(cb58),
        now: network.now(),
        delivered: after.delivered.saturating_sub(before.delivered),
        dropped: after.dropped.saturating_sub(before.dropped),
        polls: after.polls.saturating_sub(before.polls),
        decisions: network.decisions().len().saturating_sub(decisions_before),
        stats: after.into(),
    })
}

/// One row of `snowrv.decisions`.
#[derive(Serialize)]
struct Decision {
    node: NodeIndex,
    block: String,
    height: u64,
    /// "Accepted" or "Rejected".
    status: &'static str,
    at: Millis,
}

/// `snowrv.decisions {node?, limit?}`: every accept and reject in order (on one node; the last
/// `limit`).
pub(super) fn decisions(playground: &ChainPlayground, params: Params) -> Reply {
    let mut args = params.bind(&["node", "limit"])?;
    let node = args.opt_node("node", playground)?;
    let limit = args.opt_u64("limit")?;
    let all: Vec<Decision> = playground
        .network()
        .decisions()
        .iter()
        .filter(|record| node.is_none_or(|node| record.node == node))
        .map(|record| Decision {
            node: record.node,
            block: cb58(&record.block),
            height: record.height,
            status: if record.accepted {
                "Accepted"
            } else {
                "Rejected"
            },
            at: record.at,
        })
        .collect();
    let skip = match limit.and_then(|limit| usize::try_from(limit).ok()) {
        Some(limit) => all.len().saturating_sub(limit),
        None => 0,
    };
    reply(all.get(skip..).unwrap_or_default())
}

/// A bag entry.
#[derive(Serialize)]
struct Tally {
    block: String,
    votes: u64,
}

/// A decision a poll made.
#[derive(Serialize)]
struct Decided {
    block: String,
    accepted: bool,
}

/// `snowrv.lastPoll`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LastPoll {
    node: NodeIndex,
    request_id: u32,
    block: String,
    requested_height: u64,
    started_at: Millis,
    finished_at: Millis,
    voters: Vec<Vote>,
    bag: Vec<Tally>,
    alpha_preference: u32,
    alpha_confidence: u32,
    early: bool,
    successful: bool,
    preference_before: String,
    preference_after: String,
    confidence: u32,
    decided: Vec<Decided>,
}

/// `snowrv.lastPoll {node?}`: the last finished poll (on `node`, or on any node); null before
/// the first.
pub(super) fn last_poll(playground: &ChainPlayground, params: Params) -> Reply {
    let mut args = params.bind(&["node"])?;
    let node = args.opt_node("node", playground)?;
    let parameters = playground.config().params;
    let poll = playground
        .network()
        .last_poll(node)
        .map(|poll: &PollRecord| LastPoll {
            node: poll.node,
            request_id: poll.request_id,
            block: cb58(&poll.block),
            requested_height: poll.requested_height,
            started_at: poll.started_at,
            finished_at: poll.finished_at,
            voters: poll
                .voters
                .iter()
                .map(|(node, vote)| Vote {
                    node: *node,
                    block: vote.as_ref().map(cb58),
                })
                .collect(),
            bag: poll
                .bag
                .iter()
                .map(|(block, votes)| Tally {
                    block: cb58(block),
                    votes,
                })
                .collect(),
            alpha_preference: parameters.alpha_preference,
            alpha_confidence: parameters.alpha_confidence,
            early: poll.early,
            successful: poll.successful,
            preference_before: cb58(&poll.preference_before),
            preference_after: cb58(&poll.preference_after),
            confidence: poll.confidence,
            decided: poll
                .decided
                .iter()
                .map(|(block, accepted)| Decided {
                    block: cb58(block),
                    accepted: *accepted,
                })
                .collect(),
        });
    reply(&poll)
}

/// The reply of `snowrv.transcriptHash`.
#[derive(Serialize)]
struct Transcript {
    hash: String,
}

/// `snowrv.transcriptHash`: SHA-256 over every event so far; equal configs and commands give
/// equal hashes.
pub(super) fn transcript_hash(playground: &ChainPlayground, params: Params) -> Reply {
    params.bind(&[])?;
    reply(&Transcript {
        hash: cb58(&playground.network().transcript_hash()),
    })
}

/// The reply of `snowrv.crash` and `snowrv.restart`.
#[derive(Serialize)]
struct Crashed {
    node: NodeIndex,
    crashed: bool,
}

/// `snowrv.crash {node}` / `snowrv.restart {node}`.
pub(super) fn crash(playground: &mut ChainPlayground, params: Params, crash: bool) -> Reply {
    let mut args = params.bind(&["node"])?;
    let node = args.node("node", playground)?;
    let command = if crash {
        ChainCommand::Crash { node }
    } else {
        ChainCommand::Restart { node }
    };
    playground.apply(command)?;
    reply(&Crashed {
        node,
        crashed: playground.network().is_crashed(node),
    })
}

/// The reply of `snowrv.partition`.
#[derive(Serialize)]
struct Partitioned {
    split: Option<NodeIndex>,
}

/// `snowrv.partition {split}`: nodes `0..split` and `split..` stop hearing each other; a null or
/// missing split heals.
pub(super) fn partition(playground: &mut ChainPlayground, params: Params) -> Reply {
    let mut args = params.bind(&["split"])?;
    let split = match args.opt_u64("split")? {
        None => None,
        Some(split) => Some(NodeIndex::try_from(split).map_err(|_| {
            RpcError::param("split", format!("{split} is more than the number of nodes"))
        })?),
    };
    playground.apply(ChainCommand::Partition { split })?;
    reply(&Partitioned {
        split: playground.network().partition_split(),
    })
}
