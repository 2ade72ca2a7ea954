#!/usr/bin/env bash
# The browser half of `make bench`: runs web/tests/bench.rs (every static/bench workload on the fast
# path, in headless Chromium, release build) and prints its instructions-per-second lines.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! wasm-pack test --release --headless --chrome --mode no-install \
     --chromedriver /usr/bin/chromedriver web --test bench -- --nocapture >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  exit 1
fi
grep -E '^bench ' "$log" || { echo "no bench lines in the output:" >&2; tail -n 40 "$log" >&2; exit 1; }
