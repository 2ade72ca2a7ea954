//! The 16-bit compressed (RVC) encodings: Unprivileged ISA 20191213, chapter 16 ("C" Standard
//! Extension), section 16.8 "RVC Instruction Set Listings", Tables 16.5 (quadrant 0), 16.6
//! (quadrant 1) and 16.7 (quadrant 2). Each instruction decodes into the [`Instruction`] its 32-bit
//! expansion decodes into (for `c.mv`, the alternative expansion the spec allows; see
//! [`decode_quadrant2`]).

use crate::cpu::instruction::{BranchKind, Instruction, LoadKind, OpImmKind, OpKind, StoreKind};
use crate::cpu::reg::Reg;

/// Bit `n` of `h`.
const fn bit(h: u32, n: u32) -> u32 {
    (h >> n) & 1
}

/// `rd'`/`rs2'`, bits [4:2], naming `x8`..`x15`.
const fn c_rd_prime(h: u32) -> Reg {
    Reg::from_compressed_field(h >> 2)
}

/// `rs1'`/`rd'`, bits [9:7], naming `x8`..`x15`.
const fn c_rs1_prime(h: u32) -> Reg {
    Reg::from_compressed_field(h >> 7)
}

/// Full `rd`/`rs1`, bits [11:7].
const fn c_rd(h: u32) -> Reg {
    Reg::from_field(h >> 7)
}

/// Full `rs2`, bits [6:2].
const fn c_rs2(h: u32) -> Reg {
    Reg::from_field(h >> 2)
}

/// CI-format 6-bit immediate: `imm[5]` = bit 12, `imm[4:0]` = bits [6:2], sign-extended.
const fn c_imm6(h: u32) -> i32 {
    let raw = (bit(h, 12) << 5) | ((h >> 2) & 0x1f);
    ((raw << 26) as i32) >> 26
}

/// CI-format shift amount `shamt[5:0]`, unsigned (bit 12 is `shamt[5]`).
const fn c_shamt(h: u32) -> u32 {
    (bit(h, 12) << 5) | ((h >> 2) & 0x1f)
}

/// `c.addi4spn`: `nzuimm[5:4|9:6|2|3]` = bits [12:5].
const fn c_addi4spn_imm(h: u32) -> u32 {
    (((h >> 11) & 0b11) << 4) | (((h >> 7) & 0xf) << 6) | (bit(h, 6) << 2) | (bit(h, 5) << 3)
}

/// `c.lw`/`c.sw`: `uimm[5:3]` = bits [12:10], `uimm[2|6]` = bits [6:5].
const fn c_lw_imm(h: u32) -> u32 {
    (((h >> 10) & 0b111) << 3) | (bit(h, 6) << 2) | (bit(h, 5) << 6)
}

/// `c.addi16sp`: `nzimm[9]` = bit 12, `nzimm[4|6|8:7|5]` = bits [6:2], sign-extended.
const fn c_addi16sp_imm(h: u32) -> i32 {
    let raw = (bit(h, 12) << 9)
        | (bit(h, 6) << 4)
        | (bit(h, 5) << 6)
        | (((h >> 3) & 0b11) << 7)
        | (bit(h, 2) << 5);
    ((raw << 22) as i32) >> 22
}

/// `c.j`/`c.jal`: `imm[11|4|9:8|10|6|7|3:1|5]` = bits [12:2], sign-extended.
const fn c_j_imm(h: u32) -> i32 {
    let raw = (bit(h, 12) << 11)
        | (bit(h, 11) << 4)
        | (((h >> 9) & 0b11) << 8)
        | (bit(h, 8) << 10)
        | (bit(h, 7) << 6)
        | (bit(h, 6) << 7)
        | (((h >> 3) & 0b111) << 1)
        | (bit(h, 2) << 5);
    ((raw << 20) as i32) >> 20
}

/// `c.beqz`/`c.bnez`: `offset[8|4:3]` = bits [12:10], `offset[7:6|2:1|5]` = bits [6:2],
/// sign-extended.
const fn c_b_imm(h: u32) -> i32 {
    let raw = (bit(h, 12) << 8)
        | (((h >> 10) & 0b11) << 3)
        | (((h >> 5) & 0b11) << 6)
        | (((h >> 3) & 0b11) << 1)
        | (bit(h, 2) << 5);
    ((raw << 23) as i32) >> 23
}

/// `c.lwsp`: `uimm[5]` = bit 12, `uimm[4:2|7:6]` = bits [6:2].
const fn c_lwsp_imm(h: u32) -> u32 {
    (bit(h, 12) << 5) | (((h >> 4) & 0b111) << 2) | (((h >> 2) & 0b11) << 6)
}

/// `c.swsp`: `uimm[5:2|7:6]` = bits [12:7].
const fn c_swsp_imm(h: u32) -> u32 {
    (((h >> 9) & 0xf) << 2) | (((h >> 7) & 0b11) << 6)
}

/// Decodes a 16-bit compressed instruction (low bits != `0b11`), or `None` when it is reserved,
/// RV64/RV128-only, or a floating-point form.
pub(super) fn decode_16(h: u32) -> Option<Instruction> {
    let funct3 = (h >> 13) & 0b111;
    match (h & 0b11, funct3) {
        (0b00, _) => decode_quadrant0(h, funct3),
        (0b01, _) => decode_quadrant1(h, funct3),
        (0b10, _) => decode_quadrant2(h, funct3),
        _ => None,
    }
}

/// Quadrant 0 (Table 16.5): `c.addi4spn`, `c.lw`, `c.sw`; `c.fld`/`c.flw`/`c.fsd`/`c.fsw` need
/// F/D and funct3 = 100 is reserved.
fn decode_quadrant0(h: u32, funct3: u32) -> Option<Instruction> {
    match funct3 {
        // c.addi4spn rd', nzuimm -> addi rd', x2, nzuimm. "Code points with nzuimm=0 are reserved",
        // which also makes the all-zero halfword ("defined illegal instruction") illegal.
        0b000 => {
            let imm = c_addi4spn_imm(h);
            if imm == 0 {
                return None;
            }
            Some(Instruction::OpImm {
                kind: OpImmKind::Addi,
                rd: c_rd_prime(h),
                rs1: Reg::SP,
                imm: imm as i32,
            })
        }
        // c.lw rd', uimm(rs1') -> lw rd', uimm(rs1').
        0b010 => Some(Instruction::Load {
            kind: LoadKind::Word,
            rd: c_rd_prime(h),
            rs1: c_rs1_prime(h),
            offset: c_lw_imm(h) as i32,
        }),
        // c.sw rs2', uimm(rs1') -> sw rs2', uimm(rs1').
        0b110 => Some(Instruction::Store {
            kind: StoreKind::Word,
            rs1: c_rs1_prime(h),
            rs2: c_rd_prime(h),
            offset: c_lw_imm(h) as i32,
        }),
        _ => None,
    }
}

/// Quadrant 1 (Table 16.6): immediates and constants, the arithmetic group, jumps, branches.
fn decode_quadrant1(h: u32, funct3: u32) -> Option<Instruction> {
    match funct3 {
        // c.nop / c.addi rd, nzimm -> addi rd, rd, nzimm. rd = x0 with imm != 0 and rd != x0 with
        // imm = 0 are HINTs (section 16.7, "HINT Instructions"): decoded as the addi they expand to.
        0b000 => Some(Instruction::OpImm {
            kind: OpImmKind::Addi,
            rd: c_rd(h),
            rs1: c_rd(h),
            imm: c_imm6(h),
        }),
        // c.jal offset -> jal x1, offset (RV32 only; RV64 uses this code point for c.addiw).
        0b001 => Some(Instruction::Jal {
            rd: Reg::RA,
            offset: c_j_imm(h),
        }),
        // c.li rd, imm -> addi rd, x0, imm (rd = x0 is a HINT).
        0b010 => Some(Instruction::OpImm {
            kind: OpImmKind::Addi,
            rd: c_rd(h),
            rs1: Reg::ZERO,
            imm: c_imm6(h),
        }),
        0b011 => {
            let rd = c_rd(h);
            if rd == Reg::SP {
                // c.addi16sp nzimm -> addi x2, x2, nzimm; "reserved when nzimm=0".
                let imm = c_addi16sp_imm(h);
                if imm == 0 {
                    return None;
                }
                Some(Instruction::OpImm {
                    kind: OpImmKind::Addi,
                    rd,
                    rs1: rd,
                    imm,
                })
            } else {
                // c.lui rd, nzimm -> lui rd, nzimm; "code points with nzimm=0 are reserved", rd = x0
                // is a HINT. nzimm[17:12] is sign-extended to the full upper immediate.
                let imm = c_imm6(h);
                if imm == 0 {
                    return None;
                }
                Some(Instruction::Lui {
                    rd,
                    imm: (imm as u32) << 12,
                })
            }
        }
        0b100 => decode_quadrant1_arith(h),
        // c.j offset -> jal x0, offset.
        0b101 => Some(Instruction::Jal {
            rd: Reg::ZERO,
            offset: c_j_imm(h),
        }),
        // c.beqz rs1', offset -> beq rs1', x0, offset.
        0b110 => Some(Instruction::Branch {
            kind: BranchKind::Eq,
            rs1: c_rs1_prime(h),
            rs2: Reg::ZERO,
            offset: c_b_imm(h),
        }),
        // c.bnez rs1', offset -> bne rs1', x0, offset.
        _ => Some(Instruction::Branch {
            kind: BranchKind::Ne,
            rs1: c_rs1_prime(h),
            rs2: Reg::ZERO,
            offset: c_b_imm(h),
        }),
    }
}

/// Quadrant 1, funct3 = 100 (Table 16.6, "MISC-ALU"): funct2 = bits [11:10] selects `c.srli`,
/// `c.srai`, `c.andi`, or the register-register group.
fn decode_quadrant1_arith(h: u32) -> Option<Instruction> {
    let rd = c_rs1_prime(h);
    let shift = |kind| {
        // "For RV32C, shamt[5] must be zero; the code points with shamt[5]=1 are designated for
        // custom extensions" (section 16.5): not implemented here, so illegal. shamt = 0 is a HINT
        // (c.srli64/c.srai64 on RV32), decoded as the shift by zero.
        let shamt = c_shamt(h);
        if shamt >= 32 {
            return None;
        }
        Some(Instruction::OpImm {
            kind,
            rd,
            rs1: rd,
            imm: shamt as i32,
        })
    };
    match (h >> 10) & 0b11 {
        0b00 => shift(OpImmKind::Srli),
        0b01 => shift(OpImmKind::Srai),
        // c.andi rd', imm -> andi rd', rd', imm.
        0b10 => Some(Instruction::OpImm {
            kind: OpImmKind::Andi,
            rd,
            rs1: rd,
            imm: c_imm6(h),
        }),
        _ => {
            // bit 12 = 1 selects c.subw/c.addw (RV64) or reserved code points.
            if bit(h, 12) == 1 {
                return None;
            }
            let kind = match (h >> 5) & 0b11 {
                0b00 => OpKind::Sub,
                0b01 => OpKind::Xor,
                0b10 => OpKind::Or,
                _ => OpKind::And,
            };
            Some(Instruction::Op {
                kind,
                rd,
                rs1: rd,
                rs2: c_rd_prime(h),
            })
        }
    }
}

/// Quadrant 2 (Table 16.7): `c.slli`, `c.lwsp`, `c.swsp`, and the `c.jr`/`c.mv`/`c.ebreak`/
/// `c.jalr`/`c.add` group; the F/D stack-pointer loads and stores are illegal here.
fn decode_quadrant2(h: u32, funct3: u32) -> Option<Instruction> {
    let rd = c_rd(h);
    let rs2 = c_rs2(h);
    match funct3 {
        // c.slli rd, shamt -> slli rd, rd, shamt. shamt[5] = 1 is custom (illegal here) on RV32;
        // rd = x0 or shamt = 0 are HINTs.
        0b000 => {
            let shamt = c_shamt(h);
            if shamt >= 32 {
                return None;
            }
            Some(Instruction::OpImm {
                kind: OpImmKind::Slli,
                rd,
                rs1: rd,
                imm: shamt as i32,
            })
        }
        // c.lwsp rd, uimm(x2) -> lw rd, uimm(x2); "reserved for rd=0".
        0b010 => {
            if rd == Reg::ZERO {
                return None;
            }
            Some(Instruction::Load {
                kind: LoadKind::Word,
                rd,
                rs1: Reg::SP,
                offset: c_lwsp_imm(h) as i32,
            })
        }
        0b100 => match (bit(h, 12), rd == Reg::ZERO, rs2 == Reg::ZERO) {
            // c.jr rs1 -> jalr x0, 0(rs1); "reserved when rs1=0".
            (0, true, true) => None,
            (0, false, true) => Some(Instruction::Jalr {
                rd: Reg::ZERO,
                rs1: rd,
                offset: 0,
            }),
            // c.mv rd, rs2 -> add rd, x0, rs2 in the spec's table. The spec's commentary (section
            // 16.5) allows expanding it to the canonical MV, `addi rd, rs2, 0`, instead: the result
            // is the same, and that is how objdump shows it (`mv`). rd = x0 is a HINT.
            (0, _, false) => Some(Instruction::OpImm {
                kind: OpImmKind::Addi,
                rd,
                rs1: rs2,
                imm: 0,
            }),
            // c.ebreak.
            (_, true, true) => Some(Instruction::Ebreak),
            // c.jalr rs1 -> jalr x1, 0(rs1).
            (_, false, true) => Some(Instruction::Jalr {
                rd: Reg::RA,
                rs1: rd,
                offset: 0,
            }),
            // c.add rd, rs2 -> add rd, rd, rs2; rd = x0 is a HINT.
            (_, _, false) => Some(Instruction::Op {
                kind: OpKind::Add,
                rd,
                rs1: rd,
                rs2,
            }),
        },
        // c.swsp rs2, uimm(x2) -> sw rs2, uimm(x2).
        0b110 => Some(Instruction::Store {
            kind: StoreKind::Word,
            rs1: Reg::SP,
            rs2,
            offset: c_swsp_imm(h) as i32,
        }),
        _ => None,
    }
}
