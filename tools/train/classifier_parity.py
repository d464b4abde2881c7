"""PyTorch outputs of the exported fidelity classifier on a few held-out training images, written as the
fixture test/bench/fidelity/classifier.test.ts compares the ONNX graph against (so npm test needs no torch):

  /usr/bin/python3 tools/train/classifier_parity.py --model models/fidelity-classifier \\
      --data .cache/train/data --out test/fixtures/fidelity-classifier-parity.json

It loads model.safetensors and config.json, the files the ONNX builder reads, not the training
process's module, so the check covers the export too. Re-run it whenever the classifier is retrained:
the fixture records the weights' SHA-256 and the test says when they no longer match.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from fidelity_classifier import FidelityClassifier, load_config  # noqa: E402
from safetensors_file import load_safetensors  # noqa: E402

IMAGES = 4


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("models/fidelity-classifier"))
    parser.add_argument("--data", type=Path, default=Path(".cache/train/data"))
    parser.add_argument("--out", type=Path, default=Path("test/fixtures/fidelity-classifier-parity.json"))
    return parser.parse_args()


def pick_rows(rows: list[dict]) -> list[int]:
    """The first held-out image (code-point rank % 10 == 0) of IMAGES different categories, alternating sources."""
    rank = {code: index for index, code in enumerate(sorted({row["unified"] for row in rows}))}
    sources = list(dict.fromkeys(row["source"] for row in rows))
    picked: list[int] = []
    seen: set[str] = set()
    for turn in range(IMAGES):
        source = sources[turn % len(sources)]
        row = next((row for row in rows if rank[row["unified"]] % 10 == 0 and row["source"] == source and row["category"] not in seen), None)
        if row is None:
            raise SystemExit(f"no held-out {source} image of a category other than {sorted(seen)}")
        picked.append(row["index"])
        seen.add(row["category"])
    return picked


def main() -> None:
    args = parse_args()
    torch.set_num_threads(1)
    config = load_config(args.model)
    weights_path = args.model / "model.safetensors"
    model = FidelityClassifier(config)
    model.load_state_dict(load_safetensors(weights_path))
    model.eval()

    rows = [json.loads(line) for line in (args.data / "captions.jsonl").read_text().splitlines()]
    picked = pick_rows(rows)
    pixels = np.load(args.data / "images.npy")[picked]
    # float64: the reference is then the float32 weights' exact result (to ~1e-15), and the test's
    # tolerance covers ONNX Runtime's float32 rounding alone, not two float32 errors summed.
    model.double()
    with torch.no_grad():
        features, logits = model(torch.from_numpy(pixels).permute(0, 3, 1, 2).double() / 255.0)
    fixture = {
        "generated_by": "tools/train/classifier_parity.py (PyTorch " + torch.__version__ + ", float64)",
        "weights_sha256": hashlib.sha256(weights_path.read_bytes()).hexdigest(),
        "images": [
            {"index": index, "source": rows[index]["source"], "category": rows[index]["category"],
             "width": int(image.shape[1]), "height": int(image.shape[0]), "rgb_base64": base64.b64encode(image.tobytes()).decode()}
            for index, image in zip(picked, pixels)
        ],
        "features": features.tolist(),
        "logits": logits.tolist(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fixture) + "\n")
    print(f"wrote {args.out}: images {picked}")


if __name__ == "__main__":
    main()
