//! # SnowRV core
//!
//! The deterministic, I/O-free simulation core of SnowRV. Front-ends (the Yew page in `web/`, the
//! `snowrv` CLI) drive it with commands and read it through views; they hold no simulation logic.
//!
//! A tour, bottom up:
//! - [`cpu`]: one RISC-V hart. [`cpu::decode()`] turns a word into an [`cpu::Instruction`]; its
//!   `Display` is the disassembly; the executor gives each instruction its meaning and returns traps
//!   as values.
//! - [`mem`]: physical memory as sparse copy-on-write 4 KiB pages, plus devices, behind
//!   [`mem::Bus`].
//! - [`elf`]: ELF32 RISC-V executables to a loadable [`elf::Image`], with typed errors.
//! - [`machine`]: a hart and its bus. [`machine::Machine::step`] is the observable single step the
//!   UI and `--trace` use; [`machine::Machine::run`] is the fast path (decoded-instruction cache).
//!   Both share the one executor.
//! - [`linux`]: a static Linux program's system calls serviced without I/O: output is collected,
//!   input is handed in.
//! - [`playground`]: the one type front-ends hold. [`playground::Playground::apply`] takes a
//!   [`playground::Command`] (load, step, step back, run a slice, reset); events are drained after
//!   each command; read-only views serve every panel; checkpoints make stepping backwards exact.
//!
//! Rules: no wall clock, no I/O, no panics on anything a user or a guest program does.

#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod chain;
pub mod cpu;
pub mod elf;
pub mod linux;
pub mod machine;
pub mod mem;
pub mod playground;
