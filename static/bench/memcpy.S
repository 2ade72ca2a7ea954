# memcpy.S: SnowRV bench workload "memcpy": copies a 64 KiB buffer word by word (4 words per
# loop iteration, 11 instructions per 16 bytes), BENCH_ITERS = 2,000 times (~92 million
# instructions), then checks the copy. memcpy_sv32.S runs the same code in S-mode under Sv32
# (the buffers span 32 4 KiB pages).
#
# Build (from the repository root; reproducible, the .elf files are committed):
#   tests/asm/build.sh --bench
# which runs, in static/bench/:
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -I. -c memcpy.S -o memcpy.o
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -T link.ld memcpy.o -o memcpy.elf
#ifndef BENCH_ITERS
#define BENCH_ITERS 2000
#endif
#define BUF_BYTES 65536
#include "bench.h"
BENCH_BEGIN
  # fill src with an LCG sequence
  la a0, src_buf
  li a1, BUF_BYTES / 4
  li a2, 12345
  li a3, 1664525
  li a4, 1013904223
1:
  mul a2, a2, a3
  add a2, a2, a4
  sw a2, 0(a0)
  addi a0, a0, 4
  addi a1, a1, -1
  bnez a1, 1b
  mv s2, s0
  beqz s2, 4f
2:
  la a0, src_buf
  la a1, dst_buf
  li a2, BUF_BYTES
  add a2, a0, a2
3:
  lw t0, 0(a0)
  lw t1, 4(a0)
  lw t2, 8(a0)
  lw t3, 12(a0)
  sw t0, 0(a1)
  sw t1, 4(a1)
  sw t2, 8(a1)
  sw t3, 12(a1)
  addi a0, a0, 16
  addi a1, a1, 16
  bne a0, a2, 3b
  addi s2, s2, -1
  bnez s2, 2b
  # check dst == src
  la a0, src_buf
  la a1, dst_buf
  li a2, BUF_BYTES / 4
5:
  lw t0, 0(a0)
  lw t1, 0(a1)
  bne t0, t1, bench_fail
  addi a0, a0, 4
  addi a1, a1, 4
  addi a2, a2, -1
  bnez a2, 5b
4:
  BENCH_PASS
BENCH_END
  .bss
  .balign 4096
src_buf: .space BUF_BYTES
dst_buf: .space BUF_BYTES
