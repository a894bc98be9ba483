#!/usr/bin/env bash
# Idempotent set-up of everything the build, tests, demo and bench need.
# Safe to run on every invocation: each step is skipped when already satisfied.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }

# wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The shipped wasm rebuilds core/alloc (-Zbuild-std), which needs the library sources.
if ! rustup component list --installed | grep -q '^rust-src'; then
  log "adding rust component rust-src"
  rustup component add rust-src
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  log "installing wasm-bindgen-cli $WB_VERSION (compiles from source, several minutes once)"
  # Not --locked: the registry mirror lacks one pinned dependency version.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  log "installing wasm-pack (compiles from source, several minutes once)"
  cargo install wasm-pack --locked
fi

# The fuzzer driver (scripts/fuzz.sh; the test command runs a short smoke of each target).
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  log "installing cargo-fuzz (compiles from source, under a minute once)"
  cargo install cargo-fuzz --locked
fi

# Debian packages: Chromium for every browser test, Python's liblzma for packing the wasm.
APT=""
command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || APT="chromium chromium-driver"
python3 -c 'import lzma' >/dev/null 2>&1 || APT="$APT python3"
if [ -n "$APT" ]; then
  log "installing $APT from Debian"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086 # a list of package names
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $APT >/dev/null
fi

# npm packages of the test harness (binaryen's wasm-opt, playwright-core, esbuild, typescript, ...)
if [ ! -d tests/node_modules ] || [ tests/package-lock.json -nt tests/node_modules/.setup-stamp ]; then
  log "installing npm packages for tests/"
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
  touch tests/node_modules/.setup-stamp
fi
log "ok"
