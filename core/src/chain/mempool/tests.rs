//! Unit and property tests of the mempool.

use super::*;
use alloc::string::ToString;
use alloc::vec;

/// A test entry whose ID is the digest of one byte.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct E(u8);

impl MempoolEntry for E {
    fn id(&self) -> Id {
        Id::digest(&[self.0])
    }
}

fn block(n: u8) -> Id {
    Id::digest(&[0xb0, n])
}

fn pending(pool: &Mempool<E>) -> Vec<u8> {
    pool.iter().map(|e| e.0).collect()
}

#[test]
fn fifo_oldest_first() {
    let mut pool = Mempool::new(8);
    for n in [3, 1, 2] {
        assert_eq!(pool.add(E(n)), Ok(E(n).id()));
    }
    assert_eq!(pending(&pool), vec![3, 1, 2]);
    assert_eq!(pool.take_oldest(2), vec![E(3), E(1)]);
    assert_eq!(pending(&pool), vec![2]);
    assert_eq!(pool.take_oldest(5), vec![E(2)]);
    assert!(pool.is_empty());
    assert_eq!(pool.take_oldest(1), vec![]);
}

#[test]
fn full_at_capacity_with_reason() {
    let mut pool = Mempool::new(2);
    pool.add(E(1)).unwrap();
    pool.add(E(2)).unwrap();
    assert_eq!(pool.add(E(3)), Err(MempoolError::Full { capacity: 2 }));
    assert_eq!(pool.len(), 2);
    assert!(pool
        .add(E(3))
        .unwrap_err()
        .to_string()
        .contains("full (2 entries)"));
}

#[test]
fn duplicates_refused_pending_building_and_lent() {
    let mut pool = Mempool::new(8);
    pool.add(E(1)).unwrap();
    assert_eq!(pool.add(E(1)), Err(MempoolError::Duplicate(E(1).id())));
    let taken = pool.take_oldest(1);
    // Being built: still known.
    assert_eq!(pool.add(E(1)), Err(MempoolError::Duplicate(E(1).id())));
    pool.issued(block(1), taken);
    assert_eq!(
        pool.add(E(1)),
        Err(MempoolError::InBlock {
            id: E(1).id(),
            block: block(1)
        })
    );
    assert_eq!(pool.lent_to(&E(1).id()), Some(block(1)));
    assert!(!pool.contains(&E(1).id()));
}

#[test]
fn duplicate_is_reported_before_full() {
    let mut pool = Mempool::new(1);
    pool.add(E(1)).unwrap();
    assert_eq!(pool.add(E(1)), Err(MempoolError::Duplicate(E(1).id())));
}

#[test]
fn give_back_goes_to_front_in_order() {
    let mut pool = Mempool::new(8);
    for n in 1..=4 {
        pool.add(E(n)).unwrap();
    }
    let taken = pool.take_oldest(2);
    pool.add(E(5)).unwrap();
    pool.give_back(taken);
    assert_eq!(pending(&pool), vec![1, 2, 3, 4, 5]);
    // Given back entries are no longer "being built": a copy is a plain duplicate.
    assert_eq!(pool.add(E(1)), Err(MempoolError::Duplicate(E(1).id())));
}

#[test]
fn accepted_removes_lent_and_pending_copies() {
    let mut pool = Mempool::new(8);
    for n in 1..=4 {
        pool.add(E(n)).unwrap();
    }
    let taken = pool.take_oldest(1);
    pool.issued(block(1), taken);
    // Block 1 holds entry 1; another node's block 2 included entry 3.
    pool.accepted(block(1), &[E(1).id()]);
    pool.accepted(block(2), &[E(3).id()]);
    assert_eq!(pending(&pool), vec![2, 4]);
    assert_eq!(pool.lent_len(), 0);
    // Entry 1 may be proposed again once its block is accepted.
    assert!(pool.add(E(1)).is_ok());
}

#[test]
fn accepted_elsewhere_does_not_come_back_on_rejection() {
    let mut pool = Mempool::new(8);
    pool.add(E(1)).unwrap();
    pool.add(E(2)).unwrap();
    let taken = pool.take_oldest(2);
    pool.issued(block(1), taken);
    // Another node's block 2 holding entry 1 is accepted; then our block 1 loses.
    pool.accepted(block(2), &[E(1).id()]);
    assert_eq!(pool.lent_entries(&block(1)), &[E(2)]);
    pool.rejected(block(1));
    assert_eq!(pending(&pool), vec![2]);
}

#[test]
fn rejected_returns_to_front_oldest_first_even_past_capacity() {
    let mut pool = Mempool::new(3);
    for n in 1..=3 {
        pool.add(E(n)).unwrap();
    }
    let taken = pool.take_oldest(2);
    pool.issued(block(1), taken);
    pool.add(E(4)).unwrap();
    pool.add(E(5)).unwrap();
    assert_eq!(pool.add(E(6)), Err(MempoolError::Full { capacity: 3 }));
    pool.rejected(block(1));
    assert_eq!(pending(&pool), vec![1, 2, 3, 4, 5]);
    assert_eq!(pool.len(), 5);
    assert_eq!(pool.lent_len(), 0);
    assert_eq!(pool.add(E(6)), Err(MempoolError::Full { capacity: 3 }));
    // Rejecting an unknown block or twice changes nothing.
    pool.rejected(block(1));
    pool.rejected(block(9));
    assert_eq!(pending(&pool), vec![1, 2, 3, 4, 5]);
}

#[test]
fn capacity_zero_refuses_everything() {
    let mut pool: Mempool<E> = Mempool::new(0);
    assert_eq!(pool.add(E(1)), Err(MempoolError::Full { capacity: 0 }));
}

mod properties {
    use super::*;
    use alloc::collections::BTreeSet;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Add(u8),
        Build(u8),
        Accept(u8),
        Reject(u8),
        AcceptForeign(u8),
        TakeAndGiveBack(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u8..24).prop_map(Op::Add),
            2 => (1u8..4).prop_map(Op::Build),
            1 => any::<u8>().prop_map(Op::Accept),
            1 => any::<u8>().prop_map(Op::Reject),
            1 => (0u8..24).prop_map(Op::AcceptForeign),
            1 => (1u8..4).prop_map(Op::TakeAndGiveBack),
        ]
    }

    proptest! {
        #[test]
        fn random_sequences_keep_the_invariants(ops in proptest::collection::vec(op(), 0..120)) {
            let capacity = 6;
            let mut pool = Mempool::new(capacity);
            // Model: the blocks built, in order, and the entries each holds.
            let mut blocks: Vec<(Id, Vec<E>)> = Vec::new();
            let mut next_block = 0u8;
            for op in ops {
                let before = pending(&pool);
                match op {
                    Op::Add(n) => {
                        let known = pool.contains(&E(n).id()) || pool.lent_to(&E(n).id()).is_some();
                        match pool.add(E(n)) {
                            Ok(_) => {
                                prop_assert!(!known);
                                prop_assert!(before.len() < capacity);
                                let mut expected = before.clone();
                                expected.push(n);
                                prop_assert_eq!(pending(&pool), expected);
                            }
                            Err(MempoolError::Full { .. }) => {
                                prop_assert!(!known && before.len() >= capacity);
                            }
                            Err(_) => prop_assert!(known),
                        }
                    }
                    Op::Build(max) => {
                        let taken = pool.take_oldest(usize::from(max));
                        let taken_ns: Vec<u8> = taken.iter().map(|e| e.0).collect();
                        let n = taken_ns.len();
                        prop_assert_eq!(&taken_ns[..], &before[..n]);
                        if !taken.is_empty() {
                            let id = block(next_block);
                            next_block = next_block.wrapping_add(1);
                            pool.issued(id, taken.clone());
                            blocks.push((id, taken));
                        }
                    }
                    Op::TakeAndGiveBack(max) => {
                        let taken = pool.take_oldest(usize::from(max));
                        pool.give_back(taken);
                        prop_assert_eq!(pending(&pool), before);
                    }
                    Op::Accept(i) | Op::Reject(i) if !blocks.is_empty() => {
                        let index = usize::from(i) % blocks.len();
                        let (id, entries) = blocks.remove(index);
                        let still_lent: Vec<u8> = pool.lent_entries(&id).iter().map(|e| e.0).collect();
                        if let Op::Accept(_) = op {
                            let ids: Vec<Id> = entries.iter().map(|e| e.id()).collect();
                            pool.accepted(id, &ids);
                            // Pending copies of the block's entries leave too (one may have been
                            // proposed again after another block carrying it was accepted).
                            let expected: Vec<u8> = before
                                .into_iter()
                                .filter(|m| !entries.contains(&E(*m)))
                                .collect();
                            prop_assert_eq!(pending(&pool), expected);
                        } else {
                            pool.rejected(id);
                            let mut expected = still_lent;
                            expected.extend(before);
                            prop_assert_eq!(pending(&pool), expected);
                        }
                    }
                    Op::Accept(_) | Op::Reject(_) => {}
                    Op::AcceptForeign(n) => {
                        pool.accepted(block(200), &[E(n).id()]);
                        let expected: Vec<u8> = before.into_iter().filter(|m| *m != n).collect();
                        prop_assert_eq!(pending(&pool), expected);
                        prop_assert_eq!(pool.lent_to(&E(n).id()), None);
                    }
                }
                // No ID in two places; lent bookkeeping agrees with itself.
                let mut seen = BTreeSet::new();
                for entry in pool.iter() {
                    prop_assert!(seen.insert(entry.id()));
                    prop_assert!(pool.contains(&entry.id()));
                }
                for (id, _) in &blocks {
                    for entry in pool.lent_entries(id) {
                        prop_assert!(seen.insert(entry.id()));
                        prop_assert_eq!(pool.lent_to(&entry.id()), Some(*id));
                    }
                }
                prop_assert_eq!(seen.len(), pool.len() + pool.lent_len());
            }
        }
    }
}
