"""The .safetensors format, written and read directly (huggingface/safetensors docs, "Format"):
8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} plus
optional "__metadata__", then the tensors' bytes back to back. Written as float32; read as float32 or
float16 (the app's packed models/emoji-pixel-32 weights, which a run can start from).
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import torch

NUMPY_DTYPES = {"F32": "<f4", "F16": "<f2"}


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


def read_header(raw: bytes) -> tuple[dict, int]:
    """The JSON header and the offset of the first tensor byte."""
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + length]), 8 + length


def safetensors_metadata(path: Path) -> dict[str, str]:
    return read_header(path.read_bytes())[0].get("__metadata__", {})


def load_safetensors(path: Path) -> dict[str, torch.Tensor]:
    raw = path.read_bytes()
    header, base = read_header(raw)
    tensors: dict[str, torch.Tensor] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in NUMPY_DTYPES:
            raise ValueError(f"{path}: {name} is {info['dtype']}; this reader handles {', '.join(NUMPY_DTYPES)} only")
        start, end = info["data_offsets"]
        array = np.frombuffer(raw[base + start : base + end], dtype=NUMPY_DTYPES[info["dtype"]]).astype("<f4")
        tensors[name] = torch.from_numpy(array).reshape(info["shape"])
    return tensors
