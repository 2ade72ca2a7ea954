//! Messages as they wait in the queue: block IDs replaced by small numbers.
//!
//! A network of a thousand nodes has tens of thousands of messages in flight, almost all of
//! them `PullQuery` and `Chits` naming the same one or two blocks. Holding each 32-byte ID once,
//! in an [`IdTable`], and a 4-byte number in every queued message ([`Wire`]) cuts the queue to
//! about half the memory, which is what the time per message goes on. Nothing else changes: a
//! message becomes a [`Message`] again, with the same IDs, when it is delivered.

use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::chain::engine::{Message, NodeIndex};
use crate::chain::id::Id;

/// An ID's number in the [`IdTable`].
pub(crate) type IdRef = u32;

/// Slots of the [`IdTable`]'s cache, indexed by an ID's first byte (IDs are SHA-256 digests, so
/// their bytes are evenly spread).
const CACHE_SLOTS: usize = 256;

/// Every block ID a queued message has named, numbered in the order first seen.
#[derive(Debug)]
pub(crate) struct IdTable {
    ids: Vec<Id>,
    numbers: BTreeMap<Id, IdRef>,
    /// Recently numbered IDs by first byte: almost every lookup is one comparison here.
    cache: Vec<Option<(Id, IdRef)>>,
}

impl Default for IdTable {
    fn default() -> Self {
        IdTable {
            ids: Vec::new(),
            numbers: BTreeMap::new(),
            cache: alloc::vec![None; CACHE_SLOTS],
        }
    }
}

impl IdTable {
    /// `id`'s number, given one if new.
    #[inline]
    pub fn number(&mut self, id: &Id) -> IdRef {
        let slot = usize::from(id.0[0]) % CACHE_SLOTS;
        if let Some(Some((known, number))) = self.cache.get(slot) {
            if known == id {
                return *number;
            }
        }
        self.number_slow(id, slot)
    }

    /// [`IdTable::number`] past the cache.
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
}

/// A [`Message`] in the queue, its block IDs as [`IdRef`]s.
#[derive(Clone, Debug)]
pub(crate) enum Wire {
    PushQuery {
        request_id: u32,
        block: Rc<[u8]>,
        requested_height: u64,
    },
    PullQuery {
        request_id: u32,
        block_id: IdRef,
        requested_height: u64,
    },
    Chits {
        request_id: u32,
        preferred: IdRef,
        preferred_at_height: IdRef,
        accepted: IdRef,
    },
    GetAncestors {
        request_id: u32,
        block_id: IdRef,
    },
    Ancestors {
        request_id: u32,
        blocks: Vec<Rc<[u8]>>,
    },
    QueryFailed {
        request_id: u32,
        peer: NodeIndex,
    },
}

impl Wire {
    /// `message` for the queue.
    pub fn pack(message: Message, table: &mut IdTable) -> Wire {
        match message {
            Message::PushQuery {
                request_id,
                block,
                requested_height,
            } => Wire::PushQuery {
                request_id,
                block,
                requested_height,
            },
            Message::PullQuery {
                request_id,
                block_id,
                requested_height,
            } => Wire::PullQuery {
                request_id,
                block_id: table.number(&block_id),
                requested_height,
            },
            Message::Chits {
                request_id,
                preferred,
                preferred_at_height,
                accepted,
            } => {
                let preferred_number = table.number(&preferred);
                let at_height = if preferred_at_height == preferred {
                    preferred_number
                } else {
                    table.number(&preferred_at_height)
                };
                Wire::Chits {
                    request_id,
                    preferred: preferred_number,
                    preferred_at_height: at_height,
                    accepted: table.number(&accepted),
                }
            }
            Message::GetAncestors {
                request_id,
                block_id,
            } => Wire::GetAncestors {
                request_id,
                block_id: table.number(&block_id),
            },
            Message::Ancestors { request_id, blocks } => Wire::Ancestors { request_id, blocks },
            Message::QueryFailed { request_id, peer } => Wire::QueryFailed { request_id, peer },
        }
    }

    /// The message again, as it was packed.
    pub fn unpack(self, table: &IdTable) -> Message {
        match self {
            Wire::PushQuery {
                request_id,
                block,
                requested_height,
            } => Message::PushQuery {
                request_id,
                block,
                requested_height,
            },
            Wire::PullQuery {
                request_id,
                block_id,
                requested_height,
            } => Message::PullQuery {
                request_id,
                block_id: table.id(block_id),
                requested_height,
            },
            Wire::Chits {
                request_id,
                preferred,
                preferred_at_height,
                accepted,
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
            Wire::Ancestors { request_id, blocks } => Message::Ancestors { request_id, blocks },
            Wire::QueryFailed { request_id, peer } => Message::QueryFailed { request_id, peer },
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
        let mut table = IdTable::default();
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
        let packed: Vec<Wire> = messages
            .iter()
            .map(|m| Wire::pack(m.clone(), &mut table))
            .collect();
        for (message, wire) in messages.iter().zip(packed) {
            assert_eq!(wire.kind(), message.kind());
            assert_eq!(&wire.unpack(&table), message);
        }
    }

    #[test]
    fn numbers_are_stable_and_distinct_when_cache_slots_collide() {
        // Every ID starts with the same byte, so they all share one cache slot.
        let colliding = |b: u8| {
            let mut bytes = [7u8; 32];
            bytes[1] = b;
            Id(bytes)
        };
        let mut table = IdTable::default();
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
        let mut table = IdTable::default();
        let first = table.number(&id(5));
        assert_eq!(first, 0);
        let zero_id = table.number(&Id::default());
        assert_ne!(zero_id, first);
        assert_eq!(table.id(zero_id), Id::default());
    }
}
