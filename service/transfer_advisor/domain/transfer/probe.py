"""Cross-validated probe accuracies on the labeled target rows, with a label-permutation null.

Two probes, both scored by stratified k-fold cross-validated accuracy (higher = the features
separate the target classes better, in accuracy units):

* `linear_probe_accuracy`: a ridge-regression classifier on one-hot targets with an unpenalised
  intercept, prediction = argmax of the C fitted outputs (scikit-learn's RidgeClassifier model).
  Penalty λ = `ridge` · ‖Xc‖²_F / min(n − 1, d) (the mean nonzero eigenvalue of the centred
  scatter XcᵀXc at full rank), so the probe is invariant to the feature scale.
* `knn_accuracy`: k nearest neighbours by cosine similarity of the centred rows, majority vote,
  ties broken by the summed similarity of each class's voters.

Speed (one factorisation, reused across folds and permutations). With A = [1, X] and penalty
P = diag(0, λI), the ridge hat matrix is H = A(AᵀA + P)⁻¹Aᵀ = Z Zᵀ, Z = [1/√n, Xc L⁻ᵀ] with
L Lᵀ = XcᵀXc + λI (one Cholesky; the n × n kernel's eigenvectors when n ≤ d). Refitting
without fold f gives,
exactly (group-deletion identity for penalised least squares),
    Ŷ_f(−f) = Y_f − (I − H_ff)⁻¹ (Y_f − (H Y)_f),
so each fold costs one Cholesky (of I − H_ff, or of I − Z_fᵀZ_f via Woodbury when the fold has
more rows than Z has columns), and any label matrix Y (observed or permuted) costs
two thin products Z(ZᵀY). kNN computes the cosine Gram matrix blockwise once; neighbour indices do
not depend on labels, so permuted labels are only re-counted.

Repeated splits (linear probe): one k-fold split's accuracy moves with which rows share a fold
(on the shared dev scenarios its spread over seeds is 2.6 accuracy points on average), so two
candidates' probes on one target tie or swap by the luck of the split. The linear probe's value
is the mean accuracy over `repeats` stratified k-fold splits (repeated cross-validation, Kohavi
1995; Bouckaert & Frank 2004): the same estimand, the k-fold accuracy expected over random
splits, with the split's share of the variance divided by the number of splits (10 splits:
0.85 points on the same scenarios; bench/probe_splits.py). Each further split reuses the
factorisation Z and costs one small Cholesky per fold; on large inputs a work budget caps the
number of splits (`details["repeats"]`; `details["split_std"]` is their spread). The first
split is the one drawn from `rng` as before; the further ones come from a child generator
(`rng.spawn`, which leaves `rng`'s stream as it was), so the null's draws, and with them the
p-value, are those of the first split, whose accuracy `details["first_split_accuracy"]` keeps.
k-NN keeps one split.

Null and p-value: the folds are stratified by the observed labels, so permutations shuffle the
labels *within each fold* (for leave-one-out: over all rows). Given the folds, every such
arrangement is equally likely when labels are independent of the features, so the test is
exact: p = (1 + #{acc_perm ≥ acc}) / (1 + B) (Phipson & Smyth 2010). For large inputs B is capped
by a work budget; `details["permutations"]` is the B actually used. With repeated splits the
test is the first split's (its accuracy against its own within-fold null; the folds of the other
splits are not preserved by those shuffles, and re-splitting every permuted label set would cost
a factorisation per fold and permutation): still an exact test of independence, one that uses one
split's evidence.

Rows: more than `max_rows` (default 4,000) labeled rows are subsampled per class (with `rng`), and
`details["n"]`/`details["n_labeled"]` report both counts.
Folds: k = min(folds, smallest class count), each class dealt round-robin (balanced fold sizes,
independent of how classes are numbered); if a class has a single example, leave-one-out.
The subsample and the folds are drawn from the labels and `rng` only, before any feature is read:
two probes given the same labels and an rng of the same seed use the same rows and folds.
`details["chance"]` = share of the majority class (accuracy of always guessing it).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from ..results import MetricNotApplicable, MetricResult
from ._common import (
    EncodedLabels,
    Labels,
    Matrix,
    as_features,
    encode_labels,
    require_variation,
)
from ._knn import cosine_neighbours, knn_votes

DEFAULT_FOLDS = 5
# 10 x 5-fold: the usual repeated cross-validation (Bouckaert & Frank 2004).
DEFAULT_REPEATS = 10
DEFAULT_PERMUTATIONS = 200
DEFAULT_RIDGE = 0.1
DEFAULT_K = 10
# Larger labeled sets are stratified-subsampled: CV accuracy from 4,000 rows has a standard
# error below 0.8 points, and the cost (O(n d²) + O(n² d) for k-NN) stays at a few seconds.
DEFAULT_MAX_ROWS = 4000
# Floating-point operations allowed for the permutation null of one probe (≈ 1 s on one core).
PERMUTATION_FLOP_BUDGET = 1e10
# Floating-point operations allowed for the linear probe's splits beyond the first (a few tens of
# ms on one core): at 2,000 x 384 with 10 classes two more splits, at 1,000 x 384 all of them.
REPEAT_FLOP_BUDGET = 2e9
_CHUNK_ELEMENTS = 4_000_000  # label sets per batch are sized to keep temporaries ~32 MB


def linear_probe_accuracy(
    features: ArrayLike,
    labels: ArrayLike,
    *,
    rng: np.random.Generator,
    folds: int = DEFAULT_FOLDS,
    permutations: int = DEFAULT_PERMUTATIONS,
    ridge: float = DEFAULT_RIDGE,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    repeats: int = DEFAULT_REPEATS,
) -> MetricResult:
    """Stratified k-fold accuracy of a ridge classifier on features (n, d), labels (n,).

    Mean over `repeats` random splits (fewer when large inputs exhaust the work budget). Value in
    [0, 1], higher = better; `p_value` from the first split's within-fold label-permutation null.

    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1, 2], 20)
    >>> features = 3.0 * np.eye(3)[labels] + rng.normal(size=(60, 3))  # 3 separated classes
    >>> result = linear_probe_accuracy(features, labels, permutations=99,
    ...                                rng=np.random.default_rng(0))
    >>> result.value, result.p_value, round(result.details["chance"], 4)
    (1.0, 0.01, 0.3333)
    """
    if ridge <= 0.0:
        raise ValueError(f"ridge must be positive, got {ridge}")
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    x, enc, labeled = _prepare(features, labels, max_rows, rng)
    n, d = x.shape
    fold_of, n_folds = _stratified_folds(enc, folds, rng)
    split_rng = rng.spawn(1)[0]  # further splits: labels and rng only, the null's draws untouched
    z, lam = _ridge_factor(x, ridge)
    num_classes = enc.num_classes
    fold_rows = _fold_rows(fold_of, n_folds)
    loo = n_folds == n
    leverage = np.einsum("ij,ij->i", z, z) if loo else np.empty(0)
    solvers = [] if loo else [_held_out_solver(z[rows]) for rows in fold_rows]

    def one_hot(label_sets: Labels) -> Matrix:
        onehot = np.zeros((n, label_sets.shape[0], num_classes))
        np.put_along_axis(onehot, label_sets.T[:, :, None], 1.0, axis=2)
        return onehot.reshape(n, label_sets.shape[0] * num_classes)

    def accuracies(label_sets: Labels) -> NDArray[np.float64]:
        m = label_sets.shape[0]
        y = one_hot(label_sets)
        residual = y - z @ (z.T @ y)
        if loo:
            predicted = y - residual / (1.0 - leverage)[:, None]
        else:
            predicted = _held_out_predictions(y, residual, fold_rows, solvers)
        guess = predicted.reshape(n, m, num_classes).argmax(axis=2)
        result: NDArray[np.float64] = (guess == label_sets.T).mean(axis=0)
        return result

    rank = z.shape[1] - 1
    flops_per_set = 4.0 * n * (rank + 1) * num_classes + 2.0 * n * (n / n_folds) * num_classes
    first = _with_null(accuracies, enc, fold_of, loo, permutations, rng, flops_per_set,
                       n_folds, {"model": "ridge classifier (one-hot least squares + intercept)",
                                 "ridge_lambda": lam, "ridge_relative": ridge,
                                 "n": n, "n_labeled": labeled, "dim": d})
    further = 0 if loo else min(repeats - 1, int(
        REPEAT_FLOP_BUDGET // _split_flops(fold_rows, z.shape[1], num_classes)))
    split_accuracies = [first.value]
    if further:  # the observed labels' residual is the same for every split
        y_observed = one_hot(enc.codes[None, :])
        residual_observed = y_observed - z @ (z.T @ y_observed)
    for _ in range(further):
        rows_s = _fold_rows(_stratified_folds(enc, folds, split_rng)[0], n_folds)
        predicted = _held_out_predictions(y_observed, residual_observed, rows_s,
                                          [_held_out_solver(z[rows]) for rows in rows_s])
        split_accuracies.append(float(np.mean(predicted.argmax(axis=1) == enc.codes)))
    value = float(np.mean(split_accuracies))
    chance = float(first.details["chance"])
    return MetricResult(value=value, p_value=first.p_value, details={
        **first.details, "gain_over_chance": value - chance,
        "repeats": len(split_accuracies), "repeats_requested": repeats,
        "first_split_accuracy": first.value,
        "split_std": float(np.std(split_accuracies))})


def knn_accuracy(
    features: ArrayLike,
    labels: ArrayLike,
    *,
    rng: np.random.Generator,
    k: int = DEFAULT_K,
    folds: int = DEFAULT_FOLDS,
    permutations: int = DEFAULT_PERMUTATIONS,
    max_rows: int | None = DEFAULT_MAX_ROWS,
) -> MetricResult:
    """Stratified k-fold accuracy of cosine k-NN (centred rows) on features (n, d), labels (n,).

    k is capped at the smallest training-split size. Value in [0, 1], higher = better.

    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1, 2], 20)
    >>> features = 3.0 * np.eye(3)[labels] + rng.normal(size=(60, 3))  # 3 separated classes
    >>> result = knn_accuracy(features, labels, k=5, permutations=99, rng=np.random.default_rng(0))
    >>> result.value, result.p_value
    (1.0, 0.01)
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    x, enc, labeled = _prepare(features, labels, max_rows, rng)
    n, d = x.shape
    fold_of, n_folds = _stratified_folds(enc, folds, rng)
    loo = n_folds == n
    largest_fold = int(np.bincount(fold_of).max())
    k_used = max(1, min(k, n - largest_fold))
    neighbours, similarity = cosine_neighbours(x, fold_of, k_used)
    num_classes = enc.num_classes

    def accuracies(label_sets: Labels) -> NDArray[np.float64]:
        guess = knn_votes(label_sets[:, neighbours], similarity, num_classes)
        result: NDArray[np.float64] = (guess == label_sets).mean(axis=1)
        return result

    flops_per_set = 4.0 * n * k_used * num_classes
    return _with_null(accuracies, enc, fold_of, loo, permutations, rng, flops_per_set, n_folds,
                      {"model": "cosine k-NN on centred rows, majority vote", "k": k_used,
                       "n": n, "n_labeled": labeled, "dim": d})


def _prepare(
    features: ArrayLike, labels: ArrayLike, max_rows: int | None, rng: np.random.Generator
) -> tuple[Matrix, EncodedLabels, int]:
    """Checked rows and labels, stratified-subsampled to at most ~max_rows; and the original n.

    Each class keeps max(min(n_c, 2), ⌊n_c · max_rows / n⌋) rows chosen uniformly at random, so
    every class survives and the class shares are preserved.
    """
    x = as_features(features)
    enc = encode_labels(labels, x.shape[0])
    require_variation(x)
    n = x.shape[0]
    if max_rows is None or n <= max_rows:
        return x, enc, n
    if max_rows < 2 * enc.num_classes:
        raise MetricNotApplicable(f"max_rows must allow 2 rows per class, got {max_rows}")
    quota = np.maximum(np.minimum(enc.counts, 2), enc.counts * max_rows // n)
    order = rng.permutation(n)
    by_class = order[np.argsort(enc.codes[order], kind="stable")]  # grouped, random inside
    starts = np.concatenate([[0], np.cumsum(enc.counts)[:-1]])
    rank = np.arange(n) - starts[enc.codes[by_class]]  # position within its class
    chosen = np.sort(by_class[rank < quota[enc.codes[by_class]]])
    return x[chosen], encode_labels(enc.classes[enc.codes[chosen]], chosen.shape[0]), n


def _stratified_folds(
    enc: EncodedLabels, folds: int, rng: np.random.Generator
) -> tuple[Labels, int]:
    """Fold index per row: each class dealt round-robin in random order; LOO for singletons."""
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    n = enc.codes.shape[0]
    n_folds = min(folds, int(enc.counts.min()))
    if n_folds < 2:
        return np.arange(n, dtype=np.int64), n
    order = rng.permutation(n)
    # Classes ordered by where their first row falls in the random order (not by label value),
    # so renaming the classes leaves every row's fold unchanged.
    first_seen = np.full(enc.num_classes, n)
    np.minimum.at(first_seen, enc.codes[order], np.arange(n))
    class_rank = np.argsort(np.argsort(first_seen))
    order = order[np.argsort(class_rank[enc.codes[order]], kind="stable")]  # grouped, shuffled
    fold_of = np.empty(n, dtype=np.int64)
    fold_of[order] = np.arange(n) % n_folds
    return fold_of, n_folds


def _ridge_factor(x: Matrix, ridge: float) -> tuple[Matrix, float]:
    """Z (n, r + 1) with Z Zᵀ = ridge hat matrix with intercept, and the penalty λ used.

    λ = ridge · ‖Xc‖²_F / min(n − 1, d), the mean nonzero eigenvalue of XcᵀXc at full rank.
    n > d: Cholesky L Lᵀ = XcᵀXc + λI and Z = Xc L⁻ᵀ (no eigendecomposition);
    n ≤ d: Xc Xcᵀ = U S Uᵀ and Z = U (S / (S + λ))^½.
    """
    n, d = x.shape
    xc = x - x.mean(axis=0)
    lam = ridge * float(np.sum(xc * xc)) / min(n - 1, d)
    if n > d:
        chol = scipy.linalg.cholesky(xc.T @ xc + lam * np.eye(d), lower=True, check_finite=False)
        z_x = scipy.linalg.solve_triangular(chol, xc.T, lower=True, check_finite=False).T
    else:
        values, vectors = scipy.linalg.eigh(xc @ xc.T, check_finite=False, driver="evd")
        values = np.clip(values, 0.0, None)
        z_x = vectors * np.sqrt(values / (values + lam))
    z = np.hstack([np.full((n, 1), 1.0 / np.sqrt(n)), z_x])
    return z, lam


def _fold_rows(fold_of: Labels, n_folds: int) -> list[NDArray[np.intp]]:
    return [np.flatnonzero(fold_of == f) for f in range(n_folds)]


def _split_flops(fold_rows: list[NDArray[np.intp]], width: int, num_classes: int) -> float:
    """Floating-point operations of one more split: per fold, `_held_out_solver` and one solve."""
    total = 0.0
    for rows in fold_rows:
        inner = min(rows.shape[0], width)  # the side `_held_out_solver` factorises
        total += (2.0 * rows.shape[0] * width * inner + inner**3 / 3.0
                  + 4.0 * rows.shape[0] * inner * num_classes)
    return max(total, 1.0)


def _held_out_predictions(y: Matrix, residual: Matrix, fold_rows: list[NDArray[np.intp]],
                          solvers: list[Callable[[Matrix], Matrix]]) -> Matrix:
    """Each row's ridge prediction refitted without its fold (the group-deletion identity)."""
    predicted = np.empty_like(y)
    for rows, solve in zip(fold_rows, solvers, strict=True):
        predicted[rows] = y[rows] - solve(residual[rows])
    return predicted


def _held_out_solver(z_fold: Matrix) -> Callable[[Matrix], Matrix]:
    """The map r ↦ (I − Z_f Z_fᵀ)⁻¹ r for one fold, factorised once in the smaller space.

    n_f ≤ r: Cholesky of I − Z_f Z_fᵀ (n_f × n_f). Otherwise Woodbury:
    (I − Z_f Z_fᵀ)⁻¹ = I + Z_f (I − Z_fᵀ Z_f)⁻¹ Z_fᵀ with an (r × r) Cholesky.
    """
    rows, width = z_fold.shape
    if rows <= width:
        factor = scipy.linalg.cho_factor(np.eye(rows) - z_fold @ z_fold.T, check_finite=False)
        return lambda r: np.asarray(scipy.linalg.cho_solve(factor, r, check_finite=False))
    inner = scipy.linalg.cho_factor(np.eye(width) - z_fold.T @ z_fold, check_finite=False)
    return lambda r: r + z_fold @ scipy.linalg.cho_solve(inner, z_fold.T @ r, check_finite=False)


def _null_label_sets(
    codes: Labels, fold_of: Labels, loo: bool, count: int, rng: np.random.Generator
) -> Labels:
    """(count, n) label vectors shuffled within folds (over all rows for leave-one-out)."""
    n = codes.shape[0]
    keys = rng.random((count, n))
    if loo:
        return codes[np.argsort(keys, axis=1)]
    by_fold = np.argsort(fold_of, kind="stable")
    shuffled = np.argsort(fold_of[None, :] + keys, axis=1)  # rows by fold, random inside
    out = np.empty((count, n), dtype=np.int64)
    out[:, by_fold] = codes[shuffled]
    return out


def _with_null(
    accuracies: Callable[[Labels], NDArray[np.float64]],
    enc: EncodedLabels,
    fold_of: Labels,
    loo: bool,
    permutations: int,
    rng: np.random.Generator,
    flops_per_set: float,
    n_folds: int,
    extra: dict[str, object],
) -> MetricResult:
    if permutations < 0:
        raise ValueError(f"permutations must be ≥ 0, got {permutations}")
    n = enc.codes.shape[0]
    observed = float(accuracies(enc.codes[None, :])[0])
    used = int(min(permutations, PERMUTATION_FLOP_BUDGET // max(flops_per_set, 1.0)))
    null = np.empty(0)
    if used > 0:
        sets = _null_label_sets(enc.codes, fold_of, loo, used, rng)
        per_chunk = max(1, int(_CHUNK_ELEMENTS // (n * enc.num_classes)))
        null = np.concatenate([accuracies(sets[i:i + per_chunk])
                               for i in range(0, used, per_chunk)])
    p_value = float((1 + np.sum(null >= observed - 1e-12)) / (1 + used)) if used else None
    chance = float(enc.counts.max()) / n
    details: dict[str, object] = {
        "chance": chance, "gain_over_chance": observed - chance,
        "folds": n_folds, "scheme": "leave-one-out" if loo else "stratified k-fold",
        "permutations": used, "permutations_requested": permutations,
        "null_mean": float(null.mean()) if used else None,
        "null_std": float(null.std()) if used else None,
        "null_scheme": "labels shuffled within folds" if not loo else "labels shuffled",
        "num_classes": enc.num_classes,
    }
    details.update(extra)
    return MetricResult(value=observed, p_value=p_value, details=details)
