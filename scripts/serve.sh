#!/usr/bin/env bash
# Build the page and serve it on http://127.0.0.1:${PORT:-8080}/ (Ctrl-C to stop).
# `--no-build` serves the dist/ already there. The server is a plain static one: the page is a
# folder of files and needs nothing else (python3's http.server serves .wasm as application/wasm).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8080}"
if [ "${1:-}" != "--no-build" ]; then
  scripts/build-web.sh # installs the pinned tools when missing, runs cargo fetch, trunk build
fi
if [ ! -f dist/index.html ]; then
  echo "serve: dist/index.html is missing; run scripts/build-web.sh (or drop --no-build)" >&2
  exit 1
fi
echo "serve: http://127.0.0.1:$PORT/" >&2
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory dist
