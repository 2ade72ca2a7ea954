//! CSR addresses and their names: the one table shared by the executor, the disassembler and the UI.
//!
//! Addresses from the RISC-V Privileged ISA v1.12, section 2.2, Tables 2.2-2.5 ("Currently allocated
//! RISC-V unprivileged / supervisor / machine-level CSR addresses").

// Unprivileged counters/timers (read-only shadows, gated by mcounteren/scounteren).
/// `cycle`.
pub const CYCLE: u16 = 0xC00;
/// `time`.
pub const TIME: u16 = 0xC01;
/// `instret`.
pub const INSTRET: u16 = 0xC02;
/// `cycleh`.
pub const CYCLEH: u16 = 0xC80;
/// `timeh`.
pub const TIMEH: u16 = 0xC81;
/// `instreth`.
pub const INSTRETH: u16 = 0xC82;

// Supervisor.
/// `sstatus`: a restricted view of `mstatus`.
pub const SSTATUS: u16 = 0x100;
/// `sie`: a restricted view of `mie`.
pub const SIE: u16 = 0x104;
/// `stvec`.
pub const STVEC: u16 = 0x105;
/// `scounteren`.
pub const SCOUNTEREN: u16 = 0x106;
/// `senvcfg`.
pub const SENVCFG: u16 = 0x10A;
/// `sscratch`.
pub const SSCRATCH: u16 = 0x140;
/// `sepc`.
pub const SEPC: u16 = 0x141;
/// `scause`.
pub const SCAUSE: u16 = 0x142;
/// `stval`.
pub const STVAL: u16 = 0x143;
/// `sip`: a restricted view of `mip`.
pub const SIP: u16 = 0x144;
/// `satp`.
pub const SATP: u16 = 0x180;

// Machine.
/// `mvendorid`.
pub const MVENDORID: u16 = 0xF11;
/// `marchid`.
pub const MARCHID: u16 = 0xF12;
/// `mimpid`.
pub const MIMPID: u16 = 0xF13;
/// `mhartid`.
pub const MHARTID: u16 = 0xF14;
/// `mconfigptr`.
pub const MCONFIGPTR: u16 = 0xF15;
/// `mstatus`.
pub const MSTATUS: u16 = 0x300;
/// `misa`.
pub const MISA: u16 = 0x301;
/// `medeleg`.
pub const MEDELEG: u16 = 0x302;
/// `mideleg`.
pub const MIDELEG: u16 = 0x303;
/// `mie`.
pub const MIE: u16 = 0x304;
/// `mtvec`.
pub const MTVEC: u16 = 0x305;
/// `mcounteren`.
pub const MCOUNTEREN: u16 = 0x306;
/// `menvcfg`.
pub const MENVCFG: u16 = 0x30A;
/// `mstatush` (RV32 only).
pub const MSTATUSH: u16 = 0x310;
/// `menvcfgh` (RV32 only).
pub const MENVCFGH: u16 = 0x31A;
/// `mcountinhibit`.
pub const MCOUNTINHIBIT: u16 = 0x320;
/// `mscratch`.
pub const MSCRATCH: u16 = 0x340;
/// `mepc`.
pub const MEPC: u16 = 0x341;
/// `mcause`.
pub const MCAUSE: u16 = 0x342;
/// `mtval`.
pub const MTVAL: u16 = 0x343;
/// `mip`.
pub const MIP: u16 = 0x344;
/// `pmpcfg0`; `pmpcfg0..=pmpcfg15` are `PMPCFG0 + n`.
pub const PMPCFG0: u16 = 0x3A0;
/// `pmpaddr0`; `pmpaddr0..=pmpaddr63` are `PMPADDR0 + n`.
pub const PMPADDR0: u16 = 0x3B0;
/// `mcycle`.
pub const MCYCLE: u16 = 0xB00;
/// `minstret`.
pub const MINSTRET: u16 = 0xB02;
/// `mcycleh`.
pub const MCYCLEH: u16 = 0xB80;
/// `minstreth`.
pub const MINSTRETH: u16 = 0xB82;

/// Named CSRs with fixed addresses, in address order within each group.
const NAMES: &[(u16, &str)] = &[
    (SSTATUS, "sstatus"),
    (SIE, "sie"),
    (STVEC, "stvec"),
    (SCOUNTEREN, "scounteren"),
    (SENVCFG, "senvcfg"),
    (SSCRATCH, "sscratch"),
    (SEPC, "sepc"),
    (SCAUSE, "scause"),
    (STVAL, "stval"),
    (SIP, "sip"),
    (SATP, "satp"),
    (MSTATUS, "mstatus"),
    (MISA, "misa"),
    (MEDELEG, "medeleg"),
    (MIDELEG, "mideleg"),
    (MIE, "mie"),
    (MTVEC, "mtvec"),
    (MCOUNTEREN, "mcounteren"),
    (MENVCFG, "menvcfg"),
    (MSTATUSH, "mstatush"),
    (MENVCFGH, "menvcfgh"),
    (MCOUNTINHIBIT, "mcountinhibit"),
    (MSCRATCH, "mscratch"),
    (MEPC, "mepc"),
    (MCAUSE, "mcause"),
    (MTVAL, "mtval"),
    (MIP, "mip"),
    (MCYCLE, "mcycle"),
    (MINSTRET, "minstret"),
    (MCYCLEH, "mcycleh"),
    (MINSTRETH, "minstreth"),
    (CYCLE, "cycle"),
    (TIME, "time"),
    (INSTRET, "instret"),
    (CYCLEH, "cycleh"),
    (TIMEH, "timeh"),
    (INSTRETH, "instreth"),
    (MVENDORID, "mvendorid"),
    (MARCHID, "marchid"),
    (MIMPID, "mimpid"),
    (MHARTID, "mhartid"),
    (MCONFIGPTR, "mconfigptr"),
];

/// The name of the CSR at `addr`, for the CSRs in the table and `pmpcfgN`/`pmpaddrN`.
pub fn name(addr: u16) -> Option<alloc::borrow::Cow<'static, str>> {
    use alloc::borrow::Cow;
    if let Some((_, n)) = NAMES.iter().find(|(a, _)| *a == addr) {
        return Some(Cow::Borrowed(n));
    }
    match addr {
        PMPCFG0..=0x3AF => Some(Cow::Owned(alloc::format!("pmpcfg{}", addr - PMPCFG0))),
        PMPADDR0..=0x3EF => Some(Cow::Owned(alloc::format!("pmpaddr{}", addr - PMPADDR0))),
        _ => None,
    }
}
