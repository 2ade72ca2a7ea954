#!/usr/bin/env bash
# build.sh: builds SnowRV's self-checking assembly programs (tests/asm/*.S) and bench workloads
# (static/bench/*.S) with the GNU RISC-V cross tools.
#
#   tests/asm/build.sh [OUT_DIR]          build every tests/asm/*.S into OUT_DIR
#                                         (default: ${CARGO_TARGET_DIR:-target}/asm-programs)
#   tests/asm/build.sh --qemu [OUT_DIR]   build, then run each program on qemu-system-riscv32
#                                         (spike board, HTIF tohost) as an oracle
#   tests/asm/build.sh --bench            rebuild static/bench/*.elf (reproducible, committed)
#   tests/asm/build.sh --check-bench      fail unless the committed static/bench/*.elf rebuild identically
#
# Program names: rv32u*-NAME.S are unprivileged tests built for both environments
# (NAME-p.elf: M-mode, physical; NAME-v.elf: S-mode under Sv32); rv32m*/rv32s* are privileged
# tests built for "p" only. Debian packages: gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
# (and qemu-system-misc for --qemu).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CC=riscv64-unknown-elf-gcc
MARCH=rv32imac_zicsr_zifencei
FLAGS=(-march=$MARCH -mabi=ilp32 -nostdlib -nostartfiles -static -Wl,--build-id=none)

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "build.sh: $1 not found; install the Debian packages $2" >&2; exit 2; }
}

# build_bench [OUT_DIR]: static/bench/*.S -> OUT_DIR/*.elf (default: in place, the committed ELFs).
build_bench() {
  need $CC "gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf"
  local out="${1:-$ROOT/static/bench}"
  cd "$ROOT/static/bench"
  for src in *.S; do
    name="${src%.S}"
    case "$name" in *_body|*_env) continue ;; esac
    # Relative paths only, and assemble to a named object first (a one-step gcc run would record
    # its random temporary object name in the symbol table), so rebuilds give the same bytes.
    $CC "${FLAGS[@]}" -I. -c "$src" -o "$out/$name.o"
    $CC "${FLAGS[@]}" -T link.ld "$out/$name.o" -o "$out/$name.elf"
    rm -f "$out/$name.o"
    echo "$out/$name.elf"
  done
}

# check_bench: rebuilds the workloads in a temporary directory; fails unless every committed ELF is
# byte-identical to the fresh build.
check_bench() {
  local tmp status=0
  tmp=$(mktemp -d)
  build_bench "$tmp" >/dev/null
  for elf in "$tmp"/*.elf; do
    if ! cmp -s "$elf" "$ROOT/static/bench/$(basename "$elf")"; then
      echo "static/bench/$(basename "$elf") differs from a fresh build of its source" >&2
      status=1
    fi
  done
  rm -rf "$tmp"
  [ $status -eq 0 ] && echo "static/bench: every ELF rebuilds identically"
  return $status
}

QEMU=0
if [[ "${1:-}" == "--bench" ]]; then build_bench; exit 0; fi
if [[ "${1:-}" == "--check-bench" ]]; then check_bench; exit $?; fi
if [[ "${1:-}" == "--qemu" ]]; then QEMU=1; shift; fi
OUT="${1:-${CARGO_TARGET_DIR:-$ROOT/target}/asm-programs}"
need $CC "gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf"
mkdir -p "$OUT"
INC="$HERE/include"
pass=0; fail=0
for src in "$HERE"/*.S; do
  base="$(basename "$src" .S)"
  case "$base" in rv32u*) envs="p v" ;; *) envs="p" ;; esac
  for env in $envs; do
    defs=()
    [[ $env == v ]] && defs+=(-DSNOWRV_ENV_V)
    [[ $QEMU == 1 ]] && defs+=(-DSNOWRV_QEMU)
    elf="$OUT/$base-$env.elf"
    $CC "${FLAGS[@]}" "${defs[@]}" -I"$INC" -T "$HERE/link.ld" "$INC/snowrv_env.S" "$src" -o "$elf"
    if [[ $QEMU == 1 ]]; then
      need qemu-system-riscv32 qemu-system-misc
      set +e
      timeout 20 qemu-system-riscv32 -machine spike -m 256M -nographic -bios none -kernel "$elf" \
        </dev/null >/dev/null 2>&1
      rc=$?
      set -e
      if [[ $rc == 0 ]]; then pass=$((pass+1)); echo "PASS $base-$env"
      else fail=$((fail+1)); echo "FAIL $base-$env (case $rc)"; fi
    else
      echo "$elf"
    fi
  done
done
[[ $QEMU == 1 ]] && echo "qemu: $pass passed, $fail failed"
exit 0
