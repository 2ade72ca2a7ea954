# crc32.S: SnowRV bench workload "crc32": bitwise (table-less) CRC-32 (IEEE, reflected, poly
# 0xEDB88320) of a 4 KiB buffer, 44 instructions per byte, BENCH_ITERS = 500 passes (~90 million
# instructions); every pass must give 0x5e4e1995 (zlib.crc32 of bytes (7 * i + 3) & 0xff).
# crc32_sv32.S runs the same code in S-mode under Sv32.
#
# Build (from the repository root; reproducible, the .elf files are committed):
#   tests/asm/build.sh --bench
# which runs, in static/bench/:
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -I. -c crc32.S -o crc32.o
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -T link.ld crc32.o -o crc32.elf
#ifndef BENCH_ITERS
#define BENCH_ITERS 500
#endif
#define BUF_BYTES 4096
#define CRC_STEP \
  andi t1, a0, 1; neg t1, t1; srli a0, a0, 1; and t1, t1, a5; xor a0, a0, t1
#include "bench.h"
BENCH_BEGIN
  la a1, crc_buf
  li a2, 0
1:
  li t0, 7
  mul t0, a2, t0
  addi t0, t0, 3
  add t1, a1, a2
  sb t0, 0(t1)
  addi a2, a2, 1
  li t0, BUF_BYTES
  bne a2, t0, 1b
  li a5, 0xedb88320
  mv s2, s0
  beqz s2, 4f
2:
  la a1, crc_buf
  li a2, BUF_BYTES
  add a2, a1, a2
  li a0, -1
3:
  lbu t0, 0(a1)
  xor a0, a0, t0
  CRC_STEP
  CRC_STEP
  CRC_STEP
  CRC_STEP
  CRC_STEP
  CRC_STEP
  CRC_STEP
  CRC_STEP
  addi a1, a1, 1
  bne a1, a2, 3b
  not a0, a0
  li t0, 0x5e4e1995
  bne a0, t0, bench_fail
  addi s2, s2, -1
  bnez s2, 2b
4:
  BENCH_PASS
BENCH_END
  .bss
  .balign 4096
crc_buf: .space BUF_BYTES
