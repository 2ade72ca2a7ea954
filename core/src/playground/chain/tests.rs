//! Tests of the chain playground: every command does what its button promises, and every refusal
//! leaves the network exactly as it was (transcript hash and every view equal).

use alloc::string::ToString;
use alloc::vec::Vec;

use super::*;
use crate::chain::network::{BlockView, NetworkStats, NodeView};
use crate::chain::params::Parameters;
use crate::chain::vm::Status;

/// Everything a front-end can see of the network.
#[derive(PartialEq, Eq, Debug)]
struct Snapshot {
    transcript: Id,
    now: u64,
    stats: NetworkStats,
    config: NetworkConfig,
    nodes: Vec<NodeView>,
    blocks: Vec<BlockView>,
    decisions: usize,
}

fn snapshot(playground: &ChainPlayground) -> Snapshot {
    let network = playground.network();
    Snapshot {
        transcript: network.transcript_hash(),
        now: network.now(),
        stats: network.stats(),
        config: network.config().clone(),
        nodes: (0..network.node_count())
            .filter_map(|node| network.node(node))
            .collect(),
        blocks: network.blocks(),
        decisions: network.decisions().len(),
    }
}

fn playground() -> ChainPlayground {
    ChainPlayground::new(NetworkConfig::default()).unwrap()
}

/// Applies `command` expecting a refusal that mentions `words`, and checks nothing changed.
fn refused(playground: &mut ChainPlayground, command: ChainCommand, words: &str) {
    playground.take_events();
    let before = snapshot(playground);
    let error = playground.apply(command.clone()).unwrap_err().to_string();
    assert!(
        error.contains(words),
        "{command:?}: {error:?} should mention {words:?}"
    );
    assert_eq!(
        snapshot(playground),
        before,
        "{command:?} changed the network"
    );
    assert!(
        playground.take_events().is_empty(),
        "{command:?} emitted events"
    );
}

/// Proposes `data` on `node` and builds it there; returns the block.
fn propose_and_build(playground: &mut ChainPlayground, node: NodeIndex, data: &str) -> Id {
    let propose = ChainCommand::Propose {
        node,
        data: data.to_string(),
    };
    assert_eq!(playground.apply(propose), Ok(StepOutcome::Progress));
    assert_eq!(
        playground.apply(ChainCommand::Build { node }),
        Ok(StepOutcome::Progress)
    );
    playground.last_built().unwrap()
}

fn honest_nodes(playground: &ChainPlayground) -> Vec<NodeView> {
    let network = playground.network();
    (0..network.node_count())
        .filter(|node| network.is_honest(*node))
        .filter_map(|node| network.node(node))
        .collect()
}

fn block(playground: &ChainPlayground, id: Id) -> BlockView {
    playground
        .network()
        .blocks()
        .into_iter()
        .find(|b| b.id == id)
        .unwrap()
}

#[test]
fn the_default_config_makes_a_network() {
    let playground = playground();
    assert_eq!(playground.config(), &NetworkConfig::default());
    assert_eq!(playground.network().node_count(), 20);
    assert_eq!(playground.last_built(), None);
}

#[test]
fn propose_puts_text_and_hex_data_into_the_nodes_mempool() {
    let mut playground = playground();
    let hex = "ab".repeat(32);
    for data in ["hello", hex.as_str()] {
        let command = ChainCommand::Propose {
            node: 3,
            data: data.to_string(),
        };
        assert_eq!(playground.apply(command), Ok(StepOutcome::Progress));
    }
    let mempool = playground.network().node(3).unwrap().mempool;
    let mut hello = [0u8; 32];
    hello[..5].copy_from_slice(b"hello");
    assert_eq!(mempool, [hello, [0xab; 32]]);
    assert!(playground.network().node(2).unwrap().mempool.is_empty());
}

#[test]
fn propose_refuses_bad_data_and_bad_nodes_without_changing_anything() {
    let mut playground = playground();
    let long = "x".repeat(33);
    refused(
        &mut playground,
        ChainCommand::Propose {
            node: 0,
            data: long,
        },
        "data:",
    );
    let command = ChainCommand::Propose {
        node: 20,
        data: "a".into(),
    };
    refused(&mut playground, command, "there is no node 20");
    // A duplicate entry is the mempool's refusal, with the network unchanged.
    let command = ChainCommand::Propose {
        node: 0,
        data: "a".into(),
    };
    assert!(playground.apply(command.clone()).is_ok());
    refused(&mut playground, command, "already pending");
}

#[test]
fn build_makes_a_block_at_height_one_on_genesis() {
    let mut playground = playground();
    let id = propose_and_build(&mut playground, 0, "block one");
    let view = block(&playground, id);
    assert_eq!(view.height, 1);
    assert_eq!(view.builder, Some(0));
    let genesis = playground.network().node(0).unwrap().last_accepted;
    assert_eq!(view.parent, genesis);
    assert_eq!(playground.network().status_on(0, &id), Status::Processing);
    assert!(playground.network().node(0).unwrap().mempool.is_empty());
}

#[test]
fn build_refuses_an_empty_mempool_and_a_bad_node() {
    let mut playground = playground();
    refused(
        &mut playground,
        ChainCommand::Build { node: 0 },
        "mempool is empty",
    );
    refused(
        &mut playground,
        ChainCommand::Build { node: 25 },
        "there is no node 25",
    );
    refused(
        &mut playground,
        ChainCommand::BuildConflicting { node: 25 },
        "no node 25",
    );
}

#[test]
fn build_conflicting_makes_a_sibling_and_exactly_one_of_the_two_is_accepted() {
    // More nodes than K: with K = N every poll samples everyone, and two siblings issued at the
    // same moment can split the nodes so that no poll ever reaches alpha (Snowball needs random
    // samples to break a tie).
    let config = NetworkConfig {
        nodes: 60,
        ..NetworkConfig::default()
    };
    let mut playground = ChainPlayground::new(config).unwrap();
    let first = propose_and_build(&mut playground, 0, "a");
    let command = ChainCommand::Propose {
        node: 1,
        data: "b".into(),
    };
    assert!(playground.apply(command).is_ok());
    assert!(playground
        .apply(ChainCommand::BuildConflicting { node: 1 })
        .is_ok());
    let second = playground.last_built().unwrap();
    assert_ne!(first, second);
    assert_eq!(
        block(&playground, first).parent,
        block(&playground, second).parent
    );
    assert_eq!(block(&playground, second).height, 1);

    let outcome = playground.apply(ChainCommand::RunUntilDecided { block: Some(first) });
    assert_eq!(outcome, Ok(StepOutcome::Progress));
    let honest = honest_nodes(&playground).len() as u32;
    let (a, b) = (block(&playground, first), block(&playground, second));
    let verdicts = [
        (a.accepted_by, a.rejected_by),
        (b.accepted_by, b.rejected_by),
    ];
    assert!(
        verdicts == [(honest, 0), (0, honest)] || verdicts == [(0, honest), (honest, 0)],
        "{verdicts:?}"
    );
}

#[test]
fn build_conflicting_without_a_processing_block_is_refused() {
    let mut playground = playground();
    let command = ChainCommand::Propose {
        node: 1,
        data: "b".into(),
    };
    assert!(playground.apply(command).is_ok());
    playground.take_events();
    let before = snapshot(&playground);
    assert!(playground
        .apply(ChainCommand::BuildConflicting { node: 1 })
        .is_err());
    assert_eq!(snapshot(&playground), before);
}

#[test]
fn step_message_delivers_one_message_or_reports_quiet() {
    let mut playground = playground();
    assert_eq!(
        playground.apply(ChainCommand::StepMessage),
        Ok(StepOutcome::Quiet)
    );
    propose_and_build(&mut playground, 0, "x");
    let before = playground.network().stats();
    assert_eq!(
        playground.apply(ChainCommand::StepMessage),
        Ok(StepOutcome::Progress)
    );
    let after = playground.network().stats();
    assert_eq!(
        after.delivered + after.dropped,
        before.delivered + before.dropped + 1
    );
}

#[test]
fn step_poll_finishes_one_poll_on_the_chosen_node() {
    let mut playground = playground();
    propose_and_build(&mut playground, 0, "x");
    let polls = |p: &ChainPlayground| p.network().node(0).unwrap().polls_finished;
    assert_eq!(polls(&playground), 0);
    let outcome = playground.apply(ChainCommand::StepPoll { node: Some(0) });
    assert_eq!(outcome, Ok(StepOutcome::Progress));
    assert_eq!(polls(&playground), 1);
    assert!(playground.network().last_poll(Some(0)).is_some());
    let total = playground.network().stats().polls;
    assert_eq!(
        playground.apply(ChainCommand::StepPoll { node: None }),
        Ok(StepOutcome::Progress)
    );
    // (One chit can finish several polls: finished polls wait for the older ones and are
    // applied together, oldest first.)
    assert!(playground.network().stats().polls > total);
    refused(
        &mut playground,
        ChainCommand::StepPoll { node: Some(20) },
        "no node 20",
    );
}

#[test]
fn step_round_finishes_a_poll_on_every_polling_node() {
    let mut playground = playground();
    propose_and_build(&mut playground, 0, "x");
    // Let the push queries arrive so that every node is polling.
    for _ in 0..200 {
        playground.apply(ChainCommand::StepMessage).unwrap();
    }
    let before: Vec<u64> = honest_nodes(&playground)
        .iter()
        .map(|n| n.polls_finished)
        .collect();
    let polling: Vec<bool> = honest_nodes(&playground)
        .iter()
        .map(|n| !n.polls.is_empty())
        .collect();
    assert_eq!(
        playground.apply(ChainCommand::StepRound),
        Ok(StepOutcome::Progress)
    );
    let after: Vec<u64> = honest_nodes(&playground)
        .iter()
        .map(|n| n.polls_finished)
        .collect();
    for (node, ((before, after), polling)) in before.iter().zip(&after).zip(&polling).enumerate() {
        if *polling {
            assert!(after > before, "node {node} finished no poll in the round");
        }
    }
}

#[test]
fn run_until_decided_without_a_block_waits_for_the_newest_processing_one() {
    let mut playground = playground();
    refused(
        &mut playground,
        ChainCommand::RunUntilDecided { block: None },
        "nothing is processing: build a block first",
    );
    let id = propose_and_build(&mut playground, 0, "x");
    assert_eq!(playground.newest_processing(), Ok(id));
    let outcome = playground.apply(ChainCommand::RunUntilDecided { block: None });
    assert_eq!(outcome, Ok(StepOutcome::Progress));
    for node in honest_nodes(&playground) {
        assert_eq!(node.last_accepted, id, "node {}", node.index);
        assert_eq!(node.last_accepted_height, 1);
    }
    // Decided everywhere: nothing is processing any more.
    assert!(playground.newest_processing().is_err());
}

#[test]
fn run_until_decided_picks_the_highest_processing_block() {
    let mut playground = playground();
    let first = propose_and_build(&mut playground, 0, "one");
    for _ in 0..50 {
        playground.apply(ChainCommand::StepMessage).unwrap();
    }
    // Node 0 prefers its own block, so its next block goes on top of it.
    let second = propose_and_build(&mut playground, 0, "two");
    assert_eq!(block(&playground, second).parent, first);
    assert_eq!(playground.newest_processing(), Ok(second));
    assert!(playground
        .apply(ChainCommand::RunUntilDecided { block: None })
        .is_ok());
    for node in honest_nodes(&playground) {
        assert_eq!(node.last_accepted, second, "node {}", node.index);
    }
}

#[test]
fn run_until_decided_refuses_a_block_nobody_knows() {
    let mut playground = playground();
    propose_and_build(&mut playground, 0, "x");
    let unknown = Id::digest(b"nobody built this");
    refused(
        &mut playground,
        ChainCommand::RunUntilDecided {
            block: Some(unknown),
        },
        "unknown",
    );
}

#[test]
fn run_until_quiet_empties_the_wire_and_run_delivers_a_slice() {
    let mut playground = playground();
    propose_and_build(&mut playground, 0, "x");
    let before = playground.network().stats();
    assert_eq!(
        playground.apply(ChainCommand::Run { messages: 3 }),
        Ok(StepOutcome::Progress)
    );
    let after = playground.network().stats();
    assert_eq!(
        after.delivered + after.dropped,
        before.delivered + before.dropped + 3
    );
    assert!(playground.apply(ChainCommand::RunUntilQuiet).is_ok());
    assert_eq!(playground.network().stats().in_flight, 0);
    assert_eq!(
        playground.apply(ChainCommand::StepMessage),
        Ok(StepOutcome::Quiet)
    );
}

#[test]
fn configure_replaces_the_network_only_when_the_config_is_valid() {
    let mut playground = playground();
    propose_and_build(&mut playground, 0, "x");
    let bad = NetworkConfig {
        params: Parameters {
            alpha_preference: 5,
            ..Parameters::DEFAULT
        },
        ..NetworkConfig::default()
    };
    refused(
        &mut playground,
        ChainCommand::Configure(bad),
        "AlphaPreference = 5",
    );
    assert!(
        playground.last_built().is_some(),
        "a bad Configure kept the old network"
    );

    let good = NetworkConfig {
        nodes: 30,
        seed: 7,
        ..NetworkConfig::default()
    };
    assert_eq!(
        playground.apply(ChainCommand::Configure(good.clone())),
        Ok(StepOutcome::Progress)
    );
    assert_eq!(playground.config(), &good);
    assert_eq!(playground.network().node_count(), 30);
    assert_eq!(playground.last_built(), None);
    assert!(playground.network().blocks().iter().all(|b| b.height == 0));
}

#[test]
fn crash_and_restart_a_node() {
    let mut playground = playground();
    assert_eq!(
        playground.apply(ChainCommand::Crash { node: 3 }),
        Ok(StepOutcome::Progress)
    );
    assert!(playground.network().node(3).unwrap().crashed);
    refused(
        &mut playground,
        ChainCommand::Crash { node: 20 },
        "no node 20",
    );
    refused(&mut playground, ChainCommand::Build { node: 3 }, "crashed");
    assert_eq!(
        playground.apply(ChainCommand::Restart { node: 3 }),
        Ok(StepOutcome::Progress)
    );
    assert!(!playground.network().node(3).unwrap().crashed);
    refused(
        &mut playground,
        ChainCommand::Restart { node: 20 },
        "no node 20",
    );
}

#[test]
fn partition_splits_and_heals() {
    let mut playground = playground();
    let command = ChainCommand::Partition { split: Some(10) };
    assert_eq!(playground.apply(command), Ok(StepOutcome::Progress));
    let side = |p: &ChainPlayground, node| p.network().node(node).unwrap().side;
    assert_eq!((side(&playground, 9), side(&playground, 10)), (0, 1));
    assert_eq!(
        playground.apply(ChainCommand::Partition { split: None }),
        Ok(StepOutcome::Progress)
    );
    assert_eq!(side(&playground, 10), 0);
}

#[test]
fn the_same_commands_give_the_same_transcript() {
    let run = || {
        let config = NetworkConfig {
            nodes: 60,
            ..NetworkConfig::default()
        };
        let mut playground = ChainPlayground::new(config).unwrap();
        propose_and_build(&mut playground, 0, "a");
        let command = ChainCommand::Propose {
            node: 1,
            data: "b".into(),
        };
        playground.apply(command).unwrap();
        playground
            .apply(ChainCommand::BuildConflicting { node: 1 })
            .unwrap();
        let outcome = playground.apply(ChainCommand::RunUntilDecided { block: None });
        assert_eq!(outcome, Ok(StepOutcome::Progress));
        playground.network().transcript_hash()
    };
    let first = run();
    assert_ne!(first, Id::EMPTY);
    assert_eq!(first, run());
}

#[test]
fn from_network_wraps_a_network_that_is_already_set_up() {
    let mut network = Network::new(NetworkConfig::default()).unwrap();
    let data = crate::chain::timestampvm::Data::from_text_or_hex("set up").unwrap();
    network.propose(2, data).unwrap();
    let mut playground = ChainPlayground::from_network(network);
    assert_eq!(playground.network().node(2).unwrap().mempool, [data.0]);
    assert_eq!(playground.last_built(), None);
    assert!(playground.apply(ChainCommand::Build { node: 2 }).is_ok());
}
