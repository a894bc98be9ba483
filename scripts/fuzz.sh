#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (cargo-fuzz, libFuzzer, natively), each for a number of
# inputs or a time, and prints what each ran and found.
#   scripts/fuzz.sh [--runs N | --time SECONDS] [--jobs J] [--grow-corpus] [target ...]
# Defaults: --runs 100000 (the smoke run of scripts/test.sh), every target, one at a time.
# Each target starts from its corpus in fuzz/corpus/<target> (kept in git, minimised); the
# inputs a run finds go to a scratch directory unless --grow-corpus adds them to the corpus
# (then minimise it: cargo fuzz cmin). A failing input is written to fuzz/artifacts/<target>/
# and fails the run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/fuzz"
export PATH="$HOME/.cargo/bin:$PATH"
# cargo-fuzz passes unstable flags (coverage instrumentation for libFuzzer); the pinned
# stable compiler accepts them for these native builds only, as for the shipped wasm.
export RUSTC_BOOTSTRAP=1

limit=(-runs=100000)
jobs=1
grow=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) limit=(-runs="$2"); shift 2 ;;
    --time) limit=(-max_total_time="$2"); shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --grow-corpus) grow=1; shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)

# No sanitizer: every fuzzed module is safe Rust (the crate's one unsafe module, the wasm
# allocator, is not built natively), so AddressSanitizer would only slow the runs (about
# 2x) without anything to catch. Overflow and debug assertions stay on.
FLAGS=(-O --debug-assertions --sanitizer none)
cargo fuzz build "${FLAGS[@]}" >/dev/null 2>&1 || cargo fuzz build "${FLAGS[@]}"

run() {
  local target="$1" log
  log="$(mktemp)"
  mkdir -p "corpus/$target" "artifacts/$target"
  # libFuzzer writes what it finds into its first corpus directory.
  local dirs=("corpus/$target")
  [ "$grow" = 1 ] || dirs=("$(mktemp -d)" "corpus/$target")
  local started=$SECONDS
  if cargo fuzz run "${FLAGS[@]}" "$target" "${dirs[@]}" -- "${limit[@]}" -max_len=4096 \
      -print_final_stats=1 -close_fd_mask=1 >"$log" 2>&1; then
    local runs took=$((SECONDS - started))
    runs="$(awk '/stat::number_of_executed_units/{print $NF}' "$log")"
    printf '[fuzz] %-17s %10s inputs in %5d s (%s/s), corpus %4d: 0 panics, 0 invariant failures\n' \
      "$target" "$runs" "$took" "$((runs / (took > 0 ? took : 1)))" "$(find "${dirs[@]}" -type f | wc -l)"
  else
    echo "[fuzz] $target FAILED (the input is in fuzz/artifacts/$target/):"
    grep -E "panicked|assert|ERROR|SUMMARY" -A2 "$log" | head -20
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  [ "$grow" = 1 ] || rm -rf "${dirs[0]}"
}
status=0
if [ "$jobs" -gt 1 ]; then
  # Several targets at once, each on its own core.
  env="$(declare -p FLAGS limit grow; declare -f run)"
  printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c "$env; run {}" || status=1
else
  for t in "${targets[@]}"; do run "$t" || status=1; done
fi
exit $status
