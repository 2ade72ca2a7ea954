//! Physical memory and devices behind the [`Bus`] trait, the only way the hart reaches memory.
//!
//! - [`Memory`]: RAM as sparse copy-on-write 4 KiB pages (cheap snapshots).
//! - [`Clint`]: the machine timer and software interrupt registers.
//! - [`SystemBus`]: the machine's address space, RAM plus devices plus the `tohost` exit word.

pub mod clint;
mod memory;
mod system_bus;

pub use clint::Clint;
pub use memory::{Memory, Page, Region, PAGE_SHIFT, PAGE_SIZE};
pub use system_bus::SystemBus;

/// The width of one bus access.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AccessSize {
    /// 1 byte.
    Byte = 1,
    /// 2 bytes.
    Half = 2,
    /// 4 bytes.
    Word = 4,
}

impl AccessSize {
    /// The width in bytes.
    pub const fn bytes(self) -> u32 {
        self as u32
    }
}

/// A physical access that nothing answers: the hart turns it into an access-fault exception.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BusFault {
    /// The physical address that was not mapped.
    pub addr: u32,
}

/// Physical memory as seen by a hart. Loads and stores at naturally aligned addresses; the hart
/// checks alignment before it calls the bus. Values are little-endian and zero-extended.
pub trait Bus {
    /// Reads `size` bytes at physical address `addr`.
    fn read(&mut self, addr: u32, size: AccessSize) -> Result<u32, BusFault>;
    /// Writes the low `size` bytes of `value` at physical address `addr`.
    fn write(&mut self, addr: u32, size: AccessSize, value: u32) -> Result<(), BusFault>;
}
