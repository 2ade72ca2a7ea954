#!/usr/bin/env bash
# The example and benchmark ELFs under static/ are committed so `make serve` needs no cross tools.
# This rebuilds each from its .S source and fails if any differs from the committed bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
static/examples/build.sh --check
tests/asm/build.sh --check-bench
