/* snowrv_env.S: reset code, trap handlers and pass/fail routines linked into every SnowRV test
 * program (see snowrv_test.h for the conventions). Assemble with -DSNOWRV_ENV_V for the "v"
 * environment (test body in S-mode under Sv32), without it for "p" (test body in M-mode). */
#include "snowrv_test.h"

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  j snowrv_reset

/* ---- M-mode trap handler: checks the trap against the armed expectation block. ---- */
  .balign 4
  .globl snowrv_mtrap
snowrv_mtrap:
  la t6, snowrv_trap
  sw t0, TS_SAVE0(t6)
  sw t1, TS_SAVE1(t6)
  sw t2, TS_SAVE2(t6)
  csrr t0, mcause
  sw t0, TS_CAUSE(t6)
  csrr t1, mtval
  sw t1, TS_TVAL(t6)
  csrr t2, mepc
  sw t2, TS_EPC(t6)
  csrr t5, mstatus
  sw t5, TS_STATUS(t6)
  csrr t5, mip
  sw t5, TS_MIP(t6)
  li t5, PRV_M
  sw t5, TS_MODE(t6)
  lw t5, TS_COUNT(t6)
  addi t5, t5, 1
  sw t5, TS_COUNT(t6)
  lw t6, TS_EXPECT(t6)
  beqz t6, snowrv_unexpected
  lw t5, EX_TO(t6)
  addi t5, t5, -PRV_M
  bnez t5, snowrv_unexpected
  lw t5, EX_CAUSE(t6)
  bne t5, t0, snowrv_unexpected
  lw t0, EX_FLAGS(t6)
  andi t5, t0, TF_TVAL
  beqz t5, 1f
  lw t5, EX_TVAL(t6)
  bne t5, t1, snowrv_unexpected
1:
  andi t5, t0, TF_EPC
  beqz t5, 1f
  lw t5, EX_EPC(t6)
  bne t5, t2, snowrv_unexpected
1:
  andi t5, t0, TF_CLEAR_PIE
  beqz t5, 1f
  li t5, MSTATUS_MPIE
  csrc mstatus, t5
1:
  andi t5, t0, TF_DISABLE_IE
  beqz t5, 1f
  csrr t1, mcause
  bgez t1, 1f
  li t5, 1
  sll t5, t5, t1            /* sll uses the low 5 bits: 1 << interrupt code */
  csrc mie, t5
1:
  lw t5, EX_RESUME(t6)
  beqz t5, 1f
  csrw mepc, t5
1:
  lw t5, EX_PRIV(t6)
  bltz t5, 1f
  slli t5, t5, 11
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  csrs mstatus, t5
1:
  lw t5, EX_NEXT(t6)        /* the next armed block (a chain), or 0 */
  la t6, snowrv_trap
  sw t5, TS_EXPECT(t6)
  lw t0, TS_SAVE0(t6)
  lw t1, TS_SAVE1(t6)
  lw t2, TS_SAVE2(t6)
  mret

/* ---- S-mode trap handler: the same protocol with the supervisor CSRs. ---- */
  .balign 4
  .globl snowrv_strap
snowrv_strap:
  la t6, snowrv_trap
  sw t0, TS_SAVE0(t6)
  sw t1, TS_SAVE1(t6)
  sw t2, TS_SAVE2(t6)
  csrr t0, scause
  sw t0, TS_CAUSE(t6)
  csrr t1, stval
  sw t1, TS_TVAL(t6)
  csrr t2, sepc
  sw t2, TS_EPC(t6)
  csrr t5, sstatus
  sw t5, TS_STATUS(t6)
  csrr t5, sip
  sw t5, TS_MIP(t6)
  li t5, PRV_S
  sw t5, TS_MODE(t6)
  lw t5, TS_COUNT(t6)
  addi t5, t5, 1
  sw t5, TS_COUNT(t6)
  lw t6, TS_EXPECT(t6)
  beqz t6, snowrv_unexpected_s
  lw t5, EX_TO(t6)
  addi t5, t5, -PRV_S
  bnez t5, snowrv_unexpected_s
  lw t5, EX_CAUSE(t6)
  bne t5, t0, snowrv_unexpected_s
  lw t0, EX_FLAGS(t6)
  andi t5, t0, TF_TVAL
  beqz t5, 1f
  lw t5, EX_TVAL(t6)
  bne t5, t1, snowrv_unexpected_s
1:
  andi t5, t0, TF_EPC
  beqz t5, 1f
  lw t5, EX_EPC(t6)
  bne t5, t2, snowrv_unexpected_s
1:
  andi t5, t0, TF_CLEAR_PIE
  beqz t5, 1f
  li t5, MSTATUS_SPIE
  csrc sstatus, t5
1:
  andi t5, t0, TF_DISABLE_IE
  beqz t5, 1f
  csrr t1, scause
  bgez t1, 1f
  li t5, 1
  sll t5, t5, t1
  csrc sie, t5
1:
  lw t5, EX_RESUME(t6)
  beqz t5, 1f
  csrw sepc, t5
1:
  lw t5, EX_PRIV(t6)
  bltz t5, 1f
  slli t5, t5, 8
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  csrs sstatus, t5
1:
  lw t5, EX_NEXT(t6)        /* the next armed block (a chain), or 0 */
  la t6, snowrv_trap
  sw t5, TS_EXPECT(t6)
  lw t0, TS_SAVE0(t6)
  lw t1, TS_SAVE1(t6)
  lw t2, TS_SAVE2(t6)
  sret

/* An unexpected or mismatching trap: record it for the harness, then fail. */
snowrv_unexpected_s:
  la t6, snowrv_fail_info
  li t5, PRV_S
  j 1f
snowrv_unexpected:
  li t5, MSTATUS_MPRV         /* the failure path must reach tohost physically */
  csrc mstatus, t5
  la t6, snowrv_fail_info
  li t5, PRV_M
1:
  sw t5, 4(t6)
  la t5, snowrv_trap
  lw t0, TS_CAUSE(t5)
  sw t0, 8(t6)
  lw t0, TS_EPC(t5)
  sw t0, 12(t6)
  lw t0, TS_TVAL(t5)
  sw t0, 16(t6)
  li t0, 1
  sw t0, 0(t6)
  j snowrv_fail

/* ---- Pass / fail: the tohost protocol (low word, then the high word for 64-bit hosts). ---- */
  .globl snowrv_pass
snowrv_pass:
  fence
  li TESTNUM, 1
  j snowrv_tohost
  .globl snowrv_fail
snowrv_fail:
  fence
  bnez TESTNUM, 1f
  li TESTNUM, 0xffff        /* failed before the first case: report case 0xffff */
1:
  slli TESTNUM, TESTNUM, 1
  ori TESTNUM, TESTNUM, 1
snowrv_tohost:
  la t5, tohost
  sw TESTNUM, 0(t5)
  sw zero, 4(t5)
1:
  j 1b

/* ---- Reset ---- */
snowrv_reset:
  li x1, 0
  li x2, 0
  li x3, 0
  li x4, 0
  li x5, 0
  li x6, 0
  li x7, 0
  li x8, 0
  li x9, 0
  li x10, 0
  li x11, 0
  li x12, 0
  li x13, 0
  li x14, 0
  li x15, 0
  li x16, 0
  li x17, 0
  li x18, 0
  li x19, 0
  li x20, 0
  li x21, 0
  li x22, 0
  li x23, 0
  li x24, 0
  li x25, 0
  li x26, 0
  li x27, 0
  li x28, 0
  li x29, 0
  li x30, 0
  li x31, 0
  /* PMP: allow S/U everything if PMP exists (QEMU needs it); skip if the CSRs trap. */
  la t0, 1f
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f               /* NAPOT, R W X */
  csrw pmpcfg0, t0
  .balign 4
1:
  la t0, snowrv_mtrap
  csrw mtvec, t0
  la t0, snowrv_strap
  csrw stvec, t0
  csrw medeleg, zero
  csrw mideleg, zero
  csrw mie, zero
  csrw mstatus, zero
  csrw satp, zero
  li t0, 7
  csrw mcounteren, t0
  csrw scounteren, t0
  la sp, snowrv_stack_top
#ifdef SNOWRV_ENV_V
  /* Identity-map RAM (64 x 4 MiB) and the CLINT (one 4 MiB superpage), S-mode, RWX, A and D
   * preset, then enter the test body in S-mode with paging on. */
  la t0, snowrv_env_pt
  li t1, (RAM_BASE >> 22)   /* first VPN[1] */
  li t2, 64
  slli t3, t1, 2
  add t3, t0, t3            /* &root[VPN[1]] */
  li t4, PTE_LEAF(RAM_BASE, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
  li t5, (0x400000 >> 2)    /* PPN step of 4 MiB, in PTE position */
2:
  sw t4, 0(t3)
  add t4, t4, t5
  addi t3, t3, 4
  addi t2, t2, -1
  bnez t2, 2b
  li t4, PTE_LEAF(CLINT_BASE, PTE_R | PTE_W | PTE_A | PTE_D)
  sw t4, ((CLINT_BASE >> 22) * 4)(t0)
  srli t0, t0, 12
  li t1, SATP_MODE_SV32
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li t4, 0
  li t5, 0
  li t3, 0
  MRET_TO(PRV_S, snowrv_test_start)
#else
  j snowrv_test_start
#endif

/* ---- Host interface and handler state ---- */
  .section .tohost, "aw", @progbits
  .balign 64
  .globl tohost
tohost:
  .word 0, 0
  .size tohost, 8
  .balign 64
  .globl fromhost
fromhost:
  .word 0, 0
  .size fromhost, 8
  .balign 64

  .data
  .balign 64
  .globl snowrv_trap
snowrv_trap:
  .space 64
  /* {valid, mode, cause, epc, tval} of the trap that failed the program. */
  .globl snowrv_fail_info
snowrv_fail_info:
  .space 20

  .bss
  .balign 4096
#ifdef SNOWRV_ENV_V
snowrv_env_pt:
  .space 4096
#endif
  .space 4096
  .globl snowrv_stack_top
snowrv_stack_top:
