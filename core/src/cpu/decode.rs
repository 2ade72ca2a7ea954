//! Decoding: a pure function from instruction bits to an [`Instruction`] value.
//!
//! [`decode`] looks at the low two bits of the first halfword (RISC-V Unprivileged ISA 20191213,
//! section 1.5 "Base Instruction-Length Encoding"): `0b11` starts a 32-bit instruction, anything else
//! is a 16-bit compressed (RVC) instruction. Compressed instructions decode into the same
//! [`Instruction`] variants as their 32-bit expansions (chapter 16, "C" Standard Extension), so the
//! executor and the disassembler see one instruction model.
//!
//! Every encoding the hart does not implement is an `Err`: reserved encodings, the F/D compressed
//! loads and stores (this hart has no floating point), RV64-only forms, encodings longer than 32 bits.
//! HINTs (encodings the spec reserves as no-op hints, e.g. `c.nop 5`, `addi x0, x0, 5`, `c.li x0, 5`)
//! decode as the ordinary instruction, which writes `x0` and therefore does nothing.
//!
//! Fields named in comments follow the spec's instruction format figures (`rd`, `rs1`, `funct3`, ...;
//! primed names like `rd'` are the 3-bit compressed register fields for `x8`..`x15`).

use super::instruction::{
    AmoKind, BranchKind, CsrOp, CsrSrc, Decoded, Instruction, LoadKind, OpImmKind, OpKind,
    StoreKind,
};
use super::reg::Reg;

mod compressed;

use compressed::decode_16;

/// Why a word is not a valid instruction; the hart raises an illegal-instruction exception.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
#[error("illegal instruction {bits:#x}")]
pub struct DecodeError {
    /// The instruction bits (16 of them for a compressed encoding, else the 32-bit word), the value
    /// written to `mtval`/`stval` on an illegal-instruction trap.
    pub bits: u32,
}

/// Decodes the instruction whose first halfword is the low half of `word`.
///
/// If the low two bits are `0b11` the whole word is one 32-bit instruction (`len == 4`); otherwise
/// only the low 16 bits are read and decoded as a compressed instruction (`len == 2`), and the upper
/// half is ignored (it belongs to the next instruction).
pub fn decode(word: u32) -> Result<Decoded, DecodeError> {
    if word & 0b11 == 0b11 {
        match decode_32(word) {
            Some(instruction) => Ok(Decoded {
                instruction,
                len: 4,
            }),
            None => Err(DecodeError { bits: word }),
        }
    } else {
        let half = word & 0xffff;
        match decode_16(half) {
            Some(instruction) => Ok(Decoded {
                instruction,
                len: 2,
            }),
            None => Err(DecodeError { bits: half }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 32-bit encodings
// ---------------------------------------------------------------------------------------------

/// Major opcodes, bits [6:0] (Unprivileged ISA 20191213, Table 24.1 "RISC-V base opcode map").
mod opcode {
    pub const LOAD: u32 = 0b000_0011;
    pub const MISC_MEM: u32 = 0b000_1111;
    pub const OP_IMM: u32 = 0b001_0011;
    pub const AUIPC: u32 = 0b001_0111;
    pub const STORE: u32 = 0b010_0011;
    pub const AMO: u32 = 0b010_1111;
    pub const OP: u32 = 0b011_0011;
    pub const LUI: u32 = 0b011_0111;
    pub const BRANCH: u32 = 0b110_0011;
    pub const JALR: u32 = 0b110_0111;
    pub const JAL: u32 = 0b110_1111;
    pub const SYSTEM: u32 = 0b111_0011;
}

/// `rd`, bits [11:7].
const fn rd(w: u32) -> Reg {
    Reg::from_field(w >> 7)
}

/// `rs1`, bits [19:15].
const fn rs1(w: u32) -> Reg {
    Reg::from_field(w >> 15)
}

/// `rs2`, bits [24:20].
const fn rs2(w: u32) -> Reg {
    Reg::from_field(w >> 20)
}

/// `funct3`, bits [14:12].
const fn funct3(w: u32) -> u32 {
    (w >> 12) & 0b111
}

/// `funct7`, bits [31:25].
const fn funct7(w: u32) -> u32 {
    w >> 25
}

/// I-type immediate: `imm[11:0]` = bits [31:20], sign-extended (section 2.3, Figure 2.4).
const fn imm_i(w: u32) -> i32 {
    (w as i32) >> 20
}

/// S-type immediate: `imm[11:5]` = bits [31:25], `imm[4:0]` = bits [11:7], sign-extended.
const fn imm_s(w: u32) -> i32 {
    (((w & 0xfe00_0000) as i32) >> 20) | ((w >> 7) & 0x1f) as i32
}

/// B-type immediate: `imm[12|10:5]` = bits [31:25], `imm[4:1|11]` = bits [11:7], sign-extended.
const fn imm_b(w: u32) -> i32 {
    (((w & 0x8000_0000) as i32) >> 19)
        | (((w >> 7) & 1) << 11) as i32
        | (((w >> 25) & 0x3f) << 5) as i32
        | (((w >> 8) & 0xf) << 1) as i32
}

/// U-type immediate: bits [31:12] in place, low 12 bits zero.
const fn imm_u(w: u32) -> u32 {
    w & 0xffff_f000
}

/// J-type immediate: `imm[20|10:1|11|19:12]` = bits [31:12], sign-extended.
const fn imm_j(w: u32) -> i32 {
    (((w & 0x8000_0000) as i32) >> 11)
        | (w & 0x000f_f000) as i32
        | (((w >> 20) & 1) << 11) as i32
        | (((w >> 21) & 0x3ff) << 1) as i32
}

/// Decodes a 32-bit instruction (low bits `0b11`), or `None` when it is not one this hart has.
fn decode_32(w: u32) -> Option<Instruction> {
    // Bits [4:2] = 0b111 mark 48-bit and longer encodings (section 1.5, Figure 1.1); their major
    // opcodes are not in the match below, so they fall through to `None`.
    match w & 0x7f {
        opcode::LUI => Some(Instruction::Lui {
            rd: rd(w),
            imm: imm_u(w),
        }),
        opcode::AUIPC => Some(Instruction::Auipc {
            rd: rd(w),
            imm: imm_u(w),
        }),
        opcode::JAL => Some(Instruction::Jal {
            rd: rd(w),
            offset: imm_j(w),
        }),
        // Section 2.5: JALR has funct3 = 000; other funct3 values are reserved.
        opcode::JALR if funct3(w) == 0 => Some(Instruction::Jalr {
            rd: rd(w),
            rs1: rs1(w),
            offset: imm_i(w),
        }),
        opcode::BRANCH => decode_branch(w),
        opcode::LOAD => decode_load(w),
        opcode::STORE => decode_store(w),
        opcode::OP_IMM => decode_op_imm(w),
        opcode::OP => decode_op(w),
        opcode::MISC_MEM => decode_misc_mem(w),
        opcode::SYSTEM => decode_system(w),
        opcode::AMO => decode_amo(w),
        _ => None,
    }
}

/// Conditional branches (section 2.5, "Conditional Branches"); funct3 010 and 011 are reserved.
fn decode_branch(w: u32) -> Option<Instruction> {
    let kind = match funct3(w) {
        0b000 => BranchKind::Eq,
        0b001 => BranchKind::Ne,
        0b100 => BranchKind::Lt,
        0b101 => BranchKind::Ge,
        0b110 => BranchKind::Ltu,
        0b111 => BranchKind::Geu,
        _ => return None,
    };
    Some(Instruction::Branch {
        kind,
        rs1: rs1(w),
        rs2: rs2(w),
        offset: imm_b(w),
    })
}

/// Loads (section 2.6); funct3 011 (`ld`), 110 (`lwu`) and 111 are RV64-only or reserved.
fn decode_load(w: u32) -> Option<Instruction> {
    let kind = match funct3(w) {
        0b000 => LoadKind::Byte,
        0b001 => LoadKind::Half,
        0b010 => LoadKind::Word,
        0b100 => LoadKind::ByteUnsigned,
        0b101 => LoadKind::HalfUnsigned,
        _ => return None,
    };
    Some(Instruction::Load {
        kind,
        rd: rd(w),
        rs1: rs1(w),
        offset: imm_i(w),
    })
}

/// Stores (section 2.6); funct3 011 (`sd`) and up are RV64-only or reserved.
fn decode_store(w: u32) -> Option<Instruction> {
    let kind = match funct3(w) {
        0b000 => StoreKind::Byte,
        0b001 => StoreKind::Half,
        0b010 => StoreKind::Word,
        _ => return None,
    };
    Some(Instruction::Store {
        kind,
        rs1: rs1(w),
        rs2: rs2(w),
        offset: imm_s(w),
    })
}

/// Register-immediate operations (section 2.4, "Integer Register-Immediate Instructions").
fn decode_op_imm(w: u32) -> Option<Instruction> {
    let (kind, imm) = match funct3(w) {
        0b000 => (OpImmKind::Addi, imm_i(w)),
        0b010 => (OpImmKind::Slti, imm_i(w)),
        0b011 => (OpImmKind::Sltiu, imm_i(w)),
        0b100 => (OpImmKind::Xori, imm_i(w)),
        0b110 => (OpImmKind::Ori, imm_i(w)),
        0b111 => (OpImmKind::Andi, imm_i(w)),
        // Shifts by a constant: shamt = bits [24:20], the rest of the immediate selects the kind.
        // On RV32 "SLLI, SRLI, and SRAI generate an illegal instruction exception if imm[5] != 0"
        // (section 2.4), so funct7 must be exactly 0000000 or 0100000.
        0b001 if funct7(w) == 0b000_0000 => (OpImmKind::Slli, shamt(w)),
        0b101 if funct7(w) == 0b000_0000 => (OpImmKind::Srli, shamt(w)),
        0b101 if funct7(w) == 0b010_0000 => (OpImmKind::Srai, shamt(w)),
        _ => return None,
    };
    Some(Instruction::OpImm {
        kind,
        rd: rd(w),
        rs1: rs1(w),
        imm,
    })
}

/// `shamt`, bits [24:20] of a shift-immediate instruction.
const fn shamt(w: u32) -> i32 {
    ((w >> 20) & 0x1f) as i32
}

/// Register-register operations: RV32I (section 2.4, "Integer Register-Register Operations") and
/// the M extension (chapter 7, funct7 = 0000001).
fn decode_op(w: u32) -> Option<Instruction> {
    let kind = match (funct7(w), funct3(w)) {
        (0b000_0000, 0b000) => OpKind::Add,
        (0b010_0000, 0b000) => OpKind::Sub,
        (0b000_0000, 0b001) => OpKind::Sll,
        (0b000_0000, 0b010) => OpKind::Slt,
        (0b000_0000, 0b011) => OpKind::Sltu,
        (0b000_0000, 0b100) => OpKind::Xor,
        (0b000_0000, 0b101) => OpKind::Srl,
        (0b010_0000, 0b101) => OpKind::Sra,
        (0b000_0000, 0b110) => OpKind::Or,
        (0b000_0000, 0b111) => OpKind::And,
        (0b000_0001, 0b000) => OpKind::Mul,
        (0b000_0001, 0b001) => OpKind::Mulh,
        (0b000_0001, 0b010) => OpKind::Mulhsu,
        (0b000_0001, 0b011) => OpKind::Mulhu,
        (0b000_0001, 0b100) => OpKind::Div,
        (0b000_0001, 0b101) => OpKind::Divu,
        (0b000_0001, 0b110) => OpKind::Rem,
        (0b000_0001, 0b111) => OpKind::Remu,
        _ => return None,
    };
    Some(Instruction::Op {
        kind,
        rd: rd(w),
        rs1: rs1(w),
        rs2: rs2(w),
    })
}

/// MISC-MEM: `fence`, `fence.tso`, `pause` (section 2.7) and `fence.i` (chapter 3, Zifencei).
fn decode_misc_mem(w: u32) -> Option<Instruction> {
    match funct3(w) {
        0b000 => {
            // fm = bits [31:28], pred = bits [27:24], succ = bits [23:20] (section 2.7, Figure 2.8).
            let fm = (w >> 28) as u8;
            let pred = ((w >> 24) & 0xf) as u8;
            let succ = ((w >> 20) & 0xf) as u8;
            // "The unused fields in the FENCE instructions - rs1 and rd - are reserved for finer-grain
            // fences in future extensions. For forward compatibility, base implementations shall
            // ignore these fields ... Base implementations shall treat all such reserved
            // configurations [of fm, pred and succ] as normal fences with fm=0000." So rd and rs1
            // are ignored, and the only fm kept is the one defined configuration, FENCE.TSO
            // (fm = 1000, pred = succ = RW).
            let tso = fm == 0b1000 && pred == 0b0011 && succ == 0b0011;
            Some(Instruction::Fence {
                pred,
                succ,
                fm: if tso { 0b1000 } else { 0 },
            })
        }
        // "The unused fields in the FENCE.I instruction, imm[11:0], rs1, and rd, are reserved for
        // finer-grain fences in future extensions. For forward compatibility, base implementations
        // shall ignore these fields" (chapter 3).
        0b001 => Some(Instruction::FenceI),
        _ => None,
    }
}

/// SYSTEM: `ecall`/`ebreak` (section 2.8), the privileged instructions `sret`, `mret`, `wfi` and
/// `sfence.vma` (Privileged ISA v1.12, sections 3.3.2, 3.3.3 and 4.2.1; the chapter "RISC-V Privileged
/// Instruction Set Listings"), and the CSR instructions (Unprivileged ISA chapter 9, Zicsr).
fn decode_system(w: u32) -> Option<Instruction> {
    let csr = (w >> 20) as u16;
    let op = match funct3(w) {
        0b000 => return decode_privileged(w),
        0b001 | 0b101 => CsrOp::ReadWrite,
        0b010 | 0b110 => CsrOp::ReadSet,
        0b011 | 0b111 => CsrOp::ReadClear,
        // funct3 100 holds the hypervisor loads/stores, which this hart does not have.
        _ => return None,
    };
    // funct3[2] selects the immediate forms: the rs1 field then holds a 5-bit zero-extended uimm.
    let src = if funct3(w) & 0b100 == 0 {
        CsrSrc::Reg(rs1(w))
    } else {
        CsrSrc::Imm(((w >> 15) & 0x1f) as u8)
    };
    Some(Instruction::Csr {
        op,
        rd: rd(w),
        csr,
        src,
    })
}

/// SYSTEM with funct3 = 000: every defined encoding has fixed rd/rs1 (zero) and a fixed
/// funct12, except `sfence.vma`, which names rs1 and rs2 (funct7 = 0001001).
fn decode_privileged(w: u32) -> Option<Instruction> {
    match w {
        0x0000_0073 => Some(Instruction::Ecall),
        0x0010_0073 => Some(Instruction::Ebreak),
        0x1020_0073 => Some(Instruction::Sret),
        0x3020_0073 => Some(Instruction::Mret),
        0x1050_0073 => Some(Instruction::Wfi),
        _ if funct7(w) == 0b000_1001 && w & 0x0000_7f80 == 0 => Some(Instruction::SfenceVma {
            rs1: rs1(w),
            rs2: rs2(w),
        }),
        _ => None,
    }
}

/// The A extension (chapter 8): LR/SC (8.2) and AMOs (8.4), all with width funct3 = 010 (`.w`).
/// funct5 = bits [31:27], aq = bit 26, rl = bit 25.
fn decode_amo(w: u32) -> Option<Instruction> {
    if funct3(w) != 0b010 {
        return None;
    }
    let aq = (w >> 26) & 1 == 1;
    let rl = (w >> 25) & 1 == 1;
    let kind = match w >> 27 {
        // LR.W has rs2 = 00000; other values are reserved.
        0b00010 if (w >> 20) & 0x1f == 0 => {
            return Some(Instruction::LoadReserved {
                rd: rd(w),
                rs1: rs1(w),
                aq,
                rl,
            });
        }
        0b00011 => {
            return Some(Instruction::StoreConditional {
                rd: rd(w),
                rs1: rs1(w),
                rs2: rs2(w),
                aq,
                rl,
            });
        }
        0b00001 => AmoKind::Swap,
        0b00000 => AmoKind::Add,
        0b00100 => AmoKind::Xor,
        0b01100 => AmoKind::And,
        0b01000 => AmoKind::Or,
        0b10000 => AmoKind::Min,
        0b10100 => AmoKind::Max,
        0b11000 => AmoKind::Minu,
        0b11100 => AmoKind::Maxu,
        _ => return None,
    };
    Some(Instruction::Amo {
        kind,
        rd: rd(w),
        rs1: rs1(w),
        rs2: rs2(w),
        aq,
        rl,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::instruction::Instruction::*;
    use alloc::collections::BTreeMap;
    use alloc::string::String;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn r(name: &str) -> Reg {
        Reg::parse(name).unwrap()
    }

    /// Decodes `bits` and checks the instruction and its length (2 for RVC, 4 otherwise).
    fn check(bits: u32, expected: Instruction) {
        let len = if bits & 3 == 3 { 4 } else { 2 };
        assert_eq!(
            decode(bits),
            Ok(Decoded {
                instruction: expected,
                len
            }),
            "bits {bits:#010x}"
        );
    }

    /// Valid encodings, from GNU as (`riscv64-unknown-elf-as -march=rv32imac_zicsr_zifencei_zihintpause`),
    /// with the assembly they came from above each one.
    #[rustfmt::skip] // one vector per line reads better than rustfmt's expanded struct literals
    #[test]
    fn valid_encodings() {
        let vectors = [
        // ---- U-type and J-type: lui, auipc, jal (imm[20|10:1|11|19:12]) ----
        // lui a0, 0x12345
        (0x1234_5537, Lui { rd: r("a0"), imm: 0x12345000 }),
        // lui t6, 0xfffff
        (0xffff_ffb7, Lui { rd: r("t6"), imm: 0xfffff000 }),
        // auipc ra, 0x80000
        (0x8000_0097, Auipc { rd: r("ra"), imm: 0x80000000 }),
        // jal ra, .+2048
        (0x0010_00ef, Jal { rd: r("ra"), offset: 2048 }),
        // jal zero, .-4
        (0xffdf_f06f, Jal { rd: r("zero"), offset: -4 }),
        // jal t0, .+0xffffe
        (0x7fff_f2ef, Jal { rd: r("t0"), offset: 1048574 }),
        // jal ra, .-0x100000
        (0x8000_00ef, Jal { rd: r("ra"), offset: -1048576 }),
        // ---- I-type jalr ----
        // jalr zero, 0(ra)
        (0x0000_8067, Jalr { rd: r("zero"), rs1: r("ra"), offset: 0 }),
        // jalr t1, -2048(t2)
        (0x8003_8367, Jalr { rd: r("t1"), rs1: r("t2"), offset: -2048 }),
        // ---- B-type branches (imm[12|10:5], imm[4:1|11]) ----
        // beq a0, a1, .+8
        (0x00b5_0463, Branch { kind: BranchKind::Eq, rs1: r("a0"), rs2: r("a1"), offset: 8 }),
        // bne a2, zero, .-4096
        (0x8006_1063, Branch { kind: BranchKind::Ne, rs1: r("a2"), rs2: r("zero"), offset: -4096 }),
        // blt a4, a5, .+4094
        (0x7ef7_4fe3, Branch { kind: BranchKind::Lt, rs1: r("a4"), rs2: r("a5"), offset: 4094 }),
        // bge s0, s1, .-2
        (0xfe94_5fe3, Branch { kind: BranchKind::Ge, rs1: r("s0"), rs2: r("s1"), offset: -2 }),
        // bltu t0, t1, .+2048
        (0x0062_e0e3, Branch { kind: BranchKind::Ltu, rs1: r("t0"), rs2: r("t1"), offset: 2048 }),
        // bgeu zero, t6, .+16
        (0x01f0_7863, Branch { kind: BranchKind::Geu, rs1: r("zero"), rs2: r("t6"), offset: 16 }),
        // ---- I-type loads and S-type stores ----
        // lb a0, 0(a1)
        (0x0005_8503, Load { kind: LoadKind::Byte, rd: r("a0"), rs1: r("a1"), offset: 0 }),
        // lh a0, -2048(sp)
        (0x8001_1503, Load { kind: LoadKind::Half, rd: r("a0"), rs1: r("sp"), offset: -2048 }),
        // lw a0, 2047(s0)
        (0x7ff4_2503, Load { kind: LoadKind::Word, rd: r("a0"), rs1: r("s0"), offset: 2047 }),
        // lbu t0, -1(t1)
        (0xfff3_4283, Load { kind: LoadKind::ByteUnsigned, rd: r("t0"), rs1: r("t1"), offset: -1 }),
        // lhu t2, 64(gp)
        (0x0401_d383, Load { kind: LoadKind::HalfUnsigned, rd: r("t2"), rs1: r("gp"), offset: 64 }),
        // sb a0, 0(a1)
        (0x00a5_8023, Store { kind: StoreKind::Byte, rs1: r("a1"), rs2: r("a0"), offset: 0 }),
        // sh a2, -2048(a3)
        (0x80c6_9023, Store { kind: StoreKind::Half, rs1: r("a3"), rs2: r("a2"), offset: -2048 }),
        // sw ra, 2047(sp)
        (0x7e11_2fa3, Store { kind: StoreKind::Word, rs1: r("sp"), rs2: r("ra"), offset: 2047 }),
        // ---- OP-IMM, including shifts by shamt ----
        // addi a0, a0, 1
        (0x0015_0513, OpImm { kind: OpImmKind::Addi, rd: r("a0"), rs1: r("a0"), imm: 1 }),
        // addi zero, zero, 0
        (0x0000_0013, OpImm { kind: OpImmKind::Addi, rd: r("zero"), rs1: r("zero"), imm: 0 }),
        // addi zero, zero, 5
        (0x0050_0013, OpImm { kind: OpImmKind::Addi, rd: r("zero"), rs1: r("zero"), imm: 5 }),
        // slti t0, t1, -1
        (0xfff3_2293, OpImm { kind: OpImmKind::Slti, rd: r("t0"), rs1: r("t1"), imm: -1 }),
        // sltiu t0, t1, 2047
        (0x7ff3_3293, OpImm { kind: OpImmKind::Sltiu, rd: r("t0"), rs1: r("t1"), imm: 2047 }),
        // xori s0, s1, -1
        (0xfff4_c413, OpImm { kind: OpImmKind::Xori, rd: r("s0"), rs1: r("s1"), imm: -1 }),
        // ori s0, s1, 0x7ff
        (0x7ff4_e413, OpImm { kind: OpImmKind::Ori, rd: r("s0"), rs1: r("s1"), imm: 2047 }),
        // andi s0, s1, -2048
        (0x8004_f413, OpImm { kind: OpImmKind::Andi, rd: r("s0"), rs1: r("s1"), imm: -2048 }),
        // slli a2, a3, 31
        (0x01f6_9613, OpImm { kind: OpImmKind::Slli, rd: r("a2"), rs1: r("a3"), imm: 31 }),
        // srli a4, a5, 1
        (0x0017_d713, OpImm { kind: OpImmKind::Srli, rd: r("a4"), rs1: r("a5"), imm: 1 }),
        // srai a6, a7, 31
        (0x41f8_d813, OpImm { kind: OpImmKind::Srai, rd: r("a6"), rs1: r("a7"), imm: 31 }),
        // ---- OP: RV32I funct7 0000000/0100000 and M funct7 0000001 ----
        // add s2, s3, s4
        (0x0149_8933, Op { kind: OpKind::Add, rd: r("s2"), rs1: r("s3"), rs2: r("s4") }),
        // sub s5, s6, s7
        (0x417b_0ab3, Op { kind: OpKind::Sub, rd: r("s5"), rs1: r("s6"), rs2: r("s7") }),
        // sll s8, s9, s10
        (0x01ac_9c33, Op { kind: OpKind::Sll, rd: r("s8"), rs1: r("s9"), rs2: r("s10") }),
        // slt s11, t3, t4
        (0x01de_2db3, Op { kind: OpKind::Slt, rd: r("s11"), rs1: r("t3"), rs2: r("t4") }),
        // sltu t5, t6, ra
        (0x001f_bf33, Op { kind: OpKind::Sltu, rd: r("t5"), rs1: r("t6"), rs2: r("ra") }),
        // xor sp, gp, tp
        (0x0041_c133, Op { kind: OpKind::Xor, rd: r("sp"), rs1: r("gp"), rs2: r("tp") }),
        // srl a0, a0, a1
        (0x00b5_5533, Op { kind: OpKind::Srl, rd: r("a0"), rs1: r("a0"), rs2: r("a1") }),
        // sra a1, a2, a3
        (0x40d6_55b3, Op { kind: OpKind::Sra, rd: r("a1"), rs1: r("a2"), rs2: r("a3") }),
        // or a4, a5, a6
        (0x0107_e733, Op { kind: OpKind::Or, rd: r("a4"), rs1: r("a5"), rs2: r("a6") }),
        // and a7, s0, s1
        (0x0094_78b3, Op { kind: OpKind::And, rd: r("a7"), rs1: r("s0"), rs2: r("s1") }),
        // mul a0, a1, a2
        (0x02c5_8533, Op { kind: OpKind::Mul, rd: r("a0"), rs1: r("a1"), rs2: r("a2") }),
        // mulh a3, a4, a5
        (0x02f7_16b3, Op { kind: OpKind::Mulh, rd: r("a3"), rs1: r("a4"), rs2: r("a5") }),
        // mulhsu a6, a7, s0
        (0x0288_a833, Op { kind: OpKind::Mulhsu, rd: r("a6"), rs1: r("a7"), rs2: r("s0") }),
        // mulhu s1, s2, s3
        (0x0339_34b3, Op { kind: OpKind::Mulhu, rd: r("s1"), rs1: r("s2"), rs2: r("s3") }),
        // div s4, s5, s6
        (0x036a_ca33, Op { kind: OpKind::Div, rd: r("s4"), rs1: r("s5"), rs2: r("s6") }),
        // divu s7, s8, s9
        (0x039c_5bb3, Op { kind: OpKind::Divu, rd: r("s7"), rs1: r("s8"), rs2: r("s9") }),
        // rem s10, s11, t3
        (0x03cd_ed33, Op { kind: OpKind::Rem, rd: r("s10"), rs1: r("s11"), rs2: r("t3") }),
        // remu t4, t5, t6
        (0x03ff_7eb3, Op { kind: OpKind::Remu, rd: r("t4"), rs1: r("t5"), rs2: r("t6") }),
        // ---- MISC-MEM and SYSTEM funct3 000 ----
        // fence iorw, iorw
        (0x0ff0_000f, Fence { pred: 0b1111, succ: 0b1111, fm: 0 }),
        // fence r, w
        (0x0210_000f, Fence { pred: 0b0010, succ: 0b0001, fm: 0 }),
        // fence.tso
        (0x8330_000f, Fence { pred: 0b0011, succ: 0b0011, fm: 0b1000 }),
        // pause
        (0x0100_000f, Fence { pred: 0b0001, succ: 0b0000, fm: 0 }),
        // fence.i
        (0x0000_100f, FenceI),
        // ecall
        (0x0000_0073, Ecall),
        // ebreak
        (0x0010_0073, Ebreak),
        // sret
        (0x1020_0073, Sret),
        // mret
        (0x3020_0073, Mret),
        // wfi
        (0x1050_0073, Wfi),
        // sfence.vma
        (0x1200_0073, SfenceVma { rs1: r("zero"), rs2: r("zero") }),
        // sfence.vma a0, a1
        (0x12b5_0073, SfenceVma { rs1: r("a0"), rs2: r("a1") }),
        // ---- Zicsr: csr = bits [31:20], rs1/uimm = bits [19:15] ----
        // csrrw a0, mstatus, a1
        (0x3005_9573, Csr { op: CsrOp::ReadWrite, rd: r("a0"), csr: 0x300, src: CsrSrc::Reg(r("a1")) }),
        // csrrs zero, mie, zero
        (0x3040_2073, Csr { op: CsrOp::ReadSet, rd: r("zero"), csr: 0x304, src: CsrSrc::Reg(r("zero")) }),
        // csrrc a0, mip, a1
        (0x3445_b573, Csr { op: CsrOp::ReadClear, rd: r("a0"), csr: 0x344, src: CsrSrc::Reg(r("a1")) }),
        // csrrwi a0, mtvec, 0
        (0x3050_5573, Csr { op: CsrOp::ReadWrite, rd: r("a0"), csr: 0x305, src: CsrSrc::Imm(0) }),
        // csrrsi zero, mscratch, 31
        (0x340f_e073, Csr { op: CsrOp::ReadSet, rd: r("zero"), csr: 0x340, src: CsrSrc::Imm(31) }),
        // csrrci a0, 0xfff, 5
        (0xfff2_f573, Csr { op: CsrOp::ReadClear, rd: r("a0"), csr: 0xfff, src: CsrSrc::Imm(5) }),
        // ---- A: funct5 = bits [31:27], aq = bit 26, rl = bit 25 ----
        // lr.w a0, (a1)
        (0x1005_a52f, LoadReserved { rd: r("a0"), rs1: r("a1"), aq: false, rl: false }),
        // lr.w.aq t0, (sp)
        (0x1401_22af, LoadReserved { rd: r("t0"), rs1: r("sp"), aq: true, rl: false }),
        // sc.w.rl a0, a2, (a1)
        (0x1ac5_a52f, StoreConditional { rd: r("a0"), rs1: r("a1"), rs2: r("a2"), aq: false, rl: true }),
        // amoswap.w.aqrl t0, t1, (t2)
        (0x0e63_a2af, Amo { kind: AmoKind::Swap, rd: r("t0"), rs1: r("t2"), rs2: r("t1"), aq: true, rl: true }),
        // amoadd.w a0, a1, (a2)
        (0x00b6_252f, Amo { kind: AmoKind::Add, rd: r("a0"), rs1: r("a2"), rs2: r("a1"), aq: false, rl: false }),
        // amoxor.w a0, a1, (a2)
        (0x20b6_252f, Amo { kind: AmoKind::Xor, rd: r("a0"), rs1: r("a2"), rs2: r("a1"), aq: false, rl: false }),
        // amoand.w a0, a1, (a2)
        (0x60b6_252f, Amo { kind: AmoKind::And, rd: r("a0"), rs1: r("a2"), rs2: r("a1"), aq: false, rl: false }),
        // amoor.w a0, a1, (a2)
        (0x40b6_252f, Amo { kind: AmoKind::Or, rd: r("a0"), rs1: r("a2"), rs2: r("a1"), aq: false, rl: false }),
        // amomin.w a0, a1, (a2)
        (0x80b6_252f, Amo { kind: AmoKind::Min, rd: r("a0"), rs1: r("a2"), rs2: r("a1"), aq: false, rl: false }),
        // amomax.w a0, a1, (a2)
        (0xa0b6_252f, Amo { kind: AmoKind::Max, rd: r("a0"), rs1: r("a2"), rs2: r("a1"), aq: false, rl: false }),
        // amominu.w a0, a1, (a2)
        (0xc0b6_252f, Amo { kind: AmoKind::Minu, rd: r("a0"), rs1: r("a2"), rs2: r("a1"), aq: false, rl: false }),
        // amomaxu.w a0, a1, (a2)
        (0xe0b6_252f, Amo { kind: AmoKind::Maxu, rd: r("a0"), rs1: r("a2"), rs2: r("a1"), aq: false, rl: false }),
        // ---- RVC quadrant 0 (bits [1:0] = 00) ----
        // c.addi4spn s0, sp, 4
        (0x0040, OpImm { kind: OpImmKind::Addi, rd: r("s0"), rs1: r("sp"), imm: 4 }),
        // c.addi4spn a5, sp, 1020
        (0x1ffc, OpImm { kind: OpImmKind::Addi, rd: r("a5"), rs1: r("sp"), imm: 1020 }),
        // c.lw a0, 0(a1)
        (0x4188, Load { kind: LoadKind::Word, rd: r("a0"), rs1: r("a1"), offset: 0 }),
        // c.lw s1, 124(a5)
        (0x5fe4, Load { kind: LoadKind::Word, rd: r("s1"), rs1: r("a5"), offset: 124 }),
        // c.sw a2, 64(s0)
        (0xc030, Store { kind: StoreKind::Word, rs1: r("s0"), rs2: r("a2"), offset: 64 }),
        // ---- RVC quadrant 1 (bits [1:0] = 01) ----
        // c.nop
        (0x0001, OpImm { kind: OpImmKind::Addi, rd: r("zero"), rs1: r("zero"), imm: 0 }),
        // c.nop 5
        (0x0015, OpImm { kind: OpImmKind::Addi, rd: r("zero"), rs1: r("zero"), imm: 5 }),
        // c.addi a0, 1
        (0x0505, OpImm { kind: OpImmKind::Addi, rd: r("a0"), rs1: r("a0"), imm: 1 }),
        // c.addi t6, -32
        (0x1f81, OpImm { kind: OpImmKind::Addi, rd: r("t6"), rs1: r("t6"), imm: -32 }),
        // c.addi a0, 0
        (0x0501, OpImm { kind: OpImmKind::Addi, rd: r("a0"), rs1: r("a0"), imm: 0 }),
        // c.jal .+2
        (0x2009, Jal { rd: r("ra"), offset: 2 }),
        // c.jal .-2048
        (0x3001, Jal { rd: r("ra"), offset: -2048 }),
        // c.li a0, -32
        (0x5501, OpImm { kind: OpImmKind::Addi, rd: r("a0"), rs1: r("zero"), imm: -32 }),
        // c.li zero, 7
        (0x401d, OpImm { kind: OpImmKind::Addi, rd: r("zero"), rs1: r("zero"), imm: 7 }),
        // c.addi16sp sp, 496
        (0x617d, OpImm { kind: OpImmKind::Addi, rd: r("sp"), rs1: r("sp"), imm: 496 }),
        // c.addi16sp sp, -512
        (0x7101, OpImm { kind: OpImmKind::Addi, rd: r("sp"), rs1: r("sp"), imm: -512 }),
        // c.lui a0, 1
        (0x6505, Lui { rd: r("a0"), imm: 0x1000 }),
        // c.lui s1, 0xfffff
        (0x74fd, Lui { rd: r("s1"), imm: 0xfffff000 }),
        // c.lui zero, 3
        (0x600d, Lui { rd: r("zero"), imm: 0x3000 }),
        // c.srli a0, 1
        (0x8105, OpImm { kind: OpImmKind::Srli, rd: r("a0"), rs1: r("a0"), imm: 1 }),
        // c.srli s1, 31
        (0x80fd, OpImm { kind: OpImmKind::Srli, rd: r("s1"), rs1: r("s1"), imm: 31 }),
        // c.srai a5, 16
        (0x87c1, OpImm { kind: OpImmKind::Srai, rd: r("a5"), rs1: r("a5"), imm: 16 }),
        // c.srli64 s0
        (0x8001, OpImm { kind: OpImmKind::Srli, rd: r("s0"), rs1: r("s0"), imm: 0 }),
        // c.andi a0, -1
        (0x997d, OpImm { kind: OpImmKind::Andi, rd: r("a0"), rs1: r("a0"), imm: -1 }),
        // c.sub a0, a1
        (0x8d0d, Op { kind: OpKind::Sub, rd: r("a0"), rs1: r("a0"), rs2: r("a1") }),
        // c.xor a2, a3
        (0x8e35, Op { kind: OpKind::Xor, rd: r("a2"), rs1: r("a2"), rs2: r("a3") }),
        // c.or a4, a5
        (0x8f5d, Op { kind: OpKind::Or, rd: r("a4"), rs1: r("a4"), rs2: r("a5") }),
        // c.and s0, s1
        (0x8c65, Op { kind: OpKind::And, rd: r("s0"), rs1: r("s0"), rs2: r("s1") }),
        // c.j .+2046
        (0xaffd, Jal { rd: r("zero"), offset: 2046 }),
        // c.j .-2
        (0xbffd, Jal { rd: r("zero"), offset: -2 }),
        // c.beqz a0, .+254
        (0xcd7d, Branch { kind: BranchKind::Eq, rs1: r("a0"), rs2: r("zero"), offset: 254 }),
        // c.bnez s1, .-256
        (0xf081, Branch { kind: BranchKind::Ne, rs1: r("s1"), rs2: r("zero"), offset: -256 }),
        // ---- RVC quadrant 2 (bits [1:0] = 10) ----
        // c.slli a0, 1
        (0x0506, OpImm { kind: OpImmKind::Slli, rd: r("a0"), rs1: r("a0"), imm: 1 }),
        // c.slli zero, 3
        (0x000e, OpImm { kind: OpImmKind::Slli, rd: r("zero"), rs1: r("zero"), imm: 3 }),
        // c.lwsp a0, 0(sp)
        (0x4502, Load { kind: LoadKind::Word, rd: r("a0"), rs1: r("sp"), offset: 0 }),
        // c.lwsp ra, 252(sp)
        (0x50fe, Load { kind: LoadKind::Word, rd: r("ra"), rs1: r("sp"), offset: 252 }),
        // c.jr a0
        (0x8502, Jalr { rd: r("zero"), rs1: r("a0"), offset: 0 }),
        // c.jr ra
        (0x8082, Jalr { rd: r("zero"), rs1: r("ra"), offset: 0 }),
        // c.mv a0, a1
        (0x852e, OpImm { kind: OpImmKind::Addi, rd: r("a0"), rs1: r("a1"), imm: 0 }),
        // c.mv zero, a0
        (0x802a, OpImm { kind: OpImmKind::Addi, rd: r("zero"), rs1: r("a0"), imm: 0 }),
        // c.ebreak
        (0x9002, Ebreak),
        // c.jalr t0
        (0x9282, Jalr { rd: r("ra"), rs1: r("t0"), offset: 0 }),
        // c.add a0, a1
        (0x952e, Op { kind: OpKind::Add, rd: r("a0"), rs1: r("a0"), rs2: r("a1") }),
        // c.add zero, a1
        (0x902e, Op { kind: OpKind::Add, rd: r("zero"), rs1: r("zero"), rs2: r("a1") }),
        // c.swsp a0, 0(sp)
        (0xc02a, Store { kind: StoreKind::Word, rs1: r("sp"), rs2: r("a0"), offset: 0 }),
        // c.swsp ra, 252(sp)
        (0xdf86, Store { kind: StoreKind::Word, rs1: r("sp"), rs2: r("ra"), offset: 252 }),
        ];
        for (bits, expected) in vectors {
            check(bits, expected);
        }
    }

    /// Reserved, unimplemented or illegal encodings: each must be an `Err` carrying its bits.
    #[test]
    fn illegal_encodings() {
        let vectors: [(u32, &str); 52] = [
            // ---- RVC quadrant 0 ----
            (
                0x0000,
                "all-zero halfword: c.addi4spn with nzuimm = 0, the defined illegal instruction",
            ),
            (0x0004, "c.addi4spn s1, sp, 0: nzuimm = 0 is reserved"),
            (0x2000, "c.fld: needs D"),
            (0x6000, "c.flw: needs F"),
            (0x8000, "quadrant 0 funct3 = 100: reserved"),
            (0xa000, "c.fsd: needs D"),
            (0xe000, "c.fsw: needs F"),
            // ---- RVC quadrant 1 ----
            (0x6101, "c.addi16sp sp, 0: reserved"),
            (0x6501, "c.lui a0, 0: nzimm = 0 is reserved"),
            (0x6001, "c.lui zero, 0: nzimm = 0 is reserved"),
            (0x9005, "c.srli s0, 33: shamt[5] = 1 is custom on RV32"),
            (0x9401, "c.srai s0, 32: shamt[5] = 1 is custom on RV32"),
            (0x9c01, "c.subw s0, s0: RV64 only"),
            (0x9c21, "c.addw s0, s0: RV64 only"),
            (0x9c41, "bit 12 = 1, funct2 = 10: reserved"),
            (0x9c61, "bit 12 = 1, funct2 = 11: reserved"),
            // ---- RVC quadrant 2 ----
            (0x1502, "c.slli a0, 32: shamt[5] = 1 is custom on RV32"),
            (0x2002, "c.fldsp: needs D"),
            (0x4002, "c.lwsp zero, 0(sp): rd = 0 is reserved"),
            (0x6002, "c.flwsp: needs F"),
            (0x8002, "c.jr zero: rs1 = 0 is reserved"),
            (0xa002, "c.fsdsp: needs D"),
            (0xe002, "c.fswsp: needs F"),
            // ---- OP-IMM shifts: funct7 must be 0000000 (slli, srli) or 0100000 (srai) ----
            (
                0x0205_1513,
                "slli a0, a0, 32: imm[5] != 0 is illegal on RV32",
            ),
            (
                0x4215_5513,
                "srai a0, a0, 33: imm[5] != 0 is illegal on RV32",
            ),
            (0x0215_5513, "srli with funct7 = 0000001"),
            (0x6015_5513, "srai with funct7 = 0110000"),
            (0x4015_1513, "slli with funct7 = 0100000"),
            // ---- OP: unknown funct7/funct3 pairs ----
            (0x04b5_0533, "add with funct7 = 0000010"),
            (0x40b5_1533, "sll with funct7 = 0100000"),
            // ---- funct3 values a major opcode does not define ----
            (0x0005_3503, "ld a0, 0(a0): RV64 only"),
            (0x0005_6503, "lwu a0, 0(a0): RV64 only"),
            (0x00a5_3023, "sd a0, 0(a0): RV64 only"),
            (0x0000_2063, "branch funct3 = 010"),
            (0x0000_1067, "jalr funct3 = 001"),
            (
                0x0000_200f,
                "MISC-MEM funct3 = 010 (cbo.*, not implemented)",
            ),
            (0x0000_4073, "SYSTEM funct3 = 100 (hypervisor loads/stores)"),
            // ---- SYSTEM funct3 = 000 with other fields ----
            (0x0000_00f3, "ecall with rd = ra"),
            (0x0000_8073, "ecall with rs1 = ra"),
            (0x0020_0073, "uret (N extension, not implemented)"),
            (0x7b20_0073, "dret (debug mode only)"),
            (0x1040_0073, "sfence.vm (Privileged ISA 1.9 draft)"),
            (0x1200_00f3, "sfence.vma with rd = ra"),
            (0x2200_0073, "hfence.vvma (H extension)"),
            // ---- A: width, funct5 and the rs2 of lr.w ----
            (0x10b5_252f, "lr.w a0, (a0) with rs2 = a1: reserved"),
            (0x00b6_352f, "amoadd.d a0, a1, (a2): RV64 only"),
            (0x28b6_252f, "funct5 = 00101: not an AMO"),
            // ---- opcodes of extensions this hart does not have, and longer encodings ----
            (0x0000_0007, "LOAD-FP: needs F"),
            (0x0000_0057, "OP-V: needs V"),
            (0x0000_001f, "48-bit encoding prefix"),
            (0x0000_003f, "64-bit encoding prefix"),
            (0xffff_ffff, "all ones: an encoding longer than 64 bits"),
        ];
        for (bits, why) in vectors {
            let expect = if bits & 3 == 3 { bits } else { bits & 0xffff };
            assert_eq!(
                decode(bits),
                Err(DecodeError { bits: expect }),
                "{bits:#010x}: {why}"
            );
        }
    }

    /// A compressed instruction occupies only the low halfword: the upper half is the next
    /// instruction and must not change the result.
    #[test]
    fn compressed_ignores_upper_half() {
        // c.addi a0, 1
        assert_eq!(decode(0xdead_0505), decode(0x0505));
        // 0x0000 is illegal whatever follows; the error carries only the 16 bits.
        assert_eq!(decode(0xffff_0000), Err(DecodeError { bits: 0 }));
    }

    /// HINTs execute as no-ops: they decode to an ordinary instruction writing x0 (or rd = rd).
    #[test]
    fn hints_decode_as_ordinary_instructions() {
        // c.nop 5
        check(
            0x0015,
            OpImm {
                kind: OpImmKind::Addi,
                rd: r("zero"),
                rs1: r("zero"),
                imm: 5,
            },
        );
        // c.slli64 a0 (RV32: shamt = 0)
        check(
            0x0502,
            OpImm {
                kind: OpImmKind::Slli,
                rd: r("a0"),
                rs1: r("a0"),
                imm: 0,
            },
        );
        // c.srai64 a5
        check(
            0x8781,
            OpImm {
                kind: OpImmKind::Srai,
                rd: r("a5"),
                rs1: r("a5"),
                imm: 0,
            },
        );
        // addi zero, a0, 7
        check(
            0x0075_0013,
            OpImm {
                kind: OpImmKind::Addi,
                rd: r("zero"),
                rs1: r("a0"),
                imm: 7,
            },
        );
        // fence with rd = a0 and rs1 = a1 (fields reserved for the future, ignored)
        check(
            0x0ff5_850f,
            Fence {
                pred: 0b1111,
                succ: 0b1111,
                fm: 0,
            },
        );
        // fence.i with imm, rs1 and rd non-zero (ignored)
        check(0xfff5_950f, FenceI);
        // fm = 1000 with pred/succ other than rw,rw is reserved: a normal fence (fm = 0)
        check(
            0x8ff0_000f,
            Fence {
                pred: 0b1111,
                succ: 0b1111,
                fm: 0,
            },
        );
        // fm = 0001 is reserved: a normal fence
        check(
            0x1330_000f,
            Fence {
                pred: 0b0011,
                succ: 0b0011,
                fm: 0,
            },
        );
    }

    /// Every 16-bit pattern: decodes as RVC (len 2) or is rejected with its 16 bits; and every
    /// compressed instruction has one encoding, except the documented groups.
    #[test]
    fn every_halfword() {
        // Keyed by the Debug text: Instruction is not Ord, and does not need to be.
        let mut encodings: BTreeMap<String, (Instruction, Vec<u32>)> = BTreeMap::new();
        for h in (0u32..=0xffff).filter(|h| h & 3 != 3) {
            match decode(h) {
                Ok(d) => {
                    assert_eq!(d.len, 2, "{h:#06x}");
                    let key = alloc::format!("{:?}", d.instruction);
                    encodings
                        .entry(key)
                        .or_insert((d.instruction, Vec::new()))
                        .1
                        .push(h);
                }
                Err(e) => assert_eq!(e.bits, h),
            }
        }
        for (insn, list) in encodings.values().filter(|(_, l)| l.len() > 1) {
            // `addi sp, sp, 16*k` is both c.addi sp, 16*k and c.addi16sp sp, 16*k (k in -2..=1,
            // the c.addi range); `addi rd, rd, 0` is both the HINT c.addi rd, 0 and c.mv rd, rd;
            // several HINTs with rd = x0 share an expansion (section 16.7).
            let ok = match *insn {
                OpImm {
                    kind: OpImmKind::Addi,
                    rd,
                    rs1,
                    imm,
                } if rd == Reg::SP && rs1 == Reg::SP => list.len() == 2 && imm % 16 == 0,
                OpImm {
                    kind: OpImmKind::Addi,
                    rd,
                    rs1,
                    imm: 0,
                } if rd == rs1 => list.len() == 2,
                OpImm { rd, .. } | Op { rd, .. } | Lui { rd, .. } => rd == Reg::ZERO,
                _ => false,
            };
            assert!(ok, "{insn:?} has several encodings: {list:04x?}");
        }
    }

    proptest! {
        /// Any word decodes or is rejected without panicking, with a consistent length and error.
        #[test]
        fn any_word_decodes_or_is_rejected(word in any::<u32>()) {
            match decode(word) {
                Ok(d) => prop_assert_eq!(d.len, if word & 3 == 3 { 4 } else { 2 }),
                Err(e) => prop_assert_eq!(e.bits, if word & 3 == 3 { word } else { word & 0xffff }),
            }
        }

        /// Biased towards the implemented opcodes, so that most words decode: `decode` is
        /// deterministic and the display of every valid word is non-empty.
        #[test]
        fn implemented_opcodes_decode_consistently(
            word in any::<u32>(),
            opcode in prop::sample::select(&[0x03u32, 0x0f, 0x13, 0x17, 0x23, 0x2f, 0x33, 0x37, 0x63, 0x67, 0x6f, 0x73][..]),
        ) {
            let word = (word & !0x7f) | opcode;
            prop_assert_eq!(decode(word), decode(word));
            if let Ok(d) = decode(word) {
                prop_assert_eq!(d.len, 4);
                let text = alloc::format!("{}", d.instruction);
                prop_assert!(!text.is_empty());
            }
        }
    }
}
