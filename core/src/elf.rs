//! ELF32 RISC-V executables to a loadable [`Image`]: PT_LOAD segments, the entry point, symbols.

use alloc::string::String;
use alloc::vec::Vec;

/// A program ready to be copied into memory.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Image {
    /// The entry point (`e_entry`).
    pub entry: u32,
    /// The PT_LOAD segments, sorted by address, non-overlapping.
    pub segments: Vec<Segment>,
    /// Named symbols from `.symtab` (functions, objects, labels such as `tohost`), sorted by address.
    pub symbols: Vec<Symbol>,
}

/// One PT_LOAD segment.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Segment {
    /// Where the segment goes (`p_paddr`, equal to `p_vaddr` for the programs we load).
    pub addr: u32,
    /// The file bytes (`p_filesz` of them).
    pub data: Vec<u8>,
    /// Size in memory (`p_memsz` >= data length; the rest is zero-filled, e.g. `.bss`).
    pub mem_size: u32,
    /// Readable / writable / executable, from `p_flags`.
    pub flags: SegmentFlags,
}

/// Segment permissions from `p_flags`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SegmentFlags {
    /// PF_R.
    pub read: bool,
    /// PF_W.
    pub write: bool,
    /// PF_X.
    pub execute: bool,
}

/// A named address from the symbol table.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Symbol {
    /// The symbol's name.
    pub name: String,
    /// Its value (an address).
    pub addr: u32,
    /// Its size in bytes (0 for labels).
    pub size: u32,
    /// `STT_FUNC` symbols are functions; the disassembly view labels them.
    pub is_function: bool,
}
