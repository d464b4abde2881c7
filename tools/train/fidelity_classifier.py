"""The fidelity classifier: a small CNN whose pooled features stand in for Inception's in FID/KID-like
scores on 32² emoji (bench/fidelity/classifier.ts builds the same network as an ONNX graph).

  [N, 3, 32, 32] RGB in [0, 1] → (x − mean) / std
  → per stage: layers_per_block × (Conv 3×3, padding 1 → GroupNorm → ReLU); AvgPool 2×2 between stages
  → global average pool = features [N, C_last] → Linear = logits [N, classes]

Features are taken after ReLU and global pooling, as FID takes Inception's pool3 output.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.nn import functional as F


class ConvLayer(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, groups: int, eps: float) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)
        self.norm = nn.GroupNorm(groups, out_channels, eps=eps)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.norm(self.conv(x)))


class Stage(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, layers: int, groups: int, eps: float) -> None:
        super().__init__()
        self.layers = nn.ModuleList(ConvLayer(in_channels if i == 0 else out_channels, out_channels, groups, eps) for i in range(layers))

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x


class FidelityClassifier(nn.Module):
    def __init__(self, config: dict) -> None:
        super().__init__()
        channels = [config["in_channels"], *config["block_out_channels"]]
        self.stages = nn.ModuleList(Stage(a, b, config["layers_per_block"], config["norm_num_groups"], config["norm_eps"]) for a, b in zip(channels, channels[1:]))
        self.head = nn.Linear(channels[-1], len(config["classes"]))
        # Buffers, not parameters: they come from config.json and are not exported as weights.
        self.register_buffer("mean", torch.tensor(config["normalization"]["mean"]).view(1, -1, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(config["normalization"]["std"]).view(1, -1, 1, 1), persistent=False)

    def forward(self, images: Tensor) -> tuple[Tensor, Tensor]:
        """images: [N, 3, H, W] in [0, 1] → (features [N, C], logits [N, classes])."""
        x = (images - self.mean) / self.std
        for index, stage in enumerate(self.stages):
            if index > 0:
                x = F.avg_pool2d(x, 2)
            x = stage(x)
        features = x.mean(dim=(2, 3))
        return features, self.head(features)


def load_config(folder: Path) -> dict:
    return json.loads((folder / "config.json").read_text())
