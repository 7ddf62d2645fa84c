"""Proxy A-distance: how well a linear domain classifier tells source rows from target rows."""

from __future__ import annotations

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


def proxy_a_distance(
    x_source: Matrix,
    x_target: Matrix,
    *,
    rng: np.random.Generator,
    folds: int = 5,
) -> MetricResult:
    """Proxy A-distance from a k-fold cross-validated linear domain classifier.

    PAD = 2 (1 − 2 ε), ε = balanced out-of-fold error of a linear classifier separating source
    (label +1) from target (−1) rows (Ben-David et al. 2007, NIPS; 2010, Mach. Learn. 79).
    ε is clipped at 0.5 (a classifier worse than chance carries no information), so
    PAD ∈ [0, 2]: 0 = indistinguishable domains, 2 = perfectly separable. Higher = farther.

    Classifier: class-balanced ridge regression on ±1 targets (a regularised Fisher LDA
    direction) over features standardised with pooled, label-free statistics, plus an
    intercept; λ = ``RIDGE`` · n_train. Each fold's normal equations come from the full Gram
    matrices minus the held-out fold's, so the whole CV costs O((n+m) d² + k d³).
    Folds: stratified by domain, assigned at random with ``rng``.

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

    d1 = x_source.shape[1] + 1
    # per-domain, per-fold Gram matrices and moment vectors: one pass over the data
    grams = np.empty((2, folds, d1, d1))
    moments = np.empty((2, folds, d1))
    counts = np.empty((2, folds))
    for side in range(2):
        for k in range(folds):
            block = design(side, k)
            grams[side, k] = block.T @ block
            moments[side, k] = block.sum(axis=0)
            counts[side, k] = len(block)
    gram_all = grams.sum(axis=1)
    moment_all = moments.sum(axis=1)
    count_all = counts.sum(axis=1)

    scores = (np.empty(n), np.empty(m))
    penalty = np.eye(d1)
    penalty[-1, -1] = 0.0  # intercept is not penalised
    for k in range(folds):
        c = count_all - counts[:, k]
        w = (c.sum() / 2.0) / c  # balanced weights: each domain has total weight n_train/2
        lhs = w[0] * (gram_all[0] - grams[0, k]) + w[1] * (gram_all[1] - grams[1, k])
        lhs += RIDGE * c.sum() * penalty
        rhs = w[0] * (moment_all[0] - moments[0, k]) - w[1] * (moment_all[1] - moments[1, k])
        coef = np.linalg.solve(lhs, rhs)
        for side in range(2):
            scores[side][fold_of[side] == k] = design(side, k) @ coef

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
