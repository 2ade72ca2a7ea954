# rv32si-sv32.S: Sv32 translation (Privileged ISA 4.3) from S- and U-mode, page tables built
# by M-mode in RAM:
#   4 KiB pages and 4 MiB superpages (with offsets), a misaligned superpage (PPN[0] != 0),
#   invalid PTEs at both levels, the reserved W-without-R encoding, a pointer PTE at level 0;
#   R/W/X permission faults for loads, stores, AMOs and fetches (cause 13/15/12, tval = VA, epc);
#   U pages from S (SUM=0 faults, SUM=1 allows data but never execution), S pages from U;
#   MXR (loads from execute-only pages); A and D set by the hardware walk; sfence.vma after a
#   PTE change (by address and global); access faults from a leaf or a table pointer outside RAM;
#   a 32-bit instruction straddling into an unmapped page; M-mode ignores satp.
# Page faults are not delegated, so the M handler checks them.
#include "snowrv_macros.h"

#define VA(i) (0x40000000 + (i) * 0x1000)
#define VA_SUPER 0x40400000     /* root[0x101]: 4 MiB superpage -> PA 0x8080_0000 */
#define PA_SUPER 0x80800000
#define VA_MISSUPER 0x40800000  /* root[0x102]: superpage with PPN[0] != 0 */
#define VA_BADTABLE 0x40c00000  /* root[0x103]: pointer to a "table" outside RAM */
#define VA_NOROOT 0x41000000    /* root[0x104]: invalid */

#define RW   (PTE_R | PTE_W | PTE_A | PTE_D)
#define RWX  (PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* pt_l0[idx] = leaf for physical label `pa` with `flags` (V added). Clobbers a4, a5. */
#define MAP(idx, pa, flags) \
  la a5, pa; srli a5, a5, 12; slli a5, a5, 10; ori a5, a5, ((flags) | PTE_V); \
  la a4, pt_l0; sw a5, ((idx) * 4)(a4)
#define UNMAP(idx) la a4, pt_l0; sw zero, ((idx) * 4)(a4)
/* pt_l0[idx] = raw PTE value. */
#define SETPTE(idx, value) li a5, value; la a4, pt_l0; sw a5, ((idx) * 4)(a4)
#define ROOT(vpn1, value) li a5, value; la a4, pt_root; sw a5, ((vpn1) * 4)(a4)

/* Load/store/AMO/jump at VA `va` must fault with `cause`, tval = va. */
#define TEST_PF(num, cause, va, insn...) \
  li a1, va; TEST_TRAP(num, cause, va, insn)
#define TEST_FETCH_PF(num, cause, va) \
  li TESTNUM, num; \
  ARM_TRAP(PRV_M, cause, va, va, TF_EXACT, snowrv_case_##num##_after, -1); \
  li a5, va; jalr ra, 0(a5); \
  snowrv_case_##num##_after: CHECK_TRAP_TAKEN

/* QEMU 7.2 (the oracle build) reports an AMO that faults on an invalid page as a load page
 * fault; the spec (and SnowRV) say store/AMO page fault. */
#ifdef SNOWRV_QEMU
#define AMO_PF CAUSE_LOAD_PAGE_FAULT
#else
#define AMO_PF CAUSE_STORE_PAGE_FAULT
#endif
/* A PTE read that hits no memory is an access fault of the original access type (4.3.2 step 2);
 * QEMU 7.2 raises a page fault instead. */
#ifdef SNOWRV_QEMU
#define WALK_LOAD CAUSE_LOAD_PAGE_FAULT
#define WALK_STORE CAUSE_STORE_PAGE_FAULT
#define WALK_FETCH CAUSE_FETCH_PAGE_FAULT
#else
#define WALK_LOAD CAUSE_LOAD_ACCESS
#define WALK_STORE CAUSE_STORE_ACCESS
#define WALK_FETCH CAUSE_FETCH_ACCESS
#endif

RVTEST_CODE_BEGIN
  # ---- M-mode: fill test pages, build the tables ----
  la a1, tpage
  li a2, 0x11110000
  sw a2, 0(a1)                /* tp0[0] */
  li a2, 0x22220000
  li a3, 0x1000
  add a3, a1, a3
  sw a2, 0(a3)                /* tp1[0] */
  li a2, 0x33330000
  li a3, 0x2000
  add a3, a1, a3
  sw a2, 0(a3)                /* tp2[0] */
  # tp3: execute-only code "li a0, 0x77; ret"; a 32-bit instruction's first half at 0xffe
  li a3, 0x3000
  add a3, a1, a3
  li a2, 0x07700513
  sw a2, 0(a3)
  li a2, 0x00008067
  sw a2, 4(a3)
  li a2, 0x0513
  li a4, 0xffe
  add a4, a3, a4
  sh a2, 0(a4)
  # tp4: U page code "lw a0, 0(a1); ecall"; data word at 0x100
  li a3, 0x4000
  add a3, a1, a3
  li a2, 0x0005a503
  sw a2, 0(a3)
  li a2, 0x00000073
  sw a2, 4(a3)
  li a2, 0x44440000
  sw a2, 0x100(a3)
  # tp7: R|X code page "li a0, 0x77; ret"
  li a3, 0x7000
  add a3, a1, a3
  li a2, 0x07700513
  sw a2, 0(a3)
  li a2, 0x00008067
  sw a2, 4(a3)
  fence.i
  # root: identity megapages for RAM (S only), the L0 table, superpages, bad entries
  la a4, pt_root
  li a1, 0x200 * 4
  add a1, a4, a1
  li a2, PTE_LEAF(RAM_BASE, RWX)
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
  ROOT(0x101, PTE_LEAF(PA_SUPER, RWX))
  ROOT(0x102, PTE_LEAF(PA_SUPER + 0x1000, RWX))
  ROOT(0x103, PTE_TABLE(0x40000000))
  ROOT(0x104, 0)
  # L0 pages
  MAP(0, tpage, RW)
  MAP(1, tpage + 0x1000, RW)
  MAP(2, tpage + 0x2000, (PTE_R | PTE_A))
  MAP(3, tpage + 0x3000, (PTE_X | PTE_A))
  MAP(4, tpage + 0x4000, (PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D))
  UNMAP(5)
  MAP(6, tpage + 0x5000, (PTE_W | PTE_A | PTE_D))
  MAP(7, tpage + 0x6000, (PTE_R | PTE_W))
  MAP(8, tpage + 0x7000, (PTE_R | PTE_X | PTE_A))
  MAP(9, tpage, RW)
  SETPTE(10, PTE_V)
  SETPTE(11, PTE_LEAF(0x40000000, RW))
  MAP(13, tpage + 0x3000, (PTE_X | PTE_A))
  UNMAP(14)
  la a5, pt_root
  srli a5, a5, 12
  li a4, SATP_MODE_SV32
  or a5, a5, a4
  csrw satp, a5
  sfence.vma
  # M-mode ignores satp: 0x4000_0000 is physical (no memory there)
  li a1, 0x40000000
  TEST_TRAP(2, CAUSE_LOAD_ACCESS, 0x40000000, lw a0, 0(a1))
  li TESTNUM, 3
  MRET_TO(PRV_S, s_start)

s_start:
  # ---- 4 KiB pages ----
  TEST_CASE(4, a0, 0x11110000, li a1, VA(0); lw a0, 0(a1))
  TEST_CASE(5, a0, 0x22220000, li a1, VA(1); lw a0, 0(a1))
  TEST_CASE(6, a0, 0x5678, li a1, VA(1) + 0x124; li a2, 0x5678; sh a2, 0(a1); la a3, tpage + 0x1124; lhu a0, 0(a3))
  TEST_CASE(7, a0, 0xab, li a1, VA(0) + 0xfff; li a2, 0xab; sb a2, 0(a1); la a3, tpage + 0xfff; lbu a0, 0(a3))
  TEST_CASE(8, a0, 0x11110000, li a1, VA(0); li a2, 1; amoadd.w a0, a2, (a1))
  TEST_CASE(9, a0, 0x11110001, la a3, tpage; lw a0, 0(a3))
  # ---- 4 MiB superpage ----
  TEST_CASE(10, a0, 0xcafe, li a1, VA_SUPER + 0x123454; li a2, 0xcafe; sw a2, 0(a1); li a3, PA_SUPER + 0x123454; lw a0, 0(a3))
  TEST_CASE(11, a0, 0xbeef, li a3, PA_SUPER + 0x3ffffc; li a2, 0xbeef; sw a2, 0(a3); li a1, VA_SUPER + 0x3ffffc; lw a0, 0(a1))
  # ---- misaligned superpage ----
  TEST_PF(12, CAUSE_LOAD_PAGE_FAULT, VA_MISSUPER + 0x10, lw a0, 0(a1))
  TEST_PF(13, CAUSE_STORE_PAGE_FAULT, VA_MISSUPER + 0x10, sw a0, 0(a1))
  TEST_FETCH_PF(14, CAUSE_FETCH_PAGE_FAULT, VA_MISSUPER)
  # ---- invalid entries, reserved encodings ----
  TEST_PF(15, CAUSE_LOAD_PAGE_FAULT, VA(5), lw a0, 0(a1))
  TEST_PF(16, CAUSE_STORE_PAGE_FAULT, VA(5) + 8, sw a0, 0(a1))
  TEST_PF(17, AMO_PF, VA(5), amoswap.w a0, a0, (a1))
  TEST_PF(18, CAUSE_LOAD_PAGE_FAULT, VA(5), lr.w a0, (a1))
  TEST_FETCH_PF(19, CAUSE_FETCH_PAGE_FAULT, VA(5))
  TEST_PF(20, CAUSE_LOAD_PAGE_FAULT, VA_NOROOT, lw a0, 0(a1))
  TEST_PF(21, CAUSE_LOAD_PAGE_FAULT, VA(6), lw a0, 0(a1))       /* W without R */
  TEST_PF(22, CAUSE_STORE_PAGE_FAULT, VA(6), sw a0, 0(a1))
  TEST_PF(23, CAUSE_LOAD_PAGE_FAULT, VA(10), lw a0, 0(a1))      /* pointer PTE at level 0 */
  # ---- permissions ----
  TEST_CASE(24, a0, 0x33330000, li a1, VA(2); lw a0, 0(a1))     /* read-only page: loads ok */
  TEST_PF(25, CAUSE_STORE_PAGE_FAULT, VA(2), sw a0, 0(a1))
  TEST_PF(26, CAUSE_STORE_PAGE_FAULT, VA(2), amoor.w a0, a0, (a1))
  li a1, VA(2)
  lr.w a0, (a1)               /* a valid reservation: the sc must try the store */
  TEST_PF(27, CAUSE_STORE_PAGE_FAULT, VA(2), sc.w a0, a0, (a1))
  TEST_FETCH_PF(28, CAUSE_FETCH_PAGE_FAULT, VA(0))               /* no X */
  TEST_FETCH_PF(29, CAUSE_FETCH_PAGE_FAULT, VA(2))
  TEST_CASE(30, a0, 0x77, li a0, 0; li a5, VA(8); jalr ra, 0(a5))  /* R|X page runs */
  TEST_CASE(31, a0, 0x77, li a0, 0; li a5, VA(3); jalr ra, 0(a5))  /* X-only page runs */
  TEST_PF(32, CAUSE_LOAD_PAGE_FAULT, VA(3), lw a0, 0(a1))       /* X-only: no loads ... */
  li a1, MSTATUS_MXR
  csrs sstatus, a1
  TEST_CASE(33, a0, 0x07700513, li a1, VA(3); lw a0, 0(a1))     /* ... unless MXR */
  TEST_PF(34, CAUSE_STORE_PAGE_FAULT, VA(3), sw a0, 0(a1))      /* MXR never allows stores */
  li a1, MSTATUS_MXR
  csrc sstatus, a1
  # ---- U pages from S: SUM ----
  TEST_PF(35, CAUSE_LOAD_PAGE_FAULT, VA(4) + 0x100, lw a0, 0(a1))
  TEST_PF(36, CAUSE_STORE_PAGE_FAULT, VA(4) + 0x100, sw a0, 0(a1))
  li a1, MSTATUS_SUM
  csrs sstatus, a1
  TEST_CASE(37, a0, 0x44440000, li a1, VA(4) + 0x100; lw a0, 0(a1))
  TEST_CASE(38, a0, 0x4444, li a1, VA(4) + 0x104; li a2, 0x4444; sw a2, 0(a1); lw a0, 0(a1))
#ifdef SNOWRV_QEMU
  sfence.vma                  /* QEMU 7.2 lets a data TLB entry grant S execution of a U page */
#endif
  TEST_FETCH_PF(39, CAUSE_FETCH_PAGE_FAULT, VA(4))               /* S never executes U pages */
  li a1, MSTATUS_SUM
  csrc sstatus, a1
  # ---- U-mode: runs on the U page; S pages fault ----
  li TESTNUM, 40
  li a1, VA(4) + 0x100         /* the U routine loads 0(a1), then ecalls */
  ARM_TRAP(PRV_M, CAUSE_USER_ECALL, 0, VA(4) + 4, TF_EXACT, s40, PRV_S)
  li a5, MSTATUS_SPP
  csrc sstatus, a5
  li a5, VA(4)
  csrw sepc, a5
  sret
s40:
  CHECK_TRAP_TAKEN
  CHECK_EQ(40, a0, 0x44440000)
  li TESTNUM, 41
  li a1, VA(0)                 /* an S page: load page fault from U */
  ARM_TRAP(PRV_M, CAUSE_LOAD_PAGE_FAULT, VA(0), VA(4), TF_EXACT, s41, PRV_S)
  li a5, MSTATUS_SPP
  csrc sstatus, a5
  li a5, VA(4)
  csrw sepc, a5
  sret
s41:
  CHECK_TRAP_TAKEN
  li TESTNUM, 42               /* U fetching an S page (the identity-mapped program) */
  ARM_TRAP(PRV_M, CAUSE_FETCH_PAGE_FAULT, s42_target, s42_target, TF_EXACT, s42, PRV_S)
  SRET_TO(PRV_U, s42_target)
s42_target:
  j snowrv_fail
s42:
  CHECK_TRAP_TAKEN
  # ---- A and D set by the hardware walk ----
  li TESTNUM, 43
  la a3, pt_l0
  lw a0, (7 * 4)(a3)
  andi a0, a0, (PTE_A | PTE_D)
  CHECK_EQ_N(43, a, a0, 0)
  li a1, VA(7)
  lw a0, 0(a1)
  lw a0, (7 * 4)(a3)
  andi a0, a0, (PTE_A | PTE_D)
  CHECK_EQ_N(43, b, a0, PTE_A)
  sw a0, 0(a1)
  lw a0, (7 * 4)(a3)
  andi a0, a0, (PTE_A | PTE_D)
  CHECK_EQ_N(43, c, a0, (PTE_A | PTE_D))
  # an AMO sets D too; a fetch sets A
  li TESTNUM, 49
  MAP(7, tpage + 0x6000, (PTE_R | PTE_W))
  sfence.vma
  li a1, VA(7)
  amoadd.w a0, zero, (a1)
  la a3, pt_l0
  lw a0, (7 * 4)(a3)
  andi a0, a0, (PTE_A | PTE_D)
  CHECK_EQ_N(49, a, a0, (PTE_A | PTE_D))
  MAP(8, tpage + 0x7000, (PTE_R | PTE_X))
  sfence.vma
  li a5, VA(8)
  jalr ra, 0(a5)
  la a3, pt_l0
  lw a0, (8 * 4)(a3)
  andi a0, a0, (PTE_A | PTE_D)
  CHECK_EQ_N(49, b, a0, PTE_A)
  # ---- sfence.vma after a PTE change ----
  TEST_CASE(44, a0, 0x11110001, li a1, VA(9); lw a0, 0(a1))
  li TESTNUM, 45
  MAP(9, tpage + 0x1000, RW)
  li a1, VA(9)
  sfence.vma a1, zero
  lw a0, 0(a1)
  CHECK_EQ(45, a0, 0x22220000)
  UNMAP(9)
  sfence.vma
  TEST_PF(46, CAUSE_LOAD_PAGE_FAULT, VA(9), lw a0, 0(a1))
  MAP(9, tpage + 0x2000, (PTE_R | PTE_A))
  sfence.vma zero, zero
  TEST_CASE(47, a0, 0x33330000, li a1, VA(9); lw a0, 0(a1))
  MAP(9, tpage + 0x2000, (PTE_R | PTE_W | PTE_A | PTE_D))   /* upgrade to writable */
  sfence.vma a1
  TEST_CASE(48, a0, 0x3333, li a1, VA(9); li a2, 0x3333; sw a2, 0(a1); lw a0, 0(a1))
  # sfence.vma with an ASID operand, after switching satp's ASID
  li TESTNUM, 56
  csrr s1, satp
  li a2, (5 << 22)
  or a2, s1, a2
  csrw satp, a2               /* same tables, ASID 5 */
  MAP(9, tpage, RW)
  li a1, VA(9)
  li a2, 5
  sfence.vma a1, a2
  lw a0, 0(a1)
  CHECK_EQ_N(56, a, a0, 0x11110001)
  csrw satp, s1
  sfence.vma
  lw a0, 0(a1)
  CHECK_EQ_N(56, b, a0, 0x11110001)
  # ---- access faults: leaf outside RAM, table pointer outside RAM ----
  TEST_PF(50, CAUSE_LOAD_ACCESS, VA(11), lw a0, 0(a1))
  TEST_PF(51, CAUSE_STORE_ACCESS, VA(11), sw a0, 0(a1))
  TEST_PF(52, WALK_LOAD, VA_BADTABLE, lw a0, 0(a1))
  TEST_PF(53, WALK_STORE, VA_BADTABLE, sw a0, 0(a1))
  TEST_FETCH_PF(54, WALK_FETCH, VA_BADTABLE)
  # ---- a 32-bit instruction whose second half is on an unmapped page ----
  li TESTNUM, 55
  ARM_TRAP(PRV_M, CAUSE_FETCH_PAGE_FAULT, VA(14), VA(13) + 0xffe, TF_EXACT, s55, -1)
  li a5, VA(13) + 0xffe
  jalr ra, 0(a5)
s55:
  CHECK_TRAP_TAKEN
  # ---- back to M: satp off, paging gone ----
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, m_end)
m_end:
  csrw satp, zero
  sfence.vma
  TEST_PASSFAIL
RVTEST_CODE_END

  .bss
  .balign 4096
pt_root: .space 4096
pt_l0:   .space 4096
tpage:   .space 8 * 4096
