//! `--trace`: one line per step on stderr.
//!
//! Format (columns separated by two spaces):
//! `PC  BITS  DISASSEMBLY  EFFECTS`, where `PC` is 8 hex digits, `BITS` the instruction bits
//! (8 hex digits, or 4 for a compressed instruction, padded), the disassembly is objdump syntax
//! with absolute targets, and the effects are, in order, the register written (`a0=0x0000002a`),
//! the memory access (`mem[0x00013000].w=0x00000001 store`, `.b`/`.h`/`.w` for the width,
//! `load`/`store`), and a trap (`trap: illegal instruction tval=0x00000000 U->M (delivered)` /
//! `(to host)`). A serviced system call follows on its own line:
//! `          syscall write(0x1, 0x13000, 0xd) = 0xd`.

use snowrv_core::linux::SyscallRecord;
use snowrv_core::machine::StepReport;
use snowrv_core::mem::AccessSize;
use std::fmt::Write as _;

/// The trace line for one step.
pub fn step_line(report: &StepReport) -> String {
    let mut line = format!("{:08x}  ", report.pc);
    if report.len == 2 {
        let _ = write!(line, "{:04x}    ", report.bits & 0xffff);
    } else {
        let _ = write!(line, "{:08x}", report.bits);
    }
    let text = match (&report.instruction, report.len) {
        (Some(i), _) => i.display_at(report.pc).to_string(),
        (None, 0) => String::from("(no instruction)"),
        (None, _) => String::from("(illegal)"),
    };
    let _ = write!(line, "  {text:<28}");
    if let Some((reg, value)) = report.reg_write {
        let _ = write!(line, "  {reg}=0x{value:08x}");
    }
    if let Some(m) = report.mem {
        let width = match m.size {
            AccessSize::Byte => "b",
            AccessSize::Half => "h",
            AccessSize::Word => "w",
        };
        let kind = if m.write { "store" } else { "load" };
        let _ = write!(
            line,
            "  mem[0x{:08x}].{width}=0x{:08x} {kind}",
            m.vaddr, m.value
        );
    }
    if let Some(t) = report.trap {
        let _ = write!(
            line,
            "  trap: {} tval=0x{:08x} {}->{} ({})",
            t.cause,
            t.tval,
            t.from.letter(),
            t.to.letter(),
            if t.delivered { "delivered" } else { "to host" }
        );
    }
    line.truncate(line.trim_end().len());
    line
}

/// The trace line for a serviced system call.
pub fn syscall_line(call: &SyscallRecord) -> String {
    let mut line = format!(
        "          syscall {}(0x{:x}, 0x{:x}, 0x{:x})",
        call.name(),
        call.args[0],
        call.args[1],
        call.args[2]
    );
    if call.name() == "unknown" {
        line = format!("          syscall #{} (unknown)", call.number);
    }
    if let Some(r) = call.result {
        let _ = write!(line, " = 0x{r:x}");
    }
    line
}
