/* snowrv_macros.h: case macros for SnowRV's self-checking assembly programs.
 *
 * Every macro starts a case: it sets TESTNUM (gp) to the case number, computes a result and
 * compares it with the expected value, jumping to snowrv_fail on a mismatch (through a `j`, so
 * the failure routine may be anywhere in the program). Case numbers must be unique within a
 * program: they also name labels (`snowrv_case_<n>_...`). Operands live in a1/a2, results in a0;
 * the expected value is loaded into t4. Written for SnowRV (conventions after riscv-tests'
 * test_macros.h; no code copied). */
#ifndef SNOWRV_MACROS_H
#define SNOWRV_MACROS_H

#include "snowrv_test.h"

/* Compare register `reg` with `expected` (an immediate or link-time expression). */
#define CHECK_EQ(num, reg, expected) \
  li t4, expected; beq reg, t4, snowrv_case_##num##_ok; j snowrv_fail; snowrv_case_##num##_ok:

/* Same, with a second label suffix so one case can check several registers. */
#define CHECK_EQ_N(num, n, reg, expected) \
  li t4, expected; beq reg, t4, snowrv_case_##num##_ok##n; j snowrv_fail; snowrv_case_##num##_ok##n:

/* Compare two registers. */
#define CHECK_REGS(num, n, ra, rb) \
  beq ra, rb, snowrv_case_##num##_eq##n; j snowrv_fail; snowrv_case_##num##_eq##n:

/* A free-form case: run `code...`, then `reg` must equal `expected`. */
#define TEST_CASE(num, reg, expected, code...) \
  li TESTNUM, num; code; CHECK_EQ(num, reg, expected)

/* ---- Register-register operations ---- */
#define TEST_RR_OP(num, inst, result, val1, val2) \
  TEST_CASE(num, a0, result, li a1, val1; li a2, val2; inst a0, a1, a2)

#define TEST_RR_SRC1_EQ_DEST(num, inst, result, val1, val2) \
  TEST_CASE(num, a1, result, li a1, val1; li a2, val2; inst a1, a1, a2)

#define TEST_RR_SRC2_EQ_DEST(num, inst, result, val1, val2) \
  TEST_CASE(num, a2, result, li a1, val1; li a2, val2; inst a2, a1, a2)

#define TEST_RR_SRC12_EQ_DEST(num, inst, result, val1) \
  TEST_CASE(num, a1, result, li a1, val1; inst a1, a1, a1)

#define TEST_RR_ZEROSRC1(num, inst, result, val) \
  TEST_CASE(num, a0, result, li a2, val; inst a0, x0, a2)

#define TEST_RR_ZEROSRC2(num, inst, result, val) \
  TEST_CASE(num, a0, result, li a1, val; inst a0, a1, x0)

#define TEST_RR_ZERODEST(num, inst, val1, val2) \
  TEST_CASE(num, x0, 0, li a1, val1; li a2, val2; inst x0, a1, a2)

/* ---- Register-immediate operations ---- */
#define TEST_IMM_OP(num, inst, result, val1, imm) \
  TEST_CASE(num, a0, result, li a1, val1; inst a0, a1, imm)

#define TEST_IMM_SRC1_EQ_DEST(num, inst, result, val1, imm) \
  TEST_CASE(num, a1, result, li a1, val1; inst a1, a1, imm)

#define TEST_IMM_ZEROSRC1(num, inst, result, imm) \
  TEST_CASE(num, a0, result, inst a0, x0, imm)

#define TEST_IMM_ZERODEST(num, inst, val1, imm) \
  TEST_CASE(num, x0, 0, li a1, val1; inst x0, a1, imm)

/* ---- Loads and stores ---- */
/* Load `inst a0, offset(base)` must give `result`. */
#define TEST_LD_OP(num, inst, result, offset, base) \
  TEST_CASE(num, a0, result, la a1, base; inst a0, offset(a1))

/* Store `result` with `st`, load it back with `ld`. */
#define TEST_ST_OP(num, ld, st, result, offset, base) \
  TEST_CASE(num, a0, result, la a1, base; li a2, result; st a2, offset(a1); ld a0, offset(a1))

/* ---- Branches ---- */
/* The branch must be taken, both forwards and backwards. */
#define TEST_BR2_OP_TAKEN(num, inst, val1, val2) \
  li TESTNUM, num; li a1, val1; li a2, val2; \
  inst a1, a2, snowrv_case_##num##_fwd; j snowrv_fail; \
  snowrv_case_##num##_back: j snowrv_case_##num##_done; \
  snowrv_case_##num##_fwd: inst a1, a2, snowrv_case_##num##_back; j snowrv_fail; \
  snowrv_case_##num##_done:

/* The branch must fall through, forwards and backwards. */
#define TEST_BR2_OP_NOTTAKEN(num, inst, val1, val2) \
  li TESTNUM, num; li a1, val1; li a2, val2; \
  j snowrv_case_##num##_start; \
  snowrv_case_##num##_bad: j snowrv_fail; \
  snowrv_case_##num##_start: inst a1, a2, snowrv_case_##num##_bad; \
  inst a1, a2, snowrv_case_##num##_bad2; j snowrv_case_##num##_done; \
  snowrv_case_##num##_bad2: j snowrv_fail; \
  snowrv_case_##num##_done:

/* ---- Traps ---- */
/* `insn...` (one instruction) must raise `cause` in M-mode with tval `tval`; epc is checked. */
#define TEST_TRAP(num, cause, tval, insn...) \
  li TESTNUM, num; \
  ARM_TRAP(PRV_M, cause, tval, snowrv_case_##num##_insn, TF_EXACT, snowrv_case_##num##_after, -1); \
  snowrv_case_##num##_insn: insn; \
  snowrv_case_##num##_after: CHECK_TRAP_TAKEN

/* Same, without a tval check (implementations may differ, e.g. ecall). */
#define TEST_TRAP_NOTVAL(num, cause, insn...) \
  li TESTNUM, num; \
  ARM_TRAP(PRV_M, cause, 0, snowrv_case_##num##_insn, TF_EPC, snowrv_case_##num##_after, -1); \
  snowrv_case_##num##_insn: insn; \
  snowrv_case_##num##_after: CHECK_TRAP_TAKEN

/* Same, but the trap is expected in S-mode (delegated). */
#define TEST_TRAP_S(num, cause, tval, insn...) \
  li TESTNUM, num; \
  ARM_TRAP(PRV_S, cause, tval, snowrv_case_##num##_insn, TF_EXACT, snowrv_case_##num##_after, -1); \
  snowrv_case_##num##_insn: insn; \
  snowrv_case_##num##_after: CHECK_TRAP_TAKEN

/* The 32-bit word `enc` must be an illegal instruction (mtval = enc). */
#define TEST_ILLEGAL(num, enc) TEST_TRAP(num, CAUSE_ILLEGAL_INSTRUCTION, enc, .word enc)

/* ---- CSRs ---- */
/* After `code...`, CSR `csr` must read `expected`. */
#define TEST_CSR(num, csr, expected, code...) \
  TEST_CASE(num, a0, expected, code; csrr a0, csr)

#endif
