# rv32mi-exceptions.S: every synchronous exception cause SnowRV raises outside paging, with
# mcause, mepc and mtval checked (page faults, causes 12/13/15, are in rv32si-sv32.S):
#   0  instruction address misaligned: NOT reachable on this hart. With C (misa.C fixed at 1)
#      every jal/branch offset is even and jalr clears bit 0, so every target is 2-byte aligned.
#   1  fetch access fault: jumps to addresses with no memory (0x0, 0x4000_0000, end of RAM)
#   2  illegal instruction: all-zero halfword, all-ones word, reserved opcodes/functs, F/D ops,
#      CSR violations are in rv32mi-csr.S; mtval = the instruction bits (16 for compressed)
#   3  breakpoint (ebreak, c.ebreak): mtval = pc
#   4/6 load/store misaligned: mtval = the address (SnowRV does not emulate misaligned accesses)
#   5/7 load/store access faults outside RAM
#   8/9/11 ecall from U/S/M: mtval = 0
# plus the trap-entry state: mstatus.MPP/MPIE/MIE after a trap from each mode.
#include "snowrv_macros.h"

/* Jump to `target` (outside memory) and expect a fetch access fault there. */
#define TEST_FETCH_FAULT(num, target) \
  li TESTNUM, num; \
  ARM_TRAP(PRV_M, CAUSE_FETCH_ACCESS, target, target, TF_EXACT, snowrv_case_##num##_after, -1); \
  li a5, target; jalr ra, 0(a5); \
  snowrv_case_##num##_after: CHECK_TRAP_TAKEN

RVTEST_CODE_BEGIN
  # ---- 1: instruction access fault ----
  TEST_FETCH_FAULT(2, 0x40000000)
  TEST_FETCH_FAULT(3, 0x00000000)
  TEST_FETCH_FAULT(4, 0x90000000)      /* first byte past RAM */
  TEST_FETCH_FAULT(5, 0x7ffffffe)      /* just below RAM */
  TEST_FETCH_FAULT(6, 0xfffffffc)
#ifndef SNOWRV_QEMU
  /* (QEMU 7.2 aborts on this one.) */
  # a 32-bit instruction whose second half lies past the end of RAM: mepc = its start, mtval =
  # the portion that faulted (Privileged ISA 3.1.16)
  li TESTNUM, 7
  li a5, RAM_BASE + RAM_SIZE - 2
  li a4, 0x0513               /* low half of "addi a0, a0, ..." (a 32-bit encoding) */
  sh a4, 0(a5)
  fence.i
  ARM_TRAP(PRV_M, CAUSE_FETCH_ACCESS, RAM_BASE + RAM_SIZE, RAM_BASE + RAM_SIZE - 2, TF_EXACT, 1f, -1)
  jalr ra, 0(a5)
1:
  CHECK_TRAP_TAKEN
#endif

  # ---- 2: illegal instruction ----
  TEST_TRAP(10, CAUSE_ILLEGAL_INSTRUCTION, 0, .half 0x0000)          /* all-zero halfword */
  TEST_TRAP(11, CAUSE_ILLEGAL_INSTRUCTION, 0, .word 0x00000000)      /* all-zero word */
  TEST_ILLEGAL(12, 0xffffffff)                                       /* all ones */
  TEST_ILLEGAL(13, 0x0000007f)                                       /* >32-bit encoding space */
  TEST_ILLEGAL(14, 0x0000001f)                                       /* 48-bit encoding space */
  TEST_ILLEGAL(15, 0x0000000b)                                       /* custom-0 */
  TEST_ILLEGAL(16, 0x40001033)                                       /* sll with funct7 0x20 */
  TEST_ILLEGAL(17, 0x04004033)                                       /* xor with funct7 0x02 */
  TEST_ILLEGAL(18, 0x02008033 | (0x7f << 25))                        /* op with funct7 0x7f */
  TEST_ILLEGAL(19, 0x40001013)                                       /* slli with imm[11:5] 0x20 */
  TEST_ILLEGAL(20, 0x02005013)                                       /* srli shamt[5] = 1 (RV64) */
  TEST_ILLEGAL(34, 0x02001013)                                       /* slli shamt[5] = 1 (RV64) */
  TEST_ILLEGAL(35, 0x42005013)                                       /* srai shamt[5] = 1 (RV64) */
  TEST_ILLEGAL(36, 0x0000003b)                                       /* addw (RV64) */
  TEST_ILLEGAL(21, 0x00003003)                                       /* ld (RV64) */
  TEST_ILLEGAL(22, 0x00007003)                                       /* load funct3 7 */
  TEST_ILLEGAL(23, 0x00003023)                                       /* sd (RV64) */
  TEST_ILLEGAL(24, 0x00002063)                                       /* branch funct3 2 */
  TEST_ILLEGAL(25, 0x00001067)                                       /* jalr funct3 1 */
  TEST_ILLEGAL(26, 0x0000001b)                                       /* addiw (RV64) */
  TEST_ILLEGAL(27, 0x00002007)                                       /* flw: no F */
  TEST_ILLEGAL(28, 0x00000053)                                       /* fadd.s: no F */
  TEST_ILLEGAL(29, 0x0000302f)                                       /* amo .d width */
  TEST_ILLEGAL(30, 0x0800202f | (0x1f << 27))                        /* amo funct5 0x1f */
  TEST_ILLEGAL(31, 0x00004073)                                       /* system funct3 4 */
  TEST_ILLEGAL(32, 0x00200073)                                       /* uret (removed) */
  TEST_ILLEGAL(33, 0x7b200073)                                       /* dret outside debug mode */

  # ---- 3: breakpoint ----
  TEST_TRAP(40, CAUSE_BREAKPOINT, EBREAK_TVAL(snowrv_case_40_insn), ebreak)
  TEST_TRAP(41, CAUSE_BREAKPOINT, EBREAK_TVAL(snowrv_case_41_insn), c.ebreak)

#ifndef SNOWRV_QEMU
  /* QEMU 7.2 performs misaligned loads and stores instead of trapping. */
  # ---- 4 / 6: misaligned load / store: mtval = address, memory unchanged ----
  la a1, edat
  TEST_TRAP(50, CAUSE_MISALIGNED_LOAD, edat + 1, lh a0, 1(a1))
  TEST_TRAP(51, CAUSE_MISALIGNED_LOAD, edat + 3, lhu a0, 3(a1))
  TEST_TRAP(52, CAUSE_MISALIGNED_LOAD, edat + 1, lw a0, 1(a1))
  TEST_TRAP(53, CAUSE_MISALIGNED_LOAD, edat + 2, lw a0, 2(a1))
  TEST_TRAP(54, CAUSE_MISALIGNED_LOAD, edat + 3, lw a0, 3(a1))
  addi a5, a1, 2
  TEST_TRAP(55, CAUSE_MISALIGNED_LOAD, edat + 6, c.lw a0, 4(a5))
  TEST_TRAP(56, CAUSE_MISALIGNED_STORE, edat + 1, sh a0, 1(a1))
  TEST_TRAP(57, CAUSE_MISALIGNED_STORE, edat + 1, sw a0, 1(a1))
  TEST_TRAP(58, CAUSE_MISALIGNED_STORE, edat + 2, sw a0, 2(a1))
  TEST_TRAP(59, CAUSE_MISALIGNED_STORE, edat + 7, sw a0, 7(a1))
  # the misaligned load did not write rd; the store did not write memory
  TEST_CASE(60, a0, 0x5a, li a0, 0x5a; ARM_TRAP(PRV_M, CAUSE_MISALIGNED_LOAD, edat + 1, 0, TF_TVAL, 1f, -1); lw a0, 1(a1); 1: CHECK_TRAP_TAKEN)
  TEST_CASE(61, a0, 0x04030201, lw a0, 0(a1))
  TEST_CASE(62, a0, 0x08070605, lw a0, 4(a1))
  # byte accesses are never misaligned
  TEST_CASE(63, a0, 0x02, lbu a0, 1(a1))
#endif

  # ---- 5 / 7: access faults ----
  li a1, 0x40000000
  TEST_TRAP(70, CAUSE_LOAD_ACCESS, 0x40000000, lw a0, 0(a1))
  TEST_TRAP(71, CAUSE_LOAD_ACCESS, 0x40000004, lb a0, 4(a1))
  TEST_TRAP(72, CAUSE_STORE_ACCESS, 0x40000000, sw a0, 0(a1))
  TEST_TRAP(73, CAUSE_STORE_ACCESS, 0x3ffffffe, sh a0, -2(a1))
  li a1, 0
  TEST_TRAP(74, CAUSE_LOAD_ACCESS, 0, lw a0, 0(a1))
  TEST_TRAP(75, CAUSE_STORE_ACCESS, 0x10, sb a0, 16(a1))
  li a1, RAM_BASE + RAM_SIZE
  TEST_TRAP(76, CAUSE_LOAD_ACCESS, RAM_BASE + RAM_SIZE, lw a0, 0(a1))
  TEST_TRAP(77, CAUSE_STORE_ACCESS, RAM_BASE + RAM_SIZE, sw a0, 0(a1))
  li a5, RAM_BASE
  TEST_TRAP(78, CAUSE_LOAD_ACCESS, RAM_BASE - 4, lw a0, -4(a5))
  # the faulting load did not write rd
  TEST_CASE(79, a0, 0x77, li a0, 0x77; li a1, 0x40000000; ARM_TRAP(PRV_M, CAUSE_LOAD_ACCESS, 0x40000000, 0, TF_TVAL, 1f, -1); lw a0, 0(a1); 1: CHECK_TRAP_TAKEN)

  # ---- 11: ecall from M; trap entry state ----
  li TESTNUM, 80
  li a1, MSTATUS_MIE          /* MIE = 1 with mie = 0: no interrupt can fire */
  csrs mstatus, a1
  TEST_TRAP(81, CAUSE_MACHINE_ECALL, 0, ecall)
  li TESTNUM, 82
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)
  li t4, (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE)
  and a0, a0, t4
  CHECK_EQ_N(82, a, a0, (MSTATUS_MPP_M | MSTATUS_MPIE))    /* MPP = M, MPIE = old MIE, MIE = 0 */
  csrr a0, mstatus                                         /* mret restored MIE, MPIE = 1 */
  li t4, (MSTATUS_MPIE | MSTATUS_MIE)
  and a0, a0, t4
  CHECK_EQ_N(82, b, a0, (MSTATUS_MPIE | MSTATUS_MIE))
  csrw mstatus, zero

  # ---- 9: ecall from S, 8: ecall from U; breakpoint and illegal from U go to M ----
  li TESTNUM, 90
  MRET_TO(PRV_S, in_s)
in_s:
  TEST_TRAP(91, CAUSE_BREAKPOINT, EBREAK_TVAL(snowrv_case_91_insn), ebreak)
  TEST_TRAP(92, CAUSE_ILLEGAL_INSTRUCTION, 0, .word 0)
  li a1, 0x40000000
  TEST_TRAP(93, CAUSE_LOAD_ACCESS, 0x40000000, lw a0, 0(a1))
  li TESTNUM, 94
  ARM_TRAP(PRV_M, CAUSE_SUPERVISOR_ECALL, 0, s_ecall, TF_EXACT, back_m1, PRV_M)
s_ecall:
  ecall
back_m1:
  CHECK_TRAP_TAKEN
  li TESTNUM, 95
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)
  li t4, MSTATUS_MPP
  and a0, a0, t4
  CHECK_EQ(95, a0, MSTATUS_MPP_S)
  li TESTNUM, 96
  MRET_TO(PRV_U, in_u)
in_u:
  TEST_TRAP(97, CAUSE_BREAKPOINT, EBREAK_TVAL(snowrv_case_97_insn), ebreak)
  TEST_ILLEGAL(98, 0xffffffff)
  li a1, 0
  TEST_TRAP(99, CAUSE_STORE_ACCESS, 0, sw a0, 0(a1))
  TEST_FETCH_FAULT(100, 0x40000000)
  li TESTNUM, 101
  ARM_TRAP(PRV_M, CAUSE_USER_ECALL, 0, u_ecall, TF_EXACT, back_m2, PRV_M)
u_ecall:
  ecall
back_m2:
  CHECK_TRAP_TAKEN
  li TESTNUM, 102
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)
  li t4, MSTATUS_MPP
  and a0, a0, t4
  CHECK_EQ(102, a0, 0)
  # mret and sret are illegal in U-mode; sret is legal in M-mode
  li TESTNUM, 103
  MRET_TO(PRV_U, in_u2)
in_u2:
  TEST_ILLEGAL(104, ENC_MRET)
  TEST_ILLEGAL(105, ENC_SRET)
  TEST_ILLEGAL(106, ENC_SFENCE_VMA(0, 0))
  ECALL_TO_M(CAUSE_USER_ECALL, back_m3)
back_m3:
  li TESTNUM, 107
  MRET_TO(PRV_S, in_s2)
in_s2:
  TEST_ILLEGAL(108, ENC_MRET)
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, back_m4)
back_m4:
  TEST_PASSFAIL
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 16
edat:
  .byte 1, 2, 3, 4, 5, 6, 7, 8
  .fill 8, 4, 0
RVTEST_DATA_END
