//! The seam between the page and `snowrv-core`: every name the web crate uses from the
//! simulation core passes through here. The simulation itself, its history and its views are the
//! core's [`snowrv_core::playground`]; nothing here computes anything.

pub use snowrv_core::cpu::{Privilege, Reg};
pub use snowrv_core::elf::Image;
pub use snowrv_core::machine::{Machine, MachineConfig, RunExit, TrapRecord};
pub use snowrv_core::playground::{
    Command, CsrRow, DisasmLine, Event, Halt, HartView, LastTrap, Playground as Core,
    PlaygroundError,
};
