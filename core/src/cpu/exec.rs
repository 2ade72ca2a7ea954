//! The executor: the one place that gives each [`Instruction`] its meaning.
//!
//! `Hart::execute` performs one instruction at the current pc and either updates the hart
//! (registers, memory, CSRs, pc) or returns the [`Trap`] it raises with nothing changed; the caller
//! takes the trap or hands it to the host. Semantics follow the RISC-V Unprivileged ISA 20191213
//! (RV32I chapter 2, "M" chapter 7, "A" chapter 8, Zicsr chapter 9, Zifencei chapter 3) and the
//! Privileged ISA v1.12 (`mret`/`sret` 3.3.2, `wfi` 3.3.3, `sfence.vma` 4.2.1, `mstatus` TVM/TW/TSR
//! 3.1.6.5, MPRV 3.1.6.3).
//!
//! Memory accesses: no misaligned support in hardware, so a misaligned address raises the
//! address-misaligned exception with `tval` = the address (before translation or a bus access).
//! Addresses then translate through the MMU (data accesses use the MPRV-effective privilege), and a
//! physical address nothing answers raises the access fault, `tval` = the virtual address. AMOs and
//! `sc.w` raise store/AMO exceptions, `lr.w` load exceptions.
//!
//! The hot path (`Hart::execute_cached`) dispatches the most frequent instructions once on a
//! flat operation code stored with the decoded slot and calls the same helpers (`op_imm`, `op`,
//! `branch`, `load_op`, `store_op`) that `Hart::execute` calls, so every instruction still has
//! one meaning; a test checks both paths agree for every code.

use super::cache::{Fetched, Slot};
use super::csr::CsrAccessError;
use super::hart::{Hart, MemAccess, Observation, Platform};
use super::instruction::{
    AmoKind, BranchKind, CsrOp, CsrSrc, Instruction, LoadKind, OpImmKind, OpKind, StoreKind,
};
use super::mmu::AccessType;
use super::trap::{Exception, Trap};
use super::{csr::mstatus, Privilege, Reg};
use crate::mem::AccessSize;

/// An illegal-instruction trap with the instruction bits as `tval`.
#[inline(always)]
const fn illegal(bits: u32) -> Trap {
    Trap::new(Exception::IllegalInstruction, bits)
}

impl Hart {
    /// Executes `instruction` (encoded in `len` bytes as `bits`) at the current pc. On success the
    /// pc points at the next instruction; on a trap nothing observable has changed.
    #[inline(always)]
    pub(crate) fn execute<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        instruction: Instruction,
        len: u8,
        bits: u32,
        obs: &mut Observation,
    ) -> Result<(), Trap> {
        let pc = self.pc;
        let next = pc.wrapping_add(u32::from(len));
        match instruction {
            Instruction::Lui { rd, imm } => self.set_reg(rd, imm),
            Instruction::Auipc { rd, imm } => self.set_reg(rd, pc.wrapping_add(imm)),
            Instruction::Jal { rd, offset } => {
                let target = pc.wrapping_add(offset as u32);
                jump_check(target)?;
                self.set_reg(rd, next);
                self.pc = target;
                return Ok(());
            }
            Instruction::Jalr { rd, rs1, offset } => {
                // The target is computed before rd is written (rd may equal rs1); bit 0 cleared.
                let target = self.reg(rs1).wrapping_add(offset as u32) & !1;
                self.set_reg(rd, next);
                self.pc = target;
                return Ok(());
            }
            Instruction::Branch {
                kind,
                rs1,
                rs2,
                offset,
            } => return self.branch(kind, rs1, rs2, offset, len),
            Instruction::Load {
                kind,
                rd,
                rs1,
                offset,
            } => return self.load_op::<B, OBS>(bus, kind, rd, rs1, offset, len, obs),
            Instruction::Store {
                kind,
                rs1,
                rs2,
                offset,
            } => return self.store_op::<B, OBS>(bus, kind, rs1, rs2, offset, len, obs),
            Instruction::OpImm { kind, rd, rs1, imm } => {
                return self.op_imm(kind, rd, rs1, imm, len)
            }
            Instruction::Op { kind, rd, rs1, rs2 } => return self.op(kind, rd, rs1, rs2, len),
            // A single in-order hart already orders its memory accesses (and has no devices with
            // side effects that need I/O ordering), so fence is a no-op.
            Instruction::Fence { .. } => {}
            Instruction::FenceI => self.cache.flush(),
            Instruction::Ecall => {
                let e = match self.privilege {
                    Privilege::User => Exception::EcallFromU,
                    Privilege::Supervisor => Exception::EcallFromS,
                    Privilege::Machine => Exception::EcallFromM,
                };
                return Err(Trap::new(e, 0));
            }
            // Privileged ISA 3.1.16: on a breakpoint, mtval holds the faulting virtual address (pc).
            Instruction::Ebreak => return Err(Trap::new(Exception::Breakpoint, pc)),
            Instruction::Mret => {
                if self.privilege != Privilege::Machine {
                    return Err(illegal(bits));
                }
                self.mret();
                return Ok(());
            }
            Instruction::Sret => {
                let tsr = self.csrs.mstatus & mstatus::TSR != 0;
                match self.privilege {
                    Privilege::User => return Err(illegal(bits)),
                    Privilege::Supervisor if tsr => return Err(illegal(bits)),
                    _ => {}
                }
                self.sret();
                return Ok(());
            }
            Instruction::Wfi => {
                // Section 3.1.6.5 / 3.3.3: wfi in U-mode is illegal (S-mode exists); in S-mode
                // with TW = 1 it is illegal (this hart's "bounded time" is zero).
                let tw = self.csrs.mstatus & mstatus::TW != 0;
                match self.privilege {
                    Privilege::User => return Err(illegal(bits)),
                    Privilege::Supervisor if tw => return Err(illegal(bits)),
                    _ => {}
                }
                self.waiting = true;
                self.attention = true;
            }
            Instruction::SfenceVma { rs1, rs2 } => {
                let tvm = self.csrs.mstatus & mstatus::TVM != 0;
                match self.privilege {
                    Privilege::User => return Err(illegal(bits)),
                    Privilege::Supervisor if tvm => return Err(illegal(bits)),
                    _ => {}
                }
                let vaddr = (rs1 != Reg::ZERO).then(|| self.reg(rs1));
                let asid = (rs2 != Reg::ZERO).then(|| self.reg(rs2));
                self.sfence_vma(vaddr, asid);
            }
            Instruction::Csr { op, rd, csr, src } => {
                self.csr_instruction(bus, op, rd, csr, src, bits)?;
            }
            Instruction::LoadReserved { rd, rs1, .. } => {
                let vaddr = self.reg(rs1);
                if vaddr & 3 != 0 {
                    return Err(Trap::new(Exception::LoadAddressMisaligned, vaddr));
                }
                let paddr = self.translate(bus, vaddr, AccessType::Load)?;
                self.before_access(bus, paddr);
                let value = bus
                    .read(paddr, AccessSize::Word)
                    .map_err(|_| Trap::new(Exception::LoadAccessFault, vaddr))?;
                if OBS {
                    obs.mem = Some(MemAccess {
                        vaddr,
                        size: AccessSize::Word,
                        value,
                        write: false,
                    });
                }
                self.reservation = Some(paddr);
                self.set_reg(rd, value);
            }
            Instruction::StoreConditional { rd, rs1, rs2, .. } => {
                let vaddr = self.reg(rs1);
                if vaddr & 3 != 0 {
                    return Err(Trap::new(Exception::StoreAddressMisaligned, vaddr));
                }
                // Unprivileged ISA 8.2: sc.w succeeds only with a valid reservation on its address;
                // either way the reservation is gone afterwards. Without one, no memory is touched.
                let success = match self.reservation {
                    Some(reserved) => {
                        let paddr = self.translate(bus, vaddr, AccessType::Store)?;
                        if reserved == paddr {
                            self.before_access(bus, paddr);
                            let value = self.reg(rs2);
                            bus.write(paddr, AccessSize::Word, value)
                                .map_err(|_| Trap::new(Exception::StoreAccessFault, vaddr))?;
                            if OBS {
                                obs.mem = Some(MemAccess {
                                    vaddr,
                                    size: AccessSize::Word,
                                    value,
                                    write: true,
                                });
                            }
                            self.after_store(bus, paddr);
                            true
                        } else {
                            false
                        }
                    }
                    None => false,
                };
                self.reservation = None;
                self.set_reg(rd, u32::from(!success));
            }
            Instruction::Amo {
                kind, rd, rs1, rs2, ..
            } => {
                let vaddr = self.reg(rs1);
                if vaddr & 3 != 0 {
                    return Err(Trap::new(Exception::StoreAddressMisaligned, vaddr));
                }
                let paddr = self.translate(bus, vaddr, AccessType::Store)?;
                let fault = Trap::new(Exception::StoreAccessFault, vaddr);
                self.before_access(bus, paddr);
                let old = bus.read(paddr, AccessSize::Word).map_err(|_| fault)?;
                let operand = self.reg(rs2);
                let new = match kind {
                    AmoKind::Swap => operand,
                    AmoKind::Add => old.wrapping_add(operand),
                    AmoKind::Xor => old ^ operand,
                    AmoKind::And => old & operand,
                    AmoKind::Or => old | operand,
                    AmoKind::Min => (old as i32).min(operand as i32) as u32,
                    AmoKind::Max => (old as i32).max(operand as i32) as u32,
                    AmoKind::Minu => old.min(operand),
                    AmoKind::Maxu => old.max(operand),
                };
                bus.write(paddr, AccessSize::Word, new).map_err(|_| fault)?;
                if OBS {
                    obs.mem = Some(MemAccess {
                        vaddr,
                        size: AccessSize::Word,
                        value: new,
                        write: true,
                    });
                }
                self.after_store(bus, paddr);
                self.set_reg(rd, old);
            }
        }
        self.pc = next;
        Ok(())
    }

    /// The hot path: executes the decoded instruction at the pc if it is in the decode cache's
    /// fetch page (`None`: take the slow path). A single dispatch on the slot's flat operation
    /// code ([`hot_op`]) leads the most frequent instructions straight into the same helpers
    /// [`Hart::execute`] uses, copying only the fields they need out of the cached slot;
    /// everything else goes to [`Hart::execute`]. (One jump instead of a jump on the variant and
    /// another on its kind, and no copy of the whole instruction.)
    #[inline(always)]
    pub(crate) fn execute_cached<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        obs: &mut Observation,
    ) -> Option<Result<(), Trap>> {
        self.execute_slot::<B, OBS, false>(bus, obs)
    }

    /// [`Hart::execute_cached`], with `BATCH` also declining (`None`) CSR instructions: the batched
    /// run loop ([`Hart::run`]) counts retired instructions late, so it must not run an
    /// instruction that can read or write the counters (see `Hart::run_batch`).
    #[inline(always)]
    pub(crate) fn execute_slot<B: Platform, const OBS: bool, const BATCH: bool>(
        &mut self,
        bus: &mut B,
        obs: &mut Observation,
    ) -> Option<Result<(), Trap>> {
        use Instruction::{Branch, Csr, Load, Op, OpImm, Store};
        let slot = self.cache.fetch(self.pc)?;
        let len = slot.len;
        if OBS {
            obs.fetched = Some(Fetched {
                instruction: Some(slot.instruction),
                len,
                bits: slot.bits,
            });
        }
        Some(match (slot.hot, &slot.instruction) {
            (1, &OpImm { rd, rs1, imm, .. }) => self.op_imm(OpImmKind::Addi, rd, rs1, imm, len),
            (2, &OpImm { rd, rs1, imm, .. }) => self.op_imm(OpImmKind::Slti, rd, rs1, imm, len),
            (3, &OpImm { rd, rs1, imm, .. }) => self.op_imm(OpImmKind::Sltiu, rd, rs1, imm, len),
            (4, &OpImm { rd, rs1, imm, .. }) => self.op_imm(OpImmKind::Xori, rd, rs1, imm, len),
            (5, &OpImm { rd, rs1, imm, .. }) => self.op_imm(OpImmKind::Ori, rd, rs1, imm, len),
            (6, &OpImm { rd, rs1, imm, .. }) => self.op_imm(OpImmKind::Andi, rd, rs1, imm, len),
            (7, &OpImm { rd, rs1, imm, .. }) => self.op_imm(OpImmKind::Slli, rd, rs1, imm, len),
            (8, &OpImm { rd, rs1, imm, .. }) => self.op_imm(OpImmKind::Srli, rd, rs1, imm, len),
            (9, &OpImm { rd, rs1, imm, .. }) => self.op_imm(OpImmKind::Srai, rd, rs1, imm, len),
            (10, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Add, rd, rs1, rs2, len),
            (11, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Sub, rd, rs1, rs2, len),
            (12, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Sll, rd, rs1, rs2, len),
            (13, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Slt, rd, rs1, rs2, len),
            (14, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Sltu, rd, rs1, rs2, len),
            (15, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Xor, rd, rs1, rs2, len),
            (16, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Srl, rd, rs1, rs2, len),
            (17, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Sra, rd, rs1, rs2, len),
            (18, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Or, rd, rs1, rs2, len),
            (19, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::And, rd, rs1, rs2, len),
            (20, &Op { rd, rs1, rs2, .. }) => self.op(OpKind::Mul, rd, rs1, rs2, len),
            (
                21,
                &Branch {
                    rs1, rs2, offset, ..
                },
            ) => self.branch(BranchKind::Eq, rs1, rs2, offset, len),
            (
                22,
                &Branch {
                    rs1, rs2, offset, ..
                },
            ) => self.branch(BranchKind::Ne, rs1, rs2, offset, len),
            (
                23,
                &Branch {
                    rs1, rs2, offset, ..
                },
            ) => self.branch(BranchKind::Lt, rs1, rs2, offset, len),
            (
                24,
                &Branch {
                    rs1, rs2, offset, ..
                },
            ) => self.branch(BranchKind::Ge, rs1, rs2, offset, len),
            (
                25,
                &Branch {
                    rs1, rs2, offset, ..
                },
            ) => self.branch(BranchKind::Ltu, rs1, rs2, offset, len),
            (
                26,
                &Branch {
                    rs1, rs2, offset, ..
                },
            ) => self.branch(BranchKind::Geu, rs1, rs2, offset, len),
            (
                27,
                &Load {
                    rd, rs1, offset, ..
                },
            ) => self.load_op::<B, OBS>(bus, LoadKind::Word, rd, rs1, offset, len, obs),
            (
                28,
                &Load {
                    rd, rs1, offset, ..
                },
            ) => self.load_op::<B, OBS>(bus, LoadKind::ByteUnsigned, rd, rs1, offset, len, obs),
            (
                29,
                &Store {
                    rs1, rs2, offset, ..
                },
            ) => self.store_op::<B, OBS>(bus, StoreKind::Word, rs1, rs2, offset, len, obs),
            (
                30,
                &Store {
                    rs1, rs2, offset, ..
                },
            ) => self.store_op::<B, OBS>(bus, StoreKind::Byte, rs1, rs2, offset, len, obs),
            (Slot::EMPTY_CODE, _) => return None,
            (_, Csr { .. }) if BATCH => return None,
            _ => {
                let (instruction, bits) = (slot.instruction, slot.bits);
                self.execute::<B, OBS>(bus, instruction, len, bits, obs)
            }
        })
    }

    /// Register-immediate ALU operations (Unprivileged ISA 2.4.1).
    #[inline(always)]
    fn op_imm(
        &mut self,
        kind: OpImmKind,
        rd: Reg,
        rs1: Reg,
        imm: i32,
        len: u8,
    ) -> Result<(), Trap> {
        let value = alu_imm(kind, self.reg(rs1), imm);
        self.set_reg(rd, value);
        self.pc = self.pc.wrapping_add(u32::from(len));
        Ok(())
    }

    /// Register-register ALU operations (Unprivileged ISA 2.4.2, chapter 7).
    #[inline(always)]
    fn op(&mut self, kind: OpKind, rd: Reg, rs1: Reg, rs2: Reg, len: u8) -> Result<(), Trap> {
        let value = alu(kind, self.reg(rs1), self.reg(rs2));
        self.set_reg(rd, value);
        self.pc = self.pc.wrapping_add(u32::from(len));
        Ok(())
    }

    /// Conditional branches (Unprivileged ISA 2.5.2).
    #[inline(always)]
    fn branch(
        &mut self,
        kind: BranchKind,
        rs1: Reg,
        rs2: Reg,
        offset: i32,
        len: u8,
    ) -> Result<(), Trap> {
        let (a, b) = (self.reg(rs1), self.reg(rs2));
        let taken = match kind {
            BranchKind::Eq => a == b,
            BranchKind::Ne => a != b,
            BranchKind::Lt => (a as i32) < (b as i32),
            BranchKind::Ge => (a as i32) >= (b as i32),
            BranchKind::Ltu => a < b,
            BranchKind::Geu => a >= b,
        };
        if taken {
            let target = self.pc.wrapping_add(offset as u32);
            jump_check(target)?;
            self.pc = target;
        } else {
            self.pc = self.pc.wrapping_add(u32::from(len));
        }
        Ok(())
    }

    /// Loads (Unprivileged ISA 2.6): `lb`/`lh` sign-extend, `lbu`/`lhu` zero-extend.
    #[allow(clippy::too_many_arguments)] // the instruction's fields, passed apart to stay in registers
    #[inline(always)]
    fn load_op<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        kind: LoadKind,
        rd: Reg,
        rs1: Reg,
        offset: i32,
        len: u8,
        obs: &mut Observation,
    ) -> Result<(), Trap> {
        let vaddr = self.reg(rs1).wrapping_add(offset as u32);
        let size = match kind {
            LoadKind::Byte | LoadKind::ByteUnsigned => AccessSize::Byte,
            LoadKind::Half | LoadKind::HalfUnsigned => AccessSize::Half,
            LoadKind::Word => AccessSize::Word,
        };
        let raw = self.load::<B, OBS>(bus, vaddr, size, obs)?;
        let value = match kind {
            LoadKind::Byte => raw as u8 as i8 as i32 as u32,
            LoadKind::Half => raw as u16 as i16 as i32 as u32,
            LoadKind::Word | LoadKind::ByteUnsigned | LoadKind::HalfUnsigned => raw,
        };
        self.set_reg(rd, value);
        self.pc = self.pc.wrapping_add(u32::from(len));
        Ok(())
    }

    /// Stores (Unprivileged ISA 2.6): the low 1, 2 or 4 bytes of `rs2`.
    #[allow(clippy::too_many_arguments)] // the instruction's fields, passed apart to stay in registers
    #[inline(always)]
    fn store_op<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        kind: StoreKind,
        rs1: Reg,
        rs2: Reg,
        offset: i32,
        len: u8,
        obs: &mut Observation,
    ) -> Result<(), Trap> {
        let vaddr = self.reg(rs1).wrapping_add(offset as u32);
        let size = match kind {
            StoreKind::Byte => AccessSize::Byte,
            StoreKind::Half => AccessSize::Half,
            StoreKind::Word => AccessSize::Word,
        };
        let value = self.reg(rs2);
        self.store::<B, OBS>(bus, vaddr, size, value, obs)?;
        self.pc = self.pc.wrapping_add(u32::from(len));
        Ok(())
    }

    /// A load of `size` bytes at `vaddr`: alignment, translation, bus.
    #[inline(always)]
    fn load<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        vaddr: u32,
        size: AccessSize,
        obs: &mut Observation,
    ) -> Result<u32, Trap> {
        if vaddr & (size.bytes() - 1) != 0 {
            return Err(Trap::new(Exception::LoadAddressMisaligned, vaddr));
        }
        let paddr = self.translate(bus, vaddr, AccessType::Load)?;
        self.before_access(bus, paddr);
        let value = bus
            .read(paddr, size)
            .map_err(|_| Trap::new(Exception::LoadAccessFault, vaddr))?;
        if OBS {
            obs.mem = Some(MemAccess {
                vaddr,
                size,
                value,
                write: false,
            });
        }
        Ok(value)
    }

    /// A store of the low `size` bytes of `value` at `vaddr`: alignment, translation, bus.
    #[inline(always)]
    fn store<B: Platform, const OBS: bool>(
        &mut self,
        bus: &mut B,
        vaddr: u32,
        size: AccessSize,
        value: u32,
        obs: &mut Observation,
    ) -> Result<(), Trap> {
        if vaddr & (size.bytes() - 1) != 0 {
            return Err(Trap::new(Exception::StoreAddressMisaligned, vaddr));
        }
        let paddr = self.translate(bus, vaddr, AccessType::Store)?;
        self.before_access(bus, paddr);
        bus.write(paddr, size, value)
            .map_err(|_| Trap::new(Exception::StoreAccessFault, vaddr))?;
        if OBS {
            let mask = match size {
                AccessSize::Byte => 0xff,
                AccessSize::Half => 0xffff,
                AccessSize::Word => 0xffff_ffff,
            };
            obs.mem = Some(MemAccess {
                vaddr,
                size,
                value: value & mask,
                write: true,
            });
        }
        self.after_store(bus, paddr);
        Ok(())
    }

    /// Before a data access reaches physical address `paddr`: a device (the CLINT shows `mtime`
    /// and decides the timer interrupt) must see the instructions the run loop's current batch
    /// retired so far, so they are counted first (see `Hart::run_batch`).
    #[inline(always)]
    fn before_access<B: Platform>(&mut self, bus: &mut B, paddr: u32) {
        if bus.is_device(paddr) {
            self.settle(bus);
        }
    }

    /// Zicsr (Unprivileged ISA chapter 9): `csrrw` always writes and reads only when `rd != x0`
    /// (reads have no side effects here, so it always reads); `csrrs`/`csrrc` always read and
    /// write only when the operand register is not `x0` (or the immediate is not 0).
    #[inline(never)]
    fn csr_instruction<B: Platform>(
        &mut self,
        bus: &mut B,
        op: CsrOp,
        rd: Reg,
        csr: u16,
        src: CsrSrc,
        bits: u32,
    ) -> Result<(), Trap> {
        let (operand, nonzero_source) = match src {
            CsrSrc::Reg(r) => (self.reg(r), r != Reg::ZERO),
            CsrSrc::Imm(i) => (u32::from(i & 0x1f), i & 0x1f != 0),
        };
        let write = op == CsrOp::ReadWrite || nonzero_source;
        self.csrs
            .check_access(csr, self.privilege, write)
            .map_err(|_: CsrAccessError| illegal(bits))?;
        let mtime = if matches!(csr, super::csr_addr::TIME | super::csr_addr::TIMEH) {
            self.mtime(bus)
        } else {
            0
        };
        let old = self.csrs.read(csr, mtime).ok_or(illegal(bits))?;
        if write {
            let new = match op {
                CsrOp::ReadWrite => operand,
                CsrOp::ReadSet => old | operand,
                CsrOp::ReadClear => old & !operand,
            };
            let effect = self.csrs.write(csr, new);
            self.apply_csr_effect(csr, effect);
        }
        self.set_reg(rd, old);
        Ok(())
    }
}

/// Unprivileged ISA 2.2: with C, jump and branch targets need only 2-byte alignment; an odd
/// target raises instruction-address-misaligned (`tval` = target) and the jump does not happen.
#[inline(always)]
fn jump_check(target: u32) -> Result<(), Trap> {
    if target & 1 != 0 {
        Err(Trap::new(Exception::InstructionAddressMisaligned, target))
    } else {
        Ok(())
    }
}

/// The flat operation code [`Hart::execute_slot`] dispatches on (0: handled by
/// [`Hart::execute`]), computed once when an instruction enters the decode cache. The list is the
/// frequent instructions of compiled code; the codes must match the arms of `execute_slot`.
pub(crate) fn hot_op(instruction: &Instruction) -> u8 {
    match *instruction {
        Instruction::OpImm { kind, .. } => match kind {
            OpImmKind::Addi => 1,
            OpImmKind::Slti => 2,
            OpImmKind::Sltiu => 3,
            OpImmKind::Xori => 4,
            OpImmKind::Ori => 5,
            OpImmKind::Andi => 6,
            OpImmKind::Slli => 7,
            OpImmKind::Srli => 8,
            OpImmKind::Srai => 9,
        },
        Instruction::Op { kind, .. } => match kind {
            OpKind::Add => 10,
            OpKind::Sub => 11,
            OpKind::Sll => 12,
            OpKind::Slt => 13,
            OpKind::Sltu => 14,
            OpKind::Xor => 15,
            OpKind::Srl => 16,
            OpKind::Sra => 17,
            OpKind::Or => 18,
            OpKind::And => 19,
            OpKind::Mul => 20,
            _ => 0,
        },
        Instruction::Branch { kind, .. } => match kind {
            BranchKind::Eq => 21,
            BranchKind::Ne => 22,
            BranchKind::Lt => 23,
            BranchKind::Ge => 24,
            BranchKind::Ltu => 25,
            BranchKind::Geu => 26,
        },
        Instruction::Load { kind, .. } => match kind {
            LoadKind::Word => 27,
            LoadKind::ByteUnsigned => 28,
            _ => 0,
        },
        Instruction::Store { kind, .. } => match kind {
            StoreKind::Word => 29,
            StoreKind::Byte => 30,
            StoreKind::Half => 0,
        },
        _ => 0,
    }
}

/// Register-immediate operations (Unprivileged ISA 2.4.1): the immediate is sign-extended;
/// `sltiu` compares it as unsigned; shifts use its low five bits.
#[inline(always)]
pub(crate) fn alu_imm(kind: OpImmKind, a: u32, imm: i32) -> u32 {
    let b = imm as u32;
    match kind {
        OpImmKind::Addi => a.wrapping_add(b),
        OpImmKind::Slti => u32::from((a as i32) < imm),
        OpImmKind::Sltiu => u32::from(a < b),
        OpImmKind::Xori => a ^ b,
        OpImmKind::Ori => a | b,
        OpImmKind::Andi => a & b,
        OpImmKind::Slli => a << (b & 31),
        OpImmKind::Srli => a >> (b & 31),
        OpImmKind::Srai => ((a as i32) >> (b & 31)) as u32,
    }
}

/// Register-register operations: RV32I and M (Unprivileged ISA 7.1-7.2, with the division rules
/// of Table 7.1: x/0 = all ones, x%0 = x; overflow (-2^31 / -1) = -2^31, remainder 0).
#[inline(always)]
pub(crate) fn alu(kind: OpKind, a: u32, b: u32) -> u32 {
    let (sa, sb) = (a as i32, b as i32);
    match kind {
        OpKind::Add => a.wrapping_add(b),
        OpKind::Sub => a.wrapping_sub(b),
        OpKind::Sll => a << (b & 31),
        OpKind::Slt => u32::from(sa < sb),
        OpKind::Sltu => u32::from(a < b),
        OpKind::Xor => a ^ b,
        OpKind::Srl => a >> (b & 31),
        OpKind::Sra => (sa >> (b & 31)) as u32,
        OpKind::Or => a | b,
        OpKind::And => a & b,
        OpKind::Mul => a.wrapping_mul(b),
        OpKind::Mulh => ((i64::from(sa) * i64::from(sb)) >> 32) as u32,
        OpKind::Mulhsu => ((i64::from(sa) * i64::from(b)) >> 32) as u32,
        OpKind::Mulhu => ((u64::from(a) * u64::from(b)) >> 32) as u32,
        OpKind::Div => {
            if b == 0 {
                u32::MAX
            } else {
                sa.wrapping_div(sb) as u32
            }
        }
        OpKind::Divu => a.checked_div(b).unwrap_or(u32::MAX),
        OpKind::Rem => {
            if b == 0 {
                a
            } else {
                sa.wrapping_rem(sb) as u32
            }
        }
        OpKind::Remu => a.checked_rem(b).unwrap_or(a),
    }
}

/// Hand encoders for test programs (RISC-V Unprivileged ISA, chapter 2 "Base Instruction
/// Formats"): R, I, S, B, U and J types. Registers are numbers `0..=31`.
#[cfg(test)]
#[allow(dead_code)] // a toolbox: not every test uses every encoder
pub(crate) mod enc {
    /// R-type.
    pub fn r(opcode: u32, f3: u32, f7: u32, rd: u32, rs1: u32, rs2: u32) -> u32 {
        (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode
    }
    /// I-type.
    pub fn i(opcode: u32, f3: u32, rd: u32, rs1: u32, imm: i32) -> u32 {
        (((imm as u32) & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode
    }
    /// S-type.
    pub fn s(f3: u32, rs1: u32, rs2: u32, imm: i32) -> u32 {
        let imm = imm as u32;
        (((imm >> 5) & 0x7f) << 25)
            | (rs2 << 20)
            | (rs1 << 15)
            | (f3 << 12)
            | ((imm & 0x1f) << 7)
            | 0x23
    }
    /// B-type.
    pub fn b(f3: u32, rs1: u32, rs2: u32, offset: i32) -> u32 {
        let o = offset as u32;
        (((o >> 12) & 1) << 31)
            | (((o >> 5) & 0x3f) << 25)
            | (rs2 << 20)
            | (rs1 << 15)
            | (f3 << 12)
            | (((o >> 1) & 0xf) << 8)
            | (((o >> 11) & 1) << 7)
            | 0x63
    }
    /// `lui rd, imm20`.
    pub fn lui(rd: u32, imm20: u32) -> u32 {
        (imm20 << 12) | (rd << 7) | 0x37
    }
    /// `jal rd, offset`.
    pub fn jal(rd: u32, offset: i32) -> u32 {
        let o = offset as u32;
        (((o >> 20) & 1) << 31)
            | (((o >> 1) & 0x3ff) << 21)
            | (((o >> 11) & 1) << 20)
            | (((o >> 12) & 0xff) << 12)
            | (rd << 7)
            | 0x6f
    }
    /// `jalr rd, imm(rs1)`.
    pub fn jalr(rd: u32, rs1: u32, imm: i32) -> u32 {
        i(0x67, 0, rd, rs1, imm)
    }
    /// `addi rd, rs1, imm`.
    pub fn addi(rd: u32, rs1: u32, imm: i32) -> u32 {
        i(0x13, 0, rd, rs1, imm)
    }
    /// `add rd, rs1, rs2`.
    pub fn add(rd: u32, rs1: u32, rs2: u32) -> u32 {
        r(0x33, 0, 0, rd, rs1, rs2)
    }
    /// `lw rd, imm(rs1)`.
    pub fn lw(rd: u32, rs1: u32, imm: i32) -> u32 {
        i(0x03, 2, rd, rs1, imm)
    }
    /// `sw rs2, imm(rs1)`.
    pub fn sw(rs2: u32, rs1: u32, imm: i32) -> u32 {
        s(2, rs1, rs2, imm)
    }
    /// `bne rs1, rs2, offset`.
    pub fn bne(rs1: u32, rs2: u32, offset: i32) -> u32 {
        b(1, rs1, rs2, offset)
    }
    /// `beq rs1, rs2, offset`.
    pub fn beq(rs1: u32, rs2: u32, offset: i32) -> u32 {
        b(0, rs1, rs2, offset)
    }
    /// `csrrw rd, csr, rs1`.
    pub fn csrrw(rd: u32, csr: u16, rs1: u32) -> u32 {
        i(0x73, 1, rd, rs1, i32::from(csr))
    }
    /// `csrrs rd, csr, rs1`.
    pub fn csrrs(rd: u32, csr: u16, rs1: u32) -> u32 {
        i(0x73, 2, rd, rs1, i32::from(csr))
    }
    /// `csrrsi rd, csr, uimm`.
    pub fn csrrsi(rd: u32, csr: u16, uimm: u32) -> u32 {
        i(0x73, 6, rd, uimm, i32::from(csr))
    }
    /// `csrrci rd, csr, uimm`.
    pub fn csrrci(rd: u32, csr: u16, uimm: u32) -> u32 {
        i(0x73, 7, rd, uimm, i32::from(csr))
    }
    /// `ecall`.
    pub const ECALL: u32 = 0x0000_0073;
    /// `ebreak`.
    pub const EBREAK: u32 = 0x0010_0073;
    /// `mret`.
    pub const MRET: u32 = 0x3020_0073;
    /// `sret`.
    pub const SRET: u32 = 0x1020_0073;
    /// `wfi`.
    pub const WFI: u32 = 0x1050_0073;
    /// `fence.i`.
    pub const FENCE_I: u32 = 0x0000_100f;
    /// `nop`.
    pub const NOP: u32 = 0x0000_0013;
    /// `sfence.vma rs1, rs2`.
    pub fn sfence_vma(rs1: u32, rs2: u32) -> u32 {
        r(0x73, 0, 0b0001001, 0, rs1, rs2)
    }
    /// `c.addi rd, imm` (16-bit).
    pub fn c_addi(rd: u32, imm: i32) -> u32 {
        let imm = imm as u32;
        (((imm >> 5) & 1) << 12) | (rd << 7) | ((imm & 0x1f) << 2) | 0b01
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::csr_addr;
    use crate::machine::{Machine, MachineConfig};
    use alloc::vec::Vec;

    const RAM: u32 = 0x8000_0000;

    fn x(n: u8) -> Reg {
        Reg::new(n).unwrap()
    }

    fn machine() -> Machine {
        let mut m = Machine::new(MachineConfig::bare());
        m.hart.set_pc(RAM);
        m
    }

    fn exec(m: &mut Machine, i: Instruction) -> Result<(), Trap> {
        m.hart.execute_instruction(&mut m.bus, i, 4, 0x1234_5678)
    }

    fn op(m: &mut Machine, kind: OpKind, a: u32, b: u32) -> u32 {
        m.hart.set_reg(x(1), a);
        m.hart.set_reg(x(2), b);
        exec(
            m,
            Instruction::Op {
                kind,
                rd: x(3),
                rs1: x(1),
                rs2: x(2),
            },
        )
        .unwrap();
        m.hart.reg(x(3))
    }

    /// The hot path's flat dispatch must mean exactly what `execute` means, for every code.
    #[test]
    fn hot_dispatch_agrees_with_execute() {
        let mut cases = Vec::new();
        for kind in [
            OpImmKind::Addi,
            OpImmKind::Slti,
            OpImmKind::Sltiu,
            OpImmKind::Xori,
            OpImmKind::Ori,
            OpImmKind::Andi,
            OpImmKind::Slli,
            OpImmKind::Srli,
            OpImmKind::Srai,
        ] {
            cases.push(Instruction::OpImm {
                kind,
                rd: x(3),
                rs1: x(1),
                imm: -7 & 0x1f,
            });
        }
        for kind in [
            OpKind::Add,
            OpKind::Sub,
            OpKind::Sll,
            OpKind::Slt,
            OpKind::Sltu,
            OpKind::Xor,
            OpKind::Srl,
            OpKind::Sra,
            OpKind::Or,
            OpKind::And,
            OpKind::Mul,
            OpKind::Mulh,
            OpKind::Div,
            OpKind::Remu,
        ] {
            cases.push(Instruction::Op {
                kind,
                rd: x(3),
                rs1: x(1),
                rs2: x(2),
            });
        }
        for kind in [
            BranchKind::Eq,
            BranchKind::Ne,
            BranchKind::Lt,
            BranchKind::Ge,
            BranchKind::Ltu,
            BranchKind::Geu,
        ] {
            cases.push(Instruction::Branch {
                kind,
                rs1: x(1),
                rs2: x(2),
                offset: -64,
            });
        }
        for kind in [
            LoadKind::Byte,
            LoadKind::Half,
            LoadKind::Word,
            LoadKind::ByteUnsigned,
            LoadKind::HalfUnsigned,
        ] {
            cases.push(Instruction::Load {
                kind,
                rd: x(3),
                rs1: x(4),
                offset: 2,
            });
        }
        for kind in [StoreKind::Byte, StoreKind::Half, StoreKind::Word] {
            cases.push(Instruction::Store {
                kind,
                rs1: x(4),
                rs2: x(2),
                offset: 0,
            });
        }
        let mut codes = alloc::collections::BTreeSet::new();
        for i in cases {
            let hot = hot_op(&i);
            codes.insert(hot);
            let run = |fast: bool| {
                let mut m = machine();
                m.write_bytes(RAM + 0x100, &0x8182_8384u32.to_le_bytes())
                    .unwrap();
                m.hart.set_reg(x(1), 0xffff_fff0);
                m.hart.set_reg(x(2), 0x8000_0003);
                m.hart.set_reg(x(4), RAM + 0x100);
                let mut obs = Observation::default();
                let r = if fast {
                    let f = Fetched {
                        instruction: Some(i),
                        len: 4,
                        bits: 0x13,
                    };
                    m.hart.cache.insert(&mut m.bus, RAM, f);
                    m.hart.cache.set_fetch_page(RAM >> 12, RAM >> 12);
                    m.hart
                        .execute_cached::<_, false>(&mut m.bus, &mut obs)
                        .expect("the slot is cached")
                } else {
                    m.hart.execute::<_, false>(&mut m.bus, i, 4, 0, &mut obs)
                };
                (
                    r,
                    *m.hart.regs(),
                    m.hart.pc(),
                    m.read_bytes(RAM + 0x100, 4).unwrap(),
                )
            };
            assert_eq!(run(true), run(false), "{i:?} (hot code {hot})");
        }
        // Every flat code 1..=30 is reachable from some instruction.
        assert_eq!(codes.iter().filter(|c| **c != 0).count(), 30);
    }

    #[test]
    fn rv32i_alu() {
        let mut m = machine();
        assert_eq!(op(&mut m, OpKind::Add, u32::MAX, 2), 1);
        assert_eq!(op(&mut m, OpKind::Sub, 0, 1), u32::MAX);
        // Shifts use only the low five bits of rs2.
        assert_eq!(op(&mut m, OpKind::Sll, 1, 33), 2);
        assert_eq!(op(&mut m, OpKind::Srl, 0x8000_0000, 31), 1);
        assert_eq!(op(&mut m, OpKind::Sra, 0x8000_0000, 31), u32::MAX);
        assert_eq!(op(&mut m, OpKind::Sra, 0x8000_0000, 32), 0x8000_0000);
        assert_eq!(op(&mut m, OpKind::Slt, u32::MAX, 0), 1);
        assert_eq!(op(&mut m, OpKind::Sltu, u32::MAX, 0), 0);
        assert_eq!(op(&mut m, OpKind::Xor, 0xf0f0, 0xff00), 0x0ff0);
        assert_eq!(op(&mut m, OpKind::Or, 0xf0f0, 0xff00), 0xfff0);
        assert_eq!(op(&mut m, OpKind::And, 0xf0f0, 0xff00), 0xf000);
    }

    #[test]
    fn m_extension_edge_cases() {
        let mut m = machine();
        let min = 0x8000_0000;
        assert_eq!(op(&mut m, OpKind::Mul, 0xffff_ffff, 0xffff_ffff), 1);
        // mulh: signed x signed; -1 * -1 = 1, high word 0. min * min = 2^62.
        assert_eq!(op(&mut m, OpKind::Mulh, u32::MAX, u32::MAX), 0);
        assert_eq!(op(&mut m, OpKind::Mulh, min, min), 0x4000_0000);
        assert_eq!(op(&mut m, OpKind::Mulh, min, 1), u32::MAX);
        // mulhsu: -1 (signed) * 0xffffffff (unsigned) = -(2^32 - 1): high word -1.
        assert_eq!(op(&mut m, OpKind::Mulhsu, u32::MAX, u32::MAX), u32::MAX);
        assert_eq!(op(&mut m, OpKind::Mulhsu, 2, u32::MAX), 1);
        assert_eq!(op(&mut m, OpKind::Mulhu, u32::MAX, u32::MAX), 0xffff_fffe);
        // Division by zero (Unprivileged ISA Table 7.1).
        assert_eq!(op(&mut m, OpKind::Div, 7, 0), u32::MAX);
        assert_eq!(op(&mut m, OpKind::Divu, 7, 0), u32::MAX);
        assert_eq!(op(&mut m, OpKind::Rem, 7, 0), 7);
        assert_eq!(op(&mut m, OpKind::Remu, 7, 0), 7);
        // Signed overflow.
        assert_eq!(op(&mut m, OpKind::Div, min, u32::MAX), min);
        assert_eq!(op(&mut m, OpKind::Rem, min, u32::MAX), 0);
        // Rounding toward zero; remainder takes the dividend's sign.
        assert_eq!(op(&mut m, OpKind::Div, (-7i32) as u32, 2), (-3i32) as u32);
        assert_eq!(op(&mut m, OpKind::Rem, (-7i32) as u32, 2), (-1i32) as u32);
        assert_eq!(op(&mut m, OpKind::Divu, (-7i32) as u32, 2), 0x7fff_fffc);
        assert_eq!(op(&mut m, OpKind::Remu, (-7i32) as u32, 2), 1);
    }

    #[test]
    fn op_imm_and_x0() {
        let mut m = machine();
        m.hart.set_reg(x(1), 5);
        let imm = |kind, imm| Instruction::OpImm {
            kind,
            rd: x(3),
            rs1: x(1),
            imm,
        };
        exec(&mut m, imm(OpImmKind::Slti, -1)).unwrap();
        assert_eq!(m.hart.reg(x(3)), 0);
        // sltiu compares against the sign-extended immediate as unsigned: 5 < 0xffffffff.
        exec(&mut m, imm(OpImmKind::Sltiu, -1)).unwrap();
        assert_eq!(m.hart.reg(x(3)), 1);
        m.hart.set_reg(x(1), 0x8000_0000);
        exec(&mut m, imm(OpImmKind::Srai, 4)).unwrap();
        assert_eq!(m.hart.reg(x(3)), 0xf800_0000);
        exec(&mut m, imm(OpImmKind::Srli, 4)).unwrap();
        assert_eq!(m.hart.reg(x(3)), 0x0800_0000);
        exec(
            &mut m,
            Instruction::OpImm {
                kind: OpImmKind::Addi,
                rd: Reg::ZERO,
                rs1: x(1),
                imm: 1,
            },
        )
        .unwrap();
        assert_eq!(m.hart.reg(Reg::ZERO), 0);
        m.hart.set_reg(Reg::ZERO, 9);
        assert_eq!(m.hart.reg(Reg::ZERO), 0);
        exec(
            &mut m,
            Instruction::Lui {
                rd: x(4),
                imm: 0xabcd_e000,
            },
        )
        .unwrap();
        assert_eq!(m.hart.reg(x(4)), 0xabcd_e000);
        let pc = m.hart.pc();
        exec(
            &mut m,
            Instruction::Auipc {
                rd: x(4),
                imm: 0x1000,
            },
        )
        .unwrap();
        assert_eq!(m.hart.reg(x(4)), pc + 0x1000);
        assert_eq!(m.hart.pc(), pc + 4);
    }

    #[test]
    fn jumps_and_branches() {
        let mut m = machine();
        exec(
            &mut m,
            Instruction::Jal {
                rd: x(1),
                offset: -8,
            },
        )
        .unwrap();
        assert_eq!(m.hart.reg(x(1)), RAM + 4);
        assert_eq!(m.hart.pc(), RAM - 8);
        // jalr clears bit 0 and reads rs1 before writing rd (rd == rs1).
        m.hart.set_pc(RAM);
        m.hart.set_reg(x(5), RAM + 0x101);
        exec(
            &mut m,
            Instruction::Jalr {
                rd: x(5),
                rs1: x(5),
                offset: 2,
            },
        )
        .unwrap();
        assert_eq!(m.hart.pc(), RAM + 0x102);
        assert_eq!(m.hart.reg(x(5)), RAM + 4);
        // Compressed length links pc + 2.
        m.hart.set_pc(RAM);
        m.hart
            .execute_instruction(
                &mut m.bus,
                Instruction::Jal {
                    rd: x(1),
                    offset: 16,
                },
                2,
                0,
            )
            .unwrap();
        assert_eq!(m.hart.reg(x(1)), RAM + 2);
        // Branches: signed vs unsigned.
        let br = |kind| Instruction::Branch {
            kind,
            rs1: x(1),
            rs2: x(2),
            offset: 64,
        };
        for (kind, taken) in [
            (BranchKind::Eq, false),
            (BranchKind::Ne, true),
            (BranchKind::Lt, true),
            (BranchKind::Ge, false),
            (BranchKind::Ltu, false),
            (BranchKind::Geu, true),
        ] {
            m.hart.set_pc(RAM);
            m.hart.set_reg(x(1), u32::MAX);
            m.hart.set_reg(x(2), 1);
            exec(&mut m, br(kind)).unwrap();
            assert_eq!(
                m.hart.pc(),
                if taken { RAM + 64 } else { RAM + 4 },
                "{kind:?}"
            );
        }
        // An odd target (only constructible by hand) is instruction-address-misaligned.
        m.hart.set_pc(RAM);
        m.hart.set_reg(x(1), 7);
        assert_eq!(
            exec(
                &mut m,
                Instruction::Jal {
                    rd: x(1),
                    offset: 3
                }
            ),
            Err(Trap::new(Exception::InstructionAddressMisaligned, RAM + 3))
        );
        assert_eq!(m.hart.reg(x(1)), 7, "rd untouched by a trapping jump");
        assert_eq!(m.hart.pc(), RAM, "pc untouched by a trapping jump");
    }

    fn load(m: &mut Machine, kind: LoadKind, addr: u32) -> Result<u32, Trap> {
        m.hart.set_reg(x(1), addr);
        exec(
            m,
            Instruction::Load {
                kind,
                rd: x(2),
                rs1: x(1),
                offset: 0,
            },
        )?;
        Ok(m.hart.reg(x(2)))
    }

    fn store(m: &mut Machine, kind: StoreKind, addr: u32, value: u32) -> Result<(), Trap> {
        m.hart.set_reg(x(1), addr - 4);
        m.hart.set_reg(x(2), value);
        exec(
            m,
            Instruction::Store {
                kind,
                rs1: x(1),
                rs2: x(2),
                offset: 4,
            },
        )
    }

    #[test]
    fn loads_and_stores() {
        let mut m = machine();
        let a = RAM + 0x1000;
        store(&mut m, StoreKind::Word, a, 0x8081_f2f3).unwrap();
        assert_eq!(load(&mut m, LoadKind::Word, a), Ok(0x8081_f2f3));
        assert_eq!(load(&mut m, LoadKind::Byte, a), Ok(0xffff_fff3));
        assert_eq!(load(&mut m, LoadKind::ByteUnsigned, a), Ok(0xf3));
        assert_eq!(load(&mut m, LoadKind::Half, a + 2), Ok(0xffff_8081));
        assert_eq!(load(&mut m, LoadKind::HalfUnsigned, a + 2), Ok(0x8081));
        store(&mut m, StoreKind::Byte, a + 1, 0x1234_5678).unwrap();
        store(&mut m, StoreKind::Half, a + 2, 0xaaaa_0102).unwrap();
        assert_eq!(load(&mut m, LoadKind::Word, a), Ok(0x0102_78f3));
    }

    #[test]
    fn misaligned_and_access_faults_carry_the_address() {
        let mut m = machine();
        let a = RAM + 0x1001;
        assert_eq!(
            load(&mut m, LoadKind::Word, a),
            Err(Trap::new(Exception::LoadAddressMisaligned, a))
        );
        assert_eq!(
            load(&mut m, LoadKind::Half, a),
            Err(Trap::new(Exception::LoadAddressMisaligned, a))
        );
        assert_eq!(
            store(&mut m, StoreKind::Word, a + 1, 0),
            Err(Trap::new(Exception::StoreAddressMisaligned, a + 1))
        );
        let hole = 0x4000_0000;
        assert_eq!(
            load(&mut m, LoadKind::Word, hole),
            Err(Trap::new(Exception::LoadAccessFault, hole))
        );
        assert_eq!(
            store(&mut m, StoreKind::Byte, hole + 3, 0),
            Err(Trap::new(Exception::StoreAccessFault, hole + 3))
        );
        // A trapping instruction changes nothing: pc and rd stay.
        assert_eq!(m.hart.pc(), RAM);
        assert!(load(&mut m, LoadKind::Byte, a).is_ok());
        assert_eq!(m.hart.pc(), RAM + 4);
    }

    fn amo(m: &mut Machine, kind: AmoKind, addr: u32, operand: u32) -> Result<u32, Trap> {
        m.hart.set_reg(x(1), addr);
        m.hart.set_reg(x(2), operand);
        exec(
            m,
            Instruction::Amo {
                kind,
                rd: x(3),
                rs1: x(1),
                rs2: x(2),
                aq: false,
                rl: false,
            },
        )?;
        Ok(m.hart.reg(x(3)))
    }

    #[test]
    fn amos() {
        let mut m = machine();
        let a = RAM + 0x2000;
        let cases = [
            (AmoKind::Swap, 5, 9, 9),
            (AmoKind::Add, 5, 9, 14),
            (AmoKind::Xor, 0b1100, 0b1010, 0b0110),
            (AmoKind::And, 0b1100, 0b1010, 0b1000),
            (AmoKind::Or, 0b1100, 0b1010, 0b1110),
            (AmoKind::Min, (-5i32) as u32, 3, (-5i32) as u32),
            (AmoKind::Max, (-5i32) as u32, 3, 3),
            (AmoKind::Minu, (-5i32) as u32, 3, 3),
            (AmoKind::Maxu, (-5i32) as u32, 3, (-5i32) as u32),
        ];
        for (kind, old, operand, new) in cases {
            store(&mut m, StoreKind::Word, a, old).unwrap();
            assert_eq!(amo(&mut m, kind, a, operand), Ok(old), "{kind:?}");
            assert_eq!(load(&mut m, LoadKind::Word, a), Ok(new), "{kind:?}");
        }
        assert_eq!(
            amo(&mut m, AmoKind::Add, a + 2, 1),
            Err(Trap::new(Exception::StoreAddressMisaligned, a + 2))
        );
        assert_eq!(
            amo(&mut m, AmoKind::Add, 0x4000_0000, 1),
            Err(Trap::new(Exception::StoreAccessFault, 0x4000_0000))
        );
    }

    fn lr(m: &mut Machine, addr: u32) -> Result<u32, Trap> {
        m.hart.set_reg(x(1), addr);
        exec(
            m,
            Instruction::LoadReserved {
                rd: x(3),
                rs1: x(1),
                aq: false,
                rl: false,
            },
        )?;
        Ok(m.hart.reg(x(3)))
    }

    fn sc(m: &mut Machine, addr: u32, value: u32) -> Result<u32, Trap> {
        m.hart.set_reg(x(1), addr);
        m.hart.set_reg(x(2), value);
        exec(
            m,
            Instruction::StoreConditional {
                rd: x(3),
                rs1: x(1),
                rs2: x(2),
                aq: false,
                rl: false,
            },
        )?;
        Ok(m.hart.reg(x(3)))
    }

    #[test]
    fn lr_sc_reservation() {
        let mut m = machine();
        let a = RAM + 0x3000;
        store(&mut m, StoreKind::Word, a, 41).unwrap();
        // sc without a reservation fails and writes nothing.
        assert_eq!(sc(&mut m, a, 1), Ok(1));
        assert_eq!(load(&mut m, LoadKind::Word, a), Ok(41));
        assert_eq!(lr(&mut m, a), Ok(41));
        assert_eq!(m.hart.reservation(), Some(a));
        assert_eq!(sc(&mut m, a, 42), Ok(0));
        assert_eq!(load(&mut m, LoadKind::Word, a), Ok(42));
        // The sc consumed the reservation.
        assert_eq!(sc(&mut m, a, 43), Ok(1));
        assert_eq!(load(&mut m, LoadKind::Word, a), Ok(42));
        // A reservation on another address does not let sc succeed.
        lr(&mut m, a + 4).unwrap();
        assert_eq!(sc(&mut m, a, 44), Ok(1));
        // A trap clears the reservation.
        lr(&mut m, a).unwrap();
        m.hart
            .take_trap(crate::cpu::TrapCause::Exception(Exception::Breakpoint), 0);
        assert_eq!(m.hart.reservation(), None);
        assert_eq!(
            lr(&mut m, a + 2),
            Err(Trap::new(Exception::LoadAddressMisaligned, a + 2))
        );
        assert_eq!(
            sc(&mut m, a + 2, 0),
            Err(Trap::new(Exception::StoreAddressMisaligned, a + 2))
        );
    }

    fn csr(m: &mut Machine, op: CsrOp, csr: u16, src: CsrSrc) -> Result<u32, Trap> {
        exec(
            m,
            Instruction::Csr {
                op,
                rd: x(3),
                csr,
                src,
            },
        )?;
        Ok(m.hart.reg(x(3)))
    }

    #[test]
    fn zicsr_semantics_and_rules() {
        let mut m = machine();
        m.hart.set_reg(x(1), 0xf0);
        let s = csr_addr::MSCRATCH;
        assert_eq!(csr(&mut m, CsrOp::ReadWrite, s, CsrSrc::Reg(x(1))), Ok(0));
        assert_eq!(csr(&mut m, CsrOp::ReadSet, s, CsrSrc::Imm(0x0f)), Ok(0xf0));
        assert_eq!(csr(&mut m, CsrOp::ReadClear, s, CsrSrc::Imm(0x3)), Ok(0xff));
        assert_eq!(m.hart.csr(s), Some(0xfc));
        // Writing a read-only CSR is illegal; reading it with csrrs x0 is fine.
        let bits = 0x1234_5678;
        assert_eq!(
            csr(
                &mut m,
                CsrOp::ReadWrite,
                csr_addr::MHARTID,
                CsrSrc::Reg(Reg::ZERO)
            ),
            Err(Trap::new(Exception::IllegalInstruction, bits))
        );
        assert_eq!(
            csr(
                &mut m,
                CsrOp::ReadSet,
                csr_addr::MHARTID,
                CsrSrc::Reg(Reg::ZERO)
            ),
            Ok(0)
        );
        assert_eq!(
            csr(&mut m, CsrOp::ReadSet, csr_addr::CYCLE, CsrSrc::Imm(1)),
            Err(Trap::new(Exception::IllegalInstruction, bits))
        );
        // Unknown CSRs are illegal.
        assert_eq!(
            csr(&mut m, CsrOp::ReadSet, 0x7c0, CsrSrc::Reg(Reg::ZERO)),
            Err(Trap::new(Exception::IllegalInstruction, bits))
        );
        // Privilege from address bits 9:8.
        m.hart.set_privilege(Privilege::Supervisor);
        assert_eq!(
            csr(
                &mut m,
                CsrOp::ReadSet,
                csr_addr::MSTATUS,
                CsrSrc::Reg(Reg::ZERO)
            ),
            Err(Trap::new(Exception::IllegalInstruction, bits))
        );
        assert!(csr(
            &mut m,
            CsrOp::ReadSet,
            csr_addr::SSTATUS,
            CsrSrc::Reg(Reg::ZERO)
        )
        .is_ok());
        // Counters: denied by mcounteren below M.
        assert!(csr(
            &mut m,
            CsrOp::ReadSet,
            csr_addr::INSTRET,
            CsrSrc::Reg(Reg::ZERO)
        )
        .is_err());
        m.hart.set_csr(csr_addr::MCOUNTEREN, 0b111);
        assert!(csr(
            &mut m,
            CsrOp::ReadSet,
            csr_addr::INSTRET,
            CsrSrc::Reg(Reg::ZERO)
        )
        .is_ok());
        m.hart.set_privilege(Privilege::User);
        assert!(csr(
            &mut m,
            CsrOp::ReadSet,
            csr_addr::TIME,
            CsrSrc::Reg(Reg::ZERO)
        )
        .is_err());
        m.hart.set_csr(csr_addr::SCOUNTEREN, 0b010);
        assert!(csr(
            &mut m,
            CsrOp::ReadSet,
            csr_addr::TIME,
            CsrSrc::Reg(Reg::ZERO)
        )
        .is_ok());
    }

    #[test]
    fn minstret_write_wins_over_increment() {
        let mut m = machine();
        m.hart.set_reg(x(1), 100);
        csr(
            &mut m,
            CsrOp::ReadWrite,
            csr_addr::MINSTRET,
            CsrSrc::Reg(x(1)),
        )
        .unwrap();
        assert_eq!(m.hart.instret(), 100);
        exec(
            &mut m,
            Instruction::Fence {
                pred: 0xf,
                succ: 0xf,
                fm: 0,
            },
        )
        .unwrap();
        assert_eq!(m.hart.instret(), 101);
        // mcountinhibit.IR stops minstret, CY stops mcycle.
        m.hart.set_csr(csr_addr::MCOUNTINHIBIT, 0b101);
        let c = m.hart.cycle();
        exec(
            &mut m,
            Instruction::Fence {
                pred: 0xf,
                succ: 0xf,
                fm: 0,
            },
        )
        .unwrap();
        assert_eq!((m.hart.instret(), m.hart.cycle()), (101, c));
    }

    #[test]
    fn ecall_ebreak_causes() {
        let mut m = machine();
        for (p, e) in [
            (Privilege::Machine, Exception::EcallFromM),
            (Privilege::Supervisor, Exception::EcallFromS),
            (Privilege::User, Exception::EcallFromU),
        ] {
            m.hart.set_privilege(p);
            assert_eq!(exec(&mut m, Instruction::Ecall), Err(Trap::new(e, 0)));
        }
        assert_eq!(
            exec(&mut m, Instruction::Ebreak),
            Err(Trap::new(Exception::Breakpoint, RAM))
        );
    }

    #[test]
    fn privileged_instruction_rules() {
        let mut m = machine();
        let bits = 0x1234_5678;
        let ill = Err(Trap::new(Exception::IllegalInstruction, bits));
        m.hart.set_privilege(Privilege::Supervisor);
        assert_eq!(exec(&mut m, Instruction::Mret), ill);
        m.hart.set_privilege(Privilege::User);
        assert_eq!(exec(&mut m, Instruction::Sret), ill);
        assert_eq!(exec(&mut m, Instruction::Wfi), ill);
        let sfence = Instruction::SfenceVma {
            rs1: Reg::ZERO,
            rs2: Reg::ZERO,
        };
        assert_eq!(exec(&mut m, sfence), ill);
        m.hart.set_privilege(Privilege::Supervisor);
        assert_eq!(exec(&mut m, sfence), Ok(()));
        assert_eq!(exec(&mut m, Instruction::Wfi), Ok(()));
        m.hart.set_csr(
            csr_addr::MSTATUS,
            mstatus::TVM | mstatus::TW | mstatus::TSR | mstatus::SPP,
        );
        assert_eq!(exec(&mut m, sfence), ill);
        assert_eq!(exec(&mut m, Instruction::Wfi), ill);
        assert_eq!(exec(&mut m, Instruction::Sret), ill);
        // In M-mode none of the traps apply.
        m.hart.set_privilege(Privilege::Machine);
        assert_eq!(exec(&mut m, sfence), Ok(()));
        assert_eq!(exec(&mut m, Instruction::Sret), Ok(()));
        assert_eq!(m.hart.privilege(), Privilege::Supervisor);
    }

    #[test]
    fn mret_and_sret_state_transitions() {
        let mut m = machine();
        // mret to U: MIE <- MPIE, MPIE <- 1, MPP <- U, MPRV cleared, pc <- mepc.
        m.hart.set_csr(
            csr_addr::MSTATUS,
            mstatus::MPIE | mstatus::MPRV, // MPP = U (0)
        );
        m.hart.set_csr(csr_addr::MEPC, RAM + 0x40);
        exec(&mut m, Instruction::Mret).unwrap();
        assert_eq!(m.hart.privilege(), Privilege::User);
        assert_eq!(m.hart.pc(), RAM + 0x40);
        assert_eq!(
            m.hart.csr(csr_addr::MSTATUS),
            Some(mstatus::MIE | mstatus::MPIE)
        );
        // mret to M keeps MPRV.
        m.hart.set_privilege(Privilege::Machine);
        m.hart
            .set_csr(csr_addr::MSTATUS, mstatus::MPRV | mstatus::MPP);
        exec(&mut m, Instruction::Mret).unwrap();
        assert_eq!(m.hart.privilege(), Privilege::Machine);
        assert_eq!(
            m.hart.csr(csr_addr::MSTATUS),
            Some(mstatus::MPRV | mstatus::MPIE)
        );
        // sret to S: SIE <- SPIE, SPIE <- 1, SPP <- U, MPRV cleared.
        m.hart.set_csr(
            csr_addr::MSTATUS,
            mstatus::SPP | mstatus::SPIE | mstatus::MPRV,
        );
        m.hart.set_csr(csr_addr::SEPC, RAM + 0x81);
        exec(&mut m, Instruction::Sret).unwrap();
        assert_eq!(m.hart.privilege(), Privilege::Supervisor);
        assert_eq!(m.hart.pc(), RAM + 0x80);
        assert_eq!(
            m.hart.csr(csr_addr::MSTATUS),
            Some(mstatus::SIE | mstatus::SPIE)
        );
    }
}
