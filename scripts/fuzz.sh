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
for target in ${FUZZ_TARGETS:-load importers tree stream markdown json_search redaction}; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  # seeds, copied into the git-ignored corpus (never into the project): every fixture (traces are
  # full of LLM text, which is also what the Markdown reader and the search see); Markdown files
  # for the Markdown reader; `tree` reads bytes as parent links, so it starts from nothing
  if [ "$target" != tree ]; then
    find ../shared/fixtures tests/fixtures public/demo -type f \( -name '*.json' -o -name '*.jsonl' \) \
      -exec cp -n {} "$corpus/" \; 2>/dev/null || true
  fi
  if [ "$target" = markdown ]; then
    find README.md docs tests/fixtures -type f -name '*.md' -exec cp -n {} "$corpus/" \; 2>/dev/null || true
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
  if [ "$crashes" = 1 ]; then found="1 finding"; else found="$crashes findings"; fi
  summary+=("$target: ${execs:-?} executions in ${SECONDS_EACH}s, exit $status, $found")
done
printf 'fuzz: %s\n' "${summary[@]}"
