//! Tests of the Snowball tree. Each names the avalanchego
//! `snow/consensus/snowball/tree_test.go` test it mirrors; the expected layouts are that test's
//! `Tree.String()` expectations written in `Tree::describe`'s notation. IDs are given by their
//! first byte; bits read least-significant first, so `c0100` (bits 0..4 = 0,1,0,0) is 0x02.

use super::*;

fn id(first: u8) -> Id {
    let mut bytes = [0u8; 32];
    bytes[0] = first;
    Id(bytes)
}

fn params(beta: u32, beta_rogue: u32) -> Parameters {
    Parameters {
        k: 1,
        alpha_preference: 1,
        alpha_confidence: 1,
        beta,
        beta_rogue,
        concurrent_repolls: 1,
        optimal_processing: 1,
    }
}

fn one(choice: Id) -> Bag {
    let mut bag = Bag::new();
    bag.add(choice, 1);
    bag
}

fn check(tree: &Tree, expected: &[&str], preference: Id, finalized: bool) {
    assert_eq!(tree.describe(), expected.join("\n"));
    assert_eq!(tree.preference(), preference);
    assert_eq!(tree.finalized(), finalized);
}

const INITIAL: &str = "U[0,256) polls=0 conf=0 final=false";

#[test]
fn bit_helpers_read_least_significant_bit_first() {
    assert_eq!(first_difference(0, 256, &id(0x00), &id(0x04)), Some(2));
    assert_eq!(first_difference(3, 256, &id(0x00), &id(0x04)), None);
    assert_eq!(first_difference(0, 2, &id(0x00), &id(0x04)), None);
    let mut last = [0u8; 32];
    last[31] = 0x80;
    assert_eq!(first_difference(0, 256, &Id::EMPTY, &Id(last)), Some(255));
    assert_eq!(first_difference(9, 300, &Id::EMPTY, &Id(last)), Some(255));
    assert!(equal_subset(1, 2, &id(0x00), &id(0x01)));
    assert!(!equal_subset(0, 1, &id(0x00), &id(0x01)));
    assert!(equal_subset(5, 5, &id(0x00), &id(0xFF)));
}

// TestSnowballSingleton
#[test]
fn singleton_finalizes_after_beta_polls_and_ignores_later_choices() {
    let red = id(0x01);
    let blue = id(0x02);
    let mut tree = Tree::new(params(2, 5), red);
    assert!(!tree.finalized());
    assert!(tree.record_poll(&one(red)));
    assert!(!tree.record_poll(&Bag::new()));
    tree.record_poll(&one(red));
    assert!(!tree.finalized());
    tree.record_poll(&one(red));
    assert!(tree.finalized());
    assert_eq!(tree.preference(), red);
    tree.add(blue);
    tree.record_poll(&one(blue));
    assert!(tree.finalized());
    assert_eq!(tree.preference(), red);
    // As in avalanchego, a decided unary leaf still counts the polls that reach it.
    assert_eq!(tree.describe(), "U[0,256) polls=4 conf=3 final=true");
}

// TestSnowballRecordUnsuccessfulPoll
#[test]
fn unsuccessful_poll_resets_lazily() {
    let red = id(0x01);
    let mut tree = Tree::new(params(3, 5), red);
    tree.record_poll(&one(red));
    tree.record_unsuccessful_poll();
    assert_eq!(tree.confidence(), 0, "the pending reset shows");
    tree.record_poll(&one(red));
    tree.record_poll(&one(red));
    assert!(!tree.finalized());
    tree.record_poll(&one(red));
    assert!(tree.finalized());
    assert_eq!(tree.preference(), red);
}

// TestSnowballBinary
#[test]
fn binary_choice_needs_beta_rogue() {
    let red = id(0x01);
    let blue = id(0x02);
    let mut tree = Tree::new(params(1, 2), red);
    tree.add(blue);
    check(
        &tree,
        &[
            "B0 pref=1 polls=[0,0] conf=0 final=false",
            "    U[1,256) polls=0 conf=0 final=false",
            "    U[1,256) polls=0 conf=0 final=false",
        ],
        red,
        false,
    );
    tree.record_poll(&one(blue));
    assert_eq!((tree.preference(), tree.finalized()), (blue, false));
    tree.record_poll(&one(red));
    assert_eq!((tree.preference(), tree.finalized()), (blue, false));
    tree.record_poll(&one(blue));
    assert_eq!((tree.preference(), tree.finalized()), (blue, false));
    tree.record_poll(&one(blue));
    assert_eq!((tree.preference(), tree.finalized()), (blue, true));
}

// TestSnowballLastBinary: two choices differing only in bit 255.
#[test]
fn choices_differing_in_the_last_bit() {
    let zero = Id::EMPTY;
    let mut last = [0u8; 32];
    last[31] = 0x80;
    let one_id = Id(last);
    let mut tree = Tree::new(params(2, 2), zero);
    tree.add(one_id);
    tree.add(one_id);
    check(
        &tree,
        &[
            "U[0,255) polls=0 conf=0 final=false",
            "    B255 pref=0 polls=[0,0] conf=0 final=false",
        ],
        zero,
        false,
    );
    tree.record_poll(&one(one_id));
    assert_eq!((tree.preference(), tree.finalized()), (one_id, false));
    tree.record_poll(&one(one_id));
    assert_eq!((tree.preference(), tree.finalized()), (one_id, true));
}

// TestSnowballAddPreviouslyRejected
#[test]
fn a_choice_already_decided_against_is_not_added() {
    let (zero, one_id, two, four) = (id(0b000), id(0b001), id(0b010), id(0b100));
    let mut tree = Tree::new(params(1, 2), zero);
    tree.add(one_id);
    tree.add(four);
    check(
        &tree,
        &[
            "B0 pref=0 polls=[0,0] conf=0 final=false",
            "    U[1,2) polls=0 conf=0 final=false",
            "        B2 pref=0 polls=[0,0] conf=0 final=false",
            "            U[3,256) polls=0 conf=0 final=false",
            "            U[3,256) polls=0 conf=0 final=false",
            "    U[1,256) polls=0 conf=0 final=false",
        ],
        zero,
        false,
    );
    tree.record_poll(&one(zero));
    let after = [
        "B0 pref=0 polls=[1,0] conf=1 final=false",
        "    B2 pref=0 polls=[1,0] conf=1 final=false",
        "        U[3,256) polls=1 conf=1 final=true",
        "        U[3,256) polls=0 conf=0 final=false",
        "    U[1,256) polls=0 conf=0 final=false",
    ];
    check(&tree, &after, zero, false);
    // `two` differs from the decided bit 1 of the preferred side: nothing changes.
    tree.add(two);
    check(&tree, &after, zero, false);
}

// TestSnowballNewUnary
#[test]
fn a_new_unary_leaf_counts_its_own_polls() {
    let (zero, one_id) = (id(0b0), id(0b1));
    let mut tree = Tree::new(params(2, 3), zero);
    tree.add(one_id);
    tree.record_poll(&one(one_id));
    check(
        &tree,
        &[
            "B0 pref=1 polls=[0,1] conf=1 final=false",
            "    U[1,256) polls=0 conf=0 final=false",
            "    U[1,256) polls=1 conf=1 final=false",
        ],
        one_id,
        false,
    );
    tree.record_poll(&one(one_id));
    check(
        &tree,
        &[
            "B0 pref=1 polls=[0,2] conf=2 final=false",
            "    U[1,256) polls=0 conf=0 final=false",
            "    U[1,256) polls=2 conf=2 final=true",
        ],
        one_id,
        false,
    );
}

// TestSnowballTransitiveReset: a failed poll resets the root at once and the nodes below
// only when a later poll reaches them.
#[test]
fn resets_reach_the_children_lazily() {
    let (zero, two, eight) = (id(0b0000), id(0b0010), id(0b1000));
    let mut tree = Tree::new(params(2, 2), zero);
    tree.add(two);
    tree.add(eight);
    check(
        &tree,
        &[
            "U[0,1) polls=0 conf=0 final=false",
            "    B1 pref=0 polls=[0,0] conf=0 final=false",
            "        U[2,3) polls=0 conf=0 final=false",
            "            B3 pref=0 polls=[0,0] conf=0 final=false",
            "                U[4,256) polls=0 conf=0 final=false",
            "                U[4,256) polls=0 conf=0 final=false",
            "        U[2,256) polls=0 conf=0 final=false",
        ],
        zero,
        false,
    );
    tree.record_poll(&one(zero));
    tree.record_poll(&Bag::new());
    check(
        &tree,
        &[
            "U[0,1) polls=1 conf=0 final=false",
            "    B1 pref=0 polls=[1,0] conf=1 final=false",
            "        U[2,3) polls=1 conf=1 final=false",
            "            B3 pref=0 polls=[1,0] conf=1 final=false",
            "                U[4,256) polls=1 conf=1 final=false",
            "                U[4,256) polls=0 conf=0 final=false",
            "        U[2,256) polls=0 conf=0 final=false",
        ],
        zero,
        false,
    );
    assert_eq!(tree.confidence(), 0);
    tree.record_poll(&one(zero));
    check(
        &tree,
        &[
            "U[0,1) polls=2 conf=1 final=false",
            "    B1 pref=0 polls=[2,0] conf=1 final=false",
            "        U[2,3) polls=2 conf=1 final=false",
            "            B3 pref=0 polls=[2,0] conf=1 final=false",
            "                U[4,256) polls=2 conf=1 final=false",
            "                U[4,256) polls=0 conf=0 final=false",
            "        U[2,256) polls=0 conf=0 final=false",
        ],
        zero,
        false,
    );
    assert_eq!(tree.confidence(), 1);
    tree.record_poll(&one(zero));
    check(&tree, &["U[4,256) polls=3 conf=2 final=true"], zero, true);
}

// TestSnowballTrinary: voting for one color can make another preferred.
#[test]
fn a_vote_can_prefer_a_different_color() {
    let (green, red, blue) = (id(0b00), id(0b01), id(0b10));
    let mut tree = Tree::new(params(1, 2), green);
    tree.add(red);
    tree.add(blue);
    let mut step = |choice: Id, preferred: Id| {
        tree.record_poll(&one(choice));
        assert_eq!(tree.preference(), preferred);
        assert!(!tree.finalized());
    };
    step(red, red);
    step(blue, red);
    step(green, blue);
    step(red, blue);
    step(green, green);
}

// TestSnowballCloseTrinary
#[test]
fn close_trinary_keeps_the_first_choice() {
    let (yellow, cyan, magenta) = (id(0x01), id(0x02), id(0x03));
    let mut tree = Tree::new(params(1, 2), yellow);
    tree.add(cyan);
    tree.add(magenta);
    for choice in [yellow, magenta, cyan, cyan] {
        tree.record_poll(&one(choice));
        assert_eq!(tree.preference(), yellow);
        assert!(!tree.finalized());
    }
}

// TestSnowballResetChild
#[test]
fn reset_child() {
    let (c0000, c0100, c1000) = (id(0x00), id(0x02), id(0x01));
    let mut tree = Tree::new(params(1, 2), c0000);
    tree.add(c0100);
    tree.add(c1000);
    tree.record_poll(&one(c0000));
    tree.record_poll(&Bag::new());
    check(
        &tree,
        &[
            "B0 pref=0 polls=[1,0] conf=0 final=false",
            "    B1 pref=0 polls=[1,0] conf=1 final=false",
            "        U[2,256) polls=1 conf=1 final=true",
            "        U[2,256) polls=0 conf=0 final=false",
            "    U[1,256) polls=0 conf=0 final=false",
        ],
        c0000,
        false,
    );
    tree.record_poll(&one(c0000));
    check(
        &tree,
        &[
            "B0 pref=0 polls=[2,0] conf=1 final=false",
            "    B1 pref=0 polls=[2,0] conf=1 final=false",
            "        U[2,256) polls=2 conf=1 final=true",
            "        U[2,256) polls=0 conf=0 final=false",
            "    U[1,256) polls=0 conf=0 final=false",
        ],
        c0000,
        false,
    );
}

// TestSnowballResetSibling
#[test]
fn reset_sibling() {
    let (c0000, c0100, c1000) = (id(0x00), id(0x02), id(0x01));
    let mut tree = Tree::new(params(1, 2), c0000);
    tree.add(c0100);
    tree.add(c1000);
    tree.record_poll(&one(c0100));
    tree.record_poll(&one(c1000));
    tree.record_poll(&one(c0100));
    check(
        &tree,
        &[
            "B0 pref=0 polls=[2,1] conf=1 final=false",
            "    B1 pref=1 polls=[0,2] conf=1 final=false",
            "        U[2,256) polls=0 conf=0 final=false",
            "        U[2,256) polls=2 conf=1 final=true",
            "    U[1,256) polls=1 conf=1 final=true",
        ],
        c0100,
        false,
    );
}

// TestSnowballAddRejected
#[test]
fn adding_below_a_decided_bit_is_ignored() {
    let (c0000, c1000, c0101, c0010) = (id(0x00), id(0x01), id(0x0a), id(0x04));
    let mut tree = Tree::new(params(1, 2), c0000);
    tree.add(c1000);
    tree.add(c0010);
    tree.record_poll(&one(c0010));
    let expected = [
        "B0 pref=0 polls=[1,0] conf=1 final=false",
        "    B2 pref=1 polls=[0,1] conf=1 final=false",
        "        U[3,256) polls=0 conf=0 final=false",
        "        U[3,256) polls=1 conf=1 final=true",
        "    U[1,256) polls=0 conf=0 final=false",
    ];
    check(&tree, &expected, c0010, false);
    tree.add(c0101);
    check(&tree, &expected, c0010, false);
}

// TestSnowballFineGrained
#[test]
fn fine_grained_splits_and_collapses() {
    let (c0000, c1000, c1100, c0010) = (id(0x00), id(0x01), id(0x03), id(0x04));
    let mut tree = Tree::new(params(1, 2), c0000);
    check(&tree, &[INITIAL], c0000, false);
    tree.add(c1100);
    tree.add(c1000);
    tree.add(c0010);
    check(
        &tree,
        &[
            "B0 pref=0 polls=[0,0] conf=0 final=false",
            "    U[1,2) polls=0 conf=0 final=false",
            "        B2 pref=0 polls=[0,0] conf=0 final=false",
            "            U[3,256) polls=0 conf=0 final=false",
            "            U[3,256) polls=0 conf=0 final=false",
            "    B1 pref=1 polls=[0,0] conf=0 final=false",
            "        U[2,256) polls=0 conf=0 final=false",
            "        U[2,256) polls=0 conf=0 final=false",
        ],
        c0000,
        false,
    );
    tree.record_poll(&one(c0000));
    tree.record_poll(&one(c0010));
    check(
        &tree,
        &[
            "B2 pref=0 polls=[1,1] conf=1 final=false",
            "    U[3,256) polls=1 conf=1 final=true",
            "    U[3,256) polls=1 conf=1 final=true",
        ],
        c0000,
        false,
    );
    tree.record_poll(&one(c0010));
    check(&tree, &["U[3,256) polls=2 conf=2 final=true"], c0010, true);
}

// TestSnowballDoubleAdd
#[test]
fn adding_the_same_choice_twice_changes_nothing() {
    let red = id(0x01);
    let mut tree = Tree::new(params(3, 5), red);
    tree.add(red);
    check(&tree, &[INITIAL], red, false);
}

// TestSnowball5Colors: the trie's shape does not depend on which color came first.
#[test]
fn shape_does_not_depend_on_insertion_order() {
    let colors: Vec<Id> = (0u32..5).map(|i| Id::digest(&i.to_be_bytes())).collect();
    let p = Parameters {
        k: 5,
        alpha_preference: 5,
        alpha_confidence: 5,
        beta: 20,
        beta_rogue: 30,
        ..Parameters::DEFAULT
    };
    let mut first = Tree::new(p, colors[4]);
    let mut second = Tree::new(p, colors[3]);
    for c in &colors[..4] {
        first.add(*c);
    }
    for c in [colors[0], colors[1], colors[2], colors[4]] {
        second.add(c);
    }
    let shape = |t: &Tree| -> Vec<(u32, u32, u32)> {
        let mut v: Vec<_> = t
            .views()
            .iter()
            .map(|n| (n.depth, n.bit_start, n.bit_end))
            .collect();
        v.sort();
        v
    };
    assert_eq!(shape(&first), shape(&second));
    assert_eq!(
        first.views().iter().filter(|n| n.kind == "binary").count(),
        4
    );
}

// TestSnowballFilterBinaryChildren: votes that disagree with a decided bit below a binary
// node are dropped before reaching its child.
#[test]
fn votes_for_decided_against_choices_are_filtered() {
    let (c0000, c1000, c0100, c0010) = (id(0b000), id(0b001), id(0b010), id(0b100));
    let mut tree = Tree::new(params(1, 2), c0000);
    tree.add(c1000);
    tree.add(c0010);
    tree.record_poll(&one(c0000));
    tree.add(c0100);
    check(
        &tree,
        &[
            "B0 pref=0 polls=[1,0] conf=1 final=false",
            "    B2 pref=0 polls=[1,0] conf=1 final=false",
            "        U[3,256) polls=1 conf=1 final=true",
            "        U[3,256) polls=0 conf=0 final=false",
            "    U[1,256) polls=0 conf=0 final=false",
        ],
        c0000,
        false,
    );
    tree.record_poll(&one(c0100));
    check(
        &tree,
        &[
            "B2 pref=0 polls=[1,0] conf=0 final=false",
            "    U[3,256) polls=1 conf=1 final=true",
            "    U[3,256) polls=0 conf=0 final=false",
        ],
        c0000,
        false,
    );
}

// TestSnowballRecordPreferencePollBinary (2023 split of alpha): a poll with AlphaPreference but
// not AlphaConfidence votes moves the preference without building confidence.
#[test]
fn alpha_preference_moves_without_confidence() {
    let (red, blue) = (id(0x01), id(0x00));
    let p = Parameters {
        k: 3,
        alpha_preference: 2,
        alpha_confidence: 3,
        beta: 2,
        beta_rogue: 2,
        concurrent_repolls: 1,
        optimal_processing: 1,
    };
    let mut tree = Tree::new(p, red);
    tree.add(blue);
    let mut two_blue = Bag::new();
    two_blue.add(blue, 2);
    let mut three_blue = Bag::new();
    three_blue.add(blue, 3);
    assert!(tree.record_poll(&two_blue));
    assert_eq!(tree.preference(), blue);
    assert_eq!(tree.confidence(), 0);
    tree.record_poll(&three_blue);
    assert_eq!(tree.confidence(), 1);
    tree.record_poll(&two_blue);
    assert_eq!(
        tree.confidence(),
        0,
        "AlphaPreference alone resets confidence"
    );
    tree.record_poll(&three_blue);
    tree.record_poll(&three_blue);
    assert!(tree.finalized());
    assert_eq!(tree.preference(), blue);
}

// TestSnowballConsistent: 100 nodes, 50 colors, the 2020 betas: the network agrees.
#[test]
fn a_network_of_trees_agrees() {
    use crate::chain::snowball::sim::{ColorNetwork, ConsensusKind};
    let p = Parameters {
        beta: 20,
        beta_rogue: 30,
        ..Parameters::DEFAULT
    };
    let mut network = ColorNetwork::new(ConsensusKind::Tree, p, 100, 50, 0);
    let outcome = network.run(1_000);
    assert!(outcome.finalized && outcome.agreed, "{outcome:?}");
    assert!(!network.disagreement());
}

#[test]
fn views_list_nodes_preferred_side_first() {
    let (zero, one_id) = (id(0b0), id(0b1));
    let mut tree = Tree::new(params(2, 3), zero);
    tree.add(one_id);
    tree.record_poll(&one(one_id));
    let views = tree.views();
    assert_eq!(views.len(), 3);
    assert_eq!(
        (
            views[0].kind,
            views[0].preference,
            views[0].strength,
            views[0].rogue
        ),
        ("binary", one_id, [0, 1], true)
    );
    assert_eq!(
        (views[1].preference, views[1].depth, views[1].confidence),
        (one_id, 1, 1)
    );
    assert_eq!(views[2].preference, zero);
    assert_eq!(tree.confidence(), 1);
}
