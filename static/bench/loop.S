# loop.S: SnowRV bench workload "loop": an ALU/branch loop, 8 instructions per iteration,
# BENCH_ITERS = 10,000,000 iterations (~80 million instructions). Body in M-mode (loop_sv32.S:
# the same code in S-mode under Sv32). Checks its result when run with the default count.
#
# Build (from the repository root; reproducible, the .elf files are committed):
#   tests/asm/build.sh --bench
# which runs, in static/bench/:
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -I. -c loop.S -o loop.o
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -T link.ld loop.o -o loop.elf
#ifndef BENCH_ITERS
#define BENCH_ITERS 10000000
#endif
#include "bench.h"
BENCH_BEGIN
  li a0, 0
  li a1, 1
  li a2, 0x12345678
  mv a3, s0
  beqz a3, 2f
1:
  add a0, a0, a1
  xor a2, a2, a0
  slli a4, a2, 3
  srli a5, a2, 29
  or a2, a4, a5           /* rotate left by 3 */
  addi a1, a1, 7
  addi a3, a3, -1
  bnez a3, 1b
2:
  BENCH_IS_DEFAULT(s1)
  beqz s1, bench_pass
  li t0, 0xb82e67c0
  bne a0, t0, bench_fail
  li t0, 0x3e516921
  bne a2, t0, bench_fail
  BENCH_PASS
BENCH_END
