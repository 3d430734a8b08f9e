#!/usr/bin/env bash
# piikit on a CUDA GPU: builds against a CUDA-enabled libtorch and checks it there.
#
#   scripts/cuda_check.sh [BUILD_DIR] [RESULTS_DIR]   (defaults: build-cuda, BUILD_DIR/results)
#   scripts/cuda_check.sh --fetch-deps DIR            downloads Debian's build dependencies (.debs)
#
# libtorch: TORCH_DIR (a directory holding TorchConfig.cmake) if set, else Python's torch
# (python3 -c 'import torch': <torch>/share/cmake/Torch). Build dependencies: installed
# (scripts/setup.sh), or, on a machine where nothing can be installed, PIIKIT_DEPS_DEBS=DIR holding
# the .debs that --fetch-deps downloads (on a Debian machine with network), unpacked into a
# private prefix. Stages, in order, each logged in RESULTS_DIR; a stage that would not end before
# PIIKIT_CUDA_DEADLINE seconds (default 570) after the start is skipped:
#   1. configure and build piikit, cuda_test and train_step_bench (build.log)
#   2. cuda_test: model, loss, training, resume and detection on the GPU against the CPU
#   3. the training step on the GPU against the same step in Python PyTorch on the GPU, presets
#      tiny/small/base at batch 32x64 and 128x128, and cuBLAS's fp32 matmul ceiling (bench.txt)
#   4. a short `piikit train --device cuda` run with frequent evaluations and checkpoints
#   5. `piikit train --device cuda` on the built-in defaults with a time budget of
#      PIIKIT_CUDA_TRAIN_MINUTES (default 2), evaluated on 2,000 held-out samples of the eval split
#      (train.log, eval.txt, eval.json; the model directory as model.tgz)
# RESULTS_DIR ends with at most 9 files: summary.txt, build.log, cuda_test.log, bench.txt,
# train_short.log, train.log, eval.txt, eval.json, model.tgz (PIIKIT_CUDA_BENCH=0: no benchmarks).
set -uo pipefail

if [ "${1:-}" = "--fetch-deps" ]; then
  dir=${2:?usage: cuda_check.sh --fetch-deps DIR}
  mkdir -p "$dir" && cd "$dir" || exit 1
  apt-get download nlohmann-json3-dev libtomlplusplus-dev libtomlplusplus3 libcli11-dev \
    libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libsentencepiece-dev libsentencepiece0 \
    libgtest-dev libgmock-dev libbenchmark-dev libbenchmark1debian pkgconf pkgconf-bin libpkgconf3
  exit $?
fi

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-cuda}
results=${2:-$build/results}
deadline=${PIIKIT_CUDA_DEADLINE:-570}
train_minutes=${PIIKIT_CUDA_TRAIN_MINUTES:-2}
work=$build/cuda_check_work  # intermediate files (RESULTS_DIR keeps 8 files at most)
mkdir -p "$build" "$results" "$work"
start=$(date +%s)
elapsed() { echo $(($(date +%s) - start)); }
fits() {  # fits SECONDS: the stage's expected length still fits before the deadline
  if [ $(($(elapsed) + $1)) -gt "$deadline" ]; then
    echo "== skipped: $2 (needs ~$1 s, $(elapsed) s of $deadline used)" | tee -a "$results/summary.txt"
    return 1
  fi
}
say() { echo "== [$(elapsed) s] $*" | tee -a "$results/summary.txt"; }

# Build dependencies from unpacked .debs.
if [ -n "${PIIKIT_DEPS_DEBS:-}" ]; then
  prefix=/tmp/piikit-deps
  rm -rf "$prefix" && mkdir -p "$prefix"
  for deb in "$PIIKIT_DEPS_DEBS"/*.deb; do dpkg-deb -x "$deb" "$prefix" || exit 1; done
  sed -i "s|^prefix=/usr|prefix=$prefix/usr|" "$prefix"/usr/lib/x86_64-linux-gnu/pkgconfig/*.pc
  ln -sf pkgconf "$prefix/usr/bin/pkg-config"
  export PATH="$prefix/usr/bin:$PATH"
  export CMAKE_PREFIX_PATH="$prefix/usr${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
  export PKG_CONFIG_PATH="$prefix/usr/lib/x86_64-linux-gnu/pkgconfig"
  export CPATH="$prefix/usr/include" LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu"
  export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  python3 -c 'import torch; print("python torch", torch.__version__, "cuda", torch.version.cuda)' || true
  echo "cores $(nproc); $(c++ --version | head -1); $(cmake --version | head -1)"
} 2>&1 | tee -a "$results/summary.txt"

torch_dir=${TORCH_DIR:-}
torch_site=$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)
if [ -z "$torch_dir" ] && [ -n "$torch_site" ]; then torch_dir=$torch_site/share/cmake/Torch; fi
[ -n "$torch_dir" ] || { echo "cuda_check.sh: no libtorch (set TORCH_DIR)" >&2; exit 1; }
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

say "configure against $torch_dir"
configure() {
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$1" \
    -DPIIKIT_BUILD_TESTS=ON -DPIIKIT_BUILD_BENCHMARKS=ON >>"$results/build.log" 2>&1
}
if ! configure "$torch_dir"; then
  # Torch's own CMake package can fail to find parts of a CUDA toolkit it does not need for a
  # C++ program; fall back to the libraries of the Python package, named directly.
  [ -n "$torch_site" ] || { say "configure failed"; tail -40 "$results/build.log"; exit 1; }
  say "Torch's CMake package failed (build.log); using $torch_site directly"
  fallback=$build/torch-fallback
  mkdir -p "$fallback"
  abi=$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
  cat >"$fallback/TorchConfig.cmake" <<EOF
set(_site "$torch_site")
add_library(piikit_torch INTERFACE IMPORTED)
set_target_properties(piikit_torch PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "\${_site}/include;\${_site}/include/torch/csrc/api/include"
  INTERFACE_COMPILE_DEFINITIONS "_GLIBCXX_USE_CXX11_ABI=$abi"
  INTERFACE_LINK_OPTIONS "-Wl,--no-as-needed;-Wl,--allow-shlib-undefined;-Wl,-rpath,\${_site}/lib"
  INTERFACE_LINK_LIBRARIES "\${_site}/lib/libtorch.so;\${_site}/lib/libtorch_cuda.so;\${_site}/lib/libtorch_cpu.so;\${_site}/lib/libc10_cuda.so;\${_site}/lib/libc10.so")
add_library(torch_cuda INTERFACE IMPORTED)
set(TORCH_LIBRARIES piikit_torch)
set(Torch_FOUND TRUE)
EOF
  rm -f "$build/CMakeCache.txt"
  configure "$fallback" || { say "configure failed"; tail -40 "$results/build.log"; exit 1; }
fi
if ! grep -qs "cuda_test" "$build/build.ninja" "$build/Makefile"; then
  say "this libtorch has no CUDA (no torch_cuda target): nothing to check"
  exit 1
fi

say "build piikit, cuda_test, train_step_bench"
if ! cmake --build "$build" -j "$(nproc)" --target piikit cuda_test train_step_bench \
    >>"$results/build.log" 2>&1; then
  say "build failed"
  grep -E "error|Error" "$results/build.log" | head -40
  exit 1
fi
say "built"

status=0
if fits 120 "cuda_test"; then
  say "cuda_test"
  if (cd "$build" && timeout 300 ./cuda_test) >"$results/cuda_test.log" 2>&1; then
    say "cuda_test passed: $(grep -c '^\[       OK \]' "$results/cuda_test.log") tests"
  else
    status=1
    say "cuda_test FAILED"
    grep -E "FAILED|Failure|error|Expected|Which is|actual" "$results/cuda_test.log" | head -40
    grep -A40 "fatal signal" "$results/cuda_test.log" | head -50
    # What a crash kept from running: the other tests on their own.
    crashed=$(grep "^\[ RUN" "$results/cuda_test.log" | tail -1 | awk '{print $NF}')
    if [ -n "$crashed" ] && ! grep -q "^\[ *\(OK\|FAILED\) *\] $crashed" "$results/cuda_test.log"; then
      say "cuda_test crashed in $crashed; the others:"
      (cd "$build" && timeout 200 ./cuda_test --gtest_filter="-$crashed") >>"$results/cuda_test.log" 2>&1
      grep -E "^\[ *(OK|FAILED) *\]|fatal signal" "$results/cuda_test.log" | tail -8 | tee -a "$results/summary.txt"
    fi
  fi
fi

if [ "${PIIKIT_CUDA_BENCH:-1}" = 1 ] && fits 150 "benchmarks"; then
  say "train step benchmark"
  bench=$build/train_step_bench
  for shape in "32 64" "128 128"; do
    set -- $shape
    "$bench" --device=cuda --batch="$1" --seq="$2" --benchmark_format=json \
      --benchmark_filter='^(BM_MatmulCeilingCuda|BM_TrainStep/(tiny|small|base))/min_time' \
      >"$work/cpp_$1x$2.json" 2>>"$work/bench.log"
    for preset in tiny small base; do
      python3 "$root/bench/train_step_bench.py" --device cuda --preset "$preset" --batch "$1" \
        --seq "$2" --seconds 1.5 --repeats 3 --attention-dropout 0 \
        >"$work/py_${preset}_$1x$2.json" 2>>"$work/bench.log"
    done
  done
  python3 - "$work" <<'PY' | tee "$results/bench.txt" | tee -a "$results/summary.txt"
import json, os, sys
res = sys.argv[1]
for shape in ("32x64", "128x128"):
    try:
        cpp = json.load(open(f"{res}/cpp_{shape}.json"))["benchmarks"]
    except (OSError, ValueError) as e:
        print(f"{shape}: no C++ result ({e})"); continue
    for b in cpp:
        if b["name"].startswith("BM_MatmulCeilingCuda"):
            ceiling = b["GFLOPs"]
            print(f"cuBLAS fp32 matmul 8192^3: {ceiling:,.0f} GFLOP/s")
    for b in cpp:
        if not b["name"].startswith("BM_TrainStep/"):
            continue
        preset = b["name"].split("/")[1]
        try:
            py = json.load(open(f"{res}/py_{preset}_{shape}.json"))["tokens_per_second"]
        except (OSError, ValueError):
            py = float("nan")
        print(f"{preset:5s} {shape:8s} piikit {b['tokens_per_second']:>12,.0f} tok/s  "
              f"PyTorch {py:>12,.0f} tok/s  ratio {b['tokens_per_second'] / py:5.2f}  "
              f"{b['model_GFLOPs']:,.0f} model GFLOP/s = {100 * b['model_GFLOPs'] / ceiling:.1f}% of the ceiling")
PY
  cat "$work/bench.log" >>"$results/bench.txt"
fi

if fits 90 "short training run"; then
  # Short, with frequent evaluations and checkpoints: a crash shows its backtrace here.
  say "short piikit train --device cuda (1,200 steps, evaluation every 300)"
  short=$build/cuda_short
  if (cd "$root" && timeout 300 "$build/piikit" train --out "$short" --device cuda --quiet \
      --set training.max_steps=1200 --set training.eval_every_steps=300 \
      --set data.generate_train_samples=20000) >"$results/train_short.log" 2>&1; then
    grep -E "^stopped" "$results/train_short.log" | tee -a "$results/summary.txt"
  else
    status=1
    say "short training run FAILED"
    grep -A40 "fatal signal" "$results/train_short.log" | head -60
    if command -v cuda-gdb >/dev/null && fits 150 "cuda-gdb backtrace"; then
      (cd "$root" && timeout 240 cuda-gdb -batch -ex run -ex bt -ex "info threads" --args \
        "$build/piikit" train --out "$short" --device cuda --quiet \
        --set training.max_steps=1200 --set training.eval_every_steps=300 \
        --set data.generate_train_samples=20000) >>"$results/train_short.log" 2>&1
      grep -A30 "received signal" "$results/train_short.log" | head -40
    fi
  fi
fi

if fits $((train_minutes * 60 + 90)) "training run"; then
  say "piikit train --device cuda (budget $train_minutes min)"
  run=$build/cuda_run
  (cd "$root" && "$build/piikit" train --out "$run" --device cuda --quiet \
    --set training.max_minutes="$train_minutes") >"$results/train.log" 2>&1 || status=1
  tail -40 "$results/train.log" | grep -E "stopped|tokens/s|micro|macro" | tee -a "$results/summary.txt"
  "$build/piikit" generate --split eval --count 2000 --seed 7 --out "$work/eval_s7.jsonl"
  "$build/piikit" eval --model "$run" --data "$work/eval_s7.jsonl" --device cuda \
    --json "$results/eval.json" >"$results/eval.txt" 2>&1 || status=1
  grep -iE "micro|macro" "$results/eval.txt" | head -6 | tee -a "$results/summary.txt"
  tar -czf "$results/model.tgz" -C "$run" --exclude='checkpoint*' . || true
fi
say "done, status $status"
exit $status
