#!/usr/bin/env bash
# The full native pipeline that produces the shipped bundle in www/assets/, from MNIST to the
# evaluation report. Every step is seeded, checkpoints into runs/ and resumes when re-run.
# Usage: scripts/pipeline.sh   (env: RUNS=runs, BUNDLE=www/assets, FIGURES=www/figures,
#        STEPS_SCALE=1.0 to shorten or lengthen)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-runs}"
BUNDLE="${BUNDLE:-www/assets}"
FIGURES="${FIGURES:-www/figures}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target-native}"
cargo build --profile native --bin iin
iin="$CARGO_TARGET_DIR/native/iin"
scale() { python3 -c "print(max(1, int($1 * ${STEPS_SCALE:-1.0})))"; }
t0=$SECONDS
stamp() { echo "== $1 ($((SECONDS - t0)) s)"; }

stamp "prepare"
"$iin" prepare
stamp "autoencoder"
"$iin" train autoencoder --out "$RUNS/autoencoder" --steps "$(scale 3000)" --batch 64 --lr 1e-3 --seed 1
stamp "classifier"
"$iin" train classifier --out "$RUNS/classifier" --steps "$(scale 1500)" --batch 64 --lr 1e-3 --seed 2
stamp "judge"
"$iin" train judge --out "$RUNS/judge" --steps "$(scale 1500)" --batch 64 --lr 1e-3 --seed 3
stamp "flow: unsupervised"
"$iin" train flow --kind unsupervised --source "$RUNS/autoencoder/model.bin" \
    --out "$RUNS/flow-unsupervised" --steps "$(scale 2000)" --batch 128 --lr 1e-3 --seed 4
stamp "flow: supervised"
"$iin" train flow --kind supervised --source "$RUNS/autoencoder/model.bin" \
    --out "$RUNS/flow-supervised" --steps "$(scale 20000)" --batch 128 --lr 1e-3 --seed 5 --blocks 8
stamp "flow: classifier"
"$iin" train flow --kind classifier --source "$RUNS/classifier/model.bin" \
    --out "$RUNS/flow-classifier" --steps "$(scale 2000)" --batch 128 --lr 1e-3 --seed 6
stamp "export"
"$iin" export --autoencoder "$RUNS/autoencoder" --classifier "$RUNS/classifier" \
    --flow-unsupervised "$RUNS/flow-unsupervised" --flow-supervised "$RUNS/flow-supervised" \
    --flow-classifier "$RUNS/flow-classifier" --out "$BUNDLE" --examples 1000 --seed 7 --dtype i8
stamp "eval"
"$iin" eval --bundle "$BUNDLE" --judge "$RUNS/judge" --json "$BUNDLE/eval.json" --n 1000 \
    --figures "$FIGURES"
stamp "done"
