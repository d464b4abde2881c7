"""Trains the fidelity classifier (fidelity_classifier.py) on the emoji training set and exports it:

  /usr/bin/python3 tools/train/classifier.py --data .cache/train/data --out models/fidelity-classifier

FID and KID compare Inception features of real and generated images; Inception never saw 32² emoji,
so the project trains its own feature extractor on the same data the diffusion model learns.

Classes are source × category ("twemoji, Smileys & Emotion"), not category alone: a network that
only had to name the category would be free to ignore how an emoji is drawn, and a score built on its
features could not tell a Twemoji-style sample from a Noto-style one — the style word is part of
every prompt the diffusion model is trained on.

Held out: every 10th emoji in code-point order, both of its drawings, so no held-out emoji has its
other style in the training split. No horizontal flips (a mirrored flag or arrow is not a drawing
of the set, and the features should notice it); shifts of up to 2 pixels over white are allowed.
One thread and one seeded generator: the same data gives the same weights.
"""
from __future__ import annotations

import argparse
import hashlib
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
from fidelity_classifier import FidelityClassifier  # noqa: E402
from safetensors_file import save_safetensors  # noqa: E402

HOLD_OUT_EVERY = 10
MAX_SHIFT = 2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(".cache/train/data"))
    parser.add_argument("--out", type=Path, default=Path("models/fidelity-classifier"))
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--channels", type=int, nargs="+", default=[32, 64, 128], help="output channels of each stage; the last is the feature size")
    parser.add_argument("--layers", type=int, default=1, help="conv layers per stage")
    # One core: the diffusion training running beside it keeps the other.
    parser.add_argument("--threads", type=int, default=1)
    return parser.parse_args()


def read_labels(folder: Path) -> tuple[list[dict], list[dict], np.ndarray, np.ndarray]:
    """Classes (source-major, categories sorted), rows, each image's class and held-out flag."""
    rows = [json.loads(line) for line in (folder / "captions.jsonl").read_text().splitlines()]
    if any("category" not in row for row in rows):
        raise SystemExit(f"{folder / 'captions.jsonl'} has no 'category' field: re-run tools/train/prepare-data.ts")
    sources = list(dict.fromkeys(row["source"] for row in rows))
    categories = sorted({row["category"] for row in rows})
    classes = [{"source": source, "category": category} for source in sources for category in categories]
    labels = np.array([sources.index(row["source"]) * len(categories) + categories.index(row["category"]) for row in rows])
    rank = {code: index for index, code in enumerate(sorted({row["unified"] for row in rows}))}
    held_out = np.array([rank[row["unified"]] % HOLD_OUT_EVERY == 0 for row in rows])
    return classes, rows, labels, held_out


def shift_over_white(images: Tensor, generator: torch.Generator) -> Tensor:
    """Each image moved by up to MAX_SHIFT pixels in x and y; the uncovered border is white."""
    n, _, h, w = images.shape
    padded = F.pad(images, (MAX_SHIFT,) * 4, value=1.0)
    offsets = torch.randint(0, 2 * MAX_SHIFT + 1, (n, 2), generator=generator).tolist()
    return torch.stack([padded[i, :, dy : dy + h, dx : dx + w] for i, (dy, dx) in enumerate(offsets)])


@torch.no_grad()
def accuracy(model: FidelityClassifier, images: Tensor, labels: Tensor, categories: int) -> dict[str, float]:
    model.eval()
    predicted = torch.cat([model(chunk)[1].argmax(dim=1) for chunk in images.split(256)])
    model.train()
    return {
        "source_and_category": (predicted == labels).float().mean().item(),
        "category": (predicted % categories == labels % categories).float().mean().item(),
        "source": (predicted // categories == labels // categories).float().mean().item(),
    }


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)

    pixels = np.load(args.data / "images.npy")
    classes, rows, labels, held_out = read_labels(args.data)
    categories = len(classes) // len({c["source"] for c in classes})
    images = torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255.0
    targets = torch.from_numpy(labels)
    train_index = torch.from_numpy(np.flatnonzero(~held_out))
    test_index = torch.from_numpy(np.flatnonzero(held_out))

    config = {
        "model_type": "fidelity-classifier",
        "in_channels": 3,
        "image_size": pixels.shape[1],
        "normalization": {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
        "block_out_channels": args.channels,
        "layers_per_block": args.layers,
        "norm_num_groups": 8,
        "norm_eps": 1e-5,
        "classes": classes,
    }
    model = FidelityClassifier(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = math.ceil(len(train_index) / args.batch)
    total_steps = args.epochs * steps_per_epoch
    # Cosine decay to zero: a short run ends at a settled point instead of mid-oscillation.
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * step / total_steps)))

    started = time.time()
    for epoch in range(args.epochs):
        order = train_index[torch.randperm(len(train_index), generator=generator)]
        loss_sum = 0.0
        for batch in order.split(args.batch):
            _, logits = model(shift_over_white(images[batch], generator))
            loss = F.cross_entropy(logits, targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            loss_sum += loss.item() * len(batch)
        if epoch % 5 == 4 or epoch == args.epochs - 1:
            held = accuracy(model, images[test_index], targets[test_index], categories)
            print(f"epoch {epoch + 1}: loss {loss_sum / len(train_index):.3f}, held-out accuracy {held['source_and_category']:.3f} "
                  f"(category {held['category']:.3f}, source {held['source']:.3f}), {time.time() - started:.0f} s", flush=True)
    seconds = time.time() - started

    held = accuracy(model, images[test_index], targets[test_index], categories)
    trained = accuracy(model, images[train_index], targets[train_index], categories)
    config["training"] = {
        "data_images_sha256": hashlib.sha256((args.data / "images.npy").read_bytes()).hexdigest(),
        "images": len(rows), "held_out_images": len(test_index),
        "held_out_rule": f"every {HOLD_OUT_EVERY}th emoji in code-point order (both drawings)",
        "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "seed": args.seed, "threads": args.threads,
        "augmentation": f"shift up to {MAX_SHIFT} px over white, no flips",
        "seconds": round(seconds, 1),
        "held_out_accuracy": {key: round(value, 4) for key, value in held.items()},
        "train_accuracy": {key: round(value, 4) for key, value in trained.items()},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    save_safetensors(dict(model.state_dict()), args.out / "model.safetensors", {"format": "pt"})
    (args.out / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    print(f"trained in {seconds:.0f} s; held-out accuracy {held}; wrote {args.out}")


if __name__ == "__main__":
    main()
