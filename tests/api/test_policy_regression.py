"""Clear-cut dev scenarios, sent through POST /assess, must keep their measured answer.

The expected answer is the measured truth (transfer helped by well over the margin, or hurt by
well over it), not whatever the policy said last time, so a policy change that breaks one of
these fails here. Needs the shared benchmark data (skipped without it).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.shared_data import require_shared

# A fixed subset, images and text, both directions; all with |transfer_gain| ≥ 0.1.
CASES = [
    "img-dev-mnist-id-n100",
    "img-dev-mnist-rot15-n30",
    "img-dev-mnist-perm-n1000",
    "text-debian-sections-n32",
    "text-dna-motif2-n2048",
    "text-debian-cipher-n512",
]
# Permutation nulls only give p-values; the decision does not use them, so keep the test fast.
PERMUTATIONS = 20


def _scenario(scenario_id: str) -> Path:
    return require_shared("benchmarks", "transfer-scenarios", "dev", scenario_id)


def _encode(x: np.ndarray) -> dict[str, Any]:
    data = base64.b64encode(np.ascontiguousarray(x, dtype="<f4").tobytes()).decode()
    return {"shape": list(x.shape), "dtype": "float32", "data": data}


def _body(folder: Path, summary: bool = False) -> dict[str, Any]:
    meta = json.loads((folder / "meta.json").read_text())
    xs = np.load(folder / "source_embeddings.npy").astype(np.float64)
    xt = np.load(folder / "target_embeddings.npy").astype(np.float64)
    yt = np.load(folder / "target_labels.npy").astype(np.int64)
    options = {"permutations": PERMUTATIONS, "seed": 0}
    if not summary:
        return {"source": {"name": "source", "embeddings": _encode(xs)},
                "target": {"name": meta["id"], "embeddings": _encode(xt), "labels": yt.tolist()},
                "task": meta["task"], "options": options}
    c = int(meta["task"]["num_classes"])
    counts = np.bincount(yt, minlength=c)
    means = np.zeros((c, xt.shape[1]))
    np.add.at(means, yt, xt[: len(yt)])
    means /= np.maximum(counts, 1)[:, None]
    return {
        "source": {"name": "source", "summary": {
            "count": len(xs), "mean": xs.mean(0).tolist(), "covariance": np.cov(xs.T).tolist()}},
        "target": {"name": meta["id"], "summary": {
            "count": len(xt), "mean": xt.mean(0).tolist(), "covariance": np.cov(xt.T).tolist(),
            "class_means": means.tolist(), "class_counts": counts.tolist()}},
        "task": meta["task"], "options": options}


@pytest.mark.slow
@pytest.mark.parametrize("scenario_id", CASES)
def test_clear_cases_keep_their_measured_answer(client: TestClient, scenario_id: str) -> None:
    folder = _scenario(scenario_id)
    truth = json.loads((folder / "truth.json").read_text())
    response = client.post("/assess", json=_body(folder))
    assert response.status_code == 201, response.text
    rec = response.json()["recommendation"]
    if truth["transfer_helps"]:
        assert rec["strategy"] in ("fine_tune", "feature_extraction"), rec
        assert rec["transfer_score"] >= 0.5
    else:
        assert truth["negative_transfer"]
        assert rec["strategy"] == "train_from_scratch", rec
        assert rec["negative_transfer_risk"] == "high", rec
        assert rec["transfer_score"] < 0.5
    assert rec["reasons"]
    assert response.json()["policy_version"]


@pytest.mark.slow
def test_summary_only_request_is_decided_with_less_confidence(client: TestClient) -> None:
    folder = _scenario("img-dev-mnist-id-n100")
    rows = client.post("/assess", json=_body(folder))
    summary = client.post("/assess", json=_body(folder, summary=True))
    assert rows.status_code == 201, rows.text
    assert summary.status_code == 201, summary.text
    r, s = rows.json()["recommendation"], summary.json()["recommendation"]
    assert s["strategy"] in ("fine_tune", "feature_extraction", "train_from_scratch")
    assert s["confidence"] < r["confidence"]
    assert any("summary-only" in reason for reason in s["reasons"])
