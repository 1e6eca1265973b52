#!/usr/bin/env bash
# Browser tests: serve dist/ on 127.0.0.1 (a free port) and drive the page in headless Chromium
# (tests/browser/smoke.mjs), once with WebGPU (SwiftShader) and once on the CPU fallback.
# Builds dist/ first when it is missing (scripts/build-web.sh); screenshots go to test-results/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-browser.sh
if [ ! -f dist/index.html ]; then
  echo "browser-test: dist/ is missing, building it" >&2
  scripts/build-web.sh
fi
mkdir -p test-results

port="${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
python3 -m http.server "$port" --bind 127.0.0.1 --directory dist >test-results/server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT

for _ in $(seq 1 50); do
  if python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "browser-test: the static server exited:" >&2
    cat test-results/server.log >&2
    exit 1
  fi
  sleep 0.2
done

IIN_URL="http://127.0.0.1:$port/" node tests/browser/smoke.mjs
