#!/bin/sh
# Builds the playground's example programs: static/examples/*.S -> static/examples/*.elf.
#
#   static/examples/build.sh          rebuild the committed ELFs
#   static/examples/build.sh --check  rebuild into a temporary directory and fail unless every
#                                     committed ELF is byte-identical to the fresh build
#
# The ELFs are committed because the web crate embeds them with include_bytes!, and a wasm build
# should not need a RISC-V toolchain. RAM starts at 0x8000_0000 (MachineConfig::bare()).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cc=${RISCV_CC:-riscv64-unknown-elf-gcc}
mode=${1:-build}

case "$mode" in
  build|--check) ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v "$cc" >/dev/null 2>&1; then
  echo "build.sh: $cc not found (apt-get install gcc-riscv64-unknown-elf)" >&2
  exit 1
fi

if [ "$mode" = --check ]; then
  out_tmp=$(mktemp -d)
  out=$out_tmp
else
  out=$here
fi

status=0
cd "$here"
obj=$(mktemp -d)
trap 'rm -rf "$obj" ${out_tmp:+"$out_tmp"}' EXIT
for src in *.S; do
  name=${src%.S}
  # Assemble to an object with a fixed name, then link: the linker records the object's file
  # name in the symbol table, and gcc's one-step build would record a random temporary name.
  "$cc" -march=rv32imac_zicsr_zifencei -mabi=ilp32 -c -o "$obj/$name.o" "$src"
  "$cc" -march=rv32imac_zicsr_zifencei -mabi=ilp32 -nostdlib -nostartfiles -static \
    -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
    -T link.ld -o "$out/$name.elf" "$obj/$name.o"
  if [ "$mode" = --check ]; then
    if cmp -s "$out/$name.elf" "$here/$name.elf"; then
      echo "ok       $name.elf"
    else
      echo "DIFFERS  $name.elf (run static/examples/build.sh and commit the result)" >&2
      status=1
    fi
  else
    echo "built    $name.elf"
  fi
done
exit $status
