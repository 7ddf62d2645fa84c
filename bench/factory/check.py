"""Format checks for built scenario folders (`python -m bench.factory check --out DIR`).

Per folder: the contract files and dtypes, `labeled_examples` labels, equal embedding widths,
the truth keys of the dev set and their arithmetic, raw items aligned with the embedding rows,
and, where `extractor.onnx` ships, that it reproduces the first target embeddings from the
raw items.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

TRUTH_KEYS = {"acc_scratch", "acc_feature_extraction", "acc_fine_tune", "std", "seeds", "test_size",
              "transfer_gain", "best_strategy", "transfer_helps", "negative_transfer", "margin", "how"}


def check_folder(folder: Path) -> list[str]:
    problems: list[str] = []
    meta: dict[str, Any] = json.loads((folder / "meta.json").read_text())
    truth: dict[str, Any] = json.loads((folder / "truth.json").read_text())
    xs = np.load(folder / "source_embeddings.npy")
    xt = np.load(folder / "target_embeddings.npy")
    yt = np.load(folder / "target_labels.npy")
    n_lab = meta["task"]["labeled_examples"]
    if xs.dtype != np.float32 or xt.dtype != np.float32 or yt.dtype != np.int64:
        problems.append("dtypes")
    if xs.shape[1] != xt.shape[1]:
        problems.append(f"widths {xs.shape[1]} != {xt.shape[1]}")
    if len(yt) != n_lab or len(xt) < n_lab:
        problems.append(f"labels {len(yt)} / rows {len(xt)} vs labeled_examples {n_lab}")
    if yt.min() < 0 or yt.max() >= meta["task"]["num_classes"]:
        problems.append("label range")
    if not np.isfinite(xs).all() or not np.isfinite(xt).all():
        problems.append("non-finite embeddings")
    if (folder / "source_labels.npy").is_file() and len(np.load(folder / "source_labels.npy")) != len(xs):
        problems.append("source labels")
    missing = TRUTH_KEYS - set(truth)
    if missing:
        problems.append(f"truth keys missing {sorted(missing)}")
    else:
        accs = [truth["acc_feature_extraction"], truth["acc_fine_tune"]]
        gain = max(a for a in accs if a is not None) - truth["acc_scratch"]
        if abs(gain - truth["transfer_gain"]) > 2e-4:
            problems.append("transfer_gain arithmetic")
        if truth["transfer_helps"] != (truth["transfer_gain"] > truth["margin"]):
            problems.append("transfer_helps")
        if truth["negative_transfer"] != (truth["transfer_gain"] < -truth["margin"]):
            problems.append("negative_transfer")
    raw = meta.get("raw_inputs")
    first: np.ndarray | None = None
    if raw and raw.endswith(".npz"):
        with np.load(folder / raw) as data:
            key = next(k for k in data.files if k != "labels")
            if len(data[key]) != len(xt) or not np.array_equal(data["labels"], yt):
                problems.append("raw npz rows/labels")
            first = data[key][:16]
    elif raw and raw.endswith(".jsonl"):
        lines = (folder / raw).read_text(encoding="utf-8").splitlines()
        labels = [json.loads(line)["label"] for line in lines[:n_lab]]
        if len(lines) != len(xt) or labels != yt.tolist():
            problems.append("raw jsonl rows/labels")
    if meta.get("scratch_features") and len(np.load(folder / meta["scratch_features"])) != len(xt):
        problems.append("scratch_features rows")
    if meta.get("extractor_onnx") and first is not None:
        from .common import onnx_features

        spec = meta["extractor_spec"]
        got = onnx_features(folder / meta["extractor_onnx"], first.astype(np.float32), spec["input_name"])
        if not np.allclose(got, xt[:16], atol=1e-4, rtol=1e-4):
            problems.append("extractor.onnx does not reproduce target_embeddings")
    return problems


def check_all(out: Path) -> int:
    bad = 0
    folders = sorted(p.parent for p in out.glob("*/meta.json"))
    for folder in folders:
        problems = check_folder(folder)
        if problems:
            bad += 1
            print(f"{folder.name}: {'; '.join(problems)}")
    print(f"{len(folders) - bad}/{len(folders)} scenario folders pass")
    return bad
