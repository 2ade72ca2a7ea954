# rv32si-tvm.S: mstatus.TVM (satp and sfence.vma illegal in S), TSR (sret illegal in S), TW (wfi
# illegal in S), and wfi in U-mode (illegal: this hart's bounded time is zero). M-mode is never
# affected.
#include "snowrv_macros.h"
#define A0 10
#define A1 11
RVTEST_CODE_BEGIN
  li a1, (MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW)
  csrs mstatus, a1
  # M-mode: all allowed
  TEST_CASE(2, a0, 0, csrr a0, satp; sfence.vma; csrw satp, zero)
  li TESTNUM, 3
  li a1, MSTATUS_SPP
  csrs mstatus, a1
  la a1, s3
  csrw sepc, a1
  sret                        /* TSR does not apply to M */
s3:
  TEST_ILLEGAL(4, ENC_CSRRS(A0, 0x180, 0))      /* csrr a0, satp */
  TEST_ILLEGAL(5, ENC_CSRRW(0, 0x180, A1))      /* csrw satp, a1 */
  TEST_ILLEGAL(6, ENC_SFENCE_VMA(0, 0))
  TEST_ILLEGAL(7, ENC_SFENCE_VMA(A1, 0))
  TEST_ILLEGAL(8, ENC_SRET)
  TEST_ILLEGAL(9, ENC_WFI)
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m1)
m1:
  li a1, (MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW)
  csrc mstatus, a1
  li TESTNUM, 10
  MRET_TO(PRV_S, s10)
s10:
  # without the traps, S may use them (wfi with an interrupt already pending returns at once)
  TEST_CASE(11, a0, 0, csrr a0, satp; sfence.vma; sfence.vma a1; csrw satp, zero)
  li TESTNUM, 12
  csrsi sstatus, MSTATUS_SIE
  SRET_TO(PRV_S, s12)
s12:
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m2)
m2:
  # wfi in S with TW = 0 and a pending enabled interrupt: completes
  csrci mstatus, MSTATUS_SIE
  li a1, MIP_SSIP
  csrw mideleg, a1            /* delegated, so with SIE = 0 nothing traps in S */
  csrw mie, a1
  csrw mip, a1
  li TESTNUM, 13
  MRET_TO(PRV_S, s13)
s13:
  wfi
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m3)
m3:
  csrw mip, zero
  csrw mie, zero
  csrw mideleg, zero
  # U-mode: wfi is illegal whatever TW is
  li TESTNUM, 14
  MRET_TO(PRV_U, u14)
u14:
  TEST_ILLEGAL(15, ENC_WFI)
  ECALL_TO_M(CAUSE_USER_ECALL, m4)
m4:
  TEST_PASSFAIL
RVTEST_CODE_END
