#!/usr/bin/env bash
# Installs every Debian package piikit needs to build, test and benchmark. Idempotent; run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake g++ pkg-config \
  libtorch-dev libopenblas0-pthread \
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev \
  libsentencepiece-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  python3 python3-torch \
  gnuplot-nox librsvg2-bin >/dev/null
echo "piikit: dependencies installed"
