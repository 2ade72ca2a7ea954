//! The control and status register file of one hart: storage, WARL legalisation, views and access rules.
//!
//! Follows the RISC-V Privileged ISA v1.12: section 2.1 (CSR address conventions: bits \[11:10\] = 3
//! means read-only, bits \[9:8\] give the lowest privilege that may access the CSR), chapter 3 (machine
//! level: `mstatus`, `misa`, `medeleg`/`mideleg`, `mie`/`mip`, `mtvec`, counters, `menvcfg`, PMP) and
//! chapter 4 (supervisor level: `sstatus`, `sie`/`sip` as views through `mideleg`, `satp`).
//!
//! The executor asks [`Csrs::check_access`] first (privilege, read-only and counter-enable rules, TVM),
//! then uses [`Csrs::read`] and [`Csrs::write`]. `read` has no side effects, so the same function
//! serves the debugger view [`crate::cpu::hart::Hart::csr`].

use super::csr_addr as addr;
use super::Privilege;

/// `mstatus`/`sstatus` field masks (Privileged ISA v1.12, section 3.1.6, Figure 3.7).
pub mod mstatus {
    /// Supervisor interrupt enable.
    pub const SIE: u32 = 1 << 1;
    /// Machine interrupt enable.
    pub const MIE: u32 = 1 << 3;
    /// SIE before the last trap into S-mode.
    pub const SPIE: u32 = 1 << 5;
    /// MIE before the last trap into M-mode.
    pub const MPIE: u32 = 1 << 7;
    /// Privilege before the last trap into S-mode (0 = U, 1 = S).
    pub const SPP: u32 = 1 << 8;
    /// Shift of the two-bit MPP field.
    pub const MPP_SHIFT: u32 = 11;
    /// Privilege before the last trap into M-mode.
    pub const MPP: u32 = 3 << MPP_SHIFT;
    /// Modify PRiVilege: M-mode loads and stores translate as if in `MPP`.
    pub const MPRV: u32 = 1 << 17;
    /// Permit Supervisor User Memory access.
    pub const SUM: u32 = 1 << 18;
    /// Make eXecutable Readable.
    pub const MXR: u32 = 1 << 19;
    /// Trap Virtual Memory: `satp` access and `sfence.vma` in S-mode are illegal.
    pub const TVM: u32 = 1 << 20;
    /// Timeout Wait: `wfi` below M-mode is illegal.
    pub const TW: u32 = 1 << 21;
    /// Trap SRET: `sret` in S-mode is illegal.
    pub const TSR: u32 = 1 << 22;
    /// Bits software can change through `mstatus` (all other fields are read-only zero here: no F,
    /// V or custom extension state, little-endian only).
    pub const WRITABLE: u32 =
        SIE | MIE | SPIE | MPIE | SPP | MPP | MPRV | SUM | MXR | TVM | TW | TSR;
    /// The `sstatus` view (section 4.1.1): the S-level fields of `mstatus`.
    pub const SSTATUS: u32 = SIE | SPIE | SPP | SUM | MXR;
}

/// `mip`/`mie` bit masks (Privileged ISA v1.12, section 3.1.9, Figures 3.14-3.15).
pub mod irq {
    /// Supervisor software interrupt.
    pub const SSI: u32 = 1 << 1;
    /// Machine software interrupt.
    pub const MSI: u32 = 1 << 3;
    /// Supervisor timer interrupt.
    pub const STI: u32 = 1 << 5;
    /// Machine timer interrupt.
    pub const MTI: u32 = 1 << 7;
    /// Supervisor external interrupt.
    pub const SEI: u32 = 1 << 9;
    /// Machine external interrupt.
    pub const MEI: u32 = 1 << 11;
    /// Every interrupt this hart has.
    pub const ALL: u32 = SSI | MSI | STI | MTI | SEI | MEI;
    /// The supervisor-level interrupts: the only ones `mideleg` can delegate.
    pub const S_LEVEL: u32 = SSI | STI | SEI;
    /// The `mip` bits driven by devices (CLINT, external interrupt controller), read-only in `mip`.
    pub const DEVICE: u32 = MSI | MTI | MEI;
}

/// `misa`: MXL = 1 (XLEN 32) and the extensions A, C, I, M, S, U (section 3.1.1, Table 3.2).
pub const MISA: u32 = (1 << 30)
    | (1 << 0) // A
    | (1 << 2) // C
    | (1 << 8) // I
    | (1 << 12) // M
    | (1 << 18) // S
    | (1 << 20); // U

/// Exceptions `medeleg` can delegate: every cause this hart raises except ecall from M-mode (bit 11
/// is read-only zero, section 3.1.8).
const MEDELEG_WRITABLE: u32 = 0x0000_b3ff;
/// `mcountinhibit`: bit 1 (time) is read-only zero (section 3.1.13).
const MCOUNTINHIBIT_WRITABLE: u32 = !0b10;
/// `menvcfg`/`senvcfg`: only FIOM is implemented (section 3.1.18); the rest is read-only zero.
const ENVCFG_FIOM: u32 = 1;
/// `satp`: MODE (bit 31), ASID (bits 30:22, all nine implemented) and PPN (bits 21:0).
const SATP_WRITABLE: u32 = 0xffff_ffff;
/// The PMP configuration bits that exist: R, W, X, A (2 bits) and L (section 3.7.1, Figure 3.32).
const PMPCFG_WRITABLE: u8 = 0b1001_1111;
/// PMP entry lock bit.
const PMP_L: u8 = 0x80;
/// PMP address-matching mode field.
const PMP_A: u8 = 0x18;
/// PMP address-matching mode "top of range".
const PMP_A_TOR: u8 = 0x08;

/// What a CSR write changed, so the hart can refresh the state it derives from CSRs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct WriteEffect {
    /// Cached address translations are stale (`satp`, or `mstatus` MPRV/MPP/SUM/MXR changed).
    pub translation: bool,
    /// Interrupt pending/enable state may have changed (`mstatus`, `mie`, `mip`, `mideleg`, views).
    pub interrupts: bool,
    /// `mcycle`/`minstret` (or a half) was written: this instruction must not increment it again
    /// (Unprivileged ISA, "Zicntr": the written value is what the next instruction observes).
    pub counters: bool,
}

/// Why a CSR access is refused: the executor raises an illegal-instruction exception.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CsrAccessError {
    /// No CSR at this address on this hart.
    Unimplemented,
    /// The current privilege is below the one in address bits \[9:8\].
    Privilege,
    /// A write to a read-only CSR (address bits \[11:10\] = 3).
    ReadOnly,
    /// A counter read that `mcounteren`/`scounteren` does not allow at this privilege.
    CounterDisabled,
    /// `satp` accessed from S-mode while `mstatus.TVM = 1`.
    TrapVirtualMemory,
}

/// The CSR file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Csrs {
    /// `mstatus` (RV32 low half; `mstatush` is read-only zero: little-endian only).
    pub(crate) mstatus: u32,
    pub(crate) medeleg: u32,
    pub(crate) mideleg: u32,
    pub(crate) mie: u32,
    /// Software-writable pending bits of `mip` (SSIP, STIP, SEIP).
    pub(crate) mip_sw: u32,
    /// Device-driven pending bits of `mip` (MSIP, MTIP, MEIP), refreshed by the hart from the bus.
    pub(crate) mip_dev: u32,
    pub(crate) mtvec: u32,
    pub(crate) stvec: u32,
    pub(crate) mepc: u32,
    pub(crate) sepc: u32,
    pub(crate) mcause: u32,
    pub(crate) scause: u32,
    pub(crate) mtval: u32,
    pub(crate) stval: u32,
    pub(crate) mscratch: u32,
    pub(crate) sscratch: u32,
    pub(crate) satp: u32,
    pub(crate) mcounteren: u32,
    pub(crate) scounteren: u32,
    pub(crate) mcountinhibit: u32,
    pub(crate) menvcfg: u32,
    pub(crate) senvcfg: u32,
    pmpcfg: [u8; 64],
    pmpaddr: [u32; 64],
    /// `mcycle`: incremented once per step (instruction or trap) unless inhibited.
    pub(crate) mcycle: u64,
    /// `minstret`: incremented once per retired instruction unless inhibited.
    pub(crate) minstret: u64,
}

impl Default for Csrs {
    fn default() -> Self {
        Csrs::new()
    }
}

impl Csrs {
    /// The reset state (section 3.4): M-mode, `mstatus.MIE = 0`, `MPRV = 0`, everything else zero.
    pub const fn new() -> Csrs {
        Csrs {
            mstatus: 0,
            medeleg: 0,
            mideleg: 0,
            mie: 0,
            mip_sw: 0,
            mip_dev: 0,
            mtvec: 0,
            stvec: 0,
            mepc: 0,
            sepc: 0,
            mcause: 0,
            scause: 0,
            mtval: 0,
            stval: 0,
            mscratch: 0,
            sscratch: 0,
            satp: 0,
            mcounteren: 0,
            scounteren: 0,
            mcountinhibit: 0,
            menvcfg: 0,
            senvcfg: 0,
            pmpcfg: [0; 64],
            pmpaddr: [0; 64],
            mcycle: 0,
            minstret: 0,
        }
    }

    /// The value of `mip` as software reads it.
    pub const fn mip(&self) -> u32 {
        self.mip_sw | self.mip_dev
    }

    /// `mstatus.MPP` as a privilege (the WARL rule keeps the field legal).
    pub const fn mpp(&self) -> Privilege {
        match Privilege::from_bits(self.mstatus >> mstatus::MPP_SHIFT) {
            Some(p) => p,
            None => Privilege::User,
        }
    }

    /// Checks that the CSR at `csr` may be accessed from `privilege`; `write` is true for
    /// instructions that write it (`csrrw*` always, `csrrs*`/`csrrc*` unless the operand is `x0`/0).
    ///
    /// Section 2.1: bits \[11:10\] = 3 mark read-only CSRs, bits \[9:8\] the lowest privilege allowed.
    /// Section 3.1.11: `mcounteren`/`scounteren` gate the unprivileged counters below M-mode.
    /// Section 3.1.6.5: with `mstatus.TVM = 1`, `satp` is illegal in S-mode.
    pub fn check_access(
        &self,
        csr: u16,
        privilege: Privilege,
        write: bool,
    ) -> Result<(), CsrAccessError> {
        if !Self::exists(csr) {
            return Err(CsrAccessError::Unimplemented);
        }
        if privilege.bits() < u32::from((csr >> 8) & 3) {
            return Err(CsrAccessError::Privilege);
        }
        if write && (csr >> 10) & 3 == 3 {
            return Err(CsrAccessError::ReadOnly);
        }
        if is_unprivileged_counter(csr) {
            let bit = 1u32 << (csr & 0x1f);
            if privilege < Privilege::Machine && self.mcounteren & bit == 0 {
                return Err(CsrAccessError::CounterDisabled);
            }
            if privilege == Privilege::User && self.scounteren & bit == 0 {
                return Err(CsrAccessError::CounterDisabled);
            }
        }
        if csr == addr::SATP
            && privilege == Privilege::Supervisor
            && self.mstatus & mstatus::TVM != 0
        {
            return Err(CsrAccessError::TrapVirtualMemory);
        }
        Ok(())
    }

    /// Whether this hart implements the CSR at `csr`.
    pub fn exists(csr: u16) -> bool {
        matches!(
            csr,
            addr::SSTATUS
                | addr::SIE
                | addr::STVEC
                | addr::SCOUNTEREN
                | addr::SENVCFG
                | addr::SSCRATCH
                | addr::SEPC
                | addr::SCAUSE
                | addr::STVAL
                | addr::SIP
                | addr::SATP
                | addr::MVENDORID
                | addr::MARCHID
                | addr::MIMPID
                | addr::MHARTID
                | addr::MCONFIGPTR
                | addr::MSTATUS
                | addr::MISA
                | addr::MEDELEG
                | addr::MIDELEG
                | addr::MIE
                | addr::MTVEC
                | addr::MCOUNTEREN
                | addr::MENVCFG
                | addr::MSTATUSH
                | addr::MENVCFGH
                | addr::MCOUNTINHIBIT
                | addr::MSCRATCH
                | addr::MEPC
                | addr::MCAUSE
                | addr::MTVAL
                | addr::MIP
                | 0x3A0..=0x3AF // pmpcfg0..15
                | 0x3B0..=0x3EF // pmpaddr0..63
                | 0x323..=0x33F // mhpmevent3..31
                | 0xB00..=0xB1F // mcycle, minstret, mhpmcounter3..31 (0xB01 is not one)
                | 0xB80..=0xB9F
                | 0xC00..=0xC1F // cycle, time, instret, hpmcounter3..31
                | 0xC80..=0xC9F
        ) && csr != 0xB01
            && csr != 0xB81
    }

    /// Reads the CSR at `csr` without side effects; `mtime` is the platform timer (for `time`).
    /// `None` when the CSR does not exist. Privilege is not checked here.
    pub fn read(&self, csr: u16, mtime: u64) -> Option<u32> {
        if !Self::exists(csr) {
            return None;
        }
        Some(match csr {
            addr::SSTATUS => self.mstatus & mstatus::SSTATUS,
            addr::SIE => self.mie & self.mideleg,
            addr::SIP => self.mip() & self.mideleg,
            addr::STVEC => self.stvec,
            addr::SCOUNTEREN => self.scounteren,
            addr::SENVCFG => self.senvcfg,
            addr::SSCRATCH => self.sscratch,
            addr::SEPC => self.sepc,
            addr::SCAUSE => self.scause,
            addr::STVAL => self.stval,
            addr::SATP => self.satp,
            addr::MVENDORID | addr::MARCHID | addr::MIMPID | addr::MHARTID | addr::MCONFIGPTR => 0,
            addr::MSTATUS => self.mstatus,
            addr::MSTATUSH => 0,
            addr::MISA => MISA,
            addr::MEDELEG => self.medeleg,
            addr::MIDELEG => self.mideleg,
            addr::MIE => self.mie,
            addr::MIP => self.mip(),
            addr::MTVEC => self.mtvec,
            addr::MCOUNTEREN => self.mcounteren,
            addr::MENVCFG => self.menvcfg,
            addr::MENVCFGH => 0,
            addr::MCOUNTINHIBIT => self.mcountinhibit,
            addr::MSCRATCH => self.mscratch,
            addr::MEPC => self.mepc,
            addr::MCAUSE => self.mcause,
            addr::MTVAL => self.mtval,
            addr::MCYCLE | addr::CYCLE => self.mcycle as u32,
            addr::MCYCLEH | addr::CYCLEH => (self.mcycle >> 32) as u32,
            addr::MINSTRET | addr::INSTRET => self.minstret as u32,
            addr::MINSTRETH | addr::INSTRETH => (self.minstret >> 32) as u32,
            addr::TIME => mtime as u32,
            addr::TIMEH => (mtime >> 32) as u32,
            0x3A0..=0x3AF => {
                let i = usize::from(csr - addr::PMPCFG0) * 4;
                u32::from_le_bytes([
                    self.pmpcfg[i],
                    self.pmpcfg[i + 1],
                    self.pmpcfg[i + 2],
                    self.pmpcfg[i + 3],
                ])
            }
            0x3B0..=0x3EF => self.pmpaddr[usize::from(csr - addr::PMPADDR0)],
            // mhpmevent3..31 and the hpm counters: implemented as read-only zero (section 3.1.10
            // allows this "minimal" implementation; writes are ignored).
            _ => 0,
        })
    }

    /// Writes `value` to the CSR at `csr`, applying each field's WARL rule. Unknown and read-only
    /// addresses are ignored (the caller has already called [`Csrs::check_access`]).
    pub fn write(&mut self, csr: u16, value: u32) -> WriteEffect {
        let mut effect = WriteEffect::default();
        match csr {
            addr::MSTATUS => {
                self.write_mstatus(value, mstatus::WRITABLE);
                effect.translation = true;
                effect.interrupts = true;
            }
            addr::SSTATUS => {
                self.write_mstatus(value, mstatus::SSTATUS);
                effect.translation = true;
                effect.interrupts = true;
            }
            addr::MEDELEG => self.medeleg = value & MEDELEG_WRITABLE,
            addr::MIDELEG => {
                self.mideleg = value & irq::S_LEVEL;
                effect.interrupts = true;
            }
            addr::MIE => {
                self.mie = value & irq::ALL;
                effect.interrupts = true;
            }
            addr::SIE => {
                let mask = irq::S_LEVEL & self.mideleg;
                self.mie = (self.mie & !mask) | (value & mask);
                effect.interrupts = true;
            }
            addr::MIP => {
                // Section 3.1.9: SSIP, STIP and SEIP are writable from M-mode; MSIP, MTIP and MEIP
                // are read-only, driven by the CLINT and the interrupt controller.
                self.mip_sw = value & irq::S_LEVEL;
                effect.interrupts = true;
            }
            addr::SIP => {
                // Section 4.1.3: only SSIP is writable through sip, and only when delegated.
                let mask = irq::SSI & self.mideleg;
                self.mip_sw = (self.mip_sw & !mask) | (value & mask);
                effect.interrupts = true;
            }
            addr::MTVEC => self.mtvec = legalize_tvec(self.mtvec, value),
            addr::STVEC => self.stvec = legalize_tvec(self.stvec, value),
            // Section 3.1.14: with IALIGN = 16, bit 0 of xepc is always zero.
            addr::MEPC => self.mepc = value & !1,
            addr::SEPC => self.sepc = value & !1,
            addr::MCAUSE => self.mcause = value,
            addr::SCAUSE => self.scause = value,
            addr::MTVAL => self.mtval = value,
            addr::STVAL => self.stval = value,
            addr::MSCRATCH => self.mscratch = value,
            addr::SSCRATCH => self.sscratch = value,
            addr::SATP => {
                self.satp = value & SATP_WRITABLE;
                effect.translation = true;
            }
            addr::MCOUNTEREN => self.mcounteren = value,
            addr::SCOUNTEREN => self.scounteren = value,
            addr::MCOUNTINHIBIT => self.mcountinhibit = value & MCOUNTINHIBIT_WRITABLE,
            addr::MENVCFG => self.menvcfg = value & ENVCFG_FIOM,
            addr::SENVCFG => self.senvcfg = value & ENVCFG_FIOM,
            addr::MCYCLE => {
                self.mcycle = (self.mcycle & !0xffff_ffff) | u64::from(value);
                effect.counters = true;
            }
            addr::MCYCLEH => {
                self.mcycle = (self.mcycle & 0xffff_ffff) | (u64::from(value) << 32);
                effect.counters = true;
            }
            addr::MINSTRET => {
                self.minstret = (self.minstret & !0xffff_ffff) | u64::from(value);
                effect.counters = true;
            }
            addr::MINSTRETH => {
                self.minstret = (self.minstret & 0xffff_ffff) | (u64::from(value) << 32);
                effect.counters = true;
            }
            0x3A0..=0x3AF => self.write_pmpcfg(usize::from(csr - addr::PMPCFG0), value),
            0x3B0..=0x3EF => self.write_pmpaddr(usize::from(csr - addr::PMPADDR0), value),
            _ => {}
        }
        effect
    }

    /// Section 3.1.6: writes the `mask` fields of `mstatus`; MPP is WARL and never holds the
    /// reserved encoding 2 (a write of 2 keeps the previous value).
    fn write_mstatus(&mut self, value: u32, mask: u32) {
        let mut new = (self.mstatus & !mask) | (value & mask);
        if (new & mstatus::MPP) >> mstatus::MPP_SHIFT == 2 {
            new = (new & !mstatus::MPP) | (self.mstatus & mstatus::MPP);
        }
        self.mstatus = new;
    }

    /// Section 3.7.1: one `pmpcfgN` register holds the configuration of entries `4N..4N+3`. Locked
    /// entries ignore writes; the reserved bits 6:5 read zero; the reserved R=0/W=1 combination is
    /// legalised to R=0/W=0.
    fn write_pmpcfg(&mut self, n: usize, value: u32) {
        for (k, byte) in value.to_le_bytes().into_iter().enumerate() {
            let i = n * 4 + k;
            if self.pmpcfg[i] & PMP_L != 0 {
                continue;
            }
            let mut cfg = byte & PMPCFG_WRITABLE;
            if cfg & 0b11 == 0b10 {
                cfg &= !0b10;
            }
            self.pmpcfg[i] = cfg;
        }
    }

    /// Section 3.7.1: `pmpaddrN` is ignored when entry N is locked, or when entry N+1 is a locked
    /// top-of-range entry (which uses `pmpaddrN` as its lower bound).
    fn write_pmpaddr(&mut self, i: usize, value: u32) {
        let locked = self.pmpcfg[i] & PMP_L != 0;
        let next_tor_locked = self
            .pmpcfg
            .get(i + 1)
            .is_some_and(|c| c & PMP_L != 0 && c & PMP_A == PMP_A_TOR);
        if !locked && !next_tor_locked {
            self.pmpaddr[i] = value;
        }
    }
}

/// Section 3.1.7: `xtvec` MODE 0 is direct, 1 vectored, values >= 2 are reserved; this WARL field
/// keeps its previous mode when a reserved one is written. BASE is 4-byte aligned by construction.
fn legalize_tvec(old: u32, value: u32) -> u32 {
    let mode = if value & 3 < 2 { value & 3 } else { old & 3 };
    (value & !3) | mode
}

/// `cycle`, `time`, `instret`, `hpmcounter3..31` and their high halves: the CSRs gated by
/// `mcounteren`/`scounteren`.
fn is_unprivileged_counter(csr: u16) -> bool {
    matches!(csr, 0xC00..=0xC1F | 0xC80..=0xC9F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misa_reports_rv32_imacsu() {
        let c = Csrs::new();
        assert_eq!(c.read(addr::MISA, 0), Some(0x4014_1105));
    }

    #[test]
    fn access_rules_from_address_bits() {
        let c = Csrs::new();
        assert_eq!(
            c.check_access(addr::MSTATUS, Privilege::Machine, true),
            Ok(())
        );
        assert_eq!(
            c.check_access(addr::MSTATUS, Privilege::Supervisor, false),
            Err(CsrAccessError::Privilege)
        );
        assert_eq!(
            c.check_access(addr::SSTATUS, Privilege::Supervisor, true),
            Ok(())
        );
        assert_eq!(
            c.check_access(addr::SSTATUS, Privilege::User, false),
            Err(CsrAccessError::Privilege)
        );
        assert_eq!(
            c.check_access(addr::MHARTID, Privilege::Machine, true),
            Err(CsrAccessError::ReadOnly)
        );
        assert_eq!(
            c.check_access(addr::MHARTID, Privilege::Machine, false),
            Ok(())
        );
        assert_eq!(
            c.check_access(0x7B0, Privilege::Machine, false), // dcsr: debug mode only
            Err(CsrAccessError::Unimplemented)
        );
        assert_eq!(
            c.check_access(0xB01, Privilege::Machine, false),
            Err(CsrAccessError::Unimplemented)
        );
    }

    #[test]
    fn counters_are_gated_by_counteren() {
        let mut c = Csrs::new();
        assert_eq!(
            c.check_access(addr::CYCLE, Privilege::Machine, false),
            Ok(())
        );
        assert_eq!(
            c.check_access(addr::CYCLE, Privilege::Supervisor, false),
            Err(CsrAccessError::CounterDisabled)
        );
        c.write(addr::MCOUNTEREN, 0b101);
        assert_eq!(
            c.check_access(addr::CYCLE, Privilege::Supervisor, false),
            Ok(())
        );
        assert_eq!(
            c.check_access(addr::TIME, Privilege::Supervisor, false),
            Err(CsrAccessError::CounterDisabled)
        );
        assert_eq!(
            c.check_access(addr::INSTRETH, Privilege::User, false),
            Err(CsrAccessError::CounterDisabled)
        );
        c.write(addr::SCOUNTEREN, 0b100);
        assert_eq!(
            c.check_access(addr::INSTRETH, Privilege::User, false),
            Ok(())
        );
        assert_eq!(
            c.check_access(addr::CYCLE, Privilege::User, true),
            Err(CsrAccessError::ReadOnly)
        );
    }

    #[test]
    fn satp_traps_under_tvm() {
        let mut c = Csrs::new();
        assert_eq!(
            c.check_access(addr::SATP, Privilege::Supervisor, true),
            Ok(())
        );
        c.write(addr::MSTATUS, mstatus::TVM);
        assert_eq!(
            c.check_access(addr::SATP, Privilege::Supervisor, false),
            Err(CsrAccessError::TrapVirtualMemory)
        );
        assert_eq!(c.check_access(addr::SATP, Privilege::Machine, true), Ok(()));
    }

    #[test]
    fn mstatus_warl_and_sstatus_view() {
        let mut c = Csrs::new();
        c.write(addr::MSTATUS, 0xffff_ffff);
        assert_eq!(c.read(addr::MSTATUS, 0), Some(mstatus::WRITABLE));
        c.write(addr::MSTATUS, 2 << mstatus::MPP_SHIFT);
        // MPP = 2 is reserved: the field keeps its previous value (3).
        assert_eq!(c.mpp(), Privilege::Machine);
        c.write(addr::MSTATUS, 1 << mstatus::MPP_SHIFT);
        assert_eq!(c.mpp(), Privilege::Supervisor);
        c.write(addr::SSTATUS, 0xffff_ffff);
        assert_eq!(c.read(addr::SSTATUS, 0), Some(mstatus::SSTATUS));
        // sstatus writes cannot touch M-level fields.
        assert_eq!(c.read(addr::MSTATUS, 0).unwrap() & mstatus::MIE, 0);
        assert_eq!(c.read(addr::MSTATUSH, 0), Some(0));
    }

    #[test]
    fn delegation_registers_warl() {
        let mut c = Csrs::new();
        c.write(addr::MEDELEG, 0xffff_ffff);
        assert_eq!(c.read(addr::MEDELEG, 0), Some(0xb3ff));
        c.write(addr::MIDELEG, 0xffff_ffff);
        assert_eq!(c.read(addr::MIDELEG, 0), Some(irq::S_LEVEL));
    }

    #[test]
    fn sip_sie_are_views_through_mideleg() {
        let mut c = Csrs::new();
        c.write(addr::MIE, 0xffff_ffff);
        assert_eq!(c.read(addr::MIE, 0), Some(irq::ALL));
        assert_eq!(c.read(addr::SIE, 0), Some(0));
        c.write(addr::MIP, 0xffff_ffff);
        assert_eq!(c.read(addr::MIP, 0), Some(irq::S_LEVEL));
        assert_eq!(c.read(addr::SIP, 0), Some(0));
        c.write(addr::MIDELEG, irq::SSI | irq::STI);
        assert_eq!(c.read(addr::SIP, 0), Some(irq::SSI | irq::STI));
        c.write(addr::SIP, 0);
        // Only SSIP is writable through sip.
        assert_eq!(c.read(addr::SIP, 0), Some(irq::STI));
        c.write(addr::SIE, 0);
        assert_eq!(
            c.read(addr::MIE, 0),
            Some(irq::ALL & !(irq::SSI | irq::STI))
        );
        c.mip_dev = irq::MTI;
        assert_eq!(c.read(addr::MIP, 0), Some(irq::MTI | irq::STI | irq::SEI));
        c.write(addr::MIP, 0);
        assert_eq!(c.read(addr::MIP, 0), Some(irq::MTI));
    }

    #[test]
    fn tvec_and_epc_legalisation() {
        let mut c = Csrs::new();
        c.write(addr::MTVEC, 0x8000_0101);
        assert_eq!(c.read(addr::MTVEC, 0), Some(0x8000_0101));
        c.write(addr::MTVEC, 0x8000_0203);
        assert_eq!(c.read(addr::MTVEC, 0), Some(0x8000_0201));
        c.write(addr::STVEC, 0x1002);
        assert_eq!(c.read(addr::STVEC, 0), Some(0x1000));
        c.write(addr::MEPC, 0x1235);
        assert_eq!(c.read(addr::MEPC, 0), Some(0x1234));
        c.write(addr::SEPC, 0xffff_ffff);
        assert_eq!(c.read(addr::SEPC, 0), Some(0xffff_fffe));
    }

    #[test]
    fn counters_and_time() {
        let mut c = Csrs::new();
        c.minstret = 0x1_0000_0002;
        c.mcycle = 0x3_0000_0004;
        assert_eq!(c.read(addr::INSTRET, 0), Some(2));
        assert_eq!(c.read(addr::MINSTRETH, 0), Some(1));
        assert_eq!(c.read(addr::CYCLEH, 0), Some(3));
        assert_eq!(c.read(addr::TIME, 0x5_0000_0006), Some(6));
        assert_eq!(c.read(addr::TIMEH, 0x5_0000_0006), Some(5));
        assert!(c.write(addr::MCYCLEH, 7).counters);
        assert_eq!(c.mcycle, 0x7_0000_0004);
        c.write(addr::MCOUNTINHIBIT, 0xffff_ffff);
        assert_eq!(c.read(addr::MCOUNTINHIBIT, 0), Some(0xffff_fffd));
        assert_eq!(c.read(0xB03, 0), Some(0)); // mhpmcounter3
        assert_eq!(c.read(0x323, 0), Some(0)); // mhpmevent3
    }

    #[test]
    fn pmp_registers_and_locks() {
        let mut c = Csrs::new();
        c.write(addr::PMPADDR0, 0x2000_0000);
        c.write(addr::PMPCFG0, 0x0000_8f62);
        // Entry 0: reserved bits cleared, W without R legalised; entry 1: TOR | X | W | R | L.
        assert_eq!(c.read(addr::PMPCFG0, 0), Some(0x0000_8f00));
        c.write(addr::PMPADDR0, 0x1234); // lower bound of a locked TOR entry: ignored
        assert_eq!(c.read(addr::PMPADDR0, 0), Some(0x2000_0000));
        c.write(addr::PMPADDR0 + 1, 0x1234); // entry 1 locked: ignored
        assert_eq!(c.read(addr::PMPADDR0 + 1, 0), Some(0));
        c.write(addr::PMPCFG0, 0);
        assert_eq!(c.read(addr::PMPCFG0, 0), Some(0x0000_8f00));
        c.write(addr::PMPADDR0 + 63, 5);
        assert_eq!(c.read(addr::PMPADDR0 + 63, 0), Some(5));
        c.write(addr::PMPCFG0 + 15, 0x0101_0101);
        assert_eq!(c.read(addr::PMPCFG0 + 15, 0), Some(0x0101_0101));
    }

    #[test]
    fn envcfg_only_fiom() {
        let mut c = Csrs::new();
        c.write(addr::MENVCFG, 0xffff_ffff);
        c.write(addr::SENVCFG, 0xffff_ffff);
        assert_eq!(c.read(addr::MENVCFG, 0), Some(1));
        assert_eq!(c.read(addr::SENVCFG, 0), Some(1));
        assert_eq!(c.read(addr::MENVCFGH, 0), Some(0));
    }
}
