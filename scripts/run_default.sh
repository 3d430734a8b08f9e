#!/usr/bin/env bash
# The README's main command: sets up, builds, generates data, trains the default model with
# automatic class weights (about 10 minutes on 2 cores), then evaluates it on the generator's
# held-out eval split (disjoint templates and lexicon values) and prints the per-type report.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${PIIKIT_OUT:-runs/default}
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target piikit -j"$(nproc)"
build/piikit train --out "$OUT"
build/piikit generate --split eval --count 2000 --seed 7 --out "$OUT/heldout-eval.jsonl"
build/piikit eval --model "$OUT" --data "$OUT/heldout-eval.jsonl" --json "$OUT/heldout-eval.json"
