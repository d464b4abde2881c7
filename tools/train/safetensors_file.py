"""The .safetensors format, written and read directly (huggingface/safetensors docs, "Format"):
8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} plus
optional "__metadata__", then the tensors' bytes back to back. Only float32 is needed here.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import torch


def save_safetensors(tensors: dict[str, torch.Tensor], path: Path, metadata: dict[str, str] | None = None) -> None:
    header: dict[str, object] = {"__metadata__": metadata} if metadata else {}
    blobs: list[bytes] = []
    offset = 0
    for name in sorted(tensors):  # sorted names: the same weights always give the same bytes
        array = tensors[name].detach().cpu().contiguous().to(torch.float32).numpy()
        data = array.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # keeps the data 8-byte aligned, as the reference writer does
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)))
        file.write(text)
        for blob in blobs:
            file.write(blob)


def load_safetensors(path: Path) -> dict[str, torch.Tensor]:
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    base = 8 + length
    tensors: dict[str, torch.Tensor] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {info['dtype']}; this reader handles F32 only")
        start, end = info["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(raw[base + start : base + end], dtype="<f4").copy()).reshape(info["shape"])
    return tensors
