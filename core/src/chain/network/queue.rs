//! The network's message queue: every message and query timer in flight, ordered by (deliver time,
//! sequence number), in O(1) per message.
//!
//! Latencies are whole virtual milliseconds no larger than `latency_max_ms`, so every message in
//! flight is due within `latency_max_ms` of now. A ring of buckets, one per millisecond and at
//! least `latency_max_ms + 1` long (a calendar queue), therefore never holds two different deliver
//! times in one bucket; within a bucket messages arrive in sequence order because sequence
//! numbers grow with every send. Query timers all wait the same `query_timeout_ms`, so a plain FIFO
//! holds them in (deliver time, sequence) order too; the queue merges the two heads.
//!
//! A timer whose query was answered is cancelled in place (as avalanchego's timeout manager
//! removes a request on `RegisterResponse`, `snow/networking/timeout/manager.go`) and skipped
//! silently when it comes up.
//!
//! When every answer is bound to arrive before the timeout (`query_timeout_ms > 2 *
//! latency_max_ms`) the network does not queue a timer per request: it queues one only when it
//! learns that the answer will not come (the request or the answer was lost, or the peer did
//! not answer), with the deadline and sequence number the eager timer would have had. Those
//! "late" timers arrive out of deadline order, so they live in a small binary heap.

use alloc::collections::{BinaryHeap, VecDeque};
use alloc::vec::Vec;
use core::cmp::{Ordering, Reverse};

use super::wire::Wire;
use crate::chain::engine::{Millis, NodeIndex};

/// A message on the wire (its deliver time is its bucket's): 32 bytes, two to a cache line.
///
/// The request bookkeeping a message implies (its request timer, that timer's deadline, the
/// lives of its sender and recipient) is not carried: the network derives it from the sequence
/// numbers and `aux` (see `Network::post_from`), and the queue keeps only the low 32 bits of the
/// sequence number, widening it again when the message comes out.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(32))]
pub(crate) struct Envelope {
    /// The sequence number's low 32 bits (set by [`Queue::push`]).
    seq: u32,
    /// For a request: its latency (the network derives the request's deadline from it). For
    /// any other message: the low 32 bits of the sequence number its recipient's life is
    /// checked against (the request's, for an answer sent while the request was handled; its
    /// own otherwise).
    pub aux: u32,
    /// Sender and recipient ([`MAX_NODES`](super::MAX_NODES) fits in 16 bits).
    from: u16,
    to: u16,
    /// The message, its block IDs numbered and its bytes parked in the network's
    /// [`WireTable`](super::wire::WireTable).
    pub message: Wire,
}

const _: () = assert!(super::MAX_NODES <= u16::MAX as u32);

impl Envelope {
    /// A message from `from` to `to` (both below [`MAX_NODES`](super::MAX_NODES)).
    #[inline(always)]
    pub fn new(from: NodeIndex, to: NodeIndex, aux: u32, message: Wire) -> Envelope {
        Envelope {
            seq: 0,
            aux,
            from: from as u16,
            to: to as u16,
            message,
        }
    }

    /// Sender.
    #[inline(always)]
    pub fn from(&self) -> NodeIndex {
        NodeIndex::from(self.from)
    }

    /// Recipient.
    #[inline(always)]
    pub fn to(&self) -> NodeIndex {
        NodeIndex::from(self.to)
    }
}

/// The sequence number whose low 32 bits are `low`, among the 2^32 numbers up to `newest`.
/// Numbers are handed out only as messages are sent (two for a request, lost messages
/// included), and a message waits at most the largest latency, so the numbers handed out while
/// it waits count the messages sent meanwhile: every message in flight, and the request an
/// answer refers to, is within a few million numbers of the newest, never near 2^32.
#[inline(always)]
pub(crate) fn widen(newest: u64, low: u32) -> u64 {
    newest.wrapping_sub(u64::from((newest as u32).wrapping_sub(low)))
}

/// A query timer: `QueryFailed { request_id, peer }` for `node` unless cancelled first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timer {
    /// When it fires.
    pub at: Millis,
    /// Sequence number (shares the message counter, so ties with messages keep send order).
    pub seq: u64,
    /// The querying node (the recipient of `QueryFailed`).
    pub node: NodeIndex,
    /// The peer that was asked.
    pub peer: NodeIndex,
    /// The query's request ID at `node`.
    pub request_id: u32,
    /// `node`'s incarnation when it sent the query.
    pub incarnation: u32,
}

/// A late timer in the heap, ordered by (deliver time, sequence number) only.
#[derive(Clone, Copy, Debug)]
struct Late(Timer);

impl Late {
    fn key(&self) -> (Millis, u64) {
        (self.0.at, self.0.seq)
    }
}

impl PartialEq for Late {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Late {}

impl PartialOrd for Late {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Late {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// What comes out of the queue next.
#[derive(Debug)]
pub(crate) enum Due {
    /// A message with sequence number `seq`, due at `at`.
    Message {
        at: Millis,
        seq: u64,
        envelope: Envelope,
    },
    /// A timer that was not cancelled.
    Timer(Timer),
}

/// Which part of the queue holds the next entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Ring,
    Timers,
    Late,
}

/// Envelopes per chunk of the ring's storage (1 KB). A bucket fills a chunk within a millisecond
/// or two of virtual time, while the lines it took over are still in cache, and is read back
/// front to back, which the hardware prefetcher follows within a chunk but not across the jump
/// to the next one. Cachegrind, which has no prefetcher, counts about the same last-level misses
/// from 8 to 32 per chunk (1,000 nodes, 32-byte envelopes: 8 2.15 M, 16 2.14 M, 32 2.16 M); timed
/// (interleaved, 1,000 nodes), 32 to 128 per chunk beat 16 by about a tenth, natively and in
/// headless Chromium, and did not differ from each other beyond the noise.
const CHUNK: usize = 32;

/// No chunk.
const NO_CHUNK: u32 = u32::MAX;

/// One millisecond of the ring: a FIFO of envelopes in a linked list of chunks.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    /// The deliver time of every envelope in it (meaningful while `len > 0`).
    at: Millis,
    /// Envelopes in it.
    len: u32,
    /// The chunk holding its front, and the front's position there.
    head: u32,
    head_pos: u32,
    /// The chunk holding its back, and how many slots of it are filled.
    tail: u32,
    tail_len: u32,
}

impl Default for Bucket {
    fn default() -> Self {
        Bucket {
            at: 0,
            len: 0,
            head: NO_CHUNK,
            head_pos: 0,
            tail: NO_CHUNK,
            tail_len: 0,
        }
    }
}

/// Messages in a calendar ring plus timers in a FIFO.
///
/// The ring's envelopes live in chunks of [`CHUNK`] in one pool; a bucket links the chunks it
/// fills, and a chunk read to its end goes back on a free stack. The next chunk filled is then
/// the one just read, still in cache, and the queue needs no memory beyond what is in flight.
#[derive(Debug)]
pub(crate) struct Queue {
    /// `buckets[t & mask]` holds the messages due at virtual time `t`.
    buckets: Vec<Bucket>,
    mask: u64,
    /// Chunk `c` is `pool[c * CHUNK..(c + 1) * CHUNK]`.
    pool: Vec<Envelope>,
    /// The chunk after chunk `c` in its bucket.
    next: Vec<u32>,
    /// Chunks not in any bucket, the most recently freed last.
    free: Vec<u32>,
    /// Every message in the ring is due at or after `cursor`.
    cursor: Millis,
    /// Messages in the ring.
    messages: usize,
    /// The sequence number of the newest message pushed (messages are pushed in sequence
    /// order).
    newest: u64,
    /// Timers in (deliver time, sequence) order.
    timers: VecDeque<Timer>,
    /// One bit per sequence number from `live_base` (a multiple of 64) on, set for a timer in
    /// `timers` that was not cancelled. Apart from the timers, so that cancelling (a random
    /// access per answer) stays within a few kilobytes.
    live: VecDeque<u64>,
    live_base: u64,
    /// Timers in `timers` that were not cancelled.
    live_timers: usize,
    /// Late timers (lazy mode), earliest first.
    late: BinaryHeap<Reverse<Late>>,
}

impl Queue {
    /// A queue for latencies of at most `latency_max` milliseconds.
    pub fn new(latency_max: u32) -> Queue {
        let size = (u64::from(latency_max) + 1).next_power_of_two().max(64);
        Queue {
            buckets: alloc::vec![Bucket::default(); size as usize],
            mask: size - 1,
            pool: Vec::new(),
            next: Vec::new(),
            free: Vec::new(),
            cursor: 0,
            messages: 0,
            newest: 0,
            timers: VecDeque::new(),
            live: VecDeque::new(),
            live_base: 0,
            live_timers: 0,
            late: BinaryHeap::new(),
        }
    }

    /// Messages on the wire (timers not counted).
    pub fn messages(&self) -> usize {
        self.messages
    }

    /// Nothing due: no message and no live timer.
    pub fn is_empty(&self) -> bool {
        self.messages == 0 && self.live_timers == 0 && self.late.is_empty()
    }

    /// Queues a late timer (lazy mode): any deliver time at or after the last entry popped.
    pub fn push_late_timer(&mut self, timer: Timer) {
        self.late.push(Reverse(Late(timer)));
    }

    /// A chunk to fill: the most recently freed one, or a new one.
    fn take_chunk(&mut self) -> u32 {
        if let Some(chunk) = self.free.pop() {
            return chunk;
        }
        let chunk = u32::try_from(self.next.len()).unwrap_or(NO_CHUNK);
        self.next.push(NO_CHUNK);
        self.pool
            .resize(self.pool.len() + CHUNK, Envelope::default());
        chunk
    }

    /// Queues message number `seq` due at `at`. Messages are pushed in sequence order, each due
    /// at or after the time of the last entry popped and within the ring's span of it (the
    /// network guarantees all three: it pushes as it numbers, and latency <= `latency_max`).
    #[inline(always)]
    pub fn push(&mut self, at: Millis, seq: u64, mut envelope: Envelope) {
        envelope.seq = seq as u32;
        self.newest = seq;
        // The cursor may have run ahead over empty buckets while peeking; every bucket between
        // `at` and it is empty, so moving it back is safe. An empty ring's cursor may instead be
        // laps behind (timers alone moved time on): it restarts at the message.
        if at < self.cursor || self.messages == 0 {
            self.cursor = at;
        }
        let index = (at & self.mask) as usize;
        let Some(bucket) = self.buckets.get(index) else {
            return;
        };
        let (tail, tail_len) = if bucket.tail == NO_CHUNK || bucket.tail_len as usize == CHUNK {
            self.new_tail(index)
        } else {
            (bucket.tail, bucket.tail_len)
        };
        if let Some(slot) = self.pool.get_mut(tail as usize * CHUNK + tail_len as usize) {
            *slot = envelope;
        }
        if let Some(bucket) = self.buckets.get_mut(index) {
            bucket.at = at;
            bucket.tail_len = tail_len + 1;
            bucket.len += 1;
        }
        self.messages += 1;
    }

    /// Links a fresh chunk at the back of bucket `index`; returns it with its fill (0).
    fn new_tail(&mut self, index: usize) -> (u32, u32) {
        let chunk = self.take_chunk();
        let Some(bucket) = self.buckets.get_mut(index) else {
            return (chunk, 0);
        };
        if bucket.tail == NO_CHUNK {
            bucket.head = chunk;
            bucket.head_pos = 0;
        } else if let Some(link) = self.next.get_mut(bucket.tail as usize) {
            *link = chunk;
        }
        bucket.tail = chunk;
        bucket.tail_len = 0;
        (chunk, 0)
    }

    /// Queues a timer (cancelled by [`Queue::cancel_timer`] with its sequence number). Timers
    /// must be pushed in (deliver time, sequence) order, which a fixed timeout guarantees.
    pub fn push_timer(&mut self, timer: Timer) {
        if self.live.is_empty() {
            self.live_base = timer.seq & !63;
        }
        if let Some((word, bit)) = self.live_bit(timer.seq) {
            while word >= self.live.len() {
                self.live.push_back(0);
            }
            if let Some(w) = self.live.get_mut(word) {
                *w |= bit;
            }
            self.timers.push_back(timer);
            self.live_timers += 1;
        }
    }

    /// The word and bit of sequence number `seq` in the live bitmap (None: before its start).
    fn live_bit(&self, seq: u64) -> Option<(usize, u64)> {
        let offset = seq.checked_sub(self.live_base)?;
        Some((usize::try_from(offset / 64).ok()?, 1 << (offset % 64)))
    }

    /// Is timer `seq` queued and not cancelled?
    fn is_live(&self, seq: u64) -> bool {
        self.live_bit(seq)
            .and_then(|(word, bit)| Some(self.live.get(word)? & bit != 0))
            .unwrap_or(false)
    }

    /// Is the front timer cancelled?
    fn front_cancelled(&self) -> bool {
        self.timers
            .front()
            .is_some_and(|timer| !self.is_live(timer.seq))
    }

    /// The front timer left the queue: drops the bitmap words before the next one.
    fn timer_popped(&mut self, popped: u64) {
        let Some(front) = self.timers.front() else {
            self.live.clear();
            return;
        };
        let floor = front.seq.max(popped + 1);
        while self.live_base + 64 <= floor && !self.live.is_empty() {
            self.live.pop_front();
            self.live_base += 64;
        }
    }

    /// Cancels timer `seq` if it is queued (any other number, a message's or a timer that
    /// already fired, does nothing).
    pub fn cancel_timer(&mut self, seq: u64) {
        let Some((word, bit)) = self.live_bit(seq) else {
            return;
        };
        if let Some(w) = self.live.get_mut(word) {
            if *w & bit != 0 {
                *w &= !bit;
                self.live_timers -= 1;
            }
        }
    }

    /// (deliver time, sequence) of the next message in the ring, moving the cursor over empty
    /// buckets.
    fn peek_message(&mut self) -> Option<(Millis, u64)> {
        let index = self.front_bucket()?;
        let bucket = self.buckets.get(index)?;
        let front = self
            .pool
            .get(bucket.head as usize * CHUNK + bucket.head_pos as usize)?;
        Some((bucket.at, widen(self.newest, front.seq)))
    }

    /// The index of the first non-empty bucket from the cursor on, moving the cursor to it;
    /// None when the ring is empty.
    #[inline]
    fn front_bucket(&mut self) -> Option<usize> {
        if self.messages == 0 {
            return None;
        }
        // At most one lap: every message is due within the ring's span of the cursor.
        loop {
            let index = (self.cursor & self.mask) as usize;
            if self.buckets.get(index)?.len > 0 {
                return Some(index);
            }
            self.cursor += 1;
        }
    }

    /// Removes the front message of the cursor's bucket (which [`Queue::peek_message`] found),
    /// freeing its chunk when read to the end.
    #[inline(always)]
    fn pop_ring(&mut self) -> Option<Due> {
        let index = (self.cursor & self.mask) as usize;
        let bucket = self.buckets.get_mut(index)?;
        if bucket.len == 0 {
            return None;
        }
        let at = bucket.at;
        let head = bucket.head;
        let envelope = *self
            .pool
            .get(head as usize * CHUNK + bucket.head_pos as usize)?;
        bucket.head_pos += 1;
        bucket.len -= 1;
        if bucket.len == 0 {
            bucket.head = NO_CHUNK;
            bucket.tail = NO_CHUNK;
            self.free.push(head);
        } else if bucket.head_pos as usize == CHUNK {
            bucket.head = self.next.get(head as usize).copied().unwrap_or(NO_CHUNK);
            bucket.head_pos = 0;
            self.free.push(head);
        }
        self.messages -= 1;
        Some(Due::Message {
            at,
            seq: widen(self.newest, envelope.seq),
            envelope,
        })
    }

    /// Drops cancelled timers from the front.
    fn skip_cancelled(&mut self) {
        while self.front_cancelled() {
            if let Some(timer) = self.timers.pop_front() {
                self.timer_popped(timer.seq);
            }
        }
    }

    /// Where the next entry comes from, and its (deliver time, sequence).
    fn next(&mut self) -> Option<(Source, (Millis, u64))> {
        self.skip_cancelled();
        let mut best = self.peek_message().map(|key| (Source::Ring, key));
        let candidates = [
            self.timers
                .front()
                .map(|timer| (Source::Timers, (timer.at, timer.seq))),
            self.late
                .peek()
                .map(|Reverse(late)| (Source::Late, late.key())),
        ];
        for candidate in candidates.into_iter().flatten() {
            if best.is_none_or(|(_, key)| candidate.1 < key) {
                best = Some(candidate);
            }
        }
        best
    }

    /// (deliver time, sequence) of the next entry, without removing it.
    pub fn peek(&mut self) -> Option<(Millis, u64)> {
        self.next().map(|(_, key)| key)
    }

    /// Removes and returns the next entry by (deliver time, sequence).
    #[inline(always)]
    pub fn pop(&mut self) -> Option<Due> {
        if self.timers.is_empty() && self.late.is_empty() {
            // Only messages (the usual case with lazy timers): the ring's next is the next.
            self.front_bucket()?;
            return self.pop_ring();
        }
        match self.next()?.0 {
            Source::Timers => {
                let timer = self.timers.pop_front()?;
                // It is live (`next` skipped the cancelled ones): cancelling it clears its bit
                // and counts it out.
                self.cancel_timer(timer.seq);
                self.timer_popped(timer.seq);
                Some(Due::Timer(timer))
            }
            Source::Late => self
                .late
                .pop()
                .map(|Reverse(Late(timer))| Due::Timer(timer)),
            Source::Ring => self.pop_ring(),
        }
    }

    /// A bucket's envelopes, front first.
    fn bucket_envelopes(&self, bucket: &Bucket) -> impl Iterator<Item = &Envelope> + '_ {
        let mut chunk = bucket.head;
        let mut pos = bucket.head_pos as usize;
        let mut left = bucket.len;
        core::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            if pos == CHUNK {
                chunk = self.next.get(chunk as usize).copied().unwrap_or(NO_CHUNK);
                pos = 0;
            }
            let envelope = self.pool.get(chunk as usize * CHUNK + pos)?;
            pos += 1;
            left -= 1;
            Some(envelope)
        })
    }

    /// Up to `max` messages in flight in delivery order, with their deliver times and sequence
    /// numbers (the page's "in flight" list). O(in flight).
    pub fn in_flight(&self, max: usize) -> Vec<(Millis, u64, &Envelope)> {
        let mut all: Vec<(Millis, u64, &Envelope)> = self
            .buckets
            .iter()
            .flat_map(|bucket| {
                self.bucket_envelopes(bucket)
                    .map(move |envelope| (bucket.at, widen(self.newest, envelope.seq), envelope))
            })
            .collect();
        all.sort_unstable_by_key(|(at, seq, _)| (*at, *seq));
        all.truncate(max);
        all
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Envelope {
        Envelope::new(
            0,
            1,
            0,
            Wire::QueryFailed {
                request_id: 0,
                peer: 0,
            },
        )
    }

    fn timer(at: Millis, seq: u64) -> Timer {
        Timer {
            at,
            seq,
            node: 0,
            peer: 1,
            request_id: 7,
            incarnation: 0,
        }
    }

    fn order(queue: &mut Queue) -> Vec<(Millis, u64)> {
        let mut out = Vec::new();
        while let Some(due) = queue.pop() {
            out.push(match due {
                Due::Message { at, seq, .. } => (at, seq),
                Due::Timer(t) => (t.at, t.seq),
            });
        }
        out
    }

    #[test]
    fn messages_come_out_by_time_then_sequence() {
        let mut queue = Queue::new(100);
        queue.push(50, 0, envelope());
        queue.push(10, 1, envelope());
        queue.push(50, 2, envelope());
        queue.push(100, 3, envelope());
        queue.push_timer(timer(30, 4));
        queue.push(30, 5, envelope());
        assert_eq!(
            order(&mut queue),
            [(10, 1), (30, 4), (30, 5), (50, 0), (50, 2), (100, 3)]
        );
        assert!(queue.is_empty());
    }

    #[test]
    fn a_push_behind_the_peeked_cursor_still_comes_first() {
        let mut queue = Queue::new(100);
        queue.push(90, 0, envelope());
        queue.push_timer(timer(20, 1));
        assert_eq!(queue.peek(), Some((20, 1)));
        assert!(matches!(queue.pop(), Some(Due::Timer(_))));
        // Sent at 20 with latency 5: due before the message at 90 the cursor already saw.
        queue.push(25, 2, envelope());
        assert_eq!(order(&mut queue), [(25, 2), (90, 0)]);
    }

    #[test]
    fn the_ring_wraps_over_many_laps_in_order() {
        // Pushes with latencies 0..=10 and timers 25 ms out, popping one entry per push, checked
        // against a sorted reference.
        let mut queue = Queue::new(10);
        let mut reference = alloc::collections::BTreeSet::new();
        let mut seq = 0u64;
        let mut now = 0;
        let mut state = 12345u64;
        for round in 0..5000u64 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let latency = (state >> 33) % 11;
            queue.push(now + latency, seq, envelope());
            reference.insert((now + latency, seq));
            seq += 1;
            if round.is_multiple_of(7) {
                queue.push_timer(timer(now + 25, seq));
                if (state >> 20).is_multiple_of(3) {
                    // Answered: cancelled, never comes out.
                    queue.cancel_timer(seq);
                } else {
                    reference.insert((now + 25, seq));
                }
                seq += 1;
            }
            let popped = match queue.pop().unwrap() {
                Due::Message { at, seq, .. } => (at, seq),
                Due::Timer(t) => (t.at, t.seq),
            };
            assert_eq!(Some(popped), reference.pop_first());
            now = popped.0;
        }
        let rest = order(&mut queue);
        assert_eq!(rest, reference.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn late_timers_merge_by_time_then_sequence() {
        let mut queue = Queue::new(100);
        queue.push(40, 3, envelope());
        queue.push_late_timer(timer(50, 1));
        queue.push_late_timer(timer(40, 2));
        queue.push_timer(timer(40, 0));
        queue.push_late_timer(timer(45, 9));
        assert!(!queue.is_empty());
        assert_eq!(queue.peek(), Some((40, 0)));
        assert_eq!(
            order(&mut queue),
            [(40, 0), (40, 2), (40, 3), (45, 9), (50, 1)]
        );
        assert!(queue.is_empty());
    }

    #[test]
    fn cancelled_timers_are_skipped() {
        let mut queue = Queue::new(100);
        queue.push_timer(timer(1000, 0));
        queue.push_timer(timer(1001, 1));
        queue.cancel_timer(0);
        assert!(!queue.is_empty());
        queue.cancel_timer(1);
        queue.cancel_timer(1);
        assert!(queue.is_empty());
        assert!(queue.pop().is_none());
        queue.push_timer(timer(1002, 5));
        // Numbers that are not a queued timer's do nothing.
        for other in [2, 3, 4, 6, 1000] {
            queue.cancel_timer(other);
        }
        assert!(!queue.is_empty());
        assert_eq!(order(&mut queue), [(1002, 5)]);
        // Cancelling a timer that already fired does nothing.
        queue.cancel_timer(5);
        assert!(queue.is_empty());
        queue.push_timer(timer(1003, 200));
        assert_eq!(order(&mut queue), [(1003, 200)]);
    }

    #[test]
    fn a_bucket_spans_chunks_and_read_chunks_are_reused() {
        let mut queue = Queue::new(100);
        for seq in 0..100 {
            queue.push(5, seq, envelope());
        }
        queue.push(7, 100, envelope());
        let expected: Vec<(Millis, u64)> = (0..100).map(|seq| (5, seq)).chain([(7, 100)]).collect();
        let listed: Vec<(Millis, u64)> = queue
            .in_flight(usize::MAX)
            .iter()
            .map(|(at, seq, _)| (*at, *seq))
            .collect();
        assert_eq!(listed, expected);
        assert_eq!(queue.in_flight(3).len(), 3);
        assert_eq!(order(&mut queue), expected);
        let chunks = queue.next.len();
        assert_eq!(chunks, 100usize.div_ceil(CHUNK) + 1);
        // The same load again takes the chunks read, none new.
        for seq in 101..201 {
            queue.push(9, seq, envelope());
        }
        assert_eq!(queue.next.len(), chunks);
        assert_eq!(order(&mut queue).len(), 100);
    }

    #[test]
    fn a_queued_message_is_half_a_cache_line() {
        assert_eq!(core::mem::size_of::<Envelope>(), 32);
        assert_eq!(core::mem::align_of::<Envelope>(), 32);
    }

    #[test]
    fn sequence_numbers_widen_across_the_32_bit_boundary() {
        let mut queue = Queue::new(100);
        let base = (1u64 << 32) - 2;
        for (i, at) in [(0, 10), (1, 10), (2, 11), (3, 10)] {
            queue.push(at, base + i, envelope());
        }
        assert_eq!(
            order(&mut queue),
            [(10, base), (10, base + 1), (10, base + 3), (11, base + 2)]
        );
        assert_eq!(
            widen(u64::from(u32::MAX) + 5, u32::MAX),
            u64::from(u32::MAX)
        );
        assert_eq!(widen(7, 3), 3);
    }

    #[test]
    fn a_message_after_timers_moved_time_on_by_laps_comes_out_in_order() {
        // The ring has 64 buckets. It empties at 5; a timer alone takes time to 200; then two
        // messages are sent, due at 262 (bucket 6) and 200 (bucket 8). A cursor left at 5
        // would find bucket 6 first and deliver 262 before 200.
        let mut queue = Queue::new(63);
        queue.push(5, 0, envelope());
        assert_eq!(order(&mut queue), [(5, 0)]);
        queue.push_timer(timer(200, 1));
        assert!(matches!(queue.pop(), Some(Due::Timer(_))));
        queue.push(262, 2, envelope());
        queue.push(200, 3, envelope());
        assert_eq!(order(&mut queue), [(200, 3), (262, 2)]);
    }
}
