#!/usr/bin/env bash
# Detection speed, piikit vs Python PyTorch, in one run: piikit's end-to-end detect (tokenize,
# forward, constrained Viterbi, window merge) next to Python's forward pass alone of the same
# model (same weights, same token ids, same batches; see bench/detect_bench.py).
#
#   bench/run_detect_bench.sh [MODEL_DIR]
#
# MODEL_DIR defaults to runs/default (the README's main command); when that does not exist a
# randomly initialised model of the default preset is written to build/detect-bench-model (speed
# does not depend on the weights' values). Uses build/ (configured here if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${PIIKIT_BUILD_DIR:-build}
MODEL=${1:-runs/default}
TEXTS=${PIIKIT_BENCH_TEXTS:-2000}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target detect_bench -j2 >/dev/null
if [ ! -f "$MODEL/model.pt" ]; then
  MODEL="$BUILD/detect-bench-model"
  [ -f "$MODEL/model.pt" ] || "$BUILD/detect_bench" --make-model="$MODEL"
fi
EXPORT="$BUILD/detect-bench-export"
OUT="$BUILD/detect-bench-cpp.json"
"$BUILD/detect_bench" --model="$MODEL" --texts="$TEXTS" --export="$EXPORT" \
  --benchmark_format=console --benchmark_out="$OUT" --benchmark_out_format=json
PY1=$(/usr/bin/python3 bench/detect_bench.py --model "$MODEL" --export "$EXPORT" --threads 1)
PY2=$(/usr/bin/python3 bench/detect_bench.py --model "$MODEL" --export "$EXPORT" --threads 2)
/usr/bin/python3 - "$OUT" "$PY1" "$PY2" "$MODEL" <<'PYEOF'
import json, sys
cpp = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
py = [json.loads(sys.argv[2]), json.loads(sys.argv[3])]
print(f"\nmodel: {sys.argv[4]}   (Python logits max |diff| vs piikit: {py[0]['logits_maxdiff']:.2e})")
print(f"{'':34} {'texts/s':>9} {'tokens/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
for t, p in zip((1, 2), py):
    thr = [v for k, v in cpp.items() if k.startswith(f"BM_DetectThroughput/threads:{t}/")][0]
    lat = [v for k, v in cpp.items() if k.startswith(f"BM_DetectLatency64/threads:{t}/")][0]
    print(f"{'piikit detect, end to end, ' + str(t) + ' thr':34} {thr['texts_per_s']:9.0f} "
          f"{thr['tokens_per_s']:10.0f} {lat['p50_ms']:8.3f} {lat['p99_ms']:8.3f}")
    print(f"{'PyTorch forward only, ' + str(t) + ' thr':34} {p['texts_per_s']:9.0f} "
          f"{p['tokens_per_s']:10.0f} {p['p50_ms']:8.3f} {p['p99_ms']:8.3f}")
PYEOF
