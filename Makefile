# Canopy: `make serve` to use it, `make test` to check it. Both install what is missing first.
SHELL := /bin/bash
export PATH := $(CURDIR)/e2e/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
WASM := --target wasm32-unknown-unknown
# The release wasm is built with the standard library compiled in the same optimisation as the app
# and panics as a bare trap (no message, no formatting): 40 kB less gzipped (BENCHMARKS.md, issue
# 27). Those two are unstable flags of the one pinned toolchain (as `make fuzz` uses them);
# public/canopy-crash.js shows the notice a trap leaves. RUSTFLAGS replaces .cargo/config.toml's.
RELEASE_ENV := RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
  RUSTFLAGS="--cfg erase_components -C panic=immediate-abort -Zunstable-options"

.PHONY: setup serve dist test test-host test-browser test-e2e bench-smoke lint bench fuzz screenshot gallery demos clean

setup:
	@scripts/setup.sh

## serve: build and serve on http://127.0.0.1:8080, rebuilding on change
serve: setup
	$(RELEASE_ENV) trunk serve --release --address 127.0.0.1 --port 8080

## dist: release build into dist/ (relative URLs: host it under any path)
dist: setup
	@$(RELEASE_ENV) trunk build --release --quiet
	@scripts/size.sh

## test: every suite — lint, host unit/integration tests, browser component tests, end-to-end
test: setup lint test-host test-browser test-e2e bench-smoke

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy $(WASM) --all-targets -- -D warnings

test-host:
	cargo test
	python3 scripts/models/check.py

# the test runner gives chromedriver 5 s to listen by default; on a fresh machine, with its files
# not yet in the page cache, it can take longer ("driver failed to bind port during startup")
test-browser:
	WASM_BINDGEN_TEST_DRIVER_TIMEOUT=60 cargo test $(WASM) --test web

test-e2e: dist
	cd e2e && node --test --test-concurrency=1

## bench-smoke: the benchmark harness end to end on a 10k trace, one run (checks it completes; no timing asserts)
bench-smoke: dist
	BENCH_SIZES=10000 BENCH_RUNS=1 BENCH_SKIP_LIST=1 BENCH_SKIP_OUTPUT=1 BENCH_TIMELINE_SIZES=10000 BENCH_LEAN_SIZES=20000 BENCH_LIGHT_SIZES= BENCH_AT_ONCE_SIZES= BENCH_INTERACTION_SIZES=10000 BENCH_TRANSCRIPT_SIZES=10000 BENCH_TRANSCRIPT_RUN_SIZES= BENCH_VIEW_SIZES=10000 \
	  BENCH_OUT=$(CURDIR)/target/bench-smoke node bench/run.mjs > /dev/null

## bench: load generated 1k/10k/100k traces in headless Chromium; writes bench/out/results.md
bench: dist
	node bench/run.mjs

## fuzz: every cargo-fuzz target for FUZZ_SECONDS (default 60) each; crashes kept in tests/fixtures/fuzz/
fuzz: setup
	scripts/fuzz.sh

screenshot: dist
	node e2e/screenshot.mjs docs/screenshot.png

## gallery: every page, wide and on a phone, from the shared fixtures, into target/gallery/
gallery: dist
	node e2e/gallery.mjs target/gallery

demos:
	python3 scripts/make_demos.py

clean:
	rm -rf dist bench/out bench/data
	cargo clean
