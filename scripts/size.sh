#!/usr/bin/env bash
# Prints the gzipped size of the built wasm + js in dist/ (the number the README reports).
set -euo pipefail
cd "$(dirname "$0")/../dist"
wasm=$(cat ./*.wasm | gzip -9 | wc -c)
js=$(cat ./canopy-*.js | gzip -9 | wc -c)
echo "dist: wasm $(cat ./*.wasm | wc -c) B ($wasm B gz) + js $(cat ./canopy-*.js | wc -c) B ($js B gz) = $(( (wasm + js) / 1024 )) KiB gzipped"
