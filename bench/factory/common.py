"""What every family module shares: the build context, the scenario loop, ONNX export, caching."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import truth as truth_mod
from . import writer


@dataclass
class Context:
    out: Path
    cache: Path
    force: bool = False
    only: set[str] | None = None          # family labels to build (None = all of the module)
    built: list[dict[str, Any]] = field(default_factory=list)

    def log(self, msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    def cached(self, name: str, make: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
        """npz cache of intermediate arrays (synthesised data, embeddings), keyed by name."""
        path = self.cache / f"{name}.npz"
        if path.is_file() and not self.force:
            with np.load(path, allow_pickle=False) as data:
                return {k: data[k] for k in data.files}
        arrays = make()
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **arrays)
        tmp.rename(path)
        return arrays


@dataclass
class Spec:
    """What the scenarios of one target task share (everything but the label count)."""

    family: str
    base_id: str
    description: str
    source_modality: str
    target_modality: str
    source_name: str
    target_name: str
    source_embeddings: np.ndarray
    source_labels: np.ndarray | None
    pool_embeddings: np.ndarray
    raw_arrays: dict[str, np.ndarray] | None = None
    raw_texts: list[str] | None = None
    scratch_features: np.ndarray | None = None
    extractor_onnx: Path | None = None
    extractor_spec: dict[str, Any] | None = None
    extra_meta: dict[str, Any] = field(default_factory=dict)


def emit(ctx: Context, spec: Spec, task: truth_mod.Task, per_class: Sequence[int], *,
         fine_tune: bool | Sequence[int] = True) -> None:
    """Measure and write one scenario per labels-per-class count (skips finished folders)."""
    if ctx.only is not None and spec.family not in ctx.only:
        return
    for k in per_class:
        n = k * task.num_classes
        sid = f"{spec.base_id}-n{n}"
        folder = ctx.out / sid
        if (folder / "truth.json").is_file() and not ctx.force:
            ctx.log(f"{sid}: exists, skipped")
            ctx.built.append({"id": sid, "family": spec.family,
                              "truth": json.loads((folder / "truth.json").read_text())})
            continue
        ft = fine_tune if isinstance(fine_tune, bool) else k in fine_tune
        t0 = time.monotonic()
        truth, idx0 = truth_mod.measure(task, n, fine_tune=ft)
        truth["details"]["seconds"] = round(time.monotonic() - t0, 1)
        sc = writer.Scenario(
            id=sid, family=spec.family, description=spec.description,
            num_classes=task.num_classes, labeled_examples=n,
            source_modality=spec.source_modality, target_modality=spec.target_modality,
            source_name=spec.source_name, target_name=spec.target_name,
            source_embeddings=spec.source_embeddings, source_labels=spec.source_labels,
            pool_embeddings=spec.pool_embeddings, y_pool=task.y_pool, labeled_idx=idx0,
            truth=truth, raw_arrays=spec.raw_arrays, raw_texts=spec.raw_texts,
            scratch_features=spec.scratch_features, extractor_onnx=spec.extractor_onnx,
            extractor_spec=spec.extractor_spec, extra_meta=spec.extra_meta,
            seed_subsets=[truth_mod.balanced_subset(task.y_pool, n, task.num_classes, s)
                          for s in range(truth["seeds"])])
        writer.write(ctx.out, sc)
        ctx.built.append({"id": sid, "family": spec.family, "truth": truth})
        ctx.log(f"{sid}: scratch {truth['acc_scratch']:.3f} fe {truth['acc_feature_extraction']:.3f} "
                f"ft {truth['acc_fine_tune']} gain {truth['transfer_gain']:+.3f} "
                f"({truth['details']['seconds']} s)")


def wanted(ctx: Context, *families: str) -> bool:
    return ctx.only is None or any(f in ctx.only for f in families)


def stratified_split(y: np.ndarray, test_per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(pool, test) indices: a fixed class-balanced test split, the rest is the pool."""
    rng = np.random.default_rng(seed)
    test = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        test.append(rng.choice(members, size=min(test_per_class, len(members) // 2), replace=False))
    test_idx = np.sort(np.concatenate(test))
    pool_idx = np.setdiff1d(np.arange(len(y)), test_idx)
    return pool_idx, test_idx


def export_body(net: Any, example: np.ndarray, input_name: str, path: Path) -> Path:
    """The source network's body as ONNX: float32 input `input_name`, output `features`."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")    # atomic: other builders may be reading it
    body = net.body.eval()
    with torch.no_grad():
        torch.onnx.export(
            body, (torch.from_numpy(np.ascontiguousarray(example[:2], dtype=np.float32)),), str(tmp),
            input_names=[input_name], output_names=["features"],
            dynamic_axes={input_name: {0: "batch"}, "features": {0: "batch"}},
            opset_version=17, do_constant_folding=True, dynamo=False)
    tmp.replace(path)
    return path


def onnx_features(path: Path, x: np.ndarray, input_name: str, batch: int = 256) -> np.ndarray:
    """Embeddings through the exported ONNX file (what a client of the service would compute)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    out = [sess.run(None, {input_name: np.ascontiguousarray(x[i:i + batch], dtype=np.float32)})[0]
           for i in range(0, len(x), batch)]
    return np.concatenate(out).astype(np.float32)


def extractor_spec(input_name: str, shape: list[int | None], layout: str, dim: int,
                   note: str) -> dict[str, Any]:
    return {"input_name": input_name, "input_shape": shape, "input_dtype": "float32",
            "input_layout": layout, "output_name": "features", "output_dim": dim, "opset": 17,
            "note": note}


def state_to_arrays(state: dict[str, Any]) -> dict[str, np.ndarray]:
    return {k: v.detach().cpu().numpy() for k, v in state.items()}


def arrays_to_state(arrays: dict[str, np.ndarray], prefix: str = "") -> dict[str, Any]:
    import torch

    return {k[len(prefix):]: torch.from_numpy(v) for k, v in arrays.items() if k.startswith(prefix)}


def source_net(ctx: Context, name: str, make: Callable[[int], Any], x: np.ndarray, y: np.ndarray,
               num_classes: int, *, epochs: int) -> tuple[Any, float]:
    """Train (or load from the cache) a family's source network; returns it and its train accuracy."""
    def train() -> dict[str, np.ndarray]:
        ctx.log(f"training source network {name} on {len(x)} rows ...")
        net = truth_mod.train_source(make, x, y, num_classes, epochs=epochs)
        return state_to_arrays(net.state_dict())

    arrays = ctx.cached(f"net-{name}", train)
    truth_mod.torch_setup()
    net = make(num_classes)
    net.load_state_dict(arrays_to_state(arrays))
    net.eval()
    acc = float((truth_mod.predict_net(net, x).argmax(1) == y).mean())
    return net, acc


def own_net_task(*, make: Callable[[int], Any], net: Any, onnx_path: Path, input_name: str,
                 x_pool: np.ndarray, y_pool: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
                 num_classes: int, how: str, raw_linear: np.ndarray | None = None,
                 raw_linear_test: np.ndarray | None = None,
                 raw_name: str = "logreg_raw") -> tuple[truth_mod.Task, np.ndarray]:
    """The four learners of a family whose source network is ours; returns the task and pool features.

    Frozen features come from the exported ONNX file. `raw_linear` (default: the flattened raw
    input) is what the linear scratch learner sees.
    """
    f_pool = onnx_features(onnx_path, x_pool, input_name)
    f_test = onnx_features(onnx_path, x_test, input_name)
    lin_pool = x_pool.reshape(len(x_pool), -1) if raw_linear is None else raw_linear
    lin_test = x_test.reshape(len(x_test), -1) if raw_linear_test is None else raw_linear_test
    body_state = {k: v.clone() for k, v in net.body.state_dict().items()}
    task = truth_mod.Task(
        y_pool=y_pool, y_test=y_test, num_classes=num_classes,
        scratch=[truth_mod.LinearProbe(raw_name, lin_pool, lin_test, num_classes),
                 truth_mod.NetLearner("net_random_init", make, x_pool, x_test, num_classes)],
        feature_extraction=truth_mod.LinearProbe("logreg_frozen_features", f_pool, f_test, num_classes),
        fine_tune=truth_mod.NetLearner("fine_tune", make, x_pool, x_test, num_classes,
                                       source_body=body_state),
        how=how)
    return task, f_pool
