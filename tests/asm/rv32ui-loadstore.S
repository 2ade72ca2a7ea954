# rv32ui-loadstore.S: lb lh lw lbu lhu (sign/zero extension, positive and negative offsets) and
# sb sh sw (only the addressed bytes change), store-then-load round trips, rd == rs1 loads.
#include "snowrv_macros.h"
RVTEST_CODE_BEGIN
  # Loads from tdat: ff 00 f0 0f | 00 ff 0f f0 (little-endian words 0x0ff000ff, 0xf00fff00)
  TEST_LD_OP(2, lb, 0xffffffff, 0, tdat)
  TEST_LD_OP(3, lb, 0x00000000, 1, tdat)
  TEST_LD_OP(4, lb, 0xfffffff0, 2, tdat)
  TEST_LD_OP(5, lb, 0x0000000f, 3, tdat)
  TEST_LD_OP(6, lb, 0xffffffff, -4, tdat + 4)
  TEST_LD_OP(7, lbu, 0x000000ff, 0, tdat)
  TEST_LD_OP(8, lbu, 0x00000000, 1, tdat)
  TEST_LD_OP(9, lbu, 0x000000f0, 2, tdat)
  TEST_LD_OP(10, lbu, 0x0000000f, 3, tdat)
  TEST_LD_OP(11, lbu, 0x000000f0, -1, tdat + 8)
  TEST_LD_OP(12, lh, 0x000000ff, 0, tdat)
  TEST_LD_OP(13, lh, 0x00000ff0, 2, tdat)
  TEST_LD_OP(14, lh, 0xffffff00, 4, tdat)
  TEST_LD_OP(15, lh, 0xfffff00f, 6, tdat)
  TEST_LD_OP(16, lh, 0x000000ff, -8, tdat + 8)
  TEST_LD_OP(17, lhu, 0x000000ff, 0, tdat)
  TEST_LD_OP(18, lhu, 0x00000ff0, 2, tdat)
  TEST_LD_OP(19, lhu, 0x0000ff00, 4, tdat)
  TEST_LD_OP(20, lhu, 0x0000f00f, 6, tdat)
  TEST_LD_OP(21, lw, 0x0ff000ff, 0, tdat)
  TEST_LD_OP(22, lw, 0xf00fff00, 4, tdat)
  TEST_LD_OP(23, lw, 0x0ff000ff, -4, tdat + 4)
  TEST_LD_OP(24, lw, 0x80000001, 8, tdat)
  TEST_LD_OP(25, lw, 0x80000001, 2044, tdat - 2036)
  TEST_LD_OP(26, lw, 0x0ff000ff, -2048, tdat + 2048)
  # rd == rs1
  TEST_CASE(27, a1, 0xf00fff00, la a1, tdat + 4; lw a1, 0(a1))
  # load into x0 has no effect
  TEST_CASE(28, x0, 0, la a1, tdat; lw x0, 0(a1))
  # Stores
  TEST_ST_OP(30, lb, sb, 0xffffffaa, 0, sdat)
  TEST_ST_OP(31, lb, sb, 0x00000000, 1, sdat)
  TEST_ST_OP(32, lb, sb, 0xffffffa0, 2, sdat)
  TEST_ST_OP(33, lbu, sb, 0x0000000a, 3, sdat)
  TEST_ST_OP(34, lh, sh, 0x000000aa, 4, sdat)
  TEST_ST_OP(35, lh, sh, 0xffffaa00, 6, sdat)
  TEST_ST_OP(36, lhu, sh, 0x0000beef, 8, sdat)
  TEST_ST_OP(37, lw, sw, 0xaa00aa00, 12, sdat)
  TEST_ST_OP(38, lw, sw, 0x00aa00aa, 16, sdat)
  TEST_ST_OP(39, lw, sw, 0xdeadbeef, -4, sdat + 24)
  # sb / sh change only the addressed bytes
  li TESTNUM, 40
  la a1, sdat2
  li a2, 0x11223344
  sw a2, 0(a1)
  li a3, 0xab
  sb a3, 1(a1)
  lw a0, 0(a1)
  CHECK_EQ_N(40, a, a0, 0x1122ab44)
  li a3, 0xcdef
  sh a3, 2(a1)
  lw a0, 0(a1)
  CHECK_EQ_N(40, b, a0, 0xcdefab44)
  li a3, 0x9876
  sh a3, 0(a1)
  lw a0, 0(a1)
  CHECK_EQ_N(40, c, a0, 0xcdef9876)
  lbu a0, 3(a1)
  CHECK_EQ_N(40, d, a0, 0xcd)
  lb a0, 3(a1)
  CHECK_EQ_N(40, e, a0, 0xffffffcd)
  # sb stores the low byte only; sh the low half
  li TESTNUM, 41
  sw zero, 4(a1)
  li a3, 0x12345678
  sb a3, 4(a1)
  sh a3, 6(a1)
  lw a0, 4(a1)
  CHECK_EQ(41, a0, 0x56780078)
  # store with base == value register
  li TESTNUM, 42
  la a1, sdat2 + 8
  sw a1, 0(a1)
  lw a0, 0(a1)
  CHECK_REGS(42, a, a0, a1)
  TEST_PASSFAIL
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 4
tdat:
  .byte 0xff, 0x00, 0xf0, 0x0f, 0x00, 0xff, 0x0f, 0xf0
  .word 0x80000001
  .fill 16, 4, 0
sdat:
  .fill 8, 4, 0xdeadbeef
sdat2:
  .fill 4, 4, 0
RVTEST_DATA_END
