//! Unit tests for Topological consensus. Each names the avalanchego
//! `snow/consensus/snowman/consensus_test.go` test it mirrors, where there is one.

use super::*;
use alloc::vec;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

const GENESIS: Id = Id([0xAA; 32]);

fn genesis() -> BlockMeta {
    BlockMeta {
        id: GENESIS,
        parent: Id::EMPTY,
        height: 0,
    }
}

/// A block with an ID whose first byte is `first` (the rest zero), so tests control the bits.
fn block_with(parent: &BlockMeta, first: u8) -> BlockMeta {
    let mut id = [0u8; 32];
    id[0] = first;
    BlockMeta {
        id: Id(id),
        parent: parent.id,
        height: parent.height + 1,
    }
}

/// A block with a hash-like ID.
fn block(parent: &BlockMeta, name: &str) -> BlockMeta {
    BlockMeta {
        id: Id::digest(name.as_bytes()),
        parent: parent.id,
        height: parent.height + 1,
    }
}

fn params(k: u32, alpha: u32, beta: u32, beta_rogue: u32) -> Parameters {
    Parameters {
        k,
        alpha_preference: alpha,
        alpha_confidence: alpha,
        beta,
        beta_rogue,
        concurrent_repolls: 1,
        optimal_processing: 1,
    }
}

fn bag(votes: &[(Id, u64)]) -> Bag {
    let mut bag = Bag::new();
    for (id, count) in votes {
        bag.add(*id, *count);
    }
    bag
}

fn accept(block: BlockMeta) -> Decision {
    Decision {
        block,
        accepted: true,
    }
}

fn reject(block: BlockMeta) -> Decision {
    Decision {
        block,
        accepted: false,
    }
}

// InitializeTest
#[test]
fn starts_at_the_last_accepted_block() {
    let sm = Topological::new(Parameters::DEFAULT, GENESIS, 7);
    assert_eq!(sm.preference(), GENESIS);
    assert_eq!(sm.last_accepted(), (GENESIS, 7));
    assert_eq!(sm.num_processing(), 0);
    assert_eq!(sm.preference_at_height(7), Some(GENESIS));
    assert_eq!(sm.preference_at_height(8), None);
    assert!(sm.decided(7) && !sm.decided(8));
    assert!(sm.trees().is_empty());
}

// AddToTailTest, AddToNonTailTest, AddOnUnknownParentTest, ErrorOnAddDuplicateBlockID
#[test]
fn add_extends_the_preference_only_at_its_tail() {
    let g = genesis();
    let mut sm = Topological::new(Parameters::DEFAULT, g.id, 0);
    let a = block(&g, "a");
    let b = block(&g, "b");
    sm.add(a).unwrap();
    assert_eq!(sm.preference(), a.id);
    sm.add(b).unwrap();
    assert_eq!(
        sm.preference(),
        a.id,
        "a sibling of the preference does not take over"
    );
    assert!(sm.is_preferred(&a.id) && !sm.is_preferred(&b.id));
    let a1 = block(&a, "a1");
    sm.add(a1).unwrap();
    assert_eq!(sm.preference(), a1.id);
    assert_eq!(sm.preference_at_height(1), Some(a.id));
    assert_eq!(sm.preference_at_height(2), Some(a1.id));
    assert_eq!(sm.num_processing(), 3);
    assert_eq!(sm.block(&a1.id), Some(a1));
    assert_eq!(sm.block(&g.id), None);
    assert!(sm.processing(&b.id) && !sm.processing(&g.id));
    assert_eq!(sm.processing_blocks().count(), 3);

    assert_eq!(sm.add(a), Err(ConsensusError::Duplicate(a.id)));
    let orphan = block(&block(&g, "missing"), "orphan");
    assert_eq!(
        sm.add(orphan),
        Err(ConsensusError::UnknownParent {
            id: orphan.id,
            parent: orphan.parent
        })
    );
    let bad = BlockMeta {
        height: 5,
        ..block(&a, "bad")
    };
    assert_eq!(
        sm.add(bad),
        Err(ConsensusError::BadHeight {
            id: bad.id,
            height: 5,
            parent_height: 1
        })
    );
    assert_eq!(sm.num_processing(), 3);
}

// RecordPollAcceptSingleBlockTest: two successful polls accept with Beta 2.
#[test]
fn two_successful_polls_accept_with_beta_2() {
    let g = genesis();
    let mut sm = Topological::new(params(1, 1, 2, 2), g.id, 0);
    let a = block(&g, "a");
    sm.add(a).unwrap();
    let votes = bag(&[(a.id, 1)]);
    let first = sm.record_poll(&votes);
    assert!(first.successful);
    assert!(first.decisions.is_empty());
    assert_eq!(first.confidence, 1);
    assert_eq!(sm.preference(), a.id);
    assert!(sm.processing(&a.id));
    let second = sm.record_poll(&votes);
    assert_eq!(second.decisions, vec![accept(a)]);
    assert_eq!(second.confidence, 2);
    assert_eq!(second.preference_before, a.id);
    assert_eq!(second.preference_after, a.id);
    assert_eq!(sm.last_accepted(), (a.id, 1));
    assert_eq!(sm.num_processing(), 0);
    assert_eq!(sm.preference(), a.id);
    assert_eq!(sm.preference_at_height(1), Some(a.id));
    assert!(!sm.is_preferred(&a.id), "decided blocks are not processing");
}

// RecordPollAcceptAndRejectTest: accept one, reject its sibling. BetaRogue 2 > Beta 1: the
// choice between two siblings is rogue (the 2020 rule), so one poll is not enough.
#[test]
fn accepting_one_child_rejects_its_sibling() {
    let g = genesis();
    let mut sm = Topological::new(params(1, 1, 1, 2), g.id, 0);
    let first = block_with(&g, 0x01);
    let second = block_with(&g, 0x02);
    sm.add(first).unwrap();
    sm.add(second).unwrap();
    let votes = bag(&[(second.id, 1)]);
    let poll = sm.record_poll(&votes);
    assert!(
        poll.decisions.is_empty(),
        "a rogue choice needs beta_rogue polls"
    );
    assert_eq!(poll.preference_before, first.id);
    assert_eq!(poll.preference_after, second.id);
    assert_eq!(sm.preference(), second.id);
    let poll = sm.record_poll(&votes);
    assert_eq!(poll.decisions, vec![accept(second), reject(first)]);
    assert_eq!(sm.last_accepted(), (second.id, 1));
    assert_eq!(sm.num_processing(), 0);
}

// The same with today's single Beta: beta_rogue == beta, so one poll decides with Beta 1.
#[test]
fn single_beta_decides_conflicts_as_fast_as_virtuous_blocks() {
    let g = genesis();
    let mut sm = Topological::new(params(1, 1, 1, 1), g.id, 0);
    let first = block_with(&g, 0x01);
    let second = block_with(&g, 0x02);
    sm.add(first).unwrap();
    sm.add(second).unwrap();
    let poll = sm.record_poll(&bag(&[(second.id, 1)]));
    assert_eq!(poll.decisions, vec![accept(second), reject(first)]);
}

// RecordPollRejectTransitivelyTest: rejection reaches descendants, parents first.
#[test]
fn rejection_reaches_descendants() {
    let g = genesis();
    let mut sm = Topological::new(params(1, 1, 1, 1), g.id, 0);
    let b0 = block(&g, "0");
    let b1 = block(&g, "1");
    let b2 = block(&b1, "2");
    let b3 = block(&b2, "3");
    for b in [b0, b1, b2, b3] {
        sm.add(b).unwrap();
    }
    let poll = sm.record_poll(&bag(&[(b0.id, 1)]));
    assert_eq!(
        poll.decisions,
        vec![accept(b0), reject(b1), reject(b2), reject(b3)]
    );
    assert_eq!(sm.num_processing(), 0);
    assert_eq!(sm.preference(), b0.id);
    for b in [b1, b2, b3] {
        assert!(!sm.processing(&b.id));
    }
}

// RecordPollTransitivelyResetConfidenceTest: a poll without a quorum makes every tree falter,
// including the trees below the last accepted block.
#[test]
fn confidence_resets_transitively() {
    let run = |falter: bool| {
        let g = genesis();
        let mut sm = Topological::new(params(2, 2, 1, 2), g.id, 0);
        let b0 = block_with(&g, 0x00);
        let b1 = block_with(&g, 0x01);
        let b2 = block_with(&b1, 0x02);
        let b3 = block_with(&b1, 0x03);
        for b in [b0, b1, b2, b3] {
            sm.add(b).unwrap();
        }
        let poll = sm.record_poll(&bag(&[(b2.id, 2)]));
        assert!(poll.decisions.is_empty());
        assert_eq!(sm.preference(), b2.id);
        if falter {
            let poll = sm.record_poll(&bag(&[(b2.id, 1)]));
            assert!(!poll.successful);
            assert_eq!(poll.confidence, 0);
            assert_eq!(sm.confidence(), 0);
        }
        let poll = sm.record_poll(&bag(&[(b3.id, 2)]));
        (sm, poll, [b0, b1, b2, b3])
    };
    // Without the failed poll, b1's second vote in a row accepts it.
    let (_, poll, [b0, b1, ..]) = run(false);
    assert_eq!(poll.decisions.first(), Some(&accept(b1)));
    assert!(poll.decisions.contains(&reject(b0)));
    // With it, b1's streak restarted: nothing is decided yet.
    let (mut sm, poll, [b0, b1, b2, b3]) = run(true);
    assert!(poll.decisions.is_empty());
    // b2 and b3 now have one successful poll each: a tie does not move the preference.
    assert_eq!(sm.preference(), b2.id);
    let poll = sm.record_poll(&bag(&[(b3.id, 2)]));
    assert_eq!(
        poll.decisions,
        vec![accept(b1), reject(b0), accept(b3), reject(b2)]
    );
    assert_eq!(sm.last_accepted(), (b3.id, 2));
    assert_eq!(sm.num_processing(), 0);
}

// RecordPollSplitVoteNoChangeTest: two siblings share bit 0 (0x06 = ..0110, 0x08 = ..1000,
// read least-significant bit first); a poll split between them is successful for the unary
// node over the shared bit, not for the binary node deciding bit 1.
#[test]
fn split_votes_on_a_shared_prefix() {
    let g = genesis();
    let mut sm = Topological::new(params(2, 2, 2, 2), g.id, 0);
    let first = block_with(&g, 0x06);
    let second = block_with(&g, 0x08);
    sm.add(first).unwrap();
    sm.add(second).unwrap();
    let trees = sm.trees();
    let kinds: Vec<_> = trees[0]
        .nodes
        .iter()
        .map(|n| (n.kind, n.bit_start, n.bit_end))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("unary", 0, 1),
            ("binary", 1, 2),
            ("unary", 2, 256),
            ("unary", 2, 256)
        ]
    );
    let split = bag(&[(first.id, 1), (second.id, 1)]);
    let poll = sm.record_poll(&split);
    assert!(poll.successful, "the shared prefix had a quorum");
    assert!(poll.decisions.is_empty());
    assert_eq!(sm.preference(), first.id);
    let nodes = &sm.trees()[0].nodes;
    assert_eq!((nodes[0].confidence, nodes[0].strength[0]), (1, 1));
    assert_eq!((nodes[1].confidence, nodes[1].strength), (0, [0, 0]));
    // The second split poll finalizes the shared bit; the sibling choice is still open.
    let poll = sm.record_poll(&split);
    assert!(poll.decisions.is_empty());
    let nodes = &sm.trees()[0].nodes;
    assert_eq!((nodes[0].kind, nodes[0].bit_start), ("binary", 1));
    let poll = sm.record_poll(&split);
    assert!(!poll.successful, "no quorum for either side of bit 1");
    assert!(poll.decisions.is_empty());
    assert_eq!(sm.preference(), first.id);
    assert_eq!(sm.num_processing(), 2);
}

// RecordPollInvalidVoteTest: votes for unknown or decided blocks are ignored, and a poll left
// without a quorum falters the tree.
#[test]
fn votes_for_blocks_not_processing_are_ignored() {
    let g = genesis();
    let mut sm = Topological::new(params(2, 2, 2, 2), g.id, 0);
    let a = block(&g, "a");
    sm.add(a).unwrap();
    assert!(sm.record_poll(&bag(&[(a.id, 2)])).successful);
    let unknown = Id::digest(b"unknown");
    let poll = sm.record_poll(&bag(&[(unknown, 2), (g.id, 2)]));
    assert!(!poll.successful);
    assert_eq!(poll.confidence, 0);
    let poll = sm.record_poll(&bag(&[(a.id, 2)]));
    assert!(
        poll.decisions.is_empty(),
        "the streak was reset by the invalid poll"
    );
    let poll = sm.record_poll(&bag(&[(a.id, 2)]));
    assert_eq!(poll.decisions, vec![accept(a)]);
}

// RecordPollTransitiveVotingTest: a vote for a block counts for its ancestors, and several
// blocks can be accepted by one poll, parents first.
#[test]
fn votes_are_transitive_and_acceptance_cascades() {
    let g = genesis();
    let mut sm = Topological::new(params(3, 3, 1, 1), g.id, 0);
    let b0 = block(&g, "0");
    let b1 = block(&b0, "1");
    let b2 = block(&b1, "2");
    let b3 = block(&b0, "3");
    let b4 = block(&b3, "4");
    for b in [b0, b1, b2, b3, b4] {
        sm.add(b).unwrap();
    }
    let poll = sm.record_poll(&bag(&[(b0.id, 1), (b2.id, 1), (b4.id, 1)]));
    assert_eq!(poll.decisions, vec![accept(b0)]);
    assert_eq!(sm.preference(), b2.id);
    assert_eq!(sm.num_processing(), 4);
    let poll = sm.record_poll(&bag(&[(b2.id, 3)]));
    assert_eq!(
        poll.decisions,
        vec![accept(b1), reject(b3), reject(b4), accept(b2)]
    );
    assert_eq!(sm.last_accepted(), (b2.id, 3));
    assert_eq!(sm.num_processing(), 0);
}

// RecordPollChangePreferredChainTest: votes deep in another branch move the whole preferred
// chain; preference_at_height follows.
#[test]
fn votes_move_the_preferred_chain() {
    let g = genesis();
    let mut sm = Topological::new(params(1, 1, 10, 10), g.id, 0);
    let a1 = block(&g, "a1");
    let b1 = block(&g, "b1");
    let a2 = block(&a1, "a2");
    let b2 = block(&b1, "b2");
    for b in [a1, b1, a2, b2] {
        sm.add(b).unwrap();
    }
    let start = sm.preference();
    let (other2, other1) = if start == a2.id { (b2, b1) } else { (a2, a1) };
    let poll = sm.record_poll(&bag(&[(other2.id, 1)]));
    assert_eq!(poll.preference_before, start);
    assert_eq!(poll.preference_after, other2.id);
    assert_eq!(sm.preference_at_height(1), Some(other1.id));
    assert_eq!(sm.preference_at_height(2), Some(other2.id));
    assert!(sm.is_preferred(&other1.id));
    assert!(!sm.is_preferred(&start));
}

// Trees view: one tree per block with children, by height, children in ID order.
#[test]
fn trees_show_each_parent_with_children() {
    let g = genesis();
    let mut sm = Topological::new(Parameters::DEFAULT, g.id, 0);
    let a = block(&g, "a");
    let b = block(&g, "b");
    let a1 = block(&a, "a1");
    for x in [a, b, a1] {
        sm.add(x).unwrap();
    }
    let trees = sm.trees();
    assert_eq!(trees.len(), 2);
    assert_eq!(trees[0].parent, g.id);
    let mut children = vec![a.id, b.id];
    children.sort();
    assert_eq!(trees[0].children, children);
    assert_eq!(trees[1].parent, a.id);
    assert_eq!(trees[1].nodes.len(), 1);
    assert_eq!(trees[1].nodes[0].preference, a1.id);
    assert!(trees[0].nodes.iter().any(|n| n.kind == "binary" && n.rogue));
}

/// Random block trees and random polls: checks the invariants a caller relies on and returns
/// every poll result.
fn random_run(seed: u64) -> (Vec<PollResult>, Vec<TreeView>, (Id, u64)) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let g = genesis();
    let params = Parameters {
        k: 5,
        alpha_preference: 3,
        alpha_confidence: 4,
        beta: 3,
        beta_rogue: 4,
        ..Parameters::DEFAULT
    };
    let mut sm = Topological::new(params, g.id, 0);
    let mut known = vec![g];
    let mut results = Vec::new();
    let mut decided: Vec<Id> = Vec::new();
    for step in 0..400u32 {
        if rng.random_range(0..3) == 0 || sm.num_processing() == 0 {
            // A new block on the last accepted block or a processing one.
            let mut parents: Vec<BlockMeta> = sm.processing_blocks().copied().collect();
            let (la, h) = sm.last_accepted();
            parents.push(BlockMeta {
                id: la,
                parent: Id::EMPTY,
                height: h,
            });
            let parent = parents[rng.random_range(0..parents.len())];
            let child = block(&parent, &alloc::format!("{seed}-{step}"));
            sm.add(child).unwrap();
            known.push(child);
        }
        let mut votes = Bag::new();
        for _ in 0..params.k {
            // Mostly the current preference, sometimes anything ever seen.
            let id = if rng.random_range(0..4) == 0 {
                known[rng.random_range(0..known.len())].id
            } else {
                sm.preference()
            };
            votes.add(id, 1);
        }
        let before = sm.preference();
        let result = sm.record_poll(&votes);
        assert_eq!(result.preference_before, before);
        assert_eq!(result.preference_after, sm.preference());
        // Decisions: parents decided before (or already) their children, none twice.
        for d in &result.decisions {
            assert!(!decided.contains(&d.block.id));
            let parent_done = d.block.parent == g.id || decided.contains(&d.block.parent);
            assert!(parent_done, "parent decided first");
            decided.push(d.block.id);
            assert!(!sm.processing(&d.block.id));
        }
        // The preference is a leaf reached by following preferences.
        let (la, la_height) = sm.last_accepted();
        let mut current = la;
        let mut height = la_height;
        while let Some(tree) = sm.trees().into_iter().find(|t| t.parent == current) {
            current = tree.nodes[0].preference;
            height += 1;
            assert!(sm.is_preferred(&current));
            assert_eq!(sm.preference_at_height(height), Some(current));
        }
        assert_eq!(sm.preference(), current);
        results.push(result);
    }
    (results, sm.trees(), sm.last_accepted())
}

#[test]
fn same_inputs_give_the_same_decisions() {
    for seed in 0..4 {
        let one = random_run(seed);
        let two = random_run(seed);
        assert_eq!(one, two);
        let accepted = one
            .0
            .iter()
            .flat_map(|r| &r.decisions)
            .filter(|d| d.accepted)
            .count();
        assert!(
            accepted > 5,
            "seed {seed}: the chain progressed ({accepted})"
        );
        assert_eq!(one.2 .1, accepted as u64);
    }
}

/// Many nodes, each with its own Topological over the same blocks, polling each other's
/// preferences in rounds (the snowman `network_test.go` idea without the engine): every node
/// decides, and all decide alike.
fn snowman_network(nodes: usize, blocks: usize, seed: u64) -> Vec<Vec<Id>> {
    let params = Parameters::DEFAULT;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let g = genesis();
    // A random tree of blocks; every node learns them in its own random order (parents first).
    let mut tree = vec![g];
    for i in 0..blocks {
        let parent = tree[rng.random_range(0..tree.len())];
        tree.push(block(&parent, &alloc::format!("{seed}/{i}")));
    }
    let mut sms: Vec<Topological> = Vec::new();
    for _ in 0..nodes {
        let mut sm = Topological::new(params, g.id, 0);
        let mut pending: Vec<BlockMeta> = tree[1..].to_vec();
        while !pending.is_empty() {
            let ready: Vec<usize> = (0..pending.len())
                .filter(|i| pending[*i].parent == g.id || sm.processing(&pending[*i].parent))
                .collect();
            let pick = ready[rng.random_range(0..ready.len())];
            sm.add(pending.remove(pick)).unwrap();
        }
        sms.push(sm);
    }
    let mut accepted: Vec<Vec<Id>> = vec![Vec::new(); nodes];
    for _round in 0..2_000 {
        if sms.iter().all(|sm| sm.num_processing() == 0) {
            break;
        }
        let preferences: Vec<Id> = sms.iter().map(Topological::preference).collect();
        for (node, sm) in sms.iter_mut().enumerate() {
            if sm.num_processing() == 0 {
                continue;
            }
            let mut votes = Bag::new();
            for _ in 0..params.k {
                // A vote for a block this node already decided counts as nothing, as in the
                // engine (which would bubble it to a processing ancestor or drop it).
                let mut voted = preferences[rng.random_range(0..nodes)];
                while !sm.processing(&voted) && voted != sm.last_accepted().0 {
                    let Some(parent) = tree.iter().find(|b| b.id == voted).map(|b| b.parent) else {
                        break;
                    };
                    voted = parent;
                }
                votes.add(voted, 1);
            }
            for d in sm.record_poll(&votes).decisions {
                if d.accepted {
                    accepted[node].push(d.block.id);
                }
            }
        }
    }
    for sm in &sms {
        assert_eq!(sm.num_processing(), 0, "every node decided everything");
    }
    accepted
}

// avalanchego snow/consensus/snowman/network_test.go via consensus_test.go RandomizedConsistencyTest:
// 100 nodes, 50 blocks forming a random tree: every node ends in agreement.
#[test]
fn a_network_agrees_on_a_random_block_tree() {
    for seed in 0..2 {
        let accepted = snowman_network(100, 50, seed);
        assert!(!accepted[0].is_empty());
        for chain in &accepted {
            assert_eq!(chain, &accepted[0], "seed {seed}");
        }
    }
}

// Two conflicting children of genesis, nodes split on which they saw first.
#[test]
fn a_network_decides_a_fork() {
    for seed in 0..3 {
        let accepted = snowman_network(30, 2, seed + 10);
        for chain in &accepted {
            assert_eq!(chain, &accepted[0], "seed {seed}");
        }
    }
}
