#!/usr/bin/env bash
# One command for the demo: set-up, package build, the Backstage app build, then the
# identity provider, the Backstage backend and the app on loopback until Ctrl-C.
# `scripts/demo.sh --direct` runs direct mode instead: no backend in the path.
# `scripts/demo.sh --next` serves the new-frontend-system app (www/packages/app-next).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
scripts/build.sh
scripts/www-setup.sh
exec node www/demo.mjs "$@"
