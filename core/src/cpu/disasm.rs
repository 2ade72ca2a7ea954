//! Disassembly: the `Display` of [`Instruction`], in the syntax of GNU objdump.
//!
//! The text is what `riscv64-unknown-elf-objdump -d` (binutils 2.40) prints for the same bits of an
//! rv32imac + Zicsr + Zifencei + Zihintpause object: ABI register names, the same pseudo-instruction
//! (alias) choices, the same number formats (decimal immediates, `0x` hex for `lui`/`auipc`
//! immediates and shift amounts, CSR names or `0x` hex addresses), operands separated by `,` with no
//! space. The one separator that differs is the space between mnemonic and operands (objdump prints a
//! tab). `tests/tests/disasm_objdump.rs` checks this against objdump line by line.
//!
//! Some of objdump's alias choices look surprising but are kept so the two agree: binutils lists
//! `add`/`and`/`or`/`xor`/`sll`/`srl`/`sra` with an immediate operand before the `...i` forms, so
//! `addi a0,a0,1` prints as `add a0,a0,1` and `slli a0,a0,3` as `sll a0,a0,0x3`. GNU as accepts
//! that text back and produces the same bits.
//!
//! Branch and jump targets: plain `Display` prints them relative to the instruction in GNU as
//! syntax (`j .+8`, `beqz a0,.-12`), which assembles back to the same instruction at any address;
//! [`Instruction::display_at`] prints the absolute target in hex without `0x`, as objdump does
//! (`j 10074`, `beqz a0,1008c`).
//!
//! The compressed forms print as their 32-bit expansion (the model has no separate compressed
//! variants), which is what objdump prints too, except for RVC HINT encodings: objdump shows
//! those with a `c.` mnemonic (`c.nop 5`, `c.li zero,1`, `c.slli64 a0`), this module shows the
//! expansion (`li zero,5`, `li zero,1`, `sll a0,a0,0x0`).

use super::csr_addr;
use super::instruction::{
    AmoKind, BranchKind, CsrOp, CsrSrc, Instruction, LoadKind, OpImmKind, OpKind, StoreKind,
};
use super::reg::Reg;
use core::fmt;

impl fmt::Display for Instruction {
    /// objdump syntax with branch/jump targets relative to this instruction (`.+8`, `.-4`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_instruction(f, self, None)
    }
}

impl Instruction {
    /// Formats this instruction as if it were at address `pc`: like `Display`, but branch and jump
    /// targets are absolute hex addresses without `0x` (`jal 10074`), exactly as objdump prints
    /// them (without objdump's `<symbol+offset>` suffix).
    pub fn display_at(&self, pc: u32) -> DisplayAt<'_> {
        DisplayAt {
            instruction: self,
            pc,
        }
    }
}

/// An [`Instruction`] shown at a known address; made by [`Instruction::display_at`].
#[derive(Clone, Copy, Debug)]
pub struct DisplayAt<'a> {
    instruction: &'a Instruction,
    pc: u32,
}

impl fmt::Display for DisplayAt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_instruction(f, self.instruction, Some(self.pc))
    }
}

/// A branch or jump target: `.+off` when the address is unknown, else the absolute address.
struct Target {
    offset: i32,
    pc: Option<u32>,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pc {
            Some(pc) => write!(f, "{:x}", pc.wrapping_add(self.offset as u32)),
            None if self.offset < 0 => write!(f, ".-{}", self.offset.unsigned_abs()),
            None => write!(f, ".+{}", self.offset),
        }
    }
}

/// A CSR operand: its name when objdump knows one, else its address in hex.
struct CsrName(u16);

impl fmt::Display for CsrName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match csr_addr::name(self.0) {
            Some(name) => f.write_str(&name),
            None => write!(f, "{:#x}", self.0),
        }
    }
}

/// A `fence` predecessor or successor set, bits `iorw`; objdump shows the empty set as `unknown`.
struct FenceSet(u8);

impl fmt::Display for FenceSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 & 0xf == 0 {
            return f.write_str("unknown");
        }
        for (mask, letter) in [(8, "i"), (4, "o"), (2, "r"), (1, "w")] {
            if self.0 & mask != 0 {
                f.write_str(letter)?;
            }
        }
        Ok(())
    }
}

/// The `.aq`/`.rl`/`.aqrl` suffix of an A-extension mnemonic.
const fn ordering_suffix(aq: bool, rl: bool) -> &'static str {
    match (aq, rl) {
        (false, false) => "",
        (true, false) => ".aq",
        (false, true) => ".rl",
        (true, true) => ".aqrl",
    }
}

/// The one formatter behind both `Display` impls; `pc` decides how targets print.
fn write_instruction(
    f: &mut fmt::Formatter<'_>,
    insn: &Instruction,
    pc: Option<u32>,
) -> fmt::Result {
    use Instruction as I;
    let z = Reg::ZERO;
    match *insn {
        I::Lui { rd, imm } => write!(f, "lui {rd},{:#x}", imm >> 12),
        I::Auipc { rd, imm } => write!(f, "auipc {rd},{:#x}", imm >> 12),
        I::Jal { rd, offset } => {
            let target = Target { offset, pc };
            match rd {
                _ if rd == z => write!(f, "j {target}"),
                _ if rd == Reg::RA => write!(f, "jal {target}"),
                _ => write!(f, "jal {rd},{target}"),
            }
        }
        I::Jalr { rd, rs1, offset } => write_jalr(f, rd, rs1, offset),
        I::Branch {
            kind,
            rs1,
            rs2,
            offset,
        } => {
            let t = Target { offset, pc };
            // Alias precedence follows objdump: for blt the `rs2 = zero` form wins, for bge the
            // `rs1 = zero` form (so `blt zero,zero` is `bltz zero`, `bge zero,zero` is `blez zero`).
            match kind {
                BranchKind::Eq if rs2 == z => write!(f, "beqz {rs1},{t}"),
                BranchKind::Ne if rs2 == z => write!(f, "bnez {rs1},{t}"),
                BranchKind::Lt if rs2 == z => write!(f, "bltz {rs1},{t}"),
                BranchKind::Lt if rs1 == z => write!(f, "bgtz {rs2},{t}"),
                BranchKind::Ge if rs1 == z => write!(f, "blez {rs2},{t}"),
                BranchKind::Ge if rs2 == z => write!(f, "bgez {rs1},{t}"),
                _ => {
                    let m = match kind {
                        BranchKind::Eq => "beq",
                        BranchKind::Ne => "bne",
                        BranchKind::Lt => "blt",
                        BranchKind::Ge => "bge",
                        BranchKind::Ltu => "bltu",
                        BranchKind::Geu => "bgeu",
                    };
                    write!(f, "{m} {rs1},{rs2},{t}")
                }
            }
        }
        I::Load {
            kind,
            rd,
            rs1,
            offset,
        } => {
            let m = match kind {
                LoadKind::Byte => "lb",
                LoadKind::Half => "lh",
                LoadKind::Word => "lw",
                LoadKind::ByteUnsigned => "lbu",
                LoadKind::HalfUnsigned => "lhu",
            };
            write!(f, "{m} {rd},{offset}({rs1})")
        }
        I::Store {
            kind,
            rs1,
            rs2,
            offset,
        } => {
            let m = match kind {
                StoreKind::Byte => "sb",
                StoreKind::Half => "sh",
                StoreKind::Word => "sw",
            };
            write!(f, "{m} {rs2},{offset}({rs1})")
        }
        I::OpImm { kind, rd, rs1, imm } => write_op_imm(f, kind, rd, rs1, imm),
        I::Op { kind, rd, rs1, rs2 } => write_op(f, kind, rd, rs1, rs2),
        I::Fence { pred, succ, fm } => match (fm, pred & 0xf, succ & 0xf) {
            (0b1000, 0b0011, 0b0011) => f.write_str("fence.tso"),
            (_, 0b1111, 0b1111) => f.write_str("fence"),
            // Zihintpause: `pause` is the HINT `fence w,0`.
            (_, 0b0001, 0b0000) => f.write_str("pause"),
            _ => write!(f, "fence {},{}", FenceSet(pred), FenceSet(succ)),
        },
        I::FenceI => f.write_str("fence.i"),
        I::Ecall => f.write_str("ecall"),
        I::Ebreak => f.write_str("ebreak"),
        I::Mret => f.write_str("mret"),
        I::Sret => f.write_str("sret"),
        I::Wfi => f.write_str("wfi"),
        I::SfenceVma { rs1, rs2 } => match (rs1 == z, rs2 == z) {
            (true, true) => f.write_str("sfence.vma"),
            (_, true) => write!(f, "sfence.vma {rs1}"),
            _ => write!(f, "sfence.vma {rs1},{rs2}"),
        },
        I::Csr { op, rd, csr, src } => write_csr(f, op, rd, csr, src),
        I::LoadReserved { rd, rs1, aq, rl } => {
            write!(f, "lr.w{} {rd},({rs1})", ordering_suffix(aq, rl))
        }
        I::StoreConditional {
            rd,
            rs1,
            rs2,
            aq,
            rl,
        } => {
            write!(f, "sc.w{} {rd},{rs2},({rs1})", ordering_suffix(aq, rl))
        }
        I::Amo {
            kind,
            rd,
            rs1,
            rs2,
            aq,
            rl,
        } => {
            let m = match kind {
                AmoKind::Swap => "amoswap",
                AmoKind::Add => "amoadd",
                AmoKind::Xor => "amoxor",
                AmoKind::And => "amoand",
                AmoKind::Or => "amoor",
                AmoKind::Min => "amomin",
                AmoKind::Max => "amomax",
                AmoKind::Minu => "amominu",
                AmoKind::Maxu => "amomaxu",
            };
            write!(f, "{m}.w{} {rd},{rs2},({rs1})", ordering_suffix(aq, rl))
        }
    }
}

/// `jalr` and its aliases `ret`, `jr`, and the one-operand `jalr` (link to `ra`).
fn write_jalr(f: &mut fmt::Formatter<'_>, rd: Reg, rs1: Reg, offset: i32) -> fmt::Result {
    match (rd, offset) {
        (Reg::ZERO, 0) if rs1 == Reg::RA => f.write_str("ret"),
        (Reg::ZERO, 0) => write!(f, "jr {rs1}"),
        (Reg::ZERO, _) => write!(f, "jr {offset}({rs1})"),
        (Reg::RA, 0) => write!(f, "jalr {rs1}"),
        (Reg::RA, _) => write!(f, "jalr {offset}({rs1})"),
        (_, 0) => write!(f, "jalr {rd},{rs1}"),
        _ => write!(f, "jalr {rd},{offset}({rs1})"),
    }
}

/// Register-immediate operations with objdump's aliases (`nop`, `li`, `mv`, `seqz`, `not`,
/// `zext.b`).
fn write_op_imm(
    f: &mut fmt::Formatter<'_>,
    kind: OpImmKind,
    rd: Reg,
    rs1: Reg,
    imm: i32,
) -> fmt::Result {
    let z = Reg::ZERO;
    match kind {
        OpImmKind::Addi if rd == z && rs1 == z && imm == 0 => f.write_str("nop"),
        OpImmKind::Addi if rs1 == z => write!(f, "li {rd},{imm}"),
        OpImmKind::Addi if imm == 0 => write!(f, "mv {rd},{rs1}"),
        OpImmKind::Addi => write!(f, "add {rd},{rs1},{imm}"),
        OpImmKind::Slti => write!(f, "slti {rd},{rs1},{imm}"),
        OpImmKind::Sltiu if imm == 1 => write!(f, "seqz {rd},{rs1}"),
        OpImmKind::Sltiu => write!(f, "sltiu {rd},{rs1},{imm}"),
        OpImmKind::Xori if imm == -1 => write!(f, "not {rd},{rs1}"),
        OpImmKind::Xori => write!(f, "xor {rd},{rs1},{imm}"),
        OpImmKind::Ori => write!(f, "or {rd},{rs1},{imm}"),
        OpImmKind::Andi if imm == 0xff => write!(f, "zext.b {rd},{rs1}"),
        OpImmKind::Andi => write!(f, "and {rd},{rs1},{imm}"),
        OpImmKind::Slli => write!(f, "sll {rd},{rs1},{imm:#x}"),
        OpImmKind::Srli => write!(f, "srl {rd},{rs1},{imm:#x}"),
        OpImmKind::Srai => write!(f, "sra {rd},{rs1},{imm:#x}"),
    }
}

/// Register-register operations with objdump's aliases (`neg`, `sltz`, `sgtz`, `snez`).
fn write_op(f: &mut fmt::Formatter<'_>, kind: OpKind, rd: Reg, rs1: Reg, rs2: Reg) -> fmt::Result {
    let z = Reg::ZERO;
    let m = match kind {
        OpKind::Sub if rs1 == z => return write!(f, "neg {rd},{rs2}"),
        OpKind::Slt if rs2 == z => return write!(f, "sltz {rd},{rs1}"),
        OpKind::Slt if rs1 == z => return write!(f, "sgtz {rd},{rs2}"),
        OpKind::Sltu if rs1 == z => return write!(f, "snez {rd},{rs2}"),
        OpKind::Add => "add",
        OpKind::Sub => "sub",
        OpKind::Sll => "sll",
        OpKind::Slt => "slt",
        OpKind::Sltu => "sltu",
        OpKind::Xor => "xor",
        OpKind::Srl => "srl",
        OpKind::Sra => "sra",
        OpKind::Or => "or",
        OpKind::And => "and",
        OpKind::Mul => "mul",
        OpKind::Mulh => "mulh",
        OpKind::Mulhsu => "mulhsu",
        OpKind::Mulhu => "mulhu",
        OpKind::Div => "div",
        OpKind::Divu => "divu",
        OpKind::Rem => "rem",
        OpKind::Remu => "remu",
    };
    write!(f, "{m} {rd},{rs1},{rs2}")
}

/// Zicsr instructions with objdump's aliases: `unimp` (`csrrw x0, cycle, x0`, the canonical 32-bit
/// unimplemented instruction), `rdcycle`/`rdtime`/`rdinstret` (and `...h`), `csrr`, and
/// `csrw`/`csrs`/`csrc` when `rd` is `zero` (with a register or an immediate operand: objdump
/// prints `csrrwi zero,mstatus,5` as `csrw mstatus,5` and `csrrsi a0,mstatus,5` as
/// `csrrs a0,mstatus,5`).
fn write_csr(f: &mut fmt::Formatter<'_>, op: CsrOp, rd: Reg, csr: u16, src: CsrSrc) -> fmt::Result {
    let z = Reg::ZERO;
    let name = CsrName(csr);
    let (short, long) = match op {
        CsrOp::ReadWrite => ("csrw", "csrrw"),
        CsrOp::ReadSet => ("csrs", "csrrs"),
        CsrOp::ReadClear => ("csrc", "csrrc"),
    };
    match src {
        CsrSrc::Reg(rs1) => {
            if op == CsrOp::ReadWrite && rd == z && rs1 == z && csr == csr_addr::CYCLE {
                return f.write_str("unimp");
            }
            if op == CsrOp::ReadSet && rs1 == z {
                let counter = match csr {
                    csr_addr::CYCLE => Some("rdcycle"),
                    csr_addr::TIME => Some("rdtime"),
                    csr_addr::INSTRET => Some("rdinstret"),
                    csr_addr::CYCLEH => Some("rdcycleh"),
                    csr_addr::TIMEH => Some("rdtimeh"),
                    csr_addr::INSTRETH => Some("rdinstreth"),
                    _ => None,
                };
                return match counter {
                    Some(m) => write!(f, "{m} {rd}"),
                    None => write!(f, "csrr {rd},{name}"),
                };
            }
            if rd == z {
                write!(f, "{short} {name},{rs1}")
            } else {
                write!(f, "{long} {rd},{name},{rs1}")
            }
        }
        CsrSrc::Imm(uimm) => {
            if rd == z {
                write!(f, "{short} {name},{uimm}")
            } else {
                write!(f, "{long} {rd},{name},{uimm}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cpu::decode;
    use alloc::string::ToString;

    /// `(bits, Display, display_at(0x10000))`, the expected text as objdump prints it.
    #[test]
    fn objdump_text() {
        let vectors: &[(u32, &str, &str)] = &[
            // ---- jumps and branches: relative with Display, absolute hex with display_at ----
            // jal zero, .+116
            (0x0740_006f, "j .+116", "j 10074"),
            // jal ra, .-8
            (0xff9f_f0ef, "jal .-8", "jal fff8"),
            // jal t0, .+0
            (0x0000_02ef, "jal t0,.+0", "jal t0,10000"),
            // beq a0, zero, .+140
            (0x0805_0663, "beqz a0,.+140", "beqz a0,1008c"),
            // bge zero, zero, .+0 (objdump prefers blez)
            (0x0000_5063, "blez zero,.+0", "blez zero,10000"),
            // blt zero, a5, .-4096
            (0x80f0_4063, "bgtz a5,.-4096", "bgtz a5,f000"),
            // bltu a0, a1, .+8
            (0x00b5_6463, "bltu a0,a1,.+8", "bltu a0,a1,10008"),
            // c.j .-2
            (0xbffd, "j .-2", "j fffe"),
            // c.bnez s1, .+6
            (0xe099, "bnez s1,.+6", "bnez s1,10006"),
            // ---- jalr forms ----
            // jalr zero, 0(ra)
            (0x0000_8067, "ret", "ret"),
            // jalr zero, 4(a0)
            (0x0045_0067, "jr 4(a0)", "jr 4(a0)"),
            // jalr ra, 0(a0)
            (0x0005_00e7, "jalr a0", "jalr a0"),
            // jalr a1, -4(a0)
            (0xffc5_05e7, "jalr a1,-4(a0)", "jalr a1,-4(a0)"),
            // ---- OP-IMM: binutils prints add/xor/or/and/sll/srl/sra with an immediate ----
            // addi a0, a0, 1
            (0x0015_0513, "add a0,a0,1", "add a0,a0,1"),
            // addi zero, zero, 0
            (0x0000_0013, "nop", "nop"),
            // addi a0, zero, -1
            (0xfff0_0513, "li a0,-1", "li a0,-1"),
            // addi a0, a1, 0
            (0x0005_8513, "mv a0,a1", "mv a0,a1"),
            // c.mv a0, a1
            (0x852e, "mv a0,a1", "mv a0,a1"),
            // slli a0, a0, 31
            (0x01f5_1513, "sll a0,a0,0x1f", "sll a0,a0,0x1f"),
            // xori a0, a1, -1
            (0xfff5_c513, "not a0,a1", "not a0,a1"),
            // sltiu a0, a1, 1
            (0x0015_b513, "seqz a0,a1", "seqz a0,a1"),
            // andi a3, a4, 255
            (0x0ff7_7693, "zext.b a3,a4", "zext.b a3,a4"),
            // lui a0, 0xfffff
            (0xffff_f537, "lui a0,0xfffff", "lui a0,0xfffff"),
            // ---- OP aliases ----
            // sub a0, zero, a1
            (0x40b0_0533, "neg a0,a1", "neg a0,a1"),
            // sltu a0, zero, a1
            (0x00b0_3533, "snez a0,a1", "snez a0,a1"),
            // slt a0, a1, zero
            (0x0005_a533, "sltz a0,a1", "sltz a0,a1"),
            // slt a0, zero, a1
            (0x00b0_2533, "sgtz a0,a1", "sgtz a0,a1"),
            // mulhsu a6, a7, s0
            (0x0288_a833, "mulhsu a6,a7,s0", "mulhsu a6,a7,s0"),
            // ---- loads, stores, atomics ----
            // lw a0, -2048(sp)
            (0x8001_2503, "lw a0,-2048(sp)", "lw a0,-2048(sp)"),
            // c.swsp ra, 252(sp)
            (0xdf86, "sw ra,252(sp)", "sw ra,252(sp)"),
            // lr.w.aq t0, (sp)
            (0x1401_22af, "lr.w.aq t0,(sp)", "lr.w.aq t0,(sp)"),
            // amoswap.w.aqrl t0, t1, (t2)
            (
                0x0e63_a2af,
                "amoswap.w.aqrl t0,t1,(t2)",
                "amoswap.w.aqrl t0,t1,(t2)",
            ),
            // ---- fences and system ----
            // fence iorw, iorw
            (0x0ff0_000f, "fence", "fence"),
            // fence r, w
            (0x0210_000f, "fence r,w", "fence r,w"),
            // fence.tso
            (0x8330_000f, "fence.tso", "fence.tso"),
            // pause
            (0x0100_000f, "pause", "pause"),
            // fence with empty predecessor set
            (0x0010_000f, "fence unknown,w", "fence unknown,w"),
            // sfence.vma a0
            (0x1205_0073, "sfence.vma a0", "sfence.vma a0"),
            // sfence.vma zero, a1
            (0x12b0_0073, "sfence.vma zero,a1", "sfence.vma zero,a1"),
            // ---- Zicsr ----
            // csrrs a0, mstatus, zero
            (0x3000_2573, "csrr a0,mstatus", "csrr a0,mstatus"),
            // csrrw zero, mtvec, a0
            (0x3055_1073, "csrw mtvec,a0", "csrw mtvec,a0"),
            // csrrwi zero, mstatus, 5
            (0x3002_d073, "csrw mstatus,5", "csrw mstatus,5"),
            // csrrsi a0, mstatus, 5
            (0x3002_e573, "csrrs a0,mstatus,5", "csrrs a0,mstatus,5"),
            // csrrs a0, cycle, zero
            (0xc000_2573, "rdcycle a0", "rdcycle a0"),
            // csrrw zero, cycle, zero
            (0xc000_1073, "unimp", "unimp"),
            // csrrw a0, 0x7c0, a1
            (0x7c05_9573, "csrrw a0,0x7c0,a1", "csrrw a0,0x7c0,a1"),
        ];
        for &(bits, relative, absolute) in vectors {
            let insn = decode(bits).unwrap().instruction;
            assert_eq!(insn.to_string(), relative, "{bits:#010x}");
            assert_eq!(
                insn.display_at(0x10000).to_string(),
                absolute,
                "{bits:#010x}"
            );
        }
    }

    /// Targets wrap around the 32-bit address space as the hart's pc does.
    #[test]
    fn targets_wrap() {
        // jal zero, .-4 at address 0
        let insn = decode(0xffdf_f06f).unwrap().instruction;
        assert_eq!(insn.display_at(0).to_string(), "j fffffffc");
        assert_eq!(insn.display_at(0xffff_fffc).to_string(), "j fffffff8");
    }
}
