"""The zoo's data model, measurement and folder layout (builders in images.py and texts.py).

Measurement reuses the factory's protocol as is: `truth.measure` on a `truth.Task` whose
feature-extraction learner is the candidate's frozen features and whose fine-tune learner is
the candidate's network (where there is one). The scratch learners are the same objects for
every candidate of a target, wrapped in `Memo` so they run once per target (their scores only
depend on the seed: the labeled subsets are a function of the target's labels and the seed).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from bench.factory import truth, writer
from bench.factory.common import Context

from transfer_advisor.services.scratch_features import char_ngram_tfidf, pixel_features


@dataclass
class Candidate:
    """One candidate extractor for one target: its features of every target item, its source."""

    name: str
    description: str
    kind: str                                 # packaged | trained-here | random-init | derived
    features: np.ndarray                      # (n_items, d), the target's items in dataset order
    source_features: np.ndarray               # what the candidate's own source data looks like
    source_labels: np.ndarray | None
    source_description: str
    fine_tune: Any | None = None              # a truth.NetLearner starting from its body


@dataclass
class Target:
    """One classification task at one labeled count; the candidates come from `candidates()`."""

    id: str
    modality: str                             # image | text
    description: str
    y: np.ndarray                             # labels of every item, dataset order
    pool_idx: np.ndarray
    test_idx: np.ndarray
    per_class: int                            # labeled examples per class
    scratch: list[Any]                        # truth learners on pool/test (raw-input models)
    images: np.ndarray | None = None          # uint8 NHWC, dataset order
    texts: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def num_classes(self) -> int:
        return int(self.y.max()) + 1

    @property
    def labeled_examples(self) -> int:
        return self.per_class * self.num_classes


class Memo:
    """A truth learner whose per-seed scores are kept (in `store`, saved between runs)."""

    def __init__(self, inner: Any, store: dict[str, float]) -> None:
        self.inner, self.store, self.name = inner, store, inner.name

    def score(self, idx: np.ndarray, y_pool: np.ndarray, y_test: np.ndarray, seed: int) -> float:
        key = f"{self.name}/{seed}"
        if key not in self.store:
            self.store[key] = self.inner.score(idx, y_pool, y_test, seed)
        return self.store[key]


HOW = ("Zoo pair: feature_extraction = logistic regression on this candidate's frozen features of "
       "the target items; fine_tune = the candidate's network end to end, where it is a small CNN "
       "trained or initialised here; scratch learners are shared by every candidate of the target.")


def build_target(ctx: Context, target: Target, candidates: Sequence[Candidate], *,
                 fine_tune: bool = True) -> dict[str, Any]:
    """Measure every (target, candidate) pair not yet written; write the target's folder."""
    folder = ctx.out / target.id
    folder.mkdir(parents=True, exist_ok=True)
    c, n = target.num_classes, target.labeled_examples
    y_pool, y_test = target.y[target.pool_idx], target.y[target.test_idx]
    memo_path = ctx.cache / f"scratch-{target.id}-n{n}.json"
    store: dict[str, float] = json.loads(memo_path.read_text()) if memo_path.is_file() else {}
    scratch = [Memo(learner, store) for learner in target.scratch]
    rows: list[dict[str, Any]] = []
    idx0: np.ndarray | None = None
    for cand in candidates:
        pair = folder / cand.name
        if (pair / "truth.json").is_file() and not ctx.force:
            result = json.loads((pair / "truth.json").read_text())
        else:
            t0 = time.monotonic()
            task = truth.Task(
                y_pool=y_pool, y_test=y_test, num_classes=c, scratch=scratch,
                feature_extraction=truth.LinearProbe("logreg_frozen_features",
                                                     cand.features[target.pool_idx],
                                                     cand.features[target.test_idx], c),
                fine_tune=cand.fine_tune, how=HOW + " " + cand.description)
            result, idx0 = truth.measure(task, n, fine_tune=fine_tune and cand.fine_tune is not None)
            result["details"]["seconds"] = round(time.monotonic() - t0, 1)
            memo_path.parent.mkdir(parents=True, exist_ok=True)
            memo_path.write_text(json.dumps(store, indent=0))
            writer.write(folder, writer.Scenario(
                id=cand.name, family=f"rank-zoo-{target.id}", description=target.description,
                num_classes=c, labeled_examples=n, source_modality=target.modality,
                target_modality=target.modality, source_name=cand.name, target_name=target.id,
                source_embeddings=cand.source_features, source_labels=cand.source_labels,
                pool_embeddings=cand.features[target.pool_idx], y_pool=y_pool, labeled_idx=idx0,
                truth=result, extra_meta={"candidate": {
                    "name": cand.name, "kind": cand.kind, "description": cand.description,
                    "source_description": cand.source_description,
                    "dim": int(cand.features.shape[1])}}))
            ctx.log(f"{target.id} / {cand.name}: fe {result['acc_feature_extraction']:.3f} "
                    f"ft {result['acc_fine_tune']} scratch {result['acc_scratch']:.3f} "
                    f"({result['details']['seconds']} s)")
        rows.append({"name": cand.name, "kind": cand.kind, "description": cand.description,
                     "dim": int(cand.features.shape[1]),
                     "acc_feature_extraction": result["acc_feature_extraction"],
                     "acc_fine_tune": result["acc_fine_tune"], "std": result["std"],
                     "acc_scratch": result["acc_scratch"],
                     "scratch_method": result["details"]["scratch_method"]})
    if idx0 is None:
        idx0 = truth.balanced_subset(y_pool, n, c, 0)
    order = writer.row_order(len(y_pool), idx0)
    write_target_files(folder, target, order, n)
    doc = {"id": target.id, "modality": target.modality, "description": target.description,
           "num_classes": c, "labeled_examples": n, "per_class": target.per_class,
           "pool_rows": len(target.pool_idx), "test_rows": len(target.test_idx),
           "chance": round(float(np.bincount(y_test).max() / len(y_test)), 4),
           "acc_scratch": rows[0]["acc_scratch"], "scratch_method": rows[0]["scratch_method"],
           "candidates": rows, **target.extra,
           "protocol": " ".join(truth.PROTOCOL.split()) + " " + HOW}
    (folder / "target.json").write_text(json.dumps(doc, indent=1) + "\n")
    return doc


def write_target_files(folder: Path, target: Target, order: np.ndarray, n: int) -> None:
    """Labels, raw inputs (target row order) and the service's scratch features (labeled rows)."""
    labels = target.y[target.pool_idx][order[:n]].astype(np.int64)
    np.save(folder / "target_labels.npy", labels)
    items = target.pool_idx[order]
    if target.images is not None:
        images = target.images[items]
        np.savez_compressed(folder / "target_inputs.npz", images=images, labels=labels)
        scratch = pixel_features(images[:n])
    else:
        assert target.texts is not None
        texts = [target.texts[i] for i in items]
        with (folder / "target_inputs.jsonl").open("w", encoding="utf-8") as fh:
            for rank, text in enumerate(texts):
                label = int(labels[rank]) if rank < n else None
                fh.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
        scratch = char_ngram_tfidf(texts, n)
    np.save(folder / "target_scratch_features.npy", scratch.astype(np.float32))


# ------------------------------------------------------------------------------ reading


@dataclass
class ZooCandidate:
    name: str
    folder: Path
    acc_feature_extraction: float
    acc_fine_tune: float | None

    @property
    def acc_best(self) -> float:
        """The best measured transfer accuracy (fine-tune where measured)."""
        ft = self.acc_fine_tune
        return self.acc_feature_extraction if ft is None else max(ft, self.acc_feature_extraction)

    def arrays(self) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """(source embeddings, source labels or None, target embeddings in target row order)."""
        labels = self.folder / "source_labels.npy"
        return (np.load(self.folder / "source_embeddings.npy"),
                np.load(labels) if labels.is_file() else None,
                np.load(self.folder / "target_embeddings.npy"))


@dataclass
class ZooTarget:
    id: str
    folder: Path
    doc: dict[str, Any]
    candidates: list[ZooCandidate]

    @property
    def modality(self) -> str:
        return str(self.doc["modality"])

    def labels(self) -> np.ndarray:
        labels: np.ndarray = np.load(self.folder / "target_labels.npy")
        return labels

    def scratch_features(self) -> np.ndarray:
        rows: np.ndarray = np.load(self.folder / "target_scratch_features.npy")
        return rows


def load_zoo(root: Path) -> list[ZooTarget]:
    """Every built target under `root` (folders with a target.json), in name order."""
    out = []
    for doc_path in sorted(root.glob("*/target.json")):
        doc = json.loads(doc_path.read_text())
        cands = [ZooCandidate(c["name"], doc_path.parent / c["name"], float(c["acc_feature_extraction"]),
                              None if c["acc_fine_tune"] is None else float(c["acc_fine_tune"]))
                 for c in doc["candidates"]]
        out.append(ZooTarget(doc["id"], doc_path.parent, doc, cands))
    return out


def summary_lines(targets: Sequence[ZooTarget]) -> Iterator[str]:
    for t in targets:
        yield (f"{t.id} ({t.modality}, {t.doc['num_classes']} classes, {t.doc['labeled_examples']} "
               f"labeled, scratch {t.doc['acc_scratch']:.3f} {t.doc['scratch_method']})")
        for c in sorted(t.candidates, key=lambda c: -c.acc_feature_extraction):
            ft = "" if c.acc_fine_tune is None else f"  ft {c.acc_fine_tune:.3f}"
            yield f"    {c.name:28s} fe {c.acc_feature_extraction:.3f}{ft}"
