#!/usr/bin/env bash
# The measured choice of the supervised flow's size (issue #3: "choose width and depth by
# measured quality"): trains the supervised flow on the autoencoder's codes at a few
# (blocks, hidden, depth) settings with the same steps and seed, exports each into a bundle that
# differs from the shipped one only in that flow, and evaluates swap fidelity with the judge.
# Prints one row per setting: parameters, training time, digit_follows, colour_error, digit_kept.
# Needs runs/autoencoder, runs/classifier, runs/flow-unsupervised, runs/flow-classifier and
# runs/judge from scripts/pipeline.sh. Usage: scripts/sweep-flow.sh [STEPS]   (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS="${1:-2000}"
RUNS="${RUNS:-runs}"
OUT="$RUNS/sweep-$STEPS"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target-native}"
cargo build --quiet --profile native --bin iin
iin="$CARGO_TARGET_DIR/native/iin"
mkdir -p "$OUT"

settings=("2 128 2" "4 64 2" "4 128 2" "4 256 2" "8 128 2" "4 128 3")
for s in "${settings[@]}"; do
  read -r blocks hidden depth <<<"$s"
  name="b${blocks}-h${hidden}-d${depth}"
  run="$OUT/$name"
  start=$SECONDS
  "$iin" train flow --kind supervised --source "$RUNS/autoencoder/model.bin" --out "$run" \
      --steps "$STEPS" --batch 128 --lr 1e-3 --seed 5 \
      --blocks "$blocks" --hidden "$hidden" --depth "$depth" >"$run.train.log" 2>&1
  echo "$((SECONDS - start))" >"$run.seconds"
  "$iin" export --autoencoder "$RUNS/autoencoder" --classifier "$RUNS/classifier" \
      --flow-unsupervised "$RUNS/flow-unsupervised" --flow-supervised "$run" \
      --flow-classifier "$RUNS/flow-classifier" --out "$run/bundle" --examples 1000 --seed 7 \
      >"$run.export.log" 2>&1
  "$iin" eval --bundle "$run/bundle" --judge "$RUNS/judge" --json "$run/eval.json" --n 1000 \
      >"$run.eval.log" 2>&1
done

python3 - "$OUT" "${settings[@]}" <<'PY'
import json, sys
out, settings = sys.argv[1], sys.argv[2:]
print(f"{'blocks':>6} {'hidden':>6} {'depth':>5} {'params':>9} {'train s':>8} {'digit_follows':>13} {'colour_error':>12} {'digit_kept':>10}")
for s in settings:
    b, h, d = s.split()
    run = f"{out}/b{b}-h{h}-d{d}"
    e = json.load(open(f"{run}/eval.json"))
    m = json.load(open(f"{run}/bundle/bundle.json"))
    params = m["flows"]["supervised"]["parameters"]
    secs = open(f"{run}.seconds").read().strip()
    sw = e["swap"]
    print(f"{b:>6} {h:>6} {d:>5} {params:>9} {secs:>8} {sw['digit_follows']:>13.3f} {sw['colour_error']:>12.4f} {sw['digit_kept']:>10.3f}")
PY
