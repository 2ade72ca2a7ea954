//! Messages as they wait in the queue: block IDs replaced by small numbers, block bytes parked.
//!
//! A network of a thousand nodes has tens of thousands of messages in flight, almost all of
//! them `PullQuery` and `Chits` naming the same one or two blocks. Holding each 32-byte ID once,
//! in a [`WireTable`], and a 4-byte number in every queued message ([`Wire`]) cuts the queue to
//! a fraction of the memory, which is what the time per message goes on. The few messages that
//! carry block bytes (`PushQuery`, `Ancestors`) park them in the table too, so that a [`Wire`]
//! is a small plain value (20 bytes, `Copy`, 4-byte aligned) and a queued message fits in 32
//! bytes, two to a cache line.
//! Nothing else changes: a message becomes a [`Message`] again, with the same IDs and bytes,
//! when it is delivered.

use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::chain::engine::{Chits, Message, NodeIndex};
use crate::chain::id::Id;

/// An ID's number in the [`WireTable`].
pub(crate) type IdRef = u32;

/// A parked payload's slot in the [`WireTable`].
pub(crate) type PayloadRef = u32;

/// Slots of the [`WireTable`]'s ID cache, indexed by an ID's first byte (IDs are SHA-256
/// digests, so their bytes are evenly spread).
const CACHE_SLOTS: usize = 256;

/// Block bytes a queued message carries.
#[derive(Debug)]
enum Payload {
    /// A `PushQuery`'s block.
    Block(Rc<[u8]>),
    /// An `Ancestors` answer's blocks.
    Blocks(Vec<Rc<[u8]>>),
}

/// What queued messages refer to by number: every block ID they have named (numbered in the
/// order first seen, kept for the network's life) and the block bytes of the messages still in
/// flight (a slot each, reused once delivered).
#[derive(Debug)]
pub(crate) struct WireTable {
    ids: Vec<Id>,
    numbers: BTreeMap<Id, IdRef>,
    /// Recently numbered IDs by first byte: almost every lookup is one comparison here.
    cache: Vec<Option<(Id, IdRef)>>,
    payloads: Vec<Option<Payload>>,
    /// Empty slots of `payloads`.
    free: Vec<PayloadRef>,
}

impl Default for WireTable {
    fn default() -> Self {
        WireTable {
            ids: Vec::new(),
            numbers: BTreeMap::new(),
            cache: alloc::vec![None; CACHE_SLOTS],
            payloads: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl WireTable {
    /// `id`'s number, given one if new.
    #[inline(always)]
    pub fn number(&mut self, id: &Id) -> IdRef {
        let slot = usize::from(id.0[0]) % CACHE_SLOTS;
        if let Some(Some((known, number))) = self.cache.get(slot) {
            if known == id {
                return *number;
            }
        }
        self.number_slow(id, slot)
    }

    /// [`WireTable::number`] past the cache (rare: kept out of line so that the cache check
    /// inlines).
    #[cold]
    #[inline(never)]
    fn number_slow(&mut self, id: &Id, slot: usize) -> IdRef {
        let number = match self.numbers.get(id) {
            Some(number) => *number,
            None => {
                let number = IdRef::try_from(self.ids.len()).unwrap_or(IdRef::MAX);
                self.ids.push(*id);
                self.numbers.insert(*id, number);
                number
            }
        };
        if let Some(cached) = self.cache.get_mut(slot) {
            *cached = Some((*id, number));
        }
        number
    }

    /// The ID numbered `number` (the default ID for a number never given, which cannot happen
    /// for numbers this table handed out).
    #[inline]
    pub fn id(&self, number: IdRef) -> Id {
        self.ids.get(number as usize).copied().unwrap_or_default()
    }

    /// Parks `payload` until its message is delivered or lost.
    fn park(&mut self, payload: Payload) -> PayloadRef {
        match self.free.pop() {
            Some(slot) => {
                if let Some(empty) = self.payloads.get_mut(slot as usize) {
                    *empty = Some(payload);
                }
                slot
            }
            None => {
                let slot = PayloadRef::try_from(self.payloads.len()).unwrap_or(PayloadRef::MAX);
                self.payloads.push(Some(payload));
                slot
            }
        }
    }

    /// Takes a parked payload back, freeing its slot (None for a slot that holds nothing,
    /// which cannot happen for a message still queued).
    fn take(&mut self, slot: PayloadRef) -> Option<Payload> {
        let payload = self.payloads.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        Some(payload)
    }

    /// Payloads parked (messages with block bytes in flight).
    #[cfg(test)]
    fn parked(&self) -> usize {
        self.payloads.len() - self.free.len()
    }
}

/// Where a queried node sits in the asker's sample, when the network knows: a poll's pull
/// queries carry it and the usual answer carries it back, so that the poll finds the
/// answering node without a scan (a lookup aid only: the poll checks it). [`Position::NONE`]
/// otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Position(u8);

impl Position {
    /// Not known.
    pub const NONE: Position = Position(u8::MAX);

    /// Position `index`, if it fits.
    pub fn at(index: usize) -> Position {
        u8::try_from(index)
            .ok()
            .filter(|index| *index != u8::MAX)
            .map_or(Position::NONE, Position)
    }

    /// The position, if known.
    pub fn get(self) -> Option<usize> {
        (self != Position::NONE).then_some(usize::from(self.0))
    }
}

/// A block height in two 32-bit halves: 4-byte aligned, so that a [`Wire`] holding one is 20
/// bytes rather than the 24 an 8-byte-aligned `u64` would round it up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Height([u32; 2]);

impl Height {
    #[inline(always)]
    pub fn new(height: u64) -> Height {
        Height([height as u32, (height >> 32) as u32])
    }

    #[inline(always)]
    pub fn get(self) -> u64 {
        u64::from(self.0[0]) | (u64::from(self.0[1]) << 32)
    }
}

/// A [`Message`] in the queue: its block IDs as [`IdRef`]s, its block bytes parked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Wire {
    PushQuery {
        request_id: u32,
        block: PayloadRef,
        requested_height: Height,
    },
    PullQuery {
        request_id: u32,
        block_id: IdRef,
        requested_height: Height,
        /// The recipient's position in the asker's sample (see [`Position`]).
        position: Position,
    },
    Chits {
        request_id: u32,
        preferred: IdRef,
        preferred_at_height: IdRef,
        accepted: IdRef,
        /// The sender's position in the asker's sample, from the query it answers.
        position: Position,
    },
    GetAncestors {
        request_id: u32,
        block_id: IdRef,
    },
    Ancestors {
        request_id: u32,
        blocks: PayloadRef,
    },
    /// (The default only fills unused queue slots.)
    #[default]
    Empty,
    QueryFailed {
        request_id: u32,
        peer: NodeIndex,
    },
}

impl Wire {
    /// `message` for the queue (its block bytes shared, not copied).
    #[inline]
    pub fn pack(message: &Message, table: &mut WireTable) -> Wire {
        match message {
            Message::PushQuery {
                request_id,
                block,
                requested_height,
            } => Wire::PushQuery {
                request_id: *request_id,
                block: table.park(Payload::Block(Rc::clone(block))),
                requested_height: Height::new(*requested_height),
            },
            Message::PullQuery {
                request_id,
                block_id,
                requested_height,
            } => Wire::PullQuery {
                request_id: *request_id,
                block_id: table.number(block_id),
                requested_height: Height::new(*requested_height),
                position: Position::NONE,
            },
            Message::Chits {
                request_id,
                preferred,
                preferred_at_height,
                accepted,
            } => Wire::chits(
                &Chits {
                    request_id: *request_id,
                    preferred: *preferred,
                    preferred_at_height: *preferred_at_height,
                    accepted: *accepted,
                },
                table,
            ),
            Message::GetAncestors {
                request_id,
                block_id,
            } => Wire::GetAncestors {
                request_id: *request_id,
                block_id: table.number(block_id),
            },
            Message::Ancestors { request_id, blocks } => Wire::Ancestors {
                request_id: *request_id,
                blocks: table.park(Payload::Blocks(blocks.clone())),
            },
            Message::QueryFailed { request_id, peer } => Wire::QueryFailed {
                request_id: *request_id,
                peer: *peer,
            },
        }
    }

    /// `chits` for the queue (each distinct ID numbered once).
    #[inline(always)]
    pub fn chits(chits: &Chits, table: &mut WireTable) -> Wire {
        let preferred = table.number(&chits.preferred);
        let preferred_at_height = if chits.preferred_at_height == chits.preferred {
            preferred
        } else {
            table.number(&chits.preferred_at_height)
        };
        let accepted = if chits.accepted == chits.preferred {
            preferred
        } else {
            table.number(&chits.accepted)
        };
        Wire::Chits {
            request_id: chits.request_id,
            preferred,
            preferred_at_height,
            accepted,
            position: Position::NONE,
        }
    }

    /// The message again, as it was packed, its payload taken back from `table`. None for
    /// [`Wire::Empty`] (never queued) or a payload already taken (never happens: a queued
    /// message is unpacked or [released](Wire::release) once).
    pub fn unpack(self, table: &mut WireTable) -> Option<Message> {
        Some(match self {
            Wire::PushQuery {
                request_id,
                block,
                requested_height,
            } => match table.take(block)? {
                Payload::Block(block) => Message::PushQuery {
                    request_id,
                    block,
                    requested_height: requested_height.get(),
                },
                Payload::Blocks(_) => return None,
            },
            Wire::PullQuery {
                request_id,
                block_id,
                requested_height,
                position: _,
            } => Message::PullQuery {
                request_id,
                block_id: table.id(block_id),
                requested_height: requested_height.get(),
            },
            Wire::Chits {
                request_id,
                preferred,
                preferred_at_height,
                accepted,
                position: _,
            } => Message::Chits {
                request_id,
                preferred: table.id(preferred),
                preferred_at_height: table.id(preferred_at_height),
                accepted: table.id(accepted),
            },
            Wire::GetAncestors {
                request_id,
                block_id,
            } => Message::GetAncestors {
                request_id,
                block_id: table.id(block_id),
            },
            Wire::Ancestors { request_id, blocks } => match table.take(blocks)? {
                Payload::Blocks(blocks) => Message::Ancestors { request_id, blocks },
                Payload::Block(_) => return None,
            },
            Wire::Empty => return None,
            Wire::QueryFailed { request_id, peer } => Message::QueryFailed { request_id, peer },
        })
    }

    /// Frees what a message that will never be delivered parked in `table`.
    pub fn release(self, table: &mut WireTable) {
        if let Wire::PushQuery { block: slot, .. } | Wire::Ancestors { blocks: slot, .. } = self {
            drop(table.take(slot));
        }
    }

    /// The request ID of a request (a query or GetAncestors), which the network times.
    pub fn request_id(&self) -> Option<u32> {
        match self {
            Wire::PushQuery { request_id, .. }
            | Wire::PullQuery { request_id, .. }
            | Wire::GetAncestors { request_id, .. } => Some(*request_id),
            _ => None,
        }
    }

    /// `Message::kind` of the message it holds.
    pub fn kind(&self) -> &'static str {
        match self {
            Wire::PushQuery { .. } => "PushQuery",
            Wire::PullQuery { .. } => "PullQuery",
            Wire::Chits { .. } => "Chits",
            Wire::GetAncestors { .. } => "GetAncestors",
            Wire::Ancestors { .. } => "Ancestors",
            Wire::QueryFailed { .. } => "QueryFailed",
            Wire::Empty => "Empty",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(byte: u8) -> Id {
        Id([byte; 32])
    }

    #[test]
    fn every_message_comes_back_as_it_went_in() {
        let mut table = WireTable::default();
        let messages = [
            Message::PushQuery {
                request_id: 1,
                block: Rc::from(&[1u8, 2, 3][..]),
                requested_height: 4,
            },
            Message::PullQuery {
                request_id: 2,
                block_id: id(7),
                requested_height: 9,
            },
            Message::Chits {
                request_id: 3,
                preferred: id(7),
                preferred_at_height: id(8),
                accepted: Id::default(),
            },
            Message::Chits {
                request_id: 4,
                preferred: id(9),
                preferred_at_height: id(9),
                accepted: id(1),
            },
            Message::GetAncestors {
                request_id: 5,
                block_id: id(8),
            },
            Message::Ancestors {
                request_id: 6,
                blocks: alloc::vec![Rc::from(&[5u8][..])],
            },
            Message::QueryFailed {
                request_id: 7,
                peer: 3,
            },
        ];
        let packed: Vec<Wire> = messages.iter().map(|m| Wire::pack(m, &mut table)).collect();
        assert_eq!(table.parked(), 2);
        for (message, wire) in messages.iter().zip(packed) {
            assert_eq!(wire.kind(), message.kind());
            assert_eq!(wire.unpack(&mut table).as_ref(), Some(message));
        }
        assert_eq!(table.parked(), 0);
        assert_eq!(Wire::Empty.unpack(&mut table), None);
    }

    #[test]
    fn payload_slots_are_reused_and_released() {
        let mut table = WireTable::default();
        let push = |height: u64| Message::PushQuery {
            request_id: 1,
            block: Rc::from(&[9u8; 82][..]),
            requested_height: height,
        };
        let first = Wire::pack(&push(1), &mut table);
        let second = Wire::pack(&push(2), &mut table);
        assert_eq!(table.parked(), 2);
        second.release(&mut table);
        assert_eq!(table.parked(), 1);
        // A released slot is taken again, and unpacking it twice finds nothing the second time.
        let third = Wire::pack(&push(3), &mut table);
        let slot = |wire: Wire| match wire {
            Wire::PushQuery { block, .. } => block,
            _ => u32::MAX,
        };
        assert_eq!(slot(third), slot(second));
        assert!(first.unpack(&mut table).is_some());
        assert!(first.unpack(&mut table).is_none());
        assert_eq!(table.parked(), 1);
    }

    #[test]
    fn a_queued_message_is_small_and_plain() {
        assert_eq!(core::mem::size_of::<Wire>(), 20);
        assert_eq!(core::mem::align_of::<Wire>(), 4);
    }

    #[test]
    fn heights_keep_all_64_bits() {
        for height in [0, 1, u64::from(u32::MAX), u64::from(u32::MAX) + 1, u64::MAX] {
            assert_eq!(Height::new(height).get(), height);
        }
    }

    #[test]
    fn positions_past_a_byte_are_not_carried() {
        assert_eq!(Position::at(0).get(), Some(0));
        assert_eq!(Position::at(254).get(), Some(254));
        for unknown in [255, 256, 10_000] {
            assert_eq!(Position::at(unknown), Position::NONE);
        }
        assert_eq!(Position::NONE.get(), None);
    }

    #[test]
    fn numbers_are_stable_and_distinct_when_cache_slots_collide() {
        // Every ID starts with the same byte, so they all share one cache slot.
        let colliding = |b: u8| {
            let mut bytes = [7u8; 32];
            bytes[1] = b;
            Id(bytes)
        };
        let mut table = WireTable::default();
        let zero = table.number(&Id::default());
        let numbers: Vec<IdRef> = (1..=20u8).map(|b| table.number(&colliding(b))).collect();
        assert_eq!(table.number(&Id::default()), zero);
        for (b, number) in (1..=20u8).zip(&numbers).rev() {
            assert_eq!(table.number(&colliding(b)), *number);
            assert_eq!(table.id(*number), colliding(b));
        }
        let mut sorted = numbers.clone();
        sorted.push(zero);
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), numbers.len() + 1);
    }

    #[test]
    fn the_default_id_gets_its_own_number() {
        let mut table = WireTable::default();
        let first = table.number(&id(5));
        assert_eq!(first, 0);
        let zero_id = table.number(&Id::default());
        assert_ne!(zero_id, first);
        assert_eq!(table.id(zero_id), Id::default());
    }
}
