#!/usr/bin/env bash
# Every test of the project, from a clean clone: set-up, lint, native tests, the package
# build (with its size printed), browser tests, type check and package-level tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n=== %s\n' "$*"; }
# Each suite gets a bound: a wait that never ends (a lost browser event, a request that never
# answers) fails the suite after ten minutes instead of holding CI until its own limit. Node
# 20 applies --test-timeout to a test file as a whole; the longest file, the fault matrix,
# takes about 2.5 minutes.
node_test() { (cd tests && node --test --test-reporter=spec --test-timeout=600000 "$@"); }

step "set-up"
scripts/setup.sh

step "format and lints"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --features direct --all-targets -- -D warnings
# The shipped direct entry: the connector without the OAuth2 class.
cargo clippy --quiet --target wasm32-unknown-unknown --no-default-features --features direct --lib -- -D warnings
(cd fuzz && cargo fmt --check && cargo clippy --quiet --all-targets -- -D warnings)

step "native tests (session core, ID token checks)"
cargo test --quiet --features direct

step "fuzz smoke: 100,000 inputs per target (long runs: scripts/fuzz.sh --runs N or --time S)"
scripts/fuzz.sh --runs 100000 --jobs 2

step "package build"
scripts/build.sh

step "browser tests (wasm-bindgen-test in headless Chromium)"
# wasm-bindgen-test's own runner serves the tests; Playwright drives Chromium instead of
# ChromeDriver, which hung on that server's first page load (scripts/wasm-browser-tests.mjs).
(cd tests && node ../scripts/wasm-browser-tests.mjs)

step "TypeScript drop-in check"
(cd tests && npx tsc -p types/tsconfig.json)

step "the embedded-wasm LZMA decoder against the build's encoder"
node_test unlzma.test.mjs

step "package tests (wasm client vs @backstage/core-app-api 1.20.7, headless Chromium)"
node_test package.test.mjs

step "cross-tab sessions: several pages of one browser context (ours, and 1.20.7 for comparison)"
node_test crosstab.test.mjs

step "resilience: retry, timeouts, background refresh, popup fallback, session events (and 1.20.7 without them)"
node_test resilience.test.mjs

step "the packed package in Node (ESM, CommonJS), Vite and webpack 5, without configuration"
node_test loaders.test.mjs

step "the Backstage app in www/: install, build with backstage-cli (Rspack)"
scripts/www-setup.sh

step "the Backstage apps' Jest tests (backstage-cli package test, jsdom): legacy and new frontend system"
(cd www/packages/app && CI=true npx backstage-cli package test --watchAll=false)
(cd www/packages/app-next && CI=true npx backstage-cli package test --watchAll=false)

step "the new-frontend-system app type-checks against @backstage/frontend-plugin-api's types"
(cd www/packages/app-next && npx tsc -p tsconfig.json)

step "end to end: app + Backstage auth backend + oidc-provider on loopback, headless Chromium"
node_test e2e.test.mjs

step "end to end, new frontend system: app-next + Backstage auth backend + oidc-provider"
node_test e2e-next.test.mjs

step "fault matrix on the real stack: each fault with our client and 1.20.7's, default options; then transient faults with retry"
node_test faults.test.mjs

step "no token leaks, foreign messages ignored, 200,000 hostile messages (real stack)"
node_test hardening.test.mjs

step "end to end, direct mode: app + oidc-provider, no backend"
node_test e2e-direct.test.mjs
