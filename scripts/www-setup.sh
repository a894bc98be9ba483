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
# npm keeps an installed package whose tarball changed under the same version: drop ours
# so this build's is extracted. Everything else is installed once (better-sqlite3
# compiles from source the first time) and then found up to date.
rm -rf node_modules/backstage-oauth2-wasm
log "installing npm packages"
npm install --no-audit --no-fund --loglevel=error
# Direct mode's redirect URI page, from the installed package, as a user would copy it.
cp node_modules/backstage-oauth2-wasm/direct-callback.html node_modules/backstage-oauth2-wasm/direct-callback.js \
  packages/app/public/
log "building the apps with backstage-cli (Rspack): legacy and new frontend system"
(cd packages/app && npx backstage-cli package build >/dev/null)
(cd packages/app-next && npx backstage-cli package build >/dev/null)
