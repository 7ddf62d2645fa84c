"""Issue 14's failures as a new user meets them, through POST /assess.

Zero target labels and perfectly separable domains used to come back `feature_extraction` at
low risk: whatever the tier, a large measured shift must raise the risk and say so.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from fastapi.testclient import TestClient


def _encode(x: np.ndarray) -> dict[str, Any]:
    data = base64.b64encode(np.ascontiguousarray(x, dtype="<f4").tobytes()).decode()
    return {"shape": list(x.shape), "dtype": "float32", "data": data}


def _separable_body(labels: int) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    source = rng.normal(0.0, 1.0, (300, 16))
    target = rng.normal(5.0, 1.0, (300, 16))  # proxy-A ≈ 2: a classifier tells them apart
    y = (np.arange(labels) % 2).tolist()
    return {"source": {"name": "source", "embeddings": _encode(source)},
            "target": {"name": "target", "embeddings": _encode(target),
                       **({"labels": y} if labels else {})},
            "task": {"type": "classification", "num_classes": 2, "labeled_examples": labels,
                     "source_modality": "tabular", "target_modality": "tabular"},
            "options": {"permutations": 20, "seed": 0}}


def test_zero_labels_and_separable_domains_mean_high_risk_named_by_the_shift(
        client: TestClient) -> None:
    response = client.post("/assess", json=_separable_body(0))
    assert response.status_code == 201, response.text
    body = response.json()
    rec = body["recommendation"]
    assert rec["negative_transfer_risk"] == "high", rec
    shift = [r for r in rec["reasons"] if r.startswith("measured shift")]
    assert shift, rec
    assert "proxy_a_distance" in shift[0], shift
    assert "frechet_distance" in shift[0], shift
    assert any("labeled_examples per class = 0" in r for r in rec["reasons"]), rec
    # metrics that could not run are listed apart, not among the reasons
    assert body["omitted"], body
    assert not any(" omitted: " in r for r in rec["reasons"]), rec


def test_expected_gain_is_an_ordered_interval(client: TestClient) -> None:
    response = client.post("/assess", json=_separable_body(40))
    assert response.status_code == 201, response.text
    gain = response.json()["recommendation"]["expected_gain"]
    assert gain is not None
    assert -1.0 <= gain["low"] <= gain["value"] <= gain["high"] <= 1.0, gain


def test_a_simple_task_the_scratch_proxy_solves_is_not_called_transfer(
        client: TestClient) -> None:
    """Raw inputs a plain linear model separates; frozen features that carry nothing of it."""
    rng = np.random.default_rng(1)
    y = np.arange(200) % 2
    raw = rng.normal(0.0, 1.0, (200, 8))
    raw[:, 0] += 4.0 * y  # one raw column gives the class away
    frozen = rng.normal(0.0, 1.0, (200, 16))
    source = rng.normal(0.0, 1.0, (300, 16))
    body = {"source": {"name": "source", "embeddings": _encode(source)},
            "target": {"name": "target", "embeddings": _encode(frozen), "labels": y.tolist(),
                       "scratch_features": _encode(raw)},
            "task": {"type": "classification", "num_classes": 2, "labeled_examples": 200,
                     "source_modality": "tabular", "target_modality": "tabular"},
            "options": {"permutations": 20, "seed": 0}}
    response = client.post("/assess", json=body)
    assert response.status_code == 201, response.text
    rec = response.json()["recommendation"]
    assert rec["strategy"] == "train_from_scratch" or rec["negative_transfer_risk"] == "high", rec
