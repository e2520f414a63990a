#!/usr/bin/env bash
# Installs every tool Canopy's build and tests need, at pinned versions; silent and fast when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# the CLI must equal the wasm-bindgen crate in Cargo.lock (and Trunk.toml [tools]); read it from there
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
grep -q "wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml || { echo "setup: Trunk.toml [tools] wasm_bindgen differs from Cargo.lock ($WASM_BINDGEN_VERSION)" >&2; exit 1; }

log() { echo "setup: $*" >&2; }

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  log "installing Debian chromium + chromium-driver"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >/dev/null 2>&1
fi

# the release build compiles the standard library with the app (Makefile RELEASE_ENV)
if ! rustup component list --installed | grep -q '^rust-src'; then
  log "adding rust component rust-src"
  rustup component add rust-src >/dev/null 2>&1
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  # not --locked: the lockfile wants a webpki-roots version the registry mirror here does not have
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (about 6 minutes)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install -q --locked "trunk@$TRUNK_VERSION"
fi

# A real Phoenix for the API tests (pinned), in a git-ignored virtualenv, with the OpenAI client
# and its OpenInference instrumentation that produce the spans it is fed.
PHOENIX_VERSION=20.26.1
PHOENIX_PACKAGES="arize-phoenix==$PHOENIX_VERSION openai==3.54.0 openinference-instrumentation-openai==0.1.66"
if [ "$(cat .tools/phoenix/.installed 2>/dev/null)" != "$PHOENIX_PACKAGES" ]; then
  log "installing Arize Phoenix $PHOENIX_VERSION for the API tests (about a minute)"
  rm -rf .tools/phoenix
  python3 -m venv .tools/phoenix
  # shellcheck disable=SC2086
  .tools/phoenix/bin/pip install -q --disable-pip-version-check $PHOENIX_PACKAGES >/dev/null
  echo "$PHOENIX_PACKAGES" > .tools/phoenix/.installed
fi

if [ -f e2e/package-lock.json ]; then
  if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
    log "installing e2e node packages (playwright-core, binaryen)"
    (cd e2e && npm ci --silent --no-audit --no-fund >/dev/null 2>&1)
  fi
fi
