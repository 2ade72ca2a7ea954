//! The seam between the playground and `snowrv-core`: every name the web crate uses from the
//! simulation core passes through here, plus two read-only helpers the views need (fetching
//! instruction bits the way the hart would see them, and disassembling them).

use snowrv_core::cpu::csr_addr::SATP;
use snowrv_core::cpu::mmu::{AccessType, TranslationContext};
use snowrv_core::mem::{AccessSize, Bus, BusFault, SystemBus};

pub use snowrv_core::cpu::{Exception, Privilege, Reg, TrapCause};
pub use snowrv_core::elf::{Image, Symbol};
pub use snowrv_core::machine::{
    LoadError, Machine, MachineConfig, RunExit, StepReport, TrapRecord,
};

/// A [`Bus`] that reads through [`SystemBus::peek`] and refuses writes, so a view can walk the
/// page tables without changing anything (no A/D bits, no device side effects).
struct PeekBus<'a>(&'a SystemBus);

impl Bus for PeekBus<'_> {
    fn read(&mut self, addr: u32, size: AccessSize) -> Result<u32, BusFault> {
        self.0.peek(addr, size)
    }

    fn write(&mut self, addr: u32, _size: AccessSize, _value: u32) -> Result<(), BusFault> {
        Err(BusFault { addr })
    }
}

/// The physical address an instruction fetch at `vaddr` reaches in the hart's current mode:
/// identity in M-mode or with `satp` Bare, else an Sv32 walk ([`snowrv_core::cpu::mmu::Mmu::probe`],
/// side-effect free). `None` when the fetch would fault.
pub fn fetch_address(machine: &Machine, vaddr: u32) -> Option<u32> {
    let ctx = TranslationContext {
        satp: machine.hart.csr(SATP).unwrap_or(0),
        privilege: machine.hart.privilege(),
        sum: false,
        mxr: false,
    };
    let mut bus = PeekBus(&machine.bus);
    machine
        .hart
        .mmu()
        .probe(&mut bus, vaddr, AccessType::Fetch, &ctx)
        .ok()
        .map(|t| t.paddr)
}

/// Reads the halfword an instruction fetch at virtual address `vaddr` would see.
pub fn read_half(machine: &Machine, vaddr: u32) -> Option<u16> {
    let paddr = fetch_address(machine, vaddr)?;
    machine
        .bus
        .peek(paddr, AccessSize::Half)
        .ok()
        .map(|v| v as u16)
}

/// Disassembles the instruction whose bits are `bits` at `pc`: its length in bytes and its text
/// in objdump syntax with absolute branch targets. `None` for bits that do not decode.
pub fn disassemble(bits: u32, pc: u32) -> Option<(u8, String)> {
    snowrv_core::cpu::decode(bits)
        .ok()
        .map(|d| (d.len, d.instruction.display_at(pc).to_string()))
}
