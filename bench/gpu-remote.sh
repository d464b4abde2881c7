#!/usr/bin/env bash
# Runs bench/gpu.sh on the device machine from what bench/gpu-carry.sh packed, within the device
# tool's limits: at most 9 minutes, and the results in one archive under $OUT (at most 8 files
# come back), the log beside it.
set -uo pipefail
cd "$(dirname "$0")/.."
carry=.devcarry
out="${OUT:-/tmp/gpu-out}"
results=/tmp/gpu-results
mkdir -p "$out" "$results"
for deb in "$carry"/debs/*.deb; do dpkg -x "$deb" /; done
ldconfig
xz -dc "$carry/node.xz" > /tmp/node && chmod +x /tmp/node
tar -C "$carry" -xJf "$carry/onnxruntime.tar.xz"
BENCH_NODE=/tmp/node BENCH_ENTRY="$carry/bench/unet-step.mjs" BENCH_VAE_ENTRY="$carry/bench/vae-tiling.mjs" \
  BENCH_OUT="$results" BENCH_WORK=/tmp/bench timeout "${GPU_BENCH_SECONDS:-540}" bash bench/gpu.sh 2>&1 | tee "$out/gpu-sh.log"
status=${PIPESTATUS[0]}
tar -C "$results" -czf "$out/results.tgz" .
echo "gpu.sh exit status $status; results: $(ls "$results" | wc -l) files in results.tgz"
exit "$status"
