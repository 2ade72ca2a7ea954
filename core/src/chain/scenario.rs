//! Scenarios as data files: a network config, scripted steps and expectations in JSON, so a reader
//! can open `tests/scenarios/*.json` and see what a test does without reading Rust. The scenario
//! tests run every file, `snowrv rpc --scenario FILE` starts from one, and the browser's
//! determinism test replays one.
//!
//! Two kinds:
//! - `"network"`: a [`Network`] of Snowman nodes from a config, driven by [`Step`]s (propose,
//!   build, gossip, crash, partition, run until decided, a random block tree, ...) and checked by
//!   [`Expectation`]s (every honest node accepted a block, agreement, a message budget).
//! - `"snowball-colors"`: the consensus helper's Snowball colour simulation (one decision among
//!   several colours, as avalanchego's `snow/consensus/snowball/network_test.go`), run with several
//!   parameter variants over several seeds to compare how fast each finalizes.
//!
//! The JSON format is described for readers in `tests/scenarios/README.md`. Steps and
//! expectations are parsed by hand (not derived) so that every error names the field and the step
//! index (`steps[3].gossip.nodes: ...`).

mod colors;
mod parse;
mod run;
#[cfg(test)]
mod tests;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::chain::engine::{Millis, NodeIndex};
use crate::chain::id::Id;
use crate::chain::network::{ChainError, ConfigError, Network, NetworkConfig};
use crate::playground::chain::ChainPlayground;

pub use colors::{ColorsConfig, ColorsScenario, Variant, VariantResult};

/// A scenario read from a data file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Scenario {
    /// Short name (the file name without `.json`, by convention).
    pub name: String,
    /// What it shows, in a sentence or two.
    pub description: String,
    /// What runs.
    pub body: ScenarioBody,
}

/// What a scenario runs.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ScenarioBody {
    /// `"kind": "network"`: a simulated network driven by steps.
    Network(NetworkScenario),
    /// `"kind": "snowball-colors"`: the Snowball colour simulation, compared across variants.
    SnowballColors(ColorsScenario),
}

/// A network scenario: a config, steps in order, then expectations.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NetworkScenario {
    /// The network (fields left out of the file take [`NetworkConfig::default`]).
    pub config: NetworkConfig,
    /// What happens, in order.
    pub steps: Vec<Step>,
    /// What must hold after the last step.
    pub expect: Vec<Expectation>,
}

/// A set of nodes in a step: `"0..55"`, `"55..=89"`, `"90.."`, `"all"`, or a list `[0, 3, 7]`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum NodeSet {
    /// `"a..b"` (b excluded), `"a..=b"` (b included) or `"a.."` (to the last node): `end` is
    /// exclusive and `None` means "to the last node".
    Range {
        /// First node.
        start: NodeIndex,
        /// One past the last node; `None`: every node from `start` on.
        end: Option<NodeIndex>,
    },
    /// Exactly these nodes, in this order.
    List(Vec<NodeIndex>),
}

impl NodeSet {
    /// The nodes of a network of `nodes` nodes; a range is cut at `nodes` (the network refuses
    /// listed indices that do not exist).
    pub fn resolve(&self, nodes: u32) -> Vec<NodeIndex> {
        match self {
            NodeSet::Range { start, end } => {
                let end = end.unwrap_or(nodes).min(nodes);
                (*start..end).collect()
            }
            NodeSet::List(list) => list.clone(),
        }
    }
}

impl fmt::Display for NodeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeSet::Range {
                start: 0,
                end: None,
            } => write!(f, "all nodes"),
            NodeSet::Range { start, end: None } => write!(f, "nodes {start}.."),
            NodeSet::Range {
                start,
                end: Some(end),
            } => write!(f, "nodes {start}..{end}"),
            NodeSet::List(list) => {
                write!(f, "nodes [")?;
                for (i, node) in list.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{node}")?;
                }
                write!(f, "]")
            }
        }
    }
}

/// One scripted step of a network scenario. Blocks are named by labels that `build` and
/// `buildConflicting` steps give them, so a file reads as a story.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Step {
    /// `{"propose": {"node": 0, "data": "red"}}`: data into a node's mempool (64 hex digits are
    /// raw bytes; other text is UTF-8 of at most 32 bytes, zero-padded).
    Propose {
        /// The node.
        node: NodeIndex,
        /// The data as written.
        data: String,
    },
    /// `{"build": {"node": 0, "label": "red"}}`: the node builds one block on its preference.
    Build {
        /// The node.
        node: NodeIndex,
        /// The name later steps and expectations use for the block.
        label: String,
    },
    /// `{"buildConflicting": {"node": 1, "label": "blue"}}`: the node builds a sibling of the
    /// newest processing block it knows.
    BuildConflicting {
        /// The node.
        node: NodeIndex,
        /// The name of the new block.
        label: String,
    },
    /// `{"gossip": {"block": "red", "nodes": "0..55"}}`: hands a block directly to nodes, as if
    /// gossiped, so they prefer it before any poll reaches them.
    Gossip {
        /// The block's label.
        block: String,
        /// Who receives it.
        nodes: NodeSet,
    },
    /// `{"byzantineTarget": "blue"}`: FixedVote and Equivocating nodes vote for this block.
    ByzantineTarget(String),
    /// `{"crash": 3}`: the node crashes.
    Crash(NodeIndex),
    /// `{"restart": 3}`: the crashed node restarts from its accepted chain.
    Restart(NodeIndex),
    /// `{"partition": 10}`: nodes `0..10` and `10..` stop hearing each other;
    /// `{"partition": null}` heals.
    Partition(Option<NodeIndex>),
    /// `{"run": 5000}`: delivers up to this many messages.
    Run(u64),
    /// `{"runUntilDecided": "red"}`: runs until the block is decided on every live honest node.
    RunUntilDecided(String),
    /// `{"runUntilQuiet": true}`: runs until no message is in flight.
    RunUntilQuiet,
    /// `{"randomBlocks": {"count": 50, "seed": 7}}`: a random tree of blocks built on random
    /// nodes, interleaved with message delivery (the procedure is in `scenario/run.rs` and
    /// `tests/scenarios/README.md`).
    RandomBlocks {
        /// How many blocks.
        count: u32,
        /// Seed of the step's own random choices.
        seed: u64,
    },
}

impl Step {
    /// The step's JSON key (`"propose"`, `"gossip"`, ...), for messages.
    pub fn key(&self) -> &'static str {
        match self {
            Step::Propose { .. } => "propose",
            Step::Build { .. } => "build",
            Step::BuildConflicting { .. } => "buildConflicting",
            Step::Gossip { .. } => "gossip",
            Step::ByzantineTarget(_) => "byzantineTarget",
            Step::Crash(_) => "crash",
            Step::Restart(_) => "restart",
            Step::Partition(_) => "partition",
            Step::Run(_) => "run",
            Step::RunUntilDecided(_) => "runUntilDecided",
            Step::RunUntilQuiet => "runUntilQuiet",
            Step::RandomBlocks { .. } => "randomBlocks",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Propose { node, data } => write!(f, "propose {data:?} on node {node}"),
            Step::Build { node, label } => write!(f, "node {node} builds {label:?}"),
            Step::BuildConflicting { node, label } => {
                write!(f, "node {node} builds {label:?}, conflicting")
            }
            Step::Gossip { block, nodes } => write!(f, "gossip {block:?} to {nodes}"),
            Step::ByzantineTarget(label) => write!(f, "Byzantine nodes vote for {label:?}"),
            Step::Crash(node) => write!(f, "crash node {node}"),
            Step::Restart(node) => write!(f, "restart node {node}"),
            Step::Partition(Some(split)) => write!(f, "partition at node {split}"),
            Step::Partition(None) => write!(f, "heal the partition"),
            Step::Run(messages) => write!(f, "deliver up to {messages} messages"),
            Step::RunUntilDecided(label) => write!(f, "run until {label:?} is decided"),
            Step::RunUntilQuiet => write!(f, "run until quiet"),
            Step::RandomBlocks { count, seed } => {
                write!(f, "{count} random blocks (seed {seed})")
            }
        }
    }
}

/// What must hold at the end of a scenario.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Expectation {
    /// `{"allHonestAccepted": "red"}`: every live honest node accepted the block.
    AllHonestAccepted(String),
    /// `{"allHonestRejected": "blue"}`: every live honest node rejected the block, or never
    /// heard of it and decided its height otherwise.
    AllHonestRejected(String),
    /// `{"agreement": true}`: every live honest node has the same last accepted block, and no two
    /// honest nodes ever accepted different blocks at one height.
    Agreement,
    /// `{"decidedWithinMessages": N}`: at most N messages were delivered over the whole run.
    DecidedWithinMessages(u64),
    /// `{"fasterOnAverage": "alpha 11"}` (snowball-colors): that variant needed fewer rounds to
    /// finalize, on average over the seeds, than every other variant.
    FasterOnAverage(String),
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::AllHonestAccepted(label) => {
                write!(f, "every live honest node accepted {label:?}")
            }
            Expectation::AllHonestRejected(label) => {
                write!(f, "every live honest node rejected {label:?}")
            }
            Expectation::Agreement => write!(f, "the honest nodes agree"),
            Expectation::DecidedWithinMessages(n) => {
                write!(f, "at most {n} messages were delivered")
            }
            Expectation::FasterOnAverage(label) => {
                write!(f, "{label:?} finalizes in the fewest rounds on average")
            }
        }
    }
}

/// Why a scenario could not be read or run. Every variant names where the problem is.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The text is not JSON (serde_json's message, with line and column).
    #[error("not valid JSON: {0}")]
    Json(String),
    /// A field is missing, unknown or has a bad value: its path (`config.nodes`,
    /// `steps[3].gossip.nodes`, `expect[0]`) and what is wrong.
    #[error("{field}: {reason}")]
    Field {
        /// Where, as a path into the file.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The network config breaks a rule.
    #[error("config: {0}")]
    Config(ConfigError),
    /// The network refused a step.
    #[error("steps[{index}] ({step}): {error}")]
    Step {
        /// The step's index in `steps`.
        index: usize,
        /// The step in words.
        step: String,
        /// The network's reason.
        error: ChainError,
    },
    /// A run step spent its message budget before it was done.
    #[error("steps[{index}] ({step}): still not done after {budget} messages")]
    Budget {
        /// The step's index in `steps`.
        index: usize,
        /// The step in words.
        step: String,
        /// The budget it had.
        budget: u64,
    },
    /// The operation does not apply to this kind of scenario (e.g. `setup` of a
    /// snowball-colors scenario, which has no network).
    #[error("{0}")]
    WrongKind(String),
}

/// How one expectation came out.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CheckResult {
    /// The expectation in words.
    pub expectation: String,
    /// Whether it holds.
    pub passed: bool,
    /// The evidence in words (which nodes, which figures).
    pub detail: String,
}

/// What running a scenario found.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ScenarioReport {
    /// The scenario's name.
    pub name: String,
    /// What each step did, in words, in order.
    pub steps: Vec<String>,
    /// One per expectation, in file order.
    pub checks: Vec<CheckResult>,
    /// Messages delivered (network scenarios; 0 for colour scenarios).
    pub messages: u64,
    /// Polls finished on all nodes (network scenarios; 0 for colour scenarios, whose figures are
    /// in `variants`).
    pub polls: u64,
    /// Virtual time at the end (network scenarios; 0 for colour scenarios).
    pub virtual_time: Millis,
    /// The transcript hash (network scenarios with `trace` on; [`Id::EMPTY`] otherwise).
    pub transcript: Id,
    /// Per-variant figures (snowball-colors scenarios).
    pub variants: Vec<VariantResult>,
}

impl ScenarioReport {
    /// True when every expectation holds.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

impl fmt::Display for ScenarioReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "scenario {}:", self.name)?;
        for line in &self.steps {
            writeln!(f, "  {line}")?;
        }
        for variant in &self.variants {
            writeln!(f, "  {variant}")?;
        }
        if self.variants.is_empty() {
            writeln!(
                f,
                "  {} messages delivered, {} polls, {} ms of virtual time, transcript {}",
                self.messages, self.polls, self.virtual_time, self.transcript
            )?;
        }
        for check in &self.checks {
            let verdict = if check.passed { "ok  " } else { "FAIL" };
            writeln!(f, "  {verdict} {}: {}", check.expectation, check.detail)?;
        }
        Ok(())
    }
}

impl Scenario {
    /// Reads a scenario from its JSON text; the error names the field or step that is wrong.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        parse::scenario(text)
    }

    /// The network after the config and every step (a network scenario only): what
    /// [`Scenario::run`] checks.
    pub fn setup_network(&self) -> Result<Network, ScenarioError> {
        match &self.body {
            ScenarioBody::Network(scenario) => {
                run::setup(scenario, &mut Vec::new()).map(|(network, _)| network)
            }
            ScenarioBody::SnowballColors(_) => Err(self.not_a_network()),
        }
    }

    /// A chain playground over [`Scenario::setup_network`]'s network: what `snowrv rpc
    /// --scenario FILE` starts from.
    pub fn setup(&self) -> Result<ChainPlayground, ScenarioError> {
        Ok(ChainPlayground::from_network(self.setup_network()?))
    }

    /// Sets up, runs every step, and checks every expectation. A failed expectation is a report
    /// whose [`ScenarioReport::passed`] is false, not an error; errors are files or steps that
    /// cannot run.
    pub fn run(&self) -> Result<ScenarioReport, ScenarioError> {
        match &self.body {
            ScenarioBody::Network(scenario) => run::run(&self.name, scenario),
            ScenarioBody::SnowballColors(scenario) => Ok(colors::run(&self.name, scenario)),
        }
    }

    fn not_a_network(&self) -> ScenarioError {
        ScenarioError::WrongKind(alloc::format!(
            "scenario {:?} is a snowball-colors scenario: it has no network to set up",
            self.name
        ))
    }
}
