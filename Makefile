# SnowRV: two commands.
#   make serve   build the playground and serve it on http://127.0.0.1:8080
#   make test    run every test suite (installs what is missing first)
# Both install the tools they need, idempotently (scripts/install-tools.sh).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
PORT ?= 8080

.PHONY: serve test tools tools-serve bundle bench examples e2e clean

## serve: build the release bundle with trunk and serve it on 127.0.0.1:$(PORT)
serve: tools-serve
	cargo fetch
	trunk serve --release --address 127.0.0.1 --port $(PORT)

## test: fmt, clippy, native tests, no_std proof, browser tests, release bundle, end-to-end
test: tools
	cargo fetch
	scripts/test.sh

## bench: native and in-browser instructions per second on the built-in workloads, and one block
## to finality on 100, 1,000 and 10,000 simulated nodes
bench: tools
	cargo run --release -p snowrv-cli -- bench
	scripts/browser-bench.sh
	cargo run --release -p snowrv-cli -- bench-chain
	scripts/browser-bench-chain.sh

## examples: rebuild the example and benchmark ELFs from their .S sources (needs the cross tools)
examples: tools
	static/examples/build.sh
	tests/asm/build.sh --bench

## bundle: the release bundle in dist/
bundle: tools-serve
	cargo fetch
	trunk build --release

tools:
	scripts/install-tools.sh test

tools-serve:
	scripts/install-tools.sh serve

clean:
	cargo clean
	rm -rf dist
