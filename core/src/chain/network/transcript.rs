//! The transcript hash: SHA-256 over a compact, stable binary encoding of every [`ChainEvent`] in
//! the order the network emits it.
//!
//! The encoding is this crate's own and is fixed (the golden test compares it natively and in
//! wasm): one tag byte per event, then its fields as fixed-width big-endian integers and raw
//! 32-byte IDs; lists carry a u32 count first; text (message kinds, VM error reasons) carries a
//! u32 byte length first. Debug text is never hashed, so renaming a Rust field cannot change it.

use alloc::vec::Vec;
use core::fmt::Write;

use sha2::{Digest, Sha256};

use super::{ChainEvent, DropReason};
use crate::chain::engine::{EngineEvent, PollRecord};
use crate::chain::id::Id;

/// An incremental SHA-256 over encoded events.
#[derive(Clone)]
pub(crate) struct Transcript {
    hasher: Sha256,
    /// Reused encoding buffer (one `update` per event).
    scratch: Vec<u8>,
}

impl core::fmt::Debug for Transcript {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Transcript")
    }
}

impl Default for Transcript {
    fn default() -> Self {
        Transcript {
            hasher: Sha256::new(),
            scratch: Vec::with_capacity(256),
        }
    }
}

impl Transcript {
    /// Adds one event.
    pub fn record(&mut self, event: &ChainEvent) {
        self.scratch.clear();
        encode_event(&mut self.scratch, event);
        self.hasher.update(&self.scratch);
    }

    /// The hash of every event so far.
    pub fn hash(&self) -> Id {
        Id(self.hasher.clone().finalize().into())
    }
}

/// Appends big-endian fields.
struct Out<'a>(&'a mut Vec<u8>);

impl Out<'_> {
    fn u8(&mut self, value: u8) {
        self.0.push(value);
    }
    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_be_bytes());
    }
    fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_be_bytes());
    }
    fn id(&mut self, id: &Id) {
        self.0.extend_from_slice(&id.0);
    }
    fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }
    fn len(&mut self, len: usize) {
        self.u32(u32::try_from(len).unwrap_or(u32::MAX));
    }
    fn text(&mut self, text: &str) {
        self.len(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }
    fn option_id(&mut self, id: &Option<Id>) {
        match id {
            Some(id) => {
                self.u8(1);
                self.id(id);
            }
            None => self.u8(0),
        }
    }
}

/// Collects `Display` output as bytes (for VM error reasons, without an intermediate `String`).
struct TextBytes(Vec<u8>);

impl Write for TextBytes {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

fn drop_reason_code(reason: DropReason) -> u8 {
    match reason {
        DropReason::Random => 0,
        DropReason::Partition => 1,
        DropReason::Crashed => 2,
    }
}

/// Appends the encoding of `event` to `buffer`.
pub(crate) fn encode_event(buffer: &mut Vec<u8>, event: &ChainEvent) {
    let mut out = Out(buffer);
    match event {
        ChainEvent::MessageSent {
            seq,
            from,
            to,
            kind,
            deliver_at,
        } => {
            out.u8(0x01);
            out.u64(*seq);
            out.u32(*from);
            out.u32(*to);
            out.text(kind);
            out.u64(*deliver_at);
        }
        ChainEvent::MessageDelivered {
            seq,
            from,
            to,
            kind,
        } => {
            out.u8(0x02);
            out.u64(*seq);
            out.u32(*from);
            out.u32(*to);
            out.text(kind);
        }
        ChainEvent::MessageDropped {
            seq,
            from,
            to,
            kind,
            reason,
        } => {
            out.u8(0x03);
            out.u64(*seq);
            out.u32(*from);
            out.u32(*to);
            out.text(kind);
            out.u8(drop_reason_code(*reason));
        }
        ChainEvent::Node { node, at, event } => {
            out.u8(0x04);
            out.u32(*node);
            out.u64(*at);
            encode_engine_event(&mut out, event);
        }
        ChainEvent::Proposed { node, id } => {
            out.u8(0x05);
            out.u32(*node);
            out.id(id);
        }
        ChainEvent::Crashed(node) => {
            out.u8(0x06);
            out.u32(*node);
        }
        ChainEvent::Restarted(node) => {
            out.u8(0x07);
            out.u32(*node);
        }
        ChainEvent::Partitioned(split) => {
            out.u8(0x08);
            match split {
                Some(split) => {
                    out.u8(1);
                    out.u32(*split);
                }
                None => out.u8(0),
            }
        }
    }
}

fn encode_engine_event(out: &mut Out<'_>, event: &EngineEvent) {
    match event {
        EngineEvent::Built { id, parent, height } => {
            out.u8(0x10);
            out.id(id);
            out.id(parent);
            out.u64(*height);
        }
        EngineEvent::Issued { id, height } => {
            out.u8(0x11);
            out.id(id);
            out.u64(*height);
        }
        EngineEvent::Refused { id, error } => {
            out.u8(0x12);
            out.option_id(id);
            let mut text = TextBytes(Vec::new());
            // Writing into a Vec cannot fail.
            let _ = write!(text, "{error}");
            out.len(text.0.len());
            out.0.extend_from_slice(&text.0);
        }
        EngineEvent::PollStarted {
            request_id,
            block,
            sampled,
        } => {
            out.u8(0x13);
            out.u32(*request_id);
            out.id(block);
            out.len(sampled.len());
            for node in sampled {
                out.u32(*node);
            }
        }
        EngineEvent::PollFinished(record) => {
            out.u8(0x14);
            encode_poll(out, record);
        }
        EngineEvent::PreferenceChanged { from, to } => {
            out.u8(0x15);
            out.id(from);
            out.id(to);
        }
        EngineEvent::Accepted { id, height } => {
            out.u8(0x16);
            out.id(id);
            out.u64(*height);
        }
        EngineEvent::Rejected { id, height } => {
            out.u8(0x17);
            out.id(id);
            out.u64(*height);
        }
    }
}

fn encode_poll(out: &mut Out<'_>, record: &PollRecord) {
    out.u32(record.node);
    out.u32(record.request_id);
    out.id(&record.block);
    out.u64(record.requested_height);
    out.u64(record.started_at);
    out.u64(record.finished_at);
    out.len(record.voters.len());
    for (node, vote) in &record.voters {
        out.u32(*node);
        out.option_id(vote);
    }
    out.len(record.bag.len());
    for (id, count) in record.bag.iter() {
        out.id(id);
        out.u64(count);
    }
    out.bool(record.early);
    out.bool(record.successful);
    out.id(&record.preference_before);
    out.id(&record.preference_after);
    out.u32(record.confidence);
    out.len(record.decided.len());
    for (id, accepted) in &record.decided {
        out.id(id);
        out.bool(*accepted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_fixed_width_big_endian() {
        let mut buffer = Vec::new();
        encode_event(
            &mut buffer,
            &ChainEvent::MessageDelivered {
                seq: 0x0102,
                from: 3,
                to: 4,
                kind: "Chits",
            },
        );
        assert_eq!(
            buffer,
            [
                0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, b'C', b'h',
                b'i', b't', b's'
            ]
        );
    }

    #[test]
    fn the_hash_depends_on_every_event_and_their_order() {
        let a = ChainEvent::Crashed(1);
        let b = ChainEvent::Restarted(1);
        let mut ab = Transcript::default();
        ab.record(&a);
        ab.record(&b);
        let mut ba = Transcript::default();
        ba.record(&b);
        ba.record(&a);
        let mut only_a = Transcript::default();
        only_a.record(&a);
        assert_ne!(ab.hash(), ba.hash());
        assert_ne!(ab.hash(), only_a.hash());
        assert_ne!(only_a.hash(), Transcript::default().hash());
        // Hashing does not consume the state: the same prefix gives the same hash again.
        assert_eq!(ab.hash(), ab.hash());
    }
}
