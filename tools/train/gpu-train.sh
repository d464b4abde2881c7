#!/usr/bin/env bash
# The one device call issue 16 asks for (docs/training.md, "On a lent GPU"): continue the bundled
# model on the GPU for at most TRAIN_SECONDS (default 480, inside the device tool's 9 minutes), then
# return its EMA weights under $OUT (weights.tgz, ~17 MB float32 → about 8 MB packed by pack-model.ts
# here). Needs a PyTorch with CUDA on that machine; nothing can be installed there (no network).
#   device run, carry [".cache/train/data"], command "bash tools/train/gpu-train.sh"
# then here: tar -C .cache/train/gpu -xzf <files_at>/weights.tgz and continue on CPU with
#   /usr/bin/python3 tools/train/train.py --init .cache/train/gpu …, or pack it (models/README.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-/tmp/gpu-train-out}"
run=/tmp/gpu-train-run
device="${TRAIN_DEVICE:-cuda}"
mkdir -p "$out"
if ! python3 -c "import sys, torch; sys.exit(0 if '$device' == 'cpu' or torch.cuda.is_available() else 1)" 2>"$out/torch-check.txt"; then
  echo "no PyTorch with CUDA here ($(command -v python3 || echo 'no python3')): $(tail -1 "$out/torch-check.txt")" | tee "$out/gpu-train.log"
  exit 3
fi
# A time limit rather than a step count: the rate is constant (the first model's recipe) and the
# EMA is exported at every checkpoint, so whatever checkpoint the limit leaves is a finished model.
# Batch 256 fills the GPU where batch 16 would leave it idle; the rate is scaled by √16 from 3e-4.
timeout "${TRAIN_SECONDS:-480}" python3 tools/train/train.py --device "$device" --init models/emoji-pixel-32 --out "$run" \
  --batch "${TRAIN_BATCH:-256}" --lr "${TRAIN_LR:-1.2e-3}" --steps 1000000 --save-every "${TRAIN_SAVE_EVERY:-250}" --shift 1 2>&1 | tee "$out/gpu-train.log"
if [ ! -f "$run/unet/diffusion_pytorch_model.safetensors" ]; then
  echo "no checkpoint was written before the time limit: lower TRAIN_SAVE_EVERY" | tee -a "$out/gpu-train.log"
  exit 1
fi
tar -C "$run" -czf "$out/weights.tgz" unet text_encoder scheduler
echo "weights of $(grep -o 'saved step [0-9]*' "$out/gpu-train.log" | tail -1) in weights.tgz ($(du -h "$out/weights.tgz" | cut -f1))" | tee -a "$out/gpu-train.log"
