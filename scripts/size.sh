#!/usr/bin/env bash
# Prints the gzipped size of the built wasm + its js glue in dist/ (the number the README reports;
# canopy-viewer.js, the optional element for embedders, is not part of the app and not counted).
set -euo pipefail
cd "$(dirname "$0")/../dist"
wasm=$(cat ./*.wasm | gzip -9 | wc -c)
glue=$(ls ./canopy-*.js | grep -v canopy-viewer)
js=$(cat $glue | gzip -9 | wc -c)
echo "dist: wasm $(cat ./*.wasm | wc -c) B ($wasm B gz) + js $(cat $glue | wc -c) B ($js B gz) = $(( (wasm + js) / 1024 )) KiB ($(( (wasm + js) / 1000 )) kB) gzipped"
# the budget (issue 25): wasm + js at most 800 kB gzipped; every 10 kB spent has a line in BENCHMARKS.md
budget_kb=${BUNDLE_BUDGET_KB:-800}
if (( (wasm + js) > budget_kb * 1000 )); then
  echo "dist: over the bundle budget of $budget_kb kB gzipped" >&2
  exit 1
fi
