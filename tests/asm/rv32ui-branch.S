# rv32ui-branch.S: beq bne blt bge bltu bgeu, taken and not taken, forwards and backwards,
# signed/unsigned edges, and a branch over a long distance.
#include "snowrv_macros.h"
RVTEST_CODE_BEGIN
  TEST_BR2_OP_TAKEN(2, beq, 0, 0)
  TEST_BR2_OP_TAKEN(3, beq, 1, 1)
  TEST_BR2_OP_TAKEN(4, beq, -1, -1)
  TEST_BR2_OP_NOTTAKEN(5, beq, 0, 1)
  TEST_BR2_OP_NOTTAKEN(6, beq, 1, 0)
  TEST_BR2_OP_NOTTAKEN(7, beq, -1, 1)
  TEST_BR2_OP_NOTTAKEN(8, beq, 0x80000000, 0)
  TEST_BR2_OP_TAKEN(10, bne, 0, 1)
  TEST_BR2_OP_TAKEN(11, bne, 1, 0)
  TEST_BR2_OP_TAKEN(12, bne, -1, 1)
  TEST_BR2_OP_TAKEN(13, bne, 0x80000000, 0)
  TEST_BR2_OP_NOTTAKEN(14, bne, 0, 0)
  TEST_BR2_OP_NOTTAKEN(15, bne, -1, -1)
  TEST_BR2_OP_TAKEN(20, blt, 0, 1)
  TEST_BR2_OP_TAKEN(21, blt, -1, 1)
  TEST_BR2_OP_TAKEN(22, blt, -2, -1)
  TEST_BR2_OP_TAKEN(23, blt, 0x80000000, 0x7fffffff)
  TEST_BR2_OP_NOTTAKEN(24, blt, 1, 0)
  TEST_BR2_OP_NOTTAKEN(25, blt, 1, -1)
  TEST_BR2_OP_NOTTAKEN(26, blt, -1, -2)
  TEST_BR2_OP_NOTTAKEN(27, blt, 1, 1)
  TEST_BR2_OP_NOTTAKEN(28, blt, 0x7fffffff, 0x80000000)
  TEST_BR2_OP_TAKEN(30, bge, 0, 0)
  TEST_BR2_OP_TAKEN(31, bge, 1, 1)
  TEST_BR2_OP_TAKEN(32, bge, -1, -1)
  TEST_BR2_OP_TAKEN(33, bge, 1, 0)
  TEST_BR2_OP_TAKEN(34, bge, 1, -1)
  TEST_BR2_OP_TAKEN(35, bge, 0x7fffffff, 0x80000000)
  TEST_BR2_OP_NOTTAKEN(36, bge, 0, 1)
  TEST_BR2_OP_NOTTAKEN(37, bge, -1, 1)
  TEST_BR2_OP_NOTTAKEN(38, bge, -2, -1)
  TEST_BR2_OP_NOTTAKEN(39, bge, 0x80000000, 0)
  TEST_BR2_OP_TAKEN(40, bltu, 0, 1)
  TEST_BR2_OP_TAKEN(41, bltu, 0xfffffffe, 0xffffffff)
  TEST_BR2_OP_TAKEN(42, bltu, 0x7fffffff, 0x80000000)
  TEST_BR2_OP_TAKEN(43, bltu, 1, -1)
  TEST_BR2_OP_NOTTAKEN(44, bltu, 1, 0)
  TEST_BR2_OP_NOTTAKEN(45, bltu, 0xffffffff, 0xfffffffe)
  TEST_BR2_OP_NOTTAKEN(46, bltu, 0x80000000, 0x7fffffff)
  TEST_BR2_OP_NOTTAKEN(47, bltu, 5, 5)
  TEST_BR2_OP_TAKEN(50, bgeu, 0, 0)
  TEST_BR2_OP_TAKEN(51, bgeu, 0xffffffff, 0xffffffff)
  TEST_BR2_OP_TAKEN(52, bgeu, 1, 0)
  TEST_BR2_OP_TAKEN(53, bgeu, 0xffffffff, 0xfffffffe)
  TEST_BR2_OP_TAKEN(54, bgeu, 0x80000000, 0x7fffffff)
  TEST_BR2_OP_NOTTAKEN(55, bgeu, 0, 1)
  TEST_BR2_OP_NOTTAKEN(56, bgeu, 0xfffffffe, 0xffffffff)
  TEST_BR2_OP_NOTTAKEN(57, bgeu, 0x7fffffff, 0x80000000)
  TEST_BR2_OP_NOTTAKEN(58, bgeu, 1, -1)
  # x0 operands
  TEST_BR2_OP_TAKEN(60, beq, 0, 0)
  li TESTNUM, 61
  beq x0, x0, 1f
  j snowrv_fail
1:
  li TESTNUM, 62
  li a1, -1
  blt a1, x0, 1f
  j snowrv_fail
1:
  bltu x0, a1, 1f
  j snowrv_fail
1:
  # Branch offsets near the +-4 KiB limit.
  li TESTNUM, 63
  beq x0, x0, far_fwd
  j snowrv_fail
far_back:
  j far_done
  .option push
  .option norvc
  .fill 1000, 4, 0x00000013     # 1000 x nop
  .option pop
far_fwd:
  li TESTNUM, 64
  beq x0, x0, far_back
  j snowrv_fail
far_done:
  # The not-taken branch must not write anything: registers unchanged.
  TEST_CASE(65, a1, 7, li a1, 7; li a2, 8; beq a1, a2, snowrv_fail)
  TEST_PASSFAIL
RVTEST_CODE_END
