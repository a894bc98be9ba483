#!/usr/bin/env bash
# Builds the npm package in pkg/ from the crate, in two variants:
#   index.js / index.cjs    the drop-in OAuth2 client (no_std, the size-budgeted default)
#   direct.js / direct.cjs  the direct-mode connector alone (std, the oauth2 crate)
# Each: wasm (immediate-abort panics), wasm-bindgen glue, the function table pruned of
# entries only the wasm-bindgen CLI used, wasm-opt, and one JS module per format with the
# wasm embedded.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

# Unstable flags: RUSTC_BOOTSTRAP lets the pinned stable compiler accept them, for these two
# builds only. Each one is kept only where it saves at least 0.5 KB gzip of the entry, as
# measured by building without it (index.js / direct.js, zlib, on this tree):
#   -Cpanic=immediate-abort (needs -Zunstable-options and -Zbuild-std): no panic messages
#     and no core::fmt in the wasm.                                     index: 2,097 B
#   -Zmir-opt-level=3: rustc's MIR optimisation level above the release default (2). Every
#     level is meant to be sound (known-unsound passes stay behind -Zunsound-mir-opts); level 3
#     is less exercised than 2, and the package and end-to-end tests all run on this very
#     build.                                                 index: 1,111 B; direct: 2,817 B
#   -Zfmt-debug=none (direct only): `{:?}` prints nothing, which only shortens one oauth2
#     message ("unexpected response Content-Type: , should be `application/json`").
#                                                               index: 0 B; direct: 3,114 B
#   -Zbuild-std-features=optimize_for_size (direct only): std's smaller algorithms.
#                                                               index: 0 B; direct: 1,602 B
# Dropped, gaining under 0.5 KB: -Zlocation-detail=none (index 0 B; direct -257 B, i.e.
# smaller without it) and -Zinline-mir-threshold=100 (index 242 B, direct 149 B).
# Without reference-types, wasm-bindgen keeps JS objects in a JS-side table instead of an
# externref table, which makes every boundary shim in the wasm smaller (stable flags).
FLAGS="-Zunstable-options -Cpanic=immediate-abort -Zmir-opt-level=3 -Ctarget-cpu=mvp -Ctarget-feature=+mutable-globals,+sign-ext,+nontrapping-fptoint,+bulk-memory"
DIRECT_FLAGS="-Zfmt-debug=none"

variant() {
  local name="$1" features="$2" std="$3" flags="$4" std_features="$5"
  RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags" \
    cargo build --quiet --release --no-default-features --features "$features" --target wasm32-unknown-unknown \
    -Zbuild-std="$std" ${std_features:+-Zbuild-std-features="$std_features"} --target-dir "target/$name"
  rm -rf "build/$name" && mkdir -p "build/$name"
  wasm-bindgen --target web --out-dir "build/$name" \
    "target/$name/wasm32-unknown-unknown/release/backstage_oauth2_wasm.wasm"
  node scripts/prune-table.mjs "build/$name/backstage_oauth2_wasm_bg.wasm"
  # wasm-opt's size passes, run twice around a flatten + re-loop of every function's control
  # flow, and without inlining functions that have one caller: the code grows a little
  # but repeats itself more, which LZMA packs 340 B (index) and 4.5 KB (direct) smaller.
  tests/node_modules/.bin/wasm-opt -ocimfs 0 -Oz --flatten --rereloop -Oz \
    --strip-debug --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals \
    -o "build/$name/backstage_oauth2_wasm_bg.wasm" "build/$name/backstage_oauth2_wasm_bg.wasm"
  node scripts/bundle.mjs "$name"
}

variant ship client,ship core,alloc "$FLAGS" ""
variant direct direct std,panic_abort "$FLAGS $DIRECT_FLAGS" optimize_for_size
