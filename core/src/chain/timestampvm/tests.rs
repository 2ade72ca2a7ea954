//! Tests of the TimestampVM: codec, verify rules, ordering guarantees, mempool interaction.

use super::*;
use crate::chain::mempool::MempoolError;
use alloc::vec;

fn vm() -> TimestampVm {
    let mut vm = TimestampVm::new();
    vm.initialize(&genesis_bytes(b"genesis").unwrap(), b"")
        .unwrap();
    vm
}

fn data(text: &str) -> Data {
    Data::from_text_or_hex(text).unwrap()
}

/// A block on `parent` made by hand (not built by the VM), parsed into `vm`.
fn parse_child(vm: &mut TimestampVm, parent: Id, height: u64, timestamp: i64, text: &str) -> Id {
    let block = Block {
        parent,
        height,
        timestamp,
        data: data(text),
    };
    vm.parse_block(&block.to_bytes()).unwrap()
}

fn order_error(result: Result<(), VmError>) -> String {
    match result {
        Err(VmError::Order { reason, .. }) => reason,
        other => panic!("expected an order error, got {other:?}"),
    }
}

fn invalid_reason(result: Result<(), VmError>) -> String {
    match result {
        Err(VmError::Invalid { reason, .. }) => reason,
        other => panic!("expected an invalid-block error, got {other:?}"),
    }
}

// ---- codec ----

#[test]
fn codec_matches_the_go_layout_field_by_field() {
    let parent = Id([0x11; 32]);
    let block = Block {
        parent,
        height: 0x0102_0304_0506_0708,
        timestamp: -2,
        data: Data::from_bytes(b"hi").unwrap(),
    };
    let mut expected = Vec::new();
    expected.extend_from_slice(&[0x00, 0x00]); // codec version 0, u16 BE
    expected.extend_from_slice(&[0x11; 32]); // parent ID
    expected.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]); // height, u64 BE
    expected.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]); // -2, i64 BE
    expected.extend_from_slice(b"hi"); // data, zero-padded to 32
    expected.extend_from_slice(&[0; 30]);
    assert_eq!(expected.len(), 82);
    assert_eq!(block.to_bytes().to_vec(), expected);
    assert_eq!(Block::from_bytes(&expected), Ok(block));
    assert_eq!(block.id(), Id::digest(&expected));
}

#[test]
fn genesis_block_bytes_and_id() {
    let vm = vm();
    let genesis = vm.last_accepted();
    let header = vm.get_block(&genesis).unwrap();
    let mut expected = vec![0u8; 82];
    expected[50..57].copy_from_slice(b"genesis");
    assert_eq!(header.bytes, expected);
    assert_eq!(genesis, Id::digest(&expected));
    assert_eq!(header.parent, Id::EMPTY);
    assert_eq!(header.height, 0);
    assert_eq!(header.timestamp, 0);
    assert_eq!(header.status, Status::Accepted);
    assert!(header.verified);
    assert_eq!(vm.preference(), genesis);
    assert_eq!(vm.get_block_id_at_height(0), Ok(genesis));
    assert_eq!(vm.block_data(&genesis), Ok(data("genesis")));
}

#[test]
fn empty_id_is_genesis_parent_and_unknown_block() {
    let vm = vm();
    assert_eq!(
        Id::EMPTY.to_string(),
        "11111111111111111111111111111111LpoYY"
    );
    assert_eq!(vm.status(&Id::EMPTY), Status::Unknown);
    assert_eq!(
        vm.get_block(&Id::EMPTY),
        Err(VmError::UnknownBlock(Id::EMPTY))
    );
}

#[test]
fn genesis_longer_than_32_bytes_is_refused() {
    assert!(genesis_bytes(&[7; 32]).is_ok());
    let error = genesis_bytes(&[7; 33]).unwrap_err();
    assert_eq!(
        error,
        VmError::Genesis(String::from("genesis data is 33 bytes; at most 32"))
    );
    let mut vm = TimestampVm::new();
    assert!(matches!(
        vm.initialize(&[7; 33], b""),
        Err(VmError::Genesis(_))
    ));
    assert_eq!(vm.last_accepted(), Id::EMPTY);
}

#[test]
fn every_wrong_length_is_refused_with_its_length() {
    let mut vm = vm();
    for len in (0..200).filter(|len| *len != 82) {
        let bytes = vec![0u8; len];
        assert_eq!(
            vm.parse_block(&bytes),
            Err(VmError::Malformed(format!(
                "block is {len} bytes; a TimestampVM block is 82"
            )))
        );
    }
}

#[test]
fn bad_codec_version_is_refused() {
    let mut vm = vm();
    let mut bytes = Block::genesis(Data::default()).to_bytes();
    bytes[1] = 1;
    assert_eq!(
        vm.parse_block(&bytes),
        Err(VmError::Malformed(String::from(
            "codec version 1 at bytes 0..2; only version 0 exists"
        )))
    );
    bytes[0] = 0x01;
    bytes[1] = 0x00;
    assert!(matches!(vm.parse_block(&bytes), Err(VmError::Malformed(m)) if m.contains("256")));
}

#[test]
fn ids_are_deterministic() {
    let build = || {
        let mut vm = vm();
        vm.submit(data("a")).unwrap();
        let first = vm.build_block(10).unwrap();
        vm.submit(data("b")).unwrap();
        vm.set_preference(&first).unwrap();
        (first, vm.build_block(11).unwrap())
    };
    assert_eq!(build(), build());
    let (first, second) = build();
    assert_ne!(first, second);
}

#[test]
fn data_from_text_or_hex() {
    let hex64 = "00".repeat(31) + "ff";
    let mut raw = [0u8; 32];
    raw[31] = 0xff;
    assert_eq!(Data::from_text_or_hex(&hex64), Ok(Data(raw)));
    assert_eq!(Data::from_text_or_hex(&format!("0x{hex64}")), Ok(Data(raw)));
    assert_eq!(
        Data::from_text_or_hex("hello").unwrap().text().as_deref(),
        Some("hello")
    );
    assert_eq!(Data::from_text_or_hex(""), Ok(Data([0; 32])));
    let error = Data::from_text_or_hex(&"x".repeat(33)).unwrap_err();
    assert!(error.contains("33 bytes"), "{error}");
    // 64 characters that are not hex are text, and too long.
    assert!(Data::from_text_or_hex(&"g".repeat(64))
        .unwrap_err()
        .contains("64 bytes"));
    assert_eq!(Data(raw).text(), None);
    assert_eq!(Data(raw).to_hex(), hex64);
}

#[test]
fn block_fields_show_hex_text_and_numbers() {
    let mut vm = vm();
    vm.submit(data("hello")).unwrap();
    let id = vm.build_block(42).unwrap();
    let fields = vm.block_fields(&id).unwrap();
    let get = |name: &str| {
        fields
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value.clone())
    };
    assert_eq!(get("data (hex)"), Some(data("hello").to_hex()));
    assert_eq!(get("data (text)").as_deref(), Some("hello"));
    assert_eq!(get("timestamp").as_deref(), Some("42"));
    assert_eq!(get("height").as_deref(), Some("1"));
    assert_eq!(get("codec version").as_deref(), Some("0"));
}

// ---- verify rules ----

#[test]
fn verify_checks_height() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    let id = parse_child(&mut vm, genesis, 2, 0, "x");
    let reason = invalid_reason(vm.verify(&id, 0));
    assert!(
        reason.contains("expected block to have height 1"),
        "{reason}"
    );
    assert!(reason.contains("found 2"), "{reason}");
    assert!(!vm.get_block(&id).unwrap().verified);
}

#[test]
fn verify_checks_timestamp_not_before_parent() {
    let mut vm = vm();
    vm.submit(data("a")).unwrap();
    let parent = vm.build_block(100).unwrap();
    let early = parse_child(&mut vm, parent, 2, 99, "b");
    let reason = invalid_reason(vm.verify(&early, 100));
    assert!(
        reason.contains("earlier than its parent's timestamp 100"),
        "{reason}"
    );
    let same = parse_child(&mut vm, parent, 2, 100, "c");
    assert_eq!(vm.verify(&same, 100), Ok(()));
}

#[test]
fn verify_future_boundary_is_now_plus_3600_exclusive() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    let now = 1000;
    let late = parse_child(&mut vm, genesis, 1, now + 3600, "late");
    let reason = invalid_reason(vm.verify(&late, now));
    assert!(
        reason.contains("more than 1 hour ahead of local time 1000"),
        "{reason}"
    );
    let ok = parse_child(&mut vm, genesis, 1, now + 3599, "ok");
    assert_eq!(vm.verify(&ok, now), Ok(()));
    assert!(vm.get_block(&ok).unwrap().verified);
    assert_eq!(vm.status(&ok), Status::Processing);
    // Verifying again is fine.
    assert_eq!(vm.verify(&ok, now), Ok(()));
}

// ---- ordering guarantees ----

#[test]
fn verify_before_parent_verified_is_an_order_error() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    let parent = parse_child(&mut vm, genesis, 1, 1, "p");
    let child = parse_child(&mut vm, parent, 2, 1, "c");
    assert!(order_error(vm.verify(&child, 1)).contains("not verified"));
    let orphan = parse_child(&mut vm, Id([9; 32]), 5, 1, "o");
    assert!(order_error(vm.verify(&orphan, 1)).contains("unknown"));
    vm.verify(&parent, 1).unwrap();
    assert_eq!(vm.verify(&child, 1), Ok(()));
}

#[test]
fn accept_before_parent_accepted_is_an_order_error() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    let parent = parse_child(&mut vm, genesis, 1, 1, "p");
    let child = parse_child(&mut vm, parent, 2, 1, "c");
    // Not verified yet.
    assert!(order_error(vm.accept(&parent)).contains("not verified"));
    vm.verify(&parent, 1).unwrap();
    vm.verify(&child, 1).unwrap();
    assert!(order_error(vm.accept(&child)).contains("accept the parent first"));
    assert_eq!(vm.accept(&parent), Ok(()));
    assert_eq!(vm.accept(&child), Ok(()));
    assert_eq!(vm.last_accepted(), child);
    assert_eq!(vm.get_block_id_at_height(1), Ok(parent));
    assert_eq!(vm.get_block_id_at_height(2), Ok(child));
    assert_eq!(
        vm.get_block_id_at_height(3),
        Err(VmError::NoBlockAtHeight(3))
    );
    // Accepting twice is harmless.
    assert_eq!(vm.accept(&child), Ok(()));
}

#[test]
fn accepting_a_sibling_of_an_accepted_block_is_refused() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    let a = parse_child(&mut vm, genesis, 1, 1, "a");
    let b = parse_child(&mut vm, genesis, 1, 1, "b");
    vm.verify(&a, 1).unwrap();
    vm.verify(&b, 1).unwrap();
    vm.accept(&a).unwrap();
    assert!(order_error(vm.accept(&b)).contains("already accepted"));
    assert_eq!(vm.reject(&b), Ok(()));
    assert_eq!(vm.status(&b), Status::Rejected);
    assert!(order_error(vm.reject(&a)).contains("already accepted"));
    assert!(order_error(vm.accept(&b)).contains("already rejected"));
}

#[test]
fn reject_before_parent_decided_is_an_order_error() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    let parent = parse_child(&mut vm, genesis, 1, 1, "p");
    let child = parse_child(&mut vm, parent, 2, 1, "c");
    vm.verify(&parent, 1).unwrap();
    vm.verify(&child, 1).unwrap();
    assert!(order_error(vm.reject(&child)).contains("decide the parent first"));
    assert_eq!(vm.status(&child), Status::Processing);
    // The parent's parent (genesis) is accepted: the parent may be rejected, then its child.
    vm.reject(&parent).unwrap();
    assert_eq!(vm.reject(&child), Ok(()));
    assert_eq!(vm.status(&child), Status::Rejected);
    // Verifying or building on a rejected block is out of order.
    assert!(order_error(vm.verify(&child, 1)).contains("rejected"));
    vm.submit(data("z")).unwrap();
    assert!(matches!(
        vm.build_block_on(parent, 1),
        Err(VmError::Order { .. })
    ));
    assert_eq!(vm.pending_count(), 1);
}

#[test]
fn reject_is_allowed_when_its_height_is_already_decided() {
    // After a restart only the accepted chain is replayed: a block whose parent this VM never
    // saw decided may still be rejected once another block at its height is accepted.
    let mut vm = vm();
    let genesis = vm.last_accepted();
    let a = parse_child(&mut vm, genesis, 1, 1, "a");
    vm.verify(&a, 1).unwrap();
    vm.accept(&a).unwrap();
    let stray = parse_child(&mut vm, Id([5; 32]), 1, 1, "stray");
    assert_eq!(vm.reject(&stray), Ok(()));
}

#[test]
fn shutdown_stops_everything() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    assert!(vm.health().healthy);
    assert!(vm.health().details.contains("height 0"));
    vm.shutdown();
    assert!(!vm.health().healthy);
    assert_eq!(vm.submit(data("a")), Err(VmError::NotRunning));
    assert_eq!(vm.build_block(1), Err(VmError::NotRunning));
    assert_eq!(vm.get_block(&genesis), Err(VmError::NotRunning));
    assert_eq!(vm.parse_block(&[]), Err(VmError::NotRunning));
    assert_eq!(vm.set_preference(&genesis), Err(VmError::NotRunning));
    assert_eq!(vm.get_block_id_at_height(0), Err(VmError::NotRunning));
    assert_eq!(vm.initialize(b"", b""), Err(VmError::NotRunning));
    assert_eq!(vm.status(&genesis), Status::Unknown);
}

#[test]
fn not_initialized_and_initialized_twice() {
    let mut vm = TimestampVm::new();
    assert_eq!(vm.submit(data("a")), Err(VmError::NotRunning));
    assert!(!vm.health().healthy);
    vm.initialize(b"", b"").unwrap();
    assert_eq!(vm.initialize(b"", b""), Err(VmError::AlreadyInitialized));
    assert_eq!(vm.version(), "timestampvm/v1.3.3 (snowrv)");
}

#[test]
fn set_preference_needs_a_known_block() {
    let mut vm = vm();
    assert_eq!(
        vm.set_preference(&Id([3; 32])),
        Err(VmError::UnknownBlock(Id([3; 32])))
    );
}

// ---- building and the mempool ----

#[test]
fn build_takes_the_oldest_onto_the_preference() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    assert_eq!(vm.build_block(5), Err(VmError::NothingToBuild));
    vm.submit(data("first")).unwrap();
    vm.submit(data("second")).unwrap();
    let one = vm.build_block(5).unwrap();
    let header = vm.get_block(&one).unwrap();
    assert_eq!(header.parent, genesis);
    assert_eq!(header.height, 1);
    assert_eq!(header.timestamp, 5);
    assert_eq!(header.status, Status::Processing);
    assert!(header.verified);
    assert_eq!(vm.block_data(&one), Ok(data("first")));
    assert_eq!(vm.pending_entries(), vec![data("second")]);
    // Preference still genesis until the engine says otherwise: a sibling.
    vm.set_preference(&one).unwrap();
    let two = vm.build_block(6).unwrap();
    assert_eq!(vm.get_block(&two).unwrap().parent, one);
    assert_eq!(vm.get_block(&two).unwrap().height, 2);
    assert_eq!(vm.processing_count(), 2);
}

#[test]
fn build_block_on_an_explicit_parent_makes_a_fork() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    vm.submit(data("a")).unwrap();
    let a = vm.build_block(1).unwrap();
    vm.set_preference(&a).unwrap();
    vm.submit(data("b")).unwrap();
    let b = vm.build_block_on(genesis, 1).unwrap();
    assert_eq!(vm.get_block(&b).unwrap().parent, genesis);
    assert_ne!(a, b);
    vm.submit(data("c")).unwrap();
    assert_eq!(
        vm.build_block_on(Id([1; 32]), 1),
        Err(VmError::UnknownBlock(Id([1; 32])))
    );
    let unverified = parse_child(&mut vm, genesis, 1, 1, "u");
    assert!(matches!(
        vm.build_block_on(unverified, 1),
        Err(VmError::Order { .. })
    ));
    assert_eq!(vm.pending_entries(), vec![data("c")]);
}

#[test]
fn failed_build_gives_the_entry_back() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    let future = parse_child(&mut vm, genesis, 1, 100, "future");
    vm.verify(&future, 100).unwrap();
    vm.submit(data("a")).unwrap();
    vm.submit(data("b")).unwrap();
    // now = 50 is before the parent's timestamp 100.
    assert!(matches!(
        vm.build_block_on(future, 50),
        Err(VmError::Invalid { .. })
    ));
    assert_eq!(vm.pending_entries(), vec![data("a"), data("b")]);
}

#[test]
fn accept_removes_and_reject_returns() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    vm.submit(data("a")).unwrap();
    vm.submit(data("b")).unwrap();
    vm.submit(data("c")).unwrap();
    let a = vm.build_block(1).unwrap();
    let b = vm.build_block(1).unwrap();
    assert_eq!(vm.pending_entries(), vec![data("c")]);
    assert!(matches!(
        vm.submit(data("a")),
        Err(VmError::Mempool(MempoolError::InBlock { block, .. })) if block == a
    ));
    vm.accept(&a).unwrap();
    assert_eq!(vm.mempool().lent_to(&data("a").id()), None);
    vm.reject(&b).unwrap();
    // b's data returns to the front.
    assert_eq!(vm.pending_entries(), vec![data("b"), data("c")]);
    assert_eq!(vm.last_accepted(), a);
    assert_eq!(vm.processing_count(), 0);
    // Accepted data may be proposed again.
    assert!(vm.submit(data("a")).is_ok());
    assert_eq!(vm.get_block(&a).unwrap().parent, genesis);
}

#[test]
fn accepting_a_peer_block_removes_the_pending_copy() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    vm.submit(data("same")).unwrap();
    vm.submit(data("other")).unwrap();
    let peer = parse_child(&mut vm, genesis, 1, 1, "same");
    vm.verify(&peer, 1).unwrap();
    vm.accept(&peer).unwrap();
    assert_eq!(vm.pending_entries(), vec![data("other")]);
}

#[test]
fn rejecting_the_preference_falls_back_to_last_accepted() {
    let mut vm = vm();
    let genesis = vm.last_accepted();
    vm.submit(data("a")).unwrap();
    let a = vm.build_block(1).unwrap();
    vm.set_preference(&a).unwrap();
    vm.reject(&a).unwrap();
    assert_eq!(vm.preference(), genesis);
}

#[test]
fn identical_rebuild_of_a_rejected_block_is_refused_and_kept() {
    let mut vm = vm();
    vm.submit(data("a")).unwrap();
    let a = vm.build_block(1).unwrap();
    vm.reject(&a).unwrap();
    let error = vm.build_block(1).unwrap_err();
    assert!(
        matches!(error, VmError::Invalid { id, ref reason } if id == a && reason.contains("Rejected"))
    );
    assert_eq!(vm.pending_entries(), vec![data("a")]);
    // A second later it is a different block.
    assert!(vm.build_block(2).is_ok());
}

#[test]
fn mempool_capacity_4096_refuses_the_4097th() {
    let mut vm = vm();
    for n in 0..4096u32 {
        let mut bytes = [0u8; 32];
        bytes[..4].copy_from_slice(&n.to_be_bytes());
        vm.submit(Data(bytes)).unwrap();
    }
    assert_eq!(vm.pending_count(), 4096);
    assert_eq!(
        vm.submit(Data([0xff; 32])),
        Err(VmError::Mempool(MempoolError::Full { capacity: 4096 }))
    );
}

#[test]
fn restart_replays_the_accepted_chain() {
    let mut old = vm();
    for (n, text) in ["a", "b", "c"].iter().enumerate() {
        old.submit(data(text)).unwrap();
        let id = old.build_block(n as i64).unwrap();
        old.accept(&id).unwrap();
        old.set_preference(&id).unwrap();
    }
    let mut fresh = vm();
    for height in 1..=3 {
        let id = old.get_block_id_at_height(height).unwrap();
        let bytes = old.get_block(&id).unwrap().bytes.clone();
        assert_eq!(fresh.parse_block(&bytes), Ok(id));
        fresh.verify(&id, 10).unwrap();
        fresh.accept(&id).unwrap();
    }
    assert_eq!(fresh.last_accepted(), old.last_accepted());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parse_block_never_panics(bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            // Half the cases have the right length and version, so they reach the VM's rules.
            proptest::collection::vec(any::<u8>(), 80).prop_map(|tail| {
                let mut bytes = vec![0u8, 0];
                bytes.extend(tail);
                bytes
            }),
        ]) {
            let mut vm = vm();
            match vm.parse_block(&bytes) {
                Ok(id) => {
                    prop_assert_eq!(bytes.len(), 82);
                    prop_assert_eq!(id, Id::digest(&bytes));
                    prop_assert_eq!(&vm.get_block(&id).unwrap().bytes, &bytes);
                    // Verifying arbitrary blocks never panics either.
                    let _ = vm.verify(&id, i64::MAX);
                    let _ = vm.accept(&id);
                    let _ = vm.reject(&id);
                }
                Err(VmError::Malformed(_)) => {}
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }

        #[test]
        fn codec_round_trips(parent in any::<[u8; 32]>(), height in any::<u64>(),
                             timestamp in any::<i64>(), payload in any::<[u8; 32]>()) {
            let block = Block { parent: Id(parent), height, timestamp, data: Data(payload) };
            let bytes = block.to_bytes();
            prop_assert_eq!(Block::from_bytes(&bytes), Ok(block));
            prop_assert_eq!(block.id(), Id::digest(&bytes));
        }
    }
}
