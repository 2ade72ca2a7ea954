//! Network tests: determinism, finality on 20 and 100 nodes, forks, drops and latency,
//! partitions, crash and restart, refused commands, config validation, and a timing measurement.

use alloc::collections::BTreeMap;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use super::*;

const BUDGET: u64 = 20_000_000;

fn data(text: &str) -> Data {
    let mut bytes = [0u8; 32];
    for (slot, byte) in bytes.iter_mut().zip(text.bytes()) {
        *slot = byte;
    }
    Data(bytes)
}

fn config(nodes: u32, seed: u64) -> NetworkConfig {
    NetworkConfig {
        nodes,
        seed,
        ..NetworkConfig::default()
    }
}

/// Proposes `text` on `node` and builds a block there.
fn propose_and_build(network: &mut Network, node: NodeIndex, text: &str) -> Id {
    network.propose(node, data(text)).unwrap();
    network.build(node).unwrap()
}

fn assert_accepted_everywhere(network: &Network, block: &Id) {
    for node in 0..network.honest_count() {
        if network.is_crashed(node) {
            continue;
        }
        assert_eq!(
            network.status_on(node, block),
            Status::Accepted,
            "node {node} should have accepted {block}"
        );
    }
    let last: Vec<_> = network
        .last_accepted_all()
        .into_iter()
        .take(network.honest_count() as usize)
        .collect();
    assert!(
        last.windows(2).all(|pair| pair[0] == pair[1]),
        "every honest node has the same last accepted block"
    );
}

/// Everything a user can see, to compare before and after a refused command.
#[derive(PartialEq, Debug)]
struct Snapshot {
    hash: Id,
    now: Millis,
    stats: NetworkStats,
    nodes: Vec<Option<NodeView>>,
    blocks: Vec<BlockView>,
    decisions: usize,
    in_flight: Vec<InFlightMessage>,
    last_poll: Option<PollRecord>,
}

fn snapshot(network: &Network) -> Snapshot {
    Snapshot {
        hash: network.transcript_hash(),
        now: network.now(),
        stats: network.stats(),
        nodes: (0..network.node_count()).map(|n| network.node(n)).collect(),
        blocks: network.blocks(),
        decisions: network.decisions().len(),
        in_flight: network.in_flight(usize::MAX),
        last_poll: network.last_poll(None).cloned(),
    }
}

#[test]
fn the_default_config_is_valid_and_builds_a_network() {
    let network = Network::new(NetworkConfig::default()).unwrap();
    assert_eq!(network.node_count(), 20);
    assert_eq!(network.preferences().len(), 20);
    assert_eq!(network.now(), 0);
    assert_eq!(network.stats(), NetworkStats::default());
    assert!(network.is_honest(0));
}

#[test]
fn invalid_configs_are_refused_with_the_field() {
    let base = NetworkConfig::default();
    let cases: Vec<(NetworkConfig, &str)> = vec![
        (
            NetworkConfig {
                nodes: 0,
                ..base.clone()
            },
            "nodes",
        ),
        (
            NetworkConfig {
                nodes: 10_001,
                ..base.clone()
            },
            "nodes",
        ),
        (
            NetworkConfig {
                byzantine: 20,
                ..base.clone()
            },
            "byzantine",
        ),
        (
            NetworkConfig {
                nodes: 10,
                ..base.clone()
            },
            "K = 20",
        ),
        (
            NetworkConfig {
                params: Parameters {
                    beta: 0,
                    ..Parameters::DEFAULT
                },
                ..base.clone()
            },
            "Beta = 0",
        ),
        (
            NetworkConfig {
                latency_min_ms: 200,
                latency_max_ms: 100,
                ..base.clone()
            },
            "latencyMinMs",
        ),
        (
            NetworkConfig {
                latency_max_ms: 60_001,
                ..base.clone()
            },
            "latencyMaxMs",
        ),
        (
            NetworkConfig {
                drop_per_mille: 1001,
                ..base.clone()
            },
            "dropPerMille",
        ),
        (
            NetworkConfig {
                weights: Some(vec![1; 19]),
                ..base.clone()
            },
            "weights",
        ),
        (
            NetworkConfig {
                weights: Some({
                    let mut weights = vec![1; 20];
                    weights[3] = 0;
                    weights
                }),
                ..base.clone()
            },
            "weights",
        ),
        (
            NetworkConfig {
                genesis_data: "x".repeat(33),
                ..base.clone()
            },
            "genesisData",
        ),
        (
            NetworkConfig {
                query_timeout_ms: 0,
                ..base.clone()
            },
            "queryTimeoutMs",
        ),
    ];
    for (config, field) in cases {
        let error = Network::new(config.clone()).unwrap_err().to_string();
        assert!(error.contains(field), "{error:?} should name {field}");
        assert!(config.validate().is_err());
    }
    let weighted = NetworkConfig {
        weights: Some(vec![3; 20]),
        ..base
    };
    assert_eq!(weighted.validate(), Ok(()));
}

#[test]
fn one_block_reaches_finality_on_20_nodes() {
    let mut network = Network::new(config(20, 7)).unwrap();
    let block = propose_and_build(&mut network, 0, "hello");
    assert_eq!(
        network.run_until_decided(block, BUDGET),
        StepOutcome::Progress
    );
    assert_accepted_everywhere(&network, &block);
    let view = network.block(&block).unwrap();
    assert_eq!(view.accepted_by, 20);
    assert_eq!(view.known_by, 20);
    assert_eq!(view.builder, Some(0));
    assert_eq!(
        network.acceptance_history(&block).last(),
        Some(&(network.now(), 20))
    );
    let stats = network.stats();
    assert_eq!(
        stats.sent,
        stats.delivered + stats.dropped + stats.in_flight
    );
    assert!(stats.polls >= 20 * u64::from(Parameters::DEFAULT.beta));
    assert!(network.last_poll(None).is_some());
    assert!(network
        .decisions()
        .iter()
        .all(|d| d.block == block && d.accepted));
    assert_eq!(network.decisions().len(), 20);
}

#[test]
fn one_block_reaches_finality_on_100_nodes() {
    let mut network = Network::new(config(100, 3)).unwrap();
    let block = propose_and_build(&mut network, 42, "hundred");
    assert_eq!(
        network.run_until_decided(block, BUDGET),
        StepOutcome::Progress
    );
    assert_accepted_everywhere(&network, &block);
    assert_eq!(network.block(&block).unwrap().accepted_by, 100);
    // Quiet afterwards: nothing processing, so nobody polls forever.
    assert_eq!(network.run_until_quiet(BUDGET), StepOutcome::Quiet);
}

#[test]
fn messages_are_delivered_by_time_then_sequence() {
    let mut network = Network::new(NetworkConfig {
        latency_min_ms: 1,
        latency_max_ms: 300,
        ..config(20, 11)
    })
    .unwrap();
    let block = propose_and_build(&mut network, 0, "order");
    network.run_until_decided(block, BUDGET);
    let events = network.take_events();
    let mut due: BTreeMap<u64, Millis> = BTreeMap::new();
    let mut last = (0, 0);
    let mut delivered = 0;
    let mut self_messages = 0;
    for event in &events {
        match event {
            ChainEvent::MessageSent {
                seq,
                from,
                to,
                deliver_at,
                ..
            } => {
                due.insert(*seq, *deliver_at);
                if from == to {
                    self_messages += 1;
                }
            }
            ChainEvent::MessageDelivered { seq, kind, .. } if *kind != "QueryFailed" => {
                let key = (due[seq], *seq);
                assert!(key > last, "{key:?} delivered after {last:?}");
                last = key;
                delivered += 1;
            }
            _ => {}
        }
    }
    assert!(delivered > 100);
    assert!(self_messages > 0, "K = N samples the poller itself");
    assert!(network.take_events().is_empty(), "take_events drains");
}

/// Builds "a" on node 0, lets `rounds` rounds pass, then builds a conflicting "b" on node 1 and
/// runs until both are decided: one is accepted everywhere, the other nowhere.
fn fork(nodes: u32, seed: u64, rounds: u32, trace: bool) {
    let mut network = Network::new(NetworkConfig {
        trace,
        ..config(nodes, seed)
    })
    .unwrap();
    let a = propose_and_build(&mut network, 0, "a");
    for _ in 0..rounds {
        network.step_round(BUDGET);
    }
    network.propose(1, data("b")).unwrap();
    let b = network.build_conflicting(1).unwrap();
    assert_ne!(a, b);
    let (view_a, view_b) = (network.block(&a).unwrap(), network.block(&b).unwrap());
    assert_eq!(view_a.parent, view_b.parent, "siblings");
    assert_eq!(view_b.builder, Some(1));
    assert_eq!(network.run_until_decided(a, BUDGET), StepOutcome::Progress);
    assert_eq!(network.run_until_decided(b, BUDGET), StepOutcome::Progress);
    let accepted_a = network.status_on(0, &a) == Status::Accepted;
    let (winner, loser) = if accepted_a { (a, b) } else { (b, a) };
    assert_accepted_everywhere(&network, &winner);
    for node in 0..nodes {
        let status = network.status_on(node, &loser);
        assert!(
            matches!(status, Status::Rejected | Status::Unknown),
            "node {node}: {status:?}"
        );
    }
    assert_eq!(network.block(&loser).unwrap().accepted_by, 0);
    if trace {
        assert!(network.block(&loser).unwrap().rejected_by > 0);
        assert!(network
            .decisions()
            .iter()
            .any(|d| d.block == loser && !d.accepted));
    }
}

#[test]
fn two_conflicting_blocks_one_accepted_one_rejected_everywhere() {
    // The page's flow: the fork comes after "a" has had a round to spread.
    fork(20, 5, 1, true);
    // Both built at the same instant: with more nodes than K, sampling breaks the tie.
    fork(100, 2, 0, true);
    fork(50, 3, 0, false);
}

#[test]
fn an_even_fork_with_k_equal_to_n_never_resolves() {
    // With K = N every poll asks everyone, so an even split (no side reaching AlphaPreference)
    // repeats forever: Snowball needs sampling randomness (or a head start) to break a tie.
    let mut network = Network::new(config(20, 1)).unwrap();
    let a = propose_and_build(&mut network, 0, "a");
    network.propose(1, data("b")).unwrap();
    let b = network.build_conflicting(1).unwrap();
    assert_eq!(network.run_until_decided(a, 300_000), StepOutcome::Budget);
    let preferences = network.preferences();
    let for_a = preferences.iter().filter(|p| **p == a).count();
    let for_b = preferences.iter().filter(|p| **p == b).count();
    assert_eq!(for_a + for_b, 20);
    assert!(for_a < 15 && for_b < 15, "{for_a} / {for_b}");
}

fn scripted_run(seed: u64) -> (Id, Vec<ChainEvent>) {
    let mut network = Network::new(NetworkConfig {
        drop_per_mille: 50,
        ..config(30, seed)
    })
    .unwrap();
    let a = propose_and_build(&mut network, 0, "a");
    network.step_round(BUDGET);
    network.propose(1, data("b")).unwrap();
    network.build_conflicting(1).unwrap();
    network.step_round(BUDGET);
    network.crash(7).unwrap();
    assert_eq!(network.run_until_decided(a, BUDGET), StepOutcome::Progress);
    network.restart(7).unwrap();
    assert_eq!(network.run_until_quiet(BUDGET), StepOutcome::Quiet);
    (network.transcript_hash(), network.take_events())
}

#[test]
fn same_config_and_commands_give_the_same_transcript() {
    let (hash_1, events_1) = scripted_run(9);
    let (hash_2, events_2) = scripted_run(9);
    assert_eq!(hash_1, hash_2);
    assert_eq!(events_1, events_2);
    assert!(events_1.len() > 1000);
    let (hash_3, _) = scripted_run(10);
    assert_ne!(hash_1, hash_3, "another seed takes another course");
}

/// A run with everything that makes requests go unanswered: drops, silent Byzantine nodes, a
/// crash in the middle of polls, a partition.
fn troubled_run(eager: bool) -> (Id, NetworkStats, Millis, Vec<Id>) {
    let mut network = Network::new(NetworkConfig {
        drop_per_mille: 50,
        byzantine: 2,
        byzantine_behavior: Behavior::Silent,
        params: Parameters {
            alpha_preference: 13,
            alpha_confidence: 13,
            ..Parameters::DEFAULT
        },
        ..config(30, 47)
    })
    .unwrap();
    if eager {
        network.force_eager_timers();
    }
    let a = propose_and_build(&mut network, 0, "a");
    network.step_round(BUDGET);
    network.crash(4).unwrap();
    network.step_round(BUDGET);
    network.partition(Some(24)).unwrap();
    network.run(5_000);
    network.partition(None).unwrap();
    assert_eq!(network.run_until_decided(a, BUDGET), StepOutcome::Progress);
    network.restart(4).unwrap();
    let b = propose_and_build(&mut network, 2, "b");
    assert_eq!(network.run_until_decided(b, BUDGET), StepOutcome::Progress);
    assert_eq!(network.run_until_quiet(BUDGET), StepOutcome::Quiet);
    (
        network.transcript_hash(),
        network.stats(),
        network.now(),
        network.preferences(),
    )
}

#[test]
fn lazy_timers_behave_exactly_like_a_timer_per_request() {
    let lazy = troubled_run(false);
    let eager = troubled_run(true);
    assert_eq!(lazy, eager);
    assert!(lazy.1.dropped > 0);
}

#[test]
fn drops_and_latency_still_decide() {
    let mut network = Network::new(NetworkConfig {
        latency_min_ms: 5,
        latency_max_ms: 500,
        drop_per_mille: 100,
        query_timeout_ms: 1200,
        ..config(40, 21)
    })
    .unwrap();
    let block = propose_and_build(&mut network, 3, "lossy");
    assert_eq!(
        network.run_until_decided(block, BUDGET),
        StepOutcome::Progress
    );
    assert_accepted_everywhere(&network, &block);
    let stats = network.stats();
    assert!(stats.dropped > 0);
    assert!(stats.dropped * 1000 / stats.sent < 200, "about 10% dropped");
    assert_eq!(
        stats.sent,
        stats.delivered + stats.dropped + stats.in_flight
    );
    let dropped = network
        .take_events()
        .iter()
        .filter(|event| {
            matches!(
                event,
                ChainEvent::MessageDropped {
                    reason: DropReason::Random,
                    ..
                }
            )
        })
        .count() as u64;
    assert_eq!(dropped, stats.dropped);
}

#[test]
fn a_partition_stalls_then_heals() {
    let mut network = Network::new(config(20, 13)).unwrap();
    network.partition(Some(10)).unwrap();
    assert_eq!(network.node(12).unwrap().side, 1);
    let block = propose_and_build(&mut network, 0, "split");
    // Half the sample is unreachable: no poll reaches AlphaPreference = 15.
    assert_eq!(
        network.run_until_decided(block, 200_000),
        StepOutcome::Budget
    );
    assert_eq!(network.block(&block).unwrap().accepted_by, 0);
    assert!(network.take_events().iter().any(|event| matches!(
        event,
        ChainEvent::MessageDropped {
            reason: DropReason::Partition,
            ..
        }
    )));
    network.partition(None).unwrap();
    assert_eq!(
        network.run_until_decided(block, BUDGET),
        StepOutcome::Progress
    );
    assert_accepted_everywhere(&network, &block);
}

#[test]
fn a_crashed_node_catches_up_after_restart() {
    let mut network = Network::new(config(20, 17)).unwrap();
    network.crash(5).unwrap();
    let first = propose_and_build(&mut network, 0, "while down");
    assert_eq!(
        network.run_until_decided(first, BUDGET),
        StepOutcome::Progress
    );
    assert_eq!(network.status_on(5, &first), Status::Unknown);
    assert_eq!(network.block(&first).unwrap().accepted_by, 19);
    assert!(network.node(5).unwrap().crashed);
    network.restart(5).unwrap();
    assert!(!network.node(5).unwrap().crashed);
    let second = propose_and_build(&mut network, 0, "after restart");
    assert_eq!(
        network.run_until_decided(second, BUDGET),
        StepOutcome::Progress
    );
    assert_accepted_everywhere(&network, &second);
    assert_eq!(network.status_on(5, &first), Status::Accepted);
}

#[test]
fn a_restart_keeps_the_accepted_chain() {
    let mut network = Network::new(config(20, 19)).unwrap();
    let block = propose_and_build(&mut network, 0, "kept");
    network.run_until_decided(block, BUDGET);
    network.crash(4).unwrap();
    network.restart(4).unwrap();
    let view = network.node(4).unwrap();
    assert_eq!(view.last_accepted, block);
    assert_eq!(view.last_accepted_height, 1);
    assert_eq!(view.processing, 0);
    assert_eq!(network.block(&block).unwrap().known_by, 20);
}

/// Crashes and at once restarts node 0 while its queries and their answers are in flight, in
/// both timer modes: whatever was sent to its earlier life is lost, and so is every answer to a
/// query its earlier life sent, even one sent after the restart; everything else arrives.
fn restart_with_messages_in_flight(eager: bool) -> (Id, NetworkStats) {
    let mut network = Network::new(NetworkConfig {
        trace: true,
        ..config(24, 23)
    })
    .unwrap();
    if eager {
        network.force_eager_timers();
    }
    let block = propose_and_build(&mut network, 0, "in flight");
    // Until node 0's queries are out and some of them have been answered.
    while !network.take_events().iter().any(|event| {
        matches!(event, ChainEvent::MessageSent { from, to: 0, kind: "Chits", .. } if *from != 0)
    }) {
        assert_eq!(network.step_message(), StepOutcome::Progress);
    }
    network.run(20);
    network.crash(0).unwrap();
    network.restart(0).unwrap();
    // Everything numbered so far belongs to the earlier life.
    let restart_seq = network.seq;
    let before = network.in_flight(usize::MAX);
    assert!(before.iter().any(|m| m.to == 0 && m.kind == "Chits"));
    assert!(before.iter().any(|m| m.from == 0 && m.kind == "PullQuery"));
    network.run_until_decided(block, BUDGET);
    network.run_until_quiet(BUDGET);
    let events = network.take_events();
    // Sent to the earlier life: lost.
    for message in before.iter().filter(|m| m.to == 0) {
        assert!(events.iter().any(|event| matches!(
            event,
            ChainEvent::MessageDropped { seq, reason: DropReason::Crashed, .. } if *seq == message.seq
        )));
    }
    // Answers to node 0 sent since: each answers the query delivered in the same step (or, sent
    // later, none), and is lost exactly when that query came from the earlier life.
    let mut fates = BTreeMap::new();
    let mut answering = None;
    let mut old_answers_sent_after = 0;
    for event in events {
        match event {
            ChainEvent::MessageDelivered {
                seq,
                from,
                to,
                kind,
            } => {
                if to == 0 && seq >= restart_seq {
                    assert_eq!(fates.remove(&seq), Some(true), "message {seq}");
                }
                answering = (from == 0 && kind.ends_with("Query")).then_some(seq);
            }
            ChainEvent::MessageSent {
                seq, to: 0, kind, ..
            } if seq >= restart_seq => {
                let current = kind != "Chits" || answering.is_none_or(|query| query >= restart_seq);
                if !current {
                    old_answers_sent_after += 1;
                }
                fates.insert(seq, current);
            }
            ChainEvent::MessageDropped {
                seq, to: 0, reason, ..
            } if seq >= restart_seq => {
                assert_eq!(reason, DropReason::Crashed);
                assert_eq!(fates.remove(&seq), Some(false), "message {seq}");
            }
            _ => {}
        }
    }
    assert!(fates.is_empty());
    assert!(
        old_answers_sent_after > 0,
        "the run answers queries of the earlier life"
    );
    assert_accepted_everywhere(&network, &block);
    (network.transcript_hash(), network.stats())
}

#[test]
fn a_restart_loses_what_was_sent_to_and_asked_by_the_earlier_life() {
    let lazy = restart_with_messages_in_flight(false);
    let eager = restart_with_messages_in_flight(true);
    assert_eq!(lazy, eager);
}

#[test]
fn refused_commands_leave_the_network_unchanged() {
    let mut network = Network::new(NetworkConfig {
        drop_per_mille: 30,
        ..config(20, 23)
    })
    .unwrap();
    let block = propose_and_build(&mut network, 0, "a");
    network.propose(2, data("pending")).unwrap();
    network.step_round(BUDGET);
    network.crash(3).unwrap();
    let before = snapshot(&network);
    let refusals: Vec<(&str, Result<(), ChainError>)> = vec![
        (
            "propose: no such node",
            network.propose(20, data("x")).map(drop),
        ),
        ("propose: crashed", network.propose(3, data("x")).map(drop)),
        (
            "propose: duplicate",
            network.propose(2, data("pending")).map(drop),
        ),
        ("build: no such node", network.build(99).map(drop)),
        ("build: crashed", network.build(3).map(drop)),
        ("build: empty mempool", network.build(5).map(drop)),
        ("conflict: crashed", network.build_conflicting(3).map(drop)),
        (
            "conflict: empty mempool",
            network.build_conflicting(5).map(drop),
        ),
        (
            "gossip: unknown block",
            network.gossip(Id::digest(b"nope"), &[1]),
        ),
        ("gossip: no such node", network.gossip(block, &[1, 20])),
        ("gossip: crashed", network.gossip(block, &[1, 3])),
        ("crash: no such node", network.crash(20)),
        ("crash: crashed", network.crash(3)),
        ("restart: live", network.restart(4)),
        ("restart: no such node", network.restart(20)),
        ("partition: empty side", network.partition(Some(0))),
        ("partition: beyond", network.partition(Some(20))),
    ];
    for (what, result) in refusals {
        assert!(result.is_err(), "{what} should be refused");
        assert_eq!(snapshot(&network), before, "{what} changed the network");
    }
    assert_eq!(network.take_events().last(), Some(&ChainEvent::Crashed(3)));
}

#[test]
fn build_on_makes_a_child_of_the_given_block() {
    let mut network = Network::new(config(20, 41)).unwrap();
    let a = propose_and_build(&mut network, 0, "a");
    network.propose(0, data("child")).unwrap();
    let child = network.build_on(0, a).unwrap();
    assert_eq!(network.block(&child).unwrap().parent, a);
    assert_eq!(network.block(&child).unwrap().height, 2);
    network.propose(0, data("orphan")).unwrap();
    let before = snapshot(&network);
    assert!(network.build_on(0, Id::digest(b"unknown")).is_err());
    assert_eq!(snapshot(&network), before);
    assert_eq!(
        network.run_until_decided(child, BUDGET),
        StepOutcome::Progress
    );
    assert_accepted_everywhere(&network, &child);
    assert_eq!(network.status_on(7, &a), Status::Accepted);
}

#[test]
fn build_conflicting_needs_a_processing_block() {
    let mut network = Network::new(config(20, 29)).unwrap();
    network.propose(1, data("b")).unwrap();
    let error = network.build_conflicting(1).unwrap_err();
    assert!(matches!(error, ChainError::Precondition(_)), "{error}");
}

#[test]
fn stepping_granularities() {
    let mut network = Network::new(config(20, 31)).unwrap();
    assert_eq!(network.step_message(), StepOutcome::Quiet);
    assert_eq!(network.run(10), StepOutcome::Quiet);
    let block = propose_and_build(&mut network, 0, "steps");
    assert_eq!(network.step_message(), StepOutcome::Progress);
    assert_eq!(network.stats().delivered, 1);
    assert_eq!(network.step_poll(Some(0), BUDGET), StepOutcome::Progress);
    assert_eq!(network.last_poll(None).unwrap().node, 0);
    assert_eq!(network.last_poll(Some(0)).unwrap().node, 0);
    let polls = network.stats().polls;
    assert_eq!(network.step_round(BUDGET), StepOutcome::Progress);
    assert!(network.stats().polls > polls);
    assert_eq!(network.step_poll(None, 1), StepOutcome::Budget);
    assert_eq!(network.run(5), StepOutcome::Progress);
    assert_eq!(network.run_until_decided(block, 3), StepOutcome::Budget);
    assert_eq!(
        network.run_until_decided(block, BUDGET),
        StepOutcome::Progress
    );
    assert!(network.decided_everywhere(&block));
    assert!(!network.node(0).unwrap().confidence_history.is_empty());
}

#[test]
fn an_event_limit_keeps_the_newest_events_and_the_same_hash() {
    let run = |limit: Option<usize>| {
        let mut network = Network::new(config(20, 43)).unwrap();
        network.set_event_limit(limit);
        let block = propose_and_build(&mut network, 0, "limited");
        network.run_until_decided(block, BUDGET);
        let events = network.take_events();
        (
            network.transcript_hash(),
            events,
            network.events_discarded(),
        )
    };
    let (hash_all, all, none_discarded) = run(None);
    let (hash_limited, newest, discarded) = run(Some(100));
    assert_eq!(none_discarded, 0);
    assert_eq!(hash_all, hash_limited);
    assert_eq!(newest.len(), 100);
    assert_eq!(discarded as usize + newest.len(), all.len());
    assert_eq!(newest[..], all[all.len() - 100..]);
}

#[test]
fn trace_off_builds_no_events_and_still_decides() {
    let mut network = Network::new(NetworkConfig {
        trace: false,
        ..config(50, 37)
    })
    .unwrap();
    let block = propose_and_build(&mut network, 0, "fast");
    assert_eq!(
        network.run_until_decided(block, BUDGET),
        StepOutcome::Progress
    );
    assert!(network.take_events().is_empty());
    assert_eq!(network.transcript_hash(), Id::EMPTY);
    assert_accepted_everywhere(&network, &block);
    assert!(
        network.last_poll(None).is_none(),
        "no poll records without events"
    );
    assert!(network.stats().polls > 0);
    assert_eq!(network.block(&block).unwrap().accepted_by, 50);
    assert_eq!(network.decisions().len(), 50);
}

#[test]
#[ignore = "timing measurement"]
fn timing_one_block_to_finality() {
    // SNOWRV_TIMING_NODES=1000,2000 picks the sizes.
    let sizes: Vec<u32> = std::env::var("SNOWRV_TIMING_NODES")
        .ok()
        .map(|text| {
            text.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![100, 1_000, 2_000, 10_000]);
    for nodes in sizes {
        let start = std::time::Instant::now();
        let mut network = Network::new(NetworkConfig {
            trace: false,
            ..config(nodes, 1)
        })
        .unwrap();
        let setup = start.elapsed();
        let start = std::time::Instant::now();
        let block = propose_and_build(&mut network, 0, "timing");
        let outcome = network.run_until_decided(block, u64::MAX);
        let elapsed = start.elapsed();
        let stats = network.stats();
        std::println!(
            "{nodes} nodes: {outcome:?} in {:.1} ms (setup {:.1} ms), {} messages sent, {} polls, \
             virtual {} ms",
            elapsed.as_secs_f64() * 1000.0,
            setup.as_secs_f64() * 1000.0,
            stats.sent,
            stats.polls,
            network.now()
        );
        assert_eq!(outcome, StepOutcome::Progress);
        assert_eq!(network.block(&block).unwrap().accepted_by, nodes);
    }
}

#[test]
fn views_of_2000_nodes_are_cheap() {
    let mut network = Network::new(NetworkConfig {
        trace: false,
        ..config(2_000, 53)
    })
    .unwrap();
    let mut last = network.genesis();
    for index in 0..50u32 {
        let text = alloc::format!("block {index}");
        network.propose(0, data(&text)).unwrap();
        last = network.build_on(0, last).unwrap();
    }
    let blocks = network.blocks();
    assert_eq!(blocks.len(), 51);
    assert!(blocks
        .windows(2)
        .all(|w| (w[0].height, w[0].id) < (w[1].height, w[1].id)));
    assert_eq!(network.preferences().len(), 2_000);
    let start = std::time::Instant::now();
    for _ in 0..10 {
        core::hint::black_box(network.blocks());
        core::hint::black_box(network.preferences());
    }
    let per_frame = start.elapsed() / 10;
    // Generous for debug builds on a loaded machine; release takes microseconds.
    assert!(per_frame.as_millis() < 20, "{per_frame:?} per frame");
}
