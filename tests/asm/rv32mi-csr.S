# rv32mi-csr.S: Zicsr and the machine/supervisor CSRs SnowRV implements (core/src/cpu/csr.rs):
# the six csr* instructions (old value to rd, set/clear masks, no write for rs1 = x0 / uimm = 0),
# ID registers (mhartid = 0, misa = RV32 ACIMSU), read-only CSR writes and unimplemented CSRs
# raising illegal instruction with mtval = the instruction, WARL fields (mstatus.MPP, mtvec MODE,
# mepc bit 0, mie/mip/mideleg/medeleg masks, menvcfg), the sstatus/sie/sip views, and privilege
# violations from S- and U-mode.
#include "snowrv_macros.h"

#define A0 10
#define A1 11

RVTEST_CODE_BEGIN
  # csrrw / csrrs / csrrc / immediate forms on mscratch
  TEST_CASE(2, a0, 0x12345678, li a1, 0x12345678; csrw mscratch, a1; csrr a0, mscratch)
  TEST_CASE(3, a0, 0x12345678, li a1, 0xabcdef00; csrrw a0, mscratch, a1)
  TEST_CSR(4, mscratch, 0xabcdef00)
  TEST_CASE(5, a0, 0xabcdef00, li a1, 0x000000ff; csrrs a0, mscratch, a1)
  TEST_CSR(6, mscratch, 0xabcdefff)
  TEST_CASE(7, a0, 0xabcdefff, li a1, 0xff0000f0; csrrc a0, mscratch, a1)
  TEST_CSR(8, mscratch, 0x00cdef0f)
  TEST_CASE(9, a0, 0x00cdef0f, csrrwi a0, mscratch, 0x15)
  TEST_CSR(10, mscratch, 0x15)
  TEST_CASE(11, a0, 0x15, csrrsi a0, mscratch, 0x0a)
  TEST_CSR(12, mscratch, 0x1f)
  TEST_CASE(13, a0, 0x1f, csrrci a0, mscratch, 0x11)
  TEST_CSR(14, mscratch, 0x0e)
  TEST_CASE(15, a0, 0x0e, csrrs a0, mscratch, x0)
  TEST_CASE(16, a0, 0x0e, csrrc a0, mscratch, x0)
  TEST_CSR(17, mscratch, 0x0e)
  TEST_CASE(18, a0, 0x0e, csrrsi a0, mscratch, 0; csrrci a0, mscratch, 0)
  # rd == rs1: the old value goes to rd, the new one comes from the old rs1
  TEST_CASE(19, a0, 0x0e, li a0, 0x77; csrrw a0, mscratch, a0)
  TEST_CSR(20, mscratch, 0x77)
  # rd = x0 still writes
  TEST_CASE(21, a0, 0x99, li a1, 0x99; csrrw x0, mscratch, a1; csrr a0, mscratch)
  # the other scratch/trap registers hold any value (xepc: bit 0 reads zero)
  TEST_CASE(22, a0, 0xdeadbeef, li a1, 0xdeadbeef; csrw sscratch, a1; csrr a0, sscratch)
#ifndef SNOWRV_QEMU
  /* QEMU 7.2 keeps bit 0 of mepc/sepc; the spec (IALIGN = 16) reads it as zero. */
  TEST_CASE(23, a0, 0x80001234, li a1, 0x80001235; csrw mepc, a1; csrr a0, mepc)
  TEST_CASE(24, a0, 0x80001234, li a1, 0x80001235; csrw sepc, a1; csrr a0, sepc)
#endif
  TEST_CASE(25, a0, 0x8000000b, li a1, 0x8000000b; csrw mcause, a1; csrr a0, mcause)
  TEST_CASE(26, a0, 0x0000000d, li a1, 0x0000000d; csrw scause, a1; csrr a0, scause)
  TEST_CASE(27, a0, 0xfeedface, li a1, 0xfeedface; csrw mtval, a1; csrr a0, mtval)
  TEST_CASE(28, a0, 0xcafebabe, li a1, 0xcafebabe; csrw stval, a1; csrr a0, stval)

  # ID registers
  TEST_CSR(30, mhartid, 0)
  li TESTNUM, 31
  csrr a0, misa
  li t4, 0xc0000000
  and a1, a0, t4
  CHECK_EQ_N(31, a, a1, MISA_MXL_32)
  li t4, (MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U'))
  and a1, a0, t4
  CHECK_EQ_N(31, b, a1, (MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U')))
#ifndef SNOWRV_QEMU
  TEST_CSR(32, misa, 0x40141105)
  TEST_CSR(33, mvendorid, 0)
  TEST_CSR(34, marchid, 0)
  TEST_CSR(35, mimpid, 0)
  TEST_CSR(36, mconfigptr, 0)
  TEST_CSR(37, mstatush, 0)
  # misa is WARL and fixed here: writes are ignored
  TEST_CASE(38, a0, 0x40141105, csrwi misa, 0; csrr a0, misa)
#endif

  # Writes to read-only CSRs (address bits 11:10 = 3) are illegal; reads and csrrs/csrrc with
  # x0 (no write) are not.
  TEST_ILLEGAL(40, ENC_CSRRW(A0, 0xf14, A1))        /* csrrw a0, mhartid, a1 */
  TEST_ILLEGAL(41, ENC_CSRRW(0, 0xf11, 0))          /* csrw mvendorid, x0: still a write */
  TEST_ILLEGAL(42, ENC_CSRRS(A0, 0xf12, A1))        /* csrrs a0, marchid, a1 (a1 != x0) */
  TEST_ILLEGAL(43, ENC_CSRRCI(A0, 0xf13, 1))        /* csrrci a0, mimpid, 1 */
  TEST_ILLEGAL(44, ENC_CSRRWI(A0, 0xc00, 0))        /* csrrwi a0, cycle, 0 */
  TEST_ILLEGAL(45, ENC_CSRRSI(A0, 0xc02, 3))        /* csrrsi a0, instret, 3 */
  TEST_ILLEGAL(46, ENC_CSRRW(A0, 0xc01, A1))        /* csrrw a0, time, a1 */
  TEST_CASE(47, a0, 0, csrrs a0, mhartid, x0)
  TEST_CASE(48, a0, 0, li a0, 5; csrrsi a0, mhartid, 0)
  # Unimplemented CSRs are illegal, for reads too
  TEST_ILLEGAL(49, ENC_CSRRS(A0, 0x7ff, 0))         /* csrr a0, 0x7ff */
  TEST_ILLEGAL(50, ENC_CSRRW(A0, 0x5c0, A1))        /* csrrw a0, 0x5c0 (custom S) */
  TEST_ILLEGAL(51, ENC_CSRRS(A0, 0x001, 0))         /* fflags: no F extension */
  TEST_ILLEGAL(52, ENC_CSRRS(A0, 0x003, 0))         /* fcsr */
#ifndef SNOWRV_QEMU
  TEST_ILLEGAL(53, ENC_CSRRS(A0, 0x200, 0))         /* vsstatus: no H extension */
#endif

  # mstatus WARL: only the implemented fields change; sstatus is a view of the S fields
  li TESTNUM, 60
  csrw mstatus, zero
  li a1, -1
  li a2, ~(MSTATUS_MIE | MSTATUS_SIE)   /* keep interrupts off */
  and a1, a1, a2
  csrw mstatus, a1
  csrr a0, mstatus
  li t4, (MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
  and a0, a0, t4
  CHECK_EQ_N(60, a, a0, (MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR))
  csrr a0, sstatus
  li t4, (MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)
  and a0, a0, t4
  CHECK_EQ_N(60, b, a0, (MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR))
  csrw mstatus, zero
#ifndef SNOWRV_QEMU
  # SnowRV: no F/V/XS state, little-endian only: those fields read zero
  li TESTNUM, 61
  li a1, (MSTATUS_FS | MSTATUS_XS | MSTATUS_UBE | MSTATUS_SD)
  csrw mstatus, a1
  csrr a0, mstatus
  CHECK_EQ(61, a0, 0)
  # MPP = 2 (reserved) is not kept: SnowRV keeps the previous value
  TEST_CASE(62, a0, MSTATUS_MPP_S, li a1, MSTATUS_MPP_S; csrw mstatus, a1; li a1, 0x1000; csrw mstatus, a1; csrr a0, mstatus)
  li TESTNUM, 63
  li a1, 0x1000                       /* MPP = 2 */
  csrw mstatus, a1
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  li t4, 2
  bne a0, t4, 1f
  j snowrv_fail
1:
  csrw mstatus, zero
#endif
  # sstatus writes change only the S fields of mstatus
  li TESTNUM, 64
  li a1, MSTATUS_MPP_M | MSTATUS_MPIE
  csrw mstatus, a1
  li a1, -1
  li a2, ~MSTATUS_SIE
  and a1, a1, a2
  csrw sstatus, a1
  csrr a0, mstatus
  li t4, (MSTATUS_MPP_M | MSTATUS_MPIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)
  and a0, a0, t4
  CHECK_EQ_N(64, a, a0, (MSTATUS_MPP_M | MSTATUS_MPIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR))
  csrw sstatus, zero
  csrr a0, mstatus
  li t4, (MSTATUS_MPP_M | MSTATUS_MPIE)
  and a0, a0, t4
  CHECK_EQ_N(64, b, a0, (MSTATUS_MPP_M | MSTATUS_MPIE))
  csrr a0, sstatus
  li t4, (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV)
  and a0, a0, t4
  CHECK_EQ_N(64, c, a0, 0)
  csrw mstatus, zero

  # mtvec / stvec: MODE 0 and 1 kept, BASE 4-byte aligned
  li TESTNUM, 70
  csrr s1, mtvec
  la a1, 1f
  ori a1, a1, 1
  csrw mtvec, a1
  csrr a0, mtvec
  CHECK_REGS(70, a, a0, a1)
  csrw mtvec, s1
  .balign 4
1:
  li TESTNUM, 71
  csrr s1, stvec
  li a1, 0x80004001
  csrw stvec, a1
  csrr a0, stvec
  CHECK_EQ_N(71, a, a0, 0x80004001)
  li a1, 0x80004000
  csrw stvec, a1
  csrr a0, stvec
  CHECK_EQ_N(71, b, a0, 0x80004000)
#ifndef SNOWRV_QEMU
  # SnowRV: a reserved MODE (2, 3) keeps the previous MODE
  li a1, 0x80008003
  csrw stvec, a1
  csrr a0, stvec
  CHECK_EQ_N(71, c, a0, 0x80008000)
#endif
  csrw stvec, s1

  # mie / mideleg / medeleg / mip masks
#ifndef SNOWRV_QEMU
  TEST_CASE(80, a0, 0xaaa, li a1, -1; csrw mie, a1; csrr a0, mie; csrw mie, zero)
  TEST_CASE(81, a0, 0x222, li a1, -1; csrw mideleg, a1; csrr a0, mideleg; csrw mideleg, zero)
  TEST_CASE(82, a0, 0xb3ff, li a1, -1; csrw medeleg, a1; csrr a0, medeleg; csrw medeleg, zero)
  # medeleg bit 11 (ecall from M) is never delegable (QEMU 7.2 keeps it)
  TEST_CASE(83, a0, 0, li a1, (1 << 11); csrw medeleg, a1; csrr a0, medeleg)
#endif
  csrw medeleg, zero
  # mip: SSIP, STIP, SEIP are writable from M; MSIP/MTIP/MEIP are not
  li TESTNUM, 84
  li a1, 0x222
  csrw mip, a1
  csrr a0, mip
  andi a0, a0, 0x222
  CHECK_EQ_N(84, a, a0, 0x222)
  csrw mip, zero
  csrr a0, mip
  andi a0, a0, 0x222
  CHECK_EQ_N(84, b, a0, 0)
  li a1, MIP_MSIP
  csrs mip, a1
  csrr a0, mip
  andi a0, a0, MIP_MSIP
  CHECK_EQ_N(84, c, a0, 0)
  # sie / sip are views through mideleg
  li TESTNUM, 85
  li a1, 0xaaa
  csrw mie, a1
  csrw mideleg, zero
  csrr a0, sie
  CHECK_EQ_N(85, a, a0, 0)
  li a1, 0x222
  csrw mideleg, a1
  csrr a0, sie
  CHECK_EQ_N(85, b, a0, 0x222)
  csrw sie, zero
  csrr a0, mie
  CHECK_EQ_N(85, c, a0, 0x888)
  li a1, MIP_SSIP
  csrw mip, zero
  csrs sip, a1
  csrr a0, mip
  andi a0, a0, 0x222
  CHECK_EQ_N(85, d, a0, MIP_SSIP)
  csrr a0, sip
  andi a0, a0, 0x222
  CHECK_EQ_N(85, e, a0, MIP_SSIP)
  csrc sip, a1
  csrr a0, mip
  andi a0, a0, 0x222
  CHECK_EQ_N(85, f, a0, 0)
  csrw mideleg, zero
  csrw mie, zero
  csrw mip, zero
#ifndef SNOWRV_QEMU
  # sip.SSIP is not writable when SSIP is not delegated (SnowRV)
  TEST_CASE(86, a0, 0, li a1, MIP_SSIP; csrs sip, a1; csrr a0, mip; andi a0, a0, 0x222)
  # menvcfg / senvcfg: only FIOM; menvcfgh reads zero
  TEST_CASE(87, a0, 1, li a1, -1; csrw menvcfg, a1; csrr a0, menvcfg; csrw menvcfg, zero)
  TEST_CASE(88, a0, 1, li a1, -1; csrw senvcfg, a1; csrr a0, senvcfg; csrw senvcfg, zero)
  TEST_CASE(89, a0, 0, li a1, -1; csrw menvcfgh, a1; csrr a0, menvcfgh)
  # mcountinhibit: bit 1 (time) is read-only zero
  TEST_CASE(90, a0, 0x5, li a1, 0x7; csrw mcountinhibit, a1; csrr a0, mcountinhibit; andi a0, a0, 7; csrw mcountinhibit, zero)
  # mcounteren / scounteren hold 32 bits
  TEST_CASE(91, a0, 0xffffffff, li a1, -1; csrw mcounteren, a1; csrr a0, mcounteren)
  TEST_CASE(92, a0, 0xffffffff, li a1, -1; csrw scounteren, a1; csrr a0, scounteren)
  # satp holds MODE, ASID and PPN (M-mode, paging has no effect on M)
  TEST_CASE(93, a0, 0x80412345, li a1, 0x80412345; csrw satp, a1; csrr a0, satp; csrw satp, zero)
  # the hpm counters and events exist and read zero
  TEST_CASE(94, a0, 0, csrr a0, mhpmcounter3)
  TEST_CASE(95, a0, 0, li a1, -1; csrw mhpmevent3, a1; csrr a0, mhpmevent3)
  TEST_CASE(96, a0, 0, csrr a0, hpmcounter31)
  # PMP registers (section 3.7.1): reserved cfg bits 6:5 read zero, R=0/W=1 is legalised to
  # R=0/W=0, a locked entry ignores writes to its cfg and pmpaddr. The entries used here have
  # A = OFF or cover 0x0..0x7 only, so no access of this program is affected.
  TEST_CASE(98, a0, 0x001c0007, li a1, 0x021e6007; csrw pmpcfg2, a1; csrr a0, pmpcfg2; csrw pmpcfg2, zero)
  li TESTNUM, 99
  li a1, 0x80000000           /* entry 15: L = 1, A = OFF */
  csrw pmpcfg3, a1
  csrw pmpcfg3, zero
  csrr a0, pmpcfg3
  CHECK_EQ_N(99, a, a0, 0x80000000)
  li a1, 0x123
  csrw pmpaddr15, a1
  csrr a0, pmpaddr15
  CHECK_EQ_N(99, b, a0, 0)
  csrw pmpaddr14, a1          /* entry 15 is not TOR: pmpaddr14 stays writable */
  csrr a0, pmpaddr14
  CHECK_EQ_N(99, c, a0, 0x123)
  csrw pmpaddr14, zero
#endif
  TEST_CASE(97, a0, 0x12345000, li a1, 0x12345000; csrw satp, a1; csrr a0, satp; csrw satp, zero)

  # Privilege violations from S-mode: M-level CSRs are illegal; S-level CSRs are fine.
  li a1, 7
  csrw mcounteren, a1
  li TESTNUM, 100
  MRET_TO(PRV_S, in_s)
in_s:
  TEST_ILLEGAL(101, ENC_CSRRS(A0, 0x300, 0))         /* csrr a0, mstatus */
  TEST_ILLEGAL(102, ENC_CSRRW(A0, 0x340, A1))        /* csrrw a0, mscratch, a1 */
  TEST_ILLEGAL(103, ENC_CSRRS(A0, 0xf14, 0))         /* csrr a0, mhartid */
  TEST_ILLEGAL(104, ENC_CSRRS(A0, 0xb00, 0))         /* csrr a0, mcycle */
  TEST_ILLEGAL(105, ENC_CSRRS(A0, 0x3b0, 0))         /* csrr a0, pmpaddr0 */
  TEST_CASE(106, a0, 0x42, li a1, 0x42; csrw sscratch, a1; csrr a0, sscratch)
  TEST_CASE(107, a0, 0, csrr a0, satp)
  TEST_CASE(108, a0, 0, csrr a0, sstatus; andi a0, a0, MSTATUS_SPP)
  ECALL_TO_M(CAUSE_SUPERVISOR_ECALL, back_m1)
back_m1:
  # Privilege violations from U-mode: S- and M-level CSRs are illegal.
  li TESTNUM, 110
  MRET_TO(PRV_U, in_u)
in_u:
  TEST_ILLEGAL(111, ENC_CSRRS(A0, 0x100, 0))         /* csrr a0, sstatus */
  TEST_ILLEGAL(112, ENC_CSRRW(A0, 0x140, A1))        /* csrrw a0, sscratch, a1 */
  TEST_ILLEGAL(113, ENC_CSRRS(A0, 0x180, 0))         /* csrr a0, satp */
  TEST_ILLEGAL(114, ENC_CSRRS(A0, 0x300, 0))         /* csrr a0, mstatus */
  TEST_ILLEGAL(115, ENC_CSRRS(A0, 0x344, 0))         /* csrr a0, mip */
  ECALL_TO_M(CAUSE_USER_ECALL, back_m2)
back_m2:
  # The mode the ecall came from shows in mstatus.MPP at the trap: U.
  li TESTNUM, 116
  la a1, snowrv_trap
  lw a0, TS_STATUS(a1)
  li t4, MSTATUS_MPP
  and a0, a0, t4
  CHECK_EQ(116, a0, 0)
  TEST_PASSFAIL
RVTEST_CODE_END
