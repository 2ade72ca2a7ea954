//! Disassembly: the `Display` of [`Instruction`], in objdump syntax with ABI register names.
// Placeholder; the full disassembler is being written in this file.

use super::instruction::Instruction;
use core::fmt;

impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}
