//! The machine's physical address space: RAM ([`Memory`]), the [`Clint`] window, and the `tohost`
//! exit word (the riscv-tests / HTIF convention: a program ends by storing to the `tohost` symbol).

use super::{AccessSize, Bus, BusFault, Clint, Memory};

/// Routes physical accesses to the CLINT (`Clint::BASE..Clint::BASE + Clint::SIZE`, when present) or
/// to memory, and records stores to the `tohost` address.
#[derive(Clone, Debug)]
pub struct SystemBus {
    /// RAM.
    pub memory: Memory,
    /// The CLINT, if the machine has one; without it its window is plain memory (or a fault).
    pub clint: Option<Clint>,
    /// The `tohost` address, if any (see [`SystemBus::set_tohost`]).
    pub tohost: Option<u32>,
    /// The value last stored to `tohost` and not yet taken.
    tohost_value: Option<u32>,
}

impl SystemBus {
    /// A bus over `memory` and an optional CLINT, with no `tohost` address.
    pub fn new(memory: Memory, clint: Option<Clint>) -> SystemBus {
        SystemBus {
            memory,
            clint,
            tohost: None,
            tohost_value: None,
        }
    }

    /// Sets (or clears) the address whose stores are recorded; clears any recorded value.
    pub fn set_tohost(&mut self, addr: Option<u32>) {
        self.tohost = addr;
        self.tohost_value = None;
    }

    /// The value of the last store to `tohost` (any width, zero-extended; zero included), once: a
    /// second call returns `None` until the next store. The store also reached memory.
    pub fn take_tohost(&mut self) -> Option<u32> {
        self.tohost_value.take()
    }

    /// Whether a `tohost` store is waiting to be taken (cheap to poll in the run loop).
    #[inline]
    pub fn tohost_pending(&self) -> bool {
        self.tohost_value.is_some()
    }

    /// Reads without side effects (views, debuggers): the CLINT registers or memory.
    pub fn peek(&self, addr: u32, size: AccessSize) -> Result<u32, BusFault> {
        if let (true, Some(clint)) = (in_clint_window(addr), &self.clint) {
            return Ok(clint.read(addr - Clint::BASE, size));
        }
        self.memory.read(addr, size)
    }
}

/// One compare: is `addr` in the CLINT window?
#[inline(always)]
fn in_clint_window(addr: u32) -> bool {
    addr.wrapping_sub(Clint::BASE) < Clint::SIZE
}

// `inline(always)`: these sit on every load and store of the run loop; as calls they cost about a
// fifth of a store-heavy workload (register saves around a body of a dozen instructions). The
// rare paths (CLINT, page faults, copy-on-write) stay out of line in `Memory`.
impl Bus for SystemBus {
    #[inline(always)]
    fn read(&mut self, addr: u32, size: AccessSize) -> Result<u32, BusFault> {
        if in_clint_window(addr) {
            return self.read_window(addr, size);
        }
        self.memory.read(addr, size)
    }

    #[inline(always)]
    fn write(&mut self, addr: u32, size: AccessSize, value: u32) -> Result<(), BusFault> {
        if in_clint_window(addr) {
            return self.write_window(addr, size, value);
        }
        self.write_memory(addr, size, value)
    }
}

impl SystemBus {
    /// A read in the CLINT window, out of line so the hot path tests one range and nothing else.
    #[cold]
    #[inline(never)]
    fn read_window(&self, addr: u32, size: AccessSize) -> Result<u32, BusFault> {
        match &self.clint {
            Some(clint) => Ok(clint.read(addr - Clint::BASE, size)),
            None => self.memory.read(addr, size),
        }
    }

    /// A write in the CLINT window (see [`SystemBus::read_window`]).
    #[cold]
    #[inline(never)]
    fn write_window(&mut self, addr: u32, size: AccessSize, value: u32) -> Result<(), BusFault> {
        match &mut self.clint {
            Some(clint) => {
                clint.write(addr - Clint::BASE, size, value);
                Ok(())
            }
            None => self.write_memory(addr, size, value),
        }
    }

    /// A write to memory, recording a `tohost` store.
    #[inline(always)]
    fn write_memory(&mut self, addr: u32, size: AccessSize, value: u32) -> Result<(), BusFault> {
        self.memory.write(addr, size, value)?;
        if self.tohost == Some(addr) {
            self.tohost_value = Some(value & size_mask(size));
        }
        Ok(())
    }
}

/// The bits a store of `size` keeps.
const fn size_mask(size: AccessSize) -> u32 {
    match size {
        AccessSize::Byte => 0xff,
        AccessSize::Half => 0xffff,
        AccessSize::Word => 0xffff_ffff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mem::clint::{MSIP, MTIME, MTIMECMP};
    use crate::mem::AccessSize::{Byte, Half, Word};
    use crate::mem::Region;

    fn bus(clint: bool) -> SystemBus {
        let memory = Memory::new(&[
            Region::new(0x0200_0000, 0x1_0000),
            Region::new(0x8000_0000, 0x1_0000),
        ]);
        SystemBus::new(memory, clint.then(Clint::new))
    }

    #[test]
    fn clint_window_routes_to_the_clint() {
        let mut b = bus(true);
        b.write(Clint::BASE + MTIMECMP, Word, 7).unwrap();
        b.write(Clint::BASE + MTIMECMP + 4, Word, 0).unwrap();
        b.write(Clint::BASE + MSIP, Word, 1).unwrap();
        let c = b.clint.as_ref().unwrap();
        assert_eq!(c.mtimecmp(), 7);
        assert!(c.software_pending());
        b.clint.as_mut().unwrap().advance(0x1_0000_0002);
        assert_eq!(b.read(Clint::BASE + MTIME, Word), Ok(2));
        assert_eq!(b.read(Clint::BASE + MTIME + 4, Word), Ok(1));
        assert_eq!(b.peek(Clint::BASE + MTIME + 4, Byte), Ok(1));
        // Nothing reached RAM underneath.
        assert_eq!(b.memory.read(Clint::BASE + MSIP, Word), Ok(0));
        assert_eq!(b.memory.allocated_pages(), 0);
        // Just past the window is memory again.
        b.write(Clint::BASE + Clint::SIZE, Word, 9).unwrap();
        assert_eq!(b.memory.read(Clint::BASE + Clint::SIZE, Word), Ok(9));
    }

    #[test]
    fn without_a_clint_the_window_is_memory() {
        let mut b = bus(false);
        b.write(Clint::BASE + MSIP, Word, 1).unwrap();
        assert_eq!(b.read(Clint::BASE + MSIP, Word), Ok(1));
        assert_eq!(b.peek(Clint::BASE + MSIP, Word), Ok(1));
        assert_eq!(b.read(0x1000, Word), Err(BusFault { addr: 0x1000 }));
        assert_eq!(b.write(0x1000, Word, 0), Err(BusFault { addr: 0x1000 }));
    }

    #[test]
    fn tohost_stores_are_recorded_once_and_reach_memory() {
        let mut b = bus(true);
        let tohost = 0x8000_1000;
        b.write(tohost, Word, 1).unwrap();
        assert_eq!(b.take_tohost(), None);
        b.set_tohost(Some(tohost));
        assert!(!b.tohost_pending());
        b.write(tohost + 4, Word, 5).unwrap();
        assert_eq!(b.take_tohost(), None);
        b.write(tohost, Word, 0x2b).unwrap();
        assert!(b.tohost_pending());
        assert_eq!(b.take_tohost(), Some(0x2b));
        assert_eq!(b.take_tohost(), None);
        assert_eq!(b.read(tohost, Word), Ok(0x2b));
        b.write(tohost, Half, 0xffff_0003).unwrap();
        assert_eq!(b.take_tohost(), Some(3));
        b.write(tohost, Word, 0).unwrap();
        assert_eq!(b.take_tohost(), Some(0));
        b.set_tohost(None);
        b.write(tohost, Word, 1).unwrap();
        assert_eq!(b.take_tohost(), None);
    }

    #[test]
    fn a_faulting_tohost_store_is_not_recorded() {
        let mut b = bus(false);
        b.set_tohost(Some(0x4000_0000));
        assert_eq!(
            b.write(0x4000_0000, Word, 1),
            Err(BusFault { addr: 0x4000_0000 })
        );
        assert_eq!(b.take_tohost(), None);
    }
}
