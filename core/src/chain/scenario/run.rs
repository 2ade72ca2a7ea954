//! Running a network scenario: build the [`Network`] from the config, apply each [`Step`] in
//! order (labels name the blocks that `build` steps made), then check each [`Expectation`].

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::{CheckResult, Expectation, NetworkScenario, ScenarioError, ScenarioReport, Step};
use crate::chain::engine::NodeIndex;
use crate::chain::id::Id;
use crate::chain::network::{ChainError, Network, StepOutcome};
use crate::chain::timestampvm::Data;
use crate::chain::vm::Status;
use crate::playground::chain::COMMAND_BUDGET;

/// What the steps leave behind besides the network: the labelled blocks and the crashed nodes.
#[derive(Debug, Default)]
pub(super) struct Labels {
    /// Block label -> block ID, from `build` and `buildConflicting` steps.
    pub(super) blocks: BTreeMap<String, Id>,
    /// Nodes crashed by a `crash` step and not restarted since.
    pub(super) crashed: BTreeSet<NodeIndex>,
}

/// The network after the config and every step; `log` receives one line per step.
pub(super) fn setup(
    scenario: &NetworkScenario,
    log: &mut Vec<String>,
) -> Result<(Network, Labels), ScenarioError> {
    let mut network = Network::new(scenario.config.clone()).map_err(ScenarioError::Config)?;
    let mut labels = Labels::default();
    for (index, step) in scenario.steps.iter().enumerate() {
        let before = network.stats().delivered;
        let what = apply(&mut network, &mut labels, index, step)?;
        let delivered = network.stats().delivered.saturating_sub(before);
        log.push(if delivered > 0 {
            format!(
                "steps[{index}] {step}: {what} ({delivered} messages, now {} ms)",
                network.now()
            )
        } else {
            format!("steps[{index}] {step}: {what}")
        });
    }
    Ok((network, labels))
}

/// Setup, then every expectation.
pub(super) fn run(name: &str, scenario: &NetworkScenario) -> Result<ScenarioReport, ScenarioError> {
    let mut steps = Vec::new();
    let (network, labels) = setup(scenario, &mut steps)?;
    let checks = scenario
        .expect
        .iter()
        .map(|expectation| check(&network, &labels, expectation))
        .collect();
    let stats = network.stats();
    Ok(ScenarioReport {
        name: String::from(name),
        steps,
        checks,
        messages: stats.delivered,
        polls: stats.polls,
        virtual_time: network.now(),
        transcript: network.transcript_hash(),
        variants: Vec::new(),
    })
}

/// Applies one step; returns what it did in words.
fn apply(
    network: &mut Network,
    labels: &mut Labels,
    index: usize,
    step: &Step,
) -> Result<String, ScenarioError> {
    let refused = |error: ChainError| ScenarioError::Step {
        index,
        step: format!("{step}"),
        error,
    };
    let out_of_budget = |budget: u64| ScenarioError::Budget {
        index,
        step: format!("{step}"),
        budget,
    };
    let block = |label: &str| -> Result<Id, ScenarioError> {
        labels.blocks.get(label).copied().ok_or_else(|| {
            // The parser checks labels; this only happens for a hand-made `Scenario`.
            super::parse::field_error(
                &format!("steps[{index}].{}", step.key()),
                format!("no block is labelled {label:?} before this step"),
            )
        })
    };
    Ok(match step {
        Step::Propose { node, data } => {
            let data = data_from_text(data).map_err(|reason| {
                super::parse::field_error(&format!("steps[{index}].propose.data"), reason)
            })?;
            let id = network.propose(*node, data).map_err(refused)?;
            format!("entry {id}")
        }
        Step::Build { node, label } | Step::BuildConflicting { node, label } => {
            let id = if matches!(step, Step::Build { .. }) {
                network.build(*node)
            } else {
                network.build_conflicting(*node)
            }
            .map_err(refused)?;
            labels.blocks.insert(label.clone(), id);
            format!("block {id}")
        }
        Step::Gossip {
            block: label,
            nodes,
        } => {
            let id = block(label)?;
            let nodes = nodes.resolve(network.node_count());
            network.gossip(id, &nodes).map_err(refused)?;
            format!("{} nodes received it", nodes.len())
        }
        Step::ByzantineTarget(label) => {
            let id = block(label)?;
            network.set_byzantine_target(id);
            format!("target {id}")
        }
        Step::Crash(node) => {
            network.crash(*node).map_err(refused)?;
            labels.crashed.insert(*node);
            String::from("crashed")
        }
        Step::Restart(node) => {
            network.restart(*node).map_err(refused)?;
            labels.crashed.remove(node);
            String::from("restarted")
        }
        Step::Partition(split) => {
            network.partition(*split).map_err(refused)?;
            String::from("done")
        }
        Step::Run(messages) => outcome_words(network.run(*messages)),
        Step::RunUntilDecided(label) => {
            let id = block(label)?;
            match network.run_until_decided(id, COMMAND_BUDGET) {
                StepOutcome::Budget => return Err(out_of_budget(COMMAND_BUDGET)),
                outcome => outcome_words(outcome),
            }
        }
        Step::RunUntilQuiet => match network.run_until_quiet(COMMAND_BUDGET) {
            StepOutcome::Budget => return Err(out_of_budget(COMMAND_BUDGET)),
            outcome => outcome_words(outcome),
        },
        Step::RandomBlocks { count, seed } => {
            random_blocks(network, labels, *count, *seed).map_err(refused)?
        }
    })
}

fn outcome_words(outcome: StepOutcome) -> String {
    String::from(match outcome {
        StepOutcome::Progress => "done",
        StepOutcome::Quiet => "the network is quiet",
        StepOutcome::Budget => "the message budget ran out",
    })
}

/// The `randomBlocks` step, as avalanchego's randomized Snowman network test grows a random tree
/// (`snow/consensus/snowman/network_test.go`, `AddBlock`: each new block's parent is a random
/// block that is not yet rejected). With a ChaCha8 stream seeded from `seed`, for each block `i`
/// in `0..count`:
/// 1. pick a node uniformly among the live honest ones (by index order);
/// 2. pick its parent uniformly among the blocks that node can build on: its last accepted block
///    followed by its processing blocks in ID order;
/// 3. propose the text `rnd {seed in hex}/{i}` into the node's mempool and build on that parent
///    ([`Network::build_on`]), which pushes the block to K sampled nodes;
/// 4. deliver a uniformly drawn number of messages in `0..=nodes * K`, so later blocks see
///    different preferences and trees on different nodes.
///
/// Every draw is a `u32` range, so native and wasm builds draw the same numbers.
fn random_blocks(
    network: &mut Network,
    labels: &Labels,
    count: u32,
    seed: u64,
) -> Result<String, ChainError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let nodes = network.node_count();
    let live = live_honest(network, labels);
    let Ok(live_count) = u32::try_from(live.len()) else {
        return Err(ChainError::Precondition(String::from("too many nodes")));
    };
    if live_count == 0 {
        return Err(ChainError::Precondition(String::from(
            "randomBlocks needs a live honest node",
        )));
    }
    let max_messages = nodes.saturating_mul(network.config().params.k);
    let mut forks = 0u32;
    for i in 0..count {
        let node = live
            .get(rng.random_range(0..live_count) as usize)
            .copied()
            .unwrap_or(0);
        let parents: Vec<Id> = match network.engine(node) {
            Some(engine) => {
                let consensus = engine.consensus();
                core::iter::once(consensus.last_accepted().0)
                    .chain(consensus.processing_blocks().map(|meta| meta.id))
                    .collect()
            }
            None => return Err(ChainError::Precondition(format!("no node {node}"))),
        };
        let choices = u32::try_from(parents.len()).unwrap_or(u32::MAX);
        let parent = parents
            .get(rng.random_range(0..choices) as usize)
            .copied()
            .unwrap_or(Id::EMPTY);
        let preferred = network
            .engine(node)
            .is_some_and(|engine| engine.consensus().preference() == parent);
        if !preferred {
            forks += 1;
        }
        let text = format!("rnd {seed:x}/{i}");
        let data = data_from_text(&text).map_err(ChainError::Precondition)?;
        network.propose(node, data)?;
        network.build_on(node, parent)?;
        let messages = rng.random_range(0..=max_messages);
        network.run(u64::from(messages));
    }
    Ok(format!(
        "{count} blocks built, {forks} of them on a block other than the builder's preference"
    ))
}

/// The propose box's rule (TimestampVM's [`Data::from_text_or_hex`]): exactly 64 hex digits
/// (after an optional `0x`) are raw bytes; other text is UTF-8 of at most 32 bytes, zero-padded.
pub(super) fn data_from_text(text: &str) -> Result<Data, String> {
    Data::from_text_or_hex(text)
}

/// The live honest nodes (not Byzantine, not crashed by a step).
fn live_honest(network: &Network, labels: &Labels) -> Vec<NodeIndex> {
    (0..network.node_count())
        .filter(|n| network.is_honest(*n) && !labels.crashed.contains(n))
        .collect()
}

/// Up to five node indices and how many more, for details.
fn some_nodes(nodes: &[NodeIndex]) -> String {
    let shown: Vec<String> = nodes.iter().take(5).map(|n| format!("{n}")).collect();
    let more = nodes.len().saturating_sub(5);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Checks one expectation.
fn check(network: &Network, labels: &Labels, expectation: &Expectation) -> CheckResult {
    let (passed, detail) = match expectation {
        Expectation::AllHonestAccepted(label) | Expectation::AllHonestRejected(label) => {
            match labels.blocks.get(label) {
                None => (false, format!("no block is labelled {label:?}")),
                Some(id) => {
                    let accepted = matches!(expectation, Expectation::AllHonestAccepted(_));
                    all_decided(network, labels, id, accepted)
                }
            }
        }
        Expectation::Agreement => agreement(network, labels),
        Expectation::DecidedWithinMessages(limit) => {
            let delivered = network.stats().delivered;
            (
                delivered <= *limit,
                format!("{delivered} messages delivered (limit {limit})"),
            )
        }
        Expectation::FasterOnAverage(_) => (
            false,
            String::from("fasterOnAverage applies to snowball-colors scenarios only"),
        ),
    };
    CheckResult {
        expectation: format!("{expectation}"),
        passed,
        detail,
    }
}

/// Did every live honest node accept (or reject) `id`? A node that never heard of a block counts
/// as having rejected it when it has accepted another block at that height or above
/// (avalanchego's `Decided`: height at or below the last accepted height).
fn all_decided(network: &Network, labels: &Labels, id: &Id, accepted: bool) -> (bool, String) {
    let height = network
        .blocks()
        .iter()
        .find(|b| b.id == *id)
        .map(|b| b.height);
    let nodes = live_honest(network, labels);
    let mut wrong: BTreeMap<&'static str, Vec<NodeIndex>> = BTreeMap::new();
    for node in &nodes {
        let status = network.status_on(*node, id);
        let ok = if accepted {
            status == Status::Accepted
        } else {
            status == Status::Rejected
                || (status == Status::Unknown
                    && height.is_some_and(|h| {
                        network
                            .engine(*node)
                            .is_some_and(|e| e.consensus().last_accepted().1 >= h)
                    }))
        };
        if !ok {
            wrong.entry(status.as_str()).or_default().push(*node);
        }
    }
    let verb = if accepted { "accepted" } else { "rejected" };
    if wrong.is_empty() {
        return (
            true,
            format!("{} of {} {verb} it", nodes.len(), nodes.len()),
        );
    }
    let parts: Vec<String> = wrong
        .iter()
        .map(|(status, list)| format!("{status} on nodes {}", some_nodes(list)))
        .collect();
    (
        false,
        format!(
            "{} of {} {verb} it; {}",
            nodes.len() - wrong.values().map(Vec::len).sum::<usize>(),
            nodes.len(),
            parts.join("; ")
        ),
    )
}

/// Agreement: one last accepted block on every live honest node, and no height at which two
/// honest nodes ever accepted different blocks.
fn agreement(network: &Network, labels: &Labels) -> (bool, String) {
    if let Some((height, a, b)) = conflicting_accept(network) {
        return (
            false,
            format!("honest nodes accepted both {a} and {b} at height {height}"),
        );
    }
    let nodes = live_honest(network, labels);
    let mut tips: BTreeMap<(u64, Id), Vec<NodeIndex>> = BTreeMap::new();
    for node in &nodes {
        if let Some(engine) = network.engine(*node) {
            let (id, height) = engine.consensus().last_accepted();
            tips.entry((height, id)).or_default().push(*node);
        }
    }
    let mut iter = tips.iter();
    match (iter.next(), iter.next()) {
        (None, _) => (false, String::from("no live honest node")),
        (Some(((height, id), _)), None) => (
            true,
            format!(
                "{} live honest nodes have last accepted {id} at height {height}",
                nodes.len()
            ),
        ),
        (Some(_), Some(_)) => {
            let parts: Vec<String> = tips
                .iter()
                .map(|((height, id), list)| {
                    format!("{id} at height {height} on nodes {}", some_nodes(list))
                })
                .collect();
            (
                false,
                format!("the last accepted blocks differ: {}", parts.join("; ")),
            )
        }
    }
}

/// The first height at which two honest nodes accepted different blocks, from the decision log.
pub(super) fn conflicting_accept(network: &Network) -> Option<(u64, Id, Id)> {
    let mut at_height: BTreeMap<u64, Id> = BTreeMap::new();
    for record in network.decisions() {
        if !record.accepted || !network.is_honest(record.node) {
            continue;
        }
        match at_height.get(&record.height) {
            Some(first) if *first != record.block => {
                return Some((record.height, *first, record.block))
            }
            Some(_) => {}
            None => {
                at_height.insert(record.height, record.block);
            }
        }
    }
    None
}
