#!/usr/bin/env bash
# The browser half of the chain benchmark: runs web/tests/chain_bench.rs (one block to finality on
# every honest node for 100, 1,000 and 10,000 nodes, default parameters, trace off) in headless
# Chromium from a release build, and prints its `bench-chain ...` lines. The native half is
# `snowrv bench-chain`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# 10,000 nodes take longer than wasm-bindgen-test's default 20 s limit per test.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! wasm-pack test --release --headless --chrome --mode no-install \
     --chromedriver /usr/bin/chromedriver web --test chain_bench -- --nocapture >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  exit 1
fi
grep -E '^bench-chain ' "$log" || { echo "no bench-chain lines in the output:" >&2; tail -n 40 "$log" >&2; exit 1; }
