//! Sv32 address translation (RISC-V Privileged ISA v1.12, section 4.3 "Sv32: Page-Based 32-bit
//! Virtual-Memory Systems") with a small TLB.
//!
//! [`Mmu::translate`] turns a virtual address into a physical one for a fetch, load or store. Bare
//! mode (`satp.MODE` = 0) and M-mode are the identity. Otherwise the TLB is consulted and, on a miss,
//! the two-level page table in guest memory is walked exactly as section 4.3.2 "Virtual Address
//! Translation Process" describes; its numbered steps are quoted in [`Mmu::walk`].
//!
//! This hart updates the A and D bits in hardware (section 4.3.1 permits it): the walk sets `A` on
//! any access and `D` on a store, writing the PTE back through the bus.
//!
//! # The TLB
//! A direct-mapped array of [`TLB_ENTRIES`] entries indexed by the low bits of the virtual page
//! number, each tagged with the VPN and the ASID (or marked global, `G`). An entry caches the leaf's
//! permission bits, so every hit still checks R/W/X/U against the current privilege, `SUM` and `MXR`.
//! A hit that the cached bits do not allow (including a store to a page whose cached `D` is clear)
//! falls back to a walk, which either faults or sets `D`. Software keeps the TLB coherent with
//! `sfence.vma` ([`Mmu::flush`]), as the spec requires; the hart may also call [`Mmu::flush_all`]
//! when `satp` is written, which costs little.

use super::trap::{Exception, Trap};
use super::Privilege;
use crate::mem::{AccessSize, Bus};

/// Entries in the TLB (a power of two).
pub const TLB_ENTRIES: usize = 128;

/// `satp.MODE` (bit 31): 0 = Bare, 1 = Sv32 (section 4.1.11, Table 4.3).
pub const SATP_MODE_SV32: u32 = 1 << 31;
/// `satp.ASID` is bits 30:22.
const SATP_ASID_SHIFT: u32 = 22;
/// 9 ASID bits in Sv32.
const SATP_ASID_MASK: u32 = 0x1ff;
/// `satp.PPN` is bits 21:0.
const SATP_PPN_MASK: u32 = 0x3f_ffff;

/// Sv32 page-table entry bits (section 4.3.1, Figure 4.18).
pub mod pte {
    /// Valid.
    pub const V: u32 = 1 << 0;
    /// Readable.
    pub const R: u32 = 1 << 1;
    /// Writable.
    pub const W: u32 = 1 << 2;
    /// Executable.
    pub const X: u32 = 1 << 3;
    /// Accessible to U-mode.
    pub const U: u32 = 1 << 4;
    /// Global mapping (present in all address spaces).
    pub const G: u32 = 1 << 5;
    /// Accessed.
    pub const A: u32 = 1 << 6;
    /// Dirty.
    pub const D: u32 = 1 << 7;
    /// `PPN` (22 bits: `PPN[1]` 12 bits, `PPN[0]` 10 bits) starts at bit 10.
    pub const PPN_SHIFT: u32 = 10;
}

/// Sv32 constants (section 4.3.2): `PAGESIZE` = 2^12, `LEVELS` = 2, `PTESIZE` = 4.
const PAGE_SHIFT: u32 = 12;
const PTESIZE: u64 = 4;

/// What kind of access is being translated; it selects the permission bit and the fault cause.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AccessType {
    /// An instruction fetch (needs X; faults are instruction page/access faults).
    Fetch,
    /// A load (needs R, or X with `MXR`; faults are load page/access faults).
    Load,
    /// A store or AMO (needs W, sets D; faults are store/AMO page/access faults).
    Store,
}

impl AccessType {
    /// The page-fault exception for this access type.
    pub const fn page_fault(self) -> Exception {
        match self {
            AccessType::Fetch => Exception::InstructionPageFault,
            AccessType::Load => Exception::LoadPageFault,
            AccessType::Store => Exception::StorePageFault,
        }
    }

    /// The access-fault exception for this access type.
    pub const fn access_fault(self) -> Exception {
        match self {
            AccessType::Fetch => Exception::InstructionAccessFault,
            AccessType::Load => Exception::LoadAccessFault,
            AccessType::Store => Exception::StoreAccessFault,
        }
    }
}

/// The CSR state a translation depends on, gathered by the hart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TranslationContext {
    /// The `satp` CSR (MODE, ASID, PPN).
    pub satp: u32,
    /// The effective privilege: the current mode for fetches; for loads and stores, `mstatus.MPP`
    /// when `mstatus.MPRV` is set in M-mode (section 3.1.6.3).
    pub privilege: Privilege,
    /// `mstatus.SUM`: S-mode may load and store (never fetch) U pages.
    pub sum: bool,
    /// `mstatus.MXR`: loads may read pages that are executable but not readable.
    pub mxr: bool,
}

impl TranslationContext {
    /// Whether this context translates at all (Sv32 mode and not M-mode).
    #[inline]
    pub const fn translates(&self) -> bool {
        self.satp & SATP_MODE_SV32 != 0 && !matches!(self.privilege, Privilege::Machine)
    }

    /// `satp.ASID`.
    #[inline]
    pub const fn asid(&self) -> u32 {
        (self.satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK
    }
}

/// A successful walk, as [`Mmu::walk`] reports it (for views and tests).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Translation {
    /// The physical address.
    pub paddr: u32,
    /// The leaf PTE with A (and D for a store) set, as the walk wrote it back ([`Mmu::probe`]: as
    /// it would have).
    pub pte: u32,
    /// The physical address of the leaf PTE.
    pub pte_addr: u32,
    /// The level the leaf was found at: 1 for a 4 MiB superpage, 0 for a 4 KiB page.
    pub level: u8,
    /// Whether the mapping is global (`G` set in the leaf or a pointer above it).
    pub global: bool,
    /// The PTEs read, in walk order, as `(physical address, value as read)`: the level-1 PTE, then
    /// the level-0 PTE unless the level-1 one was a superpage leaf.
    pub path: [Option<(u32, u32)>; 2],
}

/// One TLB entry; `vpn == INVALID` marks an empty slot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct TlbEntry {
    /// The virtual page number (20 bits) this entry maps.
    vpn: u32,
    /// The ASID it belongs to (ignored when `global`).
    asid: u32,
    /// The physical page number of this 4 KiB page (already combined for superpages).
    ppn: u32,
    /// The leaf PTE's low 8 bits (V R W X U G A D).
    flags: u32,
    /// Whether `G` was set (matches every ASID).
    global: bool,
    /// Whether the leaf was a 4 MiB superpage (so flushing any address in it drops this entry).
    superpage: bool,
}

/// A VPN no real page has (VPNs are 20 bits).
const INVALID: u32 = u32::MAX;

const EMPTY: TlbEntry = TlbEntry {
    vpn: INVALID,
    asid: 0,
    ppn: 0,
    flags: 0,
    global: false,
    superpage: false,
};

/// The memory-management unit of one hart: Sv32 translation and its TLB.
#[derive(Clone, Debug)]
pub struct Mmu {
    tlb: [TlbEntry; TLB_ENTRIES],
    walks: u64,
}

impl Default for Mmu {
    fn default() -> Mmu {
        Mmu::new()
    }
}

impl Mmu {
    /// An MMU with an empty TLB.
    pub const fn new() -> Mmu {
        Mmu {
            tlb: [EMPTY; TLB_ENTRIES],
            walks: 0,
        }
    }

    /// How many page-table walks have been done (TLB misses, and hits the cached bits refused).
    pub const fn walks(&self) -> u64 {
        self.walks
    }

    /// Translates `vaddr` for `access` under `ctx`.
    ///
    /// Identity when `satp.MODE` is Bare or the effective privilege is M. Otherwise a TLB hit whose
    /// cached permissions allow the access returns at once; anything else walks the page table.
    ///
    /// Errors: a page-fault [`Trap`] of the access's type with `tval = vaddr` when the translation or
    /// the permissions fail; an access-fault `Trap` (also `tval = vaddr`) when a PTE lies outside
    /// memory or the resulting physical address is at or above 4 GiB.
    #[inline]
    pub fn translate<B: Bus>(
        &mut self,
        bus: &mut B,
        vaddr: u32,
        access: AccessType,
        ctx: &TranslationContext,
    ) -> Result<u32, Trap> {
        if !ctx.translates() {
            return Ok(vaddr);
        }
        let vpn = vaddr >> PAGE_SHIFT;
        let entry = &self.tlb[vpn as usize & (TLB_ENTRIES - 1)];
        if entry.vpn == vpn
            && (entry.global || entry.asid == ctx.asid())
            && allowed(entry.flags, access, ctx)
        {
            return Ok((entry.ppn << PAGE_SHIFT) | (vaddr & 0xfff));
        }
        self.translate_miss(bus, vaddr, access, ctx)
    }

    /// The TLB-miss path: walk, then fill the TLB.
    #[cold]
    #[inline(never)]
    fn translate_miss<B: Bus>(
        &mut self,
        bus: &mut B,
        vaddr: u32,
        access: AccessType,
        ctx: &TranslationContext,
    ) -> Result<u32, Trap> {
        let t = self.walk(bus, vaddr, access, ctx)?;
        let vpn = vaddr >> PAGE_SHIFT;
        self.tlb[vpn as usize & (TLB_ENTRIES - 1)] = TlbEntry {
            vpn,
            asid: ctx.asid(),
            ppn: t.paddr >> PAGE_SHIFT,
            flags: t.pte & 0xff,
            global: t.global,
            superpage: t.level > 0,
        };
        Ok(t.paddr)
    }

    /// Walks the Sv32 page table for `vaddr` without consulting or filling the TLB, following the
    /// spec's algorithm (section 4.3.2), and sets A/D in the leaf PTE as the access requires.
    /// `ctx` must translate (Sv32 and not M-mode); otherwise the walk still runs from `satp.PPN`.
    pub fn walk<B: Bus>(
        &mut self,
        bus: &mut B,
        vaddr: u32,
        access: AccessType,
        ctx: &TranslationContext,
    ) -> Result<Translation, Trap> {
        self.walks += 1;
        walk(bus, vaddr, access, ctx, true)
    }

    /// What `vaddr` would translate to, for views and debuggers: the same walk and checks as
    /// [`Mmu::walk`] but with no side effects (no A/D update, the TLB untouched). Identity (level 0,
    /// no PTE) when `ctx` does not translate.
    pub fn probe<B: Bus>(
        &self,
        bus: &mut B,
        vaddr: u32,
        access: AccessType,
        ctx: &TranslationContext,
    ) -> Result<Translation, Trap> {
        if !ctx.translates() {
            return Ok(Translation {
                paddr: vaddr,
                pte: 0,
                pte_addr: 0,
                level: 0,
                global: false,
                path: [None; 2],
            });
        }
        walk(bus, vaddr, access, ctx, false)
    }
    /// `sfence.vma` (section 4.2.1): drops cached translations.
    ///
    /// - `vaddr = None, asid = None`: every entry.
    /// - `vaddr = None, asid = Some(a)`: entries of address space `a`, except global ones.
    /// - `vaddr = Some(v), asid = None`: entries mapping `v` in every address space, global included.
    /// - `vaddr = Some(v), asid = Some(a)`: entries mapping `v` in address space `a`, except global.
    ///
    /// "Mapping `v`" includes a cached 4 KiB piece of any superpage that contains `v`.
    pub fn flush(&mut self, vaddr: Option<u32>, asid: Option<u32>) {
        let asid = asid.map(|a| a & SATP_ASID_MASK);
        for e in self.tlb.iter_mut() {
            if e.vpn == INVALID {
                continue;
            }
            let address_matches = match vaddr {
                None => true,
                Some(v) => {
                    let vpn = v >> PAGE_SHIFT;
                    e.vpn == vpn || (e.superpage && e.vpn >> 10 == vpn >> 10)
                }
            };
            let asid_matches = match asid {
                None => true,
                Some(a) => !e.global && e.asid == a,
            };
            if address_matches && asid_matches {
                *e = EMPTY;
            }
        }
    }

    /// Drops every cached translation.
    pub fn flush_all(&mut self) {
        self.tlb = [EMPTY; TLB_ENTRIES];
    }

    /// How many TLB entries are in use (for views and tests).
    pub fn tlb_len(&self) -> usize {
        self.tlb.iter().filter(|e| e.vpn != INVALID).count()
    }
}

/// The Sv32 walk (section 4.3.2); `update` says whether step 7 writes A/D back.
fn walk<B: Bus>(
    bus: &mut B,
    vaddr: u32,
    access: AccessType,
    ctx: &TranslationContext,
    update: bool,
) -> Result<Translation, Trap> {
    let page_fault = Trap::new(access.page_fault(), vaddr);
    let access_fault = Trap::new(access.access_fault(), vaddr);
    let vpn = [(vaddr >> 12) & 0x3ff, (vaddr >> 22) & 0x3ff];
    let mut global = false;
    let mut path = [None; 2];

    // 1. Let a be satp.ppn × PAGESIZE, and let i = LEVELS − 1.
    //    (PPN is 22 bits, so `a` is a 34-bit physical address.)
    let mut a = u64::from(ctx.satp & SATP_PPN_MASK) << PAGE_SHIFT;
    let mut i: usize = 1;
    let (pte, pte_addr) = loop {
        // 2. Let pte be the value of the PTE at address a + va.vpn[i] × PTESIZE. If accessing pte
        //    violates a PMA or PMP check, raise an access-fault exception corresponding to the
        //    original access type. (Here: a PTE at or above 4 GiB, or where the bus has nothing.)
        let pte_addr = a + u64::from(vpn[i]) * PTESIZE;
        let pte_addr = u32::try_from(pte_addr).map_err(|_| access_fault)?;
        let pte = bus
            .read(pte_addr, AccessSize::Word)
            .map_err(|_| access_fault)?;
        path[1 - i] = Some((pte_addr, pte));

        // 3. If pte.v = 0, or if pte.r = 0 and pte.w = 1, or if any bits or encodings that are
        //    reserved for future standard use are set within pte, stop and raise a page-fault
        //    exception corresponding to the original access type. (Sv32 reserves only the D, A
        //    and U bits of a non-leaf PTE, section 4.3.1; that case is checked in step 4.)
        if pte & pte::V == 0 || (pte & pte::R == 0 && pte & pte::W != 0) {
            return Err(page_fault);
        }
        global |= pte & pte::G != 0;

        // 4. Otherwise, the PTE is valid. If pte.r = 1 or pte.x = 1, go to step 5. Otherwise,
        //    this PTE is a pointer to the next level of the page table. Let i = i − 1. If i < 0,
        //    stop and raise a page-fault exception corresponding to the original access type.
        //    Otherwise, let a = pte.ppn × PAGESIZE and go to step 2.
        if pte & (pte::R | pte::X) != 0 {
            break (pte, pte_addr);
        }
        if pte & (pte::D | pte::A | pte::U) != 0 {
            // Reserved bits of a non-leaf PTE (step 3), as Spike and QEMU treat them.
            return Err(page_fault);
        }
        if i == 0 {
            return Err(page_fault);
        }
        i -= 1;
        a = u64::from(pte >> pte::PPN_SHIFT) << PAGE_SHIFT;
    };

    // 5. A leaf PTE has been found. Determine if the requested memory access is allowed by the
    //    pte.r, pte.w, pte.x, and pte.u bits, given the current privilege mode and the value of
    //    the SUM and MXR fields of the mstatus register. If not, stop and raise a page-fault
    //    exception corresponding to the original access type.
    if !permitted(pte, access, ctx) {
        return Err(page_fault);
    }

    // 6. If i > 0 and pte.ppn[i − 1 : 0] ≠ 0, this is a misaligned superpage; stop and raise a
    //    page-fault exception corresponding to the original access type.
    let pte_ppn = pte >> pte::PPN_SHIFT;
    let ppn0 = pte_ppn & 0x3ff;
    let ppn1 = pte_ppn >> 10;
    if i > 0 && ppn0 != 0 {
        return Err(page_fault);
    }

    // 7. If pte.a = 0, or if the original memory access is a store and pte.d = 0, either raise a
    //    page-fault exception or: set pte.a to 1 and, if the original memory access is a store,
    //    also set pte.d to 1. If this access violates a PMA or PMP check, raise an access-fault
    //    exception. This update and the loading of pte in step 2 must be atomic (a single hart
    //    with nothing between the read and the write: it is).
    let mut new_pte = pte | pte::A;
    if access == AccessType::Store {
        new_pte |= pte::D;
    }
    if update && new_pte != pte {
        bus.write(pte_addr, AccessSize::Word, new_pte)
            .map_err(|_| access_fault)?;
    }

    // 8. The translation is successful. The translated physical address is given as follows:
    //    pa.pgoff = va.pgoff. If i > 0, then this is a superpage translation and
    //    pa.ppn[i − 1 : 0] = va.vpn[i − 1 : 0]. pa.ppn[LEVELS − 1 : i] = pte.ppn[LEVELS − 1 : i].
    let pa_ppn0 = if i > 0 { vpn[0] } else { ppn0 };
    let paddr = (u64::from(ppn1) << 22) | (u64::from(pa_ppn0) << 12) | u64::from(vaddr & 0xfff);
    // Physical addresses are 34 bits in Sv32; our bus is 32 bits, so the rest is no memory.
    let paddr = u32::try_from(paddr).map_err(|_| access_fault)?;
    Ok(Translation {
        paddr,
        pte: new_pte,
        pte_addr,
        level: i as u8,
        global,
        path,
    })
}

/// The TLB-hit check: like [`permitted`], and a store also needs `D` already set (otherwise the walk
/// must run to set it).
#[inline(always)]
fn allowed(flags: u32, access: AccessType, ctx: &TranslationContext) -> bool {
    permitted(flags, access, ctx) && (access != AccessType::Store || flags & pte::D != 0)
}

/// Step 5 of the walk: may `access` use a leaf with these bits at this privilege?
///
/// Section 4.3.1: U-mode may only touch pages with U = 1. S-mode may not touch pages with U = 1,
/// except loads and stores when `SUM` is set; S-mode never executes from U pages. Section 3.1.6.3:
/// with `MXR`, loads may also read pages marked executable.
#[inline(always)]
fn permitted(pte: u32, access: AccessType, ctx: &TranslationContext) -> bool {
    let user_page = pte & pte::U != 0;
    let privilege_ok = match ctx.privilege {
        Privilege::User => user_page,
        Privilege::Supervisor => !user_page || (ctx.sum && access != AccessType::Fetch),
        Privilege::Machine => true,
    };
    let kind_ok = match access {
        AccessType::Fetch => pte & pte::X != 0,
        AccessType::Load => pte & pte::R != 0 || (ctx.mxr && pte & pte::X != 0),
        AccessType::Store => pte & pte::W != 0,
    };
    privilege_ok && kind_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mem::{BusFault, Memory, Region};
    use AccessType::{Fetch, Load, Store};

    const RAM_BASE: u32 = 0x8000_0000;
    const ROOT: u32 = RAM_BASE; // root page table
    const ALL: u32 = pte::V | pte::R | pte::W | pte::X | pte::A | pte::D;

    /// A memory with page tables built in it, as a kernel would.
    struct Tables {
        mem: Memory,
        next_table: u32,
    }

    impl Tables {
        fn new() -> Tables {
            Tables {
                mem: Memory::new(&[Region::new(RAM_BASE, 0x0100_0000)]),
                next_table: ROOT + 0x1000,
            }
        }

        fn satp(&self, asid: u32) -> u32 {
            SATP_MODE_SV32 | (asid << 22) | (ROOT >> 12)
        }

        fn pte_addr(level: u32, table: u32, va: u32) -> u32 {
            table + ((va >> (12 + 10 * level)) & 0x3ff) * 4
        }

        fn leaf(pa: u32, flags: u32) -> u32 {
            ((pa >> 12) << 10) | flags
        }

        /// Maps the 4 KiB page at `va` to `pa`; returns the leaf PTE's address.
        fn map(&mut self, va: u32, pa: u32, flags: u32) -> u32 {
            self.map_in(ROOT, va, pa, flags)
        }

        fn map_in(&mut self, root: u32, va: u32, pa: u32, flags: u32) -> u32 {
            let l1 = Self::pte_addr(1, root, va);
            let mut pointer = self.mem.read(l1, AccessSize::Word).unwrap();
            if pointer & pte::V == 0 {
                let table = self.next_table;
                self.next_table += 0x1000;
                pointer = ((table >> 12) << 10) | pte::V;
                self.mem.write(l1, AccessSize::Word, pointer).unwrap();
            }
            let table = (pointer >> 10) << 12;
            let l0 = Self::pte_addr(0, table, va);
            self.mem
                .write(l0, AccessSize::Word, Self::leaf(pa, flags))
                .unwrap();
            l0
        }

        /// Writes a level-1 PTE (a superpage leaf, or anything else a test wants) for `va`.
        fn set_l1(&mut self, va: u32, value: u32) -> u32 {
            let l1 = Self::pte_addr(1, ROOT, va);
            self.mem.write(l1, AccessSize::Word, value).unwrap();
            l1
        }

        fn pte(&self, addr: u32) -> u32 {
            self.mem.read(addr, AccessSize::Word).unwrap()
        }
    }

    fn ctx(satp: u32, privilege: Privilege) -> TranslationContext {
        TranslationContext {
            satp,
            privilege,
            sum: false,
            mxr: false,
        }
    }

    fn pf(access: AccessType, va: u32) -> Result<u32, Trap> {
        Err(Trap::new(access.page_fault(), va))
    }

    fn af(access: AccessType, va: u32) -> Result<u32, Trap> {
        Err(Trap::new(access.access_fault(), va))
    }

    #[test]
    fn bare_mode_and_m_mode_are_identity() {
        let mut t = Tables::new();
        let mut mmu = Mmu::new();
        for p in [Privilege::User, Privilege::Supervisor, Privilege::Machine] {
            let c = ctx(0x7fff_ffff, p); // MODE = Bare, other bits ignored
            assert_eq!(
                mmu.translate(&mut t.mem, 0x1234_5678, Store, &c),
                Ok(0x1234_5678)
            );
        }
        let c = ctx(t.satp(0), Privilege::Machine);
        assert_eq!(
            mmu.translate(&mut t.mem, 0xdead_beef, Fetch, &c),
            Ok(0xdead_beef)
        );
        assert_eq!(mmu.walks(), 0);
        assert!(!c.translates() && ctx(t.satp(0), Privilege::User).translates());
    }

    #[test]
    fn maps_a_4_kib_page() {
        let mut t = Tables::new();
        t.map(0x0040_0000, 0x8010_0000, ALL | pte::U);
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(1), Privilege::User);
        for access in [Fetch, Load, Store] {
            assert_eq!(
                mmu.translate(&mut t.mem, 0x0040_0123, access, &c),
                Ok(0x8010_0123)
            );
        }
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0fff, Load, &c),
            Ok(0x8010_0fff)
        );
        // The neighbouring pages are not mapped.
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_1000, Load, &c),
            pf(Load, 0x0040_1000)
        );
        assert_eq!(
            mmu.translate(&mut t.mem, 0x003f_fffc, Fetch, &c),
            pf(Fetch, 0x003f_fffc)
        );
    }

    #[test]
    fn maps_a_4_mib_superpage() {
        let mut t = Tables::new();
        t.set_l1(0x4000_0000, Tables::leaf(0x8040_0000, ALL));
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::Supervisor);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x4000_0000, Load, &c),
            Ok(0x8040_0000)
        );
        assert_eq!(
            mmu.translate(&mut t.mem, 0x4012_3456, Store, &c),
            Ok(0x8052_3456)
        );
        assert_eq!(
            mmu.translate(&mut t.mem, 0x403f_fffe, Fetch, &c),
            Ok(0x807f_fffe)
        );
        let w = mmu.walk(&mut t.mem, 0x4000_1000, Load, &c).unwrap();
        assert_eq!(
            (w.level, w.paddr, w.pte_addr),
            (1, 0x8040_1000, ROOT + 0x100 * 4)
        );
    }

    #[test]
    fn misaligned_superpage_is_a_page_fault() {
        let mut t = Tables::new();
        t.set_l1(0x4000_0000, Tables::leaf(0x8040_1000, ALL)); // PPN[0] != 0
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::Supervisor);
        for access in [Fetch, Load, Store] {
            assert_eq!(
                mmu.translate(&mut t.mem, 0x4000_0010, access, &c),
                pf(access, 0x4000_0010)
            );
        }
    }

    #[test]
    fn invalid_ptes_are_page_faults() {
        let mut t = Tables::new();
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::Supervisor);
        // Level 1 invalid (nothing mapped at all).
        assert_eq!(
            mmu.translate(&mut t.mem, 0x1000_0000, Load, &c),
            pf(Load, 0x1000_0000)
        );
        // Level 0 invalid: V clear but every other bit set.
        let l0 = t.map(0x0040_0000, 0x8010_0000, ALL);
        t.mem.write(l0, AccessSize::Word, !pte::V).unwrap();
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Store, &c),
            pf(Store, 0x0040_0000)
        );
        // A pointer at level 0 (no leaf at the last level).
        t.map(0x0080_0000, 0x8020_0000, pte::V);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0080_0000, Fetch, &c),
            pf(Fetch, 0x0080_0000)
        );
    }

    #[test]
    fn write_without_read_is_reserved() {
        let mut t = Tables::new();
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::Supervisor);
        t.map(0x0040_0000, 0x8010_0000, pte::V | pte::W | pte::A | pte::D);
        t.map(
            0x0040_1000,
            0x8010_1000,
            pte::V | pte::W | pte::X | pte::A | pte::D,
        );
        t.set_l1(0x4000_0000, Tables::leaf(0x8040_0000, pte::V | pte::W));
        for va in [0x0040_0000, 0x0040_1000, 0x4000_0000] {
            for access in [Fetch, Load, Store] {
                assert_eq!(mmu.translate(&mut t.mem, va, access, &c), pf(access, va));
            }
        }
    }

    #[test]
    fn non_leaf_with_reserved_bits_is_a_page_fault() {
        let mut t = Tables::new();
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::User);
        t.map(0x0040_0000, 0x8010_0000, ALL | pte::U);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Load, &c),
            Ok(0x8010_0000)
        );
        let l1 = Tables::pte_addr(1, ROOT, 0x0040_0000);
        let pointer = t.pte(l1);
        for bit in [pte::U, pte::A, pte::D] {
            t.mem.write(l1, AccessSize::Word, pointer | bit).unwrap();
            mmu.flush_all();
            assert_eq!(
                mmu.translate(&mut t.mem, 0x0040_0000, Load, &c),
                pf(Load, 0x0040_0000)
            );
        }
    }

    /// Every row: PTE permission bits, privilege, SUM, MXR, and which of fetch/load/store succeed.
    #[test]
    fn permission_rules() {
        use Privilege::{Supervisor as S, User as U};
        const R: u32 = pte::R;
        const W: u32 = pte::W;
        const X: u32 = pte::X;
        const UB: u32 = pte::U;
        #[rustfmt::skip]
        let rows: &[(u32, Privilege, bool, bool, [bool; 3])] = &[
            // bits          priv  SUM    MXR    fetch  load   store
            (R,              S,    false, false, [false, true,  false]),
            (R | W,          S,    false, false, [false, true,  true ]),
            (X,              S,    false, false, [true,  false, false]),
            (X,              S,    false, true,  [true,  true,  false]), // MXR: X is readable
            (R | X,          S,    false, false, [true,  true,  false]),
            (R | W | X,      S,    false, false, [true,  true,  true ]),
            // U-mode needs U = 1.
            (R | W | X,      U,    false, false, [false, false, false]),
            (R | W | X,      U,    true,  true,  [false, false, false]),
            (R | W | X | UB, U,    false, false, [true,  true,  true ]),
            (R | UB,         U,    false, false, [false, true,  false]),
            (X | UB,         U,    false, false, [true,  false, false]),
            (X | UB,         U,    false, true,  [true,  true,  false]),
            (W | R | UB,     U,    true,  false, [false, true,  true ]),
            // S-mode on U pages: never without SUM, loads/stores with SUM, never a fetch.
            (R | W | X | UB, S,    false, false, [false, false, false]),
            (R | W | X | UB, S,    true,  false, [false, true,  true ]),
            (X | UB,         S,    true,  true,  [false, true,  false]),
            (X | UB,         S,    true,  false, [false, false, false]),
        ];
        for (row, &(bits, privilege, sum, mxr, expect)) in rows.iter().enumerate() {
            for (access, ok) in [Fetch, Load, Store].into_iter().zip(expect) {
                let mut t = Tables::new();
                let va = 0x0040_0abc;
                t.map(va, 0x8010_0000, pte::V | pte::A | pte::D | bits);
                let c = TranslationContext {
                    satp: t.satp(3),
                    privilege,
                    sum,
                    mxr,
                };
                let want = if ok { Ok(0x8010_0abc) } else { pf(access, va) };
                // Both through a walk and through a TLB hit (with a different access first).
                let mut mmu = Mmu::new();
                assert_eq!(
                    mmu.translate(&mut t.mem, va, access, &c),
                    want,
                    "row {row} {access:?}"
                );
                let mut mmu = Mmu::new();
                let permissive = TranslationContext {
                    privilege: S,
                    sum: true,
                    mxr: true,
                    ..c
                };
                let _ = mmu.translate(&mut t.mem, va, Load, &permissive);
                let _ = mmu.translate(&mut t.mem, va, Fetch, &c);
                assert_eq!(
                    mmu.translate(&mut t.mem, va, access, &c),
                    want,
                    "row {row} {access:?} hit"
                );
            }
        }
    }

    #[test]
    fn a_and_d_are_set_and_written_back() {
        let mut t = Tables::new();
        let flags = pte::V | pte::R | pte::W | pte::X;
        let l0 = t.map(0x0040_0000, 0x8010_0000, flags);
        let l1 = Tables::pte_addr(1, ROOT, 0x0040_0000);
        let pointer = t.pte(l1);
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::Supervisor);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Fetch, &c),
            Ok(0x8010_0000)
        );
        assert_eq!(t.pte(l0) & 0xff, flags | pte::A);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0004, Load, &c),
            Ok(0x8010_0004)
        );
        assert_eq!(mmu.walks(), 1, "the load hits the TLB");
        // A store to a clean page walks again and sets D.
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0008, Store, &c),
            Ok(0x8010_0008)
        );
        assert_eq!(mmu.walks(), 2);
        assert_eq!(t.pte(l0) & 0xff, flags | pte::A | pte::D);
        assert_eq!(t.pte(l0) >> 10, 0x8010_0000 >> 12, "PPN untouched");
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_000c, Store, &c),
            Ok(0x8010_000c)
        );
        assert_eq!(mmu.walks(), 2, "now the store hits");
        // The pointer PTE is not touched.
        assert_eq!(t.pte(l1), pointer);
        // A superpage leaf gets them too.
        let s = t.set_l1(0x4000_0000, Tables::leaf(0x8040_0000, flags));
        mmu.translate(&mut t.mem, 0x4000_0000, Store, &c).unwrap();
        assert_eq!(t.pte(s) & 0xff, flags | pte::A | pte::D);
        // A faulting access does not set A.
        let l0 = t.map(0x0050_0000, 0x8010_0000, pte::V | pte::R);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0050_0000, Store, &c),
            pf(Store, 0x0050_0000)
        );
        assert_eq!(t.pte(l0) & 0xff, pte::V | pte::R);
    }

    #[test]
    fn tlb_hits_until_flushed() {
        let mut t = Tables::new();
        let l0 = t.map(0x0040_0000, 0x8010_0000, ALL);
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::Supervisor);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0010, Load, &c),
            Ok(0x8010_0010)
        );
        assert_eq!(mmu.tlb_len(), 1);
        // Remap in memory: without sfence.vma the stale translation is still used (allowed).
        t.mem
            .write(l0, AccessSize::Word, Tables::leaf(0x8020_0000, ALL))
            .unwrap();
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0010, Load, &c),
            Ok(0x8010_0010)
        );
        assert_eq!(mmu.walks(), 1);
        mmu.flush(Some(0x0040_0ffc), None);
        assert_eq!(mmu.tlb_len(), 0);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0010, Load, &c),
            Ok(0x8020_0010)
        );
        // Unmap: a fault is not cached, and it clears nothing else.
        t.mem.write(l0, AccessSize::Word, 0).unwrap();
        mmu.flush_all();
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0010, Load, &c),
            pf(Load, 0x0040_0010)
        );
        assert_eq!(mmu.tlb_len(), 0);
    }

    #[test]
    fn flush_follows_sfence_vma_rules() {
        let mut t = Tables::new();
        t.map(0x0040_0000, 0x8010_0000, ALL); // ASID-specific
        t.map(0x0040_1000, 0x8010_1000, ALL | pte::G); // global leaf
        t.set_l1(0x4000_0000, Tables::leaf(0x8040_0000, ALL)); // superpage
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(5), Privilege::Supervisor);
        let fill = |mmu: &mut Mmu, t: &mut Tables| {
            mmu.flush_all();
            // Four different TLB slots (the TLB is indexed by the low VPN bits).
            for va in [0x0040_0000, 0x0040_1000, 0x4000_2000, 0x4020_3000] {
                mmu.translate(&mut t.mem, va, Load, &c).unwrap();
            }
            assert_eq!(mmu.tlb_len(), 4);
        };
        fill(&mut mmu, &mut t);
        mmu.flush(None, Some(6)); // another address space
        assert_eq!(mmu.tlb_len(), 4);
        mmu.flush(None, Some(5)); // all of ASID 5 except the global page
        assert_eq!(mmu.tlb_len(), 1);
        fill(&mut mmu, &mut t);
        mmu.flush(Some(0x0040_1000), Some(5)); // global entries survive an ASID-qualified flush
        assert_eq!(mmu.tlb_len(), 4);
        mmu.flush(Some(0x0040_1000), None);
        assert_eq!(mmu.tlb_len(), 3);
        mmu.flush(Some(0x4033_3333), None); // any address in the superpage drops its pieces
        assert_eq!(mmu.tlb_len(), 1);
        mmu.flush(None, None);
        assert_eq!(mmu.tlb_len(), 0);
    }

    #[test]
    fn global_bit_on_a_pointer_makes_the_mapping_global() {
        let mut t = Tables::new();
        t.map(0x0040_0000, 0x8010_0000, ALL);
        let l1 = Tables::pte_addr(1, ROOT, 0x0040_0000);
        let pointer = t.pte(l1);
        t.mem.write(l1, AccessSize::Word, pointer | pte::G).unwrap();
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(1), Privilege::Supervisor);
        assert!(mmu.walk(&mut t.mem, 0x0040_0000, Load, &c).unwrap().global);
        mmu.translate(&mut t.mem, 0x0040_0000, Load, &c).unwrap();
        mmu.flush(None, Some(1));
        assert_eq!(mmu.tlb_len(), 1);
    }

    #[test]
    fn asids_separate_address_spaces() {
        let mut t = Tables::new();
        t.map(0x0040_0000, 0x8010_0000, ALL);
        // A second root at ROOT + 0x8000 maps the same va elsewhere.
        let root2 = ROOT + 0x8000;
        t.map_in(root2, 0x0040_0000, 0x8030_0000, ALL);
        let mut mmu = Mmu::new();
        let a = ctx(t.satp(1), Privilege::Supervisor);
        let b = ctx(
            SATP_MODE_SV32 | (2 << 22) | (root2 >> 12),
            Privilege::Supervisor,
        );
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Load, &a),
            Ok(0x8010_0000)
        );
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Load, &b),
            Ok(0x8030_0000)
        );
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Load, &a),
            Ok(0x8010_0000)
        );
        assert_eq!(
            mmu.walks(),
            3,
            "one direct-mapped slot, so switching ASIDs re-walks"
        );
    }

    #[test]
    fn pte_outside_memory_is_an_access_fault() {
        let mut t = Tables::new();
        let mut mmu = Mmu::new();
        // Root page table where there is no RAM.
        let c = ctx(SATP_MODE_SV32 | 0x10, Privilege::Supervisor);
        for access in [Fetch, Load, Store] {
            assert_eq!(
                mmu.translate(&mut t.mem, 0x1234_5678, access, &c),
                af(access, 0x1234_5678)
            );
        }
        // Root PPN at or above 4 GiB (34-bit physical addresses).
        let c = ctx(SATP_MODE_SV32 | 0x3f_ffff, Privilege::Supervisor);
        assert_eq!(mmu.translate(&mut t.mem, 0, Load, &c), af(Load, 0));
        // A pointer to a second-level table above 4 GiB.
        let c = ctx(t.satp(0), Privilege::Supervisor);
        t.set_l1(0x0040_0000, (0x10_0000 << 10) | pte::V);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0004, Store, &c),
            af(Store, 0x0040_0004)
        );
        // A leaf whose physical address is at or above 4 GiB.
        t.map(0x0080_0000, 0, ALL);
        let l0 = Tables::pte_addr(
            0,
            (t.pte(Tables::pte_addr(1, ROOT, 0x0080_0000)) >> 10) << 12,
            0x0080_0000,
        );
        t.mem
            .write(l0, AccessSize::Word, (0x10_0000 << 10) | ALL)
            .unwrap();
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0080_0010, Fetch, &c),
            af(Fetch, 0x0080_0010)
        );
        assert_eq!(mmu.tlb_len(), 0);
    }

    /// A bus whose page tables can be read but not written: the A/D update fails.
    struct ReadOnly<'a>(&'a mut Memory);

    impl Bus for ReadOnly<'_> {
        fn read(&mut self, addr: u32, size: AccessSize) -> Result<u32, BusFault> {
            self.0.read(addr, size)
        }
        fn write(&mut self, addr: u32, _: AccessSize, _: u32) -> Result<(), BusFault> {
            Err(BusFault { addr })
        }
    }

    #[test]
    fn failed_a_d_write_back_is_an_access_fault() {
        let mut t = Tables::new();
        t.map(0x0040_0000, 0x8010_0000, pte::V | pte::R | pte::W);
        t.map(0x0040_1000, 0x8010_1000, ALL);
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::Supervisor);
        let mut bus = ReadOnly(&mut t.mem);
        assert_eq!(
            mmu.translate(&mut bus, 0x0040_0000, Load, &c),
            af(Load, 0x0040_0000)
        );
        // With A and D already set nothing is written, so a read-only table is fine.
        assert_eq!(
            mmu.translate(&mut bus, 0x0040_1000, Store, &c),
            Ok(0x8010_1000)
        );
    }

    #[test]
    fn hits_recheck_privilege() {
        let mut t = Tables::new();
        t.map(0x0040_0000, 0x8010_0000, ALL | pte::U);
        let mut mmu = Mmu::new();
        let user = ctx(t.satp(0), Privilege::User);
        let sup = ctx(t.satp(0), Privilege::Supervisor);
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Load, &user),
            Ok(0x8010_0000)
        );
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Load, &sup),
            pf(Load, 0x0040_0000)
        );
        let sum = TranslationContext { sum: true, ..sup };
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Load, &sum),
            Ok(0x8010_0000)
        );
        assert_eq!(
            mmu.translate(&mut t.mem, 0x0040_0000, Fetch, &sum),
            pf(Fetch, 0x0040_0000)
        );
    }

    #[test]
    fn probe_has_no_side_effects() {
        let mut t = Tables::new();
        let flags = pte::V | pte::R | pte::W;
        let l0 = t.map(0x0040_0000, 0x8010_0000, flags);
        let l1 = Tables::pte_addr(1, ROOT, 0x0040_0000);
        let mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::Supervisor);
        let p = mmu.probe(&mut t.mem, 0x0040_0123, Store, &c).unwrap();
        assert_eq!((p.paddr, p.level, p.pte_addr), (0x8010_0123, 0, l0));
        assert_eq!(p.pte & 0xff, flags | pte::A | pte::D);
        assert_eq!(p.path, [Some((l1, t.pte(l1))), Some((l0, t.pte(l0)))]);
        assert_eq!(t.pte(l0) & 0xff, flags, "nothing written");
        assert_eq!((mmu.walks(), mmu.tlb_len()), (0, 0));
        assert_eq!(
            mmu.probe(&mut t.mem, 0x0040_0123, Fetch, &c),
            Err(Trap::new(Exception::InstructionPageFault, 0x0040_0123))
        );
        let m = ctx(t.satp(0), Privilege::Machine);
        assert_eq!(
            mmu.probe(&mut t.mem, 0x1234, Fetch, &m).map(|p| p.paddr),
            Ok(0x1234)
        );
        // A superpage walk reads one PTE.
        let s = t.set_l1(0x4000_0000, Tables::leaf(0x8040_0000, ALL));
        let p = mmu.probe(&mut t.mem, 0x4000_0000, Load, &c).unwrap();
        assert_eq!(p.path, [Some((s, t.pte(s))), None]);
    }

    /// One step of [`tlb_is_transparent`]: an access, or a remapping followed by `sfence.vma`.
    #[derive(Clone, Debug)]
    enum Op {
        Access {
            page: usize,
            offset: u32,
            access: u8,
            user: bool,
            sum: bool,
            mxr: bool,
            asid: u32,
        },
        Remap {
            page: usize,
            pte: u32,
        },
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            4 => (0usize..6, 0u32..0x1000, 0u8..3, any::<bool>(), any::<bool>(), any::<bool>(), 0u32..2)
                .prop_map(|(page, offset, access, user, sum, mxr, asid)| Op::Access {
                    page, offset, access, user, sum, mxr, asid,
                }),
            1 => (0usize..6, any::<u32>()).prop_map(|(page, pte)| Op::Remap { page, pte }),
        ]
    }

    /// Virtual pages the property test uses: four 4 KiB pages under one pointer (two sharing a TLB
    /// slot), and two pieces of one 4 MiB superpage.
    const PAGES: [u32; 6] = [
        0x0040_0000,
        0x0040_1000,
        0x0044_0000, // same TLB slot as 0x0040_0000
        0x0040_3000,
        0x4000_5000,
        0x4010_6000,
    ];

    /// A random PTE whose PPN points somewhere interesting: RAM, a superpage-aligned RAM page, a
    /// page with no RAM, or above 4 GiB.
    fn random_leaf(bits: u32) -> u32 {
        let ppn = match (bits >> 10) & 3 {
            0 => 0x80100 + ((bits >> 12) & 0xff),
            1 => 0x80400,
            2 => 0x00010,
            _ => 0x3f_fc00,
        };
        (ppn << 10) | (bits & 0x3ff)
    }

    fn pte_addr_of(page: usize) -> u32 {
        let va = PAGES[page];
        if va >= 0x4000_0000 {
            Tables::pte_addr(1, ROOT, va)
        } else {
            Tables::pte_addr(0, ROOT + 0x1000, va)
        }
    }

    proptest::proptest! {
        /// The TLB never changes an outcome: an MMU that keeps its TLB (flushing with `sfence.vma`
        /// after each remap, as software must) agrees with a fresh MMU that walks every time, in
        /// results and in the A/D bits it leaves in memory.
        #[test]
        fn tlb_is_transparent(
            initial in proptest::collection::vec(proptest::prelude::any::<u32>(), 6),
            ops in proptest::collection::vec(op(), 1..60),
        ) {
            let mut t = Tables::new();
            // Root entry 1 points at the table at ROOT + 0x1000; entry 0x100 is the superpage.
            t.set_l1(0x0040_0000, (((ROOT + 0x1000) >> 12) << 10) | pte::V);
            let set = |mem: &mut Memory, page: usize, bits: u32| {
                mem.write(pte_addr_of(page), AccessSize::Word, random_leaf(bits)).unwrap();
            };
            for (page, bits) in initial.iter().enumerate() {
                set(&mut t.mem, page, *bits);
            }
            let mut cached_mem = t.mem.clone();
            let mut walked_mem = t.mem.clone();
            let mut mmu = Mmu::new();
            for op in ops {
                match op {
                    Op::Access { page, offset, access, user, sum, mxr, asid } => {
                        let va = PAGES[page] | offset;
                        let access = [Fetch, Load, Store][usize::from(access)];
                        let privilege = if user { Privilege::User } else { Privilege::Supervisor };
                        let c = TranslationContext { satp: t.satp(asid), privilege, sum, mxr };
                        let cached = mmu.translate(&mut cached_mem, va, access, &c);
                        let walked = Mmu::new().translate(&mut walked_mem, va, access, &c);
                        proptest::prop_assert_eq!(cached, walked, "{:?} {:#x}", access, va);
                    }
                    Op::Remap { page, pte } => {
                        set(&mut cached_mem, page, pte);
                        set(&mut walked_mem, page, pte);
                        mmu.flush(Some(PAGES[page]), None);
                    }
                }
                proptest::prop_assert!(cached_mem == walked_mem);
            }
        }
    }

    /// Rough speed of the TLB-hit path: `cargo test --release -p snowrv-core mmu_hit_speed --
    /// --ignored --nocapture`.
    #[test]
    #[ignore = "speed measurement; run in release mode"]
    fn mmu_hit_speed() {
        extern crate std;
        let mut t = Tables::new();
        for i in 0..16 {
            t.map(
                0x0040_0000 + i * 0x1000,
                0x8010_0000 + i * 0x1000,
                ALL | pte::U,
            );
        }
        let mut mmu = Mmu::new();
        let c = ctx(t.satp(0), Privilege::User);
        let n = 100_000_000u32;
        let start = std::time::Instant::now();
        let mut sum = 0u32;
        for i in 0..n {
            let va = 0x0040_0000 + (i.wrapping_mul(0x9e37) & 0xfffc);
            let access = if i & 3 == 0 { Store } else { Load };
            sum = sum.wrapping_add(mmu.translate(&mut t.mem, va, access, &c).unwrap());
        }
        let dt = start.elapsed();
        std::println!(
            "{} translations/s (checksum {sum:x})",
            f64::from(n) / dt.as_secs_f64()
        );
    }
}
