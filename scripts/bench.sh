#!/usr/bin/env bash
# The benchmark: builds both clients and prints size, cold start (in a bare page and in the
# stock Backstage app of www/), cached-call, collapse and memory figures for ours against
# @backstage/core-app-api 1.20.7, from one Chromium run; then the direct entry's cold start
# (its wasm's steps, and the first refreshSession() against the demo's IdP), which has no
# 1.20.7 counterpart.
# Pass --quick for a shorter run. Writes build/bench.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
scripts/build.sh
# The stock Backstage app of www/, for its cold-load figure (installs once, then rebuilds).
scripts/www-setup.sh
cd tests && exec node bench/bench.mjs "$@"
