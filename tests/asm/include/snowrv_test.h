/* snowrv_test.h: the test environment of SnowRV's self-checking assembly programs.
 *
 * Written for SnowRV after studying the conventions of the riscv-tests environment (a `tohost`
 * word the host watches, a test-number register, pass = 1, fail = (n << 1) | 1); no code copied.
 *
 * A program looks like this:
 *
 *     #include "snowrv_test.h"
 *     #include "snowrv_macros.h"
 *     RVTEST_CODE_BEGIN
 *       TEST_RR_OP(2, add, 3, 1, 2)
 *       ...
 *       TEST_PASSFAIL
 *     RVTEST_CODE_END
 *     RVTEST_DATA_BEGIN
 *       ...
 *     RVTEST_DATA_END
 *
 * and is linked with snowrv_env.S (which holds `_start`, the trap handlers and the pass/fail
 * routines) and link.ld. Two environments, chosen when snowrv_env.S is assembled:
 *   - "p" (default): the test body runs in M-mode, physical addresses.
 *   - "v" (-DSNOWRV_ENV_V): an M-mode prologue builds Sv32 page tables that identity-map RAM and
 *     the CLINT with 4 MiB superpages, turns on paging and enters the test body in S-mode.
 *
 * Register conventions:
 *   - gp (x3) holds the current case number (TESTNUM); a failure reports it through tohost.
 *   - t4 (x29) is the scratch register of the checking macros (expected values).
 *   - t5, t6 (x30, x31) are clobbered by the trap handlers and by the ARM_TRAP / mode-switch
 *     macros. Test code keeps live values out of t4..t6.
 *   - Local labels 80..99 are used inside the macros.
 *
 * Expected traps: ARM_TRAP points the handlers at a block describing the trap that must come
 * next (which mode takes it, mcause, tval, epc, what to check, where to resume and in which
 * mode). The handler of the mode that takes a trap checks it against the block, disarms it and
 * resumes; any trap that is not armed, or does not match, fails the program with the current
 * case number and records mode/cause/epc/tval in `snowrv_fail_info` for the harness to print.
 * What the handler saw is kept in `snowrv_trap` (TS_* offsets) for further checks.
 */
#ifndef SNOWRV_TEST_H
#define SNOWRV_TEST_H

#include "snowrv_encoding.h"

#define TESTNUM gp

/* Offsets in `snowrv_trap` (the handlers' state, 64 bytes in .data). */
#define TS_EXPECT 0  /* pointer to the armed expectation block, 0 when none */
#define TS_COUNT  4  /* number of traps handled (expected or not) */
#define TS_CAUSE  8  /* mcause/scause of the last trap */
#define TS_TVAL   12 /* mtval/stval */
#define TS_EPC    16 /* mepc/sepc */
#define TS_STATUS 20 /* mstatus/sstatus on handler entry */
#define TS_MODE   24 /* PRV_M or PRV_S: which handler ran */
#define TS_SAVE0  28 /* handler save slots for t0..t2 */
#define TS_SAVE1  32
#define TS_SAVE2  36
#define TS_MIP    40 /* mip/sip on handler entry */

/* Offsets in an expectation block (8 words, built by ARM_TRAP in the code stream or by
 * TRAP_BLOCK in .data). */
#define EX_TO     0
#define EX_CAUSE  4
#define EX_TVAL   8
#define EX_EPC    12
#define EX_FLAGS  16
#define EX_RESUME 20 /* 0: return to the trapping pc (xepc) */
#define EX_PRIV   24 /* -1: keep xPP; else the mode xret returns to */
#define EX_NEXT   28 /* the block armed after this one matched (0: none) */

/* Expectation flags. */
#define TF_TVAL       1 /* compare xtval with EX_TVAL */
#define TF_EPC        2 /* compare xepc with EX_EPC */
#define TF_CLEAR_PIE  4 /* clear xPIE so interrupts stay disabled after xret */
#define TF_DISABLE_IE 8 /* clear the mie/sie bit of the interrupt taken */
#define TF_EXACT (TF_TVAL | TF_EPC)

/* Arms the expectation that the next trap is taken by mode `to` (PRV_M or PRV_S) with cause
 * `cause`, checks per `flags`, then resumes at `resume` (a label or 0) in mode `priv` (-1 keeps
 * the mode the trap came from). All but `to`/`flags`/`priv` may be link-time expressions. */
#define ARM_TRAP(to, cause, tval, epc, flags, resume, priv) \
  j 81f; .balign 4; 80: .word to, cause, tval, epc, flags, resume, priv, 0; \
  81: la t6, snowrv_trap; la t5, 80b; sw t5, TS_EXPECT(t6)

/* A named expectation block in .data; `next` (a block name or 0) is armed once it matched, so
 * a chain of traps (e.g. two pending interrupts taken in priority order) can be expected. */
#define TRAP_BLOCK(name, to, cause, tval, epc, flags, resume, priv, next) \
  .pushsection .data.trapblocks, "aw", @progbits; .balign 4; \
  name: .word to, cause, tval, epc, flags, resume, priv, next; .popsection

/* Arms the block (or chain) `name`. */
#define ARM_BLOCK(name) la t6, snowrv_trap; la t5, name; sw t5, TS_EXPECT(t6)

/* Fails unless the armed trap was taken (the handler disarms the block). */
#define CHECK_TRAP_TAKEN \
  la t6, snowrv_trap; lw t5, TS_EXPECT(t6); beqz t5, 82f; j snowrv_fail; 82:

/* Disarms any expectation (after a case where the trap must NOT happen, before checking). */
#define DISARM_TRAP la t6, snowrv_trap; sw zero, TS_EXPECT(t6)

/* From M-mode: continue at `label` in mode `prv` through mret. */
#define MRET_TO(prv, label) \
  li t5, MSTATUS_MPP; csrc mstatus, t5; li t5, ((prv) << 11); csrs mstatus, t5; \
  la t5, label; csrw mepc, t5; mret

/* From S-mode (or M): continue at `label` in mode `prv` (PRV_U or PRV_S) through sret. */
#define SRET_TO(prv, label) \
  li t5, MSTATUS_SPP; csrc sstatus, t5; li t5, ((prv) << 8); csrs sstatus, t5; \
  la t5, label; csrw sepc, t5; sret

/* From U/S/M: ecall into the M handler, which resumes at `label` in M-mode. `cause` is the
 * ecall cause of the current mode (CAUSE_USER_ECALL, ...). */
#define ECALL_TO_M(cause, label) \
  ARM_TRAP(PRV_M, cause, 0, 0, TF_TVAL, label, PRV_M); ecall

/* From U/S: ecall into the S handler (the ecall cause must be delegated), resuming at `label`
 * in S-mode. */
#define ECALL_TO_S(cause, label) \
  ARM_TRAP(PRV_S, cause, 0, 0, TF_TVAL, label, PRV_S); ecall

/* mtval for ebreak: SnowRV writes the pc (Privileged ISA 3.1.16 allows the pc or 0); QEMU 7.2,
 * the oracle build (-DSNOWRV_QEMU), writes 0. */
#ifdef SNOWRV_QEMU
#define EBREAK_TVAL(pc) 0
#else
#define EBREAK_TVAL(pc) (pc)
#endif

#define RVTEST_CODE_BEGIN \
  .section .text.test, "ax", @progbits; .balign 4; .globl snowrv_test_start; \
  snowrv_test_start: li TESTNUM, 0

#define TEST_PASSFAIL j snowrv_pass

#define RVTEST_CODE_END j snowrv_fail

#define RVTEST_DATA_BEGIN \
  .section .data.test, "aw", @progbits; .balign 16; .globl begin_signature; begin_signature:

#define RVTEST_DATA_END .balign 16; .globl end_signature; end_signature:

#endif
