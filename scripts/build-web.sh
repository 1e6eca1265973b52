#!/usr/bin/env bash
# Build the page into dist/: `trunk build --release` with the pinned tools and no downloads.
# Size comes from the release profile (opt-level "s", fat LTO, codegen-units 1) and then
# wasm-opt -Oz (index.html: data-wasm-opt="z") from npm's binaryen 132, pinned in package.json
# (Debian's binaryen 108 produces a broken wasm). Prints the size of the wasm, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_BIN="$(scripts/install-tools.sh | tail -n1)"
export PATH="$TOOLS_BIN:$PATH"

# wasm-opt from npm binaryen (package.json); trunk finds it on PATH at this version.
if [ ! -x node_modules/.bin/wasm-opt ]; then
  echo "build-web: npm ci (binaryen for wasm-opt)" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
export PATH="$PWD/node_modules/.bin:$PATH"
export TRUNK_TOOLS_WASM_OPT=version_132

# Trunk.toml sets `offline = true`, which passes --offline to cargo: fetch first.
cargo fetch --quiet

start=$SECONDS
trunk build --release
echo "build-web: trunk build --release took $((SECONDS - start)) s" >&2

shopt -s nullglob
wasm=(dist/*.wasm)
if [ "${#wasm[@]}" -ne 1 ]; then
  echo "build-web: ERROR: expected one .wasm in dist/, found ${#wasm[@]}" >&2
  exit 1
fi
raw=$(stat -c %s "${wasm[0]}")
gz=$(gzip -9 -c "${wasm[0]}" | wc -c)
echo "build-web: ${wasm[0]}: $raw bytes ($((raw / 1024 / 1024)) MiB), gzip -9: $gz bytes ($((gz / 1024 / 1024)) MiB)" >&2
