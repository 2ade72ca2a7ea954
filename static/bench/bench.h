/* bench.h: the environment of SnowRV's bench workloads (static/bench/*.S).
 *
 * A workload defines BENCH_ITERS (its default iteration count), includes this header, and writes
 *     BENCH_BEGIN
 *       ... body: s0 holds the iteration count (read from `bench_iterations`) ...
 *       BENCH_PASS            (or j bench_fail on a wrong result)
 *     BENCH_END
 * The iteration count lives in the word `bench_iterations` (.data), so a host can read it from the
 * ELF symbol table or patch it in memory after loading and before running. Results are checked
 * against expected values only when the count is the default (`BENCH_ITERS`).
 *
 * With BENCH_SV32 defined, an M-mode prologue builds Sv32 page tables (the first 4 MiB of RAM,
 * which hold the code, data and buffers, with 4 KiB pages; the rest of RAM with 4 MiB superpages;
 * all identity-mapped, S-only, A/D preset), turns paging on and runs the body in S-mode.
 * Without it the body runs in M-mode on physical addresses.
 *
 * The end: tohost = 1 (pass) or 3 (a wrong result / unexpected trap). */
#ifndef SNOWRV_BENCH_H
#define SNOWRV_BENCH_H

#define BENCH_PTE(pa, flags) ((((pa) >> 12) << 10) | (flags))
#define BENCH_PTE_RWXAD 0xcf   /* V R W X A D */

#ifdef BENCH_SV32
#define BENCH_PROLOGUE_MODE \
  la t0, bench_pt_l0; li t1, BENCH_PTE(0x80000000, BENCH_PTE_RWXAD); li t2, 1024; \
  li t3, (0x1000 >> 2); \
  1: sw t1, 0(t0); add t1, t1, t3; addi t0, t0, 4; addi t2, t2, -1; bnez t2, 1b; \
  la t0, bench_pt_root; la t1, bench_pt_l0; srli t1, t1, 12; slli t1, t1, 10; ori t1, t1, 1; \
  li t2, (0x200 * 4); add t2, t0, t2; sw t1, 0(t2); \
  li t1, BENCH_PTE(0x80400000, BENCH_PTE_RWXAD); li t3, 63; li t4, (0x400000 >> 2); \
  2: addi t2, t2, 4; sw t1, 0(t2); add t1, t1, t4; addi t3, t3, -1; bnez t3, 2b; \
  srli t0, t0, 12; li t1, 0x80000000; or t0, t0, t1; csrw satp, t0; sfence.vma; \
  li t0, 0x1800; csrc mstatus, t0; li t0, 0x800; csrs mstatus, t0; \
  la t0, bench_main; csrw mepc, t0; mret
#define BENCH_PT_SPACE \
  .balign 4096; bench_pt_root: .space 4096; bench_pt_l0: .space 4096
#else
#define BENCH_PROLOGUE_MODE j bench_main
#define BENCH_PT_SPACE
#endif

#define BENCH_BEGIN \
  .section .text.init, "ax", @progbits; .globl _start; _start: \
  la t0, 3f; csrw mtvec, t0; \
  li t0, -1; csrw pmpaddr0, t0; li t0, 0x1f; csrw pmpcfg0, t0; .balign 4; \
  3: la t0, bench_trap; csrw mtvec, t0; la sp, bench_stack_top; \
  BENCH_PROLOGUE_MODE; \
  .balign 4; bench_trap: j bench_fail; \
  .text; .globl bench_main; bench_main: la t0, bench_iterations; lw s0, 0(t0)

/* s1 = 1 when the iteration count is the default (results are then checked). */
#define BENCH_IS_DEFAULT(reg) li t0, BENCH_ITERS; sub reg, s0, t0; seqz reg, reg

#define BENCH_PASS j bench_pass

#define BENCH_END \
  bench_pass: li t0, 1; j 4f; \
  bench_fail: li t0, 3; \
  4: la t1, tohost; sw t0, 0(t1); sw zero, 4(t1); 5: j 5b; \
  .section .tohost, "aw", @progbits; .balign 64; .globl tohost; tohost: .word 0, 0; \
  .size tohost, 8; .balign 64; .globl fromhost; fromhost: .word 0, 0; .size fromhost, 8; \
  .data; .balign 4; .globl bench_iterations; bench_iterations: .word BENCH_ITERS; \
  .size bench_iterations, 4; \
  .bss; BENCH_PT_SPACE; .balign 16; .space 4096; bench_stack_top:

#endif
