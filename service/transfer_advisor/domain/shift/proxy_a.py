"""Proxy A-distance: how well a linear domain classifier tells source rows from target rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

from ..results import MetricNotApplicable, MetricResult

Matrix = NDArray[np.float64]

# Ridge penalty relative to the (standardised) per-feature scale: λ = RIDGE · n_train.
# Small enough not to blur a real mean shift, large enough to keep d ≥ n well posed.
RIDGE = 1e-2


def _auc(scores: NDArray[np.float64], is_source: NDArray[np.bool_]) -> float:
    """Area under the ROC curve of ``scores`` for ``is_source``: Mann–Whitney U / (n·m).

    Ties count ½ (average ranks).
    """
    ranks = rankdata(scores)
    n_pos = int(is_source.sum())
    n_neg = len(scores) - n_pos
    u = float(ranks[is_source].sum()) - n_pos * (n_pos + 1) / 2.0
    return u / (n_pos * n_neg)


Design = Callable[[int, int], Matrix]


def dual(rows: int, features: int) -> bool:
    """Whether the dual (Gram) fit is the cheaper: O(N²d + kN³) against O(Nd² + kd³)."""
    return rows < features


def _balanced_weights(train_counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per-domain row weight: each domain carries half the training rows' total weight."""
    weights: NDArray[np.float64] = (train_counts.sum() / 2.0) / train_counts
    return weights


def _primal_scores(design: Design, fold_of: tuple[NDArray[np.int64], ...],
                   folds: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Out-of-fold decision scores from the d×d normal equations.

    Each fold's come from the full Gram matrices minus the held-out fold's (one pass over the
    data, k solves of size d).
    """
    d1 = design(0, 0).shape[1]
    grams = np.empty((2, folds, d1, d1))
    moments = np.empty((2, folds, d1))
    counts = np.empty((2, folds))
    for side in range(2):
        for k in range(folds):
            block = design(side, k)
            grams[side, k] = block.T @ block
            moments[side, k] = block.sum(axis=0)
            counts[side, k] = len(block)
    gram_all, moment_all, count_all = grams.sum(axis=1), moments.sum(axis=1), counts.sum(axis=1)
    scores = (np.empty(len(fold_of[0])), np.empty(len(fold_of[1])))
    penalty = np.eye(d1)
    penalty[-1, -1] = 0.0  # intercept is not penalised
    for k in range(folds):
        c = count_all - counts[:, k]
        w = _balanced_weights(c)
        lhs = w[0] * (gram_all[0] - grams[0, k]) + w[1] * (gram_all[1] - grams[1, k])
        lhs += RIDGE * c.sum() * penalty
        rhs = w[0] * (moment_all[0] - moments[0, k]) - w[1] * (moment_all[1] - moments[1, k])
        coef = np.linalg.solve(lhs, rhs)
        for side in range(2):
            scores[side][fold_of[side] == k] = design(side, k) @ coef
    return scores


def _dual_scores(rows: Matrix, n_source: int, fold_id: NDArray[np.int64],
                 folds: int) -> NDArray[np.float64]:
    """The primal's out-of-fold scores from the rows' Gram matrix (push-through identity).

    `rows`: the standardised rows, source first (no intercept column); `fold_id` their folds.
    An unpenalised intercept is the same as centring the training rows on their weighted mean
    (ȳ_w = 0 with balanced weights); then β = Aᵀ(AAᵀ + λI)⁻¹W^½y, A = W^½(X − x̄_w), and a
    held-out row scores (x − x̄_w)ᵀβ. Everything is an inner product of rows, so the fold's
    (N_train × N_train) system replaces the d×d one.
    """
    gram = rows @ rows.T
    is_source = np.arange(len(rows)) < n_source
    target = np.where(is_source, 1.0, -1.0)
    out = np.empty(len(rows))
    for k in range(folds):
        train, held = fold_id != k, fold_id == k
        c = np.array([np.sum(train & is_source), np.sum(train & ~is_source)], float)
        w = _balanced_weights(c)[(~is_source[train]).astype(np.intp)]
        share = w / w.sum()
        k_tt = gram[np.ix_(train, train)]
        k_ht = gram[np.ix_(held, train)]
        y_mean = share @ target[train]
        mean_gram = k_tt @ share                  # ⟨x_i, x̄_w⟩ for training rows
        mean_sq = share @ mean_gram               # ⟨x̄_w, x̄_w⟩
        centred = k_tt - mean_gram[:, None] - mean_gram[None, :] + mean_sq
        root = np.sqrt(w)
        lhs = root[:, None] * centred * root[None, :]
        lhs[np.diag_indices_from(lhs)] += RIDGE * c.sum()
        gamma = root * np.linalg.solve(lhs, root * (target[train] - y_mean))
        cross = k_ht - (k_ht @ share)[:, None] - mean_gram[None, :] + mean_sq
        out[held] = cross @ gamma + y_mean
    return out

def proxy_a_distance(
    x_source: Matrix,
    x_target: Matrix,
    *,
    rng: np.random.Generator,
    folds: int = 5,
    space: Literal["auto", "primal", "dual"] = "auto",
) -> MetricResult:
    """Proxy A-distance from a k-fold cross-validated linear domain classifier.

    PAD = 2 (1 − 2 ε), ε = balanced out-of-fold error of a linear classifier separating source
    (label +1) from target (−1) rows (Ben-David et al. 2007, NIPS; 2010, Mach. Learn. 79).
    ε is clipped at 0.5 (a classifier worse than chance carries no information), so
    PAD ∈ [0, 2]: 0 = indistinguishable domains, 2 = perfectly separable. Higher = farther.

    Classifier: class-balanced ridge regression on ±1 targets (a regularised Fisher LDA
    direction) over features standardised with pooled, label-free statistics, plus an
    intercept; λ = ``RIDGE`` · n_train. Each fold's normal equations come from the full Gram
    matrices minus the held-out fold's, so the whole CV costs O((n+m) d² + k d³); with fewer
    rows than features the same fit runs in the rows' Gram space, O((n+m)² d + k (n+m)³).
    Folds: stratified by domain, assigned at random with ``rng``. ``space`` forces one of the
    two equal computations (tests compare them); "auto" takes the cheaper.

    Shapes: x_source (n, d), x_target (m, d); needs ≥ ``folds`` rows per side.
    details: ``auc`` (out-of-fold ROC AUC of the decision score, 0.5 = chance; a shift is
    directionless, so values below 0.5 mean "no signal" too), ``error`` (balanced ε before
    clipping), ``folds``.

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(40, 3))
    >>> proxy_a_distance(x, x + 5.0, rng=np.random.default_rng(0)).value
    2.0
    """
    n, m = len(x_source), len(x_target)
    if folds < 2:
        raise ValueError("folds must be ≥ 2")
    if n < folds or m < folds:
        raise MetricNotApplicable(
            f"proxy_a_distance needs at least {folds} rows per side for {folds}-fold CV")
    # standardise with pooled, label-free moments (no pooled copy of the rows is made)
    mean = (x_source.sum(axis=0) + x_target.sum(axis=0)) / (n + m)
    sq = ((x_source - mean) ** 2).sum(axis=0) + ((x_target - mean) ** 2).sum(axis=0)
    scale = np.sqrt(sq / (n + m))
    scale[scale == 0.0] = 1.0
    fold_of = (rng.permutation(np.arange(n) % folds), rng.permutation(np.arange(m) % folds))
    sides = (x_source, x_target)

    def design(side: int, k: int) -> Matrix:
        """Standardised rows of one domain in fold k, with an intercept column."""
        rows = sides[side][fold_of[side] == k]
        out = np.empty((len(rows), rows.shape[1] + 1))
        np.subtract(rows, mean, out=out[:, :-1])
        out[:, :-1] /= scale
        out[:, -1] = 1.0
        return out

    n_features = x_source.shape[1]
    # The same ridge fit, in whichever space is smaller: d×d normal equations (primal) or the
    # (n+m)×(n+m) Gram of the rows (dual; few rows at a large d, e.g. 110 rows at d = 1,024).
    use_dual = dual(n + m, n_features) if space == "auto" else space == "dual"
    if use_dual:  # few rows: one standardised copy of them is cheap
        pooled = (np.concatenate(sides) - mean) / scale
        flat = _dual_scores(pooled, n, np.concatenate(fold_of), folds)
        scores = (flat[:n], flat[n:])
    else:
        scores = _primal_scores(design, fold_of, folds)
    is_source = np.zeros(n + m, dtype=bool)
    is_source[:n] = True
    all_scores = np.concatenate(scores)
    err_source = float(np.mean(scores[0] <= 0.0))
    err_target = float(np.mean(scores[1] > 0.0))
    error = 0.5 * (err_source + err_target)
    auc = _auc(all_scores, is_source)
    return MetricResult(
        value=2.0 * (1.0 - 2.0 * min(error, 0.5)),
        p_value=None,
        details={
            "auc": auc,
            "error": error,
            "classifier": "class-balanced ridge on standardised features (linear)",
            "ridge": RIDGE,
            "folds": folds,
            "n_source": n,
            "n_target": m,
        },
    )
