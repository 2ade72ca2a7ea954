//! Properties of the simulated Snowman network over many seeds and configurations (proptest):
//!
//! - **Safety**: with at most 20% Byzantine nodes (any behaviour) and any latency range and drop
//!   rate, no two honest nodes accept different blocks at one height, and no honest node accepts
//!   a block whose parent it has not accepted (checked on the decision log and on each VM's
//!   accepted chain).
//! - **Liveness without faults**: with no drops and no Byzantine nodes, the network goes quiet and
//!   every block that was built is decided on every node (accepted, rejected, or below its last
//!   accepted height, avalanchego's `Decided`).
//! - **Determinism**: the same config and commands twice give the same transcript hash.
//!
//! The networks are small (10-30 nodes, K below the node count so samples are random) to keep the
//! whole file within about a minute in a debug build; `PROPTEST_CASES` raises the case count of
//! every property for a longer search.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use snowrv_core::chain::engine::{Behavior, NodeIndex};
use snowrv_core::chain::network::{Network, NetworkConfig, StepOutcome};
use snowrv_core::chain::params::Parameters;
use snowrv_core::chain::scenario::{NetworkScenario, Scenario, ScenarioBody, Step};
use snowrv_core::chain::timestampvm::Data;
use snowrv_core::chain::vm::{ChainVm, Status};
use snowrv_core::chain::Id;

/// One block of a plan: which honest node builds it, whether it forks, and how many messages are
/// delivered before the next one.
#[derive(Clone, Debug)]
struct PlannedBlock {
    node: u32,
    conflicting: bool,
    messages: u32,
}

/// Parameters that fit `nodes`: K a little over half the nodes (at most 20), the alphas at 3/4 of K
/// as today's defaults (15 of 20), and a Beta small enough to keep debug runs short.
fn params_for(nodes: u32, beta: u32) -> Parameters {
    let k = (nodes * 2 / 3).clamp(2, 20);
    let alpha = (k * 3).div_ceil(4).max(k / 2 + 1);
    Parameters {
        k,
        alpha_preference: alpha,
        alpha_confidence: alpha,
        beta,
        beta_rogue: beta,
        concurrent_repolls: 4.min(beta),
        optimal_processing: 10,
    }
}

fn behavior() -> impl Strategy<Value = Behavior> {
    prop_oneof![
        Just(Behavior::FixedVote),
        Just(Behavior::Silent),
        Just(Behavior::Equivocating)
    ]
}

fn planned_blocks(max: usize) -> impl Strategy<Value = Vec<PlannedBlock>> {
    prop::collection::vec(
        (any::<u32>(), any::<bool>(), 0u32..400).prop_map(|(node, conflicting, messages)| {
            PlannedBlock {
                node,
                conflicting,
                messages,
            }
        }),
        1..=max,
    )
}

/// A faulty network: up to 20% Byzantine, any latency range, drops up to 30%.
fn faulty_config() -> impl Strategy<Value = NetworkConfig> {
    (
        10u32..=30,
        any::<u64>(),
        0u32..=100,
        0u32..=200,
        0u32..=300,
        behavior(),
        0u32..=100,
        5u32..=12,
    )
        .prop_map(
            |(nodes, seed, lat_min, lat_spread, drop, behavior, byz_share, beta)| NetworkConfig {
                nodes,
                params: params_for(nodes, beta),
                seed,
                latency_min_ms: lat_min,
                latency_max_ms: lat_min + lat_spread,
                drop_per_mille: drop,
                // 0..=20% of the nodes, rounded down.
                byzantine: nodes * byz_share / 500,
                byzantine_behavior: behavior,
                ..NetworkConfig::default()
            },
        )
}

/// A network without faults: no drops, no Byzantine nodes.
fn healthy_config() -> impl Strategy<Value = NetworkConfig> {
    (10u32..=30, any::<u64>(), 0u32..=50, 0u32..=100, 5u32..=12).prop_map(
        |(nodes, seed, lat_min, lat_spread, beta)| NetworkConfig {
            nodes,
            params: params_for(nodes, beta),
            seed,
            latency_min_ms: lat_min,
            latency_max_ms: lat_min + lat_spread,
            ..NetworkConfig::default()
        },
    )
}

/// Builds the planned blocks on honest nodes, delivering messages in between; returns the built
/// blocks.
fn drive(network: &mut Network, plan: &[PlannedBlock]) -> Vec<Id> {
    let honest = network.node_count() - network.config().byzantine;
    let mut built = Vec::new();
    for (i, block) in plan.iter().enumerate() {
        let node = block.node % honest;
        let data = Data::from_text_or_hex(&format!("block {i}")).unwrap();
        network.propose(node, data).unwrap();
        let processing = network.engine(node).unwrap().consensus().num_processing();
        let id = if block.conflicting && processing > 0 {
            network.build_conflicting(node)
        } else {
            network.build(node)
        }
        .unwrap_or_else(|e| panic!("block {i} on node {node}: {e}"));
        built.push(id);
        network.run(u64::from(block.messages));
    }
    built
}

/// Safety on the decision log and on every honest VM; the error says what broke.
fn check_safety(network: &Network) -> Result<(), String> {
    let parents: BTreeMap<Id, Id> = network.blocks().iter().map(|b| (b.id, b.parent)).collect();
    let genesis = network.genesis();
    let mut at_height: BTreeMap<u64, (Id, NodeIndex)> = BTreeMap::new();
    let mut accepted: BTreeMap<NodeIndex, BTreeSet<Id>> = BTreeMap::new();
    for record in network.decisions() {
        if !record.accepted || !network.is_honest(record.node) {
            continue;
        }
        if let Some((other, node)) = at_height.get(&record.height) {
            if *other != record.block {
                return Err(format!(
                    "height {}: node {node} accepted {other}, node {} accepted {}",
                    record.height, record.node, record.block
                ));
            }
        } else {
            at_height.insert(record.height, (record.block, record.node));
        }
        let mine = accepted.entry(record.node).or_default();
        let parent = parents.get(&record.block).copied();
        let parent_ok = parent.is_some_and(|p| p == genesis || mine.contains(&p));
        if !parent_ok {
            return Err(format!(
                "node {} accepted {} (height {}) before its parent {parent:?}",
                record.node, record.block, record.height
            ));
        }
        mine.insert(record.block);
    }
    // Each honest VM's accepted chain links parent to child from genesis up.
    for node in 0..network.node_count() {
        if !network.is_honest(node) {
            continue;
        }
        let vm = network.engine(node).unwrap().vm();
        let tip = vm.last_accepted();
        let tip_height = vm.get_block(&tip).map_err(|e| e.to_string())?.height;
        let mut expected_parent = Id::EMPTY;
        for height in 0..=tip_height {
            let id = vm
                .get_block_id_at_height(height)
                .map_err(|e| format!("node {node}: {e}"))?;
            let header = vm.get_block(&id).map_err(|e| e.to_string())?;
            if header.parent != expected_parent || header.status != Status::Accepted {
                return Err(format!(
                    "node {node}: accepted chain broken at height {height} ({id}: parent {}, \
                     status {:?})",
                    header.parent, header.status
                ));
            }
            if let Some((agreed, _)) = at_height.get(&height) {
                if *agreed != id && height > 0 {
                    return Err(format!(
                        "node {node}: its VM has {id} at height {height}, others accepted {agreed}"
                    ));
                }
            }
            expected_parent = id;
        }
    }
    Ok(())
}

/// Is `id` decided on `node`: accepted, rejected, or at or below its last accepted height?
fn decided_on(network: &Network, node: NodeIndex, id: &Id, height: u64) -> bool {
    match network.status_on(node, id) {
        Status::Accepted | Status::Rejected => true,
        Status::Processing => false,
        Status::Unknown => network
            .engine(node)
            .is_some_and(|e| e.consensus().last_accepted().1 >= height),
    }
}

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        // A shrunk counterexample is worth a few more runs; unbounded shrinking is not.
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(24))]

    /// Safety under faults, checked after a bounded run (with drops and Byzantine nodes some
    /// blocks may still be processing; nothing accepted may conflict).
    #[test]
    fn safety_no_conflicting_accepts(config in faulty_config(), plan in planned_blocks(4)) {
        let mut network = Network::new(config.clone()).unwrap();
        drive(&mut network, &plan);
        network.run(40_000);
        if let Err(broken) = check_safety(&network) {
            prop_assert!(false, "safety broken with {config:?}, plan {plan:?}: {broken}");
        }
    }
}

proptest! {
    #![proptest_config(cases(16))]

    /// Liveness without faults: the network goes quiet and every built block is decided on every
    /// node.
    #[test]
    fn liveness_without_faults(config in healthy_config(), plan in planned_blocks(4)) {
        let mut network = Network::new(config.clone()).unwrap();
        let built = drive(&mut network, &plan);
        let outcome = network.run_until_quiet(2_000_000);
        prop_assert_eq!(outcome, StepOutcome::Quiet, "not quiet: {:?} {:?}", config, plan);
        let heights: BTreeMap<Id, u64> =
            network.blocks().iter().map(|b| (b.id, b.height)).collect();
        for id in &built {
            let height = heights[id];
            for node in 0..network.node_count() {
                prop_assert!(
                    decided_on(&network, node, id, height),
                    "block {} (height {}) is {:?} on node {} after the network went quiet; \
                     config {:?}, plan {:?}",
                    id, height, network.status_on(node, id), node, config, plan
                );
            }
        }
        prop_assert!(check_safety(&network).is_ok());
    }
}

proptest! {
    #![proptest_config(cases(8))]

    /// Determinism: the same config and steps (a scenario with a random block tree) twice give the
    /// same transcript hash, and the hash is a real digest of events.
    #[test]
    fn same_config_and_steps_same_transcript(
        config in faulty_config(),
        count in 1u32..=4,
        step_seed in any::<u64>(),
    ) {
        let scenario = Scenario {
            name: String::from("determinism property"),
            description: String::new(),
            body: ScenarioBody::Network(NetworkScenario {
                config: config.clone(),
                steps: vec![
                    Step::RandomBlocks { count, seed: step_seed },
                    Step::Run(5_000),
                ],
                expect: Vec::new(),
            }),
        };
        let a = scenario.setup_network().unwrap();
        let b = scenario.setup_network().unwrap();
        prop_assert_ne!(a.transcript_hash(), Id::EMPTY);
        prop_assert_eq!(a.transcript_hash(), b.transcript_hash(), "{:?}", config);
        prop_assert_eq!(a.stats(), b.stats());
        prop_assert_eq!(a.now(), b.now());
    }
}

/// A fixed-seed check that the determinism property can fail: two different seeds give different
/// transcripts (otherwise equal hashes would prove nothing).
#[test]
fn different_seeds_give_different_transcripts() {
    let run = |seed| {
        let mut network = Network::new(NetworkConfig {
            nodes: 12,
            seed,
            params: params_for(12, 6),
            ..NetworkConfig::default()
        })
        .unwrap();
        drive(
            &mut network,
            &[PlannedBlock {
                node: 0,
                conflicting: false,
                messages: 0,
            }],
        );
        network.run_until_quiet(1_000_000);
        network.transcript_hash()
    };
    assert_ne!(run(1), run(2));
    assert_eq!(run(3), run(3));
}
