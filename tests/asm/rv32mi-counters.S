# rv32mi-counters.S: mcycle/minstret (and their high halves) count, can be written, carry into the
# high half, stop under mcountinhibit; cycle/time/instret mirror them; time follows the CLINT's
# mtime; mcounteren/scounteren gate the user-level counters from S- and U-mode.
#include "snowrv_macros.h"
#define A0 10
RVTEST_CODE_BEGIN
  csrw mcountinhibit, zero
  # minstret counts retired instructions
  li TESTNUM, 2
  csrr a0, minstret
  nop
  nop
  csrr a1, minstret
  sub a2, a1, a0
#ifndef SNOWRV_QEMU
  CHECK_EQ(2, a2, 3)
#else
  bgtz a2, 1f
  j snowrv_fail
1:
#endif
  # mcycle advances
  li TESTNUM, 3
  csrr a0, mcycle
  nop
  csrr a1, mcycle
  bne a0, a1, 1f
  j snowrv_fail
1:
#ifndef SNOWRV_QEMU
  # A written value is what the next instruction reads
  TEST_CASE(4, a0, 100, li a1, 100; csrw minstret, a1; csrr a0, minstret)
  TEST_CASE(5, a0, 101, li a1, 100; csrw minstret, a1; nop; csrr a0, minstret)
  # minstret carries into minstreth
  li TESTNUM, 6
  csrw minstreth, zero
  li a1, -1
  csrw minstret, a1
  nop
  csrr a0, minstreth
  CHECK_EQ_N(6, a, a0, 1)
  csrr a0, instreth
  CHECK_EQ_N(6, b, a0, 1)
  csrr a0, minstret
  CHECK_EQ_N(6, c, a0, 6)            /* nop, csrr, li, beq, csrr, li, beq retired since */
  # mcycle carries too
  li TESTNUM, 7
  csrw mcycleh, zero
  li a1, -1
  csrw mcycle, a1
  nop
  nop
  csrr a0, mcycleh
  CHECK_EQ(7, a0, 1)
  # mcountinhibit.IR stops minstret, .CY stops mcycle
  li TESTNUM, 8
  li a1, 4
  csrw mcountinhibit, a1
  csrr a0, minstret
  nop
  nop
  csrr a1, minstret
  CHECK_REGS(8, a, a0, a1)
  csrw mcountinhibit, zero
  li TESTNUM, 9
  li a1, 1
  csrw mcountinhibit, a1
  csrr a0, mcycle
  nop
  nop
  csrr a1, mcycle
  CHECK_REGS(9, a, a0, a1)
  csrw mcountinhibit, zero
#endif
  # instret / cycle mirror minstret / mcycle
  li TESTNUM, 10
  csrr a0, minstret
  csrr a1, instret
  sub a2, a1, a0
#ifndef SNOWRV_QEMU
  CHECK_EQ(10, a2, 1)
#endif
  li TESTNUM, 11
  csrr a0, mcycleh
  csrr a1, cycleh
  CHECK_REGS(11, a, a0, a1)
#ifndef SNOWRV_QEMU
  /* QEMU's spike board does not provide the time CSR. */
  # time follows mtime (never behind a value read before it)
  li TESTNUM, 12
  li a3, CLINT_MTIME
  lw a0, 0(a3)
  csrr a1, time
  sltu a2, a1, a0
  CHECK_EQ_N(12, a, a2, 0)
  csrr a1, timeh
  lw a0, 4(a3)
  CHECK_REGS(12, b, a0, a1)
  # time advances while the hart runs
  li TESTNUM, 13
  csrr a0, time
  li a2, 100000
1:
  addi a2, a2, -1
  bnez a2, 1b
  csrr a1, time
  bne a0, a1, 1f
  j snowrv_fail
1:
#endif

  # Counter gating below M-mode.
  csrw mcounteren, zero
  csrw scounteren, zero
  li TESTNUM, 20
  MRET_TO(PRV_S, s1)
s1:
  TEST_ILLEGAL(21, ENC_CSRRS(A0, 0xc00, 0))   /* rdcycle: mcounteren.CY = 0 */
  TEST_ILLEGAL(22, ENC_CSRRS(A0, 0xc01, 0))   /* rdtime */
  TEST_ILLEGAL(23, ENC_CSRRS(A0, 0xc02, 0))   /* rdinstret */
  TEST_ILLEGAL(24, ENC_CSRRS(A0, 0xc82, 0))   /* rdinstreth */
  TEST_ILLEGAL(25, ENC_CSRRS(A0, 0xc03, 0))   /* hpmcounter3 */
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m1)
m1:
  li a1, 0x5                  /* CY and IR, not TM */
  csrw mcounteren, a1
  li TESTNUM, 26
  MRET_TO(PRV_S, s2)
s2:
  TEST_CASE(27, a1, 1, csrr a0, cycle; li a1, 1)
  TEST_CASE(28, a1, 1, csrr a0, instret; csrr a0, instreth; li a1, 1)
  TEST_ILLEGAL(29, ENC_CSRRS(A0, 0xc01, 0))   /* rdtime: TM = 0 */
  TEST_ILLEGAL(30, ENC_CSRRS(A0, 0xc81, 0))   /* rdtimeh */
  # S-mode may write scounteren itself
  TEST_CASE(31, a0, 0x2, li a1, 0x2; csrw scounteren, a1; csrr a0, scounteren)
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m2)
m2:
  # U-mode needs the bit in both mcounteren and scounteren.
  li a1, 0x3                  /* mcounteren: CY, TM */
  csrw mcounteren, a1
  li a1, 0x6                  /* scounteren: TM, IR */
  csrw scounteren, a1
  li TESTNUM, 32
  MRET_TO(PRV_U, u1)
u1:
#ifndef SNOWRV_QEMU
  TEST_CASE(33, a1, 1, csrr a0, time; li a1, 1)        /* TM in both */
#endif
  TEST_ILLEGAL(34, ENC_CSRRS(A0, 0xc00, 0))   /* cycle: not in scounteren */
  TEST_ILLEGAL(35, ENC_CSRRS(A0, 0xc02, 0))   /* instret: not in mcounteren */
  TEST_ILLEGAL(36, ENC_CSRRS(A0, 0xb00, 0))   /* mcycle: M-level */
  ECALL_TO_M(CAUSE_USER_ECALL, m3)
m3:
  li a1, 7
  csrw mcounteren, a1
  csrw scounteren, a1
  TEST_PASSFAIL
RVTEST_CODE_END
