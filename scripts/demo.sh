#!/usr/bin/env bash
# One command for the demo: set-up, package build, then the servers on loopback.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
scripts/build.sh
exec node www/minimal/serve.mjs
