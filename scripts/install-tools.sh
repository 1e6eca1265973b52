#!/usr/bin/env bash
# Install the web build tools, only when missing, into a reusable folder:
#   trunk 0.21.14 (--locked) and wasm-bindgen-cli 0.2.130 (must equal the wasm-bindgen crate in
#   Cargo.lock; installed WITHOUT --locked: one locked dependency is missing from crates.io).
# Nothing is downloaded from outside crates.io. Prints the PATH to use on its last line:
#   export PATH="$(scripts/install-tools.sh | tail -n1):$PATH"   (or eval "$(... --export)")
# Env: IIN_TOOLS (default $HOME/.cache/iin-tools).
set -euo pipefail

TRUNK_VERSION="0.21.14"
WASM_BINDGEN_VERSION="0.2.130"
ROOT="${IIN_TOOLS:-$HOME/.cache/iin-tools}"
BIN="$ROOT/bin"

# Installed version of a binary ("" when missing or broken).
installed_version() { # $1 binary, prints e.g. 0.21.14
  [ -x "$BIN/$1" ] || return 0
  "$BIN/$1" --version 2>/dev/null | awk '{print $2}' | head -n1 || true
}

install_one() { # $1 crate, $2 binary, $3 version, $4.. extra cargo install flags
  local crate="$1" bin="$2" version="$3"; shift 3
  local have; have="$(installed_version "$bin")"
  if [ "$have" = "$version" ]; then
    echo "install-tools: $bin $version already installed in $BIN" >&2
    return 0
  fi
  echo "install-tools: installing $crate $version into $ROOT (found: ${have:-none}); this takes minutes" >&2
  local start=$SECONDS
  cargo install "$crate" --version "$version" --root "$ROOT" --force "$@" >&2
  echo "install-tools: $crate $version installed in $((SECONDS - start)) s" >&2
  have="$(installed_version "$bin")"
  if [ "$have" != "$version" ]; then
    echo "install-tools: ERROR: $BIN/$bin reports '${have}', expected $version" >&2
    exit 1
  fi
}

mkdir -p "$ROOT"
# One after the other (2 cores): trunk first, then wasm-bindgen-cli.
install_one trunk trunk "$TRUNK_VERSION" --locked
install_one wasm-bindgen-cli wasm-bindgen "$WASM_BINDGEN_VERSION"

if [ "${1:-}" = "--export" ]; then
  echo "export PATH=\"$BIN:\$PATH\""
else
  echo "$BIN"
fi
