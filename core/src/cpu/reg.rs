//! Integer register names: the one place that knows x0..x31 and their ABI names.

use core::fmt;

/// One of the 32 integer registers `x0`..`x31` of RV32I.
///
/// A newtype over the register number, so register indices never mix with other integers.
/// `x0` is hard-wired to zero; the executor handles that in one place (`Hart::set_reg`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Reg(u8);

/// ABI names of `x0`..`x31` (RISC-V ELF psABI, "Integer Register Convention").
const ABI_NAMES: [&str; 32] = [
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
];

impl Reg {
    /// `x0`, always zero.
    pub const ZERO: Reg = Reg(0);
    /// `x1`, the return address.
    pub const RA: Reg = Reg(1);
    /// `x2`, the stack pointer.
    pub const SP: Reg = Reg(2);
    /// `x10`, first argument and return value.
    pub const A0: Reg = Reg(10);
    /// `x11`, second argument.
    pub const A1: Reg = Reg(11);
    /// `x17`, the syscall number in the Linux ABI.
    pub const A7: Reg = Reg(17);

    /// The register numbered `n`, or `None` when `n > 31`.
    pub const fn new(n: u8) -> Option<Reg> {
        if n < 32 {
            Some(Reg(n))
        } else {
            None
        }
    }

    /// The register named by the low five bits of `bits` (an instruction field).
    pub const fn from_field(bits: u32) -> Reg {
        Reg((bits & 0x1f) as u8)
    }

    /// The register named by a 3-bit compressed field (`x8`..`x15`, the RVC "popular" registers).
    pub const fn from_compressed_field(bits: u32) -> Reg {
        Reg(8 + (bits & 0x7) as u8)
    }

    /// The register number, 0..=31.
    pub const fn number(self) -> u8 {
        self.0
    }

    /// The register number as an index into a register file.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The ABI name (`zero`, `ra`, `sp`, ..., `t6`).
    pub fn abi_name(self) -> &'static str {
        ABI_NAMES[self.index() & 31]
    }

    /// All 32 registers in order.
    pub fn all() -> impl Iterator<Item = Reg> {
        (0u8..32).map(Reg)
    }

    /// Looks a register up by ABI name (`a0`, `fp` for `s0`) or numeric name (`x10`).
    pub fn parse(name: &str) -> Option<Reg> {
        if name == "fp" {
            return Some(Reg(8));
        }
        if let Some(i) = ABI_NAMES.iter().position(|n| *n == name) {
            return Reg::new(i as u8);
        }
        let n: u8 = name.strip_prefix('x')?.parse().ok()?;
        Reg::new(n)
    }
}

impl fmt::Display for Reg {
    /// Prints the ABI name, as objdump does by default.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abi_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Reg::all() {
            assert_eq!(Reg::parse(r.abi_name()), Some(r));
            assert_eq!(Reg::parse(&alloc::format!("x{}", r.number())), Some(r));
        }
        assert_eq!(Reg::parse("fp"), Some(Reg(8)));
        assert_eq!(Reg::parse("x32"), None);
        assert_eq!(Reg::from_compressed_field(0b111).abi_name(), "a5");
    }
}
