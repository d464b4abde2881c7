"""Writes seeded inputs and the PyTorch outputs of exported weights, for check-onnx-parity.ts.

  /usr/bin/python3 tools/train/parity_inputs.py --model .cache/train/full --out .cache/train/parity

The models are rebuilt from the exported .safetensors files (not from the checkpoint), so the
comparison also covers the files the ONNX builder reads. The UNet is run at the training size and
at 2× per side (4× the pixels), the size ScaleCrafter's first preset targets.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from clip_text import ClipTextModel  # noqa: E402
from safetensors_file import load_safetensors  # noqa: E402
from unet import UNet2DConditionModel  # noqa: E402


def load_models(folder: Path) -> tuple[UNet2DConditionModel, ClipTextModel]:
    unet = UNet2DConditionModel(json.loads((folder / "unet" / "config.json").read_text()))
    unet.load_state_dict(load_safetensors(folder / "unet" / "diffusion_pytorch_model.safetensors"))
    text = ClipTextModel(json.loads((folder / "text_encoder" / "config.json").read_text()))
    text.load_state_dict(load_safetensors(folder / "text_encoder" / "model.safetensors"))
    return unet.eval(), text.eval()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=Path(".cache/train/full"))
    parser.add_argument("--data", type=Path, default=Path(".cache/train/data"))
    parser.add_argument("--out", type=Path, default=Path(".cache/train/parity"))
    args = parser.parse_args()
    unet, text = load_models(args.model)
    generator = torch.Generator().manual_seed(1234)
    ids = torch.from_numpy(np.load(args.data / "tokens.npy")[[0, 1000]]).long()  # two real captions
    args.out.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        hidden = text(ids)
        np.save(args.out / "input_ids.npy", ids.int().numpy())
        np.save(args.out / "last_hidden_state.npy", hidden.numpy())
        timestep = torch.tensor([500.0])
        np.save(args.out / "timestep.npy", timestep.numpy())
        for size in (32, 64):
            sample = torch.randn((2, 3, size, size), generator=generator)
            np.save(args.out / f"sample_{size}.npy", sample.numpy())
            np.save(args.out / f"out_sample_{size}.npy", unet(sample, timestep, hidden).numpy())
    print(f"wrote parity inputs and PyTorch outputs into {args.out}")


if __name__ == "__main__":
    main()
