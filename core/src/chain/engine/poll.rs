//! The polls one engine has in flight, and when each one may stop waiting.
//!
//! - [`PollSet`] follows avalanchego's `snow/consensus/snowman/poll/set.go`: polls are keyed by
//!   request ID in the order they were started, and finished polls leave the set **oldest
//!   first**: a poll that finishes while an older one is still waiting stays in the set until
//!   the older one finishes (or times out), so consensus always records polls in the order they
//!   were issued.
//! - [`Poll::finished`] is `poll/early_term_traversal.go`'s `Finished`: a poll ends when nobody
//!   is left to answer; or when even the remaining answers could not give any choice
//!   AlphaPreference votes; or when every block and every shared-ID-prefix that received votes
//!   (counting a vote for a block as a vote for its processing ancestors, as `graph.go` and
//!   `prefix.go` do) has either reached AlphaConfidence, or reached AlphaPreference and can no
//!   longer reach AlphaConfidence, or can no longer reach AlphaPreference.
//!
//! A sampled node carries one vote (the sampler draws each node at most once). The votes kept
//! here are already bubbled to processing blocks (engine.go `getProcessingAncestor` runs before
//! `polls.Vote`); the engine bubbles again when it records a finished poll, because older polls
//! may have decided blocks in between.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::chain::engine::{Millis, NodeIndex};
use crate::chain::id::{Id, ID_BITS};

/// What one sampled node said.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Answer {
    /// No answer yet.
    Waiting,
    /// The query to it failed (timeout, or the network gave up): counted as answered, no vote.
    Failed,
    /// Its chits.
    Chits {
        /// The chits' `preferred`.
        preferred: Id,
        /// The chits' `preferred_at_height`.
        at_height: Id,
        /// The processing block the vote went to when it arrived (None: dropped).
        vote: Option<Id>,
    },
}

/// One sampled node and its answer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Slot {
    /// The node.
    pub node: NodeIndex,
    /// What it said.
    pub answer: Answer,
}

/// An [`Answer`] with its IDs as indices into [`Poll::ids`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Compact {
    Waiting,
    Failed,
    Chits {
        preferred: u32,
        at_height: u32,
        vote: Option<u32>,
    },
}

/// One poll in flight (or finished and waiting for older ones).
#[derive(Clone, Debug)]
pub(crate) struct Poll {
    /// Its request ID.
    pub request_id: u32,
    /// The block asked about.
    pub block: Id,
    /// The height asked about.
    pub requested_height: u64,
    /// When it started.
    pub started_at: Millis,
    /// When it finished (None while it is still collecting).
    pub finished_at: Option<Millis>,
    /// It finished while some sampled nodes had not answered.
    pub early: bool,
    /// Sampled nodes in sampled order, each with whether it is still waited on (its answer is
    /// `Waiting`; kept here so that finding an answering node's slot reads one array).
    nodes: Vec<(NodeIndex, bool)>,
    /// Their answers, parallel to `nodes`, with block IDs as indices into `ids` (a poll holds
    /// few distinct IDs, so this keeps the polls of every engine small in memory).
    answers: Vec<Compact>,
    /// The distinct block IDs the answers name.
    ids: Vec<Id>,
    /// Sampled nodes that have not answered.
    remaining: u32,
    /// Votes received for processing blocks (avalanchego `votes.Len()`).
    received: u64,
    /// Distinct voted blocks with their votes.
    votes: Vec<(Id, u64)>,
}

/// What the early-termination check needs from consensus and the parameters.
pub(crate) struct Thresholds {
    /// AlphaPreference.
    pub alpha_preference: u64,
    /// AlphaConfidence.
    pub alpha_confidence: u64,
}

impl Thresholds {
    /// `earlyTermPoll.shouldTerminate`: more answers cannot change what `votes` does for one
    /// block or prefix.
    fn settled(&self, votes: u64, remaining: u64) -> bool {
        let most = votes.saturating_add(remaining);
        most < self.alpha_preference
            || (votes >= self.alpha_preference && most < self.alpha_confidence)
            || votes >= self.alpha_confidence
    }
}

/// A block in the vote graph (`graph.go` `voteVertex`).
#[derive(Clone, Copy, Debug)]
struct Vertex {
    id: Id,
    parent: Option<usize>,
    own: u64,
    total: u64,
}

/// Buffers the early-termination check reuses, so that checking after every answer allocates
/// nothing once they have grown.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    vertices: Vec<Vertex>,
    members: Vec<(Id, u64)>,
}

impl Poll {
    /// A poll of `sampled` (in sampled order) about `block` at `requested_height`.
    pub fn new(
        request_id: u32,
        block: Id,
        requested_height: u64,
        sampled: &[NodeIndex],
        now: Millis,
    ) -> Poll {
        Poll {
            request_id,
            block,
            requested_height,
            started_at: now,
            finished_at: None,
            early: false,
            nodes: sampled.iter().map(|node| (*node, true)).collect(),
            answers: sampled.iter().map(|_| Compact::Waiting).collect(),
            ids: Vec::new(),
            remaining: u32::try_from(sampled.len()).unwrap_or(u32::MAX),
            received: 0,
            votes: Vec::new(),
        }
    }

    /// Has it finished collecting?
    pub fn is_finished(&self) -> bool {
        self.finished_at.is_some()
    }

    /// The slot of `node` if it was sampled and has not answered yet (a node answers once:
    /// `earlyTermPoll.Vote` removes it from `polled`).
    fn waiting_slot(&self, node: NodeIndex) -> Option<usize> {
        self.nodes
            .iter()
            .position(|(sampled, waiting)| *sampled == node && *waiting)
    }

    /// Records the answer of the slot at `index`.
    fn answer(&mut self, index: usize, answer: Compact) {
        if let Some((_, waiting)) = self.nodes.get_mut(index) {
            *waiting = false;
        }
        if let Some(slot) = self.answers.get_mut(index) {
            *slot = answer;
        }
    }

    /// The index of `id` in `ids`, added if new.
    fn intern(&mut self, id: Id) -> u32 {
        let index = match self.ids.iter().position(|known| *known == id) {
            Some(index) => index,
            None => {
                self.ids.push(id);
                self.ids.len() - 1
            }
        };
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    /// The ID at `index` in `ids`.
    fn id_at(&self, index: u32) -> Id {
        self.ids.get(index as usize).copied().unwrap_or_default()
    }

    /// Sampled nodes in sampled order, with their answers.
    pub fn slots(&self) -> impl Iterator<Item = Slot> + '_ {
        self.nodes
            .iter()
            .zip(&self.answers)
            .map(|((node, _), answer)| Slot {
                node: *node,
                answer: match *answer {
                    Compact::Waiting => Answer::Waiting,
                    Compact::Failed => Answer::Failed,
                    Compact::Chits {
                        preferred,
                        at_height,
                        vote,
                    } => Answer::Chits {
                        preferred: self.id_at(preferred),
                        at_height: self.id_at(at_height),
                        vote: vote.map(|vote| self.id_at(vote)),
                    },
                },
            })
    }

    /// Records `node`'s chits; `vote` is the processing block they count for (None: dropped).
    /// Returns false when `node` was not sampled or already answered.
    pub fn vote(
        &mut self,
        node: NodeIndex,
        preferred: Id,
        at_height: Id,
        vote: Option<Id>,
    ) -> bool {
        let Some(index) = self.waiting_slot(node) else {
            return false;
        };
        let answer = Compact::Chits {
            preferred: self.intern(preferred),
            at_height: self.intern(at_height),
            vote: vote.map(|vote| self.intern(vote)),
        };
        self.answer(index, answer);
        self.remaining = self.remaining.saturating_sub(1);
        if let Some(block) = vote {
            self.received += 1;
            match self.votes.iter_mut().find(|(id, _)| *id == block) {
                Some((_, count)) => *count += 1,
                None => self.votes.push((block, 1)),
            }
        }
        true
    }

    /// Records that `node` will not answer (`earlyTermPoll.Drop`). Returns false when `node` was
    /// not sampled or already answered.
    pub fn drop_node(&mut self, node: NodeIndex) -> bool {
        let Some(index) = self.waiting_slot(node) else {
            return false;
        };
        self.answer(index, Compact::Failed);
        self.remaining = self.remaining.saturating_sub(1);
        true
    }

    /// Sampled nodes still waited on.
    #[cfg(test)]
    pub fn remaining(&self) -> u32 {
        self.remaining
    }

    /// Checks the termination rules and marks the poll finished at `now` when one holds.
    /// `parent_of` gives a processing block's parent (None for any other block), as
    /// `Topological.GetParent` does for the traversal.
    pub fn check_finished(
        &mut self,
        now: Millis,
        thresholds: &Thresholds,
        parent_of: impl Fn(&Id) -> Option<Id>,
        scratch: &mut Scratch,
    ) -> bool {
        if self.is_finished() {
            return true;
        }
        let done = self.finished(thresholds, parent_of, scratch);
        if done {
            self.finished_at = Some(now);
            self.early = self.remaining > 0;
        }
        done
    }

    /// `earlyTermPoll.Finished`.
    fn finished(
        &self,
        thresholds: &Thresholds,
        parent_of: impl Fn(&Id) -> Option<Id>,
        scratch: &mut Scratch,
    ) -> bool {
        let remaining = u64::from(self.remaining);
        // Case 1: everybody answered.
        if remaining == 0 {
            return true;
        }
        // Case 2: no choice can reach AlphaPreference any more.
        if self.received.saturating_add(remaining) < thresholds.alpha_preference {
            return true;
        }
        match self.votes.as_slice() {
            // Nothing received yet: more answers may still help.
            [] => false,
            // One voted block: it and each of its processing ancestors have the same count, and
            // a single chain has no bifurcation, so one check covers the whole graph.
            [(_, count)] => thresholds.settled(*count, remaining),
            _ => self.traversal_settled(thresholds, parent_of, scratch, remaining),
        }
    }

    /// Cases 3 and 4 over the transitive vote graph and its shared prefixes.
    fn traversal_settled(
        &self,
        thresholds: &Thresholds,
        parent_of: impl Fn(&Id) -> Option<Id>,
        scratch: &mut Scratch,
        remaining: u64,
    ) -> bool {
        let vertices = &mut scratch.vertices;
        vertices.clear();
        // graph.go `buildVoteGraph`: every voted block and its processing ancestors (and the
        // last accepted block above them, whose tree decides between its children).
        for (voted, count) in &self.votes {
            let mut current = *voted;
            let mut child: Option<usize> = None;
            loop {
                let found = vertices.iter().position(|v| v.id == current);
                let index = match found {
                    Some(index) => index,
                    None => {
                        vertices.push(Vertex {
                            id: current,
                            parent: None,
                            own: 0,
                            total: 0,
                        });
                        vertices.len() - 1
                    }
                };
                if let Some(child) = child {
                    if let Some(vertex) = vertices.get_mut(child) {
                        vertex.parent = Some(index);
                    }
                }
                if found.is_some() {
                    break;
                }
                match parent_of(&current) {
                    Some(parent) => {
                        child = Some(index);
                        current = parent;
                    }
                    None => break,
                }
            }
            if let Some(vertex) = vertices.iter_mut().find(|v| v.id == *voted) {
                vertex.own += count;
            }
        }
        // graph.go `computeTransitiveVoteCountGraph`: a vote counts for every ancestor.
        for start in 0..vertices.len() {
            let own = vertices.get(start).map_or(0, |v| v.own);
            let mut at = Some(start);
            // The graph follows parent links of distinct blocks, so it has no cycle; the bound
            // only protects against a broken `parent_of`.
            let mut hops = vertices.len();
            while let (Some(index), true) = (at, own > 0 && hops > 0) {
                hops -= 1;
                match vertices.get_mut(index) {
                    Some(vertex) => {
                        vertex.total += own;
                        at = vertex.parent;
                    }
                    None => break,
                }
            }
        }
        if !vertices
            .iter()
            .all(|v| thresholds.settled(v.total, remaining))
        {
            return false;
        }
        // prefix.go: the unary Snowflake instances over the shared prefixes of siblings.
        let members = &mut scratch.members;
        for parent in 0..vertices.len() {
            members.clear();
            members.extend(
                vertices
                    .iter()
                    .filter(|v| v.parent == Some(parent))
                    .map(|v| (v.id, v.total)),
            );
            if members.len() >= 2 && !prefixes_settled(members, 0, thresholds, remaining) {
                return false;
            }
        }
        true
    }
}

/// `longestSharedPrefixes` + `bifurcationsWithCommonPrefix`: for each group of siblings that
/// share the bits below their first differing bit `i` (with `i > 0`, so they share a non-empty
/// prefix), the group's votes must be settled; then each side of bit `i` is checked the same way.
fn prefixes_settled(
    members: &mut [(Id, u64)],
    start: usize,
    thresholds: &Thresholds,
    remaining: u64,
) -> bool {
    let Some(first) = members.first().map(|(id, _)| *id) else {
        return true;
    };
    let Some(split) = (start..ID_BITS).find(|bit| {
        members
            .iter()
            .any(|(id, _)| id.bit(*bit) != first.bit(*bit))
    }) else {
        return true;
    };
    if split > 0 {
        let votes: u64 = members.iter().map(|(_, count)| *count).sum();
        if !thresholds.settled(votes, remaining) {
            return false;
        }
    }
    members.sort_unstable_by_key(|(id, _)| id.bit(split));
    let zeros = members.iter().filter(|(id, _)| id.bit(split) == 0).count();
    let (zero_side, one_side) = members.split_at_mut(zeros);
    (zero_side.len() < 2 || prefixes_settled(zero_side, split + 1, thresholds, remaining))
        && (one_side.len() < 2 || prefixes_settled(one_side, split + 1, thresholds, remaining))
}

/// The polls in flight, oldest first (`poll/set.go`).
#[derive(Clone, Debug, Default)]
pub(crate) struct PollSet {
    polls: VecDeque<Poll>,
    /// The polls' request IDs, parallel to `polls` (a compact copy for the lookup by ID).
    ids: VecDeque<u32>,
}

impl PollSet {
    /// Adds a poll; request IDs increase, so pushing at the back keeps the set oldest first.
    pub fn add(&mut self, poll: Poll) {
        self.ids.push_back(poll.request_id);
        self.polls.push_back(poll);
    }

    /// Polls in the set, finished-but-waiting ones included (`set.Len`).
    pub fn len(&self) -> usize {
        self.polls.len()
    }

    /// The poll with `request_id`.
    pub fn get_mut(&mut self, request_id: u32) -> Option<&mut Poll> {
        let index = self.ids.iter().position(|id| *id == request_id)?;
        self.polls.get_mut(index)
    }

    /// The oldest poll, if it finished: finished polls leave only from the front.
    pub fn pop_finished(&mut self) -> Option<Poll> {
        if self.polls.front().is_some_and(Poll::is_finished) {
            self.ids.pop_front();
            self.polls.pop_front()
        } else {
            None
        }
    }

    /// Polls oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Poll> + '_ {
        self.polls.iter()
    }

    /// Forgets every poll (a crash).
    pub fn clear(&mut self) {
        self.polls.clear();
        self.ids.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Thresholds = Thresholds {
        alpha_preference: 3,
        alpha_confidence: 4,
    };

    fn id(n: u8) -> Id {
        Id::digest(&[n])
    }

    /// An ID whose low byte is `low` (bits 0..8 LSB first) and the rest `rest`.
    fn id_bits(low: u8, rest: u8) -> Id {
        let mut bytes = [rest; 32];
        bytes[0] = low;
        Id(bytes)
    }

    fn no_parents(_: &Id) -> Option<Id> {
        None
    }

    fn poll(k: u32) -> Poll {
        let sampled: Vec<NodeIndex> = (0..k).collect();
        Poll::new(1, id(0), 1, &sampled, 0)
    }

    #[test]
    fn finishes_when_everyone_answered() {
        let mut p = poll(2);
        let mut s = Scratch::default();
        let thresholds = Thresholds {
            alpha_preference: 1,
            alpha_confidence: 1,
        };
        assert!(p.vote(0, id(1), id(1), None));
        assert!(!p.check_finished(5, &thresholds, no_parents, &mut s));
        assert!(p.drop_node(1));
        assert!(p.check_finished(6, &thresholds, no_parents, &mut s));
        assert!(!p.early, "everyone answered");
        assert_eq!(p.finished_at, Some(6));
    }

    #[test]
    fn a_node_answers_once_and_only_if_sampled() {
        let mut p = poll(3);
        assert!(p.vote(1, id(1), id(1), Some(id(1))));
        assert!(
            !p.vote(1, id(1), id(1), Some(id(1))),
            "second answer ignored"
        );
        assert!(!p.drop_node(1));
        assert!(!p.vote(7, id(1), id(1), Some(id(1))), "not sampled");
        assert_eq!(p.remaining(), 2);
    }

    #[test]
    fn ends_early_when_alpha_preference_is_out_of_reach() {
        // K = 5, AlphaPreference 3: after three failures only two votes can still come.
        let mut p = poll(5);
        let mut s = Scratch::default();
        for node in 0..2 {
            p.drop_node(node);
            assert!(!p.check_finished(1, &T, no_parents, &mut s));
        }
        p.drop_node(2);
        assert!(p.check_finished(1, &T, no_parents, &mut s));
        assert!(p.early);
    }

    #[test]
    fn ends_early_when_alpha_confidence_is_reached() {
        let mut p = poll(6);
        let mut s = Scratch::default();
        for node in 0..3 {
            p.vote(node, id(1), id(1), Some(id(1)));
            assert!(!p.check_finished(1, &T, no_parents, &mut s), "{node}");
        }
        p.vote(3, id(1), id(1), Some(id(1)));
        assert!(p.check_finished(1, &T, no_parents, &mut s));
        assert!(p.early);
    }

    #[test]
    fn ends_early_when_alpha_preference_reached_but_confidence_out_of_reach() {
        // K = 4, AlphaPreference 3, AlphaConfidence 4: three votes and one failure.
        let mut p = poll(4);
        let mut s = Scratch::default();
        p.drop_node(0);
        for node in 1..3 {
            p.vote(node, id(1), id(1), Some(id(1)));
            assert!(!p.check_finished(1, &T, no_parents, &mut s));
        }
        p.vote(3, id(1), id(1), Some(id(1)));
        assert!(p.check_finished(1, &T, no_parents, &mut s));
        assert!(!p.early, "everyone answered");
    }

    #[test]
    fn votes_for_a_child_count_for_its_processing_parent() {
        // Chain: root <- a <- b. Votes a 3, b 1, one answer missing (K = 5). With the
        // traversal, `a` has 4 transitive votes (AlphaConfidence) and b cannot reach
        // AlphaPreference (1 + 1 < 3): settled. Without it, `a` has 3 votes and could still
        // reach AlphaConfidence with the last answer: open.
        let (root, a, b) = (id(10), id(11), id(12));
        let parent_of = move |x: &Id| {
            if *x == a {
                Some(root)
            } else if *x == b {
                Some(a)
            } else {
                None
            }
        };
        let votes = [(0, a), (1, b), (2, a), (3, a)];
        let mut s = Scratch::default();
        let mut with = poll(5);
        let mut without = poll(5);
        for (node, block) in votes {
            with.vote(node, block, block, Some(block));
            without.vote(node, block, block, Some(block));
        }
        assert!(with.check_finished(1, &T, parent_of, &mut s));
        assert!(with.early);
        assert!(!without.check_finished(1, &T, no_parents, &mut s));
    }

    #[test]
    fn a_shared_prefix_of_siblings_keeps_the_poll_open() {
        // Under parent p: x and y share bit 0 and differ at bit 1; z differs from both at bit 0.
        // AlphaPreference 3, AlphaConfidence 5, votes x 1, y 1, z 5, one answer missing: every
        // block is settled (x, y: 1 + 1 < 3; z and p: >= 5), but the prefix {x, y} has 2 votes
        // and could reach AlphaPreference with the last answer, so the poll stays open.
        let t = Thresholds {
            alpha_preference: 3,
            alpha_confidence: 5,
        };
        let p_id = id(50);
        let run = |x: Id, y: Id, z: Id| {
            let parent_of = move |b: &Id| (*b == x || *b == y || *b == z).then_some(p_id);
            let mut p = poll(8);
            let mut s = Scratch::default();
            p.vote(0, x, x, Some(x));
            p.vote(1, y, y, Some(y));
            for node in 2..7 {
                p.vote(node, z, z, Some(z));
            }
            p.check_finished(1, &t, parent_of, &mut s)
        };
        let (x, y, z) = (id_bits(0b01, 0), id_bits(0b11, 0), id_bits(0b10, 0));
        assert!(
            !run(x, y, z),
            "the prefix {{x, y}} can still reach AlphaPreference"
        );
        // Make x and y differ at bit 0 from each other: no shared prefix among x and y
        // alone (x groups with z instead, and that group is settled by z's votes).
        let (x, y, z) = (id_bits(0b01, 0), id_bits(0b10, 0), id_bits(0b11, 0));
        assert!(run(x, y, z), "x+z has >= 5 votes; y alone is settled");
    }

    #[test]
    fn prefix_groups_start_at_the_first_differing_bit() {
        let (x, y) = (id_bits(0b01, 0), id_bits(0b11, 0));
        // {x, y} share bit 0: 4 votes >= AlphaConfidence: settled.
        assert!(prefixes_settled(&mut [(x, 2), (y, 2)], 0, &T, 1));
        // 2 + 1 votes with one remaining: AlphaPreference reached, AlphaConfidence reachable.
        assert!(!prefixes_settled(&mut [(x, 2), (y, 1)], 0, &T, 1));
        // Siblings that differ at bit 0 share no prefix: nothing to check.
        let z = id_bits(0b00, 0);
        assert!(prefixes_settled(&mut [(x, 2), (z, 1)], 0, &T, 1));
    }

    #[test]
    fn finished_polls_leave_oldest_first() {
        let mut set = PollSet::default();
        let mut s = Scratch::default();
        let thresholds = Thresholds {
            alpha_preference: 1,
            alpha_confidence: 1,
        };
        set.add(Poll::new(1, id(0), 1, &[0], 0));
        set.add(Poll::new(2, id(0), 1, &[0], 0));
        if let Some(p) = set.get_mut(2) {
            p.vote(0, id(1), id(1), Some(id(1)));
            assert!(p.check_finished(3, &thresholds, no_parents, &mut s));
        }
        assert!(set.pop_finished().is_none(), "poll 1 still waits");
        if let Some(p) = set.get_mut(1) {
            p.drop_node(0);
            assert!(p.check_finished(4, &thresholds, no_parents, &mut s));
        }
        assert_eq!(set.pop_finished().map(|p| p.request_id), Some(1));
        assert_eq!(set.pop_finished().map(|p| p.request_id), Some(2));
        assert!(set.pop_finished().is_none());
        assert_eq!(set.len(), 0);
    }
}
