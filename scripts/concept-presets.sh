#!/usr/bin/env bash
# The concept measurements in the README (issue #5): learns the thin/thick, upright/slanted and
# angular/round presets on the shipped bundle with `iin concept` and scores each with
# `iin eval --concept` (Spearman against measured stroke width or slant on held-out digits, or,
# for roundness, against the squaring applied to each digit; and digit and colour swap fidelity
# after learning). Prints one row per run.
# Usage: scripts/concept-presets.sh [STEPS...]   (default: 150 600)   env: OUT=/tmp/concept-runs
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="${OUT:-/tmp/concept-runs}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target-native}"
cargo build --quiet --profile native --bin iin
iin="$CARGO_TARGET_DIR/native/iin"
mkdir -p "$OUT"
steps=("$@")
[ "${#steps[@]}" -gt 0 ] || steps=(150 600)

"$iin" eval --bundle www/assets --judge runs/judge --json "$OUT/before.json" >"$OUT/before.log" 2>&1
for n in "${steps[@]}"; do
  for preset in thickness slant roundness; do
    run="$OUT/$preset-$n"
    start=$SECONDS
    "$iin" concept --bundle www/assets --preset "$preset" --name "$preset" --steps "$n" \
        --out "$run" >"$run.log" 2>&1
    echo "$((SECONDS - start))" >"$run.seconds"
    against="$preset"
    [ "$preset" != roundness ] || against=angularity
    "$iin" eval --bundle "$run" --judge runs/judge --concept "$preset" --against "$against" \
        --json "$run.json" >>"$run.log" 2>&1
  done
done

python3 - "$OUT" "${steps[@]}" <<'PY'
import json, sys
out, steps = sys.argv[1], sys.argv[2:]
b = json.load(open(f"{out}/before.json"))["swap"]
print(f"{'bundle':<22} {'steps':>5} {'seconds':>7} {'spearman':>8} {'digit_follows':>13} {'colour_error':>12} {'digit_kept':>10}")
print(f"{'www/assets':<22} {'':>5} {'':>7} {'':>8} {b['digit_follows']:>13.3f} {b['colour_error']:>12.4f} {b['digit_kept']:>10.3f}")
for n in steps:
    for p in ["thickness", "slant", "roundness"]:
        e = json.load(open(f"{out}/{p}-{n}.json"))
        s = e["swap"]
        secs = open(f"{out}/{p}-{n}.seconds").read().strip()
        print(f"{'+ ' + p:<22} {n:>5} {secs:>7} {e['concept']['spearman']:>8.3f} {s['digit_follows']:>13.3f} {s['colour_error']:>12.4f} {s['digit_kept']:>10.3f}")
PY
