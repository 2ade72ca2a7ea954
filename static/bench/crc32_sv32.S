# crc32_sv32.S: the crc32.S workload (same code, same iteration count) run in S-mode under Sv32:
# an M-mode prologue (bench.h) identity-maps the first 4 MiB of RAM with 4 KiB pages and the rest
# with 4 MiB superpages, turns paging on and enters the body in S-mode.
#
# Build (from the repository root; reproducible, the .elf files are committed):
#   tests/asm/build.sh --bench
# which runs, in static/bench/:
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -I. -c crc32_sv32.S -o crc32_sv32.o
#   riscv64-unknown-elf-gcc -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles \
#     -static -Wl,--build-id=none -T link.ld crc32_sv32.o -o crc32_sv32.elf
#define BENCH_SV32 1
#include "crc32.S"
