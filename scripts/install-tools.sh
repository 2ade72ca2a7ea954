#!/usr/bin/env bash
# Installs what SnowRV's builds and tests need, idempotently: each step is skipped when the right
# version is already there, so a second run costs a few seconds. Versions are pinned (see
# ../shared/TOOLCHAIN.md for why each pin exists).
#
#   scripts/install-tools.sh serve   # what `make serve` needs: wasm target, wasm-bindgen, trunk, npm
#   scripts/install-tools.sh test    # all of the above + wasm-pack, Chromium, RISC-V cross tools, qemu
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-test}
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
# wasm-bindgen-cli must equal the wasm-bindgen library version that Cargo.lock resolved.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
APT_PACKAGES_TEST="chromium chromium-driver gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-user"

say() { printf '[install] %s\n' "$*"; }

ensure_rust_target() {
  if ! rustup target list --installed | grep -qx "$1"; then
    say "rustup target add $1"
    rustup target add "$1"
  fi
}

# cargo_tool BIN VERSION-REGEX CRATE VERSION [extra cargo-install flags]
cargo_tool() {
  local bin=$1 version=$2 crate=$3 extra=${4:-}
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  say "cargo install $crate $version (one-off, several minutes)"
  # shellcheck disable=SC2086
  cargo install $extra "$crate" --version "$version"
}

ensure_apt_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "error: missing system packages: ${missing[*]}" >&2
    echo "       install them with your package manager (Debian: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
}

ensure_npm() {
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm is missing (Node.js 18+ is needed for wasm-opt and the end-to-end test)" >&2
    exit 1
  fi
  # package-lock.json pins binaryen (wasm-opt) and playwright-core; reinstall only when it changed.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_rust_target wasm32-unknown-unknown
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "error: wasm-bindgen not found in Cargo.lock" >&2; exit 1; }
cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
cargo_tool trunk "$TRUNK_VERSION" trunk "$TRUNK_VERSION" --locked
ensure_npm

if [ "$what" = test ]; then
  ensure_rust_target riscv32imac-unknown-none-elf
  cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack "$WASM_PACK_VERSION" --locked
  # shellcheck disable=SC2086
  ensure_apt_packages $APT_PACKAGES_TEST
fi
say "tools ready"
