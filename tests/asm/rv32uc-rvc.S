# rv32uc-rvc.S: every RV32C instruction (C.ADDI4SPN C.LW C.SW C.NOP C.ADDI C.JAL C.LI C.ADDI16SP
# C.LUI C.SRLI C.SRAI C.ANDI C.SUB C.XOR C.OR C.AND C.J C.BEQZ C.BNEZ C.SLLI C.LWSP C.JR C.MV
# C.EBREAK C.JALR C.ADD C.SWSP), written with explicit c.* mnemonics so each is really the
# 16-bit encoding, and checked by behaviour: link values are pc + 2, immediates sign-extended,
# compressed and 32-bit instructions mix at 2-byte alignment. Reserved encodings trap.
#include "snowrv_macros.h"
RVTEST_CODE_BEGIN
  .option push
  .option rvc
  la sp, cstack
  # C.ADDI4SPN: rd' = sp + nzuimm
  TEST_CASE(2, a0, 0, c.addi4spn a0, sp, 1020; la a1, cstack + 1020; sub a0, a0, a1)
  TEST_CASE(3, a0, 0, c.addi4spn a0, sp, 4; la a1, cstack + 4; sub a0, a0, a1)
  # C.SW / C.LW (rs1', offsets 0..124)
  la s0, cdat
  TEST_CASE(4, a0, 0x12345678, li a1, 0x12345678; c.sw a1, 0(s0); c.lw a0, 0(s0))
  TEST_CASE(5, a0, 0xcafef00d, li a1, 0xcafef00d; c.sw a1, 124(s0); c.lw a0, 124(s0))
  TEST_CASE(6, a0, 0x12345678, lw a0, 0(s0))
  # C.NOP
  TEST_CASE(7, a0, 9, li a0, 9; c.nop)
  # C.ADDI (nzimm -32..31)
  TEST_CASE(8, a0, 0x0000000f, li a0, 0x10; c.addi a0, -1)
  TEST_CASE(9, a0, 0xffffffe0, li a0, 0; c.addi a0, -32)
  TEST_CASE(10, a0, 0x8000001e, li a0, 0x7fffffff; c.addi a0, 31)
  # C.LI
  TEST_CASE(11, a0, 0xffffffe0, c.li a0, -32)
  TEST_CASE(12, a0, 31, c.li a0, 31)
  TEST_CASE(13, a0, 0, li a0, 5; c.li a0, 0)
  # C.ADDI16SP (nzimm multiple of 16, -512..496)
  TEST_CASE(14, a0, 0, mv a1, sp; c.addi16sp sp, 496; sub a0, sp, a1; addi a0, a0, -496; mv sp, a1)
  TEST_CASE(15, a0, 0, mv a1, sp; c.addi16sp sp, -512; sub a0, a1, sp; addi a0, a0, -512; mv sp, a1)
  # C.LUI (nzimm[17:12], sign-extended from bit 17)
  TEST_CASE(16, a0, 0x0001f000, c.lui a0, 0x1f)
  TEST_CASE(17, a0, 0xfffe0000, c.lui a0, 0xfffe0)
  TEST_CASE(18, a0, 0xfffff000, c.lui a0, 0xfffff)
  TEST_CASE(19, a0, 0x00001000, c.lui a0, 1)
  # C.SRLI / C.SRAI / C.ANDI (rd')
  TEST_CASE(20, a0, 0x00000001, li a0, 0x80000000; c.srli a0, 31)
  TEST_CASE(21, a0, 0x08000000, li a0, 0x80000000; c.srli a0, 4)
  TEST_CASE(22, a0, 0xffffffff, li a0, 0x80000000; c.srai a0, 31)
  TEST_CASE(23, a0, 0xf8000000, li a0, 0x80000000; c.srai a0, 4)
  TEST_CASE(24, a0, 0x0000000a, li a0, 0xfffffffa; c.andi a0, 15)
  TEST_CASE(25, a0, 0xffffffe0, li a0, 0xfffffffa; c.andi a0, -32)
  TEST_CASE(26, a0, 0x12345678, li a0, 0x12345678; c.andi a0, -1)
  # C.SUB / C.XOR / C.OR / C.AND (rd', rs2')
  TEST_CASE(27, a0, 0xfffffffc, li a0, 3; li a1, 7; c.sub a0, a1)
  TEST_CASE(28, a0, 0xf00ff00f, li a0, 0xff00ff00; li a1, 0x0f0f0f0f; c.xor a0, a1)
  TEST_CASE(29, a0, 0xff0fff0f, li a0, 0xff00ff00; li a1, 0x0f0f0f0f; c.or a0, a1)
  TEST_CASE(30, a0, 0x0f000f00, li a0, 0xff00ff00; li a1, 0x0f0f0f0f; c.and a0, a1)
  TEST_CASE(31, a0, 0, li a0, 0x1234; c.sub a0, a0)
  # C.SLLI (any rd)
  TEST_CASE(32, t0, 0x80000000, li t0, 1; c.slli t0, 31)
  TEST_CASE(33, t0, 0x24680000, li t0, 0x12340000; c.slli t0, 1)
  # C.MV / C.ADD (full registers)
  TEST_CASE(34, t3, 0xabcdef01, li t2, 0xabcdef01; c.mv t3, t2)
  TEST_CASE(35, t3, 0x00000003, li t3, 1; li t2, 2; c.add t3, t2)
  TEST_CASE(36, t3, 0x00000000, li t3, 0xffffffff; li t2, 1; c.add t3, t2)
  # C.SWSP / C.LWSP (offsets 0..252)
  TEST_CASE(37, a0, 0x5a5a5a5a, li a1, 0x5a5a5a5a; c.swsp a1, 0(sp); c.lwsp a0, 0(sp))
  TEST_CASE(38, a0, 0x0badf00d, li a1, 0x0badf00d; c.swsp a1, 252(sp); c.lwsp a0, 252(sp))
  TEST_CASE(39, a0, 0x0badf00d, lw a0, 252(sp))
  # C.J forwards and backwards
  li TESTNUM, 40
  c.j 2f
1:
  c.j 3f
2:
  c.j 1b
  j snowrv_fail
3:
  # C.JAL links pc + 2
  li TESTNUM, 41
  li ra, 0
cjal_insn:
  c.jal 1f
  j snowrv_fail
1:
  la a1, cjal_insn + 2
  CHECK_REGS(41, a, ra, a1)
  # C.JR
  li TESTNUM, 42
  la a1, 1f
  c.jr a1
  j snowrv_fail
1:
  # C.JALR links pc + 2
  li TESTNUM, 43
  la a1, 1f
cjalr_insn:
  c.jalr a1
  j snowrv_fail
1:
  la a2, cjalr_insn + 2
  CHECK_REGS(43, a, ra, a2)
  # C.BEQZ / C.BNEZ taken and not taken (rs1')
  li TESTNUM, 44
  li a0, 0
  c.beqz a0, 1f
  j snowrv_fail
1:
  li a0, 1
  c.beqz a0, 2f
  c.bnez a0, 3f
2:
  j snowrv_fail
3:
  li TESTNUM, 45
  li a0, 0
  c.bnez a0, 2b
  li a0, -1
  c.bnez a0, 4f
  j snowrv_fail
4:
  # A 32-bit instruction at a 2-byte (not 4-byte) aligned address
  li TESTNUM, 46
  .balign 4
  c.nop
  .option push
  .option norvc
  addi a0, x0, 0x123
  lui a1, 0x12345
  .option pop
  c.addi a0, 1
  CHECK_EQ(46, a0, 0x124)
  # C.EBREAK: breakpoint, tval = pc, epc = pc
  TEST_TRAP(47, CAUSE_BREAKPOINT, EBREAK_TVAL(snowrv_case_47_insn), c.ebreak)
  # Reserved compressed encodings are illegal instructions; tval holds the 16 bits.
  TEST_TRAP(50, CAUSE_ILLEGAL_INSTRUCTION, 0x0000, .half 0x0000)  /* c.addi4spn, nzuimm = 0 */
  TEST_TRAP(51, CAUSE_ILLEGAL_INSTRUCTION, 0x0010, .half 0x0010)  /* c.addi4spn rd'=a2? nzuimm=0 */
  TEST_TRAP(52, CAUSE_ILLEGAL_INSTRUCTION, 0x6101, .half 0x6101)  /* c.addi16sp nzimm = 0 */
  TEST_TRAP(53, CAUSE_ILLEGAL_INSTRUCTION, 0x6501, .half 0x6501)  /* c.lui a0, nzimm = 0 */
  TEST_TRAP(54, CAUSE_ILLEGAL_INSTRUCTION, 0x8002, .half 0x8002)  /* c.jr x0 */
  TEST_TRAP(55, CAUSE_ILLEGAL_INSTRUCTION, 0x4002, .half 0x4002)  /* c.lwsp x0 */
  TEST_TRAP(56, CAUSE_ILLEGAL_INSTRUCTION, 0x9c01, .half 0x9c01)  /* c.subw (RV64 only) */
  TEST_TRAP(57, CAUSE_ILLEGAL_INSTRUCTION, 0x3002, .half 0x3002)  /* c.fldsp (no D) */
  # HINT encodings (rd = x0, or c.nop with a nonzero immediate) execute as no-ops, not traps
  TEST_CASE(60, a0, 5, li a0, 5; .half 0x0005)   /* c.addi x0, 1 (c.nop hint) */
  TEST_CASE(61, a0, 5, li a0, 5; .half 0x4005)   /* c.li x0, 1 */
  TEST_CASE(62, a0, 5, li a0, 5; .half 0x6005)   /* c.lui x0, 1 */
  TEST_CASE(63, a0, 5, li a0, 5; .half 0x802a)   /* c.mv x0, a0 */
  TEST_CASE(64, a0, 5, li a0, 5; .half 0x902a)   /* c.add x0, a0 */
  TEST_CASE(65, a0, 5, li a0, 5; .half 0x0006)   /* c.slli x0, 1 */
  TEST_CASE(66, x0, 0, .half 0x902a; .half 0x6005)
  .option pop
  TEST_PASSFAIL
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 16
cdat:
  .fill 32, 4, 0
  .fill 256, 4, 0
cstack:
  .fill 256, 4, 0
RVTEST_DATA_END
