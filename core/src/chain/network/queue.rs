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

/// No timer: the entry's query has no timer, or the entry is not a query or an answer to one.
pub(crate) const NO_TIMER: u64 = u64::MAX;

/// A message on the wire.
#[derive(Clone, Debug)]
pub(crate) struct Envelope {
    /// When it arrives.
    pub at: Millis,
    /// Sequence number (unique, increasing with every send).
    pub seq: u64,
    /// Sender.
    pub from: NodeIndex,
    /// Recipient.
    pub to: NodeIndex,
    /// The recipient's incarnation when it was sent: a message to a node that crashed (and maybe
    /// restarted) since is lost with the connection.
    pub incarnation: u32,
    /// The sender's incarnation when it was sent.
    pub sender_incarnation: u32,
    /// The request timer this message is tied to: for a request, its own timer; for an answer,
    /// the timer of the request it answers. Eager timers: the timer's number (delivering the
    /// answer cancels it); lazy timers: its sequence number. [`NO_TIMER`] otherwise.
    pub timer: u64,
    /// For a request or an answer: when the request's timer fires.
    pub deadline: Millis,
    /// The message, its block IDs numbered by the network's ID table.
    pub message: Wire,
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
    /// A message.
    Message(Envelope),
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

/// Messages in a calendar ring plus timers in a FIFO.
#[derive(Debug)]
pub(crate) struct Queue {
    /// `buckets[t & mask]` holds the messages due at virtual time `t`.
    buckets: Vec<VecDeque<Envelope>>,
    mask: u64,
    /// Every message in the ring is due at or after `cursor`.
    cursor: Millis,
    /// Messages in the ring.
    messages: usize,
    /// Timers in order; `timers[i]` has the absolute number `timers_popped + i`.
    timers: VecDeque<Timer>,
    timers_popped: u64,
    /// One bit per timer number from `cancelled_base` on: the answer arrived, skip it. A bitmap
    /// apart from the timers keeps cancelling (a random access per answer) within a few
    /// kilobytes.
    cancelled: VecDeque<u64>,
    cancelled_base: u64,
    /// Timers in `timers` that were not cancelled.
    live_timers: usize,
    /// Late timers (lazy mode), earliest first.
    late: BinaryHeap<Reverse<Late>>,
}

impl Queue {
    /// A queue for latencies of at most `latency_max` milliseconds.
    pub fn new(latency_max: u32) -> Queue {
        let size = (u64::from(latency_max) + 1).next_power_of_two().max(64);
        let mut buckets = Vec::new();
        buckets.resize_with(size as usize, VecDeque::new);
        Queue {
            buckets,
            mask: size - 1,
            cursor: 0,
            messages: 0,
            timers: VecDeque::new(),
            timers_popped: 0,
            cancelled: VecDeque::new(),
            cancelled_base: 0,
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

    /// Queues a message. `envelope.at` must be at or after the time of the last entry popped and
    /// within the ring's span of it (the network guarantees both: latency <= `latency_max`).
    pub fn push(&mut self, envelope: Envelope) {
        // The cursor may have run ahead over empty buckets while peeking; every bucket between
        // `envelope.at` and it is empty, so moving it back is safe.
        if envelope.at < self.cursor {
            self.cursor = envelope.at;
        }
        let index = (envelope.at & self.mask) as usize;
        if let Some(bucket) = self.buckets.get_mut(index) {
            bucket.push_back(envelope);
            self.messages += 1;
        }
    }

    /// Queues a timer; returns its number (for [`Queue::cancel_timer`]). Timers must be pushed in
    /// (deliver time, sequence) order, which a fixed timeout guarantees.
    pub fn push_timer(&mut self, timer: Timer) -> u64 {
        let number = self.timers_popped + self.timers.len() as u64;
        while (number - self.cancelled_base) / 64 >= self.cancelled.len() as u64 {
            self.cancelled.push_back(0);
        }
        self.timers.push_back(timer);
        self.live_timers += 1;
        number
    }

    /// The word and bit of timer `number` in the cancelled bitmap.
    fn cancelled_bit(&self, number: u64) -> (usize, u64) {
        let offset = number.saturating_sub(self.cancelled_base);
        ((offset / 64) as usize, 1 << (offset % 64))
    }

    /// Is the front timer cancelled?
    fn front_cancelled(&self) -> bool {
        if self.timers.is_empty() {
            return false;
        }
        let (word, bit) = self.cancelled_bit(self.timers_popped);
        self.cancelled.get(word).is_some_and(|w| w & bit != 0)
    }

    /// The front timer left the queue.
    fn timer_popped(&mut self) {
        self.timers_popped += 1;
        while self.timers_popped >= self.cancelled_base + 64 && !self.cancelled.is_empty() {
            self.cancelled.pop_front();
            self.cancelled_base += 64;
        }
    }

    /// Cancels timer `number` if it is still queued.
    pub fn cancel_timer(&mut self, number: u64) {
        if number == NO_TIMER || number < self.timers_popped {
            return;
        }
        if number - self.timers_popped >= self.timers.len() as u64 {
            return;
        }
        let (word, bit) = self.cancelled_bit(number);
        if let Some(w) = self.cancelled.get_mut(word) {
            if *w & bit == 0 {
                *w |= bit;
                self.live_timers -= 1;
            }
        }
    }

    /// (deliver time, sequence) of the next message in the ring, moving the cursor over empty
    /// buckets.
    fn peek_message(&mut self) -> Option<(Millis, u64)> {
        if self.messages == 0 {
            return None;
        }
        // At most one lap: every message is due within the ring's span of the cursor.
        loop {
            let index = (self.cursor & self.mask) as usize;
            if let Some(front) = self.buckets.get(index).and_then(|bucket| bucket.front()) {
                return Some((front.at, front.seq));
            }
            self.cursor += 1;
        }
    }

    /// Drops cancelled timers from the front.
    fn skip_cancelled(&mut self) {
        while self.front_cancelled() {
            self.timers.pop_front();
            self.timer_popped();
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
    pub fn pop(&mut self) -> Option<Due> {
        if self.timers.is_empty() && self.late.is_empty() {
            // Only messages (the usual case with lazy timers): the ring's next is the next.
            self.peek_message()?;
            let index = (self.cursor & self.mask) as usize;
            let envelope = self.buckets.get_mut(index)?.pop_front()?;
            self.messages -= 1;
            return Some(Due::Message(envelope));
        }
        match self.next()?.0 {
            Source::Timers => {
                let timer = self.timers.pop_front()?;
                self.timer_popped();
                self.live_timers -= 1;
                Some(Due::Timer(timer))
            }
            Source::Late => self
                .late
                .pop()
                .map(|Reverse(Late(timer))| Due::Timer(timer)),
            Source::Ring => {
                let index = (self.cursor & self.mask) as usize;
                let envelope = self.buckets.get_mut(index)?.pop_front()?;
                self.messages -= 1;
                Some(Due::Message(envelope))
            }
        }
    }

    /// Up to `max` messages in flight in delivery order (the page's "in flight" list). O(in flight).
    pub fn in_flight(&self, max: usize) -> Vec<&Envelope> {
        let mut all: Vec<&Envelope> = self.buckets.iter().flatten().collect();
        all.sort_unstable_by_key(|envelope| (envelope.at, envelope.seq));
        all.truncate(max);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(at: Millis, seq: u64) -> Envelope {
        Envelope {
            at,
            seq,
            from: 0,
            to: 1,
            incarnation: 0,
            sender_incarnation: 0,
            timer: NO_TIMER,
            deadline: 0,
            message: Wire::QueryFailed {
                request_id: 0,
                peer: 0,
            },
        }
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
                Due::Message(e) => (e.at, e.seq),
                Due::Timer(t) => (t.at, t.seq),
            });
        }
        out
    }

    #[test]
    fn messages_come_out_by_time_then_sequence() {
        let mut queue = Queue::new(100);
        queue.push(envelope(50, 0));
        queue.push(envelope(10, 1));
        queue.push(envelope(50, 2));
        queue.push(envelope(100, 3));
        queue.push_timer(timer(30, 4));
        queue.push(envelope(30, 5));
        assert_eq!(
            order(&mut queue),
            [(10, 1), (30, 4), (30, 5), (50, 0), (50, 2), (100, 3)]
        );
        assert!(queue.is_empty());
    }

    #[test]
    fn a_push_behind_the_peeked_cursor_still_comes_first() {
        let mut queue = Queue::new(100);
        queue.push(envelope(90, 0));
        queue.push_timer(timer(20, 1));
        assert_eq!(queue.peek(), Some((20, 1)));
        assert!(matches!(queue.pop(), Some(Due::Timer(_))));
        // Sent at 20 with latency 5: due before the message at 90 the cursor already saw.
        queue.push(envelope(25, 2));
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
            queue.push(envelope(now + latency, seq));
            reference.insert((now + latency, seq));
            seq += 1;
            if round.is_multiple_of(7) {
                let number = queue.push_timer(timer(now + 25, seq));
                if (state >> 20).is_multiple_of(3) {
                    // Answered: cancelled, never comes out.
                    queue.cancel_timer(number);
                } else {
                    reference.insert((now + 25, seq));
                }
                seq += 1;
            }
            let popped = match queue.pop().unwrap() {
                Due::Message(e) => (e.at, e.seq),
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
        queue.push(envelope(40, 3));
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
        let first = queue.push_timer(timer(1000, 0));
        let second = queue.push_timer(timer(1001, 1));
        queue.cancel_timer(first);
        assert!(!queue.is_empty());
        queue.cancel_timer(second);
        queue.cancel_timer(second);
        assert!(queue.is_empty());
        assert!(queue.pop().is_none());
        let third = queue.push_timer(timer(1002, 2));
        assert_eq!(third, 2);
        assert_eq!(order(&mut queue), [(1002, 2)]);
        // Cancelling a timer that already fired does nothing.
        queue.cancel_timer(third);
        assert!(queue.is_empty());
    }
}
