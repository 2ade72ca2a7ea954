//! Traps as values: synchronous exceptions and asynchronous interrupts, with their cause codes.
//!
//! Cause codes follow the RISC-V Privileged ISA v1.12, Table 3.6 ("Machine cause register (mcause)
//! values after trap"). A trap is a value the executor returns, so a UI can show it before it is taken.

use core::fmt;

/// A synchronous exception (mcause with the interrupt bit clear).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Exception {
    /// Cause 0: a taken branch or jump to an address that is not 2-byte aligned.
    InstructionAddressMisaligned,
    /// Cause 1: instruction fetch from an address with no memory or device behind it.
    InstructionAccessFault,
    /// Cause 2: a reserved or unsupported encoding, or a CSR/privilege violation.
    IllegalInstruction,
    /// Cause 3: `ebreak`.
    Breakpoint,
    /// Cause 4: a load from a misaligned address.
    LoadAddressMisaligned,
    /// Cause 5: a load from an address with no memory or device behind it.
    LoadAccessFault,
    /// Cause 6: a store or AMO to a misaligned address.
    StoreAddressMisaligned,
    /// Cause 7: a store or AMO to an address with no memory or device behind it.
    StoreAccessFault,
    /// Cause 8: `ecall` in U-mode.
    EcallFromU,
    /// Cause 9: `ecall` in S-mode.
    EcallFromS,
    /// Cause 11: `ecall` in M-mode.
    EcallFromM,
    /// Cause 12: Sv32 translation failed for an instruction fetch.
    InstructionPageFault,
    /// Cause 13: Sv32 translation failed for a load.
    LoadPageFault,
    /// Cause 15: Sv32 translation failed for a store or AMO.
    StorePageFault,
}

impl Exception {
    /// The exception code written to `mcause`/`scause`.
    pub const fn code(self) -> u32 {
        match self {
            Exception::InstructionAddressMisaligned => 0,
            Exception::InstructionAccessFault => 1,
            Exception::IllegalInstruction => 2,
            Exception::Breakpoint => 3,
            Exception::LoadAddressMisaligned => 4,
            Exception::LoadAccessFault => 5,
            Exception::StoreAddressMisaligned => 6,
            Exception::StoreAccessFault => 7,
            Exception::EcallFromU => 8,
            Exception::EcallFromS => 9,
            Exception::EcallFromM => 11,
            Exception::InstructionPageFault => 12,
            Exception::LoadPageFault => 13,
            Exception::StorePageFault => 15,
        }
    }

    /// The exception with code `code`, if it is one this hart raises.
    pub const fn from_code(code: u32) -> Option<Exception> {
        Some(match code {
            0 => Exception::InstructionAddressMisaligned,
            1 => Exception::InstructionAccessFault,
            2 => Exception::IllegalInstruction,
            3 => Exception::Breakpoint,
            4 => Exception::LoadAddressMisaligned,
            5 => Exception::LoadAccessFault,
            6 => Exception::StoreAddressMisaligned,
            7 => Exception::StoreAccessFault,
            8 => Exception::EcallFromU,
            9 => Exception::EcallFromS,
            11 => Exception::EcallFromM,
            12 => Exception::InstructionPageFault,
            13 => Exception::LoadPageFault,
            15 => Exception::StorePageFault,
            _ => return None,
        })
    }

    /// The name in words, as the privileged spec's table gives it.
    pub const fn description(self) -> &'static str {
        match self {
            Exception::InstructionAddressMisaligned => "instruction address misaligned",
            Exception::InstructionAccessFault => "instruction access fault",
            Exception::IllegalInstruction => "illegal instruction",
            Exception::Breakpoint => "breakpoint",
            Exception::LoadAddressMisaligned => "load address misaligned",
            Exception::LoadAccessFault => "load access fault",
            Exception::StoreAddressMisaligned => "store/AMO address misaligned",
            Exception::StoreAccessFault => "store/AMO access fault",
            Exception::EcallFromU => "environment call from U-mode",
            Exception::EcallFromS => "environment call from S-mode",
            Exception::EcallFromM => "environment call from M-mode",
            Exception::InstructionPageFault => "instruction page fault",
            Exception::LoadPageFault => "load page fault",
            Exception::StorePageFault => "store/AMO page fault",
        }
    }
}

/// An asynchronous interrupt (mcause with the interrupt bit set).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Interrupt {
    /// Code 1: supervisor software interrupt (`sip.SSIP`).
    SupervisorSoftware,
    /// Code 3: machine software interrupt (CLINT `msip`).
    MachineSoftware,
    /// Code 5: supervisor timer interrupt (`mip.STIP`, set by M-mode software).
    SupervisorTimer,
    /// Code 7: machine timer interrupt (CLINT `mtime >= mtimecmp`).
    MachineTimer,
    /// Code 9: supervisor external interrupt (`mip.SEIP`).
    SupervisorExternal,
    /// Code 11: machine external interrupt (`mip.MEIP`).
    MachineExternal,
}

impl Interrupt {
    /// The interrupt code (the bit number in `mip`/`mie`).
    pub const fn code(self) -> u32 {
        match self {
            Interrupt::SupervisorSoftware => 1,
            Interrupt::MachineSoftware => 3,
            Interrupt::SupervisorTimer => 5,
            Interrupt::MachineTimer => 7,
            Interrupt::SupervisorExternal => 9,
            Interrupt::MachineExternal => 11,
        }
    }

    /// The interrupt with code `code`, if this hart has it.
    pub const fn from_code(code: u32) -> Option<Interrupt> {
        Some(match code {
            1 => Interrupt::SupervisorSoftware,
            3 => Interrupt::MachineSoftware,
            5 => Interrupt::SupervisorTimer,
            7 => Interrupt::MachineTimer,
            9 => Interrupt::SupervisorExternal,
            11 => Interrupt::MachineExternal,
            _ => return None,
        })
    }

    /// The name in words.
    pub const fn description(self) -> &'static str {
        match self {
            Interrupt::SupervisorSoftware => "supervisor software interrupt",
            Interrupt::MachineSoftware => "machine software interrupt",
            Interrupt::SupervisorTimer => "supervisor timer interrupt",
            Interrupt::MachineTimer => "machine timer interrupt",
            Interrupt::SupervisorExternal => "supervisor external interrupt",
            Interrupt::MachineExternal => "machine external interrupt",
        }
    }
}

/// Why a trap happened.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TrapCause {
    /// A synchronous exception raised by an instruction.
    Exception(Exception),
    /// An interrupt taken between instructions.
    Interrupt(Interrupt),
}

impl TrapCause {
    /// The full `mcause` value: the interrupt bit (bit 31) and the code.
    pub const fn mcause(self) -> u32 {
        match self {
            TrapCause::Exception(e) => e.code(),
            TrapCause::Interrupt(i) => (1 << 31) | i.code(),
        }
    }

    /// Decodes an `mcause`/`scause` value.
    pub const fn from_mcause(value: u32) -> Option<TrapCause> {
        let code = value & 0x7fff_ffff;
        if value & (1 << 31) != 0 {
            match Interrupt::from_code(code) {
                Some(i) => Some(TrapCause::Interrupt(i)),
                None => None,
            }
        } else {
            match Exception::from_code(code) {
                Some(e) => Some(TrapCause::Exception(e)),
                None => None,
            }
        }
    }

    /// The name in words.
    pub const fn description(self) -> &'static str {
        match self {
            TrapCause::Exception(e) => e.description(),
            TrapCause::Interrupt(i) => i.description(),
        }
    }
}

impl fmt::Display for TrapCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// An exception together with the value the spec says goes to `mtval`/`stval`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Trap {
    /// What went wrong.
    pub exception: Exception,
    /// The faulting address (misaligned, access and page faults), the instruction bits (illegal
    /// instruction), the pc (`ebreak`), or 0.
    pub tval: u32,
}

impl Trap {
    /// An exception with its `tval`.
    pub const fn new(exception: Exception, tval: u32) -> Trap {
        Trap { exception, tval }
    }
}
