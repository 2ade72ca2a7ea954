#!/usr/bin/env bash
# Runs every SnowRV test suite and ends with one line: `N passed, M failed`.
#
# Each suite's output goes to target/test-logs/<suite>.log; a failing suite prints its log's tail.
# Cargo and wasm-bindgen suites count their individual tests; checks that are not test runners
# (fmt, clippy, the no_std builds, reproducible example ELFs, the release bundle) count as one each.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR=never

logs=target/test-logs
mkdir -p "$logs"
passed=0
failed=0
failed_suites=()

# Adds the counts from cargo-style "test result: ok. X passed; Y failed" lines in a log.
count_cargo() {
  awk '/^test result: / {
         for (i = 1; i <= NF; i++) {
           if ($(i+1) ~ /^passed/) p += $i
           if ($(i+1) ~ /^failed/) f += $i
         }
       }
       END { print p + 0, f + 0 }' "$1"
}

# suite NAME KIND COMMAND...   (KIND: check | cargo | plain)
suite() {
  local name=$1 kind=$2; shift 2
  local log="$logs/$name.log" status p f start=$SECONDS
  printf '==> %-22s ' "$name"
  "$@" >"$log" 2>&1
  status=$?
  case $kind in
    check) if [ $status -eq 0 ]; then p=1 f=0; else p=0 f=1; fi ;;
    cargo) read -r p f < <(count_cargo "$log") ;;
    plain) read -r p f < <(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n1 |
                             sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/') ;;
  esac
  p=${p:-0} f=${f:-0}
  # A command that failed without reporting a failed test (a build error) still counts as a failure.
  if [ $status -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ $status -eq 0 ]; then
    printf 'ok   (%d passed, %ds)\n' "$p" $((SECONDS - start))
  else
    printf 'FAIL (%d passed, %d failed, %ds) — log: %s\n' "$p" "$f" $((SECONDS - start)) "$log"
    tail -n 40 "$log" | sed 's/^/    | /'
    failed_suites+=("$name")
  fi
}

suite fmt            check cargo fmt --all -- --check
suite clippy         check cargo clippy --workspace --all-targets -- -D warnings
suite cargo-test     cargo cargo test --workspace --no-fail-fast
suite no-std-riscv32 check cargo build -p snowrv-core --no-default-features --target riscv32imac-unknown-none-elf
suite no-std-wasm32  check cargo build -p snowrv-core --no-default-features --target wasm32-unknown-unknown
suite prebuilt-elfs  check scripts/check-prebuilt.sh
suite wasm-pack-test cargo wasm-pack test --headless --chrome --mode no-install --chromedriver /usr/bin/chromedriver web
suite trunk-release  check trunk build --release
suite e2e            plain node e2e/playground.spec.mjs
suite e2e-chain      plain node e2e/chain.spec.mjs

echo
[ ${#failed_suites[@]} -eq 0 ] || echo "failed suites: ${failed_suites[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
