"""Request examples for the OpenAPI document (POST /assess), one per input form."""

from __future__ import annotations

import base64
import struct
from typing import Any

_SOURCE = [[0.1, 0.9, 0.2], [0.8, 0.1, 0.3], [0.7, 0.8, 0.1], [0.2, 0.3, 0.9],
           [0.5, 0.5, 0.5], [0.9, 0.2, 0.6]]
_TARGET = [[0.2, 1.1, 0.3], [1.0, 0.2, 0.2], [0.8, 0.9, 0.3], [0.3, 0.2, 1.1],
           [0.6, 0.7, 0.4], [1.1, 0.1, 0.5]]
_TASK = {"type": "classification", "num_classes": 2, "labeled_examples": 4,
         "source_modality": "image", "target_modality": "image"}


def _encoded(rows: list[list[float]]) -> dict[str, Any]:
    """Base64 of little-endian float32, row-major, as a client builds it from a numpy array:
    `base64.b64encode(np.asarray(x, "<f4").tobytes())`."""
    flat = [v for row in rows for v in row]
    data = base64.b64encode(struct.pack(f"<{len(flat)}f", *flat)).decode("ascii")
    return {"shape": [len(rows), len(rows[0])], "dtype": "float32", "data": data}


ASSESS_EXAMPLES: dict[str, dict[str, Any]] = {
    "embeddings": {
        "summary": "Embeddings as JSON lists, 4 labeled target rows",
        "value": {"source": {"name": "imagenet-feats", "embeddings": _SOURCE},
                  "target": {"name": "xray-feats", "embeddings": _TARGET,
                             "labels": [0, 1, 0, 1]},
                  "task": _TASK, "options": {"permutations": 100, "seed": 0}},
    },
    "encoded": {
        "summary": "Embeddings encoded as base64 float32 (compact for large n × d)",
        "value": {"source": {"name": "imagenet-feats", "embeddings": _encoded(_SOURCE)},
                  "target": {"name": "xray-feats", "embeddings": _encoded(_TARGET),
                             "labels": [0, 1, 0, 1]},
                  "task": _TASK, "options": {"metrics": ["frechet_distance", "mmd", "logme"]}},
    },
    "summary": {
        "summary": "Summaries instead of rows (the rows never leave the client)",
        "value": {"source": {"name": "imagenet-feats", "summary": {
                      "count": 1000, "mean": [0.5, 0.5],
                      "covariance": [[1.0, 0.1], [0.1, 1.0]]}},
                  "target": {"name": "xray-feats", "summary": {
                      "count": 200, "mean": [0.7, 0.4],
                      "covariance": [[1.2, 0.0], [0.0, 0.9]]}},
                  "task": {**_TASK, "labeled_examples": 200}},
    },
    "texts": {
        "summary": "Raw texts embedded by a bundled extractor",
        "value": {"source": {"name": "reviews", "inputs": {"texts": [
                      "great product, works well", "arrived broken", "does what it says",
                      "would not buy again"]}},
                  "target": {"name": "support-tickets", "inputs": {"texts": [
                      "my order never arrived", "the app crashes on start",
                      "thanks, all sorted", "refund please"]}},
                  "task": {"labeled_examples": 0, "source_modality": "text",
                           "target_modality": "text"},
                  "extractor": "minilm-l6-v2"},
    },
}
