# sort.S: SnowRV bench workload "sort": insertion sort of 1,024 pseudo-random words (a new LCG
# sequence each iteration), BENCH_ITERS = 60 iterations (~90 million instructions); after each
# sort the array must be ascending (signed) with the same sum. sort_sv32.S runs the same code in
# S-mode under Sv32.
#
# Build (from the repository root; reproducible, the .elf files are committed):
#   tests/asm/build.sh --bench
# which runs, in static/bench/:
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -I. -c sort.S -o sort.o
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -T link.ld sort.o -o sort.elf
#ifndef BENCH_ITERS
#define BENCH_ITERS 60
#endif
#define N 1024
#include "bench.h"
BENCH_BEGIN
  li s2, 0                /* iteration number: also the LCG seed */
  beqz s0, 9f
1:
  # fill: x = x * 1664525 + 1013904223, seeded by the iteration; s3 = sum
  la a0, sort_buf
  li a1, N
  mv a2, s2
  li a3, 1664525
  li a4, 1013904223
  li s3, 0
2:
  mul a2, a2, a3
  add a2, a2, a4
  sw a2, 0(a0)
  add s3, s3, a2
  addi a0, a0, 4
  addi a1, a1, -1
  bnez a1, 2b
  # insertion sort: for i in 1..N: key = a[i]; j = i - 1; while j >= 0 && a[j] > key: a[j+1] = a[j]
  la a0, sort_buf
  li t3, N * 4
  add t3, a0, t3          /* end */
  addi a1, a0, 4          /* &a[i] */
3:
  lw t0, 0(a1)            /* key */
  addi a2, a1, -4         /* &a[j] */
4:
  bltu a2, a0, 5f
  lw t1, 0(a2)
  ble t1, t0, 5f
  sw t1, 4(a2)
  addi a2, a2, -4
  j 4b
5:
  sw t0, 4(a2)
  addi a1, a1, 4
  bne a1, t3, 3b
  # check: ascending, same sum
  la a0, sort_buf
  lw t0, 0(a0)
  mv t2, t0
  addi a1, a0, 4
6:
  lw t1, 0(a1)
  blt t1, t0, bench_fail
  add t2, t2, t1
  mv t0, t1
  addi a1, a1, 4
  bne a1, t3, 6b
  bne t2, s3, bench_fail
  addi s2, s2, 1
  bne s2, s0, 1b
9:
  BENCH_PASS
BENCH_END
  .bss
  .balign 4096
sort_buf: .space N * 4
