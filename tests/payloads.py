"""Request bodies for API tests, built from seeded random data."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from numpy.typing import NDArray


def b64_matrix(x: NDArray[np.float64], dtype: str = "float32") -> dict[str, Any]:
    wire = np.asarray(x, dtype="<f4" if dtype == "float32" else "<f8")
    return {"shape": list(x.shape), "dtype": dtype,
            "data": base64.b64encode(wire.tobytes()).decode()}


def summary_of(x: NDArray[np.float64]) -> dict[str, Any]:
    return {"count": len(x), "mean": x.mean(axis=0).tolist(),
            "covariance": np.cov(x, rowvar=False).tolist()}


def task(**overrides: Any) -> dict[str, Any]:
    base = {"type": "classification", "num_classes": 3, "labeled_examples": 30,
            "source_modality": "image", "target_modality": "image"}
    base.update(overrides)
    return base


def embeddings_request(n: int = 60, d: int = 8, seed: int = 0, shift: float = 0.0,
                       form: str = "json", labels: int = 30) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n, d))
    xt = rng.normal(size=(n, d)) + shift
    y = (np.arange(labels) % 3).tolist()

    def encode(x: NDArray[np.float64]) -> Any:
        return {"json": x.tolist(), "b64": b64_matrix(x)}[form] if form != "summary" else None

    if form == "summary":
        source = {"name": "src", "summary": summary_of(xs)}
        target = {"name": "tgt", "summary": summary_of(xt)}
    else:
        source = {"name": "src", "embeddings": encode(xs)}
        target = {"name": "tgt", "embeddings": encode(xt), "labels": y}
    return {"source": source, "target": target, "task": task(labeled_examples=labels),
            "options": {"permutations": 50, "seed": 0}}
