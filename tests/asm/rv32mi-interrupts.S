# rv32mi-interrupts.S: interrupts and their delegation.
#   machine timer (CLINT mtimecmp/mtime), machine software (CLINT msip), supervisor software and
#   timer set in mip by M-mode; xIE/xPIE gating, "M-level interrupts are always enabled below M",
#   mideleg delegation to S (and "delegated interrupts never trap in M"), the priority order
#   MEI > MSI > MTI > SEI > SSI > STI for simultaneously pending interrupts, wfi waking with and
#   without taking the trap (mepc = the instruction after wfi), vectored mtvec/stvec
#   (pc = BASE + 4 * cause; exceptions to BASE), and mret enabling a pending interrupt.
#include "snowrv_macros.h"

#define MTIMECMP_MAX \
  li a5, CLINT_MTIMECMP; li a4, -1; sw a4, 4(a5); sw a4, 0(a5)

/* mtimecmp = mtime + ticks (mtime read as lo/hi; a wrap of lo during the read is ignored). */
#define MTIMECMP_IN(ticks) \
  li a5, CLINT_MTIME; lw a3, 0(a5); lw a2, 4(a5); addi a4, a3, ticks; sltu a3, a4, a3; \
  add a2, a2, a3; li a5, CLINT_MTIMECMP; li a3, -1; sw a3, 4(a5); sw a4, 0(a5); sw a2, 4(a5)

#define MTIMECMP_NOW \
  li a5, CLINT_MTIMECMP; sw zero, 4(a5); sw zero, 0(a5)

#define SET_MSIP(v) li a5, CLINT_MSIP; li a4, v; sw a4, 0(a5)

/* Spin until the armed trap (chain) has been taken; fail after a bounded number of iterations. */
#define WAIT_TRAP \
  li a4, 400000; 83: la t6, snowrv_trap; lw t5, TS_EXPECT(t6); beqz t5, 84f; \
  addi a4, a4, -1; bnez a4, 83b; j snowrv_fail; 84:

/* Everything off: no interrupt enabled, pending or delegated. */
#define QUIET \
  csrw mie, zero; csrw mip, zero; csrw mideleg, zero; li a5, (MSTATUS_MIE | MSTATUS_SIE); \
  csrc mstatus, a5; MTIMECMP_MAX; SET_MSIP(0)

/* TS_COUNT into `reg`. */
#define TRAP_COUNT(reg) la t6, snowrv_trap; lw reg, TS_COUNT(t6)

/* SnowRV takes an interrupt raised by a store to the CLINT before the next instruction; QEMU
 * takes it a few instructions later, which the spec allows. */
#ifdef SNOWRV_QEMU
#define PRECISE_EPC 0
#else
#define PRECISE_EPC TF_EPC
#endif

RVTEST_CODE_BEGIN
  QUIET
  # ---- machine timer ----
  TEST_CASE(2, a0, 0, csrr a0, mip; andi a0, a0, MIP_MTIP)
  li TESTNUM, 3                       /* MTIP rises when mtime reaches mtimecmp (no trap: mie=0) */
  MTIMECMP_IN(20)
  li a4, 400000
1:
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  bnez a0, 2f
  addi a4, a4, -1
  bnez a4, 1b
  j snowrv_fail
2:
  li TESTNUM, 4                       /* pending + MTIE, then MIE=1: taken before the next insn */
  li a1, MIP_MTIP
  csrw mie, a1
  ARM_TRAP(PRV_M, IRQ_M_TIMER, 0, 4f, (TF_EPC | TF_TVAL | TF_DISABLE_IE), 0, -1)
  csrsi mstatus, MSTATUS_MIE
4:
  CHECK_TRAP_TAKEN
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)
  li t4, (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE)
  and a0, a0, t4
  CHECK_EQ_N(4, a, a0, (MSTATUS_MPP_M | MSTATUS_MPIE))
  csrr a0, mstatus                    /* mret set MIE again */
  andi a0, a0, MSTATUS_MIE
  CHECK_EQ_N(4, b, a0, MSTATUS_MIE)
  csrr a0, mie                        /* the handler disabled MTIE */
  CHECK_EQ_N(4, c, a0, 0)
  MTIMECMP_MAX
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHECK_EQ_N(4, d, a0, 0)
  QUIET
  li TESTNUM, 5                       /* the timer interrupts a running loop */
  ARM_TRAP(PRV_M, IRQ_M_TIMER, 0, 0, (TF_TVAL | TF_DISABLE_IE), 0, -1)
  li a1, MIP_MTIP
  csrw mie, a1
  csrsi mstatus, MSTATUS_MIE
  MTIMECMP_IN(30)
  WAIT_TRAP
  QUIET
  li TESTNUM, 6                       /* wfi with MIE = 0 wakes on a pending enabled interrupt */
  TRAP_COUNT(s1)
  li a1, MIP_MTIP
  csrw mie, a1
  MTIMECMP_IN(30)
6:
  wfi
  csrr a0, mip                        /* a spurious wake-up is allowed: wait again */
  andi a0, a0, MIP_MTIP
  beqz a0, 6b
  TRAP_COUNT(s2)
  CHECK_REGS(6, a, s1, s2)            /* no trap was taken */
  QUIET
  li TESTNUM, 7                       /* wfi with MIE = 1: trap, mepc = the instruction after wfi */
  li a1, MIP_MTIP
  csrw mie, a1
  MTIMECMP_IN(30)
#ifdef SNOWRV_QEMU
  /* QEMU 7.2 takes the interrupt with mepc = the wfi itself or the next instruction,
   * depending on host timing. */
  ARM_TRAP(PRV_M, IRQ_M_TIMER, 0, wfi7, TF_DISABLE_IE, 7f, -1)
#else
  ARM_TRAP(PRV_M, IRQ_M_TIMER, 0, 7f, (TF_EPC | TF_DISABLE_IE), 0, -1)
#endif
  csrsi mstatus, MSTATUS_MIE
  .option push
  .option norvc
wfi7:
  wfi
7:
  .option pop
  WAIT_TRAP
  QUIET

  # ---- machine software (msip) ----
  li TESTNUM, 8
  li a1, MIP_MSIP
  csrw mie, a1
  csrsi mstatus, MSTATUS_MIE
  li a5, CLINT_MSIP
  li a4, 1
  ARM_TRAP(PRV_M, IRQ_M_SOFT, 0, 8f, (PRECISE_EPC | TF_DISABLE_IE), 0, -1)
  sw a4, 0(a5)
8:
  WAIT_TRAP
  csrr a0, mip
  andi a0, a0, MIP_MSIP
  CHECK_EQ_N(8, a, a0, MIP_MSIP)
  SET_MSIP(0)
  csrr a0, mip
  andi a0, a0, MIP_MSIP
  CHECK_EQ_N(8, b, a0, 0)
  QUIET

  # ---- priority: MSI before MTI ----
  TRAP_BLOCK(blk9a, PRV_M, IRQ_M_SOFT, 0, 0, TF_DISABLE_IE, 0, -1, blk9b)
  TRAP_BLOCK(blk9b, PRV_M, IRQ_M_TIMER, 0, 0, TF_DISABLE_IE, 0, -1, 0)
  li TESTNUM, 9
  SET_MSIP(1)
  MTIMECMP_NOW
  li a1, (MIP_MSIP | MIP_MTIP)
  csrw mie, a1
  ARM_BLOCK(blk9a)
  csrsi mstatus, MSTATUS_MIE
  nop
  CHECK_TRAP_TAKEN
  QUIET

  # ---- S-level interrupts, not delegated, go to M ----
  li TESTNUM, 10
  li a1, MIP_SSIP
  csrw mie, a1
  ARM_TRAP(PRV_M, IRQ_S_SOFT, 0, 0, TF_DISABLE_IE, 0, -1)
  csrw mip, a1
  csrsi mstatus, MSTATUS_MIE
  nop
  CHECK_TRAP_TAKEN
  QUIET
  li TESTNUM, 11
  li a1, MIP_STIP
  csrw mie, a1
  ARM_TRAP(PRV_M, IRQ_S_TIMER, 0, 0, TF_DISABLE_IE, 0, -1)
  csrw mip, a1
  csrsi mstatus, MSTATUS_MIE
  nop
  CHECK_TRAP_TAKEN
  QUIET

  # ---- priority: MTI > SEI > SSI > STI, all pending at once ----
  TRAP_BLOCK(blk12a, PRV_M, IRQ_M_TIMER, 0, 0, TF_DISABLE_IE, 0, -1, blk12b)
  TRAP_BLOCK(blk12b, PRV_M, (CAUSE_INT | 9), 0, 0, TF_DISABLE_IE, 0, -1, blk12c)
  TRAP_BLOCK(blk12c, PRV_M, IRQ_S_SOFT, 0, 0, TF_DISABLE_IE, 0, -1, blk12d)
  TRAP_BLOCK(blk12d, PRV_M, IRQ_S_TIMER, 0, 0, TF_DISABLE_IE, 0, -1, 0)
  li TESTNUM, 12
#ifndef SNOWRV_QEMU
  li a1, (MIP_STIP | MIP_SSIP | MIP_SEIP)
  csrw mip, a1
  MTIMECMP_NOW
  li a1, (MIP_STIP | MIP_SSIP | MIP_SEIP | MIP_MTIP)
  csrw mie, a1
  ARM_BLOCK(blk12a)
#else
  /* QEMU 7.2: mip.SEIP is not writable and MTIP rises asynchronously; check SSI > STI only. */
  li a1, (MIP_STIP | MIP_SSIP)
  csrw mip, a1
  csrw mie, a1
  ARM_BLOCK(blk12c)
#endif
  csrsi mstatus, MSTATUS_MIE
  nop
  CHECK_TRAP_TAKEN
  QUIET

  # ---- delegation to S ----
  li TESTNUM, 13                      /* a delegated interrupt never traps in M-mode */
  TRAP_COUNT(s1)
  li a1, MIP_SSIP
  csrw mideleg, a1
  csrw mip, a1
  li a1, (MIP_SSIP | MIP_MTIP)        /* MTIE for case 16 (mtimecmp is at its maximum) */
  csrw mie, a1
  li a1, (MSTATUS_MIE | MSTATUS_SIE)
  csrs mstatus, a1
  nop
  nop
  TRAP_COUNT(s2)
  CHECK_REGS(13, a, s1, s2)
  csrci mstatus, MSTATUS_MIE
  li TESTNUM, 14                      /* ... and is taken in S-mode with SIE = 1 (sepc = target) */
  ARM_TRAP(PRV_S, IRQ_S_SOFT, 0, s14, (TF_EPC | TF_TVAL | TF_DISABLE_IE), 0, -1)
  MRET_TO(PRV_S, s14)
s14:
  CHECK_TRAP_TAKEN
  la a1, snowrv_trap
  lw a0, TS_MODE(a1)
  CHECK_EQ_N(14, a, a0, PRV_S)
  lw a0, TS_STATUS(a1)                /* sstatus at entry: SPP = S, SPIE = 1, SIE = 0 */
  andi a0, a0, (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE)
  CHECK_EQ_N(14, b, a0, (MSTATUS_SPP | MSTATUS_SPIE))
  csrr a0, sstatus                    /* sret restored SIE */
  andi a0, a0, MSTATUS_SIE
  CHECK_EQ_N(14, c, a0, MSTATUS_SIE)
  li TESTNUM, 15                      /* in S with SIE = 0: not taken; in U: taken whatever SIE */
  csrci sstatus, MSTATUS_SIE
  li a1, MIP_SSIP
  csrs sie, a1
  TRAP_COUNT(s1)
  nop
  TRAP_COUNT(s2)
  CHECK_REGS(15, a, s1, s2)
  ARM_TRAP(PRV_S, IRQ_S_SOFT, 0, u15, (TF_EPC | TF_DISABLE_IE), s15, PRV_S)
  SRET_TO(PRV_U, u15)
u15:
  j snowrv_fail
s15:
  CHECK_TRAP_TAKEN
  li a1, MIP_SSIP
  csrc sip, a1
  li TESTNUM, 16                      /* an M-level interrupt is taken in S-mode even with MIE = 0 */
  ARM_TRAP(PRV_M, IRQ_M_TIMER, 0, 0, TF_DISABLE_IE, 0, -1)
  MTIMECMP_NOW
  WAIT_TRAP
  la a1, snowrv_trap                  /* taken from S */
  lw a0, TS_STATUS(a1)
  li t4, MSTATUS_MPP
  and a0, a0, t4
  CHECK_EQ(16, a0, MSTATUS_MPP_S)
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m16)
m16:
  QUIET
  li TESTNUM, 17                      /* M sets STIP for S (the SBI timer flow) */
  li a1, MIP_STIP
  csrw mideleg, a1
  csrw mie, a1
  csrsi sstatus, MSTATUS_SIE
  ARM_TRAP(PRV_S, IRQ_S_TIMER, 0, s17, (TF_EPC | TF_DISABLE_IE), 0, -1)
  csrs mip, a1
  MRET_TO(PRV_S, s17)
s17:
  CHECK_TRAP_TAKEN
  csrr a0, sip
  andi a0, a0, MIP_STIP
  CHECK_EQ_N(17, a, a0, MIP_STIP)     /* S sees STIP, cannot clear it: */
  li a1, MIP_STIP
  csrc sip, a1
  csrr a0, sip
  andi a0, a0, MIP_STIP
  CHECK_EQ_N(17, b, a0, MIP_STIP)
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m17)
m17:
  QUIET
  li TESTNUM, 18                      /* wfi in S wakes on a delegated pending interrupt, SIE = 0 */
  li a1, MIP_SSIP
  csrw mideleg, a1
  csrw mie, a1
  MRET_TO(PRV_S, s18)
s18:
  csrci sstatus, MSTATUS_SIE
  TRAP_COUNT(s1)
  li a1, MIP_SSIP
  csrs sip, a1
  wfi
  TRAP_COUNT(s2)
  CHECK_REGS(18, a, s1, s2)
  csrc sip, a1
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m18)
m18:
  QUIET

  # ---- vectored mtvec / stvec ----
  li TESTNUM, 19
  la a1, mvec
  ori a1, a1, 1
  csrw mtvec, a1
  li a1, MIP_MTIP
  csrw mie, a1
  ARM_TRAP(PRV_M, IRQ_M_TIMER, 0, 0, TF_DISABLE_IE, 0, -1)
  MTIMECMP_NOW
  csrsi mstatus, MSTATUS_MIE
  WAIT_TRAP
  la a1, vec_hit
  lw a0, 0(a1)
  CHECK_EQ_N(19, a, a0, 7)            /* entered at BASE + 4 * 7 */
  sw zero, 0(a1)
  TEST_TRAP(20, CAUSE_MACHINE_ECALL, 0, ecall)   /* exceptions enter at BASE */
  la a1, vec_hit
  lw a0, 0(a1)
  CHECK_EQ_N(20, a, a0, 0x100)
  sw zero, 0(a1)
  la a1, snowrv_mtrap
  csrw mtvec, a1
  QUIET
  li TESTNUM, 21
  la a1, svec
  ori a1, a1, 1
  csrw stvec, a1
  li a1, MIP_SSIP
  csrw mideleg, a1
  csrw mie, a1
  csrsi sstatus, MSTATUS_SIE
  ARM_TRAP(PRV_S, IRQ_S_SOFT, 0, 0, TF_DISABLE_IE, 0, -1)
  li a1, MIP_SSIP
  csrs mip, a1
  MRET_TO(PRV_S, s21)
s21:
  WAIT_TRAP
  la a1, vec_hit
  lw a0, 0(a1)
  CHECK_EQ_N(21, a, a0, 0x201)        /* entered at BASE + 4 * 1 */
  sw zero, 0(a1)
  csrci sstatus, MSTATUS_SIE
  li a1, MIP_SSIP
  csrc sip, a1
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m21)
m21:
  la a1, snowrv_strap
  csrw stvec, a1
  QUIET

  # ---- mret with MPIE = 1 enables a pending interrupt at the return target ----
  li TESTNUM, 22
  SET_MSIP(1)
  li a1, MIP_MSIP
  csrw mie, a1
  li a1, MSTATUS_MPIE
  csrs mstatus, a1
  ARM_TRAP(PRV_M, IRQ_M_SOFT, 0, m22, (TF_EPC | TF_DISABLE_IE), 0, -1)
  MRET_TO(PRV_M, m22)
m22:
  CHECK_TRAP_TAKEN
  QUIET
  TEST_PASSFAIL

  .balign 256
  .option push
  .option norvc
mvec:
  j mvec_exc        /* 0: exceptions */
  j snowrv_mtrap    /* 1 */
  j snowrv_mtrap    /* 2 */
  j snowrv_mtrap    /* 3 */
  j snowrv_mtrap    /* 4 */
  j snowrv_mtrap    /* 5 */
  j snowrv_mtrap    /* 6 */
  j mvec_mti        /* 7 */
  j snowrv_mtrap    /* 8 */
  j snowrv_mtrap    /* 9 */
  j snowrv_mtrap    /* 10 */
  j snowrv_mtrap    /* 11 */
mvec_exc:
  la t6, vec_hit
  li t5, 0x100
  sw t5, 0(t6)
  j snowrv_mtrap
mvec_mti:
  la t6, vec_hit
  li t5, 7
  sw t5, 0(t6)
  j snowrv_mtrap
  .balign 256
svec:
  j snowrv_strap    /* 0 */
  j svec_ssi        /* 1 */
  j snowrv_strap    /* 2 */
  j snowrv_strap    /* 3 */
  j snowrv_strap    /* 4 */
  j snowrv_strap    /* 5 */
  j snowrv_strap    /* 6 */
  j snowrv_strap    /* 7 */
  j snowrv_strap    /* 8 */
  j snowrv_strap    /* 9 */
svec_ssi:
  la t6, vec_hit
  li t5, 0x201
  sw t5, 0(t6)
  j snowrv_strap
  .option pop
RVTEST_CODE_END
RVTEST_DATA_BEGIN
vec_hit: .word 0
RVTEST_DATA_END
