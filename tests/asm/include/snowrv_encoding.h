/* snowrv_encoding.h: CSR fields, trap causes, PTE bits and CLINT addresses for SnowRV's
 * self-checking assembly programs. Values from the RISC-V Privileged ISA v1.12:
 * mstatus (section 3.1.6, Figure 3.7), mip/mie (3.1.9), mcause (Table 3.6), Sv32 PTE (4.3.1,
 * Figure 4.18), satp (4.1.11). The CLINT layout is the one SnowRV's `MachineConfig::bare()` and
 * QEMU's spike/virt boards share. Written for SnowRV; no code copied from elsewhere. */
#ifndef SNOWRV_ENCODING_H
#define SNOWRV_ENCODING_H

/* mstatus / sstatus */
#define MSTATUS_SIE   0x00000002
#define MSTATUS_MIE   0x00000008
#define MSTATUS_SPIE  0x00000020
#define MSTATUS_UBE   0x00000040
#define MSTATUS_MPIE  0x00000080
#define MSTATUS_SPP   0x00000100
#define MSTATUS_MPP   0x00001800
#define MSTATUS_MPP_S 0x00000800
#define MSTATUS_MPP_M 0x00001800
#define MSTATUS_FS    0x00006000
#define MSTATUS_XS    0x00018000
#define MSTATUS_MPRV  0x00020000
#define MSTATUS_SUM   0x00040000
#define MSTATUS_MXR   0x00080000
#define MSTATUS_TVM   0x00100000
#define MSTATUS_TW    0x00200000
#define MSTATUS_TSR   0x00400000
#define MSTATUS_SD    0x80000000

/* Privilege encodings (MPP). */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* mip / mie bits */
#define MIP_SSIP (1 << 1)
#define MIP_MSIP (1 << 3)
#define MIP_STIP (1 << 5)
#define MIP_MTIP (1 << 7)
#define MIP_SEIP (1 << 9)
#define MIP_MEIP (1 << 11)

/* Exception codes (mcause with bit 31 clear). */
#define CAUSE_MISALIGNED_FETCH    0
#define CAUSE_FETCH_ACCESS        1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT          3
#define CAUSE_MISALIGNED_LOAD     4
#define CAUSE_LOAD_ACCESS         5
#define CAUSE_MISALIGNED_STORE    6
#define CAUSE_STORE_ACCESS        7
#define CAUSE_USER_ECALL          8
#define CAUSE_SUPERVISOR_ECALL    9
#define CAUSE_MACHINE_ECALL       11
#define CAUSE_FETCH_PAGE_FAULT    12
#define CAUSE_LOAD_PAGE_FAULT     13
#define CAUSE_STORE_PAGE_FAULT    15

/* Interrupt causes (bit 31 set). */
#define CAUSE_INT 0x80000000
#define IRQ_S_SOFT  (CAUSE_INT | 1)
#define IRQ_M_SOFT  (CAUSE_INT | 3)
#define IRQ_S_TIMER (CAUSE_INT | 5)
#define IRQ_M_TIMER (CAUSE_INT | 7)

/* Sv32 (section 4.3). */
#define SATP_MODE_SV32 0x80000000
#define PTE_V 0x001
#define PTE_R 0x002
#define PTE_W 0x004
#define PTE_X 0x008
#define PTE_U 0x010
#define PTE_G 0x020
#define PTE_A 0x040
#define PTE_D 0x080
/* A leaf PTE for physical address `pa` (4 KiB or 4 MiB aligned as the level requires). */
#define PTE_LEAF(pa, flags) ((((pa) >> 12) << 10) | (flags) | PTE_V)
/* A pointer PTE to the next-level table at physical address `pa`. */
#define PTE_TABLE(pa) ((((pa) >> 12) << 10) | PTE_V)

/* CLINT (machine timer and software interrupts). */
#define CLINT_BASE       0x02000000
#define CLINT_MSIP       0x02000000
#define CLINT_MTIMECMP   0x02004000
#define CLINT_MTIMECMPH  0x02004004
#define CLINT_MTIME      0x0200bff8
#define CLINT_MTIMEH     0x0200bffc

/* RAM of MachineConfig::bare(). */
#define RAM_BASE 0x80000000
#define RAM_SIZE 0x10000000

/* misa (section 3.1.1): MXL=1 (XLEN 32) and the extension letters. */
#define MISA_MXL_32 0x40000000
#define MISA_EXT(letter) (1 << ((letter) - 'A'))

/* Instruction encodings, for expected mtval values of illegal-instruction cases.
 * Registers are numbers (a0 = 10, a1 = 11, ...). */
#define ENC_CSR(csr, rs1, funct3, rd) \
  ((((csr) & 0xfff) << 20) | ((rs1) << 15) | ((funct3) << 12) | ((rd) << 7) | 0x73)
#define ENC_CSRRW(rd, csr, rs1)  ENC_CSR(csr, rs1, 1, rd)
#define ENC_CSRRS(rd, csr, rs1)  ENC_CSR(csr, rs1, 2, rd)
#define ENC_CSRRC(rd, csr, rs1)  ENC_CSR(csr, rs1, 3, rd)
#define ENC_CSRRWI(rd, csr, imm) ENC_CSR(csr, imm, 5, rd)
#define ENC_CSRRSI(rd, csr, imm) ENC_CSR(csr, imm, 6, rd)
#define ENC_CSRRCI(rd, csr, imm) ENC_CSR(csr, imm, 7, rd)
#define ENC_ECALL  0x00000073
#define ENC_EBREAK 0x00100073
#define ENC_SRET   0x10200073
#define ENC_MRET   0x30200073
#define ENC_WFI    0x10500073
#define ENC_SFENCE_VMA(rs1, rs2) (0x12000073 | ((rs2) << 20) | ((rs1) << 15))

#endif
