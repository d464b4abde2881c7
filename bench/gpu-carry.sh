#!/usr/bin/env bash
# Packs what bench/gpu.sh needs for a GPU machine that has neither Node.js nor a network (the
# device machine lent to this project), under its 64 MiB transfer limit, into .devcarry/ (ignored
# by git): esbuild bundles of the two GPU benchmarks, this machine's Node binary and
# onnxruntime-node's Linux x64 binaries (xz), and the Vulkan loader and glvnd .debs. Then:
#   device run, carry [".devcarry"], command "bash bench/gpu-remote.sh"
set -euo pipefail
cd "$(dirname "$0")/.."
carry=.devcarry
rm -rf "$carry"
mkdir -p "$carry/debs"
# onnxruntime-node stays outside the bundle: its native binding is loaded from node_modules.
npx esbuild bench/unet-step.ts bench/vae-tiling.ts --bundle --platform=node --format=esm --target=node20 \
  --outdir="$carry/bench" --out-extension:.js=.mjs --external:onnxruntime-node --log-level=warning \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
xz -T0 -6 -c "$(command -v node)" > "$carry/node.xz"
tar -cJf "$carry/onnxruntime.tar.xz" node_modules/onnxruntime-common node_modules/onnxruntime-node/package.json \
  node_modules/onnxruntime-node/dist node_modules/onnxruntime-node/bin/napi-v6/linux/x64
apt_options=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64-lists)
mkdir -p /tmp/amd64-lists/partial
apt-get "${apt_options[@]}" update -qq
(cd "$carry/debs" && apt-get "${apt_options[@]}" download -qq libvulkan1 libegl1 libglvnd0 libglx0 libgl1 libopengl0 libgles2)
du -sh "$carry"
