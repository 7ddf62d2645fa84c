"""Write one scenario folder in the `contract/scenarios.md` format, plus the raw target items.

Files: meta.json, source_embeddings.npy (float32), source_labels.npy (int64, optional),
target_embeddings.npy (float32; the first `labeled_examples` rows are seed 0's labeled subset,
then the rest of the unlabeled pool), target_labels.npy (int64, those rows only), truth.json;
and the raw target items in the same row order: `target_inputs.npz` (arrays: key = the
extractor's input name, plus `labels`) or `target_inputs.jsonl` (texts: one {"text", "label"}
object a line, label null past the labeled rows), named by meta.raw_inputs. Where the source
network is ours, `extractor.onnx` (float32 input, output `features`) and meta.extractor_spec.
Where the raw items are arrays, `scratch_features.npy` (float32) holds what the linear scratch
learner saw (meta.scratch_features), for contract v1.1's `target.scratch_features`.
`seed_labeled.npz` (meta.seed_labeled; beyond the format) holds every seed's labeled subset as
row positions in the written order (`rows`, seeds x labeled_examples; seed 0's are 0..n-1) with
their labels (`labels`), so a bench can pose the task once per seed beside the per-seed accuracies
in truth.details.per_seed (bench/tenant_learning.py posts them as separate outcomes).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class Scenario:
    id: str
    family: str
    description: str
    num_classes: int
    labeled_examples: int
    source_modality: str
    target_modality: str
    source_name: str
    target_name: str
    source_embeddings: np.ndarray
    source_labels: np.ndarray | None
    pool_embeddings: np.ndarray           # target pool through the source extractor, pool order
    y_pool: np.ndarray
    labeled_idx: np.ndarray               # seed 0's labeled subset (pool indices)
    truth: dict[str, Any]
    raw_arrays: dict[str, np.ndarray] | None = None   # pool order; key = extractor input name
    raw_texts: list[str] | None = None                # pool order
    scratch_features: np.ndarray | None = None        # pool order
    extractor_onnx: Path | None = None
    extractor_spec: dict[str, Any] | None = None
    extra_meta: dict[str, Any] = field(default_factory=dict)
    seed_subsets: list[np.ndarray] | None = None      # every seed's labeled subset (pool indices)


def row_order(n_pool: int, labeled_idx: np.ndarray) -> np.ndarray:
    """Labeled rows first (in subset order), then the remaining pool rows in pool order."""
    rest = np.setdiff1d(np.arange(n_pool), labeled_idx, assume_unique=False)
    return np.concatenate([labeled_idx, rest]).astype(np.int64)


def write(out_root: Path, sc: Scenario) -> Path:
    folder = out_root / sc.id
    tmp = out_root / f".{sc.id}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    order = row_order(len(sc.y_pool), sc.labeled_idx)
    n_lab = len(sc.labeled_idx)
    assert n_lab == sc.labeled_examples
    np.save(tmp / "source_embeddings.npy", np.ascontiguousarray(sc.source_embeddings, dtype=np.float32))
    if sc.source_labels is not None:
        np.save(tmp / "source_labels.npy", sc.source_labels.astype(np.int64))
    np.save(tmp / "target_embeddings.npy",
            np.ascontiguousarray(sc.pool_embeddings[order], dtype=np.float32))
    labels = sc.y_pool[sc.labeled_idx].astype(np.int64)
    np.save(tmp / "target_labels.npy", labels)
    raw_name = None
    if sc.raw_arrays is not None:
        raw_name = "target_inputs.npz"
        arrays = {k: np.ascontiguousarray(v[order]) for k, v in sc.raw_arrays.items()}
        np.savez_compressed(tmp / raw_name, labels=labels, **arrays)
    elif sc.raw_texts is not None:
        raw_name = "target_inputs.jsonl"
        with (tmp / raw_name).open("w", encoding="utf-8") as fh:
            for rank, i in enumerate(order):
                label = int(labels[rank]) if rank < n_lab else None
                fh.write(json.dumps({"text": sc.raw_texts[i], "label": label}, ensure_ascii=False) + "\n")
    scratch_name = None
    if sc.scratch_features is not None:
        scratch_name = "scratch_features.npy"
        np.save(tmp / scratch_name, np.ascontiguousarray(sc.scratch_features[order], dtype=np.float32))
    seed_name = None
    if sc.seed_subsets is not None:
        seed_name = "seed_labeled.npz"
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        subsets = np.stack(sc.seed_subsets)
        np.savez_compressed(tmp / seed_name, rows=position[subsets],
                            labels=sc.y_pool[subsets].astype(np.int64))
    onnx_name = None
    if sc.extractor_onnx is not None:
        onnx_name = "extractor.onnx"
        shutil.copyfile(sc.extractor_onnx, tmp / onnx_name)
    meta: dict[str, Any] = {
        "id": sc.id, "family": sc.family, "description": sc.description,
        "task": {"type": "classification", "num_classes": sc.num_classes,
                 "labeled_examples": sc.labeled_examples,
                 "source_modality": sc.source_modality, "target_modality": sc.target_modality},
        "source_name": sc.source_name, "target_name": sc.target_name,
        "extractor_onnx": onnx_name, "raw_inputs": raw_name, "scratch_features": scratch_name,
        "seed_labeled": seed_name,
        "set": "factory",
        "source_rows": len(sc.source_embeddings),
        "target_pool_rows": len(sc.y_pool),
    }
    if sc.extractor_spec is not None:
        meta["extractor_spec"] = sc.extractor_spec
    meta.update(sc.extra_meta)
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    (tmp / "truth.json").write_text(json.dumps(sc.truth, indent=1) + "\n")
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    return folder
