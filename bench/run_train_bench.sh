#!/bin/sh
# Training throughput: piikit's train step (C++) against the same model in Python PyTorch, on the
# same machine, batch and data, in one run; plus the matrix-multiply ceiling (torch::mm 2048^3).
#
#   bench/run_train_bench.sh [BUILD_DIR] [PRESET] [ROUNDS]     (defaults: build tiny 2)
#
# The two programs alternate ROUNDS times (the machines are noisy); medians are reported.
# Prints tokens/s of each, the ratio piikit / Python, and piikit's model GFLOP/s as a fraction of
# the ceiling. Two pairings: each program with its defaults (piikit: no dropout on the attention
# probabilities; nn.TransformerEncoderLayer: dropout 0.1 there), and the same step on both sides
# (attention dropout 0 in Python, the "matched" figure; for the tiny preset also 0.1 in both). Needs a build with the benchmarks (PIIKIT_BUILD_BENCHMARKS=ON, the default) and
# /usr/bin/python3 with Debian's python3-torch. Takes about 1 minute per round.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
preset=${2:-tiny}
rounds=${3:-2}
bench=$build/train_step_bench
[ -x "$bench" ] || { echo "run_train_bench.sh: $bench not found (build target train_step_bench)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "load average before: $(cut -d" " -f1-3 /proc/loadavg)"
# The BLAS ceiling with OpenBLAS on all threads (PIIKIT_GEMM=blas), and oneDNN's, which piikit's
# Linear layers use by default; the machine's ceiling is the larger.
PIIKIT_GEMM=blas "$bench" --benchmark_filter='BM_MatmulCeiling/' --benchmark_format=json \
  >"$tmp/ceiling.json" 2>/dev/null
"$bench" --benchmark_filter='BM_MatmulCeilingOneDnn' --benchmark_format=json \
  >"$tmp/ceiling_dnn.json" 2>/dev/null
i=1
while [ "$i" -le "$rounds" ]; do
  "$bench" --benchmark_filter="^BM_TrainStep/$preset/min_time" --benchmark_repetitions=3 \
    --benchmark_format=json >"$tmp/cpp$i.json" 2>"$tmp/threads.txt"
  PIIKIT_GEMM=blas "$bench" --benchmark_filter="^BM_TrainStep/$preset/min_time" \
    --benchmark_repetitions=3 --benchmark_format=json >"$tmp/cppblas$i.json" 2>/dev/null
  /usr/bin/python3 "$here/train_step_bench.py" --preset "$preset" --repeats 3 >"$tmp/py$i.json"
  /usr/bin/python3 "$here/train_step_bench.py" --preset "$preset" --repeats 3 \
    --attention-dropout 0 >"$tmp/py0_$i.json"
  if [ "$preset" = tiny ]; then
    "$bench" --benchmark_filter="^BM_TrainStep/tiny/attention_dropout/" --benchmark_repetitions=3 \
      --benchmark_format=json >"$tmp/cppad$i.json" 2>/dev/null
  fi
  i=$((i + 1))
done

echo "load average after: $(cut -d" " -f1-3 /proc/loadavg) (figures are only meaningful on an idle machine)"
cat "$tmp/threads.txt"
/usr/bin/python3 - "$tmp" "$rounds" "$preset" <<'PY'
import json, statistics, sys
tmp, rounds, preset = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def iterations(path, key):
    try:
        return [b[key] for b in json.load(open(path))["benchmarks"]
                if b.get("run_type") == "iteration" and key in b]
    except (OSError, ValueError):
        return []
ceiling_blas = iterations(f"{tmp}/ceiling.json", "GFLOPs")
ceiling_dnn = iterations(f"{tmp}/ceiling_dnn.json", "GFLOPs")
ceiling = ceiling_blas + ceiling_dnn
import os
cpp, gflops, py, py0, cppad, cppblas = [], [], [], [], [], []
for i in range(1, rounds + 1):
    for b in json.load(open(f"{tmp}/cpp{i}.json"))["benchmarks"]:
        if b.get("run_type") == "iteration":
            cpp.append(b["tokens_per_second"]); gflops.append(b["model_GFLOPs"])
    cppblas.extend(iterations(f"{tmp}/cppblas{i}.json", "tokens_per_second"))
    py.extend(json.loads(open(f"{tmp}/py{i}.json").read())["all"])
    py0.extend(json.loads(open(f"{tmp}/py0_{i}.json").read())["all"])
    if os.path.exists(f"{tmp}/cppad{i}.json"):
        for b in json.load(open(f"{tmp}/cppad{i}.json"))["benchmarks"]:
            if b.get("run_type") == "iteration":
                cppad.append(b["tokens_per_second"])
c, g, p = (statistics.median(x) for x in (cpp, gflops, py))
mb = statistics.median(ceiling_blas)
md = statistics.median(ceiling_dnn) if ceiling_dnn else 0.0
m = max(mb, md)
print(f"matmul ceiling, 2048^3 fp32: BLAS (torch::mm) {mb:.1f} GFLOP/s, oneDNN {md:.1f} GFLOP/s; "
      f"machine ceiling {m:.1f}")
print(f"piikit  train step ({preset}, 32x64): {c:,.0f} tokens/s  ({g:.1f} model GFLOP/s)")
print(f"PyTorch train step ({preset}, 32x64): {p:,.0f} tokens/s")
print(f"ratio piikit / PyTorch, each with its defaults: {c / p:.2f}x   (goal >= 1.5x)")
p0 = statistics.median(py0)
print(f"PyTorch train step, attention dropout 0 as piikit's default: {p0:,.0f} tokens/s; "
      f"matched ratio {c / p0:.2f}x")
if cppad:
    ca = statistics.median(cppad)
    print(f"piikit with attention dropout 0.1 as PyTorch's default: {ca:,.0f} tokens/s; "
          f"matched ratio {ca / p:.2f}x")
if cppblas:
    cb = statistics.median(cppblas)
    print(f"piikit with PIIKIT_GEMM=blas (Linear layers through BLAS, as Python): {cb:,.0f} tokens/s;"
          f" ratio {cb / p:.2f}x")
print(f"fraction of the machine's matmul ceiling: {g / m:.0%}   (goal >= 50%); "
      f"of the BLAS ceiling alone: {g / mb:.0%}")
print(f"best samples (least disturbed): piikit {max(cpp):,.0f}, PyTorch {max(py):,.0f} tokens/s, "
      f"ratio {max(cpp) / max(py):.2f}x; ceiling {max(ceiling):.1f} GFLOP/s, "
      f"fraction {max(gflops) / max(ceiling):.0%}")
print(f"samples: piikit {[round(x) for x in cpp]}, PyTorch {[round(x) for x in py]}")
PY
