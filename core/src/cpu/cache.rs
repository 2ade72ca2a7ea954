//! The decoded-instruction cache: per physical 4 KiB page, one decoded slot per halfword.
//!
//! Keyed by physical address, so it stays valid across `satp` changes and Sv32 aliases (the MMU's
//! TLB does the virtual-to-physical part). Coherence with memory:
//! - every page the cache decodes from is *watched* on the bus ([`Platform::watch_code`]); the
//!   first write to it (a store by the hart, or a host write such as loading a program) bumps the
//!   bus's code epoch, and before the next instruction the hart drains the written pages and
//!   invalidates them here ([`DecodeCache::invalidate_pages`]). So self-modifying code works even
//!   without `fence.i`, which the spec allows (an implementation may be more coherent than required);
//! - `fence.i` flushes everything ([`DecodeCache::flush`]), as Zifencei describes.
//!
//! All slots live in one arena; the hart's fetch goes through the *fetch page* (the virtual page
//! it executes from and that page's arena base), so a hit costs no translation and no map lookup.
//!
//! Instructions that straddle a page boundary (a 32-bit instruction at offset 0xffe) are never
//! cached: they depend on two pages. Cloning a cache yields an empty one: it is only a cache, and
//! machine snapshots stay cheap.

use super::hart::Platform;
use super::{decode, Instruction};
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// Decoded slots per page: one per halfword (instructions are 2-byte aligned with C).
const SLOTS: usize = 2048;
/// Entries of the direct-mapped physical-page lookup in front of the map.
const RECENT: usize = 64;
/// Pages kept before the whole cache is dropped (bounds memory use: about 40 KiB per page).
const MAX_PAGES: usize = 512;

/// One fetched instruction: decoded (or not decodable) with its bits and length.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fetched {
    /// The instruction, or `None` when the bits are not a valid encoding (illegal instruction).
    pub instruction: Option<Instruction>,
    /// Encoded length in bytes (2 or 4).
    pub len: u8,
    /// The instruction bits (16 for compressed); `mtval` for an illegal instruction.
    pub bits: u32,
}

impl Fetched {
    /// Decodes the instruction whose first halfword is the low half of `word`.
    pub fn decode(word: u32) -> Fetched {
        match decode(word) {
            Ok(d) => Fetched {
                instruction: Some(d.instruction),
                len: d.len,
                bits: if d.len == 2 { word & 0xffff } else { word },
            },
            Err(e) => Fetched {
                instruction: None,
                len: if word & 3 == 3 { 4 } else { 2 },
                bits: e.bits,
            },
        }
    }
}

/// One decoded slot. `len == 0` (and `hot == Slot::EMPTY_CODE`) marks an empty slot (then
/// `instruction` is a placeholder); the hot path dispatches on `hot` in memory and copies the
/// fields of `instruction` only for valid slots, which keeps it out of `Option` re-packing.
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    /// The decoded instruction (a placeholder when `len == 0`).
    pub instruction: Instruction,
    /// The instruction bits (0 for an empty slot).
    pub bits: u32,
    /// Encoded length: 2 or 4; 0 for empty or undecodable.
    pub len: u8,
    /// The flat operation code for the hot path's single dispatch (see `exec::hot_op`);
    /// [`Slot::EMPTY_CODE`] for an empty slot.
    pub hot: u8,
}

impl Slot {
    /// The flat operation code of an empty slot. The hot path's dispatch declines it in its jump
    /// table, so an empty slot costs no separate test of `len` on every fetch.
    pub const EMPTY_CODE: u8 = u8::MAX;

    const EMPTY: Slot = Slot {
        instruction: Instruction::FenceI,
        bits: 0,
        len: 0,
        hot: Slot::EMPTY_CODE,
    };
}

/// Bookkeeping for one cached physical page; its slots live in the arena at `base`.
#[derive(Clone, Copy, Debug)]
struct CodePage {
    /// Index of the page's first slot in the arena.
    base: u32,
    /// Whether the bus is watching this page for writes (a write unwatches it).
    watched: bool,
}

/// The decode cache of one hart.
///
/// All slots live in one arena (`SLOTS` per page), so a hit is one bounds-checked index. In front
/// of the page lookup sits the *fetch page*: the virtual page the hart is executing from and its
/// arena base, so consecutive fetches in a page skip translation and lookup altogether. The hart
/// forgets it whenever translation may have changed.
#[derive(Debug)]
pub struct DecodeCache {
    /// Decoded slots of all cached pages.
    slots: Vec<Slot>,
    /// Physical page number to its bookkeeping.
    index: BTreeMap<u32, CodePage>,
    /// Direct-mapped `(ppn, base)` pairs; `ppn == u32::MAX` is empty.
    recent: [(u32, u32); RECENT],
    /// The virtual page of the last fetch (`u32::MAX`: none) and its arena base.
    fetch_vpn: u32,
    fetch_base: u32,
    /// The bus code epoch up to which writes have been applied.
    epoch: u64,
    /// Slot fills since creation (for statistics and tests).
    fills: u64,
}

impl Clone for DecodeCache {
    /// An empty cache that knows the same epoch: decoded slots are rebuilt on demand.
    fn clone(&self) -> DecodeCache {
        let mut c = DecodeCache::new();
        c.epoch = self.epoch;
        c
    }
}

impl Default for DecodeCache {
    fn default() -> Self {
        DecodeCache::new()
    }
}

/// The slot index of `paddr` within its page.
#[inline(always)]
const fn offset(paddr: u32) -> u32 {
    (paddr & 0xfff) >> 1
}

impl DecodeCache {
    /// An empty cache.
    pub fn new() -> DecodeCache {
        DecodeCache {
            slots: Vec::new(),
            index: BTreeMap::new(),
            recent: [(u32::MAX, 0); RECENT],
            fetch_vpn: u32::MAX,
            fetch_base: 0,
            epoch: 0,
            fills: 0,
        }
    }

    /// The bus code epoch the cache is coherent with.
    #[inline(always)]
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Number of slot fills (decodes) so far.
    pub fn fills(&self) -> u64 {
        self.fills
    }

    /// Number of pages with decoded slots.
    pub fn pages(&self) -> usize {
        self.index.len()
    }

    /// The hot path: the decoded instruction at virtual address `vaddr` and its bits, if it lies in
    /// the current fetch page and has been decoded (else the hart takes the slow path, which also
    /// handles bits that are not an instruction).
    #[inline(always)]
    pub fn fetch(&self, vaddr: u32) -> Option<&Slot> {
        if vaddr >> 12 != self.fetch_vpn {
            return None;
        }
        self.slots.get((self.fetch_base + offset(vaddr)) as usize)
    }

    /// Makes virtual page `vpn`, which translates to physical page `ppn`, the fetch page if that
    /// page is cached.
    pub fn set_fetch_page(&mut self, vpn: u32, ppn: u32) {
        if let Some(base) = self.base(ppn) {
            self.fetch_vpn = vpn;
            self.fetch_base = base;
        }
    }

    /// Forgets the fetch page (translation changed).
    #[inline]
    pub fn forget_fetch_page(&mut self) {
        self.fetch_vpn = u32::MAX;
    }

    /// The arena base of cached physical page `ppn`.
    fn base(&mut self, ppn: u32) -> Option<u32> {
        let (tag, base) = self.recent[ppn as usize & (RECENT - 1)];
        if tag == ppn {
            return Some(base);
        }
        let base = self.index.get(&ppn)?.base;
        self.recent[ppn as usize & (RECENT - 1)] = (ppn, base);
        Some(base)
    }

    /// The cached instruction at physical address `paddr`, if it has been decoded (and is valid).
    pub fn lookup(&mut self, paddr: u32) -> Option<Fetched> {
        let base = self.base(paddr >> 12)?;
        let slot = self.slots.get((base + offset(paddr)) as usize)?;
        (slot.len != 0).then_some(Fetched {
            instruction: Some(slot.instruction),
            len: slot.len,
            bits: slot.bits,
        })
    }

    /// Records the decoded instruction at `paddr` (which must not straddle a page). Pages that are
    /// not plain RAM (devices) are not cached.
    pub fn insert<B: Platform>(&mut self, bus: &mut B, paddr: u32, fetched: Fetched) {
        let ppn = paddr >> 12;
        let page = match self.index.get(&ppn) {
            Some(page) => *page,
            None => {
                if !bus.watch_code(ppn) {
                    return;
                }
                if self.index.len() >= MAX_PAGES {
                    self.flush();
                }
                let page = CodePage {
                    base: self.slots.len() as u32,
                    watched: true,
                };
                self.slots.resize(self.slots.len() + SLOTS, Slot::EMPTY);
                self.index.insert(ppn, page);
                page
            }
        };
        if !page.watched {
            if !bus.watch_code(ppn) {
                return;
            }
            if let Some(p) = self.index.get_mut(&ppn) {
                p.watched = true;
            }
        }
        let Some(instruction) = fetched.instruction else {
            // Undecodable bits stay uncached: the illegal-instruction path is not hot.
            return;
        };
        if let Some(slot) = self.slots.get_mut((page.base + offset(paddr)) as usize) {
            *slot = Slot {
                instruction,
                bits: fetched.bits,
                len: fetched.len,
                hot: super::exec::hot_op(&instruction),
            };
            self.fills += 1;
        }
    }

    /// Drops the decoded slots of the written pages `ppns` and records that the cache is coherent
    /// with bus code epoch `epoch`.
    pub fn invalidate_pages(&mut self, ppns: &[u32], epoch: u64) {
        for ppn in ppns {
            if let Some(page) = self.index.get_mut(ppn) {
                page.watched = false;
                let base = page.base as usize;
                if let Some(slots) = self.slots.get_mut(base..base + SLOTS) {
                    slots.fill(Slot::EMPTY);
                }
            }
        }
        self.epoch = epoch;
    }

    /// Drops everything (`fence.i`, or when the cache is full). Pages stay watched on the bus; a
    /// later write to one just invalidates nothing.
    pub fn flush(&mut self) {
        self.slots.clear();
        self.index.clear();
        self.recent = [(u32::MAX, 0); RECENT];
        self.fetch_vpn = u32::MAX;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{Machine, MachineConfig};

    const RAM: u32 = 0x8000_0000;

    fn nop() -> Fetched {
        Fetched::decode(0x0000_0013)
    }

    #[test]
    fn insert_lookup_fetch_page_and_invalidation() {
        let mut m = Machine::new(MachineConfig::bare());
        let mut c = DecodeCache::new();
        assert_eq!(c.lookup(RAM + 4), None);
        c.insert(&mut m.bus, RAM + 4, nop());
        assert_eq!(c.lookup(RAM + 4), Some(nop()));
        assert_eq!(c.lookup(RAM + 8), None);
        assert!(c.fetch(0x4000_0004).is_none(), "no fetch page yet");
        c.set_fetch_page(0x4000_0000 >> 12, RAM >> 12);
        assert_eq!(c.fetch(0x4000_0004).map(|s| s.len), Some(4));
        assert_eq!(c.fetch(0x4000_0008).map(|s| s.len), Some(0));
        c.forget_fetch_page();
        assert!(c.fetch(0x4000_0004).is_none());
        // A write to the watched page shows up in the bus epoch; invalidation empties the page.
        m.write_bytes(RAM + 0x800, &[1]).unwrap();
        let epoch = m.bus.memory.code_epoch();
        assert_ne!(epoch, c.epoch());
        let written = m.bus.memory.take_written_code();
        assert_eq!(written, [RAM >> 12]);
        c.invalidate_pages(&written, epoch);
        assert_eq!(c.lookup(RAM + 4), None);
        assert_eq!(c.epoch(), epoch);
        // Refilling re-watches the page.
        c.insert(&mut m.bus, RAM + 4, nop());
        m.write_bytes(RAM, &[0]).unwrap();
        assert_eq!(m.bus.memory.take_written_code(), [RAM >> 12]);
    }

    #[test]
    fn devices_and_illegal_bits_are_not_cached_and_clone_is_empty() {
        let mut m = Machine::new(MachineConfig::bare());
        let mut c = DecodeCache::new();
        c.insert(&mut m.bus, crate::mem::Clint::BASE, nop());
        c.insert(&mut m.bus, 0x1000, nop()); // not RAM
        assert_eq!(c.pages(), 0);
        c.insert(&mut m.bus, RAM, Fetched::decode(0xffff_ffff));
        assert_eq!(c.lookup(RAM), None);
        c.insert(&mut m.bus, RAM + 2, nop());
        assert_eq!(c.clone().pages(), 0);
        assert_eq!(c.pages(), 1);
        c.flush();
        assert_eq!(c.pages(), 0);
        assert_eq!(c.lookup(RAM + 2), None);
    }
}
