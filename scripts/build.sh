#!/usr/bin/env bash
# Builds the npm package in pkg/ from the crate: wasm (no_std, immediate-abort panics),
# wasm-bindgen glue, wasm-opt, and one JS module per format with the wasm embedded.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

# The shipped build recompiles core/alloc with panic=immediate-abort, which removes
# every panic message and all of core::fmt from the wasm (about 7 KB gzip). That flag is
# unstable; RUSTC_BOOTSTRAP lets the pinned stable compiler accept it for this build only.
# Without reference-types, wasm-bindgen keeps JS objects in a JS-side table instead of
# an externref table, which makes every boundary shim in the wasm smaller.
RUSTC_BOOTSTRAP=1 \
RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Ctarget-cpu=mvp -Ctarget-feature=+mutable-globals,+sign-ext,+nontrapping-fptoint,+bulk-memory" \
cargo build --quiet --release --features ship --target wasm32-unknown-unknown \
  -Zbuild-std=core,alloc --target-dir target/ship

rm -rf build/bindgen && mkdir -p build/bindgen
wasm-bindgen --target web --out-dir build/bindgen \
  target/ship/wasm32-unknown-unknown/release/backstage_oauth2_wasm.wasm
tests/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  -o build/bindgen/backstage_oauth2_wasm_bg.wasm build/bindgen/backstage_oauth2_wasm_bg.wasm
node scripts/bundle.mjs
