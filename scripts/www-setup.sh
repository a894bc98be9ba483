#!/usr/bin/env bash
# Prepares www/ (the Backstage demo stack) after scripts/build.sh: packs pkg/ into the
# tarball the app depends on, installs www's npm packages (once; later runs only swap in
# the new tarball), and builds the app with the stock backstage-cli.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '[www] %s\n' "$*" >&2; }

(cd pkg && npm pack --silent --pack-destination ../build >/dev/null)
node scripts/www-lock.mjs build/backstage-oauth2-wasm-0.1.0.tgz www/package-lock.json
cd www
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.setup-stamp ]; then
  log "installing npm packages (better-sqlite3 compiles from source the first time)"
  npm install --no-audit --no-fund --loglevel=error
  touch node_modules/.setup-stamp
fi
log "building the app with backstage-cli (Rspack)"
(cd packages/app && npx backstage-cli package build >/dev/null)
