#!/usr/bin/env bash
# Browser tests: tests/browser/page.mjs serves dist/ itself (a small node server, at a subpath
# and at the root) and drives the page in headless Chromium, once with WebGPU (SwiftShader) and
# once on the CPU fallback. Builds dist/ first when it is missing (scripts/build-web.sh);
# screenshots go to test-results/. Prints ok/FAIL lines; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-browser.sh
if [ ! -f dist/index.html ]; then
  echo "browser-test: dist/ is missing, building it" >&2
  scripts/build-web.sh
fi
mkdir -p test-results
node tests/browser/page.mjs --dist dist "$@"
