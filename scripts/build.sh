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

# The shipped builds recompile the standard library with panic=immediate-abort, which
# removes every panic message and core::fmt from the wasm (about 7 KB gzip). That flag is
# unstable; RUSTC_BOOTSTRAP lets the pinned stable compiler accept it for these builds only.
# Without reference-types, wasm-bindgen keeps JS objects in a JS-side table instead of an
# externref table, which makes every boundary shim in the wasm smaller.
# -Zlocation-detail=none drops the source paths that RefCell and wasm-bindgen's checks would
# carry for panic messages no one can read (they abort at once). -Zfmt-debug=none and std's
# optimize_for_size matter for direct mode, whose dependencies format errors (5 KB of its
# wasm, LZMA-packed): `{:?}` prints nothing there, which only shortens one oauth2 message
# ("unexpected response Content-Type: , should be `application/json`").
# MIR optimisation level 3 (rustc's level above the release default; every level is meant
# to be sound, known-unsound passes stay behind -Zunsound-mir-opts, but level 3 is less
# exercised than 2; the package and end-to-end tests all run on this very build) with
# a MIR inlining threshold of 100 instead of 50 inlines and simplifies before LLVM sees the
# code: index.wasm packs 830 B smaller.
FLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none -Zmir-opt-level=3 -Zinline-mir-threshold=100 -Ctarget-cpu=mvp -Ctarget-feature=+mutable-globals,+sign-ext,+nontrapping-fptoint,+bulk-memory"

variant() {
  local name="$1" features="$2" std="$3"
  RUSTC_BOOTSTRAP=1 RUSTFLAGS="$FLAGS" \
    cargo build --quiet --release --no-default-features --features "$features" --target wasm32-unknown-unknown \
    -Zbuild-std="$std" -Zbuild-std-features=optimize_for_size --target-dir "target/$name"
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

variant ship client,ship core,alloc
variant direct direct std,panic_abort
