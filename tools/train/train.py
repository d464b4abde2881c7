"""DDPM training of the pixel-space emoji model (v-prediction, SD's scaled_linear schedule).

  /usr/bin/python3 tools/train/train.py          # the first model: 4,500 steps at batch 16, ~75 min on one core
  # the continued run: 1,300 more steps from the 4,500-step weights, shifted emoji, cosine decay (docs/training.md)
  /usr/bin/python3 tools/train/train.py --init models/emoji-pixel-32 --out .cache/train/continued --steps 1300 --warmup 100 --shift 2 --lr-schedule cosine

Resumes from --out/checkpoint.pt when it exists; every --save-every steps it writes that checkpoint
and the diffusers-named weights (unet/, text_encoder/). One seeded generator drives init, batches,
timesteps, noise and caption dropout, and its state is checkpointed, so a resumed run draws the
same numbers an uninterrupted one would.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import Tensor
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).parent))
from clip_text import ClipTextModel  # noqa: E402
from model_configs import scheduler_config, text_encoder_config, unet_config  # noqa: E402
from safetensors_file import load_safetensors, safetensors_metadata, save_safetensors  # noqa: E402
from unet import UNet2DConditionModel  # noqa: E402

# Classifier-free guidance needs an unconditional model: 10% of captions become the empty prompt (GLIDE; SD uses 10% too).
CAPTION_DROPOUT = 0.1
# Short constant-LR runs sample much better from an exponential moving average of the weights (DDPM, Ho et al. 2020).
EMA_DECAY = 0.999


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(".cache/train/data"))
    parser.add_argument("--out", type=Path, default=Path(".cache/train/full"))
    parser.add_argument("--steps", type=int, default=4500, help="total optimiser steps (a resumed run continues to this); 4500 made the shipped model")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save-every", type=int, default=250)
    parser.add_argument("--init", type=Path, help="start from this model folder's weights (a run's or the packed models/emoji-pixel-32) instead of random ones")
    parser.add_argument("--shift", type=int, default=0, help="move each training image by up to this many pixels in x and y, over white")
    parser.add_argument("--lr-schedule", choices=["constant", "cosine"], default="constant", help="cosine: linear warm-up over --warmup steps, then cosine decay to 0 at --steps")
    parser.add_argument("--warmup", type=int, default=200)
    # One thread: on 2 shared cores a second one made steps no faster (0.96–1.4 s at batch 16 either way)
    # and stalled whenever another process took a core (10 s per step).
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    return parser.parse_args()


def alphas_cumprod() -> Tensor:
    config = scheduler_config()
    # scaled_linear: betas linear in sqrt space (diffusers DDPMScheduler, LDM's "linear" schedule).
    betas = torch.linspace(config["beta_start"] ** 0.5, config["beta_end"] ** 0.5, config["num_train_timesteps"], dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, dim=0).float()


def load_data(folder: Path) -> tuple[Tensor, Tensor, Tensor, int]:
    """Images in [-1, 1] NCHW, token ids, the empty prompt's ids, vocabulary size."""
    images = torch.from_numpy(np.load(folder / "images.npy")).permute(0, 3, 1, 2).float() / 127.5 - 1.0
    tokens = torch.from_numpy(np.load(folder / "tokens.npy")).long()
    vocab: dict[str, int] = json.loads((folder / "tokenizer" / "vocab.json").read_text())
    bos, eos = vocab["<|startoftext|>"], vocab["<|endoftext|>"]
    # "" encodes as BOS, EOS, then the pad token, which is EOS here (as SD 1.x's tokenizer pads).
    empty = torch.full((tokens.shape[1],), eos, dtype=torch.long)
    empty[0] = bos
    return images, tokens, empty, max(vocab.values()) + 1


def shifted(images: Tensor, limit: int, generator: torch.Generator) -> Tensor:
    """Each image moved by a whole number of pixels in [-limit, limit] per axis, the uncovered border white.

    Whole pixels: a sub-pixel shift would resample and blur 32² drawings. Never flipped: a mirrored
    arrow, clock or flag is another emoji than its caption names.
    """
    if limit == 0:
        return images
    size = images.shape[-1]
    padded = F.pad(images, (limit,) * 4, value=1.0)  # 1.0 is white in [-1, 1]
    offsets = torch.randint(0, 2 * limit + 1, (images.shape[0], 2), generator=generator).tolist()
    return torch.stack([image[:, y : y + size, x : x + size] for image, (y, x) in zip(padded, offsets)])


def learning_rate(args: argparse.Namespace, step: int) -> float:
    """A function of the step only, so a resumed run uses the rate an uninterrupted one would."""
    if args.lr_schedule == "constant":
        return args.lr
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    progress = (step - args.warmup) / max(1, args.steps - args.warmup)
    return args.lr * 0.5 * (1 + math.cos(math.pi * progress))


def load_initial_weights(folder: Path, unet: torch.nn.Module, text: torch.nn.Module) -> str:
    """A run's float32 export or a packed folder's float16 files; returns the step they record."""
    def weights(subfolder: str, stem: str) -> dict[str, Tensor]:
        candidates = [folder / subfolder / f"{stem}.safetensors", folder / subfolder / f"{stem}.fp16.safetensors"]
        return load_safetensors(next(path for path in candidates if path.exists()))
    unet.load_state_dict(weights("unet", "diffusion_pytorch_model"))
    text.load_state_dict(weights("text_encoder", "model"))
    return safetensors_metadata(next((folder / "unet").glob("diffusion_pytorch_model*.safetensors"))).get("step", "?")


def training_step(unet: UNet2DConditionModel, text: ClipTextModel, batch: tuple[Tensor, Tensor], cumprod: Tensor, generator: torch.Generator, empty: Tensor) -> Tensor:
    images, ids = batch
    n = images.shape[0]
    drop = torch.rand(n, generator=generator) < CAPTION_DROPOUT
    ids = torch.where(drop[:, None], empty[None, :], ids)
    timesteps = torch.randint(0, cumprod.shape[0], (n,), generator=generator)
    noise = torch.randn(images.shape, generator=generator)
    a = cumprod[timesteps].sqrt()[:, None, None, None]
    s = (1 - cumprod[timesteps]).sqrt()[:, None, None, None]
    device = next(unet.parameters()).device
    noisy = (a * images + s * noise).to(device)
    prediction = unet(noisy, timesteps.float().to(device), text(ids.to(device)))
    velocity = a * noise - s * images  # the v_prediction target of scheduler_config()
    return F.mse_loss(prediction, velocity.to(device))


class WeightAverage:
    """EMA of the parameters; the warm-up (1 + n) / (10 + n) keeps early averages from remembering the random init."""

    def __init__(self, modules: dict[str, torch.nn.Module]):
        self.averages = {name: {key: value.detach().clone() for key, value in module.state_dict().items()} for name, module in modules.items()}
        self.updates = 0

    @torch.no_grad()
    def update(self, modules: dict[str, torch.nn.Module]) -> None:
        self.updates += 1
        decay = min(EMA_DECAY, (1 + self.updates) / (10 + self.updates))
        for name, module in modules.items():
            for key, value in module.state_dict().items():
                self.averages[name][key].lerp_(value.detach(), 1 - decay)

    def state_dict(self) -> dict:
        return {"averages": self.averages, "updates": self.updates}

    def load_state_dict(self, state: dict) -> None:
        self.averages, self.updates = state["averages"], state["updates"]


def export_weights(out: Path, unet: UNet2DConditionModel, text: ClipTextModel, average: WeightAverage, step: int) -> None:
    metadata = {"format": "pt", "step": str(step), "weights": f"ema {EMA_DECAY}"}
    save_safetensors(average.averages["unet"], out / "unet" / "diffusion_pytorch_model.safetensors", metadata)
    save_safetensors(average.averages["text_encoder"], out / "text_encoder" / "model.safetensors", metadata)
    (out / "unet" / "config.json").write_text(json.dumps(unet.config, indent=2) + "\n")
    (out / "text_encoder" / "config.json").write_text(json.dumps(text.config, indent=2) + "\n")
    (out / "scheduler").mkdir(exist_ok=True)
    (out / "scheduler" / "scheduler_config.json").write_text(json.dumps(scheduler_config(), indent=2) + "\n")


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # weight init
    images, tokens, empty, vocab_size = load_data(args.data)
    unet = UNet2DConditionModel(unet_config()).to(args.device)
    text = ClipTextModel(text_encoder_config(vocab_size)).to(args.device)
    if args.init and not (args.out / "checkpoint.pt").exists():
        print(f"starting from {args.init} (its step {load_initial_weights(args.init, unet, text)})")
    params = list(unet.parameters()) + list(text.parameters())
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    generator = torch.Generator().manual_seed(args.seed)
    modules: dict[str, torch.nn.Module] = {"unet": unet, "text_encoder": text}
    average = WeightAverage(modules)
    step = 0
    checkpoint_path = args.out / "checkpoint.pt"
    if checkpoint_path.exists():
        state = torch.load(checkpoint_path, map_location=args.device)
        unet.load_state_dict(state["unet"])
        text.load_state_dict(state["text_encoder"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        average.load_state_dict(state["average"])
        step = state["step"]
        print(f"resumed at step {step} from {checkpoint_path}")
    print(f"{len(images)} images, unet {sum(p.numel() for p in unet.parameters()):,} parameters, text encoder {sum(p.numel() for p in text.parameters()):,}")
    cumprod = alphas_cumprod()
    args.out.mkdir(parents=True, exist_ok=True)
    started, running = time.time(), []
    while step < args.steps:
        index = torch.randint(0, len(images), (args.batch,), generator=generator)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(args, step)
        loss = training_step(unet, text, (shifted(images[index], args.shift, generator), tokens[index]), cumprod, generator, empty)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        average.update(modules)
        step += 1
        running.append(loss.item())
        if step % 25 == 0 or step == args.steps:
            print(f"step {step} loss {np.mean(running):.4f} lr {learning_rate(args, step - 1):.2e} ({(time.time() - started) / len(running):.2f} s/step)", flush=True)
            started, running = time.time(), []
        if step % args.save_every == 0 or step == args.steps:
            state = {"unet": unet.state_dict(), "text_encoder": text.state_dict(), "optimizer": optimizer.state_dict(), "generator": generator.get_state(), "average": average.state_dict(), "step": step}
            torch.save(state, checkpoint_path.with_suffix(".tmp"))
            checkpoint_path.with_suffix(".tmp").replace(checkpoint_path)  # never a half-written checkpoint
            export_weights(args.out, unet, text, average, step)
            print(f"saved step {step} to {args.out}", flush=True)


if __name__ == "__main__":
    main()
