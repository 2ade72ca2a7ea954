# rv32ui-upper.S: lui and auipc.
#include "snowrv_macros.h"
RVTEST_CODE_BEGIN
  TEST_CASE(2, a0, 0x00000000, lui a0, 0x00000)
  TEST_CASE(3, a0, 0xfffff000, lui a0, 0xfffff)
  TEST_CASE(4, a0, 0x7ffff000, lui a0, 0x7ffff)
  TEST_CASE(5, a0, 0x80000000, lui a0, 0x80000)
  TEST_CASE(6, a0, 0x00001000, lui a0, 0x00001)
  TEST_CASE(7, a0, 0x12345678, lui a0, 0x12345; addi a0, a0, 0x678)
  TEST_CASE(8, a0, 0x1234567f, lui a0, 0x12345; addi a0, a0, 0x67f)
  TEST_CASE(9, x0, 0, lui x0, 0x80000)
  # auipc adds to the pc of the auipc itself
  .option push
  .option norvc
  li TESTNUM, 10
1: auipc a0, 0
  la a1, 1b
  CHECK_REGS(10, a, a0, a1)
  li TESTNUM, 11
1: auipc a0, 1
  la a1, 1b + 0x1000
  CHECK_REGS(11, a, a0, a1)
  li TESTNUM, 12
1: auipc a0, 0xfffff
  la a1, 1b - 0x1000
  CHECK_REGS(12, a, a0, a1)
  li TESTNUM, 13
1: auipc a0, 0x80000
  la a1, 1b
  li a2, 0x80000000
  add a1, a1, a2
  CHECK_REGS(13, a, a0, a1)
  # auipc + jalr reaches a label
  li TESTNUM, 14
upper_auipc14:
  auipc a0, %pcrel_hi(2f)
  jalr x0, %pcrel_lo(upper_auipc14)(a0)
  j snowrv_fail
2:
  .option pop
  TEST_PASSFAIL
RVTEST_CODE_END
