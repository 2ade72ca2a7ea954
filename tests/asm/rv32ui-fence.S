# rv32ui-fence.S: fence (all pred/succ forms), fence.tso and pause decode and execute as no-ops
# that keep program order (a single hart sees its own stores).
#include "snowrv_macros.h"
RVTEST_CODE_BEGIN
  li TESTNUM, 2
  la a1, fdat
  li a2, 0x1234
  sw a2, 0(a1)
  fence
  lw a0, 0(a1)
  CHECK_EQ(2, a0, 0x1234)
  TEST_CASE(3, a0, 5, li a0, 5; fence rw, rw; fence r, r; fence w, w; fence iorw, iorw)
  TEST_CASE(4, a0, 6, li a0, 6; fence i, o; fence o, i; fence.tso)
  # pause is a fence with pred = W and succ = 0 (Zihintpause hint).
  TEST_CASE(5, a0, 7, li a0, 7; .word 0x0100000f)
  # fence with rd/rs1 fields set is still a fence (reserved fields ignored)
  TEST_CASE(6, a0, 8, li a0, 8; .word 0x0ff5800f)
  TEST_PASSFAIL
RVTEST_CODE_END
RVTEST_DATA_BEGIN
fdat: .word 0
RVTEST_DATA_END
