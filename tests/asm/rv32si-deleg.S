# rv32si-deleg.S: exception delegation with medeleg. Delegated exceptions from S and U go to
# the S handler (scause/sepc/stval written, sstatus.SPP/SPIE/SIE updated, M CSRs untouched);
# exceptions that are not delegated still go to M; a delegated exception raised in M-mode is
# taken in M (traps never go to a less privileged mode).
#include "snowrv_macros.h"
#define A0 10
RVTEST_CODE_BEGIN
  li a1, ((1 << CAUSE_ILLEGAL_INSTRUCTION) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_USER_ECALL) | (1 << CAUSE_LOAD_ACCESS) | (1 << CAUSE_MISALIGNED_STORE))
  csrw medeleg, a1
  # M-mode: delegated causes still trap to M
  TEST_ILLEGAL(2, 0xffffffff)
  TEST_TRAP(3, CAUSE_BREAKPOINT, EBREAK_TVAL(snowrv_case_3_insn), ebreak)
  li TESTNUM, 4
  csrw mcause, zero           /* S-mode traps leave mcause alone: checked at m1 */
  csrsi sstatus, MSTATUS_SIE  /* SPIE must capture it (sie = 0: nothing fires) */
  MRET_TO(PRV_S, s_mode)
s_mode:
  TEST_TRAP_S(5, CAUSE_ILLEGAL_INSTRUCTION, 0xffffffff, .word 0xffffffff)
  li TESTNUM, 6
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)        /* sstatus at S-trap entry: SPP = S, SPIE = 1, SIE = 0 */
  andi a0, a0, (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE)
  CHECK_EQ_N(6, a, a0, (MSTATUS_SPP | MSTATUS_SPIE))
  csrr a0, sstatus            /* sret restored SIE from SPIE and set SPIE; SPP = U */
  andi a0, a0, (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE)
  CHECK_EQ_N(6, b, a0, (MSTATUS_SPIE | MSTATUS_SIE))
  TEST_TRAP_S(7, CAUSE_BREAKPOINT, EBREAK_TVAL(snowrv_case_7_insn), ebreak)
  li a1, 0x40000000
  TEST_TRAP_S(8, CAUSE_LOAD_ACCESS, 0x40000000, lw a0, 0(a1))
  li TESTNUM, 12              /* scause/stval hold the delegated trap */
  csrr a0, scause
  CHECK_EQ_N(12, a, a0, CAUSE_LOAD_ACCESS)
  csrr a0, stval
  CHECK_EQ_N(12, b, a0, 0x40000000)
#ifndef SNOWRV_QEMU
  la a1, sdat
  TEST_TRAP_S(9, CAUSE_MISALIGNED_STORE, sdat + 2, sw a0, 2(a1))
#endif
  # not delegated: store access fault and ecall from S go to M
  li a1, 0x40000000
  TEST_TRAP(10, CAUSE_STORE_ACCESS, 0x40000000, sw a0, 0(a1))
  li TESTNUM, 11
  ARM_TRAP(PRV_M, CAUSE_SUPERVISOR_ECALL, 0, 0, TF_TVAL, m1, PRV_M)
  ecall
m1:
  CHECK_TRAP_TAKEN
  li TESTNUM, 19              /* the last M trap before the ecall was case 10's */
  la a1, snowrv_trap
  lw a0, TS_CAUSE(a1)
  CHECK_EQ(19, a0, CAUSE_SUPERVISOR_ECALL)
  # U-mode: ecall from U is delegated -> S; illegal from U -> S with SPP = U
  li TESTNUM, 13
  la a1, s_from_u
  csrw stvec, a1
  MRET_TO(PRV_U, u_mode)
u_mode:
  TEST_TRAP_S(14, CAUSE_ILLEGAL_INSTRUCTION, ENC_CSRRS(A0, 0x100, 0), csrr a0, sstatus)
  li TESTNUM, 15
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)
  andi a0, a0, MSTATUS_SPP
  CHECK_EQ(15, a0, 0)
  li TESTNUM, 16
  ecall                        /* handled by s_from_u below, which returns to M via ecall */
  j snowrv_fail
  .balign 4
s_from_u:
  csrr t5, scause             /* anything but this ecall: the generic handler */
  li t6, CAUSE_USER_ECALL
  beq t5, t6, 1f
  j snowrv_strap
1:
  csrr a0, scause
  CHECK_EQ_N(16, a, a0, CAUSE_USER_ECALL)
  csrr a0, sstatus
  andi a0, a0, MSTATUS_SPP
  CHECK_EQ_N(16, b, a0, 0)
  la a1, snowrv_strap
  csrw stvec, a1
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m2)
m2:
  li TESTNUM, 17
  csrr a0, mcause
  CHECK_EQ(17, a0, CAUSE_SUPERVISOR_ECALL)
  # with medeleg = 0, the same U ecall goes to M
  csrw medeleg, zero
  li TESTNUM, 18
  MRET_TO(PRV_U, u2)
u2:
  ECALL_TO_M(CAUSE_USER_ECALL, m3)
m3:
  TEST_PASSFAIL
RVTEST_CODE_END
RVTEST_DATA_BEGIN
sdat: .word 0, 0
RVTEST_DATA_END
