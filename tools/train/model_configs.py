"""The trained model's architecture as diffusers / transformers config.json contents.

Pixel space: the UNet denoises 32×32 RGB directly (in/out_channels 3) and the "autoencoder" is the
identity, so no VAE has to be trained; docs/training.md says what the app's pipeline needs for it.
Sizes keep the model a few MB and a CPU epoch short; the keys are those app/models/sd/unet-config.ts
and clip-text-config.ts parse.
"""
from __future__ import annotations

from typing import Any

TEXT_HIDDEN = 64


def unet_config() -> dict[str, Any]:
    return {
        "_class_name": "UNet2DConditionModel",
        "in_channels": 3,
        "out_channels": 3,
        "sample_size": 32,
        "flip_sin_to_cos": True,
        "freq_shift": 0,
        "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
        "mid_block_type": "UNetMidBlock2DCrossAttn",
        "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"],
        "block_out_channels": [32, 64, 128],
        "layers_per_block": 1,
        "downsample_padding": 1,
        "mid_block_scale_factor": 1,
        "act_fn": "silu",
        "norm_num_groups": 32,
        "norm_eps": 1e-5,
        "cross_attention_dim": TEXT_HIDDEN,
        # Read by diffusers as head COUNTS: 32 channels per head at every level.
        "attention_head_dim": [1, 2, 4],
        "use_linear_projection": False,
        "upcast_attention": False,
    }


def text_encoder_config(vocab_size: int) -> dict[str, Any]:
    return {
        "architectures": ["CLIPTextModel"],
        "model_type": "clip_text_model",
        "vocab_size": vocab_size,
        "hidden_size": TEXT_HIDDEN,
        "intermediate_size": 4 * TEXT_HIDDEN,
        "num_hidden_layers": 3,
        "num_attention_heads": 2,
        "max_position_embeddings": 77,
        "hidden_act": "quick_gelu",
        "layer_norm_eps": 1e-5,
        # The tiny vocabulary puts BOS and EOS last (app/diffusion/tokenizer/tiny-clip-vocabulary.ts).
        "bos_token_id": vocab_size - 2,
        "eos_token_id": vocab_size - 1,
        "pad_token_id": vocab_size - 1,
    }


def scheduler_config() -> dict[str, Any]:
    """Stable Diffusion's training schedule (scaled_linear 0.00085 → 0.012, 1000 steps), predicting v.

    v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans & Ho 2022, as SD 2.x): at high noise the target is close to −x₀,
    so the loss teaches the global layout (white background, one centred emoji) from the start. With
    ε-prediction a 1,250-step run still predicted noise for x₀ above t ≈ 800 (ε-MSE 0.007 there,
    ×12 in x₀), and DDIM samples had no background at all.
    """
    return {
        "_class_name": "DDPMScheduler",
        "num_train_timesteps": 1000,
        "beta_schedule": "scaled_linear",
        "beta_start": 0.00085,
        "beta_end": 0.012,
        "prediction_type": "v_prediction",
        "clip_sample": False,
        "steps_offset": 1,
    }
