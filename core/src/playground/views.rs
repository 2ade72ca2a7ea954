//! Read-only views for the panels: registers, CSR rows with a decoded note, a trap and a halt in
//! words. Plain functions of a [`Machine`] (or a record), so every front-end shows the same words.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::cpu::csr_addr as csr;
use crate::cpu::{Privilege, Reg, TrapCause};
use crate::machine::{Machine, RunExit, TrapRecord};

/// `0x` and eight lowercase hex digits, the format of every 32-bit value on the page.
pub fn hex32(value: u32) -> String {
    format!("0x{value:08x}")
}

/// All 32 integer registers of the hart, in order.
pub fn registers(machine: &Machine) -> [u32; 32] {
    let mut out = [0u32; 32];
    for (slot, reg) in out.iter_mut().zip(Reg::all()) {
        *slot = machine.hart.reg(reg);
    }
    out
}

/// Bit `n` set where `before[n] != after[n]`.
pub fn changed_mask(before: &[u32; 32], after: &[u32; 32]) -> u32 {
    before
        .iter()
        .zip(after)
        .enumerate()
        .filter(|(_, (b, a))| b != a)
        .fold(0, |mask, (n, _)| mask | 1 << n)
}

/// The hart's architectural summary for the register panel.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct HartView {
    /// The program counter.
    pub pc: u32,
    /// The current privilege mode.
    pub privilege: Privilege,
    /// Instructions retired (`minstret`).
    pub instret: u64,
    /// `x0`..`x31`.
    pub regs: [u32; 32],
    /// Bit `n` set when `xn` changed in the last command (step, step back, run slice).
    pub changed: u32,
}

/// A trap in words, e.g. `illegal instruction at 0x80000010 (tval 0x00000000) -> M-mode handler`.
pub fn describe_trap(trap: &TrapRecord) -> String {
    let what = trap.cause.description();
    let place = match trap.cause {
        // An interrupt is taken between instructions: epc is where the program resumes.
        TrapCause::Interrupt(_) => format!("before {}", hex32(trap.epc)),
        TrapCause::Exception(_) => format!("at {}", hex32(trap.epc)),
    };
    let whither = if trap.delivered {
        format!("-> {}-mode handler", trap.to.letter())
    } else {
        String::from("-> not delivered: the run stopped")
    };
    format!("{what} {place} (tval {}) {whither}", hex32(trap.tval))
}

/// How a program stopped for good, decoded from the machine's [`RunExit`].
///
/// `tohost` follows the riscv-tests convention: 1 is a pass, `(code << 1) | 1` a failure of test
/// `code`, an even value is a pointer-style message the playground does not interpret.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Halt {
    /// `tohost` = 1.
    Pass,
    /// `tohost` = `(test << 1) | 1` with `test != 0`.
    Fail {
        /// The failing test's number.
        test: u32,
    },
    /// An even `tohost` value.
    ToHost(u32),
    /// A trap the machine returned instead of delivering.
    Trap(TrapRecord),
    /// `wfi` with no interrupt that can ever wake the hart.
    Wfi,
}

impl Halt {
    /// The halt a [`RunExit`] means; `None` for [`RunExit::StepLimit`] (not halted).
    pub fn from_exit(exit: RunExit) -> Option<Halt> {
        match exit {
            RunExit::StepLimit => None,
            RunExit::ToHost(1) => Some(Halt::Pass),
            RunExit::ToHost(value) if value & 1 == 1 => Some(Halt::Fail { test: value >> 1 }),
            RunExit::ToHost(value) => Some(Halt::ToHost(value)),
            RunExit::Trap(trap) => Some(Halt::Trap(trap)),
            RunExit::Wfi => Some(Halt::Wfi),
        }
    }

    /// `Some(true)` for a pass, `Some(false)` for a fail or another `tohost` value, `None` when
    /// the machine stopped for another reason.
    pub fn passed(&self) -> Option<bool> {
        match self {
            Halt::Pass => Some(true),
            Halt::Fail { .. } | Halt::ToHost(_) => Some(false),
            Halt::Trap(_) | Halt::Wfi => None,
        }
    }

    /// The sentence shown in the status line.
    pub fn describe(&self) -> String {
        match self {
            Halt::Pass => String::from("halted: PASS (tohost = 1)"),
            Halt::Fail { test } => format!(
                "halted: FAIL, test {test} (tohost = {})",
                hex32(test << 1 | 1)
            ),
            Halt::ToHost(value) => format!("halted: tohost = {}", hex32(*value)),
            Halt::Trap(trap) => format!("stopped: {}", describe_trap(trap)),
            Halt::Wfi => String::from("stopped: wfi with no interrupt that can wake the hart"),
        }
    }
}

/// The last trap as the status line shows it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LastTrap {
    /// No trap since the program started (at this point of its history).
    None,
    /// This trap, the last one taken (on a step or inside a run slice).
    Trap(TrapRecord),
}

impl LastTrap {
    /// The words for the status line.
    pub fn describe(&self) -> String {
        match self {
            LastTrap::None => String::from("none"),
            LastTrap::Trap(trap) => describe_trap(trap),
        }
    }
}

/// One control and status register as the CSR panel shows it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CsrRow {
    /// The CSR's name (`mstatus`, `mepc`, ...).
    pub name: &'static str,
    /// Its value (a side-effect-free debug read; 0 if the hart does not have it).
    pub value: u32,
    /// The value in words where that helps a learner (a cause, the paging mode).
    pub note: Option<String>,
}

/// The trap and paging CSRs the panel lists, in order.
const CSR_TABLE: [(&str, u16); 11] = [
    ("mstatus", csr::MSTATUS),
    ("mtvec", csr::MTVEC),
    ("mepc", csr::MEPC),
    ("mcause", csr::MCAUSE),
    ("mtval", csr::MTVAL),
    ("medeleg", csr::MEDELEG),
    ("stvec", csr::STVEC),
    ("sepc", csr::SEPC),
    ("scause", csr::SCAUSE),
    ("stval", csr::STVAL),
    ("satp", csr::SATP),
];

/// The trap and paging CSRs with a word or two on what their values mean.
pub fn csr_rows(machine: &Machine) -> Vec<CsrRow> {
    CSR_TABLE
        .iter()
        .map(|&(name, addr)| {
            let value = machine.hart.csr(addr).unwrap_or(0);
            CsrRow {
                name,
                value,
                note: csr_note(name, value),
            }
        })
        .collect()
}

fn csr_note(name: &str, value: u32) -> Option<String> {
    match name {
        // mstatus.MPP (bits 12:11) and SPP (bit 8): where mret/sret return to (privileged spec
        // section 3.1.6.1).
        "mstatus" => Some(format!(
            "MPP={} SPP={}",
            Privilege::from_bits(value >> 11).map_or("?", Privilege::letter),
            if value & (1 << 8) != 0 { "S" } else { "U" }
        )),
        "mcause" | "scause" if value != 0 => {
            TrapCause::from_mcause(value).map(|c| String::from(c.description()))
        }
        // satp (Sv32, section 4.1.11): MODE bit 31, ASID 30:22, PPN 21:0.
        "satp" if value >> 31 == 1 => Some(format!(
            "Sv32, root table at {}",
            hex32((value & 0x003f_ffff) << 12)
        )),
        "satp" => Some(String::from("Bare: no translation")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::Exception;

    #[test]
    fn hex_is_eight_lowercase_digits() {
        assert_eq!(hex32(0), "0x00000000");
        assert_eq!(hex32(0x8000_00AB), "0x800000ab");
    }

    #[test]
    fn trap_in_words() {
        let trap = TrapRecord {
            cause: TrapCause::Exception(Exception::IllegalInstruction),
            tval: 0,
            epc: 0x8000_0010,
            from: Privilege::Machine,
            to: Privilege::Machine,
            delivered: true,
        };
        assert_eq!(
            describe_trap(&trap),
            "illegal instruction at 0x80000010 (tval 0x00000000) -> M-mode handler"
        );
    }

    #[test]
    fn tohost_verdicts() {
        assert_eq!(Halt::from_exit(RunExit::StepLimit), None);
        assert_eq!(Halt::from_exit(RunExit::ToHost(1)), Some(Halt::Pass));
        let fail = Halt::from_exit(RunExit::ToHost(7));
        assert_eq!(fail, Some(Halt::Fail { test: 3 }));
        assert_eq!(fail.and_then(|h| h.passed()), Some(false));
        assert!(fail
            .map(|h| h.describe())
            .unwrap_or_default()
            .contains("test 3"));
    }

    #[test]
    fn changed_mask_marks_differences() {
        let before = [0u32; 32];
        let mut after = before;
        after[10] = 55;
        after[5] = 1;
        assert_eq!(changed_mask(&before, &after), (1 << 10) | (1 << 5));
    }
}
