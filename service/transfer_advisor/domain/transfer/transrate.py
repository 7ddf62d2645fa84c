"""TransRate: how much the features' coding rate drops once the class is known.

    R(Z, ε) = ½ log det(I_d + Zᵀ Z / (n_Z ε))          (coding rate of rows Z, (n_Z, d))
    TrR = R(F, ε) − (1/C) Σ_c R(F_c, ε)

F: features centred with the overall mean; F_c: the rows of class c (not re-centred); the
class average is unweighted; ε = 1e-4 (the reference code's scaling, not the paper's
d/(n ε²)). Higher = more transferable. Depends on feature scale and ε (compare values only
with identical centring, scale and ε) and grows large when d > n.
Each log-det is Σ log(1 + λ_i / (n_Z ε)) over the eigenvalues of the smaller Gram matrix
(ZᵀZ or Z Zᵀ share their nonzero spectrum), so classes with few rows are cheap.

Reference: Huang et al., "Frustratingly Easy Transferability Estimation", ICML 2022;
code as thuml/Transfer-Learning-Library `tllib/ranking/transrate.py`.
Golden values: reference/transferability/values.json ("TransRate").
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike

from ..results import MetricResult
from ._common import Matrix, as_features, encode_labels, finite_or_raise, require_variation

DEFAULT_EPS = 1e-4


def coding_rate(z: Matrix, eps: float = DEFAULT_EPS) -> float:
    """R(Z, ε) = ½ log det(I + ZᵀZ / (n ε)) for rows z (n, d); ≥ 0."""
    n, d = z.shape
    gram = z.T @ z if n > d else z @ z.T
    eigenvalues = np.clip(scipy.linalg.eigvalsh(gram, check_finite=False), 0.0, None)
    return 0.5 * float(np.sum(np.log1p(eigenvalues / (n * eps))))


def transrate_score(
    features: ArrayLike, labels: ArrayLike, eps: float = DEFAULT_EPS
) -> MetricResult:
    """TransRate of features (n, d) for integer labels (n,). Higher = more transferable.

    Only classes present in `labels` enter the class average (the reference would divide by
    zero rows for an absent class).

    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1, 2], 20)
    >>> features = 3.0 * np.eye(3)[labels] + rng.normal(size=(60, 3))  # 3 separated classes
    >>> round(transrate_score(features, labels).value, 4)
    0.5395
    """
    x = as_features(features)
    enc = encode_labels(labels, x.shape[0])
    require_variation(x)
    if not eps > 0.0:
        raise ValueError(f"eps must be positive, got {eps}")
    xc = x - x.mean(axis=0)
    total = coding_rate(xc, eps)
    per_class = [coding_rate(xc[enc.codes == c], eps) for c in range(enc.num_classes)]
    conditional = float(np.mean(per_class))
    value = finite_or_raise(total - conditional, "TransRate")
    return MetricResult(value=value, p_value=None, details={
        "eps": eps, "rate_total": total, "rate_given_class_mean": conditional,
        "num_classes": enc.num_classes, "n": int(x.shape[0]), "dim": int(x.shape[1]),
        "scale_note": "depends on feature scale and eps; compare only like with like"})
