//! The instruction model shared by the decoder, the executor and the disassembler.
//!
//! One closed enum with named fields and small kind enums. The 16-bit compressed forms (RVC) decode
//! into the same variants as their 32-bit expansions (RISC-V Unprivileged ISA, chapter "C" Standard
//! Extension, "each RVC instruction expands into a single 32-bit instruction"), so the executor has one
//! implementation of each operation. (One deliberate exception: `c.mv rd, rs2` decodes to
//! `addi rd, rs2, 0` rather than `add rd, x0, rs2`; the result is identical, the spec's commentary
//! allows either, and it is the form objdump prints as `mv`.) Immediates are stored already sign-extended and scaled, exactly as
//! the executor consumes them.

use super::reg::Reg;

/// One decoded RV32IMAC + Zicsr + Zifencei + privileged instruction.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Instruction {
    /// `lui rd, imm`: `imm` holds the already-shifted upper 20 bits (low 12 bits zero).
    Lui {
        /// Destination.
        rd: Reg,
        /// The value written (upper 20 bits of the instruction, low 12 bits zero).
        imm: u32,
    },
    /// `auipc rd, imm`: `rd = pc + imm`, `imm` already shifted (low 12 bits zero).
    Auipc {
        /// Destination.
        rd: Reg,
        /// The offset added to pc (low 12 bits zero).
        imm: u32,
    },
    /// `jal rd, offset`: jump relative to pc, link `pc + len` into `rd`.
    Jal {
        /// Link register (`zero` for a plain jump).
        rd: Reg,
        /// Byte offset from this instruction's pc (even).
        offset: i32,
    },
    /// `jalr rd, offset(rs1)`: jump to `(rs1 + offset) & !1`, link into `rd`.
    Jalr {
        /// Link register.
        rd: Reg,
        /// Base register.
        rs1: Reg,
        /// Signed 12-bit offset.
        offset: i32,
    },
    /// Conditional branch `b<kind> rs1, rs2, offset`.
    Branch {
        /// Which comparison.
        kind: BranchKind,
        /// Left operand.
        rs1: Reg,
        /// Right operand.
        rs2: Reg,
        /// Byte offset from this instruction's pc (even).
        offset: i32,
    },
    /// Load `l<kind> rd, offset(rs1)`.
    Load {
        /// Width and signedness.
        kind: LoadKind,
        /// Destination.
        rd: Reg,
        /// Base register.
        rs1: Reg,
        /// Signed 12-bit offset.
        offset: i32,
    },
    /// Store `s<kind> rs2, offset(rs1)`.
    Store {
        /// Width.
        kind: StoreKind,
        /// Base register.
        rs1: Reg,
        /// Value register.
        rs2: Reg,
        /// Signed 12-bit offset.
        offset: i32,
    },
    /// Register-immediate ALU operation (`addi`, ..., `srai`).
    OpImm {
        /// Which operation.
        kind: OpImmKind,
        /// Destination.
        rd: Reg,
        /// Source.
        rs1: Reg,
        /// Sign-extended 12-bit immediate, or the shift amount (0..=31) for shifts.
        imm: i32,
    },
    /// Register-register ALU operation, including the M extension.
    Op {
        /// Which operation.
        kind: OpKind,
        /// Destination.
        rd: Reg,
        /// Left source.
        rs1: Reg,
        /// Right source.
        rs2: Reg,
    },
    /// `fence pred, succ` (also `fence.tso` when `fm == 0b1000`). Ordering is trivially satisfied
    /// by a single in-order hart, so it executes as a no-op.
    Fence {
        /// Predecessor set, bits `iorw` (i = bit 3).
        pred: u8,
        /// Successor set, bits `iorw`.
        succ: u8,
        /// Fence mode (`0b0000` normal, `0b1000` TSO).
        fm: u8,
    },
    /// `fence.i` (Zifencei): makes earlier stores visible to instruction fetch.
    FenceI,
    /// `ecall`: environment call from the current privilege mode.
    Ecall,
    /// `ebreak` (also `c.ebreak`): breakpoint exception.
    Ebreak,
    /// `mret`: return from a machine-mode trap.
    Mret,
    /// `sret`: return from a supervisor-mode trap.
    Sret,
    /// `wfi`: wait for interrupt.
    Wfi,
    /// `sfence.vma rs1, rs2`: order page-table updates and flush cached translations.
    SfenceVma {
        /// Virtual address to flush (`zero` = all addresses).
        rs1: Reg,
        /// Address-space ID to flush (`zero` = all ASIDs).
        rs2: Reg,
    },
    /// Zicsr: `csrr{w,s,c}[i] rd, csr, src`.
    Csr {
        /// Write, set bits or clear bits.
        op: CsrOp,
        /// Destination of the old value.
        rd: Reg,
        /// The 12-bit CSR address.
        csr: u16,
        /// Register or 5-bit immediate operand.
        src: CsrSrc,
    },
    /// `lr.w rd, (rs1)`: load-reserved.
    LoadReserved {
        /// Destination.
        rd: Reg,
        /// Address register.
        rs1: Reg,
        /// Acquire ordering bit.
        aq: bool,
        /// Release ordering bit.
        rl: bool,
    },
    /// `sc.w rd, rs2, (rs1)`: store-conditional; `rd = 0` on success, 1 on failure.
    StoreConditional {
        /// Destination of the success flag.
        rd: Reg,
        /// Address register.
        rs1: Reg,
        /// Value register.
        rs2: Reg,
        /// Acquire ordering bit.
        aq: bool,
        /// Release ordering bit.
        rl: bool,
    },
    /// `amo<kind>.w rd, rs2, (rs1)`: atomic read-modify-write.
    Amo {
        /// Which operation.
        kind: AmoKind,
        /// Destination of the old value.
        rd: Reg,
        /// Address register.
        rs1: Reg,
        /// Operand register.
        rs2: Reg,
        /// Acquire ordering bit.
        aq: bool,
        /// Release ordering bit.
        rl: bool,
    },
}

/// Branch comparisons (`beq` .. `bgeu`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BranchKind {
    /// `beq`: equal.
    Eq,
    /// `bne`: not equal.
    Ne,
    /// `blt`: signed less than.
    Lt,
    /// `bge`: signed greater or equal.
    Ge,
    /// `bltu`: unsigned less than.
    Ltu,
    /// `bgeu`: unsigned greater or equal.
    Geu,
}

/// Load widths (`lb` .. `lhu`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LoadKind {
    /// `lb`: byte, sign-extended.
    Byte,
    /// `lh`: halfword, sign-extended.
    Half,
    /// `lw`: word.
    Word,
    /// `lbu`: byte, zero-extended.
    ByteUnsigned,
    /// `lhu`: halfword, zero-extended.
    HalfUnsigned,
}

/// Store widths (`sb`, `sh`, `sw`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StoreKind {
    /// `sb`.
    Byte,
    /// `sh`.
    Half,
    /// `sw`.
    Word,
}

/// Register-immediate ALU operations.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OpImmKind {
    /// `addi`.
    Addi,
    /// `slti`.
    Slti,
    /// `sltiu` (the immediate is sign-extended, then compared unsigned).
    Sltiu,
    /// `xori`.
    Xori,
    /// `ori`.
    Ori,
    /// `andi`.
    Andi,
    /// `slli`.
    Slli,
    /// `srli`.
    Srli,
    /// `srai`.
    Srai,
}

/// Register-register ALU operations, RV32I and M.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OpKind {
    /// `add`.
    Add,
    /// `sub`.
    Sub,
    /// `sll`.
    Sll,
    /// `slt`.
    Slt,
    /// `sltu`.
    Sltu,
    /// `xor`.
    Xor,
    /// `srl`.
    Srl,
    /// `sra`.
    Sra,
    /// `or`.
    Or,
    /// `and`.
    And,
    /// `mul` (M).
    Mul,
    /// `mulh` (M): high half of signed x signed.
    Mulh,
    /// `mulhsu` (M): high half of signed x unsigned.
    Mulhsu,
    /// `mulhu` (M): high half of unsigned x unsigned.
    Mulhu,
    /// `div` (M): signed division, -1 on divide by zero, overflow gives the dividend.
    Div,
    /// `divu` (M).
    Divu,
    /// `rem` (M).
    Rem,
    /// `remu` (M).
    Remu,
}

/// Atomic memory operations of the A extension (besides LR/SC).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AmoKind {
    /// `amoswap.w`.
    Swap,
    /// `amoadd.w`.
    Add,
    /// `amoxor.w`.
    Xor,
    /// `amoand.w`.
    And,
    /// `amoor.w`.
    Or,
    /// `amomin.w` (signed).
    Min,
    /// `amomax.w` (signed).
    Max,
    /// `amominu.w`.
    Minu,
    /// `amomaxu.w`.
    Maxu,
}

/// The three CSR read-modify-write operations.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CsrOp {
    /// `csrrw`/`csrrwi`: write the operand.
    ReadWrite,
    /// `csrrs`/`csrrsi`: set the operand's bits.
    ReadSet,
    /// `csrrc`/`csrrci`: clear the operand's bits.
    ReadClear,
}

/// The operand of a CSR instruction.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CsrSrc {
    /// `csrr{w,s,c}`: a register.
    Reg(Reg),
    /// `csrr{w,s,c}i`: a 5-bit zero-extended immediate.
    Imm(u8),
}

/// A decoded instruction together with its encoded length.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Decoded {
    /// The operation.
    pub instruction: Instruction,
    /// Encoded length in bytes: 2 for RVC, 4 otherwise.
    pub len: u8,
}
