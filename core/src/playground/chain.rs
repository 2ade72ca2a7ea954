//! SEAM (owner: rpc helper): the chain playground, the one chain type front-ends hold: commands
//! in ([`ChainPlayground::apply`]), events out ([`ChainPlayground::take_events`]), and the
//! [`Network`]'s views for every panel. Replace the stub bodies; keep the signatures.

use alloc::string::String;
use alloc::vec::Vec;

use crate::chain::engine::NodeIndex;
use crate::chain::id::Id;
use crate::chain::network::{ChainError, ChainEvent, Network, NetworkConfig, StepOutcome};

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
}

impl ChainPlayground {
    /// A playground over a new network from `config`.
    pub fn new(config: NetworkConfig) -> Result<ChainPlayground, ChainError> {
        Ok(ChainPlayground { network: Network::new(config)? })
    }
    /// Applies a command; on error nothing changed and the error says why.
    pub fn apply(&mut self, command: ChainCommand) -> Result<StepOutcome, ChainError> {
        let _ = command;
        Ok(StepOutcome::Quiet)
    }
    /// Drains the events since the last call.
    pub fn take_events(&mut self) -> Vec<ChainEvent> {
        self.network.take_events()
    }
    /// The network, for views.
    pub fn network(&self) -> &Network {
        &self.network
    }
}
