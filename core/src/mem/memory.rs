//! Physical memory: sparse 4 KiB pages shared copy-on-write, inside configured RAM regions.
//!
//! # Layout
//! The 32-bit physical address space is split like an Sv32 page table: a root of 1024 *chunks*
//! (4 MiB each), each chunk a table of 1024 page slots (4 KiB each). A chunk is created on the first
//! write (or [`Memory::watch_code`]) into it; its slots for pages inside RAM point at one shared
//! all-zero page until a write gives the page its own copy ([`Rc::make_mut`]). So unwritten RAM
//! reads as zero without allocating, and a read or write of 1, 2 or 4 bytes is two array indexes
//! plus the byte access.
//!
//! # Snapshots
//! Chunks and pages are reference counted. `Memory::clone` copies the 1024-entry root (one counter
//! increment per chunk); the first write after a clone copies the touched chunk table and the touched
//! page only, so the original never sees it.
//!
//! # Telling the hart which code was overwritten
//! [`Memory::watch_code`] / [`Memory::code_epoch`] / [`Memory::take_written_code`], updated on every
//! write (bus stores and [`Memory::load_bytes`]): the decode cache marks each physical page it decodes
//! from. The first write to a watched page afterwards unwatches it, queues its page number and
//! increments `code_epoch`. The hart compares `code_epoch()` (one field load) with the value it saw
//! last, and only when it changed drains `take_written_code()` to invalidate those pages. This is what makes self-modifying code and program loading safe with a
//!   decode cache at no cost to the hot path.

use super::{AccessSize, Bus, BusFault};
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;

/// Bytes in a page.
pub const PAGE_SIZE: usize = 4096;
/// log2 of [`PAGE_SIZE`]: a physical page number (ppn) is `addr >> PAGE_SHIFT`.
pub const PAGE_SHIFT: u32 = 12;
/// One page of memory.
pub type Page = [u8; PAGE_SIZE];

/// log2 of the bytes covered by one chunk table (4 MiB).
const CHUNK_SHIFT: u32 = 22;
/// Page slots per chunk.
const PAGES_PER_CHUNK: usize = 1024;
/// Chunks in the 4 GiB physical address space.
const CHUNKS: usize = 1024;
/// Mask of the byte offset within a page.
const OFFSET_MASK: u32 = PAGE_SIZE as u32 - 1;

/// A range of physical addresses backed by RAM.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Region {
    /// The first address.
    pub base: u32,
    /// Size in bytes (`base + size` may be exactly 4 GiB).
    pub size: u32,
}

impl Region {
    /// A region of `size` bytes at `base`.
    pub const fn new(base: u32, size: u32) -> Region {
        Region { base, size }
    }

    /// One past the last address, as a 64-bit value so a region may end at 4 GiB.
    pub const fn end(&self) -> u64 {
        self.base as u64 + self.size as u64
    }

    /// Whether `addr` lies in the region.
    pub const fn contains(&self, addr: u32) -> bool {
        addr >= self.base && (addr as u64) < self.end()
    }
}

/// One 4 MiB chunk: its page slots and their bookkeeping.
#[derive(Clone)]
struct Chunk {
    /// `None`: no RAM here (a bus fault). `Some(zero page)`: RAM never written. Otherwise the page.
    pages: [Option<Rc<Page>>; PAGES_PER_CHUNK],
    /// Pages the decode cache asked about (see [`Memory::watch_code`]).
    watched: [bool; PAGES_PER_CHUNK],
}

/// Physical memory: sparse copy-on-write pages inside configured RAM [`Region`]s.
///
/// Addresses outside every region answer with a [`BusFault`]. Regions are rounded outward to whole
/// pages. `Clone` is cheap and gives an independent snapshot (see the module docs).
#[derive(Clone)]
pub struct Memory {
    /// The root table: chunk `addr >> 22`, created on first write.
    chunks: Box<[Option<Rc<Chunk>>; CHUNKS]>,
    /// RAM regions as page-number ranges `[first, end)`, rounded outward to pages.
    ram: Vec<(u32, u32)>,
    /// The regions as configured.
    regions: Vec<Region>,
    /// The page every unwritten RAM slot shares.
    zero: Rc<Page>,
    /// Pages that own content (written at least once), for [`Memory::allocated_pages`].
    allocated: usize,
    /// Incremented when a watched page is written.
    code_epoch: u64,
    /// Watched pages written since the last [`Memory::take_written_code`].
    written_code: Vec<u32>,
}

impl core::fmt::Debug for Memory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Memory")
            .field("regions", &self.regions)
            .field("allocated_pages", &self.allocated)
            .finish_non_exhaustive()
    }
}

/// Equal when the RAM layout and every byte are equal (how the pages came to be is ignored).
impl PartialEq for Memory {
    fn eq(&self, other: &Memory) -> bool {
        self.ram == other.ram
            && self
                .allocated_ppns()
                .chain(other.allocated_ppns())
                .all(|ppn| self.page(ppn) == other.page(ppn))
    }
}

impl Eq for Memory {}

impl Memory {
    /// Memory with RAM in `regions` (all of it reading zero) and nothing elsewhere.
    pub fn new(regions: &[Region]) -> Memory {
        let mut ram: Vec<(u32, u32)> = regions
            .iter()
            .filter(|r| r.size > 0)
            .map(|r| {
                let first = r.base >> PAGE_SHIFT;
                // Round the end up to a page; at most 2^20, which fits.
                let end = r.end().div_ceil(PAGE_SIZE as u64) as u32;
                (first, end)
            })
            .collect();
        ram.sort_unstable();
        Memory {
            chunks: Box::new([const { None }; CHUNKS]),
            ram,
            regions: regions.to_vec(),
            zero: Rc::new([0; PAGE_SIZE]),
            allocated: 0,
            code_epoch: 0,
            written_code: Vec::new(),
        }
    }

    /// The RAM regions as configured.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// Whether page `ppn` is RAM (inside a region).
    pub fn is_ram_page(&self, ppn: u32) -> bool {
        self.ram
            .iter()
            .any(|&(first, end)| ppn >= first && ppn < end)
    }

    /// Whether the byte at `addr` is RAM.
    pub fn is_ram(&self, addr: u32) -> bool {
        self.is_ram_page(addr >> PAGE_SHIFT)
    }

    /// Reads `size` bytes at `addr`, little-endian, zero-extended. The fast path of [`Bus::read`];
    /// usable through a shared reference (views, debuggers). Inlined into the bus (see
    /// `SystemBus`'s `Bus` impl): the rare cases go to the out-of-line `read_slow`.
    #[inline(always)]
    pub fn read(&self, addr: u32, size: AccessSize) -> Result<u32, BusFault> {
        if let Some(chunk) = &self.chunks[(addr >> CHUNK_SHIFT) as usize] {
            let slot = (addr >> PAGE_SHIFT) as usize & (PAGES_PER_CHUNK - 1);
            if let Some(page) = &chunk.pages[slot] {
                if let Some(value) = load(page, (addr & OFFSET_MASK) as usize, size) {
                    return Ok(value);
                }
            }
        }
        self.read_slow(addr, size)
    }

    /// Writes the low `size` bytes of `value` at `addr`, little-endian. The fast path of
    /// [`Bus::write`], inlined like [`Memory::read`]; the rare cases go to `write_slow`.
    #[inline(always)]
    pub fn write(&mut self, addr: u32, size: AccessSize, value: u32) -> Result<(), BusFault> {
        if let Some(chunk) = &mut self.chunks[(addr >> CHUNK_SHIFT) as usize] {
            // Only a chunk and page owned by this Memory alone take the fast path; shared ones
            // (zero page, snapshots) go through `write_slow`, which copies them first.
            if let Some(chunk) = Rc::get_mut(chunk) {
                let slot = (addr >> PAGE_SHIFT) as usize & (PAGES_PER_CHUNK - 1);
                if !chunk.watched[slot] {
                    if let Some(page) = chunk.pages[slot].as_mut().and_then(Rc::get_mut) {
                        if store(page, (addr & OFFSET_MASK) as usize, size, value) {
                            return Ok(());
                        }
                    }
                }
            }
        }
        self.write_slow(addr, size, value)
    }

    /// The slow read: pages not yet materialized, and accesses that cross a page boundary.
    #[cold]
    fn read_slow(&self, addr: u32, size: AccessSize) -> Result<u32, BusFault> {
        let mut value = 0;
        for i in 0..size.bytes() {
            let a = addr.wrapping_add(i);
            let page = self.page(a >> PAGE_SHIFT).ok_or(BusFault { addr: a })?;
            value |= u32::from(page[(a & OFFSET_MASK) as usize]) << (8 * i);
        }
        Ok(value)
    }

    /// The slow write: copies shared chunks and pages, creates chunks, splits page-crossing stores,
    /// and records writes to watched pages. Nothing is written unless every byte is RAM.
    #[cold]
    fn write_slow(&mut self, addr: u32, size: AccessSize, value: u32) -> Result<(), BusFault> {
        self.check_range(addr, size.bytes() as usize)?;
        let offset = (addr & OFFSET_MASK) as usize;
        let page = self.page_mut(addr >> PAGE_SHIFT).ok_or(BusFault { addr })?;
        if store(page, offset, size, value) {
            return Ok(());
        }
        // The store crosses into the next page (only misaligned stores do): byte by byte.
        self.load_bytes(
            addr,
            value
                .to_le_bytes()
                .get(..size.bytes() as usize)
                .unwrap_or_default(),
        )
    }

    /// Fails with the first address in `addr..addr + len` that is not RAM. The range wraps at 4 GiB
    /// like the bus does.
    fn check_range(&self, addr: u32, len: usize) -> Result<(), BusFault> {
        if len == 0 {
            return Ok(());
        }
        if len as u64 > 1 << 32 {
            // Longer than the address space: it would overlap itself.
            return Err(BusFault { addr });
        }
        // Walk page by page; a range past 4 GiB wraps to address 0, as bus addresses do.
        let mut a = addr;
        let mut remaining = len as u64;
        loop {
            if !self.is_ram(a) {
                return Err(BusFault { addr: a });
            }
            let in_page = u64::from(PAGE_SIZE as u32 - (a & OFFSET_MASK));
            if remaining <= in_page {
                return Ok(());
            }
            remaining -= in_page;
            a = a.wrapping_add(in_page as u32);
        }
    }

    /// The page `ppn` for writing, after the copy-on-write copies and bookkeeping that a write
    /// implies (the code watch). `None` when the page is not RAM.
    fn page_mut(&mut self, ppn: u32) -> Option<&mut Page> {
        if ppn >= (CHUNKS * PAGES_PER_CHUNK) as u32 || !self.is_ram_page(ppn) {
            return None;
        }
        let chunk_index = (ppn as usize) / PAGES_PER_CHUNK;
        let slot = (ppn as usize) % PAGES_PER_CHUNK;
        if self.chunks[chunk_index].is_none() {
            let chunk = self.new_chunk(chunk_index);
            self.chunks[chunk_index] = Some(Rc::new(chunk));
        }
        let chunk = Rc::make_mut(self.chunks[chunk_index].as_mut()?);
        let page = chunk.pages[slot].as_mut()?;
        if Rc::ptr_eq(page, &self.zero) {
            self.allocated += 1;
        }
        if chunk.watched[slot] {
            chunk.watched[slot] = false;
            self.code_epoch = self.code_epoch.wrapping_add(1);
            self.written_code.push(ppn);
        }
        Some(Rc::make_mut(page))
    }

    /// A chunk table whose RAM slots share the zero page.
    fn new_chunk(&self, chunk_index: usize) -> Chunk {
        let mut chunk = Chunk {
            pages: [const { None }; PAGES_PER_CHUNK],
            watched: [false; PAGES_PER_CHUNK],
        };
        let first = (chunk_index * PAGES_PER_CHUNK) as u32;
        for (slot, page) in chunk.pages.iter_mut().enumerate() {
            if self.is_ram_page(first + slot as u32) {
                *page = Some(Rc::clone(&self.zero));
            }
        }
        chunk
    }

    /// Copies `bytes` to `addr` (program loading, host writes). Checks the whole range first, so on a
    /// fault nothing is written.
    pub fn load_bytes(&mut self, addr: u32, bytes: &[u8]) -> Result<(), BusFault> {
        self.check_range(addr, bytes.len())?;
        let mut a = addr;
        let mut rest = bytes;
        while !rest.is_empty() {
            let offset = (a & OFFSET_MASK) as usize;
            let n = rest.len().min(PAGE_SIZE - offset);
            let page = self.page_mut(a >> PAGE_SHIFT).ok_or(BusFault { addr: a })?;
            let (head, tail) = rest.split_at(n);
            if let Some(dst) = page.get_mut(offset..offset + n) {
                dst.copy_from_slice(head);
            }
            rest = tail;
            a = a.wrapping_add(n as u32);
        }
        Ok(())
    }

    /// Fills `len` bytes at `addr` with zero (e.g. `.bss`); pages never written stay unallocated.
    pub fn zero_bytes(&mut self, addr: u32, len: u32) -> Result<(), BusFault> {
        self.check_range(addr, len as usize)?;
        let mut a = addr;
        let mut rest = len as usize;
        while rest > 0 {
            let offset = (a & OFFSET_MASK) as usize;
            let n = rest.min(PAGE_SIZE - offset);
            let ppn = a >> PAGE_SHIFT;
            let already_zero = self.page(ppn).is_some_and(|p| {
                core::ptr::eq(p, &*self.zero) || p[offset..offset + n].iter().all(|b| *b == 0)
            });
            if !already_zero {
                let page = self.page_mut(ppn).ok_or(BusFault { addr: a })?;
                if let Some(dst) = page.get_mut(offset..offset + n) {
                    dst.fill(0);
                }
            }
            rest -= n;
            a = a.wrapping_add(n as u32);
        }
        Ok(())
    }

    /// Copies `len` bytes from `addr` (views, the host reading guest buffers).
    pub fn read_bytes(&self, addr: u32, len: usize) -> Result<Vec<u8>, BusFault> {
        self.check_range(addr, len)?;
        let mut out = Vec::with_capacity(len);
        let mut a = addr;
        while out.len() < len {
            let offset = (a & OFFSET_MASK) as usize;
            let n = (len - out.len()).min(PAGE_SIZE - offset);
            let page = self.page(a >> PAGE_SHIFT).ok_or(BusFault { addr: a })?;
            out.extend_from_slice(page.get(offset..offset + n).unwrap_or_default());
            a = a.wrapping_add(n as u32);
        }
        Ok(out)
    }

    /// The contents of physical page `ppn` (`addr >> 12`), or `None` when it is not RAM. Unwritten
    /// RAM shows as a page of zeros.
    pub fn page(&self, ppn: u32) -> Option<&Page> {
        let chunk_index = ppn as usize / PAGES_PER_CHUNK;
        match self.chunks.get(chunk_index)? {
            Some(chunk) => chunk.pages[ppn as usize % PAGES_PER_CHUNK].as_deref(),
            None if self.is_ram_page(ppn) => Some(&self.zero),
            None => None,
        }
    }

    /// Whether page `ppn` has content of its own (was written at least once).
    pub fn is_allocated(&self, ppn: u32) -> bool {
        self.written_page(ppn).is_some()
    }

    fn written_page(&self, ppn: u32) -> Option<&Rc<Page>> {
        let chunk = self.chunks.get(ppn as usize / PAGES_PER_CHUNK)?.as_ref()?;
        let page = chunk.pages[ppn as usize % PAGES_PER_CHUNK].as_ref()?;
        (!Rc::ptr_eq(page, &self.zero)).then_some(page)
    }

    /// How many pages own content (were written at least once). Pages shared with a snapshot count
    /// in both.
    pub fn allocated_pages(&self) -> usize {
        self.allocated
    }

    /// The page numbers of all allocated pages, ascending (for a memory map view).
    pub fn allocated_ppns(&self) -> impl Iterator<Item = u32> + '_ {
        self.chunks
            .iter()
            .enumerate()
            .filter_map(|(c, chunk)| chunk.as_ref().map(|chunk| (c, chunk)))
            .flat_map(move |(c, chunk)| {
                chunk.pages.iter().enumerate().filter_map(move |(s, page)| {
                    let page = page.as_ref()?;
                    (!Rc::ptr_eq(page, &self.zero)).then_some((c * PAGES_PER_CHUNK + s) as u32)
                })
            })
    }

    /// A 64-bit FNV-1a digest of the contents: every page that holds a non-zero byte, with its page
    /// number, in address order, plus the regions. Equal contents give equal digests however they
    /// were written (snapshots, zero writes, fresh pages), so determinism tests can compare runs.
    pub fn digest(&self) -> u64 {
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h = (h ^ u64::from(*b)).wrapping_mul(PRIME);
            }
        };
        for r in &self.ram {
            eat(&r.0.to_le_bytes());
            eat(&r.1.to_le_bytes());
        }
        for ppn in self.allocated_ppns() {
            if let Some(page) = self.page(ppn) {
                if page.iter().any(|b| *b != 0) {
                    eat(&ppn.to_le_bytes());
                    eat(page);
                }
            }
        }
        h
    }

    /// Asks to be told about the next write to page `ppn` (the decode cache calls this for every
    /// page it decodes from). Ignored for pages that are not RAM. See the module docs.
    pub fn watch_code(&mut self, ppn: u32) {
        if ppn >= (CHUNKS * PAGES_PER_CHUNK) as u32 || !self.is_ram_page(ppn) {
            return;
        }
        let chunk_index = ppn as usize / PAGES_PER_CHUNK;
        let slot = ppn as usize % PAGES_PER_CHUNK;
        if let Some(Some(chunk)) = self.chunks.get(chunk_index) {
            if chunk.watched[slot] {
                return;
            }
        }
        if self.chunks[chunk_index].is_none() {
            let chunk = self.new_chunk(chunk_index);
            self.chunks[chunk_index] = Some(Rc::new(chunk));
        }
        if let Some(chunk) = self.chunks[chunk_index].as_mut() {
            Rc::make_mut(chunk).watched[slot] = true;
        }
    }

    /// Incremented (wrapping) each time a watched page is written. Cheap to poll every step.
    #[inline]
    pub fn code_epoch(&self) -> u64 {
        self.code_epoch
    }

    /// The watched pages written since the last call, in write order; each was unwatched by the write.
    pub fn take_written_code(&mut self) -> Vec<u32> {
        core::mem::take(&mut self.written_code)
    }
}

/// Reads `size` bytes at `offset` in `page`; `None` if the access runs past the page end.
#[inline(always)]
fn load(page: &Page, offset: usize, size: AccessSize) -> Option<u32> {
    let bytes = page.get(offset..)?;
    Some(match size {
        AccessSize::Byte => u32::from(*bytes.first()?),
        AccessSize::Half => u32::from(u16::from_le_bytes(*bytes.first_chunk::<2>()?)),
        AccessSize::Word => u32::from_le_bytes(*bytes.first_chunk::<4>()?),
    })
}

/// Writes `size` bytes of `value` at `offset` in `page`; `false` if the access runs past the end.
#[inline(always)]
fn store(page: &mut Page, offset: usize, size: AccessSize, value: u32) -> bool {
    let Some(bytes) = page.get_mut(offset..) else {
        return false;
    };
    match size {
        AccessSize::Byte => match bytes.first_mut() {
            Some(b) => *b = value as u8,
            None => return false,
        },
        AccessSize::Half => match bytes.first_chunk_mut::<2>() {
            Some(b) => *b = (value as u16).to_le_bytes(),
            None => return false,
        },
        AccessSize::Word => match bytes.first_chunk_mut::<4>() {
            Some(b) => *b = value.to_le_bytes(),
            None => return false,
        },
    }
    true
}

impl Bus for Memory {
    #[inline]
    fn read(&mut self, addr: u32, size: AccessSize) -> Result<u32, BusFault> {
        Memory::read(self, addr, size)
    }

    #[inline]
    fn write(&mut self, addr: u32, size: AccessSize, value: u32) -> Result<(), BusFault> {
        Memory::write(self, addr, size, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use AccessSize::{Byte, Half, Word};

    const RAM: Region = Region::new(0x8000_0000, 0x0100_0000);

    fn mem() -> Memory {
        Memory::new(&[RAM])
    }

    #[test]
    fn unwritten_ram_reads_zero_without_allocating() {
        let m = mem();
        assert_eq!(m.read(0x8000_0000, Word), Ok(0));
        assert_eq!(m.read(0x80ff_fffc, Word), Ok(0));
        assert_eq!(m.read_bytes(0x8000_1000, 10_000), Ok(vec![0; 10_000]));
        assert_eq!(
            m.page(0x80000).map(|p| p.iter().all(|b| *b == 0)),
            Some(true)
        );
        assert_eq!(m.allocated_pages(), 0);
        assert!(!m.is_allocated(0x80000));
    }

    #[test]
    fn addresses_outside_every_region_fault() {
        let mut m = mem();
        assert_eq!(
            m.read(0x7fff_fffc, Word),
            Err(BusFault { addr: 0x7fff_fffc })
        );
        assert_eq!(
            m.read(0x8100_0000, Byte),
            Err(BusFault { addr: 0x8100_0000 })
        );
        assert_eq!(m.write(0, Word, 1), Err(BusFault { addr: 0 }));
        assert_eq!(
            m.write(0x8100_0000, Half, 1),
            Err(BusFault { addr: 0x8100_0000 })
        );
        assert_eq!(m.page(0x7ffff), None);
        assert_eq!(m.page(0x81000), None);
        assert_eq!(m.page(u32::MAX), None);
        assert_eq!(m.allocated_pages(), 0);
        // After a chunk exists, its non-RAM slots still fault (RAM ends inside no chunk here, so use
        // a region that does).
        let mut m = Memory::new(&[Region::new(0x1000, 0x2000)]);
        m.write(0x1000, Word, 5).unwrap();
        assert_eq!(m.read(0x0ffc, Word), Err(BusFault { addr: 0x0ffc }));
        assert_eq!(m.read(0x3000, Word), Err(BusFault { addr: 0x3000 }));
        assert_eq!(m.write(0x3000, Byte, 1), Err(BusFault { addr: 0x3000 }));
        assert_eq!(m.read(0x2ffc, Word), Ok(0));
    }

    #[test]
    fn widths_are_little_endian_and_zero_extended() {
        let mut m = mem();
        m.write(0x8000_0100, Word, 0x8899_aabb).unwrap();
        assert_eq!(m.read(0x8000_0100, Byte), Ok(0xbb));
        assert_eq!(m.read(0x8000_0101, Byte), Ok(0xaa));
        assert_eq!(m.read(0x8000_0103, Byte), Ok(0x88));
        assert_eq!(m.read(0x8000_0100, Half), Ok(0xaabb));
        assert_eq!(m.read(0x8000_0102, Half), Ok(0x8899));
        m.write(0x8000_0101, Byte, 0xffff_ff11).unwrap();
        m.write(0x8000_0102, Half, 0xdead_2233).unwrap();
        assert_eq!(m.read(0x8000_0100, Word), Ok(0x2233_11bb));
        assert_eq!(
            m.read_bytes(0x8000_0100, 4),
            Ok(vec![0xbb, 0x11, 0x33, 0x22])
        );
    }

    #[test]
    fn misaligned_and_page_crossing_accesses_work() {
        let mut m = mem();
        m.write(0x8000_0ffe, Word, 0x0403_0201).unwrap();
        assert_eq!(m.read_bytes(0x8000_0ffe, 4), Ok(vec![1, 2, 3, 4]));
        assert_eq!(m.read(0x8000_0ffe, Word), Ok(0x0403_0201));
        assert_eq!(m.read(0x8000_0fff, Half), Ok(0x0302));
        assert_eq!(m.read(0x8000_0001, Word), Ok(0));
        m.write(0x8000_0001, Word, 0xaabb_ccdd).unwrap();
        assert_eq!(m.read(0x8000_0001, Word), Ok(0xaabb_ccdd));
        assert_eq!(m.allocated_pages(), 2);
        // A store that would cross out of RAM writes nothing.
        assert_eq!(
            m.write(0x80ff_fffe, Word, u32::MAX),
            Err(BusFault { addr: 0x8100_0000 })
        );
        assert_eq!(m.read(0x80ff_fffe, Half), Ok(0));
        assert_eq!(
            m.read(0x80ff_fffe, Word),
            Err(BusFault { addr: 0x8100_0000 })
        );
    }

    #[test]
    fn clone_is_copy_on_write() {
        let mut a = mem();
        a.load_bytes(0x8000_0000, &[1; 3 * PAGE_SIZE]).unwrap();
        let snapshot = a.clone();
        a.write(0x8000_1004, Word, 0xdead_beef).unwrap();
        a.write(0x8040_0000, Byte, 7).unwrap(); // a new chunk in the copy only
        assert_eq!(a.read(0x8000_1004, Word), Ok(0xdead_beef));
        assert_eq!(snapshot.read(0x8000_1004, Word), Ok(0x0101_0101));
        assert_eq!(snapshot.read(0x8040_0000, Byte), Ok(0));
        // Untouched pages are still shared.
        let (p, q) = (a.page(0x80000).unwrap(), snapshot.page(0x80000).unwrap());
        assert!(core::ptr::eq(p, q));
        let (p, q) = (a.page(0x80001).unwrap(), snapshot.page(0x80001).unwrap());
        assert!(!core::ptr::eq(p, q));
        // And the snapshot can diverge too.
        let mut b = snapshot.clone();
        b.write(0x8000_0000, Word, 9).unwrap();
        assert_eq!(a.read(0x8000_0000, Word), Ok(0x0101_0101));
        assert_eq!(snapshot.read(0x8000_0000, Word), Ok(0x0101_0101));
        assert_eq!(b.read(0x8000_0000, Word), Ok(9));
    }

    #[test]
    fn load_bytes_checks_the_whole_range_first() {
        let mut m = mem();
        let bytes: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        m.load_bytes(0x8000_0ff0, &bytes).unwrap();
        assert_eq!(m.read_bytes(0x8000_0ff0, bytes.len()).unwrap(), bytes);
        assert_eq!(m.allocated_pages(), 4);
        assert_eq!(
            m.load_bytes(0x80ff_f000, &[1; 0x1001]),
            Err(BusFault { addr: 0x8100_0000 })
        );
        assert_eq!(m.read(0x80ff_f000, Word), Ok(0));
        assert_eq!(
            m.read_bytes(0x80ff_ffff, 2),
            Err(BusFault { addr: 0x8100_0000 })
        );
        assert_eq!(m.load_bytes(0x1234, &[]), Ok(()));
        assert_eq!(m.read_bytes(0x1234, 0), Ok(vec![]));
    }

    #[test]
    fn zero_bytes_clears_without_allocating_fresh_pages() {
        let mut m = mem();
        m.zero_bytes(0x8000_0000, 0x10_0000).unwrap();
        assert_eq!(m.allocated_pages(), 0);
        m.write(0x8000_2010, Word, 0x1234_5678).unwrap();
        m.zero_bytes(0x8000_2000, 0x20).unwrap();
        assert_eq!(m.read(0x8000_2010, Word), Ok(0));
        assert_eq!(
            m.zero_bytes(0x80ff_ff00, 0x200),
            Err(BusFault { addr: 0x8100_0000 })
        );
    }

    #[test]
    fn regions_round_out_to_pages_and_may_end_at_4_gib() {
        let mut m = Memory::new(&[Region::new(0xffff_f010, 0xff0), Region::new(0x10, 0x10)]);
        assert_eq!(m.read(0xffff_f000, Word), Ok(0));
        m.write(0xffff_fffc, Word, 0x1122_3344).unwrap();
        assert_eq!(m.read(0xffff_fffc, Word), Ok(0x1122_3344));
        assert_eq!(m.read(0x0ffc, Word), Ok(0));
        assert_eq!(m.read(0x1000, Word), Err(BusFault { addr: 0x1000 }));
        // A store that wraps past 4 GiB lands at 0, as the bus address wraps.
        m.write(0xffff_fffe, Word, 0xaabb_ccdd).unwrap();
        assert_eq!(m.read(0x0, Half), Ok(0xaabb));
        assert!(Memory::new(&[Region::new(0x1000, 0)])
            .read(0x1000, Byte)
            .is_err());
        assert!(m.is_ram(0xffff_ffff) && !m.is_ram(0xffff_efff));
        assert_eq!(m.regions().len(), 2);
    }

    #[test]
    fn watched_code_pages_report_their_first_write() {
        let mut m = mem();
        m.write(0x8000_0000, Word, 0x13).unwrap();
        m.watch_code(0x80000);
        m.watch_code(0x80001); // never written: stays watched
        m.watch_code(0x12345); // not RAM: ignored
        let epoch = m.code_epoch();
        m.write(0x8000_0800, Word, 0x13).unwrap();
        m.write(0x8000_0804, Word, 0x13).unwrap(); // no longer watched
        assert_eq!(m.code_epoch(), epoch + 1);
        assert_eq!(m.take_written_code(), vec![0x80000]);
        assert_eq!(m.take_written_code(), Vec::<u32>::new());
        m.load_bytes(0x8000_1000, &[0; 4]).unwrap();
        assert_eq!(m.code_epoch(), epoch + 2);
        assert_eq!(m.take_written_code(), vec![0x80001]);
        // Watching a page of a snapshot leaves the other copy alone.
        let snapshot = m.clone();
        m.watch_code(0x80002);
        let mut s = snapshot;
        s.write(0x8000_2000, Word, 1).unwrap();
        assert_eq!(s.take_written_code(), Vec::<u32>::new());
    }

    #[test]
    fn bus_impl_matches_inherent_methods() {
        let mut m = mem();
        Bus::write(&mut m, 0x8000_0010, Half, 0xbeef).unwrap();
        assert_eq!(Bus::read(&mut m, 0x8000_0010, Word), Ok(0xbeef));
        assert_eq!(Bus::read(&mut m, 0, Word), Err(BusFault { addr: 0 }));
        assert_eq!(m.allocated_ppns().collect::<Vec<_>>(), vec![0x80000]);
        assert!(alloc::format!("{m:?}").contains("allocated_pages: 1"));
    }

    #[test]
    fn equality_and_digest_follow_contents() {
        let mut a = mem();
        let b = a.clone();
        assert_eq!(a, b);
        assert_eq!(a.digest(), b.digest());
        a.write(0x8000_0000, Word, 0).unwrap(); // allocated, but still zero
        assert_eq!(a, b);
        assert_eq!(a.digest(), b.digest());
        a.write(0x8000_0000, Byte, 1).unwrap();
        assert_ne!(a, b);
        assert_ne!(a.digest(), b.digest());
        let mut c = mem();
        c.load_bytes(0x8000_0000, &[1]).unwrap();
        assert_eq!(a, c);
        assert_eq!(a.digest(), c.digest());
        assert_ne!(mem(), Memory::new(&[Region::new(0, 0x1000)]));
        assert_ne!(
            mem().digest(),
            Memory::new(&[Region::new(0, 0x1000)]).digest()
        );
        assert_eq!(
            a.read_bytes(0x8000_0000, usize::MAX),
            Err(BusFault { addr: 0x8000_0000 })
        );
    }

    /// Rough speed of the RAM fast path: `cargo test --release -p snowrv-core memory_speed --
    /// --ignored --nocapture`.
    #[test]
    #[ignore = "speed measurement; run in release mode"]
    fn memory_speed() {
        extern crate std;
        let mut m = mem();
        m.load_bytes(0x8000_0000, &[1; 0x1_0000]).unwrap();
        let n = 100_000_000u32;
        let start = std::time::Instant::now();
        let mut sum = 0u32;
        for i in 0..n {
            let addr = 0x8000_0000 + (i.wrapping_mul(0x9e37) & 0xfffc);
            if i & 3 == 0 {
                m.write(addr, Word, i).unwrap();
            } else {
                sum = sum.wrapping_add(m.read(addr, Word).unwrap());
            }
        }
        let dt = start.elapsed();
        std::println!(
            "{} accesses/s (checksum {sum:x})",
            f64::from(n) / dt.as_secs_f64()
        );
    }

    proptest::proptest! {
        /// Random stores, loads and snapshots agree with a plain byte array; snapshots never change.
        #[test]
        fn matches_a_byte_array(ops in proptest::collection::vec(
            (0u8..4, 0u32..0x3000, proptest::prelude::any::<u32>()), 1..200)
        ) {
            let base = 0x8000_0000u32 - 0x1000; // the first page is not RAM
            let ram = Region::new(0x8000_0000, 0x1000 * 2);
            let mut m = Memory::new(&[ram]);
            let mut model = vec![0u8; ram.size as usize];
            let mut snapshots: Vec<(Memory, Vec<u8>)> = Vec::new();
            for (op, off, value) in ops {
                let addr = base + off;
                let size = [Byte, Half, Word][(value % 3) as usize];
                let n = size.bytes();
                let all_ram = (0..n).all(|i| ram.contains(addr + i));
                let index = |i: u32| (addr + i - ram.base) as usize;
                match op {
                    0 | 1 => {
                        let r = m.write(addr, size, value);
                        proptest::prop_assert_eq!(r.is_ok(), all_ram);
                        if all_ram {
                            for i in 0..n {
                                model[index(i)] = (value >> (8 * i)) as u8;
                            }
                        }
                    }
                    2 => {
                        let r = m.read(addr, size);
                        if all_ram {
                            let want = (0..n)
                                .fold(0u32, |v, i| v | u32::from(model[index(i)]) << (8 * i));
                            proptest::prop_assert_eq!(r, Ok(want));
                        } else {
                            proptest::prop_assert!(r.is_err());
                        }
                    }
                    _ => snapshots.push((m.clone(), model.clone())),
                }
            }
            for (snap, model) in snapshots {
                proptest::prop_assert_eq!(snap.read_bytes(ram.base, ram.size as usize).unwrap(), model);
            }
        }
    }
}
