//! A machine: one [`Hart`] on a [`SystemBus`] (RAM, optional CLINT, `tohost`), with program loading,
//! an observable single step and a fast run loop that share the hart's one executor.
//!
//! Two configurations come ready-made:
//! - [`MachineConfig::bare`]: RAM at `0x8000_0000` (256 MiB), a CLINT, traps delivered to
//!   `mtvec`/`stvec`: firmware, kernels, riscv-tests style programs.
//! - [`MachineConfig::user`]: RAM over `0x0000_1000..0xC000_0000`, no CLINT, the hart in U-mode and
//!   traps *not* delivered: every exception (an `ecall` included) stops the run and comes back to the
//!   host as [`RunExit::Trap`] with pc still at the faulting instruction and no CSR changed, so a
//!   host-side environment (the Linux user ABI) can service it.
//!
//! Time is deterministic: `mtime` advances by one tick every `mtime_divider` retired instructions;
//! nothing reads a wall clock. `Machine: Clone` is cheap (memory pages are shared copy-on-write and
//! the decode cache restarts empty), so a front-end can keep checkpoints to step backwards.

use crate::cpu::csr::irq;
use crate::cpu::csr_addr;
use crate::cpu::hart::Observation;
use crate::cpu::hart::{Hart, Platform};
use crate::cpu::{Instruction, Privilege, Reg};
use crate::elf::{Image, Symbol};
use crate::mem::{BusFault, Clint, Memory, Region, SystemBus};
use alloc::vec;
use alloc::vec::Vec;

pub use crate::cpu::hart::{MemAccess, RunExit, TrapRecord};

/// How to build a [`Machine`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MachineConfig {
    /// RAM regions.
    pub regions: Vec<Region>,
    /// Whether the machine has a CLINT at [`Clint::BASE`].
    pub clint: bool,
    /// Whether exceptions are delivered to the trap handlers (`true`) or returned to the host
    /// (`false`, see the module docs).
    pub deliver_traps: bool,
    /// Retired instructions per `mtime` tick (0 freezes `mtime`).
    pub mtime_divider: u32,
}

impl MachineConfig {
    /// Bare metal: RAM `0x8000_0000` + 256 MiB, a CLINT, traps delivered, one `mtime` tick every
    /// 10 instructions. The hart starts in M-mode.
    pub fn bare() -> MachineConfig {
        MachineConfig {
            regions: vec![Region::new(0x8000_0000, 256 << 20)],
            clint: true,
            deliver_traps: true,
            mtime_divider: 10,
        }
    }

    /// A user process: RAM `0x0000_1000..0xC000_0000`, no CLINT, traps returned to the host. The
    /// hart starts in U-mode; `time` counts one tick every 10 retired instructions.
    pub fn user() -> MachineConfig {
        MachineConfig {
            regions: vec![Region::new(0x0000_1000, 0xC000_0000 - 0x1000)],
            clint: false,
            deliver_traps: false,
            mtime_divider: 10,
        }
    }
}

/// Why an [`Image`] could not be loaded.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum LoadError {
    /// A segment (file bytes or zero-filled tail) covers an address that is not RAM.
    #[error(
        "segment at {segment:#010x} ({size} bytes) is not inside RAM: {addr:#010x} is not RAM"
    )]
    OutsideRam {
        /// The segment's start address.
        segment: u32,
        /// The segment's size in memory.
        size: u32,
        /// The first address that is not RAM.
        addr: u32,
    },
    /// A segment runs past the end of the 32-bit address space.
    #[error("segment at {segment:#010x} ({size} bytes) runs past the 4 GiB address space")]
    AddressOverflow {
        /// The segment's start address.
        segment: u32,
        /// The segment's size in memory.
        size: u64,
    },
}

/// What one [`Machine::step`] did, for the UI and `--trace`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct StepReport {
    /// The pc the step started at.
    pub pc: u32,
    /// The instruction bits (16 for a compressed instruction; 0 if the fetch failed).
    pub bits: u32,
    /// The instruction length in bytes (0 if the fetch failed or an interrupt was taken).
    pub len: u8,
    /// The decoded instruction, if the fetch succeeded and the bits are a valid encoding.
    pub instruction: Option<Instruction>,
    /// The register written and its new value (never `x0`), if the instruction retired.
    pub reg_write: Option<(Reg, u32)>,
    /// The data memory access, if the instruction made one.
    pub mem: Option<MemAccess>,
    /// The trap taken (or, undelivered, returned) in this step.
    pub trap: Option<TrapRecord>,
    /// Set when the machine stopped here: `tohost` written, undelivered trap, `wfi` forever.
    pub exit: Option<RunExit>,
}

/// One hart and its bus.
#[derive(Clone, Debug)]
pub struct Machine {
    /// The hart.
    pub hart: Hart,
    /// RAM, CLINT and `tohost`.
    pub bus: SystemBus,
    config: MachineConfig,
    symbols: Vec<Symbol>,
}

impl Machine {
    /// A machine at reset: empty RAM, pc 0, M-mode (U-mode when traps are not delivered).
    pub fn new(config: MachineConfig) -> Machine {
        let memory = Memory::new(&config.regions);
        let clint = config.clint.then(Clint::new);
        let mut hart = Hart::new();
        hart.set_mtime_divider(config.mtime_divider);
        if !config.deliver_traps {
            // A user process runs in U-mode and, as under Linux, may read cycle, time and instret.
            hart.set_privilege(Privilege::User);
            hart.set_csr(csr_addr::MCOUNTEREN, 0b111);
            hart.set_csr(csr_addr::SCOUNTEREN, 0b111);
        }
        Machine {
            hart,
            bus: SystemBus::new(memory, clint),
            config,
            symbols: Vec::new(),
        }
    }

    /// The configuration the machine was built with.
    pub fn config(&self) -> &MachineConfig {
        &self.config
    }

    /// The symbols of the loaded image, sorted by address.
    pub fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    /// Loads `image`: copies each segment, zero-fills its tail (`.bss`), sets pc to the entry point
    /// and `tohost` to the `tohost` symbol if there is one. Checks every segment before writing any.
    pub fn load_image(&mut self, image: &Image) -> Result<(), LoadError> {
        for s in &image.segments {
            let size = s.mem_size.max(s.data.len() as u32);
            let len = u64::from(s.mem_size).max(s.data.len() as u64);
            if u64::from(s.addr) + len > 1 << 32 {
                return Err(LoadError::AddressOverflow {
                    segment: s.addr,
                    size: len,
                });
            }
            if let Some(addr) = self.first_non_ram(s.addr, size) {
                return Err(LoadError::OutsideRam {
                    segment: s.addr,
                    size,
                    addr,
                });
            }
        }
        for s in &image.segments {
            let outside = |f: BusFault| LoadError::OutsideRam {
                segment: s.addr,
                size: s.mem_size,
                addr: f.addr,
            };
            self.bus
                .memory
                .load_bytes(s.addr, &s.data)
                .map_err(outside)?;
            let filled = s.data.len() as u32;
            if s.mem_size > filled {
                self.bus
                    .memory
                    .zero_bytes(s.addr.wrapping_add(filled), s.mem_size - filled)
                    .map_err(outside)?;
            }
        }
        self.symbols = image.symbols.clone();
        let tohost = self
            .symbols
            .iter()
            .find(|s| s.name == "tohost")
            .map(|s| s.addr);
        self.bus.set_tohost(tohost);
        self.hart.set_pc(image.entry);
        self.hart.flush_decode_cache();
        Ok(())
    }

    /// The first address in `addr..addr + size` that is not RAM, checked page by page.
    fn first_non_ram(&self, addr: u32, size: u32) -> Option<u32> {
        if size == 0 {
            return None;
        }
        let end = u64::from(addr) + u64::from(size);
        let mut a = u64::from(addr);
        while a < end {
            let a32 = a as u32;
            if !self.bus.memory.is_ram(a32) {
                return Some(a32);
            }
            a = (a & !0xfff) + 0x1000;
        }
        None
    }

    /// Reads a CSR without side effects or privilege checks (debugger view), with `time` showing
    /// the current `mtime`. `None` for CSRs this hart does not have.
    pub fn csr(&mut self, addr: u16) -> Option<u32> {
        self.hart.mtime(&self.bus);
        self.hart.csr(addr)
    }

    /// Writes `bytes` at physical address `addr` from the host (the decode cache notices).
    pub fn write_bytes(&mut self, addr: u32, bytes: &[u8]) -> Result<(), BusFault> {
        self.bus.memory.load_bytes(addr, bytes)
    }

    /// Reads `len` bytes at physical address `addr`.
    pub fn read_bytes(&self, addr: u32, len: usize) -> Result<Vec<u8>, BusFault> {
        self.bus.memory.read_bytes(addr, len)
    }

    /// Executes one step (an instruction, or taking an interrupt) and reports what it did.
    pub fn step(&mut self) -> StepReport {
        let pc = self.hart.pc();
        // The host may have changed anything since the last step: look at everything once.
        self.hart.attention = true;
        let mut obs = Observation::default();
        let exit = self.hart.step_generic::<SystemBus, true>(
            &mut self.bus,
            self.config.deliver_traps,
            &mut obs,
        );
        let exit = exit.or_else(|| self.bus.take_tohost().map(RunExit::ToHost));
        let (bits, len, instruction) = match obs.fetched {
            Some(f) => (f.bits, f.len, f.instruction),
            None => (0, 0, None),
        };
        let reg_write = match (obs.retired, instruction.as_ref().and_then(destination)) {
            (true, Some(rd)) => Some((rd, self.hart.reg(rd))),
            _ => None,
        };
        StepReport {
            pc,
            bits,
            len,
            instruction,
            reg_write,
            mem: obs.mem,
            trap: obs.trap,
            exit,
        }
    }

    /// Runs up to `max_steps` steps on the fast path (decode cache, same executor as
    /// [`Machine::step`]): `run(n)` leaves the machine exactly as `n` calls of `step` would.
    pub fn run(&mut self, max_steps: u64) -> RunExit {
        self.run_counted(max_steps).0
    }

    /// [`Machine::run`], also returning how many steps it executed (each an instruction retired,
    /// trapped, or an interrupt taken, as [`Machine::step`] counts them): `max_steps` unless the
    /// run stopped early.
    pub fn run_counted(&mut self, max_steps: u64) -> (RunExit, u64) {
        self.hart.attention = true;
        let (exit, steps) = self
            .hart
            .run(&mut self.bus, max_steps, self.config.deliver_traps);
        let exit = match exit {
            RunExit::StepLimit => self
                .bus
                .take_tohost()
                .map_or(RunExit::StepLimit, RunExit::ToHost),
            other => other,
        };
        (exit, steps)
    }
}

/// The machine's bus as the hart's [`Platform`]: the CLINT drives MSIP/MTIP, `tohost` and the
/// memory's code-write watch come from the bus.
impl Platform for SystemBus {
    #[inline]
    fn mtime(&self) -> Option<u64> {
        self.clint.as_ref().map(Clint::mtime)
    }

    #[inline]
    fn advance_mtime(&mut self, ticks: u64) {
        if let Some(clint) = &mut self.clint {
            clint.advance(ticks);
        }
    }

    fn ticks_until_timer(&self) -> Option<u64> {
        self.clint.as_ref().and_then(Clint::ticks_until_timer)
    }

    #[inline]
    fn device_interrupts(&self) -> u32 {
        match &self.clint {
            Some(clint) => {
                (u32::from(clint.software_pending()) * irq::MSI)
                    | (u32::from(clint.timer_pending()) * irq::MTI)
            }
            None => 0,
        }
    }

    #[inline(always)]
    fn is_device(&self, paddr: u32) -> bool {
        // The range test alone on the hot path (every load and store asks); whether the machine
        // has a CLINT is looked up out of line, only for addresses in its window.
        paddr.wrapping_sub(Clint::BASE) < Clint::SIZE && has_clint(self)
    }

    fn watch_code(&mut self, ppn: u32) -> bool {
        let addr = ppn << 12;
        let clint_page = self.clint.is_some() && addr.wrapping_sub(Clint::BASE) < Clint::SIZE;
        if clint_page || !self.memory.is_ram_page(ppn) {
            return false;
        }
        self.memory.watch_code(ppn);
        true
    }

    #[inline]
    fn code_epoch(&self) -> u64 {
        self.memory.code_epoch()
    }

    fn take_written_code(&mut self) -> Vec<u32> {
        self.memory.take_written_code()
    }

    #[inline]
    fn tohost_pending(&self) -> bool {
        SystemBus::tohost_pending(self)
    }

    fn take_tohost(&mut self) -> Option<u32> {
        SystemBus::take_tohost(self)
    }
}

/// Whether `bus` has a CLINT (see `is_device`).
#[cold]
#[inline(never)]
fn has_clint(bus: &SystemBus) -> bool {
    bus.clint.is_some()
}

/// The register an instruction writes, if any (never `x0`).
fn destination(instruction: &Instruction) -> Option<Reg> {
    let rd = match *instruction {
        Instruction::Lui { rd, .. }
        | Instruction::Auipc { rd, .. }
        | Instruction::Jal { rd, .. }
        | Instruction::Jalr { rd, .. }
        | Instruction::Load { rd, .. }
        | Instruction::OpImm { rd, .. }
        | Instruction::Op { rd, .. }
        | Instruction::Csr { rd, .. }
        | Instruction::LoadReserved { rd, .. }
        | Instruction::StoreConditional { rd, .. }
        | Instruction::Amo { rd, .. } => rd,
        _ => return None,
    };
    (rd != Reg::ZERO).then_some(rd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::csr_addr as csr;
    use crate::cpu::exec::enc;
    use crate::cpu::{Exception, TrapCause};
    use crate::elf::{Segment, SegmentFlags};
    use alloc::string::ToString;

    const RAM: u32 = 0x8000_0000;
    const HANDLER: u32 = RAM + 0x400;

    fn x(n: u8) -> Reg {
        Reg::new(n).unwrap()
    }

    fn words(ws: &[u32]) -> Vec<u8> {
        ws.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    fn program(ws: &[u32]) -> Machine {
        let mut m = Machine::new(MachineConfig::bare());
        m.write_bytes(RAM, &words(ws)).unwrap();
        m.hart.set_pc(RAM);
        m.hart.set_csr(csr::MTVEC, HANDLER);
        m
    }

    /// The last trap is kept on the fast path too, so a UI can name it after a Run.
    #[test]
    fn last_trap_is_kept_by_run() {
        // addi x6,x6,1; 0x00000000 (illegal); the handler spins.
        let mut m = program(&[enc::addi(6, 6, 1), 0]);
        m.write_bytes(HANDLER, &words(&[enc::jal(0, 0)])).unwrap();
        assert_eq!(m.hart.last_trap(), None);
        assert_eq!(m.run(100), RunExit::StepLimit);
        let trap = m.hart.last_trap().unwrap();
        assert_eq!(
            trap.cause,
            TrapCause::Exception(Exception::IllegalInstruction)
        );
        assert_eq!((trap.epc, trap.tval, trap.delivered), (RAM + 4, 0, true));
    }

    /// `x5` iterations of: x6 += 1; x7 += x6; mem[x8] = x7; x9 = mem[x8]; then tohost = x6.
    fn counted_loop(data: u32, tohost: u32, n: u32) -> Machine {
        let mut m = program(&[
            enc::addi(6, 6, 1),
            enc::add(7, 7, 6),
            enc::sw(7, 8, 0),
            enc::lw(9, 8, 0),
            enc::addi(5, 5, -1),
            enc::bne(5, 0, -20),
            enc::sw(6, 10, 0),
            enc::jal(0, 0),
        ]);
        m.bus.set_tohost(Some(tohost));
        m.hart.set_reg(x(5), n);
        m.hart.set_reg(x(8), data);
        m.hart.set_reg(x(10), tohost);
        m
    }

    #[test]
    fn tohost_ends_the_run() {
        let mut m = counted_loop(RAM + 0x2000, RAM + 0x1000, 100);
        assert_eq!(m.run(1_000_000), RunExit::ToHost(100));
        assert_eq!(m.hart.instret(), 601);
        assert_eq!(m.hart.reg(x(9)), 5050);
        // The observable path reports it on the storing step.
        let mut m = counted_loop(RAM + 0x2000, RAM + 0x1000, 1);
        let reports: Vec<StepReport> = (0..7).map(|_| m.step()).collect();
        assert_eq!(reports[6].exit, Some(RunExit::ToHost(1)));
        assert_eq!(
            reports[6].mem,
            Some(MemAccess {
                vaddr: RAM + 0x1000,
                size: crate::mem::AccessSize::Word,
                value: 1,
                write: true
            })
        );
        assert_eq!(reports[3].reg_write, Some((x(9), 1)));
        assert_eq!(reports[3].mem.map(|a| a.write), Some(false));
        assert_eq!(reports[0].bits, enc::addi(6, 6, 1));
        assert_eq!(reports[0].len, 4);
    }

    #[test]
    fn self_modifying_code_without_fence_i() {
        // L: addi x5, x5, 1 ; sw x6, 0(x7) (overwrites L) ; j L
        let new = enc::addi(5, 5, 100);
        let mut m = program(&[enc::addi(5, 5, 1), enc::sw(6, 7, 0), enc::jal(0, -8)]);
        m.hart.set_reg(x(6), new);
        m.hart.set_reg(x(7), RAM);
        let mut stepped = m.clone();
        assert_eq!(m.run(4), RunExit::StepLimit);
        assert_eq!(m.hart.reg(x(5)), 101);
        for _ in 0..4 {
            stepped.step();
        }
        assert_eq!(stepped.hart.reg(x(5)), 101);
    }

    #[test]
    fn host_writes_and_fence_i_invalidate_decoded_code() {
        let mut m = program(&[enc::addi(5, 5, 1), enc::jal(0, -4)]);
        m.run(10);
        assert_eq!(m.hart.reg(x(5)), 5);
        assert_eq!(m.hart.cache.pages(), 1);
        m.write_bytes(RAM, &enc::addi(5, 5, 10).to_le_bytes())
            .unwrap();
        m.run(2);
        assert_eq!(m.hart.reg(x(5)), 15);
        // fence.i drops everything.
        let mut m = program(&[enc::FENCE_I, enc::NOP]);
        m.step();
        assert_eq!(m.hart.cache.pages(), 0);
        m.step();
        assert_eq!(m.hart.cache.pages(), 1);
    }

    #[test]
    fn compressed_and_page_crossing_instructions() {
        // c.addi x5, 3 at the last halfword before a 32-bit addi that straddles a page boundary.
        let mut m = Machine::new(MachineConfig::bare());
        let at = RAM + 0xffc;
        let mut bytes = (enc::c_addi(5, 3) as u16).to_le_bytes().to_vec();
        bytes.extend_from_slice(&enc::addi(5, 5, 7).to_le_bytes());
        bytes.extend_from_slice(&(enc::c_addi(5, 1) as u16).to_le_bytes());
        m.write_bytes(at, &bytes).unwrap();
        m.hart.set_pc(at);
        let r = m.step();
        assert_eq!((r.len, r.bits), (2, enc::c_addi(5, 3) & 0xffff));
        let r = m.step();
        assert_eq!((r.len, r.pc), (4, at + 2));
        m.step();
        assert_eq!(m.hart.reg(x(5)), 11);
        assert_eq!(m.hart.pc(), RAM + 0x1004);
    }

    #[test]
    fn user_environment_returns_traps_untaken() {
        let mut m = Machine::new(MachineConfig::user());
        assert_eq!(m.hart.privilege(), Privilege::User);
        let entry = 0x1_0000;
        m.write_bytes(
            entry,
            &words(&[enc::addi(17, 0, 93), enc::ECALL, enc::lw(5, 0, 0)]),
        )
        .unwrap();
        m.hart.set_pc(entry);
        let exit = m.run(100);
        let RunExit::Trap(t) = exit else {
            panic!("expected a trap, got {exit:?}");
        };
        assert_eq!(t.cause, TrapCause::Exception(Exception::EcallFromU));
        assert_eq!(
            (t.epc, t.delivered, t.from),
            (entry + 4, false, Privilege::User)
        );
        assert_eq!(m.hart.pc(), entry + 4);
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(0));
        assert_eq!(m.hart.csr(csr::MEPC), Some(0));
        assert_eq!(m.hart.privilege(), Privilege::User);
        // The host services the call and resumes after it; the next fault (address 0 is not RAM)
        // comes back the same way with its address.
        m.hart.set_pc(entry + 8);
        let RunExit::Trap(t) = m.run(100) else {
            panic!("expected a trap");
        };
        assert_eq!(t.cause, TrapCause::Exception(Exception::LoadAccessFault));
        assert_eq!(t.tval, 0);
        assert_eq!(m.hart.instret(), 1);
        // Counters are readable from U-mode; time advances with retired instructions.
        m.write_bytes(entry + 12, &enc::csrrs(5, csr::TIME, 0).to_le_bytes())
            .unwrap();
        m.hart.set_pc(entry + 12);
        m.hart.set_csr(csr::MINSTRET, 95);
        m.step();
        assert_eq!(m.hart.reg(x(5)), 9);
        assert_eq!(m.csr(csr::TIME), Some(9));
    }

    /// A loop with M-extension work and an `ecall` each iteration, whose handler skips it.
    fn busy_program() -> Machine {
        let mut m = program(&[
            enc::addi(6, 6, 7),
            enc::r(0x33, 0, 1, 7, 7, 6),  // mul x7, x7, x6
            enc::r(0x33, 4, 1, 9, 7, 5),  // div x9, x7, x5
            enc::r(0x33, 6, 1, 11, 7, 6), // rem x11, x7, x6
            enc::sw(9, 8, 0),
            enc::ECALL,
            enc::addi(5, 5, -1),
            enc::bne(5, 0, -28),
            enc::jal(0, 0),
        ]);
        let handler = [
            enc::csrrs(28, csr::MEPC, 0),
            enc::addi(28, 28, 4),
            enc::csrrw(0, csr::MEPC, 28),
            enc::MRET,
        ];
        m.write_bytes(HANDLER, &words(&handler)).unwrap();
        m.hart.set_reg(x(5), 500);
        m.hart.set_reg(x(7), 3);
        m.hart.set_reg(x(8), RAM + 0x3000);
        m
    }

    /// Registers, pc, instret, cycle, some CSRs, a data window and mtime.
    type State = (Vec<u32>, u32, u64, u64, Vec<Option<u32>>, Vec<u8>, u64);

    fn state(m: &Machine) -> State {
        let csrs = [
            csr::MSTATUS,
            csr::MEPC,
            csr::MCAUSE,
            csr::MTVAL,
            csr::MCYCLE,
            csr::MINSTRET,
        ];
        (
            m.hart.regs().to_vec(),
            m.hart.pc(),
            m.hart.instret(),
            m.hart.cycle(),
            csrs.iter().map(|c| m.hart.csr(*c)).collect(),
            m.read_bytes(RAM + 0x3000, 16).unwrap(),
            m.bus.clint.as_ref().unwrap().mtime(),
        )
    }

    #[test]
    fn determinism_and_run_equals_step() {
        let mut a = busy_program();
        let mut b = busy_program();
        let mut c = a.clone();
        a.run(5_000);
        b.run(5_000);
        assert_eq!(state(&a), state(&b));
        for _ in 0..5_000 {
            c.step();
        }
        assert_eq!(state(&a), state(&c));
        // Splitting a run changes nothing either.
        let mut d = busy_program();
        for _ in 0..50 {
            d.run(100);
        }
        assert_eq!(state(&a), state(&d));
    }

    #[test]
    fn snapshots_are_independent() {
        let mut m = counted_loop(RAM + 0x2000, RAM + 0x1000, 10);
        m.run(13);
        let checkpoint = m.clone();
        m.run(1000);
        let mut back = checkpoint.clone();
        assert_ne!(state(&m).0, state(&back).0);
        back.run(1000);
        assert_eq!(state(&m), state(&back));
    }

    #[test]
    fn load_image_copies_zero_fills_and_finds_tohost() {
        let mut m = Machine::new(MachineConfig::bare());
        m.write_bytes(RAM + 0x1004, &[0xff; 8]).unwrap();
        let image = Image {
            entry: RAM + 4,
            segments: vec![Segment {
                addr: RAM,
                data: vec![1, 2, 3, 4],
                mem_size: 0x1010,
                flags: SegmentFlags::default(),
            }],
            symbols: vec![Symbol {
                name: "tohost".to_string(),
                addr: RAM + 0x1000,
                size: 8,
                is_function: false,
            }],
        };
        m.load_image(&image).unwrap();
        assert_eq!(m.hart.pc(), RAM + 4);
        assert_eq!(m.bus.tohost, Some(RAM + 0x1000));
        assert_eq!(m.read_bytes(RAM, 4).unwrap(), [1, 2, 3, 4]);
        assert_eq!(m.read_bytes(RAM + 0x1004, 8).unwrap(), [0; 8]);
        assert_eq!(m.symbols().len(), 1);
        let outside = Image {
            entry: 0,
            segments: vec![Segment {
                addr: RAM - 0x10,
                data: vec![0; 0x20],
                mem_size: 0x20,
                flags: SegmentFlags::default(),
            }],
            symbols: vec![],
        };
        assert_eq!(
            m.load_image(&outside),
            Err(LoadError::OutsideRam {
                segment: RAM - 0x10,
                size: 0x20,
                addr: RAM - 0x10
            })
        );
        let tail = Image {
            entry: 0,
            segments: vec![Segment {
                addr: RAM + (256 << 20) - 4,
                data: vec![],
                mem_size: 8,
                flags: SegmentFlags::default(),
            }],
            symbols: vec![],
        };
        assert_eq!(
            m.load_image(&tail),
            Err(LoadError::OutsideRam {
                segment: RAM + (256 << 20) - 4,
                size: 8,
                addr: RAM + (256 << 20)
            })
        );
        let wrap = Image {
            entry: 0,
            segments: vec![Segment {
                addr: 0xffff_fff0,
                data: vec![],
                mem_size: 0x20,
                flags: SegmentFlags::default(),
            }],
            symbols: vec![],
        };
        assert!(matches!(
            m.load_image(&wrap),
            Err(LoadError::AddressOverflow { .. })
        ));
        assert_eq!(m.hart.pc(), RAM + 4, "a failed load changes nothing");
    }

    /// Sv32 tables at RAM + 1 MiB: VA 0x4000_0000 + i * 4 KiB -> PA RAM + i * 4 KiB for i < 64.
    fn map_sv32(m: &mut Machine, user: bool) -> u32 {
        let root = RAM + 0x10_0000;
        let l0 = root + 0x1000;
        let pointer = ((l0 >> 12) << 10) | 1;
        m.write_bytes(root + 0x100 * 4, &pointer.to_le_bytes())
            .unwrap();
        let flags = 0xcf | if user { 0x10 } else { 0 }; // D A X W R V (+U)
        for i in 0..64u32 {
            let pte = (((RAM >> 12) + i) << 10) | flags;
            m.write_bytes(l0 + i * 4, &pte.to_le_bytes()).unwrap();
        }
        let satp = (1 << 31) | (root >> 12);
        m.hart.set_csr(csr::SATP, satp);
        satp
    }

    #[test]
    fn sv32_translation_and_page_faults() {
        let va = 0x4000_0000;
        let mut m = counted_loop(va + 0x2000, va + 0x1000, 10);
        map_sv32(&mut m, false);
        m.bus.set_tohost(Some(RAM + 0x1000));
        m.hart.set_privilege(Privilege::Supervisor);
        m.hart.set_pc(va);
        assert_eq!(m.run(1000), RunExit::ToHost(10));
        assert_eq!(m.read_bytes(RAM + 0x2000, 4).unwrap(), 55u32.to_le_bytes());
        // An unmapped page: load page fault with the virtual address, handled in M.
        m.hart.set_reg(x(8), 0x5000_0000);
        m.hart.set_reg(x(5), 1);
        m.hart.set_pc(va);
        m.run(3);
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(15));
        assert_eq!(m.hart.csr(csr::MTVAL), Some(0x5000_0000));
        assert_eq!(m.hart.csr(csr::MEPC), Some(va + 8));
        assert_eq!(m.hart.privilege(), Privilege::Machine);
        // A load from an unmapped page: load page fault.
        m.hart.set_privilege(Privilege::Supervisor);
        m.hart.set_pc(va + 12);
        m.step();
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(13));
        assert_eq!(m.hart.csr(csr::MTVAL), Some(0x5000_0000));
        // MPRV: M-mode data accesses translate as MPP = S.
        m.hart.set_csr(csr::MSTATUS, mstatus_bits::MPRV | (1 << 11));
        m.hart.set_reg(x(8), va + 0x2000);
        m.hart.set_pc(RAM + 12); // lw x9, 0(x8) executed from M-mode, untranslated fetch
        m.step();
        assert_eq!(m.hart.reg(x(9)), 55);
        // U-mode fetch from a supervisor page: instruction page fault.
        m.hart.set_csr(csr::MSTATUS, 0);
        m.hart.set_privilege(Privilege::User);
        m.hart.set_pc(va);
        m.step();
        assert_eq!(m.hart.csr(csr::MCAUSE), Some(12));
        assert_eq!(m.hart.csr(csr::MTVAL), Some(va));
    }

    use crate::cpu::csr::mstatus as mstatus_bits;

    /// Release-mode speed check: `cargo test --release -p snowrv-core --lib machine::tests::speed
    /// -- --ignored --nocapture`. Reports instructions per second of wall time and of CPU time
    /// (the latter from `/proc/thread-self/schedstat`, so a busy machine does not skew it).
    #[test]
    #[ignore = "speed measurement; run in release mode"]
    fn speed() {
        extern crate std;
        use std::time::Instant;
        fn cpu_ns() -> f64 {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        }
        fn measure(mut m: Machine, n: u32, what: &str) {
            let (t, c) = (Instant::now(), cpu_ns());
            assert_eq!(m.run(u64::MAX), RunExit::ToHost(n));
            let (wall, cpu) = (t.elapsed().as_secs_f64(), (cpu_ns() - c) / 1e9);
            let i = m.hart.instret() as f64;
            std::println!(
                "{what}: {:.0} M instructions/s wall, {:.0} M instructions/s CPU",
                i / wall / 1e6,
                i / cpu / 1e6
            );
        }
        let n = 20_000_000u32;
        measure(counted_loop(RAM + 0x2000, RAM + 0x1000, n), n, "bare");
        let va = 0x4000_0000;
        let mut m = counted_loop(va + 0x2000, va + 0x1000, n);
        map_sv32(&mut m, false);
        m.bus.set_tohost(Some(RAM + 0x1000));
        m.hart.set_privilege(Privilege::Supervisor);
        m.hart.set_pc(va);
        measure(m, n, "sv32 (S-mode)");
    }
}
