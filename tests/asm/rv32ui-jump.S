# rv32ui-jump.S: jal and jalr: link values (pc+4), targets, jalr clears bit 0 of the target,
# negative offsets, rd == rs1, rd = x0.
#include "snowrv_macros.h"
RVTEST_CODE_BEGIN
  .option push
  .option norvc
  # jal links pc + 4
  li TESTNUM, 2
  li ra, 0
jal_insn:
  jal ra, 1f
  j snowrv_fail
1:
  la a1, jal_insn + 4
  CHECK_REGS(2, a, ra, a1)
  # jal backwards
  li TESTNUM, 3
  j 2f
1:
  j 3f
2:
  jal x0, 1b
  j snowrv_fail
3:
  # jalr links pc + 4 and jumps to rs1 + offset
  li TESTNUM, 4
  la a1, 1f
jalr_insn:
  jalr t0, 0(a1)
  j snowrv_fail
1:
  la a2, jalr_insn + 4
  CHECK_REGS(4, a, t0, a2)
  # jalr with a positive offset
  li TESTNUM, 5
  la a1, 1f - 8
  jalr t0, 8(a1)
  j snowrv_fail
1:
  # jalr with a negative offset
  li TESTNUM, 6
  la a1, 1f + 12
  jalr t0, -12(a1)
  j snowrv_fail
1:
  # jalr clears bit 0 of the target
  li TESTNUM, 7
  la a1, 1f + 1
  jalr t0, 0(a1)
  j snowrv_fail
1:
  li TESTNUM, 8
  la a1, 1f
  jalr t0, 1(a1)
  j snowrv_fail
1:
  # rd == rs1: the target uses the old value
  li TESTNUM, 9
  la a1, 1f
jalr_same:
  jalr a1, 0(a1)
  j snowrv_fail
1:
  la a2, jalr_same + 4
  CHECK_REGS(9, a, a1, a2)
  # rd = x0: no link
  li TESTNUM, 10
  la a1, 1f
  jalr x0, 0(a1)
  j snowrv_fail
1:
  CHECK_EQ(10, x0, 0)
  # call / ret through a subroutine
  li TESTNUM, 11
  li a0, 5
  call add_three
  CHECK_EQ(11, a0, 8)
  # jal over a long distance (beyond branch range)
  li TESTNUM, 12
  jal ra, far_target
far_ret:
  CHECK_EQ(12, a0, 0x55)
  .option pop
  TEST_PASSFAIL
add_three:
  addi a0, a0, 3
  ret
  .fill 3000, 4, 0x00000013
far_target:
  li a0, 0x55
  la a1, far_ret
  CHECK_REGS(12, b, ra, a1)
  jr ra
RVTEST_CODE_END
