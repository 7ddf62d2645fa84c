"""LEEP and NCE from a source model's class probabilities on labeled target rows.

LEEP (Nguyen et al., ICML 2020), θ_i = source probabilities of target row i over C_s classes:
    P(y, z) = (1/n) Σ_{i: y_i = y} θ_iz,   P(y | z) = P(y, z) / Σ_y' P(y', z),
    LEEP = (1/n) Σ_i log Σ_z P(y_i | z) θ_iz          (≤ 0, higher = more transferable).
NCE (Tran et al., ICCV 2019) on hard source labels z_i = argmax θ_i:
    NCE = Σ_{y,z} P(y, z) log P(y | z) = −H(Y | Z)     (≤ 0, higher = more transferable).
Both equal −H(Y) (the label entropy) when θ carries no information about y; `details` report
H(Y) and the gain over it (for NCE the empirical mutual information I(Y; Z)).

`pseudo_source_probs` supplies θ when the client sends source embeddings and source labels
instead of a source model: a multinomial logistic regression ("pseudo source head") fit on the
source rows, applied to the target rows.

References: thuml/LogME `LEEP.py`, `NCE.py`; tllib `ranking/leep.py`, `ranking/nce.py`.
Golden values: reference/transferability/values.json ("LEEP", "NCE").
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.optimize
from numpy.typing import ArrayLike

from ..results import MetricNotApplicable, MetricResult
from ._common import (
    Labels,
    Matrix,
    Vector,
    as_features,
    encode_labels,
    finite_or_raise,
    max_over_last_axis,
)

ROW_SUM_TOLERANCE = 1e-3
HEAD_MAX_ROWS = 5000
HEAD_MAX_ITERATIONS = 200


def leep_score(source_probs: ArrayLike, labels: ArrayLike) -> MetricResult:
    """LEEP of source probabilities (n, C_s) for target labels (n,). Higher = better (≤ 0).

    Source classes that no row gives any probability are skipped (the reference divides 0/0).
    Rows are renormalised to sum to 1 after checking they already do within 1e-3.

    >>> labels = np.array([0, 0, 1, 1])
    >>> probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8]])
    >>> round(leep_score(probs, labels).value, 4)
    -0.2955
    >>> round(leep_score(np.full((4, 2), 0.5), labels).value, 4)  # uninformative: −H(Y) = −log 2
    -0.6931
    """
    theta = _check_probs(source_probs)
    enc = encode_labels(labels, theta.shape[0])
    n = theta.shape[0]
    joint = enc.one_hot().T @ theta / n  # (C_t, C_s)
    mass = joint.sum(axis=0)
    used = mass > 0.0
    conditional = joint[:, used] / mass[used]  # P(y | z)
    eep = np.einsum("iz,iz->i", theta[:, used], conditional[enc.codes])
    if np.any(eep <= 0.0):
        raise MetricNotApplicable("a row's expected empirical prediction is 0 (degenerate probs)")
    value = finite_or_raise(float(np.mean(np.log(eep))), "LEEP")
    entropy = _entropy(enc.counts)
    return MetricResult(value=value, p_value=None, details={
        "n": n, "num_source_classes": int(theta.shape[1]),
        "num_target_classes": enc.num_classes, "label_entropy": entropy,
        "gain_over_prior": value + entropy,
    })


def nce_score(source_probs: ArrayLike, labels: ArrayLike) -> MetricResult:
    """NCE on z = argmax of source probabilities (n, C_s) for labels (n,). Higher = better (≤ 0).

    >>> probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8]])
    >>> nce_score(probs, np.array([0, 0, 1, 1])).value  # z determines y: −H(Y | Z) = 0
    0.0
    """
    theta = _check_probs(source_probs)
    return nce_from_source_labels(np.argmax(theta, axis=1), labels,
                                  num_source_classes=theta.shape[1])


def nce_from_source_labels(
    source_labels: ArrayLike, labels: ArrayLike, *, num_source_classes: int | None = None
) -> MetricResult:
    """NCE = −H(Y | Z) from hard source labels z (n,) and target labels y (n,)."""
    z = np.asarray(source_labels)
    if z.ndim != 1 or z.dtype.kind not in "iu":
        raise MetricNotApplicable(f"source labels must be a vector of integers, got {z.dtype} {z.shape}")
    enc = encode_labels(labels, z.shape[0])
    _, z_codes = np.unique(z, return_inverse=True)
    n = enc.codes.shape[0]
    n_z = int(z_codes.max()) + 1
    counts = np.zeros((enc.num_classes, n_z))
    np.add.at(counts, (enc.codes, z_codes.reshape(-1)), 1.0)
    joint = counts / n
    p_z = joint.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        conditional = np.where(joint > 0, joint / p_z, 1.0)
    value = finite_or_raise(float(np.sum(joint * np.log(conditional))), "NCE")
    entropy = _entropy(enc.counts)
    return MetricResult(value=value, p_value=None, details={
        "n": n, "num_source_classes": int(num_source_classes or n_z),
        "source_classes_used": n_z, "num_target_classes": enc.num_classes,
        "label_entropy": entropy, "mutual_information": value + entropy,
    })


def pseudo_source_probs(
    x_source: ArrayLike,
    y_source: ArrayLike,
    x_target: ArrayLike,
    *,
    rng: np.random.Generator,
    max_rows: int = HEAD_MAX_ROWS,
    max_iterations: int = HEAD_MAX_ITERATIONS,
) -> Matrix:
    """Class probabilities (n_target, C_s) of a logistic "pseudo source head" on target rows.

    Model: p(z | x) = softmax(W ᵀ x̃ + b), x̃ = (x − μ_s) / s_s standardised with the source
    mean and standard deviation (constant columns get s = 1). Fit on the source rows
    x_source (n_s, d), y_source (n_s,) by L-BFGS (scipy, at most `max_iterations` steps) on
        mean cross-entropy + ‖W‖² / (2 n_s)        (scikit-learn's C = 1; b unpenalised),
    from W = 0, b = 0. More than `max_rows` source rows are subsampled uniformly with `rng`
    (not drawn from otherwise: the fit itself is deterministic). Column z of the result
    is the z-th smallest source label. Use as `source_probs` for `leep_score`/`nce_score`.

    >>> x_source = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> probs = pseudo_source_probs(x_source, np.array([0, 0, 1, 1]), np.array([[-3.0], [3.0]]),
    ...                             rng=np.random.default_rng(0))
    >>> probs.shape, bool(probs[0, 0] > 0.5 > probs[1, 0])
    ((2, 2), True)
    """
    head = fit_source_head(x_source, y_source, rng=rng, max_rows=max_rows,
                           max_iterations=max_iterations)
    return head.predict_proba(x_target)


class SourceHead:
    """A fitted multinomial logistic head; see `pseudo_source_probs`."""

    def __init__(self, mean: Vector, scale: Vector, weights: Matrix, bias: Vector,
                 classes: Labels, info: dict[str, Any]) -> None:
        self.mean, self.scale, self.weights, self.bias = mean, scale, weights, bias
        self.classes, self.info = classes, info

    def predict_proba(self, x: ArrayLike) -> Matrix:
        """Probabilities (n, C_s) for rows x (n, d)."""
        rows = as_features(x, "target features")
        if rows.shape[1] != self.mean.shape[0]:
            raise MetricNotApplicable(
                f"target features have {rows.shape[1]} dims, the source head {self.mean.shape[0]}")
        return _softmax(((rows - self.mean) / self.scale) @ self.weights + self.bias)


def fit_source_head(
    x_source: ArrayLike,
    y_source: ArrayLike,
    *,
    rng: np.random.Generator,
    max_rows: int = HEAD_MAX_ROWS,
    max_iterations: int = HEAD_MAX_ITERATIONS,
) -> SourceHead:
    """Fit the pseudo source head described in `pseudo_source_probs`."""
    x = as_features(x_source, "source features")
    enc = encode_labels(y_source, x.shape[0])
    codes = enc.codes
    if x.shape[0] > max_rows:
        chosen = np.sort(rng.choice(x.shape[0], max_rows, replace=False))
        x, codes = x[chosen], codes[chosen]
    n, d = x.shape
    c = enc.num_classes
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0.0] = 1.0
    z = (x - mean) / scale
    onehot = np.zeros((n, c))
    onehot[np.arange(n), codes] = 1.0
    l2 = 1.0 / n
    rows = np.arange(n)

    def objective(theta: Vector) -> tuple[float, Vector]:
        w = theta[: d * c].reshape(d, c)
        b = theta[d * c:]
        logits = z @ w
        logits += b
        top = max_over_last_axis(logits)[:, None]
        shifted = logits - top
        log_norm = top[:, 0] + np.log(np.exp(shifted, out=shifted).sum(axis=1))
        loss = float(np.mean(log_norm - logits[rows, codes]))
        loss += 0.5 * l2 * float(np.sum(w * w))
        residual = np.subtract(logits, log_norm[:, None], out=shifted)
        np.exp(residual, out=residual)
        residual -= onehot
        residual /= n
        grad = np.concatenate([(z.T @ residual + l2 * w).ravel(), residual.sum(axis=0)])
        return loss, grad

    fit = scipy.optimize.minimize(objective, np.zeros(d * c + c), jac=True, method="L-BFGS-B",
                                  options={"maxiter": max_iterations})
    weights = fit.x[: d * c].reshape(d, c)
    bias = fit.x[d * c:]
    accuracy = float(np.mean(np.argmax(z @ weights + bias, axis=1) == codes))
    info = {"iterations": int(fit.nit), "converged": bool(fit.success), "loss": float(fit.fun),
            "rows_used": n, "source_train_accuracy": accuracy}
    return SourceHead(mean, scale, weights, bias, enc.classes, info)


def _softmax(logits: Matrix) -> Matrix:
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    result: Matrix = e / e.sum(axis=1, keepdims=True)
    return result


def _check_probs(source_probs: ArrayLike) -> Matrix:
    theta = as_features(source_probs, "source_probs")
    if np.any(theta < 0.0):
        raise MetricNotApplicable("source_probs must be non-negative probabilities")
    sums = theta.sum(axis=1)
    if np.any(np.abs(sums - 1.0) > ROW_SUM_TOLERANCE):
        worst = float(sums[np.argmax(np.abs(sums - 1.0))])
        raise MetricNotApplicable(
            f"source_probs rows must sum to 1 (within {ROW_SUM_TOLERANCE}); one sums to {worst:.6g}")
    result: Matrix = theta / sums[:, None]
    return result


def _entropy(counts: Labels) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-np.sum(p * np.log(p)))
