//! One RISC-V hart: registers, pc, privilege, CSRs, the LR/SC reservation, the MMU and the decode
//! cache, and the step that ties them together (interrupt check, fetch, execute, retire, trap).
//!
//! The step reads like the algorithm of the Privileged ISA v1.12:
//! 1. between instructions, take the highest-priority pending and enabled interrupt (section 3.1.9);
//! 2. fetch through the MMU and the decode cache ([`super::cache`]);
//! 3. execute ([`super::exec`], the one place that gives instructions their meaning);
//! 4. retire (count `minstret`/`mcycle`, advance `mtime` by the deterministic divider), or take the
//!    exception (section 3.1.6.1 for M, 4.1.1 for S, delegation per section 3.1.8).
//!
//! The same step serves the fast [`crate::machine::Machine::run`] loop and the observable
//! [`crate::machine::Machine::step`]; a const generic only switches the recording of the memory
//! access for the report on or off.
//!
//! Fetch on the hot path: the decode cache remembers the virtual page the hart executes from and
//! where its decoded slots are, so an instruction in that page costs one compare and one indexed
//! load, with no translation (the remembered page is forgotten whenever translation may change:
//! `satp`, `mstatus`, privilege, `sfence.vma`). Loads and stores translate through a one-entry
//! per-access-type cache in front of the MMU's TLB, dropped on the same events.
//!
//! The hot path avoids work that cannot matter: an `attention` flag is raised only by events that
//! can change what happens between instructions (CSR writes that touch interrupt state, traps and
//! `xRET`, `wfi`, stores that reach a device, `tohost` or a page holding decoded code, `mtime`
//! ticks that change `mip`), and the step looks at interrupts, the decode cache's coherence and
//! `tohost` only when it is raised. The fast run loop goes one step further: it executes cached
//! instructions in batches and counts them (`mcycle`, `minstret`, `mtime`) once per batch, which
//! nothing can tell apart from counting each one (see `Hart::run_batch` for why).

use super::cache::{DecodeCache, Fetched};
use super::csr::{irq, mstatus, Csrs};
use super::mmu::{AccessType, Mmu, TranslationContext};
use super::trap::{Exception, Interrupt, Trap, TrapCause};
use super::{Instruction, Privilege, Reg};
use crate::mem::{AccessSize, Bus};
use alloc::vec::Vec;

/// What the hart needs from the machine around it, beyond loads and stores: the timer, the
/// device-driven interrupt lines, the `tohost` exit word and the code-write watch that keeps the
/// decode cache coherent. [`crate::mem::SystemBus`] implements it (in [`crate::machine`]).
pub trait Platform: Bus {
    /// The platform timer `mtime`, or `None` when the machine has no timer device.
    fn mtime(&self) -> Option<u64>;
    /// Advances `mtime` by `ticks`.
    fn advance_mtime(&mut self, ticks: u64);
    /// Ticks until the machine timer interrupt becomes pending (`Some(0)`: pending now), or `None`
    /// when it never will without a store to the timer.
    fn ticks_until_timer(&self) -> Option<u64>;
    /// The `mip` bits devices drive: MSIP (bit 3), MTIP (bit 7), MEIP (bit 11).
    fn device_interrupts(&self) -> u32;
    /// Whether physical address `paddr` belongs to a device whose registers can change interrupt
    /// lines (a store there makes the hart look at `mip` again).
    fn is_device(&self, paddr: u32) -> bool;
    /// Asks to be told (through [`Platform::code_epoch`]) about the next write to physical page
    /// `ppn`. Returns false when the page is not plain RAM (then its code must not be cached).
    fn watch_code(&mut self, ppn: u32) -> bool;
    /// A counter that changes whenever a watched page is written.
    fn code_epoch(&self) -> u64;
    /// The watched pages written since the last call.
    fn take_written_code(&mut self) -> Vec<u32>;
    /// Whether a store to `tohost` is waiting to be taken.
    fn tohost_pending(&self) -> bool;
    /// The value stored to `tohost`, once.
    fn take_tohost(&mut self) -> Option<u32>;
}

/// One data memory access of an instruction, for the step report and the UI.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MemAccess {
    /// The virtual address the instruction used.
    pub vaddr: u32,
    /// The access width.
    pub size: AccessSize,
    /// The value loaded (zero-extended, before sign extension) or stored (for an AMO: the value
    /// written back).
    pub value: u32,
    /// True for stores, successful `sc.w` and AMOs.
    pub write: bool,
}

/// A trap as it happened (or, when not delivered, as it would have).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TrapRecord {
    /// The exception or interrupt.
    pub cause: TrapCause,
    /// The value for `mtval`/`stval`.
    pub tval: u32,
    /// The pc of the instruction that trapped (or that the interrupt came before).
    pub epc: u32,
    /// The privilege the hart was in.
    pub from: Privilege,
    /// The privilege that handles it (after `medeleg`/`mideleg` delegation).
    pub to: Privilege,
    /// True when the hart took the trap (CSRs written, pc at the handler); false when the machine
    /// returned it to the host instead (user environment) and changed nothing.
    pub delivered: bool,
}

/// Why a run stopped (see [`crate::machine::Machine::run`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RunExit {
    /// `max_steps` steps were executed.
    StepLimit,
    /// The program stored this value to `tohost` (riscv-tests: 1 = pass, `(n << 1) | 1` = test n
    /// failed).
    ToHost(u32),
    /// An exception (or interrupt) that the machine does not deliver (`deliver_traps = false`): pc
    /// is still at the faulting instruction and no CSR changed.
    Trap(TrapRecord),
    /// The hart is in `wfi` and no enabled interrupt can ever become pending.
    Wfi,
}

/// What one step observed, filled only on the observable path.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct Observation {
    /// The fetched instruction, if the fetch succeeded.
    pub fetched: Option<Fetched>,
    /// The instruction bits when the fetch succeeded but decoding failed.
    pub illegal_bits: Option<u32>,
    /// The data access.
    pub mem: Option<MemAccess>,
    /// The trap taken (or returned) in this step.
    pub trap: Option<TrapRecord>,
    /// Whether an instruction retired.
    pub retired: bool,
}

/// The one-entry-per-kind translation cache in front of [`Mmu::translate`]: valid only while
/// `satp`, the privilege and the `mstatus` translation fields stay as they were when it was filled
/// (it is dropped whenever one of them changes, and on `sfence.vma`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct FastTlb {
    /// Virtual page numbers (`u32::MAX` = empty) and physical page numbers for fetch, load, store.
    vpn: [u32; 3],
    ppn: [u32; 3],
}

impl FastTlb {
    const EMPTY: FastTlb = FastTlb {
        vpn: [u32::MAX; 3],
        ppn: [0; 3],
    };
}

/// Index of an access type in [`FastTlb`].
const fn tlb_slot(access: AccessType) -> usize {
    match access {
        AccessType::Fetch => 0,
        AccessType::Load => 1,
        AccessType::Store => 2,
    }
}

/// A RISC-V hart (RV32IMAC + Zicsr + Zifencei, M/S/U, Sv32).
#[derive(Clone, Debug)]
pub struct Hart {
    /// `x0`..`x31`; `x[0]` is rewritten to zero after every write (the one place x0 is handled).
    x: [u32; 32],
    pub(crate) pc: u32,
    pub(crate) privilege: Privilege,
    pub(crate) csrs: Csrs,
    /// The LR/SC reservation: the physical address of the reserved word.
    pub(crate) reservation: Option<u32>,
    pub(crate) mmu: Mmu,
    pub(crate) cache: DecodeCache,
    fast_tlb: FastTlb,
    /// Whether fetches translate (Sv32 and not M-mode).
    fetch_translates: bool,
    /// Whether loads and stores translate (Sv32 and effective privilege, after MPRV, not M).
    data_translates: bool,
    /// The context for data accesses (effective privilege after MPRV).
    data_ctx: TranslationContext,
    /// Set by any event that can change what happens between instructions (see the module docs).
    pub(crate) attention: bool,
    /// In `wfi`, waiting for an interrupt.
    pub(crate) waiting: bool,
    /// The last trap taken or returned to the host, on either run path (for the UI's status line).
    last_trap: Option<TrapRecord>,
    /// Instructions per `mtime` tick (0: `mtime` does not advance).
    mtime_divider: u32,
    /// Retired instructions left until the next `mtime` tick.
    mtime_countdown: u32,
    /// `mcountinhibit` is zero and no counter was written by the current instruction.
    counters_plain: bool,
    /// The current instruction wrote `mcycle`/`minstret`: skip its own increment.
    pub(crate) counter_written: bool,
    /// The last `mtime` seen, for the side-effect-free [`Hart::csr`] debug read.
    mtime_seen: u64,
    /// Instructions the current batch of [`Hart::run`] has retired, and how many of them are
    /// counted already (both 0 between batches; see `Hart::run_batch`).
    unretired: u64,
    settled: u64,
}

impl Default for Hart {
    fn default() -> Self {
        Hart::new()
    }
}

impl Hart {
    /// A hart at reset (section 3.4): M-mode, pc 0, registers zero, `mtime` frozen.
    pub fn new() -> Hart {
        let mut hart = Hart {
            x: [0; 32],
            pc: 0,
            privilege: Privilege::Machine,
            csrs: Csrs::new(),
            reservation: None,
            mmu: Mmu::new(),
            cache: DecodeCache::new(),
            fast_tlb: FastTlb::EMPTY,
            fetch_translates: false,
            data_translates: false,
            data_ctx: TranslationContext {
                satp: 0,
                privilege: Privilege::Machine,
                sum: false,
                mxr: false,
            },
            attention: true,
            waiting: false,
            last_trap: None,
            mtime_divider: 0,
            mtime_countdown: u32::MAX,
            counters_plain: true,
            counter_written: false,
            mtime_seen: 0,
            unretired: 0,
            settled: 0,
        };
        hart.translation_changed();
        hart
    }

    /// The program counter.
    pub fn pc(&self) -> u32 {
        self.pc
    }

    /// Sets the program counter (an odd value raises instruction-address-misaligned at the next
    /// step).
    pub fn set_pc(&mut self, pc: u32) {
        self.pc = pc;
        self.waiting = false;
        self.attention = true;
    }

    /// Reads an integer register (`x0` reads 0).
    #[inline(always)]
    pub fn reg(&self, r: Reg) -> u32 {
        self.x[r.index() & 31]
    }

    /// Writes an integer register; writes to `x0` are discarded. The only place that knows x0.
    #[inline(always)]
    pub fn set_reg(&mut self, r: Reg, value: u32) {
        self.x[r.index() & 31] = value;
        self.x[0] = 0;
    }

    /// All 32 registers, `x0` first.
    pub fn regs(&self) -> &[u32; 32] {
        &self.x
    }

    /// The current privilege mode.
    pub fn privilege(&self) -> Privilege {
        self.privilege
    }

    /// Sets the privilege mode (host setup, e.g. starting a program in U-mode).
    pub fn set_privilege(&mut self, privilege: Privilege) {
        self.privilege = privilege;
        self.translation_changed();
        self.attention = true;
    }

    /// Reads a CSR without side effects and without privilege checks (debugger view); `None` for
    /// CSRs this hart does not have. `time` shows the last `mtime` the hart saw.
    pub fn csr(&self, addr: u16) -> Option<u32> {
        self.csrs.read(addr, self.mtime_seen)
    }

    /// Writes a CSR from the host (setup, tests), with the same WARL rules as a guest write but no
    /// privilege checks. Returns false for CSRs this hart does not have.
    pub fn set_csr(&mut self, addr: u16, value: u32) -> bool {
        if !Csrs::exists(addr) {
            return false;
        }
        let effect = self.csrs.write(addr, value);
        self.apply_csr_effect(addr, effect);
        self.counter_written = false;
        self.refresh_counting();
        true
    }

    /// Instructions retired (`minstret`).
    pub fn instret(&self) -> u64 {
        self.csrs.minstret
    }

    /// Cycles (`mcycle`): one per step, whether it retired an instruction or took a trap.
    pub fn cycle(&self) -> u64 {
        self.csrs.mcycle
    }

    /// The last trap this hart took (or, with traps not delivered, returned to the host), on the
    /// single-step path and the fast path alike. Traps are rare, so keeping it costs nothing.
    pub fn last_trap(&self) -> Option<TrapRecord> {
        self.last_trap
    }

    /// Whether the hart is stalled in `wfi`.
    pub fn is_waiting(&self) -> bool {
        self.waiting
    }

    /// The LR/SC reservation (physical address), if any.
    pub fn reservation(&self) -> Option<u32> {
        self.reservation
    }

    /// The MMU (TLB statistics, page walks for views).
    pub fn mmu(&self) -> &Mmu {
        &self.mmu
    }

    /// Sets how many retired instructions make one `mtime` tick (0 freezes `mtime`).
    pub fn set_mtime_divider(&mut self, divider: u32) {
        self.mtime_divider = divider;
        self.mtime_countdown = if divider == 0 { u32::MAX } else { divider };
    }

    /// Drops every decoded instruction (after host writes that bypass the bus watch, or to measure).
    pub fn flush_decode_cache(&mut self) {
        self.cache.flush();
        self.attention = true;
    }

    /// Recomputes the translation state after `satp`, the privilege or `mstatus` changed.
    pub(crate) fn translation_changed(&mut self) {
        let satp = self.csrs.satp;
        let ms = self.csrs.mstatus;
        let effective = if self.privilege == Privilege::Machine && ms & mstatus::MPRV != 0 {
            self.csrs.mpp()
        } else {
            self.privilege
        };
        let fetch_ctx = TranslationContext {
            satp,
            privilege: self.privilege,
            sum: false,
            mxr: false,
        };
        self.data_ctx = TranslationContext {
            satp,
            privilege: effective,
            sum: ms & mstatus::SUM != 0,
            mxr: ms & mstatus::MXR != 0,
        };
        self.fetch_translates = fetch_ctx.translates();
        self.data_translates = self.data_ctx.translates();
        self.fast_tlb = FastTlb::EMPTY;
        self.cache.forget_fetch_page();
    }

    /// The context for instruction fetch: the current privilege (MPRV never applies to fetches).
    fn fetch_ctx(&self) -> TranslationContext {
        TranslationContext {
            privilege: self.privilege,
            ..self.data_ctx
        }
    }

    /// Section 3.1.6.3 / 4.3: translates a virtual address for `access`, through the one-entry
    /// fast path, then the MMU (TLB, page walk).
    #[inline(always)]
    pub(crate) fn translate<B: Platform>(
        &mut self,
        bus: &mut B,
        vaddr: u32,
        access: AccessType,
    ) -> Result<u32, Trap> {
        let on = match access {
            AccessType::Fetch => self.fetch_translates,
            _ => self.data_translates,
        };
        if !on {
            return Ok(vaddr);
        }
        let slot = tlb_slot(access);
        let vpn = vaddr >> 12;
        if self.fast_tlb.vpn[slot] == vpn {
            return Ok((self.fast_tlb.ppn[slot] << 12) | (vaddr & 0xfff));
        }
        self.translate_slow(bus, vaddr, access)
    }

    #[inline(never)]
    fn translate_slow<B: Platform>(
        &mut self,
        bus: &mut B,
        vaddr: u32,
        access: AccessType,
    ) -> Result<u32, Trap> {
        let ctx = match access {
            AccessType::Fetch => self.fetch_ctx(),
            _ => self.data_ctx,
        };
        // A page walk reads (and may update) PTEs through the bus, possibly in a device window:
        // count the current batch first, as `before_access` does for loads and stores.
        self.settle(bus);
        let paddr = self.mmu.translate(bus, vaddr, access, &ctx)?;
        let slot = tlb_slot(access);
        self.fast_tlb.vpn[slot] = vaddr >> 12;
        self.fast_tlb.ppn[slot] = paddr >> 12;
        Ok(paddr)
    }

    /// Flushes cached translations for `sfence.vma` (section 4.2.1).
    pub(crate) fn sfence_vma(&mut self, vaddr: Option<u32>, asid: Option<u32>) {
        self.mmu.flush(vaddr, asid);
        self.fast_tlb = FastTlb::EMPTY;
        self.cache.forget_fetch_page();
    }

    /// The current `mtime`: the timer device's, or (no timer device) instructions retired divided by
    /// the divider, so `rdtime` still advances deterministically.
    pub(crate) fn mtime<B: Platform>(&mut self, bus: &B) -> u64 {
        let t = match bus.mtime() {
            Some(t) => t,
            None if self.mtime_divider == 0 => 0,
            None => self.csrs.minstret / u64::from(self.mtime_divider),
        };
        self.mtime_seen = t;
        t
    }

    /// Applies what a CSR write changed.
    pub(crate) fn apply_csr_effect(&mut self, addr: u16, effect: super::csr::WriteEffect) {
        if effect.translation {
            if addr == super::csr_addr::SATP {
                // Flushing more than required is always allowed; it keeps an ASID-less view safe.
                self.mmu.flush_all();
            }
            self.translation_changed();
        }
        if effect.interrupts {
            self.attention = true;
        }
        if effect.counters {
            self.counter_written = true;
            self.counters_plain = false;
        }
        if addr == super::csr_addr::MCOUNTINHIBIT {
            self.refresh_counting();
        }
    }

    fn refresh_counting(&mut self) {
        self.counters_plain = self.csrs.mcountinhibit & 0b101 == 0 && !self.counter_written;
    }

    /// Counts one step in `mcycle`, and in `minstret` if an instruction retired (section 3.1.11,
    /// `mcountinhibit` section 3.1.13).
    #[inline(always)]
    fn count(&mut self, retired: bool) {
        if self.counters_plain {
            self.csrs.mcycle = self.csrs.mcycle.wrapping_add(1);
            self.csrs.minstret = self.csrs.minstret.wrapping_add(u64::from(retired));
        } else {
            self.count_slow(retired);
        }
    }

    #[inline(never)]
    fn count_slow(&mut self, retired: bool) {
        if !self.counter_written {
            if self.csrs.mcountinhibit & 1 == 0 {
                self.csrs.mcycle = self.csrs.mcycle.wrapping_add(1);
            }
            if retired && self.csrs.mcountinhibit & 0b100 == 0 {
                self.csrs.minstret = self.csrs.minstret.wrapping_add(1);
            }
        }
        self.counter_written = false;
        self.refresh_counting();
    }

    /// Retires the current instruction: counters, then the deterministic `mtime` tick.
    #[inline(always)]
    fn retire<B: Platform>(&mut self, bus: &mut B) {
        self.count(true);
        self.mtime_countdown -= 1;
        if self.mtime_countdown == 0 {
            self.tick(bus);
        }
    }

    #[inline(never)]
    fn tick<B: Platform>(&mut self, bus: &mut B) {
        if self.mtime_divider == 0 {
            self.mtime_countdown = u32::MAX;
            return;
        }
        self.mtime_countdown = self.mtime_divider;
        bus.advance_mtime(1);
        if bus.device_interrupts() != self.csrs.mip_dev {
            self.attention = true;
        }
    }

    /// After a store to physical address `paddr` reached the bus: did it hit decoded code, `tohost`
    /// or a device register?
    #[inline(always)]
    pub(crate) fn after_store<B: Platform>(&mut self, bus: &B, paddr: u32) {
        if bus.code_epoch() != self.cache.epoch() || bus.tohost_pending() || bus.is_device(paddr) {
            self.attention = true;
        }
    }

    /// Section 3.1.9: the interrupt to take now, if any. Pending-and-enabled (`mip & mie`)
    /// interrupts not delegated go to M-mode and are enabled when the hart is below M or
    /// `mstatus.MIE` is set; delegated ones go to S-mode and are enabled below S, or in S with
    /// `mstatus.SIE`. M-mode interrupts come first; within a level the order is MEI, MSI, MTI,
    /// SEI, SSI, STI.
    pub fn pending_interrupt(&self) -> Option<Interrupt> {
        let pending = self.csrs.mip() & self.csrs.mie;
        if pending == 0 {
            return None;
        }
        let ms = self.csrs.mstatus;
        let m_enabled = self.privilege < Privilege::Machine || ms & mstatus::MIE != 0;
        let m_pending = pending & !self.csrs.mideleg;
        if m_enabled && m_pending != 0 {
            return highest_priority(m_pending);
        }
        let s_enabled = self.privilege < Privilege::Supervisor
            || (self.privilege == Privilege::Supervisor && ms & mstatus::SIE != 0);
        let s_pending = pending & self.csrs.mideleg;
        if s_enabled && s_pending != 0 {
            return highest_priority(s_pending);
        }
        None
    }

    /// The privilege a trap from the current mode goes to (section 3.1.8: delegation happens only
    /// for traps from S or U).
    pub fn trap_target(&self, cause: TrapCause) -> Privilege {
        let (deleg, code) = match cause {
            TrapCause::Exception(e) => (self.csrs.medeleg, e.code()),
            TrapCause::Interrupt(i) => (self.csrs.mideleg, i.code()),
        };
        if self.privilege <= Privilege::Supervisor && (deleg >> code) & 1 != 0 {
            Privilege::Supervisor
        } else {
            Privilege::Machine
        }
    }

    /// Takes a trap at the current pc: sections 3.1.6.1 (MIE/MPIE/MPP), 3.1.7 (xtvec, vectored
    /// interrupts at BASE + 4 * cause), 3.1.8 (delegation), 4.1.1 (SIE/SPIE/SPP). Clears the LR/SC
    /// reservation.
    pub fn take_trap(&mut self, cause: TrapCause, tval: u32) -> TrapRecord {
        let from = self.privilege;
        let epc = self.pc;
        let to = self.trap_target(cause);
        let mcause = cause.mcause();
        let vector = |tvec: u32| {
            let base = tvec & !3;
            match cause {
                TrapCause::Interrupt(i) if tvec & 3 == 1 => base.wrapping_add(4 * i.code()),
                _ => base,
            }
        };
        let ms = self.csrs.mstatus;
        if to == Privilege::Supervisor {
            self.csrs.scause = mcause;
            self.csrs.sepc = epc & !1;
            self.csrs.stval = tval;
            let spie = if ms & mstatus::SIE != 0 {
                mstatus::SPIE
            } else {
                0
            };
            let spp = if from == Privilege::Supervisor {
                mstatus::SPP
            } else {
                0
            };
            self.csrs.mstatus = (ms & !(mstatus::SIE | mstatus::SPIE | mstatus::SPP)) | spie | spp;
            self.pc = vector(self.csrs.stvec);
        } else {
            self.csrs.mcause = mcause;
            self.csrs.mepc = epc & !1;
            self.csrs.mtval = tval;
            let mpie = if ms & mstatus::MIE != 0 {
                mstatus::MPIE
            } else {
                0
            };
            let mpp = from.bits() << mstatus::MPP_SHIFT;
            self.csrs.mstatus = (ms & !(mstatus::MIE | mstatus::MPIE | mstatus::MPP)) | mpie | mpp;
            self.pc = vector(self.csrs.mtvec);
        }
        self.privilege = to;
        self.reservation = None;
        self.waiting = false;
        self.translation_changed();
        self.attention = true;
        let record = TrapRecord {
            cause,
            tval,
            epc,
            from,
            to,
            delivered: true,
        };
        self.last_trap = Some(record);
        record
    }

    /// `mret` (section 3.3.2): privilege from MPP, MIE from MPIE, MPIE = 1, MPP = U, and MPRV
    /// cleared when returning below M.
    pub(crate) fn mret(&mut self) {
        let target = self.csrs.mpp();
        let ms = self.csrs.mstatus;
        let mie = if ms & mstatus::MPIE != 0 {
            mstatus::MIE
        } else {
            0
        };
        let mut new = (ms & !(mstatus::MIE | mstatus::MPP)) | mie | mstatus::MPIE;
        if target != Privilege::Machine {
            new &= !mstatus::MPRV;
        }
        self.csrs.mstatus = new;
        self.privilege = target;
        self.pc = self.csrs.mepc;
        self.translation_changed();
        self.attention = true;
    }

    /// `sret` (section 3.3.2): privilege from SPP, SIE from SPIE, SPIE = 1, SPP = U, MPRV cleared
    /// (SPP never names M).
    pub(crate) fn sret(&mut self) {
        let ms = self.csrs.mstatus;
        let target = if ms & mstatus::SPP != 0 {
            Privilege::Supervisor
        } else {
            Privilege::User
        };
        let sie = if ms & mstatus::SPIE != 0 {
            mstatus::SIE
        } else {
            0
        };
        self.csrs.mstatus =
            (ms & !(mstatus::SIE | mstatus::SPP | mstatus::MPRV)) | sie | mstatus::SPIE;
        self.privilege = target;
        self.pc = self.csrs.sepc;
        self.translation_changed();
        self.attention = true;
    }

    /// Fetches the instruction at the pc (from the decode cache's fetch page when possible, else
    /// through the MMU and the cache) and executes it.
    #[inline(always)]
    fn fetch_execute<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        obs: &mut Observation,
    ) -> Result<(), Trap> {
        if let Some(result) = self.execute_cached::<B, OBS>(bus, obs) {
            return result;
        }
        self.fetch_execute_uncached::<B, OBS>(bus, obs)
    }

    /// The slow path of [`Hart::fetch_execute`]: a new fetch page, a slot not decoded yet, or bits
    /// that are not an instruction.
    #[inline(never)]
    fn fetch_execute_uncached<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        obs: &mut Observation,
    ) -> Result<(), Trap> {
        let pc = self.pc;
        let ppc = self.translate(bus, pc, AccessType::Fetch)?;
        let f = match self.cache.lookup(ppc) {
            Some(f) => f,
            None => self.fetch_slow(bus, pc, ppc)?,
        };
        self.cache.set_fetch_page(pc >> 12, ppc >> 12);
        if OBS {
            obs.fetched = Some(f);
        }
        match f.instruction {
            Some(instruction) => self.execute::<B, OBS>(bus, instruction, f.len, f.bits, obs),
            None => Err(Trap::new(Exception::IllegalInstruction, f.bits)),
        }
    }

    /// Fetch on a decode-cache miss: read the halfwords (the second may lie on the next page and
    /// translate separately), decode, and fill the cache when the instruction lies in one RAM page.
    #[inline(never)]
    fn fetch_slow<B: Platform>(&mut self, bus: &mut B, pc: u32, ppc: u32) -> Result<Fetched, Trap> {
        let fault = |addr| Trap::new(Exception::InstructionAccessFault, addr);
        let low = bus.read(ppc, AccessSize::Half).map_err(|_| fault(pc))?;
        let mut word = low;
        let crosses = low & 3 == 3 && ppc & 0xfff == 0xffe;
        if low & 3 == 3 {
            let pc2 = pc.wrapping_add(2);
            let ppc2 = if crosses {
                self.translate(bus, pc2, AccessType::Fetch)?
            } else {
                ppc.wrapping_add(2)
            };
            let high = bus.read(ppc2, AccessSize::Half).map_err(|_| fault(pc2))?;
            word |= high << 16;
        }
        let fetched = Fetched::decode(word);
        if !crosses {
            self.cache.insert(bus, ppc, fetched);
        }
        Ok(fetched)
    }

    /// Brings the decode cache up to date with code writes the bus saw.
    fn sync_code<B: Platform>(&mut self, bus: &mut B) {
        let epoch = bus.code_epoch();
        if epoch != self.cache.epoch() {
            let pages = bus.take_written_code();
            self.cache.invalidate_pages(&pages, epoch);
        }
    }

    /// Handles everything the attention flag stands for, before the next instruction: `tohost`,
    /// code writes, device interrupt lines, `wfi`, a misaligned pc, and taking an interrupt.
    #[inline(never)]
    fn service<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        deliver: bool,
        obs: &mut Observation,
    ) -> Service {
        self.attention = false;
        if let Some(value) = bus.take_tohost() {
            return Service::Exit(RunExit::ToHost(value));
        }
        self.sync_code(bus);
        self.csrs.mip_dev = bus.device_interrupts();
        if self.waiting {
            if self.csrs.mip() & self.csrs.mie == 0 && self.csrs.mie & irq::MTI != 0 {
                // Nothing retires while the hart waits, so let time pass until the timer fires
                // (a deterministic stand-in for the wall clock).
                if let Some(ticks) = bus.ticks_until_timer() {
                    bus.advance_mtime(ticks);
                    self.csrs.mip_dev = bus.device_interrupts();
                }
            }
            // Section 3.3.3: wfi resumes when any enabled interrupt is pending, even if it is
            // globally disabled.
            if self.csrs.mip() & self.csrs.mie == 0 {
                self.attention = true;
                return Service::Exit(RunExit::Wfi);
            }
            self.waiting = false;
        }
        if self.pc & 1 != 0 {
            let trap = Trap::new(Exception::InstructionAddressMisaligned, self.pc);
            self.attention = true;
            return match self.raise(trap, deliver, obs) {
                Some(exit) => Service::Exit(exit),
                None => Service::StepDone,
            };
        }
        if let Some(interrupt) = self.pending_interrupt() {
            let cause = TrapCause::Interrupt(interrupt);
            let record = if deliver {
                let r = self.take_trap(cause, 0);
                self.count(false);
                r
            } else {
                self.attention = true;
                self.undelivered(cause, 0)
            };
            if OBS {
                obs.trap = Some(record);
            }
            return if record.delivered {
                Service::StepDone
            } else {
                Service::Exit(RunExit::Trap(record))
            };
        }
        Service::Continue
    }

    /// The record of a trap the machine returns to the host instead of taking.
    fn undelivered(&mut self, cause: TrapCause, tval: u32) -> TrapRecord {
        let record = TrapRecord {
            cause,
            tval,
            epc: self.pc,
            from: self.privilege,
            to: self.trap_target(cause),
            delivered: false,
        };
        self.last_trap = Some(record);
        record
    }

    /// An exception from the current instruction: take it, or return it to the host.
    #[inline(never)]
    fn raise(&mut self, trap: Trap, deliver: bool, obs: &mut Observation) -> Option<RunExit> {
        let cause = TrapCause::Exception(trap.exception);
        if deliver {
            let record = self.take_trap(cause, trap.tval);
            self.count(false);
            obs.trap = Some(record);
            None
        } else {
            let record = self.undelivered(cause, trap.tval);
            self.attention = true;
            obs.trap = Some(record);
            Some(RunExit::Trap(record))
        }
    }

    /// One step: interrupt check (when something may be pending), fetch, execute, retire or trap.
    /// Returns the reason to stop, if any. With `OBS` the step records what it did in `obs`.
    #[inline(always)]
    pub(crate) fn step_generic<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        deliver: bool,
        obs: &mut Observation,
    ) -> Option<RunExit> {
        if self.attention {
            match self.service::<B, OBS>(bus, deliver, obs) {
                Service::Continue => {}
                Service::StepDone => return None,
                Service::Exit(exit) => return Some(exit),
            }
        }
        match self.fetch_execute::<B, OBS>(bus, obs) {
            Ok(()) => {
                if OBS {
                    obs.retired = true;
                }
                self.retire(bus);
                None
            }
            Err(trap) => self.raise(trap, deliver, obs),
        }
    }

    /// Runs up to `max_steps` steps on the fast path (no observation): the same service, fetch,
    /// execute, retire and trap functions as [`Hart::step_generic`], in a loop written out so the
    /// hot path stays in registers, with runs of cached instructions executed as batches
    /// ([`Hart::run_batch`]). Returns the exit and the number of steps done.
    pub(crate) fn run<B: Platform>(
        &mut self,
        bus: &mut B,
        max_steps: u64,
        deliver: bool,
    ) -> (RunExit, u64) {
        let mut obs = Observation::default();
        let mut steps = 0;
        while steps < max_steps {
            if self.attention {
                match self.service::<B, false>(bus, deliver, &mut obs) {
                    Service::Continue => {}
                    Service::StepDone => {
                        steps += 1;
                        continue;
                    }
                    Service::Exit(exit) => return (exit, steps),
                }
            }
            if self.counters_plain {
                let budget = (max_steps - steps).min(self.instructions_until_timer(bus));
                let (retired, trap) = self.run_batch(bus, budget, &mut obs);
                steps += retired;
                if let Some(trap) = trap {
                    if let Some(exit) = self.raise(trap, deliver, &mut obs) {
                        return (exit, steps);
                    }
                    steps += 1;
                    continue;
                }
                if retired != 0 {
                    continue;
                }
            }
            // One step the general way: a cache miss, a CSR instruction, or counting that is
            // not plain.
            match self.fetch_execute::<B, false>(bus, &mut obs) {
                Ok(()) => self.retire(bus),
                Err(trap) => {
                    if let Some(exit) = self.raise(trap, deliver, &mut obs) {
                        return (exit, steps);
                    }
                }
            }
            steps += 1;
        }
        (RunExit::StepLimit, steps)
    }

    /// The inner loop of [`Hart::run`]: executes up to `budget` decoded instructions from the
    /// fetch page and returns how many retired, plus the trap that stopped it, if any. It stops
    /// early, before the instruction concerned, at a cache miss, at a CSR instruction, or when
    /// `attention` is raised.
    ///
    /// Why: retiring one instruction at a time (`mcycle`, `minstret`, the `mtime` countdown and a
    /// timer tick every `mtime_divider` instructions) cost about a fifth of the hot path. Here the
    /// batch only counts into `unretired`, and [`Hart::settle`] applies the count at once. That is
    /// exact because nothing inside the batch can see the difference: only CSR instructions read
    /// the counters or `time` (they end the batch); a load or store that reaches a device (the
    /// CLINT, which shows `mtime`) settles first; the budget stops at the tick that makes the timer
    /// interrupt pending ([`Hart::instructions_until_timer`]), so the interrupt is taken at the
    /// same instruction boundary; a trapping instruction ends the batch before it is counted.
    #[inline(always)]
    fn run_batch<B: Platform>(
        &mut self,
        bus: &mut B,
        budget: u64,
        obs: &mut Observation,
    ) -> (u64, Option<Trap>) {
        let mut retired = 0;
        let mut trap = None;
        while retired < budget && !self.attention {
            match self.execute_slot::<B, false, true>(bus, obs) {
                None => break,
                Some(Ok(())) => {
                    retired += 1;
                    // A plain store (no load-add) keeps the count visible to `settle`.
                    self.unretired = retired;
                }
                Some(Err(t)) => {
                    trap = Some(t);
                    break;
                }
            }
        }
        self.settle(bus);
        self.unretired = 0;
        self.settled = 0;
        (retired, trap)
    }

    /// How many instructions may retire before the `mtime` tick that makes the machine timer
    /// interrupt pending (`u64::MAX`: no tick will; the interrupt is already pending, or `mtime`
    /// is frozen or absent). Only that tick can change `mip` by itself.
    fn instructions_until_timer<B: Platform>(&self, bus: &B) -> u64 {
        match (self.mtime_divider, bus.ticks_until_timer()) {
            (0, _) | (_, None) | (_, Some(0)) => u64::MAX,
            (divider, Some(ticks)) => u64::from(self.mtime_countdown)
                .saturating_add(u64::from(divider).saturating_mul(ticks - 1)),
        }
    }

    /// Counts the instructions a batch ran but has not counted yet (`unretired - settled`): what as many
    /// calls of [`Hart::retire`] would have done, with the `mtime` ticks applied at once. Called
    /// at the end of a batch and before a load or store reaches a device; a no-op otherwise.
    #[inline(always)]
    pub(crate) fn settle<B: Platform>(&mut self, bus: &mut B) {
        let n = self.unretired - self.settled;
        self.settled = self.unretired;
        if n != 0 {
            self.csrs.mcycle = self.csrs.mcycle.wrapping_add(n);
            self.csrs.minstret = self.csrs.minstret.wrapping_add(n);
            self.advance_countdown(bus, n);
        }
    }

    /// `n` retired instructions' worth of `mtime` countdown: the ticks they complete, all at once.
    #[inline(always)]
    fn advance_countdown<B: Platform>(&mut self, bus: &mut B, n: u64) {
        let countdown = u64::from(self.mtime_countdown);
        if n < countdown {
            self.mtime_countdown = (countdown - n) as u32;
            return;
        }
        if self.mtime_divider == 0 {
            // `mtime` is frozen; the countdown only restarts (as in `tick`).
            self.mtime_countdown = u32::MAX;
            return;
        }
        let divider = u64::from(self.mtime_divider);
        let after_first = n - countdown;
        self.mtime_countdown = (divider - after_first % divider) as u32;
        bus.advance_mtime(1 + after_first / divider);
        // `mtime` only grows, so the lines changed during these ticks iff they differ now.
        if bus.device_interrupts() != self.csrs.mip_dev {
            self.attention = true;
        }
    }

    /// Executes one instruction given as a value at the current pc, as if it had been fetched
    /// (tests and tools). Returns the exception instead of taking it; on success the instruction
    /// retires.
    pub fn execute_instruction<B: Platform>(
        &mut self,
        bus: &mut B,
        instruction: Instruction,
        len: u8,
        bits: u32,
    ) -> Result<(), Trap> {
        let mut obs = Observation::default();
        self.execute::<B, false>(bus, instruction, len, bits, &mut obs)?;
        self.retire(bus);
        Ok(())
    }
}

/// What the between-instructions service decided.
enum Service {
    /// Execute the next instruction.
    Continue,
    /// An interrupt (or pc-misaligned trap) was taken; that was the step.
    StepDone,
    /// Stop the run.
    Exit(RunExit),
}

/// Section 3.1.9: "Multiple simultaneous interrupts destined for M-mode are handled in the
/// following decreasing priority order: MEI, MSI, MTI, SEI, SSI, STI."
fn highest_priority(set: u32) -> Option<Interrupt> {
    const ORDER: [Interrupt; 6] = [
        Interrupt::MachineExternal,
        Interrupt::MachineSoftware,
        Interrupt::MachineTimer,
        Interrupt::SupervisorExternal,
        Interrupt::SupervisorSoftware,
        Interrupt::SupervisorTimer,
    ];
    ORDER.into_iter().find(|i| set & (1 << i.code()) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::csr_addr as csr;
    use crate::cpu::exec::enc;
    use crate::machine::{Machine, MachineConfig, RunExit};
    use crate::mem::Clint;

    const RAM: u32 = 0x8000_0000;
    const HANDLER: u32 = RAM + 0x400;

    fn program(words: &[u32]) -> Machine {
        let mut m = Machine::new(MachineConfig::bare());
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        m.write_bytes(RAM, &bytes).unwrap();
        m.hart.set_pc(RAM);
        m.hart.set_csr(csr::MTVEC, HANDLER);
        m.hart.set_csr(csr::STVEC, HANDLER + 0x100);
        m
    }

    fn x(n: u8) -> Reg {
        Reg::new(n).unwrap()
    }

    #[test]
    fn exception_into_m_mode() {
        let mut m = program(&[enc::ECALL]);
        m.hart.set_csr(csr::MSTATUS, mstatus::MIE);
        let r = m.step();
        let t = r.trap.unwrap();
        assert_eq!(t.cause, TrapCause::Exception(Exception::EcallFromM));
        assert_eq!(
            (t.epc, t.tval, t.from, t.to, t.delivered),
            (RAM, 0, Privilege::Machine, Privilege::Machine, true)
        );
        assert_eq!(m.hart.pc(), HANDLER);
        assert_eq!(m.hart.csr(csr::MEPC), Some(RAM));
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(11));
        // MPIE <- MIE, MIE <- 0, MPP <- M.
        assert_eq!(m.hart.csr(csr::MSTATUS), Some(mstatus::MPIE | mstatus::MPP));
        assert_eq!(
            m.hart.instret(),
            0,
            "a trapping instruction does not retire"
        );
        assert_eq!(m.hart.cycle(), 1);
    }

    #[test]
    fn illegal_instruction_tval_is_the_instruction() {
        let word = enc::csrrw(0, csr::MHARTID, 1);
        let mut m = program(&[word]);
        m.step();
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(2));
        assert_eq!(m.hart.csr(csr::MTVAL), Some(word));
        // An undecodable word: tval is the bits the decoder reports.
        let mut m = program(&[0xffff_ffff]);
        let r = m.step();
        assert_eq!(
            r.trap.unwrap().cause,
            TrapCause::Exception(Exception::IllegalInstruction)
        );
        assert_eq!(m.hart.csr(csr::MTVAL), Some(0xffff_ffff));
        assert_eq!(r.bits, 0xffff_ffff);
        assert_eq!(r.instruction, None);
    }

    #[test]
    fn fetch_faults() {
        let mut m = program(&[enc::jalr(0, 5, 0)]);
        m.hart.set_reg(x(5), 0x4000_0000);
        m.step();
        m.step();
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(1));
        assert_eq!(m.hart.csr(csr::MTVAL), Some(0x4000_0000));
        assert_eq!(m.hart.csr(csr::MEPC), Some(0x4000_0000));
        // A host-set odd pc raises instruction-address-misaligned.
        m.hart.set_pc(RAM + 1);
        m.step();
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(0));
        assert_eq!(m.hart.csr(csr::MTVAL), Some(RAM + 1));
    }

    #[test]
    fn delegation_to_s_mode() {
        let mut m = program(&[enc::ECALL]);
        m.hart.set_csr(csr::MEDELEG, 1 << 8 | 1 << 9 | 1 << 11);
        m.hart.set_csr(csr::MSTATUS, mstatus::SIE);
        m.hart.set_privilege(Privilege::User);
        let t = m.step().trap.unwrap();
        assert_eq!((t.from, t.to), (Privilege::User, Privilege::Supervisor));
        assert_eq!(m.hart.pc(), HANDLER + 0x100);
        assert_eq!(m.hart.csr(csr::SCAUSE), Some(8));
        assert_eq!(m.hart.csr(csr::SEPC), Some(RAM));
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(0));
        // SPIE <- SIE, SIE <- 0, SPP <- U (0).
        assert_eq!(m.hart.csr(csr::MSTATUS), Some(mstatus::SPIE));
        // From S, a delegated ecall-from-S stays in S with SPP = S.
        m.hart.set_pc(RAM);
        let t = m.step().trap.unwrap();
        assert_eq!(
            (t.from, t.to),
            (Privilege::Supervisor, Privilege::Supervisor)
        );
        assert_ne!(m.hart.csr(csr::MSTATUS).unwrap() & mstatus::SPP, 0);
        // medeleg bit 11 is read-only zero, and traps from M are never delegated.
        m.hart.set_privilege(Privilege::Machine);
        m.hart.set_pc(RAM);
        let t = m.step().trap.unwrap();
        assert_eq!(t.to, Privilege::Machine);
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(11));
    }

    #[test]
    fn interrupt_priority_order() {
        let mut h = Hart::new();
        h.csrs.mie = irq::ALL;
        h.csrs.mstatus = mstatus::MIE;
        h.csrs.mip_sw = irq::S_LEVEL;
        h.csrs.mip_dev = irq::DEVICE;
        let mut order = Vec::new();
        while let Some(i) = h.pending_interrupt() {
            order.push(i);
            h.csrs.mip_sw &= !(1 << i.code());
            h.csrs.mip_dev &= !(1 << i.code());
        }
        assert_eq!(
            order,
            [
                Interrupt::MachineExternal,
                Interrupt::MachineSoftware,
                Interrupt::MachineTimer,
                Interrupt::SupervisorExternal,
                Interrupt::SupervisorSoftware,
                Interrupt::SupervisorTimer,
            ]
        );
        // M-level interrupts come before delegated ones even when the S one is "higher".
        h.csrs.mideleg = irq::S_LEVEL;
        h.privilege = Privilege::Supervisor;
        h.csrs.mip_sw = irq::SEI;
        h.csrs.mip_dev = irq::MTI;
        assert_eq!(h.pending_interrupt(), Some(Interrupt::MachineTimer));
    }

    #[test]
    fn global_interrupt_enable_rules() {
        let mut h = Hart::new();
        h.csrs.mie = irq::ALL;
        h.csrs.mip_dev = irq::MTI;
        // In M with MIE = 0: not taken; below M: always taken.
        assert_eq!(h.pending_interrupt(), None);
        h.privilege = Privilege::Supervisor;
        assert_eq!(h.pending_interrupt(), Some(Interrupt::MachineTimer));
        // Not enabled in mie: never.
        h.csrs.mie = irq::ALL & !irq::MTI;
        assert_eq!(h.pending_interrupt(), None);
        // A delegated S interrupt: never in M, in S only with SIE, always in U.
        h.csrs.mideleg = irq::SSI;
        h.csrs.mip_sw = irq::SSI;
        h.privilege = Privilege::Machine;
        h.csrs.mstatus = mstatus::MIE | mstatus::SIE;
        assert_eq!(h.pending_interrupt(), None);
        h.privilege = Privilege::Supervisor;
        assert_eq!(h.pending_interrupt(), Some(Interrupt::SupervisorSoftware));
        h.csrs.mstatus = 0;
        assert_eq!(h.pending_interrupt(), None);
        h.privilege = Privilege::User;
        assert_eq!(h.pending_interrupt(), Some(Interrupt::SupervisorSoftware));
        assert_eq!(
            h.trap_target(TrapCause::Interrupt(Interrupt::SupervisorSoftware)),
            Privilege::Supervisor
        );
    }

    #[test]
    fn vectored_mtvec_for_interrupts_only() {
        // Software interrupt through the CLINT's msip, mtvec in vectored mode.
        let clint_msip = Clint::BASE;
        let mut m = program(&[
            enc::sw(6, 5, 0), // msip = 1
            enc::NOP,
            enc::ECALL,
        ]);
        m.hart.set_reg(x(5), clint_msip);
        m.hart.set_reg(x(6), 1);
        m.hart.set_csr(csr::MTVEC, HANDLER | 1);
        m.hart.set_csr(csr::MIE, irq::MSI);
        m.hart.set_csr(csr::MSTATUS, mstatus::MIE);
        m.step();
        let r = m.step();
        let t = r.trap.unwrap();
        assert_eq!(t.cause, TrapCause::Interrupt(Interrupt::MachineSoftware));
        assert_eq!(
            r.instruction, None,
            "taking an interrupt is a step of its own"
        );
        assert_eq!(t.epc, RAM + 4);
        assert_eq!(m.hart.pc(), HANDLER + 4 * 3);
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(0x8000_0003));
        assert_eq!(m.hart.csr(csr::MEPC), Some(RAM + 4));
        // Exceptions go to BASE even in vectored mode.
        m.bus.clint.as_mut().unwrap().set_msip(false);
        m.hart.set_pc(RAM + 8);
        m.step();
        assert_eq!(m.hart.pc(), HANDLER);
    }

    #[test]
    fn timer_interrupt_from_deterministic_mtime() {
        // Program mtimecmp = 30 (low word, high word 0), enable MTIE and MIE, then spin.
        let mut m = program(&[
            enc::sw(0, 5, 4), // mtimecmp hi = 0
            enc::sw(6, 5, 0), // mtimecmp lo = 30
            enc::csrrs(0, csr::MIE, 7),
            enc::csrrsi(0, csr::MSTATUS, mstatus::MIE),
            enc::jal(0, 0), // spin
        ]);
        m.hart.set_reg(x(5), Clint::BASE + 0x4000);
        m.hart.set_reg(x(6), 30);
        m.hart.set_reg(x(7), irq::MTI);
        m.write_bytes(HANDLER, &enc::jal(0, 0).to_le_bytes())
            .unwrap();
        let mut steps = 0;
        let trap = loop {
            steps += 1;
            if let Some(t) = m.step().trap {
                break t;
            }
        };
        assert_eq!(trap.cause, TrapCause::Interrupt(Interrupt::MachineTimer));
        assert_eq!(trap.epc, RAM + 16);
        // mtime_divider = 10: mtime reaches mtimecmp = 30 after exactly 300 retired instructions,
        // and the interrupt is taken before the next one.
        assert_eq!(m.hart.instret(), 300);
        assert_eq!(steps, 301);
        assert_eq!(m.bus.clint.as_ref().unwrap().mtime(), 30);
        // The fast path takes it at the same point.
        let mut m2 = program(&[
            enc::sw(0, 5, 4),
            enc::sw(6, 5, 0),
            enc::csrrs(0, csr::MIE, 7),
            enc::csrrsi(0, csr::MSTATUS, mstatus::MIE),
            enc::jal(0, 0),
        ]);
        m2.hart.set_reg(x(5), Clint::BASE + 0x4000);
        m2.hart.set_reg(x(6), 30);
        m2.hart.set_reg(x(7), irq::MTI);
        m2.write_bytes(HANDLER, &enc::jal(0, 0).to_le_bytes())
            .unwrap();
        assert_eq!(m2.run(301), RunExit::StepLimit);
        assert_eq!(m2.hart.pc(), HANDLER);
        assert_eq!(m2.hart.instret(), 300);
        assert_eq!(m2.hart.csr(csr::MCAUSE), Some(0x8000_0007));
    }

    /// The run loop's batches count retired instructions late (`Hart::run_batch`); nothing may
    /// tell: a spin loop reading `mtime` through the CLINT, timer interrupts re-armed by the
    /// handler, `minstret`/`mcycle`/`time` reads and a trapping store must leave the machine
    /// exactly as single steps do, however the run is sliced.
    #[test]
    fn batched_run_matches_single_steps() {
        let mtime = Clint::BASE + 0xbff8;
        let mtimecmp = Clint::BASE + 0x4000;
        let build = || {
            let mut m = program(&[
                enc::sw(0, 10, 4),  // mtimecmp hi = 0
                enc::sw(12, 10, 0), // mtimecmp lo = x12
                enc::csrrs(0, csr::MIE, 13),
                enc::csrrsi(0, csr::MSTATUS, mstatus::MIE),
                enc::lw(6, 5, 0), // loop: x6 = mtime
                enc::add(7, 7, 6),
                enc::addi(8, 8, 1),
                enc::jal(0, -12),
            ]);
            // Vectored mtvec: exceptions at HANDLER skip the faulting instruction; the timer
            // interrupt at HANDLER + 4 * 7 reads the clocks, re-arms the timer and makes a store
            // fault (a nested exception) before it returns.
            let exception = [
                enc::csrrs(20, csr::MEPC, 0),
                enc::addi(20, 20, 4),
                enc::csrrw(0, csr::MEPC, 20),
                enc::MRET,
            ];
            let timer = [
                enc::csrrs(18, csr::MEPC, 0),
                enc::lw(9, 5, 0),                 // x9 = mtime
                enc::csrrs(11, csr::MINSTRET, 0), // x11 = minstret
                enc::csrrs(14, csr::MCYCLE, 0),   // x14 = mcycle
                enc::csrrs(15, csr::TIME, 0),     // x15 = time
                enc::add(12, 12, 16),             // next deadline
                enc::sw(12, 10, 0),
                enc::sw(0, 17, 0), // faults: nothing at 0x1000
                enc::csrrw(0, csr::MEPC, 18),
                enc::csrrs(0, csr::MSTATUS, 19), // MPIE again, after the nested trap
                enc::MRET,
            ];
            let bytes =
                |ws: &[u32]| -> Vec<u8> { ws.iter().flat_map(|w| w.to_le_bytes()).collect() };
            m.write_bytes(HANDLER, &bytes(&exception)).unwrap();
            m.write_bytes(HANDLER + 4 * 7, &bytes(&timer)).unwrap();
            m.hart.set_csr(csr::MTVEC, HANDLER | 1);
            m.hart.set_reg(x(19), mstatus::MPIE);
            m.hart.set_reg(x(5), mtime);
            m.hart.set_reg(x(10), mtimecmp);
            m.hart.set_reg(x(12), 37);
            m.hart.set_reg(x(13), irq::MTI);
            m.hart.set_reg(x(16), 23);
            m.hart.set_reg(x(17), 0x1000);
            m
        };
        let state = |m: &mut Machine| {
            (
                *m.hart.regs(),
                m.hart.pc(),
                m.hart.instret(),
                m.hart.cycle(),
                m.csr(csr::MCAUSE),
                m.csr(csr::MEPC),
                m.bus.clint.as_ref().unwrap().mtime(),
            )
        };
        let total = 3000;
        let mut stepped = build();
        let mut expected = Vec::new();
        for _ in 0..total {
            stepped.step();
            expected.push(state(&mut stepped));
        }
        // The loop ran, and the timer fired again and again.
        assert!(stepped.hart.reg(x(8)) > 100 && stepped.hart.reg(x(12)) > 37 + 23 * 5);
        for slice in [1, 2, 3, 7, 10, 64, 1000, 3000] {
            let mut m = build();
            let mut done = 0;
            while done < total {
                let n = slice.min(total - done);
                assert_eq!(m.run(n as u64), RunExit::StepLimit);
                done += n;
                assert_eq!(
                    state(&mut m),
                    expected[done - 1],
                    "slices of {slice}, at {done}"
                );
            }
        }
    }

    #[test]
    fn wfi_skips_time_until_the_timer_and_resumes() {
        let mut m = program(&[enc::WFI, enc::addi(5, 0, 1), enc::jal(0, 0)]);
        m.bus.clint.as_mut().unwrap().set_mtimecmp(1000);
        // MTIE enabled but MIE globally off: wfi wakes up without trapping.
        m.hart.set_csr(csr::MIE, irq::MTI);
        assert_eq!(m.run(3), RunExit::StepLimit);
        assert_eq!(m.hart.reg(x(5)), 1);
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(0));
        assert!(m.bus.clint.as_ref().unwrap().mtime() >= 1000);
        // Nothing can wake the hart: the run stops with Wfi and stays there.
        let mut m = program(&[enc::WFI, enc::addi(5, 0, 1)]);
        assert_eq!(m.run(100), RunExit::Wfi);
        assert_eq!(m.hart.pc(), RAM + 4);
        assert!(m.hart.is_waiting());
        assert_eq!(m.step().exit, Some(RunExit::Wfi));
        assert_eq!(m.hart.reg(x(5)), 0);
    }
}
