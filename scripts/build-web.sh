#!/usr/bin/env bash
# Build the page into dist/: `trunk build --release` with the pinned tools and no downloads.
# wasm-opt is skipped (index.html: data-wasm-opt="0"; Debian's binaryen 108 produces a broken
# wasm); size comes from the release profile (opt-level "s", fat LTO, codegen-units 1).
# Prints the size of the wasm, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_BIN="$(scripts/install-tools.sh | tail -n1)"
export PATH="$TOOLS_BIN:$PATH"

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
