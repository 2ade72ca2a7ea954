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

/// Every CSR with a fixed address that GNU objdump (binutils 2.40) prints by name, sorted by address
/// (so [`name`] can binary-search it). Besides the CSRs this hart implements, the table holds the
/// F, V, Zkr, Smstateen, Sstc, AIA, hypervisor, debug and trigger CSRs, so that the disassembly
/// names every CSR the way objdump does; numbered families are in [`name`] itself.
const NAMES: &[(u16, &str)] = &[
    (0x001, "fflags"),
    (0x002, "frm"),
    (0x003, "fcsr"),
    (0x008, "vstart"),
    (0x009, "vxsat"),
    (0x00A, "vxrm"),
    (0x00F, "vcsr"),
    (0x015, "seed"),
    (0x100, "sstatus"),
    (0x104, "sie"),
    (0x105, "stvec"),
    (0x106, "scounteren"),
    (0x10A, "senvcfg"),
    (0x10C, "sstateen0"),
    (0x10D, "sstateen1"),
    (0x10E, "sstateen2"),
    (0x10F, "sstateen3"),
    (0x114, "sieh"),
    (0x140, "sscratch"),
    (0x141, "sepc"),
    (0x142, "scause"),
    (0x143, "stval"),
    (0x144, "sip"),
    (0x14D, "stimecmp"),
    (0x150, "siselect"),
    (0x151, "sireg"),
    (0x154, "siph"),
    (0x15C, "stopei"),
    (0x15D, "stimecmph"),
    (0x180, "satp"),
    (0x200, "vsstatus"),
    (0x204, "vsie"),
    (0x205, "vstvec"),
    (0x214, "vsieh"),
    (0x240, "vsscratch"),
    (0x241, "vsepc"),
    (0x242, "vscause"),
    (0x243, "vstval"),
    (0x244, "vsip"),
    (0x24D, "vstimecmp"),
    (0x250, "vsiselect"),
    (0x251, "vsireg"),
    (0x254, "vsiph"),
    (0x25C, "vstopei"),
    (0x25D, "vstimecmph"),
    (0x280, "vsatp"),
    (0x300, "mstatus"),
    (0x301, "misa"),
    (0x302, "medeleg"),
    (0x303, "mideleg"),
    (0x304, "mie"),
    (0x305, "mtvec"),
    (0x306, "mcounteren"),
    (0x308, "mvien"),
    (0x309, "mvip"),
    (0x30A, "menvcfg"),
    (0x30C, "mstateen0"),
    (0x30D, "mstateen1"),
    (0x30E, "mstateen2"),
    (0x30F, "mstateen3"),
    (0x310, "mstatush"),
    (0x313, "midelegh"),
    (0x314, "mieh"),
    (0x318, "mvienh"),
    (0x319, "mviph"),
    (0x31A, "menvcfgh"),
    (0x31C, "mstateen0h"),
    (0x31D, "mstateen1h"),
    (0x31E, "mstateen2h"),
    (0x31F, "mstateen3h"),
    (0x320, "mcountinhibit"),
    (0x340, "mscratch"),
    (0x341, "mepc"),
    (0x342, "mcause"),
    (0x343, "mtval"),
    (0x344, "mip"),
    (0x34A, "mtinst"),
    (0x34B, "mtval2"),
    (0x350, "miselect"),
    (0x351, "mireg"),
    (0x354, "miph"),
    (0x35C, "mtopei"),
    (0x5A8, "scontext"),
    (0x600, "hstatus"),
    (0x602, "hedeleg"),
    (0x603, "hideleg"),
    (0x604, "hie"),
    (0x605, "htimedelta"),
    (0x606, "hcounteren"),
    (0x607, "hgeie"),
    (0x608, "hvien"),
    (0x609, "hvictl"),
    (0x60A, "henvcfg"),
    (0x60C, "hstateen0"),
    (0x60D, "hstateen1"),
    (0x60E, "hstateen2"),
    (0x60F, "hstateen3"),
    (0x613, "hidelegh"),
    (0x615, "htimedeltah"),
    (0x618, "hvienh"),
    (0x61A, "henvcfgh"),
    (0x61C, "hstateen0h"),
    (0x61D, "hstateen1h"),
    (0x61E, "hstateen2h"),
    (0x61F, "hstateen3h"),
    (0x643, "htval"),
    (0x644, "hip"),
    (0x645, "hvip"),
    (0x646, "hviprio1"),
    (0x647, "hviprio2"),
    (0x64A, "htinst"),
    (0x655, "hviph"),
    (0x656, "hviprio1h"),
    (0x657, "hviprio2h"),
    (0x680, "hgatp"),
    (0x6A8, "hcontext"),
    (0x747, "mseccfg"),
    (0x757, "mseccfgh"),
    (0x7A0, "tselect"),
    (0x7A1, "tdata1"),
    (0x7A2, "tdata2"),
    (0x7A3, "tdata3"),
    (0x7A4, "tinfo"),
    (0x7A5, "tcontrol"),
    (0x7A8, "mcontext"),
    (0x7AA, "mscontext"),
    (0x7B0, "dcsr"),
    (0x7B1, "dpc"),
    (0x7B2, "dscratch0"),
    (0x7B3, "dscratch1"),
    (0xB00, "mcycle"),
    (0xB02, "minstret"),
    (0xB80, "mcycleh"),
    (0xB82, "minstreth"),
    (0xC00, "cycle"),
    (0xC01, "time"),
    (0xC02, "instret"),
    (0xC20, "vl"),
    (0xC21, "vtype"),
    (0xC22, "vlenb"),
    (0xC80, "cycleh"),
    (0xC81, "timeh"),
    (0xC82, "instreth"),
    (0xDA0, "scountovf"),
    (0xDB0, "stopi"),
    (0xE12, "hgeip"),
    (0xEB0, "vstopi"),
    (0xF11, "mvendorid"),
    (0xF12, "marchid"),
    (0xF13, "mimpid"),
    (0xF14, "mhartid"),
    (0xF15, "mconfigptr"),
    (0xFB0, "mtopi"),
];

/// Numbered CSR families: (first address, last address, name prefix, first number, suffix).
const FAMILIES: &[(u16, u16, &str, u16, &str)] = &[
    (0x323, 0x33F, "mhpmevent", 3, ""),
    (PMPCFG0, 0x3AF, "pmpcfg", 0, ""),
    (PMPADDR0, 0x3EF, "pmpaddr", 0, ""),
    (0x723, 0x73F, "mhpmevent", 3, "h"),
    (0xB03, 0xB1F, "mhpmcounter", 3, ""),
    (0xB83, 0xB9F, "mhpmcounter", 3, "h"),
    (0xC03, 0xC1F, "hpmcounter", 3, ""),
    (0xC83, 0xC9F, "hpmcounter", 3, "h"),
];

/// The name of the CSR at `addr` (for example `mstatus`, `pmpaddr7`, `hpmcounter3h`), or `None`
/// when objdump has no name for it either and shows the address in hex.
pub fn name(addr: u16) -> Option<alloc::borrow::Cow<'static, str>> {
    use alloc::borrow::Cow;
    if let Ok(i) = NAMES.binary_search_by_key(&addr, |(a, _)| *a) {
        return NAMES.get(i).map(|(_, n)| Cow::Borrowed(*n));
    }
    FAMILIES
        .iter()
        .find(|(first, last, ..)| (*first..=*last).contains(&addr))
        .map(|(first, _, prefix, number, suffix)| {
            Cow::Owned(alloc::format!("{prefix}{}{suffix}", addr - first + number))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_names_constants() {
        assert!(NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(name(MSTATUS).as_deref(), Some("mstatus"));
        assert_eq!(name(SATP).as_deref(), Some("satp"));
        assert_eq!(name(CYCLEH).as_deref(), Some("cycleh"));
        assert_eq!(name(PMPCFG0 + 15).as_deref(), Some("pmpcfg15"));
        assert_eq!(name(PMPADDR0 + 63).as_deref(), Some("pmpaddr63"));
        assert_eq!(name(0x323).as_deref(), Some("mhpmevent3"));
        assert_eq!(name(0xB9F).as_deref(), Some("mhpmcounter31h"));
        assert_eq!(name(0xC83).as_deref(), Some("hpmcounter3h"));
        assert_eq!(name(0x7C0), None);
        assert_eq!(name(0x000), None);
    }
}
