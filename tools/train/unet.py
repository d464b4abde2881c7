"""A UNet2DConditionModel (SD 1.x layout) written for this project.

Module and parameter names follow diffusers' unet_2d_condition.py so the state dict loads into the
project's ONNX builder (app/models/sd/unet.ts) unchanged; the structure follows the same config
keys that app/models/sd/unet-config.ts parses. Only what SD 1.x/2.x use is implemented: conv
projections (use_linear_projection false), one transformer per attention, GEGLU feed-forward.
"""
from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

# diffusers fixes Transformer2DModel's GroupNorm eps at 1e-6 whatever norm_eps says.
TRANSFORMER_GROUP_NORM_EPS = 1e-6


def timestep_sinusoid(timesteps: Tensor, channels: int, flip_sin_to_cos: bool, freq_shift: float) -> Tensor:
    """DDPM's sinusoidal embedding with diffusers' conventions (exponent / (half - freq_shift), cos first when flipped)."""
    half = channels // 2
    exponent = -math.log(10000.0) * torch.arange(half, dtype=torch.float32) / (half - freq_shift)
    angles = timesteps.float()[:, None] * torch.exp(exponent)[None, :]
    sin, cos = torch.sin(angles), torch.cos(angles)
    return torch.cat([cos, sin] if flip_sin_to_cos else [sin, cos], dim=-1)


class TimestepEmbedding(nn.Module):
    def __init__(self, channels: int, embedding_dim: int) -> None:
        super().__init__()
        self.linear_1 = nn.Linear(channels, embedding_dim)
        self.linear_2 = nn.Linear(embedding_dim, embedding_dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear_2(F.silu(self.linear_1(x)))


class ResnetBlock2D(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, temb_channels: int, groups: int, eps: float) -> None:
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_channels, eps=eps)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb_channels, out_channels)
        self.norm2 = nn.GroupNorm(groups, out_channels, eps=eps)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        # Present only when the channel count changes, as in diffusers (use_in_shortcut).
        self.conv_shortcut = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else None

    def forward(self, x: Tensor, temb: Tensor) -> Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        shortcut = self.conv_shortcut(x) if self.conv_shortcut is not None else x
        return shortcut + h  # output_scale_factor is 1 in SD configs


class Attention(nn.Module):
    """diffusers' Attention: q/k/v without bias, to_out = [Linear, Dropout]."""

    def __init__(self, query_dim: int, context_dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(query_dim, query_dim, bias=False)
        self.to_k = nn.Linear(context_dim, query_dim, bias=False)
        self.to_v = nn.Linear(context_dim, query_dim, bias=False)
        self.to_out = nn.ModuleList([nn.Linear(query_dim, query_dim), nn.Dropout(0.0)])

    def forward(self, x: Tensor, context: Tensor | None = None) -> Tensor:
        context = x if context is None else context
        q, k, v = (self.split_heads(p) for p in (self.to_q(x), self.to_k(context), self.to_v(context)))
        weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]), dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(x.shape)
        return self.to_out[0](out)

    def split_heads(self, t: Tensor) -> Tensor:
        b, n, c = t.shape
        return t.reshape(b, n, self.heads, c // self.heads).transpose(1, 2)


class GEGLU(nn.Module):
    def __init__(self, dim: int, inner: int) -> None:
        super().__init__()
        self.proj = nn.Linear(dim, inner * 2)

    def forward(self, x: Tensor) -> Tensor:
        hidden, gate = self.proj(x).chunk(2, dim=-1)
        return hidden * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        # net.0 = GEGLU, net.1 = Dropout, net.2 = Linear: the indices are part of the parameter names.
        self.net = nn.ModuleList([GEGLU(dim, 4 * dim), nn.Dropout(0.0), nn.Linear(4 * dim, dim)])

    def forward(self, x: Tensor) -> Tensor:
        return self.net[2](self.net[0](x))


class BasicTransformerBlock(nn.Module):
    def __init__(self, dim: int, context_dim: int, heads: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn1 = Attention(dim, dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.attn2 = Attention(dim, context_dim, heads)
        self.norm3 = nn.LayerNorm(dim)
        self.ff = FeedForward(dim)

    def forward(self, x: Tensor, context: Tensor) -> Tensor:
        x = x + self.attn1(self.norm1(x))
        x = x + self.attn2(self.norm2(x), context)
        return x + self.ff(self.norm3(x))


class Transformer2DModel(nn.Module):
    def __init__(self, channels: int, context_dim: int, heads: int, groups: int) -> None:
        super().__init__()
        self.norm = nn.GroupNorm(groups, channels, eps=TRANSFORMER_GROUP_NORM_EPS)
        self.proj_in = nn.Conv2d(channels, channels, 1)
        self.transformer_blocks = nn.ModuleList([BasicTransformerBlock(channels, context_dim, heads)])
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: Tensor, context: Tensor) -> Tensor:
        b, c, h, w = x.shape
        tokens = self.proj_in(self.norm(x)).flatten(2).transpose(1, 2)
        for block in self.transformer_blocks:
            tokens = block(tokens, context)
        return x + self.proj_out(tokens.transpose(1, 2).reshape(b, c, h, w))


class Downsample2D(nn.Module):
    def __init__(self, channels: int, padding: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=padding)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(x)


class Upsample2D(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: Tensor, size: tuple[int, int] | None) -> Tensor:
        # Interpolating to the next skip's size (not ×2) is what lets odd-sized levels line up, as diffusers does.
        up = F.interpolate(x, size=size, mode="nearest") if size is not None else F.interpolate(x, scale_factor=2.0, mode="nearest")
        return self.conv(up)


class LevelBlock(nn.Module):
    """One down or up block: resnets, optional attentions, optional resampler (diffusers' four block classes share these names)."""

    def __init__(self, resnets: list[ResnetBlock2D], attentions: list[Transformer2DModel] | None) -> None:
        super().__init__()
        self.resnets = nn.ModuleList(resnets)
        if attentions is not None:
            self.attentions = nn.ModuleList(attentions)
        self.has_attention = attentions is not None

    def run_layer(self, j: int, x: Tensor, temb: Tensor, context: Tensor) -> Tensor:
        x = self.resnets[j](x, temb)
        return self.attentions[j](x, context) if self.has_attention else x


def per_block(value: int | list[int], count: int) -> list[int]:
    return [value] * count if isinstance(value, int) else list(value)


class UNet2DConditionModel(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.config = config
        channels: list[int] = config["block_out_channels"]
        n = len(channels)
        layers = per_block(config.get("layers_per_block", 2), n)
        # diffusers quirk: attention_head_dim is read as the number of heads.
        heads = per_block(config.get("attention_head_dim", 8), n)
        groups, eps, context = config.get("norm_num_groups", 32), config.get("norm_eps", 1e-5), config["cross_attention_dim"]
        temb = channels[0] * 4
        self.time_embedding = TimestepEmbedding(channels[0], temb)
        self.conv_in = nn.Conv2d(config["in_channels"], channels[0], 3, padding=1)

        self.down_blocks = nn.ModuleList()
        previous = channels[0]
        for i, kind in enumerate(config["down_block_types"]):
            out = channels[i]
            resnets = [ResnetBlock2D(previous if j == 0 else out, out, temb, groups, eps) for j in range(layers[i])]
            attentions = [Transformer2DModel(out, context, heads[i], groups) for _ in range(layers[i])] if kind == "CrossAttnDownBlock2D" else None
            block = LevelBlock(resnets, attentions)
            if i < n - 1:
                block.downsamplers = nn.ModuleList([Downsample2D(out, config.get("downsample_padding", 1))])
            self.down_blocks.append(block)
            previous = out

        self.mid_block = LevelBlock(
            [ResnetBlock2D(channels[-1], channels[-1], temb, groups, eps) for _ in range(2)],
            [Transformer2DModel(channels[-1], context, heads[-1], groups)],
        )

        self.up_blocks = nn.ModuleList()
        reversed_channels, reversed_layers, reversed_heads = channels[::-1], layers[::-1], heads[::-1]
        previous = reversed_channels[0]
        for i, kind in enumerate(config["up_block_types"]):
            out = reversed_channels[i]
            skip_in = reversed_channels[min(i + 1, n - 1)]
            count = reversed_layers[i] + 1
            resnets = [
                ResnetBlock2D((previous if j == 0 else out) + (skip_in if j == count - 1 else out), out, temb, groups, eps)
                for j in range(count)
            ]
            attentions = [Transformer2DModel(out, context, reversed_heads[i], groups) for _ in range(count)] if kind == "CrossAttnUpBlock2D" else None
            block = LevelBlock(resnets, attentions)
            if i < n - 1:
                block.upsamplers = nn.ModuleList([Upsample2D(out)])
            self.up_blocks.append(block)
            previous = out

        self.conv_norm_out = nn.GroupNorm(groups, channels[0], eps=eps)
        self.conv_out = nn.Conv2d(channels[0], config["out_channels"], 3, padding=1)

    def forward(self, sample: Tensor, timestep: Tensor, encoder_hidden_states: Tensor) -> Tensor:
        timestep = timestep.expand(sample.shape[0]) if timestep.numel() == 1 else timestep
        sinusoid = timestep_sinusoid(timestep, self.config["block_out_channels"][0], self.config.get("flip_sin_to_cos", True), self.config.get("freq_shift", 0))
        temb = self.time_embedding(sinusoid)
        h = self.conv_in(sample)
        skips = [h]
        for block in self.down_blocks:
            for j in range(len(block.resnets)):
                h = block.run_layer(j, h, temb, encoder_hidden_states)
                skips.append(h)
            if hasattr(block, "downsamplers"):
                h = block.downsamplers[0](h)
                skips.append(h)
        h = self.mid_block.resnets[1](self.mid_block.attentions[0](self.mid_block.resnets[0](h, temb), encoder_hidden_states), temb)
        for block in self.up_blocks:
            for j in range(len(block.resnets)):
                h = block.run_layer(j, torch.cat([h, skips.pop()], dim=1), temb, encoder_hidden_states)
            if hasattr(block, "upsamplers"):
                h = block.upsamplers[0](h, tuple(skips[-1].shape[-2:]) if skips else None)
        return self.conv_out(F.silu(self.conv_norm_out(h)))
