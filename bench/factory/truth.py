"""The measurement protocol, identical for every family: who is trained on what, and how scored.

PROTOCOL below is the text every truth.json's `how` starts with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

PROTOCOL = """For one target task and one `labeled_examples` count, each of `SEEDS` seeds draws a
class-balanced labeled subset of the target pool (seed 0's subset becomes the first rows of
`target_embeddings.npy`); every learner is trained on exactly that subset and scored on the
same fixed held-out target test split. A strategy's accuracy is its 5-seed mean.

- scratch = the better (by mean) of the family's raw-input learners: a linear model on the raw
  inputs (`LinearProbe` on pixels / spectrogram bins / samples / columns; TF-IDF for texts) and,
  where the family has one, the small network from random init (`NetLearner`, no source weights);
- feature_extraction = `LinearProbe` on the frozen source features;
- fine_tune = the source network with a fresh head, every layer trained (`NetLearner` with the
  source body), where measured.

Linear probe: per-feature standardisation fitted on the unlabeled target pool, multinomial
logistic regression, C from {0.01, 0.1, 1} by 3-fold stratified CV when every class has >= 3
labels and fewer than 1000 are labeled, else C = 0.1 (TF-IDF rows: C from {1, 10, 100},
default 10). Networks: Adam, batch min(32, n), steps clip(15 epochs, 60, 300); scratch lr 1e-3;
fine-tune body lr 3e-4, head lr 3e-3; no augmentation, no early stopping. Torch runs
single-threaded and deterministic."""


SEEDS = 5
MARGIN = 0.02
C_GRID = (0.01, 0.1, 1.0)
C_DEFAULT = 0.1
CV_MAX_LABELS = 1000


def balanced_subset(y_pool: np.ndarray, n: int, num_classes: int, seed: int) -> np.ndarray:
    """n pool indices, as equal per class as possible (extra ones to random classes)."""
    rng = np.random.default_rng(10_000 + seed)
    per, extra = divmod(n, num_classes)
    bonus = set(rng.choice(num_classes, size=extra, replace=False).tolist()) if extra else set()
    picked = []
    for c in range(num_classes):
        members = np.flatnonzero(y_pool == c)
        k = per + (1 if c in bonus else 0)
        if k > len(members):
            raise ValueError(f"class {c} has {len(members)} pool rows, {k} asked")
        picked.append(rng.choice(members, size=k, replace=False))
    idx = np.concatenate(picked)
    return idx[rng.permutation(len(idx))]


# ---------------------------------------------------------------- linear learners


def _fit_logreg(x: np.ndarray, y: np.ndarray, num_classes: int, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    counts = np.bincount(y, minlength=num_classes)
    c = C_DEFAULT
    if counts.min() >= 3 and len(y) < CV_MAX_LABELS:
        folds = StratifiedKFold(3, shuffle=True, random_state=seed)
        scores = [cross_val_score(LogisticRegression(C=ci, max_iter=500), x, y, cv=folds).mean()
                  for ci in C_GRID]
        c = C_GRID[int(np.argmax(scores))]
    return LogisticRegression(C=c, max_iter=1000).fit(x, y)


@dataclass
class LinearProbe:
    """Logistic regression on fixed features (raw inputs for scratch, frozen ones for transfer)."""

    name: str
    x_pool: np.ndarray
    x_test: np.ndarray
    num_classes: int

    def __post_init__(self) -> None:
        mean = self.x_pool.mean(0)
        std = self.x_pool.std(0) + 1e-6
        self._pool = ((self.x_pool - mean) / std).astype(np.float32)
        self._test = ((self.x_test - mean) / std).astype(np.float32)

    def score(self, idx: np.ndarray, y_pool: np.ndarray, y_test: np.ndarray, seed: int) -> float:
        model = _fit_logreg(self._pool[idx], y_pool[idx], self.num_classes, seed)
        return float((model.predict(self._test) == y_test).mean())


@dataclass
class TfidfProbe:
    """Logistic regression on TF-IDF of the labeled texts only (word 1-2 or char_wb 2-5 grams)."""

    name: str
    texts_pool: Sequence[str]
    texts_test: Sequence[str]
    num_classes: int
    analyzer: str = "char_wb"

    def score(self, idx: np.ndarray, y_pool: np.ndarray, y_test: np.ndarray, seed: int) -> float:
        from sklearn.feature_extraction.text import TfidfVectorizer

        if self.analyzer == "word":
            vec = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=True, sublinear_tf=True)
        else:
            vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False,
                                  sublinear_tf=True)
        try:
            x = vec.fit_transform([self.texts_pool[i] for i in idx])
        except ValueError:  # empty vocabulary
            return float(np.mean(y_test == np.bincount(y_pool[idx]).argmax()))
        model = _fit_tfidf_logreg(x, y_pool[idx], self.num_classes, seed)
        return float((model.predict(vec.transform(self.texts_test)) == y_test).mean())


def _fit_tfidf_logreg(x: Any, y: np.ndarray, num_classes: int, seed: int) -> Any:
    # TF-IDF rows are L2-normalised: the C grid is shifted up accordingly (as the dev set did).
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    grid = (1.0, 10.0, 100.0)
    counts = np.bincount(y, minlength=num_classes)
    c = 10.0
    if counts.min() >= 3 and len(y) < CV_MAX_LABELS:
        folds = StratifiedKFold(3, shuffle=True, random_state=seed)
        scores = [cross_val_score(LogisticRegression(C=ci, max_iter=500), x, y, cv=folds).mean()
                  for ci in grid]
        c = grid[int(np.argmax(scores))]
    return LogisticRegression(C=c, max_iter=1000).fit(x, y)


# ---------------------------------------------------------------- networks


def torch_setup() -> Any:
    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    return torch


def train_steps(n: int, batch: int) -> int:
    return int(np.clip(15 * math.ceil(n / batch), 60, 300))


def train_net(net: Any, x: np.ndarray, y: np.ndarray, *, steps: int, batch: int,
              lr_body: float, lr_head: float, seed: int) -> Any:
    """Adam on cross-entropy; `net` has `.body` (features) and `.head` (linear)."""
    torch = torch_setup()
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam([{"params": net.body.parameters(), "lr": lr_body},
                            {"params": net.head.parameters(), "lr": lr_head}])
    xt, yt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)), torch.from_numpy(y.astype(np.int64))
    net.train()
    order = torch.randperm(len(xt), generator=gen)
    pos = 0
    for _ in range(steps):
        if pos + batch > len(xt):
            order, pos = torch.randperm(len(xt), generator=gen), 0
        idx = order[pos:pos + batch]
        pos += batch
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    net.eval()
    return net


def predict_net(net: Any, x: np.ndarray, what: str = "logits", batch: int = 256) -> np.ndarray:
    torch = torch_setup()
    out = []
    net.eval()
    with torch.no_grad():
        for i in range(0, len(x), batch):
            xb = torch.from_numpy(np.ascontiguousarray(x[i:i + batch], dtype=np.float32))
            out.append((net.body(xb) if what == "features" else net(xb)).numpy())
    return np.concatenate(out).astype(np.float32)


@dataclass
class NetLearner:
    """A network trained end to end: from random init (scratch) or from the source body (fine-tune)."""

    name: str
    make: Callable[[int], Any]          # num_classes -> fresh net with .body and .head
    x_pool: np.ndarray
    x_test: np.ndarray
    num_classes: int
    source_body: dict[str, Any] | None = None   # state_dict of the source body = fine-tune

    def score(self, idx: np.ndarray, y_pool: np.ndarray, y_test: np.ndarray, seed: int) -> float:
        torch = torch_setup()
        torch.manual_seed(1000 + seed)
        net = self.make(self.num_classes)
        n = len(idx)
        batch = min(32, n)
        if self.source_body is not None:
            net.body.load_state_dict(self.source_body)
            lr_body, lr_head = 3e-4, 3e-3
        else:
            lr_body = lr_head = 1e-3
        train_net(net, self.x_pool[idx], y_pool[idx], steps=train_steps(n, batch), batch=batch,
                  lr_body=lr_body, lr_head=lr_head, seed=seed)
        pred = predict_net(net, self.x_test).argmax(1)
        return float((pred == y_test).mean())


def train_source(make: Callable[[int], Any], x: np.ndarray, y: np.ndarray, num_classes: int, *,
                 epochs: int, seed: int = 0, lr: float = 1e-3, batch: int = 64) -> Any:
    """Train a family's source network (a fixed recipe: Adam, `epochs` passes)."""
    torch = torch_setup()
    torch.manual_seed(seed)
    net = make(num_classes)
    steps = epochs * math.ceil(len(x) / batch)
    return train_net(net, x, y, steps=steps, batch=batch, lr_body=lr, lr_head=lr, seed=seed)


# ---------------------------------------------------------------- the measurement


@dataclass
class Task:
    """One target task: labels of the pool and the test split, and the learners to compare."""

    y_pool: np.ndarray
    y_test: np.ndarray
    num_classes: int
    scratch: list[Any]
    feature_extraction: Any
    fine_tune: Any | None = None
    how: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _mean_std(values: list[float]) -> tuple[float, float]:
    arr = np.asarray(values, dtype=np.float64)
    return float(arr.mean()), float(arr.std(ddof=1)) if len(arr) > 1 else 0.0


def measure(task: Task, labeled_examples: int, *, seeds: int = SEEDS,
            fine_tune: bool = True) -> tuple[dict[str, Any], np.ndarray]:
    """truth.json for this task at `labeled_examples`, and seed 0's labeled pool indices."""
    subsets = [balanced_subset(task.y_pool, labeled_examples, task.num_classes, s) for s in range(seeds)]
    per_seed: dict[str, list[float]] = {}
    learners = [*task.scratch, task.feature_extraction]
    if fine_tune and task.fine_tune is not None:
        learners.append(task.fine_tune)
    for learner in learners:
        per_seed[learner.name] = [round(learner.score(idx, task.y_pool, task.y_test, s), 4)
                                  for s, idx in enumerate(subsets)]
    stats = {name: _mean_std(v) for name, v in per_seed.items()}
    best_scratch = max((lr.name for lr in task.scratch), key=lambda n: stats[n][0])
    fe_name = task.feature_extraction.name
    ft_name = task.fine_tune.name if (fine_tune and task.fine_tune is not None) else None
    acc = {"scratch": stats[best_scratch][0], "feature_extraction": stats[fe_name][0],
           "fine_tune": stats[ft_name][0] if ft_name else None}
    std = {"scratch": stats[best_scratch][1], "feature_extraction": stats[fe_name][1],
           "fine_tune": stats[ft_name][1] if ft_name else None}
    best_transfer = max(v for k, v in acc.items() if k != "scratch" and v is not None)
    gain = best_transfer - acc["scratch"]
    ranked = {"train_from_scratch": acc["scratch"], "feature_extraction": acc["feature_extraction"]}
    if acc["fine_tune"] is not None:
        ranked["fine_tune"] = acc["fine_tune"]
    best = max(ranked, key=lambda k: ranked[k])

    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 4)

    truth = {
        "acc_scratch": r(acc["scratch"]), "acc_feature_extraction": r(acc["feature_extraction"]),
        "acc_fine_tune": r(acc["fine_tune"]),
        "std": {k: r(v) for k, v in std.items()},
        "seeds": seeds, "test_size": len(task.y_test),
        "transfer_gain": round(gain, 4), "best_strategy": best,
        "transfer_helps": bool(gain > MARGIN), "negative_transfer": bool(gain < -MARGIN),
        "margin": MARGIN,
        "how": " ".join(PROTOCOL.split()) + " " + task.how
               + ("" if ft_name else " fine_tune not measured."),
        "chance": round(float(np.bincount(task.y_test).max() / len(task.y_test)), 4),
        "details": {
            "scratch_method": best_scratch,
            # which per_seed list is which strategy's (the scratch one is the better by mean)
            "methods": {"scratch": best_scratch, "feature_extraction": fe_name, "fine_tune": ft_name},
            "learners": {n: {"mean": r(m), "std": r(s)} for n, (m, s) in stats.items()},
            "per_seed": per_seed,
            **task.extra,
        },
    }
    return truth, subsets[0]
