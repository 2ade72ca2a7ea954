# rv32ui-fencei.S: Zifencei and self-modifying code. A routine is executed (so a decode cache
# holds it), overwritten with sw/sh, made visible with fence.i and executed again: the new
# instructions must run. Covers 32-bit and 16-bit instructions, code in .text and in .data, and
# a store that overwrites the next instruction of a straight-line sequence.
#include "snowrv_macros.h"
#define ADDI_A0(imm) ((((imm) & 0xfff) << 20) | 0x50513)
#define C_ADDI_A0(imm) (0x0501 | (((imm) & 0x1f) << 2) | ((((imm) >> 5) & 1) << 12))
RVTEST_CODE_BEGIN
  # Routine in .data: addi a0, a0, 1; ret
  li TESTNUM, 2
  li a0, 0
  la a5, smc_data
  jalr ra, 0(a5)
  CHECK_EQ_N(2, a, a0, 1)
  li a1, ADDI_A0(2)
  sw a1, 0(a5)
  fence.i
  li a0, 0
  jalr ra, 0(a5)
  CHECK_EQ_N(2, b, a0, 2)
  # Change it again, run it in a loop (the new code must stay)
  li TESTNUM, 3
  li a1, ADDI_A0(-5)
  sw a1, 0(a5)
  fence.i
  li a0, 0
  li s1, 4
1:
  jalr ra, 0(a5)
  addi s1, s1, -1
  bnez s1, 1b
  CHECK_EQ(3, a0, -20)
  # A 16-bit instruction rewritten with sh: c.addi a0, 3 -> c.addi a0, -7
  li TESTNUM, 4
  la a5, smc_c
  li a0, 0
  jalr ra, 0(a5)
  CHECK_EQ_N(4, a, a0, 3)
  li a1, C_ADDI_A0(-7)
  sh a1, 0(a5)
  fence.i
  li a0, 0
  jalr ra, 0(a5)
  CHECK_EQ_N(4, b, a0, -7)
  # Routine in .text
  li TESTNUM, 5
  la a5, smc_text
  li a0, 10
  jalr ra, 0(a5)
  CHECK_EQ_N(5, a, a0, 11)
  li a1, ADDI_A0(100)
  sw a1, 0(a5)
  fence.i
  li a0, 10
  jalr ra, 0(a5)
  CHECK_EQ_N(5, b, a0, 110)
  # Overwrite the next instruction in straight-line code, with fence.i in between
  li TESTNUM, 6
  la a5, smc_next
  li a1, ADDI_A0(0x55)
  li a0, 0
  sw a1, 0(a5)
  fence.i
  .option push
  .option norvc
smc_next:
  addi a0, a0, 1
  .option pop
  CHECK_EQ(6, a0, 0x55)
  # Restore .text for a rerun
  la a5, smc_text
  li a1, ADDI_A0(1)
  sw a1, 0(a5)
  la a5, smc_next
  sw a1, 0(a5)
  fence.i
  TEST_PASSFAIL
  .balign 4
  .option push
  .option norvc
smc_text:
  addi a0, a0, 1
  ret
  .option pop
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 4
smc_data:
  .word ADDI_A0(1)
  .word 0x00008067          /* ret */
smc_c:
  .half C_ADDI_A0(3)
  .half 0x8082              /* c.jr ra (ret) */
RVTEST_DATA_END
