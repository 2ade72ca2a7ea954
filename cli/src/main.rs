//! `snowrv`: run RISC-V ELF programs, disassemble them, benchmark the interpreter.

fn main() {}
