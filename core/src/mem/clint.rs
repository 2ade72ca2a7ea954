//! The CLINT: machine software interrupt (`msip`) and machine timer (`mtime`, `mtimecmp`) for one
//! hart, in the SiFive CLINT layout that the RISC-V ACLINT spec keeps (MSWI device at offset 0,
//! MTIMER's `mtimecmp` at 0x4000 and `mtime` at 0xbff8).
//!
//! Time is an argument: nothing here reads a clock. The machine calls [`Clint::advance`] as the hart
//! retires instructions.

/// Offset of `msip` (hart 0): bit 0 raises a machine software interrupt.
pub const MSIP: u32 = 0x0;
/// Offset of `mtimecmp` (hart 0): low word here, high word at `+4`.
pub const MTIMECMP: u32 = 0x4000;
/// Offset of `mtime`: low word here, high word at `+4`.
pub const MTIME: u32 = 0xbff8;

/// Core-local interruptor state for one hart.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Clint {
    msip: bool,
    mtimecmp: u64,
    mtime: u64,
}

impl Default for Clint {
    fn default() -> Clint {
        Clint::new()
    }
}

impl Clint {
    /// The usual base address (QEMU `virt`, SiFive boards).
    pub const BASE: u32 = 0x0200_0000;
    /// Size of the register window; offsets `0..SIZE` belong to the CLINT.
    pub const SIZE: u32 = 0xc000;

    /// A CLINT at reset: `mtime` 0, no software interrupt, and `mtimecmp` at `u64::MAX` so no timer
    /// interrupt is pending until software programs it.
    pub const fn new() -> Clint {
        Clint {
            msip: false,
            mtimecmp: u64::MAX,
            mtime: 0,
        }
    }

    /// The current `mtime`.
    pub const fn mtime(&self) -> u64 {
        self.mtime
    }

    /// Sets `mtime`.
    pub fn set_mtime(&mut self, mtime: u64) {
        self.mtime = mtime;
    }

    /// The current `mtimecmp`.
    pub const fn mtimecmp(&self) -> u64 {
        self.mtimecmp
    }

    /// Sets `mtimecmp`.
    pub fn set_mtimecmp(&mut self, mtimecmp: u64) {
        self.mtimecmp = mtimecmp;
    }

    /// Sets the `msip` bit.
    pub fn set_msip(&mut self, pending: bool) {
        self.msip = pending;
    }

    /// Advances `mtime` by `ticks` (wrapping, as the 64-bit counter does).
    #[inline]
    pub fn advance(&mut self, ticks: u64) {
        self.mtime = self.mtime.wrapping_add(ticks);
    }

    /// `mip.MTIP`: the timer interrupt is pending while `mtime >= mtimecmp` (ACLINT, "MTIMER").
    #[inline]
    pub const fn timer_pending(&self) -> bool {
        self.mtime >= self.mtimecmp
    }

    /// `mip.MSIP`: bit 0 of `msip`.
    #[inline]
    pub const fn software_pending(&self) -> bool {
        self.msip
    }

    /// Ticks until the timer interrupt becomes pending: `Some(0)` when it is pending, `None` when
    /// `mtimecmp` is `u64::MAX` (the reset value: the timer is effectively off). A hart in `wfi` can
    /// skip ahead by this much.
    pub const fn ticks_until_timer(&self) -> Option<u64> {
        if self.mtime >= self.mtimecmp {
            Some(0)
        } else if self.mtimecmp == u64::MAX {
            None
        } else {
            Some(self.mtimecmp - self.mtime)
        }
    }

    /// The 32-bit register word at `offset` (word aligned), 0 for offsets with no register.
    fn word(&self, offset: u32) -> u32 {
        match offset {
            MSIP => u32::from(self.msip),
            MTIMECMP => self.mtimecmp as u32,
            o if o == MTIMECMP + 4 => (self.mtimecmp >> 32) as u32,
            MTIME => self.mtime as u32,
            o if o == MTIME + 4 => (self.mtime >> 32) as u32,
            _ => 0,
        }
    }

    /// Replaces the 32-bit register word at `offset` (word aligned); offsets with no register ignore
    /// writes.
    fn set_word(&mut self, offset: u32, value: u32) {
        let low = |old: u64| (old & !0xffff_ffff) | u64::from(value);
        let high = |old: u64| (old & 0xffff_ffff) | (u64::from(value) << 32);
        match offset {
            MSIP => self.msip = value & 1 != 0,
            MTIMECMP => self.mtimecmp = low(self.mtimecmp),
            o if o == MTIMECMP + 4 => self.mtimecmp = high(self.mtimecmp),
            MTIME => self.mtime = low(self.mtime),
            o if o == MTIME + 4 => self.mtime = high(self.mtime),
            _ => {}
        }
    }

    /// Reads `size` bytes at `offset` from [`Clint::BASE`]. Narrow reads see part of a register word;
    /// offsets with no register read 0.
    pub fn read(&self, offset: u32, size: super::AccessSize) -> u32 {
        let shift = (offset & 3) * 8;
        let value = self.word(offset & !3) >> shift;
        match size {
            super::AccessSize::Byte => value & 0xff,
            super::AccessSize::Half => value & 0xffff,
            super::AccessSize::Word => value,
        }
    }

    /// Writes the low `size` bytes of `value` at `offset` from [`Clint::BASE`]. A narrow write
    /// replaces only its bytes of the register word; offsets with no register ignore writes.
    pub fn write(&mut self, offset: u32, size: super::AccessSize, value: u32) {
        let shift = (offset & 3) * 8;
        let mask = match size {
            super::AccessSize::Byte => 0xff,
            super::AccessSize::Half => 0xffff,
            super::AccessSize::Word => 0xffff_ffff,
        };
        let mask = mask << shift;
        let word = offset & !3;
        let merged = (self.word(word) & !mask) | ((value << shift) & mask);
        self.set_word(word, merged);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mem::AccessSize::{Byte, Half, Word};

    #[test]
    fn reset_state_has_nothing_pending() {
        let c = Clint::new();
        assert_eq!(c.mtime(), 0);
        assert_eq!(c.mtimecmp(), u64::MAX);
        assert!(!c.timer_pending());
        assert!(!c.software_pending());
        assert_eq!(c.ticks_until_timer(), None);
        assert_eq!(Clint::default(), c);
        assert_eq!(c.read(MTIMECMP, Word), u32::MAX);
        assert_eq!(c.read(MTIMECMP + 4, Word), u32::MAX);
    }

    #[test]
    fn msip_is_bit_0() {
        let mut c = Clint::new();
        c.write(MSIP, Word, 0xffff_fffe);
        assert!(!c.software_pending());
        c.write(MSIP, Word, 1);
        assert!(c.software_pending());
        assert_eq!(c.read(MSIP, Word), 1);
        c.write(MSIP, Byte, 0);
        assert!(!c.software_pending());
        c.set_msip(true);
        assert_eq!(c.read(MSIP, Byte), 1);
    }

    #[test]
    fn mtime_and_mtimecmp_are_two_32_bit_halves() {
        let mut c = Clint::new();
        c.write(MTIME, Word, 0x89ab_cdef);
        c.write(MTIME + 4, Word, 0x0123_4567);
        assert_eq!(c.mtime(), 0x0123_4567_89ab_cdef);
        assert_eq!(c.read(MTIME, Word), 0x89ab_cdef);
        assert_eq!(c.read(MTIME + 4, Word), 0x0123_4567);
        assert_eq!(c.read(MTIME + 4, Half), 0x4567);
        assert_eq!(c.read(MTIME + 6, Half), 0x0123);
        assert_eq!(c.read(MTIME + 7, Byte), 0x01);
        c.write(MTIMECMP, Word, 10);
        c.write(MTIMECMP + 4, Word, 0);
        assert_eq!(c.mtimecmp(), 10);
        c.write(MTIMECMP + 1, Byte, 0x01); // narrow write replaces one byte
        assert_eq!(c.mtimecmp(), 0x10a);
    }

    #[test]
    fn timer_pending_while_mtime_reaches_mtimecmp() {
        let mut c = Clint::new();
        c.set_mtimecmp(100);
        assert_eq!(c.ticks_until_timer(), Some(100));
        c.advance(99);
        assert!(!c.timer_pending());
        c.advance(1);
        assert!(c.timer_pending());
        assert_eq!(c.ticks_until_timer(), Some(0));
        c.advance(1000);
        assert!(c.timer_pending());
        // Writing a later mtimecmp clears it; the usual "write high half to MAX first" sequence
        // never makes a spurious interrupt.
        c.write(MTIMECMP + 4, Word, u32::MAX);
        c.write(MTIMECMP, Word, 5000);
        c.write(MTIMECMP + 4, Word, 0);
        assert!(!c.timer_pending());
        c.set_mtime(5000);
        assert!(c.timer_pending());
        c.set_mtime(u64::MAX);
        c.advance(1);
        assert_eq!(c.mtime(), 0);
    }

    #[test]
    fn unmapped_offsets_read_zero_and_ignore_writes() {
        let mut c = Clint::new();
        let before = c.clone();
        c.write(0x4, Word, 1);
        c.write(0x8000, Word, 1);
        c.write(0xbff0, Word, 1);
        assert_eq!(c, before);
        assert_eq!(c.read(0x4, Word), 0);
        assert_eq!(c.read(0xbffc + 4, Word), 0);
    }
}
