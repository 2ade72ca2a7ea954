//! The chain playground, the one chain type front-ends hold: commands in
//! ([`ChainPlayground::apply`]), events out ([`ChainPlayground::take_events`]), and the
//! [`Network`]'s views for every panel ([`ChainPlayground::network`]).
//!
//! It owns what a user's click means: which block "Run Until Decided" waits for when none is
//! named, how typed data becomes TimestampVM data, and the rule that a refused command changes
//! nothing, so a bad click never loses the user's network (a bad [`ChainCommand::Configure`]
//! keeps the old network running).
//!
//! ```
//! use snowrv_core::chain::network::NetworkConfig;
//! use snowrv_core::playground::chain::{ChainCommand, ChainPlayground};
//! let mut playground = ChainPlayground::new(NetworkConfig::default()).unwrap();
//! // A refused command is an error that says why, and the network is unchanged.
//! let error = playground.apply(ChainCommand::Build { node: 99 }).unwrap_err();
//! assert!(error.to_string().contains("99"));
//! assert_eq!(playground.config(), &NetworkConfig::default());
//! ```

#[cfg(test)]
mod tests;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::chain::engine::NodeIndex;
use crate::chain::id::Id;
use crate::chain::network::{ChainError, ChainEvent, Network, NetworkConfig, StepOutcome};
use crate::chain::timestampvm::Data;

/// Messages a single UI command may deliver at most (Run Until Decided, Step Round), so a click
/// never hangs the page.
pub const COMMAND_BUDGET: u64 = 5_000_000;

/// What a front-end asks the chain playground to do.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ChainCommand {
    /// Put data into `node`'s mempool: 64 hex digits (optional `0x`) are raw bytes; other text is
    /// UTF-8 of at most 32 bytes, zero-padded.
    Propose {
        /// The node.
        node: NodeIndex,
        /// The data as typed.
        data: String,
    },
    /// `node` builds one block on its preference.
    Build {
        /// The node.
        node: NodeIndex,
    },
    /// `node` builds a sibling of the newest processing block it knows.
    BuildConflicting {
        /// The node.
        node: NodeIndex,
    },
    /// Deliver one message.
    StepMessage,
    /// Deliver until one poll finishes (on `node`, or any).
    StepPoll {
        /// The node, or any.
        node: Option<NodeIndex>,
    },
    /// Every live honest node finishes one more poll.
    StepRound,
    /// Run until `block` (None: the newest processing block) is decided on every live honest node.
    RunUntilDecided {
        /// The block.
        block: Option<Id>,
    },
    /// Run until nothing is in flight.
    RunUntilQuiet,
    /// A time slice of Run: deliver up to this many messages.
    Run {
        /// Messages.
        messages: u64,
    },
    /// Replace the network with a new one from this config (validated first: on error nothing
    /// changes).
    Configure(NetworkConfig),
    /// Crash a node.
    Crash {
        /// The node.
        node: NodeIndex,
    },
    /// Restart a crashed node.
    Restart {
        /// The node.
        node: NodeIndex,
    },
    /// Partition into `0..split` and `split..`; None heals.
    Partition {
        /// The split point.
        split: Option<NodeIndex>,
    },
}

/// The chain playground.
#[derive(Debug)]
pub struct ChainPlayground {
    network: Network,
    /// The block the last successful Build / Build Conflicting made, for "Run Until Decided"
    /// without a named block and for front-ends that want to highlight it.
    last_built: Option<Id>,
}

impl ChainPlayground {
    /// A playground over a new network from `config`.
    ///
    /// There is deliberately no infallible constructor: [`Network::new`] initializes every
    /// node's VM, which returns a `Result`, and the only way to hide that would be an `unwrap`.
    /// Front-ends call `ChainPlayground::new(NetworkConfig::default())` and show the error
    /// (the default config is valid; a test checks it).
    pub fn new(config: NetworkConfig) -> Result<ChainPlayground, ChainError> {
        Ok(ChainPlayground {
            network: Network::new(config)?,
            last_built: None,
        })
    }

    /// A playground over a network that is already set up (a scenario's, after steps that are
    /// not playground commands: gossip to chosen nodes, a Byzantine target, a random block tree).
    pub fn from_network(network: Network) -> ChainPlayground {
        ChainPlayground {
            network,
            last_built: None,
        }
    }

    /// Applies a command; on error nothing changed and the error says why.
    pub fn apply(&mut self, command: ChainCommand) -> Result<StepOutcome, ChainError> {
        match command {
            ChainCommand::Propose { node, data } => {
                self.propose(node, &data)?;
                Ok(StepOutcome::Progress)
            }
            ChainCommand::Build { node } => {
                self.build(node)?;
                Ok(StepOutcome::Progress)
            }
            ChainCommand::BuildConflicting { node } => {
                self.build_conflicting(node)?;
                Ok(StepOutcome::Progress)
            }
            ChainCommand::StepMessage => Ok(self.network.step_message()),
            ChainCommand::StepPoll { node } => {
                if let Some(node) = node {
                    self.check_node(node)?;
                }
                Ok(self.network.step_poll(node, COMMAND_BUDGET))
            }
            ChainCommand::StepRound => Ok(self.network.step_round(COMMAND_BUDGET)),
            ChainCommand::RunUntilDecided { block } => {
                Ok(self.run_until_decided(block, COMMAND_BUDGET)?.1)
            }
            ChainCommand::RunUntilQuiet => Ok(self.network.run_until_quiet(COMMAND_BUDGET)),
            ChainCommand::Run { messages } => Ok(self.network.run(messages)),
            ChainCommand::Configure(config) => {
                // Build the new network first: the old one is only replaced when that worked.
                self.network = Network::new(config)?;
                self.last_built = None;
                Ok(StepOutcome::Progress)
            }
            ChainCommand::Crash { node } => {
                self.network.crash(node)?;
                Ok(StepOutcome::Progress)
            }
            ChainCommand::Restart { node } => {
                self.network.restart(node)?;
                Ok(StepOutcome::Progress)
            }
            ChainCommand::Partition { split } => {
                self.network.partition(split)?;
                Ok(StepOutcome::Progress)
            }
        }
    }

    /// [`ChainCommand::Propose`], returning the mempool entry's ID.
    pub fn propose(&mut self, node: NodeIndex, data: &str) -> Result<Id, ChainError> {
        self.check_node(node)?;
        let data = Data::from_text_or_hex(data)
            .map_err(|reason| ChainError::Precondition(format!("data: {reason}")))?;
        self.network.propose(node, data)
    }

    /// [`ChainCommand::Build`], returning the new block's ID.
    pub fn build(&mut self, node: NodeIndex) -> Result<Id, ChainError> {
        let id = self.network.build(node)?;
        self.last_built = Some(id);
        Ok(id)
    }

    /// [`ChainCommand::BuildConflicting`], returning the new block's ID.
    pub fn build_conflicting(&mut self, node: NodeIndex) -> Result<Id, ChainError> {
        let id = self.network.build_conflicting(node)?;
        self.last_built = Some(id);
        Ok(id)
    }

    /// One budgeted slice of [`ChainCommand::RunUntilDecided`]: runs until `block` (None: the
    /// [`ChainPlayground::newest_processing`] block) is decided on every live honest node, or
    /// `max_messages` were delivered ([`StepOutcome::Budget`]). Returns the block it waits for,
    /// so a front-end can run it in slices that stop exactly at the decision.
    pub fn run_until_decided(
        &mut self,
        block: Option<Id>,
        max_messages: u64,
    ) -> Result<(Id, StepOutcome), ChainError> {
        let block = match block {
            Some(block) => self.known_block(block)?,
            None => self.newest_processing()?,
        };
        Ok((block, self.network.run_until_decided(block, max_messages)))
    }

    /// The block the last successful Build or Build Conflicting made (None after Configure).
    pub fn last_built(&self) -> Option<Id> {
        self.last_built
    }

    /// The block "Run Until Decided" waits for when none is named: among the blocks some honest
    /// node has processing, the highest; on a tie (a fork), the one built last if it is among
    /// them, else the one with the greatest ID (so the choice is deterministic).
    pub fn newest_processing(&self) -> Result<Id, ChainError> {
        let mut best: Option<(u64, bool, Id)> = None;
        for block in self.network.blocks() {
            let decided = u64::from(block.accepted_by) + u64::from(block.rejected_by);
            if u64::from(block.known_by) <= decided {
                continue;
            }
            let key = (block.height, self.last_built == Some(block.id), block.id);
            if best.is_none_or(|current| key > current) {
                best = Some(key);
            }
        }
        best.map(|(_, _, id)| id).ok_or_else(|| {
            ChainError::Precondition(String::from("nothing is processing: build a block first"))
        })
    }

    /// Drains the events since the last call.
    pub fn take_events(&mut self) -> Vec<ChainEvent> {
        self.network.take_events()
    }

    /// The network, for views.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The config the current network was made from (the parameter form shows it).
    pub fn config(&self) -> &NetworkConfig {
        self.network.config()
    }

    /// Refuses an index outside the network, as the network itself words it.
    fn check_node(&self, node: NodeIndex) -> Result<(), ChainError> {
        let nodes = self.network.node_count();
        if node < nodes {
            Ok(())
        } else {
            Err(ChainError::NoSuchNode { node, nodes })
        }
    }

    /// `block` when some node knows it: waiting for a block nobody has would only burn the budget.
    fn known_block(&self, block: Id) -> Result<Id, ChainError> {
        if self.network.block(&block).is_some() {
            Ok(block)
        } else {
            Err(ChainError::Precondition(format!(
                "block {block} is unknown to every node"
            )))
        }
    }
}
