#!/usr/bin/env bash
# Copies dist/ to distprof/ with the wasm rebuilt from the same compile but with its function names
# kept (wasm-opt -Oz -g), so `node bench/profile.mjs` can say where a load's time goes.
# Run after `make dist` (or a trunk release build); the js glue must match, and is checked.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
tmp=$(mktemp -d)
wasm-bindgen --target web --out-dir "$tmp" --no-typescript --out-name canopy target/wasm32-unknown-unknown/release/canopy.wasm
rm -rf distprof && cp -r dist distprof
glue=$(ls dist/canopy-*.js | grep -v -e canopy-viewer -e canopy-start -e canopy-crash)
cmp "$tmp/canopy.js" "$glue" || { echo "dist/ is not from the last release compile: rebuild it first" >&2; exit 1; }
wasm-opt -Oz -g --low-memory-unused --one-caller-inline-max-function-size=0 --reorder-functions-by-name --enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-multivalue "$tmp/canopy_bg.wasm" -o distprof/"$(basename "$(ls dist/*_bg.wasm)")"
rm -rf "$tmp"
echo "distprof/ ready"
