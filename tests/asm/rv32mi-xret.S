# rv32mi-xret.S: mret and sret state transitions (Privileged ISA 3.1.6.1, 3.3.2): xIE <- xPIE,
# xPIE <- 1, xPP <- U (least privileged mode), MPRV <- 0 when returning below M, pc <- xepc,
# privilege <- xPP; sret executed in M-mode; the mode reached is checked by which ecall cause it
# raises and by CSR accessibility.
#include "snowrv_macros.h"
#define A0 10

/* mstatus & mask must equal expected */
#define CHECK_MSTATUS(num, n, mask, expected) \
  csrr a0, mstatus; li t4, mask; and a0, a0, t4; CHECK_EQ_N(num, n, a0, expected)

/* QEMU 7.2 does not clear MPRV on an xRET below M (a v1.12 rule). */
#ifdef SNOWRV_QEMU
#define CHECK_MPRV_CLEARED(num)
#else
#define CHECK_MPRV_CLEARED(num) CHECK_EQ(num, a0, 0)
#endif

RVTEST_CODE_BEGIN
  # mret M -> M: MIE <- MPIE (1), MPIE <- 1, MPP <- U
  li TESTNUM, 2
  csrw mstatus, zero
  li a1, (MSTATUS_MPIE | MSTATUS_MPP_M)
  csrs mstatus, a1
  la a1, 1f
  csrw mepc, a1
  mret
  j snowrv_fail
1:
  CHECK_MSTATUS(2, a, (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP), (MSTATUS_MIE | MSTATUS_MPIE))
  csrw mstatus, zero
  # mret with MPIE = 0: MIE <- 0
  li TESTNUM, 3
  li a1, (MSTATUS_MIE | MSTATUS_MPP_M)
  csrs mstatus, a1
  la a1, 1f
  csrw mepc, a1
  mret
1:
  CHECK_MSTATUS(3, a, (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP), MSTATUS_MPIE)
  csrw mstatus, zero
  # mret keeps MPRV when returning to M
  li TESTNUM, 4
  li a1, (MSTATUS_MPRV | MSTATUS_MPP_M)
  csrs mstatus, a1
  la a1, 1f
  csrw mepc, a1
  mret
1:
  CHECK_MSTATUS(4, a, MSTATUS_MPRV, MSTATUS_MPRV)
  csrw mstatus, zero
  # mret to S: privilege S (ecall from S), MPRV cleared, MPP <- U
  li TESTNUM, 5
  li a1, MSTATUS_MPRV
  csrs mstatus, a1
  MRET_TO(PRV_S, s5)
s5:
  TEST_CASE(6, a0, 0, csrr a0, sstatus; li a0, 0)       /* S CSRs accessible */
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m5)
m5:
  li TESTNUM, 7
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)                                 /* at the ecall: MPRV = 0 */
  li t4, MSTATUS_MPRV
  and a0, a0, t4
  CHECK_MPRV_CLEARED(7)
  # mret to U: privilege U
  li TESTNUM, 8
  li a1, MSTATUS_MPRV
  csrs mstatus, a1
  MRET_TO(PRV_U, u8)
u8:
  TEST_ILLEGAL(9, ENC_CSRRS(A0, 0x100, 0))             /* sstatus not accessible */
  ECALL_TO_M(CAUSE_USER_ECALL, m8)
m8:
  li TESTNUM, 10
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)
  li t4, MSTATUS_MPRV
  and a0, a0, t4
  CHECK_MPRV_CLEARED(10)
  # mret jumps to mepc exactly, including a 2-byte aligned target
  li TESTNUM, 11
  li a1, MSTATUS_MPP_M
  csrs mstatus, a1
  la a1, 1f
  csrw mepc, a1
  mret
  .balign 4
  c.nop
1:
  li a0, 1
  CHECK_EQ(11, a0, 1)
  # sret in M-mode: SIE <- SPIE, SPIE <- 1, SPP <- U, privilege <- SPP (S)
  li TESTNUM, 12
  csrw mstatus, zero
  li a1, (MSTATUS_SPP | MSTATUS_SPIE)
  csrs mstatus, a1
  la a1, s12
  csrw sepc, a1
  sret
  j snowrv_fail
s12:
  csrr a0, sstatus
  andi a0, a0, (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP)
  CHECK_EQ_N(12, a, a0, (MSTATUS_SIE | MSTATUS_SPIE))
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m12)
m12:
  # sret S -> U: privilege U, SPP <- U, SIE <- SPIE (0)
  li TESTNUM, 13
  csrw mstatus, zero
  MRET_TO(PRV_S, s13)
s13:
  li a1, MSTATUS_SIE
  csrs sstatus, a1            /* SIE = 1, SPIE = 0 */
  SRET_TO(PRV_U, u13)
u13:
  ECALL_TO_M(CAUSE_USER_ECALL, m13)
m13:
  csrr a0, mstatus
  andi a0, a0, (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP)
  CHECK_EQ(13, a0, MSTATUS_SPIE)
  # sret S -> S
  li TESTNUM, 14
  csrw mstatus, zero
  MRET_TO(PRV_S, s14)
s14:
  SRET_TO(PRV_S, s14b)
s14b:
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m14)
m14:
  # sret from S clears MPRV too (returning below M)
  li TESTNUM, 15
  csrw mstatus, zero
  MRET_TO(PRV_S, s15)
s15:
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m15)  /* M: set MPRV, then sret from M to S */
m15:
  li a1, (MSTATUS_MPRV | MSTATUS_SPP)
  csrs mstatus, a1
  la a1, s15b
  csrw sepc, a1
  sret
s15b:
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m15b)
m15b:
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)
  li t4, MSTATUS_MPRV
  and a0, a0, t4
  CHECK_MPRV_CLEARED(15)
  # xepc after a trap is the trapping instruction; mret to it re-executes (here: a skipped ecall)
  li TESTNUM, 16
  li s1, 0
  ARM_TRAP(PRV_M, CAUSE_MACHINE_ECALL, 0, 1f, TF_EXACT, 2f, -1)
1:
  ecall
  j snowrv_fail
2:
  CHECK_TRAP_TAKEN
  TEST_PASSFAIL
RVTEST_CODE_END
