#!/usr/bin/env bash
# The benchmark: builds both clients and prints size, cold start, cached-call, collapse and
# memory figures for ours against @backstage/core-app-api 1.20.7, from one Chromium run.
# Pass --quick for a shorter run. Writes build/bench.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
scripts/build.sh
cd tests && exec node bench/bench.mjs "$@"
