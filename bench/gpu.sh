#!/usr/bin/env bash
# The GPU part of the benchmarks in one run, for a Linux machine with an NVIDIA GPU and no network:
# installs nothing, runs ONNX Runtime's WebGPU EP on Dawn's Vulkan backend through the NVIDIA
# driver, and writes tables under bench/results/. Needs `npm ci && npm run build` done beforehand
# and the Vulkan loader (libvulkan1) plus glvnd (libglvnd0, libegl1, libglx0) on the machine.
# Budget: about 6 minutes on an H100 (most of it the 2048² variants).
set -euo pipefail
cd "$(dirname "$0")/.."

entry="${BENCH_ENTRY:-dist/bench/unet-step.js}"
out="${BENCH_OUT:-bench/results}"
[ -f "$entry" ] || { echo "gpu.sh: $entry is missing; run npm run build first" >&2; exit 1; }
command -v nvidia-smi >/dev/null || { echo "gpu.sh: no nvidia-smi: this script is for NVIDIA machines" >&2; exit 1; }
ldconfig -p | grep -q 'libvulkan.so.1' || { echo "gpu.sh: the Vulkan loader (libvulkan1) is not installed; Dawn cannot reach the GPU" >&2; exit 1; }
# Containers often mount the driver's Vulkan ICD outside the loader's default search path.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; fi
done
for egl in /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json; do
  if [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ] && [ -f "$egl" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES="$egl"; fi
done
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg-runtime}"; mkdir -p "$XDG_RUNTIME_DIR"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

work="${BENCH_WORK:-.cache/bench}"
node "$entry" --model sd15 --device webgpu --layout NHWC --sizes 512,1024 --iterations 3 --work "$work" --out "$out"
node "$entry" --model sd15 --device webgpu --layout NHWC --sizes 2048 --iterations 2 --work "$work" --out "$out"
node "$entry" --model sd15 --device webgpu --layout NHWC --sizes 2048 --iterations 3 --memory --work "$work" --out "$out"
node "$entry" --model sd21 --device webgpu --layout NHWC --sizes 512,1024 --iterations 3 --work "$work" --out "$out"
