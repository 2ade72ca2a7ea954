//! Read-only views of a machine for the panels: hex formatting, trap and exit messages in words,
//! and the disassembly window around the pc. Plain functions with no Yew in them, so they are
//! unit-tested natively.

use crate::sim::{self, Machine, Privilege, Reg, RunExit, TrapCause, TrapRecord};

/// `0x` and eight lowercase hex digits, the format of every 32-bit value on the page.
pub fn hex32(value: u32) -> String {
    format!("0x{value:08x}")
}

/// The one-letter privilege name (`M`, `S`, `U`).
pub fn privilege_letter(privilege: Privilege) -> &'static str {
    privilege.letter()
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

/// How a finished program ended, as a verdict and a sentence.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ExitView {
    /// `Some(true)` for a pass (`tohost` = 1), `Some(false)` for a fail, `None` when the machine
    /// stopped for another reason (an undelivered trap, `wfi` with nothing to wake it).
    pub passed: Option<bool>,
    /// The sentence shown in the status line.
    pub message: String,
}

/// Words for a [`RunExit`] that ends a run; `None` for [`RunExit::StepLimit`] (still running).
///
/// `tohost` follows the riscv-tests convention: 1 is a pass, `(code << 1) | 1` a failure with
/// `code`, an even value is a pointer-style message the playground does not interpret.
pub fn describe_exit(exit: &RunExit) -> Option<ExitView> {
    match exit {
        RunExit::StepLimit => None,
        RunExit::ToHost(1) => Some(ExitView {
            passed: Some(true),
            message: String::from("halted: PASS (tohost = 1)"),
        }),
        RunExit::ToHost(value) if value & 1 == 1 => Some(ExitView {
            passed: Some(false),
            message: format!(
                "halted: FAIL, test {} (tohost = {})",
                value >> 1,
                hex32(*value)
            ),
        }),
        RunExit::ToHost(value) => Some(ExitView {
            passed: Some(false),
            message: format!("halted: tohost = {}", hex32(*value)),
        }),
        RunExit::Trap(trap) => Some(ExitView {
            passed: None,
            message: format!("stopped: {}", describe_trap(trap)),
        }),
        RunExit::Wfi => Some(ExitView {
            passed: None,
            message: String::from("stopped: wfi with no interrupt that can wake the hart"),
        }),
    }
}

/// All 32 integer registers of the hart, in order.
pub fn registers(machine: &Machine) -> [u32; 32] {
    let mut out = [0u32; 32];
    for (slot, reg) in out.iter_mut().zip(Reg::all()) {
        *slot = machine.hart.reg(reg);
    }
    out
}

/// One control and status register as the CSR panel shows it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CsrView {
    /// The CSR's name (`mstatus`, `mepc`, ...).
    pub name: &'static str,
    /// Its value (a side-effect-free debug read; 0 if the hart does not have it).
    pub value: u32,
    /// The value in words where that helps a learner (a cause, the paging mode).
    pub note: Option<String>,
}

/// The trap and paging CSRs the examples use, in the order the panel lists them.
pub fn csrs(machine: &Machine) -> Vec<CsrView> {
    use snowrv_core::cpu::csr_addr as csr;
    let table: [(&'static str, u16); 11] = [
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
    table
        .iter()
        .map(|&(name, addr)| {
            let value = machine.hart.csr(addr).unwrap_or(0);
            let note = match name {
                // mstatus.MPP (bits 12:11) and SPP (bit 8): where mret/sret return to.
                "mstatus" => Some(format!(
                    "MPP={} SPP={}",
                    Privilege::from_bits(value >> 11).map_or("?", Privilege::letter),
                    if value & (1 << 8) != 0 { "S" } else { "U" }
                )),
                "mcause" | "scause" if value != 0 => {
                    TrapCause::from_mcause(value).map(|c| String::from(c.description()))
                }
                // satp (Sv32): MODE bit 31, ASID 30:22, PPN 21:0.
                "satp" if value >> 31 == 1 => Some(format!(
                    "Sv32, root table at {}",
                    hex32((value & 0x003f_ffff) << 12)
                )),
                "satp" => Some(String::from("Bare: no translation")),
                _ => None,
            };
            CsrView { name, value, note }
        })
        .collect()
}

/// One line of the disassembly panel.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DisasmLine {
    /// The instruction's address (virtual, as the pc sees it).
    pub addr: u32,
    /// The instruction bits in hex: 4 digits for a compressed instruction, 8 otherwise.
    pub bits: String,
    /// The instruction in objdump syntax, or `.half`/`.word` for bits that do not decode.
    pub text: String,
    /// A symbol that starts at this address (a function name or a label).
    pub label: Option<String>,
    /// Whether this is the instruction at the pc.
    pub current: bool,
}

/// How far back from the pc a disassembly may start decoding at a label.
const MAX_SYNC_DISTANCE: u32 = 1024;

/// The symbols worth showing as labels: named, and not assembler mapping symbols (`$x`, `$d`).
fn label_at(machine: &Machine, addr: u32) -> Option<String> {
    // Symbols are sorted by address (`Image::symbols`): binary search, as this runs per line.
    let symbols = machine.symbols();
    let first = symbols.partition_point(|s| s.addr < addr);
    symbols
        .get(first..)?
        .iter()
        .take_while(|s| s.addr == addr)
        .find(|s| is_label(&s.name))
        .map(|s| s.name.clone())
}

fn is_label(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('$') && !name.starts_with(".L")
}

/// Decodes the instruction at `addr`; `None` when there is no memory there. A run of two or more
/// zero halfwords (padding, zeroed data) that does not contain the pc or a label becomes one
/// `.zero N` line, as objdump shows such runs as `...`.
fn line_at(machine: &Machine, addr: u32, pc: u32) -> Option<(DisasmLine, u32)> {
    let low = sim::read_half(machine, addr)?;
    let label = label_at(machine, addr);
    if low == 0 && addr != pc {
        let zeros = zero_run(machine, addr, pc);
        if zeros >= 4 {
            let text = if zeros >= ZERO_RUN_CAP {
                String::from("… (zero-filled memory)")
            } else {
                format!(".zero {zeros}")
            };
            let line = DisasmLine {
                addr,
                bits: String::from("0000…"),
                text,
                label,
                current: false,
            };
            return Some((line, zeros));
        }
    }
    let (bits, len) = if low & 3 == 3 {
        let high = sim::read_half(machine, addr.wrapping_add(2))?;
        (u32::from(low) | u32::from(high) << 16, 4)
    } else {
        (u32::from(low), 2)
    };
    let (len, text) = match sim::disassemble(bits, addr) {
        Some((len, text)) => (u32::from(len), text),
        None if len == 2 => (2, format!(".half 0x{bits:04x}")),
        None => (4, format!(".word 0x{bits:08x}")),
    };
    let bits_text = if len == 2 {
        format!("{:04x}", bits & 0xffff)
    } else {
        format!("{bits:08x}")
    };
    let line = DisasmLine {
        addr,
        bits: bits_text,
        text,
        label,
        current: addr == pc,
    };
    Some((line, len))
}

/// A run of zeros this long ends the listing: the program is over, free RAM follows.
const ZERO_RUN_CAP: u32 = 256;

/// How many zero bytes start at `addr` (which holds a zero halfword), stopping before the pc, a
/// label, unreadable memory or [`ZERO_RUN_CAP`].
fn zero_run(machine: &Machine, addr: u32, pc: u32) -> u32 {
    let mut len = 2u32;
    while len < ZERO_RUN_CAP {
        let next = addr.wrapping_add(len);
        if next == pc
            || next < addr
            || sim::read_half(machine, next) != Some(0)
            || label_at(machine, next).is_some()
        {
            break;
        }
        len += 2;
    }
    len
}

/// How many lines decoding from `start` shows before reaching `pc`, or `None` if decoding from
/// `start` does not land exactly on `pc`.
fn lines_between(machine: &Machine, start: u32, pc: u32) -> Option<usize> {
    let mut addr = start;
    let mut count = 0;
    while addr < pc {
        let (_, len) = line_at(machine, addr, pc)?;
        addr = addr.checked_add(len)?;
        count += 1;
    }
    (addr == pc).then_some(count)
}

/// Where to start decoding so that decoding forward lands exactly on the pc with about `before`
/// lines ahead of it. Instructions are 2 or 4 bytes long, so decoding backwards is ambiguous:
/// start at a label before the pc (code starts there), the nearest one that gives enough lines;
/// else at a few addresses before the pc; else at the pc itself.
fn sync_start(machine: &Machine, pc: u32, before: usize) -> u32 {
    let mut labels: Vec<u32> = machine
        .symbols()
        .iter()
        .filter(|s| is_label(&s.name) && s.addr <= pc && pc - s.addr <= MAX_SYNC_DISTANCE)
        .map(|s| s.addr)
        .collect();
    labels.sort_unstable_by(|a, b| b.cmp(a));
    labels.dedup();
    let back = (before as u32).saturating_mul(4);
    let fallbacks = [
        pc.saturating_sub(back),
        pc.saturating_sub(back).saturating_add(2),
    ];
    let mut best: Option<(usize, u32)> = None;
    for start in labels.into_iter().chain(fallbacks) {
        let Some(count) = lines_between(machine, start, pc) else {
            continue;
        };
        if count >= before {
            return start;
        }
        if best.is_none_or(|(most, _)| count > most) {
            best = Some((count, start));
        }
    }
    best.map_or(pc, |(_, start)| start)
}

/// About `total` lines of disassembly around `pc`, with up to `before` lines before it.
pub fn disasm_window(machine: &Machine, pc: u32, before: usize, total: usize) -> Vec<DisasmLine> {
    let start = sync_start(machine, pc, before);
    let mut lines: Vec<DisasmLine> = Vec::with_capacity(total + before);
    let mut addr = start;
    while addr < pc {
        let Some((line, len)) = line_at(machine, addr, pc) else {
            break;
        };
        lines.push(line);
        addr = addr.wrapping_add(len);
    }
    // Before the pc: keep only the last `before` lines.
    let excess = lines.len().saturating_sub(before);
    lines.drain(..excess);
    addr = pc;
    while lines.len() < total {
        match line_at(machine, addr, pc) {
            Some((line, len)) => {
                lines.push(line);
                if len >= ZERO_RUN_CAP {
                    break;
                }
                match addr.checked_add(len) {
                    Some(next) => addr = next,
                    None => break,
                }
            }
            None => {
                if addr == pc {
                    lines.push(DisasmLine {
                        addr,
                        bits: String::from("????"),
                        text: String::from("(no memory at the pc)"),
                        label: None,
                        current: true,
                    });
                }
                break;
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use snowrv_core::cpu::Exception;

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

    fn window_of(example: &str, steps: usize) -> (u32, Vec<DisasmLine>) {
        let mut session =
            crate::state::Session::with_example(crate::examples::by_id(example).unwrap());
        for _ in 0..steps {
            session.step();
        }
        let machine = session.machine().unwrap();
        let pc = machine.hart.pc();
        (pc, disasm_window(machine, pc, 6, 20))
    }

    #[test]
    fn window_shows_context_before_the_pc_and_labels() {
        // sum.S after 7 steps: pc in the loop, 6 lines before it counting from _start.
        let (pc, lines) = window_of("sum", 7);
        let current = lines.iter().position(|l| l.current).unwrap();
        assert_eq!(lines[current].addr, pc);
        assert_eq!(current, 4, "{lines:#?}"); // only 4 instructions precede it in the program
        assert_eq!(lines[0].label.as_deref(), Some("_start"));
        assert_eq!(lines[0].text, "li a0,0");
        // The tohost words collapse into a `.zero` line under their label; the free RAM after the
        // program ends the listing.
        let tohost = lines
            .iter()
            .find(|l| l.label.as_deref() == Some("tohost"))
            .unwrap();
        assert_eq!(tohost.text, ".zero 8");
        assert_eq!(lines.last().unwrap().text, "… (zero-filled memory)");
        assert!(lines.len() <= 20);
    }

    #[test]
    fn window_follows_a_virtual_pc() {
        // paging.S: the first user-mode instruction is at 0x00400000 (found through satp).
        let (pc, lines) = window_of("paging", 49);
        assert_eq!(pc, 0x0040_0000);
        let current = lines.iter().find(|l| l.current).unwrap();
        assert_eq!(current.text, "li a0,6");
    }

    #[test]
    fn tohost_verdicts() {
        assert_eq!(describe_exit(&RunExit::StepLimit), None);
        assert_eq!(
            describe_exit(&RunExit::ToHost(1)).map(|e| e.passed),
            Some(Some(true))
        );
        let fail = describe_exit(&RunExit::ToHost(7));
        assert_eq!(fail.as_ref().map(|e| e.passed), Some(Some(false)));
        assert!(fail
            .map(|e| e.message)
            .unwrap_or_default()
            .contains("test 3"));
    }
}
