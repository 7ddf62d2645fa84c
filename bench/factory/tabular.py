"""Tabular: rows of numeric columns through a small MLP (per-column standardisation + 2 x FC 64).

Two sources, fine-tune always measured:
- `latent-mlp`: 40 columns generated from an 8-d latent factor z through a fixed random
  two-layer tanh map plus noise; labels = 6 regions of z. Families:
  - tabular-mild-shift: the source task itself, latent mean shifted and 3x the column noise;
  - tabular-latent-relabel: same generator, a new 4-class labelling of the same latent space;
  - tabular-new-generator: same column count and labelling rule, another random map from
    z to the columns (the columns mean something else);
  - tabular-unrelated: an independent make_classification problem in 40 columns.
- `digits-mlp`: scikit-learn's 8x8 digits as 64 columns, MLP trained on digits 0-4. Family:
  - tabular-digits-new-classes: digits 5-9 as rows (label-space shift).
Labels per class: 1, 3, 10, 30, 100 (digits 5-9: about 110 pool rows per class).
Wall time, measured 2026-12 on 2 CPU cores shared with other jobs (load 10-13; nice 15, one thread;
CPU time is roughly a fifth of it): ~5 min for the group: sources
< 10 s each; measurement mild-shift 1.1 min, latent-relabel 0.8, new-generator 0.8, unrelated
0.7, digits-new-classes 1.5.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import common, nets
from .truth import predict_net

INPUT = "rows"
D, LATENT = 40, 8
PER_CLASS = (1, 3, 10, 30, 100)
TEST_PER_CLASS = 60


def _map(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (LATENT, 32)) / np.sqrt(LATENT), rng.normal(0, 1, (32, D)) / np.sqrt(32)


def _columns(z: np.ndarray, map_seed: int, rng: np.random.Generator, noise: float = 0.3) -> np.ndarray:
    w1, w2 = _map(map_seed)
    x = np.tanh(z @ w1) @ w2 * 3.0 + rng.normal(0, noise, (len(z), D))
    scales = np.random.default_rng(map_seed + 1).uniform(0.5, 20, D)   # columns in their own units
    return (x * scales).astype(np.float32)


def _label(z: np.ndarray, rule_seed: int, classes: int) -> np.ndarray:
    """Classes = the nearest of `classes` random centres in latent space (Voronoi regions)."""
    centres = np.random.default_rng(rule_seed).normal(0, 1, (classes, LATENT))
    return ((z[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1).astype(np.int64)


def latent_set(n_per_class: int, classes: int, map_seed: int, rule_seed: int, seed: int,
               z_shift: float = 0.0, noise: float = 0.3) -> dict[str, np.ndarray]:
    """Balanced rows: draw z until every class has n_per_class rows."""
    rng = np.random.default_rng(seed)
    zs, ys = [], []
    counts = np.zeros(classes, dtype=int)
    while counts.min() < n_per_class:
        z = rng.normal(z_shift, 1, (4000, LATENT))
        y = _label(z, rule_seed, classes)
        for c in range(classes):
            take = np.flatnonzero(y == c)[: n_per_class - counts[c]]
            zs.append(z[take])
            ys.append(y[take])
            counts[c] += len(take)
    z, y = np.concatenate(zs), np.concatenate(ys)
    return {"x": _columns(z, map_seed, rng, noise), "y": y}


def unrelated_set(n_per_class: int, classes: int, seed: int) -> dict[str, np.ndarray]:
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples=n_per_class * classes * 2, n_features=D, n_informative=10,
                               n_redundant=10, n_classes=classes, n_clusters_per_class=2,
                               weights=None, flip_y=0.0, class_sep=1.0, random_state=seed)
    keep = np.concatenate([np.flatnonzero(y == c)[:n_per_class] for c in range(classes)])
    return {"x": x[keep].astype(np.float32), "y": y[keep].astype(np.int64)}


def _mlp_factory(x: np.ndarray) -> Any:
    return functools.partial(nets.mlp, mean=x.mean(0).astype(np.float32),
                             std=(x.std(0) + 1e-6).astype(np.float32))


def _source(ctx: common.Context, name: str, x: np.ndarray, y: np.ndarray,
            classes: int) -> tuple[Any, Any, Any, float]:
    make = _mlp_factory(x)
    idx = np.random.default_rng(0).permutation(len(y))
    n_tr = int(0.8 * len(y))
    net, _ = common.source_net(ctx, name, make, x[idx[:n_tr]], y[idx[:n_tr]], classes, epochs=40)
    acc = float((predict_net(net, x[idx[n_tr:]]).argmax(1) == y[idx[n_tr:]]).mean())
    return net, make, common.export_body(net, x, INPUT, ctx.cache / f"{name}.onnx"), acc


def _emit(ctx: common.Context, fam: str, desc: str, data: dict[str, np.ndarray], net: Any, make: Any,
          onnx_path: Any, src_x: np.ndarray, src_y: np.ndarray, src_name: str, src_desc: str,
          per_class: tuple[int, ...], test_per_class: int, seed: int) -> None:
    if not common.wanted(ctx, fam):
        return
    x, y = data["x"], data["y"]
    pool_idx, test_idx = common.stratified_split(y, test_per_class, seed=seed)
    classes = int(y.max()) + 1
    task, f_pool = common.own_net_task(
        make=make, net=net, onnx_path=onnx_path, input_name=INPUT, x_pool=x[pool_idx], y_pool=y[pool_idx],
        x_test=x[test_idx], y_test=y[test_idx], num_classes=classes,
        how="Raw input: the numeric columns (linear scratch learner: standardised columns). Networks: "
            "the MLP (column standardisation with source statistics, 2 x FC 64).", raw_name="logreg_columns")
    spec_note = "float32 columns in their own units; standardisation is inside the graph"
    spec = common.Spec(
        family=fam, base_id=fam, description=desc, source_modality="tabular", target_modality="tabular",
        source_name=src_name, target_name=fam.removeprefix("tabular-"),
        source_embeddings=common.onnx_features(onnx_path, src_x, INPUT), source_labels=src_y,
        pool_embeddings=f_pool, raw_arrays={INPUT: x[pool_idx]}, scratch_features=x[pool_idx],
        extractor_onnx=onnx_path,
        extractor_spec=common.extractor_spec(INPUT, [None, x.shape[1]], "rows x columns",
                                             nets.FEATURES, spec_note),
        extra_meta={"source_description": src_desc, "source_num_classes": int(src_y.max()) + 1})
    common.emit(ctx, spec, task, per_class)


def build(ctx: common.Context) -> None:
    latent_fams = ("tabular-mild-shift", "tabular-latent-relabel", "tabular-new-generator",
                   "tabular-unrelated")
    if common.wanted(ctx, *latent_fams):
        src = ctx.cached("tabular-latent-source", lambda: latent_set(250, 6, map_seed=1, rule_seed=2, seed=3))
        net, make, onnx_path, acc = _source(ctx, "latent-mlp", src["x"], src["y"], 6)
        ctx.log(f"latent-mlp held-out accuracy {acc:.3f}")
        n = 100 + TEST_PER_CLASS
        name = "latent-mlp (40 columns from an 8-d latent factor, 6 latent regions)"
        desc = (f"MLP trained on 1200 rows of 40 columns, 6 classes = latent regions; "
                f"held-out accuracy {acc:.3f}")
        targets = {
            "tabular-latent-relabel": ("same columns generator, a new 4-class labelling of the latent space",
                                       lambda: latent_set(n, 4, map_seed=1, rule_seed=7, seed=11)),
            "tabular-new-generator": ("same labelling rule, another random map from latent to columns",
                                      lambda: latent_set(n, 6, map_seed=21, rule_seed=2, seed=12)),
            "tabular-unrelated": ("an unrelated make_classification problem in 40 columns (5 classes)",
                                  lambda: unrelated_set(n, 5, seed=13)),
        }
        targets["tabular-mild-shift"] = (
            "the source task (same generator and labels) with the latent mean shifted by 0.3 and 3x the "
            "column noise",
            lambda: latent_set(n, 6, map_seed=1, rule_seed=2, seed=14, z_shift=0.3, noise=0.9))
        for k, (fam, (d, fn)) in enumerate(targets.items()):
            if common.wanted(ctx, fam):
                _emit(ctx, fam, d, ctx.cached(fam, fn), net, make, onnx_path, src["x"], src["y"], name,
                      desc, PER_CLASS, TEST_PER_CLASS, seed=30 + k)
    if common.wanted(ctx, "tabular-digits-new-classes"):
        from sklearn.datasets import load_digits

        x, y = load_digits(return_X_y=True)
        x = x.astype(np.float32)
        lo = y < 5
        net, make, onnx_path, acc = _source(ctx, "digits04-mlp", x[lo], y[lo].astype(np.int64), 5)
        ctx.log(f"digits04-mlp held-out accuracy {acc:.3f}")
        hi = {"x": x[~lo], "y": (y[~lo] - 5).astype(np.int64)}
        _emit(ctx, "tabular-digits-new-classes", "scikit-learn 8x8 digits 5-9 as 64 columns", hi, net, make,
              onnx_path, x[lo], y[lo].astype(np.int64), "digits04-mlp (sklearn digits 0-4 as 64 columns)",
              f"MLP trained on 80% of sklearn digits 0-4 (64 columns); held-out accuracy {acc:.3f}",
              (1, 3, 10, 30, 100), 70, seed=40)
