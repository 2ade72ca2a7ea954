//! One RISC-V hart: RV32IMAC + Zicsr + Zifencei, M/S/U privilege, traps and interrupts, Sv32.
//!
//! Decoding is a pure function ([`decode()`]) to an [`Instruction`] value; the executor gives every
//! instruction its meaning once; traps are values ([`trap`]). The hart reaches memory only through
//! the [`crate::mem::Bus`] trait.

pub mod cache;
pub mod csr;
pub mod csr_addr;
pub mod decode;
pub mod disasm;
pub mod exec;
pub mod hart;
pub mod instruction;
pub mod mmu;
pub mod reg;
pub mod trap;

pub use decode::{decode, DecodeError};
pub use disasm::DisplayAt;
pub use hart::Hart;
pub use instruction::{
    AmoKind, BranchKind, CsrOp, CsrSrc, Decoded, Instruction, LoadKind, OpImmKind, OpKind,
    StoreKind,
};
pub use reg::Reg;
pub use trap::{Exception, Interrupt, Trap, TrapCause};

/// A privilege mode (Privileged ISA v1.12, section 1.2, Table 1.1).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default)]
pub enum Privilege {
    /// U-mode, encoding 0.
    User = 0,
    /// S-mode, encoding 1.
    Supervisor = 1,
    /// M-mode, encoding 3; the mode a hart resets into.
    #[default]
    Machine = 3,
}

impl Privilege {
    /// The two-bit encoding used in `mstatus.MPP`.
    pub const fn bits(self) -> u32 {
        self as u32
    }

    /// Decodes an `mstatus.MPP` value; the reserved encoding 2 has no mode.
    pub const fn from_bits(bits: u32) -> Option<Privilege> {
        match bits & 3 {
            0 => Some(Privilege::User),
            1 => Some(Privilege::Supervisor),
            3 => Some(Privilege::Machine),
            _ => None,
        }
    }

    /// The one-letter name shown in the UI: `M`, `S` or `U`.
    pub const fn letter(self) -> &'static str {
        match self {
            Privilege::User => "U",
            Privilege::Supervisor => "S",
            Privilege::Machine => "M",
        }
    }
}
