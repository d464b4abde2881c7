"""A CLIP text transformer with transformers' CLIPTextModel parameter names (text_model.…).

Causal self-attention, pre-LayerNorm blocks and quick-GELU, as CLIP's text tower; the output is the
last hidden state after final_layer_norm, which is what Stable Diffusion's UNet attends to (the
pooled output is not used). Built by app/models/sd/clip-text.ts from the same names.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn


def quick_gelu(x: Tensor) -> Tensor:
    return x * torch.sigmoid(1.702 * x)


class ClipAttention(nn.Module):
    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(dim, dim) for _ in range(4))

    def forward(self, x: Tensor, causal_mask: Tensor) -> Tensor:
        b, n, d = x.shape
        q, k, v = self.split_heads(self.q_proj(x)), self.split_heads(self.k_proj(x)), self.split_heads(self.v_proj(x))
        scores = q @ k.transpose(-1, -2) / (d // self.heads) ** 0.5 + causal_mask
        return self.out_proj((torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, n, d))

    def split_heads(self, t: Tensor) -> Tensor:
        b, n, d = t.shape
        return t.reshape(b, n, self.heads, d // self.heads).transpose(1, 2)


class ClipMlp(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(quick_gelu(self.fc1(x)))


class ClipEncoderLayer(nn.Module):
    def __init__(self, dim: int, heads: int, hidden: int, eps: float) -> None:
        super().__init__()
        self.self_attn = ClipAttention(dim, heads)
        self.layer_norm1 = nn.LayerNorm(dim, eps=eps)
        self.mlp = ClipMlp(dim, hidden)
        self.layer_norm2 = nn.LayerNorm(dim, eps=eps)

    def forward(self, x: Tensor, causal_mask: Tensor) -> Tensor:
        x = x + self.self_attn(self.layer_norm1(x), causal_mask)
        return x + self.mlp(self.layer_norm2(x))


class ClipEmbeddings(nn.Module):
    def __init__(self, vocab: int, positions: int, dim: int) -> None:
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, dim)
        self.position_embedding = nn.Embedding(positions, dim)

    def forward(self, ids: Tensor) -> Tensor:
        return self.token_embedding(ids) + self.position_embedding.weight[: ids.shape[1]][None]


class ClipEncoder(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            ClipEncoderLayer(config["hidden_size"], config["num_attention_heads"], config["intermediate_size"], config["layer_norm_eps"])
            for _ in range(config["num_hidden_layers"])
        )


class ClipTextTransformer(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.embeddings = ClipEmbeddings(config["vocab_size"], config["max_position_embeddings"], config["hidden_size"])
        self.encoder = ClipEncoder(config)
        self.final_layer_norm = nn.LayerNorm(config["hidden_size"], eps=config["layer_norm_eps"])


class ClipTextModel(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.config = config
        self.text_model = ClipTextTransformer(config)

    def forward(self, ids: Tensor) -> Tensor:
        n = ids.shape[1]
        # Each token sees itself and earlier tokens only (CLIP's causal text mask).
        causal_mask = torch.full((n, n), float("-inf")).triu(1)
        h = self.text_model.embeddings(ids)
        for layer in self.text_model.encoder.layers:
            h = layer(h, causal_mask)
        return self.text_model.final_layer_norm(h)
