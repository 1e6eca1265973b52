#!/usr/bin/env bash
# The page bench: drives the built page (dist/) in headless Chromium on each device (WebGPU via
# SwiftShader, then the CPU fallback) and prints the time to the first decoded image, the
# slider-to-pixels latency (p50, p95), the analogy-grid render time and the page's compressed
# transfer size, as a table and a JSON line (tests/browser/bench.mjs serves dist/ itself).
# Options pass through: --devices cpu, --steps 100, --concept-steps N (30 CPU, 3 WebGPU), --dist DIR.
# The concept row: the thickness preset learned through the panel; the default number of steps
# (300 WebGPU, 150 CPU) is extrapolated from the measured rate when fewer are measured.
# SwiftShader is a software GPU: its times say nothing about a real one.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-browser.sh
if [ ! -f dist/index.html ]; then
  echo "bench-page: dist/ is missing, building it (scripts/build-web.sh)" >&2
  scripts/build-web.sh
fi
node tests/browser/bench.mjs "$@"
