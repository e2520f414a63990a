#!/usr/bin/env bash
# `make fuzz`: runs every cargo-fuzz target for a bounded time (FUZZ_SECONDS each, default 60),
# seeded from the fixtures; crashes are kept in tests/fixtures/fuzz/ as regression inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
CARGO_FUZZ_VERSION=0.13.1

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
  cargo install -q cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# libFuzzer instrumentation needs unstable rustc flags; this is the one toolchain the machine has.
export RUSTC_BOOTSTRAP=1
mkdir -p tests/fixtures/fuzz
summary=()
for target in ${FUZZ_TARGETS:-load importers tree stream}; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  if [ "$target" != tree ]; then
    # seed with every fixture (copied into the git-ignored corpus, never into the project)
    find ../shared/fixtures tests/fixtures public/demo -type f \( -name '*.json' -o -name '*.jsonl' \) \
      -exec cp -n {} "$corpus/" \; 2>/dev/null || true
  fi
  log="fuzz/$target.log"
  status=0
  cargo fuzz run "$target" "$corpus" -s none -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 \
    -max_len=262144 -print_final_stats=1 >"$log" 2>&1 || status=$?
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
  crashes=$(find "fuzz/artifacts/$target" -type f 2>/dev/null | wc -l || true)
  for f in $(find "fuzz/artifacts/$target" -type f 2>/dev/null); do
    cp "$f" "tests/fixtures/fuzz/$target-$(basename "$f")"
  done
  summary+=("$target: ${execs:-?} executions in ${SECONDS_EACH}s, exit $status, $crashes finding(s)")
done
printf 'fuzz: %s\n' "${summary[@]}"
