//! Engine tests: a handful of engines over TimestampVMs, wired by a tiny pump that delivers
//! every outbox message at once, in FIFO order (no latency, no loss), plus direct calls for the
//! cases that need a message held back or forged.

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::chain::timestampvm::{genesis_bytes, Data, TimestampVm};

/// Small parameters that finish quickly: K = n, alphas 4, Beta 3.
fn params(k: u32) -> Parameters {
    let p = Parameters {
        k,
        alpha_preference: k / 2 + 1,
        alpha_confidence: k / 2 + 1,
        beta: 3,
        beta_rogue: 3,
        concurrent_repolls: 2,
        optimal_processing: 10,
    };
    assert_eq!(p.validate(), Ok(()));
    p
}

fn data(text: &str) -> Data {
    let mut bytes = [0u8; 32];
    bytes[..text.len()].copy_from_slice(text.as_bytes());
    Data(bytes)
}

fn new_engine(node: NodeIndex, n: u32, params: Parameters) -> Engine<TimestampVm> {
    let mut vm = TimestampVm::new();
    let genesis = genesis_bytes(b"engine tests").unwrap();
    vm.initialize(&genesis, &[]).unwrap();
    let validators = Rc::new(Validators {
        weights: vec![1; n as usize],
    });
    let mut engine = Engine::new(node, vm, params, validators, 1000 + u64::from(node));
    engine.set_conflict_entry(byzantine::timestamp_conflict_data);
    engine
}

/// Engines and a FIFO of messages between them.
struct Pump {
    engines: Vec<Engine<TimestampVm>>,
    queue: VecDeque<(NodeIndex, NodeIndex, Message)>,
    events: Vec<(NodeIndex, EngineEvent)>,
    /// Reused between calls, as a network would, so that the pump does not allocate per message.
    out: Outbox,
    delivered: u64,
    now: Millis,
}

impl Pump {
    fn new(n: u32, params: Parameters) -> Pump {
        Pump {
            engines: (0..n).map(|i| new_engine(i, n, params)).collect(),
            queue: VecDeque::new(),
            events: Vec::new(),
            out: Outbox::default(),
            delivered: 0,
            now: 1_000,
        }
    }

    fn take(&mut self, from: NodeIndex, mut out: Outbox) {
        for (to, message) in out.take_messages() {
            self.queue.push_back((from, to, message));
        }
        self.events
            .extend(out.events.drain(..).map(|event| (from, event)));
        self.out = out;
    }

    fn with(
        &mut self,
        node: NodeIndex,
        call: impl FnOnce(&mut Engine<TimestampVm>, Millis, &mut Outbox),
    ) {
        let mut out = core::mem::take(&mut self.out);
        let now = self.now;
        call(&mut self.engines[node as usize], now, &mut out);
        self.take(node, out);
    }

    fn propose_and_build(&mut self, node: NodeIndex, text: &str) -> Id {
        let mut built = None;
        self.with(node, |engine, now, out| {
            engine.submit(data(text), now, false, out).unwrap();
            built = Some(engine.build_block(now, out).unwrap());
        });
        built.unwrap()
    }

    /// Delivers one message; false when the queue is empty.
    fn step(&mut self) -> bool {
        let Some((from, to, message)) = self.queue.pop_front() else {
            return false;
        };
        self.delivered += 1;
        self.now += 1;
        self.with(to, |engine, now, out| {
            engine.handle(from, message, now, out)
        });
        true
    }

    fn run(&mut self, budget: u64) {
        for _ in 0..budget {
            if !self.step() {
                return;
            }
        }
        panic!("the pump did not go quiet within {budget} messages");
    }

    fn status(&self, node: NodeIndex, id: &Id) -> Status {
        self.engines[node as usize].vm().status(id)
    }

    fn records(&self, node: NodeIndex) -> Vec<&PollRecord> {
        self.events
            .iter()
            .filter_map(|(n, event)| match event {
                EngineEvent::PollFinished(record) if *n == node => Some(record),
                _ => None,
            })
            .collect()
    }
}

fn bytes_of(engine: &Engine<TimestampVm>, id: &Id) -> Rc<[u8]> {
    Rc::from(engine.vm().get_block(id).unwrap().bytes.as_slice())
}

/// Node 0 of 3, alone, having built a chain of one block per text on genesis (each on the
/// last); the blocks' IDs, oldest first.
fn chain_on_node_0(texts: &[&str]) -> (Engine<TimestampVm>, Vec<Id>) {
    let mut builder = new_engine(0, 3, params(3));
    let mut out = Outbox::default();
    let ids = texts
        .iter()
        .map(|text| {
            builder.submit(data(text), 1_000, false, &mut out).unwrap();
            builder.build_block(1_000, &mut out).unwrap()
        })
        .collect();
    (builder, ids)
}

#[test]
fn one_block_built_on_node_0_is_accepted_by_every_node() {
    let mut pump = Pump::new(5, params(5));
    let a = pump.propose_and_build(0, "a");
    pump.run(100_000);
    for node in 0..5 {
        assert_eq!(pump.status(node, &a), Status::Accepted, "node {node}");
        assert_eq!(pump.engines[node as usize].last_accepted(), (a, 1));
        assert_eq!(pump.engines[node as usize].consensus().num_processing(), 0);
        assert!(pump.engines[node as usize].outstanding_polls().is_empty());
    }
    assert!(pump
        .events
        .iter()
        .any(|(n, e)| *n == 3 && *e == EngineEvent::Accepted { id: a, height: 1 }));
    // Node 0 built it and pushed it to all K = 5 nodes (itself included).
    let pushes = pump
        .events
        .iter()
        .find_map(|(n, e)| match e {
            EngineEvent::PollStarted { sampled, .. } if *n == 0 => Some(sampled.clone()),
            _ => None,
        })
        .unwrap();
    let mut sorted = pushes;
    sorted.sort_unstable();
    assert_eq!(sorted, [0, 1, 2, 3, 4]);
}

#[test]
fn of_two_conflicting_blocks_one_is_accepted_and_the_other_rejected_everywhere() {
    let mut pump = Pump::new(7, params(7));
    // Both are built on genesis before either is delivered: a fork at height 1.
    let a = pump.propose_and_build(0, "a");
    let b = pump.propose_and_build(1, "b");
    pump.run(200_000);
    let winner = if pump.status(0, &a) == Status::Accepted {
        a
    } else {
        b
    };
    let loser = if winner == a { b } else { a };
    for node in 0..7 {
        assert_eq!(pump.status(node, &winner), Status::Accepted, "node {node}");
        assert_eq!(pump.status(node, &loser), Status::Rejected, "node {node}");
    }
    // The loser's data went back to its builder's mempool.
    let builder = if loser == a { 0 } else { 1 };
    assert_eq!(pump.engines[builder].vm().pending_count(), 1);
}

#[test]
fn a_chain_of_blocks_is_accepted_in_order() {
    let mut pump = Pump::new(5, params(5));
    let a = pump.propose_and_build(0, "a");
    let b = pump.propose_and_build(0, "b");
    let c = pump.propose_and_build(0, "c");
    pump.run(200_000);
    for node in 0..5 {
        assert_eq!(
            pump.engines[node as usize].last_accepted(),
            (c, 3),
            "node {node}"
        );
        for id in [a, b] {
            assert_eq!(pump.status(node, &id), Status::Accepted);
        }
    }
    let order: Vec<Id> = pump
        .events
        .iter()
        .filter_map(|(n, e)| match e {
            EngineEvent::Accepted { id, .. } if *n == 2 => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(order, [a, b, c]);
}

#[test]
fn auto_build_builds_on_submit_up_to_optimal_processing() {
    let mut p = params(3);
    p.optimal_processing = 2;
    let mut engine = new_engine(0, 3, p);
    let mut out = Outbox::default();
    for text in ["a", "b", "c"] {
        engine.submit(data(text), 1_000, true, &mut out).unwrap();
    }
    // Two built (OptimalProcessing), one still pending.
    assert_eq!(engine.consensus().num_processing(), 2);
    assert_eq!(engine.vm().pending_count(), 1);
    let built = out
        .events
        .iter()
        .filter(|e| matches!(e, EngineEvent::Built { .. }))
        .count();
    assert_eq!(built, 2);
}

#[test]
fn an_unknown_parent_is_fetched_from_the_peer_that_sent_the_block() {
    let (mut builder, ids) = chain_on_node_0(&["a", "b"]);
    let (a, b) = (ids[0], ids[1]);

    let mut node = new_engine(2, 3, params(3));
    let mut out = Outbox::default();
    node.receive_block(0, bytes_of(&builder, &b), 1_000, &mut out);
    assert_eq!(node.pending_blocks(), [b], "b waits for its parent");
    assert!(!node.consensus().processing(&b));
    let (request_id, wanted) = match out.take_messages().as_slice() {
        [(
            0,
            Message::GetAncestors {
                request_id,
                block_id,
            },
        )] => (*request_id, *block_id),
        other => panic!("expected one GetAncestors to node 0, got {other:?}"),
    };
    assert_eq!(wanted, a);
    assert_eq!(node.fetching(), [(a, 0)]);

    // Node 0 answers with a (its parent is accepted, so nothing more).
    let mut answer = Outbox::default();
    builder.handle(
        2,
        Message::GetAncestors {
            request_id,
            block_id: a,
        },
        1_001,
        &mut answer,
    );
    let reply = match answer.take_messages().as_slice() {
        [(2, reply @ Message::Ancestors { blocks, .. })] => {
            assert_eq!(blocks.len(), 1);
            reply.clone()
        }
        other => panic!("expected Ancestors to node 2, got {other:?}"),
    };
    let mut out = Outbox::default();
    node.handle(0, reply, 1_002, &mut out);
    assert!(node.consensus().processing(&a));
    assert!(node.consensus().processing(&b));
    assert!(node.pending_blocks().is_empty());
    assert!(node.fetching().is_empty());
    let issued: Vec<Id> = out
        .events
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Issued { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(issued, [a, b], "parent first");
    assert_eq!(node.preference(), b);
}

#[test]
fn get_ancestors_answers_the_block_and_its_processing_ancestors_newest_first() {
    let (mut builder, ids) = chain_on_node_0(&["a", "b", "c"]);
    let mut answer = Outbox::default();
    builder.handle(
        1,
        Message::GetAncestors {
            request_id: 9,
            block_id: ids[2],
        },
        1_000,
        &mut answer,
    );
    let messages = answer.take_messages();
    let Some((
        1,
        Message::Ancestors {
            request_id: 9,
            blocks,
        },
    )) = messages.first()
    else {
        panic!("no answer: {messages:?}");
    };
    let got: Vec<Id> = blocks.iter().map(|b| Id::digest(b)).collect();
    assert_eq!(got, [ids[2], ids[1], ids[0]]);
    // An unknown block gets an empty answer.
    let mut answer = Outbox::default();
    builder.handle(
        1,
        Message::GetAncestors {
            request_id: 10,
            block_id: Id::digest(b"nothing"),
        },
        1_000,
        &mut answer,
    );
    assert_eq!(
        answer.take_messages(),
        [(
            1,
            Message::Ancestors {
                request_id: 10,
                blocks: Vec::new()
            }
        )]
    );
}

#[test]
fn a_failed_fetch_abandons_the_blocks_waiting_for_it() {
    let (builder, ids) = chain_on_node_0(&["a", "b"]);
    let b = ids[1];
    let mut node = new_engine(1, 3, params(3));
    let mut out = Outbox::default();
    node.receive_block(0, bytes_of(&builder, &b), 1_000, &mut out);
    let Some((_, Message::GetAncestors { request_id, .. })) = out.take_messages().first().cloned()
    else {
        panic!("no fetch");
    };
    node.handle(
        0,
        Message::QueryFailed {
            request_id,
            peer: 0,
        },
        1_500,
        &mut out,
    );
    assert!(node.pending_blocks().is_empty());
    assert!(node.fetching().is_empty());
}

/// A pushed block waits for its fetched parent; meanwhile the node accepts the parent's sibling.
/// When the parent arrives at the now decided height it is dropped as rejected, and so is the
/// child that waited for it (engine.go `issueFrom` abandons the dependencies of a decided
/// block): nothing stays pending or Processing, which once left a node with a processing block
/// and no poll to decide it.
#[test]
fn a_fetched_parent_at_a_decided_height_takes_its_waiting_child_with_it() {
    let (mut outsider, ids) = chain_on_node_0(&["a", "b"]);
    let (a, b) = (ids[0], ids[1]);

    let mut pump = Pump::new(3, params(3));
    let bytes = bytes_of(&outsider, &b);
    pump.with(2, |engine, now, out| {
        engine.receive_block(0, bytes, now, out)
    });
    let fetch = match pump.queue.pop_back() {
        Some((
            2,
            0,
            Message::GetAncestors {
                request_id,
                block_id,
            },
        )) => {
            assert_eq!(block_id, a);
            request_id
        }
        other => panic!("expected node 2 to fetch a from node 0, got {other:?}"),
    };
    assert_eq!(pump.engines[2].pending_blocks(), [b]);

    let sibling = pump.propose_and_build(1, "a'");
    pump.run(10_000);
    assert_eq!(pump.status(2, &sibling), Status::Accepted);
    assert_eq!(pump.engines[2].pending_blocks(), [b], "still waiting for a");

    let mut answer = Outbox::default();
    outsider.handle(
        2,
        Message::GetAncestors {
            request_id: fetch,
            block_id: a,
        },
        1_001,
        &mut answer,
    );
    let reply = match answer.take_messages().as_slice() {
        [(2, reply @ Message::Ancestors { .. })] => reply.clone(),
        other => panic!("expected Ancestors to node 2, got {other:?}"),
    };
    pump.with(2, |engine, now, out| engine.handle(0, reply, now, out));
    let node = &pump.engines[2];
    assert!(
        node.pending_blocks().is_empty(),
        "{:?}",
        node.pending_blocks()
    );
    assert!(node.fetching().is_empty());
    assert_eq!(pump.status(2, &a), Status::Rejected);
    assert_eq!(pump.status(2, &b), Status::Rejected);
    let rejected: Vec<Id> = pump
        .events
        .iter()
        .filter_map(|(node, event)| match event {
            EngineEvent::Rejected { id, .. } if *node == 2 && *id != sibling => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(rejected, [a, b], "parent first");
}

#[test]
fn a_poll_terminates_early_once_alpha_confidence_is_reached() {
    let mut pump = Pump::new(5, params(5));
    let a = pump.propose_and_build(0, "a");
    pump.run(100_000);
    // With K = 5 and both alphas 3, a poll is settled after three matching votes: two sampled
    // nodes are still unanswered when it finishes.
    let early = pump
        .records(0)
        .into_iter()
        .find(|r| r.early && r.bag.count(&a) == 3)
        .cloned()
        .expect("an early poll");
    assert_eq!(early.voters.iter().filter(|(_, v)| v.is_none()).count(), 2);
    assert!(early.successful);
    // The very first poll (the push) was answered by three nodes before they had the block:
    // their votes for genesis are dropped and AlphaPreference is out of reach, so it also ends
    // early, unsuccessful.
    let first = pump.records(0)[0];
    let for_genesis = first
        .voters
        .iter()
        .filter(|(_, vote)| vote.is_some_and(|vote| vote != a))
        .count();
    assert_eq!(for_genesis, 3, "{first:?}");
    assert!(first.early);
    assert!(first.bag.count(&a) < 3);
    assert!(!first.successful);
}

#[test]
fn finished_polls_are_applied_oldest_first() {
    let p = params(3);
    let mut pump = Pump::new(3, p);
    let a = pump.propose_and_build(0, "a");
    // Node 0 has two polls out: the push (1) and a repoll (2).
    let views = pump.engines[0].outstanding_polls();
    assert_eq!(
        views.iter().map(|v| v.request_id).collect::<Vec<_>>(),
        [1, 2]
    );
    // Let the other nodes learn the block first, without answering node 0.
    let held: Vec<_> = pump.queue.drain(..).collect();
    for (from, to, message) in &held {
        if let Message::PushQuery { block, .. } = message {
            if *to != 0 {
                let mut out = Outbox::default();
                pump.engines[*to as usize].receive_block(*from, block.clone(), 1_000, &mut out);
            }
        }
    }
    // Answer poll 2 completely, poll 1 not at all.
    for peer in 0..3u32 {
        let (at_height, preferred) = pump.engines[peer as usize].chits_for(0, 1);
        assert_eq!(preferred, a);
        let mut out = Outbox::default();
        pump.engines[0].handle(
            peer,
            Message::Chits {
                request_id: 2,
                preferred,
                preferred_at_height: at_height,
                accepted: Id::EMPTY,
            },
            1_010,
            &mut out,
        );
        pump.take(0, out);
    }
    assert_eq!(
        pump.engines[0].polls_finished(),
        0,
        "poll 2 waits for poll 1"
    );
    assert_eq!(pump.engines[0].outstanding_polls().len(), 2);
    assert!(pump.records(0).is_empty());
    // Poll 1 now times out on every peer: both are recorded, 1 then 2.
    for peer in 0..3u32 {
        let mut out = Outbox::default();
        pump.engines[0].handle(
            peer,
            Message::QueryFailed {
                request_id: 1,
                peer,
            },
            1_020,
            &mut out,
        );
        pump.take(0, out);
    }
    let order: Vec<u32> = pump.records(0).iter().map(|r| r.request_id).collect();
    assert_eq!(order, [1, 2]);
    assert_eq!(pump.engines[0].polls_finished(), 2);
    let second = pump.records(0)[1];
    assert_eq!(second.bag.count(&a), 3);
    assert!(second.successful);
    // Two matching votes (both alphas) settled it; the third answer came while it waited for
    // poll 1, and still counts (as in poll/set.go, a finished poll keeps taking votes until it
    // leaves the set).
    assert!(second.early);
    assert_eq!(second.finished_at, 1_010);
}

#[test]
fn a_malformed_push_query_is_refused_without_panic_and_still_answered() {
    let mut engine = new_engine(1, 3, params(3));
    let mut out = Outbox::default();
    engine.handle(
        0,
        Message::PushQuery {
            request_id: 4,
            block: Rc::from(&[1u8, 2, 3][..]),
            requested_height: 1,
        },
        1_000,
        &mut out,
    );
    assert!(matches!(
        out.events.as_slice(),
        [EngineEvent::Refused {
            id: None,
            error: VmError::Malformed(_)
        }]
    ));
    let genesis = engine.vm().last_accepted();
    assert_eq!(
        out.take_messages(),
        [(
            0,
            Message::Chits {
                request_id: 4,
                preferred: genesis,
                preferred_at_height: genesis,
                accepted: genesis,
            }
        )]
    );
    // Garbage in Ancestors too.
    let mut out = Outbox::default();
    engine.handle(
        0,
        Message::Ancestors {
            request_id: 77,
            blocks: vec![Rc::from(&[0u8; 5][..])],
        },
        1_000,
        &mut out,
    );
    assert!(matches!(
        out.events.as_slice(),
        [EngineEvent::Refused { id: None, .. }]
    ));
}

#[test]
fn a_block_that_fails_verify_is_refused() {
    let mut builder = new_engine(0, 3, params(3));
    let mut out = Outbox::default();
    builder
        .submit(data("future"), 10_000_000, false, &mut out)
        .unwrap();
    // Built at 10,000 s: more than an hour ahead of a node at 1 s.
    let future = builder.build_block(10_000_000, &mut out).unwrap();
    let mut node = new_engine(1, 3, params(3));
    let mut out = Outbox::default();
    node.receive_block(0, bytes_of(&builder, &future), 1_000, &mut out);
    assert!(matches!(
        out.events.as_slice(),
        [EngineEvent::Refused { id: Some(id), error: VmError::Invalid { .. } }] if *id == future
    ));
    assert!(!node.consensus().processing(&future));
    assert!(out.take_messages().is_empty());
}

#[test]
fn votes_for_unknown_blocks_are_fetched_and_bubbled_to_processing_ancestors() {
    let p = params(3);
    // Node 1 builds a <- b <- c, and d on c far in the future (it will fail verify at node 0).
    let mut builder = new_engine(1, 3, p);
    let mut out = Outbox::default();
    let mut chain = Vec::new();
    for text in ["a", "b", "c"] {
        builder.submit(data(text), 1_000, false, &mut out).unwrap();
        chain.push(builder.build_block(1_000, &mut out).unwrap());
    }
    let (a, b, c) = (chain[0], chain[1], chain[2]);
    builder
        .submit(data("d"), 10_000_000, false, &mut out)
        .unwrap();
    let d = builder.build_block(10_000_000, &mut out).unwrap();

    let mut node = new_engine(0, 3, p);
    let mut out = Outbox::default();
    node.receive_block(1, bytes_of(&builder, &a), 1_000, &mut out);
    let polls = node.outstanding_polls();
    let request_id = polls[0].request_id;
    assert_eq!(polls[0].block, a);

    // Chits naming c (unknown) with a at the requested height: the vote goes to a, and c is
    // fetched from the voter.
    let mut out = Outbox::default();
    node.handle(
        1,
        Message::Chits {
            request_id,
            preferred: c,
            preferred_at_height: a,
            accepted: Id::EMPTY,
        },
        1_001,
        &mut out,
    );
    assert!(out
        .take_messages()
        .iter()
        .any(|(to, m)| *to == 1
            && matches!(m, Message::GetAncestors { block_id, .. } if *block_id == c)));
    let view = &node.outstanding_polls()[0];
    assert_eq!(view.votes, [(1, a)]);
    let sampled_order: Vec<NodeIndex> = view.waiting_on.clone();

    // Chits naming only an unknown block: dropped (and fetched; the fetch of c is already out,
    // so no second one).
    let mut out = Outbox::default();
    node.handle(
        2,
        Message::Chits {
            request_id,
            preferred: c,
            preferred_at_height: c,
            accepted: Id::EMPTY,
        },
        1_002,
        &mut out,
    );
    assert!(out
        .take_messages()
        .iter()
        .all(|(_, m)| !matches!(m, Message::GetAncestors { .. })));
    let view = &node.outstanding_polls()[0];
    let mut votes = view.votes.clone();
    votes.sort_unstable();
    assert_eq!(
        votes,
        [(1, a), (2, c)],
        "shown as said; counted for nothing"
    );
    assert!(sampled_order.contains(&2));

    // d fails verify at node 0 but its bytes are known: a vote for d bubbles through it to its
    // nearest processing ancestor. First make b and c known: the fetch answer.
    let mut out = Outbox::default();
    let ancestors = vec![bytes_of(&builder, &c), bytes_of(&builder, &b)];
    let fetch = node.fetching()[0];
    assert_eq!(fetch, (c, 1));
    node.handle(
        1,
        Message::Ancestors {
            request_id: 2,
            blocks: ancestors,
        },
        1_003,
        &mut out,
    );
    assert!(node.consensus().processing(&c));
    node.receive_block(1, bytes_of(&builder, &d), 1_004, &mut out);
    assert!(!node.consensus().processing(&d));
    assert_eq!(
        node.vote_for(d, d),
        Some(c),
        "bubbled from unverified d to c"
    );
    assert_eq!(node.vote_for(Id::digest(b"?"), b), Some(b));
    assert_eq!(
        node.vote_for(node.last_accepted().0, node.last_accepted().0),
        None
    );
}

#[test]
fn query_failed_counts_the_peer_as_answered_without_a_vote() {
    let mut engine = new_engine(0, 3, params(3));
    let mut out = Outbox::default();
    engine.submit(data("a"), 1_000, false, &mut out).unwrap();
    let a = engine.build_block(1_000, &mut out).unwrap();
    let request_id = engine.outstanding_polls()[0].request_id;
    for peer in [1, 2] {
        engine.handle(
            peer,
            Message::QueryFailed { request_id, peer },
            2_000,
            &mut out,
        );
    }
    // Two failures of three: AlphaPreference (2) is out of reach only after... K = 3, alpha 2:
    // 0 votes + 1 remaining < 2: finished.
    let record = out
        .events
        .iter()
        .find_map(|e| match e {
            EngineEvent::PollFinished(r) => Some(r.clone()),
            _ => None,
        })
        .expect("finished");
    assert_eq!(record.request_id, request_id);
    assert!(record.bag.is_empty());
    assert!(record.early);
    assert_eq!(
        record
            .voters
            .iter()
            .filter(|(n, v)| *n != 0 && v.is_none())
            .count(),
        2
    );
    assert_eq!(engine.preference(), a);
}

/// A network of `n` engines where the last one behaves as `behavior`, after node 0 pushed `a`
/// to it; returns the Byzantine engine and `a`.
fn byzantine_with_block(behavior: Behavior, target: Option<Id>) -> (Engine<TimestampVm>, Id, Id) {
    let mut builder = new_engine(0, 5, params(5));
    let mut out = Outbox::default();
    builder.submit(data("a"), 1_000, false, &mut out).unwrap();
    let a = builder.build_block(1_000, &mut out).unwrap();
    let mut byz = new_engine(4, 5, params(5));
    byz.set_behavior(behavior, target);
    let mut out = Outbox::default();
    byz.handle(
        0,
        Message::PushQuery {
            request_id: 1,
            block: bytes_of(&builder, &a),
            requested_height: 1,
        },
        1_000,
        &mut out,
    );
    let genesis = builder.last_accepted().0;
    (byz, a, genesis)
}

fn ask(engine: &mut Engine<TimestampVm>, peer: NodeIndex) -> Vec<(NodeIndex, Message)> {
    let mut out = Outbox::default();
    let block_id = engine.consensus().preference();
    engine.handle(
        peer,
        Message::PullQuery {
            request_id: 50,
            block_id,
            requested_height: 1,
        },
        1_100,
        &mut out,
    );
    out.take_messages()
}

#[test]
fn fixed_vote_builds_its_own_sibling_and_always_votes_for_it() {
    let (mut byz, a, genesis) = byzantine_with_block(Behavior::FixedVote, None);
    let sibling = byz.conflict_block().expect("a sibling");
    assert_ne!(sibling, a);
    let header = byz.vm().get_block(&sibling).unwrap();
    assert_eq!((header.parent, header.height), (genesis, 1));
    assert_eq!(
        byz.vm().block_data(&sibling).unwrap(),
        byzantine::timestamp_conflict_data(4, 1)
    );
    for peer in [1, 2] {
        assert_eq!(
            ask(&mut byz, peer),
            [(
                peer,
                Message::Chits {
                    request_id: 50,
                    preferred: sibling,
                    preferred_at_height: sibling,
                    accepted: genesis,
                }
            )]
        );
    }
    // It serves its sibling to honest nodes that fetch it.
    let mut out = Outbox::default();
    byz.handle(
        2,
        Message::GetAncestors {
            request_id: 3,
            block_id: sibling,
        },
        1_100,
        &mut out,
    );
    let messages = out.take_messages();
    let Some((2, Message::Ancestors { blocks, .. })) = messages.first() else {
        panic!("no Ancestors");
    };
    assert_eq!(Id::digest(&blocks[0]), sibling);
    // It never polls.
    assert!(byz.outstanding_polls().is_empty());
}

#[test]
fn fixed_vote_with_a_target_votes_for_the_target() {
    let target = Id::digest(b"target");
    let (mut byz, _, genesis) = byzantine_with_block(Behavior::FixedVote, Some(target));
    assert_eq!(byz.conflict_block(), Some(target));
    assert_eq!(
        ask(&mut byz, 1),
        [(
            1,
            Message::Chits {
                request_id: 50,
                preferred: target,
                preferred_at_height: target,
                accepted: genesis,
            }
        )]
    );
}

#[test]
fn silent_never_answers_and_never_polls() {
    let (mut byz, _, _) = byzantine_with_block(Behavior::Silent, None);
    assert!(ask(&mut byz, 1).is_empty());
    assert!(byz.outstanding_polls().is_empty());
}

#[test]
fn equivocating_answers_even_peers_honestly_and_odd_peers_with_its_sibling() {
    let (mut byz, a, _) = byzantine_with_block(Behavior::Equivocating, None);
    let sibling = byz.conflict_block().expect("a sibling");
    let chits = |messages: Vec<(NodeIndex, Message)>| match messages.as_slice() {
        [(_, Message::Chits { preferred, .. })] => *preferred,
        other => panic!("expected chits, got {other:?}"),
    };
    assert_eq!(chits(ask(&mut byz, 2)), a, "even: its honest preference");
    assert_eq!(
        chits(ask(&mut byz, 3)),
        sibling,
        "odd: its conflicting block"
    );
    assert_eq!(byz.chits_for(2, 1), (a, a));
    assert_eq!(byz.chits_for(3, 1), (sibling, sibling));
}

#[test]
fn honest_nodes_accept_despite_a_fixed_vote_node() {
    let mut pump = Pump::new(7, params(7));
    pump.engines[6].set_behavior(Behavior::FixedVote, None);
    let a = pump.propose_and_build(0, "a");
    pump.run(300_000);
    let sibling = pump.engines[6].conflict_block().expect("a sibling");
    for node in 0..6 {
        assert_eq!(pump.status(node, &a), Status::Accepted, "node {node}");
        // Honest nodes fetched the sibling through chits, and rejected it.
        assert_eq!(pump.status(node, &sibling), Status::Rejected, "node {node}");
    }
}

#[test]
fn same_seeds_give_the_same_run() {
    let run = || {
        let mut pump = Pump::new(6, params(5));
        pump.propose_and_build(0, "a");
        pump.propose_and_build(3, "b");
        pump.run(300_000);
        (pump.events, pump.delivered)
    };
    assert_eq!(run(), run());
}

#[test]
fn weighted_validators_are_sampled_by_stake() {
    let mut vm = TimestampVm::new();
    vm.initialize(&genesis_bytes(b"w").unwrap(), &[]).unwrap();
    let validators = Rc::new(Validators {
        weights: vec![0, 10, 10, 10],
    });
    let mut engine = Engine::new(0, vm, params(3), validators, 1);
    let mut out = Outbox::default();
    engine.submit(data("a"), 1_000, false, &mut out).unwrap();
    engine.build_block(1_000, &mut out).unwrap();
    let sampled = out
        .events
        .iter()
        .find_map(|e| match e {
            EngineEvent::PollStarted { sampled, .. } => Some(sampled.clone()),
            _ => None,
        })
        .unwrap();
    let mut sorted = sampled;
    sorted.sort_unstable();
    assert_eq!(sorted, [1, 2, 3], "node 0 has no stake");
}

#[test]
#[ignore = "speed measurement: run with --release --ignored --nocapture"]
fn speed_one_block_on_many_nodes() {
    for n in [100u32, 1_000] {
        let mut pump = Pump::new(n, Parameters::DEFAULT);
        for engine in &mut pump.engines {
            engine.set_trace(false);
        }
        let start = std::time::Instant::now();
        let a = pump.propose_and_build(0, "a");
        pump.run(1 << 32);
        let elapsed = start.elapsed();
        let polls: u64 = pump.engines.iter().map(|e| e.polls_finished()).sum();
        let accepted = (0..n)
            .filter(|i| pump.status(*i, &a) == Status::Accepted)
            .count();
        std::println!(
            "n = {n}: {} messages, {polls} polls, {accepted} accepted, {elapsed:?}",
            pump.delivered
        );
        assert_eq!(accepted, n as usize);
    }
}

#[test]
#[cfg(target_pointer_width = "64")]
fn a_message_reads_the_first_two_lines_of_its_engine() {
    use core::mem::{align_of, offset_of};
    type E = Engine<TimestampVm>;
    assert_eq!(align_of::<E>(), 64);
    // Line 0: what a query is answered with and a vote is checked against.
    assert_eq!(offset_of!(E, preference), 0);
    assert_eq!(offset_of!(E, accepted), 32);
    // Line 1: the poll set (an answer's poll), the preference's height, behavior, building.
    assert_eq!(offset_of!(E, polls), 64);
    for end in [
        offset_of!(E, preference_height) + 8,
        offset_of!(E, behavior) + 1,
        offset_of!(E, auto_build) + 1,
    ] {
        assert!(end <= 128, "a field every message reads ends at byte {end}");
    }
}

#[test]
fn the_outbox_gives_its_messages_in_send_order_whatever_form_they_are_held_in() {
    let id = |byte: u8| Id([byte; 32]);
    let chits = Chits {
        request_id: 1,
        preferred: id(1),
        preferred_at_height: id(2),
        accepted: id(3),
    };
    let fetch = |block: u8| Message::GetAncestors {
        request_id: u32::from(block),
        block_id: id(block),
    };
    let pull = |request_id: u32| Message::PullQuery {
        request_id,
        block_id: id(9),
        requested_height: 4,
    };
    let mut out = Outbox {
        answer: Some((7, chits)),
        messages: vec![(5, fetch(5)), (6, fetch(6))],
        peers: vec![10, 11, 12],
        ..Outbox::default()
    };
    // A poll after the first fetch, another after both, sharing the peers list.
    out.pull_queries = vec![
        PullQueries {
            at: 1,
            request_id: 20,
            block_id: id(9),
            requested_height: 4,
            start: 0,
            end: 2,
        },
        PullQueries {
            at: 2,
            request_id: 21,
            block_id: id(9),
            requested_height: 4,
            start: 2,
            end: 3,
        },
    ];
    assert!(!out.nothing_to_send());
    assert_eq!(
        out.take_messages(),
        [
            (7, Message::from(chits)),
            (5, fetch(5)),
            (10, pull(20)),
            (11, pull(20)),
            (6, fetch(6)),
            (12, pull(21)),
        ]
    );
    assert!(out.nothing_to_send());
    assert!(out.peers.is_empty());
}

#[test]
fn an_honest_answer_goes_in_the_answer_slot_and_a_later_one_in_order() {
    let mut engine = new_engine(0, 4, params(3));
    let mut out = Outbox::default();
    engine.pull_query(1, 5, engine.preference(), 0, 1_000, &mut out);
    let Some((1, first)) = out.answer else {
        panic!("no answer in the slot: {out:?}");
    };
    assert_eq!(first.request_id, 5);
    assert!(out.messages.is_empty());
    // With something already to send, chits keep their place among the messages.
    engine.pull_query(2, 6, engine.preference(), 0, 1_000, &mut out);
    let messages = out.take_messages();
    assert_eq!(messages.len(), 2);
    assert!(matches!(
        messages[1],
        (2, Message::Chits { request_id: 6, .. })
    ));
}

#[test]
fn the_usual_pull_query_is_answered_exactly_as_pull_query_answers_it() {
    let (mut honest, a, genesis) = byzantine_with_block(Behavior::Honest, None);
    assert_eq!(honest.preference(), a);
    // Asked about its preference at its height: chits naming it twice, and nothing else.
    assert_eq!(honest.usual_pull_query(&a, 1), Some(genesis));
    let mut out = Outbox::default();
    honest.pull_query(2, 50, a, 1, 1_100, &mut out);
    assert!(out.events.is_empty());
    assert_eq!(
        out.take_messages(),
        vec![(
            2,
            Message::Chits {
                request_id: 50,
                preferred: a,
                preferred_at_height: a,
                accepted: genesis,
            }
        )]
    );
    // Above its chain's tip too (its preference is then the block at that height).
    assert_eq!(honest.usual_pull_query(&a, 7), Some(genesis));
    // Not the usual query: below the preference's height, about another block.
    assert_eq!(honest.usual_pull_query(&a, 0), None);
    assert_eq!(honest.usual_pull_query(&genesis, 1), None);
    // A node that builds by itself may build after answering.
    let mut out = Outbox::default();
    honest.submit(data("b"), 1_100, true, &mut out).unwrap();
    let preference = honest.preference();
    assert_eq!(honest.usual_pull_query(&preference, u64::MAX), None);
    // Byzantine nodes answer their own way.
    for behavior in [
        Behavior::Silent,
        Behavior::FixedVote,
        Behavior::Equivocating,
    ] {
        let (byz, a, _) = byzantine_with_block(behavior, None);
        assert_eq!(byz.usual_pull_query(&a, 1), None, "{behavior:?}");
    }
}
