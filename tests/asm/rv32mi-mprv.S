# rv32mi-mprv.S: mstatus.MPRV (Privileged ISA 3.1.6.3): M-mode loads and stores translate and
# are checked as if in mode MPP (with SUM and MXR), instruction fetch is unaffected, MPP = M
# means no translation; a trap taken with MPRV = 1 sets MPP = M so the handler sees physical
# memory.
#include "snowrv_macros.h"

#define VA(i) (0x40000000 + (i) * 0x1000)
#define RW   (PTE_R | PTE_W | PTE_A | PTE_D)
#define MAP(idx, pa, flags) \
  la a5, pa; srli a5, a5, 12; slli a5, a5, 10; ori a5, a5, ((flags) | PTE_V); \
  la a4, pt_l0; sw a5, ((idx) * 4)(a4)

/* Set MPRV with MPP = `prv` (and `extra` mstatus bits); clobbers a5. */
#define MPRV_ON(prv, extra) \
  li a5, (MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR); csrc mstatus, a5; \
  li a5, (MSTATUS_MPRV | ((prv) << 11) | (extra)); csrs mstatus, a5
#define MPRV_OFF li a5, (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR); csrc mstatus, a5

/* With MPRV = 1 and MPP = `prv`, `insn` on `va` must fault with `cause`, tval = `va`. The trap
 * entry records MPP = M (the trap came from M) with MPRV still 1, so the handler is physical;
 * its mret (to M) then leaves MPP = U with MPRV = 1, so MPRV is cleared before any access. */
#define TEST_MPRV_FAULT(num, prv, extra, cause, va, insn...) \
  li TESTNUM, num; li a1, va; \
  ARM_TRAP(PRV_M, cause, va, snowrv_case_##num##_insn, TF_EXACT, snowrv_case_##num##_after, -1); \
  MPRV_ON(prv, extra); \
  snowrv_case_##num##_insn: insn; \
  snowrv_case_##num##_after: MPRV_OFF; CHECK_TRAP_TAKEN; \
  la a1, snowrv_trap; lw a0, TS_STATUS(a1); li t4, (MSTATUS_MPP | MSTATUS_MPRV); and a0, a0, t4; \
  CHECK_EQ_N(num, st, a0, (MSTATUS_MPP_M | MSTATUS_MPRV))

RVTEST_CODE_BEGIN
  la a1, tpage
  li a2, 0x5a5a0000
  sw a2, 0(a1)
  li a3, 0x1000
  add a3, a1, a3
  li a2, 0x5a5a0001
  sw a2, 0(a3)
  li a3, 0x2000
  add a3, a1, a3
  li a2, 0x5a5a0002
  sw a2, 0(a3)
  # identity RAM for S (so the handler state stays reachable), L0 table at 0x4000_0000
  la a4, pt_root
  li a1, 0x200 * 4
  add a1, a4, a1
  li a2, PTE_LEAF(RAM_BASE, (PTE_R | PTE_W | PTE_X | PTE_A | PTE_D))
  li a3, 64
  li a5, (0x400000 >> 2)
1:
  sw a2, 0(a1)
  add a2, a2, a5
  addi a1, a1, 4
  addi a3, a3, -1
  bnez a3, 1b
  la a5, pt_l0
  srli a5, a5, 12
  slli a5, a5, 10
  ori a5, a5, PTE_V
  la a4, pt_root
  sw a5, (0x100 * 4)(a4)
  MAP(0, tpage, RW)                                   /* S page */
  MAP(1, tpage + 0x1000, (RW | PTE_U))                /* U page */
  MAP(2, tpage + 0x2000, (PTE_X | PTE_A))             /* execute-only */
  la a5, pt_root
  srli a5, a5, 12
  li a4, SATP_MODE_SV32
  or a5, a5, a4
  csrw satp, a5
  sfence.vma

  # MPRV = 0: M is physical (0x4000_0000 has no memory)
  li a1, VA(0)
  TEST_TRAP(2, CAUSE_LOAD_ACCESS, VA(0), lw a0, 0(a1))
  # MPRV = 1, MPP = S: translated as S
  TEST_CASE(3, a0, 0x5a5a0000, li a1, VA(0); MPRV_ON(PRV_S, 0); lw a0, 0(a1); MPRV_OFF)
  TEST_CASE(4, a0, 0x1234, li a1, VA(0) + 8; li a2, 0x1234; MPRV_ON(PRV_S, 0); sw a2, 0(a1); MPRV_OFF; la a3, tpage + 8; lw a0, 0(a3))
  TEST_CASE(5, a0, 0x5a5a0000, li a1, VA(0); li a2, 0; MPRV_ON(PRV_S, 0); amoadd.w a0, a2, (a1); MPRV_OFF)
  # fetch is not affected: this code (physical, not mapped for U) keeps running with MPP = U
  TEST_CASE(6, a0, 0x5a5a0001, li a1, VA(1); MPRV_ON(PRV_U, 0); lw a0, 0(a1); nop; nop; MPRV_OFF)
  # MPP = U: S pages fault; MPP = S: U pages need SUM
  TEST_MPRV_FAULT(7, PRV_U, 0, CAUSE_LOAD_PAGE_FAULT, VA(0), lw a0, 0(a1))
  TEST_MPRV_FAULT(8, PRV_U, 0, CAUSE_STORE_PAGE_FAULT, VA(0), sw a0, 0(a1))
  TEST_MPRV_FAULT(9, PRV_S, 0, CAUSE_LOAD_PAGE_FAULT, VA(1), lw a0, 0(a1))
  TEST_CASE(10, a0, 0x5a5a0001, li a1, VA(1); MPRV_ON(PRV_S, MSTATUS_SUM); lw a0, 0(a1); MPRV_OFF)
  # MXR through MPRV
  TEST_MPRV_FAULT(11, PRV_S, 0, CAUSE_LOAD_PAGE_FAULT, VA(2), lw a0, 0(a1))
  TEST_CASE(12, a0, 0x5a5a0002, li a1, VA(2); MPRV_ON(PRV_S, MSTATUS_MXR); lw a0, 0(a1); MPRV_OFF)
  # MPP = M: no translation even with MPRV = 1
  li TESTNUM, 13
  li a1, VA(0)
  ARM_TRAP(PRV_M, CAUSE_LOAD_ACCESS, VA(0), 0, TF_TVAL, 1f, -1)
  MPRV_ON(PRV_M, 0)
  lw a0, 0(a1)
1:
  MPRV_OFF
  CHECK_TRAP_TAKEN
  # satp = Bare: MPRV with MPP = U is physical
  csrw satp, zero
  sfence.vma
  TEST_CASE(14, a0, 0x5a5a0000, la a1, tpage; MPRV_ON(PRV_U, 0); lw a0, 0(a1); MPRV_OFF)
  TEST_PASSFAIL
RVTEST_CODE_END

  .bss
  .balign 4096
pt_root: .space 4096
pt_l0:   .space 4096
tpage:   .space 4 * 4096
