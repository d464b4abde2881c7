#!/usr/bin/env bash
# The GPU part of the benchmarks in one run, for a Linux machine with an NVIDIA GPU and no network:
# installs nothing, runs ONNX Runtime's WebGPU EP on Dawn's Vulkan backend through the NVIDIA
# driver, and writes tables under bench/results/ (or $BENCH_OUT). Needs `npm ci && npm run build`
# done beforehand — or, on a machine without Node.js, the bundle of bench/gpu-carry.sh run through
# bench/gpu-remote.sh — and the Vulkan loader (libvulkan1) plus glvnd (libglvnd0, libegl1, libglx0).
#
# Steps run in order of importance, so a run cut short keeps what matters most. Times on an H100
# (WebGPU fp16, about 21 TFLOP/s), seeded models built on the first step that needs them (~25 s):
#   1. SD 1.5 UNet step at 512² and 1024², five variants, the measured fp16 peak   ~1.5 min
#   2. where the time of a 1024² call goes (ORT profile per variant)                ~0.5 min
#   3. SD 1.5 UNet step at 2048²                                                    ~2 min
#   4. SD 2.1 UNet step at 512² and 1024²                                           ~1.5 min
#   5. SD VAE decode at 1024², 2048² (whole and tiled), 4096² (tiled; the whole
#      decode needs 32.5 GiB, over the 24 GiB budget, and is skipped)              not yet measured
#   6. peak GPU memory of 2048² sampling, plain and ScaleCrafter with ND-CFG        ~1 min
#   7. SDXL UNet step at 1024² and 2048², five variants (seeded fp16 SDXL UNet,
#      2.57 G parameters, built on first use)                                      not yet measured
#   8. SDXL at 4096²: peak GPU memory of UNet sampling (plain, and the sdxl_4096x4096
#      preset with ND-CFG). The pipeline's peak is the larger of this and step 5's
#      tiled 4096² decode: SDXL's VAE is SD's AutoencoderKL architecture (only its
#      weights and latent scale differ) and each session is released before the next  not yet measured
#
# GPU_SH_PROOF=1 proves the script where there is no NVIDIA GPU (Mesa lavapipe, WebGPU on the CPU):
# the same steps on the tiny model and small sizes; its numbers are CPU numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

node="${BENCH_NODE:-node}"
entry="${BENCH_ENTRY:-dist/bench/unet-step.js}"
vae="${BENCH_VAE_ENTRY:-dist/bench/vae-tiling.js}"
out="${BENCH_OUT:-bench/results}"
for file in "$entry" "$vae"; do
  [ -f "$file" ] || { echo "gpu.sh: $file is missing; run npm run build first (or bench/gpu-carry.sh)" >&2; exit 1; }
done
if [ -z "${GPU_SH_PROOF:-}" ]; then
  command -v nvidia-smi >/dev/null || { echo "gpu.sh: no nvidia-smi: this script is for NVIDIA machines (GPU_SH_PROOF=1 proves it elsewhere)" >&2; exit 1; }
fi
ldconfig -p | grep -q 'libvulkan.so.1' || { echo "gpu.sh: the Vulkan loader (libvulkan1) is not installed; Dawn cannot reach the GPU" >&2; exit 1; }
# Containers often mount the driver's Vulkan ICD outside the loader's default search path.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; fi
done
for egl in /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json; do
  if [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ] && [ -f "$egl" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES="$egl"; fi
done
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg-runtime}"; mkdir -p "$XDG_RUNTIME_DIR"
if [ -z "${GPU_SH_PROOF:-}" ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  sd15=(--model sd15) sd21=(--model sd21) sdxl=(--model sdxl) vae_model=(--model sd15) peak=()
  sizes=512,1024 profile_size=1024 large=2048 vae_sizes=1024,2048 vae_huge=4096 vae_tile=512
  sdxl_sizes=1024,2048 sdxl_huge=4096
else
  echo "gpu.sh: proof run (GPU_SH_PROOF): tiny models, small sizes"
  sd15=(--model tiny) sd21=(--model tiny) sdxl=(--model tiny-sdxl) vae_model=(--model tiny) peak=(--peak-size 256)
  sizes=128,256 profile_size=256 large=384 vae_sizes=128,256 vae_huge=512 vae_tile=128
  sdxl_sizes=128,256 sdxl_huge=512
fi

work="${BENCH_WORK:-.cache/bench}"
step() { echo; echo "=== gpu.sh step $1 ($(date -u +%T))"; }
step "1: SD 1.5 UNet step, $sizes"
"$node" "$entry" "${sd15[@]}" --device webgpu --layout NHWC --sizes "$sizes" --iterations 3 "${peak[@]}" --work "$work" --out "$out"
step "2: profile of a $profile_size² call"
"$node" "$entry" "${sd15[@]}" --device webgpu --layout NHWC --sizes "$profile_size" --profile --work "$work" --out "$out"
step "3: SD 1.5 UNet step, $large²"
"$node" "$entry" "${sd15[@]}" --device webgpu --layout NHWC --sizes "$large" --iterations 2 "${peak[@]}" --work "$work" --out "$out"
step "4: SD 2.1 UNet step, $sizes"
"$node" "$entry" "${sd21[@]}" --device webgpu --layout NHWC --sizes "$sizes" --iterations 3 "${peak[@]}" --work "$work" --out "$out"
step "5: SD VAE decode, whole and tiled, on a 24 GiB budget"
"$node" "$vae" "${vae_model[@]}" --device webgpu --sizes "$vae_sizes" --tile "$vae_tile" --rounds 1 --budget-gib 24 --out "$out"
"$node" "$vae" "${vae_model[@]}" --device webgpu --sizes "$vae_huge" --tile "$vae_tile" --rounds 1 --warmup 0 --budget-gib 24 --out "$out"
step "6: peak GPU memory of $large² sampling"
"$node" "$entry" "${sd15[@]}" --device webgpu --layout NHWC --sizes "$large" --iterations 3 --memory --work "$work" --out "$out"
step "7: SDXL UNet step, $sdxl_sizes"
"$node" "$entry" "${sdxl[@]}" --device webgpu --layout NHWC --sizes "$sdxl_sizes" --iterations 3 "${peak[@]}" --work "$work" --out "$out"
step "8: SDXL at $sdxl_huge²: peak GPU memory of sampling (the tiled VAE decode's is step 5's $vae_huge² row)"
"$node" "$entry" "${sdxl[@]}" --device webgpu --layout NHWC --sizes "$sdxl_huge" --iterations 2 --memory --work "$work" --out "$out"
step "done"
