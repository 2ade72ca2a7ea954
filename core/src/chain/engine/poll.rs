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
//!
//! # Layout
//!
//! With many engines, a poll is cold in cache whenever one of its answers arrives, so what an
//! answer costs is mostly how many cache lines it touches. A [`Poll`] therefore keeps what an
//! answer reads and writes inside itself, in one 64-byte-aligned block, with no heap
//! allocation for the usual sample (K up to [`INLINE_SLOTS`]) and the usual few distinct block
//! IDs (up to [`INLINE_IDS`]):
//!
//! - line 0: `finished_at`, the thresholds, the 16-bit counters (`remaining`, `received`, how
//!   many distinct blocks got votes, how many IDs are interned), the votes of the two inline
//!   IDs, the number of cells, and the first interned block ID, usually the only one;
//! - line 1 on: one 4-byte cell per sampled node, `{node, answer}` (the first sixteen in
//!   line 1, the other four of the usual twenty in line 2), the answer naming its IDs by their
//!   indices among the interned IDs (see [`Cell`]); then the second interned ID;
//! - then what only starting and recording the poll read, and the heap spills.
//!
//! So the usual answer touches two lines: line 0 and its cell's.
//!
//! Votes are counted per interned ID, so the distinct voted blocks are the interned IDs with
//! votes. Bigger samples and more distinct IDs spill to the heap; otherwise starting, answering
//! and finishing a poll allocate nothing. [`PollSet`] keeps the request IDs of its oldest polls
//! next to its deque, so finding an answer's poll reads no separate buffer either.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::chain::engine::sampler::MAX_VALIDATORS;
use crate::chain::engine::{Millis, NodeIndex};
use crate::chain::id::{Id, ID_BITS};
use crate::chain::snowball::Bag;

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

/// Sampled nodes a poll holds inside itself (avalanchego's default K); a bigger sample puts
/// its cells on the heap.
const INLINE_SLOTS: usize = 20;

/// Distinct block IDs a poll holds inside itself (an answer usually names the block polled
/// about, sometimes one more); further ones go to the heap.
const INLINE_IDS: usize = 2;

/// Pairs of the first two interned IDs (see [`Poll::count_pairs`]).
pub(crate) const PAIRS: usize = 4;

/// [`Cell::answer`]: no answer yet (zero, so a fresh cell waits).
const WAITING: u32 = 0;
/// [`Cell::answer`]: the query failed.
const FAILED: u32 = 1;
/// [`Cell::answer`] tag (top two of its 16 bits) of chits whose three indices fit [`FIELD`]
/// bits each: `preferred | at_height << 4 | vote << 8`, with [`NO_VOTE`] for a dropped vote.
const PACKED: u32 = 0b10 << 14;
/// [`Cell::answer`] tag of other chits: the low 14 bits index [`Poll::wide`] (a poll has at most
/// [`MAX_VALIDATORS`] = 2^14 cells, so fewer wide answers).
const WIDE: u32 = 0b11 << 14;
/// The bits of [`Cell::answer`] below its tag.
const PAYLOAD: u32 = (1 << 14) - 1;
/// The tag bits of [`Cell::answer`].
const TAG: u32 = 0b11 << 14;
/// Bits per index in a [`PACKED`] answer.
const FIELD_BITS: u32 = 4;
/// Mask of one index in a [`PACKED`] answer; as the vote index it means "no vote", so packed
/// indices stay below it.
const FIELD: u32 = (1 << FIELD_BITS) - 1;
/// The vote index of a [`PACKED`] answer whose vote was dropped.
const NO_VOTE: u32 = FIELD;

const _: () = assert!(MAX_VALIDATORS <= PAYLOAD as usize + 1 && MAX_VALIDATORS <= 1 << 16);

/// One sampled node and its answer, in 4 bytes: `node` fits 16 bits because a sampler draws
/// among at most [`MAX_VALIDATORS`]; `answer` is [`WAITING`], [`FAILED`], or chits with their
/// IDs as indices into the poll's interned IDs ([`PACKED`], or [`WIDE`] for indices too big to
/// pack: answers naming 15 or more distinct blocks in one poll).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
struct Cell {
    node: u16,
    answer: u16,
}

impl Cell {
    /// A waiting cell for `node` (below [`MAX_VALIDATORS`]).
    fn waiting(node: NodeIndex) -> Cell {
        Cell {
            node: u16::try_from(node).unwrap_or(u16::MAX),
            answer: WAITING as u16,
        }
    }

    fn node(self) -> NodeIndex {
        NodeIndex::from(self.node)
    }

    fn code(self) -> u32 {
        u32::from(self.answer)
    }
}

/// One poll in flight (or finished and waiting for older ones).
///
/// `repr(C, align(64))` fixes the layout described in the [module docs](self): the fields an
/// answer touches come first, in as few cache lines as possible.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub(crate) struct Poll {
    // Line 0 (bytes 0..64), read by every answer. The counters fit 16 bits: a poll has at
    // most MAX_VALIDATORS = 2^14 cells, and its answers name at most three IDs each.
    /// When it finished ([`STILL_COLLECTING`] until then; see [`Poll::finished_at`]).
    finished_at: Millis,
    /// AlphaPreference and AlphaConfidence, as avalanchego's `earlyTermPoll` holds them: the
    /// termination check after each answer needs nothing from the engine.
    thresholds: Thresholds,
    /// Sampled nodes that have not answered.
    remaining: u16,
    /// Votes received for processing blocks (avalanchego `votes.Len()`).
    received: u16,
    /// Distinct interned blocks with at least one vote.
    voted: u16,
    /// Distinct interned block IDs (`first_id`, `second_id`, then `more_ids`), in the order
    /// the answers first named them.
    interned: u16,
    /// Votes for `first_id` and `second_id`.
    counts: [u16; INLINE_IDS],
    /// Sampled nodes: their cells are `inline[..len]` up to [`INLINE_SLOTS`], else `heap`.
    len: u16,
    /// (Puts `first_id` at byte 32 and the cells at the start of line 1.)
    _pad: u16,
    /// The first distinct block ID the answers name (meaningful once `interned` > 0).
    first_id: Id,
    // Line 1 (64..128) and on.
    /// The cells of the usual sample, in sampled order (line 1 holds the first sixteen).
    inline: [Cell; INLINE_SLOTS],
    /// The second distinct block ID the answers name (meaningful once `interned` > 1).
    second_id: Id,
    // Read when the poll starts and when it is recorded.
    /// Its request ID.
    pub request_id: u32,
    /// It finished while some sampled nodes had not answered.
    pub early: bool,
    /// The height asked about.
    pub requested_height: u64,
    /// When it started.
    pub started_at: Millis,
    /// The block asked about.
    pub block: Id,
    /// Distinct block IDs beyond the first [`INLINE_IDS`], with their votes.
    more_ids: Vec<(Id, u32)>,
    /// The cells of a sample bigger than [`INLINE_SLOTS`], in sampled order.
    heap: Vec<Cell>,
    /// The answers too big to pack (see [`WIDE`]): indices of preferred, at-height and vote
    /// (`u32::MAX`: no vote).
    wide: Vec<[u32; 3]>,
}

/// [`Poll::finished_at`] of a poll still collecting answers.
const STILL_COLLECTING: Millis = Millis::MAX;

/// The parameters the early-termination check needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Thresholds {
    /// AlphaPreference.
    pub alpha_preference: u32,
    /// AlphaConfidence.
    pub alpha_confidence: u32,
}

impl Thresholds {
    /// `earlyTermPoll.shouldTerminate`: more answers cannot change what `votes` does for one
    /// block or prefix.
    fn settled(&self, votes: u64, remaining: u64) -> bool {
        let most = votes.saturating_add(remaining);
        let alpha_preference = u64::from(self.alpha_preference);
        let alpha_confidence = u64::from(self.alpha_confidence);
        most < alpha_preference
            || (votes >= alpha_preference && most < alpha_confidence)
            || votes >= alpha_confidence
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
/// nothing once they have grown; and the bag recording a poll fills.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    vertices: Vec<Vertex>,
    members: Vec<(Id, u64)>,
    /// The votes of the poll the engine is recording.
    pub bag: Bag,
}

impl Poll {
    /// A poll of `sampled` (in sampled order) about `block` at `requested_height`, finishing
    /// early by `thresholds`.
    pub fn new(
        request_id: u32,
        block: Id,
        requested_height: u64,
        sampled: &[NodeIndex],
        now: Millis,
        thresholds: Thresholds,
    ) -> Poll {
        // A sampler draws among at most MAX_VALIDATORS = 2^14 nodes.
        let len = u16::try_from(sampled.len()).unwrap_or(u16::MAX);
        let mut inline = [Cell::default(); INLINE_SLOTS];
        let mut heap = Vec::new();
        if sampled.len() <= INLINE_SLOTS {
            for (cell, node) in inline.iter_mut().zip(sampled) {
                *cell = Cell::waiting(*node);
            }
        } else {
            heap = sampled.iter().map(|node| Cell::waiting(*node)).collect();
        }
        Poll {
            finished_at: STILL_COLLECTING,
            thresholds,
            remaining: len,
            received: 0,
            voted: 0,
            interned: 0,
            counts: [0; INLINE_IDS],
            len,
            _pad: 0,
            request_id,
            early: false,
            requested_height,
            started_at: now,
            first_id: Id::EMPTY,
            inline,
            second_id: Id::EMPTY,
            block,
            more_ids: Vec::new(),
            heap,
            wide: Vec::new(),
        }
    }

    /// The cells, in sampled order.
    fn cells(&self) -> &[Cell] {
        let len = usize::from(self.len);
        if len <= INLINE_SLOTS {
            self.inline.get(..len).unwrap_or(&[])
        } else {
            &self.heap
        }
    }

    fn cells_mut(&mut self) -> &mut [Cell] {
        let len = usize::from(self.len);
        if len <= INLINE_SLOTS {
            self.inline.get_mut(..len).unwrap_or(&mut [])
        } else {
            &mut self.heap
        }
    }

    /// Has it finished collecting?
    pub fn is_finished(&self) -> bool {
        self.finished_at != STILL_COLLECTING
    }

    /// When it finished collecting, if it did.
    pub fn finished_at(&self) -> Option<Millis> {
        self.is_finished().then_some(self.finished_at)
    }

    /// The index of `node`'s cell if it was sampled and has not answered yet (a node answers
    /// once: `earlyTermPoll.Vote` removes it from `polled`). `position`: where `node` was
    /// sampled, if known; checked, and searched for when wrong or unknown.
    #[inline(always)]
    fn waiting_cell(&self, node: NodeIndex, position: Option<usize>) -> Option<usize> {
        let cells = self.cells();
        let waiting = |cell: &Cell| cell.node() == node && cell.code() == WAITING;
        match position {
            Some(index) if cells.get(index).is_some_and(waiting) => Some(index),
            _ => cells.iter().position(waiting),
        }
    }

    /// Records the answer of the cell at `index`.
    fn answer(&mut self, index: usize, code: u32) {
        if let Some(cell) = self.cells_mut().get_mut(index) {
            // Codes are 16-bit (see [`PACKED`] and [`WIDE`]).
            cell.answer = code as u16;
        }
        self.remaining = self.remaining.saturating_sub(1);
    }

    /// The interned ID at `index` if it is held inside the poll (the first [`INLINE_IDS`]).
    fn inline_id(&self, index: usize) -> Option<&Id> {
        match index {
            0 => Some(&self.first_id),
            1 => Some(&self.second_id),
            _ => None,
        }
    }

    /// Interned IDs held inside the poll.
    fn inline_ids(&self) -> usize {
        (self.interned as usize).min(INLINE_IDS)
    }

    /// The index of `id` among the interned IDs, added if new. The usual answer names the
    /// poll's first ID, checked inline.
    #[inline(always)]
    fn intern(&mut self, id: Id) -> u32 {
        if self.interned > 0 && self.first_id == id {
            return 0;
        }
        self.intern_other(id)
    }

    /// [`Poll::intern`] past the first ID.
    #[inline(never)]
    fn intern_other(&mut self, id: Id) -> u32 {
        let found = match (0..self.inline_ids()).find(|index| self.inline_id(*index) == Some(&id)) {
            Some(index) => Some(index),
            None => self
                .more_ids
                .iter()
                .position(|(known, _)| *known == id)
                .map(|index| index + INLINE_IDS),
        };
        if let Some(index) = found {
            return u32::try_from(index).unwrap_or(u32::MAX);
        }
        let index = self.interned;
        match index {
            0 => self.first_id = id,
            1 => self.second_id = id,
            _ => self.more_ids.push((id, 0)),
        }
        self.interned = self.interned.saturating_add(1);
        u32::from(index)
    }

    /// The interned ID at `index` (see [`Poll::chits`]).
    pub fn id_at(&self, index: u32) -> Id {
        let index = index as usize;
        match self.inline_id(index) {
            Some(id) => *id,
            None => index
                .checked_sub(INLINE_IDS)
                .and_then(|index| self.more_ids.get(index))
                .map(|(id, _)| *id)
                .unwrap_or_default(),
        }
    }

    /// Counts one vote for the interned ID at `index`.
    fn count_vote(&mut self, index: u32) {
        let index = index as usize;
        let first = match self.counts.get_mut(index) {
            Some(count) => {
                *count += 1;
                *count == 1
            }
            None => index
                .checked_sub(INLINE_IDS)
                .and_then(|index| self.more_ids.get_mut(index))
                .is_some_and(|(_, count)| {
                    *count += 1;
                    *count == 1
                }),
        };
        if first {
            self.voted += 1;
        }
        self.received += 1;
    }

    /// The distinct voted blocks with their votes, in the order first named by an answer.
    fn votes(&self) -> impl Iterator<Item = (Id, u64)> + '_ {
        (0..self.inline_ids())
            .filter_map(|index| {
                Some((*self.inline_id(index)?, u32::from(*self.counts.get(index)?)))
            })
            .chain(self.more_ids.iter().copied())
            .filter(|(_, count)| *count > 0)
            .map(|(id, count)| (id, u64::from(count)))
    }

    /// The answer a cell's `answer` code stands for.
    fn decode(&self, code: u32) -> Answer {
        match code & TAG {
            PACKED => {
                let vote = (code >> (2 * FIELD_BITS)) & FIELD;
                Answer::Chits {
                    preferred: self.id_at(code & FIELD),
                    at_height: self.id_at((code >> FIELD_BITS) & FIELD),
                    vote: (vote != NO_VOTE).then(|| self.id_at(vote)),
                }
            }
            WIDE => {
                let [preferred, at_height, vote] = self
                    .wide
                    .get((code & !TAG) as usize)
                    .copied()
                    .unwrap_or_default();
                Answer::Chits {
                    preferred: self.id_at(preferred),
                    at_height: self.id_at(at_height),
                    vote: (vote != u32::MAX).then(|| self.id_at(vote)),
                }
            }
            _ if code == FAILED => Answer::Failed,
            _ => Answer::Waiting,
        }
    }

    /// The code of chits with interned indices `preferred`, `at_height` and `vote`.
    fn encode(&mut self, preferred: u32, at_height: u32, vote: Option<u32>) -> u32 {
        // Every index below FIELD, which as the vote means "no vote".
        if preferred < FIELD && at_height < FIELD && vote.is_none_or(|vote| vote < FIELD) {
            let packed_vote = vote.unwrap_or(NO_VOTE);
            PACKED | preferred | at_height << FIELD_BITS | packed_vote << (2 * FIELD_BITS)
        } else {
            // A poll has no more answers than cells, at most MAX_VALIDATORS = 2^14.
            let index = u32::try_from(self.wide.len()).unwrap_or(u32::MAX) & PAYLOAD;
            self.wide
                .push([preferred, at_height, vote.unwrap_or(u32::MAX)]);
            WIDE | index
        }
    }

    /// How many answers' chits named each pair of the first two interned IDs as (preferred, at
    /// height), indexed `preferred * 2 + at_height`: the answers of a poll almost always name
    /// only the block polled about and maybe one more, so recording a poll can bubble each pair
    /// once. Every other answer's chits are passed to `other` as interned indices.
    pub fn count_pairs(&self, mut other: impl FnMut(u32, u32)) -> [u64; PAIRS] {
        // Packed chits naming indices 0 or 1 only: every bit of the preferred and at-height
        // fields but the lowest clear.
        const HIGH_BITS: u32 = (FIELD & !1) | (FIELD & !1) << FIELD_BITS;
        let mut counts = [0; PAIRS];
        for cell in self.cells() {
            let code = cell.code();
            if code & TAG == PACKED && code & HIGH_BITS == 0 {
                let pair = (code & 1) << 1 | (code >> FIELD_BITS) & 1;
                if let Some(count) = counts.get_mut(pair as usize) {
                    *count += 1;
                }
            } else if let Some((preferred, at_height)) = self.chits_at(code) {
                other(preferred, at_height);
            }
        }
        counts
    }

    /// The interned indices of the `preferred` and `at_height` blocks of the chits a cell's
    /// `answer` code stands for (None: waiting or failed).
    fn chits_at(&self, code: u32) -> Option<(u32, u32)> {
        match code & TAG {
            PACKED => Some((code & FIELD, (code >> FIELD_BITS) & FIELD)),
            WIDE => {
                let [preferred, at_height, _] = self
                    .wide
                    .get((code & !TAG) as usize)
                    .copied()
                    .unwrap_or_default();
                Some((preferred, at_height))
            }
            _ => None,
        }
    }

    /// Sampled nodes in sampled order, each with the interned indices of its chits'
    /// `preferred` and `at_height` blocks ([`Poll::id_at`] gives the IDs), or None when it did
    /// not answer (waiting or failed): what recording the poll needs, without copying IDs.
    pub fn chits(&self) -> impl Iterator<Item = (NodeIndex, Option<(u32, u32)>)> + '_ {
        self.cells()
            .iter()
            .map(|cell| (cell.node(), self.chits_at(cell.code())))
    }

    /// Sampled nodes in sampled order, with their answers.
    pub fn slots(&self) -> impl Iterator<Item = Slot> + '_ {
        self.cells().iter().map(|cell| Slot {
            node: cell.node(),
            answer: self.decode(cell.code()),
        })
    }

    /// Records `node`'s chits; `vote` is the processing block they count for (None: dropped);
    /// `position`: where `node` was sampled, if known. Returns false when `node` was not
    /// sampled or already answered.
    #[inline(always)]
    pub fn vote(
        &mut self,
        node: NodeIndex,
        position: Option<usize>,
        preferred: Id,
        at_height: Id,
        vote: Option<Id>,
    ) -> bool {
        let Some(index) = self.waiting_cell(node, position) else {
            return false;
        };
        let preferred_index = self.intern(preferred);
        let at_height_index = if at_height == preferred {
            preferred_index
        } else {
            self.intern(at_height)
        };
        let vote_index = vote.map(|vote| {
            if vote == preferred {
                preferred_index
            } else if vote == at_height {
                at_height_index
            } else {
                self.intern(vote)
            }
        });
        self.record(index, preferred_index, at_height_index, vote_index);
        true
    }

    /// [`Poll::vote`] for chits naming `block` twice, with the vote going to `block` itself if
    /// `voted` (else dropped): the usual answer, recorded without comparing IDs again.
    #[inline(always)]
    pub fn vote_usual(
        &mut self,
        node: NodeIndex,
        position: Option<usize>,
        block: Id,
        voted: bool,
    ) -> bool {
        let Some(index) = self.waiting_cell(node, position) else {
            return false;
        };
        let block_index = self.intern(block);
        self.record(
            index,
            block_index,
            block_index,
            voted.then_some(block_index),
        );
        true
    }

    /// Records the cell at `index` as answered with chits of these interned indices, counting
    /// the vote if there is one.
    #[inline(always)]
    fn record(&mut self, index: usize, preferred: u32, at_height: u32, vote: Option<u32>) {
        let code = self.encode(preferred, at_height, vote);
        self.answer(index, code);
        if let Some(vote) = vote {
            self.count_vote(vote);
        }
    }

    /// Records that `node` will not answer (`earlyTermPoll.Drop`). Returns false when `node` was
    /// not sampled or already answered.
    pub fn drop_node(&mut self, node: NodeIndex) -> bool {
        let Some(index) = self.waiting_cell(node, None) else {
            return false;
        };
        self.answer(index, FAILED);
        true
    }

    /// Sampled nodes still waited on.
    #[cfg(test)]
    pub fn remaining(&self) -> u32 {
        u32::from(self.remaining)
    }

    /// Checks the termination rules and marks the poll finished at `now` when one holds.
    /// `parent_of` gives a processing block's parent (None for any other block), as
    /// `Topological.GetParent` does for the traversal.
    pub fn check_finished(
        &mut self,
        now: Millis,
        parent_of: impl Fn(&Id) -> Option<Id>,
        scratch: &mut Scratch,
    ) -> bool {
        if self.is_finished() {
            return true;
        }
        let thresholds = self.thresholds;
        let done = self.finished(&thresholds, parent_of, scratch);
        if done {
            // `now` is below STILL_COLLECTING for any run shorter than 584 million years.
            self.finished_at = now.min(STILL_COLLECTING - 1);
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
        let received = u64::from(self.received);
        // Case 1: everybody answered.
        if remaining == 0 {
            return true;
        }
        // Case 2: no choice can reach AlphaPreference any more.
        if received.saturating_add(remaining) < u64::from(thresholds.alpha_preference) {
            return true;
        }
        match self.voted {
            // Nothing received yet: more answers may still help.
            0 => false,
            // One voted block, which therefore has every vote received: it and each of its
            // processing ancestors have the same count, and a single chain has no bifurcation,
            // so one check covers the whole graph.
            1 => thresholds.settled(received, remaining),
            _ => self.traversal_settled(thresholds, parent_of, scratch, remaining),
        }
    }

    /// Cases 3 and 4 over the transitive vote graph and its shared prefixes. The answer depends
    /// only on which blocks got how many votes, not on the order they are visited in.
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
        for (voted, count) in self.votes() {
            let mut current = voted;
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
            if let Some(vertex) = vertices.iter_mut().find(|v| v.id == voted) {
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

/// Request IDs [`PollSet`] keeps next to its deque, for the oldest polls (ConcurrentRepolls is
/// 4 by default, so this usually covers every poll in flight; four keep the set within the
/// engine's second cache line).
const FRONT_IDS: usize = 4;

/// The polls in flight, oldest first (`poll/set.go`).
///
/// Finding an answer's poll reads `front_ids`, which sit next to the deque's own fields, rather
/// than a separate buffer; only polls beyond the first [`FRONT_IDS`] are looked up by their own
/// `request_id`.
#[derive(Clone, Debug, Default)]
pub(crate) struct PollSet {
    /// The request IDs of the first `min(len, FRONT_IDS)` polls, in the same order.
    front_ids: [u32; FRONT_IDS],
    polls: VecDeque<Poll>,
}

impl PollSet {
    /// Adds a poll; request IDs increase, so pushing at the back keeps the set oldest first.
    pub fn add(&mut self, poll: Poll) {
        if let Some(id) = self.front_ids.get_mut(self.polls.len()) {
            *id = poll.request_id;
        }
        self.polls.push_back(poll);
    }

    /// Polls in the set, finished-but-waiting ones included (`set.Len`).
    pub fn len(&self) -> usize {
        self.polls.len()
    }

    /// The poll with `request_id`.
    #[inline]
    pub fn get_mut(&mut self, request_id: u32) -> Option<&mut Poll> {
        // The whole array is compared (a fixed number of compares, unrolled); entries past the
        // polls in the set are stale, so a match there does not count.
        let front = self.polls.len().min(FRONT_IDS);
        let index = match self
            .front_ids
            .iter()
            .position(|id| *id == request_id)
            .filter(|index| *index < front)
        {
            Some(index) => index,
            None => self.position_beyond_front(request_id)?,
        };
        self.polls.get_mut(index)
    }

    /// The index of the poll with `request_id` among those past the first [`FRONT_IDS`].
    #[inline(never)]
    fn position_beyond_front(&self, request_id: u32) -> Option<usize> {
        self.polls
            .iter()
            .skip(FRONT_IDS)
            .position(|poll| poll.request_id == request_id)
            .map(|index| index + FRONT_IDS)
    }

    /// The oldest poll, if it finished: finished polls leave only from the front, with
    /// [`PollSet::remove_front`] once recorded.
    pub fn front_finished(&self) -> Option<&Poll> {
        self.polls.front().filter(|poll| poll.is_finished())
    }

    /// Drops the oldest poll (recorded after [`PollSet::front_finished`]).
    pub fn remove_front(&mut self) {
        if self.polls.pop_front().is_none() {
            return;
        }
        self.front_ids.copy_within(1.., 0);
        if let (Some(next), Some(id)) = (
            self.polls.get(FRONT_IDS - 1),
            self.front_ids.get_mut(FRONT_IDS - 1),
        ) {
            *id = next.request_id;
        }
    }

    /// Polls oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Poll> + '_ {
        self.polls.iter()
    }

    /// Forgets every poll (a crash).
    pub fn clear(&mut self) {
        self.polls.clear();
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
        Poll::new(1, id(0), 1, &sampled, 0, T)
    }

    /// `p.check_finished` with thresholds `t` instead of the ones it was made with.
    fn check(
        p: &mut Poll,
        now: Millis,
        t: &Thresholds,
        parent_of: impl Fn(&Id) -> Option<Id>,
        s: &mut Scratch,
    ) -> bool {
        p.thresholds = *t;
        p.check_finished(now, parent_of, s)
    }

    #[test]
    fn an_answer_touches_the_first_lines_of_the_poll() {
        use core::mem::{align_of, offset_of, size_of};
        assert_eq!(align_of::<Poll>(), 64);
        assert_eq!(size_of::<Cell>(), 4);
        assert!(offset_of!(Poll, counts) < 64, "the counts are on line 0");
        assert!(offset_of!(Poll, len) < 64, "so is the number of cells");
        assert_eq!(offset_of!(Poll, first_id), 32, "the first ID ends line 0");
        assert_eq!(offset_of!(Poll, inline), 64, "line 1 starts with the cells");
        let p = poll(20);
        let start = core::ptr::from_ref(&p) as usize;
        let cells = p.cells().as_ptr() as usize;
        assert_eq!(cells - start, 64, "line 1 holds the first sixteen cells");
    }

    #[test]
    fn a_big_sample_with_many_ids_reads_back_as_recorded() {
        // K = 1200 > INLINE_SLOTS puts the cells on the heap; two or three new IDs per answer give
        // some 1500 distinct IDs, past what a packed answer can index (WIDE answers).
        let k: u32 = 1200;
        let mut p = poll(k);
        let mut expected: Vec<Slot> = (0..k)
            .map(|node| Slot {
                node,
                answer: Answer::Waiting,
            })
            .collect();
        let named = |n: u32| Id::digest(&n.to_le_bytes());
        for node in (0..k).rev() {
            let answer = match node % 4 {
                0 => Answer::Failed,
                1 => Answer::Chits {
                    preferred: named(3 * node),
                    at_height: named(3 * node + 1),
                    vote: Some(named(3 * node + 2)),
                },
                2 => Answer::Chits {
                    preferred: named(3 * node),
                    at_height: named(3 * node + 1),
                    vote: None,
                },
                _ => Answer::Chits {
                    preferred: id(1),
                    at_height: id(1),
                    vote: Some(id(1)),
                },
            };
            let recorded = match answer {
                Answer::Chits {
                    preferred,
                    at_height,
                    vote,
                } => p.vote(node, None, preferred, at_height, vote),
                Answer::Failed | Answer::Waiting => p.drop_node(node),
            };
            assert!(recorded);
            if let Some(slot) = expected.get_mut(node as usize) {
                slot.answer = answer;
            }
            if node == k / 2 {
                assert!(p.slots().eq(expected.iter().copied()), "half way");
            }
        }
        assert!(p.wide.len() > 50, "wide answers were exercised");
        assert!(p.slots().eq(expected.iter().copied()));
        assert_eq!(p.remaining(), 0);
    }

    #[test]
    fn a_vote_for_the_sixteenth_id_is_not_taken_for_no_vote() {
        // Index 15 is the packed "no vote" mark: an answer whose preferred and at-height fit
        // (13 and 14) but whose vote is the 16th distinct ID must not be packed.
        let mut p = poll(20);
        let named = |n: u8| Id([n; 32]);
        for node in 0..13u8 {
            assert!(p.vote(u32::from(node), None, named(node), named(node), None));
        }
        assert!(p.vote(13, None, named(13), named(14), Some(named(15))));
        let slot = p.slots().nth(13).unwrap();
        assert_eq!(
            slot.answer,
            Answer::Chits {
                preferred: named(13),
                at_height: named(14),
                vote: Some(named(15)),
            }
        );
    }

    #[test]
    fn votes_count_per_block_past_the_inline_ids() {
        // c and d are interned first (not voted), so a and b are counted in the spill.
        let (a, b, c, d) = (id(1), id(2), id(3), id(4));
        let mut p = poll(6);
        let mut s = Scratch::default();
        p.vote(0, None, c, c, None);
        p.vote(1, None, d, d, Some(b));
        for node in 2..5 {
            p.vote(node, None, a, a, Some(a));
        }
        // a 3, b 1, one answer missing: a can still reach AlphaConfidence.
        assert!(!check(&mut p, 1, &T, no_parents, &mut s));
        p.vote(5, None, d, a, Some(a));
        assert!(check(&mut p, 2, &T, no_parents, &mut s));
        assert!(!p.early);
        let mut r = poll(7);
        r.vote(0, None, c, c, None);
        r.vote(1, None, d, d, Some(b));
        for node in 2..6 {
            r.vote(node, None, a, a, Some(a));
        }
        // a 4 >= AlphaConfidence, b 1 + 1 < AlphaPreference: settled with one answer missing.
        assert!(check(&mut r, 3, &T, no_parents, &mut s));
        assert!(r.early);
        assert_eq!(
            r.votes().collect::<Vec<_>>(),
            alloc::vec![(b, 1), (a, 4)],
            "interned order"
        );
    }

    #[test]
    fn finishes_when_everyone_answered() {
        let mut p = poll(2);
        let mut s = Scratch::default();
        let thresholds = Thresholds {
            alpha_preference: 1,
            alpha_confidence: 1,
        };
        assert!(p.vote(0, None, id(1), id(1), None));
        assert!(!check(&mut p, 5, &thresholds, no_parents, &mut s));
        assert!(p.drop_node(1));
        assert!(check(&mut p, 6, &thresholds, no_parents, &mut s));
        assert!(!p.early, "everyone answered");
        assert_eq!(p.finished_at(), Some(6));
    }

    #[test]
    fn a_node_answers_once_and_only_if_sampled() {
        let mut p = poll(3);
        assert!(p.vote(1, None, id(1), id(1), Some(id(1))));
        assert!(
            !p.vote(1, None, id(1), id(1), Some(id(1))),
            "second answer ignored"
        );
        assert!(!p.drop_node(1));
        assert!(!p.vote(7, None, id(1), id(1), Some(id(1))), "not sampled");
        assert_eq!(p.remaining(), 2);
    }

    #[test]
    fn a_position_hint_finds_the_cell_and_a_wrong_one_is_ignored() {
        let sampled = [40, 41, 42, 43];
        let mut p = Poll::new(1, id(0), 1, &sampled, 0, T);
        // Right: node 42 was sampled third.
        assert!(p.vote_usual(42, Some(2), id(1), true));
        // Wrong (another node's cell, an answered cell, past the end): searched instead.
        assert!(p.vote(43, Some(0), id(1), id(1), Some(id(1))));
        assert!(p.vote_usual(40, Some(2), id(1), false));
        assert!(p.vote_usual(41, Some(99), id(1), true));
        assert!(
            !p.vote_usual(42, Some(2), id(1), true),
            "second answer ignored"
        );
        assert!(!p.vote_usual(7, Some(0), id(1), true), "not sampled");
        assert_eq!(p.remaining(), 0);
        let answers: Vec<(NodeIndex, Answer)> =
            p.slots().map(|slot| (slot.node, slot.answer)).collect();
        let chits = |vote: Option<Id>| Answer::Chits {
            preferred: id(1),
            at_height: id(1),
            vote,
        };
        assert_eq!(
            answers,
            [
                (40, chits(None)),
                (41, chits(Some(id(1)))),
                (42, chits(Some(id(1)))),
                (43, chits(Some(id(1)))),
            ]
        );
    }

    #[test]
    fn ends_early_when_alpha_preference_is_out_of_reach() {
        // K = 5, AlphaPreference 3: after three failures only two votes can still come.
        let mut p = poll(5);
        let mut s = Scratch::default();
        for node in 0..2 {
            p.drop_node(node);
            assert!(!check(&mut p, 1, &T, no_parents, &mut s));
        }
        p.drop_node(2);
        assert!(check(&mut p, 1, &T, no_parents, &mut s));
        assert!(p.early);
    }

    #[test]
    fn ends_early_when_alpha_confidence_is_reached() {
        let mut p = poll(6);
        let mut s = Scratch::default();
        for node in 0..3 {
            p.vote(node, None, id(1), id(1), Some(id(1)));
            assert!(!check(&mut p, 1, &T, no_parents, &mut s), "{node}");
        }
        p.vote(3, None, id(1), id(1), Some(id(1)));
        assert!(check(&mut p, 1, &T, no_parents, &mut s));
        assert!(p.early);
    }

    #[test]
    fn ends_early_when_alpha_preference_reached_but_confidence_out_of_reach() {
        // K = 4, AlphaPreference 3, AlphaConfidence 4: three votes and one failure.
        let mut p = poll(4);
        let mut s = Scratch::default();
        p.drop_node(0);
        for node in 1..3 {
            p.vote(node, None, id(1), id(1), Some(id(1)));
            assert!(!check(&mut p, 1, &T, no_parents, &mut s));
        }
        p.vote(3, None, id(1), id(1), Some(id(1)));
        assert!(check(&mut p, 1, &T, no_parents, &mut s));
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
            with.vote(node, None, block, block, Some(block));
            without.vote(node, None, block, block, Some(block));
        }
        assert!(check(&mut with, 1, &T, parent_of, &mut s));
        assert!(with.early);
        assert!(!check(&mut without, 1, &T, no_parents, &mut s));
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
            p.vote(0, None, x, x, Some(x));
            p.vote(1, None, y, y, Some(y));
            for node in 2..7 {
                p.vote(node, None, z, z, Some(z));
            }
            check(&mut p, 1, &t, parent_of, &mut s)
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
        set.add(Poll::new(1, id(0), 1, &[0], 0, T));
        set.add(Poll::new(2, id(0), 1, &[0], 0, T));
        if let Some(p) = set.get_mut(2) {
            p.vote(0, None, id(1), id(1), Some(id(1)));
            assert!(check(p, 3, &thresholds, no_parents, &mut s));
        }
        fn pop_finished(set: &mut PollSet) -> Option<u32> {
            let id = set.front_finished().map(|p| p.request_id);
            if id.is_some() {
                set.remove_front();
            }
            id
        }
        assert!(pop_finished(&mut set).is_none(), "poll 1 still waits");
        if let Some(p) = set.get_mut(1) {
            p.drop_node(0);
            assert!(check(p, 4, &thresholds, no_parents, &mut s));
        }
        assert_eq!(pop_finished(&mut set), Some(1));
        assert_eq!(pop_finished(&mut set), Some(2));
        assert!(pop_finished(&mut set).is_none());
        assert_eq!(set.len(), 0);
    }
}
